/* fm-layers.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list of feature-map layers a viewer shows, derived from a loaded
 * model: every rank-4 float activation (fm_model_is_feature_map) in
 * execution order, optionally with a convolution folded into the
 * activation function that follows it, and for each entry the value it was
 * computed from before that activation function (the "pre-activation"),
 * so a channel that came out all zero can be explained in words. Shared by
 * the command line, the window, the PNG export and the dataset scan. It
 * reads the model only; it never runs it.
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
 */
#pragma once

#include <glib.h>

#include "fm-model.h"
#include "fm-run.h"

G_BEGIN_DECLS

typedef struct
{
  int      value_id;      /* the rank-4 float activation shown */
  int      node;          /* its producing node index */
  int      pre_value_id;  /* Conv/Gemm/BatchNormalization output this activation is
                           * computed from through one element-wise activation node,
                           * or -1 */
  int      pre_node;      /* that node, or -1 */
  int      bias_value_id; /* the Conv/Gemm bias constant (input 2), or -1 */
  gboolean merged;        /* TRUE when the pre entry was folded into this one */
} FmLayer;

/* Feature-map layers in execution order; an array of FmLayer, never NULL
 * (possibly empty). Free with g_array_unref(). */
GArray     *fm_layers_list              (const FmModel *model,
                                         gboolean       merge_activations);

/* "Conv + Relu" for a merged entry, else the ONNX op name of its node.
 * The string is interned: never free it. Not translated (op names). */
const char *fm_layer_op_label           (const FmModel *model,
                                         const FmLayer *layer);

/* Channel count of the entry's value (dim 1 of [N, C, H, W]). */
guint       fm_layer_channels           (const FmModel *model,
                                         const FmLayer *layer);

/* The bias of channel @channel: 0 when there is no bias. A one-element
 * bias applies to every channel; a channel past the end of the bias gives
 * 0. */
float       fm_layer_bias               (const FmModel *model,
                                         const FmLayer *layer,
                                         guint          channel);

/* For one executed run: the largest pre-activation value of each channel
 * of batch item 0 into @out [C] (C = fm_layer_channels()). NaN cells are
 * skipped; a channel with no number, and every channel when the entry has
 * no pre-activation, gets NaN. */
void        fm_layer_pre_activation_max (const FmModel *model,
                                         const FmLayer *layer,
                                         FmRun         *run,
                                         float         *out);
/* The same for batch item @item (< N). */
void        fm_layer_pre_activation_max_item (const FmModel *model,
                                              const FmLayer *layer,
                                              FmRun         *run,
                                              guint          item,
                                              float         *out);

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

G_END_DECLS
