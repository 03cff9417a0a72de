/*
 * customer.h — part A of the customers issue: the customer record itself (CUS-1 …
 * CUS-5, CUS-18). Pure checks (resident ID and USCC check characters, phones,
 * e-mail, dates, file kinds by magic bytes) are unit-tested; the rules that read or
 * write the database are in customer.c and their SQL in customer_sql.c.
 */
#ifndef FINCRM_CUSTOMER_H
#define FINCRM_CUSTOMER_H

#include "customers.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- CUS-1 checks ------------------------------------------------------------------ */

/* GB 11643: the check character of the first 17 digits ('0'…'9' or 'X'); 0 when
 * they are not 17 digits. */
char resident_id_check_char(const char *first17);
/* An 18-character resident ID: 17 digits, a real birth date (1900 … today's year), the
 * right check character ('x' accepted as 'X'). Fills birth ("YYYY-MM-DD") and gender
 * ('M' odd sequence, 'F' even) when given. */
bool resident_id_valid(const char *id, char birth[11], char *gender);
/* GB 32100: the check character of the first 17 characters of a unified social
 * credit code; 0 when one of them is not in its alphabet (digits and capitals
 * without I, O, S, V, Z). */
char uscc_check_char(const char *first17);
bool uscc_valid(const char *code);
bool mobile_valid(const char *s);   /* 11 digits, 1[3-9]… (CUS-1) */
bool landline_valid(const char *s); /* 0571-88886666, 057188886666, 88886666-123 … */
bool email_valid(const char *s);
bool date_valid(const char *s);     /* YYYY-MM-DD, a real day */

/* ---- CUS-3 attachments: the kind of a file from its first bytes --------------------- */
enum file_kind { FILE_UNKNOWN, FILE_JPEG, FILE_PNG, FILE_PDF, FILE_OOXML, FILE_OLE };
enum file_kind file_sniff(const unsigned char *p, size_t n);
/* Does the name's extension fit the kind (photo.JPG → JPEG, report.xlsx → OOXML …)? */
bool file_name_fits(enum file_kind k, const char *filename);
/* Does a declared Content-Type fit the kind (application/octet-stream fits any)? */
bool file_type_fits(enum file_kind k, const char *content_type);
/* The Content-Type a file of this kind and name is served with. */
const char *file_mime(enum file_kind k, const char *filename);

/* ---- the caller and one customer (CUS-5) ------------------------------------------- */
enum edit_level { EDIT_NONE, EDIT_OPEN /* assistant: unprotected fields */, EDIT_ALL };

struct customer_ref {
    int64_t id, unit_id, manager_id;
    bool primary, assistant, collector, referrer; /* the caller's links to it */
    bool custodian;                               /* primary or assistant */
    bool scope_all;                               /* the caller's data scope is `all` */
    enum edit_level edit;
    const char *kind, *status;
    /* for the record */
    const char *unit_name, *manager_name, *level, *watch_list;
    int64_t missing_count, created_at, updated_at;
};

/* Finds the customer inside the caller's scope and the caller's relation to it.
 * DB_ROW: found; DB_DONE: outside the scope or absent; DB_ERROR. */
int customer_ref_load(req *r, const struct access *acc, int64_t id, struct customer_ref *out);
/* The same for the customer named by the route's first {id}, in the route's scope;
 * false after req_fail() (404 outside the scope, as if absent). */
bool customer_ref_of_request(req *r, struct customer_ref *c);
/* The relation name for the UI: primary, assistant, collector, referrer or NULL. */
const char *customer_relation(const struct customer_ref *c);
/* May the caller edit this catalogue field (field security, CUS-5 protect)? */
bool customer_field_editable(const struct customer_ref *c, const struct field_info *fi, const struct field_rule *rule);
/* Why not: E_OK or the error of an edit of this field. */
err customer_field_edit_check(const struct customer_ref *c, const struct field_info *fi, const struct field_rule *rule);

/* ---- CUS-4 missing information -------------------------------------------------------- */
/* The required fields, in catalogue order; *n entries (at most ncustomer_fields). */
int required_fields_load(db *d, const struct field_info **out, int *n);
/* Recounts customers.missing_info of one customer (id > 0) or of all (id = 0). */
int customer_missing_recount(db *d, int64_t id);
/* The same for the customers with ids lo…hi (an import batch), in one statement. */
int customer_missing_recount_range(db *d, int64_t lo, int64_t hi);
/* Replaces the required fields (catalogue names). */
int required_fields_set(db *d, const char *const *fields, int n);

/* ---- writes (customer.c) -------------------------------------------------------------- */
/* Values of a create or an edit; `given` marks the fields named in the body (a NULL
 * value clears an optional field). */
enum { CF_KIND, CF_NAME, CF_ID_TYPE, CF_ID_NUMBER, CF_GENDER, CF_BIRTH_DATE, CF_MOBILE, CF_ADDRESS, CF_OCCUPATION,
       CF_EMPLOYER, CF_SOURCE, CF_COUNT };
extern const char *const customer_input_fields[CF_COUNT];
struct customer_input {
    const char *v[CF_COUNT];
    bool given[CF_COUNT];
};
/* Reads the fields present in a JSON body; false after req_fail(). */
bool customer_input_from_json(req *r, json_t *body, struct customer_input *in);
/* Creates a customer (CUS-1, CUS-3): validation, customer number, status from the
 * bank identities, collector and referrer, missing-info count and the audit record,
 * all in one transaction. Returns 201 with the new id in *id, or req_fail(). */
int customer_create(req *r, struct customer_input *in, int64_t referrer_id, int64_t *id);
/* Changes fields of a customer the caller may edit (CUS-5), audited with before and
 * after. `only` (or NULL) restricts the fields that may be given (CUS-4 form). */
int customer_update(req *r, const struct customer_ref *c, struct customer_input *in, const bool *only);

/* ---- SQL (customer_sql.c) --------------------------------------------------------------- */
/* 1 / 0 answers, -1 on a database error */
int customer_sql_id_type_ok(db *d, const char *code, const char *kind);
int customer_sql_source_ok(db *d, const char *code);
int customer_sql_bank_known(db *d, const char *id_type, const char *id_number);
int customer_sql_id_taken(db *d, const char *id_type, const char *id_number, int64_t except_id);

struct staff_user {
    int64_t id, unit_id;
    bool active, custodian; /* custodian: a position that may hold custody (ORG-2) */
};
int customer_sql_staff_user(db *d, int64_t user_id, struct staff_user *out); /* DB_ROW, DB_DONE, DB_ERROR */

struct customer_row {
    const char *const *v; /* CF_* order */
    const char *status;
    int64_t unit_id, manager_id, created_by, at;
};
int customer_sql_insert(db *d, arena *a, const struct customer_row *row, int64_t *id);
int customer_sql_update(db *d, arena *a, int64_t id, const char *const *v, const bool *changed, const char *status,
                        int64_t at);
/* Everyone linked to a customer: the primary custodian ("primary", share =
 * manager_share) and the customer_staff rows; cross_branch: the user's branch is not
 * the customer's. */
struct linked_user {
    const char *role, *display_name, *username, *unit_name;
    int64_t id, unit_id, share;
    bool cross_branch;
};
int customer_sql_linked(db *d, arena *a, int64_t customer_id, struct linked_user *out, int max, int *n);
int customer_sql_staff_add(db *d, int64_t customer_id, int64_t user_id, const char *role, int64_t share, int64_t at);
int customer_sql_staff_role(db *d, int64_t customer_id, int64_t user_id, bool *assistant, bool *collector,
                            bool *referrer);
/* The values of the catalogue fields (customer_fields order) into vals (arena copies; NULL for SQL NULL). */
int customer_sql_values(db *d, arena *a, int64_t id, const char **vals);

/* statements ready for db_step() (reset them after) */
db_stmt *customer_sql_id_types(db *d);      /* code, name, name_en, kind */
db_stmt *customer_sql_sources(db *d);       /* code, name */
db_stmt *customer_sql_contact_types(db *d); /* code, name, name_en, format */
db_stmt *customer_sql_staff_search(db *d, const char *q); /* id, display_name, username, unit id, unit name */

/* ---- CUS-2 contacts, CUS-3 attachments, CUS-5 custody: SQL --------------------------------- */
struct contact {
    int64_t id, customer_id;
    const char *type, *value, *note, *format;
    bool is_default;
};
/* A contact type's format (mobile, phone, email, text) or NULL when unknown/inactive; -1 on error. */
int contact_sql_type_format(db *d, arena *a, const char *type, const char **format);
db_stmt *contact_sql_list(db *d, int64_t customer_id); /* id, type, type name, type name_en, format, value, note,
                                                          is_default, created_at, updated_at */
int contact_sql_get(db *d, arena *a, int64_t customer_id, int64_t id, struct contact *out); /* DB_ROW/DB_DONE/ERROR */
int contact_sql_insert(db *d, const struct contact *c, int64_t by, int64_t at, int64_t *id);
int contact_sql_update(db *d, int64_t id, const char *value, const char *note, int64_t at);
int contact_sql_delete(db *d, int64_t id);
/* Makes id the default of its type (clears the others); id 0: the oldest remaining. */
int contact_sql_make_default(db *d, int64_t customer_id, const char *type, int64_t id);
int contact_sql_has_default(db *d, int64_t customer_id, const char *type); /* 1, 0, -1 */
int contact_sql_history_add(db *d, const struct contact *before, const struct contact *after, const char *action,
                            int64_t by, int64_t at);
db_stmt *contact_sql_history(db *d, int64_t customer_id); /* id, contact_id, action, type, old_value, new_value,
                                                             old_note, new_note, is_default, by id, by name, at */

struct attachment {
    int64_t id, customer_id, size, uploaded_by, at;
    const char *filename, *content_type, *sha256, *path;
};
int attachment_sql_insert(db *d, const struct attachment *a, int64_t *id);
int attachment_sql_get(db *d, arena *a, int64_t customer_id, int64_t id, struct attachment *out);
int attachment_sql_delete(db *d, int64_t id);
db_stmt *attachment_sql_list(db *d, int64_t customer_id); /* id, filename, content_type, size, by id, by name, at */

int custody_sql_set_primary(db *d, int64_t customer_id, int64_t manager_id, int64_t share, int64_t at);
int custody_sql_clear_assistants(db *d, int64_t customer_id);
int custody_sql_history_add(db *d, int64_t customer_id, int64_t from, int64_t to, const char *reason, int64_t at);
db_stmt *custody_sql_history(db *d, int64_t customer_id); /* from id, from name, to id, to name, reason, at */

/* Writes the custodians object of a customer (record and custody routes). */
int customer_custodians_write(req *r, int64_t id);

/* handlers */
int handle_customer_create(req *r);
int handle_customer_update(req *r);
int handle_customer_missing_get(req *r);
int handle_customer_missing_fill(req *r);
int handle_customer_options(req *r);
int handle_customer_staff_users(req *r);
int handle_required_fields_get(req *r);
int handle_required_fields_set(req *r);
int handle_contacts_list(req *r);
int handle_contact_create(req *r);
int handle_contact_update(req *r);
int handle_contact_delete(req *r);
int handle_contacts_history(req *r);
int handle_custodians_get(req *r);
int handle_custodians_set(req *r);
int handle_attachments_list(req *r);
int handle_attachment_upload(req *r);
int handle_attachment_download(req *r);
int handle_attachment_delete(req *r);

#endif
