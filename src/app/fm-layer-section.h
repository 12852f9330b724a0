/* fm-layer-section.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fm-colormap.h"
#include "fm-frame.h"
#include "fm-scan.h"
#include "fm-tile-render.h"

G_BEGIN_DECLS

/* How tiles are coloured; owned by the window, from GSettings. */
typedef struct
{
  const FmColormap *colormap;
  FmNormalize       normalize;
  float             fixed_min;
  float             fixed_max;
  int               tile_size;   /* pixels per tile side */
} FmViewOptions;

/* The range tiles of layer @layer use under @options; channel -1 means the
 * layer's own range, else the tile's (for FM_NORMALIZE_TILE). */
void fm_view_options_range (const FmViewOptions *options,
                            FmFrame             *frame,
                            guint                layer,
                            int                  channel,
                            float               *vmin,
                            float               *vmax);

/* Which tiles a section shows, and in what order. */
typedef enum
{
  FM_TILE_FILTER_ALL,
  FM_TILE_FILTER_ZERO,    /* all zero for this input */
  FM_TILE_FILTER_DEAD,    /* never fired on the scanned dataset */
  FM_TILE_FILTER_RARE,    /* fired on fewer images than the rare threshold */
  FM_TILE_FILTER_FIRING,  /* not all zero for this input */
  FM_TILE_FILTER_NEAR_DEAD, /* APoZ above the layer's mean + 1 std (fm-scan.h) */
} FmTileFilter;

typedef enum
{
  FM_TILE_SORT_CHANNEL,
  FM_TILE_SORT_MAX,        /* largest first */
  FM_TILE_SORT_MEAN,       /* largest first */
  FM_TILE_SORT_FIRE_RATE,  /* after a scan: least firing first */
} FmTileSort;

#define FM_TYPE_LAYER_SECTION (fm_layer_section_get_type ())

G_DECLARE_FINAL_TYPE (FmLayerSection, fm_layer_section, FM, LAYER_SECTION, GtkWidget)

GtkWidget *fm_layer_section_new        (const FmModel *model,
                                        const FmLayer *layer,
                                        guint          index,
                                        int            tile_size);
guint      fm_layer_section_get_index  (FmLayerSection *self);
/* The heading: a friendly name (the tensor's name stays its tooltip). */
void        fm_layer_section_set_title (FmLayerSection *self,
                                        const char     *title);
const char *fm_layer_section_get_title (FmLayerSection *self);
/* The line under it: "Conv + Relu · [1, 32, 28, 28] · 5 / 32 zero for
 * this input". Up to date while the tiles are built (see
 * fm_layer_section_ensure_tiles); a section far from the view keeps the
 * count of the frame it last showed. */
const char *fm_layer_section_get_subtitle (FmLayerSection *self);
/* Points the tiles at @frame's data (kept alive by the section). */
void       fm_layer_section_update     (FmLayerSection      *self,
                                        FmFrame             *frame,
                                        const FmViewOptions *options);
/* Marks dead and rarely active channels from layer @scan_layer of @scan
 * (NULL clears), and shows the histogram of fire rates. */
void       fm_layer_section_set_scan   (FmLayerSection     *self,
                                        FmScanResult       *scan,
                                        int                 scan_layer,
                                        double              rare_below);
/* The scan shown and its layer index, or NULL. */
FmScanResult *fm_layer_section_get_scan (FmLayerSection *self,
                                         int            *scan_layer);
/* How many channels that scan marks dead and rarely active (0 without). */
void       fm_layer_section_count_scan_marks (FmLayerSection *self,
                                              guint          *dead,
                                              guint          *rare);
/* Redraws every tile (after scrolling: tiles out of sight draw nothing). */
void       fm_layer_section_queue_draw_tiles (FmLayerSection *self);
/* Redraws the tiles whose last snapshot was out of sight. */
void          fm_layer_section_redraw_culled (FmLayerSection *self);
/* FALSE when tiles are scaled each to its own range and no layer range is
 * shown. */
gboolean      fm_layer_section_shows_layer_range (FmLayerSection *self);
/* Shows only the tiles that pass @filter, in @sort order (re-evaluated
 * with each frame and scan). */
void       fm_layer_section_set_view      (FmLayerSection *self,
                                           FmTileFilter    filter,
                                           FmTileSort      sort);
/* How many channels pass the filter now. */
guint      fm_layer_section_count_shown   (FmLayerSection *self);
/* The channels shown, in the order shown (built tiles only; for tests). */
GArray    *fm_layer_section_dup_shown     (FmLayerSection *self);
/* The channels that pass the filter, in the order of the sort: the order
 * the tiles are shown in, worked out from the frame and the scan (so also
 * for a section whose tiles are not built). */
GArray    *fm_layer_section_dup_order     (FmLayerSection *self);
/* The channel of the tile cell that is or holds @widget (in this
 * section's grid), or FALSE. */
gboolean   fm_layer_section_channel_at    (FmLayerSection *self,
                                           GtkWidget      *widget,
                                           guint          *channel);
/* Gives the tile of @channel the keyboard focus (building the tiles if
 * need be); FALSE when it is filtered out. */
gboolean   fm_layer_section_focus_channel (FmLayerSection *self,
                                           guint           channel);

/* A section holds only the space of its tiles until it comes near the
 * view: ensure_tiles builds them (with the frame and scan marks it has),
 * release_tiles drops them again, keeping the same height. */
void       fm_layer_section_ensure_tiles  (FmLayerSection *self);
void       fm_layer_section_release_tiles (FmLayerSection *self);
gboolean   fm_layer_section_has_tiles     (FmLayerSection *self);
/* Once its tiles are laid out: their cell size, for the others' space. */
void       fm_layer_section_note_cell_size (FmLayerSection *self);

/* The tile widget of channel @c (built if need be), and the channel count. */
GtkWidget *fm_layer_section_get_tile   (FmLayerSection *self,
                                        guint           channel);
guint      fm_layer_section_n_tiles    (FmLayerSection *self);

/* Compare mode: layer @index_b of model B beside this one (A's), each
 * channel's cell holding A's tile, B's and, in the difference view, one of
 * |A - B| on its own scale. @title_b is B's name for the layer: the title
 * names both when it differs. FALSE goes back to A's tiles alone. */
void       fm_layer_section_set_compare          (FmLayerSection *self,
                                                  gboolean        compare,
                                                  guint           index_b,
                                                  const char     *title_b);
gboolean   fm_layer_section_get_compare          (FmLayerSection *self);
/* B's frame, of the same input as A's (fm_layer_section_update ()). */
void       fm_layer_section_set_compare_frame    (FmLayerSection *self,
                                                  FmFrame        *frame_b);
void       fm_layer_section_set_show_difference  (FmLayerSection *self,
                                                  gboolean        show);
/* B's tile of @channel, or the difference's (@difference). */
GtkWidget *fm_layer_section_get_compare_tile     (FmLayerSection *self,
                                                  guint           channel,
                                                  gboolean        difference);
/* TRUE when @channel is zero for this input in one model and not the other. */
gboolean   fm_layer_section_get_verdict_differs  (FmLayerSection *self,
                                                  guint           channel);
guint      fm_layer_section_count_verdict_differs (FmLayerSection *self);
/* The difference tiles' maps [C, H, W] and their scale's top (@max_out),
 * or NULL while the difference is not shown or the tiles not built. */
const float *fm_layer_section_get_difference     (FmLayerSection *self,
                                                  float          *max_out);

G_END_DECLS
