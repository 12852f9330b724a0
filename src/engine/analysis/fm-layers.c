/* fm-layers.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The viewer's layer list from a loaded model (rules in fm-layers.h): the
 * axes of every value (fm-layout.c) decide which activations are layers
 * and how their maps are read; one walk over the plan, looking one node back from each element-wise
 * activation for the Conv/Gemm/BatchNormalization that fed it; what an
 * all-zero channel means; and friendly names, from one parse of each
 * value name into module path and op part (FmNameParts).
 */
#include "config.h"

#include "fm-layers.h"
#include "fm-layout.h"
#include "fm-stats.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* The element-wise activations: a layer they make is one whose channels
 * fire or not. */
static const FmOpType activation_ops[] = {
  FM_OP_Relu, FM_OP_LeakyRelu, FM_OP_Clip, FM_OP_Sigmoid, FM_OP_Tanh, FM_OP_HardSigmoid,
  FM_OP_HardSwish, FM_OP_PRelu,
};

static gboolean
is_elementwise_activation (FmOpType op)
{
  for (guint i = 0; i < G_N_ELEMENTS (activation_ops); i++)
    if (activation_ops[i] == op)
      return TRUE;
  return FALSE;
}

gboolean
fm_layer_op_label_is_activation (const char *label)
{
  const char *last;

  g_return_val_if_fail (label != NULL, FALSE);

  /* "Conv + Relu": the op that made it is the last */
  last = strrchr (label, ' ');
  last = last != NULL ? last + 1 : label;
  for (guint i = 0; i < G_N_ELEMENTS (activation_ops); i++)
    if (g_str_equal (last, fm_op_type_name (activation_ops[i])))
      return TRUE;
  return FALSE;
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

/* s * s == n for some s >= 2: that s, else 0. */
static guint
square_side (gint64 n)
{
  for (gint64 side = 2; side * side <= n; side++)
    if (side * side == n)
      return (guint) side;
  return 0;
}

static gboolean
axes_are (const FmAxes *a,
          FmAxis        a0,
          FmAxis        a1,
          FmAxis        a2,
          FmAxis        a3)
{
  return a->axis[0] == a0 && a->axis[1] == a1 && a->axis[2] == a2 && a->axis[3] == a3;
}

/* Fills the layout and map size of @layer when value @id is a layer (see
 * fm-layers.h) with the axes @a. */
static gboolean
classify (const FmModel *model,
          int            id,
          const FmAxes  *a,
          FmLayer       *layer)
{
  const FmValue *v;
  const gint64 *d;

  if (id < 0 || (guint) id >= model->n_values)
    return FALSE;
  v = &model->values[id];
  d = v->shape.dims;
  if (v->kind != FM_VALUE_ACTIVATION || v->dtype != FM_DTYPE_FLOAT)
    return FALSE;
  layer->height = 1;
  if (v->shape.rank == 4 && axes_are (a, FM_AXIS_N, FM_AXIS_C, FM_AXIS_H, FM_AXIS_W))
    {
      layer->layout = FM_LAYOUT_NCHW;
      layer->channels = (guint) d[1];
      layer->height = (guint) d[2];
      layer->width = (guint) d[3];
    }
  else if (v->shape.rank == 4 && axes_are (a, FM_AXIS_N, FM_AXIS_H, FM_AXIS_W, FM_AXIS_C))
    {
      layer->layout = FM_LAYOUT_NHWC;
      layer->channels = (guint) d[3];
      layer->height = (guint) d[1];
      layer->width = (guint) d[2];
    }
  else if (v->shape.rank == 3 && a->axis[0] == FM_AXIS_N && a->axis[1] == FM_AXIS_C &&
           (a->axis[2] == FM_AXIS_L || a->axis[2] == FM_AXIS_G))
    {
      layer->layout = FM_LAYOUT_NCL;
      layer->channels = (guint) d[1];
      layer->width = (guint) d[2];
    }
  else if (v->shape.rank == 3 && axes_are (a, FM_AXIS_N, FM_AXIS_G, FM_AXIS_C, 0) &&
           d[1] > 1 && square_side (d[1] - 1) > 0)
    {
      layer->layout = FM_LAYOUT_TOKENS;
      layer->channels = (guint) d[2];
      layer->height = layer->width = square_side (d[1] - 1);
    }
  else
    return FALSE;
  return TRUE;
}

GArray *
fm_layers_list (const FmModel *model,
                gboolean       merge_activations)
{
  GArray *layers = g_array_new (FALSE, TRUE, sizeof (FmLayer));
  g_autofree gboolean *hidden = NULL; /* [n_values]: merged into a later entry */
  g_autofree FmLayer *shown = NULL;   /* [n_values]: layout and size of a layer */
  g_autofree gboolean *is_layer = NULL;
  g_autofree FmAxes *axes = NULL;

  g_return_val_if_fail (model != NULL, layers);

  hidden = g_new0 (gboolean, MAX (model->n_values, 1));
  shown = g_new0 (FmLayer, MAX (model->n_values, 1));
  is_layer = g_new0 (gboolean, MAX (model->n_values, 1));
  axes = fm_layout_infer (model);
  for (guint i = 0; i < model->n_values; i++)
    is_layer[i] = classify (model, (int) i, &axes[i], &shown[i]);

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

              if (layer.value_id < 0 || !is_layer[layer.value_id])
                continue;
              find_pre (model, &layer);
              if (layer.pre_value_id >= 0 && is_layer[layer.pre_value_id] &&
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
          int id = node->outputs[o];
          FmLayer layer;

          if (id < 0 || !is_layer[id] || hidden[id])
            continue;
          layer = shown[id];
          layer.value_id = id;
          layer.node = node_index;
          layer.plan_end = k + 1;
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

gboolean
fm_layer_is_activation (const FmModel *model,
                        const FmLayer *layer)
{
  g_return_val_if_fail (model != NULL && layer != NULL, FALSE);
  g_return_val_if_fail (layer->node >= 0 && (guint) layer->node < model->n_nodes, FALSE);

  return is_elementwise_activation (model->nodes[layer->node].op);
}

guint
fm_layer_channels (const FmModel *model,
                   const FmLayer *layer)
{
  g_return_val_if_fail (model != NULL && layer != NULL, 0);

  return layer->channels;
}

guint
fm_layer_batch (const FmModel *model,
                const FmLayer *layer)
{
  g_return_val_if_fail (model != NULL && layer != NULL, 0);
  g_return_val_if_fail (layer->value_id >= 0 && (guint) layer->value_id < model->n_values, 0);

  return (guint) model->values[layer->value_id].shape.dims[0];
}

const char *
fm_layout_name (FmLayout layout)
{
  switch (layout)
    {
    case FM_LAYOUT_NCHW:
      return "NCHW";
    case FM_LAYOUT_NHWC:
      return "NHWC";
    case FM_LAYOUT_TOKENS:
      return "tokens";
    case FM_LAYOUT_NCL:
      return "NCL";
    default:
      return "?";
    }
}

char *
fm_layer_layout_text (const FmLayer *layer)
{
  g_return_val_if_fail (layer != NULL, NULL);

  switch (layer->layout)
    {
    case FM_LAYOUT_NHWC:
      /* Translators: how a tensor of shape [N, H, W, C] is read */
      return g_strdup (_("channels last"));
    case FM_LAYOUT_TOKENS:
      /* Translators: a vision transformer's tokens [1, 1 + 14 × 14, D]
       * read as D maps of 14 × 14 (the class token left out) */
      return g_strdup_printf (_("tokens as %u × %u grid"), layer->height, layer->width);
    case FM_LAYOUT_NCL:
      /* Translators: each channel of a [N, C, L] tensor drawn as a strip
       * one cell high and L wide */
      return g_strdup_printf (_("1 × %u strips"), layer->width);
    case FM_LAYOUT_NCHW:
    default:
      return NULL;
    }
}

char *
fm_layer_shape_text (const FmModel *model,
                     const FmLayer *layer)
{
  g_autofree char *shape = NULL;
  g_autofree char *reading = NULL;

  g_return_val_if_fail (model != NULL && layer != NULL, NULL);

  shape = fm_shape_to_string (&model->values[layer->value_id].shape);
  reading = fm_layer_layout_text (layer);
  if (reading == NULL)
    return g_steal_pointer (&shape);
  /* Translators: a tensor's shape, then how it is read, e.g.
   * "[1, 7, 7, 8], channels last" */
  return g_strdup_printf (C_("shape and layout", "%s, %s"), shape, reading);
}

/* Where cell (c, y, x) of batch item 0 lies, in floats from the value's
 * start: offset + c * c_step + y * y_step + x * x_step; item_step more
 * for each item. */
typedef struct
{
  gsize item_step, offset, c_step, y_step, x_step;
} CellSteps;

static void
cell_steps (const FmShape *shape,
            const FmLayer *layer,
            CellSteps     *s)
{
  gsize C = layer->channels, H = layer->height, W = layer->width;

  switch (layer->layout)
    {
    case FM_LAYOUT_NHWC:
      *s = (CellSteps) { H * W * C, 0, 1, W * C, C };
      break;
    case FM_LAYOUT_TOKENS:
      /* [N, 1 + H * W, C]: token 0 is the class token */
      *s = (CellSteps) { (gsize) shape->dims[1] * C, C, 1, W * C, C };
      break;
    case FM_LAYOUT_NCHW:
    case FM_LAYOUT_NCL:
    default:
      *s = (CellSteps) { C * H * W, 0, H * W, W, 1 };
      break;
    }
}

/* Channel @c of the item at @item_data into @out ([H, W]). */
static void
gather_channel (const float     *item_data,
                const CellSteps *s,
                const FmLayer   *layer,
                guint            c,
                float           *out)
{
  const float *p = item_data + s->offset + (gsize) c * s->c_step;

  for (guint y = 0; y < layer->height; y++)
    for (guint x = 0; x < layer->width; x++)
      *out++ = p[(gsize) y * s->y_step + (gsize) x * s->x_step];
}

guint
fm_layer_plan_end (const FmModel *model,
                   const FmLayer *layer)
{
  g_return_val_if_fail (model != NULL && layer != NULL, 0);

  /* kept by fm_layers_list (); searched for an entry made otherwise */
  if (layer->plan_end > 0)
    return layer->plan_end;
  for (guint k = 0; k < model->n_plan; k++)
    if (model->plan[k] == (guint) layer->node)
      return k + 1;
  return 0;
}

gsize
fm_layer_copy_size (const FmLayer *layer)
{
  g_return_val_if_fail (layer != NULL, 0);

  if (layer->layout == FM_LAYOUT_NCHW || layer->layout == FM_LAYOUT_NCL)
    return 0;
  return (gsize) layer->channels * layer->height * layer->width;
}

/* @layer's cells read from @data, a value of the entry's shape. */
static const float *
planes_of (const FmModel *model,
           const FmLayer *layer,
           const float   *data,
           guint          item,
           float         *buffer)
{
  CellSteps s;
  gsize plane = (gsize) layer->height * layer->width;

  if (data == NULL || item >= fm_layer_batch (model, layer))
    return NULL;
  cell_steps (&model->values[layer->value_id].shape, layer, &s);
  data += (gsize) item * s.item_step;
  if (fm_layer_copy_size (layer) == 0)
    return data;
  g_return_val_if_fail (buffer != NULL, NULL);
  for (guint c = 0; c < layer->channels; c++)
    gather_channel (data, &s, layer, c, buffer + (gsize) c * plane);
  return buffer;
}

const float *
fm_layer_planes (const FmModel *model,
                 const FmLayer *layer,
                 FmRun         *run,
                 guint          item,
                 float         *buffer)
{
  g_return_val_if_fail (model != NULL && layer != NULL && run != NULL, NULL);

  return planes_of (model, layer, fm_run_value_data (run, layer->value_id), item, buffer);
}

const float *
fm_layer_all_planes (const FmModel *model,
                     const FmLayer *layer,
                     FmRun         *run,
                     FmShape       *shape_out,
                     float        **copy_out)
{
  const FmValue *v;
  gsize per_item;
  guint n;
  float *copy;

  g_return_val_if_fail (model != NULL && layer != NULL && run != NULL, NULL);
  g_return_val_if_fail (shape_out != NULL && copy_out != NULL, NULL);

  v = &model->values[layer->value_id];
  *copy_out = NULL;
  per_item = fm_layer_copy_size (layer);
  if (per_item == 0)
    {
      *shape_out = v->shape;
      return fm_run_value_data (run, layer->value_id);
    }
  n = fm_layer_batch (model, layer);
  copy = g_try_new (float, MAX ((gsize) n * per_item, 1));
  if (copy == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    if (fm_layer_planes (model, layer, run, i, copy + (gsize) i * per_item) == NULL)
      {
        g_free (copy);
        return NULL;
      }
  *shape_out = (FmShape) { .rank = 4, .dims = { n, layer->channels, layer->height,
                                                 layer->width } };
  *copy_out = copy;
  return copy;
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

float
fm_layer_pre_activation_max_channel (const FmModel *model,
                                     const FmLayer *layer,
                                     FmRun         *run,
                                     guint          channel)
{
  const FmValue *pre;
  const float *data;
  CellSteps s;
  gsize plane = (gsize) layer->height * layer->width;
  g_autofree float *cells = NULL; /* [H, W] */

  g_return_val_if_fail (model != NULL && layer != NULL && run != NULL, NAN);

  if (layer->pre_value_id < 0 || (guint) layer->pre_value_id >= model->n_values ||
      channel >= layer->channels)
    return NAN;
  /* An element-wise activation: the pre-activation has the entry's shape,
   * so its cells lie where the entry's do. */
  pre = &model->values[layer->pre_value_id];
  if (pre->dtype != FM_DTYPE_FLOAT ||
      !fm_shape_equal (&pre->shape, &model->values[layer->value_id].shape))
    return NAN;
  data = fm_run_value_data (run, layer->pre_value_id);
  if (data == NULL)
    return NAN;
  cell_steps (&pre->shape, layer, &s);
  if (fm_layer_copy_size (layer) == 0)
    return fm_plane_max (data + (gsize) channel * s.c_step, plane);
  cells = g_new (float, MAX (plane, 1));
  gather_channel (data, &s, layer, channel, cells);
  return fm_plane_max (cells, plane);
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


/* Friendly names */

/* A value name taken apart (see fm_layer_friendly_name()). */
typedef struct
{
  char *module;  /* the module path joined with '.', "" when there is none */
  char *path;    /* the module's parts as exported, joined with '/' */
  char *op_part; /* the dropped last part ("Relu", "Mul_1", "BiasAdd"), or NULL */
  char *base;    /* the context-free friendly name, never empty */
} FmNameParts;

static void
name_parts_clear (FmNameParts *p)
{
  g_clear_pointer (&p->module, g_free);
  g_clear_pointer (&p->path, g_free);
  g_clear_pointer (&p->op_part, g_free);
  g_clear_pointer (&p->base, g_free);
}

/* TRUE when @s[from, to) is one or more ASCII digits. */
static gboolean
all_digits (const char *s,
            gsize       from,
            gsize       to)
{
  if (from >= to)
    return FALSE;
  for (gsize i = from; i < to; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* @part is @op_type or @op_type "_N". */
static gboolean
part_is_op (const char *part,
            const char *op_type)
{
  gsize n;

  if (op_type == NULL || *op_type == '\0' || !g_str_has_prefix (part, op_type))
    return FALSE;
  n = strlen (op_type);
  return part[n] == '\0' ||
         (part[n] == '_' && all_digits (part, n + 1, strlen (part)));
}

static gboolean
is_tf_plumbing (const char *part)
{
  return strcmp (part, "StatefulPartitionedCall") == 0 ||
         strcmp (part, "PartitionedCall") == 0;
}

static void
name_parts_init (FmNameParts *p,
                 const char  *tensor_name,
                 const char  *op_type)
{
  static const char output_tag[] = "_output_";
  gsize end = strlen (tensor_name);
  gboolean tf = FALSE;
  const char *colon = strrchr (tensor_name, ':');
  g_autofree char *stem = NULL;
  g_auto(GStrv) split = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();      /* borrowed from split */
  g_autoptr(GPtrArray) collapsed = g_ptr_array_new ();  /* borrowed from split */

  memset (p, 0, sizeof *p);

  /* "name:0" (TensorFlow), not "onnx::123" */
  if (colon != NULL && colon > tensor_name && colon[-1] != ':' &&
      all_digits (tensor_name, (gsize) (colon - tensor_name) + 1, end))
    {
      end = (gsize) (colon - tensor_name);
      tf = TRUE;
    }
  else
    {
      /* the last "_output_" followed by digits up to the end */
      const char *tag = NULL;

      for (const char *q = strstr (tensor_name, output_tag); q != NULL;
           q = strstr (q + 1, output_tag))
        tag = q;
      if (tag != NULL &&
          all_digits (tensor_name, (gsize) (tag - tensor_name) + strlen (output_tag), end))
        end = (gsize) (tag - tensor_name);
    }

  stem = g_strndup (tensor_name, end);
  split = g_strsplit (stem, "/", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (split[i][0] != '\0' && !is_tf_plumbing (split[i]))
      g_ptr_array_add (parts, split[i]);

  if (parts->len > 0)
    {
      const char *last = g_ptr_array_index (parts, parts->len - 1);

      if (part_is_op (last, op_type) || (tf && parts->len >= 2))
        {
          p->op_part = g_strdup (last);
          g_ptr_array_set_size (parts, parts->len - 1);
        }
    }

  /* "layer4", "layer4.0", "relu" -> "layer4.0", "relu" */
  for (guint i = 0; i < parts->len; i++)
    {
      char *part = g_ptr_array_index (parts, i);

      if (collapsed->len > 0)
        {
          const char *prev = g_ptr_array_index (collapsed, collapsed->len - 1);
          gsize n = strlen (prev);

          if (strncmp (part, prev, n) == 0 && part[n] == '.')
            {
              g_ptr_array_index (collapsed, collapsed->len - 1) = part;
              continue;
            }
        }
      g_ptr_array_add (collapsed, part);
    }

  g_ptr_array_add (parts, NULL);
  g_ptr_array_add (collapsed, NULL);
  p->path = g_strjoinv ("/", (char **) parts->pdata);
  p->module = g_strjoinv (".", (char **) collapsed->pdata);

  if (p->module[0] != '\0')
    p->base = g_strdup (p->module);
  else if (p->op_part != NULL)
    p->base = g_strdup (p->op_part);
  else if (tensor_name[0] != '\0')
    p->base = g_strdup (tensor_name);
  else
    p->base = g_strdup (op_type != NULL && *op_type != '\0' ? op_type : "?");
}

char *
fm_layer_friendly_name (const char *tensor_name,
                        const char *op_type)
{
  FmNameParts p;
  char *name;

  g_return_val_if_fail (tensor_name != NULL, NULL);

  name_parts_init (&p, tensor_name, op_type);
  name = g_steal_pointer (&p.base);
  name_parts_clear (&p);
  return name;
}

/* The module paths (FmNameParts.path) with a value of @model deeper under
 * them: every proper prefix of every value's path. */
static GHashTable *
module_paths_with_children (const FmModel *model)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint k = 0; k < model->n_nodes; k++)
    {
      const FmNode *node = &model->nodes[k];

      for (guint o = 0; o < node->n_outputs; o++)
        {
          FmNameParts p;
          const char *slash;
          int id = node->outputs[o];

          if (id < 0 || (guint) id >= model->n_values || model->values[id].name == NULL)
            continue;
          name_parts_init (&p, model->values[id].name, fm_op_type_name (node->op));
          for (slash = strchr (p.path, '/'); slash != NULL; slash = strchr (slash + 1, '/'))
            g_hash_table_add (set, g_strndup (p.path, (gsize) (slash - p.path)));
          name_parts_clear (&p);
        }
    }
  return set;
}

/* The names one entry may take, from the shortest (see
 * fm_layers_friendly_names()); a step may repeat the one before. */
#define FM_NAME_STEPS 4

typedef struct
{
  char  *steps[FM_NAME_STEPS];
  guint  step;     /* the one in use */
} NameChoice;

/* The names @layer may take, shortest first. */
static void
name_choice_init (NameChoice    *c,
                  const FmModel *model,
                  const FmLayer *layer,
                  GHashTable    *parents)
{
  const char *tensor = model->values[layer->value_id].name;
  const char *op = fm_op_type_name (model->nodes[layer->node].op);
  FmNameParts p;

  name_parts_init (&p, tensor, op);
  /* An op in the forward of a module with children is not that module. */
  if (p.op_part != NULL && p.module[0] != '\0' &&
      g_hash_table_contains (parents, p.path))
    c->steps[0] = g_strdup_printf ("%s (%s)", p.module, op);
  else
    c->steps[0] = g_strdup (p.base);
  c->steps[1] = p.module[0] != '\0' ? g_strdup_printf ("%s (%s)", p.module, op)
                                     : g_strdup (c->steps[0]);
  c->steps[2] = p.module[0] != '\0' && p.op_part != NULL
                ? g_strdup_printf ("%s (%s)", p.module, p.op_part)
                : g_strdup (c->steps[1]);
  c->steps[3] = g_strdup (tensor[0] != '\0' ? tensor : c->steps[2]);
  name_parts_clear (&p);
}

/* Rounds: every entry of a colliding name that has a next step takes it.
 * Each round moves at least one entry one step, so this ends. */
static void
name_choices_spread (NameChoice *choices,
                     guint       n)
{
  for (;;)
    {
      g_autoptr(GHashTable) count = g_hash_table_new (g_str_hash, g_str_equal);
      gboolean moved = FALSE;

      for (guint i = 0; i < n; i++)
        {
          const char *name = choices[i].steps[choices[i].step];
          guint k = GPOINTER_TO_UINT (g_hash_table_lookup (count, name));

          g_hash_table_insert (count, (gpointer) name, GUINT_TO_POINTER (k + 1));
        }
      for (guint i = 0; i < n; i++)
        {
          NameChoice *c = &choices[i];

          if (GPOINTER_TO_UINT (g_hash_table_lookup (count, c->steps[c->step])) > 1 &&
              c->step + 1 < FM_NAME_STEPS)
            {
              c->step++;
              moved = TRUE;
            }
        }
      if (!moved)
        return;
    }
}

/* The chosen names. Only the same value listed twice (or values without a
 * name) still collide here: the second and later get " (2)", " (3)", ... */
static char **
name_choices_number (const NameChoice *choices,
                     guint             n)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  char **names = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    g_hash_table_add (taken, choices[i].steps[choices[i].step]);
  for (guint i = 0; i < n; i++)
    {
      const char *name = choices[i].steps[choices[i].step];

      if (g_hash_table_add (seen, (gpointer) name))
        {
          names[i] = g_strdup (name);
          continue;
        }
      for (guint k = 2; names[i] == NULL; k++)
        {
          char *candidate = g_strdup_printf ("%s (%u)", name, k);

          if (g_hash_table_contains (taken, candidate))
            g_free (candidate);
          else
            {
              names[i] = candidate;
              g_hash_table_add (taken, candidate);
            }
        }
    }
  return names;
}

void
fm_layers_friendly_names (const FmModel *model,
                          GArray        *layers,
                          char        ***names_out)
{
  g_autoptr(GHashTable) parents = NULL;
  g_autofree NameChoice *choices = NULL;
  guint n;

  g_return_if_fail (names_out != NULL);
  *names_out = NULL;
  g_return_if_fail (model != NULL && layers != NULL);
  g_return_if_fail (g_array_get_element_size (layers) == sizeof (FmLayer));

  n = layers->len;
  for (guint i = 0; i < n; i++)
    {
      const FmLayer *layer = &g_array_index (layers, FmLayer, i);

      g_return_if_fail (layer->value_id >= 0 && (guint) layer->value_id < model->n_values);
      g_return_if_fail (layer->node >= 0 && (guint) layer->node < model->n_nodes);
    }

  parents = module_paths_with_children (model);
  choices = g_new0 (NameChoice, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    name_choice_init (&choices[i], model, &g_array_index (layers, FmLayer, i), parents);
  name_choices_spread (choices, n);
  *names_out = name_choices_number (choices, n);

  for (guint i = 0; i < n; i++)
    for (guint k = 0; k < FM_NAME_STEPS; k++)
      g_free (choices[i].steps[k]);
}

GArray *
fm_layer_zero_channels (const FmModel *model,
                        const FmLayer *layer,
                        FmRun         *run,
                        float          epsilon)
{
  guint batch = fm_layer_batch (model, layer), channels = layer->channels;
  gsize plane = (gsize) layer->height * layer->width;
  g_autofree FmChannelStats *stats = g_new (FmChannelStats, MAX (channels, 1));
  g_autofree gboolean *zero = g_new (gboolean, MAX (channels, 1));
  g_autofree float *buffer = g_new (float, MAX (fm_layer_copy_size (layer), 1));
  GArray *zeros = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint c = 0; c < channels; c++)
    zero[c] = TRUE;
  for (guint n = 0; n < batch; n++)
    {
      const float *planes = fm_layer_planes (model, layer, run, n, buffer);

      if (planes == NULL)
        continue;
      fm_channel_stats_compute (planes, channels, plane, epsilon, stats);
      for (guint c = 0; c < channels; c++)
        zero[c] &= stats[c].all_zero;
    }
  for (guint c = 0; c < channels; c++)
    if (zero[c])
      {
        int ci = (int) c;

        g_array_append_val (zeros, ci);
      }
  return zeros;
}
