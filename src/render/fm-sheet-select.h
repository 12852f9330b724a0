/* fm-sheet-select.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which channels of a layer a sheet shows: a channel list
 * (fm-channel-list.h: the command line's --select and the Export dialog's
 * Channels row), and "only the zero / dead / rare ones" (--only);
 * fm_sheet_select_channels() applies both to one layer. GTK-free. It does
 * not draw.
 */
#pragma once

#include <glib.h>

#include "fm-channel-list.h"
#include "fm-sheet.h"

G_BEGIN_DECLS

typedef enum
{
  FM_SHEET_ONLY_ALL,
  FM_SHEET_ONLY_ZERO,   /* zero everywhere for this input */
  FM_SHEET_ONLY_DEAD,   /* dead on the scanned dataset */
  FM_SHEET_ONLY_RARE,   /* rarely active on it */
} FmSheetOnly;

/* "zero", "dead" or "rare"; FALSE for anything else. */
gboolean  fm_sheet_only_parse       (const char      *text,
                                     FmSheetOnly     *only);

/* The channels of @layer that are in @ranges (NULL: every channel) and
 * pass @only (dead and rare read @spec's scan through fm_sheet_verdict ()),
 * ascending, for FmSheetLayer.shown; an empty array when none does. NULL
 * with FM_ERROR_INVALID_INPUT when a range starts past the layer's last
 * channel (naming the layer and its channels). */
GArray   *fm_sheet_select_channels  (const FmSheetSpec  *spec,
                                     const FmSheetLayer *layer,
                                     const GArray       *ranges,
                                     FmSheetOnly         only,
                                     GError            **error);

/* Limits each of @spec's @layers (its own, writable) to the channels
 * @ranges and @only choose (fm_sheet_select_channels ()) and leaves out
 * the layers left without any, moving the rest up; the arrays of shown
 * channels go into @keep, which must outlive @spec. Nothing to do when
 * @ranges is NULL and @only is ALL. FALSE with FM_ERROR_INVALID_INPUT
 * when a range is past a layer's end or no layer keeps a channel. */
gboolean  fm_sheet_spec_select      (FmSheetSpec        *spec,
                                     FmSheetLayer       *layers,
                                     const GArray       *ranges,
                                     FmSheetOnly         only,
                                     GPtrArray          *keep,
                                     GError            **error);

G_END_DECLS
