/* test-cli-export.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps export`, run as a user would (the built binary in a
 * subprocess): the bundled model on a committed digit gives exactly the
 * pixels of the committed reference PNG (tests/fixtures/export/README.md);
 * --csv and --npy hold the engine's own numbers, computed here by running
 * the engine directly; command-line mistakes exit 2, unusable files 1;
 * a file-size limit (RLIMIT_FSIZE, set in the child) and a path under a
 * regular file fail with the file and the reason, keep the old file's
 * bytes and leave no other file.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fm-data.h"
#include "fm-image.h"
#include "fm-layers.h"
#include "fm-npy.h"
#include "fm-preprocess.h"
#include "fm-run.h"
#include "fm-stats.h"
#include "fm-test-cli.h"
#include "fm-test-files.h"
#include "fm-test-png.h"

#define OLD_BYTES "old file: must survive a failed export\n"

static const char *binary;
static const char *digit;

/* Runs `BINARY export ARGS...` (NULL-terminated); when @limit_fsize the
 * child's file size is limited to 2048 bytes, so a write fails with EFBIG. */
static FmTestCliResult
run_export (gboolean    limit_fsize,
            const char *first,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  FmTestCliResult r = { 0 };
  int wait_status = 0;
  va_list ap;

  g_ptr_array_add (args, (char *) binary);
  g_ptr_array_add (args, "export");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_DEFAULT,
                               limit_fsize ? fm_test_fsize_child_setup : NULL,
                               GSIZE_TO_POINTER (2048),
                               &r.out, &r.err, &wait_status, &error));
  g_assert_no_error (error);
  r.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return r;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_reference (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "reference");
  g_autofree char *out = g_build_filename (dir, "sheet.png", NULL);
  g_autofree char *ref_path = g_build_filename (FM_TEST_SRCDIR, "fixtures", "export",
                                                "mnist-cnn-digit-7.png", NULL);
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "-o", out, "--all-layers",
                         "--scale", "28", NULL);
  FmTestPng got, want;
  gsize differ = 0;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "1052 × 764"));
  fm_test_png_read (out, &got);
  fm_test_png_read (ref_path, &want);
  g_assert_cmpint (got.width, ==, want.width);
  g_assert_cmpint (got.height, ==, want.height);
  for (gsize i = 0; i < (gsize) got.width * got.height; i++)
    if (memcmp (got.rgba + i * 4, want.rgba + i * 4, 4) != 0)
      differ++;
  if (differ > 0)
    g_test_message ("%" G_GSIZE_FORMAT " pixels differ from %s", differ, ref_path);
  g_assert_cmpuint (differ, ==, 0);

  /* MNIST digits are light on black already: not inverted. */
  g_assert_cmpstr (g_hash_table_lookup (got.text, "Input"), ==, "digit-7.png");
  g_assert_cmpstr (g_hash_table_lookup (got.text, "Normalisation"), ==, "layer");
  g_assert_cmpstr (g_hash_table_lookup (got.text, "Zero channels"), ==,
                   "/relu1/Relu_output_0: none; /pool1/MaxPool_output_0: none; "
                   "/relu2/Relu_output_0: none; /pool2/MaxPool_output_0: none; "
                   "/relu3/Relu_output_0: none");
  fm_test_png_clear (&got);
  fm_test_png_clear (&want);
  fm_test_cli_result_clear (&r);
}

/* The CSV and .npy of one layer hold the numbers the engine computes. */
static void
test_csv_npy (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "numbers");
  g_autofree char *csv = g_build_filename (dir, "stats.csv", NULL);
  g_autofree char *npy_dir = g_build_filename (dir, "acts", NULL);
  g_autofree char *npy = g_build_filename (npy_dir, "_relu2_Relu_output_0.npy", NULL);
  g_autofree char *model_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree float *back = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmRun) run = NULL;
  g_autoptr(FmImage) image = NULL;
  FmChannelStats stats[32];
  FmModelOptions options;
  FmPreprocess pp;
  FmShape shape;
  const FmValue *v;
  int id;
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "--csv", csv, "--npy", npy_dir,
                         "--layer", "/relu2/Relu_output_0", NULL);

  g_assert_cmpint (r.status, ==, 0);
  fm_test_assert_listing (dir, "acts stats.csv");
  fm_test_assert_listing (npy_dir, "_relu2_Relu_output_0.npy");

  /* The engine, run here directly. */
  model_path = fm_data_resolve_model ("mnist-cnn", &error);
  fm_model_options_init (&options);
  model = fm_model_load_file (model_path, &options, &error);
  g_assert_no_error (error);
  image = fm_image_load (digit, 0, &error);
  g_assert_true (fm_preprocess_init_from_model (&pp, model, &error));
  run = fm_run_new (model, &error);
  g_assert_true (fm_preprocess_image (&pp, image, fm_run_input_data (run, 0), &error));
  g_assert_true (fm_run_execute (run, NULL, &error));
  id = fm_model_find_value (model, "/relu2/Relu_output_0");
  g_assert_cmpint (id, >=, 0);
  v = &model->values[id];
  fm_channel_stats_compute (fm_run_value_data (run, id), 32, 14 * 14, 0.0f, stats);

  back = fm_npy_read (npy, &shape, 0, &error);
  g_assert_no_error (error);
  g_assert_true (fm_shape_equal (&shape, &v->shape));
  g_assert_cmpmem (back, v->numel * 4, fm_run_value_data (run, id), v->numel * 4);

  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "layer,channel,min,max,mean,active_share,all_zero");
  for (int c = 0; c < 32; c++)
    {
      g_auto(GStrv) f = g_strsplit (lines[c + 1], ",", -1);
      float got[4];
      const float want[4] = { stats[c].min, stats[c].max, stats[c].mean, stats[c].active_share };

      g_assert_cmpuint (g_strv_length (f), ==, 7);
      g_assert_cmpstr (f[0], ==, "/relu2/Relu_output_0");
      g_assert_cmpint (atoi (f[1]), ==, c);
      for (int k = 0; k < 4; k++)
        got[k] = (float) g_ascii_strtod (f[k + 2], NULL);
      g_assert_cmpmem (got, sizeof got, want, sizeof want);
      g_assert_cmpstr (f[6], ==, stats[c].all_zero ? "true" : "false");
    }
  g_assert_cmpstr (lines[33], ==, "");
  fm_test_cli_result_clear (&r);
}

static void
test_usage (void)
{
  g_autofree char *out = g_build_filename (fm_test_scratch (), "never.png", NULL);
  const char *cases[][6] = {
    { "mnist-cnn", NULL },                                   /* missing INPUT */
    { "mnist-cnn", "DIGIT", NULL },                          /* nothing to write */
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--scale", "3" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--normalize", "log" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--normalize", "fixed" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--range", "2:1" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--colormap", "rainbowz" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--theme", "blue" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--mean", "x" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *a[6];
      FmTestCliResult r;

      for (int k = 0; k < 6; k++)
        a[k] = g_strcmp0 (cases[i][k], "DIGIT") == 0 ? digit
             : g_strcmp0 (cases[i][k], "OUT") == 0 ? out : cases[i][k];
      r = run_export (FALSE, a[0], a[1], a[2], a[3], a[4], a[5], NULL);
      g_test_message ("case %u: %s", i, r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "feature-maps export"));
      fm_test_cli_result_clear (&r);
    }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_bad_files (void)
{
  g_autofree char *out = g_build_filename (fm_test_scratch (), "never.png", NULL);
  g_autofree char *missing = g_build_filename (fm_test_scratch (), "missing.onnx", NULL);
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "-o", out, "--layer", "nope", NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "no feature-map layer"));
  g_assert_nonnull (strstr (r.err, "/relu1/Relu_output_0"));  /* lists the layers */
  fm_test_cli_result_clear (&r);
  r = run_export (FALSE, missing, digit, "-o", out, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, missing));
  fm_test_cli_result_clear (&r);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* A file-size limit in the child: the PNG (about 20 KB) cannot be written. */
static void
test_fsize_limit (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "fsize");
  g_autofree char *out = g_build_filename (dir, "sheet.png", NULL);
  FmTestCliResult r;

  g_assert_true (g_file_set_contents (out, OLD_BYTES, -1, NULL));
  r = run_export (TRUE, "mnist-cnn", digit, "-o", out, NULL);
  g_assert_cmpint (r.status, ==, 1);
  fm_test_assert_names_failure (r.err, out, EFBIG);
  fm_test_assert_file_is (out, OLD_BYTES);
  fm_test_assert_listing (dir, "sheet.png");
  fm_test_cli_result_clear (&r);
}

static void
test_not_a_directory (void)
{
  g_autofree char *file = fm_test_plain_file (fm_test_scratch (), "notdir", OLD_BYTES);
  g_autofree char *out = g_build_filename (file, "sheet.png", NULL);
  g_autofree char *csv = g_build_filename (file, "stats.csv", NULL);
  /* The option and its path: both fail, naming the path and why. */
  const char *writes[][2] = { { "-o", out }, { "--csv", csv } };

  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, writes[i][0], writes[i][1],
                                      NULL);

      g_assert_cmpint (r.status, ==, 1);
      fm_test_assert_names_failure (r.err, writes[i][1], ENOTDIR);
      fm_test_cli_result_clear (&r);
    }
  fm_test_assert_plain_file (file, OLD_BYTES);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *digit_path = NULL;

  binary = fm_test_cli_init (&argc, &argv);
  digit_path = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits", "digit-7.png", NULL);
  digit = digit_path;

  g_test_add_func ("/cli/export/reference", test_reference);
  g_test_add_func ("/cli/export/csv-npy", test_csv_npy);
  g_test_add_func ("/cli/export/usage", test_usage);
  g_test_add_func ("/cli/export/bad-files", test_bad_files);
  g_test_add_func ("/cli/export/fsize-limit", test_fsize_limit);
  g_test_add_func ("/cli/export/not-a-directory", test_not_a_directory);
  return g_test_run ();
}
