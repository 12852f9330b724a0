/* fm-tensor.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runtime tensor shapes and element types. These are the engine's own
 * types, not the protobuf structs of the file format (see fm-onnx-proto.h).
 * A shape has at most FM_MAX_RANK dims; every element-count product goes
 * through fm_shape_numel(), which refuses overflow.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_MAX_RANK 8

/* Element types the runtime holds. Float types of the file are converted
 * to FM_DTYPE_FLOAT at load; integer types to FM_DTYPE_INT64. */
typedef enum
{
  FM_DTYPE_FLOAT = 1, /* float32 */
  FM_DTYPE_INT64 = 7, /* shapes, indices, Cast targets of integer type */
} FmDType;

typedef struct
{
  int    rank;
  gint64 dims[FM_MAX_RANK];
} FmShape;

gsize        fm_dtype_size        (FmDType        dtype);
const char  *fm_dtype_name        (FmDType        dtype);

/* Number of elements; FALSE if a dim is negative or the product
 * overflows @limit (pass G_MAXSIZE for "fits in memory at all"). */
gboolean     fm_shape_numel       (const FmShape *shape,
                                   gsize          limit,
                                   gsize         *out_numel);
gboolean     fm_shape_equal       (const FmShape *a,
                                   const FmShape *b);
/* "[1, 32, 28, 28]"; returns a newly allocated string. */
char        *fm_shape_to_string   (const FmShape *shape);
/* Row-major strides in elements. */
void         fm_shape_strides     (const FmShape *shape,
                                   gint64        *strides);
/* numpy broadcasting of @a and @b into @out; FALSE if incompatible. */
gboolean     fm_shape_broadcast   (const FmShape *a,
                                   const FmShape *b,
                                   FmShape       *out);

/* A tensor whose data is known at load: initializers and folded shape
 * glue. Immutable once the model is built. */
typedef struct
{
  FmDType  dtype;
  FmShape  shape;
  gsize    numel;
  gpointer data;   /* float* or gint64*, 64-byte aligned, owned */
} FmConstTensor;

FmConstTensor *fm_const_tensor_new   (FmDType        dtype,
                                      const FmShape *shape,
                                      GError       **error);
void           fm_const_tensor_free  (FmConstTensor *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmConstTensor, fm_const_tensor_free)

/* 64-byte aligned allocation, zeroed; NULL on failure (never aborts). */
gpointer     fm_aligned_alloc0    (gsize size);
void         fm_aligned_free      (gpointer mem);

/* IEEE half and bfloat16 to float. */
float        fm_half_to_float     (guint16 h);
float        fm_bfloat16_to_float (guint16 b);
/* @f rounded (to nearest, ties to even) to the nearest value a half or a
 * bfloat16 can hold, as float: what Cast to FLOAT16/BFLOAT16 yields. */
float        fm_round_to_half     (float   f);
float        fm_round_to_bfloat16 (float   f);

G_END_DECLS
