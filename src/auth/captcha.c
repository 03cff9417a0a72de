/*
 * captcha.c — draws the AUTH-2 captcha with libgd. Every random choice (answer,
 * colours, angles, offsets, noise) comes from libsodium's CSPRNG, so an answer
 * cannot be predicted from earlier images.
 *
 * gd's built-in fonts are small bitmaps and gd can only draw them upright, so each
 * character is drawn once into a tiny glyph image and then mapped onto the picture
 * pixel by pixel through the inverse of "scale, rotate, move": nearest-neighbour
 * sampling, which keeps the strokes solid at any angle.
 */
#include "captcha.h"

#include <gd.h>
#include <gdfontg.h>
#include <math.h>
#include <sodium.h>
#include <string.h>

const char captcha_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/* A uniform integer in [lo, hi]. */
static int rnd(int lo, int hi)
{
    return lo + (int)randombytes_uniform((uint32_t)(hi - lo + 1));
}

static int rnd_color(int lo, int hi)
{
    return gdTrueColor(rnd(lo, hi), rnd(lo, hi), rnd(lo, hi));
}

/* Draws character c centred on (cx, cy), scaled and turned by angle (radians). */
static void draw_char(gdImagePtr im, gdImagePtr glyph, gdFontPtr font, char c, double cx, double cy, double scale,
                      double angle, int color)
{
    gdImageFilledRectangle(glyph, 0, 0, font->w - 1, font->h - 1, 0);
    gdImageChar(glyph, font, 0, 0, (unsigned char)c, 1);
    double s = sin(angle), co = cos(angle);
    int reach = (int)(scale * font->h * 0.75) + 2;
    for (int y = (int)cy - reach; y <= (int)cy + reach; y++) {
        for (int x = (int)cx - reach; x <= (int)cx + reach; x++) {
            double dx = x - cx, dy = y - cy;
            double u = (dx * co + dy * s) / scale + font->w / 2.0;
            double v = (-dx * s + dy * co) / scale + font->h / 2.0;
            int iu = (int)floor(u), iv = (int)floor(v);
            if (iu < 0 || iv < 0 || iu >= font->w || iv >= font->h)
                continue;
            if (gdImageGetPixel(glyph, iu, iv) == 1)
                gdImageSetPixel(im, x, y, color); /* clips outside the picture */
        }
    }
}

int captcha_make(char answer[CAPTCHA_MAX_LEN + 1], void **png, int *png_len)
{
    int rc = -1;
    gdFontPtr font = gdFontGetGiant(); /* 9 x 15 */
    gdImagePtr im = gdImageCreateTrueColor(CAPTCHA_WIDTH, CAPTCHA_HEIGHT);
    gdImagePtr glyph = gdImageCreate(font->w, font->h); /* palette: 0 background, 1 ink */
    *png = NULL;
    *png_len = 0;
    if (!im || !glyph)
        goto out;
    gdImageColorAllocate(glyph, 255, 255, 255);
    gdImageColorAllocate(glyph, 0, 0, 0);

    int n = rnd(CAPTCHA_MIN_LEN, CAPTCHA_MAX_LEN);
    size_t nalpha = strlen(captcha_alphabet);
    for (int i = 0; i < n; i++)
        answer[i] = captcha_alphabet[randombytes_uniform((uint32_t)nalpha)];
    answer[n] = '\0';

    gdImageFilledRectangle(im, 0, 0, CAPTCHA_WIDTH - 1, CAPTCHA_HEIGHT - 1, rnd_color(228, 250));
    for (int i = 0; i < 4; i++) { /* noise under the characters */
        gdImageSetThickness(im, rnd(1, 2));
        gdImageLine(im, rnd(0, CAPTCHA_WIDTH / 3), rnd(0, CAPTCHA_HEIGHT - 1),
                    rnd(CAPTCHA_WIDTH * 2 / 3, CAPTCHA_WIDTH - 1), rnd(0, CAPTCHA_HEIGHT - 1), rnd_color(120, 200));
    }
    gdImageSetThickness(im, 1);

    double cell = (CAPTCHA_WIDTH - 16.0) / n;
    for (int i = 0; i < n; i++) {
        double scale = rnd(210, 260) / 100.0;
        double angle = rnd(-28, 28) * M_PI / 180.0;
        double cx = 8 + cell * (i + 0.5) + rnd(-3, 3);
        double cy = CAPTCHA_HEIGHT / 2.0 + rnd(-5, 5);
        draw_char(im, glyph, font, answer[i], cx, cy, scale, angle, rnd_color(10, 110));
    }

    for (int i = 0; i < 3; i++) { /* noise over them: thin lines and dots */
        gdImageLine(im, rnd(0, CAPTCHA_WIDTH - 1), rnd(0, CAPTCHA_HEIGHT - 1), rnd(0, CAPTCHA_WIDTH - 1),
                    rnd(0, CAPTCHA_HEIGHT - 1), rnd_color(40, 160));
    }
    for (int i = 0; i < CAPTCHA_WIDTH * CAPTCHA_HEIGHT / 25; i++)
        gdImageSetPixel(im, rnd(0, CAPTCHA_WIDTH - 1), rnd(0, CAPTCHA_HEIGHT - 1), rnd_color(0, 220));

    *png = gdImagePngPtr(im, png_len);
    rc = *png && *png_len > 0 ? 0 : -1;
out:
    if (glyph)
        gdImageDestroy(glyph);
    if (im)
        gdImageDestroy(im);
    return rc;
}

void captcha_free(void *png)
{
    if (png)
        gdFree(png);
}
