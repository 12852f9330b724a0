/* test-cli-input.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preprocessing flags of `run`, `export` and `scan` (--channels,
 * --input-range, --resize, --background), run as a user would: the built
 * binary (argv[1]) in a subprocess. The tensor a picture becomes is read
 * back from `run --dump` (input.npy) and compared with values worked out
 * by hand from the picture's pixels. The model is built here: an RGB
 * input [1, 3, 2, 4] -> Relu -> Flatten, with no metadata (so mean 0,
 * std 1, white background). Also: a bad value of each flag is a usage
 * error (exit 2) naming the flag, in each subcommand; the flags key the
 * scan's cache; and `run --json` on the bundled 28 x 28 digits still
 * gives what it gave before these flags existed
 * (tests/cli/fixtures/run-digits.json, the `run --json` output of the
 * build of commit a8d9a5b without the "model" and "input.file" members).
 */
#include "config.h"

#include "fm-test-cli.h"
#include "fm-test-files.h"
#include "fm-test-onnx.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <png.h>

#include "fm-npy.h"

#define H 2
#define W 4
#define EPS 1e-6

static const char *binary;
static char *cache_dir;
static char *model_path;
static char *colours_png;   /* 4 x 2, the model's size: no resampling */
static char *wide_png;      /* 8 x 2, gray: to fit, stretch and crop */

/* The colour picture: pixel i (row-major) is R 10 (i + 1), G 100 + 10 i,
 * B 250 - 10 i. */
static guint8
colour (int i,
        int c)
{
  return (guint8) (c == 0 ? 10 * (i + 1) : c == 1 ? 100 + 10 * i : 250 - 10 * i);
}

/* The wide picture: row 0 is 10 x (0 ... 70), row 1 is 100 + 10 x. */
static guint8
wide (int x,
      int y)
{
  return (guint8) (100 * y + 10 * x);
}

static GByteArray *
node (const char *op,
      const char *input,
      const char *output)
{
  return fm_test_node (op, op, (const char *[]) { input, NULL }, output);
}

/* image [1, 3, 2, 4] -> Relu -> act -> Flatten -> flat [1, 24]. */
static void
write_model (const char *path)
{
  const gint64 in_dims[4] = { 1, 3, H, W }, out_dims[2] = { 1, 3 * H * W };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) relu = node ("Relu", "image", "act");
  g_autoptr(GByteArray) flatten = node ("Flatten", "act", "flat");
  g_autoptr(GByteArray) in = fm_test_value_info ("image", in_dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info ("flat", out_dims, 2);
  g_autoptr(GByteArray) m = NULL;

  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, relu);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, flatten);
  m = fm_test_graph_model_bytes (graph, "rgb", in, out);
  g_assert_true (g_file_set_contents (path, (const char *) m->data, m->len, NULL));
}

static void
write_png (const char   *path,
           int           width,
           int           height,
           const guint8 *rgb)
{
  png_image png;

  memset (&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = width;
  png.height = height;
  png.format = PNG_FORMAT_RGB;
  g_assert_true (png_image_write_to_file (&png, path, 0, rgb, 0, NULL));
}

/* Runs `BINARY SUBCOMMAND ARGS...` (NULL-terminated) with the cache in
 * cache_dir; returns the exit status. */
#define run(subcommand, out, err, ...) \
  fm_test_cli_run (binary, subcommand, \
                   (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL }, \
                   out, err, NULL, FM_TEST_CLI_ARGS (__VA_ARGS__))

/* `run MODEL PICTURE --dump DIR FLAGS...`: the input tensor [1, 3, H, W]. */
static float *
input_tensor (const char *picture,
              ...)
{
  g_autofree char *dir = g_build_filename (fm_test_scratch (), "dump", NULL);
  g_autofree char *npy = g_build_filename (dir, "input.npy", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const char *flag;
  float *data;
  FmShape shape;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) "run");
  g_ptr_array_add (argv, model_path);
  g_ptr_array_add (argv, (gpointer) picture);
  g_ptr_array_add (argv, (gpointer) "--dump");
  g_ptr_array_add (argv, dir);
  va_start (ap, picture);
  while ((flag = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) flag);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("run failed: %s", err);
  data = fm_npy_read (npy, &shape, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shape.rank, ==, 4);
  g_assert_cmpint (shape.dims[1], ==, 3);
  g_assert_cmpint (shape.dims[2], ==, H);
  g_assert_cmpint (shape.dims[3], ==, W);
  fm_test_remove_tree (dir);
  return data;
}

#define AT(t, c, y, x) ((t)[((c) * H + (y)) * W + (x)])

static void
test_channels (void)
{
  g_autofree float *rgb = input_tensor (colours_png, NULL);
  g_autofree float *bgr = input_tensor (colours_png, "--channels", "bgr", NULL);
  g_autofree float *same = input_tensor (colours_png, "--channels", "rgb", NULL);

  /* No metadata: p / 255, R, G, B. With bgr the model's channel 0 is the
   * picture's blue and 2 its red. */
  for (int i = 0; i < H * W; i++)
    for (int c = 0; c < 3; c++)
      {
        g_assert_cmpfloat_with_epsilon (rgb[c * H * W + i], colour (i, c) / 255.0, EPS);
        g_assert_cmpfloat_with_epsilon (bgr[c * H * W + i], colour (i, 2 - c) / 255.0, EPS);
        g_assert_cmpfloat (same[c * H * W + i], ==, rgb[c * H * W + i]);
      }
  /* Two by hand: pixel 0's blue is 250; pixel 7's red is 80. */
  g_assert_cmpfloat_with_epsilon (AT (bgr, 0, 0, 0), 250 / 255.0, EPS);
  g_assert_cmpfloat_with_epsilon (AT (bgr, 2, 1, 3), 80 / 255.0, EPS);
}

static void
test_ranges (void)
{
  g_autofree float *r255 = input_tensor (colours_png, "--input-range", "0-255", NULL);
  g_autofree float *r11 = input_tensor (colours_png, "--input-range", "-1-1", "--mean", "0.5",
                                        "--std", "0.5", NULL);
  g_autofree float *caffe = input_tensor (colours_png, "--channels", "bgr", "--input-range",
                                          "0-255", "--mean", "103.939,116.779,123.68",
                                          "--std", "1", NULL);

  for (int i = 0; i < H * W; i++)
    for (int c = 0; c < 3; c++)
      {
        double p = colour (i, c);

        g_assert_cmpfloat_with_epsilon (r255[c * H * W + i], p, 1e-4);
        g_assert_cmpfloat_with_epsilon (r11[c * H * W + i], (2 * p / 255 - 1 - 0.5) / 0.5,
                                        1e-5);
      }
  /* Keras "caffe", pixel 0 (10, 100, 250): B 250 - 103.939 = 146.061,
   * G 100 - 116.779 = -16.779, R 10 - 123.68 = -113.68. */
  g_assert_cmpfloat_with_epsilon (AT (caffe, 0, 0, 0), 146.061, 1e-4);
  g_assert_cmpfloat_with_epsilon (AT (caffe, 1, 0, 0), -16.779, 1e-4);
  g_assert_cmpfloat_with_epsilon (AT (caffe, 2, 0, 0), -113.68, 1e-4);
  /* -1-1, pixel 0's red: 2 * 10 / 255 - 1 = -0.92157, then (-0.92157 -
   * 0.5) / 0.5 = -2.84314. */
  g_assert_cmpfloat_with_epsilon (AT (r11, 0, 0, 0), -2.8431373, 1e-5);
}

/* Every channel of @t (a gray picture) at (y, x) is @v / 255. */
static void
assert_gray (const float *t,
             int          y,
             int          x,
             double       v)
{
  for (int c = 0; c < 3; c++)
    g_assert_cmpfloat_with_epsilon (AT (t, c, y, x), v / 255.0, EPS);
}

static void
test_resize (void)
{
  /* The 8 x 2 picture into 4 x 2.
   *   0  10  20  30  40  50  60  70
   * 100 110 120 130 140 150 160 170 */
  g_autofree float *fit = input_tensor (wide_png, NULL);
  g_autofree float *fit2 = input_tensor (wide_png, "--resize", "fit", NULL);
  g_autofree float *stretch = input_tensor (wide_png, "--resize", "stretch", NULL);
  g_autofree float *crop = input_tensor (wide_png, "--resize", "crop", NULL);

  for (int x = 0; x < W; x++)
    {
      /* fit: scale min (4/8, 2/2) = 1/2, 4 x 1 at row 0: each the mean of a
       * 2 x 2 block, (20x + 20x + 10 + 100 + 20x + 110 + 20x) / 4 = 20x + 55;
       * row 1 is the letterbox, the median of the border (every pixel:
       * the 8th of 16 sorted values), 70. */
      assert_gray (fit, 0, x, 20 * x + 55);
      assert_gray (fit, 1, x, 70);
      /* stretch: pairs across, rows kept: 20x + 5 and 100 + 20x + 5. */
      assert_gray (stretch, 0, x, 20 * x + 5);
      assert_gray (stretch, 1, x, 105 + 20 * x);
      /* crop: scale max (1/2, 1) = 1, the centre 4 columns from 2. */
      assert_gray (crop, 0, x, wide (x + 2, 0));
      assert_gray (crop, 1, x, wide (x + 2, 1));
    }
  for (int i = 0; i < 3 * H * W; i++)
    g_assert_cmpfloat (fit2[i], ==, fit[i]);
}

static void
test_background (void)
{
  g_autofree float *black = input_tensor (wide_png, "--background", "black", NULL);
  g_autofree float *white = input_tensor (wide_png, "--background", "white", NULL);
  g_autofree float *hex = input_tensor (wide_png, "--background", "#336699", NULL);
  g_autofree float *floats = input_tensor (wide_png, "--background", "0.5,0.25,1", NULL);
  g_autofree float *norm = input_tensor (wide_png, "--background", "white", "--mean", "0.5",
                                         "--std", "0.25", NULL);

  /* Row 1 is the letterbox (see test_resize); row 0 the picture. */
  for (int x = 0; x < W; x++)
    {
      assert_gray (black, 1, x, 0);
      assert_gray (white, 1, x, 255);
      /* #336699 = (51, 102, 153) / 255 = (0.2, 0.4, 0.6). */
      g_assert_cmpfloat_with_epsilon (AT (hex, 0, 1, x), 0.2, EPS);
      g_assert_cmpfloat_with_epsilon (AT (hex, 1, 1, x), 0.4, EPS);
      g_assert_cmpfloat_with_epsilon (AT (hex, 2, 1, x), 0.6, EPS);
      g_assert_cmpfloat (AT (floats, 1, 1, x), ==, 0.25f);
      /* (1 - 0.5) / 0.25 = 2. */
      g_assert_cmpfloat_with_epsilon (AT (norm, 2, 1, x), 2.0, EPS);
      assert_gray (black, 0, x, 20 * x + 55);
    }
}

/* A bad value of each flag is a usage error that names it, whatever the
 * subcommand; so is an order that does not fit the model's channels. */
static void
test_usage_errors (void)
{
  g_autofree char *out_png = g_build_filename (fm_test_scratch (), "sheet.png", NULL);
  g_autofree char *digit = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-7.png", NULL);
  const char *bad[][2] = {
    { "--channels", "rgbx" },
    { "--channels", "RGB" },
    { "--input-range", "0-2" },
    { "--input-range", "0:1" },
    { "--resize", "zoom" },
    { "--background", "pink" },
    { "--background", "#12345" },
    { "--background", "1,2,3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    for (int sub = 0; sub < 3; sub++)
      {
        g_autofree char *out = NULL, *err = NULL;
        int status;

        if (sub == 0)
          status = run ("run", &out, &err, model_path, colours_png, bad[i][0], bad[i][1], NULL);
        else if (sub == 1)
          status = run ("export", &out, &err, model_path, colours_png, "-o", out_png,
                        bad[i][0], bad[i][1], NULL);
        else
          status = run ("scan", &out, &err, "mnist-cnn", "mnist-heldout", "--limit", "1",
                        bad[i][0], bad[i][1], NULL);
        g_test_message ("%s %s: %s", bad[i][0], bad[i][1], err);
        g_assert_cmpint (status, ==, 2);
        g_assert_cmpstr (out, ==, "");
        g_assert_nonnull (strstr (err, bad[i][0]));
        g_assert_nonnull (strstr (err, "Usage:"));
        g_assert_false (g_file_test (out_png, G_FILE_TEST_EXISTS));
      }

  /* Orders that do not fit: gray for the RGB model, bgr for the bundled
   * gray MNIST model. */
  for (int sub = 0; sub < 3; sub++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status;

      if (sub == 0)
        status = run ("run", &out, &err, model_path, colours_png, "--channels", "gray", NULL);
      else if (sub == 1)
        status = run ("export", &out, &err, "mnist-cnn", digit, "-o", out_png,
                      "--channels", "rgb", NULL);
      else
        status = run ("scan", &out, &err, "mnist-cnn", "mnist-heldout", "--limit", "1",
                      "--no-cache", "--channels", "bgr", NULL);
      g_test_message ("%s", err);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (err, "--channels"));
      g_assert_false (g_file_test (out_png, G_FILE_TEST_EXISTS));
    }

  /* --help lists them. */
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run ("run", &out, &err, "--help", NULL), ==, 0);
    fm_test_assert_contains (out, "--channels", "--input-range", "--resize", "--background", NULL);
  }
}

/* A negative --std is a usage error naming --std for every subcommand
 * that takes it, found before any file is read (the model does not
 * exist). `run mnist-cnn digit-7.png --std -1` exited 1 blaming the
 * picture ("preprocessing: std value -1 is not a positive number"). */
static void
test_std_negative (void)
{
  g_autofree char *digit = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-7.png", NULL);
  g_autofree char *out_png = g_build_filename (fm_test_scratch (), "std.png", NULL);
  g_autofree char *out_pdf = g_build_filename (fm_test_scratch (), "std.pdf", NULL);
  g_autofree char *out_onnx = g_build_filename (fm_test_scratch (), "std.onnx", NULL);
  const char *model = "/nonexistent/model.onnx";
  const char *const commands[][10] = {
    { "run", "mnist-cnn", digit, NULL },
    { "run", model, digit, NULL },
    { "export", model, digit, "-o", out_png, NULL },
    { "compare", model, model, digit, NULL },
    { "scan", model, "mnist-heldout", NULL },
    { "atlas", model, "mnist-heldout", "-o", out_pdf, NULL },
    { "prune", model, "mnist-heldout", "-o", out_onnx, NULL },
    { "timeline", model, "--dataset", "mnist-heldout", NULL },
  };
  const char *values[][2] = { { "-1", "-1" }, { "1,-0.5,1", "-0.5" } };

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    for (guint v = 0; v < G_N_ELEMENTS (values); v++)
      {
        g_autofree char *out = NULL, *err = NULL;
        g_autofree char *want = g_strdup_printf ("feature-maps %s: --std: %s is not a positive "
                                                 "number\n", commands[c][0], values[v][1]);
        g_autoptr(GPtrArray) args = g_ptr_array_new ();
        int status;

        for (guint i = 1; commands[c][i] != NULL; i++)
          g_ptr_array_add (args, (gpointer) commands[c][i]);
        g_ptr_array_add (args, (gpointer) "--std");
        g_ptr_array_add (args, (gpointer) values[v][0]);
        g_ptr_array_add (args, NULL);
        status = fm_test_cli_run (binary, commands[c][0], NULL, &out, &err, NULL,
                                  (const char * const *) args->pdata);
        g_test_message ("%s: %s", commands[c][0], err);
        g_assert_cmpint (status, ==, 2);
        g_assert_true (g_str_has_prefix (err, want));
      }
}

/* export takes the flags too; its own --range (the colour range) is
 * another option. */
static void
test_export (void)
{
  g_autofree char *out_png = g_build_filename (fm_test_scratch (), "export.png", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run ("export", &out, &err, model_path, wide_png, "-o", out_png,
                        "--channels", "bgr", "--input-range", "0-255", "--resize", "crop",
                        "--background", "white", "--range", "0:1", NULL), ==, 0);
  g_assert_true (g_file_test (out_png, G_FILE_TEST_IS_REGULAR));
}

/* The new flags change the scan's numbers, so they key its cache; the
 * defaults given explicitly are the same scan. */
static void
test_scan_cache (void)
{
  const char *flags[][2] = {
    { "--input-range", "0-255" },
    { "--resize", "stretch" },
    { "--background", "white" },
    { "--invert", "yes" },
  };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run ("scan", &out, &err, "mnist-cnn", "mnist-heldout", "--limit", "20",
                        NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scanned 20 images in"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("scan", &out, &err, "mnist-cnn", "mnist-heldout", "--limit", "20",
                        "--channels", "gray", "--input-range", "0-1", "--resize", "fit",
                        "--background", "auto", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scanned 20 images (result from the cache)"));

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run ("scan", &out, &err, "mnist-cnn", "mnist-heldout", "--limit", "20",
                            flags[i][0], flags[i][1], NULL), ==, 0);
      if (strstr (out, "Scanned 20 images in") == NULL)
        g_error ("%s %s came from the cache:\n%s", flags[i][0], flags[i][1], out);
    }
}

static void
assert_same_json (JsonNode   *want,
                  JsonNode   *got,
                  const char *where)
{
  g_assert_cmpint (json_node_get_node_type (want), ==, json_node_get_node_type (got));
  if (JSON_NODE_HOLDS_OBJECT (want))
    {
      JsonObject *w = json_node_get_object (want), *g = json_node_get_object (got);
      g_autoptr(GList) members = json_object_get_members (w);

      for (GList *m = members; m != NULL; m = m->next)
        {
          g_autofree char *sub = g_strconcat (where, ".", m->data, NULL);

          if (!json_object_has_member (g, m->data))
            g_error ("%s is missing", sub);
          assert_same_json (json_object_get_member (w, m->data),
                            json_object_get_member (g, m->data), sub);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (want))
    {
      JsonArray *w = json_node_get_array (want), *g = json_node_get_array (got);

      g_assert_cmpuint (json_array_get_length (w), ==, json_array_get_length (g));
      for (guint i = 0; i < json_array_get_length (w); i++)
        {
          g_autofree char *sub = g_strdup_printf ("%s[%u]", where, i);

          assert_same_json (json_array_get_element (w, i), json_array_get_element (g, i), sub);
        }
    }
  else if (json_node_get_value_type (want) == G_TYPE_DOUBLE
           || json_node_get_value_type (got) == G_TYPE_DOUBLE)
    {
      /* Probabilities: the same up to the last bits of a float32 sum. */
      double w = json_node_get_double (want), g = json_node_get_double (got);

      if (fabs (w - g) > 1e-6 * MAX (fabs (w), 1e-6))
        g_error ("%s: %.17g, not %.17g", where, g, w);
    }
  else if (json_node_get_value_type (want) == G_TYPE_STRING)
    g_assert_cmpstr (json_node_get_string (want), ==, json_node_get_string (got));
  else if (json_node_get_value_type (want) == G_TYPE_BOOLEAN)
    g_assert_cmpint (json_node_get_boolean (want), ==, json_node_get_boolean (got));
  else
    g_assert_cmpint (json_node_get_int (want), ==, json_node_get_int (got));
}

/* `run --json` on the bundled 28 x 28 digits is what it was before the
 * preprocessing flags existed, and giving the defaults explicitly changes
 * nothing. */
static void
test_bundled_unchanged (void)
{
  g_autofree char *fixture = g_build_filename (FM_TEST_SRCDIR, "cli", "fixtures",
                                               "run-digits.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) names = NULL;
  JsonObject *want;

  g_assert_true (json_parser_load_from_file (parser, fixture, &error));
  g_assert_no_error (error);
  want = json_node_get_object (json_parser_get_root (parser));
  names = json_object_get_members (want);
  g_assert_cmpuint (g_list_length (names), ==, 12);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_auto(GStrv) parts = g_strsplit (l->data, "/", 2);
      g_autofree char *png_name = g_strconcat (parts[1], ".png", NULL);
      g_autofree char *png = g_build_filename (FM_SOURCE_DATADIR, "digits", png_name, NULL);
      g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
      g_autoptr(JsonParser) got = json_parser_new ();

      g_assert_cmpint (run ("run", &out, &err, parts[0], png, "--json", NULL), ==, 0);
      fm_test_cli_parse_object (got, out);
      assert_same_json (json_object_get_member (want, l->data), json_parser_get_root (got),
                        l->data);

      g_assert_cmpint (run ("run", &out2, &err2, parts[0], png, "--json", "--channels", "gray",
                            "--input-range", "0-1", "--resize", "fit", "--background", "auto",
                            "--invert", "auto", NULL), ==, 0);
      g_assert_cmpstr (out2, ==, out);
    }
}

int
main (int   argc,
      char *argv[])
{
  guint8 colours[H * W * 3], gray[2 * 8 * 3];
  int status;

  binary = fm_test_cli_init (&argc, &argv);
  cache_dir = fm_test_fresh_dir (fm_test_scratch (), "cache");
  model_path = g_build_filename (fm_test_scratch (), "rgb.onnx", NULL);
  colours_png = g_build_filename (fm_test_scratch (), "colours.png", NULL);
  wide_png = g_build_filename (fm_test_scratch (), "wide.png", NULL);
  write_model (model_path);
  for (int i = 0; i < H * W; i++)
    for (int c = 0; c < 3; c++)
      colours[3 * i + c] = colour (i, c);
  write_png (colours_png, W, H, colours);
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 8; x++)
      for (int c = 0; c < 3; c++)
        gray[3 * (8 * y + x) + c] = wide (x, y);
  write_png (wide_png, 8, 2, gray);

  g_test_add_func ("/cli/input/channels", test_channels);
  g_test_add_func ("/cli/input/ranges", test_ranges);
  g_test_add_func ("/cli/input/resize", test_resize);
  g_test_add_func ("/cli/input/background", test_background);
  g_test_add_func ("/cli/input/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/input/std-negative", test_std_negative);
  g_test_add_func ("/cli/input/export", test_export);
  g_test_add_func ("/cli/input/scan-cache", test_scan_cache);
  g_test_add_func ("/cli/input/bundled-unchanged", test_bundled_unchanged);

  status = g_test_run ();
  g_free (cache_dir);
  g_free (model_path);
  g_free (colours_png);
  g_free (wide_png);
  return status;
}
