/* fm-stats.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-channel statistics of one feature-map activation of one batch item
 * ([C, H, W]): minimum, maximum, mean, the share of active cells and
 * whether the channel is all zero. The command line, the window, the PNG
 * export and the dataset scan all use these, so they agree on what "dead"
 * and "active" mean. Nothing here allocates, reads a model or knows about
 * colour maps.
 *
 * A cell is "zero" when |x| <= epsilon and "active" when it is not zero,
 * so for a channel with at least one cell all_zero is TRUE exactly when
 * active_share is 0. With epsilon 0 only 0.0f and -0.0f are zero.
 *
 * NaN: a NaN cell is never zero, so it counts as active (a channel holding
 * a NaN is not reported dead: something is wrong there, not quiet). NaN
 * cells are left out of min, max and mean, so one NaN does not spoil the
 * range used to draw the rest; a channel of NaN only gets NaN for all
 * three. Infinities are ordinary values (active, and they reach min, max
 * and the mean).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  float    min;
  float    max;
  float    mean;
  float    active_share;  /* share of cells with |x| > epsilon (or NaN), 0..1 */
  gboolean all_zero;      /* every cell |x| <= epsilon (epsilon 0: exactly 0.0f) */
} FmChannelStats;

/* Fills @out[c] for each of @channels channels of @data, whose planes of
 * @plane (H * W) cells follow each other. An empty plane gives min = max =
 * mean = 0, active_share 0 and all_zero TRUE. */
void fm_channel_stats_compute (const float    *data,      /* [C, H, W] of one batch item */
                               guint           channels,
                               gsize           plane,     /* H * W */
                               float           epsilon,
                               FmChannelStats *out);      /* [C] */

/* The layer's range over all channels (for per-layer normalisation): the
 * smallest min and the largest max, skipping NaN. 0 and 0 when there are
 * no channels or every channel's range is NaN. */
void fm_channel_stats_range   (const FmChannelStats *stats, /* [C] */
                               guint                 channels,
                               float                *min_out,
                               float                *max_out);

/* The largest number among the @n cells of @p, skipping NaN; NaN when
 * there is none (as fmaxf folded over the cells from NaN). */
float fm_plane_max            (const float *p,
                               gsize        n);

G_END_DECLS
