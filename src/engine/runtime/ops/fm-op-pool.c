/* fm-op-pool.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MaxPool and AveragePool (1-D, 2-D and 3-D, with kernel_shape, strides, pads,
 * auto_pad, ceil_mode, dilations, count_include_pad), GlobalAveragePool
 * and GlobalMaxPool (any spatial rank). Padding never wins a max and is
 * counted by an average only with count_include_pad = 1. MaxPool's Indices
 * output and storage_order = 1 are refused. 3-D windows take a plain
 * loop over the window of each output. A 2x2 stride-2 MaxPool without
 * pads (the common CNN one) has its own loop, with AVX2 when the level
 * has it. In the other 1-D and 2-D pools, with AVX-512, a row with at
 * least 16 outputs whose windows lie on the input, at stride 1 or 2 and
 * with no column dilation, computes them 16 at a time (ResNet's 3x3
 * stride-2 MaxPool took 3 % of a ResNet-18 pass one output at a time,
 * under 1 % so).
 * Planes are split across the run's threads, for GlobalAveragePool too,
 * whose sums (in double, in order) go eight planes at a time.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define FM_POOL_X86 1
#endif

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"
#include "fm-op-simd.h"

typedef struct
{
  FmWindowNd win;
  gint64     planes;           /* N * C */
  gboolean   is_max;
  gboolean   count_include_pad;
  gboolean   max2x2;           /* 2x2, stride 2, no pads or dilation, windows inside */
} FmPoolParams;

static gboolean
pool_prepare (FmOpContext  *ctx,
              GError      **error)
{
  gboolean is_max = ctx->node->op == FM_OP_MaxPool;
  FmValue *x;
  FmPoolParams *p;
  gint64 kernel[3], ceil_mode, cip = 0;
  guint n_kernel;
  FmShape out;
  int n;

  x = fm_op_float_x (ctx, 1, 1, -1, error);
  if (x == NULL)
    return FALSE;
  n = x->shape.rank - 2;
  if (is_max)
    {
      gint64 storage_order;

      if (ctx->node->n_outputs > 1 && ctx->node->outputs[1] != -1)
        return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                           _("the Indices output is not supported"));
      if (!fm_op_attr_int (ctx, "storage_order", 0, &storage_order, error))
        return FALSE;
      if (storage_order != 0)
        return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                           _("storage_order %" PRId64 " is not supported (only 0)"),
                           storage_order);
    }
  else if (!fm_op_attr_int (ctx, "count_include_pad", 0, &cip, error))
    return FALSE;
  if (!fm_op_attr_ints (ctx, "kernel_shape", kernel, 3, &n_kernel, error) ||
      !fm_op_attr_int (ctx, "ceil_mode", 0, &ceil_mode, error))
    return FALSE;
  if (n < 1 || n > 3)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("only 1-D, 2-D and 3-D pooling is supported, input has rank %d"),
                       x->shape.rank);
  if (n_kernel != (guint) n)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("kernel_shape must have %d values"), n);
  if (ceil_mode != 0 && ceil_mode != 1)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("ceil_mode %" PRId64 " is not 0 or 1"), ceil_mode);
  if (cip != 0 && cip != 1)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("count_include_pad %" PRId64 " is not 0 or 1"), cip);

  p = fm_op_new_params (ctx, sizeof *p);
  p->is_max = is_max;
  p->count_include_pad = cip;
  if (!fm_op_window_nd_init (ctx, &x->shape, kernel, ceil_mode, &p->win, error))
    return FALSE;
  p->planes = x->shape.dims[0] * x->shape.dims[1];
  p->max2x2 = is_max && n < 3 && p->win.k[1] == 2 && p->win.k[2] == 2 &&
              p->win.s[1] == 2 && p->win.s[2] == 2 &&
              p->win.d[1] == 1 && p->win.d[2] == 1 &&
              p->win.pb[1] == 0 && p->win.pb[2] == 0 &&
              p->win.out[1] * 2 <= p->win.in[1] && p->win.out[2] * 2 <= p->win.in[2];

  fm_window_nd_out_shape (&p->win, &x->shape, x->shape.dims[1], &out);
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

/* The larger of @acc and @v; a NaN wins and stays, as numpy's max (MAX
 * keeps a NaN only while nothing follows it). */
static inline float
max_nan (float acc,
         float v)
{
  return acc > v || acc != acc ? acc : v;
}

/* Output pixels [ox0, ow) of one row of the 2x2 pool: the max of
 * r0[2 ox], r0[2 ox + 1], r1[2 ox], r1[2 ox + 1] in that order. */
static void
max2x2_row_scalar (const float *r0,
                   const float *r1,
                   float       *y,
                   gint64       ox0,
                   gint64       ow)
{
  for (gint64 ox = ox0; ox < ow; ox++)
    {
      float acc = -INFINITY;

      acc = max_nan (acc, r0[2 * ox]);
      acc = max_nan (acc, r0[2 * ox + 1]);
      acc = max_nan (acc, r1[2 * ox]);
      acc = max_nan (acc, r1[2 * ox + 1]);
      y[ox] = acc;
    }
}

#ifdef FM_POOL_X86
__attribute__ ((target ("avx2")))
static void
max2x2_avx2 (const float *x,
             float       *y,
             gint64       planes,
             gint64       h,
             gint64       wd,
             gint64       oh,
             gint64       ow)
{
  for (gint64 pl = 0; pl < planes; pl++)
    for (gint64 oy = 0; oy < oh; oy++)
      {
        const float *r0 = x + (pl * h + 2 * oy) * wd;
        const float *r1 = r0 + wd;
        float *yr = y + (pl * oh + oy) * ow;
        gint64 ox = 0;

        for (; ox + 8 <= ow; ox += 8)
          {
            /* _mm256_max_ps (a, b) is a > b ? a : b; a NaN anywhere is
             * put back after, as max_nan () keeps it */
            __m256 a0 = _mm256_loadu_ps (r0 + 2 * ox);
            __m256 a1 = _mm256_loadu_ps (r0 + 2 * ox + 8);
            __m256 b0 = _mm256_loadu_ps (r1 + 2 * ox);
            __m256 b1 = _mm256_loadu_ps (r1 + 2 * ox + 8);
            __m256 ae = _mm256_shuffle_ps (a0, a1, 0x88);   /* even columns */
            __m256 ao = _mm256_shuffle_ps (a0, a1, 0xdd);   /* odd columns */
            __m256 be = _mm256_shuffle_ps (b0, b1, 0x88);
            __m256 bo = _mm256_shuffle_ps (b0, b1, 0xdd);
            __m256 m = _mm256_max_ps (_mm256_max_ps (_mm256_max_ps (ae, ao), be), bo);
            __m256 nan = _mm256_or_ps (_mm256_cmp_ps (ae, ao, _CMP_UNORD_Q),
                                       _mm256_cmp_ps (be, bo, _CMP_UNORD_Q));

            m = _mm256_blendv_ps (m, _mm256_set1_ps (NAN), nan);

            m = _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (m), 0xd8));
            _mm256_storeu_ps (yr + ox, m);
          }
        max2x2_row_scalar (r0, r1, yr, ox, ow);
      }
}
#endif

static void
max2x2 (const float *x,     /* [planes, h, wd] */
        float       *y,     /* [planes, oh, ow] */
        gint64       planes,
        gint64       h,
        gint64       wd,
        gint64       oh,
        gint64       ow)
{
#ifdef FM_POOL_X86
  if (fm_gemm_get_isa () >= FM_GEMM_ISA_AVX2)
    {
      max2x2_avx2 (x, y, planes, h, wd, oh, ow);
      return;
    }
#endif
  for (gint64 pl = 0; pl < planes; pl++)
    for (gint64 oy = 0; oy < oh; oy++)
      {
        const float *r0 = x + (pl * h + 2 * oy) * wd;

        max2x2_row_scalar (r0, r0 + wd, y + (pl * oh + oy) * ow, 0, ow);
      }
}

typedef struct
{
  const FmPoolParams *p;
  const float        *x;   /* [planes, h, w] */
  float              *y;   /* [planes, oh, ow] */
} PoolJob;

/* One output of a window whose columns may fall outside the input: its
 * column range is computed rather than walked, since a window may be far
 * larger than the input (a fuzzed kernel of 8,388,607). */
static float
pool_border (const FmPoolParams *p,
             const float        *xp,      /* [h, w] */
             gint64              y0,
             gint64              ky_lo,
             gint64              ky_hi,
             gint64              ky_pad,
             gint64              ox)
{
  const FmWindowNd *w = &p->win;
  gint64 wd = w->in[2], k1 = w->k[2], d1 = w->d[2];
  gint64 x0 = ox * w->s[2] - w->pb[2];
  gint64 kx_lo = MAX (0, fm_ceil_div (-x0, d1));
  gint64 kx_hi = MIN (k1, fm_ceil_div (wd - x0, d1));
  gint64 kx_pad = CLAMP (fm_ceil_div (wd + w->pe[2] - x0, d1), 0, k1);
  float acc = p->is_max ? -INFINITY : 0.0f;
  gint64 count;

  for (gint64 ky = ky_lo; ky < ky_hi; ky++)
    {
      const float *row = xp + (y0 + ky * w->d[1]) * wd;

      for (gint64 kx = kx_lo; kx < kx_hi; kx++)
        {
          float v = row[x0 + kx * d1];

          if (p->is_max)
            acc = max_nan (acc, v);
          else
            acc += v;
        }
    }
  count = ky_hi > ky_lo && kx_hi > kx_lo ? (ky_hi - ky_lo) * (kx_hi - kx_lo) : 0;
  if (count == 0)
    return 0.0f;
  if (!p->is_max)
    acc /= (float) (p->count_include_pad ? ky_pad * kx_pad : count);
  return acc;
}

/* Outputs [ox0, ox0 + n) of one row, n <= 8, whose windows' columns all
 * land on the input. Eight independent accumulators: one running max is
 * bound by the latency of each compare, eight keep the core busy. */
static void
pool_interior (const FmPoolParams *p,
               const float        *xp,      /* [h, w] */
               gint64              y0,
               gint64              ky_lo,
               gint64              ky_hi,
               gint64              ky_pad,
               gint64              ox0,
               int                 n,
               float              *y)
{
  const FmWindowNd *w = &p->win;
  gint64 wd = w->in[2], k1 = w->k[2], d1 = w->d[2], s1 = w->s[2];
  gint64 count = MAX (ky_hi - ky_lo, 0) * k1;
  float acc[8];

  for (int u = 0; u < 8; u++)
    acc[u] = p->is_max ? -INFINITY : 0.0f;
  for (gint64 ky = ky_lo; ky < ky_hi; ky++)
    {
      const float *row = xp + (y0 + ky * w->d[1]) * wd + ox0 * s1 - w->pb[2];

      for (gint64 kx = 0; kx < k1; kx++)
        {
          const float *tap = row + kx * d1;

          if (p->is_max)
            for (int u = 0; u < n; u++)
              acc[u] = max_nan (acc[u], tap[u * s1]);
          else
            for (int u = 0; u < n; u++)
              acc[u] += tap[u * s1];
        }
    }
  for (int u = 0; u < n; u++)
    {
      float v = acc[u];

      if (count == 0)
        v = 0.0f;
      else if (!p->is_max)
        v /= (float) (p->count_include_pad ? ky_pad * k1 : count);
      y[u] = v;
    }
}

/* Lanes 0, 2, ..., 14 of @lo, then 1, 3, ..., 15 of @hi: with @lo loaded
 * at column x and @hi at x + 15, columns x, x + 2, ..., x + 30, and no
 * column after the last is read. */
static FM_SIMD_INLINE void
pool_even_columns (FmVecF       *v,
                   const FmVecF *lo,
                   const FmVecF *hi)
{
  *v = FM_SHUFFLE (*lo, *hi, FmVecI, 0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31);
}

/* An output row for pool_row_vector (). */
typedef struct
{
  const FmPoolParams *p;
  const float        *xp;     /* [h, w] */
  gint64              y0, ky_lo, ky_hi, ky_pad, ox0, ox1;
  float              *y;      /* the output row */
} PoolRow;

/* One output row's interior outputs [ox0, ox1), at least FM_VL of them,
 * with strides 1 or 2 and no column dilation: FM_VL outputs a vector, the
 * last vector ending at ox1 (overlapping the one before, the same values
 * written twice). Each lane visits its window's taps in the order
 * pool_interior () does and folds them the same way, so the outputs are
 * the same to the bit. */
static FM_SIMD_INLINE void
pool_row_vector_body (const PoolRow *r)
{
  const FmPoolParams *p = r->p;
  const FmWindowNd *w = &p->win;
  gint64 wd = w->in[2], k1 = w->k[2], s1 = w->s[2];
  gint64 count = MAX (r->ky_hi - r->ky_lo, 0) * k1;
  const FmVecF init = (FmVecF) { 0 } + (p->is_max ? -INFINITY : 0.0f);

  for (gint64 ox = r->ox0; ox < r->ox1; ox += FM_VL)
    {
      gint64 o = MIN (ox, r->ox1 - FM_VL);
      FmVecF acc = init, nan = init;

      for (gint64 ky = r->ky_lo; ky < r->ky_hi; ky++)
        {
          const float *row = r->xp + (r->y0 + ky * w->d[1]) * wd + o * s1 - w->pb[2];

          for (gint64 kx = 0; kx < k1; kx++)
            {
              FmVecF t;

              if (s1 == 1)
                fm_vload (&t, row + kx);
              else
                {
                  FmVecF lo, hi;

                  fm_vload (&lo, row + kx);
                  fm_vload (&hi, row + kx + FM_VL - 1);
                  pool_even_columns (&t, &lo, &hi);
                }
              if (p->is_max)
                {
                  /* max_nan () in two selects of one compare each (GCC
                   * turns a select on two compares into scalar code):
                   * the max, and the first NaN, which wins at the end */
                  acc = FM_VSEL (FM_VCMP (FM_VL, acc, >, t), acc, t);
                  nan = FM_VSEL (FM_VCMP (FM_VL, nan, ==, nan), t, nan);
                }
              else
                acc += t;
            }
        }
      if (p->is_max)
        acc = FM_VSEL (FM_VCMP (FM_VL, nan, ==, nan), acc, nan);
      if (count == 0)
        acc = (FmVecF) { 0 };
      else if (!p->is_max)
        acc /= (float) (p->count_include_pad ? r->ky_pad * k1 : count);
      fm_vstore (r->y + o, &acc);
    }
}

/* Used with AVX-512 only (see pool_planes ()): no other level's copy. */
#ifdef FM_POOL_X86
static FM_SIMD_AVX512 void
#else
static void
#endif
pool_row_vector (const PoolRow *r)
{
  pool_row_vector_body (r);
}

/* Planes [pl0, pl1). Per output row, the window rows that land on the
 * input and those inside the padded extent are computed once, and so is
 * the range of outputs whose windows' columns all land on the input (most
 * of them). Taps are visited in the same order everywhere, so NaNs and
 * sums come out as from one plain loop. */
static void
pool_planes (gpointer data,
             gint64   pl0,
             gint64   pl1)
{
  const PoolJob *job = data;
  const FmPoolParams *p = job->p;
  const FmWindowNd *w = &p->win;
  gint64 h = w->in[1], wd = w->in[2], oh = w->out[1], ow = w->out[2];
  gint64 reach = (w->k[2] - 1) * w->d[2];   /* last tap's column after the first */
  gint64 ox_a, ox_b;
  gboolean vector;

  if (p->max2x2)
    {
      max2x2 (job->x + pl0 * h * wd, job->y + pl0 * oh * ow, pl1 - pl0, h, wd, oh, ow);
      return;
    }
  /* Interior outputs: x0 = ox * s - pb >= 0 and x0 + reach <= wd - 1. */
  ox_a = MIN (fm_ceil_div (w->pb[2], w->s[2]), ow);
  ox_b = wd - 1 - reach + w->pb[2] >= 0
         ? MIN ((wd - 1 - reach + w->pb[2]) / w->s[2] + 1, ow) : 0;
  ox_b = MAX (ox_b, ox_a);
  /* (with AVX2 the vectors of 16 went through the stack and lost to the
   * plain loop: 3.3 % of a ResNet-18 pass against 2.4 %) */
  vector = fm_gemm_get_isa () == FM_GEMM_ISA_AVX512 && ox_b - ox_a >= FM_VL && w->d[2] == 1 &&
           (w->s[2] == 1 || w->s[2] == 2);

  for (gint64 pl = pl0; pl < pl1; pl++)
    {
      const float *xp = job->x + pl * h * wd;
      float *y = job->y + pl * oh * ow;

      for (gint64 oy = 0; oy < oh; oy++, y += ow)
        {
          gint64 y0 = oy * w->s[1] - w->pb[1];
          gint64 ky_lo = MAX (0, fm_ceil_div (-y0, w->d[1]));
          gint64 ky_hi = MIN (w->k[1], fm_ceil_div (h - y0, w->d[1]));
          gint64 ky_pad = CLAMP (fm_ceil_div (h + w->pe[1] - y0, w->d[1]), 0, w->k[1]);

          for (gint64 ox = 0; ox < ox_a; ox++)
            y[ox] = pool_border (p, xp, y0, ky_lo, ky_hi, ky_pad, ox);
          if (vector)
            pool_row_vector (&(PoolRow) { p, xp, y0, ky_lo, ky_hi, ky_pad, ox_a, ox_b, y });
          else
            for (gint64 ox = ox_a; ox < ox_b; ox += 8)
              pool_interior (p, xp, y0, ky_lo, ky_hi, ky_pad, ox, (int) MIN (8, ox_b - ox),
                             y + ox);
          for (gint64 ox = ox_b; ox < ow; ox++)
            y[ox] = pool_border (p, xp, y0, ky_lo, ky_hi, ky_pad, ox);
        }
    }
}

/* Taps [lo, hi) of a 3-D window dim that land on the input, and the
 * number inside the padded extent, @pad (count_include_pad). */
typedef struct
{
  gint64 start, lo, hi, pad;
} PoolTaps;

static void
pool_taps (const FmWindowNd *w,
           int               j,
           gint64            o,
           PoolTaps         *t)
{
  t->start = o * w->s[j] - w->pb[j];
  t->lo = MAX (0, fm_ceil_div (-t->start, w->d[j]));
  t->hi = MIN (w->k[j], fm_ceil_div (w->in[j] - t->start, w->d[j]));
  t->pad = CLAMP (fm_ceil_div (w->in[j] + w->pe[j] - t->start, w->d[j]), 0, w->k[j]);
}

/* One 3-D output: its window's taps on the input, in order. */
static float
pool_window_3d (const FmPoolParams *p,
                const float        *xp,     /* [in0, in1, in2] */
                const PoolTaps     *t)      /* [3] */
{
  const FmWindowNd *w = &p->win;
  float acc = p->is_max ? -INFINITY : 0.0f;
  gint64 count = 1;

  for (int j = 0; j < 3; j++)
    count *= MAX (t[j].hi - t[j].lo, 0);
  if (count == 0)
    return 0.0f;
  for (gint64 kz = t[0].lo; kz < t[0].hi; kz++)
    for (gint64 ky = t[1].lo; ky < t[1].hi; ky++)
      {
        const float *row = xp + ((t[0].start + kz * w->d[0]) * w->in[1] +
                                 t[1].start + ky * w->d[1]) * w->in[2] + t[2].start;

        for (gint64 kx = t[2].lo; kx < t[2].hi; kx++)
          {
            float v = row[kx * w->d[2]];

            if (p->is_max)
              acc = max_nan (acc, v);
            else
              acc += v;
          }
      }
  if (!p->is_max)
    acc /= (float) (p->count_include_pad ? t[0].pad * t[1].pad * t[2].pad : count);
  return acc;
}

static void
pool_planes_3d (gpointer data,
                gint64   pl0,
                gint64   pl1)
{
  const PoolJob *job = data;
  const FmWindowNd *w = &job->p->win;
  gint64 in_size = w->in[0] * w->in[1] * w->in[2];
  gint64 out_size = w->out[0] * w->out[1] * w->out[2];

  for (gint64 pl = pl0; pl < pl1; pl++)
    {
      float *y = job->y + pl * out_size;
      PoolTaps t[3];

      for (gint64 oz = 0; oz < w->out[0]; oz++)
        {
          pool_taps (w, 0, oz, &t[0]);
          for (gint64 oy = 0; oy < w->out[1]; oy++)
            {
              pool_taps (w, 1, oy, &t[1]);
              for (gint64 ox = 0; ox < w->out[2]; ox++)
                {
                  pool_taps (w, 2, ox, &t[2]);
                  *y++ = pool_window_3d (job->p, job->x + pl * in_size, t);
                }
            }
        }
    }
}

/* Planes are split across the run's threads when there is enough work. */
static void
pool_run (const FmNode *node,
          FmRunCtx     *rc)
{
  const FmPoolParams *p = node->params;
  const FmWindowNd *w = &p->win;
  PoolJob job = { p, FM_IN_F (rc, node, 0), FM_OUT_F (rc, node, 0) };
  double per_plane = 1.0;
  gint64 grain;

  for (int j = 0; j < 3; j++)
    per_plane *= (double) w->out[j] * (double) w->k[j];
  grain = per_plane >= 65536.0 ? 1 : (gint64) (65536.0 / MAX (per_plane, 1.0));
  fm_threads_parallel_for (rc->threads, p->planes, grain,
                           w->n_spatial == 3 ? pool_planes_3d : pool_planes, &job);
}

static const char * const max_pool_attributes[] = {
  "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
  "storage_order", "strides", NULL
};

static const char * const average_pool_attributes[] = {
  "auto_pad", "ceil_mode", "count_include_pad", "dilations",
  "kernel_shape", "pads", "strides", NULL
};

const FmOpInfo fm_op_max_pool = {
  "MaxPool", max_pool_attributes, pool_prepare, pool_run
};

const FmOpInfo fm_op_average_pool = {
  "AveragePool", average_pool_attributes, pool_prepare, pool_run
};

/* Global pools: params are [planes, spatial size]. */
typedef struct
{
  gint64 planes;
  gint64 size;
} FmGlobalPoolParams;

static gboolean
global_pool_prepare (FmOpContext  *ctx,
                     GError      **error)
{
  FmValue *x;
  FmGlobalPoolParams *p;
  FmShape out;
  gint64 n, c, size;

  x = fm_op_float_x (ctx, 1, 1, -1, error);
  if (x == NULL || !fm_op_split_nc (ctx, x, 3, &n, &c, &size, error))
    return FALSE;
  p = fm_op_new_params (ctx, sizeof *p);
  p->planes = n * c;
  p->size = size;
  out = x->shape;
  for (int d = 2; d < x->shape.rank; d++)
    out.dims[d] = 1;
  if (p->size == 0)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE, _("input X has no spatial elements"));
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

typedef struct
{
  const FmGlobalPoolParams *p;
  const float              *x;   /* [planes, size] */
  float                    *y;   /* [planes] */
} GlobalPoolJob;

#define GAP_LANES 8   /* planes summed together */

/* Planes [pl0, pl1): each one's sum in double, in order, as one chain of
 * additions; GAP_LANES planes go together so their chains overlap (one
 * chain alone waits on each addition's latency). */
static void
global_average_planes (gpointer data,
                       gint64   pl0,
                       gint64   pl1)
{
  const GlobalPoolJob *job = data;
  gint64 size = job->p->size;
  gint64 pl = pl0;

  for (; pl + GAP_LANES <= pl1; pl += GAP_LANES)
    {
      const float *x = job->x + pl * size;
      double acc[GAP_LANES] = { 0 };

      for (gint64 i = 0; i < size; i++)
        for (int k = 0; k < GAP_LANES; k++)
          acc[k] += x[k * size + i];
      for (int k = 0; k < GAP_LANES; k++)
        job->y[pl + k] = (float) (acc[k] / size);
    }
  for (; pl < pl1; pl++)
    {
      double acc = 0.0;

      for (gint64 i = 0; i < size; i++)
        acc += job->x[pl * size + i];
      job->y[pl] = (float) (acc / size);
    }
}

static void
global_average_pool_run (const FmNode *node,
                         FmRunCtx     *rc)
{
  const FmGlobalPoolParams *p = node->params;
  GlobalPoolJob job = { p, FM_IN_F (rc, node, 0), FM_OUT_F (rc, node, 0) };

  fm_threads_parallel_for (rc->threads, p->planes,
                           fm_threads_grain ((double) p->size, 4.0 * p->size),
                           global_average_planes, &job);
}

static void
global_max_pool_run (const FmNode *node,
                     FmRunCtx     *rc)
{
  const FmGlobalPoolParams *p = node->params;
  const float *x = FM_IN_F (rc, node, 0);  /* [planes, size] */
  float *y = FM_OUT_F (rc, node, 0);       /* [planes] */

  for (gint64 pl = 0; pl < p->planes; pl++)
    {
      float acc = x[pl * p->size];

      for (gint64 i = 1; i < p->size; i++)
        acc = max_nan (acc, x[pl * p->size + i]);
      y[pl] = acc;
    }
}

static const char * const no_attributes[] = { NULL };

const FmOpInfo fm_op_global_average_pool = {
  "GlobalAveragePool", no_attributes, global_pool_prepare, global_average_pool_run
};

const FmOpInfo fm_op_global_max_pool = {
  "GlobalMaxPool", no_attributes, global_pool_prepare, global_max_pool_run
};
