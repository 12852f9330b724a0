/* fm-image.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decodes PNG (libpng) and JPEG (libjpeg) pictures into plain 8-bit
 * pixels, gray or RGB. The format is found from the magic bytes, never
 * from the file name. Palette, low bit depths and 16-bit samples are
 * expanded or scaled to 8 bits; an alpha channel (or a tRNS colour) is
 * composited over white, the usual background of drawn and scanned
 * digits, in stored sample values with no gamma handling. Colour profiles
 * and gamma chunks are ignored. The picture size is checked against a
 * pixel limit before any pixel memory is allocated. Resizing and
 * normalising for a model is fm-preprocess.c's job.
 */
#pragma once

#include <glib.h>

#include "fm-error.h"

G_BEGIN_DECLS

/* 64 megapixels. */
#define FM_IMAGE_DEFAULT_MAX_PIXELS ((gsize) 64 * 1000 * 1000)

typedef struct
{
  int     width;
  int     height;
  int     channels;  /* 1 (gray) or 3 (RGB) */
  guint8 *pixels;    /* [H, W, channels], rows packed with no padding */
} FmImage;

/* A zero-filled (black) image; NULL with FM_ERROR_LIMIT if it would be
 * larger than @max_pixels (0 means the default) or cannot be allocated. */
FmImage  *fm_image_new         (int            width,
                                int            height,
                                int            channels,
                                gsize          max_pixels,
                                GError       **error);
void      fm_image_free        (FmImage       *image);
/* A copy of @image (its size was checked when it was made). */
FmImage  *fm_image_copy        (const FmImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmImage, fm_image_free)

/* Loads a PNG or JPEG file. @max_pixels bounds width * height (0 means
 * FM_IMAGE_DEFAULT_MAX_PIXELS). Errors: FM_ERROR_IO (cannot read),
 * FM_ERROR_LIMIT (too many pixels), FM_ERROR_INVALID_INPUT (not a PNG or
 * JPEG, or corrupt or truncated data, with the decoder's reason). The
 * message starts with the file name. */
FmImage  *fm_image_load        (const char    *path,
                                gsize          max_pixels,
                                GError       **error);

/* The same from bytes in memory; @name is used in messages. */
FmImage  *fm_image_load_bytes  (const guint8  *data,
                                gsize          len,
                                const char    *name,
                                gsize          max_pixels,
                                GError       **error);

/* TRUE if @data start like a PNG or a JPEG file. */
gboolean  fm_image_has_magic   (const guint8  *data,
                                gsize          len);

G_END_DECLS
