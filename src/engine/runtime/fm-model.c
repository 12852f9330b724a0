/* fm-model.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds an immutable FmModel from a decoded ONNX file:
 *
 *   bytes -> fm_onnx_model_decode -> opset check -> initializers to
 *   float32/int64 -> real inputs (graph inputs minus initializers, symbolic
 *   batch = 1) -> Kahn sort -> per node: attribute whitelist, op prepare
 *   (shape inference), folding of nodes whose inputs are all known ->
 *   arena plan (one slot per activation, nothing reused) -> budget check.
 *
 * Every refusal is a GError naming the file and the node or tensor; bytes
 * that do not decode get a plain first line before the decoder's detail
 * (fm-model.h). It does not run anything per input: that is fm-run.c.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-file.h"
#include "fm-model-private.h"
#include "fm-op.h"

#define DEFAULT_BUDGET ((gsize) 4 << 30)
#define ARENA_ALIGN    64
#define MIN_OPSET      7

void
fm_model_options_init (FmModelOptions *options)
{
  memset (options, 0, sizeof *options);
  options->memory_budget = DEFAULT_BUDGET;
  fm_onnx_limits_init_default (&options->limits);
}

FmModel *
fm_model_ref (FmModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_atomic_int_inc (&model->ref_count);
  return model;
}

static void
fm_model_free (FmModel *model)
{
  for (guint i = 0; i < model->n_values; i++)
    {
      g_free (model->values[i].name);
      g_clear_pointer (&model->values[i].constant, fm_const_tensor_free);
    }
  for (guint i = 0; i < model->n_nodes; i++)
    {
      FmNode *node = &model->nodes[i];
      g_free (node->name);
      g_free (node->inputs);
      g_free (node->outputs);
      if (node->params != NULL && node->free_params != NULL)
        node->free_params (node->params);
    }
  g_free (model->values);
  g_free (model->nodes);
  g_free (model->plan);
  g_free (model->inputs);
  g_free (model->outputs);
  g_clear_pointer (&model->metadata, g_hash_table_unref);
  g_free (model->path);
  g_free (model->display_name);
  g_free (model->producer_name);
  g_free (model->producer_version);
  g_free (model);
}

void
fm_model_unref (FmModel *model)
{
  g_return_if_fail (model != NULL);
  if (g_atomic_int_dec_and_test (&model->ref_count))
    fm_model_free (model);
}

int
fm_model_find_value (const FmModel *model,
                     const char    *name)
{
  for (guint i = 0; i < model->n_values; i++)
    if (g_strcmp0 (model->values[i].name, name) == 0)
      return (int) i;
  return -1;
}

const char *
fm_model_get_metadata (const FmModel *model,
                       const char    *key)
{
  return g_hash_table_lookup (model->metadata, key);
}

gboolean
fm_model_is_feature_map (const FmModel *model,
                         int            value_id)
{
  const FmValue *v;

  if (value_id < 0 || (guint) value_id >= model->n_values)
    return FALSE;
  v = &model->values[value_id];
  return v->kind == FM_VALUE_ACTIVATION && v->dtype == FM_DTYPE_FLOAT &&
         v->shape.rank == 4;
}

/* ---- building ---------------------------------------------------------- */

typedef struct
{
  FmModel              *model;
  const FmOnnxModel    *proto;
  const FmModelOptions *options;
  const char           *base_dir;
  GHashTable           *value_ids;     /* name -> id + 1 */
  GArray               *values;        /* FmValue, moved into model at the end */
  gsize                 budget;
  gsize                 used;          /* weights + activations so far */
  gboolean              drop_source;   /* the bytes are a private file mapping */
} Builder;

static gboolean
budget_take (Builder  *b,
             gsize     bytes,
             const char *what,
             GError  **error)
{
  if (bytes > b->budget || b->used > b->budget - bytes)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   /* Translators: the model file, then a tensor name (or “scratch”, the shared
                      working memory), then its size and the memory budget in MiB. */
                   _("%s: '%s' needs %.1f MiB, which takes the model past its "
                     "memory budget of %.0f MiB for weights and activations"),
                   b->model->path, what, bytes / 1048576.0,
                   b->budget / 1048576.0);
      return FALSE;
    }
  b->used += bytes;
  return TRUE;
}

static int
builder_lookup (Builder    *b,
                const char *name)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (b->value_ids, name)) - 1;
}

static int
builder_add_value (Builder    *b,
                   const char *name,
                   GError    **error)
{
  FmValue v = { 0 };

  if (builder_lookup (b, name) >= 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: tensor '%s' is defined more than once"),
                   b->model->path, name);
      return -1;
    }
  v.name = g_strdup (name);
  v.producer = -1;
  v.shape.rank = -1;
  g_array_append_val (b->values, v);
  g_hash_table_insert (b->value_ids, v.name, GINT_TO_POINTER (b->values->len));
  return (int) b->values->len - 1;
}

#define VALUE(b, id) (&g_array_index ((b)->values, FmValue, (id)))

static gboolean
check_opsets (Builder  *b,
              GError  **error)
{
  const FmOnnxModel *proto = b->proto;
  gint64 opset = -1;

  for (guint i = 0; proto->opset_imports != NULL && i < proto->opset_imports->len; i++)
    {
      const FmOnnxOpset *o = g_ptr_array_index (proto->opset_imports, i);
      if (o->domain == NULL || o->domain[0] == '\0' ||
          g_str_equal (o->domain, "ai.onnx"))
        opset = o->version;
    }
  if (opset < 0)
    {
      /* IR version 1/2 files may omit it; treat as opset 1 and refuse. */
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_OP,
                   _("%s: the model imports no default ONNX opset"), b->model->path);
      return FALSE;
    }
  if (opset < MIN_OPSET)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_OP,
                   _("%s: opset %" PRId64 " is too old; opset %d or newer "
                     "is supported"), b->model->path, opset, MIN_OPSET);
      return FALSE;
    }
  b->model->opset = opset;
  return TRUE;
}

static gboolean
add_initializers (Builder  *b,
                  GError  **error)
{
  GPtrArray *inits = b->proto->graph->initializers;

  for (guint i = 0; inits != NULL && i < inits->len; i++)
    {
      const FmOnnxTensor *t = g_ptr_array_index (inits, i);
      g_autoptr(GError) local_error = NULL;
      FmConstTensor *c;
      FmValue *v;
      int id;

      if (t->name == NULL || t->name[0] == '\0')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("%s: initializer %u has no name"), b->model->path, i);
          return FALSE;
        }
      id = builder_add_value (b, t->name, error);
      if (id < 0)
        return FALSE;
      /* Weights are read once: from a mapped file, their pages are given
       * back as they are converted (VGG-11 loads in 507 MB, not 1 GB). */
      c = fm_onnx_tensor_to_const_full (t, b->base_dir, b->budget - b->used,
                                        b->drop_source, &local_error);
      if (c == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      /* Translators: a prefix put before another error message:
                                         the model file and the name of a stored weight tensor. */
                                      _("%s: initializer '%s': "), b->model->path,
                                      t->name);
          return FALSE;
        }
      if (!budget_take (b, c->numel * fm_dtype_size (c->dtype), t->name, error))
        {
          fm_const_tensor_free (c);
          return FALSE;
        }
      v = VALUE (b, id);
      v->kind = FM_VALUE_CONST;
      v->dtype = c->dtype;
      v->shape = c->shape;
      v->numel = c->numel;
      v->constant = c;
      b->model->weights_size += c->numel * fm_dtype_size (c->dtype);
    }
  return TRUE;
}

static gboolean
input_shape (Builder               *b,
             const FmOnnxValueInfo *info,
             FmShape               *shape,
             GError               **error)
{
  const FmModelOptions *o = b->options;

  if (!info->has_shape)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   _("%s: input '%s' declares no shape"), b->model->path, info->name);
      return FALSE;
    }
  shape->rank = info->rank;
  for (int d = 0; d < info->rank; d++)
    {
      gint64 dim = info->dims[d];

      if (dim >= 0)
        shape->dims[d] = dim;
      else if (d == 0)
        shape->dims[d] = 1;  /* symbolic batch */
      else if (info->rank == 4 && d == 2 && o->default_height > 0)
        shape->dims[d] = o->default_height;
      else if (info->rank == 4 && d == 3 && o->default_width > 0)
        shape->dims[d] = o->default_width;
      else
        {
          g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                       _("%s: input '%s' has a symbolic dimension %d ('%s'); "
                         "only the batch dimension may be symbolic"),
                       b->model->path, info->name, d,
                       info->dim_params[d] != NULL ? info->dim_params[d] : "?");
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_inputs (Builder  *b,
            GError  **error)
{
  GPtrArray *inputs = b->proto->graph->inputs;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; inputs != NULL && i < inputs->len; i++)
    {
      const FmOnnxValueInfo *info = g_ptr_array_index (inputs, i);
      FmConstTensor *bound = NULL;
      FmValue *v;
      gsize bytes;
      int id;

      if (info->name == NULL || info->name[0] == '\0')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("%s: graph input %u has no name"), b->model->path, i);
          goto fail;
        }
      /* Before IR v4 initializers were also listed as inputs. */
      if (builder_lookup (b, info->name) >= 0 &&
          VALUE (b, builder_lookup (b, info->name))->kind == FM_VALUE_CONST)
        continue;

      id = builder_add_value (b, info->name, error);
      if (id < 0)
        goto fail;
      v = VALUE (b, id);

      if (b->options->bind_inputs != NULL)
        bound = g_hash_table_lookup (b->options->bind_inputs, info->name);
      if (bound != NULL)
        {
          FmConstTensor *c;

          bytes = bound->numel * fm_dtype_size (bound->dtype);
          if (!budget_take (b, bytes, info->name, error))
            goto fail;
          c = fm_const_tensor_new (bound->dtype, &bound->shape, error);
          if (c == NULL)
            goto fail;
          if (bytes > 0)
            memcpy (c->data, bound->data, bytes);
          v->kind = FM_VALUE_CONST;
          v->dtype = c->dtype;
          v->shape = c->shape;
          v->numel = c->numel;
          v->constant = c;
          continue;
        }

      if (info->has_type && info->elem_type != FM_ONNX_FLOAT)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("%s: input '%s' has element type %d; only float32 "
                         "inputs can be fed"), b->model->path, info->name,
                       info->elem_type);
          goto fail;
        }
      if (!input_shape (b, info, &v->shape, error))
        goto fail;
      v->kind = FM_VALUE_INPUT;
      v->dtype = FM_DTYPE_FLOAT;
      if (!fm_shape_numel (&v->shape, G_MAXSIZE / sizeof (float), &v->numel))
        {
          g_autofree char *s = fm_shape_to_string (&v->shape);
          g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                       _("%s: input '%s' has an impossible shape %s"),
                       b->model->path, info->name, s);
          goto fail;
        }
      if (!budget_take (b, v->numel * sizeof (float), info->name, error))
        goto fail;
      g_array_append_val (ids, id);
    }

  b->model->n_inputs = ids->len;
  b->model->inputs = (int *) g_array_free (ids, FALSE);
  return TRUE;

fail:
  g_array_free (ids, TRUE);
  return FALSE;
}

static gboolean
is_default_domain (const char *domain)
{
  return domain == NULL || domain[0] == '\0' || g_str_equal (domain, "ai.onnx");
}

/* Returns the nodes of the graph in an order where every producer comes
 * before its consumers (Kahn's algorithm, stable for already sorted
 * graphs), or NULL with an error for a cycle or a missing producer. */
static guint *
sort_nodes (Builder  *b,
            GError  **error)
{
  GPtrArray *nodes = b->proto->graph->nodes;
  guint n = nodes != NULL ? nodes->len : 0;
  g_autoptr(GHashTable) producers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint *pending = g_new0 (guint, n);
  g_autoptr(GPtrArray) consumers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  g_autofree guint *queue = g_new (guint, MAX (n, 1));
  guint head = 0, tail = 0, n_order = 0;

  for (guint i = 0; i < n; i++)
    {
      const FmOnnxNode *node = g_ptr_array_index (nodes, i);
      g_ptr_array_add (consumers, g_array_new (FALSE, FALSE, sizeof (guint)));
      for (guint o = 0; node->outputs != NULL && o < node->outputs->len; o++)
        {
          const char *name = g_ptr_array_index (node->outputs, o);
          if (name[0] == '\0')
            continue;
          if (g_hash_table_contains (producers, name) || builder_lookup (b, name) >= 0)
            {
              g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                           _("%s: tensor '%s' is produced more than once (again "
                             "by node %u '%s')"), b->model->path, name, i,
                           node->name != NULL ? node->name : "");
              return NULL;
            }
          g_hash_table_insert (producers, (gpointer) name, GUINT_TO_POINTER (i + 1));
        }
    }

  for (guint i = 0; i < n; i++)
    {
      const FmOnnxNode *node = g_ptr_array_index (nodes, i);
      for (guint k = 0; node->inputs != NULL && k < node->inputs->len; k++)
        {
          const char *name = g_ptr_array_index (node->inputs, k);
          guint p;

          if (name[0] == '\0' || builder_lookup (b, name) >= 0)
            continue;
          p = GPOINTER_TO_UINT (g_hash_table_lookup (producers, name));
          if (p == 0)
            {
              g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                           _("%s: node '%s' (%s) reads tensor '%s', which no node, "
                             "initializer or input provides"), b->model->path,
                           node->name != NULL ? node->name : "",
                           node->op_type != NULL ? node->op_type : "", name);
              return NULL;
            }
          pending[i]++;
          g_array_append_val (g_ptr_array_index (consumers, p - 1), i);
        }
    }

  for (guint i = 0; i < n; i++)
    if (pending[i] == 0)
      queue[tail++] = i;
  while (head < tail)
    {
      guint i = queue[head++];
      GArray *c = g_ptr_array_index (consumers, i);

      order[n_order++] = i;
      for (guint k = 0; k < c->len; k++)
        {
          guint j = g_array_index (c, guint, k);
          if (--pending[j] == 0)
            queue[tail++] = j;
        }
    }
  if (n_order != n)
    {
      for (guint i = 0; i < n; i++)
        if (pending[i] > 0)
          {
            const FmOnnxNode *node = g_ptr_array_index (nodes, i);
            g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                         _("%s: the graph has a cycle through node '%s' (%s)"),
                         b->model->path, node->name != NULL ? node->name : "",
                         node->op_type != NULL ? node->op_type : "");
            return NULL;
          }
    }
  return g_steal_pointer (&order);
}

static gboolean
check_attributes (FmOpContext    *ctx,
                  const FmOpInfo *info,
                  GError        **error)
{
  GPtrArray *attrs = ctx->proto->attributes;

  for (guint i = 0; attrs != NULL && i < attrs->len; i++)
    {
      const FmOnnxAttribute *a = g_ptr_array_index (attrs, i);
      gboolean known = FALSE;

      for (guint k = 0; info->attributes != NULL && info->attributes[k] != NULL; k++)
        if (g_strcmp0 (info->attributes[k], a->name) == 0)
          known = TRUE;
      if (!known)
        return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                           _("attribute '%s' is not supported"),
                           a->name != NULL ? a->name : "");
      if (a->n_graphs > 0)
        return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                           _("attribute '%s' holds a subgraph; control flow is "
                             "not supported"), a->name);
    }
  return TRUE;
}

/* Computes a node whose inputs are all constants, once, at load. */
static gboolean
fold_node (Builder         *b,
           FmNode          *node,
           const FmOpInfo  *info,
           gsize            scratch_size,
           GError         **error)
{
  g_autofree gpointer *ptrs = g_new0 (gpointer, b->values->len);
  gpointer scratch = NULL;
  FmRunCtx rc = { 0 };

  for (guint i = 0; i < node->n_inputs; i++)
    if (node->inputs[i] >= 0)
      ptrs[node->inputs[i]] = VALUE (b, node->inputs[i])->constant->data;
  for (guint i = 0; i < node->n_outputs; i++)
    {
      FmValue *v;
      FmConstTensor *c;

      if (node->outputs[i] < 0)
        continue;
      v = VALUE (b, node->outputs[i]);
      if (v->constant == NULL)
        {
          c = fm_const_tensor_new (v->dtype, &v->shape, error);
          if (c == NULL)
            return FALSE;
          v->constant = c;
          v->kind = FM_VALUE_CONST;
        }
      ptrs[node->outputs[i]] = v->constant->data;
    }
  if (scratch_size > 0)
    {
      scratch = fm_aligned_alloc0 (scratch_size);
      if (scratch == NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                       _("%s: node '%s': out of memory for %zu"
                         " bytes of scratch"), b->model->path, node->name,
                       scratch_size);
          return FALSE;
        }
    }

  /* rc.model is read for shapes: point it at a model view of the values
   * built so far. */
  b->model->values = (FmValue *) (gpointer) b->values->data;
  b->model->n_values = b->values->len;
  rc.model = b->model;
  rc.ptrs = ptrs;
  rc.scratch = scratch;
  info->run (node, &rc);
  fm_aligned_free (scratch);
  node->folded = TRUE;
  return TRUE;
}

/* name -> how many node inputs read it, plus one if it is a graph output
 * (so a graph output is never released). GUINT_TO_POINTER counts. */
static GHashTable *
count_uses (Builder *b)
{
  GHashTable *uses = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *nodes = b->proto->graph->nodes;
  GPtrArray *outputs = b->proto->graph->outputs;

  for (guint k = 0; nodes != NULL && k < nodes->len; k++)
    {
      const FmOnnxNode *proto = g_ptr_array_index (nodes, k);

      for (guint i = 0; proto->inputs != NULL && i < proto->inputs->len; i++)
        {
          char *name = g_ptr_array_index (proto->inputs, i);

          g_hash_table_insert (uses, name,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (uses, name)) + 1));
        }
    }
  for (guint i = 0; outputs != NULL && i < outputs->len; i++)
    {
      const FmOnnxValueInfo *info = g_ptr_array_index (outputs, i);

      if (info->name != NULL)
        g_hash_table_insert (uses, info->name,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (uses, info->name)) + 1));
    }
  return uses;
}

/* After @node is prepared: a constant input is still needed unless @node
 * keeps its own copy (bit i of @own_copy); once its last reader is
 * prepared and every reader had its own copy, its data is freed. A use
 * that reads the original is recorded by keeping the count from reaching
 * zero (G_MAXUINT / 2 added), so the data stays. */
static void
release_constants (Builder    *b,
                   GHashTable *uses,
                   FmNode     *node,
                   guint32     own_copy)
{
  for (guint i = 0; i < node->n_inputs; i++)
    {
      FmValue *v;
      guint left;

      if (node->inputs[i] < 0)
        continue;
      v = VALUE (b, node->inputs[i]);
      if (v->kind != FM_VALUE_CONST || v->constant == NULL)
        continue;
      left = GPOINTER_TO_UINT (g_hash_table_lookup (uses, v->name));
      if (left == 0)
        continue;   /* already released, or not counted */
      if (i >= 32 || (own_copy & (1u << i)) == 0)
        left = MAX (left, G_MAXUINT / 2);   /* this reader needs the original */
      left--;
      g_hash_table_insert (uses, v->name, GUINT_TO_POINTER (left));
      if (left == 0)
        g_clear_pointer (&v->constant->data, fm_aligned_free);
    }
}

static gboolean
add_nodes (Builder  *b,
           GError  **error)
{
  FmModel *model = b->model;
  GPtrArray *nodes = b->proto->graph->nodes;
  guint n = nodes != NULL ? nodes->len : 0;
  g_autofree guint *order = NULL;
  g_autoptr(GHashTable) uses = NULL;

  order = sort_nodes (b, error);
  if (order == NULL)
    return FALSE;
  uses = count_uses (b);

  model->nodes = g_new0 (FmNode, MAX (n, 1));
  for (guint k = 0; k < n; k++)
    {
      const FmOnnxNode *proto = g_ptr_array_index (nodes, order[k]);
      FmNode *node = &model->nodes[k];
      const char *op_type = proto->op_type != NULL ? proto->op_type : "";
      const FmOpInfo *info;
      FmOpContext ctx = { 0 };
      gboolean all_const = TRUE;
      gboolean any_output = FALSE;
      guint n_in = proto->inputs != NULL ? proto->inputs->len : 0;
      guint n_out = proto->outputs != NULL ? proto->outputs->len : 0;

      model->n_nodes = k + 1;
      if (proto->name != NULL && proto->name[0] != '\0')
        node->name = g_strdup (proto->name);
      else
        node->name = g_strdup_printf ("%s_%u", op_type, order[k]);

      if (!is_default_domain (proto->domain))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_OP,
                       _("%s: node '%s': op '%s' of domain '%s' is not supported "
                         "(only the default ONNX domain is)"), model->path,
                       node->name, op_type, proto->domain);
          return FALSE;
        }
      info = fm_op_info_lookup (op_type);
      if (info == NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_OP,
                       _("%s: node '%s': op '%s' (domain 'ai.onnx', opset %"
                         PRId64 ") is not supported"), model->path,
                       node->name, op_type, model->opset);
          return FALSE;
        }
      for (guint i = 0; i < FM_N_OPS; i++)
        if (fm_op_info_get (i) == info)
          node->op = i;
      node->opset = (int) model->opset;

      node->n_inputs = n_in;
      node->inputs = g_new (int, MAX (n_in, 1));
      for (guint i = 0; i < n_in; i++)
        {
          const char *name = g_ptr_array_index (proto->inputs, i);
          node->inputs[i] = name[0] != '\0' ? builder_lookup (b, name) : -1;
          if (node->inputs[i] >= 0 && VALUE (b, node->inputs[i])->kind != FM_VALUE_CONST)
            all_const = FALSE;
        }
      node->n_outputs = n_out;
      node->outputs = g_new (int, MAX (n_out, 1));
      for (guint i = 0; i < n_out; i++)
        {
          const char *name = g_ptr_array_index (proto->outputs, i);
          node->outputs[i] = -1;
          if (name[0] == '\0')
            continue;
          node->outputs[i] = builder_add_value (b, name, error);
          if (node->outputs[i] < 0)
            return FALSE;
          VALUE (b, node->outputs[i])->kind = FM_VALUE_ACTIVATION;
          VALUE (b, node->outputs[i])->producer = (int) k;
          any_output = TRUE;
        }

      /* The values array may have grown: give ops a current view. */
      model->values = (FmValue *) (gpointer) b->values->data;
      model->n_values = b->values->len;

      ctx.model = model;
      ctx.node = node;
      ctx.proto = proto;
      ctx.max_bytes = b->budget - b->used;
      if (!any_output)
        {
          fm_op_fail (&ctx, error, FM_ERROR_INVALID_MODEL, _("has no outputs"));
          return FALSE;
        }
      if (!check_attributes (&ctx, info, error))
        return FALSE;
      if (!info->prepare (&ctx, error))
        return FALSE;
      model->values = (FmValue *) (gpointer) b->values->data;

      for (guint i = 0; i < n_out; i++)
        {
          FmValue *v;

          if (node->outputs[i] < 0)
            continue;
          v = VALUE (b, node->outputs[i]);
          if (v->kind == FM_VALUE_CONST)
            {
              /* Made in prepare (Shape, Constant). */
              if (!budget_take (b, v->numel * fm_dtype_size (v->dtype), v->name, error))
                return FALSE;
              continue;
            }
          if (v->shape.rank < 0)
            {
              fm_op_fail (&ctx, error, FM_ERROR_INVALID_MODEL,
                          _("output %u ('%s') is not produced"), i, v->name);
              return FALSE;
            }
          if (!fm_shape_numel (&v->shape, G_MAXSIZE / 8, &v->numel))
            {
              g_autofree char *s = fm_shape_to_string (&v->shape);
              fm_op_fail (&ctx, error, FM_ERROR_LIMIT,
                          _("output '%s' would have an impossible shape %s"),
                          v->name, s);
              return FALSE;
            }
          if (!budget_take (b, v->numel * fm_dtype_size (v->dtype), v->name, error))
            return FALSE;
        }
      if (ctx.scratch_size > b->budget)
        {
          fm_op_fail (&ctx, error, FM_ERROR_LIMIT,
                      _("needs %zu bytes of scratch memory"),
                      ctx.scratch_size);
          return FALSE;
        }

      release_constants (b, uses, node, ctx.own_copy);
      {
        gboolean outputs_const = TRUE;
        for (guint i = 0; i < n_out; i++)
          if (node->outputs[i] >= 0 &&
              VALUE (b, node->outputs[i])->kind != FM_VALUE_CONST)
            outputs_const = FALSE;
        if (outputs_const)
          node->folded = TRUE;
        else if (all_const)
          {
            if (!fold_node (b, node, info, ctx.scratch_size, error))
              return FALSE;
          }
        else
          model->scratch_size = MAX (model->scratch_size, ctx.scratch_size);
      }
    }
  return TRUE;
}

static gboolean
plan (Builder  *b,
      GError  **error)
{
  FmModel *model = b->model;
  gsize offset = 0;

  model->plan = g_new (guint, MAX (model->n_nodes, 1));
  for (guint i = 0; i < model->n_nodes; i++)
    if (!model->nodes[i].folded)
      model->plan[model->n_plan++] = i;

  for (guint i = 0; i < b->values->len; i++)
    {
      FmValue *v = VALUE (b, i);
      gsize bytes;

      if (v->kind == FM_VALUE_CONST)
        continue;
      bytes = v->numel * fm_dtype_size (v->dtype);
      bytes = (bytes + ARENA_ALIGN - 1) & ~(gsize) (ARENA_ALIGN - 1);
      v->offset = offset;
      if (offset > G_MAXSIZE - bytes)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                       _("%s: activations do not fit in memory"), model->path);
          return FALSE;
        }
      offset += bytes;
    }
  model->arena_size = offset;
  return budget_take (b, model->scratch_size, "scratch", error);
}

static gboolean
add_outputs (Builder  *b,
             GError  **error)
{
  GPtrArray *outputs = b->proto->graph->outputs;
  guint n = outputs != NULL ? outputs->len : 0;

  b->model->outputs = g_new (int, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const FmOnnxValueInfo *info = g_ptr_array_index (outputs, i);
      int id = info->name != NULL ? builder_lookup (b, info->name) : -1;

      if (id < 0)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("%s: graph output '%s' is not produced by any node"),
                       b->model->path, info->name != NULL ? info->name : "");
          return FALSE;
        }
      b->model->outputs[b->model->n_outputs++] = id;
    }
  if (n == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: the graph has no outputs"), b->model->path);
      return FALSE;
    }
  return TRUE;
}

static FmModel *
build (const FmOnnxModel    *proto,
       const char           *path,
       const char           *base_dir,
       const FmModelOptions *options,
       gboolean              drop_source,
       GError              **error)
{
  g_autoptr(FmModel) model = g_new0 (FmModel, 1);
  FmModelOptions default_options;
  Builder b = { 0 };
  gboolean ok;

  if (options == NULL)
    {
      fm_model_options_init (&default_options);
      options = &default_options;
    }

  model->ref_count = 1;
  model->path = g_strdup (path);
  model->display_name = g_path_get_basename (path);
  model->producer_name = g_strdup (proto->producer_name);
  model->producer_version = g_strdup (proto->producer_version);
  model->ir_version = proto->ir_version;
  model->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; proto->metadata_props != NULL && i < proto->metadata_props->len; i++)
    {
      const FmOnnxStringPair *p = g_ptr_array_index (proto->metadata_props, i);
      if (p->key != NULL)
        g_hash_table_replace (model->metadata, g_strdup (p->key),
                              g_strdup (p->value != NULL ? p->value : ""));
    }

  if (proto->graph == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: the file holds no graph"), path);
      return NULL;
    }

  b.model = model;
  b.proto = proto;
  b.options = options;
  b.base_dir = base_dir;
  b.budget = options->memory_budget > 0 ? options->memory_budget : DEFAULT_BUDGET;
  b.drop_source = drop_source;
  b.value_ids = g_hash_table_new (g_str_hash, g_str_equal);
  b.values = g_array_new (FALSE, TRUE, sizeof (FmValue));

  ok = check_opsets (&b, error) &&
       add_initializers (&b, error) &&
       add_inputs (&b, error) &&
       add_nodes (&b, error) &&
       add_outputs (&b, error) &&
       plan (&b, error);

  model->n_values = b.values->len;
  model->values = (FmValue *) (gpointer) g_array_free (b.values, FALSE);
  g_hash_table_unref (b.value_ids);
  if (!ok)
    return NULL;
  return g_steal_pointer (&model);
}

FmModel *
fm_model_build (const FmOnnxModel    *proto,
                const char           *path,
                const char           *base_dir,
                const FmModelOptions *options,
                GError              **error)
{
  return build (proto, path, base_dir, options, FALSE, error);
}

/* Protobuf refuses messages of 2 GiB or more: a field declaring a length
 * past that is damage, not the rest of a cut file. */
#define PROTOBUF_MAX_BYTES ((guint64) G_MAXINT32)

/* "FILE is truncated: 1.2 MB of at least 3.4 MB" (exact byte counts too
 * when the two round to the same text). */
static char *
describe_truncation (const char *name,
                     gsize       len,
                     guint64     needed)
{
  g_autofree char *have = g_format_size (len);
  g_autofree char *want = NULL;

  if (needed == 0)
    /* Translators: the first %s is a file name, the second a size such as “1.2 MB”. */
    return g_strdup_printf (_("%s is truncated: it ends after %s, in the middle of a value"),
                            name, have);
  want = g_format_size (needed);
  if (strcmp (have, want) == 0)
    {
      g_free (have);
      g_free (want);
      have = g_format_size_full (len, G_FORMAT_SIZE_LONG_FORMAT);
      want = g_format_size_full (needed, G_FORMAT_SIZE_LONG_FORMAT);
    }
  /* Translators: the first %s is a file name; the others are sizes such as “1.2 MB”: what
     the file has, and what the lengths written in it say it should have at least. */
  return g_strdup_printf (_("%s is truncated: %s of at least %s"), name, have, want);
}

/* Sets @error to "SENTENCE\nDETAIL": a sentence naming the file that says
 * what is wrong in plain words, then @detail (the decoder's field path and
 * byte offset, or a reason), keeping @code. */
static void
set_file_error (GError                 **error,
                int                      code,
                const char              *name,
                gsize                    len,
                const FmOnnxDecodeInfo  *info,
                const char              *detail)
{
  g_autofree char *sentence = NULL;

  /* Translators: in the three sentences below, %s is a file name. Each is the first line of
     an error; the technical detail follows on the next line. */
  if (len == 0 || !info->looks_like_model)
    sentence = g_strdup_printf (_("%s is not an ONNX model"), name);
  else if (code == FM_ERROR_LIMIT)
    sentence = g_strdup_printf (_("%s is too large or too complex to open"), name);
  else if (info->truncated && info->needed <= PROTOBUF_MAX_BYTES)
    sentence = describe_truncation (name, len, info->needed);
  else
    sentence = g_strdup_printf (_("%s is a damaged ONNX model"), name);
  g_set_error (error, FM_ERROR, code, "%s\n%s", sentence, detail);
}

static FmModel *
load_bytes (const guint8         *data,
            gsize                 len,
            const char           *name,
            const char           *base_dir,
            const FmModelOptions *options,
            gboolean              drop_source,
            GError              **error)
{
  g_autoptr(FmOnnxModel) proto = NULL;
  g_autoptr(GError) local_error = NULL;
  FmModelOptions default_options;
  FmOnnxDecodeInfo info = { 0 };

  if (options == NULL)
    {
      fm_model_options_init (&default_options);
      options = &default_options;
    }
  if (len == 0)
    {
      set_file_error (error, FM_ERROR_INVALID_MODEL, name, len, &info, _("the file is empty"));
      return NULL;
    }
  proto = fm_onnx_model_decode_full (data, len, &options->limits, &info, &local_error);
  if (proto == NULL)
    {
      set_file_error (error, local_error->code, name, len, &info, local_error->message);
      return NULL;
    }
  if (proto->graph == NULL)
    {
      set_file_error (error, FM_ERROR_INVALID_MODEL, name, len, &info,
                      _("the file holds no graph"));
      return NULL;
    }
  return build (proto, name, base_dir, options, drop_source, error);
}

FmModel *
fm_model_load_bytes (const guint8         *data,
                     gsize                 len,
                     const char           *name,
                     const char           *base_dir,
                     const FmModelOptions *options,
                     GError              **error)
{
  return load_bytes (data, len, name, base_dir, options, FALSE, error);
}

FmModel *
fm_model_load_file (const char           *path,
                    const FmModelOptions *options,
                    GError              **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autofree char *dir = NULL;
  const guint8 *data;
  gsize len;

  file = fm_file_map (path, error);
  if (file == NULL)
    return NULL;
  data = (const guint8 *) g_mapped_file_get_contents (file);
  len = g_mapped_file_get_length (file);
  dir = g_path_get_dirname (path);
  return load_bytes (data, len, path, dir, options, TRUE, error);
}
