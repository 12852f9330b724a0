/* fm-sheet.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The exported picture of feature maps (a "sheet"): a header with the
 * model, the input, its preprocessing and thumbnail, the colormap and
 * normalisation (and the prediction, when given), the key to the marks,
 * then for each layer its name, op, shape and zero count (and the scan's
 * dead and rare counts), the colormap legend with the value range, and
 * one tile per shown channel with its index under it, wrapped into rows
 * (by default as many columns as make the grid closest to 4:3). Tiles
 * are drawn by fm_tile_render() with the FmTileStyle the window uses, and
 * a scan's dead and rare frames by fm_tile_render_scan_mark() as the
 * window's tiles draw them, at exactly the tile side given, so a tile in
 * the sheet has the pixels of the window's tile of that side. Also the
 * PNG text chunks that make the file document itself, and the atomic PNG
 * write of both (PDF, SVG and folders of PNGs: fm-sheet-output.h).
 * GTK-free, no global state: the window may call this from a worker
 * thread. It does not run models or compute statistics (the caller
 * passes them) and does not decide file names.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "fm-colormap.h"
#include "fm-layers.h"
#include "fm-model.h"
#include "fm-predict.h"
#include "fm-scan.h"
#include "fm-stats.h"
#include "fm-tile-render.h"

G_BEGIN_DECLS

/* Tile sides accepted by fm_sheet_render(), in pixels. */
#define FM_SHEET_MIN_TILE_SIDE 8
#define FM_SHEET_MAX_TILE_SIDE 512
/* Tiles per row at most when chosen by fm_sheet_auto_columns(), and when
 * given (FmSheetSpec.columns); fewer when a layer shows fewer channels. */
#define FM_SHEET_MAX_COLUMNS   32
#define FM_SHEET_MAX_COLUMNS_GIVEN 256
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
  const guint64        *fire_count; /* [C] images each channel fired on in the scan
                                     * (fm_sheet_spec_set_scan ()), or NULL */
  const guint          *shown;     /* [n_shown] the channels drawn, ascending (see
                                    * fm_sheet_select_channels ()); NULL: all */
  guint                 n_shown;
  const guint          *near_dead; /* [n_near_dead] the scan's near-dead channels,
                                    * ascending (fm_sheet_spec_set_scan ()), or NULL */
  guint                 n_near_dead;
} FmSheetLayer;

/* What a dataset scan says of a channel, as the window's tiles mark it. */
typedef enum
{
  FM_SHEET_VERDICT_NONE,  /* no scan for this layer */
  FM_SHEET_VERDICT_LIVE,
  FM_SHEET_VERDICT_RARE,  /* fired on fewer than rare_below of the images */
  FM_SHEET_VERDICT_DEAD,  /* fired on none */
} FmSheetVerdict;

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
  /* The preprocessing in the window's words (fm_preprocess_describe ()
   * of the settings with the inversion as it was done), or NULL. */
  const char         *preprocess;
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
  int                 columns;      /* tiles per row, 1..FM_SHEET_MAX_COLUMNS_GIVEN;
                                     * 0: fm_sheet_auto_columns () per layer */
  gboolean            dark;         /* the dark style (light by default) */

  const FmSheetClass *top;          /* the prediction, most probable first, or NULL */
  guint               n_top;
  const char         *output_name;  /* the output the prediction reads, or NULL */
  gboolean            softmax_applied; /* we made the output probabilities */

  /* The scan whose marks the tiles carry (fm_sheet_spec_set_scan ()):
   * the dataset's name, or NULL for none. */
  const char         *scan_dataset;
  guint64             scan_images;
  gboolean            scan_partial;
  double              rare_below;   /* rare: fires on fewer than this share */
  gboolean            scan_near_dead; /* some layer has near-dead channels: the key
                                       * explains their mark */
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

/* Marks the tiles with @scan's verdicts and adds the key's dead and rare
 * entries: each layer of @layers (the spec's, writable) found in @scan by
 * name with the same channel count gets its fire counts. A channel is
 * dead when it fired on no image, rare when on fewer than @rare_below of
 * them, as the window marks it. @scan must outlive @spec. */
void             fm_sheet_spec_set_scan (FmSheetSpec        *spec,
                                         FmSheetLayer       *layers,
                                         const FmScanResult *scan,
                                         double              rare_below);
FmSheetVerdict   fm_sheet_verdict     (const FmSheetSpec  *spec,
                                       const FmSheetLayer *layer,
                                       guint               channel);

/* The columns of a grid of @n tiles of @tile_side whose shape (cells
 * with their index line, in pixels) is closest to 4:3: of the counts up
 * to FM_SHEET_MAX_COLUMNS that fill every row, the closest, when its
 * aspect is within a factor 2 of 4:3; else the closest of all counts
 * (8 for 32 channels). */
int              fm_sheet_auto_columns (int                n,
                                        int                tile_side);
/* The columns layer @layer's grid has. */
int              fm_sheet_layer_columns (const FmSheetSpec *spec,
                                         guint              layer);

/* Draws the sheet on a new opaque ARGB32 image surface. NULL with
 * FM_ERROR_LIMIT when it would exceed FM_SHEET_MAX_SIDE per side or
 * FM_SHEET_MAX_PIXELS (the message says how big and suggests a smaller
 * tile side), FM_ERROR_INVALID_INPUT for a tile side out of range or a
 * layer without data. */
cairo_surface_t *fm_sheet_render      (const FmSheetSpec *spec,
                                       GError           **error);

/* The sheet's size, whatever it is: FALSE only for a spec
 * fm_sheet_render() refuses as invalid (FM_ERROR_INVALID_INPUT). */
gboolean         fm_sheet_measure     (const FmSheetSpec *spec,
                                       gint64            *width,
                                       gint64            *height,
                                       GError           **error);
/* The sheet's size without drawing it; FALSE as fm_sheet_render(). */
gboolean         fm_sheet_get_size    (const FmSheetSpec *spec,
                                       int               *width,
                                       int               *height,
                                       GError           **error);

/* Draws the sheet at (0, 0) of @cr, a surface of fm_sheet_get_size ():
 * what fm_sheet_render () and the PDF and SVG writers call. */
void             fm_sheet_draw        (const FmSheetSpec *spec,
                                       cairo_t           *cr,
                                       int                width);

/* The pixel rectangle of channel @channel's tile of layer @layer in the
 * sheet (tile_side x tile_side); FALSE when out of range or not shown. */
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
 * Preprocessing (when known), Normalisation ("layer", "tile" or "fixed
 * MIN:MAX"), Colormap, Zero channels, Prediction (when shown), Scan
 * ("DATASET, N images", with a scan) and, when a layer shows only some
 * channels, Channels shown ("conv1: 0, 5; conv2: 0, 1, 2"). Free with
 * g_strfreev(). */
GStrv            fm_sheet_png_text    (const FmSheetSpec *spec);

/* Renders the sheet and writes it to @path with those text chunks,
 * atomically (fm_png_write_surface): on failure the old file keeps its
 * bytes and no temporary file is left; the message names the file. */
gboolean         fm_sheet_write_png   (const FmSheetSpec *spec,
                                       const char        *path,
                                       GError           **error);

G_END_DECLS
