/* fm-channel-list.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list of channels and ranges as people type it and read it ("0-7,12"):
 * the command line's --select, the Export dialog's Channels row, and the
 * channels run, compare and prune list. It knows nothing of layers.
 */
#pragma once

#include <glib.h>

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
/* The channels @indexes[@n] (any order, none negative) as
 * fm_channel_list_to_string() writes their sorted, merged ranges: 0, 1,
 * 2, 3, 5 as "0-3,5"; "" for none. */
char     *fm_channel_list_indexes_to_string (const int *indexes,
                                             guint      n);

G_END_DECLS
