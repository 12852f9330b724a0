/* test-atlas.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The atlas writer (fm-atlas.h) on the bundled dying model and a short
 * scan of the bundled digits: cancelling it part-way leaves no file and
 * keeps an old one byte for byte; the page count follows the documented
 * rule; a scan of another model and a dataset that has gone are refused
 * naming them. (What the pages say is tests/cli/test-cli-atlas.c's.)
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fm-atlas.h"
#include "fm-data.h"
#include "fm-dataset.h"
#include "fm-npy.h"
#include "fm-preprocess.h"
#include "fm-test-files.h"

static FmModel *model;
static FmScanResult *scan;
static char *dataset_path;

static void
spec_init (FmAtlasSpec *spec,
           int         *layers)
{
  memset (spec, 0, sizeof *spec);
  spec->model = model;
  spec->scan = scan;
  spec->dataset_path = dataset_path;
  g_assert_true (fm_preprocess_init_from_model (&spec->pp, model, NULL));
  spec->threads = 1;
  for (guint i = 0; i < scan->n_layers; i++)
    layers[i] = (int) i;
  spec->layers = layers;
  spec->n_layers = scan->n_layers;
}

typedef struct
{
  GCancellable *cancellable;
  guint         cancel_after;
  guint         last_done;
  guint         last_total;
} Progress;

static void
on_page (guint    done,
         guint    total,
         gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpuint (done, ==, p->last_done + 1);
  p->last_done = done;
  p->last_total = total;
  if (p->cancellable != NULL && done == p->cancel_after)
    g_cancellable_cancel (p->cancellable);
}

/* Eight layers of 32 channels: a title page and 2 pages a layer. */
static void
test_pages (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "pages");
  g_autofree char *pdf = g_build_filename (dir, "atlas.pdf", NULL);
  g_autoptr(GError) error = NULL;
  int layers[16];
  Progress p = { 0 };
  FmAtlasSpec spec;

  spec_init (&spec, layers);
  g_assert_cmpuint (scan->n_layers, ==, 8);
  g_assert_cmpuint (fm_atlas_count_pages (&spec), ==, 1 + 8 * 2);
  g_assert_true (fm_atlas_write (&spec, pdf, on_page, &p, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (p.last_done, ==, 17);
  g_assert_cmpuint (p.last_total, ==, 17);
  fm_test_assert_listing (dir, "atlas.pdf");
}

/* Blanks the PDF's /CreationDate (the second it was written). */
static void
mask_creation_date (char  *pdf,
                    gsize  len)
{
  static const char key[] = "/CreationDate (";
  gsize k = strlen (key), i = 0;

  /* The PDF holds NUL bytes: not a string search. */
  while (i + k <= len && memcmp (pdf + i, key, k) != 0)
    i++;
  g_assert_cmpuint (i + k, <=, len);
  for (i += k; i < len && pdf[i] != ')'; i++)
    pdf[i] = 'X';
}

/* Each image run once for a whole layer, or once for each page it is
 * on: the same maps, so the same file to the byte (but its date). */
static void
test_layer_maps_same_pdf (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "layer-maps");
  g_autofree char *by_layer = g_build_filename (dir, "by-layer.pdf", NULL);
  g_autofree char *by_page = g_build_filename (dir, "by-page.pdf", NULL);
  g_autofree char *a = NULL, *b = NULL;
  gsize len_a, len_b;
  g_autoptr(GError) error = NULL;
  int layers[16];
  FmAtlasSpec spec;

  spec_init (&spec, layers);
  g_assert_true (fm_atlas_write (&spec, by_layer, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  fm_atlas_set_maps_budget (0);
  g_assert_true (fm_atlas_write (&spec, by_page, NULL, NULL, NULL, &error));
  fm_atlas_set_maps_budget (64 << 20);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (by_layer, &a, &len_a, NULL));
  g_assert_true (g_file_get_contents (by_page, &b, &len_b, NULL));
  mask_creation_date (a, len_a);
  mask_creation_date (b, len_b);
  g_assert_cmpmem (a, len_a, b, len_b);
}

/* Stopped after page 3: the old file keeps its bytes, nothing is left
 * beside it, and the error says cancelled. */
static void
test_cancel_leaves_no_file (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "cancel");
  g_autofree char *pdf = g_build_filename (dir, "atlas.pdf", NULL);
  g_autofree char *fresh = g_build_filename (dir, "new.pdf", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  int layers[16];
  Progress p = { cancellable, 3, 0, 0 };
  FmAtlasSpec spec;

  g_assert_true (g_file_set_contents (pdf, "the old atlas", -1, NULL));
  spec_init (&spec, layers);
  g_assert_false (fm_atlas_write (&spec, pdf, on_page, &p, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (p.last_done, ==, 3);
  fm_test_assert_file_is (pdf, "the old atlas");
  fm_test_assert_listing (dir, "atlas.pdf");

  /* Cancelled before it starts: no new file either. */
  g_clear_error (&error);
  p.last_done = 0;
  p.cancellable = NULL;
  g_assert_false (fm_atlas_write (&spec, fresh, on_page, &p, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  fm_test_assert_listing (dir, "atlas.pdf");
}

/* A scan whose layer names are not the model's, and a dataset that is
 * gone: refused, naming what is wrong, with no file. */
static void
test_refusals (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "refusals");
  g_autofree char *pdf = g_build_filename (dir, "atlas.pdf", NULL);
  g_autofree char *saved = g_strdup (scan->layers[2].name);
  g_autoptr(GError) error = NULL;
  int layers[16];
  FmAtlasSpec spec;

  spec_init (&spec, layers);
  g_free (scan->layers[2].name);
  scan->layers[2].name = g_strdup ("/other/Relu_output_0");
  g_assert_false (fm_atlas_write (&spec, pdf, NULL, NULL, NULL, &error));
  fm_test_assert_error_holds (error, FM_ERROR, FM_ERROR_INVALID_INPUT, "another model");
  g_free (scan->layers[2].name);
  scan->layers[2].name = g_steal_pointer (&saved);

  g_clear_error (&error);
  spec.dataset_path = "/nonexistent/digits-idx3-ubyte";
  g_assert_false (fm_atlas_write (&spec, pdf, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  fm_test_assert_contains (error->message, "/nonexistent/digits-idx3-ubyte", NULL);
  fm_test_assert_listing (dir, "");
}

/* What a top runner's function saw: the items' indexes and inputs. */
typedef struct
{
  GArray *indexes;   /* gint64 */
  GArray *inputs;    /* float, [28 x 28] an item */
} Seen;

static void
seen_cb (gint64       index,
         const float *input,
         int          height,
         int          width,
         FmRun       *run,
         gpointer     user_data)
{
  Seen *seen = user_data;

  g_assert_cmpint (height * width, ==, 28 * 28);
  g_array_append_val (seen->indexes, index);
  g_array_append_vals (seen->inputs, input, 28 * 28);
}

/* The top images of an .npy array are the IDX file's: the first 100
 * held-out digits written as floats (pixel / 255, read back as the same
 * pixels) give the same inputs for the same items, run after run from
 * the one dataset the runner opened (an .npy array reads only the items
 * asked for). */
static void
test_top_runner_npy (void)
{
  static const gint64 runs[2][4] = { { 42, 3, 99, 17 }, { 5, 5, 0, 64 } };
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "top-npy");
  g_autofree char *npy = g_build_filename (dir, "digits.npy", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTopRunner) from_idx = NULL;
  g_autoptr(FmTopRunner) from_npy = NULL;
  FmPreprocess pp;

  {
    g_autoptr(FmDataset) ds = fm_dataset_open (dataset_path, NULL, &error);
    g_autofree float *data = g_new (float, 100 * 28 * 28);
    FmShape shape = { 3, { 100, 28, 28 } };
    FmImage *image;
    guint64 index;

    g_assert_no_error (error);
    g_assert_true (fm_dataset_set_range (ds, 0, 100, &error));
    while (fm_dataset_next (ds, &index, &image, NULL, &error))
      {
        for (int i = 0; i < 28 * 28; i++)
          data[index * 28 * 28 + i] = image->pixels[i] / 255.0f;
        fm_image_free (image);
      }
    g_assert_no_error (error);
    g_assert_true (fm_npy_write (npy, &shape, data, &error));
  }
  g_assert_true (fm_preprocess_init_from_model (&pp, model, NULL));
  from_idx = fm_top_runner_new (model, dataset_path, &pp, 1, &error);
  g_assert_no_error (error);
  from_npy = fm_top_runner_new (model, npy, &pp, 1, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < 2; r++)
    {
      Seen a = { g_array_new (FALSE, FALSE, sizeof (gint64)), g_array_new (FALSE, FALSE, sizeof (float)) };
      Seen b = { g_array_new (FALSE, FALSE, sizeof (gint64)), g_array_new (FALSE, FALSE, sizeof (float)) };

      g_assert_true (fm_top_runner_run (from_idx, runs[r], 4, seen_cb, &a, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (fm_top_runner_run (from_npy, runs[r], 4, seen_cb, &b, NULL, &error));
      g_assert_no_error (error);
      /* Ascending, repeats once: 3 17 42 99, then 0 5 64. */
      g_assert_cmpuint (a.indexes->len, ==, r == 0 ? 4 : 3);
      g_assert_cmpmem (a.indexes->data, a.indexes->len * sizeof (gint64),
                       b.indexes->data, b.indexes->len * sizeof (gint64));
      g_assert_cmpint (g_array_index (a.indexes, gint64, 0), ==, r == 0 ? 3 : 0);
      g_assert_cmpmem (a.inputs->data, a.inputs->len * sizeof (float),
                       b.inputs->data, b.inputs->len * sizeof (float));
      g_array_unref (a.indexes);
      g_array_unref (a.inputs);
      g_array_unref (b.indexes);
      g_array_unref (b.inputs);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) dataset = NULL;
  g_autoptr(FmScan) scanner = NULL;
  g_autofree char *model_path = NULL;
  FmScanOptions options;
  int status;

  g_test_init (&argc, &argv, NULL);

  model_path = fm_data_resolve_model ("mnist-cnn-dying", &error);
  g_assert_no_error (error);
  model = fm_model_load_file (model_path, NULL, &error);
  g_assert_no_error (error);
  dataset_path = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", &error);
  g_assert_no_error (error);
  dataset = fm_dataset_open (dataset_path, NULL, &error);
  g_assert_no_error (error);
  fm_scan_options_init (&options);
  options.limit = 100;
  scanner = fm_scan_new (model, dataset, &options);
  g_assert_true (fm_scan_run (scanner, NULL, NULL, NULL, &error));
  scan = fm_scan_result_ref (fm_scan_get_result (scanner));

  g_test_add_func ("/render/atlas/pages", test_pages);
  g_test_add_func ("/render/atlas/layer-maps-same-pdf", test_layer_maps_same_pdf);
  g_test_add_func ("/render/atlas/cancel-leaves-no-file", test_cancel_leaves_no_file);
  g_test_add_func ("/render/atlas/refusals", test_refusals);
  g_test_add_func ("/render/atlas/top-runner-npy", test_top_runner_npy);

  status = g_test_run ();
  fm_scan_result_unref (scan);
  fm_model_unref (model);
  g_free (dataset_path);
  return status;
}
