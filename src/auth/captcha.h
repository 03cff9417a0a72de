/*
 * captcha.h — the image captcha of AUTH-2, drawn by the server itself with libgd (no
 * third-party service): 4–5 characters from an alphabet without look-alikes, each
 * scaled up from gd's built-in font, rotated and offset on its own, over noise lines
 * and dots, as a PNG. Pure: no database, no HTTP (security.c stores the answer).
 */
#ifndef FINCRM_CAPTCHA_H
#define FINCRM_CAPTCHA_H

#define CAPTCHA_MIN_LEN 4
#define CAPTCHA_MAX_LEN 5
#define CAPTCHA_WIDTH 150
#define CAPTCHA_HEIGHT 50

/* Upper-case letters and digits without 0/O, 1/I/L. */
extern const char captcha_alphabet[];

/* Draws a new captcha. answer receives 4–5 characters of captcha_alphabet and a NUL;
 * *png a malloc'd PNG of *png_len bytes, to be released with captcha_free().
 * Returns 0, or -1 when libgd fails (out of memory). */
int captcha_make(char answer[CAPTCHA_MAX_LEN + 1], void **png, int *png_len);
void captcha_free(void *png);

#endif
