/* fm-op-common.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the op files in this folder (private to ops/): the
 * checks prepares start with (input count, X's type, an [N, C, ...] X,
 * constant int64 inputs), params, axis normalisation, the window of Conv
 * and the pools, and a strided walk that covers broadcasting, Transpose,
 * Slice and Expand. A walk is planned in prepare (dims of size 1 dropped,
 * contiguous dims merged) and executed in run without allocating. Nothing
 * here knows about a particular op.
 */
#pragma once

#include <glib.h>

#include "fm-error.h"
#include "fm-op.h"
#include "fm-tensor.h"
#include "fm-threads.h"

G_BEGIN_DECLS

#define FM_WALK_MAX_IN 2

/* Output is contiguous; input k is read at sum (idx[d] * strides[k][d]). */
typedef struct
{
  int    rank;                                 /* >= 1 */
  gint64 dims[FM_MAX_RANK];
  gint64 strides[FM_WALK_MAX_IN][FM_MAX_RANK]; /* in elements, 0 = broadcast */
  gint64 numel;
} FmWalk;

/* Plans a walk over @out with @n_in inputs given their strides laid out
 * against out's dims (rank out->rank). */
void     fm_walk_init           (FmWalk         *walk,
                                 const FmShape  *out,
                                 guint           n_in,
                                 gint64          in_strides[][FM_MAX_RANK]);
/* Strides of @in broadcast against @out (numpy rules, right-aligned;
 * the caller has checked compatibility). */
void     fm_broadcast_strides   (const FmShape  *in,
                                 const FmShape  *out,
                                 gint64         *strides);

/* Advances the odometer over all dims but the last; returns FALSE when
 * done. */
static inline gboolean
fm_walk_next (const FmWalk *walk,
              gint64       *idx,
              gint64       *off,
              guint         n_in)
{
  for (int d = walk->rank - 2; d >= 0; d--)
    {
      idx[d]++;
      for (guint k = 0; k < n_in; k++)
        off[k] += walk->strides[k][d];
      if (idx[d] < walk->dims[d])
        return TRUE;
      for (guint k = 0; k < n_in; k++)
        off[k] -= walk->strides[k][d] * walk->dims[d];
      idx[d] = 0;
    }
  return FALSE;
}

/* Strided copy of 4- or 8-byte elements following @walk (one input). */
void     fm_walk_copy           (const FmWalk   *walk,
                                 gconstpointer   src,
                                 gpointer        dst,
                                 gsize           elem_size);

/* Normalises @axis against @rank (accepting [-rank, rank-1]); fails with
 * FM_ERROR_INVALID_MODEL naming @what. */
gboolean fm_op_norm_axis        (FmOpContext    *ctx,
                                 gint64          axis,
                                 int             rank,
                                 const char     *what,
                                 int            *out,
                                 GError        **error);
/* The same for an axis that splits the dims in two, so that the rank
 * itself is allowed too ([-rank, rank]: Flatten, Softmax before opset 13). */
gboolean fm_op_norm_split_axis  (FmOpContext    *ctx,
                                 gint64          axis,
                                 int             rank,
                                 int            *out,
                                 GError        **error);
/* Splits @shape at axis @ax (in [0, rank]) into [@outer, @n, @inner]:
 * the product of the dims before @ax, dim @ax (1 when @ax is the rank)
 * and the product of the dims after it. */
void     fm_op_split_axis       (const FmShape  *shape,
                                 int             ax,
                                 gint64         *outer,
                                 gint64         *n,
                                 gint64         *inner);
/* Requires X (@x) to be [N, C, ...] with at least @min_rank dims (2 or 3:
 * [N, C, spatial...]) and splits it into @n, @c and the product of the
 * other dims, @size. */
gboolean fm_op_split_nc         (FmOpContext    *ctx,
                                 const FmValue  *x,
                                 int             min_rank,
                                 gint64         *n,
                                 gint64         *c,
                                 gint64         *size,
                                 GError        **error);
/* Input @i (@what in errors), known at load: a 1-D int64 tensor of at
 * most @max values, copied into @out. */
gboolean fm_op_const_ints       (FmOpContext    *ctx,
                                 guint           i,
                                 const char     *what,
                                 gint64         *out,
                                 guint           max,
                                 guint          *n_out,
                                 GError        **error);
/* Numel of @shape, failing with FM_ERROR_LIMIT when it overflows. */
gboolean fm_op_numel            (FmOpContext    *ctx,
                                 const FmShape  *shape,
                                 gsize          *out,
                                 GError        **error);
/* Requires input @i to be FLOAT or INT64; returns its dtype in @out. */
gboolean fm_op_check_numeric    (FmOpContext    *ctx,
                                 guint           i,
                                 FmDType        *out,
                                 GError        **error);
/* X, input 0, after the checks most prepares start with: the node has
 * @min_inputs to @max_inputs inputs (fm_op_check_n_inputs()) and X is
 * float (of rank @rank when rank >= 0; fm_op_check_input()). NULL with
 * @error set when a check fails. */
FmValue *fm_op_float_x          (FmOpContext    *ctx,
                                 guint           min_inputs,
                                 guint           max_inputs,
                                 int             rank,
                                 GError        **error);
/* The same for an X of FLOAT or INT64 (fm_op_check_numeric()). */
FmValue *fm_op_numeric_x        (FmOpContext    *ctx,
                                 guint           min_inputs,
                                 guint           max_inputs,
                                 GError        **error);
/* Sliding-window geometry of Conv, ConvTranspose and the pools, 1-D to
 * 3-D. */
#define FM_WINDOW_ND_MAX 3

/* A window over [D, H, W]: lower ranks use the last slots and leave the
 * first ones at in = k = s = d = out = 1, no pads. */
typedef struct
{
  int    n_spatial;                      /* 1 to 3 as in the file */
  gint64 in[3], k[3], s[3], d[3];
  gint64 pb[3], pe[3];                   /* pads at the begin and end */
  gint64 out[3];
} FmWindowNd;

/* Reads strides, dilations and pads of the node for input shape @x ([N,
 * C, spatial...], 1 to 3 spatial dims) and @kernel (one value a spatial
 * dim) into @win, and auto_pad into @auto_pad (NOTSET, SAME_UPPER,
 * SAME_LOWER or VALID; an empty string reads as NOTSET), checked: auto_pad
 * other than NOTSET comes without explicit pads. */
gboolean fm_op_window_nd_read   (FmOpContext      *ctx,
                                 const FmShape    *x,
                                 const gint64     *kernel,
                                 FmWindowNd       *win,
                                 const char      **auto_pad,
                                 GError          **error);
/* The window of Conv and the pools: reads it (fm_op_window_nd_read()),
 * checks auto_pad and works out the pads it asks for and the output
 * size; with @ceil_mode a window that would start inside the end padding
 * is dropped. */
gboolean fm_op_window_nd_init   (FmOpContext      *ctx,
                                 const FmShape    *x,
                                 const gint64     *kernel,
                                 gboolean          ceil_mode,
                                 FmWindowNd       *win,
                                 GError          **error);
/* Sets @out's spatial dims (rank @x->rank) from win->out, N and C from
 * @x and @channels. */
void     fm_window_nd_out_shape (const FmWindowNd *win,
                                 const FmShape    *x,
                                 gint64            channels,
                                 FmShape          *out);

/* Floor division for possibly negative numerators, positive d. */
static inline gint64
fm_floor_div (gint64 a,
              gint64 d)
{
  return a >= 0 ? a / d : -((-a + d - 1) / d);
}

static inline gint64
fm_ceil_div (gint64 a,
             gint64 d)
{
  return -fm_floor_div (-a, d);
}

/* Opset 6 and older (the attributes broadcast and axis of Add, Sub, Mul,
 * Div, Pow and Gemm, gone in opset 7): sets @b_view to the shape B stands
 * for under numpy broadcasting against @a. Without broadcast (the default)
 * the shapes must be equal; with broadcast 1, B's dims match a run of A's
 * dims from axis (default: A's last dims), a dim of 1 matching any: B
 * [3, 4] against A [2, 3, 4, 5] with axis 1 stands for [1, 3, 4, 1].
 * From opset 7, @b_view is B's shape and either attribute is refused.
 * FALSE with an error naming both shapes when B does not fit. */
gboolean fm_op_legacy_broadcast (FmOpContext    *ctx,
                                 const FmShape  *a,
                                 const FmShape  *b,
                                 FmShape        *b_view,
                                 GError        **error);
/* An int attribute that exists only before opset 7 (is_test of
 * BatchNormalization and Dropout, broadcast of Gemm): its value, or
 * @fallback when absent; from opset 7 a node carrying it is refused and
 * @value is @fallback. */
gboolean fm_op_legacy_attr_int  (FmOpContext    *ctx,
                                 const char     *name,
                                 gint64          fallback,
                                 gint64         *value,
                                 GError        **error);

/* Zeroed params of @size bytes for run, as ctx->node->params; they are
 * freed with g_free() unless the op sets ctx->node->free_params. */
gpointer fm_op_new_params       (FmOpContext    *ctx,
                                 gsize           size);

typedef struct
{
  gsize nbytes;
} FmCopyParams;

gboolean fm_op_set_copy_params  (FmOpContext    *ctx,
                                 const FmShape  *in_shape,
                                 FmDType         dtype,
                                 GError        **error);
void     fm_op_copy_run         (const FmNode   *node,
                                 FmRunCtx       *rc);
/* Run of the ops whose output is made in prepare (fm_op_set_output_const ()). */
void     fm_op_nothing_run      (const FmNode   *node,
                                 FmRunCtx       *rc);

/* Params of the ops whose output is a strided walk over their one input
 * (Transpose, Expand, DepthToSpace, SpaceToDepth). */
typedef struct
{
  FmWalk walk;
  gsize  elem_size;
} FmWalkParams;

/* Output 0 is @out of X's dtype: @out's elements in order are those of
 * @walk_shape, read from @x along @strides (per dim of @walk_shape). */
gboolean fm_op_set_walk_params  (FmOpContext    *ctx,
                                 const FmValue  *x,
                                 const FmShape  *out,
                                 const FmShape  *walk_shape,
                                 gint64          strides[][FM_MAX_RANK],
                                 GError        **error);
void     fm_op_walk_run         (const FmNode   *node,
                                 FmRunCtx       *rc);

G_END_DECLS
