/*
 * err.c — the table behind err.h: stable codes, HTTP statuses and messages.
 */
#include "err.h"
#include "util.h"

static const struct err_info table[] = {
    {E_INVALID_JSON, 400, "request.invalid_json", "请求内容不是有效的 JSON（须为 UTF-8 编码）",
     "The request body is not valid JSON (it must be UTF-8)"},
    {E_NOT_OBJECT, 400, "request.not_object", "请求内容须为 JSON 对象", "The request body must be a JSON object"},
    {E_FIELD_REQUIRED, 422, "request.field_required", "缺少必填字段", "A required field is missing"},
    {E_FIELD_TYPE, 422, "request.field_type", "字段类型不正确", "A field has the wrong type"},
    {E_FIELD_INVALID, 422, "request.field_invalid", "字段取值不正确", "A field has an invalid value"},
    {E_BODY_TOO_LARGE, 413, "request.body_too_large", "请求内容过大", "The request body is too large"},
    {E_UNSUPPORTED_MEDIA_TYPE, 415, "request.unsupported_media_type", "请求内容须为 application/json",
     "The request body must be application/json"},
    {E_NOT_FOUND, 404, "route.not_found", "请求的接口不存在", "No such API route"},
    {E_METHOD_NOT_ALLOWED, 405, "route.method_not_allowed", "该接口不支持此请求方法",
     "This route does not support the method"},
    {E_UNAUTHENTICATED, 401, "auth.unauthenticated", "未登录或登录已过期，请重新登录",
     "Not signed in, or the session has expired: please sign in again"},
    {E_INVALID_CREDENTIALS, 401, "auth.invalid_credentials", "用户名或密码错误", "Wrong username or password"},
    {E_USER_DISABLED, 403, "auth.user_disabled", "该账号已停用，请联系管理员",
     "This account is disabled: please contact an administrator"},
    {E_ACCOUNT_LOCKED, 403, "auth.account_locked", "密码错误次数过多，账号已锁定，请 15 分钟后再试",
     "Too many failed logins: the account is locked, try again in 15 minutes"},
    {E_CSRF_FAILED, 403, "auth.csrf_failed", "请求校验失败，请刷新页面后重试",
     "The request failed its CSRF check: reload the page and try again"},
    {E_PASSWORD_WEAK, 422, "auth.password_weak", "密码至少 8 位，且须同时包含字母和数字",
     "The password needs at least 8 characters, with both letters and digits"},
    {E_WRONG_PASSWORD, 403, "auth.wrong_password", "当前密码不正确", "The current password is wrong"},
    {E_PASSWORD_UNCHANGED, 422, "auth.password_unchanged", "新密码不能与当前密码相同",
     "The new password must differ from the current one"},
    {E_FORBIDDEN, 403, "auth.forbidden", "您没有此操作的权限", "You do not have permission for this"},
    {E_PASSWORD_CHANGE_REQUIRED, 403, "auth.password_change_required", "请先修改管理员重置的临时密码",
     "Change the one-time password an administrator set before going on"},
    {E_WEBAUTHN_CHALLENGE, 400, "webauthn.challenge_invalid", "验证请求已过期或已使用，请重试",
     "The WebAuthn challenge is unknown, expired or already used: try again"},
    {E_WEBAUTHN_CLIENT_DATA, 400, "webauthn.client_data_invalid", "验证数据格式不正确",
     "The WebAuthn client data is malformed"},
    {E_WEBAUTHN_TYPE, 400, "webauthn.type_mismatch", "验证类型不正确", "The WebAuthn client data has the wrong type"},
    {E_WEBAUTHN_ORIGIN, 400, "webauthn.origin_mismatch", "验证请求的来源与本站地址不符",
     "The WebAuthn origin does not match this site"},
    {E_WEBAUTHN_AUTHDATA, 400, "webauthn.authenticator_data_invalid", "认证器返回的数据无效或不受支持",
     "The authenticator data is malformed or unsupported"},
    {E_WEBAUTHN_RP_ID, 400, "webauthn.rp_id_mismatch", "认证器数据不属于本站",
     "The authenticator data was made for another site (RP ID)"},
    {E_WEBAUTHN_USER_VERIFICATION, 400, "webauthn.user_not_verified", "未完成指纹或面容验证",
     "The user was not verified (fingerprint or face) by the authenticator"},
    {E_WEBAUTHN_ASSERTION, 401, "webauthn.assertion_failed", "指纹/面容登录失败，请使用密码登录",
     "Biometric sign-in failed: sign in with your password"},
    {E_WEBAUTHN_DUPLICATE, 409, "webauthn.credential_exists", "该设备已开通指纹/面容登录",
     "This device is already registered for biometric sign-in"},
    {E_WEBAUTHN_NOT_FOUND, 404, "webauthn.credential_not_found", "找不到该设备",
     "No such registered device"},
    {E_INTERNAL, 500, "server.internal", "服务器内部错误，请稍后重试", "Internal server error: please try again later"},
    {E_UNAVAILABLE, 503, "server.unavailable", "服务暂不可用（数据库无法连接）",
     "Service unavailable (the database cannot be reached)"},
};

const struct err_info *err_info(err e)
{
    for (size_t i = 0; i < ARRAY_LEN(table); i++)
        if (table[i].e == e)
            return &table[i];
    return err_info(E_INTERNAL);
}
