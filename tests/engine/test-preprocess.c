/* test-preprocess.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-preprocess.c with pictures small enough to work out by hand:
 * exact p / 255 normalisation when sizes match, area averaging, bilinear
 * enlarging, aspect-preserving padding, luminance weights, inversion
 * rules, the parsers, and reading the settings from a model (a hand-built
 * FmModel struct, which is public for reading).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <png.h>

#include "fm-preprocess.h"

#define EPS 1e-6

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

static void
png_write_cb (png_structp png,
              png_bytep   data,
              png_size_t  len)
{
  g_byte_array_append (png_get_io_ptr (png), data, len);
}

static void
png_flush_cb (png_structp png)
{
}

/* The MNIST case end to end: a 28 x 28 gray PNG into [1, 1, 28, 28] with
 * mean m and std s is exactly (p / 255 - m) / s, computed here in float
 * the same way, with no resampling error allowed. */
static void
test_exact_28 (void)
{
  guint8 px[28 * 28];
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(FmImage) image = NULL;
  g_autoptr(GError) error = NULL;
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  FmPreprocess pp;
  float out[28 * 28];
  const float m = 0.1307f, s = 0.3081f;

  for (int i = 0; i < 28 * 28; i++)
    px[i] = (guint8) ((i * 7919) % 256);
  if (setjmp (png_jmpbuf (png)))
    g_assert_not_reached ();
  png_set_write_fn (png, bytes, png_write_cb, png_flush_cb);
  png_set_IHDR (png, info, 28, 28, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (int y = 0; y < 28; y++)
    png_write_row (png, px + 28 * y);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);

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
  g_assert_cmpfloat_with_epsilon (out[0], 25 / 255.0, EPS);
  g_assert_cmpfloat_with_epsilon (out[1], 45 / 255.0, EPS);
  g_assert_cmpfloat_with_epsilon (out[2], 105 / 255.0, EPS);
  g_assert_cmpfloat_with_epsilon (out[3], 125 / 255.0, EPS);

  fm_preprocess_init (&pp, 1, 1, 2);
  run_ok (&pp, c, out);
  g_assert_cmpfloat_with_epsilon (out[0], 30 / 255.0, EPS);
  g_assert_cmpfloat_with_epsilon (out[1], 150 / 255.0, EPS);
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
   * centred with y0 = (4 - 2) / 2 = 1. Its border is dark (mean of all
   * eight values (10 + ... + 80) / 8 / 255 = 45 / 255 < 0.5), so the
   * padding is black (0): rows 0 and 3 are 0, rows 1 and 2 the picture. */
  const guint8 dark[8] = { 10, 20, 30, 40, 50, 60, 70, 80 };
  /* The same shape, light (border mean 225 / 255 > 0.5): padding white. */
  const guint8 light[8] = { 200, 210, 220, 230, 220, 230, 240, 250 };
  g_autoptr(FmImage) d = image_new (4, 2, 1, dark);
  g_autoptr(FmImage) l = image_new (4, 2, 1, light);
  FmPreprocess pp;
  float out[16];

  fm_preprocess_init (&pp, 1, 4, 4);
  pp.invert = FM_INVERT_NO;
  run_ok (&pp, d, out);
  for (int x = 0; x < 4; x++)
    {
      g_assert_cmpfloat (out[x], ==, 0.0f);
      g_assert_cmpfloat (out[12 + x], ==, 0.0f);
      g_assert_cmpfloat_with_epsilon (out[4 + x], dark[x] / 255.0, EPS);
      g_assert_cmpfloat_with_epsilon (out[8 + x], dark[4 + x] / 255.0, EPS);
    }

  /* With mean 0.5 and std 0.25 the white padding is (1 - 0.5) / 0.25 = 2. */
  pp.mean[0] = 0.5f;
  pp.std[0] = 0.25f;
  run_ok (&pp, l, out);
  for (int x = 0; x < 4; x++)
    {
      g_assert_cmpfloat (out[x], ==, 2.0f);
      g_assert_cmpfloat (out[12 + x], ==, 2.0f);
      g_assert_cmpfloat_with_epsilon (out[4 + x], (light[x] / 255.0 - 0.5) / 0.25, 1e-5);
    }

  /* A 2 x 4 picture into 4 x 4 pads left and right: x0 = 1. */
  {
    g_autoptr(FmImage) t = image_new (2, 4, 1, dark);

    fm_preprocess_init (&pp, 1, 4, 4);
    pp.invert = FM_INVERT_NO;
    run_ok (&pp, t, out);
    for (int y = 0; y < 4; y++)
      {
        g_assert_cmpfloat (out[4 * y], ==, 0.0f);
        g_assert_cmpfloat (out[4 * y + 3], ==, 0.0f);
        g_assert_cmpfloat_with_epsilon (out[4 * y + 1], dark[2 * y] / 255.0, EPS);
        g_assert_cmpfloat_with_epsilon (out[4 * y + 2], dark[2 * y + 1] / 255.0, EPS);
      }
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
  g_assert_cmpfloat_with_epsilon (out[0], 0.299, EPS);
  g_assert_cmpfloat_with_epsilon (out[1], 0.587, EPS);
  g_assert_cmpfloat_with_epsilon (out[2], 0.114, EPS);
  g_assert_cmpfloat_with_epsilon (out[3], 1.0, EPS);

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
  g_assert_cmpfloat_with_epsilon (out[0], 0.2, EPS);
  g_assert_cmpfloat_with_epsilon (out[1], 0.0, EPS);
  g_assert_cmpfloat_with_epsilon (out[2], -0.2, EPS);
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

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  float v[8];
  int n = 0;
  FmInvert inv;
  const char *bad[] = { "", "abc", "1,,2", "0.5x", "nan", "inf", "1e999", "1;2",
                        "1,2,3,4,5,6,7,8,9" };

  g_assert_true (fm_preprocess_parse_floats ("0.5, 0.25,1e-3", "--mean", v, 8, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpfloat (v[0], ==, 0.5f);
  g_assert_cmpfloat (v[1], ==, 0.25f);
  g_assert_cmpfloat (v[2], ==, 0.001f);

  g_assert_true (fm_preprocess_parse_floats ("-2", "--mean", v, 8, &n, &error));
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpfloat (v[0], ==, -2.0f);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (fm_preprocess_parse_floats (bad[i], "--std", v, 8, &n, &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
      g_assert_true (g_str_has_prefix (error->message, "--std: "));
      g_clear_error (&error);
    }

  g_assert_true (fm_preprocess_parse_invert ("auto", &inv, NULL));
  g_assert_cmpint (inv, ==, FM_INVERT_AUTO);
  g_assert_true (fm_preprocess_parse_invert ("yes", &inv, NULL));
  g_assert_cmpint (inv, ==, FM_INVERT_YES);
  g_assert_true (fm_preprocess_parse_invert ("no", &inv, NULL));
  g_assert_cmpint (inv, ==, FM_INVERT_NO);
  g_assert_false (fm_preprocess_parse_invert ("maybe", &inv, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
}

static void
test_check (void)
{
  const guint8 px[1] = { 0 };
  g_autoptr(FmImage) image = image_new (1, 1, 1, px);
  g_autoptr(GError) error = NULL;
  FmPreprocess pp;
  float out[3];

  fm_preprocess_init (&pp, 3, 1, 1);
  pp.n_mean = 2;   /* neither 1 nor 3 */
  g_assert_false (fm_preprocess_image (&pp, image, out, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  fm_preprocess_init (&pp, 1, 1, 1);
  pp.std[0] = 0.0f;
  g_assert_false (fm_preprocess_image (&pp, image, out, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  fm_preprocess_init (&pp, 2, 1, 1);
  g_assert_false (fm_preprocess_image (&pp, image, out, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_SHAPE);
}

/* ---- from a model ----------------------------------------------------- */

typedef struct
{
  FmModel  model;
  FmValue  value;
  int      input;
} FakeModel;

static void
fake_model_init (FakeModel *f,
                 int        rank,
                 gint64     c)
{
  memset (f, 0, sizeof *f);
  f->value.name = (char *) "image";
  f->value.kind = FM_VALUE_INPUT;
  f->value.dtype = FM_DTYPE_FLOAT;
  f->value.shape.rank = rank;
  f->value.shape.dims[0] = 1;
  f->value.shape.dims[1] = c;
  f->value.shape.dims[2] = 28;
  f->value.shape.dims[3] = 20;
  f->value.producer = -1;
  f->model.path = (char *) "m.onnx";
  f->model.metadata = g_hash_table_new (g_str_hash, g_str_equal);
  f->model.n_values = 1;
  f->model.values = &f->value;
  f->input = 0;
  f->model.n_inputs = 1;
  f->model.inputs = &f->input;
}

static void
expect_model_error (FakeModel  *f,
                    int         code,
                    const char *needle)
{
  g_autoptr(GError) error = NULL;
  FmPreprocess pp;

  g_assert_false (fm_preprocess_init_from_model (&pp, &f->model, &error));
  g_assert_error (error, FM_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "m.onnx: "));
  if (strstr (error->message, needle) == NULL)
    g_error ("message '%s' lacks '%s'", error->message, needle);
}

static void
test_from_model (void)
{
  g_autoptr(GError) error = NULL;
  FakeModel f;
  FmPreprocess pp;

  /* No metadata: mean 0, std 1, white background. */
  fake_model_init (&f, 4, 1);
  g_assert_true (fm_preprocess_init_from_model (&pp, &f.model, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pp.channels, ==, 1);
  g_assert_cmpint (pp.height, ==, 28);
  g_assert_cmpint (pp.width, ==, 20);
  g_assert_cmpint (pp.n_mean, ==, 1);
  g_assert_cmpfloat (pp.mean[0], ==, 0.0f);
  g_assert_cmpfloat (pp.std[0], ==, 1.0f);
  g_assert_false (pp.background_black);
  g_assert_cmpint (pp.invert, ==, FM_INVERT_AUTO);

  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.mean", (char *) "0.1307");
  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.std", (char *) "0.3081");
  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.background", (char *) "black");
  g_assert_true (fm_preprocess_init_from_model (&pp, &f.model, &error));
  g_assert_cmpfloat (pp.mean[0], ==, 0.1307f);
  g_assert_cmpfloat (pp.std[0], ==, 0.3081f);
  g_assert_true (pp.background_black);

  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.mean", (char *) "0.1x");
  /* Bad metadata is the model's fault, whatever is wrong with it. */
  expect_model_error (&f, FM_ERROR_INVALID_MODEL, "feature_maps.mean");
  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.mean", (char *) "0.1,0.2");
  expect_model_error (&f, FM_ERROR_INVALID_MODEL, "feature_maps.mean");
  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.mean", (char *) "0.5");
  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.std", (char *) "0");
  expect_model_error (&f, FM_ERROR_INVALID_MODEL, "feature_maps.std");
  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.std", (char *) "1");
  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.background", (char *) "grey");
  expect_model_error (&f, FM_ERROR_INVALID_MODEL, "feature_maps.background");
  g_hash_table_unref (f.model.metadata);

  /* Three channels with per-channel values. */
  fake_model_init (&f, 4, 3);
  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.mean",
                       (char *) "0.485,0.456,0.406");
  g_assert_true (fm_preprocess_init_from_model (&pp, &f.model, &error));
  g_assert_cmpint (pp.channels, ==, 3);
  g_assert_cmpint (pp.n_mean, ==, 3);
  g_assert_cmpfloat (pp.mean[2], ==, 0.406f);
  g_hash_table_unref (f.model.metadata);

  /* Shapes a picture cannot feed. */
  fake_model_init (&f, 2, 784);
  expect_model_error (&f, FM_ERROR_SHAPE, "'image'");
  g_hash_table_unref (f.model.metadata);
  fake_model_init (&f, 4, 2);
  expect_model_error (&f, FM_ERROR_SHAPE, "C = 1 or 3");
  g_hash_table_unref (f.model.metadata);
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
  g_test_add_func ("/engine/preprocess/parse", test_parse);
  g_test_add_func ("/engine/preprocess/check", test_check);
  g_test_add_func ("/engine/preprocess/from-model", test_from_model);

  return g_test_run ();
}
