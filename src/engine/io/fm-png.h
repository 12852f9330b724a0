/* fm-png.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libpng's error and warning functions, the same for the picture reader
 * (fm-image.c) and the PNG writer (src/render/fm-png-writer.c). Give
 * png_create_*_struct() an FmPngError as the error pointer: an error's
 * message is kept there and png_longjmp() returns to the caller's
 * setjmp (png_jmpbuf ()). Warnings are about ancillary details (a bad
 * CRC, an odd gamma) that leave the pixels and the file usable; they are
 * dropped, since library code does not print.
 */
#pragma once

#include <glib.h>
#include <png.h>

G_BEGIN_DECLS

typedef struct
{
  char message[256];
} FmPngError;

void fm_png_error_fn   (png_structp     png,
                        png_const_charp message);
void fm_png_warning_fn (png_structp     png,
                        png_const_charp message);

G_END_DECLS
