/*
 * import.c — the rules of customer import (CUS-12): the importable fields and how
 * a header maps to them, the checks and normalisation of each cell, and the worker
 * thread that takes the rows batch by batch (import.h tells the crash guarantee).
 */
#include "audit/audit.h"
#include "core/log.h"
#include "core/sheet.h"
#include "core/util.h"
#include "customer.h"
#include "customers.h"
#include "import.h"
#include "pinyin.h"
#include "watchlist.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct import_field_info import_fields[IF_COUNT] = {
    [IF_CUSTOMER_NO] = {"customer_no", false, "客户号", "Customer number", "客户编号|客户代码|customer no|custno"},
    [IF_NAME] = {"name", true, "姓名", "Name", "客户名称|客户姓名|名称|姓名/名称|full name"},
    [IF_KIND] = {"kind", false, "客户类型", "Kind", "类型|对公对私|对私/对公|type"},
    [IF_MOBILE] = {"mobile", true, "手机号码", "Mobile phone",
                   "手机|手机号|电话|电话号码|联系电话|联系方式|phone|mobile|cell|cellphone|phone number"},
    [IF_ID_TYPE] = {"id_type", false, "证件类型", "ID type", "id type"},
    [IF_ID_NUMBER] = {"id_number", false, "证件号码", "ID number",
                      "身份证|身份证号|身份证号码|证件号|id|id no|id card"},
    [IF_GENDER] = {"gender", false, "性别", "Gender", "sex"},
    [IF_BIRTH_DATE] = {"birth_date", false, "出生日期", "Birth date", "生日|出生年月|birthday|date of birth"},
    [IF_ADDRESS] = {"address", false, "地址", "Address", "住址|家庭住址|联系地址|通讯地址"},
    [IF_OCCUPATION] = {"occupation", false, "职业", "Occupation", "job"},
    [IF_EMPLOYER] = {"employer", false, "工作单位", "Employer", "单位|单位名称|公司|company"},
    [IF_SOURCE] = {"source", true, "客户来源", "Source", "来源|渠道|获客渠道"},
    [IF_TAGS] = {"tags", false, "标签", "Tags", "客户标签|tag"},
};

/* ---- header → field ------------------------------------------------------------- */

/* Header text without blanks, the required mark '*' and ASCII case. */
static void header_key(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++) {
        unsigned char c = (unsigned char)*in;
        if (c == ' ' || c == '\t' || c == '*' || c == '\r' || c == '\n')
            continue;
        out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[n] = '\0';
}

static bool alias_has(const char *aliases, const char *key)
{
    char one[96];
    for (const char *p = aliases; *p;) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char raw[96];
        if (n < sizeof raw) {
            memcpy(raw, p, n);
            raw[n] = '\0';
            header_key(raw, one, sizeof one);
            if (strcmp(one, key) == 0)
                return true;
        }
        p += n + (e ? 1 : 0);
    }
    return false;
}

static bool header_is(const struct import_field_info *f, const char *key)
{
    char k[96];
    const char *names[] = {f->field, f->zh, f->en};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        header_key(names[i], k, sizeof k);
        if (strcmp(k, key) == 0)
            return true;
    }
    return alias_has(f->aliases, key);
}

void import_suggest_mapping(const char *const *header, int n, int col[IF_COUNT])
{
    for (int f = 0; f < IF_COUNT; f++)
        col[f] = -1;
    for (int c = 0; c < n; c++) {
        char key[96];
        header_key(header[c], key, sizeof key);
        if (!*key)
            continue;
        for (int f = 0; f < IF_COUNT; f++)
            if (col[f] < 0 && header_is(&import_fields[f], key)) {
                col[f] = c;
                break;
            }
    }
}

/* ---- options ------------------------------------------------------------------------ */

static const char *const match_names[] = {"phone", "id_number", "customer_no"};
static const char *const target_names[] = {"me", "user", "unit"};

char *import_options_json(arena *a, const struct import_options *o)
{
    json_t *m = json_object();
    for (int f = 0; f < IF_COUNT; f++)
        if (o->col[f] >= 0)
            json_object_set_new(m, import_fields[f].field, json_integer(o->col[f]));
    json_t *j = json_pack("{s:o, s:s, s:s, s:s, s:I}", "mapping", m, "match", match_names[o->match], "on_match",
                          o->update ? "update" : "skip", "target", target_names[o->target], "target_user",
                          (json_int_t)o->target_user);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char *out = arena_strdup(a, s);
    free(s);
    return out;
}

static int name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

bool import_options_parse(const char *text, struct import_options *o)
{
    json_t *j = json_loads(text, 0, NULL);
    if (!j)
        return false;
    json_t *m = json_object_get(j, "mapping");
    for (int f = 0; f < IF_COUNT; f++) {
        json_t *c = m ? json_object_get(m, import_fields[f].field) : NULL;
        o->col[f] = json_is_integer(c) ? (int)json_integer_value(c) : -1;
    }
    int match = name_index(match_names, 3, json_string_value(json_object_get(j, "match")));
    int target = name_index(target_names, 3, json_string_value(json_object_get(j, "target")));
    const char *on = json_string_value(json_object_get(j, "on_match"));
    o->match = match < 0 ? MATCH_PHONE : (enum import_match)match;
    o->target = target < 0 ? TARGET_ME : (enum import_target)target;
    o->update = on && strcmp(on, "update") == 0;
    o->target_user = json_integer_value(json_object_get(j, "target_user"));
    json_decref(j);
    return match >= 0 && target >= 0 && on;
}

/* ---- the error report's reasons ----------------------------------------------------- */

static const struct {
    const char *code, *zh, *en;
} reasons[] = {
    {"required", "必填字段为空", "A required field is empty"},
    {"formula", "疑似公式（以 = + - @ 开头），已拒绝", "Looks like a formula (starts with = + - @): refused"},
    {"too_long", "内容过长", "Too long"},
    {"phone_invalid", "手机号码格式不正确（应为 11 位手机号）", "Not a mobile phone number (11 digits)"},
    {"source_unknown", "客户来源不在已配置的来源中", "Not one of the configured customer sources"},
    {"kind_invalid", "客户类型应为 对私 或 对公", "The kind must be individual or corporate"},
    {"id_type_invalid", "证件类型不是已配置的类型（或与客户类型不符）",
     "Not a configured ID type (or not one for the customer's kind)"},
    {"id_number_invalid", "证件号码不正确（18 位居民身份证号码校验失败）",
     "Invalid ID number (the 18-digit resident ID check failed)"},
    {"gender_invalid", "性别应为 男 或 女", "The gender must be male or female"},
    {"birth_date_invalid", "出生日期不正确（应为 YYYY-MM-DD）", "Invalid birth date (YYYY-MM-DD)"},
    {"tag_unknown", "标签不存在", "No such tag"},
    {"tag_ambiguous", "多个标签组中有同名标签", "Several tag groups have a tag of this name"},
    {"phone_duplicate_file", "手机号码与文件中前面的行重复（第 %s 行），已跳过",
     "Same phone number as an earlier row of the file (row %s): skipped"},
    {"phone_exists", "手机号码已属于其他客户，已跳过", "The phone number belongs to another customer: skipped"},
    {"exists", "客户已存在（按所选匹配方式），已跳过", "The customer exists (by the chosen match): skipped"},
    {"exists_out_of_scope", "客户已存在但不在您的数据范围内，未更新",
     "The customer exists outside your data scope: not updated"},
    {"customer_no_exists", "客户号已属于其他客户", "The customer number belongs to another customer"},
};

const char *import_reason_text(const char *code, bool en)
{
    static __thread char buf[256];
    const char *colon = strchr(code, ':');
    size_t n = colon ? (size_t)(colon - code) : strlen(code);
    for (size_t i = 0; i < ARRAY_LEN(reasons); i++)
        if (strlen(reasons[i].code) == n && strncmp(reasons[i].code, code, n) == 0) {
            const char *t = en ? reasons[i].en : reasons[i].zh;
            if (!strstr(t, "%s"))
                return t;
            const char *pct = strstr(t, "%s");
            snprintf(buf, sizeof buf, "%.*s%s%s", (int)(pct - t), t, colon ? colon + 1 : "", pct + 2);
            return buf;
        }
    return code;
}

/* ---- cell checks ------------------------------------------------------------------------ */

/* The cell without surrounding blanks (ASCII, no-break and ideographic spaces); NULL if empty. */
static const char *trimmed(arena *a, const char *v)
{
    if (!v)
        return NULL;
    const char *s = v, *e = v + strlen(v);
    for (;;) {
        if (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
            s++;
        else if (e - s >= 2 && (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
            s += 2;
        else if (e - s >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
            s += 3;
        else
            break;
    }
    for (;;) {
        if (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
            e--;
        else if (e - s >= 2 && (unsigned char)e[-2] == 0xc2 && (unsigned char)e[-1] == 0xa0)
            e -= 2;
        else if (e - s >= 3 && memcmp(e - 3, "\xe3\x80\x80", 3) == 0)
            e -= 3;
        else
            break;
    }
    if (e - s > 1 && *s == '\'') /* Excel's "this is text" apostrophe (and our export's) */
        s++;
    return e > s ? arena_strndup(a, s, (size_t)(e - s)) : NULL;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* A mobile number: separators dropped, +86 / 0086 / 86 dropped; 11 digits 1[3-9]…; NULL if not. */
static const char *phone_norm(arena *a, const char *v)
{
    char d[32];
    size_t n = 0;
    const char *p = v;
    if (*p == '+')
        p++;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n == sizeof d - 1)
                return NULL;
            d[n++] = *p;
        } else if (*p != ' ' && *p != '-' && *p != '(' && *p != ')') {
            return NULL;
        }
    }
    d[n] = '\0';
    const char *s = d;
    if (n == 15 && strncmp(s, "0086", 4) == 0)
        s += 4;
    else if (n == 13 && strncmp(s, "86", 2) == 0)
        s += 2;
    if (strlen(s) != 11 || s[0] != '1' || s[1] < '3')
        return NULL;
    return arena_strdup(a, s);
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool date_ok(int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] + (m == 2 && leap(y));
}

/* YYYY-MM-DD from YYYY-MM-DD, YYYY/M/D, YYYY.MM.DD, YYYYMMDD, YYYY年M月D日 or an Excel day number. */
static const char *date_norm(arena *a, const char *v)
{
    int y = 0, m = 0, d = 0;
    size_t n = strlen(v);
    char tail;
    if (n == 8 && strspn(v, "0123456789") == 8) {
        if (sscanf(v, "%4d%2d%2d", &y, &m, &d) != 3)
            return NULL;
    } else if (n >= 4 && n <= 5 && strspn(v, "0123456789") == n) {
        /* an Excel date cell read as its day number (days since 1899-12-30) */
        long serial = strtol(v, NULL, 10);
        long z = serial - 25569 + 719468; /* days since 0000-03-01 */
        long era = z / 146097, doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        d = (int)(doy - (153 * mp + 2) / 5 + 1);
        m = (int)(mp < 10 ? mp + 3 : mp - 9);
        y = (int)(yoe + era * 400 + (m <= 2));
    } else if (sscanf(v, "%d-%d-%d%c", &y, &m, &d, &tail) != 3 && sscanf(v, "%d/%d/%d%c", &y, &m, &d, &tail) != 3 &&
               sscanf(v, "%d.%d.%d%c", &y, &m, &d, &tail) != 3) {
        if (sscanf(v, "%d年%d月%d", &y, &m, &d) != 3)
            return NULL;
    }
    if (!date_ok(y, m, d))
        return NULL;
    return arena_printf(a, "%04d-%02d-%02d", y, m, d);
}

static bool is_any(const char *v, const char *const *words)
{
    for (; *words; words++)
        if (strcasecmp(v, *words) == 0)
            return true;
    return false;
}

/* ---- one row ----------------------------------------------------------------------------- */

enum outcome { OUT_INSERTED, OUT_UPDATED, OUT_SKIPPED, OUT_FAILED, OUT_DBERR };

struct phone_seen { /* open addressing: phone number → first row */
    uint64_t *keys;
    int64_t *rows;
    size_t cap, n;
};

static int64_t seen_put(struct phone_seen *h, uint64_t key, int64_t row)
{
    if (2 * (h->n + 1) > h->cap) {
        struct phone_seen g = {.cap = h->cap ? h->cap * 2 : 4096};
        g.keys = xcalloc(g.cap, sizeof *g.keys);
        g.rows = xcalloc(g.cap, sizeof *g.rows);
        for (size_t i = 0; i < h->cap; i++)
            if (h->keys[i])
                seen_put(&g, h->keys[i], h->rows[i]);
        free(h->keys);
        free(h->rows);
        *h = g;
    }
    size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull) & (h->cap - 1);
    while (h->keys[i]) {
        if (h->keys[i] == key)
            return h->rows[i];
        i = (i + 1) & (h->cap - 1);
    }
    h->keys[i] = key;
    h->rows[i] = row;
    h->n++;
    return 0;
}

struct job {
    db *d;
    arena *a;  /* lives for the whole import */
    arena *ra; /* per batch */
    struct import_row_state st;
    struct import_options o;
    struct access acc;
    int64_t unit_id, manager_id;
    const char **src_codes, **src_names;
    int nsrc;
    struct phone_seen seen;
    int64_t lo, hi;  /* ids of the customers the batch created */
    int64_t next_id; /* SQLite: the next id to give in this batch */
    /* the first problem of the current row */
    const char *bad_field, *bad_value, *bad_reason;
};

static enum outcome bad(struct job *j, int f, const char *value, const char *reason, bool skipped)
{
    j->bad_field = f >= 0 ? import_fields[f].field : "";
    j->bad_value = value;
    j->bad_reason = reason;
    return skipped ? OUT_SKIPPED : OUT_FAILED;
}

static const char *cell(const struct sheet_row *row, int col)
{
    return col >= 0 && col < row->n ? row->cells[col] : NULL;
}

/* The phone of a row as the in-file duplicate check sees it (0: none). */
static uint64_t row_phone(struct job *j, const struct sheet_row *row)
{
    const char *v = trimmed(j->ra, cell(row, j->o.col[IF_MOBILE]));
    const char *p = v ? phone_norm(j->ra, v) : NULL;
    return p ? strtoull(p, NULL, 10) : 0;
}

/* Checks and normalises the cells into c; OUT_INSERTED means "valid" here. */
static enum outcome check_row(struct job *j, const struct sheet_row *row, struct import_customer *c, int64_t tags[16],
                              int *ntags)
{
    static const size_t max_chars[IF_COUNT] = {
        [IF_CUSTOMER_NO] = 32, [IF_NAME] = 100,  [IF_KIND] = 20,       [IF_MOBILE] = 30,   [IF_ID_TYPE] = 30,
        [IF_ID_NUMBER] = 32,   [IF_GENDER] = 10, [IF_BIRTH_DATE] = 20, [IF_ADDRESS] = 200, [IF_OCCUPATION] = 100,
        [IF_EMPLOYER] = 100,   [IF_SOURCE] = 50, [IF_TAGS] = 500,
    };
    arena *a = j->ra;
    const char **v = c->v;
    for (int f = 0; f < IF_COUNT; f++) {
        const char *x = trimmed(a, cell(row, j->o.col[f]));
        if (x && (strcmp(x, "-") == 0 || strcmp(x, "—") == 0)) /* a dash for "none" */
            x = NULL;
        if (x && strchr("=+-@", x[0]) && !(f == IF_MOBILE && x[0] == '+'))
            return bad(j, f, x, "formula", false);
        if (x && utf8_chars(x) > max_chars[f])
            return bad(j, f, x, "too_long", false);
        v[f] = x;
    }
    for (int f = 0; f < IF_COUNT; f++)
        if (import_fields[f].required && !v[f])
            return bad(j, f, "", "required", false);

    const char *phone = phone_norm(a, v[IF_MOBILE]);
    if (!phone)
        return bad(j, IF_MOBILE, v[IF_MOBILE], "phone_invalid", false);
    v[IF_MOBILE] = phone;

    int s = 0;
    while (s < j->nsrc && strcmp(j->src_codes[s], v[IF_SOURCE]) != 0 && strcmp(j->src_names[s], v[IF_SOURCE]) != 0)
        s++;
    if (s == j->nsrc)
        return bad(j, IF_SOURCE, v[IF_SOURCE], "source_unknown", false);
    v[IF_SOURCE] = j->src_codes[s];

    static const char *const personal[] = {"对私", "个人", "individual", "personal", "person", NULL};
    static const char *const corporate[] = {"对公", "企业", "公司", "corporate", "company", NULL};
    if (!v[IF_KIND] || is_any(v[IF_KIND], personal))
        v[IF_KIND] = "individual";
    else if (is_any(v[IF_KIND], corporate))
        v[IF_KIND] = "corporate";
    else
        return bad(j, IF_KIND, v[IF_KIND], "kind_invalid", false);

    static const char *const resident[] = {"resident_id", "居民身份证", "身份证", "二代身份证", NULL};
    static const char *const uscc[] = {"uscc", "统一社会信用代码", NULL};
    static const char *const passport[] = {"passport", "护照", NULL};
    if (!v[IF_ID_TYPE])
        v[IF_ID_TYPE] = strcmp(v[IF_KIND], "corporate") == 0 ? "uscc" : "resident_id";
    else if (is_any(v[IF_ID_TYPE], resident))
        v[IF_ID_TYPE] = "resident_id";
    else if (is_any(v[IF_ID_TYPE], uscc))
        v[IF_ID_TYPE] = "uscc";
    else if (is_any(v[IF_ID_TYPE], passport))
        v[IF_ID_TYPE] = "passport";
    /* else: the code of another configured ID type, checked below */
    if (cell(row, j->o.col[IF_ID_TYPE])) { /* a type the file names must be configured for the kind (CUS-1) */
        int ok = customer_sql_id_type_ok(j->d, v[IF_ID_TYPE], v[IF_KIND]);
        if (ok < 0)
            return OUT_DBERR;
        if (!ok)
            return bad(j, IF_ID_TYPE, v[IF_ID_TYPE], "id_type_invalid", false);
    }

    if (v[IF_ID_NUMBER]) {
        char *id = arena_strdup(a, v[IF_ID_NUMBER]);
        for (char *p = id; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 32);
        v[IF_ID_NUMBER] = id;
        if (strcmp(v[IF_ID_TYPE], "resident_id") == 0 && !resident_id_valid(id, NULL, NULL))
            return bad(j, IF_ID_NUMBER, v[IF_ID_NUMBER], "id_number_invalid", false);
        if (strcmp(v[IF_ID_TYPE], "uscc") == 0 && !uscc_valid(id))
            return bad(j, IF_ID_NUMBER, v[IF_ID_NUMBER], "id_number_invalid", false);
    }

    static const char *const male[] = {"男", "M", "male", "男性", NULL};
    static const char *const female[] = {"女", "F", "female", "女性", NULL};
    if (v[IF_GENDER]) {
        if (is_any(v[IF_GENDER], male))
            v[IF_GENDER] = "M";
        else if (is_any(v[IF_GENDER], female))
            v[IF_GENDER] = "F";
        else
            return bad(j, IF_GENDER, v[IF_GENDER], "gender_invalid", false);
    }
    if (v[IF_BIRTH_DATE]) {
        const char *dt = date_norm(a, v[IF_BIRTH_DATE]);
        if (!dt)
            return bad(j, IF_BIRTH_DATE, v[IF_BIRTH_DATE], "birth_date_invalid", false);
        v[IF_BIRTH_DATE] = dt;
    }
    /* a resident ID tells birth date and gender when the file leaves them out */
    if (v[IF_ID_NUMBER] && strcmp(v[IF_ID_TYPE], "resident_id") == 0) {
        const char *id = v[IF_ID_NUMBER];
        if (!v[IF_BIRTH_DATE])
            v[IF_BIRTH_DATE] = arena_printf(a, "%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
        if (!v[IF_GENDER])
            v[IF_GENDER] = (id[16] - '0') % 2 ? "M" : "F";
    }

    *ntags = 0;
    if (v[IF_TAGS]) {
        char *list = arena_strdup(a, v[IF_TAGS]);
        /* separators: , ; | and their full-width forms, and 、 */
        static const char *const seps[] = {",", ";", "|", "，", "；", "、"};
        for (size_t k = 0; k < ARRAY_LEN(seps); k++)
            for (char *p = strstr(list, seps[k]); p; p = strstr(p, seps[k]))
                memset(p, '\x1f', strlen(seps[k]));
        for (char *save = NULL, *t = strtok_r(list, "\x1f", &save); t; t = strtok_r(NULL, "\x1f", &save)) {
            const char *name = trimmed(a, t);
            if (!name)
                continue;
            int64_t id, n;
            if (import_sql_tag_find(j->d, name, &id, &n) != DB_OK)
                return OUT_DBERR;
            if (n == 0)
                return bad(j, IF_TAGS, name, "tag_unknown", false);
            if (n > 1)
                return bad(j, IF_TAGS, name, "tag_ambiguous", false);
            if (*ntags < 16)
                tags[(*ntags)++] = id;
        }
    }
    return OUT_INSERTED;
}

static enum outcome take_row(struct job *j, const struct sheet_row *row)
{
    struct import_customer c = {
        .unit_id = j->unit_id, .manager_id = j->manager_id, .created_by = j->st.user_id, .now = now_ms()};
    int64_t tags[16];
    int ntags = 0;
    enum outcome out = check_row(j, row, &c, tags, &ntags);
    if (out != OUT_INSERTED)
        return out;
    const char *const *v = c.v;

    /* duplicate phones inside the file: the first row wins */
    int64_t first = seen_put(&j->seen, strtoull(v[IF_MOBILE], NULL, 10), row->no);
    if (first && first != row->no)
        return bad(j, IF_MOBILE, v[IF_MOBILE], arena_printf(j->ra, "phone_duplicate_file:%lld", (long long)first),
                   true);

    /* the match in the database */
    static const char *const match_col[] = {"mobile", "id_number", "customer_no"};
    static const int match_field[] = {IF_MOBILE, IF_ID_NUMBER, IF_CUSTOMER_NO};
    const char *key = v[match_field[j->o.match]];
    int64_t match = 0, other;
    if (key && import_sql_find(j->d, match_col[j->o.match], key, &match) != DB_OK)
        return OUT_DBERR;
    if (j->o.match != MATCH_PHONE) { /* the phone must not belong to someone else */
        if (import_sql_find(j->d, "mobile", v[IF_MOBILE], &other) != DB_OK)
            return OUT_DBERR;
        if (other && other != match)
            return bad(j, IF_MOBILE, v[IF_MOBILE], "phone_exists", true);
    }
    if (v[IF_CUSTOMER_NO] && j->o.match != MATCH_CUSTOMER_NO) {
        if (import_sql_find(j->d, "customer_no", v[IF_CUSTOMER_NO], &other) != DB_OK)
            return OUT_DBERR;
        if (other && other != match)
            return bad(j, IF_CUSTOMER_NO, v[IF_CUSTOMER_NO], "customer_no_exists", false);
    }

    c.initials = name_initials(j->ra, c.v[IF_NAME]);
    int64_t id = match;
    if (match) {
        if (!j->o.update)
            return bad(j, match_field[j->o.match], key, "exists", true);
        bool in;
        if (import_sql_in_scope(j->d, j->ra, &j->acc, match, &in) != DB_OK)
            return OUT_DBERR;
        if (!in)
            return bad(j, match_field[j->o.match], key, "exists_out_of_scope", false);
        if (import_sql_update(j->d, match, &c) != DB_OK)
            return OUT_DBERR;
        if (v[IF_ID_NUMBER] && watchlist_sync_customer(j->d, match) != DB_OK) /* CUS-15 */
            return OUT_DBERR;
        out = OUT_UPDATED;
    } else {
        c.temp_no = arena_printf(j->ra, "import-%lld-%lld", (long long)j->st.id, (long long)row->no);
        /* CUS-1: existing when the bank knows the identity, else potential */
        int known = v[IF_ID_NUMBER] ? customer_sql_bank_known(j->d, v[IF_ID_TYPE], v[IF_ID_NUMBER]) : 0;
        if (known < 0)
            return OUT_DBERR;
        c.status = known ? "existing" : "potential";
        c.id = j->next_id;
        if (import_sql_insert(j->d, &c, &id) != DB_OK)
            return OUT_DBERR;
        if (j->next_id)
            j->next_id++;
        /* collector link and missing-info count: for the whole batch (import_sql_batch_done) */
        if (!j->lo || id < j->lo)
            j->lo = id;
        if (id > j->hi)
            j->hi = id;
        out = OUT_INSERTED;
    }
    if (out == OUT_UPDATED && customer_missing_recount(j->d, id) != DB_OK) /* CUS-4 */
        return OUT_DBERR;
    for (int i = 0; i < ntags; i++)
        if (import_sql_tag_add(j->d, id, tags[i], j->st.user_id, c.now) != DB_OK)
            return OUT_DBERR;
    return out;
}

/* ---- the worker ---------------------------------------------------------------------------- */

static pthread_mutex_t active_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t active_ids[64];
static int nactive;

static bool active_add(int64_t id)
{
    pthread_mutex_lock(&active_mu);
    bool ok = nactive < (int)ARRAY_LEN(active_ids);
    for (int i = 0; ok && i < nactive; i++)
        if (active_ids[i] == id)
            ok = false;
    if (ok)
        active_ids[nactive++] = id;
    pthread_mutex_unlock(&active_mu);
    return ok;
}

static void active_remove(int64_t id)
{
    pthread_mutex_lock(&active_mu);
    for (int i = 0; i < nactive; i++)
        if (active_ids[i] == id) {
            active_ids[i] = active_ids[--nactive];
            break;
        }
    pthread_mutex_unlock(&active_mu);
}

static int64_t env_int(const char *name, int64_t def, int64_t lo, int64_t hi)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    long long x = strtoll(v, NULL, 10);
    return x < lo ? lo : x > hi ? hi : x;
}

/* The import's last transaction: state, the file dropped, the audit entry (AUTH-7). */
static int finish(struct job *j, const char *state, const char *error)
{
    struct import_row_state *st = &j->st;
    const char *username;
    int rc = import_sql_batch_done(j->d, j->lo, j->hi, st->user_id, now_ms());
    if (rc == DB_OK)
        rc = import_sql_username(j->d, j->ra, st->user_id, &username);
    if (rc == DB_OK)
        rc = import_sql_progress(j->d, st);
    if (rc == DB_OK)
        rc = import_sql_finish(j->d, st->id, state, error);
    if (rc == DB_OK) {
        const char *detail = arena_printf(
            j->ra,
            "{\"state\":\"%s\",\"file\":\"%s\",\"rows\":%lld,\"processed\":%lld,\"inserted\":%lld,\"updated\":%lld,"
            "\"skipped\":%lld,\"failed\":%lld}",
            state, st->format, (long long)st->total_rows, (long long)st->processed, (long long)st->inserted,
            (long long)st->updated, (long long)st->skipped, (long long)st->failed);
        struct audit_entry e = {.user_id = st->user_id,
                                .username = username,
                                .ip = st->ip ? st->ip : "",
                                .action = "customer.imported",
                                .object_type = "customer_import",
                                .object_id = arena_printf(j->ra, "%lld", (long long)st->id),
                                .detail = detail};
        rc = audit_write(j->d, &e);
    }
    return rc;
}

/* Where new customers go, from the target chosen at start. */
static void target_of(struct job *j)
{
    switch (j->o.target) {
    case TARGET_USER:
        j->manager_id = j->st.target_user;
        j->unit_id = j->st.target_unit;
        break;
    case TARGET_UNIT:
        j->manager_id = 0;
        j->unit_id = j->st.target_unit ? j->st.target_unit : j->acc.unit_id;
        break;
    case TARGET_ME:
    default:
        j->manager_id = j->st.user_id;
        j->unit_id = j->acc.unit_id;
        break;
    }
}

static void run(struct job *j, int64_t id)
{
    db *d = j->d;
    if (import_sql_get(d, j->a, id, &j->st) != DB_ROW || strcmp(j->st.state, "running") != 0)
        return;
    const char *b64 = NULL;
    if (!import_options_parse(j->st.options, &j->o) || access_load(d, j->a, j->st.user_id, &j->acc) != DB_OK ||
        import_sql_file(d, j->a, id, &b64) != DB_ROW ||
        import_sql_sources(d, j->a, &j->src_codes, &j->src_names, &j->nsrc) != DB_OK) {
        log_error("import %lld: cannot load it: %s", (long long)id, db_errmsg(d));
        return;
    }
    target_of(j);
    size_t b64len = strlen(b64), len = 0;
    unsigned char *data = xmalloc(b64len / 4 * 3 + 3);
    if (sodium_base642bin(data, b64len / 4 * 3 + 3, b64, b64len, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) !=
        0) {
        free(data);
        log_error("import %lld: the stored file does not decode", (long long)id);
        return;
    }
    err e;
    sheet *s = sheet_open(data, len, NULL, &e);
    int batch = (int)env_int("FINCRM_IMPORT_BATCH", IMPORT_BATCH, 1, 100000);
    int64_t pause_ms = env_int("FINCRM_IMPORT_PAUSE_MS", 0, 0, 10000); /* tests: time to kill mid-batch */
    struct sheet_row row;
    bool header = false, in_tx = false, ok = s != NULL;
    int64_t rec = 0;
    int rows_in_tx = 0;
    const char *fail = s ? NULL : err_info(e)->code;

    while (ok && (e = sheet_next(s, &row)) == E_OK && row.cells) {
        if (!header) { /* the first row that is not blank is the header */
            header = !sheet_row_blank(&row);
            continue;
        }
        rec++;
        if (rec <= j->st.position) { /* committed before: only its phone, for the duplicate check */
            if (!sheet_row_blank(&row)) {
                uint64_t p = row_phone(j, &row);
                if (p)
                    seen_put(&j->seen, p, row.no);
            }
            if (rec % 4096 == 0)
                arena_clear(j->ra);
            continue;
        }
        if (!in_tx) {
            bool claimed = false;
            if (db_begin(d) != DB_OK || import_sql_claim(d, id, j->st.position, &claimed) != DB_OK) {
                ok = false;
                break;
            }
            in_tx = true;
            if (claimed && import_sql_next_id(d, &j->next_id) != DB_OK) {
                ok = false;
                break;
            }
            if (!claimed) { /* another worker has it */
                db_rollback(d);
                in_tx = false;
                sheet_close(s);
                free(data);
                return;
            }
        }
        if (!sheet_row_blank(&row)) {
            j->bad_field = j->bad_value = j->bad_reason = NULL;
            enum outcome out = take_row(j, &row);
            switch (out) {
            case OUT_INSERTED: j->st.inserted++; break;
            case OUT_UPDATED: j->st.updated++; break;
            case OUT_SKIPPED: j->st.skipped++; break;
            case OUT_FAILED: j->st.failed++; break;
            case OUT_DBERR: ok = false; break;
            }
            if (!ok)
                break;
            if ((out == OUT_SKIPPED || out == OUT_FAILED) &&
                import_sql_error(d, id, row.no, j->bad_field, j->bad_value, j->bad_reason, out == OUT_SKIPPED) !=
                    DB_OK) {
                ok = false;
                break;
            }
            j->st.processed++;
            rows_in_tx++;
        }
        j->st.position = rec;
        if (rows_in_tx >= batch) {
            if (pause_ms)
                usleep((useconds_t)pause_ms * 1000);
            if (import_sql_batch_done(d, j->lo, j->hi, j->st.user_id, now_ms()) != DB_OK ||
                import_sql_progress(d, &j->st) != DB_OK || db_commit(d) != DB_OK) {
                ok = false;
                break;
            }
            in_tx = false;
            rows_in_tx = 0;
            j->lo = j->hi = 0;
            arena_clear(j->ra);
        }
    }
    if (ok && e != E_OK) { /* the file went bad (it read well at upload: only if it was changed) */
        fail = err_info(e)->code;
        ok = false;
    }
    if (!ok && !fail) { /* a database error: roll the batch back, stop, keep what was committed */
        log_error("import %lld: stopped at row %lld: %s", (long long)id, (long long)row.no, db_errmsg(d));
        if (in_tx)
            db_rollback(d);
        in_tx = false;
        j->lo = j->hi = 0;
        fail = "server.internal";
        /* the committed state again, for the counts of the failed import */
        arena_clear(j->ra);
        struct import_row_state again;
        if (import_sql_get(d, j->a, id, &again) == DB_ROW)
            j->st = again;
    }
    if (!in_tx && db_begin(d) != DB_OK) {
        log_error("import %lld: cannot finish: %s", (long long)id, db_errmsg(d));
    } else if (finish(j, fail ? "failed" : "done", fail) != DB_OK || db_commit(d) != DB_OK) {
        log_error("import %lld: cannot finish: %s", (long long)id, db_errmsg(d));
        db_rollback(d);
    } else {
        log_info("import %lld %s: %lld rows, %lld inserted, %lld updated, %lld skipped, %lld failed", (long long)id,
                 fail ? "failed" : "done", (long long)j->st.processed, (long long)j->st.inserted,
                 (long long)j->st.updated, (long long)j->st.skipped, (long long)j->st.failed);
    }
    sheet_close(s);
    free(data);
}

static void *worker(void *arg)
{
    int64_t id = (int64_t)(intptr_t)arg;
    char errbuf[256];
    db *d = db_open(server_cfg.db_url, errbuf, sizeof errbuf);
    if (!d) {
        log_error("import %lld: database: %s", (long long)id, errbuf);
    } else {
        struct job j = {.d = d, .a = arena_new(1 << 16), .ra = arena_new(1 << 16)};
        run(&j, id);
        free(j.seen.keys);
        free(j.seen.rows);
        arena_free(j.a);
        arena_free(j.ra);
        db_close(d);
    }
    active_remove(id);
    return NULL;
}

void import_spawn(int64_t import_id)
{
    if (!active_add(import_id))
        return;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, worker, (void *)(intptr_t)import_id) != 0) {
        log_error("import %lld: cannot start a thread", (long long)import_id);
        active_remove(import_id);
    }
    pthread_attr_destroy(&attr);
}

void imports_resume(void)
{
    char errbuf[256];
    db *d = db_open(server_cfg.db_url, errbuf, sizeof errbuf);
    if (!d) {
        log_error("imports: database: %s", errbuf);
        return;
    }
    arena *a = arena_new(4096);
    int64_t *ids;
    int n = 0;
    if (import_sql_running(d, a, &ids, &n) == DB_OK)
        for (int i = 0; i < n; i++) {
            log_info("import %lld: resuming after its last committed batch", (long long)ids[i]);
            import_spawn(ids[i]);
        }
    arena_free(a);
    db_close(d);
}
