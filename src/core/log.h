/*
 * log.h — structured log lines on stderr: `ts=… level=… msg="…"`, and one access
 * line per request with its id, so a request can be followed from log to response.
 */
#ifndef FINCRM_LOG_H
#define FINCRM_LOG_H

#include <stdint.h>

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_access(const char *request_id, const char *ip, const char *method, const char *path, int status,
                int64_t dur_us);

#endif
