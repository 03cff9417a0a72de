/*
 * access.c — permissions, data scope and field security (see access.h).
 */
#include "access.h"
#include "core/log.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

/* The catalogue. Modules add their permissions here; migrations grant them. */
const struct perm_info perm_catalog[] = {
    {"customers.view", "customers", true, "客户查询", "View customers"},
    {"customers.create", "customers", false, "新建客户", "Create customers"},
    {"customers.edit", "customers", false, "修改客户", "Edit customers"},
    {"customers.delete", "customers", false, "删除客户", "Delete customers"},
    {"customers.assign", "customers", false, "分配客户", "Assign customers"},
    {"customers.import", "customers", false, "导入客户", "Import customers"},
    {"customers.export", "customers", false, "导出客户", "Export customers"},
    {"customers.reveal", "customers", false, "查看脱敏信息", "Reveal masked fields"},
    {"customers.settings", "customers", true, "客户配置", "Configure customer attributes, tags, levels and tag rules"},
    {"customers.watchlist", "customers", true, "黑灰名单维护", "Maintain the black and grey lists"},
    {"approvals.approve", "approvals", false, "审批", "Approve requests"},
    {"org.manage", "system", true, "机构管理", "Manage the org tree"},
    {"users.view", "system", true, "用户查询", "View users"},
    {"users.manage", "system", false, "用户管理", "Manage users"},
    {"roles.manage", "system", true, "角色权限", "Manage roles and permissions"},
    {"audit.view", "system", true, "审计日志", "Search the audit log"},
    {"suggestions.manage", "system", true, "意见建议处理", "Read and answer suggestions"},
    {"staff.handover", "system", true, "离职交接", "Hand over a leaving user's work"},
};
const int nperm_catalog = (int)ARRAY_LEN(perm_catalog);

const struct perm_info *perm_find(const char *code)
{
    for (int i = 0; code && i < nperm_catalog; i++)
        if (strcmp(perm_catalog[i].code, code) == 0)
            return &perm_catalog[i];
    return NULL;
}

static const char *const scope_names[] = {"self", "self_and_reports", "unit", "subtree", "all"};

const char *data_scope_name(enum data_scope s)
{
    return scope_names[s];
}

bool data_scope_parse(const char *name, enum data_scope *out)
{
    for (int i = 0; name && i < (int)ARRAY_LEN(scope_names); i++)
        if (strcmp(scope_names[i], name) == 0) {
            *out = (enum data_scope)i;
            return true;
        }
    return false;
}

bool access_has(const struct access *a, const char *perm)
{
    if (!a || !perm)
        return false;
    for (int i = 0; i < a->nperms; i++)
        if (strcmp(a->perms[i], perm) == 0)
            return true;
    return false;
}

bool access_from_row(db_stmt *st, int col, arena *a, struct access *out)
{
    memset(out, 0, sizeof *out);
    out->user_id = db_col_int64(st, col);
    out->unit_id = db_col_int64(st, col + 1);
    out->unit_path = arena_strdup(a, db_col_text(st, col + 2));
    out->role_id = db_col_int64(st, col + 3);
    if (!data_scope_parse(db_col_text(st, col + 4), &out->scope))
        return false;
    /* "a.b,c.d": split in place in the arena copy */
    char *list = arena_strdup(a, db_col_text(st, col + 5));
    int n = *list ? 1 : 0;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    out->perms = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *out->perms);
    for (char *p = list, *end; n && p; p = end ? end + 1 : NULL) {
        end = strchr(p, ',');
        if (end)
            *end = '\0';
        out->perms[out->nperms++] = p;
    }
    return true;
}

int access_load(db *d, arena *a, int64_t user_id, struct access *out)
{
    db_stmt *st = db_query(d, "SELECT " ACCESS_COLS " FROM users u" ACCESS_JOINS " WHERE u.id = ?", "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    bool ok = rc == DB_ROW && access_from_row(st, 0, a, out);
    db_reset(st);
    return ok ? DB_OK : DB_ERROR;
}

/* The scope condition itself, without the leading " AND "; false for SCOPE_ALL. */
static bool scope_cond(sqlb *q, const struct access *a, const char *unit_col, const char *owner_col)
{
    enum data_scope s = a->scope;
    if ((s == SCOPE_SELF || s == SCOPE_SELF_AND_REPORTS) && !owner_col)
        s = SCOPE_UNIT;
    switch (s) {
    case SCOPE_ALL: return false;
    case SCOPE_SUBTREE:
        sqlb_add(q, unit_col, NULL);
        sqlb_add(q, " IN (SELECT id FROM org_units WHERE path LIKE ?)", "s", arena_printf(q->a, "%s%%", a->unit_path));
        return true;
    case SCOPE_UNIT:
        sqlb_add(q, unit_col, NULL);
        sqlb_add(q, " = ?", "i", a->unit_id);
        return true;
    case SCOPE_SELF:
        sqlb_add(q, owner_col, NULL);
        sqlb_add(q, " = ?", "i", a->user_id);
        return true;
    case SCOPE_SELF_AND_REPORTS:
        /* UNION (not UNION ALL) ends the recursion even if reports_to had a cycle */
        sqlb_add(q, owner_col, NULL);
        sqlb_add(q,
                 " IN (WITH RECURSIVE team(id) AS (SELECT CAST(? AS BIGINT) UNION"
                 " SELECT u.id FROM users u JOIN team t ON u.reports_to = t.id) SELECT id FROM team)",
                 "i", a->user_id);
        return true;
    }
    return false;
}

void scope_where(sqlb *q, const struct access *a, const char *unit_col, const char *owner_col)
{
    if (a->scope == SCOPE_ALL)
        return;
    sqlb_add(q, " AND ", NULL);
    scope_cond(q, a, unit_col, owner_col);
}

void scope_where_also(sqlb *q, const struct access *a, const char *unit_col, const char *owner_col, const char *also)
{
    if (a->scope == SCOPE_ALL)
        return;
    sqlb_add(q, " AND (", NULL);
    scope_cond(q, a, unit_col, owner_col);
    sqlb_add(q, " OR ", NULL);
    sqlb_add(q, also, "i", a->user_id);
    sqlb_add(q, ")", NULL);
}

bool scope_has_unit(const struct access *a, const char *unit_path)
{
    switch (a->scope) {
    case SCOPE_ALL: return true;
    case SCOPE_SUBTREE: return unit_path && str_starts(unit_path, a->unit_path);
    default: return unit_path && strcmp(unit_path, a->unit_path) == 0;
    }
}

/* ---- field security -------------------------------------------------------- */

/* The customer fields under field security, in the order lists and forms show them.
 * column: the SQL expression over customers c that holds the value; protect: read-only
 * to assistant custodians (CUS-5); sensitive: masked for non-custodians (AUTH-8). */
const struct field_info customer_fields[] = {
    {"customer_no", "c.customer_no", false, true, "客户号", "Customer number"},
    {"name", "c.name", false, true, "姓名/名称", "Name"},
    {"kind", "c.kind", false, true, "客户类型", "Kind"},
    {"status", "c.status", false, true, "客户状态", "Status"},
    {"gender", "c.gender", false, false, "性别", "Gender"},
    {"birth_date", "c.birth_date", false, false, "出生日期", "Birth date"},
    {"id_type", "c.id_type", false, true, "证件类型", "ID type"},
    {"id_number", "c.id_number", true, true, "证件号码", "ID number"},
    {"mobile", "c.mobile", true, false, "手机号码", "Mobile phone"},
    {"address", "c.address", false, false, "地址", "Address"},
    {"occupation", "c.occupation", false, false, "职业", "Occupation"},
    {"employer", "c.employer", false, false, "工作单位", "Employer"},
    {"source", "c.source", false, true, "客户来源", "Source"},
};
const int ncustomer_fields = (int)ARRAY_LEN(customer_fields);

const struct field_info *customer_field_find(const char *field)
{
    for (int i = 0; field && i < ncustomer_fields; i++)
        if (strcmp(customer_fields[i].field, field) == 0)
            return &customer_fields[i];
    return NULL;
}

static const char *const access_names[] = {"hidden", "read", "edit"};
static const char *const masking_names[] = {"none", "list", "all"};

const char *field_access_name(enum field_access a)
{
    return access_names[a];
}

const char *field_masking_name(enum field_masking m)
{
    return masking_names[m];
}

bool field_access_parse(const char *s, enum field_access *out)
{
    for (int i = 0; s && i < (int)ARRAY_LEN(access_names); i++)
        if (strcmp(access_names[i], s) == 0) {
            *out = (enum field_access)i;
            return true;
        }
    return false;
}

bool field_masking_parse(const char *s, enum field_masking *out)
{
    for (int i = 0; s && i < (int)ARRAY_LEN(masking_names); i++)
        if (strcmp(masking_names[i], s) == 0) {
            *out = (enum field_masking)i;
            return true;
        }
    return false;
}

int field_rules_load(db *d, arena *a, int64_t role_id, struct field_rule *out)
{
    (void)a;
    for (int i = 0; i < ncustomer_fields; i++) {
        out[i].field = customer_fields[i].field;
        out[i].access = FIELD_EDIT;
        out[i].masking = customer_fields[i].sensitive ? MASK_ALL : MASK_NONE;
    }
    db_stmt *st = db_query(d, "SELECT field, access, masking FROM field_rules WHERE role_id = ?", "i", role_id);
    if (!st)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *f = db_col_text(st, 0);
        for (int i = 0; i < ncustomer_fields; i++)
            if (strcmp(out[i].field, f) == 0) {
                field_access_parse(db_col_text(st, 1), &out[i].access);
                field_masking_parse(db_col_text(st, 2), &out[i].masking);
            }
    }
    db_reset(st);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

struct field_rule field_rule_of(db *d, int64_t role_id, const char *field)
{
    struct field_rule all[ARRAY_LEN(customer_fields)];
    struct field_rule r = {field, FIELD_EDIT, MASK_NONE};
    if (field_rules_load(d, NULL, role_id, all) != DB_OK) {
        log_error("field rules of role %lld: %s", (long long)role_id, db_errmsg(d));
        r.access = FIELD_HIDDEN; /* fail closed */
        return r;
    }
    for (int i = 0; i < ncustomer_fields; i++)
        if (strcmp(all[i].field, field) == 0)
            return all[i];
    return r;
}

bool field_masked(const struct field_rule *rule, bool list, bool custodian)
{
    if (custodian || rule->access == FIELD_HIDDEN)
        return false;
    return rule->masking == MASK_ALL || (list && rule->masking == MASK_LIST);
}

/* Keeps `head` leading and `tail` trailing characters (UTF-8 aware), stars between. */
static const char *mask_keep(arena *a, const char *v, size_t head, size_t tail)
{
    size_t nchars = 0;
    for (const char *p = v; *p; p++)
        nchars += ((unsigned char)*p & 0xC0) != 0x80;
    if (nchars <= head + tail) {
        head = nchars > 2 ? 1 : 0;
        tail = 0;
    }
    size_t n = strlen(v);
    char *out = arena_alloc(a, n + nchars + 1);
    size_t o = 0, ci = 0;
    for (const char *p = v; *p;) {
        size_t len = 1;
        while (((unsigned char)p[len] & 0xC0) == 0x80)
            len++;
        if (ci < head || ci >= nchars - tail) {
            memcpy(out + o, p, len);
            o += len;
        } else {
            out[o++] = '*';
        }
        p += len;
        ci++;
    }
    out[o] = '\0';
    return out;
}

const char *mask_value(arena *a, const char *field, const char *value)
{
    if (!value || !*value)
        return value;
    if (strcmp(field, "mobile") == 0)
        return mask_keep(a, value, 3, 4);
    if (strcmp(field, "id_number") == 0)
        return mask_keep(a, value, 4, 4);
    size_t nchars = 0;
    for (const char *p = value; *p; p++)
        nchars += ((unsigned char)*p & 0xC0) != 0x80;
    return mask_keep(a, value, nchars / 4, nchars / 4);
}
