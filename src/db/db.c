/*
 * db.c — the backend-independent half of the storage interface: picks the backend
 * from the URL, keeps each connection's prepared statements, and offers the
 * varargs helpers db_run()/db_query() that keep call sites short.
 */
#include "db_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct db_ops *ops_for(const char *url, const char **target)
{
    if (strncmp(url, "sqlite:", 7) == 0) {
        *target = url + 7;
        return &db_sqlite_ops;
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        *target = url;
        return &db_pg_ops;
    }
    return NULL;
}

bool db_url_valid(const char *url)
{
    const char *target;
    return url && ops_for(url, &target) && *target;
}

db *db_open(const char *url, char *err, size_t errlen)
{
    const char *target = NULL;
    const struct db_ops *ops = url ? ops_for(url, &target) : NULL;
    if (!ops || !*target) {
        snprintf(err, errlen, "database URL must be sqlite:PATH or postgresql://…, got '%s'",
                 url ? url : "");
        return NULL;
    }
    db *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->ops = ops;
    if (ops->open(d, target, err, errlen) != DB_OK) {
        free(d);
        return NULL;
    }
    return d;
}

void db_close(db *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->ncache; i++)
        d->ops->finalize(d->cache[i].st);
    d->ops->close(d);
    free(d);
}

enum db_kind db_kind(const db *d) { return d->ops->kind; }
const char *db_kind_name(const db *d) { return d->ops->name; }
const char *db_errmsg(const db *d) { return d->errmsg; }

void db_set_error(db *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->errmsg, sizeof d->errmsg, fmt, ap);
    va_end(ap);
}

int db_exec(db *d, const char *sql) { return d->ops->exec(d, sql); }

static uint32_t sql_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Statements are cached by the hash and text of their SQL, so a repeated query is
 * prepared only once per connection. */
db_stmt *db_prepare(db *d, const char *sql)
{
    uint32_t h = sql_hash(sql);
    for (int i = 0; i < d->ncache; i++)
        if (d->cache[i].hash == h && strcmp(d->cache[i].sql, sql) == 0)
            return d->cache[i].st;
    db_stmt *st = d->ops->prepare(d, sql);
    if (!st)
        return NULL;
    if (d->ncache == DB_STMT_CACHE) { /* full: drop the oldest */
        d->ops->finalize(d->cache[0].st);
        memmove(&d->cache[0], &d->cache[1], sizeof d->cache[0] * (DB_STMT_CACHE - 1));
        d->ncache--;
    }
    d->cache[d->ncache].hash = h;
    d->cache[d->ncache].sql = ((struct db_stmt_hdr *)st)->sql;
    d->cache[d->ncache].st = st;
    d->ncache++;
    return st;
}

static db *stmt_db(db_stmt *st) { return ((struct db_stmt_hdr *)st)->d; }

int db_bind_int64(db_stmt *st, int idx, int64_t v) { return stmt_db(st)->ops->bind_int64(st, idx, v); }
int db_bind_textn(db_stmt *st, int idx, const char *s, size_t n)
{
    return stmt_db(st)->ops->bind_textn(st, idx, s, n);
}
int db_bind_text(db_stmt *st, int idx, const char *s)
{
    return s ? db_bind_textn(st, idx, s, strlen(s)) : db_bind_null(st, idx);
}
int db_bind_null(db_stmt *st, int idx) { return stmt_db(st)->ops->bind_null(st, idx); }
int db_step(db_stmt *st) { return stmt_db(st)->ops->step(st); }
void db_reset(db_stmt *st) { stmt_db(st)->ops->reset(st); }
int db_col_count(db_stmt *st) { return stmt_db(st)->ops->col_count(st); }
bool db_col_null(db_stmt *st, int col) { return stmt_db(st)->ops->col_null(st, col); }
int64_t db_col_int64(db_stmt *st, int col) { return stmt_db(st)->ops->col_int64(st, col); }
const char *db_col_text(db_stmt *st, int col) { return stmt_db(st)->ops->col_text(st, col); }
size_t db_col_len(db_stmt *st, int col) { return stmt_db(st)->ops->col_len(st, col); }
int64_t db_last_insert_id(db *d) { return d->ops->last_insert_id(d); }
void db_bulk_mode(db *d, bool on) { d->ops->bulk_mode(d, on); }

static int bind_va(db_stmt *st, const char *fmt, va_list ap)
{
    int rc = DB_OK;
    for (int i = 0; fmt && fmt[i] && rc == DB_OK; i++) {
        switch (fmt[i]) {
        case 'i':
            rc = db_bind_int64(st, i + 1, va_arg(ap, int64_t));
            break;
        case 's':
            rc = db_bind_text(st, i + 1, va_arg(ap, const char *));
            break;
        case 'n':
            rc = db_bind_null(st, i + 1);
            break;
        default:
            db_set_error(stmt_db(st), "db_run: bad format letter '%c'", fmt[i]);
            rc = DB_ERROR;
        }
    }
    return rc;
}

db_stmt *db_query(db *d, const char *sql, const char *fmt, ...)
{
    db_stmt *st = db_prepare(d, sql);
    if (!st)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    int rc = bind_va(st, fmt, ap);
    va_end(ap);
    if (rc != DB_OK) {
        db_reset(st);
        return NULL;
    }
    return st;
}

int db_run(db *d, const char *sql, const char *fmt, ...)
{
    db_stmt *st = db_prepare(d, sql);
    if (!st)
        return DB_ERROR;
    va_list ap;
    va_start(ap, fmt);
    int rc = bind_va(st, fmt, ap);
    va_end(ap);
    while (rc == DB_OK && (rc = db_step(st)) == DB_ROW)
        rc = DB_OK;
    db_reset(st);
    return rc == DB_DONE ? DB_OK : rc;
}

/* Transactions nest: only the outermost begin/commit reach the database, and a
 * rollback at any depth rolls the whole transaction back. */
int db_begin(db *d)
{
    if (d->tx_depth++ > 0)
        return DB_OK;
    int rc = d->ops->exec(d, d->ops->kind == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN");
    if (rc != DB_OK)
        d->tx_depth = 0;
    return rc;
}

int db_commit(db *d)
{
    if (d->tx_depth == 0)
        return DB_ERROR;
    if (--d->tx_depth > 0)
        return DB_OK;
    int rc = d->ops->exec(d, "COMMIT");
    if (rc != DB_OK)
        d->ops->exec(d, "ROLLBACK");
    return rc;
}

int db_rollback(db *d)
{
    if (d->tx_depth == 0)
        return DB_OK;
    d->tx_depth = 0;
    return d->ops->exec(d, "ROLLBACK");
}
