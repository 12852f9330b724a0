/* test-layers.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The viewer's layer list (fm-layers.c) on small graphs built in memory
 * (fm-test-graph.c): which values are listed with and without merging,
 * their pre-activations, op labels and biases, the per-channel maximum
 * pre-activation of a run worked out by hand, and the all-zero
 * explanation. Then the PyTorch "mixed" fixture, whose expected list was
 * read off its graph (Netron / onnx.load), not from this code.
 *
 * Friendly names: a table of value names as PyTorch and tf2onnx export
 * them, every feature-map value of a torchvision ResNet-18 export (listed
 * with `feature-maps inspect`) rebuilt as a graph with the same names, the
 * mixed fixture, and a graph whose names collide. The expected names were
 * written by hand from PyTorch's module naming (model.named_modules ():
 * "layer1.0.conv1", "layer2.0.downsample.0", "features.3") and Keras layer
 * names, not taken from the code's output.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-layers.h"
#include "fm-run.h"
#include "fm-stats.h"
#include "fm-test-graph.h"

static int
value_id (FmModel    *model,
          const char *name)
{
  int id = fm_model_find_value (model, name);

  if (id < 0)
    g_error ("no value '%s'", name);
  return id;
}

/* Checks entry @i of @layers: its value, its pre-activation value (NULL
 * for none), its bias value (NULL for none), merged and the op label. */
static void
check_layer (FmModel    *model,
             GArray     *layers,
             guint       i,
             const char *value,
             const char *pre,
             const char *bias,
             gboolean    merged,
             const char *label)
{
  const FmLayer *l;

  g_assert_cmpuint (i, <, layers->len);
  l = &g_array_index (layers, FmLayer, i);
  g_assert_cmpstr (model->values[l->value_id].name, ==, value);
  g_assert_cmpint (l->node, ==, model->values[l->value_id].producer);
  if (pre == NULL)
    {
      g_assert_cmpint (l->pre_value_id, ==, -1);
      g_assert_cmpint (l->pre_node, ==, -1);
    }
  else
    {
      g_assert_cmpint (l->pre_value_id, ==, value_id (model, pre));
      g_assert_cmpint (l->pre_node, ==, model->values[l->pre_value_id].producer);
    }
  if (bias == NULL)
    g_assert_cmpint (l->bias_value_id, ==, -1);
  else
    g_assert_cmpint (l->bias_value_id, ==, value_id (model, bias));
  g_assert_cmpint (l->merged, ==, merged);
  g_assert_cmpstr (fm_layer_op_label (model, l), ==, label);
  g_assert_cmpint (l->layout, ==, FM_LAYOUT_NCHW);
}

/* One expected entry of a layer list, as check_layer () takes it. */
typedef struct
{
  const char *value;
  const char *pre;
  const char *bias;
  gboolean    merged;
  const char *label;
} LayerWant;

/* fm_layers_list (@m, @merged) is exactly the @n entries of @want; returns
 * the list. */
static GArray *
check_layers (FmModel         *m,
              gboolean         merged,
              const LayerWant *want,
              guint            n)
{
  GArray *layers = fm_layers_list (m, merged);

  g_assert_cmpuint (layers->len, ==, n);
  for (guint i = 0; i < n; i++)
    check_layer (m, layers, i, want[i].value, want[i].pre, want[i].bias, want[i].merged,
                 want[i].label);
  return layers;
}

/* x [1, 1, 2, 2] -> c = Conv (x, w) with the @n 1 x 1 filters @w and, when
 * @b is not NULL, the biases @b; the caller adds the rest. */
static FmTestGraph *
conv_graph (gint64       n,
            const float *w,
            const float *b)
{
  FmTestGraph *g = fm_test_graph_new (13);

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 2));
  fm_test_graph_float (g, "w", FM_DIMS (n, 1, 1, 1), w);
  if (b != NULL)
    fm_test_graph_float (g, "b", FM_DIMS (n), b);
  fm_test_graph_node (g, "Conv", b != NULL ? "x,w,b" : "x,w", "c");
  return g;
}

/* Conv(+bias) -> Relu -> MaxPool -> Conv -> Relu -> Flatten -> Gemm.
 *
 * x [1, 1, 3, 3] = 1 2 3 / 4 5 6 / 7 8 9
 * w1 [2, 1, 2, 2]: channel 0 = 1 0 / 0 1, channel 1 = 0.1 0 / 0 0
 * b1 [2] = 0.5, -0.92
 * c1 [1, 2, 2, 2], windows top-left, top-right, bottom-left, bottom-right:
 *   channel 0: 1+5, 2+6, 4+8, 5+9 = 6, 8, 12, 14; + 0.5 -> 6.5, 8.5, 12.5, 14.5
 *   channel 1: 0.1, 0.2, 0.4, 0.5; - 0.92 -> -0.82, -0.72, -0.52, -0.42
 * r1 = Relu (c1): channel 0 as is, channel 1 all zero
 * p1 = MaxPool 2x2 (r1) [1, 2, 1, 1] = 14.5, 0
 * c2 = Conv (p1, w2 = -1, 1) [1, 1, 1, 1] = -14.5 + 0 = -14.5 (no bias)
 * r2 = Relu (c2) = 0
 * f = Flatten (r2) [1, 1] = 0; y = Gemm (f, B = [1, 2], C = 0.25, 0.75) [1, 2]
 */
static const float net_x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static FmModel *
build_net (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float w1[] = { 1, 0, 0, 1, 0.1f, 0, 0, 0 };
  static const float b1[] = { 0.5f, -0.92f };
  static const float w2[] = { -1, 1 };
  static const float gb[] = { 1, 2 };
  static const float gc[] = { 0.25f, 0.75f };
  static const gint64 k2[] = { 2, 2 };

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 3, 3));
  fm_test_graph_float (g, "w1", FM_DIMS (2, 1, 2, 2), w1);
  fm_test_graph_float (g, "b1", FM_DIMS (2), b1);
  fm_test_graph_float (g, "w2", FM_DIMS (1, 2, 1, 1), w2);
  fm_test_graph_float (g, "gb", FM_DIMS (1, 2), gb);
  fm_test_graph_float (g, "gc", FM_DIMS (2), gc);
  fm_test_graph_node (g, "Conv", "x,w1,b1", "c1");
  fm_test_graph_node (g, "Relu", "c1", "r1");
  fm_test_node_ints (fm_test_graph_node (g, "MaxPool", "r1", "p1"), "kernel_shape", 2, k2);
  fm_test_graph_node (g, "Conv", "p1,w2", "c2");
  fm_test_graph_node (g, "Relu", "c2", "r2");
  fm_test_graph_node (g, "Flatten", "r2", "f");
  fm_test_graph_node (g, "Gemm", "f,gb,gc", "y");
  fm_test_graph_output (g, "y");
  return fm_test_graph_build_ok (g);
}

static FmRun *
run_net (FmModel *model)
{
  GError *error = NULL;
  FmRun *run = fm_run_new (model, &error);

  g_assert_no_error (error);
  memcpy (fm_run_input_data (run, 0), net_x, sizeof net_x);
  fm_run_execute (run, NULL, &error);
  g_assert_no_error (error);
  return run;
}

/* fm_layer_plan_end (): the net's nodes run in the order built, so r1
 * needs Conv and Relu (2), p1 the MaxPool too (3), r2 five nodes; and a
 * pass run that far holds r1's hand values (6.5, 8.5, 12.5, 14.5 and
 * zeros; see build_net). */
static void
test_layers_plan_end (void)
{
  g_autoptr(FmModel) m = build_net ();
  g_autoptr(GArray) layers = fm_layers_list (m, TRUE);
  g_autoptr(FmRun) run = NULL;
  g_autoptr(GError) error = NULL;
  static const struct { const char *name; guint end; } want[] = {
    { "r1", 2 }, { "p1", 3 }, { "r2", 5 },
  };
  static const float r1[] = { 6.5f, 8.5f, 12.5f, 14.5f, 0, 0, 0, 0 };
  guint found = 0;

  g_assert_cmpuint (m->n_plan, ==, 7);
  for (guint i = 0; i < layers->len; i++)
    {
      const FmLayer *layer = &g_array_index (layers, FmLayer, i);

      for (guint k = 0; k < G_N_ELEMENTS (want); k++)
        if (layer->value_id == fm_model_find_value (m, want[k].name))
          {
            FmLayer made_otherwise = *layer;

            g_assert_cmpuint (fm_layer_plan_end (m, layer), ==, want[k].end);
            /* an entry not from fm_layers_list () is looked up in the plan */
            made_otherwise.plan_end = 0;
            g_assert_cmpuint (fm_layer_plan_end (m, &made_otherwise), ==, want[k].end);
            found++;
          }
    }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (want));

  run = fm_run_new (m, &error);
  g_assert_no_error (error);
  memcpy (fm_run_input_data (run, 0), net_x, sizeof net_x);
  g_assert_true (fm_run_execute_part (run, 0, 2, NULL, &error));
  g_assert_cmpmem (fm_run_value_data (run, fm_model_find_value (m, "r1")), sizeof r1,
                   r1, sizeof r1);
}

static void
test_layers_merged (void)
{
  /* c1 and c2 feed only their Relu: folded. f and y are rank 2. */
  static const LayerWant want[] = {
    { "r1", "c1", "b1", TRUE, "Conv + Relu" },
    { "p1", NULL, NULL, FALSE, "MaxPool" },
    { "r2", "c2", NULL, TRUE, "Conv + Relu" },
  };
  g_autoptr(FmModel) m = build_net ();
  g_autoptr(GArray) layers = check_layers (m, TRUE, want, G_N_ELEMENTS (want));
  const FmLayer *r1, *p1, *r2;

  r1 = &g_array_index (layers, FmLayer, 0);
  p1 = &g_array_index (layers, FmLayer, 1);
  r2 = &g_array_index (layers, FmLayer, 2);
  g_assert_cmpstr (fm_op_type_name (m->nodes[r1->pre_node].op), ==, "Conv");
  g_assert_cmpuint (fm_layer_channels (m, r1), ==, 2);
  g_assert_cmpuint (fm_layer_channels (m, r2), ==, 1);

  /* biases: b1 = 0.5, -0.92; c2 has none; MaxPool has none */
  g_assert_cmpfloat (fm_layer_bias (m, r1, 0), ==, 0.5f);
  g_assert_cmpfloat (fm_layer_bias (m, r1, 1), ==, -0.92f);
  g_assert_cmpfloat (fm_layer_bias (m, r1, 2), ==, 0.0f);
  g_assert_cmpfloat (fm_layer_bias (m, r2, 0), ==, 0.0f);
  g_assert_cmpfloat (fm_layer_bias (m, p1, 0), ==, 0.0f);
}

static void
test_layers_unmerged (void)
{
  /* every rank-4 activation in execution order; the Relu entries keep
   * their pre-activation, the Conv entries their own bias */
  static const LayerWant want[] = {
    { "c1", NULL, "b1", FALSE, "Conv" },
    { "r1", "c1", "b1", FALSE, "Relu" },
    { "p1", NULL, NULL, FALSE, "MaxPool" },
    { "c2", NULL, NULL, FALSE, "Conv" },
    { "r2", "c2", NULL, FALSE, "Relu" },
  };
  g_autoptr(FmModel) m = build_net ();
  g_autoptr(GArray) layers = check_layers (m, FALSE, want, G_N_ELEMENTS (want));

  g_assert_cmpfloat (fm_layer_bias (m, &g_array_index (layers, FmLayer, 0), 1), ==, -0.92f);
}

/* build_net (), run on net_x, and its merged list r1, p1, r2. */
typedef struct
{
  FmModel       *m;
  GArray        *layers;
  FmRun         *run;
  const FmLayer *r1, *p1, *r2;
} NetRun;

static void
net_run_setup (NetRun        *f,
               gconstpointer  data)
{
  f->m = build_net ();
  f->layers = fm_layers_list (f->m, TRUE);
  f->run = run_net (f->m);
  f->r1 = &g_array_index (f->layers, FmLayer, 0);
  f->p1 = &g_array_index (f->layers, FmLayer, 1);
  f->r2 = &g_array_index (f->layers, FmLayer, 2);
}

static void
net_run_teardown (NetRun        *f,
                  gconstpointer  data)
{
  fm_run_free (f->run);
  g_array_unref (f->layers);
  fm_model_unref (f->m);
}

static void
test_layers_pre_max (NetRun        *f,
                     gconstpointer  data)
{
  FmModel *m = f->m;
  FmRun *run = f->run;
  const FmLayer *r1 = f->r1, *p1 = f->p1, *r2 = f->r2;
  FmChannelStats stats[2];

  /* c1 maxima (see build_net): channel 0 14.5, channel 1 -0.42; NaN past
   * the channels */
  g_assert_cmpfloat_with_epsilon (fm_layer_pre_activation_max_channel (m, r1, run, 0),
                                  14.5f, 1e-5f);
  g_assert_cmpfloat_with_epsilon (fm_layer_pre_activation_max_channel (m, r1, run, 1),
                                  -0.42f, 1e-5f);
  g_assert_true (isnan (fm_layer_pre_activation_max_channel (m, r1, run, 2)));

  /* c2 = -14.5 */
  g_assert_cmpfloat_with_epsilon (fm_layer_pre_activation_max_channel (m, r2, run, 0),
                                  -14.5f, 1e-5f);

  /* MaxPool has no pre-activation: NaN */
  g_assert_true (isnan (fm_layer_pre_activation_max_channel (m, p1, run, 0)));
  g_assert_true (isnan (fm_layer_pre_activation_max_channel (m, p1, run, 1)));

  /* r1's stats from the same run: channel 0 = 6.5, 8.5, 12.5, 14.5 (mean
   * 42 / 4 = 10.5, all active), channel 1 all zero */
  fm_channel_stats_compute (fm_run_value_data (run, r1->value_id), 2, 4, 0.0f, stats);
  g_assert_cmpfloat_with_epsilon (stats[0].min, 6.5f, 1e-5f);
  g_assert_cmpfloat_with_epsilon (stats[0].max, 14.5f, 1e-5f);
  g_assert_cmpfloat_with_epsilon (stats[0].mean, 10.5f, 1e-5f);
  g_assert_cmpfloat (stats[0].active_share, ==, 1.0f);
  g_assert_false (stats[0].all_zero);
  g_assert_true (stats[1].all_zero);
}

/* fm_layer_explain_zero (@m, @layer, @channel, @pre_max, @have_pre) is
 * @want. */
static void
check_explain (FmModel       *m,
               const FmLayer *layer,
               guint          channel,
               float          pre_max,
               gboolean       have_pre,
               const char    *want)
{
  g_autofree char *s = fm_layer_explain_zero (m, layer, channel, pre_max, have_pre);

  g_assert_cmpstr (s, ==, want);
}

static void
test_layers_explain (NetRun        *f,
                     gconstpointer  data)
{
  FmModel *m = f->m;
  const FmLayer *r1 = f->r1, *p1 = f->p1, *r2 = f->r2;
  const char *absent = "This map is zero for this input. A channel that is zero for one "
                       "input is normal: its pattern is absent here.";
  float pre[2];

  /* r1 channel 1: max pre-activation -0.42, bias -0.92 */
  pre[1] = fm_layer_pre_activation_max_channel (m, r1, f->run, 1);
  check_explain (m, r1, 1, pre[1], TRUE, "The largest pre-activation was -0.42, so ReLU zeroed "
                                         "every position; the bias is -0.92.");

  /* r2: -14.5 and no bias */
  pre[0] = fm_layer_pre_activation_max_channel (m, r2, f->run, 0);
  check_explain (m, r2, 0, pre[0], TRUE, "The largest pre-activation was -14.50, so ReLU zeroed "
                                         "every position.");

  /* no pre-activation: the MaxPool entry, or have_pre FALSE, or NaN */
  check_explain (m, p1, 1, NAN, FALSE, absent);
  check_explain (m, p1, 1, -1.0f, TRUE, absent);
  check_explain (m, r1, 1, -0.42f, FALSE, absent);
  check_explain (m, r1, 1, NAN, TRUE, absent);
}

/* x -> Conv(+b) -> c; c -> Sigmoid -> s; Add (c, s) -> a. c has two
 * consumers, so it is never folded; s still knows its pre-activation. */
static void
test_layers_shared_pre (void)
{
  static const float w[] = { 1, 1 };
  static const float b[] = { -3, 0.125f };
  static const LayerWant want[] = {
    { "c", NULL, "b", FALSE, "Conv" },
    { "s", "c", "b", FALSE, "Sigmoid" },
    { "a", NULL, NULL, FALSE, "Add" },
  };
  g_autoptr(FmTestGraph) g = conv_graph (2, w, b);
  g_autoptr(FmModel) m = NULL;
  g_autoptr(GArray) merged = NULL;
  g_autoptr(GArray) plain = NULL;

  fm_test_graph_node (g, "Sigmoid", "c", "s");
  fm_test_graph_node (g, "Add", "c,s", "a");
  fm_test_graph_output (g, "a");
  m = fm_test_graph_build_ok (g);

  merged = check_layers (m, TRUE, want, G_N_ELEMENTS (want));

  plain = fm_layers_list (m, FALSE);
  g_assert_cmpuint (plain->len, ==, 3);
  check_layer (m, plain, 1, "s", "c", "b", FALSE, "Sigmoid");

  /* not a Relu: the general wording, with the bias of channel 0 (-3) */
  check_explain (m, &g_array_index (merged, FmLayer, 1), 0, -30.0f, TRUE,
                 "The largest pre-activation was -30.00; after Sigmoid every position is zero "
                 "or close to it; the bias is -3.00.");
}

/* A Conv output that is also a graph output is not folded away. */
static void
test_layers_graph_output (void)
{
  static const float w[] = { 2 };
  static const LayerWant want[] = {
    { "c", NULL, NULL, FALSE, "Conv" },
    { "r", "c", NULL, FALSE, "Relu" },
  };
  g_autoptr(FmTestGraph) g = conv_graph (1, w, NULL);
  g_autoptr(FmModel) m = NULL;

  fm_test_graph_node (g, "Relu", "c", "r");
  fm_test_graph_output (g, "c");
  fm_test_graph_output (g, "r");
  m = fm_test_graph_build_ok (g);
  g_array_unref (check_layers (m, TRUE, want, G_N_ELEMENTS (want)));
}

/* Conv -> BatchNormalization -> Relu: the BN output is the Relu's
 * pre-activation (its direct producer); BN has no bias constant. */
static void
test_layers_batch_norm (void)
{
  static const float w[] = { 1, -1 };
  static const float b[] = { 0.25f, 0.5f };
  static const float scale[] = { 1, 1 };
  static const float shift[] = { 0, 0 };
  static const float mean[] = { 0, 0 };
  static const float var[] = { 1, 1 };
  static const LayerWant want_merged[] = {
    { "c", NULL, "b", FALSE, "Conv" },
    { "r", "n", NULL, TRUE, "BatchNormalization + Relu" },
  };
  static const LayerWant want_plain[] = {
    { "c", NULL, "b", FALSE, "Conv" },
    { "n", NULL, NULL, FALSE, "BatchNormalization" },
    { "r", "n", NULL, FALSE, "Relu" },
  };
  g_autoptr(FmTestGraph) g = conv_graph (2, w, b);
  g_autoptr(FmModel) m = NULL;
  g_autoptr(GArray) merged = NULL;

  fm_test_graph_batch_norm_params (g, FM_DIMS (2), scale, shift, mean, var);
  fm_test_graph_node (g, "BatchNormalization", "c,scale,shift,mean,var", "n");
  fm_test_graph_node (g, "Relu", "n", "r");
  fm_test_graph_output (g, "r");
  m = fm_test_graph_build_ok (g);

  merged = check_layers (m, TRUE, want_merged, G_N_ELEMENTS (want_merged));
  g_assert_cmpfloat (fm_layer_bias (m, &g_array_index (merged, FmLayer, 1), 0), ==, 0.0f);
  g_array_unref (check_layers (m, FALSE, want_plain, G_N_ELEMENTS (want_plain)));
}

/* tests/fixtures/pytorch/mixed/model.onnx, loaded. */
static FmModel *
load_mixed (void)
{
  g_autofree char *path = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", "mixed",
                                            "model.onnx", NULL);
  GError *error = NULL;
  FmModel *m;
  FmModelOptions options;

  fm_model_options_init (&options);
  m = fm_model_load_file (path, &options, &error);
  g_assert_no_error (error);
  return m;
}

/* tests/fixtures/pytorch/tiny_resnet: the activations are the layers made
 * by Relu and Clip, the ReLU after the residual Add among them; the Add,
 * the pools and the Mul are not (their channels come from another layer). */
static void
test_layers_activations (void)
{
  g_autofree char *path = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", "tiny_resnet",
                                            "model.onnx", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) m = NULL;
  g_autoptr(GArray) layers = NULL;
  g_autoptr(GString) got = g_string_new (NULL);
  FmModelOptions options;

  fm_model_options_init (&options);
  m = fm_model_load_file (path, &options, &error);
  g_assert_no_error (error);
  layers = fm_layers_list (m, TRUE);
  for (guint i = 0; i < layers->len; i++)
    {
      const FmLayer *l = &g_array_index (layers, FmLayer, i);

      if (fm_layer_is_activation (m, l))
        g_string_append_printf (got, "%s ", m->values[l->value_id].name);
    }
  g_test_message ("%s", got->str);
  g_assert_nonnull (strstr (got->str, "/Relu_2_output_0 "));   /* after /Add */
  g_assert_nonnull (strstr (got->str, "/Clip_output_0 "));
  g_assert_null (strstr (got->str, "/Add_output_0 "));
  g_assert_null (strstr (got->str, "/MaxPool_output_0 "));
  g_assert_null (strstr (got->str, "GlobalAveragePool"));
  g_assert_null (strstr (got->str, "/Mul_output_0 "));

  /* The same from the op label a scan result keeps. */
  g_assert_true (fm_layer_op_label_is_activation ("Relu"));
  g_assert_true (fm_layer_op_label_is_activation ("Conv + Relu"));
  g_assert_true (fm_layer_op_label_is_activation ("BatchNormalization + Clip"));
  g_assert_false (fm_layer_op_label_is_activation ("MaxPool"));
  g_assert_false (fm_layer_op_label_is_activation ("Conv"));
  g_assert_false (fm_layer_op_label_is_activation ("Add"));
}

/* @names is exactly the @n strings of @want. */
static void
check_names (char *const       *names,
             const char *const *want,
             guint              n)
{
  g_assert_cmpuint (g_strv_length ((char **) names), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (names[i], ==, want[i]);
}

/* tests/fixtures/pytorch/mixed: Conv -> BN -> Relu -> AvgPool -> dw Conv ->
 * Clip -> pw Conv -> Sigmoid -> Add -> dilated Conv -> LeakyRelu ->
 * MaxPool -> HardSigmoid, Mul (hard swish) -> strided Conv -> Tanh ->
 * AvgPool -> GlobalAveragePool -> Flatten -> Gemm -> Softmax. The graph
 * (onnx.load of the file) gives the expected lists below. */
static void
test_layers_pytorch_mixed (void)
{
  g_autoptr(FmModel) m = load_mixed ();
  g_autoptr(GArray) merged = fm_layers_list (m, TRUE);
  g_autoptr(GArray) plain = NULL;

  g_assert_cmpuint (merged->len, ==, 13);
  check_layer (m, merged, 0, "/conv1/Conv_output_0", NULL, NULL, FALSE, "Conv");
  check_layer (m, merged, 1, "/Relu_output_0", "/bn1/BatchNormalization_output_0", NULL, TRUE,
               "BatchNormalization + Relu");
  check_layer (m, merged, 2, "/pool1/AveragePool_output_0", NULL, NULL, FALSE, "AveragePool");
  check_layer (m, merged, 3, "/relu6/Clip_output_0", "/dw/Conv_output_0", "dw.bias", TRUE,
               "Conv + Clip");
  check_layer (m, merged, 4, "/Sigmoid_output_0", "/pw/Conv_output_0", "pw.bias", TRUE,
               "Conv + Sigmoid");
  check_layer (m, merged, 5, "/Add_output_0", NULL, NULL, FALSE, "Add");
  check_layer (m, merged, 6, "/leaky/LeakyRelu_output_0", "/dil/Conv_output_0", "dil.bias", TRUE,
               "Conv + LeakyRelu");
  check_layer (m, merged, 7, "/pool2/MaxPool_output_0", NULL, NULL, FALSE, "MaxPool");
  /* HardSigmoid's input comes from MaxPool: no pre-activation */
  check_layer (m, merged, 8, "/hswish/HardSigmoid_output_0", NULL, NULL, FALSE, "HardSigmoid");
  check_layer (m, merged, 9, "/hswish/Mul_output_0", NULL, NULL, FALSE, "Mul");
  check_layer (m, merged, 10, "/Tanh_output_0", "/strided/Conv_output_0", "strided.bias", TRUE,
               "Conv + Tanh");
  check_layer (m, merged, 11, "/pool3/AveragePool_output_0", NULL, NULL, FALSE, "AveragePool");
  check_layer (m, merged, 12, "/gap/GlobalAveragePool_output_0", NULL, NULL, FALSE,
               "GlobalAveragePool");

  /* unmerged: the 18 rank-4 tensors of the fixture's manifest (21 minus
   * Flatten, Gemm and Softmax outputs), in its order */
  plain = fm_layers_list (m, FALSE);
  g_assert_cmpuint (plain->len, ==, 18);
  {
    static const char *const names[] = {
      "/conv1/Conv_output_0", "/bn1/BatchNormalization_output_0", "/Relu_output_0",
      "/pool1/AveragePool_output_0", "/dw/Conv_output_0", "/relu6/Clip_output_0",
      "/pw/Conv_output_0", "/Sigmoid_output_0", "/Add_output_0", "/dil/Conv_output_0",
      "/leaky/LeakyRelu_output_0", "/pool2/MaxPool_output_0", "/hswish/HardSigmoid_output_0",
      "/hswish/Mul_output_0", "/strided/Conv_output_0", "/Tanh_output_0",
      "/pool3/AveragePool_output_0", "/gap/GlobalAveragePool_output_0",
    };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        const FmLayer *l = &g_array_index (plain, FmLayer, i);

        g_assert_cmpstr (m->values[l->value_id].name, ==, names[i]);
        g_assert_cmpint (m->values[l->value_id].shape.rank, ==, 4);
        g_assert_false (l->merged);
      }
  }
  check_layer (m, plain, 4, "/dw/Conv_output_0", NULL, "dw.bias", FALSE, "Conv");
  check_layer (m, plain, 5, "/relu6/Clip_output_0", "/dw/Conv_output_0", "dw.bias", FALSE,
               "Clip");
}

/* Friendly names */

typedef struct
{
  const char *tensor;
  const char *op;
  const char *name;
} NameCase;

static void
test_layers_friendly_name (void)
{
  static const NameCase cases[] = {
    /* PyTorch: the module path, the op part dropped */
    { "/layer4/layer4.0/relu/Relu_output_0", "Relu", "layer4.0.relu" },
    { "/layer1/layer1.0/conv1/Conv_output_0", "Conv", "layer1.0.conv1" },
    { "/relu/Relu_output_0", "Relu", "relu" },
    { "/maxpool/MaxPool_output_0", "MaxPool", "maxpool" },
    { "/relu1/Relu_output_0", "Relu", "relu1" },
    { "/features/features.3/Conv_output_0", "Conv", "features.3" },
    { "/features/features.10/MaxPool_output_0", "MaxPool", "features.10" },
    { "/layer2/layer2.0/downsample/downsample.0/Conv_output_0", "Conv",
      "layer2.0.downsample.0" },
    { "/layer3/layer3.1/relu_1/Relu_output_0", "Relu", "layer3.1.relu_1" },
    { "/avgpool/GlobalAveragePool_output_0", "GlobalAveragePool", "avgpool" },
    { "/conv1/Conv_output_12", "Conv", "conv1" },
    /* without the graph, an op in a block's forward is named after the
     * block (fm_layers_friendly_names () adds the op) */
    { "/layer1/layer1.0/Add_output_0", "Add", "layer1.0" },
    { "/hswish/Mul_1_output_0", "Mul", "hswish" },
    /* an op at the top level: the op part is all there is */
    { "/Add_output_0", "Add", "Add" },
    { "/Relu_1_output_0", "Relu", "Relu_1" },
    { "/Flatten_output_0", "Flatten", "Flatten" },
    { "Conv_output_0", "Conv", "Conv" },
    /* the op part stays when it is not the op */
    { "/relu/Relu_output_0", NULL, "relu.Relu" },
    { "/relu/Relu_output_0", "Clip", "relu.Relu" },
    { "/conv/Conv_2x_output_0", "Conv", "conv.Conv_2x" },
    /* Keras through tf2onnx: the layer, without the TensorFlow op */
    { "model/conv2d/Relu:0", "Relu", "model.conv2d" },
    { "StatefulPartitionedCall/model/conv2d_1/BiasAdd:0", "Conv", "model.conv2d_1" },
    { "StatefulPartitionedCall/model/conv2d_1/BiasAdd:0", "Add", "model.conv2d_1" },
    { "sequential/max_pooling2d/MaxPool:0", "MaxPool", "sequential.max_pooling2d" },
    { "model/add/add:0", "Add", "model.add" },
    { "input_1:0", "Transpose", "input_1" },
    { "StatefulPartitionedCall:0", "Relu", "StatefulPartitionedCall:0" },
    /* plain names stay */
    { "conv1_out", "Conv", "conv1_out" },
    { "input.4", "Relu", "input.4" },
    { "23", "Conv", "23" },
    { "onnx::Conv_251", "Identity", "onnx::Conv_251" },
    { "onnx::123", "Relu", "onnx::123" },
    { "a_output_b", "Relu", "a_output_b" },
    { "/x_output_1/Conv_output_0", "Conv", "x_output_1" },
    /* nothing left: the tensor name; no tensor name: the op */
    { "/", "Relu", "/" },
    { "_output_0", "Relu", "_output_0" },
    { "//relu//Relu_output_0", "Relu", "relu" },
    { "", "Relu", "Relu" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = fm_layer_friendly_name (cases[i].tensor, cases[i].op);

      g_test_message ("%s (%s)", cases[i].tensor, cases[i].op ? cases[i].op : "NULL");
      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

/* Every feature-map value of torchvision's resnet18 exported by PyTorch
 * 1.13 (eval mode: BatchNormalization folded into the Conv), in execution
 * order, with its op, its friendly name, and whether it is listed when a
 * Conv that feeds only a Relu is folded into it: the stem, then the same
 * six values in each of the 8 basic blocks (layer1.0 ... layer4.1), then
 * the pooling. */
typedef struct
{
  const char *tensor;
  const char *op;
  const char *name;
  gboolean    merged_list;
} ResnetRow;

static const ResnetRow resnet18_stem[] = {
  { "/conv1/Conv_output_0", "Conv", "conv1", FALSE },
  { "/relu/Relu_output_0", "Relu", "relu", TRUE },
  { "/maxpool/MaxPool_output_0", "MaxPool", "maxpool", TRUE },
};

/* In block layerL.B: the tensor under "/layerL/layerL.B/", and the name
 * after "layerL.B" ("" for the block's own Add). The downsample Conv is
 * only in the first block of layers 2 to 4. */
static const ResnetRow resnet18_block[] = {
  { "conv1/Conv_output_0", "Conv", ".conv1", FALSE },
  { "downsample/downsample.0/Conv_output_0", "Conv", ".downsample.0", TRUE },
  { "relu/Relu_output_0", "Relu", ".relu", TRUE },
  { "conv2/Conv_output_0", "Conv", ".conv2", TRUE },
  { "Add_output_0", "Add", " (Add)", TRUE },
  { "relu_1/Relu_output_0", "Relu", ".relu_1", TRUE },
};

static const ResnetRow resnet18_tail = {
  "/avgpool/GlobalAveragePool_output_0", "GlobalAveragePool", "avgpool", TRUE
};

/* The rows above in execution order; the strings belong to the array
 * (resnet18_rows_free()). */
static GArray *
resnet18_rows (void)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (ResnetRow));

  g_array_append_vals (rows, resnet18_stem, G_N_ELEMENTS (resnet18_stem));
  for (guint layer = 1; layer <= 4; layer++)
    for (guint block = 0; block < 2; block++)
      for (guint i = 0; i < G_N_ELEMENTS (resnet18_block); i++)
        {
          const ResnetRow *t = &resnet18_block[i];
          ResnetRow row = { NULL, t->op, NULL, t->merged_list };

          if (g_str_has_prefix (t->tensor, "downsample") && (layer == 1 || block > 0))
            continue;
          row.tensor = g_strdup_printf ("/layer%u/layer%u.%u/%s", layer, layer, block, t->tensor);
          row.name = g_strdup_printf ("layer%u.%u%s", layer, block, t->name);
          g_array_append_val (rows, row);
        }
  g_array_append_val (rows, resnet18_tail);
  return rows;
}

static void
resnet18_rows_free (GArray *rows)
{
  for (guint i = G_N_ELEMENTS (resnet18_stem); i + 1 < rows->len; i++)
    {
      g_free ((char *) g_array_index (rows, ResnetRow, i).tensor);
      g_free ((char *) g_array_index (rows, ResnetRow, i).name);
    }
  g_array_unref (rows);
}

/* Name without the graph: the table's, except that an Add inside a block
 * is named after the block. */
static const char *
resnet18_plain_name (const ResnetRow *row)
{
  return strcmp (row->op, "Add") == 0 ? NULL : row->name;
}

/* A conv with 1x1 weights of its own, [2, 2] channels: the names matter
 * here, not the numbers. */
static void
resnet_conv (FmTestGraph *g,
             const char  *in,
             const char  *out)
{
  static const float w[] = { 1, 0, 0, 1 };
  static guint n;
  g_autofree char *wname = g_strdup_printf ("w%u", n++);
  g_autofree char *inputs = g_strdup_printf ("%s,%s", in, wname);

  fm_test_graph_float (g, wname, FM_DIMS (2, 2, 1, 1), w);
  fm_test_graph_node (g, "Conv", inputs, out);
}

/* ResNet-18's graph with its value names, [1, 2, 4, 4] throughout, nodes
 * in the export's order. */
static FmModel *
build_resnet18_names (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autofree char *prev = g_strdup ("/maxpool/MaxPool_output_0");
  static const gint64 k1[] = { 1, 1 };

  fm_test_graph_input (g, "input", FM_DIMS (1, 2, 4, 4));
  resnet_conv (g, "input", "/conv1/Conv_output_0");
  fm_test_graph_node (g, "Relu", "/conv1/Conv_output_0", "/relu/Relu_output_0");
  fm_test_node_ints (fm_test_graph_node (g, "MaxPool", "/relu/Relu_output_0",
                                         "/maxpool/MaxPool_output_0"),
                     "kernel_shape", 2, k1);
  for (guint layer = 1; layer <= 4; layer++)
    for (guint block = 0; block < 2; block++)
      {
        g_autofree char *p = g_strdup_printf ("/layer%u/layer%u.%u", layer, layer, block);
        g_autofree char *conv1 = g_strdup_printf ("%s/conv1/Conv_output_0", p);
        g_autofree char *relu = g_strdup_printf ("%s/relu/Relu_output_0", p);
        g_autofree char *conv2 = g_strdup_printf ("%s/conv2/Conv_output_0", p);
        g_autofree char *add = g_strdup_printf ("%s/Add_output_0", p);
        g_autofree char *relu_1 = g_strdup_printf ("%s/relu_1/Relu_output_0", p);
        g_autofree char *identity = g_strdup (prev);
        g_autofree char *add_in = NULL;

        resnet_conv (g, prev, conv1);
        if (layer > 1 && block == 0)
          {
            g_free (identity);
            identity = g_strdup_printf ("%s/downsample/downsample.0/Conv_output_0", p);
            resnet_conv (g, prev, identity);
          }
        fm_test_graph_node (g, "Relu", conv1, relu);
        resnet_conv (g, relu, conv2);
        add_in = g_strdup_printf ("%s,%s", conv2, identity);
        fm_test_graph_node (g, "Add", add_in, add);
        fm_test_graph_node (g, "Relu", add, relu_1);
        g_free (prev);
        prev = g_strdup (relu_1);
      }
  fm_test_graph_node (g, "GlobalAveragePool", prev, "/avgpool/GlobalAveragePool_output_0");
  fm_test_graph_node (g, "Flatten", "/avgpool/GlobalAveragePool_output_0", "/Flatten_output_0");
  fm_test_graph_output (g, "/Flatten_output_0");
  return fm_test_graph_build_ok (g);
}

/* Checks that @layers lists @rows (all of them, or with @merged only those
 * listed then) under their names. */
static void
check_resnet18_names (FmModel  *m,
                      GArray   *rows,
                      gboolean  merged)
{
  g_autoptr(GArray) layers = fm_layers_list (m, merged);
  g_auto(GStrv) names = NULL;
  guint k = 0;

  fm_layers_friendly_names (m, layers, &names);
  g_assert_nonnull (names);
  g_assert_cmpuint (g_strv_length (names), ==, layers->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const ResnetRow *row = &g_array_index (rows, ResnetRow, i);
      const FmLayer *l;

      if (merged && !row->merged_list)
        continue;
      g_assert_cmpuint (k, <, layers->len);
      l = &g_array_index (layers, FmLayer, k);
      g_assert_cmpstr (m->values[l->value_id].name, ==, row->tensor);
      g_assert_cmpstr (fm_op_type_name (m->nodes[l->node].op), ==, row->op);
      g_assert_cmpstr (names[k], ==, row->name);
      k++;
    }
  g_assert_cmpuint (k, ==, layers->len);
}

static void
test_layers_friendly_resnet18 (void)
{
  g_autoptr(FmModel) m = build_resnet18_names ();
  GArray *rows = resnet18_rows ();

  /* the 47 feature-map values of the export; 38 with the 9 Convs that feed
   * only a Relu folded */
  g_assert_cmpuint (rows->len, ==, 47);
  check_resnet18_names (m, rows, FALSE);
  check_resnet18_names (m, rows, TRUE);

  for (guint i = 0; i < rows->len; i++)
    {
      const ResnetRow *row = &g_array_index (rows, ResnetRow, i);
      g_autofree char *name = fm_layer_friendly_name (row->tensor, row->op);
      const char *want = resnet18_plain_name (row);

      if (want != NULL)
        g_assert_cmpstr (name, ==, want);
      else
        g_assert_true (g_str_has_prefix (row->name, name) &&
                       strcmp (row->name + strlen (name), " (Add)") == 0);
    }
  resnet18_rows_free (rows);
}

/* A real export with a collision: nn.Hardswish at opset 13 is
 * HardSigmoid and Mul, both under "/hswish". */
static void
test_layers_friendly_mixed (void)
{
  static const char *const want[] = {
    "conv1", "Relu", "pool1", "relu6", "Sigmoid", "Add", "leaky", "pool2",
    "hswish (HardSigmoid)", "hswish (Mul)", "Tanh", "pool3", "gap",
  };
  g_autoptr(FmModel) m = load_mixed ();
  g_autoptr(GArray) layers = fm_layers_list (m, TRUE);
  g_auto(GStrv) names = NULL;

  fm_layers_friendly_names (m, layers, &names);
  check_names (names, want, G_N_ELEMENTS (want));
}

/* Names that collide: a Keras conv with its activation, two HardSwish
 * halves and a second Mul in one scope, a plain name that is also a
 * module's name, and two paths that collapse to the same module. */
static void
test_layers_friendly_unique (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  g_autoptr(GArray) plain = NULL;
  g_autoptr(GArray) merged = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) merged_names = NULL;
  static const float w[] = { 1, 0, 0, 1 };
  static const char *const want[] = {
    "model.conv2d (Conv)",         /* model/conv2d/BiasAdd:0 */
    "model.conv2d (Relu)",         /* model/conv2d/Relu:0 */
    "hswish (HardSigmoid)",
    "hswish (Mul)",                /* /hswish/Mul_output_0 */
    "hswish (Mul_1)",
    "relu",                        /* plain "relu": its tensor name */
    "/relu/Relu_output_0",         /* nothing shorter tells them apart */
    "/blk/blk.0/Conv_output_0",
    "/blk.0/Conv_output_0",
  };
  static const char *const want_merged[] = {
    "model.conv2d",                /* the Conv folded: nothing to collide with */
    "hswish (HardSigmoid)", "hswish (Mul)", "hswish (Mul_1)", "relu",
    "/relu/Relu_output_0", "/blk/blk.0/Conv_output_0", "/blk.0/Conv_output_0",
  };

  fm_test_graph_input (g, "input", FM_DIMS (1, 2, 3, 3));
  fm_test_graph_float (g, "w", FM_DIMS (2, 2, 1, 1), w);
  fm_test_graph_float (g, "w2", FM_DIMS (2, 2, 1, 1), w);
  fm_test_graph_float (g, "w3", FM_DIMS (2, 2, 1, 1), w);
  fm_test_graph_node (g, "Conv", "input,w", "model/conv2d/BiasAdd:0");
  fm_test_graph_node (g, "Relu", "model/conv2d/BiasAdd:0", "model/conv2d/Relu:0");
  fm_test_graph_node (g, "HardSigmoid", "model/conv2d/Relu:0", "/hswish/HardSigmoid_output_0");
  fm_test_graph_node (g, "Mul", "model/conv2d/Relu:0,/hswish/HardSigmoid_output_0",
                      "/hswish/Mul_output_0");
  fm_test_graph_node (g, "Mul", "/hswish/Mul_output_0,/hswish/HardSigmoid_output_0",
                      "/hswish/Mul_1_output_0");
  fm_test_graph_node (g, "Relu", "/hswish/Mul_1_output_0", "relu");
  fm_test_graph_node (g, "Relu", "relu", "/relu/Relu_output_0");
  fm_test_graph_node (g, "Conv", "/relu/Relu_output_0,w2", "/blk/blk.0/Conv_output_0");
  fm_test_graph_node (g, "Conv", "/blk/blk.0/Conv_output_0,w3", "/blk.0/Conv_output_0");
  fm_test_graph_output (g, "/blk.0/Conv_output_0");
  m = fm_test_graph_build_ok (g);

  /* Each name alone: the collisions */
  {
    static const char *const alone[] = {
      "model.conv2d", "model.conv2d", "hswish", "hswish", "hswish", "relu", "relu",
      "blk.0", "blk.0",
    };

    plain = fm_layers_list (m, FALSE);
    g_assert_cmpuint (plain->len, ==, G_N_ELEMENTS (alone));
    for (guint i = 0; i < plain->len; i++)
      {
        const FmLayer *l = &g_array_index (plain, FmLayer, i);
        g_autofree char *name = fm_layer_friendly_name (m->values[l->value_id].name,
                                                        fm_op_type_name (m->nodes[l->node].op));

        g_assert_cmpstr (name, ==, alone[i]);
      }
  }

  fm_layers_friendly_names (m, plain, &names);
  check_names (names, want, G_N_ELEMENTS (want));

  merged = fm_layers_list (m, TRUE);
  fm_layers_friendly_names (m, merged, &merged_names);
  check_names (merged_names, want_merged, G_N_ELEMENTS (want_merged));

  /* The same value listed twice (not something fm_layers_list () does)
   * and an empty list. */
  {
    g_autoptr(GArray) twice = g_array_new (FALSE, TRUE, sizeof (FmLayer));
    g_autoptr(GArray) none = g_array_new (FALSE, TRUE, sizeof (FmLayer));
    g_auto(GStrv) twice_names = NULL;
    g_auto(GStrv) no_names = NULL;

    g_array_append_val (twice, g_array_index (merged, FmLayer, 0));
    g_array_append_val (twice, g_array_index (merged, FmLayer, 0));
    fm_layers_friendly_names (m, twice, &twice_names);
    g_assert_cmpuint (g_strv_length (twice_names), ==, 2);
    g_assert_cmpstr (twice_names[0], ==, "model/conv2d/Relu:0");
    g_assert_cmpstr (twice_names[1], ==, "model/conv2d/Relu:0 (2)");

    fm_layers_friendly_names (m, none, &no_names);
    g_assert_nonnull (no_names);
    g_assert_null (no_names[0]);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/layers/merged", test_layers_merged);
  g_test_add_func ("/engine/layers/plan-end", test_layers_plan_end);
  g_test_add_func ("/engine/layers/unmerged", test_layers_unmerged);
  g_test_add ("/engine/layers/pre-max", NetRun, NULL, net_run_setup, test_layers_pre_max,
              net_run_teardown);
  g_test_add ("/engine/layers/explain", NetRun, NULL, net_run_setup, test_layers_explain,
              net_run_teardown);
  g_test_add_func ("/engine/layers/shared-pre", test_layers_shared_pre);
  g_test_add_func ("/engine/layers/graph-output", test_layers_graph_output);
  g_test_add_func ("/engine/layers/batch-norm", test_layers_batch_norm);
  g_test_add_func ("/engine/layers/pytorch-mixed", test_layers_pytorch_mixed);
  g_test_add_func ("/engine/layers/activations", test_layers_activations);
  g_test_add_func ("/engine/layers/friendly-name", test_layers_friendly_name);
  g_test_add_func ("/engine/layers/friendly-resnet18", test_layers_friendly_resnet18);
  g_test_add_func ("/engine/layers/friendly-mixed", test_layers_friendly_mixed);
  g_test_add_func ("/engine/layers/friendly-unique", test_layers_friendly_unique);

  return g_test_run ();
}
