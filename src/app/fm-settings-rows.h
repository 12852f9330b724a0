/* fm-settings-rows.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Binds combo rows to the string settings they choose from, for the
 * preferences and the export dialog, and shows their items whole.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Fills @row with the colormaps' display names and binds it to "colormap". */
void fm_settings_bind_colormap_row  (GSettings   *settings,
                                     AdwComboRow *row);
/* Binds @row (items: per layer, per tile, fixed) to "normalize". */
void fm_settings_bind_normalize_row (GSettings   *settings,
                                     AdwComboRow *row);
/* Binds @row to the string key @key whose choices are @nicks, in the
 * order of the row's items. */
void fm_settings_bind_choice_row    (GSettings          *settings,
                                     const char         *key,
                                     AdwComboRow        *row,
                                     const char * const *nicks);

/* Shows @row's items (strings) whole, in the row and in its list:
 * libadwaita 1.2's own factory cuts them at 20 characters ("PDF document,
 * a page…"). In the list a long item wraps; the row cuts it only when
 * narrower than the text. */
void fm_combo_row_show_whole_items  (AdwComboRow        *row);

/* Makes @spin, inside an AdwActionRow, the row's activatable widget (its
 * mnemonic focuses it) and names it with the row's title, so a screen
 * reader says "Tile size", not "spin button". */
void fm_settings_name_spin_button   (GtkWidget          *spin);

G_END_DECLS
