/*
 * log.h — the server's two logs.
 *
 * gg_log: operational messages, written to stderr at once (rare, important).
 * gg_accesslog: one line per request.  Lines are appended to a per-thread
 * buffer and written by a background thread every 100 ms (or when a buffer
 * holds 64 KiB), so a request costs a memcpy, not a write(2) or a shared lock —
 * that is what keeps /healthz within reach of a bare libmicrohttpd program.
 * gg_accesslog_stop flushes everything before returning; a thread that logs
 * after it (or before start) has its line dropped.
 */
#ifndef GG_CORE_LOG_H
#define GG_CORE_LOG_H

#include <stddef.h>
#include <stdio.h>

void gg_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define gg_log_info(...) gg_log("info", __VA_ARGS__)
#define gg_log_warn(...) gg_log("warn", __VA_ARGS__)
#define gg_log_error(...) gg_log("error", __VA_ARGS__)

void gg_accesslog_start(FILE *out);
void gg_accesslog_write(const char *line, size_t len);
void gg_accesslog_stop(void);

#endif
