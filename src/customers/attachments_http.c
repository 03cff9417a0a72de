/*
 * attachments_http.c — photos and documents of a customer (CUS-3). The upload is
 * the raw file as the request body (ROUTE_RAW: Content-Type of the file, its name
 * in the `filename` query parameter), at most `serve --max-upload-mb`; only JPEG,
 * PNG, PDF and Office files, recognised by their first bytes, and the name and the
 * declared type must agree with them. Files are written under `serve --files-dir`
 * (fsync, then rename) before their row is committed. Downloads are audited.
 */
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "customer.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Who sees a customer's files: custodians, the collector, users with data scope all. */
static bool may_see(const struct customer_ref *c)
{
    return c->custodian || c->collector || c->scope_all;
}

int handle_attachments_list(req *r)
{
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    if (!may_see(&c))
        return req_fail(r, E_CUSTOMER_CUSTODIANS_ONLY, NULL);
    db_stmt *st = attachment_sql_list(r->db, c.id);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_kbool(w, "upload", c.edit != EDIT_NONE || c.collector);
    jw_kint(w, "max_bytes", (int64_t)server_cfg.max_upload);
    jw_karr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w);
        jw_kint(w, "id", db_col_int64(st, 0));
        jw_kstr(w, "filename", db_col_text(st, 1));
        jw_kstr(w, "content_type", db_col_text(st, 2));
        jw_kint(w, "size", db_col_int64(st, 3));
        if (db_col_null(st, 4)) {
            jw_knull(w, "uploaded_by");
        } else {
            jw_kobj(w, "uploaded_by");
            jw_kint(w, "id", db_col_int64(st, 4));
            jw_kstr(w, "display_name", db_col_text(st, 5));
            jw_end(w);
        }
        jw_kint(w, "at", db_col_int64(st, 6));
        jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}

/* The last path segment of a name, trimmed; NULL if empty, too long or with control
 * characters. */
static const char *clean_name(arena *a, const char *name)
{
    if (!name)
        return NULL;
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    while (*base == ' ')
        base++;
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == ' ')
        n--;
    if (n == 0 || n > 600 || !utf8_valid(base, n))
        return NULL;
    int chars = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)base[i] < 0x20 || base[i] == 0x7f || base[i] == '"')
            return NULL;
        chars += ((unsigned char)base[i] & 0xC0) != 0x80;
    }
    if (chars > 200 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return NULL;
    return arena_strndup(a, base, n);
}

static int mkdirs(const char *path)
{
    char buf[1024];
    if (str_copy(buf, path, sizeof buf) >= sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0750) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

/* Writes the bytes to <files-dir>/<rel>: a temporary name, fsync, rename. */
static int write_file(const char *rel, const char *data, size_t n)
{
    char path[1024], tmp[1100], dir[1024];
    snprintf(path, sizeof path, "%s/%s", server_cfg.files_dir, rel);
    snprintf(tmp, sizeof tmp, "%s.part", path);
    str_copy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    if (mkdirs(dir) != 0)
        return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < n) {
        ssize_t k = write(fd, data + off, n - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            close(fd);
            unlink(tmp);
            return -1;
        }
        off += (size_t)k;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static void remove_file(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", server_cfg.files_dir, rel);
    if (unlink(path) != 0 && errno != ENOENT)
        log_error("attachments: cannot remove %s: %s", path, strerror(errno));
}

int handle_attachment_upload(req *r)
{
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    if (c.edit == EDIT_NONE && !c.collector)
        return req_fail(r, E_CUSTOMER_NOT_EDITOR, NULL);
    const char *name = clean_name(r->a, req_query(r, "filename"));
    if (!name)
        return req_fail(r, E_ATTACHMENT_NAME, "filename");
    if (r->body_len > server_cfg.max_upload)
        return req_fail(r, E_ATTACHMENT_TOO_LARGE, NULL);
    if (r->body_len == 0)
        return req_fail(r, E_ATTACHMENT_EMPTY, NULL);
    enum file_kind kind = file_sniff((const unsigned char *)r->body, r->body_len);
    if (kind == FILE_UNKNOWN)
        return req_fail(r, E_ATTACHMENT_TYPE, NULL);
    if (!file_name_fits(kind, name))
        return req_fail(r, E_ATTACHMENT_MISMATCH, "filename");
    if (!file_type_fits(kind, req_in_header(r, "Content-Type")))
        return req_fail(r, E_ATTACHMENT_MISMATCH, NULL);

    unsigned char hash[crypto_hash_sha256_BYTES], rnd[16];
    char hex[2 * crypto_hash_sha256_BYTES + 1], rhex[33];
    crypto_hash_sha256(hash, (const unsigned char *)r->body, r->body_len);
    hex_encode(hash, sizeof hash, hex);
    randombytes_buf(rnd, sizeof rnd);
    hex_encode(rnd, sizeof rnd, rhex);
    struct attachment a = {
        .customer_id = c.id,
        .filename = name,
        .content_type = file_mime(kind, name),
        .size = (int64_t)r->body_len,
        .sha256 = hex,
        .path = arena_printf(r->a, "%03lld/%lld/%s", (long long)(c.id % 1000), (long long)c.id, rhex),
        .uploaded_by = req_scope(r)->user_id,
        .at = now_ms(),
    };
    if (write_file(a.path, r->body, r->body_len) != 0) {
        log_error("attachments: cannot write under %s: %s", server_cfg.files_dir, strerror(errno));
        return req_fail(r, E_INTERNAL, NULL);
    }
    jw d;
    jw_init(&d, 256);
    jw_obj(&d);
    jw_kstr(&d, "filename", a.filename);
    jw_kstr(&d, "content_type", a.content_type);
    jw_kint(&d, "size", a.size);
    jw_kstr(&d, "sha256", a.sha256);
    jw_end(&d);
    char *detail = jw_take(&d);
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = attachment_sql_insert(r->db, &a, &a.id);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.attachment_added", "customer", c.id, detail);
    if (rc == DB_OK)
        rc = db_commit(r->db);
    free(detail);
    if (rc != DB_OK) {
        db_rollback(r->db);
        remove_file(a.path);
        return req_fail(r, E_INTERNAL, NULL);
    }
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "id", a.id);
    jw_kstr(w, "filename", a.filename);
    jw_kstr(w, "content_type", a.content_type);
    jw_kint(w, "size", a.size);
    jw_kint(w, "at", a.at);
    jw_end(w);
    return 201;
}

/* Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266, 5987). */
static const char *disposition(arena *a, const char *name)
{
    size_t n = strlen(name);
    char *ascii = arena_alloc(a, n + 1), *enc = arena_alloc(a, 3 * n + 1);
    size_t ai = 0, ei = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        ascii[ai++] = ch < 0x80 && ch != '"' && ch != '\\' && ch != ';' ? (char)ch : '_';
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr("-._~", ch))
            enc[ei++] = (char)ch;
        else
            ei += (size_t)snprintf(enc + ei, 4, "%%%02X", ch);
    }
    ascii[ai] = enc[ei] = '\0';
    return arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

int handle_attachment_download(req *r)
{
    struct customer_ref c;
    int64_t aid;
    if (!customer_ref_of_request(r, &c) || !req_param_id(r, 1, &aid))
        return req_status(r);
    if (!may_see(&c))
        return req_fail(r, E_CUSTOMER_CUSTODIANS_ONLY, NULL);
    struct attachment a;
    int rc = attachment_sql_get(r->db, r->a, c.id, aid, &a);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_ATTACHMENT_NOT_FOUND : E_INTERNAL, NULL);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", server_cfg.files_dir, a.path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        log_error("attachments: cannot read %s: %s", path, strerror(errno));
        return req_fail(r, E_ATTACHMENT_NOT_FOUND, NULL);
    }
    const char *detail = arena_printf(r->a, "{\"attachment_id\":%lld,\"size\":%lld}", (long long)a.id,
                                      (long long)a.size);
    if (req_audit(r, "customer.attachment_downloaded", "customer", c.id, detail) != DB_OK) {
        fclose(f);
        return req_fail(r, E_INTERNAL, NULL);
    }
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        jw_append(&r->out, buf, k);
    bool bad = ferror(f);
    fclose(f);
    if (bad)
        return req_fail(r, E_INTERNAL, NULL);
    r->content_type = a.content_type;
    req_header(r, "Content-Disposition", disposition(r->a, a.filename));
    return 200;
}

int handle_attachment_delete(req *r)
{
    struct customer_ref c;
    int64_t aid;
    if (!customer_ref_of_request(r, &c) || !req_param_id(r, 1, &aid))
        return req_status(r);
    struct attachment a;
    int rc = attachment_sql_get(r->db, r->a, c.id, aid, &a);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_ATTACHMENT_NOT_FOUND : E_INTERNAL, NULL);
    if (c.edit == EDIT_NONE && a.uploaded_by != req_scope(r)->user_id)
        return req_fail(r, E_CUSTOMER_NOT_EDITOR, NULL);
    const char *detail = arena_printf(r->a, "{\"attachment_id\":%lld,\"sha256\":\"%s\"}", (long long)a.id, a.sha256);
    rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = attachment_sql_delete(r->db, aid);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.attachment_deleted", "customer", c.id, detail);
    if (rc == DB_OK)
        rc = db_commit(r->db);
    if (rc != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, E_INTERNAL, NULL);
    }
    remove_file(a.path);
    return 204;
}
