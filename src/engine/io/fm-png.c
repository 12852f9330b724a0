/* fm-png.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libpng's error and warning functions (see fm-png.h).
 */
#include "config.h"

#include "fm-png.h"

void
fm_png_error_fn (png_structp     png,
                 png_const_charp message)
{
  FmPngError *error = png_get_error_ptr (png);

  g_strlcpy (error->message, message, sizeof error->message);
  png_longjmp (png, 1);
}

void
fm_png_warning_fn (png_structp     png,
                   png_const_charp message)
{
}
