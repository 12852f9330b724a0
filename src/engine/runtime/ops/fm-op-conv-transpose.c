/* fm-op-conv-transpose.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ConvTranspose (opsets 1 to 21, one semantics), 1-D, 2-D and 3-D, with
 * groups, strides, dilations, pads, output_padding, output_shape (which
 * overrides pads), auto_pad and optional bias. Y starts at the bias; per
 * group, the transposed weights [M / group * k..., C / group], packed at
 * load, times a slice of X's columns give that slice of Y's im2col matrix,
 * which col2im adds into Y, split across the run's threads by output
 * channel (the kernel is fm_conv_transpose_run() in fm-op-conv-nd.c, next
 * to Conv's). A direct scatter loop is the tests' reference.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-conv-nd.h"

void
fm_conv_transpose_reference (const FmConvNd *p,
                             const float    *x,
                             const float    *w,
                             const float    *b,
                             float          *y)
{
  const FmWindowNd *wn = &p->win;
  gint64 mg = p->m / p->group, cg = p->c / p->group;
  gint64 y_size = wn->in[0] * wn->in[1] * wn->in[2];
  gint64 x_size = wn->out[0] * wn->out[1] * wn->out[2];
  gint64 kk = wn->k[0] * wn->k[1] * wn->k[2];

  for (gint64 i = 0; i < p->n * p->m * y_size; i++)
    y[i] = p->has_bias ? b[i / y_size % p->m] : 0.0f;
  for (gint64 n = 0; n < p->n; n++)
    for (gint64 c = 0; c < p->c; c++)
      for (gint64 i = 0; i < x_size; i++)
        for (gint64 mo = 0; mo < mg; mo++)
          for (gint64 t = 0; t < kk; t++)
            {
              gint64 off = fm_window_nd_tap (wn, i, t), m = c / cg * mg + mo;

              if (off >= 0)
                y[(n * p->m + m) * y_size + off] +=
                  x[(n * p->c + c) * x_size + i] * w[(c * mg + mo) * kk + t];
            }
}

/* Node params: the geometry and the weights packed at load, if known. */
typedef struct
{
  FmConvNd p;
  float   *packed;   /* fm_col_plan_pack() of W, or NULL */
} CtNode;

static void
ct_node_free (gpointer data)
{
  CtNode *cn = data;

  fm_aligned_free (cn->packed);
  g_free (cn);
}

/* X [N, C, xs...] with 1 to 3 spatial dims, W [C, M / group, k...] of the
 * same rank, B [M]; kernel_shape, if given, as W's. */
static gboolean
ct_check_shapes (FmOpContext    *ctx,
                 const FmValue  *x,
                 const FmValue  *w,
                 const FmValue  *b,
                 gint64          group,
                 GError        **error)
{
  g_autofree char *xs = fm_shape_to_string (&x->shape);
  g_autofree char *ws = fm_shape_to_string (&w->shape);
  gint64 kshape[3];
  guint n_kshape;
  int n = x->shape.rank - 2;

  if (n < 1 || n > 3 || w->shape.rank != x->shape.rank)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       /* Translators: the shapes of the input and of the weights. */
                       _("input X has shape %s and weights W %s; expected [N, C, spatial...] "
                         "and [C, M / group, kernel...] with 1 to 3 spatial dims"), xs, ws);
  if (group < 1 || w->shape.dims[0] != x->shape.dims[1] || x->shape.dims[1] % group != 0 ||
      w->shape.dims[1] < 1)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       /* Translators: the input shape, the weight shape and the attribute
                          “group”. */
                       _("input X of shape %s does not fit weights W of shape %s with group %"
                         PRId64), xs, ws, group);
  if (w->shape.dims[1] > G_MAXINT64 / group)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT, _("too many output channels"));
  if (!fm_op_conv_check_bias (ctx, b, w->shape.dims[1] * group, error) ||
      !fm_op_attr_ints (ctx, "kernel_shape", kshape, 3, &n_kshape, error))
    return FALSE;
  return fm_op_conv_check_kernel_shape (ctx, w, kshape, n_kshape, error);
}

/* Y's size and the begin pads of spatial dim @j (slot of @win) from X's
 * size in win->in[j], output_padding @op and output_shape @os (-1 when
 * absent), as the spec says: output_shape sets the size and the pads
 * follow (the odd one at the begin unless SAME_UPPER); SAME_* make Y X's
 * size times the stride; otherwise the explicit pads. A total pad below 0
 * (Y larger than the taps reach) leaves no begin pad. */
static void
ct_dim (FmWindowNd *win,
        int         j,
        const char *auto_pad,
        gint64      op,
        gint64      os)
{
  gint64 full = win->s[j] * (win->in[j] - 1) + op + (win->k[j] - 1) * win->d[j] + 1;
  gboolean upper = strcmp (auto_pad, "SAME_UPPER") == 0;
  gboolean same = upper || strcmp (auto_pad, "SAME_LOWER") == 0;
  gint64 out, total;

  win->out[j] = win->in[j];
  if (os < 0 && !same)
    {
      if (strcmp (auto_pad, "VALID") == 0)
        win->pb[j] = win->pe[j] = 0;
      win->in[j] = full - win->pb[j] - win->pe[j];
      return;
    }
  out = os >= 0 ? os : win->in[j] * win->s[j];
  total = full - out;
  if (total < 0)
    win->pb[j] = 0;
  else if (upper)
    win->pb[j] = total / 2;
  else
    win->pb[j] = total - total / 2;
  win->pe[j] = total - win->pb[j];
  win->in[j] = out;
}

/* Reads the window and works out Y's spatial size into win->in (X's into
 * win->out), checked against overflow; @out is Y's shape. */
static gboolean
ct_window (FmOpContext    *ctx,
           const FmValue  *x,
           const FmValue  *w,
           gint64          m,
           FmWindowNd     *win,
           FmShape        *out,
           GError        **error)
{
  int n = x->shape.rank - 2;
  gint64 opad[3], oshape[5];
  guint n_opad, n_oshape;
  const char *auto_pad;

  if (!fm_op_window_nd_read (ctx, &x->shape, w->shape.dims + 2, win, &auto_pad, error) ||
      !fm_op_attr_ints (ctx, "output_padding", opad, 3, &n_opad, error) ||
      !fm_op_attr_ints (ctx, "output_shape", oshape, 5, &n_oshape, error))
    return FALSE;
  if ((n_opad != 0 && n_opad != (guint) n) ||
      (n_oshape != 0 && n_oshape != (guint) n && n_oshape != (guint) n + 2))
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       /* Translators: output_padding and output_shape are ONNX attribute
                          names; the number is the count of spatial axes. */
                       _("output_padding and output_shape must have %d values for a %d-D "
                         "input"), n, n);
  for (int i = 0; i < n; i++)
    {
      int j = i + 3 - n;
      gint64 op = n_opad ? opad[i] : 0;
      gint64 os = n_oshape ? oshape[n_oshape - n + i] : -1;

      if (win->in[j] > G_MAXINT32)
        return fm_op_fail (ctx, error, FM_ERROR_LIMIT, _("input X is too large"));
      if (op < 0 || op > G_MAXINT32 || (n_oshape && (os < 1 || os > G_MAXINT32)))
        return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                           /* Translators: output_padding and output_shape are ONNX attribute
                              names, each followed by its value (-1: absent). */
                           _("output_padding %" PRId64 " or output_shape %" PRId64
                             " is negative or too large"), op, os);
      ct_dim (win, j, auto_pad, op, os);
      if (win->in[j] < 1)
        {
          g_autofree char *xs = fm_shape_to_string (&x->shape);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             _("input X of shape %s gives an empty output"), xs);
        }
    }
  *out = x->shape;
  out->dims[1] = m;
  for (int i = 0; i < n; i++)
    out->dims[2 + i] = win->in[i + 3 - n];
  return fm_op_numel (ctx, out, &(gsize) { 0 }, error);
}

static gboolean
conv_transpose_prepare (FmOpContext  *ctx,
                        GError      **error)
{
  FmValue *x, *w, *b;
  CtNode *cn;
  FmColPlan plan;
  FmShape out;
  gint64 group;

  if (!fm_op_conv_inputs (ctx, &x, &w, &b, error))
    return FALSE;
  if (!fm_op_attr_int (ctx, "group", 1, &group, error) ||
      !ct_check_shapes (ctx, x, w, b, group, error))
    return FALSE;

  cn = fm_op_new_params (ctx, sizeof *cn);
  ctx->node->free_params = ct_node_free;
  cn->p.n = x->shape.dims[0];
  cn->p.c = x->shape.dims[1];
  cn->p.m = w->shape.dims[1] * group;
  cn->p.group = group;
  cn->p.has_bias = b != NULL;
  if (!ct_window (ctx, x, w, cn->p.m, &cn->p.win, &out, error))
    return FALSE;
  fm_conv_transpose_plan (&cn->p, w->kind == FM_VALUE_CONST, &plan);
  if (w->kind == FM_VALUE_CONST &&
      !fm_op_conv_pack_weights (ctx, &plan, group, w, &cn->packed, error))
    return FALSE;
  ctx->scratch_size = plan.size;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

static void
conv_transpose_run (const FmNode *node,
                    FmRunCtx     *rc)
{
  const CtNode *cn = node->params;

  fm_conv_transpose_run (&cn->p, FM_IN_F (rc, node, 0), FM_IN_F (rc, node, 1), cn->packed,
                         cn->p.has_bias ? FM_IN_F (rc, node, 2) : NULL,
                         FM_OUT_F (rc, node, 0), rc->scratch, rc->threads);
}

static const char * const conv_transpose_attributes[] = {
  "auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape",
  "pads", "strides", NULL
};

const FmOpInfo fm_op_conv_transpose = {
  "ConvTranspose", conv_transpose_attributes, conv_transpose_prepare, conv_transpose_run
};
