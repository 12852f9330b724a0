/* test-preprocess.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-preprocess-image.c with pictures small enough to work out by
 * hand: exact p / 255 normalisation when sizes match, area averaging,
 * bilinear enlarging, letterboxing (with the picture's border colour or an
 * explicit one), luminance weights, inversion rules, and the settings for
 * a model without our metadata: each preset, BGR, each value range, fit /
 * stretch / crop, the canvas and tensor halves (whose tensor is
 * fm_preprocess_image's, bit for bit), and the letterbox of the bundled
 * paper digit (its border read here with libpng's own decoder). The
 * settings themselves are test-preprocess-settings.c's.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "fm-preprocess.h"
#include "fm-test-graph.h"
#include "fm-test-image.h"

#define EPS 1e-6

/* out[i] is the i-th of the doubles that follow within @eps, as
 * g_assert_cmpfloat_with_epsilon () compares them. */
#define ASSERT_NEAR(out, eps, ...)                                                   \
  assert_near ((out), (const double[]) { __VA_ARGS__ },                              \
               sizeof ((const double[]) { __VA_ARGS__ }) / sizeof (double), (eps))
/* out[i] is exactly the i-th of the floats that follow. */
#define ASSERT_EXACT(out, ...)                                                       \
  assert_exact ((out), (const float[]) { __VA_ARGS__ },                              \
                sizeof ((const float[]) { __VA_ARGS__ }) / sizeof (float))

static void
assert_near (const float  *out,
             const double *want,
             gsize         n,
             double        eps)
{
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (out[i], want[i], eps);
}

static void
assert_exact (const float *out,
              const float *want,
              gsize        n)
{
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (out[i], ==, want[i]);
}

static FmImage *
image_new (int           w,
           int           h,
           int           channels,
           const guint8 *pixels)
{
  g_autoptr(GError) error = NULL;
  FmImage *image = fm_image_new (w, h, channels, 0, &error);

  g_assert_no_error (error);
  memcpy (image->pixels, pixels, (gsize) w * h * channels);
  return image;
}

static void
run_ok (const FmPreprocess *pp,
        const FmImage      *image,
        float              *out)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fm_preprocess_image (pp, image, out, &error));
  g_assert_no_error (error);
}

/* The MNIST case end to end: a 28 x 28 gray PNG into [1, 1, 28, 28] with
 * mean m and std s is exactly (p / 255 - m) / s, computed here in float
 * the same way, with no resampling error allowed. */
static void
test_exact_28 (void)
{
  guint8 px[28 * 28];
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(FmImage) image = NULL;
  g_autoptr(GError) error = NULL;
  FmPreprocess pp;
  float out[28 * 28];
  const float m = 0.1307f, s = 0.3081f;

  for (int i = 0; i < 28 * 28; i++)
    px[i] = (guint8) ((i * 7919) % 256);
  bytes = fm_test_encode_png (28, 28, PNG_COLOR_TYPE_GRAY, 8, px, NULL, 0, NULL, 0);

  image = fm_image_load_bytes (bytes->data, bytes->len, "digit.png", 0, &error);
  g_assert_no_error (error);

  fm_preprocess_init (&pp, 1, 28, 28);
  pp.mean[0] = m;
  pp.std[0] = s;
  pp.invert = FM_INVERT_NO;
  run_ok (&pp, image, out);
  for (int i = 0; i < 28 * 28; i++)
    g_assert_cmpfloat (out[i], ==, ((float) px[i] / 255.0f - m) / s);

  /* Inverted: ((1 - p / 255) - m) / s, also exactly. */
  pp.invert = FM_INVERT_YES;
  run_ok (&pp, image, out);
  for (int i = 0; i < 28 * 28; i++)
    g_assert_cmpfloat (out[i], ==, ((1.0f - (float) px[i] / 255.0f) - m) / s);
}

static void
test_area_average (void)
{
  /* 2 x 2 -> 1 x 1 is the mean: (0 + 100 + 200 + 255) / 4 / 255
   * = 555 / 1020 = 0.5441176... */
  const guint8 px[4] = { 0, 100, 200, 255 };
  /* 4 x 4 -> 2 x 2: means of the 2 x 2 blocks:
   *   [0 10 | 20 30]     block (0,0) = (0 + 10 + 40 + 50) / 4 = 25
   *   [40 50 | 60 70]    block (0,1) = (20 + 30 + 60 + 70) / 4 = 45
   *   [80 90 | 100 110]  block (1,0) = (80 + 90 + 120 + 130) / 4 = 105
   *   [120 130 | 140 150] block (1,1) = (100 + 110 + 140 + 150) / 4 = 125 */
  guint8 px4[16];
  /* 3 x 1 -> 2 x 1, scale 1.5: output 0 covers source [0, 1.5), weights
   * 1/1.5 and 0.5/1.5, so 2/3 * 0 + 1/3 * 90 = 30; output 1 covers
   * [1.5, 3): 1/3 * 90 + 2/3 * 180 = 150. */
  const guint8 px3[3] = { 0, 90, 180 };
  g_autoptr(FmImage) a = image_new (2, 2, 1, px);
  g_autoptr(FmImage) b = NULL;
  g_autoptr(FmImage) c = image_new (3, 1, 1, px3);
  FmPreprocess pp;
  float out[4];

  for (int i = 0; i < 16; i++)
    px4[i] = (guint8) (10 * i);
  b = image_new (4, 4, 1, px4);

  fm_preprocess_init (&pp, 1, 1, 1);
  pp.invert = FM_INVERT_NO;
  run_ok (&pp, a, out);
  g_assert_cmpfloat_with_epsilon (out[0], 555.0 / 1020.0, EPS);

  fm_preprocess_init (&pp, 1, 2, 2);
  run_ok (&pp, b, out);
  ASSERT_NEAR (out, EPS, 25 / 255.0, 45 / 255.0, 105 / 255.0, 125 / 255.0);

  fm_preprocess_init (&pp, 1, 1, 2);
  run_ok (&pp, c, out);
  ASSERT_NEAR (out, EPS, 30 / 255.0, 150 / 255.0);
}

static void
test_bilinear_enlarge (void)
{
  /* 2 x 1 [0, 255] -> 4 x 2. Horizontal sample positions with half-pixel
   * centres: x = (i + 0.5) * 2 / 4 - 0.5 = -0.25, 0.25, 0.75, 1.25,
   * clamped to [0, 1]: values 0, 0.25, 0.75, 1. Vertically the single row
   * is repeated. */
  const guint8 px[2] = { 0, 255 };
  const float row[4] = { 0.0f, 0.25f, 0.75f, 1.0f };
  g_autoptr(FmImage) image = image_new (2, 1, 1, px);
  FmPreprocess pp;
  float out[8];

  fm_preprocess_init (&pp, 1, 2, 4);
  pp.invert = FM_INVERT_NO;
  run_ok (&pp, image, out);
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 4; x++)
      g_assert_cmpfloat_with_epsilon (out[4 * y + x], row[x], EPS);
}

static void
test_padding (void)
{
  /* A 4 x 2 picture into 4 x 4: scale min (4/4, 4/2) = 1, no resampling,
   * centred with y0 = (4 - 2) / 2 = 1: rows 0 and 3 are the letterbox,
   * rows 1 and 2 the picture. */
  const guint8 dark[8] = { 10, 20, 30, 40, 50, 60, 70, 80 };
  const guint8 light[8] = { 200, 210, 220, 230, 220, 230, 240, 250 };
  const float white[3] = { 1.0f, 1.0f, 1.0f }, black[3] = { 0.0f, 0.0f, 0.0f };
  g_autoptr(FmImage) d = image_new (4, 2, 1, dark);
  g_autoptr(FmImage) l = image_new (4, 2, 1, light);
  FmPreprocess pp;
  float out[16];

  /* Auto: the picture's own border colour. Every pixel of a 2-row
   * picture is on its border; the median of the eight values 10 ... 80
   * (the lower one of the middle two, 40 and 50) is 40. */
  fm_preprocess_init (&pp, 1, 4, 4);
  pp.invert = FM_INVERT_NO;
  g_assert_true (pp.background_auto);
  run_ok (&pp, d, out);
  for (int x = 0; x < 4; x++)
    {
      g_assert_cmpfloat (out[x], ==, 40 / 255.0f);
      g_assert_cmpfloat (out[12 + x], ==, 40 / 255.0f);
      g_assert_cmpfloat_with_epsilon (out[4 + x], dark[x] / 255.0, EPS);
      g_assert_cmpfloat_with_epsilon (out[8 + x], dark[4 + x] / 255.0, EPS);
    }

  /* An explicit black letterbox. */
  fm_preprocess_set_background (&pp, FALSE, black);
  run_ok (&pp, d, out);
  for (int x = 0; x < 4; x++)
    {
      g_assert_cmpfloat (out[x], ==, 0.0f);
      g_assert_cmpfloat (out[12 + x], ==, 0.0f);
    }

  /* White, with mean 0.5 and std 0.25: (1 - 0.5) / 0.25 = 2. */
  fm_preprocess_set_background (&pp, FALSE, white);
  pp.mean[0] = 0.5f;
  pp.std[0] = 0.25f;
  run_ok (&pp, l, out);
  for (int x = 0; x < 4; x++)
    {
      g_assert_cmpfloat (out[x], ==, 2.0f);
      g_assert_cmpfloat (out[12 + x], ==, 2.0f);
      g_assert_cmpfloat_with_epsilon (out[4 + x], (light[x] / 255.0 - 0.5) / 0.25, 1e-5);
    }

  /* A 2 x 4 picture into 4 x 4 pads left and right: x0 = 1. Its border
   * is every pixel but none: all eight again, median 40. */
  {
    g_autoptr(FmImage) t = image_new (2, 4, 1, dark);

    fm_preprocess_init (&pp, 1, 4, 4);
    pp.invert = FM_INVERT_NO;
    run_ok (&pp, t, out);
    for (int y = 0; y < 4; y++)
      {
        g_assert_cmpfloat (out[4 * y], ==, 40 / 255.0f);
        g_assert_cmpfloat (out[4 * y + 3], ==, 40 / 255.0f);
        g_assert_cmpfloat_with_epsilon (out[4 * y + 1], dark[2 * y] / 255.0, EPS);
        g_assert_cmpfloat_with_epsilon (out[4 * y + 2], dark[2 * y + 1] / 255.0, EPS);
      }
  }

  /* An RGB picture: the median per channel. A 3 x 1 row (every pixel on
   * the border) of (10, 200, 0), (20, 100, 0), (30, 150, 255): medians
   * 20, 150, 0. Into 3 x 3, rows 0 and 2 are letterbox. For a gray model
   * the letterbox is that colour's luminance. */
  {
    const guint8 rgb[9] = { 10, 200, 0, 20, 100, 0, 30, 150, 255 };
    g_autoptr(FmImage) c = image_new (3, 1, 3, rgb);
    float planes[27];

    fm_preprocess_init (&pp, 3, 3, 3);
    run_ok (&pp, c, planes);
    for (int x = 0; x < 3; x++)
      {
        g_assert_cmpfloat (planes[0 * 9 + x], ==, 20 / 255.0f);
        g_assert_cmpfloat (planes[1 * 9 + x], ==, 150 / 255.0f);
        g_assert_cmpfloat (planes[2 * 9 + 6 + x], ==, 0.0f);
      }
    fm_preprocess_init (&pp, 1, 3, 3);
    run_ok (&pp, c, planes);
    g_assert_cmpfloat_with_epsilon (planes[0], (0.299 * 20 + 0.587 * 150) / 255.0, EPS);
  }
}

static void
test_channels (void)
{
  /* RGB -> gray by luminance: pure red 0.299, green 0.587, blue 0.114,
   * and (255, 255, 255) -> 0.299 + 0.587 + 0.114 = 1. */
  const guint8 rgb[12] = { 255, 0, 0,   0, 255, 0,   0, 0, 255,   255, 255, 255 };
  /* Gray -> RGB repeats: 51 / 255 = 0.2 in every channel; with means
   * (0.1, 0.2, 0.3) and stds 0.5: (0.2 - 0.1) / 0.5 = 0.2, 0, -0.2. */
  const guint8 gray[1] = { 51 };
  g_autoptr(FmImage) c = image_new (4, 1, 3, rgb);
  g_autoptr(FmImage) g = image_new (1, 1, 1, gray);
  FmPreprocess pp;
  float out[4];

  fm_preprocess_init (&pp, 1, 1, 4);
  pp.invert = FM_INVERT_NO;
  run_ok (&pp, c, out);
  ASSERT_NEAR (out, EPS, 0.299, 0.587, 0.114, 1.0);

  /* RGB into RGB keeps channels apart: planes [C, H, W]. */
  fm_preprocess_init (&pp, 3, 1, 4);
  pp.invert = FM_INVERT_NO;
  {
    float planes[12];

    run_ok (&pp, c, planes);
    for (int x = 0; x < 4; x++)
      for (int ch = 0; ch < 3; ch++)
        g_assert_cmpfloat (planes[ch * 4 + x], ==, rgb[3 * x + ch] / 255.0f);
  }

  fm_preprocess_init (&pp, 3, 1, 1);
  pp.invert = FM_INVERT_NO;
  pp.mean[0] = 0.1f;
  pp.mean[1] = 0.2f;
  pp.mean[2] = 0.3f;
  pp.n_mean = 3;
  pp.std[0] = 0.5f;
  pp.n_std = 1;
  run_ok (&pp, g, out);
  ASSERT_NEAR (out, EPS, 0.2, 0.0, -0.2);
}

static void
test_invert (void)
{
  /* 3 x 3 white paper with one black stroke pixel in the middle: border
   * brightness 1. For a black-background model AUTO inverts: border 0,
   * centre 1. */
  const guint8 paper[9] = { 255, 255, 255, 255, 0, 255, 255, 255, 255 };
  /* Light strokes on black: border 0, AUTO leaves it. */
  const guint8 night[9] = { 0, 0, 0, 0, 204, 0, 0, 0, 0 };
  g_autoptr(FmImage) p = image_new (3, 3, 1, paper);
  g_autoptr(FmImage) n = image_new (3, 3, 1, night);
  FmPreprocess pp;
  float out[9 * 3];

  fm_preprocess_init (&pp, 1, 3, 3);
  pp.background_black = TRUE;
  g_assert_true (fm_preprocess_will_invert (&pp, p));
  run_ok (&pp, p, out);
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat (out[4], ==, 1.0f);

  g_assert_false (fm_preprocess_will_invert (&pp, n));
  run_ok (&pp, n, out);
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (out[4], 0.8, EPS);

  /* A white-background model never inverts in AUTO. */
  pp.background_black = FALSE;
  g_assert_false (fm_preprocess_will_invert (&pp, p));
  run_ok (&pp, p, out);
  g_assert_cmpfloat (out[0], ==, 1.0f);
  g_assert_cmpfloat (out[4], ==, 0.0f);

  /* YES and NO override AUTO either way. */
  pp.invert = FM_INVERT_YES;
  run_ok (&pp, n, out);
  g_assert_cmpfloat (out[0], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (out[4], 0.2, EPS);
  pp.invert = FM_INVERT_NO;
  pp.background_black = TRUE;
  g_assert_false (fm_preprocess_will_invert (&pp, p));

  /* Padding follows the picture as the model sees it: the paper picture
   * (3 x 3) in a 3 x 9 (H x W) model, inverted for a black background,
   * is padded with black; x0 = (9 - 3) / 2 = 3. */
  fm_preprocess_init (&pp, 1, 3, 9);
  pp.background_black = TRUE;
  run_ok (&pp, p, out);
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 9; x++)
      {
        float expected = (x < 3 || x >= 6) ? 0.0f
                         : 1.0f - paper[3 * y + x - 3] / 255.0f;
        g_assert_cmpfloat (out[9 * y + x], ==, expected);
      }
}

static const guint8 quad[12] = {
  255, 0, 0,     0, 255, 0,
  0, 0, 255,     51, 102, 204,
};

/* Channel @c of pixel @i of quad in [0, 1]. */
static double
quad_value (int i,
            int c)
{
  return quad[3 * i + c] / 255.0;
}

static void
test_presets (void)
{
  g_autoptr(FmImage) image = image_new (2, 2, 3, quad);
  g_autoptr(FmImage) gray = NULL;
  const guint8 gpx[4] = { 0, 51, 102, 255 };
  g_autoptr(GError) error = NULL;
  FmPreprocess pp;
  float out[12];

  /* ImageNet, as torchvision's ToTensor + Normalize: (p / 255 - m) / s,
   * m = (0.485, 0.456, 0.406), s = (0.229, 0.224, 0.225). */
  fm_preprocess_init (&pp, 3, 2, 2);
  pp.order = FM_CHANNEL_ORDER_BGR;
  pp.range = FM_VALUE_RANGE_0_255;
  g_assert_true (fm_preprocess_apply_preset (&pp, "imagenet", &error));
  g_assert_no_error (error);
  g_assert_cmpint (pp.order, ==, FM_CHANNEL_ORDER_RGB);
  g_assert_cmpint (pp.range, ==, FM_VALUE_RANGE_0_1);
  g_assert_cmpstr (fm_preprocess_get_preset (&pp), ==, "imagenet");
  run_ok (&pp, image, out);
  {
    const double m[3] = { 0.485, 0.456, 0.406 }, sd[3] = { 0.229, 0.224, 0.225 };

    for (int c = 0; c < 3; c++)
      for (int i = 0; i < 4; i++)
        g_assert_cmpfloat_with_epsilon (out[c * 4 + i], (quad_value (i, c) - m[c]) / sd[c], 1e-5);
    /* Two by hand: red's R (1 - 0.485) / 0.229 = 2.2489083; the last
     * pixel's B (0.8 - 0.406) / 0.225 = 1.7511111. */
    g_assert_cmpfloat_with_epsilon (out[0], 2.2489083, 1e-5);
    g_assert_cmpfloat_with_epsilon (out[2 * 4 + 3], 1.7511111, 1e-5);
  }

  /* MNIST on a gray picture: (p / 255 - 0.1307) / 0.3081; 0 -> -0.4242129,
   * 255 -> 2.8214865. */
  gray = image_new (2, 2, 1, gpx);
  fm_preprocess_init (&pp, 1, 2, 2);
  pp.invert = FM_INVERT_NO;
  g_assert_true (fm_preprocess_apply_preset (&pp, "mnist", NULL));
  g_assert_cmpstr (fm_preprocess_get_preset (&pp), ==, "mnist");
  run_ok (&pp, gray, out);
  ASSERT_NEAR (out, 1e-6, -0.4242129, (0.2 - 0.1307) / 0.3081, (0.4 - 0.1307) / 0.3081, 2.8214865);

  /* None: the picture as it is, p / 255. */
  g_assert_true (fm_preprocess_apply_preset (&pp, "none", NULL));
  g_assert_cmpstr (fm_preprocess_get_preset (&pp), ==, "none");
  run_ok (&pp, gray, out);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (out[i], ==, gpx[i] / 255.0f);

  /* MNIST on an RGB model: the same for every channel, RGB order. */
  fm_preprocess_init (&pp, 3, 2, 2);
  g_assert_true (fm_preprocess_apply_preset (&pp, "mnist", NULL));
  g_assert_cmpstr (fm_preprocess_get_preset (&pp), ==, "mnist");
  run_ok (&pp, image, out);
  g_assert_cmpfloat_with_epsilon (out[4 + 1], (1.0 - 0.1307) / 0.3081, 1e-5);

  /* Custom: anything that matches no preset. */
  pp.std[0] = 0.5f;
  g_assert_null (fm_preprocess_get_preset (&pp));
  g_assert_true (fm_preprocess_apply_preset (&pp, "none", NULL));
  pp.order = FM_CHANNEL_ORDER_BGR;
  g_assert_null (fm_preprocess_get_preset (&pp));
  pp.order = FM_CHANNEL_ORDER_RGB;
  pp.range = FM_VALUE_RANGE_M1_1;
  g_assert_null (fm_preprocess_get_preset (&pp));

  /* ImageNet needs three channels; an unknown name is refused; neither
   * changes anything. */
  fm_preprocess_init (&pp, 1, 2, 2);
  pp.mean[0] = 0.25f;
  g_assert_false (fm_preprocess_apply_preset (&pp, "imagenet", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (fm_preprocess_apply_preset (&pp, "cifar", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "cifar"));
  g_assert_cmpfloat (pp.mean[0], ==, 0.25f);
}

/* A BGR model with means (0.1, 0.2, 0.3) and stds (0.5, 1, 2), per model
 * channel, for a 2 x 2 picture. */
static void
bgr_settings (FmPreprocess *pp)
{
  fm_preprocess_init (pp, 3, 2, 2);
  pp->order = FM_CHANNEL_ORDER_BGR;
  pp->mean[0] = 0.1f, pp->mean[1] = 0.2f, pp->mean[2] = 0.3f;
  pp->std[0] = 0.5f, pp->std[1] = 1.0f, pp->std[2] = 2.0f;
  pp->n_mean = pp->n_std = 3;
}

static void
test_bgr (void)
{
  g_autoptr(FmImage) image = image_new (2, 2, 3, quad);
  FmPreprocess pp;
  float canvas[12], out[12];
  g_autoptr(GError) error = NULL;

  /* The model's channel 0 is blue: tensor c reads canvas 2 - c, and the
   * mean and std are the model's, per model channel. Means (0.1, 0.2,
   * 0.3), stds (0.5, 1, 2): channel 0 of the red pixel is its blue 0,
   * (0 - 0.1) / 0.5 = -0.2; channel 2 of it is its red 1, (1 - 0.3) / 2
   * = 0.35. */
  bgr_settings (&pp);
  run_ok (&pp, image, out);
  g_assert_cmpfloat_with_epsilon (out[0], -0.2, EPS);
  g_assert_cmpfloat_with_epsilon (out[2 * 4 + 0], 0.35, EPS);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat_with_epsilon (out[c * 4 + i],
                                      (quad_value (i, 2 - c) - pp.mean[c]) / pp.std[c], 1e-6);

  /* The canvas stays R, G, B whatever the model's order. */
  g_assert_true (fm_preprocess_image_to_canvas (&pp, image, canvas, &error));
  g_assert_no_error (error);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (canvas[c * 4 + i], ==, quad[3 * i + c] / 255.0f);

  /* canvas_to_tensor in place gives the same as into another buffer. */
  {
    float tensor[12];

    fm_preprocess_canvas_to_tensor (&pp, canvas, tensor);
    fm_preprocess_canvas_to_tensor (&pp, canvas, canvas);
    for (int i = 0; i < 12; i++)
      {
        g_assert_cmpfloat (canvas[i], ==, tensor[i]);
        g_assert_cmpfloat (tensor[i], ==, out[i]);
      }
  }

  /* A gray model takes only gray; an RGB model only rgb or bgr. */
  pp.order = FM_CHANNEL_ORDER_GRAY;
  g_assert_false (fm_preprocess_check (&pp, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  fm_preprocess_init (&pp, 1, 2, 2);
  g_assert_cmpint (pp.order, ==, FM_CHANNEL_ORDER_GRAY);
  pp.order = FM_CHANNEL_ORDER_BGR;
  g_assert_false (fm_preprocess_image (&pp, image, out, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
}

/* A channels-last model ([1, H, W, C], a Keras export) gets the same
 * values as test_bgr's, interleaved: the tensor's [y, x, c] at (y W + x) C
 * + c; in place too; fm_preprocess_tensor_planes() gives the planes back.
 * The graph tells the layout: an input [1, 2, 2, 3] transposed into a
 * Conv is channels-last; one whose axes nothing proves is read as
 * [1, C, H, W] and refused (2 channels). */
static void
test_channels_last (void)
{
  g_autoptr(FmImage) image = image_new (2, 2, 3, quad);
  FmPreprocess pp;
  float canvas[12], out[12], planes[12];
  g_autoptr(GError) error = NULL;

  bgr_settings (&pp);
  pp.channels_last = TRUE;
  run_ok (&pp, image, out);
  /* pixel 0, channel 0 (blue 0): (0 - 0.1) / 0.5; channel 2 (red 1):
   * (1 - 0.3) / 2 */
  g_assert_cmpfloat_with_epsilon (out[0], -0.2, EPS);
  g_assert_cmpfloat_with_epsilon (out[2], 0.35, EPS);
  for (int i = 0; i < 4; i++)
    for (int c = 0; c < 3; c++)
      g_assert_cmpfloat_with_epsilon (out[i * 3 + c],
                                      (quad_value (i, 2 - c) - pp.mean[c]) / pp.std[c], 1e-6);

  g_assert_true (fm_preprocess_image_to_canvas (&pp, image, canvas, &error));
  g_assert_no_error (error);
  fm_preprocess_canvas_to_tensor (&pp, canvas, canvas);
  g_assert_cmpmem (canvas, sizeof canvas, out, sizeof out);

  fm_preprocess_tensor_planes (&pp, out, planes);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (planes[c * 4 + i], ==, out[i * 3 + c]);

  for (int k = 0; k < 2; k++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
      g_autoptr(FmModel) m = NULL;
      FmPreprocess from_model;

      fm_test_graph_input (g, "x", FM_DIMS (1, 2, 2, 3));
      if (k == 0)
        {
          fm_test_node_ints (fm_test_graph_node (g, "Transpose", "x", "t"), "perm", 4,
                             (const gint64[]) { 0, 3, 1, 2 });
          fm_test_graph_float (g, "w", FM_DIMS (1, 3, 1, 1),
                               (const float[]) { 1.0f, 1.0f, 1.0f });
          fm_test_graph_node (g, "Conv", "t,w", "y");
        }
      else
        fm_test_graph_node (g, "Relu", "x", "y");
      fm_test_graph_output (g, "y");
      m = fm_test_graph_build_ok (g);
      if (k == 0)
        {
          g_assert_true (fm_preprocess_init_from_model (&from_model, m, &error));
          g_assert_no_error (error);
          g_assert_true (from_model.channels_last);
          g_assert_cmpint (from_model.channels, ==, 3);
          g_assert_cmpint (from_model.height, ==, 2);
          g_assert_cmpint (from_model.width, ==, 2);
        }
      else
        {
          g_assert_false (fm_preprocess_init_from_model (&from_model, m, &error));
          g_assert_error (error, FM_ERROR, FM_ERROR_SHAPE);
          g_assert_nonnull (strstr (error->message, "[1, C, H, W]"));
          g_clear_error (&error);
        }
    }
}

static void
test_ranges (void)
{
  g_autoptr(FmImage) image = image_new (2, 2, 3, quad);
  FmPreprocess pp;
  float out[12];

  /* 0-255, std 1: p - mean. Keras "caffe": BGR, 0-255, mean 103.939,
   * 116.779, 123.68 in the model's (BGR) order. The last pixel (51, 102,
   * 204): B 204 - 103.939 = 100.061, G 102 - 116.779 = -14.779, R 51 -
   * 123.68 = -72.68. */
  fm_preprocess_init (&pp, 3, 2, 2);
  pp.order = FM_CHANNEL_ORDER_BGR;
  pp.range = FM_VALUE_RANGE_0_255;
  pp.mean[0] = 103.939f, pp.mean[1] = 116.779f, pp.mean[2] = 123.68f;
  pp.n_mean = 3;
  run_ok (&pp, image, out);
  g_assert_cmpfloat_with_epsilon (out[0 * 4 + 3], 100.061, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[1 * 4 + 3], -14.779, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[2 * 4 + 3], -72.68, 1e-4);
  /* The red pixel: B 0 - 103.939, R 255 - 123.68 = 131.32. */
  g_assert_cmpfloat_with_epsilon (out[0], -103.939, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[2 * 4], 131.32, 1e-4);

  /* -1-1: 2 p / 255 - 1, then mean 0, std 1: 0 -> -1, 255 -> 1, 51 ->
   * -0.6, 102 -> -0.2, 204 -> 0.6. */
  fm_preprocess_init (&pp, 3, 2, 2);
  pp.range = FM_VALUE_RANGE_M1_1;
  run_ok (&pp, image, out);
  ASSERT_NEAR (out, EPS, 1.0, -1.0);
  g_assert_cmpfloat_with_epsilon (out[0 * 4 + 3], -0.6, EPS);
  g_assert_cmpfloat_with_epsilon (out[1 * 4 + 3], -0.2, EPS);
  g_assert_cmpfloat_with_epsilon (out[2 * 4 + 3], 0.6, EPS);

  /* -1-1 and then mean 0.5, std 0.5: (0.6 - 0.5) / 0.5 = 0.2. */
  pp.mean[0] = 0.5f;
  pp.std[0] = 0.5f;
  run_ok (&pp, image, out);
  g_assert_cmpfloat_with_epsilon (out[2 * 4 + 3], 0.2, EPS);

  /* 0-1 is exactly p / 255 (checked bit for bit in exact-28). */
  fm_preprocess_init (&pp, 3, 2, 2);
  run_ok (&pp, image, out);
  g_assert_cmpfloat (out[2 * 4 + 3], ==, 204 / 255.0f);
}

static void
test_resize_modes (void)
{
  /* A 4 x 2 picture (W x H):
   *    0  20  40  60
   *   80 100 120 140
   * into a 2 x 2 model. */
  const guint8 px[8] = { 0, 20, 40, 60, 80, 100, 120, 140 };
  const guint8 tall_px[8] = { 0, 20, 40, 60, 80, 100, 120, 140 };
  const guint8 pair[2] = { 0, 255 };
  g_autoptr(FmImage) wide = image_new (4, 2, 1, px);
  g_autoptr(FmImage) tall = image_new (2, 4, 1, tall_px);
  g_autoptr(FmImage) two = image_new (2, 1, 1, pair);
  FmPreprocess pp;
  float out[4];

  fm_preprocess_init (&pp, 1, 2, 2);
  pp.invert = FM_INVERT_NO;

  /* FIT: scale min (2/4, 2/2) = 1/2, 2 x 1 at y0 = (2 - 1) / 2 = 0. Each
   * output pixel is the mean of a 2 x 2 block: (0 + 20 + 80 + 100) / 4 =
   * 50, (40 + 60 + 120 + 140) / 4 = 90. Row 1 is the letterbox, the
   * median of the border (all eight values), 60. */
  pp.resize = FM_RESIZE_FIT;
  run_ok (&pp, wide, out);
  ASSERT_NEAR (out, EPS, 50 / 255.0, 90 / 255.0);
  g_assert_cmpfloat (out[2], ==, 60 / 255.0f);
  g_assert_cmpfloat (out[3], ==, 60 / 255.0f);

  /* STRETCH: 4 -> 2 across (pairs averaged), 2 -> 2 down (copied):
   * (0 + 20) / 2 = 10, (40 + 60) / 2 = 50, (80 + 100) / 2 = 90,
   * (120 + 140) / 2 = 130. */
  pp.resize = FM_RESIZE_STRETCH;
  run_ok (&pp, wide, out);
  ASSERT_NEAR (out, EPS, 10 / 255.0, 50 / 255.0, 90 / 255.0, 130 / 255.0);

  /* CROP: scale max (2/4, 2/2) = 1, the picture stays 4 x 2 and the
   * centre 2 columns (from (4 - 2) / 2 = 1) are kept: 20 40 / 100 120,
   * exactly. */
  pp.resize = FM_RESIZE_CROP;
  run_ok (&pp, wide, out);
  ASSERT_EXACT (out, 20 / 255.0f, 40 / 255.0f, 100 / 255.0f, 120 / 255.0f);

  /* The same on its side (2 x 4): rows 1 and 2 of
   *   0 20 / 40 60 / 80 100 / 120 140. */
  run_ok (&pp, tall, out);
  ASSERT_EXACT (out, 40 / 255.0f, 60 / 255.0f, 80 / 255.0f, 100 / 255.0f);

  /* CROP that enlarges: 2 x 1 [0, 255] into 2 x 2, scale max (1, 2) = 2:
   * the picture becomes 4 x 2 (bilinear across: 0, 0.25, 0.75, 1, see
   * bilinear-enlarge; the row repeated down), and the centre columns 1
   * and 2 are kept: 0.25, 0.75 in both rows. */
  run_ok (&pp, two, out);
  for (int y = 0; y < 2; y++)
    {
      g_assert_cmpfloat_with_epsilon (out[2 * y], 0.25, EPS);
      g_assert_cmpfloat_with_epsilon (out[2 * y + 1], 0.75, EPS);
    }

  /* STRETCH of the same: 2 -> 2 across copied, 1 -> 2 down repeated. */
  pp.resize = FM_RESIZE_STRETCH;
  run_ok (&pp, two, out);
  ASSERT_EXACT (out, 0.0f, 1.0f, 0.0f, 1.0f);
}

/* Decodes @path with libpng's simplified API as 8-bit RGB: independent of
 * fm-image.c. */
static guint8 *
read_png_rgb (const char *path,
              int        *width,
              int        *height)
{
  png_image png;
  guint8 *pixels;

  memset (&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  g_assert_true (png_image_begin_read_from_file (&png, path));
  png.format = PNG_FORMAT_RGB;
  pixels = g_malloc (PNG_IMAGE_SIZE (png));
  g_assert_true (png_image_finish_read (&png, NULL, pixels, 0, NULL));
  *width = (int) png.width;
  *height = (int) png.height;
  png_image_free (&png);
  return pixels;
}

static int
compare_bytes (gconstpointer a,
               gconstpointer b)
{
  return *(const guint8 *) a - *(const guint8 *) b;
}

/* data/digits/digit-3-paper.png, 120 x 90, dark on grey paper, through
 * the MNIST model's settings (mean 0.1307, std 0.3081, black background,
 * so AUTO inverts it). Fitted into 28 x 28: scale min (28/120, 28/90) =
 * 7/30, 120 x 90 -> 28 x 21, y0 = (28 - 21) / 2 = 3: rows 0-2 and 24-27
 * are letterbox. They must be the paper as the model sees it, not black:
 * black bands against the paper are edges that light up channels. */
static void
test_paper_letterbox (void)
{
  g_autofree char *path = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-3-paper.png",
                                            NULL);
  g_autofree guint8 *rgb = NULL;
  g_autoptr(FmImage) image = NULL;
  g_autoptr(GError) error = NULL;
  GArray *ring[3];
  FmPreprocess pp;
  float out[28 * 28], canvas[28 * 28];
  guint8 median[3];
  double paper;
  int w, h;

  rgb = read_png_rgb (path, &w, &h);
  g_assert_cmpint (w, ==, 120);
  g_assert_cmpint (h, ==, 90);
  /* The outermost ring's median per channel, by sorting. */
  for (int k = 0; k < 3; k++)
    {
      ring[k] = g_array_new (FALSE, FALSE, 1);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          if (y == 0 || y == h - 1 || x == 0 || x == w - 1)
            g_array_append_val (ring[k], rgb[3 * (y * w + x) + k]);
      g_assert_cmpuint (ring[k]->len, ==, 2 * 120 + 2 * 88);
      g_array_sort (ring[k], compare_bytes);
      median[k] = g_array_index (ring[k], guint8, (ring[k]->len - 1) / 2);
      g_array_unref (ring[k]);
    }
  paper = (0.299 * median[0] + 0.587 * median[1] + 0.114 * median[2]) / 255.0;
  g_test_message ("paper: %u %u %u, luminance %.4f", median[0], median[1], median[2], paper);
  /* Grey paper (183, 178, 167): light, far from black. */
  g_assert_cmpfloat (paper, >, 0.5);

  image = fm_image_load (path, 0, &error);
  g_assert_no_error (error);
  fm_preprocess_init (&pp, 1, 28, 28);
  pp.mean[0] = 0.1307f;
  pp.std[0] = 0.3081f;
  pp.background_black = TRUE;
  g_assert_true (fm_preprocess_will_invert (&pp, image));
  run_ok (&pp, image, out);
  g_assert_true (fm_preprocess_image_to_canvas (&pp, image, canvas, &error));

  for (int y = 0; y < 28; y++)
    {
      if (y >= 3 && y < 24)
        continue;
      for (int x = 0; x < 28; x++)
        {
          float t = out[28 * y + x];
          /* Normalisation undone, then the inversion: the paper again. */
          double seen = 1.0 - ((double) t * 0.3081 + 0.1307);

          g_assert_cmpfloat_with_epsilon (seen, paper, 1e-5);
          g_assert_cmpfloat_with_epsilon (canvas[28 * y + x], 1.0 - paper, 1e-6);
        }
    }
  /* The picture's own edge rows next to the letterbox are paper too:
   * within a few levels of it, so there is no edge. */
  for (int x = 0; x < 28; x++)
    {
      g_assert_cmpfloat_with_epsilon (canvas[28 * 3 + x], 1.0 - paper, 0.08);
      g_assert_cmpfloat_with_epsilon (canvas[28 * 23 + x], 1.0 - paper, 0.08);
    }

  /* An explicit white background is the model's canvas and makes AUTO
   * leave the picture alone (light model background): letterbox 1. */
  {
    const float white[3] = { 1.0f, 1.0f, 1.0f };
    float color[3];

    fm_preprocess_set_background (&pp, FALSE, white);
    g_assert_false (fm_preprocess_background_is_dark (&pp));
    fm_preprocess_get_canvas_color (&pp, color);
    g_assert_cmpfloat (color[0], ==, 1.0f);
    g_assert_false (fm_preprocess_will_invert (&pp, image));
    g_assert_true (fm_preprocess_image_to_canvas (&pp, image, canvas, &error));
    g_assert_cmpfloat (canvas[0], ==, 1.0f);
    g_assert_cmpfloat (canvas[28 * 27 + 27], ==, 1.0f);
    /* Back to auto: the model's metadata (black) again. */
    fm_preprocess_set_background (&pp, TRUE, NULL);
    g_assert_true (fm_preprocess_background_is_dark (&pp));
    fm_preprocess_get_canvas_color (&pp, color);
    g_assert_cmpfloat (color[1], ==, 0.0f);
  }
}

static void
test_canvas_path_is_cli (void)
{
  static const FmChannelOrder orders[] = { FM_CHANNEL_ORDER_GRAY, FM_CHANNEL_ORDER_RGB,
                                           FM_CHANNEL_ORDER_BGR };
  static const float mean[3] = { 0.1307f, 0.456f, -0.25f }, std[3] = { 0.3081f, 0.224f, 2.5f };
  static const float blue[3] = { 0.2f, 0.4f, 0.6f };
  g_autoptr(FmImage) gray = fm_image_new (9, 6, 1, 0, NULL);
  g_autoptr(FmImage) rgb = fm_image_new (5, 7, 3, 0, NULL);
  const FmImage *images[] = { gray, rgb };
  guint checked = 0;

  for (gsize i = 0; i < 9 * 6; i++)
    gray->pixels[i] = (guint8) (i * 37 + 11);
  for (gsize i = 0; i < 5 * 7 * 3; i++)
    rgb->pixels[i] = (guint8) (i * 53 + 200);
  for (guint im = 0; im < G_N_ELEMENTS (images); im++)
    for (guint o = 0; o < G_N_ELEMENTS (orders); o++)
      for (int range = FM_VALUE_RANGE_0_1; range <= FM_VALUE_RANGE_M1_1; range++)
        for (int resize = FM_RESIZE_FIT; resize <= FM_RESIZE_CROP; resize++)
          for (int invert = FM_INVERT_AUTO; invert <= FM_INVERT_NO; invert++)
            for (int bg = 0; bg < 3; bg++)
              {
                int C = orders[o] == FM_CHANNEL_ORDER_GRAY ? 1 : 3;
                gsize n = (gsize) C * 4 * 6;
                g_autofree float *cli = g_new (float, n);
                g_autofree float *canvas = g_new (float, n);
                g_autofree float *drawn = NULL;
                g_autofree float *tensor = g_new (float, n);
                g_autoptr(GError) error = NULL;
                FmPreprocess pp;

                fm_preprocess_init (&pp, C, 4, 6);
                pp.order = orders[o];
                pp.range = range;
                pp.resize = resize;
                pp.invert = invert;
                pp.background_black = bg == 0;
                if (bg > 0)
                  fm_preprocess_set_background (&pp, bg == 1, blue);
                memcpy (pp.mean, mean, sizeof mean);
                memcpy (pp.std, std, sizeof std);
                pp.n_mean = pp.n_std = C;

                run_ok (&pp, images[im], cli);
                g_assert_true (fm_preprocess_image_to_canvas (&pp, images[im], canvas, &error));
                g_assert_no_error (error);
                for (gsize k = 0; k < n; k++)
                  g_assert_true (canvas[k] >= 0.0f && canvas[k] <= 1.0f);
                drawn = g_memdup2 (canvas, n * sizeof (float));
                fm_preprocess_canvas_to_tensor (&pp, drawn, tensor);
                g_assert_true (memcmp (tensor, cli, n * sizeof (float)) == 0);
                checked++;
              }
  g_assert_cmpuint (checked, ==, 2 * 3 * 3 * 3 * 3 * 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/preprocess/exact-28", test_exact_28);
  g_test_add_func ("/engine/preprocess/area-average", test_area_average);
  g_test_add_func ("/engine/preprocess/bilinear-enlarge", test_bilinear_enlarge);
  g_test_add_func ("/engine/preprocess/padding", test_padding);
  g_test_add_func ("/engine/preprocess/channels", test_channels);
  g_test_add_func ("/engine/preprocess/invert", test_invert);
  g_test_add_func ("/engine/preprocess/presets", test_presets);
  g_test_add_func ("/engine/preprocess/bgr", test_bgr);
  g_test_add_func ("/engine/preprocess/channels-last", test_channels_last);
  g_test_add_func ("/engine/preprocess/ranges", test_ranges);
  g_test_add_func ("/engine/preprocess/resize-modes", test_resize_modes);
  g_test_add_func ("/engine/preprocess/paper-letterbox", test_paper_letterbox);
  g_test_add_func ("/engine/preprocess/canvas-path-is-cli", test_canvas_path_is_cli);

  return g_test_run ();
}

