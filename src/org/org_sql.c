/*
 * org_sql.c — the statements of the org module (org.h).
 */
#include "core/util.h"
#include "org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- units ------------------------------------------------------------------ */

#define UNIT_COLS "o.id, o.parent_id, o.code, o.name, o.level, o.status, o.sort_order, o.path"

static void unit_from_row(db_stmt *st, arena *a, struct unit *u)
{
    u->id = db_col_int64(st, 0);
    u->parent_id = db_col_null(st, 1) ? 0 : db_col_int64(st, 1);
    u->code = arena_strdup(a, db_col_text(st, 2));
    u->name = arena_strdup(a, db_col_text(st, 3));
    u->level = arena_strdup(a, db_col_text(st, 4));
    u->status = arena_strdup(a, db_col_text(st, 5));
    u->sort_order = db_col_int64(st, 6);
    u->path = arena_strdup(a, db_col_text(st, 7));
}

int org_sql_unit_get(db *d, arena *a, int64_t id, struct unit *out)
{
    db_stmt *st = db_query(d, "SELECT " UNIT_COLS " FROM org_units o WHERE o.id = ?", "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        unit_from_row(st, a, out);
    db_reset(st);
    return rc;
}

db_stmt *org_sql_units(db *d)
{
    return db_query(d,
                    "SELECT " UNIT_COLS ", COALESCE(n.users, 0) FROM org_units o"
                    " LEFT JOIN (SELECT unit_id, COUNT(*) AS users FROM users WHERE status = 'active'"
                    " GROUP BY unit_id) n ON n.unit_id = o.id ORDER BY o.sort_order, o.id",
                    "");
}

int org_sql_unit_code_used(db *d, const char *code, int64_t except_id, bool *used)
{
    db_stmt *st = db_query(d, "SELECT 1 FROM org_units WHERE code = ? AND id <> ?", "si", code, except_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    db_reset(st);
    *used = rc == DB_ROW;
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

int org_sql_unit_insert(db *d, const struct unit *u, const char *parent_path, int64_t *id)
{
    int rc = db_run(d,
                    "INSERT INTO org_units (code, name, level, path, sort_order, status, created_at)"
                    " VALUES (?, ?, ?, '', ?, 'active', ?)",
                    "sssii", u->code, u->name, u->level, u->sort_order, now_ms());
    if (rc != DB_OK)
        return rc;
    *id = db_last_insert_id(d);
    char path[512];
    snprintf(path, sizeof path, "%s%lld/", parent_path ? parent_path : "/", (long long)*id);
    if (u->parent_id)
        return db_run(d, "UPDATE org_units SET path = ?, parent_id = ? WHERE id = ?", "sii", path, u->parent_id, *id);
    return db_run(d, "UPDATE org_units SET path = ? WHERE id = ?", "si", path, *id);
}

int org_sql_unit_update(db *d, int64_t id, const char *code, const char *name, int64_t sort_order)
{
    return db_run(d, "UPDATE org_units SET code = ?, name = ?, sort_order = ? WHERE id = ?", "ssii", code, name,
                  sort_order, id);
}

int org_sql_unit_move(db *d, int64_t id, int64_t parent_id, const char *old_path, const char *new_path)
{
    int rc = db_run(d, "UPDATE org_units SET parent_id = ? WHERE id = ?", "ii", parent_id, id);
    if (rc != DB_OK)
        return rc;
    /* the unit and its subtree: swap the old path prefix for the new one */
    char like[512];
    snprintf(like, sizeof like, "%s%%", old_path);
    return db_run(d, "UPDATE org_units SET path = ? || substr(path, ?) WHERE path LIKE ?", "sis", new_path,
                  (int64_t)strlen(old_path) + 1, like);
}

int org_sql_unit_status(db *d, int64_t id, const char *status)
{
    return db_run(d, "UPDATE org_units SET status = ? WHERE id = ?", "si", status, id);
}

int org_sql_unit_busy(db *d, int64_t id, int64_t *users, int64_t *children)
{
    db_stmt *st = db_query(d,
                           "SELECT (SELECT COUNT(*) FROM users WHERE unit_id = ? AND status = 'active'),"
                           " (SELECT COUNT(*) FROM org_units WHERE parent_id = ? AND status = 'active')",
                           "ii", id, id);
    if (!st || db_step(st) != DB_ROW) {
        if (st)
            db_reset(st);
        return DB_ERROR;
    }
    *users = db_col_int64(st, 0);
    *children = db_col_int64(st, 1);
    db_reset(st);
    return DB_OK;
}

/* ---- roles and positions -------------------------------------------------------- */

db_stmt *org_sql_roles(db *d)
{
    return db_query(d,
                    "SELECT r.id, r.code, r.name, r.description, r.data_scope, r.builtin,"
                    " (SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id"
                    "  WHERE p.role_id = r.id AND u.status = 'active')"
                    " FROM roles r ORDER BY r.id",
                    "");
}

int org_sql_role_exists(db *d, int64_t id, bool *builtin)
{
    db_stmt *st = db_query(d, "SELECT builtin FROM roles WHERE id = ?", "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW && builtin)
        *builtin = db_col_int64(st, 0) != 0;
    db_reset(st);
    return rc;
}

db_stmt *org_sql_role_perms(db *d, int64_t role_id)
{
    if (role_id)
        return db_query(d, "SELECT perm FROM role_permissions WHERE role_id = ? ORDER BY perm", "i", role_id);
    return db_query(d, "SELECT role_id, perm FROM role_permissions ORDER BY role_id, perm", "");
}

int org_sql_code_used(db *d, const char *table, const char *code, bool *used)
{
    db_stmt *st = strcmp(table, "roles") == 0       ? db_query(d, "SELECT 1 FROM roles WHERE code = ?", "s", code)
                  : strcmp(table, "positions") == 0 ? db_query(d, "SELECT 1 FROM positions WHERE code = ?", "s", code)
                                                    : db_query(d, "SELECT 1 FROM users WHERE username = ?", "s", code);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    db_reset(st);
    *used = rc == DB_ROW;
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

int org_sql_role_insert(db *d, const struct role_input *in, int64_t *id)
{
    int rc = db_run(d, "INSERT INTO roles (code, name, description, data_scope, builtin) VALUES (?, ?, ?, ?, 0)",
                    "ssss", in->code, in->name, in->description ? in->description : "", data_scope_name(in->scope));
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int org_sql_role_update(db *d, int64_t id, const struct role_input *in)
{
    return db_run(d, "UPDATE roles SET name = ?, description = ?, data_scope = ? WHERE id = ?", "sssi", in->name,
                  in->description ? in->description : "", data_scope_name(in->scope), id);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int org_sql_role_set_perms(db *d, int64_t id, const char **perms, int n)
{
    qsort(perms, (size_t)n, sizeof *perms, cmp_str);
    int rc = db_run(d, "DELETE FROM role_permissions WHERE role_id = ?", "i", id);
    size_t len = 1;
    for (int i = 0; rc == DB_OK && i < n; i++) {
        rc = db_run(d, "INSERT INTO role_permissions (role_id, perm) VALUES (?, ?)", "is", id, perms[i]);
        len += strlen(perms[i]) + 1;
    }
    if (rc != DB_OK)
        return rc;
    /* the one-row copy sessions read (migration 0011) */
    char *list = xmalloc(len);
    list[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(list, ",");
        strcat(list, perms[i]);
    }
    rc = db_run(d, "UPDATE roles SET perm_list = ? WHERE id = ?", "si", list, id);
    free(list);
    return rc;
}

int org_sql_role_set_fields(db *d, int64_t id, const struct field_rule *rules, int n)
{
    int rc = db_run(d, "DELETE FROM field_rules WHERE role_id = ?", "i", id);
    for (int i = 0; rc == DB_OK && i < n; i++)
        rc = db_run(d, "INSERT INTO field_rules (role_id, field, access, masking) VALUES (?, ?, ?, ?)", "isss", id,
                    rules[i].field, field_access_name(rules[i].access), field_masking_name(rules[i].masking));
    return rc;
}

int org_sql_role_delete(db *d, int64_t id)
{
    return db_run(d, "DELETE FROM roles WHERE id = ?", "i", id);
}

int org_sql_role_positions(db *d, int64_t id, int64_t *n)
{
    db_stmt *st = db_query(d, "SELECT COUNT(*) FROM positions WHERE role_id = ?", "i", id);
    if (!st || db_step(st) != DB_ROW) {
        if (st)
            db_reset(st);
        return DB_ERROR;
    }
    *n = db_col_int64(st, 0);
    db_reset(st);
    return DB_OK;
}

db_stmt *org_sql_positions(db *d)
{
    return db_query(d,
                    "SELECT p.id, p.code, p.name, p.is_custodian, r.id, r.code, r.name,"
                    " (SELECT COUNT(*) FROM users u WHERE u.position_id = p.id AND u.status = 'active')"
                    " FROM positions p JOIN roles r ON r.id = p.role_id ORDER BY p.id",
                    "");
}

int org_sql_position_insert(db *d, const char *code, const char *name, int64_t role_id, bool custodian, int64_t *id)
{
    int rc = db_run(d, "INSERT INTO positions (code, name, role_id, is_custodian) VALUES (?, ?, ?, ?)", "ssii", code,
                    name, role_id, (int64_t)custodian);
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int org_sql_position_update(db *d, int64_t id, const char *name, int64_t role_id, bool custodian)
{
    return db_run(d, "UPDATE positions SET name = ?, role_id = ?, is_custodian = ? WHERE id = ?", "siii", name, role_id,
                  (int64_t)custodian, id);
}

int org_sql_position_get(db *d, arena *a, int64_t id, const char **name, int64_t *role_id, bool *custodian)
{
    db_stmt *st = db_query(d, "SELECT name, role_id, is_custodian FROM positions WHERE id = ?", "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *name = arena_strdup(a, db_col_text(st, 0));
        *role_id = db_col_int64(st, 1);
        *custodian = db_col_int64(st, 2) != 0;
    }
    db_reset(st);
    return rc;
}

/* ---- users ------------------------------------------------------------------------ */

void org_sql_users_query(sqlb *q, const struct access *acc, const struct user_filter *f, bool count)
{
    sqlb_init(q, q->a,
              count ? "SELECT COUNT(*) FROM users u JOIN org_units o ON o.id = u.unit_id WHERE 1 = 1"
                    : "SELECT u.id, u.username, u.display_name, u.phone, u.credit_id, u.status, u.locked_until,"
                      " u.must_change_password, o.id, o.code, o.name, p.id, p.code, p.name, r.id, r.name,"
                      " m.id, m.display_name, u.created_at, u.device_binding,"
                      " CASE WHEN u.device_key_hash IS NULL THEN 0 ELSE 1 END"
                      " FROM users u JOIN org_units o ON o.id = u.unit_id JOIN positions p ON p.id = u.position_id"
                      " JOIN roles r ON r.id = p.role_id LEFT JOIN users m ON m.id = u.reports_to WHERE 1 = 1");
    scope_where(q, acc, "u.unit_id", "u.id");
    if (f->id)
        sqlb_add(q, " AND u.id = ?", "i", f->id);
    if (f->q && *f->q) {
        const char *like = arena_printf(q->a, "%s%%", f->q);
        sqlb_add(q, " AND (u.username LIKE ? OR u.display_name LIKE ?)", "ss", like, like);
    }
    if (f->unit_id)
        sqlb_add(q, " AND o.path LIKE (SELECT path FROM org_units WHERE id = ?) || '%'", "i", f->unit_id);
    if (f->status && *f->status)
        sqlb_add(q, " AND u.status = ?", "s", f->status);
    if (!count)
        sqlb_add(q, " ORDER BY o.path, u.username", NULL);
}

void org_write_user_row(jw *w, db_stmt *st)
{
    jw_obj(w);
    jw_kint(w, "id", db_col_int64(st, 0));
    jw_kstr(w, "username", db_col_text(st, 1));
    jw_kstr(w, "display_name", db_col_text(st, 2));
    jw_kstr(w, "phone", db_col_null(st, 3) ? NULL : db_col_text(st, 3));
    jw_kstr(w, "credit_id", db_col_null(st, 4) ? NULL : db_col_text(st, 4));
    jw_kstr(w, "status", db_col_text(st, 5));
    jw_kbool(w, "locked", db_col_int64(st, 6) > now_ms());
    jw_kbool(w, "must_change_password", db_col_int64(st, 7) != 0);
    jw_kobj(w, "unit");
    jw_kint(w, "id", db_col_int64(st, 8));
    jw_kstr(w, "code", db_col_text(st, 9));
    jw_kstr(w, "name", db_col_text(st, 10));
    jw_end(w);
    jw_kobj(w, "position");
    jw_kint(w, "id", db_col_int64(st, 11));
    jw_kstr(w, "code", db_col_text(st, 12));
    jw_kstr(w, "name", db_col_text(st, 13));
    jw_end(w);
    jw_kobj(w, "role");
    jw_kint(w, "id", db_col_int64(st, 14));
    jw_kstr(w, "name", db_col_text(st, 15));
    jw_end(w);
    if (db_col_null(st, 16)) {
        jw_knull(w, "reports_to");
    } else {
        jw_kobj(w, "reports_to");
        jw_kint(w, "id", db_col_int64(st, 16));
        jw_kstr(w, "display_name", db_col_text(st, 17));
        jw_end(w);
    }
    jw_kint(w, "created_at", db_col_int64(st, 18));
    jw_kbool(w, "device_binding", db_col_int64(st, 19) != 0); /* AUTH-4 */
    jw_kbool(w, "device_bound", db_col_int64(st, 20) != 0);
    jw_end(w);
}

int org_sql_user_unit_path(db *d, arena *a, int64_t user_id, const char **path, bool *active)
{
    db_stmt *st = db_query(
        d, "SELECT o.path, u.status FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.id = ?", "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *path = arena_strdup(a, db_col_text(st, 0));
        if (active)
            *active = strcmp(db_col_text(st, 1), "active") == 0;
    }
    db_reset(st);
    return rc;
}

int org_sql_user_insert(db *d, const struct user_input *in, const char *hash, int64_t *id)
{
    int64_t now = now_ms();
    int rc = db_run(d,
                    "INSERT INTO users (username, password_hash, display_name, phone, credit_id, unit_id, position_id,"
                    " status, must_change_password, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, ?)",
                    "sssssiiii", in->username, hash, in->display_name, in->phone, in->credit_id, in->unit_id,
                    in->position_id, now, now);
    if (rc != DB_OK)
        return rc;
    *id = db_last_insert_id(d);
    if (in->reports_to)
        rc = db_run(d, "UPDATE users SET reports_to = ? WHERE id = ?", "ii", in->reports_to, *id);
    return rc;
}

int org_sql_user_update(db *d, int64_t id, const struct user_input *in)
{
    int rc = DB_OK;
    int64_t now = now_ms();
    if (in->display_name)
        rc = db_run(d, "UPDATE users SET display_name = ?, updated_at = ? WHERE id = ?", "sii", in->display_name, now,
                    id);
    if (rc == DB_OK && in->has_phone)
        rc = db_run(d, "UPDATE users SET phone = ?, updated_at = ? WHERE id = ?", "sii", in->phone, now, id);
    if (rc == DB_OK && in->has_credit_id)
        rc = db_run(d, "UPDATE users SET credit_id = ?, updated_at = ? WHERE id = ?", "sii", in->credit_id, now, id);
    if (rc == DB_OK && in->has_unit)
        rc = db_run(d, "UPDATE users SET unit_id = ?, updated_at = ? WHERE id = ?", "iii", in->unit_id, now, id);
    if (rc == DB_OK && in->has_position)
        rc =
            db_run(d, "UPDATE users SET position_id = ?, updated_at = ? WHERE id = ?", "iii", in->position_id, now, id);
    if (rc == DB_OK && in->has_reports_to)
        rc = in->reports_to
                 ? db_run(d, "UPDATE users SET reports_to = ?, updated_at = ? WHERE id = ?", "iii", in->reports_to, now,
                          id)
                 : db_run(d, "UPDATE users SET reports_to = NULL, updated_at = ? WHERE id = ?", "ii", now, id);
    return rc;
}

int org_sql_user_status(db *d, int64_t id, const char *status)
{
    return db_run(d, "UPDATE users SET status = ?, updated_at = ? WHERE id = ?", "sii", status, now_ms(), id);
}

int org_sql_user_password(db *d, int64_t id, const char *hash)
{
    return db_run(d,
                  "UPDATE users SET password_hash = ?, must_change_password = 1, failed_logins = 0, locked_until = 0,"
                  " updated_at = ? WHERE id = ?",
                  "sii", hash, now_ms(), id);
}

int org_sql_user_unlock(db *d, int64_t id)
{
    return db_run(d, "UPDATE users SET failed_logins = 0, locked_until = 0, updated_at = ? WHERE id = ?", "ii",
                  now_ms(), id);
}

int org_sql_end_sessions(db *d, int64_t user_id)
{
    return db_run(d, "DELETE FROM sessions WHERE user_id = ?", "i", user_id);
}

/* ---- handovers ---------------------------------------------------------------------- */

int org_sql_handover_insert(db *d, int64_t from, int64_t to, int64_t by, const char *note, int64_t *id)
{
    int rc = db_run(d, "INSERT INTO handovers (from_user, to_user, by_user, note, at) VALUES (?, ?, ?, ?, ?)", "iiisi",
                    from, to, by, note ? note : "", now_ms());
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int org_sql_handover_counts(db *d, int64_t id, const int64_t *counts)
{
    return db_run(d, "UPDATE handovers SET customers = ?, tasks = ?, approvals = ? WHERE id = ?", "iiii", counts[0],
                  counts[1], counts[2], id);
}

void org_sql_handovers_query(sqlb *q, const struct access *acc, int64_t id, bool count)
{
    sqlb_init(q, q->a,
              count ? "SELECT COUNT(*) FROM handovers h JOIN users f ON f.id = h.from_user WHERE 1 = 1"
                    : "SELECT h.id, f.id, f.display_name, t.id, t.display_name, b.id, b.display_name,"
                      " h.customers, h.tasks, h.approvals, h.at, h.note FROM handovers h"
                      " JOIN users f ON f.id = h.from_user JOIN users t ON t.id = h.to_user"
                      " JOIN users b ON b.id = h.by_user WHERE 1 = 1");
    scope_where(q, acc, "f.unit_id", "f.id");
    if (id)
        sqlb_add(q, " AND h.id = ?", "i", id);
    if (!count)
        sqlb_add(q, " ORDER BY h.at DESC, h.id DESC", NULL);
}

static void write_person(jw *w, const char *key, db_stmt *st, int col)
{
    jw_kobj(w, key);
    jw_kint(w, "id", db_col_int64(st, col));
    jw_kstr(w, "display_name", db_col_text(st, col + 1));
    jw_end(w);
}

void org_write_handover_row(jw *w, db_stmt *st)
{
    jw_obj(w);
    jw_kint(w, "id", db_col_int64(st, 0));
    write_person(w, "from", st, 1);
    write_person(w, "to", st, 3);
    write_person(w, "by", st, 5);
    jw_kint(w, "customers", db_col_int64(st, 7));
    jw_kint(w, "tasks", db_col_int64(st, 8));
    jw_kint(w, "approvals", db_col_int64(st, 9));
    jw_kint(w, "at", db_col_int64(st, 10));
    jw_kstr(w, "note", db_col_text(st, 11));
    jw_end(w);
}
