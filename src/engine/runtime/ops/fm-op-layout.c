/* fm-op-layout.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ops that move data without arithmetic, on float and int64: Flatten,
 * Reshape (0 copies a dim unless allowzero, one -1 inferred), Transpose,
 * Squeeze, Unsqueeze (axes as attribute before opset 13, as constant input
 * from 13), Identity, Dropout (identity at inference; its optional mask is
 * all true) and Expand (numpy broadcast to a constant shape). Shapes given
 * as inputs must be known at load.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

/* Output @out of the same size as the input: plain copy. */
static gboolean
finish_copy (FmOpContext    *ctx,
             const FmValue  *x,
             const FmShape  *out,
             GError        **error)
{
  gsize a, b;

  if (!fm_op_numel (ctx, &x->shape, &a, error) ||
      !fm_op_numel (ctx, out, &b, error))
    return FALSE;
  if (a != b)
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      g_autofree char *os = fm_shape_to_string (out);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         /* Translators: the input shape and its element count, then the
                            target shape and its element count. */
                         _("cannot reshape %s (%zu elements) to %s (%zu elements)"),
                         xs, a, os, b);
    }
  if (!fm_op_set_copy_params (ctx, &x->shape, x->dtype, error))
    return FALSE;
  fm_op_set_output (ctx, 0, x->dtype, out);
  return TRUE;
}

/* Flatten */

static gboolean
flatten_prepare (FmOpContext  *ctx,
                 GError      **error)
{
  FmValue *x;
  FmShape out = { 2, { 1, 1 } };
  gint64 axis;
  int ax;

  x = fm_op_numeric_x (ctx, 1, 1, error);
  if (x == NULL ||
      !fm_op_attr_int (ctx, "axis", 1, &axis, error) ||
      !fm_op_norm_split_axis (ctx, axis, x->shape.rank, &ax, error))
    return FALSE;
  for (int d = 0; d < x->shape.rank; d++)
    out.dims[d < ax ? 0 : 1] *= x->shape.dims[d];
  return finish_copy (ctx, x, &out, error);
}

static const char * const axis_attributes[] = { "axis", NULL };

const FmOpInfo fm_op_flatten = {
  "Flatten", axis_attributes, flatten_prepare, fm_op_copy_run
};

/* Reshape */

static gboolean
reshape_prepare (FmOpContext  *ctx,
                 GError      **error)
{
  FmValue *x;
  FmShape out;
  gint64 s[FM_MAX_RANK], allowzero;
  guint n;
  gsize known = 1;
  int infer = -1;
  gboolean has_zero = FALSE;
  gsize numel;

  x = fm_op_numeric_x (ctx, 2, 2, error);
  if (x == NULL ||
      !fm_op_attr_int (ctx, "allowzero", 0, &allowzero, error))
    return FALSE;
  if (!fm_op_const_ints (ctx, 1, "shape", s, FM_MAX_RANK, &n, error) ||
      !fm_op_numel (ctx, &x->shape, &numel, error))
    return FALSE;
  out.rank = (int) n;
  for (int i = 0; i < out.rank; i++)
    {
      gint64 v = s[i];

      if (v == 0 && !allowzero)
        {
          if (i >= x->shape.rank)
            return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                               _("shape[%d] is 0 (copy) but the input has rank %d"),
                               i, x->shape.rank);
          v = x->shape.dims[i];
        }
      else if (v == 0)
        has_zero = TRUE;
      if (v == -1)
        {
          if (infer >= 0)
            return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                               _("shape has more than one -1"));
          infer = i;
          v = 1;
        }
      else if (v < 0)
        return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                           _("shape[%d] is %" PRId64), i, v);
      out.dims[i] = v;
      if (!g_size_checked_mul (&known, known, (gsize) v))
        return fm_op_fail (ctx, error, FM_ERROR_LIMIT, _("shape is too large"));
    }
  if (infer >= 0)
    {
      if (has_zero || known == 0 || numel % known != 0)
        {
          g_autofree char *xs = fm_shape_to_string (&x->shape);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             /* Translators: -1 is the Reshape placeholder for “whatever is
                                left”; %s is the input shape, %zu the product of the other
                                target dimensions. */
                             _("cannot infer -1 when reshaping %s to a shape of "
                               "%zu known elements"), xs, known);
        }
      out.dims[infer] = (gint64) (numel / known);
    }
  return finish_copy (ctx, x, &out, error);
}

static const char * const reshape_attributes[] = { "allowzero", NULL };

const FmOpInfo fm_op_reshape = {
  "Reshape", reshape_attributes, reshape_prepare, fm_op_copy_run
};

/* Identity */

static gboolean
identity_prepare (FmOpContext  *ctx,
                  GError      **error)
{
  FmValue *x;

  x = fm_op_numeric_x (ctx, 1, 1, error);
  if (x == NULL)
    return FALSE;
  return finish_copy (ctx, x, &x->shape, error);
}

static const char * const no_attributes[] = { NULL };

const FmOpInfo fm_op_identity = {
  "Identity", no_attributes, identity_prepare, fm_op_copy_run
};

/* Dropout */

typedef struct
{
  gsize nbytes;
  gsize mask_numel;   /* 0 without a mask output */
} FmDropoutParams;

static gboolean
dropout_prepare (FmOpContext  *ctx,
                 GError      **error)
{
  FmValue *x;
  FmDropoutParams *p;
  gsize numel;
  float ratio;
  gint64 is_test;

  /* is_test (opset 6) is read and not obeyed: whatever it says, a pass
   * here is inference, and Dropout is the identity. */
  x = fm_op_numeric_x (ctx, 1, 3, error);
  if (x == NULL ||
      !fm_op_attr_float (ctx, "ratio", 0.5f, &ratio, error) ||
      !fm_op_legacy_attr_int (ctx, "is_test", 1, &is_test, error))
    return FALSE;
  if (fm_op_input (ctx, 2) != NULL)
    {
      const FmConstTensor *t;

      t = fm_op_const_input (ctx, 2, FM_DTYPE_INT64, "training_mode", error);
      if (t == NULL)
        return FALSE;
      if (t->numel != 1 || ((const gint64 *) t->data)[0] != 0)
        return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                           _("training_mode true is not supported (inference only)"));
    }
  if (!fm_op_numel (ctx, &x->shape, &numel, error))
    return FALSE;
  p = fm_op_new_params (ctx, sizeof *p);
  p->nbytes = numel * fm_dtype_size (x->dtype);
  fm_op_set_output (ctx, 0, x->dtype, &x->shape);
  if (ctx->node->n_outputs > 1 && ctx->node->outputs[1] != -1)
    {
      p->mask_numel = numel;
      fm_op_set_output (ctx, 1, FM_DTYPE_INT64, &x->shape);
    }
  return TRUE;
}

static void
dropout_run (const FmNode *node,
             FmRunCtx     *rc)
{
  const FmDropoutParams *p = node->params;

  if (rc->ptrs[node->outputs[0]] != rc->ptrs[node->inputs[0]] && p->nbytes > 0)
    memcpy (rc->ptrs[node->outputs[0]], rc->ptrs[node->inputs[0]], p->nbytes);
  if (p->mask_numel > 0)
    {
      gint64 *mask = FM_OUT_I (rc, node, 1);

      for (gsize i = 0; i < p->mask_numel; i++)
        mask[i] = 1;
    }
}

static const char * const dropout_attributes[] = { "ratio", "seed", "is_test", NULL };

const FmOpInfo fm_op_dropout = {
  "Dropout", dropout_attributes, dropout_prepare, dropout_run
};

/* Squeeze / Unsqueeze: axes from the attribute (opset < 13) or input 1. */

static gboolean
read_axes (FmOpContext  *ctx,
           gboolean      required,
           gint64       *axes,
           guint        *n_axes,
           gboolean     *present,
           GError      **error)
{
  *n_axes = 0;
  *present = FALSE;
  if (ctx->node->opset < 13)
    {
      if (!fm_op_attr_ints (ctx, "axes", axes, FM_MAX_RANK, n_axes, error))
        return FALSE;
      *present = fm_op_attr (ctx, "axes") != NULL;
      if (ctx->node->n_inputs > 1)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("axes is an attribute before opset 13, not an input"));
    }
  else
    {
      const FmConstTensor *t;

      if (fm_op_attr (ctx, "axes") != NULL)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("axes is an input from opset 13, not an attribute"));
      if (fm_op_input (ctx, 1) != NULL)
        {
          t = fm_op_const_input (ctx, 1, FM_DTYPE_INT64, "axes", error);
          if (t == NULL)
            return FALSE;
          if (t->shape.rank > 1 || t->numel > FM_MAX_RANK)
            return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                               _("axes must be 1-D with at most %d values"), FM_MAX_RANK);
          memcpy (axes, t->data, t->numel * sizeof (gint64));
          *n_axes = t->numel;
          *present = TRUE;
        }
    }
  if (required && !*present)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("axes are required"));
  return TRUE;
}

static gboolean
squeeze_prepare (FmOpContext  *ctx,
                 GError      **error)
{
  FmValue *x;
  FmShape out;
  gint64 axes[FM_MAX_RANK];
  gboolean drop[FM_MAX_RANK] = { FALSE };
  gboolean present;
  guint n_axes;

  x = fm_op_numeric_x (ctx, 1, 2, error);
  if (x == NULL ||
      !read_axes (ctx, FALSE, axes, &n_axes, &present, error))
    return FALSE;
  if (!present)
    {
      for (int d = 0; d < x->shape.rank; d++)
        drop[d] = x->shape.dims[d] == 1;
    }
  for (guint i = 0; i < n_axes; i++)
    {
      int ax;

      if (!fm_op_norm_axis (ctx, axes[i], x->shape.rank, "axes value", &ax, error))
        return FALSE;
      if (x->shape.dims[ax] != 1)
        {
          g_autofree char *xs = fm_shape_to_string (&x->shape);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             _("cannot squeeze axis %d of shape %s: its size is not 1"),
                             ax, xs);
        }
      drop[ax] = TRUE;
    }
  out.rank = 0;
  for (int d = 0; d < x->shape.rank; d++)
    if (!drop[d])
      out.dims[out.rank++] = x->shape.dims[d];
  return finish_copy (ctx, x, &out, error);
}

static gboolean
unsqueeze_prepare (FmOpContext  *ctx,
                   GError      **error)
{
  FmValue *x;
  FmShape out;
  gint64 axes[FM_MAX_RANK];
  gboolean add[FM_MAX_RANK] = { FALSE };
  gboolean present;
  guint n_axes;
  int r, k = 0;

  x = fm_op_numeric_x (ctx, 1, 2, error);
  if (x == NULL ||
      !read_axes (ctx, TRUE, axes, &n_axes, &present, error))
    return FALSE;
  r = x->shape.rank + (int) n_axes;
  if (r > FM_MAX_RANK)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                       _("output rank %d is above %d"), r, FM_MAX_RANK);
  for (guint i = 0; i < n_axes; i++)
    {
      int ax;

      if (!fm_op_norm_axis (ctx, axes[i], r, "axes value", &ax, error))
        return FALSE;
      if (add[ax])
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("axis %d is repeated"), ax);
      add[ax] = TRUE;
    }
  out.rank = r;
  for (int d = 0; d < r; d++)
    out.dims[d] = add[d] ? 1 : x->shape.dims[k++];
  return finish_copy (ctx, x, &out, error);
}

static const char * const axes_attributes[] = { "axes", NULL };

const FmOpInfo fm_op_squeeze = {
  "Squeeze", axes_attributes, squeeze_prepare, fm_op_copy_run
};

const FmOpInfo fm_op_unsqueeze = {
  "Unsqueeze", axes_attributes, unsqueeze_prepare, fm_op_copy_run
};

/* Transpose and Expand: a strided walk over one input
 * (fm_op_set_walk_params()). */

static gboolean
transpose_prepare (FmOpContext  *ctx,
                   GError      **error)
{
  FmValue *x;
  FmShape out;
  gint64 perm[FM_MAX_RANK], in_strides[FM_MAX_RANK], strides[1][FM_MAX_RANK];
  gboolean seen[FM_MAX_RANK] = { FALSE };
  guint n_perm;

  x = fm_op_numeric_x (ctx, 1, 1, error);
  if (x == NULL ||
      !fm_op_attr_ints (ctx, "perm", perm, FM_MAX_RANK, &n_perm, error))
    return FALSE;
  if (fm_op_attr (ctx, "perm") == NULL)
    {
      n_perm = x->shape.rank;
      for (int d = 0; d < x->shape.rank; d++)
        perm[d] = x->shape.rank - 1 - d;
    }
  if (n_perm != (guint) x->shape.rank)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("perm has %u values but the input has rank %d"),
                       n_perm, x->shape.rank);
  fm_shape_strides (&x->shape, in_strides);
  out.rank = x->shape.rank;
  for (int d = 0; d < out.rank; d++)
    {
      if (perm[d] < 0 || perm[d] >= out.rank || seen[perm[d]])
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("perm is not a permutation of 0..%d"), out.rank - 1);
      seen[perm[d]] = TRUE;
      out.dims[d] = x->shape.dims[perm[d]];
      strides[0][d] = in_strides[perm[d]];
    }
  return fm_op_set_walk_params (ctx, x, &out, &out, strides, error);
}

static const char * const perm_attributes[] = { "perm", NULL };

const FmOpInfo fm_op_transpose = {
  "Transpose", perm_attributes, transpose_prepare, fm_op_walk_run
};

static gboolean
expand_prepare (FmOpContext  *ctx,
                GError      **error)
{
  FmValue *x;
  FmShape target, out;
  gint64 strides[1][FM_MAX_RANK];
  guint n;

  x = fm_op_numeric_x (ctx, 2, 2, error);
  if (x == NULL)
    return FALSE;
  if (!fm_op_const_ints (ctx, 1, "shape", target.dims, FM_MAX_RANK, &n, error))
    return FALSE;
  target.rank = (int) n;
  if (!fm_shape_broadcast (&x->shape, &target, &out))
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      g_autofree char *ts = fm_shape_to_string (&target);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("input of shape %s cannot be expanded to %s"), xs, ts);
    }
  fm_broadcast_strides (&x->shape, &out, strides[0]);
  return fm_op_set_walk_params (ctx, x, &out, &out, strides, error);
}

const FmOpInfo fm_op_expand = {
  "Expand", no_attributes, expand_prepare, fm_op_walk_run
};
