/* fm-tile.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fm-tile-render.h"

G_BEGIN_DECLS

#define FM_TYPE_TILE (fm_tile_get_type ())

G_DECLARE_FINAL_TYPE (FmTile, fm_tile, FM, TILE, GtkWidget)

GtkWidget   *fm_tile_new          (guint              channel,
                                   int                map_height,
                                   int                map_width,
                                   int                size);
guint        fm_tile_get_channel  (FmTile            *self);
/* @map ([H, W], borrowed: must stay valid until the next call or until
 * the tile is destroyed) and how to draw it. */
void         fm_tile_set_map      (FmTile            *self,
                                   const float       *map,
                                   const FmTileStyle *style);
gboolean     fm_tile_get_all_zero (FmTile            *self);
/* The map drawn, [H, W] (borrowed), or NULL. */
const float *fm_tile_get_map      (FmTile            *self);
/* The text under the map, instead of the channel index. */
void         fm_tile_set_caption  (FmTile            *self,
                                   const char        *caption);
/* The tooltip: the accessible label and the map's range of values. */
char        *fm_tile_dup_tooltip  (FmTile            *self);
/* Redraws the tile if its last snapshot skipped the map as out of sight. */
void         fm_tile_redraw_if_culled (FmTile        *self);
gboolean     fm_tile_get_culled   (FmTile            *self);
typedef enum
{
  FM_TILE_SCAN_NONE,  /* no dataset scan */
  FM_TILE_SCAN_LIVE,  /* fires often enough */
  FM_TILE_SCAN_RARE,  /* fires on fewer images than the rare threshold */
  FM_TILE_SCAN_DEAD,  /* zero for every scanned image */
} FmTileScan;

/* What a dataset scan says of this channel, and the note for its tooltip
 * and accessible label ("fires on 0 of 2,000 images"). */
void         fm_tile_set_scan     (FmTile            *self,
                                   FmTileScan         state,
                                   const char        *note);
FmTileScan   fm_tile_get_scan     (FmTile            *self);
/* The near-dead mark (fm_tile_render_near_dead_mark), besides the above:
 * a rarely active channel can be near-dead too. */
void         fm_tile_set_near_dead (FmTile           *self,
                                    gboolean          near_dead);
gboolean     fm_tile_get_near_dead (FmTile           *self);

G_END_DECLS
