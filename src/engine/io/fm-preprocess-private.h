/* fm-preprocess-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What fm-preprocess.c (settings) and fm-preprocess-image.c (pixels) share.
 */
#pragma once

#include "fm-preprocess.h"

G_BEGIN_DECLS

#define LUMA(r, g, b) (0.299f * (r) + 0.587f * (g) + 0.114f * (b))

/* The mean and std @pp uses for model channel @c. */
static inline float
_fm_preprocess_mean_of (const FmPreprocess *pp,
                        int                 c)
{
  return pp->mean[pp->n_mean == pp->channels ? CLAMP (c, 0, FM_PREPROCESS_MAX_CHANNELS - 1) : 0];
}

static inline float
_fm_preprocess_std_of (const FmPreprocess *pp,
                       int                 c)
{
  return pp->std[pp->n_std == pp->channels ? CLAMP (c, 0, FM_PREPROCESS_MAX_CHANNELS - 1) : 0];
}

G_END_DECLS
