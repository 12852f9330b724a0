/* fm-test-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the scan tests share (fm-test-scan.h).
 */
#include "config.h"

#include <math.h>

#include <zlib.h>

#include "fm-data.h"
#include "fm-test-files.h"
#include "fm-test-scan.h"

char *
fm_test_bundled (const char *rel)
{
  GError *error = NULL;
  char *path = fm_data_find (rel, &error);

  g_assert_no_error (error);
  return path;
}

FmModel *
fm_test_load_model (const char *path)
{
  GError *error = NULL;
  FmModel *model = fm_model_load_file (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

FmDataset *
fm_test_open_dataset (const char *path,
                      const char *labels_path)
{
  GError *error = NULL;
  FmDataset *ds = fm_dataset_open (path, labels_path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ds);
  return ds;
}

FmScanResult *
fm_test_scan (FmModel             *model,
              const char          *path,
              const FmScanOptions *options)
{
  g_autoptr(FmDataset) dataset = fm_test_open_dataset (path, NULL);
  g_autoptr(FmScan) scan = fm_scan_new (model, dataset, options);
  GError *error = NULL;

  g_assert_true (fm_scan_run (scan, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (fm_scan_get_result (scan));
  return fm_scan_result_ref (fm_scan_get_result (scan));
}

char *
fm_test_write_scratch (const char   *name,
                       const guint8 *data,
                       gsize         len,
                       gboolean      gz)
{
  char *path = g_build_filename (fm_test_scratch (), name, NULL);
  GError *error = NULL;

  if (gz)
    {
      gzFile f = gzopen (path, "wb");

      g_assert_nonnull (f);
      g_assert_cmpint (gzwrite (f, data, len), ==, (int) len);
      g_assert_cmpint (gzclose (f), ==, Z_OK);
    }
  else
    {
      g_file_set_contents (path, (const char *) data, len, &error);
      g_assert_no_error (error);
    }
  return path;
}

char *
fm_test_write_idx (const char   *name,
                   guint         n,
                   guint         stored_n,
                   guint         h,
                   guint         w,
                   const guint8 *pixels,
                   gboolean      gz)
{
  const guint32 header[4] = { GUINT32_TO_BE (0x803), GUINT32_TO_BE (stored_n),
                              GUINT32_TO_BE (h), GUINT32_TO_BE (w) };
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  g_byte_array_append (bytes, (const guint8 *) header, sizeof header);
  g_byte_array_append (bytes, pixels, n * h * w);
  return fm_test_write_scratch (name, bytes->data, bytes->len, gz);
}

FmScanResult *
fm_test_scan_bundled (const char          *model_rel,
                      const char          *dataset_rel,
                      const FmScanOptions *options)
{
  g_autofree char *model_path = fm_test_bundled (model_rel);
  g_autofree char *dataset_path = fm_test_bundled (dataset_rel);
  g_autoptr(FmModel) model = fm_test_load_model (model_path);

  return fm_test_scan (model, dataset_path, options);
}

void
fm_test_plain_options (FmScanOptions *o,
                       int            h,
                       int            w)
{
  fm_scan_options_init (o);
  fm_preprocess_init (&o->preprocess, 1, h, w);
  o->preprocess.invert = FM_INVERT_NO;
}

typedef struct
{
  FmDataset      *ds;
  guint64         n;
  gint           *seen;
  FmTestItemCheck check;
  guint           count;
  guint           bad;
  GError         *error;
} Reader;

static gpointer
reader_thread (gpointer data)
{
  Reader *r = data;

  for (;;)
    {
      g_autoptr(FmImage) image = NULL;
      guint64 index;
      int label;

      if (!fm_dataset_next (r->ds, &index, &image, &label, &r->error))
        break;
      if (index >= r->n || (r->check != NULL && !r->check (index, image, label)))
        r->bad++;
      else
        g_atomic_int_inc (&r->seen[index]);
      r->count++;
    }
  return NULL;
}

guint64
fm_test_read_in_two_threads (FmDataset      *ds,
                             guint64         n,
                             gint           *seen,
                             FmTestItemCheck check)
{
  Reader readers[2];
  GThread *threads[2];

  for (int t = 0; t < 2; t++)
    {
      readers[t] = (Reader) { ds, n, seen, check, 0, 0, NULL };
      threads[t] = g_thread_new ("reader", reader_thread, &readers[t]);
    }
  for (int t = 0; t < 2; t++)
    g_thread_join (threads[t]);
  for (int t = 0; t < 2; t++)
    {
      g_assert_no_error (readers[t].error);
      g_assert_cmpuint (readers[t].bad, ==, 0);
      g_test_message ("thread %d read %u items", t, readers[t].count);
    }
  return (guint64) readers[0].count + readers[1].count;
}

gboolean
fm_test_list_has (const guint *list,
                  guint        n,
                  guint        c)
{
  for (guint i = 0; i < n; i++)
    if (list[i] == c)
      return TRUE;
  return FALSE;
}

void
fm_test_assert_float_same (float a,
                           float b)
{
  if (isnan (a) || isnan (b))
    g_assert_true (isnan (a) && isnan (b));
  else
    g_assert_cmpfloat (a, ==, b);
}

/* Equal, both NaN, or with @rel > 0 within @rel of the larger. */
static void
assert_double_close (double a,
                     double b,
                     double rel)
{
  if (isnan (a) || isnan (b))
    g_assert_true (isnan (a) && isnan (b));
  else
    g_assert_cmpfloat (fabs (a - b), <=, rel * MAX (fabs (a), fabs (b)));
}

static void
assert_list_equal (const guint *a,
                   guint        na,
                   const guint *b,
                   guint        nb)
{
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    g_assert_cmpuint (a[i], ==, b[i]);
}

static void
assert_channels_equal (const FmScanLayer *x,
                       const FmScanLayer *y,
                       guint              k,
                       double             rel)
{
  for (guint c = 0; c < x->channels; c++)
    {
      g_assert_cmpuint (x->zero_count[c], ==, y->zero_count[c]);
      g_assert_cmpuint (x->fire_count[c], ==, y->fire_count[c]);
      fm_test_assert_float_same (x->max[c], y->max[c]);
      if (rel > 0)
        /* a float of the double sum / count: one float rounding apart at most */
        assert_double_close (x->mean[c], y->mean[c], 1.2e-7);
      else
        fm_test_assert_float_same (x->mean[c], y->mean[c]);
      if (x->pre_activation_max != NULL)
        fm_test_assert_float_same (x->pre_activation_max[c], y->pre_activation_max[c]);
      if (x->bias != NULL)
        fm_test_assert_float_same (x->bias[c], y->bias[c]);
      if (x->weight_max_abs != NULL)
        fm_test_assert_float_same (x->weight_max_abs[c], y->weight_max_abs[c]);
      if (x->sum != NULL)
        {
          g_assert_cmpuint (x->zero_cells[c], ==, y->zero_cells[c]);
          g_assert_cmpuint (x->value_count[c], ==, y->value_count[c]);
          assert_double_close (x->sum[c], y->sum[c], rel);
          assert_double_close (x->apoz[c], y->apoz[c], rel);
        }
      g_assert_cmpint (x->diagnosis[c], ==, y->diagnosis[c]);
      for (guint j = 0; j < k; j++)
        {
          g_assert_cmpint (x->top_index[c * k + j], ==, y->top_index[c * k + j]);
          fm_test_assert_float_same (x->top_max[c * k + j], y->top_max[c * k + j]);
        }
    }
}

static void
assert_layers_equal (const FmScanResult *a,
                     const FmScanResult *b,
                     double              rel)
{
  g_assert_cmpuint (a->n_layers, ==, b->n_layers);
  for (guint l = 0; l < a->n_layers; l++)
    {
      const FmScanLayer *x = &a->layers[l], *y = &b->layers[l];

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpstr (x->op, ==, y->op);
      g_assert_cmpuint (x->channels, ==, y->channels);
      g_assert_cmpuint (x->cells_per_image, ==, y->cells_per_image);
      assert_list_equal (x->dead, x->n_dead, y->dead, y->n_dead);
      assert_list_equal (x->rare, x->n_rare, y->rare, y->n_rare);
      assert_list_equal (x->near_dead, x->n_near_dead, y->near_dead, y->n_near_dead);
      g_assert_cmpint (x->dead_warning, ==, y->dead_warning);
      assert_double_close (x->apoz_mean, y->apoz_mean, rel);
      assert_double_close (x->apoz_std, y->apoz_std, rel);
      g_assert_cmpint (x->pre_activation_max != NULL, ==, y->pre_activation_max != NULL);
      g_assert_cmpint (x->bias != NULL, ==, y->bias != NULL);
      g_assert_cmpint (x->weight_max_abs != NULL, ==, y->weight_max_abs != NULL);
      g_assert_cmpint (x->sum != NULL, ==, y->sum != NULL);
      g_assert_cmpint (x->class_fire_count != NULL, ==, y->class_fire_count != NULL);
      if (x->class_fire_count != NULL)
        g_assert_cmpmem (x->class_fire_count, (gsize) x->channels * a->n_classes * 4,
                         y->class_fire_count, (gsize) y->channels * b->n_classes * 4);
      assert_channels_equal (x, y, a->top_k, rel);
    }
}

void
fm_test_assert_scans_equal (const FmScanResult *a,
                            const FmScanResult *b,
                            gboolean            merged)
{
  g_assert_cmpstr (a->model_path, ==, b->model_path);
  g_assert_cmpstr (a->dataset_path, ==, b->dataset_path);
  g_assert_cmpstr (a->model_sha256, ==, b->model_sha256);
  g_assert_cmpstr (a->preprocess, ==, b->preprocess);
  g_assert_cmpuint (a->images, ==, b->images);
  g_assert_cmpuint (a->total, ==, b->total);
  g_assert_cmpint (a->partial, ==, b->partial);
  g_assert_cmpuint (a->top_k, ==, b->top_k);
  g_assert_cmpfloat (a->rare_below, ==, b->rare_below);
  g_assert_cmpfloat (a->epsilon, ==, b->epsilon);
  g_assert_cmpuint (a->dataset_items, ==, b->dataset_items);
  g_assert_cmpuint (a->limit, ==, b->limit);
  g_assert_cmpuint (a->range_begin, ==, b->range_begin);
  g_assert_cmpuint (a->range_end, ==, b->range_end);
  if (!merged)
    {
      g_assert_cmpfloat (a->elapsed, ==, b->elapsed);
      g_assert_cmpstr (a->dataset_key, ==, b->dataset_key);
      g_assert_cmpuint (a->shard_index, ==, b->shard_index);
      g_assert_cmpuint (a->shard_count, ==, b->shard_count);
      g_assert_cmpuint (a->parts, ==, b->parts);
    }
  g_assert_cmpuint (g_strv_length (a->warnings), ==, g_strv_length (b->warnings));
  for (guint i = 0; a->warnings[i] != NULL; i++)
    g_assert_cmpstr (a->warnings[i], ==, b->warnings[i]);
  g_assert_cmpuint (a->n_classes, ==, b->n_classes);
  for (guint k = 0; k < a->n_classes; k++)
    g_assert_cmpstr (a->class_names[k], ==, b->class_names[k]);
  g_assert_cmpint (a->class_images != NULL, ==, b->class_images != NULL);
  if (a->class_images != NULL)
    g_assert_cmpmem (a->class_images, a->n_classes * 8, b->class_images, b->n_classes * 8);
  assert_layers_equal (a, b, merged ? 1e-9 : 0.0);
}
