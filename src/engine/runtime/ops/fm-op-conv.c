/* fm-op-conv.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conv, 1-D, 2-D and 3-D, with auto_pad, pads, strides, dilations, groups and
 * optional bias. Constant weights are packed for fm-gemm at load. Stride-1
 * convs multiply straight on the input rows (copied into a zero-padded
 * buffer when there are pads): row (c, ky, kx) of the im2col matrix is the
 * padded input shifted, so there is no im2col, and the output columns that
 * fall in the padding are dropped afterwards. Stride-2 convs do the same
 * on the input split into four planes by the parity of its rows and
 * columns, where that copies less than im2col; other strided convs use
 * im2col into scratch; depthwise convs (group = C = M) use a direct vector kernel,
 * channels split across the run's threads (fm-op-conv-depthwise.c). Bias
 * is added by the GEMM.
 * 3x3 stride-1 convs with constant weights and enough channels and work
 * take Winograd's F(2x2, 3x3) instead (fm-winograd.c, weights transformed
 * at load; FM_WINOGRAD=0 in the environment keeps them on the direct
 * path). A naive reference kernel lives here too for the tests. 3-D convs
 * run as im2col + GEMM in fm-op-conv-nd.c.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-gemm.h"
#include "fm-op-common.h"
#include "fm-op-conv-nd.h"
#include "fm-op-conv-private.h"
#include "fm-op-simd.h"
#include "fm-winograd.h"

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

typedef enum
{
  CONV_DEPTHWISE,   /* direct loops */
  CONV_IMPLICIT,    /* stride 1 (or 2, on parity planes): GEMM straight on
                     * the (padded) input rows */
  CONV_IM2COL,      /* im2col into scratch, then GEMM */
  CONV_WINOGRAD,    /* 3x3 stride 1, constant weights: fm-winograd.c */
} ConvMode;

static gboolean
conv_is_depthwise (const FmConvParams *p)
{
  return p->group > 1 && p->group == p->c && p->m == p->c;
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

/* dst[i] = src[2 * i] for i in [0, n): a row of a parity plane or of a
 * stride-2 im2col, 16 at a time from two vectors while the second does
 * not reach past src[2 * (n - 1)]. */
static FM_SIMD_INLINE void
gather_even_body (const float *src,
                  float       *dst,
                  gint64       n)
{
  gint64 i = 0;

  for (; i + FM_VL < n; i += FM_VL)
    {
      FmVecF lo, hi, v;

      fm_vload (&lo, src + 2 * i);
      fm_vload (&hi, src + 2 * i + FM_VL);
      fm_vshuffle_even (&v, &lo, &hi);
      fm_vstore (dst + i, &v);
    }
  for (; i < n; i++)
    dst[i] = src[2 * i];
}

FM_SIMD_FUNCS (gather_even, (const float *src, float *dst, gint64 n), (src, dst, n))

/* Rows [r0, r1) of columns [j0, j0 + jn) of the im2col matrix [cg * kh *
 * kw, oh * ow] of x [cg, h, w], into col [rows, pitch] (column j at
 * j - j0); row r is (c, ky, kx), column j is output pixel (j / ow, j % ow). */
static void
im2col_rows (const FmConvParams *p,
             const float        *x,
             float              *col,
             gint64              pitch,
             gint64              j0,
             gint64              jn,
             gint64              r0,
             gint64              r1)
{
  for (gint64 r = r0; r < r1; r++)
    {
      gint64 c = r / (p->kh * p->kw);
      gint64 ky = r / p->kw % p->kh;
      gint64 kx = r % p->kw;
      float *row = col + r * pitch - j0;   /* row[j] for j in [j0, j0 + jn) */
      gint64 ylo, yhi, xlo, xhi;

      fm_conv_valid_range (p->h, p->oh, p->sh, p->ph, ky * p->dh, &ylo, &yhi);
      fm_conv_valid_range (p->w, p->ow, p->sw, p->pw, kx * p->dw, &xlo, &xhi);
      for (gint64 j = j0; j < j0 + jn;)
        {
          gint64 oy = j / p->ow, ox0 = j % p->ow;
          gint64 ox1 = MIN (p->ow, ox0 + (j0 + jn - j));
          float *dst = row + oy * p->ow;   /* dst[ox] is column oy * ow + ox */
          const float *src;
          gint64 a, b;

          j += ox1 - ox0;
          if (oy < ylo || oy >= yhi)
            {
              memset (dst + ox0, 0, (ox1 - ox0) * sizeof (float));
              continue;
            }
          src = x + (c * p->h + oy * p->sh - p->ph + ky * p->dh) * p->w - p->pw + kx * p->dw;
          a = CLAMP (xlo, ox0, ox1);
          b = CLAMP (xhi, a, ox1);
          memset (dst + ox0, 0, (a - ox0) * sizeof (float));
          if (p->sw == 1)
            memcpy (dst + a, src + a, (b - a) * sizeof (float));
          else if (p->sw == 2)
            gather_even (src + 2 * a, dst + a, b - a);
          else
            for (gint64 ox = a; ox < b; ox++)
              dst[ox] = src[ox * p->sw];
          memset (dst + b, 0, (ox1 - b) * sizeof (float));
        }
    }
}


/* How a conv runs and where its buffers sit in scratch (byte offsets). */
typedef struct
{
  ConvMode mode;
  gint64   cg, mg, rows, cols;  /* per group: weights [mg, rows], output [mg, cols] */
  gint64   hp, wp;              /* implicit: the (padded) input plane read; with
                                 * parity, each of its four parity planes */
  gboolean parity;              /* implicit, stride 2: xpad holds parity planes */
  gint64   npy, npx;            /* parity planes made: row and column parities */
  gint64   flat;                /* implicit: output columns in input-row pitch */
  gboolean pad_copy;            /* implicit: copy x into a padded buffer */
  gboolean compact;             /* implicit: output goes through cbuf */
  gint64   crows;               /* implicit + compact: output rows per pass through cbuf */
  gint64   chunk;               /* im2col: output columns per slice of col */
  gsize    at_pack, at_boff, at_xpad, at_cbuf, at_col;
  gsize    size;
} ConvPlan;

/* Stride 2 on parity planes (below) or through im2col: the floats each
 * writes and reads back. Parity planes copy the input once (the @planes
 * of [@hp, @wp] that taps read) and, unless each output row fills a plane
 * row, compact the output; im2col copies kh * kw values per output.
 * ResNet's 7x7 stem (3 channels in, 64 out) and its 3x3 and 1x1 stride-2
 * convs take the planes; MobileNet's 3x3 stem (3 in, 32 out: 27 rows)
 * stays on im2col, which was a third faster there. */
static gboolean
parity_pays (const FmConvParams *p,
             const ConvPlan     *plan,
             gint64              hp,
             gint64              wp,
             gint64              planes)
{
  double compact = wp != p->ow ? 2.0 * plan->mg * plan->cols : 0;

  return (double) planes * plan->cg * hp * wp + compact <= 2.0 * plan->rows * plan->cols;
}

static void
conv_plan (const FmConvParams *p,
           gboolean            prepacked,
           ConvPlan           *plan)
{
  gint64 ekh = (p->kh - 1) * p->dh + 1;
  gint64 ekw = (p->kw - 1) * p->dw + 1;
  gsize at = 0;

  memset (plan, 0, sizeof *plan);
  plan->cg = p->c / p->group;
  plan->mg = p->m / p->group;
  plan->rows = plan->cg * p->kh * p->kw;
  plan->cols = p->oh * p->ow;
  if (conv_is_depthwise (p))
    {
      plan->mode = CONV_DEPTHWISE;
      return;
    }
  /* Stride 1 reads one plane, the padded input; stride 2, parity planes
   * of half its height and width (below) */
  plan->npy = plan->npx = 1;
  plan->hp = p->oh + ekh - 1;
  plan->wp = p->ow + ekw - 1;
  if (p->sh == 2 && p->sw == 2 && p->dh == 1 && p->dw == 1)
    {
      gint64 hp = (2 * (p->oh - 1) + p->kh + 1) / 2, wp = (2 * (p->ow - 1) + p->kw + 1) / 2;
      gint64 npy = MIN (p->kh, 2), npx = MIN (p->kw, 2);

      plan->parity = parity_pays (p, plan, hp, wp, npy * npx);
      if (plan->parity)
        {
          plan->hp = hp;
          plan->wp = wp;
          plan->npy = npy;
          plan->npx = npx;
        }
    }
  plan->mode = (p->sh == 1 && p->sw == 1) || plan->parity ? CONV_IMPLICIT : CONV_IM2COL;
  if (!prepacked)
    {
      plan->at_pack = at;
      at += fm_align64 (fm_gemm_packed_a_size (plan->mg, plan->rows) * sizeof (float));
    }
  plan->at_boff = at;
  at += fm_align64 (plan->rows * sizeof (gint64));
  if (plan->mode == CONV_IMPLICIT)
    {
      /* Stride 1: output (oy, ox) reads xpad at (oy + ky * dh, ox + kx * dw),
       * so with the output laid out in rows of pitch wp, row (c, ky, kx)
       * of the im2col matrix is xpad shifted by c * hp * wp + ky * dh * wp
       * + kx * dw: no im2col. The wp - ow extra columns are dropped.
       * Stride 2: the padded input, (oh - 1) * 2 + kh rows by (ow - 1) * 2
       * + kw columns, goes into planes by the parity of its rows and
       * columns, each hp x wp: plane (py, px) holds xpad at (2 i + py, 2 j
       * + px). Output (oy, ox) reads xpad at (2 oy + ky, 2 ox + kx), plane
       * (ky % 2, kx % 2) at (oy + ky / 2, ox + kx / 2): so here too row (c,
       * ky, kx) is a plane shifted, in rows of pitch wp, and the copy is
       * the input's size, not kh * kw times it (ResNet's stem: 0.16
       * against 1.8 million values). The sums are those of im2col, in the
       * same order. Only the npy x npx planes taps read are made (one for
       * a 1x1 kernel). */
      plan->pad_copy = plan->parity || plan->hp != p->h || plan->wp != p->w;
      plan->flat = (p->oh - 1) * plan->wp + p->ow;
      plan->compact = plan->wp != p->ow;
      if (plan->pad_copy)
        {
          plan->at_xpad = at;
          at += fm_align64 ((gsize) plan->npy * plan->npx * plan->cg * plan->hp * plan->wp *
                            sizeof (float));
        }
      if (plan->compact)
        {
          /* The GEMM writes crows output rows at a time into cbuf [mg,
           * crows * wp] (about 512 KiB, so it is still in L2 when they are
           * compacted into y), not the whole [mg, flat] through memory. */
          plan->crows = CLAMP (131072 / MAX (plan->mg * plan->wp, 1), 1, p->oh);
          plan->at_cbuf = at;
          at += fm_align64 ((gsize) plan->mg * plan->crows * plan->wp * sizeof (float));
        }
    }
  else
    {
      /* im2col in slices of columns whose [rows, chunk] block stays in
       * the L2 cache (about 512 KiB) until the GEMM reads it; a large
       * stem would otherwise write and read back megabytes. Several slices
       * are each a whole number of the GEMM's 48-column tiles; columns
       * that fit in one slice are not rounded down, since each slice
       * streams every weight again (49 columns cut at 48 read the weights
       * twice for one more column). */
      plan->chunk = MAX (131072 / MAX (plan->rows, 1), 48);
      if (plan->chunk < plan->cols)
        plan->chunk = plan->chunk / 48 * 48;
      plan->chunk = MIN (plan->chunk, plan->cols);
      plan->at_col = at;
      at += fm_align64 ((gsize) plan->rows * plan->chunk * sizeof (float));
    }
  plan->size = at;
}

gint64
fm_conv_im2col_columns (const FmConvParams *p)
{
  ConvPlan plan;

  conv_plan (p, FALSE, &plan);
  return plan.mode == CONV_IM2COL ? plan.chunk : 0;
}

gsize
fm_conv_scratch_size (const FmConvParams *p)
{
  ConvPlan plan;

  conv_plan (p, FALSE, &plan);
  return plan.size;
}

/* Channels [c0, c1) of xpad from x [cg, h, w], zeros around: one plane
 * [cg, hp, wp] holding x at (ph, pw), or with parity the planes [npy][npx]
 * [cg][hp][wp], plane (py, px) at (i, j) holding x at (2 i + py - ph, 2 j
 * + px - pw). */
static void
pad_copy (const FmConvParams *p,
          const ConvPlan     *plan,
          const float        *x,
          float              *xpad,
          gint64              c0,
          gint64              c1)
{
  gint64 s = plan->parity ? 2 : 1;
  gint64 plane = plan->hp * plan->wp;

  for (gint64 py = 0; py < plan->npy; py++)
    for (gint64 px = 0; px < plan->npx; px++)
      {
        /* the columns j with 0 <= s j + px - pw < w */
        gint64 jlo = CLAMP (fm_ceil_div (p->pw - px, s), 0, plan->wp);
        gint64 jhi = CLAMP (fm_ceil_div (p->w + p->pw - px, s), jlo, plan->wp);

        for (gint64 c = c0; c < c1; c++)
          for (gint64 i = 0; i < plan->hp; i++)
            {
              gint64 iy = s * i + py - p->ph;
              float *dst = xpad + ((py * plan->npx + px) * plan->cg + c) * plane + i * plan->wp;
              const float *src;

              if (iy < 0 || iy >= p->h || jlo == jhi)
                {
                  memset (dst, 0, plan->wp * sizeof (float));
                  continue;
                }
              src = x + (c * p->h + iy) * p->w + s * jlo + px - p->pw;
              memset (dst, 0, jlo * sizeof (float));
              if (s == 1)
                memcpy (dst + jlo, src, (jhi - jlo) * sizeof (float));
              else
                gather_even (src, dst + jlo, jhi - jlo);
              memset (dst + jhi, 0, (plan->wp - jhi) * sizeof (float));
            }
      }
}

/* The copies around the GEMM, split across the run's threads: each share
 * is a range of channels (pad), im2col rows or output channels (compact). */
typedef enum
{
  STAGE_PAD,
  STAGE_IM2COL,
  STAGE_COMPACT,
} ConvStage;

typedef struct
{
  const FmConvParams *p;
  const ConvPlan     *plan;
  ConvStage           stage;
  const float        *src;
  float              *dst;
  gint64              j0, jn;   /* im2col: the slice of columns; compact: of rows */
} ConvCopy;

static void
conv_copy_range (gpointer data,
                 gint64   begin,
                 gint64   end)
{
  const ConvCopy *job = data;
  const FmConvParams *p = job->p;
  const ConvPlan *plan = job->plan;

  switch (job->stage)
    {
    case STAGE_PAD:
      pad_copy (p, plan, job->src, job->dst, begin, end);
      break;
    case STAGE_IM2COL:
      im2col_rows (p, job->src, job->dst, plan->chunk, job->j0, job->jn, begin, end);
      break;
    case STAGE_COMPACT:
      /* job->src is cbuf [mg, crows * wp] holding output rows [j0, j0 + jn)
       * in rows of pitch wp; dst is y [mg, oh, ow] */
      for (gint64 m = begin; m < end; m++)
        for (gint64 oy = 0; oy < job->jn; oy++)
          memcpy (job->dst + (m * p->oh + job->j0 + oy) * p->ow,
                  job->src + (m * plan->crows + oy) * plan->wp,
                  p->ow * sizeof (float));
      break;
    default:
      break;
    }
}

/* One stage of copies, split across @pool: the channels of the padding,
 * the rows of im2col columns [j0, j0 + jn), or the output channels of
 * output rows [j0, j0 + jn) for compaction; at least 16k floats a share. */
static void
conv_copy (FmThreads          *pool,
           const FmConvParams *p,
           const ConvPlan     *plan,
           ConvStage           stage,
           const float        *src,
           float              *dst,
           gint64              j0,
           gint64              jn)
{
  ConvCopy job = { p, plan, stage, src, dst, j0, jn };
  gint64 n, each;

  switch (stage)
    {
    case STAGE_PAD:
      n = plan->cg;
      each = plan->npy * plan->npx * plan->hp * plan->wp;
      break;
    case STAGE_IM2COL:
      n = plan->rows;
      each = jn;
      break;
    case STAGE_COMPACT:
    default:
      n = plan->mg;
      each = jn * p->ow;
      break;
    }
  fm_threads_parallel_for (pool, n, MAX (16384 / MAX (each, 1), 1), conv_copy_range,
                           &job);
}

/* B's row offsets for the GEMM: row (c, ky, kx) of the implicit im2col
 * matrix is the padded input shifted; an im2col chunk is dense. */
static void
conv_row_offsets (const FmConvParams *p,
                  const ConvPlan     *plan,
                  gint64             *boff)
{
  for (gint64 c = 0, r = 0; c < plan->cg; c++)
    for (gint64 ky = 0; ky < p->kh; ky++)
      for (gint64 kx = 0; kx < p->kw; kx++, r++)
        if (plan->parity)
          boff[r] = (((ky % 2) * plan->npx + kx % 2) * plan->cg + c) * plan->hp * plan->wp +
                    (ky / 2) * plan->wp + kx / 2;
        else if (plan->mode == CONV_IMPLICIT)
          boff[r] = (c * plan->hp + ky * p->dh) * plan->wp + kx * p->dw;
        else
          boff[r] = r * plan->chunk;
}

/* One group, stride 1 (or 2 on parity planes): GEMM straight on the
 * (padded) input rows, into
 * @yg directly or through cbuf, dropping the columns in the padding. */
static void
conv_group_implicit (FmThreads          *pool,
                     const FmConvParams *p,
                     const ConvPlan     *plan,
                     guint8             *s,
                     FmGemmPacked       *gm,
                     const float        *xg,
                     float              *yg)
{
  float *cbuf = (float *) (s + plan->at_cbuf);  /* [mg, crows * wp] */
  const float *b0;

  gm->b = xg;
  if (plan->pad_copy)
    {
      float *xpad = (float *) (s + plan->at_xpad);

      conv_copy (pool, p, plan, STAGE_PAD, xg, xpad, 0, 0);
      gm->b = xpad;
    }
  if (!plan->compact)
    {
      gm->n = plan->flat;
      gm->c = yg;
      gm->ldc = plan->cols;
      fm_gemm_packed (gm, pool);
      return;
    }

  /* Output rows [oy0, oy0 + r): flat columns from oy0 * wp, so B moves
   * down by as many input rows. */
  b0 = gm->b;
  for (gint64 oy0 = 0; oy0 < p->oh; oy0 += plan->crows)
    {
      gint64 r = MIN (plan->crows, p->oh - oy0);

      gm->b = b0 + oy0 * plan->wp;
      gm->n = (r - 1) * plan->wp + p->ow;
      gm->c = cbuf;
      gm->ldc = plan->crows * plan->wp;
      fm_gemm_packed (gm, pool);
      conv_copy (pool, p, plan, STAGE_COMPACT, cbuf, yg, oy0, r);
    }
}

/* One group, any other stride: im2col a chunk of output columns, then
 * GEMM. */
static void
conv_group_im2col (FmThreads          *pool,
                   const FmConvParams *p,
                   const ConvPlan     *plan,
                   guint8             *s,
                   FmGemmPacked       *gm,
                   const float        *xg,
                   float              *yg)
{
  float *col = (float *) (s + plan->at_col);      /* [rows, chunk] */

  for (gint64 j0 = 0; j0 < plan->cols; j0 += plan->chunk)
    {
      gint64 jn = MIN (plan->chunk, plan->cols - j0);

      conv_copy (pool, p, plan, STAGE_IM2COL, xg, col, j0, jn);
      gm->b = col;
      gm->n = jn;
      gm->c = yg + j0;
      gm->ldc = plan->cols;
      fm_gemm_packed (gm, pool);
    }
}

/* A GEMM conv of fewer flops runs on one thread (about 30 us there): a
 * second thread would save less than it costs to move the shares of its
 * input and output between the cores' caches (MNIST's convs of 0.5 to
 * 3.6 MFLOP made 2 threads 20 % slower than one; SqueezeNet's of 5 to 11
 * MFLOP still gain). */
#define CONV_SPLIT_FLOPS 4e6

void
fm_conv_fast_full (const FmConvParams *p,
                   const float        *x,
                   const float        *w,
                   const float        *packed,
                   const float        *b,
                   float              *y,
                   gpointer            scratch,
                   FmThreads          *pool)
{
  guint8 *s = scratch;
  ConvPlan plan;
  gint64 *boff;
  gsize packed_size;

  conv_plan (p, packed != NULL, &plan);
  if (plan.mode == CONV_DEPTHWISE)
    {
      fm_conv_depthwise (p, x, w, b, y, pool);
      return;
    }
  if (2.0 * p->n * p->m * plan.rows * plan.cols < CONV_SPLIT_FLOPS)
    pool = NULL;
  boff = (gint64 *) (s + plan.at_boff);
  packed_size = fm_gemm_packed_a_size (plan.mg, plan.rows);
  conv_row_offsets (p, &plan, boff);

  for (gint64 n = 0; n < p->n; n++)
    for (gint64 g = 0; g < p->group; g++)
      {
        const float *xg = x + (n * p->c + g * plan.cg) * p->h * p->w; /* [cg, h, w] */
        float *yg = y + (n * p->m + g * plan.mg) * plan.cols;        /* [mg, oh, ow] */
        FmGemmPacked gm = { 0 };

        if (packed != NULL)
          gm.ap = packed + g * packed_size;
        else
          {
            float *ap = (float *) (s + plan.at_pack);

            fm_gemm_pack_a (plan.mg, plan.rows, w + g * plan.mg * plan.rows,
                            plan.rows, FALSE, ap);
            gm.ap = ap;
          }
        gm.m = plan.mg;
        gm.k = plan.rows;
        gm.boff = boff;
        gm.alpha = 1.0f;
        gm.bias = p->has_bias ? b + g * plan.mg : NULL;
        if (plan.mode == CONV_IMPLICIT)
          conv_group_implicit (pool, p, &plan, s, &gm, xg, yg);
        else
          conv_group_im2col (pool, p, &plan, s, &gm, xg, yg);
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
  fm_conv_fast_full (p, x, w, NULL, b, y, scratch, NULL);
}

/* Node params: the geometry, then weights packed at load when known. */
typedef struct
{
  FmConvParams p;
  float       *packed;   /* [group][fm_gemm_packed_a_size (mg, rows)] or NULL */
  FmWinograd  *wino;     /* the conv prepared for Winograd's F(2x2, 3x3), or NULL */
  float       *w_max_abs; /* [M] largest |w| per output channel, or NULL */
  FmConvNd    *nd;        /* 3-D: the geometry (p has only n, c, m, group), else NULL */
} ConvNode;

static void
conv_node_free (gpointer data)
{
  ConvNode *cn = data;

  fm_aligned_free (cn->packed);
  g_clear_pointer (&cn->wino, fm_winograd_free);
  g_free (cn->w_max_abs);
  g_free (cn->nd);
  g_free (cn);
}

/* X and W: 1-D or 2-D, of one rank; *@n the spatial rank. */
static gboolean
conv_check_ranks (FmOpContext    *ctx,
                  const FmValue  *x,
                  const FmValue  *w,
                  int            *n,
                  GError        **error)
{
  *n = x->shape.rank - 2;
  if (*n < 1 || *n > 2)
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("input X has shape %s; expected [N, C, W], [N, C, H, W] or "
                           "[N, C, D, H, W]"), xs);
    }
  if (w->shape.rank != x->shape.rank)
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      g_autofree char *ws = fm_shape_to_string (&w->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("input X has shape %s but weights W have shape %s of another rank"),
                         xs, ws);
    }
  return TRUE;
}

/* @kernel: W's @n spatial dims; kernel_shape, if given, must agree. */
static gboolean
conv_kernel (FmOpContext    *ctx,
             const FmValue  *w,
             int             n,
             gint64         *kernel,
             GError        **error)
{
  gint64 kshape[2];
  guint n_kshape;

  if (!fm_op_attr_ints (ctx, "kernel_shape", kshape, 2, &n_kshape, error))
    return FALSE;
  for (int i = 0; i < n; i++)
    kernel[i] = w->shape.dims[2 + i];
  return fm_op_conv_check_kernel_shape (ctx, w, kshape, n_kshape, error);
}

/* X's channels, W's and B's shapes agree with @group. */
static gboolean
conv_check_channels (FmOpContext    *ctx,
                     const FmValue  *x,
                     const FmValue  *w,
                     const FmValue  *b,
                     gint64          group,
                     GError        **error)
{
  if (group < 1 || x->shape.dims[1] % group != 0 ||
      w->shape.dims[1] * group != x->shape.dims[1])
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      g_autofree char *ws = fm_shape_to_string (&w->shape);
      gint64 want = w->shape.dims[1] * MAX (group, 1);

      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         /* Translators: the input shape, the weight shape, the Conv attribute
                            “group” and the number of input channels these weights need. */
                         g_dngettext (GETTEXT_PACKAGE,
                                      "input X has shape %s but weights W of shape %s with group %"
                                      PRId64 " expect %" PRId64 " channel",
                                      "input X has shape %s but weights W of shape %s with group %"
                                      PRId64 " expect %" PRId64 " channels",
                                      (gulong) want),
                         xs, ws, group, want);
    }
  if (w->shape.dims[0] < 1)
    {
      g_autofree char *ws = fm_shape_to_string (&w->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("weights W of shape %s have no output channel"), ws);
    }
  if (w->shape.dims[0] % group != 0)
    {
      g_autofree char *ws = fm_shape_to_string (&w->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         /* Translators: the weight shape, its first dimension (the number of
                            output channels) and the Conv attribute “group”. */
                         _("weights W of shape %s: %" PRId64
                           " output channels are not divisible by group %" PRId64),
                         ws, w->shape.dims[0], group);
    }
  return fm_op_conv_check_bias (ctx, b, w->shape.dims[0], error);
}

static void
conv_params_init (FmConvParams     *p,
                  const FmValue    *x,
                  const FmValue    *w,
                  gint64            group,
                  gboolean          has_bias,
                  const FmWindowNd *win)
{
  p->n = x->shape.dims[0];
  p->c = x->shape.dims[1];
  p->h = win->in[1];
  p->w = win->in[2];
  p->m = w->shape.dims[0];
  p->group = group;
  p->kh = win->k[1];
  p->kw = win->k[2];
  p->sh = win->s[1];
  p->sw = win->s[2];
  p->dh = win->d[1];
  p->dw = win->d[2];
  p->ph = win->pb[1];
  p->pw = win->pb[2];
  p->oh = win->out[1];
  p->ow = win->out[2];
  p->has_bias = has_bias;
}

/* The largest |v[i]| (NaN never wins), in 16 lanes the compiler turns
 * into vectors: one chain of scalar maxima took 15 ms of ResNet-18's
 * load. */
static float
max_abs (const float *v,
         gsize        n)
{
  float lane[16] = { 0 };
  float best = 0.0f;
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++)
      {
        float a = fabsf (v[i + j]);

        lane[j] = a > lane[j] ? a : lane[j];
      }
  for (; i < n; i++)
    {
      float a = fabsf (v[i]);

      best = a > best ? a : best;
    }
  for (int j = 0; j < 16; j++)
    best = lane[j] > best ? lane[j] : best;
  return best;
}

/* Constant weights: the largest |w| per output channel (the layer view's
 * dead-channel hint), and, for @mode, the weights transformed for
 * Winograd or packed for fm-gemm per group as @gemm says (W [mg, rows]
 * per group, as fm_conv_fast_full() and fm_conv_nd_run() read it). */
static gboolean
conv_pack_weights (FmOpContext     *ctx,
                   ConvNode        *cn,
                   const FmValue   *w,
                   ConvMode         mode,
                   const FmColPlan *gemm,
                   GError         **error)
{
  const FmConvParams *p = &cn->p;
  const float *wd = w->constant->data;   /* [M, C / group, kh, kw] */
  gsize per_m = w->numel / (gsize) p->m;

  cn->w_max_abs = g_try_new (float, p->m);
  if (cn->w_max_abs == NULL)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                       _("not enough memory to pack the weights"));
  for (gint64 m = 0; m < p->m; m++)
    cn->w_max_abs[m] = max_abs (wd + m * per_m, per_m);
  if (mode == CONV_DEPTHWISE)
    return TRUE;
  if (mode == CONV_WINOGRAD)
    {
      cn->wino = fm_winograd_new (p, wd);
      if (cn->wino == NULL)
        return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                           _("not enough memory to pack the weights"));
      ctx->own_copy |= 1u << 1;
      return TRUE;
    }
  return fm_op_conv_pack_weights (ctx, gemm, p->group, w, &cn->packed, error);
}

/* 3-D: im2col + GEMM through fm-op-conv-nd.c, weights packed at load
 * as for 2-D. */
static gboolean
conv_prepare_3d (FmOpContext    *ctx,
                 const FmValue  *x,
                 const FmValue  *w,
                 const FmValue  *b,
                 GError        **error)
{
  gint64 group, kshape[3];
  guint n_kshape;
  ConvNode *cn;
  FmConvNd *nd;
  FmColPlan col_plan;
  FmShape out;

  if (w->shape.rank != 5)
    {
      g_autofree char *ws = fm_shape_to_string (&w->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("input X is 3-D but weights W have shape %s"), ws);
    }
  if (!fm_op_attr_int (ctx, "group", 1, &group, error) ||
      !fm_op_attr_ints (ctx, "kernel_shape", kshape, 3, &n_kshape, error) ||
      !conv_check_channels (ctx, x, w, b, group, error) ||
      !fm_op_conv_check_kernel_shape (ctx, w, kshape, n_kshape, error))
    return FALSE;

  cn = fm_op_new_params (ctx, sizeof *cn);
  ctx->node->free_params = conv_node_free;
  cn->nd = nd = g_new0 (FmConvNd, 1);
  if (!fm_op_window_nd_init (ctx, &x->shape, w->shape.dims + 2, FALSE, &nd->win, error))
    return FALSE;
  nd->n = cn->p.n = x->shape.dims[0];
  nd->c = cn->p.c = x->shape.dims[1];
  nd->m = cn->p.m = w->shape.dims[0];
  nd->group = cn->p.group = group;
  nd->has_bias = cn->p.has_bias = b != NULL;
  fm_window_nd_out_shape (&nd->win, &x->shape, nd->m, &out);
  if (!fm_op_numel (ctx, &out, &(gsize) { 0 }, error))
    return FALSE;
  fm_conv_nd_plan (nd, w->kind == FM_VALUE_CONST, &col_plan);
  if (w->kind == FM_VALUE_CONST &&
      !conv_pack_weights (ctx, cn, w, CONV_IM2COL, &col_plan, error))
    return FALSE;
  ctx->scratch_size = col_plan.size;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

static gboolean
conv_prepare (FmOpContext  *ctx,
              GError      **error)
{
  FmValue *x, *w, *b;
  ConvNode *cn;
  ConvPlan plan;
  FmWindowNd win;
  FmShape out;
  gint64 group, kernel[2];
  int n;

  if (!fm_op_conv_inputs (ctx, &x, &w, &b, error))
    return FALSE;
  if (x->shape.rank == 5)
    return conv_prepare_3d (ctx, x, w, b, error);
  if (!conv_check_ranks (ctx, x, w, &n, error) ||
      !fm_op_attr_int (ctx, "group", 1, &group, error) ||
      !conv_kernel (ctx, w, n, kernel, error) ||
      !conv_check_channels (ctx, x, w, b, group, error) ||
      !fm_op_window_nd_init (ctx, &x->shape, kernel, FALSE, &win, error))
    return FALSE;

  cn = fm_op_new_params (ctx, sizeof *cn);
  ctx->node->free_params = conv_node_free;
  conv_params_init (&cn->p, x, w, group, b != NULL, &win);

  fm_window_nd_out_shape (&win, &x->shape, cn->p.m, &out);
  if (!fm_op_numel (ctx, &out, &(gsize) { 0 }, error))
    return FALSE;
  conv_plan (&cn->p, w->kind == FM_VALUE_CONST, &plan);
  if (w->kind == FM_VALUE_CONST)
    {
      FmColPlan gemm;

      if (fm_winograd_pays (&cn->p))
        plan.mode = CONV_WINOGRAD;
      fm_col_plan_init (&gemm, plan.mg, plan.rows, FALSE, plan.rows, plan.cols, TRUE);
      if (!conv_pack_weights (ctx, cn, w, plan.mode, &gemm, error))
        return FALSE;
    }
  ctx->scratch_size = cn->wino != NULL ? fm_winograd_get_scratch_size (cn->wino) : plan.size;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

static void
conv_run (const FmNode *node,
          FmRunCtx     *rc)
{
  const ConvNode *cn = node->params;
  const FmConvParams *p = &cn->p;

  if (cn->nd != NULL)
    {
      fm_conv_nd_run (cn->nd, FM_IN_F (rc, node, 0), FM_IN_F (rc, node, 1), cn->packed,
                      p->has_bias ? FM_IN_F (rc, node, 2) : NULL,
                      FM_OUT_F (rc, node, 0), rc->scratch, rc->threads);
      return;
    }
  if (cn->wino != NULL)
    {
      fm_winograd_run (cn->wino, FM_IN_F (rc, node, 0),
                       p->has_bias ? FM_IN_F (rc, node, 2) : NULL,
                       FM_OUT_F (rc, node, 0), rc->scratch, rc->threads);
      return;
    }
  fm_conv_fast_full (p, FM_IN_F (rc, node, 0), FM_IN_F (rc, node, 1), cn->packed,
                     p->has_bias ? FM_IN_F (rc, node, 2) : NULL,
                     FM_OUT_F (rc, node, 0), rc->scratch, rc->threads);
}

float
fm_op_conv_weight_max_abs (const FmNode *node,
                           guint         m)
{
  const ConvNode *cn;

  if (node->op != FM_OP_Conv || node->params == NULL)
    return NAN;
  cn = node->params;
  if (cn->w_max_abs == NULL || m >= (guint64) cn->p.m)
    return NAN;
  return cn->w_max_abs[m];
}

static const char * const conv_attributes[] = {
  "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", NULL
};

const FmOpInfo fm_op_conv = { "Conv", conv_attributes, conv_prepare, conv_run };
