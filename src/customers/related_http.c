/*
 * related_http.c — related parties over HTTP (CUS-14): the links of a customer
 * (read from both ends), adding, changing and removing them, and the related query
 * (the network around a customer, as nodes and edges for the graph view).
 *
 * Scope (ORG-4): the customer itself must be in the caller's scope; related
 * customers outside it are stubs (masked name, watch-list flag, no id) and the
 * related query does not grow the network through them. Masking (AUTH-8): ID
 * numbers and phones follow the role's rules for id_number and mobile, unmasked for
 * the custodians of the customer they belong to (a person's: the customer holding
 * the link).
 */
#include "related.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "watchlist.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- the customers at either end ------------------------------------------------------ */

struct cust {
    int64_t id;
    bool in_scope, custodian;
    const char *name, *customer_no, *kind, *id_type, *id_number, *mobile, *watch_list;
};

static const char *col_dup(req *r, db_stmt *st, int col)
{
    return db_col_null(st, col) ? NULL : arena_strdup(r->a, db_col_text(st, col));
}

/* DB_ROW: the customer exists (in scope or a stub); DB_DONE: it does not. */
static int load_customer(req *r, const struct access *acc, int64_t id, struct cust *out)
{
    memset(out, 0, sizeof *out);
    out->id = id;
    sqlb q = {.a = r->a};
    customers_sql_query(&q, acc, NULL, id, false);
    db_stmt *st = sqlb_prepare(&q, r->db);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->in_scope = true;
        out->custodian = db_col_int64(st, CC_CUSTODIAN) != 0;
        out->name = col_dup(r, st, CC_NAME);
        out->customer_no = col_dup(r, st, CC_NO);
        out->kind = col_dup(r, st, CC_KIND);
        out->id_type = col_dup(r, st, CC_ID_TYPE);
        out->id_number = col_dup(r, st, CC_ID_NUMBER);
        out->mobile = col_dup(r, st, CC_MOBILE);
        out->watch_list = col_dup(r, st, CC_WATCH_LIST);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return rc;
    return rel_sql_customer_stub(r->db, r->a, id, &out->name, &out->watch_list);
}

/* A stub's name: the first character and two stars (张**). */
static const char *stub_name(arena *a, const char *name)
{
    if (!name || !*name)
        return "**";
    size_t len = 1;
    while (((unsigned char)name[len] & 0xC0) == 0x80)
        len++;
    return arena_printf(a, "%.*s**", (int)len, name);
}

/* ---- masking ------------------------------------------------------------------------- */

struct view {
    const struct access *acc;
    struct field_rule id_rule, phone_rule;
};

static bool load_view(req *r, struct view *v)
{
    v->acc = req_scope(r);
    if (!v->acc)
        return false;
    v->id_rule = field_rule_of(r->db, v->acc->role_id, "id_number");
    v->phone_rule = field_rule_of(r->db, v->acc->role_id, "mobile");
    return true;
}

struct masked_list {
    const char *f[4];
    int n;
};

/* Writes key: value as the rule allows (left out when hidden, masked unless custodian). */
static void write_field(req *r, const char *key, const char *field, const struct field_rule *rule, bool custodian,
                        const char *v, struct masked_list *ml)
{
    if (rule->access == FIELD_HIDDEN)
        return;
    if (v && *v && !custodian && rule->masking != MASK_NONE) {
        v = mask_value(r->a, field, v);
        ml->f[ml->n++] = key;
    }
    jw_kstr(&r->out, key, v);
}

static void write_masked(jw *w, const struct masked_list *ml)
{
    jw_karr(w, "masked");
    for (int i = 0; i < ml->n; i++)
        jw_str(w, ml->f[i]);
    jw_end(w);
}

/* The members of a customer party (inside an open object). */
static void customer_members(req *r, const struct view *v, const struct cust *c)
{
    jw *w = &r->out;
    struct masked_list ml = {0};
    jw_kstr(w, "type", "customer");
    if (!c->in_scope) {
        jw_knull(w, "id");
        jw_kbool(w, "in_scope", false);
        jw_kstr(w, "name", stub_name(r->a, c->name));
        jw_kstr(w, "watch_list", c->watch_list);
        write_masked(w, &ml);
        return;
    }
    jw_kint(w, "id", c->id);
    jw_kbool(w, "in_scope", true);
    jw_kstr(w, "name", c->name);
    jw_kstr(w, "customer_no", c->customer_no);
    jw_kstr(w, "customer_kind", c->kind);
    jw_kstr(w, "id_type", c->id_type);
    write_field(r, "id_number", "id_number", &v->id_rule, c->custodian, c->id_number, &ml);
    write_field(r, "phone", "mobile", &v->phone_rule, c->custodian, c->mobile, &ml);
    jw_kstr(w, "watch_list", c->watch_list);
    write_masked(w, &ml);
}

/* The members of a person who is not a customer; custodian: of the customer holding the link. */
static bool person_members(req *r, const struct view *v, const struct relation *rel, bool custodian)
{
    jw *w = &r->out;
    struct masked_list ml = {0};
    const char *watch = NULL;
    if (watchlist_kind_of(r->db, rel->id_type, rel->id_number, &watch) != DB_OK)
        return false;
    jw_kstr(w, "type", "person");
    jw_knull(w, "id");
    jw_kbool(w, "in_scope", true);
    jw_kstr(w, "name", rel->name);
    jw_kstr(w, "id_type", rel->id_type);
    write_field(r, "id_number", "id_number", &v->id_rule, custodian, rel->id_number, &ml);
    write_field(r, "phone", "mobile", &v->phone_rule, custodian, rel->phone, &ml);
    jw_kstr(w, "watch_list", watch);
    write_masked(w, &ml);
    return true;
}

static void write_percent(jw *w, int64_t bp)
{
    if (bp < 0) {
        jw_knull(w, "percent");
        return;
    }
    char buf[32];
    int n = bp % 100 == 0 ? snprintf(buf, sizeof buf, "%lld", (long long)(bp / 100))
                          : snprintf(buf, sizeof buf, "%lld.%02lld", (long long)(bp / 100), (long long)(bp % 100));
    if (bp % 100 != 0 && buf[n - 1] == '0')
        n--;
    jw_key(w, "percent");
    jw_raw(w, buf, (size_t)n);
}

/* ---- the links of one customer -------------------------------------------------------- */

/* One link as seen from customer `from` (either end); root: that customer. */
static int write_link(req *r, const struct view *v, const struct cust *root, const struct relation *rel)
{
    jw *w = &r->out;
    bool holder = rel->customer_id == root->id;
    struct cust other;
    if (!holder || rel->related_id) {
        int rc = load_customer(r, v->acc, holder ? rel->related_id : rel->customer_id, &other);
        if (rc != DB_ROW)
            return DB_ERROR;
    }
    const char *kind = holder ? rel->kind : relation_inverse(rel->kind);
    jw_obj(w);
    jw_kint(w, "id", rel->id);
    jw_kstr(w, "kind", kind);
    jw_kstr(w, "category", relation_category(kind));
    jw_kbool(w, "inverse", !holder);
    write_percent(w, rel->share_bp);
    jw_kstr(w, "note", rel->note);
    jw_kobj(w, "party");
    if (!holder || rel->related_id)
        customer_members(r, v, &other);
    else if (!person_members(r, v, rel, root->custodian))
        return DB_ERROR;
    jw_end(w);
    if (rel->created_by) {
        jw_kobj(w, "created_by");
        jw_kint(w, "id", rel->created_by);
        jw_kstr(w, "display_name", rel->created_by_name);
        jw_end(w);
    } else {
        jw_knull(w, "created_by");
    }
    jw_kint(w, "created_at", rel->created_at);
    jw_kint(w, "updated_at", rel->updated_at);
    jw_end(w);
    return DB_OK;
}

/* Reads every row of st (RELATION_COLS) into an arena array; false on a database error. */
static bool read_links(req *r, db_stmt *st, struct relation **out, int *n)
{
    *n = 0;
    if (!st)
        return false;
    int cap = 16, rc;
    struct relation *items = arena_alloc(r->a, (size_t)cap * sizeof *items);
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            struct relation *more = arena_alloc(r->a, (size_t)cap * 2 * sizeof *items);
            memcpy(more, items, (size_t)cap * sizeof *items);
            items = more;
            cap *= 2;
        }
        rel_sql_row(st, r->a, &items[(*n)++]);
    }
    db_reset(st);
    *out = items;
    return rc == DB_DONE;
}

/* The customer of the path in scope; false after req_fail(). */
static bool root_of(req *r, const struct view *v, struct cust *root)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return false;
    int rc = load_customer(r, v->acc, id, root);
    if (rc == DB_ROW && root->in_scope)
        return true;
    req_fail(r, rc == DB_ERROR ? E_INTERNAL : E_NOT_FOUND, NULL); /* outside the scope looks absent */
    return false;
}

static bool may_edit(const struct view *v, const struct cust *root)
{
    return root->custodian || v->acc->scope == SCOPE_ALL;
}

int handle_relations_list(req *r)
{
    struct view v;
    struct cust root;
    if (!load_view(r, &v))
        return req_fail(r, E_INTERNAL, NULL);
    if (!root_of(r, &v, &root))
        return req_status(r);
    struct relation *links;
    int n;
    if (!read_links(r, rel_sql_touching(r->db, root.id), &links, &n))
        return req_fail(r, E_INTERNAL, NULL);
    jw_obj(&r->out);
    jw_kbool(&r->out, "editable", may_edit(&v, &root));
    jw_karr(&r->out, "items");
    for (int i = 0; i < n; i++)
        if (write_link(r, &v, &root, &links[i]) != DB_OK)
            return req_fail(r, E_INTERNAL, NULL);
    jw_end(&r->out);
    jw_end(&r->out);
    return 200;
}

/* ---- adding, changing, removing ------------------------------------------------------- */

/* percent: a number 0–100 (two decimals kept) or null; *bp -1 when null. */
static bool percent_field(req *r, json_t *o, int64_t *bp, bool *present)
{
    json_t *p = json_object_get(o, "percent");
    *present = p != NULL;
    if (!p || json_is_null(p)) {
        *bp = -1;
        return true;
    }
    if (!json_is_number(p)) {
        req_fail(r, E_FIELD_TYPE, "percent");
        return false;
    }
    double d = json_number_value(p) * 100.0;
    if (!(d >= 0 && d <= 10000)) {
        req_fail(r, E_RELATION_PERCENT_INVALID, "percent");
        return false;
    }
    *bp = (int64_t)llround(d);
    return true;
}

/* An optional text member: NULL when absent, null or blank; false after req_fail(). */
static bool opt_text(req *r, json_t *o, const char *name, int max, const char **out)
{
    json_t *j = json_object_get(o, name);
    *out = NULL;
    if (!j || json_is_null(j))
        return true;
    if (json_is_string(j) && json_string_value(j)[strspn(json_string_value(j), " ")] == '\0')
        return true;
    return (*out = req_text_field(r, o, name, true, max)) != NULL;
}

/* The person member {name, id_type, id_number, phone} into in; false after req_fail(). */
static bool person_field(req *r, json_t *p, struct relation_in *in)
{
    if (!json_is_object(p))
        return req_fail(r, E_FIELD_TYPE, "person"), false;
    in->related_id = 0;
    return (in->name = req_text_field(r, p, "name", true, PARTY_NAME_MAX)) != NULL &&
           opt_text(r, p, "id_type", 32, &in->id_type) && opt_text(r, p, "id_number", 32, &in->id_number) &&
           opt_text(r, p, "phone", 20, &in->phone);
}

/* The related customer named by customer_id must be in the caller's scope. */
static bool related_customer(req *r, const struct view *v, json_t *o, struct relation_in *in)
{
    int64_t cid;
    if (!req_int_field(r, o, "customer_id", true, &cid, NULL))
        return false;
    struct cust c;
    int rc = cid > 0 ? load_customer(r, v->acc, cid, &c) : DB_DONE;
    if (rc == DB_ERROR)
        return req_fail(r, E_INTERNAL, NULL), false;
    if (rc != DB_ROW || !c.in_scope)
        return req_fail(r, E_RELATION_CUSTOMER_NOT_FOUND, "customer_id"), false;
    in->related_id = cid;
    in->name = in->id_type = in->id_number = in->phone = NULL;
    return true;
}

/* Answers one link as the customer of the path sees it. */
static int answer_link(req *r, const struct view *v, const struct cust *root, int64_t rid, int status)
{
    struct relation rel;
    if (rel_sql_get(r->db, r->a, rid, &rel) != DB_ROW || write_link(r, v, root, &rel) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return status;
}

int handle_relation_create(req *r)
{
    struct view v;
    struct cust root;
    if (!load_view(r, &v))
        return req_fail(r, E_INTERNAL, NULL);
    if (!root_of(r, &v, &root))
        return req_status(r);
    if (!may_edit(&v, &root))
        return req_fail(r, E_RELATION_NOT_EDITOR, NULL);
    json_t *o = req_json_object(r);
    if (!o)
        return req_status(r);
    struct relation_in in = {0};
    bool has_percent;
    json_t *person = json_object_get(o, "person");
    json_t *cust = json_object_get(o, "customer_id");
    bool has_person = person && !json_is_null(person), has_cust = cust && !json_is_null(cust);
    if (!(in.kind = req_str_field(r, o, "kind", true)) || !percent_field(r, o, &in.share_bp, &has_percent) ||
        !opt_text(r, o, "note", RELATION_NOTE_MAX, &in.note))
        return req_status(r);
    if (has_person == has_cust)
        return req_fail(r, E_RELATION_PARTY_REQUIRED, has_cust ? "person" : "customer_id");
    if (has_cust ? !related_customer(r, &v, o, &in) : !person_field(r, person, &in))
        return req_status(r);
    const char *field;
    err e = relation_check(r, root.id, &in, 0, &field);
    if (e != E_OK)
        return req_fail(r, e, field);
    int64_t rid;
    if ((e = relation_create(r, root.id, &in, &rid)) != E_OK)
        return req_fail(r, e, NULL);
    return answer_link(r, &v, &root, rid, 201);
}

/* The customer of the path (editable by the caller) and one of its links; false after req_fail(). */
static bool link_of(req *r, struct view *v, struct cust *root, struct relation *rel)
{
    int64_t rid;
    if (!load_view(r, v))
        return req_fail(r, E_INTERNAL, NULL), false;
    if (!root_of(r, v, root) || !req_param_id(r, 1, &rid))
        return false;
    int rc = rel_sql_get(r->db, r->a, rid, rel);
    if (rc == DB_ERROR)
        return req_fail(r, E_INTERNAL, NULL), false;
    if (rc != DB_ROW || (rel->customer_id != root->id && rel->related_id != root->id))
        return req_fail(r, E_RELATION_NOT_FOUND, NULL), false;
    if (!may_edit(v, root))
        return req_fail(r, E_RELATION_NOT_EDITOR, NULL), false;
    return true;
}

int handle_relation_update(req *r)
{
    struct view v;
    struct cust root;
    struct relation rel;
    if (!link_of(r, &v, &root, &rel))
        return req_status(r);
    json_t *o = req_json_object(r);
    if (!o)
        return req_status(r);
    bool holder = rel.customer_id == root.id;
    struct relation_in in = {
        .kind = rel.kind,
        .related_id = rel.related_id,
        .name = rel.name,
        .id_type = rel.id_type,
        .id_number = rel.id_number,
        .phone = rel.phone,
        .note = rel.note,
        .share_bp = rel.share_bp,
    };
    /* kind as the customer of the path sees it; stored from the holder's side */
    json_t *k = json_object_get(o, "kind");
    if (k && !json_is_null(k)) {
        const char *kind = req_str_field(r, o, "kind", true);
        if (!kind)
            return req_status(r);
        if (!relation_kind_ok(kind))
            return req_fail(r, E_RELATION_KIND_INVALID, "kind");
        in.kind = holder ? kind : relation_inverse(kind);
    }
    int64_t bp;
    bool has_percent;
    if (!percent_field(r, o, &bp, &has_percent))
        return req_status(r);
    if (has_percent)
        in.share_bp = bp;
    else if (!relation_kind_has_percent(in.kind))
        in.share_bp = -1; /* a kind without a percentage drops the old one */
    if (json_object_get(o, "note") && !opt_text(r, o, "note", RELATION_NOTE_MAX, &in.note))
        return req_status(r);
    json_t *person = json_object_get(o, "person");
    if (person && !json_is_null(person)) {
        if (rel.related_id)
            return req_fail(r, E_FIELD_INVALID, "person"); /* a customer's data is changed on the customer */
        if (!person_field(r, person, &in))
            return req_status(r);
    }
    const char *field;
    err e = relation_check(r, rel.customer_id, &in, rel.id, &field);
    if (e != E_OK)
        return req_fail(r, e, field);
    if ((e = relation_update(r, root.id, &rel, &in)) != E_OK)
        return req_fail(r, e, NULL);
    return answer_link(r, &v, &root, rel.id, 200);
}

int handle_relation_delete(req *r)
{
    struct view v;
    struct cust root;
    struct relation rel;
    if (!link_of(r, &v, &root, &rel))
        return req_status(r);
    err e = relation_delete(r, root.id, &rel);
    return e == E_OK ? 204 : req_fail(r, e, NULL);
}

/* ---- the related query ---------------------------------------------------------------- */

struct node {
    char key[24];
    int depth;
    bool person;
    struct cust c;       /* a customer (in scope or a stub) */
    struct relation rel; /* a person: the link that named them first */
    bool custodian;      /* a person: the caller is custodian of that link's holder */
};

struct edge {
    int64_t id;
    int source, target; /* node indexes */
    const char *kind;
    int64_t share_bp;
};

struct net {
    req *r;
    const struct view *v;
    struct node *nodes;
    int nnodes, nstubs;
    struct edge *edges;
    int nedges, cap_edges;
    bool truncated;
};

static int find_customer(const struct net *g, int64_t id)
{
    for (int i = 0; i < g->nnodes; i++)
        if (!g->nodes[i].person && g->nodes[i].c.id == id)
            return i;
    return -1;
}

static int find_person(const struct net *g, const struct relation *rel)
{
    for (int i = 0; i < g->nnodes; i++) {
        const struct node *n = &g->nodes[i];
        if (!n->person)
            continue;
        if (rel->id_number
                ? n->rel.id_number && str_eq(n->rel.id_number, rel->id_number) && str_eq(n->rel.id_type, rel->id_type)
                : n->rel.id == rel->id)
            return i;
    }
    return -1;
}

/* The node of a customer, added at depth when new; -1 when the network is full, -2 on error. */
static int customer_node(struct net *g, int64_t id, int depth)
{
    int i = find_customer(g, id);
    if (i >= 0)
        return i;
    if (g->nnodes == RELATED_MAX_NODES) {
        g->truncated = true;
        return -1;
    }
    struct node *n = &g->nodes[g->nnodes];
    memset(n, 0, sizeof *n);
    if (load_customer(g->r, g->v->acc, id, &n->c) != DB_ROW)
        return -2;
    n->depth = depth;
    if (n->c.in_scope)
        snprintf(n->key, sizeof n->key, "c%lld", (long long)id);
    else
        snprintf(n->key, sizeof n->key, "s%d", ++g->nstubs);
    return g->nnodes++;
}

static int person_node(struct net *g, const struct relation *rel, bool custodian, int depth)
{
    int i = find_person(g, rel);
    if (i >= 0)
        return i;
    if (g->nnodes == RELATED_MAX_NODES) {
        g->truncated = true;
        return -1;
    }
    struct node *n = &g->nodes[g->nnodes];
    memset(n, 0, sizeof *n);
    n->person = true;
    n->rel = *rel;
    n->custodian = custodian;
    n->depth = depth;
    snprintf(n->key, sizeof n->key, "p%lld", (long long)rel->id);
    return g->nnodes++;
}

static bool edge_seen(const struct net *g, int64_t id)
{
    for (int i = 0; i < g->nedges; i++)
        if (g->edges[i].id == id)
            return true;
    return false;
}

/* Adds the links of node i (a customer in scope, or a person by ID). */
static bool expand(struct net *g, int i)
{
    const struct node *n = &g->nodes[i];
    db_stmt *st;
    if (!n->person && n->c.in_scope)
        st = rel_sql_touching(g->r->db, n->c.id);
    else if (n->person && n->rel.id_number)
        st = rel_sql_person(g->r->db, n->rel.id_type, n->rel.id_number);
    else
        return true;
    int depth = n->depth + 1;
    struct relation *links;
    int nlinks;
    if (!read_links(g->r, st, &links, &nlinks))
        return false;
    for (int k = 0; k < nlinks; k++) {
        const struct relation *rel = &links[k];
        if (edge_seen(g, rel->id))
            continue;
        int s = customer_node(g, rel->customer_id, depth);
        if (s == -2)
            return false;
        if (s < 0)
            continue;
        int t = rel->related_id ? customer_node(g, rel->related_id, depth)
                                : person_node(g, rel, g->nodes[s].c.in_scope && g->nodes[s].c.custodian, depth);
        if (t == -2)
            return false;
        if (t < 0)
            continue;
        if (g->nedges == g->cap_edges) {
            struct edge *more = arena_alloc(g->r->a, (size_t)g->cap_edges * 2 * sizeof *more);
            memcpy(more, g->edges, (size_t)g->cap_edges * sizeof *more);
            g->edges = more;
            g->cap_edges *= 2;
        }
        g->edges[g->nedges++] = (struct edge){rel->id, s, t, rel->kind, rel->share_bp};
    }
    return true;
}

int handle_customer_related(req *r)
{
    struct view v;
    struct cust root;
    if (!load_view(r, &v))
        return req_fail(r, E_INTERNAL, NULL);
    const char *ds = req_query(r, "depth");
    int depth = 2;
    if (ds && *ds) {
        if (strlen(ds) != 1 || ds[0] < '1' || ds[0] > '0' + RELATED_MAX_DEPTH)
            return req_fail(r, E_RELATION_DEPTH_INVALID, "depth");
        depth = ds[0] - '0';
    }
    if (!root_of(r, &v, &root))
        return req_status(r);
    struct net g = {.r = r, .v = &v, .cap_edges = 32};
    g.nodes = arena_alloc(r->a, RELATED_MAX_NODES * sizeof *g.nodes);
    g.edges = arena_alloc(r->a, (size_t)g.cap_edges * sizeof *g.edges);
    g.nodes[0] = (struct node){.c = root};
    snprintf(g.nodes[0].key, sizeof g.nodes[0].key, "c%lld", (long long)root.id);
    g.nnodes = 1;
    /* breadth first: nodes are appended in order of depth */
    for (int i = 0; i < g.nnodes; i++)
        if (g.nodes[i].depth < depth && !expand(&g, i)) {
            log_error("related query of customer %lld: %s", (long long)root.id, db_errmsg(r->db));
            return req_fail(r, E_INTERNAL, NULL);
        }

    jw *w = &r->out;
    jw_obj(w);
    jw_kstr(w, "root", g.nodes[0].key);
    jw_kint(w, "depth", depth);
    jw_kbool(w, "truncated", g.truncated);
    jw_karr(w, "nodes");
    for (int i = 0; i < g.nnodes; i++) {
        const struct node *n = &g.nodes[i];
        jw_obj(w);
        jw_kstr(w, "key", n->key);
        jw_kint(w, "depth", n->depth);
        if (n->person) {
            if (!person_members(r, &v, &n->rel, n->custodian))
                return req_fail(r, E_INTERNAL, NULL);
        } else {
            customer_members(r, &v, &n->c);
        }
        jw_end(w);
    }
    jw_end(w);
    jw_karr(w, "edges");
    for (int i = 0; i < g.nedges; i++) {
        const struct edge *e = &g.edges[i];
        jw_obj(w);
        jw_kint(w, "id", e->id);
        jw_kstr(w, "source", g.nodes[e->source].key);
        jw_kstr(w, "target", g.nodes[e->target].key);
        jw_kstr(w, "kind", e->kind);
        jw_kstr(w, "category", relation_category(e->kind));
        write_percent(w, e->share_bp);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
    /* AUTH-7: a look at a customer's network is recorded like a look at the record */
    const char *detail = arena_printf(r->a, "{\"depth\":%d,\"nodes\":%d,\"edges\":%d}", depth, g.nnodes, g.nedges);
    if (req_audit(r, "customer.related_viewed", "customer", root.id, detail) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return 200;
}
