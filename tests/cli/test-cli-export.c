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
 * bytes and leave no other file. The figure (issue 18): --columns by the
 * picture's size worked out by hand; --select and --only zero by the
 * "Channels shown" text chunk against `run --json`'s zero lists; --scan
 * of another model, with other settings or broken is refused; the PDF's
 * pages, metadata and text (the key, the prediction's wording for a
 * logits and a softmax model, the scan's counts against the scan's own
 * lists) read by poppler-utils' pdfinfo and pdftotext (skipped when they
 * are not installed); the SVG parsed by GMarkup; a PNG taller than the
 * limit refused with the way out; a folder of PNGs with its index.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
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
static char *digit3;      /* the dying model's digit on paper */
static char *dying_scan;  /* `scan mnist-cnn-dying mnist-heldout --json`, made once */

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

/* Runs a poppler-utils tool (pdfinfo, pdftotext) on @pdf and returns its
 * standard output, or NULL having marked the test skipped when the tool is
 * not installed. */
static char *
poppler (const char *tool,
         const char *pdf)
{
  if (strcmp (tool, "pdfinfo") == 0)
    return fm_test_cli_tool_output (tool, pdf, NULL);
  return fm_test_cli_tool_output (tool, pdf, "-", NULL);
}

/* The "Channels shown" chunk of a PNG export of one layer with @select
 * and @only (NULL: not given); the exit status in @status. */
static char *
shown_chunk (const char *model,
             const char *input,
             const char *layer,
             const char *flag,
             const char *value,
             int        *status)
{
  g_autofree char *out = g_build_filename (fm_test_scratch (), "shown.png", NULL);
  FmTestCliResult r;
  char *text = NULL;

  g_unlink (out);
  r = run_export (FALSE, model, input, "-o", out, "--layer", layer, flag, value,
                  "--scan", dying_scan, NULL);
  *status = r.status;
  if (r.status == 0)
    {
      FmTestPng png;

      fm_test_png_read (out, &png);
      text = g_strdup (g_hash_table_lookup (png.text, "Channels shown"));
      fm_test_png_clear (&png);
    }
  else
    g_test_message ("%s", r.err);
  fm_test_cli_result_clear (&r);
  return text;
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
  g_assert_nonnull (strstr (r.out, "632 × 1499"));
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
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "never.pdf", NULL);
  g_autofree char *jpg = g_build_filename (fm_test_scratch (), "never.jpg", NULL);
  g_autofree char *noext = g_build_filename (fm_test_scratch (), "never", NULL);
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
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--columns", "0" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--columns", "257" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--only", "dead" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--only", "live" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--select", "7-3" },
    { "mnist-cnn", "DIGIT", "-o", "OUT", "--format", "gif" },
    { "mnist-cnn", "DIGIT", "-o", "OUT.pdf", "--format", "svg" },
    { "mnist-cnn", "DIGIT", "-o", "OUT.pdf", "--split", NULL },
    { "mnist-cnn", "DIGIT", "-o", "OUT.jpg", NULL },         /* no format of ours */
    { "mnist-cnn", "DIGIT", "-o", "OUT-NOEXT", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *a[6];
      FmTestCliResult r;

      for (int k = 0; k < 6; k++)
        a[k] = g_strcmp0 (cases[i][k], "DIGIT") == 0 ? digit
             : g_strcmp0 (cases[i][k], "OUT") == 0 ? out
             : g_strcmp0 (cases[i][k], "OUT.pdf") == 0 ? pdf
             : g_strcmp0 (cases[i][k], "OUT.jpg") == 0 ? jpg
             : g_strcmp0 (cases[i][k], "OUT-NOEXT") == 0 ? noext : cases[i][k];
      r = run_export (FALSE, a[0], a[1], a[2], a[3], a[4], a[5], NULL);
      g_test_message ("case %u: %s", i, r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "feature-maps export"));
      fm_test_cli_result_clear (&r);
    }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (jpg, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (noext, G_FILE_TEST_EXISTS));
}

/* --layer takes the window's name as well as the tensor's: "relu2" is
 * /relu2/Relu_output_0 (no tensor of mnist-cnn is named "relu2"). */
static void
test_friendly_name (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "friendly");
  g_autofree char *by_tensor = g_build_filename (dir, "tensor.csv", NULL);
  g_autofree char *by_window = g_build_filename (dir, "window.csv", NULL);
  g_autofree char *a = NULL, *b = NULL;
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "--csv", by_tensor,
                                  "--layer", "/relu2/Relu_output_0", NULL);

  g_assert_cmpint (r.status, ==, 0);
  fm_test_cli_result_clear (&r);
  r = run_export (FALSE, "mnist-cnn", digit, "--csv", by_window, "--layer", "relu2", NULL);
  g_assert_cmpint (r.status, ==, 0);
  fm_test_cli_result_clear (&r);
  g_assert_true (g_file_get_contents (by_tensor, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (by_window, &b, NULL, NULL));
  g_assert_nonnull (strstr (a, "\n/relu2/Relu_output_0,31,"));
  g_assert_cmpstr (a, ==, b);

  /* Named twice, by both names: drawn and listed once (the CSV had each
   * channel twice). */
  {
    g_autofree char *twice = g_build_filename (dir, "twice.csv", NULL);
    g_autofree char *c = NULL;

    r = run_export (FALSE, "mnist-cnn", digit, "--csv", twice, "--layer", "relu2",
                    "--layer", "/relu2/Relu_output_0", NULL);
    g_assert_cmpint (r.status, ==, 0);
    fm_test_cli_result_clear (&r);
    g_assert_true (g_file_get_contents (twice, &c, NULL, NULL));
    g_assert_cmpstr (c, ==, a);
  }
}

static void
test_bad_files (void)
{
  g_autofree char *out = g_build_filename (fm_test_scratch (), "never.png", NULL);
  g_autofree char *missing = g_build_filename (fm_test_scratch (), "missing.onnx", NULL);
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "-o", out, "--layer", "nope", NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "no feature-map layer"));
  /* lists the layers, by the window's names */
  g_assert_nonnull (strstr (r.err, "the layers are: conv1, relu1, pool1, conv2, relu2, pool2, "
                                   "conv3, relu3\n"));
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


/* --columns: 32 channels of 72 pixels are 8 columns of 4 rows by
 * default; 4 columns make 8 rows, 4 rows of 72 + 14 + 4 = 90 pixels more;
 * the width is the minimum content width 600 + 2 * 16 either way (4
 * columns are 4 * 76 - 4 = 300 wide; 8 are 604, so 636). */
static void
test_columns (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "columns");
  g_autofree char *eight = g_build_filename (dir, "eight.png", NULL);
  g_autofree char *four = g_build_filename (dir, "four.png", NULL);
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "-o", eight, NULL);
  FmTestPng a, b;

  g_assert_cmpint (r.status, ==, 0);
  fm_test_cli_result_clear (&r);
  r = run_export (FALSE, "mnist-cnn", digit, "-o", four, "--columns", "4", NULL);
  g_assert_cmpint (r.status, ==, 0);
  fm_test_cli_result_clear (&r);
  fm_test_png_read (eight, &a);
  fm_test_png_read (four, &b);
  g_assert_cmpint (a.width, ==, 604 + 32);
  g_assert_cmpint (b.width, ==, 600 + 32);
  g_assert_cmpint (b.height - a.height, ==, 4 * 90);
  fm_test_png_clear (&a);
  fm_test_png_clear (&b);
}

/* The zero channels of @layer in `run --json`, as "0, 1, 5". */
static char *
run_zero_list (const char *model,
               const char *input,
               const char *layer)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL, *err = NULL;
  GString *s = g_string_new (NULL);
  JsonArray *layers;

  g_assert_cmpint (fm_test_cli_run (binary, "run", NULL, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS (model, input, "--json", NULL)), ==, 0);
  layers = json_object_get_array_member (fm_test_cli_parse_object (parser, out), "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      JsonArray *zeros = json_object_get_array_member (l, "zero_channels");

      if (strcmp (json_object_get_string_member (l, "name"), layer) != 0)
        continue;
      for (guint k = 0; k < json_array_get_length (zeros); k++)
        g_string_append_printf (s, "%s%" G_GINT64_FORMAT, k > 0 ? ", " : "",
                                json_array_get_int_element (zeros, k));
    }
  return g_string_free (s, FALSE);
}

/* --select and --only zero choose the channels the PNG shows. */
static void
test_select (void)
{
  const char *layer = "/relu2/Relu_output_0";
  g_autofree char *zeros = run_zero_list ("mnist-cnn-dying", digit3, layer);
  g_autofree char *want_zero = g_strdup_printf ("%s: %s", layer, zeros);
  g_autofree char *shown = NULL;
  int status;

  g_assert_cmpstr (zeros, !=, "");
  shown = shown_chunk ("mnist-cnn-dying", digit3, layer, "--only", "zero", &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (shown, ==, want_zero);
  g_free (shown);
  shown = shown_chunk ("mnist-cnn-dying", digit3, layer, "--select", " 12, 0-3 ,2", &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (shown, ==, "/relu2/Relu_output_0: 0, 1, 2, 3, 12");
  g_free (shown);
  /* A channel the layer does not have: the file is refused, naming it. */
  shown = shown_chunk ("mnist-cnn-dying", digit3, layer, "--select", "5,40", &status);
  g_assert_cmpint (status, ==, 1);
  g_assert_null (shown);
}

/* The dying model's scan: the PDF's key and each layer's dead and rare
 * counts are the scan's own lists' lengths. */
static void
test_scan_pdf (void)
{
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "scan.pdf", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  g_autofree char *want = NULL;
  JsonArray *layers;
  FmTestCliResult r;

  r = run_export (FALSE, "mnist-cnn-dying", digit3, "-o", pdf, "--all-layers",
                  "--scan", dying_scan, NULL);
  g_assert_cmpint (r.status, ==, 0);
  fm_test_cli_result_clear (&r);
  text = poppler ("pdftotext", pdf);
  if (text == NULL)
    return;
  g_assert_nonnull (strstr (text, "Hatched: zero everywhere for this input"));
  g_assert_nonnull (strstr (text, "Red frame: dead on mnist-heldout-images-idx3-ubyte.gz "
                                  "(2000 images)"));
  g_assert_nonnull (strstr (text, "Dashed amber frame: fires on under 1 % of them"));
  g_assert_true (json_parser_load_from_file (parser, dying_scan, NULL));
  layers = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "layers");
  /* relu2 as the window lists it. */
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);

      if (strcmp (json_object_get_string_member (l, "name"), "/relu2/Relu_output_0") == 0)
        want = g_strdup_printf ("%u dead, %u rare",
                                json_array_get_length (json_object_get_array_member (l, "dead")),
                                json_array_get_length (json_object_get_array_member (l, "rare")));
    }
  g_assert_nonnull (want);
  g_test_message ("relu2: %s", want);
  g_assert_nonnull (strstr (text, want));
}

/* --scan of another model, or made with other settings, or broken. */
static void
test_scan_refused (void)
{
  g_autofree char *out = g_build_filename (fm_test_scratch (), "refused.png", NULL);
  g_autofree char *broken = g_build_filename (fm_test_scratch (), "broken.json", NULL);
  const char *cases[][5] = {
    { "mnist-cnn", "--scan", NULL, "another model", "mnist-cnn-dying.onnx" },
    { "mnist-cnn-dying", "--invert", "no", "other input settings", "invert=auto" },
    { "mnist-cnn-dying", "--zero-threshold", "0.5", "zero threshold 0", "0.5" },
    { "mnist-cnn-dying", "--columns", "3", "broken.json", "cannot read" },
  };

  g_assert_true (g_file_set_contents (broken, "{\"model\":", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *scan = i == 3 ? broken : dying_scan;
      FmTestCliResult r = cases[i][2] == NULL
        ? run_export (FALSE, cases[i][0], digit3, "-o", out, "--scan", scan, NULL)
        : run_export (FALSE, cases[i][0], digit3, "-o", out, "--scan", scan, cases[i][1],
                      cases[i][2], NULL);

      g_test_message ("case %u: %s", i, r.err);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_nonnull (strstr (r.err, cases[i][3]));
      g_assert_nonnull (strstr (r.err, cases[i][4]));
      fm_test_cli_result_clear (&r);
    }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* A PDF of every layer: 5 pages (each 32-channel layer at 72 pixels is
 * 8 x 4 tiles, 473 units with its head; a second one on the page would
 * pass 636 x √2 = 899), the metadata, and the text: the header with the
 * right word for the prediction, the key, each layer. */
static void
test_pdf (gconstpointer data)
{
  gboolean softmax_model = GPOINTER_TO_INT (data);
  g_autofree char *model = softmax_model
    ? g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", "tiny_resnet", "model.onnx", NULL)
    : g_strdup ("mnist-cnn");
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "all.pdf", NULL);
  g_autofree char *info = NULL;
  g_autofree char *text = NULL;
  FmTestCliResult r = run_export (FALSE, model, digit, "-o", pdf, "--all-layers", NULL);

  g_assert_cmpint (r.status, ==, 0);
  fm_test_cli_result_clear (&r);
  info = poppler ("pdfinfo", pdf);
  text = poppler ("pdftotext", pdf);
  if (info == NULL || text == NULL)
    return;
  g_assert_nonnull (strstr (info, "Creator:         Feature Maps"));
  if (softmax_model)
    {
      /* Its output already holds probabilities (a Softmax node). */
      g_assert_nonnull (strstr (text, "Probabilities (output “output”): "));
      g_assert_null (strstr (text, "softmax of"));
      return;
    }
  g_assert_nonnull (strstr (info, "Pages:           5\n"));
  g_assert_nonnull (strstr (info, "Title:           Feature maps of mnist-cnn.onnx on "
                                  "digit-7.png"));
  g_assert_nonnull (strstr (info, "Keywords:        /relu1/Relu_output_0, "
                                  "/pool1/MaxPool_output_0"));
  g_assert_nonnull (strstr (text, "Probabilities (softmax of “logits”): 7 100.0 %"));
  g_assert_nonnull (strstr (text, "Hatched: zero everywhere for this input"));
  g_assert_null (strstr (text, "Red frame"));
  g_assert_nonnull (strstr (text, "Preprocessing: gray, 0–1, normalised with mean 0.1307 and "
                                  "std 0.3081, not inverted"));
  g_assert_nonnull (strstr (text, "/relu3/Relu_output_0"));
  g_assert_null (strstr (text, "Prediction (logits)"));
}

/* Tiles scaled each to its own range have no one scale: the colour bar
 * says so at its ends ("each tile's min/max"), not the layer's range,
 * which it shows otherwise; "fixed" shows the range given, as typed. */
static void
test_tile_legend (void)
{
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "tile-legend.pdf", NULL);
  const char *modes[3] = { "tile", "layer", "0.1:0.3" };

  for (int m = 0; m < 3; m++)
    {
      g_autofree char *text = NULL;
      FmTestCliResult r = m < 2
        ? run_export (FALSE, "mnist-cnn-dying", digit, "-o", pdf, "--layer", "relu1",
                      "--normalize", modes[m], NULL)
        : run_export (FALSE, "mnist-cnn-dying", digit, "-o", pdf, "--layer", "relu1",
                      "--normalize", "fixed", "--range", modes[m], NULL);

      g_assert_cmpint (r.status, ==, 0);
      fm_test_cli_result_clear (&r);
      text = poppler ("pdftotext", pdf);
      if (text == NULL)
        return;
      g_assert_cmpint (strstr (text, "each tile’s max") != NULL, ==, m == 0);
      g_assert_cmpint (strstr (text, "each tile’s min") != NULL, ==, m == 0);
      if (m == 2)
        g_assert_nonnull (strstr (text, "normalisation: fixed 0.1:0.3"));
    }
}

/* A page wider than PDF readers take (32 tiles of 512 points in a row:
 * 16,384 points and margins, over the 14,400 limit) is scaled down to
 * 14,400 points wide, keeping its proportions. */
static void
test_pdf_page_limit (void)
{
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "wide.pdf", NULL);
  g_autofree char *info = NULL;
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "-o", pdf, "--layer", "relu1",
                                  "--columns", "32", "--scale", "512", NULL);

  g_assert_cmpint (r.status, ==, 0);
  fm_test_cli_result_clear (&r);
  info = poppler ("pdfinfo", pdf);
  if (info == NULL)
    return;
  g_assert_nonnull (strstr (info, "Page size:       14400 x "));
}

/* The SVG is well-formed XML with one <image> per map at least (32 tiles,
 * the thumbnail, the legend), each drawn pixel for pixel, glyphs, and a
 * title and description. */
static void
test_svg (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "sheet.svg", NULL);
  FmTestCliSvg svg;
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "--format", "svg", "-o", path,
                                  NULL);

  g_assert_cmpint (r.status, ==, 0);
  fm_test_cli_result_clear (&r);
  fm_test_cli_svg_read (path, &svg);
  g_assert_true (svg.svg_root);
  g_assert_cmpuint (svg.images, >=, 32 + 2);
  g_assert_cmpuint (svg.pixelated_images, ==, svg.images);
  g_assert_cmpuint (svg.uses, >, 0);
  g_assert_true (svg.title && svg.desc);
  g_assert_nonnull (strstr (svg.text, "mnist-cnn.onnx"));
  g_assert_nonnull (strstr (svg.text, "/relu1/Relu_output_0"));
  fm_test_cli_svg_clear (&svg);
}

/* One column of 512-pixel tiles: 32 rows of 530 pixels, taller than a
 * PNG may be; the message offers the PDF and the folder. */
static void
test_tall (void)
{
  g_autofree char *out = g_build_filename (fm_test_scratch (), "tall.png", NULL);
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "-o", out, "--scale", "512",
                                  "--columns", "1", NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "16384"));
  g_assert_nonnull (strstr (r.err, "-o NAME.pdf"));
  g_assert_nonnull (strstr (r.err, "-o DIR/"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  fm_test_cli_result_clear (&r);
}

/* -o DIR/: one PNG per layer and an index naming each with its size. */
static void
test_folder (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "folder");
  g_autofree char *arg = g_strconcat (dir, G_DIR_SEPARATOR_S, "pictures", G_DIR_SEPARATOR_S,
                                      NULL);
  g_autofree char *pictures = g_build_filename (dir, "pictures", NULL);
  g_autofree char *index_path = g_build_filename (pictures, "index.md", NULL);
  g_autofree char *index = NULL;
  const char *files[] = { "01-_relu1_Relu_output_0.png", "02-_pool1_MaxPool_output_0.png",
                          "03-_relu2_Relu_output_0.png", "04-_pool2_MaxPool_output_0.png",
                          "05-_relu3_Relu_output_0.png" };
  FmTestCliResult r = run_export (FALSE, "mnist-cnn", digit, "-o", arg, "--all-layers",
                                  "--scale", "28", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "5 pictures"));
  fm_test_cli_result_clear (&r);
  fm_test_assert_listing (pictures, "01-_relu1_Relu_output_0.png 02-_pool1_MaxPool_output_0.png "
                          "03-_relu2_Relu_output_0.png 04-_pool2_MaxPool_output_0.png "
                          "05-_relu3_Relu_output_0.png index.md");
  g_assert_true (g_file_get_contents (index_path, &index, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (pictures, files[i], NULL);
      g_autofree char *row = NULL;
      FmTestPng png;

      fm_test_png_read (path, &png);
      g_assert_cmpstr (g_hash_table_lookup (png.text, "Layer"), !=, NULL);
      row = g_strdup_printf ("| %s | [%s](%s) | %d × %d |",
                             (const char *) g_hash_table_lookup (png.text, "Layer"),
                             files[i], files[i], png.width, png.height);
      g_assert_nonnull (strstr (index, row));
      fm_test_png_clear (&png);
    }
}

/* The dying model's scan, made once by the binary. */
static char *
make_dying_scan (void)
{
  g_autofree char *out = NULL, *err = NULL;
  char *path = g_build_filename (fm_test_scratch (), "dying-scan.json", NULL);

  g_assert_cmpint (fm_test_cli_run (binary, "scan", NULL, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS ("mnist-cnn-dying", "mnist-heldout",
                                                      "--json", "--no-cache", NULL)), ==, 0);
  g_assert_true (g_file_set_contents (path, out, -1, NULL));
  return path;
}

/* Ctrl+C or SIGTERM while export writes a large PNG (every layer at
 * 256 pixels a tile: its encoding takes a while) leaves neither the PNG
 * nor its temporary ".big.png.XXXXXX"; both left the temporary file. */
static void
test_signal_cleans (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "signals");
  g_autofree char *png = g_build_filename (dir, "big.png", NULL);
  const int signals[] = { SIGINT, SIGTERM };

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    fm_test_cli_assert_signal_cleans (binary, NULL, png, signals[i],
                                      FM_TEST_CLI_ARGS ("export", "mnist-cnn-dying", digit,
                                                        "--all-layers", "--scale", "256",
                                                        "-o", png, NULL));
}

/* A model, a picture and a scanned folder whose names are not UTF-8
 * (Latin-1 "é", as on an old file system or from an archive): the PNG's
 * text, the PDF's metadata and the SVG's title and description name them
 * in UTF-8, with the byte shown as U+FFFD, rather than the export failing
 * ("input string not valid UTF-8"). */
static void
test_names_not_utf8 (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "latin1");
  g_autofree char *model = g_build_filename (dir, "mod\xe9le.onnx", NULL);
  g_autofree char *picture = g_build_filename (dir, "chiffre-\xe9.png", NULL);
  g_autofree char *folder = g_build_filename (dir, "caf\xe9", NULL);
  g_autofree char *scan = g_build_filename (dir, "scan.json", NULL);
  g_autofree char *src_model = g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn.onnx",
                                                 NULL);
  g_autofree char *out = NULL, *err = NULL;
  static const char * const formats[] = { "png", "pdf", "svg" };

  fm_test_copy_file (src_model, model);
  fm_test_copy_file (digit, picture);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  fm_test_copy_digits (folder, (const char *[]) { "digit-7.png", "digit-1.png", "digit-2.png",
                                                  NULL });
  g_assert_cmpint (fm_test_cli_run (binary, "scan", NULL, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS (model, folder, "--json", "--no-cache",
                                                      NULL)), ==, 0);
  g_assert_true (g_file_set_contents (scan, out, -1, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strconcat ("out.", formats[i], NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      FmTestCliResult r = run_export (FALSE, model, picture, "-o", path, "--scan", scan, NULL);

      g_test_message ("%s: %s", formats[i], r.err);
      g_assert_cmpint (r.status, ==, 0);
      if (i == 0)
        {
          FmTestPng got;

          fm_test_png_read (path, &got);
          g_assert_cmpstr (g_hash_table_lookup (got.text, "Input"), ==,
                           "chiffre-\xef\xbf\xbd.png");
          g_assert_true (g_str_has_suffix (g_hash_table_lookup (got.text, "Source"),
                                           "mod\xef\xbf\xbdle.onnx"));
          g_assert_true (g_str_has_prefix (g_hash_table_lookup (got.text, "Scan"),
                                           "caf\xef\xbf\xbd, 3 images"));
          fm_test_png_clear (&got);
        }
      else if (i == 1)
        {
          g_autofree char *info = poppler ("pdfinfo", path);

          if (info != NULL)
            fm_test_assert_contains (info, "Feature maps of mod\xef\xbf\xbdle.onnx on "
                                     "chiffre-\xef\xbf\xbd.png", "caf\xef\xbf\xbd", NULL);
        }
      else
        {
          FmTestCliSvg svg;

          fm_test_cli_svg_read (path, &svg);
          g_assert_true (g_utf8_validate (svg.text, -1, NULL));
          fm_test_assert_contains (svg.text, "mod\xef\xbf\xbdle.onnx", "chiffre-\xef\xbf\xbd.png",
                                   "caf\xef\xbf\xbd", NULL);
          fm_test_cli_svg_clear (&svg);
        }
      fm_test_cli_result_clear (&r);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *digit_path = NULL;

  binary = fm_test_cli_init (&argc, &argv);
  digit_path = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits", "digit-7.png", NULL);
  digit = digit_path;
  digit3 = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits", "digit-3-paper.png", NULL);
  dying_scan = make_dying_scan ();

  g_test_add_func ("/cli/export/reference", test_reference);
  g_test_add_func ("/cli/export/csv-npy", test_csv_npy);
  g_test_add_func ("/cli/export/usage", test_usage);
  g_test_add_func ("/cli/export/bad-files", test_bad_files);
  g_test_add_func ("/cli/export/friendly-name", test_friendly_name);
  g_test_add_func ("/cli/export/fsize-limit", test_fsize_limit);
  g_test_add_func ("/cli/export/not-a-directory", test_not_a_directory);
  g_test_add_func ("/cli/export/columns", test_columns);
  g_test_add_func ("/cli/export/select", test_select);
  g_test_add_func ("/cli/export/scan-pdf", test_scan_pdf);
  g_test_add_func ("/cli/export/scan-refused", test_scan_refused);
  g_test_add_data_func ("/cli/export/pdf-logits", GINT_TO_POINTER (FALSE), test_pdf);
  g_test_add_data_func ("/cli/export/pdf-softmax", GINT_TO_POINTER (TRUE), test_pdf);
  g_test_add_func ("/cli/export/svg", test_svg);
  g_test_add_func ("/cli/export/tile-legend", test_tile_legend);
  g_test_add_func ("/cli/export/pdf-page-limit", test_pdf_page_limit);
  g_test_add_func ("/cli/export/tall-png", test_tall);
  g_test_add_func ("/cli/export/folder", test_folder);
  g_test_add_func ("/cli/export/signal-cleans", test_signal_cleans);
  g_test_add_func ("/cli/export/names-not-utf8", test_names_not_utf8);
  return g_test_run ();
}
