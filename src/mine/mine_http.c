/*
 * mine_http.c — the endpoints of the Mine page, suggestions and the About page's
 * QR code (mine.h): decode and check the request, call mine.c, encode the answer.
 */
#include "mine.h"
#include "auth/auth.h"
#include "core/util.h"

/* ---- summary and profile ------------------------------------------------------------ */

static void write_summary(jw *w, const struct mine_summary *s)
{
    jw_obj(w);
    jw_kint(w, "id", s->id);
    jw_kstr(w, "username", s->username);
    jw_kstr(w, "display_name", s->display_name);
    jw_kstr(w, "phone", s->phone);
    jw_kobj(w, "unit");
    jw_kint(w, "id", s->unit_id);
    jw_kstr(w, "code", s->unit_code);
    jw_kstr(w, "name", s->unit_name);
    jw_kstr(w, "level", s->unit_level);
    jw_end(w);
    jw_kstr(w, "outlet", str_eq(s->unit_level, "outlet") ? s->unit_name : NULL);
    jw_kstr(w, "credit_id", s->credit_id);
    jw_kobj(w, "position");
    jw_kstr(w, "code", s->position_code);
    jw_kstr(w, "name", s->position_name);
    jw_end(w);
    jw_kint(w, "days_logged_in", s->days_logged_in);
    if (s->last_login_at)
        jw_kint(w, "last_login_at", s->last_login_at);
    else
        jw_knull(w, "last_login_at");
    jw_kint(w, "member_since", s->member_since);
    jw_end(w);
}

static int answer_summary(req *r)
{
    struct mine_summary s;
    err e = mine_summary(r, &s);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    write_summary(&r->out, &s);
    return 200;
}

int handle_me_summary(req *r)
{
    return answer_summary(r);
}

/* An optional string member: NULL when absent; null gives "" when null_is_empty. */
static bool optional_str(req *r, json_t *body, const char *name, bool null_is_empty, const char **out)
{
    json_t *v = json_object_get(body, name);
    *out = NULL;
    if (!v || (json_is_null(v) && !null_is_empty))
        return true;
    if (json_is_null(v)) {
        *out = "";
        return true;
    }
    if (!json_is_string(v)) {
        req_fail(r, E_FIELD_TYPE, name);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

int handle_me_update(req *r)
{
    json_t *body = req_json_object(r);
    const char *name, *phone, *field;
    if (!body || !optional_str(r, body, "display_name", false, &name) || !optional_str(r, body, "phone", true, &phone))
        return req_status(r);
    err e = mine_update_profile(r, name, phone, &field);
    if (e != E_OK)
        return req_fail(r, e, field);
    return answer_summary(r);
}

/* ---- suggestions ---------------------------------------------------------------------- */

static void write_suggestion(jw *w, const struct suggestion *s)
{
    jw_obj(w);
    jw_kint(w, "id", s->id);
    jw_kstr(w, "kind", s->kind);
    jw_kstr(w, "title", s->title);
    jw_kstr(w, "body", s->body);
    jw_kstr(w, "status", s->status);
    jw_kstr(w, "answer", s->answer);
    jw_kint(w, "created_at", s->created_at);
    if (s->answered_at)
        jw_kint(w, "answered_at", s->answered_at);
    else
        jw_knull(w, "answered_at");
    jw_kobj(w, "user");
    jw_kint(w, "id", s->user_id);
    jw_kstr(w, "username", s->username);
    jw_kstr(w, "display_name", s->display_name);
    jw_kobj(w, "unit");
    jw_kint(w, "id", s->unit_id);
    jw_kstr(w, "name", s->unit_name);
    jw_end(w);
    jw_end(w);
    if (s->answered_by) {
        jw_kobj(w, "answered_by");
        jw_kint(w, "id", s->answered_by);
        jw_kstr(w, "display_name", s->answered_by_name);
        jw_end(w);
    } else {
        jw_knull(w, "answered_by");
    }
    jw_end(w);
}

static int answer_suggestion(req *r, int64_t id, int status)
{
    struct suggestion s;
    err e = suggestion_get(r, id, &s);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    write_suggestion(&r->out, &s);
    return status;
}

int handle_suggestion_create(req *r)
{
    const char *kind = req_body_str(r, "kind");
    const char *title = kind ? req_body_str(r, "title") : NULL;
    const char *text = title ? req_body_str(r, "body") : NULL;
    if (!text)
        return req_status(r);
    int64_t id;
    const char *field;
    err e = suggestion_create(r, kind, title, text, &id, &field);
    if (e != E_OK)
        return req_fail(r, e, field);
    return answer_suggestion(r, id, 201);
}

static int answer_list(req *r, struct suggestion_filter *f)
{
    struct suggestion *items;
    int n;
    int64_t total;
    int page, size;
    req_page(r, &page, &size);
    f->page = page;
    f->size = size;
    err e = suggestion_list(r, f, &items, &n, &total);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    req_list_begin(r);
    for (int i = 0; i < n; i++)
        write_suggestion(&r->out, &items[i]);
    req_list_end(r, total, page, size);
    return 200;
}

int handle_suggestions_mine(req *r)
{
    struct suggestion_filter f = {.user_id = r->session->user_id};
    return answer_list(r, &f);
}

int handle_suggestions_list(req *r)
{
    struct suggestion_filter f = {.status = req_query(r, "status"), .kind = req_query(r, "kind")};
    if (f.status && !*f.status)
        f.status = NULL;
    if (f.kind && !*f.kind)
        f.kind = NULL;
    if (f.status && !suggestion_status_ok(f.status))
        return req_fail(r, E_QUERY_INVALID, "status");
    if (f.kind && !suggestion_kind_ok(f.kind))
        return req_fail(r, E_QUERY_INVALID, "kind");
    return answer_list(r, &f);
}

int handle_suggestion_answer(req *r)
{
    int64_t id;
    bool close = false;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    const char *answer = req_body_str(r, "answer");
    if (!answer || !req_bool_field(r, r->json, "close", &close, NULL))
        return req_status(r);
    const char *field;
    err e = suggestion_answer(r, id, answer, close, &field);
    if (e != E_OK)
        return req_fail(r, e, field);
    return answer_suggestion(r, id, 200);
}

/* ---- QR code ---------------------------------------------------------------------------- */

int handle_about_qr(req *r)
{
    const char *url = req_query(r, "url");
    if (!url)
        return req_fail(r, E_FIELD_REQUIRED, "url");
    if (!mine_qr_url_ok(url))
        return req_fail(r, E_QR_URL_INVALID, "url");
    if (!mine_qr_svg(&r->out, url))
        return req_fail(r, E_INTERNAL, NULL);
    r->content_type = "image/svg+xml";
    return 200;
}
