/* fm-op-conv-nd.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The im2col matrix of a window of up to three spatial dims (FmWindowNd,
 * read in fm-op-common.c) both ways (gather for Conv 3-D, scatter-add for
 * ConvTranspose) (private to ops/ and the tests). 3-D Conv runs here as
 * im2col + the packed GEMM; a naive reference for the tests too. 1-D and
 * 2-D Conv keep their own fast paths (fm-op-conv.c).
 */
#pragma once

#include <glib.h>

#include "fm-gemm.h"
#include "fm-op-common.h"
#include "fm-threads.h"

G_BEGIN_DECLS

/* The im2col matrix [c * k0 * k1 * k2, out0 * out1 * out2] of an image
 * [c, in0, in1, in2]: row (ch, kz, ky, kx), column (oz, oy, ox) holds the
 * image at o * s - pb + k * d per dim, or 0 outside it. */
typedef struct
{
  gint64            c;
  const FmWindowNd *win;
  gint64            rows, cols;
} FmColGeom;

void     fm_col_geom_init       (FmColGeom        *g,
                                 gint64            c,
                                 const FmWindowNd *win);
/* Rows [r0, r1) of columns [j0, j0 + jn) into @col [rows, pitch] (column
 * j at j - j0). */
void     fm_im2col_nd           (const FmColGeom  *g,
                                 const float      *img,
                                 float            *col,
                                 gint64            pitch,
                                 gint64            j0,
                                 gint64            jn,
                                 gint64            r0,
                                 gint64            r1);
/* The adjoint: adds columns [j0, j0 + jn) of @col [rows, pitch] into the
 * image channels [c0, c1) where they land; the rest is dropped. */
void     fm_col2im_nd           (const FmColGeom  *g,
                                 const float      *col,
                                 gint64            pitch,
                                 gint64            j0,
                                 gint64            jn,
                                 float            *img,
                                 gint64            c0,
                                 gint64            c1);
/* Columns per slice of the im2col matrix so that [rows, chunk] stays
 * near 512 KiB, a multiple of 48, at most @cols. */
gint64   fm_col_chunk           (gint64            rows,
                                 gint64            cols);

/* A GEMM per group around an im2col slice: A of one group is [a_rows,
 * a_cols] (W's group, or its transpose when @trans), packed at load or
 * into scratch; B has a_cols rows. Scratch holds [A packed unless
 * prepacked][B's row offsets [a_cols]][the slice [col_rows, chunk]]. */
typedef struct
{
  gint64   a_rows, a_cols;
  gboolean trans, prepacked;
  gint64   col_rows, chunk;
  gsize    per_group;            /* floats of one group's packed A */
  gsize    size;                 /* scratch bytes */
} FmColPlan;

void     fm_col_plan_init        (FmColPlan       *plan,
                                  gint64           a_rows,
                                  gint64           a_cols,
                                  gboolean         trans,
                                  gint64           col_rows,
                                  gint64           cols,
                                  gboolean         prepacked);
/* Packs @group groups of @w into @packed (@group * per_group floats). */
void     fm_col_plan_pack        (const FmColPlan *plan,
                                  gint64           group,
                                  const float     *w,
                                  float           *packed);
/* Carves @scratch: sets up @gm (m, k, boff, alpha 1) and returns the row
 * offsets for the caller to fill and the slice in @col. */
gint64  *fm_col_plan_start       (const FmColPlan *plan,
                                  gpointer         scratch,
                                  FmGemmPacked    *gm,
                                  float          **col);
/* gm->ap: group @g of @packed, or of @w packed into scratch now. */
void     fm_col_plan_group       (const FmColPlan *plan,
                                  gpointer         scratch,
                                  const float     *w,
                                  const float     *packed,
                                  gint64           g,
                                  FmGemmPacked    *gm);

/* Conv (fm_conv_nd_*) and ConvTranspose (fm_conv_transpose_*) of any
 * spatial rank. Conv: X [N, C, win.in...], W [M, C / group, k...], Y [N,
 * M, win.out...]. ConvTranspose: X [N, C, win.out...], W [C, M / group,
 * k...], Y [N, M, win.in...], so that Y's im2col matrix has X's columns;
 * per group the transposed weights times X give it, and col2im adds it
 * into Y, which starts at the bias. */
typedef struct
{
  gint64     n, c, m, group;
  FmWindowNd win;
  gboolean   has_bias;
} FmConvNd;

/* X, W and B (NULL when absent) of a Conv or ConvTranspose: two or
 * three inputs, X and W float. */
gboolean fm_op_conv_inputs       (FmOpContext    *ctx,
                                  FmValue       **x,
                                  FmValue       **w,
                                  FmValue       **b,
                                  GError        **error);
/* B [M] float of a Conv or ConvTranspose with @m output channels, if
 * present. */
gboolean fm_op_conv_check_bias   (FmOpContext    *ctx,
                                  const FmValue  *b,
                                  gint64          m,
                                  GError        **error);
/* The @n_kshape values of the attribute kernel_shape of a Conv or
 * ConvTranspose, if given, are the spatial dims of its weights @w. */
gboolean fm_op_conv_check_kernel_shape (FmOpContext    *ctx,
                                        const FmValue  *w,
                                        const gint64   *kshape,
                                        guint           n_kshape,
                                        GError        **error);

/* Packs the constant weights @w of a Conv or ConvTranspose with @group
 * groups by fm_col_plan_pack() into *@packed, newly allocated; its run
 * then reads only those. */
gboolean fm_op_conv_pack_weights (FmOpContext     *ctx,
                                  const FmColPlan *plan,
                                  gint64           group,
                                  const FmValue   *w,
                                  float          **packed,
                                  GError         **error);

void     fm_conv_nd_plan         (const FmConvNd *p,
                                  gboolean        prepacked,
                                  FmColPlan      *plan);
/* @packed: fm_col_plan_pack() of W, or NULL to pack @w into scratch;
 * @b may be NULL when !has_bias. */
void     fm_conv_nd_run          (const FmConvNd *p,
                                  const float    *x,
                                  const float    *w,
                                  const float    *packed,
                                  const float    *b,
                                  float          *y,
                                  gpointer        scratch,
                                  FmThreads      *pool);
/* For the references: the offset in an image [in0, in1, in2] of tap @t
 * (of [k0, k1, k2]) of output @j (of [out0, out1, out2]), or -1 when the
 * tap falls in the padding. */
gint64   fm_window_nd_tap        (const FmWindowNd *w,
                                  gint64            j,
                                  gint64            t);
void     fm_conv_nd_reference    (const FmConvNd *p,
                                  const float    *x,
                                  const float    *w,
                                  const float    *b,
                                  float          *y);

void     fm_conv_transpose_plan      (const FmConvNd *p,
                                      gboolean        prepacked,
                                      FmColPlan      *plan);
void     fm_conv_transpose_run       (const FmConvNd *p,
                                      const float    *x,
                                      const float    *w,
                                      const float    *packed,
                                      const float    *b,
                                      float          *y,
                                      gpointer        scratch,
                                      FmThreads      *pool);
/* The direct scatter loop, for the tests. */
void     fm_conv_transpose_reference (const FmConvNd *p,
                                      const float    *x,
                                      const float    *w,
                                      const float    *b,
                                      float          *y);

G_END_DECLS
