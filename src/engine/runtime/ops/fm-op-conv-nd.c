/* fm-op-conv-nd.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Windows of up to three spatial dims (see fm-op-conv-nd.h): im2col and
 * its adjoint col2im, and Conv of any rank as im2col in slices of columns
 * that stay in the L2 cache, each multiplied by the weights packed per
 * group. Used for 3-D Conv and for ConvTranspose of every rank; 1-D and
 * 2-D Conv have their own faster paths in fm-op-conv.c.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-gemm.h"
#include "fm-op-conv-nd.h"
#include "fm-op-conv-private.h"

void
fm_col_geom_init (FmColGeom        *g,
                  gint64            c,
                  const FmWindowNd *win)
{
  g->c = c;
  g->win = win;
  g->rows = c * win->k[0] * win->k[1] * win->k[2];
  g->cols = win->out[0] * win->out[1] * win->out[2];
}

gint64
fm_col_chunk (gint64 rows,
              gint64 cols)
{
  gint64 chunk = MAX ((gint64) (131072 / MAX (rows, 1)) / 48 * 48, 48);

  return MAX (MIN (chunk, cols), 1);
}

/* Outputs [lo, hi) of dim @j whose tap o * s - pb + koff lands on the
 * input. */
static inline void
tap_range (const FmWindowNd *w,
           int               j,
           gint64            koff,
           gint64           *lo,
           gint64           *hi)
{
  fm_conv_valid_range (w->in[j], w->out[j], w->s[j], w->pb[j], koff, lo, hi);
}

/* Row @r of the im2col matrix, columns [j0, j0 + jn), as @row[j - j0]:
 * gathered from @img, or added into it when @scatter. */
static void
col_row (const FmColGeom *g,
         gint64           r,
         float           *img,
         float           *row,
         gint64           j0,
         gint64           jn,
         gboolean         scatter)
{
  const FmWindowNd *w = g->win;
  gint64 kk = w->k[0] * w->k[1] * w->k[2];
  gint64 c = r / kk, kz = r / (w->k[1] * w->k[2]) % w->k[0];
  gint64 ky = r / w->k[2] % w->k[1], kx = r % w->k[2];
  gint64 zlo, zhi, ylo, yhi, xlo, xhi;
  gint64 s2 = w->s[2];

  tap_range (w, 0, kz * w->d[0], &zlo, &zhi);
  tap_range (w, 1, ky * w->d[1], &ylo, &yhi);
  tap_range (w, 2, kx * w->d[2], &xlo, &xhi);
  for (gint64 j = j0; j < j0 + jn;)
    {
      gint64 ox0 = j % w->out[2], t = j / w->out[2];
      gint64 oy = t % w->out[1], oz = t / w->out[1];
      gint64 ox1 = MIN (w->out[2], ox0 + (j0 + jn - j));
      float *dst = row + (j - j0) - ox0;   /* dst[ox] is column (oz, oy, ox) */
      float *src;
      gint64 a, b;

      j += ox1 - ox0;
      if (oz < zlo || oz >= zhi || oy < ylo || oy >= yhi)
        {
          if (!scatter)
            memset (dst + ox0, 0, (ox1 - ox0) * sizeof (float));
          continue;
        }
      src = img + ((c * w->in[0] + oz * w->s[0] - w->pb[0] + kz * w->d[0]) * w->in[1] +
                   oy * w->s[1] - w->pb[1] + ky * w->d[1]) * w->in[2] - w->pb[2] + kx * w->d[2];
      a = CLAMP (xlo, ox0, ox1);
      b = CLAMP (xhi, a, ox1);
      if (scatter)
        {
          for (gint64 ox = a; ox < b; ox++)
            src[ox * s2] += dst[ox];
          continue;
        }
      memset (dst + ox0, 0, (a - ox0) * sizeof (float));
      if (s2 == 1)
        memcpy (dst + a, src + a, (b - a) * sizeof (float));
      else
        for (gint64 ox = a; ox < b; ox++)
          dst[ox] = src[ox * s2];
      memset (dst + b, 0, (ox1 - b) * sizeof (float));
    }
}

void
fm_im2col_nd (const FmColGeom *g,
              const float     *img,
              float           *col,
              gint64           pitch,
              gint64           j0,
              gint64           jn,
              gint64           r0,
              gint64           r1)
{
  for (gint64 r = r0; r < r1; r++)
    col_row (g, r, (float *) img, col + r * pitch, j0, jn, FALSE);
}

void
fm_col2im_nd (const FmColGeom *g,
              const float     *col,
              gint64           pitch,
              gint64           j0,
              gint64           jn,
              float           *img,
              gint64           c0,
              gint64           c1)
{
  const FmWindowNd *w = g->win;
  gint64 kk = w->k[0] * w->k[1] * w->k[2];

  for (gint64 r = c0 * kk; r < c1 * kk; r++)
    col_row (g, r, img, (float *) col + r * pitch, j0, jn, TRUE);
}

void
fm_col_plan_init (FmColPlan *plan,
                  gint64     a_rows,
                  gint64     a_cols,
                  gboolean   trans,
                  gint64     col_rows,
                  gint64     cols,
                  gboolean   prepacked)
{
  plan->a_rows = a_rows;
  plan->a_cols = a_cols;
  plan->trans = trans;
  plan->prepacked = prepacked;
  plan->col_rows = col_rows;
  plan->chunk = fm_col_chunk (col_rows, cols);
  plan->per_group = fm_gemm_packed_a_size (a_rows, a_cols);
  plan->size = prepacked ? 0 : fm_align64 (plan->per_group * sizeof (float));
  plan->size += fm_align64 (a_cols * sizeof (gint64));
  plan->size += fm_align64 (col_rows * plan->chunk * sizeof (float));
}

/* Group @g of @w into @dst. */
static void
col_plan_pack_group (const FmColPlan *plan,
                     const float     *w,
                     gint64           g,
                     float           *dst)
{
  fm_gemm_pack_a (plan->a_rows, plan->a_cols, w + g * plan->a_rows * plan->a_cols,
                  plan->trans ? plan->a_rows : plan->a_cols, plan->trans, dst);
}

void
fm_col_plan_pack (const FmColPlan *plan,
                  gint64           group,
                  const float     *w,
                  float           *packed)
{
  for (gint64 g = 0; g < group; g++)
    col_plan_pack_group (plan, w, g, packed + g * plan->per_group);
}

gint64 *
fm_col_plan_start (const FmColPlan *plan,
                   gpointer         scratch,
                   FmGemmPacked    *gm,
                   float          **col)
{
  guint8 *s = scratch;
  gint64 *boff;

  if (!plan->prepacked)
    s += fm_align64 (plan->per_group * sizeof (float));
  boff = (gint64 *) s;
  *col = (float *) (s + fm_align64 (plan->a_cols * sizeof (gint64)));
  memset (gm, 0, sizeof *gm);
  gm->m = plan->a_rows;
  gm->k = plan->a_cols;
  gm->boff = boff;
  gm->alpha = 1.0f;
  return boff;
}

void
fm_col_plan_group (const FmColPlan *plan,
                   gpointer         scratch,
                   const float     *w,
                   const float     *packed,
                   gint64           g,
                   FmGemmPacked    *gm)
{
  if (packed != NULL)
    gm->ap = packed + g * plan->per_group;
  else
    {
      col_plan_pack_group (plan, w, g, scratch);
      gm->ap = scratch;
    }
}

gboolean
fm_op_conv_inputs (FmOpContext  *ctx,
                   FmValue     **x,
                   FmValue     **w,
                   FmValue     **b,
                   GError      **error)
{
  *x = fm_op_float_x (ctx, 2, 3, -1, error);
  if (*x == NULL || !fm_op_check_input (ctx, 1, FM_DTYPE_FLOAT, -1, error))
    return FALSE;
  *w = fm_op_input (ctx, 1);
  *b = fm_op_input (ctx, 2);
  return TRUE;
}

gboolean
fm_op_conv_check_bias (FmOpContext    *ctx,
                       const FmValue  *b,
                       gint64          m,
                       GError        **error)
{
  if (b != NULL &&
      (b->dtype != FM_DTYPE_FLOAT || b->shape.rank != 1 || b->shape.dims[0] != m))
    {
      g_autofree char *bs = fm_shape_to_string (&b->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("bias B has shape %s; expected [%" PRId64 "] float"), bs, m);
    }
  return TRUE;
}

gboolean
fm_op_conv_check_kernel_shape (FmOpContext    *ctx,
                               const FmValue  *w,
                               const gint64   *kshape,
                               guint           n_kshape,
                               GError        **error)
{
  int n = w->shape.rank - 2;

  if (n_kshape != 0
      && (n_kshape != (guint) n
          || memcmp (kshape, w->shape.dims + 2, n * sizeof *kshape) != 0))
    {
      g_autofree char *ws = fm_shape_to_string (&w->shape);

      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("kernel_shape does not match weights W of shape %s"), ws);
    }
  return TRUE;
}

gboolean
fm_op_conv_pack_weights (FmOpContext     *ctx,
                         const FmColPlan *plan,
                         gint64           group,
                         const FmValue   *w,
                         float          **packed,
                         GError         **error)
{
  gsize bytes = plan->per_group;

  if (!g_size_checked_mul (&bytes, bytes, group) ||
      !g_size_checked_mul (&bytes, bytes, sizeof (float)) ||
      (*packed = fm_aligned_alloc0 (MAX (bytes, 64))) == NULL)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                       _("not enough memory to pack the weights"));
  fm_col_plan_pack (plan, group, w->constant->data, *packed);
  ctx->own_copy |= 1u << 1;   /* run reads only the packed weights */
  return TRUE;
}

/* Conv of any rank. */

static gint64
window_size (const gint64 *dims)
{
  return dims[0] * dims[1] * dims[2];
}

void
fm_conv_nd_plan (const FmConvNd *p,
                 gboolean        prepacked,
                 FmColPlan      *plan)
{
  gint64 rows = p->c / p->group * window_size (p->win.k);

  fm_col_plan_init (plan, p->m / p->group, rows, FALSE, rows, window_size (p->win.out),
                    prepacked);
}

typedef struct
{
  const FmColGeom *geom;
  float           *img;
  float           *col;
  gint64           pitch, j0, jn;
} ColJob;

static void
im2col_range (gpointer data,
              gint64   begin,
              gint64   end)
{
  const ColJob *job = data;

  fm_im2col_nd (job->geom, job->img, job->col, job->pitch, job->j0, job->jn, begin, end);
}

static void
col2im_range (gpointer data,
              gint64   begin,
              gint64   end)
{
  const ColJob *job = data;

  fm_col2im_nd (job->geom, job->col, job->pitch, job->j0, job->jn, job->img, begin, end);
}

void
fm_conv_nd_run (const FmConvNd *p,
                const float    *x,
                const float    *w,
                const float    *packed,
                const float    *b,
                float          *y,
                gpointer        scratch,
                FmThreads      *pool)
{
  gint64 cg = p->c / p->group, mg = p->m / p->group;
  gint64 in_size = window_size (p->win.in), cols = window_size (p->win.out);
  FmColPlan plan;
  FmColGeom geom;
  FmGemmPacked gm;
  gint64 *boff;
  float *col;   /* [rows, chunk] */

  fm_conv_nd_plan (p, packed != NULL, &plan);
  boff = fm_col_plan_start (&plan, scratch, &gm, &col);
  for (gint64 r = 0; r < plan.a_cols; r++)
    boff[r] = r * plan.chunk;
  fm_col_geom_init (&geom, cg, &p->win);
  gm.b = col;
  gm.ldc = cols;

  for (gint64 n = 0; n < p->n; n++)
    for (gint64 g = 0; g < p->group; g++)
      {
        const float *xg = x + (n * p->c + g * cg) * in_size;   /* [cg, in...] */
        float *yg = y + (n * p->m + g * mg) * cols;            /* [mg, out...] */

        fm_col_plan_group (&plan, scratch, w, packed, g, &gm);
        gm.bias = p->has_bias ? b + g * mg : NULL;
        for (gint64 j0 = 0; j0 < cols; j0 += plan.chunk)
          {
            ColJob job = { &geom, (float *) xg, col, plan.chunk, j0, MIN (plan.chunk, cols - j0) };

            fm_threads_parallel_for (pool, plan.col_rows, MAX (16384 / job.jn, 1),
                                     im2col_range, &job);
            gm.n = job.jn;
            gm.c = yg + j0;
            fm_gemm_packed (&gm, pool);
          }
      }
}

/* ConvTranspose of any rank. */

void
fm_conv_transpose_plan (const FmConvNd *p,
                        gboolean        prepacked,
                        FmColPlan      *plan)
{
  gint64 rows = p->m / p->group * window_size (p->win.k);

  fm_col_plan_init (plan, rows, p->c / p->group, TRUE, rows, window_size (p->win.out),
                    prepacked);
}

void
fm_conv_transpose_run (const FmConvNd *p,
                       const float    *x,
                       const float    *w,
                       const float    *packed,
                       const float    *b,
                       float          *y,
                       gpointer        scratch,
                       FmThreads      *pool)
{
  gint64 cg = p->c / p->group, mg = p->m / p->group, kk = window_size (p->win.k);
  gint64 y_size = window_size (p->win.in), cols = window_size (p->win.out);
  FmColPlan plan;
  FmColGeom geom;
  FmGemmPacked gm;
  gint64 *boff;
  float *col;   /* [rows, chunk] */

  fm_conv_transpose_plan (p, packed != NULL, &plan);
  boff = fm_col_plan_start (&plan, scratch, &gm, &col);
  for (gint64 c = 0; c < cg; c++)
    boff[c] = c * cols;
  fm_col_geom_init (&geom, mg, &p->win);
  gm.c = col;
  gm.ldc = plan.chunk;

  for (gint64 m = 0; m < p->n * p->m; m++)
    {
      float v = p->has_bias ? b[m % p->m] : 0.0f;
      float *ym = y + m * y_size;

      for (gint64 i = 0; i < y_size; i++)
        ym[i] = v;
    }
  for (gint64 n = 0; n < p->n; n++)
    for (gint64 g = 0; g < p->group; g++)
      {
        const float *xg = x + (n * p->c + g * cg) * cols;      /* [cg, xs...] */
        float *yg = y + (n * p->m + g * mg) * y_size;          /* [mg, in...] */

        fm_col_plan_group (&plan, scratch, w, packed, g, &gm);
        for (gint64 j0 = 0; j0 < cols; j0 += plan.chunk)
          {
            ColJob job = { &geom, yg, col, plan.chunk, j0, MIN (plan.chunk, cols - j0) };

            gm.b = xg + j0;
            gm.n = job.jn;
            fm_gemm_packed (&gm, pool);
            fm_threads_parallel_for (pool, mg, MAX (16384 / (kk * job.jn), 1), col2im_range,
                                     &job);
          }
      }
}

gint64
fm_window_nd_tap (const FmWindowNd *w,
                  gint64            j,
                  gint64            t)
{
  gint64 o[3] = { j / (w->out[1] * w->out[2]), j / w->out[2] % w->out[1], j % w->out[2] };
  gint64 k[3] = { t / (w->k[1] * w->k[2]), t / w->k[2] % w->k[1], t % w->k[2] };
  gint64 off = 0;

  for (int d = 0; d < 3; d++)
    {
      gint64 i = o[d] * w->s[d] - w->pb[d] + k[d] * w->d[d];

      if (i < 0 || i >= w->in[d])
        return -1;
      off = off * w->in[d] + i;
    }
  return off;
}

void
fm_conv_nd_reference (const FmConvNd *p,
                      const float    *x,
                      const float    *w,
                      const float    *b,
                      float          *y)
{
  const FmWindowNd *wn = &p->win;
  gint64 cg = p->c / p->group, mg = p->m / p->group, kk = window_size (wn->k);
  gint64 rows = cg * kk, cols = window_size (wn->out);
  gint64 in_size = window_size (wn->in);

  /* The plain sum over taps, independent of the im2col walk. */
  for (gint64 n = 0; n < p->n; n++)
    for (gint64 m = 0; m < p->m; m++)
      for (gint64 j = 0; j < cols; j++)
        {
          gint64 g = m / mg;
          double acc = p->has_bias ? b[m] : 0.0;

          for (gint64 r = 0; r < rows; r++)
            {
              gint64 c = r / kk, off = fm_window_nd_tap (wn, j, r % kk);

              if (off >= 0)
                acc += (double) x[(n * p->c + g * cg + c) * in_size + off] * w[m * rows + r];
            }
          y[(n * p->m + m) * cols + j] = (float) acc;
        }
}
