/* fm-input-dialog.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Input Settings of a model: how a picture or a drawing becomes its
 * input tensor. A preset (MNIST, ImageNet, None) fills the rows; each row
 * can then be changed, and the preset row says "Custom". Every change is
 * checked and, when valid, emitted at once ("changed"), so the tiles follow
 * while the dialog is open; an invalid mean or std marks its row and is
 * not emitted. The window keeps the settings per model (fm-input-settings.c).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fm-input-dialog.h"

struct _FmInputDialog
{
  AdwWindow     parent_instance;

  FmPreprocess  pp;
  gboolean      updating;     /* rows are being set from pp: no "changed" */
  AdwWindowTitle      *window_title;
  AdwPreferencesGroup *tensor;      /* its description says why it is open */
  AdwComboRow  *preset_row;
  AdwComboRow  *order_row;
  AdwComboRow  *range_row;
  AdwEntryRow  *mean_row;
  AdwEntryRow  *std_row;
  AdwComboRow  *invert_row;
  AdwComboRow  *background_row;
  AdwComboRow  *resize_row;
  GtkLabel     *summary;
};

G_DEFINE_FINAL_TYPE (FmInputDialog, fm_input_dialog, ADW_TYPE_WINDOW)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *preset_names[] = { "mnist", "imagenet", "none" };  /* then "custom" */

static char *
format_values (const float *v,
               int          n)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; i < n; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.6g", v[i]));
    }
  return g_string_free (s, FALSE);
}

/* What "If dark on light" does for this model: only a model whose
 * background is dark (MNIST's light strokes on black) inverts a
 * dark-on-light picture; on another it never does, which the row says
 * (it said it would, while the summary said "not inverted"). */
static void
show_invert_subtitle (FmInputDialog *self)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->invert_row),
                               fm_preprocess_background_is_dark (&self->pp)
                               ? _("For a model trained on light strokes on black")
                               : _("This model’s background is light: “If dark on light” "
                                   "leaves pictures as they are"));
}

/* The preset row (a match, or Custom) and the summary from self->pp. */
static void
show_preset (FmInputDialog *self)
{
  const char *preset = fm_preprocess_get_preset (&self->pp);
  g_autofree char *summary = fm_preprocess_describe (&self->pp);
  guint preset_index = G_N_ELEMENTS (preset_names);
  gboolean updating = self->updating;

  for (guint i = 0; preset != NULL && i < G_N_ELEMENTS (preset_names); i++)
    if (g_str_equal (preset, preset_names[i]))
      preset_index = i;
  self->updating = TRUE;
  adw_combo_row_set_selected (self->preset_row, preset_index);
  gtk_label_set_text (self->summary, summary);
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary), "error");   /* show_problem () */
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "dim-label");
  self->updating = updating;
}

/* The Channels row for self->pp's number of channels: Gray or RGB first,
 * only a 3-channel model may choose. */
static void
show_channels (FmInputDialog *self)
{
  g_autoptr(GtkStringList) orders = gtk_string_list_new (NULL);
  gboolean one = self->pp.channels == 1;

  gtk_string_list_append (orders, one ? _("Gray") : _("RGB"));
  gtk_string_list_append (orders, _("BGR"));
  adw_combo_row_set_model (self->order_row, G_LIST_MODEL (orders));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->order_row),
                               one ? _("This model reads one channel") : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->order_row), self->pp.channels == 3);
}

/* The rows from self->pp. */
static void
show_settings (FmInputDialog *self)
{
  g_autofree char *mean = format_values (self->pp.mean, self->pp.n_mean);
  g_autofree char *std = format_values (self->pp.std, self->pp.n_std);

  self->updating = TRUE;
  show_preset (self);
  show_channels (self);
  show_invert_subtitle (self);
  adw_combo_row_set_selected (self->order_row,
                              self->pp.channels == 1 ? 0 : self->pp.order == FM_CHANNEL_ORDER_BGR ? 1 : 0);
  adw_combo_row_set_selected (self->range_row, self->pp.range);
  gtk_editable_set_text (GTK_EDITABLE (self->mean_row), mean);
  gtk_editable_set_text (GTK_EDITABLE (self->std_row), std);
  adw_combo_row_set_selected (self->invert_row, self->pp.invert);
  if (self->pp.background_auto)
    adw_combo_row_set_selected (self->background_row, 0);
  else
    adw_combo_row_set_selected (self->background_row,
                                fm_preprocess_background_is_dark (&self->pp) ? 2 : 1);
  adw_combo_row_set_selected (self->resize_row, self->pp.resize);
  gtk_widget_remove_css_class (GTK_WIDGET (self->mean_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->std_row), "error");
  self->updating = FALSE;
}

/* The settings from the rows; FALSE (and the row marked) when the mean or
 * the std cannot be used. */
/* Parses @row's text into @values: FALSE with a sentence in *@problem
 * (the first met) when it is not 1 or @channels numbers. */
static gboolean
read_floats (AdwEntryRow *row,
             const char  *what,
             int          channels,
             float       *values,
             int         *n_values,
             char       **problem)
{
  g_autoptr(GError) error = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (fm_preprocess_parse_floats (gtk_editable_get_text (GTK_EDITABLE (row)), what, values,
                                  FM_PREPROCESS_MAX_CHANNELS, n_values, &error)
      && (*n_values == 1 || *n_values == channels))
    return TRUE;
  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  if (*problem == NULL)
    *problem = error != NULL ? g_strdup (error->message)
               : channels == 1
               /* Translators: "mean" or "std" of a one-channel (gray) model */
               ? g_strdup_printf (_("%s needs 1 value"), what)
               /* Translators: "mean" or "std", then the model's number of channels */
               : g_strdup_printf (_("%s needs 1 value or %d, one per channel"), what, channels);
  return FALSE;
}

/* self->pp with the rows' choices and the mean and std typed, or FALSE
 * with what is wrong in *@problem: a value that cannot be parsed, or a
 * std that cannot be used. */
static gboolean
read_settings (FmInputDialog *self,
               FmPreprocess  *pp,
               char         **problem)
{
  g_autoptr(GError) error = NULL;
  static const float white[3] = { 1, 1, 1 }, black[3] = { 0, 0, 0 };
  guint bg = adw_combo_row_get_selected (self->background_row);
  gboolean ok;

  *pp = self->pp;
  if (pp->channels == 3)
    pp->order = adw_combo_row_get_selected (self->order_row) == 1 ? FM_CHANNEL_ORDER_BGR
                                                                  : FM_CHANNEL_ORDER_RGB;
  pp->range = MIN (adw_combo_row_get_selected (self->range_row), FM_VALUE_RANGE_M1_1);
  pp->invert = MIN (adw_combo_row_get_selected (self->invert_row), FM_INVERT_NO);
  pp->resize = MIN (adw_combo_row_get_selected (self->resize_row), FM_RESIZE_CROP);
  fm_preprocess_set_background (pp, bg == 0, bg == 2 ? black : white);

  ok = read_floats (self->mean_row, _("mean"), pp->channels, pp->mean, &pp->n_mean, problem);
  ok = read_floats (self->std_row, _("std"), pp->channels, pp->std, &pp->n_std, problem) && ok;
  if (ok && !fm_preprocess_check (pp, &error))
    {
      *problem = g_strdup (error->message);
      return FALSE;
    }
  return ok;
}

/* What is wrong with the values typed, said in words where the summary
 * is (a red row alone says nothing to a screen reader or a colour-blind
 * eye); show_preset () shows the summary again once they are right. */
static void
show_problem (FmInputDialog *self,
              const char    *problem)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "error");
  /* Translators: shown in place of the settings' summary while a typed
     value is wrong; the reason follows */
  {
    g_autofree char *text = g_strdup_printf (_("Not applied: %s"), problem);

    gtk_label_set_text (self->summary, text);
  }
}

static void
row_changed_cb (FmInputDialog *self)
{
  g_autofree char *problem = NULL;
  FmPreprocess pp;

  if (self->updating)
    return;
  if (!read_settings (self, &pp, &problem))
    {
      show_problem (self, problem);
      return;
    }
  self->pp = pp;
  show_preset (self);  /* not the rows: the one being typed in keeps its text */
  show_invert_subtitle (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
fm_input_dialog_preset (FmInputDialog *self,
                        const char    *name)
{
  if (!fm_preprocess_apply_preset (&self->pp, name, NULL))
    return;
  show_settings (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
preset_changed_cb (FmInputDialog *self)
{
  guint i = adw_combo_row_get_selected (self->preset_row);

  if (self->updating || i >= G_N_ELEMENTS (preset_names))
    return;
  fm_input_dialog_preset (self, preset_names[i]);
}

/* A choice in the row itself: its text up to " (", the details in the
 * list ("MNIST" for "MNIST (mean 0.1307, std 0.3081)"), so that the row
 * keeps room for its title in any language. */
static void
row_item_setup (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_list_item_set_child (item, label);
}

static void
row_item_bind (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));
  const char *paren = strstr (text, " (");
  g_autofree char *shown = paren != NULL ? g_strndup (text, paren - text) : g_strdup (text);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), shown);
}

static gboolean
selected_to_opacity (GBinding     *binding,
                     const GValue *from,
                     GValue       *to,
                     gpointer      data)
{
  g_value_set_double (to, g_value_get_boolean (from) ? 1.0 : 0.0);
  return TRUE;
}

/* A choice in the list: the whole text, wrapped rather than cut, and a
 * check mark on the chosen one (as the row's own list has). */
static void
list_item_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  g_object_bind_property_full (item, "selected", check, "opacity", G_BINDING_SYNC_CREATE,
                               selected_to_opacity, NULL, NULL, NULL);
  gtk_list_item_set_child (item, box);
}

static void
list_item_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  GtkWidget *label = gtk_widget_get_first_child (gtk_list_item_get_child (item));

  gtk_label_set_text (GTK_LABEL (label),
                      gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

/* A row choosing one of @items (N_() strings, translated here). */
static AdwComboRow *
combo_row (AdwPreferencesGroup *group,
           const char          *title,
           const char          *subtitle,
           const char * const  *items)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; items[i] != NULL; i++)
    gtk_string_list_append (model, _(items[i]));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  g_autoptr(GtkListItemFactory) shown = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) listed = gtk_signal_list_item_factory_new ();

  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* a long subtitle wraps rather than squeeze the choice to "W…" */
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  g_signal_connect (shown, "setup", G_CALLBACK (row_item_setup), NULL);
  g_signal_connect (shown, "bind", G_CALLBACK (row_item_bind), NULL);
  g_signal_connect (listed, "setup", G_CALLBACK (list_item_setup), NULL);
  g_signal_connect (listed, "bind", G_CALLBACK (list_item_bind), NULL);
  adw_combo_row_set_factory (row, shown);
  adw_combo_row_set_list_factory (row, listed);
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_preferences_group_add (group, GTK_WIDGET (row));
  return row;
}

static AdwEntryRow *
entry_row (AdwPreferencesGroup *group,
           const char          *title)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (adw_entry_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_group_add (group, GTK_WIDGET (row));
  return row;
}

/* The line at the top: @explain, or what the dialog is for. */
static void
set_explanation (FmInputDialog *self,
                 const char    *explain)
{
  adw_preferences_group_set_description (self->tensor, explain != NULL ? explain
    : _("How a picture or a drawing becomes this model’s input tensor. The settings are kept "
        "for this model."));
}

/* The summary, the preset and how the tensor is made of [0, 1] values. */
static AdwPreferencesGroup *
tensor_group (FmInputDialog *self,
              const char    *explain)
{
  static const char *presets[] = { N_("MNIST (mean 0.1307, std 0.3081)"),
                                   N_("ImageNet (torchvision mean and std)"),
                                   N_("None (mean 0, std 1)"), N_("Custom"), NULL };
  static const char *ranges[] = { N_("0 to 1"), N_("0 to 255"), N_("−1 to 1"), NULL };
  static const char *orders[] = { NULL };   /* show_channels () fills it */
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  self->tensor = group;
  set_explanation (self, explain);
  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary, TRUE);
  gtk_label_set_xalign (self->summary, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "dim-label");
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->summary), 6);
  adw_preferences_group_add (group, GTK_WIDGET (self->summary));
  self->preset_row = combo_row (group, _("_Preset"), NULL, presets);
  self->order_row = combo_row (group, _("C_hannels"), NULL, orders);
  self->range_row = combo_row (group, _("Value _range"),
                               _("What the model expects before the mean is taken off"), ranges);
  self->mean_row = entry_row (group, _("Mean (one value, or one per channel)"));
  self->std_row = entry_row (group, _("Standard deviation (one value, or one per channel)"));
  return group;
}

/* How a picture opened is fitted. */
static AdwPreferencesGroup *
picture_group (FmInputDialog *self)
{
  static const char *inverts[] = { N_("If dark on light"), N_("Always"), N_("Never"), NULL };
  static const char *backgrounds[] = { N_("Picture’s border"), N_("White"), N_("Black"), NULL };
  static const char *resizes[] = { N_("Fit and pad"), N_("Stretch"), N_("Centre crop"), NULL };
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  adw_preferences_group_set_title (group, _("Pictures"));
  self->invert_row = combo_row (group, _("_Invert"),
                                _("For a model trained on light strokes on black"), inverts);
  self->background_row = combo_row (group, _("_Background"),
                                    _("Pads a fitted picture; the empty canvas"), backgrounds);
  self->resize_row = combo_row (group, _("Re_size"),
                                _("To the model’s height and width"), resizes);
  return group;
}

static void
connect_rows (FmInputDialog *self)
{
  GtkWidget *combos[] = { GTK_WIDGET (self->order_row), GTK_WIDGET (self->range_row),
                          GTK_WIDGET (self->invert_row), GTK_WIDGET (self->background_row),
                          GTK_WIDGET (self->resize_row) };
  GtkEventController *keys = gtk_shortcut_controller_new ();

  g_signal_connect_swapped (self->preset_row, "notify::selected", G_CALLBACK (preset_changed_cb),
                            self);
  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    g_signal_connect_swapped (combos[i], "notify::selected", G_CALLBACK (row_changed_cb), self);
  g_signal_connect_swapped (self->mean_row, "changed", G_CALLBACK (row_changed_cb), self);
  g_signal_connect_swapped (self->std_row, "changed", G_CALLBACK (row_changed_cb), self);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                      gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

static void
fm_input_dialog_class_init (FmInputDialogClass *klass)
{
  /**
   * FmInputDialog::changed:
   *
   * The settings changed and are valid.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fm_input_dialog_init (FmInputDialog *self)
{
}

GtkWindow *
fm_input_dialog_new (GtkWindow          *parent,
                     const char         *model_name,
                     const FmPreprocess *pp,
                     const char         *explain)
{
  FmInputDialog *self = g_object_new (FM_TYPE_INPUT_DIALOG,
                                      "transient-for", parent,
                                      "modal", FALSE,
                                      "default-width", 680,
                                      "default-height", 640,
                                      "destroy-with-parent", TRUE,
                                      NULL);
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  g_autofree char *title = g_strdup_printf (_("Input Settings of %s"), model_name);

  /* The application's shortcuts (Ctrl+Q) work here too. */
  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));

  self->pp = *pp;
  gtk_window_set_title (GTK_WINDOW (self), title);
  self->window_title = ADW_WINDOW_TITLE (adw_window_title_new (_("Input Settings"), model_name));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->window_title));
  gtk_box_append (GTK_BOX (content), header);
  adw_preferences_page_add (page, tensor_group (self, explain));
  adw_preferences_page_add (page, picture_group (self));
  gtk_widget_set_vexpand (GTK_WIDGET (page), TRUE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (page));
  adw_window_set_content (ADW_WINDOW (self), content);

  show_settings (self);
  connect_rows (self);
  return GTK_WINDOW (self);
}

void
fm_input_dialog_show_model (FmInputDialog      *self,
                            const char         *model_name,
                            const FmPreprocess *pp,
                            const char         *explain)
{
  g_autofree char *title = NULL;

  g_return_if_fail (FM_IS_INPUT_DIALOG (self));

  title = g_strdup_printf (_("Input Settings of %s"), model_name);
  self->pp = *pp;
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_subtitle (self->window_title, model_name);
  set_explanation (self, explain);
  show_settings (self);
}

const FmPreprocess *
fm_input_dialog_get (FmInputDialog *self)
{
  return &self->pp;
}
