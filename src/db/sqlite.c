/*
 * sqlite.c — the SQLite backend (the embedded default): one connection per thread,
 * WAL journal, foreign keys on, a busy timeout so concurrent writers wait instead of
 * failing.
 */
#include "db_impl.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct db_stmt {
    struct db_stmt_hdr hdr;
    sqlite3_stmt *st;
};

static sqlite3 *conn(db *d) { return d->conn; }

/* Creates the folders above the database file (`data/` of `sqlite:data/fincrm.db`). */
static int make_parent_dirs(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0750) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

static int sq_open(db *d, const char *path, char *err, size_t errlen)
{
    sqlite3 *s = NULL;
    if (strcmp(path, ":memory:") != 0 && make_parent_dirs(path) != 0) {
        snprintf(err, errlen, "cannot create the folder for %s: %s", path, strerror(errno));
        return DB_ERROR;
    }
    int rc = sqlite3_open_v2(path, &s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path, s ? sqlite3_errmsg(s) : sqlite3_errstr(rc));
        sqlite3_close(s);
        return DB_ERROR;
    }
    sqlite3_busy_timeout(s, 10000);
    d->conn = s;
    if (sqlite3_exec(s,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                     "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up %s: %s", path, sqlite3_errmsg(s));
        sqlite3_close(s);
        return DB_ERROR;
    }
    return DB_OK;
}

static void sq_close(db *d) { sqlite3_close(conn(d)); }

static int sq_exec(db *d, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(conn(d), sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        db_set_error(d, "%s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return (rc & 0xff) == SQLITE_CONSTRAINT ? DB_CONSTRAINT : DB_ERROR;
    }
    return DB_OK;
}

static db_stmt *sq_prepare(db *d, const char *sql)
{
    struct db_stmt *st = calloc(1, sizeof *st);
    char *copy = strdup(sql);
    if (!st || !copy) {
        free(st);
        free(copy);
        db_set_error(d, "out of memory");
        return NULL;
    }
    if (sqlite3_prepare_v3(conn(d), sql, -1, SQLITE_PREPARE_PERSISTENT, &st->st, NULL) != SQLITE_OK) {
        db_set_error(d, "%s in: %s", sqlite3_errmsg(conn(d)), sql);
        free(st);
        free(copy);
        return NULL;
    }
    st->hdr.d = d;
    st->hdr.sql = copy;
    return st;
}

static void sq_finalize(db_stmt *st)
{
    sqlite3_finalize(st->st);
    free((char *)st->hdr.sql);
    free(st);
}

static int bind_rc(db_stmt *st, int rc)
{
    if (rc == SQLITE_OK)
        return DB_OK;
    db_set_error(st->hdr.d, "bind: %s", sqlite3_errstr(rc));
    return DB_ERROR;
}

static int sq_bind_int64(db_stmt *st, int idx, int64_t v) { return bind_rc(st, sqlite3_bind_int64(st->st, idx, v)); }
static int sq_bind_textn(db_stmt *st, int idx, const char *s, size_t n)
{
    return bind_rc(st, sqlite3_bind_text(st->st, idx, s, (int)n, SQLITE_TRANSIENT));
}
static int sq_bind_null(db_stmt *st, int idx) { return bind_rc(st, sqlite3_bind_null(st->st, idx)); }

static int sq_step(db_stmt *st)
{
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    db_set_error(st->hdr.d, "%s", sqlite3_errmsg(conn(st->hdr.d)));
    return (rc & 0xff) == SQLITE_CONSTRAINT ? DB_CONSTRAINT : DB_ERROR;
}

static void sq_reset(db_stmt *st)
{
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
}

static int sq_col_count(db_stmt *st) { return sqlite3_column_count(st->st); }
static bool sq_col_null(db_stmt *st, int col) { return sqlite3_column_type(st->st, col) == SQLITE_NULL; }
static int64_t sq_col_int64(db_stmt *st, int col) { return sqlite3_column_int64(st->st, col); }
static const char *sq_col_text(db_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st->st, col);
    return t ? (const char *)t : "";
}
static size_t sq_col_len(db_stmt *st, int col)
{
    sqlite3_column_text(st->st, col);
    return (size_t)sqlite3_column_bytes(st->st, col);
}
static int64_t sq_last_insert_id(db *d) { return sqlite3_last_insert_rowid(conn(d)); }

static void sq_bulk_mode(db *d, bool on)
{
    sq_exec(d, on ? "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
                  : "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;");
}

const struct db_ops db_sqlite_ops = {
    .kind = DB_SQLITE,
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_int64 = sq_bind_int64,
    .bind_textn = sq_bind_textn,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .reset = sq_reset,
    .col_count = sq_col_count,
    .col_null = sq_col_null,
    .col_int64 = sq_col_int64,
    .col_text = sq_col_text,
    .col_len = sq_col_len,
    .last_insert_id = sq_last_insert_id,
    .bulk_mode = sq_bulk_mode,
};
