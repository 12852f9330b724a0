/* test-conformance.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the ONNX node tests shipped by Debian's libonnx-testdata
 * (data/node/<test>/model.onnx with test_data_set_N/input_K.pb and
 * output_K.pb, produced by the ONNX project's reference implementation)
 * through the whole engine: decode, load, run, compare every output within
 * rtol 1e-4, atol 1e-5 (|a - b| <= atol + rtol * |b|; NaN equals NaN).
 *
 * Non-float graph inputs (shapes, indices, axes) and float scalars
 * (Clip's min / max, Pad's constant_value) are bound as constants through
 * FmModelOptions.bind_inputs; other float inputs are written into the
 * run. The test data stores BFLOAT16 tensors as UINT16; they are read as
 * the type the graph declares. A model whose load fails with FM_ERROR_UNSUPPORTED_OP or
 * FM_ERROR_UNSUPPORTED_ATTRIBUTE is skipped, and so is any model using an
 * op type outside fm-ops.def; every other failure is a failure. The test
 * fails if any model fails or fewer than 150 pass.
 *
 * The same runs over the package's other two folders of that layout:
 * pytorch-converted (PyTorch's nn modules, exported at opset 6 with their
 * outputs computed by PyTorch) and pytorch-operator (single torch
 * operators, opset 6). Each folder is its own test with its own count.
 *
 * FM_ONNX_TESTDATA overrides the folder holding those three folders
 * (default /usr/share/libonnx-testdata/data); a test is skipped when its
 * folder is absent.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-error.h"
#include "fm-model.h"
#include "fm-onnx-proto.h"
#include "fm-run.h"
#include "fm-tensor.h"

#define DEFAULT_DATA_DIR "/usr/share/libonnx-testdata/data"
#define RTOL 1e-4
#define ATOL 1e-5

/* The op types the engine implements, from the one list. */
#define FM_OP(Name, name) #Name,
static const char *const supported_ops[] = {
#include "fm-ops.def"
};
#undef FM_OP

typedef enum
{
  RESULT_PASS,
  RESULT_FAIL,
  RESULT_SKIP,
} Result;

typedef struct
{
  guint       n_ran;
  guint       n_passed;
  guint       n_failed;
  guint       n_skipped;
  GHashTable *skip_reasons;  /* reason -> GPtrArray of test names */
  GPtrArray  *failures;      /* "test: why" */
} Summary;

static gboolean
op_supported (const FmOnnxNode *node)
{
  if (node->domain != NULL && node->domain[0] != '\0'
      && strcmp (node->domain, "ai.onnx") != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (supported_ops); i++)
    if (node->op_type != NULL && strcmp (node->op_type, supported_ops[i]) == 0)
      return TRUE;
  return FALSE;
}

/* NULL when every op is in fm-ops.def, else the first one that is not. */
static const FmOnnxNode *
first_unsupported_node (const FmOnnxModel *proto)
{
  for (guint i = 0; i < proto->graph->nodes->len; i++)
    {
      const FmOnnxNode *node = g_ptr_array_index (proto->graph->nodes, i);

      if (!op_supported (node))
        return node;
    }
  return NULL;
}

/* Tests whose expected data this version of the test data got from a rule
 * that the ONNX spec and ONNX Runtime have since replaced. Each is skipped
 * with its reason printed, never silently. */
#define WINDOW_DATA \
  "the data's window values are off the formula by up to 7e-5 (0.34556 where " \
  "0.5 - 0.5 cos (2 pi 8 / 10) = 0.34549); ours match the formula in float32"

static const struct
{
  const char *test;
  const char *reason;
} known_divergences[] = {
  { "test_blackmanwindow_expanded", WINDOW_DATA },
  { "test_blackmanwindow_symmetric_expanded", WINDOW_DATA },
  { "test_hammingwindow_expanded", WINDOW_DATA },
  { "test_hammingwindow_symmetric_expanded", WINDOW_DATA },
  { "test_hannwindow_expanded", WINDOW_DATA },
  { "test_hannwindow_symmetric_expanded", WINDOW_DATA },
  { "test_cast_FLOAT_to_BFLOAT16",
    "the data truncates float32 to bfloat16; we round to nearest even, as "
    "ONNX Runtime and current ONNX do (onnx/onnx#3876, #5004)" },
  { "test_castlike_FLOAT_to_BFLOAT16_expanded",
    "the data truncates float32 to bfloat16; we round to nearest even, as "
    "ONNX Runtime and current ONNX do (onnx/onnx#3876, #5004)" },
};

static const char *
known_divergence (const char *test)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_divergences); i++)
    if (g_str_equal (known_divergences[i].test, test))
      return known_divergences[i].reason;
  return NULL;
}

static void
add_skip (Summary    *s,
          const char *test,
          const char *reason)
{
  GPtrArray *names = g_hash_table_lookup (s->skip_reasons, reason);

  if (names == NULL)
    {
      names = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (s->skip_reasons, g_strdup (reason), names);
    }
  g_ptr_array_add (names, g_strdup (test));
}

/* The loader's message with the model's path taken out, so that equal
 * reasons of different models group together. */
static char *
strip_path (const char *message,
            const char *path)
{
  g_autoptr(GString) s = g_string_new (message);

  g_string_replace (s, path, "", 0);
  while (s->len > 0 && (s->str[0] == ':' || s->str[0] == ' '))
    g_string_erase (s, 0, 1);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static FmOnnxTensor *
read_pb (const char  *path,
         GBytes     **bytes_out,
         GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len;
  FmOnnxTensor *t;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  /* raw_data points into the bytes, which must outlive the tensor */
  *bytes_out = g_bytes_new_take (g_steal_pointer (&contents), len);
  t = fm_onnx_tensor_decode (g_bytes_get_data (*bytes_out, NULL), len, NULL,
                             error);
  if (t == NULL)
    g_clear_pointer (bytes_out, g_bytes_unref);
  return t;
}

/* @elem_type is the graph's declared type for this value. The test data
 * stores BFLOAT16 tensors as UINT16 (numpy has no bfloat16); the bytes are
 * the same, so they are read as what the graph declares. */
static FmConstTensor *
read_pb_const (const char  *path,
               int          elem_type,
               GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FmOnnxTensor) t = read_pb (path, &bytes, error);

  if (t == NULL)
    return NULL;
  if (elem_type == FM_ONNX_BFLOAT16 && t->data_type == FM_ONNX_UINT16)
    t->data_type = FM_ONNX_BFLOAT16;
  return fm_onnx_tensor_to_const (t, NULL, (gsize) 1 << 30, error);
}

static const char *
error_code_name (const GError *error)
{
  static const char *const names[] = {
    "INVALID_MODEL", "UNSUPPORTED_OP", "UNSUPPORTED_ATTRIBUTE", "SHAPE",
    "IO", "LIMIT", "INVALID_INPUT",
  };

  if (error->domain == FM_ERROR && error->code >= 0
      && error->code < (int) G_N_ELEMENTS (names))
    return names[error->code];
  return "other";
}

/* "[SHAPE] node 'x' ...": the loader's message without the model's path,
 * so that equal reasons of different models group together. */
static char *
describe_error (const GError *error,
                const char   *path)
{
  g_autofree char *msg = strip_path (error->message, path);

  return g_strdup_printf ("[%s] %s", error_code_name (error), msg);
}

static double
element (FmDType       dtype,
         gconstpointer data,
         gsize         i)
{
  if (dtype == FM_DTYPE_FLOAT)
    return ((const float *) data)[i];
  return (double) ((const gint64 *) data)[i];
}

/* Compares one output; on a mismatch returns a description. */
static char *
compare_output (const char          *name,
                const FmValue       *value,
                gconstpointer        got,
                const FmConstTensor *expect)
{
  double worst = 0.0;
  gsize worst_i = 0;
  gsize n_bad = 0;

  if (!fm_shape_equal (&value->shape, &expect->shape))
    {
      g_autofree char *a = fm_shape_to_string (&value->shape);
      g_autofree char *b = fm_shape_to_string (&expect->shape);

      return g_strdup_printf ("output '%s' has shape %s, expected %s", name,
                              a, b);
    }
  if (got == NULL)
    return g_strdup_printf ("output '%s' has no data", name);

  for (gsize i = 0; i < expect->numel; i++)
    {
      double a = element (value->dtype, got, i);
      double b = element (expect->dtype, expect->data, i);
      double diff;

      if ((isnan (a) && isnan (b)) || a == b)
        continue;
      diff = fabs (a - b);
      if (isnan (diff) || diff > ATOL + RTOL * fabs (b))
        {
          if (n_bad == 0 || isnan (diff) || diff > worst)
            {
              worst = isnan (diff) ? INFINITY : diff;
              worst_i = i;
            }
          n_bad++;
        }
    }

  if (n_bad == 0)
    return NULL;
  return g_strdup_printf ("output '%s': %" G_GSIZE_FORMAT " of %"
                          G_GSIZE_FORMAT " values differ; worst at %"
                          G_GSIZE_FORMAT ": got %.9g, expected %.9g", name,
                          n_bad, expect->numel, worst_i,
                          element (value->dtype, got, worst_i),
                          element (expect->dtype, expect->data, worst_i));
}

static gboolean
is_initializer (const FmOnnxGraph *g,
                const char        *name)
{
  for (guint i = 0; i < g->initializers->len; i++)
    {
      const FmOnnxTensor *t = g_ptr_array_index (g->initializers, i);

      if (t->name != NULL && strcmp (t->name, name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Float inputs that a node reads as parameters known at load rather than
 * as an image: Resize's roi and scales, Upsample's scales. */
static const struct
{
  const char *op_type;
  guint       input;
} float_params[] = {
  { "Resize", 1 }, { "Resize", 2 }, { "Upsample", 1 },
};

static gboolean
is_float_param (const FmOnnxGraph *g,
                const char        *name)
{
  for (guint i = 0; i < g->nodes->len; i++)
    {
      const FmOnnxNode *node = g_ptr_array_index (g->nodes, i);

      for (guint k = 0; k < G_N_ELEMENTS (float_params); k++)
        if (g_strcmp0 (node->op_type, float_params[k].op_type) == 0
            && float_params[k].input < node->inputs->len
            && strcmp (g_ptr_array_index (node->inputs, float_params[k].input),
                       name) == 0)
          return TRUE;
    }
  return FALSE;
}

/* Runs one test_data_set folder. Returns RESULT_PASS, or sets *why. */
static Result
run_data_set (const char        *model_path,
              const FmOnnxModel *proto,
              const char        *set_dir,
              gboolean           all_supported,
              char             **why)
{
  const FmOnnxGraph *g = proto->graph;
  g_autoptr(GHashTable) bound = g_hash_table_new_full (g_str_hash,
                                                       g_str_equal, NULL,
                                                       (GDestroyNotify) fm_const_tensor_free);
  g_autoptr(GPtrArray) float_inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_const_tensor_free);
  g_autoptr(GPtrArray) float_names = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmRun) run = NULL;
  FmModelOptions options;
  guint k = 0;

  /* input_K.pb belongs to the K-th graph input that is not an
   * initializer */
  for (guint i = 0; i < g->inputs->len; i++)
    {
      const FmOnnxValueInfo *info = g_ptr_array_index (g->inputs, i);
      g_autofree char *pb = NULL;
      FmConstTensor *c;

      if (info->name == NULL || is_initializer (g, info->name))
        continue;
      pb = g_strdup_printf ("%s/input_%u.pb", set_dir, k++);
      if (!info->has_type)
        {
          /* sequence, map or optional: the .pb is not a TensorProto */
          *why = g_strdup ("a graph input is not a tensor (sequence, map"
                           " or optional type)");
          return RESULT_SKIP;
        }
      if (!g_file_test (pb, G_FILE_TEST_EXISTS))
        continue; /* the loader must then want no data for it */
      c = read_pb_const (pb, info->elem_type, &error);
      if (c == NULL)
        {
          if (!g_error_matches (error, FM_ERROR,
                                FM_ERROR_UNSUPPORTED_ATTRIBUTE))
            {
              *why = g_strdup_printf ("input_%u.pb: %s", k - 1,
                                      error->message);
              return all_supported ? RESULT_FAIL : RESULT_SKIP;
            }
          /* e.g. STRING data: leave it unbound; the loader must refuse
           * the input or the model fails below for lack of data */
          g_clear_error (&error);
          continue;
        }
      /* Non-float inputs, float scalars (Clip's min / max, Pad's
       * constant_value) and the float parameters above are parameters
       * rather than images: bind them. */
      if (info->elem_type != FM_ONNX_FLOAT || c->shape.rank == 0
          || is_float_param (g, info->name))
        g_hash_table_insert (bound, info->name, c);
      else if (info->has_shape && info->rank == c->shape.rank
               && memcmp (info->dims, c->shape.dims,
                          sizeof (gint64) * c->shape.rank) == 0)
        {
          g_ptr_array_add (float_inputs, c);
          g_ptr_array_add (float_names, info->name);
        }
      else
        {
          /* a fixed declared shape that the data contradicts (some
           * CastLike tests), or a symbolic one the loader would fix */
          FmShape declared = { info->has_shape ? info->rank : 0, { 0 } };
          g_autofree char *a = NULL;
          g_autofree char *b = fm_shape_to_string (&c->shape);

          memcpy (declared.dims, info->dims, sizeof declared.dims);
          a = fm_shape_to_string (&declared);
          fm_const_tensor_free (c);
          *why = g_strdup_printf ("the data's input shape differs from the"
                                  " model's declaration (%s vs %s)", b, a);
          return RESULT_SKIP;
        }
    }

  fm_model_options_init (&options);
  options.bind_inputs = bound;
  model = fm_model_load_file (model_path, &options, &error);
  if (model == NULL)
    {
      *why = describe_error (error, model_path);
      if (g_error_matches (error, FM_ERROR, FM_ERROR_UNSUPPORTED_OP)
          || g_error_matches (error, FM_ERROR, FM_ERROR_UNSUPPORTED_ATTRIBUTE)
          || !all_supported)
        return RESULT_SKIP;
      return RESULT_FAIL;
    }

  run = fm_run_new (model, &error);
  if (run == NULL)
    {
      *why = describe_error (error, model_path);
      return RESULT_FAIL;
    }

  for (guint i = 0; i < float_inputs->len; i++)
    {
      const FmConstTensor *c = g_ptr_array_index (float_inputs, i);
      const char *name = g_ptr_array_index (float_names, i);
      int id = fm_model_find_value (model, name);
      gboolean found = FALSE;

      for (guint j = 0; id >= 0 && j < model->n_inputs; j++)
        if (model->inputs[j] == id)
          {
            const FmValue *v = &model->values[id];

            if (!fm_shape_equal (&v->shape, &c->shape))
              {
                g_autofree char *a = fm_shape_to_string (&v->shape);
                g_autofree char *b = fm_shape_to_string (&c->shape);

                *why = g_strdup_printf ("input '%s' has shape %s in the"
                                        " model but %s in the data", name,
                                        a, b);
                return RESULT_FAIL;
              }
            memcpy (fm_run_input_data (run, j), c->data,
                    c->numel * sizeof (float));
            found = TRUE;
          }
      if (!found)
        {
          *why = g_strdup_printf ("float input '%s' is not a model input",
                                  name);
          return RESULT_FAIL;
        }
    }
  for (guint j = 0; j < model->n_inputs; j++)
    {
      const char *name = model->values[model->inputs[j]].name;
      gboolean fed = FALSE;

      for (guint i = 0; i < float_names->len; i++)
        fed |= strcmp (name, g_ptr_array_index (float_names, i)) == 0;
      if (!fed)
        {
          *why = g_strdup_printf ("the model wants input '%s' but the test"
                                  " has no usable data for it", name);
          return RESULT_FAIL;
        }
    }

  if (!fm_run_execute (run, NULL, &error))
    {
      *why = describe_error (error, model_path);
      return RESULT_FAIL;
    }

  for (guint i = 0; i < g->outputs->len; i++)
    {
      const FmOnnxValueInfo *info = g_ptr_array_index (g->outputs, i);
      g_autofree char *pb = g_strdup_printf ("%s/output_%u.pb", set_dir, i);
      g_autoptr(FmConstTensor) expect = NULL;
      int id;

      expect = read_pb_const (pb, info->elem_type, &error);
      if (expect == NULL)
        {
          *why = g_strdup_printf ("%s: %s", pb, error->message);
          return RESULT_FAIL;
        }
      id = fm_model_find_value (model, info->name);
      if (id < 0)
        {
          *why = g_strdup_printf ("output '%s' is not in the model",
                                  info->name);
          return RESULT_FAIL;
        }
      *why = compare_output (info->name, &model->values[id],
                             fm_run_value_data (run, id), expect);
      if (*why != NULL)
        return RESULT_FAIL;
    }

  return RESULT_PASS;
}

static Result
run_test (const char  *dir,
          char       **why)
{
  g_autofree char *model_path = g_build_filename (dir, "model.onnx", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxModel) proto = NULL;
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func (g_free);
  const FmOnnxNode *unsupported;
  const char *entry;

  if (!g_file_get_contents (model_path, &contents, &len, &error))
    {
      *why = g_strdup (error->message);
      return RESULT_FAIL;
    }
  proto = fm_onnx_model_decode ((const guint8 *) contents, len, NULL, &error);
  if (proto == NULL)
    {
      *why = g_strdup_printf ("decoding failed: %s", error->message);
      return RESULT_FAIL;
    }
  if (proto->graph == NULL)
    {
      *why = g_strdup ("no graph");
      return RESULT_FAIL;
    }
  unsupported = first_unsupported_node (proto);

  d = g_dir_open (dir, 0, &error);
  if (d == NULL)
    {
      *why = g_strdup (error->message);
      return RESULT_FAIL;
    }
  while ((entry = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (entry, "test_data_set_"))
      g_ptr_array_add (sets, g_build_filename (dir, entry, NULL));
  g_ptr_array_sort (sets, (GCompareFunc) g_strcmp0);
  if (sets->len == 0)
    {
      *why = g_strdup ("no test_data_set folder");
      return RESULT_SKIP;
    }

  for (guint i = 0; i < sets->len; i++)
    {
      char *set_why = NULL;
      Result r = run_data_set (model_path, proto,
                               g_ptr_array_index (sets, i),
                               unsupported == NULL, &set_why);

      if (r != RESULT_PASS)
        {
          if (r == RESULT_SKIP && unsupported != NULL)
            {
              /* group by the op, not by each model's message */
              g_free (set_why);
              set_why = g_strdup_printf ("op %s%s%s is not in fm-ops.def",
                                         unsupported->domain != NULL
                                         && unsupported->domain[0] != '\0'
                                         ? unsupported->domain : "",
                                         unsupported->domain != NULL
                                         && unsupported->domain[0] != '\0'
                                         ? "." : "",
                                         unsupported->op_type != NULL
                                         ? unsupported->op_type : "?");
            }
          *why = set_why;
          return r;
        }
    }
  return RESULT_PASS;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  GHashTable *reasons = user_data;
  GPtrArray *na = g_hash_table_lookup (reasons, *(const char *const *) a);
  GPtrArray *nb = g_hash_table_lookup (reasons, *(const char *const *) b);

  if (na->len != nb->len)
    return na->len > nb->len ? -1 : 1;
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* A folder of the test data, and how many of its tests must pass at least
 * (so that a loader that skips everything cannot look green). */
typedef struct
{
  const char *folder;
  guint       min_passed;
} Suite;

static void
test_conformance (gconstpointer data)
{
  const Suite *suite = data;
  const char *env = g_getenv ("FM_ONNX_TESTDATA");
  g_autofree char *data_dir = g_build_filename (env != NULL && *env != '\0' ? env : DEFAULT_DATA_DIR,
                                                suite->folder, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) tests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) reasons = NULL;
  Summary s = { 0 };
  const char *entry;

  if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("ONNX test data not found; install libonnx-testdata or"
                   " set FM_ONNX_TESTDATA");
      return;
    }

  d = g_dir_open (data_dir, 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *dir = g_build_filename (data_dir, entry, NULL);
      g_autofree char *model = g_build_filename (dir, "model.onnx", NULL);

      if (g_file_test (model, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (tests, g_steal_pointer (&dir));
    }
  g_ptr_array_sort (tests, (GCompareFunc) g_strcmp0);

  s.skip_reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  s.failures = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < tests->len; i++)
    {
      const char *dir = g_ptr_array_index (tests, i);
      g_autofree char *name = g_path_get_basename (dir);
      g_autofree char *why = NULL;

      if (known_divergence (name) != NULL)
        {
          s.n_skipped++;
          add_skip (&s, name, known_divergence (name));
          continue;
        }
      switch (run_test (dir, &why))
        {
        case RESULT_PASS:
          s.n_ran++;
          s.n_passed++;
          break;
        case RESULT_FAIL:
          s.n_ran++;
          s.n_failed++;
          g_ptr_array_add (s.failures, g_strdup_printf ("%s: %s", name, why));
          break;
        case RESULT_SKIP:
          s.n_skipped++;
          add_skip (&s, name, why != NULL ? why : "?");
          break;
        default:
          g_assert_not_reached ();
        }
    }

  g_test_message ("conformance %s: %u ran, %u passed, %u failed, %u skipped", suite->folder,
                  s.n_ran, s.n_passed, s.n_failed, s.n_skipped);

  for (guint i = 0; i < s.failures->len; i++)
    g_test_message ("FAILED %s", (char *) g_ptr_array_index (s.failures, i));

  reasons = g_ptr_array_new ();
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, s.skip_reasons);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_ptr_array_add (reasons, key);
  }
  g_ptr_array_sort_with_data (reasons, compare_groups, s.skip_reasons);
  for (guint i = 0; i < reasons->len; i++)
    {
      const char *reason = g_ptr_array_index (reasons, i);
      GPtrArray *names = g_hash_table_lookup (s.skip_reasons, reason);
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint k = 0; k < names->len && k < 4; k++)
        g_string_append_printf (list, "%s%s", k > 0 ? ", " : "",
                                (char *) g_ptr_array_index (names, k));
      if (names->len > 4)
        g_string_append (list, ", ...");
      g_test_message ("skipped %u: %s (%s)", names->len, reason, list->str);
    }

  g_hash_table_unref (s.skip_reasons);
  g_ptr_array_unref (s.failures);

  g_assert_cmpuint (s.n_failed, ==, 0);
  g_assert_cmpuint (s.n_passed, >=, suite->min_passed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  static const Suite node = { "node", 611 };
  static const Suite converted = { "pytorch-converted", 82 };
  static const Suite operator = { "pytorch-operator", 35 };

  g_test_add_data_func ("/engine/conformance/onnx-node-tests", &node, test_conformance);
  g_test_add_data_func ("/engine/conformance/pytorch-converted", &converted, test_conformance);
  g_test_add_data_func ("/engine/conformance/pytorch-operator", &operator, test_conformance);

  return g_test_run ();
}
