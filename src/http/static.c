/*
 * static.c — the built UI (web/dist): files under /assets/ carry a content hash in
 * their names and are cached forever; everything else (index.html) is revalidated
 * every time. A precompressed `.gz` twin made at build time is sent to clients that
 * accept gzip. Paths that are not files fall back to index.html, so the UI's own
 * routes (/customers/42) load the app.
 */
#include "core/util.h"
#include "http.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *ext, *type;
} mime[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *mime_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot)
        for (size_t i = 0; i < ARRAY_LEN(mime); i++)
            if (strcasecmp(dot, mime[i].ext) == 0)
                return mime[i].type;
    return "application/octet-stream";
}

/* A request path is safe when it has no "..", no backslash and no NUL segments. */
static bool safe_path(const char *p)
{
    return p[0] == '/' && !strstr(p, "..") && !strchr(p, '\\') && !strstr(p, "//");
}

static bool accepts_gzip(req *r)
{
    const char *ae = req_in_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    return ae && strstr(ae, "gzip");
}

/* Opens a regular file; returns the fd and its size, or -1. */
static int open_file(const char *path, uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    *size = (uint64_t)st.st_size;
    return fd;
}

struct MHD_Response *static_response(req *r, int *status)
{
    const char *rel = r->path;
    if (!safe_path(rel))
        return NULL;
    if (strcmp(rel, "/") == 0)
        rel = "/index.html";
    const char *file = arena_printf(r->a, "%s%s", server_cfg.web_dir, rel);
    uint64_t size;
    int fd = open_file(file, &size);
    if (fd < 0) {
        if (str_starts(rel, "/assets/"))
            return NULL; /* a missing asset is a 404, not the app */
        rel = "/index.html";
        file = arena_printf(r->a, "%s/index.html", server_cfg.web_dir);
        if ((fd = open_file(file, &size)) < 0)
            return NULL;
    }
    bool gz = false;
    if (accepts_gzip(r)) {
        uint64_t gsize;
        int gfd = open_file(arena_printf(r->a, "%s.gz", file), &gsize);
        if (gfd >= 0) {
            close(fd);
            fd = gfd;
            size = gsize;
            gz = true;
        }
    }
    struct MHD_Response *resp = MHD_create_response_from_fd64(size, fd);
    if (!resp) {
        close(fd);
        return NULL;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, mime_type(rel));
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            str_starts(rel, "/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    if (gz)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    *status = 200;
    return resp;
}
