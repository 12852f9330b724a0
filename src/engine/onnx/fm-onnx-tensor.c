/* fm-onnx-tensor.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A decoded TensorProto to a runtime constant (fm_onnx_tensor_to_const):
 * float types to float32, integer and BOOL types to int64, from raw_data,
 * the typed arrays or external data (fm-onnx-external.c). Sizes are
 * checked against the shape and the caller's byte limit before the
 * constant is allocated. Also a node's attribute by name, as the runtime
 * and prune read it (fm_onnx_node_get_attribute).
 */
#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-onnx-fields.h"
#include "fm-onnx-private.h"

static const char *
data_type_name (int data_type)
{
  static const char *const names[] = {
    "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
    "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64",
    "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ",
    "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
  };

  if (data_type >= 0 && data_type < (int) G_N_ELEMENTS (names))
    return names[data_type];
  return NULL;
}

/* Size of one element in raw_data, and the runtime type it becomes. */
static gsize
raw_size (int      data_type,
          FmDType *dtype)
{
  *dtype = FM_DTYPE_FLOAT;
  switch (data_type)
    {
    case FM_ONNX_FLOAT:
      return 4;
    case FM_ONNX_FLOAT16:
    case FM_ONNX_BFLOAT16:
      return 2;
    case FM_ONNX_DOUBLE:
      return 8;
    default:
      break;
    }

  *dtype = FM_DTYPE_INT64;
  switch (data_type)
    {
    case FM_ONNX_INT8:
    case FM_ONNX_UINT8:
    case FM_ONNX_BOOL:
      return 1;
    case FM_ONNX_INT16:
    case FM_ONNX_UINT16:
      return 2;
    case FM_ONNX_INT32:
    case FM_ONNX_UINT32:
      return 4;
    case FM_ONNX_INT64:
    case FM_ONNX_UINT64:
      return 8;
    default:
      return 0;
    }
}

/* The typed array that holds the values when there is no raw_data. */
static const GArray *
typed_array (const FmOnnxTensor *t)
{
  switch (t->data_type)
    {
    case FM_ONNX_FLOAT:
      return t->float_data;
    case FM_ONNX_DOUBLE:
      return t->double_data;
    case FM_ONNX_INT64:
      return t->int64_data;
    case FM_ONNX_UINT32:
    case FM_ONNX_UINT64:
      return t->uint64_data;
    default: /* FLOAT16, BFLOAT16 bits, BOOL and the small integers */
      return t->int32_data;
    }
}

/* The little-endian unsigned integer of @size bytes (1, 2, 4 or 8) at
 * @p, which need not be aligned. */
static inline guint64
read_le (const guint8 *p,
         gsize         size)
{
  guint64 u = 0;

  for (gsize i = size; i > 0; i--)
    u = u << 8 | p[i - 1];
  return u;
}

/* One element of a float type from its bits (read_le). */
static inline float
raw_float (int     data_type,
           guint64 bits)
{
  guint32 u32;
  float f;
  double v;

  switch (data_type)
    {
    case FM_ONNX_FLOAT16:
      return fm_half_to_float ((guint16) bits);
    case FM_ONNX_BFLOAT16:
      return fm_bfloat16_to_float ((guint16) bits);
    case FM_ONNX_DOUBLE:
      memcpy (&v, &bits, 8);
      return (float) v;
    default: /* FLOAT */
      u32 = (guint32) bits;
      memcpy (&f, &u32, 4);
      return f;
    }
}

/* One element of an integer type or BOOL from its bits (read_le); the
 * signed types are sign-extended from their width. */
static inline gint64
raw_int (int     data_type,
         guint64 bits)
{
  switch (data_type)
    {
    case FM_ONNX_BOOL:
      return bits != 0;
    case FM_ONNX_INT8:
      return (gint8) bits;
    case FM_ONNX_INT16:
      return (gint16) bits;
    case FM_ONNX_INT32:
      return (gint32) bits;
    default: /* the unsigned types, INT64 */
      return (gint64) bits;
    }
}

static void
convert_raw (int           data_type,
             const guint8 *src,   /* [numel * raw size], little-endian */
             gsize         numel,
             gpointer      dst)   /* [numel] float or gint64 */
{
  FmDType dtype;
  gsize esize = raw_size (data_type, &dtype);
  float *f = dst;
  gint64 *q = dst;

  if (data_type == FM_ONNX_FLOAT && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    memcpy (dst, src, numel * 4);
  else if (dtype == FM_DTYPE_FLOAT)
    for (gsize i = 0; i < numel; i++)
      f[i] = raw_float (data_type, read_le (src + esize * i, esize));
  else
    for (gsize i = 0; i < numel; i++)
      q[i] = raw_int (data_type, read_le (src + esize * i, esize));
}

static void
convert_typed (const FmOnnxTensor *t,
               const GArray       *arr,
               gpointer            dst)  /* [arr->len] float or gint64 */
{
  float *f = dst;
  gint64 *q = dst;

  for (guint i = 0; i < arr->len; i++)
    switch (t->data_type)
      {
      case FM_ONNX_FLOAT:
        f[i] = g_array_index (arr, float, i);
        break;
      case FM_ONNX_DOUBLE:
        f[i] = (float) g_array_index (arr, double, i);
        break;
      case FM_ONNX_FLOAT16:
        f[i] = fm_half_to_float ((guint16) g_array_index (arr, gint32, i));
        break;
      case FM_ONNX_BFLOAT16:
        f[i] = fm_bfloat16_to_float ((guint16) g_array_index (arr, gint32, i));
        break;
      case FM_ONNX_INT64:
        q[i] = g_array_index (arr, gint64, i);
        break;
      case FM_ONNX_UINT32:
      case FM_ONNX_UINT64:
        q[i] = (gint64) g_array_index (arr, guint64, i);
        break;
      case FM_ONNX_BOOL:
        q[i] = g_array_index (arr, gint32, i) != 0;
        break;
      default:
        q[i] = g_array_index (arr, gint32, i);
        break;
      }
}

/* Gives back the whole pages of [data, data + len) (see
 * fm_onnx_tensor_to_const_full). */
static void
drop_pages (const guint8 *data,
            gsize         len)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guintptr start = ((guintptr) data + page - 1) & ~(guintptr) (page - 1);
  guintptr end = ((guintptr) data + len) & ~(guintptr) (page - 1);

  if (end > start)
    madvise ((void *) start, end - start, MADV_DONTNEED);
}

/* What the tensor's type and shape make of it, checked before anything
 * is allocated. */
typedef struct
{
  const char *tname;
  FmShape     shape;
  char       *shape_str;
  FmDType     dtype;
  gsize       esize;       /* of one element in raw_data */
  gsize       numel;
  gsize       raw_bytes;
} Layout;

static gboolean
check_type (const FmOnnxTensor  *t,
            Layout              *l,
            GError             **error)
{
  const char *type_name = data_type_name (t->data_type);

  l->esize = raw_size (t->data_type, &l->dtype);
  if (l->esize != 0)
    return TRUE;
  if (type_name != NULL && t->data_type != 0)
    g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                 _("tensor '%s': data type %s is not supported"), l->tname,
                 type_name);
  else
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                 _("tensor '%s': invalid data type %d"), l->tname,
                 t->data_type);
  return FALSE;
}

static gboolean
check_layout (const FmOnnxTensor  *t,
              gsize                max_bytes,
              Layout              *l,
              GError             **error)
{
  gsize out_bytes;

  if (!check_type (t, l, error))
    return FALSE;
  if (t->rank < 0 || t->rank > FM_MAX_RANK)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("tensor '%s': rank %d exceeds %d"), l->tname, t->rank,
                   FM_MAX_RANK);
      return FALSE;
    }
  l->shape.rank = t->rank;
  memcpy (l->shape.dims, t->dims, sizeof l->shape.dims);
  l->shape_str = fm_shape_to_string (&l->shape);

  for (int i = 0; i < l->shape.rank; i++)
    if (l->shape.dims[i] < 0)
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                     _("tensor '%s': negative dimension in shape %s"), l->tname,
                     l->shape_str);
        return FALSE;
      }

  if (!fm_shape_numel (&l->shape, G_MAXSIZE, &l->numel)
      || !g_size_checked_mul (&out_bytes, l->numel, fm_dtype_size (l->dtype))
      || !g_size_checked_mul (&l->raw_bytes, l->numel, l->esize))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("tensor '%s': shape %s has too many elements"), l->tname,
                   l->shape_str);
      return FALSE;
    }
  if (out_bytes > max_bytes)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("tensor '%s': shape %s needs %zu bytes,"
                     " more than the limit of %zu"), l->tname,
                   l->shape_str, out_bytes, max_bytes);
      return FALSE;
    }
  return TRUE;
}

/* Where the values are: *@raw in raw_data or an external file (mapped
 * into *@map), or NULL for the typed array; each must hold as many values
 * as the shape needs. */
static gboolean
find_values (const FmOnnxTensor  *t,
             const Layout        *l,
             const char          *external_base,
             GMappedFile        **map,
             const guint8       **raw,
             GError             **error)
{
  const GArray *arr = typed_array (t);
  gsize count = arr != NULL ? arr->len : 0;

  if (t->data_location == FM_ONNX_DATA_LOCATION_EXTERNAL)
    {
      if (external_base == NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("tensor '%s': external data is not allowed here"),
                       l->tname);
          return FALSE;
        }
      *map = _fm_onnx_map_external (t, l->tname, external_base, l->raw_bytes,
                                    raw, error);
      return *map != NULL;
    }

  if (t->has_raw_data)
    {
      *raw = t->raw_data.data;
      if (t->raw_data.len == l->raw_bytes)
        return TRUE;
      if (t->raw_data.len % l->esize != 0)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("tensor '%s': raw_data of %zu bytes"
                         " for shape %s (%zu values of %zu bytes)"),
                       l->tname, t->raw_data.len, l->shape_str, l->numel,
                       l->esize);
          return FALSE;
        }
      count = t->raw_data.len / l->esize;
    }
  else if (count == l->numel)
    return TRUE;

  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
               /* Translators: a tensor name, how many values it stores, its shape like
                  “[1, 3, 28, 28]” and how many values that shape needs. */
               _("tensor '%s': %zu values for shape"
                 " %s (%zu)"), l->tname, count, l->shape_str, l->numel);
  return FALSE;
}

FmConstTensor *
fm_onnx_tensor_to_const (const FmOnnxTensor *tensor,
                         const char         *external_base,
                         gsize               max_bytes,
                         GError            **error)
{
  return fm_onnx_tensor_to_const_full (tensor, external_base, max_bytes, FALSE, error);
}

FmConstTensor *
fm_onnx_tensor_to_const_full (const FmOnnxTensor *tensor,
                              const char         *external_base,
                              gsize               max_bytes,
                              gboolean            drop_source,
                              GError            **error)
{
  Layout l = { tensor->name != NULL ? tensor->name : "" };
  g_autofree char *shape_str = NULL;
  g_autoptr(FmConstTensor) out = NULL;
  g_autoptr(GMappedFile) map = NULL;
  const guint8 *raw = NULL;
  gboolean ok;
  gsize osize;

  ok = check_layout (tensor, max_bytes, &l, error)
       && find_values (tensor, &l, external_base, &map, &raw, error);
  shape_str = l.shape_str;
  if (!ok)
    return NULL;

  out = fm_const_tensor_new (l.dtype, &l.shape, error);
  if (out == NULL || l.numel == 0)
    return g_steal_pointer (&out);

  osize = fm_dtype_size (l.dtype);
  if (raw == NULL)
    convert_typed (tensor, typed_array (tensor), out->data);
  else if (!drop_source || raw != tensor->raw_data.data)
    convert_raw (tensor->data_type, raw, l.numel, out->data);
  else
    /* In slices, giving each slice's pages back as soon as it is
     * converted, so a 400 MB weight never sits in memory twice. */
    for (gsize i = 0, slice = (gsize) 4 << 20; i < l.numel; i += slice)
      {
        gsize n = MIN (slice, l.numel - i);

        convert_raw (tensor->data_type, raw + i * l.esize, n,
                     (guint8 *) out->data + i * osize);
        drop_pages (raw + i * l.esize, n * l.esize);
      }

  return g_steal_pointer (&out);
}

const FmOnnxAttribute *
fm_onnx_node_get_attribute (const FmOnnxNode *node,
                            const char       *name)
{
  GPtrArray *attrs = node->attributes;

  if (attrs == NULL)
    return NULL;
  for (guint i = attrs->len; i > 0; i--)
    {
      const FmOnnxAttribute *a = g_ptr_array_index (attrs, i - 1);

      if (g_strcmp0 (a->name, name) == 0)
        return a;
    }
  return NULL;
}

const char *
fm_onnx_data_type_name (int data_type)
{
  static const char *const names[] = {
    [FM_ONNX_FLOAT] = "float32", [FM_ONNX_UINT8] = "uint8", [FM_ONNX_INT8] = "int8",
    [FM_ONNX_UINT16] = "uint16", [FM_ONNX_INT16] = "int16", [FM_ONNX_INT32] = "int32",
    [FM_ONNX_INT64] = "int64", [FM_ONNX_STRING] = "string", [FM_ONNX_BOOL] = "bool",
    [FM_ONNX_FLOAT16] = "float16", [FM_ONNX_DOUBLE] = "float64", [FM_ONNX_UINT32] = "uint32",
    [FM_ONNX_UINT64] = "uint64", [14] = "complex64", [15] = "complex128",
    [FM_ONNX_BFLOAT16] = "bfloat16",
  };

  return data_type > 0 && data_type < (int) G_N_ELEMENTS (names) ? names[data_type] : NULL;
}
