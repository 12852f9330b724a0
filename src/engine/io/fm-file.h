/* fm-file.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening the files the engine reads (models, pictures, .npy) the same way
 * everywhere: a regular file, mapped read-only, with errors that name it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Maps @path read-only. FM_ERROR_IO "PATH: cannot open: REASON", "PATH: not
 * a regular file" (a folder, a device) or "PATH: cannot read: REASON". */
GMappedFile *fm_file_map (const char  *path,
                          GError     **error);

G_END_DECLS
