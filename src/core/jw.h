/*
 * jw.h — a streaming JSON writer. Output goes straight into one growing buffer
 * that becomes the response body; no tree is built (DESIGN: emitting rows directly
 * costs a fraction of building jansson objects). Strings are escaped per RFC 8259;
 * "</" is written as "<\/" so JSON can never close an HTML script element.
 *
 *     jw w; jw_init(&w, 1024);
 *     jw_obj(&w); jw_kstr(&w, "name", name); jw_kint(&w, "id", id); jw_end(&w);
 *     ... w.s / w.len ...;  free(jw_take(&w)) or hand w.s to the response
 */
#ifndef FINCRM_JW_H
#define FINCRM_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 32

typedef struct jw {
    char *s;
    size_t len, cap;
    int depth;
    bool after_key;
    bool need_comma[JW_MAX_DEPTH + 1];
    char closer[JW_MAX_DEPTH + 1];
} jw;

void jw_init(jw *w, size_t cap);
char *jw_take(jw *w);         /* returns the NUL-terminated buffer; the writer is empty */
void jw_dispose(jw *w);

void jw_obj(jw *w);
void jw_arr(jw *w);
void jw_end(jw *w);           /* closes the innermost object or array */
void jw_key(jw *w, const char *key);
void jw_str(jw *w, const char *s); /* NULL writes null */
void jw_strn(jw *w, const char *s, size_t n);
void jw_int(jw *w, int64_t v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
void jw_raw(jw *w, const char *json, size_t n); /* an already-encoded value */

/* key + value in one call */
void jw_kstr(jw *w, const char *key, const char *s);
void jw_kint(jw *w, const char *key, int64_t v);
void jw_kbool(jw *w, const char *key, bool v);
void jw_knull(jw *w, const char *key);
void jw_kobj(jw *w, const char *key);
void jw_karr(jw *w, const char *key);

/* Appends raw bytes (no separators): used to build text bodies too. */
void jw_append(jw *w, const char *s, size_t n);

#endif
