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
 * like the parent folder. Every listed tensor must match within 1e-4; each
 * folder's name and largest difference are printed, as llm.c does, also
 * when it fails. A folder that fails (an op the engine lacks, a tensor over
 * the tolerance) fails its own test and the others still run.
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

/* NULL if the manifest's @expected dims are @shape's, else why not. */
static char *
shape_mismatch (JsonArray     *expected,
                const FmShape *shape)
{
  gboolean same = json_array_get_length (expected) == (guint) shape->rank;
  g_autoptr(GString) listed = g_string_new ("[");
  g_autofree char *have = NULL;

  for (int d = 0; same && d < shape->rank; d++)
    same = json_array_get_int_element (expected, d) == shape->dims[d];
  if (same)
    return NULL;
  for (guint d = 0; d < json_array_get_length (expected); d++)
    g_string_append_printf (listed, "%s%" G_GINT64_FORMAT, d ? ", " : "",
                            json_array_get_int_element (expected, d));
  g_string_append_c (listed, ']');
  have = fm_shape_to_string (shape);
  return g_strdup_printf ("the .npy has shape %s, the manifest %s", have, listed->str);
}

/* What one fixture folder gave: how many tensors were compared, the
 * largest difference and where, and the first failure (NULL if none). */
typedef struct
{
  guint  n_compared;
  guint  n_over;
  double worst;
  char  *worst_name;
  char  *failure;
} Comparison;

static void
comparison_clear (Comparison *cmp)
{
  g_clear_pointer (&cmp->worst_name, g_free);
  g_clear_pointer (&cmp->failure, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Comparison, comparison_clear)

/* Compares one listed tensor of @run with its .npy file; FALSE if the
 * comparison could not be made (cmp->failure says why). */
static gboolean
compare_tensor (const char *dir,
                FmModel    *model,
                FmRun      *run,
                JsonObject *t,
                Comparison *cmp)
{
  const char *name = json_object_get_string_member (t, "name");
  g_autofree char *path = g_build_filename (dir, json_object_get_string_member (t, "file"), NULL);
  g_autofree float *want = NULL;
  g_autofree char *mismatch = NULL;
  g_autoptr(GError) error = NULL;
  const float *actual;
  FmShape shape;
  int id = fm_model_find_value (model, name);
  double tensor_worst = 0.0;

  if (id < 0 || model->values[id].dtype != FM_DTYPE_FLOAT)
    {
      cmp->failure = g_strdup_printf ("the model has no float tensor '%s'", name);
      return FALSE;
    }
  want = fm_npy_read (path, &shape, MAX_NPY, &error);
  if (want == NULL)
    {
      cmp->failure = g_strdup (error->message);
      return FALSE;
    }
  mismatch = shape_mismatch (json_object_get_array_member (t, "shape"), &shape);
  if (mismatch == NULL && !fm_shape_equal (&shape, &model->values[id].shape))
    mismatch = g_strdup ("the engine's shape differs from the reference's");
  if (mismatch != NULL)
    {
      cmp->failure = g_strdup_printf ("tensor '%s': %s", name, mismatch);
      return FALSE;
    }

  actual = fm_run_value_data (run, id);
  for (gsize k = 0; k < model->values[id].numel; k++)
    {
      double diff = fabs ((double) actual[k] - (double) want[k]);
      if (!(diff <= tensor_worst))
        tensor_worst = diff;
    }
  cmp->n_compared++;
  if (!(tensor_worst <= cmp->worst))
    {
      cmp->worst = tensor_worst;
      g_free (cmp->worst_name);
      cmp->worst_name = g_strdup (name);
    }
  if (!(tensor_worst <= TOLERANCE) && cmp->n_over++ == 0)
    cmp->failure = g_strdup_printf ("tensor '%s' differs from PyTorch by %g (tolerance %g)",
                                    name, tensor_worst, TOLERANCE);
  return TRUE;
}

/* Loads and runs the fixture in @dir and compares every listed tensor,
 * going on past tensors over the tolerance so the largest difference is
 * the model's. */
static void
compare_fixture (const char *dir,
                 Comparison *cmp)
{
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

  if (!json_parser_load_from_file (parser, manifest_path, &error))
    goto failed;
  root = json_node_get_object (json_parser_get_root (parser));
  tensors = json_object_get_array_member (root, "tensors");
  g_assert_cmpuint (json_array_get_length (tensors), >, 0);

  model = fm_model_load_file (model_path, NULL, &error);
  if (model == NULL)
    goto failed;
  g_assert_cmpuint (model->n_inputs, ==, 1);

  input_path = g_build_filename (dir, json_object_get_string_member (root, "input"), NULL);
  input = fm_npy_read (input_path, &input_shape, MAX_NPY, &error);
  if (input == NULL)
    goto failed;
  g_assert_true (fm_shape_equal (&input_shape, &model->values[model->inputs[0]].shape));

  run = fm_run_new (model, &error);
  if (run == NULL)
    goto failed;
  memcpy (fm_run_input_data (run, 0), input,
          model->values[model->inputs[0]].numel * sizeof (float));
  if (!fm_run_execute (run, NULL, &error))
    goto failed;

  for (guint i = 0; i < json_array_get_length (tensors); i++)
    if (!compare_tensor (dir, model, run, json_array_get_object_element (tensors, i), cmp))
      return;
  return;

failed:
  cmp->failure = g_strdup (error->message);
}

/* "pytorch/lenet" for .../fixtures/pytorch/lenet */
static char *
fixture_label (const char *dir)
{
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autofree char *group = g_path_get_basename (parent);
  g_autofree char *name = g_path_get_basename (dir);

  return g_strconcat (group, "/", name, NULL);
}

/* One line per fixture folder, passed or not (with --verbose, and in the
 * TAP log meson keeps), so a tree shows how far each model matches. */
static void
test_reference (gconstpointer data)
{
  const char *dir = data;
  g_autofree char *label = fixture_label (dir);
  g_auto(Comparison) cmp = { 0, };

  compare_fixture (dir, &cmp);
  if (cmp.n_compared > 0)
    g_test_message ("%s: %u tensors compared; largest difference %.3g (%s); %u over %g",
                    label, cmp.n_compared, cmp.worst, cmp.worst_name, cmp.n_over, TOLERANCE);
  if (cmp.failure != NULL)
    g_test_fail_printf ("%s: %s", label, cmp.failure);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
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
  g_ptr_array_sort (names, compare_names);

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
  g_autofree char **args = g_new0 (char *, argc + 2);
  int n_args = 0;
  guint n;

  /* Every folder runs even when one fails (GLib stops at the first failed
   * test without --keep-going), so the log has a line for each model. */
  args[n_args++] = argv[0];
  args[n_args++] = (char *) "--keep-going";
  for (int i = 1; i < argc; i++)
    args[n_args++] = argv[i];
  argv = args;
  argc = n_args;
  g_test_init (&argc, &argv, NULL);
  n = add_fixtures (pytorch, "/engine/reference/pytorch");
  n += add_fixtures (mnist, "/engine/reference/mnist");
  if (n == 0)
    g_error ("no reference fixtures found below %s", FM_TEST_SRCDIR);
  return g_test_run ();
}
