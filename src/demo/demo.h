/*
 * demo.h — deterministic, realistic demo data at any scale (`fincrm demo`).
 */
#ifndef FINCRM_DEMO_H
#define FINCRM_DEMO_H

#include "db/db.h"

#include <stdint.h>
#include <stdio.h>

#define DEMO_PASSWORD "Demo@2026"

/* Fills the database (already migrated; must hold no org units yet) with an org
 * tree, ~1,000 staff and `customers` customers; prints a summary and the demo
 * logins to `out`. The same seed always gives the same data. Returns 0, or 1 with
 * a reason in err. */
int demo_run(db *d, long customers, uint64_t seed, FILE *out, char *err, size_t errlen);

/* GB 11643 check character of the first 17 digits of a resident ID ('0'-'9' or 'X'). */
char demo_id_check_char(const char first17[17]);

/* Related parties and black/grey list entries among the demo customers (demo_relate.c). */
int demo_relate(db *d, int64_t now, char *err, size_t errlen);

#endif
