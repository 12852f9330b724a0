/* fm-tile-detail.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fm-frame.h"
#include "fm-layer-section.h"

G_BEGIN_DECLS

#define FM_TYPE_TILE_DETAIL (fm_tile_detail_get_type ())

G_DECLARE_FINAL_TYPE (FmTileDetail, fm_tile_detail, FM, TILE_DETAIL, AdwWindow)

/* A modal window about channel @channel of layer @layer of @frame. */
GtkWindow *fm_tile_detail_new             (GtkWindow           *parent,
                                           FmFrame             *frame,
                                           guint                layer,
                                           guint                channel,
                                           const FmViewOptions *options);
/* The explanation shown, for tests. */
const char *fm_tile_detail_get_explanation (FmTileDetail *self);

G_END_DECLS
