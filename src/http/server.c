/*
 * server.c — the HTTP server on libmicrohttpd: one daemon per thread, each with its
 * own SO_REUSEPORT listening socket and epoll loop (the kernel spreads connections
 * evenly; MHD's shared-socket thread pool piles them onto one thread). Per request:
 * an arena, the body collected up to the limit, dispatch through the route table,
 * the JSON error body, security headers, a request id, an access-log line and the
 * metrics. SIGTERM/SIGINT stop accepting, let requests in flight finish, and exit.
 */
#include "auth/auth.h"
#include "customers/import.h"
#include "core/json_in.h"
#include "core/log.h"
#include "core/util.h"
#include "customers/customers.h"
#include "http.h"

#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sodium.h>
#include <unistd.h>

const char *server_db_kind = "";

struct server_config server_cfg = {
    .db_url = "sqlite:data/fincrm.db",
    .listen = "127.0.0.1:8080",
    .threads = 0,
    .max_body = 10u << 20,
    .idle_timeout_s = 60,
    .max_header = 32u << 10,
    .access_log = true,
    .max_upload = 10u << 20,
    .max_import = 20u << 20,
    .files_dir = "data/files",
};

/* ---- the thread's database connection ------------------------------------- */

static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void close_thread_db(void *d) { db_close(d); }
static void make_db_key(void) { pthread_key_create(&db_key, close_thread_db); }

/* Returns this thread's connection, opening it on first use (or after it broke). */
static db *thread_db(void)
{
    pthread_once(&db_key_once, make_db_key);
    db *d = pthread_getspecific(db_key);
    if (d)
        return d;
    char errbuf[512];
    d = db_open(server_cfg.db_url, errbuf, sizeof errbuf);
    if (!d) {
        log_error("database: %s", errbuf);
        return NULL;
    }
    pthread_setspecific(db_key, d);
    return d;
}

/* Drops this thread's connection after a failure that may have broken it. */
static void drop_thread_db(void)
{
    db *d = pthread_getspecific(db_key);
    if (d) {
        pthread_setspecific(db_key, NULL);
        db_close(d);
    }
}

/* ---- request helpers ---------------------------------------------------------- */

int req_fail(req *r, err e, const char *field)
{
    r->error = e;
    r->error_field = field;
    return err_info(e)->status;
}

void req_header(req *r, const char *name, const char *value)
{
    if (r->nout_headers == REQ_MAX_HEADERS) {
        log_error("too many response headers; dropped %s", name);
        return;
    }
    r->out_headers[r->nout_headers][0] = name;
    r->out_headers[r->nout_headers][1] = arena_strdup(r->a, value);
    r->nout_headers++;
}

const char *req_in_header(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_query(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_all {
    const char *name;
    const char **out;
    int max, n;
};

static enum MHD_Result query_all_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct query_all *qa = cls;
    if (key && strcmp(key, qa->name) == 0) {
        if (qa->n < qa->max)
            qa->out[qa->n] = value ? value : "";
        qa->n++;
    }
    return MHD_YES;
}

int req_query_all(req *r, const char *name, const char **out, int max)
{
    struct query_all qa = {name, out, max, 0};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_all_cb, &qa);
    return qa.n;
}

json_t *req_json_object(req *r)
{
    if (r->json)
        return r->json;
    err e = json_decode_object(r->body, r->body_len, &r->json);
    if (e != E_OK)
        req_fail(r, e, NULL);
    return r->json;
}

const char *req_str_field(req *r, json_t *obj, const char *name, bool required)
{
    const char *v;
    err e = json_get_str(obj, name, required, &v);
    if (e != E_OK)
        req_fail(r, e, name);
    return v;
}

const char *req_body_str(req *r, const char *name)
{
    json_t *body = req_json_object(r);
    return body ? req_str_field(r, body, name, true) : NULL;
}

int req_status(const req *r) { return err_info(r->error)->status; }

const struct access *req_access(req *r)
{
    return r->session ? &r->session->access : NULL;
}

const struct access *req_scope(req *r)
{
    if (!r->route || r->route->data == DATA_NONE || !r->session) {
        log_error("route %s %s reads scoped data without declaring it", r->method, r->route ? r->route->path : "?");
        return NULL;
    }
    return &r->session->access;
}

/* ---- routing ------------------------------------------------------------------ */

/* Matches path against pattern segment by segment; {name} takes one segment. */
static bool route_match(const char *pattern, const char *path, req *r)
{
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *se = strchr(s, '/');
            if (!se)
                se = s + strlen(s);
            if (!pe || se == s || np == REQ_MAX_PARAMS)
                return false;
            if (r)
                r->params[np] = arena_strndup(r->a, s, (size_t)(se - s));
            np++;
            p = pe + 1;
            s = se;
        } else if (*p++ != *s++) {
            return false;
        }
    }
    if (*p || *s)
        return false;
    if (r)
        r->nparams = np;
    return true;
}

static bool is_state_changing(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

static bool is_json_content(req *r)
{
    const char *ct = req_in_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!ct || strncasecmp(ct, "application/json", 16) != 0)
        return false;
    ct += 16; /* the whole media type, then parameters only: "application/json; charset=utf-8" */
    while (*ct == ' ')
        ct++;
    return *ct == '\0' || *ct == ';';
}

/* Finds the route, checks session and CSRF, runs the handler. */
static int dispatch(req *r)
{
    const struct route *found = NULL;
    char allow[128] = "";
    for (int i = 0; i < nroutes; i++) {
        if (!route_match(routes[i].path, r->path, NULL))
            continue;
        if (strcmp(routes[i].method, r->method) == 0 ||
            (strcmp(r->method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
            found = &routes[i];
            break;
        }
        if (strlen(allow) + strlen(routes[i].method) + 3 < sizeof allow) {
            if (*allow)
                strcat(allow, ", ");
            strcat(allow, routes[i].method);
        }
    }
    if (!found) {
        if (*allow) {
            req_header(r, "Allow", allow);
            return req_fail(r, E_METHOD_NOT_ALLOWED, NULL);
        }
        return req_fail(r, E_NOT_FOUND, NULL);
    }
    route_match(found->path, r->path, r);
    r->route = found;
    if (!(found->flags & ROUTE_NODB) && !(r->db = thread_db()))
        return req_fail(r, E_UNAVAILABLE, NULL);

    if (!(found->flags & ROUTE_RAW) && (found->flags & ROUTE_LOGIN || r->body_len > 0) &&
        is_state_changing(r->method) && !is_json_content(r))
        return req_fail(r, E_UNSUPPORTED_MEDIA_TYPE, NULL);
    if (found->flags & ROUTE_SESSION) {
        err e = auth_session_load(r);
        if (e != E_OK)
            return req_fail(r, e, NULL);
        if (is_state_changing(r->method) && !auth_csrf_ok(r))
            return req_fail(r, E_CSRF_FAILED, NULL);
        if (r->session->must_change_password && !(found->flags & ROUTE_PWCHANGE))
            return req_fail(r, E_PASSWORD_CHANGE_REQUIRED, NULL);
        if (found->perm && !access_has(&r->session->access, found->perm))
            return req_fail(r, E_FORBIDDEN, NULL);
    }
    return found->fn(r);
}

/* ---- responses ---------------------------------------------------------------- */

static void write_error_body(req *r)
{
    const struct err_info *ei = err_info(r->error);
    jw_dispose(&r->out);
    jw_init(&r->out, 256);
    jw_obj(&r->out);
    jw_kobj(&r->out, "error");
    jw_kstr(&r->out, "code", ei->code);
    jw_kstr(&r->out, "message", r->lang_en ? ei->en : ei->zh);
    jw_kstr(&r->out, "field", r->error_field);
    jw_kstr(&r->out, "request_id", r->request_id);
    if (r->captcha_required)
        jw_kbool(&r->out, "captcha_required", true);
    jw_end(&r->out);
    jw_end(&r->out);
    r->content_type = "application/json; charset=utf-8";
}

static void add_common_headers(struct MHD_Response *resp, req *r)
{
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                            "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
    for (int i = 0; i < r->nout_headers; i++)
        MHD_add_response_header(resp, r->out_headers[i][0], r->out_headers[i][1]);
}

static bool is_api_path(const char *path)
{
    return str_starts(path, "/api/") || strcmp(path, "/api") == 0 || strcmp(path, "/healthz") == 0 ||
           strcmp(path, "/readyz") == 0 || strcmp(path, "/metrics") == 0;
}

static enum MHD_Result respond(req *r)
{
    int status;
    struct MHD_Response *resp = NULL;

    if (!is_api_path(r->path) && server_cfg.web_dir && !r->error &&
        (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0))
        resp = static_response(r, &status);

    if (!resp) {
        if (r->error) {
            status = req_status(r);
        } else {
            status = dispatch(r);
            if (r->db && r->error == E_INTERNAL) {
                log_error("request %s: %s", r->request_id, db_errmsg(r->db));
                db_rollback(r->db);
                drop_thread_db(); /* a broken connection is reopened next time */
            }
        }
        if (r->error)
            write_error_body(r);
        if (r->out_fd > 0 && r->error) {
            close(r->out_fd);
            r->out_fd = 0;
        }
        size_t len = status == 204 ? 0 : r->out.len;
        if (r->out_fd > 0) { /* a file built for this response (an export); MHD closes it */
            resp = MHD_create_response_from_fd64(r->out_fd_size, r->out_fd);
            r->out_fd = 0;
        } else {
            resp = MHD_create_response_from_buffer(len, jw_take(&r->out), MHD_RESPMEM_MUST_FREE);
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                r->content_type ? r->content_type : "application/json; charset=utf-8");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
    add_common_headers(resp, r);
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);

    int64_t dur = mono_us() - r->t0_us;
    metrics_record(status, dur);
    if (server_cfg.access_log)
        log_access(r->request_id, r->client_ip, r->method, r->path, status, dur);
    return ret;
}

/* ---- libmicrohttpd callbacks --------------------------------------------------- */

static uint64_t request_seq; /* shared: ids are unique across threads */
static char instance_tag[9];

/* Is ip one of the comma-separated addresses of list? */
static bool ip_listed(const char *list, const char *ip)
{
    size_t n = strlen(ip);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ')
            e++;
        if ((size_t)(e - p) == n && n > 0 && memcmp(p, ip, n) == 0)
            return true;
        p = e;
    }
    return false;
}

/* The last address of an X-Forwarded-For value (the one our proxy saw), or NULL
 * when it is not an IP address. */
static const char *forwarded_client(arena *a, const char *xff)
{
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ' || *last == '\t')
        last++;
    size_t n = strlen(last);
    while (n > 0 && (last[n - 1] == ' ' || last[n - 1] == '\t'))
        n--;
    char buf[INET6_ADDRSTRLEN];
    unsigned char bin[sizeof(struct in6_addr)];
    if (n == 0 || n >= sizeof buf)
        return NULL;
    memcpy(buf, last, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, bin) != 1 && inet_pton(AF_INET6, buf, bin) != 1)
        return NULL;
    return arena_strdup(a, buf);
}

static req *req_new(struct MHD_Connection *conn, const char *method, const char *url)
{
    arena *a = arena_new(8192);
    req *r = arena_calloc(a, sizeof *r);
    r->a = a;
    r->conn = conn;
    r->t0_us = mono_us();
    r->method = arena_strdup(a, method);
    const char *q = strchr(url, '?');
    r->path = q ? arena_strndup(a, url, (size_t)(q - url)) : arena_strdup(a, url);
    snprintf(r->request_id, sizeof r->request_id, "%s-%llx", instance_tag,
             (unsigned long long)__atomic_add_fetch(&request_seq, 1, __ATOMIC_RELAXED));
    jw_init(&r->out, 1024);

    const char *lang = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Language");
    r->lang_en = lang && strncasecmp(lang, "en", 2) == 0;

    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "-";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
    }
    r->client_ip = arena_strdup(a, ip);
    if (server_cfg.trusted_proxies && ip_listed(server_cfg.trusted_proxies, ip)) {
        /* Only a proxy we trust may say who the client is; anyone else could lie. */
        const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
        const char *client = xff ? forwarded_client(a, xff) : NULL;
        if (client)
            r->client_ip = client;
    }
    metrics_in_flight(1);
    return r;
}

/* The body limit of a request: raw uploads (ROUTE_RAW) have their own. */
static size_t body_limit(req *r)
{
    for (int i = 0; i < nroutes; i++)
        if ((routes[i].flags & ROUTE_RAW) && strcmp(routes[i].method, r->method) == 0 &&
            route_match(routes[i].path, r->path, NULL))
            /* the larger of the upload limits; each upload handler checks its own */
            return server_cfg.max_upload > server_cfg.max_import ? server_cfg.max_upload : server_cfg.max_import;
    return server_cfg.max_body;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls;
    (void)version;
    req *r = *con_cls;
    if (!r) { /* first call: headers only; answer on a later call (keeps keep-alive) */
        r = req_new(conn, method, url);
        *con_cls = r;
        r->body_max = body_limit(r);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        unsigned long long clen = cl ? strtoull(cl, NULL, 10) : 0;
        if (clen > r->body_max) {
            req_fail(r, E_BODY_TOO_LARGE, NULL);
            /* Far beyond the limit: answer now and let MHD close the connection
             * rather than read it all. */
            if (clen > 4 * r->body_max)
                return respond(r);
        } else if (clen > 64u << 10) { /* a large upload: one allocation, not a doubling series */
            r->body = arena_alloc(r->a, (size_t)clen + 1);
            r->body_cap = (size_t)clen + 1;
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->error) /* already refused: drain */
            return MHD_YES;
        if (r->body_len + n > r->body_max) {
            req_fail(r, E_BODY_TOO_LARGE, NULL);
            r->body = NULL;
            r->body_len = 0;
            return MHD_YES;
        }
        if (r->body_len + n + 1 > r->body_cap) { /* grow in the arena, doubling */
            size_t cap = r->body_cap ? r->body_cap * 2 : 1024;
            while (cap < r->body_len + n + 1)
                cap *= 2;
            char *nb = arena_alloc(r->a, cap);
            if (r->body_len)
                memcpy(nb, r->body, r->body_len);
            r->body = nb;
            r->body_cap = cap;
        }
        memcpy(r->body + r->body_len, upload_data, n);
        r->body_len += n;
        r->body[r->body_len] = '\0';
        return MHD_YES;
    }
    return respond(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    req *r = *con_cls;
    if (!r)
        return;
    *con_cls = NULL;
    if (r->json)
        json_decref(r->json);
    if (r->out_fd > 0)
        close(r->out_fd);
    jw_dispose(&r->out);
    arena_free(r->a);
    metrics_in_flight(-1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    size_t n = strlen(buf);
    while (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    log_info("httpd: %s", buf);
}

/* ---- lifecycle ------------------------------------------------------------------ */

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return -1;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, *host ? host : "127.0.0.1", &sa->sin_addr) != 1)
        return -1;
    return 0;
}

int serve(void)
{
    struct sockaddr_in sa;
    if (parse_listen(server_cfg.listen, &sa) != 0) {
        log_error("--listen must be IPv4:PORT, e.g. 127.0.0.1:8080 (got '%s')", server_cfg.listen);
        return 2;
    }
    if (sodium_init() < 0) {
        log_error("libsodium failed to initialise");
        return 1;
    }
    unsigned char tag[4];
    randombytes_buf(tag, sizeof tag);
    hex_encode(tag, sizeof tag, instance_tag);

    /* Check the database and bring the schema up to date before taking traffic. */
    char errbuf[512];
    db *d = db_open(server_cfg.db_url, errbuf, sizeof errbuf);
    if (!d) {
        log_error("database: %s", errbuf);
        return 1;
    }
    int rc = db_migrate(d, errbuf, sizeof errbuf);
    if (rc == DB_OK && (rc = customers_backfill_initials(d)) != DB_OK) /* CUS-8 */
        snprintf(errbuf, sizeof errbuf, "filling name initials: %s", db_errmsg(d));
    server_db_kind = db_kind_name(d);
    db_close(d);
    if (rc != DB_OK) {
        log_error("%s", errbuf);
        return 1;
    }
    imports_resume(); /* CUS-12: imports a stop cut off go on from their last batch */

    /* The daemons' threads inherit this mask; the main thread waits for the signal. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    int n = server_cfg.threads > 0 ? server_cfg.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > 64)
        n = 64;
    if (sa.sin_port == 0) /* each daemon would get a port of its own */
        n = 1;
    struct MHD_Daemon *daemons[64] = {0};
    for (int i = 0; i < n; i++) {
        daemons[i] = MHD_start_daemon(
            MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
            MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
            server_cfg.idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, server_cfg.max_header,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096, MHD_OPTION_END);
        if (!daemons[i]) {
            log_error("cannot listen on %s (in use, or not allowed)", server_cfg.listen);
            for (int k = 0; k < i; k++)
                MHD_stop_daemon(daemons[k]);
            return 1;
        }
    }
    if (sa.sin_port == 0) { /* port 0: say which port the kernel chose */
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemons[0], MHD_DAEMON_INFO_BIND_PORT);
        log_info("listening on port %u", di ? di->port : 0);
    }
    log_info("fincrm serving on http://%s (%d threads, database %s, UI %s)", server_cfg.listen, n,
             server_db_kind,
             server_cfg.web_dir ? server_cfg.web_dir : "off");

    int sig = 0;
    sigwait(&set, &sig);
    log_info("signal %d: stopping (finishing requests in flight)", sig);
    for (int i = 0; i < n; i++)
        MHD_quiesce_daemon(daemons[i]);
    for (int waited = 0; metrics_in_flight_now() > 0 && waited < 100; waited++)
        usleep(100000);
    for (int i = 0; i < n; i++)
        MHD_stop_daemon(daemons[i]);
    log_info("stopped");
    return 0;
}
