/*
 * xlsx_read.c — the XLSX reader of sheet.h: libzip opens the package from memory,
 * expat reads xl/workbook.xml and its relationships to find the first worksheet and
 * the shared strings, loads the shared strings, then streams the worksheet in chunks
 * so that rows come out as they are found. Cell values are the stored ones (a
 * formula's cached result); numbers are kept as written, except that an integer
 * written in exponent form (1.3812345678E10) is spelled out. A DTD or entity
 * declaration in any part stops the parse; every member read is capped.
 */
#include "sheet_impl.h"
#include "util.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define CHUNK (64u << 10)
#define MAX_STRINGS 5000000

struct strs { /* the shared strings: offsets into one buffer */
    char *buf;
    size_t len, cap;
    size_t *off;
    size_t n, ncap;
};

struct xlsx {
    zip_t *zip;
    struct strs ss;
    /* the worksheet being streamed */
    zip_file_t *zf;
    XML_Parser p;
    size_t unpacked;
    bool eof;
};

/* ---- expat over one zip member -------------------------------------------------- */

struct part { /* the state every part parser shares */
    XML_Parser p;
    struct sheet *s;
    bool forbidden; /* a DTD or an entity declaration was seen */
};

static const char *local_name(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(local_name(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static void XMLCALL on_doctype(void *data, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int internal)
{
    (void)name, (void)sysid, (void)pubid, (void)internal;
    struct part *pt = data;
    pt->forbidden = true;
    XML_StopParser(pt->p, XML_FALSE);
}

static void XMLCALL on_entity(void *data, const XML_Char *name, int is_param, const XML_Char *value, int len,
                              const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)len, (void)base, (void)sysid, (void)pubid, (void)notation;
    struct part *pt = data;
    pt->forbidden = true;
    XML_StopParser(pt->p, XML_FALSE);
}

static XML_Parser part_parser(struct part *pt, XML_StartElementHandler start, XML_EndElementHandler end,
                              XML_CharacterDataHandler text)
{
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        abort();
    pt->p = p;
    XML_SetUserData(p, pt);
    XML_SetElementHandler(p, start, end);
    if (text)
        XML_SetCharacterDataHandler(p, text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity);
    return p;
}

static zip_file_t *open_member(struct sheet *s, struct xlsx *x, const char *name, bool required, err *e)
{
    *e = E_OK;
    zip_int64_t idx = zip_name_locate(x->zip, name, 0);
    if (idx < 0) {
        if (required)
            *e = sheet_fail(s, E_IMPORT_XLSX_BROKEN, 0);
        return NULL;
    }
    zip_stat_t st;
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0) {
        *e = sheet_fail(s, E_IMPORT_XLSX_BROKEN, 0);
        return NULL;
    }
    if ((st.valid & ZIP_STAT_SIZE) && st.size > s->lim.max_unpacked) {
        *e = sheet_fail(s, E_IMPORT_XLSX_TOO_BIG, 0);
        return NULL;
    }
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!zf)
        *e = sheet_fail(s, E_IMPORT_XLSX_BROKEN, 0);
    return zf;
}

/* The error of a parse that stopped. */
static err parse_error(struct sheet *s, struct part *pt)
{
    if (s->error)
        return s->error;
    return sheet_fail(s, pt->forbidden ? E_IMPORT_XML_FORBIDDEN : E_IMPORT_XLSX_BROKEN, s->rows + 1);
}

/* Reads chunk after chunk of zf into the parser; false after an error (set on s). */
static bool feed_chunk(struct sheet *s, struct part *pt, zip_file_t *zf, size_t *unpacked, bool *eof)
{
    char buf[CHUNK];
    zip_int64_t n = zip_fread(zf, buf, sizeof buf);
    if (n < 0) {
        sheet_fail(s, E_IMPORT_XLSX_BROKEN, s->rows + 1);
        return false;
    }
    *unpacked += (size_t)n;
    if (*unpacked > s->lim.max_unpacked) { /* the stated size may lie */
        sheet_fail(s, E_IMPORT_XLSX_TOO_BIG, s->rows + 1);
        return false;
    }
    *eof = n == 0;
    if (XML_Parse(pt->p, buf, (int)n, *eof) != XML_STATUS_OK) {
        parse_error(s, pt);
        return false;
    }
    if (s->error)
        return false;
    return true;
}

/* Parses a whole member with the given handlers. */
static err parse_member(struct sheet *s, struct xlsx *x, const char *name, bool required, struct part *pt,
                        XML_StartElementHandler start, XML_EndElementHandler end, XML_CharacterDataHandler text)
{
    err e;
    zip_file_t *zf = open_member(s, x, name, required, &e);
    if (!zf)
        return e;
    XML_Parser p = part_parser(pt, start, end, text);
    size_t unpacked = 0;
    bool eof = false;
    while (!eof && feed_chunk(s, pt, zf, &unpacked, &eof))
        ;
    XML_ParserFree(p);
    zip_fclose(zf);
    return s->error;
}

/* ---- workbook and relationships: where the first sheet is ------------------------- */

struct wb_part {
    struct part pt;
    char rid[128];
};

static void XMLCALL wb_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    struct wb_part *w = data;
    if (!w->rid[0] && strcmp(local_name(name), "sheet") == 0) {
        const char *id = attr(atts, "id");
        if (id)
            str_copy(w->rid, id, sizeof w->rid);
    }
}

static void XMLCALL no_end(void *data, const XML_Char *name)
{
    (void)data, (void)name;
}

struct rels_part {
    struct part pt;
    const char *rid;
    char sheet[512], strings[512];
};

/* A relationship target relative to xl/ (or absolute from the package root). */
static void target_path(char *out, size_t cap, const char *target)
{
    if (target[0] == '/')
        snprintf(out, cap, "%s", target + 1);
    else
        snprintf(out, cap, "xl/%s", target);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void XMLCALL rels_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    struct rels_part *r = data;
    if (strcmp(local_name(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
    if (!target)
        return;
    if (id && r->rid[0] && strcmp(id, r->rid) == 0)
        target_path(r->sheet, sizeof r->sheet, target);
    else if (type && ends_with(type, "/sharedStrings"))
        target_path(r->strings, sizeof r->strings, target);
}

/* ---- shared strings ----------------------------------------------------------------- */

struct ss_part {
    struct part pt;
    struct strs *ss;
    bool in_si, in_t, in_rph;
    size_t start; /* where the current string began in ss->buf */
};

static void strs_put(struct strs *ss, const char *v, size_t n)
{
    if (ss->len + n + 1 > ss->cap) {
        size_t cap = ss->cap ? ss->cap : 4096;
        while (cap < ss->len + n + 1)
            cap *= 2;
        ss->buf = realloc(ss->buf, cap);
        if (!ss->buf)
            abort();
        ss->cap = cap;
    }
    memcpy(ss->buf + ss->len, v, n);
    ss->len += n;
}

static void XMLCALL ss_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    struct ss_part *sp = data;
    const char *ln = local_name(name);
    if (strcmp(ln, "si") == 0) {
        sp->in_si = true;
        sp->start = sp->ss->len;
    } else if (sp->in_si && strcmp(ln, "rPh") == 0) {
        sp->in_rph = true; /* phonetic guide: not part of the text */
    } else if (sp->in_si && !sp->in_rph && strcmp(ln, "t") == 0) {
        sp->in_t = true;
    }
}

static void XMLCALL ss_end(void *data, const XML_Char *name)
{
    struct ss_part *sp = data;
    struct strs *ss = sp->ss;
    const char *ln = local_name(name);
    if (strcmp(ln, "t") == 0) {
        sp->in_t = false;
    } else if (strcmp(ln, "rPh") == 0) {
        sp->in_rph = false;
    } else if (strcmp(ln, "si") == 0 && sp->in_si) {
        sp->in_si = false;
        if (ss->n == MAX_STRINGS) {
            sheet_fail(sp->pt.s, E_IMPORT_XLSX_TOO_BIG, 0);
            XML_StopParser(sp->pt.p, XML_FALSE);
            return;
        }
        if (ss->n == ss->ncap) {
            ss->ncap = ss->ncap ? ss->ncap * 2 : 1024;
            ss->off = realloc(ss->off, ss->ncap * sizeof *ss->off);
            if (!ss->off)
                abort();
        }
        ss->off[ss->n++] = sp->start;
        strs_put(ss, "", 1);
    }
}

static void XMLCALL ss_text(void *data, const XML_Char *v, int n)
{
    struct ss_part *sp = data;
    if (!sp->in_t || sp->in_rph)
        return;
    /* a string longer than a cell may be is cut just past the limit: using it fails */
    size_t have = sp->ss->len - sp->start, room = sp->pt.s->lim.max_cell + 1;
    if (have >= room)
        return;
    size_t take = (size_t)n < room - have ? (size_t)n : room - have;
    strs_put(sp->ss, v, take);
}

/* ---- the worksheet ------------------------------------------------------------------ */

struct ws_part {
    struct part pt;
    struct xlsx *x;
    int64_t row, last_row;
    int col, last_col;
    char type[16];
    bool in_row, in_c, in_v, in_is, in_t, in_rph;
    char *text;
    size_t len, cap;
    bool too_long;
};

static void ws_fail(struct ws_part *w, err e)
{
    sheet_fail(w->pt.s, e, w->row ? w->row : w->last_row + 1);
    XML_StopParser(w->pt.p, XML_FALSE);
}

/* "BC12" → column 54 (0-based: 54); -1 when it is not a cell reference. */
static int ref_col(const char *ref)
{
    int col = 0, letters = 0;
    for (; *ref >= 'A' && *ref <= 'Z'; ref++) {
        if (++letters > 3)
            return -1;
        col = col * 26 + (*ref - 'A' + 1);
    }
    return letters ? col - 1 : -1;
}

static void XMLCALL ws_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    struct ws_part *w = data;
    struct sheet *s = w->pt.s;
    const char *ln = local_name(name);
    if (strcmp(ln, "row") == 0) {
        if (w->in_row) /* rows do not nest */
            return ws_fail(w, E_IMPORT_XLSX_BROKEN);
        const char *r = attr(atts, "r");
        int64_t no = w->last_row + 1;
        if (r) {
            char *end;
            long long v = strtoll(r, &end, 10);
            if (*end || v < 1)
                return ws_fail(w, E_IMPORT_XLSX_BROKEN);
            no = v;
        }
        if (no <= w->last_row)
            return ws_fail(w, E_IMPORT_XLSX_BROKEN);
        if (no > s->lim.max_rows)
            return ws_fail(w, E_IMPORT_TOO_MANY_ROWS);
        for (int64_t k = w->last_row + 1; k < no; k++) /* rows left out are empty rows */
            if (sheet_row_end(s, k) != E_OK)
                return ws_fail(w, s->error);
        w->last_row = no - 1;
        w->row = no;
        w->in_row = true;
        w->last_col = -1;
    } else if (w->in_row && strcmp(ln, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        int col = r ? ref_col(r) : w->last_col + 1;
        if (col < 0 || col <= w->last_col)
            return ws_fail(w, E_IMPORT_XLSX_BROKEN);
        w->col = col;
        str_copy(w->type, t ? t : "n", sizeof w->type);
        w->in_c = true;
        w->len = 0;
        w->too_long = false;
    } else if (w->in_c && strcmp(ln, "v") == 0) {
        w->in_v = true;
    } else if (w->in_c && strcmp(ln, "is") == 0) {
        w->in_is = true;
    } else if (w->in_is && strcmp(ln, "rPh") == 0) {
        w->in_rph = true;
    } else if (w->in_is && !w->in_rph && strcmp(ln, "t") == 0) {
        w->in_t = true;
    }
}

static void XMLCALL ws_text(void *data, const XML_Char *v, int n)
{
    struct ws_part *w = data;
    if (!(w->in_v || (w->in_t && !w->in_rph)))
        return;
    size_t room = w->pt.s->lim.max_cell + 1;
    if (w->len + (size_t)n > room) {
        w->too_long = true;
        n = (int)(room - w->len);
    }
    if (w->len + (size_t)n + 1 > w->cap) {
        w->cap = w->len + (size_t)n + 1 + 256;
        w->text = realloc(w->text, w->cap);
        if (!w->text)
            abort();
    }
    memcpy(w->text + w->len, v, (size_t)n);
    w->len += (size_t)n;
}

/* A number in exponent form that is a whole number is written out in full. */
static const char *plain_number(const char *v, char *buf, size_t cap)
{
    if (!strpbrk(v, "eE"))
        return v;
    char *end;
    double d = strtod(v, &end);
    if (*end || !isfinite(d) || fabs(d) >= 1e15 || d != floor(d))
        return v;
    snprintf(buf, cap, "%.0f", d);
    return buf;
}

static void ws_cell_end(struct ws_part *w)
{
    struct sheet *s = w->pt.s;
    if (w->too_long)
        return ws_fail(w, E_IMPORT_CELL_TOO_LONG);
    if (!w->text) {
        w->text = xmalloc(256);
        w->cap = 256;
    }
    w->text[w->len] = '\0';
    const char *v = w->text;
    size_t n = w->len;
    char num[64];
    if (strcmp(w->type, "s") == 0) {
        if (n == 0)
            return;
        char *end;
        unsigned long long i = strtoull(v, &end, 10);
        struct strs *ss = &w->x->ss;
        if (*end || i >= ss->n)
            return ws_fail(w, E_IMPORT_XLSX_BROKEN);
        v = ss->buf + ss->off[i];
        n = strlen(v);
    } else if (strcmp(w->type, "b") == 0) {
        v = strcmp(v, "1") == 0 ? "TRUE" : n ? "FALSE" : "";
        n = strlen(v);
    } else if (strcmp(w->type, "n") == 0) {
        v = plain_number(v, num, sizeof num);
        n = strlen(v);
    }
    if (sheet_cell(s, w->col, v, n) != E_OK)
        return ws_fail(w, s->error);
    w->last_col = w->col;
}

static void XMLCALL ws_end(void *data, const XML_Char *name)
{
    struct ws_part *w = data;
    struct sheet *s = w->pt.s;
    const char *ln = local_name(name);
    if (strcmp(ln, "v") == 0) {
        w->in_v = false;
    } else if (strcmp(ln, "t") == 0) {
        w->in_t = false;
    } else if (strcmp(ln, "rPh") == 0) {
        w->in_rph = false;
    } else if (strcmp(ln, "is") == 0) {
        w->in_is = false;
    } else if (strcmp(ln, "c") == 0 && w->in_c) {
        w->in_c = false;
        ws_cell_end(w);
    } else if (strcmp(ln, "row") == 0 && w->in_row) {
        w->in_row = false;
        if (sheet_row_end(s, w->row) != E_OK)
            return ws_fail(w, s->error);
        w->last_row = w->row;
        w->row = 0;
    }
}

static err xlsx_feed(struct sheet *s)
{
    struct xlsx *x = s->impl;
    struct ws_part *w = XML_GetUserData(x->p);
    while (sheet_queue_empty(s) && !s->done && s->error == E_OK) {
        if (!feed_chunk(s, &w->pt, x->zf, &x->unpacked, &x->eof))
            break;
        if (x->eof)
            s->done = true;
    }
    if (s->error)
        s->done = true;
    return s->error;
}

static void xlsx_close(struct sheet *s)
{
    struct xlsx *x = s->impl;
    if (!x)
        return;
    if (x->p) {
        struct ws_part *w = XML_GetUserData(x->p);
        if (w) {
            free(w->text);
            free(w);
        }
        XML_ParserFree(x->p);
    }
    if (x->zf)
        zip_fclose(x->zf);
    if (x->zip)
        zip_discard(x->zip);
    free(x->ss.buf);
    free(x->ss.off);
    free(x);
    s->impl = NULL;
}

err sheet_xlsx_open(struct sheet *s, const char *data, size_t len)
{
    struct xlsx *x = xcalloc(1, sizeof *x);
    s->impl = x;
    s->close = xlsx_close;
    s->feed = xlsx_feed;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return sheet_fail(s, E_IMPORT_XLSX_BROKEN, 0);
    }
    x->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    zip_error_fini(&ze);
    if (!x->zip) {
        zip_source_free(src);
        return sheet_fail(s, E_IMPORT_XLSX_BROKEN, 0);
    }

    /* the first sheet of the workbook, through its relationship */
    struct wb_part wb = {.pt.s = s};
    err e = parse_member(s, x, "xl/workbook.xml", true, &wb.pt, wb_start, no_end, NULL);
    if (e != E_OK)
        return e;
    struct rels_part rels = {.pt.s = s, .rid = wb.rid};
    e = parse_member(s, x, "xl/_rels/workbook.xml.rels", false, &rels.pt, rels_start, no_end, NULL);
    if (e != E_OK)
        return e;
    if (!rels.sheet[0])
        str_copy(rels.sheet, "xl/worksheets/sheet1.xml", sizeof rels.sheet);
    if (!rels.strings[0])
        str_copy(rels.strings, "xl/sharedStrings.xml", sizeof rels.strings);

    struct ss_part ss = {.pt.s = s, .ss = &x->ss};
    e = parse_member(s, x, rels.strings, false, &ss.pt, ss_start, ss_end, ss_text);
    if (e != E_OK)
        return e;

    x->zf = open_member(s, x, rels.sheet, true, &e);
    if (!x->zf)
        return e;
    struct ws_part *w = xcalloc(1, sizeof *w);
    w->pt.s = s;
    w->x = x;
    x->p = part_parser(&w->pt, ws_start, ws_end, ws_text);
    return E_OK;
}
