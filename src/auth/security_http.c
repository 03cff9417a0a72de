/*
 * security_http.c — the endpoints of login security: the captcha image (AUTH-2),
 * step-up confirmation (AUTH-5) and the administration of device binding (AUTH-4).
 * Decode, call security.c, encode.
 */
#include "auth.h"
#include "core/util.h"

#include <stdio.h>

void auth_retry_after(req *r, int64_t seconds)
{
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)(seconds > 0 ? seconds : 1));
    req_header(r, "Retry-After", v);
}

int handle_captcha(req *r)
{
    char id[TOKEN_CHARS];
    const char *image = NULL;
    int64_t retry = 0;
    err e = security_new_captcha(r, id, &image, &retry);
    if (e == E_RATE_LIMITED)
        auth_retry_after(r, retry);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    jw_obj(&r->out);
    jw_kstr(&r->out, "captcha_id", id);
    jw_kstr(&r->out, "image", image);
    jw_kint(&r->out, "expires_in", auth_cfg.captcha_ttl_ms / 1000);
    jw_end(&r->out);
    return 200;
}

int handle_step_up(req *r)
{
    const char *password = req_body_str(r, "password");
    if (!password)
        return req_status(r);
    err e = security_step_up(r, password);
    if (e != E_OK)
        return req_fail(r, e, e == E_WRONG_PASSWORD ? "password" : NULL);
    jw_obj(&r->out);
    jw_kint(&r->out, "valid_for", auth_cfg.step_up_ms / 1000);
    jw_end(&r->out);
    return 200;
}

static int write_device_state(req *r, const struct device_state *st)
{
    jw_obj(&r->out);
    jw_kint(&r->out, "id", st->user_id);
    jw_kbool(&r->out, "device_binding", st->binding);
    jw_kbool(&r->out, "device_bound", st->bound);
    jw_end(&r->out);
    return 200;
}

int handle_device_set(req *r)
{
    json_t *body = req_json_object(r);
    bool binding = false, present = false;
    int64_t id;
    if (!body || !req_bool_field(r, body, "binding", &binding, &present))
        return req_status(r);
    if (!present)
        return req_fail(r, E_FIELD_REQUIRED, "binding");
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    struct device_state st;
    err e = security_device_set(r, id, binding, &st);
    return e == E_OK ? write_device_state(r, &st) : req_fail(r, e, NULL);
}

int handle_device_clear(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    struct device_state st;
    err e = security_device_clear(r, id, &st);
    return e == E_OK ? write_device_state(r, &st) : req_fail(r, e, NULL);
}
