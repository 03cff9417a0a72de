/*
 * audit.c — writing and verifying the hash-chained audit log (audit.h).
 */
#include "audit.h"
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Each field enters the hash as "<length>:<bytes>|", so no two different entries can
 * produce the same input by shifting text between fields. */
static void put_field(crypto_hash_sha256_state *st, const char *s)
{
    char len[24];
    if (!s)
        s = "";
    int n = snprintf(len, sizeof len, "%zu:", strlen(s));
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)n);
    crypto_hash_sha256_update(st, (const unsigned char *)s, strlen(s));
    crypto_hash_sha256_update(st, (const unsigned char *)"|", 1);
}

void audit_hash(const char *prev_hash, int64_t at, const struct audit_entry *e, char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    char num[2][24];
    snprintf(num[0], sizeof num[0], "%lld", (long long)at);
    snprintf(num[1], sizeof num[1], "%lld", (long long)e->user_id);
    crypto_hash_sha256_init(&st);
    put_field(&st, prev_hash);
    put_field(&st, num[0]);
    put_field(&st, num[1]);
    put_field(&st, e->username);
    put_field(&st, e->ip);
    put_field(&st, e->action);
    put_field(&st, e->object_type);
    put_field(&st, e->object_id);
    put_field(&st, e->detail ? e->detail : "{}");
    crypto_hash_sha256_final(&st, h);
    hex_encode(h, sizeof h, out);
}

int audit_write(db *d, const struct audit_entry *e)
{
    char prev[65] = GENESIS, hash[65];
    int rc = db_begin(d);
    if (rc != DB_OK)
        return rc;
    /* One writer at a time extends the chain: SQLite's BEGIN IMMEDIATE already holds
     * the write lock; PostgreSQL takes a transaction-scoped advisory lock. */
    if (db_kind(d) == DB_POSTGRES && (rc = db_exec(d, "SELECT pg_advisory_xact_lock(7262002)")) != DB_OK)
        goto fail;
    db_stmt *st = db_query(d, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", "");
    if (!st) {
        rc = DB_ERROR;
        goto fail;
    }
    if ((rc = db_step(st)) == DB_ROW)
        str_copy(prev, db_col_text(st, 0), sizeof prev);
    db_reset(st);
    if (rc == DB_ERROR)
        goto fail;
    int64_t at = now_ms();
    audit_hash(prev, at, e, hash);
    const char *user = e->username ? e->username : "", *ip = e->ip ? e->ip : "";
    const char *otype = e->object_type ? e->object_type : "", *oid = e->object_id ? e->object_id : "";
    const char *detail = e->detail ? e->detail : "{}";
    if (e->user_id)
        rc = db_run(d,
                    "INSERT INTO audit_log (at, user_id, username, ip, action, object_type, object_id, detail,"
                    " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "iissssssss", at, e->user_id, user, ip, e->action, otype, oid, detail, prev, hash);
    else
        rc = db_run(d,
                    "INSERT INTO audit_log (at, user_id, username, ip, action, object_type, object_id, detail,"
                    " prev_hash, hash) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "issssssss", at, user, ip, e->action, otype, oid, detail, prev, hash);
    if (rc != DB_OK)
        goto fail;
    return db_commit(d);
fail:
    db_rollback(d);
    return DB_ERROR;
}

int audit_verify(db *d, int64_t *count, int64_t *bad_id)
{
    char prev[65] = GENESIS, hash[65];
    *count = 0;
    *bad_id = 0;
    db_stmt *st = db_query(d,
                           "SELECT id, at, user_id, username, ip, action, object_type, object_id, detail,"
                           " prev_hash, hash FROM audit_log ORDER BY id",
                           "");
    if (!st)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct audit_entry e = {
            .user_id = db_col_null(st, 2) ? 0 : db_col_int64(st, 2),
            .username = db_col_text(st, 3),
            .ip = db_col_text(st, 4),
            .action = db_col_text(st, 5),
            .object_type = db_col_text(st, 6),
            .object_id = db_col_text(st, 7),
            .detail = db_col_text(st, 8),
        };
        audit_hash(prev, db_col_int64(st, 1), &e, hash);
        (*count)++;
        if (strcmp(db_col_text(st, 9), prev) != 0 || strcmp(db_col_text(st, 10), hash) != 0) {
            *bad_id = db_col_int64(st, 0);
            break;
        }
        str_copy(prev, db_col_text(st, 10), sizeof prev);
    }
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}
