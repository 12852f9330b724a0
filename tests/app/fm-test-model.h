/* fm-test-model.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Models the window tests build with fm-test-onnx.h and open from a file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Names @graph @name, adds its @input and @output (value infos), and
 * writes the model, with the metadata @meta (key, value, ..., NULL), to
 * @file in the scratch folder. Returns the path; free with g_free (). */
char *fm_test_write_model (const char  *file,
                           GByteArray  *graph,
                           const char  *name,
                           GByteArray  *input,
                           GByteArray  *output,
                           const char **meta);

G_END_DECLS
