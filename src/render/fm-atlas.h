/* fm-atlas.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The channel atlas: after a dataset scan (fm-scan.h), a multi-page PDF
 * with, for every channel of the chosen layers, the dataset images that
 * excite it most (the scan's top-k) and that channel's own map for each,
 * dead channels framed red and rarely active ones amber as in the window;
 * a title page with the key and a table of contents (also the PDF's
 * outline). Also the words of a channel's verdict, which the channel card
 * (fm-card.h) shares with it, as it shares the top images (fm-top-images.h).
 *
 * Pages are drawn and written one at a time, each page's images fetched
 * just before it is drawn, so memory stays bounded by one page whatever
 * the layer's size. GTK-free; it runs models but never scans (the caller
 * passes a scan result) and never decides file names.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "fm-colormap.h"
#include "fm-layers.h"
#include "fm-model.h"
#include "fm-preprocess.h"
#include "fm-run.h"
#include "fm-scan.h"
#include "fm-tile-render.h"
#include "fm-top-images.h"

G_BEGIN_DECLS

/* The atlas page: A4 landscape, in PDF points. */
#define FM_ATLAS_PAGE_WIDTH   842.0
#define FM_ATLAS_PAGE_HEIGHT  595.0
/* Channels on one page when a channel's top images fit one line (top-k up
 * to FM_ATLAS_PAIRS_PER_LINE); a channel with more takes a line per
 * FM_ATLAS_PAIRS_PER_LINE images, and a page holds
 * MAX (1, FM_ATLAS_LINES_PER_PAGE / lines) channels. */
#define FM_ATLAS_LINES_PER_PAGE 16
#define FM_ATLAS_PAIRS_PER_LINE 12
/* Layers the title page lists; the table continues on pages of
 * FM_ATLAS_TOC_MORE lines each. */
#define FM_ATLAS_TOC_FIRST    20
#define FM_ATLAS_TOC_MORE     32

/* ---- a channel's verdict, in words ------------------------------------- */

typedef enum
{
  FM_VERDICT_NONE,    /* no scan */
  FM_VERDICT_ACTIVE,
  FM_VERDICT_RARE,
  FM_VERDICT_DEAD,
} FmVerdict;

FmVerdict    fm_verdict_of       (const FmScanResult *result,
                                  guint               scan_layer,
                                  guint               channel);
/* "dead: zero on all 2,000 images", "fires on 0.4 % of 2,000 images"
 * (translated; the count in the locale's grouping), with "; near-dead:
 * APoZ 89.7 %" for a near-dead channel. */
char        *fm_verdict_text     (const FmScanResult *result,
                                  guint               scan_layer,
                                  guint               channel);
/* The window's mark (fm_tile_render_scan_frame ()) as a frame around
 * (@x, @y, @w, @h): dead solid red, rare dashed amber, nothing for the
 * others. */
void         fm_verdict_draw_frame (cairo_t          *cr,
                                    FmVerdict         verdict,
                                    double            x,
                                    double            y,
                                    double            w,
                                    double            h);

/* The near-dead mark (fm_tile_render_near_dead_mark ()) in the corner at
 * (@x, @y) when the channel is near-dead, else nothing. */
void         fm_verdict_draw_near_dead (cairo_t            *cr,
                                        const FmScanResult *result,
                                        guint               scan_layer,
                                        guint               channel,
                                        double              x,
                                        double              y,
                                        double              size);

/* ---- the atlas ---------------------------------------------------------- */

typedef struct
{
  FmModel            *model;
  FmScanResult       *scan;
  const char         *dataset_path;  /* where the scan's images are read again */
  FmPreprocess        pp;            /* the preprocessing the scan used */
  guint               threads;       /* of each forward pass */
  const int          *layers;        /* [n_layers] scan layer indexes, in order */
  guint               n_layers;
  char              **names;         /* [n_layers] friendly names shown beside, or NULL */
  const FmColormap   *colormap;      /* NULL: the default */
} FmAtlasSpec;

/* How many pages the atlas of @spec has: the title pages, then per layer
 * ceil (channels / channels per page). */
guint        fm_atlas_count_pages (const FmAtlasSpec *spec);

/* Called after each page with the pages done and the total. */
typedef void (*FmAtlasProgress) (guint    done,
                                 guint    total,
                                 gpointer user_data);

/* For tests: the memory the maps of one layer's top images may take
 * before each page runs its own images (default 64 MiB; 0: always). */
void         fm_atlas_set_maps_budget (gsize bytes);

/* Writes the atlas to @path (a PDF) atomically. Cancelling stops at the
 * next page with G_IO_ERROR_CANCELLED and leaves no file (an old @path
 * keeps its bytes). Errors name the file. */
gboolean     fm_atlas_write      (const FmAtlasSpec *spec,
                                  const char        *path,
                                  FmAtlasProgress    progress,
                                  gpointer           user_data,
                                  GCancellable      *cancellable,
                                  GError           **error);

G_END_DECLS
