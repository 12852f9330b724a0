/* fm-op-conv.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conv, 1-D and 2-D, with auto_pad, pads, strides, dilations, groups and
 * optional bias. The fast path is im2col into scratch followed by one
 * cblas_sgemm per image and group (1x1 stride-1 unpadded convs skip
 * im2col); depthwise convs (group = C = M) use direct loops. A naive
 * reference kernel lives here too for the tests. 3-D convs are refused.
 */
#include "config.h"

#include <cblas.h>
#include <string.h>

#include "fm-op-common.h"
#include "fm-op-conv-private.h"

gboolean
fm_conv_params_finish (FmConvParams *p,
                       gint64        pe_h,
                       gint64        pe_w)
{
  gint64 ekh = (p->kh - 1) * p->dh + 1;
  gint64 ekw = (p->kw - 1) * p->dw + 1;
  gint64 sh = p->h + p->ph + pe_h - ekh;
  gint64 sw = p->w + p->pw + pe_w - ekw;

  if (sh < 0 || sw < 0)
    return FALSE;
  p->oh = sh / p->sh + 1;
  p->ow = sw / p->sw + 1;
  return TRUE;
}

static gboolean
conv_is_pointwise (const FmConvParams *p)
{
  return p->kh == 1 && p->kw == 1 && p->sh == 1 && p->sw == 1 &&
         p->ph == 0 && p->pw == 0 && p->oh == p->h && p->ow == p->w;
}

static gboolean
conv_is_depthwise (const FmConvParams *p)
{
  return p->group > 1 && p->group == p->c && p->m == p->c;
}

gsize
fm_conv_scratch_size (const FmConvParams *p)
{
  if (conv_is_pointwise (p) || conv_is_depthwise (p))
    return 0;
  return (gsize) (p->c / p->group) * p->kh * p->kw * p->oh * p->ow * sizeof (float);
}

void
fm_conv_reference (const FmConvParams *p,
                   const float        *x,
                   const float        *w,
                   const float        *b,
                   float              *y)
{
  gint64 cg = p->c / p->group, mg = p->m / p->group;

  for (gint64 n = 0; n < p->n; n++)
    for (gint64 m = 0; m < p->m; m++)
      for (gint64 oy = 0; oy < p->oh; oy++)
        for (gint64 ox = 0; ox < p->ow; ox++)
          {
            gint64 g = m / mg;
            double acc = p->has_bias ? b[m] : 0.0;

            for (gint64 c = 0; c < cg; c++)
              for (gint64 ky = 0; ky < p->kh; ky++)
                for (gint64 kx = 0; kx < p->kw; kx++)
                  {
                    gint64 iy = oy * p->sh - p->ph + ky * p->dh;
                    gint64 ix = ox * p->sw - p->pw + kx * p->dw;

                    if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w)
                      continue;
                    acc += (double) x[((n * p->c + g * cg + c) * p->h + iy) * p->w + ix] *
                           w[((m * cg + c) * p->kh + ky) * p->kw + kx];
                  }
            y[((n * p->m + m) * p->oh + oy) * p->ow + ox] = (float) acc;
          }
}

/* Output range [lo, hi) of o such that o * s - p + k * d is in [0, len). */
static inline void
valid_range (gint64  len,
             gint64  out,
             gint64  s,
             gint64  pad,
             gint64  koff,
             gint64 *lo,
             gint64 *hi)
{
  *lo = CLAMP (fm_ceil_div (pad - koff, s), 0, out);
  *hi = MIN (out, fm_floor_div (len - 1 + pad - koff, s) + 1);
  if (*hi < *lo)
    *hi = *lo;
}

/* col [cg * kh * kw, oh * ow] from x [cg, h, w] */
static void
im2col (const FmConvParams *p,
        gint64              cg,
        const float        *x,
        float              *col)
{
  gint64 cols = p->oh * p->ow;

  for (gint64 c = 0; c < cg; c++)
    for (gint64 ky = 0; ky < p->kh; ky++)
      for (gint64 kx = 0; kx < p->kw; kx++)
        {
          float *row = col + ((c * p->kh + ky) * p->kw + kx) * cols;
          gint64 ylo, yhi, xlo, xhi;

          valid_range (p->h, p->oh, p->sh, p->ph, ky * p->dh, &ylo, &yhi);
          valid_range (p->w, p->ow, p->sw, p->pw, kx * p->dw, &xlo, &xhi);
          memset (row, 0, ylo * p->ow * sizeof (float));
          for (gint64 oy = ylo; oy < yhi; oy++)
            {
              const float *src = x + (c * p->h + oy * p->sh - p->ph + ky * p->dh) * p->w;
              float *dst = row + oy * p->ow;

              for (gint64 ox = 0; ox < xlo; ox++)
                dst[ox] = 0.0f;
              if (p->sw == 1)
                memcpy (dst + xlo, src + xlo - p->pw + kx * p->dw,
                        (xhi - xlo) * sizeof (float));
              else
                for (gint64 ox = xlo; ox < xhi; ox++)
                  dst[ox] = src[ox * p->sw - p->pw + kx * p->dw];
              for (gint64 ox = xhi; ox < p->ow; ox++)
                dst[ox] = 0.0f;
            }
          memset (row + yhi * p->ow, 0, (p->oh - yhi) * p->ow * sizeof (float));
        }
}

static void
conv_depthwise (const FmConvParams *p,
                const float        *x,
                const float        *w,
                const float        *b,
                float              *y)
{
  for (gint64 n = 0; n < p->n; n++)
    for (gint64 c = 0; c < p->c; c++)
      {
        const float *xc = x + (n * p->c + c) * p->h * p->w;
        const float *wc = w + c * p->kh * p->kw;
        float *yc = y + (n * p->c + c) * p->oh * p->ow;
        float bias = p->has_bias ? b[c] : 0.0f;

        for (gint64 i = 0; i < p->oh * p->ow; i++)
          yc[i] = bias;
        for (gint64 ky = 0; ky < p->kh; ky++)
          for (gint64 kx = 0; kx < p->kw; kx++)
            {
              float wv = wc[ky * p->kw + kx];
              gint64 ylo, yhi, xlo, xhi;

              valid_range (p->h, p->oh, p->sh, p->ph, ky * p->dh, &ylo, &yhi);
              valid_range (p->w, p->ow, p->sw, p->pw, kx * p->dw, &xlo, &xhi);
              for (gint64 oy = ylo; oy < yhi; oy++)
                {
                  const float *src = xc + (oy * p->sh - p->ph + ky * p->dh) * p->w
                                     - p->pw + kx * p->dw;
                  float *dst = yc + oy * p->ow;

                  if (p->sw == 1)
                    for (gint64 ox = xlo; ox < xhi; ox++)
                      dst[ox] += wv * src[ox];
                  else
                    for (gint64 ox = xlo; ox < xhi; ox++)
                      dst[ox] += wv * src[ox * p->sw];
                }
            }
      }
}

void
fm_conv_fast (const FmConvParams *p,
              const float        *x,
              const float        *w,
              const float        *b,
              float              *y,
              float              *scratch)
{
  gint64 cg = p->c / p->group, mg = p->m / p->group;
  gint64 cols = p->oh * p->ow, rows = cg * p->kh * p->kw;
  gboolean pointwise = conv_is_pointwise (p);

  if (conv_is_depthwise (p))
    {
      conv_depthwise (p, x, w, b, y);
      return;
    }

  for (gint64 n = 0; n < p->n; n++)
    for (gint64 g = 0; g < p->group; g++)
      {
        const float *xg = x + (n * p->c + g * cg) * p->h * p->w; /* [cg, h, w] */
        const float *wg = w + g * mg * rows;                     /* [mg, rows] */
        float *yg = y + (n * p->m + g * mg) * cols;              /* [mg, cols] */
        const float *col = xg;                                   /* [rows, cols] */

        if (p->has_bias)
          for (gint64 m = 0; m < mg; m++)
            for (gint64 i = 0; i < cols; i++)
              yg[m * cols + i] = b[g * mg + m];
        if (!pointwise)
          {
            im2col (p, cg, xg, scratch);
            col = scratch;
          }
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                     (blasint) mg, (blasint) cols, (blasint) rows,
                     1.0f, wg, (blasint) rows, col, (blasint) cols,
                     p->has_bias ? 1.0f : 0.0f, yg, (blasint) cols);
      }
}

static gboolean
conv_prepare (FmOpContext  *ctx,
              GError      **error)
{
  FmValue *x, *w, *b;
  FmConvParams *p;
  FmWindow win;
  FmShape out;
  gint64 group, kernel[2], kshape[2];
  guint n_kshape;
  int n;

  if (!fm_op_check_n_inputs (ctx, 2, 3, error) ||
      !fm_op_check_input (ctx, 0, FM_DTYPE_FLOAT, -1, error) ||
      !fm_op_check_input (ctx, 1, FM_DTYPE_FLOAT, -1, error))
    return FALSE;
  x = fm_op_input (ctx, 0);
  w = fm_op_input (ctx, 1);
  b = fm_op_input (ctx, 2);
  n = x->shape.rank - 2;
  if (n == 3)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       "3-D convolution is not supported");
  if (n < 1 || n > 2)
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         "input X has shape %s; expected [N, C, W] or [N, C, H, W]", xs);
    }
  if (w->shape.rank != x->shape.rank)
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      g_autofree char *ws = fm_shape_to_string (&w->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         "input X has shape %s but weights W have shape %s of another rank",
                         xs, ws);
    }
  if (!fm_op_attr_int (ctx, "group", 1, &group, error) ||
      !fm_op_attr_ints (ctx, "kernel_shape", kshape, 2, &n_kshape, error))
    return FALSE;
  for (int i = 0; i < n; i++)
    kernel[i] = w->shape.dims[2 + i];
  if (n_kshape != 0)
    {
      if (n_kshape != (guint) n || kshape[0] != kernel[0] ||
          (n == 2 && kshape[1] != kernel[1]))
        {
          g_autofree char *ws = fm_shape_to_string (&w->shape);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             "kernel_shape does not match weights W of shape %s", ws);
        }
    }
  if (group < 1 || x->shape.dims[1] % group != 0 ||
      w->shape.dims[1] * group != x->shape.dims[1])
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      g_autofree char *ws = fm_shape_to_string (&w->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         "input X has shape %s but weights W of shape %s with group %" G_GINT64_FORMAT
                         " expect %" G_GINT64_FORMAT " channel%s",
                         xs, ws, group, w->shape.dims[1] * MAX (group, 1),
                         w->shape.dims[1] * MAX (group, 1) == 1 ? "" : "s");
    }
  if (w->shape.dims[0] < 1 || w->shape.dims[0] % group != 0)
    {
      g_autofree char *ws = fm_shape_to_string (&w->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         "weights W of shape %s: %" G_GINT64_FORMAT
                         " output channels are not divisible by group %" G_GINT64_FORMAT,
                         ws, w->shape.dims[0], group);
    }
  if (b != NULL)
    {
      if (b->dtype != FM_DTYPE_FLOAT || b->shape.rank != 1 ||
          b->shape.dims[0] != w->shape.dims[0])
        {
          g_autofree char *bs = fm_shape_to_string (&b->shape);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             "bias B has shape %s; expected [%" G_GINT64_FORMAT "] float",
                             bs, w->shape.dims[0]);
        }
    }
  if (!fm_op_window_init (ctx, &x->shape, kernel, FALSE, &win, error))
    return FALSE;

  p = g_new0 (FmConvParams, 1);
  ctx->node->params = p;
  ctx->node->free_params = g_free;
  p->n = x->shape.dims[0];
  p->c = x->shape.dims[1];
  p->h = win.in[0];
  p->w = win.in[1];
  p->m = w->shape.dims[0];
  p->group = group;
  p->kh = win.k[0];
  p->kw = win.k[1];
  p->sh = win.s[0];
  p->sw = win.s[1];
  p->dh = win.d[0];
  p->dw = win.d[1];
  p->ph = win.pb[0];
  p->pw = win.pb[1];
  p->oh = win.out[0];
  p->ow = win.out[1];
  p->has_bias = b != NULL;

  out.rank = x->shape.rank;
  out.dims[0] = p->n;
  out.dims[1] = p->m;
  for (int i = 0; i < n; i++)
    out.dims[2 + i] = win.out[i + 2 - n];
  if (!fm_op_numel (ctx, &out, &(gsize) { 0 }, error))
    return FALSE;
  ctx->scratch_size = fm_conv_scratch_size (p);
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

static void
conv_run (const FmNode *node,
          FmRunCtx     *rc)
{
  const FmConvParams *p = node->params;

  fm_conv_fast (p, FM_IN_F (rc, node, 0), FM_IN_F (rc, node, 1),
                p->has_bias ? FM_IN_F (rc, node, 2) : NULL,
                FM_OUT_F (rc, node, 0), rc->scratch);
}

static const char * const conv_attributes[] = {
  "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", NULL
};

const FmOpInfo fm_op_conv = { "Conv", conv_attributes, conv_prepare, conv_run };
