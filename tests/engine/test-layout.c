/* test-layout.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layouts of the layer list (fm-layout.c, fm-layers.c): on small graphs
 * built in memory, which values are listed, in which layout, with how
 * many channels of which size, and the [C, H, W] planes fm_layer_planes()
 * gives. The input cell (c, y, x) holds 100 c + 10 y + x, and the graphs'
 * convolutions are 1 x 1 identities, so every expected plane is the
 * input's, written down here, not taken from the code. Then the PyTorch
 * keras_nhwc fixture: its channels-last tensor's planes must equal
 * PyTorch's own MaxPool output (the tensor before the Transpose).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-layers.h"
#include "fm-npy.h"
#include "fm-run.h"
#include "fm-test-graph.h"

/* What one listed entry must be. */
typedef struct
{
  const char *value;
  FmLayout    layout;
  guint       channels, height, width;
} Want;

static void
check_list (FmModel    *m,
            GArray     *layers,
            const Want *want,
            guint       n)
{
  g_assert_cmpuint (layers->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const FmLayer *l = &g_array_index (layers, FmLayer, i);

      g_assert_cmpstr (m->values[l->value_id].name, ==, want[i].value);
      g_assert_cmpint (l->layout, ==, want[i].layout);
      g_assert_cmpuint (fm_layer_channels (m, l), ==, want[i].channels);
      g_assert_cmpuint (l->height, ==, want[i].height);
      g_assert_cmpuint (l->width, ==, want[i].width);
    }
}

static const FmLayer *
find_layer (FmModel    *m,
            GArray     *layers,
            const char *value)
{
  for (guint i = 0; i < layers->len; i++)
    if (g_strcmp0 (m->values[g_array_index (layers, FmLayer, i).value_id].name, value) == 0)
      return &g_array_index (layers, FmLayer, i);
  g_error ("'%s' is not listed", value);
}

/* A 1 x 1 convolution "w_<out>" of @c channels onto themselves. */
static void
identity_conv (FmTestGraph *g,
               const char  *in,
               const char  *out,
               guint        c,
               gboolean     one_d)
{
  g_autofree float *w = g_new0 (float, c * c);
  g_autofree char *w_name = g_strconcat ("w_", out, NULL);
  g_autofree char *inputs = g_strconcat (in, ",", w_name, NULL);

  for (guint i = 0; i < c; i++)
    w[i * c + i] = 1.0f;
  if (one_d)
    fm_test_graph_float (g, w_name, 3, (const gint64[]) { c, c, 1 }, w);
  else
    fm_test_graph_float (g, w_name, 4, (const gint64[]) { c, c, 1, 1 }, w);
  fm_test_graph_node (g, "Conv", inputs, out);
}

static void
transpose (FmTestGraph  *g,
           const char   *in,
           const char   *out,
           guint         rank,
           const gint64 *perm)
{
  fm_test_node_ints (fm_test_graph_node (g, "Transpose", in, out), "perm", rank, perm);
}

/* x [1, 2, 3, 4] -> Conv (identity) c -> Transpose [0, 2, 3, 1] t
 * [1, 3, 4, 2]: a channels-last tensor from an NCHW one. */
static void
add_nhwc_start (FmTestGraph *g)
{
  fm_test_graph_input (g, "x", FM_DIMS (1, 2, 3, 4));
  identity_conv (g, "x", "c", 2, FALSE);
  transpose (g, "c", "t", 4, (const gint64[]) { 0, 2, 3, 1 });
}

/* A vision transformer's start: x [1, @c, @h, @w] -> Conv p (the patch
 * embedding, identity) -> Reshape [1, @c, @h * @w] f -> Transpose
 * [0, 2, 1] t -> Concat (the class token @cls [1, 1, @c], t) tok. */
static void
add_patch_tokens (FmTestGraph *g,
                  guint        c,
                  guint        h,
                  guint        w,
                  const float *cls)
{
  fm_test_graph_input (g, "x", FM_DIMS (1, c, h, w));
  identity_conv (g, "x", "p", c, FALSE);
  fm_test_graph_int64 (g, "shape", FM_DIMS (3), (const gint64[]) { 1, c, h * w });
  fm_test_graph_node (g, "Reshape", "p,shape", "f");
  transpose (g, "f", "t", 3, (const gint64[]) { 0, 2, 1 });
  fm_test_graph_float (g, "cls", FM_DIMS (1, 1, c), cls);
  fm_test_node_int (fm_test_graph_node (g, "Concat", "cls,t", "tok"), "axis", 1);
}

/* Builds @g and lists its layers (the input's too when @with_input),
 * which must be @want; returns the model, the list in @layers. */
static FmModel *
build_listed (FmTestGraph *g,
              gboolean     with_input,
              const Want  *want,
              guint        n,
              GArray     **layers)
{
  FmModel *m = fm_test_graph_build_ok (g);

  *layers = fm_layers_list (m, with_input);
  check_list (m, *layers, want, n);
  return m;
}

/* [C, H, W] with cell (c, y, x) = 100 c + 10 y + x */
static float *
ramp (guint C,
      guint H,
      guint W)
{
  float *x = g_new (float, C * H * W);

  for (guint c = 0; c < C; c++)
    for (guint y = 0; y < H; y++)
      for (guint i = 0; i < W; i++)
        x[(c * H + y) * W + i] = (float) (100 * c + 10 * y + i);
  return x;
}

static FmRun *
run_on (FmModel     *m,
        const float *x,
        gsize        n)
{
  GError *error = NULL;
  FmRun *run = fm_run_new (m, &error);

  g_assert_no_error (error);
  memcpy (fm_run_input_data (run, 0), x, n * sizeof (float));
  fm_run_execute (run, NULL, &error);
  g_assert_no_error (error);
  return run;
}

/* The planes of @layer (item 0) are @want's [C, H, W]. */
static void
check_planes (FmModel       *m,
              const FmLayer *layer,
              FmRun         *run,
              const float   *want)
{
  gsize n = (gsize) layer->channels * layer->height * layer->width;
  g_autofree float *buffer = g_new0 (float, MAX (fm_layer_copy_size (layer), 1));
  const float *got = fm_layer_planes (m, layer, run, 0, buffer);

  g_assert_nonnull (got);
  g_assert_cmpmem (got, n * sizeof (float), want, n * sizeof (float));
  /* one batch item: no second */
  g_assert_null (fm_layer_planes (m, layer, run, 1, buffer));
}

/* x [1, 2, 3, 4] -> Conv (identity) c -> Transpose [0, 2, 3, 1] t
 * [1, 3, 4, 2] -> Relu r -> Mul by s [2] (broadcast over the last axis)
 * m -> Transpose [0, 3, 1, 2] back [1, 2, 3, 4]. */
static void
test_layout_nhwc_chain (void)
{
  static const Want want[] = {
    { "c", FM_LAYOUT_NCHW, 2, 3, 4 },
    { "t", FM_LAYOUT_NHWC, 2, 3, 4 },
    { "r", FM_LAYOUT_NHWC, 2, 3, 4 },
    { "m", FM_LAYOUT_NHWC, 2, 3, 4 },
    { "back", FM_LAYOUT_NCHW, 2, 3, 4 },
  };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  g_autoptr(GArray) layers = NULL;
  g_autofree float *x = ramp (2, 3, 4);
  g_autofree float *scaled = ramp (2, 3, 4);
  g_autofree char *text = NULL;
  FmRun *run;
  const FmLayer *l;

  add_nhwc_start (g);
  fm_test_graph_node (g, "Relu", "t", "r");
  fm_test_graph_float (g, "s", FM_DIMS (2), (const float[]) { 1.0f, -1.0f });
  fm_test_graph_node (g, "Mul", "r,s", "m");
  transpose (g, "m", "back", 4, (const gint64[]) { 0, 3, 1, 2 });
  fm_test_graph_output (g, "back");
  m = build_listed (g, FALSE, want, G_N_ELEMENTS (want), &layers);

  run = run_on (m, x, 24);
  /* NCHW: the run's data itself, no copy */
  l = find_layer (m, layers, "c");
  g_assert_cmpuint (fm_layer_copy_size (l), ==, 0);
  g_assert_true (fm_layer_planes (m, l, run, 0, NULL) == fm_run_value_data (run, l->value_id));
  check_planes (m, l, run, x);
  /* NHWC: a copy, channel-major again: the input's planes */
  l = find_layer (m, layers, "t");
  g_assert_cmpuint (fm_layer_copy_size (l), ==, 24);
  check_planes (m, l, run, x);
  text = fm_layer_shape_text (m, l);
  g_assert_cmpstr (text, ==, "[1, 3, 4, 2], channels last");
  /* m: channel 1 negated (s = 1, -1 along the channels), after the Relu
   * (the ramp is >= 0) */
  for (guint i = 12; i < 24; i++)
    scaled[i] = -scaled[i];
  check_planes (m, find_layer (m, layers, "m"), run, scaled);
  check_planes (m, find_layer (m, layers, "back"), run, scaled);
  fm_run_free (run);
}

/* A Keras export: the NHWC input x [1, 3, 4, 2] goes through Transpose
 * [0, 3, 1, 2] into a Conv (which proves x NHWC) and back out. The
 * channel count 2 is not dim 1 (3), and the spatial size 3 x 4 is not
 * dims 2, 3 (4 x 2). */
static void
test_layout_keras_input (void)
{
  static const Want want[] = {
    { "xt", FM_LAYOUT_NCHW, 2, 3, 4 },
    { "c", FM_LAYOUT_NCHW, 2, 3, 4 },
    { "y", FM_LAYOUT_NHWC, 2, 3, 4 },
  };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  g_autoptr(GArray) layers = NULL;
  g_autofree float *planes = ramp (2, 3, 4);
  float x[24];
  FmRun *run;

  /* x is NHWC: cell (c, y, i) of the maps at [0, y, i, c] */
  for (guint c = 0; c < 2; c++)
    for (guint y = 0; y < 3; y++)
      for (guint i = 0; i < 4; i++)
        x[(y * 4 + i) * 2 + c] = planes[(c * 3 + y) * 4 + i];

  fm_test_graph_input (g, "x", FM_DIMS (1, 3, 4, 2));
  transpose (g, "x", "xt", 4, (const gint64[]) { 0, 3, 1, 2 });
  identity_conv (g, "xt", "c", 2, FALSE);
  transpose (g, "c", "y", 4, (const gint64[]) { 0, 2, 3, 1 });
  fm_test_graph_output (g, "y");
  m = build_listed (g, TRUE, want, G_N_ELEMENTS (want), &layers);
  run = run_on (m, x, 24);
  for (guint i = 0; i < layers->len; i++)
    check_planes (m, &g_array_index (layers, FmLayer, i), run, planes);
  fm_run_free (run);
}

/* A rank-4 tensor out of a Reshape whose axes nothing tells: not listed;
 * the same Reshape feeding a Conv is NCHW; a tensor that a Transpose
 * makes NHWC but a Conv reads as NCHW contradicts itself: not listed. */
static void
test_layout_unknown (void)
{
  static const Want want_reshape_conv[] = {
    { "y", FM_LAYOUT_NCHW, 2, 3, 4 },
    { "z", FM_LAYOUT_NCHW, 2, 3, 4 },
    { "c", FM_LAYOUT_NCHW, 2, 3, 4 },
  };
  static const Want want_contradiction[] = {
    { "c", FM_LAYOUT_NCHW, 2, 3, 4 },
    { "c2", FM_LAYOUT_NCHW, 3, 4, 2 },
  };
  static const gint64 shape[4] = { 1, 2, 3, 4 };

  for (guint k = 0; k < 3; k++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
      g_autoptr(FmModel) m = NULL;
      g_autoptr(GArray) layers = NULL;

      if (k < 2)
        {
          /* x [1, 24] -> Reshape [1, 2, 3, 4] y -> Relu z; or y -> Identity
           * z and y -> Conv c, which makes y and z NCHW */
          fm_test_graph_input (g, "x", FM_DIMS (1, 24));
          fm_test_graph_int64 (g, "shape", FM_DIMS (4), shape);
          fm_test_graph_node (g, "Reshape", "x,shape", "y");
          fm_test_graph_node (g, k == 0 ? "Relu" : "Identity", "y", "z");
          if (k == 1)
            identity_conv (g, "y", "c", 2, FALSE);
          fm_test_graph_output (g, k == 0 ? "z" : "c");
        }
      else
        {
          /* x [1, 2, 3, 4] -> Conv c -> Transpose [0, 2, 3, 1] t [1, 3, 4, 2]
           * -> Conv c2 (3 channels of 4 x 2) */
          add_nhwc_start (g);
          identity_conv (g, "t", "c2", 3, FALSE);
          fm_test_graph_output (g, "c2");
        }
      m = fm_test_graph_build_ok (g);
      layers = fm_layers_list (m, FALSE);
      if (k == 0)
        g_assert_cmpuint (layers->len, ==, 0);
      else if (k == 1)
        check_list (m, layers, want_reshape_conv, G_N_ELEMENTS (want_reshape_conv));
      else
        check_list (m, layers, want_contradiction, G_N_ELEMENTS (want_contradiction));
    }
}

/* The ops added for opsets 6 to 19 carry a layout too: a channels-last
 * t [1, 3, 4, 2] through Elu e and Softplus s stays channels-last; a
 * Reshape y [1, 2, 3, 4] that nothing else tells is NCHW when an
 * InstanceNormalization n reads it, as Conv would. */
static void
test_layout_newer_ops (void)
{
  static const Want want_last[] = {
    { "c", FM_LAYOUT_NCHW, 2, 3, 4 },
    { "t", FM_LAYOUT_NHWC, 2, 3, 4 },
    { "e", FM_LAYOUT_NHWC, 2, 3, 4 },
    { "s", FM_LAYOUT_NHWC, 2, 3, 4 },
  };
  static const Want want_norm[] = {
    { "y", FM_LAYOUT_NCHW, 2, 3, 4 },
    { "n", FM_LAYOUT_NCHW, 2, 3, 4 },
  };
  static const gint64 shape[4] = { 1, 2, 3, 4 };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) g2 = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  g_autoptr(FmModel) m2 = NULL;
  g_autoptr(GArray) layers = NULL;
  g_autoptr(GArray) layers2 = NULL;

  add_nhwc_start (g);
  fm_test_graph_node (g, "Elu", "t", "e");
  fm_test_graph_node (g, "Softplus", "e", "s");
  fm_test_graph_output (g, "s");
  m = build_listed (g, FALSE, want_last, G_N_ELEMENTS (want_last), &layers);

  fm_test_graph_input (g2, "x", FM_DIMS (1, 24));
  fm_test_graph_int64 (g2, "shape", FM_DIMS (4), shape);
  fm_test_graph_node (g2, "Reshape", "x,shape", "y");
  fm_test_graph_float (g2, "scale", FM_DIMS (2), (const float[]) { 1.0f, 1.0f });
  fm_test_graph_float (g2, "bias", FM_DIMS (2), (const float[]) { 0.0f, 0.0f });
  fm_test_graph_node (g2, "InstanceNormalization", "y,scale,bias", "n");
  fm_test_graph_output (g2, "n");
  m2 = build_listed (g2, FALSE, want_norm, G_N_ELEMENTS (want_norm), &layers2);
}

/* A vision transformer's start: x [1, 3, 4, 4] -> Conv p (the patch
 * embedding, identity) -> Reshape [1, 3, 16] f -> Transpose [0, 2, 1] t
 * [1, 16, 3] -> Concat (cls [1, 1, 3], t) tok [1, 17, 3] -> Add pos a.
 * f is a [N, C, L] strip layer; t has 16 tokens (no class token, 15 not a
 * square): not listed; tok and a are 3 maps of 4 x 4. */
static void
test_layout_tokens (void)
{
  static const Want want[] = {
    { "p", FM_LAYOUT_NCHW, 3, 4, 4 },
    { "f", FM_LAYOUT_NCL, 3, 1, 16 },
    { "tok", FM_LAYOUT_TOKENS, 3, 4, 4 },
    { "a", FM_LAYOUT_TOKENS, 3, 4, 4 },
  };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  g_autoptr(GArray) layers = NULL;
  g_autofree float *x = ramp (3, 4, 4);
  g_autofree float *shifted = ramp (3, 4, 4);
  g_autofree char *text = NULL;
  float pos[17 * 3];
  FmRun *run;
  const FmLayer *l;

  for (guint i = 0; i < 17 * 3; i++)
    pos[i] = i < 3 ? 1000.0f : 0.5f;
  add_patch_tokens (g, 3, 4, 4, (const float[]) { -7, -7, -7 });
  fm_test_graph_float (g, "pos", FM_DIMS (1, 17, 3), pos);
  fm_test_graph_node (g, "Add", "tok,pos", "a");
  fm_test_graph_output (g, "a");
  m = build_listed (g, FALSE, want, G_N_ELEMENTS (want), &layers);
  run = run_on (m, x, 48);
  /* the strip: the run's data, [3, 1, 16] = the input's planes */
  l = find_layer (m, layers, "f");
  g_assert_cmpuint (fm_layer_copy_size (l), ==, 0);
  check_planes (m, l, run, x);
  /* the tokens without the class token (-7, or 1000 after the Add) */
  l = find_layer (m, layers, "tok");
  check_planes (m, l, run, x);
  text = fm_layer_shape_text (m, l);
  g_assert_cmpstr (text, ==, "[1, 17, 3], tokens as 4 × 4 grid");
  for (guint i = 0; i < 48; i++)
    shifted[i] += 0.5f;
  check_planes (m, find_layer (m, layers, "a"), run, shifted);
  fm_run_free (run);
}

/* Token counts that are not 1 + a square, and a Conv1d sequence whose
 * length is 1 + 3 * 3: never tokens. */
static void
test_layout_not_tokens (void)
{
  /* x [1, 2, 4, 3] -> Conv -> Reshape [1, 2, 12] -> Transpose -> Concat
   * with a class token: 13 tokens, 12 not a square */
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    g_autoptr(FmModel) m = NULL;
    g_autoptr(GArray) layers = NULL;
    static const Want want[] = {
      { "p", FM_LAYOUT_NCHW, 2, 4, 3 },
      { "f", FM_LAYOUT_NCL, 2, 1, 12 },
    };

    add_patch_tokens (g, 2, 4, 3, (const float[]) { 0, 0 });
    fm_test_graph_output (g, "tok");
    m = build_listed (g, FALSE, want, G_N_ELEMENTS (want), &layers);
  }
  /* x [1, 2, 10] -> Conv1d c -> Transpose [0, 2, 1] t [1, 10, 2]: a
   * sequence, not a grid */
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    g_autoptr(FmModel) m = NULL;
    g_autoptr(GArray) layers = NULL;
    static const Want want[] = {
      { "c", FM_LAYOUT_NCL, 2, 1, 10 },
    };

    fm_test_graph_input (g, "x", FM_DIMS (1, 2, 10));
    identity_conv (g, "x", "c", 2, TRUE);
    transpose (g, "c", "t", 3, (const gint64[]) { 0, 2, 1 });
    fm_test_graph_output (g, "t");
    m = build_listed (g, FALSE, want, G_N_ELEMENTS (want), &layers);
  }
}

/* Conv1d x [2, 2, 5] (two batch items) -> Conv c -> Relu r: strips
 * 1 x 5, read in place; item 1 starts 10 floats later; the Relu's
 * pre-activation maximum reads the Conv's cells. */
static void
test_layout_ncl (void)
{
  static const Want want[] = {
    { "r", FM_LAYOUT_NCL, 2, 1, 5 },
  };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  g_autoptr(GArray) layers = NULL;
  g_autofree char *text = NULL;
  float x[20];
  FmRun *run;
  const FmLayer *l;

  for (guint i = 0; i < 20; i++)
    x[i] = (float) i - 12.0f;
  fm_test_graph_input (g, "x", FM_DIMS (2, 2, 5));
  identity_conv (g, "x", "c", 2, TRUE);
  fm_test_graph_node (g, "Relu", "c", "r");
  fm_test_graph_output (g, "r");
  m = build_listed (g, TRUE, want, G_N_ELEMENTS (want), &layers);
  l = &g_array_index (layers, FmLayer, 0);
  g_assert_cmpuint (fm_layer_batch (m, l), ==, 2);
  text = fm_layer_shape_text (m, l);
  g_assert_cmpstr (text, ==, "[2, 2, 5], 1 × 5 strips");

  run = run_on (m, x, 20);
  g_assert_true (fm_layer_planes (m, l, run, 1, NULL) ==
                 (const float *) fm_run_value_data (run, l->value_id) + 10);
  g_assert_null (fm_layer_planes (m, l, run, 2, NULL));
  /* item 0: channel 0 is -12..-8, channel 1 -7..-3 */
  g_assert_cmpfloat (fm_layer_pre_activation_max_channel (m, l, run, 0), ==, -8.0f);
  g_assert_cmpfloat (fm_layer_pre_activation_max_channel (m, l, run, 1), ==, -3.0f);
  fm_run_free (run);
}

/* tests/fixtures/pytorch/keras_nhwc: what tf2onnx makes of Keras. The
 * expected list was read off the graph (manifest.json): the Conv side is
 * NCHW, the Transpose back to NHWC is 8 channels of 7 x 7 (not "7
 * channels of 7 x 8"), and its planes are PyTorch's MaxPool output. */
static void
test_layout_keras_fixture (void)
{
  static const Want want[] = {
    { "/Transpose_output_0", FM_LAYOUT_NCHW, 1, 28, 28 },
    { "/Pad_output_0", FM_LAYOUT_NCHW, 1, 29, 29 },
    { "/conv/Conv_output_0", FM_LAYOUT_NCHW, 8, 14, 14 },
    { "/Relu_output_0", FM_LAYOUT_NCHW, 8, 14, 14 },
    { "/MaxPool_output_0", FM_LAYOUT_NCHW, 8, 7, 7 },
    { "/Transpose_2_output_0", FM_LAYOUT_NHWC, 8, 7, 7 },
  };
  g_autofree char *dir = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch",
                                           "keras_nhwc", NULL);
  g_autofree char *model_path = g_build_filename (dir, "model.onnx", NULL);
  g_autofree char *input_path = g_build_filename (dir, "input.npy", NULL);
  g_autofree char *pool_path = g_build_filename (dir, "_MaxPool_output_0.npy", NULL);
  g_autoptr(FmModel) m = NULL;
  g_autoptr(GArray) layers = NULL;
  g_autofree float *input = NULL;
  g_autofree float *pool = NULL;
  GError *error = NULL;
  FmModelOptions options;
  FmShape shape;
  const FmLayer *l;
  g_autofree float *buffer = NULL;
  const float *got;
  double worst = 0.0;
  FmRun *run;

  fm_model_options_init (&options);
  m = fm_model_load_file (model_path, &options, &error);
  g_assert_no_error (error);
  layers = fm_layers_list (m, FALSE);
  check_list (m, layers, want, G_N_ELEMENTS (want));

  input = fm_npy_read (input_path, &shape, 0, &error);
  g_assert_no_error (error);
  pool = fm_npy_read (pool_path, &shape, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shape.dims[1], ==, 8);
  run = run_on (m, input, 28 * 28);
  l = find_layer (m, layers, "/Transpose_2_output_0");
  buffer = g_new (float, fm_layer_copy_size (l));
  got = fm_layer_planes (m, l, run, 0, buffer);
  for (guint i = 0; i < 8 * 7 * 7; i++)
    worst = MAX (worst, fabs ((double) got[i] - pool[i]));
  g_test_message ("largest difference from PyTorch: %g", worst);
  g_assert_cmpfloat (worst, <, 1e-4);
  fm_run_free (run);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/layout/nhwc-chain", test_layout_nhwc_chain);
  g_test_add_func ("/engine/layout/keras-input", test_layout_keras_input);
  g_test_add_func ("/engine/layout/unknown", test_layout_unknown);
  g_test_add_func ("/engine/layout/tokens", test_layout_tokens);
  g_test_add_func ("/engine/layout/not-tokens", test_layout_not_tokens);
  g_test_add_func ("/engine/layout/ncl", test_layout_ncl);
  g_test_add_func ("/engine/layout/newer-ops", test_layout_newer_ops);
  g_test_add_func ("/engine/layout/keras-fixture", test_layout_keras_fixture);
  return g_test_run ();
}
