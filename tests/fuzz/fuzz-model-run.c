/* fuzz-model-run.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes a tiny forward pass: the input is loaded as a model under a
 * 1 MiB memory budget and, when it loads and its estimated work fits the
 * operation budget, run once on deterministic inputs (floats in [-2, 2],
 * int64 indices in [-3, 3]). Every value's data is then read to its end,
 * so AddressSanitizer sees a kernel that wrote or planned outside its
 * slot. The work estimate bounds each node by (elements out) x (largest
 * input's elements), and ConvTranspose and Einsum by the product of their
 * inputs' elements too, an upper bound for every op family we have except
 * the windowed ones, whose loops also walk the padding: pooling and
 * convolution with a huge kernel_shape, pads or dilations (plus auto_pad
 * SAME) cost (elements out) x (kernel cells) whatever the input's size
 * (regressions/pending/model-run-averagepool-huge-kernel-timeout), so
 * models with such a value above MAX_WINDOW are loaded but not run. It
 * does not compare results with a reference (tests/engine does).
 */
#include <math.h>

#include "fm-fuzz.h"
#include "fm-fuzz-model.h"
#include "fm-onnx-proto.h"
#include "fm-run.h"

#define BUDGET_BYTES (1024 * 1024)
#define BUDGET_OPS   ((guint64) 20 * 1000 * 1000)
#define MAX_WINDOW   64

/* FALSE if a node has a kernel_shape, pads, dilations or strides value
 * above MAX_WINDOW (see above). */
static gboolean
windows_are_small (const uint8_t *data,
                   size_t         size)
{
  FmOnnxLimits limits;
  g_autoptr(FmOnnxModel) proto = NULL;

  fm_onnx_limits_init_default (&limits);
  proto = fm_onnx_model_decode (data, size, &limits, NULL);
  if (proto == NULL || proto->graph == NULL || proto->graph->nodes == NULL)
    return TRUE;
  for (guint i = 0; i < proto->graph->nodes->len; i++)
    {
      const FmOnnxNode *node = proto->graph->nodes->pdata[i];

      for (guint j = 0; node->attributes != NULL && j < node->attributes->len; j++)
        {
          const FmOnnxAttribute *a = node->attributes->pdata[j];

          if (a->ints == NULL || a->name == NULL
              || !(g_str_equal (a->name, "kernel_shape") || g_str_equal (a->name, "pads")
                   || g_str_equal (a->name, "dilations") || g_str_equal (a->name, "strides")))
            continue;
          for (guint k = 0; k < a->ints->len; k++)
            {
              gint64 v = g_array_index (a->ints, gint64, k);

              if (v > MAX_WINDOW || v < -MAX_WINDOW)
                return FALSE;
            }
        }
    }
  return TRUE;
}

/* The product of @node's input element counts, saturating above
 * BUDGET_OPS. */
static guint64
product_of_inputs (const FmModel *model,
                   const FmNode  *node)
{
  guint64 product = 1;

  for (guint i = 0; i < node->n_inputs; i++)
    if (node->inputs[i] >= 0)
      {
        guint64 n = MAX (model->values[node->inputs[i]].numel, 1);

        if (product > (BUDGET_OPS + 1) / n)
          return BUDGET_OPS + 1;
        product *= n;
      }
  return product;
}

static gboolean
within_op_budget (const FmModel *model)
{
  guint64 total = 0;

  for (guint p = 0; p < model->n_plan; p++)
    {
      const FmNode *node = &model->nodes[model->plan[p]];
      guint64 out = 0, in = 1, cost;

      for (guint o = 0; o < node->n_outputs; o++)
        if (node->outputs[o] >= 0)
          out += model->values[node->outputs[o]].numel;
      for (guint i = 0; i < node->n_inputs; i++)
        if (node->inputs[i] >= 0)
          in = MAX (in, model->values[node->inputs[i]].numel);
      /* numel are bounded by the 1 MiB budget: no overflow. */
      cost = MAX (out, 1) * in;
      /* ConvTranspose scatters every input cell through every weight, and
       * Einsum's sums can run over every operand's axes at once, however
       * small their output (an output_shape that crops, a full
       * contraction): the product of their inputs bounds them. */
      if (node->op == FM_OP_ConvTranspose || node->op == FM_OP_Einsum)
        cost = MAX (cost, product_of_inputs (model, node));
      total += cost;
      if (total > BUDGET_OPS)
        return FALSE;
    }
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FmModel *model = fm_fuzz_load_model (data, size, BUDGET_BYTES);
  FmRun *run;
  GError *error = NULL;
  gboolean ok;

  if (model == NULL)
    return 0;
  if (!within_op_budget (model) || !windows_are_small (data, size))
    {
      fm_model_unref (model);
      return 0;
    }

  run = fm_run_new (model, &error);
  fm_fuzz_check_result (run != NULL, error);
  if (run == NULL)
    {
      fm_model_unref (model);
      return 0;
    }
  FM_FUZZ_CHECK (fm_run_get_model (run) == model);

  for (guint i = 0; i < model->n_inputs; i++)
    {
      const FmValue *value = &model->values[model->inputs[i]];
      gpointer dst = fm_run_input_data (run, i);

      FM_FUZZ_CHECK (value->numel == 0 || dst != NULL);
      for (gsize k = 0; k < value->numel; k++)
        {
          if (value->dtype == FM_DTYPE_FLOAT)
            ((float *) dst)[k] = (float) ((gint) ((k * 37 + i) % 41) - 20) / 10.0f;
          else
            ((gint64 *) dst)[k] = (gint64) ((k * 5 + i) % 7) - 3;
        }
    }

  error = NULL;
  ok = fm_run_execute (run, NULL, &error);
  fm_fuzz_check_result (ok, error);

  if (ok)
    {
      volatile double sink = 0.0;

      for (guint v = 0; v < model->n_values; v++)
        {
          const FmValue *value = &model->values[v];
          gconstpointer values = fm_run_value_data (run, (int) v);

          if (value->kind == FM_VALUE_CONST && value->constant->data == NULL)
            continue;   /* released at load: checked by fm_fuzz_check_model */
          FM_FUZZ_CHECK (value->numel == 0 || values != NULL);
          for (gsize k = 0; k < value->numel; k++)
            sink += value->dtype == FM_DTYPE_FLOAT
                      ? (double) ((const float *) values)[k]
                      : (double) ((const gint64 *) values)[k];
        }
      (void) sink;
    }

  fm_run_free (run);
  fm_model_unref (model);
  return 0;
}
