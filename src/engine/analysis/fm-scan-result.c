/* fm-scan-result.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scan's result: the workers' sums merged into one, the
 * pre-activation maxima taken from the layers they come from, the
 * per-class counts, the derived values (dead, rare and near-dead lists,
 * APoZ, the layer warning; _fm_scan_result_finish_layer, shared with
 * the file reader and the merge of shards) and each dead channel's
 * diagnosis; and the result's reference counting.
 */
#include "config.h"

#include "fm-scan-private.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "fm-op.h"

/* ---- result ----------------------------------------------------------- */

FmScanResult *
_fm_scan_result_new (void)
{
  FmScanResult *result = g_new0 (FmScanResult, 1);

  result->ref_count = 1;
  return result;
}

void
_fm_scan_layer_clear (FmScanLayer *l)
{
  g_free (l->name);
  g_free (l->op);
  g_free (l->zero_count);
  g_free (l->fire_count);
  g_free (l->max);
  g_free (l->mean);
  g_free (l->pre_activation_max);
  g_free (l->bias);
  g_free (l->weight_max_abs);
  g_free (l->diagnosis);
  g_free (l->top_index);
  g_free (l->top_max);
  g_free (l->dead);
  g_free (l->rare);
  g_free (l->zero_cells);
  g_free (l->value_count);
  g_free (l->sum);
  g_free (l->apoz);
  g_free (l->near_dead);
  g_free (l->class_fire_count);
}

FmScanResult *
fm_scan_result_ref (FmScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  g_atomic_int_inc (&result->ref_count);
  return result;
}

void
fm_scan_result_unref (FmScanResult *result)
{
  if (result == NULL || !g_atomic_int_dec_and_test (&result->ref_count))
    return;
  for (guint i = 0; i < result->n_layers; i++)
    _fm_scan_layer_clear (&result->layers[i]);
  g_free (result->layers);
  for (guint i = 0; result->class_names != NULL && i < result->n_classes; i++)
    g_free (result->class_names[i]);
  g_free (result->class_names);
  g_free (result->class_images);
  g_free (result->model_path);
  g_free (result->dataset_path);
  g_free (result->model_sha256);
  g_free (result->preprocess);
  g_free (result->dataset_key);
  g_strfreev (result->warnings);
  g_free (result);
}

int
fm_scan_result_find_layer (const FmScanResult *result,
                           const char         *name)
{
  g_return_val_if_fail (result != NULL && name != NULL, -1);

  for (guint i = 0; i < result->n_layers; i++)
    if (g_strcmp0 (result->layers[i].name, name) == 0)
      return (int) i;
  return -1;
}

gboolean
fm_scan_layer_is_activation (const FmScanLayer *layer)
{
  return layer->op != NULL && fm_layer_op_label_is_activation (layer->op);
}

gboolean
fm_scan_result_has_activations (const FmScanResult *result)
{
  for (guint l = 0; l < result->n_layers; l++)
    if (fm_scan_layer_is_activation (&result->layers[l]))
      return TRUE;
  return FALSE;
}

guint
fm_scan_result_count_dead (const FmScanResult *result)
{
  guint dead = 0;

  for (guint l = 0; l < result->n_layers; l++)
    if (fm_scan_layer_is_activation (&result->layers[l]))
      dead += result->layers[l].n_dead;
  return dead;
}

gboolean
fm_scan_result_check_same_layers (const FmScanResult *result,
                                  const char         *name,
                                  const FmScanResult *first,
                                  const char         *first_name,
                                  GError            **error)
{
  for (guint l = 0; l < first->n_layers; l++)
    {
      const FmScanLayer *want = &first->layers[l];
      int i = fm_scan_result_find_layer (result, want->name);

      if (i < 0)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       /* Translators: checkpoint, the first checkpoint, a layer */
                       _("%s is not the same network as %s: it has no layer %s"),
                       name, first_name, want->name);
          return FALSE;
        }
      if (result->layers[i].channels != want->channels)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       /* Translators: "ep9.onnx is not the same network as ep0.onnx:
                        * relu1 has 6 channels, not 32" */
                       _("%s is not the same network as %s: %s has %u channels, not %u"),
                       name, first_name, want->name, result->layers[i].channels,
                       want->channels);
          return FALSE;
        }
      /* The same layers at another size: a checkpoint exported for
       * another input size, whose channels see other pictures. Unknown
       * (0) in a result cached before sizes were kept. */
      if (result->layers[i].cells_per_image != 0 && want->cells_per_image != 0
          && result->layers[i].cells_per_image != want->cells_per_image)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       /* Translators: "ep9.onnx takes inputs of another size than
                        * ep0.onnx: each map of relu1 has 6400 pixels, not 12544" */
                       _("%s takes inputs of another size than %s: each map of %s has %"
                         PRIu64 " pixels, not %" PRIu64),
                       name, first_name, want->name, result->layers[i].cells_per_image,
                       want->cells_per_image);
          return FALSE;
        }
    }
  for (guint i = 0; i < result->n_layers; i++)
    if (fm_scan_result_find_layer (first, result->layers[i].name) < 0)
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     /* Translators: checkpoint, the first checkpoint, a layer */
                     _("%s is not the same network as %s: it has a layer %s"),
                     name, first_name, result->layers[i].name);
        return FALSE;
      }
  return TRUE;
}

/* APoZ per channel, its mean and population standard deviation over the
 * layer (dead channels included), and the near-dead list: APoZ above
 * mean + 1 standard deviation and at least FM_SCAN_NEAR_DEAD_MIN_APOZ,
 * dead channels left out. */
static void
layer_apoz (FmScanLayer *l,
            guint64      images)
{
  double cells = (double) images * (double) l->cells_per_image;
  double sum = 0, sq = 0;

  g_free (l->apoz);
  g_free (l->near_dead);
  l->apoz = g_new (double, MAX (l->channels, 1));
  l->near_dead = g_new (guint, MAX (l->channels, 1));
  l->n_near_dead = 0;
  l->apoz_mean = l->apoz_std = NAN;
  for (guint c = 0; c < l->channels; c++)
    l->apoz[c] = l->zero_cells != NULL && cells > 0 ? (double) l->zero_cells[c] / cells : NAN;
  if (l->zero_cells == NULL || !(cells > 0) || l->channels == 0)
    return;
  for (guint c = 0; c < l->channels; c++)
    sum += l->apoz[c];
  l->apoz_mean = sum / l->channels;
  for (guint c = 0; c < l->channels; c++)
    sq += (l->apoz[c] - l->apoz_mean) * (l->apoz[c] - l->apoz_mean);
  l->apoz_std = sqrt (sq / l->channels);
  for (guint c = 0; c < l->channels; c++)
    if (l->fire_count[c] > 0 && l->apoz[c] > l->apoz_mean + l->apoz_std &&
        l->apoz[c] >= FM_SCAN_NEAR_DEAD_MIN_APOZ)
      l->near_dead[l->n_near_dead++] = c;
}

void
_fm_scan_result_finish_layer (FmScanLayer *l,
                              guint64      images,
                              double       rare_below)
{
  g_free (l->dead);
  g_free (l->rare);
  l->dead = g_new (guint, MAX (l->channels, 1));
  l->rare = g_new (guint, MAX (l->channels, 1));
  l->n_dead = l->n_rare = 0;
  for (guint c = 0; c < l->channels; c++)
    {
      if (images > 0 && l->fire_count[c] == 0)
        l->dead[l->n_dead++] = c;
      else if (l->fire_count[c] > 0 && (double) l->fire_count[c] < rare_below * (double) images)
        l->rare[l->n_rare++] = c;
      if (l->sum != NULL && l->value_count != NULL)
        l->mean[c] = l->value_count[c] > 0
                     ? (float) (l->sum[c] / (double) l->value_count[c]) : NAN;
    }
  l->dead_warning = l->channels > 0 &&
                    l->n_dead >= FM_SCAN_DEAD_WARNING_SHARE * l->channels;
  layer_apoz (l, images);
}

static gboolean
is_dead (const FmScanLayer *l,
         guint              c,
         guint64            images)
{
  return images > 0 && c < l->channels && l->fire_count[c] == 0;
}

/* Ops whose output channel c reads only input channel c. */
static gboolean
is_channelwise (FmOpType op)
{
  switch (op)
    {
    case FM_OP_MaxPool:
    case FM_OP_AveragePool:
    case FM_OP_Relu:
    case FM_OP_LeakyRelu:
    case FM_OP_Clip:
    case FM_OP_Identity:
    case FM_OP_Dropout:
    case FM_OP_BatchNormalization:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The layer whose value is @value_id, or -1 (the image, a constant, ...). */
static int
layer_of_value (FmScan *scan,
                int     value_id)
{
  for (guint i = 0; i < scan->layers->len; i++)
    if (_fm_scan_layer (scan, i)->value_id == value_id)
      return (int) i;
  return -1;
}

/* Whether every input channel that channel @c of layer @l reads is dead. */
static gboolean
inputs_dead (FmScan             *scan,
             const FmScanResult *result,
             guint               l,
             guint               c)
{
  const FmModel *model = scan->model;
  const FmLayer *layer = _fm_scan_layer (scan, l);
  int node_index = layer->pre_node >= 0 ? layer->pre_node : layer->node;
  const FmNode *node = &model->nodes[node_index];
  int in_layer;
  const FmScanLayer *in;

  if (node->n_inputs < 1 || node->inputs[0] < 0)
    return FALSE;
  in_layer = layer_of_value (scan, node->inputs[0]);
  if (in_layer < 0 || (guint) in_layer >= l)
    return FALSE;  /* the image or something not scanned: never */
  in = &result->layers[in_layer];

  if (node->op == FM_OP_Conv)
    {
      const FmValue *wv = node->n_inputs >= 2 && node->inputs[1] >= 0
                          ? &model->values[node->inputs[1]] : NULL;
      guint m_total = fm_layer_channels (model, layer);
      guint cg, groups, mg, g;

      if (wv == NULL || wv->shape.rank < 2 || m_total == 0)
        return FALSE;
      cg = (guint) wv->shape.dims[1];            /* input channels per group */
      groups = cg > 0 ? in->channels / cg : 0;
      if (groups == 0 || m_total % groups != 0)
        return FALSE;
      mg = m_total / groups;
      g = c / mg;
      for (guint i = g * cg; i < (g + 1) * cg; i++)
        if (!is_dead (in, i, result->images))
          return FALSE;
      return TRUE;
    }
  if (is_channelwise (node->op) && in->channels == fm_layer_channels (model, layer))
    return is_dead (in, c, result->images);
  return FALSE;
}

static void
layer_diagnose (FmScan       *scan,
                FmScanResult *result,
                guint         l)
{
  const FmModel *model = scan->model;
  const FmLayer *layer = _fm_scan_layer (scan, l);
  FmScanLayer *out = &result->layers[l];
  FmOpType op = model->nodes[layer->node].op;

  for (guint c = 0; c < out->channels; c++)
    {
      out->diagnosis[c] = FM_SCAN_DIAGNOSIS_NONE;
      if (!is_dead (out, c, result->images))
        continue;
      if (out->weight_max_abs != NULL && out->weight_max_abs[c] <= FM_SCAN_WEIGHT_COLLAPSED)
        out->diagnosis[c] = FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED;
      else if (inputs_dead (scan, result, l, c))
        out->diagnosis[c] = FM_SCAN_DIAGNOSIS_INPUTS_DEAD;
      else if (out->pre_activation_max != NULL && !isnan (out->pre_activation_max[c]) &&
               out->pre_activation_max[c] <= 0.0f &&
               (op == FM_OP_Relu || op == FM_OP_Clip || op == FM_OP_HardSigmoid ||
                op == FM_OP_HardSwish))
        out->diagnosis[c] = FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE;
      else
        out->diagnosis[c] = FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD;
    }
}

/* The result's own fields, before its layers. */
static FmScanResult *
result_new_for (FmScan       *scan,
                FmScanWorker *workers,
                guint         n_workers,
                double        elapsed)
{
  FmScanResult *result = _fm_scan_result_new ();
  g_autoptr(GPtrArray) warnings = fm_dataset_dup_warnings (scan->dataset);

  result->model_path = g_strdup (scan->model->path);
  result->dataset_path = g_strdup (fm_dataset_get_path (scan->dataset));
  for (guint t = 0; t < n_workers; t++)
    result->images += workers[t].images;
  result->total = scan->total;
  result->top_k = scan->options.top_k;
  result->rare_below = scan->options.rare_below;
  result->epsilon = scan->options.epsilon;
  result->elapsed = elapsed;
  result->warnings = g_new0 (char *, warnings->len + 1);
  for (guint i = 0; i < warnings->len; i++)
    result->warnings[i] = g_strdup (g_ptr_array_index (warnings, i));
  result->n_layers = scan->layers->len;
  result->layers = g_new0 (FmScanLayer, MAX (result->n_layers, 1));
  return result;
}

void
_fm_scan_layer_alloc (FmScanLayer *out,
                      guint        C,
                      guint        k)
{
  out->channels = C;
  out->zero_count = g_new0 (guint64, MAX (C, 1));
  out->zero_cells = g_new0 (guint64, MAX (C, 1));
  out->value_count = g_new0 (guint64, MAX (C, 1));
  out->sum = g_new0 (double, MAX (C, 1));
  out->fire_count = g_new0 (guint64, MAX (C, 1));
  out->max = g_new (float, MAX (C, 1));
  out->mean = g_new (float, MAX (C, 1));
  out->diagnosis = g_new0 (FmScanDiagnosis, MAX (C, 1));
  out->top_index = g_new (gint64, MAX ((gsize) C * k, 1));
  out->top_max = g_new (float, MAX ((gsize) C * k, 1));
}

void
_fm_scan_merge_channel (FmScanLayer  *out,
                        guint64       images,
                        guint         k,
                        FmScanWorker *workers,
                        guint         n_workers,
                        guint         l,
                        guint         c)
{
  gint64 *top_index = out->top_index + (gsize) c * k;
  float *top_max = out->top_max + (gsize) c * k;
  float m = NAN;

  _fm_scan_top_clear (top_index, top_max, k);
  for (guint t = 0; t < n_workers; t++)
    {
      FmScanLayerAcc *acc = &workers[t].acc[l];

      out->zero_count[c] += acc->zero[c];
      out->zero_cells[c] += acc->zero_cells[c];
      out->sum[c] += acc->sum[c];
      out->value_count[c] += acc->count[c];
      if (!isnan (acc->max[c]) && (isnan (m) || acc->max[c] > m))
        m = acc->max[c];
      for (guint j = 0; j < k; j++)
        if (acc->top_index[(gsize) c * k + j] >= 0)
          _fm_scan_top_insert (top_index, top_max, k, acc->top_max[(gsize) c * k + j],
                               acc->top_index[(gsize) c * k + j]);
    }
  out->fire_count[c] = images - out->zero_count[c];
  out->max[c] = m;
}

/* The shared per-class counts as each layer's [C * n_classes] table and
 * the classes' names. */
static void
result_add_classes (FmScan       *scan,
                    FmScanResult *result)
{
  guint n = (guint) (scan->max_label + 1);

  if (scan->class_rows == NULL || scan->max_label < 0)
    return;
  result->n_classes = n;
  result->class_names = g_new0 (char *, n);
  result->class_images = g_new0 (guint64, n);
  for (guint k = 0; k < n; k++)
    {
      const char *name = fm_dataset_get_class_name (scan->dataset, (int) k);

      result->class_names[k] = name != NULL ? g_strdup (name) : g_strdup_printf ("%u", k);
      if (scan->class_rows[k] != NULL)
        result->class_images[k] = scan->class_rows[k][scan->layer_offset[scan->layers->len]];
    }
  for (guint l = 0; l < result->n_layers; l++)
    {
      FmScanLayer *out = &result->layers[l];
      guint64 offset = scan->layer_offset[l];

      out->class_fire_count = g_new0 (guint32, MAX ((gsize) out->channels * n, 1));
      for (guint k = 0; k < n; k++)
        if (scan->class_rows[k] != NULL)
          for (guint c = 0; c < out->channels; c++)
            out->class_fire_count[(gsize) c * n + k] = scan->class_rows[k][offset + c];
    }
}

/* What the model itself says about @layer: the maxima of its
 * pre-activation, its bias and its Conv weights. */
static void
layer_add_model_facts (FmScan             *scan,
                       const FmLayer      *layer,
                       const FmScanResult *result,
                       FmScanLayer        *out)
{
  const FmModel *model = scan->model;
  int compute_node = layer->pre_node >= 0 ? layer->pre_node : layer->node;
  guint C = out->channels;

  /* The pre-activation is itself a scanned layer (nothing is merged),
   * so its maxima are already known. */
  if (layer->pre_value_id >= 0)
    {
      int pl = layer_of_value (scan, layer->pre_value_id);

      out->pre_activation_max = g_new (float, MAX (C, 1));
      for (guint c = 0; c < C; c++)
        out->pre_activation_max[c] = pl >= 0 && c < result->layers[pl].channels
                                     ? result->layers[pl].max[c] : NAN;
    }
  if (layer->bias_value_id >= 0)
    {
      out->bias = g_new (float, MAX (C, 1));
      for (guint c = 0; c < C; c++)
        out->bias[c] = fm_layer_bias (model, layer, c);
    }
  if (model->nodes[compute_node].op == FM_OP_Conv)
    {
      out->weight_max_abs = g_new (float, MAX (C, 1));
      for (guint c = 0; c < C; c++)
        /* worked out at load: the weights are released once packed */
        out->weight_max_abs[c] = fm_op_conv_weight_max_abs (&model->nodes[compute_node], c);
    }
}

FmScanResult *
_fm_scan_merge (FmScan       *scan,
                FmScanWorker *workers,
                guint         n_workers,
                double        elapsed)
{
  const FmModel *model = scan->model;
  FmScanResult *result = result_new_for (scan, workers, n_workers, elapsed);
  guint k = result->top_k;

  for (guint l = 0; l < result->n_layers; l++)
    {
      const FmLayer *layer = _fm_scan_layer (scan, l);
      FmScanLayer *out = &result->layers[l];
      guint C = fm_layer_channels (model, layer);

      out->name = g_strdup (model->values[layer->value_id].name);
      out->op = g_strdup (fm_layer_op_label (model, layer));
      out->cells_per_image = (guint64) layer->height * layer->width;
      _fm_scan_layer_alloc (out, C, k);
      for (guint c = 0; c < C; c++)
        _fm_scan_merge_channel (out, result->images, k, workers, n_workers, l, c);
      layer_add_model_facts (scan, layer, result, out);
      _fm_scan_result_finish_layer (out, result->images, result->rare_below);
      layer_diagnose (scan, result, l);
    }
  result_add_classes (scan, result);
  return result;
}
