/* test-scan-measures.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The measures of the dataset scan (fm-scan.h): APoZ, the near-dead
 * tier, the layer warning and the per-class fire counts of the bundled
 * mnist-cnn-dying over its 2,000 held-out digits against a naive loop
 * written here (one run per image, every cell compared with zero, the
 * labels read from the IDX labels file with zlib, not by the dataset
 * code); the dead bound against pow (); the JSON round trip of the new
 * fields bit for bit (doubles json-glib 1.6 would spell badly
 * included); a file of before the measures still loads, with them
 * unknown; inconsistent new fields are refused naming them.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <zlib.h>

#include "fm-layers.h"
#include "fm-run.h"
#include "fm-scan.h"
#include "fm-test-scan.h"

#define DYING_MODEL    "models/mnist-cnn-dying.onnx"
#define HEALTHY_MODEL  "models/mnist-cnn.onnx"
#define HELDOUT_DIGITS "digits/mnist-heldout-images-idx3-ubyte.gz"
#define HELDOUT_LABELS "digits/mnist-heldout-labels-idx1-ubyte.gz"
#define N_IMAGES       FM_TEST_DIGITS
#define N_CLASSES      10

/* The labels straight from the gzipped idx1 file: magic 0x801, N, bytes. */
static guint8 *
read_labels (guint *n_out)
{
  g_autofree char *path = fm_test_bundled (HELDOUT_LABELS);
  gzFile f = gzopen (path, "rb");
  guint8 header[8];
  guint8 *labels;
  guint n;

  g_assert_nonnull (f);
  g_assert_cmpint (gzread (f, header, 8), ==, 8);
  g_assert_cmpuint ((guint) header[2] << 8 | header[3], ==, 0x801);
  n = (guint) header[4] << 24 | (guint) header[5] << 16 | (guint) header[6] << 8 | header[7];
  labels = g_malloc (MAX (n, 1));
  g_assert_cmpint (gzread (f, labels, n), ==, (int) n);
  gzclose (f);
  *n_out = n;
  return labels;
}

typedef struct
{
  guint64 *zero_cells;   /* [C] */
  guint64 *zero_images;  /* [C] */
  guint32 *class_fired;  /* [C * N_CLASSES] */
  guint64  cells;
} Naive;

/* Every layer of @model over the held-out digits, one run per image. */
static Naive *
naive_scan (FmModel      *model,
            GArray       *layers,
            const guint8 *labels)
{
  g_autofree char *digits = fm_test_bundled (HELDOUT_DIGITS);
  g_autoptr(FmDataset) dataset = fm_test_open_dataset (digits, NULL);
  g_autoptr(FmRun) run = fm_run_new (model, NULL);
  Naive *naive = g_new0 (Naive, layers->len);
  GError *error = NULL;
  FmPreprocess pp;
  guint64 index;
  guint n = 0;

  g_assert_true (fm_preprocess_init_from_model (&pp, model, &error));
  for (guint l = 0; l < layers->len; l++)
    {
      const FmLayer *layer = &g_array_index (layers, FmLayer, l);
      guint C = fm_layer_channels (model, layer);

      naive[l].zero_cells = g_new0 (guint64, C);
      naive[l].zero_images = g_new0 (guint64, C);
      naive[l].class_fired = g_new0 (guint32, C * N_CLASSES);
      naive[l].cells = (guint64) layer->height * layer->width;
    }
  g_assert_true (fm_dataset_set_range (dataset, 0, N_IMAGES, &error));
  while (fm_dataset_next_input (dataset, &pp, &index, fm_run_input_data (run, 0), NULL, &error))
    {
      g_assert_cmpuint (index, ==, n);
      g_assert_true (fm_run_execute (run, NULL, &error));
      for (guint l = 0; l < layers->len; l++)
        {
          const FmLayer *layer = &g_array_index (layers, FmLayer, l);
          const float *v = fm_run_value_data (run, layer->value_id);  /* NCHW here */
          guint C = fm_layer_channels (model, layer);

          for (guint c = 0; c < C; c++)
            {
              guint64 zeros = 0;

              for (guint64 i = 0; i < naive[l].cells; i++)
                if (fabsf (v[c * naive[l].cells + i]) <= 0.0f)
                  zeros++;
              naive[l].zero_cells[c] += zeros;
              if (zeros == naive[l].cells)
                naive[l].zero_images[c]++;
              else
                naive[l].class_fired[c * N_CLASSES + labels[n]]++;
            }
        }
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, N_IMAGES);
  return naive;
}

static FmScanResult *
scan_model (const char *rel,
            guint       threads,
            guint64     limit)
{
  FmScanOptions o;

  fm_scan_options_init (&o);
  o.threads = threads;
  o.limit = limit;
  return fm_test_scan_bundled (rel, HELDOUT_DIGITS, &o);
}

static FmScanResult *
scan_dying (guint threads)
{
  return scan_model (DYING_MODEL, threads, N_IMAGES);
}

/* The layer's APoZ tier worked out here: population mean and standard
 * deviation over every channel, dead ones included; near-dead above
 * mean + std, zero on at least half its cells and not dead. Checks @L against it; returns how many
 * channels are near-dead. */
static guint
check_layer_apoz (const FmScanLayer *L,
                  const Naive       *naive)
{
  double all = (double) N_IMAGES * naive->cells;
  double mean = 0, var = 0;
  guint near = 0;

  for (guint c = 0; c < L->channels; c++)
    mean += naive->zero_cells[c] / all;
  mean /= L->channels;
  for (guint c = 0; c < L->channels; c++)
    var += (naive->zero_cells[c] / all - mean) * (naive->zero_cells[c] / all - mean);
  var /= L->channels;
  g_assert_cmpfloat_with_epsilon (L->apoz_mean, mean, 1e-12);
  g_assert_cmpfloat_with_epsilon (L->apoz_std, sqrt (var), 1e-12);
  for (guint c = 0; c < L->channels; c++)
    {
      double apoz = naive->zero_cells[c] / all;
      gboolean dead = naive->zero_images[c] == N_IMAGES;
      gboolean want = !dead && apoz > mean + sqrt (var) && apoz >= 0.5;

      g_assert_cmpuint (L->zero_cells[c], ==, naive->zero_cells[c]);
      g_assert_cmpfloat (L->apoz[c], ==, apoz);
      /* dead is exactly APoZ 100 % */
      g_assert_cmpint (dead, ==, L->apoz[c] == 1.0);
      g_assert_cmpint (fm_test_list_has (L->dead, L->n_dead, c), ==, dead);
      g_assert_cmpint (fm_test_list_has (L->near_dead, L->n_near_dead, c), ==, want);
      near += want;
    }
  return near;
}

/* Model @rel's scan against the naive loop; adds up the near-dead
 * channels and the layers with and without the warning. */
static void
check_naive (const char *rel,
             guint      *near,
             guint      *warned,
             guint      *quiet)
{
  g_autofree char *model_path = fm_test_bundled (rel);
  g_autoptr(FmModel) model = fm_test_load_model (model_path);
  g_autoptr(GArray) layers = fm_layers_list (model, FALSE);
  g_autoptr(FmScanResult) r = scan_model (rel, 2, N_IMAGES);
  g_autofree guint8 *labels = NULL;
  Naive *naive;
  guint n_labels;

  labels = read_labels (&n_labels);
  g_assert_cmpuint (n_labels, ==, 2000);
  naive = naive_scan (model, layers, labels);

  g_assert_cmpuint (r->images, ==, N_IMAGES);
  g_assert_cmpuint (r->n_classes, ==, N_CLASSES);
  g_assert_nonnull (r->class_images);
  for (guint k = 0; k < N_CLASSES; k++)
    {
      g_autofree char *number = g_strdup_printf ("%u", k);
      guint64 images = 0;

      g_assert_cmpstr (r->class_names[k], ==, number);  /* IDX classes have no names */
      for (guint i = 0; i < N_IMAGES; i++)
        images += labels[i] == k;
      g_assert_cmpuint (r->class_images[k], ==, images);
    }
  g_assert_cmpuint (r->n_layers, ==, layers->len);
  for (guint l = 0; l < r->n_layers; l++)
    {
      const FmScanLayer *L = &r->layers[l];
      guint n_dead = 0;

      g_assert_cmpuint (L->cells_per_image, ==, naive[l].cells);
      *near += check_layer_apoz (L, &naive[l]);
      g_assert_nonnull (L->class_fire_count);
      g_assert_cmpmem (L->class_fire_count, L->channels * N_CLASSES * sizeof (guint32),
                       naive[l].class_fired, L->channels * N_CLASSES * sizeof (guint32));
      for (guint c = 0; c < L->channels; c++)
        n_dead += naive[l].zero_images[c] == N_IMAGES;
      /* the warning: 10 % or more dead */
      g_assert_cmpint (L->dead_warning, ==, n_dead * 10 >= L->channels);
      *warned += L->dead_warning;
      *quiet += !L->dead_warning;
      g_free (naive[l].zero_cells);
      g_free (naive[l].zero_images);
      g_free (naive[l].class_fired);
    }
  g_free (naive);
}

static void
test_naive (void)
{
  guint near = 0, warned = 0, quiet = 0;

  check_naive (DYING_MODEL, &near, &warned, &quiet);
  check_naive (HEALTHY_MODEL, &near, &warned, &quiet);
  /* the comparisons were not vacuous */
  g_assert_cmpuint (near, >, 0);
  g_assert_cmpuint (warned, >, 0);
  g_assert_cmpuint (quiet, >, 0);
}

/* One worker gives the same counts as two (the atomic per-class adds). */
static void
test_threads (void)
{
  g_autoptr(FmScanResult) a = scan_dying (1);
  g_autoptr(FmScanResult) b = scan_dying (3);

  g_assert_cmpuint (a->n_classes, ==, b->n_classes);
  for (guint l = 0; l < a->n_layers; l++)
    {
      const FmScanLayer *x = &a->layers[l], *y = &b->layers[l];

      g_assert_cmpmem (x->class_fire_count, x->channels * a->n_classes * sizeof (guint32),
                       y->class_fire_count, y->channels * b->n_classes * sizeof (guint32));
      g_assert_cmpmem (x->zero_cells, x->channels * sizeof (guint64),
                       y->zero_cells, y->channels * sizeof (guint64));
      g_assert_cmpmem (x->value_count, x->channels * sizeof (guint64),
                       y->value_count, y->channels * sizeof (guint64));
    }
}

static void
test_top_classes_and_bound (void)
{
  g_autoptr(FmScanResult) r = scan_dying (2);
  int l = fm_scan_result_find_layer (r, "/relu1/Relu_output_0");
  const FmScanLayer *L;
  guint classes[3];
  guint32 counts[3];
  double rule, exact;
  g_autofree char *text = NULL;

  g_assert_cmpint (l, >=, 0);
  L = &r->layers[l];
  for (guint c = 0; c < L->channels; c++)
    {
      const guint32 *row = L->class_fire_count + c * r->n_classes;
      guint n = fm_scan_result_top_classes (r, (guint) l, c, 3, classes, counts);
      guint positive = 0;

      for (guint k = 0; k < r->n_classes; k++)
        positive += row[k] > 0;
      g_assert_cmpuint (n, ==, MIN (3, positive));
      /* shares compared as fractions: a / b > c / d when a d > c b */
#define SHARE_ABOVE(a, k, b, m) ((guint64) (a) * r->class_images[m] > \
                                 (guint64) (b) * r->class_images[k])
      for (guint j = 0; j < n; j++)
        {
          g_assert_cmpuint (counts[j], ==, row[classes[j]]);
          /* no class left out has a larger share of its images, nor the same
           * share with a smaller number */
          for (guint k = 0; k < r->n_classes; k++)
            if (!(k == classes[0] || (n > 1 && k == classes[1]) || (n > 2 && k == classes[2])))
              g_assert_true (SHARE_ABOVE (counts[j], classes[j], row[k], k) ||
                             (!SHARE_ABOVE (row[k], k, counts[j], classes[j]) &&
                              k > classes[j]) || j < n - 1);
        }
      for (guint j = 1; j < n; j++)
        g_assert_true (SHARE_ABOVE (counts[j - 1], classes[j - 1], counts[j], classes[j]) ||
                       (!SHARE_ABOVE (counts[j], classes[j], counts[j - 1], classes[j - 1]) &&
                        classes[j - 1] < classes[j]));
#undef SHARE_ABOVE
    }

  g_assert_true (fm_scan_result_dead_bound (r, &rule, &exact));
  g_assert_cmpfloat (rule, ==, 3.0 / N_IMAGES);
  g_assert_cmpfloat_with_epsilon (exact, 1.0 - pow (0.05, 1.0 / N_IMAGES), 1e-15);
  /* (1 - p)^N = 5 % at the bound */
  g_assert_cmpfloat_with_epsilon (pow (1.0 - exact, N_IMAGES), 0.05, 1e-12);

  g_assert_cmpuint (L->n_dead, >, 0);
  text = fm_scan_result_explain (r, (guint) l, L->dead[0]);
#if FM_TEST_DIGITS == 2000
  g_assert_nonnull (strstr (text, "more than 0.15 % of such inputs (about 3 in 2000) would "
                                  "have shown with 95 % confidence"));
#endif
  g_assert_nonnull (strstr (text, "scanned images. Its largest pre-activation"));
}

/* The result as JSON text. */
static char *
to_text (const FmScanResult *r)
{
  g_autoptr(JsonNode) root = fm_scan_result_to_json (r);

  return json_to_string (root, FALSE);
}

static FmScanResult *
from_text (const char  *text,
           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return fm_scan_result_from_json (json_parser_get_root (parser), "test", error);
}

static void
test_json_round_trip (void)
{
  g_autoptr(FmScanResult) r = scan_dying (2);
  g_autoptr(FmScanResult) back = NULL;
  g_autoptr(FmScanResult) odd = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *odd_text = NULL;
  GError *error = NULL;
  FmScanLayer *L0 = &r->layers[0];
  const double sums[] = { 1e17, 9e18, 1e21, -0.1, 5e-324, -0.0, INFINITY, -INFINITY, NAN };

  text = to_text (r);
  back = from_text (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->n_classes, ==, r->n_classes);
  g_assert_cmpmem (back->class_images, r->n_classes * 8, r->class_images, r->n_classes * 8);
  for (guint k = 0; k < r->n_classes; k++)
    g_assert_cmpstr (back->class_names[k], ==, r->class_names[k]);
  for (guint l = 0; l < r->n_layers; l++)
    {
      const FmScanLayer *x = &r->layers[l], *y = &back->layers[l];
      gsize C = x->channels;

      g_assert_cmpuint (x->cells_per_image, ==, y->cells_per_image);
      g_assert_cmpmem (x->zero_cells, C * 8, y->zero_cells, C * 8);
      g_assert_cmpmem (x->value_count, C * 8, y->value_count, C * 8);
      g_assert_cmpmem (x->sum, C * 8, y->sum, C * 8);  /* bit for bit */
      g_assert_cmpmem (x->apoz, C * 8, y->apoz, C * 8);
      g_assert_cmpmem (x->mean, C * 4, y->mean, C * 4);
      g_assert_cmpmem (&x->apoz_mean, 8, &y->apoz_mean, 8);
      g_assert_cmpmem (&x->apoz_std, 8, &y->apoz_std, 8);
      g_assert_cmpmem (x->near_dead, x->n_near_dead * sizeof (guint),
                       y->near_dead, y->n_near_dead * sizeof (guint));
      g_assert_cmpint (x->dead_warning, ==, y->dead_warning);
      g_assert_cmpmem (x->class_fire_count, C * r->n_classes * 4,
                       y->class_fire_count, C * r->n_classes * 4);
    }
  text2 = to_text (back);
  g_assert_cmpstr (text, ==, text2);

  /* sums json-glib 1.6 would write as "1e+17.0" (not JSON), and others
   * at the edges (infinite activations, +inf + -inf), come back bit for
   * bit */
  memcpy (L0->sum, sums, sizeof sums);
  odd_text = to_text (r);
  g_assert_null (strstr (odd_text, "e+17.0"));
  odd = from_text (odd_text, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (odd->layers[0].sum, sizeof sums, sums, sizeof sums);
}

/* @text with the members @names removed from the top object and from
 * every layer. */
static char *
without (const char         *text,
         const char * const *names)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonArray *layers;

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  layers = json_object_get_array_member (o, "layers");
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (json_object_has_member (o, names[i]))
        json_object_remove_member (o, names[i]);
      for (guint l = 0; l < json_array_get_length (layers); l++)
        {
          JsonObject *lo = json_array_get_object_element (layers, l);

          if (json_object_has_member (lo, names[i]))
            json_object_remove_member (lo, names[i]);
        }
    }
  return json_to_string (json_parser_get_root (parser), FALSE);
}

/* Six images of three classes (1, 3 and 2 images), a layer of 1x1 maps
 * whose channel 0 fires on all six, channel 1 on one image of each class
 * (shares 100 %, 33.3 % and 50 %) and channel 2 on all but one image of
 * class two (100 %, 100 %, 50 %). */
static const char small_scan[] =
  "{\"model\":\"m.onnx\",\"dataset\":\"d.idx\",\"images\":6,\"partial\":false,\"total\":6,"
  "\"top_k\":1,\"rare_below\":0.01,\"epsilon\":0.0,\"elapsed\":0.1,\"warnings\":[],"
  "\"classes\":[\"zero\",\"one\",\"two\"],\"class_images\":[1,3,2],"
  "\"layers\":[{\"name\":\"r\",\"op\":\"Relu\",\"channels\":3,\"zero_count\":[0,3,1],"
  "\"fire_count\":[6,3,5],\"max\":[1.0,1.0,1.0],\"mean\":[1.0,0.5,0.8333333],"
  "\"pre_activation_max\":null,"
  "\"bias\":null,\"weight_max_abs\":null,"
  "\"dead\":[],\"rare\":[],\"top\":[[0],[0],[0]],\"top_max\":[[1.0],[1.0],[1.0]],"
  "\"diagnosis\":[\"none\",\"none\",\"none\"],"
  "\"cells_per_image\":1,\"zero_cells\":[0,3,1],\"value_count\":[6,6,6],"
  "\"sum\":[6.0,3.0,5.0],\"class_fire_count\":[[1,3,2],[1,1,1],[1,3,1]]}]}";

/* 24,000 images: classes a and b of 2,000, c of 20,000. Channel 0 fires
 * on one image of a (0.05 %) and one of c (0.005 %); channel 1 on all but
 * one of a (99.95 %) and on all of b and c. */
static const char edge_scan[] =
  "{\"model\":\"m.onnx\",\"dataset\":\"d.idx\",\"images\":24000,\"partial\":false,"
  "\"total\":24000,\"top_k\":1,\"rare_below\":0.01,\"epsilon\":0.0,\"elapsed\":0.1,"
  "\"warnings\":[],\"classes\":[\"a\",\"b\",\"c\"],\"class_images\":[2000,2000,20000],"
  "\"layers\":[{\"name\":\"r\",\"op\":\"Relu\",\"channels\":2,"
  "\"zero_count\":[23998,1],\"fire_count\":[2,23999],\"max\":[1.0,1.0],"
  "\"mean\":[0.0000833,0.9999583],\"pre_activation_max\":null,\"bias\":null,"
  "\"weight_max_abs\":null,\"dead\":[],\"rare\":[0],\"top\":[[0],[0]],"
  "\"top_max\":[[1.0],[1.0]],\"diagnosis\":[\"none\",\"none\"],"
  "\"cells_per_image\":1,\"zero_cells\":[23998,1],\"value_count\":[24000,24000],"
  "\"sum\":[2.0,23999.0],\"class_fire_count\":[[1,0,1],[1999,2000,20000]]}]}";

/* Shares at the edges, by hand: 1 / 2,000 = 0.05 %, 1 / 20,000 =
 * 0.005 %, 1,999 / 2,000 = 99.95 %, which must not read 100.0 % beside
 * classes that are. */
static void
test_top_classes_edges (void)
{
  GError *error = NULL;
  g_autoptr(FmScanResult) r = from_text (edge_scan, &error);
  g_autofree char *rare = NULL, *almost = NULL;

  g_assert_no_error (error);
  rare = fm_scan_result_top_classes_text (r, 0, 0, 3);
  g_assert_cmpstr (rare, ==, "a: 0.05 % · c: < 0.01 %");
  almost = fm_scan_result_top_classes_text (r, 0, 1, 3);
  g_assert_cmpstr (almost, ==, "b: 100.0 % · c: 100.0 % · a: 99.9 %");
}

/* The classes as text, worked out by hand from small_scan. */
static void
test_top_classes_text (void)
{
  g_autofree char *old_text = NULL;
  GError *error = NULL;
  g_autoptr(FmScanResult) r = from_text (small_scan, &error);
  g_autoptr(FmScanResult) old = NULL;
  g_autofree char *alike = NULL, *shares = NULL, *counts = NULL;
  guint classes[3];
  guint32 fired[3];

  g_assert_no_error (error);
  alike = fm_scan_result_top_classes_text (r, 0, 0, 3);
  g_assert_cmpstr (alike, ==, "every class alike (100.0 %)");
  g_free (alike);
  alike = fm_scan_result_top_classes_text (r, 0, 0, 1);
  g_assert_cmpstr (alike, ==, "every class alike (100.0 %)");
  /* the share, not the count, ranks: one image of one is 100 %, one of
   * three 33.3 % */
  shares = fm_scan_result_top_classes_text (r, 0, 1, 3);
  g_assert_cmpstr (shares, ==, "zero: 100.0 % · two: 50.0 % · one: 33.3 %");
  g_assert_cmpuint (fm_scan_result_top_classes (r, 0, 1, 2, classes, fired), ==, 2);
  g_assert_cmpuint (classes[0], ==, 0);
  g_assert_cmpuint (classes[1], ==, 2);
  g_assert_cmpuint (fired[1], ==, 1);
  g_free (shares);
  /* a tie cut by the class number says how many more share it */
  shares = fm_scan_result_top_classes_text (r, 0, 2, 1);
  g_assert_cmpstr (shares, ==, "zero: 100.0 % · 1 more at 100.0 %");
  g_free (shares);
  shares = fm_scan_result_top_classes_text (r, 0, 2, 3);
  g_assert_cmpstr (shares, ==, "zero: 100.0 % · one: 100.0 % · two: 50.0 %");

  /* a result of before the class images: counts, ties by class */
  {
    static const char * const names[] = { "class_images", NULL };

    old_text = without (small_scan, names);
  }
  old = from_text (old_text, &error);
  g_assert_no_error (error);
  g_assert_null (old->class_images);
  counts = fm_scan_result_top_classes_text (old, 0, 1, 3);
  g_assert_cmpstr (counts, ==, "zero: 1 · one: 1 · two: 1");
  g_free (counts);
  counts = fm_scan_result_top_classes_text (old, 0, 2, 2);
  g_assert_cmpstr (counts, ==, "one: 3 · zero: 1 · 1 more at 1");
}

static void
test_old_format (void)
{
  static const char * const measures[] = {
    "classes", "class_images", "dead_bound", "cells_per_image", "zero_cells", "value_count", "sum", "apoz",
    "apoz_mean", "apoz_std", "near_dead", "dead_warning", "class_fire_count", NULL
  };
  g_autoptr(FmScanResult) r = scan_dying (2);
  g_autofree char *text = to_text (r);
  g_autofree char *old = without (text, measures);
  g_autoptr(FmScanResult) back = NULL;
  GError *error = NULL;

  g_assert_null (strstr (old, "zero_cells"));
  back = from_text (old, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->n_classes, ==, 0);
  g_assert_null (back->class_images);
  for (guint l = 0; l < r->n_layers; l++)
    {
      const FmScanLayer *x = &r->layers[l], *y = &back->layers[l];

      g_assert_null (y->zero_cells);
      g_assert_null (y->class_fire_count);
      g_assert_cmpuint (y->n_near_dead, ==, 0);
      g_assert_true (isnan (y->apoz_mean));
      g_assert_true (isnan (y->apoz[0]));
      /* what old files had stays */
      g_assert_cmpmem (x->dead, x->n_dead * sizeof (guint), y->dead, y->n_dead * sizeof (guint));
      g_assert_cmpmem (x->mean, x->channels * 4, y->mean, y->channels * 4);
      g_assert_cmpint (x->dead_warning, ==, y->dead_warning);
    }
}

/* Replaces the first @from in @text by @to. */
static char *
replace_once (const char *text,
              const char *from,
              const char *to)
{
  const char *at = strstr (text, from);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, to, at + strlen (from));
}

static void
test_refused (void)
{
  static const struct { const char *from, *to, *member; } cases[] = {
    /* conv1 channel 0 never had an all-zero image: APoZ 100 % cannot be */
    { "\"zero_cells\":[0,", "\"zero_cells\":[1568000,", "zero_cells" },
    /* more cells than 2,000 images of 28 x 28 */
    { "\"value_count\":[1568000,", "\"value_count\":[1568001,", "value_count" },
    /* more images of a class than the channel fired on */
    { "\"class_fire_count\":[[213,", "\"class_fire_count\":[[2001,", "class_fire_count" },
    { "\"class_fire_count\":[[", "\"class_fire_count\":[[1,", "class_fire_count" },
    { "\"classes\":[", "\"classes\":[7,", "classes" },
    /* 213 of the 2,000 digits are zeros, all of them firing conv1's channel 0 */
    { "\"class_images\":[213,", "\"class_images\":[212,", "class_images" },
    /* each class at most the 2,000 images, but more than 2,000 in all */
    { "\"class_images\":[213,", "\"class_images\":[2000,", "class_images" },
    { "\"class_images\":[213,", "\"class_images\":[2001,", "class_images" },
    { "\"class_images\":[", "\"class_images\":[1,", "class_images" },
    { "\"cells_per_image\":", "\"cells_per_image\":-", "cells_per_image" },
    { "\"sum\":[", "\"sum\":[\"x\",", "sum" },
  };
  /* All 2,000 digits, whatever FM_TEST_DIGITS says: the numbers above are theirs. */
  g_autoptr(FmScanResult) r = scan_model (DYING_MODEL, 2, 0);
  g_autofree char *text = to_text (r);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *bad = replace_once (text, cases[i].from, cases[i].to);
      g_autoptr(FmScanResult) back = NULL;
      GError *error = NULL;

      back = from_text (bad, &error);
      g_assert_null (back);
      g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].member));
      g_clear_error (&error);
    }
}

/* Percentages as every scan text gives them, computed by hand: one
 * decimal, never 100.0 short of all (1999 of 2000 is 99.95 %) nor 0.0
 * above none (1 of 2000 is 0.05 %: two decimals below 0.1 %; 1 of
 * 200,000 is under 0.01 %). An atlas said "fires on 0.1 %" and "APoZ
 * 100.0 %" for such channels. */
static void
test_percent_text (void)
{
  static const struct { double fraction; const char *text; } cases[] = {
    { 0.0, "0.0 %" },
    { 1.0, "100.0 %" },
    { 0.412, "41.2 %" },
    { 1999.0 / 2000.0, "99.9 %" },
    { 0.99999, "99.9 %" },
    { 1.0 / 2000.0, "0.05 %" },
    { 1.0 / 200000.0, "< 0.01 %" },
    { 0.001, "0.1 %" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = fm_scan_percent_text (cases[i].fraction);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scan-measures/naive", test_naive);
  g_test_add_func ("/scan-measures/percent-text", test_percent_text);
  g_test_add_func ("/scan-measures/threads", test_threads);
  g_test_add_func ("/scan-measures/top-classes-and-bound", test_top_classes_and_bound);
  g_test_add_func ("/scan-measures/json-round-trip", test_json_round_trip);
  g_test_add_func ("/scan-measures/old-format", test_old_format);
  g_test_add_func ("/scan-measures/top-classes-text", test_top_classes_text);
  g_test_add_func ("/scan-measures/top-classes-edges", test_top_classes_edges);
  g_test_add_func ("/scan-measures/refused", test_refused);
  return g_test_run ();
}
