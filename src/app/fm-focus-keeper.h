/* fm-focus-keeper.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keeps a window's keyboard focus somewhere when the focused control is
 * disabled or hidden under it (Clear once the canvas is empty, Previous
 * at the first channel, a button a finished scan hides): GTK 4.8 leaves
 * the focus on nothing, so a keyboard or screen-reader user is lost and
 * the next Tab starts over at the header bar.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* From now on, when @window's focus drops to nothing because the focused
 * widget became insensitive or unmapped, the focus moves (on an idle) to
 * the first focusable widget near it: its parent's, else its
 * grandparent's, and so on. */
void fm_focus_keeper_attach (GtkWindow *window);

G_END_DECLS
