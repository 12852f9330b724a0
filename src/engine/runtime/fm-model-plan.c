/* fm-model-plan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * From the graph's nodes to what a run executes: the nodes sorted (Kahn),
 * each one's attributes checked against its op's list and prepared
 * (shapes, packed weights, scratch), nodes whose inputs are all known
 * computed once (folded), constants freed once no node reads them, and
 * one arena with a slot for every activation.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "fm-model-build-private.h"
#include "fm-op.h"

#define ARENA_ALIGN 64

static gboolean
is_default_domain (const char *domain)
{
  return domain == NULL || domain[0] == '\0' || g_str_equal (domain, "ai.onnx");
}

/* What a message calls the graph's node @index: its name, or
 * "<op_type>_<index>" for a node without one (as the built node is named). */
static char *
proto_label (const FmOnnxNode *proto,
             guint             index)
{
  if (proto->name != NULL && proto->name[0] != '\0')
    return g_strdup (proto->name);
  return g_strdup_printf ("%s_%u", proto->op_type != NULL ? proto->op_type : "", index);
}

/* Fills @producers: output name -> node index + 1; refuses a tensor
 * produced twice or produced and also an initializer or input. */
static gboolean
map_producers (FmModelBuilder  *b,
               GHashTable      *producers,
               GError         **error)
{
  GPtrArray *nodes = b->proto->graph->nodes;
  guint n = nodes != NULL ? nodes->len : 0;

  for (guint i = 0; i < n; i++)
    {
      const FmOnnxNode *node = g_ptr_array_index (nodes, i);
      for (guint o = 0; node->outputs != NULL && o < node->outputs->len; o++)
        {
          const char *name = g_ptr_array_index (node->outputs, o);
          if (name[0] == '\0')
            continue;
          if (g_hash_table_contains (producers, name) || _fm_model_builder_lookup (b, name) >= 0)
            {
              g_autofree char *label = proto_label (node, i);

              g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                           _("%s: tensor '%s' is produced more than once (again "
                             "by node %u '%s')"), b->model->path, name, i, label);
              return FALSE;
            }
          g_hash_table_insert (producers, (gpointer) name, GUINT_TO_POINTER (i + 1));
        }
    }
  return TRUE;
}

/* A node on a cycle, when Kahn's algorithm left nodes @pending (those on
 * cycles and those that read from them): from the first, stepping to a
 * pending producer of an input n times ends on a cycle. */
static guint
on_cycle (FmModelBuilder *b,
          GHashTable     *producers,
          const guint    *pending)
{
  GPtrArray *nodes = b->proto->graph->nodes;
  guint n = nodes->len;
  guint i = 0;

  while (i < n && pending[i] == 0)
    i++;
  for (guint step = 0; step < n; step++)
    {
      const FmOnnxNode *node = g_ptr_array_index (nodes, i);

      for (guint k = 0; node->inputs != NULL && k < node->inputs->len; k++)
        {
          guint p = GPOINTER_TO_UINT (g_hash_table_lookup (producers,
                                                           g_ptr_array_index (node->inputs, k)));

          if (p > 0 && pending[p - 1] > 0)
            {
              i = p - 1;
              break;
            }
        }
    }
  return i;
}

/* Returns the nodes of the graph in an order where every producer comes
 * before its consumers (Kahn's algorithm, stable for already sorted
 * graphs), or NULL with an error for a cycle or a missing producer. */
static guint *
sort_nodes (FmModelBuilder *b,
            GError        **error)
{
  GPtrArray *nodes = b->proto->graph->nodes;
  guint n = nodes != NULL ? nodes->len : 0;
  g_autoptr(GHashTable) producers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint *pending = g_new0 (guint, n);
  g_autoptr(GPtrArray) consumers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  g_autofree guint *queue = g_new (guint, MAX (n, 1));
  guint head = 0, tail = 0, n_order = 0;

  if (!map_producers (b, producers, error))
    return NULL;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (consumers, g_array_new (FALSE, FALSE, sizeof (guint)));
  for (guint i = 0; i < n; i++)
    {
      const FmOnnxNode *node = g_ptr_array_index (nodes, i);
      for (guint k = 0; node->inputs != NULL && k < node->inputs->len; k++)
        {
          const char *name = g_ptr_array_index (node->inputs, k);
          guint p;

          if (name[0] == '\0' || _fm_model_builder_lookup (b, name) >= 0)
            continue;
          p = GPOINTER_TO_UINT (g_hash_table_lookup (producers, name));
          if (p == 0)
            {
              g_autofree char *label = proto_label (node, i);

              g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                           _("%s: node '%s' (%s) reads tensor '%s', which no node, "
                             "initializer or input provides"), b->model->path, label,
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
      guint i = on_cycle (b, producers, pending);
      const FmOnnxNode *node = g_ptr_array_index (nodes, i);
      g_autofree char *label = proto_label (node, i);

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: the graph has a cycle through node '%s' (%s)"),
                   b->model->path, label, node->op_type != NULL ? node->op_type : "");
      return NULL;
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
fold_node (FmModelBuilder *b,
           FmNode         *node,
           const FmOpInfo *info,
           gsize           scratch_size,
           GError        **error)
{
  g_autofree gpointer *ptrs = g_new0 (gpointer, b->values->len);
  gpointer scratch = NULL;
  FmRunCtx rc = { 0 };

  for (guint i = 0; i < node->n_inputs; i++)
    if (node->inputs[i] >= 0)
      ptrs[node->inputs[i]] = BUILDER_VALUE (b, node->inputs[i])->constant->data;
  for (guint i = 0; i < node->n_outputs; i++)
    {
      FmValue *v;
      FmConstTensor *c;

      if (node->outputs[i] < 0)
        continue;
      v = BUILDER_VALUE (b, node->outputs[i]);
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
count_uses (FmModelBuilder *b)
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
release_constants (FmModelBuilder *b,
                   GHashTable     *uses,
                   FmNode         *node,
                   guint32         own_copy)
{
  for (guint i = 0; i < node->n_inputs; i++)
    {
      FmValue *v;
      guint left;

      if (node->inputs[i] < 0)
        continue;
      v = BUILDER_VALUE (b, node->inputs[i]);
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

/* Names @node (the proto's name or "<op_type>_<@index>") and finds its
 * op; refuses other domains and ops not in fm-ops.def. */
static const FmOpInfo *
identify_node (FmModelBuilder    *b,
               const FmOnnxNode  *proto,
               guint              index,
               FmNode            *node,
               GError           **error)
{
  const char *op_type = proto->op_type != NULL ? proto->op_type : "";
  const FmOpInfo *info;

  node->name = proto_label (proto, index);

  if (!is_default_domain (proto->domain))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_OP,
                   _("%s: node '%s': op '%s' of domain '%s' is not supported "
                     "(only the default ONNX domain is)"), b->model->path,
                   node->name, op_type, proto->domain);
      return NULL;
    }
  info = fm_op_info_lookup (op_type);
  if (info == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_OP,
                   _("%s: node '%s': op '%s' (domain 'ai.onnx', opset %"
                     PRId64 ") is not supported"), b->model->path,
                   node->name, op_type, b->model->opset);
      return NULL;
    }
  for (guint i = 0; i < FM_N_OPS; i++)
    if (fm_op_info_get (i) == info)
      node->op = i;
  node->opset = (int) b->model->opset;
  return info;
}

/* Points @node's inputs at known values and adds its outputs as
 * activations of node @k. *@all_const: every input is a constant;
 * *@any_output: it has an output. */
static gboolean
link_node (FmModelBuilder    *b,
           const FmOnnxNode  *proto,
           guint              k,
           FmNode            *node,
           gboolean          *all_const,
           gboolean          *any_output,
           GError           **error)
{
  guint n_in = proto->inputs != NULL ? proto->inputs->len : 0;
  guint n_out = proto->outputs != NULL ? proto->outputs->len : 0;

  *all_const = TRUE;
  *any_output = FALSE;
  node->n_inputs = n_in;
  node->inputs = g_new (int, MAX (n_in, 1));
  for (guint i = 0; i < n_in; i++)
    {
      const char *name = g_ptr_array_index (proto->inputs, i);
      node->inputs[i] = name[0] != '\0' ? _fm_model_builder_lookup (b, name) : -1;
      if (node->inputs[i] >= 0 && BUILDER_VALUE (b, node->inputs[i])->kind != FM_VALUE_CONST)
        *all_const = FALSE;
    }
  node->n_outputs = n_out;
  node->outputs = g_new (int, MAX (n_out, 1));
  for (guint i = 0; i < n_out; i++)
    {
      const char *name = g_ptr_array_index (proto->outputs, i);
      node->outputs[i] = -1;
      if (name[0] == '\0')
        continue;
      node->outputs[i] = _fm_model_builder_add_value (b, name, error);
      if (node->outputs[i] < 0)
        return FALSE;
      BUILDER_VALUE (b, node->outputs[i])->kind = FM_VALUE_ACTIVATION;
      BUILDER_VALUE (b, node->outputs[i])->producer = (int) k;
      *any_output = TRUE;
    }
  return TRUE;
}

/* After prepare: every output has a shape and fits the budget, and so
 * does the scratch the node asked for. */
static gboolean
check_outputs (FmModelBuilder  *b,
               FmOpContext     *ctx,
               GError         **error)
{
  const FmNode *node = ctx->node;

  for (guint i = 0; i < node->n_outputs; i++)
    {
      FmValue *v;

      if (node->outputs[i] < 0)
        continue;
      v = BUILDER_VALUE (b, node->outputs[i]);
      if (v->kind == FM_VALUE_CONST)
        {
          /* Made in prepare (Shape, Constant). */
          if (!_fm_model_budget_take (b, v->numel * fm_dtype_size (v->dtype), v->name, error))
            return FALSE;
          continue;
        }
      if (v->shape.rank < 0)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("output %u ('%s') is not produced"), i, v->name);
      if (!fm_shape_numel (&v->shape, G_MAXSIZE / 8, &v->numel))
        {
          g_autofree char *s = fm_shape_to_string (&v->shape);
          return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                             _("output '%s' would have an impossible shape %s"),
                             v->name, s);
        }
      if (!_fm_model_budget_take (b, v->numel * fm_dtype_size (v->dtype), v->name, error))
        return FALSE;
    }
  if (ctx->scratch_size > b->budget)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                       _("needs %zu bytes of scratch memory"),
                       ctx->scratch_size);
  return TRUE;
}

/* A node whose outputs prepare made constant is done; one whose inputs
 * are all constant is computed now; any other is left for the plan. */
static gboolean
settle_node (FmModelBuilder  *b,
             FmNode          *node,
             const FmOpInfo  *info,
             gboolean         all_const,
             gsize            scratch_size,
             GError         **error)
{
  gboolean outputs_const = TRUE;

  for (guint i = 0; i < node->n_outputs; i++)
    if (node->outputs[i] >= 0 &&
        BUILDER_VALUE (b, node->outputs[i])->kind != FM_VALUE_CONST)
      outputs_const = FALSE;
  if (outputs_const)
    node->folded = TRUE;
  else if (all_const)
    return fold_node (b, node, info, scratch_size, error);
  else
    b->model->scratch_size = MAX (b->model->scratch_size, scratch_size);
  return TRUE;
}

/* A Transpose's permutation, which its prepare has checked. */
static void
keep_perm (FmOpContext *ctx,
           FmNode      *node)
{
  const FmOnnxAttribute *perm = fm_op_attr (ctx, "perm");
  /* A shape's rank is at most FM_MAX_RANK; said again for GCC's -O3
   * bounds check, which cannot see it. */
  int rank = MIN (ctx->model->values[node->inputs[0]].shape.rank, FM_MAX_RANK);

  node->n_perm = (guint) rank;
  for (int d = 0; d < rank; d++)
    node->perm[d] = perm != NULL && perm->ints != NULL
                    ? (guint8) g_array_index (perm->ints, gint64, d)
                    : (guint8) (rank - 1 - d);
}

/* Node @k of the sorted graph, node @index of the file. */
static gboolean
add_node (FmModelBuilder    *b,
          GHashTable        *uses,
          const FmOnnxNode  *proto,
          guint              index,
          guint              k,
          GError           **error)
{
  FmModel *model = b->model;
  FmNode *node = &model->nodes[k];
  const FmOpInfo *info;
  FmOpContext ctx = { 0 };
  gboolean all_const, any_output;

  model->n_nodes = k + 1;
  info = identify_node (b, proto, index, node, error);
  if (info == NULL || !link_node (b, proto, k, node, &all_const, &any_output, error))
    return FALSE;

  /* The values array may have grown: give ops a current view. */
  model->values = (FmValue *) (gpointer) b->values->data;
  model->n_values = b->values->len;

  ctx.model = model;
  ctx.node = node;
  ctx.proto = proto;
  ctx.max_bytes = b->budget - b->used;
  if (!any_output)
    return fm_op_fail (&ctx, error, FM_ERROR_INVALID_MODEL, _("has no outputs"));
  if (!check_attributes (&ctx, info, error) || !info->prepare (&ctx, error))
    return FALSE;
  model->values = (FmValue *) (gpointer) b->values->data;
  if (node->op == FM_OP_Transpose)
    keep_perm (&ctx, node);
  if (!check_outputs (b, &ctx, error))
    return FALSE;

  release_constants (b, uses, node, ctx.own_copy);
  return settle_node (b, node, info, all_const, ctx.scratch_size, error);
}

gboolean
_fm_model_add_nodes (FmModelBuilder *b,
                     GError        **error)
{
  GPtrArray *nodes = b->proto->graph->nodes;
  guint n = nodes != NULL ? nodes->len : 0;
  g_autofree guint *order = NULL;
  g_autoptr(GHashTable) uses = NULL;

  order = sort_nodes (b, error);
  if (order == NULL)
    return FALSE;
  uses = count_uses (b);

  b->model->nodes = g_new0 (FmNode, MAX (n, 1));
  for (guint k = 0; k < n; k++)
    if (!add_node (b, uses, g_ptr_array_index (nodes, order[k]), order[k], k, error))
      return FALSE;
  return TRUE;
}

gboolean
_fm_model_plan (FmModelBuilder *b,
                GError        **error)
{
  FmModel *model = b->model;
  gsize offset = 0;

  model->plan = g_new (guint, MAX (model->n_nodes, 1));
  for (guint i = 0; i < model->n_nodes; i++)
    if (!model->nodes[i].folded)
      model->plan[model->n_plan++] = i;

  for (guint i = 0; i < b->values->len; i++)
    {
      FmValue *v = BUILDER_VALUE (b, i);
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
  return _fm_model_budget_take (b, model->scratch_size, "scratch", error);
}

