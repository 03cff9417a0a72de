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
    {E_PROFILE_NAME_INVALID, 422, "profile.name_invalid", "姓名须为 1–50 个字符，且不含控制字符",
     "The name must have 1 to 50 characters and no control characters"},
    {E_PROFILE_PHONE_INVALID, 422, "profile.phone_invalid",
     "电话号码格式不正确：须为 11 位手机号码（如 13812345678）或固定电话（如 0571-88886666）",
     "Invalid phone number: an 11-digit mobile number (13812345678) or a landline (0571-88886666)"},
    {E_PROFILE_NOTHING, 422, "profile.nothing_to_change", "请填写要修改的姓名或电话",
     "Give a new name or phone number to change"},
    {E_SUGGESTION_KIND_INVALID, 422, "suggestion.kind_invalid", "请选择类型：问题缺陷、改进建议或新需求",
     "Choose a kind: defect, improvement or need"},
    {E_SUGGESTION_TITLE_INVALID, 422, "suggestion.title_invalid", "标题不能为空，且不超过 100 个字",
     "The title must not be empty and may have at most 100 characters"},
    {E_SUGGESTION_BODY_INVALID, 422, "suggestion.body_invalid", "内容不能为空，且不超过 2000 个字",
     "The text must not be empty and may have at most 2000 characters"},
    {E_SUGGESTION_ANSWER_INVALID, 422, "suggestion.answer_invalid", "回复不能为空，且不超过 2000 个字",
     "The answer must not be empty and may have at most 2000 characters"},
    {E_SUGGESTION_NOT_FOUND, 404, "suggestion.not_found", "该意见建议不存在", "No such suggestion"},
    {E_SUGGESTION_CLOSED, 409, "suggestion.closed", "该意见建议已关闭，不能再回复",
     "This suggestion is closed and cannot be answered any more"},
    {E_QUERY_INVALID, 422, "request.query_invalid", "查询条件不正确", "A query parameter has an invalid value"},
    {E_DATE_INVALID, 422, "request.date_invalid", "日期格式须为 YYYY-MM-DD（如 2026-07-01）",
     "Dates must be YYYY-MM-DD (e.g. 2026-07-01)"},
    {E_DATE_RANGE_INVALID, 422, "request.date_range_invalid", "开始日期不能晚于结束日期",
     "The start date must not be after the end date"},
    {E_QR_URL_INVALID, 422, "about.qr_url_invalid", "链接须以 http:// 或 https:// 开头，且不超过 512 个字符",
     "The link must start with http:// or https:// and have at most 512 characters"},
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
