/* fm-window-measures.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window's sidebar and scan bar say of a scan's layers (used by
 * fm-window-scan.c): the marks counted per layer, the layer warning and
 * the measures' part of the scan bar.
 */
#pragma once

#include <gtk/gtk.h>

#include "fm-scan.h"

G_BEGIN_DECLS

/* Sets the sidebar's scan line @label of a layer: "5 dead, 2 rarely
 * active, 3 near-dead" from the tiles' counts @dead and @rare and @sl's
 * near-dead list, coloured by what is bad; and its warning icon (the
 * label's "fm-warning-icon", made by fm-window-grid.c) with the reason as
 * tooltip and accessible description when 10 % or more of the layer is
 * dead. @sl NULL: no scan for the layer (the label is hidden). */
void  _fm_window_show_layer_marks (GtkWidget         *label,
                                   const FmScanLayer *sl,
                                   guint              dead,
                                   guint              rare);
/* " · 3 near-dead · 2 layers at least 10 % dead" for the scan bar, or "". */
char *_fm_window_measures_status  (guint              near,
                                   guint              warned);

G_END_DECLS
