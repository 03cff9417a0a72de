/*
 * log.c — log lines (log.h). Each line is formatted in full and written with one
 * write(2), so lines from server threads never interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static size_t stamp(char *buf, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, cap, "ts=%Y-%m-%dT%H:%M:%S", &tm);
    n += (size_t)snprintf(buf + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
    return n;
}

static void emit(char *buf, size_t n, size_t cap)
{
    if (n >= cap - 1)
        n = cap - 2;
    buf[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, buf, n);
    (void)w;
}

/* Writes msg as a quoted value: quotes and backslashes escaped, control bytes dropped. */
static size_t quoted(char *out, size_t cap, const char *msg)
{
    size_t o = 0;
    if (cap < 3)
        return 0;
    out[o++] = '"';
    for (const char *p = msg; *p && o + 3 < cap; p++) {
        if (*p == '"' || *p == '\\')
            out[o++] = '\\';
        if ((unsigned char)*p >= 0x20)
            out[o++] = *p;
    }
    out[o++] = '"';
    return o;
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
    char msg[1024], line[1400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = stamp(line, sizeof line);
    n += (size_t)snprintf(line + n, sizeof line - n, " level=%s msg=", level);
    n += quoted(line + n, sizeof line - n, msg);
    emit(line, n, sizeof line);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("error", fmt, ap);
    va_end(ap);
}

void log_access(const char *request_id, const char *ip, const char *method, const char *path, int status,
                int64_t dur_us)
{
    char line[1400];
    size_t n = stamp(line, sizeof line);
    n += (size_t)snprintf(line + n, sizeof line - n, " level=access id=%s ip=%s method=%s status=%d dur_us=%lld path=",
                          request_id, ip, method, status, (long long)dur_us);
    n += quoted(line + n, sizeof line - n, path);
    emit(line, n, sizeof line);
}
