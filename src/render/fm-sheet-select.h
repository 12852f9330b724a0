/* fm-sheet-select.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which channels of a layer a sheet shows: a list of channels and ranges
 * as people type it ("0-7,12", the command line's --select and the
 * Export dialog's Channels row), and "only the zero / dead / rare ones"
 * (--only). Parsing knows nothing of layers; fm_sheet_select_channels()
 * applies both to one layer. GTK-free. It does not draw.
 */
#pragma once

#include <glib.h>

#include "fm-sheet.h"

G_BEGIN_DECLS

/* The largest channel index and the longest text a list may have. */
#define FM_CHANNEL_LIST_MAX_INDEX 1048575
#define FM_CHANNEL_LIST_MAX_TEXT  4096

typedef struct
{
  guint first;
  guint last;    /* inclusive */
} FmChannelRange;

/* "0-7,12" (spaces around items allowed; "3" is 3-3) -> ranges, sorted,
 * overlapping and adjacent ones merged. NULL with FM_ERROR_INVALID_INPUT
 * naming @what ("--select") and the item for an empty list or item,
 * garbage, a range that runs backwards, an index above
 * FM_CHANNEL_LIST_MAX_INDEX or a text longer than
 * FM_CHANNEL_LIST_MAX_TEXT. Free with g_array_unref(). */
GArray   *fm_channel_list_parse     (const char      *text,
                                     const char      *what,
                                     GError         **error);
/* The ranges as fm_channel_list_parse() reads them: "0-7,12". */
char     *fm_channel_list_to_string (const GArray    *ranges);
/* The channels @indexes[@n] (any order, none negative) as sorted, merged
 * ranges, so that fm_channel_list_to_string() writes 0, 1, 2, 3, 5 as
 * "0-3,5". Free with g_array_unref(). */
GArray   *fm_channel_list_from_indexes (const int *indexes,
                                        guint      n);

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
