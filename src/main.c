/*
 * main.c — the `fincrm` command: one table of subcommands, each with its flags,
 * `--help`, and exit status 2 for a wrong flag. Flags override FINCRM_*
 * environment variables, which override the defaults.
 */
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/webauthn.h"
#include "core/log.h"
#include "core/util.h"
#include "customers/customers.h"
#include "db/db.h"
#include "demo/demo.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static int usage_error(const char *cmd, const char *usage)
{
    fprintf(stderr, "usage: fincrm %s %s\nTry 'fincrm %s --help'.\n", cmd, usage, cmd);
    return 2;
}

/* Parses a whole positive number; false if s is not one. */
static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static db *open_and_migrate(const char *url)
{
    char errbuf[512];
    db *d = db_open(url, errbuf, sizeof errbuf);
    if (!d) {
        fprintf(stderr, "fincrm: %s\n", errbuf);
        return NULL;
    }
    if (db_migrate(d, errbuf, sizeof errbuf) != DB_OK) {
        fprintf(stderr, "fincrm: %s\n", errbuf);
        db_close(d);
        return NULL;
    }
    /* CUS-8: pinyin initials of rows written before they existed */
    if (customers_backfill_initials(d) != DB_OK) {
        fprintf(stderr, "fincrm: filling name initials: %s\n", db_errmsg(d));
        db_close(d);
        return NULL;
    }
    return d;
}

/* ---- init ------------------------------------------------------------------------ */

static const char init_usage[] = "[--db URL] [--admin NAME --password PW]";

/* AUTH-7: the CLI is an actor too; its record joins the transaction that creates the user. */
static int audit_admin_created(db *d, int64_t user_id, const char *name, int64_t unit_id)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)user_id);
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    jw_kobj(&w, "after");
    jw_kstr(&w, "username", name);
    jw_kstr(&w, "display_name", "系统管理员");
    jw_kstr(&w, "position", "system_admin");
    jw_kint(&w, "unit_id", unit_id);
    jw_end(&w);
    jw_end(&w);
    char *detail = jw_take(&w);
    struct audit_entry e = {
        .user_id = 0,
        .username = "cli",
        .ip = "local",
        .action = "user.created",
        .object_type = "user",
        .object_id = id,
        .detail = detail,
    };
    int rc = audit_write(d, &e);
    free(detail);
    return rc;
}

/* The first admin sits on the root unit; an empty database gets one. */
static int create_admin(db *d, const char *name, const char *password)
{
    char hash[128];
    int64_t unit_id = 0, position_id = 0;
    int rc = DB_ERROR;
    if (auth_password_policy(password) != E_OK) {
        fprintf(stderr, "fincrm: %s\n", err_info(E_PASSWORD_WEAK)->en);
        return 2;
    }
    if (auth_hash_password(password, hash) != 0) {
        fprintf(stderr, "fincrm: cannot hash the password (out of memory?)\n");
        return 1;
    }
    if (db_begin(d) != DB_OK)
        goto out;
    db_stmt *st = db_query(d, "SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1", "");
    if (st && db_step(st) == DB_ROW)
        unit_id = db_col_int64(st, 0);
    if (st)
        db_reset(st);
    if (!unit_id) {
        if (db_run(d,
                   "INSERT INTO org_units (parent_id, code, name, level, path, created_at)"
                   " VALUES (NULL, 'root', '联社本部', 'province', '/', ?)",
                   "i", now_ms()) != DB_OK)
            goto out;
        unit_id = db_last_insert_id(d);
        if (db_run(d, "UPDATE org_units SET path = ? WHERE id = ?", "si", "/1/", unit_id) != DB_OK)
            goto out;
    }
    st = db_query(d, "SELECT id FROM positions WHERE code = 'system_admin'", "");
    if (st && db_step(st) == DB_ROW)
        position_id = db_col_int64(st, 0);
    if (st)
        db_reset(st);
    int64_t user_id = 0;
    rc = auth_sql_user_create(d, name, hash, "系统管理员", unit_id, position_id, &user_id);
    if (rc == DB_CONSTRAINT) {
        db_rollback(d);
        fprintf(stderr, "fincrm: user '%s' exists already\n", name);
        return 1;
    }
    if (rc == DB_OK)
        rc = audit_admin_created(d, user_id, name, unit_id);
    if (rc == DB_OK)
        rc = db_commit(d);
out:
    if (rc != DB_OK) {
        fprintf(stderr, "fincrm: cannot create the admin: %s\n", db_errmsg(d));
        db_rollback(d);
        return 1;
    }
    printf("admin user '%s' created\n", name);
    return 0;
}

static int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"admin", required_argument, 0, 'a'},
                                         {"password", required_argument, 0, 'p'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *url = env_or("FINCRM_DB", "sqlite:data/fincrm.db"), *admin = NULL, *password = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': url = optarg; break;
        case 'a': admin = optarg; break;
        case 'p': password = optarg; break;
        case 'h':
            printf("usage: fincrm init %s\n\nCreates or upgrades the database schema; with --admin, also creates the\n"
                   "first administrator (password: at least 8 characters, letters and digits).\n",
                   init_usage);
            return 0;
        default: return usage_error("init", init_usage);
        }
    }
    if (optind < argc || (admin && !password) || (!admin && password))
        return usage_error("init", init_usage);
    db *d = open_and_migrate(url);
    if (!d)
        return 1;
    printf("database %s at schema version %d\n", db_kind_name(d), db_schema_version(d));
    int rc = admin ? create_admin(d, admin, password) : 0;
    db_close(d);
    return rc;
}

/* ---- demo ------------------------------------------------------------------------ */

static const char demo_usage[] = "[--db URL] --customers N [--seed S]";

static int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"customers", required_argument, 0, 'c'},
                                         {"seed", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *url = env_or("FINCRM_DB", "sqlite:data/fincrm.db");
    long customers = -1, seed = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': url = optarg; break;
        case 'c':
            if (!parse_long(optarg, 0, 100000000, &customers)) {
                fprintf(stderr, "fincrm demo: --customers must be a whole number from 0 to 100000000\n");
                return 2;
            }
            break;
        case 's':
            if (!parse_long(optarg, 0, 2147483647, &seed)) {
                fprintf(stderr, "fincrm demo: --seed must be a whole number\n");
                return 2;
            }
            break;
        case 'h':
            printf("usage: fincrm demo %s\n\nFills an empty database with deterministic demo data: an org tree,\n"
                   "about 1,000 staff and N customers. The same seed gives the same data.\n",
                   demo_usage);
            return 0;
        default: return usage_error("demo", demo_usage);
        }
    }
    if (optind < argc || customers < 0)
        return usage_error("demo", demo_usage);
    db *d = open_and_migrate(url);
    if (!d)
        return 1;
    char errbuf[512];
    int rc = demo_run(d, customers, (uint64_t)seed, stdout, errbuf, sizeof errbuf);
    if (rc != 0)
        fprintf(stderr, "fincrm demo: %s\n", errbuf);
    db_close(d);
    return rc;
}

/* ---- serve ----------------------------------------------------------------------- */

static const char serve_usage[] = "[--db URL] [--listen IP:PORT] [--web DIR] [--threads N] [--max-body-mb N]\n"
                                  "       [--idle-timeout S] [--session-idle S] [--secure-cookies] [--no-access-log]\n"
                                  "       [--trusted-proxy IP[,IP…]] [--login-ip-limit N] [--login-user-limit N]\n"
                                  "       [--public-url URL] [--files-dir DIR] [--max-upload-mb N]";

/* --trusted-proxy: a comma-separated list of IPv4/IPv6 addresses. */
static bool ip_list_valid(const char *list)
{
    char buf[64];
    int n = 0;
    for (const char *p = list;; p++) {
        if (*p == ',' || *p == '\0') {
            unsigned char bin[16];
            buf[n] = '\0';
            if (!n || (inet_pton(AF_INET, buf, bin) != 1 && inet_pton(AF_INET6, buf, bin) != 1))
                return false;
            n = 0;
            if (!*p)
                return true;
        } else if (*p != ' ') {
            if (n == (int)sizeof buf - 1)
                return false;
            buf[n++] = *p;
        }
    }
}

static int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"listen", required_argument, 0, 'l'},
                                         {"web", required_argument, 0, 'w'},
                                         {"threads", required_argument, 0, 't'},
                                         {"max-body-mb", required_argument, 0, 'm'},
                                         {"idle-timeout", required_argument, 0, 'i'},
                                         {"session-idle", required_argument, 0, 'S'},
                                         {"secure-cookies", no_argument, 0, 'C'},
                                         {"no-access-log", no_argument, 0, 'q'},
                                         {"trusted-proxy", required_argument, 0, 'P'},
                                         {"login-ip-limit", required_argument, 0, 'I'},
                                         {"login-user-limit", required_argument, 0, 'U'},
                                         {"public-url", required_argument, 0, 'W'},
                                         {"files-dir", required_argument, 0, 'F'},
                                         {"max-upload-mb", required_argument, 0, 'M'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    server_cfg.db_url = env_or("FINCRM_DB", server_cfg.db_url);
    server_cfg.listen = env_or("FINCRM_LISTEN", server_cfg.listen);
    server_cfg.web_dir = env_or("FINCRM_WEB", NULL);
    server_cfg.public_url = env_or("FINCRM_PUBLIC_URL", NULL);
    long v;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': server_cfg.db_url = optarg; break;
        case 'l': server_cfg.listen = optarg; break;
        case 'w': server_cfg.web_dir = optarg; break;
        case 't':
            if (!parse_long(optarg, 1, 64, &v))
                return usage_error("serve", serve_usage);
            server_cfg.threads = (int)v;
            break;
        case 'm':
            if (!parse_long(optarg, 1, 1024, &v))
                return usage_error("serve", serve_usage);
            server_cfg.max_body = (size_t)v << 20;
            break;
        case 'i':
            if (!parse_long(optarg, 1, 3600, &v))
                return usage_error("serve", serve_usage);
            server_cfg.idle_timeout_s = (unsigned)v;
            break;
        case 'S':
            if (!parse_long(optarg, 1, 86400, &v))
                return usage_error("serve", serve_usage);
            auth_cfg.idle_ms = v * 1000;
            break;
        case 'C': server_cfg.secure_cookies = true; break;
        case 'q': server_cfg.access_log = false; break;
        case 'P':
            if (!ip_list_valid(optarg)) {
                fprintf(stderr, "fincrm serve: --trusted-proxy must list IP addresses, e.g. 127.0.0.1,10.0.0.5\n");
                return 2;
            }
            server_cfg.trusted_proxies = optarg;
            break;
        case 'I':
        case 'U':
            if (!parse_long(optarg, 0, 1000000, &v))
                return usage_error("serve", serve_usage);
            *(c == 'I' ? &auth_cfg.ip_limit : &auth_cfg.user_limit) = (int)v;
            break;
        case 'W': server_cfg.public_url = optarg; break;
        case 'F': server_cfg.files_dir = optarg; break;
        case 'M':
            if (!parse_long(optarg, 1, 1024, &v))
                return usage_error("serve", serve_usage);
            server_cfg.max_upload = (size_t)v << 20;
            break;
        case 'h':
            printf("usage: fincrm serve %s\n\nServes the JSON API under /api/v1 and, with --web, the built UI.\n"
                   "Defaults: --db sqlite:data/fincrm.db --listen 127.0.0.1:8080, one thread per core,\n"
                   "10 MB request bodies, 60 s idle connections, 1800 s idle sessions,\n"
                   "20 login attempts per client address and 10 per username a minute (0: no limit).\n"
                   "--trusted-proxy: peers whose X-Forwarded-For (last entry) names the client.\n"
                   "--public-url: the address browsers use (https://host[:port]) behind a proxy;\n"
                   "biometric login (WebAuthn) checks it as the origin; default: the Host header.\n"
                   "--files-dir: where customer attachments are kept (default data/files);\n"
                   "--max-upload-mb: the size limit of one attachment (default 10).\n"
                   "Environment: FINCRM_DB, FINCRM_LISTEN, FINCRM_WEB, FINCRM_PUBLIC_URL.\n",
                   serve_usage);
            return 0;
        default: return usage_error("serve", serve_usage);
        }
    }
    if (optind < argc)
        return usage_error("serve", serve_usage);
    if (!db_url_valid(server_cfg.db_url)) {
        fprintf(stderr, "fincrm serve: --db must be sqlite:PATH or postgresql://…\n");
        return 2;
    }
    if (server_cfg.public_url && !webauthn_public_url_valid(server_cfg.public_url)) {
        fprintf(stderr, "fincrm serve: --public-url must be http(s)://HOST[:PORT] without a path\n");
        return 2;
    }
    return serve();
}

/* ---- audit --------------------------------------------------------------------- */

static const char audit_usage[] = "verify [--db URL]";

/* AUTH-7: checks the audit log's hash chain; exit 0 intact, 1 broken or unreadable. */
static int cmd_audit(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *url = env_or("FINCRM_DB", "sqlite:data/fincrm.db");
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': url = optarg; break;
        case 'h':
            printf("usage: fincrm audit %s\n\nverify: recomputes the audit log's hash chain and reports the first\n"
                   "entry that was changed, or that the chain is intact (exit 0).\n",
                   audit_usage);
            return 0;
        default: return usage_error("audit", audit_usage);
        }
    }
    if (optind != argc - 1 || !str_eq(argv[optind], "verify"))
        return usage_error("audit", audit_usage);
    db *d = open_and_migrate(url);
    if (!d)
        return 1;
    int64_t count, bad;
    int rc = audit_verify(d, &count, &bad);
    if (rc != DB_OK)
        fprintf(stderr, "fincrm audit: cannot read the audit log: %s\n", db_errmsg(d));
    else if (bad)
        printf("audit log: chain BROKEN at entry %lld (%lld entries checked)\n", (long long)bad, (long long)count);
    else
        printf("audit log: %lld entries, chain intact\n", (long long)count);
    db_close(d);
    return rc == DB_OK && !bad ? 0 : 1;
}

/* ---- routes, version ------------------------------------------------------------ */

static const char *route_data_name(enum route_data d)
{
    static const char *const names[] = {"none", "customers", "users", "audit"};
    return names[d];
}

static int cmd_routes(int argc, char **argv)
{
    if (argc == 2 && str_eq(argv[1], "--help")) {
        printf("usage: fincrm routes [--json]\n\nPrints every HTTP route, one 'METHOD /path' a line;\n"
               "--json adds who may call it: session, permission and scoped data (ORG-3, ORG-4).\n");
        return 0;
    }
    bool json = argc == 2 && str_eq(argv[1], "--json");
    if (argc > 1 && !json)
        return usage_error("routes", "");
    jw w;
    jw_init(&w, 4096);
    jw_arr(&w);
    for (int i = 0; i < nroutes; i++) {
        const struct route *rt = &routes[i];
        if (!json) {
            printf("%s %s\n", rt->method, rt->path);
            continue;
        }
        jw_obj(&w);
        jw_kstr(&w, "method", rt->method);
        jw_kstr(&w, "path", rt->path);
        jw_kbool(&w, "session", rt->flags & ROUTE_SESSION);
        jw_kstr(&w, "perm", rt->perm);
        jw_kstr(&w, "data", route_data_name(rt->data));
        jw_end(&w);
    }
    jw_end(&w);
    char *out = jw_take(&w);
    if (json)
        printf("%s\n", out);
    free(out);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    if (argc == 2 && str_eq(argv[1], "--help")) {
        printf("usage: fincrm version\n\nPrints the version of fincrm.\n");
        return 0;
    }
    if (argc > 1)
        return usage_error("version", "");
    printf("fincrm %s\n", FINCRM_VERSION);
    return 0;
}

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"init", cmd_init, "create or upgrade the database, create the first admin"},
    {"demo", cmd_demo, "fill the database with deterministic demo data"},
    {"serve", cmd_serve, "run the HTTP server (API and UI)"},
    {"audit", cmd_audit, "verify the audit log's hash chain (audit verify)"},
    {"routes", cmd_routes, "list the HTTP routes"},
    {"version", cmd_version, "print the version"},
};

static void print_help(FILE *f)
{
    fprintf(f, "fincrm %s — customer relationship management for financial services\n\nusage: fincrm COMMAND "
               "[--help] [flags]\n\ncommands:\n",
            FINCRM_VERSION);
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2 || str_eq(argv[1], "--help") || str_eq(argv[1], "-h") || str_eq(argv[1], "help")) {
        print_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "fincrm: libsodium failed to initialise\n");
        return 1;
    }
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        if (str_eq(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "fincrm: unknown command '%s'\n\n", argv[1]);
    print_help(stderr);
    return 2;
}
