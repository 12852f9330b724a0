/* fm-figure.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures' text and vector surfaces (fm-figure.h).
 */
#include "config.h"

#include "fm-figure.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "fm-error.h"

/* A layout of @text in "Sans" at @px, bold or not, with the fixed font
 * options. */
static PangoLayout *
figure_layout (cairo_t    *cr,
               const char *text,
               double      px,
               gboolean    bold)
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
  cairo_font_options_destroy (options);
  pango_font_description_free (desc);
  return layout;
}

static void
show (cairo_t      *cr,
      PangoLayout  *layout,
      double        x,
      double        y,
      const double  rgb[3])
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  /* The text leaves no current point behind for the caller's paths. */
  cairo_new_path (cr);
}

int
fm_figure_text_line (cairo_t      *cr,
                     const char   *text,
                     double        x,
                     double        y,
                     int           max_w,
                     int           px,
                     gboolean      bold,
                     gboolean      centre,
                     const double  rgb[3])
{
  PangoLayout *layout = figure_layout (cr, text, px, bold);
  int width;

  pango_layout_set_width (layout, max_w * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  if (centre)
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  show (cr, layout, x, y, rgb);
  pango_layout_get_pixel_size (layout, &width, NULL);
  g_object_unref (layout);
  return width;
}

double
fm_figure_text (cairo_t      *cr,
                const char   *text,
                double        x,
                double        y,
                double        max_w,
                double        size,
                gboolean      bold,
                const double  rgb[3])
{
  PangoLayout *layout = figure_layout (cr, text, size, bold);
  PangoRectangle extents;

  if (max_w > 0)
    {
      pango_layout_set_width (layout, (int) (max_w * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_height (layout, -2);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  show (cr, layout, x, y, rgb);
  pango_layout_get_extents (layout, NULL, &extents);
  g_object_unref (layout);
  return extents.height / (double) PANGO_SCALE;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *
fm_figure_pdf_new (GByteArray *bytes,
                   double      width,
                   double      height)
{
  return cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, height);
}

cairo_surface_t *
fm_figure_svg_new (GByteArray *bytes,
                   double      width,
                   double      height)
{
  return cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
}

gboolean
fm_figure_finish (cairo_surface_t  *surface,
                  const char       *path,
                  GError          **error)
{
  cairo_status_t status;

  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("Could not write “%s”: %s"), display,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
