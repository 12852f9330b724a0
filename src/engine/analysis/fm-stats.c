/* fm-stats.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-channel statistics of one activation (see fm-stats.h for what each
 * field means and how NaN is treated). One pass over each plane, four
 * cells at a time; the mean is summed in double so a large plane of small
 * values keeps its digits.
 */
#include "config.h"

#include "fm-stats.h"

#include <math.h>
#include <string.h>

/* Four cells at a time with GCC's generic vectors (SSE2 on x86-64, NEON
 * on arm64; no intrinsics, no -ffast-math), as the scan does: the window
 * computes these for every layer of every live frame. Comparisons are
 * false for NaN, so a NaN never becomes the min or the max; the sum takes
 * NaN lanes as 0 and counts only the numbers. */
typedef float  v4f __attribute__ ((vector_size (16)));
typedef gint32 v4i __attribute__ ((vector_size (16)));
typedef double v4d __attribute__ ((vector_size (32)));

typedef struct
{
  float  lo, hi;
  double sum;
  gsize  n_numbers;  /* cells that are not NaN */
  gsize  n_active;   /* cells with |x| > epsilon, or NaN */
} PlaneSums;

static void
plane_sums (const float *p,  /* [H * W] */
            gsize        n,
            float        epsilon,
            PlaneSums   *out)
{
  const v4i abs_mask = { 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff };
  const v4f eps = { epsilon, epsilon, epsilon, epsilon };
  v4f vlo = { INFINITY, INFINITY, INFINITY, INFINITY };
  v4f vhi = { -INFINITY, -INFINITY, -INFINITY, -INFINITY };
  v4d vsum = { 0, 0, 0, 0 };
  v4i vnum = { 0, 0, 0, 0 };     /* minus the number of number cells, per lane */
  v4i vactive = { 0, 0, 0, 0 };  /* minus the number of active cells, per lane */
  gsize i = 0;

  memset (out, 0, sizeof *out);
  /* The lane counters are 32-bit: a plane is summed in blocks that cannot
   * overflow them. */
  while (i + 4 <= n)
    {
      gsize block_end = i + MIN ((n - i) & ~(gsize) 3, (gsize) 1 << 30);

      for (; i < block_end; i += 4)
        {
          v4f x;
          v4i is_number, lt, gt;

          memcpy (&x, p + i, sizeof x);
          is_number = x == x;
          lt = x < vlo;
          gt = x > vhi;
          vlo = (v4f) (((v4i) x & lt) | ((v4i) vlo & ~lt));
          vhi = (v4f) (((v4i) x & gt) | ((v4i) vhi & ~gt));
          vsum += __builtin_convertvector ((v4f) ((v4i) x & is_number), v4d);
          vnum += is_number;
          /* |x| <= eps is false for NaN, so a NaN is active. */
          vactive += ~((v4f) ((v4i) x & abs_mask) <= eps);
        }
      for (int k = 0; k < 4; k++)
        {
          out->n_numbers += (gsize) -vnum[k];
          out->n_active += (gsize) -vactive[k];
        }
      vnum = (v4i) { 0, 0, 0, 0 };
      vactive = (v4i) { 0, 0, 0, 0 };
    }
  out->lo = MIN (MIN (vlo[0], vlo[1]), MIN (vlo[2], vlo[3]));
  out->hi = MAX (MAX (vhi[0], vhi[1]), MAX (vhi[2], vhi[3]));
  out->sum = (vsum[0] + vsum[1]) + (vsum[2] + vsum[3]);
  for (; i < n; i++)
    {
      float x = p[i];

      if (!(fabsf (x) <= epsilon))
        out->n_active++;
      if (isnan (x))
        continue;
      out->lo = x < out->lo ? x : out->lo;
      out->hi = x > out->hi ? x : out->hi;
      out->sum += x;
      out->n_numbers++;
    }
}

void
fm_channel_stats_compute (const float    *data,
                          guint           channels,
                          gsize           plane,
                          float           epsilon,
                          FmChannelStats *out)
{
  g_return_if_fail (out != NULL || channels == 0);
  g_return_if_fail (data != NULL || channels == 0 || plane == 0);

  for (guint c = 0; c < channels; c++)
    {
      FmChannelStats *s = &out[c];
      PlaneSums sums;

      plane_sums (data != NULL ? data + (gsize) c * plane : NULL, plane, epsilon, &sums);
      if (plane == 0)
        {
          s->min = s->max = s->mean = 0.0f;
        }
      else if (sums.n_numbers == 0)
        {
          s->min = s->max = s->mean = NAN;
        }
      else
        {
          s->min = sums.lo;
          s->max = sums.hi;
          s->mean = (float) (sums.sum / (double) sums.n_numbers);
        }
      s->active_share = plane > 0 ? (float) ((double) sums.n_active / (double) plane) : 0.0f;
      s->all_zero = sums.n_active == 0;
    }
}

float
fm_plane_max (const float *p,
              gsize        n)
{
  PlaneSums sums;

  g_return_val_if_fail (p != NULL || n == 0, NAN);

  plane_sums (p, n, 0.0f, &sums);
  return sums.n_numbers > 0 ? sums.hi : NAN;
}

void
fm_channel_stats_range (const FmChannelStats *stats,
                        guint                 channels,
                        float                *min_out,
                        float                *max_out)
{
  float lo = INFINITY;
  float hi = -INFINITY;

  g_return_if_fail (stats != NULL || channels == 0);

  for (guint c = 0; c < channels; c++)
    {
      /* NaN compares false, so a NaN range is skipped here. */
      if (stats[c].min < lo)
        lo = stats[c].min;
      if (stats[c].max > hi)
        hi = stats[c].max;
    }
  if (lo > hi)
    {
      /* No channel, or none with a number. */
      lo = 0.0f;
      hi = 0.0f;
    }
  if (min_out != NULL)
    *min_out = lo;
  if (max_out != NULL)
    *max_out = hi;
}
