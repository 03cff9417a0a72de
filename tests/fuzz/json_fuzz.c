/*
 * json_fuzz.c — libFuzzer target for request-body decoding (json_in.c) and the
 * JSON writer (jw.c): any bytes must decode or be refused with a request error,
 * never crash; a decoded object's string fields, written back with jw, must parse
 * again to the same strings.
 *   make fuzz FUZZ_SECONDS=60
 */
#include "core/json_in.h"
#include "core/jw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *obj;
    err e = json_decode_object((const char *)data, size, &obj);
    if (e != E_OK) {
        if (e != E_INVALID_JSON && e != E_NOT_OBJECT)
            abort();
        return 0;
    }
    jw w;
    jw_init(&w, 64);
    jw_obj(&w);
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        const char *s;
        err fe = json_get_str(obj, key, true, &s);
        if (fe == E_OK)
            jw_kstr(&w, key, s);
        else if (fe != E_FIELD_TYPE && fe != E_FIELD_REQUIRED)
            abort();
    }
    jw_end(&w);
    json_t *back;
    if (json_decode_object(w.s, w.len, &back) != E_OK)
        abort(); /* our own output must always be valid JSON */
    json_object_foreach(back, key, v)
    {
        const char *orig;
        if (json_get_str(obj, key, true, &orig) != E_OK || strcmp(orig, json_string_value(v)) != 0)
            abort();
    }
    json_decref(back);
    jw_dispose(&w);
    json_decref(obj);
    return 0;
}
