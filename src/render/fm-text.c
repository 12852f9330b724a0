/* fm-text.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures' text (fm-text.h).
 */
#include "config.h"

#include "fm-text.h"

#include <pango/pangocairo.h>

void
fm_text_draw (cairo_t      *cr,
              const char   *text,
              double        x,
              double        y,
              int           max_w,
              int           px,
              gboolean      bold,
              gboolean      centre,
              const double  rgb[3])
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoContext *context = pango_layout_get_context (layout);
  PangoFontDescription *desc = pango_font_description_from_string (bold ? "Sans Bold" : "Sans");
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (context, options);
  pango_layout_context_changed (layout);

  pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, max_w * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  if (centre)
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);

  cairo_save (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);

  cairo_font_options_destroy (options);
  pango_font_description_free (desc);
  g_object_unref (layout);
}
