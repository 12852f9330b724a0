/* fm-model-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Engine-internal entry points of fm-model.c, for tests that build decoded
 * models in memory and for the other engine files.
 */
#pragma once

#include "fm-model.h"
#include "fm-onnx-proto.h"

G_BEGIN_DECLS

/* The memory budget when FmModelOptions.memory_budget is 0. */
#define FM_MODEL_DEFAULT_BUDGET ((gsize) 4 << 30)

/* Builds a model from decoded structs (borrowed; the caller frees them).
 * @path names the model in messages; @base_dir resolves external data
 * (NULL refuses it). This is what fm_model_load_bytes() does after
 * decoding. */
FmModel *fm_model_build (const FmOnnxModel   *proto,
                         const char           *path,
                         const char           *base_dir,
                         const FmModelOptions *options,
                         GError              **error);

/* The same; @drop_source: the initializers' bytes are a private mapping
 * of the file, whose pages may be given back as they are converted. */
FmModel *_fm_model_build (const FmOnnxModel    *proto,
                          const char           *path,
                          const char           *base_dir,
                          const FmModelOptions *options,
                          gboolean              drop_source,
                          GError              **error);

/* @v becomes the constant @c (taken, in place of any it held): its
 * dtype, shape and element count are @c's. */
void     _fm_value_set_const (FmValue       *v,
                              FmConstTensor *c);

G_END_DECLS
