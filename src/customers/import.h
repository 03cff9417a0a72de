/*
 * import.h — customer import (CUS-12) and export (CUS-13).
 *
 * Import: the user uploads a CSV or XLSX file (read by core/sheet.h), gets the
 * header, a preview and a suggested column mapping, then starts the import with the
 * mapping, the target (custodian: the importer, a chosen user in the importer's
 * scope, or the importer's unit unassigned — the pools issue adds pools to the same
 * enum), the match key (phone, ID number, customer number) and what a match means
 * (skip or update). A worker thread takes the rows in batches; each batch commits in
 * one transaction together with the import's progress row, so that an import cut
 * off by a crash or kill resumes after its last committed batch when the server
 * starts again: no row lost, none twice. Every row that is skipped or refused is
 * kept with its reason for the error report; the whole import is one audit entry
 * with its counts.
 *
 * Export: the filtered list (the list's own filter and scoped query) to CSV or XLSX,
 * with the list's field security and masking, watermarked with the exporter and the
 * time, cells that could start a formula neutralised, audited with the row count.
 */
#ifndef FINCRM_IMPORT_H
#define FINCRM_IMPORT_H

#include "db/db.h"
#include "http/http.h"
#include "org/access.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The fields an import can fill, in template order. */
enum import_field {
    IF_CUSTOMER_NO,
    IF_NAME,
    IF_KIND,
    IF_MOBILE,
    IF_ID_TYPE,
    IF_ID_NUMBER,
    IF_GENDER,
    IF_BIRTH_DATE,
    IF_ADDRESS,
    IF_OCCUPATION,
    IF_EMPLOYER,
    IF_SOURCE,
    IF_TAGS,
    IF_COUNT
};

struct import_field_info {
    const char *field;
    bool required;
    const char *zh, *en;
    const char *aliases; /* other header spellings, '|'-separated, lower case */
};
extern const struct import_field_info import_fields[IF_COUNT];

enum import_match { MATCH_PHONE, MATCH_ID_NUMBER, MATCH_CUSTOMER_NO };
/* Where new customers go. The pools issue adds its pools here. */
enum import_target { TARGET_ME, TARGET_USER, TARGET_UNIT };

struct import_options {
    int col[IF_COUNT]; /* column of each field, -1: not mapped */
    enum import_match match;
    bool update;       /* a match is updated (else skipped) */
    enum import_target target;
    int64_t target_user; /* TARGET_USER: the chosen custodian */
};

/* Batches: rows per transaction. */
#define IMPORT_BATCH 1000

/* The suggested column of each field for a header row (-1 where none fits). */
void import_suggest_mapping(const char *const *header, int n, int col[IF_COUNT]);
/* Options to/from the JSON kept in customer_imports.options. */
char *import_options_json(arena *a, const struct import_options *o);
bool import_options_parse(const char *json, struct import_options *o);

/* Starts the worker of an import that is 'running' (after start, and at startup). */
void import_spawn(int64_t import_id);
/* Starts workers for every import left 'running' (server start). */
void imports_resume(void);

/* The reason codes of the error report, worded in zh-CN or English. */
const char *import_reason_text(const char *code, bool en);

/* SQL (import_sql.c) */
struct import_row_state { /* the progress of an import */
    int64_t id, user_id, total_rows, position, processed, inserted, updated, skipped, failed;
    int64_t created_at, started_at, finished_at, target_user, target_unit;
    const char *state, *filename, *format, *options, *error, *target, *ip;
};
int import_sql_create(db *d, int64_t user_id, const char *ip, const char *filename, const char *format,
                      int64_t total_rows, const char *options, const char *data_b64, int64_t *id);
int import_sql_get(db *d, arena *a, int64_t id, struct import_row_state *out); /* DB_ROW, DB_DONE or DB_ERROR */
int import_sql_file(db *d, arena *a, int64_t id, const char **b64);            /* DB_ROW, DB_DONE or DB_ERROR */
int import_sql_running_of(db *d, int64_t user_id, int64_t *n);
int import_sql_start(db *d, int64_t id, const char *options, const char *target, int64_t target_user,
                     int64_t target_unit, bool *started);
/* The worker's statements. */
int import_sql_claim(db *d, int64_t id, int64_t position, bool *claimed);
int import_sql_progress(db *d, const struct import_row_state *p);
int import_sql_finish(db *d, int64_t id, const char *state, const char *error);
int import_sql_error(db *d, int64_t id, int64_t row_no, const char *field, const char *value, const char *reason,
                     bool skipped);
/* The customer whose column (mobile, id_number, customer_no) holds value: *id 0 when none. */
int import_sql_find(db *d, const char *column, const char *value, int64_t *id);
int import_sql_in_scope(db *d, arena *a, const struct access *acc, int64_t id, bool *in);
struct import_customer {
    const char *v[IF_COUNT]; /* normalised values; NULL: not given */
    int64_t unit_id, manager_id, created_by, now;
    const char *initials;    /* pinyin initials of the name (CUS-8); NULL without a name */
    const char *temp_no;     /* a unique placeholder until the number is assigned */
    const char *status;      /* potential | existing (CUS-1) */
    int64_t id;              /* SQLite: the id to give (import_sql_next_id), else 0 */
};
int import_sql_insert(db *d, const struct import_customer *c, int64_t *id);
/* SQLite: the next free customer id, read once per batch while the batch holds the
 * write lock; 0 on PostgreSQL (its identity sequence is used). */
int import_sql_next_id(db *d, int64_t *next);
int import_sql_update(db *d, int64_t id, const struct import_customer *c);
/* After a batch: collector links and missing-info counts of the customers it created (ids lo…hi). */
int import_sql_batch_done(db *d, int64_t lo, int64_t hi, int64_t user_id, int64_t now);
/* Tags by name: *n is how many tags have that name (the first's id in *id). */
int import_sql_tag_find(db *d, const char *name, int64_t *id, int64_t *n);
int import_sql_tag_add(db *d, int64_t customer_id, int64_t tag_id, int64_t by_user, int64_t now);
/* The active sources as code/name pairs; *n of them. */
int import_sql_sources(db *d, arena *a, const char ***codes, const char ***names, int *n);
int import_sql_running(db *d, arena *a, int64_t **ids, int *n);
/* A user inside the caller's scope and active: *unit_id set, *found false otherwise. */
int import_sql_target_user(db *d, arena *a, const struct access *acc, int64_t user_id, int64_t *unit_id, bool *found);
int import_sql_username(db *d, arena *a, int64_t user_id, const char **username);
/* The error report rows: row_no, field, value, reason, skipped. */
db_stmt *import_sql_errors(db *d, int64_t id);

/* HTTP (import_http.c, export.c) */
int handle_import_template_csv(req *r);
int handle_import_template_xlsx(req *r);
int handle_import_upload(req *r);
int handle_import_start(req *r);
int handle_import_get(req *r);
int handle_import_errors(req *r);
int handle_customers_export(req *r);

/* Sends a temporary file as the response body (attachment); takes f. */
int customers_send_file(req *r, FILE *f, const char *content_type, const char *filename);
/* The CSV form of one cell: quoted when needed; a leading = + - @ tab or CR gets an
 * apostrophe so that spreadsheets never run it as a formula (CUS-13). */
void csv_put_cell(FILE *f, const char *v, bool first);
/* The formula-safe text of a cell (the apostrophe rule above), in the arena or v. */
const char *cell_neutral(arena *a, const char *v);

#endif
