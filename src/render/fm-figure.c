/* fm-figure.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures' text, vector surfaces and one-call writer (fm-figure.h).
 */
#include "config.h"

#include "fm-figure.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "fm-error.h"
#include "fm-file.h"
#include "fm-png-writer.h"

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
  /* File names (a picture's, a dataset's) need not be UTF-8; Pango takes
   * only UTF-8 and warns. */
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (context, options);
  pango_layout_context_changed (layout);
  pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, valid, -1);
  cairo_font_options_destroy (options);
  pango_font_description_free (desc);
  return layout;
}

int
fm_figure_text_width (const char *text,
                      double      px,
                      gboolean    bold)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = figure_layout (cr, text, px, bold);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return width;
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

void
fm_figure_svg_pixelated (GString *svg)
{
  g_string_replace (svg, "<image ", "<image image-rendering=\"optimizeSpeed\" "
                    "style=\"image-rendering:pixelated\" ", 0);
}

/* ---- figures written in one call ----------------------------------------- */

gboolean
fm_figure_format_from_path (const char     *path,
                            FmFigureFormat *format,
                            GError        **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".pdf"))
    *format = FM_FIGURE_PDF;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = FM_FIGURE_SVG;
  else if (g_str_has_suffix (lower, ".png"))
    *format = FM_FIGURE_PNG;
  else
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: the name must end in .pdf, .svg or .png to choose the format"),
                   display);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  double           width;
  double           height;
  const char      *title;
  FmFigureDrawFunc draw;
  gpointer         user_data;
  int              fd;           /* the PDF's, while it is written */
  int              write_errno;  /* the first failed write's errno, or 0 */
  GError          *draw_error;   /* why drawing stopped (cancelled, say) */
} FigureJob;

static cairo_status_t
write_to_fd (void                *closure,
             const unsigned char *data,
             unsigned int         length)
{
  FigureJob *job = closure;

  while (length > 0)
    {
      ssize_t n = write (job->fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (job->write_errno == 0)
            job->write_errno = n < 0 ? errno : ENOSPC;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += n;
      length -= (unsigned int) n;
    }
  return CAIRO_STATUS_SUCCESS;
}

/* The FmFileWriteFunc of a PDF: draws through a stream surface, whose
 * pages go to @fd as they are finished. */
static gboolean
write_pdf (int       fd,
           gpointer  user_data,
           GError  **error)
{
  FigureJob *job = user_data;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  gboolean drawn;

  job->fd = fd;
  surface = cairo_pdf_surface_create_for_stream (write_to_fd, job, job->width, job->height);
  if (job->title != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, job->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Feature Maps");
  cr = cairo_create (surface);
  drawn = job->draw (cr, job->user_data, &job->draw_error);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (!drawn)
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_IO, job->draw_error->message);
      return FALSE;
    }
  if (job->write_errno != 0)
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_IO, g_strerror (job->write_errno));
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_IO, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_svg (const char  *path,
           FigureJob   *job,
           GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GString) svg = NULL;
  cairo_surface_t *surface = fm_figure_svg_new (bytes, job->width, job->height);
  cairo_t *cr = cairo_create (surface);
  gboolean drawn = job->draw (cr, job->user_data, error);

  cairo_destroy (cr);
  if (!drawn)
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  if (!fm_figure_finish (surface, path, error))
    return FALSE;
  svg = g_string_new_len ((const char *) bytes->data, (gssize) bytes->len);
  fm_figure_svg_pixelated (svg);
  return fm_file_write_atomic (path, svg->str, svg->len, error);
}

static gboolean
write_png (const char  *path,
           FigureJob   *job,
           double       scale,
           GError     **error)
{
  int w = (int) ceil (job->width * scale), h = (int) ceil (job->height * scale);
  const char *text[] = { "Software", PACKAGE_NAME " " PACKAGE_VERSION,
                         "Title", job->title != NULL ? job->title : "", NULL };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);
  gboolean ok;

  cairo_scale (cr, scale, scale);
  ok = job->draw (cr, job->user_data, error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  ok = ok && fm_png_write_surface (path, surface, text, error);
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
fm_figure_write (const char       *path,
                 FmFigureFormat    format,
                 double            width,
                 double            height,
                 double            png_scale,
                 const char       *title,
                 FmFigureDrawFunc  draw,
                 gpointer          user_data,
                 GError          **error)
{
  FigureJob job = { width, height, title, draw, user_data, -1, 0, NULL };
  gboolean ok;

  g_return_val_if_fail (path != NULL && draw != NULL, FALSE);

  if (format == FM_FIGURE_PNG)
    return write_png (path, &job, png_scale, error);
  if (format == FM_FIGURE_SVG)
    return write_svg (path, &job, error);
  ok = fm_file_write_atomic_with (path, write_pdf, &job, error);
  /* Drawing stopped on its own account (cancelled): that error, not the
   * write's wrapping of it. */
  if (!ok && job.draw_error != NULL)
    {
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&job.draw_error));
    }
  g_clear_error (&job.draw_error);
  return ok;
}
