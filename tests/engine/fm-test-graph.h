/* fm-test-graph.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test helper: builds decoded ONNX models (FmOnnxModel) in memory, a few
 * nodes at a time, hands them to fm_model_build() and runs them, and
 * asserts what the op tests share: a graph refused with an error code and
 * message, a value's shape and type, its floats within a tolerance, its
 * int64s exactly. It owns every struct it makes and frees them with
 * fm_onnx_model_free(); it does no decoding of its own (that is what the
 * tests exercise).
 */
#pragma once

#include <glib.h>

#include "fm-model.h"
#include "fm-onnx-proto.h"
#include "fm-run.h"

G_BEGIN_DECLS

/* A decoded model being built. Its structs are laid out as the decoder
 * leaves them (strings, arrays and sub-messages on the heap, arrays of
 * messages without a free function), so the decoder's own
 * fm_onnx_model_free() frees it. */
typedef FmOnnxModel FmTestGraph;

/* A rank and dims in one argument: FM_DIMS (1, 3, 28, 28). */
#define FM_DIMS(...) \
  (sizeof ((const gint64[]) { __VA_ARGS__ }) / sizeof (gint64)), ((const gint64[]) { __VA_ARGS__ })

/* Wanted values and their count in one argument, for the checks below:
 * FM_FLOATS (0.5f, 8), FM_INT64S (2, -1). */
#define FM_FLOATS(...) \
  ((const float[]) { __VA_ARGS__ }), (sizeof ((const float[]) { __VA_ARGS__ }) / sizeof (float))
#define FM_INT64S(...) \
  ((const gint64[]) { __VA_ARGS__ }), (sizeof ((const gint64[]) { __VA_ARGS__ }) / sizeof (gint64))

/* The float inputs of a run, in the order of the graph's inputs:
 * FM_INPUTS (x), FM_INPUTS (a, x). */
#define FM_INPUTS(...) ((const float * const[]) { __VA_ARGS__ })

FmTestGraph *fm_test_graph_new          (gint64             opset);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmTestGraph, fm_onnx_model_free)

/* A float graph input with a fixed shape. */
void         fm_test_graph_input        (FmTestGraph       *g,
                                         const char        *name,
                                         int                rank,
                                         const gint64      *dims);
void         fm_test_graph_output       (FmTestGraph       *g,
                                         const char        *name);
/* The graph outputs of the comma-separated @names, in order ("a,b,c"). */
void         fm_test_graph_outputs      (FmTestGraph       *g,
                                         const char        *names);
/* Initializers, stored in float_data / int64_data. */
void         fm_test_graph_float        (FmTestGraph       *g,
                                         const char        *name,
                                         int                rank,
                                         const gint64      *dims,
                                         const float       *data);
void         fm_test_graph_int64        (FmTestGraph       *g,
                                         const char        *name,
                                         int                rank,
                                         const gint64      *dims,
                                         const gint64      *data);
/* The four parameters of a BatchNormalization as initializers "scale",
 * "shift", "mean" and "var", each of @rank / @dims: the node then reads
 * "X,scale,shift,mean,var". */
void         fm_test_graph_batch_norm_params (FmTestGraph  *g,
                                              int           rank,
                                              const gint64 *dims,
                                              const float  *scale,
                                              const float  *shift,
                                              const float  *mean,
                                              const float  *var);
/* @inputs and @outputs are comma-separated names; an empty name is an
 * omitted optional input ("x,,b"). The node belongs to the graph. */
FmOnnxNode  *fm_test_graph_node         (FmTestGraph       *g,
                                         const char        *op_type,
                                         const char        *inputs,
                                         const char        *outputs);
/* The graph of one @op_type node: float input "x" of @rank / @dims, the
 * node reading @inputs (x and what else they name) and writing output
 * "y". The node belongs to the graph. */
FmOnnxNode  *fm_test_graph_one_node     (FmTestGraph       *g,
                                         const char        *op_type,
                                         const char        *inputs,
                                         int                rank,
                                         const gint64      *dims);

void         fm_test_node_int           (FmOnnxNode        *node,
                                         const char        *name,
                                         gint64             value);
void         fm_test_node_float         (FmOnnxNode        *node,
                                         const char        *name,
                                         float              value);
void         fm_test_node_string        (FmOnnxNode        *node,
                                         const char        *name,
                                         const char        *value);
void         fm_test_node_ints          (FmOnnxNode        *node,
                                         const char        *name,
                                         guint              n,
                                         const gint64      *values);
void         fm_test_node_floats        (FmOnnxNode        *node,
                                         const char        *name,
                                         guint              n,
                                         const float       *values);
/* A TENSOR attribute (Constant value, ConstantOfShape value). */
void         fm_test_node_float_tensor  (FmOnnxNode        *node,
                                         const char        *name,
                                         int                rank,
                                         const gint64      *dims,
                                         const float       *data);
void         fm_test_node_int64_tensor  (FmOnnxNode        *node,
                                         const char        *name,
                                         int                rank,
                                         const gint64      *dims,
                                         const gint64      *data);

/* fm_model_build() on the graph, named "test.onnx" in messages. */
FmModel     *fm_test_graph_build        (FmTestGraph       *g,
                                         GError           **error);
/* The same, asserting that it succeeds. */
FmModel     *fm_test_graph_build_ok     (FmTestGraph       *g);
/* The same, asserting that the graph is refused: no model, an error
 * @code of FM_ERROR and, unless @fragment is NULL, a message that
 * contains @fragment. */
void         fm_test_graph_build_fails  (FmTestGraph       *g,
                                         FmError            code,
                                         const char        *fragment);

/* Runs @model with @inputs[i] copied to input i, and returns a copy of
 * value @name (any value: input, constant, activation) and its element
 * count; NULL with an error on failure. */
gpointer     fm_test_run                (FmModel           *model,
                                         const float * const *inputs,
                                         const char        *name,
                                         gsize             *n_out,
                                         GError           **error);

/* The same with a run of @threads kernel threads. */
gpointer     fm_test_run_threads        (FmModel           *model,
                                         const float * const *inputs,
                                         const char        *name,
                                         guint              threads,
                                         gsize             *n_out,
                                         GError           **error);
/* fm_test_run(), asserting that it succeeds. */
gpointer     fm_test_run_ok             (FmModel           *model,
                                         const float * const *inputs,
                                         const char        *name,
                                         gsize             *n_out);
/* fm_test_run_threads(), asserting that it succeeds. */
gpointer     fm_test_run_threads_ok     (FmModel           *model,
                                         const float * const *inputs,
                                         const char        *name,
                                         guint              threads,
                                         gsize             *n_out);

/* Asserts that @model has a value @name of shape @rank / @dims. */
void         fm_test_assert_shape       (FmModel           *model,
                                         const char        *name,
                                         int                rank,
                                         const gint64      *dims);

/* Runs @model on @inputs and asserts that value @name is a float value of
 * @n_want elements, each equal to @want's, within @atol of it, or within
 * @rtol * |want| (for results of exp, log and the like, whose rounding
 * grows with their size). A wanted infinity is matched only by itself, a
 * wanted NaN by any NaN. */
void         fm_test_check_floats       (FmModel           *model,
                                         const float * const *inputs,
                                         const char        *name,
                                         float              atol,
                                         float              rtol,
                                         const float       *want,
                                         gsize              n_want);
/* The same for an int64 value (BOOL included), compared exactly. */
void         fm_test_check_int64s       (FmModel           *model,
                                         const float * const *inputs,
                                         const char        *name,
                                         const gint64      *want,
                                         gsize              n_want);
/* Builds @g and checks its output "y" on @inputs: its shape @rank / @dims,
 * and its values within @atol (fm_test_check_floats()). */
void         fm_test_graph_check_y      (FmTestGraph       *g,
                                         const float * const *inputs,
                                         int                rank,
                                         const gint64      *dims,
                                         float              atol,
                                         const float       *want,
                                         gsize              n_want);

/* Index of the node producing @value, or -1. */
int          fm_test_model_producer     (FmModel           *model,
                                         const char        *value);
gboolean     fm_test_model_in_plan      (FmModel           *model,
                                         int                node);

G_END_DECLS
