/*
 * metrics.c — request counters and a latency histogram, exported at /metrics in the
 * Prometheus text format. Updated with relaxed atomics: no lock on the hot path.
 */
#include "core/util.h"
#include "http.h"

#include <stdio.h>

static const double bounds_s[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NBUCKETS ARRAY_LEN(bounds_s)

static uint64_t by_class[6];            /* 1xx … 5xx, index by status/100 */
static uint64_t buckets[NBUCKETS + 1];  /* last: +Inf */
static uint64_t sum_us;
static int in_flight;
static int64_t started_ms;

#define ADD(var, n) __atomic_fetch_add(&(var), (n), __ATOMIC_RELAXED)
#define GET(var) __atomic_load_n(&(var), __ATOMIC_RELAXED)

void metrics_record(int status, int64_t dur_us)
{
    int cls = status / 100;
    if (cls >= 1 && cls <= 5)
        ADD(by_class[cls], 1);
    size_t b = 0;
    while (b < NBUCKETS && (double)dur_us > bounds_s[b] * 1e6)
        b++;
    ADD(buckets[b], 1);
    ADD(sum_us, (uint64_t)(dur_us > 0 ? dur_us : 0));
}

void metrics_in_flight(int delta)
{
    if (!GET(started_ms))
        __atomic_store_n(&started_ms, now_ms(), __ATOMIC_RELAXED);
    ADD(in_flight, delta);
}

int metrics_in_flight_now(void) { return GET(in_flight); }

int handle_metrics(req *r)
{
    char line[160];
    jw *w = &r->out;
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
#define LINE(...) jw_append(w, line, (size_t)snprintf(line, sizeof line, __VA_ARGS__))
    LINE("# HELP fincrm_http_requests_total HTTP requests answered, by status class.\n");
    LINE("# TYPE fincrm_http_requests_total counter\n");
    for (int c = 1; c <= 5; c++)
        LINE("fincrm_http_requests_total{code=\"%dxx\"} %llu\n", c, (unsigned long long)GET(by_class[c]));
    LINE("# HELP fincrm_http_request_duration_seconds Time from request start to response queued.\n");
    LINE("# TYPE fincrm_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t b = 0; b < NBUCKETS; b++) {
        cum += GET(buckets[b]);
        LINE("fincrm_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds_s[b], (unsigned long long)cum);
    }
    cum += GET(buckets[NBUCKETS]);
    LINE("fincrm_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    LINE("fincrm_http_request_duration_seconds_sum %.6f\n", (double)GET(sum_us) / 1e6);
    LINE("fincrm_http_request_duration_seconds_count %llu\n", (unsigned long long)cum);
    LINE("# HELP fincrm_http_requests_in_flight Requests being handled now.\n");
    LINE("# TYPE fincrm_http_requests_in_flight gauge\n");
    LINE("fincrm_http_requests_in_flight %d\n", GET(in_flight));
    LINE("# HELP fincrm_start_time_seconds Unix time the server started.\n");
    LINE("# TYPE fincrm_start_time_seconds gauge\n");
    LINE("fincrm_start_time_seconds %lld\n", (long long)(GET(started_ms) / 1000));
    LINE("# HELP fincrm_info Build and database backend.\n");
    LINE("# TYPE fincrm_info gauge\n");
    LINE("fincrm_info{version=\"%s\",database=\"%s\"} 1\n", FINCRM_VERSION, server_db_kind);
#undef LINE
    return 200;
}
