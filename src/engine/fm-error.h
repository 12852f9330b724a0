/* fm-error.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's error domain. Every engine failure is a GError in FM_ERROR
 * (or G_IO_ERROR_CANCELLED for a cancelled run) whose message names the
 * file, the node or field, and the reason. The engine never prints, exits
 * or aborts.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_ERROR (fm_error_quark ())

typedef enum
{
  FM_ERROR_INVALID_MODEL,         /* malformed protobuf, bad graph, bad data */
  FM_ERROR_UNSUPPORTED_OP,        /* op, domain or opset we do not run */
  FM_ERROR_UNSUPPORTED_ATTRIBUTE, /* attribute value we do not implement */
  FM_ERROR_SHAPE,                 /* shapes that do not fit together */
  FM_ERROR_IO,                    /* file could not be read or written */
  FM_ERROR_LIMIT,                 /* a size or budget limit was hit */
  FM_ERROR_INVALID_INPUT,         /* an image, .npy or dataset is unusable */
} FmError;

GQuark fm_error_quark (void);

G_END_DECLS
