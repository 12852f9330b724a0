/* fm-layer-section-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The layer section's state and what its three files share:
 * fm-layer-section.c (the tiles, their space, scan marks),
 * fm-layer-section-view.c (which tiles are shown, in what order) and
 * fm-layer-section-compare.c (compare mode's cells and legends).
 */
#pragma once

#include "fm-layer-section.h"
#include "fm-tile.h"

G_BEGIN_DECLS

struct _FmLayerSection
{
  GtkWidget      parent_instance;

  guint          index;
  GtkWidget     *title;
  GtkWidget     *subtitle;
  GtkWidget     *legend;
  GtkWidget     *legend_note;  /* instead of one range, with per-tile scaling */
  GtkWidget     *histogram;
  FmScanResult  *scan;
  int            scan_layer;
  double         rare_below;
  GtkWidget     *flow;       /* the tiles, or NULL while only their space is held */
  GtkWidget     *space;      /* FmTileSpace: as tall as the tiles would be, or NULL */
  GPtrArray     *tiles;      /* FmTile*, borrowed (children of flow) */
  guint          n_channels;
  int            map_height;
  int            map_width;
  int            tile_size;
  FmTileFilter   filter;
  FmTileSort     sort;
  FmFrame       *frame;
  FmViewOptions  options;
  char          *shape_text;
  char          *op_label;
  char          *title_a;    /* the title outside compare mode */

  /* compare mode */
  gboolean       compare;
  guint          index_b;    /* B's layer in frame_b */
  FmFrame       *frame_b;
  gboolean       show_diff;
  float         *diff;       /* [C, H, W] |A - B|, while the difference is shown */
  float          diff_max;
  GPtrArray     *tiles_b;    /* FmTile*, borrowed, like tiles */
  GPtrArray     *tiles_d;
  GPtrArray     *cells;      /* the GtkBox of each channel's tiles, borrowed */
  GtkWidget     *legend_column; /* A's legend row, then legends_b */
  /* made when first in compare mode (NULL before): */
  GtkWidget     *legends_b;  /* B's legend and the difference's, with their names */
  GtkWidget     *legend_b;
  GtkWidget     *legend_d;
  GtkWidget     *legend_d_row;
  GtkWidget     *legend_a_name;
};

/* The tiles in each cell: A's alone, or A's and B's and maybe |A - B|. */
static inline guint
_fm_layer_section_tiles_per_cell (FmLayerSection *self)
{
  return !self->compare ? 1 : self->show_diff ? 3 : 2;
}

/* fm-layer-section.c */
/* The space held for tiles not built follows the tiles per cell, and
 * holds @n cells (fit_space). */
void _fm_layer_section_resize_space  (FmLayerSection *self);
void _fm_layer_section_fit_space     (FmLayerSection *self,
                                      guint           n);
/* A's tile of a flow box child: the child itself, or the first of a
 * compare cell. */
FmTile *_fm_layer_section_cell_tile  (GtkFlowBoxChild *child);
/* The scan's entry for this layer, or NULL; channel @c's mark from it. */
const FmScanLayer *_fm_layer_section_scan_entry (FmLayerSection *self);
FmTileScan _fm_layer_section_channel_scan (FmLayerSection *self,
                                           guint           c);
void _fm_layer_section_update_subtitle (FmLayerSection *self);
/* Shows the maps of layer @index of @frame in @tiles (A's or B's) under
 * the view options. */
void _fm_layer_section_apply_maps    (FmLayerSection *self,
                                      FmFrame        *frame,
                                      guint           index,
                                      GPtrArray      *tiles);
/* Shows the legends that hold for the view options and compare mode. */
void _fm_layer_section_show_legends  (FmLayerSection *self);
/* The colour scale of layer @index of @frame (NULL: none) under the view
 * options; nothing when each tile has its own range. */
void _fm_layer_section_draw_legend   (FmLayerSection *self,
                                      cairo_t        *cr,
                                      FmFrame        *frame,
                                      guint           index,
                                      int             width,
                                      int             height);

/* fm-layer-section-view.c */
/* Gives the new flow box the filter and sort of the view. */
void _fm_layer_section_view_init_flow (FmLayerSection *self);
/* After a new frame (@new_frame), scan or view: filters and sorts again. */
void _fm_layer_section_refresh_view   (FmLayerSection *self,
                                       gboolean        new_frame);

/* fm-layer-section-compare.c */
#define FM_LAYER_SECTION_CELL_SPACING 2
/* The header's column of legends: A's (self->legend), and B's and the
 * difference's for compare mode. */
GtkWidget *_fm_layer_section_compare_legends (FmLayerSection *self);
/* The names and B's and the difference's legends, once. */
void       _fm_layer_section_ensure_compare_legends (FmLayerSection *self);
/* One channel's cell in compare mode, around A's @tile. */
GtkWidget *_fm_layer_section_compare_cell    (FmLayerSection *self,
                                              GtkWidget      *tile,
                                              guint           channel);
/* For built sections in compare mode with B's frame: B's tiles (only when
 * @tiles_b: B's frame or the view options changed) and what needs both
 * frames, the highlighted cells and |A - B|. */
void       _fm_layer_section_apply_compare   (FmLayerSection *self,
                                              gboolean        tiles_b);

G_END_DECLS
