/* fm-card.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The channel card: one channel's map for an input, its statistics, its
 * verdict from a dataset scan and the scan's top images with the
 * channel's own map on each, as one PDF, SVG or PNG page drawn with
 * fm_tile_render (). Also what `export --card` and the tile detail need
 * to get there: LAYER:CHANNEL resolved against a model, a scan checked to
 * belong to the model and its preprocessing, and the top images fetched.
 * GTK-free.
 */
#pragma once

#include <gio/gio.h>

#include "fm-atlas.h"
#include "fm-stats.h"

G_BEGIN_DECLS

/* The card, in points (PNG: FM_CARD_PNG_SCALE pixels a point). */
#define FM_CARD_WIDTH     640.0
#define FM_CARD_HEIGHT    380.0
#define FM_CARD_PNG_SCALE 2.0

typedef struct
{
  const FmModel      *model;
  const FmLayer      *entry;        /* the channel's layer (the scan's list) */
  const char         *friendly;     /* the window's name of it, or NULL */
  guint               channel;
  const char         *input_name;   /* the picture's name, or "canvas" */
  const float        *map;          /* [entry->height, entry->width] for the input */
  FmChannelStats      stats;        /* of that map */
  float               vmin;         /* the range the map is drawn with */
  float               vmax;
  const FmColormap   *colormap;     /* NULL: the default */
  gboolean            dark;
  /* The scan, or NULL: then the card says so in one line. */
  const FmScanResult *scan;
  guint               scan_layer;
  const FmTopImage   *tops;         /* [n_tops], fetched */
  guint               n_tops;
  int                 input_h;      /* the tops' thumb size */
  int                 input_w;
} FmCardSpec;

/* The entry of the feature-map layer @name (a tensor name or the
 * window's friendly name) in fm_layers_list (@model, FALSE), the scan's
 * list; FM_ERROR_INVALID_INPUT naming the layers there are. */
gboolean fm_card_find_layer  (const FmModel      *model,
                              const char         *name,
                              guint              *index,
                              GError            **error);

/* "LAYER:CHANNEL" split at the last colon (so a TensorFlow name with
 * ":0" works): *@layer a new string, *@channel the decimal after the
 * colon. The syntax alone, for a check before any file is read:
 * FM_ERROR_INVALID_INPUT when there is no colon, nothing before it or no
 * channel number after it. */
gboolean fm_card_parse       (const char         *text,
                              char              **layer,
                              guint              *channel,
                              GError            **error);

/* "LAYER:CHANNEL" (fm_card_parse ()) resolved against @model: LAYER as
 * fm_card_find_layer () takes it, CHANNEL below its channel count.
 * FM_ERROR_INVALID_INPUT naming the layers there are, or the channels the
 * layer has. */
gboolean fm_card_resolve     (const FmModel      *model,
                              const char         *text,
                              guint              *index,
                              guint              *channel,
                              GError            **error);

/* The window's name of entry @index of fm_layers_list (@model, FALSE):
 * its friendly name in the window's list (merged), else in that list. */
char    *fm_card_friendly_name (const FmModel    *model,
                                guint             index);

/* The top images of @channel of scan layer @scan_layer into @tops
 * ([scan->top_k]; *@n_tops filled), read from the scan's dataset with
 * @pp and run through @model. Each map's maximum must be the one the
 * scan recorded: otherwise the scan was made with another model or other
 * preprocessing, FM_ERROR_INVALID_INPUT naming @scan_name. A channel
 * without top images is checked on the layer's first image instead. */
gboolean fm_card_fetch_tops  (FmModel            *model,
                              const FmScanResult *scan,
                              const char         *scan_name,
                              guint               scan_layer,
                              guint               channel,
                              const FmPreprocess *pp,
                              guint               threads,
                              FmTopImage         *tops,
                              guint              *n_tops,
                              int                *input_h,
                              int                *input_w,
                              GCancellable       *cancellable,
                              GError            **error);

/* Writes the card to @path, its format from the name (.pdf, .svg, .png),
 * atomically; errors name the file. */
gboolean fm_card_write       (const FmCardSpec   *spec,
                              const char         *path,
                              GError            **error);

G_END_DECLS
