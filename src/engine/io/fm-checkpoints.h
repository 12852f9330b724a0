/* fm-checkpoints.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A training's checkpoints as `feature-maps timeline` and the window's
 * Open Checkpoints take them: .onnx files and folders of them (only the
 * folder's own files, not its subfolders), all in natural order of their
 * file names (epoch-2 before epoch-10; equal names by their whole path, so
 * step-2/model.onnx before step-10/model.onnx).
 */
#pragma once

#include <glib.h>

#include "fm-error.h"

G_BEGIN_DECLS

/* The checkpoints named by @args (@n_args paths: files are taken as they
 * are, folders expanded), an array of char * paths. NULL with
 * FM_ERROR_IO naming the folder when a folder cannot be read or holds no
 * .onnx file. */
GPtrArray *fm_checkpoints_list (const char * const *args,
                                guint               n_args,
                                GError            **error);

/* What to call each of @paths in a table or on a slider: its file name,
 * or where another has the same one, as many of its folders as tell
 * them apart ("step-2/model.onnx"), in UTF-8 (a byte that is not shows as
 * U+FFFD). A NULL-terminated array, as long as @paths. Free with
 * g_strfreev (). */
char     **fm_checkpoints_labels (const GPtrArray   *paths);

G_END_DECLS
