/* fm-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Running the dataset scan (rules in fm-scan.h): worker threads each pull
 * items from the shared FmDataset, run them through their own FmRun and
 * add one pass over every feature-map layer to their own per-channel
 * sums (zero count, zero cells, max, sum, top-k in fixed arrays) and,
 * for a labelled item, atomic adds to the shared per-class counts;
 * fm-scan-result.c merges them. Nothing is kept per image.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-scan-private.h"
#include "fm-threads.h"

#define PROGRESS_INTERVAL_US   (G_USEC_PER_SEC / 20)

/* ---- options ---------------------------------------------------------- */

void
fm_scan_options_init (FmScanOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->threads = 2;
  options->top_k = 9;
  options->rare_below = 0.01;
  options->epsilon = 0.0f;
}

FmScan *
fm_scan_new (FmModel             *model,
             FmDataset           *dataset,
             const FmScanOptions *options)
{
  FmScan *scan;

  g_return_val_if_fail (model != NULL && dataset != NULL, NULL);

  scan = g_new0 (FmScan, 1);
  scan->model = fm_model_ref (model);
  scan->dataset = dataset;
  if (options != NULL)
    scan->options = *options;
  else
    fm_scan_options_init (&scan->options);
  if (scan->options.threads == 0)
    scan->options.threads = 2;
  scan->layers = fm_layers_list (model, FALSE);
  g_mutex_init (&scan->error_lock);
  g_mutex_init (&scan->class_lock);
  scan->max_label = -1;
  return scan;
}

void
fm_scan_free (FmScan *scan)
{
  if (scan == NULL)
    return;
  g_clear_pointer (&scan->result, fm_scan_result_unref);
  g_clear_pointer (&scan->layers, g_array_unref);
  g_clear_pointer (&scan->model, fm_model_unref);
  g_free (scan->dataset_key);
  g_clear_error (&scan->error);
  g_mutex_clear (&scan->error_lock);
  g_mutex_clear (&scan->class_lock);
  for (guint i = 0; scan->class_rows != NULL && i < FM_DATASET_MAX_CLASSES; i++)
    g_free (scan->class_rows[i]);
  g_free (scan->class_rows);
  g_free (scan->layer_offset);
  g_free (scan);
}

FmScanResult *
fm_scan_get_result (FmScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);
  return scan->result;
}

/* ---- accumulation ----------------------------------------------------- */

static void
layer_acc_init (FmScanLayerAcc *acc,
                guint           channels,
                guint           top_k)
{
  acc->zero = g_new0 (guint64, channels);
  acc->max = g_new (float, channels);
  acc->sum = g_new0 (double, channels);
  acc->count = g_new0 (guint64, channels);
  acc->zero_cells = g_new0 (guint64, channels);
  acc->top_index = g_new (gint64, (gsize) channels * MAX (top_k, 1));
  acc->top_max = g_new (float, (gsize) channels * MAX (top_k, 1));
  for (guint c = 0; c < channels; c++)
    acc->max[c] = NAN;
  _fm_scan_top_clear (acc->top_index, acc->top_max, (gsize) channels * MAX (top_k, 1));
}

static void
layer_acc_clear (FmScanLayerAcc *acc)
{
  g_free (acc->zero);
  g_free (acc->max);
  g_free (acc->sum);
  g_free (acc->count);
  g_free (acc->zero_cells);
  g_free (acc->top_index);
  g_free (acc->top_max);
}

/* Whether (v, i) ranks above (w, j): larger value, then smaller index. */
static inline gboolean
ranks_above (float  v,
             gint64 i,
             float  w,
             gint64 j)
{
  if (j < 0)
    return TRUE;
  return v > w || (v == w && i < j);
}

void
_fm_scan_top_insert (gint64 *top_index, /* [K] */
                     float  *top_max,   /* [K] */
                     guint   k,
                     float   v,
                     gint64  index)
{
  guint pos;

  if (k == 0 || !ranks_above (v, index, top_max[k - 1], top_index[k - 1]))
    return;
  pos = k - 1;
  while (pos > 0 && ranks_above (v, index, top_max[pos - 1], top_index[pos - 1]))
    {
      top_max[pos] = top_max[pos - 1];
      top_index[pos] = top_index[pos - 1];
      pos--;
    }
  top_max[pos] = v;
  top_index[pos] = index;
}

/* Four floats at a time with GCC's generic vectors (SSE2 on x86-64, NEON
 * on arm64; no intrinsics, no -ffast-math). */
typedef float  v4f __attribute__ ((vector_size (16)));
typedef gint32 v4i __attribute__ ((vector_size (16)));

/* One plane's max (NaN skipped), sum (NaN skipped), number count and
 * zero cells (|x| <= epsilon; a NaN is not zero): the plane is active
 * when not every cell is zero. The fast loop has no branches; a plane
 * holding a NaN is summed again carefully. */
static void
plane_stats (const float *p,        /* [H * W] */
             gsize        n,
             float        epsilon,
             float       *max_out,
             double      *sum_out,
             gsize       *count_out,
             gsize       *zero_out)
{
  const v4i abs_mask = { 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff };
  const v4f eps = { epsilon, epsilon, epsilon, epsilon };
  v4f vm = { -INFINITY, -INFINITY, -INFINITY, -INFINITY };
  v4f vs = { 0, 0, 0, 0 };
  v4i zeros = { 0, 0, 0, 0 };  /* minus the zero cells per lane */
  float m, sum;
  gsize zero;
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    {
      v4f x;
      v4i gt;

      memcpy (&x, p + i, sizeof x);
      /* x > m: take x. A NaN compares false, so it never becomes the max. */
      gt = x > vm;
      vm = (v4f) (((v4i) x & gt) | ((v4i) vm & ~gt));
      vs += x;
      /* |x| <= eps is false for NaN, so a NaN is not zero; true is -1. */
      zeros += (v4f) ((v4i) x & abs_mask) <= eps;
    }
  m = MAX (MAX (vm[0], vm[1]), MAX (vm[2], vm[3]));
  sum = (vs[0] + vs[1]) + (vs[2] + vs[3]);
  /* each lane counts at most n / 4 cells: no overflow below 8 G cells */
  zero = (gsize) -((gint64) zeros[0] + zeros[1] + zeros[2] + zeros[3]);
  for (; i < n; i++)
    {
      float x = p[i];

      m = x > m ? x : m;
      sum += x;
      zero += fabsf (x) <= epsilon;
    }
  *zero_out = zero;

  if (!isnan (sum))
    {
      *max_out = n > 0 ? m : NAN;
      *sum_out = sum;
      *count_out = n;
      return;
    }

  /* A NaN somewhere (or +inf + -inf): skip NaN cells. */
  {
    double s = 0;
    gsize count = 0;
    float mm = NAN;

    for (i = 0; i < n; i++)
      if (!isnan (p[i]))
        {
          s += p[i];
          count++;
          mm = isnan (mm) || p[i] > mm ? p[i] : mm;
        }
    *max_out = mm;
    *sum_out = s;
    *count_out = count;
  }
}

/* The shared per-class counts of @label, allocated when first seen: a
 * count per channel, then the images of the class; NULL for an unlabelled
 * item. */
static guint32 *
class_row (FmScan *scan,
           int     label)
{
  guint32 *row;
  gint max;

  if (label < 0 || label >= FM_DATASET_MAX_CLASSES || scan->class_rows == NULL)
    return NULL;
  row = g_atomic_pointer_get (&scan->class_rows[label]);
  if (row != NULL)
    return row;
  g_mutex_lock (&scan->class_lock);
  row = scan->class_rows[label];
  if (row == NULL)
    {
      row = g_new0 (guint32, scan->layer_offset[scan->layers->len] + 1);
      g_atomic_pointer_set (&scan->class_rows[label], row);
    }
  max = g_atomic_int_get (&scan->max_label);
  if (label > max)
    g_atomic_int_set (&scan->max_label, label);
  g_mutex_unlock (&scan->class_lock);
  return row;
}

static void
worker_accumulate (FmScanWorker *w,
                   guint64       index,
                   int           label)
{
  FmScan *scan = w->scan;
  const FmModel *model = scan->model;
  guint k = scan->options.top_k;
  guint32 *row = class_row (scan, label);

  if (row != NULL)
    __atomic_add_fetch (&row[scan->layer_offset[scan->layers->len]], 1, __ATOMIC_RELAXED);
  for (guint l = 0; l < scan->layers->len; l++)
    {
      const FmLayer *layer = _fm_scan_layer (scan, l);
      FmScanLayerAcc *acc = &w->acc[l];
      guint channels = layer->channels;
      gsize plane = (gsize) layer->height * layer->width;
      /* [C, H, W]: the run's data, or a copy into the worker's buffer */
      const float *data = fm_layer_planes (model, layer, w->run, 0, w->planes);

      for (guint c = 0; c < channels; c++)
        {
          float m;
          double s;
          gsize count, zero;
          gboolean active;

          plane_stats (data + (gsize) c * plane, plane, scan->options.epsilon,
                       &m, &s, &count, &zero);
          active = zero < plane;
          if (!active)
            acc->zero[c]++;
          else if (row != NULL)
            __atomic_add_fetch (&row[scan->layer_offset[l] + c], 1, __ATOMIC_RELAXED);
          acc->zero_cells[c] += zero;
          acc->sum[c] += s;
          acc->count[c] += count;
          if (!isnan (m))
            {
              if (isnan (acc->max[c]) || m > acc->max[c])
                acc->max[c] = m;
              if (active)
                _fm_scan_top_insert (acc->top_index + (gsize) c * k,
                                     acc->top_max + (gsize) c * k, k, m, (gint64) index);
            }
        }
    }
}

static void
scan_set_error (FmScan *scan,
                GError *error)
{
  g_mutex_lock (&scan->error_lock);
  if (scan->error == NULL)
    scan->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&scan->error_lock);
  g_atomic_int_set (&scan->stop, 1);
}

static void
scan_maybe_report (FmScan *scan)
{
  gint64 now, last;

  if (scan->progress == NULL)
    return;
  now = g_get_monotonic_time ();
  last = __atomic_load_n (&scan->last_report_us, __ATOMIC_RELAXED);
  if (now - last < PROGRESS_INTERVAL_US)
    return;
  if (!__atomic_compare_exchange_n (&scan->last_report_us, &last, now, FALSE,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    return;  /* another worker reports this time */
  scan->progress (__atomic_load_n (&scan->done, __ATOMIC_RELAXED), scan->total,
                  (now - scan->start_us) / (double) G_USEC_PER_SEC, scan->progress_data);
}

static gpointer
worker_main (gpointer data)
{
  FmScanWorker *w = data;
  FmScan *scan = w->scan;
  guint64 limit = scan->options.limit;

  while (!g_atomic_int_get (&scan->stop))
    {
      GError *error = NULL;
      guint64 index = 0;
      int label = -1;

      if (g_cancellable_is_cancelled (scan->cancellable))
        {
          g_atomic_int_set (&scan->stop, 1);
          break;
        }
      if (!fm_dataset_next_input (scan->dataset, &scan->options.preprocess, &index,
                                  w->input, &label, &error))
        {
          if (error != NULL)
            scan_set_error (scan, error);
          break;
        }
      if (limit > 0 && index >= limit)
        break;  /* items come in index order: the rest are past the limit too */

      memcpy (fm_run_input_data (w->run, 0), w->input,
              scan->model->values[scan->model->inputs[0]].numel * sizeof (float));
      if (!fm_run_execute (w->run, scan->cancellable, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_error_free (error);
              g_atomic_int_set (&scan->stop, 1);
            }
          else
            scan_set_error (scan, error);
          break;
        }
      worker_accumulate (w, index, label);
      w->images++;
      __atomic_add_fetch (&scan->done, 1, __ATOMIC_RELAXED);
      scan_maybe_report (scan);
    }
  return NULL;
}

/* ---- running ---------------------------------------------------------- */

/* The model must take one float [1, C, H, W] image the preprocessing
 * makes. */
static gboolean
check_model_input (FmScan  *scan,
                   GError **error)
{
  const FmModel *model = scan->model;
  const FmPreprocess *pp = &scan->options.preprocess;
  const FmValue *input;

  if (model->n_inputs != 1)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: the model has %u inputs; a scan feeds models with one input"),
                   model->path, model->n_inputs);
      return FALSE;
    }
  input = &model->values[model->inputs[0]];
  if (input->dtype != FM_DTYPE_FLOAT || input->shape.rank != 4 || input->shape.dims[0] != 1)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: input “%s” is not a float [1, C, H, W] image tensor"),
                   model->path, input->name);
      return FALSE;
    }
  if (pp->channels == 0 &&
      !fm_preprocess_init_defaults (&scan->options.preprocess, model, error))
    return FALSE;
  if (!fm_preprocess_check (pp, error))
    return FALSE;
  if ((gint64) pp->channels != input->shape.dims[1] ||
      (gint64) pp->height != input->shape.dims[2] ||
      (gint64) pp->width != input->shape.dims[3])
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: the preprocessing makes %d x %d x %d inputs but input “%s” needs "
                     "%" PRId64 " x %" PRId64 " x %" PRId64),
                   model->path, pp->channels, pp->height, pp->width,
                   input->name, input->shape.dims[1], input->shape.dims[2],
                   input->shape.dims[3]);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_options (const FmScanOptions  *options,
               GError              **error)
{
  if (options->top_k > FM_SCAN_MAX_TOP_K)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("top-k must be at most %d, not %u"), FM_SCAN_MAX_TOP_K,
                   options->top_k);
      return FALSE;
    }
  if (options->threads > FM_SCAN_MAX_THREADS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("a scan uses at most %d threads, not %u"), FM_SCAN_MAX_THREADS,
                   options->threads);
      return FALSE;
    }
  if (!(options->rare_below >= 0.0 && options->rare_below <= 1.0))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("the rare threshold must be between 0 and 1, not %g"),
                   options->rare_below);
      return FALSE;
    }
  if (options->shard_count > FM_SCAN_MAX_SHARDS ||
      (options->shard_count > 0 &&
       (options->shard_index < 1 || options->shard_index > options->shard_count)))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("shard %u of %u does not exist: shards are numbered from 1 to the "
                     "number of shards, at most %d"), options->shard_index,
                   options->shard_count, FM_SCAN_MAX_SHARDS);
      return FALSE;
    }
  if (!(options->epsilon >= 0.0f) || isinf (options->epsilon))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("the zero threshold must be a finite number of at least 0, not %g"),
                   (double) options->epsilon);
      return FALSE;
    }
  return TRUE;
}

static void
workers_free (FmScan       *scan,
              FmScanWorker *workers,
              guint         n_workers)
{
  for (guint t = 0; t < n_workers; t++)
    {
      FmScanWorker *w = &workers[t];

      for (guint l = 0; w->acc != NULL && l < scan->layers->len; l++)
        layer_acc_clear (&w->acc[l]);
      g_free (w->acc);
      g_free (w->input);
      g_free (w->planes);
      g_clear_pointer (&w->run, fm_run_free);
    }
  g_free (workers);
}

/* @n_workers workers, each with its own run and sums, or NULL. */
static FmScanWorker *
workers_new (FmScan   *scan,
             guint     n_workers,
             GError  **error)
{
  FmScanWorker *workers = g_new0 (FmScanWorker, n_workers);
  gsize copy_size = 0;

  scan->layer_offset = g_new0 (guint64, scan->layers->len + 1);
  for (guint l = 0; l < scan->layers->len; l++)
    {
      copy_size = MAX (copy_size, fm_layer_copy_size (_fm_scan_layer (scan, l)));
      scan->layer_offset[l + 1] = scan->layer_offset[l] +
                                  fm_layer_channels (scan->model, _fm_scan_layer (scan, l));
    }
  /* pointers only (0.8 MB, zero pages until touched); rows come with labels */
  scan->class_rows = g_new0 (guint32 *, FM_DATASET_MAX_CLASSES);
  for (guint t = 0; t < n_workers; t++)
    {
      FmScanWorker *w = &workers[t];

      w->scan = scan;
      w->run = fm_run_new (scan->model, error);
      if (w->run == NULL)
        {
          workers_free (scan, workers, t);
          return NULL;
        }
      w->input = g_new (float, scan->model->values[scan->model->inputs[0]].numel);
      w->acc = g_new0 (FmScanLayerAcc, MAX (scan->layers->len, 1));
      if (copy_size > 0)
        w->planes = g_new (float, copy_size);
      for (guint l = 0; l < scan->layers->len; l++)
        layer_acc_init (&w->acc[l], fm_layer_channels (scan->model, _fm_scan_layer (scan, l)),
                        scan->options.top_k);
    }
  return workers;
}

/* Parallel over images, each run on one kernel thread. The calling thread
 * is worker 0; a thread that cannot start only means fewer workers. */
static void
workers_run (FmScanWorker *workers,
             guint         n_workers)
{
  guint started = 0;

  for (guint t = 1; t < n_workers; t++)
    {
      g_autoptr(GError) thread_error = NULL;

      workers[t].thread = fm_thread_spawn ("fm-scan", worker_main, &workers[t], &thread_error);
      if (workers[t].thread == NULL)
        break;
      started++;
    }
  worker_main (&workers[0]);
  for (guint t = 1; t <= started; t++)
    g_thread_join (workers[t].thread);
}

/* What a merge of shards checks: the dataset, the options and the items
 * this scan covered. */
static void
scan_record_range (FmScan       *scan,
                   FmScanResult *result)
{
  result->dataset_key = g_strdup (scan->dataset_key);
  result->dataset_items = fm_dataset_get_n_items (scan->dataset);
  result->limit = scan->options.limit;
  result->range_begin = scan->range_begin;
  result->range_end = scan->range_begin + scan->total;
  result->shard_index = scan->options.shard_index;
  result->shard_count = scan->options.shard_count;
}

/* The items to scan, [scan->range_begin, + scan->total): the first
 * `limit` of them, or shard K/N of those, which the dataset is told to
 * skip to. A shard's result names the dataset's contents, so the parts
 * of different datasets are not merged. */
static gboolean
scan_set_range (FmScan        *scan,
                GCancellable  *cancellable,
                GError       **error)
{
  const FmScanOptions *o = &scan->options;
  guint64 n_items = fm_dataset_get_n_items (scan->dataset);
  guint64 m = o->limit > 0 ? MIN (o->limit, n_items) : n_items;
  guint64 begin, end;

  if (o->shard_count == 0)
    {
      scan->range_begin = 0;
      scan->total = m;
      return TRUE;
    }
  /* m <= FM_DATASET_MAX_ITEMS and K <= FM_SCAN_MAX_SHARDS: no overflow. */
  begin = m * (o->shard_index - 1) / o->shard_count;
  end = m * o->shard_index / o->shard_count;
  scan->dataset_key = fm_dataset_dup_content_key (scan->dataset, cancellable, error);
  if (scan->dataset_key == NULL || !fm_dataset_set_range (scan->dataset, begin, end, error))
    return FALSE;
  scan->range_begin = begin;
  scan->total = end - begin;
  return TRUE;
}

/* The merged result, flagged partial when an error or a cancellation
 * stopped the workers early. */
static gboolean
scan_finish (FmScan        *scan,
             FmScanWorker  *workers,
             guint          n_workers,
             GError       **error)
{
  double elapsed = (g_get_monotonic_time () - scan->start_us) / (double) G_USEC_PER_SEC;
  gboolean ok = TRUE;

  scan->result = _fm_scan_merge (scan, workers, n_workers, elapsed);
  scan_record_range (scan, scan->result);
  /* Without a readable file (a model built in memory) the result names no model. */
  scan->result->model_sha256 = fm_scan_model_sha256 (scan->model, NULL);
  scan->result->preprocess = fm_scan_preprocess_text (&scan->options.preprocess);
  if (scan->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&scan->error));
      scan->result->partial = TRUE;
      ok = FALSE;
    }
  else if (g_atomic_int_get (&scan->stop) || g_cancellable_is_cancelled (scan->cancellable))
    {
      scan->result->partial = TRUE;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The scan was cancelled"));
      ok = FALSE;
    }
  else if (scan->result->images == 0 && scan->total > 0)
    {
      /* Every item was skipped: a scan of nothing would report no dead
       * channel, as if all were fine. */
      const char *first = scan->result->warnings != NULL ? scan->result->warnings[0] : NULL;

      scan->result->partial = TRUE;
      gulong n = (gulong) MIN (scan->total, G_MAXULONG);

      if (first != NULL)
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     ngettext ("%s: its %" PRIu64 " item could not be read (%s)",
                               "%s: none of its %" PRIu64 " items could be read "
                               "(the first: %s)", n),
                     fm_dataset_get_path (scan->dataset), scan->total, first);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     ngettext ("%s: its %" PRIu64 " item could not be read",
                               "%s: none of its %" PRIu64 " items could be read", n),
                     fm_dataset_get_path (scan->dataset), scan->total);
      ok = FALSE;
    }
  if (scan->progress != NULL)
    scan->progress (scan->result->images, scan->total, elapsed, scan->progress_data);
  return ok;
}

gboolean
fm_scan_run (FmScan             *scan,
             FmScanProgressFunc  progress,
             gpointer            user_data,
             GCancellable       *cancellable,
             GError            **error)
{
  FmScanWorker *workers;
  guint n_workers;
  gboolean ok;

  g_return_val_if_fail (scan != NULL, FALSE);
  g_return_val_if_fail (!scan->ran, FALSE);
  scan->ran = TRUE;

  if (!check_model_input (scan, error) || !check_options (&scan->options, error) ||
      !scan_set_range (scan, cancellable, error))
    return FALSE;

  n_workers = (guint) MAX (1, MIN ((guint64) scan->options.threads, MAX (scan->total, 1)));
  scan->cancellable = cancellable;
  scan->progress = progress;
  scan->progress_data = user_data;
  scan->start_us = g_get_monotonic_time ();
  scan->last_report_us = scan->start_us;

  workers = workers_new (scan, n_workers, error);
  if (workers == NULL)
    {
      scan->cancellable = NULL;
      return FALSE;
    }
  workers_run (workers, n_workers);
  ok = scan_finish (scan, workers, n_workers, error);
  workers_free (scan, workers, n_workers);
  scan->cancellable = NULL;
  return ok;
}
