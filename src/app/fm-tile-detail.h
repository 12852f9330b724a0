/* fm-tile-detail.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fm-frame.h"
#include "fm-layer-section.h"
#include "fm-scan.h"

G_BEGIN_DECLS

#define FM_TYPE_TILE_DETAIL (fm_tile_detail_get_type ())

G_DECLARE_FINAL_TYPE (FmTileDetail, fm_tile_detail, FM, TILE_DETAIL, AdwWindow)

/* A modal window about channel @channel of layer @layer of @frame, and
 * what a dataset scan (@scan, layer @scan_layer; NULL for none) says. */
GtkWindow *fm_tile_detail_new             (GtkWindow           *parent,
                                           FmFrame             *frame,
                                           guint                layer,
                                           guint                channel,
                                           const FmViewOptions *options,
                                           FmScanResult        *scan,
                                           int                  scan_layer);
/* The channel shown (the "channel" property, notified when it changes);
 * setting it (below the layer's channel count) shows that channel as
 * Previous and Next do. */
guint       fm_tile_detail_get_channel      (FmTileDetail *self);
void        fm_tile_detail_set_channel      (FmTileDetail *self,
                                             guint         channel);
/* The layer shown, and the frame the detail was opened on. */
guint       fm_tile_detail_get_layer        (FmTileDetail *self);
FmFrame    *fm_tile_detail_get_frame        (FmTileDetail *self);
/* @order (guint channels of the layer; NULL: all, by number) is the order
 * Previous and Next go in: the grid's, under its filter and sort. A
 * channel it leaves out steps by number. */
void        fm_tile_detail_set_order        (FmTileDetail *self,
                                             GArray       *order);

/* For tests: the explanation shown; the top images once loaded, and the
 * widget that activating loads image @index into the canvas (NULL past
 * the end); the value in the statistics row @key ("min", "max", "mean",
 * "active", "pre-activation", "bias", "fires-on",
 * "dataset-pre-activation"; NULL without that row); the note on the
 * channel's own range (NULL unless normalised per tile); the colour bar. */
const char *fm_tile_detail_get_explanation  (FmTileDetail *self);
guint       fm_tile_detail_get_n_top_images (FmTileDetail *self);
GtkWidget  *fm_tile_detail_get_top_image    (FmTileDetail *self,
                                             guint         index);
const char *fm_tile_detail_get_stat         (FmTileDetail *self,
                                             const char   *key);
const char *fm_tile_detail_get_range_text   (FmTileDetail *self);
GtkWidget  *fm_tile_detail_get_legend       (FmTileDetail *self);

G_END_DECLS
