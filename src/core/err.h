/*
 * err.h — the one error enum of fincrm. Ranges: 1xx request, 2xx routing,
 * 3xx authentication, 400–419 own profile, suggestions and audit search,
 * 5xx organisation and access, 9xx server. Each value has a stable string code, an HTTP
 * status and a message in zh-CN and en (err.c); http/ turns it into the JSON body
 * {"error":{"code","message","field","request_id"}}. Modules add their own range.
 */
#ifndef FINCRM_ERR_H
#define FINCRM_ERR_H

typedef enum err {
    E_OK = 0,

    E_INVALID_JSON = 100,
    E_NOT_OBJECT,
    E_FIELD_REQUIRED,
    E_FIELD_TYPE,
    E_FIELD_INVALID,
    E_BODY_TOO_LARGE,
    E_UNSUPPORTED_MEDIA_TYPE,

    E_NOT_FOUND = 200,
    E_METHOD_NOT_ALLOWED,

    E_UNAUTHENTICATED = 300,
    E_INVALID_CREDENTIALS,
    E_USER_DISABLED,
    E_ACCOUNT_LOCKED,
    E_CSRF_FAILED,
    E_PASSWORD_WEAK,
    E_WRONG_PASSWORD,
    E_PASSWORD_UNCHANGED,
    E_FORBIDDEN,
    E_PASSWORD_CHANGE_REQUIRED,
    E_CAPTCHA_REQUIRED = 320, /* AUTH-2/4/5 login security: 320–329 (310–319 are WebAuthn's) */
    E_CAPTCHA_WRONG,
    E_RATE_LIMITED,
    E_DEVICE_UNBOUND,
    E_STEP_UP_REQUIRED,

    E_WEBAUTHN_CHALLENGE = 310, /* AUTH-6 WebAuthn ceremonies */
    E_WEBAUTHN_CLIENT_DATA,
    E_WEBAUTHN_TYPE,
    E_WEBAUTHN_ORIGIN,
    E_WEBAUTHN_AUTHDATA,
    E_WEBAUTHN_RP_ID,
    E_WEBAUTHN_USER_VERIFICATION,
    E_WEBAUTHN_ASSERTION,
    E_WEBAUTHN_DUPLICATE,
    E_WEBAUTHN_NOT_FOUND,

    /* 400–419: own profile, suggestions, audit search, QR code (MOB-2, AUTH-1, AUTH-7) */
    E_PROFILE_NAME_INVALID = 400,
    E_PROFILE_PHONE_INVALID,
    E_PROFILE_NOTHING,
    E_SUGGESTION_KIND_INVALID,
    E_SUGGESTION_TITLE_INVALID,
    E_SUGGESTION_BODY_INVALID,
    E_SUGGESTION_ANSWER_INVALID,
    E_SUGGESTION_NOT_FOUND,
    E_SUGGESTION_CLOSED,
    E_QUERY_INVALID,
    E_DATE_INVALID,
    E_DATE_RANGE_INVALID,
    E_QR_URL_INVALID,
    E_ORG_CODE_TAKEN = 500,
    E_ORG_LEVEL_INVALID,
    E_ORG_PARENT_CLOSED,
    E_ORG_MOVE_CYCLE,
    E_ORG_UNIT_NOT_EMPTY,
    E_ROLE_CODE_TAKEN,
    E_ROLE_BUILTIN,
    E_ROLE_IN_USE,
    E_POSITION_CODE_TAKEN,
    E_USERNAME_TAKEN,
    E_USER_SELF,
    E_HANDOVER_SAME_USER,
    E_HANDOVER_TARGET_INACTIVE,
    E_FIELD_NOT_MASKED,

    /* 720–739: related parties (CUS-14), black and grey lists (CUS-15) */
    E_RELATION_KIND_INVALID = 720,
    E_RELATION_PARTY_REQUIRED,
    E_RELATION_CUSTOMER_NOT_FOUND,
    E_RELATION_SELF,
    E_RELATION_DUPLICATE,
    E_RELATION_PERCENT_INVALID,
    E_RELATION_NOT_FOUND,
    E_RELATION_NOT_EDITOR,
    E_RELATION_DEPTH_INVALID,
    E_PARTY_ID_TYPE_INVALID,
    E_PARTY_ID_NUMBER_INVALID,
    E_PARTY_PHONE_INVALID,
    E_WATCHLIST_LIST_INVALID,
    E_WATCHLIST_ACTIVE,
    E_WATCHLIST_NOT_FOUND,
    E_WATCHLIST_REMOVED,
    E_WATCHLIST_QUERY_INVALID,

    E_INTERNAL = 900,
    E_UNAVAILABLE,
} err;

struct err_info {
    err e;
    int status;
    const char *code;
    const char *zh, *en;
};

const struct err_info *err_info(err e);

#endif
