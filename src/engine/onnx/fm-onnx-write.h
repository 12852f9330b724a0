/* fm-onnx-write.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The minimal ONNX encoder for the subset of onnx.proto the decoder reads
 * (fm-onnx-proto.h, field numbers in fm-onnx-fields.h): a decoded model,
 * perhaps changed, back to bytes. Fields are written in number order, as
 * every ONNX writer does, repeated numbers packed. What the decoder counts
 * but does not keep (functions, training info, sparse initializers,
 * subgraph and tensor-list attributes, string tensors) and external data
 * cannot be written back: the model is refused, naming what it holds.
 */
#pragma once

#include <glib.h>

#include "fm-onnx-proto.h"

G_BEGIN_DECLS

/* FM_ERROR_UNSUPPORTED_ATTRIBUTE naming the part (e.g. "graph.initializer
 * “w”: external data") when @model holds something the encoder does not
 * keep; @what names the model in the message. */
gboolean    fm_onnx_model_check_writable (const FmOnnxModel *model,
                                          const char        *what,
                                          GError           **error);
/* The bytes of @model (check it with fm_onnx_model_check_writable first:
 * what it refuses is left out here). */
GBytes     *fm_onnx_model_encode         (const FmOnnxModel *model);

G_END_DECLS
