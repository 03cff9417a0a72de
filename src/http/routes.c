/*
 * routes.c — the one table of every HTTP entry point of fincrm, and the handlers
 * of the server itself (health, readiness, version, the OpenAPI document).
 * `fincrm routes` prints this table; a test checks that the OpenAPI document
 * describes every entry (API-1).
 */
#include "audit/audit_search.h"
#include "auth/auth.h"
#include "customers/customers.h"
#include "customers/customer.h"
#include "customers/import.h"
#include "customers/classify.h"
#include "customers/related.h"
#include "customers/watchlist.h"
#include "org/org.h"
#include "auth/webauthn.h"
#include "core/embed.h"
#include "core/util.h"
#include "http.h"
#include "mine/mine.h"

EMBED(openapi_json, "src/api/openapi.json");

static int handle_healthz(req *r)
{
    jw_obj(&r->out);
    jw_kstr(&r->out, "status", "ok");
    jw_end(&r->out);
    return 200;
}

static int handle_readyz(req *r)
{
    db_stmt *st = db_prepare(r->db, "SELECT 1");
    int rc = st ? db_step(st) : DB_ERROR;
    if (st)
        db_reset(st);
    if (rc != DB_ROW)
        return req_fail(r, E_UNAVAILABLE, NULL);
    jw_obj(&r->out);
    jw_kstr(&r->out, "status", "ready");
    jw_end(&r->out);
    return 200;
}

static int handle_version(req *r)
{
    jw_obj(&r->out);
    jw_kstr(&r->out, "version", FINCRM_VERSION);
    jw_kstr(&r->out, "database", server_db_kind);
    jw_end(&r->out);
    return 200;
}

static int handle_openapi(req *r)
{
    jw_append(&r->out, openapi_json, (size_t)(openapi_json_end - openapi_json));
    return 200;
}

/* Every entry names its permission (NULL: any signed-in user, or public) and the
 * scoped data it returns; the compiler refuses an entry that leaves them out. */
const struct route routes[] = {
    {"GET", "/healthz", handle_healthz, ROUTE_NODB, "Liveness: the process is up", NULL, DATA_NONE},
    {"GET", "/readyz", handle_readyz, ROUTE_PUBLIC, "Readiness: the database answers", NULL, DATA_NONE},
    {"GET", "/metrics", handle_metrics, ROUTE_NODB, "Prometheus metrics", NULL, DATA_NONE},
    {"GET", "/api/v1/openapi.json", handle_openapi, ROUTE_NODB, "This API's OpenAPI 3 document", NULL, DATA_NONE},
    {"GET", "/api/v1/version", handle_version, ROUTE_NODB, "Server version and database backend", NULL, DATA_NONE},
    {"POST", "/api/v1/auth/login", handle_login, ROUTE_LOGIN, "Sign in with username and password (AUTH-1)", NULL,
     DATA_NONE},
    {"POST", "/api/v1/auth/logout", handle_logout, ROUTE_SESSION | ROUTE_PWCHANGE, "End this session (AUTH-3)", NULL,
     DATA_NONE},
    {"GET", "/api/v1/auth/me", handle_me, ROUTE_SESSION | ROUTE_PWCHANGE,
     "The signed-in user and the CSRF token (AUTH-3)", NULL, DATA_NONE},
    {"POST", "/api/v1/auth/password", handle_change_password, ROUTE_SESSION | ROUTE_PWCHANGE,
     "Change one's own password; other sessions end (AUTH-1)", NULL, DATA_NONE},
    {"GET", "/api/v1/auth/captcha", handle_captcha, ROUTE_PUBLIC, "A new image captcha for the login (AUTH-2)", NULL,
     DATA_NONE},
    {"POST", "/api/v1/auth/logout-all", handle_logout_all, ROUTE_SESSION,
     "End every session of the user, this one too (AUTH-3, step-up)", NULL, DATA_NONE},
    {"POST", "/api/v1/auth/step-up", handle_step_up, ROUTE_SESSION,
     "Confirm the password again before sensitive actions (AUTH-5)", NULL, DATA_NONE},
    {"POST", "/api/v1/users/{id}/device", handle_device_set, ROUTE_SESSION,
     "Switch a user's device binding on or off (AUTH-4, step-up)", "users.manage", DATA_USERS},
    {"DELETE", "/api/v1/users/{id}/device", handle_device_clear, ROUTE_SESSION,
     "Release the device bound to a user (AUTH-4, step-up)", "users.manage", DATA_USERS},
    /* org tree (ORG-1) */
    {"GET", "/api/v1/org/units", handle_units_list, ROUTE_SESSION, "The org tree, flat (ORG-1)", NULL, DATA_NONE},
    {"POST", "/api/v1/org/units", handle_unit_create, ROUTE_SESSION, "Create a unit (ORG-1)", "org.manage", DATA_NONE},
    {"PATCH", "/api/v1/org/units/{id}", handle_unit_update, ROUTE_SESSION, "Rename a unit or change its code (ORG-1)",
     "org.manage", DATA_NONE},
    {"POST", "/api/v1/org/units/{id}/move", handle_unit_move, ROUTE_SESSION, "Move a unit under another (ORG-1)",
     "org.manage", DATA_NONE},
    {"POST", "/api/v1/org/units/{id}/close", handle_unit_close, ROUTE_SESSION, "Close an empty unit (ORG-1)",
     "org.manage", DATA_NONE},
    {"POST", "/api/v1/org/units/{id}/reopen", handle_unit_reopen, ROUTE_SESSION, "Reopen a closed unit (ORG-1)",
     "org.manage", DATA_NONE},
    /* roles and positions (ORG-2, ORG-3, ORG-4, ORG-6) */
    {"GET", "/api/v1/roles/catalog", handle_roles_catalog, ROUTE_SESSION,
     "Permissions, customer fields and data scopes a role can hold (ORG-3)", "roles.manage", DATA_NONE},
    {"GET", "/api/v1/roles", handle_roles_list, ROUTE_SESSION, "Roles with their permissions (ORG-3)", "roles.manage",
     DATA_NONE},
    {"POST", "/api/v1/roles", handle_role_create, ROUTE_SESSION, "Create a role (ORG-3)", "roles.manage", DATA_NONE},
    {"GET", "/api/v1/roles/{id}", handle_role_get, ROUTE_SESSION, "A role with its field rules (ORG-3, ORG-6)",
     "roles.manage", DATA_NONE},
    {"PUT", "/api/v1/roles/{id}", handle_role_update, ROUTE_SESSION,
     "Change a role's permissions, data scope and field rules (ORG-3, ORG-4, ORG-6)", "roles.manage", DATA_NONE},
    {"DELETE", "/api/v1/roles/{id}", handle_role_delete, ROUTE_SESSION, "Delete an unused role (ORG-3)", "roles.manage",
     DATA_NONE},
    {"GET", "/api/v1/positions", handle_positions_list, ROUTE_SESSION, "Positions and their roles (ORG-2)",
     "users.view", DATA_NONE},
    {"POST", "/api/v1/positions", handle_position_create, ROUTE_SESSION, "Create a position (ORG-2)", "roles.manage",
     DATA_NONE},
    {"PATCH", "/api/v1/positions/{id}", handle_position_update, ROUTE_SESSION,
     "Map a position to a role, mark it custodian (ORG-2)", "roles.manage", DATA_NONE},
    /* users (ORG-2, AUTH-1) and staff leave (ORG-7) */
    {"GET", "/api/v1/users", handle_users_list, ROUTE_SESSION, "Users in the caller's scope (ORG-2, ORG-4)",
     "users.view", DATA_USERS},
    {"POST", "/api/v1/users", handle_user_create, ROUTE_SESSION, "Create a user with a one-time password (ORG-2)",
     "users.manage", DATA_USERS},
    {"GET", "/api/v1/users/{id}", handle_user_get, ROUTE_SESSION, "One user (ORG-2)", "users.view", DATA_USERS},
    {"PATCH", "/api/v1/users/{id}", handle_user_update, ROUTE_SESSION,
     "Change a user's name, phone, unit, position or manager (ORG-2)", "users.manage", DATA_USERS},
    {"POST", "/api/v1/users/{id}/disable", handle_user_disable, ROUTE_SESSION, "Disable a user; sessions end (ORG-2)",
     "users.manage", DATA_USERS},
    {"POST", "/api/v1/users/{id}/enable", handle_user_enable, ROUTE_SESSION, "Enable a user (ORG-2)", "users.manage",
     DATA_USERS},
    {"POST", "/api/v1/users/{id}/reset-password", handle_user_reset_password, ROUTE_SESSION,
     "Reset a password to a one-time value (AUTH-1)", "users.manage", DATA_USERS},
    {"POST", "/api/v1/users/{id}/unlock", handle_user_unlock, ROUTE_SESSION, "Lift a login lock (AUTH-2)",
     "users.manage", DATA_USERS},
    {"GET", "/api/v1/users/{id}/handover-preview", handle_handover_preview, ROUTE_SESSION,
     "What a leaving user holds (ORG-7)", "staff.handover", DATA_USERS},
    {"POST", "/api/v1/users/{id}/handover", handle_handover, ROUTE_SESSION,
     "Hand a leaving user's customers, tasks and approvals to another (ORG-7)", "staff.handover", DATA_USERS},
    {"GET", "/api/v1/handovers", handle_handovers_list, ROUTE_SESSION, "Handover history (ORG-7)", "staff.handover",
     DATA_USERS},
    /* customers: scope and field security (ORG-4, ORG-6, AUTH-8) */
    {"GET", "/api/v1/customers", handle_customers_list, ROUTE_SESSION, "Customers in the caller's scope, masked",
     "customers.view", DATA_CUSTOMERS},
    /* customers: import and export (CUS-12, CUS-13); before /customers/{id} */
    {"GET", "/api/v1/customers/export", handle_customers_export, ROUTE_SESSION,
     "The filtered customer list as CSV or XLSX (masked, watermarked, audited)", "customers.export", DATA_CUSTOMERS},
    {"GET", "/api/v1/customer-imports/template.csv", handle_import_template_csv, ROUTE_SESSION,
     "The customer import template (CSV)", "customers.import", DATA_NONE},
    {"GET", "/api/v1/customer-imports/template.xlsx", handle_import_template_xlsx, ROUTE_SESSION,
     "The customer import template (XLSX)", "customers.import", DATA_NONE},
    {"POST", "/api/v1/customer-imports", handle_import_upload, ROUTE_SESSION | ROUTE_RAW,
     "Upload a CSV or XLSX file to import: header, preview and suggested mapping", "customers.import", DATA_NONE},
    {"GET", "/api/v1/customer-imports/{id}", handle_import_get, ROUTE_SESSION, "An import's state and progress",
     "customers.import", DATA_NONE},
    {"POST", "/api/v1/customer-imports/{id}/start", handle_import_start, ROUTE_SESSION,
     "Start an uploaded import with its mapping, target and match rule", "customers.import", DATA_NONE},
    {"GET", "/api/v1/customer-imports/{id}/errors.csv", handle_import_errors, ROUTE_SESSION,
     "The error report of an import (CSV: row, column, value, reason)", "customers.import", DATA_NONE},
    {"GET", "/api/v1/customers/{id}", handle_customer_get, ROUTE_SESSION, "A full customer record (audited view)",
     "customers.view", DATA_CUSTOMERS},
    {"POST", "/api/v1/customers/{id}/reveal", handle_customer_reveal, ROUTE_SESSION,
     "Reveal one masked value (audited, AUTH-8)", "customers.reveal", DATA_CUSTOMERS},
    /* customers part A: master data, contacts, attachments, custody (CUS-1 … CUS-5, CUS-18) */
    {"POST", "/api/v1/customers", handle_customer_create, ROUTE_SESSION,
     "Create a customer; the caller is its collector (CUS-1, CUS-3)", "customers.create", DATA_CUSTOMERS},
    {"PATCH", "/api/v1/customers/{id}", handle_customer_update, ROUTE_SESSION,
     "Change fields of a customer one holds in custody (CUS-1, CUS-5)", "customers.edit", DATA_CUSTOMERS},
    {"GET", "/api/v1/customers/{id}/missing", handle_customer_missing_get, ROUTE_SESSION,
     "The empty required fields of a customer (CUS-4)", "customers.view", DATA_CUSTOMERS},
    {"PATCH", "/api/v1/customers/{id}/missing", handle_customer_missing_fill, ROUTE_SESSION,
     "Fill in missing required fields (CUS-4)", "customers.edit", DATA_CUSTOMERS},
    {"GET", "/api/v1/customers/{id}/custodians", handle_custodians_get, ROUTE_SESSION,
     "Custodians, collector and referrer of a customer, with custody history (CUS-5, CUS-18)", "customers.view",
     DATA_CUSTOMERS},
    {"PUT", "/api/v1/customers/{id}/custodians", handle_custodians_set, ROUTE_SESSION,
     "Set the primary and assistant custodians and their shares (CUS-5, CUS-18)", "customers.assign",
     DATA_CUSTOMERS},
    {"GET", "/api/v1/customers/{id}/contacts", handle_contacts_list, ROUTE_SESSION, "A customer's contacts (CUS-2)",
     "customers.view", DATA_CUSTOMERS},
    {"POST", "/api/v1/customers/{id}/contacts", handle_contact_create, ROUTE_SESSION, "Add a contact (CUS-2)",
     "customers.edit", DATA_CUSTOMERS},
    {"GET", "/api/v1/customers/{id}/contacts/history", handle_contacts_history, ROUTE_SESSION,
     "Change history of a customer's contacts (CUS-2)", "customers.view", DATA_CUSTOMERS},
    {"PATCH", "/api/v1/customers/{id}/contacts/{cid}", handle_contact_update, ROUTE_SESSION,
     "Change a contact or make it the default of its type (CUS-2)", "customers.edit", DATA_CUSTOMERS},
    {"DELETE", "/api/v1/customers/{id}/contacts/{cid}", handle_contact_delete, ROUTE_SESSION,
     "Delete a contact (CUS-2)", "customers.edit", DATA_CUSTOMERS},
    {"GET", "/api/v1/customers/{id}/attachments", handle_attachments_list, ROUTE_SESSION,
     "A customer's attachments (CUS-3)", "customers.view", DATA_CUSTOMERS},
    {"POST", "/api/v1/customers/{id}/attachments", handle_attachment_upload, ROUTE_SESSION | ROUTE_RAW,
     "Upload a photo or document: the file is the body (CUS-3)", "customers.view", DATA_CUSTOMERS},
    {"GET", "/api/v1/customers/{id}/attachments/{aid}", handle_attachment_download, ROUTE_SESSION,
     "Download an attachment (audited, CUS-3)", "customers.view", DATA_CUSTOMERS},
    {"DELETE", "/api/v1/customers/{id}/attachments/{aid}", handle_attachment_delete, ROUTE_SESSION,
     "Delete an attachment (CUS-3)", "customers.view", DATA_CUSTOMERS},
    {"GET", "/api/v1/customer-options", handle_customer_options, ROUTE_SESSION,
     "ID types, sources, contact types and required fields of the customer forms (CUS-1, CUS-2, CUS-4)", NULL,
     DATA_NONE},
    {"GET", "/api/v1/customer-options/users", handle_customer_staff_users, ROUTE_SESSION,
     "Active users of any unit to pick as referrer or custodian (CUS-3, CUS-5)", "customers.view", DATA_NONE},
    {"GET", "/api/v1/customer-required-fields", handle_required_fields_get, ROUTE_SESSION,
     "The customer fields that must be filled in (CUS-4)", "roles.manage", DATA_NONE},
    {"PUT", "/api/v1/customer-required-fields", handle_required_fields_set, ROUTE_SESSION,
     "Choose the customer fields that must be filled in (CUS-4)", "roles.manage", DATA_NONE},
    /* customers: saved and quick filters (CUS-8), the work panel's columns (CUS-9) */
    {"GET", "/api/v1/customer-filters", handle_customer_filters_list, ROUTE_SESSION,
     "The fixed quick filters and one's saved filters (CUS-8)", "customers.view", DATA_NONE},
    {"POST", "/api/v1/customer-filters", handle_customer_filter_create, ROUTE_SESSION, "Save a filter (CUS-8)",
     "customers.view", DATA_NONE},
    {"PUT", "/api/v1/customer-filters/{id}", handle_customer_filter_update, ROUTE_SESSION,
     "Rename or change one's saved filter (CUS-8)", "customers.view", DATA_NONE},
    {"DELETE", "/api/v1/customer-filters/{id}", handle_customer_filter_delete, ROUTE_SESSION,
     "Delete one's saved filter (CUS-8)", "customers.view", DATA_NONE},
    {"GET", "/api/v1/me/customer-columns", handle_customer_columns_get, ROUTE_SESSION,
     "The customer list columns one may show and has chosen (CUS-9)", "customers.view", DATA_NONE},
    {"PUT", "/api/v1/me/customer-columns", handle_customer_columns_put, ROUTE_SESSION,
     "Choose and order one's customer list columns (CUS-9)", "customers.view", DATA_NONE},
    /* customers part B: attributes, tags, groups, key customers, star levels (CUS-6, 7, 11, 16, 17) */
    {"GET", "/api/v1/customer-attributes", handle_attributes_list, ROUTE_SESSION,
     "Customer attributes with their list values (CUS-6)", "customers.view", DATA_NONE},
    {"POST", "/api/v1/customer-attributes", handle_attribute_create, ROUTE_SESSION,
     "Define a customer attribute (CUS-6)", "customers.settings", DATA_NONE},
    {"PUT", "/api/v1/customer-attributes/{id}", handle_attribute_update, ROUTE_SESSION,
     "Change an attribute, its values and note template (CUS-6)", "customers.settings", DATA_NONE},
    {"GET", "/api/v1/customers/{id}/attributes", handle_customer_attributes, ROUTE_SESSION,
     "A customer's attribute values and notes (CUS-6)", "customers.view", DATA_CUSTOMERS},
    {"PUT", "/api/v1/customers/{id}/attributes/{attribute_id}", handle_customer_attribute_set, ROUTE_SESSION,
     "Set a customer's attribute value and note blanks (CUS-6, custodians)", "customers.view", DATA_CUSTOMERS},
    {"DELETE", "/api/v1/customers/{id}/attributes/{attribute_id}", handle_customer_attribute_clear, ROUTE_SESSION,
     "Clear a customer's attribute (CUS-6, custodians)", "customers.view", DATA_CUSTOMERS},
    {"GET", "/api/v1/tag-groups", handle_tag_groups_list, ROUTE_SESSION, "Tag groups with their tags (CUS-7)",
     "customers.view", DATA_NONE},
    {"POST", "/api/v1/tag-groups", handle_tag_group_create, ROUTE_SESSION, "Create a tag group (CUS-7)",
     "customers.settings", DATA_NONE},
    {"PUT", "/api/v1/tag-groups/{id}", handle_tag_group_update, ROUTE_SESSION, "Change a tag group (CUS-7)",
     "customers.settings", DATA_NONE},
    {"DELETE", "/api/v1/tag-groups/{id}", handle_tag_group_delete, ROUTE_SESSION, "Delete an empty tag group (CUS-7)",
     "customers.settings", DATA_NONE},
    {"POST", "/api/v1/tag-groups/{id}/tags", handle_tag_create, ROUTE_SESSION, "Create a tag in a group (CUS-7)",
     "customers.settings", DATA_NONE},
    {"PUT", "/api/v1/tags/{id}", handle_tag_update, ROUTE_SESSION, "Change a tag (CUS-7)", "customers.settings",
     DATA_NONE},
    {"DELETE", "/api/v1/tags/{id}", handle_tag_delete, ROUTE_SESSION, "Delete a tag and its uses (CUS-7)",
     "customers.settings", DATA_NONE},
    {"GET", "/api/v1/customers/{id}/tags", handle_customer_tags, ROUTE_SESSION, "A customer's tags (CUS-7)",
     "customers.view", DATA_CUSTOMERS},
    {"PUT", "/api/v1/customers/{id}/tags/{tag_id}", handle_customer_tag_add, ROUTE_SESSION,
     "Tag a customer; single-select groups keep one tag (CUS-7)", "customers.view", DATA_CUSTOMERS},
    {"DELETE", "/api/v1/customers/{id}/tags/{tag_id}", handle_customer_tag_remove, ROUTE_SESSION,
     "Remove a customer's tag (CUS-7)", "customers.view", DATA_CUSTOMERS},
    {"POST", "/api/v1/customer-tags/batch", handle_tags_batch, ROUTE_SESSION,
     "Tag or untag up to 10,000 customers of the caller's scope (CUS-7)", "customers.view", DATA_CUSTOMERS},
    {"GET", "/api/v1/tag-rules", handle_tag_rules_list, ROUTE_SESSION, "Automatic tagging rules (CUS-7)",
     "customers.settings", DATA_NONE},
    {"POST", "/api/v1/tag-rules", handle_tag_rule_create, ROUTE_SESSION, "Create an automatic tagging rule (CUS-7)",
     "customers.settings", DATA_NONE},
    {"PUT", "/api/v1/tag-rules/{id}", handle_tag_rule_update, ROUTE_SESSION, "Change an automatic tagging rule (CUS-7)",
     "customers.settings", DATA_NONE},
    {"DELETE", "/api/v1/tag-rules/{id}", handle_tag_rule_delete, ROUTE_SESSION,
     "Delete a rule; the tags it gave go (CUS-7)", "customers.settings", DATA_NONE},
    {"POST", "/api/v1/tag-rules/run", handle_tag_rules_run, ROUTE_SESSION,
     "Apply every automatic tagging rule now (CUS-7)", "customers.settings", DATA_NONE},
    {"GET", "/api/v1/customer-groups", handle_groups_list, ROUTE_SESSION,
     "The caller's groups and the system groups (CUS-11)", "customers.view", DATA_NONE},
    {"POST", "/api/v1/customer-groups", handle_group_create, ROUTE_SESSION,
     "Create a group of one's own or a system group (CUS-11)", "customers.view", DATA_NONE},
    {"PUT", "/api/v1/customer-groups/{id}", handle_group_update, ROUTE_SESSION, "Rename a group (CUS-11)",
     "customers.view", DATA_NONE},
    {"DELETE", "/api/v1/customer-groups/{id}", handle_group_delete, ROUTE_SESSION, "Delete a group (CUS-11)",
     "customers.view", DATA_NONE},
    {"GET", "/api/v1/customer-groups/{id}/customers", handle_group_customers, ROUTE_SESSION,
     "A group's members in the caller's scope, masked (CUS-11)", "customers.view", DATA_CUSTOMERS},
    {"POST", "/api/v1/customer-groups/{id}/customers", handle_group_add, ROUTE_SESSION,
     "Add customers of the caller's scope to a group (CUS-11)", "customers.view", DATA_CUSTOMERS},
    {"POST", "/api/v1/customer-groups/{id}/customers/remove", handle_group_remove, ROUTE_SESSION,
     "Remove customers from a group (CUS-11)", "customers.view", DATA_CUSTOMERS},
    {"GET", "/api/v1/customer-stars", handle_stars_list, ROUTE_SESSION, "The caller's key customers, masked (CUS-16)",
     "customers.view", DATA_CUSTOMERS},
    {"GET", "/api/v1/customers/{id}/star", handle_customer_star, ROUTE_SESSION,
     "The caller's star on a customer (CUS-16)", "customers.view", DATA_CUSTOMERS},
    {"PUT", "/api/v1/customers/{id}/star", handle_customer_star_set, ROUTE_SESSION,
     "Star a customer with a colour, or recolour (CUS-16)", "customers.view", DATA_CUSTOMERS},
    {"DELETE", "/api/v1/customers/{id}/star", handle_customer_star_clear, ROUTE_SESSION,
     "Remove one's own star (CUS-16)", "customers.view", DATA_CUSTOMERS},
    {"GET", "/api/v1/customer-levels", handle_levels_list, ROUTE_SESSION,
     "Star levels with their revisit intervals (CUS-17)", "customers.view", DATA_NONE},
    {"POST", "/api/v1/customer-levels", handle_level_create, ROUTE_SESSION, "Create a star level (CUS-17)",
     "customers.settings", DATA_NONE},
    {"PUT", "/api/v1/customer-levels/{id}", handle_level_update, ROUTE_SESSION, "Change a star level (CUS-17)",
     "customers.settings", DATA_NONE},
    {"DELETE", "/api/v1/customer-levels/{id}", handle_level_delete, ROUTE_SESSION,
     "Delete an unused star level (CUS-17)", "customers.settings", DATA_NONE},
    {"GET", "/api/v1/customers/{id}/level", handle_customer_level, ROUTE_SESSION,
     "A customer's star level and next revisit (CUS-17)", "customers.view", DATA_CUSTOMERS},
    {"PUT", "/api/v1/customers/{id}/level", handle_customer_level_set, ROUTE_SESSION,
     "Set a customer's star level (CUS-17, custodians)", "customers.view", DATA_CUSTOMERS},
    /* related parties (CUS-14), black and grey lists (CUS-15) */
    {"GET", "/api/v1/customers/{id}/relations", handle_relations_list, ROUTE_SESSION,
     "A customer's related parties, from both ends of each link (CUS-14)", "customers.view", DATA_CUSTOMERS},
    {"POST", "/api/v1/customers/{id}/relations", handle_relation_create, ROUTE_SESSION,
     "Link a related customer or person (custodians, CUS-14)", "customers.edit", DATA_CUSTOMERS},
    {"PATCH", "/api/v1/customers/{id}/relations/{rid}", handle_relation_update, ROUTE_SESSION,
     "Change a related-party link (custodians, CUS-14)", "customers.edit", DATA_CUSTOMERS},
    {"DELETE", "/api/v1/customers/{id}/relations/{rid}", handle_relation_delete, ROUTE_SESSION,
     "Remove a related-party link (custodians, CUS-14)", "customers.edit", DATA_CUSTOMERS},
    {"GET", "/api/v1/customers/{id}/related", handle_customer_related, ROUTE_SESSION,
     "The related query: the network around a customer, nodes and edges (audited, CUS-14)", "customers.view",
     DATA_CUSTOMERS},
    /* the lists carry ID numbers (customer data) but are province-wide by CUS-15: not narrowed by scope */
    {"GET", "/api/v1/watchlist", handle_watchlist_list, ROUTE_SESSION, "Black and grey list entries (CUS-15)",
     "customers.watchlist", DATA_CUSTOMERS},
    {"POST", "/api/v1/watchlist", handle_watchlist_add, ROUTE_SESSION,
     "Put an ID on the black or grey list; its customers are flagged (CUS-15)", "customers.watchlist", DATA_CUSTOMERS},
    {"POST", "/api/v1/watchlist/{id}/remove", handle_watchlist_remove, ROUTE_SESSION,
     "Take an entry off its list with a reason; history kept (CUS-15)", "customers.watchlist", DATA_CUSTOMERS},
    {"GET", "/api/v1/watchlist/{id}/history", handle_watchlist_history, ROUTE_SESSION,
     "Every entry ever made for the ID of an entry (CUS-15)", "customers.watchlist", DATA_CUSTOMERS},
    {"GET", "/api/v1/watchlist/query", handle_watchlist_query, ROUTE_SESSION,
     "Province-wide lookup of an ID number or name on the lists (audited, CUS-15)", "customers.view", DATA_CUSTOMERS},
    {"POST", "/api/v1/auth/webauthn/register/begin", handle_webauthn_register_begin, ROUTE_SESSION,
     "Options to register this device for biometric login (AUTH-6)", NULL, DATA_NONE},
    {"POST", "/api/v1/auth/webauthn/register/finish", handle_webauthn_register_finish, ROUTE_SESSION,
     "Register this device's platform credential (AUTH-6)", NULL, DATA_NONE},
    {"GET", "/api/v1/auth/webauthn/credentials", handle_webauthn_credentials, ROUTE_SESSION,
     "One's devices registered for biometric login (AUTH-6)", NULL, DATA_NONE},
    {"DELETE", "/api/v1/auth/webauthn/credentials/{id}", handle_webauthn_credential_delete, ROUTE_SESSION,
     "Remove one of one's registered devices (AUTH-6)", NULL, DATA_NONE},
    {"POST", "/api/v1/auth/webauthn/login/begin", handle_webauthn_login_begin, ROUTE_LOGIN,
     "Options for a biometric login (AUTH-6)", NULL, DATA_NONE},
    {"POST", "/api/v1/auth/webauthn/login/finish", handle_webauthn_login_finish, ROUTE_LOGIN,
     "Sign in with a WebAuthn assertion (AUTH-6)", NULL, DATA_NONE},
    {"GET", "/api/v1/me/summary", handle_me_summary, ROUTE_SESSION,
     "The Mine page: unit, outlet, credit-system id, days logged in (MOB-2)", NULL, DATA_NONE},
    {"PATCH", "/api/v1/me", handle_me_update, ROUTE_SESSION, "Change one's own name and phone (AUTH-1)", NULL,
     DATA_NONE},
    {"POST", "/api/v1/suggestions", handle_suggestion_create, ROUTE_SESSION, "Send a suggestion (MOB-2)", NULL,
     DATA_NONE},
    {"GET", "/api/v1/suggestions/mine", handle_suggestions_mine, ROUTE_SESSION,
     "One's own suggestions and their answers (MOB-2)", NULL, DATA_NONE},
    {"GET", "/api/v1/suggestions", handle_suggestions_list, ROUTE_SESSION, "Everybody's suggestions (MOB-2)",
     "suggestions.manage", DATA_NONE},
    {"POST", "/api/v1/suggestions/{id}/answer", handle_suggestion_answer, ROUTE_SESSION,
     "Answer a suggestion, optionally closing it (MOB-2)", "suggestions.manage", DATA_NONE},
    {"GET", "/api/v1/audit", handle_audit_search, ROUTE_SESSION, "Search the audit log (AUTH-7)", "audit.view",
     DATA_AUDIT},
    {"GET", "/api/v1/audit/verify", handle_audit_verify, ROUTE_SESSION, "Check the audit log's hash chain (AUTH-7)",
     "audit.view", DATA_NONE},
    {"GET", "/api/v1/about/qr.svg", handle_about_qr, ROUTE_SESSION, "A QR code (SVG) of a link (MOB-2)", NULL,
     DATA_NONE},
};
const int nroutes = (int)ARRAY_LEN(routes);
