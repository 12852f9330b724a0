/* fm-channel-list.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The channel list (fm-channel-list.h). Every number is checked before it
 * is used: the text is bounded, indexes are bounded, so a list never asks
 * for memory by what it says.
 */
#include "config.h"

#include "fm-channel-list.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"

/* One index: decimal digits only, at most FM_CHANNEL_LIST_MAX_INDEX. */
static gboolean
parse_index (const char *text,
             guint      *value)
{
  guint64 v = 0;

  if (*text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      v = v * 10 + (guint64) (*p - '0');
      if (v > FM_CHANNEL_LIST_MAX_INDEX)
        return FALSE;
    }
  *value = (guint) v;
  return TRUE;
}

static gint
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const FmChannelRange *x = a, *y = b;

  return x->first < y->first ? -1 : x->first > y->first;
}

/* Sorts @ranges and merges those that overlap or touch. */
static void
normalise_ranges (GArray *ranges)
{
  guint out = 0;

  g_array_sort (ranges, compare_ranges);
  for (guint i = 0; i < ranges->len; i++)
    {
      FmChannelRange r = g_array_index (ranges, FmChannelRange, i);
      FmChannelRange *last = out > 0 ? &g_array_index (ranges, FmChannelRange, out - 1) : NULL;

      if (last != NULL && r.first <= (guint64) last->last + 1)
        last->last = MAX (last->last, r.last);
      else
        g_array_index (ranges, FmChannelRange, out++) = r;
    }
  g_array_set_size (ranges, out);
}

GArray *
fm_channel_list_parse (const char  *text,
                       const char  *what,
                       GError     **error)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (FmChannelRange));
  g_auto(GStrv) items = NULL;

  g_return_val_if_fail (text != NULL && what != NULL, NULL);

  if (strlen (text) > FM_CHANNEL_LIST_MAX_TEXT || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: the channel list is not text of at most %d characters"), what,
                   FM_CHANNEL_LIST_MAX_TEXT);
      return NULL;
    }
  items = g_strsplit (text, ",", -1);
  if (items[0] == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: the channel list is empty (write a list such as 0-7,12)"), what);
      return NULL;
    }
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      char *dash = strchr (item, '-');
      FmChannelRange r;
      gboolean ok;

      if (dash != NULL)
        {
          *dash = '\0';
          ok = parse_index (g_strstrip (item), &r.first) &&
               parse_index (g_strstrip (dash + 1), &r.last) && r.first <= r.last;
          *dash = '-';
        }
      else
        {
          ok = parse_index (item, &r.first);
          r.last = r.first;
        }
      if (!ok)
        {
          /* Translators: a bad item of a channel list such as "0-7,12" */
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: “%s” is not a channel or a range FIRST-LAST of channels 0 to "
                         "%d (write a list such as 0-7,12)"), what, item,
                       FM_CHANNEL_LIST_MAX_INDEX);
          return NULL;
        }
      g_array_append_val (ranges, r);
    }
  normalise_ranges (ranges);
  return g_steal_pointer (&ranges);
}

char *
fm_channel_list_indexes_to_string (const int *indexes,
                                   guint      n)
{
  g_autoptr(GArray) ranges = g_array_sized_new (FALSE, FALSE, sizeof (FmChannelRange), n);

  for (guint i = 0; i < n; i++)
    {
      FmChannelRange r = { (guint) indexes[i], (guint) indexes[i] };

      g_return_val_if_fail (indexes[i] >= 0, g_strdup (""));
      g_array_append_val (ranges, r);
    }
  normalise_ranges (ranges);
  return fm_channel_list_to_string (ranges);
}

char *
fm_channel_list_to_string (const GArray *ranges)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ranges->len; i++)
    {
      const FmChannelRange *r = &g_array_index (ranges, FmChannelRange, i);

      g_string_append_printf (s, "%s%u", i > 0 ? "," : "", r->first);
      if (r->last != r->first)
        g_string_append_printf (s, "-%u", r->last);
    }
  return g_string_free (s, FALSE);
}
