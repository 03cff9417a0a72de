/*
 * demo_names.h — the vocabulary behind the demo data (demo.c): Chinese surnames
 * weighted by how common they are, given-name characters, an invented province
 * with invented counties, towns, villages and streets, and company-name words.
 * Everything here is either common vocabulary or made up; nothing is taken from
 * real customer records or from the project's seed documents.
 */
#ifndef FINCRM_DEMO_NAMES_H
#define FINCRM_DEMO_NAMES_H

#include <stddef.h>

#define DEMO_PROVINCE "云泽省" /* invented */
#define DEMO_PROVINCE_SHORT "云泽"
#define DEMO_PROVINCE_UNION "云泽省农村信用社联合社"
#define DEMO_AREA_PREFIX "36" /* first two digits of every demo area code */

struct demo_weighted {
    const char *s;
    int w; /* relative frequency */
};

/* Surnames, most common first; weights roughly per 10,000 people. */
extern const struct demo_weighted demo_surnames[];
extern const size_t demo_nsurnames;

/* Characters for given names: male-leaning, female-leaning, and first characters of
 * two-character given names that suit either. */
extern const char *const demo_given_male[];
extern const size_t demo_ngiven_male;
extern const char *const demo_given_female[];
extern const size_t demo_ngiven_female;
extern const char *const demo_given_lead[];
extern const size_t demo_ngiven_lead;

/* Invented county names (10: one county bank each). */
extern const char *const demo_counties[];
extern const size_t demo_ncounties;

/* Towns (one branch each); the first is the county seat 城关. Names starting with
 * 城 are urban (街道), the rest rural (镇). */
extern const char *const demo_towns[];
extern const size_t demo_ntowns;

/* Places that name the second and third outlet of a branch (…分理处). */
extern const char *const demo_outlet_places[];
extern const size_t demo_noutlet_places;

/* Village names are built from two parts: 石 + 湾 → 石湾村. */
extern const char *const demo_village_a[];
extern const size_t demo_nvillage_a;
extern const char *const demo_village_b[];
extern const size_t demo_nvillage_b;

/* Urban streets (人民路 …). */
extern const char *const demo_streets[];
extern const size_t demo_nstreets;

/* Company names: two brand characters, an industry and a legal form. Industries
 * before demo_agri_industries are agricultural (may be 专业合作社). */
extern const char *const demo_brand_a[];
extern const size_t demo_nbrand_a;
extern const char *const demo_brand_b[];
extern const size_t demo_nbrand_b;
extern const char *const demo_industries[];
extern const size_t demo_nindustries;
extern const size_t demo_agri_industries;

/* Mobile number prefixes (13x, 15x, 18x, 19x). */
extern const char *const demo_mobile_prefixes[];
extern const size_t demo_nmobile_prefixes;

#endif
