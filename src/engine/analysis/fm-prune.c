/* fm-prune.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plan of fm-prune.h on the decoded file (fm-onnx-proto.h): for each
 * Conv, the line of per-channel nodes after it, where each channel is
 * first dead, and the consumers after that; then every weight that loses
 * a slice is rewritten once, with a mask per axis, and the model is
 * encoded again (fm-onnx-write.c). Verification is in fm-prune-verify.c.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-file.h"
#include "fm-onnx-write.h"
#include "fm-prune-private.h"

static const char *
input_name (const FmOnnxNode *n,
            guint             i)
{
  const char *s = i < n->inputs->len ? g_ptr_array_index (n->inputs, i) : "";

  return s[0] != '\0' ? s : NULL;
}

static const char *
output_name (const FmOnnxNode *n)
{
  return n->outputs->len > 0 ? g_ptr_array_index (n->outputs, 0) : "";
}

const char *
_fm_prune_node_name (const FmOnnxNode *n)
{
  return n->name != NULL && n->name[0] != '\0' ? n->name : output_name (n);
}

static gint64
attribute_int (const FmOnnxNode *n,
               const char       *name,
               gint64            fallback)
{
  const FmOnnxAttribute *a = fm_onnx_node_get_attribute (n, name);

  return a != NULL ? a->i : fallback;
}

static GPtrArray *
consumers_of (Pruner     *p,
              const char *value)
{
  return g_hash_table_lookup (p->consumers, value);
}

static guint
n_consumers (Pruner     *p,
             const char *value)
{
  GPtrArray *c = consumers_of (p, value);

  return c != NULL ? c->len : 0;
}

FmOnnxTensor *
_fm_prune_resolve (Pruner     *p,
                   const char *name)
{
  for (guint hops = 0; name != NULL && hops < 64; hops++)
    {
      FmOnnxTensor *t = g_hash_table_lookup (p->inits, name);
      const FmOnnxNode *n = g_hash_table_lookup (p->producers, name);

      if (t != NULL)
        return t;
      if (n == NULL || strcmp (n->op_type, "Identity") != 0
          || (n->domain != NULL && n->domain[0] != '\0'))
        return NULL;
      name = input_name (n, 0);
    }
  return NULL;
}

/* Bound @k (1 min, 2 max) of Clip @n, from its input (an initializer or
 * a Constant) or, before opset 11, its attribute @attr; @fallback when
 * it has none. FALSE when it cannot be read. */
static gboolean
clip_bound (Pruner           *p,
            const FmOnnxNode *n,
            guint             k,
            const char       *attr,
            float             fallback,
            float            *v)
{
  const char *name = input_name (n, k);
  const FmOnnxAttribute *a;

  *v = fallback;
  if (name == NULL)
    {
      a = fm_onnx_node_get_attribute (n, attr);
      if (a != NULL && a->type != FM_ONNX_ATTR_FLOAT && a->type != 0)
        return FALSE;
      *v = a != NULL ? a->f : fallback;
      return TRUE;
    }
  if (_fm_prune_tensor_value (_fm_prune_resolve (p, name), 0, v))
    return TRUE;
  if ((a = _fm_prune_constant_attribute (p, name, "value")) != NULL)
    return _fm_prune_tensor_value (a->t, 0, v);
  if ((a = _fm_prune_constant_attribute (p, name, "value_float")) != NULL)
    return (*v = a->f, TRUE);
  return FALSE;
}

/* Per-channel nodes a dead channel's line may pass before and after
 * its dead point (a BatchNormalization only when its shift is 0 after):
 * f(0) = 0, a Clip too when its range holds 0 (ReLU6). */
static gboolean
keeps_zero (Pruner           *p,
            const FmOnnxNode *n)
{
  static const char *const ops[] = { "Relu", "LeakyRelu", "MaxPool", "AveragePool",
                                     "Dropout", "Identity", NULL };
  float lo, hi;

  if (n->domain != NULL && n->domain[0] != '\0')
    return FALSE;
  if (g_strv_contains (ops, n->op_type))
    return TRUE;
  return strcmp (n->op_type, "Clip") == 0
         && clip_bound (p, n, 1, "min", -INFINITY, &lo) && lo <= 0.0f
         && clip_bound (p, n, 2, "max", INFINITY, &hi) && hi >= 0.0f;
}

/* Global pools keep a channel's zero too, but change its map's size. */
static gboolean
keeps_zero_tree (Pruner           *p,
                 const FmOnnxNode *n)
{
  return keeps_zero (p, n) || strcmp (n->op_type, "GlobalAveragePool") == 0
         || strcmp (n->op_type, "GlobalMaxPool") == 0;
}

/* The float32 initializer that input @k of @n reads, directly or through
 * Identity nodes, else NULL with *@reason. Shared with other nodes, it is
 * copied for @n when a channel goes (_fm_prune_mark ()). */
static FmOnnxTensor *
own_weights (Pruner           *p,
             const FmOnnxNode *n,
             guint             k,
             char            **reason)
{
  const char *name = input_name (n, k);
  FmOnnxTensor *t = _fm_prune_resolve (p, name);

  if (t == NULL)
    *reason = g_strdup_printf (_("“%s” is not a weight stored in the model"),
                               name != NULL ? name : "");
  else if (g_hash_table_contains (p->graph_inputs, name)
           || g_hash_table_contains (p->graph_inputs, t->name))
    *reason = g_strdup_printf (_("the weights “%s” are also a graph input, which a caller "
                                 "may replace"), t->name);
  else if (!_fm_prune_tensor_floats_ok (t))
    *reason = g_strdup_printf (_("the weights “%s” are not stored as float32"), name);
  else
    return t;
  return NULL;
}

/* Records that the weight input @k of @n reads loses, for a removed
 * channel c, the indexes [(offset + c) * block, (offset + c + 1) * block)
 * of axis @axis. */
static void
add_cut (GArray           *cuts,
         const FmOnnxNode *n,
         guint             k,
         int               axis,
         gint64            block,
         guint             offset)
{
  Cut cut = { (FmOnnxNode *) n, k, axis, block, offset };

  g_array_append_val (cuts, cut);
}

static gboolean
cut_axis_fits (const FmOnnxTensor *t,
               int                 axis,
               gint64              block,
               guint               channels)
{
  return t != NULL && axis < t->rank && t->dims[axis] == block * (gint64) channels;
}

/* The [N, C x block] value @out, the channels flattened, read only by
 * Gemms (transA 0) with their own weights: their B loses @block rows (or
 * columns, transB) per channel removed. */
static char *
check_gemms (Pruner     *p,
             const char *out,
             guint       channels,
             gint64      block,
             guint       offset,
             GArray     *cuts)
{
  GPtrArray *gemms = consumers_of (p, out);
  char *reason = NULL;

  if (g_hash_table_contains (p->outputs, out))
    return g_strdup_printf (_("it is part of the model output “%s”"), out);
  for (guint i = 0; gemms != NULL && i < gemms->len; i++)
    {
      const FmOnnxNode *g = g_ptr_array_index (gemms, i);
      FmOnnxTensor *b;
      int axis;

      if (strcmp (g->op_type, "Gemm") != 0 || g_strcmp0 (input_name (g, 0), out) != 0
          || attribute_int (g, "transA", 0) != 0)
        return g_strdup_printf (_("consumer %s “%s” of the flattened map is not supported"),
                                g->op_type, _fm_prune_node_name (g));
      if ((b = own_weights (p, g, 1, &reason)) == NULL)
        return reason;
      axis = attribute_int (g, "transB", 0) != 0 ? 1 : 0;
      if (!cut_axis_fits (b, axis, block, channels))
        return g_strdup_printf (_("the weights of Gemm “%s” do not match the map"),
                                _fm_prune_node_name (g));
      add_cut (cuts, g, 1, axis, block, offset);
    }
  g_ptr_array_add (p->touched, (gpointer) out);
  return NULL;
}

/* Whether @n (ReduceMean, ReduceMax or ReduceSum of @value) reduces
 * exactly the H and W of a [N, C, H, W] map, as x.mean ([2, 3]) does:
 * a zero channel stays zero; *@keepdims as it keeps them. */
static gboolean
reduces_space (Pruner           *p,
               const FmOnnxNode *n,
               const char       *value,
               gboolean         *keepdims)
{
  static const char *const ops[] = { "ReduceMean", "ReduceMax", "ReduceSum", NULL };
  const FmOnnxAttribute *a = fm_onnx_node_get_attribute (n, "axes");
  int id = fm_model_find_value (p->model, value);
  gint64 axes[2];

  if (!g_strv_contains (ops, n->op_type) || g_strcmp0 (input_name (n, 0), value) != 0
      || id < 0 || p->model->values[id].shape.rank != 4)
    return FALSE;
  if (a != NULL && a->ints != NULL && a->ints->len == 2)
    memcpy (axes, a->ints->data, sizeof axes);
  else if (a != NULL || !_fm_prune_int64_pair (_fm_prune_shape_tensor (p, n), axes))
    return FALSE;
  for (guint k = 0; k < 2; k++)
    axes[k] += axes[k] < 0 ? 4 : 0;
  *keepdims = attribute_int (n, "keepdims", 1) != 0;
  return MIN (axes[0], axes[1]) == 2 && MAX (axes[0], axes[1]) == 3;
}

/* Whether Reshape @r turns a [N, C, H, W] map (@n items, @size = C x H
 * x W) into [N, size] as x.view (x.size (0), -1) and x.view (-1, size)
 * write it: its shape, a constant only it reads, is [n or 0, -1], or
 * [-1, n or 0: size] ([-1 or n or 0, size]), whose size then loses
 * @block per channel removed (a cut of axis -1). */
static gboolean
reshape_flattens (Pruner           *p,
                  const FmOnnxNode *r,
                  gint64            n,
                  gint64            size,
                  gint64            block,
                  guint             offset,
                  GArray           *cuts)
{
  int id = fm_model_find_value (p->model, output_name (r));
  const FmOnnxTensor *t = _fm_prune_shape_tensor (p, r);
  gint64 shape[2];

  if (id < 0 || p->model->values[id].shape.rank != 2 || p->model->values[id].shape.dims[0] != n
      || p->model->values[id].shape.dims[1] != size || attribute_int (r, "allowzero", 0) != 0
      || t == NULL || !_fm_prune_int64_pair (t, shape))
    return FALSE;
  if (shape[1] == -1 && (shape[0] == n || shape[0] == 0))
    return TRUE;
  if (shape[1] != size || (shape[0] != -1 && shape[0] != n && shape[0] != 0))
    return FALSE;
  add_cut (cuts, r, 1, -1, block, offset);
  return TRUE;
}

/* Flatten (axis 1), or a Reshape that flattens alike, of a [N, C, ...]
 * map read only by Gemms (transA 0) with their own weights: their B loses
 * H*W rows (or columns, transB). */
static char *
check_flatten (Pruner           *p,
               const FmOnnxNode *flatten,
               const char       *value,
               guint             channels,
               guint             offset,
               GArray           *cuts)
{
  int id = fm_model_find_value (p->model, value);
  const char *out = output_name (flatten);
  gboolean reshape = strcmp (flatten->op_type, "Reshape") == 0;
  gint64 block = 1;

  if ((!reshape && attribute_int (flatten, "axis", 1) != 1) || id < 0
      || p->model->values[id].shape.rank < 2 || p->model->values[id].shape.dims[1] != channels)
    return g_strdup_printf (_("%s “%s” does not keep channels in blocks"), flatten->op_type,
                            _fm_prune_node_name (flatten));
  for (int d = 2; d < p->model->values[id].shape.rank; d++)
    block *= p->model->values[id].shape.dims[d];
  if (reshape && !reshape_flattens (p, flatten, p->model->values[id].shape.dims[0],
                                    block * channels, block, offset, cuts))
    return g_strdup_printf (_("consumer %s “%s” is not supported"), flatten->op_type,
                            _fm_prune_node_name (flatten));
  return check_gemms (p, out, channels, block, offset, cuts);
}

static char *check_concat (Pruner           *p,
                           const FmOnnxNode *concat,
                           const char       *value,
                           guint             offset,
                           GArray           *cuts,
                           guint             depth);

/* What reads the zero channels of @value (of @channels, theirs from
 * @offset on) from here on; NULL when every consumer lets them go (their
 * cuts added), else why not. */
static char *
check_frontier (Pruner     *p,
                const char *value,
                guint       channels,
                guint       offset,
                GArray     *cuts,
                guint       depth)
{
  GPtrArray *readers = consumers_of (p, value);
  char *reason = NULL;

  g_ptr_array_add (p->touched, (gpointer) value);
  if (g_hash_table_contains (p->outputs, value))
    return g_strdup_printf (_("it is part of the model output “%s”"), value);
  if (depth > 64)
    return g_strdup (_("the graph after it is too deep to follow"));
  for (guint i = 0; readers != NULL && i < readers->len && reason == NULL; i++)
    {
      const FmOnnxNode *n = g_ptr_array_index (readers, i);
      const char *op = n->op_type;
      gboolean keepdims;
      FmOnnxTensor *w;

      if (keeps_zero_tree (p, n) && g_strcmp0 (input_name (n, 0), value) == 0
          && n->outputs->len == 1)
        reason = check_frontier (p, output_name (n), channels, offset, cuts, depth + 1);
      else if (strcmp (op, "Conv") == 0 && g_strcmp0 (input_name (n, 0), value) == 0)
        {
          if (attribute_int (n, "group", 1) != 1)
            reason = g_strdup_printf (_("grouped convolution “%s” reads it"),
                                      _fm_prune_node_name (n));
          else if ((w = own_weights (p, n, 1, &reason)) != NULL)
            {
              if (cut_axis_fits (w, 1, 1, channels))
                add_cut (cuts, n, 1, 1, 1, offset);
              else
                reason = g_strdup_printf (_("the weights of Conv “%s” do not match the map"),
                                          _fm_prune_node_name (n));
            }
        }
      else if ((strcmp (op, "Flatten") == 0 || strcmp (op, "Reshape") == 0)
               && g_strcmp0 (input_name (n, 0), value) == 0)
        reason = check_flatten (p, n, value, channels, offset, cuts);
      else if (reduces_space (p, n, value, &keepdims))
        reason = keepdims ? check_frontier (p, output_name (n), channels, offset, cuts, depth + 1)
                          : check_gemms (p, output_name (n), channels, 1, offset, cuts);
      else if (strcmp (op, "Concat") == 0)
        reason = check_concat (p, n, value, offset, cuts, depth + 1);
      else if (strcmp (op, "Add") == 0 || strcmp (op, "Sum") == 0)
        reason = g_strdup_printf (_("it feeds the residual %s “%s”, whose other input’s "
                                    "channel is not removed with it"), op,
                                  _fm_prune_node_name (n));
      else
        reason = g_strdup_printf (_("consumer %s “%s” is not supported"), op,
                                  _fm_prune_node_name (n));
    }
  return reason;
}

/* The channels of value @name on axis 1, or -1 when unknown. */
static gint64
value_channels (Pruner     *p,
                const char *name)
{
  int id = fm_model_find_value (p->model, name);

  if (id < 0 || p->model->values[id].shape.rank < 2)
    return -1;
  return p->model->values[id].shape.dims[1];
}

/* Concat along the channels: @value's channels land after those of the
 * inputs before it, and the consumers of the result take them there. */
static char *
check_concat (Pruner           *p,
              const FmOnnxNode *concat,
              const char       *value,
              guint             offset,
              GArray           *cuts,
              guint             depth)
{
  const char *out = output_name (concat);
  int id = fm_model_find_value (p->model, out);
  gint64 axis = attribute_int (concat, "axis", 1), before = 0, total = value_channels (p, out);
  int rank = id >= 0 ? p->model->values[id].shape.rank : 0;
  gboolean unknown = FALSE;
  guint seen = 0;

  if (axis < 0)
    axis += rank;
  for (guint i = 0; i < concat->inputs->len; i++)
    {
      const char *in = input_name (concat, i);
      gint64 c = in != NULL ? value_channels (p, in) : -1;

      if (g_strcmp0 (in, value) == 0)
        seen++;
      else if (seen == 0 && c < 0)
        unknown = TRUE;
      else if (seen == 0)
        before += c;
    }
  if (axis != 1 || rank < 2 || seen != 1 || unknown || total <= 0 || total > G_MAXINT)
    return g_strdup_printf (_("consumer %s “%s” is not supported"), concat->op_type,
                            _fm_prune_node_name (concat));
  return check_frontier (p, out, (guint) total, offset + (guint) before, cuts, depth);
}

/* A BatchNormalization's shift for channel @c: what it makes of a zero,
 * B - mean * scale / sqrt (var + epsilon); NaN if unreadable. */
static double
bn_shift (Pruner           *p,
          const FmOnnxNode *bn,
          guint             c)
{
  const FmOnnxAttribute *eps = fm_onnx_node_get_attribute (bn, "epsilon");
  float v[4];

  for (guint k = 0; k < 4; k++)
    if (!_fm_prune_tensor_value (_fm_prune_resolve (p, input_name (bn, k + 1)), c, &v[k]))
      return NAN;
  /* inputs: X, scale, B, mean, var */
  return (double) v[1] - (double) v[2] * (double) v[0]
         / sqrt ((double) v[3] + (eps != NULL ? (double) eps->f : 1e-5));
}

/* The first value of @line where channel @c is dead by the scan, or -1. */
static int
dead_point (Pruner     *p,
            GPtrArray  *line,
            guint       c,
            guint       channels,
            int        *layer_out)
{
  for (guint i = 0; i < line->len; i++)
    {
      int l = fm_scan_result_find_layer (p->scan, g_ptr_array_index (line, i));
      const FmScanLayer *layer = l >= 0 ? &p->scan->layers[l] : NULL;

      if (layer == NULL || layer->channels != channels)
        continue;
      for (guint k = 0; k < layer->n_dead; k++)
        if (layer->dead[k] == c)
          {
            *layer_out = l;
            return (int) i;
          }
    }
  return -1;
}

/* Conv @conv's line of per-channel nodes: values[0] is its output,
 * nodes[i] reads values[i] and writes values[i + 1]. */
static void
follow_line (Pruner           *p,
             const FmOnnxNode *conv,
             GPtrArray        *values,
             GPtrArray        *nodes)
{
  const char *cur = output_name (conv);

  g_ptr_array_add (values, (gpointer) cur);
  while (n_consumers (p, cur) == 1 && !g_hash_table_contains (p->outputs, cur))
    {
      FmOnnxNode *n = g_ptr_array_index (consumers_of (p, cur), 0);

      if (g_strcmp0 (input_name (n, 0), cur) != 0 || n->outputs->len != 1
          || !(keeps_zero (p, n)
               || strcmp (n->op_type, "BatchNormalization") == 0))
        break;
      g_ptr_array_add (nodes, n);
      cur = output_name (n);
      g_ptr_array_add (values, (gpointer) cur);
    }
}

/* What keeps every channel of the line whatever its dead point: the
 * weights of the Conv and its BatchNormalizations, and the consumers. */
static char *
check_line (Pruner           *p,
            const FmOnnxNode *conv,
            GPtrArray        *values,
            GPtrArray        *nodes,
            guint             channels,
            GArray           *cuts)
{
  char *reason = NULL;
  FmOnnxTensor *t;

  if (own_weights (p, conv, 1, &reason) != NULL)
    add_cut (cuts, conv, 1, 0, 1, 0);
  if (reason == NULL && input_name (conv, 2) != NULL && own_weights (p, conv, 2, &reason) != NULL)
    add_cut (cuts, conv, 2, 0, 1, 0);
  for (guint i = 0; i < nodes->len && reason == NULL; i++)
    {
      const FmOnnxNode *n = g_ptr_array_index (nodes, i);

      for (guint k = 1; k <= 4 && reason == NULL
                        && strcmp (n->op_type, "BatchNormalization") == 0; k++)
        if ((t = own_weights (p, n, k, &reason)) != NULL)
          {
            if (cut_axis_fits (t, 0, 1, channels))
              add_cut (cuts, n, k, 0, 1, 0);
            else
              reason = g_strdup_printf (_("the weights of BatchNormalization “%s” do not "
                                          "match the map"), _fm_prune_node_name (n));
          }
    }
  for (guint i = 0; i < values->len; i++)
    g_ptr_array_add (p->touched, g_ptr_array_index (values, i));
  if (reason == NULL)
    reason = check_frontier (p, g_ptr_array_index (values, values->len - 1), channels, 0, cuts,
                             0);
  return reason;
}

/* Why channel @c, dead at values[@at], stays after all: a
 * BatchNormalization after its dead point that moves its zero. */
static char *
check_after_dead_point (Pruner    *p,
                        GPtrArray *nodes,
                        int        at,
                        guint      c)
{
  for (guint i = (guint) at; i < nodes->len; i++)
    {
      const FmOnnxNode *n = g_ptr_array_index (nodes, i);
      double shift;

      if (strcmp (n->op_type, "BatchNormalization") != 0 || (shift = bn_shift (p, n, c)) == 0.0)
        continue;
      /* Translators: the channel is zero, but the BatchNormalization after it
       * turns that zero into a constant that the layers after it read */
      return g_strdup_printf (_("BatchNormalization “%s” after it makes its zero the constant %g"),
                              _fm_prune_node_name (n), shift);
    }
  return NULL;
}

static FmPruneLayer *
layer_new (const char *layer,
           int         scan_layer,
           const char *node,
           guint       channels)
{
  FmPruneLayer *l = g_new0 (FmPruneLayer, 1);

  l->layer = g_strdup (layer);
  l->scan_layer = scan_layer;
  l->node = g_strdup (node);
  l->channels = channels;
  l->removed = g_array_new (FALSE, FALSE, sizeof (guint));
  l->kept = g_array_new (FALSE, FALSE, sizeof (FmPruneKept));
  return l;
}

static void
keep (FmPruneLayer *l,
      guint         c,
      char         *reason)
{
  FmPruneKept k = { c, reason };

  g_array_append_val (l->kept, k);
}

/* Decides each dead channel of Conv @conv's line and marks the removed
 * ones' slices. */
static void
prune_conv (Pruner           *p,
            const FmOnnxNode *conv)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (Cut));
  g_autofree char *common = NULL;
  g_autofree int *at = NULL;
  const FmOnnxTensor *w = _fm_prune_resolve (p, input_name (conv, 1));
  FmPruneLayer *l = NULL;
  guint channels;
  int first = G_MAXINT, layer = -1;

  if (w == NULL || w->rank < 1 || w->dims[0] <= 0 || w->dims[0] > G_MAXINT
      || attribute_int (conv, "group", 1) != 1)
    return;
  channels = (guint) w->dims[0];
  follow_line (p, conv, values, nodes);
  at = g_new (int, channels);
  for (guint c = 0; c < channels; c++)
    {
      int l_c = -1;

      at[c] = dead_point (p, values, c, channels, &l_c);
      if (at[c] >= 0 && at[c] < first)
        first = at[c], layer = l_c;
    }
  if (layer < 0)
    return;
  l = layer_new (p->scan->layers[layer].name, layer, _fm_prune_node_name (conv), channels);
  g_ptr_array_set_size (p->touched, 0);
  g_ptr_array_add (p->prune->layers, l);
  common = check_line (p, conv, values, nodes, channels, cuts);
  for (guint c = 0; c < channels; c++)
    {
      char *reason;

      if (at[c] < 0)
        continue;
      reason = common != NULL ? g_strdup (common) : check_after_dead_point (p, nodes, at[c], c);
      if (reason != NULL)
        keep (l, c, reason);
      else
        g_array_append_val (l->removed, c);
    }
  for (guint i = 0; i < p->touched->len; i++)
    {
      const char *v = g_ptr_array_index (p->touched, i);

      g_hash_table_add (p->covered, g_strdup (v));
      if (l->removed->len > 0)
        g_hash_table_add (p->changed, g_strdup (v));
    }
  if (l->removed->len == channels)
    {
      keep (l, g_array_index (l->removed, guint, 0),
            g_strdup (_("a layer keeps at least one channel")));
      g_array_remove_index (l->removed, 0);
    }
  _fm_prune_mark (p, cuts, l->removed);
}

/* Why no Conv line reached value @value: what makes it, back through the
 * per-channel nodes before it. */
static char *
uncovered_reason (Pruner     *p,
                  const char *value)
{
  const FmOnnxNode *n = g_hash_table_lookup (p->producers, value), *via = NULL;

  for (guint hops = 0; n != NULL && hops < 64; hops++)
    {
      gboolean line = keeps_zero (p, n) || strcmp (n->op_type, "BatchNormalization") == 0;

      if (!line && !keeps_zero_tree (p, n) && strcmp (n->op_type, "Clip") != 0)
        break;
      if (!line)
        via = n;
      n = input_name (n, 0) != NULL ? g_hash_table_lookup (p->producers, input_name (n, 0))
                                    : NULL;
    }
  if (n == NULL)
    return g_strdup (_("it is not made by a convolution that prune can shrink"));
  if (strcmp (n->op_type, "Conv") == 0 && attribute_int (n, "group", 1) != 1)
    return g_strdup_printf (_("it comes from the grouped convolution “%s”, which prune does "
                              "not shrink"), _fm_prune_node_name (n));
  if (strcmp (n->op_type, "Conv") == 0 && via != NULL)
    /* Translators: "it comes from Conv “conv1” through Clip “relu6”, ..." */
    return g_strdup_printf (_("it comes from Conv “%s” through %s “%s”, which prune does not "
                              "follow"), _fm_prune_node_name (n), via->op_type,
                            _fm_prune_node_name (via));
  if (strcmp (n->op_type, "Add") == 0 || strcmp (n->op_type, "Sum") == 0)
    return g_strdup_printf (_("it comes from the residual %s “%s”: prune removes only "
                              "channels that one convolution makes"), n->op_type,
                            _fm_prune_node_name (n));
  if (strcmp (n->op_type, "Conv") == 0)
    return g_strdup (_("it is not made by a convolution that prune can shrink"));
  return g_strdup_printf (_("it comes from %s “%s”, not from a convolution that prune can "
                            "shrink"), n->op_type, _fm_prune_node_name (n));
}

/* Dead channels of layers no Conv line reached. */
static void
add_uncovered (Pruner *p)
{
  for (guint i = 0; i < p->scan->n_layers; i++)
    {
      const FmScanLayer *sl = &p->scan->layers[i];
      FmPruneLayer *l;

      if (sl->n_dead == 0 || g_hash_table_contains (p->covered, sl->name))
        continue;
      l = layer_new (sl->name, (int) i, NULL, sl->channels);
      for (guint k = 0; k < sl->n_dead; k++)
        keep (l, sl->dead[k], uncovered_reason (p, sl->name));
      g_ptr_array_add (p->prune->layers, l);
    }
}

static void
index_graph (Pruner *p)
{
  const FmOnnxGraph *g = p->onnx->graph;

  for (guint i = 0; i < g->initializers->len; i++)
    {
      FmOnnxTensor *t = g_ptr_array_index (g->initializers, i);

      if (t->name != NULL)
        g_hash_table_insert (p->inits, t->name, t);
    }
  for (guint i = 0; i < g->outputs->len; i++)
    g_hash_table_add (p->outputs, ((FmOnnxValueInfo *) g_ptr_array_index (g->outputs, i))->name);
  for (guint i = 0; i < g->nodes->len; i++)
    {
      FmOnnxNode *n = g_ptr_array_index (g->nodes, i);

      for (guint k = 0; k < n->outputs->len; k++)
        g_hash_table_insert (p->producers, g_ptr_array_index (n->outputs, k), n);
      for (guint k = 0; k < n->inputs->len; k++)
        {
          const char *in = g_ptr_array_index (n->inputs, k);
          GPtrArray *readers = g_hash_table_lookup (p->consumers, in);

          if (in[0] == '\0')
            continue;
          if (readers == NULL)
            g_hash_table_insert (p->consumers, (gpointer) in, readers = g_ptr_array_new ());
          if (readers->len == 0 || g_ptr_array_index (readers, readers->len - 1) != n)
            g_ptr_array_add (readers, n);
          g_hash_table_insert (p->uses, (gpointer) in,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (p->uses, in)) + 1));
        }
    }
}

/* An old-style file lists its initializers as graph inputs too: a caller
 * may replace them, so their slices would change the inputs. */
static void
index_graph_inputs (Pruner *p)
{
  const FmOnnxGraph *g = p->onnx->graph;

  for (guint i = 0; i < g->inputs->len; i++)
    {
      const char *in = ((FmOnnxValueInfo *) g_ptr_array_index (g->inputs, i))->name;

      if (in != NULL)
        g_hash_table_add (p->graph_inputs, (gpointer) in);
    }
}

static gboolean
check_scan (const FmModel      *model,
            const FmScanResult *scan,
            GError            **error)
{
  if (scan->epsilon != 0.0f)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("The scan counts |x| <= %g as zero; prune removes only channels that are "
                     "exactly zero: scan with zero threshold 0"), (double) scan->epsilon);
      return FALSE;
    }
  if (scan->partial)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("The scan is partial (%" PRIu64 " of %" PRIu64 " images): prune needs a "
                     "complete one"), scan->images, scan->total);
      return FALSE;
    }
  if (model->path == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("The model was not loaded from a file"));
      return FALSE;
    }
  /* The file is read again below: it must still be the model scanned. */
  if (scan->model_sha256 != NULL)
    {
      g_autofree char *digest = fm_scan_model_sha256 (model, error);

      if (digest == NULL)
        return FALSE;
      if (strcmp (digest, scan->model_sha256) != 0)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s has changed since it was scanned: open it again and scan again"),
                       model->path);
          return FALSE;
        }
    }
  return TRUE;
}

static guint64
count_params (const FmOnnxModel *onnx)
{
  guint64 n = 0;

  for (guint i = 0; i < onnx->graph->initializers->len; i++)
    {
      const FmOnnxTensor *t = g_ptr_array_index (onnx->graph->initializers, i);
      guint64 e = 1;

      for (int d = 0; d < t->rank; d++)
        e *= (guint64) MAX (t->dims[d], 0);
      n += e;
    }
  return n;
}

/* The value infos of values whose channels changed go (they are hints).
 * The producer stays (readers guess the input settings from it: a
 * PyTorch export of RGB pictures gets torchvision's); the metadata
 * FM_PRUNE_METADATA_KEY records the pruning. */
static void
finish_graph (Pruner *p)
{
  GPtrArray *infos = p->onnx->graph->value_infos;
  GPtrArray *props = p->onnx->metadata_props;
  FmOnnxStringPair *record = NULL;

  for (guint i = infos->len; i-- > 0;)
    {
      FmOnnxValueInfo *v = g_ptr_array_index (infos, i);

      if (v->name != NULL && g_hash_table_contains (p->changed, v->name))
        {
          g_ptr_array_remove_index (infos, i);
          g_free (v->name);
          for (int k = 0; k < FM_MAX_RANK; k++)
            g_free (v->dim_params[k]);
          g_free (v);
        }
    }
  for (guint i = 0; i < props->len && record == NULL; i++)
    if (g_strcmp0 (((FmOnnxStringPair *) g_ptr_array_index (props, i))->key,
                   FM_PRUNE_METADATA_KEY) == 0)
      record = g_ptr_array_index (props, i);
  if (record == NULL)
    {
      record = g_new0 (FmOnnxStringPair, 1);
      record->key = g_strdup (FM_PRUNE_METADATA_KEY);
      g_ptr_array_add (props, record);
    }
  g_free (record->value);
  record->value = g_strdup ("feature-maps prune " PACKAGE_VERSION);
}

static void
pruner_clear (Pruner *p)
{
  g_clear_pointer (&p->consumers, g_hash_table_unref);
  g_clear_pointer (&p->producers, g_hash_table_unref);
  g_clear_pointer (&p->unread, g_hash_table_unref);
  g_clear_pointer (&p->outputs, g_hash_table_unref);
  g_clear_pointer (&p->inits, g_hash_table_unref);
  g_clear_pointer (&p->uses, g_hash_table_unref);
  g_clear_pointer (&p->changed, g_hash_table_unref);
  g_clear_pointer (&p->covered, g_hash_table_unref);
  g_clear_pointer (&p->touched, g_ptr_array_unref);
  g_clear_pointer (&p->graph_inputs, g_hash_table_unref);
  g_clear_pointer (&p->masks, g_hash_table_unref);
  g_clear_pointer (&p->shape_cuts, g_hash_table_unref);
  g_clear_pointer (&p->buffers, g_ptr_array_unref);
  g_clear_pointer (&p->onnx, fm_onnx_model_free);
}

/* Decodes @bytes, plans, cuts and encodes into p->prune. */
static gboolean
prune_bytes (Pruner     *p,
             GBytes     *bytes,
             GError    **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  p->onnx = fm_onnx_model_decode (data, len, NULL, error);
  if (p->onnx == NULL || !fm_onnx_model_check_writable (p->onnx, p->model->path, error))
    return FALSE;
  index_graph (p);
  index_graph_inputs (p);
  p->prune->params_before = count_params (p->onnx);
  for (guint i = 0; i < p->onnx->graph->nodes->len; i++)
    {
      const FmOnnxNode *n = g_ptr_array_index (p->onnx->graph->nodes, i);

      if (g_strcmp0 (n->op_type, "Conv") == 0 && (n->domain == NULL || n->domain[0] == '\0'))
        prune_conv (p, n);
    }
  add_uncovered (p);
  _fm_prune_apply_masks (p);
  _fm_prune_drop_unread (p);
  p->prune->params_after = count_params (p->onnx);
  finish_graph (p);
  p->prune->bytes = fm_onnx_model_encode (p->onnx);
  return TRUE;
}

FmPrune *
fm_prune_new (FmModel              *model,
              const FmScanResult   *scan,
              const FmModelOptions *options,
              GError              **error)
{
  g_autoptr(FmPrune) prune = g_new0 (FmPrune, 1);
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Pruner p = { model, scan };
  FmModelOptions defaults;
  gboolean ok;

  g_return_val_if_fail (model != NULL && scan != NULL, NULL);

  if (!check_scan (model, scan, error))
    return NULL;
  /* The model is decoded again here: FmModel keeps no protobuf. */
  if ((file = fm_file_map (model->path, error)) == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (file);
  prune->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) _fm_prune_layer_free);
  p.prune = prune;
  p.consumers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) g_ptr_array_unref);
  p.producers = g_hash_table_new (g_str_hash, g_str_equal);
  p.unread = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p.outputs = g_hash_table_new (g_str_hash, g_str_equal);
  p.inits = g_hash_table_new (g_str_hash, g_str_equal);
  p.uses = g_hash_table_new (g_str_hash, g_str_equal);
  p.changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p.covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p.touched = g_ptr_array_new ();
  p.graph_inputs = g_hash_table_new (g_str_hash, g_str_equal);
  p.masks = g_hash_table_new_full (NULL, NULL, NULL, _fm_prune_masks_free);
  p.shape_cuts = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  p.buffers = g_ptr_array_new_with_free_func (g_free);
  ok = prune_bytes (&p, bytes, error);
  pruner_clear (&p);
  if (!ok)
    return NULL;
  for (guint i = 0; i < prune->layers->len; i++)
    {
      const FmPruneLayer *l = g_ptr_array_index (prune->layers, i);

      prune->n_removed += l->removed->len;
      prune->n_dead += l->removed->len + l->kept->len;
    }
  prune->macs_before = (guint64) (fm_model_multiply_add_flops (model) / 2.0);
  fm_model_options_init (&defaults);
  if (model->n_inputs > 0 && model->values[model->inputs[0]].shape.rank == 4)
    {
      defaults.default_height = model->values[model->inputs[0]].shape.dims[2];
      defaults.default_width = model->values[model->inputs[0]].shape.dims[3];
    }
  prune->pruned = fm_model_load_bytes (g_bytes_get_data (prune->bytes, NULL),
                                       g_bytes_get_size (prune->bytes), model->path,
                                       NULL, options != NULL ? options : &defaults, error);
  if (prune->pruned == NULL)
    {
      g_prefix_error (error, _("The pruned model does not load: "));
      return NULL;
    }
  prune->macs_after = (guint64) (fm_model_multiply_add_flops (prune->pruned) / 2.0);
  return g_steal_pointer (&prune);
}
