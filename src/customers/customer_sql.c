/*
 * customer_sql.c — the statements of the customer record, part A (customer.h):
 * mapping tables, bank identities, insert and update, custody links, required
 * fields and the missing-info count.
 */
#include "core/util.h"
#include "customer.h"
#include "pinyin.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* One-row existence check: 1, 0 or -1. */
static int exists(db_stmt *st)
{
    if (!st)
        return -1;
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int customer_sql_id_type_ok(db *d, const char *code, const char *kind)
{
    return exists(db_query(d, "SELECT 1 FROM id_types WHERE code = ? AND kind = ? AND active = 1", "ss", code, kind));
}

int customer_sql_source_ok(db *d, const char *code)
{
    return exists(db_query(d, "SELECT 1 FROM customer_sources WHERE code = ? AND active = 1", "s", code));
}

int customer_sql_bank_known(db *d, const char *id_type, const char *id_number)
{
    return exists(
        db_query(d, "SELECT 1 FROM bank_identities WHERE id_type = ? AND id_number = ?", "ss", id_type, id_number));
}

int customer_sql_id_taken(db *d, const char *id_type, const char *id_number, int64_t except_id)
{
    return exists(db_query(d, "SELECT 1 FROM customers WHERE id_number = ? AND id_type = ? AND id <> ?", "ssi",
                           id_number, id_type, except_id));
}

int customer_sql_staff_user(db *d, int64_t user_id, struct staff_user *out)
{
    db_stmt *st = db_query(d,
                           "SELECT u.id, u.unit_id, u.status, p.is_custodian FROM users u JOIN positions p ON p.id = "
                           "u.position_id WHERE u.id = ?",
                           "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int64(st, 0);
        out->unit_id = db_col_int64(st, 1);
        out->active = strcmp(db_col_text(st, 2), "active") == 0;
        out->custodian = db_col_int64(st, 3) != 0;
    }
    db_reset(st);
    return rc;
}

int customer_sql_insert(db *d, arena *a, const struct customer_row *row, int64_t *id)
{
    /* a unique stand-in number until the id is known: C + 12 digits of 100000000000 + id */
    static uint64_t seq;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "N%lld-%lld-%llu", (long long)row->created_by, (long long)row->at,
             (unsigned long long)__atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
    const char *const *v = row->v;
    int rc = db_run(
        d,
        "INSERT INTO customers (customer_no, kind, status, name, name_initials, gender, birth_date, id_type, "
        "id_number, mobile, address, occupation, employer, source, unit_id, manager_id, created_by, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "ssssssssssssssisiii", tmp, v[CF_KIND], row->status, v[CF_NAME], name_initials(a, v[CF_NAME]), v[CF_GENDER],
        v[CF_BIRTH_DATE], v[CF_ID_TYPE], v[CF_ID_NUMBER], v[CF_MOBILE], v[CF_ADDRESS], v[CF_OCCUPATION], v[CF_EMPLOYER],
        v[CF_SOURCE], row->unit_id, row->manager_id ? arena_printf(a, "%lld", (long long)row->manager_id) : NULL,
        row->created_by, row->at, row->at);
    if (rc != DB_OK)
        return rc;
    *id = db_last_insert_id(d);
    char no[32];
    snprintf(no, sizeof no, "C%012lld", (long long)(100000000000LL + *id));
    return db_run(d, "UPDATE customers SET customer_no = ? WHERE id = ?", "si", no, *id);
}

int customer_sql_update(db *d, arena *a, int64_t id, const char *const *v, const bool *changed, const char *status,
                        int64_t at)
{
    sqlb q;
    sqlb_init(&q, a, "UPDATE customers SET status = ?");
    sqlb_add(&q, "", "s", status);
    for (int i = 0; i < CF_COUNT; i++)
        if (changed[i]) {
            sqlb_add(&q, arena_printf(a, ", %s = ?", customer_input_fields[i]), v[i] ? "s" : "n", v[i]);
            if (i == CF_NAME) /* CUS-8: the initials follow the name */
                sqlb_add(&q, ", name_initials = ?", "s", name_initials(a, v[i]));
        }
    sqlb_add(&q, ", updated_at = ? WHERE id = ?", "ii", at, id);
    db_stmt *st = sqlb_prepare(&q, d);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? DB_OK : rc;
}

/* The branch a unit belongs to (itself above branch level): compared for cross-branch custody. */
#define BRANCH_OF(unit_col)                                                                                            \
    "COALESCE((SELECT b.id FROM org_units b JOIN org_units x ON x.id = " unit_col " WHERE b.level = 'branch' AND "     \
    "x.path LIKE b.path || '%'), " unit_col ")"

int customer_sql_linked(db *d, arena *a, int64_t customer_id, struct linked_user *out, int max, int *n)
{
    *n = 0;
    db_stmt *st = db_query(
        d,
        "SELECT 'primary', u.id, u.display_name, u.username, o.id, o.name, c.manager_share, "
        "CASE WHEN " BRANCH_OF("u.unit_id") " = " BRANCH_OF(
            "c.unit_id") " THEN 0 ELSE 1 END "
                         "FROM customers c JOIN users u ON u.id = c.manager_id JOIN org_units o ON o.id = u.unit_id "
                         "WHERE c.id = ? "
                         "UNION ALL SELECT s.role, u.id, u.display_name, u.username, o.id, o.name, s.share, "
                         "CASE WHEN " BRANCH_OF("u.unit_id") " = " BRANCH_OF(
                             "c.unit_id") " THEN 0 ELSE 1 END "
                                          "FROM customer_staff s JOIN customers c ON c.id = s.customer_id JOIN users u "
                                          "ON u.id = s.user_id "
                                          "JOIN org_units o ON o.id = u.unit_id WHERE s.customer_id = ? ORDER BY 1, 2",
        "ii", customer_id, customer_id);
    if (!st)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && *n < max) {
        struct linked_user *l = &out[(*n)++];
        l->role = arena_strdup(a, db_col_text(st, 0));
        l->id = db_col_int64(st, 1);
        l->display_name = arena_strdup(a, db_col_text(st, 2));
        l->username = arena_strdup(a, db_col_text(st, 3));
        l->unit_id = db_col_int64(st, 4);
        l->unit_name = arena_strdup(a, db_col_text(st, 5));
        l->share = db_col_int64(st, 6);
        l->cross_branch = db_col_int64(st, 7) != 0;
    }
    db_reset(st);
    return rc == DB_DONE || rc == DB_ROW ? DB_OK : DB_ERROR;
}

int customer_sql_staff_add(db *d, int64_t customer_id, int64_t user_id, const char *role, int64_t share, int64_t at)
{
    return db_run(d, "INSERT INTO customer_staff (customer_id, user_id, role, share, since) VALUES (?, ?, ?, ?, ?)",
                  "iisii", customer_id, user_id, role, share, at);
}

int customer_sql_staff_role(db *d, int64_t customer_id, int64_t user_id, bool *assistant, bool *collector,
                            bool *referrer)
{
    *assistant = *collector = *referrer = false;
    db_stmt *st = db_query(d, "SELECT role FROM customer_staff WHERE customer_id = ? AND user_id = ?", "ii",
                           customer_id, user_id);
    if (!st)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *role = db_col_text(st, 0);
        *assistant |= strcmp(role, "assistant") == 0;
        *collector |= strcmp(role, "collector") == 0;
        *referrer |= strcmp(role, "referrer") == 0;
    }
    db_reset(st);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

int customer_sql_values(db *d, arena *a, int64_t id, const char **vals)
{
    sqlb q;
    sqlb_init(&q, a, "SELECT ");
    for (int i = 0; i < ncustomer_fields; i++)
        sqlb_add(&q, arena_printf(a, "%s%s", i ? ", " : "", customer_fields[i].column), NULL);
    sqlb_add(&q, " FROM customers c WHERE c.id = ?", "i", id);
    db_stmt *st = sqlb_prepare(&q, d);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        for (int i = 0; i < ncustomer_fields; i++)
            vals[i] = db_col_null(st, i) || !*db_col_text(st, i) ? NULL : arena_strdup(a, db_col_text(st, i));
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

/* ---- CUS-4 --------------------------------------------------------------------------------- */

int required_fields_load(db *d, const struct field_info **out, int *n)
{
    *n = 0;
    db_stmt *st = db_prepare(d, "SELECT field FROM customer_required_fields");
    if (!st)
        return DB_ERROR;
    bool want[64] = {0};
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const struct field_info *fi = customer_field_find(db_col_text(st, 0));
        if (fi && fi - customer_fields < 64)
            want[fi - customer_fields] = true;
    }
    db_reset(st);
    for (int i = 0; i < ncustomer_fields && i < 64; i++)
        if (want[i])
            out[(*n)++] = &customer_fields[i];
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

int customer_missing_recount_range(db *d, int64_t lo, int64_t hi)
{
    const struct field_info *fields[64];
    int n;
    if (required_fields_load(d, fields, &n) != DB_OK)
        return DB_ERROR;
    char sql[4096];
    size_t len = (size_t)snprintf(sql, sizeof sql, "UPDATE customers AS c SET missing_info = 0");
    for (int i = 0; i < n && len < sizeof sql - 200; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, " + CASE WHEN %s IS NULL OR %s = '' THEN 1 ELSE 0 END",
                                fields[i]->column, fields[i]->column);
    snprintf(sql + len, sizeof sql - len, " WHERE c.id BETWEEN ? AND ?");
    return db_run(d, sql, "ii", lo, hi);
}

int customer_missing_recount(db *d, int64_t id)
{
    return customer_missing_recount_range(d, id ? id : INT64_MIN, id ? id : INT64_MAX);
}

int required_fields_set(db *d, const char *const *fields, int n)
{
    int rc = db_run(d, "DELETE FROM customer_required_fields", "");
    for (int i = 0; rc == DB_OK && i < n; i++)
        rc = db_run(d, "INSERT INTO customer_required_fields (field) VALUES (?)", "s", fields[i]);
    return rc;
}

/* ---- options ------------------------------------------------------------------------------ */

db_stmt *customer_sql_id_types(db *d)
{
    return db_prepare(d, "SELECT code, name, name_en, kind FROM id_types WHERE active = 1 ORDER BY sort, code");
}

db_stmt *customer_sql_sources(db *d)
{
    return db_prepare(d, "SELECT code, name FROM customer_sources WHERE active = 1 ORDER BY sort, code");
}

db_stmt *customer_sql_contact_types(db *d)
{
    return db_prepare(d, "SELECT code, name, name_en, format FROM contact_types WHERE active = 1 ORDER BY sort, code");
}

db_stmt *customer_sql_staff_search(db *d, const char *q)
{
    if (!q || !*q)
        return db_prepare(d, "SELECT u.id, u.display_name, u.username, o.id, o.name FROM users u JOIN org_units o ON "
                             "o.id = u.unit_id WHERE u.status = 'active' ORDER BY u.id LIMIT 20");
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s%%", q);
    return db_query(d,
                    "SELECT u.id, u.display_name, u.username, o.id, o.name FROM users u JOIN org_units o ON o.id = "
                    "u.unit_id WHERE u.status = 'active' AND (u.username LIKE ? OR u.display_name LIKE ?) "
                    "ORDER BY u.id LIMIT 20",
                    "ss", prefix, prefix);
}

/* ---- CUS-2 contacts ------------------------------------------------------------------------- */

int contact_sql_type_format(db *d, arena *a, const char *type, const char **format)
{
    *format = NULL;
    db_stmt *st = db_query(d, "SELECT format FROM contact_types WHERE code = ? AND active = 1", "s", type);
    if (!st)
        return -1;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *format = arena_strdup(a, db_col_text(st, 0));
    db_reset(st);
    return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

db_stmt *contact_sql_list(db *d, int64_t customer_id)
{
    return db_query(d,
                    "SELECT k.id, k.type, t.name, t.name_en, t.format, k.value, k.note, k.is_default, k.created_at, "
                    "k.updated_at FROM customer_contacts k JOIN contact_types t ON t.code = k.type "
                    "WHERE k.customer_id = ? ORDER BY t.sort, k.type, k.is_default DESC, k.id",
                    "i", customer_id);
}

int contact_sql_get(db *d, arena *a, int64_t customer_id, int64_t id, struct contact *out)
{
    db_stmt *st = db_query(d,
                           "SELECT k.id, k.customer_id, k.type, k.value, k.note, k.is_default, t.format FROM "
                           "customer_contacts k JOIN contact_types t ON t.code = k.type WHERE k.id = ? AND "
                           "k.customer_id = ?",
                           "ii", id, customer_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int64(st, 0);
        out->customer_id = db_col_int64(st, 1);
        out->type = arena_strdup(a, db_col_text(st, 2));
        out->value = arena_strdup(a, db_col_text(st, 3));
        out->note = arena_strdup(a, db_col_text(st, 4));
        out->is_default = db_col_int64(st, 5) != 0;
        out->format = arena_strdup(a, db_col_text(st, 6));
    }
    db_reset(st);
    return rc;
}

int contact_sql_insert(db *d, const struct contact *c, int64_t by, int64_t at, int64_t *id)
{
    int rc = db_run(d,
                    "INSERT INTO customer_contacts (customer_id, type, value, note, is_default, created_by, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
                    "isssiii", c->customer_id, c->type, c->value, c->note ? c->note : "", by, at, at);
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int contact_sql_update(db *d, int64_t id, const char *value, const char *note, int64_t at)
{
    return db_run(d, "UPDATE customer_contacts SET value = ?, note = ?, updated_at = ? WHERE id = ?", "ssii", value,
                  note ? note : "", at, id);
}

int contact_sql_delete(db *d, int64_t id)
{
    return db_run(d, "DELETE FROM customer_contacts WHERE id = ?", "i", id);
}

int contact_sql_make_default(db *d, int64_t customer_id, const char *type, int64_t id)
{
    int rc =
        db_run(d, "UPDATE customer_contacts SET is_default = 0 WHERE customer_id = ? AND type = ? AND is_default = 1",
               "is", customer_id, type);
    if (rc != DB_OK)
        return rc;
    if (id)
        return db_run(d, "UPDATE customer_contacts SET is_default = 1 WHERE id = ?", "i", id);
    return db_run(d,
                  "UPDATE customer_contacts SET is_default = 1 WHERE id = (SELECT MIN(id) FROM customer_contacts "
                  "WHERE customer_id = ? AND type = ?)",
                  "is", customer_id, type);
}

int contact_sql_has_default(db *d, int64_t customer_id, const char *type)
{
    return exists(db_query(d, "SELECT 1 FROM customer_contacts WHERE customer_id = ? AND type = ? AND is_default = 1",
                           "is", customer_id, type));
}

int contact_sql_history_add(db *d, const struct contact *before, const struct contact *after, const char *action,
                            int64_t by, int64_t at)
{
    const struct contact *c = after ? after : before;
    return db_run(d,
                  "INSERT INTO customer_contact_history (customer_id, contact_id, action, type, old_value, new_value, "
                  "old_note, new_note, is_default, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  "iissssssiii", c->customer_id, c->id, action, c->type, before ? before->value : NULL,
                  after ? after->value : NULL, before ? before->note : NULL, after ? after->note : NULL,
                  (int64_t)c->is_default, by, at);
}

db_stmt *contact_sql_history(db *d, int64_t customer_id)
{
    return db_query(d,
                    "SELECT h.id, h.contact_id, h.action, h.type, h.old_value, h.new_value, h.old_note, h.new_note, "
                    "h.is_default, u.id, u.display_name, h.at FROM customer_contact_history h LEFT JOIN users u ON "
                    "u.id = h.by_user WHERE h.customer_id = ? ORDER BY h.at DESC, h.id DESC LIMIT 200",
                    "i", customer_id);
}

/* ---- CUS-3 attachments ------------------------------------------------------------------------ */

int attachment_sql_insert(db *d, const struct attachment *a, int64_t *id)
{
    int rc = db_run(d,
                    "INSERT INTO customer_attachments (customer_id, filename, content_type, size, sha256, path, "
                    "uploaded_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    "ississii", a->customer_id, a->filename, a->content_type, a->size, a->sha256, a->path,
                    a->uploaded_by, a->at);
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int attachment_sql_get(db *d, arena *a, int64_t customer_id, int64_t id, struct attachment *out)
{
    db_stmt *st = db_query(d,
                           "SELECT id, customer_id, filename, content_type, size, sha256, path, "
                           "COALESCE(uploaded_by, 0), at FROM customer_attachments WHERE id = ? AND customer_id = ?",
                           "ii", id, customer_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int64(st, 0);
        out->customer_id = db_col_int64(st, 1);
        out->filename = arena_strdup(a, db_col_text(st, 2));
        out->content_type = arena_strdup(a, db_col_text(st, 3));
        out->size = db_col_int64(st, 4);
        out->sha256 = arena_strdup(a, db_col_text(st, 5));
        out->path = arena_strdup(a, db_col_text(st, 6));
        out->uploaded_by = db_col_int64(st, 7);
        out->at = db_col_int64(st, 8);
    }
    db_reset(st);
    return rc;
}

int attachment_sql_delete(db *d, int64_t id)
{
    return db_run(d, "DELETE FROM customer_attachments WHERE id = ?", "i", id);
}

db_stmt *attachment_sql_list(db *d, int64_t customer_id)
{
    return db_query(d,
                    "SELECT a.id, a.filename, a.content_type, a.size, u.id, u.display_name, a.at FROM "
                    "customer_attachments a LEFT JOIN users u ON u.id = a.uploaded_by WHERE a.customer_id = ? "
                    "ORDER BY a.at DESC, a.id DESC",
                    "i", customer_id);
}

/* ---- CUS-5, CUS-18 custody ---------------------------------------------------------------------- */

int custody_sql_set_primary(db *d, int64_t customer_id, int64_t manager_id, int64_t share, int64_t at)
{
    if (!manager_id)
        return db_run(d, "UPDATE customers SET manager_id = NULL, manager_share = ?, updated_at = ? WHERE id = ?",
                      "iii", share, at, customer_id);
    return db_run(d, "UPDATE customers SET manager_id = ?, manager_share = ?, updated_at = ? WHERE id = ?", "iiii",
                  manager_id, share, at, customer_id);
}

int custody_sql_clear_assistants(db *d, int64_t customer_id)
{
    return db_run(d, "DELETE FROM customer_staff WHERE customer_id = ? AND role = 'assistant'", "i", customer_id);
}

int custody_sql_history_add(db *d, int64_t customer_id, int64_t from, int64_t to, const char *reason, int64_t at)
{
    arena *a = arena_new(1024);
    sqlb q;
    sqlb_init(&q, a, "INSERT INTO custody_history (customer_id, from_user, to_user, reason, at) VALUES (?");
    sqlb_add(&q, "", "i", customer_id);
    sqlb_add(&q, ", ?", from ? "i" : "n", from);
    sqlb_add(&q, ", ?", to ? "i" : "n", to);
    sqlb_add(&q, ", ?, ?)", "si", reason, at);
    db_stmt *st = sqlb_prepare(&q, d);
    int rc = st ? db_step(st) : DB_ERROR;
    if (st)
        db_reset(st);
    arena_free(a);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

db_stmt *custody_sql_history(db *d, int64_t customer_id)
{
    return db_query(d,
                    "SELECT f.id, f.display_name, t.id, t.display_name, h.reason, h.at FROM custody_history h LEFT "
                    "JOIN users f ON f.id = h.from_user LEFT JOIN users t ON t.id = h.to_user WHERE h.customer_id = ? "
                    "ORDER BY h.at DESC, h.id DESC LIMIT 100",
                    "i", customer_id);
}
