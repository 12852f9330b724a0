/* fm-winograd.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3)
 * (private to ops/ and the tests): each 2x2 block of outputs is computed
 * from a 4x4 block of inputs with 16 multiply-adds per channel pair
 * instead of 36, as 16 matrix products (one per point of the transformed
 * 4x4 tile) with the engine's GEMM. The weights are transformed and
 * packed once, at load. Conv (fm-op-conv.c) takes this path for the
 * geometries fm_winograd_pays() accepts and keeps its direct paths for
 * the rest.
 */
#pragma once

#include <glib.h>

#include "fm-op-conv-private.h"
#include "fm-threads.h"

G_BEGIN_DECLS

/* The geometry this path computes: 3x3 kernel, stride 1, dilation 1, one
 * group, any pads. */
gboolean    fm_winograd_fits               (const FmConvParams *p);
/* Whether Conv takes this path for @p: it fits, has enough channels and
 * pixels to pay, and few enough channels for its size that the larger
 * transformed weights stay small next to its output. The environment variable FM_WINOGRAD overrides the
 * choice: "0" never, "all" whenever it fits (for tests comparing the
 * paths on the same model). Read at each call, so at each model load. */
gboolean    fm_winograd_pays               (const FmConvParams *p);

/* A conv prepared for this path: its geometry, its weights transformed
 * and packed (16 GEMM-packed matrices [M, C], one per point of the 4x4
 * tile) and the plan of its passes. */
typedef struct _FmWinograd FmWinograd;

/* @w [M, C, 3, 3] for the geometry @p (which fits); NULL when there is
 * not enough memory. */
FmWinograd *fm_winograd_new                (const FmConvParams *p,
                                            const float        *w);
void        fm_winograd_free               (FmWinograd         *wg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmWinograd, fm_winograd_free)
/* Bytes of scratch fm_winograd_run() needs (64-byte aligned). */
gsize       fm_winograd_get_scratch_size   (const FmWinograd   *wg);
/* y [N, M, oh, ow] of x [N, C, h, w], plus the bias @b [M] (NULL when
 * the conv has none), split over @pool (NULL: this thread). The result
 * does not depend on the number of threads. */
void        fm_winograd_run                (const FmWinograd   *wg,
                                            const float        *x,
                                            const float        *b,
                                            float              *y,
                                            gpointer            scratch,
                                            FmThreads          *pool);

G_END_DECLS
