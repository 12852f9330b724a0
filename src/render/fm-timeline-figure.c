/* fm-timeline-figure.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline figure (fm-timeline-figure.h). A layer's block is its
 * name, the strip (CELL_W per checkpoint, a cell height that keeps a
 * strip near STRIP_H whatever the channel count, at least one pixel per
 * channel) with the checkpoint numbers under it, and the dead-count line
 * to its right on the same checkpoint axis.
 */
#include "config.h"

#include "fm-timeline-figure.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>

#include "fm-colormap.h"
#include "fm-error.h"
#include "fm-file.h"
#include "fm-png-writer.h"
#include "fm-figure.h"
#include "fm-tile-render.h"

#define MARGIN      24
#define CELL_W      28
#define STRIP_H     192
#define CHART_W     240
#define GAP         32
#define TEXT_PX     13
#define TITLE_PX    16
#define LEGEND_H    40
#define PAGE_H      1400   /* a PDF page's content height at most */
#define MAX_PNG_SIDE 32767

static const double ink[3] = { 0.13, 0.13, 0.13 };
static const double grey[3] = { 0.80, 0.80, 0.80 };

FmTimelineFigureFormat
fm_timeline_figure_format_for (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".png"))
    return FM_TIMELINE_FIGURE_PNG;
  if (g_str_has_suffix (lower, ".pdf"))
    return FM_TIMELINE_FIGURE_PDF;
  return FM_TIMELINE_FIGURE_NONE;
}

typedef struct
{
  const char * const   *names;
  FmScanResult * const *results;
  guint                 n;
  const char           *dataset;
  const FmScanResult   *first;   /* the layers drawn */
  /* Only the activation layers are drawn when there are any: they are
   * the ones whose channels die (a Conv or an Add before them is never
   * zero, a pool after them repeats them), and the others made a
   * ResNet-18's figure twice as tall. */
  gboolean              activations_only;
  guint                 n_drawn;   /* the layers drawn */
} Figure;

static gboolean
is_drawn (const Figure *f,
          guint         l)
{
  return !f->activations_only || fm_scan_layer_is_activation (&f->first->layers[l]);
}

static double
cell_h (guint channels)
{
  return MAX (1.0, floor ((double) STRIP_H / MAX (channels, 1)));
}

static double
block_height (const Figure *f,
              guint         layer)
{
  double strip = cell_h (f->first->layers[layer].channels) * f->first->layers[layer].channels;

  return TEXT_PX + 8 + MAX (strip, (double) STRIP_H / 2) + TEXT_PX + 8 + GAP;
}

/* Wide enough for the header and the layer names. */
#define MIN_CONTENT_W 640

static double
figure_width (const Figure *f)
{
  return MARGIN + MAX (CELL_W * (double) f->n + GAP + CHART_W, MIN_CONTENT_W) + MARGIN;
}

static const FmScanLayer *
layer_of (const Figure *f,
          guint         k,
          const char   *name)
{
  const FmScanResult *r = f->results[k];
  int i = r != NULL ? fm_scan_result_find_layer (r, name) : -1;

  return i >= 0 ? &r->layers[i] : NULL;
}

/* The title, the checkpoints' numbers and names, and the colour key. */
static double
draw_header (cairo_t      *cr,
             const Figure *f,
             double        width)
{
  double y = MARGIN;
  g_autofree char *dataset = g_filename_display_basename (f->dataset);
  /* Translators: the timeline figure's title, e.g. "Dead channels across
   * 9 checkpoints, on mnist-heldout-images-idx3-ubyte.gz (2000 images)" */
  g_autofree char *title = g_strdup_printf (_("Dead channels across %u checkpoints, on %s "
                                              "(%" PRIu64 " images)"),
                                            f->n, dataset, f->first->images);

  fm_figure_text_line (cr, title, MARGIN, y, (int) (width - 2 * MARGIN), TITLE_PX, TRUE, FALSE, ink);
  y += TITLE_PX + 10;
  if (f->activations_only)
    {
      g_autofree char *note = NULL;

      /* Translators: under the timeline figure's title, e.g. "The 17
       * activation layers of 47, where channels die; the others feed them
       * or repeat them" */
      note = g_strdup_printf (_("The %u activation layers of %u, where channels die; the others "
                                "feed them or repeat them"), f->n_drawn, f->first->n_layers);
      fm_figure_text_line (cr, note, MARGIN, y, (int) (width - 2 * MARGIN), TEXT_PX, FALSE, FALSE,
                           ink);
      y += TEXT_PX + 8;
    }
  for (guint k = 0; k < f->n; k++)
    {
      g_autofree char *line = g_strdup_printf ("%u  %s%s", k + 1, f->names[k],
                                               f->results[k] == NULL ? _(" (not scanned)") : "");

      fm_figure_text_line (cr, line, MARGIN, y, (int) (width - 2 * MARGIN), TEXT_PX, FALSE, FALSE, ink);
      y += TEXT_PX + 4;
    }
  y += 6;
  /* The key: fires on 0 % .. 100 % of the images, and dead. */
  for (int i = 0; i < 100; i++)
    {
      guint32 rgb = fm_colormap_map (fm_colormap_get_default (), (i + 0.5) / 100.0);

      cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                            (rgb & 0xff) / 255.0);
      cairo_rectangle (cr, MARGIN + 2 * i, y, 2, 12);
      cairo_fill (cr);
    }
  /* xgettext:no-c-format */
  fm_figure_text_line (cr, _("fires on 0 … 100 % of the images"), MARGIN + 210, y - 1, 300, TEXT_PX,
                FALSE, FALSE, ink);
  fm_tile_colours_set_source (cr, fm_tile_scan_dead_rgb);
  cairo_rectangle (cr, MARGIN + 520, y, 12, 12);
  cairo_fill (cr);
  fm_figure_text_line (cr, _("dead"), MARGIN + 538, y - 1, 120, TEXT_PX, FALSE, FALSE, ink);
  return y + LEGEND_H;
}

static void
draw_strip (cairo_t           *cr,
            const Figure      *f,
            const FmScanLayer *first,
            double             x0,
            double             y0)
{
  double ch = cell_h (first->channels);

  for (guint k = 0; k < f->n; k++)
    {
      const FmScanLayer *L = layer_of (f, k, first->name);
      guint64 images = f->results[k] != NULL ? f->results[k]->images : 0;

      for (guint c = 0; c < first->channels; c++)
        {
          if (L == NULL || c >= L->channels || images == 0)
            fm_tile_colours_set_source (cr, grey);
          else if (L->fire_count[c] == 0)
            fm_tile_colours_set_source (cr, fm_tile_scan_dead_rgb);
          else
            {
              guint32 rgb = fm_colormap_map (fm_colormap_get_default (),
                                             (double) L->fire_count[c] / (double) images);

              cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0,
                                    ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
            }
          cairo_rectangle (cr, x0 + CELL_W * (double) k, y0 + ch * c, CELL_W - 1, ch);
          cairo_fill (cr);
        }
      {
        g_autofree char *number = g_strdup_printf ("%u", k + 1);

        fm_figure_text_line (cr, number, x0 + CELL_W * (double) k, y0 + ch * first->channels + 4,
                      CELL_W, TEXT_PX - 2, FALSE, TRUE, ink);
      }
    }
}

/* The dead count per checkpoint: a line over the checkpoints scanned,
 * 0 at the bottom and the layer's channel count at the top. */
static void
draw_chart (cairo_t           *cr,
            const Figure      *f,
            const FmScanLayer *first,
            double             x0,
            double             y0,
            double             h)
{
  double step = f->n > 1 ? CHART_W / (double) (f->n - 1) : 0.0;
  gboolean drawing = FALSE;
  g_autofree char *top = g_strdup_printf ("%u", first->channels);

  fm_tile_colours_set_source (cr, grey);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, x0 + 0.5, y0 + 0.5, CHART_W, h);
  cairo_stroke (cr);
  fm_figure_text_line (cr, top, x0 + CHART_W + 4, y0 - 2, 60, TEXT_PX - 2, FALSE, FALSE, ink);
  fm_figure_text_line (cr, "0", x0 + CHART_W + 4, y0 + h - TEXT_PX, 60, TEXT_PX - 2, FALSE, FALSE, ink);

  fm_tile_colours_set_source (cr, fm_tile_scan_dead_rgb);
  cairo_set_line_width (cr, 2.0);
  for (guint k = 0; k < f->n; k++)
    {
      const FmScanLayer *L = layer_of (f, k, first->name);
      double x = x0 + step * k, y;

      if (L == NULL)
        {
          drawing = FALSE;
          continue;
        }
      y = y0 + h - h * L->n_dead / MAX (first->channels, 1);
      if (drawing)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      drawing = TRUE;
    }
  cairo_stroke (cr);
  for (guint k = 0; k < f->n; k++)
    {
      const FmScanLayer *L = layer_of (f, k, first->name);

      g_autofree char *number = g_strdup_printf ("%u", k + 1);

      fm_figure_text_line (cr, number, x0 + step * k - CELL_W / 2.0, y0 + h + 4, CELL_W, TEXT_PX - 2,
                    FALSE, TRUE, ink);
      if (L == NULL)
        continue;
      fm_tile_colours_set_source (cr, fm_tile_scan_dead_rgb);
      cairo_new_path (cr);
      cairo_arc (cr, x0 + step * k, y0 + h - h * L->n_dead / MAX (first->channels, 1), 3.0, 0,
                 2 * G_PI);
      cairo_fill (cr);
    }
}

static void
draw_block (cairo_t      *cr,
            const Figure *f,
            guint         layer,
            double        y)
{
  const FmScanLayer *first = &f->first->layers[layer];
  const FmScanLayer *last = NULL;
  double strip_h = cell_h (first->channels) * first->channels;
  g_autofree char *title = NULL;

  for (guint k = f->n; k-- > 0 && last == NULL;)
    last = layer_of (f, k, first->name);
  /* Translators: a layer's heading in the timeline figure, e.g.
   * "/relu1/Relu_output_0: 32 channels, 20 dead at the last checkpoint" */
  title = g_strdup_printf (_("%s: %u channels, %u dead at the last checkpoint"), first->name,
                           first->channels, last != NULL ? last->n_dead : 0);
  fm_figure_text_line (cr, title, MARGIN, y, (int) (figure_width (f) - 2 * MARGIN), TEXT_PX, TRUE,
                FALSE, ink);
  y += TEXT_PX + 8;
  draw_strip (cr, f, first, MARGIN, y);
  draw_chart (cr, f, first, MARGIN + CELL_W * (double) f->n + GAP, y,
              MAX (strip_h, (double) STRIP_H / 2));
}

static gboolean
write_png (const char    *path,
           const Figure  *f,
           GError       **error)
{
  double width = figure_width (f), height = 0;
  g_autofree char *source = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double y;
  gboolean ok;

  {
    cairo_surface_t *probe = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *pcr = cairo_create (probe);

    height = draw_header (pcr, f, width);
    cairo_destroy (pcr);
    cairo_surface_destroy (probe);
  }
  for (guint l = 0; l < f->first->n_layers; l++)
    if (is_drawn (f, l))
      height += block_height (f, l);
  height += MARGIN;
  if (height > MAX_PNG_SIDE || width > MAX_PNG_SIDE)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: the timeline would be %.0f x %.0f pixels, more than a PNG picture "
                     "can hold here (%d per side); write it as .pdf instead"),
                   path, width, height, MAX_PNG_SIDE);
      return FALSE;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) ceil (height));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  y = draw_header (cr, f, width);
  for (guint l = 0; l < f->first->n_layers; l++)
    if (is_drawn (f, l))
      {
        draw_block (cr, f, l, y);
        y += block_height (f, l);
      }
  cairo_destroy (cr);
  source = g_filename_display_name (f->dataset);   /* UTF-8 whatever the bytes */
  ok = fm_png_write_surface (path, surface,
                             (const char * const []) { "Software", "Feature Maps " PACKAGE_VERSION,
                                                       "Title", "Feature Maps timeline",
                                                       "Source", source, NULL },
                             error);
  cairo_surface_destroy (surface);
  return ok;
}

static gboolean
write_pdf (const char    *path,
           const Figure  *f,
           GError       **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  double width = figure_width (f);
  cairo_surface_t *surface;
  cairo_t *cr;
  double y;

  surface = fm_figure_pdf_new (bytes, width, PAGE_H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "Feature Maps timeline");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Feature Maps");
  cr = cairo_create (surface);
  y = draw_header (cr, f, width);
  for (guint l = 0; l < f->first->n_layers; l++)
    {
      if (!is_drawn (f, l))
        continue;
      /* A block that does not fit starts a new page (unless the page is
       * new: a block taller than a page is drawn and cut). */
      if (y + block_height (f, l) > PAGE_H && y > MARGIN)
        {
          cairo_show_page (cr);
          y = MARGIN;
        }
      draw_block (cr, f, l, y);
      y += block_height (f, l);
    }
  cairo_destroy (cr);
  if (!fm_figure_finish (surface, path, error))
    return FALSE;
  return fm_file_write_atomic (path, bytes->data, bytes->len, error);
}

gboolean
fm_timeline_figure_write (const char           *path,
                          const char * const   *names,
                          FmScanResult * const *results,
                          guint                 n,
                          const char           *dataset,
                          GError              **error)
{
  Figure f = { names, results, n, dataset, NULL, FALSE, 0 };

  for (guint k = 0; k < n && f.first == NULL; k++)
    f.first = results[k];
  if (f.first == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: not drawn: no checkpoint could be scanned"), path);
      return FALSE;
    }
  f.activations_only = fm_scan_result_has_activations (f.first);
  for (guint l = 0; l < f.first->n_layers; l++)
    f.n_drawn += is_drawn (&f, l);
  switch (fm_timeline_figure_format_for (path))
    {
    case FM_TIMELINE_FIGURE_PNG:
      return write_png (path, &f, error);
    case FM_TIMELINE_FIGURE_PDF:
      return write_pdf (path, &f, error);
    case FM_TIMELINE_FIGURE_NONE:
    default:
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: the figure is written as .png or .pdf"), path);
      return FALSE;
    }
}
