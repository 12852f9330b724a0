/* fm-window.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fm-draw-pad.h"
#include "fm-frame.h"
#include "fm-image.h"
#include "fm-model.h"
#include "fm-preprocess.h"
#include "fm-scan.h"

G_BEGIN_DECLS

#define FM_TYPE_WINDOW (fm_window_get_type ())

G_DECLARE_FINAL_TYPE (FmWindow, fm_window, FM, WINDOW, AdwApplicationWindow)

FmWindow  *fm_window_new             (AdwApplication *application);
/* Loads @file off the main thread; on failure a toast names the file and
 * the reason and the current model stays. */
void       fm_window_open_model      (FmWindow       *self,
                                      GFile          *file);
/* Loads a picture into the canvas (PNG or JPEG), off the main thread. */
void       fm_window_open_image      (FmWindow       *self,
                                      GFile          *file);
/* Whether a picture is still being read; of several, the last asked for
 * is the one shown. */
gboolean   fm_window_is_loading_image (FmWindow      *self);

/* Loads a decoded picture (a dataset item, say) into the canvas as
 * fm_window_open_image () does for a file: preprocessed for the current
 * model, the drawing kept on the undo stack. @name is what exports call it. */
void       fm_window_load_image      (FmWindow       *self,
                                      const FmImage  *image,
                                      const char     *name);

/* The Input Settings dialog while it is open, the settings in force, and
 * the tensor last given to the model ([C, H, W]). */
GtkWindow          *fm_window_get_input_dialog  (FmWindow *self);
const FmPreprocess *fm_window_get_preprocess    (FmWindow *self);
const float        *fm_window_get_input_tensor  (FmWindow *self);

/* Shows the canvas kept when the last window closed (the setting
 * last-input) once the model has loaded; the application asks for it at
 * start when no picture is given. */
void       fm_window_restore_last_input (FmWindow    *self);

/* After a successful export: a toast naming the file, with Open Folder. */
void       fm_window_show_exported   (FmWindow       *self,
                                      GFile          *file);
/* Opens the export dialog for what is on screen (NULL without a frame). */
GtkWindow *fm_window_open_export     (FmWindow       *self);

/* Scans the dataset at @dataset_path (IDX file or folder of images) in the
 * background; progress and Stop in a bar above the tiles. */
void       fm_window_start_scan      (FmWindow       *self,
                                      const char     *dataset_path);
gboolean   fm_window_is_scanning     (FmWindow       *self);
/* Open Scan Result…: reads @file (a `scan --json` or `merge` result) in
 * the background and shows it as the window's scan if it is of the model
 * shown, made with its settings; else a toast says what differs. */
void       fm_window_open_scan_result (FmWindow      *self,
                                       GFile         *file);
/* Writes the scan result as JSON, or CSV for a .csv path. */
gboolean   fm_window_export_scan     (FmWindow       *self,
                                      const char     *path,
                                      GError        **error);
/* Export Atlas…: the PDF @file of the scan shown, written in the
 * background on the scan's bar (fm_window_is_scanning () meanwhile). */
void       fm_window_export_atlas    (FmWindow       *self,
                                      GFile          *file);
/* Export Pruned Model…: the pruned model (fm-prune.h) by the scan shown,
 * verified on the scan's dataset and written to @file in the background
 * on the scan's bar; then a dialog with the report. */
void       fm_window_export_pruned   (FmWindow       *self,
                                      GFile          *file);

/* For tests and benchmarks. */
/* Compare With…: @file as model B beside the model shown (A), on the
 * same input; refused with a toast when its input has another shape. */
void       fm_window_compare_with    (FmWindow       *self,
                                      GFile          *file);
/* Back to the model shown alone, with the input kept. */
void       fm_window_stop_comparing  (FmWindow       *self);
FmModel   *fm_window_get_compare_model (FmWindow     *self);
FmFrame   *fm_window_get_compare_frame (FmWindow     *self);
guint      fm_window_get_compare_n_frames (FmWindow  *self);
const float *fm_window_get_compare_input_tensor (FmWindow *self);
GtkWidget *fm_window_get_compare_banner (FmWindow    *self);
const char *fm_window_get_compare_unpaired_text (FmWindow *self);
void       fm_window_set_compare_difference (FmWindow *self,
                                             gboolean  show);

FmModel   *fm_window_get_model       (FmWindow       *self);
FmDrawPad *fm_window_get_draw_pad    (FmWindow       *self);
/* The frame on screen (NULL before the first result). */
FmFrame   *fm_window_get_frame       (FmWindow       *self);
/* Channels marked all zero in the section of layer @index (-1 terminated
 * array owned by the caller: g_array_unref). */
GArray    *fm_window_dup_marked_zero (FmWindow       *self,
                                      guint           index);
/* Counts of results shown, and the last toast's text. */
guint      fm_window_get_n_frames    (FmWindow       *self);
/* The planned nodes the layers in sight need (fm_worker_set_needed ()). */
guint      fm_window_get_needed_nodes (FmWindow      *self);
/* The scan result for the current model, or NULL, and the scan bar's text. */
FmScanResult *fm_window_get_scan     (FmWindow       *self);
const char   *fm_window_get_scan_status (FmWindow    *self);
/* The section of layer @index. */
GtkWidget    *fm_window_get_section  (FmWindow       *self,
                                      guint           index);
const char *fm_window_get_last_toast (FmWindow       *self);
/* The technical detail behind the last error toast's Details, or NULL. */
const char *fm_window_get_error_detail (FmWindow     *self);
/* The key to the marks, one line per entry shown (in full, as its
 * tooltip says it), the key's widget, and whether the offer to scan a
 * dataset is shown and can be used. */
char       *fm_window_dup_key_text   (FmWindow       *self);
GtkWidget  *fm_window_get_key        (FmWindow       *self);
gboolean    fm_window_get_scan_offered (FmWindow     *self);
/* Rows of the prediction shown (none for an empty canvas). */
guint       fm_window_get_n_prediction_rows (FmWindow *self);
/* Selects layer @index in the sidebar (-1: all layers). */
void        fm_window_select_layer   (FmWindow       *self,
                                      int             index);
GtkWidget  *fm_window_get_layer_list (FmWindow       *self);
/* Focuses channel @channel of the layer of the tile with the focus (else
 * of the selected layer, or the first one in sight), showing every
 * channel if the filter hides it (Ctrl+G). */
gboolean    fm_window_go_to_channel  (FmWindow       *self,
                                      guint           channel);
GtkWidget  *fm_window_get_layers_scroller (FmWindow  *self);
/* The content's page: "loading", "no-model", "empty" or "layers". */
const char *fm_window_get_content_page (FmWindow     *self);
/* What a key pressed in the grid does: Page Up/Down scroll a page and
 * focus the tile at the same place on screen (the first or last tile at
 * either end), Ctrl+Home/End focus the first/last tile of the page. The
 * focus moves once the tiles there are laid out. FALSE for other keys. */
gboolean    fm_window_grid_key       (FmWindow        *self,
                                      guint            keyval,
                                      GdkModifierType  state);

/* Open Checkpoints (fm-window-checkpoints.c): the .onnx files of @folder
 * in natural order, the first one opened and a slider over them. FALSE
 * with an error naming the folder when it holds none. */
gboolean    fm_window_open_checkpoints   (FmWindow    *self,
                                          GFile       *folder,
                                          GError     **error);
guint       fm_window_get_n_checkpoints  (FmWindow    *self);
guint       fm_window_get_checkpoint     (FmWindow    *self);
/* Opens checkpoint @index as the slider does. */
void        fm_window_set_checkpoint     (FmWindow    *self,
                                          guint        index);
/* Scans the dataset of the window's last scan with every checkpoint. */
void        fm_window_scan_checkpoints   (FmWindow    *self);
gboolean    fm_window_is_scanning_checkpoints (FmWindow *self);
/* The checkpoint bar's text ("Checkpoint 3 of 9: epoch-2.onnx"). */
const char *fm_window_get_checkpoint_label (FmWindow  *self);
/* The dead channels of @layer at checkpoint @index after that scan, or
 * G_MAXUINT when it has none. */
guint       fm_window_get_checkpoint_dead (FmWindow   *self,
                                           guint       index,
                                           const char *layer);

/* A path as the settings keep it: as it is when it is UTF-8, else as a
 * file:// URI (a GSettings string must be UTF-8); and back (NULL for a URI
 * that is not a local file's). */
char      *fm_window_path_to_setting   (const char *path);
char      *fm_window_path_from_setting (const char *value);

G_END_DECLS
