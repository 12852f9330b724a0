/* test-scan-merge.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sharded scans and their merge (fm_scan_result_merge, fm-scan-merge.c).
 * The bundled mnist-cnn-dying over its 2,000 held-out digits, scanned
 * whole and as 2, 3 and 4 shards (each through the JSON a shard writes),
 * merged in a shuffled order: every field equals the whole scan's (means
 * and APoZ within 1e-9 relative). The shards' ranges by hand. Diagnoses
 * that differ between the parts on a small graph worked out by hand. And
 * the refusals: another model, dataset or options, a gap, an overlap, a
 * partial part, naming the parts.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "fm-scan.h"
#include "fm-test-graph.h"
#include "fm-test-scan.h"

#define DYING_MODEL    "models/mnist-cnn-dying.onnx"
#define OTHER_MODEL    "models/mnist-cnn.onnx"
#define HELDOUT_DIGITS "digits/mnist-heldout-images-idx3-ubyte.gz"

/* ---- helpers ------------------------------------------------------------ */

/* @model over @path with @o; shard K/N when @n > 0. Complete. */
static FmScanResult *
scan_part (FmModel       *model,
           const char    *path,
           FmScanOptions *o,
           guint          k,
           guint          n)
{
  GError *error = NULL;
  g_autoptr(FmDataset) dataset = fm_dataset_open (path, NULL, &error);
  g_autoptr(FmScan) scan = NULL;

  g_assert_no_error (error);
  o->shard_index = k;
  o->shard_count = n;
  scan = fm_scan_new (model, dataset, o);
  g_assert_true (fm_scan_run (scan, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return fm_scan_result_ref (fm_scan_get_result (scan));
}

/* @r written as `scan --json` and read back, as `merge` reads a part. */
static FmScanResult *
through_json (FmScanResult *r)
{
  g_autoptr(JsonNode) root = fm_scan_result_to_json (r);
  GError *error = NULL;
  FmScanResult *back = fm_scan_result_from_json (root, "part", &error);

  g_assert_no_error (error);
  return back;
}

/* ---- the bundled digits: whole = merged shards -------------------------- */

static void
test_bundled (void)
{
  g_autofree char *model_path = fm_test_bundled (DYING_MODEL);
  g_autofree char *digits = fm_test_bundled (HELDOUT_DIGITS);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmScanResult) whole = NULL;
  GError *error = NULL;
  FmScanOptions o;
  guint dead = 0;

  model = fm_model_load_file (model_path, NULL, &error);
  g_assert_no_error (error);
  fm_scan_options_init (&o);
  o.rare_below = 0.2;  /* so that some channels are rare */
  o.limit = FM_TEST_DIGITS;
  whole = scan_part (model, digits, &o, 0, 0);
  g_assert_cmpuint (whole->images, ==, FM_TEST_DIGITS);
  for (guint l = 0; l < whole->n_layers; l++)
    dead += whole->layers[l].n_dead;
  g_assert_cmpuint (dead, >, 0);  /* the dying model: something to merge */
  g_assert_cmpuint (whole->n_classes, ==, 10);  /* the digits' labels: per-class counts */

  for (guint n = 2; n <= 4; n++)
    {
      g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (
        (GDestroyNotify) fm_scan_result_unref);
      g_autoptr(FmScanResult) merged = NULL;

      /* The last shard first, then the others: order does not matter. */
      for (guint j = 0; j < n; j++)
        {
          guint k = j == 0 ? n : j;
          g_autoptr(FmScanResult) part = scan_part (model, digits, &o, k, n);

          /* floor(m (K - 1) / N) to floor(m K / N) of the first m = limit items */
          g_assert_cmpuint (part->range_begin, ==, FM_TEST_DIGITS * (k - 1) / n);
          g_assert_cmpuint (part->range_end, ==, FM_TEST_DIGITS * k / n);
          g_assert_cmpuint (part->images, ==, part->range_end - part->range_begin);
          g_assert_cmpuint (part->total, ==, part->images);
          g_assert_cmpuint (part->shard_index, ==, k);
          g_assert_cmpuint (part->shard_count, ==, n);
          g_assert_cmpuint (part->dataset_items, ==, 2000);
          g_assert_nonnull (part->dataset_key);
          g_ptr_array_add (parts, through_json (part));
        }
      merged = fm_scan_result_merge ((FmScanResult *const *) parts->pdata, NULL, n, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (merged->parts, ==, n);
      g_assert_cmpuint (merged->shard_count, ==, 0);
      fm_test_assert_scans_equal (merged, whole, TRUE);
    }

  /* A part written before the class images were kept: the merge does not
   * know them either (the per-class counts still add up). */
  {
    g_autoptr(FmScanResult) a = scan_part (model, digits, &o, 1, 2);
    g_autoptr(FmScanResult) b = scan_part (model, digits, &o, 2, 2);
    FmScanResult *pair[2] = { a, b };
    g_autoptr(FmScanResult) merged = NULL;

    g_assert_nonnull (a->class_images);
    g_clear_pointer (&a->class_images, g_free);
    merged = fm_scan_result_merge (pair, NULL, 2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (merged->n_classes, ==, 10);
    g_assert_null (merged->class_images);
    g_assert_cmpmem (merged->layers[0].class_fire_count, whole->layers[0].channels * 10 * 4,
                     whole->layers[0].class_fire_count, whole->layers[0].channels * 10 * 4);
  }
}

/* ---- diagnoses that differ between the parts ---------------------------- */

/* x [1, 1, 1, 1] -> Conv (4 channels) -> c1 -> Relu -> r1 -> Conv (group
 * 4) -> c2 -> Relu -> r2, zero threshold 0.1. Items 0 and 1 are black
 * (x = 0), item 2 white (x = 1); shard 1/2 is item 0, 2/2 items 1-2.
 * r1 = relu (x - 0.5), relu (x - 2), relu (x - 0.5), relu (0.05 x):
 * channels 0 and 2 fire on item 2 only; 1 is dead, its pre-activation
 * negative everywhere ("bias negative"); 3 is 0.05 at most, dead under
 * the threshold: "bias negative" in shard 1 (largest pre-activation 0),
 * "never above the threshold" in shard 2 and in the whole (0.05).
 * r2 = relu (r1[0] - 100), relu (r1[1]), relu (0.1 r1[2]), relu (r1[3]),
 * all dead. Channel 0: its input is dead in shard 1 ("inputs dead") but
 * not in shard 2 ("bias negative", largest pre-activation 0.5 - 100),
 * so "bias negative" in the whole. Channel 1 reads a channel dead
 * everywhere: "inputs dead" in each part and in the whole. Channel 2:
 * "inputs dead" in shard 1, "never above the threshold" (0.05) in
 * shard 2 and in the whole. */
static void
test_diagnoses (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float w1[] = { 1, 1, 1, 0.05f };
  static const float b1[] = { -0.5f, -2, -0.5f, 0 };
  static const float w2[] = { 1, 1, 0.1f, 1 };
  static const float b2[] = { -100, 0, 0, 0 };
  static const guint8 px[] = { 0, 0, 255 };
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmScanResult) whole = NULL;
  g_autoptr(FmScanResult) p1 = NULL;
  g_autoptr(FmScanResult) p2 = NULL;
  g_autoptr(FmScanResult) merged = NULL;
  g_autofree char *path = NULL;
  FmScanResult *parts[2];
  GError *error = NULL;
  FmScanOptions o;
  int r1, r2;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 1, 1));
  fm_test_graph_float (g, "w1", FM_DIMS (4, 1, 1, 1), w1);
  fm_test_graph_float (g, "b1", FM_DIMS (4), b1);
  fm_test_graph_float (g, "w2", FM_DIMS (4, 1, 1, 1), w2);
  fm_test_graph_float (g, "b2", FM_DIMS (4), b2);
  fm_test_graph_node (g, "Conv", "x,w1,b1", "c1");
  fm_test_graph_node (g, "Relu", "c1", "r1");
  fm_test_node_int (fm_test_graph_node (g, "Conv", "r1,w2,b2", "c2"), "group", 4);
  fm_test_graph_node (g, "Relu", "c2", "r2");
  fm_test_graph_output (g, "r2");
  model = fm_test_graph_build_ok (g);
  path = fm_test_write_idx ("diag.idx", 3, 3, 1, 1, px, FALSE);

  fm_test_plain_options (&o, 1, 1);
  o.threads = 1;
  o.epsilon = 0.1f;
  whole = scan_part (model, path, &o, 0, 0);
  p1 = scan_part (model, path, &o, 1, 2);
  p2 = scan_part (model, path, &o, 2, 2);
  g_assert_cmpuint (p1->range_end, ==, 1);
  r1 = fm_scan_result_find_layer (whole, "r1");
  r2 = fm_scan_result_find_layer (whole, "r2");
  g_assert_cmpint (r1, >=, 0);
  g_assert_cmpint (r2, >=, 0);
  /* the parts disagree, as the graph was built to */
  g_assert_cmpint (p1->layers[r1].diagnosis[3], ==, FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE);
  g_assert_cmpint (p2->layers[r1].diagnosis[3], ==, FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD);
  g_assert_cmpint (p1->layers[r2].diagnosis[0], ==, FM_SCAN_DIAGNOSIS_INPUTS_DEAD);
  g_assert_cmpint (p2->layers[r2].diagnosis[0], ==, FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE);
  g_assert_cmpint (p1->layers[r2].diagnosis[2], ==, FM_SCAN_DIAGNOSIS_INPUTS_DEAD);
  g_assert_cmpint (p2->layers[r2].diagnosis[2], ==, FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD);
  /* the whole, by hand */
  g_assert_cmpint (whole->layers[r1].diagnosis[1], ==, FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE);
  g_assert_cmpint (whole->layers[r1].diagnosis[3], ==, FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD);
  g_assert_cmpint (whole->layers[r2].diagnosis[0], ==, FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE);
  g_assert_cmpint (whole->layers[r2].diagnosis[1], ==, FM_SCAN_DIAGNOSIS_INPUTS_DEAD);
  g_assert_cmpint (whole->layers[r2].diagnosis[2], ==, FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD);

  /* A model built in memory has no file to name it by. */
  g_assert_null (p1->model_sha256);
  p1->model_sha256 = g_strdup ("in-memory");
  p2->model_sha256 = g_strdup ("in-memory");
  parts[0] = p2;
  parts[1] = p1;
  merged = fm_scan_result_merge (parts, NULL, 2, &error);
  g_assert_no_error (error);
  g_free (whole->model_sha256);
  whole->model_sha256 = g_strdup ("in-memory");
  fm_test_assert_scans_equal (merged, whole, TRUE);

  /* More shards than items: shard 1/4 of 3 items is empty, and says
   * nothing about any channel. */
  {
    FmScanResult *four[4];
    g_autoptr(FmScanResult) merged4 = NULL;

    for (guint k = 1; k <= 4; k++)
      {
        four[k - 1] = scan_part (model, path, &o, k, 4);
        four[k - 1]->model_sha256 = g_strdup ("in-memory");
      }
    g_assert_cmpuint (four[0]->images, ==, 0);
    merged4 = fm_scan_result_merge (four, NULL, 4, &error);
    g_assert_no_error (error);
    fm_test_assert_scans_equal (merged4, whole, TRUE);
    for (guint k = 0; k < 4; k++)
      fm_scan_result_unref (four[k]);
  }
}

/* ---- refusals ----------------------------------------------------------- */

typedef struct
{
  FmModel      *model;
  char         *digits;
  FmScanOptions o;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *model_path = fm_test_bundled (DYING_MODEL);
  GError *error = NULL;

  f->model = fm_model_load_file (model_path, NULL, &error);
  g_assert_no_error (error);
  f->digits = fm_test_bundled (HELDOUT_DIGITS);
  fm_scan_options_init (&f->o);
  f->o.limit = 90;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fm_model_unref (f->model);
  g_free (f->digits);
}

/* Merging @a and @b (named "a.json", "b.json") fails, the message
 * holding each of the NULL-terminated strings that follow. */
static void
assert_refused (FmScanResult *a,
                FmScanResult *b,
                ...)
{
  FmScanResult *parts[] = { a, b };
  const char *names[] = { "a.json", "b.json" };
  GError *error = NULL;
  FmScanResult *r = fm_scan_result_merge (parts, names, b != NULL ? 2 : 1, &error);
  va_list args;
  const char *want;

  g_assert_null (r);
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  va_start (args, b);
  while ((want = va_arg (args, const char *)) != NULL)
    if (strstr (error->message, want) == NULL)
      g_error ("“%s” does not say “%s”", error->message, want);
  va_end (args);
  g_error_free (error);
}

static FmScanResult *
part (Fixture *f,
      guint    k,
      guint    n)
{
  return scan_part (f->model, f->digits, &f->o, k, n);
}

static void
test_refuse_model (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *other_path = fm_test_bundled (OTHER_MODEL);
  g_autoptr(FmModel) other = fm_model_load_file (other_path, NULL, NULL);
  g_autoptr(FmScanResult) a = part (f, 1, 2);
  g_autoptr(FmScanResult) b = scan_part (other, f->digits, &f->o, 2, 2);

  assert_refused (a, b, "a.json", "b.json", "different models", NULL);
}

static void
test_refuse_dataset (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(FmScanResult) a = part (f, 1, 2);
  g_autoptr(FmScanResult) b = part (f, 2, 2);

  /* As another copy of the digits, with a changed byte, would say. */
  g_free (b->dataset_key);
  b->dataset_key = g_strdup ("0123456789abcdef");
  assert_refused (a, b, "a.json", "b.json", "different datasets", NULL);
}

static void
test_refuse_options (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(FmScanResult) a = part (f, 1, 2);
  g_autoptr(FmScanResult) b = NULL;
  g_autoptr(FmScanResult) c = NULL;

  f->o.top_k = 5;
  b = part (f, 2, 2);
  assert_refused (a, b, "a.json", "b.json", "different options", "top-k 9 and 5", NULL);
  f->o.top_k = 9;
  fm_preprocess_init (&f->o.preprocess, 1, 28, 28);
  f->o.preprocess.invert = FM_INVERT_YES;
  c = part (f, 2, 2);
  assert_refused (a, c, "a.json", "b.json", "input settings", NULL);
}

static void
test_refuse_ranges (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(FmScanResult) a = part (f, 1, 3);   /* items 0-29 */
  g_autoptr(FmScanResult) b = part (f, 3, 3);   /* items 60-89 */
  g_autoptr(FmScanResult) c = part (f, 1, 2);   /* items 0-44 */
  g_autoptr(FmScanResult) d = part (f, 2, 2);   /* items 45-89 */
  g_autoptr(FmScanResult) e = part (f, 2, 3);   /* items 30-59 */

  /* a gap, named with the part on each side of it (b comes first, as
   * "a.json") */
  assert_refused (b, a, "a.json covers items 60 to 89", "b.json ends at item 29",
                  "items 30 to 59", NULL);
  /* an overlap */
  assert_refused (c, e, "b.json covers items 30 to 59",
                  "a.json already covers up to item 44", "overlap", NULL);
  /* the end or the start missing */
  assert_refused (c, NULL, "items 45 to 89", "a.json", NULL);
  assert_refused (d, NULL, "items 0 to 44", "a.json", NULL);
}

static void
test_refuse_partial (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(FmScanResult) a = part (f, 1, 2);
  g_autoptr(FmScanResult) b = part (f, 2, 2);

  /* What a scan stopped by Ctrl+C writes (test-scan.c: cancel). */
  b->partial = TRUE;
  assert_refused (a, b, "b.json", "partial", NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/scan-merge/bundled", test_bundled);
  g_test_add_func ("/engine/scan-merge/diagnoses", test_diagnoses);
  g_test_add ("/engine/scan-merge/refuse-model", Fixture, NULL, fixture_set_up,
              test_refuse_model, fixture_tear_down);
  g_test_add ("/engine/scan-merge/refuse-dataset", Fixture, NULL, fixture_set_up,
              test_refuse_dataset, fixture_tear_down);
  g_test_add ("/engine/scan-merge/refuse-options", Fixture, NULL, fixture_set_up,
              test_refuse_options, fixture_tear_down);
  g_test_add ("/engine/scan-merge/refuse-ranges", Fixture, NULL, fixture_set_up,
              test_refuse_ranges, fixture_tear_down);
  g_test_add ("/engine/scan-merge/refuse-partial", Fixture, NULL, fixture_set_up,
              test_refuse_partial, fixture_tear_down);
  return g_test_run ();
}
