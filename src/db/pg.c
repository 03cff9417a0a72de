/*
 * pg.c — the PostgreSQL backend through libpq. Statements are prepared on the
 * server once per connection; `?` placeholders become $1, $2 …; values travel as
 * text both ways.
 */
#include "db_impl.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_PARAMS 100

struct db_stmt {
    struct db_stmt_hdr hdr;
    char name[16];
    int nparams;
    char *values[PG_MAX_PARAMS];
    int lengths[PG_MAX_PARAMS];
    PGresult *res;
    int row;   /* next row to return */
    int nrows;
};

static PGconn *conn(db *d) { return d->conn; }

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int pg_open(db *d, const char *url, char *err, size_t errlen)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(err, errlen, "cannot connect to PostgreSQL: %s", PQerrorMessage(c));
        PQfinish(c);
        return DB_ERROR;
    }
    PQsetNoticeProcessor(c, quiet_notices, NULL);
    d->conn = c;
    return DB_OK;
}

static void pg_close(db *d) { PQfinish(conn(d)); }

static void set_result_error(db *d, const PGresult *r)
{
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn(d));
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n')
        n--;
    db_set_error(d, "%.*s", (int)n, msg);
}

static int error_kind(const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return state && strncmp(state, "23", 2) == 0 ? DB_CONSTRAINT : DB_ERROR;
}

static int pg_exec(db *d, const char *sql)
{
    PGresult *r = PQexec(conn(d), sql);
    ExecStatusType s = PQresultStatus(r);
    int rc = DB_OK;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        set_result_error(d, r);
        rc = error_kind(r);
    }
    PQclear(r);
    return rc;
}

/* Rewrites `?` to $n outside quoted literals and identifiers. Returns the number of
 * parameters, or -1 if there are too many or the output does not fit. */
int db_pg_rewrite_placeholders(const char *in, char *out, size_t outlen)
{
    size_t o = 0;
    int n = 0;
    char quote = 0;
    for (const char *p = in; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?') {
            if (++n > PG_MAX_PARAMS)
                return -1;
            int w = snprintf(out + o, outlen - o, "$%d", n);
            if (w < 0 || (size_t)w >= outlen - o)
                return -1;
            o += (size_t)w;
            continue;
        }
        if (o + 1 >= outlen)
            return -1;
        out[o++] = *p;
    }
    out[o] = '\0';
    return n;
}

static db_stmt *pg_prepare(db *d, const char *sql)
{
    size_t cap = strlen(sql) * 2 + 16;
    char *text = malloc(cap);
    struct db_stmt *st = calloc(1, sizeof *st);
    char *copy = strdup(sql);
    if (!text || !st || !copy) {
        db_set_error(d, "out of memory");
        goto fail;
    }
    st->nparams = db_pg_rewrite_placeholders(sql, text, cap);
    if (st->nparams < 0) {
        db_set_error(d, "too many parameters in: %s", sql);
        goto fail;
    }
    snprintf(st->name, sizeof st->name, "s%u", ++d->stmt_seq);
    PGresult *r = PQprepare(conn(d), st->name, text, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        set_result_error(d, r);
        PQclear(r);
        goto fail;
    }
    PQclear(r);
    free(text);
    st->hdr.d = d;
    st->hdr.sql = copy;
    return st;
fail:
    free(text);
    free(st);
    free(copy);
    return NULL;
}

static void clear_values(db_stmt *st)
{
    for (int i = 0; i < st->nparams; i++) {
        free(st->values[i]);
        st->values[i] = NULL;
    }
}

static void pg_reset(db_stmt *st)
{
    PQclear(st->res);
    st->res = NULL;
    st->row = st->nrows = 0;
    clear_values(st);
}

static void pg_finalize(db_stmt *st)
{
    pg_reset(st);
    char sql[32];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
    PQclear(PQexec(conn(st->hdr.d), sql));
    free((char *)st->hdr.sql);
    free(st);
}

static int pg_bind_textn(db_stmt *st, int idx, const char *s, size_t n)
{
    if (idx < 1 || idx > st->nparams) {
        db_set_error(st->hdr.d, "bind index %d out of range 1..%d", idx, st->nparams);
        return DB_ERROR;
    }
    char *v = malloc(n + 1);
    if (!v)
        return DB_ERROR;
    memcpy(v, s, n);
    v[n] = '\0';
    free(st->values[idx - 1]);
    st->values[idx - 1] = v;
    st->lengths[idx - 1] = (int)n;
    return DB_OK;
}

static int pg_bind_int64(db_stmt *st, int idx, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    return pg_bind_textn(st, idx, buf, (size_t)n);
}

static int pg_bind_null(db_stmt *st, int idx)
{
    if (idx < 1 || idx > st->nparams)
        return DB_ERROR;
    free(st->values[idx - 1]);
    st->values[idx - 1] = NULL;
    return DB_OK;
}

static int pg_step(db_stmt *st)
{
    if (!st->res) {
        st->res = PQexecPrepared(conn(st->hdr.d), st->name, st->nparams, (const char *const *)st->values,
                                 st->lengths, NULL, 0);
        ExecStatusType s = PQresultStatus(st->res);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            set_result_error(st->hdr.d, st->res);
            return error_kind(st->res);
        }
        st->nrows = PQntuples(st->res);
        st->row = 0;
    }
    if (st->row < st->nrows) {
        st->row++;
        return DB_ROW;
    }
    return DB_DONE;
}

static int cur(db_stmt *st) { return st->row - 1; }
static int pg_col_count(db_stmt *st) { return st->res ? PQnfields(st->res) : 0; }
static bool pg_col_null(db_stmt *st, int col) { return PQgetisnull(st->res, cur(st), col); }
static int64_t pg_col_int64(db_stmt *st, int col) { return strtoll(PQgetvalue(st->res, cur(st), col), NULL, 10); }
static const char *pg_col_text(db_stmt *st, int col) { return PQgetvalue(st->res, cur(st), col); }
static size_t pg_col_len(db_stmt *st, int col) { return (size_t)PQgetlength(st->res, cur(st), col); }

static int64_t pg_last_insert_id(db *d)
{
    PGresult *r = PQexec(conn(d), "SELECT lastval()");
    int64_t id = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return id;
}

static void pg_bulk_mode(db *d, bool on) { pg_exec(d, on ? "SET synchronous_commit = off" : "SET synchronous_commit = on"); }

const struct db_ops db_pg_ops = {
    .kind = DB_POSTGRES,
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_int64 = pg_bind_int64,
    .bind_textn = pg_bind_textn,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .reset = pg_reset,
    .col_count = pg_col_count,
    .col_null = pg_col_null,
    .col_int64 = pg_col_int64,
    .col_text = pg_col_text,
    .col_len = pg_col_len,
    .last_insert_id = pg_last_insert_id,
    .bulk_mode = pg_bulk_mode,
};
