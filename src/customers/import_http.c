/*
 * import_http.c — the import routes (CUS-12): templates, upload (a raw body: the
 * file itself), start with the options, progress, and the error report.
 */
#include "auth/auth.h"
#include "core/log.h"
#include "core/sheet.h"
#include "core/util.h"
#include "customers.h"
#include "import.h"

#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define PREVIEW_ROWS 5

/* ---- templates -------------------------------------------------------------------- */

static const char *field_label(int f, bool en)
{
    return en ? import_fields[f].en : import_fields[f].zh;
}

/* "姓名*": the header the template gives a field (required ones marked). */
static const char *template_header(arena *a, int f, bool en)
{
    return arena_printf(a, "%s%s", field_label(f, en), import_fields[f].required ? "*" : "");
}

int handle_import_template_csv(req *r)
{
    FILE *f = tmpfile();
    if (!f)
        return req_fail(r, E_INTERNAL, NULL);
    fputs("\xef\xbb\xbf", f); /* Excel opens UTF-8 CSV correctly only with the BOM */
    for (int i = 0; i < IF_COUNT; i++)
        csv_put_cell(f, template_header(r->a, i, r->lang_en), i == 0);
    fputs("\r\n", f);
    return customers_send_file(r, f, "text/csv; charset=utf-8", r->lang_en ? "customer-import.csv" : "客户导入模板.csv");
}

int handle_import_template_xlsx(req *r)
{
    char path[] = "/tmp/fincrm-template-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return req_fail(r, E_INTERNAL, NULL);
    close(fd);
    bool en = r->lang_en;
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, en ? "Customers" : "客户") : NULL;
    lxw_worksheet *help = wb ? workbook_add_worksheet(wb, en ? "Notes" : "填写说明") : NULL;
    if (!ws || !help) {
        if (wb)
            workbook_close(wb);
        unlink(path);
        return req_fail(r, E_INTERNAL, NULL);
    }
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xE8F0FE);
    lxw_format *req_head = workbook_add_format(wb);
    format_set_bold(req_head);
    format_set_bg_color(req_head, 0xE8F0FE);
    format_set_font_color(req_head, LXW_COLOR_RED);
    lxw_format *text = workbook_add_format(wb);
    format_set_num_format(text, "@"); /* phones and ID numbers stay text, not 1.38E+10 */
    for (int i = 0; i < IF_COUNT; i++) {
        worksheet_write_string(ws, 0, (lxw_col_t)i, template_header(r->a, i, en),
                               import_fields[i].required ? req_head : head);
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i == IF_ADDRESS || i == IF_EMPLOYER ? 30 : 18, text);
    }
    worksheet_freeze_panes(ws, 1, 0);

    static const char *const notes_zh[IF_COUNT] = {
        [IF_CUSTOMER_NO] = "可空；按客户号匹配时必填",
        [IF_NAME] = "必填",
        [IF_KIND] = "对私 或 对公，空为对私",
        [IF_MOBILE] = "必填，11 位手机号，可带 +86；同一文件内重复的手机号只导入第一行",
        [IF_ID_TYPE] = "居民身份证、统一社会信用代码 或 护照；空时按客户类型",
        [IF_ID_NUMBER] = "居民身份证须为 18 位并通过校验",
        [IF_GENDER] = "男 或 女；空时按身份证号",
        [IF_BIRTH_DATE] = "YYYY-MM-DD；空时按身份证号",
        [IF_ADDRESS] = "",
        [IF_OCCUPATION] = "",
        [IF_EMPLOYER] = "",
        [IF_SOURCE] = "必填，须为已配置的客户来源（代码或名称）",
        [IF_TAGS] = "多个标签用逗号或顿号分隔，须为已有标签",
    };
    static const char *const notes_en[IF_COUNT] = {
        [IF_CUSTOMER_NO] = "optional; required when matching by customer number",
        [IF_NAME] = "required",
        [IF_KIND] = "individual or corporate; empty: individual",
        [IF_MOBILE] = "required, 11-digit mobile number, +86 allowed; a phone repeated in the file is taken once",
        [IF_ID_TYPE] = "resident ID, unified social credit code or passport; empty: by kind",
        [IF_ID_NUMBER] = "resident IDs: 18 characters with a valid check digit",
        [IF_GENDER] = "male or female; empty: from the resident ID",
        [IF_BIRTH_DATE] = "YYYY-MM-DD; empty: from the resident ID",
        [IF_ADDRESS] = "",
        [IF_OCCUPATION] = "",
        [IF_EMPLOYER] = "",
        [IF_SOURCE] = "required: a configured customer source (code or name)",
        [IF_TAGS] = "several tags separated by commas; existing tags only",
    };
    worksheet_write_string(help, 0, 0, en ? "Column" : "列", head);
    worksheet_write_string(help, 0, 1, en ? "Notes" : "说明", head);
    for (int i = 0; i < IF_COUNT; i++) {
        worksheet_write_string(help, (lxw_row_t)i + 1, 0, template_header(r->a, i, en), NULL);
        worksheet_write_string(help, (lxw_row_t)i + 1, 1, en ? notes_en[i] : notes_zh[i], NULL);
    }
    const char **codes, **names;
    int n = 0;
    if (import_sql_sources(r->db, r->a, &codes, &names, &n) != DB_OK) {
        workbook_close(wb);
        unlink(path);
        return req_fail(r, E_INTERNAL, NULL);
    }
    lxw_row_t at = IF_COUNT + 2;
    worksheet_write_string(help, at++, 0, en ? "Customer sources" : "客户来源", head);
    for (int i = 0; i < n; i++, at++) {
        worksheet_write_string(help, at, 0, codes[i], NULL);
        worksheet_write_string(help, at, 1, names[i], NULL);
    }
    worksheet_set_column(help, 0, 0, 18, NULL);
    worksheet_set_column(help, 1, 1, 70, NULL);
    if (workbook_close(wb) != LXW_NO_ERROR) {
        unlink(path);
        return req_fail(r, E_INTERNAL, NULL);
    }
    FILE *f = fopen(path, "rb");
    unlink(path);
    if (!f)
        return req_fail(r, E_INTERNAL, NULL);
    return customers_send_file(r, f, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               en ? "customer-import.xlsx" : "客户导入模板.xlsx");
}

/* ---- upload ------------------------------------------------------------------------ */

/* The file name the client gave, without a path; "" when absent. */
static const char *upload_name(req *r)
{
    const char *n = req_query(r, "filename");
    if (!n)
        return "";
    const char *slash = strrchr(n, '/'), *back = strrchr(n, '\\');
    if (slash || back)
        n = (slash > back ? slash : back) + 1;
    size_t len = strlen(n);
    if (len > 200 || !utf8_valid(n, len))
        return "";
    return n;
}

static int sheet_fail_req(req *r, err e, int64_t row)
{
    return req_fail(r, e, row > 0 ? arena_printf(r->a, "row:%lld", (long long)row) : NULL);
}

static void write_fields(jw *w, bool en)
{
    jw_karr(w, "fields");
    for (int f = 0; f < IF_COUNT; f++) {
        jw_obj(w);
        jw_kstr(w, "field", import_fields[f].field);
        jw_kstr(w, "label", field_label(f, en));
        jw_kbool(w, "required", import_fields[f].required);
        jw_end(w);
    }
    jw_end(w);
}

int handle_import_upload(req *r)
{
    const struct access *acc = req_access(r);
    const char *filename = upload_name(r);
    err e;
    sheet *s = sheet_open(r->body, r->body_len, NULL, &e);
    if (!s)
        return req_fail(r, e, NULL);
    const char *format = sheet_format_of(s) == SHEET_XLSX ? "xlsx" : "csv";

    /* read it all now: a bad file is refused at once, with the row where it went bad */
    struct sheet_row row;
    const char **header = NULL;
    int nheader = 0, npreview = 0;
    struct {
        int64_t no;
        int n;
        const char **cells;
    } preview[PREVIEW_ROWS];
    int64_t total = 0;
    while ((e = sheet_next(s, &row)) == E_OK && row.cells) {
        if (sheet_row_blank(&row))
            continue;
        const char ***dst = NULL;
        if (!header) {
            dst = &header;
            nheader = row.n;
        } else {
            total++;
            if (npreview < PREVIEW_ROWS) {
                preview[npreview].no = row.no;
                preview[npreview].n = row.n;
                dst = &preview[npreview++].cells;
            }
        }
        if (dst) {
            const char **c = arena_alloc(r->a, (size_t)(row.n + 1) * sizeof *c);
            for (int i = 0; i < row.n; i++)
                c[i] = arena_strdup(r->a, row.cells[i]);
            *dst = c;
        }
    }
    int64_t bad_row = sheet_error_row(s);
    sheet_close(s);
    if (e != E_OK)
        return sheet_fail_req(r, e, bad_row);
    if (!header)
        return req_fail(r, E_IMPORT_FILE_EMPTY, NULL);
    if (total == 0)
        return req_fail(r, E_IMPORT_NO_DATA, NULL);

    int col[IF_COUNT];
    import_suggest_mapping(header, nheader, col);

    json_t *h = json_array();
    for (int i = 0; i < nheader; i++)
        json_array_append_new(h, json_string(header[i]));
    json_t *opts = json_pack("{s:o}", "header", h);
    char *opts_text = json_dumps(opts, JSON_COMPACT);
    json_decref(opts);
    size_t b64cap = sodium_base64_ENCODED_LEN(r->body_len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = arena_alloc(r->a, b64cap);
    sodium_bin2base64(b64, b64cap, (const unsigned char *)r->body, r->body_len, sodium_base64_VARIANT_ORIGINAL);

    int64_t id = 0;
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = import_sql_create(r->db, acc->user_id, r->client_ip, filename, format, total, opts_text, b64, &id);
    if (rc == DB_OK)
        rc = db_commit(r->db);
    free(opts_text);
    if (rc != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);

    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "id", id);
    jw_kstr(w, "state", "uploaded");
    jw_kstr(w, "format", format);
    jw_kstr(w, "filename", filename);
    jw_kint(w, "total_rows", total);
    jw_karr(w, "header");
    for (int i = 0; i < nheader; i++)
        jw_str(w, header[i]);
    jw_end(w);
    jw_karr(w, "preview");
    for (int p = 0; p < npreview; p++) {
        jw_obj(w);
        jw_kint(w, "row", preview[p].no);
        jw_karr(w, "cells");
        for (int i = 0; i < preview[p].n; i++)
            jw_str(w, preview[p].cells[i]);
        jw_end(w);
        jw_end(w);
    }
    jw_end(w);
    jw_kobj(w, "mapping");
    for (int f = 0; f < IF_COUNT; f++)
        if (col[f] >= 0)
            jw_kint(w, import_fields[f].field, col[f]);
    jw_end(w);
    write_fields(w, r->lang_en);
    jw_end(w);
    return 201;
}

/* ---- status ------------------------------------------------------------------------- */

/* The caller's own import; fails with 404 for anyone else's. */
static bool load_own(req *r, int64_t id, struct import_row_state *st)
{
    int rc = import_sql_get(r->db, r->a, id, st);
    if (rc == DB_ERROR) {
        req_fail(r, E_INTERNAL, NULL);
        return false;
    }
    if (rc != DB_ROW || st->user_id != req_access(r)->user_id) {
        req_fail(r, E_IMPORT_NOT_FOUND, NULL);
        return false;
    }
    return true;
}

static void write_status(req *r, const struct import_row_state *st)
{
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "id", st->id);
    jw_kstr(w, "state", st->state);
    jw_kstr(w, "filename", st->filename);
    jw_kstr(w, "format", st->format);
    jw_kint(w, "total_rows", st->total_rows);
    jw_kint(w, "processed", st->processed);
    jw_kint(w, "inserted", st->inserted);
    jw_kint(w, "updated", st->updated);
    jw_kint(w, "skipped", st->skipped);
    jw_kint(w, "failed", st->failed);
    jw_kint(w, "percent", st->total_rows ? st->processed * 100 / st->total_rows : 0);
    if (st->error) {
        const struct err_info *ei = NULL;
        for (int e = E_IMPORT_FILE_EMPTY; e <= E_EXPORT_TOO_LARGE && !ei; e++)
            if (strcmp(err_info((err)e)->code, st->error) == 0)
                ei = err_info((err)e);
        if (!ei)
            ei = err_info(E_INTERNAL);
        jw_kobj(w, "error");
        jw_kstr(w, "code", st->error);
        jw_kstr(w, "message", r->lang_en ? ei->en : ei->zh);
        jw_end(w);
    } else {
        jw_knull(w, "error");
    }
    jw_kstr(w, "target", st->target);
    jw_kint(w, "created_at", st->created_at);
    if (st->started_at)
        jw_kint(w, "started_at", st->started_at);
    else
        jw_knull(w, "started_at");
    if (st->finished_at)
        jw_kint(w, "finished_at", st->finished_at);
    else
        jw_knull(w, "finished_at");
    jw_end(w);
}

int handle_import_get(req *r)
{
    int64_t id;
    struct import_row_state st;
    if (!req_param_id(r, 0, &id) || !load_own(r, id, &st))
        return req_status(r);
    write_status(r, &st);
    return 200;
}

/* ---- start -------------------------------------------------------------------------- */

static int header_count(const char *options)
{
    json_t *j = json_loads(options ? options : "{}", 0, NULL);
    int n = j ? (int)json_array_size(json_object_get(j, "header")) : 0;
    json_decref(j);
    return n;
}

static int name_of(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* The start options keep the file's header (for the error report). */
static char *merged_options(req *r, const char *prev, const struct import_options *o)
{
    json_t *j = json_loads(prev ? prev : "{}", 0, NULL);
    json_t *n = json_loads(import_options_json(r->a, o), 0, NULL);
    if (!j)
        j = json_object();
    json_object_update(j, n);
    json_decref(n);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char *out = arena_strdup(r->a, s);
    free(s);
    return out;
}

int handle_import_start(req *r)
{
    const struct access *acc = req_access(r);
    int64_t id;
    struct import_row_state st;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    json_t *body = req_json_object(r);
    if (!body || !load_own(r, id, &st))
        return req_status(r);
    if (strcmp(st.state, "uploaded") != 0)
        return req_fail(r, E_IMPORT_STATE, NULL);

    struct import_options o;
    int ncols = header_count(st.options);
    json_t *m = json_object_get(body, "mapping");
    if (!json_is_object(m))
        return req_fail(r, E_IMPORT_MAPPING, "mapping");
    for (int f = 0; f < IF_COUNT; f++)
        o.col[f] = -1;
    const char *key;
    json_t *val;
    bool used[256] = {0};
    json_object_foreach(m, key, val)
    {
        int f = 0;
        while (f < IF_COUNT && strcmp(import_fields[f].field, key) != 0)
            f++;
        if (json_is_null(val))
            continue;
        if (f == IF_COUNT || !json_is_integer(val) || json_integer_value(val) < 0 ||
            json_integer_value(val) >= ncols || used[json_integer_value(val)])
            return req_fail(r, E_IMPORT_MAPPING, arena_printf(r->a, "mapping.%s", key));
        o.col[f] = (int)json_integer_value(val);
        used[o.col[f]] = true;
    }
    for (int f = 0; f < IF_COUNT; f++)
        if (import_fields[f].required && o.col[f] < 0)
            return req_fail(r, E_IMPORT_MAPPING_REQUIRED, import_fields[f].field);

    static const char *const matches[] = {"phone", "id_number", "customer_no"};
    static const char *const ons[] = {"skip", "update"};
    static const char *const targets[] = {"me", "user", "unit"};
    const char *match = req_str_field(r, body, "match", false);
    const char *on = req_str_field(r, body, "on_match", false);
    const char *target = req_str_field(r, body, "target", false);
    if (r->error)
        return req_status(r);
    int mi = match ? name_of(match, matches, 3) : 0, oi = on ? name_of(on, ons, 2) : 0;
    int ti = target ? name_of(target, targets, 3) : 0;
    if (mi < 0)
        return req_fail(r, E_IMPORT_MATCH, "match");
    if (oi < 0)
        return req_fail(r, E_IMPORT_MATCH, "on_match");
    if (ti < 0)
        return req_fail(r, E_IMPORT_TARGET, "target");
    o.match = (enum import_match)mi;
    o.update = oi == 1;
    o.target = (enum import_target)ti;
    if (o.match == MATCH_ID_NUMBER && o.col[IF_ID_NUMBER] < 0)
        return req_fail(r, E_IMPORT_MAPPING_REQUIRED, "id_number");
    if (o.match == MATCH_CUSTOMER_NO && o.col[IF_CUSTOMER_NO] < 0)
        return req_fail(r, E_IMPORT_MAPPING_REQUIRED, "customer_no");

    /* the target: imported customers stay inside the importer's data scope (ORG-4) */
    int64_t target_user = 0, target_unit = acc->unit_id;
    o.target_user = 0;
    if (o.target == TARGET_USER) {
        bool present, found;
        if (!req_int_field(r, body, "target_user", true, &target_user, &present))
            return req_status(r);
        if (import_sql_target_user(r->db, r->a, acc, target_user, &target_unit, &found) != DB_OK)
            return req_fail(r, E_INTERNAL, NULL);
        if (!found)
            return req_fail(r, E_IMPORT_TARGET_SCOPE, "target_user");
        o.target_user = target_user;
    } else if (o.target == TARGET_UNIT) {
        if (acc->scope == SCOPE_SELF || acc->scope == SCOPE_SELF_AND_REPORTS)
            return req_fail(r, E_IMPORT_TARGET_SCOPE, "target");
    } else {
        target_user = acc->user_id;
    }

    int64_t running;
    if (import_sql_running_of(r->db, acc->user_id, &running) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    if (running > 0)
        return req_fail(r, E_IMPORT_BUSY, NULL);
    bool started = false;
    int rc = import_sql_start(r->db, id, merged_options(r, st.options, &o), targets[ti], target_user, target_unit,
                              &started);
    if (rc != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    if (!started)
        return req_fail(r, E_IMPORT_STATE, NULL);
    import_spawn(id);
    if (import_sql_get(r->db, r->a, id, &st) != DB_ROW)
        return req_fail(r, E_INTERNAL, NULL);
    write_status(r, &st);
    return 202;
}

/* ---- the error report ------------------------------------------------------------------- */

static const char *column_letters(arena *a, int col)
{
    char buf[8];
    int n = 0;
    for (col++; col > 0 && n < 7; col = (col - 1) / 26)
        buf[n++] = (char)('A' + (col - 1) % 26);
    char *out = arena_alloc(a, (size_t)n + 1);
    for (int i = 0; i < n; i++)
        out[i] = buf[n - 1 - i];
    out[n] = '\0';
    return out;
}

int handle_import_errors(req *r)
{
    int64_t id;
    struct import_row_state st;
    if (!req_param_id(r, 0, &id) || !load_own(r, id, &st))
        return req_status(r);
    struct import_options o;
    for (int f = 0; f < IF_COUNT; f++)
        o.col[f] = -1;
    import_options_parse(st.options, &o);
    json_t *opts = json_loads(st.options, 0, NULL);
    json_t *header = opts ? json_object_get(opts, "header") : NULL;

    FILE *f = tmpfile();
    db_stmt *q = f ? import_sql_errors(r->db, id) : NULL;
    if (!q) {
        json_decref(opts);
        if (f)
            fclose(f);
        return req_fail(r, E_INTERNAL, NULL);
    }
    bool en = r->lang_en;
    fputs("\xef\xbb\xbf", f);
    const char *titles[] = {en ? "Row" : "行号", en ? "Column" : "列", en ? "Field" : "字段", en ? "Value" : "值",
                            en ? "Result" : "结果", en ? "Reason" : "原因"};
    for (size_t i = 0; i < ARRAY_LEN(titles); i++)
        csv_put_cell(f, titles[i], i == 0);
    fputs("\r\n", f);
    int rc;
    while ((rc = db_step(q)) == DB_ROW) {
        const char *field = db_col_text(q, 1);
        int fi = 0;
        while (fi < IF_COUNT && strcmp(import_fields[fi].field, field) != 0)
            fi++;
        const char *column = "", *label = "";
        if (fi < IF_COUNT) {
            label = field_label(fi, en);
            int c = o.col[fi];
            const char *h = c >= 0 ? json_string_value(json_array_get(header, (size_t)c)) : NULL;
            if (c >= 0)
                column = arena_printf(r->a, "%s (%s)", h ? h : "", column_letters(r->a, c));
        }
        csv_put_cell(f, arena_printf(r->a, "%lld", (long long)db_col_int64(q, 0)), true);
        csv_put_cell(f, column, false);
        csv_put_cell(f, label, false);
        csv_put_cell(f, db_col_text(q, 2), false);
        csv_put_cell(f, db_col_int64(q, 4) ? (en ? "skipped" : "跳过") : (en ? "refused" : "失败"), false);
        csv_put_cell(f, import_reason_text(db_col_text(q, 3), en), false);
        fputs("\r\n", f);
    }
    db_reset(q);
    json_decref(opts);
    if (rc != DB_DONE) {
        fclose(f);
        return req_fail(r, E_INTERNAL, NULL);
    }
    return customers_send_file(r, f, "text/csv; charset=utf-8",
                               arena_printf(r->a, en ? "import-%lld-errors.csv" : "导入错误报告-%lld.csv",
                                            (long long)id));
}
