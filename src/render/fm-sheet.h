/* fm-sheet.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The exported picture of feature maps (a "sheet"): a header with the
 * model, the input and its thumbnail (and the prediction, when given),
 * then for each layer its name, op, shape and zero count, the colormap
 * legend with the value range, and one tile per channel with its index
 * under it, wrapped into rows. Tiles are drawn by fm_tile_render() with
 * the FmTileStyle the window uses, at exactly the tile side given, so a
 * tile in the sheet has the pixels of the window's tile of that side.
 * Also the PNG text chunks that make the file document itself, and the
 * atomic PNG write of both. GTK-free, no global state: the window may
 * call this from a worker thread. It does not run models or compute
 * statistics (the caller passes them) and does not decide file names.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "fm-colormap.h"
#include "fm-layers.h"
#include "fm-model.h"
#include "fm-predict.h"
#include "fm-stats.h"
#include "fm-tile-render.h"

G_BEGIN_DECLS

/* Tile sides accepted by fm_sheet_render(), in pixels. */
#define FM_SHEET_MIN_TILE_SIDE 8
#define FM_SHEET_MAX_TILE_SIDE 512
/* Tiles per row at most; fewer when a layer has fewer channels. */
#define FM_SHEET_MAX_COLUMNS   32
/* The largest sheet, per side (cairo's limit) and in pixels overall. */
#define FM_SHEET_MAX_SIDE      32767
#define FM_SHEET_MAX_PIXELS    ((gsize) 256 * 1024 * 1024)

typedef struct
{
  const char           *name;      /* the tensor name */
  const char           *op_label;  /* "Conv + Relu" (fm_layer_op_label) */
  int                   batch;     /* N of the [N, C, H, W] shape, for the text */
  int                   channels;  /* C */
  int                   height;    /* H */
  int                   width;     /* W */
  const float          *data;      /* [C, H, W] of batch item 0 */
  const FmChannelStats *stats;     /* [C], from fm_channel_stats_compute */
  char                  shape_text[96]; /* the text's shape when not "[N, C, H, W]"
                                         * (fm_layer_shape_text ()), else "" */
} FmSheetLayer;

typedef struct
{
  const char *label;        /* class label, or NULL to show the index */
  guint       index;
  double      probability;  /* 0..1 */
} FmSheetClass;

typedef struct
{
  const char         *model_name;   /* shown in the header ("mnist-cnn.onnx") */
  const char         *model_file;   /* the "Source" text chunk (the path as given) */
  const char         *input_name;   /* the picture's or .npy's name, or "canvas" */
  gboolean            inverted;     /* the picture was inverted: said in the header */
  /* The tensor the model received, shown in gray scaled to its range like
   * the window's input preview (its first channel). NULL: no thumbnail. */
  const float        *input;        /* [C, H, W] */
  int                 input_channels;
  int                 input_height;
  int                 input_width;

  const FmSheetLayer *layers;       /* [n_layers] */
  guint               n_layers;

  const FmColormap   *colormap;     /* NULL: the default */
  FmNormalize         normalize;
  float               fixed_min;    /* FM_NORMALIZE_FIXED only */
  float               fixed_max;
  int                 tile_side;    /* pixels, FM_SHEET_MIN_TILE_SIDE..MAX */
  gboolean            dark;         /* the dark style (light by default) */

  const FmSheetClass *top;          /* the prediction, most probable first, or NULL */
  guint               n_top;
  const char         *output_name;  /* the output the prediction reads, or NULL */
} FmSheetSpec;

/* Starts @spec for @n_layers @layers of @model: its display name in the
 * header, its path in the Source chunk; everything else zero (no input,
 * the default colormap, FM_NORMALIZE_LAYER, light). */
void             fm_sheet_spec_init   (FmSheetSpec        *spec,
                                       const FmModel      *model,
                                       const FmSheetLayer *layers,
                                       guint               n_layers);
/* Fills @layer from the entry @entry of @model (its name, op label, map
 * size and shape text), the [C, H, W] planes of batch item 0
 * (fm_layer_planes ()) and their channel statistics. */
void             fm_sheet_layer_init  (FmSheetLayer         *layer,
                                       const FmModel        *model,
                                       const FmLayer        *entry,
                                       const float          *data,
                                       const FmChannelStats *stats);
/* Puts the prediction @p of @model on @spec, its classes written into
 * @top ([p->n_top]) with their names from @labels. */
void             fm_sheet_spec_set_prediction (FmSheetSpec        *spec,
                                               FmSheetClass       *top,
                                               const FmModel      *model,
                                               const FmPrediction *p,
                                               GStrv               labels);

/* Draws the sheet on a new opaque ARGB32 image surface. NULL with
 * FM_ERROR_LIMIT when it would exceed FM_SHEET_MAX_SIDE per side or
 * FM_SHEET_MAX_PIXELS (the message says how big and suggests a smaller
 * tile side), FM_ERROR_INVALID_INPUT for a tile side out of range or a
 * layer without data. */
cairo_surface_t *fm_sheet_render      (const FmSheetSpec *spec,
                                       GError           **error);

/* The sheet's size without drawing it; FALSE as fm_sheet_render(). */
gboolean         fm_sheet_get_size    (const FmSheetSpec *spec,
                                       int               *width,
                                       int               *height,
                                       GError           **error);

/* The pixel rectangle of channel @channel's tile of layer @layer in the
 * sheet (tile_side x tile_side); FALSE when out of range. */
gboolean         fm_sheet_tile_rect   (const FmSheetSpec     *spec,
                                       guint                  layer,
                                       guint                  channel,
                                       cairo_rectangle_int_t *rect);

/* The pixel rectangle of layer @layer's legend. */
gboolean         fm_sheet_legend_rect (const FmSheetSpec     *spec,
                                       guint                  layer,
                                       cairo_rectangle_int_t *rect);

/* The range tiles of @layer are drawn with, as the window computes it:
 * LAYER, the layer's range (fm_channel_stats_range); TILE, the channel's
 * own min and max (@channel -1: the layer's range, for the legend);
 * FIXED, the spec's fixed range. */
void             fm_sheet_tile_range  (const FmSheetSpec *spec,
                                       guint              layer,
                                       int                channel,
                                       float             *vmin,
                                       float             *vmax);

/* The FmTileStyle of one tile: colormap, range, all_zero and dark. */
void             fm_sheet_tile_style  (const FmSheetSpec *spec,
                                       guint              layer,
                                       guint              channel,
                                       FmTileStyle       *style);

/* "conv1: 1, 5, 7; conv2: none": each layer's all-zero channels. */
char            *fm_sheet_zero_channels_text (const FmSheetSpec *spec);

/* The PNG text chunks as a NULL-terminated key, value list for
 * fm_png_write_surface(): Software ("Feature Maps VERSION"), Source (the
 * model file), Layer (the layer names, comma-separated), Input,
 * Normalisation ("layer", "tile" or "fixed MIN:MAX", with the colormap
 * name) and Zero channels. Free with g_strfreev(). */
GStrv            fm_sheet_png_text    (const FmSheetSpec *spec);

/* Renders the sheet and writes it to @path with those text chunks,
 * atomically (fm_png_write_surface): on failure the old file keeps its
 * bytes and no temporary file is left; the message names the file. */
gboolean         fm_sheet_write_png   (const FmSheetSpec *spec,
                                       const char        *path,
                                       GError           **error);

G_END_DECLS
