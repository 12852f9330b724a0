/* fm-npy.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NumPy .npy files of float32 tensors: what `feature-maps run --dump`
 * writes and what `run` accepts as an input. Writes format 1.0 ('<f4',
 * C order) byte-for-byte as numpy.save() does, atomically. Reads format
 * 1.0 and 2.0, '<f4' and C order only, rank <= FM_MAX_RANK, with every
 * size checked before anything is allocated. Other dtypes, Fortran order,
 * pickled object arrays and format 3.0 are refused, not converted.
 * fm_npy_parse_header() reads the header alone and knows the little-endian
 * numbers (for .npy datasets, fm-dataset-npy.c, which reads the data
 * itself item by item).
 */
#pragma once

#include <glib.h>

#include "fm-error.h"
#include "fm-tensor.h"

G_BEGIN_DECLS

/* The default for @max_bytes (data bytes, header excluded): 1 GiB. */
#define FM_NPY_DEFAULT_MAX_BYTES ((gsize) 1 << 30)

/* Writes @data (numel(@shape) floats, C order, as a run holds them) to
 * @path with fm_file_write_atomic(). Errors "Could not write “PATH”:
 * REASON": FM_ERROR_IO, FM_ERROR_SHAPE (a bad shape) or FM_ERROR_LIMIT. */
gboolean  fm_npy_write   (const char     *path,
                          const FmShape  *shape,
                          const float    *data,
                          GError        **error);

/* The whole file (header and data) in memory; free with g_free().
 * @len_out receives its size. NULL with FM_ERROR_SHAPE on a bad shape,
 * FM_ERROR_LIMIT if the data do not fit in memory. */
guint8   *fm_npy_encode  (const FmShape  *shape,
                          const float    *data,
                          gsize          *len_out,
                          GError        **error);

/* Reads a float32 tensor. Returns its data (free with g_free(); never
 * NULL on success, even for zero elements) and its shape in @shape_out.
 * @max_bytes bounds the data size (0 means FM_NPY_DEFAULT_MAX_BYTES).
 * Errors: FM_ERROR_IO (cannot read), FM_ERROR_INVALID_INPUT (not an npy
 * file, unsupported dtype or order, size mismatch), FM_ERROR_LIMIT. The
 * message names the file. */
float    *fm_npy_read    (const char     *path,
                          FmShape        *shape_out,
                          gsize           max_bytes,
                          GError        **error);

/* The same from bytes in memory; @name is used in messages. */
float    *fm_npy_parse   (const guint8   *bytes,
                          gsize           len,
                          const char     *name,
                          FmShape        *shape_out,
                          gsize           max_bytes,
                          GError        **error);

typedef enum
{
  FM_NPY_F4,
  FM_NPY_F8,
  FM_NPY_U1,
  FM_NPY_I1,
  FM_NPY_U2,
  FM_NPY_I2,
  FM_NPY_U4,
  FM_NPY_I4,
  FM_NPY_U8,
  FM_NPY_I8,
} FmNpyDtype;

typedef struct
{
  FmShape     shape;
  FmNpyDtype  dtype;
  gsize       item_size;     /* bytes per element */
  gsize       data_offset;   /* bytes before the data */
} FmNpyHeader;

/* Parses the preamble and header in the first @len bytes of an npy file
 * (the whole header must be there: at most 65,548 bytes). Accepts C order
 * and the dtypes of FmNpyDtype, little-endian; refuses in words Fortran
 * order, big-endian, object and structured dtypes. Does not look at the
 * data or check its size. FM_ERROR_INVALID_INPUT or FM_ERROR_LIMIT
 * naming @name. */
gboolean    fm_npy_parse_header (const guint8  *bytes,
                                 gsize          len,
                                 const char    *name,
                                 FmNpyHeader   *header,
                                 GError       **error);

/* The 'descr' of @dtype ("<f4", "|u1", ...). */
const char *fm_npy_dtype_name   (FmNpyDtype     dtype);

/* The most bytes fm_npy_parse_header() may need. */
#define FM_NPY_MAX_HEADER_BYTES (12 + 65536)

/* TRUE if @bytes start with the npy magic "\x93NUMPY". */
gboolean  fm_npy_has_magic (const guint8 *bytes,
                            gsize         len);

G_END_DECLS
