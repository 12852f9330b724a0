/* test-preprocess-settings.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests the preprocessing settings of fm-preprocess.c: the parsers and
 * names, the check, reading the settings from a model (a hand-built
 * FmModel struct, which is public for reading) and the one-line
 * description. test-preprocess.c applies settings to pixels.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "fm-preprocess.h"
#include "fm-test-files.h"

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
  g_autoptr(FmImage) image = fm_image_new (1, 1, 1, 0, NULL);
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
  g_clear_error (&error);

  /* The newer fields: a NaN mean, an enum out of range, a background
   * outside [0, 1] (used or not). */
  for (int i = 0; i < 4; i++)
    {
      fm_preprocess_init (&pp, 3, 1, 1);
      g_assert_true (fm_preprocess_check (&pp, NULL));
      if (i == 0)
        pp.mean[0] = NAN;
      else if (i == 1)
        pp.range = (FmValueRange) 3;
      else if (i == 2)
        pp.resize = (FmResize) -1;
      else
        pp.background[1] = 1.5f;
      g_assert_false (fm_preprocess_check (&pp, &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }
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
  fm_test_assert_error_holds (error, FM_ERROR, code, needle);
  g_assert_true (g_str_has_prefix (error->message, "m.onnx: "));
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
  expect_model_error (&f, FM_ERROR_INVALID_MODEL, "feature_maps.std: 0 is not a positive number");
  g_hash_table_insert (f.model.metadata, (char *) "feature_maps.std", (char *) "-1");
  expect_model_error (&f, FM_ERROR_INVALID_MODEL, "feature_maps.std: -1 is not a positive number");
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

/* ---- settings for a practitioner's own model --------------------------- */

/* A 2 x 2 RGB picture with known pixels, [H, W, 3]. */

static void
test_names (void)
{
  g_autoptr(GError) error = NULL;
  FmChannelOrder order;
  FmValueRange range;
  FmResize resize;
  gboolean is_auto = FALSE;
  float rgb[3] = { -1.0f, -1.0f, -1.0f };
  FmPreprocess pp;

  g_assert_true (fm_preprocess_parse_channel_order ("gray", "--channels", &order, NULL));
  g_assert_cmpint (order, ==, FM_CHANNEL_ORDER_GRAY);
  g_assert_true (fm_preprocess_parse_channel_order ("bgr", "--channels", &order, NULL));
  g_assert_cmpint (order, ==, FM_CHANNEL_ORDER_BGR);
  g_assert_false (fm_preprocess_parse_channel_order ("RGB", "--channels", &order, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "--channels: 'RGB' is not one of gray, rgb, bgr");
  g_clear_error (&error);

  g_assert_true (fm_preprocess_parse_value_range ("-1-1", "--input-range", &range, NULL));
  g_assert_cmpint (range, ==, FM_VALUE_RANGE_M1_1);
  g_assert_true (fm_preprocess_parse_value_range ("0-255", "--input-range", &range, NULL));
  g_assert_cmpint (range, ==, FM_VALUE_RANGE_0_255);
  g_assert_false (fm_preprocess_parse_value_range ("0:1", "--input-range", &range, &error));
  g_assert_cmpstr (error->message, ==, "--input-range: '0:1' is not one of 0-1, 0-255, -1-1");
  g_clear_error (&error);

  g_assert_true (fm_preprocess_parse_resize ("crop", "--resize", &resize, NULL));
  g_assert_cmpint (resize, ==, FM_RESIZE_CROP);
  g_assert_false (fm_preprocess_parse_resize ("", "--resize", &resize, &error));
  g_assert_nonnull (strstr (error->message, "--resize"));
  g_clear_error (&error);

  for (int v = 0; v <= FM_RESIZE_CROP; v++)
    {
      g_assert_true (fm_preprocess_parse_resize (fm_preprocess_resize_name (v), "x", &resize,
                                                 NULL));
      g_assert_cmpint (resize, ==, v);
    }
  g_assert_null (fm_preprocess_resize_name (7));
  g_assert_null (fm_preprocess_channel_order_name (-1));
  g_assert_cmpstr (fm_preprocess_value_range_name (FM_VALUE_RANGE_0_1), ==, "0-1");
  g_assert_cmpstr (fm_preprocess_invert_name (FM_INVERT_NO), ==, "no");

  /* Backgrounds. */
  g_assert_true (fm_preprocess_parse_background ("auto", "--background", &is_auto, rgb, NULL));
  g_assert_true (is_auto);
  g_assert_cmpfloat (rgb[0], ==, -1.0f);
  g_assert_true (fm_preprocess_parse_background ("white", "--background", &is_auto, rgb, NULL));
  g_assert_false (is_auto);
  g_assert_cmpfloat (rgb[2], ==, 1.0f);
  g_assert_true (fm_preprocess_parse_background ("black", "--background", &is_auto, rgb, NULL));
  g_assert_cmpfloat (rgb[1], ==, 0.0f);
  /* #336699: 0x33 = 51 -> 0.2, 0x66 = 102 -> 0.4, 0x99 = 153 -> 0.6. */
  g_assert_true (fm_preprocess_parse_background ("#336699", "--background", &is_auto, rgb, NULL));
  g_assert_cmpfloat (rgb[0], ==, 51 / 255.0f);
  g_assert_cmpfloat (rgb[1], ==, 102 / 255.0f);
  g_assert_cmpfloat (rgb[2], ==, 153 / 255.0f);
  g_assert_true (fm_preprocess_parse_background ("0.5, 0.25,1", "--background", &is_auto, rgb,
                                                 NULL));
  g_assert_cmpfloat (rgb[0], ==, 0.5f);
  g_assert_cmpfloat (rgb[1], ==, 0.25f);
  g_assert_cmpfloat (rgb[2], ==, 1.0f);
  {
    const char *bad[] = { "", "grey", "#12345", "#1234567", "#12345g", "0.5,0.5",
                          "0.5,0.5,0.5,0.5", "1.5,0,0", "-0.1,0,0", "nan,0,0", "\xff\xfe" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_assert_false (fm_preprocess_parse_background (bad[i], "--background", &is_auto, rgb,
                                                        &error));
        g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
        g_assert_true (g_str_has_prefix (error->message, "--background: '"));
        g_assert_true (g_utf8_validate (error->message, -1, NULL));
        g_clear_error (&error);
      }
  }

  /* Names of backgrounds parse back to the same colour. */
  fm_preprocess_init (&pp, 3, 1, 1);
  {
    const char *texts[] = { "auto", "white", "black", "#336699", "0.5,0.25,0.123456789" };
    const char *names[] = { "auto", "white", "black", "#336699", "0.5,0.25,0.123456791" };

    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        g_autofree char *name = NULL;
        float back[3];
        gboolean back_auto;

        g_assert_true (fm_preprocess_parse_background (texts[i], "x", &is_auto, rgb, NULL));
        fm_preprocess_set_background (&pp, is_auto, rgb);
        name = fm_preprocess_background_name (&pp);
        g_assert_cmpstr (name, ==, names[i]);
        g_assert_true (fm_preprocess_parse_background (name, "x", &back_auto, back, NULL));
        g_assert_cmpint (back_auto, ==, is_auto);
        for (int c = 0; c < 3 && !is_auto; c++)
          g_assert_cmpfloat (back[c], ==, rgb[c]);
      }
  }
}

/* fm_preprocess_describe (@pp) is @want. */
static void
check_describe (const FmPreprocess *pp,
                const char         *want)
{
  g_autofree char *text = fm_preprocess_describe (pp);

  g_assert_cmpstr (text, ==, want);
}

static void
test_describe (void)
{
  FmPreprocess pp;

  fm_preprocess_init (&pp, 3, 224, 224);
  g_assert_true (fm_preprocess_apply_preset (&pp, "imagenet", NULL));
  pp.invert = FM_INVERT_NO;
  check_describe (&pp, "RGB, 0–1, normalised with ImageNet mean/std, not inverted");

  fm_preprocess_init (&pp, 1, 28, 28);
  g_assert_true (fm_preprocess_apply_preset (&pp, "mnist", NULL));
  pp.background_black = TRUE;
  check_describe (&pp, "gray, 0–1, normalised with mean 0.1307 and std 0.3081, "
                       "inverted when the picture is dark on light");

  /* Keras "caffe". */
  fm_preprocess_init (&pp, 3, 224, 224);
  pp.order = FM_CHANNEL_ORDER_BGR;
  pp.range = FM_VALUE_RANGE_0_255;
  pp.mean[0] = 103.939f, pp.mean[1] = 116.779f, pp.mean[2] = 123.68f;
  pp.n_mean = 3;
  pp.resize = FM_RESIZE_CROP;
  check_describe (&pp, "BGR, 0–255, normalised with mean 103.9/116.8/123.7 and std 1, "
                       "centre cropped, not inverted");

  fm_preprocess_init (&pp, 3, 224, 224);
  pp.range = FM_VALUE_RANGE_M1_1;
  pp.invert = FM_INVERT_YES;
  pp.resize = FM_RESIZE_STRETCH;
  check_describe (&pp, "RGB, −1–1, not normalised, stretched, inverted");
}

/* One normalisation path: the window keeps the canvas of a picture
 * (fm_preprocess_image_to_canvas) and makes the tensor of a copy of it on
 * each change (fm_preprocess_canvas_to_tensor); that tensor is the
 * command line's (fm_preprocess_image), bit for bit, for every channel
 * order, value range, resize mode, inversion and background, on a gray
 * and a colour picture of another size and aspect. */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/preprocess/parse", test_parse);
  g_test_add_func ("/engine/preprocess/check", test_check);
  g_test_add_func ("/engine/preprocess/from-model", test_from_model);
  g_test_add_func ("/engine/preprocess/names", test_names);
  g_test_add_func ("/engine/preprocess/describe", test_describe);

  return g_test_run ();
}
