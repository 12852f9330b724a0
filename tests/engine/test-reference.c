/* test-reference.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whole-model tests against reference activations that PyTorch computed
 * (build-aux/make-test-models.py, build-aux/train-mnist.py). Each fixture
 * folder holds manifest.json ({"input": FILE, "tensors": [{"name", "file",
 * "shape", ...}]}), the input tensor and one .npy per intermediate tensor;
 * the model is the folder's model.onnx, or else the bundled model named
 * like the parent folder. Every listed tensor must match within 1e-4; the
 * largest difference per model is printed, as llm.c does.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>

#include "fm-model.h"
#include "fm-npy.h"
#include "fm-run.h"

#define TOLERANCE 1e-4
#define MAX_NPY   ((gsize) 256 << 20)

static char *
model_path_for (const char *dir)
{
  g_autofree char *local = g_build_filename (dir, "model.onnx", NULL);
  g_autofree char *parent = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;

  if (g_file_test (local, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&local);
  parent = g_path_get_dirname (dir);
  name = g_path_get_basename (parent);
  file = g_strconcat (name, ".onnx", NULL);
  return g_build_filename (FM_SOURCE_DATADIR, "models", file, NULL);
}

static void
check_shape (JsonArray     *expected,
             const FmShape *shape,
             const char    *what)
{
  if (json_array_get_length (expected) != (guint) shape->rank)
    g_error ("%s: rank %d, reference rank %u", what, shape->rank,
             json_array_get_length (expected));
  for (int d = 0; d < shape->rank; d++)
    g_assert_cmpint (json_array_get_int_element (expected, d), ==, shape->dims[d]);
}

static void
test_reference (gconstpointer data)
{
  const char *dir = data;
  g_autofree char *model_path = model_path_for (dir);
  g_autofree char *manifest_path = g_build_filename (dir, "manifest.json", NULL);
  g_autofree char *input_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *input = NULL;
  FmShape input_shape;
  JsonObject *root;
  JsonArray *tensors;
  double worst = 0.0;
  const char *worst_name = "";

  model = fm_model_load_file (model_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->n_inputs, ==, 1);

  json_parser_load_from_file (parser, manifest_path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  tensors = json_object_get_array_member (root, "tensors");
  g_assert_cmpuint (json_array_get_length (tensors), >, 0);

  input_path = g_build_filename (dir, json_object_get_string_member (root, "input"), NULL);
  input = fm_npy_read (input_path, &input_shape, MAX_NPY, &error);
  g_assert_no_error (error);
  g_assert_true (fm_shape_equal (&input_shape, &model->values[model->inputs[0]].shape));

  run = fm_run_new (model, &error);
  g_assert_no_error (error);
  memcpy (fm_run_input_data (run, 0), input,
          model->values[model->inputs[0]].numel * sizeof (float));
  fm_run_execute (run, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < json_array_get_length (tensors); i++)
    {
      JsonObject *t = json_array_get_object_element (tensors, i);
      const char *name = json_object_get_string_member (t, "name");
      g_autofree char *path = g_build_filename (dir, json_object_get_string_member (t, "file"), NULL);
      g_autofree float *expected = NULL;
      const float *actual;
      FmShape shape;
      int id = fm_model_find_value (model, name);
      double tensor_worst = 0.0;

      if (id < 0)
        g_error ("%s: the model has no tensor '%s'", model_path, name);
      g_assert_cmpint (model->values[id].dtype, ==, FM_DTYPE_FLOAT);
      expected = fm_npy_read (path, &shape, MAX_NPY, &error);
      g_assert_no_error (error);
      check_shape (json_object_get_array_member (t, "shape"), &shape, name);
      g_assert_true (fm_shape_equal (&shape, &model->values[id].shape));

      actual = fm_run_value_data (run, id);
      for (gsize k = 0; k < model->values[id].numel; k++)
        {
          double diff = fabs ((double) actual[k] - (double) expected[k]);
          if (!(diff <= tensor_worst))
            tensor_worst = diff;
        }
      if (tensor_worst > worst)
        {
          worst = tensor_worst;
          worst_name = name;
        }
      if (!(tensor_worst <= TOLERANCE))
        g_error ("%s: tensor '%s' differs from PyTorch by %g (tolerance %g)",
                 model_path, name, tensor_worst, TOLERANCE);
    }
  g_test_message ("%s: %u tensors match PyTorch; largest difference %.3g (%s)",
                  dir, json_array_get_length (tensors), worst, worst_name);
}

/* Adds a test for every folder below @root that holds a manifest.json. */
static guint
add_fixtures (const char *root,
              const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (root, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *entry = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (root, entry, NULL);
      g_autofree char *manifest = g_build_filename (path, "manifest.json", NULL);
      g_autofree char *test_path = g_strconcat (prefix, "/", entry, NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      if (g_file_test (manifest, G_FILE_TEST_EXISTS))
        {
          g_test_add_data_func_full (test_path, g_steal_pointer (&path),
                                     test_reference, g_free);
          n++;
        }
      else
        n += add_fixtures (path, test_path);
    }
  return n;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *pytorch = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", NULL);
  g_autofree char *mnist = g_build_filename (FM_TEST_SRCDIR, "fixtures", "mnist", NULL);
  guint n;

  g_test_init (&argc, &argv, NULL);
  n = add_fixtures (pytorch, "/engine/reference/pytorch");
  n += add_fixtures (mnist, "/engine/reference/mnist");
  if (n == 0)
    g_error ("no reference fixtures found below %s", FM_TEST_SRCDIR);
  return g_test_run ();
}
