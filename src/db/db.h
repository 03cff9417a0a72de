/*
 * db.h — one interface to the two storage backends, SQLite and PostgreSQL.
 *
 * A `db` is one connection. Statements are written in portable SQL with `?`
 * placeholders (the PostgreSQL backend rewrites them to $1, $2 …) and are prepared
 * once per connection: db_prepare() returns the cached statement for the same SQL
 * text. The calling pattern for every query is
 *
 *     db_stmt *st = db_prepare(d, "SELECT id, name FROM users WHERE username = ?");
 *     db_bind_text(st, 1, username);
 *     while ((rc = db_step(st)) == DB_ROW) { ... db_col_int64(st, 0) ... }
 *     db_reset(st);                       // always; also after an error
 *
 * Column values returned as text stay valid until the next db_step()/db_reset() on
 * that statement: copy them (into the request arena) if they must live longer.
 * Nothing outside a module's *_sql.c file and the demo loader holds SQL text.
 */
#ifndef FINCRM_DB_H
#define FINCRM_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db db;
typedef struct db_stmt db_stmt;

enum db_kind { DB_SQLITE = 1, DB_POSTGRES = 2 };

/* Return codes of db_step(); the other calls return DB_OK or DB_ERROR. */
enum { DB_OK = 0, DB_ROW = 1, DB_DONE = 2, DB_ERROR = -1, DB_CONSTRAINT = -2 };

/* Opens a connection for `url` ("sqlite:PATH" or "postgresql://…"). On failure returns
 * NULL and writes a reason into err (errlen bytes). */
db *db_open(const char *url, char *err, size_t errlen);
void db_close(db *d);
enum db_kind db_kind(const db *d);
const char *db_kind_name(const db *d); /* "sqlite" or "postgresql" */
const char *db_errmsg(const db *d);    /* last error text of this connection */
bool db_url_valid(const char *url);

/* Runs one or more statements without parameters (migrations, DDL). */
int db_exec(db *d, const char *sql);

db_stmt *db_prepare(db *d, const char *sql); /* cached per connection; NULL on error */
int db_bind_int64(db_stmt *st, int idx, int64_t v); /* idx starts at 1 */
int db_bind_text(db_stmt *st, int idx, const char *s); /* NULL binds SQL NULL */
int db_bind_textn(db_stmt *st, int idx, const char *s, size_t n);
int db_bind_null(db_stmt *st, int idx);
int db_step(db_stmt *st); /* DB_ROW, DB_DONE, DB_CONSTRAINT or DB_ERROR */
void db_reset(db_stmt *st); /* clears results and bindings for the next use */

int db_col_count(db_stmt *st);
bool db_col_null(db_stmt *st, int col); /* col starts at 0 */
int64_t db_col_int64(db_stmt *st, int col);
const char *db_col_text(db_stmt *st, int col); /* "" for NULL */
size_t db_col_len(db_stmt *st, int col);

/* Runs a statement that returns no rows (or ignores them): bind, step to the end,
 * reset. Parameters are given as a format string, one letter each: 'i' int64_t,
 * 's' const char * (NULL → SQL NULL), 'n' NULL.  Returns DB_OK, DB_CONSTRAINT or
 * DB_ERROR. Example: db_run(d, "UPDATE t SET a = ? WHERE id = ?", "si", a, id). */
int db_run(db *d, const char *sql, const char *fmt, ...);
/* Binds like db_run() and leaves the statement ready for db_step(). */
db_stmt *db_query(db *d, const char *sql, const char *fmt, ...);

int db_begin(db *d);
int db_commit(db *d);
int db_rollback(db *d);

/* Id of the row just inserted on this connection (SQLite last_insert_rowid(),
 * PostgreSQL lastval()). */
int64_t db_last_insert_id(db *d);

/* Migrations: brings the schema to the newest version (migrate.c). */
int db_migrate(db *d, char *err, size_t errlen);
int db_schema_version(db *d);

/* Bulk loading (demo data): hints that many rows follow. SQLite: a large cache and
 * synchronous=OFF for the connection; PostgreSQL: synchronous_commit=off. */
void db_bulk_mode(db *d, bool on);

/* PostgreSQL backend: `?` → $n outside quotes; returns the parameter count or -1. */
int db_pg_rewrite_placeholders(const char *in, char *out, size_t outlen);

#endif
