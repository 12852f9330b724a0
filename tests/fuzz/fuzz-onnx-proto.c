/* fuzz-onnx-proto.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the ONNX wire decoder alone (fm-onnx-proto.c): the input is
 * decoded as a ModelProto and as a lone TensorProto. On success every
 * decoded string is read to its end, every raw_data slice must lie inside
 * the input, ranks stay within FM_MAX_RANK and counts within the limits;
 * on failure the GError must be an FM_ERROR with a message. A model the
 * encoder takes (fm-onnx-write.h) must decode again from its bytes, and
 * encode to the same bytes a second time. It does not load models (see
 * fuzz-model-load.c).
 */
#include <string.h>

#include "fm-fuzz.h"
#include "fm-onnx-proto.h"
#include "fm-onnx-write.h"

static const guint8 *input_start;
static gsize input_len;

static void
check_string (const char *s)
{
  if (s != NULL)
    FM_FUZZ_CHECK (strlen (s) < input_len + 1);
}

static void
check_tensor (const FmOnnxTensor *t)
{
  if (t == NULL)
    return;
  check_string (t->name);
  FM_FUZZ_CHECK (t->rank >= 0 && t->rank <= FM_MAX_RANK);
  if (t->has_raw_data && t->raw_data.len > 0)
    {
      FM_FUZZ_CHECK (t->raw_data.data >= input_start);
      FM_FUZZ_CHECK (t->raw_data.len <= input_len);
      FM_FUZZ_CHECK ((gsize) (t->raw_data.data - input_start) <= input_len - t->raw_data.len);
    }
  if (t->external_data != NULL)
    for (guint i = 0; i < t->external_data->len; i++)
      {
        const FmOnnxStringPair *p = t->external_data->pdata[i];

        check_string (p->key);
        check_string (p->value);
      }
}

static void
check_value_info (const FmOnnxValueInfo *v)
{
  check_string (v->name);
  FM_FUZZ_CHECK (v->rank >= 0 && v->rank <= FM_MAX_RANK);
  for (int d = 0; d < v->rank; d++)
    check_string (v->dim_params[d]);
}

static void
check_model (const FmOnnxModel *m,
             const FmOnnxLimits *limits)
{
  check_string (m->producer_name);
  check_string (m->producer_version);
  check_string (m->domain);
  check_string (m->doc_string);
  if (m->opset_imports != NULL)
    for (guint i = 0; i < m->opset_imports->len; i++)
      check_string (((FmOnnxOpset *) m->opset_imports->pdata[i])->domain);
  if (m->metadata_props != NULL)
    for (guint i = 0; i < m->metadata_props->len; i++)
      {
        const FmOnnxStringPair *p = m->metadata_props->pdata[i];

        check_string (p->key);
        check_string (p->value);
      }
  if (m->graph == NULL)
    return;

  check_string (m->graph->name);
  if (m->graph->nodes != NULL)
    {
      FM_FUZZ_CHECK (m->graph->nodes->len <= limits->max_nodes);
      for (guint i = 0; i < m->graph->nodes->len; i++)
        {
          const FmOnnxNode *n = m->graph->nodes->pdata[i];

          check_string (n->name);
          check_string (n->op_type);
          check_string (n->domain);
          if (n->inputs != NULL)
            for (guint j = 0; j < n->inputs->len; j++)
              check_string (n->inputs->pdata[j]);
          if (n->outputs != NULL)
            for (guint j = 0; j < n->outputs->len; j++)
              check_string (n->outputs->pdata[j]);
          if (n->attributes == NULL)
            continue;
          FM_FUZZ_CHECK (n->attributes->len <= limits->max_attributes);
          for (guint j = 0; j < n->attributes->len; j++)
            {
              const FmOnnxAttribute *a = n->attributes->pdata[j];

              check_string (a->name);
              if (a->s != NULL)
                FM_FUZZ_CHECK (a->s_len <= input_len);
              check_tensor (a->t);
              if (a->strings != NULL)
                for (guint k = 0; k < a->strings->len; k++)
                  check_string (a->strings->pdata[k]);
            }
        }
    }
  if (m->graph->initializers != NULL)
    {
      FM_FUZZ_CHECK (m->graph->initializers->len <= limits->max_tensors);
      for (guint i = 0; i < m->graph->initializers->len; i++)
        check_tensor (m->graph->initializers->pdata[i]);
    }
  if (m->graph->inputs != NULL)
    for (guint i = 0; i < m->graph->inputs->len; i++)
      check_value_info (m->graph->inputs->pdata[i]);
  if (m->graph->outputs != NULL)
    for (guint i = 0; i < m->graph->outputs->len; i++)
      check_value_info (m->graph->outputs->pdata[i]);
  if (m->graph->value_infos != NULL)
    for (guint i = 0; i < m->graph->value_infos->len; i++)
      check_value_info (m->graph->value_infos->pdata[i]);
}

/* encode, decode, encode: the same bytes twice. */
static void
check_round_trip (const FmOnnxModel  *m,
                  const FmOnnxLimits *limits)
{
  GError *error = NULL;
  GBytes *once, *twice;
  FmOnnxModel *again;

  if (!fm_onnx_model_check_writable (m, "fuzz", &error))
    {
      fm_fuzz_check_result (FALSE, error);
      return;
    }
  once = fm_onnx_model_encode (m);
  again = fm_onnx_model_decode (g_bytes_get_data (once, NULL), g_bytes_get_size (once), limits,
                                &error);
  FM_FUZZ_CHECK (again != NULL && error == NULL);
  twice = fm_onnx_model_encode (again);
  FM_FUZZ_CHECK (g_bytes_equal (once, twice));
  g_bytes_unref (twice);
  fm_onnx_model_free (again);
  g_bytes_unref (once);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FmOnnxLimits limits;
  FmOnnxModel *model;
  FmOnnxTensor *tensor;
  GError *error = NULL;

  fm_onnx_limits_init_default (&limits);
  input_start = data;
  input_len = size;

  model = fm_onnx_model_decode (data, size, &limits, &error);
  fm_fuzz_check_result (model != NULL, error);
  if (model != NULL)
    {
      check_model (model, &limits);
      check_round_trip (model, &limits);
    }
  g_clear_pointer (&model, fm_onnx_model_free);

  error = NULL;
  tensor = fm_onnx_tensor_decode (data, size, &limits, &error);
  fm_fuzz_check_result (tensor != NULL, error);
  check_tensor (tensor);
  g_clear_pointer (&tensor, fm_onnx_tensor_free);
  return 0;
}
