/*
 * json_in.h — decoding request bodies: UTF-8 checked, duplicates refused, the top
 * level must be an object. Pure (no HTTP), so the fuzzer can drive it.
 */
#ifndef FINCRM_JSON_IN_H
#define FINCRM_JSON_IN_H

#include "err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* On E_OK *out holds a new reference to the object; otherwise *out is NULL and the
 * result is E_INVALID_JSON or E_NOT_OBJECT. */
err json_decode_object(const char *body, size_t len, json_t **out);

/* A string member: E_OK with *out set (NULL when absent/null and not required),
 * E_FIELD_REQUIRED or E_FIELD_TYPE. */
err json_get_str(json_t *obj, const char *name, bool required, const char **out);

#endif
