/* test-stats.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-channel statistics (fm-stats.c) on tiny [C, H, W] tensors whose
 * results are worked out by hand in the comments: min, max, mean, the
 * active share and the all-zero flag at several epsilons, NaN and
 * infinity cells, planes that end off the four-cell step, a plane of
 * 4,099 cells, the plane maximum, empty planes, and the layer range.
 */
#include "config.h"

#include <math.h>

#include "fm-stats.h"

/* [2, 2, 2]: channel 0 has a bit of everything, channel 1 only tiny values. */
static const float t222[] = {
  1.0f, -2.0f,
  0.0f, 0.5f,

  0.0f, 1e-3f,
  -1e-3f, -0.0f,
};

static void
test_stats_basic (void)
{
  FmChannelStats s[2];

  fm_channel_stats_compute (t222, 2, 4, 0.0f, s);

  /* channel 0: min -2, max 1, mean (1 - 2 + 0 + 0.5) / 4 = -0.125;
   * epsilon 0: 1, -2 and 0.5 are active -> 3 / 4 = 0.75 */
  g_assert_cmpfloat (s[0].min, ==, -2.0f);
  g_assert_cmpfloat (s[0].max, ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (s[0].mean, -0.125f, 1e-7f);
  g_assert_cmpfloat (s[0].active_share, ==, 0.75f);
  g_assert_false (s[0].all_zero);

  /* channel 1: min -1e-3, max 1e-3, mean (0 + 1e-3 - 1e-3 - 0) / 4 = 0;
   * epsilon 0: only 1e-3 and -1e-3 are active (-0.0 is zero) -> 0.5 */
  g_assert_cmpfloat (s[1].min, ==, -1e-3f);
  g_assert_cmpfloat (s[1].max, ==, 1e-3f);
  g_assert_cmpfloat_with_epsilon (s[1].mean, 0.0f, 1e-9f);
  g_assert_cmpfloat (s[1].active_share, ==, 0.5f);
  g_assert_false (s[1].all_zero);
}

static void
test_stats_epsilon (void)
{
  FmChannelStats s[2];

  /* epsilon 0.01: channel 1's +-1e-3 are now zero -> all zero, share 0;
   * channel 0 unchanged: 3 / 4. min/max/mean do not depend on epsilon. */
  fm_channel_stats_compute (t222, 2, 4, 0.01f, s);
  g_assert_cmpfloat (s[0].active_share, ==, 0.75f);
  g_assert_false (s[0].all_zero);
  g_assert_cmpfloat (s[1].active_share, ==, 0.0f);
  g_assert_true (s[1].all_zero);
  g_assert_cmpfloat (s[1].min, ==, -1e-3f);
  g_assert_cmpfloat (s[1].max, ==, 1e-3f);

  /* epsilon 0.5: the test is |x| > epsilon, so 0.5 itself is not active:
   * 1 and -2 remain -> 2 / 4 = 0.5 */
  fm_channel_stats_compute (t222, 2, 4, 0.5f, s);
  g_assert_cmpfloat (s[0].active_share, ==, 0.5f);
  g_assert_false (s[0].all_zero);

  /* epsilon 2: |-2| > 2 is false too -> nothing active, all zero */
  fm_channel_stats_compute (t222, 2, 4, 2.0f, s);
  g_assert_cmpfloat (s[0].active_share, ==, 0.0f);
  g_assert_true (s[0].all_zero);
  g_assert_cmpfloat (s[0].min, ==, -2.0f);
  g_assert_cmpfloat (s[0].max, ==, 1.0f);
}

static void
test_stats_exact_zero (void)
{
  static const float z[] = { 0.0f, -0.0f, 0.0f, 0.0f };
  FmChannelStats s;

  /* epsilon 0: 0.0 and -0.0 are both exactly zero -> all zero */
  fm_channel_stats_compute (z, 1, 4, 0.0f, &s);
  g_assert_true (s.all_zero);
  g_assert_cmpfloat (s.active_share, ==, 0.0f);
  g_assert_cmpfloat (s.min, ==, 0.0f);
  g_assert_cmpfloat (s.max, ==, 0.0f);
  g_assert_cmpfloat (s.mean, ==, 0.0f);
}

static void
test_stats_nan (void)
{
  /* [3, 2, 2] */
  const float d[] = {
    NAN, 1.0f, 3.0f, NAN,
    NAN, NAN, NAN, NAN,
    NAN, 0.0f, 0.0f, 0.0f,
  };
  FmChannelStats s[3];
  float lo, hi;

  fm_channel_stats_compute (d, 3, 4, 0.0f, s);

  /* channel 0: numbers 1 and 3 -> min 1, max 3, mean 2; the two NaN count
   * as active with 1 and 3 -> 4 / 4 */
  g_assert_cmpfloat (s[0].min, ==, 1.0f);
  g_assert_cmpfloat (s[0].max, ==, 3.0f);
  g_assert_cmpfloat (s[0].mean, ==, 2.0f);
  g_assert_cmpfloat (s[0].active_share, ==, 1.0f);
  g_assert_false (s[0].all_zero);

  /* channel 1: nothing but NaN -> NaN range and mean, all active, not zero */
  g_assert_true (isnan (s[1].min));
  g_assert_true (isnan (s[1].max));
  g_assert_true (isnan (s[1].mean));
  g_assert_cmpfloat (s[1].active_share, ==, 1.0f);
  g_assert_false (s[1].all_zero);

  /* channel 2: one NaN and three zeros -> not all zero, share 1 / 4,
   * range and mean from the zeros */
  g_assert_false (s[2].all_zero);
  g_assert_cmpfloat (s[2].active_share, ==, 0.25f);
  g_assert_cmpfloat (s[2].min, ==, 0.0f);
  g_assert_cmpfloat (s[2].max, ==, 0.0f);
  g_assert_cmpfloat (s[2].mean, ==, 0.0f);

  /* layer range skips channel 1's NaN: min(1, 0) = 0, max(3, 0) = 3 */
  fm_channel_stats_range (s, 3, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0.0f);
  g_assert_cmpfloat (hi, ==, 3.0f);

  /* only the NaN channel: no number at all -> 0, 0 */
  fm_channel_stats_range (&s[1], 1, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0.0f);
  g_assert_cmpfloat (hi, ==, 0.0f);
}

static void
test_stats_infinity (void)
{
  const float d[] = { INFINITY, 0.0f, -1.0f, 0.0f };
  FmChannelStats s;

  /* +inf is an ordinary active value: max inf, mean inf, min -1,
   * active: inf and -1 -> 2 / 4 */
  fm_channel_stats_compute (d, 1, 4, 0.0f, &s);
  g_assert_true (isinf (s.max) && s.max > 0);
  g_assert_true (isinf (s.mean) && s.mean > 0);
  g_assert_cmpfloat (s.min, ==, -1.0f);
  g_assert_cmpfloat (s.active_share, ==, 0.5f);
  g_assert_false (s.all_zero);
}

static void
test_stats_tail (void)
{
  /* [1, 7]: the first four cells go through the four-at-a-time loop, the
   * last three through its tail; the extremes are in the tail. */
  const float d[] = { 0.5f, NAN, 0.0f, 1.0f, 8.0f, NAN, -4.0f };
  FmChannelStats s;

  /* numbers 0.5, 0, 1, 8, -4 -> min -4, max 8, mean 5.5 / 5 = 1.1;
   * active at epsilon 0: all but the 0 -> 6 / 7 */
  fm_channel_stats_compute (d, 1, 7, 0.0f, &s);
  g_assert_cmpfloat (s.min, ==, -4.0f);
  g_assert_cmpfloat (s.max, ==, 8.0f);
  g_assert_cmpfloat_with_epsilon (s.mean, 1.1f, 1e-6f);
  g_assert_cmpfloat (s.active_share, ==, 6.0f / 7.0f);
  g_assert_false (s.all_zero);
}

static void
test_stats_long_plane (void)
{
  /* 4,099 cells x_i = (i mod 10) - 3, i.e. -3 .. 6, with NaN at i = 1000
   * (a -3) and at i = 4098 (a 5, in the tail). */
  enum { N = 4099 };
  g_autofree float *d = g_new (float, N);
  FmChannelStats s;

  for (int i = 0; i < N; i++)
    d[i] = (float) (i % 10) - 3.0f;
  d[1000] = NAN;
  d[4098] = NAN;

  /* The sum of all 4,099: 409 whole cycles of 15 plus -3 .. 5 (9) = 6,144;
   * without the two NaN cells' -3 and 5: 6,142 over 4,097 numbers. The
   * zero cells are i mod 10 = 3: i = 3, 13, .., 4093, 410 of them. */
  fm_channel_stats_compute (d, 1, N, 0.0f, &s);
  g_assert_cmpfloat (s.min, ==, -3.0f);
  g_assert_cmpfloat (s.max, ==, 6.0f);
  g_assert_cmpfloat_with_epsilon (s.mean, 6142.0 / 4097.0, 1e-6);
  g_assert_cmpfloat (s.active_share, ==, (float) (3689.0 / 4099.0));
  g_assert_false (s.all_zero);
}

static void
test_stats_plane_max (void)
{
  const float some[] = { 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, NAN, 7.0f, 0.0f, -1.0f };
  const float nan_only[] = { NAN, NAN, NAN, NAN, NAN };
  const float minus_inf[] = { NAN, -INFINITY, NAN };

  /* As fmaxf folded from NaN: NaN skipped, NaN when there is no number. */
  g_assert_cmpfloat (fm_plane_max (some, G_N_ELEMENTS (some)), ==, 7.0f);
  g_assert_cmpfloat (fm_plane_max (some, 4), ==, 4.0f);
  g_assert_true (isnan (fm_plane_max (nan_only, G_N_ELEMENTS (nan_only))));
  g_assert_cmpfloat (fm_plane_max (minus_inf, G_N_ELEMENTS (minus_inf)), ==, -INFINITY);
  g_assert_true (isnan (fm_plane_max (NULL, 0)));
}

static void
test_stats_empty (void)
{
  FmChannelStats s[2] = { { 9, 9, 9, 9, FALSE }, { 9, 9, 9, 9, FALSE } };
  float lo = 9, hi = 9;

  /* zero-size planes: documented as 0, 0, 0, share 0, all zero */
  fm_channel_stats_compute (NULL, 2, 0, 0.0f, s);
  for (int c = 0; c < 2; c++)
    {
      g_assert_cmpfloat (s[c].min, ==, 0.0f);
      g_assert_cmpfloat (s[c].max, ==, 0.0f);
      g_assert_cmpfloat (s[c].mean, ==, 0.0f);
      g_assert_cmpfloat (s[c].active_share, ==, 0.0f);
      g_assert_true (s[c].all_zero);
    }

  /* no channels: range 0, 0 */
  fm_channel_stats_range (s, 0, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0.0f);
  g_assert_cmpfloat (hi, ==, 0.0f);
}

static void
test_stats_range (void)
{
  FmChannelStats s[2];
  float lo, hi;

  /* channel 0 spans [-2, 1], channel 1 [-1e-3, 1e-3] -> layer [-2, 1] */
  fm_channel_stats_compute (t222, 2, 4, 0.0f, s);
  fm_channel_stats_range (s, 2, &lo, &hi);
  g_assert_cmpfloat (lo, ==, -2.0f);
  g_assert_cmpfloat (hi, ==, 1.0f);

  /* channel 1 alone */
  fm_channel_stats_range (&s[1], 1, &lo, &hi);
  g_assert_cmpfloat (lo, ==, -1e-3f);
  g_assert_cmpfloat (hi, ==, 1e-3f);

  /* either output may be NULL */
  fm_channel_stats_range (s, 2, NULL, &hi);
  g_assert_cmpfloat (hi, ==, 1.0f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/stats/basic", test_stats_basic);
  g_test_add_func ("/engine/stats/epsilon", test_stats_epsilon);
  g_test_add_func ("/engine/stats/exact-zero", test_stats_exact_zero);
  g_test_add_func ("/engine/stats/nan", test_stats_nan);
  g_test_add_func ("/engine/stats/infinity", test_stats_infinity);
  g_test_add_func ("/engine/stats/tail", test_stats_tail);
  g_test_add_func ("/engine/stats/long-plane", test_stats_long_plane);
  g_test_add_func ("/engine/stats/plane-max", test_stats_plane_max);
  g_test_add_func ("/engine/stats/empty", test_stats_empty);
  g_test_add_func ("/engine/stats/range", test_stats_range);

  return g_test_run ();
}
