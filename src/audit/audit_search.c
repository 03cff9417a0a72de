/*
 * audit_search.c — searching the audit log (audit_search.h): day bounds in
 * Asia/Shanghai computed in C, one query built with sqlb from the filters and the
 * caller's data scope, newest first.
 */
#include "audit_search.h"
#include "core/util.h"
#include "db/sqlb.h"
#include "org/access.h"

#include <string.h>

#define DAY_MS INT64_C(86400000)
#define SHANGHAI_OFFSET_MS INT64_C(28800000) /* UTC+8 all year (no daylight saving since 1991) */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits_at(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool audit_day_bounds(const char *ymd, int64_t *start_ms, int64_t *end_ms)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!ymd || strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-')
        return false;
    int y = digits_at(ymd, 4), m = digits_at(ymd + 5, 2), d = digits_at(ymd + 8, 2);
    if (y < 1970 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return false;
    int64_t day = days_from_civil(y, m, d);
    *start_ms = day * DAY_MS - SHANGHAI_OFFSET_MS;
    *end_ms = *start_ms + DAY_MS;
    return true;
}

/* "text" → "%text%" with LIKE's wildcards escaped by a backslash. */
static const char *like_pattern(arena *a, const char *s, bool prefix_only)
{
    char *out = arena_alloc(a, 2 * strlen(s) + 3), *p = out;
    if (!prefix_only)
        *p++ = '%';
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            *p++ = '\\';
        *p++ = *s;
    }
    *p++ = '%';
    *p = '\0';
    return out;
}

static void add_filters(sqlb *q, const struct access *scope, const struct audit_filter *f)
{
    if (f->actor)
        sqlb_add(q, " AND a.username = ?", "s", f->actor);
    if (f->action)
        sqlb_add(q, " AND a.action = ?", "s", f->action);
    if (f->entity)
        sqlb_add(q, " AND a.object_type = ?", "s", f->entity);
    if (f->target)
        sqlb_add(q, " AND (a.object_id = ? OR a.object_type = ? OR a.detail LIKE ? ESCAPE '\\')", "sss", f->target,
                 f->target, like_pattern(q->a, f->target, false));
    if (f->ip)
        sqlb_add(q, " AND a.ip LIKE ? ESCAPE '\\'", "s", like_pattern(q->a, f->ip, true));
    if (f->from_ms)
        sqlb_add(q, " AND a.at >= ?", "i", f->from_ms);
    if (f->to_ms)
        sqlb_add(q, " AND a.at < ?", "i", f->to_ms);
    /* ORG-4: outside scope "all", only actors whose unit is in the caller's scope. */
    if (scope->scope != SCOPE_ALL) {
        sqlb_add(q, " AND a.user_id IN (SELECT su.id FROM users su WHERE 1 = 1", NULL);
        scope_where(q, scope, "su.unit_id", "su.id");
        sqlb_add(q, ")", NULL);
    }
}

void audit_search_query(sqlb *q, const struct access *scope, const struct audit_filter *f, bool count)
{
    sqlb_init(q, q->a,
              count ? "SELECT COUNT(*) FROM audit_log a WHERE 1 = 1"
                    : "SELECT a.id, a.at, a.user_id, a.username, u.display_name, a.ip, a.action, a.object_type,"
                      " a.object_id, a.detail FROM audit_log a LEFT JOIN users u ON u.id = a.user_id WHERE 1 = 1");
    add_filters(q, scope, f);
    if (!count)
        sqlb_add(q, " ORDER BY a.id DESC", NULL);
}

void audit_row_read(db_stmt *st, arena *a, struct audit_row *row)
{
    row->id = db_col_int64(st, 0);
    row->at = db_col_int64(st, 1);
    row->user_id = db_col_null(st, 2) ? 0 : db_col_int64(st, 2);
    row->username = arena_strdup(a, db_col_text(st, 3));
    row->display_name = db_col_null(st, 4) ? NULL : arena_strdup(a, db_col_text(st, 4));
    row->ip = arena_strdup(a, db_col_text(st, 5));
    row->action = arena_strdup(a, db_col_text(st, 6));
    row->object_type = arena_strdup(a, db_col_text(st, 7));
    row->object_id = arena_strdup(a, db_col_text(st, 8));
    row->detail = arena_strdup(a, db_col_text(st, 9));
}
