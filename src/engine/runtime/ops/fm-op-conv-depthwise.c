/* fm-op-conv-depthwise.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conv's depthwise path (group = C = M): a direct vector kernel, planes
 * split across the run's threads (fm-op-conv.c chooses it).
 */
#include "config.h"

#include <string.h>

#include "fm-op-conv-private.h"
#include "fm-op-simd.h"

/* The depthwise convolution, one plane (image and channel) at a time,
 * planes split across the run's threads. A band of input rows is copied
 * with its zero padding into a buffer on the stack, then each output row
 * is computed DW_VL outputs at a time from that buffer: bias first, then
 * every tap in (ky, kx) order, so the sum order is the reference's, with
 * the taps in the padding adding w * 0. The kernel is written once with
 * GCC's vector extensions and compiled for AVX-512, AVX2 + FMA (the level
 * fm_gemm_get_isa() says) and the base instruction set; 3x3 and 5x5 at
 * stride 1 and 2 get their own copies with the geometry known. Planes too
 * wide for the buffer, or kernels of more than DW_MAX_TAPS taps, take
 * plain loops over the taps. */
#define DW_VL       FM_VL
#define DW_BUF      8192   /* floats of the band buffer (32 KiB) */
#define DW_MAX_TAPS 49
#define DW_ROWS     4      /* output rows computed together */

typedef struct
{
  const FmConvParams *p;
  const float        *x, *w, *b;
  float              *y;
  gint64              wp;    /* floats per row of the band buffer */
  gint64              band;  /* output rows per band */
} DwJob;

/* The kernel's geometry: p's, or constants in the specialised copies. */
typedef struct
{
  gint64 kh, kw, sh, sw, dh, dw;
} DwGeom;

/* The band's geometry, or FALSE when even one output row's input rows do
 * not fit the buffer (or the kernel is too large for the vector path). */
static gboolean
dw_band_plan (const FmConvParams *p,
              gint64             *wp,
              gint64             *band)
{
  gint64 chunks = (p->ow + DW_VL - 1) / DW_VL;
  gint64 rows_one = (p->kh - 1) * p->dh + 1;

  if (p->kh * p->kw > DW_MAX_TAPS)
    return FALSE;
  /* The last chunk reads up to column chunks * DW_VL * sw + (kw - 1) * dw - 1
   * (a stride-2 load takes two whole vectors). */
  *wp = chunks * DW_VL * p->sw + (p->kw - 1) * p->dw;
  if (*wp > DW_BUF / rows_one)
    return FALSE;
  /* (band - 1) * sh + rows_one rows of wp floats */
  *band = MIN ((DW_BUF / *wp - rows_one) / p->sh + 1, p->oh);
  return TRUE;
}

/* The input rows that output rows [oy0, oy1) of plane @xc read, into
 * @buf [rows, job->wp]: the input at column pw and zeros around. The pads
 * are a few floats: plain loops, not calls. */
static FM_SIMD_INLINE void
dw_fill (const DwJob *job,
         DwGeom       g,
         const float *xc,
         float       *buf,
         gint64       oy0,
         gint64       oy1)
{
  const FmConvParams *p = job->p;
  gint64 wp = job->wp;
  gint64 iy0 = oy0 * g.sh - p->ph;
  gint64 rows = (oy1 - oy0 - 1) * g.sh + (g.kh - 1) * g.dh + 1;
  gint64 left = MIN (p->pw, wp);
  gint64 cols = CLAMP (wp - p->pw, 0, p->w);

  for (gint64 r = 0; r < rows; r++)
    {
      gint64 iy = iy0 + r;
      float *dst = buf + r * wp;

      if (iy < 0 || iy >= p->h)
        {
          memset (dst, 0, wp * sizeof (float));
          continue;
        }
      for (gint64 i = 0; i < left; i++)
        dst[i] = 0.0f;
      memcpy (dst + left, xc + iy * p->w, cols * sizeof (float));
      for (gint64 i = left + cols; i < wp; i++)
        dst[i] = 0.0f;
    }
}

/* DW_VL floats from @src at stride @s into *@v (a pointer, not a return
 * value: a 64-byte vector return has no ABI without AVX-512). */
static FM_SIMD_INLINE void
dw_load (FmVecF      *v,
         const float *src,
         gint64       s)
{
  if (s == 1)
    fm_vload (v, src);
  else if (s == 2)
    {
      FmVecF lo, hi;

      fm_vload (&lo, src);
      fm_vload (&hi, src + DW_VL);
      fm_vshuffle_even (v, &lo, &hi);
    }
  else
    for (int i = 0; i < DW_VL; i++)
      (*v)[i] = src[i * s];
}

/* Output rows [oy, oy + nr) of one plane from the band buffer rows
 * @row (the first output row's), into @dst [nr, ow]. The nr rows are
 * independent sums, interleaved so that their FMA chains overlap. */
static FM_SIMD_INLINE void
dw_rows (const DwJob *job,
         DwGeom       g,
         const float *row,
         const float *wl,
         float        bias,
         float       *dst,
         int          nr)
{
  gint64 ow = job->p->ow, wp = job->wp;

  for (gint64 o = 0; o < ow; o += DW_VL)
    {
      FmVecF acc[DW_ROWS];
      gint64 n = MIN (DW_VL, ow - o);

      for (int r = 0; r < nr; r++)
        acc[r] = (FmVecF) { 0 } + bias;
      for (gint64 ky = 0; ky < g.kh; ky++)
        for (gint64 kx = 0; kx < g.kw; kx++)
          for (int r = 0; r < nr; r++)
            {
              FmVecF v;

              dw_load (&v, row + (r * g.sh + ky * g.dh) * wp + o * g.sw + kx * g.dw, g.sw);
              acc[r] += wl[ky * g.kw + kx] * v;
            }
      /* a whole vector, or lane by lane (memcpy of a variable size would
       * be a rep movs) */
      for (int r = 0; r < nr; r++)
        if (n == DW_VL)
          fm_vstore (dst + r * ow + o, &acc[r]);
        else
          for (gint64 i = 0; i < n; i++)
            dst[r * ow + o + i] = acc[r][i];
    }
}

/* Planes [pl0, pl1) in geometry @g. */
static FM_SIMD_INLINE void
dw_planes_geom (const DwJob *job,
                gint64       pl0,
                gint64       pl1,
                DwGeom       g)
{
  const FmConvParams *p = job->p;
  float buf[DW_BUF] __attribute__ ((aligned (64)));
  float wl[DW_MAX_TAPS];

  for (gint64 pl = pl0; pl < pl1; pl++)
    {
      gint64 c = pl % p->c;
      const float *xc = job->x + pl * p->h * p->w;
      float *yc = job->y + pl * p->oh * p->ow;
      float bias = p->has_bias ? job->b[c] : 0.0f;

      memcpy (wl, job->w + c * g.kh * g.kw, g.kh * g.kw * sizeof (float));
      for (gint64 oy0 = 0; oy0 < p->oh; oy0 += job->band)
        {
          gint64 oy1 = MIN (p->oh, oy0 + job->band);
          gint64 oy = oy0;

          dw_fill (job, g, xc, buf, oy0, oy1);
          for (; oy + DW_ROWS <= oy1; oy += DW_ROWS)
            dw_rows (job, g, buf + (oy - oy0) * g.sh * job->wp, wl, bias, yc + oy * p->ow,
                     DW_ROWS);
          for (; oy < oy1; oy++)
            dw_rows (job, g, buf + (oy - oy0) * g.sh * job->wp, wl, bias, yc + oy * p->ow, 1);
        }
    }
}

/* Planes [pl0, pl1): the common geometries with constants, the rest
 * with the job's. */
static FM_SIMD_INLINE void
dw_planes_body (const DwJob *job,
                gint64       pl0,
                gint64       pl1)
{
  const FmConvParams *p = job->p;
  gboolean square = p->kh == p->kw && p->sh == p->sw && p->dh == 1 && p->dw == 1;

  if (square && p->kh == 3 && p->sh == 1)
    dw_planes_geom (job, pl0, pl1, (DwGeom) { 3, 3, 1, 1, 1, 1 });
  else if (square && p->kh == 3 && p->sh == 2)
    dw_planes_geom (job, pl0, pl1, (DwGeom) { 3, 3, 2, 2, 1, 1 });
  else if (square && p->kh == 5 && p->sh == 1)
    dw_planes_geom (job, pl0, pl1, (DwGeom) { 5, 5, 1, 1, 1, 1 });
  else if (square && p->kh == 5 && p->sh == 2)
    dw_planes_geom (job, pl0, pl1, (DwGeom) { 5, 5, 2, 2, 1, 1 });
  else
    dw_planes_geom (job, pl0, pl1, (DwGeom) { p->kh, p->kw, p->sh, p->sw, p->dh, p->dw });
}

FM_SIMD_FUNCS (dw_planes, (const DwJob *job, gint64 pl0, gint64 pl1), (job, pl0, pl1))

static void
dw_range (gpointer data,
          gint64   begin,
          gint64   end)
{
  dw_planes (data, begin, end);
}

/* Planes [pl0, pl1) with plain loops over the taps (y = bias, then each
 * tap added over the outputs it reaches), for geometries the band buffer
 * does not take. */
static void
dw_planes_taps (const DwJob *job,
                gint64       pl0,
                gint64       pl1)
{
  const FmConvParams *p = job->p;

  for (gint64 pl = pl0; pl < pl1; pl++)
    {
      gint64 c = pl % p->c;
      const float *xc = job->x + pl * p->h * p->w;
      const float *wc = job->w + c * p->kh * p->kw;
      float *yc = job->y + pl * p->oh * p->ow;
      float bias = p->has_bias ? job->b[c] : 0.0f;

      for (gint64 i = 0; i < p->oh * p->ow; i++)
        yc[i] = bias;
      for (gint64 ky = 0; ky < p->kh; ky++)
        for (gint64 kx = 0; kx < p->kw; kx++)
          {
            float wv = wc[ky * p->kw + kx];
            gint64 ylo, yhi, xlo, xhi;

            fm_conv_valid_range (p->h, p->oh, p->sh, p->ph, ky * p->dh, &ylo, &yhi);
            fm_conv_valid_range (p->w, p->ow, p->sw, p->pw, kx * p->dw, &xlo, &xhi);
            for (gint64 oy = ylo; oy < yhi; oy++)
              {
                const float *src = xc + (oy * p->sh - p->ph + ky * p->dh) * p->w
                                   - p->pw + kx * p->dw;
                float *dst = yc + oy * p->ow;

                for (gint64 ox = xlo; ox < xhi; ox++)
                  dst[ox] += wv * src[ox * p->sw];
              }
          }
    }
}

static void
dw_range_taps (gpointer data,
               gint64   begin,
               gint64   end)
{
  dw_planes_taps (data, begin, end);
}

void
fm_conv_depthwise (const FmConvParams *p,
                const float        *x,
                const float        *w,
                const float        *b,
                float              *y,
                FmThreads          *pool)
{
  DwJob job = { p, x, w, b, y, 0, 0 };
  gboolean banded = dw_band_plan (p, &job.wp, &job.band);
  /* about 2 flops per tap and output, 8 bytes per input and output */
  double flops = 2.0 * p->oh * p->ow * p->kh * p->kw;
  double bytes = 4.0 * (p->h * p->w + p->oh * p->ow);

  fm_threads_parallel_for (pool, p->n * p->c, fm_threads_grain (flops, bytes),
                           banded ? dw_range : dw_range_taps, &job);
}
