/* fm-op-resize.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Resize (opsets 10, 11, 13, 18, 19) and Upsample (7 with the scales
 * attribute, 9 with the scales input), on float, over any axes of any
 * rank. Modes nearest (round_prefer_floor, round_prefer_ceil, floor, ceil),
 * linear and cubic (cubic_coeff_a, exclude_outside); every coordinate
 * transformation (half_pixel, half_pixel_symmetric, pytorch_half_pixel,
 * align_corners, asymmetric, tf_half_pixel_for_nn, tf_crop_and_resize with
 * roi and extrapolation_value); scales or sizes, known at load; opset 18's
 * axes and keep_aspect_ratio_policy. Resize-10 and Upsample use asymmetric
 * coordinates, and their nearest rounds down when enlarging and up when
 * shrinking, as ONNX Runtime does. antialias is refused.
 *
 * Prepare works out, per axis and output coordinate, the input offsets and
 * weights of its taps (1 for nearest, 2 for linear, 4 for cubic; 1 for an
 * axis that is not resized), following the ONNX reference implementation
 * (which the node tests' data come from): out-of-range taps are clamped to
 * the edge, and the length that align_corners and tf_crop_and_resize divide
 * by is input length times scale, not rounded. Run multiplies the taps of
 * the outer axes into at most RESIZE_MAX_COMBOS (offset, weight) pairs per
 * output row and sums them against the taps of the last axis.
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

/* Tap combinations of the outer axes per output row (4 resized cubic
 * axes besides the last one). */
#define RESIZE_MAX_COMBOS 256

typedef enum
{
  MODE_NEAREST,
  MODE_LINEAR,
  MODE_CUBIC,
} ResizeMode;

typedef enum
{
  COORD_HALF_PIXEL,
  COORD_HALF_PIXEL_SYMMETRIC,
  COORD_PYTORCH_HALF_PIXEL,
  COORD_ALIGN_CORNERS,
  COORD_ASYMMETRIC,
  COORD_TF_HALF_PIXEL_FOR_NN,
  COORD_TF_CROP_AND_RESIZE,
} ResizeCoord;

typedef enum
{
  NEAREST_ROUND_PREFER_FLOOR,
  NEAREST_ROUND_PREFER_CEIL,
  NEAREST_FLOOR,
  NEAREST_CEIL,
  NEAREST_SIMPLE,  /* Resize-10, Upsample: floor, or ceil when shrinking */
} ResizeNearest;

/* What the attributes and inputs say, per axis of X. */
typedef struct
{
  ResizeMode    mode;
  ResizeCoord   coord;
  ResizeNearest nearest;
  double        cubic_a;
  gboolean      exclude_outside;
  float         extrapolation;
  double        scale[FM_MAX_RANK];
  double        roi_start[FM_MAX_RANK];
  double        roi_end[FM_MAX_RANK];
} ResizeSpec;

typedef struct
{
  int     rank;
  gint64  out[FM_MAX_RANK];
  int     n_taps[FM_MAX_RANK];
  gint64 *offset[FM_MAX_RANK];   /* [out[d] * n_taps[d]], in elements of X */
  float  *weight[FM_MAX_RANK];   /* [out[d] * n_taps[d]] */
  guint8 *outside[FM_MAX_RANK];  /* [out[d]]: extrapolation_value there */
  float   extrapolation;
  gint64  n_rows;                /* numel / out[rank - 1] */
  /* the tables follow */
} FmResizeParams;

static const char * const resize_attributes[] = {
  "mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
  "exclude_outside", "extrapolation_value", "antialias", "axes",
  "keep_aspect_ratio_policy", NULL
};

static const char * const coord_names[] = {
  "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
  "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize",
};

static const char * const nearest_names[] = {
  "round_prefer_floor", "round_prefer_ceil", "floor", "ceil",
};

/* Index of @value in @names, or -1. */
static int
name_index (const char         *value,
            const char * const *names,
            guint               n)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (value, names[i]) == 0)
      return (int) i;
  return -1;
}

static gboolean
fail_value (FmOpContext  *ctx,
            GError      **error,
            const char   *attribute,
            const char   *value)
{
  return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                     /* Translators: an ONNX attribute name and its value, not translated. */
                     _("%s '%s' is not supported"), attribute, value);
}

/* mode: nearest and linear everywhere, cubic from Resize-11. */
static gboolean
read_mode (FmOpContext  *ctx,
           gboolean      cubic_ok,
           ResizeSpec   *s,
           GError      **error)
{
  const char *mode;

  if (!fm_op_attr_string (ctx, "mode", "nearest", &mode, error))
    return FALSE;
  if (g_strcmp0 (mode, "nearest") == 0)
    s->mode = MODE_NEAREST;
  else if (g_strcmp0 (mode, "linear") == 0)
    s->mode = MODE_LINEAR;
  else if (g_strcmp0 (mode, "cubic") == 0 && cubic_ok)
    s->mode = MODE_CUBIC;
  else
    return fail_value (ctx, error, "mode", mode);
  return TRUE;
}

/* The attributes of Resize from opset 11. */
static gboolean
read_resize_attributes (FmOpContext  *ctx,
                        ResizeSpec   *s,
                        GError      **error)
{
  int opset = ctx->node->opset;
  const char *coord, *nearest;
  gint64 exclude, antialias;
  float a;
  int i;

  if (!read_mode (ctx, TRUE, s, error) ||
      !fm_op_attr_string (ctx, "coordinate_transformation_mode", "half_pixel", &coord, error) ||
      !fm_op_attr_string (ctx, "nearest_mode", "round_prefer_floor", &nearest, error) ||
      !fm_op_attr_float (ctx, "cubic_coeff_a", -0.75f, &a, error) ||
      !fm_op_attr_int (ctx, "exclude_outside", 0, &exclude, error) ||
      !fm_op_attr_float (ctx, "extrapolation_value", 0.0f, &s->extrapolation, error) ||
      !fm_op_attr_int (ctx, "antialias", 0, &antialias, error))
    return FALSE;
  i = name_index (coord, coord_names, G_N_ELEMENTS (coord_names));
  /* half_pixel_symmetric came in 19, tf_half_pixel_for_nn left in 18 */
  if (i < 0 || (i == COORD_HALF_PIXEL_SYMMETRIC && opset < 19) ||
      (i == COORD_TF_HALF_PIXEL_FOR_NN && opset >= 18))
    return fail_value (ctx, error, "coordinate_transformation_mode", coord);
  s->coord = i;
  i = name_index (nearest, nearest_names, G_N_ELEMENTS (nearest_names));
  if (i < 0)
    return fail_value (ctx, error, "nearest_mode", nearest);
  s->nearest = i;
  s->cubic_a = a;
  s->exclude_outside = exclude != 0;
  if (antialias != 0)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("antialias is not supported"));
  return TRUE;
}

/* @n_axes floats of input @i (scales or roi) into @out. */
static gboolean
read_floats (FmOpContext  *ctx,
             guint         i,
             const char   *what,
             guint         n,
             double       *out,
             GError      **error)
{
  const FmConstTensor *t = fm_op_const_input (ctx, i, FM_DTYPE_FLOAT, what, error);

  if (t == NULL)
    return FALSE;
  if (t->shape.rank != 1 || t->numel != n)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       /* Translators: an input name (scales, roi), not translated. */
                       _("%s must be 1-D with %u values"), what, n);
  for (guint k = 0; k < n; k++)
    out[k] = ((const float *) t->data)[k];
  return TRUE;
}

/* Input @i is given with at least one value. */
static gboolean
has_values (FmOpContext *ctx,
            guint        i)
{
  FmValue *v = fm_op_input (ctx, i);

  return v != NULL && v->numel > 0;
}

/* Output size along each resized axis from @scales; every other axis
 * keeps its size and a scale of 1. */
static gboolean
size_from_scales (FmOpContext    *ctx,
                  const FmShape  *x,
                  const int      *axes,
                  guint           n_axes,
                  const double   *scales,
                  ResizeSpec     *s,
                  FmShape        *out,
                  GError        **error)
{
  for (guint k = 0; k < n_axes; k++)
    {
      int d = axes[k];
      double len = scales[k] * (double) x->dims[d];

      if (s->coord == COORD_TF_CROP_AND_RESIZE)
        len *= s->roi_end[d] - s->roi_start[d];
      if (!(scales[k] > 0.0) || !(len >= 0.0 && len < 9007199254740992.0))
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("scale %g of axis %d is not a positive number or too large"),
                           scales[k], d);
      s->scale[d] = scales[k];
      out->dims[d] = (gint64) floor (len);
    }
  return TRUE;
}

/* Output size from @sizes, under keep_aspect_ratio_policy. */
static gboolean
size_from_sizes (FmOpContext    *ctx,
                 const FmShape  *x,
                 const int      *axes,
                 guint           n_axes,
                 const gint64   *sizes,
                 ResizeSpec     *s,
                 FmShape        *out,
                 GError        **error)
{
  const char *policy;
  double keep = 0.0;
  gboolean larger, smaller;

  if (!fm_op_attr_string (ctx, "keep_aspect_ratio_policy", "stretch", &policy, error))
    return FALSE;
  larger = g_strcmp0 (policy, "not_larger") == 0;
  smaller = g_strcmp0 (policy, "not_smaller") == 0;
  if (!larger && !smaller && g_strcmp0 (policy, "stretch") != 0)
    return fail_value (ctx, error, "keep_aspect_ratio_policy", policy);
  for (guint k = 0; k < n_axes; k++)
    {
      int d = axes[k];
      double r;

      if (sizes[k] < 1 || x->dims[axes[k]] < 1 || sizes[k] > G_MAXINT32)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("size %" PRId64 " of axis %d is not positive, too "
                             "large, or the axis is empty"), sizes[k], d);
      r = (double) sizes[k] / (double) x->dims[d];
      if (k == 0 || (larger && r < keep) || (smaller && r > keep))
        keep = r;
      s->scale[d] = r;
      out->dims[d] = sizes[k];
    }
  if (larger || smaller)
    for (guint k = 0; k < n_axes; k++)
      {
        int d = axes[k];

        s->scale[d] = keep;
        out->dims[d] = (gint64) floor (keep * (double) x->dims[d] + 0.5);
      }
  return TRUE;
}

/* roi, scales, sizes and axes of Resize from opset 11. */
static gboolean
read_resize_inputs (FmOpContext  *ctx,
                    ResizeSpec   *s,
                    FmShape      *out,
                    GError      **error)
{
  const FmShape *x = &fm_op_input (ctx, 0)->shape;
  gint64 raw_axes[FM_MAX_RANK], sizes[FM_MAX_RANK];
  double roi[2 * FM_MAX_RANK], scales[FM_MAX_RANK];
  int axes[FM_MAX_RANK];
  guint n_axes = x->rank, n;

  if (!fm_op_attr_ints (ctx, "axes", raw_axes, FM_MAX_RANK, &n_axes, error))
    return FALSE;
  if (fm_op_attr (ctx, "axes") == NULL)
    n_axes = x->rank;
  for (guint k = 0; k < n_axes; k++)
    if (!fm_op_norm_axis (ctx, fm_op_attr (ctx, "axes") ? raw_axes[k] : k, x->rank,
                          "axes value", &axes[k], error))
      return FALSE;
  if (s->coord == COORD_TF_CROP_AND_RESIZE && has_values (ctx, 1))
    {
      if (!read_floats (ctx, 1, "roi", 2 * n_axes, roi, error))
        return FALSE;
      for (guint k = 0; k < n_axes; k++)
        {
          s->roi_start[axes[k]] = roi[k];
          s->roi_end[axes[k]] = roi[n_axes + k];
        }
    }
  if (has_values (ctx, 2) == has_values (ctx, 3))
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("exactly one of scales and sizes must be given"));
  if (has_values (ctx, 2))
    return read_floats (ctx, 2, "scales", n_axes, scales, error) &&
           size_from_scales (ctx, x, axes, n_axes, scales, s, out, error);
  if (!fm_op_const_ints (ctx, 3, "sizes", sizes, FM_MAX_RANK, &n, error))
    return FALSE;
  if (n != n_axes)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("sizes has %u values; expected %u"), n, n_axes);
  return size_from_sizes (ctx, x, axes, n_axes, sizes, s, out, error);
}

/* Scales of every axis, from input @i or the scales attribute (i < 0):
 * Resize-10 and Upsample. */
static gboolean
read_all_scales (FmOpContext  *ctx,
                 int           i,
                 ResizeSpec   *s,
                 FmShape      *out,
                 GError      **error)
{
  const FmShape *x = &fm_op_input (ctx, 0)->shape;
  double scales[FM_MAX_RANK];
  int axes[FM_MAX_RANK];

  if (i < 0)
    {
      float f[FM_MAX_RANK];
      guint n;

      if (!fm_op_attr_floats (ctx, "scales", f, FM_MAX_RANK, &n, error))
        return FALSE;
      if (n != (guint) x->rank)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("attribute 'scales' must have one value per axis (%d)"),
                           x->rank);
      for (guint k = 0; k < n; k++)
        scales[k] = f[k];
    }
  else if (!read_floats (ctx, i, "scales", x->rank, scales, error))
    return FALSE;
  for (int d = 0; d < x->rank; d++)
    axes[d] = d;
  return size_from_scales (ctx, x, axes, x->rank, scales, s, out, error);
}

/* Input coordinate of output coordinate @o along axis @d; *@outside when
 * tf_crop_and_resize falls out of the input. */
static double
source_coord (const ResizeSpec *s,
              int               d,
              gint64            o,
              gint64            in,
              gint64            out,
              gboolean         *outside)
{
  double scale = s->scale[d];
  double len = scale * (double) in;   /* as the reference: not rounded */
  double x = (double) o;
  double c;

  *outside = FALSE;
  switch (s->coord)
    {
    case COORD_HALF_PIXEL_SYMMETRIC:
      {
        double offset = (double) in / 2.0 * (1.0 - (double) out / len);

        return offset + (x + 0.5) / scale - 0.5;
      }
    case COORD_PYTORCH_HALF_PIXEL:
      return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    case COORD_ALIGN_CORNERS:
      return len == 1.0 ? 0.0 : x * (double) (in - 1) / (len - 1.0);
    case COORD_ASYMMETRIC:
      return x / scale;
    case COORD_TF_HALF_PIXEL_FOR_NN:
      return (x + 0.5) / scale;
    case COORD_TF_CROP_AND_RESIZE:
      if (len == 1.0)
        c = (s->roi_end[d] - s->roi_start[d]) * (double) (in - 1) / 2.0;
      else
        c = x * (s->roi_end[d] - s->roi_start[d]) * (double) (in - 1) / (len - 1.0);
      c += s->roi_start[d] * (double) (in - 1);
      *outside = c < 0.0 || c > (double) (in - 1);
      return c;
    case COORD_HALF_PIXEL:
    default:
      return (x + 0.5) / scale - 0.5;
    }
}

static gint64
nearest_index (const ResizeSpec *s,
               double            c,
               double            scale)
{
  double f = floor (c);

  if (c == f)
    return (gint64) f;
  switch (s->nearest)
    {
    case NEAREST_ROUND_PREFER_CEIL:
      return (gint64) (c - f < 0.5 ? f : f + 1.0);
    case NEAREST_FLOOR:
      return (gint64) f;
    case NEAREST_CEIL:
      return (gint64) f + 1;
    case NEAREST_SIMPLE:
      return (gint64) (scale < 1.0 ? f + 1.0 : f);
    case NEAREST_ROUND_PREFER_FLOOR:
    default:
      return (gint64) (c - f <= 0.5 ? f : f + 1.0);
    }
}

/* Keys cubic convolution weights of the taps floor(c) - 1 .. + 2. */
static void
cubic_weights (double  a,
               double  r,
               double *w)
{
  double t0 = r + 1.0, t3 = 2.0 - r, t2 = 1.0 - r;

  w[0] = ((a * t0 - 5.0 * a) * t0 + 8.0 * a) * t0 - 4.0 * a;
  w[1] = ((a + 2.0) * r - (a + 3.0)) * r * r + 1.0;
  w[2] = ((a + 2.0) * t2 - (a + 3.0)) * t2 * t2 + 1.0;
  w[3] = ((a * t3 - 5.0 * a) * t3 + 8.0 * a) * t3 - 4.0 * a;
}

/* The taps of output coordinate @o of axis @d: @k input indexes (clamped
 * to the edge) and weights. */
static void
axis_taps (const ResizeSpec *s,
           int               d,
           gint64            o,
           gint64            in,
           gint64            out,
           int               k,
           gint64           *idx,
           double           *w,
           gboolean         *outside)
{
  double c = source_coord (s, d, o, in, out, outside);
  double f = floor (c), r = c - f;

  if (k == 1)
    {
      idx[0] = nearest_index (s, c, s->scale[d]);
      w[0] = 1.0;
    }
  else if (k == 2)
    {
      idx[0] = (gint64) f;
      idx[1] = (gint64) f + 1;
      w[0] = 1.0 - r;
      w[1] = r;
    }
  else
    {
      double sum = 0.0;

      cubic_weights (s->cubic_a, r, w);
      for (int t = 0; t < 4; t++)
        {
          idx[t] = (gint64) f - 1 + t;
          if (s->exclude_outside && (idx[t] < 0 || idx[t] >= in))
            w[t] = 0.0;
          sum += w[t];
        }
      if (s->exclude_outside && sum != 0.0)
        for (int t = 0; t < 4; t++)
          w[t] /= sum;
    }
  for (int t = 0; t < k; t++)
    idx[t] = CLAMP (idx[t], 0, in - 1);
}

/* Fills axis @d's tables; an axis whose every coordinate has a single
 * tap of weight 1 is kept with one tap. */
static void
axis_tables (const ResizeSpec *s,
             FmResizeParams   *p,
             int               d,
             gint64            in,
             gint64            stride,
             int               k)
{
  gboolean single = TRUE;
  gint64 out = p->out[d];

  for (gint64 o = 0; o < out; o++)
    {
      gint64 idx[4];
      double w[4];
      gboolean outside;
      int n = 0;

      axis_taps (s, d, o, in, out, k, idx, w, &outside);
      for (int t = 0; t < k; t++)
        {
          p->offset[d][o * k + t] = idx[t] * stride;
          p->weight[d][o * k + t] = (float) w[t];
          if (w[t] != 0.0)
            n++;
          if (w[t] != 0.0 && w[t] != 1.0)
            single = FALSE;
        }
      if (n != 1)
        single = FALSE;
      if (p->outside[d] != NULL)
        p->outside[d][o] = outside;
    }
  if (single && k > 1)
    {
      for (gint64 o = 0; o < out; o++)
        for (int t = 0; t < k; t++)
          if (p->weight[d][o * k + t] != 0.0f)
            {
              p->offset[d][o] = p->offset[d][o * k + t];
              break;
            }
      for (gint64 o = 0; o < out; o++)
        p->weight[d][o] = 1.0f;
      k = 1;
    }
  p->n_taps[d] = k;
}

/* Params with the tap tables of every axis, in one block. */
static gboolean
resize_params (FmOpContext       *ctx,
               const ResizeSpec  *s,
               const FmShape     *x,
               const FmShape     *out,
               GError           **error)
{
  int k = s->mode == MODE_NEAREST ? 1 : s->mode == MODE_LINEAR ? 2 : 4;
  gboolean crop = s->coord == COORD_TF_CROP_AND_RESIZE;
  gint64 strides[FM_MAX_RANK];
  gsize size = sizeof (FmResizeParams), numel;
  FmResizeParams *p;
  char *mem;
  gint64 combos = 1;

  if (!fm_op_numel (ctx, out, &numel, error))
    return FALSE;
  /* per axis: offsets, weights, the outside flags and their 16 spare
   * bytes, and up to 7 bytes to align the next axis's offsets to 8 */
  for (int d = 0; d < out->rank; d++)
    size += (gsize) out->dims[d] * (k * (sizeof (gint64) + sizeof (float)) + 1) + 16 + 7;
  if (numel > ctx->max_bytes / sizeof (float) || size > ctx->max_bytes)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                       _("the output and its interpolation tables need more than the "
                         "%zu bytes left of the memory budget"), ctx->max_bytes);
  mem = g_try_malloc0 (size);
  if (mem == NULL)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                       _("not enough memory for the interpolation tables"));
  p = (FmResizeParams *) mem;
  ctx->node->params = p;
  ctx->node->free_params = g_free;
  mem += sizeof *p;
  p->rank = out->rank;
  p->extrapolation = s->extrapolation;
  fm_shape_strides (x, strides);
  for (int d = 0; d < out->rank; d++)
    {
      gsize n = (gsize) out->dims[d] * k;

      p->out[d] = out->dims[d];
      p->offset[d] = (gint64 *) mem;
      mem += n * sizeof (gint64);
      p->weight[d] = (float *) mem;
      mem += n * sizeof (float);
      p->outside[d] = crop ? (guint8 *) mem : NULL;
      mem += out->dims[d] + 16;
      mem = (char *) (((guintptr) mem + 7) & ~(guintptr) 7);
      axis_tables (s, p, d, x->dims[d], strides[d], k);
      if (d < out->rank - 1)
        combos *= p->n_taps[d];
    }
  if (combos > RESIZE_MAX_COMBOS)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("resizing this many axes at once is not supported"));
  p->n_rows = out->rank > 0 && out->dims[out->rank - 1] > 0
              ? (gint64) numel / out->dims[out->rank - 1] : 0;
  return TRUE;
}

/* Shared end of both prepares: checks the output and builds params. */
static gboolean
resize_finish (FmOpContext       *ctx,
               const ResizeSpec  *s,
               const FmShape     *out,
               GError           **error)
{
  const FmShape *x = &fm_op_input (ctx, 0)->shape;

  for (int d = 0; d < x->rank; d++)
    if (out->dims[d] > 0 && x->dims[d] == 0)
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("axis %d is empty and cannot be enlarged"), d);
  if (!resize_params (ctx, s, x, out, error))
    return FALSE;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, out);
  return TRUE;
}

/* X, float of rank 1 or more; @s filled with defaults. */
static FmValue *
resize_x (FmOpContext  *ctx,
          guint         min_inputs,
          guint         max_inputs,
          ResizeSpec   *s,
          FmShape      *out,
          GError      **error)
{
  FmValue *x = fm_op_float_x (ctx, min_inputs, max_inputs, -1, error);

  memset (s, 0, sizeof *s);
  if (x == NULL)
    return NULL;
  if (x->shape.rank < 1)
    {
      fm_op_fail (ctx, error, FM_ERROR_SHAPE, _("input X must have at least one axis"));
      return NULL;
    }
  *out = x->shape;
  for (int d = 0; d < FM_MAX_RANK; d++)
    {
      s->scale[d] = 1.0;
      s->roi_end[d] = 1.0;
    }
  s->cubic_a = -0.75;
  return x;
}

/* Refuses the attributes that Resize gained after the node's opset. */
static gboolean
check_resize_opset (FmOpContext  *ctx,
                    GError      **error)
{
  int opset = ctx->node->opset;

  for (guint i = 1; resize_attributes[i] != NULL; i++)
    {
      const char *name = resize_attributes[i];
      int since = i >= 6 ? 18 : 11;

      if (opset < since && fm_op_attr (ctx, name) != NULL)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           /* Translators: an ONNX attribute name and an opset number. */
                           _("attribute '%s' exists only from opset %d"), name, since);
    }
  return TRUE;
}

static gboolean
resize_prepare (FmOpContext  *ctx,
                GError      **error)
{
  ResizeSpec s;
  FmShape out;

  if (!check_resize_opset (ctx, error))
    return FALSE;
  if (ctx->node->opset < 11)
    {
      if (resize_x (ctx, 2, 2, &s, &out, error) == NULL ||
          !read_mode (ctx, FALSE, &s, error))
        return FALSE;
      s.coord = COORD_ASYMMETRIC;
      s.nearest = NEAREST_SIMPLE;
      if (!read_all_scales (ctx, 1, &s, &out, error))
        return FALSE;
    }
  else if (resize_x (ctx, 1, 4, &s, &out, error) == NULL ||
           !read_resize_attributes (ctx, &s, error) ||
           !read_resize_inputs (ctx, &s, &out, error))
    return FALSE;
  return resize_finish (ctx, &s, &out, error);
}

static gboolean
upsample_prepare (FmOpContext  *ctx,
                  GError      **error)
{
  ResizeSpec s;
  FmShape out;
  gboolean attribute = ctx->node->opset < 9;

  if (ctx->node->opset >= 10)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_OP,
                       _("Upsample is deprecated from opset 10 (use Resize)"));
  if (resize_x (ctx, attribute ? 1 : 2, attribute ? 1 : 2, &s, &out, error) == NULL ||
      !read_mode (ctx, FALSE, &s, error))
    return FALSE;
  if (!attribute && fm_op_attr (ctx, "scales") != NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("scales is an input from opset 9, not an attribute"));
  s.coord = COORD_ASYMMETRIC;
  s.nearest = NEAREST_SIMPLE;
  if (!read_all_scales (ctx, attribute ? -1 : 1, &s, &out, error))
    return FALSE;
  return resize_finish (ctx, &s, &out, error);
}

typedef struct
{
  const FmResizeParams *p;
  const float          *x;
  float                *y;
} ResizeJob;

/* Output rows [begin, end): one row runs along the last axis. */
static void
resize_rows (gpointer data,
             gint64   begin,
             gint64   end)
{
  const ResizeJob *job = data;
  const FmResizeParams *p = job->p;
  int last = p->rank - 1, kl = p->n_taps[last];
  gint64 w_out = p->out[last];
  const gint64 *lo = p->offset[last];
  const float *lw = p->weight[last];
  const guint8 *lx = p->outside[last];
  gint64 off[RESIZE_MAX_COMBOS];
  float wt[RESIZE_MAX_COMBOS];

  for (gint64 row = begin; row < end; row++)
    {
      float *y = job->y + row * w_out;
      gint64 rem = row;
      gboolean outside = FALSE;
      int n = 1;

      off[0] = 0;
      wt[0] = 1.0f;
      for (int d = last - 1; d >= 0; d--)
        {
          gint64 o = rem % p->out[d];
          int k = p->n_taps[d];

          rem /= p->out[d];
          if (p->outside[d] != NULL && p->outside[d][o])
            outside = TRUE;
          /* combos × taps, written in place from the back */
          for (int c = n - 1; c >= 0; c--)
            for (int t = k - 1; t >= 0; t--)
              {
                off[c * k + t] = off[c] + p->offset[d][o * k + t];
                wt[c * k + t] = wt[c] * p->weight[d][o * k + t];
              }
          n *= k;
        }
      if (outside)
        {
          for (gint64 i = 0; i < w_out; i++)
            y[i] = p->extrapolation;
          continue;
        }
      if (n == 1 && kl == 1)
        {
          const float *x = job->x + off[0];

          for (gint64 i = 0; i < w_out; i++)
            y[i] = x[lo[i]];
        }
      else
        for (gint64 i = 0; i < w_out; i++)
          {
            float acc = 0.0f;

            for (int c = 0; c < n; c++)
              {
                const float *x = job->x + off[c];
                float a = 0.0f;

                for (int t = 0; t < kl; t++)
                  a += lw[i * kl + t] * x[lo[i * kl + t]];
                acc += wt[c] * a;
              }
            y[i] = acc;
          }
      if (lx != NULL)
        for (gint64 i = 0; i < w_out; i++)
          if (lx[i])
            y[i] = p->extrapolation;
    }
}

static void
resize_run (const FmNode *node,
            FmRunCtx     *rc)
{
  const FmResizeParams *p = node->params;
  ResizeJob job = { p, FM_IN_F (rc, node, 0), FM_OUT_F (rc, node, 0) };
  gint64 grain = MAX (1, 16384 / MAX (1, p->out[p->rank - 1]));

  fm_threads_parallel_for (rc->threads, p->n_rows, grain, resize_rows, &job);
}

static const char * const upsample_attributes[] = { "mode", "scales", NULL };

const FmOpInfo fm_op_resize = { "Resize", resize_attributes, resize_prepare, resize_run };
const FmOpInfo fm_op_upsample = { "Upsample", upsample_attributes, upsample_prepare, resize_run };
