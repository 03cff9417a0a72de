/*
 * mine.c — the rules of the Mine page (mine.h): the summary, one's own name and
 * phone (AUTH-1), suggestions (MOB-2) and the About page's QR code. Every change
 * is written in one transaction together with its audit record (AUTH-7).
 */
#include "mine.h"
#include "auth/auth.h"
#include "core/util.h"

#include <qrencode.h>
#include <stdio.h>
#include <string.h>

/* ---- text checks ------------------------------------------------------------------- */

size_t mine_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* Length of the white space at p: ASCII space/tab/CR/LF or U+3000 (ideographic space). */
static size_t space_at(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        return 1;
    if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80)
        return 3;
    return 0;
}

const char *mine_trim(arena *a, const char *s)
{
    size_t k;
    while ((k = space_at(s)) > 0)
        s += k;
    size_t end = 0; /* bytes up to the end of the last non-space character */
    for (size_t i = 0; s[i];) {
        if ((k = space_at(s + i)) > 0) {
            i += k;
        } else {
            i++;
            end = i;
        }
    }
    return arena_strndup(a, s, end);
}

/* No control characters (C0, DEL, C1); multiline text may hold line breaks and tabs. */
static bool no_controls(const char *s, bool multiline)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (multiline && (*p == '\n' || *p == '\r' || *p == '\t'))
            continue;
        if (*p < 0x20 || *p == 0x7F)
            return false;
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) /* U+0080–U+009F */
            return false;
    }
    return true;
}

bool mine_text_ok(const char *s, size_t max, bool multiline)
{
    size_t n = s ? mine_chars(s) : 0;
    return n >= 1 && n <= max && no_controls(s, multiline);
}

bool mine_name_ok(const char *name)
{
    return mine_text_ok(name, MINE_NAME_MAX, false);
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Mainland numbers: mobiles 1[3-9]xxxxxxxxx (11 digits); landlines an area code
 * 0xx or 0xxx, an optional hyphen, a local number of 7–8 digits not starting with 0,
 * and an optional extension "-1…6 digits": 010-12345678, 0571-8888666, 075588886666-801. */
bool mine_phone_ok(const char *p)
{
    size_t n = strlen(p);
    if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' && digits(p, 11))
        return true;
    if (p[0] != '0' || p[1] < '1' || p[1] > '9')
        return false;
    for (size_t area = 3; area <= 4; area++) {
        if (n < area || !digits(p, area))
            continue;
        const char *q = p + area;
        if (*q == '-')
            q++;
        size_t local = strspn(q, "0123456789");
        if (local < 7 || local > 8 || *q == '0')
            continue;
        const char *ext = q + local;
        if (*ext == '\0')
            return true;
        size_t ne = strlen(ext + 1);
        if (ext[0] == '-' && ne >= 1 && ne <= 6 && digits(ext + 1, ne))
            return true;
    }
    return false;
}

/* ---- audit details ------------------------------------------------------------------ */

/* A JSON text built with jw, copied into the request arena. */
static const char *jw_arena(arena *a, jw *w)
{
    const char *s = arena_strndup(a, w->s ? w->s : "{}", w->s ? w->len : 2);
    jw_dispose(w);
    return s;
}

/* ---- summary and profile (MOB-2, AUTH-1) ---------------------------------------------- */

err mine_summary(req *r, struct mine_summary *out)
{
    const struct user_profile *u = &r->session->profile; /* read with the session */
    *out = (struct mine_summary){
        .id = u->id,
        .username = u->username,
        .display_name = u->display_name,
        .unit_id = u->unit_id,
        .unit_code = u->unit_code,
        .unit_name = u->unit_name,
        .unit_level = u->unit_level,
        .position_code = u->position_code,
        .position_name = u->position_name,
    };
    int rc = mine_sql_summary(r->db, r->a, r->session->user_id, r->session->created_at, out);
    return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_UNAUTHENTICATED : E_INTERNAL;
}

err mine_update_profile(req *r, const char *display_name, const char *phone, const char **field)
{
    *field = NULL;
    if (!display_name && !phone)
        return E_PROFILE_NOTHING;
    if (display_name) {
        display_name = mine_trim(r->a, display_name);
        if (!mine_name_ok(display_name)) {
            *field = "display_name";
            return E_PROFILE_NAME_INVALID;
        }
    }
    if (phone) {
        phone = mine_trim(r->a, phone);
        if (*phone && !mine_phone_ok(phone)) {
            *field = "phone";
            return E_PROFILE_PHONE_INVALID;
        }
    }
    int64_t uid = r->session->user_id;
    const char *old_name, *old_phone;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (mine_sql_profile_get(r->db, r->a, uid, &old_name, &old_phone) != DB_ROW)
        goto fail;
    const char *new_name = display_name ? display_name : old_name;
    const char *new_phone = phone ? (*phone ? phone : NULL) : old_phone;
    bool name_changed = !str_eq(new_name, old_name);
    bool phone_changed = !(new_phone == old_phone || (new_phone && old_phone && str_eq(new_phone, old_phone)));
    if (!name_changed && !phone_changed)
        return db_commit(r->db) == DB_OK ? E_OK : E_INTERNAL;

    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    for (int side = 0; side < 2; side++) {
        jw_kobj(&w, side ? "after" : "before");
        if (name_changed)
            jw_kstr(&w, "display_name", side ? new_name : old_name);
        if (phone_changed)
            jw_kstr(&w, "phone", side ? new_phone : old_phone);
        jw_end(&w);
    }
    jw_end(&w);
    const char *detail = jw_arena(r->a, &w);
    if (mine_sql_profile_set(r->db, uid, new_name, new_phone) != DB_OK ||
        req_audit(r, "user.profile_updated", "user", uid, detail) != DB_OK || db_commit(r->db) != DB_OK)
        goto fail;
    r->session->profile.display_name = new_name; /* the answer of this request shows the new name */
    return E_OK;
fail:
    db_rollback(r->db);
    return E_INTERNAL;
}

/* ---- suggestions (MOB-2) -------------------------------------------------------------- */

bool suggestion_kind_ok(const char *kind)
{
    return kind && (str_eq(kind, "defect") || str_eq(kind, "improvement") || str_eq(kind, "need"));
}

bool suggestion_status_ok(const char *status)
{
    return status && (str_eq(status, "open") || str_eq(status, "answered") || str_eq(status, "closed"));
}

err suggestion_create(req *r, const char *kind, const char *title, const char *body, int64_t *id, const char **field)
{
    *field = "kind";
    if (!suggestion_kind_ok(kind))
        return E_SUGGESTION_KIND_INVALID;
    title = mine_trim(r->a, title);
    *field = "title";
    if (!mine_text_ok(title, SUGGESTION_TITLE_MAX, false))
        return E_SUGGESTION_TITLE_INVALID;
    body = mine_trim(r->a, body);
    *field = "body";
    if (!mine_text_ok(body, SUGGESTION_BODY_MAX, true))
        return E_SUGGESTION_BODY_INVALID;
    *field = NULL;

    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (mine_sql_suggestion_insert(r->db, r->session->user_id, kind, title, body, id) != DB_OK)
        goto fail;
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    jw_kobj(&w, "after");
    jw_kstr(&w, "kind", kind);
    jw_kstr(&w, "title", title);
    jw_kstr(&w, "body", body);
    jw_kstr(&w, "status", "open");
    jw_end(&w);
    jw_end(&w);
    if (req_audit(r, "suggestion.created", "suggestion", *id, jw_arena(r->a, &w)) != DB_OK || db_commit(r->db) != DB_OK)
        goto fail;
    return E_OK;
fail:
    db_rollback(r->db);
    return E_INTERNAL;
}

err suggestion_list(req *r, const struct suggestion_filter *f, struct suggestion **items, int *n, int64_t *total)
{
    return mine_sql_suggestion_list(r->db, r->a, f, items, n, total) == DB_OK ? E_OK : E_INTERNAL;
}

err suggestion_get(req *r, int64_t id, struct suggestion *out)
{
    struct suggestion_filter f = {.id = id, .page = 1, .size = 1};
    struct suggestion *items;
    int n;
    int64_t total;
    if (mine_sql_suggestion_list(r->db, r->a, &f, &items, &n, &total) != DB_OK)
        return E_INTERNAL;
    if (n == 0)
        return E_SUGGESTION_NOT_FOUND;
    *out = items[0];
    return E_OK;
}

err suggestion_answer(req *r, int64_t id, const char *answer, bool close, const char **field)
{
    answer = mine_trim(r->a, answer);
    *field = "answer";
    if (!mine_text_ok(answer, SUGGESTION_BODY_MAX, true))
        return E_SUGGESTION_ANSWER_INVALID;
    *field = NULL;
    const char *old_status, *old_answer;
    const char *status = close ? "closed" : "answered";
    err e = E_INTERNAL;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = mine_sql_suggestion_lock(r->db, r->a, id, &old_status, &old_answer);
    if (rc != DB_ROW) {
        if (rc == DB_DONE)
            e = E_SUGGESTION_NOT_FOUND;
        goto fail;
    }
    if (str_eq(old_status, "closed")) {
        e = E_SUGGESTION_CLOSED;
        goto fail;
    }
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    jw_kobj(&w, "before");
    jw_kstr(&w, "status", old_status);
    jw_kstr(&w, "answer", old_answer);
    jw_end(&w);
    jw_kobj(&w, "after");
    jw_kstr(&w, "status", status);
    jw_kstr(&w, "answer", answer);
    jw_end(&w);
    jw_end(&w);
    if (mine_sql_suggestion_answer(r->db, id, answer, r->session->user_id, status) != DB_OK ||
        req_audit(r, "suggestion.answered", "suggestion", id, jw_arena(r->a, &w)) != DB_OK || db_commit(r->db) != DB_OK)
        goto fail;
    return E_OK;
fail:
    db_rollback(r->db);
    return e;
}

/* ---- QR code (MOB-2 about) ------------------------------------------------------------ */

bool mine_qr_url_ok(const char *url)
{
    size_t n = url ? strlen(url) : 0;
    size_t scheme = strncasecmp(url ? url : "", "https://", 8) == 0  ? 8
                    : strncasecmp(url ? url : "", "http://", 7) == 0 ? 7
                                                                     : 0;
    if (!scheme || n > QR_URL_MAX || n == scheme || url[scheme] == '/' || !utf8_valid(url, n))
        return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p == 0x7F)
            return false;
    return true;
}

#define QR_QUIET 4 /* modules of white around the code (ISO/IEC 18004) */

void mine_qr_svg_modules(jw *out, const unsigned char *modules, int width)
{
    char buf[160];
    int size = width + 2 * QR_QUIET;
    int n = snprintf(buf, sizeof buf,
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
                     " shape-rendering=\"crispEdges\">",
                     size, size, size * 6, size * 6);
    jw_append(out, buf, (size_t)n);
    n = snprintf(buf, sizeof buf, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size,
                 size);
    jw_append(out, buf, (size_t)n);
    for (int y = 0; y < width; y++) {
        for (int x = 0; x < width;) {
            if (!(modules[y * width + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < width && (modules[y * width + x + run] & 1))
                run++;
            n = snprintf(buf, sizeof buf, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
            jw_append(out, buf, (size_t)n);
            x += run;
        }
    }
    static const char tail[] = "\"/></svg>\n";
    jw_append(out, tail, sizeof tail - 1);
}

bool mine_qr_svg(jw *out, const char *text)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return false;
    mine_qr_svg_modules(out, qr->data, qr->width);
    QRcode_free(qr);
    return true;
}
