/* test-colormap.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-colormap: the names, the published endpoint colours, the
 * binning rule of fm_colormap_map (checked on the gray ramp, whose
 * entries are known by hand), and that the sequential maps get lighter
 * monotonically.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-colormap.h"

static void
test_lookup (void)
{
  static const char * const names[] = { "viridis", "magma", "inferno", "gray", "coolwarm" };
  const FmColormap * const *list;
  guint n = 0;

  list = fm_colormap_list (&n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (names));
  g_assert_null (list[n]);
  for (guint i = 0; i < n; i++)
    {
      const FmColormap *cm = fm_colormap_lookup (names[i]);

      g_assert_nonnull (cm);
      g_assert_true (list[i] == cm);
      g_assert_cmpstr (fm_colormap_get_name (cm), ==, names[i]);
      g_assert_cmpuint (strlen (fm_colormap_get_display_name (cm)), >, 0);
      g_assert_cmpint (fm_colormap_is_diverging (cm), ==, g_str_equal (names[i], "coolwarm"));
    }
  g_assert_null (fm_colormap_lookup ("jet"));
  g_assert_null (fm_colormap_lookup ("Viridis"));
  g_assert_null (fm_colormap_lookup (NULL));
  g_assert_true (fm_colormap_get_default () == fm_colormap_lookup ("viridis"));
}

/* Endpoints as published: matplotlib's documentation and to_hex () give
 * viridis #440154 .. #fde725, magma #000004 .. #fcfdbf, inferno #000004
 * .. #fcffa4; Moreland's paper gives coolwarm's ends as RGB (59, 76, 192)
 * = #3b4cc0 and (180, 4, 38) = #b40426. */
static void
test_endpoints (void)
{
  static const struct { const char *name; guint32 lo, hi; } cases[] = {
    { "viridis", 0x440154, 0xfde725 },
    { "magma", 0x000004, 0xfcfdbf },
    { "inferno", 0x000004, 0xfcffa4 },
    { "gray", 0x000000, 0xffffff },
    { "coolwarm", 0x3b4cc0, 0xb40426 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const FmColormap *cm = fm_colormap_lookup (cases[i].name);

      g_assert_cmphex (fm_colormap_map (cm, 0.0), ==, cases[i].lo);
      g_assert_cmphex (fm_colormap_map (cm, 1.0), ==, cases[i].hi);
      g_assert_cmphex (fm_colormap_get_entry (cm, 0), ==, cases[i].lo);
      g_assert_cmphex (fm_colormap_get_entry (cm, 255), ==, cases[i].hi);
    }
}

/* Entry = floor (t * 256) clamped to 0..255; gray entry i is (i, i, i). */
static void
test_bins (void)
{
  const FmColormap *gray = fm_colormap_lookup ("gray");

  g_assert_cmphex (fm_colormap_map (gray, 0.5), ==, 0x808080);      /* 128 */
  g_assert_cmphex (fm_colormap_map (gray, 0.25), ==, 0x404040);     /* 64 */
  g_assert_cmphex (fm_colormap_map (gray, 63.99 / 256), ==, 0x3f3f3f); /* 63 */
  g_assert_cmphex (fm_colormap_map (gray, 1.0 / 256), ==, 0x010101);
  g_assert_cmphex (fm_colormap_map (gray, 0.999), ==, 0xffffff);    /* 255.74 -> 255 */
  g_assert_cmphex (fm_colormap_map (gray, -3.0), ==, 0x000000);
  g_assert_cmphex (fm_colormap_map (gray, 7.0), ==, 0xffffff);
  g_assert_cmphex (fm_colormap_map (gray, NAN), ==, 0x000000);
  g_assert_cmphex (fm_colormap_map (gray, INFINITY), ==, 0xffffff);
  g_assert_cmphex (fm_colormap_get_entry (gray, 1000), ==, 0xffffff);
}

/* CIE L* of an sRGB colour (D65, the sRGB transfer curve). */
static double
lightness (guint32 rgb)
{
  double c[3], y;

  for (int k = 0; k < 3; k++)
    {
      double v = ((rgb >> (16 - 8 * k)) & 0xff) / 255.0;
      c[k] = v <= 0.04045 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4);
    }
  y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  return y > 216.0 / 24389 ? 116 * cbrt (y) - 16 : y * 24389.0 / 27;
}

/* Viridis is designed to be monotone in CAM02-UCS lightness; rounded to
 * 8 bits its CIE L* still rises overall (about 0.3 per entry) but may dip
 * by a few hundredths between neighbours, so allow 0.1 per step and
 * demand a strict rise over every 4 entries. Magma, inferno and gray rise
 * at every entry. */
static void
test_lightness (void)
{
  const FmColormap *viridis = fm_colormap_lookup ("viridis");

  for (guint i = 0; i + 1 < FM_COLORMAP_SIZE; i++)
    g_assert_cmpfloat (lightness (fm_colormap_get_entry (viridis, i + 1)), >,
                       lightness (fm_colormap_get_entry (viridis, i)) - 0.1);
  for (guint i = 0; i + 4 < FM_COLORMAP_SIZE; i++)
    g_assert_cmpfloat (lightness (fm_colormap_get_entry (viridis, i + 4)), >,
                       lightness (fm_colormap_get_entry (viridis, i)));

  for (const char * const *name = (const char * const[]) { "magma", "inferno", "gray", NULL };
       *name != NULL; name++)
    {
      const FmColormap *cm = fm_colormap_lookup (*name);

      for (guint i = 0; i + 1 < FM_COLORMAP_SIZE; i++)
        g_assert_cmpfloat (lightness (fm_colormap_get_entry (cm, i + 1)), >,
                           lightness (fm_colormap_get_entry (cm, i)));
    }
}

/* Coolwarm is blue below the middle, red above, and near-neutral and
 * light in the middle (Moreland's midpoint is about (221, 221, 221)). */
static void
test_diverging (void)
{
  const FmColormap *cm = fm_colormap_lookup ("coolwarm");

  for (guint i = 0; i < FM_COLORMAP_SIZE; i++)
    {
      guint32 rgb = fm_colormap_get_entry (cm, i);
      int r = rgb >> 16, g = (rgb >> 8) & 0xff, b = rgb & 0xff;

      if (i < 120)
        g_assert_cmpint (b, >, r);
      else if (i > 136)
        g_assert_cmpint (r, >, b);
      else
        {
          g_assert_cmpint (ABS (r - b), <=, 40);
          g_assert_cmpint (g, >=, 190);
        }
    }
  {
    guint32 mid = fm_colormap_map (cm, 0.5);
    g_assert_cmpint (ABS ((int) (mid >> 16) - 221), <=, 3);
    g_assert_cmpint (ABS ((int) (mid & 0xff) - 221), <=, 3);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/colormap/lookup", test_lookup);
  g_test_add_func ("/render/colormap/endpoints", test_endpoints);
  g_test_add_func ("/render/colormap/bins", test_bins);
  g_test_add_func ("/render/colormap/lightness", test_lightness);
  g_test_add_func ("/render/colormap/diverging", test_diverging);

  return g_test_run ();
}
