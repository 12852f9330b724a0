/* test-limits.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One test per row of DESIGN.md's table "Limits checked before
 * allocating", each at its boundary: the value exactly at the limit is
 * accepted (or gets past that check and fails later for another, named
 * reason), and the value one over it fails with the documented error code
 * and a message naming the file, field or tensor. Where the caller can set
 * the limit (FmOnnxLimits, FmModelOptions.memory_budget, max_pixels,
 * max_bytes) it is set small; where it is a constant, a header DECLARES
 * the size (an IDX header of 100,000,001 items, a PNG IHDR over 64
 * megapixels, an npy shape of 1 GiB) so that nothing large is allocated.
 * The expected numbers are worked out by hand in the comments, not taken
 * from the code's output.
 *
 * It does not test the export sheet limits (src/render, not linked here;
 * see tests/render/test-sheet.c).
 */
#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "fm-dataset.h"
#include "fm-error.h"
#include "fm-image.h"
#include "fm-model.h"
#include "fm-npy.h"
#include "fm-onnx-proto.h"
#include "fm-preprocess.h"
#include "fm-run.h"
#include "fm-scan.h"
#include "fm-tensor.h"
#include "fm-test-pb.h"
#include "fm-test-files.h"

/* fm_run_new() must see a failed allocation of a petabyte as NULL, not as
 * an ASan report. */
#if defined(__SANITIZE_ADDRESS__)
#define FM_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FM_TEST_ASAN 1
#endif
#endif
#ifdef FM_TEST_ASAN
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "allocator_may_return_null=1";
}
#endif

/* ---- helpers ------------------------------------------------------------ */

/* @error must be set, in FM_ERROR with @code, and hold @fragment. A
 * mismatch fails the test case but lets the next cases run. */
static void
expect_error (const GError *error,
              int           code,
              const char   *fragment)
{
  g_assert_nonnull (error);
  if (error->domain != FM_ERROR || error->code != code)
    g_test_fail_printf ("expected FM_ERROR code %d, got %s code %d: \"%s\"",
                        code, g_quark_to_string (error->domain), error->code,
                        error->message);
  else if (strstr (error->message, fragment) == NULL)
    g_test_fail_printf ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

/* @error is set but is not an FM_ERROR_LIMIT: the value passed the limit
 * and something later (a missing payload) stopped it. */
static void
expect_past_limit (const GError *error,
                   int           code,
                   const char   *fragment)
{
  g_assert_nonnull (error);
  g_assert_true (error->code != FM_ERROR_LIMIT || error->domain != FM_ERROR);
  expect_error (error, code, fragment);
}

static char *
write_file (const char   *dir,
            const char   *name,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, (const char *) data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

/* zlib or gzip compression of @data, through GIO (not the engine's zlib
 * reader). */
static GByteArray *
compress (const guint8          *data,
          gsize                  len,
          GZlibCompressorFormat  format)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (format, 9);
  GByteArray *out = g_byte_array_new ();
  gsize in_pos = 0;

  for (;;)
    {
      guint8 buf[4096];
      gsize read = 0, written = 0;
      g_autoptr(GError) error = NULL;
      GConverterResult r;

      r = g_converter_convert (G_CONVERTER (z), data + in_pos, len - in_pos,
                               buf, sizeof buf, G_CONVERTER_INPUT_AT_END,
                               &read, &written, &error);
      g_assert_no_error (error);
      in_pos += read;
      g_byte_array_append (out, buf, (guint) written);
      if (r == G_CONVERTER_FINISHED)
        break;
    }
  return out;
}

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

/* ---- ONNX building ------------------------------------------------------ */

/* ValueInfoProto {name, type.tensor_type {elem_type FLOAT, shape}}; with
 * @rank < 0 only the name. */
static GByteArray *
value_info (const char   *name,
            const gint64 *dims,
            int           rank)
{
  GByteArray *vi = g_byte_array_new ();
  g_autoptr(GByteArray) shape = g_byte_array_new ();
  g_autoptr(GByteArray) ttype = g_byte_array_new ();
  g_autoptr(GByteArray) type = g_byte_array_new ();

  fm_pb_string (vi, 1, name);
  if (rank < 0)
    return vi;
  for (int i = 0; i < rank; i++)
    {
      g_autoptr(GByteArray) dim = g_byte_array_new ();

      fm_pb_int (dim, 1, dims[i]);               /* dim_value */
      fm_pb_message (shape, 1, dim);             /* dim */
    }
  fm_pb_int (ttype, 1, 1);                       /* elem_type FLOAT */
  fm_pb_message (ttype, 2, shape);               /* shape */
  fm_pb_message (type, 1, ttype);                /* tensor_type */
  fm_pb_message (vi, 2, type);                   /* type */
  return vi;
}

/* ModelProto {ir_version 8, opset_import {"" 13}, graph, metadata_props
 * from @meta (key, value, ..., NULL)}. */
static GByteArray *
model_bytes (GByteArray  *graph,
             const char **meta)
{
  GByteArray *m = g_byte_array_new ();
  g_autoptr(GByteArray) opset = g_byte_array_new ();

  fm_pb_int (m, 1, 8);
  fm_pb_string (opset, 1, "");
  fm_pb_int (opset, 2, 13);
  fm_pb_message (m, 8, opset);
  fm_pb_message (m, 7, graph);
  for (int i = 0; meta != NULL && meta[i] != NULL; i += 2)
    {
      g_autoptr(GByteArray) kv = g_byte_array_new ();

      fm_pb_string (kv, 1, meta[i]);
      fm_pb_string (kv, 2, meta[i + 1]);
      fm_pb_message (m, 14, kv);
    }
  return m;
}

/* Relu: x [1, 1, h, w] -> y, plus the initializer w [2, 2] (16 bytes)
 * added to x when @with_weight (Add (Relu (x), w)) */
static GByteArray *
relu_model (gint64       h,
            gint64       w,
            gboolean     with_weight,
            const char **meta)
{
  const gint64 dims[] = { 1, 1, h, w };
  const float wdata[] = { 0.5f, 0.25f, -1.0f, 2.0f };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) in = value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = value_info ("y", NULL, -1);

  fm_pb_string (node, 1, "x");
  fm_pb_string (node, 2, with_weight ? "r" : "y");
  fm_pb_string (node, 3, "relu");
  fm_pb_string (node, 4, "Relu");
  fm_pb_message (graph, 1, node);
  if (with_weight)
    {
      g_autoptr(GByteArray) add = g_byte_array_new ();
      g_autoptr(GByteArray) init = g_byte_array_new ();

      fm_pb_string (add, 1, "r");
      fm_pb_string (add, 1, "w");
      fm_pb_string (add, 2, "y");
      fm_pb_string (add, 3, "add");
      fm_pb_string (add, 4, "Add");
      fm_pb_message (graph, 1, add);
      fm_pb_int (init, 1, 2);
      fm_pb_int (init, 1, 2);
      fm_pb_int (init, 2, 1);
      fm_pb_string (init, 8, "w");
      fm_pb_bytes (init, 9, wdata, sizeof wdata);
      fm_pb_message (graph, 5, init);
    }
  fm_pb_string (graph, 2, "g");
  fm_pb_message (graph, 11, in);
  fm_pb_message (graph, 12, out);
  return model_bytes (graph, meta);
}

static FmModel *
load (GByteArray         *model,
      gsize               budget,
      const FmOnnxLimits *limits,
      GError            **error)
{
  FmModelOptions opts;

  fm_model_options_init (&opts);
  if (budget != 0)
    opts.memory_budget = budget;
  if (limits != NULL)
    opts.limits = *limits;
  return fm_model_load_bytes (model->data, model->len, "limits.onnx", NULL,
                              &opts, error);
}

static FmOnnxModel *
decode (GByteArray         *b,
        const FmOnnxLimits *limits,
        GError            **error)
{
  return fm_onnx_model_decode (b->data, b->len, limits, error);
}

static void
decode_ok (GByteArray         *b,
           const FmOnnxLimits *limits)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxModel) m = decode (b, limits, &error);

  g_assert_no_error (error);
  g_assert_nonnull (m);
}

static void
decode_fails (GByteArray         *b,
              const FmOnnxLimits *limits,
              int                 code,
              const char         *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxModel) m = decode (b, limits, &error);

  g_assert_null (m);
  expect_error (error, code, fragment);
}

/* ---- fm-onnx-proto.c ---------------------------------------------------- */

static void
test_onnx_depth (void)
{
  g_autoptr(GByteArray) model = relu_model (2, 2, FALSE, NULL);
  g_autoptr(GByteArray) tensor = g_byte_array_new ();
  g_autoptr(GByteArray) entry = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  FmOnnxLimits limits = { 0 };

  /* The deepest message is a dim: model 1 > graph 2 > input 3 > type 4 >
   * tensor_type 5 > shape 6 > dim 7. */
  limits.max_depth = 7;
  decode_ok (model, &limits);
  limits.max_depth = 6;
  decode_fails (model, &limits, FM_ERROR_LIMIT,
                "graph.input[0].type.tensor_type.shape.dim[0]: messages nested"
                " deeper than 6");

  /* The model loader passes its options' limits on, and names the file. */
  {
    g_autoptr(FmModel) m = load (model, 0, &limits, &error);

    g_assert_null (m);
    expect_error (error, FM_ERROR_LIMIT, "nested deeper than 6");
    g_assert_nonnull (strstr (error->message, "limits.onnx"));
    g_clear_error (&error);
  }
  limits.max_depth = 7;
  {
    g_autoptr(FmModel) m = load (model, 0, &limits, &error);

    g_assert_no_error (error);
    g_assert_nonnull (m);
  }

  /* A lone tensor: tensor 1 > external_data 2. */
  fm_pb_string (entry, 1, "location");
  fm_pb_string (entry, 2, "w.bin");
  fm_pb_string (tensor, 8, "w");
  fm_pb_message (tensor, 13, entry);
  limits.max_depth = 2;
  {
    g_autoptr(FmOnnxTensor) t = fm_onnx_tensor_decode (tensor->data, tensor->len,
                                                       &limits, &error);
    g_assert_no_error (error);
    g_assert_nonnull (t);
  }
  limits.max_depth = 1;
  {
    g_autoptr(FmOnnxTensor) t = fm_onnx_tensor_decode (tensor->data, tensor->len,
                                                       &limits, &error);
    g_assert_null (t);
    expect_error (error, FM_ERROR_LIMIT,
                  "tensor.external_data[0]: messages nested deeper than 1");
  }
}

/* @n copies of a repeated message or string field of a graph. */
static GByteArray *
graph_with (guint       field,
            GByteArray *item,
            guint       n)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();

  for (guint i = 0; i < n; i++)
    fm_pb_message (graph, field, item);
  return model_bytes (graph, NULL);
}

static void
test_onnx_nodes (void)
{
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) vi = value_info ("v", NULL, -1);
  g_autoptr(GByteArray) m3 = NULL;
  g_autoptr(GByteArray) v3 = NULL;
  FmOnnxLimits limits = { 0 };

  fm_pb_string (node, 4, "Relu");
  m3 = graph_with (1, node, 3);
  limits.max_nodes = 3;
  decode_ok (m3, &limits);
  limits.max_nodes = 2;
  decode_fails (m3, &limits, FM_ERROR_LIMIT, "graph.node: more than 2 entries");

  /* value_info is bounded by max_nodes too */
  v3 = graph_with (13, vi, 3);
  limits.max_nodes = 3;
  decode_ok (v3, &limits);
  limits.max_nodes = 2;
  decode_fails (v3, &limits, FM_ERROR_LIMIT,
                "graph.value_info: more than 2 entries");
}

static void
test_onnx_tensors (void)
{
  g_autoptr(GByteArray) init = g_byte_array_new ();
  g_autoptr(GByteArray) vi = value_info ("v", NULL, -1);
  g_autoptr(GByteArray) i3 = NULL;
  g_autoptr(GByteArray) in3 = NULL;
  g_autoptr(GByteArray) out3 = NULL;
  FmOnnxLimits limits = { 0 };

  fm_pb_string (init, 8, "w");
  i3 = graph_with (5, init, 3);
  limits.max_tensors = 3;
  decode_ok (i3, &limits);
  limits.max_tensors = 2;
  decode_fails (i3, &limits, FM_ERROR_LIMIT,
                "graph.initializer: more than 2 entries");

  /* graph inputs and outputs are bounded by max_tensors too */
  in3 = graph_with (11, vi, 3);
  out3 = graph_with (12, vi, 3);
  limits.max_tensors = 3;
  decode_ok (in3, &limits);
  decode_ok (out3, &limits);
  limits.max_tensors = 2;
  decode_fails (in3, &limits, FM_ERROR_LIMIT, "graph.input: more than 2 entries");
  decode_fails (out3, &limits, FM_ERROR_LIMIT, "graph.output: more than 2 entries");
}

static GByteArray *
node_model (GByteArray *node)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();

  fm_pb_message (graph, 1, node);
  return model_bytes (graph, NULL);
}

static void
test_onnx_per_node (void)
{
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) with_attrs = g_byte_array_new ();
  g_autoptr(GByteArray) with_inputs = g_byte_array_new ();
  g_autoptr(GByteArray) with_outputs = g_byte_array_new ();
  g_autoptr(GByteArray) attr_strings = g_byte_array_new ();
  g_autoptr(GByteArray) with_strings = g_byte_array_new ();
  g_autoptr(GByteArray) m = NULL;
  FmOnnxLimits limits = { 0 };

  fm_pb_string (attr, 1, "a");
  for (int i = 0; i < 3; i++)
    {
      fm_pb_message (with_attrs, 5, attr);
      fm_pb_string (with_inputs, 1, "x");
      fm_pb_string (with_outputs, 2, "y");
      fm_pb_string (attr_strings, 9, "s");      /* AttributeProto.strings */
    }
  fm_pb_string (attr_strings, 1, "names");
  fm_pb_message (with_strings, 5, attr_strings);

  m = node_model (with_attrs);
  limits.max_attributes = 3;
  decode_ok (m, &limits);
  limits.max_attributes = 2;
  decode_fails (m, &limits, FM_ERROR_LIMIT,
                "graph.node[0].attribute: more than 2 entries");
  g_clear_pointer (&m, g_byte_array_unref);

  memset (&limits, 0, sizeof limits);
  m = node_model (with_inputs);
  limits.max_strings = 3;
  decode_ok (m, &limits);
  limits.max_strings = 2;
  decode_fails (m, &limits, FM_ERROR_LIMIT,
                "graph.node[0].input: more than 2 entries");
  g_clear_pointer (&m, g_byte_array_unref);

  m = node_model (with_outputs);
  limits.max_strings = 3;
  decode_ok (m, &limits);
  limits.max_strings = 2;
  decode_fails (m, &limits, FM_ERROR_LIMIT,
                "graph.node[0].output: more than 2 entries");
  g_clear_pointer (&m, g_byte_array_unref);

  /* attribute strings are bounded by max_strings too */
  m = node_model (with_strings);
  limits.max_strings = 3;
  decode_ok (m, &limits);
  limits.max_strings = 2;
  decode_fails (m, &limits, FM_ERROR_LIMIT,
                "graph.node[0].attribute[0].strings: more than 2 entries");
}

static void
test_onnx_model_strings (void)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) opsets = g_byte_array_new ();
  g_autoptr(GByteArray) meta = NULL;
  const char *kv[] = { "a", "1", "b", "2", "c", "3", NULL };
  FmOnnxLimits limits = { 0 };

  /* three opset_imports */
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GByteArray) o = g_byte_array_new ();

      fm_pb_string (o, 1, i == 0 ? "" : i == 1 ? "a" : "b");
      fm_pb_int (o, 2, 13);
      fm_pb_message (opsets, 8, o);
    }
  limits.max_strings = 3;
  decode_ok (opsets, &limits);
  limits.max_strings = 2;
  decode_fails (opsets, &limits, FM_ERROR_LIMIT, "opset_import: more than 2 entries");

  /* model_bytes adds one opset_import and three metadata_props */
  meta = model_bytes (graph, kv);
  limits.max_strings = 3;
  decode_ok (meta, &limits);
  limits.max_strings = 2;
  decode_fails (meta, &limits, FM_ERROR_LIMIT,
                "metadata_props: more than 2 entries");
}

static void
test_onnx_length (void)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) model = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  /* graph = {name: "abc"} with the length 3 exactly as it is, then the
   * model goes on with producer_name, so bytes do follow the graph. */
  fm_pb_string (graph, 2, "abc");
  fm_pb_message (model, 7, graph);
  fm_pb_string (model, 2, "producer");
  {
    g_autoptr(FmOnnxModel) m = decode (model, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (m->graph->name, ==, "abc");
    g_assert_cmpstr (m->producer_name, ==, "producer");
  }

  /* Byte 3 is the length of graph.name (bytes: 3a 05 12 03 'a' 'b' 'c').
   * Claiming 4 passes the end of the 5-byte graph, though not of the
   * file. */
  g_assert_cmpuint (model->data[3], ==, 3);
  model->data[3] = 4;
  decode_fails (model, NULL, FM_ERROR_INVALID_MODEL,
                "graph.name: length 4 past end (3 bytes remain) at byte 3");
}

static void
test_onnx_packed_array (void)
{
#if GLIB_SIZEOF_SIZE_T == 8
  /* TensorProto.int64_data (field 7) packed: tag 0x3a, then the length
   * 2^29 as a varint (80 80 80 80 02), then 2^29 zero bytes, each one
   * varint 0: 2^29 = 536870912 values, one over G_MAXUINT / 8 =
   * 536870911. The zero pages are mapped, not allocated; the decoder must
   * refuse before asking for 4 GiB. */
  static const guint8 head[] = { 0x3a, 0x80, 0x80, 0x80, 0x80, 0x02 };
  gsize n = (gsize) 1 << 29;
  gsize len = sizeof head + n;
  g_autoptr(GError) error = NULL;
  guint8 *buf;
  FmOnnxTensor *t;

  buf = mmap (NULL, len, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (buf == MAP_FAILED)
    {
      g_test_skip ("cannot map 512 MiB of address space");
      return;
    }
  memcpy (buf, head, sizeof head);
  t = fm_onnx_tensor_decode (buf, len, NULL, &error);
  g_assert_null (t);
  expect_error (error, FM_ERROR_LIMIT,
                "tensor.int64_data: more than 536870911 values at byte 0");
  munmap (buf, len);
#else
  g_test_skip ("needs a 64-bit address space");
#endif
}

static void
test_onnx_rank (void)
{
  const gint64 ones[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  const float one = 1.0f;
  g_autoptr(GError) error = NULL;

  for (int rank = 8; rank <= 9; rank++)
    {
      g_autoptr(GByteArray) init = g_byte_array_new ();
      g_autoptr(GByteArray) graph = g_byte_array_new ();
      g_autoptr(GByteArray) vgraph = g_byte_array_new ();
      g_autoptr(GByteArray) vi = value_info ("x", ones, rank);
      g_autoptr(GByteArray) m = NULL;
      g_autoptr(GByteArray) vm = NULL;
      g_autoptr(GByteArray) packed = g_byte_array_new ();

      for (int i = 0; i < rank; i++)
        fm_pb_int (init, 1, 1);                  /* dims, unpacked */
      fm_pb_int (init, 2, 1);
      fm_pb_string (init, 8, "w");
      fm_pb_bytes (init, 9, &one, sizeof one);
      fm_pb_message (graph, 5, init);
      m = model_bytes (graph, NULL);

      fm_pb_message (vgraph, 11, vi);
      vm = model_bytes (vgraph, NULL);

      fm_pb_packed_ints (packed, 1, ones, (gsize) rank);

      if (rank == 8)
        {
          g_autoptr(FmOnnxModel) dm = decode (m, NULL, &error);
          g_autoptr(FmOnnxModel) dvm = decode (vm, NULL, &error);
          g_autoptr(FmOnnxTensor) t = fm_onnx_tensor_decode (packed->data,
                                                             packed->len,
                                                             NULL, &error);
          g_autoptr(FmConstTensor) c = NULL;
          const FmOnnxTensor *w;

          g_assert_no_error (error);
          w = g_ptr_array_index (dm->graph->initializers, 0);
          g_assert_cmpint (w->rank, ==, 8);
          g_assert_cmpint (((FmOnnxValueInfo *) g_ptr_array_index (dvm->graph->inputs, 0))->rank,
                           ==, 8);
          g_assert_cmpint (t->rank, ==, 8);
          /* and it converts into a runtime constant of rank 8 */
          c = fm_onnx_tensor_to_const (w, NULL, 64, &error);
          g_assert_no_error (error);
          g_assert_cmpint (c->shape.rank, ==, 8);
          g_assert_cmpfloat (((float *) c->data)[0], ==, 1.0f);
        }
      else
        {
          g_autoptr(FmOnnxTensor) t = NULL;

          decode_fails (m, NULL, FM_ERROR_LIMIT,
                        "graph.initializer[0].dims: rank 9 exceeds 8");
          decode_fails (vm, NULL, FM_ERROR_LIMIT,
                        "graph.input[0].type.tensor_type.shape.dim: rank 9 exceeds 8");
          t = fm_onnx_tensor_decode (packed->data, packed->len, NULL, &error);
          g_assert_null (t);
          expect_error (error, FM_ERROR_LIMIT, "tensor.dims: rank 9 exceeds 8");
          g_clear_error (&error);
        }
    }
}

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
    fm_pb_int (b, 1, dims[i]);
  fm_pb_int (b, 2, 1);
  fm_pb_string (b, 8, "w");
  if (raw != NULL)
    fm_pb_bytes (b, 9, raw, raw_len);
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
  expect_error (error, FM_ERROR_LIMIT, "tensor 'w': shape");
  g_assert_nonnull (strstr (error->message, "has too many elements"));
  g_clear_error (&error);

  /* 2^61 floats = 2^63 bytes fits a size_t: the count passes, and the
   * missing data is what stops it (nothing was allocated). */
  c = fm_onnx_tensor_to_const (t_at, NULL, G_MAXSIZE, &error);
  g_assert_null (c);
  expect_past_limit (error, FM_ERROR_INVALID_MODEL,
                     "tensor 'w': 0 values for shape");
  g_clear_error (&error);

  /* A graph input: G_MAXSIZE / 4 = 2^62 - 1 floats at most.
   * [1, 1, 2^31, 2^31] is 2^62; [1, 1, 2^31, 2^31 - 1] passes and then
   * meets the 4 GiB budget. */
  {
    g_autoptr(GByteArray) m = relu_model ((gint64) 1 << 31, (gint64) 1 << 31,
                                          FALSE, NULL);
    g_autoptr(FmModel) model = load (m, 0, NULL, &error);

    g_assert_null (model);
    expect_error (error, FM_ERROR_LIMIT,
                  "limits.onnx: input 'x' has an impossible shape");
    g_clear_error (&error);
  }
  {
    g_autoptr(GByteArray) m = relu_model ((gint64) 1 << 31,
                                          ((gint64) 1 << 31) - 1, FALSE, NULL);
    g_autoptr(FmModel) model = load (m, 0, NULL, &error);

    g_assert_null (model);
    expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'x' needs");
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
  g_autoptr(GByteArray) m = relu_model (2, 2, TRUE, NULL);
  g_autoptr(GError) error = NULL;

  /* w [2, 2] 16 bytes + x [1, 1, 2, 2] 16 + r 16 + y 16 = 64 bytes. */
  {
    g_autoptr(FmModel) model = load (m, 64, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (model->weights_size, ==, 16);
  }
  /* 63: w, x and r take 48, y's 16 more cross it. */
  {
    g_autoptr(FmModel) model = load (m, 63, NULL, &error);

    g_assert_null (model);
    expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'y' needs");
    g_assert_nonnull (strstr (error->message, "memory budget"));
    g_clear_error (&error);
  }
  /* 31: w 16, then x's 16 cross it. */
  {
    g_autoptr(FmModel) model = load (m, 31, NULL, &error);

    g_assert_null (model);
    expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'x' needs");
    g_clear_error (&error);
  }
  /* 16: w fits exactly, x crosses; 15: w itself is refused before it is
   * converted, with the room left as the limit. */
  {
    g_autoptr(FmModel) model = load (m, 16, NULL, &error);

    g_assert_null (model);
    expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'x' needs");
    g_clear_error (&error);
  }
  {
    g_autoptr(FmModel) model = load (m, 15, NULL, &error);

    g_assert_null (model);
    expect_error (error, FM_ERROR_LIMIT,
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
    g_autoptr(GByteArray) m = relu_model (16384, 32768, FALSE, NULL);
    g_autoptr(FmModel) model = load (m, 0, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (model);
  }
  /* One column more: x is 2 GiB + 64 KiB, y crosses 4 GiB. */
  {
    g_autoptr(GByteArray) m = relu_model (16384, 32769, FALSE, NULL);
    g_autoptr(FmModel) model = load (m, 0, NULL, &error);

    g_assert_null (model);
    expect_error (error, FM_ERROR_LIMIT, "limits.onnx: 'y' needs");
    g_assert_nonnull (strstr (error->message, "budget of 4096 MiB"));
  }
}

static void
test_arena (void)
{
  g_autoptr(GError) error = NULL;

  /* At the planned size: a small model gets its arena and runs. */
  {
    g_autoptr(GByteArray) m = relu_model (2, 2, FALSE, NULL);
    g_autoptr(FmModel) model = load (m, 0, NULL, &error);
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
    g_autoptr(GByteArray) m = relu_model ((gint64) 1 << 24, (gint64) 1 << 24,
                                          FALSE, NULL);
    g_autoptr(FmModel) model = load (m, G_MAXSIZE, NULL, &error);
    g_autoptr(FmRun) run = NULL;

    g_assert_no_error (error);
    run = fm_run_new (model, &error);
    g_assert_null (run);
    expect_error (error, FM_ERROR_LIMIT,
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
  /* 15 bytes, 20 bytes, 12 bytes */
  {
    g_autoptr(FmOnnxTensor) t = float_tensor (bytes, dims, 1, v, 15);
    FmConstTensor *c = fm_onnx_tensor_to_const (t, NULL, 64, &error);

    g_assert_null (c);
    expect_error (error, FM_ERROR_INVALID_MODEL,
                  "tensor 'w': raw_data of 15 bytes for shape [4]");
    g_clear_error (&error);
  }
  {
    g_autoptr(FmOnnxTensor) t = float_tensor (bytes, dims, 1, v, 20);
    FmConstTensor *c = fm_onnx_tensor_to_const (t, NULL, 64, &error);

    g_assert_null (c);
    expect_error (error, FM_ERROR_INVALID_MODEL,
                  "tensor 'w': 5 values for shape [4] (4)");
    g_clear_error (&error);
  }
  /* float_data with 3 values for [4], through the model loader, which
   * names the file and the initializer */
  {
    g_autoptr(GByteArray) init = g_byte_array_new ();
    g_autoptr(GByteArray) graph = g_byte_array_new ();
    g_autoptr(GByteArray) m = NULL;
    g_autoptr(FmModel) model = NULL;

    fm_pb_int (init, 1, 4);
    fm_pb_int (init, 2, 1);
    fm_pb_packed_floats (init, 4, v, 3);
    fm_pb_string (init, 8, "w");
    fm_pb_message (graph, 5, init);
    m = model_bytes (graph, NULL);
    model = load (m, 0, NULL, &error);
    g_assert_null (model);
    expect_error (error, FM_ERROR_INVALID_MODEL,
                  "limits.onnx: initializer 'w': tensor 'w': 3 values for"
                  " shape [4] (4)");
  }
}

static FmOnnxTensor *
external_tensor (const char *location,
                 const char *offset)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) loc = g_byte_array_new ();
  g_autoptr(GByteArray) off = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  FmOnnxTensor *t;

  fm_pb_int (b, 1, 4);
  fm_pb_int (b, 2, 1);
  fm_pb_string (b, 8, "w");
  fm_pb_string (loc, 1, "location");
  fm_pb_string (loc, 2, location);
  fm_pb_message (b, 13, loc);
  fm_pb_string (off, 1, "offset");
  fm_pb_string (off, 2, offset);
  fm_pb_message (b, 13, off);
  fm_pb_int (b, 14, 1);                          /* EXTERNAL */
  t = fm_onnx_tensor_decode (b->data, b->len, NULL, &error);
  g_assert_no_error (error);
  return t;
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
  bin = write_file (dir, "w.bin", bytes, sizeof bytes);
  other = write_file (outside, "w.bin", bytes, sizeof bytes);
  link = g_build_filename (dir, "link.bin", NULL);
  g_assert_cmpint (symlink (bin, link), ==, 0);

  /* offset 4 + length 16 = 20, the file size */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("w.bin", "4");
    g_autoptr(FmConstTensor) c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (((float *) c->data)[0], ==, 1.0f);
    g_assert_cmpfloat (((float *) c->data)[3], ==, 4.0f);
  }
  /* offset 5 + 16 = 21 */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("w.bin", "5");
    FmConstTensor *c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_null (c);
    expect_error (error, FM_ERROR_INVALID_MODEL,
                  "tensor 'w': external data offset 5 + length 16 is past the"
                  " end of 'w.bin' (20 bytes)");
    g_clear_error (&error);
  }
  /* outside the folder: "..", an absolute path, a symlink */
  {
    g_autofree char *base = g_path_get_basename (outside);
    g_autofree char *up = g_build_filename ("..", base, "w.bin", NULL);
    g_autoptr(FmOnnxTensor) t = external_tensor (up, "4");
    FmConstTensor *c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_null (c);
    expect_error (error, FM_ERROR_INVALID_MODEL, "contains '..'");
    g_clear_error (&error);
  }
  {
    g_autoptr(FmOnnxTensor) t = external_tensor (other, "4");
    FmConstTensor *c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_null (c);
    expect_error (error, FM_ERROR_INVALID_MODEL, "is an absolute");
    g_clear_error (&error);
  }
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("link.bin", "4");
    FmConstTensor *c = fm_onnx_tensor_to_const (t, dir, 16, &error);

    g_assert_null (c);
    expect_error (error, FM_ERROR_INVALID_MODEL,
                  "external data file 'link.bin' is a symbolic link");
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
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) k = g_byte_array_new ();
  g_autoptr(GByteArray) st = g_byte_array_new ();
  g_autoptr(GByteArray) in = value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = value_info ("y", NULL, -1);

  fm_pb_string (k, 1, "kernel_shape");
  fm_pb_packed_ints (k, 8, kernel, 2);
  fm_pb_int (k, 20, 7);                          /* INTS */
  fm_pb_string (st, 1, "strides");
  fm_pb_packed_ints (st, 8, strides, 2);
  fm_pb_int (st, 20, 7);
  fm_pb_string (node, 1, "x");
  fm_pb_string (node, 2, "y");
  fm_pb_string (node, 3, "pool");
  fm_pb_string (node, 4, "MaxPool");
  fm_pb_message (node, 5, k);
  fm_pb_message (node, 5, st);
  fm_pb_message (graph, 1, node);
  fm_pb_message (graph, 11, in);
  fm_pb_message (graph, 12, out);
  return model_bytes (graph, NULL);
}

static void
test_op_window (void)
{
  g_autoptr(GError) error = NULL;

  /* stride 2^31 - 1 over 2 rows: (2 - 1) / s + 1 = 1 output row */
  {
    g_autoptr(GByteArray) m = pool_model (G_MAXINT32);
    g_autoptr(FmModel) model = load (m, 0, NULL, &error);
    int y;

    g_assert_no_error (error);
    y = fm_model_find_value (model, "y");
    g_assert_cmpint (y, >=, 0);
    g_assert_cmpint (model->values[y].shape.dims[2], ==, 1);
    g_assert_cmpint (model->values[y].shape.dims[3], ==, 2);
  }
  {
    g_autoptr(GByteArray) m = pool_model ((gint64) G_MAXINT32 + 1);
    g_autoptr(FmModel) model = load (m, 0, NULL, &error);

    g_assert_null (model);
    expect_error (error, FM_ERROR_LIMIT,
                  "limits.onnx: node 'pool' (MaxPool): kernel, stride, dilation"
                  " or pad too large");
  }
}

/* ---- fm-image.c --------------------------------------------------------- */

static guint32
crc32_png (const guint8 *data,
           gsize         len,
           guint32       crc)
{
  /* bitwise CRC-32 (ISO 3309, reflected polynomial 0xedb88320) */
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
  return crc;
}

static void
png_chunk (GByteArray   *png,
           const char   *type,
           const guint8 *data,
           gsize         len)
{
  guint8 be[4];
  guint32 crc;

  put_be32 (be, (guint32) len);
  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (png, data, (guint) len);
  crc = crc32_png ((const guint8 *) type, 4, 0xffffffffu);
  crc = crc32_png (data, len, crc) ^ 0xffffffffu;
  put_be32 (be, crc);
  g_byte_array_append (png, be, 4);
}

/* An 8-bit gray PNG of @w x @h whose IDAT holds @rows (filter byte 0 and
 * w bytes per row; NULL for an IDAT of a few junk bytes). */
static GByteArray *
gray_png (guint32       w,
          guint32       h,
          const guint8 *rows,
          gsize         rows_len)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[13] = { 0 };

  g_byte_array_append (png, sig, 8);
  put_be32 (ihdr, w);
  put_be32 (ihdr + 4, h);
  ihdr[8] = 8;                                   /* bit depth */
  ihdr[9] = 0;                                   /* gray */
  png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  if (rows != NULL)
    {
      g_autoptr(GByteArray) z = compress (rows, rows_len,
                                          G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
      png_chunk (png, "IDAT", z->data, z->len);
    }
  else
    png_chunk (png, "IDAT", (const guint8 *) "\x78\x9c\x01\x00", 4);
  png_chunk (png, "IEND", NULL, 0);
  return png;
}

/* fm_image_load_bytes() of @bytes, named @name, with the default pixel
 * limit returns NULL: when @over_limit with FM_ERROR_LIMIT, otherwise with
 * another error from past the limit check (expect_past_limit()); either
 * way the message holds @fragment. */
static void
expect_load_fails (GByteArray *bytes,
                   const char *name,
                   gboolean    over_limit,
                   const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmImage) img = fm_image_load_bytes (bytes->data, bytes->len, name,
                                                0, &error);

  g_assert_null (img);
  if (over_limit)
    expect_error (error, FM_ERROR_LIMIT, fragment);
  else
    expect_past_limit (error, FM_ERROR_INVALID_INPUT, fragment);
}

static void
test_image_pixels (void)
{
  /* 3 x 2: filter 0 then the pixels of each row */
  static const guint8 rows[] = { 0, 10, 20, 30, 0, 40, 50, 60 };
  g_autoptr(GByteArray) small = gray_png (3, 2, rows, sizeof rows);
  g_autoptr(GByteArray) at = gray_png (8000, 8000, NULL, 0);
  g_autoptr(GByteArray) over = gray_png (8000, 8001, NULL, 0);
  g_autoptr(GError) error = NULL;

  /* caller's max_pixels: 6 = 3 x 2 */
  {
    g_autoptr(FmImage) img = fm_image_load_bytes (small->data, small->len,
                                                  "small.png", 6, &error);

    g_assert_no_error (error);
    g_assert_cmpint (img->width, ==, 3);
    g_assert_cmpint (img->height, ==, 2);
    g_assert_cmpint (img->channels, ==, 1);
    g_assert_cmpuint (img->pixels[0], ==, 10);
    g_assert_cmpuint (img->pixels[5], ==, 60);
  }
  {
    g_autoptr(FmImage) img = fm_image_load_bytes (small->data, small->len,
                                                  "small.png", 5, &error);

    g_assert_null (img);
    expect_error (error, FM_ERROR_LIMIT,
                  "small.png: the picture is 3 x 2 pixels, above the limit of 5"
                  " pixels");
    g_clear_error (&error);
  }

  /* The default, 64,000,000 pixels, from the header alone: 8000 x 8000
   * passes (and then lacks its pixel data), 8000 x 8001 does not. */
  expect_load_fails (at, "at.png", FALSE, "at.png: invalid PNG");
  expect_load_fails (over, "over.png", TRUE,
                     "over.png: the picture is 8000 x 8001 pixels, above the limit"
                     " of 64000000 pixels");

  /* fm_image_new() takes the same limit */
  {
    g_autoptr(FmImage) img = fm_image_new (3, 2, 1, 6, &error);

    g_assert_no_error (error);
    g_assert_nonnull (img);
  }
  {
    g_autoptr(FmImage) img = fm_image_new (3, 2, 1, 5, &error);

    g_assert_null (img);
    expect_error (error, FM_ERROR_LIMIT, "3 x 2 image is outside the limit");
  }
}

/* SOI, SOF0 (8-bit, @w x @h, one component), SOS: a header and nothing
 * else, no tables and no scan data. */
static GByteArray *
jpeg_header (guint16 w,
             guint16 h)
{
  GByteArray *j = g_byte_array_new ();
  guint8 sof[] = { 0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 0, 0, 0, 0x01,
                   0x01, 0x11, 0x00 };
  static const guint8 sos[] = { 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00,
                                0x00, 0x3f, 0x00 };

  sof[5] = h >> 8;
  sof[6] = h & 0xff;
  sof[7] = w >> 8;
  sof[8] = w & 0xff;
  g_byte_array_append (j, (const guint8 *) "\xff\xd8", 2);
  g_byte_array_append (j, sof, sizeof sof);
  g_byte_array_append (j, sos, sizeof sos);
  return j;
}

static void
test_image_pixels_jpeg (void)
{
  g_autoptr(GByteArray) at = jpeg_header (8000, 8000);
  g_autoptr(GByteArray) over = jpeg_header (8000, 8001);

  expect_load_fails (at, "at.jpg", FALSE, "at.jpg: invalid JPEG");
  expect_load_fails (over, "over.jpg", TRUE,
                     "over.jpg: the picture is 8000 x 8001 pixels, above the limit"
                     " of 64000000 pixels");
}

/* ---- fm-dataset.c ------------------------------------------------------- */

static GByteArray *
idx_header (guint32 n,
            guint32 h,
            guint32 w)
{
  GByteArray *b = g_byte_array_new ();
  guint8 head[16];

  put_be32 (head, 0x00000803);
  put_be32 (head + 4, n);
  put_be32 (head + 8, h);
  put_be32 (head + 12, w);
  g_byte_array_append (b, head, 16);
  return b;
}

static void
test_idx_counts (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autoptr(GError) error = NULL;
  struct
  {
    guint32     n, h, w;
    int         code;
    const char *fragment;
  } cases[] = {
    /* 100,000,000 items of 1 x 1 pass the count, then the file is short */
    { 100000000, 1, 1, FM_ERROR_INVALID_INPUT,
      "the header promises 100000016 bytes but the file has 16" },
    { 100000001, 1, 1, FM_ERROR_LIMIT,
      "the IDX header gives 100000001 items, above the limit of 100000000" },
    /* 8000 x 8000 = 64,000,000 pixels pass; 8000 x 8001 do not */
    { 1, 8000, 8000, FM_ERROR_INVALID_INPUT,
      "the header promises 64000016 bytes but the file has 16" },
    { 1, 8000, 8001, FM_ERROR_LIMIT,
      "the IDX header gives items of 8000 x 8001 pixels, above the limit of"
      " 64000000 pixels" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) b = idx_header (cases[i].n, cases[i].h, cases[i].w);
      g_autofree char *path = write_file (dir, "items.idx", b->data, b->len);
      g_autoptr(FmDataset) ds = fm_dataset_open (path, NULL, &error);

      g_assert_null (ds);
      if (cases[i].code == FM_ERROR_LIMIT)
        expect_error (error, FM_ERROR_LIMIT, cases[i].fragment);
      else
        expect_past_limit (error, cases[i].code, cases[i].fragment);
      g_assert_nonnull (strstr (error->message, path));
      g_clear_error (&error);
    }
  fm_test_remove_tree (dir);
}

static void
test_idx_plain_size (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) b = idx_header (3, 2, 2);
  g_autofree char *exact = NULL;
  g_autofree char *shorter = NULL;
  guint8 label_head[8];
  guint8 labels[8 + 3];
  g_autofree char *lab_exact = NULL;
  g_autofree char *lab_short = NULL;

  /* 16 + 3 * 4 = 28 bytes */
  for (guint8 i = 0; i < 12; i++)
    g_byte_array_append (b, &i, 1);
  exact = write_file (dir, "exact.idx", b->data, b->len);
  shorter = write_file (dir, "short.idx", b->data, b->len - 1);

  put_be32 (label_head, 0x00000801);
  put_be32 (label_head + 4, 3);
  memcpy (labels, label_head, 8);
  labels[8] = 7;
  labels[9] = 8;
  labels[10] = 9;
  lab_exact = write_file (dir, "exact-labels.idx", labels, sizeof labels);
  lab_short = write_file (dir, "short-labels.idx", labels, sizeof labels - 1);

  {
    g_autoptr(FmDataset) ds = fm_dataset_open (exact, lab_exact, &error);
    g_autoptr(FmImage) img = NULL;
    guint64 index = 99;
    int label = -1;
    int n = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 3);
    while (fm_dataset_next (ds, &index, &img, &label, &error))
      {
        g_assert_cmpuint (index, ==, (guint64) n);
        g_assert_cmpint (label, ==, 7 + n);
        g_assert_cmpuint (img->pixels[0], ==, 4 * n);
        g_clear_pointer (&img, fm_image_free);
        n++;
      }
    g_assert_no_error (error);
    g_assert_cmpint (n, ==, 3);
  }
  {
    g_autoptr(FmDataset) ds = fm_dataset_open (shorter, NULL, &error);

    g_assert_null (ds);
    expect_error (error, FM_ERROR_INVALID_INPUT,
                  "short.idx: truncated at item 2 of 3: the header promises 28"
                  " bytes but the file has 27");
    g_clear_error (&error);
  }
  {
    g_autoptr(FmDataset) ds = fm_dataset_open (exact, lab_short, &error);

    g_assert_null (ds);
    expect_error (error, FM_ERROR_INVALID_INPUT,
                  "short-labels.idx: truncated at label 2 of 3: the header"
                  " promises 11 bytes but the file has 10");
  }
  fm_test_remove_tree (dir);
}

static void
test_idx_gzip_size (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) full = idx_header (3, 2, 2);
  g_autoptr(GByteArray) gz_full = NULL;
  g_autoptr(GByteArray) gz_short = NULL;
  g_autofree char *p_full = NULL;
  g_autofree char *p_short = NULL;

  for (guint8 i = 0; i < 12; i++)
    g_byte_array_append (full, &i, 1);
  gz_full = compress (full->data, full->len, G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  /* the same header, 2 items and 2 bytes of the third */
  gz_short = compress (full->data, full->len - 2, G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  p_full = write_file (dir, "full.idx.gz", gz_full->data, gz_full->len);
  p_short = write_file (dir, "short.idx.gz", gz_short->data, gz_short->len);

  {
    g_autoptr(FmDataset) ds = fm_dataset_open (p_full, NULL, &error);
    guint64 index;
    int n = 0;

    g_assert_no_error (error);
    while (fm_dataset_next (ds, &index, NULL, NULL, &error))
      n++;
    g_assert_no_error (error);
    g_assert_cmpint (n, ==, 3);
  }
  {
    /* the header cannot be checked against a compressed size: the open
     * succeeds and the third item fails */
    g_autoptr(FmDataset) ds = fm_dataset_open (p_short, NULL, &error);
    guint64 index;
    int n = 0;

    g_assert_no_error (error);
    while (fm_dataset_next (ds, &index, NULL, NULL, &error))
      n++;
    g_assert_cmpint (n, ==, 2);
    expect_error (error, FM_ERROR_INVALID_INPUT,
                  "short.idx.gz: truncated at item 2 of 3 (2 of 4 bytes)");
  }
  fm_test_remove_tree (dir);
}

/* ---- fm-npy.c ----------------------------------------------------------- */

/* An npy file: format @major.0, the header dict for @shape padded with
 * spaces and '\n' to @hlen bytes, then @data_len zero bytes. */
static GByteArray *
npy_bytes (int         major,
           const char *shape,
           gsize       hlen,
           gsize       data_len)
{
  GByteArray *b = g_byte_array_new ();
  g_autofree char *dict = g_strdup_printf ("{'descr': '<f4', 'fortran_order': False,"
                                           " 'shape': %s, }", shape);
  guint8 pre[12] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 0, 0 };
  gsize pre_len = major == 1 ? 10 : 12;
  g_autofree char *header = g_malloc (hlen);

  g_assert_cmpuint (strlen (dict) + 1, <=, hlen);
  pre[6] = (guint8) major;
  pre[8] = hlen & 0xff;
  pre[9] = (hlen >> 8) & 0xff;
  if (major == 2)
    {
      pre[10] = (hlen >> 16) & 0xff;
      pre[11] = (hlen >> 24) & 0xff;
    }
  memset (header, ' ', hlen);
  memcpy (header, dict, strlen (dict));
  header[hlen - 1] = '\n';
  g_byte_array_append (b, pre, (guint) pre_len);
  g_byte_array_append (b, (const guint8 *) header, (guint) hlen);
  g_byte_array_set_size (b, b->len + (guint) data_len);
  memset (b->data + b->len - data_len, 0, data_len);
  return b;
}

static void
test_npy_header (void)
{
  g_autoptr(GByteArray) at = npy_bytes (2, "(2, 3)", 65536, 24);
  g_autoptr(GByteArray) over = npy_bytes (2, "(2, 3)", 65537, 24);
  g_autoptr(GError) error = NULL;
  FmShape shape;

  {
    g_autofree float *d = fm_npy_parse (at->data, at->len, "at.npy", &shape, 0,
                                        &error);

    g_assert_no_error (error);
    g_assert_cmpint (shape.rank, ==, 2);
    g_assert_cmpint (shape.dims[0], ==, 2);
    g_assert_cmpint (shape.dims[1], ==, 3);
  }
  {
    g_autofree float *d = fm_npy_parse (over->data, over->len, "over.npy",
                                        &shape, 0, &error);

    g_assert_null (d);
    expect_error (error, FM_ERROR_LIMIT,
                  "over.npy: npy header of 65537 bytes is above the limit of 65536");
  }
}

static void
test_npy_data (void)
{
  /* (2, 3) floats = 24 bytes */
  g_autoptr(GByteArray) b = npy_bytes (1, "(2, 3)", 118, 24);
  /* (268435456,) floats = 2^28 * 4 = 1 GiB exactly; one more is over.
   * Only the header is there: nothing is read or allocated. */
  g_autoptr(GByteArray) gib = npy_bytes (1, "(268435456,)", 118, 0);
  g_autoptr(GByteArray) gib1 = npy_bytes (1, "(268435457,)", 118, 0);
  g_autoptr(GError) error = NULL;
  FmShape shape;

  {
    g_autofree float *d = fm_npy_parse (b->data, b->len, "d.npy", &shape, 24,
                                        &error);

    g_assert_no_error (error);
    g_assert_nonnull (d);
  }
  {
    g_autofree float *d = fm_npy_parse (b->data, b->len, "d.npy", &shape, 23,
                                        &error);

    g_assert_null (d);
    expect_error (error, FM_ERROR_LIMIT,
                  "d.npy: npy shape [2, 3] is above the limit of 23 bytes");
    g_clear_error (&error);
  }
  {
    g_autofree float *d = fm_npy_parse (gib->data, gib->len, "gib.npy", &shape,
                                        0, &error);

    g_assert_null (d);
    expect_past_limit (error, FM_ERROR_INVALID_INPUT,
                       "gib.npy: npy data is 0 bytes but shape [268435456] of"
                       " float32 needs 1073741824");
    g_clear_error (&error);
  }
  {
    g_autofree float *d = fm_npy_parse (gib1->data, gib1->len, "gib1.npy",
                                        &shape, 0, &error);

    g_assert_null (d);
    expect_error (error, FM_ERROR_LIMIT,
                  "gib1.npy: npy shape [268435457] is above the limit of"
                  " 1073741824 bytes");
  }
}

static void
test_npy_rank (void)
{
  g_autoptr(GByteArray) eight = npy_bytes (1, "(1, 1, 1, 1, 1, 1, 1, 2)", 118, 8);
  g_autoptr(GByteArray) nine = npy_bytes (1, "(1, 1, 1, 1, 1, 1, 1, 1, 2)", 118, 8);
  g_autoptr(GError) error = NULL;
  FmShape shape;

  {
    g_autofree float *d = fm_npy_parse (eight->data, eight->len, "r8.npy",
                                        &shape, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpint (shape.rank, ==, 8);
    g_assert_cmpint (shape.dims[7], ==, 2);
  }
  {
    g_autofree float *d = fm_npy_parse (nine->data, nine->len, "r9.npy",
                                        &shape, 0, &error);

    g_assert_null (d);
    expect_error (error, FM_ERROR_LIMIT,
                  "r9.npy: npy shape has more than 8 dimensions");
  }
}

/* ---- fm-preprocess.c ---------------------------------------------------- */

static void
test_preprocess_parse (void)
{
  g_autoptr(GError) error = NULL;
  float values[FM_PREPROCESS_MAX_CHANNELS + 1];
  int n = 0;

  g_assert_true (fm_preprocess_parse_floats ("1,2,3,4,5,6,7,8", "--mean", values,
                                             FM_PREPROCESS_MAX_CHANNELS, &n,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 8);
  g_assert_cmpfloat (values[7], ==, 8.0f);
  g_assert_false (fm_preprocess_parse_floats ("1,2,3,4,5,6,7,8,9", "--mean",
                                              values, FM_PREPROCESS_MAX_CHANNELS,
                                              &n, &error));
  expect_error (error, FM_ERROR_INVALID_INPUT,
                "--mean: '1,2,3,4,5,6,7,8,9' has more than 8 values");
}

static void
test_preprocess_metadata (void)
{
  g_autoptr(GError) error = NULL;
  FmPreprocess pp;

  /* 8 values pass the count and meet the channel check (1 channel) */
  {
    const char *meta[] = { "feature_maps.mean", "1,2,3,4,5,6,7,8", NULL };
    g_autoptr(GByteArray) m = relu_model (2, 2, FALSE, meta);
    g_autoptr(FmModel) model = load (m, 0, NULL, &error);

    g_assert_no_error (error);
    g_assert_false (fm_preprocess_init_from_model (&pp, model, &error));
    expect_error (error, FM_ERROR_INVALID_MODEL,
                  "limits.onnx: metadata feature_maps.mean: '1,2,3,4,5,6,7,8'"
                  " has 8 values for an input of 1 channels");
    g_clear_error (&error);
  }
  /* 9: over FM_PREPROCESS_MAX_CHANNELS. The model file is what is wrong,
   * so the code is INVALID_MODEL like the channel check's above. */
  {
    const char *meta[] = { "feature_maps.std", "1,2,3,4,5,6,7,8,9", NULL };
    g_autoptr(GByteArray) m = relu_model (2, 2, FALSE, meta);
    g_autoptr(FmModel) model = load (m, 0, NULL, &error);

    g_assert_no_error (error);
    g_assert_false (fm_preprocess_init_from_model (&pp, model, &error));
    expect_error (error, FM_ERROR_INVALID_MODEL,
                  "limits.onnx: metadata feature_maps.std: '1,2,3,4,5,6,7,8,9'"
                  " has more than 8 values");
  }
}

/* ---- fm-scan.c ---------------------------------------------------------- */

static gboolean
scan_with (FmModel   *model,
           FmDataset *ds,
           guint      threads,
           guint      top_k,
           GError   **error)
{
  g_autoptr(FmScan) scan = NULL;
  FmScanOptions o;

  fm_scan_options_init (&o);
  o.threads = threads;
  o.top_k = top_k;
  scan = fm_scan_new (model, ds, &o);
  return fm_scan_run (scan, NULL, NULL, NULL, error);
}

static void
test_scan_options (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autoptr(GByteArray) b = idx_header (1, 2, 2);
  g_autoptr(GByteArray) m = relu_model (2, 2, FALSE, NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  static const guint8 px[4] = { 0, 255, 128, 64 };

  g_byte_array_append (b, px, 4);
  path = write_file (dir, "one.idx", b->data, b->len);
  model = load (m, 0, NULL, &error);
  g_assert_no_error (error);

  /* Each check comes before any worker starts; a fresh dataset per scan
   * since a scan reads it to the end. */
  struct
  {
    guint       threads, top_k;
    gboolean    ok;
    const char *fragment;
  } cases[] = {
    { 64, 9, TRUE, NULL },
    { 65, 9, FALSE, "a scan uses at most 64 threads, not 65" },
    { 1, 100, TRUE, NULL },
    { 1, 101, FALSE, "top-k must be at most 100, not 101" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FmDataset) ds = fm_dataset_open (path, NULL, &error);

      g_assert_no_error (error);
      if (cases[i].ok)
        {
          g_assert_true (scan_with (model, ds, cases[i].threads, cases[i].top_k,
                                    &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (scan_with (model, ds, cases[i].threads, cases[i].top_k,
                                     &error));
          expect_error (error, FM_ERROR_INVALID_INPUT, cases[i].fragment);
          g_clear_error (&error);
        }
    }
  fm_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/limits/onnx/depth", test_onnx_depth);
  g_test_add_func ("/limits/onnx/nodes", test_onnx_nodes);
  g_test_add_func ("/limits/onnx/tensors", test_onnx_tensors);
  g_test_add_func ("/limits/onnx/per-node", test_onnx_per_node);
  g_test_add_func ("/limits/onnx/model-strings", test_onnx_model_strings);
  g_test_add_func ("/limits/onnx/length", test_onnx_length);
  g_test_add_func ("/limits/onnx/packed-array", test_onnx_packed_array);
  g_test_add_func ("/limits/onnx/rank", test_onnx_rank);
  g_test_add_func ("/limits/model/element-count", test_element_count);
  g_test_add_func ("/limits/model/budget", test_budget_small);
  g_test_add_func ("/limits/model/budget-default", test_budget_default);
  g_test_add_func ("/limits/model/arena", test_arena);
  g_test_add_func ("/limits/model/data-size", test_data_size);
  g_test_add_func ("/limits/model/external-data", test_external_data);
  g_test_add_func ("/limits/ops/window", test_op_window);
  g_test_add_func ("/limits/image/pixels", test_image_pixels);
  g_test_add_func ("/limits/image/pixels-jpeg", test_image_pixels_jpeg);
  g_test_add_func ("/limits/dataset/idx-counts", test_idx_counts);
  g_test_add_func ("/limits/dataset/idx-plain-size", test_idx_plain_size);
  g_test_add_func ("/limits/dataset/idx-gzip-size", test_idx_gzip_size);
  g_test_add_func ("/limits/npy/header", test_npy_header);
  g_test_add_func ("/limits/npy/data", test_npy_data);
  g_test_add_func ("/limits/npy/rank", test_npy_rank);
  g_test_add_func ("/limits/scan/options", test_scan_options);
  g_test_add_func ("/limits/preprocess/parse", test_preprocess_parse);
  g_test_add_func ("/limits/preprocess/metadata-channels", test_preprocess_metadata);

  return g_test_run ();
}
