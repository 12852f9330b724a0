/* fm-layers.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Derives the viewer's layer list from a loaded model (rules in
 * fm-layers.h): one walk over the plan, looking one node back from each
 * element-wise activation for the Conv/Gemm/BatchNormalization that fed
 * it, and counting that value's consumers to decide whether it may be
 * merged. Also the per-channel bias and pre-activation maxima of an entry
 * and the plain-words explanation of an all-zero channel. It does not run
 * the model or compute statistics of the shown values (fm-stats.c).
 */
#include "config.h"

#include "fm-layers.h"

#include <glib/gi18n-lib.h>
#include <math.h>

static gboolean
is_elementwise_activation (FmOpType op)
{
  switch (op)
    {
    case FM_OP_Relu:
    case FM_OP_LeakyRelu:
    case FM_OP_Clip:
    case FM_OP_Sigmoid:
    case FM_OP_Tanh:
    case FM_OP_HardSigmoid:
    case FM_OP_HardSwish:
    case FM_OP_PRelu:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_pre_producer (FmOpType op)
{
  return op == FM_OP_Conv || op == FM_OP_Gemm || op == FM_OP_BatchNormalization;
}

static gboolean
has_bias_input (FmOpType op)
{
  return op == FM_OP_Conv || op == FM_OP_Gemm;
}

/* Input 2 of @node_index when it is a float constant, else -1. */
static int
bias_of_node (const FmModel *model,
              int            node_index)
{
  const FmNode *node;
  int id;

  if (node_index < 0 || (guint) node_index >= model->n_nodes)
    return -1;
  node = &model->nodes[node_index];
  if (!has_bias_input (node->op) || node->n_inputs < 3)
    return -1;
  id = node->inputs[2];
  if (id < 0 || (guint) id >= model->n_values)
    return -1;
  if (model->values[id].kind != FM_VALUE_CONST ||
      model->values[id].dtype != FM_DTYPE_FLOAT ||
      model->values[id].constant == NULL)
    return -1;
  return id;
}

/* TRUE when @value_id is used by exactly one planned node, @node_index,
 * as its input 0 only, and is not a graph output. */
static gboolean
feeds_only (const FmModel *model,
            int            value_id,
            int            node_index)
{
  for (guint i = 0; i < model->n_outputs; i++)
    if (model->outputs[i] == value_id)
      return FALSE;

  for (guint k = 0; k < model->n_plan; k++)
    {
      const FmNode *node = &model->nodes[model->plan[k]];

      for (guint j = 0; j < node->n_inputs; j++)
        {
          if (node->inputs[j] != value_id)
            continue;
          if ((int) model->plan[k] != node_index || j != 0)
            return FALSE;
        }
    }
  return TRUE;
}

/* Fills the pre_* and bias fields of @layer from its node. */
static void
find_pre (const FmModel *model,
          FmLayer       *layer)
{
  const FmNode *node = &model->nodes[layer->node];

  layer->pre_value_id = -1;
  layer->pre_node = -1;
  layer->merged = FALSE;

  if (is_elementwise_activation (node->op) && node->n_inputs >= 1 && node->inputs[0] >= 0)
    {
      int in = node->inputs[0];
      const FmValue *v = &model->values[in];

      if (v->kind == FM_VALUE_ACTIVATION && v->producer >= 0 &&
          is_pre_producer (model->nodes[v->producer].op))
        {
          layer->pre_value_id = in;
          layer->pre_node = v->producer;
        }
    }

  layer->bias_value_id = layer->pre_node >= 0 ? bias_of_node (model, layer->pre_node)
                                              : bias_of_node (model, layer->node);
}

GArray *
fm_layers_list (const FmModel *model,
                gboolean       merge_activations)
{
  GArray *layers = g_array_new (FALSE, TRUE, sizeof (FmLayer));
  g_autofree gboolean *hidden = NULL; /* [n_values]: merged into a later entry */

  g_return_val_if_fail (model != NULL, layers);

  hidden = g_new0 (gboolean, model->n_values);

  /* First pass: which pre-activations are folded into their activation. */
  if (merge_activations)
    {
      for (guint k = 0; k < model->n_plan; k++)
        {
          int node_index = (int) model->plan[k];
          const FmNode *node = &model->nodes[node_index];

          for (guint o = 0; o < node->n_outputs; o++)
            {
              FmLayer layer = { .value_id = node->outputs[o], .node = node_index };

              if (!fm_model_is_feature_map (model, layer.value_id))
                continue;
              find_pre (model, &layer);
              if (layer.pre_value_id >= 0 &&
                  fm_model_is_feature_map (model, layer.pre_value_id) &&
                  feeds_only (model, layer.pre_value_id, node_index))
                hidden[layer.pre_value_id] = TRUE;
            }
        }
    }

  for (guint k = 0; k < model->n_plan; k++)
    {
      int node_index = (int) model->plan[k];
      const FmNode *node = &model->nodes[node_index];

      for (guint o = 0; o < node->n_outputs; o++)
        {
          FmLayer layer = { .value_id = node->outputs[o], .node = node_index };

          if (!fm_model_is_feature_map (model, layer.value_id) || hidden[layer.value_id])
            continue;
          find_pre (model, &layer);
          layer.merged = layer.pre_value_id >= 0 && hidden[layer.pre_value_id];
          g_array_append_val (layers, layer);
        }
    }

  return layers;
}

const char *
fm_layer_op_label (const FmModel *model,
                   const FmLayer *layer)
{
  char buf[128];

  g_return_val_if_fail (model != NULL && layer != NULL, NULL);
  g_return_val_if_fail (layer->node >= 0 && (guint) layer->node < model->n_nodes, NULL);

  if (!layer->merged || layer->pre_node < 0)
    return fm_op_type_name (model->nodes[layer->node].op);

  g_snprintf (buf, sizeof buf, "%s + %s",
              fm_op_type_name (model->nodes[layer->pre_node].op),
              fm_op_type_name (model->nodes[layer->node].op));
  return g_intern_string (buf);
}

guint
fm_layer_channels (const FmModel *model,
                   const FmLayer *layer)
{
  const FmValue *v;

  g_return_val_if_fail (model != NULL && layer != NULL, 0);
  g_return_val_if_fail (layer->value_id >= 0 && (guint) layer->value_id < model->n_values, 0);

  v = &model->values[layer->value_id];
  return v->shape.rank >= 2 ? (guint) v->shape.dims[1] : 0;
}

float
fm_layer_bias (const FmModel *model,
               const FmLayer *layer,
               guint          channel)
{
  const FmConstTensor *bias;
  const float *data; /* [C] or [1] */

  g_return_val_if_fail (model != NULL && layer != NULL, 0.0f);

  if (layer->bias_value_id < 0 || (guint) layer->bias_value_id >= model->n_values)
    return 0.0f;
  bias = model->values[layer->bias_value_id].constant;
  if (bias == NULL || bias->dtype != FM_DTYPE_FLOAT || bias->numel == 0)
    return 0.0f;
  data = bias->data;
  if (bias->numel == 1)
    return data[0];
  return channel < bias->numel ? data[channel] : 0.0f;
}

void
fm_layer_pre_activation_max_item (const FmModel *model,
                                  const FmLayer *layer,
                                  FmRun         *run,
                                  guint          item,
                                  float         *out)
{
  guint channels;
  const FmValue *pre;
  const float *data; /* [N, C, H, W] */
  guint pre_channels;
  gsize plane = 1;

  g_return_if_fail (model != NULL && layer != NULL && run != NULL && out != NULL);

  channels = fm_layer_channels (model, layer);
  for (guint c = 0; c < channels; c++)
    out[c] = NAN;

  if (layer->pre_value_id < 0 || (guint) layer->pre_value_id >= model->n_values)
    return;
  pre = &model->values[layer->pre_value_id];
  if (pre->dtype != FM_DTYPE_FLOAT || pre->shape.rank < 2 || item >= pre->shape.dims[0])
    return;
  data = fm_run_value_data (run, layer->pre_value_id);
  if (data == NULL)
    return;

  pre_channels = (guint) pre->shape.dims[1];
  for (int d = 2; d < pre->shape.rank; d++)
    plane *= (gsize) pre->shape.dims[d];
  data += (gsize) item * pre_channels * plane;

  for (guint c = 0; c < MIN (channels, pre_channels); c++)
    {
      const float *p = data + (gsize) c * plane; /* [H, W] */
      float m = NAN;

      /* fmaxf returns the other operand when one is NaN. */
      for (gsize i = 0; i < plane; i++)
        m = fmaxf (m, p[i]);
      out[c] = m;
    }
}

void
fm_layer_pre_activation_max (const FmModel *model,
                             const FmLayer *layer,
                             FmRun         *run,
                             float         *out)
{
  fm_layer_pre_activation_max_item (model, layer, run, 0, out);
}

char *
fm_layer_explain_zero (const FmModel *model,
                       const FmLayer *layer,
                       guint          channel,
                       float          pre_activation_max,
                       gboolean       have_pre)
{
  FmOpType op;
  gboolean has_bias;
  float bias;

  g_return_val_if_fail (model != NULL && layer != NULL, NULL);

  if (!have_pre || layer->pre_value_id < 0 || isnan (pre_activation_max))
    return g_strdup (_("This map is zero for this input. A channel that is zero for one "
                       "input is normal: its pattern is absent here."));

  op = model->nodes[layer->node].op;
  has_bias = layer->bias_value_id >= 0;
  bias = fm_layer_bias (model, layer, channel);

  if (op == FM_OP_Relu && pre_activation_max <= 0.0f)
    {
      if (has_bias)
        /* Translators: the numbers are the largest value before ReLU and
         * the channel's bias. */
        return g_strdup_printf (_("The largest pre-activation was %.2f, so ReLU zeroed every "
                                  "position; the bias is %.2f."),
                                pre_activation_max, bias);
      return g_strdup_printf (_("The largest pre-activation was %.2f, so ReLU zeroed every "
                                "position."),
                              pre_activation_max);
    }

  if (has_bias)
    /* Translators: the first number is the largest value before the
     * activation function named by %s (an ONNX op name such as Clip), the
     * second the channel's bias. */
    return g_strdup_printf (_("The largest pre-activation was %.2f; after %s every position "
                              "is zero or close to it; the bias is %.2f."),
                            pre_activation_max, fm_op_type_name (op), bias);
  return g_strdup_printf (_("The largest pre-activation was %.2f; after %s every position "
                            "is zero or close to it."),
                          pre_activation_max, fm_op_type_name (op));
}
