/* clock.h — wall-clock and monotonic time in the units the project uses. */
#ifndef GG_CORE_CLOCK_H
#define GG_CORE_CLOCK_H
#include <stdint.h>
/* Unix time in milliseconds (what the database stores).  For tests only: when the environment variable
 * GRIDGOV_TEST_CLOCK names a file holding a Unix ms number, the time is that number plus the real time
 * since the file was last written (the API tests move a server's clock to a date they need). */
int64_t gg_now_ms(void);
int64_t gg_mono_us(void); /* monotonic microseconds (durations) */
/* Unix ms as RFC 3339 in Asia/Shanghai (+08:00, no DST), the zone users work in. */
void gg_time_rfc3339(int64_t unix_ms, char out[32]);
#endif
