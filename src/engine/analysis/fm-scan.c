/* fm-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dataset scan (rules in fm-scan.h): worker threads each pull items
 * from the shared FmDataset, run them through their own FmRun and add one
 * pass over every feature-map layer to their own per-channel accumulators
 * (zero count, max, sum, top-k in fixed arrays); the calling thread merges
 * them, derives the pre-activation maxima from the layers they come from,
 * the dead and rare lists and each dead channel's diagnosis. Also the
 * plain-words explanation, JSON and CSV, and the cache files. It does not
 * draw, know about GTK, or keep anything per image.
 */
#include "config.h"

#include <inttypes.h>

#include "fm-scan.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-layers.h"
#include "fm-op.h"
#include "fm-run.h"

#define FM_SCAN_FORMAT_VERSION 1
#define PROGRESS_INTERVAL_US   (G_USEC_PER_SEC / 20)

/* One worker's sums for one layer. */
typedef struct
{
  guint64 *zero;      /* [C] */
  float   *max;       /* [C], NaN until a number is seen */
  double  *sum;       /* [C] */
  guint64 *count;     /* [C] cells that were numbers */
  gint64  *top_index; /* [C * K], sorted by (value desc, index asc); -1 empty */
  float   *top_max;   /* [C * K] */
} LayerAcc;

typedef struct _Worker Worker;

struct _FmScan
{
  FmModel       *model;
  FmDataset     *dataset;   /* borrowed */
  FmScanOptions  options;
  GArray        *layers;    /* FmLayer, fm_layers_list (model, FALSE) */
  FmScanResult  *result;
  gboolean       ran;

  /* shared while running */
  GCancellable  *cancellable;
  FmScanProgressFunc progress;
  gpointer       progress_data;
  gint64         start_us;
  gint64         last_report_us;  /* atomic */
  guint64        done;            /* atomic */
  guint64        total;
  gint           stop;            /* atomic: an error or cancellation */
  GMutex         error_lock;
  GError        *error;           /* the first error */
};

struct _Worker
{
  FmScan   *scan;
  FmRun    *run;
  LayerAcc *acc;      /* [n_layers] */
  float    *input;    /* [1, C, H, W] preprocessed item */
  guint64   images;
  GThread  *thread;
};

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
  g_clear_error (&scan->error);
  g_mutex_clear (&scan->error_lock);
  g_free (scan);
}

FmScanResult *
fm_scan_get_result (FmScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);
  return scan->result;
}

/* ---- accumulation ----------------------------------------------------- */

static const FmLayer *
scan_layer (FmScan *scan,
            guint   i)
{
  return &g_array_index (scan->layers, FmLayer, i);
}

static gsize
layer_plane (const FmModel *model,
             const FmLayer *layer)
{
  const FmShape *shape = &model->values[layer->value_id].shape;

  return (gsize) shape->dims[2] * (gsize) shape->dims[3];
}

static void
layer_acc_init (LayerAcc *acc,
                guint     channels,
                guint     top_k)
{
  acc->zero = g_new0 (guint64, channels);
  acc->max = g_new (float, channels);
  acc->sum = g_new0 (double, channels);
  acc->count = g_new0 (guint64, channels);
  acc->top_index = g_new (gint64, (gsize) channels * MAX (top_k, 1));
  acc->top_max = g_new (float, (gsize) channels * MAX (top_k, 1));
  for (guint c = 0; c < channels; c++)
    acc->max[c] = NAN;
  for (gsize i = 0; i < (gsize) channels * MAX (top_k, 1); i++)
    {
      acc->top_index[i] = -1;
      acc->top_max[i] = NAN;
    }
}

static void
layer_acc_clear (LayerAcc *acc)
{
  g_free (acc->zero);
  g_free (acc->max);
  g_free (acc->sum);
  g_free (acc->count);
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

/* Inserts (v, index) into one channel's sorted top list [K]. */
static inline void
top_insert (gint64 *top_index, /* [K] */
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
 * whether any cell is active (|x| > epsilon or NaN). The fast loop has no
 * branches; a plane holding a NaN is summed again carefully. */
static void
plane_stats (const float *p,        /* [H * W] */
             gsize        n,
             float        epsilon,
             float       *max_out,
             double      *sum_out,
             gsize       *count_out,
             gboolean    *active_out)
{
  const v4i abs_mask = { 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff };
  const v4f eps = { epsilon, epsilon, epsilon, epsilon };
  v4f vm = { -INFINITY, -INFINITY, -INFINITY, -INFINITY };
  v4f vs = { 0, 0, 0, 0 };
  v4i quiet = { -1, -1, -1, -1 };  /* lanes where every cell so far was zero */
  float m, sum;
  int active = 0;
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
      /* |x| <= eps is false for NaN, so a NaN is active. */
      quiet &= (v4f) ((v4i) x & abs_mask) <= eps;
    }
  m = MAX (MAX (vm[0], vm[1]), MAX (vm[2], vm[3]));
  sum = (vs[0] + vs[1]) + (vs[2] + vs[3]);
  active = !(quiet[0] & quiet[1] & quiet[2] & quiet[3]);
  for (; i < n; i++)
    {
      float x = p[i];

      m = x > m ? x : m;
      sum += x;
      active |= !(fabsf (x) <= epsilon);
    }
  *active_out = active != 0;

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

static void
worker_accumulate (Worker *w,
                   guint64 index)
{
  FmScan *scan = w->scan;
  const FmModel *model = scan->model;
  guint k = scan->options.top_k;

  for (guint l = 0; l < scan->layers->len; l++)
    {
      const FmLayer *layer = scan_layer (scan, l);
      LayerAcc *acc = &w->acc[l];
      guint channels = fm_layer_channels (model, layer);
      gsize plane = layer_plane (model, layer);
      const float *data = fm_run_value_data (w->run, layer->value_id); /* [1, C, H, W] */

      for (guint c = 0; c < channels; c++)
        {
          float m;
          double s;
          gsize count;
          gboolean active;

          plane_stats (data + (gsize) c * plane, plane, scan->options.epsilon,
                       &m, &s, &count, &active);
          if (!active)
            acc->zero[c]++;
          acc->sum[c] += s;
          acc->count[c] += count;
          if (!isnan (m))
            {
              if (isnan (acc->max[c]) || m > acc->max[c])
                acc->max[c] = m;
              if (active)
                top_insert (acc->top_index + (gsize) c * k, acc->top_max + (gsize) c * k,
                            k, m, (gint64) index);
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
  Worker *w = data;
  FmScan *scan = w->scan;
  guint64 limit = scan->options.limit;

  while (!g_atomic_int_get (&scan->stop))
    {
      GError *error = NULL;
      guint64 index = 0;

      if (g_cancellable_is_cancelled (scan->cancellable))
        {
          g_atomic_int_set (&scan->stop, 1);
          break;
        }
      if (!fm_dataset_next_input (scan->dataset, &scan->options.preprocess, &index,
                                  w->input, NULL, &error))
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
      worker_accumulate (w, index);
      w->images++;
      __atomic_add_fetch (&scan->done, 1, __ATOMIC_RELAXED);
      scan_maybe_report (scan);
    }
  return NULL;
}

/* ---- result ----------------------------------------------------------- */

static FmScanResult *
result_new (void)
{
  FmScanResult *result = g_new0 (FmScanResult, 1);

  result->ref_count = 1;
  return result;
}

static void
scan_layer_clear (FmScanLayer *l)
{
  g_free (l->name);
  g_free (l->op);
  g_free (l->zero_count);
  g_free (l->fire_count);
  g_free (l->max);
  g_free (l->mean);
  g_free (l->pre_activation_max);
  g_free (l->bias);
  g_free (l->weight_max_abs);
  g_free (l->diagnosis);
  g_free (l->top_index);
  g_free (l->top_max);
  g_free (l->dead);
  g_free (l->rare);
}

FmScanResult *
fm_scan_result_ref (FmScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  g_atomic_int_inc (&result->ref_count);
  return result;
}

void
fm_scan_result_unref (FmScanResult *result)
{
  if (result == NULL || !g_atomic_int_dec_and_test (&result->ref_count))
    return;
  for (guint i = 0; i < result->n_layers; i++)
    scan_layer_clear (&result->layers[i]);
  g_free (result->layers);
  g_free (result->model_path);
  g_free (result->dataset_path);
  g_strfreev (result->warnings);
  g_free (result);
}

int
fm_scan_result_find_layer (const FmScanResult *result,
                           const char         *name)
{
  g_return_val_if_fail (result != NULL && name != NULL, -1);

  for (guint i = 0; i < result->n_layers; i++)
    if (g_strcmp0 (result->layers[i].name, name) == 0)
      return (int) i;
  return -1;
}

/* Dead and rare lists from the counts. */
static void
layer_classify (FmScanLayer *l,
                guint64      images,
                double       rare_below)
{
  l->dead = g_new (guint, MAX (l->channels, 1));
  l->rare = g_new (guint, MAX (l->channels, 1));
  l->n_dead = l->n_rare = 0;
  for (guint c = 0; c < l->channels; c++)
    {
      if (images > 0 && l->fire_count[c] == 0)
        l->dead[l->n_dead++] = c;
      else if (l->fire_count[c] > 0 && (double) l->fire_count[c] < rare_below * (double) images)
        l->rare[l->n_rare++] = c;
    }
}

static gboolean
is_dead (const FmScanLayer *l,
         guint              c,
         guint64            images)
{
  return images > 0 && c < l->channels && l->fire_count[c] == 0;
}

/* Ops whose output channel c reads only input channel c. */
static gboolean
is_channelwise (FmOpType op)
{
  switch (op)
    {
    case FM_OP_MaxPool:
    case FM_OP_AveragePool:
    case FM_OP_Relu:
    case FM_OP_LeakyRelu:
    case FM_OP_Clip:
    case FM_OP_Identity:
    case FM_OP_Dropout:
    case FM_OP_BatchNormalization:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The layer whose value is @value_id, or -1 (the image, a constant, ...). */
static int
layer_of_value (FmScan *scan,
                int     value_id)
{
  for (guint i = 0; i < scan->layers->len; i++)
    if (scan_layer (scan, i)->value_id == value_id)
      return (int) i;
  return -1;
}

/* Whether every input channel that channel @c of layer @l reads is dead. */
static gboolean
inputs_dead (FmScan             *scan,
             const FmScanResult *result,
             guint               l,
             guint               c)
{
  const FmModel *model = scan->model;
  const FmLayer *layer = scan_layer (scan, l);
  int node_index = layer->pre_node >= 0 ? layer->pre_node : layer->node;
  const FmNode *node = &model->nodes[node_index];
  int in_layer;
  const FmScanLayer *in;

  if (node->n_inputs < 1 || node->inputs[0] < 0)
    return FALSE;
  in_layer = layer_of_value (scan, node->inputs[0]);
  if (in_layer < 0 || (guint) in_layer >= l)
    return FALSE;  /* the image or something not scanned: never */
  in = &result->layers[in_layer];

  if (node->op == FM_OP_Conv)
    {
      const FmValue *wv = node->n_inputs >= 2 && node->inputs[1] >= 0
                          ? &model->values[node->inputs[1]] : NULL;
      guint m_total = fm_layer_channels (model, layer);
      guint cg, groups, mg, g;

      if (wv == NULL || wv->shape.rank < 2 || m_total == 0)
        return FALSE;
      cg = (guint) wv->shape.dims[1];            /* input channels per group */
      groups = cg > 0 ? in->channels / cg : 0;
      if (groups == 0 || m_total % groups != 0)
        return FALSE;
      mg = m_total / groups;
      g = c / mg;
      for (guint i = g * cg; i < (g + 1) * cg; i++)
        if (!is_dead (in, i, result->images))
          return FALSE;
      return TRUE;
    }
  if (is_channelwise (node->op) && in->channels == fm_layer_channels (model, layer))
    return is_dead (in, c, result->images);
  return FALSE;
}

static void
layer_diagnose (FmScan       *scan,
                FmScanResult *result,
                guint         l)
{
  const FmModel *model = scan->model;
  const FmLayer *layer = scan_layer (scan, l);
  FmScanLayer *out = &result->layers[l];
  FmOpType op = model->nodes[layer->node].op;

  for (guint c = 0; c < out->channels; c++)
    {
      out->diagnosis[c] = FM_SCAN_DIAGNOSIS_NONE;
      if (!is_dead (out, c, result->images))
        continue;
      if (out->weight_max_abs != NULL && out->weight_max_abs[c] <= FM_SCAN_WEIGHT_COLLAPSED)
        out->diagnosis[c] = FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED;
      else if (inputs_dead (scan, result, l, c))
        out->diagnosis[c] = FM_SCAN_DIAGNOSIS_INPUTS_DEAD;
      else if (out->pre_activation_max != NULL && !isnan (out->pre_activation_max[c]) &&
               out->pre_activation_max[c] <= 0.0f &&
               (op == FM_OP_Relu || op == FM_OP_Clip || op == FM_OP_HardSigmoid ||
                op == FM_OP_HardSwish))
        out->diagnosis[c] = FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE;
      else
        out->diagnosis[c] = FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD;
    }
}

static FmScanResult *
scan_merge (FmScan  *scan,
            Worker  *workers,
            guint    n_workers,
            double   elapsed)
{
  const FmModel *model = scan->model;
  FmScanResult *result = result_new ();
  guint k = scan->options.top_k;
  g_autoptr(GPtrArray) warnings = fm_dataset_dup_warnings (scan->dataset);

  result->model_path = g_strdup (model->path);
  result->dataset_path = g_strdup (fm_dataset_get_path (scan->dataset));
  for (guint t = 0; t < n_workers; t++)
    result->images += workers[t].images;
  result->total = scan->total;
  result->top_k = k;
  result->rare_below = scan->options.rare_below;
  result->epsilon = scan->options.epsilon;
  result->elapsed = elapsed;
  result->warnings = g_new0 (char *, warnings->len + 1);
  for (guint i = 0; i < warnings->len; i++)
    result->warnings[i] = g_strdup (g_ptr_array_index (warnings, i));

  result->n_layers = scan->layers->len;
  result->layers = g_new0 (FmScanLayer, MAX (result->n_layers, 1));
  for (guint l = 0; l < result->n_layers; l++)
    {
      const FmLayer *layer = scan_layer (scan, l);
      FmScanLayer *out = &result->layers[l];
      guint C = fm_layer_channels (model, layer);
      int compute_node = layer->pre_node >= 0 ? layer->pre_node : layer->node;

      out->name = g_strdup (model->values[layer->value_id].name);
      out->op = g_strdup (fm_layer_op_label (model, layer));
      out->channels = C;
      out->zero_count = g_new0 (guint64, MAX (C, 1));
      out->fire_count = g_new0 (guint64, MAX (C, 1));
      out->max = g_new (float, MAX (C, 1));
      out->mean = g_new (float, MAX (C, 1));
      out->diagnosis = g_new0 (FmScanDiagnosis, MAX (C, 1));
      out->top_index = g_new (gint64, MAX ((gsize) C * k, 1));
      out->top_max = g_new (float, MAX ((gsize) C * k, 1));

      for (guint c = 0; c < C; c++)
        {
          double sum = 0;
          guint64 count = 0;
          float m = NAN;

          for (gsize j = 0; j < k; j++)
            {
              out->top_index[(gsize) c * k + j] = -1;
              out->top_max[(gsize) c * k + j] = NAN;
            }
          for (guint t = 0; t < n_workers; t++)
            {
              LayerAcc *acc = &workers[t].acc[l];

              out->zero_count[c] += acc->zero[c];
              sum += acc->sum[c];
              count += acc->count[c];
              if (!isnan (acc->max[c]) && (isnan (m) || acc->max[c] > m))
                m = acc->max[c];
              for (guint j = 0; j < k; j++)
                if (acc->top_index[(gsize) c * k + j] >= 0)
                  top_insert (out->top_index + (gsize) c * k, out->top_max + (gsize) c * k, k,
                              acc->top_max[(gsize) c * k + j],
                              acc->top_index[(gsize) c * k + j]);
            }
          out->fire_count[c] = result->images - out->zero_count[c];
          out->max[c] = m;
          out->mean[c] = count > 0 ? (float) (sum / (double) count) : NAN;
        }

      /* The pre-activation is itself a scanned layer (nothing is merged),
       * so its maxima are already known. */
      if (layer->pre_value_id >= 0)
        {
          int pl = layer_of_value (scan, layer->pre_value_id);

          out->pre_activation_max = g_new (float, MAX (C, 1));
          for (guint c = 0; c < C; c++)
            out->pre_activation_max[c] = pl >= 0 && c < result->layers[pl].channels
                                         ? result->layers[pl].max[c] : NAN;
        }
      if (layer->bias_value_id >= 0)
        {
          out->bias = g_new (float, MAX (C, 1));
          for (guint c = 0; c < C; c++)
            out->bias[c] = fm_layer_bias (model, layer, c);
        }
      if (model->nodes[compute_node].op == FM_OP_Conv)
        {
          out->weight_max_abs = g_new (float, MAX (C, 1));
          for (guint c = 0; c < C; c++)
            /* worked out at load: the weights are released once packed */
            out->weight_max_abs[c] = fm_op_conv_weight_max_abs (&model->nodes[compute_node], c);
        }
      layer_classify (out, result->images, result->rare_below);
      layer_diagnose (scan, result, l);
    }
  return result;
}

/* ---- running ---------------------------------------------------------- */

static gboolean
scan_prepare (FmScan  *scan,
              GError **error)
{
  const FmModel *model = scan->model;
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
  if (scan->options.preprocess.channels == 0 &&
      !fm_preprocess_init_from_model (&scan->options.preprocess, model, error))
    return FALSE;
  if (!fm_preprocess_check (&scan->options.preprocess, error))
    return FALSE;
  if ((gint64) scan->options.preprocess.channels != input->shape.dims[1] ||
      (gint64) scan->options.preprocess.height != input->shape.dims[2] ||
      (gint64) scan->options.preprocess.width != input->shape.dims[3])
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: the preprocessing makes %d x %d x %d inputs but input “%s” needs "
                     "%" PRId64 " x %" PRId64 " x %" PRId64),
                   model->path, scan->options.preprocess.channels,
                   scan->options.preprocess.height, scan->options.preprocess.width,
                   input->name, input->shape.dims[1], input->shape.dims[2],
                   input->shape.dims[3]);
      return FALSE;
    }
  if (scan->options.top_k > FM_SCAN_MAX_TOP_K)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("top-k must be at most %d, not %u"), FM_SCAN_MAX_TOP_K,
                   scan->options.top_k);
      return FALSE;
    }
  if (scan->options.threads > FM_SCAN_MAX_THREADS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("a scan uses at most %d threads, not %u"), FM_SCAN_MAX_THREADS,
                   scan->options.threads);
      return FALSE;
    }
  if (!(scan->options.rare_below >= 0.0 && scan->options.rare_below <= 1.0))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("the rare threshold must be between 0 and 1, not %g"),
                   scan->options.rare_below);
      return FALSE;
    }
  if (!(scan->options.epsilon >= 0.0f) || isinf (scan->options.epsilon))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("the zero threshold must be a finite number of at least 0, not %g"),
                   (double) scan->options.epsilon);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_scan_run (FmScan             *scan,
             FmScanProgressFunc  progress,
             gpointer            user_data,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autofree Worker *workers = NULL;
  guint n_workers, started = 0;
  guint64 n_items;
  gboolean ok;
  double elapsed;

  g_return_val_if_fail (scan != NULL, FALSE);
  g_return_val_if_fail (!scan->ran, FALSE);
  scan->ran = TRUE;

  if (!scan_prepare (scan, error))
    return FALSE;

  n_items = fm_dataset_get_n_items (scan->dataset);
  scan->total = scan->options.limit > 0 ? MIN (scan->options.limit, n_items) : n_items;
  n_workers = (guint) MAX (1, MIN ((guint64) scan->options.threads, MAX (scan->total, 1)));
  scan->cancellable = cancellable;
  scan->progress = progress;
  scan->progress_data = user_data;
  scan->start_us = g_get_monotonic_time ();
  scan->last_report_us = scan->start_us;

  workers = g_new0 (Worker, n_workers);
  for (guint t = 0; t < n_workers; t++)
    {
      Worker *w = &workers[t];

      w->scan = scan;
      w->run = fm_run_new (scan->model, error);
      if (w->run == NULL)
        {
          n_workers = t;
          ok = FALSE;
          goto out;
        }
      w->input = g_new (float, scan->model->values[scan->model->inputs[0]].numel);
      w->acc = g_new0 (LayerAcc, MAX (scan->layers->len, 1));
      for (guint l = 0; l < scan->layers->len; l++)
        layer_acc_init (&w->acc[l], fm_layer_channels (scan->model, scan_layer (scan, l)),
                        scan->options.top_k);
    }

  /* Parallel over images, each run on one kernel thread. The calling thread is worker 0. */
  for (guint t = 1; t < n_workers; t++)
    {
      g_autoptr(GError) thread_error = NULL;

      workers[t].thread = g_thread_try_new ("fm-scan", worker_main, &workers[t], &thread_error);
      if (workers[t].thread == NULL)
        break;  /* fewer workers: still correct */
      started++;
    }
  worker_main (&workers[0]);
  for (guint t = 1; t <= started; t++)
    g_thread_join (workers[t].thread);

  elapsed = (g_get_monotonic_time () - scan->start_us) / (double) G_USEC_PER_SEC;
  scan->result = scan_merge (scan, workers, n_workers, elapsed);
  ok = TRUE;
  if (scan->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&scan->error));
      scan->result->partial = TRUE;
      ok = FALSE;
    }
  else if (g_atomic_int_get (&scan->stop) || g_cancellable_is_cancelled (cancellable))
    {
      scan->result->partial = TRUE;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The scan was cancelled"));
      ok = FALSE;
    }
  if (progress != NULL)
    progress (scan->result->images, scan->total, elapsed, user_data);

out:
  for (guint t = 0; t < n_workers; t++)
    {
      Worker *w = &workers[t];

      for (guint l = 0; w->acc != NULL && l < scan->layers->len; l++)
        layer_acc_clear (&w->acc[l]);
      g_free (w->acc);
      g_free (w->input);
      g_clear_pointer (&w->run, fm_run_free);
    }
  scan->cancellable = NULL;
  return ok;
}

/* ---- explanation ------------------------------------------------------ */

const char *
fm_scan_diagnosis_to_string (FmScanDiagnosis diagnosis)
{
  switch (diagnosis)
    {
    case FM_SCAN_DIAGNOSIS_NONE:
      return "none";
    case FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED:
      return "weights-collapsed";
    case FM_SCAN_DIAGNOSIS_INPUTS_DEAD:
      return "inputs-dead";
    case FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE:
      return "bias-negative";
    case FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD:
      return "never-above-threshold";
    default:
      return "none";
    }
}

static gboolean
diagnosis_from_string (const char      *s,
                       FmScanDiagnosis *out)
{
  for (int d = FM_SCAN_DIAGNOSIS_NONE; d <= FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD; d++)
    if (g_strcmp0 (s, fm_scan_diagnosis_to_string (d)) == 0)
      {
        *out = d;
        return TRUE;
      }
  return FALSE;
}

char *
fm_scan_result_explain (const FmScanResult *result,
                        guint               layer,
                        guint               channel)
{
  const FmScanLayer *l;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *images = NULL;
  float bias, pre;

  g_return_val_if_fail (result != NULL && layer < result->n_layers, NULL);
  l = &result->layers[layer];
  g_return_val_if_fail (channel < l->channels, NULL);

  images = g_strdup_printf ("%" G_GUINT64_FORMAT, result->images);
  if (result->images == 0)
    return g_strdup (_("No images were scanned."));

  if (l->diagnosis[channel] == FM_SCAN_DIAGNOSIS_NONE)
    {
      double share = 100.0 * (double) l->fire_count[channel] / (double) result->images;

      /* Translators: how many images of how many a channel fired on, and the share. */
      g_string_printf (text, _("This channel fires on %" PRIu64 " of %s images "
                               "(%.2f %%)."),
                       l->fire_count[channel], images, share);
      if (l->fire_count[channel] > 0 && share < 100.0 * result->rare_below)
        g_string_append_printf (text, " %s",
                                _("It is rarely active: it may be close to dying, or "
                                  "detect something uncommon."));
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  g_string_printf (text, _("This channel is dead: it is zero for all %s scanned images."),
                   images);
  g_string_append_c (text, ' ');
  bias = l->bias != NULL ? l->bias[channel] : NAN;
  pre = l->pre_activation_max != NULL ? l->pre_activation_max[channel] : NAN;

  switch (l->diagnosis[channel])
    {
    case FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED:
      if (!isnan (bias))
        g_string_append_printf (text, _("Its weights have collapsed to near zero (the largest "
                                        "is %.2g), so it ignores its input and only its bias, "
                                        "%.2f, is left."),
                                (double) l->weight_max_abs[channel], (double) bias);
      else
        g_string_append_printf (text, _("Its weights have collapsed to near zero (the largest "
                                        "is %.2g), so it ignores its input."),
                                (double) l->weight_max_abs[channel]);
      break;
    case FM_SCAN_DIAGNOSIS_INPUTS_DEAD:
      g_string_append (text, _("Every input channel it reads is itself dead, so it never "
                               "receives a signal: look at the earlier layer first."));
      break;
    case FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE:
      if (!isnan (bias))
        g_string_append_printf (text, _("Its largest pre-activation over the whole dataset "
                                        "was %.2f, at or below zero, so the activation zeroed "
                                        "every position of every image; the bias, %.2f, keeps "
                                        "it negative."),
                                (double) pre, (double) bias);
      else
        g_string_append_printf (text, _("Its largest pre-activation over the whole dataset "
                                        "was %.2f, at or below zero, so the activation zeroed "
                                        "every position of every image."),
                                (double) pre);
      break;
    default:
      g_string_append_printf (text, _("Its values never rose above the zero threshold "
                                      "(%g)."),
                              (double) result->epsilon);
      break;
    }

  g_string_append_c (text, ' ');
  g_string_append (text, _("Usual remedies: a lower learning rate, batch normalisation "
                           "before the activation, LeakyReLU instead of ReLU, and better "
                           "initialisation (He/Kaiming)."));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ---- JSON ------------------------------------------------------------- */

static void
add_float (JsonBuilder *b,
           float        v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_floats (JsonBuilder *b,
            const char  *member,
            const float *v,
            guint        n)
{
  json_builder_set_member_name (b, member);
  if (v == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    add_float (b, v[i]);
  json_builder_end_array (b);
}

static void
add_counts (JsonBuilder   *b,
            const char    *member,
            const guint64 *v,
            guint          n)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (b, (gint64) v[i]);
  json_builder_end_array (b);
}

static void
add_indexes (JsonBuilder *b,
             const char  *member,
             const guint *v,
             guint        n)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (b, v[i]);
  json_builder_end_array (b);
}

JsonNode *
fm_scan_result_to_json (const FmScanResult *result)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint k;

  g_return_val_if_fail (result != NULL, NULL);
  k = result->top_k;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, result->model_path);
  json_builder_set_member_name (b, "dataset");
  json_builder_add_string_value (b, result->dataset_path);
  json_builder_set_member_name (b, "images");
  json_builder_add_int_value (b, (gint64) result->images);
  json_builder_set_member_name (b, "partial");
  json_builder_add_boolean_value (b, result->partial);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, (gint64) result->total);
  json_builder_set_member_name (b, "top_k");
  json_builder_add_int_value (b, k);
  json_builder_set_member_name (b, "rare_below");
  json_builder_add_double_value (b, result->rare_below);
  json_builder_set_member_name (b, "epsilon");
  json_builder_add_double_value (b, result->epsilon);
  json_builder_set_member_name (b, "elapsed");
  json_builder_add_double_value (b, result->elapsed);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; result->warnings != NULL && result->warnings[i] != NULL; i++)
    json_builder_add_string_value (b, result->warnings[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint l = 0; l < result->n_layers; l++)
    {
      const FmScanLayer *L = &result->layers[l];
      guint C = L->channels;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, L->name);
      json_builder_set_member_name (b, "op");
      json_builder_add_string_value (b, L->op);
      json_builder_set_member_name (b, "channels");
      json_builder_add_int_value (b, C);
      add_counts (b, "zero_count", L->zero_count, C);
      add_counts (b, "fire_count", L->fire_count, C);
      add_floats (b, "max", L->max, C);
      add_floats (b, "mean", L->mean, C);
      add_floats (b, "pre_activation_max", L->pre_activation_max, C);
      add_indexes (b, "dead", L->dead, L->n_dead);
      add_indexes (b, "rare", L->rare, L->n_rare);

      json_builder_set_member_name (b, "top");
      json_builder_begin_array (b);
      for (guint c = 0; c < C; c++)
        {
          json_builder_begin_array (b);
          for (guint j = 0; j < k && L->top_index[(gsize) c * k + j] >= 0; j++)
            json_builder_add_int_value (b, L->top_index[(gsize) c * k + j]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "top_max");
      json_builder_begin_array (b);
      for (guint c = 0; c < C; c++)
        {
          json_builder_begin_array (b);
          for (guint j = 0; j < k && L->top_index[(gsize) c * k + j] >= 0; j++)
            add_float (b, L->top_max[(gsize) c * k + j]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);

      add_floats (b, "bias", L->bias, C);
      add_floats (b, "weight_max_abs", L->weight_max_abs, C);
      json_builder_set_member_name (b, "diagnosis");
      json_builder_begin_array (b);
      for (guint c = 0; c < C; c++)
        json_builder_add_string_value (b, fm_scan_diagnosis_to_string (L->diagnosis[c]));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

#define BAD(...) G_STMT_START { \
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT, __VA_ARGS__); \
    goto fail; \
  } G_STMT_END

/* Member @name of @o as an array of exactly @n elements, or NULL. */
static JsonArray *
get_array (JsonObject *o,
           const char *name,
           guint       n,
           gboolean    nullable,
           gboolean   *is_null)
{
  JsonNode *node = json_object_get_member (o, name);

  if (is_null != NULL)
    *is_null = FALSE;
  if (node == NULL)
    return NULL;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      if (is_null != NULL)
        *is_null = TRUE;
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  if (n != G_MAXUINT && json_array_get_length (json_node_get_array (node)) != n)
    return NULL;
  return json_node_get_array (node);
}

static gboolean
is_number (JsonNode *node)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* Floats from @a [n] (null = NaN) into a new array; NULL if not numbers. */
static float *
read_floats (JsonArray *a,
             guint      n)
{
  g_autofree float *v = g_new (float, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);

      if (JSON_NODE_HOLDS_NULL (e))
        v[i] = NAN;
      else if (is_number (e))
        v[i] = (float) json_node_get_double (e);
      else
        return NULL;
    }
  return g_steal_pointer (&v);
}

static gboolean
read_float_member (JsonObject *o,
                   const char *name,
                   guint       n,
                   gboolean    nullable,
                   float     **out)
{
  gboolean is_null;
  JsonArray *a = get_array (o, name, n, nullable, &is_null);

  *out = NULL;
  if (is_null)
    return TRUE;
  if (a == NULL)
    return FALSE;
  *out = read_floats (a, n);
  return *out != NULL;
}

static gboolean
read_counts (JsonObject *o,
             const char *name,
             guint       n,
             guint64   **out)
{
  JsonArray *a = get_array (o, name, n, FALSE, NULL);

  *out = NULL;
  if (a == NULL)
    return FALSE;
  *out = g_new (guint64, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);

      if (!is_number (e) || json_node_get_value_type (e) != G_TYPE_INT64 ||
          json_node_get_int (e) < 0)
        return FALSE;
      (*out)[i] = (guint64) json_node_get_int (e);
    }
  return TRUE;
}

static gboolean
read_indexes (JsonObject *o,
              const char *name,
              guint       channels,
              guint     **out,
              guint      *n_out)
{
  JsonArray *a = get_array (o, name, G_MAXUINT, FALSE, NULL);
  guint n;

  *out = NULL;
  if (a == NULL)
    return FALSE;
  n = json_array_get_length (a);
  *out = g_new (guint, MAX (channels, 1));
  *n_out = n;
  if (n > channels)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);

      if (!is_number (e) || json_node_get_int (e) < 0 || json_node_get_int (e) >= channels)
        return FALSE;
      (*out)[i] = (guint) json_node_get_int (e);
    }
  return TRUE;
}

static gint64
member_int (JsonObject *o,
            const char *name,
            gboolean   *ok)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !is_number (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      *ok = FALSE;
      return 0;
    }
  return json_node_get_int (node);
}

static double
member_double (JsonObject *o,
               const char *name,
               gboolean   *ok)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !is_number (node))
    {
      *ok = FALSE;
      return 0;
    }
  return json_node_get_double (node);
}

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

FmScanResult *
fm_scan_result_from_json (JsonNode    *root,
                          const char  *what,
                          GError     **error)
{
  g_autoptr(FmScanResult) result = result_new ();
  JsonObject *o;
  JsonArray *layers, *warnings;
  JsonNode *partial;
  gboolean ok = TRUE;
  gint64 images, total, top_k;

  g_return_val_if_fail (root != NULL, NULL);
  if (what == NULL)
    what = "scan result";

  if (!JSON_NODE_HOLDS_OBJECT (root))
    BAD (_("%s: not a JSON object"), what);
  o = json_node_get_object (root);
  if (member_string (o, "model") == NULL || member_string (o, "dataset") == NULL)
    BAD (_("%s: “model” or “dataset” is missing"), what);
  result->model_path = g_strdup (member_string (o, "model"));
  result->dataset_path = g_strdup (member_string (o, "dataset"));
  images = member_int (o, "images", &ok);
  total = member_int (o, "total", &ok);
  top_k = member_int (o, "top_k", &ok);
  result->rare_below = member_double (o, "rare_below", &ok);
  result->epsilon = (float) member_double (o, "epsilon", &ok);
  result->elapsed = member_double (o, "elapsed", &ok);
  partial = json_object_get_member (o, "partial");
  if (!ok || images < 0 || total < 0 || top_k < 0 || top_k > FM_SCAN_MAX_TOP_K ||
      partial == NULL || !JSON_NODE_HOLDS_VALUE (partial) ||
      json_node_get_value_type (partial) != G_TYPE_BOOLEAN)
    BAD (_("%s: “images”, “total”, “top_k”, “rare_below”, “epsilon”, “elapsed” or "
           "“partial” is missing or invalid"), what);
  result->images = (guint64) images;
  result->total = (guint64) total;
  result->top_k = (guint) top_k;
  result->partial = json_node_get_boolean (partial);

  warnings = get_array (o, "warnings", G_MAXUINT, FALSE, NULL);
  if (warnings == NULL)
    BAD (_("%s: “warnings” is missing"), what);
  result->warnings = g_new0 (char *, json_array_get_length (warnings) + 1);
  for (guint i = 0; i < json_array_get_length (warnings); i++)
    {
      JsonNode *e = json_array_get_element (warnings, i);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        BAD (_("%s: warnings[%u] is not a string"), what, i);
      result->warnings[i] = g_strdup (json_node_get_string (e));
    }

  layers = get_array (o, "layers", G_MAXUINT, FALSE, NULL);
  if (layers == NULL)
    BAD (_("%s: “layers” is missing"), what);
  result->n_layers = json_array_get_length (layers);
  result->layers = g_new0 (FmScanLayer, MAX (result->n_layers, 1));
  for (guint l = 0; l < result->n_layers; l++)
    {
      JsonNode *ln = json_array_get_element (layers, l);
      FmScanLayer *L = &result->layers[l];
      JsonObject *lo;
      JsonArray *top, *top_max, *diag;
      gint64 C;
      guint k = result->top_k;

      if (!JSON_NODE_HOLDS_OBJECT (ln))
        BAD (_("%s: layers[%u] is not an object"), what, l);
      lo = json_node_get_object (ln);
      C = member_int (lo, "channels", &ok);
      if (!ok || C < 0 || C > G_MAXINT || member_string (lo, "name") == NULL ||
          member_string (lo, "op") == NULL)
        BAD (_("%s: layers[%u]: “name”, “op” or “channels” is missing or invalid"), what, l);
      L->name = g_strdup (member_string (lo, "name"));
      L->op = g_strdup (member_string (lo, "op"));
      L->channels = (guint) C;
      if (!read_counts (lo, "zero_count", L->channels, &L->zero_count) ||
          !read_counts (lo, "fire_count", L->channels, &L->fire_count) ||
          !read_float_member (lo, "max", L->channels, FALSE, &L->max) ||
          !read_float_member (lo, "mean", L->channels, FALSE, &L->mean) ||
          !read_float_member (lo, "pre_activation_max", L->channels, TRUE,
                              &L->pre_activation_max) ||
          !read_float_member (lo, "bias", L->channels, TRUE, &L->bias) ||
          !read_float_member (lo, "weight_max_abs", L->channels, TRUE, &L->weight_max_abs) ||
          !read_indexes (lo, "dead", L->channels, &L->dead, &L->n_dead) ||
          !read_indexes (lo, "rare", L->channels, &L->rare, &L->n_rare))
        BAD (_("%s: layer “%s”: a per-channel array is missing or has the wrong length"),
             what, L->name);
      for (guint c = 0; c < L->channels; c++)
        if (L->zero_count[c] + L->fire_count[c] != result->images)
          BAD (_("%s: layer “%s”: channel %u: zero_count + fire_count is not images"),
               what, L->name, c);

      top = get_array (lo, "top", L->channels, FALSE, NULL);
      top_max = get_array (lo, "top_max", L->channels, FALSE, NULL);
      diag = get_array (lo, "diagnosis", L->channels, FALSE, NULL);
      if (top == NULL || top_max == NULL || diag == NULL)
        BAD (_("%s: layer “%s”: “top”, “top_max” or “diagnosis” is missing"), what, L->name);
      L->top_index = g_new (gint64, MAX ((gsize) L->channels * k, 1));
      L->top_max = g_new (float, MAX ((gsize) L->channels * k, 1));
      L->diagnosis = g_new0 (FmScanDiagnosis, MAX (L->channels, 1));
      for (guint c = 0; c < L->channels; c++)
        {
          JsonNode *ti = json_array_get_element (top, c);
          JsonNode *tm = json_array_get_element (top_max, c);
          JsonNode *dn = json_array_get_element (diag, c);
          JsonArray *tia, *tma;
          guint n;

          if (!JSON_NODE_HOLDS_ARRAY (ti) || !JSON_NODE_HOLDS_ARRAY (tm) ||
              !JSON_NODE_HOLDS_VALUE (dn) ||
              json_node_get_value_type (dn) != G_TYPE_STRING ||
              !diagnosis_from_string (json_node_get_string (dn), &L->diagnosis[c]))
            BAD (_("%s: layer “%s”: channel %u: bad “top”, “top_max” or “diagnosis”"),
                 what, L->name, c);
          tia = json_node_get_array (ti);
          tma = json_node_get_array (tm);
          n = json_array_get_length (tia);
          if (n > k || json_array_get_length (tma) != n)
            BAD (_("%s: layer “%s”: channel %u: “top” has more than top_k entries"),
                 what, L->name, c);
          for (guint j = 0; j < k; j++)
            {
              L->top_index[(gsize) c * k + j] = -1;
              L->top_max[(gsize) c * k + j] = NAN;
            }
          for (guint j = 0; j < n; j++)
            {
              JsonNode *a = json_array_get_element (tia, j);
              JsonNode *m = json_array_get_element (tma, j);

              if (!is_number (a) || json_node_get_int (a) < 0 ||
                  !(is_number (m) || JSON_NODE_HOLDS_NULL (m)))
                BAD (_("%s: layer “%s”: channel %u: bad top entry %u"), what, L->name, c, j);
              L->top_index[(gsize) c * k + j] = json_node_get_int (a);
              L->top_max[(gsize) c * k + j] = JSON_NODE_HOLDS_NULL (m)
                                              ? NAN : (float) json_node_get_double (m);
            }
        }
    }
  return g_steal_pointer (&result);

fail:
  return NULL;
}

#undef BAD

/* ---- CSV -------------------------------------------------------------- */

static void
csv_float (GString *s,
           float    v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (s, ',');
  if (!isnan (v))
    g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.9g", v));
}

static void
csv_field (GString    *s,
           const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

gboolean
fm_scan_result_write_csv (const FmScanResult *result,
                          const char         *path,
                          GError            **error)
{
  g_autoptr(GString) s = g_string_new ("layer,channel,zero_count,fire_count,max,mean,"
                                       "pre_activation_max,dead,rare\n");
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (result != NULL && path != NULL, FALSE);

  for (guint l = 0; l < result->n_layers; l++)
    {
      const FmScanLayer *L = &result->layers[l];
      guint di = 0, ri = 0;

      for (guint c = 0; c < L->channels; c++)
        {
          gboolean dead, rare;

          while (di < L->n_dead && L->dead[di] < c)
            di++;
          while (ri < L->n_rare && L->rare[ri] < c)
            ri++;
          dead = di < L->n_dead && L->dead[di] == c;
          rare = ri < L->n_rare && L->rare[ri] == c;
          csv_field (s, L->name);
          g_string_append_printf (s, ",%u,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT,
                                  c, L->zero_count[c], L->fire_count[c]);
          csv_float (s, L->max[c]);
          csv_float (s, L->mean[c]);
          csv_float (s, L->pre_activation_max != NULL ? L->pre_activation_max[c] : NAN);
          g_string_append_printf (s, ",%s,%s\n", dead ? "true" : "false",
                                  rare ? "true" : "false");
        }
    }
  if (!g_file_set_contents (path, s->str, (gssize) s->len, &local_error))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot write: %s"), path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- cache ------------------------------------------------------------ */

char *
fm_scan_cache_path (const char          *model_path,
                    const char          *dataset_key,
                    const FmScanOptions *options,
                    GError             **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GString) opts = g_string_new (NULL);
  g_autofree char *name = NULL;
  FILE *f;
  guint8 buf[65536];
  gsize n;
  const FmPreprocess *pp;
  char d[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (model_path != NULL && dataset_key != NULL && options != NULL, NULL);

  f = g_fopen (model_path, "rb");
  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: %s"), model_path,
                   g_strerror (saved));
      return NULL;
    }
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    g_checksum_update (sum, buf, n);
  if (ferror (f))
    {
      int saved = errno;
      fclose (f);
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot read: %s"), model_path,
                   g_strerror (saved));
      return NULL;
    }
  fclose (f);

  /* Everything that changes the numbers; not the thread count. */
  pp = &options->preprocess;
  g_string_append_printf (opts, "\nformat %d\n%s\nlimit %" G_GUINT64_FORMAT " top_k %u",
                          FM_SCAN_FORMAT_VERSION, dataset_key, options->limit, options->top_k);
  g_string_append_printf (opts, " rare %s", g_ascii_formatd (d, sizeof d, "%.17g",
                                                             options->rare_below));
  g_string_append_printf (opts, " eps %s", g_ascii_formatd (d, sizeof d, "%.9g",
                                                            options->epsilon));
  /* Preprocessing 2: letterboxing with the picture's border colour. */
  g_string_append (opts, " pp-version 2");
  if (pp->channels == 0)
    g_string_append (opts, " pp model");
  else
    {
      g_string_append_printf (opts, " pp %d %d %d inv %d black %d mean", pp->channels,
                              pp->height, pp->width, pp->invert, pp->background_black);
      for (int i = 0; i < pp->n_mean && i < FM_PREPROCESS_MAX_CHANNELS; i++)
        g_string_append_printf (opts, " %s", g_ascii_formatd (d, sizeof d, "%.9g", pp->mean[i]));
      g_string_append (opts, " std");
      for (int i = 0; i < pp->n_std && i < FM_PREPROCESS_MAX_CHANNELS; i++)
        g_string_append_printf (opts, " %s", g_ascii_formatd (d, sizeof d, "%.9g", pp->std[i]));
      g_string_append_printf (opts, " order %d range %d resize %d background", pp->order,
                              pp->range, pp->resize);
      if (pp->background_auto)
        g_string_append (opts, " auto");
      else
        for (int i = 0; i < 3; i++)
          g_string_append_printf (opts, " %s", g_ascii_formatd (d, sizeof d, "%.9g",
                                                                pp->background[i]));
    }
  g_checksum_update (sum, (const guchar *) opts->str, opts->len);

  name = g_strdup_printf ("%s.json", g_checksum_get_string (sum));
  return g_build_filename (g_get_user_cache_dir (), "feature-maps", "scans", name, NULL);
}

FmScanResult *
fm_scan_cache_load (const char  *path,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonNode *version;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: no cached scan"), path);
      return NULL;
    }
  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT, _("%s: cannot read: %s"), path,
                   local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (version = json_object_get_member (json_node_get_object (root), "format")) == NULL ||
      !JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) != FM_SCAN_FORMAT_VERSION)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: not a scan cache file of format %d"), path, FM_SCAN_FORMAT_VERSION);
      return NULL;
    }
  return fm_scan_result_from_json (root, path, error);
}

gboolean
fm_scan_cache_save (const FmScanResult *result,
                    const char         *path,
                    GError            **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  g_return_val_if_fail (result != NULL && path != NULL, FALSE);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot create the folder: %s"), dir,
                   g_strerror (saved));
      return FALSE;
    }
  root = fm_scan_result_to_json (result);
  json_object_set_int_member (json_node_get_object (root), "format", FM_SCAN_FORMAT_VERSION);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &len);
  if (!g_file_set_contents (path, text, (gssize) len, &local_error))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot write: %s"), path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}
