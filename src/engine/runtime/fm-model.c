/* fm-model.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loading a model from a file or bytes (the building is fm-model-build.c),
 * with the plain first line of an error for bytes that do not decode
 * (fm-model.h), and a model's life: references, lookups.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-file.h"
#include "fm-model-build-private.h"

void
fm_model_options_init (FmModelOptions *options)
{
  memset (options, 0, sizeof *options);
  options->memory_budget = FM_MODEL_DEFAULT_BUDGET;
  fm_onnx_limits_init_default (&options->limits);
}

FmModel *
fm_model_ref (FmModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_atomic_int_inc (&model->ref_count);
  return model;
}

void
_fm_value_set_const (FmValue       *v,
                     FmConstTensor *c)
{
  g_clear_pointer (&v->constant, fm_const_tensor_free);
  v->kind = FM_VALUE_CONST;
  v->dtype = c->dtype;
  v->shape = c->shape;
  v->numel = c->numel;
  v->constant = c;
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
  g_clear_pointer (&model->external_files, g_ptr_array_unref);
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
  return _fm_model_build (proto, name, base_dir, options, drop_source, error);
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

double
fm_model_multiply_add_flops (const FmModel *model)
{
  double flops = 0.0;

  g_return_val_if_fail (model != NULL, 0.0);

  for (guint k = 0; k < model->n_plan; k++)
    {
      const FmNode *node = &model->nodes[model->plan[k]];
      const FmValue *x, *w, *y;
      gint64 rows;

      if (node->n_inputs < 2 || node->inputs[0] < 0 || node->inputs[1] < 0
          || node->n_outputs < 1 || node->outputs[0] < 0)
        continue;
      x = &model->values[node->inputs[0]];   /* X or A */
      w = &model->values[node->inputs[1]];   /* W or B */
      y = &model->values[node->outputs[0]];
      switch (node->op)
        {
        case FM_OP_Conv:            /* W [M, C / group, kh, kw] */
        case FM_OP_ConvTranspose:   /* W [C, M / group, kh, kw] */
          rows = w->shape.dims[0];
          if (rows > 0)
            flops += 2.0 * (double) (node->op == FM_OP_Conv ? y->numel : x->numel)
                     * (double) (w->numel / (gsize) rows);
          break;
        case FM_OP_Gemm:            /* Y [M, N]; B [K, N] or [N, K] */
          rows = y->shape.dims[1];
          if (rows > 0)
            flops += 2.0 * (double) y->numel * (double) (w->numel / (gsize) rows);
          break;
        case FM_OP_MatMul:          /* A [..., M, K] */
          flops += 2.0 * (double) y->numel * (double) x->shape.dims[x->shape.rank - 1];
          break;
        default:
          break;
        }
    }
  return flops;
}
