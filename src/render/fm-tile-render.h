/* fm-tile-render.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Draws one channel's feature map (a [H, W] float plane) into a cairo
 * context, and the colour-bar legend that goes with it. The window and
 * the PNG export both call these on their own cairo context, so an
 * exported image has the pixels the window shows. GTK-free. This file
 * does not compute value ranges (the caller passes vmin/vmax) and does
 * not lay tiles out into a grid.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "fm-colormap.h"

G_BEGIN_DECLS

/* How the caller chose vmin/vmax; fm_tile_render itself only uses the
 * numbers. */
typedef enum
{
  FM_NORMALIZE_LAYER, /* the range of every channel in the layer */
  FM_NORMALIZE_TILE,  /* this channel's own range */
  FM_NORMALIZE_FIXED, /* a range the person typed */
} FmNormalize;

typedef struct
{
  const FmColormap *colormap; /* NULL means fm_colormap_get_default () */
  float vmin, vmax;           /* the range to map (layer range, tile range, or fixed) */
  gboolean all_zero;          /* draw the zero mark */
  gboolean dark;              /* dark UI style (affects mark colours only) */
  gboolean picture;           /* an input picture (fm_tile_style_gray_input ()): never
                               * reduced to its largest values, which would erase
                               * dark strokes on white */
  double   device_scale;      /* screen pixels per unit of @cr's device space (a
                               * widget's scale factor: GTK's cairo nodes draw in
                               * logical pixels); 0 means 1 */
} FmTileStyle;

/* The colour of NaN cells, whatever the colormap. */
#define FM_TILE_NAN_RGB 0x808080

/* The colours of the light or dark style that the zero mark and the
 * legend are drawn in; the sheet draws its page and text in them too, so
 * text and marks agree. */
typedef struct
{
  double bg[3];    /* the UI background: the mark's veil and badge, the sheet's page */
  double grey[3];  /* neutral: the mark's hatching and badge border, secondary text */
  double text[3];  /* the badge's "0", the legend's labels, primary text */
} FmTileColours;

const FmTileColours *fm_tile_colours            (gboolean      dark);
/* Makes @rgb, one of those colours, the source of @cr. */
void                 fm_tile_colours_set_source (cairo_t      *cr,
                                                 const double  rgb[3]);

void fm_tile_render   (cairo_t           *cr,
                       const float       *map,
                       int                h,
                       int                w,
                       double             width,
                       double             height,
                       const FmTileStyle *style);
/* The same, the picture named by @key (unique in the document for these
 * pixels): a PDF or SVG holds a picture drawn again under the same key
 * once (the atlas's dataset images, each beside several channels); other
 * targets draw it as fm_tile_render () does. */
void fm_tile_render_keyed (cairo_t           *cr,
                           const float       *map,
                           int                h,
                           int                w,
                           double             width,
                           double             height,
                           const FmTileStyle *style,
                           const char        *key);

/* The style of a model input as the window's preview and the sheet's
 * thumbnail show it: gray, scaled to the own range of @map's @n values. */
void fm_tile_style_gray_input (FmTileStyle *style,
                               const float *map,
                               gsize        n);

/* A picture of @channels (1: gray, 3: RGB) planes of @h x @w values in
 * [0, 1] (clamped) as 8-bit pixels in @data, a CAIRO_FORMAT_RGB24 image of
 * @stride bytes a row: the canvas and the window's preview of an RGB
 * input. */
void fm_planes_to_rgb24 (const float *planes,
                         int          channels,
                         int          h,
                         int          w,
                         guint8      *data,
                         int          stride);

void fm_tile_colorize (const float       *map,
                       int                h,
                       int                w,
                       const FmTileStyle *style,
                       guint32           *argb_out);

void fm_tile_render_zero_mark (cairo_t *cr,
                               double   width,
                               double   height,
                               gboolean dark);

/* The frame a dataset scan puts on a tile, distinct from the per-input
 * zero mark: solid red for a dead channel, dashed amber (@dash: {on, off})
 * for a rarely active one, stroked inside the square (0, 0, @side, @side).
 * The window's tiles and the sheet's draw it @line_width
 * FM_TILE_SCAN_MARK_WIDTH with fm_tile_scan_mark_dash; the window's key
 * thinner. */
#define FM_TILE_SCAN_MARK_WIDTH 3.0
extern const double fm_tile_scan_mark_dash[2];
/* Its colours (RGB), for text and keys that speak of it too. */
extern const double fm_tile_scan_dead_rgb[3];
extern const double fm_tile_scan_rare_rgb[3];

void fm_tile_render_scan_mark  (cairo_t      *cr,
                                gboolean      dead,
                                double        side,
                                double        line_width,
                                const double  dash[2]);
/* The mark of a near-dead channel (fm-scan.h: its APoZ stands above its
 * layer's mean + 1 standard deviation): a blue right triangle in the
 * corner at (@x, @y), legs @size long, pointing into the square, with a
 * dark edge. A shape and a hue of its own, so it reads beside the red and
 * amber frames (a channel can be rare and near-dead at once), on any
 * colormap, in either colour scheme and without telling red from amber. */
extern const double fm_tile_scan_near_dead_rgb[3];
void fm_tile_render_near_dead_mark (cairo_t *cr,
                                    double   x,
                                    double   y,
                                    double   size);
/* Its size on a tile of @side pixels. */
double fm_tile_near_dead_mark_size (double side);

/* The same frame stroked on the rectangle (@x, @y, @width, @height), its
 * line centred on the edges: the card's and the atlas's frames around a
 * map or a channel's row. */
void fm_tile_render_scan_frame (cairo_t      *cr,
                                gboolean      dead,
                                double        x,
                                double        y,
                                double        width,
                                double        height,
                                double        line_width,
                                const double  dash[2]);

void fm_legend_render (cairo_t          *cr,
                       const FmColormap *cm,
                       float             vmin,
                       float             vmax,
                       double            width,
                       double            height,
                       gboolean          dark);
void fm_legend_render_text (cairo_t          *cr,
                            const FmColormap *cm,
                            const char       *lo,
                            const char       *hi,
                            double            width,
                            double            height,
                            gboolean          dark);

G_END_DECLS
