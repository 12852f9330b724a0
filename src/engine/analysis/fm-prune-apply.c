/* fm-prune-apply.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fm-prune.h's weights rewritten without the removed channels' slices
 * (one mask per axis of each weight, applied once), the report as JSON
 * and in one sentence, and the atomic write.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-channel-list.h"
#include "fm-error.h"
#include "fm-file.h"
#include "fm-json-text.h"
#include "fm-prune-private.h"

static gint64
tensor_numel (const FmOnnxTensor *t)
{
  gint64 n = 1;

  for (int d = 0; d < t->rank; d++)
    n *= MAX (t->dims[d], 0);
  return n;
}

gboolean
_fm_prune_tensor_floats_ok (const FmOnnxTensor *t)
{
  gint64 n = tensor_numel (t);

  if (t->data_type != FM_ONNX_FLOAT)
    return FALSE;
  if (t->has_raw_data)
    return t->raw_data.len / 4 == (gsize) n && t->raw_data.len % 4 == 0;
  return t->float_data != NULL && t->float_data->len == (guint) n;
}

gboolean
_fm_prune_tensor_value (const FmOnnxTensor *t,
                        gint64              index,
                        float              *value)
{
  guint32 bits;

  if (t == NULL || !_fm_prune_tensor_floats_ok (t) || index < 0 || index >= tensor_numel (t))
    return FALSE;
  if (!t->has_raw_data)
    {
      *value = g_array_index (t->float_data, float, index);
      return TRUE;
    }
  memcpy (&bits, t->raw_data.data + 4 * index, 4);
  bits = GUINT32_FROM_LE (bits);
  memcpy (value, &bits, 4);
  return TRUE;
}

void
_fm_prune_masks_free (gpointer masks)
{
  guint8 **m = masks;

  for (int a = 0; a < FM_MAX_RANK; a++)
    g_free (m[a]);
  g_free (m);
}

/* Whether @name names a value or a weight of the graph already. */
static gboolean
name_taken (Pruner     *p,
            const char *name)
{
  return g_hash_table_contains (p->inits, name) || g_hash_table_contains (p->consumers, name)
         || g_hash_table_contains (p->producers, name)
         || g_hash_table_contains (p->graph_inputs, name)
         || g_hash_table_contains (p->outputs, name);
}

/* Adds @delta to the count of @name in @counts (name -> guint). */
static void
add_count (GHashTable *counts,
           const char *name,
           int         delta)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));

  g_hash_table_insert (counts, (gpointer) name, GUINT_TO_POINTER (n + delta));
}

/* The weight input @k of @n reads, its own: when it reads it through an
 * Identity or shares it with another node input, a copy under a new name
 * that it reads instead (the slices then go from the copy only). */
static FmOnnxTensor *
own_tensor (Pruner     *p,
            FmOnnxNode *n,
            guint       k)
{
  const char *name = g_ptr_array_index (n->inputs, k);
  FmOnnxTensor *t = _fm_prune_resolve (p, name), *copy;
  g_autofree char *base = NULL;
  char *copy_name;

  if (strcmp (name, t->name) == 0 && GPOINTER_TO_UINT (g_hash_table_lookup (p->uses, name)) <= 1)
    return t;
  base = g_strdup_printf ("%s.%s", t->name, _fm_prune_node_name (n));
  copy_name = g_strdup (base);
  for (guint i = 2; name_taken (p, copy_name); i++)
    {
      g_free (copy_name);
      copy_name = g_strdup_printf ("%s.%u", base, i);
    }
  copy = g_new0 (FmOnnxTensor, 1);
  copy->name = copy_name;
  copy->data_type = t->data_type;
  copy->rank = t->rank;
  memcpy (copy->dims, t->dims, sizeof t->dims);
  copy->raw_data = t->raw_data;
  copy->has_raw_data = t->has_raw_data;
  copy->float_data = t->float_data != NULL ? g_array_ref (t->float_data) : NULL;
  g_ptr_array_add (p->onnx->graph->initializers, copy);
  g_hash_table_insert (p->inits, copy->name, copy);
  add_count (p->uses, copy->name, 1);
  add_count (p->uses, name, -1);
  g_hash_table_add (p->unread, g_strdup (name));
  /* The old name stays alive: the tables' keys may point at it. */
  g_ptr_array_add (p->buffers, (gpointer) name);
  g_ptr_array_index (n->inputs, k) = g_strdup (copy->name);
  return copy;
}

const FmOnnxAttribute *
_fm_prune_constant_attribute (Pruner     *p,
                              const char *name,
                              const char *attr)
{
  const FmOnnxNode *c = g_hash_table_lookup (p->producers, name);

  if (c == NULL || strcmp (c->op_type, "Constant") != 0)
    return NULL;
  return fm_onnx_node_get_attribute (c, attr);
}

FmOnnxTensor *
_fm_prune_shape_tensor (Pruner           *p,
                        const FmOnnxNode *r)
{
  const char *name = r->inputs->len > 1 ? g_ptr_array_index (r->inputs, 1) : "";
  FmOnnxTensor *t = g_hash_table_lookup (p->inits, name);
  const FmOnnxAttribute *a;

  if (GPOINTER_TO_UINT (g_hash_table_lookup (p->uses, name)) != 1
      || g_hash_table_contains (p->graph_inputs, name) || g_hash_table_contains (p->outputs, name))
    return NULL;
  if (t != NULL)
    return t;
  a = _fm_prune_constant_attribute (p, name, "value");
  return a != NULL ? a->t : NULL;
}

gboolean
_fm_prune_int64_pair (const FmOnnxTensor *t,
                      gint64              v[2])
{
  if (t == NULL || t->data_type != FM_ONNX_INT64 || t->rank != 1 || t->dims[0] != 2)
    return FALSE;
  if (!t->has_raw_data)
    {
      if (t->int64_data == NULL || t->int64_data->len != 2)
        return FALSE;
      memcpy (v, t->int64_data->data, 2 * sizeof (gint64));
      return TRUE;
    }
  if (t->raw_data.len != 2 * sizeof (gint64))
    return FALSE;
  memcpy (v, t->raw_data.data, 2 * sizeof (gint64));
  v[0] = GINT64_FROM_LE (v[0]);
  v[1] = GINT64_FROM_LE (v[1]);
  return TRUE;
}

/* The flattening Reshape of @cut loses @removed blocks of its size: noted
 * here, written by shrink_shape () once every Conv is planned (the plans
 * of the other Convs before the same Reshape check its size as it is). */
static void
note_shape_cut (Pruner    *p,
                const Cut *cut,
                guint      removed)
{
  FmOnnxTensor *t = _fm_prune_shape_tensor (p, cut->node);
  gint64 *lost = g_hash_table_lookup (p->shape_cuts, t);

  if (lost == NULL)
    g_hash_table_insert (p->shape_cuts, t, lost = g_new0 (gint64, 1));
  *lost += (gint64) removed * cut->block;
}

/* Shape tensor @t, [-1 or N, size], loses @lost elements of its size. */
static void
shrink_shape (Pruner       *p,
              FmOnnxTensor *t,
              gint64        lost)
{
  gint64 *v = g_new (gint64, 2);

  /* the plan checked that it is [-1 or N, size] */
  _fm_prune_int64_pair (t, v);
  v[1] -= lost;
  v[0] = GINT64_TO_LE (v[0]);
  v[1] = GINT64_TO_LE (v[1]);
  g_clear_pointer (&t->int64_data, g_array_unref);
  t->has_raw_data = TRUE;
  t->raw_data.data = (const guint8 *) v;
  t->raw_data.len = 2 * sizeof (gint64);
  g_ptr_array_add (p->buffers, v);
}

void
_fm_prune_mark (Pruner       *p,
                const GArray *cuts,
                const GArray *removed)
{
  for (guint i = 0; i < cuts->len && removed->len > 0; i++)
    {
      const Cut *cut = &g_array_index (cuts, Cut, i);
      FmOnnxTensor *t;
      guint8 **m;

      if (cut->axis < 0)
        {
          note_shape_cut (p, cut, removed->len);
          continue;
        }
      t = own_tensor (p, cut->node, cut->input);
      m = g_hash_table_lookup (p->masks, t);
      if (m == NULL)
        g_hash_table_insert (p->masks, t, m = g_new0 (guint8 *, FM_MAX_RANK));
      if (m[cut->axis] == NULL)
        m[cut->axis] = g_malloc0 (t->dims[cut->axis]);
      for (guint k = 0; k < removed->len; k++)
        {
          gint64 c = g_array_index (removed, guint, k);

          /* the plan checked that dims[axis] is channels * block */
          memset (m[cut->axis] + (cut->offset + c) * cut->block, 1, cut->block);
        }
    }
}

/* Whether @n is an Identity without attributes whose output is in
 * p->unread and read by nothing (@reads: value -> readers). */
static gboolean
identity_unread (Pruner           *p,
                 const FmOnnxNode *n,
                 GHashTable       *reads)
{
  const char *out = n->outputs->len == 1 ? g_ptr_array_index (n->outputs, 0) : NULL;

  return g_strcmp0 (n->op_type, "Identity") == 0 && (n->domain == NULL || n->domain[0] == '\0')
         && (n->attributes == NULL || n->attributes->len == 0) && n->inputs->len == 1
         && out != NULL && g_hash_table_contains (p->unread, out)
         && !g_hash_table_contains (p->outputs, out)
         && GPOINTER_TO_UINT (g_hash_table_lookup (reads, out)) == 0;
}

static void
node_free (FmOnnxNode *n)
{
  g_ptr_array_unref (n->inputs);
  g_ptr_array_unref (n->outputs);
  g_clear_pointer (&n->attributes, g_ptr_array_unref);
  g_free (n->name);
  g_free (n->op_type);
  g_free (n->domain);
  g_free (n->doc_string);
  g_free (n);
}

void
_fm_prune_drop_unread (Pruner *p)
{
  FmOnnxGraph *g = p->onnx->graph;
  g_autoptr(GHashTable) reads = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) dropped = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  gboolean again = TRUE;

  for (guint i = 0; i < g->nodes->len; i++)
    {
      const FmOnnxNode *n = g_ptr_array_index (g->nodes, i);

      for (guint k = 0; k < n->inputs->len; k++)
        add_count (reads, g_ptr_array_index (n->inputs, k), 1);
    }
  while (again)
    {
      again = FALSE;
      for (guint i = g->nodes->len; i-- > 0;)
        {
          FmOnnxNode *n = g_ptr_array_index (g->nodes, i);
          const char *in;

          if (!identity_unread (p, n, reads))
            continue;
          in = g_ptr_array_index (n->inputs, 0);   /* an Identity has one */
          add_count (reads, in, -1);
          g_hash_table_add (p->unread, g_strdup (in));
          g_hash_table_add (p->changed, g_strdup (g_ptr_array_index (n->outputs, 0)));
          g_ptr_array_add (dropped, g_ptr_array_steal_index (g->nodes, i));
          again = TRUE;
        }
    }
  for (guint i = g->initializers->len; i-- > 0;)
    {
      FmOnnxTensor *t = g_ptr_array_index (g->initializers, i);

      if (t->name == NULL || !g_hash_table_contains (p->unread, t->name)
          || g_hash_table_lookup (reads, t->name) != NULL
          || g_hash_table_contains (p->outputs, t->name)
          || g_hash_table_contains (p->graph_inputs, t->name))
        continue;
      g_hash_table_remove (p->inits, t->name);
      fm_onnx_tensor_free (g_ptr_array_steal_index (g->initializers, i));
    }
}

/* Copies the elements of @t that no mask removes into a new buffer,
 * which becomes its raw_data. */
static void
cut_tensor (Pruner       *p,
            FmOnnxTensor *t,
            guint8      **m)
{
  gint64 n = tensor_numel (t), idx[FM_MAX_RANK] = { 0 };
  float *out = g_new (float, MAX (n, 1));
  gint64 kept = 0;

  for (gint64 e = 0; e < n; e++)
    {
      gboolean removed = FALSE;
      float v = 0.0f;

      for (int a = 0; a < t->rank && !removed; a++)
        removed = m[a] != NULL && m[a][idx[a]];
      if (!removed && _fm_prune_tensor_value (t, e, &v))
        {
          guint32 bits;

          memcpy (&bits, &v, 4);
          bits = GUINT32_TO_LE (bits);
          memcpy (&out[kept++], &bits, 4);
        }
      for (int a = t->rank - 1; a >= 0 && ++idx[a] == t->dims[a]; a--)
        idx[a] = 0;
    }
  for (int a = 0; a < t->rank; a++)
    for (gint64 i = 0, d = t->dims[a]; m[a] != NULL && i < d; i++)
      t->dims[a] -= m[a][i];
  g_clear_pointer (&t->float_data, g_array_unref);
  t->has_raw_data = TRUE;
  t->raw_data.data = (const guint8 *) out;
  t->raw_data.len = (gsize) kept * 4;
  g_ptr_array_add (p->buffers, out);
}

void
_fm_prune_apply_masks (Pruner *p)
{
  GHashTableIter iter;
  gpointer tensor, masks, lost;

  g_hash_table_iter_init (&iter, p->masks);
  while (g_hash_table_iter_next (&iter, &tensor, &masks))
    cut_tensor (p, tensor, masks);
  g_hash_table_iter_init (&iter, p->shape_cuts);
  while (g_hash_table_iter_next (&iter, &tensor, &lost))
    shrink_shape (p, tensor, *(gint64 *) lost);
}

void
_fm_prune_layer_free (FmPruneLayer *layer)
{
  for (guint i = 0; i < layer->kept->len; i++)
    g_free (g_array_index (layer->kept, FmPruneKept, i).reason);
  g_array_unref (layer->kept);
  g_array_unref (layer->removed);
  g_free (layer->layer);
  g_free (layer->node);
  g_free (layer);
}

void
fm_prune_free (FmPrune *prune)
{
  if (prune == NULL)
    return;
  g_clear_pointer (&prune->layers, g_ptr_array_unref);
  g_clear_pointer (&prune->bytes, g_bytes_unref);
  g_clear_pointer (&prune->pruned, fm_model_unref);
  g_clear_pointer (&prune->warnings, g_ptr_array_unref);
  g_free (prune);
}

gboolean
fm_prune_write (const FmPrune *prune,
                const char    *path,
                GError       **error)
{
  g_return_val_if_fail (prune != NULL && prune->bytes != NULL, FALSE);

  return fm_file_write_atomic (path, g_bytes_get_data (prune->bytes, NULL),
                               g_bytes_get_size (prune->bytes), error);
}

static void
add_int (JsonBuilder *b,
         const char  *member,
         gint64       v)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, v);
}

static void
add_layer_json (JsonBuilder        *b,
                const FmPruneLayer *l)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "layer");
  json_builder_add_string_value (b, l->layer);
  json_builder_set_member_name (b, "node");
  if (l->node != NULL)
    json_builder_add_string_value (b, l->node);
  else
    json_builder_add_null_value (b);
  add_int (b, "channels", l->channels);
  json_builder_set_member_name (b, "removed");
  json_builder_begin_array (b);
  for (guint k = 0; k < l->removed->len; k++)
    json_builder_add_int_value (b, g_array_index (l->removed, guint, k));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "kept");
  json_builder_begin_array (b);
  for (guint k = 0; k < l->kept->len; k++)
    {
      const FmPruneKept *kept = &g_array_index (l->kept, FmPruneKept, k);

      json_builder_begin_object (b);
      add_int (b, "channel", kept->channel);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, kept->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

JsonNode *
fm_prune_to_json (const FmPrune *prune)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < prune->layers->len; i++)
    add_layer_json (b, g_ptr_array_index (prune->layers, i));
  json_builder_end_array (b);
  add_int (b, "dead", prune->n_dead);
  add_int (b, "removed", prune->n_removed);
  add_int (b, "params_before", (gint64) prune->params_before);
  add_int (b, "params_after", (gint64) prune->params_after);
  add_int (b, "macs_before", (gint64) prune->macs_before);
  add_int (b, "macs_after", (gint64) prune->macs_after);
  json_builder_set_member_name (b, "verification");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "verified");
  json_builder_add_boolean_value (b, prune->verified);
  add_int (b, "images", (gint64) prune->images);
  json_builder_set_member_name (b, "max_abs_diff");
  if (isfinite (prune->max_abs_diff))   /* NaN outputs: null, JSON has no NaN */
    json_builder_add_double_value (b, prune->max_abs_diff);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "max_rel_diff");
  if (isfinite (prune->max_rel_diff))
    json_builder_add_double_value (b, prune->max_rel_diff);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "tolerance");
  json_builder_add_double_value (b, FM_PRUNE_TOLERANCE);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  /* The dataset's warnings name its files: UTF-8 or not. */
  for (guint i = 0; prune->warnings != NULL && i < prune->warnings->len; i++)
    fm_json_add_text (b, g_ptr_array_index (prune->warnings, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static double
percent_fewer (guint64 before,
               guint64 after)
{
  return before > 0 ? 100.0 * (double) (before - MIN (after, before)) / (double) before : 0.0;
}

char *
fm_prune_summary (const FmPrune *prune)
{
  guint layers = 0;
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < prune->layers->len; i++)
    layers += ((FmPruneLayer *) g_ptr_array_index (prune->layers, i))->removed->len > 0;
  /* Translators: "Removed 45 of 45 dead channels, from 3 layers: 81 % fewer
   * multiply-adds, 53 % fewer parameters."; "%.0f %%" are percentages */
  g_string_append_printf (s, ngettext ("Removed %u of %u dead channels, from %u layer: %.0f %% "
                                       "fewer multiply-adds, %.0f %% fewer parameters.",
                                       "Removed %u of %u dead channels, from %u layers: %.0f %% "
                                       "fewer multiply-adds, %.0f %% fewer parameters.",
                                       layers),
                          prune->n_removed, prune->n_dead, layers,
                          percent_fewer (prune->macs_before, prune->macs_after),
                          percent_fewer (prune->params_before, prune->params_after));
  if (prune->verified)
    {
      g_string_append_c (s, ' ');
      /* Translators: the outputs of the original and the pruned model agree
       * within 1e-4 (relative) */
      g_string_append_printf (s, ngettext ("Outputs agree on %'" PRIu64 " image.",
                                           "Outputs agree on %'" PRIu64 " images.",
                                           (gulong) prune->images),
                              prune->images);
    }
  /* The first few: a folder with many unreadable pictures warns of each. */
  for (guint i = 0; prune->warnings != NULL && i < MIN (prune->warnings->len, 3); i++)
    {
      g_string_append_c (s, ' ');
      /* Translators: after "Outputs agree on 8 images.": what reading the
       * dataset warned of, e.g. "8 items had values outside 0 to 1, ..." */
      g_string_append_printf (s, _("Reading the dataset: %s."),
                              (const char *) g_ptr_array_index (prune->warnings, i));
    }
  if (prune->warnings != NULL && prune->warnings->len > 3)
    {
      guint more = prune->warnings->len - 3;

      g_string_append_c (s, ' ');
      /* Translators: after the first three warnings of the dataset */
      g_string_append_printf (s, ngettext ("%u more warning.", "%u more warnings.", more), more);
    }
  return g_string_free (s, FALSE);
}

char *
fm_prune_layer_describe (const FmPruneLayer *l,
                         const char         *name)
{
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  GString *s = g_string_new (NULL);

  /* Translators: "relu1: removed 16 of 32 channels" */
  g_string_append_printf (s, _("%s: removed %u of %u channels"), name, l->removed->len,
                          l->channels);
  if (l->removed->len > 0)
    {
      g_autofree char *list = fm_channel_list_indexes_to_string ((const int *) l->removed->data,
                                                                 l->removed->len);

      g_string_append (s, _("\n  removed: "));
      g_string_append (s, list);
    }
  for (guint k = 0; k < l->kept->len; k++)
    {
      const char *reason = g_array_index (l->kept, FmPruneKept, k).reason;
      g_autoptr(GArray) channels = NULL;
      g_autofree char *list = NULL;

      if (!g_hash_table_add (done, (gpointer) reason))
        continue;
      channels = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint j = k; j < l->kept->len; j++)
        if (g_strcmp0 (g_array_index (l->kept, FmPruneKept, j).reason, reason) == 0)
          g_array_append_val (channels, g_array_index (l->kept, FmPruneKept, j).channel);
      list = fm_channel_list_indexes_to_string ((const int *) channels->data, channels->len);
      g_string_append (s, _("\n  kept dead: "));
      g_string_append (s, list);
      /* Translators: after a list of channels kept: why */
      g_string_append_printf (s, _(" (%s)"), reason);
    }
  return g_string_free (s, FALSE);
}
