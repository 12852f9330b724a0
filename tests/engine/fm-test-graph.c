/* fm-test-graph.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds FmOnnxModel structs in memory for engine tests, runs them and
 * checks their values (see fm-test-graph.h). The structs are only borrowed
 * by fm_model_build() and freed with the decoder's fm_onnx_model_free().
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-model-private.h"
#include "fm-test-graph.h"

FmTestGraph *
fm_test_graph_new (gint64 opset)
{
  FmTestGraph *g = g_new0 (FmOnnxModel, 1);
  FmOnnxOpset *import = g_new0 (FmOnnxOpset, 1);

  g->ir_version = 8;
  g->producer_name = g_strdup ("fm-test-graph");
  g->opset_imports = g_ptr_array_new ();
  import->domain = g_strdup ("");
  import->version = opset;
  g_ptr_array_add (g->opset_imports, import);
  g->graph = g_new0 (FmOnnxGraph, 1);
  g->graph->name = g_strdup ("test");
  g->graph->nodes = g_ptr_array_new ();
  g->graph->initializers = g_ptr_array_new ();
  g->graph->inputs = g_ptr_array_new ();
  g->graph->outputs = g_ptr_array_new ();
  g->graph->value_infos = g_ptr_array_new ();
  return g;
}

void
fm_test_graph_input (FmTestGraph  *g,
                     const char   *name,
                     int           rank,
                     const gint64 *dims)
{
  FmOnnxValueInfo *v = g_new0 (FmOnnxValueInfo, 1);

  g_assert_cmpint (rank, <=, FM_MAX_RANK);
  v->name = g_strdup (name);
  v->has_type = TRUE;
  v->elem_type = FM_ONNX_FLOAT;
  v->has_shape = TRUE;
  v->rank = rank;
  if (rank > 0)
    memcpy (v->dims, dims, rank * sizeof (gint64));
  g_ptr_array_add (g->graph->inputs, v);
}

void
fm_test_graph_output (FmTestGraph *g,
                      const char  *name)
{
  FmOnnxValueInfo *v = g_new0 (FmOnnxValueInfo, 1);

  v->name = g_strdup (name);
  g_ptr_array_add (g->graph->outputs, v);
}

static gsize
dims_numel (int           rank,
            const gint64 *dims)
{
  gsize n = 1;

  for (int i = 0; i < rank; i++)
    n *= dims[i];
  return n;
}

/* A new array holding a copy of the @n values of @elem_size bytes at @data. */
static GArray *
array_copy (gconstpointer data,
            guint         n,
            guint         elem_size)
{
  GArray *a = g_array_sized_new (FALSE, FALSE, elem_size, n);

  g_array_append_vals (a, data, n);
  return a;
}

static FmOnnxTensor *
tensor_new (const char   *name,
            int           data_type,
            int           rank,
            const gint64 *dims,
            gconstpointer data)
{
  FmOnnxTensor *t = g_new0 (FmOnnxTensor, 1);
  gsize n = dims_numel (rank, dims);

  g_assert_cmpint (rank, <=, FM_MAX_RANK);
  t->name = g_strdup (name);
  t->data_type = data_type;
  t->rank = rank;
  if (rank > 0)
    memcpy (t->dims, dims, rank * sizeof (gint64));
  if (data_type == FM_ONNX_FLOAT)
    t->float_data = array_copy (data, n, sizeof (float));
  else
    t->int64_data = array_copy (data, n, sizeof (gint64));
  return t;
}

void
fm_test_graph_float (FmTestGraph  *g,
                     const char   *name,
                     int           rank,
                     const gint64 *dims,
                     const float  *data)
{
  g_ptr_array_add (g->graph->initializers,
                   tensor_new (name, FM_ONNX_FLOAT, rank, dims, data));
}

void
fm_test_graph_int64 (FmTestGraph  *g,
                     const char   *name,
                     int           rank,
                     const gint64 *dims,
                     const gint64 *data)
{
  g_ptr_array_add (g->graph->initializers,
                   tensor_new (name, FM_ONNX_INT64, rank, dims, data));
}

void
fm_test_graph_batch_norm_params (FmTestGraph  *g,
                                 int           rank,
                                 const gint64 *dims,
                                 const float  *scale,
                                 const float  *shift,
                                 const float  *mean,
                                 const float  *var)
{
  fm_test_graph_float (g, "scale", rank, dims, scale);
  fm_test_graph_float (g, "shift", rank, dims, shift);
  fm_test_graph_float (g, "mean", rank, dims, mean);
  fm_test_graph_float (g, "var", rank, dims, var);
}

static GPtrArray *
split_names (const char *list)
{
  GPtrArray *arr = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = NULL;

  if (list == NULL || list[0] == '\0')
    return arr;
  parts = g_strsplit (list, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    g_ptr_array_add (arr, g_strdup (parts[i]));
  return arr;
}

FmOnnxNode *
fm_test_graph_node (FmTestGraph *g,
                    const char  *op_type,
                    const char  *inputs,
                    const char  *outputs)
{
  FmOnnxNode *n = g_new0 (FmOnnxNode, 1);

  n->op_type = g_strdup (op_type);
  n->name = g_strdup_printf ("%s_%u", op_type, g->graph->nodes->len);
  n->domain = g_strdup ("");
  n->inputs = split_names (inputs);
  n->outputs = split_names (outputs);
  n->attributes = g_ptr_array_new ();
  g_ptr_array_add (g->graph->nodes, n);
  return n;
}

void
fm_test_graph_outputs (FmTestGraph *g,
                       const char  *names)
{
  g_autoptr(GPtrArray) arr = split_names (names);

  for (guint i = 0; i < arr->len; i++)
    fm_test_graph_output (g, g_ptr_array_index (arr, i));
}

FmOnnxNode *
fm_test_graph_one_node (FmTestGraph  *g,
                        const char   *op_type,
                        const char   *inputs,
                        int           rank,
                        const gint64 *dims)
{
  FmOnnxNode *n;

  fm_test_graph_input (g, "x", rank, dims);
  n = fm_test_graph_node (g, op_type, inputs, "y");
  fm_test_graph_output (g, "y");
  return n;
}

static FmOnnxAttribute *
attr_new (FmOnnxNode *node,
          const char *name,
          int         type)
{
  FmOnnxAttribute *a = g_new0 (FmOnnxAttribute, 1);

  a->name = g_strdup (name);
  a->type = type;
  g_ptr_array_add (node->attributes, a);
  return a;
}

void
fm_test_node_int (FmOnnxNode *node,
                  const char *name,
                  gint64      value)
{
  attr_new (node, name, FM_ONNX_ATTR_INT)->i = value;
}

void
fm_test_node_float (FmOnnxNode *node,
                    const char *name,
                    float       value)
{
  attr_new (node, name, FM_ONNX_ATTR_FLOAT)->f = value;
}

void
fm_test_node_string (FmOnnxNode *node,
                     const char *name,
                     const char *value)
{
  FmOnnxAttribute *a = attr_new (node, name, FM_ONNX_ATTR_STRING);

  a->s = g_strdup (value);
  a->s_len = strlen (value);
}

void
fm_test_node_ints (FmOnnxNode   *node,
                   const char   *name,
                   guint         n,
                   const gint64 *values)
{
  attr_new (node, name, FM_ONNX_ATTR_INTS)->ints = array_copy (values, n, sizeof (gint64));
}

void
fm_test_node_floats (FmOnnxNode  *node,
                     const char  *name,
                     guint        n,
                     const float *values)
{
  attr_new (node, name, FM_ONNX_ATTR_FLOATS)->floats = array_copy (values, n, sizeof (float));
}

void
fm_test_node_float_tensor (FmOnnxNode   *node,
                           const char   *name,
                           int           rank,
                           const gint64 *dims,
                           const float  *data)
{
  attr_new (node, name, FM_ONNX_ATTR_TENSOR)->t =
    tensor_new (name, FM_ONNX_FLOAT, rank, dims, data);
}

void
fm_test_node_int64_tensor (FmOnnxNode   *node,
                           const char   *name,
                           int           rank,
                           const gint64 *dims,
                           const gint64 *data)
{
  attr_new (node, name, FM_ONNX_ATTR_TENSOR)->t =
    tensor_new (name, FM_ONNX_INT64, rank, dims, data);
}

FmModel *
fm_test_graph_build (FmTestGraph  *g,
                     GError      **error)
{
  FmModelOptions options;

  fm_model_options_init (&options);
  return fm_model_build (g, "test.onnx", NULL, &options, error);
}

FmModel *
fm_test_graph_build_ok (FmTestGraph *g)
{
  GError *error = NULL;
  FmModel *model = fm_test_graph_build (g, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

void
fm_test_graph_build_fails (FmTestGraph *g,
                           FmError      code,
                           const char  *fragment)
{
  g_autoptr(GError) error = NULL;
  FmModel *model = fm_test_graph_build (g, &error);

  g_assert_null (model);
  g_assert_error (error, FM_ERROR, (int) code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("message '%s' lacks '%s'", error->message, fragment);
  g_test_message ("refused as expected: %s", error->message);
}

gpointer
fm_test_run (FmModel             *model,
             const float * const *inputs,
             const char          *name,
             gsize               *n_out,
             GError             **error)
{
  return fm_test_run_threads (model, inputs, name, 1, n_out, error);
}

gpointer
fm_test_run_threads (FmModel             *model,
                     const float * const *inputs,
                     const char          *name,
                     guint                threads,
                     gsize               *n_out,
                     GError             **error)
{
  g_autoptr(FmRun) run = NULL;
  const FmValue *v;
  int id;

  id = fm_model_find_value (model, name);
  if (id < 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL, "no value '%s'", name);
      return NULL;
    }
  run = fm_run_new (model, error);
  if (run == NULL)
    return NULL;
  for (guint i = 0; i < model->n_inputs; i++)
    {
      const FmValue *in = &model->values[model->inputs[i]];

      /* an empty input has no data (and may be given as NULL) */
      if (in->numel > 0)
        memcpy (fm_run_input_data (run, i), inputs[i], in->numel * sizeof (float));
    }
  fm_run_set_threads (run, threads);
  if (!fm_run_execute (run, NULL, error))
    return NULL;
  v = &model->values[id];
  *n_out = v->numel;
  return g_memdup2 (fm_run_value_data (run, id), v->numel * fm_dtype_size (v->dtype));
}

gpointer
fm_test_run_ok (FmModel             *model,
                const float * const *inputs,
                const char          *name,
                gsize               *n_out)
{
  return fm_test_run_threads_ok (model, inputs, name, 1, n_out);
}

gpointer
fm_test_run_threads_ok (FmModel             *model,
                        const float * const *inputs,
                        const char          *name,
                        guint                threads,
                        gsize               *n_out)
{
  GError *error = NULL;
  gpointer out = fm_test_run_threads (model, inputs, name, threads, n_out, &error);

  g_assert_no_error (error);
  return out;
}

/* The value @name of @model, asserting that there is one. */
static const FmValue *
find_value (FmModel    *model,
            const char *name)
{
  int id = fm_model_find_value (model, name);

  if (id < 0)
    g_error ("no value '%s'", name);
  return &model->values[id];
}

void
fm_test_assert_shape (FmModel      *model,
                      const char   *name,
                      int           rank,
                      const gint64 *dims)
{
  const FmValue *v = find_value (model, name);

  g_assert_cmpint (v->shape.rank, ==, rank);
  for (int i = 0; i < rank; i++)
    g_assert_cmpint (v->shape.dims[i], ==, dims[i]);
}

/* Runs @model on @inputs and returns a copy of value @name, asserting
 * that it holds @n_want elements of @dtype. */
static gpointer
run_checked (FmModel             *model,
             const float * const *inputs,
             const char          *name,
             FmDType              dtype,
             gsize                n_want)
{
  gpointer got;
  gsize n;

  g_assert_cmpint (find_value (model, name)->dtype, ==, dtype);
  got = fm_test_run_ok (model, inputs, name, &n);
  g_assert_cmpuint (n, ==, n_want);
  return got;
}

void
fm_test_check_floats (FmModel             *model,
                      const float * const *inputs,
                      const char          *name,
                      float                atol,
                      float                rtol,
                      const float         *want,
                      gsize                n_want)
{
  g_autofree float *got = run_checked (model, inputs, name, FM_DTYPE_FLOAT, n_want);

  for (gsize i = 0; i < n_want; i++)
    {
      float g = got[i], w = want[i];

      if (g == w || (isnan (g) && isnan (w)) ||
          (isfinite (w) && fabsf (g - w) <= MAX (atol, rtol * fabsf (w))))
        continue;
      g_error ("%s[%" G_GSIZE_FORMAT "]: got %.9g, want %.9g", name, i, g, w);
    }
}

void
fm_test_check_int64s (FmModel             *model,
                      const float * const *inputs,
                      const char          *name,
                      const gint64        *want,
                      gsize                n_want)
{
  g_autofree gint64 *got = run_checked (model, inputs, name, FM_DTYPE_INT64, n_want);

  for (gsize i = 0; i < n_want; i++)
    if (got[i] != want[i])
      g_error ("%s[%" G_GSIZE_FORMAT "]: got %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT,
               name, i, got[i], want[i]);
}

void
fm_test_graph_check_y (FmTestGraph         *g,
                       const float * const *inputs,
                       int                  rank,
                       const gint64        *dims,
                       float                atol,
                       const float         *want,
                       gsize                n_want)
{
  g_autoptr(FmModel) model = fm_test_graph_build_ok (g);

  fm_test_assert_shape (model, "y", rank, dims);
  fm_test_check_floats (model, inputs, "y", atol, 0, want, n_want);
}

int
fm_test_model_producer (FmModel    *model,
                        const char *value)
{
  int id = fm_model_find_value (model, value);

  return id < 0 ? -1 : model->values[id].producer;
}

gboolean
fm_test_model_in_plan (FmModel *model,
                       int      node)
{
  for (guint k = 0; k < model->n_plan; k++)
    if ((int) model->plan[k] == node)
      return TRUE;
  return FALSE;
}
