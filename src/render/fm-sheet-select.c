/* fm-sheet-select.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The choice of a layer's channels (see fm-sheet-select.h); the channel
 * list itself is fm-channel-list.c's.
 */
#include "config.h"

#include "fm-sheet-select.h"

#include <glib/gi18n-lib.h>

#include "fm-error.h"

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
