/*
 * json_in.c — request-body decoding (json_in.h).
 */
#include "json_in.h"
#include "util.h"

err json_decode_object(const char *body, size_t len, json_t **out)
{
    *out = NULL;
    if (!body)
        body = "", len = 0;
    if (!utf8_valid(body, len))
        return E_INVALID_JSON;
    json_error_t jerr;
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!j)
        return E_INVALID_JSON;
    if (!json_is_object(j)) {
        json_decref(j);
        return E_NOT_OBJECT;
    }
    *out = j;
    return E_OK;
}

err json_get_str(json_t *obj, const char *name, bool required, const char **out)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? E_FIELD_REQUIRED : E_OK;
    if (!json_is_string(v))
        return E_FIELD_TYPE;
    *out = json_string_value(v);
    return E_OK;
}
