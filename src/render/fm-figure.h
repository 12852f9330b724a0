/* fm-figure.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the exported figures (sheet, card, atlas, timeline) share.
 *
 * Text: pango "Sans" at absolute sizes with fixed font options (grayscale
 * antialiasing, no hinting, unhinted metrics), so a figure comes out the
 * same whatever the desktop's font settings; the options are set on the
 * figure's own text only, never on the maps.
 *
 * Vector files: a PDF or SVG surface whose bytes collect in memory, then
 * go to the file through the one atomic writer (fm-file.h), so a failed
 * or cancelled figure leaves an old file whole; or, for the card and the
 * atlas, fm_figure_write (), which streams a PDF's pages to that writer
 * as they are finished.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Draws @text with its top-left at (x, y), at most @max_w wide
 * (ellipsized), or centred in @max_w when @centre, in @rgb. Returns the
 * width drawn, in pixels. */
int              fm_figure_text_line (cairo_t      *cr,
                                      const char   *text,
                                      double        x,
                                      double        y,
                                      int           max_w,
                                      int           px,
                                      gboolean      bold,
                                      gboolean      centre,
                                      const double  rgb[3]);
/* The width @text takes on one line at @px (hint metrics off: the same on
 * every surface). */
int              fm_figure_text_width (const char   *text,
                                       double        px,
                                       gboolean      bold);
/* @text at @size, left-aligned at (x, y) (its top), wrapped at @max_w into
 * at most two lines and ellipsized (@max_w 0: one line, any width); bold
 * or not; in @rgb. Returns the height drawn. */
double           fm_figure_text      (cairo_t      *cr,
                                      const char   *text,
                                      double        x,
                                      double        y,
                                      double        max_w,
                                      double        size,
                                      gboolean      bold,
                                      const double  rgb[3]);

/* A PDF or SVG surface of @width x @height whose bytes are appended to
 * @bytes. */
cairo_surface_t *fm_figure_pdf_new   (GByteArray   *bytes,
                                      double        width,
                                      double        height);
cairo_surface_t *fm_figure_svg_new   (GByteArray   *bytes,
                                      double        width,
                                      double        height);
/* Finishes and frees @surface; FALSE with FM_ERROR_IO "Could not write
 * “PATH”: REASON" when cairo failed. */
gboolean         fm_figure_finish    (cairo_surface_t *surface,
                                      const char      *path,
                                      GError         **error);

/* @svg, the bytes of a cairo SVG surface, with each <image> (the maps)
 * marked to be scaled by nearest neighbour as cairo drew it: cairo 1.16
 * does not say so, and viewers smooth the maps otherwise. */
void             fm_figure_svg_pixelated (GString  *svg);

/* ---- figures written in one call ---------------------------------------- */

typedef enum
{
  FM_FIGURE_PDF,
  FM_FIGURE_SVG,
  FM_FIGURE_PNG,
} FmFigureFormat;

/* The format named by @path's extension (.pdf, .svg, .png, any case);
 * FM_ERROR_INVALID_INPUT naming the file otherwise. */
gboolean         fm_figure_format_from_path (const char     *path,
                                             FmFigureFormat *format,
                                             GError        **error);

/* Draws the figure on @cr: one page, or for a PDF any number, each ended
 * with cairo_show_page (). FALSE with @error set stops the writing. */
typedef gboolean (*FmFigureDrawFunc) (cairo_t   *cr,
                                      gpointer   user_data,
                                      GError   **error);

/* Writes a figure of @width x @height points to @path atomically
 * (fm-file.h): a PDF through cairo's stream surface, its pages written as
 * they are finished (metadata: @title, creator "Feature Maps"); an SVG
 * through fm_figure_svg_new () and fm_figure_svg_pixelated (); a PNG at
 * @png_scale pixels per point through fm_png_write_surface. On failure,
 * @draw's own error when it stopped (cancelled, say), the old file keeps
 * its bytes and nothing is left beside it. */
gboolean         fm_figure_write     (const char      *path,
                                      FmFigureFormat   format,
                                      double           width,
                                      double           height,
                                      double           png_scale,
                                      const char      *title,
                                      FmFigureDrawFunc draw,
                                      gpointer         user_data,
                                      GError         **error);

G_END_DECLS
