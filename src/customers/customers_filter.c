/*
 * customers_filter.c — the list filter read from the query string (customers.h):
 * quick search classification, fixed filters, field conditions under field security
 * (ORG-6, AUTH-8), tags, key customers, sorting. The SQL is in customers_sql.c.
 */
#include "audit/audit_search.h"
#include "core/log.h"
#include "core/util.h"
#include "customers.h"
#include "customers/pinyin.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SEARCH_CHARS 64
#define MAX_VALUE_CHARS 100

const struct quick_filter customer_quick_filters[] = {
    {"mine", "我管护的", "My customers"},
    {"assist", "我协助的", "Assisting"},
    {"potential", "潜在客户", "Potential customers"},
    {"missing", "信息缺失", "Missing information"},
    {"starred", "重点关注", "Key customers"},
    {"watch", "黑灰名单", "Black/grey list"},
};
const int ncustomer_quick_filters = (int)ARRAY_LEN(customer_quick_filters);

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *text_param(req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

static bool one_of(const char *v, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (strcmp(v, *allowed) == 0)
            return true;
    return false;
}

static bool parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v <= 0)
        return false;
    *out = v;
    return true;
}

/* The caller's rule for a catalogue field; NULL when the field is unknown or hidden
 * (a hidden field must look unknown: filtering on it would leak its values). */
static const struct field_rule *visible_rule(const struct customer_filter *f, const char *field, int *idx)
{
    for (int i = 0; i < ncustomer_fields; i++)
        if (strcmp(customer_fields[i].field, field) == 0) {
            if (f->rules[i].access == FIELD_HIDDEN)
                return NULL;
            if (idx)
                *idx = i;
            return &f->rules[i];
        }
    return NULL;
}

static const char *const op_names[] = {"eq", "ne", "prefix", "contains", "in", "empty", "set", "gte", "lte", NULL};

/* f=field:op:value */
static bool parse_cond(req *r, struct customer_filter *f, const char *spec)
{
    const char *c1 = strchr(spec, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1)
        return req_fail(r, E_CUSTOMER_FILTER_OP, "f"), false;
    const char *field = arena_strndup(r->a, spec, (size_t)(c1 - spec));
    const char *op = c2 ? arena_strndup(r->a, c1 + 1, (size_t)(c2 - c1 - 1)) : c1 + 1;
    const char *value = c2 ? c2 + 1 : "";
    int idx = -1;
    const struct field_rule *rule = visible_rule(f, field, &idx);
    if (!rule)
        return req_fail(r, E_CUSTOMER_FILTER_FIELD, "f"), false;
    int o = -1;
    for (int i = 0; op_names[i]; i++)
        if (strcmp(op_names[i], op) == 0)
            o = i;
    if (o < 0)
        return req_fail(r, E_CUSTOMER_FILTER_OP, "f"), false;
    bool needs_value = o != FOP_EMPTY && o != FOP_SET;
    if (needs_value && (!*value || utf8_chars(value) > MAX_VALUE_CHARS))
        return req_fail(r, E_CUSTOMER_FILTER_VALUE, "f"), false;
    /* AUTH-8: a masked value may only be matched whole, never probed piece by piece */
    if (rule->masking != MASK_NONE && o != FOP_EQ)
        return req_fail(r, E_CUSTOMER_FILTER_MASKED, "f"), false;
    if (f->nconds == CUSTOMER_FILTER_MAX_CONDS)
        return req_fail(r, E_CUSTOMER_FILTER_VALUE, "f"), false;
    f->conds[f->nconds++] = (struct customer_cond){customer_fields[idx].column, (enum filter_op)o,
                                                   needs_value ? value : NULL};
    return true;
}

static bool parse_tags(req *r, struct customer_filter *f, const char *list)
{
    char *copy = arena_strdup(r->a, list), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int64_t id;
        if (!parse_id(t, &id) || f->ntags == CUSTOMER_FILTER_MAX_TAGS)
            return req_fail(r, E_CUSTOMER_FILTER_VALUE, "tags"), false;
        f->tags[f->ntags++] = id;
    }
    return true;
}

/* The columns a list may be sorted by: not hidden, not masked (the order of masked
 * values would tell what the stars hide). */
static bool parse_sort(req *r, struct customer_filter *f, const char *sort)
{
    f->sort_desc = *sort == '-';
    if (*sort == '-' || *sort == '+')
        sort++;
    static const struct {
        const char *key, *column;
    } extra[] = {{"id", "c.id"}, {"created_at", "c.created_at"}, {"updated_at", "c.updated_at"}, {"level", "c.level"}};
    for (size_t i = 0; i < ARRAY_LEN(extra); i++)
        if (strcmp(extra[i].key, sort) == 0) {
            f->sort_column = extra[i].column;
            return true;
        }
    int idx;
    const struct field_rule *rule = visible_rule(f, sort, &idx);
    if (!rule || rule->masking != MASK_NONE)
        return req_fail(r, E_CUSTOMER_SORT_INVALID, "sort"), false;
    f->sort_column = customer_fields[idx].column;
    return true;
}

/* How the quick search may look at a sensitive field (customers.h mobile_search). */
static int search_mode(const struct customer_filter *f, const char *field)
{
    const struct field_rule *rule = visible_rule(f, field, NULL);
    return !rule ? 0 : rule->masking == MASK_NONE ? 1 : 2;
}

bool customer_filter_from_query(req *r, struct customer_filter *f)
{
    memset(f, 0, sizeof *f);
    f->missing_info = -1;
    f->pg = db_kind(r->db) == DB_POSTGRES;
    const struct access *acc = req_access(r);
    f->user_id = acc ? acc->user_id : 0;
    if (ncustomer_fields > CUSTOMER_MAX_FIELDS || !acc || field_rules_load(r->db, r->a, acc->role_id, f->rules) != DB_OK) {
        log_error("customers: field rules: %s", db_errmsg(r->db));
        return req_fail(r, E_INTERNAL, NULL), false;
    }

    const char *v;
    if ((v = text_param(r, "q"))) {
        if (utf8_chars(v) > MAX_SEARCH_CHARS)
            return req_fail(r, E_CUSTOMER_SEARCH_TOO_LONG, "q"), false;
        f->q = v;
        f->qkind = quick_classify(r->a, v, &f->qkey);
        f->mobile_search = search_mode(f, "mobile");
        f->id_number_search = search_mode(f, "id_number");
    }
    if ((v = text_param(r, "match"))) {
        if (!one_of(v, (const char *const[]){"prefix", "exact", NULL}))
            return req_fail(r, E_CUSTOMER_FILTER_VALUE, "match"), false;
        f->exact = strcmp(v, "exact") == 0;
    }
    /* the fixed fields: the catalogue's field security applies to them too */
    static const struct {
        const char *name;
        const char *const allowed[5];
    } enums[] = {
        {"status", {"potential", "existing", NULL}},
        {"kind", {"individual", "corporate", NULL}},
        {"watch_list", {"black", "grey", "any", "none", NULL}},
    };
    for (size_t i = 0; i < ARRAY_LEN(enums); i++) {
        if (!(v = text_param(r, enums[i].name)))
            continue;
        if (!one_of(v, enums[i].allowed))
            return req_fail(r, E_CUSTOMER_FILTER_VALUE, enums[i].name), false;
        if (i < 2 && !visible_rule(f, enums[i].name, NULL))
            return req_fail(r, E_CUSTOMER_FILTER_FIELD, enums[i].name), false;
        *(i == 0 ? &f->status : i == 1 ? &f->kind : &f->watch_list) = v;
    }
    if ((v = text_param(r, "level"))) {
        if (utf8_chars(v) > 16)
            return req_fail(r, E_CUSTOMER_FILTER_VALUE, "level"), false;
        f->level = v;
    }
    if ((v = text_param(r, "source"))) {
        if (!visible_rule(f, "source", NULL))
            return req_fail(r, E_CUSTOMER_FILTER_FIELD, "source"), false;
        if (utf8_chars(v) > 32)
            return req_fail(r, E_CUSTOMER_FILTER_VALUE, "source"), false;
        f->source = v;
    }
    if ((v = text_param(r, "unit")) && !parse_id(v, &f->unit_id))
        return req_fail(r, E_CUSTOMER_FILTER_VALUE, "unit"), false;
    if ((v = text_param(r, "custodian"))) {
        if (strcmp(v, "me") == 0)
            f->custodian_id = f->user_id;
        else if (!parse_id(v, &f->custodian_id))
            return req_fail(r, E_CUSTOMER_FILTER_VALUE, "custodian"), false;
    }
    if ((v = text_param(r, "missing_info"))) {
        if (!one_of(v, (const char *const[]){"0", "1", NULL}))
            return req_fail(r, E_CUSTOMER_FILTER_VALUE, "missing_info"), false;
        f->missing_info = *v - '0';
    }
    int64_t start, end;
    if ((v = text_param(r, "created_from"))) {
        if (!audit_day_bounds(v, &start, &end))
            return req_fail(r, E_DATE_INVALID, "created_from"), false;
        f->created_from = start;
    }
    if ((v = text_param(r, "created_to"))) {
        if (!audit_day_bounds(v, &start, &end))
            return req_fail(r, E_DATE_INVALID, "created_to"), false;
        f->created_to = end; /* the whole day */
        if (f->created_from && f->created_from >= f->created_to)
            return req_fail(r, E_DATE_RANGE_INVALID, "created_to"), false;
    }
    if ((v = text_param(r, "tags")) && !parse_tags(r, f, v))
        return false;
    f->tags_all = true;
    if ((v = text_param(r, "tag_mode"))) {
        if (!one_of(v, (const char *const[]){"all", "any", NULL}))
            return req_fail(r, E_CUSTOMER_FILTER_VALUE, "tag_mode"), false;
        f->tags_all = strcmp(v, "all") == 0;
    }
    if ((v = text_param(r, "starred"))) {
        if (!one_of(v, (const char *const[]){"0", "1", NULL}))
            return req_fail(r, E_CUSTOMER_FILTER_VALUE, "starred"), false;
        f->starred = *v == '1';
    }
    if ((v = text_param(r, "quick"))) {
        bool known = false;
        for (int i = 0; i < ncustomer_quick_filters; i++)
            known |= strcmp(customer_quick_filters[i].code, v) == 0;
        if (!known)
            return req_fail(r, E_CUSTOMER_QUICK_FILTER_INVALID, "quick"), false;
        f->quick = v;
    }
    const char *specs[CUSTOMER_FILTER_MAX_CONDS];
    int n = req_query_all(r, "f", specs, CUSTOMER_FILTER_MAX_CONDS);
    if (n > CUSTOMER_FILTER_MAX_CONDS)
        return req_fail(r, E_CUSTOMER_FILTER_VALUE, "f"), false;
    for (int i = 0; i < n; i++)
        if (!parse_cond(r, f, specs[i]))
            return false;
    if ((v = text_param(r, "sort")) && !parse_sort(r, f, v))
        return false;
    return true;
}
