/* fm-sheet-select.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The channel list parser and the choice of a layer's channels (see
 * fm-sheet-select.h). Every number is checked before it is used: the text
 * is bounded, indexes are bounded, so a list never asks for memory by
 * what it says.
 */
#include "config.h"

#include "fm-sheet-select.h"

#include <stdlib.h>
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

GArray *
fm_channel_list_from_indexes (const int *indexes,
                              guint      n)
{
  GArray *ranges = g_array_sized_new (FALSE, FALSE, sizeof (FmChannelRange), n);

  for (guint i = 0; i < n; i++)
    {
      FmChannelRange r = { (guint) indexes[i], (guint) indexes[i] };

      g_return_val_if_fail (indexes[i] >= 0, ranges);
      g_array_append_val (ranges, r);
    }
  normalise_ranges (ranges);
  return ranges;
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

gboolean
fm_sheet_only_parse (const char  *text,
                     FmSheetOnly *only)
{
  static const char * const names[] = { "zero", "dead", "rare" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *only = (FmSheetOnly) (i + 1);
        return TRUE;
      }
  return FALSE;
}

static gboolean
passes (const FmSheetSpec  *spec,
        const FmSheetLayer *layer,
        guint               c,
        FmSheetOnly         only)
{
  switch (only)
    {
    case FM_SHEET_ONLY_ZERO:
      return layer->stats[c].all_zero;
    case FM_SHEET_ONLY_DEAD:
      return fm_sheet_verdict (spec, layer, c) == FM_SHEET_VERDICT_DEAD;
    case FM_SHEET_ONLY_RARE:
      return fm_sheet_verdict (spec, layer, c) == FM_SHEET_VERDICT_RARE;
    case FM_SHEET_ONLY_ALL:
    default:
      return TRUE;
    }
}

GArray *
fm_sheet_select_channels (const FmSheetSpec  *spec,
                          const FmSheetLayer *layer,
                          const GArray       *ranges,
                          FmSheetOnly         only,
                          GError            **error)
{
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = (guint) MAX (layer->channels, 0);
  FmChannelRange all = { 0, n > 0 ? n - 1 : 0 };

  g_return_val_if_fail (spec != NULL && layer != NULL, NULL);

  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    if (g_array_index (ranges, FmChannelRange, i).first >= n)
      {
        /* Translators: a channel list names channels a layer does not have */
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("layer “%s” has channels 0 to %u; there is no channel %u"),
                     layer->name, n - 1, g_array_index (ranges, FmChannelRange, i).first);
        return NULL;
      }
  for (guint i = 0; n > 0 && i < (ranges != NULL ? ranges->len : 1); i++)
    {
      const FmChannelRange *r = ranges != NULL ? &g_array_index (ranges, FmChannelRange, i) : &all;

      for (guint c = r->first; c <= MIN (r->last, n - 1); c++)
        if (passes (spec, layer, c, only))
          g_array_append_val (shown, c);
    }
  return g_steal_pointer (&shown);
}

gboolean
fm_sheet_spec_select (FmSheetSpec   *spec,
                      FmSheetLayer  *layers,
                      const GArray  *ranges,
                      FmSheetOnly    only,
                      GPtrArray     *keep,
                      GError       **error)
{
  guint n = 0;

  g_return_val_if_fail (spec != NULL && layers != NULL && keep != NULL, FALSE);

  if (ranges == NULL && only == FM_SHEET_ONLY_ALL)
    return TRUE;
  for (guint i = 0; i < spec->n_layers; i++)
    {
      GArray *shown = fm_sheet_select_channels (spec, &layers[i], ranges, only, error);

      if (shown == NULL)
        return FALSE;
      g_ptr_array_add (keep, shown);
      if (shown->len == 0)
        continue;
      layers[n] = layers[i];
      layers[n].shown = (const guint *) shown->data;
      layers[n].n_shown = shown->len;
      n++;
    }
  if (n == 0)
    {
      /* Only a filter can leave a layer without channels: every range
       * starts at a channel the layer has. */
      g_set_error_literal (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                           only == FM_SHEET_ONLY_DEAD
                             ? _("no chosen channel is dead on the scanned dataset; there is "
                                 "nothing to draw")
                           : only == FM_SHEET_ONLY_RARE
                             ? _("no chosen channel is rarely active on the scanned dataset; "
                                 "there is nothing to draw")
                             : _("no chosen channel is zero for this input; there is nothing "
                                 "to draw"));
      return FALSE;
    }
  spec->n_layers = n;
  return TRUE;
}
