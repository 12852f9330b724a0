/* fm-fuzz-model.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Model loading shared by fuzz-model-load.c and fuzz-model-run.c: loads
 * bytes under a memory budget (symbolic spatial dims default to 8 x 8)
 * and checks the loaded model's plan for consistency. Aborts on a broken
 * invariant; returns NULL when loading failed as it should.
 */
#pragma once

#include "fm-fuzz.h"
#include "fm-model.h"

static inline void
fm_fuzz_check_value_id (const FmModel *model,
                        int            id,
                        gboolean       may_be_omitted)
{
  if (id == -1 && may_be_omitted)
    return;
  FM_FUZZ_CHECK (id >= 0 && (guint) id < model->n_values);
}

static inline void
fm_fuzz_check_released (const FmModel *model,
                        int            id)
{
  guint readers = 0;

  for (guint o = 0; o < model->n_outputs; o++)
    FM_FUZZ_CHECK (model->outputs[o] != id);
  for (guint k = 0; k < model->n_nodes; k++)
    for (guint i = 0; i < model->nodes[k].n_inputs; i++)
      if (model->nodes[k].inputs[i] == id)
        {
          FM_FUZZ_CHECK (model->nodes[k].op == FM_OP_Conv && i == 1);
          readers++;
        }
  FM_FUZZ_CHECK (readers > 0);
}

static inline void
fm_fuzz_check_model (const FmModel *model,
                     gsize          budget)
{
  g_autofree gboolean *known = g_new0 (gboolean, model->n_values);

  FM_FUZZ_CHECK (model->n_plan <= model->n_nodes);
  FM_FUZZ_CHECK (model->arena_size <= budget);
  FM_FUZZ_CHECK (model->weights_size <= budget);

  for (guint v = 0; v < model->n_values; v++)
    {
      const FmValue *value = &model->values[v];
      gsize numel = 0;

      FM_FUZZ_CHECK (value->name != NULL);
      FM_FUZZ_CHECK (value->dtype == FM_DTYPE_FLOAT || value->dtype == FM_DTYPE_INT64);
      FM_FUZZ_CHECK (value->shape.rank >= 0 && value->shape.rank <= FM_MAX_RANK);
      FM_FUZZ_CHECK (fm_shape_numel (&value->shape, G_MAXSIZE, &numel));
      FM_FUZZ_CHECK (numel == value->numel);
      switch (value->kind)
        {
        case FM_VALUE_CONST:
          FM_FUZZ_CHECK (value->constant != NULL);
          FM_FUZZ_CHECK (value->constant->numel == value->numel);
          FM_FUZZ_CHECK (value->constant->dtype == value->dtype);
          /* Data is freed only when every reader is a Conv that packed it as
           * its weights (input 1) and it is not a graph output. */
          if (value->numel != 0 && value->constant->data == NULL)
            fm_fuzz_check_released (model, (int) v);
          known[v] = TRUE;
          break;
        case FM_VALUE_INPUT:
        case FM_VALUE_ACTIVATION:
          FM_FUZZ_CHECK (value->offset <= model->arena_size);
          FM_FUZZ_CHECK (value->numel <= (model->arena_size - value->offset)
                         / fm_dtype_size (value->dtype));
          known[v] = value->kind == FM_VALUE_INPUT;
          break;
        default:
          FM_FUZZ_CHECK (!"unknown value kind");
        }
    }

  for (guint i = 0; i < model->n_inputs; i++)
    {
      fm_fuzz_check_value_id (model, model->inputs[i], FALSE);
      FM_FUZZ_CHECK (model->values[model->inputs[i]].kind == FM_VALUE_INPUT);
    }
  for (guint i = 0; i < model->n_outputs; i++)
    fm_fuzz_check_value_id (model, model->outputs[i], FALSE);

  /* The plan runs in order: each planned node reads only values that are
   * inputs, constants or outputs of earlier planned nodes. */
  for (guint p = 0; p < model->n_plan; p++)
    {
      const FmNode *node;

      FM_FUZZ_CHECK (model->plan[p] < model->n_nodes);
      node = &model->nodes[model->plan[p]];
      FM_FUZZ_CHECK (!node->folded);
      FM_FUZZ_CHECK ((guint) node->op < FM_N_OPS);
      for (guint i = 0; i < node->n_inputs; i++)
        {
          fm_fuzz_check_value_id (model, node->inputs[i], TRUE);
          if (node->inputs[i] >= 0)
            FM_FUZZ_CHECK (known[node->inputs[i]]);
        }
      for (guint o = 0; o < node->n_outputs; o++)
        {
          fm_fuzz_check_value_id (model, node->outputs[o], TRUE);
          if (node->outputs[o] >= 0)
            {
              FM_FUZZ_CHECK (model->values[node->outputs[o]].kind == FM_VALUE_ACTIVATION);
              known[node->outputs[o]] = TRUE;
            }
        }
    }
}

static inline FmModel *
fm_fuzz_load_model (const uint8_t *data,
                    size_t         size,
                    gsize          budget)
{
  FmModelOptions options;
  GError *error = NULL;
  FmModel *model;

  fm_model_options_init (&options);
  options.memory_budget = budget;
  options.default_height = 8;
  options.default_width = 8;
  model = fm_model_load_bytes (data, size, "fuzz.onnx", NULL, &options, &error);
  fm_fuzz_check_result (model != NULL, error);
  if (model != NULL)
    fm_fuzz_check_model (model, budget);
  return model;
}
