/*
 * http.h — what a request handler sees: the request (method, path, parameters,
 * body, session), its arena, the thread's database connection, and the calls that
 * build the response. Handlers live in each module's <module>_http.c and are listed
 * in the one route table (routes.c). A handler returns an HTTP status, or the
 * result of req_fail() when something is wrong.
 */
#ifndef FINCRM_HTTP_H
#define FINCRM_HTTP_H

#include "core/arena.h"
#include "core/err.h"
#include "core/jw.h"
#include "db/db.h"
#include "db/sqlb.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define REQ_MAX_PARAMS 4
#define REQ_MAX_HEADERS 8

struct session; /* auth.h */

typedef struct req {
    arena *a;
    db *db;                    /* this server thread's connection */
    struct MHD_Connection *conn;
    const char *method;
    const char *path;          /* without the query string */
    const char *params[REQ_MAX_PARAMS]; /* {name} segments of the route, in order */
    int nparams;
    const struct route *route;
    char *body;
    size_t body_len, body_cap;
    json_t *json;              /* the parsed body, owned by the request */
    char request_id[32];
    const char *client_ip;
    bool lang_en;              /* Accept-Language asks for English */
    struct session *session;   /* set for routes that need a signed-in user */
    int64_t t0_us;

    /* the response being built */
    jw out;
    const char *content_type;
    const char *out_headers[REQ_MAX_HEADERS][2];
    int nout_headers;
    err error;                 /* set by req_fail() */
    const char *error_field;
    bool captcha_required;     /* AUTH-2: the error body says the next login needs a captcha */
    size_t body_max;           /* this request's body limit (max_body, or max_upload on ROUTE_RAW routes) */
    int out_fd;                /* > 0: the response body is this file (out_fd_size bytes), not out */
    uint64_t out_fd_size;
} req;

typedef int (*handler_fn)(req *r);

enum route_flags {
    ROUTE_PUBLIC = 0,       /* no session needed */
    ROUTE_SESSION = 1 << 0, /* a signed-in user; state-changing methods also need CSRF */
    ROUTE_LOGIN = 1 << 1,   /* the login route: no session, no CSRF, JSON body */
    ROUTE_NODB = 1 << 2,    /* answers without the database (liveness, metrics) */
    ROUTE_PWCHANGE = 1 << 3, /* allowed while the user must still change a one-time password */
    ROUTE_RAW = 1 << 4,      /* the body is a file of any type, up to server_cfg.max_upload (CUS-3) */
};

/* What rows a route returns, declared so that the data scope (ORG-4) cannot be
 * forgotten: handlers get the caller's scope only through req_scope(), which
 * refuses routes that declare DATA_NONE, and a test refuses customer-data routes
 * without a permission and a scope. */
enum route_data { DATA_NONE = 0, DATA_CUSTOMERS, DATA_USERS, DATA_AUDIT };

struct route {
    const char *method;
    const char *path;   /* "/api/v1/customers/{id}" */
    handler_fn fn;
    unsigned flags;
    const char *summary;
    const char *perm;     /* permission the caller needs (access.h), NULL: any signed-in user */
    enum route_data data; /* rows returned under the caller's data scope */
};

extern const struct route routes[];
extern const int nroutes;

/* Response helpers */
int req_fail(req *r, err e, const char *field);    /* sets the error; returns its status */
void req_header(req *r, const char *name, const char *value); /* value copied into the arena */
const char *req_in_header(req *r, const char *name);
const char *req_query(req *r, const char *name);
/* Every value of a repeated query parameter (?f=a&f=b): fills out[0..max) and
 * returns how many there are (may exceed max). */
int req_query_all(req *r, const char *name, const char **out, int max);

/* Body helpers: the body as a JSON object, and typed fields of it. On failure they
 * set the request's error (code and field) and return NULL / false. */
json_t *req_json_object(req *r);
const char *req_str_field(req *r, json_t *obj, const char *name, bool required);
/* A required string member of the body object: decodes the body on first use. */
const char *req_body_str(req *r, const char *name);
int req_status(const req *r); /* the HTTP status of the error set on r */

/* Typed body members and path/query parameters (req.c). On failure they set the
 * request's error (code and field) and return false. *present tells an optional
 * member that was given from one left out. */
bool req_int_field(req *r, json_t *obj, const char *name, bool required, int64_t *out, bool *present);
bool req_bool_field(req *r, json_t *obj, const char *name, bool *out, bool *present);
/* A string member with a length bound in characters (1..max when required or given);
 * NULL and no error when absent and optional. */
const char *req_text_field(req *r, json_t *obj, const char *name, bool required, int max_chars);
/* The route's {id}-style parameter idx as a positive integer; fails with 404. */
bool req_param_id(req *r, int idx, int64_t *out);
/* page (1-based) and size (1..100, default 20) from the query string. */
void req_page(req *r, int *page, int *size);
/* Writes {"items": …} openers / {"total","page","size"} closers of a paged list. */
void req_list_begin(req *r);
void req_list_end(req *r, int64_t total, int page, int size);

/* A paged list: query(q, ctx, count) builds the COUNT(*) and the row query (the
 * same filters), row() writes one row. Answers {items, total, page, size}. */
typedef void (*list_query_fn)(req *r, sqlb *q, void *ctx, bool count);
typedef void (*list_row_fn)(req *r, db_stmt *st, void *ctx);
int req_paged_list(req *r, list_query_fn query, list_row_fn row, void *ctx);

/* The audit record of the caller's action (AUTH-7), joining the open transaction. */
int req_audit(req *r, const char *action, const char *object_type, int64_t object_id, const char *detail);

/* The caller's access (permissions, data scope). req_scope() is for routes that
 * declare scoped data: on any other route it logs the bug and returns NULL, and
 * the handler answers 500. */
struct access;
const struct access *req_access(req *r);
const struct access *req_scope(req *r);

/* Server settings (serve.c) */
struct server_config {
    const char *db_url;
    const char *listen;      /* "127.0.0.1:8080" */
    const char *web_dir;     /* built UI, or NULL */
    int threads;
    size_t max_body;         /* bytes */
    unsigned idle_timeout_s;
    size_t max_header;       /* bytes of request line + headers per connection */
    bool access_log;
    bool secure_cookies;     /* behind TLS: cookies get Secure */
    const char *trusted_proxies; /* "127.0.0.1,10.0.0.5": peers whose X-Forwarded-For names the client */
    const char *public_url;  /* "https://crm.example.com" as browsers see it (WebAuthn origin, AUTH-6), or NULL */
    size_t max_upload;       /* bytes of one uploaded file (ROUTE_RAW routes, CUS-3) */
    size_t max_import;       /* bytes of one customer import file (CUS-12; the reader's limit) */
    const char *files_dir;   /* where uploaded files are kept (CUS-3) */
};
extern struct server_config server_cfg;
extern const char *server_db_kind; /* "sqlite" or "postgresql", known once serving */

int serve(void); /* runs until SIGTERM/SIGINT; returns the exit status */

/* Static files of the UI (static.c): returns the response or NULL if not found. */
struct MHD_Response *static_response(req *r, int *status);

/* Metrics (metrics.c) */
void metrics_record(int status, int64_t dur_us);
void metrics_in_flight(int delta);
int metrics_in_flight_now(void);
int handle_metrics(req *r);

#endif
