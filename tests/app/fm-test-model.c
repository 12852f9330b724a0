/* fm-test-model.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fm-test-files.h"
#include "fm-test-model.h"
#include "fm-test-onnx.h"

char *
fm_test_write_model (const char  *file,
                     GByteArray  *graph,
                     const char  *name,
                     GByteArray  *input,
                     GByteArray  *output,
                     const char **meta)
{
  g_autoptr(GByteArray) bytes = NULL;
  char *path = g_build_filename (fm_test_scratch (), file, NULL);

  fm_pb_string (graph, FM_ONNX_GRAPH_NAME, name);
  fm_pb_message (graph, FM_ONNX_GRAPH_INPUT, input);
  fm_pb_message (graph, FM_ONNX_GRAPH_OUTPUT, output);
  bytes = fm_test_model_bytes (graph, meta);
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
  return path;
}
