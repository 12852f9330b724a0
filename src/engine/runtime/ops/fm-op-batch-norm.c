/* fm-op-batch-norm.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BatchNormalization for inference: y = (x - mean) / sqrt(var + epsilon)
 * * scale + B per channel of [N, C, ...] (with spatial 0, opsets 6 to 8:
 * per element of [C, ...]). momentum is accepted and has no effect at
 * inference. training_mode 1, an explicit is_test 0 (opset 6; absent, it
 * runs inference as ONNX Runtime does) and the training outputs (running
 * mean/var) are refused. Large inputs are split across the run's threads
 * by channel.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

typedef struct
{
  gint64 n, c, size;   /* x as [N, C, size] */
  float  epsilon;
} FmBatchNormParams;

static gboolean
batch_normalization_prepare (FmOpContext  *ctx,
                             GError      **error)
{
  static const char * const names[] = { "X", "scale", "B", "input_mean", "input_var" };
  FmValue *x;
  FmBatchNormParams *p;
  gint64 training_mode, spatial, is_test, n, c, size;
  float epsilon, momentum;

  if (!fm_op_check_n_inputs (ctx, 5, 5, error) ||
      !fm_op_attr_float (ctx, "epsilon", 1e-5f, &epsilon, error) ||
      !fm_op_attr_float (ctx, "momentum", 0.9f, &momentum, error) ||
      !fm_op_attr_int (ctx, "training_mode", 0, &training_mode, error) ||
      !fm_op_attr_int (ctx, "spatial", 1, &spatial, error) ||
      !fm_op_legacy_attr_int (ctx, "is_test", 1, &is_test, error))
    return FALSE;
  if (training_mode != 0)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("training_mode %" PRId64 " is not supported (inference only)"),
                       training_mode);
  if (is_test == 0)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("is_test 0 (training, with the batch's statistics) is not supported "
                         "(inference only)"));
  if (ctx->node->opset >= 9 && fm_op_attr (ctx, "spatial") != NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("attribute 'spatial' exists only before opset 9"));
  if (spatial != 0 && spatial != 1)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("spatial %" PRId64 " is not 0 or 1"), spatial);
  for (guint i = 1; i < ctx->node->n_outputs; i++)
    if (ctx->node->outputs[i] != -1)
      return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                         _("training outputs (output %u) are not supported"), i);
  x = fm_op_input (ctx, 0);
  if (!fm_op_check_input (ctx, 0, FM_DTYPE_FLOAT, -1, error) ||
      !fm_op_split_nc (ctx, x, 2, &n, &c, &size, error))
    return FALSE;
  /* spatial 0 (opsets 6 to 8): statistics per element of a sample,
   * [C, D1, ...]; that is per channel of [N, C * D1 * ..., 1]. */
  if (spatial == 0)
    {
      c *= size;
      size = 1;
    }
  for (guint i = 1; i < 5; i++)
    {
      FmValue *v = fm_op_input (ctx, i);
      gboolean fits = v->shape.rank == 1 && v->shape.dims[0] == c;

      if (spatial == 0)
        {
          FmShape sample = { .rank = x->shape.rank - 1 };

          memcpy (sample.dims, x->shape.dims + 1, sample.rank * sizeof (gint64));
          fits = fm_shape_equal (&v->shape, &sample);
        }
      if (v->dtype != FM_DTYPE_FLOAT || !fits)
        {
          g_autofree char *xs = fm_shape_to_string (&x->shape);
          g_autofree char *vs = fm_shape_to_string (&v->shape);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             /* Translators: the input shape, then the name of another input
                                (scale, B, input_mean or input_var) and its shape, then
                                the value of the attribute spatial (not translated). */
                             _("input X has shape %s but %s has shape %s (spatial %" PRId64 ")"),
                             xs, names[i], vs, spatial);
        }
    }

  p = fm_op_new_params (ctx, sizeof *p);
  p->n = n;
  p->c = c;
  p->size = size;
  p->epsilon = epsilon;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &x->shape);
  return TRUE;
}

typedef struct
{
  const FmBatchNormParams *p;
  const float             *x, *scale, *bias, *mean, *var;
  float                   *y;
} BatchNormJob;

/* Channels [c0, c1). */
static void
batch_normalization_channels (gpointer data,
                              gint64   c0,
                              gint64   c1)
{
  const BatchNormJob *job = data;
  const FmBatchNormParams *p = job->p;

  for (gint64 c = c0; c < c1; c++)
    {
      float a = job->scale[c] / sqrtf (job->var[c] + p->epsilon);
      float b = job->bias[c] - job->mean[c] * a;

      for (gint64 n = 0; n < p->n; n++)
        {
          const float *xc = job->x + (n * p->c + c) * p->size;
          float *yc = job->y + (n * p->c + c) * p->size;

          for (gint64 i = 0; i < p->size; i++)
            yc[i] = xc[i] * a + b;
        }
    }
}

/* Channels are split across the run's threads when large (each element
 * is computed alike on any thread). */
static void
batch_normalization_run (const FmNode *node,
                         FmRunCtx     *rc)
{
  const FmBatchNormParams *p = node->params;
  BatchNormJob job = {
    p,
    FM_IN_F (rc, node, 0),   /* x [N, C, size] */
    FM_IN_F (rc, node, 1),   /* scale [C] */
    FM_IN_F (rc, node, 2),   /* B [C] */
    FM_IN_F (rc, node, 3),   /* mean [C] */
    FM_IN_F (rc, node, 4),   /* var [C] */
    FM_OUT_F (rc, node, 0),  /* y [N, C, size] */
  };
  double per_channel = (double) p->n * p->size;

  fm_threads_parallel_for (rc->threads, p->c,
                           fm_threads_grain (2.0 * per_channel, 8.0 * per_channel),
                           batch_normalization_channels, &job);
}

static const char * const batch_normalization_attributes[] = {
  "epsilon", "momentum", "training_mode", "spatial", "is_test", NULL
};

const FmOpInfo fm_op_batch_normalization = {
  "BatchNormalization", batch_normalization_attributes,
  batch_normalization_prepare, batch_normalization_run
};
