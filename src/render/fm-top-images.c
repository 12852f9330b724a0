/* fm-top-images.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A channel's top images (see fm-top-images.h): dataset items read back by
 * index and run through the model, and drawn beside their maps.
 */
#include "config.h"

#include "fm-top-images.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-dataset.h"
#include "fm-error.h"
#include "fm-stats.h"

struct _FmTopRunner
{
  FmModel      *model;
  char         *dataset_path;
  FmDataset    *dataset;    /* opened once (a folder's or tar's listing); IDX files are
                             * reopened per run */
  FmDatasetKind kind;
  guint64       n_items;
  FmPreprocess  pp;
  FmRun        *run;
  float        *input;      /* the model's input tensor */
  float        *planes;     /* the same as [C, H, W] */
  guint         until;      /* run the plan this far (0: all of it) */
  GHashTable   *run_set;    /* gint64 items to run, the others only preprocessed; NULL: all */
};

FmTopRunner *
fm_top_runner_new (FmModel            *model,
                   const char         *dataset_path,
                   const FmPreprocess *pp,
                   guint               threads,
                   GError            **error)
{
  g_autoptr(FmTopRunner) r = g_new0 (FmTopRunner, 1);
  gsize numel;

  g_return_val_if_fail (model != NULL && dataset_path != NULL && pp != NULL, NULL);

  r->model = fm_model_ref (model);
  r->dataset_path = g_strdup (dataset_path);
  r->pp = *pp;
  if (model->n_inputs != 1)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: the model has %u inputs; dataset images feed models with one input"),
                   model->path, model->n_inputs);
      return NULL;
    }
  r->dataset = fm_dataset_open (dataset_path, NULL, error);
  if (r->dataset == NULL)
    return NULL;
  r->kind = fm_dataset_get_kind (r->dataset);
  r->n_items = fm_dataset_get_n_items (r->dataset);
  r->run = fm_run_new (model, error);
  if (r->run == NULL)
    return NULL;
  fm_run_set_threads (r->run, MAX (threads, 1));
  numel = model->values[model->inputs[0]].numel;
  r->input = g_new (float, numel);
  r->planes = g_new (float, numel);
  return g_steal_pointer (&r);
}

void
fm_top_runner_free (FmTopRunner *runner)
{
  if (runner == NULL)
    return;
  g_clear_pointer (&runner->run, fm_run_free);
  g_clear_pointer (&runner->dataset, fm_dataset_free);
  g_clear_pointer (&runner->model, fm_model_unref);
  g_free (runner->dataset_path);
  g_free (runner->input);
  g_free (runner->planes);
  g_free (runner);
}

static int
compare_index (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Executes the run on runner->input and hands it to @func. */
static gboolean
run_one (FmTopRunner  *r,
         gint64        index,
         FmTopFunc     func,
         gpointer      user_data,
         GCancellable *cancellable,
         GError      **error)
{
  const FmModel *model = r->model;
  gboolean run = r->run_set == NULL || g_hash_table_contains (r->run_set, &index);

  if (run)
    {
      memcpy (fm_run_input_data (r->run, 0), r->input,
              model->values[model->inputs[0]].numel * sizeof (float));
      if (!(r->until > 0 ? fm_run_execute_part (r->run, 0, r->until, cancellable, error)
                         : fm_run_execute (r->run, cancellable, error)))
        return FALSE;
    }
  fm_preprocess_tensor_planes (&r->pp, r->input, r->planes);
  func (index, r->planes, r->pp.height, r->pp.width, run ? r->run : NULL, user_data);
  return TRUE;
}

/* A folder's pictures are opened by name, preprocessed as the scan does. */
static gboolean
run_folder_item (FmTopRunner  *r,
                 gint64        index,
                 FmTopFunc     func,
                 gpointer      user_data,
                 GCancellable *cancellable,
                 GError      **error)
{
  g_autofree char *name = fm_dataset_dup_item_name (r->dataset, (guint64) index);
  g_autofree char *path = g_build_filename (r->dataset_path, name, NULL);
  g_autoptr(FmImage) image = fm_image_load (path, 0, error);

  if (image == NULL)
    return FALSE;
  if (!fm_preprocess_image (&r->pp, image, r->input, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return run_one (r, index, func, user_data, cancellable, error);
}

/* An IDX file is read from the first item wanted to the last, only the
 * items wanted preprocessed; a .npy array or a tar dataset reads only
 * those (fm_dataset_select_items ()), from the dataset opened once. */
static gboolean
run_idx_items (FmTopRunner  *r,
               const gint64 *sorted,
               guint         n,
               FmTopFunc     func,
               gpointer      user_data,
               GCancellable *cancellable,
               GError      **error)
{
  g_autoptr(FmDataset) reopened = NULL;
  FmDataset *dataset = r->dataset;
  guint next = 0;

  G_STATIC_ASSERT (sizeof (gint64) == sizeof (guint64));
  /* sorted[] are checked to be 0 <= i < n_items, unique and increasing. */
  if (!fm_dataset_select_items (dataset, (const guint64 *) sorted, n))
    {
      dataset = reopened = fm_dataset_open (r->dataset_path, NULL, error);
      if (dataset == NULL)
        return FALSE;
      if (n > 0 && !fm_dataset_set_range (dataset, (guint64) sorted[0],
                                          (guint64) sorted[n - 1] + 1, error))
        return FALSE;
    }
  while (next < n)
    {
      g_autoptr(FmImage) image = NULL;
      guint64 index;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!fm_dataset_next (dataset, &index, &image, NULL, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                         _("%s: item %" PRId64 " is missing"), r->dataset_path,
                         sorted[next]);
          return FALSE;
        }
      if ((gint64) index != sorted[next])
        continue;
      if (!fm_dataset_preprocess_item (dataset, &r->pp, index, image, r->input, error) ||
          !run_one (r, sorted[next], func, user_data, cancellable, error))
        return FALSE;
      next++;
    }
  return TRUE;
}

gboolean
fm_top_runner_run (FmTopRunner  *runner,
                   const gint64 *indexes,
                   guint         n,
                   FmTopFunc     func,
                   gpointer      user_data,
                   GCancellable *cancellable,
                   GError      **error)
{
  g_autofree gint64 *sorted = g_memdup2 (indexes, MAX (n, 1) * sizeof (gint64));
  guint n_unique = 0;

  g_return_val_if_fail (runner != NULL && func != NULL, FALSE);

  qsort (sorted, n, sizeof (gint64), compare_index);
  for (guint i = 0; i < n; i++)
    {
      if (sorted[i] < 0 || (guint64) sorted[i] >= runner->n_items)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s has no item %" PRId64 " (it has %" PRIu64
                         "): the scan was made with another dataset"),
                       runner->dataset_path, sorted[i], runner->n_items);
          return FALSE;
        }
      if (n_unique == 0 || sorted[n_unique - 1] != sorted[i])
        sorted[n_unique++] = sorted[i];
    }
  /* Pictures of a folder by name; IDX, .npy and .tar in order. */
  if (runner->kind != FM_DATASET_FOLDER)
    return run_idx_items (runner, sorted, n_unique, func, user_data, cancellable, error);
  for (guint i = 0; i < n_unique; i++)
    if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
        !run_folder_item (runner, sorted[i], func, user_data, cancellable, error))
      return FALSE;
  return TRUE;
}

guint
fm_top_images_from_scan (const FmScanResult *result,
                         guint               scan_layer,
                         guint               channel,
                         FmTopImage         *out)
{
  const FmScanLayer *L = &result->layers[scan_layer];
  guint n = 0;

  for (guint k = 0; k < result->top_k; k++)
    {
      gsize at = (gsize) channel * result->top_k + k;

      if (L->top_index[at] < 0)
        continue;
      memset (&out[n], 0, sizeof out[n]);
      out[n].index = L->top_index[at];
      out[n].top_max = L->top_max[at];
      out[n].channel = channel;
      out[n].max = NAN;
      n++;
    }
  return n;
}

gboolean
fm_top_check_scan (const FmModel      *model,
                   const FmScanResult *scan,
                   const char         *scan_name,
                   GError            **error)
{
  g_autoptr(GArray) every = fm_layers_list (model, FALSE);

  for (guint i = 0; i < MAX (every->len, scan->n_layers); i++)
    {
      const FmLayer *entry = i < every->len ? &g_array_index (every, FmLayer, i) : NULL;
      const FmScanLayer *L = i < scan->n_layers ? &scan->layers[i] : NULL;

      if (entry == NULL || L == NULL ||
          g_strcmp0 (model->values[entry->value_id].name, L->name) != 0 ||
          entry->channels != L->channels)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s was made with another model: its layers are not those of %s "
                         "(layer %u: “%s” in the scan, “%s” in the model)"),
                       scan_name, model->display_name, i, L != NULL ? L->name : "-",
                       entry != NULL ? model->values[entry->value_id].name : "-");
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct
{
  FmModel       *model;
  const FmLayer *layer;
  FmTopImage    *images;      /* whose thumb to fill */
  guint          n;
  FmTopImage    *map_images;  /* whose map and max to fill from the items run */
  guint          map_n;
  float         *copy;        /* fm_layer_copy_size () floats, or NULL */
  int            input_h;
  int            input_w;
} FetchJob;

static void
fetch_one (gint64       index,
           const float *input,
           int          height,
           int          width,
           FmRun       *run,
           gpointer     user_data)
{
  FetchJob *job = user_data;
  gsize plane = (gsize) job->layer->height * job->layer->width;
  const float *maps = NULL;

  job->input_h = height;
  job->input_w = width;
  if (run != NULL)
    maps = fm_layer_planes (job->model, job->layer, run, 0, job->copy);
  for (guint i = 0; maps != NULL && i < job->map_n; i++)
    {
      FmTopImage *t = &job->map_images[i];

      if (t->index != index)
        continue;
      g_free (t->map);
      t->map = g_memdup2 (maps + (gsize) t->channel * plane, plane * sizeof (float));
      t->max = fm_plane_max (t->map, plane);
    }
  for (guint i = 0; i < job->n; i++)
    {
      FmTopImage *t = &job->images[i];

      if (t->index != index)
        continue;
      g_free (t->thumb);
      t->thumb = g_memdup2 (input, (gsize) height * width * sizeof (float));
    }
}

gboolean
fm_top_images_fetch_parts (FmTopRunner   *runner,
                           const FmLayer *layer,
                           FmTopImage    *images,
                           guint          n,
                           FmTopImage    *map_images,
                           guint          map_n,
                           GHashTable    *run_set,
                           int           *input_h,
                           int           *input_w,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree gint64 *indexes = g_new (gint64, MAX (n, 1));
  g_autofree float *copy = NULL;
  FetchJob job = { runner->model, layer, images, n, map_images, map_n, NULL, 0, 0 };
  gboolean ok;

  if (fm_layer_copy_size (layer) > 0)
    job.copy = copy = g_new (float, fm_layer_copy_size (layer));
  for (guint i = 0; i < n; i++)
    indexes[i] = images[i].index;
  runner->until = fm_layer_plan_end (runner->model, layer);
  runner->run_set = run_set;
  ok = fm_top_runner_run (runner, indexes, n, fetch_one, &job, cancellable, error);
  runner->until = 0;
  runner->run_set = NULL;
  if (ok && input_h != NULL)
    {
      *input_h = job.input_h;
      *input_w = job.input_w;
    }
  return ok;
}

gboolean
fm_top_images_fetch (FmTopRunner   *runner,
                     const FmLayer *layer,
                     FmTopImage    *images,
                     guint          n,
                     int           *input_h,
                     int           *input_w,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return fm_top_images_fetch_parts (runner, layer, images, n, images, n, NULL, input_h, input_w,
                                    cancellable, error);
}

void
fm_top_images_clear (FmTopImage *images,
                     guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_clear_pointer (&images[i].thumb, g_free);
      g_clear_pointer (&images[i].map, g_free);
    }
}

void
fm_top_images_range (const FmTopImage *images,
                     guint             n,
                     gsize             plane,
                     float            *vmin,
                     float            *vmax)
{
  *vmin = INFINITY;
  *vmax = -INFINITY;
  for (guint i = 0; i < n; i++)
    for (gsize j = 0; images[i].map != NULL && j < plane; j++)
      if (!isnan (images[i].map[j]))
        {
          *vmin = MIN (*vmin, images[i].map[j]);
          *vmax = MAX (*vmax, images[i].map[j]);
        }
  if (*vmin > *vmax)
    *vmin = *vmax = 0;
}

void
fm_top_image_draw (cairo_t           *cr,
                   const FmTopImage  *image,
                   int                input_h,
                   int                input_w,
                   const FmLayer     *entry,
                   const FmTileStyle *map_style,
                   float              epsilon,
                   double             x,
                   double             y,
                   double             side)
{
  gsize plane = (gsize) entry->height * entry->width;
  FmTileStyle gray = { 0 };
  FmTileStyle style = *map_style;
  FmChannelStats stats;
  g_autofree char *key = NULL;

  if (image->thumb == NULL || image->map == NULL)
    return;
  fm_tile_style_gray_input (&gray, image->thumb, (gsize) input_h * input_w);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  /* an image is the top of several channels: embedded once */
  key = g_strdup_printf ("fm-dataset-item-%" G_GINT64_FORMAT, image->index);
  fm_tile_render_keyed (cr, image->thumb, input_h, input_w, side, side, &gray, key);
  cairo_translate (cr, side + FM_TOP_IMAGE_GAP, 0);
  /* Zero as the window and the sheet decide it (fm-stats.h). */
  fm_channel_stats_compute (image->map, 1, plane, epsilon, &stats);
  style.all_zero = stats.all_zero;
  fm_tile_render (cr, image->map, (int) entry->height, (int) entry->width, side, side, &style);
  cairo_restore (cr);
}
