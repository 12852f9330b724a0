/* fm-stats.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-channel statistics of one activation (see fm-stats.h for what each
 * field means and how NaN is treated). One pass over each plane; the mean
 * is summed in double so a large plane of small values keeps its digits.
 */
#include "config.h"

#include "fm-stats.h"

#include <math.h>

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
      const float *p = data != NULL ? data + (gsize) c * plane : NULL; /* [H, W] */
      FmChannelStats *s = &out[c];
      float lo = INFINITY;
      float hi = -INFINITY;
      double sum = 0.0;
      gsize n_numbers = 0;  /* cells that are not NaN */
      gsize n_active = 0;

      for (gsize i = 0; i < plane; i++)
        {
          float x = p[i];

          if (isnan (x))
            {
              n_active++;
              continue;
            }
          if (fabsf (x) > epsilon)
            n_active++;
          if (x < lo)
            lo = x;
          if (x > hi)
            hi = x;
          sum += x;
          n_numbers++;
        }

      if (plane == 0)
        {
          s->min = s->max = s->mean = 0.0f;
        }
      else if (n_numbers == 0)
        {
          s->min = s->max = s->mean = NAN;
        }
      else
        {
          s->min = lo;
          s->max = hi;
          s->mean = (float) (sum / (double) n_numbers);
        }
      s->active_share = plane > 0 ? (float) ((double) n_active / (double) plane) : 0.0f;
      s->all_zero = n_active == 0;
    }
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
