/* fuzz-channel-list.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the channel list parser of `export --select` and the Export
 * dialog (fm_channel_list_parse). A failure must be an FM_ERROR naming
 * the option; a success must give ranges in order, apart (overlapping and
 * touching ones merged), each within 0..FM_CHANNEL_LIST_MAX_INDEX, and
 * writing them out and parsing that again must give the same ranges. It
 * does not select channels of a layer.
 */
#include <string.h>

#include "fm-fuzz.h"
#include "fm-sheet-select.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup (size > 0 ? (const char *) data : "", size);
  g_autoptr(GArray) ranges = NULL;
  g_autoptr(GArray) again = NULL;
  g_autofree char *written = NULL;
  GError *error = NULL;

  ranges = fm_channel_list_parse (text, "--select", &error);
  if (ranges == NULL && error != NULL)
    FM_FUZZ_CHECK (strstr (error->message, "--select") != NULL);
  fm_fuzz_check_result (ranges != NULL, error);
  if (ranges == NULL)
    return 0;

  FM_FUZZ_CHECK (ranges->len > 0);
  for (guint i = 0; i < ranges->len; i++)
    {
      const FmChannelRange *r = &g_array_index (ranges, FmChannelRange, i);

      FM_FUZZ_CHECK (r->first <= r->last && r->last <= FM_CHANNEL_LIST_MAX_INDEX);
      if (i > 0)
        FM_FUZZ_CHECK ((guint64) g_array_index (ranges, FmChannelRange, i - 1).last + 1
                       < r->first);
    }
  written = fm_channel_list_to_string (ranges);
  again = fm_channel_list_parse (written, "round trip", NULL);
  FM_FUZZ_CHECK (again != NULL && again->len == ranges->len);
  FM_FUZZ_CHECK (memcmp (again->data, ranges->data, ranges->len * sizeof (FmChannelRange)) == 0);
  return 0;
}
