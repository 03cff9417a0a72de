/*
 * routes.c — the one table of every HTTP entry point of fincrm, and the handlers
 * of the server itself (health, readiness, version, the OpenAPI document).
 * `fincrm routes` prints this table; a test checks that the OpenAPI document
 * describes every entry (API-1).
 */
#include "audit/audit_search.h"
#include "auth/auth.h"
#include "core/embed.h"
#include "core/util.h"
#include "http.h"
#include "mine/mine.h"

EMBED(openapi_json, "src/api/openapi.json");

static int handle_healthz(req *r)
{
    jw_obj(&r->out);
    jw_kstr(&r->out, "status", "ok");
    jw_end(&r->out);
    return 200;
}

static int handle_readyz(req *r)
{
    db_stmt *st = db_prepare(r->db, "SELECT 1");
    int rc = st ? db_step(st) : DB_ERROR;
    if (st)
        db_reset(st);
    if (rc != DB_ROW)
        return req_fail(r, E_UNAVAILABLE, NULL);
    jw_obj(&r->out);
    jw_kstr(&r->out, "status", "ready");
    jw_end(&r->out);
    return 200;
}

static int handle_version(req *r)
{
    jw_obj(&r->out);
    jw_kstr(&r->out, "version", FINCRM_VERSION);
    jw_kstr(&r->out, "database", server_db_kind);
    jw_end(&r->out);
    return 200;
}

static int handle_openapi(req *r)
{
    jw_append(&r->out, openapi_json, (size_t)(openapi_json_end - openapi_json));
    return 200;
}

/* Every entry names its permission (NULL: any signed-in user, or public) and the
 * scoped data it returns; the compiler refuses an entry that leaves them out. */
const struct route routes[] = {
    {"GET", "/healthz", handle_healthz, ROUTE_NODB, "Liveness: the process is up", NULL, DATA_NONE},
    {"GET", "/readyz", handle_readyz, ROUTE_PUBLIC, "Readiness: the database answers", NULL, DATA_NONE},
    {"GET", "/metrics", handle_metrics, ROUTE_NODB, "Prometheus metrics", NULL, DATA_NONE},
    {"GET", "/api/v1/openapi.json", handle_openapi, ROUTE_NODB, "This API's OpenAPI 3 document", NULL, DATA_NONE},
    {"GET", "/api/v1/version", handle_version, ROUTE_NODB, "Server version and database backend", NULL, DATA_NONE},
    {"POST", "/api/v1/auth/login", handle_login, ROUTE_LOGIN, "Sign in with username and password (AUTH-1)", NULL,
     DATA_NONE},
    {"POST", "/api/v1/auth/logout", handle_logout, ROUTE_SESSION | ROUTE_PWCHANGE, "End this session (AUTH-3)", NULL,
     DATA_NONE},
    {"GET", "/api/v1/auth/me", handle_me, ROUTE_SESSION | ROUTE_PWCHANGE,
     "The signed-in user and the CSRF token (AUTH-3)", NULL, DATA_NONE},
    {"POST", "/api/v1/auth/password", handle_change_password, ROUTE_SESSION | ROUTE_PWCHANGE,
     "Change one's own password; other sessions end (AUTH-1)", NULL, DATA_NONE},
    {"GET", "/api/v1/me/summary", handle_me_summary, ROUTE_SESSION,
     "The Mine page: unit, outlet, credit-system id, days logged in (MOB-2)", NULL, DATA_NONE},
    {"PATCH", "/api/v1/me", handle_me_update, ROUTE_SESSION, "Change one's own name and phone (AUTH-1)", NULL,
     DATA_NONE},
    {"POST", "/api/v1/suggestions", handle_suggestion_create, ROUTE_SESSION, "Send a suggestion (MOB-2)", NULL,
     DATA_NONE},
    {"GET", "/api/v1/suggestions/mine", handle_suggestions_mine, ROUTE_SESSION,
     "One's own suggestions and their answers (MOB-2)", NULL, DATA_NONE},
    {"GET", "/api/v1/suggestions", handle_suggestions_list, ROUTE_SESSION, "Everybody's suggestions (MOB-2)",
     "suggestions.manage", DATA_NONE},
    {"POST", "/api/v1/suggestions/{id}/answer", handle_suggestion_answer, ROUTE_SESSION,
     "Answer a suggestion, optionally closing it (MOB-2)", "suggestions.manage", DATA_NONE},
    {"GET", "/api/v1/audit", handle_audit_search, ROUTE_SESSION, "Search the audit log (AUTH-7)", "audit.view",
     DATA_AUDIT},
    {"GET", "/api/v1/audit/verify", handle_audit_verify, ROUTE_SESSION, "Check the audit log's hash chain (AUTH-7)",
     "audit.view", DATA_NONE},
    {"GET", "/api/v1/about/qr.svg", handle_about_qr, ROUTE_SESSION, "A QR code (SVG) of a link (MOB-2)", NULL,
     DATA_NONE},
};
const int nroutes = (int)ARRAY_LEN(routes);
