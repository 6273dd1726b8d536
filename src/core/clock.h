/* clock.h — wall-clock and monotonic time in the units the project uses. */
#ifndef GG_CORE_CLOCK_H
#define GG_CORE_CLOCK_H
#include <stdint.h>
int64_t gg_now_ms(void);  /* Unix time in milliseconds (what the database stores) */
int64_t gg_mono_us(void); /* monotonic microseconds (durations) */
/* Unix ms as RFC 3339 in Asia/Shanghai (+08:00, no DST), the zone users work in. */
void gg_time_rfc3339(int64_t unix_ms, char out[32]);
#endif
