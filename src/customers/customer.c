/*
 * customer.c — the rules of the customer record (customer.h): checks of resident
 * IDs, credit codes, phones and files; the caller's relation to a customer and what
 * it may edit (CUS-5); create and edit with validation, the customer number, the
 * existing/potential status from the bank identities, the missing-info count and
 * the audit record in one transaction (CUS-1, CUS-3, CUS-4).
 */
#include "customer.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "watchlist.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- checks ---------------------------------------------------------------------------- */

char resident_id_check_char(const char *s)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        sum += (s[i] - '0') * w[i];
    }
    return check[sum % 11];
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool ymd_valid(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && leap(y));
}

static int this_year(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

bool resident_id_valid(const char *id, char birth[11], char *gender)
{
    if (!id || strlen(id) != 18)
        return false;
    char c = resident_id_check_char(id);
    char last = (char)toupper((unsigned char)id[17]);
    if (!c || c != last)
        return false;
    int y = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0');
    int m = (id[10] - '0') * 10 + (id[11] - '0');
    int d = (id[12] - '0') * 10 + (id[13] - '0');
    if (y < 1900 || y > this_year() || !ymd_valid(y, m, d))
        return false;
    if (birth) { /* the digits as they stand: YYYY-MM-DD */
        memcpy(birth, id + 6, 4);
        birth[4] = '-';
        memcpy(birth + 5, id + 10, 2);
        birth[7] = '-';
        memcpy(birth + 8, id + 12, 2);
        birth[10] = '\0';
    }
    if (gender)
        *gender = (id[16] - '0') % 2 ? 'M' : 'F';
    return true;
}

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

char uscc_check_char(const char *s)
{
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        const char *p = s[i] ? strchr(uscc_alphabet, s[i]) : NULL;
        if (!p)
            return 0;
        sum += (int)(p - uscc_alphabet) * w[i];
    }
    int c = 31 - sum % 31;
    return uscc_alphabet[c == 31 ? 0 : c];
}

bool uscc_valid(const char *code)
{
    if (!code || strlen(code) != 18)
        return false;
    char c = uscc_check_char(code);
    return c && c == code[17];
}

bool mobile_valid(const char *s)
{
    if (!s || strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
        return false;
    for (int i = 0; i < 11; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

bool landline_valid(const char *s)
{
    /* [+86-]area-number[-extension]: digits with at most three separators, 7–20 digits */
    if (!s)
        return false;
    int digits = 0, seps = 0;
    const char *p = s;
    if (*p == '+')
        p++;
    char prev = '-';
    for (; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            digits++;
        } else if (*p == '-' || *p == ' ') {
            if (prev == '-' || prev == ' ')
                return false;
            seps++;
        } else {
            return false;
        }
        prev = *p;
    }
    return digits >= 7 && digits <= 20 && seps <= 3 && prev != '-' && prev != ' ';
}

bool email_valid(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n < 3 || n > 254 || !at || at == s || strchr(at + 1, '@'))
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == ',' || *p == ';' || *p == '<' || *p == '>' || *p == '"')
            return false;
    const char *dot = strrchr(at + 1, '.');
    return dot && dot > at + 1 && dot[1] != '\0';
}

bool date_valid(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    return y >= 1850 && y <= 2200 && ymd_valid(y, m, d);
}

/* ---- file kinds ------------------------------------------------------------------------ */

static const void *find_bytes(const unsigned char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (p[i] == (unsigned char)needle[0] && memcmp(p + i, needle, k) == 0)
            return p + i;
    return NULL;
}

enum file_kind file_sniff(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return FILE_JPEG;
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return FILE_PNG;
    if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return FILE_PDF;
    if (n >= 8 && memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return FILE_OLE;
    /* Office Open XML: a ZIP archive whose directory names [Content_Types].xml */
    if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0 && find_bytes(p, n, "[Content_Types].xml"))
        return FILE_OOXML;
    return FILE_UNKNOWN;
}

static const char *ext_of(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    return dot ? dot + 1 : "";
}

static const struct {
    enum file_kind kind;
    const char *ext, *mime;
} file_types[] = {
    {FILE_JPEG, "jpg", "image/jpeg"},
    {FILE_JPEG, "jpeg", "image/jpeg"},
    {FILE_PNG, "png", "image/png"},
    {FILE_PDF, "pdf", "application/pdf"},
    {FILE_OOXML, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {FILE_OOXML, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {FILE_OOXML, "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {FILE_OLE, "doc", "application/msword"},
    {FILE_OLE, "xls", "application/vnd.ms-excel"},
    {FILE_OLE, "ppt", "application/vnd.ms-powerpoint"},
};

bool file_name_fits(enum file_kind k, const char *filename)
{
    const char *ext = ext_of(filename);
    for (size_t i = 0; i < ARRAY_LEN(file_types); i++)
        if (file_types[i].kind == k && strcasecmp(file_types[i].ext, ext) == 0)
            return true;
    return false;
}

bool file_type_fits(enum file_kind k, const char *ct)
{
    if (!ct || !*ct)
        return true;
    size_t n = strcspn(ct, ";");
    while (n > 0 && ct[n - 1] == ' ')
        n--;
    if (n == 24 && strncasecmp(ct, "application/octet-stream", 24) == 0)
        return true;
    for (size_t i = 0; i < ARRAY_LEN(file_types); i++)
        if (file_types[i].kind == k && strlen(file_types[i].mime) == n && strncasecmp(file_types[i].mime, ct, n) == 0)
            return true;
    return false;
}

const char *file_mime(enum file_kind k, const char *filename)
{
    const char *ext = ext_of(filename);
    for (size_t i = 0; i < ARRAY_LEN(file_types); i++)
        if (file_types[i].kind == k && strcasecmp(file_types[i].ext, ext) == 0)
            return file_types[i].mime;
    return "application/octet-stream";
}

/* ---- the caller and the customer ----------------------------------------------------------- */

int customer_ref_load(req *r, const struct access *acc, int64_t id, struct customer_ref *out)
{
    memset(out, 0, sizeof *out);
    sqlb q = {.a = r->a};
    customers_sql_query(&q, acc, NULL, id, false);
    db_stmt *st = sqlb_prepare(&q, r->db);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int64(st, CC_ID);
        out->unit_id = db_col_int64(st, CC_UNIT_ID);
        out->manager_id = db_col_null(st, CC_MANAGER_ID) ? 0 : db_col_int64(st, CC_MANAGER_ID);
        out->kind = arena_strdup(r->a, db_col_text(st, CC_KIND));
        out->status = arena_strdup(r->a, db_col_text(st, CC_STATUS));
        out->unit_name = arena_strdup(r->a, db_col_text(st, CC_UNIT_NAME));
        out->manager_name = out->manager_id ? arena_strdup(r->a, db_col_text(st, CC_MANAGER_NAME)) : NULL;
        out->level = db_col_null(st, CC_LEVEL) ? NULL : arena_strdup(r->a, db_col_text(st, CC_LEVEL));
        out->watch_list = db_col_null(st, CC_WATCH_LIST) ? NULL : arena_strdup(r->a, db_col_text(st, CC_WATCH_LIST));
        out->missing_count = db_col_int64(st, CC_MISSING_INFO);
        out->created_at = db_col_int64(st, CC_CREATED_AT);
        out->updated_at = db_col_int64(st, CC_UPDATED_AT);
    }
    db_reset(st);
    if (rc != DB_ROW)
        return rc;
    out->primary = out->manager_id == acc->user_id;
    if (customer_sql_staff_role(r->db, id, acc->user_id, &out->assistant, &out->collector, &out->referrer) != DB_OK)
        return DB_ERROR;
    out->custodian = out->primary || out->assistant;
    out->scope_all = acc->scope == SCOPE_ALL;
    out->edit = out->primary || out->scope_all ? EDIT_ALL : out->assistant ? EDIT_OPEN : EDIT_NONE;
    return DB_ROW;
}

const char *customer_relation(const struct customer_ref *c)
{
    return c->primary     ? "primary"
           : c->assistant ? "assistant"
           : c->collector ? "collector"
           : c->referrer  ? "referrer"
                          : NULL;
}

/* Fields no one edits through the record: the number is generated, the status comes
 * from the bank identities, the kind is chosen at creation. */
static bool field_fixed(const char *field)
{
    return strcmp(field, "customer_no") == 0 || strcmp(field, "status") == 0 || strcmp(field, "kind") == 0;
}

err customer_field_edit_check(const struct customer_ref *c, const struct field_info *fi, const struct field_rule *rule)
{
    if (c->edit == EDIT_NONE)
        return E_CUSTOMER_NOT_EDITOR;
    if (field_fixed(fi->field) || rule->access != FIELD_EDIT)
        return E_CUSTOMER_FIELD_READONLY;
    if (c->edit == EDIT_OPEN && fi->protect)
        return E_CUSTOMER_FIELD_PROTECTED;
    return E_OK;
}

bool customer_field_editable(const struct customer_ref *c, const struct field_info *fi, const struct field_rule *rule)
{
    return customer_field_edit_check(c, fi, rule) == E_OK;
}

/* ---- input -------------------------------------------------------------------------------- */

const char *const customer_input_fields[CF_COUNT] = {
    "kind", "name", "id_type", "id_number", "gender", "birth_date", "mobile", "address", "occupation", "employer", "source",
};
static const int max_chars[CF_COUNT] = {16, 100, 32, 32, 1, 10, 11, 200, 50, 100, 32};

static int utf8_len(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

bool customer_input_from_json(req *r, json_t *body, struct customer_input *in)
{
    memset(in, 0, sizeof *in);
    for (int i = 0; i < CF_COUNT; i++) {
        const char *name = customer_input_fields[i];
        json_t *v = json_object_get(body, name);
        if (!v)
            continue;
        in->given[i] = true;
        if (json_is_null(v))
            continue;
        if (!json_is_string(v)) {
            req_fail(r, E_FIELD_TYPE, name);
            return false;
        }
        const char *s = json_string_value(v);
        while (*s == ' ' || *s == '\t')
            s++;
        char *t = arena_strdup(r->a, s);
        size_t n = strlen(t);
        while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
            t[--n] = '\0';
        if (n == 0)
            continue; /* "" clears like null */
        if (!utf8_valid(t, n) || utf8_len(t) > max_chars[i]) {
            req_fail(r, E_FIELD_INVALID, name);
            return false;
        }
        if (i == CF_ID_NUMBER) /* check characters are capitals: 11010519491231002x → …X */
            for (char *p = t; *p; p++)
                *p = (char)toupper((unsigned char)*p);
        in->v[i] = t;
    }
    return true;
}

/* Validates the merged values v (CF_* order). `given` tells what the caller named:
 * a birth date or gender the caller gave must agree with a resident ID. Fills the
 * derived birth date and gender; *status gets potential/existing. The source is
 * required on create (and cannot be cleared). */
static bool validate(req *r, const char **v, const bool *given, bool create, const char **status)
{
    char birth[11], gender;
    if (!v[CF_KIND] || (strcmp(v[CF_KIND], "individual") != 0 && strcmp(v[CF_KIND], "corporate") != 0))
        return req_fail(r, v[CF_KIND] ? E_CUSTOMER_KIND_INVALID : E_FIELD_REQUIRED, "kind"), false;
    bool corporate = strcmp(v[CF_KIND], "corporate") == 0;
    if (!v[CF_NAME])
        return req_fail(r, E_FIELD_REQUIRED, "name"), false;
    if (!v[CF_ID_TYPE])
        return req_fail(r, E_FIELD_REQUIRED, "id_type"), false;
    int ok = customer_sql_id_type_ok(r->db, v[CF_ID_TYPE], v[CF_KIND]);
    if (ok < 0)
        return req_fail(r, E_INTERNAL, NULL), false;
    if (!ok)
        return req_fail(r, E_CUSTOMER_ID_TYPE_INVALID, "id_type"), false;
    const char *idn = v[CF_ID_NUMBER];
    if (idn && strcmp(v[CF_ID_TYPE], "resident_id") == 0) {
        if (!resident_id_valid(idn, birth, &gender))
            return req_fail(r, E_CUSTOMER_ID_NUMBER_INVALID, "id_number"), false;
        if (given[CF_BIRTH_DATE] && v[CF_BIRTH_DATE] && strcmp(v[CF_BIRTH_DATE], birth) != 0)
            return req_fail(r, E_CUSTOMER_BIRTH_MISMATCH, "birth_date"), false;
        char g[2] = {gender, 0};
        if (given[CF_GENDER] && v[CF_GENDER] && strcmp(v[CF_GENDER], g) != 0)
            return req_fail(r, E_CUSTOMER_GENDER_MISMATCH, "gender"), false;
        v[CF_BIRTH_DATE] = arena_strdup(r->a, birth);
        v[CF_GENDER] = arena_strdup(r->a, g);
    } else if (idn && strcmp(v[CF_ID_TYPE], "uscc") == 0) {
        if (!uscc_valid(idn))
            return req_fail(r, E_CUSTOMER_USCC_INVALID, "id_number"), false;
    } else if (idn) {
        for (const char *p = idn; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '-')
                return req_fail(r, E_CUSTOMER_ID_NUMBER_INVALID, "id_number"), false;
    }
    if (corporate && (v[CF_GENDER] || v[CF_BIRTH_DATE]))
        return req_fail(r, E_FIELD_INVALID, v[CF_GENDER] ? "gender" : "birth_date"), false;
    if (v[CF_GENDER] && strcmp(v[CF_GENDER], "M") != 0 && strcmp(v[CF_GENDER], "F") != 0)
        return req_fail(r, E_FIELD_INVALID, "gender"), false;
    if (v[CF_BIRTH_DATE] && !date_valid(v[CF_BIRTH_DATE]))
        return req_fail(r, E_DATE_INVALID, "birth_date"), false;
    if (v[CF_MOBILE] && !mobile_valid(v[CF_MOBILE]))
        return req_fail(r, E_CUSTOMER_MOBILE_INVALID, "mobile"), false;
    if (!v[CF_SOURCE] && (create || given[CF_SOURCE])) /* records from before sources keep working */
        return req_fail(r, E_FIELD_REQUIRED, "source"), false;
    if (given[CF_SOURCE]) {
        ok = customer_sql_source_ok(r->db, v[CF_SOURCE]);
        if (ok < 0)
            return req_fail(r, E_INTERNAL, NULL), false;
        if (!ok)
            return req_fail(r, E_CUSTOMER_SOURCE_INVALID, "source"), false;
    }
    ok = idn ? customer_sql_bank_known(r->db, v[CF_ID_TYPE], idn) : 0;
    if (ok < 0)
        return req_fail(r, E_INTERNAL, NULL), false;
    *status = ok ? "existing" : "potential";
    return true;
}

/* {"field":"value",…} of the fields in mask; sensitive values masked (AUTH-8: the
 * audit log is not a way around the reveal). */
static void audit_values(jw *w, arena *a, const char **v, const bool *mask)
{
    jw_obj(w);
    for (int i = 0; i < CF_COUNT; i++) {
        if (!mask[i])
            continue;
        const struct field_info *fi = customer_field_find(customer_input_fields[i]);
        jw_kstr(w, customer_input_fields[i], v[i] && fi && fi->sensitive ? mask_value(a, fi->field, v[i]) : v[i]);
    }
    jw_end(w);
}

int customer_create(req *r, struct customer_input *in, int64_t referrer_id, int64_t *id)
{
    const struct access *acc = req_scope(r);
    if (!acc)
        return req_fail(r, E_INTERNAL, NULL);
    const char *status;
    if (!validate(r, in->v, in->given, true, &status))
        return req_status(r);
    if (in->v[CF_ID_NUMBER]) {
        int taken = customer_sql_id_taken(r->db, in->v[CF_ID_TYPE], in->v[CF_ID_NUMBER], 0);
        if (taken < 0)
            return req_fail(r, E_INTERNAL, NULL);
        if (taken)
            return req_fail(r, E_CUSTOMER_ID_TAKEN, "id_number");
    }
    /* CUS-3: the referrer (never for an existing customer) decides the unit, else the
     * collector's unit; whoever of them holds a custodian position becomes primary. */
    struct staff_user collector, referrer;
    if (customer_sql_staff_user(r->db, acc->user_id, &collector) != DB_ROW)
        return req_fail(r, E_INTERNAL, NULL);
    if (referrer_id) {
        if (strcmp(status, "existing") == 0)
            return req_fail(r, E_CUSTOMER_REFERRER_EXISTING, "referrer_id");
        int rc = customer_sql_staff_user(r->db, referrer_id, &referrer);
        if (rc == DB_ERROR)
            return req_fail(r, E_INTERNAL, NULL);
        if (rc != DB_ROW || !referrer.active)
            return req_fail(r, E_CUSTOMER_REFERRER_INVALID, "referrer_id");
    }
    const struct staff_user *owner = referrer_id ? &referrer : &collector;
    int64_t now = now_ms();
    struct customer_row row = {
        .v = in->v,
        .status = status,
        .unit_id = owner->unit_id,
        .manager_id = owner->custodian ? owner->id : 0,
        .created_by = acc->user_id,
        .at = now,
    };
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    int rc = customer_sql_insert(r->db, r->a, &row, id);
    if (rc == DB_OK && strcmp(status, "potential") == 0)
        rc = customer_sql_staff_add(r->db, *id, acc->user_id, "collector", 0, now);
    if (rc == DB_OK && referrer_id && referrer_id != acc->user_id)
        rc = customer_sql_staff_add(r->db, *id, referrer_id, "referrer", 0, now);
    if (rc == DB_OK)
        rc = customer_missing_recount(r->db, *id);
    if (rc == DB_OK) /* CUS-15: an ID on the black or grey list flags the new customer */
        rc = watchlist_sync_customer(r->db, *id);
    if (rc == DB_OK) {
        jw w;
        jw_init(&w, 512);
        bool all[CF_COUNT];
        for (int i = 0; i < CF_COUNT; i++)
            all[i] = true;
        jw_obj(&w);
        jw_key(&w, "after");
        audit_values(&w, r->a, in->v, all);
        jw_kstr(&w, "status", status);
        jw_kint(&w, "unit_id", row.unit_id);
        if (row.manager_id)
            jw_kint(&w, "manager_id", row.manager_id);
        if (referrer_id)
            jw_kint(&w, "referrer_id", referrer_id);
        jw_end(&w);
        char *detail = jw_take(&w);
        rc = req_audit(r, "customer.created", "customer", *id, detail);
        free(detail);
    }
    if (rc == DB_OK)
        rc = db_commit(r->db);
    if (rc != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_CONSTRAINT)
            return req_fail(r, E_CUSTOMER_ID_TAKEN, "id_number");
        return req_fail(r, E_INTERNAL, NULL);
    }
    return 201;
}

int customer_update(req *r, const struct customer_ref *c, struct customer_input *in, const bool *only)
{
    const struct access *acc = req_scope(r);
    struct field_rule rules[64];
    if (!acc || ncustomer_fields > 64 || field_rules_load(r->db, r->a, acc->role_id, rules) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    bool any = false;
    for (int i = 0; i < CF_COUNT; i++) {
        if (!in->given[i])
            continue;
        const struct field_info *fi = customer_field_find(customer_input_fields[i]);
        int k = (int)(fi - customer_fields);
        if (only && !only[i])
            return req_fail(r, E_CUSTOMER_FIELD_NOT_MISSING, fi->field);
        err e = customer_field_edit_check(c, fi, &rules[k]);
        if (e != E_OK)
            return req_fail(r, e, fi->field);
        any = true;
    }
    if (!any)
        return req_fail(r, E_CUSTOMER_NOTHING, NULL);

    const char *vals[64];
    if (customer_sql_values(r->db, r->a, c->id, vals) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    const char *before[CF_COUNT], *after[CF_COUNT];
    for (int i = 0; i < CF_COUNT; i++) {
        const struct field_info *fi = customer_field_find(customer_input_fields[i]);
        before[i] = vals[fi - customer_fields];
        after[i] = in->given[i] ? in->v[i] : before[i];
    }
    const char *status;
    if (!validate(r, after, in->given, false, &status))
        return req_status(r);
    bool changed[CF_COUNT];
    any = false;
    for (int i = 0; i < CF_COUNT; i++) {
        changed[i] = !str_eq(before[i] ? before[i] : "", after[i] ? after[i] : "");
        any |= changed[i];
    }
    bool status_changed = strcmp(status, c->status) != 0;
    if (!any && !status_changed)
        return 200; /* the same values again: nothing to write */
    if ((changed[CF_ID_NUMBER] || changed[CF_ID_TYPE]) && after[CF_ID_NUMBER]) {
        int taken = customer_sql_id_taken(r->db, after[CF_ID_TYPE], after[CF_ID_NUMBER], c->id);
        if (taken < 0)
            return req_fail(r, E_INTERNAL, NULL);
        if (taken)
            return req_fail(r, E_CUSTOMER_ID_TAKEN, "id_number");
    }
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    int rc = customer_sql_update(r->db, r->a, c->id, after, changed, status, now_ms());
    if (rc == DB_OK)
        rc = customer_missing_recount(r->db, c->id);
    if (rc == DB_OK && (changed[CF_ID_NUMBER] || changed[CF_ID_TYPE])) /* CUS-15: the flag follows the ID */
        rc = watchlist_sync_customer(r->db, c->id);
    if (rc == DB_OK) {
        jw w;
        jw_init(&w, 512);
        jw_obj(&w);
        jw_key(&w, "before");
        audit_values(&w, r->a, before, changed);
        jw_key(&w, "after");
        audit_values(&w, r->a, after, changed);
        if (status_changed) {
            jw_kobj(&w, "status");
            jw_kstr(&w, "before", c->status);
            jw_kstr(&w, "after", status);
            jw_end(&w);
        }
        jw_end(&w);
        char *detail = jw_take(&w);
        rc = req_audit(r, "customer.updated", "customer", c->id, detail);
        free(detail);
    }
    if (rc == DB_OK)
        rc = db_commit(r->db);
    if (rc != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_CONSTRAINT)
            return req_fail(r, E_CUSTOMER_ID_TAKEN, "id_number");
        return req_fail(r, E_INTERNAL, NULL);
    }
    return 200;
}
