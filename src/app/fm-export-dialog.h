/* fm-export-dialog.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fm-frame.h"
#include "fm-window.h"

G_BEGIN_DECLS

#define FM_TYPE_EXPORT_DIALOG (fm_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FmExportDialog, fm_export_dialog, FM, EXPORT_DIALOG, AdwWindow)

/* Exports from @frame; @selected is the layer shown, -1 for all layers.
 * @input ([C, H, W]) is the tensor the model received, copied. */
GtkWindow  *fm_export_dialog_new        (FmWindow    *window,
                                         FmFrame     *frame,
                                         int          selected,
                                         const char  *input_name,
                                         const float *input,
                                         int          input_c,
                                         int          input_h,
                                         int          input_w);
/* Exports to @target without a file chooser (tests). */
void        fm_export_dialog_export_to  (FmExportDialog *self,
                                         GFile          *target);
gboolean    fm_export_dialog_is_busy    (FmExportDialog *self);
/* The failure shown in the dialog, or NULL. */
const char *fm_export_dialog_get_status (FmExportDialog *self);

G_END_DECLS
