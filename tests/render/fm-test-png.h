/* fm-test-png.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test helper: a PNG file read back with libpng's own reader, so the
 * render tests check what fm-png-writer wrote without trusting it.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int         width, height;
  int         color_type;   /* PNG_COLOR_TYPE_RGB or _RGB_ALPHA */
  guint8     *rgba;         /* [height, width, 4], alpha 0xff for RGB */
  GHashTable *text;         /* key -> value */
  GHashTable *text_kind;    /* key -> "tEXt", "zTXt" or "iTXt" */
} FmTestPng;

/* Reads @path expanded to 8-bit RGBA; any failure aborts the test. */
void     fm_test_png_read            (const char      *path,
                                      FmTestPng       *r);
void     fm_test_png_clear           (FmTestPng       *r);
/* Asserts that every pixel is opaque. */
void     fm_test_png_assert_opaque   (const FmTestPng *r);
/* Pixel (@x, @y) as 0xRRGGBB. */
guint32  fm_test_png_rgb             (const FmTestPng *r,
                                      int              x,
                                      int              y);

/* Pixel (@x, @y) of an ARGB32 @surface as cairo stores it: premultiplied,
 * native-endian 0xAARRGGBB. */
guint32  fm_test_pixel               (cairo_surface_t *surface,
                                      int              x,
                                      int              y);

G_END_DECLS
