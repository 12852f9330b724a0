/* test-export.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-export: the CSV text of hand-made statistics (expected text
 * written out by hand), the CSV and .npy of the bundled model's run on a
 * committed digit read back to exactly the engine's float32 numbers, file
 * names, and atomic replacement under failure: a file-size limit
 * (RLIMIT_FSIZE, in a subprocess), a path under a regular file (ENOTDIR)
 * and a read-only folder (skipped as root, where 0555 does not stop
 * writes). After a failure the old file keeps its bytes and the folder
 * holds no other file.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fm-export.h"
#include "fm-layers.h"
#include "fm-npy.h"
#include "fm-run.h"
#include "fm-stats.h"
#include "fm-test-digit.h"
#include "fm-test-files.h"

#define OLD_BYTES "old file: must survive a failed export\n"

static char *tmpdir;

/* ---- the bundled model on digit-7.png ----------------------------------- */

static FmTestDigitRun fx;

static void
fixture_setup (void)
{
  fm_test_digit_run_init (&fx);
  /* relu1 (Conv + Relu), pool1, relu2, pool2, relu3: see README's layers. */
  g_assert_cmpuint (fx.layers->len, ==, 5);
}

static FmExportStats *
fixture_export_stats (void)
{
  FmExportStats *e = g_new0 (FmExportStats, fx.layers->len);

  for (guint i = 0; i < fx.layers->len; i++)
    {
      const FmLayer *l = &g_array_index (fx.layers, FmLayer, i);
      const FmValue *v = &fx.model->values[l->value_id];

      e[i].name = v->name;
      e[i].channels = (guint) v->shape.dims[1];
      e[i].stats = fx.stats[i];
    }
  return e;
}

/* ---- CSV text ----------------------------------------------------------- */

static void
test_csv_text (void)
{
  /* 0.1f is 0.100000001490116..., so "%.9g" gives 0.100000001; 1/3 as a
   * float is 0.333333343267..., "%.9g" 0.333333343; -2.5, 4 and 0.75 are
   * exact; 1e-10f is 1.00000001e-10 (1.0000000133e-10). */
  const FmChannelStats a[2] = {
    { -2.5f, 4.0f, 0.1f, 0.75f, FALSE },
    { 0.0f, 0.0f, 0.0f, 0.0f, TRUE },
  };
  const FmChannelStats b[1] = {
    { 1e-10f, 1.0f / 3.0f, NAN, 1.0f, FALSE },
  };
  const FmExportStats layers[2] = {
    { "conv1", 2, a },
    { "odd,\"name\"", 1, b },
  };
  const char *expected =
    "layer,channel,min,max,mean,active_share,all_zero\n"
    "conv1,0,-2.5,4,0.100000001,0.75,false\n"
    "conv1,1,0,0,0,0,true\n"
    "\"odd,\"\"name\"\"\",0,1.00000001e-10,0.333333343,,1,false\n";
  g_autofree char *text = NULL;
  const char *saved = setlocale (LC_NUMERIC, NULL);
  g_autofree char *saved_copy = g_strdup (saved);

  text = fm_export_stats_csv (layers, 2);
  g_assert_cmpstr (text, ==, expected);

  /* A locale with a decimal comma does not change the text. */
  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") != NULL
      || setlocale (LC_NUMERIC, "fr_FR.UTF-8") != NULL)
    {
      g_autofree char *again = fm_export_stats_csv (layers, 2);

      g_assert_cmpstr (again, ==, expected);
    }
  setlocale (LC_NUMERIC, saved_copy);

  g_free (text);
  text = fm_export_stats_csv (NULL, 0);
  g_assert_cmpstr (text, ==, "layer,channel,min,max,mean,active_share,all_zero\n");
}

/* Parses one number written by the CSV writer back to a float. */
static float
parse_float (const char *s)
{
  char *end;
  double d;

  if (*s == '\0')
    return NAN;  /* NaN is an empty field (fm-csv.h) */
  d = g_ascii_strtod (s, &end);
  g_assert_cmpint (*end, ==, '\0');
  return (float) d;
}

static gboolean
same_float (float a,
            float b)
{
  return memcmp (&a, &b, sizeof a) == 0 || (isnan (a) && isnan (b));
}

static void
test_csv_roundtrip (void)
{
  g_autofree char *dir = fm_test_fresh_dir (tmpdir, "csv");
  g_autofree char *path = g_build_filename (dir, "stats.csv", NULL);
  g_autofree FmExportStats *e = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint line = 1, rows = 0;

  fixture_setup ();
  e = fixture_export_stats ();
  g_assert_true (fm_export_write_stats_csv (path, e, fx.layers->len, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "layer,channel,min,max,mean,active_share,all_zero");

  for (guint i = 0; i < fx.layers->len; i++)
    for (guint c = 0; c < e[i].channels; c++, line++)
      {
        g_auto(GStrv) f = g_strsplit (lines[line], ",", -1);
        const FmChannelStats *st = &fx.stats[i][c];

        g_assert_cmpuint (g_strv_length (f), ==, 7);
        g_assert_cmpstr (f[0], ==, e[i].name);
        g_assert_cmpuint (g_ascii_strtoull (f[1], NULL, 10), ==, c);
        /* Every number comes back as the very same float32. */
        g_assert_true (same_float (parse_float (f[2]), st->min));
        g_assert_true (same_float (parse_float (f[3]), st->max));
        g_assert_true (same_float (parse_float (f[4]), st->mean));
        g_assert_true (same_float (parse_float (f[5]), st->active_share));
        g_assert_cmpstr (f[6], ==, st->all_zero ? "true" : "false");
        rows++;
      }
  /* 5 layers of 32 channels, then the empty string after the last "\n". */
  g_assert_cmpuint (rows, ==, 160);
  g_assert_cmpstr (lines[line], ==, "");
  g_assert_null (lines[line + 1]);
  fm_test_assert_listing (dir, "stats.csv");
}

static void
test_npy_roundtrip (void)
{
  g_autofree char *dir = fm_test_fresh_dir (tmpdir, "npy");
  g_autoptr(GError) error = NULL;

  fixture_setup ();
  for (guint i = 0; i < fx.layers->len; i++)
    {
      const FmLayer *l = &g_array_index (fx.layers, FmLayer, i);
      const FmValue *v = &fx.model->values[l->value_id];
      g_autofree char *name = g_strdup_printf ("layer%u.npy", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree float *back = NULL;
      FmShape shape;

      g_assert_true (fm_npy_write (path, &v->shape, fm_run_value_data (fx.run, l->value_id),
                                   &error));
      g_assert_no_error (error);
      back = fm_npy_read (path, &shape, 0, &error);
      g_assert_no_error (error);
      g_assert_true (fm_shape_equal (&shape, &v->shape));
      g_assert_cmpmem (back, v->numel * sizeof (float),
                       fm_run_value_data (fx.run, l->value_id), v->numel * sizeof (float));
    }
  fm_test_assert_listing (dir, "layer0.npy layer1.npy layer2.npy layer3.npy layer4.npy");
}

static void
test_file_name (void)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *a = fm_export_file_name ("/conv1/Conv_output_0", ".npy", used);
  g_autofree char *b = fm_export_file_name ("/conv1/Conv_output_0", ".npy", used);
  g_autofree char *c = fm_export_file_name ("_CONV1_conv_output_0", ".npy", used);
  g_autofree char *d = fm_export_file_name ("", ".npy", used);
  g_autofree char *e = fm_export_file_name ("a b:ü", ".csv", used);

  g_assert_cmpstr (a, ==, "_conv1_Conv_output_0.npy");
  g_assert_cmpstr (b, ==, "_conv1_Conv_output_0_2.npy");
  /* Case-insensitive file systems: the same name in other case clashes. */
  g_assert_cmpstr (c, ==, "_CONV1_conv_output_0_3.npy");
  g_assert_cmpstr (d, ==, "tensor.npy");
  /* "ü" is two bytes in UTF-8, each replaced. */
  g_assert_cmpstr (e, ==, "a_b___.csv");
}

/* ---- failures ----------------------------------------------------------- */

/* Runs in a subprocess: a 4096-byte file-size limit, SIGXFSZ ignored so
 * write() fails with EFBIG instead of killing the process. */
static void
test_fsize_limit (void)
{
  const char *dir = g_getenv ("FM_TEST_EXPORT_DIR");

  if (g_test_subprocess ())
    {
      g_autofree char *npy = g_build_filename (dir, "old.npy", NULL);
      g_autofree char *csv = g_build_filename (dir, "old.csv", NULL);
      g_autofree FmExportStats *e = NULL;
      g_autoptr(GError) error = NULL;
      const FmLayer *l;

      fixture_setup ();
      e = fixture_export_stats ();
      l = &g_array_index (fx.layers, FmLayer, 0);
      fm_test_fsize_limit (4096, NULL);

      /* 32 x 28 x 28 floats = 100,352 bytes: over the limit. */
      g_assert_false (fm_npy_write (npy, &fx.model->values[l->value_id].shape,
                                    fm_run_value_data (fx.run, l->value_id), &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_IO);
      g_printerr ("%s\n", error->message);
      g_clear_error (&error);
      /* 160 lines of about 60 bytes: over the limit too. */
      g_assert_false (fm_export_write_stats_csv (csv, e, fx.layers->len, &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_IO);
      g_printerr ("%s\n", error->message);
      return;
    }
  else
    {
      g_autofree char *d = fm_test_fresh_dir (tmpdir, "fsize");
      g_autofree char *npy = g_build_filename (d, "old.npy", NULL);
      g_autofree char *csv = g_build_filename (d, "old.csv", NULL);
      g_autofree char *pattern = g_strdup_printf ("*Could not write *%s*: %s*"
                                                  "Could not write *%s*: %s*",
                                                  npy, g_strerror (EFBIG),
                                                  csv, g_strerror (EFBIG));

      g_assert_true (g_file_set_contents (npy, OLD_BYTES, -1, NULL));
      g_assert_true (g_file_set_contents (csv, OLD_BYTES, -1, NULL));
      /* g_printerr () shows the quotes as "?" in the C locale: match any. */
      g_setenv ("FM_TEST_EXPORT_DIR", d, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr (pattern);
      fm_test_assert_file_is (npy, OLD_BYTES);
      fm_test_assert_file_is (csv, OLD_BYTES);
      fm_test_assert_listing (d, "old.csv old.npy");
    }
}

static void
test_not_a_directory (void)
{
  g_autofree char *file = fm_test_plain_file (tmpdir, "notdir", OLD_BYTES);
  g_autofree char *csv = g_build_filename (file, "stats.csv", NULL);
  g_autofree char *npy = g_build_filename (file, "x.npy", NULL);
  g_autofree char *want_csv = NULL;
  g_autofree char *want_npy = NULL;
  const FmChannelStats st = { 0, 1, 0.5f, 1, FALSE };
  const FmExportStats layer = { "l", 1, &st };
  const FmShape shape = { 1, { 1 } };
  const float one = 1.0f;
  g_autoptr(GError) error = NULL;

  g_assert_false (fm_export_write_stats_csv (csv, &layer, 1, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  want_csv = g_strdup_printf ("Could not write “%s”: %s", csv, g_strerror (ENOTDIR));
  g_assert_cmpstr (error->message, ==, want_csv);
  g_clear_error (&error);
  g_assert_false (fm_npy_write (npy, &shape, &one, &error));
  want_npy = g_strdup_printf ("Could not write “%s”: %s", npy, g_strerror (ENOTDIR));
  g_assert_cmpstr (error->message, ==, want_npy);
  fm_test_assert_plain_file (file, OLD_BYTES);
}

static void
test_read_only_dir (void)
{
  g_autofree char *d = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *want = NULL;
  const FmChannelStats st = { 0, 1, 0.5f, 1, FALSE };
  const FmExportStats layer = { "l", 1, &st };
  g_autoptr(GError) error = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("running as root: a 0555 folder does not stop root's writes");
      return;
    }
  d = fm_test_fresh_dir (tmpdir, "readonly");
  csv = g_build_filename (d, "stats.csv", NULL);
  g_assert_true (g_file_set_contents (csv, OLD_BYTES, -1, NULL));
  g_assert_cmpint (g_chmod (d, 0555), ==, 0);
  g_assert_false (fm_export_write_stats_csv (csv, &layer, 1, &error));
  g_chmod (d, 0755);
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  want = g_strdup_printf ("Could not write “%s”: %s", csv, g_strerror (EACCES));
  g_assert_cmpstr (error->message, ==, want);
  fm_test_assert_file_is (csv, OLD_BYTES);
  fm_test_assert_listing (d, "stats.csv");
}

/* Replacing an existing file works and leaves only the new file. */
static void
test_replace (void)
{
  g_autofree char *d = fm_test_fresh_dir (tmpdir, "replace");
  g_autofree char *csv = g_build_filename (d, "stats.csv", NULL);
  const FmChannelStats st = { -1, 2, 0.5f, 1, FALSE };
  const FmExportStats layer = { "l", 1, &st };
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (csv, OLD_BYTES, -1, NULL));
  g_assert_true (fm_export_write_stats_csv (csv, &layer, 1, &error));
  g_assert_no_error (error);
  fm_test_assert_file_is (csv, "layer,channel,min,max,mean,active_share,all_zero\n"
                               "l,0,-1,2,0.5,1,false\n");
  fm_test_assert_listing (d, "stats.csv");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (g_test_subprocess ())
    tmpdir = g_strdup (g_getenv ("FM_TEST_EXPORT_DIR"));
  else
    tmpdir = g_dir_make_tmp ("fm-test-export-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/engine/export/csv-text", test_csv_text);
  g_test_add_func ("/engine/export/csv-roundtrip", test_csv_roundtrip);
  g_test_add_func ("/engine/export/npy-roundtrip", test_npy_roundtrip);
  g_test_add_func ("/engine/export/file-name", test_file_name);
  g_test_add_func ("/engine/export/replace", test_replace);
  g_test_add_func ("/engine/export/fsize-limit", test_fsize_limit);
  g_test_add_func ("/engine/export/not-a-directory", test_not_a_directory);
  g_test_add_func ("/engine/export/read-only-dir", test_read_only_dir);
  status = g_test_run ();

  fm_test_digit_run_clear (&fx);
  if (!g_test_subprocess ())
    fm_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
