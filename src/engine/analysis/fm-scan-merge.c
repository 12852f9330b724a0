/* fm-scan-merge.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parts of a sharded scan (`scan --shard K/N`) as the one result an
 * unsharded scan gives (fm_scan_result_merge in fm-scan.h). A part is to
 * the whole what one worker's sums are to a scan, so each part's layers
 * are read as a worker's accumulators and go through the scan's own
 * merge (_fm_scan_merge_channel) and derived values
 * (_fm_scan_result_finish_layer): counts, maxima, sums and top lists add
 * up exactly, means and APoZ follow from the summed raw numbers.
 *
 * The diagnosis is worked out again, not copied, without the model: a
 * channel dead in the whole is dead in every part (with images), and so
 * are the channels it reads when they are dead in the whole, so
 *  - "weights collapsed" depends on the model alone: any part's verdict;
 *  - "inputs dead" holds for the whole exactly when every part with
 *    images says so (each part that does saw all of them dead);
 *  - "bias negative" needs the whole's largest pre-activation (the
 *    largest of the parts') at or below zero and an op that can be kept
 *    negative, which a part that is not "inputs dead" shows by its own
 *    verdict, since its pre-activation is at or below zero too.
 * It refuses parts of other models, datasets or options, and ranges that
 * leave a gap or overlap, naming the parts.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-scan-private.h"

typedef struct
{
  FmScanResult *const *parts;
  const char   *const *names;
  guint                n;
  guint               *order;  /* [n] parts by range */
} Merge;

static const char *
name_of (const Merge *m,
         guint        i)
{
  return m->names[i];
}

/* ---- checks ------------------------------------------------------------ */

/* What every part must be: complete, and naming its model, dataset and range. */
static gboolean
check_part (const Merge  *m,
            guint         i,
            GError      **error)
{
  const FmScanResult *p = m->parts[i];

  if (p->partial)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s is a partial scan: it stopped after %" PRIu64 " of %" PRIu64
                     " images. Scan that shard again."), name_of (m, i), p->images, p->total);
      return FALSE;
    }
  if (p->model_sha256 == NULL || p->dataset_key == NULL || p->preprocess == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s does not say which model, dataset or input settings it was made "
                     "with (a result of an older version, or of a scan with --no-cache); "
                     "scan it again with --shard"), name_of (m, i));
      return FALSE;
    }
  for (guint l = 0; l < p->n_layers; l++)
    if (p->layers[l].sum == NULL || p->layers[l].value_count == NULL ||
        p->layers[l].zero_cells == NULL)
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s lacks the sums an exact merge needs (a result of an older "
                       "version); scan it again with --shard"), name_of (m, i));
        return FALSE;
      }
  return TRUE;
}

/* "top-k 9 and 5": how the options of @a and @b differ, or NULL. */
static char *
options_differ (const FmScanResult *a,
                const FmScanResult *b)
{
  if (a->top_k != b->top_k)
    return g_strdup_printf (_("top-k %u and %u"), a->top_k, b->top_k);
  if (a->rare_below != b->rare_below)
    return g_strdup_printf (_("rare threshold %g and %g"), a->rare_below, b->rare_below);
  if (a->epsilon != b->epsilon)
    return g_strdup_printf (_("zero threshold %g and %g"), (double) a->epsilon,
                            (double) b->epsilon);
  if (a->limit != b->limit)
    return g_strdup_printf (_("limit %" PRIu64 " and %" PRIu64), a->limit, b->limit);
  if (g_strcmp0 (a->preprocess, b->preprocess) != 0)
    return g_strdup_printf (_("input settings “%s” and “%s”"), a->preprocess, b->preprocess);
  return NULL;
}

/* The layers a model gives are the same names, channels and positions. */
static gboolean
same_layers (const FmScanResult *a,
             const FmScanResult *b)
{
  if (a->n_layers != b->n_layers)
    return FALSE;
  for (guint l = 0; l < a->n_layers; l++)
    {
      const FmScanLayer *x = &a->layers[l], *y = &b->layers[l];

      if (g_strcmp0 (x->name, y->name) != 0 || x->channels != y->channels ||
          x->cells_per_image != y->cells_per_image ||
          (x->pre_activation_max == NULL) != (y->pre_activation_max == NULL) ||
          (x->bias == NULL) != (y->bias == NULL) ||
          (x->weight_max_abs == NULL) != (y->weight_max_abs == NULL))
        return FALSE;
    }
  return TRUE;
}

/* Part @i against the first: the same model, dataset and options. */
static gboolean
check_same (const Merge  *m,
            guint         i,
            GError      **error)
{
  const FmScanResult *a = m->parts[0], *b = m->parts[i];
  g_autofree char *differ = NULL;

  if (strcmp (a->model_sha256, b->model_sha256) != 0 || !same_layers (a, b))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   /* Translators: two part files, then the first 12 hex digits of
                      each one's model SHA-256 */
                   _("%s and %s are scans of different models (SHA-256 %.12s… and %.12s…)"),
                   name_of (m, 0), name_of (m, i), a->model_sha256, b->model_sha256);
      return FALSE;
    }
  if (strcmp (a->dataset_key, b->dataset_key) != 0 || a->dataset_items != b->dataset_items)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s and %s are scans of different datasets (%" PRIu64 " and %" PRIu64
                     " items, contents %.12s… and %.12s…)"), name_of (m, 0), name_of (m, i),
                   a->dataset_items, b->dataset_items, a->dataset_key, b->dataset_key);
      return FALSE;
    }
  differ = options_differ (a, b);
  if (differ != NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   /* Translators: two part files, then e.g. "top-k 9 and 5" */
                   _("%s and %s were made with different options: %s"),
                   name_of (m, 0), name_of (m, i), differ);
      return FALSE;
    }
  return TRUE;
}

static int
compare_ranges (const void *pa,
                const void *pb,
                void       *data)
{
  const Merge *m = data;
  const FmScanResult *a = m->parts[*(const guint *) pa], *b = m->parts[*(const guint *) pb];

  if (a->range_begin != b->range_begin)
    return a->range_begin < b->range_begin ? -1 : 1;
  if (a->range_end != b->range_end)
    return a->range_end < b->range_end ? -1 : 1;
  return 0;
}

/* The parts' ranges, in order, cover the items scanned once each. */
static gboolean
check_ranges (Merge    *m,
              GError  **error)
{
  const FmScanResult *first = m->parts[0];
  guint64 want = first->limit > 0 ? MIN (first->limit, first->dataset_items)
                                  : first->dataset_items;
  guint64 pos = 0;
  int last = -1;  /* the part that ends at pos, or -1 */

  for (guint i = 0; i < m->n; i++)
    m->order[i] = i;
  g_qsort_with_data (m->order, (gint) m->n, sizeof *m->order, compare_ranges, m);
  for (guint j = 0; j < m->n; j++)
    {
      guint i = m->order[j];
      const FmScanResult *p = m->parts[i];

      if (p->range_begin == p->range_end)
        continue;  /* a shard with no items (more shards than items) */
      if (p->range_begin > pos && last < 0)
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("No part covers items %" PRIu64 " to %" PRIu64 ": the first part, %s, "
                       "begins at item %" PRIu64), pos, p->range_begin - 1, name_of (m, i),
                     p->range_begin);
      else if (p->range_begin > pos)
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s covers items %" PRIu64 " to %" PRIu64 " but %s ends at item %"
                       PRIu64 ": no part covers items %" PRIu64 " to %" PRIu64),
                     name_of (m, i), p->range_begin, p->range_end - 1, name_of (m, last),
                     pos - 1, pos, p->range_begin - 1);
      else if (p->range_begin < pos)
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s covers items %" PRIu64 " to %" PRIu64 " but %s already covers up "
                       "to item %" PRIu64 ": the parts overlap"), name_of (m, i),
                     p->range_begin, p->range_end - 1, name_of (m, last), pos - 1);
      if (p->range_begin != pos)
        return FALSE;
      pos = p->range_end;
      last = (int) i;
    }
  if (pos < want)
    {
      if (last < 0)
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("No part covers any item: the scan has %" PRIu64 " items"), want);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("No part covers items %" PRIu64 " to %" PRIu64 ": the last part, %s, "
                       "ends at item %" PRIu64), pos, want - 1, name_of (m, last), pos - 1);
      return FALSE;
    }
  return TRUE;
}

/* ---- merging ----------------------------------------------------------- */

/* The result's own fields: the first part's names and options, the
 * counts added up, the warnings in item order. */
static FmScanResult *
result_new_for (const Merge *m)
{
  const FmScanResult *first = m->parts[m->order[0]];
  FmScanResult *r = _fm_scan_result_new ();
  g_autoptr(GStrvBuilder) warnings = g_strv_builder_new ();

  r->model_path = g_strdup (first->model_path);
  r->dataset_path = g_strdup (first->dataset_path);
  r->model_sha256 = g_strdup (first->model_sha256);
  r->preprocess = g_strdup (first->preprocess);
  r->dataset_key = g_strdup (first->dataset_key);
  r->dataset_items = first->dataset_items;
  r->limit = first->limit;
  r->top_k = first->top_k;
  r->rare_below = first->rare_below;
  r->epsilon = first->epsilon;
  r->parts = m->n;
  for (guint j = 0; j < m->n; j++)
    {
      const FmScanResult *p = m->parts[m->order[j]];

      r->images += p->images;
      r->total += p->total;
      r->elapsed += p->elapsed;
      r->n_classes = MAX (r->n_classes, p->n_classes);
      for (guint w = 0; p->warnings != NULL && p->warnings[w] != NULL; w++)
        g_strv_builder_add (warnings, p->warnings[w]);
    }
  r->range_end = r->total;
  r->warnings = g_strv_builder_end (warnings);
  r->n_layers = first->n_layers;
  r->layers = g_new0 (FmScanLayer, MAX (r->n_layers, 1));
  return r;
}

/* Each part as a scan worker: its layers' numbers as the worker's sums
 * (views, not copies). */
static FmScanWorker *
workers_from_parts (const Merge *m)
{
  FmScanWorker *workers = g_new0 (FmScanWorker, m->n);

  for (guint i = 0; i < m->n; i++)
    {
      const FmScanResult *p = m->parts[i];

      workers[i].images = p->images;
      workers[i].acc = g_new0 (FmScanLayerAcc, MAX (p->n_layers, 1));
      for (guint l = 0; l < p->n_layers; l++)
        {
          const FmScanLayer *L = &p->layers[l];
          FmScanLayerAcc *acc = &workers[i].acc[l];

          acc->zero = L->zero_count;
          acc->zero_cells = L->zero_cells;
          acc->max = L->max;
          acc->sum = L->sum;
          acc->count = L->value_count;
          acc->top_index = L->top_index;
          acc->top_max = L->top_max;
        }
    }
  return workers;
}

/* The classes' names, their images and each channel's fire counts per
 * class, added up over the parts (a part that saw fewer classes has fewer
 * columns; the images are known when every labelled part kept them). */
static void
merge_classes (const Merge  *m,
               FmScanResult *r)
{
  guint n = r->n_classes;

  if (n == 0)
    return;
  r->class_names = g_new0 (char *, n);
  r->class_images = g_new0 (guint64, n);
  for (guint j = 0; j < m->n; j++)
    {
      const FmScanResult *p = m->parts[m->order[j]];

      for (guint k = 0; p->class_names != NULL && k < p->n_classes; k++)
        if (r->class_names[k] == NULL)
          r->class_names[k] = g_strdup (p->class_names[k]);
      if (p->n_classes > 0 && p->class_images == NULL)
        g_clear_pointer (&r->class_images, g_free);
      for (guint k = 0; r->class_images != NULL && k < p->n_classes; k++)
        r->class_images[k] += p->class_images[k];
    }
  for (guint k = 0; k < n; k++)
    if (r->class_names[k] == NULL)
      r->class_names[k] = g_strdup_printf ("%u", k);
  for (guint l = 0; l < r->n_layers; l++)
    {
      FmScanLayer *out = &r->layers[l];

      out->class_fire_count = g_new0 (guint32, MAX ((gsize) out->channels * n, 1));
      for (guint j = 0; j < m->n; j++)
        {
          const FmScanResult *p = m->parts[j];
          const FmScanLayer *L = &p->layers[l];

          for (guint c = 0; L->class_fire_count != NULL && c < out->channels; c++)
            for (guint k = 0; k < p->n_classes; k++)
              out->class_fire_count[(gsize) c * n + k] +=
                L->class_fire_count[(gsize) c * p->n_classes + k];
        }
    }
}

/* The model's facts (bias, weights) are the same in every part; the
 * largest pre-activation is the largest of the parts'. */
static void
merge_model_facts (const Merge *m,
                   guint        l,
                   FmScanLayer *out)
{
  const FmScanLayer *first = &m->parts[0]->layers[l];
  guint C = out->channels;

  if (first->bias != NULL)
    out->bias = g_memdup2 (first->bias, MAX (C, 1) * sizeof (float));
  if (first->weight_max_abs != NULL)
    out->weight_max_abs = g_memdup2 (first->weight_max_abs, MAX (C, 1) * sizeof (float));
  if (first->pre_activation_max == NULL)
    return;
  out->pre_activation_max = g_new (float, MAX (C, 1));
  for (guint c = 0; c < C; c++)
    {
      float v = NAN;

      for (guint i = 0; i < m->n; i++)
        {
          float x = m->parts[i]->layers[l].pre_activation_max[c];

          if (!isnan (x) && (isnan (v) || x > v))
            v = x;
        }
      out->pre_activation_max[c] = v;
    }
}

/* Channel @c of layer @l, dead in the whole: its diagnosis from the
 * parts' (see the top of the file). */
static FmScanDiagnosis
diagnose_channel (const Merge       *m,
                  const FmScanLayer *out,
                  guint              l,
                  guint              c)
{
  gboolean all_inputs_dead = TRUE, bias_negative = FALSE;

  if (out->weight_max_abs != NULL && out->weight_max_abs[c] <= FM_SCAN_WEIGHT_COLLAPSED)
    return FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED;
  for (guint i = 0; i < m->n; i++)
    {
      FmScanDiagnosis d = m->parts[i]->layers[l].diagnosis[c];

      if (m->parts[i]->images == 0)
        continue;
      all_inputs_dead &= d == FM_SCAN_DIAGNOSIS_INPUTS_DEAD;
      bias_negative |= d == FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE;
    }
  if (all_inputs_dead)
    return FM_SCAN_DIAGNOSIS_INPUTS_DEAD;
  if (bias_negative && out->pre_activation_max != NULL &&
      !isnan (out->pre_activation_max[c]) && out->pre_activation_max[c] <= 0.0f)
    return FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE;
  return FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD;
}

static void
merge_layer (const Merge  *m,
             FmScanWorker *workers,
             FmScanResult *r,
             guint         l)
{
  const FmScanLayer *first = &m->parts[0]->layers[l];
  FmScanLayer *out = &r->layers[l];
  guint C = first->channels;
  guint k = r->top_k;

  out->name = g_strdup (first->name);
  out->op = g_strdup (first->op);
  out->cells_per_image = first->cells_per_image;
  _fm_scan_layer_alloc (out, C, k);
  for (guint c = 0; c < C; c++)
    _fm_scan_merge_channel (out, r->images, k, workers, m->n, l, c);
  merge_model_facts (m, l, out);
  _fm_scan_result_finish_layer (out, r->images, r->rare_below);
  for (guint i = 0; i < out->n_dead; i++)
    out->diagnosis[out->dead[i]] = diagnose_channel (m, out, l, out->dead[i]);
}

FmScanResult *
fm_scan_result_merge (FmScanResult *const  *parts,
                      const char   *const  *names,
                      guint                 n_parts,
                      GError              **error)
{
  g_autoptr(GPtrArray) default_names = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint *order = g_new (guint, MAX (n_parts, 1));
  Merge m = { parts, names, n_parts, order };
  FmScanResult *r;
  FmScanWorker *workers;

  g_return_val_if_fail (parts != NULL || n_parts == 0, NULL);

  if (n_parts == 0)
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_INVALID_INPUT, _("No parts to merge"));
      return NULL;
    }
  if (names == NULL)
    {
      for (guint i = 0; i < n_parts; i++)
        /* Translators: a part of a sharded scan in messages, when it has no file name */
        g_ptr_array_add (default_names, g_strdup_printf (_("part %u"), i + 1));
      m.names = (const char *const *) default_names->pdata;
    }
  for (guint i = 0; i < n_parts; i++)
    if (!check_part (&m, i, error) || !check_same (&m, i, error))
      return NULL;
  if (!check_ranges (&m, error))
    return NULL;

  r = result_new_for (&m);
  workers = workers_from_parts (&m);
  for (guint l = 0; l < r->n_layers; l++)
    merge_layer (&m, workers, r, l);
  merge_classes (&m, r);
  for (guint i = 0; i < n_parts; i++)
    g_free (workers[i].acc);
  g_free (workers);
  return r;
}
