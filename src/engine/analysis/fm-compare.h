/* fm-compare.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two models on one input, layer by layer (`feature-maps compare`): which
 * feature-map layers of model A and model B correspond, and per channel
 * how far apart their maps are. Layers are matched by tensor name first;
 * the layers left over are then paired in execution order with the next
 * unpaired layer of B of the same maps (channels, height, width) after
 * B's last paired layer, so a retrained or re-exported model whose
 * tensors were renamed still lines up. What stays unpaired is listed
 * apart. Nothing here runs a model.
 */
#pragma once

#include <glib.h>

#include "fm-layers.h"
#include "fm-model.h"
#include "fm-run.h"

G_BEGIN_DECLS

typedef enum
{
  FM_MATCH_NAME,   /* the same tensor name (and the same maps) */
  FM_MATCH_ORDER,  /* the same maps, in execution order */
} FmMatchKind;

typedef struct
{
  guint       a;     /* index into A's layer list */
  guint       b;     /* index into B's layer list */
  FmMatchKind kind;
} FmLayerMatch;

/* The pairs of @layers_a and @layers_b (FmLayer arrays of fm_layers_list
 * for @a and @b), in A's order: an array of FmLayerMatch, never NULL.
 * @unmatched_a and @unmatched_b, when not NULL, receive arrays of the
 * guint indices left unpaired on each side, in order. */
GArray      *fm_compare_match_layers (const FmModel *a,
                                      GArray        *layers_a,
                                      const FmModel *b,
                                      GArray        *layers_b,
                                      GArray       **unmatched_a,
                                      GArray       **unmatched_b);

/* @out[c]: the largest |A - B| over every cell of channel c, in every
 * batch item, of the paired layers @la of @a's run and @lb of @b's run
 * (which must have the same maps and batch). NaN for a channel where
 * either side holds a NaN. */
void         fm_compare_max_abs_diff (const FmModel *a,
                                      const FmLayer *la,
                                      FmRun         *run_a,
                                      const FmModel *b,
                                      const FmLayer *lb,
                                      FmRun         *run_b,
                                      float         *out);

G_END_DECLS
