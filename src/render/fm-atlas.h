/* fm-atlas.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The channel atlas: after a dataset scan (fm-scan.h), a multi-page PDF
 * with, for every channel of the chosen layers, the dataset images that
 * excite it most (the scan's top-k) and that channel's own map for each,
 * dead channels framed red and rarely active ones amber as in the window;
 * a title page with the key and a table of contents (also the PDF's
 * outline). Also what the channel card (fm-card.h) shares with it: the top
 * images read back from the dataset and run through the model, and the
 * words of a channel's verdict.
 *
 * Pages are drawn and written one at a time, each page's images fetched
 * just before it is drawn, so memory stays bounded by one page whatever
 * the layer's size. GTK-free; it runs models but never scans (the caller
 * passes a scan result) and never decides file names.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "fm-colormap.h"
#include "fm-layers.h"
#include "fm-model.h"
#include "fm-preprocess.h"
#include "fm-run.h"
#include "fm-scan.h"
#include "fm-tile-render.h"

G_BEGIN_DECLS

/* The atlas page: A4 landscape, in PDF points. */
#define FM_ATLAS_PAGE_WIDTH   842.0
#define FM_ATLAS_PAGE_HEIGHT  595.0
/* Channels on one page when a channel's top images fit one line (top-k up
 * to FM_ATLAS_PAIRS_PER_LINE); a channel with more takes a line per
 * FM_ATLAS_PAIRS_PER_LINE images, and a page holds
 * MAX (1, FM_ATLAS_LINES_PER_PAGE / lines) channels. */
#define FM_ATLAS_LINES_PER_PAGE 16
#define FM_ATLAS_PAIRS_PER_LINE 12
/* Layers the title page lists; the table continues on pages of
 * FM_ATLAS_TOC_MORE lines each. */
#define FM_ATLAS_TOC_FIRST    20
#define FM_ATLAS_TOC_MORE     32

/* ---- dataset images through the model ----------------------------------- */

typedef struct _FmTopRunner FmTopRunner;

/* Called once per dataset item run: @input is the tensor the model
 * received as planes [C, H, W] (@height x @width each), @run the executed
 * pass (read its layers with fm_layer_planes ()). */
typedef void (*FmTopFunc) (gint64       index,
                           const float *input,
                           int          height,
                           int          width,
                           FmRun       *run,
                           gpointer     user_data);

/* Runs items of the dataset at @dataset_path through @model, each
 * preprocessed with @pp exactly as the scan does (fm_dataset_next_input:
 * IDX items are not inverted unless @pp says yes). @threads is the forward
 * pass's. FM_ERROR_* naming the dataset when it cannot be opened. */
FmTopRunner *fm_top_runner_new  (FmModel            *model,
                                 const char         *dataset_path,
                                 const FmPreprocess *pp,
                                 guint               threads,
                                 GError            **error);
void         fm_top_runner_free (FmTopRunner        *runner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmTopRunner, fm_top_runner_free)

/* Runs the @n items @indexes (any order, repeats run once) and calls
 * @func for each, in ascending index order. An item that is not in the
 * dataset (any more) is an error naming it; so is cancellation
 * (G_IO_ERROR_CANCELLED). */
gboolean     fm_top_runner_run  (FmTopRunner        *runner,
                                 const gint64       *indexes,
                                 guint               n,
                                 FmTopFunc           func,
                                 gpointer            user_data,
                                 GCancellable       *cancellable,
                                 GError            **error);

/* Whether @scan was made with @model: its layers those of
 * fm_layers_list (@model, FALSE), in order, by name and channel count
 * (FM_ERROR_INVALID_INPUT naming @scan_name otherwise), so that its layer
 * indexes are the list's. */
gboolean     fm_top_check_scan       (const FmModel      *model,
                                      const FmScanResult *scan,
                                      const char         *scan_name,
                                      GError            **error);

/* One of a channel's top images: the item, the maximum the scan recorded,
 * the input as drawn (its first channel, [input_h, input_w]) and the
 * channel's map on it ([map_h, map_w]); thumb and map NULL until fetched. */
typedef struct
{
  gint64 index;
  guint  channel;
  float  top_max;
  float  max;     /* the map's largest number, as the scan computes it */
  float *thumb;
  float *map;
} FmTopImage;

/* The filled top slots of channel @channel of scan layer @scan_layer into
 * @out [result->top_k] (thumb and map NULL); returns how many. */
guint        fm_top_images_from_scan (const FmScanResult *result,
                                      guint               scan_layer,
                                      guint               channel,
                                      FmTopImage         *out);
/* Runs the @n images' items and fills their thumb, and map and max of
 * their channel of @layer; @input_h and @input_w receive the thumb's size. */
gboolean     fm_top_images_fetch     (FmTopRunner        *runner,
                                      const FmLayer      *layer,
                                      FmTopImage         *images,
                                      guint               n,
                                      int                *input_h,
                                      int                *input_w,
                                      GCancellable       *cancellable,
                                      GError            **error);
void         fm_top_images_clear     (FmTopImage         *images,
                                      guint               n);
/* The smallest and largest number of the maps of @n images (@plane cells
 * each), NaN skipped; 0 and 0 without any. */
void         fm_top_images_range     (const FmTopImage   *images,
                                      guint               n,
                                      gsize               plane,
                                      float              *vmin,
                                      float              *vmax);
/* The gap between an image and its map. */
#define FM_TOP_IMAGE_GAP 2.0
/* Draws @image's input at (@x, @y) in gray scaled to its own range, as
 * the window's input preview, and FM_TOP_IMAGE_GAP to its right the map
 * in @map_style (its zero mark when every cell is within @epsilon of
 * zero), both @side square. */
void         fm_top_image_draw       (cairo_t            *cr,
                                      const FmTopImage   *image,
                                      int                 input_h,
                                      int                 input_w,
                                      const FmLayer      *entry,
                                      const FmTileStyle  *map_style,
                                      float               epsilon,
                                      double              x,
                                      double              y,
                                      double              side);

/* ---- a channel's verdict, in words ------------------------------------- */

typedef enum
{
  FM_VERDICT_NONE,    /* no scan */
  FM_VERDICT_ACTIVE,
  FM_VERDICT_RARE,
  FM_VERDICT_DEAD,
} FmVerdict;

FmVerdict    fm_verdict_of       (const FmScanResult *result,
                                  guint               scan_layer,
                                  guint               channel);
/* "dead: zero on all 2,000 images", "fires on 0.4 % of 2,000 images"
 * (translated; the count in the locale's grouping), with "; near-dead:
 * APoZ 89.7 %" for a near-dead channel. */
char        *fm_verdict_text     (const FmScanResult *result,
                                  guint               scan_layer,
                                  guint               channel);
/* The window's mark (fm_tile_render_scan_frame ()) as a frame around
 * (@x, @y, @w, @h): dead solid red, rare dashed amber, nothing for the
 * others. */
void         fm_verdict_draw_frame (cairo_t          *cr,
                                    FmVerdict         verdict,
                                    double            x,
                                    double            y,
                                    double            w,
                                    double            h);

/* The near-dead mark (fm_tile_render_near_dead_mark ()) in the corner at
 * (@x, @y) when the channel is near-dead, else nothing. */
void         fm_verdict_draw_near_dead (cairo_t            *cr,
                                        const FmScanResult *result,
                                        guint               scan_layer,
                                        guint               channel,
                                        double              x,
                                        double              y,
                                        double              size);

/* ---- the atlas ---------------------------------------------------------- */

typedef struct
{
  FmModel            *model;
  FmScanResult       *scan;
  const char         *dataset_path;  /* where the scan's images are read again */
  FmPreprocess        pp;            /* the preprocessing the scan used */
  guint               threads;       /* of each forward pass */
  const int          *layers;        /* [n_layers] scan layer indexes, in order */
  guint               n_layers;
  char              **names;         /* [n_layers] friendly names shown beside, or NULL */
  const FmColormap   *colormap;      /* NULL: the default */
} FmAtlasSpec;

/* How many pages the atlas of @spec has: the title pages, then per layer
 * ceil (channels / channels per page). */
guint        fm_atlas_count_pages (const FmAtlasSpec *spec);

/* Called after each page with the pages done and the total. */
typedef void (*FmAtlasProgress) (guint    done,
                                 guint    total,
                                 gpointer user_data);

/* For tests: the memory the maps of one layer's top images may take
 * before each page runs its own images (default 64 MiB; 0: always). */
void         fm_atlas_set_maps_budget (gsize bytes);

/* Writes the atlas to @path (a PDF) atomically. Cancelling stops at the
 * next page with G_IO_ERROR_CANCELLED and leaves no file (an old @path
 * keeps its bytes). Errors name the file. */
gboolean     fm_atlas_write      (const FmAtlasSpec *spec,
                                  const char        *path,
                                  FmAtlasProgress    progress,
                                  gpointer           user_data,
                                  GCancellable      *cancellable,
                                  GError           **error);

G_END_DECLS
