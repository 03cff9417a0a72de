/*
 * util.h — small helpers every module uses: clocks, checked allocation, strings.
 */
#ifndef FINCRM_UTIL_H
#define FINCRM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

int64_t now_ms(void);          /* wall clock, Unix milliseconds */
int64_t mono_us(void);         /* monotonic clock, microseconds */

void *xmalloc(size_t n);       /* abort on exhaustion, like the arena */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

bool str_eq(const char *a, const char *b);
bool str_starts(const char *s, const char *prefix);
/* Copies at most cap-1 bytes and always terminates; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t cap);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* True if s is valid UTF-8 of n bytes (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t n);

#endif
