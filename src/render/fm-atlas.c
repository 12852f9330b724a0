/* fm-atlas.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The channel atlas (see fm-atlas.h): a channel's verdict in words, which
 * the card shares, and the atlas's pages, written by fm_figure_write ().
 * It does not scan, does not read the top images (fm-top-images.c) and
 * does not lay out the card (fm-card.c).
 */
#include "config.h"

#include "fm-atlas.h"

#include "fm-figure.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-tile-render.h"

/* ---- a channel's verdict ------------------------------------------------- */

static gboolean
listed (const guint *list,
        guint        n,
        guint        channel)
{
  for (guint i = 0; i < n; i++)
    if (list[i] == channel)
      return TRUE;
  return FALSE;
}

FmVerdict
fm_verdict_of (const FmScanResult *result,
               guint               scan_layer,
               guint               channel)
{
  const FmScanLayer *L;

  if (result == NULL || scan_layer >= result->n_layers)
    return FM_VERDICT_NONE;
  L = &result->layers[scan_layer];
  if (listed (L->dead, L->n_dead, channel))
    return FM_VERDICT_DEAD;
  if (listed (L->rare, L->n_rare, channel))
    return FM_VERDICT_RARE;
  return FM_VERDICT_ACTIVE;
}

/* The verdict alone (fm_verdict_text () adds the near-dead part). */
static char *
verdict_words (const FmScanResult *result,
               guint               scan_layer,
               guint               channel)
{
  const FmScanLayer *L = &result->layers[scan_layer];
  g_autofree char *images = g_strdup_printf ("%'" G_GUINT64_FORMAT, result->images);
  g_autofree char *share = fm_scan_percent_text (result->images > 0
                                                 ? (double) L->fire_count[channel] / result->images
                                                 : 0);
  const char *partial = result->partial ? _(" (partial scan)") : "";

  switch (fm_verdict_of (result, scan_layer, channel))
    {
    case FM_VERDICT_DEAD:
      /* Translators: a channel's verdict from a dataset scan; the number
       * of images, then maybe " (partial scan)" */
      return g_strdup_printf (_("dead: zero on all %s images%s"), images, partial);
    case FM_VERDICT_RARE:
      /* Translators: a channel's verdict; a percentage like "0.05 %", the
       * number of images, then maybe " (partial scan)" */
      return g_strdup_printf (_("rarely active: fires on %s of %s images%s"), share,
                              images, partial);
    case FM_VERDICT_ACTIVE:
    case FM_VERDICT_NONE:
    default:
      /* Translators: a channel's verdict; a percentage like "41.2 %", the
       * number of images, then maybe " (partial scan)" */
      return g_strdup_printf (_("fires on %s of %s images%s"), share, images, partial);
    }
}

char *
fm_verdict_text (const FmScanResult *result,
                 guint               scan_layer,
                 guint               channel)
{
  char *words = verdict_words (result, scan_layer, channel);
  g_autofree char *apoz = NULL;
  char *with;

  if (!fm_scan_result_is_near_dead (result, scan_layer, channel))
    return words;
  apoz = fm_scan_percent_text (result->layers[scan_layer].apoz[channel]);
  /* Translators: added to a channel's verdict: its APoZ, a percentage
     like "99.9 %" */
  with = g_strdup_printf (_("%s; near-dead: APoZ %s"), words, apoz);
  g_free (words);
  return with;
}

void
fm_verdict_draw_near_dead (cairo_t            *cr,
                           const FmScanResult *result,
                           guint               scan_layer,
                           guint               channel,
                           double              x,
                           double              y,
                           double              size)
{
  if (result != NULL && fm_scan_result_is_near_dead (result, scan_layer, channel))
    fm_tile_render_near_dead_mark (cr, x, y, size);
}

/* ---- the atlas ------------------------------------------------------------ */

/* Layout, in points, A4 landscape:
 *
 *   MARGIN
 *   title pages: the title, the model, the dataset, the key, then the
 *           table of contents (TOC_LINE a layer)
 *   layer pages: HEAD_H with the layer's name and counts, then
 *           FM_ATLAS_LINES_PER_PAGE lines of LINE_H: per channel its
 *           index and verdict in the LABEL_W column, then its top images,
 *           each the input (gray) beside the channel's map on it
 *   FOOT_H with the page number, MARGIN */
#define MARGIN    28.0
#define HEAD_H    40.0
#define FOOT_H    14.0
#define LABEL_W   160.0   /* a verdict with its APoZ in two lines of 6 pt */
#define TILE_MAX  26.0
#define PAIR_GAP  8.0
#define TOC_LINE  14.0
#define CONTENT_W (FM_ATLAS_PAGE_WIDTH - 2 * MARGIN)
#define LINE_H    ((FM_ATLAS_PAGE_HEIGHT - 2 * MARGIN - HEAD_H - FOOT_H) / FM_ATLAS_LINES_PER_PAGE)

static guint
lines_per_channel (guint top_k)
{
  return MAX (1, (top_k + FM_ATLAS_PAIRS_PER_LINE - 1) / FM_ATLAS_PAIRS_PER_LINE);
}

static guint
channels_per_page (guint top_k)
{
  return MAX (1, FM_ATLAS_LINES_PER_PAGE / lines_per_channel (top_k));
}

static guint
toc_pages (guint n_layers)
{
  return 1 + (n_layers > FM_ATLAS_TOC_FIRST
              ? (n_layers - FM_ATLAS_TOC_FIRST + FM_ATLAS_TOC_MORE - 1) / FM_ATLAS_TOC_MORE : 0);
}

static guint
layer_pages (const FmAtlasSpec *spec,
             guint              i)
{
  guint channels = spec->scan->layers[spec->layers[i]].channels;
  guint per_page = channels_per_page (spec->scan->top_k);

  return MAX (1, (channels + per_page - 1) / per_page);
}

guint
fm_atlas_count_pages (const FmAtlasSpec *spec)
{
  guint pages;

  g_return_val_if_fail (spec != NULL && spec->scan != NULL, 0);

  pages = toc_pages (spec->n_layers);
  for (guint i = 0; i < spec->n_layers; i++)
    pages += layer_pages (spec, i);
  return pages;
}

typedef struct
{
  const FmAtlasSpec   *spec;
  GArray              *entries;   /* FmLayer, fm_layers_list (model, FALSE): the scan's */
  FmTopRunner         *runner;
  const FmTileColours *colours;
  guint                page;      /* pages finished */
  guint                total;
  FmAtlasProgress      progress;
  gpointer             user_data;
  GCancellable        *cancellable;
  /* The layer being drawn: its channels' top images, whose maps its
   * pages fill as they need them (NULL: each page runs its own images). */
  FmTopImage          *layer_images;
  guint               *layer_first;   /* [channels]: a channel's first in layer_images */
  guint               *layer_count;   /* [channels]: how many it has */
  guint                layer_n;
  GHashTable          *layer_ran;     /* gint64 items run for the layer so far */
} AtlasJob;

/* What the maps of one layer's top images may take (fm_atlas_set_maps_budget ()). */
static gsize maps_budget = 64 << 20;

void
fm_atlas_set_maps_budget (gsize bytes)
{
  maps_budget = bytes;
}

static void
layer_maps_clear (AtlasJob *job)
{
  fm_top_images_clear (job->layer_images, job->layer_n);
  g_clear_pointer (&job->layer_images, g_free);
  g_clear_pointer (&job->layer_first, g_free);
  g_clear_pointer (&job->layer_count, g_free);
  g_clear_pointer (&job->layer_ran, g_hash_table_unref);
  job->layer_n = 0;
}

/* Layer @i's channels' top images, whose maps the pages fill as they go:
 * each item runs once for the layer (as far as the layer), giving the
 * maps of every channel it is a top image of, so a page runs only the
 * items no page before it ran (on a ResNet-18's 512-channel layer, a
 * fifth of the runs of each page running its own). Within the budget
 * only; beyond it each page runs its own. */
static void
layer_maps_init (AtlasJob *job,
                 guint     i)
{
  const FmScanResult *scan = job->spec->scan;
  guint scan_layer = (guint) job->spec->layers[i];
  const FmScanLayer *L = &scan->layers[scan_layer];
  const FmLayer *entry = &g_array_index (job->entries, FmLayer, scan_layer);
  gsize plane = (gsize) entry->height * entry->width;
  guint k = MAX (scan->top_k, 1);
  guint n = 0;

  job->layer_images = g_new0 (FmTopImage, MAX ((gsize) L->channels * k, 1));
  job->layer_first = g_new0 (guint, MAX (L->channels, 1));
  job->layer_count = g_new0 (guint, MAX (L->channels, 1));
  for (guint c = 0; c < L->channels; c++)
    {
      job->layer_first[c] = n;
      job->layer_count[c] = fm_top_images_from_scan (scan, scan_layer, c, job->layer_images + n);
      n += job->layer_count[c];
    }
  if ((guint64) n * plane * sizeof (float) > maps_budget)
    {
      layer_maps_clear (job);
      return;
    }
  job->layer_n = n;
  job->layer_ran = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/* The items of the @n page @images that no page of the layer ran yet,
 * marked as run now. */
static GHashTable *
layer_maps_to_run (AtlasJob         *job,
                   const FmTopImage *images,
                   guint             n)
{
  GHashTable *run = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint j = 0; j < n; j++)
    if (!g_hash_table_contains (job->layer_ran, &images[j].index))
      {
        g_hash_table_add (job->layer_ran, g_memdup2 (&images[j].index, sizeof (gint64)));
        g_hash_table_add (run, g_memdup2 (&images[j].index, sizeof (gint64)));
      }
  return run;
}

static const char *
layer_name (const AtlasJob *job,
            guint           i)
{
  return job->spec->scan->layers[job->spec->layers[i]].name;
}

/* The page number and the model on every page. */
static gboolean
finish_page (cairo_t   *cr,
             AtlasJob  *job,
             GError   **error)
{
  g_autofree char *foot = NULL;

  /* Translators: the foot of every page of the atlas: the model, the
   * page number and the number of pages */
  foot = g_strdup_printf (_("%s · channel atlas · page %u of %u"),
                          job->spec->model->display_name, job->page + 1, job->total);
  fm_figure_text (cr, foot, MARGIN, FM_ATLAS_PAGE_HEIGHT - MARGIN - FOOT_H + 4, CONTENT_W, 7,
                  FALSE, job->colours->grey);
  cairo_show_page (cr);
  job->page++;
  if (job->progress != NULL)
    job->progress (job->page, job->total, job->user_data);
  return !g_cancellable_set_error_if_cancelled (job->cancellable, error);
}

void
fm_verdict_draw_frame (cairo_t   *cr,
                       FmVerdict  verdict,
                       double     x,
                       double     y,
                       double     w,
                       double     h)
{
  if (verdict == FM_VERDICT_DEAD || verdict == FM_VERDICT_RARE)
    fm_tile_render_scan_frame (cr, verdict == FM_VERDICT_DEAD, x, y, w, h, 1.5,
                               fm_tile_scan_mark_dash);
}

static double
draw_key (cairo_t        *cr,
          const AtlasJob *job,
          double          y)
{
  const FmScanResult *scan = job->spec->scan;
  g_autofree char *rare = NULL;
  static const FmVerdict verdicts[] = { FM_VERDICT_DEAD, FM_VERDICT_RARE };

  /* Translators: the key to the amber frame; a percentage */
  rare = g_strdup_printf (_("rarely active: fires on fewer than %g %% of the scanned images"),
                          100.0 * scan->rare_below);
  for (guint i = 0; i < G_N_ELEMENTS (verdicts); i++)
    {
      fm_verdict_draw_frame (cr, verdicts[i], MARGIN + 1, y + 1, 22, 10);
      fm_figure_text (cr, i == 0 ? _("dead: zero on every scanned image") : rare,
                      MARGIN + 32, y, CONTENT_W - 32, 9, FALSE, job->colours->text);
      y += TOC_LINE;
    }
  for (guint l = 0; l < scan->n_layers; l++)
    if (scan->layers[l].n_near_dead > 0)
      {
        /* the near-dead corner, as on a channel's row (draw_channel) */
        fm_tile_render_near_dead_mark (cr, MARGIN + 1, y + 1, 9);
        fm_figure_text (cr, _("near-dead: APoZ (the share of zero values) above the layer’s "
                              "mean + 1 standard deviation"),
                        MARGIN + 32, y, CONTENT_W - 32, 9, FALSE, job->colours->text);
        y += TOC_LINE;
        break;
      }
  return y;
}

/* How the pictures became the model's input, and what the dataset's
 * reading warned about (pictures skipped, values clamped): the scan's
 * counts cover what it read. Returns the height drawn. */
static double
draw_input_lines (cairo_t        *cr,
                  const AtlasJob *job,
                  double          y0)
{
  const FmScanResult *scan = job->spec->scan;
  g_autofree char *how = fm_preprocess_describe (&job->spec->pp);
  g_autofree char *input = NULL;
  guint n = scan->warnings != NULL ? g_strv_length (scan->warnings) : 0;
  double y = y0;

  /* Translators: fm_preprocess_describe ()'s line, e.g. "gray, 0–1, not
   * normalised, not inverted" */
  input = g_strdup_printf (_("Input: %s"), how);
  y += fm_figure_text (cr, input, MARGIN, y, CONTENT_W, 9, FALSE, job->colours->text) + 2;
  if (n > 0)
    {
      /* Translators: the number of warnings, then the first one (a file
       * and the reason it was skipped, say) */
      g_autofree char *line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u warning while reading the "
                                                            "dataset: %s",
                                                            "%u warnings while reading the "
                                                            "dataset, the first: %s", n),
                                               n, scan->warnings[0]);

      y += fm_figure_text (cr, line, MARGIN, y, CONTENT_W, 9, FALSE, job->colours->text) + 2;
    }
  return y - y0;
}

static double
draw_title (cairo_t        *cr,
            const AtlasJob *job)
{
  const FmAtlasSpec *spec = job->spec;
  const FmScanResult *scan = spec->scan;
  g_autofree char *dataset = g_filename_display_basename (scan->dataset_path);
  g_autofree char *images = g_strdup_printf ("%'" G_GUINT64_FORMAT, scan->images);
  g_autofree char *line1 = NULL;
  g_autofree char *line2 = NULL;
  double y = MARGIN;

  y += fm_figure_text (cr, _("Channel atlas"), MARGIN, y, CONTENT_W, 22, TRUE,
                       job->colours->text) + 4;
  y += fm_figure_text (cr, spec->model->display_name, MARGIN, y, CONTENT_W, 13, TRUE,
                       job->colours->text) + 6;
  /* Translators: the dataset's file name, its number of images, and maybe
   * " (partial scan)" */
  line1 = g_strdup_printf (_("Dataset: %s · %s images scanned%s"), dataset, images,
                           scan->partial ? _(" (partial scan)") : "");
  y += fm_figure_text (cr, line1, MARGIN, y, CONTENT_W, 9, FALSE, job->colours->text) + 2;
  y += draw_input_lines (cr, job, y);
  /* Translators: how to read an atlas page; the number of images and the
   * colormap */
  line2 = g_strdup_printf (_("Per channel, the %u images that excite it most, each as the "
                             "model received it (gray) beside the channel's map on it "
                             "(%s, one colour range per channel)."),
                           scan->top_k,
                           fm_colormap_get_name (spec->colormap != NULL
                                                 ? spec->colormap
                                                 : fm_colormap_get_default ()));
  y += fm_figure_text (cr, line2, MARGIN, y, CONTENT_W, 9, FALSE, job->colours->grey) + 10;
  return draw_key (cr, job, y) + 10;
}

/* The columns of the table of contents, in points from the margin. */
static const double toc_x[7] = { 0, 40, 400, 540, 600, 650, 720 };

/* One line of the table of contents, linked to the layer's first page;
 * a layer with dead channels has its count in the dead frame's red. */
static void
draw_toc_line (cairo_t        *cr,
               const AtlasJob *job,
               guint           i,
               guint           first_page,
               double          y)
{
  const FmScanLayer *L = &job->spec->scan->layers[job->spec->layers[i]];
  const FmLayer *entry = &g_array_index (job->entries, FmLayer, job->spec->layers[i]);
  const char *friendly = job->spec->names != NULL ? job->spec->names[i] : NULL;
  g_autofree char *link = g_strdup_printf ("page=%u", first_page);
  char *cells[6];

  cells[0] = g_strdup_printf ("%u", first_page);
  cells[1] = friendly != NULL && g_strcmp0 (friendly, L->name) != 0
             ? g_strdup_printf ("%s  (%s)", L->name, friendly) : g_strdup (L->name);
  cells[2] = g_strdup (fm_layer_op_label (job->spec->model, entry));
  cells[3] = g_strdup_printf ("%u", L->channels);
  cells[4] = g_strdup_printf ("%u", L->n_dead);
  cells[5] = g_strdup_printf ("%u", L->n_rare);
  cairo_tag_begin (cr, CAIRO_TAG_LINK, link);
  for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
    {
      fm_figure_text (cr, cells[c], MARGIN + toc_x[c], y, toc_x[c + 1] - toc_x[c] - 6, 9,
                      c == 1, c == 4 && L->n_dead > 0 ? fm_tile_scan_dead_rgb : job->colours->text);
      g_free (cells[c]);
    }
  cairo_tag_end (cr, CAIRO_TAG_LINK);
}

static gboolean
draw_title_pages (cairo_t   *cr,
                  AtlasJob  *job,
                  GError   **error)
{
  const FmAtlasSpec *spec = job->spec;
  const char *heads[6] = { _("Page"), _("Layer"), _("Op"), _("Channels"), _("Dead"),
                           _("Rare") };
  guint first = toc_pages (spec->n_layers) + 1;
  cairo_surface_t *target = cairo_get_target (cr);
  double y = draw_title (cr, job);

  for (guint i = 0; i < spec->n_layers; i++)
    {
      guint rows = i < FM_ATLAS_TOC_FIRST ? FM_ATLAS_TOC_FIRST : FM_ATLAS_TOC_MORE;
      guint start = i < FM_ATLAS_TOC_FIRST ? 0 : FM_ATLAS_TOC_FIRST;

      if (i > 0 && (i - start) % rows == 0)
        {
          if (!finish_page (cr, job, error))
            return FALSE;
          y = MARGIN;
        }
      if ((i - start) % rows == 0)
        {
          y += fm_figure_text (cr, _("Contents"), MARGIN, y, CONTENT_W, 12, TRUE,
                               job->colours->text) + 4;
          for (guint c = 0; c < 6; c++)
            fm_figure_text (cr, heads[c], MARGIN + toc_x[c], y, 120, 8, TRUE,
                            job->colours->grey);
          y += TOC_LINE;
        }
      draw_toc_line (cr, job, i, first, y);
      if (cairo_surface_get_type (target) == CAIRO_SURFACE_TYPE_PDF)
        {
          g_autofree char *link = g_strdup_printf ("page=%u", first);

          cairo_pdf_surface_add_outline (target, CAIRO_PDF_OUTLINE_ROOT, layer_name (job, i),
                                         link, 0);
        }
      y += TOC_LINE;
      first += layer_pages (spec, i);
    }
  return finish_page (cr, job, error);
}

/* Channel @channel's row at @y: label, verdict, its images and maps. */
static void
draw_channel (cairo_t          *cr,
              const AtlasJob   *job,
              guint             i,
              guint             channel,
              const FmTopImage *images,
              guint             n,
              int               input_h,
              int               input_w,
              double            y)
{
  const FmScanResult *scan = job->spec->scan;
  guint scan_layer = (guint) job->spec->layers[i];
  const FmLayer *entry = &g_array_index (job->entries, FmLayer, scan_layer);
  FmVerdict verdict = fm_verdict_of (scan, scan_layer, channel);
  guint lines = lines_per_channel (scan->top_k);
  guint per_line = MAX (1, MIN (scan->top_k, FM_ATLAS_PAIRS_PER_LINE));
  double pair_w = (CONTENT_W - LABEL_W) / per_line;
  double side = MIN (TILE_MAX, (pair_w - PAIR_GAP - FM_TOP_IMAGE_GAP) / 2);
  g_autofree char *label = g_strdup_printf (_("Channel %u"), channel);
  g_autofree char *words = fm_verdict_text (scan, scan_layer, channel);
  FmTileStyle style = { 0 };
  double near;

  fm_verdict_draw_frame (cr, verdict, MARGIN - 3, y + 1, CONTENT_W + 6, lines * LINE_H - 2);
  /* in the frame's left corner, before "Channel N" (moved right for it) */
  fm_verdict_draw_near_dead (cr, scan, scan_layer, channel, MARGIN - 3, y + 1, 9);
  near = fm_scan_result_is_near_dead (scan, scan_layer, channel) ? 8 : 0;
  fm_figure_text (cr, label, MARGIN + near, y + 2, LABEL_W - 8 - near, 10, TRUE,
                  job->colours->text);
  /* two lines at most, inside the frame's one-line row (LINE_H 30 pt) */
  fm_figure_text (cr, words, MARGIN, y + 13.5, LABEL_W - 8, 6.0, FALSE, job->colours->grey);
  if (n == 0)
    {
      fm_figure_text (cr, _("No scanned image activates it."), MARGIN + LABEL_W,
                      y + (LINE_H - 9) / 2, CONTENT_W - LABEL_W, 9, FALSE, job->colours->grey);
      return;
    }
  style.colormap = job->spec->colormap;
  fm_top_images_range (images, n, (gsize) entry->height * entry->width, &style.vmin, &style.vmax);
  for (guint j = 0; j < n; j++)
    fm_top_image_draw (cr, &images[j], input_h, input_w, entry, &style, scan->epsilon,
               MARGIN + LABEL_W + (j % per_line) * pair_w,
               y + (j / per_line) * LINE_H + (LINE_H - side) / 2, side);
}

/* The images of channels [c0, c1) of layer @i, fetched for one page. */
static gboolean
draw_layer_page (cairo_t   *cr,
                 AtlasJob  *job,
                 guint      i,
                 guint      c0,
                 guint      c1,
                 GError   **error)
{
  const FmScanResult *scan = job->spec->scan;
  guint scan_layer = (guint) job->spec->layers[i];
  const FmScanLayer *L = &scan->layers[scan_layer];
  const FmLayer *entry = &g_array_index (job->entries, FmLayer, scan_layer);
  guint k = MAX (scan->top_k, 1);
  g_autofree FmTopImage *images = g_new0 (FmTopImage, (gsize) (c1 - c0) * k);
  g_autofree guint *counts = g_new0 (guint, c1 - c0);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  int input_h = 0, input_w = 0;
  guint n = 0;
  gboolean ok;

  for (guint c = c0; c < c1; c++)
    {
      counts[c - c0] = fm_top_images_from_scan (scan, scan_layer, c, images + n);
      n += counts[c - c0];
    }
  if (job->layer_images == NULL)
    ok = n == 0 || fm_top_images_fetch_parts (job->runner, entry, images, n, images, n, NULL,
                                              &input_h, &input_w, job->cancellable, error);
  else
    {
      /* One pass: the pictures, and the items no page ran yet through the
       * model, filling the maps of every channel of the layer they are
       * top images of; then the page's maps are the layer's. */
      g_autoptr(GHashTable) run = layer_maps_to_run (job, images, n);
      gsize bytes = (gsize) entry->height * entry->width * sizeof (float);

      ok = n == 0 || fm_top_images_fetch_parts (job->runner, entry, images, n, job->layer_images,
                                                job->layer_n, run, &input_h, &input_w,
                                                job->cancellable, error);
      n = 0;
      for (guint c = c0; ok && c < c1; c++)
        for (guint j = 0; j < counts[c - c0]; j++, n++)
          {
            const FmTopImage *t = &job->layer_images[job->layer_first[c] + j];

            images[n].map = g_memdup2 (t->map, bytes);
            images[n].max = t->max;
          }
    }
  if (ok)
    {
      const char *friendly = job->spec->names != NULL ? job->spec->names[i] : NULL;
      double y = MARGIN;

      title = friendly != NULL && g_strcmp0 (friendly, L->name) != 0
              ? g_strdup_printf ("%s  (%s)", L->name, friendly) : g_strdup (L->name);
      /* Translators: under a layer's name: its op, channel count, dead and
       * rarely active channels, and the channels on this page */
      subtitle = g_strdup_printf (_("%s · %u channels · %u dead · %u rarely active · "
                                    "channels %u to %u"),
                                  fm_layer_op_label (job->spec->model, entry), L->channels,
                                  L->n_dead, L->n_rare, c0, c1 - 1);
      y += fm_figure_text (cr, title, MARGIN, y, CONTENT_W, 13, TRUE, job->colours->text) + 2;
      fm_figure_text (cr, subtitle, MARGIN, y, CONTENT_W, 9, FALSE, job->colours->grey);
      n = 0;
      for (guint c = c0; c < c1; c++)
        {
          draw_channel (cr, job, i, c, images + n, counts[c - c0], input_h, input_w,
                        MARGIN + HEAD_H + (c - c0) * lines_per_channel (scan->top_k) * LINE_H);
          n += counts[c - c0];
        }
    }
  fm_top_images_clear (images, n);
  return ok && finish_page (cr, job, error);
}

static gboolean
draw_atlas (cairo_t   *cr,
            gpointer   user_data,
            GError   **error)
{
  AtlasJob *job = user_data;
  const FmAtlasSpec *spec = job->spec;
  guint per_page = channels_per_page (spec->scan->top_k);

  if (!draw_title_pages (cr, job, error))
    return FALSE;
  for (guint i = 0; i < spec->n_layers; i++)
    {
      guint channels = spec->scan->layers[spec->layers[i]].channels;
      gboolean ok = TRUE;

      layer_maps_init (job, i);
      for (guint c0 = 0; ok && c0 < MAX (channels, 1); c0 += per_page)
        ok = draw_layer_page (cr, job, i, c0, MIN (c0 + per_page, channels), error);
      layer_maps_clear (job);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* The scan must be the model's (fm_top_check_scan ()) and have the
 * layers asked for. */
static gboolean
check_layers (const FmAtlasSpec *spec,
              GError           **error)
{
  /* Translators: what the message of a scan of another model names when
   * the atlas is drawn */
  if (!fm_top_check_scan (spec->model, spec->scan, _("the scan"), error))
    return FALSE;
  for (guint i = 0; i < spec->n_layers; i++)
    if (spec->layers[i] < 0 || (guint) spec->layers[i] >= spec->scan->n_layers)
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: the scan has no layer %d"), spec->model->path, spec->layers[i]);
        return FALSE;
      }
  return TRUE;
}

gboolean
fm_atlas_write (const FmAtlasSpec *spec,
                const char        *path,
                FmAtlasProgress    progress,
                gpointer           user_data,
                GCancellable      *cancellable,
                GError           **error)
{
  g_autoptr(GArray) entries = NULL;
  g_autoptr(FmTopRunner) runner = NULL;
  g_autofree char *title = NULL;
  AtlasJob job = { 0 };

  g_return_val_if_fail (spec != NULL && spec->model != NULL && spec->scan != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_layers (spec, error))
    return FALSE;
  entries = fm_layers_list (spec->model, FALSE);
  runner = fm_top_runner_new (spec->model, spec->dataset_path, &spec->pp, spec->threads, error);
  if (runner == NULL)
    return FALSE;
  job.spec = spec;
  job.entries = entries;
  job.runner = runner;
  job.colours = fm_tile_colours (FALSE);
  job.total = fm_atlas_count_pages (spec);
  job.progress = progress;
  job.user_data = user_data;
  job.cancellable = cancellable;
  /* Translators: the PDF's title; the model's file name */
  title = g_strdup_printf (_("Channel atlas of %s"), spec->model->display_name);
  return fm_figure_write (path, FM_FIGURE_PDF, FM_ATLAS_PAGE_WIDTH, FM_ATLAS_PAGE_HEIGHT, 1,
                          title, draw_atlas, &job, error);
}
