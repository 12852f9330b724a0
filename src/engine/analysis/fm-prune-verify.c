/* fm-prune-verify.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fm_prune_verify (): the original and the pruned model run over the same
 * dataset items, one after the other on one thread (each run with
 * @threads kernel threads), and every output element compared.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-dataset.h"
#include "fm-error.h"
#include "fm-prune-private.h"
#include "fm-run.h"

/* The index of the largest of @n floats (the first on ties; NaN never). */
static gsize
argmax (const float *v,
        gsize        n)
{
  gsize best = 0;

  for (gsize i = 1; i < n; i++)
    if (v[i] > v[best] || isnan (v[best]))
      best = i;
  return best;
}

/* Whether the top class of @b is that of @a, or one that @a ties with it
 * within the tolerance (equal scores, such as a saturated sigmoid's 1s,
 * may come out in another order after the smaller sums round). */
static gboolean
same_top (const float *a,
          const float *b,
          gsize        n)
{
  gsize ta = argmax (a, n), tb = argmax (b, n);
  double top = a[ta];

  return ta == tb
         || fabs (top - (double) a[tb]) <= FM_PRUNE_TOLERANCE * MAX (1.0, fabs (top));
}

typedef struct
{
  FmPrune   *prune;
  FmRun     *a;             /* the original */
  FmRun     *b;             /* the pruned model */
  FmDataset *dataset;
} Pair;

/* Compares the outputs of the item @index just run. */
static gboolean
compare_outputs (Pair     *pair,
                 guint64   index,
                 GError  **error)
{
  FmModel *ma = fm_run_get_model (pair->a), *mb = fm_run_get_model (pair->b);
  g_autofree char *item = NULL;   /* named only for a failure */

  for (guint o = 0; o < ma->n_outputs; o++)
    {
      const FmValue *va = &ma->values[ma->outputs[o]], *vb = &mb->values[mb->outputs[o]];
      const float *a = fm_run_value_data (pair->a, ma->outputs[o]);
      const float *b = fm_run_value_data (pair->b, mb->outputs[o]);

      if (va->dtype != FM_DTYPE_FLOAT || vb->dtype != FM_DTYPE_FLOAT)
        continue;
      if (va->numel != vb->numel)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("Verification failed: output “%s” has %zu values in the pruned "
                         "model, %zu in the original"), va->name, vb->numel, va->numel);
          return FALSE;
        }
      for (gsize i = 0; i < va->numel; i++)
        {
          double d = fabs ((double) a[i] - (double) b[i]);
          double rel = d / MAX (1.0, fabs ((double) a[i]));

          if (isnan (a[i]) && isnan (b[i]))
            continue;
          if (isnan (d) || rel > FM_PRUNE_TOLERANCE)
            {
              item = fm_dataset_dup_item_name (pair->dataset, index);
              /* Translators: the item is a file of the dataset ("cat/img1.png")
               * or, in an IDX or .npy file, its index */
              g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                           _("Verification failed on item %s: output “%s”[%zu] is %g in the "
                             "original and %g in the pruned model"),
                           item, va->name, i, (double) a[i], (double) b[i]);
              return FALSE;
            }
          pair->prune->max_abs_diff = MAX (pair->prune->max_abs_diff, d);
          pair->prune->max_rel_diff = MAX (pair->prune->max_rel_diff, rel);
        }
      if (o == 0 && !same_top (a, b, va->numel))
        {
          item = fm_dataset_dup_item_name (pair->dataset, index);
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("Verification failed on item %s: the top class is %zu in the "
                         "original and %zu in the pruned model"),
                       item, argmax (a, va->numel), argmax (b, vb->numel));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
run_items (Pair               *pair,
           FmDataset          *dataset,
           const FmPreprocess *pp,
           guint64             total,
           FmScanProgressFunc  progress,
           gpointer            user_data,
           GCancellable       *cancellable,
           GError            **error)
{
  FmModel *ma = fm_run_get_model (pair->a);
  const FmValue *in = &ma->values[ma->inputs[0]];
  g_autoptr(GTimer) timer = g_timer_new ();
  float *input = fm_run_input_data (pair->a, 0);
  double last = -1.0;
  guint64 index;

  while (pair->prune->images < total)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!fm_dataset_next_input (dataset, pp, &index, input, NULL, error))
        return error == NULL || *error == NULL;
      if (index >= total)
        break;
      /* Preprocessed once, straight into the original's input. */
      memcpy (fm_run_input_data (pair->b, 0), input, in->numel * sizeof (float));
      if (!fm_run_execute (pair->a, cancellable, error)
          || !fm_run_execute (pair->b, cancellable, error)
          || !compare_outputs (pair, index, error))
        return FALSE;
      pair->prune->images++;
      if (progress != NULL && g_timer_elapsed (timer, NULL) - last >= 0.05)
        {
          last = g_timer_elapsed (timer, NULL);
          progress (pair->prune->images, total, last, user_data);
        }
    }
  if (progress != NULL)
    progress (pair->prune->images, total, g_timer_elapsed (timer, NULL), user_data);
  return TRUE;
}

gboolean
fm_prune_verify (FmPrune             *prune,
                 FmModel             *original,
                 const char          *dataset_path,
                 const char          *labels_path,
                 const FmPreprocess  *pp,
                 guint64              limit,
                 guint                threads,
                 FmScanProgressFunc   progress,
                 gpointer             user_data,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autoptr(FmDataset) dataset = NULL;
  g_autoptr(FmRun) a = NULL;
  g_autoptr(FmRun) b = NULL;
  Pair pair = { prune };
  guint64 total;

  g_return_val_if_fail (prune != NULL && prune->pruned != NULL && original != NULL, FALSE);

  prune->verified = FALSE;
  prune->images = 0;
  prune->max_abs_diff = prune->max_rel_diff = 0.0;
  g_clear_pointer (&prune->warnings, g_ptr_array_unref);
  if (original->n_inputs != 1 || prune->pruned->n_inputs != 1
      || original->n_outputs != prune->pruned->n_outputs)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("Verification needs a model with one input"));
      return FALSE;
    }
  dataset = fm_dataset_open (dataset_path, labels_path, error);
  if (dataset == NULL || (a = fm_run_new (original, error)) == NULL
      || (b = fm_run_new (prune->pruned, error)) == NULL)
    return FALSE;
  fm_run_set_threads (a, MAX (threads, 1));
  fm_run_set_threads (b, MAX (threads, 1));
  pair.a = a;
  pair.b = b;
  pair.dataset = dataset;
  total = fm_dataset_get_n_items (dataset);
  if (limit > 0)
    total = MIN (total, limit);
  if (!run_items (&pair, dataset, pp, total, progress, user_data, cancellable, error))
    return FALSE;
  prune->warnings = fm_dataset_dup_warnings (dataset);
  prune->verified = prune->images > 0;
  if (!prune->verified)
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: no image to verify the pruned model on"), dataset_path);
  return prune->verified;
}
