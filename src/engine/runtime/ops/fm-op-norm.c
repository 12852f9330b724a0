/* fm-op-norm.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Normalisations that compute their statistics from the input itself:
 * InstanceNormalization (per (n, c) over the spatial dims; epsilon),
 * GroupNormalization (per (n, group) over its channels and the spatial
 * dims; num_groups, epsilon; scale and bias per group at opset 18, per
 * channel from 21) and LayerNormalization (opset 17: over the dims from
 * axis on; epsilon; Scale and B broadcast to those dims; the optional Mean
 * and InvStdDev outputs). Mean and variance are computed in two passes in
 * double, so stash_type 1 (float) and 11 (double) give the same result;
 * other stash types are refused. Float only.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

/* Mean and 1 / sqrt (variance + epsilon) of @n floats, in double. */
static void
norm_stats (const float *x,
            gint64       n,
            double       epsilon,
            double      *mean,
            double      *inv_std)
{
  double sum = 0.0, sq = 0.0, m;

  for (gint64 i = 0; i < n; i++)
    sum += x[i];
  m = n > 0 ? sum / (double) n : 0.0;
  for (gint64 i = 0; i < n; i++)
    sq += ((double) x[i] - m) * ((double) x[i] - m);
  *mean = m;
  *inv_std = 1.0 / sqrt ((n > 0 ? sq / (double) n : 0.0) + epsilon);
}

static gboolean
norm_stash_type (FmOpContext  *ctx,
                 GError      **error)
{
  gint64 stash_type;

  if (!fm_op_attr_int (ctx, "stash_type", 1, &stash_type, error))
    return FALSE;
  if (stash_type != 1 && stash_type != 11)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("stash_type %" PRId64 " is not supported (only 1 and 11)"),
                       stash_type);
  return TRUE;
}

/* Input @i (@what in errors) must be a float vector of @len values. */
static gboolean
norm_check_vector (FmOpContext  *ctx,
                   guint         i,
                   const char   *what,
                   gint64        len,
                   GError      **error)
{
  FmValue *v = fm_op_input (ctx, i);

  if (!fm_op_check_input (ctx, i, FM_DTYPE_FLOAT, -1, error))
    return FALSE;
  if (v->shape.rank != 1 || v->shape.dims[0] != len)
    {
      g_autofree char *vs = fm_shape_to_string (&v->shape);

      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         /* Translators: an input name (“scale”, “B”, “bias”, not
                            translated), its shape and the length it must have. */
                         _("%s has shape %s; expected [%" PRId64 "]"), what, vs, len);
    }
  return TRUE;
}

/* InstanceNormalization and GroupNormalization: x is [rows, row], each
 * row normalised on its own, then scaled by scale[k] and shifted by
 * bias[k] for k = (r % groups) * per_group + i / span. */

typedef struct
{
  gint64 rows, row;
  gint64 groups, per_group, span;
  double epsilon;
} FmGroupNormParams;

static gboolean
group_norm_prepare (FmOpContext  *ctx,
                    GError      **error)
{
  gboolean instance = ctx->node->op == FM_OP_InstanceNormalization;
  FmValue *x;
  FmGroupNormParams *p;
  gint64 n, c, size, groups;
  float epsilon;

  x = fm_op_float_x (ctx, 3, 3, -1, error);
  if (x == NULL ||
      !fm_op_split_nc (ctx, x, 2, &n, &c, &size, error) ||
      !fm_op_attr_float (ctx, "epsilon", 1e-5f, &epsilon, error) ||
      !fm_op_attr_int (ctx, "num_groups", c, &groups, error))
    return FALSE;
  if (!instance && (!norm_stash_type (ctx, error)))
    return FALSE;
  if (!instance && fm_op_attr (ctx, "num_groups") == NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("attribute 'num_groups' is required"));
  if (groups < 1 || c % groups != 0)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       /* Translators: num_groups is an attribute name; the numbers
                          are its value and the channel count. */
                       _("num_groups %" PRId64 " does not divide the %" PRId64 " channels"),
                       groups, c);

  p = fm_op_new_params (ctx, sizeof *p);
  p->rows = n * groups;
  p->row = c / groups * size;
  p->groups = groups;
  p->epsilon = epsilon;
  if (instance || ctx->node->opset >= 21)
    {
      /* per channel */
      p->per_group = c / groups;
      p->span = size;
    }
  else
    {
      /* opset 18: per group */
      p->per_group = 1;
      p->span = p->row;
    }
  if (!norm_check_vector (ctx, 1, "scale", groups * p->per_group, error) ||
      !norm_check_vector (ctx, 2, instance ? "B" : "bias", groups * p->per_group, error))
    return FALSE;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &x->shape);
  return TRUE;
}

typedef struct
{
  gconstpointer p;
  const float  *x, *scale, *bias;
  float        *y, *mean, *inv_std;
} NormJob;

static void
group_norm_rows (gpointer data,
                 gint64   begin,
                 gint64   end)
{
  const NormJob *job = data;
  const FmGroupNormParams *p = job->p;

  for (gint64 r = begin; r < end; r++)
    {
      const float *x = job->x + r * p->row;  /* [per_group, span] */
      float *y = job->y + r * p->row;        /* [per_group, span] */
      gint64 k0 = (r % p->groups) * p->per_group;
      double mean, inv_std;
      float m;

      norm_stats (x, p->row, p->epsilon, &mean, &inv_std);
      m = (float) mean;
      for (gint64 k = 0; k < p->per_group; k++)
        {
          /* (x - mean) first: folding mean into the bias loses the
           * result to cancellation when inv_std is large */
          float a = (float) (job->scale[k0 + k] * inv_std), b = job->bias[k0 + k];

          for (gint64 i = k * p->span; i < (k + 1) * p->span; i++)
            y[i] = (x[i] - m) * a + b;
        }
    }
}

static void
group_norm_run (const FmNode *node,
                FmRunCtx     *rc)
{
  const FmGroupNormParams *p = node->params;
  NormJob job = {
    p, FM_IN_F (rc, node, 0), FM_IN_F (rc, node, 1), FM_IN_F (rc, node, 2),
    FM_OUT_F (rc, node, 0), NULL, NULL
  };

  fm_threads_parallel_for (rc->threads, p->rows, MAX (32768 / MAX (p->row, 1), 1),
                           group_norm_rows, &job);
}

static const char * const instance_normalization_attributes[] = { "epsilon", NULL };
static const char * const group_normalization_attributes[] = {
  "epsilon", "num_groups", "stash_type", NULL
};

const FmOpInfo fm_op_instance_normalization = {
  "InstanceNormalization", instance_normalization_attributes,
  group_norm_prepare, group_norm_run
};

const FmOpInfo fm_op_group_normalization = {
  "GroupNormalization", group_normalization_attributes,
  group_norm_prepare, group_norm_run
};

/* LayerNormalization: x is [rows, row] with row the dims from axis on;
 * Scale and B are read through a walk over those dims. */

typedef struct
{
  gint64   rows, row;
  FmWalk   walk;        /* the normalised dims: Scale (0) and B (1) */
  gboolean has_bias;
  double   epsilon;
} FmLayerNormParams;

/* Input @i (@what), broadcast to @norm: its strides against it. */
static gboolean
layer_norm_broadcast (FmOpContext   *ctx,
                      guint          i,
                      const char    *what,
                      const FmShape *norm,
                      gint64        *strides,
                      GError       **error)
{
  FmValue *v = fm_op_input (ctx, i);
  gboolean ok;

  if (!fm_op_check_input (ctx, i, FM_DTYPE_FLOAT, -1, error))
    return FALSE;
  ok = v->shape.rank <= norm->rank;
  for (int d = 0; ok && d < v->shape.rank; d++)
    {
      gint64 want = norm->dims[norm->rank - v->shape.rank + d];

      ok = v->shape.dims[d] == want || v->shape.dims[d] == 1;
    }
  if (!ok)
    {
      g_autofree char *vs = fm_shape_to_string (&v->shape);
      g_autofree char *ns = fm_shape_to_string (norm);

      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         /* Translators: an input name (“Scale” or “B”, not translated),
                            its shape and the shape of the normalised dims of X. */
                         _("%s has shape %s, which does not broadcast to %s"),
                         what, vs, ns);
    }
  fm_broadcast_strides (&v->shape, norm, strides);
  return TRUE;
}

static gboolean
layer_norm_prepare (FmOpContext  *ctx,
                    GError      **error)
{
  FmValue *x;
  FmLayerNormParams *p;
  FmShape norm, stats;
  gint64 axis, strides[2][FM_MAX_RANK] = { { 0 } };
  float epsilon;
  int ax;

  x = fm_op_float_x (ctx, 2, 3, -1, error);
  if (x == NULL ||
      !fm_op_attr_int (ctx, "axis", -1, &axis, error) ||
      !fm_op_attr_float (ctx, "epsilon", 1e-5f, &epsilon, error) ||
      !norm_stash_type (ctx, error) ||
      !fm_op_norm_axis (ctx, axis, x->shape.rank, "axis", &ax, error))
    return FALSE;

  p = fm_op_new_params (ctx, sizeof *p);
  p->rows = 1;
  norm.rank = 0;
  stats = x->shape;
  for (int d = 0; d < x->shape.rank; d++)
    {
      if (d < ax)
        p->rows *= x->shape.dims[d];
      else
        {
          norm.dims[norm.rank++] = x->shape.dims[d];
          stats.dims[d] = 1;
        }
    }
  p->row = x->shape.dims[ax];
  for (int d = ax + 1; d < x->shape.rank; d++)
    p->row *= x->shape.dims[d];
  p->has_bias = fm_op_input (ctx, 2) != NULL;
  if (!layer_norm_broadcast (ctx, 1, "Scale", &norm, strides[0], error) ||
      (p->has_bias &&
       !layer_norm_broadcast (ctx, 2, "B", &norm, strides[1], error)))
    return FALSE;
  fm_walk_init (&p->walk, &norm, 2, strides);
  p->epsilon = epsilon;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &x->shape);
  fm_op_set_output (ctx, 1, FM_DTYPE_FLOAT, &stats);
  fm_op_set_output (ctx, 2, FM_DTYPE_FLOAT, &stats);
  return TRUE;
}

static void
layer_norm_rows (gpointer data,
                 gint64   begin,
                 gint64   end)
{
  const NormJob *job = data;
  const FmLayerNormParams *p = job->p;
  const FmWalk *w = &p->walk;
  gint64 n = w->dims[w->rank - 1];
  gint64 s0 = w->strides[0][w->rank - 1], s1 = w->strides[1][w->rank - 1];

  for (gint64 r = begin; r < end; r++)
    {
      const float *x = job->x + r * p->row;  /* [row] */
      float *y = job->y + r * p->row;        /* [row] */
      gint64 idx[FM_MAX_RANK] = { 0 }, off[2] = { 0, 0 };
      double mean, inv_std;
      float m, is;

      norm_stats (x, p->row, p->epsilon, &mean, &inv_std);
      if (job->mean != NULL)
        job->mean[r] = (float) mean;
      if (job->inv_std != NULL)
        job->inv_std[r] = (float) inv_std;
      if (p->row == 0)
        continue;
      m = (float) mean;
      is = (float) inv_std;
      do
        {
          const float *sc = job->scale + off[0];

          if (job->bias != NULL)
            for (gint64 i = 0; i < n; i++)
              y[i] = (x[i] - m) * is * sc[i * s0] + job->bias[off[1] + i * s1];
          else
            for (gint64 i = 0; i < n; i++)
              y[i] = (x[i] - m) * is * sc[i * s0];
          x += n;
          y += n;
        }
      while (fm_walk_next (w, idx, off, 2));
    }
}

static void
layer_norm_run (const FmNode *node,
                FmRunCtx     *rc)
{
  const FmLayerNormParams *p = node->params;
  NormJob job = {
    p, FM_IN_F (rc, node, 0), FM_IN_F (rc, node, 1),
    p->has_bias ? FM_IN_F (rc, node, 2) : NULL, FM_OUT_F (rc, node, 0),
    node->n_outputs > 1 && node->outputs[1] != -1 ? FM_OUT_F (rc, node, 1) : NULL,
    node->n_outputs > 2 && node->outputs[2] != -1 ? FM_OUT_F (rc, node, 2) : NULL,
  };

  fm_threads_parallel_for (rc->threads, p->rows, MAX (32768 / MAX (p->row, 1), 1),
                           layer_norm_rows, &job);
}

static const char * const layer_normalization_attributes[] = {
  "axis", "epsilon", "stash_type", NULL
};

const FmOpInfo fm_op_layer_normalization = {
  "LayerNormalization", layer_normalization_attributes,
  layer_norm_prepare, layer_norm_run
};
