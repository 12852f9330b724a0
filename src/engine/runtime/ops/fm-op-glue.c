/* fm-op-glue.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shape glue of exported models, normally folded at load: Shape
 * (start/end), Size, Gather (constant indices), Concat, Cast, Slice (attributes
 * before opset 10, constant inputs from 10), Constant and ConstantOfShape.
 * Every run here handles float and int64. Cast maps float targets to float
 * and integer/BOOL targets to int64 (truncating toward zero; narrower
 * integer types are not wrapped). Non-constant shape inputs are refused.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

/* Shape: output made in prepare. */

static gboolean
shape_prepare (FmOpContext  *ctx,
               GError      **error)
{
  FmValue *x;
  FmConstTensor *t;
  FmShape out = { 1, { 0 } };
  gint64 start, end;
  int r;

  if (!fm_op_check_n_inputs (ctx, 1, 1, error) ||
      !fm_op_attr_int (ctx, "start", 0, &start, error) ||
      !fm_op_attr_int (ctx, "end", G_MAXINT64, &end, error))
    return FALSE;
  x = fm_op_input (ctx, 0);
  r = x->shape.rank;
  if (start < 0)
    start += r;
  if (end < 0)
    end += r;
  start = CLAMP (start, 0, r);
  end = CLAMP (end, 0, r);
  out.dims[0] = MAX (0, end - start);
  t = fm_const_tensor_new (FM_DTYPE_INT64, &out, error);
  if (t == NULL)
    return FALSE;
  for (gint64 i = 0; i < out.dims[0]; i++)
    ((gint64 *) t->data)[i] = x->shape.dims[start + i];
  fm_op_set_output_const (ctx, 0, t);
  return TRUE;
}

static const char * const shape_attributes[] = { "start", "end", NULL };

const FmOpInfo fm_op_shape = { "Shape", shape_attributes, shape_prepare, fm_op_nothing_run };

/* Size: the input's element count, an int64 scalar made in prepare. */

static gboolean
size_prepare (FmOpContext  *ctx,
              GError      **error)
{
  const FmShape scalar = { 0, { 0 } };
  FmConstTensor *t;

  if (!fm_op_check_n_inputs (ctx, 1, 1, error))
    return FALSE;
  t = fm_const_tensor_new (FM_DTYPE_INT64, &scalar, error);
  if (t == NULL)
    return FALSE;
  *(gint64 *) t->data = (gint64) fm_op_input (ctx, 0)->numel;
  fm_op_set_output_const (ctx, 0, t);
  return TRUE;
}

static const char * const size_attributes[] = { NULL };

const FmOpInfo fm_op_size = { "Size", size_attributes, size_prepare, fm_op_nothing_run };

/* Gather with indices known at load. */

typedef struct
{
  gint64  outer, axis_dim, inner, n_idx;
  gsize   elem_size;
  gint64  idx[];       /* [n_idx], normalised to [0, axis_dim) */
} FmGatherParams;

static gboolean
gather_prepare (FmOpContext  *ctx,
                GError      **error)
{
  const FmConstTensor *it;
  FmValue *x;
  FmDType dtype;
  FmGatherParams *p;
  FmShape out;
  gint64 axis;
  int ax;

  x = fm_op_numeric_x (ctx, 2, 2, error);
  if (x == NULL || !fm_op_attr_int (ctx, "axis", 0, &axis, error))
    return FALSE;
  dtype = x->dtype;
  it = fm_op_const_input (ctx, 1, FM_DTYPE_INT64, "indices", error);
  if (it == NULL ||
      !fm_op_norm_axis (ctx, axis, x->shape.rank, "axis", &ax, error))
    return FALSE;
  if (x->shape.rank - 1 + it->shape.rank > FM_MAX_RANK)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT, _("output rank is above %d"), FM_MAX_RANK);

  p = fm_op_new_params (ctx, sizeof *p + it->numel * sizeof (gint64));
  p->outer = p->inner = 1;
  p->axis_dim = x->shape.dims[ax];
  p->elem_size = fm_dtype_size (dtype);
  p->n_idx = it->numel;
  for (gsize i = 0; i < it->numel; i++)
    {
      gint64 v = ((const gint64 *) it->data)[i];

      if (v < -p->axis_dim || v >= p->axis_dim)
        return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                           _("index %" PRId64 " is out of range for axis %d of size %"
                             PRId64), v, ax, p->axis_dim);
      p->idx[i] = v < 0 ? v + p->axis_dim : v;
    }
  out.rank = 0;
  for (int d = 0; d < x->shape.rank; d++)
    {
      if (d < ax)
        {
          p->outer *= x->shape.dims[d];
          out.dims[out.rank++] = x->shape.dims[d];
        }
      else if (d == ax)
        {
          for (int k = 0; k < it->shape.rank; k++)
            out.dims[out.rank++] = it->shape.dims[k];
        }
      else
        {
          p->inner *= x->shape.dims[d];
          out.dims[out.rank++] = x->shape.dims[d];
        }
    }
  if (!fm_op_numel (ctx, &out, &(gsize) { 0 }, error))
    return FALSE;
  fm_op_set_output (ctx, 0, dtype, &out);
  return TRUE;
}

static void
gather_run (const FmNode *node,
            FmRunCtx     *rc)
{
  const FmGatherParams *p = node->params;
  const guint8 *x = rc->ptrs[node->inputs[0]];   /* [outer, axis_dim, inner] */
  guint8 *y = rc->ptrs[node->outputs[0]];        /* [outer, n_idx, inner] */
  gsize row = p->inner * p->elem_size;

  for (gint64 o = 0; o < p->outer; o++)
    for (gint64 j = 0; j < p->n_idx; j++)
      {
        memcpy (y, x + (o * p->axis_dim + p->idx[j]) * row, row);
        y += row;
      }
}

static const char * const axis_attributes[] = { "axis", NULL };

const FmOpInfo fm_op_gather = { "Gather", axis_attributes, gather_prepare, gather_run };

/* Concat */

typedef struct
{
  gint64  outer;
  guint   n;
  gsize   chunk[];    /* [n] bytes per outer step of each input */
} FmConcatParams;

static gboolean
concat_prepare (FmOpContext  *ctx,
                GError      **error)
{
  FmValue *x0;
  FmDType dtype;
  FmConcatParams *p;
  FmShape out;
  gint64 axis, inner = 1;
  int ax;
  guint n = ctx->node->n_inputs;

  x0 = fm_op_numeric_x (ctx, 1, G_MAXUINT, error);
  if (x0 == NULL || !fm_op_attr_int (ctx, "axis", G_MININT64, &axis, error))
    return FALSE;
  if (axis == G_MININT64)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("attribute 'axis' is required"));
  dtype = x0->dtype;
  if (!fm_op_norm_axis (ctx, axis, x0->shape.rank, "axis", &ax, error))
    return FALSE;

  p = fm_op_new_params (ctx, sizeof *p + n * sizeof (gsize));
  p->n = n;
  p->outer = 1;
  for (int d = 0; d < ax; d++)
    p->outer *= x0->shape.dims[d];
  for (int d = ax + 1; d < x0->shape.rank; d++)
    inner *= x0->shape.dims[d];
  out = x0->shape;
  out.dims[ax] = 0;
  for (guint i = 0; i < n; i++)
    {
      FmValue *v = fm_op_input (ctx, i);
      gboolean ok;

      if (v == NULL)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("input %u is missing"), i);
      ok = v->dtype == dtype && v->shape.rank == x0->shape.rank;
      for (int d = 0; ok && d < x0->shape.rank; d++)
        if (d != ax && v->shape.dims[d] != x0->shape.dims[d])
          ok = FALSE;
      if (!ok)
        {
          g_autofree char *s0 = fm_shape_to_string (&x0->shape);
          g_autofree char *si = fm_shape_to_string (&v->shape);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             _("input %u ('%s') has shape %s %s, which cannot be joined on axis %d "
                               "to input 0 of shape %s %s"), i, v->name, si,
                             fm_dtype_name (v->dtype), ax, s0, fm_dtype_name (dtype));
        }
      out.dims[ax] += v->shape.dims[ax];
      p->chunk[i] = v->shape.dims[ax] * inner * fm_dtype_size (dtype);
    }
  if (!fm_op_numel (ctx, &out, &(gsize) { 0 }, error))
    return FALSE;
  fm_op_set_output (ctx, 0, dtype, &out);
  return TRUE;
}

static void
concat_run (const FmNode *node,
            FmRunCtx     *rc)
{
  const FmConcatParams *p = node->params;
  guint8 *y = rc->ptrs[node->outputs[0]];

  for (gint64 o = 0; o < p->outer; o++)
    for (guint i = 0; i < p->n; i++)
      {
        const guint8 *x = rc->ptrs[node->inputs[i]];

        memcpy (y, x + o * p->chunk[i], p->chunk[i]);
        y += p->chunk[i];
      }
}

const FmOpInfo fm_op_concat = { "Concat", axis_attributes, concat_prepare, concat_run };

/* Cast */

typedef struct
{
  FmDType  from, to;
  gboolean to_bool;
  int      target;   /* FM_ONNX_FLOAT16 / BFLOAT16 round the values */
  gsize    numel;
} FmCastParams;

static gboolean
cast_prepare (FmOpContext  *ctx,
              GError      **error)
{
  FmValue *x;
  FmCastParams *p;
  FmDType to;
  gint64 target, saturate;

  x = fm_op_numeric_x (ctx, 1, 1, error);
  if (x == NULL ||
      !fm_op_attr_int (ctx, "to", -1, &target, error) ||
      !fm_op_attr_int (ctx, "saturate", 1, &saturate, error))
    return FALSE;
  switch (target)
    {
    case FM_ONNX_FLOAT:
    case FM_ONNX_FLOAT16:
    case FM_ONNX_DOUBLE:
    case FM_ONNX_BFLOAT16:
      to = FM_DTYPE_FLOAT;
      break;
    case FM_ONNX_UINT8:
    case FM_ONNX_INT8:
    case FM_ONNX_UINT16:
    case FM_ONNX_INT16:
    case FM_ONNX_INT32:
    case FM_ONNX_INT64:
    case FM_ONNX_UINT32:
    case FM_ONNX_UINT64:
    case FM_ONNX_BOOL:
      to = FM_DTYPE_INT64;
      break;
    default:
      return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                         _("cast to data type %" PRId64 " is not supported"), target);
    }
  p = fm_op_new_params (ctx, sizeof *p);
  p->from = x->dtype;
  p->to = to;
  p->to_bool = target == FM_ONNX_BOOL;
  p->target = (int) target;
  if (!fm_op_numel (ctx, &x->shape, &p->numel, error))
    return FALSE;
  fm_op_set_output (ctx, 0, to, &x->shape);
  return TRUE;
}

static inline gint64
float_to_int64 (float v)
{
  if (isnan (v))
    return 0;
  if (v >= 9.2233720368547758e18f)
    return G_MAXINT64;
  if (v <= -9.2233720368547758e18f)
    return G_MININT64;
  return (gint64) v;
}

/* @v as the integer type @target holds it (kept in int64): wrapped to its
 * width, as numpy's astype () and C's conversions to unsigned do (300 ->
 * uint8 44, int8 44; 65520 -> int16 -16). */
static inline gint64
wrap_to (gint64 v,
         int    target)
{
  guint64 u = (guint64) v;

  switch (target)
    {
    case FM_ONNX_UINT8:
      return (gint64) (u & 0xff);
    case FM_ONNX_INT8:
      return (gint64) ((u & 0xff) ^ 0x80) - 0x80;
    case FM_ONNX_UINT16:
      return (gint64) (u & 0xffff);
    case FM_ONNX_INT16:
      return (gint64) ((u & 0xffff) ^ 0x8000) - 0x8000;
    case FM_ONNX_UINT32:
      return (gint64) (u & 0xffffffff);
    case FM_ONNX_INT32:
      return (gint64) ((u & 0xffffffff) ^ 0x80000000) - 0x80000000;
    default:   /* int64, uint64 (its bits) */
      return v;
    }
}

static void
cast_run (const FmNode *node,
          FmRunCtx     *rc)
{
  const FmCastParams *p = node->params;
  gconstpointer src = rc->ptrs[node->inputs[0]];
  gpointer dst = rc->ptrs[node->outputs[0]];

  if (p->to == FM_DTYPE_FLOAT)
    {
      float *out = dst;

      if (p->from == FM_DTYPE_FLOAT)
        memmove (dst, src, p->numel * sizeof (float));
      else
        for (gsize i = 0; i < p->numel; i++)
          out[i] = (float) ((const gint64 *) src)[i];
      if (p->target == FM_ONNX_FLOAT16)
        for (gsize i = 0; i < p->numel; i++)
          out[i] = fm_round_to_half (out[i]);
      else if (p->target == FM_ONNX_BFLOAT16)
        for (gsize i = 0; i < p->numel; i++)
          out[i] = fm_round_to_bfloat16 (out[i]);
    }
  else if (p->from == FM_DTYPE_FLOAT)
    {
      for (gsize i = 0; i < p->numel; i++)
        {
          float v = ((const float *) src)[i];
          ((gint64 *) dst)[i] = p->to_bool ? v != 0.0f : wrap_to (float_to_int64 (v), p->target);
        }
    }
  else
    {
      for (gsize i = 0; i < p->numel; i++)
        {
          gint64 v = ((const gint64 *) src)[i];
          ((gint64 *) dst)[i] = p->to_bool ? v != 0 : wrap_to (v, p->target);
        }
    }
}

static const char * const cast_attributes[] = { "to", "saturate", NULL };

const FmOpInfo fm_op_cast = { "Cast", cast_attributes, cast_prepare, cast_run };

/* Slice */

typedef struct
{
  FmWalk walk;
  gint64 base;          /* element offset of the first output element */
  gsize  elem_size;
} FmSliceParams;

/* Slice's starts, ends, axes and steps, as attributes or inputs. */
typedef struct
{
  gint64   starts[FM_MAX_RANK], ends[FM_MAX_RANK], axes[FM_MAX_RANK], steps[FM_MAX_RANK];
  guint    n_starts, n_ends, n_axes, n_steps;
  gboolean has_axes;
} SliceArgs;

/* Reads @a: attributes before opset 10, constant inputs from 10; all of
 * one length, at most the rank of @x. */
static gboolean
slice_read_args (FmOpContext    *ctx,
                 const FmValue  *x,
                 SliceArgs      *a,
                 GError        **error)
{
  if (ctx->node->opset < 10)
    {
      if (!fm_op_check_n_inputs (ctx, 1, 1, error) ||
          !fm_op_attr_ints (ctx, "starts", a->starts, FM_MAX_RANK, &a->n_starts, error) ||
          !fm_op_attr_ints (ctx, "ends", a->ends, FM_MAX_RANK, &a->n_ends, error) ||
          !fm_op_attr_ints (ctx, "axes", a->axes, FM_MAX_RANK, &a->n_axes, error))
        return FALSE;
      a->has_axes = fm_op_attr (ctx, "axes") != NULL;
    }
  else
    {
      if (fm_op_attr (ctx, "starts") || fm_op_attr (ctx, "ends") || fm_op_attr (ctx, "axes"))
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("starts, ends and axes are inputs from opset 10, not attributes"));
      if (!fm_op_check_n_inputs (ctx, 3, 5, error) ||
          !fm_op_const_ints (ctx, 1, "starts", a->starts, FM_MAX_RANK, &a->n_starts, error) ||
          !fm_op_const_ints (ctx, 2, "ends", a->ends, FM_MAX_RANK, &a->n_ends, error))
        return FALSE;
      a->has_axes = fm_op_input (ctx, 3) != NULL;
      if (a->has_axes &&
          !fm_op_const_ints (ctx, 3, "axes", a->axes, FM_MAX_RANK, &a->n_axes, error))
        return FALSE;
      if (fm_op_input (ctx, 4) != NULL &&
          !fm_op_const_ints (ctx, 4, "steps", a->steps, FM_MAX_RANK, &a->n_steps, error))
        return FALSE;
    }
  if (a->n_ends != a->n_starts || (a->has_axes && a->n_axes != a->n_starts) ||
      (a->n_steps != 0 && a->n_steps != a->n_starts) || a->n_starts > (guint) x->shape.rank)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("starts, ends, axes and steps must have the same length, "
                         "at most the rank %d"),
                       x->shape.rank);
  return TRUE;
}

/* Slice @i of @a on its axis of @x: the output dim in @out, the first
 * index and the step in @start_d and @step_d; @seen catches a repeat. */
static gboolean
slice_axis (FmOpContext      *ctx,
            const FmValue    *x,
            const SliceArgs  *a,
            guint             i,
            FmShape          *out,
            gint64           *start_d,
            gint64           *step_d,
            gboolean         *seen,
            GError          **error)
{
  gint64 step = a->n_steps ? a->steps[i] : 1;
  gint64 dim, magnitude, span, s = a->starts[i], e = a->ends[i];
  int ax;

  if (!fm_op_norm_axis (ctx, a->has_axes ? a->axes[i] : (gint64) i, x->shape.rank,
                        "axes value", &ax, error))
    return FALSE;
  if (seen[ax])
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("axis %d is repeated"), ax);
  seen[ax] = TRUE;
  if (step == 0)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("steps must not be 0"));
  dim = x->shape.dims[ax];
  /* |step|, which for INT64_MIN is as good as INT64_MAX: any step past
   * the axis takes one element */
  magnitude = step > 0 ? step : step == G_MININT64 ? G_MAXINT64 : -step;
  if (s < 0)
    s += dim;
  if (e < 0)
    e += dim;
  if (step > 0)
    {
      s = CLAMP (s, 0, dim);
      e = CLAMP (e, 0, dim);
    }
  else
    {
      s = CLAMP (s, 0, dim - 1);
      e = CLAMP (e, -1, dim - 1);
    }
  /* ceil (span / |step|), which cannot overflow: span <= dim + 1 */
  span = step > 0 ? e - s : s - e;
  out->dims[ax] = span > 0 ? (span - 1) / magnitude + 1 : 0;
  start_d[ax] = s;
  /* A step past the axis takes one element: the stride is then never
   * used, and the step times a stride could overflow. With two or more,
   * |step| < dim + 1. */
  step_d[ax] = out->dims[ax] > 1 ? step : 1;
  return TRUE;
}

static gboolean
slice_prepare (FmOpContext  *ctx,
               GError      **error)
{
  FmValue *x;
  FmDType dtype;
  FmSliceParams *p;
  FmShape out;
  SliceArgs args = { 0 };
  gint64 in_strides[FM_MAX_RANK], strides[1][FM_MAX_RANK];
  gint64 start_d[FM_MAX_RANK] = { 0 }, step_d[FM_MAX_RANK];
  gboolean seen[FM_MAX_RANK] = { FALSE };

  if (!fm_op_check_numeric (ctx, 0, &dtype, error))
    return FALSE;
  x = fm_op_input (ctx, 0);
  if (!slice_read_args (ctx, x, &args, error))
    return FALSE;

  out = x->shape;
  for (int d = 0; d < x->shape.rank; d++)
    step_d[d] = 1;
  for (guint i = 0; i < args.n_starts; i++)
    if (!slice_axis (ctx, x, &args, i, &out, start_d, step_d, seen, error))
      return FALSE;

  p = fm_op_new_params (ctx, sizeof *p);
  p->elem_size = fm_dtype_size (dtype);
  fm_shape_strides (&x->shape, in_strides);
  for (int d = 0; d < x->shape.rank; d++)
    {
      strides[0][d] = in_strides[d] * step_d[d];
      p->base += start_d[d] * in_strides[d];
    }
  fm_walk_init (&p->walk, &out, 1, strides);
  if (p->walk.numel == 0)
    p->base = 0;
  fm_op_set_output (ctx, 0, dtype, &out);
  return TRUE;
}

static void
slice_run (const FmNode *node,
           FmRunCtx     *rc)
{
  const FmSliceParams *p = node->params;
  const guint8 *x = rc->ptrs[node->inputs[0]];

  fm_walk_copy (&p->walk, x + p->base * p->elem_size, rc->ptrs[node->outputs[0]],
                p->elem_size);
}

static const char * const slice_attributes[] = { "starts", "ends", "axes", NULL };

const FmOpInfo fm_op_slice = { "Slice", slice_attributes, slice_prepare, slice_run };

/* Constant: output made in prepare. */

static FmConstTensor *
constant_from_numbers (FmOpContext      *ctx,
                       const FmOnnxAttribute *a,
                       GError          **error)
{
  FmShape shape = { 0, { 0 } };
  FmConstTensor *t;
  gboolean is_list = g_str_has_suffix (a->name, "s");
  gboolean is_float = g_str_has_prefix (a->name, "value_float");
  GArray *arr = is_float ? a->floats : a->ints;

  if (is_list)
    {
      shape.rank = 1;
      shape.dims[0] = arr != NULL ? arr->len : 0;
    }
  t = fm_const_tensor_new (is_float ? FM_DTYPE_FLOAT : FM_DTYPE_INT64, &shape, error);
  if (t == NULL)
    return NULL;
  if (!is_list && is_float)
    ((float *) t->data)[0] = a->f;
  else if (!is_list)
    ((gint64 *) t->data)[0] = a->i;
  else if (arr != NULL && arr->len > 0)
    memcpy (t->data, arr->data, arr->len * (is_float ? sizeof (float) : sizeof (gint64)));
  return t;
}

/* The tensor of attribute 'value' (@a, of Constant or ConstantOfShape)
 * as a constant; NULL with @error set. */
static FmConstTensor *
value_tensor (FmOpContext            *ctx,
              const FmOnnxAttribute  *a,
              GError                **error)
{
  GError *local = NULL;
  FmConstTensor *t;

  if (a->t == NULL)
    {
      fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("attribute 'value' holds no tensor"));
      return NULL;
    }
  t = fm_onnx_tensor_to_const (a->t, NULL, ctx->max_bytes, &local);
  if (t == NULL)
    {
      fm_op_fail (ctx, error, local->code, _("attribute 'value': %s"), local->message);
      g_error_free (local);
    }
  return t;
}

static gboolean
constant_prepare (FmOpContext  *ctx,
                  GError      **error)
{
  GPtrArray *attrs = ctx->proto->attributes;
  const FmOnnxAttribute *a;
  FmConstTensor *t;

  if (!fm_op_check_n_inputs (ctx, 0, 0, error))
    return FALSE;
  if (attrs == NULL || attrs->len != 1)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("needs exactly one of value, value_float(s), value_int(s)"));
  a = g_ptr_array_index (attrs, 0);
  if (g_strcmp0 (a->name, "value") == 0)
    {
      t = value_tensor (ctx, a, error);
      if (t == NULL)
        return FALSE;
    }
  else if (g_str_has_prefix (a->name, "value_float") ||
           g_str_has_prefix (a->name, "value_int"))
    {
      const char *expect = g_str_has_suffix (a->name, "s") ?
                           (g_str_has_prefix (a->name, "value_float") ? "FLOATS" : "INTS") :
                           (g_str_has_prefix (a->name, "value_float") ? "FLOAT" : "INT");
      int type = g_str_has_suffix (a->name, "s") ?
                 (g_str_has_prefix (a->name, "value_float") ? FM_ONNX_ATTR_FLOATS : FM_ONNX_ATTR_INTS) :
                 (g_str_has_prefix (a->name, "value_float") ? FM_ONNX_ATTR_FLOAT : FM_ONNX_ATTR_INT);

      if (!fm_op_attr_typed (ctx, a->name, type, expect, &a, error))
        return FALSE;
      t = constant_from_numbers (ctx, a, error);
      if (t == NULL)
        return FALSE;
    }
  else
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("attribute '%s' is not supported "
                         "(only value, value_float(s), value_int(s))"),
                       a->name);
  fm_op_set_output_const (ctx, 0, t);
  return TRUE;
}

static const char * const constant_attributes[] = {
  "value", "value_float", "value_floats", "value_int", "value_ints",
  "sparse_value", "value_string", "value_strings", NULL
};

const FmOpInfo fm_op_constant = {
  "Constant", constant_attributes, constant_prepare, fm_op_nothing_run
};

/* ConstantOfShape */

typedef struct
{
  FmDType dtype;
  gsize   numel;
  float   f;
  gint64  i;
} FmFillParams;

static gboolean
constant_of_shape_prepare (FmOpContext  *ctx,
                           GError      **error)
{
  const FmOnnxAttribute *a;
  FmFillParams *p;
  FmShape out;
  guint n;

  if (!fm_op_check_n_inputs (ctx, 1, 1, error) ||
      !fm_op_const_ints (ctx, 0, "shape", out.dims, FM_MAX_RANK, &n, error))
    return FALSE;
  out.rank = (int) n;
  for (int d = 0; d < out.rank; d++)
    if (out.dims[d] < 0)
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("shape[%d] is %" PRId64), d, out.dims[d]);
  p = fm_op_new_params (ctx, sizeof *p);
  p->dtype = FM_DTYPE_FLOAT;
  if (!fm_op_numel (ctx, &out, &p->numel, error))
    return FALSE;
  a = fm_op_attr (ctx, "value");
  if (a != NULL)
    {
      g_autoptr(FmConstTensor) v = value_tensor (ctx, a, error);

      if (v == NULL)
        return FALSE;
      if (v->numel != 1)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("attribute 'value' must hold one element, it has %zu"),
                           v->numel);
      p->dtype = v->dtype;
      if (v->dtype == FM_DTYPE_FLOAT)
        p->f = ((const float *) v->data)[0];
      else
        p->i = ((const gint64 *) v->data)[0];
    }
  fm_op_set_output (ctx, 0, p->dtype, &out);
  return TRUE;
}

static void
constant_of_shape_run (const FmNode *node,
                       FmRunCtx     *rc)
{
  const FmFillParams *p = node->params;

  if (p->dtype == FM_DTYPE_FLOAT)
    {
      float *y = FM_OUT_F (rc, node, 0);
      for (gsize i = 0; i < p->numel; i++)
        y[i] = p->f;
    }
  else
    {
      gint64 *y = FM_OUT_I (rc, node, 0);
      for (gsize i = 0; i < p->numel; i++)
        y[i] = p->i;
    }
}

static const char * const value_attributes[] = { "value", NULL };

const FmOpInfo fm_op_constant_of_shape = {
  "ConstantOfShape", value_attributes, constant_of_shape_prepare, constant_of_shape_run
};
