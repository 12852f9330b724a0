/* fm-op-pad.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pad on float and int64, modes constant, reflect (mirrored without the
 * edge element, periodically when the pad is wider than the axis), edge
 * (the edge element repeated) and wrap (opset 19: periodic): pads and
 * value as attributes before opset 11, as constant inputs (with optional
 * axes) from 11; negative pads crop.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

typedef enum
{
  PAD_CONSTANT,
  PAD_REFLECT,
  PAD_EDGE,
  PAD_WRAP,
} FmPadMode;

typedef struct
{
  FmPadMode mode;
  FmDType dtype;
  int     rank;                  /* >= 1 (a scalar is padded as [1]) */
  gint64  in[FM_MAX_RANK];
  gint64  out[FM_MAX_RANK];
  gint64  pb[FM_MAX_RANK];       /* pads at the begin; may be negative */
  gint64  in_strides[FM_MAX_RANK];
  gint64  numel;
  float   f;
  gint64  i;
} FmPadParams;

/* Pad's pads (begins then ends, per listed axis), axes and value. */
typedef struct
{
  gint64 raw[2 * FM_MAX_RANK];
  gint64 axes[FM_MAX_RANK];
  guint  n_raw, n_axes;
  float  value;
  gint64 ivalue;
} PadArgs;

/* Before opset 11: pads and value are attributes, every axis is padded. */
static gboolean
pad_read_attributes (FmOpContext  *ctx,
                     int           r,
                     PadArgs      *a,
                     GError      **error)
{
  if (!fm_op_check_n_inputs (ctx, 1, 1, error) ||
      !fm_op_attr_ints (ctx, "pads", a->raw, 2 * FM_MAX_RANK, &a->n_raw, error) ||
      !fm_op_attr_float (ctx, "value", 0.0f, &a->value, error))
    return FALSE;
  a->ivalue = (gint64) a->value;
  if (fm_op_attr (ctx, "pads") == NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("attribute 'pads' is required"));
  a->n_axes = r;
  for (int d = 0; d < r; d++)
    a->axes[d] = d;
  return TRUE;
}

/* From opset 11: pads, constant_value and axes are constant inputs. */
static gboolean
pad_read_inputs (FmOpContext  *ctx,
                 FmDType       dtype,
                 int           r,
                 PadArgs      *a,
                 GError      **error)
{
  const FmConstTensor *t;

  if (fm_op_attr (ctx, "pads") || fm_op_attr (ctx, "value"))
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("pads and value are inputs from opset 11, not attributes"));
  if (!fm_op_check_n_inputs (ctx, 2, 4, error))
    return FALSE;
  t = fm_op_const_input (ctx, 1, FM_DTYPE_INT64, "pads", error);
  if (t == NULL)
    return FALSE;
  if (t->shape.rank != 1 || t->numel > 2 * FM_MAX_RANK)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE, _("pads must be 1-D"));
  a->n_raw = t->numel;
  memcpy (a->raw, t->data, a->n_raw * sizeof (gint64));
  if (fm_op_input (ctx, 2) != NULL)
    {
      t = fm_op_const_input (ctx, 2, dtype, "constant_value", error);
      if (t == NULL)
        return FALSE;
      if (t->numel != 1)
        return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                           _("constant_value must hold one element"));
      if (dtype == FM_DTYPE_FLOAT)
        a->value = ((const float *) t->data)[0];
      else
        a->ivalue = ((const gint64 *) t->data)[0];
    }
  a->n_axes = r;
  for (int d = 0; d < r; d++)
    a->axes[d] = d;
  return fm_op_input (ctx, 3) == NULL ||
         fm_op_const_ints (ctx, 3, "axes", a->axes, (guint) r, &a->n_axes, error);
}

/* mode: constant, reflect, edge, and wrap from opset 19. */
static gboolean
pad_mode (FmOpContext  *ctx,
          const char   *mode,
          FmPadMode    *out,
          GError      **error)
{
  static const char * const names[] = { "constant", "reflect", "edge", "wrap" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (mode, names[i]) == 0 && (i != PAD_WRAP || ctx->node->opset >= 19))
      {
        *out = i;
        return TRUE;
      }
  return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                     /* Translators: an ONNX Pad mode, not translated. */
                     _("mode '%s' is not supported (constant, reflect, edge, and wrap "
                       "from opset 19)"), mode);
}

/* The input index that output index @i (already shifted by the begin
 * pad) reads along an axis of size @n > 0, or -1 for the constant. */
static inline gint64
pad_source (FmPadMode mode,
            gint64    i,
            gint64    n)
{
  gint64 period;

  if (i >= 0 && i < n)
    return i;
  switch (mode)
    {
    case PAD_REFLECT:
      if (n == 1)
        return 0;
      period = 2 * n - 2;
      i %= period;
      if (i < 0)
        i += period;
      return i < n ? i : period - i;
    case PAD_EDGE:
      return i < 0 ? 0 : n - 1;
    case PAD_WRAP:
      i %= n;
      return i < 0 ? i + n : i;
    case PAD_CONSTANT:
    default:
      return -1;
    }
}

/* @out: @x's shape grown (or cropped) by @pads ([2 * rank]). */
static gboolean
pad_output (FmOpContext    *ctx,
            const FmValue  *x,
            const gint64   *pads,
            FmShape        *out,
            GError        **error)
{
  int r = x->shape.rank;

  *out = x->shape;
  for (int d = 0; d < r; d++)
    {
      if (__builtin_add_overflow (x->shape.dims[d], pads[d], &out->dims[d]) ||
          __builtin_add_overflow (out->dims[d], pads[r + d], &out->dims[d]))
        return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                           _("pads of axis %d are too large"), d);
      if (out->dims[d] < 0)
        {
          g_autofree char *xs = fm_shape_to_string (&x->shape);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             _("pads crop axis %d of shape %s below zero"), d, xs);
        }
    }
  return fm_op_numel (ctx, out, &(gsize) { 0 }, error);
}

static gboolean
pad_prepare (FmOpContext  *ctx,
             GError      **error)
{
  FmValue *x;
  FmDType dtype;
  FmPadParams *p;
  FmShape out;
  FmPadMode pad_mode_value = PAD_CONSTANT;
  const char *mode;
  gint64 pads[2 * FM_MAX_RANK] = { 0 };
  PadArgs a = { 0 };
  int r;

  if (!fm_op_check_numeric (ctx, 0, &dtype, error) ||
      !fm_op_attr_string (ctx, "mode", "constant", &mode, error))
    return FALSE;
  x = fm_op_input (ctx, 0);
  r = x->shape.rank;
  if (!pad_mode (ctx, mode, &pad_mode_value, error))
    return FALSE;
  if (ctx->node->opset < 11 ? !pad_read_attributes (ctx, r, &a, error)
                            : !pad_read_inputs (ctx, dtype, r, &a, error))
    return FALSE;
  if (a.n_raw != 2 * a.n_axes)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("pads has %u values; expected %u for %u axes"),
                       a.n_raw, 2 * a.n_axes, a.n_axes);
  for (guint i = 0; i < a.n_axes; i++)
    {
      int ax;

      if (!fm_op_norm_axis (ctx, a.axes[i], r, "axes value", &ax, error))
        return FALSE;
      pads[ax] = a.raw[i];
      pads[r + ax] = a.raw[a.n_axes + i];
    }
  if (!pad_output (ctx, x, pads, &out, error))
    return FALSE;
  for (int d = 0; d < r && pad_mode_value != PAD_CONSTANT; d++)
    if (x->shape.dims[d] == 0 && out.dims[d] > 0)
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("axis %d is empty: mode '%s' has nothing to repeat"), d, mode);

  p = fm_op_new_params (ctx, sizeof *p);
  p->mode = pad_mode_value;
  p->dtype = dtype;
  p->f = a.value;
  p->i = a.ivalue;
  p->rank = MAX (r, 1);
  p->numel = 1;
  for (int d = 0; d < p->rank; d++)
    {
      p->in[d] = r > 0 ? x->shape.dims[d] : 1;
      p->out[d] = r > 0 ? out.dims[d] : 1;
      p->pb[d] = r > 0 ? pads[d] : 0;
      p->numel *= p->out[d];
    }
  p->in_strides[p->rank - 1] = 1;
  for (int d = p->rank - 2; d >= 0; d--)
    p->in_strides[d] = p->in_strides[d + 1] * p->in[d + 1];
  fm_op_set_output (ctx, 0, dtype, &out);
  return TRUE;
}

#define PAD_LOOP(T, VALUE)                                              \
  G_STMT_START                                                          \
  {                                                                     \
    const T *x = rc->ptrs[node->inputs[0]];                             \
    T *y = rc->ptrs[node->outputs[0]];                                  \
    T v = (VALUE);                                                      \
    for (gint64 row = 0; row < n_rows; row++)                           \
      {                                                                 \
        gint64 off = 0, rem = row;                                      \
        gboolean inside = TRUE;                                         \
        for (int d = last - 1; d >= 0; d--)                             \
          {                                                             \
            gint64 o = rem % p->out[d];                                 \
            gint64 i = pad_source (p->mode, o - p->pb[d], p->in[d]);    \
            rem /= p->out[d];                                           \
            if (i < 0)                                                  \
              inside = FALSE;                                           \
            off += i * p->in_strides[d];                                \
          }                                                             \
        for (gint64 o = 0; o < p->out[last]; o++)                       \
          {                                                             \
            gint64 i = pad_source (p->mode, o - p->pb[last],            \
                                   p->in[last]);                        \
            y[o] = inside && i >= 0 ? x[off + i] : v;                   \
          }                                                             \
        y += p->out[last];                                              \
      }                                                                 \
  }                                                                     \
  G_STMT_END

static void
pad_run (const FmNode *node,
         FmRunCtx     *rc)
{
  const FmPadParams *p = node->params;
  int last = p->rank - 1;
  gint64 n_rows;

  if (p->numel == 0)
    return;
  n_rows = p->numel / p->out[last];
  if (p->dtype == FM_DTYPE_FLOAT)
    PAD_LOOP (float, p->f);
  else
    PAD_LOOP (gint64, p->i);
}

static const char * const pad_attributes[] = { "mode", "pads", "value", NULL };

const FmOpInfo fm_op_pad = { "Pad", pad_attributes, pad_prepare, pad_run };
