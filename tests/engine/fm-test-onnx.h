/* fm-test-onnx.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ONNX bytes for engine tests, written with fm-test-pb.h and the field
 * names of fm-onnx-fields.h, and the decoding steps the tests share.
 * Builders return a new GByteArray; decoders assert success unless they
 * take a GError.
 */
#pragma once

#include <glib.h>

#include "fm-model.h"
#include "fm-onnx-fields.h"
#include "fm-onnx-proto.h"
#include "fm-test-pb.h"

G_BEGIN_DECLS

FmOnnxModel  *fm_test_decode          (GByteArray         *b,
                                       const FmOnnxLimits *limits,
                                       GError            **error);
/* fm_test_decode (@b, @limits) succeeds: the model. */
FmOnnxModel  *fm_test_decode_ok       (GByteArray         *b,
                                       const FmOnnxLimits *limits);
/* fm_test_decode (@b, @limits) fails with FM_ERROR @code and a message
 * holding @fragment. */
void          fm_test_decode_fails    (GByteArray         *b,
                                       const FmOnnxLimits *limits,
                                       int                 code,
                                       const char         *fragment);
/* A lone TensorProto; @b must outlive it (raw_data points into it). */
FmOnnxTensor *fm_test_decode_tensor   (GByteArray         *b);

/* ModelProto {ir_version 8, graph}. */
GByteArray   *fm_test_wrap_graph      (GByteArray         *graph);
/* The same around a graph of one node. */
GByteArray   *fm_test_wrap_node       (GByteArray         *node);

/* NodeProto {input... (NULL-terminated), output, name, op_type}; append
 * attributes before adding it to a graph. */
GByteArray   *fm_test_node            (const char         *op_type,
                                       const char         *name,
                                       const char *const  *inputs,
                                       const char         *output);
/* Appends AttributeProto {name, ints (packed), type INTS} to @node. */
void          fm_test_attr_ints       (GByteArray         *node,
                                       const char         *name,
                                       const gint64       *v,
                                       gsize               n);
/* Appends AttributeProto {name, i, type INT} to @node. */
void          fm_test_attr_int        (GByteArray         *node,
                                       const char         *name,
                                       gint64              v);
/* ValueInfoProto {name, type.tensor_type {elem_type FLOAT, shape}}, a
 * negative dim written as a dim_param ("batch" on axis 0, else "size");
 * with @rank < 0 only the name. */
GByteArray   *fm_test_value_info      (const char         *name,
                                       const gint64       *dims,
                                       int                 rank);
/* Appends an initializer TensorProto {dims, FLOAT, name, raw_data} of
 * @rank dims @dims to @graph. */
void          fm_test_initializer     (GByteArray         *graph,
                                       const char         *name,
                                       const gint64       *dims,
                                       int                 rank,
                                       const float        *data);
/* ModelProto {ir_version 8, opset_import {"" 13}, graph, metadata_props
 * from @meta (key, value, ..., NULL)}. */
GByteArray   *fm_test_model_bytes     (GByteArray         *graph,
                                       const char        **meta);
/* Names @graph, adds its input and output (value infos) and makes the
 * model bytes, without metadata. */
GByteArray   *fm_test_graph_model_bytes (GByteArray       *graph,
                                         const char       *name,
                                         GByteArray       *input,
                                         GByteArray       *output);
/* Relu: x [1, 1, h, w] -> y, plus the initializer w [2, 2] (16 bytes)
 * added to x when @with_weight (Add (Relu (x), w)). */
GByteArray   *fm_test_relu_model      (gint64              h,
                                       gint64              w,
                                       gboolean            with_weight,
                                       const char        **meta);
/* Relu: x [batch, 1, size, size] -> y (an export with dynamic axes:
 * symbolic batch, height and width), named @name, without metadata. */
GByteArray   *fm_test_dynamic_relu_model (const char *name);
/* fm_test_relu_model (2, 2, TRUE, NULL) with w's values in the external
 * data file @location (16 bytes, beside the model). */
GByteArray   *fm_test_relu_external_model (const char *location);
/* Loads @model as "limits.onnx" with @budget (0: the default) and
 * @limits (NULL: the defaults). */
FmModel      *fm_test_load            (GByteArray         *model,
                                       gsize               budget,
                                       const FmOnnxLimits *limits,
                                       GError            **error);

/* A FLOAT tensor @name of shape [@n] whose data_location is EXTERNAL,
 * with the external_data entries that are not NULL. */
FmOnnxTensor *fm_test_external_tensor (const char         *name,
                                       gint64              n,
                                       const char         *location,
                                       const char         *offset,
                                       const char         *length);

G_END_DECLS
