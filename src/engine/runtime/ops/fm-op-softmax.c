/* fm-op-softmax.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Softmax and LogSoftmax on float tensors. Before opset 13 the input is
 * coerced to 2-D at axis (default 1) and normalised over the whole second
 * part; from opset 13 it is normalised along one axis (default -1). Both
 * subtract the maximum first for stability.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

typedef struct
{
  gint64   outer, n, inner;  /* x as [outer, n, inner], normalised over n */
  gboolean log;
} FmSoftmaxParams;

static gboolean
softmax_prepare (FmOpContext  *ctx,
                 GError      **error)
{
  FmValue *x;
  FmSoftmaxParams *p;
  gint64 axis;
  int ax;

  x = fm_op_float_x (ctx, 1, 1, -1, error);
  if (x == NULL ||
      !fm_op_attr_int (ctx, "axis", ctx->node->opset < 13 ? 1 : -1, &axis, error))
    return FALSE;
  if (x->shape.rank == 0)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE, _("input must not be a scalar"));
  p = fm_op_new_params (ctx, sizeof *p);
  p->log = ctx->node->op == FM_OP_LogSoftmax;
  if (ctx->node->opset < 13)
    {
      /* axis may equal rank here ([outer, 1]) per the old spec */
      if (!fm_op_norm_split_axis (ctx, axis, x->shape.rank, &ax, error))
        return FALSE;
      /* x coerced to 2-D: [outer, n * inner], normalised over the second */
      fm_op_split_axis (&x->shape, ax, &p->outer, &p->n, &p->inner);
      p->n *= p->inner;
      p->inner = 1;
    }
  else
    {
      if (!fm_op_norm_axis (ctx, axis, x->shape.rank, "axis", &ax, error))
        return FALSE;
      fm_op_split_axis (&x->shape, ax, &p->outer, &p->n, &p->inner);
    }
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &x->shape);
  return TRUE;
}

static void
softmax_run (const FmNode *node,
             FmRunCtx     *rc)
{
  const FmSoftmaxParams *p = node->params;
  const float *x = FM_IN_F (rc, node, 0);   /* [outer, n, inner] */
  float *y = FM_OUT_F (rc, node, 0);        /* [outer, n, inner] */

  if (p->n == 0)
    return;
  for (gint64 o = 0; o < p->outer; o++)
    for (gint64 j = 0; j < p->inner; j++)
      {
        const float *xs = x + o * p->n * p->inner + j;
        float *ys = y + o * p->n * p->inner + j;
        float max = xs[0];
        double sum = 0.0;

        for (gint64 i = 1; i < p->n; i++)
          max = MAX (max, xs[i * p->inner]);
        for (gint64 i = 0; i < p->n; i++)
          sum += exp ((double) xs[i * p->inner] - max);
        if (p->log)
          {
            double lse = log (sum);

            for (gint64 i = 0; i < p->n; i++)
              ys[i * p->inner] = (float) ((double) xs[i * p->inner] - max - lse);
          }
        else
          {
            for (gint64 i = 0; i < p->n; i++)
              ys[i * p->inner] = (float) (exp ((double) xs[i * p->inner] - max) / sum);
          }
      }
}

static const char * const softmax_attributes[] = { "axis", NULL };

const FmOpInfo fm_op_softmax = {
  "Softmax", softmax_attributes, softmax_prepare, softmax_run
};

const FmOpInfo fm_op_log_softmax = {
  "LogSoftmax", softmax_attributes, softmax_prepare, softmax_run
};
