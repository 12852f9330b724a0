/* fm-input-dialog.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fm-preprocess.h"

G_BEGIN_DECLS

#define FM_TYPE_INPUT_DIALOG (fm_input_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FmInputDialog, fm_input_dialog, FM, INPUT_DIALOG, AdwWindow)

/* Input settings of one model: preset, channels and their order, value
 * range, mean and std, inversion, background and resizing. @explain, if
 * not NULL, is a line shown at the top (why the dialog opened by itself).
 * Each change emits "changed"; fm_input_dialog_get () gives the settings. */
GtkWindow          *fm_input_dialog_new    (GtkWindow          *parent,
                                            const char         *model_name,
                                            const FmPreprocess *pp,
                                            const char         *explain);
/* Shows another model's settings @pp in place (title, rows, @explain as
 * in _new), without a "changed" and without taking the focus, whatever
 * its number of channels. */
void                fm_input_dialog_show_model (FmInputDialog      *self,
                                                const char         *model_name,
                                                const FmPreprocess *pp,
                                                const char         *explain);
const FmPreprocess *fm_input_dialog_get    (FmInputDialog      *self);
/* Chooses preset @name ("mnist", "imagenet", "none") as its row would. */
void                fm_input_dialog_preset (FmInputDialog      *self,
                                            const char         *name);

G_END_DECLS
