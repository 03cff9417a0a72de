/*
 * attributes_http.c — customer attributes (CUS-6): the admin defines attributes with
 * list values, a sort order, an active flag and a note template whose blanks 【】
 * staff fill in on the customer; custodians set a customer's value and blanks,
 * everyone else in scope reads them.
 */
#include "auth/auth.h"
#include "classify.h"
#include "core/log.h"
#include "core/util.h"

#include <string.h>

#define TEMPLATE_MAX 200 /* characters of a note template */
#define BLANK_MAX 100    /* characters of one filled blank */
#define VALUES_MAX 50
#define BLANK "【】"

int attr_blank_count(const char *tmpl)
{
    int n = 0;
    for (const char *p = tmpl; (p = strstr(p, BLANK)); p += strlen(BLANK))
        n++;
    return n;
}

const char *attr_render(arena *a, const char *tmpl, json_t *blanks)
{
    if (!tmpl || !*tmpl)
        return NULL;
    size_t len = strlen(tmpl) + 1, nb = json_array_size(blanks);
    for (size_t i = 0; i < nb; i++)
        len += strlen(json_string_value(json_array_get(blanks, i)) ? json_string_value(json_array_get(blanks, i)) : "");
    char *out = arena_alloc(a, len), *o = out;
    size_t i = 0;
    for (const char *p = tmpl; *p;) {
        const char *b = strstr(p, BLANK);
        size_t keep = b ? (size_t)(b - p) : strlen(p);
        memcpy(o, p, keep);
        o += keep;
        if (!b)
            break;
        const char *fill = i < nb ? json_string_value(json_array_get(blanks, i)) : NULL;
        i++;
        if (!fill || !*fill)
            fill = BLANK; /* not filled in yet */
        memcpy(o, fill, strlen(fill));
        o += strlen(fill);
        p = b + strlen(BLANK);
    }
    *o = '\0';
    return out;
}

static bool code_ok(const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n > 32 || !(*code >= 'a' && *code <= 'z'))
        return false;
    for (const char *p = code; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || *p == '_'))
            return false;
    return true;
}

static int utf8_len(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* ---- admin: the attribute definitions -------------------------------------------- */

struct value_row {
    int64_t id, attribute_id, sort;
    const char *name;
    bool active;
};

static void write_attribute(req *r, db_stmt *st, const struct value_row *vals, int nvals)
{
    jw *w = &r->out;
    int64_t id = db_col_int64(st, 0);
    jw_obj(w);
    jw_kint(w, "id", id);
    jw_kstr(w, "code", db_col_text(st, 1));
    jw_kstr(w, "name", db_col_text(st, 2));
    jw_kstr(w, "note_template", db_col_text(st, 3));
    jw_kint(w, "blanks", attr_blank_count(db_col_text(st, 3)));
    jw_kint(w, "sort", db_col_int64(st, 4));
    jw_kbool(w, "active", db_col_int64(st, 5) != 0);
    jw_karr(w, "values");
    for (int i = 0; i < nvals; i++) {
        if (vals[i].attribute_id != id)
            continue;
        jw_obj(w);
        jw_kint(w, "id", vals[i].id);
        jw_kstr(w, "name", vals[i].name);
        jw_kint(w, "sort", vals[i].sort);
        jw_kbool(w, "active", vals[i].active);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
}

/* All attributes as {items}, or one (only_id) as an object. */
static int answer_attributes(req *r, int64_t only_id, int status)
{
    db_stmt *st = attr_sql_values(r->db);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    int cap = 256, n = 0, rc;
    struct value_row *vals = arena_alloc(r->a, (size_t)cap * sizeof *vals);
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            struct value_row *more = arena_alloc(r->a, (size_t)cap * 2 * sizeof *vals);
            memcpy(more, vals, (size_t)n * sizeof *vals);
            vals = more;
            cap *= 2;
        }
        vals[n++] = (struct value_row){db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 3),
                                       arena_strdup(r->a, db_col_text(st, 2)), db_col_int64(st, 4) != 0};
    }
    db_reset(st);
    if (rc != DB_DONE || !(st = attr_sql_list(r->db)))
        return req_fail(r, E_INTERNAL, NULL);
    if (!only_id) {
        jw_obj(&r->out);
        jw_karr(&r->out, "items");
    }
    bool found = false;
    while ((rc = db_step(st)) == DB_ROW) {
        if (only_id && db_col_int64(st, 0) != only_id)
            continue;
        write_attribute(r, st, vals, n);
        found = true;
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    if (!only_id) {
        jw_end(&r->out);
        jw_end(&r->out);
    } else if (!found) {
        return req_fail(r, E_NOT_FOUND, NULL);
    }
    return status;
}

int handle_attributes_list(req *r)
{
    return answer_attributes(r, 0, 200);
}

struct attr_input {
    const char *name, *tmpl;
    int64_t sort;
    bool active;
    json_t *values;
};

static bool read_input(req *r, json_t *body, struct attr_input *in)
{
    in->sort = 0;
    in->active = true;
    if (!(in->name = req_text_field(r, body, "name", true, CLASSIFY_NAME_MAX)))
        return false;
    in->tmpl = req_str_field(r, body, "note_template", false);
    if (r->error != E_OK)
        return false;
    if (!in->tmpl)
        in->tmpl = "";
    if (utf8_len(in->tmpl) > TEMPLATE_MAX)
        return req_fail(r, E_FIELD_INVALID, "note_template"), false;
    if (!classify_int(r, body, "sort", false, -1000000, 1000000, &in->sort) ||
        !req_bool_field(r, body, "active", &in->active, NULL))
        return false;
    in->values = json_object_get(body, "values");
    if (in->values && !json_is_array(in->values))
        return req_fail(r, E_FIELD_TYPE, "values"), false;
    if (json_array_size(in->values) > VALUES_MAX)
        return req_fail(r, E_FIELD_INVALID, "values"), false;
    size_t i;
    json_t *v;
    json_array_foreach(in->values, i, v)
    {
        int64_t vid = 0, sort = 0;
        bool active = true;
        if (!json_is_object(v))
            return req_fail(r, E_FIELD_TYPE, "values"), false;
        const char *name = req_text_field(r, v, "name", true, CLASSIFY_NAME_MAX);
        if (!name || !classify_int(r, v, "id", false, 1, INT64_MAX, &vid) ||
            !classify_int(r, v, "sort", false, -1000000, 1000000, &sort) ||
            !req_bool_field(r, v, "active", &active, NULL))
            return r->error_field = "values", false;
        for (size_t j = 0; j < i; j++)
            if (str_eq(json_string_value(json_object_get(json_array_get(in->values, j), "name")), name))
                return req_fail(r, E_FIELD_INVALID, "values"), false;
        /* keep the trimmed, checked values for the write */
        json_object_set_new(v, "name", json_string(name));
        json_object_set_new(v, "sort", json_integer(sort));
        json_object_set_new(v, "active", json_boolean(active));
    }
    return true;
}

/* Writes the values of the input; ids not listed are pruned (used ones deactivated). */
static int save_values(req *r, int64_t attribute_id, json_t *values, bool prune)
{
    size_t i;
    json_t *v;
    jw keep;
    jw_init(&keep, 256);
    jw_arr(&keep);
    int rc = DB_OK;
    json_array_foreach(values, i, v)
    {
        int64_t id = json_integer_value(json_object_get(v, "id")), out = 0;
        rc = attr_sql_value_upsert(r->db, attribute_id, id, json_string_value(json_object_get(v, "name")),
                                   json_integer_value(json_object_get(v, "sort")),
                                   json_is_true(json_object_get(v, "active")), &out);
        if (rc != DB_OK)
            break;
        jw_int(&keep, out);
    }
    jw_end(&keep);
    const char *kept = classify_json(r, &keep);
    if (rc == DB_OK && prune)
        rc = attr_sql_values_prune(r->db, attribute_id, kept);
    return rc;
}

static const char *attr_detail(req *r, const char *code, const struct attr_input *in)
{
    jw w;
    jw_init(&w, 512);
    jw_obj(&w);
    jw_kobj(&w, "after");
    jw_kstr(&w, "code", code);
    jw_kstr(&w, "name", in->name);
    jw_kstr(&w, "note_template", in->tmpl);
    jw_kint(&w, "sort", in->sort);
    jw_kbool(&w, "active", in->active);
    jw_karr(&w, "values");
    size_t i;
    json_t *v;
    json_array_foreach(in->values, i, v) jw_str(&w, json_string_value(json_object_get(v, "name")));
    jw_end(&w);
    jw_end(&w);
    jw_end(&w);
    return classify_json(r, &w);
}

int handle_attribute_create(req *r)
{
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    const char *code = req_text_field(r, body, "code", true, 32);
    struct attr_input in;
    if (!code || !read_input(r, body, &in))
        return req_status(r);
    if (!code_ok(code))
        return req_fail(r, E_FIELD_INVALID, "code");
    json_t *v;
    size_t i;
    json_array_foreach(in.values, i, v) if (json_object_get(v, "id")) return req_fail(r, E_FIELD_INVALID, "values");
    bool used;
    if (attr_sql_code_used(r->db, code, &used) == DB_ERROR)
        return req_fail(r, E_INTERNAL, NULL);
    if (used)
        return req_fail(r, E_ATTR_CODE_TAKEN, "code");
    int64_t id = 0;
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    int rc = attr_sql_insert(r->db, code, in.name, in.tmpl, in.sort, in.active, &id);
    if (rc == DB_OK)
        rc = save_values(r, id, in.values, false);
    if (rc == DB_OK)
        rc = req_audit(r, "customer_attribute.created", "customer_attribute", id, attr_detail(r, code, &in));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, rc == DB_CONSTRAINT ? E_ATTR_CODE_TAKEN : E_INTERNAL, rc == DB_CONSTRAINT ? "code" : NULL);
    }
    return answer_attributes(r, id, 201);
}

int handle_attribute_update(req *r)
{
    int64_t id;
    json_t *body = req_json_object(r);
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    bool active;
    int rc = attr_sql_exists(r->db, id, &active);
    if (rc != DB_OK)
        return req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
    struct attr_input in;
    if (!read_input(r, body, &in))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    rc = attr_sql_update(r->db, id, in.name, in.tmpl, in.sort, in.active);
    if (rc == DB_OK && in.values)
        rc = save_values(r, id, in.values, true);
    if (rc == DB_OK)
        rc = req_audit(r, "customer_attribute.updated", "customer_attribute", id, attr_detail(r, NULL, &in));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_DONE) /* a value id of another attribute */
            return req_fail(r, E_FIELD_INVALID, "values");
        return req_fail(r, rc == DB_CONSTRAINT ? E_FIELD_INVALID : E_INTERNAL, rc == DB_CONSTRAINT ? "values" : NULL);
    }
    return answer_attributes(r, id, 200);
}

/* ---- one customer's attributes ----------------------------------------------------- */

static void write_customer_attr(req *r, db_stmt *st)
{
    jw *w = &r->out;
    const char *tmpl = db_col_text(st, 3);
    bool set = !db_col_null(st, 9);
    json_t *blanks = NULL;
    if (set)
        blanks = json_loads(db_col_text(st, 7), 0, NULL);
    if (!json_is_array(blanks)) {
        json_decref(blanks);
        blanks = json_array();
    }
    jw_obj(w);
    jw_kint(w, "attribute_id", db_col_int64(st, 0));
    jw_kstr(w, "code", db_col_text(st, 1));
    jw_kstr(w, "name", db_col_text(st, 2));
    jw_kstr(w, "note_template", tmpl);
    jw_kbool(w, "active", db_col_int64(st, 4) != 0);
    if (db_col_null(st, 5)) {
        jw_knull(w, "value_id");
        jw_knull(w, "value_name");
    } else {
        jw_kint(w, "value_id", db_col_int64(st, 5));
        jw_kstr(w, "value_name", db_col_text(st, 6));
    }
    jw_karr(w, "blanks");
    for (size_t i = 0; i < json_array_size(blanks); i++)
        jw_str(w, json_string_value(json_array_get(blanks, i)));
    jw_end(w);
    jw_kstr(w, "note", set ? attr_render(r->a, tmpl, blanks) : NULL);
    if (set) {
        jw_kstr(w, "updated_by", db_col_null(st, 8) ? NULL : db_col_text(st, 8));
        jw_kint(w, "updated_at", db_col_int64(st, 9));
    } else {
        jw_knull(w, "updated_by");
        jw_knull(w, "updated_at");
    }
    jw_end(w);
    json_decref(blanks);
}

static int answer_customer_attrs(req *r, int64_t customer_id, int64_t attribute_id, bool custodian)
{
    db_stmt *st = attr_sql_of_customer(r->db, customer_id, attribute_id);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    if (!attribute_id) {
        jw_obj(&r->out);
        jw_kbool(&r->out, "editable", custodian);
        jw_karr(&r->out, "items");
    }
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        write_customer_attr(r, st);
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    if (!attribute_id) {
        jw_end(&r->out);
        jw_end(&r->out);
    }
    return 200;
}

int handle_customer_attributes(req *r)
{
    int64_t id;
    bool custodian = false;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    int rc = classify_customer(r, id, &custodian);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
    return answer_customer_attrs(r, id, 0, custodian);
}

int handle_customer_attribute_set(req *r)
{
    int64_t id, attr;
    json_t *body = req_json_object(r);
    if (!req_param_id(r, 0, &id) || !req_param_id(r, 1, &attr) || !body)
        return req_status(r);
    int64_t value_id = 0;
    if (!classify_int(r, body, "value_id", false, 1, INT64_MAX, &value_id))
        return req_status(r);
    json_t *blanks = json_object_get(body, "blanks");
    if (blanks && !json_is_null(blanks) && !json_is_array(blanks))
        return req_fail(r, E_FIELD_TYPE, "blanks");
    size_t i;
    json_t *b;
    json_array_foreach(blanks, i, b)
    {
        if (!json_is_string(b))
            return req_fail(r, E_FIELD_TYPE, "blanks");
        if (utf8_len(json_string_value(b)) > BLANK_MAX)
            return req_fail(r, E_ATTR_BLANKS_INVALID, "blanks");
    }
    if (!classify_may_change(r, id, false))
        return req_status(r);
    bool active;
    int rc = attr_sql_exists(r->db, attr, &active);
    if (rc != DB_OK)
        return req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
    if (!active)
        return req_fail(r, E_ATTR_INACTIVE, NULL);
    if (value_id) {
        bool ok;
        if (attr_sql_value_ok(r->db, attr, value_id, &ok) == DB_ERROR)
            return req_fail(r, E_INTERNAL, NULL);
        if (!ok)
            return req_fail(r, E_ATTR_VALUE_INVALID, "value_id");
    }
    /* the template's blank count, from the attribute row */
    db_stmt *st = attr_sql_of_customer(r->db, id, attr);
    if (!st || db_step(st) != DB_ROW) {
        if (st)
            db_reset(st);
        return req_fail(r, E_INTERNAL, NULL);
    }
    int nblanks = attr_blank_count(db_col_text(st, 3));
    db_reset(st);
    if ((int)json_array_size(blanks) != nblanks)
        return req_fail(r, E_ATTR_BLANKS_INVALID, "blanks");
    jw w;
    jw_init(&w, 256);
    jw_arr(&w);
    json_array_foreach(blanks, i, b) jw_str(&w, json_string_value(b));
    jw_end(&w);
    const char *stored = classify_json(r, &w);

    jw_init(&w, 256);
    jw_obj(&w);
    jw_kint(&w, "attribute_id", attr);
    jw_kobj(&w, "after");
    if (value_id)
        jw_kint(&w, "value_id", value_id);
    else
        jw_knull(&w, "value_id");
    jw_key(&w, "blanks");
    jw_raw(&w, stored, strlen(stored));
    jw_end(&w);
    jw_end(&w);
    const char *detail = classify_json(r, &w);
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    rc = attr_sql_set(r->db, id, attr, value_id, stored, r->session->user_id);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.attribute_set", "customer", id, detail);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, E_INTERNAL, NULL);
    }
    return answer_customer_attrs(r, id, attr, true);
}

int handle_customer_attribute_clear(req *r)
{
    int64_t id, attr;
    if (!req_param_id(r, 0, &id) || !req_param_id(r, 1, &attr))
        return req_status(r);
    if (!classify_may_change(r, id, false))
        return req_status(r);
    bool active;
    int rc = attr_sql_exists(r->db, attr, &active);
    if (rc != DB_OK)
        return req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    rc = attr_sql_clear(r->db, id, attr);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.attribute_cleared", "customer", id,
                       arena_printf(r->a, "{\"attribute_id\":%lld}", (long long)attr));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, E_INTERNAL, NULL);
    }
    return 204;
}
