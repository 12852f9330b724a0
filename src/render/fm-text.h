/* fm-text.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Text in the exported figures: pango "Sans" at absolute pixel sizes with
 * fixed font options (grayscale antialiasing, no hinting, unhinted
 * metrics), so a figure comes out the same whatever the desktop's font
 * settings. The options are set on the figure's own text only.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Draws @text with its top-left at (x, y), at most @max_w wide
 * (ellipsized), or centred in @max_w when @centre, in @rgb. */
void fm_text_draw (cairo_t      *cr,
                   const char   *text,
                   double        x,
                   double        y,
                   int           max_w,
                   int           px,
                   gboolean      bold,
                   gboolean      centre,
                   const double  rgb[3]);

G_END_DECLS
