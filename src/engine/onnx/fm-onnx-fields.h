/* fm-onnx-fields.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The field numbers of the onnx.proto messages the decoder reads, named
 * FM_ONNX_<MESSAGE>_<FIELD>, for the decoder's field tables and for tests
 * that write models by hand. Fields the decoder skips are listed where
 * tests write them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

enum
{
  /* ModelProto */
  FM_ONNX_MODEL_IR_VERSION = 1,
  FM_ONNX_MODEL_PRODUCER_NAME = 2,
  FM_ONNX_MODEL_PRODUCER_VERSION = 3,
  FM_ONNX_MODEL_DOMAIN = 4,
  FM_ONNX_MODEL_MODEL_VERSION = 5,
  FM_ONNX_MODEL_DOC_STRING = 6,
  FM_ONNX_MODEL_GRAPH = 7,
  FM_ONNX_MODEL_OPSET_IMPORT = 8,
  FM_ONNX_MODEL_METADATA_PROPS = 14,
  FM_ONNX_MODEL_TRAINING_INFO = 20,
  FM_ONNX_MODEL_FUNCTIONS = 25,

  /* OperatorSetIdProto */
  FM_ONNX_OPSET_DOMAIN = 1,
  FM_ONNX_OPSET_VERSION = 2,

  /* StringStringEntryProto (metadata_props, external_data) */
  FM_ONNX_ENTRY_KEY = 1,
  FM_ONNX_ENTRY_VALUE = 2,

  /* GraphProto */
  FM_ONNX_GRAPH_NODE = 1,
  FM_ONNX_GRAPH_NAME = 2,
  FM_ONNX_GRAPH_INITIALIZER = 5,
  FM_ONNX_GRAPH_DOC_STRING = 10,
  FM_ONNX_GRAPH_INPUT = 11,
  FM_ONNX_GRAPH_OUTPUT = 12,
  FM_ONNX_GRAPH_VALUE_INFO = 13,
  FM_ONNX_GRAPH_SPARSE_INITIALIZER = 15,

  /* NodeProto */
  FM_ONNX_NODE_INPUT = 1,
  FM_ONNX_NODE_OUTPUT = 2,
  FM_ONNX_NODE_NAME = 3,
  FM_ONNX_NODE_OP_TYPE = 4,
  FM_ONNX_NODE_ATTRIBUTE = 5,
  FM_ONNX_NODE_DOC_STRING = 6,
  FM_ONNX_NODE_DOMAIN = 7,

  /* AttributeProto */
  FM_ONNX_ATTRIBUTE_NAME = 1,
  FM_ONNX_ATTRIBUTE_F = 2,        /* fixed32 */
  FM_ONNX_ATTRIBUTE_I = 3,
  FM_ONNX_ATTRIBUTE_S = 4,
  FM_ONNX_ATTRIBUTE_T = 5,
  FM_ONNX_ATTRIBUTE_G = 6,
  FM_ONNX_ATTRIBUTE_FLOATS = 7,
  FM_ONNX_ATTRIBUTE_INTS = 8,
  FM_ONNX_ATTRIBUTE_STRINGS = 9,
  FM_ONNX_ATTRIBUTE_TENSORS = 10,
  FM_ONNX_ATTRIBUTE_GRAPHS = 11,
  FM_ONNX_ATTRIBUTE_TYPE = 20,

  /* TensorProto */
  FM_ONNX_TENSOR_DIMS = 1,
  FM_ONNX_TENSOR_DATA_TYPE = 2,
  FM_ONNX_TENSOR_FLOAT_DATA = 4,
  FM_ONNX_TENSOR_INT32_DATA = 5,
  FM_ONNX_TENSOR_STRING_DATA = 6,
  FM_ONNX_TENSOR_INT64_DATA = 7,
  FM_ONNX_TENSOR_NAME = 8,
  FM_ONNX_TENSOR_RAW_DATA = 9,
  FM_ONNX_TENSOR_DOUBLE_DATA = 10,
  FM_ONNX_TENSOR_UINT64_DATA = 11,
  FM_ONNX_TENSOR_EXTERNAL_DATA = 13,
  FM_ONNX_TENSOR_DATA_LOCATION = 14,

  /* ValueInfoProto */
  FM_ONNX_VALUE_INFO_NAME = 1,
  FM_ONNX_VALUE_INFO_TYPE = 2,
  FM_ONNX_VALUE_INFO_DOC_STRING = 3,

  /* TypeProto (sequences, maps... are skipped) */
  FM_ONNX_TYPE_TENSOR_TYPE = 1,
  FM_ONNX_TYPE_DENOTATION = 6,

  /* TypeProto.Tensor */
  FM_ONNX_TENSOR_TYPE_ELEM_TYPE = 1,
  FM_ONNX_TENSOR_TYPE_SHAPE = 2,

  /* TensorShapeProto and its Dimension (dim_value and dim_param are a
   * oneof) */
  FM_ONNX_SHAPE_DIM = 1,
  FM_ONNX_DIM_VALUE = 1,
  FM_ONNX_DIM_PARAM = 2,
};

/* TensorProto.data_location */
#define FM_ONNX_DATA_LOCATION_EXTERNAL 1

G_END_DECLS
