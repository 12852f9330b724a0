/* fm-top-images.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A channel's top images, as the atlas (fm-atlas.h) and the channel card
 * (fm-card.h) show them: the dataset items a scan recorded as exciting it
 * most, read back by index, run through the model again for the channel's
 * map on each, and drawn as a picture beside its map. GTK-free.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "fm-layers.h"
#include "fm-model.h"
#include "fm-preprocess.h"
#include "fm-run.h"
#include "fm-scan.h"
#include "fm-tile-render.h"

G_BEGIN_DECLS

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
/* One pass over the items of the @n @images: their thumbs, and the items
 * of @run_set (gint64 items; NULL: all) run as far as @layer, filling the
 * map and max of those of the @map_n @map_images that are of an item run
 * (the atlas fills a whole layer's maps while it fetches a page). */
gboolean     fm_top_images_fetch_parts (FmTopRunner      *runner,
                                        const FmLayer    *layer,
                                        FmTopImage       *images,
                                        guint             n,
                                        FmTopImage       *map_images,
                                        guint             map_n,
                                        GHashTable       *run_set,
                                        int              *input_h,
                                        int              *input_w,
                                        GCancellable     *cancellable,
                                        GError          **error);
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

G_END_DECLS
