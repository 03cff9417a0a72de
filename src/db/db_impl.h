/*
 * db_impl.h — what a storage backend provides (private to src/db/).
 *
 * db.c holds what both backends share (URL dispatch, the statement cache, varargs
 * binding); sqlite.c and pg.c each fill one `struct db_ops`.
 */
#ifndef FINCRM_DB_IMPL_H
#define FINCRM_DB_IMPL_H

#include "db.h"

#define DB_STMT_CACHE 128 /* statements kept prepared per connection */

struct db_ops {
    enum db_kind kind;
    const char *name;
    int (*open)(db *d, const char *target, char *err, size_t errlen);
    void (*close)(db *d);
    int (*exec)(db *d, const char *sql);
    db_stmt *(*prepare)(db *d, const char *sql);
    void (*finalize)(db_stmt *st);
    int (*bind_int64)(db_stmt *st, int idx, int64_t v);
    int (*bind_textn)(db_stmt *st, int idx, const char *s, size_t n);
    int (*bind_null)(db_stmt *st, int idx);
    int (*step)(db_stmt *st);
    void (*reset)(db_stmt *st);
    int (*col_count)(db_stmt *st);
    bool (*col_null)(db_stmt *st, int col);
    int64_t (*col_int64)(db_stmt *st, int col);
    const char *(*col_text)(db_stmt *st, int col);
    size_t (*col_len)(db_stmt *st, int col);
    int64_t (*last_insert_id)(db *d);
    void (*bulk_mode)(db *d, bool on);
};

/* Fields every backend's connection starts with. */
struct db {
    const struct db_ops *ops;
    void *conn;                       /* sqlite3 * or PGconn * */
    char errmsg[512];
    int tx_depth;
    unsigned stmt_seq;                /* names PostgreSQL prepared statements */
    struct db_cached {
        uint32_t hash;                /* of the SQL text */
        const char *sql;              /* the statement's own copy of its SQL text */
        db_stmt *st;
    } cache[DB_STMT_CACHE];
    int ncache;
};

/* Every backend's statement starts with this header. */
struct db_stmt_hdr {
    db *d;
    const char *sql;
};

void db_set_error(db *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

#endif
