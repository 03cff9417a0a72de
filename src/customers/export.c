/*
 * export.c — the customer export (CUS-13) and the file responses of import and
 * export. The export reads the list's own filter and scoped query
 * (customer_filter_from_query, customers_sql_query) and applies the list's field
 * security: hidden fields are left out, masked ones carry stars unless the caller is
 * the customer's custodian (AUTH-8). Rows stream from the statement into a temporary
 * file (CSV, or XLSX through libxlsxwriter in constant-memory mode) that becomes the
 * response body; no row array is held. The file carries a watermark (exporter and
 * time: an info line in the CSV, an info row plus page header and footer in the
 * XLSX), cells that could start a formula get an apostrophe, and the export is
 * audited with its row count and filter.
 */
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "customers.h"
#include "import.h"

#include <jansson.h>
#include <microhttpd.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define EXPORT_MAX_ROWS 200000
#define MAX_FIELDS 64

/* ---- shared file helpers -------------------------------------------------------------- */

const char *cell_neutral(arena *a, const char *v)
{
    if (v && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
        return arena_printf(a, "'%s", v);
    return v;
}

void csv_put_cell(FILE *f, const char *v, bool first)
{
    if (!first)
        fputc(',', f);
    if (!v)
        return;
    bool neutral = v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r';
    if (!neutral && !strpbrk(v, ",\"\r\n")) {
        fputs(v, f);
        return;
    }
    fputc('"', f);
    if (neutral)
        fputc('\'', f);
    for (; *v; v++) {
        if (*v == '"')
            fputc('"', f);
        fputc(*v, f);
    }
    fputc('"', f);
}

/* RFC 5987 filename*: UTF-8, percent-encoded. */
static const char *disposition(arena *a, const char *filename)
{
    size_t n = strlen(filename);
    char *enc = arena_alloc(a, 3 * n + 1), *p = enc;
    char *ascii = arena_alloc(a, n + 1), *q = ascii;
    for (const unsigned char *s = (const unsigned char *)filename; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("-._", *s)) {
            *p++ = (char)*s;
            *q++ = (char)*s;
        } else {
            p += sprintf(p, "%%%02X", *s);
            if (*s < 0x80)
                *q++ = '_';
        }
    }
    *p = *q = '\0';
    const char *dot = strrchr(filename, '.');
    if (strlen(enc) != strlen(ascii)) /* not all ASCII: a plain name for old clients */
        ascii = arena_printf(a, "download%s", dot ? dot : "");
    return arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

int customers_send_file(req *r, FILE *f, const char *content_type, const char *filename)
{
    struct stat sb;
    int fd = -1;
    if (fflush(f) == 0 && fstat(fileno(f), &sb) == 0)
        fd = dup(fileno(f));
    fclose(f);
    if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0) {
        if (fd >= 0)
            close(fd);
        return req_fail(r, E_INTERNAL, NULL);
    }
    r->out_fd = fd;
    r->out_fd_size = (uint64_t)sb.st_size;
    r->content_type = content_type;
    req_header(r, "Content-Disposition", disposition(r->a, filename));
    return 200;
}

/* ---- the export ------------------------------------------------------------------------------ */

/* The list column of each catalogue field that the list query selects. */
static int export_col(const char *field)
{
    static const struct {
        const char *field;
        int col;
    } map[] = {
        {"customer_no", CC_NO},  {"name", CC_NAME},           {"kind", CC_KIND},
        {"status", CC_STATUS},   {"gender", CC_GENDER},       {"birth_date", CC_BIRTH_DATE},
        {"id_type", CC_ID_TYPE}, {"id_number", CC_ID_NUMBER}, {"mobile", CC_MOBILE},
        {"address", CC_ADDRESS},
    };
    for (size_t i = 0; i < ARRAY_LEN(map); i++)
        if (strcmp(map[i].field, field) == 0)
            return map[i].col;
    return -1;
}

/* Code values in words, as a person reads them. */
static const char *value_words(const char *field, const char *v, bool en)
{
    static const struct {
        const char *field, *code, *zh, *en;
    } words[] = {
        {"kind", "individual", "对私", "Individual"},  {"kind", "corporate", "对公", "Corporate"},
        {"status", "potential", "潜在客户", "Potential"}, {"status", "existing", "我行客户", "Existing"},
        {"gender", "M", "男", "Male"},                 {"gender", "F", "女", "Female"},
        {"id_type", "resident_id", "居民身份证", "Resident ID"},
        {"id_type", "uscc", "统一社会信用代码", "Unified social credit code"},
        {"id_type", "passport", "护照", "Passport"},
        {"watch_list", "black", "黑名单", "Black list"}, {"watch_list", "grey", "灰名单", "Grey list"},
    };
    for (size_t i = 0; v && i < ARRAY_LEN(words); i++)
        if (strcmp(words[i].field, field) == 0 && strcmp(words[i].code, v) == 0)
            return en ? words[i].en : words[i].zh;
    return v;
}

struct column {
    const char *title;
    const char *field;       /* catalogue field, or NULL for the extra columns */
    struct field_rule rule;
    int col;                 /* CC_* */
};

struct out { /* one of the two writers */
    FILE *csv;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *head;
    lxw_row_t row;
};

static void out_row(struct out *o, arena *a, const char *const *cells, int n, bool head)
{
    if (o->csv) {
        for (int i = 0; i < n; i++)
            csv_put_cell(o->csv, cells[i], i == 0);
        fputs("\r\n", o->csv);
    } else {
        for (int i = 0; i < n; i++)
            if (cells[i])
                worksheet_write_string(o->ws, o->row, (lxw_col_t)i, cell_neutral(a, cells[i]), head ? o->head : NULL);
        o->row++;
    }
}

/* Is this field masked for the caller on this row (the list's rule)? */
static bool masked(const struct field_rule *rule, bool custodian)
{
    if (custodian || rule->access == FIELD_HIDDEN)
        return false;
    return rule->masking == MASK_ALL || rule->masking == MASK_LIST;
}

static const char *local_time(arena *a, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return arena_strdup(a, buf);
}

/* The list filter as given: every query parameter but the format. */
static enum MHD_Result add_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    if (strcmp(key, "format") != 0 && utf8_valid(key, strlen(key)) && (!value || utf8_valid(value, strlen(value))))
        json_object_set_new(cls, key, value ? json_string(value) : json_null());
    return MHD_YES;
}

int handle_customers_export(req *r)
{
    const struct access *acc = req_scope(r);
    if (!acc)
        return req_fail(r, E_INTERNAL, NULL);
    const char *format = req_query(r, "format");
    if (!format)
        format = "csv";
    bool xlsx = strcmp(format, "xlsx") == 0;
    if (!xlsx && strcmp(format, "csv") != 0)
        return req_fail(r, E_EXPORT_FORMAT, "format");
    struct customer_filter filter;
    if (!customer_filter_from_query(r, &filter))
        return req_status(r);
    bool en = r->lang_en;

    /* how many: an export is bounded */
    sqlb q = {.a = r->a};
    customers_sql_query(&q, acc, &filter, 0, true);
    db_stmt *st = sqlb_prepare(&q, r->db);
    if (!st || db_step(st) != DB_ROW) {
        if (st)
            db_reset(st);
        return req_fail(r, E_INTERNAL, NULL);
    }
    int64_t total = db_col_int64(st, 0);
    db_reset(st);
    if (total > EXPORT_MAX_ROWS)
        return req_fail(r, E_EXPORT_TOO_LARGE, NULL);

    /* the columns: the list's fields the caller may see, then unit, custodian, level, watch list */
    struct field_rule rules[MAX_FIELDS];
    if (ncustomer_fields > MAX_FIELDS || field_rules_load(r->db, r->a, acc->role_id, rules) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    struct column cols[MAX_FIELDS + 4];
    int ncols = 0;
    for (int i = 0; i < ncustomer_fields; i++) {
        int c = export_col(rules[i].field);
        if (c < 0 || rules[i].access == FIELD_HIDDEN)
            continue;
        const struct field_info *fi = customer_field_find(rules[i].field);
        cols[ncols++] = (struct column){en ? fi->en : fi->zh, fi->field, rules[i], c};
    }
    cols[ncols++] = (struct column){en ? "Unit" : "所属机构", NULL, {0}, CC_UNIT_NAME};
    cols[ncols++] = (struct column){en ? "Custodian" : "主管护人", NULL, {0}, CC_MANAGER_NAME};
    cols[ncols++] = (struct column){en ? "Star level" : "星级", NULL, {0}, CC_LEVEL};
    cols[ncols++] = (struct column){en ? "Watch list" : "黑灰名单", NULL, {0}, CC_WATCH_LIST};

    /* the watermark: who exported, when */
    int64_t now = now_ms();
    const char *who = r->session->profile.display_name ? r->session->profile.display_name : "";
    const char *when = local_time(r->a, now);
    const char *mark = en ? arena_printf(r->a, "Exported by %s (%s) at %s, %lld rows. Confidential.", who,
                                         r->session->username, when, (long long)total)
                          : arena_printf(r->a, "导出人：%s（%s）  导出时间：%s  共 %lld 行  内部资料，注意保密", who,
                                         r->session->username, when, (long long)total);

    struct out o = {0};
    char path[] = "/tmp/fincrm-export-XXXXXX";
    if (xlsx) {
        int fd = mkstemp(path);
        if (fd < 0)
            return req_fail(r, E_INTERNAL, NULL);
        close(fd);
        lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
        o.wb = workbook_new_opt(path, &wo);
        o.ws = o.wb ? workbook_add_worksheet(o.wb, en ? "Customers" : "客户") : NULL;
        if (!o.ws) {
            if (o.wb)
                workbook_close(o.wb);
            unlink(path);
            return req_fail(r, E_INTERNAL, NULL);
        }
        o.head = workbook_add_format(o.wb);
        format_set_bold(o.head);
        /* page header and footer carry the watermark on every printed page */
        const char *hdr = arena_printf(r->a, "&L%s&R%s", who, when);
        worksheet_set_header(o.ws, hdr);
        worksheet_set_footer(o.ws, arena_printf(r->a, "&L%s&R&P / &N", en ? "Confidential" : "内部资料，注意保密"));
        for (int i = 0; i < ncols; i++)
            worksheet_set_column(o.ws, (lxw_col_t)i, (lxw_col_t)i, 16, NULL);
        worksheet_write_string(o.ws, 0, 0, mark, NULL);
        o.row = 1;
    } else {
        o.csv = tmpfile();
        if (!o.csv)
            return req_fail(r, E_INTERNAL, NULL);
        fputs("\xef\xbb\xbf", o.csv);
        csv_put_cell(o.csv, mark, true);
        fputs("\r\n", o.csv);
    }
    const char *titles[MAX_FIELDS + 4];
    for (int i = 0; i < ncols; i++)
        titles[i] = cols[i].title;
    out_row(&o, r->a, titles, ncols, true);

    sqlb rq = {.a = r->a};
    customers_sql_query(&rq, acc, &filter, 0, false);
    st = sqlb_prepare(&rq, r->db);
    int rc = st ? DB_ROW : DB_ERROR;
    int64_t rows = 0;
    arena *ra = arena_new(16384); /* per row */
    while (st && (rc = db_step(st)) == DB_ROW) {
        bool custodian = db_col_int64(st, CC_CUSTODIAN) != 0;
        const char *cells[MAX_FIELDS + 4];
        for (int i = 0; i < ncols; i++) {
            const struct column *c = &cols[i];
            const char *v = db_col_null(st, c->col) ? NULL : db_col_text(st, c->col);
            if (v && c->field && masked(&c->rule, custodian))
                v = mask_value(ra, c->field, v);
            else if (v)
                v = value_words(c->field ? c->field : c->col == CC_WATCH_LIST ? "watch_list" : "", v, en);
            cells[i] = v;
        }
        out_row(&o, ra, cells, ncols, false);
        arena_clear(ra);
        rows++;
    }
    if (st)
        db_reset(st);
    arena_free(ra);
    FILE *f = o.csv;
    if (o.wb) {
        lxw_error le = workbook_close(o.wb);
        f = le == LXW_NO_ERROR ? fopen(path, "rb") : NULL;
        unlink(path);
    }
    if (rc != DB_DONE || !f) {
        if (f)
            fclose(f);
        return req_fail(r, E_INTERNAL, NULL);
    }

    /* AUTH-7: who exported what, how many rows, under which filter */
    json_t *fj = json_object();
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_param, fj);
    json_t *dj = json_pack("{s:s, s:I, s:o}", "format", format, "rows", (json_int_t)rows, "filter", fj);
    char *detail = json_dumps(dj, JSON_COMPACT);
    json_decref(dj);
    int arc = req_audit(r, "customer.exported", "customer", 0, detail);
    free(detail);
    if (arc != DB_OK) {
        fclose(f);
        return req_fail(r, E_INTERNAL, NULL);
    }
    const char *stamp = local_time(r->a, now);
    char name[64];
    snprintf(name, sizeof name, "%s-%.4s%.2s%.2s-%.2s%.2s.%s", en ? "customers" : "客户", stamp, stamp + 5, stamp + 8,
             stamp + 11, stamp + 14, xlsx ? "xlsx" : "csv");
    return customers_send_file(r, f,
                               xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                    : "text/csv; charset=utf-8",
                               name);
}
