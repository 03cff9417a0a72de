/*
 * contacts_http.c — a customer's contacts (CUS-2): several per customer, each of a
 * type from the contact_types mapping table, validated per type (mobile, landline,
 * e-mail), one default per type, every change kept in customer_contact_history and
 * audited. Custodians see the values; other users in scope see them masked (AUTH-8).
 */
#include "auth/auth.h"
#include "core/util.h"
#include "customer.h"

#include <stdlib.h>
#include <string.h>

static bool value_ok(const char *format, const char *v)
{
    if (strcmp(format, "mobile") == 0)
        return mobile_valid(v);
    if (strcmp(format, "phone") == 0)
        return landline_valid(v) || mobile_valid(v);
    if (strcmp(format, "email") == 0)
        return email_valid(v);
    return strlen(v) <= 128;
}

static const char *masked_value(arena *a, const char *format, const char *v)
{
    return mask_value(a, strcmp(format, "mobile") == 0 ? "mobile" : "contact", v);
}

int handle_contacts_list(req *r)
{
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    db_stmt *st = contact_sql_list(r->db, c.id);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_kbool(w, "masked", !c.custodian);
    jw_kbool(w, "editable", c.edit != EDIT_NONE);
    jw_karr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *format = db_col_text(st, 4), *value = db_col_text(st, 5);
        jw_obj(w);
        jw_kint(w, "id", db_col_int64(st, 0));
        jw_kstr(w, "type", db_col_text(st, 1));
        jw_kstr(w, "type_name", db_col_text(st, r->lang_en ? 3 : 2));
        jw_kstr(w, "format", format);
        jw_kstr(w, "value", c.custodian ? value : masked_value(r->a, format, value));
        jw_kstr(w, "note", db_col_text(st, 6));
        jw_kbool(w, "is_default", db_col_int64(st, 7) != 0);
        jw_kint(w, "created_at", db_col_int64(st, 8));
        jw_kint(w, "updated_at", db_col_int64(st, 9));
        jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}

/* The audit detail of a contact change: values masked like the record's phones. */
static const char *detail_of(req *r, const struct contact *before, const struct contact *after)
{
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    const struct contact *k = after ? after : before;
    jw_kint(&w, "contact_id", k->id);
    jw_kstr(&w, "type", k->type);
    jw_kstr(&w, "before", before ? masked_value(r->a, before->format, before->value) : NULL);
    jw_kstr(&w, "after", after ? masked_value(r->a, after->format, after->value) : NULL);
    jw_kbool(&w, "is_default", k->is_default);
    jw_end(&w);
    char *s = jw_take(&w);
    const char *out = arena_strdup(r->a, s);
    free(s);
    return out;
}

static int finish(req *r, int rc)
{
    if (rc == DB_OK)
        rc = db_commit(r->db);
    if (rc != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, E_INTERNAL, NULL);
    }
    return DB_OK;
}

static void write_contact(req *r, const struct contact *k)
{
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "id", k->id);
    jw_kstr(w, "type", k->type);
    jw_kstr(w, "value", k->value);
    jw_kstr(w, "note", k->note ? k->note : "");
    jw_kbool(w, "is_default", k->is_default);
    jw_end(w);
}

int handle_contact_create(req *r)
{
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    if (c.edit == EDIT_NONE)
        return req_fail(r, E_CUSTOMER_NOT_EDITOR, NULL);
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    struct contact k = {.customer_id = c.id};
    bool make_default = false;
    if (!(k.type = req_text_field(r, body, "type", true, 32)) ||
        !(k.value = req_text_field(r, body, "value", true, 128)))
        return req_status(r);
    if (json_object_get(body, "note") && !json_is_null(json_object_get(body, "note")) &&
        !(k.note = req_str_field(r, body, "note", false)))
        return req_status(r);
    if (k.note && strlen(k.note) > 300)
        return req_fail(r, E_FIELD_INVALID, "note");
    if (!req_bool_field(r, body, "is_default", &make_default, NULL))
        return req_status(r);
    if (contact_sql_type_format(r->db, r->a, k.type, &k.format) < 0)
        return req_fail(r, E_INTERNAL, NULL);
    if (!k.format)
        return req_fail(r, E_CONTACT_TYPE_INVALID, "type");
    if (!value_ok(k.format, k.value))
        return req_fail(r, E_CONTACT_VALUE_INVALID, "value");
    int64_t now = now_ms(), by = req_scope(r)->user_id;
    int rc = db_begin(r->db);
    if (rc != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    rc = contact_sql_insert(r->db, &k, by, now, &k.id);
    int has = rc == DB_OK ? contact_sql_has_default(r->db, c.id, k.type) : 0;
    if (has < 0)
        rc = DB_ERROR;
    if (rc == DB_OK && (make_default || !has)) { /* the first of its type is the default */
        rc = contact_sql_make_default(r->db, c.id, k.type, k.id);
        k.is_default = true;
    }
    if (rc == DB_OK)
        rc = contact_sql_history_add(r->db, NULL, &k, "created", by, now);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.contact_added", "customer", c.id, detail_of(r, NULL, &k));
    if (finish(r, rc) != DB_OK)
        return req_status(r);
    write_contact(r, &k);
    return 201;
}

int handle_contact_update(req *r)
{
    struct customer_ref c;
    int64_t cid;
    if (!customer_ref_of_request(r, &c) || !req_param_id(r, 1, &cid))
        return req_status(r);
    if (c.edit == EDIT_NONE)
        return req_fail(r, E_CUSTOMER_NOT_EDITOR, NULL);
    struct contact before, after;
    int rc = contact_sql_get(r->db, r->a, c.id, cid, &before);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_CONTACT_NOT_FOUND : E_INTERNAL, NULL);
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    after = before;
    bool make_default = false, has_default = false;
    if (json_object_get(body, "value") && !(after.value = req_text_field(r, body, "value", true, 128)))
        return req_status(r);
    if (json_object_get(body, "note")) {
        json_t *n = json_object_get(body, "note");
        if (json_is_null(n))
            after.note = "";
        else if (!(after.note = req_str_field(r, body, "note", false)))
            return req_status(r);
        if (strlen(after.note) > 300)
            return req_fail(r, E_FIELD_INVALID, "note");
    }
    if (!req_bool_field(r, body, "is_default", &make_default, &has_default))
        return req_status(r);
    if (json_object_get(body, "type"))
        return req_fail(r, E_FIELD_INVALID, "type"); /* a new type is a new contact */
    if (!value_ok(after.format, after.value))
        return req_fail(r, E_CONTACT_VALUE_INVALID, "value");
    bool value_changed = strcmp(before.value, after.value) != 0 || strcmp(before.note, after.note) != 0;
    bool default_changed = has_default && make_default && !before.is_default;
    if (!value_changed && !default_changed)
        return req_fail(r, E_CUSTOMER_NOTHING, NULL);
    int64_t now = now_ms(), by = req_scope(r)->user_id;
    if ((rc = db_begin(r->db)) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    if (value_changed)
        rc = contact_sql_update(r->db, cid, after.value, after.note, now);
    if (rc == DB_OK && default_changed) {
        rc = contact_sql_make_default(r->db, c.id, after.type, cid);
        after.is_default = true;
    }
    if (rc == DB_OK)
        rc = contact_sql_history_add(r->db, &before, &after, "updated", by, now);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.contact_changed", "customer", c.id, detail_of(r, &before, &after));
    if (finish(r, rc) != DB_OK)
        return req_status(r);
    write_contact(r, &after);
    return 200;
}

int handle_contact_delete(req *r)
{
    struct customer_ref c;
    int64_t cid;
    if (!customer_ref_of_request(r, &c) || !req_param_id(r, 1, &cid))
        return req_status(r);
    if (c.edit == EDIT_NONE)
        return req_fail(r, E_CUSTOMER_NOT_EDITOR, NULL);
    struct contact before;
    int rc = contact_sql_get(r->db, r->a, c.id, cid, &before);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_CONTACT_NOT_FOUND : E_INTERNAL, NULL);
    int64_t now = now_ms(), by = req_scope(r)->user_id;
    if ((rc = db_begin(r->db)) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    rc = contact_sql_delete(r->db, cid);
    if (rc == DB_OK && before.is_default) /* the type keeps a default while it has contacts */
        rc = contact_sql_make_default(r->db, c.id, before.type, 0);
    if (rc == DB_OK)
        rc = contact_sql_history_add(r->db, &before, NULL, "deleted", by, now);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.contact_deleted", "customer", c.id, detail_of(r, &before, NULL));
    if (finish(r, rc) != DB_OK)
        return req_status(r);
    return 204;
}

int handle_contacts_history(req *r)
{
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    if (!c.custodian && !c.scope_all)
        return req_fail(r, E_CUSTOMER_CUSTODIANS_ONLY, NULL);
    db_stmt *st = contact_sql_history(r->db, c.id);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_karr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w);
        jw_kint(w, "id", db_col_int64(st, 0));
        jw_kint(w, "contact_id", db_col_int64(st, 1));
        jw_kstr(w, "action", db_col_text(st, 2));
        jw_kstr(w, "type", db_col_text(st, 3));
        const char *kind = strcmp(db_col_text(st, 3), "mobile") == 0 ? "mobile" : "contact";
        for (int col = 4; col <= 5; col++) { /* AUTH-8: clear for custodians only */
            const char *v = db_col_null(st, col) ? NULL : db_col_text(st, col);
            jw_kstr(w, col == 4 ? "old_value" : "new_value", v && !c.custodian ? mask_value(r->a, kind, v) : v);
        }
        jw_kstr(w, "old_note", db_col_null(st, 6) ? NULL : db_col_text(st, 6));
        jw_kstr(w, "new_note", db_col_null(st, 7) ? NULL : db_col_text(st, 7));
        jw_kbool(w, "is_default", db_col_int64(st, 8) != 0);
        if (db_col_null(st, 9)) {
            jw_knull(w, "by");
        } else {
            jw_kobj(w, "by");
            jw_kint(w, "id", db_col_int64(st, 9));
            jw_kstr(w, "display_name", db_col_text(st, 10));
            jw_end(w);
        }
        jw_kint(w, "at", db_col_int64(st, 11));
        jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}
