/* fm-onnx-proto.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A bounded decoder for the subset of onnx.proto that a CNN viewer needs
 * (field numbers in fm-onnx-fields.h). It turns bytes into plain structs
 * that mirror the file format, and a TensorProto into a runtime constant
 * (fm-onnx-tensor.c); it does not check graphs or know about ops (that is
 * fm-model.c's job).
 *
 * Every limit (nesting depth, counts, rank) is checked before anything is
 * allocated for it. raw_data is not copied: FmPbBytes point into the
 * caller's buffer, which must outlive the structs.
 * Unknown fields are skipped; repeated numeric fields are accepted packed
 * and unpacked; a singular field seen twice keeps the last value.
 */
#pragma once

#include <glib.h>

#include "fm-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  guint max_depth;        /* message nesting, default 32 */
  guint max_nodes;        /* graph nodes, default 100000 */
  guint max_tensors;      /* initializers, default 100000 */
  guint max_attributes;   /* per node, default 1000 */
  guint max_strings;      /* node inputs/outputs per node, default 10000 */
} FmOnnxLimits;

void fm_onnx_limits_init_default (FmOnnxLimits *limits);

typedef struct
{
  const guint8 *data;
  gsize         len;
} FmPbBytes;

/* TensorProto.DataType values we may meet. */
enum
{
  FM_ONNX_FLOAT = 1, FM_ONNX_UINT8 = 2, FM_ONNX_INT8 = 3, FM_ONNX_UINT16 = 4,
  FM_ONNX_INT16 = 5, FM_ONNX_INT32 = 6, FM_ONNX_INT64 = 7, FM_ONNX_STRING = 8,
  FM_ONNX_BOOL = 9, FM_ONNX_FLOAT16 = 10, FM_ONNX_DOUBLE = 11,
  FM_ONNX_UINT32 = 12, FM_ONNX_UINT64 = 13, FM_ONNX_BFLOAT16 = 16,
};

/* "float32", "int64", ... for a DataType value; NULL for another. */
const char *fm_onnx_data_type_name (int data_type);

typedef struct
{
  char      *key;
  char      *value;
} FmOnnxStringPair;

typedef struct
{
  char      *name;
  int        data_type;
  int        rank;                 /* <= FM_MAX_RANK, else decoding fails */
  gint64     dims[FM_MAX_RANK];
  FmPbBytes  raw_data;             /* points into the input buffer */
  gboolean   has_raw_data;
  GArray    *float_data;           /* float, may be NULL */
  GArray    *int32_data;           /* gint32 (also FLOAT16/BFLOAT16 bits, BOOL, INT8...) */
  GArray    *int64_data;           /* gint64 */
  GArray    *double_data;          /* double */
  GArray    *uint64_data;          /* guint64 */
  guint      n_string_data;        /* strings are counted, not kept */
  GPtrArray *external_data;        /* FmOnnxStringPair*, may be NULL */
  int        data_location;        /* 1 = EXTERNAL */
} FmOnnxTensor;

enum
{
  FM_ONNX_ATTR_FLOAT = 1, FM_ONNX_ATTR_INT = 2, FM_ONNX_ATTR_STRING = 3,
  FM_ONNX_ATTR_TENSOR = 4, FM_ONNX_ATTR_GRAPH = 5, FM_ONNX_ATTR_FLOATS = 6,
  FM_ONNX_ATTR_INTS = 7, FM_ONNX_ATTR_STRINGS = 8, FM_ONNX_ATTR_TENSORS = 9,
  FM_ONNX_ATTR_GRAPHS = 10,
};

typedef struct
{
  char         *name;
  int           type;              /* FM_ONNX_ATTR_*, 0 if absent in file */
  float         f;
  gint64        i;
  char         *s;                 /* NUL-terminated copy, may be NULL */
  gsize         s_len;
  FmOnnxTensor *t;                 /* may be NULL */
  GArray       *floats;            /* float, may be NULL */
  GArray       *ints;              /* gint64, may be NULL */
  GPtrArray    *strings;           /* char*, may be NULL */
  guint         n_graphs;          /* g / graphs present: counted, not kept */
  guint         n_tensors;         /* tensors: counted, not kept */
} FmOnnxAttribute;

typedef struct
{
  GPtrArray *inputs;               /* char*; "" means an omitted optional input */
  GPtrArray *outputs;              /* char* */
  char      *name;
  char      *op_type;
  char      *domain;
  GPtrArray *attributes;           /* FmOnnxAttribute* */
  char      *doc_string;
} FmOnnxNode;

typedef struct
{
  char     *name;
  gboolean  has_type;
  int       elem_type;
  gboolean  has_shape;
  int       rank;
  gint64    dims[FM_MAX_RANK];     /* -1 where the dim is symbolic or unknown */
  char     *dim_params[FM_MAX_RANK];
} FmOnnxValueInfo;

typedef struct
{
  char      *name;
  GPtrArray *nodes;                /* FmOnnxNode* */
  GPtrArray *initializers;         /* FmOnnxTensor* */
  GPtrArray *inputs;               /* FmOnnxValueInfo* */
  GPtrArray *outputs;              /* FmOnnxValueInfo* */
  GPtrArray *value_infos;          /* FmOnnxValueInfo* */
  guint      n_sparse_initializers;
  char      *doc_string;
} FmOnnxGraph;

typedef struct
{
  char   *domain;
  gint64  version;
} FmOnnxOpset;

typedef struct
{
  gint64       ir_version;
  char        *producer_name;
  char        *producer_version;
  char        *domain;
  gint64       model_version;
  char        *doc_string;
  FmOnnxGraph *graph;              /* NULL if the file has none */
  GPtrArray   *opset_imports;      /* FmOnnxOpset* */
  GPtrArray   *metadata_props;     /* FmOnnxStringPair* */
  guint        n_functions;
  guint        n_training_info;
} FmOnnxModel;

/* Decodes a ModelProto. On error the message names the field path and the
 * byte offset, e.g. "graph.node[3].attribute[1]: truncated varint at
 * byte 1234". */
FmOnnxModel  *fm_onnx_model_decode  (const guint8       *data,
                                     gsize               len,
                                     const FmOnnxLimits *limits,
                                     GError            **error);

/* The highest ir_version taken as a sign that bytes are an ONNX model (the
 * IR was at version 10 in 2024). */
#define FM_ONNX_MAX_PLAUSIBLE_IR_VERSION 100

/* What the bytes looked like, for telling people what is wrong with a file
 * in plain words; filled by fm_onnx_model_decode_full () on success and on
 * failure. */
typedef struct
{
  gboolean looks_like_model; /* the first field is an ir_version of 1 to
                              * FM_ONNX_MAX_PLAUSIBLE_IR_VERSION, as every
                              * ONNX writer puts it */
  gboolean truncated;        /* the bytes end inside a top-level field */
  guint64  needed;           /* then: the size that field's declared length
                              * implies (so the file had at least this many
                              * bytes), or 0 when the bytes end inside a
                              * number; G_MAXUINT64 if beyond that */
} FmOnnxDecodeInfo;

/* The same, also filling @info. */
FmOnnxModel  *fm_onnx_model_decode_full (const guint8       *data,
                                         gsize               len,
                                         const FmOnnxLimits *limits,
                                         FmOnnxDecodeInfo   *info,
                                         GError            **error);
void          fm_onnx_model_free    (FmOnnxModel        *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmOnnxModel, fm_onnx_model_free)

/* The attribute @name of @node, or NULL. The last one wins if a name
 * repeats, as for protobuf fields: the runtime and prune read the same. */
const FmOnnxAttribute *fm_onnx_node_get_attribute (const FmOnnxNode *node,
                                                   const char       *name);

/* Decodes a lone TensorProto (the .pb files of the ONNX test data). */
FmOnnxTensor *fm_onnx_tensor_decode (const guint8       *data,
                                     gsize               len,
                                     const FmOnnxLimits *limits,
                                     GError            **error);
void          fm_onnx_tensor_free   (FmOnnxTensor       *tensor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmOnnxTensor, fm_onnx_tensor_free)

/* Converts a decoded tensor to a runtime constant: float types (FLOAT,
 * FLOAT16, BFLOAT16, DOUBLE) to float32, integer and BOOL types to int64.
 * Checks that the data size matches the dims. @external_base is the model's
 * folder for external data (NULL forbids external data); @max_bytes bounds
 * the resulting allocation. */
FmConstTensor *fm_onnx_tensor_to_const (const FmOnnxTensor *tensor,
                                        const char         *external_base,
                                        gsize               max_bytes,
                                        GError            **error);
/* The same; with @drop_source, the tensor's raw_data lies in a private
 * read-only file mapping whose pages are given back (madvise) as they are
 * converted, so a model's weights are never held twice while it loads. */
FmConstTensor *fm_onnx_tensor_to_const_full (const FmOnnxTensor *tensor,
                                             const char         *external_base,
                                             gsize               max_bytes,
                                             gboolean            drop_source,
                                             GError            **error);

G_END_DECLS
