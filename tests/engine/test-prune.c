/* test-prune.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exact pruning (fm-prune.h). The bundled mnist-cnn-dying scanned on the
 * held-out digits: the channels removed are the scan's dead ones, the
 * parameter and multiply-add counts are worked out here from the
 * architecture (3x3 convs with padding 1 on 28x28, 14x14, 7x7, then a
 * Gemm on 7x7 maps), and the written file, read back by our decoder,
 * keeps every field; both models then run over the 2,000 digits here,
 * independently of fm_prune_verify (), and agree. Hand-built models keep
 * a dead channel that feeds a residual Add with a live partner, or a
 * BatchNormalization after the ReLU that shifts it, naming the reason;
 * with a zero shift the channel goes; a Gemm after Flatten loses the
 * rows the channel fed, unless the channel is a model output; after a
 * Concat the consumer loses the channel where it landed; a bias shared by
 * two convolutions (directly and through an Identity, as PyTorch writes
 * equal weights) is copied for each and loses the channel; a dead channel
 * of a residual sum or a grouped convolution names it; a ReLU6 (Clip 0 to
 * 6) is passed like a Relu, a Reshape that flattens like Flatten, and a
 * ReduceMean over H and W before a Gemm; a failed verification names
 * the item, and two top scores tied within the tolerance do not fail it.
 * A scan with
 * epsilon > 0 is refused, and so is a model with external data.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-data.h"
#include "fm-onnx-write.h"
#include "fm-preprocess.h"
#include "fm-prune.h"
#include "fm-run.h"
#include "fm-scan.h"
#include "fm-test-files.h"
#include "fm-test-graph.h"
#include "fm-test-onnx.h"
#include "fm-test-scan.h"

#define DYING_MODEL    "models/mnist-cnn-dying.onnx"
#define HELDOUT_DIGITS "digits/mnist-heldout-images-idx3-ubyte.gz"

static guint
n_dead (const FmScanResult *r,
        const char         *layer)
{
  int i = fm_scan_result_find_layer (r, layer);

  g_assert_cmpint (i, >=, 0);
  return r->layers[i].n_dead;
}

static const FmPruneLayer *
prune_layer (const FmPrune *p,
             const char    *layer)
{
  for (guint i = 0; i < p->layers->len; i++)
    if (strcmp (((FmPruneLayer *) g_ptr_array_index (p->layers, i))->layer, layer) == 0)
      return g_ptr_array_index (p->layers, i);
  g_assert_not_reached ();
  return NULL;
}

static const char *
meta_value (const FmOnnxModel *m,
            const char        *key)
{
  for (guint i = 0; i < m->metadata_props->len; i++)
    {
      const FmOnnxStringPair *p = g_ptr_array_index (m->metadata_props, i);

      if (strcmp (p->key, key) == 0)
        return p->value;
    }
  return NULL;
}

static FmOnnxModel *
decode_file (const char *path,
             GBytes    **bytes)
{
  GError *error = NULL;
  g_autoptr(GMappedFile) f = g_mapped_file_new (path, FALSE, &error);
  FmOnnxModel *m;

  g_assert_no_error (error);
  *bytes = g_mapped_file_get_bytes (f);
  m = fm_onnx_model_decode (g_bytes_get_data (*bytes, NULL), g_bytes_get_size (*bytes), NULL,
                            &error);
  g_assert_no_error (error);
  return m;
}

/* Every field the decoder keeps, but the sliced weights, is as in the
 * original, the producer too; one metadata entry records the pruning. */
static void
assert_fields_kept (const char *original,
                    const char *pruned)
{
  g_autoptr(GBytes) ba = NULL;
  g_autoptr(GBytes) bb = NULL;
  g_autoptr(FmOnnxModel) a = decode_file (original, &ba);
  g_autoptr(FmOnnxModel) b = decode_file (pruned, &bb);

  g_assert_cmpint (b->ir_version, ==, a->ir_version);
  g_assert_cmpstr (b->producer_name, ==, "pytorch");
  g_assert_cmpstr (b->producer_version, ==, "1.13.0");
  g_assert_null (meta_value (a, "feature_maps.pruned_by"));
  g_assert_cmpstr (meta_value (b, "feature_maps.pruned_by"), ==,
                   "feature-maps prune " PACKAGE_VERSION);
  g_assert_cmpstr (b->doc_string, ==, a->doc_string);
  g_assert_cmpuint (b->opset_imports->len, ==, a->opset_imports->len);
  g_assert_cmpint (((FmOnnxOpset *) g_ptr_array_index (b->opset_imports, 0))->version, ==,
                   ((FmOnnxOpset *) g_ptr_array_index (a->opset_imports, 0))->version);
  g_assert_cmpuint (b->metadata_props->len, ==, a->metadata_props->len + 1);
  for (guint i = 0; i < a->metadata_props->len; i++)
    {
      const FmOnnxStringPair *p = g_ptr_array_index (a->metadata_props, i);

      g_assert_cmpstr (meta_value (b, p->key), ==, p->value);
    }
  g_assert_cmpstr (b->graph->name, ==, a->graph->name);
  g_assert_cmpuint (b->graph->nodes->len, ==, a->graph->nodes->len);
  for (guint i = 0; i < a->graph->nodes->len; i++)
    {
      const FmOnnxNode *na = g_ptr_array_index (a->graph->nodes, i);
      const FmOnnxNode *nb = g_ptr_array_index (b->graph->nodes, i);

      g_assert_cmpstr (nb->name, ==, na->name);
      g_assert_cmpstr (nb->op_type, ==, na->op_type);
      g_assert_cmpuint (nb->attributes->len, ==, na->attributes->len);
      g_assert_cmpuint (nb->inputs->len, ==, na->inputs->len);
    }
  g_assert_cmpuint (b->graph->initializers->len, ==, a->graph->initializers->len);
  for (guint i = 0; i < a->graph->inputs->len; i++)
    {
      const FmOnnxValueInfo *va = g_ptr_array_index (a->graph->inputs, i);
      const FmOnnxValueInfo *vb = g_ptr_array_index (b->graph->inputs, i);

      g_assert_cmpstr (vb->name, ==, va->name);
      g_assert_cmpint (vb->rank, ==, va->rank);
      g_assert_cmpstr (vb->dim_params[0], ==, va->dim_params[0]);
    }
}

/* The index of the largest of @n floats. */
static gsize
top1 (const float *v,
      gsize        n)
{
  gsize best = 0;

  for (gsize i = 1; i < n; i++)
    if (v[i] > v[best])
      best = i;
  return best;
}

/* Runs @a and @b over every held-out digit and compares their outputs:
 * the same top class and |x - y| <= 1e-4 max (1, |x|); returns the
 * images run. */
static guint
compare_on_digits (FmModel *a,
                   FmModel *b)
{
  GError *error = NULL;
  g_autofree char *digits = fm_test_bundled (HELDOUT_DIGITS);
  g_autoptr(FmDataset) dataset = fm_dataset_open (digits, NULL, &error);
  g_autoptr(FmRun) ra = fm_run_new (a, &error);
  g_autoptr(FmRun) rb = fm_run_new (b, &error);
  const FmValue *out = &a->values[a->outputs[0]];
  FmPreprocess pp;
  float input[28 * 28];
  guint images = 0;
  guint64 index;
  double worst = 0.0;

  g_assert_no_error (error);
  g_assert_true (fm_preprocess_init_from_model (&pp, a, NULL));
  g_assert_cmpuint (out->numel, ==, 10);
  while (fm_dataset_next_input (dataset, &pp, &index, input, NULL, &error))
    {
      const float *ya, *yb;

      memcpy (fm_run_input_data (ra, 0), input, sizeof input);
      memcpy (fm_run_input_data (rb, 0), input, sizeof input);
      g_assert_true (fm_run_execute (ra, NULL, &error));
      g_assert_true (fm_run_execute (rb, NULL, &error));
      ya = fm_run_value_data (ra, a->outputs[0]);
      yb = fm_run_value_data (rb, b->outputs[0]);
      g_assert_cmpuint (top1 (ya, 10), ==, top1 (yb, 10));
      for (guint k = 0; k < 10; k++)
        {
          double d = fabs ((double) ya[k] - (double) yb[k]);

          g_assert_cmpfloat (d, <=, 1e-4 * MAX (1.0, fabs ((double) ya[k])));
          worst = MAX (worst, d);
        }
      images++;
    }
  g_assert_no_error (error);
  g_test_message ("largest difference over %u digits: %g", images, worst);
  return images;
}

/* ---- the bundled dying model ------------------------------------------ */

/* Parameters and multiply-adds of mnist-cnn-dying with c1, c2, c3
 * channels in its three convolutions (3x3, padding 1, each followed by a
 * 2x2 max pool: 28x28, 14x14, 7x7 maps) and the Gemm to 10 classes on
 * the flattened c3 x 7 x 7. */
static guint64
dying_params (guint64 c1,
              guint64 c2,
              guint64 c3)
{
  return c1 * 1 * 9 + c1 + c2 * c1 * 9 + c2 + c3 * c2 * 9 + c3 + 10 * c3 * 49 + 10;
}

static guint64
dying_macs (guint64 c1,
            guint64 c2,
            guint64 c3)
{
  return c1 * 1 * 9 * 28 * 28 + c2 * c1 * 9 * 14 * 14 + c3 * c2 * 9 * 7 * 7 + 10 * c3 * 7 * 7;
}

/* @p's counts of parameters and multiply-adds before and after. */
static void
assert_counts (const FmPrune *p,
               guint64        params_before,
               guint64        params_after,
               guint64        macs_before,
               guint64        macs_after)
{
  g_assert_cmpuint (p->params_before, ==, params_before);
  g_assert_cmpuint (p->params_after, ==, params_after);
  g_assert_cmpuint (p->macs_before, ==, macs_before);
  g_assert_cmpuint (p->macs_after, ==, macs_after);
}

static void
test_dying (void)
{
  static const char *const relus[] = { "/relu1/Relu_output_0", "/relu2/Relu_output_0",
                                       "/relu3/Relu_output_0" };
  g_autofree char *model_path = fm_test_bundled (DYING_MODEL);
  g_autofree char *digits = fm_test_bundled (HELDOUT_DIGITS);
  g_autofree char *out = g_build_filename (fm_test_scratch (), "pruned.onnx", NULL);
  g_autoptr(FmModel) model = fm_test_load_model (model_path);
  g_autoptr(FmModel) pruned = NULL;
  g_autoptr(FmScanResult) scan = NULL;
  g_autoptr(FmPrune) p = NULL;
  GError *error = NULL;
  guint64 c[3];
  FmScanOptions o;
  FmPreprocess pp;

  fm_scan_options_init (&o);
  scan = fm_test_scan (model, digits, &o);
  g_assert_cmpuint (scan->images, ==, 2000);
  p = fm_prune_new (model, scan, NULL, &error);
  g_assert_no_error (error);

  /* Every dead channel of the three ReLUs goes, and nothing else. */
  for (guint i = 0; i < 3; i++)
    {
      const FmScanLayer *sl = &scan->layers[fm_scan_result_find_layer (scan, relus[i])];
      const FmPruneLayer *l = prune_layer (p, relus[i]);

      g_assert_cmpuint (l->channels, ==, 32);
      g_assert_cmpuint (l->kept->len, ==, 0);
      g_assert_cmpuint (l->removed->len, ==, sl->n_dead);
      for (guint k = 0; k < sl->n_dead; k++)
        {
          g_assert_cmpuint (g_array_index (l->removed, guint, k), ==, sl->dead[k]);
          g_assert_cmpuint (sl->zero_count[sl->dead[k]], ==, 2000);
        }
      c[i] = 32 - n_dead (scan, relus[i]);
    }
  g_test_message ("channels left: %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", %"
                  G_GUINT64_FORMAT, c[0], c[1], c[2]);
  /* "roughly half of relu1's channels" */
  g_assert_cmpuint (c[0], >=, 10);
  g_assert_cmpuint (c[0], <=, 22);
  assert_counts (p, dying_params (32, 32, 32), dying_params (c[0], c[1], c[2]),
                 dying_macs (32, 32, 32), dying_macs (c[0], c[1], c[2]));

  /* prune's own verification */
  g_assert_true (fm_preprocess_init_from_model (&pp, model, NULL));
  g_assert_true (fm_prune_verify (p, model, digits, NULL, &pp, 0, 1, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (p->verified);
  g_assert_cmpuint (p->images, ==, 2000);
  g_assert_cmpfloat (p->max_rel_diff, <=, FM_PRUNE_TOLERANCE);

  /* the file, read back, and run here */
  g_assert_true (fm_prune_write (p, out, &error));
  g_assert_no_error (error);
  assert_fields_kept (model_path, out);
  pruned = fm_test_load_model (out);
  g_assert_cmpuint (compare_on_digits (model, pruned), ==, 2000);
}

/* ---- hand-built models ------------------------------------------------ */

/* 4 images of 2 x 2 pixels @px in an IDX file @name. */
static char *
write_idx (const char   *name,
           const guint8  px[16])
{
  char *path = g_build_filename (fm_test_scratch (), name, NULL);
  guint8 file[16 + 16] = { 0, 0, 8, 3,  0, 0, 0, 4,  0, 0, 0, 2,  0, 0, 0, 2 };
  GError *error = NULL;

  memcpy (file + 16, px, 16);
  g_file_set_contents (path, (const char *) file, sizeof file, &error);
  g_assert_no_error (error);
  return path;
}

/* 4 images of 2 x 2 pixels, none black; pixel 0 of item 1 is 255. */
static char *
write_digits (void)
{
  static const guint8 px[16] = { 10, 20, 30, 40,  255, 0, 0, 1,  7, 7, 7, 7,  0, 90, 0, 0 };

  return write_idx ("tiny.idx", px);
}

/* Writes @g with our encoder as @name and loads it. */
static FmModel *
save_and_load (FmTestGraph *g,
               const char  *name)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), name, NULL);
  g_autoptr(GBytes) bytes = fm_onnx_model_encode (g);
  GError *error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return fm_test_load_model (path);
}

static FmPrune *
prune_tiny (FmModel *model,
            float    epsilon,
            GError **error)
{
  g_autofree char *digits = write_digits ();
  g_autoptr(FmScanResult) scan = NULL;
  FmScanOptions o;

  fm_test_plain_options (&o, 2, 2);
  o.epsilon = epsilon;
  scan = fm_test_scan (model, digits, &o);
  return fm_prune_new (model, scan, NULL, error);
}

/* prune_tiny () with epsilon 0, asserting that it succeeds. */
static FmPrune *
prune_tiny_ok (FmModel *model)
{
  GError *error = NULL;
  FmPrune *p = prune_tiny (model, 0.0f, &error);

  g_assert_no_error (error);
  return p;
}

/* Layer @layer of @p removes nothing and keeps its one dead channel, for
 * a reason that names @fragment; returns the kept channel. */
static const FmPruneKept *
assert_kept (const FmPrune *p,
             const char    *layer,
             const char    *fragment)
{
  const FmPruneLayer *l = prune_layer (p, layer);
  const FmPruneKept *kept;

  g_assert_cmpuint (l->removed->len, ==, 0);
  g_assert_cmpuint (l->kept->len, ==, 1);
  kept = &g_array_index (l->kept, FmPruneKept, 0);
  g_test_message ("kept: %s", kept->reason);
  g_assert_nonnull (strstr (kept->reason, fragment));
  return kept;
}

/* Adds x -> Conv (two channels: weights w@suffix = @w, bias b@suffix =
 * @b) -> @conv -> Relu r@suffix to @g (input x is the caller's). */
static void
add_conv_relu (FmTestGraph *g,
               const char  *suffix,
               const char  *conv,
               const float  w[2],
               const float  b[2])
{
  g_autofree char *wname = g_strconcat ("w", suffix, NULL);
  g_autofree char *bname = g_strconcat ("b", suffix, NULL);
  g_autofree char *inputs = g_strdup_printf ("x,%s,%s", wname, bname);
  g_autofree char *relu = g_strconcat ("r", suffix, NULL);

  fm_test_graph_float (g, wname, FM_DIMS (2, 1, 1, 1), w);
  fm_test_graph_float (g, bname, FM_DIMS (2), b);
  fm_test_graph_node (g, "Conv", inputs, conv);
  fm_test_graph_node (g, "Relu", conv, relu);
}

/* Adds x -> Conv (w 0, 1; b -1, 0) -> c -> Relu r to @g (input x is the
 * caller's): channel 0 of r is -1 -> 0 on every image, dead. */
static void
add_dead_relu (FmTestGraph *g)
{
  add_conv_relu (g, "", "c", (const float[]) { 0, 1 }, (const float[]) { -1, 0 });
}

/* fm_prune_verify () over the 4 tiny images passes. */
static void
verify_tiny (FmPrune *p,
             FmModel *model)
{
  g_autofree char *digits = write_digits ();
  GError *error = NULL;
  FmPreprocess pp;

  fm_preprocess_init (&pp, 1, 2, 2);
  pp.invert = FM_INVERT_NO;
  g_assert_true (fm_prune_verify (p, model, digits, NULL, &pp, 0, 1, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (p->images, ==, 4);
}

/* x -> Conv a (w 0, 1; b -1, 0) -> Relu ra: channel 0 is -1 -> 0, dead.
 * x -> Conv b (w 1, 1; b 0.5, 0) -> Relu rb: channel 0 is x + 0.5, live.
 * ra + rb -> s -> Conv (1 channel) -> y. Removing ra's channel 0 would
 * take s's channel 0, which rb makes live: the channel stays. */
static void
test_residual (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmPrune) p = NULL;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  add_conv_relu (g, "a", "a", (const float[]) { 0, 1 }, (const float[]) { -1, 0 });
  add_conv_relu (g, "b", "b", (const float[]) { 1, 1 }, (const float[]) { 0.5f, 0 });
  fm_test_graph_float (g, "wc", FM_DIMS (1, 2, 1, 1), (const float[]) { 1, 1 });
  fm_test_graph_node (g, "Add", "ra,rb", "s");
  fm_test_graph_node (g, "Conv", "s,wc", "y");
  fm_test_graph_output (g, "y");
  model = save_and_load (g, "residual.onnx");
  p = prune_tiny_ok (model);
  g_assert_cmpuint (assert_kept (p, "ra", "residual Add")->channel, ==, 0);
  g_assert_cmpuint (p->n_removed, ==, 0);
  g_assert_cmpuint (p->params_after, ==, p->params_before);
  g_assert_cmpuint (p->macs_after, ==, p->macs_before);
}

/* x -> Conv (w 0, 1; b -1, 0) -> Relu r (channel 0 dead) ->
 * BatchNormalization (scale 1, B @shift, 0, mean 0, var 1) -> n -> Conv
 * (1 channel, weights 1, 1) -> y. The normalisation turns the dead zero
 * into @shift: with a shift the channel stays, without it goes. */
static FmModel *
build_bn_after_relu (float       shift,
                     const char *name)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  add_dead_relu (g);
  fm_test_graph_batch_norm_params (g, FM_DIMS (2), (const float[]) { 1, 1 },
                                   (const float[]) { shift, 0 }, (const float[]) { 0, 0 },
                                   (const float[]) { 1, 1 });
  fm_test_graph_float (g, "head", FM_DIMS (1, 2, 1, 1), (const float[]) { 1, 1 });
  fm_test_graph_node (g, "BatchNormalization", "r,scale,shift,mean,var", "n");
  fm_test_graph_node (g, "Conv", "n,head", "y");
  fm_test_graph_output (g, "y");
  return save_and_load (g, name);
}

static void
test_bn_after_relu (void)
{
  g_autoptr(FmModel) shifted = build_bn_after_relu (0.5f, "bn-shift.onnx");
  g_autoptr(FmModel) plain = build_bn_after_relu (0.0f, "bn-plain.onnx");
  g_autoptr(FmPrune) p = NULL;
  g_autoptr(FmPrune) q = NULL;

  p = prune_tiny_ok (shifted);
  g_assert_nonnull (strstr (assert_kept (p, "r", "BatchNormalization")->reason, "0.5"));

  /* Without the shift: channel 0 goes from w, b, the four BN vectors and
   * the head: 2 + 2 + 4 * 2 + 2 = 14 parameters become 7; multiply-adds
   * 2 x 4 + 2 x 4 = 16 become 4 + 4 = 8. */
  q = prune_tiny_ok (plain);
  g_assert_cmpuint (prune_layer (q, "r")->removed->len, ==, 1);
  assert_counts (q, 14, 7, 16, 8);
  verify_tiny (q, plain);
  g_assert_cmpuint (q->images, ==, 4);
  g_assert_cmpfloat (q->max_abs_diff, ==, 0.0);
}

/* x -> Conv (w 0, 1; b -1, 0) -> Relu r (channel 0 dead) -> Flatten f ->
 * Gemm (B [8, 3], not transposed) -> y: channel 0 feeds rows 0-3 of B,
 * which go with it. Parameters 2 + 2 + 24 = 28 become 1 + 1 + 12 = 14;
 * multiply-adds 2 x 4 (Conv) + 8 x 3 (Gemm) = 32 become 4 + 12 = 16. A
 * second model that also outputs r keeps the channel. With @axis_twice
 * the Flatten has "axis" 2 then "axis" 1: the last one is the one run. */
static FmModel *
build_flatten_gemm (gboolean    r_is_output,
                    gboolean    axis_twice,
                    const char *name)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  float b[24];
  FmOnnxNode *gemm, *flatten;

  for (guint i = 0; i < 24; i++)
    b[i] = (float) i / 8.0f - 1.0f;
  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  add_dead_relu (g);
  fm_test_graph_float (g, "fc", FM_DIMS (8, 3), b);
  flatten = fm_test_graph_node (g, "Flatten", "r", "f");
  if (axis_twice)
    {
      fm_test_node_int (flatten, "axis", 2);
      fm_test_node_int (flatten, "axis", 1);
    }
  gemm = fm_test_graph_node (g, "Gemm", "f,fc", "y");
  fm_test_node_int (gemm, "transB", 0);
  fm_test_graph_output (g, "y");
  if (r_is_output)
    fm_test_graph_output (g, "r");
  return save_and_load (g, name);
}

static void
test_flatten_gemm (void)
{
  g_autoptr(FmModel) model = build_flatten_gemm (FALSE, FALSE, "flatten-gemm.onnx");
  g_autoptr(FmModel) shown = build_flatten_gemm (TRUE, FALSE, "flatten-gemm-output.onnx");
  g_autoptr(FmPrune) p = NULL;
  g_autoptr(FmPrune) q = NULL;

  p = prune_tiny_ok (model);
  g_assert_cmpuint (prune_layer (p, "r")->removed->len, ==, 1);
  assert_counts (p, 28, 14, 32, 16);
  verify_tiny (p, model);
  g_assert_cmpuint (p->images, ==, 4);

  q = prune_tiny_ok (shown);
  assert_kept (q, "r", "part of the model output “r”");
}

/* The encoder against bytes written here independently with fm-test-pb.c,
 * field by field in number order as protobuf writers do, repeated numbers
 * packed: decoding them and encoding again gives them back unchanged. */
static void
test_encoder_bytes (void)
{
  static const gint64 dims[1] = { 2 };
  static const float w[2] = { 1.5f, -2.0f };
  g_autoptr(GByteArray) model = g_byte_array_new ();
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) init = g_byte_array_new ();
  g_autoptr(GByteArray) in = g_byte_array_new ();
  g_autoptr(GByteArray) type = g_byte_array_new ();
  g_autoptr(GByteArray) tensor_type = g_byte_array_new ();
  g_autoptr(GByteArray) shape = g_byte_array_new ();
  g_autoptr(GByteArray) dim = g_byte_array_new ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) opset = g_byte_array_new ();
  g_autoptr(GByteArray) meta = g_byte_array_new ();
  g_autoptr(FmOnnxModel) m = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_NAME, "alpha");
  fm_pb_float (attr, FM_ONNX_ATTRIBUTE_F, 0.25f);
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_TYPE, 1); /* FLOAT */
  fm_pb_string (node, FM_ONNX_NODE_INPUT, "x");
  fm_pb_string (node, FM_ONNX_NODE_INPUT, "w");
  fm_pb_string (node, FM_ONNX_NODE_OUTPUT, "y");
  fm_pb_string (node, FM_ONNX_NODE_NAME, "n");
  fm_pb_string (node, FM_ONNX_NODE_OP_TYPE, "LeakyRelu");
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, attr);
  fm_pb_packed_ints (init, FM_ONNX_TENSOR_DIMS, dims, 1);
  fm_pb_int (init, FM_ONNX_TENSOR_DATA_TYPE, 1); /* FLOAT */
  fm_pb_packed_floats (init, FM_ONNX_TENSOR_FLOAT_DATA, w, 2);
  fm_pb_string (init, FM_ONNX_TENSOR_NAME, "w");
  fm_pb_int (dim, FM_ONNX_DIM_VALUE, 2);
  fm_pb_message (shape, FM_ONNX_SHAPE_DIM, dim);
  fm_pb_int (tensor_type, FM_ONNX_TENSOR_TYPE_ELEM_TYPE, 1);
  fm_pb_message (tensor_type, FM_ONNX_TENSOR_TYPE_SHAPE, shape);
  fm_pb_message (type, FM_ONNX_TYPE_TENSOR_TYPE, tensor_type);
  fm_pb_string (in, FM_ONNX_VALUE_INFO_NAME, "x");
  fm_pb_message (in, FM_ONNX_VALUE_INFO_TYPE, type);
  fm_pb_string (out, FM_ONNX_VALUE_INFO_NAME, "y");
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, node);
  fm_pb_string (graph, FM_ONNX_GRAPH_NAME, "g");
  fm_pb_message (graph, FM_ONNX_GRAPH_INITIALIZER, init);
  fm_pb_message (graph, FM_ONNX_GRAPH_INPUT, in);
  fm_pb_message (graph, FM_ONNX_GRAPH_OUTPUT, out);
  fm_pb_int (opset, FM_ONNX_OPSET_VERSION, 13);
  fm_pb_string (meta, FM_ONNX_ENTRY_KEY, "k");
  fm_pb_string (meta, FM_ONNX_ENTRY_VALUE, "v");
  fm_pb_int (model, FM_ONNX_MODEL_IR_VERSION, 7);
  fm_pb_string (model, FM_ONNX_MODEL_PRODUCER_NAME, "p");
  fm_pb_message (model, FM_ONNX_MODEL_GRAPH, graph);
  fm_pb_message (model, FM_ONNX_MODEL_OPSET_IMPORT, opset);
  fm_pb_message (model, FM_ONNX_MODEL_METADATA_PROPS, meta);

  m = fm_onnx_model_decode (model->data, model->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fm_onnx_model_check_writable (m, "m", &error));
  g_assert_no_error (error);
  bytes = fm_onnx_model_encode (m);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), model->data,
                   model->len);
}

/* A repeated attribute is read as the runtime reads it, the last one
 * winning: Flatten's axis is 1, and channel 0 of r goes with its rows of
 * the Gemm's B as in test_flatten_gemm (with the first, axis 2, it would
 * stay). */
static void
test_repeated_attribute (void)
{
  g_autoptr(FmModel) model = build_flatten_gemm (FALSE, TRUE, "flatten-axis-twice.onnx");
  g_autoptr(FmPrune) p = NULL;

  p = prune_tiny_ok (model);
  g_assert_cmpuint (prune_layer (p, "r")->removed->len, ==, 1);
  g_assert_cmpuint (p->params_after, ==, 14);
  verify_tiny (p, model);
}

/* x -> Conv q (w 1, 2; b 0.1, 0.2) -> Relu rq (live) and x -> Conv (w 0,
 * 1; b -1, 0) -> Relu r (channel 0 dead); Concat (rq, r) -> cat -> Conv
 * head (weights 1, 2, 3, 4) -> y. r's channel 0 is channel 2 of cat:
 * the head keeps weights 1, 2, 4. */
static void
test_concat (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmPrune) p = NULL;
  g_autofree char *out = g_build_filename (fm_test_scratch (), "concat-pruned.onnx", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FmOnnxModel) back = NULL;
  GError *error = NULL;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  add_conv_relu (g, "q", "q", (const float[]) { 1, 2 }, (const float[]) { 0.1f, 0.2f });
  add_dead_relu (g);
  fm_test_graph_float (g, "head", FM_DIMS (1, 4, 1, 1), (const float[]) { 1, 2, 3, 4 });
  fm_test_node_int (fm_test_graph_node (g, "Concat", "rq,r", "cat"), "axis", 1);
  fm_test_graph_node (g, "Conv", "cat,head", "y");
  fm_test_graph_output (g, "y");
  model = save_and_load (g, "concat.onnx");
  p = prune_tiny_ok (model);
  g_assert_cmpuint (prune_layer (p, "r")->removed->len, ==, 1);
  g_assert_cmpuint (p->params_before, ==, 12);
  g_assert_cmpuint (p->params_after, ==, 9);
  verify_tiny (p, model);
  g_assert_cmpfloat (p->max_abs_diff, ==, 0.0);
  g_assert_true (fm_prune_write (p, out, &error));
  g_assert_no_error (error);
  back = decode_file (out, &bytes);
  for (guint i = 0; i < back->graph->initializers->len; i++)
    {
      const FmOnnxTensor *t = g_ptr_array_index (back->graph->initializers, i);
      float v[3];

      if (strcmp (t->name, "head") != 0)
        continue;
      g_assert_cmpint (t->dims[1], ==, 3);
      g_assert_cmpuint (t->raw_data.len, ==, sizeof v);
      memcpy (v, t->raw_data.data, sizeof v);
      g_assert_cmpfloat (v[0], ==, 1.0f);
      g_assert_cmpfloat (v[1], ==, 2.0f);
      g_assert_cmpfloat (v[2], ==, 4.0f);
    }
}

/* PyTorch writes equal weights once: here the bias b (-1, 0) of two
 * convolutions, read by Conv a directly and by Conv c through an Identity.
 * x -> Conv a (w 0, 1; b) -> Relu ra -> Conv (1, 1) -> ya and x -> Conv c
 * (w 0, 2; Identity (b)) -> Relu rc -> Conv (1, 3) -> yc; y = ya + yc.
 * Channel 0 of ra and of rc is -1 -> 0, dead: each convolution gets its
 * own copy of the bias without it, and the Identity and the shared b go.
 * Parameters wa 2 + b 2 + wc 2 + ha 2 + hc 2 = 10 become one each of wa,
 * wc, ha, hc and of the two copies of b: 6; multiply-adds 4 convolutions x 2 x 4 = 32 become 4 x 4 = 16. */
static void
test_shared_weights (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmPrune) p = NULL;
  g_autofree char *out = g_build_filename (fm_test_scratch (), "shared-pruned.onnx", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FmOnnxModel) back = NULL;
  g_autoptr(FmModel) pruned = NULL;
  GError *error = NULL;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  fm_test_graph_float (g, "wa", FM_DIMS (2, 1, 1, 1), (const float[]) { 0, 1 });
  fm_test_graph_float (g, "b", FM_DIMS (2), (const float[]) { -1, 0 });
  fm_test_graph_float (g, "wc", FM_DIMS (2, 1, 1, 1), (const float[]) { 0, 2 });
  fm_test_graph_float (g, "ha", FM_DIMS (1, 2, 1, 1), (const float[]) { 1, 1 });
  fm_test_graph_float (g, "hc", FM_DIMS (1, 2, 1, 1), (const float[]) { 1, 3 });
  fm_test_graph_node (g, "Conv", "x,wa,b", "a");
  fm_test_graph_node (g, "Relu", "a", "ra");
  fm_test_graph_node (g, "Identity", "b", "bi");
  fm_test_graph_node (g, "Conv", "x,wc,bi", "c");
  fm_test_graph_node (g, "Relu", "c", "rc");
  fm_test_graph_node (g, "Conv", "ra,ha", "ya");
  fm_test_graph_node (g, "Conv", "rc,hc", "yc");
  fm_test_graph_node (g, "Add", "ya,yc", "y");
  fm_test_graph_output (g, "y");
  model = save_and_load (g, "shared.onnx");
  p = prune_tiny_ok (model);
  g_assert_cmpuint (prune_layer (p, "ra")->removed->len, ==, 1);
  g_assert_cmpuint (prune_layer (p, "rc")->removed->len, ==, 1);
  g_assert_cmpuint (prune_layer (p, "ra")->kept->len, ==, 0);
  g_assert_cmpuint (prune_layer (p, "rc")->kept->len, ==, 0);
  assert_counts (p, 10, 6, 32, 16);
  verify_tiny (p, model);
  g_assert_cmpfloat (p->max_abs_diff, ==, 0.0);

  /* The file: wa, wc, ha, hc and one bias (0) per convolution; no
   * Identity, no b. */
  g_assert_true (fm_prune_write (p, out, &error));
  g_assert_no_error (error);
  back = decode_file (out, &bytes);
  g_assert_cmpuint (back->graph->initializers->len, ==, 6);
  g_assert_cmpuint (back->graph->nodes->len, ==, 7);
  for (guint i = 0; i < back->graph->initializers->len; i++)
    {
      const FmOnnxTensor *t = g_ptr_array_index (back->graph->initializers, i);

      g_assert_cmpstr (t->name, !=, "b");
      g_assert_cmpint (t->dims[0] * (t->rank > 1 ? t->dims[1] : 1), ==, 1);
    }
  for (guint i = 0; i < back->graph->nodes->len; i++)
    g_assert_cmpstr (((FmOnnxNode *) g_ptr_array_index (back->graph->nodes, i))->op_type, !=,
                     "Identity");
  pruned = fm_test_load_model (out);
  g_assert_nonnull (pruned);
}

/* A PyTorch export of RGB pictures without our metadata is read with
 * torchvision's settings (ImageNet mean and std, centre crop): so is the
 * pruned copy, which keeps the producer, or `run` and `scan` would feed it
 * other numbers than the original and prune's verification saw. */
static void
test_pytorch_settings_kept (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmPrune) p = NULL;
  g_autofree char *digits = write_digits ();
  g_autoptr(FmScanResult) scan = NULL;
  GError *error = NULL;
  FmScanOptions o;
  FmPreprocess pp;

  g_free (g->producer_name);
  g->producer_name = g_strdup ("pytorch");
  g->producer_version = g_strdup ("2.1.0");
  fm_test_graph_input (g, "x", FM_DIMS (1, 3, 2, 2));
  fm_test_graph_float (g, "w", FM_DIMS (2, 3, 1, 1), (const float[]) { 0, 0, 0, 1, 1, 1 });
  fm_test_graph_float (g, "b", FM_DIMS (2), (const float[]) { -1, 0 });
  fm_test_graph_float (g, "head", FM_DIMS (1, 2, 1, 1), (const float[]) { 1, 1 });
  fm_test_graph_node (g, "Conv", "x,w,b", "c");
  fm_test_graph_node (g, "Relu", "c", "r");
  fm_test_graph_node (g, "Conv", "r,head", "y");
  fm_test_graph_output (g, "y");
  model = save_and_load (g, "pytorch-rgb.onnx");
  fm_scan_options_init (&o);
  fm_preprocess_init (&o.preprocess, 3, 2, 2);
  scan = fm_test_scan (model, digits, &o);
  p = fm_prune_new (model, scan, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (prune_layer (p, "r")->removed->len, ==, 1);

  g_assert_true (fm_preprocess_init_defaults (&pp, p->pruned, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pp.resize, ==, FM_RESIZE_CROP);
  g_assert_cmpfloat_with_epsilon (pp.mean[0], 0.485, 1e-6);
  g_assert_cmpfloat_with_epsilon (pp.mean[2], 0.406, 1e-6);
  g_assert_cmpfloat_with_epsilon (pp.std[1], 0.224, 1e-6);
  g_assert_cmpstr (p->pruned->producer_name, ==, "pytorch");
  g_assert_cmpstr (fm_model_get_metadata (p->pruned, "feature_maps.pruned_by"), ==,
                   "feature-maps prune " PACKAGE_VERSION);
}

/* A dead channel no convolution line reaches says what makes it: the
 * residual Add (r + rb, both channel 0 dead, read by Relu rs), or
 * the grouped convolution (group 2 on the two channels of x's Conv
 * with weights 1, 1: its channel 0 is 0 x c - 1, dead after Relu rg). */
static void
test_uncovered_reasons (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) h = fm_test_graph_new (13);
  g_autoptr(FmModel) residual = NULL;
  g_autoptr(FmModel) grouped = NULL;
  g_autoptr(FmPrune) p = NULL;
  g_autoptr(FmPrune) q = NULL;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  add_dead_relu (g);
  add_conv_relu (g, "b", "cb", (const float[]) { 0, 1 }, (const float[]) { -2, 0 });
  fm_test_graph_float (g, "head", FM_DIMS (1, 2, 1, 1), (const float[]) { 1, 1 });
  fm_test_graph_node (g, "Add", "r,rb", "s");
  fm_test_graph_node (g, "Relu", "s", "rs");
  fm_test_graph_node (g, "Conv", "rs,head", "y");
  fm_test_graph_output (g, "y");
  residual = save_and_load (g, "uncovered-add.onnx");
  p = prune_tiny_ok (residual);
  assert_kept (p, "rs", "it comes from the residual Add");

  fm_test_graph_input (h, "x", FM_DIMS (1, 1, 2, 2));
  fm_test_graph_float (h, "w1", FM_DIMS (2, 1, 1, 1), (const float[]) { 1, 1 });
  fm_test_graph_float (h, "wg", FM_DIMS (2, 1, 1, 1), (const float[]) { 0, 1 });
  fm_test_graph_float (h, "bg", FM_DIMS (2), (const float[]) { -1, 0 });
  fm_test_graph_float (h, "head", FM_DIMS (1, 2, 1, 1), (const float[]) { 1, 1 });
  fm_test_graph_node (h, "Conv", "x,w1", "c1");
  fm_test_node_int (fm_test_graph_node (h, "Conv", "c1,wg,bg", "g"), "group", 2);
  fm_test_graph_node (h, "Relu", "g", "rg");
  fm_test_graph_node (h, "Conv", "rg,head", "y");
  fm_test_graph_output (h, "y");
  grouped = save_and_load (h, "uncovered-grouped.onnx");
  q = prune_tiny_ok (grouped);
  assert_kept (q, "rg", "it comes from the grouped convolution");
}

/* ReLU6 as PyTorch writes it: Clip with min 0 and max 6 from Constant
 * nodes. x -> Conv (w 0, 1; b -1, 0) -> c -> Clip r6 (channel 0 is
 * clip (-1) = 0, dead) -> Conv (1, 1) -> y: the channel goes as after a
 * Relu. Parameters 2 + 2 + 2 = 6 become 3; multiply-adds 2 x 4 + 2 x 4 =
 * 16 become 8. */
static void
test_relu6 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmPrune) p = NULL;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  fm_test_graph_float (g, "w", FM_DIMS (2, 1, 1, 1), (const float[]) { 0, 1 });
  fm_test_graph_float (g, "b", FM_DIMS (2), (const float[]) { -1, 0 });
  fm_test_graph_float (g, "head", FM_DIMS (1, 2, 1, 1), (const float[]) { 1, 1 });
  fm_test_graph_node (g, "Conv", "x,w,b", "c");
  fm_test_node_float_tensor (fm_test_graph_node (g, "Constant", "", "lo"), "value", 0, NULL,
                             (const float[]) { 0 });
  fm_test_node_float_tensor (fm_test_graph_node (g, "Constant", "", "hi"), "value", 0, NULL,
                             (const float[]) { 6 });
  fm_test_graph_node (g, "Clip", "c,lo,hi", "r6");
  fm_test_graph_node (g, "Conv", "r6,head", "y");
  fm_test_graph_output (g, "y");
  model = save_and_load (g, "relu6.onnx");
  p = prune_tiny_ok (model);
  g_assert_cmpuint (prune_layer (p, "r6")->removed->len, ==, 1);
  g_assert_cmpuint (prune_layer (p, "r6")->kept->len, ==, 0);
  assert_counts (p, 6, 3, 16, 8);
  verify_tiny (p, model);
  g_assert_cmpfloat (p->max_abs_diff, ==, 0.0);
}

/* Two convolutions, each with a dead channel, concatenated and flattened
 * by x.view (-1, 16): x -> Conv a (w 0, 1; b -1, 0) -> Relu ra and x ->
 * Conv c (w 0, 2; b -1, 0) -> Relu rc; Concat (ra, rc) [1, 4, 2, 2] ->
 * Reshape [-1, 16] -> Gemm (B [16, 1]) -> y. Channel 0 of each goes: the
 * shape becomes [-1, 8] (two channels of 2 x 2 less), B 16 rows 8. The
 * first cut used to rewrite the shape at once, and the second Conv then
 * found [-1, 12] where its plan wanted 16 and kept its channel. */
static void
test_concat_reshape (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmPrune) p = NULL;
  float fc[16];

  for (guint i = 0; i < 16; i++)
    fc[i] = (float) i / 4.0f - 2.0f;
  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  add_conv_relu (g, "a", "a", (const float[]) { 0, 1 }, (const float[]) { -1, 0 });
  add_conv_relu (g, "c", "c", (const float[]) { 0, 2 }, (const float[]) { -1, 0 });
  fm_test_node_int (fm_test_graph_node (g, "Concat", "ra,rc", "cat"), "axis", 1);
  fm_test_graph_float (g, "fc", FM_DIMS (16, 1), fc);
  fm_test_node_int64_tensor (fm_test_graph_node (g, "Constant", "", "shape"), "value", 1,
                             (const gint64[]) { 2 }, (const gint64[]) { -1, 16 });
  fm_test_graph_node (g, "Reshape", "cat,shape", "f");
  fm_test_graph_node (g, "Gemm", "f,fc", "y");
  fm_test_graph_output (g, "y");
  model = save_and_load (g, "concat-reshape.onnx");
  p = prune_tiny_ok (model);
  g_assert_cmpuint (prune_layer (p, "ra")->removed->len, ==, 1);
  g_assert_cmpuint (prune_layer (p, "rc")->removed->len, ==, 1);
  /* wa, ba, wc, bc 2 each and fc 16: 24; one of each and fc 8: 12 */
  g_assert_cmpuint (p->params_before, ==, 24);
  g_assert_cmpuint (p->params_after, ==, 12);
  verify_tiny (p, model);
  g_assert_cmpfloat (p->max_abs_diff, ==, 0.0);
}

/* x.view (x.size (0), -1) and x.view (-1, 8) as PyTorch exports them: a
 * Reshape by a Constant shape [1, -1] or [-1, 8] in place of Flatten.
 * x -> Conv (w 0, 1; b -1, 0) -> Relu r (channel 0 dead) -> Reshape ->
 * Gemm (B [8, 3]) -> y: as in test_flatten_gemm, rows 0-3 of B go with
 * the channel, 28 parameters become 14 and 32 multiply-adds 16; the shape
 * [-1, 8] becomes [-1, 4] (one channel of 2 x 2 less), [1, -1] stays. */
static void
test_reshape_gemm (void)
{
  static const gint64 shapes[2][2] = { { 1, -1 }, { -1, 8 } };
  static const gint64 wanted[2][2] = { { 1, -1 }, { -1, 4 } };

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
      g_autofree char *name = g_strdup_printf ("reshape-gemm-%u.onnx", k);
      g_autofree char *out = g_build_filename (fm_test_scratch (), "reshape-pruned.onnx", NULL);
      g_autoptr(FmModel) model = NULL;
      g_autoptr(FmPrune) p = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(FmOnnxModel) back = NULL;
      GError *error = NULL;
      float b[24];

      for (guint i = 0; i < 24; i++)
        b[i] = (float) i / 8.0f - 1.0f;
      fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
      add_dead_relu (g);
      fm_test_graph_float (g, "fc", FM_DIMS (8, 3), b);
      fm_test_node_int64_tensor (fm_test_graph_node (g, "Constant", "", "shape"), "value", 1,
                                 (const gint64[]) { 2 }, shapes[k]);
      fm_test_graph_node (g, "Reshape", "r,shape", "f");
      fm_test_graph_node (g, "Gemm", "f,fc", "y");
      fm_test_graph_output (g, "y");
      model = save_and_load (g, name);
      p = prune_tiny_ok (model);
      g_assert_cmpuint (prune_layer (p, "r")->removed->len, ==, 1);
      assert_counts (p, 28, 14, 32, 16);
      verify_tiny (p, model);
      g_assert_cmpfloat (p->max_abs_diff, ==, 0.0);
      g_assert_true (fm_prune_write (p, out, &error));
      g_assert_no_error (error);
      back = decode_file (out, &bytes);
      for (guint i = 0; i < back->graph->nodes->len; i++)
        {
          const FmOnnxNode *n = g_ptr_array_index (back->graph->nodes, i);
          const FmOnnxTensor *t;
          gint64 v[2];

          if (strcmp (n->op_type, "Constant") != 0)
            continue;
          t = fm_onnx_node_get_attribute (n, "value")->t;
          if (t->has_raw_data)
            {
              g_assert_cmpuint (t->raw_data.len, ==, sizeof v);
              memcpy (v, t->raw_data.data, sizeof v);
              v[0] = GINT64_FROM_LE (v[0]);
              v[1] = GINT64_FROM_LE (v[1]);
            }
          else
            {
              g_assert_cmpuint (t->int64_data->len, ==, 2);
              memcpy (v, t->int64_data->data, sizeof v);
            }
          g_assert_cmpint (v[0], ==, wanted[k][0]);
          g_assert_cmpint (v[1], ==, wanted[k][1]);
        }
    }
}

/* x.mean ([2, 3]) before the classifier, as in torchvision's MNASNet: x ->
 * Conv (w 0, 1; b -1, 0) -> Relu r (channel 0 dead) -> ReduceMean (axes
 * 2, 3, keepdims 0) -> m [1, 2] -> Gemm (B [3, 2], transB) -> y: column 0
 * of B goes with the channel. Parameters 2 + 2 + 6 = 10 become 5;
 * multiply-adds 2 x 4 + 3 x 2 = 14 become 4 + 3 = 7. */
static void
test_reduce_mean_gemm (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmPrune) p = NULL;
  FmOnnxNode *n;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  add_dead_relu (g);
  fm_test_graph_float (g, "fc", FM_DIMS (3, 2), (const float[]) { 1, 2, 3, 4, 5, 6 });
  n = fm_test_graph_node (g, "ReduceMean", "r", "m");
  fm_test_node_ints (n, "axes", 2, (const gint64[]) { 2, 3 });
  fm_test_node_int (n, "keepdims", 0);
  fm_test_node_int (fm_test_graph_node (g, "Gemm", "m,fc", "y"), "transB", 1);
  fm_test_graph_output (g, "y");
  model = save_and_load (g, "reduce-mean-gemm.onnx");
  p = prune_tiny_ok (model);
  g_assert_cmpuint (prune_layer (p, "r")->removed->len, ==, 1);
  assert_counts (p, 10, 5, 14, 7);
  verify_tiny (p, model);
  g_assert_cmpfloat (p->max_abs_diff, ==, 0.0);
}

/* x -> Conv (w 1, 1; b -@bias, 0) -> Relu r -> Conv (@head: 2 x 2 -> @outs)
 * -> y, saved as @name: channel 0 of r is x - @bias, dead on the tiny
 * digits without their 255 pixel. Scanned on those and pruned (channel 0
 * of r goes), then verified on the tiny digits: returns the pruning and
 * in *@verified what fm_prune_verify () said. */
static FmPrune *
verify_nearly_dead (float        bias,
                    guint        outs,
                    const float *head,
                    const char  *name,
                    gboolean    *verified,
                    GError     **error)
{
  static const guint8 dim[16] = { 10, 20, 30, 40,  200, 0, 0, 1,  7, 7, 7, 7,  0, 90, 0, 0 };
  g_autofree char *scanned = write_idx ("tiny-dim.idx", dim);
  g_autofree char *digits = write_digits ();
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmScanResult) scan = NULL;
  g_autoptr(FmModel) model = NULL;
  FmScanOptions o;
  FmPrune *p;

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  add_conv_relu (g, "", "c", (const float[]) { 1, 1 }, (const float[]) { -bias, 0 });
  fm_test_graph_float (g, "head", FM_DIMS (outs, 2, 1, 1), head);
  fm_test_graph_node (g, "Conv", "r,head", "y");
  fm_test_graph_output (g, "y");
  model = save_and_load (g, name);
  fm_test_plain_options (&o, 2, 2);
  scan = fm_test_scan (model, scanned, &o);
  p = fm_prune_new (model, scan, NULL, error);
  g_assert_no_error (*error);
  g_assert_cmpuint (prune_layer (p, "r")->removed->len, ==, 1);
  *verified = fm_prune_verify (p, model, digits, NULL, &o.preprocess, 0, 1, NULL, NULL, NULL,
                               error);
  return p;
}

/* When the models differ, the error names the item and the output: with
 * bias 0.99 and head (1, 1), item 1 of the tiny digits (a 255 pixel) has
 * y[0] = 0.01 + 1 in the original and 1 in the pruned model. */
static void
test_verify_names_item (void)
{
  g_autoptr(FmPrune) p = NULL;
  GError *error = NULL;
  gboolean verified;

  p = verify_nearly_dead (0.99f, 1, (const float[]) { 1, 1 }, "verify-item.onnx", &verified,
                          &error);
  g_assert_false (verified);
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Verification failed on item 1: output “y”[0]"));
  g_clear_error (&error);
}

/* Two equal top scores may come out in another order: with bias
 * 0.999999 and head (0, 1; 1, 1), y is [r1, r0 + r1] per pixel; on item 1
 * pixel 0 (255) the original gives 1 and 1 + ~1e-6 (top: element 4) and
 * the pruned model 1 and 1 (top: element 0, the first). That is a tie
 * within the tolerance, not another class: the verification passes. */
static void
test_verify_tie (void)
{
  g_autoptr(FmPrune) p = NULL;
  GError *error = NULL;
  gboolean verified;

  p = verify_nearly_dead (0.999999f, 2, (const float[]) { 0, 1, 1, 1 }, "verify-tie.onnx",
                          &verified, &error);
  g_assert_no_error (error);
  g_assert_true (verified);
  g_assert_cmpuint (p->images, ==, 4);
  g_assert_cmpfloat (p->max_abs_diff, >, 0.0);
  g_assert_cmpfloat (p->max_abs_diff, <, 1e-5);
}

/* Zero under an epsilon is not zero: prune refuses such a scan. */
static void
test_epsilon_refused (void)
{
  g_autoptr(FmModel) plain = build_bn_after_relu (0.0f, "bn-eps.onnx");
  g_autoptr(FmPrune) p = NULL;
  GError *error = NULL;

  p = prune_tiny (plain, 0.1f, &error);
  g_assert_null (p);
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "exactly zero"));
  g_clear_error (&error);
}

/* Weights in an external data file are refused, naming the tensor: the
 * encoder writes weights inline only. */
static void
test_external_refused (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "external");
  g_autofree char *onnx = g_build_filename (dir, "m.onnx", NULL);
  g_autofree char *bin = g_build_filename (dir, "w.bin", NULL);
  g_autoptr(GByteArray) bytes = fm_test_relu_external_model ("w.bin");
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmPrune) p = NULL;
  const float w[4] = { -1, -2, -3, -4 };
  GError *error = NULL;

  g_assert_true (g_file_set_contents (onnx, (const char *) bytes->data, bytes->len, NULL));
  g_assert_true (g_file_set_contents (bin, (const char *) w, sizeof w, NULL));
  model = fm_test_load_model (onnx);
  p = prune_tiny (model, 0.0f, &error);
  g_assert_null (p);
  g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_ATTRIBUTE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "m.onnx"));
  g_assert_nonnull (strstr (error->message, "external data file"));
  g_clear_error (&error);
}

/* A layer's report, by hand: removed 0, 1, 2, 5 of 8; kept dead 4 and 3
 * for one reason, 7 for another. Channels read as --select takes them. */
static void
test_describe (void)
{
  const guint removed[] = { 0, 1, 2, 5 };
  FmPruneKept kept[] = { { 4, (char *) "first reason" }, { 7, (char *) "second" },
                         { 3, (char *) "first reason" } };
  FmPruneLayer l = { .layer = (char *) "r", .scan_layer = 0, .channels = 8 };
  g_autofree char *text = NULL;

  l.removed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_vals (l.removed, removed, G_N_ELEMENTS (removed));
  l.kept = g_array_new (FALSE, FALSE, sizeof (FmPruneKept));
  g_array_append_vals (l.kept, kept, G_N_ELEMENTS (kept));
  text = fm_prune_layer_describe (&l, "relu1");
  g_assert_cmpstr (text, ==, "relu1: removed 4 of 8 channels\n"
                             "  removed: 0-2,5\n"
                             "  kept dead: 3-4 (first reason)\n"
                             "  kept dead: 7 (second)");
  g_array_unref (l.removed);
  g_array_unref (l.kept);
}

/* The summary names the first three of the dataset's warnings and counts
 * the others (a folder of many unreadable pictures warns of each). */
static void
test_summary_warnings (void)
{
  FmPrune prune = { 0 };
  g_autofree char *text = NULL;

  prune.layers = g_ptr_array_new ();
  prune.warnings = g_ptr_array_new ();
  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (prune.warnings, g_strdup_printf ("bad-%u.png: not a picture", i));
  text = fm_prune_summary (&prune);
  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==, "Removed 0 of 0 dead channels, from 0 layers: 0 % fewer "
                             "multiply-adds, 0 % fewer parameters. "
                             "Reading the dataset: bad-0.png: not a picture. "
                             "Reading the dataset: bad-1.png: not a picture. "
                             "Reading the dataset: bad-2.png: not a picture. "
                             "2 more warnings.");
  g_ptr_array_set_free_func (prune.warnings, g_free);
  g_ptr_array_unref (prune.warnings);
  g_ptr_array_unref (prune.layers);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/prune/dying", test_dying);
  g_test_add_func ("/prune/residual-kept", test_residual);
  g_test_add_func ("/prune/bn-after-relu", test_bn_after_relu);
  g_test_add_func ("/prune/flatten-gemm", test_flatten_gemm);
  g_test_add_func ("/prune/encoder-bytes", test_encoder_bytes);
  g_test_add_func ("/prune/repeated-attribute", test_repeated_attribute);
  g_test_add_func ("/prune/concat", test_concat);
  g_test_add_func ("/prune/concat-reshape", test_concat_reshape);
  g_test_add_func ("/prune/shared-weights", test_shared_weights);
  g_test_add_func ("/prune/pytorch-settings-kept", test_pytorch_settings_kept);
  g_test_add_func ("/prune/uncovered-reasons", test_uncovered_reasons);
  g_test_add_func ("/prune/relu6", test_relu6);
  g_test_add_func ("/prune/reshape-gemm", test_reshape_gemm);
  g_test_add_func ("/prune/reduce-mean-gemm", test_reduce_mean_gemm);
  g_test_add_func ("/prune/verify-names-item", test_verify_names_item);
  g_test_add_func ("/prune/verify-tie", test_verify_tie);
  g_test_add_func ("/prune/epsilon-refused", test_epsilon_refused);
  g_test_add_func ("/prune/external-refused", test_external_refused);
  g_test_add_func ("/prune/describe", test_describe);
  g_test_add_func ("/prune/summary-warnings", test_summary_warnings);
  return g_test_run ();
}
