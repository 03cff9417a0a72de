/*
 * mine.h — the "Mine" page of a signed-in user (MOB-2): the summary (unit, outlet,
 * credit-system id, position, days logged in), changing one's own name and phone
 * (AUTH-1), suggestions that staff send and admins answer, and the QR code of the
 * About page. Rules in mine.c, SQL in mine_sql.c, HTTP in mine_http.c.
 */
#ifndef FINCRM_MINE_H
#define FINCRM_MINE_H

#include "core/err.h"
#include "core/jw.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

/* Limits of MOB-2 / AUTH-1 input, in characters (not bytes). */
#define MINE_NAME_MAX 50
#define SUGGESTION_TITLE_MAX 100
#define SUGGESTION_BODY_MAX 2000
#define QR_URL_MAX 512 /* bytes */

/* One day in Asia/Shanghai (UTC+8, no daylight saving) as SQL sees it:
 * day = (at_ms + SHANGHAI_OFFSET_MS) / DAY_MS. */
#define SHANGHAI_OFFSET_MS INT64_C(28800000)

struct mine_summary {
    int64_t id;
    const char *username, *display_name, *phone; /* phone NULL when not set */
    int64_t unit_id;
    const char *unit_code, *unit_name, *unit_level;
    const char *credit_id; /* NULL when the user has none */
    const char *position_code, *position_name;
    int64_t days_logged_in;
    int64_t last_login_at; /* the last login before this session; 0: none */
    int64_t member_since;
};

/* ---- rules (mine.c) ---- */
err mine_summary(req *r, struct mine_summary *out);
/* AUTH-1: a new display name and/or phone (phone "" clears it). NULL: unchanged.
 * Audited with before/after. On failure *field names the offending input. */
err mine_update_profile(req *r, const char *display_name, const char *phone, const char **field);

/* Pure checks, exposed for the unit tests. Text is UTF-8. */
size_t mine_chars(const char *s);                             /* characters (code points) */
const char *mine_trim(arena *a, const char *s);               /* without leading/trailing white space */
bool mine_name_ok(const char *name);                          /* 1–50 characters, no control characters */
bool mine_phone_ok(const char *phone);                        /* mainland mobile or landline */
bool mine_text_ok(const char *s, size_t max, bool multiline); /* 1–max chars, no control chars */

/* ---- suggestions (MOB-2) ---- */
struct suggestion {
    int64_t id;
    const char *kind, *title, *body, *status, *answer; /* answer NULL until answered */
    int64_t created_at, answered_at;                   /* answered_at 0: not yet */
    int64_t user_id;
    const char *username, *display_name;
    int64_t unit_id;
    const char *unit_name;
    int64_t answered_by; /* 0: nobody yet */
    const char *answered_by_name;
};

struct suggestion_filter {
    int64_t user_id;    /* 0: everybody's */
    const char *status; /* NULL: any */
    const char *kind;   /* NULL: any */
    int64_t id;         /* 0: any */
    int64_t page, size; /* 1-based page */
};

bool suggestion_kind_ok(const char *kind);
bool suggestion_status_ok(const char *status);

err suggestion_create(req *r, const char *kind, const char *title, const char *body, int64_t *id, const char **field);
err suggestion_list(req *r, const struct suggestion_filter *f, struct suggestion **items, int *n, int64_t *total);
err suggestion_get(req *r, int64_t id, struct suggestion *out);
/* Answers (status answered) or answers and closes (status closed); audited. */
err suggestion_answer(req *r, int64_t id, const char *answer, bool close, const char **field);

/* ---- QR code of the About page (MOB-2) ---- */
bool mine_qr_url_ok(const char *url); /* http(s)://…, at most 512 bytes, no spaces or controls */
/* Appends an SVG of the QR code of text to out; false when it cannot be encoded. */
bool mine_qr_svg(jw *out, const char *text);
/* The SVG of a module matrix (width × width bytes, bit 0 = dark) with a quiet zone
 * of 4 modules: one white rect and one path of the dark runs. */
void mine_qr_svg_modules(jw *out, const unsigned char *modules, int width);

/* ---- SQL (mine_sql.c) ---- */
/* Phone, credit id, member since and the login figures; the rest of *out is kept. */
int mine_sql_summary(db *d, arena *a, int64_t user_id, int64_t session_start, struct mine_summary *out);
int mine_sql_profile_get(db *d, arena *a, int64_t user_id, const char **display_name, const char **phone);
int mine_sql_profile_set(db *d, int64_t user_id, const char *display_name, const char *phone);
int mine_sql_suggestion_insert(db *d, int64_t user_id, const char *kind, const char *title, const char *body,
                               int64_t *id);
int mine_sql_suggestion_list(db *d, arena *a, const struct suggestion_filter *f, struct suggestion **items, int *n,
                             int64_t *total);
int mine_sql_suggestion_lock(db *d, arena *a, int64_t id, const char **status, const char **answer);
int mine_sql_suggestion_answer(db *d, int64_t id, const char *answer, int64_t by, const char *status);

/* ---- HTTP (mine_http.c) ---- */
int handle_me_summary(req *r);
int handle_me_update(req *r);
int handle_suggestion_create(req *r);
int handle_suggestions_mine(req *r);
int handle_suggestions_list(req *r);
int handle_suggestion_answer(req *r);
int handle_about_qr(req *r);

#endif
