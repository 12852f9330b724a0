/* test-onnx-convert.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decoded TensorProtos to runtime constants (fm-onnx-tensor.c), external
 * data files (fm-onnx-external.c) and the tensor utilities they use
 * (fm-tensor.c); part of test-onnx-reader.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-error.h"
#include "fm-tensor.h"
#include "fm-test-files.h"
#include "fm-test-onnx.h"
#include "test-onnx-reader.h"

static void
expect_tensor_error (const FmOnnxTensor *t,
                     const char         *base,
                     gsize               max_bytes,
                     int                 code,
                     const char         *fragment)
{
  g_autoptr(GError) error = NULL;
  FmConstTensor *c = fm_onnx_tensor_to_const (t, base, max_bytes, &error);

  g_assert_null (c);
  fm_test_assert_error_holds (error, FM_ERROR, code, fragment);
}

/* ---- fm-tensor.c -------------------------------------------------------- */

static void
test_shape_utils (void)
{
  FmShape a = { 4, { 2, 3, 4, 5 } };
  FmShape b = { 2, { 4, 1 } };
  FmShape c = { 3, { 3, 1, 5 } };
  FmShape bad = { 2, { 2, 3 } };
  FmShape huge = { 2, { (gint64) 1 << 40, (gint64) 1 << 40 } };
  FmShape neg = { 2, { 2, -1 } };
  FmShape scalar = { 0, { 0 } };
  FmShape out;
  gint64 strides[FM_MAX_RANK];
  gsize numel = 0;
  g_autofree char *str = NULL;
  g_autofree char *str0 = NULL;

  /* 2 * 3 * 4 * 5 = 120 */
  g_assert_true (fm_shape_numel (&a, G_MAXSIZE, &numel));
  g_assert_cmpuint (numel, ==, 120);
  g_assert_false (fm_shape_numel (&a, 119, &numel));
  g_assert_true (fm_shape_numel (&scalar, G_MAXSIZE, &numel));
  g_assert_cmpuint (numel, ==, 1);
  /* 2^40 * 2^40 = 2^80 overflows 64 bits */
  g_assert_false (fm_shape_numel (&huge, G_MAXSIZE, &numel));
  g_assert_false (fm_shape_numel (&neg, G_MAXSIZE, &numel));

  str = fm_shape_to_string (&a);
  g_assert_cmpstr (str, ==, "[2, 3, 4, 5]");
  str0 = fm_shape_to_string (&scalar);
  g_assert_cmpstr (str0, ==, "[]");

  /* row-major: [3*4*5, 4*5, 5, 1] */
  fm_shape_strides (&a, strides);
  g_assert_cmpint (strides[0], ==, 60);
  g_assert_cmpint (strides[1], ==, 20);
  g_assert_cmpint (strides[2], ==, 5);
  g_assert_cmpint (strides[3], ==, 1);

  /* [2,3,4,5] with [4,1] -> [2,3,4,5] */
  g_assert_true (fm_shape_broadcast (&a, &b, &out));
  g_assert_true (fm_shape_equal (&out, &a));
  /* [4,1] with [3,1,5] -> [3,4,5] */
  g_assert_true (fm_shape_broadcast (&b, &c, &out));
  g_assert_cmpint (out.rank, ==, 3);
  g_assert_cmpint (out.dims[0], ==, 3);
  g_assert_cmpint (out.dims[1], ==, 4);
  g_assert_cmpint (out.dims[2], ==, 5);
  /* [2,3] with [4,1]: 3 vs 1 fine, 2 vs 4 incompatible */
  g_assert_false (fm_shape_broadcast (&bad, &b, &out));
  /* scalar broadcasts to anything */
  g_assert_true (fm_shape_broadcast (&scalar, &c, &out));
  g_assert_true (fm_shape_equal (&out, &c));
  g_assert_false (fm_shape_equal (&a, &b));
}

static void
test_aligned_alloc (void)
{
  FmShape s = { 2, { 3, 5 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(FmConstTensor) t = fm_const_tensor_new (FM_DTYPE_FLOAT, &s,
                                                    &error);
  FmShape huge = { 2, { (gint64) 1 << 40, (gint64) 1 << 40 } };
  gpointer p;

  g_assert_no_error (error);
  g_assert_cmpuint (t->numel, ==, 15);
  g_assert_cmpuint ((guintptr) t->data % 64, ==, 0);
  for (gsize i = 0; i < t->numel; i++)
    g_assert_cmpfloat (((float *) t->data)[i], ==, 0.0f);

  p = fm_aligned_alloc0 (0);
  g_assert_nonnull (p);
  g_assert_cmpuint ((guintptr) p % 64, ==, 0);
  fm_aligned_free (p);
  g_assert_null (fm_aligned_alloc0 (G_MAXSIZE));
  g_assert_null (fm_aligned_alloc0 (G_MAXSIZE - 10));

  g_assert_null (fm_const_tensor_new (FM_DTYPE_INT64, &huge, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);

  g_assert_cmpuint (fm_dtype_size (FM_DTYPE_FLOAT), ==, 4);
  g_assert_cmpuint (fm_dtype_size (FM_DTYPE_INT64), ==, 8);
  g_assert_cmpstr (fm_dtype_name (FM_DTYPE_INT64), ==, "int64");
}

static void
test_half (void)
{
  /* sign 0, exp 15 (bias 15), mantissa 0: 1.0 */
  g_assert_cmpfloat (fm_half_to_float (0x3C00), ==, 1.0f);
  /* sign 1, exp 16: -2.0 */
  g_assert_cmpfloat (fm_half_to_float (0xC000), ==, -2.0f);
  /* smallest subnormal: 2^-14 * 1/1024 = 2^-24 */
  g_assert_cmpfloat (fm_half_to_float (0x0001), ==, ldexpf (1.0f, -24));
  /* largest subnormal: 1023 * 2^-24 */
  g_assert_cmpfloat (fm_half_to_float (0x03FF), ==, 1023.0f * ldexpf (1.0f, -24));
  /* largest normal: (2 - 2^-10) * 2^15 = 65504 */
  g_assert_cmpfloat (fm_half_to_float (0x7BFF), ==, 65504.0f);
  /* 0x3555: exp 13, mantissa 0x155 = 341: (1 + 341/1024) * 2^-2 */
  g_assert_cmpfloat (fm_half_to_float (0x3555), ==, (1.0f + 341.0f / 1024.0f) / 4.0f);
  g_assert_true (isinf (fm_half_to_float (0x7C00)) && fm_half_to_float (0x7C00) > 0);
  g_assert_true (isinf (fm_half_to_float (0xFC00)) && fm_half_to_float (0xFC00) < 0);
  g_assert_true (isnan (fm_half_to_float (0x7E00)));
  g_assert_true (isnan (fm_half_to_float (0xFC01)));
  g_assert_cmpfloat (fm_half_to_float (0x8000), ==, 0.0f);
  g_assert_true (signbit (fm_half_to_float (0x8000)));

  /* bfloat16 is the top half of a float: 0x3F80 -> 0x3F800000 = 1.0,
   * 0xC040 -> 0xC0400000 = -(1.5 * 2) = -3.0 */
  g_assert_cmpfloat (fm_bfloat16_to_float (0x3F80), ==, 1.0f);
  g_assert_cmpfloat (fm_bfloat16_to_float (0xC040), ==, -3.0f);
  g_assert_true (isinf (fm_bfloat16_to_float (0x7F80)));
  g_assert_true (isnan (fm_bfloat16_to_float (0x7FC0)));
}

/* ---- tensor conversion -------------------------------------------------- */

static FmConstTensor *
to_const_ok (GByteArray *b)
{
  g_autoptr(FmOnnxTensor) t = fm_test_decode_tensor (b);
  g_autoptr(GError) error = NULL;
  FmConstTensor *c = fm_onnx_tensor_to_const (t, NULL, G_MAXSIZE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

/* One conversion: a tensor of @type and shape [n] (rank 0 when n is 0)
 * whose values are @raw (raw_len bytes) or, when @field is a typed array,
 * the n @ints written unpacked; and the values expected. */
typedef struct
{
  const char *what;
  int         type;
  guint       field;
  const char *raw;
  gsize       raw_len;
  gsize       n;
  gint64      ints[3];
  double      expect[3];  /* float results, or int64 ones (exact here) */
} ConvertCase;

static void
check_conversion (const ConvertCase *k,
                  FmDType            dtype)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(FmConstTensor) c = NULL;

  g_test_message ("%s", k->what);
  if (k->n > 0)
    fm_pb_int (b, FM_ONNX_TENSOR_DIMS, (gint64) k->n);
  fm_pb_int (b, FM_ONNX_TENSOR_DATA_TYPE, k->type);
  if (k->field == FM_ONNX_TENSOR_RAW_DATA)
    fm_pb_bytes (b, k->field, k->raw, k->raw_len);
  else
    for (gsize i = 0; i < k->n; i++)
      fm_pb_int (b, k->field, k->ints[i]);

  c = to_const_ok (b);
  g_assert_cmpint (c->dtype, ==, dtype);
  g_assert_cmpint (c->shape.rank, ==, k->n > 0 ? 1 : 0);
  g_assert_cmpuint (c->numel, ==, MAX (k->n, 1));
  for (gsize i = 0; i < c->numel; i++)
    if (dtype == FM_DTYPE_FLOAT)
      g_assert_cmpfloat (((float *) c->data)[i], ==, (float) k->expect[i]);
    else
      g_assert_cmpint (((gint64 *) c->data)[i], ==, (gint64) k->expect[i]);
}

static void
test_convert_float_types (void)
{
  static const ConvertCase cases[] = {
    { "FLOAT16 bits in int32_data: 1.0, -2.0, 2^-24", FM_ONNX_FLOAT16,
      FM_ONNX_TENSOR_INT32_DATA, NULL, 0, 3, { 0x3C00, 0xC000, 0x0001 },
      { 1.0, -2.0, 0x1p-24 } },
    { "FLOAT16 raw little-endian: 0x3C00 -> 00 3C; 0xC000 -> 00 C0", FM_ONNX_FLOAT16,
      FM_ONNX_TENSOR_RAW_DATA, "\x00\x3c\x00\xc0", 4, 2, { 0 }, { 1.0, -2.0 } },
    { "BFLOAT16 raw: 0x3F80 = 1.0, 0xC040 = -3.0", FM_ONNX_BFLOAT16,
      FM_ONNX_TENSOR_RAW_DATA, "\x80\x3f\x40\xc0", 4, 2, { 0 }, { 1.0, -3.0 } },
    { "BFLOAT16 bits in int32_data: 0xBF00 -> 0xBF000000 = -0.5", FM_ONNX_BFLOAT16,
      FM_ONNX_TENSOR_INT32_DATA, NULL, 0, 1, { 0xBF00 }, { -0.5 } },
    { "DOUBLE raw: 1.5 = 0x3FF8000000000000, little-endian", FM_ONNX_DOUBLE,
      FM_ONNX_TENSOR_RAW_DATA, "\x00\x00\x00\x00\x00\x00\xf8\x3f", 8, 1, { 0 }, { 1.5 } },
    { "FLOAT raw, rank 0: 0x40490FDB is pi in float32 (3.14159274...)", FM_ONNX_FLOAT,
      FM_ONNX_TENSOR_RAW_DATA, "\xdb\x0f\x49\x40", 4, 0, { 0 }, { 3.14159274101257324 } },
  };
  const double dv[] = { 0.5, -2.25, 1e10 };
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(FmConstTensor) c = NULL;
  float *f;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_conversion (&cases[i], FM_DTYPE_FLOAT);

  /* DOUBLE in double_data, packed */
  fm_pb_int (b, FM_ONNX_TENSOR_DIMS, 3);
  fm_pb_int (b, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_DOUBLE);
  fm_pb_packed_doubles (b, FM_ONNX_TENSOR_DOUBLE_DATA, dv, 3);
  c = to_const_ok (b);
  f = c->data;
  g_assert_cmpfloat (f[0], ==, 0.5f);
  g_assert_cmpfloat (f[1], ==, -2.25f);
  g_assert_cmpfloat (f[2], ==, 1e10f);
}

static void
test_convert_int_types (void)
{
  static const ConvertCase cases[] = {
    { "INT32 in int32_data: -5 takes a 10-byte varint", FM_ONNX_INT32,
      FM_ONNX_TENSOR_INT32_DATA, NULL, 0, 2, { -5, 7 }, { -5, 7 } },
    { "INT32 raw: 0xFFFFFFFE = -2, 0x00000100 = 256", FM_ONNX_INT32,
      FM_ONNX_TENSOR_RAW_DATA, "\xfe\xff\xff\xff\x00\x01\x00\x00", 8, 2, { 0 }, { -2, 256 } },
    { "INT8 raw 0xff = -1, 0x7f = 127", FM_ONNX_INT8,
      FM_ONNX_TENSOR_RAW_DATA, "\xff\x7f", 2, 2, { 0 }, { -1, 127 } },
    { "UINT8 raw 0xff = 255", FM_ONNX_UINT8,
      FM_ONNX_TENSOR_RAW_DATA, "\xff", 1, 1, { 0 }, { 255 } },
    { "INT16 raw 0x8000 = -32768", FM_ONNX_INT16,
      FM_ONNX_TENSOR_RAW_DATA, "\x00\x80", 2, 1, { 0 }, { -32768 } },
    { "UINT16 raw 0x8000 = 32768", FM_ONNX_UINT16,
      FM_ONNX_TENSOR_RAW_DATA, "\x00\x80", 2, 1, { 0 }, { 32768 } },
    { "BOOL in int32_data: 0, 3 -> 0, 1", FM_ONNX_BOOL,
      FM_ONNX_TENSOR_INT32_DATA, NULL, 0, 2, { 0, 3 }, { 0, 1 } },
    { "BOOL raw 00 02 -> 0, 1", FM_ONNX_BOOL,
      FM_ONNX_TENSOR_RAW_DATA, "\x00\x02", 2, 2, { 0 }, { 0, 1 } },
    { "INT64 in int64_data", FM_ONNX_INT64,
      FM_ONNX_TENSOR_INT64_DATA, NULL, 0, 2, { -((gint64) 1 << 40), 9 },
      { -0x1p40, 9 } },
    { "INT64 raw 0x0000010000000000 = 2^40", FM_ONNX_INT64,
      FM_ONNX_TENSOR_RAW_DATA, "\x00\x00\x00\x00\x00\x01\x00\x00", 8, 1, { 0 }, { 0x1p40 } },
    { "UINT64 in uint64_data", FM_ONNX_UINT64,
      FM_ONNX_TENSOR_UINT64_DATA, NULL, 0, 1, { 123456789 }, { 123456789 } },
  };
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(FmConstTensor) c = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_conversion (&cases[i], FM_DTYPE_INT64);

  /* an empty tensor with no data at all: dims [0, 3] */
  fm_pb_int (b, FM_ONNX_TENSOR_DIMS, 0);
  fm_pb_int (b, FM_ONNX_TENSOR_DIMS, 3);
  fm_pb_int (b, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_INT64);
  c = to_const_ok (b);
  g_assert_cmpuint (c->numel, ==, 0);
  g_assert_cmpint (c->shape.rank, ==, 2);
  g_assert_nonnull (c->data);
}

/* Empties @b and writes TensorProto {name, dims (unpacked), data_type}. */
static void
tensor_head (GByteArray   *b,
             const char   *name,
             const gint64 *dims,
             int           rank,
             int           type)
{
  g_byte_array_set_size (b, 0);
  fm_pb_string (b, FM_ONNX_TENSOR_NAME, name);
  for (int i = 0; i < rank; i++)
    fm_pb_int (b, FM_ONNX_TENSOR_DIMS, dims[i]);
  fm_pb_int (b, FM_ONNX_TENSOR_DATA_TYPE, type);
}

static void
test_convert_errors (void)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(FmOnnxTensor) t = NULL;
  const float ten[10] = { 0 };
  const gint64 three_four[] = { 3, 4 };
  gint64 big = (gint64) 1 << 40;

  /* 10 floats for [3, 4], as float_data and the same as raw_data (40
   * bytes = 10 floats) */
  for (int raw = 0; raw < 2; raw++)
    {
      tensor_head (b, "W", three_four, 2, FM_ONNX_FLOAT);
      if (raw)
        fm_pb_bytes (b, FM_ONNX_TENSOR_RAW_DATA, ten, 40);
      else
        fm_pb_packed_floats (b, FM_ONNX_TENSOR_FLOAT_DATA, ten, 10);
      t = fm_test_decode_tensor (b);
      expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                           "tensor 'W': 10 values for shape [3, 4] (12)");
      g_clear_pointer (&t, fm_onnx_tensor_free);
    }

  /* 12 floats = 48 bytes: with max_bytes 47 the limit hits first */
  tensor_head (b, "W", three_four, 2, FM_ONNX_FLOAT);
  fm_pb_bytes (b, FM_ONNX_TENSOR_RAW_DATA, "0123456789012345678901234567890123456789012345678", 48);
  t = fm_test_decode_tensor (b);
  expect_tensor_error (t, NULL, 47, FM_ERROR_LIMIT,
                       "tensor 'W': shape [3, 4] needs 48 bytes, more than"
                       " the limit of 47");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FmConstTensor) c = fm_onnx_tensor_to_const (t, NULL, 48,
                                                          &error);

    g_assert_no_error (error);
    g_assert_cmpuint (c->numel, ==, 12);
  }
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* negative dim */
  tensor_head (b, "B", (gint64[]) { 2, -3 }, 2, FM_ONNX_FLOAT);
  t = fm_test_decode_tensor (b);
  g_assert_cmpint (t->dims[1], ==, -3);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                       "tensor 'B': negative dimension in shape [2, -3]");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* [2^40, 2^40]: 2^80 elements overflow (dims packed) */
  tensor_head (b, "H", NULL, 0, FM_ONNX_FLOAT);
  fm_pb_packed_ints (b, FM_ONNX_TENSOR_DIMS, (gint64[]) { big, big }, 2);
  t = fm_test_decode_tensor (b);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_LIMIT,
                       "tensor 'H': shape [1099511627776, 1099511627776] has"
                       " too many elements");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* 2^40 x 2^20 doubles: fits in size_t as elements and as float bytes
   * (2^62), but is far over the byte limit given */
  tensor_head (b, "D", (gint64[]) { big, 1 << 20 }, 2, FM_ONNX_DOUBLE);
  t = fm_test_decode_tensor (b);
  expect_tensor_error (t, NULL, (gsize) 1 << 30, FM_ERROR_LIMIT,
                       "tensor 'D': shape [1099511627776, 1048576] needs");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* STRING */
  tensor_head (b, "S", (gint64[]) { 1 }, 1, FM_ONNX_STRING);
  fm_pb_string (b, FM_ONNX_TENSOR_STRING_DATA, "hello");
  t = fm_test_decode_tensor (b);
  g_assert_cmpuint (t->n_string_data, ==, 1);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       "tensor 'S': data type STRING is not supported");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* an unknown type number */
  tensor_head (b, "U", NULL, 0, 99);
  t = fm_test_decode_tensor (b);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                       "tensor 'U': invalid data type 99");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* external data without a base folder */
  tensor_head (b, "E", NULL, 0, FM_ONNX_FLOAT);
  fm_pb_int (b, FM_ONNX_TENSOR_DATA_LOCATION, FM_ONNX_DATA_LOCATION_EXTERNAL);
  t = fm_test_decode_tensor (b);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                       "tensor 'E': external data is not allowed");
}

/* ---- external data ------------------------------------------------------ */

static void
test_external_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fm-test-onnx-XXXXXX", &error);
  g_autofree char *sub = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *sub_path = NULL;
  g_autofree char *link_path = NULL;
  g_autofree char *outside = NULL;
  /* 8 bytes of padding, then 1.0, 2.0, -0.5, 4.0 little-endian */
  static const guint8 file[] = {
    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40,
    0x00, 0x00, 0x00, 0xbf, 0x00, 0x00, 0x80, 0x40,
  };
  const float expect[] = { 1.0f, 2.0f, -0.5f, 4.0f };

  g_assert_no_error (error);
  data_path = g_build_filename (dir, "weights.bin", NULL);
  sub = g_build_filename (dir, "sub", NULL);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  sub_path = g_build_filename (sub, "w.bin", NULL);
  link_path = g_build_filename (dir, "link.bin", NULL);
  g_file_set_contents (data_path, (const char *) file, sizeof file, &error);
  g_assert_no_error (error);
  g_file_set_contents (sub_path, (const char *) file + 8, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink ("weights.bin", link_path), ==, 0);

  /* good: offset 8, length 16 */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "weights.bin", "8", "16");
    g_autoptr(FmConstTensor) c = fm_onnx_tensor_to_const (t, dir, G_MAXSIZE,
                                                          &error);

    g_assert_no_error (error);
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (((float *) c->data)[i], ==, expect[i]);
  }
  /* good: a sub-folder, no offset or length */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "sub/w.bin", NULL, NULL);
    g_autoptr(FmConstTensor) c = fm_onnx_tensor_to_const (t, dir, G_MAXSIZE,
                                                          &error);

    g_assert_no_error (error);
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (((float *) c->data)[i], ==, expect[i]);
  }
  /* ".." even when it would stay inside */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "sub/../weights.bin", "8", NULL);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "tensor 'ext': external data location"
                         " 'sub/../weights.bin' contains '..'");
  }
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "..", NULL, NULL);

    expect_tensor_error (t, sub, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "contains '..'");
  }
  /* absolute */
  outside = g_strdup (data_path);
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, outside, "8", "16");

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "is an absolute path");
  }
  /* symlink, even to a file inside */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "link.bin", "8", "16");

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "tensor 'ext': external data file 'link.bin' is a"
                         " symbolic link");
  }
  /* offset 16 + length 16 = 32 > 24 bytes */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "weights.bin", "16", "16");

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "tensor 'ext': external data offset 16 + length 16"
                         " is past the end of 'weights.bin' (24 bytes)");
  }
  /* offset + length overflows 64 bits */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "weights.bin",
                                                         "18446744073709551615",
                                                         "16");

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "is past the end");
  }
  /* no length: 24 - 8 = 16 bytes are there but 5 floats need 20 */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 5, "weights.bin", "8", NULL);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "is past the end");
  }
  /* length that does not match the shape */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "weights.bin", "8", "12");

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "length 12 does not match the 16 bytes");
  }
  /* missing file, missing location, bad number */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "nope.bin", NULL, NULL);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_IO, "'nope.bin'");
  }
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, NULL, NULL, NULL);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "has no location");
  }
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("ext", 4, "weights.bin", "-8", NULL);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "offset '-8' is not a number");
  }

  g_unlink (link_path);
  g_unlink (sub_path);
  g_unlink (data_path);
  g_rmdir (sub);
  g_rmdir (dir);
}

void
fm_test_onnx_convert_add (void)
{
  g_test_add_func ("/engine/onnx-reader/shape-utils", test_shape_utils);
  g_test_add_func ("/engine/onnx-reader/aligned-alloc", test_aligned_alloc);
  g_test_add_func ("/engine/onnx-reader/half", test_half);
  g_test_add_func ("/engine/onnx-reader/convert/float-types", test_convert_float_types);
  g_test_add_func ("/engine/onnx-reader/convert/int-types", test_convert_int_types);
  g_test_add_func ("/engine/onnx-reader/convert/errors", test_convert_errors);
  g_test_add_func ("/engine/onnx-reader/external-data", test_external_data);
}
