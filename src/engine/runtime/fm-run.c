/* fm-run.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One forward pass's memory and the loop over the plan. The arena holds
 * every input and activation at the offsets fm-model.c planned; a pointer
 * table maps every value id to its data, so ops read constants and
 * activations alike. Executing allocates nothing and checks cancellation
 * between nodes. With fm_run_set_threads() the run owns a kernel thread
 * pool that its kernels share out work on. It does not check anything
 * about the model: that happened at load.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "fm-op.h"
#include "fm-run.h"
#include "fm-threads.h"

struct _FmRun
{
  FmModel  *model;
  guint8   *arena;     /* model->arena_size bytes */
  gpointer  scratch;   /* model->scratch_size bytes */
  gpointer *ptrs;      /* [n_values] */
  FmThreads *threads;  /* NULL for one thread */
};

FmRun *
fm_run_new (FmModel  *model,
            GError  **error)
{
  g_autoptr(FmRun) run = g_new0 (FmRun, 1);

  run->model = fm_model_ref (model);
  run->ptrs = g_try_new0 (gpointer, MAX (model->n_values, 1));
  run->arena = fm_aligned_alloc0 (MAX (model->arena_size, 64));
  if (model->scratch_size > 0)
    run->scratch = fm_aligned_alloc0 (model->scratch_size);
  if (run->ptrs == NULL || run->arena == NULL ||
      (model->scratch_size > 0 && run->scratch == NULL))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: not enough memory for the activations (%.1f MiB)"),
                   model->path, model->arena_size / 1048576.0);
      return NULL;
    }
  for (guint i = 0; i < model->n_values; i++)
    {
      const FmValue *v = &model->values[i];
      if (v->kind == FM_VALUE_CONST)
        run->ptrs[i] = v->constant->data;
      else
        run->ptrs[i] = run->arena + v->offset;
    }
  return g_steal_pointer (&run);
}

void
fm_run_free (FmRun *run)
{
  if (run == NULL)
    return;
  fm_aligned_free (run->arena);
  fm_aligned_free (run->scratch);
  fm_threads_free (run->threads);
  g_free (run->ptrs);
  g_clear_pointer (&run->model, fm_model_unref);
  g_free (run);
}

FmModel *
fm_run_get_model (FmRun *run)
{
  return run->model;
}

gpointer
fm_run_input_data (FmRun *run,
                   guint  index)
{
  g_return_val_if_fail (index < run->model->n_inputs, NULL);
  return run->ptrs[run->model->inputs[index]];
}

void
fm_run_set_threads (FmRun *run,
                    guint  n)
{
  n = CLAMP (n, 1, 64);
  if (fm_threads_get_n (run->threads) == n)
    return;
  g_clear_pointer (&run->threads, fm_threads_free);
  run->threads = fm_threads_new (n);
}

gboolean
fm_run_execute (FmRun         *run,
                GCancellable  *cancellable,
                GError       **error)
{
  return fm_run_execute_part (run, 0, run->model->n_plan, cancellable, error);
}

gboolean
fm_run_execute_part (FmRun         *run,
                     guint          from,
                     guint          to,
                     GCancellable  *cancellable,
                     GError       **error)
{
  const FmModel *model = run->model;
  FmRunCtx rc = { model, run->ptrs, run->scratch, run->threads };

  g_return_val_if_fail (from <= to && to <= model->n_plan, FALSE);
  for (guint k = from; k < to; k++)
    {
      const FmNode *node = &model->nodes[model->plan[k]];

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      fm_op_info_get (node->op)->run (node, &rc);
    }
  return TRUE;
}

gconstpointer
fm_run_value_data (FmRun *run,
                   int    value_id)
{
  g_return_val_if_fail (value_id >= 0 && (guint) value_id < run->model->n_values, NULL);
  return run->ptrs[value_id];
}
