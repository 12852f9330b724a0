/* fm-export-dialog.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Export (Ctrl+E): the selected layer or every layer of the frame on
 * screen, as a PNG, PDF or SVG grid drawn by the same fm_tile_render as
 * the tiles (fm-sheet-output.c), with the dead and rare frames of the
 * window's scan and a choice of channels, the per-channel statistics as
 * CSV, or the activations as .npy. The options are settings, so they are
 * remembered; colormap and normalisation are the window's own, and the
 * tile size is the window's until one is chosen here. The writing runs in a
 * thread on the frame it was opened on (frames are immutable), every file
 * is replaced atomically, and on failure the dialog stays open with the
 * reason so the person can choose another place: nothing is lost.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fm-focus-keeper.h"
#include "fm-export-dialog.h"
#include "fm-export.h"
#include "fm-file-chooser.h"
#include "fm-npy.h"
#include "fm-settings-rows.h"
#include "fm-sheet-output.h"
#include "fm-sheet-select.h"
#include "fm-sheet.h"
#include "fm-wrap-label.h"

struct _FmExportDialog
{
  AdwWindow    parent_instance;

  AdwComboRow *scope_row;
  AdwComboRow *format_row;
  AdwComboRow *colormap_row;
  AdwComboRow *normalize_row;
  GtkSpinButton *tile_size;
  GtkSpinButton *columns;
  AdwComboRow *only_row;
  AdwEntryRow *select_row;
  GtkWidget   *image_group;
  GtkWidget   *export_button;
  GtkScrolledWindow *scroller;
  GtkLabel    *status_label;    /* why the last write failed */
  GtkLabel    *format_problem;  /* why the choices cannot be exported, beside them */
  GtkLabel    *channels_problem;

  GSettings   *settings;
  FmWindow    *window;     /* weak: the dialog is transient for it */
  FmFrame     *frame;
  int          selected;   /* layer index, -1 when all layers are shown */
  char        *input_name;
  float       *input;      /* [C, H, W] copy of the tensor the model got */
  int          input_c, input_h, input_w;
  char        *preprocess; /* the window's words for its input settings */
  FmScanResult *scan;      /* the window's, or NULL */
  double       rare_below;
  gboolean     busy;
};

G_DEFINE_FINAL_TYPE (FmExportDialog, fm_export_dialog, ADW_TYPE_WINDOW)

/* The format row's entries, in the order of the export-format setting. */
typedef enum { FORMAT_PNG, FORMAT_PDF, FORMAT_SVG, FORMAT_CSV, FORMAT_NPY } Format;

/* Everything the thread needs, owned by it. */
typedef struct
{
  FmFrame    *frame;
  GArray     *indexes;      /* guint: the layers to export */
  Format      format;
  char       *path;         /* file, or folder for several .npy */
  char       *input_name;
  float      *input;
  int         input_c, input_h, input_w;
  const FmColormap *colormap;
  FmNormalize normalize;
  float       fixed_min, fixed_max;
  int         tile_side;
  int         columns;
  char       *preprocess;
  FmScanResult *scan;
  double      rare_below;
  GArray     *ranges;       /* FmChannelRange, or NULL for every channel */
  FmSheetOnly only;
} Job;

static void
job_free (Job *job)
{
  fm_frame_unref (job->frame);
  g_array_unref (job->indexes);
  g_free (job->path);
  g_free (job->input_name);
  g_free (job->input);
  g_free (job->preprocess);
  g_clear_pointer (&job->scan, fm_scan_result_unref);
  g_clear_pointer (&job->ranges, g_array_unref);
  g_free (job);
}

/* A sheet as the dialog draws it: its spec and what the spec points into. */
typedef struct
{
  FmSheetSpec   spec;
  FmSheetLayer *layers;
  GPtrArray    *shown;      /* GArray of each layer's channels shown */
  GStrv         labels;
  FmSheetClass  top[FM_PREDICT_TOP_K];
} Sheet;

static void
sheet_clear (Sheet *sheet)
{
  g_clear_pointer (&sheet->layers, g_free);
  g_clear_pointer (&sheet->shown, g_ptr_array_unref);
  g_clear_pointer (&sheet->labels, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sheet, sheet_clear)

static FmSheetFormat
sheet_format (Format format)
{
  return format == FORMAT_PDF ? FM_SHEET_FORMAT_PDF
         : format == FORMAT_SVG ? FM_SHEET_FORMAT_SVG
         : FM_SHEET_FORMAT_PNG;
}

/* @job's layers with the channels it chooses, in @sheet; FALSE when the
 * channel list names a channel a layer lacks or nothing is left to draw. */
static gboolean
sheet_init (Sheet      *sheet,
            const Job  *job,
            GError    **error)
{
  FmFrame *frame = job->frame;
  FmSheetSpec *spec = &sheet->spec;
  const FmPrediction *p = &frame->prediction;

  sheet->layers = g_new0 (FmSheetLayer, job->indexes->len);
  sheet->shown = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  sheet->labels = fm_model_dup_labels (frame->model);
  for (guint i = 0; i < job->indexes->len; i++)
    {
      guint index = g_array_index (job->indexes, guint, i);
      fm_sheet_layer_init (&sheet->layers[i], frame->model, fm_frame_layer (frame, index),
                           fm_frame_data (frame, index), frame->stats[index]);
    }
  fm_sheet_spec_init (spec, frame->model, sheet->layers, job->indexes->len);
  spec->input_name = job->input_name;
  spec->input = job->input;
  spec->input_channels = job->input_c;
  spec->input_height = job->input_h;
  spec->input_width = job->input_w;
  spec->colormap = job->colormap;
  spec->normalize = job->normalize;
  spec->fixed_min = job->fixed_min;
  spec->fixed_max = job->fixed_max;
  spec->tile_side = job->tile_side;
  spec->columns = job->columns;
  spec->preprocess = job->preprocess;

  /* The prediction goes on the sheet of every layer. */
  if (job->indexes->len > 1 && p->n_top > 0)
    fm_sheet_spec_set_prediction (spec, sheet->top, frame->model, p, sheet->labels);
  if (job->scan != NULL)
    fm_sheet_spec_set_scan (spec, sheet->layers, job->scan, job->rare_below);
  return fm_sheet_spec_select (spec, sheet->layers, job->ranges, job->only, sheet->shown, error);
}

/* Whether @sheet fits the limits of @format, as its writer checks them
 * (a PNG's height and size, an SVG's size, each PDF page's size). */
static gboolean
sheet_fits (const Sheet  *sheet,
            Format        format,
            GError      **error)
{
  const FmSheetSpec *spec = &sheet->spec;
  g_autoptr(GArray) pages = NULL;
  int w, h;

  switch (sheet_format (format))
    {
    case FM_SHEET_FORMAT_PNG:
      return fm_sheet_check_png_height (spec, _("choose PDF instead (a page per layer)"), error)
             && fm_sheet_get_size (spec, &w, &h, error);
    case FM_SHEET_FORMAT_SVG:
      return fm_sheet_get_size (spec, &w, &h, error);
    case FM_SHEET_FORMAT_PDF:
    default:
      pages = fm_sheet_pages (spec);
      for (guint p = 0; p + 1 < pages->len; p++)
        {
          FmSheetSpec page;
          guint first = g_array_index (pages, guint, p);

          fm_sheet_spec_page (spec, first, g_array_index (pages, guint, p + 1) - first, &page);
          if (!fm_sheet_get_size (&page, &w, &h, error))
            return FALSE;
        }
      return TRUE;
    }
}

static gboolean
write_sheet (Job     *job,
             GError **error)
{
  g_auto(Sheet) sheet = { 0 };

  return sheet_init (&sheet, job, error) && sheet_fits (&sheet, job->format, error)
         && fm_sheet_write (&sheet.spec, job->path, sheet_format (job->format), error);
}

static gboolean
write_csv (Job     *job,
           GError **error)
{
  g_autofree FmExportStats *layers = g_new0 (FmExportStats, job->indexes->len);

  for (guint i = 0; i < job->indexes->len; i++)
    {
      guint index = g_array_index (job->indexes, guint, i);
      const FmLayer *l = fm_frame_layer (job->frame, index);

      layers[i].name = job->frame->model->values[l->value_id].name;
      layers[i].channels = fm_layer_channels (job->frame->model, l);
      layers[i].stats = job->frame->stats[index];
    }
  return fm_export_write_stats_csv (job->path, layers, job->indexes->len, error);
}

static gboolean
write_npy (Job     *job,
           GError **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < job->indexes->len; i++)
    {
      guint index = g_array_index (job->indexes, guint, i);
      const FmLayer *l = fm_frame_layer (job->frame, index);
      const FmValue *v = &job->frame->model->values[l->value_id];
      const float *data = fm_frame_data (job->frame, index);
      g_autofree char *path = NULL;
      FmShape shape = v->shape;

      /* The maps as the tiles show them: a copied layout is item 0's
       * [1, C, H, W] (fm_layer_all_planes () in the command line). */
      if (job->frame->planes[index] != NULL)
        shape = (FmShape) { .rank = 4, .dims = { 1, l->channels, l->height, l->width } };
      /* One layer: the chosen file; several: files in the chosen folder. */
      if (job->indexes->len == 1)
        return fm_npy_write (job->path, &shape, data, error);
      path = fm_export_write_npy (job->path, used, v->name, &shape, data, error);
      if (path == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  switch (job->format)
    {
    case FORMAT_PNG:
    case FORMAT_PDF:
    case FORMAT_SVG:
      ok = write_sheet (job, &error);
      break;
    case FORMAT_CSV:
      ok = write_csv (job, &error);
      break;
    case FORMAT_NPY:
      ok = write_npy (job, &error);
      break;
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static gboolean update_check (FmExportDialog *self);

/* Why the last write failed, on top of the options, scrolled into sight. */
static void
show_status (FmExportDialog *self,
             const char     *text)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static void
set_busy (FmExportDialog *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->export_button, !busy);
  update_check (self);
}

static void
export_done (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  FmExportDialog *self = FM_EXPORT_DIALOG (source);
  Job *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      /* The frame is still here: the person can pick another place. */
      g_autofree char *text = g_strdup_printf (_("%s\nNothing was changed. Choose another "
                                                 "place to try again."), error->message);
      show_status (self, text);
      return;
    }
  if (self->window != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (job->path);
      fm_window_show_exported (self->window, file);
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static Format
current_format (FmExportDialog *self)
{
  return (Format) adw_combo_row_get_selected (self->format_row);
}

static GArray *
current_layers (FmExportDialog *self)
{
  GArray *indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean all = adw_combo_row_get_selected (self->scope_row) == 1 || self->selected < 0;

  for (guint i = 0; i < fm_frame_n_layers (self->frame); i++)
    if (all || (int) i == self->selected)
      g_array_append_val (indexes, i);
  return indexes;
}

/* The channel row's choice: all, zero, and with a scan dead and rare. */
static FmSheetOnly
current_only (FmExportDialog *self)
{
  return (FmSheetOnly) MIN (adw_combo_row_get_selected (self->only_row), FM_SHEET_ONLY_RARE);
}

/* The last channel of the layers exported (the largest, for all layers). */
static guint
last_channel (FmExportDialog *self)
{
  g_autoptr(GArray) indexes = current_layers (self);
  guint last = 0;

  for (guint i = 0; i < indexes->len; i++)
    {
      const FmLayer *l = fm_frame_layer (self->frame, g_array_index (indexes, guint, i));
      guint n = (guint) fm_layer_channels (self->frame->model, l);

      last = MAX (last, n > 0 ? n - 1 : 0);
    }
  return last;
}

/* The channel list typed, NULL for every channel; FALSE when it does not
 * parse, with the reason in the layers' own channel range (the parser
 * knows no layer: it quoted its limit, 0 to 1048575, to a layer of 32). */
static gboolean
current_ranges (FmExportDialog  *self,
                GArray         **ranges,
                GError         **error)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->select_row));
  g_autofree char *text = g_strstrip (g_strdup (typed));
  g_auto(GStrv) items = NULL;

  *ranges = NULL;
  if (text[0] == '\0')
    return TRUE;
  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autoptr(GArray) one = NULL;
      char *item = g_strstrip (items[i]);

      if (item[0] == '\0')
        {
          g_set_error_literal (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                               _("Only channels: an item between commas is empty (write a "
                                 "list such as 0-7,12)"));
          return FALSE;
        }
      one = fm_channel_list_parse (item, "", NULL);
      if (one == NULL)
        {
          /* Translators: a bad item of the Export dialog's channel list
             ("zz"); the numbers are the channels of the layers exported */
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("Only channels: “%s” is not a channel or a range FIRST-LAST of "
                         "channels 0 to %u (write a list such as 0-7,12)"),
                       item, last_channel (self));
          return FALSE;
        }
    }
  /* Translators: names the dialog's channel list in its errors */
  *ranges = fm_channel_list_parse (text, _("Only channels"), error);
  return *ranges != NULL;
}

/* What the thread needs to write @path (NULL: only to check the choices). */
static Job *
job_new (FmExportDialog *self,
         GArray         *ranges,
         const char     *path)
{
  Job *job = g_new0 (Job, 1);
  g_autofree char *cm = g_settings_get_string (self->settings, "colormap");

  job->frame = fm_frame_ref (self->frame);
  job->indexes = current_layers (self);
  job->format = current_format (self);
  job->path = g_strdup (path);
  job->input_name = g_strdup (self->input_name);
  job->input = g_memdup2 (self->input, sizeof (float) * self->input_c * self->input_h *
                                       self->input_w);
  job->input_c = self->input_c;
  job->input_h = self->input_h;
  job->input_w = self->input_w;
  job->colormap = fm_colormap_lookup (cm);
  job->normalize = g_settings_get_enum (self->settings, "normalize");
  job->fixed_min = (float) g_settings_get_double (self->settings, "fixed-min");
  job->fixed_max = (float) g_settings_get_double (self->settings, "fixed-max");
  job->tile_side = gtk_spin_button_get_value_as_int (self->tile_size);
  job->columns = gtk_spin_button_get_value_as_int (self->columns);
  job->preprocess = g_strdup (self->preprocess);
  job->scan = self->scan != NULL ? fm_scan_result_ref (self->scan) : NULL;
  job->rare_below = self->rare_below;
  job->ranges = ranges;
  job->only = current_only (self);
  return job;
}

static gboolean
is_sheet (Format format)
{
  return format == FORMAT_PNG || format == FORMAT_PDF || format == FORMAT_SVG;
}

/* The choices as the writer would meet them, before any file is chosen:
 * for a picture, the channels (the list, a channel past a layer's end,
 * a filter that leaves nothing) and the size (a PNG too tall, a sheet too
 * large). FALSE with the reason, in @problem the label beside the choice
 * to change. CSV and .npy take every channel and have no such limit. */
static gboolean
check_choices (FmExportDialog  *self,
               GtkLabel       **problem,
               GError         **error)
{
  g_autoptr(GArray) ranges = NULL;
  g_auto(Sheet) sheet = { 0 };
  Job *job;
  gboolean ok;

  *problem = self->channels_problem;
  if (!is_sheet (current_format (self)))
    return TRUE;
  if (!current_ranges (self, &ranges, error))
    return FALSE;
  job = job_new (self, g_steal_pointer (&ranges), NULL);
  ok = sheet_init (&sheet, job, error);
  if (ok)
    {
      *problem = self->format_problem;
      ok = sheet_fits (&sheet, job->format, error);
    }
  job_free (job);
  return ok;
}

/* A reason that has just appeared is scrolled into sight, once laid out
 * (a frame after it was shown): it may be below the field typed in. */
static gboolean
reveal_tick (GtkWidget     *label,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (label,
                                                       GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroller);
  graphene_rect_t b;

  if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (label), "fm-frames")) == 0)
    {
      g_object_set_data (G_OBJECT (label), "fm-frames", GUINT_TO_POINTER (1));
      return G_SOURCE_CONTINUE;
    }
  g_object_set_data (G_OBJECT (label), "fm-frames", NULL);
  if (gtk_widget_get_visible (label)
      && gtk_widget_compute_bounds (label, GTK_WIDGET (scroller), &b)
      && b.origin.y + b.size.height > gtk_widget_get_height (GTK_WIDGET (scroller)))
    gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + b.origin.y + b.size.height
                                   - gtk_widget_get_height (GTK_WIDGET (scroller)));
  return G_SOURCE_REMOVE;
}

static void
set_problem (GtkLabel   *label,
             const char *text)
{
  gboolean was_shown = gtk_widget_get_visible (GTK_WIDGET (label));

  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
  if (text == NULL)
    return;
  if (!was_shown)
    gtk_widget_add_tick_callback (GTK_WIDGET (label), reveal_tick, NULL, NULL);
  {
    /* The engine's reasons start in lower case, to follow a name. */
    g_autofree char *first = g_utf8_strup (text, g_utf8_next_char (text) - text);

    g_autofree char *sentence = g_strconcat (first, g_utf8_next_char (text), NULL);
    gtk_label_set_text (label, sentence);
  }
}

/* Checks the choices: the reason beside the one to change, the Export
 * button (and Enter) off until it is changed. TRUE when they can be
 * exported. */
static gboolean
update_check (FmExportDialog *self)
{
  g_autoptr(GError) error = NULL;
  GtkLabel *problem = NULL;
  gboolean ok;
  const char *reason;

  if (self->frame == NULL)
    return FALSE;  /* not yet: fm_export_dialog_new () checks */
  ok = check_choices (self, &problem, &error);
  reason = ok ? NULL : error->message;

  set_problem (self->format_problem, problem == self->format_problem ? reason : NULL);
  set_problem (self->channels_problem, problem == self->channels_problem ? reason : NULL);
  if (!ok && problem == self->channels_problem)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->select_row), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->select_row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->select_row), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->select_row),
                                  GTK_ACCESSIBLE_STATE_INVALID);
    }
  gtk_widget_set_tooltip_text (self->export_button, reason);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.choose", ok && !self->busy);
  return ok;
}

static void
start_export (FmExportDialog *self,
              GFile          *target)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autofree char *path = g_file_get_path (target);
  Job *job;

  if (!update_check (self))
    return;
  if (path == NULL)
    {
      show_status (self, _("Only local files can be written."));
      return;
    }
  if (is_sheet (current_format (self)) && !current_ranges (self, &ranges, NULL))
    return;
  job = job_new (self, g_steal_pointer (&ranges), path);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  set_busy (self, TRUE);
  task = g_task_new (self, NULL, export_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, export_thread);
}

static void
file_chosen_cb (GFile    *file,
                gpointer  self)
{
  start_export (self, file);
}

/* The longest file name most file systems take, in bytes. */
#define NAME_MAX_BYTES 255

/* @name as part of a file name: its letters, digits, '.', '_' and '-',
 * every run of other characters one '-' ("layer1.0 (Add)" gives
 * "layer1.0-Add"), at most @max_bytes bytes. */
static char *
file_name_part (const char *name,
                gsize       max_bytes)
{
  GString *part = g_string_new (NULL);
  g_autofree char *valid = g_utf8_make_valid (name, -1);   /* tensor names are bytes */

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gboolean kept = g_unichar_isalnum (c) || c == '.' || c == '_' || c == '-';

      if (!kept && (part->len == 0 || part->str[part->len - 1] == '-'))
        continue;
      if (part->len + (kept ? (gsize) (next - p) : 1) > max_bytes)
        break;
      if (kept)
        g_string_append_len (part, p, next - p);
      else
        g_string_append_c (part, '-');
    }
  while (part->len > 0 && part->str[part->len - 1] == '-')
    g_string_truncate (part, part->len - 1);
  if (part->len == 0)
    g_string_assign (part, "layer");
  return g_string_free (part, FALSE);
}

/* "resnet18-layer1.0.relu.png": the model's name and the layer's as the
 * grid names it, not its tensor ("/layer1/layer1.0/relu/Relu_output_0"),
 * in at most NAME_MAX_BYTES bytes: the layer's part takes what the
 * model's name leaves (at least 32 bytes, then the model's name is cut). */
static char *
suggested_name (FmExportDialog *self,
                const char     *suffix)
{
  g_autoptr(GArray) indexes = current_layers (self);
  g_autofree char *stem = g_strdup (self->frame->model->display_name);
  g_auto(GStrv) names = NULL;
  g_autofree char *layer = NULL;
  char *dot = strrchr (stem, '.');
  gsize room = NAME_MAX_BYTES - strlen (suffix) - 1;   /* 1: the '-' */

  if (dot != NULL)
    *dot = '\0';
  if (indexes->len != 1)
    layer = g_strdup ("all-layers");
  else
    {
      fm_layers_friendly_names (self->frame->model, self->frame->layers, &names);
      layer = file_name_part (names[g_array_index (indexes, guint, 0)],
                              strlen (stem) + 32 < room ? room - strlen (stem) : 32);
    }
  while (strlen (stem) + strlen (layer) > room)
    *g_utf8_find_prev_char (stem, stem + strlen (stem)) = '\0';
  return g_strconcat (stem, "-", layer, suffix, NULL);
}

static void
choose_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  FmExportDialog *self = FM_EXPORT_DIALOG (widget);
  g_autoptr(GArray) indexes = current_layers (self);
  Format format = current_format (self);
  gboolean folder = format == FORMAT_NPY && indexes->len > 1;
  GtkFileChooserNative *chooser;
  g_autofree char *suggestion = NULL;

  /* A choice that cannot be written opens no file chooser. */
  if (self->busy || !update_check (self))
    return;
  chooser = gtk_file_chooser_native_new (folder ? _("Choose a Folder for the .npy Files")
                                                : _("Export As"),
                                         GTK_WINDOW (self),
                                         folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                : GTK_FILE_CHOOSER_ACTION_SAVE,
                                         folder ? _("_Select") : _("_Save"), _("_Cancel"));
  if (!folder)
    {
      static const char * const suffixes[] = { ".png", ".pdf", ".svg", ".csv", ".npy" };

      suggestion = suggested_name (self, suffixes[format]);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggestion);
    }
  fm_file_chooser_show (chooser, file_chosen_cb, self);
}

static void
update_rows (FmExportDialog *self)
{
  Format format = current_format (self);

  gtk_widget_set_sensitive (self->image_group, is_sheet (format));
  update_check (self);
}

/* 0 columns reads "Auto". */
static gboolean
columns_output_cb (GtkSpinButton *spin,
                   gpointer       user_data)
{
  if (gtk_spin_button_get_value_as_int (spin) != 0)
    return FALSE;
  /* Translators: the Columns row's value when the grid is chosen for 4:3 */
  gtk_editable_set_text (GTK_EDITABLE (spin), C_("columns", "Auto"));
  return TRUE;
}

static int
columns_input_cb (GtkSpinButton *spin,
                  double        *value,
                  gpointer       user_data)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), C_("columns", "Auto")) != 0)
    return FALSE;
  *value = 0;
  return TRUE;
}

/* A tile size chosen here is kept for next time; until then the export
 * follows the window's. */
static void
tile_size_changed_cb (FmExportDialog *self)
{
  g_settings_set_int (self->settings, "export-tile-size",
                      gtk_spin_button_get_value_as_int (self->tile_size));
}

/* The channel row: dead and rare only with a scan to read them from. */
static void
fill_only_row (FmExportDialog *self)
{
  g_autoptr(GtkStringList) items = gtk_string_list_new (NULL);

  gtk_string_list_append (items, _("All"));
  gtk_string_list_append (items, _("Only those zero for this input"));
  if (self->scan != NULL)
    {
      g_autofree char *dataset = g_filename_display_basename (self->scan->dataset_path);
      /* Translators: a choice of channels: "Only those dead on digits.idx" */
      g_autofree char *dead = g_strdup_printf (_("Only those dead on %s"), dataset);
      g_autofree char *rare = g_strdup_printf (_("Only those rarely active on %s"), dataset);

      gtk_string_list_append (items, dead);
      gtk_string_list_append (items, rare);
    }
  adw_combo_row_set_model (self->only_row, G_LIST_MODEL (items));
}

static void
fm_export_dialog_dispose (GObject *object)
{
  FmExportDialog *self = FM_EXPORT_DIALOG (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->frame, fm_frame_unref);
  g_clear_weak_pointer (&self->window);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_EXPORT_DIALOG);
  G_OBJECT_CLASS (fm_export_dialog_parent_class)->dispose (object);
}

static void
fm_export_dialog_finalize (GObject *object)
{
  FmExportDialog *self = FM_EXPORT_DIALOG (object);

  g_free (self->input_name);
  g_free (self->input);
  g_free (self->preprocess);
  g_clear_pointer (&self->scan, fm_scan_result_unref);
  G_OBJECT_CLASS (fm_export_dialog_parent_class)->finalize (object);
}

static void
fm_export_dialog_class_init (FmExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_export_dialog_dispose;
  object_class->finalize = fm_export_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/featuremaps/FeatureMaps/fm-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, scope_row);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, colormap_row);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, normalize_row);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, tile_size);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, columns);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, only_row);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, select_row);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, image_group);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, scroller);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, format_problem);
  gtk_widget_class_bind_template_child (widget_class, FmExportDialog, channels_problem);
  gtk_widget_class_install_action (widget_class, "export.choose", NULL, choose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fm_export_dialog_init (FmExportDialog *self)
{
  static const char * const scopes[] = { "layer", "all", NULL };
  static const char * const formats[] = { "png", "pdf", "svg", "csv", "npy", NULL };
  g_autoptr(GVariant) chosen = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  fm_focus_keeper_attach (GTK_WINDOW (self));
  /* the reasons name layers */
  fm_label_keep_names_whole (self->status_label);
  fm_label_keep_names_whole (self->format_problem);
  fm_label_keep_names_whole (self->channels_problem);
  self->settings = g_settings_new (APP_ID);
  fm_settings_bind_choice_row (self->settings, "export-scope", self->scope_row, scopes);
  fm_settings_bind_choice_row (self->settings, "export-format", self->format_row, formats);
  fm_settings_bind_colormap_row (self->settings, self->colormap_row);
  fm_settings_bind_normalize_row (self->settings, self->normalize_row);
  fm_combo_row_show_whole_items (self->scope_row);
  fm_combo_row_show_whole_items (self->format_row);
  fm_combo_row_show_whole_items (self->colormap_row);
  fm_combo_row_show_whole_items (self->normalize_row);
  fm_combo_row_show_whole_items (self->only_row);
  fm_settings_name_spin_button (GTK_WIDGET (self->tile_size));
  fm_settings_name_spin_button (GTK_WIDGET (self->columns));
  chosen = g_settings_get_user_value (self->settings, "export-tile-size");
  gtk_spin_button_set_value (self->tile_size,
                             g_settings_get_int (self->settings, chosen != NULL
                                                                 ? "export-tile-size"
                                                                 : "tile-size"));
  g_signal_connect_swapped (self->tile_size, "value-changed", G_CALLBACK (tile_size_changed_cb),
                            self);
  g_signal_connect (self->columns, "output", G_CALLBACK (columns_output_cb), NULL);
  g_signal_connect (self->columns, "input", G_CALLBACK (columns_input_cb), NULL);
  g_settings_bind (self->settings, "export-columns", self->columns, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_swapped (self->format_row, "notify::selected", G_CALLBACK (update_rows), self);
  /* The choices are checked as they are made. */
  g_signal_connect_swapped (self->scope_row, "notify::selected", G_CALLBACK (update_check), self);
  g_signal_connect_swapped (self->only_row, "notify::selected", G_CALLBACK (update_check), self);
  g_signal_connect_swapped (self->select_row, "changed", G_CALLBACK (update_check), self);
  g_signal_connect_swapped (self->tile_size, "value-changed", G_CALLBACK (update_check), self);
  g_signal_connect_swapped (self->columns, "value-changed", G_CALLBACK (update_check), self);
  update_rows (self);
  /* Enter in the channel list exports what it says. */
  adw_entry_row_set_activates_default (self->select_row, TRUE);
}

GtkWindow *
fm_export_dialog_new (FmWindow    *window,
                      FmFrame     *frame,
                      int          selected,
                      const char  *input_name,
                      const float *input,
                      int          input_c,
                      int          input_h,
                      int          input_w)
{
  FmExportDialog *self = g_object_new (FM_TYPE_EXPORT_DIALOG, "transient-for", window, NULL);

  g_set_weak_pointer (&self->window, window);
  self->frame = fm_frame_ref (frame);
  self->selected = selected;
  self->input_name = g_strdup (input_name);
  self->input = g_memdup2 (input, sizeof (float) * input_c * input_h * input_w);
  self->input_c = input_c;
  self->input_h = input_h;
  self->input_w = input_w;
  self->preprocess = fm_preprocess_describe (fm_window_get_preprocess (window));
  /* The window's scan is of this model under these settings, or NULL. */
  if (fm_window_get_scan (window) != NULL)
    self->scan = fm_scan_result_ref (fm_window_get_scan (window));
  self->rare_below = g_settings_get_double (self->settings, "rare-threshold");
  fill_only_row (self);
  /* With every layer on screen there is no selected layer to offer. */
  if (selected < 0)
    {
      /* Show it without changing the remembered choice. */
      g_settings_unbind (self->scope_row, "selected");
      adw_combo_row_set_selected (self->scope_row, 1);
      gtk_widget_set_sensitive (GTK_WIDGET (self->scope_row), FALSE);
    }
  /* Enter exports: the dialog opens on Export… (GTK would focus Cancel,
   * the first button, and Enter cancelled), or, when the choices cannot
   * be exported, on the row to change, beside its reason. */
  if (update_check (self))
    gtk_window_set_focus (GTK_WINDOW (self), self->export_button);
  else
    gtk_window_set_focus (GTK_WINDOW (self),
                          gtk_widget_get_visible (GTK_WIDGET (self->channels_problem))
                          ? GTK_WIDGET (self->select_row) : GTK_WIDGET (self->format_row));
  return GTK_WINDOW (self);
}

void
fm_export_dialog_export_to (FmExportDialog *self,
                            GFile          *target)
{
  start_export (self, target);
}

gboolean
fm_export_dialog_is_busy (FmExportDialog *self)
{
  return self->busy;
}

const char *
fm_export_dialog_get_status (FmExportDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->status_label))
           ? gtk_label_get_text (self->status_label) : NULL;
}
