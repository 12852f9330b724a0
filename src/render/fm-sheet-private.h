/* fm-sheet-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What fm-sheet.c (layout and drawing) and fm-sheet-text.c (ranges,
 * verdicts, texts) share.
 */
#pragma once

#include "fm-sheet.h"

G_BEGIN_DECLS

/* classes the header's prediction line names */
#define FM_SHEET_HEADER_TOP 3

/* The tiles a layer draws. */
int         _fm_sheet_layer_count          (const FmSheetLayer *l);
/* Channels of @l with @verdict; channels zero for this input. */
guint       _fm_sheet_count_verdict        (const FmSheetSpec  *spec,
                                            const FmSheetLayer *l,
                                            FmSheetVerdict      verdict);
guint       _fm_sheet_count_zero           (const FmSheetLayer *l);
const char *_fm_sheet_colormap_name        (const FmSheetSpec  *spec);
/* "layer", "tile" or "fixed MIN:MAX" */
char       *_fm_sheet_normalisation_text   (const FmSheetSpec  *spec);
/* The header's prediction line. */
char       *_fm_sheet_prediction_text      (const FmSheetSpec  *spec);

G_END_DECLS
