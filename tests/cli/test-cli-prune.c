/* test-cli-prune.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps prune`, run as a user would on the bundled dying model
 * and digits: --json removes exactly the channels `scan --json` lists as
 * dead in each ReLU, verifies on the 2,000 digits and writes a model that
 * `inspect` loads; --scan SCAN.json gives the same; a scan of another
 * model, one made with other input settings and a malformed file are
 * refused naming what is wrong, and no file is left; so is a missing -o,
 * and a scan of fewer items than prune verifies on, of one shard or of
 * another dataset; -o a folder is refused before the work.
 */
#include "config.h"

#include "fm-test-archive.h"
#include "fm-test-cli.h"
#include "fm-test-files.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

static const char *binary;
static const char *cache_dir;
static char *scan_json;       /* scan --json of the dying model */
static char *other_scan_json; /* scan --json of mnist-cnn */
static JsonParser *scan_parser;

#define run(sub, out, err, ...) \
  fm_test_cli_run (binary, sub, (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL }, \
                   out, err, NULL, FM_TEST_CLI_ARGS (__VA_ARGS__))

static JsonArray *
scan_dead (const char *layer)
{
  JsonObject *l = fm_test_cli_find_layer (json_node_get_object (json_parser_get_root (scan_parser)),
                                          layer);

  return json_object_get_array_member (l, "dead");
}

static void
check_report (const char *json)
{
  static const char *const relus[] = { "/relu1/Relu_output_0", "/relu2/Relu_output_0",
                                       "/relu3/Relu_output_0" };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o = fm_test_cli_parse_object (parser, json);
  JsonObject *v = json_object_get_object_member (o, "verification");
  gint64 removed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (relus); i++)
    {
      JsonObject *l = fm_test_cli_find_object (json_object_get_array_member (o, "layers"), "layer",
                                               relus[i]);
      JsonArray *dead = scan_dead (relus[i]);
      JsonArray *gone;

      g_assert_nonnull (l);
      gone = json_object_get_array_member (l, "removed");
      g_assert_cmpuint (json_array_get_length (gone), ==, json_array_get_length (dead));
      for (guint k = 0; k < json_array_get_length (dead); k++)
        g_assert_cmpint (json_array_get_int_element (gone, k), ==,
                         json_array_get_int_element (dead, k));
      removed += json_array_get_length (dead);
    }
  /* The dying model has dead channels (tests/engine/test-scan.c checks
   * them against PyTorch), so the comparison above is not of empty lists. */
  g_assert_cmpint (removed, >, 0);
  g_assert_cmpint (json_object_get_int_member (o, "removed"), ==, removed);
  g_assert_cmpint (json_object_get_int_member (o, "params_before"), ==, 34506);
  g_assert_cmpint (json_object_get_int_member (o, "params_after"), <,
                   json_object_get_int_member (o, "params_before"));
  g_assert_true (json_object_get_boolean_member (v, "verified"));
  g_assert_cmpint (json_object_get_int_member (v, "images"), ==, 2000);
  g_assert_cmpfloat (json_object_get_double_member (v, "max_rel_diff"), <=, 1e-4);
}

static void
test_json (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "pruned.onnx", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", path,
                        "--json", NULL), ==, 0);
  check_report (out);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("inspect", &out, &err, path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "pytorch 1.13.0"));
  g_assert_nonnull (strstr (out, "feature_maps.pruned_by = feature-maps prune " PACKAGE_VERSION));
}

static void
test_scan_file (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "pruned-scan.onnx", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", path,
                        "--scan", scan_json, "--json", NULL), ==, 0);
  check_report (out);
}

static void
test_text (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "pruned-text.onnx", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *want = g_strdup_printf ("relu1: removed %u of 32 channels",
                                           json_array_get_length (scan_dead ("/relu1/Relu_output_0")));

  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", path,
                        NULL), ==, 0);
  g_assert_nonnull (strstr (out, want));
  g_assert_nonnull (strstr (out, "Parameters: 34506 before"));
  g_assert_nonnull (strstr (out, "Multiply-adds: 2499392 before"));
  g_assert_nonnull (strstr (out, "Verified on 2000 images"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* one image: singular */
  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", path,
                        "--limit", "1", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Verified on 1 image: same top class"));
  g_assert_nonnull (strstr (out, "Outputs agree on 1 image."));
}

/* A float .npy dataset with values above 1: scan and verification read
 * them clamped to [0, 1], and prune says so, as scan does, in the text and
 * in the JSON. */
static void
test_clamped_npy (void)
{
  g_autofree char *npy = g_build_filename (fm_test_scratch (), "bright.npy", NULL);
  g_autofree char *path = g_build_filename (fm_test_scratch (), "pruned-bright.onnx", NULL);
  g_autoptr(GByteArray) bytes = fm_test_npy_header ("<f4", "(4, 1, 28, 28)", FALSE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL, *err = NULL;
  JsonArray *warnings;

  for (guint i = 0; i < 4 * 28 * 28; i++)
    {
      float v = (float) ((i * 7 + i / 28) % 29) / 14.0f;   /* 0 to 2 */

      g_byte_array_append (bytes, (const guint8 *) &v, sizeof v);
    }
  fm_test_write_bytes (npy, bytes->data, bytes->len);
  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", npy, "-o", path, "--json", NULL),
                   ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  warnings = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                   "verification"), "warnings");
  g_assert_cmpuint (json_array_get_length (warnings), ==, 1);
  g_test_message ("%s", json_array_get_string_element (warnings, 0));
  g_assert_nonnull (strstr (json_array_get_string_element (warnings, 0), "4 items had values "
                                                                            "outside 0 to 1"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", npy, "-o", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Reading the dataset: 4 items had values outside 0 to 1"));
}

/* Writes `scan --json` of the dying model on the digits with @flag
 * @value to @path. */
static void
write_scan (const char *path,
            const char *flag,
            const char *value)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run ("scan", &out, &err, "mnist-cnn-dying", "mnist-heldout", "--json", flag,
                        value, NULL), ==, 0);
  g_assert_true (g_file_set_contents (path, out, -1, NULL));
}

/* prune --scan @scan of @dataset fails with status 1 and words that hold
 * @want and @also; no file is left at @path. */
static void
assert_prune_refused (const char *path,
                      const char *dataset,
                      const char *scan,
                      const char *want,
                      const char *also)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", dataset, "-o", path, "--scan",
                        scan, NULL), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, want));
  g_assert_nonnull (strstr (err, also));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A scan of fewer items than prune verifies on (--limit 100 of the 2,000
 * digits), of one shard, or of another dataset is refused, saying what to
 * do: the channels it found dead may be alive on the other items, and the
 * verification would fail on one, not saying why. With prune --limit 100
 * the scan of the first 100 items is the one verified on. */
static void
test_scan_items (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "pruned-items.onnx", NULL);
  g_autofree char *first = g_build_filename (fm_test_scratch (), "first-100.json", NULL);
  g_autofree char *shard = g_build_filename (fm_test_scratch (), "shard-2-of-2.json", NULL);
  g_autofree char *npy = g_build_filename (fm_test_scratch (), "four.npy", NULL);
  g_autoptr(GByteArray) bytes = fm_test_npy_header ("<f4", "(4, 1, 28, 28)", FALSE);
  g_autofree char *out = NULL, *err = NULL;

  write_scan (first, "--limit", "100");
  assert_prune_refused (path, "mnist-heldout", first, "first 100 of 2000 items", "--limit 100");
  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", path,
                        "--scan", first, "--limit", "100", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Verified on 100 images"));
  g_assert_cmpint (g_remove (path), ==, 0);

  write_scan (shard, "--shard", "2/2");
  assert_prune_refused (path, "mnist-heldout", shard, "items 1000 to 1999 only",
                        "feature-maps merge");

  for (guint i = 0; i < 4 * 28 * 28; i++)
    {
      float v = (float) (i % 5) / 4.0f;

      g_byte_array_append (bytes, (const guint8 *) &v, sizeof v);
    }
  fm_test_write_bytes (npy, bytes->data, bytes->len);
  assert_prune_refused (path, npy, scan_json, "another dataset than", "four.npy");
}

/* -o a folder, or a file in a folder that does not exist: said first, in
 * words that say what to give, not after the scan and the verification
 * (which take long on a large model) as "Could not write". */
static void
test_output_checked (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "prune-out");
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "p.onnx", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", dir,
                        NULL), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "is a folder: give -o the file to write"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", missing,
                        NULL), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "no-such-folder does not exist"));
  g_assert_cmpstr (out, ==, "");
}

/* Another model's scan, other settings, a malformed file; no -o. */
static void
test_refused (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "refused.onnx", NULL);
  g_autofree char *broken = g_build_filename (fm_test_scratch (), "broken.json", NULL);
  g_autofree char *empty = g_build_filename (fm_test_scratch (), "empty-layers.json", NULL);
  const char *cases[][5] = {
    { "--scan", other_scan_json, NULL, "another model", "mnist-cnn.onnx" },
    { "--scan", scan_json, "--invert=yes", "other input settings", "invert=auto (here invert=yes)" },
    { "--scan", broken, NULL, "broken.json", "cannot read the scan" },
    { "--scan", empty, NULL, "empty-layers.json", "missing" },
  };

  g_assert_true (g_file_set_contents (broken, "{\"model\":", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "{\"model\": \"m.onnx\", \"layers\": 3}", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status = cases[i][2] == NULL
        ? run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", path,
               cases[i][0], cases[i][1], NULL)
        : run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", path,
               cases[i][0], cases[i][1], cases[i][2], NULL);

      g_test_message ("case %u: %s", i, err);
      g_assert_cmpint (status, ==, 1);
      g_assert_nonnull (strstr (err, cases[i][3]));
      g_assert_nonnull (strstr (err, cases[i][4]));
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run ("prune", &out, &err, "mnist-cnn-dying", "mnist-heldout", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "-o PRUNED.onnx"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *out = NULL, *err = NULL;
  int status;

  binary = fm_test_cli_init_cached (&argc, &argv, &cache_dir);
  scan_parser = fm_test_cli_scan_dying (binary, cache_dir, &scan_json);
  other_scan_json = g_build_filename (fm_test_scratch (), "other.json", NULL);
  g_assert_cmpint (run ("scan", &out, &err, "mnist-cnn", "mnist-heldout", "--json", "--limit",
                        "10", NULL), ==, 0);
  g_assert_true (g_file_set_contents (other_scan_json, out, -1, NULL));

  g_test_add_func ("/cli/prune/json", test_json);
  g_test_add_func ("/cli/prune/scan-file", test_scan_file);
  g_test_add_func ("/cli/prune/text", test_text);
  g_test_add_func ("/cli/prune/refused", test_refused);
  g_test_add_func ("/cli/prune/scan-items", test_scan_items);
  g_test_add_func ("/cli/prune/output-checked", test_output_checked);
  g_test_add_func ("/cli/prune/clamped-npy", test_clamped_npy);
  status = g_test_run ();
  g_object_unref (scan_parser);
  g_free (scan_json);
  g_free (other_scan_json);
  return status;
}
