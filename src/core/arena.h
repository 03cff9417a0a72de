/*
 * arena.h — a memory arena: many allocations, one free. Every request owns one;
 * rows, JSON output and temporary strings come from it and are released together
 * when the response has been sent. Allocation aborts on exhaustion, so call sites
 * never check for NULL.
 */
#ifndef FINCRM_ARENA_H
#define FINCRM_ARENA_H

#include <stddef.h>

typedef struct arena arena;

arena *arena_new(size_t first_block);
void arena_free(arena *a);
void arena_clear(arena *a);          /* keeps the first block for reuse */
void *arena_alloc(arena *a, size_t n); /* 16-byte aligned */
void *arena_calloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t arena_used(const arena *a);   /* bytes handed out, for tests and metrics */

#endif
