/* fm-timeline-figure.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figure of `feature-maps timeline`: per layer (those of the first
 * scanned checkpoint, matched by name in the others; only its activation
 * layers when it has any), a heat strip of
 * channels (rows) by checkpoints (columns) coloured by the share of the
 * dataset's images each channel fires on (viridis, dead in red, grey
 * where a checkpoint was not scanned or lacks the layer), and beside it
 * the number of dead channels at each checkpoint as a line. PNG (one
 * picture) or PDF (layers packed onto pages); written atomically.
 */
#pragma once

#include <glib.h>

#include "fm-scan.h"

G_BEGIN_DECLS

typedef enum
{
  FM_TIMELINE_FIGURE_NONE,
  FM_TIMELINE_FIGURE_PNG,
  FM_TIMELINE_FIGURE_PDF,
} FmTimelineFigureFormat;

/* From @path's extension (case-insensitive): .png, .pdf, else NONE. */
FmTimelineFigureFormat fm_timeline_figure_format_for (const char          *path);

/* Draws @n checkpoints: @names[k] (what to call it, as
 * fm_checkpoints_labels () says) and its scan @results[k] (NULL: not
 * scanned) into @path. FALSE with FM_ERROR_IO naming @path when it cannot
 * be written, FM_ERROR_LIMIT when a PNG would exceed the largest picture
 * (the message suggests .pdf). */
gboolean fm_timeline_figure_write (const char           *path,
                                   const char * const   *names,
                                   FmScanResult * const *results,
                                   guint                 n,
                                   const char           *dataset,
                                   GError              **error);

G_END_DECLS
