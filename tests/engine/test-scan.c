/* test-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dataset scan (fm-scan.c). Small graphs built in memory
 * (fm-test-graph.c) over IDX files written here, with counts and
 * diagnoses worked out by hand: a channel made dead with bias -100, a
 * channel that fires on exactly k of n images, collapsed weights, a
 * channel whose inputs are all dead. Then the bundled mnist-cnn-dying
 * over its 2,000 held-out digits against a naive loop of single runs with
 * fm-stats (every array) and against the dead channels PyTorch found
 * (tests/fixtures/mnist/mnist-cnn-dying/dead.json). Also cancelling,
 * JSON and CSV round trips, the cache and bad datasets; and writes that
 * fail (a file-size limit, a path under a regular file) keep the previous
 * file whole, leave no temporary and name the file and the reason.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "fm-csv.h"
#include "fm-data.h"
#include "fm-export.h"
#include "fm-layers.h"
#include "fm-run.h"
#include "fm-scan.h"
#include "fm-stats.h"
#include "fm-test-files.h"
#include "fm-test-graph.h"
#include "fm-test-scan.h"


/* ---- helpers ---------------------------------------------------------- */

#define DYING_MODEL    "models/mnist-cnn-dying.onnx"
#define HELDOUT_DIGITS "digits/mnist-heldout-images-idx3-ubyte.gz"

static const FmScanLayer *
layer_named (const FmScanResult *r,
             const char         *name)
{
  int i = fm_scan_result_find_layer (r, name);

  g_assert_cmpint (i, >=, 0);
  return &r->layers[i];
}

/* x [1, 1, @h, @w] -> Conv 1x1 with @m channels (weights @weights, bias
 * @bias, or none if NULL) -> c -> Relu -> r. */
static FmModel *
build_conv_relu (gint64       h,
                 gint64       w,
                 gint64       m,
                 const float *weights,
                 const float *bias)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, h, w));
  fm_test_graph_float (g, "w", FM_DIMS (m, 1, 1, 1), weights);
  if (bias != NULL)
    fm_test_graph_float (g, "b", FM_DIMS (m), bias);
  fm_test_graph_node (g, "Conv", bias != NULL ? "x,w,b" : "x,w", "c");
  fm_test_graph_node (g, "Relu", "c", "r");
  fm_test_graph_output (g, "r");
  return fm_test_graph_build_ok (g);
}

/* ---- a channel made dead with bias -100 ------------------------------- */

/* x [1, 1, 2, 2] -> Conv 1x1 (2 channels: w = 1, 1; b = -100, 0) -> c -> Relu -> r.
 * Pixels are bytes / 255 in [0, 1], so channel 0 of c is x - 100 in
 * [-100, -99]: Relu zeroes it for every image; channel 1 is x itself. */
static void
test_dead_bias (void)
{
  static const float w[] = { 1, 1 };
  static const float b[] = { -100, 0 };
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmScanResult) r = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const FmScanLayer *lc, *lr;
  FmScanOptions o;
  /* 5 images of 2 x 2; image 3 has the only 255 and image 0 is black. */
  static const guint8 px[20] = { 0, 0, 0, 0,  10, 20, 30, 40,  0, 0, 0, 51,
                                 255, 0, 0, 0,  1, 1, 1, 1 };

  model = build_conv_relu (2, 2, 2, w, b);
  path = fm_test_write_idx ("dead-bias.idx", 5, 5, 2, 2, px, FALSE);

  fm_test_plain_options (&o, 2, 2);
  r = fm_test_scan (model, path, &o);
  g_assert_false (r->partial);
  g_assert_cmpuint (r->images, ==, 5);
  g_assert_cmpuint (r->total, ==, 5);
  g_assert_cmpuint (r->n_layers, ==, 2);

  /* c: channel 0 is never exactly 0 (fires on all 5); channel 1 is zero
   * only for the black image 0. */
  lc = layer_named (r, "c");
  g_assert_cmpuint (lc->zero_count[0], ==, 0);
  g_assert_cmpuint (lc->zero_count[1], ==, 1);
  g_assert_cmpuint (lc->n_dead, ==, 0);
  g_assert_null (lc->pre_activation_max);
  /* max of channel 0: 255/255 - 100 = -99 */
  g_assert_cmpfloat_with_epsilon (lc->max[0], -99.0f, 1e-5);

  lr = layer_named (r, "r");
  g_assert_cmpstr (lr->op, ==, "Relu");
  g_assert_cmpuint (lr->zero_count[0], ==, 5);
  g_assert_cmpuint (lr->fire_count[0], ==, 0);
  g_assert_cmpuint (lr->fire_count[1], ==, 4);
  g_assert_cmpuint (lr->n_dead, ==, 1);
  g_assert_cmpuint (lr->dead[0], ==, 0);
  g_assert_cmpfloat (lr->max[0], ==, 0.0f);
  g_assert_nonnull (lr->pre_activation_max);
  g_assert_cmpfloat_with_epsilon (lr->pre_activation_max[0], -99.0f, 1e-5);
  g_assert_cmpfloat_with_epsilon (lr->pre_activation_max[1], 1.0f, 1e-6);
  g_assert_nonnull (lr->bias);
  g_assert_cmpfloat (lr->bias[0], ==, -100.0f);
  g_assert_cmpint (lr->diagnosis[0], ==, FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE);
  g_assert_cmpint (lr->diagnosis[1], ==, FM_SCAN_DIAGNOSIS_NONE);
  text = fm_scan_result_dead_reason (r, 1, 0);
  g_assert_cmpstr (text, ==, "the bias keeps it negative: largest pre-activation -99.00, "
                   "bias -100.00");
  g_clear_pointer (&text, g_free);
  /* A dead channel has no top images; channel 1's are 3 (max 1), 2
   * (51/255 = 0.2), 1 (40/255), 4 (1/255). */
  g_assert_cmpint (lr->top_index[0], ==, -1);
  g_assert_cmpint (lr->top_index[r->top_k + 0], ==, 3);
  g_assert_cmpint (lr->top_index[r->top_k + 1], ==, 2);
  g_assert_cmpint (lr->top_index[r->top_k + 2], ==, 1);
  g_assert_cmpint (lr->top_index[r->top_k + 3], ==, 4);
  g_assert_cmpint (lr->top_index[r->top_k + 4], ==, -1);
  g_assert_cmpfloat_with_epsilon (lr->top_max[r->top_k + 1], 0.2f, 1e-6);
  /* mean of channel 1 over 5 * 4 cells: (100 + 51 + 255 + 4) / 255 / 20 */
  g_assert_cmpfloat_with_epsilon (lr->mean[1], 410.0 / 255.0 / 20.0, 1e-6);

  text = fm_scan_result_explain (r, 1, 0);
  g_test_message ("%s", text);
  fm_test_assert_contains (text, "dead", "-99.00", "bias, -100.00", "learning rate", "LeakyReLU",
                           NULL);
  g_clear_pointer (&text, g_free);
  text = fm_scan_result_explain (r, 1, 1);
  g_assert_nonnull (strstr (text, "4 of 5 images"));
}

/* ---- dead with a positive bias, and without one ----------------------- */

/* x [1, 1, 2, 2] -> Conv 1x1 (w = -10, -1; b = 1, 0, or no bias) -> Relu.
 * Every pixel is at least 51/255 = 0.2, so channel 0 is 1 - 10 x <= -1
 * and channel 1 is -x <= -0.2: both dead, though channel 0's bias is
 * positive. The words blame the bias only when it is negative. */
static void
test_dead_not_bias (void)
{
  static const float w[] = { -10, -1 };
  static const float b[] = { 1, 0 };
  static const guint8 px[12] = { 51, 60, 70, 80,  255, 255, 255, 255,  51, 51, 51, 51 };
  g_autofree char *path = fm_test_write_idx ("dead-not-bias.idx", 3, 3, 2, 2, px, FALSE);

  for (int with_bias = 0; with_bias < 2; with_bias++)
    {
      g_autoptr(FmModel) model = build_conv_relu (2, 2, 2, w, with_bias ? b : NULL);
      g_autoptr(FmScanResult) r = NULL;
      const FmScanLayer *lr;
      FmScanOptions o;
      int l;

      fm_test_plain_options (&o, 2, 2);
      r = fm_test_scan (model, path, &o);
      l = fm_scan_result_find_layer (r, "r");
      lr = &r->layers[l];
      g_assert_cmpuint (lr->n_dead, ==, 2);
      /* the largest pre-activations: 1 - 10 * 0.2 = -1 and -0.2 */
      g_assert_cmpfloat_with_epsilon (lr->pre_activation_max[0], with_bias ? -1.0f : -2.0f,
                                      1e-5);
      g_assert_cmpfloat_with_epsilon (lr->pre_activation_max[1], -0.2f, 1e-6);
      for (guint c = 0; c < 2; c++)
        {
          g_autofree char *line = fm_scan_result_dead_reason (r, (guint) l, c);
          g_autofree char *text = fm_scan_result_explain (r, (guint) l, c);

          g_test_message ("%s | %s", line, text);
          g_assert_null (strstr (line, "bias keeps"));
          g_assert_null (strstr (text, "keeps it negative"));
          fm_test_assert_contains (line, "never rises above zero", NULL);
          if (with_bias && c == 0)
            fm_test_assert_contains (line, "-1.00, bias 1.00", NULL);
          if (with_bias && c == 0)
            fm_test_assert_contains (text, "its bias, 1.00, is not negative", NULL);
          if (!with_bias)
            g_assert_null (strstr (line, "bias"));
          if (!with_bias)
            g_assert_null (strstr (text, "bias"));
        }
    }
}

/* ---- a channels-last layer ------------------------------------------- */

/* The dead-bias net with a Transpose [0, 2, 3, 1] between the Conv and the
 * Relu: r [1, 2, 2, 2] is NHWC (2 channels of 2 x 2; every dim is 2, so
 * only the layout tells the channels). Channel 0 (bias -100) must be the
 * dead one, as in test_dead_bias; read as NCHW, "channel 0" would be the
 * top row of both channels and fire on images 1, 3 and 4. */
static void
test_nhwc (void)
{
  static const float w[] = { 1, 1 };
  static const float b[] = { -100, 0 };
  static const guint8 px[20] = { 0, 0, 0, 0,  10, 20, 30, 40,  0, 0, 0, 51,
                                 255, 0, 0, 0,  1, 1, 1, 1 };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmScanResult) r = NULL;
  g_autofree char *path = NULL;
  const FmScanLayer *lr;
  FmScanOptions o;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  fm_test_graph_float (g, "w", FM_DIMS (2, 1, 1, 1), w);
  fm_test_graph_float (g, "b", FM_DIMS (2), b);
  fm_test_graph_node (g, "Conv", "x,w,b", "c");
  fm_test_node_ints (fm_test_graph_node (g, "Transpose", "c", "t"), "perm", 4,
                     (const gint64[]) { 0, 2, 3, 1 });
  fm_test_graph_node (g, "Relu", "t", "r");
  fm_test_graph_output (g, "r");
  model = fm_test_graph_build_ok (g);
  path = fm_test_write_idx ("nhwc.idx", 5, 5, 2, 2, px, FALSE);

  fm_test_plain_options (&o, 2, 2);
  r = fm_test_scan (model, path, &o);
  g_assert_cmpuint (r->n_layers, ==, 3);
  lr = layer_named (r, "r");
  g_assert_cmpuint (lr->channels, ==, 2);
  g_assert_cmpuint (lr->zero_count[0], ==, 5);
  g_assert_cmpuint (lr->zero_count[1], ==, 1);
  g_assert_cmpuint (lr->n_dead, ==, 1);
  g_assert_cmpuint (lr->dead[0], ==, 0);
  g_assert_cmpfloat (lr->max[1], ==, 1.0f);
  /* channel 1's top images: 3 (max 1), 2 (51/255), 1 (40/255), 4 */
  g_assert_cmpint (lr->top_index[r->top_k + 0], ==, 3);
  g_assert_cmpint (lr->top_index[r->top_k + 1], ==, 2);
  g_assert_cmpint (lr->top_index[r->top_k + 2], ==, 1);
  g_assert_cmpint (lr->top_index[r->top_k + 3], ==, 4);
  /* mean of channel 1 over 5 * 4 cells: (100 + 51 + 255 + 4) / 255 / 20 */
  g_assert_cmpfloat_with_epsilon (lr->mean[1], 410.0 / 255.0 / 20.0, 1e-6);
}

/* ---- a channel that fires on exactly k of n images -------------------- */

/* x [1, 1, 3, 3] -> Conv 1x1 (w = 1, b = -0.5) -> c -> Relu -> r. A pixel
 * fires the channel only above 0.5 (byte 128 or more). n = 50 images with
 * bytes 0..100 (x <= 0.392), of which k = 3 (indexes 7, 20, 41) get one
 * bright pixel: 255, 230, 204 -> r max 0.5, 0.40196, 0.3. */
#define FIRE_N 50
static void
test_fire_count (void)
{
  static const float w[] = { 1 };
  static const float b[] = { -0.5f };
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmScanResult) r = NULL;
  g_autoptr(FmScanResult) r2 = NULL;
  g_autofree char *path = NULL;
  guint8 px[FIRE_N * 9];
  const FmScanLayer *l;
  FmScanOptions o;
  double want_mean;

  for (guint i = 0; i < sizeof px; i++)
    px[i] = (guint8) ((i * 37) % 101);  /* 0..100 */
  px[7 * 9 + 4] = 255;
  px[20 * 9 + 0] = 230;
  px[41 * 9 + 8] = 204;

  model = build_conv_relu (3, 3, 1, w, b);
  path = fm_test_write_idx ("fire.idx.gz", FIRE_N, FIRE_N, 3, 3, px, TRUE);

  /* 3 / 50 = 6 %: rare under 10 %, not under 1 %. */
  fm_test_plain_options (&o, 3, 3);
  o.rare_below = 0.1;
  o.threads = 2;
  r = fm_test_scan (model, path, &o);
  l = layer_named (r, "r");
  g_assert_cmpuint (r->images, ==, FIRE_N);
  g_assert_cmpuint (l->fire_count[0], ==, 3);
  g_assert_cmpuint (l->zero_count[0], ==, FIRE_N - 3);
  g_assert_cmpuint (l->n_dead, ==, 0);
  g_assert_cmpuint (l->n_rare, ==, 1);
  g_assert_cmpuint (l->rare[0], ==, 0);
  g_assert_cmpint (l->diagnosis[0], ==, FM_SCAN_DIAGNOSIS_NONE);
  g_assert_cmpint (l->top_index[0], ==, 7);
  g_assert_cmpint (l->top_index[1], ==, 20);
  g_assert_cmpint (l->top_index[2], ==, 41);
  g_assert_cmpint (l->top_index[3], ==, -1);
  g_assert_cmpfloat_with_epsilon (l->top_max[0], 0.5f, 1e-6);
  g_assert_cmpfloat_with_epsilon (l->top_max[1], 230.0f / 255 - 0.5f, 1e-6);
  g_assert_cmpfloat_with_epsilon (l->max[0], 0.5f, 1e-6);
  want_mean = (0.5 + (230.0 / 255 - 0.5) + (204.0 / 255 - 0.5)) / (FIRE_N * 9);
  g_assert_cmpfloat_with_epsilon (l->mean[0], want_mean, 1e-7);
  g_assert_cmpfloat_with_epsilon (l->pre_activation_max[0], 0.5f, 1e-6);

  /* The default threshold (1 %), one thread, and a limit of 30 images
   * (only 7 and 20 fire): 2 of 30 = 6.7 %, not rare. */
  fm_test_plain_options (&o, 3, 3);
  o.threads = 1;
  o.limit = 30;
  r2 = fm_test_scan (model, path, &o);
  l = layer_named (r2, "r");
  g_assert_cmpuint (r2->images, ==, 30);
  g_assert_cmpuint (r2->total, ==, 30);
  g_assert_cmpuint (l->fire_count[0], ==, 2);
  g_assert_cmpuint (l->n_rare, ==, 0);
}

/* ---- collapsed weights and dead inputs -------------------------------- */

/* x [1, 1, 2, 2] -> Conv 1x1 c1 (3 channels: w = 1, 0, 1; b = -100, -1, 0)
 *   -> Relu r1 -> Conv 1x1 c2 (group 3, w = 1, 1, 1, b = 0, 0, 0.5) -> Relu r2.
 * r1: channel 0 dead (x - 100), channel 1 dead with weights 0 (bias -1),
 * channel 2 = x. c2 channel m reads r1 channel m only: channels 0 and 1
 * are exactly 0 for every image (dead, inputs dead), channel 2 fires.
 * r2 likewise; the weights-collapsed check comes first, so r1 channel 1 is
 * "weights collapsed" although its pre-activation (-1) is negative too. */
static void
test_diagnoses (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float w1[] = { 1, 0, 1 };
  static const float b1[] = { -100, -1, 0 };
  static const float w2[] = { 1, 1, 1 };
  static const float b2[] = { 0, 0, 0.5f };
  static const guint8 px[12] = { 0, 10, 20, 30,  200, 0, 0, 0,  5, 5, 5, 5 };
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmScanResult) r = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const FmScanLayer *l;
  FmScanOptions o;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  fm_test_graph_float (g, "w1", FM_DIMS (3, 1, 1, 1), w1);
  fm_test_graph_float (g, "b1", FM_DIMS (3), b1);
  fm_test_graph_float (g, "w2", FM_DIMS (3, 1, 1, 1), w2);
  fm_test_graph_float (g, "b2", FM_DIMS (3), b2);
  fm_test_graph_node (g, "Conv", "x,w1,b1", "c1");
  fm_test_graph_node (g, "Relu", "c1", "r1");
  fm_test_node_int (fm_test_graph_node (g, "Conv", "r1,w2,b2", "c2"), "group", 3);
  fm_test_graph_node (g, "Relu", "c2", "r2");
  fm_test_graph_output (g, "r2");
  model = fm_test_graph_build_ok (g);
  path = fm_test_write_idx ("diag.idx", 3, 3, 2, 2, px, FALSE);

  fm_test_plain_options (&o, 2, 2);
  r = fm_test_scan (model, path, &o);
  g_assert_cmpuint (r->n_layers, ==, 4);

  l = layer_named (r, "r1");
  g_assert_cmpuint (l->n_dead, ==, 2);
  g_assert_cmpint (l->diagnosis[0], ==, FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE);
  g_assert_cmpint (l->diagnosis[1], ==, FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED);
  g_assert_cmpint (l->diagnosis[2], ==, FM_SCAN_DIAGNOSIS_NONE);
  g_assert_cmpfloat (l->weight_max_abs[1], ==, 0.0f);
  g_assert_cmpfloat (l->weight_max_abs[0], ==, 1.0f);
  text = fm_scan_result_explain (r, fm_scan_result_find_layer (r, "r1"), 1);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "collapsed"));
  g_assert_nonnull (strstr (text, "-1.00"));
  g_clear_pointer (&text, g_free);

  /* c2 channels 0 and 1: 1 * 0 + 0 = 0 at every position. */
  l = layer_named (r, "c2");
  g_assert_cmpuint (l->n_dead, ==, 2);
  g_assert_cmpint (l->diagnosis[0], ==, FM_SCAN_DIAGNOSIS_INPUTS_DEAD);
  g_assert_cmpint (l->diagnosis[1], ==, FM_SCAN_DIAGNOSIS_INPUTS_DEAD);
  g_assert_cmpuint (l->fire_count[2], ==, 3);

  l = layer_named (r, "r2");
  g_assert_cmpuint (l->n_dead, ==, 2);
  g_assert_cmpint (l->diagnosis[0], ==, FM_SCAN_DIAGNOSIS_INPUTS_DEAD);
  g_assert_cmpint (l->diagnosis[1], ==, FM_SCAN_DIAGNOSIS_INPUTS_DEAD);
  g_assert_cmpint (l->diagnosis[2], ==, FM_SCAN_DIAGNOSIS_NONE);
  text = fm_scan_result_explain (r, fm_scan_result_find_layer (r, "r2"), 0);
  g_assert_nonnull (strstr (text, "input channel it reads is itself dead"));
}

/* ---- the bundled model against a naive loop --------------------------- */

typedef struct
{
  guint64 *zero;     /* [C] */
  float   *max;      /* [C] */
  double  *mean;     /* [C] sum of per-image means */
  float   *pre;      /* [C] */
  float   *img_max;  /* [n_images, C] every image's channel max */
  gboolean *fired;   /* [n_images, C] */
} NaiveLayer;

static int
cmp_desc (gconstpointer a,
          gconstpointer b,
          gpointer      data)
{
  const float *v = data;
  int i = *(const int *) a, j = *(const int *) b;

  if (v[i] != v[j])
    return v[i] > v[j] ? -1 : 1;
  return i - j;
}

static void
test_bundled_naive (void)
{
  GError *error = NULL;
  g_autofree char *model_path = fm_test_bundled (DYING_MODEL);
  g_autofree char *digits = fm_test_bundled (HELDOUT_DIGITS);
  g_autofree char *dead_json = NULL;
  g_autoptr(FmModel) model = fm_test_load_model (model_path);
  g_autoptr(FmDataset) dataset = fm_test_open_dataset (digits, NULL);
  g_autoptr(FmScan) scan = NULL;
  g_autoptr(FmRun) run = NULL;
  g_autoptr(GArray) layers = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  FmScanResult *r;
  FmScanOptions o;
  FmPreprocess pp;
  NaiveLayer *naive;
  guint n = 0;
  guint64 index;
  const guint N = 2000;
  JsonArray *dead_layers;
  guint checked = 0;

  /* The scan, with two workers. */
  fm_scan_options_init (&o);
  o.threads = 2;
  scan = fm_scan_new (model, dataset, &o);
  g_assert_true (fm_scan_run (scan, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  r = fm_scan_get_result (scan);
  g_assert_cmpuint (r->images, ==, N);
  g_assert_false (r->partial);

  /* The naive loop: one run per image, statistics by fm-stats. */
  g_clear_pointer (&dataset, fm_dataset_free);
  dataset = fm_test_open_dataset (digits, NULL);
  g_assert_true (fm_preprocess_init_from_model (&pp, model, &error));
  run = fm_run_new (model, &error);
  g_assert_no_error (error);
  layers = fm_layers_list (model, FALSE);
  g_assert_cmpuint (layers->len, ==, r->n_layers);
  g_assert_cmpuint (layers->len, ==, 8);  /* Conv, Relu, MaxPool three times, less one pool */
  naive = g_new0 (NaiveLayer, layers->len);
  for (guint l = 0; l < layers->len; l++)
    {
      guint C = fm_layer_channels (model, &g_array_index (layers, FmLayer, l));

      naive[l].zero = g_new0 (guint64, C);
      naive[l].max = g_new (float, C);
      naive[l].mean = g_new0 (double, C);
      naive[l].pre = g_new (float, C);
      naive[l].img_max = g_new (float, (gsize) N * C);
      naive[l].fired = g_new (gboolean, (gsize) N * C);
      for (guint c = 0; c < C; c++)
        naive[l].max[c] = naive[l].pre[c] = -INFINITY;
    }
  while (fm_dataset_next_input (dataset, &pp, &index, fm_run_input_data (run, 0), NULL, &error))
    {
      g_assert_cmpuint (index, ==, n);
      g_assert_true (fm_run_execute (run, NULL, &error));
      for (guint l = 0; l < layers->len; l++)
        {
          const FmLayer *layer = &g_array_index (layers, FmLayer, l);
          const FmShape *shape = &model->values[layer->value_id].shape;
          guint C = fm_layer_channels (model, layer);
          FmChannelStats stats[64];
          float pre[64];

          g_assert_cmpuint (C, <=, 64);
          fm_channel_stats_compute (fm_run_value_data (run, layer->value_id), C,
                                    (gsize) (shape->dims[2] * shape->dims[3]), 0.0f, stats);
          for (guint c = 0; c < C; c++)
            pre[c] = fm_layer_pre_activation_max_channel (model, layer, run, c);
          for (guint c = 0; c < C; c++)
            {
              naive[l].zero[c] += stats[c].all_zero;
              naive[l].max[c] = MAX (naive[l].max[c], stats[c].max);
              naive[l].mean[c] += stats[c].mean;
              if (layer->pre_value_id >= 0)
                naive[l].pre[c] = MAX (naive[l].pre[c], pre[c]);
              naive[l].img_max[(gsize) n * C + c] = stats[c].max;
              naive[l].fired[(gsize) n * C + c] = !stats[c].all_zero;
            }
        }
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, N);

  for (guint l = 0; l < layers->len; l++)
    {
      const FmLayer *layer = &g_array_index (layers, FmLayer, l);
      const FmScanLayer *L = &r->layers[l];
      guint C = fm_layer_channels (model, layer);
      guint k = r->top_k;
      g_autofree int *order = g_new (int, N);
      g_autofree float *v = g_new (float, N);

      g_assert_cmpstr (L->name, ==, model->values[layer->value_id].name);
      g_assert_cmpuint (L->channels, ==, C);
      g_assert_cmpint (L->pre_activation_max != NULL, ==, layer->pre_value_id >= 0);
      for (guint c = 0; c < C; c++)
        {
          guint m = 0;

          g_assert_cmpuint (L->zero_count[c], ==, naive[l].zero[c]);
          g_assert_cmpuint (L->fire_count[c], ==, N - naive[l].zero[c]);
          g_assert_cmpfloat (L->max[c], ==, naive[l].max[c]);
          g_assert_cmpfloat_with_epsilon (L->mean[c], naive[l].mean[c] / N,
                                          1e-5 * MAX (1.0, fabs (naive[l].mean[c] / N)));
          if (L->pre_activation_max != NULL)
            g_assert_cmpfloat (L->pre_activation_max[c], ==, naive[l].pre[c]);
          g_assert_cmpint (fm_test_list_has (L->dead, L->n_dead, c), ==, naive[l].zero[c] == N);

          /* top-k: the images it fired on, sorted by max, then index. */
          for (guint i = 0; i < N; i++)
            {
              v[i] = naive[l].img_max[(gsize) i * C + c];
              if (naive[l].fired[(gsize) i * C + c])
                order[m++] = (int) i;
            }
          g_qsort_with_data (order, m, sizeof (int), cmp_desc, v);
          for (guint j = 0; j < k; j++)
            {
              gint64 want = j < m ? order[j] : -1;

              g_assert_cmpint (L->top_index[(gsize) c * k + j], ==, want);
              if (want >= 0)
                g_assert_cmpfloat (L->top_max[(gsize) c * k + j], ==, v[want]);
            }
          checked++;
        }
      g_free (naive[l].zero);
      g_free (naive[l].max);
      g_free (naive[l].mean);
      g_free (naive[l].pre);
      g_free (naive[l].img_max);
      g_free (naive[l].fired);
    }
  g_free (naive);
  g_assert_cmpuint (checked, ==, 8 * 32);

  /* The dead ReLU channels PyTorch found over the same 2,000 digits. */
  dead_json = g_build_filename (FM_TEST_SRCDIR, "fixtures", "mnist", "mnist-cnn-dying",
                                "dead.json", NULL);
  g_assert_true (json_parser_load_from_file (parser, dead_json, &error));
  g_assert_no_error (error);
  dead_layers = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                              "layers");
  g_assert_cmpuint (json_array_get_length (dead_layers), ==, 3);
  for (guint i = 0; i < json_array_get_length (dead_layers); i++)
    {
      JsonObject *jl = json_array_get_object_element (dead_layers, i);
      JsonArray *want = json_object_get_array_member (jl, "dead");
      const FmScanLayer *L = layer_named (r, json_object_get_string_member (jl, "name"));

      g_assert_cmpuint (L->n_dead, ==, json_array_get_length (want));
      for (guint j = 0; j < L->n_dead; j++)
        g_assert_cmpuint (L->dead[j], ==, json_array_get_int_element (want, j));
      /* Every dead first-layer ReLU reads the image: never "inputs dead". */
      for (guint j = 0; j < L->n_dead; j++)
        g_assert_cmpint (L->diagnosis[L->dead[j]], !=, FM_SCAN_DIAGNOSIS_NONE);
    }
  {
    const FmScanLayer *r1 = layer_named (r, "/relu1/Relu_output_0");

    for (guint j = 0; j < r1->n_dead; j++)
      g_assert_cmpint (r1->diagnosis[r1->dead[j]], !=, FM_SCAN_DIAGNOSIS_INPUTS_DEAD);
  }
}

/* ---- cancelling ------------------------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  guint64       done_at_cancel;
  guint         calls;
  guint64       last_total;
} CancelData;

static void
cancel_progress (guint64  done,
                 guint64  total,
                 double   elapsed,
                 gpointer user_data)
{
  CancelData *d = user_data;

  g_assert_cmpfloat (elapsed, >=, 0.0);
  d->calls++;
  d->last_total = total;
  if (!g_cancellable_is_cancelled (d->cancellable))
    {
      d->done_at_cancel = done;
      g_cancellable_cancel (d->cancellable);
    }
}

static void
test_cancel (void)
{
  GError *error = NULL;
  g_autofree char *model_path = fm_test_bundled ("models/mnist-cnn.onnx");
  g_autofree char *digits = fm_test_bundled (HELDOUT_DIGITS);
  g_autoptr(FmModel) model = fm_test_load_model (model_path);
  g_autoptr(FmDataset) dataset = fm_test_open_dataset (digits, NULL);
  g_autoptr(FmScan) scan = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FmScanResult) kept = NULL;
  CancelData d = { cancellable, 0, 0, 0 };
  FmScanOptions o;
  const FmScanLayer *l;

  fm_scan_options_init (&o);
  scan = fm_scan_new (model, dataset, &o);
  g_assert_false (fm_scan_run (scan, cancel_progress, &d, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  kept = fm_scan_result_ref (fm_scan_get_result (scan));
  g_assert_nonnull (kept);
  g_assert_true (kept->partial);
  g_assert_cmpuint (d.last_total, ==, 2000);
  g_assert_cmpuint (kept->total, ==, 2000);
  /* At most the two workers' images in flight finish after the cancel. */
  g_assert_cmpuint (kept->images, >=, d.done_at_cancel);
  g_assert_cmpuint (kept->images, <=, d.done_at_cancel + 2);
  g_assert_cmpuint (kept->images, <, 2000);
  g_assert_cmpuint (d.calls, >=, 2);  /* the cancelling call and the final one */
  l = &kept->layers[0];
  for (guint c = 0; c < l->channels; c++)
    g_assert_cmpuint (l->zero_count[c] + l->fire_count[c], ==, kept->images);

  /* The result outlives the scan. */
  g_clear_pointer (&scan, fm_scan_free);
  g_assert_true (kept->partial);
  g_assert_cmpuint (kept->n_layers, ==, 8);
}

/* ---- JSON, CSV and the cache ------------------------------------------ */

static FmScanResult *
bundled_result (guint64 limit)
{
  FmScanOptions o;

  fm_scan_options_init (&o);
  o.limit = limit;
  o.rare_below = 0.2;  /* so that some channels are rare */
  return fm_test_scan_bundled (DYING_MODEL, HELDOUT_DIGITS, &o);
}

static void
test_json_round_trip (void)
{
  g_autoptr(FmScanResult) r = bundled_result (300);
  g_autoptr(FmScanResult) back = NULL;
  g_autoptr(JsonNode) root = fm_scan_result_to_json (r);
  g_autoptr(JsonNode) root2 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = json_to_string (root, FALSE);
  g_autofree char *text2 = NULL;
  GError *error = NULL;
  JsonObject *o, *l0;
  guint n_rare = 0;

  /* The documented members. */
  o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "images"), ==, 300);
  g_assert_false (json_object_get_boolean_member (o, "partial"));
  l0 = json_array_get_object_element (json_object_get_array_member (o, "layers"), 1);
  g_assert_cmpstr (json_object_get_string_member (l0, "name"), ==, "/relu1/Relu_output_0");
  g_assert_cmpstr (json_object_get_string_member (l0, "op"), ==, "Relu");
  g_assert_cmpint (json_object_get_int_member (l0, "channels"), ==, 32);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (l0, "zero_count")), ==, 32);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (l0, "top")), ==, 32);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (l0, "pre_activation_max")));
  l0 = json_array_get_object_element (json_object_get_array_member (o, "layers"), 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (l0, "pre_activation_max")));
  for (guint l = 0; l < r->n_layers; l++)
    n_rare += r->layers[l].n_rare;
  g_assert_cmpuint (n_rare, >, 0);

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  back = fm_scan_result_from_json (json_parser_get_root (parser), "test", &error);
  g_assert_no_error (error);
  fm_test_assert_scans_equal (r, back, FALSE);
  root2 = fm_scan_result_to_json (back);
  text2 = json_to_string (root2, FALSE);
  g_assert_cmpstr (text, ==, text2);

  /* A broken object names what is wrong. */
  json_object_remove_member (json_node_get_object (json_parser_get_root (parser)), "layers");
  g_assert_null (fm_scan_result_from_json (json_parser_get_root (parser), "test", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "layers"));
  g_clear_error (&error);
}

static void
test_csv_round_trip (void)
{
  g_autoptr(FmScanResult) r = bundled_result (200);
  g_autofree char *path = g_build_filename (fm_test_scratch (), "scan.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GError *error = NULL;
  guint line = 1;

  g_assert_true (fm_scan_result_write_csv (r, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==,
                   "layer,channel,zero_count,fire_count,max,mean,pre_activation_max,dead,rare,"
                   "apoz,near_dead");
  for (guint l = 0; l < r->n_layers; l++)
    for (guint c = 0; c < r->layers[l].channels; c++, line++)
      {
        const FmScanLayer *L = &r->layers[l];
        g_auto(GStrv) f = g_strsplit (lines[line], ",", -1);

        g_assert_cmpuint (g_strv_length (f), ==, 11);
        g_assert_cmpstr (f[0], ==, L->name);
        g_assert_cmpuint (g_ascii_strtoull (f[1], NULL, 10), ==, c);
        g_assert_cmpuint (g_ascii_strtoull (f[2], NULL, 10), ==, L->zero_count[c]);
        g_assert_cmpuint (g_ascii_strtoull (f[3], NULL, 10), ==, L->fire_count[c]);
        g_assert_cmpfloat ((float) g_ascii_strtod (f[4], NULL), ==, L->max[c]);
        g_assert_cmpfloat ((float) g_ascii_strtod (f[5], NULL), ==, L->mean[c]);
        if (L->pre_activation_max == NULL)
          g_assert_cmpstr (f[6], ==, "");
        else
          g_assert_cmpfloat ((float) g_ascii_strtod (f[6], NULL), ==, L->pre_activation_max[c]);
        g_assert_cmpstr (f[7], ==, fm_test_list_has (L->dead, L->n_dead, c) ? "true" : "false");
        g_assert_cmpstr (f[8], ==, fm_test_list_has (L->rare, L->n_rare, c) ? "true" : "false");
        /* APoZ as zero_cells / (images * cells), computed here */
        g_assert_cmpfloat (g_ascii_strtod (f[9], NULL), ==,
                           (double) L->zero_cells[c] / ((double) r->images * L->cells_per_image));
        g_assert_cmpstr (f[10], ==,
                         fm_test_list_has (L->near_dead, L->n_near_dead, c) ? "true" : "false");
      }
  g_assert_cmpstr (lines[line], ==, "");
  g_assert_null (lines[line + 1]);
}

static void
test_cache (void)
{
  g_autoptr(FmScanResult) r = bundled_result (100);
  g_autoptr(FmScanResult) back = NULL;
  g_autofree char *digits = fm_test_bundled (HELDOUT_DIGITS);
  g_autoptr(FmDataset) dataset = fm_test_open_dataset (digits, NULL);
  GError *error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;
  g_autofree char *path2 = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *model_bytes = NULL;
  g_autofree char *model_digest = NULL;
  gsize model_len = 0;
  FmScanOptions o;

  /* The result names its model by the file's SHA-256 (by GChecksum, not
   * the nettle code under test). */
  g_assert_true (g_file_get_contents (r->model_path, &model_bytes, &model_len, NULL));
  model_digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) model_bytes,
                                              model_len);
  g_assert_cmpstr (r->model_sha256, ==, model_digest);

  key = fm_dataset_dup_content_key (dataset, NULL, &error);
  g_assert_no_error (error);
  fm_scan_options_init (&o);
  o.limit = 100;
  path = fm_scan_cache_path (r->model_path, key, &o, &error);
  g_assert_no_error (error);
  dir = g_build_filename (g_get_user_cache_dir (), "feature-maps", "scans", NULL);
  g_assert_true (g_str_has_prefix (path, dir));
  g_assert_true (g_str_has_suffix (path, ".json"));

  /* A different option that changes results gives another file. */
  o.limit = 101;
  path2 = fm_scan_cache_path (r->model_path, key, &o, &error);
  g_assert_cmpstr (path, !=, path2);
  /* The thread count does not. */
  g_clear_pointer (&path2, g_free);
  o.limit = 100;
  o.threads = 1;
  path2 = fm_scan_cache_path (r->model_path, key, &o, &error);
  g_assert_cmpstr (path, ==, path2);

  g_assert_null (fm_scan_cache_load (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (fm_scan_cache_save (r, path, &error));
  g_assert_no_error (error);
  back = fm_scan_cache_load (path, &error);
  g_assert_no_error (error);
  fm_test_assert_scans_equal (r, back, FALSE);

  /* A corrupt cache file is an error, not a crash. */
  g_assert_true (g_file_set_contents (path, "{\"format\": 1, \"model\": 3}", -1, NULL));
  g_assert_null (fm_scan_cache_load (path, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
}

/* A copy of the bundled file @rel at @name in the test folder. */
static char *
copy_bundled (const char *rel,
              const char *name)
{
  g_autofree char *src = fm_test_bundled (rel);
  char *path = g_build_filename (fm_test_scratch (), name, NULL);

  fm_test_copy_file (src, path);
  return path;
}

static FmScanResult *
run_cached (const char      *model_path,
            const char      *dataset_path,
            FmScanCacheMode  mode,
            gboolean        *from_cache)
{
  g_autoptr(FmModel) model = fm_test_load_model (model_path);
  /* A dataset is read once: each scan opens its own. */
  g_autoptr(FmDataset) dataset = fm_test_open_dataset (dataset_path, NULL);
  g_autoptr(GError) cache_error = NULL;
  GError *error = NULL;
  FmScanResult *r;
  FmScanOptions o;

  fm_scan_options_init (&o);
  o.limit = 37;  /* a key no other test stores */
  r = fm_scan_run_cached (model, dataset, &o, mode, NULL, NULL, NULL, from_cache,
                          &cache_error, &error);
  g_assert_no_error (error);
  g_assert_no_error (cache_error);
  return r;
}

/* The cache key holds the model's bytes and the dataset's contents, not
 * their names: the same files under other names find the result stored
 * under the first ones, and it names the files asked for now. A look
 * finds nothing before, and a scan that skips the cache keeps nothing. */
static void
test_run_cached (void)
{
  g_autofree char *model_path = fm_test_bundled (DYING_MODEL);
  g_autofree char *digits = fm_test_bundled (HELDOUT_DIGITS);
  g_autofree char *model_copy = copy_bundled (DYING_MODEL, "renamed.onnx");
  g_autofree char *digits_copy = copy_bundled (HELDOUT_DIGITS, "renamed-images-idx3-ubyte.gz");
  /* The labels are part of the dataset's content key. */
  g_autofree char *labels_copy = copy_bundled ("digits/mnist-heldout-labels-idx1-ubyte.gz",
                                               "renamed-labels-idx1-ubyte.gz");
  g_autoptr(FmScanResult) r = NULL;
  g_autoptr(FmScanResult) again = NULL;
  gboolean from_cache = TRUE;

  /* Found beside the images by its name. */
  g_assert_true (g_file_test (labels_copy, G_FILE_TEST_IS_REGULAR));
  g_assert_null (run_cached (model_copy, digits_copy, FM_SCAN_CACHE_LOOK_ONLY, &from_cache));
  g_assert_false (from_cache);

  r = run_cached (model_path, digits, FM_SCAN_CACHE_SKIP, &from_cache);
  g_assert_false (from_cache);
  g_assert_cmpuint (r->images, ==, 37);
  g_assert_null (run_cached (model_copy, digits_copy, FM_SCAN_CACHE_LOOK_ONLY, &from_cache));
  g_clear_pointer (&r, fm_scan_result_unref);

  r = run_cached (model_path, digits, FM_SCAN_CACHE_USE, &from_cache);
  g_assert_false (from_cache);
  g_assert_cmpstr (r->model_path, ==, model_path);
  g_assert_cmpstr (r->dataset_path, ==, digits);

  again = run_cached (model_copy, digits_copy, FM_SCAN_CACHE_LOOK_ONLY, &from_cache);
  g_assert_nonnull (again);
  g_assert_true (from_cache);
  g_assert_cmpstr (again->model_path, ==, model_copy);
  g_assert_cmpstr (again->dataset_path, ==, digits_copy);
  g_free (again->model_path);
  again->model_path = g_strdup (r->model_path);
  g_free (again->dataset_path);
  again->dataset_path = g_strdup (r->dataset_path);
  fm_test_assert_scans_equal (r, again, FALSE);
}

/* ---- one CSV spelling -------------------------------------------------- */

/* One layer named with a comma and quotes, one channel with no numbers. */
#define NAN_LAYER_JSON \
  "{\"model\": \"m\", \"dataset\": \"d\", \"images\": 0, \"total\": 0, \"partial\": false," \
  " \"top_k\": 0, \"rare_below\": 0.01, \"epsilon\": 0, \"elapsed\": 0, \"warnings\": []," \
  " \"layers\": [{\"name\": \"odd,\\\"name\\\"\", \"op\": \"Relu\", \"channels\": 1," \
  " \"zero_count\": [0], \"fire_count\": [0], \"max\": [null], \"mean\": [null]," \
  " \"pre_activation_max\": [null], \"dead\": [], \"rare\": [], \"top\": [[]]," \
  " \"top_max\": [[]], \"bias\": null, \"weight_max_abs\": null, \"diagnosis\": [\"none\"]}]}"

/* Both CSV files the app writes, the scan's and the statistics', quote a
 * name and spell NaN the same way: an empty field, which spreadsheets and
 * pandas read as missing. */
static void
test_csv_one_spelling (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FmScanResult) r = NULL;
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *path = g_build_filename (fm_test_scratch (), "nan.csv", NULL);
  g_autofree char *scan_csv = NULL;
  g_autofree char *stats_csv = NULL;
  const FmChannelStats st = { NAN, NAN, NAN, 0.0f, FALSE };
  const FmExportStats layer = { "odd,\"name\"", 1, &st };
  GError *error = NULL;

  fm_csv_append_text (s, "plain");
  g_string_append_c (s, '|');
  fm_csv_append_text (s, "two\nlines\r");
  g_string_append_c (s, '|');
  fm_csv_append_float (s, NAN);
  g_string_append_c (s, '|');
  fm_csv_append_float (s, INFINITY);
  g_string_append_c (s, '|');
  fm_csv_append_float (s, -INFINITY);
  g_string_append_c (s, '|');
  fm_csv_append_float (s, 0.1f);
  g_assert_cmpstr (s->str, ==, "plain|\"two\nlines\r\"||inf|-inf|0.100000001");

  g_assert_true (json_parser_load_from_data (parser, NAN_LAYER_JSON, -1, &error));
  g_assert_no_error (error);
  r = fm_scan_result_from_json (json_parser_get_root (parser), "test", &error);
  g_assert_no_error (error);
  g_assert_true (fm_scan_result_write_csv (r, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &scan_csv, NULL, NULL));
  /* a file of before the measures: APoZ unknown, an empty field */
  g_assert_cmpstr (strchr (scan_csv, '\n') + 1, ==,
                   "\"odd,\"\"name\"\"\",0,0,0,,,,false,false,,false\n");
  stats_csv = fm_export_stats_csv (&layer, 1);
  g_assert_cmpstr (strchr (stats_csv, '\n') + 1, ==, "\"odd,\"\"name\"\"\",0,,,,0,false\n");
}

/* ---- bad datasets ----------------------------------------------------- */

static FmModel *
tiny_model (void)
{
  static const float w[] = { 1 };

  return build_conv_relu (2, 2, 1, w, NULL);
}

static void
test_bad_datasets (void)
{
  g_autoptr(FmModel) model = tiny_model ();
  guint8 px[40];
  GError *error = NULL;
  FmScanOptions o;

  memset (px, 200, sizeof px);
  fm_test_plain_options (&o, 2, 2);

  /* Missing, and wrong magic: fm_dataset_open says so, naming the file. */
  {
    g_autofree char *missing = g_build_filename (fm_test_scratch (), "missing.idx", NULL);
    g_autofree char *junk = g_build_filename (fm_test_scratch (), "junk.idx", NULL);

    g_assert_null (fm_dataset_open (missing, NULL, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "missing.idx"));
    g_clear_error (&error);
    g_assert_true (g_file_set_contents (junk, "this is not an IDX file at all", -1, NULL));
    g_assert_null (fm_dataset_open (junk, NULL, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "junk.idx"));
    g_clear_error (&error);
  }

  /* A gzip file whose header promises 10 items but holds 6: the scan
   * stops with the reader's error, naming the file, and keeps the 6. */
  {
    g_autofree char *path = fm_test_write_idx ("short.idx.gz", 6, 10, 2, 2, px, TRUE);
    g_autoptr(FmDataset) dataset = fm_dataset_open (path, NULL, &error);
    g_autoptr(FmScan) scan = NULL;
    FmScanResult *r;

    g_assert_no_error (error);
    scan = fm_scan_new (model, dataset, &o);
    g_assert_false (fm_scan_run (scan, NULL, NULL, NULL, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "short.idx.gz"));
    g_clear_error (&error);
    r = fm_scan_get_result (scan);
    g_assert_nonnull (r);
    g_assert_true (r->partial);
    g_assert_cmpuint (r->images, ==, 6);
    g_assert_cmpuint (r->total, ==, 10);
  }

  /* A folder with one broken picture: a warning, and the scan goes on. */
  {
    g_autofree char *dir = g_build_filename (fm_test_scratch (), "pictures", NULL);
    g_autofree char *bad = g_build_filename (dir, "b-broken.png", NULL);
    g_autofree char *good = NULL;
    g_autofree char *good_src = fm_data_find ("digits/digit-7.png", &error);
    g_autofree char *contents = NULL;
    g_autoptr(FmDataset) dataset = NULL;
    g_autoptr(FmScan) scan = NULL;
    gsize len;
    FmScanResult *r;

    g_assert_no_error (error);
    g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
    g_assert_true (g_file_get_contents (good_src, &contents, &len, NULL));
    good = g_build_filename (dir, "a-seven.png", NULL);
    g_assert_true (g_file_set_contents (good, contents, len, NULL));
    g_clear_pointer (&good, g_free);
    good = g_build_filename (dir, "c-seven.png", NULL);
    g_assert_true (g_file_set_contents (good, contents, len, NULL));
    g_assert_true (g_file_set_contents (bad, "\x89PNG\r\n\x1a\n truncated", -1, NULL));

    dataset = fm_dataset_open (dir, NULL, &error);
    g_assert_no_error (error);
    scan = fm_scan_new (model, dataset, &o);
    g_assert_true (fm_scan_run (scan, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    r = fm_scan_get_result (scan);
    g_assert_false (r->partial);
    g_assert_cmpuint (r->total, ==, 3);
    g_assert_cmpuint (r->images, ==, 2);
    g_assert_cmpuint (g_strv_length (r->warnings), ==, 1);
    g_assert_nonnull (strstr (r->warnings[0], "b-broken.png"));
  }

  /* Options the scan refuses before it starts. */
  {
    g_autofree char *path = fm_test_write_idx ("ok.idx", 2, 2, 2, 2, px, FALSE);
    g_autoptr(FmDataset) dataset = fm_dataset_open (path, NULL, &error);
    g_autoptr(FmScan) scan = NULL;
    FmScanOptions bad = o;

    g_assert_no_error (error);
    bad.top_k = FM_SCAN_MAX_TOP_K + 1;
    scan = fm_scan_new (model, dataset, &bad);
    g_assert_false (fm_scan_run (scan, NULL, NULL, NULL, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    g_assert_null (fm_scan_get_result (scan));
  }
}

/* ---- failed writes ---------------------------------------------------- */

/* A write that fails keeps the previous file's bytes, leaves no
 * temporary (g_file_set_contents writes NAME.XXXXXX and renames it) and
 * says which file and why, as FM_ERROR_IO. */

#define OLD_BYTES "old scan result: must survive a failed write\n"

/* The message names @path and the reason @errnum. */
static void
assert_io_error (const GError *error,
                 const char   *path,
                 int           errnum)
{
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  fm_test_assert_names_failure (error->message, path, errnum);
}

/* A result of the tiny model over three 2 x 2 images: its CSV and cache
 * are a few hundred bytes. */
static FmScanResult *
tiny_result (void)
{
  g_autoptr(FmModel) model = tiny_model ();
  guint8 px[12];
  g_autofree char *path = NULL;
  FmScanOptions o;

  for (guint i = 0; i < G_N_ELEMENTS (px); i++)
    px[i] = (guint8) (i * 20);
  path = fm_test_write_idx ("tiny.idx", 3, 3, 2, 2, px, FALSE);
  fm_test_plain_options (&o, 2, 2);
  return fm_test_scan (model, path, &o);
}

/* Runs in a subprocess: a 4096-byte file-size limit with SIGXFSZ ignored,
 * so write () fails with EFBIG instead of killing the process. The CSV
 * (8 layers x 32 channels) and the cache of the bundled dying model are
 * both well over 4096 bytes. */
static void
test_write_fsize_limit (void)
{
  if (g_test_subprocess ())
    {
      const char *dir = g_getenv ("FM_TEST_SCAN_DIR");
      g_autofree char *csv = g_build_filename (dir, "old.csv", NULL);
      g_autofree char *cache = g_build_filename (dir, "old.json", NULL);
      g_autoptr(FmScanResult) r = bundled_result (100);
      g_autoptr(GError) error = NULL;

      fm_test_fsize_limit (4096, NULL);

      g_assert_false (fm_scan_result_write_csv (r, csv, &error));
      assert_io_error (error, csv, EFBIG);
      g_clear_error (&error);
      g_assert_false (fm_scan_cache_save (r, cache, &error));
      assert_io_error (error, cache, EFBIG);
      return;
    }
  else
    {
      g_autofree char *d = fm_test_fresh_dir (fm_test_scratch (), "fsize");
      g_autofree char *csv = g_build_filename (d, "old.csv", NULL);
      g_autofree char *cache = g_build_filename (d, "old.json", NULL);
      g_autoptr(FmScanResult) r = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_assert_true (g_file_set_contents (csv, OLD_BYTES, -1, NULL));
      g_assert_true (g_file_set_contents (cache, OLD_BYTES, -1, NULL));
      g_setenv ("FM_TEST_SCAN_DIR", d, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      fm_test_assert_file_is (csv, OLD_BYTES);
      fm_test_assert_file_is (cache, OLD_BYTES);
      fm_test_assert_listing (d, "old.csv old.json");

      /* Without the limit the same paths are written, and replaced. */
      r = tiny_result ();
      g_assert_true (fm_scan_result_write_csv (r, csv, &error));
      g_assert_no_error (error);
      g_assert_true (fm_scan_cache_save (r, cache, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
      g_assert_true (g_str_has_prefix (text, "layer,channel,zero_count,"));
      fm_test_assert_listing (d, "old.csv old.json");
    }
}

/* A path under a regular file fails with ENOTDIR, even as root. */
static void
test_write_not_a_directory (void)
{
  g_autofree char *file = fm_test_plain_file (fm_test_scratch (), "notdir", OLD_BYTES);
  g_autofree char *csv = g_build_filename (file, "scan.csv", NULL);
  g_autofree char *cache = g_build_filename (file, "scans", "key.json", NULL);
  g_autofree char *cache_dir = g_build_filename (file, "scans", NULL);
  g_autoptr(FmScanResult) r = tiny_result ();
  g_autoptr(GError) error = NULL;

  g_assert_false (fm_scan_result_write_csv (r, csv, &error));
  assert_io_error (error, csv, ENOTDIR);
  g_clear_error (&error);
  /* The cache creates its folder first: that is what fails, and what the
   * message names. */
  g_assert_false (fm_scan_cache_save (r, cache, &error));
  assert_io_error (error, cache_dir, ENOTDIR);
  fm_test_assert_plain_file (file, OLD_BYTES);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  /* The cache goes here, not into the user's (before GLib reads it once;
   * G_TEST_OPTION_ISOLATE_DIRS would do it too but leaks by design, which
   * LeakSanitizer reports). */
  {
    g_autofree char *cache = g_build_filename (fm_test_scratch (), "cache", NULL);

    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }

  g_test_add_func ("/engine/scan/dead-bias", test_dead_bias);
  g_test_add_func ("/engine/scan/dead-not-bias", test_dead_not_bias);
  g_test_add_func ("/engine/scan/nhwc", test_nhwc);
  g_test_add_func ("/engine/scan/fire-count", test_fire_count);
  g_test_add_func ("/engine/scan/diagnoses", test_diagnoses);
  g_test_add_func ("/engine/scan/bundled-naive", test_bundled_naive);
  g_test_add_func ("/engine/scan/cancel", test_cancel);
  g_test_add_func ("/engine/scan/json-round-trip", test_json_round_trip);
  g_test_add_func ("/engine/scan/csv-round-trip", test_csv_round_trip);
  g_test_add_func ("/engine/scan/cache", test_cache);
  g_test_add_func ("/engine/scan/run-cached", test_run_cached);
  g_test_add_func ("/engine/scan/csv-one-spelling", test_csv_one_spelling);
  g_test_add_func ("/engine/scan/bad-datasets", test_bad_datasets);
  g_test_add_func ("/engine/scan/write-fsize-limit", test_write_fsize_limit);
  g_test_add_func ("/engine/scan/write-not-a-directory", test_write_not_a_directory);

  return g_test_run ();
}
