/* fm-op-conv-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conv's kernels, exposed so tests can check the fast paths (implicit
 * GEMM for stride 1, im2col + GEMM, direct depthwise) against the naive
 * nested loops on random shapes. Not for use outside the engine and its
 * tests.
 */
#pragma once

#include <glib.h>

#include "fm-op-common.h"
#include "fm-threads.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 n, c, h, w;        /* input [N, C, H, W]; 1-D convs have h = 1 */
  gint64 m, group;          /* output channels, groups */
  gint64 kh, kw;            /* weights [M, C / group, kh, kw] */
  gint64 sh, sw, dh, dw;    /* strides, dilations */
  gint64 ph, pw;            /* pads at the top and left */
  gint64 oh, ow;            /* output [N, M, oh, ow] */
  gboolean has_bias;
} FmConvParams;

/* Fills oh/ow from the rest and the end pads @pe_h, @pe_w; FALSE if the
 * output would be empty. */
gboolean fm_conv_params_finish    (FmConvParams       *p,
                                   gint64              pe_h,
                                   gint64              pe_w);
/* Output range [lo, hi) of o such that o * s - p + k * d is in [0, len). */
static inline void
fm_conv_valid_range (gint64  len,
                     gint64  out,
                     gint64  s,
                     gint64  pad,
                     gint64  koff,
                     gint64 *lo,
                     gint64 *hi)
{
  *lo = CLAMP (fm_ceil_div (pad - koff, s), 0, out);
  *hi = MIN (out, fm_floor_div (len - 1 + pad - koff, s) + 1);
  if (*hi < *lo)
    *hi = *lo;
}

/* Scratch bytes fm_conv_fast() needs (it packs the weights there). */
gsize    fm_conv_scratch_size     (const FmConvParams *p);
/* The output columns of one im2col slice, or 0 for a conv without
 * im2col (for the tests). */
gint64   fm_conv_im2col_columns   (const FmConvParams *p);
/* @b may be NULL when !has_bias. */
void     fm_conv_reference        (const FmConvParams *p,
                                   const float        *x,
                                   const float        *w,
                                   const float        *b,
                                   float              *y);
void     fm_conv_fast             (const FmConvParams *p,
                                   const float        *x,
                                   const float        *w,
                                   const float        *b,
                                   float              *y,
                                   float              *scratch);
/* As fm_conv_fast() with weights already packed by fm_gemm_pack_a() per
 * group (@packed, or NULL to pack @w into @scratch) and a thread pool.
 * With @packed, scratch may be smaller than fm_conv_scratch_size() by the
 * packed weights. */
void     fm_conv_fast_full        (const FmConvParams *p,
                                   const float        *x,
                                   const float        *w,
                                   const float        *packed,
                                   const float        *b,
                                   float              *y,
                                   gpointer            scratch,
                                   FmThreads          *pool);

/* The depthwise convolution (group = C = M) of fm_conv_fast_full(),
 * planes split across @pool's threads (fm-op-conv-depthwise.c). */
void     fm_conv_depthwise        (const FmConvParams *p,
                                   const float        *x,
                                   const float        *w,
                                   const float        *b,
                                   float              *y,
                                   FmThreads          *pool);

G_END_DECLS
