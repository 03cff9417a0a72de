/*
 * import_sql.c — the statements of customer import (import.h).
 */
#include "core/util.h"
#include "customer.h"
#include "customers.h"
#include "import.h"
#include "watchlist.h"

#include <string.h>

#define IMPORT_COLS                                                                                                    \
    "id, user_id, total_rows, position, processed, inserted, updated, skipped, failed, created_at, started_at, "       \
    "finished_at, target_user, target_unit, state, filename, format, options, error, target, ip"

int import_sql_create(db *d, int64_t user_id, const char *ip, const char *filename, const char *format,
                      int64_t total_rows, const char *options, const char *data_b64, int64_t *id)
{
    int rc = db_run(d,
                    "INSERT INTO customer_imports (user_id, ip, filename, format, state, total_rows, options, "
                    "created_at) VALUES (?, ?, ?, ?, 'uploaded', ?, ?, ?)",
                    "isssisi", user_id, ip, filename, format, total_rows, options, now_ms());
    if (rc != DB_OK)
        return rc;
    *id = db_last_insert_id(d);
    return db_run(d, "INSERT INTO customer_import_files (import_id, data) VALUES (?, ?)", "is", *id, data_b64);
}

static const char *col_str(arena *a, db_stmt *st, int col)
{
    return db_col_null(st, col) ? NULL : arena_strdup(a, db_col_text(st, col));
}

int import_sql_get(db *d, arena *a, int64_t id, struct import_row_state *o)
{
    db_stmt *st = db_query(d, "SELECT " IMPORT_COLS " FROM customer_imports WHERE id = ?", "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        int64_t *ints[] = {&o->id,         &o->user_id,     &o->total_rows,  &o->position,   &o->processed,
                           &o->inserted,   &o->updated,     &o->skipped,     &o->failed,     &o->created_at,
                           &o->started_at, &o->finished_at, &o->target_user, &o->target_unit};
        for (int i = 0; i < (int)ARRAY_LEN(ints); i++)
            *ints[i] = db_col_null(st, i) ? 0 : db_col_int64(st, i);
        o->state = col_str(a, st, 14);
        o->filename = col_str(a, st, 15);
        o->format = col_str(a, st, 16);
        o->options = col_str(a, st, 17);
        o->error = col_str(a, st, 18);
        o->target = col_str(a, st, 19);
        o->ip = col_str(a, st, 20);
    }
    db_reset(st);
    return rc;
}

int import_sql_file(db *d, arena *a, int64_t id, const char **b64)
{
    db_stmt *st = db_query(d, "SELECT data FROM customer_import_files WHERE import_id = ?", "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *b64 = arena_strndup(a, db_col_text(st, 0), db_col_len(st, 0));
    db_reset(st);
    return rc;
}

int import_sql_running_of(db *d, int64_t user_id, int64_t *n)
{
    db_stmt *st =
        db_query(d, "SELECT COUNT(*) FROM customer_imports WHERE user_id = ? AND state = 'running'", "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *n = rc == DB_ROW ? db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

int import_sql_start(db *d, int64_t id, const char *options, const char *target, int64_t target_user,
                     int64_t target_unit, bool *started)
{
    static const char sql[] =
        "UPDATE customer_imports SET state = 'running', options = ?, target = ?, target_user = ?, "
        "target_unit = ?, started_at = ? WHERE id = ? AND state = 'uploaded' RETURNING id";
    db_stmt *st = target_user ? db_query(d, sql, "ssiiii", options, target, target_user, target_unit, now_ms(), id)
                              : db_query(d, sql, "ssniii", options, target, target_unit, now_ms(), id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *started = rc == DB_ROW;
    if (rc == DB_ROW)
        rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

int import_sql_claim(db *d, int64_t id, int64_t position, bool *claimed)
{
    /* Takes the row lock (PostgreSQL) / the write lock (SQLite) for the batch: a second
     * worker on the same import finds the position moved and stops. */
    db_stmt *st = db_query(d,
                           "UPDATE customer_imports SET position = position WHERE id = ? AND position = ? AND "
                           "state = 'running' RETURNING id",
                           "ii", id, position);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *claimed = rc == DB_ROW;
    if (rc == DB_ROW)
        rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

int import_sql_progress(db *d, const struct import_row_state *p)
{
    return db_run(d,
                  "UPDATE customer_imports SET position = ?, processed = ?, inserted = ?, updated = ?, skipped = ?, "
                  "failed = ? WHERE id = ?",
                  "iiiiiii", p->position, p->processed, p->inserted, p->updated, p->skipped, p->failed, p->id);
}

int import_sql_finish(db *d, int64_t id, const char *state, const char *error)
{
    int rc = db_run(d, "UPDATE customer_imports SET state = ?, error = ?, finished_at = ? WHERE id = ?", "ssii", state,
                    error, now_ms(), id);
    if (rc == DB_OK) /* the file is not needed any more: the report lives in the errors table */
        rc = db_run(d, "DELETE FROM customer_import_files WHERE import_id = ?", "i", id);
    return rc;
}

int import_sql_error(db *d, int64_t id, int64_t row_no, const char *field, const char *value, const char *reason,
                     bool skipped)
{
    return db_run(d,
                  "INSERT INTO customer_import_errors (import_id, row_no, field, value, reason, skipped) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
                  "iisssi", id, row_no, field ? field : "", value ? value : "", reason, (int64_t)skipped);
}

int import_sql_find(db *d, const char *column, const char *value, int64_t *id)
{
    const char *sql = strcmp(column, "mobile") == 0 ? "SELECT id FROM customers WHERE mobile = ? ORDER BY id LIMIT 1"
                      : strcmp(column, "id_number") == 0
                          ? "SELECT id FROM customers WHERE id_number = ? ORDER BY id LIMIT 1"
                          : "SELECT id FROM customers WHERE customer_no = ?";
    db_stmt *st = db_query(d, sql, "s", value);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

int import_sql_in_scope(db *d, arena *a, const struct access *acc, int64_t id, bool *in)
{
    sqlb q;
    sqlb_init(&q, a, "SELECT 1 FROM customers c WHERE c.id = ?");
    sqlb_add(&q, "", "i", id);
    scope_where_also(&q, acc, "c.unit_id", "c.manager_id", CUSTOMER_LINKED);
    db_stmt *st = sqlb_prepare(&q, d);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *in = rc == DB_ROW;
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

/* The insert with a known id: one statement, the customer number spelled out. */
static int import_sql_insert_id(db *d, const struct import_customer *c, int64_t *id)
{
    const char *const *v = c->v;
    static const char sql[] =
        "INSERT INTO customers (id, customer_no, kind, status, name, name_initials, gender, birth_date, id_type, "
        "id_number, "
        "mobile, address, occupation, employer, source, unit_id, manager_id, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    char gen[24];
    snprintf(gen, sizeof gen, "C%012lld", (long long)(100000000000LL + c->id));
    const char *no = v[IF_CUSTOMER_NO] ? v[IF_CUSTOMER_NO] : gen;
    int rc;
    if (c->manager_id)
        rc = db_run(d, sql, "issssssssssssssiiiii", c->id, no, v[IF_KIND], c->status, v[IF_NAME], c->initials,
                    v[IF_GENDER], v[IF_BIRTH_DATE], v[IF_ID_TYPE], v[IF_ID_NUMBER], v[IF_MOBILE], v[IF_ADDRESS],
                    v[IF_OCCUPATION], v[IF_EMPLOYER], v[IF_SOURCE], c->unit_id, c->manager_id, c->created_by, c->now,
                    c->now);
    else
        rc = db_run(d, sql, "issssssssssssssiniii", c->id, no, v[IF_KIND], c->status, v[IF_NAME], c->initials,
                    v[IF_GENDER], v[IF_BIRTH_DATE], v[IF_ID_TYPE], v[IF_ID_NUMBER], v[IF_MOBILE], v[IF_ADDRESS],
                    v[IF_OCCUPATION], v[IF_EMPLOYER], v[IF_SOURCE], c->unit_id, c->created_by, c->now, c->now);
    *id = c->id;
    return rc;
}

int import_sql_next_id(db *d, int64_t *next)
{
    *next = 0;
    if (db_kind(d) != DB_SQLITE) /* PostgreSQL: the identity sequence hands out ids */
        return DB_OK;
    db_stmt *st = db_prepare(d, "SELECT COALESCE(MAX(id), 0) + 1 FROM customers");
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *next = db_col_int64(st, 0);
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

int import_sql_insert(db *d, const struct import_customer *c, int64_t *id)
{
    const char *const *v = c->v;
    static const char sql[] =
        "INSERT INTO customers (customer_no, kind, status, name, name_initials, gender, birth_date, id_type, "
        "id_number, "
        "mobile, address, occupation, employer, source, unit_id, manager_id, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    if (c->id) /* SQLite: the id is known (the batch holds the write lock), so is the number */
        return import_sql_insert_id(d, c, id);
    const char *no = v[IF_CUSTOMER_NO] ? v[IF_CUSTOMER_NO] : c->temp_no;
    int rc;
    if (c->manager_id)
        rc = db_run(d, sql, "ssssssssssssssiiiii", no, v[IF_KIND], c->status, v[IF_NAME], c->initials, v[IF_GENDER],
                    v[IF_BIRTH_DATE], v[IF_ID_TYPE], v[IF_ID_NUMBER], v[IF_MOBILE], v[IF_ADDRESS], v[IF_OCCUPATION],
                    v[IF_EMPLOYER], v[IF_SOURCE], c->unit_id, c->manager_id, c->created_by, c->now, c->now);
    else /* no custodian: the unit's unassigned customers */
        rc = db_run(d, sql, "ssssssssssssssiniii", no, v[IF_KIND], c->status, v[IF_NAME], c->initials, v[IF_GENDER],
                    v[IF_BIRTH_DATE], v[IF_ID_TYPE], v[IF_ID_NUMBER], v[IF_MOBILE], v[IF_ADDRESS], v[IF_OCCUPATION],
                    v[IF_EMPLOYER], v[IF_SOURCE], c->unit_id, c->created_by, c->now, c->now);
    if (rc != DB_OK)
        return rc;
    *id = db_last_insert_id(d);
    if (!v[IF_CUSTOMER_NO]) /* the bank's numbering: C + 12 digits from the id, as the demo data has it */
        rc = db_run(d, "UPDATE customers SET customer_no = 'C' || CAST(100000000000 + id AS TEXT) WHERE id = ?", "i",
                    *id);
    return rc;
}

int import_sql_update(db *d, int64_t id, const struct import_customer *c)
{
    const char *const *v = c->v;
    /* given values replace, empty cells keep what is stored */
    return db_run(d,
                  "UPDATE customers SET customer_no = COALESCE(?, customer_no), kind = COALESCE(?, kind), "
                  "name = COALESCE(?, name), name_initials = COALESCE(?, name_initials), gender = COALESCE(?, gender), "
                  "birth_date = COALESCE(?, birth_date), "
                  "id_type = COALESCE(?, id_type), id_number = COALESCE(?, id_number), mobile = COALESCE(?, mobile), "
                  "address = COALESCE(?, address), occupation = COALESCE(?, occupation), "
                  "employer = COALESCE(?, employer), source = COALESCE(?, source), updated_at = ? WHERE id = ?",
                  "sssssssssssssii", v[IF_CUSTOMER_NO], v[IF_KIND], v[IF_NAME], c->initials, v[IF_GENDER],
                  v[IF_BIRTH_DATE], v[IF_ID_TYPE], v[IF_ID_NUMBER], v[IF_MOBILE], v[IF_ADDRESS], v[IF_OCCUPATION],
                  v[IF_EMPLOYER], v[IF_SOURCE], c->now, id);
}

int import_sql_tag_find(db *d, const char *name, int64_t *id, int64_t *n)
{
    db_stmt *st = db_query(d, "SELECT MIN(id), COUNT(*) FROM tags WHERE name = ?", "s", name);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *n = rc == DB_ROW ? db_col_int64(st, 1) : 0;
    *id = *n ? db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

int import_sql_tag_add(db *d, int64_t customer_id, int64_t tag_id, int64_t by_user, int64_t now)
{
    return db_run(d,
                  "INSERT INTO customer_tags (customer_id, tag_id, by_user, at) SELECT ?, ?, ?, ? WHERE NOT EXISTS "
                  "(SELECT 1 FROM customer_tags WHERE customer_id = ? AND tag_id = ?)",
                  "iiiiii", customer_id, tag_id, by_user, now, customer_id, tag_id);
}

int import_sql_sources(db *d, arena *a, const char ***codes, const char ***names, int *n)
{
    db_stmt *st = db_prepare(d, "SELECT code, name FROM customer_sources WHERE active = 1 ORDER BY sort, code");
    if (!st)
        return DB_ERROR;
    int cap = 16, rc;
    *n = 0;
    *codes = arena_alloc(a, (size_t)cap * sizeof **codes);
    *names = arena_alloc(a, (size_t)cap * sizeof **names);
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            const char **nc = arena_alloc(a, (size_t)cap * 2 * sizeof *nc);
            const char **nn = arena_alloc(a, (size_t)cap * 2 * sizeof *nn);
            memcpy(nc, *codes, (size_t)cap * sizeof *nc);
            memcpy(nn, *names, (size_t)cap * sizeof *nn);
            *codes = nc, *names = nn, cap *= 2;
        }
        (*codes)[*n] = arena_strdup(a, db_col_text(st, 0));
        (*names)[*n] = arena_strdup(a, db_col_text(st, 1));
        (*n)++;
    }
    db_reset(st);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

int import_sql_running(db *d, arena *a, int64_t **ids, int *n)
{
    db_stmt *st = db_prepare(d, "SELECT id FROM customer_imports WHERE state = 'running' ORDER BY id LIMIT 256");
    if (!st)
        return DB_ERROR;
    *ids = arena_alloc(a, 256 * sizeof **ids);
    *n = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        (*ids)[(*n)++] = db_col_int64(st, 0);
    db_reset(st);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

int import_sql_target_user(db *d, arena *a, const struct access *acc, int64_t user_id, int64_t *unit_id, bool *found)
{
    sqlb q;
    sqlb_init(&q, a, "SELECT u.unit_id FROM users u WHERE u.status = 'active' AND u.id = ?");
    sqlb_add(&q, "", "i", user_id);
    scope_where(&q, acc, "u.unit_id", "u.id");
    db_stmt *st = sqlb_prepare(&q, d);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *found = rc == DB_ROW;
    *unit_id = *found ? db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

int import_sql_username(db *d, arena *a, int64_t user_id, const char **username)
{
    db_stmt *st = db_query(d, "SELECT username FROM users WHERE id = ?", "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *username = rc == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : "";
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

db_stmt *import_sql_errors(db *d, int64_t id)
{
    return db_query(d,
                    "SELECT row_no, field, value, reason, skipped FROM customer_import_errors WHERE import_id = ? "
                    "ORDER BY row_no",
                    "i", id);
}

int import_sql_batch_done(db *d, int64_t lo, int64_t hi, int64_t user_id, int64_t now)
{
    if (!lo)
        return DB_OK;
    /* CUS-3: the importer collected the potential customers it created, and sees them */
    int rc =
        db_run(d,
               "INSERT INTO customer_staff (customer_id, user_id, role, share, since) SELECT c.id, ?, 'collector', "
               "0, ? FROM customers c WHERE c.id BETWEEN ? AND ? AND c.created_by = ? AND c.status = 'potential' "
               "AND NOT EXISTS (SELECT 1 FROM customer_staff s WHERE s.customer_id = c.id AND s.user_id = ? AND "
               "s.role = 'collector')",
               "iiiiii", user_id, now, lo, hi, user_id, user_id);
    if (rc == DB_OK) /* CUS-15: new customers whose ID is on a list are flagged */
        rc = watchlist_sync_range(d, lo, hi);
    if (rc != DB_OK)
        return rc;
    /* CUS-4: the missing-information count of the new customers, in one statement */
    return customer_missing_recount_range(d, lo, hi);
}
