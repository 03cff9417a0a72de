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
    {E_ORG_CODE_TAKEN, 409, "org.code_taken", "机构编码已被使用", "This unit code is already in use"},
    {E_ORG_LEVEL_INVALID, 422, "org.level_invalid", "机构层级不正确：下级机构须低于上级机构且属于同一体系",
     "Invalid level: a unit must sit below its parent, in the same family of levels"},
    {E_ORG_PARENT_CLOSED, 422, "org.parent_closed", "上级机构已撤销", "The parent unit is closed"},
    {E_ORG_MOVE_CYCLE, 422, "org.move_cycle", "不能把机构移到它自己或它的下级机构之下",
     "A unit cannot move under itself or one of its own sub-units"},
    {E_ORG_UNIT_NOT_EMPTY, 409, "org.unit_not_empty", "机构下仍有在职用户或未撤销的下级机构，不能撤销",
     "The unit still has active users or open sub-units: it cannot be closed"},
    {E_ROLE_CODE_TAKEN, 409, "role.code_taken", "角色编码已被使用", "This role code is already in use"},
    {E_ROLE_BUILTIN, 409, "role.builtin", "系统内置角色不能删除", "Built-in roles cannot be deleted"},
    {E_ROLE_IN_USE, 409, "role.in_use", "仍有职位使用该角色，不能删除", "Positions still use this role: it cannot be deleted"},
    {E_POSITION_CODE_TAKEN, 409, "position.code_taken", "职位编码已被使用", "This position code is already in use"},
    {E_USERNAME_TAKEN, 409, "user.username_taken", "用户名已被使用", "This username is already taken"},
    {E_USER_SELF, 422, "user.self", "不能对自己的账号执行此操作", "You cannot do this to your own account"},
    {E_HANDOVER_SAME_USER, 422, "handover.same_user", "交接人与接收人不能是同一人",
     "The leaving user and the receiving user must differ"},
    {E_HANDOVER_TARGET_INACTIVE, 422, "handover.target_inactive", "接收人账号不可用（已停用或不在您的管辖范围）",
     "The receiving user is not available (disabled or outside your scope)"},
    {E_FIELD_NOT_MASKED, 422, "customer.field_not_masked", "该字段无需或不能查看明文",
     "This field is not masked for you, or you may not see it"},
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
