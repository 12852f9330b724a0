/* fm-op-reduce.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ReduceMean (axes as attribute before opset 18, as constant input from
 * 18; keepdims; noop_with_empty_axes) and LRN across channels (size,
 * alpha, beta, bias). Float only.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

typedef struct
{
  int    rank;
  gint64 dims[FM_MAX_RANK];       /* input dims */
  gint64 out_strides[FM_MAX_RANK];/* per input dim, 0 when reduced */
  gint64 in_numel, out_numel;
  float  scale;                   /* 1 / number of reduced elements */
} FmReduceParams;

static gboolean
reduce_mean_prepare (FmOpContext  *ctx,
                     GError      **error)
{
  FmValue *x;
  FmReduceParams *p;
  FmShape out, kept;
  gint64 axes[FM_MAX_RANK], keepdims, noop, count = 1;
  gint64 kept_strides[FM_MAX_RANK];
  gboolean reduce[FM_MAX_RANK] = { FALSE };
  guint n_axes = 0;
  int r;

  if (!fm_op_check_input (ctx, 0, FM_DTYPE_FLOAT, -1, error) ||
      !fm_op_attr_int (ctx, "keepdims", 1, &keepdims, error) ||
      !fm_op_attr_int (ctx, "noop_with_empty_axes", 0, &noop, error))
    return FALSE;
  x = fm_op_input (ctx, 0);
  r = x->shape.rank;
  if (ctx->node->opset < 18)
    {
      if (!fm_op_check_n_inputs (ctx, 1, 1, error) ||
          !fm_op_attr_ints (ctx, "axes", axes, FM_MAX_RANK, &n_axes, error))
        return FALSE;
    }
  else
    {
      if (fm_op_attr (ctx, "axes") != NULL)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("axes is an input from opset 18, not an attribute"));
      if (!fm_op_check_n_inputs (ctx, 1, 2, error) ||
          (fm_op_input (ctx, 1) != NULL &&
           !fm_op_const_ints (ctx, 1, "axes", axes, FM_MAX_RANK, &n_axes, error)))
        return FALSE;
    }
  for (guint i = 0; i < n_axes; i++)
    {
      int ax;

      if (!fm_op_norm_axis (ctx, axes[i], r, "axes value", &ax, error))
        return FALSE;
      reduce[ax] = TRUE;
    }
  if (n_axes == 0 && !noop)
    for (int d = 0; d < r; d++)
      reduce[d] = TRUE;

  out.rank = 0;
  kept.rank = r;
  for (int d = 0; d < r; d++)
    {
      kept.dims[d] = reduce[d] ? 1 : x->shape.dims[d];
      if (reduce[d])
        count *= x->shape.dims[d];
      if (!reduce[d] || keepdims)
        out.dims[out.rank++] = kept.dims[d];
    }
  if (count == 0)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE, _("cannot average over an empty axis"));

  p = fm_op_new_params (ctx, sizeof *p);
  p->rank = r;
  memcpy (p->dims, x->shape.dims, sizeof p->dims);
  fm_shape_strides (&kept, kept_strides);
  p->in_numel = p->out_numel = 1;
  for (int d = 0; d < r; d++)
    {
      p->out_strides[d] = reduce[d] ? 0 : kept_strides[d];
      p->in_numel *= x->shape.dims[d];
      p->out_numel *= kept.dims[d];
    }
  p->scale = 1.0f / (float) count;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

static void
reduce_mean_run (const FmNode *node,
                 FmRunCtx     *rc)
{
  const FmReduceParams *p = node->params;
  const float *x = FM_IN_F (rc, node, 0);
  float *y = FM_OUT_F (rc, node, 0);
  gint64 idx[FM_MAX_RANK] = { 0 };
  gint64 off = 0;

  for (gint64 i = 0; i < p->out_numel; i++)
    y[i] = 0.0f;
  for (gint64 i = 0; i < p->in_numel; i++)
    {
      y[off] += x[i];
      for (int d = p->rank - 1; d >= 0; d--)
        {
          idx[d]++;
          off += p->out_strides[d];
          if (idx[d] < p->dims[d])
            break;
          off -= p->out_strides[d] * p->dims[d];
          idx[d] = 0;
        }
    }
  for (gint64 i = 0; i < p->out_numel; i++)
    y[i] *= p->scale;
}

static const char * const reduce_mean_attributes[] = {
  "axes", "keepdims", "noop_with_empty_axes", NULL
};

const FmOpInfo fm_op_reduce_mean = {
  "ReduceMean", reduce_mean_attributes, reduce_mean_prepare, reduce_mean_run
};

/* LRN */

typedef struct
{
  gint64 n, c, size;     /* x as [N, C, size] */
  gint64 lo, hi;         /* window [c - lo, c + hi] */
  float  alpha, beta, bias;
  gint64 window;
} FmLrnParams;

static gboolean
lrn_prepare (FmOpContext  *ctx,
             GError      **error)
{
  FmValue *x;
  FmLrnParams *p;
  float alpha, beta, bias;
  gint64 size, n, c, spatial;

  x = fm_op_float_x (ctx, 1, 1, -1, error);
  if (x == NULL ||
      !fm_op_attr_float (ctx, "alpha", 1e-4f, &alpha, error) ||
      !fm_op_attr_float (ctx, "beta", 0.75f, &beta, error) ||
      !fm_op_attr_float (ctx, "bias", 1.0f, &bias, error) ||
      !fm_op_attr_int (ctx, "size", 0, &size, error))
    return FALSE;
  if (fm_op_attr (ctx, "size") == NULL || size < 1)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("attribute 'size' is required and must be positive"));
  if (!fm_op_split_nc (ctx, x, 3, &n, &c, &spatial, error))
    return FALSE;
  p = fm_op_new_params (ctx, sizeof *p);
  p->n = n;
  p->c = c;
  p->size = spatial;
  p->lo = (size - 1) / 2;
  p->hi = size - 1 - p->lo;     /* ceil((size - 1) / 2) */
  p->alpha = alpha;
  p->beta = beta;
  p->bias = bias;
  p->window = size;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &x->shape);
  return TRUE;
}

static void
lrn_run (const FmNode *node,
         FmRunCtx     *rc)
{
  const FmLrnParams *p = node->params;
  const float *x = FM_IN_F (rc, node, 0);  /* [N, C, size] */
  float *y = FM_OUT_F (rc, node, 0);       /* [N, C, size] */
  float k = p->alpha / (float) p->window;

  for (gint64 n = 0; n < p->n; n++)
    for (gint64 c = 0; c < p->c; c++)
      {
        gint64 c0 = MAX (0, c - p->lo), c1 = MIN (p->c - 1, c + p->hi);

        for (gint64 i = 0; i < p->size; i++)
          {
            float sum = 0.0f;

            for (gint64 cc = c0; cc <= c1; cc++)
              {
                float v = x[(n * p->c + cc) * p->size + i];
                sum += v * v;
              }
            y[(n * p->c + c) * p->size + i] =
              x[(n * p->c + c) * p->size + i] / powf (p->bias + k * sum, p->beta);
          }
      }
}

static const char * const lrn_attributes[] = { "alpha", "beta", "bias", "size", NULL };

const FmOpInfo fm_op_lrn = { "LRN", lrn_attributes, lrn_prepare, lrn_run };
