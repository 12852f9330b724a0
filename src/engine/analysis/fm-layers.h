/* fm-layers.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list of feature-map layers a viewer shows, derived from a loaded
 * model: every float activation whose channel axis is known (see Layouts),
 * in execution order, optionally with a convolution folded into the
 * activation function that follows it, and for each entry the value it was
 * computed from before that activation function (the "pre-activation"),
 * so a channel that came out all zero can be explained in words. Shared by
 * the command line, the window, the PNG export and the dataset scan. It
 * reads the model only; it never runs it.
 *
 * Layouts. Which axis of a value holds the channels is worked out from
 * the graph (fm-layout.h: facts from Conv, pools and BatchNormalization,
 * carried through Transpose, element-wise ops, MatMul on the last axis
 * and reshapes that keep or merge height and width). A float activation
 * is a layer when it is
 *  - rank 4 in [N, C, H, W] order (FM_LAYOUT_NCHW), or [N, H, W, C]
 *    (FM_LAYOUT_NHWC: ConvNeXt blocks between their Transposes, Keras
 *    exports), shown as C maps of H x W;
 *  - rank 3 [N, C, L] (FM_LAYOUT_NCL, Conv1d), shown as C strips 1 x L;
 *  - rank 3 [N, T, D] whose token axis comes from a flattened grid (a
 *    vision transformer's patch embedding: Conv, Reshape, Transpose, the
 *    class token concatenated) and T = 1 + s * s with s >= 2
 *    (FM_LAYOUT_TOKENS): the class token is skipped and the rest shown as
 *    D maps of s x s, "tokens as 14 × 14 grid". They are listed by
 *    default: they are recognised only when the tokens are traced back to
 *    a convolution's grid, so a text or audio sequence is never taken for
 *    one, and each section names the reading.
 * A rank-3 or rank-4 activation whose axes cannot be known (out of a
 * Reshape nothing ties to a Conv, attention scores, other axis orders,
 * a graph that contradicts itself) is not listed: guessing would draw
 * wrong maps. `inspect` names such values "layout unknown", so a user can
 * tell why a tensor is missing.
 *
 * fm_layer_planes() gives any consumer the channel-major [C, H, W] planes
 * of a batch item: the run's own data for NCHW and NCL (no copy), a
 * transposed copy into the caller's buffer otherwise. No consumer reads a
 * layer's data any other way.
 *
 * Pre-activations. An entry whose node is an element-wise activation
 * (Relu, LeakyRelu, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish, PRelu)
 * whose input 0 is the direct output of a Conv, Gemm or
 * BatchNormalization node has pre_value_id / pre_node set to that output
 * and node. Only the direct producer is considered: for Conv ->
 * BatchNormalization -> Relu the pre-activation of the Relu is the
 * BatchNormalization output (what the Relu really saw), and the Conv is
 * not looked through. Anything else in between (Add, Mul, a pool, a
 * reshape) means no pre-activation.
 *
 * Bias. bias_value_id is the constant input 2 of the Conv or Gemm that
 * computes the entry: its pre_node when that is a Conv/Gemm, else its own
 * node when that is a Conv/Gemm. BatchNormalization has no bias in this
 * sense (its shift depends on the running statistics), so it gives -1, as
 * does a bias that is computed at run time.
 *
 * Merging. With merge_activations, a pre-activation value that is consumed
 * by exactly one planned node, that activation node, through its input 0
 * only, and that is not a graph output, gets no entry of its own: the
 * activation's entry stands for both and has merged TRUE. A Conv whose
 * output also feeds something else (a residual Add) keeps its own entry;
 * the activation entry still has pre_* set but merged FALSE.
 *
 * Friendly names. Exporters name values after the graph path of the op
 * that computed them: PyTorch "/layer4/layer4.0/relu/Relu_output_0",
 * tf2onnx "StatefulPartitionedCall/model/conv2d_1/BiasAdd:0". A viewer
 * shows the module a user wrote instead, spelled as PyTorch spells module
 * names ("layer4.0.relu"); see fm_layer_friendly_name() and, for a whole
 * list whose names must tell its entries apart, fm_layers_friendly_names().
 */
#pragma once

#include <glib.h>

#include "fm-model.h"
#include "fm-run.h"

G_BEGIN_DECLS

typedef enum
{
  FM_LAYOUT_NCHW,    /* [N, C, H, W] */
  FM_LAYOUT_NHWC,    /* [N, H, W, C]: channels last */
  FM_LAYOUT_TOKENS,  /* [N, 1 + H * W, C], H == W: a class token, then a row-major grid */
  FM_LAYOUT_NCL,     /* [N, C, L]: height 1, width L */
} FmLayout;

typedef struct
{
  int      value_id;      /* the float activation shown */
  int      node;          /* its producing node index */
  int      pre_value_id;  /* Conv/Gemm/BatchNormalization output this activation is
                           * computed from through one element-wise activation node,
                           * or -1 */
  int      pre_node;      /* that node, or -1 */
  int      bias_value_id; /* the Conv/Gemm bias constant (input 2), or -1 */
  gboolean merged;        /* TRUE when the pre entry was folded into this one */
  FmLayout layout;        /* how its axes are read */
  guint    channels;      /* the maps: C of height x width */
  guint    height;
  guint    width;
  guint    plan_end;      /* 1 + its node's place in the model's plan (fm_layer_plan_end ()) */
} FmLayer;

/* Feature-map layers in execution order; an array of FmLayer, never NULL
 * (possibly empty). Free with g_array_unref(). */
GArray     *fm_layers_list              (const FmModel *model,
                                         gboolean       merge_activations);

/* "Conv + Relu" for a merged entry, else the ONNX op name of its node.
 * The string is interned: never free it. Not translated (op names). */
const char *fm_layer_op_label           (const FmModel *model,
                                         const FmLayer *layer);

/* Whether the entry is made by an element-wise activation (Relu, Clip,
 * ...): its channels are the ones that fire or not, wherever its input
 * comes from (a Conv, or a residual Add); a pool or a Concat after it
 * only passes them on. */
gboolean    fm_layer_is_activation      (const FmModel *model,
                                         const FmLayer *layer);
/* The same from the entry's fm_layer_op_label () ("Relu", "Conv + Relu"),
 * as a scan result keeps it. */
gboolean    fm_layer_op_label_is_activation (const char *label);

/* Channel count of the entry (layer->channels). */
guint       fm_layer_channels           (const FmModel *model,
                                         const FmLayer *layer);

/* The batch items of the entry's value (its dim 0). */
guint       fm_layer_batch              (const FmModel *model,
                                         const FmLayer *layer);

/* "NCHW", "NHWC", "tokens", "NCL": for JSON and CSV, not translated. */
const char *fm_layout_name              (FmLayout       layout);

/* How the entry's value is read, translated, NULL for NCHW: "channels
 * last", "tokens as 14 × 14 grid", "1 × 10 strips". Free with g_free(). */
char       *fm_layer_layout_text        (const FmLayer *layer);

/* The value's shape and, unless NCHW, how it is read, translated:
 * "[1, 8, 7, 7]", "[1, 7, 7, 8], channels last", "[1, 197, 768], tokens
 * as 14 × 14 grid", "[1, 4, 10], 1 × 10 strips". Free with g_free(). */
char       *fm_layer_shape_text         (const FmModel *model,
                                         const FmLayer *layer);

/* How many planned nodes a pass runs before @layer's data exists: the
 * position of its node in model->plan plus one (its pre-activation comes
 * before it), or 0 for a layer computed at load. What a partial pass
 * (fm_run_execute_part ()) must reach to show it. */
guint       fm_layer_plan_end           (const FmModel *model,
                                         const FmLayer *layer);

/* How many floats fm_layer_planes() writes into its buffer: 0 when the
 * run's data already is [C, H, W] (NCHW, NCL), else C * H * W. */
gsize       fm_layer_copy_size          (const FmLayer *layer);

/* The maps of batch item @item of @layer in the executed @run, channel
 * major: [C, H, W]. For NCHW and NCL the run's own data (@buffer unused,
 * may be NULL); otherwise @buffer, fm_layer_copy_size() floats the caller
 * owns, filled with a transposed copy and returned. NULL when @item is
 * past the batch or the run has no data for the value. */
const float *fm_layer_planes            (const FmModel *model,
                                         const FmLayer *layer,
                                         FmRun         *run,
                                         guint          item,
                                         float         *buffer);

/* The maps of every batch item, [N, C, H, W] channel major, as exported
 * (.npy): for NCHW and NCL the value's data and shape; otherwise a copy
 * (free with g_free()) into @copy_out and @shape_out [N, C, H, W]. NULL
 * when the run has no data for the value or the copy cannot be
 * allocated. */
const float *fm_layer_all_planes        (const FmModel *model,
                                         const FmLayer *layer,
                                         FmRun         *run,
                                         FmShape       *shape_out,
                                         float        **copy_out);

/* The bias of channel @channel: 0 when there is no bias. A one-element
 * bias applies to every channel; a channel past the end of the bias gives
 * 0. */
float       fm_layer_bias               (const FmModel *model,
                                         const FmLayer *layer,
                                         guint          channel);

/* For one executed run: the largest pre-activation value of channel
 * @channel of batch item 0. NaN cells are skipped; a channel with no
 * number, a channel past the layer's, and every channel when the entry
 * has no pre-activation get NaN. */
float       fm_layer_pre_activation_max_channel (const FmModel *model,
                                                 const FmLayer *layer,
                                                 FmRun         *run,
                                                 guint          channel);

/* The name of value @tensor_name (computed by an op of type @op_type, such
 * as "Relu"; may be NULL) as a user knows it, taken from the name alone:
 *
 *  - a trailing "_output_N" (PyTorch) or ":N" (TensorFlow) goes;
 *  - the name is split at '/' (a leading '/' and empty parts vanish), and
 *    TensorFlow's "StatefulPartitionedCall" and "PartitionedCall" parts
 *    go (tf.function plumbing, never a layer name);
 *  - the last part goes when it is the op: equal to @op_type, or @op_type
 *    with "_N" ("Relu_1", PyTorch's second call in one scope). In a
 *    TensorFlow name (one that ended in ":N") the last of two or more parts
 *    always goes: it is the TensorFlow op inside the Keras layer
 *    ("BiasAdd", "Conv2D", "Relu"), and the layer is the part before it;
 *  - PyTorch nests the scope of a child of a Sequential or ModuleList as
 *    "layer4/layer4.0": a part that starts with the part before it plus
 *    '.' replaces it;
 *  - the remaining parts are joined with '.'.
 *
 * So "/layer4/layer4.0/relu/Relu_output_0" is "layer4.0.relu",
 * "/layer2/layer2.0/downsample/downsample.0/Conv_output_0" is
 * "layer2.0.downsample.0", "/features/features.3/Conv_output_0" is
 * "features.3", "model/conv2d/Relu:0" is "model.conv2d", and plain names
 * ("conv1_out", "input.4", "23") stay as they are. PyTorch's suffix for a
 * module called twice ("relu_1") is kept: it may as well be a real name.
 * When nothing but the op is left ("/Add_output_0") the name is the op part
 * ("Add"); when not even that is left, the tensor name itself. Never
 * empty: an empty @tensor_name gives @op_type, or "?" without one. The
 * result is not translated.
 *
 * Without the rest of the graph an op called inside a composite module
 * ("/layer1/layer1.0/Add_output_0", the residual sum of a block) cannot be
 * told from a module's own op, so it is named after the module
 * ("layer1.0"); fm_layers_friendly_names() tells them apart. Free with
 * g_free(). */
char       *fm_layer_friendly_name      (const char    *tensor_name,
                                         const char    *op_type);

/* Friendly names for every entry of @layers (an array of FmLayer from
 * fm_layers_list() of @model), into @names_out: a NULL-terminated array of
 * layers->len strings in the same order; free with g_strfreev(). An
 * entry is named after its value with the op of its node, so an entry with
 * a folded Conv is named after the activation ("layer1.0.relu").
 *
 * On top of fm_layer_friendly_name(), with the graph at hand:
 *
 *  - an op called in the forward of a module that has child modules (some
 *    value of the graph lies deeper under the same path) gets its op type
 *    appended: "/layer1/layer1.0/Add_output_0" is "layer1.0 (Add)", not
 *    "layer1.0", which a PyTorch user knows as the whole block's output;
 *  - no two entries get the same name. Every entry has three longer
 *    names: the module with the op type ("hswish (HardSigmoid)"), the
 *    module with the op part as exported ("hswish (Mul_1)"), and the tensor
 *    name itself, which ONNX makes unique; a step may repeat the name
 *    before it (a name with no module path, an op part equal to the op
 *    type). In rounds, every entry whose name is shared takes its next
 *    step, until no name is shared: "/hswish/Mul_output_0" and
 *    "/hswish/Mul_1_output_0" go "hswish", "hswish (Mul)", then "hswish
 *    (Mul)" and "hswish (Mul_1)". Should names still collide (the same
 *    value listed twice), " (2)", " (3)", ... are appended.
 *
 * Names are unique within @layers: the same value may get a longer name in
 * the list without merging than in the merged one, where fewer entries can
 * collide. Not translated. */
void        fm_layers_friendly_names    (const FmModel *model,
                                         GArray        *layers,
                                         char        ***names_out);

/* Explains an all-zero channel in plain, translated words for the window's
 * detail and the command line, e.g. "The largest pre-activation was
 * -0.42, so ReLU zeroed every position; the bias is -0.90." With no
 * pre-activation (@have_pre FALSE, the entry has none, or
 * @pre_activation_max is NaN): "This map is zero for this input. A channel
 * that is zero for one input is normal: its pattern is absent here."
 * Numbers have two decimals in the current locale. Free with g_free(). */
char       *fm_layer_explain_zero       (const FmModel *model,
                                         const FmLayer *layer,
                                         guint          channel,
                                         float          pre_activation_max,
                                         gboolean       have_pre);

/* The channels of @layer that are zero (|x| <= @epsilon) everywhere, in
 * every batch item of the executed @run: an array of int in channel
 * order, as `run --json` lists them. */
GArray     *fm_layer_zero_channels      (const FmModel *model,
                                         const FmLayer *layer,
                                         FmRun         *run,
                                         float          epsilon);

G_END_DECLS
