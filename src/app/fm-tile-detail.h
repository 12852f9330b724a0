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
/* The explanation shown, and the top images once loaded, for tests. */
const char *fm_tile_detail_get_explanation (FmTileDetail *self);
guint       fm_tile_detail_get_n_top_images (FmTileDetail *self);

G_END_DECLS
