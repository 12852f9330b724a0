/* fm-window-toast.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's toasts: a sentence, a button that opens a written file's
 * folder, and for an error or a sentence longer than a toast shows, a
 * Details button (win.error-details) that shows it whole.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "fm-window-private.h"

/* A toast is one line, cut where the window ends (at 1024 pixels about
 * this many characters): a longer one has its whole text behind Details. */
#define TOAST_FITS 80

static gboolean
toast_is_long (const char *text)
{
  return g_utf8_strlen (text, -1) > TOAST_FITS;
}

/* Gives @toast a Details button that shows @heading (or none), @text and
 * the technical @detail (or none): what the dialog shows travels with the
 * toast, as toasts wait in a queue while another is shown. */
static void
add_details (AdwToast   *toast,
             const char *heading,
             const char *text,
             const char *detail)
{
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.error-details");
  adw_toast_set_action_target (toast, "(sss)", heading != NULL ? heading : "", text,
                               detail != NULL ? detail : "");
}

/* A toast saying @text for @timeout seconds; with @uri, a button named
 * @button that opens it (win.open-folder); a long one without @uri, a
 * Details button that shows it whole. */
static void
add_toast (FmWindow   *self,
           const char *text,
           guint       timeout,
           const char *button,
           const char *uri)
{
  /* A file name's bytes may not be UTF-8, which GTK and GVariant need. */
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  /* Toast titles are markup in libadwaita 1.2: a file name is not. */
  g_autofree char *markup = g_markup_escape_text (valid, -1);
  AdwToast *toast = adw_toast_new (markup);

  text = valid;
  adw_toast_set_timeout (toast, timeout);
  if (uri != NULL)
    {
      adw_toast_set_button_label (toast, button);
      adw_toast_set_action_name (toast, "win.open-folder");
      adw_toast_set_action_target (toast, "s", uri);
    }
  else if (toast_is_long (text))
    add_details (toast, NULL, text, NULL);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
}

void
_fm_window_toast (FmWindow   *self,
                  const char *text)
{
  add_toast (self, text, 8, NULL, NULL);
}

void
_fm_window_toast_open (FmWindow   *self,
                       const char *text,
                       const char *button,
                       const char *uri)
{
  add_toast (self, text, 8, button, uri);
}

/* An error's message is a plain sentence naming the file, then maybe a
 * technical detail after the first newline: the toast says the sentence,
 * and its Details button shows the rest. */
void
_fm_window_show_error (FmWindow     *self,
                       const GError *error)
{
  /* The engine names files by their bytes, which may not be UTF-8. */
  g_autofree char *message = g_utf8_make_valid (error->message, -1);
  const char *nl = strchr (message, '\n');
  g_autofree char *first = nl != NULL ? g_strndup (message, nl - message) : g_strdup (message);
  /* Engine messages already begin with the file name. */
  g_autofree char *text = g_strdup_printf (_("Could not open: %s"), first);
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (markup);

  g_free (self->error_detail);
  self->error_detail = nl != NULL ? g_strstrip (g_strdup (nl + 1)) : NULL;
  adw_toast_set_timeout (toast, 10);
  if ((self->error_detail != NULL && *self->error_detail != '\0') || toast_is_long (text))
    /* Translators: the heading of the dialog behind an error toast's Details */
    add_details (toast, _("Could Not Open"), text, self->error_detail);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  g_free (self->last_toast);
  self->last_toast = g_steal_pointer (&text);
}

void
fm_window_show_exported (FmWindow *self,
                         GFile    *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *name = _fm_window_display_basename (file);
  g_autofree char *text = g_strdup_printf (_("Exported “%s”"), name);
  g_autofree char *uri = parent != NULL ? g_file_get_uri (parent) : NULL;

  /* libadwaita's default timeout */
  add_toast (self, text, 5, _("Open Folder"), uri);
}
