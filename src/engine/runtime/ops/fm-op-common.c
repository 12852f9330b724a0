/* fm-op-common.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the op files (see fm-op-common.h): the checks and
 * params of prepare, planning strided walks, axis checks, windows and the
 * copy kernel of the layout ops. No op lives here.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"
#include "fm-threads.h"

void
fm_broadcast_strides (const FmShape *in,
                      const FmShape *out,
                      gint64        *strides)
{
  gint64 s = 1;

  for (int d = out->rank - 1; d >= 0; d--)
    {
      int di = d - (out->rank - in->rank);

      if (di < 0 || in->dims[di] == 1)
        strides[d] = 0;
      else
        strides[d] = s;
      if (di >= 0)
        s *= in->dims[di];
    }
}

void
fm_walk_init (FmWalk        *walk,
              const FmShape *out,
              guint          n_in,
              gint64         in_strides[][FM_MAX_RANK])
{
  int r = 0;

  g_assert (n_in <= FM_WALK_MAX_IN);
  memset (walk, 0, sizeof *walk);
  walk->numel = 1;
  for (int d = 0; d < out->rank; d++)
    walk->numel *= out->dims[d];

  /* Drop dims of size 1, then merge d into the previous kept dim when
   * every input is contiguous across the pair. */
  for (int d = 0; d < out->rank; d++)
    {
      gboolean merge = r > 0;

      if (out->dims[d] == 1)
        continue;
      for (guint k = 0; k < n_in && merge; k++)
        if (walk->strides[k][r - 1] != in_strides[k][d] * out->dims[d])
          merge = FALSE;
      if (merge)
        {
          walk->dims[r - 1] *= out->dims[d];
          for (guint k = 0; k < n_in; k++)
            walk->strides[k][r - 1] = in_strides[k][d];
        }
      else
        {
          walk->dims[r] = out->dims[d];
          for (guint k = 0; k < n_in; k++)
            walk->strides[k][r] = in_strides[k][d];
          r++;
        }
    }
  if (r == 0)
    {
      walk->dims[0] = 1;
      r = 1;
    }
  walk->rank = r;
}

#define WALK_COPY(T)                                                    \
  G_STMT_START                                                          \
  {                                                                     \
    const T *s = src;                                                   \
    T *o = dst;                                                         \
    gint64 n = walk->dims[walk->rank - 1];                              \
    gint64 st = walk->strides[0][walk->rank - 1];                       \
    do                                                                  \
      {                                                                 \
        const T *p = s + off[0];                                        \
        if (st == 1)                                                    \
          memcpy (o, p, n * sizeof (T));                                \
        else                                                            \
          for (gint64 i = 0; i < n; i++)                                \
            o[i] = p[i * st];                                           \
        o += n;                                                         \
      }                                                                 \
    while (fm_walk_next (walk, idx, off, 1));                           \
  }                                                                     \
  G_STMT_END

void
fm_walk_copy (const FmWalk  *walk,
              gconstpointer  src,
              gpointer       dst,
              gsize          elem_size)
{
  gint64 idx[FM_MAX_RANK] = { 0 };
  gint64 off[1] = { 0 };

  if (walk->numel == 0)
    return;
  if (elem_size == 8)
    WALK_COPY (gint64);
  else
    WALK_COPY (float);
}

gboolean
fm_op_norm_axis (FmOpContext  *ctx,
                 gint64        axis,
                 int           rank,
                 const char   *what,
                 int          *out,
                 GError      **error)
{
  if (axis < -rank || axis >= rank)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       /* Translators: an ONNX attribute or input name (“axis” or “axes
                          value”, not translated), the axis number and the tensor's rank. */
                       _("%s %" PRId64 " is out of range for rank %d"),
                       what, axis, rank);
  *out = (int) (axis < 0 ? axis + rank : axis);
  return TRUE;
}

gboolean
fm_op_norm_split_axis (FmOpContext  *ctx,
                       gint64        axis,
                       int           rank,
                       int          *out,
                       GError      **error)
{
  if (axis < -rank || axis > rank)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("axis %" PRId64 " is out of range for rank %d"), axis, rank);
  *out = (int) (axis < 0 ? axis + rank : axis);
  return TRUE;
}

void
fm_op_split_axis (const FmShape *shape,
                  int            ax,
                  gint64        *outer,
                  gint64        *n,
                  gint64        *inner)
{
  *outer = *n = *inner = 1;
  for (int d = 0; d < shape->rank; d++)
    {
      if (d < ax)
        *outer *= shape->dims[d];
      else if (d == ax)
        *n = shape->dims[d];
      else
        *inner *= shape->dims[d];
    }
}

gboolean
fm_op_split_nc (FmOpContext    *ctx,
                const FmValue  *x,
                int             min_rank,
                gint64         *n,
                gint64         *c,
                gint64         *size,
                GError        **error)
{
  if (x->shape.rank < min_rank)
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         min_rank > 2 ? _("input X has shape %s; expected [N, C, spatial...]")
                                      : _("input X has shape %s; expected [N, C, ...]"), xs);
    }
  *n = x->shape.dims[0];
  *c = x->shape.dims[1];
  *size = 1;
  for (int d = 2; d < x->shape.rank; d++)
    *size *= x->shape.dims[d];
  return TRUE;
}

gboolean
fm_op_const_ints (FmOpContext  *ctx,
                  guint         i,
                  const char   *what,
                  gint64       *out,
                  guint         max,
                  guint        *n_out,
                  GError      **error)
{
  const FmConstTensor *t = fm_op_const_input (ctx, i, FM_DTYPE_INT64, what, error);

  if (t == NULL)
    return FALSE;
  if (t->shape.rank != 1 || t->numel > max)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       /* Translators: an input name (“shape”, “axes”, “starts”..., not
                          translated) and the most values it may have. */
                       _("%s must be 1-D with at most %d values"), what, (int) max);
  memcpy (out, t->data, t->numel * sizeof (gint64));
  *n_out = t->numel;
  return TRUE;
}

gboolean
fm_op_numel (FmOpContext    *ctx,
             const FmShape  *shape,
             gsize          *out,
             GError        **error)
{
  if (!fm_shape_numel (shape, G_MAXSIZE / 8, out))
    {
      g_autofree char *s = fm_shape_to_string (shape);
      return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                         _("output shape %s is invalid or too large"), s);
    }
  return TRUE;
}

gboolean
fm_op_check_numeric (FmOpContext  *ctx,
                     guint         i,
                     FmDType      *out,
                     GError      **error)
{
  FmValue *v = fm_op_input (ctx, i);

  if (v == NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("input %u is missing"), i);
  if (v->dtype != FM_DTYPE_FLOAT && v->dtype != FM_DTYPE_INT64)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_OP,
                       _("input %u has unsupported type %s"), i,
                       fm_dtype_name (v->dtype));
  *out = v->dtype;
  return TRUE;
}

FmValue *
fm_op_float_x (FmOpContext  *ctx,
               guint         min_inputs,
               guint         max_inputs,
               int           rank,
               GError      **error)
{
  if (!fm_op_check_n_inputs (ctx, min_inputs, max_inputs, error) ||
      !fm_op_check_input (ctx, 0, FM_DTYPE_FLOAT, rank, error))
    return NULL;
  return fm_op_input (ctx, 0);
}

FmValue *
fm_op_numeric_x (FmOpContext  *ctx,
                 guint         min_inputs,
                 guint         max_inputs,
                 GError      **error)
{
  FmDType dtype;

  if (!fm_op_check_n_inputs (ctx, min_inputs, max_inputs, error) ||
      !fm_op_check_numeric (ctx, 0, &dtype, error))
    return NULL;
  return fm_op_input (ctx, 0);
}

/* An attribute of opsets before 7 found in a newer node. */
static gboolean
refuse_legacy_attribute (FmOpContext  *ctx,
                         const char   *name,
                         GError      **error)
{
  if (fm_op_attr (ctx, name) == NULL)
    return TRUE;
  return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                     /* Translators: an attribute name (not translated) and the node's opset. */
                     _("attribute '%s' exists only before opset 7, this node is opset %" PRId64),
                     name, (gint64) ctx->node->opset);
}

gboolean
fm_op_legacy_broadcast (FmOpContext    *ctx,
                        const FmShape  *a,
                        const FmShape  *b,
                        FmShape        *b_view,
                        GError        **error)
{
  gint64 broadcast, axis;
  gboolean fits;

  *b_view = *b;
  if (ctx->node->opset >= 7)
    return refuse_legacy_attribute (ctx, "broadcast", error) &&
           refuse_legacy_attribute (ctx, "axis", error);
  if (!fm_op_attr_int (ctx, "broadcast", 0, &broadcast, error) ||
      !fm_op_attr_int (ctx, "axis", a->rank - b->rank, &axis, error))
    return FALSE;
  if (broadcast == 0)
    fits = fm_shape_equal (a, b);
  else
    {
      fits = b->rank <= a->rank && axis >= 0 && axis <= a->rank - b->rank;
      for (int i = 0; fits && i < b->rank; i++)
        fits = b->dims[i] == a->dims[axis + i] || b->dims[i] == 1;
      if (fits)
        {
          b_view->rank = a->rank;
          for (int d = 0; d < a->rank; d++)
            b_view->dims[d] = d >= axis && d < axis + b->rank ? b->dims[d - axis] : 1;
        }
    }
  if (!fits)
    {
      g_autofree char *as = fm_shape_to_string (a);
      g_autofree char *bs = fm_shape_to_string (b);

      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         /* Translators: two shapes, then the values of the attributes
                            broadcast and axis (names not translated). */
                         _("input shapes %s and %s do not fit with broadcast %" PRId64
                           " and axis %" PRId64 " (opset 6 broadcasting)"),
                         as, bs, broadcast, axis);
    }
  return TRUE;
}

gboolean
fm_op_legacy_attr_int (FmOpContext  *ctx,
                       const char   *name,
                       gint64        fallback,
                       gint64       *value,
                       GError      **error)
{
  if (ctx->node->opset >= 7)
    {
      *value = fallback;
      return refuse_legacy_attribute (ctx, name, error);
    }
  return fm_op_attr_int (ctx, name, fallback, value, error);
}

gpointer
fm_op_new_params (FmOpContext *ctx,
                  gsize        size)
{
  ctx->node->params = g_malloc0 (size);
  ctx->node->free_params = g_free;
  return ctx->node->params;
}

gboolean
fm_op_set_copy_params (FmOpContext    *ctx,
                       const FmShape  *in_shape,
                       FmDType         dtype,
                       GError        **error)
{
  FmCopyParams *p;
  gsize numel;

  if (!fm_op_numel (ctx, in_shape, &numel, error))
    return FALSE;
  p = fm_op_new_params (ctx, sizeof *p);
  p->nbytes = numel * fm_dtype_size (dtype);
  return TRUE;
}

void
fm_op_copy_run (const FmNode *node,
                FmRunCtx     *rc)
{
  const FmCopyParams *p = node->params;
  gconstpointer src = rc->ptrs[node->inputs[0]];
  gpointer dst = rc->ptrs[node->outputs[0]];

  if (src != dst && p->nbytes > 0)
    memcpy (dst, src, p->nbytes);
}

void
fm_op_nothing_run (const FmNode *node,
                   FmRunCtx     *rc)
{
  /* The output was made in prepare. */
}

gboolean
fm_op_set_walk_params (FmOpContext    *ctx,
                       const FmValue  *x,
                       const FmShape  *out,
                       const FmShape  *walk_shape,
                       gint64          strides[][FM_MAX_RANK],
                       GError        **error)
{
  FmWalkParams *p;

  if (!fm_op_numel (ctx, out, &(gsize) { 0 }, error))
    return FALSE;
  p = fm_op_new_params (ctx, sizeof *p);
  p->elem_size = fm_dtype_size (x->dtype);
  fm_walk_init (&p->walk, walk_shape, 1, strides);
  fm_op_set_output (ctx, 0, x->dtype, out);
  return TRUE;
}

void
fm_op_walk_run (const FmNode *node,
                FmRunCtx     *rc)
{
  const FmWalkParams *p = node->params;

  fm_walk_copy (&p->walk, rc->ptrs[node->inputs[0]], rc->ptrs[node->outputs[0]],
                p->elem_size);
}

/* *@auto_pad, "" read as NOTSET, is one of the four values and, unless
 * NOTSET, comes without explicit pads in @win. */
static gboolean
window_check_auto_pad (FmOpContext       *ctx,
                       const FmWindowNd  *win,
                       const char       **auto_pad,
                       GError           **error)
{
  if ((*auto_pad)[0] == '\0')
    *auto_pad = "NOTSET";
  if (strcmp (*auto_pad, "NOTSET") == 0)
    return TRUE;
  if (strcmp (*auto_pad, "SAME_UPPER") != 0 && strcmp (*auto_pad, "SAME_LOWER") != 0 &&
      strcmp (*auto_pad, "VALID") != 0)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("auto_pad '%s' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID"),
                       *auto_pad);
  for (int j = 0; j < FM_WINDOW_ND_MAX; j++)
    if (win->pb[j] != 0 || win->pe[j] != 0)
      return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                         _("auto_pad '%s' cannot be combined with explicit pads"), *auto_pad);
  return TRUE;
}

gboolean
fm_op_window_nd_read (FmOpContext    *ctx,
                      const FmShape  *x,
                      const gint64   *kernel,
                      FmWindowNd     *win,
                      const char    **auto_pad,
                      GError        **error)
{
  int n = x->rank - 2;
  gint64 strides[3], dil[3], pads[6];
  guint n_strides, n_dil, n_pads;

  memset (win, 0, sizeof *win);
  if (n < 1 || n > FM_WINDOW_ND_MAX)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("only 1-D, 2-D and 3-D windows are supported, input has rank %d"),
                       x->rank);
  win->n_spatial = n;
  if (!fm_op_attr_ints (ctx, "strides", strides, 3, &n_strides, error) ||
      !fm_op_attr_ints (ctx, "dilations", dil, 3, &n_dil, error) ||
      !fm_op_attr_ints (ctx, "pads", pads, 6, &n_pads, error) ||
      !fm_op_attr_string (ctx, "auto_pad", "NOTSET", auto_pad, error))
    return FALSE;
  if ((n_strides != 0 && n_strides != (guint) n) ||
      (n_dil != 0 && n_dil != (guint) n) ||
      (n_pads != 0 && n_pads != (guint) (2 * n)))
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       /* Translators: strides, dilations and pads are ONNX attribute names; the
                          last number is the count of spatial axes (1 to 3), as in “3-D”. */
                       _("strides, dilations and pads must have %d, %d and %d values "
                         "for a %d-D input"),
                       n, n, 2 * n, n);
  for (int j = 0; j < 3; j++)
    win->in[j] = win->k[j] = win->s[j] = win->d[j] = win->out[j] = 1;
  for (int i = 0; i < n; i++)
    {
      int j = i + 3 - n;

      win->in[j] = x->dims[2 + i];
      win->k[j] = kernel[i];
      win->s[j] = n_strides ? strides[i] : 1;
      win->d[j] = n_dil ? dil[i] : 1;
      win->pb[j] = n_pads ? pads[i] : 0;
      win->pe[j] = n_pads ? pads[n + i] : 0;
      if (win->k[j] < 1 || win->s[j] < 1 || win->d[j] < 1 ||
          win->pb[j] < 0 || win->pe[j] < 0)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("kernel %" PRId64 ", stride %" PRId64
                             ", dilation %" PRId64 " must be positive and pads not negative"),
                           win->k[j], win->s[j], win->d[j]);
      if (MAX (MAX (win->k[j], win->s[j]), MAX (win->d[j], MAX (win->pb[j], win->pe[j])))
          > G_MAXINT32)
        return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                           _("kernel, stride, dilation or pad too large"));
    }
  return window_check_auto_pad (ctx, win, auto_pad, error);
}

/* Output size and pads of one dim under auto_pad @mode (one of SAME_UPPER,
 * SAME_LOWER, VALID) or explicit pads (NULL). */
static void
window_nd_dim (FmWindowNd *win,
               int         j,
               const char *mode,
               gboolean    ceil_mode)
{
  gint64 ek = (win->k[j] - 1) * win->d[j] + 1;

  if (mode == NULL)
    {
      gint64 span = win->in[j] + win->pb[j] + win->pe[j] - ek;

      if (span < 0)
        win->out[j] = 0;
      else if (!ceil_mode)
        win->out[j] = span / win->s[j] + 1;
      else
        {
          win->out[j] = fm_ceil_div (span, win->s[j]) + 1;
          if ((win->out[j] - 1) * win->s[j] >= win->in[j] + win->pb[j])
            win->out[j]--;
        }
    }
  else if (strcmp (mode, "VALID") == 0)
    win->out[j] = fm_floor_div (win->in[j] - ek, win->s[j]) + 1;
  else
    {
      gint64 total;

      win->out[j] = fm_ceil_div (win->in[j], win->s[j]);
      total = MAX (0, (win->out[j] - 1) * win->s[j] + ek - win->in[j]);
      win->pb[j] = strcmp (mode, "SAME_UPPER") == 0 ? total / 2 : total - total / 2;
      win->pe[j] = total - win->pb[j];
    }
}

gboolean
fm_op_window_nd_init (FmOpContext    *ctx,
                      const FmShape  *x,
                      const gint64   *kernel,
                      gboolean        ceil_mode,
                      FmWindowNd     *win,
                      GError        **error)
{
  const char *auto_pad = NULL, *mode = NULL;

  if (!fm_op_window_nd_read (ctx, x, kernel, win, &auto_pad, error))
    return FALSE;
  if (strcmp (auto_pad, "NOTSET") != 0)
    mode = auto_pad;
  for (int j = 0; j < 3; j++)
    {
      window_nd_dim (win, j, mode, ceil_mode);
      if (win->out[j] < 1)
        {
          g_autofree char *s = fm_shape_to_string (x);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             _("input has shape %s but the window (kernel %" PRId64
                               ", dilation %" PRId64 ") does not fit even once"),
                             s, win->k[j], win->d[j]);
        }
    }
  return TRUE;
}

void
fm_window_nd_out_shape (const FmWindowNd *win,
                        const FmShape    *x,
                        gint64            channels,
                        FmShape          *out)
{
  int n = win->n_spatial;

  *out = *x;
  out->dims[1] = channels;
  for (int i = 0; i < n; i++)
    out->dims[2 + i] = win->out[i + 3 - n];
}
