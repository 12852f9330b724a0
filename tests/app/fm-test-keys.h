/* fm-test-keys.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Key presses for the window tests, delivered the way GTK 4 delivers a
 * key event (GTK cannot make one, and Xvfb without a window manager has
 * no keyboard focus to type into).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Presses @keyval with @state in @window: to its focus widget (the window
 * when there is none), through the capture phase from the window down and
 * the bubble phase back up; at each widget its key controllers and its
 * shortcut controllers, in the order they were added, until one handles
 * it. Shortcuts that a widget leaves to the window (managed scope, such as
 * AdwFlap's Escape) are tried where GTK tries them: by the window, after
 * the window's own. TRUE when something handled the key. */
gboolean fm_test_press_key (GtkWindow       *window,
                            guint            keyval,
                            GdkModifierType  state);

G_END_DECLS
