/*
 * sqlb.c — see sqlb.h.
 */
#include "sqlb.h"
#include "core/log.h"

#include <stdarg.h>
#include <string.h>

static void append(sqlb *q, const char *s)
{
    size_t n = strlen(s);
    if (q->len + n + 1 > q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 256;
        while (cap < q->len + n + 1)
            cap *= 2;
        char *grown = arena_alloc(q->a, cap);
        if (q->len) /* the first piece: nothing to copy (and q->sql is NULL) */
            memcpy(grown, q->sql, q->len);
        q->sql = grown;
        q->cap = cap;
    }
    memcpy(q->sql + q->len, s, n + 1);
    q->len += n;
}

void sqlb_init(sqlb *q, arena *a, const char *sql)
{
    memset(q, 0, sizeof *q);
    q->a = a;
    append(q, sql);
}

void sqlb_add(sqlb *q, const char *sql, const char *fmt, ...)
{
    append(q, sql);
    va_list ap;
    va_start(ap, fmt);
    for (const char *f = fmt; f && *f; f++) {
        if (q->np == SQLB_MAX_PARAMS) {
            q->overflow = true;
            break;
        }
        q->p[q->np].kind = *f;
        if (*f == 'i')
            q->p[q->np].i = va_arg(ap, int64_t);
        else if (*f == 's')
            q->p[q->np].s = va_arg(ap, const char *);
        q->np++;
    }
    va_end(ap);
}

db_stmt *sqlb_prepare(const sqlb *q, db *d)
{
    if (q->overflow) {
        log_error("sqlb: more than %d parameters", SQLB_MAX_PARAMS);
        return NULL;
    }
    db_stmt *st = db_prepare(d, q->sql);
    if (!st)
        return NULL;
    for (int i = 0; i < q->np; i++) {
        int rc = q->p[i].kind == 'i'   ? db_bind_int64(st, i + 1, q->p[i].i)
                 : q->p[i].kind == 's' ? db_bind_text(st, i + 1, q->p[i].s)
                                       : db_bind_null(st, i + 1);
        if (rc != DB_OK) {
            db_reset(st);
            return NULL;
        }
    }
    return st;
}
