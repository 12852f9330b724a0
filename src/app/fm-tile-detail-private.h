/* fm-tile-detail-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What fm-tile-detail.c and fm-tile-detail-top.c (the images that excite
 * the channel most) share.
 */
#pragma once

#include <adwaita.h>

#include "fm-scan.h"
#include "fm-tile-detail.h"

G_BEGIN_DECLS

/* One of the images that excite the channel most, kept decoded so that
 * activating it can load it into the canvas. */
typedef struct
{
  FmImage *image;
  gint64   index;  /* item index in the dataset */
  char    *name;   /* what the window calls the loaded input */
} TopItem;

struct _FmTileDetail
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkDrawingArea *map_area;
  GtkDrawingArea *legend_area;
  GtkLabel       *range_label;
  GtkLabel       *hover_label;
  GtkListBox     *stats_list;
  GtkLabel       *explanation;
  GtkWidget      *top_box;
  GtkLabel       *top_title;
  GtkFlowBox     *top_flow;

  GtkWindow      *parent;       /* weak: the window whose canvas images go to */
  FmFrame        *frame;
  guint           layer;
  guint           channel;
  guint           channels;     /* in the layer */
  GArray         *order;        /* guint: the channels Previous and Next go through, in the
                                 * grid's order; NULL: every channel, by number */
  FmViewOptions   options;
  float           vmin;         /* the range the map and the colour bar use */
  float           vmax;
  int             height;
  int             width;
  FmScanResult   *scan;
  int             scan_layer;
  GCancellable   *cancellable;  /* the top images' load for this channel */
  GPtrArray      *top_items;    /* TopItem*, in the flow box's order */
};

void _fm_tile_detail_top_item_free    (TopItem      *item);
/* Drops the previous channel's images (and their load, if running) and
 * starts loading this channel's. */
void _fm_tile_detail_load_top_images  (FmTileDetail *self);

G_END_DECLS
