/* test-bundled.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bundled models and digits against what PyTorch computed when
 * build-aux/train-mnist.py made them (tests/fixtures/mnist/):
 *  - a bundled PNG digit preprocessed with the model's metadata is the
 *    tensor PyTorch was given (input.npy);
 *  - every one of the 2,000 held-out digits gets PyTorch's prediction,
 *    so the accuracy is PyTorch's figure;
 *  - the channels that are zero for every held-out digit are exactly
 *    PyTorch's dead channels (mnist-cnn-dying has dozens; mnist-cnn none).
 * The activations themselves are compared tensor by tensor in
 * test-reference.c.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>

#include "fm-data.h"
#include "fm-dataset.h"
#include "fm-model.h"
#include "fm-npy.h"
#include "fm-predict.h"
#include "fm-preprocess.h"
#include "fm-run.h"
#include "fm-stats.h"

static char *
fixture (const char *model,
         const char *file)
{
  return g_build_filename (FM_TEST_SRCDIR, "fixtures", "mnist", model, file, NULL);
}

static FmModel *
load_bundled (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fm_data_resolve_model (name, &error);
  FmModel *model;

  g_assert_no_error (error);
  model = fm_model_load_file (path, NULL, &error);
  g_assert_no_error (error);
  return model;
}

static JsonObject *
load_json (JsonParser *parser,
           const char *path)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_png_preprocessing (gconstpointer data)
{
  const char *model_name = data;
  g_autoptr(FmModel) model = load_bundled (model_name);
  const char *digits[] = { "digit-0", "digit-2", "digit-7" };
  FmPreprocess pp;
  g_autoptr(GError) error = NULL;

  g_assert_true (fm_preprocess_init_from_model (&pp, model, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (digits); i++)
    {
      g_autofree char *png_rel = g_strconcat ("digits/", digits[i], ".png", NULL);
      g_autofree char *png = fm_data_find (png_rel, &error);
      g_autofree char *dir = fixture (model_name, digits[i]);
      g_autofree char *npy = g_build_filename (dir, "input.npy", NULL);
      g_autoptr(FmImage) image = NULL;
      g_autofree float *expected = NULL;
      float actual[28 * 28];
      FmShape shape;
      double worst = 0;

      g_assert_no_error (error);
      image = fm_image_load (png, 0, &error);
      g_assert_no_error (error);
      g_assert_true (fm_preprocess_image (&pp, image, actual, &error));
      expected = fm_npy_read (npy, &shape, 1 << 20, &error);
      g_assert_no_error (error);
      g_assert_cmpint (shape.rank, ==, 4);
      g_assert_cmpint (shape.dims[2] * shape.dims[3], ==, 28 * 28);
      for (int k = 0; k < 28 * 28; k++)
        worst = MAX (worst, fabs ((double) actual[k] - expected[k]));
      g_test_message ("%s %s: largest input difference %.3g", model_name, digits[i], worst);
      /* (p / 255 - 0.1307) / 0.3081 in float32 against PyTorch's float32. */
      g_assert_cmpfloat (worst, <=, 1e-6);
    }
}

/* Runs every held-out digit; checks predictions and dead channels. */
static void
test_heldout (gconstpointer data)
{
  const char *model_name = data;
  g_autoptr(FmModel) model = load_bundled (model_name);
  g_autoptr(FmRun) run = NULL;
  g_autoptr(FmDataset) dataset = NULL;
  g_autoptr(JsonParser) heldout_parser = json_parser_new ();
  g_autoptr(JsonParser) dead_parser = json_parser_new ();
  g_autofree char *heldout_path = fixture (model_name, "heldout.json");
  g_autofree char *dead_path = fixture (model_name, "dead.json");
  g_autofree char *images = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *heldout = load_json (heldout_parser, heldout_path);
  JsonObject *dead = load_json (dead_parser, dead_path);
  JsonArray *predictions = json_object_get_array_member (heldout, "predictions");
  JsonArray *layers = json_object_get_array_member (dead, "layers");
  guint n_layers = json_array_get_length (layers);
  g_autofree int *layer_ids = g_new (int, n_layers);
  g_autofree gboolean *fired = g_new0 (gboolean, n_layers * 32);
  FmPreprocess pp;
  guint64 index;
  int label;
  guint n = 0, correct = 0, agree = 0, dead_total = 0;

  g_assert_true (fm_preprocess_init_from_model (&pp, model, &error));
  run = fm_run_new (model, &error);
  g_assert_no_error (error);
  dataset = fm_dataset_open (images, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fm_dataset_has_labels (dataset));
  for (guint l = 0; l < n_layers; l++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (layers, l),
                                                        "name");
      layer_ids[l] = fm_model_find_value (model, name);
      g_assert_cmpint (layer_ids[l], >=, 0);
      g_assert_cmpint (model->values[layer_ids[l]].shape.dims[1], ==, 32);
    }

  while (fm_dataset_next_input (dataset, &pp, &index, fm_run_input_data (run, 0), &label, &error))
    {
      FmPrediction p;

      /* Every other digit runs in two parts split at another node each
       * time (fm_run_execute_part (), the window's partial passes): the
       * predictions must equal PyTorch's all the same. */
      if (n % 2 == 0)
        g_assert_true (fm_run_execute (run, NULL, &error));
      else
        {
          guint k = (n / 2) % (model->n_plan + 1);

          g_assert_true (fm_run_execute_part (run, 0, k, NULL, &error));
          g_assert_true (fm_run_execute_part (run, k, model->n_plan, NULL, &error));
        }
      fm_predict (model, run, 1, &p);
      correct += (int) p.index[0] == label;
      agree += p.index[0] == (guint) json_array_get_int_element (predictions, (guint) index);
      for (guint l = 0; l < n_layers; l++)
        {
          const FmValue *v = &model->values[layer_ids[l]];
          FmChannelStats stats[32];

          fm_channel_stats_compute (fm_run_value_data (run, layer_ids[l]), 32,
                                    (gsize) (v->shape.dims[2] * v->shape.dims[3]), 0.0f, stats);
          for (guint c = 0; c < 32; c++)
            fired[l * 32 + c] |= !stats[c].all_zero;
        }
      n++;
    }
  g_assert_no_error (error);

  g_test_message ("%s: %u of %u held-out digits correct (PyTorch: %" G_GINT64_FORMAT
                  "); %u predictions equal PyTorch's", model_name, correct, n,
                  json_object_get_int_member (heldout, "correct"), agree);
  g_assert_cmpuint (n, ==, json_object_get_int_member (heldout, "images"));
  g_assert_cmpuint (correct, ==, json_object_get_int_member (heldout, "correct"));
  g_assert_cmpuint (agree, ==, n);

  for (guint l = 0; l < n_layers; l++)
    {
      JsonArray *expected = json_object_get_array_member (json_array_get_object_element (layers, l),
                                                          "dead");
      g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));

      for (guint c = 0; c < 32; c++)
        if (!fired[l * 32 + c])
          g_array_append_val (found, c);
      g_test_message ("%s %s: %u dead channels", model_name,
                      model->values[layer_ids[l]].name, found->len);
      g_assert_cmpuint (found->len, ==, json_array_get_length (expected));
      for (guint k = 0; k < found->len; k++)
        g_assert_cmpuint (g_array_index (found, guint, k), ==,
                          (guint) json_array_get_int_element (expected, k));
      dead_total += found->len;
    }
  /* The dying model must show the problem the app is about. */
  if (g_str_equal (model_name, "mnist-cnn-dying"))
    g_assert_cmpuint (dead_total, >=, 8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/engine/bundled/png-preprocessing/mnist-cnn", "mnist-cnn",
                        test_png_preprocessing);
  g_test_add_data_func ("/engine/bundled/png-preprocessing/mnist-cnn-dying", "mnist-cnn-dying",
                        test_png_preprocessing);
  g_test_add_data_func ("/engine/bundled/heldout/mnist-cnn", "mnist-cnn", test_heldout);
  g_test_add_data_func ("/engine/bundled/heldout/mnist-cnn-dying", "mnist-cnn-dying",
                        test_heldout);

  return g_test_run ();
}
