/* fm-png-writer.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes images to PNG files with libpng, with text chunks, atomically
 * (fm_file_write_atomic_with(): a failed write leaves any previous file
 * untouched). Not a reader, and it does not draw; render into a cairo
 * image surface first (see fm-tile-render.h).
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* @text in the functions below is a %NULL-terminated list of key, value
 * pairs ({ "Software", "Feature Maps 0.1.0", "Source", "x.onnx", NULL }),
 * or %NULL. Keys are 1-79 printable ASCII characters without leading,
 * trailing or doubled spaces (the PNG rules, restricted to ASCII); the
 * registered ones include "Title", "Author", "Description", "Software",
 * "Source" and "Comment". Values are UTF-8: plain ASCII values are stored
 * as tEXt chunks, others as uncompressed iTXt chunks. */

gboolean fm_png_write_surface (const char         *path,
                               cairo_surface_t    *surface,
                               const char * const *text,
                               GError            **error);

gboolean fm_png_write_rgba    (const char         *path,
                               const guint8       *rgba,
                               int                 width,
                               int                 height,
                               gsize               stride,
                               const char * const *text,
                               GError            **error);

/* For tests only: makes every following write fail with ENOSPC once it
 * has written @n_bytes bytes of the file; -1 (the default) turns it off.
 * Not thread-safe. */
void     fm_png_writer_set_fail_after_for_testing (gssize n_bytes);

G_END_DECLS
