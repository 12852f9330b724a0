/* fm-model-build.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds an FmModel from a decoded file: the opset, the initializers
 * converted to float32/int64, the real inputs (symbolic batch = 1), the
 * nodes and the arena (fm-model-plan.c), the outputs; every value counted
 * against the memory budget.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-model-build-private.h"

#define MIN_OPSET 6

gboolean
_fm_model_budget_take (FmModelBuilder *b,
                       gsize           bytes,
                       const char     *what,
                       GError        **error)
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

int
_fm_model_builder_lookup (FmModelBuilder *b,
                          const char     *name)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (b->value_ids, name)) - 1;
}

int
_fm_model_builder_add_value (FmModelBuilder *b,
                             const char     *name,
                             GError        **error)
{
  FmValue v = { 0 };

  if (_fm_model_builder_lookup (b, name) >= 0)
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


static gboolean
check_opsets (FmModelBuilder *b,
              GError        **error)
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


/* Keeps the external data file of @t (read already, so it is a file in
 * the model's folder) in the model's list: a scan result cached for the
 * model is keyed by its bytes too. */
static void
note_external_file (FmModelBuilder     *b,
                    const FmOnnxTensor *t)
{
  g_autofree char *path = NULL;

  if (t->external_data == NULL)
    return;
  for (guint i = 0; i < t->external_data->len; i++)
    {
      const FmOnnxStringPair *kv = g_ptr_array_index (t->external_data, i);

      if (g_strcmp0 (kv->key, "location") == 0 && kv->value != NULL)
        path = g_build_filename (b->base_dir, kv->value, NULL);
    }
  if (path == NULL)
    return;
  if (b->model->external_files == NULL)
    b->model->external_files = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < b->model->external_files->len; i++)
    if (g_str_equal (g_ptr_array_index (b->model->external_files, i), path))
      return;
  g_ptr_array_add (b->model->external_files, g_steal_pointer (&path));
}

static gboolean
add_initializers (FmModelBuilder *b,
                  GError        **error)
{
  GPtrArray *inits = b->proto->graph->initializers;

  for (guint i = 0; inits != NULL && i < inits->len; i++)
    {
      const FmOnnxTensor *t = g_ptr_array_index (inits, i);
      g_autoptr(GError) local_error = NULL;
      FmConstTensor *c;
      int id;

      if (t->name == NULL || t->name[0] == '\0')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("%s: initializer %u has no name"), b->model->path, i);
          return FALSE;
        }
      id = _fm_model_builder_add_value (b, t->name, error);
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
      note_external_file (b, t);
      if (!_fm_model_budget_take (b, c->numel * fm_dtype_size (c->dtype), t->name, error))
        {
          fm_const_tensor_free (c);
          return FALSE;
        }
      _fm_value_set_const (BUILDER_VALUE (b, id), c);
      b->model->weights_size += c->numel * fm_dtype_size (c->dtype);
    }
  return TRUE;
}

static gboolean
input_shape (FmModelBuilder        *b,
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
      else if (info->rank == 4 && d == 2 && o->default_height > 0 && dim == -1)
        {
          shape->dims[d] = o->default_height;
          b->model->sized_by_default = TRUE;
        }
      else if (info->rank == 4 && d == 3 && o->default_width > 0 && dim == -1)
        {
          shape->dims[d] = o->default_width;
          b->model->sized_by_default = TRUE;
        }
      else if (dim < -1)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                       _("%s: input '%s' declares dimension %d as %" PRId64 ", a negative size"),
                       b->model->path, info->name, d, dim);
          return FALSE;
        }
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

/* Input @v becomes a constant copy of @bound (FmModelOptions.bind_inputs). */
static gboolean
bind_input (FmModelBuilder       *b,
            FmValue              *v,
            const FmConstTensor  *bound,
            GError              **error)
{
  gsize bytes = bound->numel * fm_dtype_size (bound->dtype);
  FmConstTensor *c;

  if (!_fm_model_budget_take (b, bytes, v->name, error))
    return FALSE;
  c = fm_const_tensor_new (bound->dtype, &bound->shape, error);
  if (c == NULL)
    return FALSE;
  if (bytes > 0)
    memcpy (c->data, bound->data, bytes);
  _fm_value_set_const (v, c);
  return TRUE;
}

static gboolean
add_inputs (FmModelBuilder *b,
            GError        **error)
{
  GPtrArray *inputs = b->proto->graph->inputs;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; inputs != NULL && i < inputs->len; i++)
    {
      const FmOnnxValueInfo *info = g_ptr_array_index (inputs, i);
      FmConstTensor *bound = NULL;
      FmValue *v;
      int id;

      if (info->name == NULL || info->name[0] == '\0')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("%s: graph input %u has no name"), b->model->path, i);
          goto fail;
        }
      /* Before IR v4 initializers were also listed as inputs. */
      if (_fm_model_builder_lookup (b, info->name) >= 0 &&
          BUILDER_VALUE (b, _fm_model_builder_lookup (b, info->name))->kind == FM_VALUE_CONST)
        continue;

      id = _fm_model_builder_add_value (b, info->name, error);
      if (id < 0)
        goto fail;
      v = BUILDER_VALUE (b, id);

      if (b->options->bind_inputs != NULL)
        bound = g_hash_table_lookup (b->options->bind_inputs, info->name);
      if (bound != NULL)
        {
          if (!bind_input (b, v, bound, error))
            goto fail;
          continue;
        }

      if (info->has_type && info->elem_type != FM_ONNX_FLOAT)
        {
          const char *type = fm_onnx_data_type_name (info->elem_type);
          g_autofree char *number = g_strdup_printf ("%d", info->elem_type);

          g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("%s: input '%s' has element type %s; only float32 "
                         "inputs can be fed"), b->model->path, info->name,
                       type != NULL ? type : number);
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
      if (!_fm_model_budget_take (b, v->numel * sizeof (float), info->name, error))
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
add_outputs (FmModelBuilder *b,
             GError        **error)
{
  GPtrArray *outputs = b->proto->graph->outputs;
  guint n = outputs != NULL ? outputs->len : 0;

  b->model->outputs = g_new (int, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const FmOnnxValueInfo *info = g_ptr_array_index (outputs, i);
      int id = info->name != NULL ? _fm_model_builder_lookup (b, info->name) : -1;

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

FmModel *
_fm_model_build (const FmOnnxModel    *proto,
                 const char           *path,
                 const char           *base_dir,
                 const FmModelOptions *options,
                 gboolean              drop_source,
                 GError              **error)
{
  g_autoptr(FmModel) model = g_new0 (FmModel, 1);
  FmModelOptions default_options;
  FmModelBuilder b = { 0 };
  gboolean ok;

  if (options == NULL)
    {
      fm_model_options_init (&default_options);
      options = &default_options;
    }

  model->ref_count = 1;
  model->path = g_strdup (path);
  model->display_name = g_filename_display_basename (path);   /* UTF-8 whatever the bytes */
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
  b.budget = options->memory_budget > 0 ? options->memory_budget : FM_MODEL_DEFAULT_BUDGET;
  b.drop_source = drop_source;
  b.value_ids = g_hash_table_new (g_str_hash, g_str_equal);
  b.values = g_array_new (FALSE, TRUE, sizeof (FmValue));

  ok = check_opsets (&b, error) &&
       add_initializers (&b, error) &&
       add_inputs (&b, error) &&
       _fm_model_add_nodes (&b, error) &&
       add_outputs (&b, error) &&
       _fm_model_plan (&b, error);

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
  return _fm_model_build (proto, path, base_dir, options, FALSE, error);
}

