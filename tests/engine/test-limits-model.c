/* test-limits-model.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows of DESIGN.md's limits table that loading a model checks
 * (element counts, the memory budget, the arena, data size, external data,
 * window attributes of ops), each at its boundary; part of test-limits.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fm-error.h"
#include "fm-run.h"
#include "fm-test-files.h"
#include "fm-test-onnx.h"
#include "test-limits.h"

/* A FLOAT TensorProto "w" decoded from @b (emptied first), which must
 * outlive it: raw_data points into it. */
static FmOnnxTensor *
float_tensor (GByteArray   *b,
              const gint64 *dims,
              int           rank,
              const void   *raw,
              gsize         raw_len)
{
  g_autoptr(GError) error = NULL;
  FmOnnxTensor *t;

  g_byte_array_set_size (b, 0);
  for (int i = 0; i < rank; i++)
    fm_pb_int (b, FM_ONNX_TENSOR_DIMS, dims[i]);
  fm_pb_int (b, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_FLOAT);
  fm_pb_string (b, FM_ONNX_TENSOR_NAME, "w");
  if (raw != NULL)
    fm_pb_bytes (b, FM_ONNX_TENSOR_RAW_DATA, raw, raw_len);
  t = fm_onnx_tensor_decode (b->data, b->len, NULL, &error);
  g_assert_no_error (error);
  return t;
}

static void
test_element_count (void)
{
#if GLIB_SIZEOF_SIZE_T == 8
  const gint64 over[] = { (gint64) 1 << 31, (gint64) 1 << 31 };
  const gint64 at[] = { (gint64) 1 << 31, (gint64) 1 << 30 };
  g_autoptr(GByteArray) b_over = g_byte_array_new ();
  g_autoptr(GByteArray) b_at = g_byte_array_new ();
  g_autoptr(FmOnnxTensor) t_over = float_tensor (b_over, over, 2, NULL, 0);
  g_autoptr(FmOnnxTensor) t_at = float_tensor (b_at, at, 2, NULL, 0);
  g_autoptr(GError) error = NULL;
  FmConstTensor *c;

  /* 2^31 * 2^31 = 2^62 floats = 2^64 bytes: one past G_MAXSIZE. */
  c = fm_onnx_tensor_to_const (t_over, NULL, G_MAXSIZE, &error);
  g_assert_null (c);
  fm_test_expect_error (error, FM_ERROR_LIMIT, "tensor 'w': shape");
  g_assert_nonnull (strstr (error->message, "has too many elements"));
  g_clear_error (&error);

  /* 2^61 floats = 2^63 bytes fits a size_t: the count passes, and the
   * missing data is what stops it (nothing was allocated). */
  c = fm_onnx_tensor_to_const (t_at, NULL, G_MAXSIZE, &error);
  g_assert_null (c);
  fm_test_expect_past_limit (error, FM_ERROR_INVALID_MODEL,
                             "tensor 'w': 0 values for shape");
  g_clear_error (&error);

  /* A graph input: G_MAXSIZE / 4 = 2^62 - 1 floats at most.
   * [1, 1, 2^31, 2^31] is 2^62; [1, 1, 2^31, 2^31 - 1] passes and then
   * meets the 4 GiB budget. */
  {
    g_autoptr(GByteArray) m = fm_test_relu_model ((gint64) 1 << 31, (gint64) 1 << 31,
                                                  FALSE, NULL);
    g_autoptr(FmModel) model = fm_test_load (m, 0, NULL, &error);

    g_assert_null (model);
    fm_test_expect_error (error, FM_ERROR_LIMIT,
                          "limits.onnx: input 'x' has an impossible shape");
    g_clear_error (&error);
  }
  {
    g_autoptr(GByteArray) m = fm_test_relu_model ((gint64) 1 << 31,
                                                  ((gint64) 1 << 31) - 1, FALSE, NULL);
    g_autoptr(FmModel) model = fm_test_load (m, 0, NULL, &error);

    g_assert_null (model);
    fm_test_expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'x' needs");
    g_assert_nonnull (strstr (error->message, "memory budget"));
  }
#else
  g_test_skip ("the boundaries tested are those of a 64-bit size_t");
#endif
}

/* ---- fm-model.c: budget, data size ------------------------------------- */

static void
test_budget_small (void)
{
  g_autoptr(GByteArray) m = fm_test_relu_model (2, 2, TRUE, NULL);
  g_autoptr(GError) error = NULL;

  /* w [2, 2] 16 bytes + x [1, 1, 2, 2] 16 + r 16 + y 16 = 64 bytes. */
  {
    g_autoptr(FmModel) model = fm_test_load (m, 64, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (model->weights_size, ==, 16);
  }
  /* 63: w, x and r take 48, y's 16 more cross it. */
  {
    g_autoptr(FmModel) model = fm_test_load (m, 63, NULL, &error);

    g_assert_null (model);
    fm_test_expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'y' needs");
    g_assert_nonnull (strstr (error->message, "memory budget"));
    g_clear_error (&error);
  }
  /* 31: w 16, then x's 16 cross it. */
  {
    g_autoptr(FmModel) model = fm_test_load (m, 31, NULL, &error);

    g_assert_null (model);
    fm_test_expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'x' needs");
    g_clear_error (&error);
  }
  /* 16: w fits exactly, x crosses; 15: w itself is refused before it is
   * converted, with the room left as the limit. */
  {
    g_autoptr(FmModel) model = fm_test_load (m, 16, NULL, &error);

    g_assert_null (model);
    fm_test_expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'x' needs");
    g_clear_error (&error);
  }
  {
    g_autoptr(FmModel) model = fm_test_load (m, 15, NULL, &error);

    g_assert_null (model);
    fm_test_expect_error (error, FM_ERROR_LIMIT,
                          "limits.onnx: initializer 'w': tensor 'w': shape [2, 2]"
                          " needs 16 bytes, more than the limit of 15");
  }
}

static void
test_budget_default (void)
{
  g_autoptr(GError) error = NULL;

  /* x [1, 1, 16384, 32768] floats = 2 GiB, y the same: 4 GiB exactly,
   * the default budget. Planning allocates none of it. */
  {
    g_autoptr(GByteArray) m = fm_test_relu_model (16384, 32768, FALSE, NULL);
    g_autoptr(FmModel) model = fm_test_load (m, 0, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (model);
  }
  /* One column more: x is 2 GiB + 64 KiB, y crosses 4 GiB. */
  {
    g_autoptr(GByteArray) m = fm_test_relu_model (16384, 32769, FALSE, NULL);
    g_autoptr(FmModel) model = fm_test_load (m, 0, NULL, &error);

    g_assert_null (model);
    fm_test_expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'y' needs");
    g_assert_nonnull (strstr (error->message, "budget of 4096 MiB"));
  }
}

static void
test_arena (void)
{
  g_autoptr(GError) error = NULL;

  /* At the planned size: a small model gets its arena and runs. */
  {
    g_autoptr(GByteArray) m = fm_test_relu_model (2, 2, FALSE, NULL);
    g_autoptr(FmModel) model = fm_test_load (m, 0, NULL, &error);
    g_autoptr(FmRun) run = NULL;
    const float x[] = { -1.0f, 2.0f, -3.0f, 4.0f };
    const float *y;

    g_assert_no_error (error);
    run = fm_run_new (model, &error);
    g_assert_no_error (error);
    memcpy (fm_run_input_data (run, 0), x, sizeof x);
    g_assert_true (fm_run_execute (run, NULL, &error));
    g_assert_no_error (error);
    y = fm_run_value_data (run, fm_model_find_value (model, "y"));
    g_assert_cmpfloat (y[0], ==, 0.0f);
    g_assert_cmpfloat (y[1], ==, 2.0f);
    g_assert_cmpfloat (y[2], ==, 0.0f);
    g_assert_cmpfloat (y[3], ==, 4.0f);
  }
#if GLIB_SIZEOF_SIZE_T == 8
  /* Past what the machine can give: [1, 1, 2^24, 2^24] floats is 2^50
   * bytes (1 PiB), y as much, within a budget of G_MAXSIZE. Loading only
   * plans it; fm_run_new() must report, not abort. */
  {
    g_autoptr(GByteArray) m = fm_test_relu_model ((gint64) 1 << 24, (gint64) 1 << 24,
                                                  FALSE, NULL);
    g_autoptr(FmModel) model = fm_test_load (m, G_MAXSIZE, NULL, &error);
    g_autoptr(FmRun) run = NULL;

    g_assert_no_error (error);
    run = fm_run_new (model, &error);
    g_assert_null (run);
    fm_test_expect_error (error, FM_ERROR_LIMIT,
                          "limits.onnx: not enough memory for the activations");
  }
#endif
}

static void
test_data_size (void)
{
  const gint64 dims[] = { 4 };
  const float v[] = { 1.0f, 2.0f, 3.0f, 4.0f, 5.0f };
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  /* 16 bytes for 4 floats: exact */
  {
    g_autoptr(FmOnnxTensor) t = float_tensor (bytes, dims, 1, v, 16);
    g_autoptr(FmConstTensor) c = fm_onnx_tensor_to_const (t, NULL, 16, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (((float *) c->data)[3], ==, 4.0f);
  }
  /* 15 bytes, 20 bytes */
  {
    static const struct
    {
      gsize       n_bytes;
      const char *fragment;
    } bad[] = {
      { 15, "tensor 'w': raw_data of 15 bytes for shape [4]" },
      { 20, "tensor 'w': 5 values for shape [4] (4)" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(FmOnnxTensor) t = float_tensor (bytes, dims, 1, v, bad[i].n_bytes);
        FmConstTensor *c = fm_onnx_tensor_to_const (t, NULL, 64, &error);

        g_assert_null (c);
        fm_test_expect_error (error, FM_ERROR_INVALID_MODEL, bad[i].fragment);
        g_clear_error (&error);
      }
  }
  /* float_data with 3 values for [4], through the model loader, which
   * names the file and the initializer */
  {
    g_autoptr(GByteArray) init = g_byte_array_new ();
    g_autoptr(GByteArray) graph = g_byte_array_new ();
    g_autoptr(GByteArray) m = NULL;
    g_autoptr(FmModel) model = NULL;

    fm_pb_int (init, FM_ONNX_TENSOR_DIMS, 4);
    fm_pb_int (init, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_FLOAT);
    fm_pb_packed_floats (init, FM_ONNX_TENSOR_FLOAT_DATA, v, 3);
    fm_pb_string (init, FM_ONNX_TENSOR_NAME, "w");
    fm_pb_message (graph, FM_ONNX_GRAPH_INITIALIZER, init);
    m = fm_test_model_bytes (graph, NULL);
    model = fm_test_load (m, 0, NULL, &error);
    g_assert_null (model);
    fm_test_expect_error (error, FM_ERROR_INVALID_MODEL,
                          "limits.onnx: initializer 'w': tensor 'w': 3 values for"
                          " shape [4] (4)");
  }
}

static void
test_external_data (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autofree char *outside = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autofree char *bin = NULL;
  g_autofree char *other = NULL;
  g_autofree char *link = NULL;
  g_autoptr(GError) error = NULL;
  /* 4 bytes of padding, then the floats 1, 2, 3, 4 (little-endian) */
  guint8 bytes[20] = { 0xee, 0xee, 0xee, 0xee };
  const float v[] = { 1.0f, 2.0f, 3.0f, 4.0f };

  for (int i = 0; i < 4; i++)
    {
      guint32 u;

      memcpy (&u, &v[i], 4);
      u = GUINT32_TO_LE (u);
      memcpy (bytes + 4 + 4 * i, &u, 4);
    }
  bin = fm_test_write_file (dir, "w.bin", bytes, sizeof bytes);
  other = fm_test_write_file (outside, "w.bin", bytes, sizeof bytes);
  link = g_build_filename (dir, "link.bin", NULL);
  g_assert_cmpint (symlink (bin, link), ==, 0);

  /* offset 4 + length 16 = 20, the file size */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("w", 4, "w.bin", "4", NULL);
    g_autoptr(FmConstTensor) c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (((float *) c->data)[0], ==, 1.0f);
    g_assert_cmpfloat (((float *) c->data)[3], ==, 4.0f);
  }
  /* offset 5 + 16 = 21 */
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("w", 4, "w.bin", "5", NULL);
    FmConstTensor *c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_null (c);
    fm_test_expect_error (error, FM_ERROR_INVALID_MODEL,
                          "tensor 'w': external data offset 5 + length 16 is past the"
                          " end of 'w.bin' (20 bytes)");
    g_clear_error (&error);
  }
  /* outside the folder: "..", an absolute path, a symlink */
  {
    g_autofree char *base = g_path_get_basename (outside);
    g_autofree char *up = g_build_filename ("..", base, "w.bin", NULL);
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("w", 4, up, "4", NULL);
    FmConstTensor *c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_null (c);
    fm_test_expect_error (error, FM_ERROR_INVALID_MODEL, "contains '..'");
    g_clear_error (&error);
  }
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("w", 4, other, "4", NULL);
    FmConstTensor *c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_null (c);
    fm_test_expect_error (error, FM_ERROR_INVALID_MODEL, "is an absolute");
    g_clear_error (&error);
  }
  {
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("w", 4, "link.bin", "4", NULL);
    FmConstTensor *c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_null (c);
    fm_test_expect_error (error, FM_ERROR_INVALID_MODEL,
                          "external data file 'link.bin' is a symbolic link");
    g_clear_error (&error);
  }
  /* A FIFO is refused at once (its open once waited for a writer, for
   * ever), and so is a model file that is one. */
  {
    g_autofree char *fifo = g_build_filename (dir, "fifo.bin", NULL);
    g_autoptr(FmOnnxTensor) t = fm_test_external_tensor ("w", 4, "fifo.bin", "4", NULL);
    FmConstTensor *c;
    FmModel *m;

    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    c = fm_onnx_tensor_to_const (t, dir, 16, &error);
    g_assert_null (c);
    fm_test_expect_error (error, FM_ERROR_IO,
                          "external data file 'fifo.bin' is not a regular file");
    g_clear_error (&error);
    m = fm_model_load_file (fifo, NULL, &error);
    g_assert_null (m);
    g_assert_error (error, FM_ERROR, FM_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "not a regular file"));
    g_clear_error (&error);
  }
  fm_test_remove_tree (dir);
  fm_test_remove_tree (outside);
}

/* ---- ops: window attributes -------------------------------------------- */

/* MaxPool x [1, 1, 2, 2] -> y with kernel_shape [1, 1], strides
 * [@stride, 1]. */
static GByteArray *
pool_model (gint64 stride)
{
  const gint64 dims[] = { 1, 1, 2, 2 };
  const gint64 kernel[] = { 1, 1 };
  const gint64 strides[] = { stride, 1 };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) node = fm_test_node ("MaxPool", "pool", (const char *[]) { "x", NULL },
                                             "y");
  g_autoptr(GByteArray) in = fm_test_value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info ("y", NULL, -1);

  fm_test_attr_ints (node, "kernel_shape", kernel, 2);
  fm_test_attr_ints (node, "strides", strides, 2);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, node);
  fm_pb_message (graph, FM_ONNX_GRAPH_INPUT, in);
  fm_pb_message (graph, FM_ONNX_GRAPH_OUTPUT, out);
  return fm_test_model_bytes (graph, NULL);
}

static void
test_op_window (void)
{
  g_autoptr(GError) error = NULL;

  /* stride 2^31 - 1 over 2 rows: (2 - 1) / s + 1 = 1 output row */
  {
    g_autoptr(GByteArray) m = pool_model (G_MAXINT32);
    g_autoptr(FmModel) model = fm_test_load (m, 0, NULL, &error);
    int y;

    g_assert_no_error (error);
    y = fm_model_find_value (model, "y");
    g_assert_cmpint (y, >=, 0);
    g_assert_cmpint (model->values[y].shape.dims[2], ==, 1);
    g_assert_cmpint (model->values[y].shape.dims[3], ==, 2);
  }
  {
    g_autoptr(GByteArray) m = pool_model ((gint64) G_MAXINT32 + 1);
    g_autoptr(FmModel) model = fm_test_load (m, 0, NULL, &error);

    g_assert_null (model);
    fm_test_expect_error (error, FM_ERROR_LIMIT,
                          "limits.onnx: node 'pool' (MaxPool): kernel, stride, dilation"
                          " or pad too large");
  }
}

void
fm_test_limits_model_add (void)
{
  g_test_add_func ("/limits/model/element-count", test_element_count);
  g_test_add_func ("/limits/model/budget", test_budget_small);
  g_test_add_func ("/limits/model/budget-default", test_budget_default);
  g_test_add_func ("/limits/model/arena", test_arena);
  g_test_add_func ("/limits/model/data-size", test_data_size);
  g_test_add_func ("/limits/model/external-data", test_external_data);
  g_test_add_func ("/limits/ops/window", test_op_window);
}
