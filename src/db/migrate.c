/*
 * migrate.c — numbered schema migrations, compiled into the binary from
 * migrations/NNNN_*.sql (with a .pg.sql twin where the dialects differ). Each one
 * runs in its own transaction together with its row in schema_version, so an
 * interrupted upgrade leaves the database at the previous version. A migration is
 * never edited once released: changes come as a new number.
 */
#include "core/embed.h"
#include "core/util.h"
#include "db_impl.h"

#include <stdio.h>

EMBED(m0001_sqlite, "migrations/0001_foundation.sql");
EMBED(m0001_pg, "migrations/0001_foundation.pg.sql");
EMBED(m0002_sqlite, "migrations/0002_customers.sql");
EMBED(m0002_pg, "migrations/0002_customers.pg.sql");
EMBED(m0003, "migrations/0003_default_roles.sql");
EMBED(m0004, "migrations/0004_login_lockout.sql");
EMBED(m0005_sqlite, "migrations/0005_audit_log.sql");
EMBED(m0005_pg, "migrations/0005_audit_log.pg.sql");
EMBED(m0006, "migrations/0006_access.sql");
EMBED(m0007, "migrations/0007_login_security.sql");
EMBED(m0008_sqlite, "migrations/0008_webauthn.sql");
EMBED(m0008_pg, "migrations/0008_webauthn.pg.sql");
EMBED(m0009_sqlite, "migrations/0009_suggestions.sql");
EMBED(m0009_pg, "migrations/0009_suggestions.pg.sql");
EMBED(m0010_sqlite, "migrations/0010_handover.sql");
EMBED(m0010_pg, "migrations/0010_handover.pg.sql");
EMBED(m0011_sqlite, "migrations/0011_role_perm_list.sql");
EMBED(m0011_pg, "migrations/0011_role_perm_list.pg.sql");
EMBED(m0012_sqlite, "migrations/0012_customer_master.sql");
EMBED(m0012_pg, "migrations/0012_customer_master.pg.sql");
EMBED(m0013_sqlite, "migrations/0013_customer_records.sql");
EMBED(m0013_pg, "migrations/0013_customer_records.pg.sql");
EMBED(m0014_sqlite, "migrations/0014_customer_classify.sql");
EMBED(m0014_pg, "migrations/0014_customer_classify.pg.sql");
EMBED(m0015_sqlite, "migrations/0015_customer_search.sql");
EMBED(m0015_pg, "migrations/0015_customer_search.pg.sql");
EMBED(m0016_sqlite, "migrations/0016_customer_imports.sql");
EMBED(m0016_pg, "migrations/0016_customer_imports.pg.sql");
EMBED(m0017_sqlite, "migrations/0017_related_watchlist.sql");
EMBED(m0017_pg, "migrations/0017_related_watchlist.pg.sql");

static const struct migration {
    int version;
    const char *sqlite, *pg;
} migrations[] = {
    {1, m0001_sqlite, m0001_pg},
    {2, m0002_sqlite, m0002_pg},
    {3, m0003, m0003},
    {4, m0004, m0004},
    {5, m0005_sqlite, m0005_pg},
    {6, m0006, m0006},
    {7, m0007, m0007},
    {8, m0008_sqlite, m0008_pg},
    {9, m0009_sqlite, m0009_pg},
    {10, m0010_sqlite, m0010_pg},
    {11, m0011_sqlite, m0011_pg},
    {12, m0012_sqlite, m0012_pg},
    {13, m0013_sqlite, m0013_pg},
    {14, m0014_sqlite, m0014_pg},
    {15, m0015_sqlite, m0015_pg},
    {16, m0016_sqlite, m0016_pg},
    {17, m0017_sqlite, m0017_pg},
};

int db_schema_version(db *d)
{
    db_stmt *st = db_prepare(d, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
    if (!st)
        return -1;
    int v = db_step(st) == DB_ROW ? (int)db_col_int64(st, 0) : -1;
    db_reset(st);
    return v;
}

int db_migrate(db *d, char *err, size_t errlen)
{
    int rc = db_exec(d, "CREATE TABLE IF NOT EXISTS schema_version ("
                        " version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
    if (rc != DB_OK)
        goto out;
    for (size_t i = 0; i < sizeof migrations / sizeof migrations[0]; i++) {
        const struct migration *m = &migrations[i];
        if ((rc = db_begin(d)) != DB_OK)
            goto out;
        /* Two servers starting on one PostgreSQL database migrate one at a time. */
        if (db_kind(d) == DB_POSTGRES && (rc = db_exec(d, "SELECT pg_advisory_xact_lock(7262001)")) != DB_OK)
            goto rollback;
        /* Applied versions are looked up one by one, not compared with the highest:
         * migrations made on parallel branches may land out of order. */
        db_stmt *st = db_query(d, "SELECT 1 FROM schema_version WHERE version = ?", "i", (int64_t)m->version);
        int found = st ? db_step(st) : DB_ERROR;
        if (st)
            db_reset(st);
        if (found == DB_ERROR) {
            rc = DB_ERROR;
            goto rollback;
        }
        if (found == DB_ROW) {
            db_rollback(d);
            continue;
        }
        if ((rc = db_exec(d, db_kind(d) == DB_POSTGRES ? m->pg : m->sqlite)) != DB_OK)
            goto rollback;
        rc = db_run(d, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", "ii",
                    (int64_t)m->version, now_ms());
        if (rc != DB_OK)
            goto rollback;
        if ((rc = db_commit(d)) != DB_OK)
            goto out;
        continue;
    rollback:
        snprintf(err, errlen, "migration %04d: %s", m->version, db_errmsg(d));
        db_rollback(d);
        return rc;
    }
out:
    if (rc != DB_OK)
        snprintf(err, errlen, "migrations: %s", db_errmsg(d));
    return rc;
}
