/* fm-window-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's state and the functions its files share: fm-window.c (live
 * results, models, life), -input.c (canvas, pictures, input settings,
 * prediction), -grid.c (sidebar, sections, tiles in sight, filter, keys),
 * -actions.c, -panels.c (the input pane and the layer list, and the focus
 * around them), -dnd.c (file choosers and drops), -scan.c (the dataset
 * scan) and -compare.c (a second model beside the first). Other files use
 * fm-window.h.
 */
#pragma once

#include "fm-draw-pad.h"
#include "fm-file-chooser.h"
#include "fm-frame.h"
#include "fm-layer-section.h"
#include "fm-predict.h"
#include "fm-preprocess.h"
#include "fm-scan.h"
#include "fm-window.h"
#include "fm-worker.h"

G_BEGIN_DECLS

struct _FmWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  GtkMenuButton   *menu_button;
  GtkWidget       *last_focus;  /* weak: the last focus outside the main menu */
  gboolean         submenu_item_chosen;  /* Bundled or Recent Models: see main_menu_closed_cb */
  AdwWindowTitle  *window_title;
  GtkSpinner      *spinner;
  FmDrawPad       *draw_pad;
  GtkDrawingArea  *preview;
  GtkLabel        *input_caption;
  GtkBox          *prediction_box;
  GtkListBox      *layer_list;
  GtkStack        *content_stack;
  GtkScrolledWindow *layers_scroller;
  GtkBox          *sections_box;
  AdwFlap         *input_flap;
  AdwFlap         *layers_flap;
  GtkWidget       *input_toggle;   /* the header's toggles of the two flaps */
  GtkWidget       *layers_toggle;
  GtkWidget       *panel_focus_before[2]; /* weak: the focus before each panel opened
                                           * (fm-window-panels.c) */
  GtkFlowBox      *key_flow;     /* the key's entries, side by side as they fit */
  GtkWidget       *scan_offer;
  GtkWidget       *key_dead;     /* key entries shown after a scan */
  GtkWidget       *key_rare;
  GtkWidget       *prediction_empty;
  char            *error_detail; /* technical detail of the last error toast */
  GMenu           *recent_menu;  /* the main menu's Recent Models */
  GtkDropDown     *filter_dropdown;
  GtkDropDown     *sort_dropdown;
  GtkLabel        *view_count;
  guint            scroll_tick;  /* restore_scroll_tick () after a model change */
  double           scroll_wanted;
  guint            scroll_frames;
  gboolean         restore_input; /* the next model loaded restores the last canvas */
  char            *settings_path;      /* the current model's input settings file */
  char            *next_settings_path; /* the one of the model being set */
  char            *input_shape;        /* "[1, 3, 224, 224]" */
  gboolean         input_inverted;     /* the picture shown was inverted */
  struct _FmWindowCheckpoints *checkpoints; /* fm-window-checkpoints.c */
  FmImage         *picture;            /* the picture opened, while the canvas shows it as
                                        * opened: read again for other input settings */
  GtkWindow       *input_dialog;       /* Input Settings, while open */
  FmPreprocess     scan_pp;            /* the settings the scan shown was made with */

  GSettings       *settings;
  FmWorker        *worker;
  GCancellable    *load_cancellable;
  guint            busy_source;    /* shows the spinner after a delay */
  GFile           *pending_image;  /* opened before any model had loaded */
  guint            image_generation; /* of the last picture asked for: it wins */
  guint            image_loads;      /* pictures being read */
  char            *input_name;     /* the picture loaded, or "canvas" */

  FmModel         *model;
  GArray          *layers;       /* FmLayer */
  FmPreprocess     pp;
  float           *input;        /* [C, H, W] normalised, last submitted */
  gsize            input_len;
  GStrv            labels;

  FmFrame         *frame;
  FmViewOptions    options;
  GPtrArray       *sections;     /* FmLayerSection*, borrowed */
  GPtrArray       *zero_labels;  /* GtkLabel* of the sidebar rows, borrowed */
  int              selected;     /* layer index, -1 = all layers */
  int              tile_wanted_layer;   /* a tile clicked before its layer's first pass, or -1 */
  guint            tile_wanted_channel;

  GtkWidget       *top_labels[FM_PREDICT_TOP_K];
  GtkWidget       *top_bars[FM_PREDICT_TOP_K];
  GtkWidget       *top_values[FM_PREDICT_TOP_K];

  guint            n_frames;
  char            *last_toast;
  guint            wait_tick;      /* tick callback of wait_for_result_tick () */
  guint            sight_idle;     /* update_tiles_in_sight () is queued */
  guint            sight_tick;     /* waits for a layout before queueing sight_idle */
  guint8          *sight;          /* [layers->len]: the sections in sight, or NULL */
  guint            grid_focus_tick;  /* places the focus after a page key */
  int              grid_focus;       /* GridFocus */
  double           grid_focus_x, grid_focus_y;
  guint            grid_focus_frames;

  /* dataset scan (fm-window-scan.c) */
  GtkRevealer     *scan_revealer;
  GtkProgressBar  *scan_progress;
  GtkLabel        *scan_label;
  char            *bar_job_stopped;  /* the toast if a model switch stops the job */
  GtkWidget       *scan_cancel;
  GtkWidget       *scan_export;
  GtkWidget       *scan_export_atlas;  /* made in fm-window-scan.c */
  GtkWidget       *scan_export_pruned; /* made in fm-window-prune.c */
  GtkWidget       *scan_close;
  GCancellable    *scan_cancellable;
  gboolean         bar_job_scans;  /* the bar's job is a dataset scan (Escape stops it) */
  FmScanResult    *scan;           /* for the current model, or NULL */
  gboolean         scan_from_cache; /* that scan came from the cache */
  char            *scan_dataset;   /* the last dataset scanned for this model */
  char            *scan_look_up_next; /* _fm_window_scan_look_up () after the scan that runs */
  char            *scan_file;      /* the file the scan shown was opened from, or NULL */
  GCancellable    *scan_result_cancellable; /* Open Scan Result… (fm-window-scan-result.c) */
  GPtrArray       *dead_labels;    /* GtkLabel* of the sidebar rows, borrowed */

  /* comparing with a second model B (fm-window-compare.c) */
  GtkRevealer     *compare_revealer;
  GtkLabel        *compare_label;
  GtkLabel        *compare_only_label;
  GtkToggleButton *compare_diff_toggle;
  GtkWidget       *key_differs;      /* the key's entry for the highlighted cells */
  GCancellable    *compare_cancellable;
  FmWorker        *worker_b;
  FmModel         *model_b;          /* NULL when not comparing */
  GArray          *layers_b;         /* FmLayer of B */
  GArray          *compare_matches;  /* FmLayerMatch: A's layers and B's */
  FmPreprocess     pp_b;             /* B's input settings */
  float           *input_b;          /* [C, H, W] B's tensor, last submitted */
  FmFrame         *frame_b;
  guint            n_frames_b;
};

/* fm-window-toast.c: a long toast has its whole text behind Details */
void _fm_window_toast            (FmWindow     *self,
                                  const char   *text);
/* The same with a button named @button that opens @uri. */
void _fm_window_toast_open       (FmWindow     *self,
                                  const char   *text,
                                  const char   *button,
                                  const char   *uri);
/* A toast with the error's first line, the rest behind Details. */
void _fm_window_show_error       (FmWindow     *self,
                                  const GError *error);

/* fm-window.c */
/* What a model load gives back on the main thread: the model (borrowed)
 * and its input settings file (taken, or NULL), or NULL and @error.
 * Not called when the load was cancelled. */
typedef void (*FmWindowModelLoaded) (FmWindow *self,
                                     FmModel  *model,
                                     char     *settings_path,
                                     GError   *error);
/* Loads the model @file off the main thread, hashing its bytes for its
 * input settings file beside the load, then calls @func. */
void _fm_window_load_model_async (FmWindow            *self,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  FmWindowModelLoaded  func);
/* The input settings for @model: its metadata's, overridden by those kept
 * in @settings_path (*@kept TRUE). */
gboolean _fm_window_model_input_settings (FmWindow      *self,
                                          FmModel       *model,
                                          const char    *settings_path,
                                          FmPreprocess  *pp,
                                          gboolean      *kept,
                                          GError       **error);
/* @file's path for a task's thread, or NULL with the task's error returned. */
char *_fm_window_task_local_path (GTask        *task,
                                  GFile        *file);

/* fm-window-input.c */
void _fm_window_input_init       (FmWindow     *self);
/* @file's name in UTF-8 whatever the bytes of its path (a Latin-1 "é"
 * shows as U+FFFD), for labels, toasts and figures' text. */
char *_fm_window_display_basename (GFile       *file);
/* The canvas normalised into self->input and submitted to the worker. */
void _fm_window_submit_input     (FmWindow     *self);
void _fm_window_update_prediction (FmWindow    *self);
void _fm_window_update_input_caption (FmWindow *self);
/* The canvas for a new model's input settings (self->pp). */
void _fm_window_set_canvas       (FmWindow     *self,
                                  gboolean      keep);
/* Keeps self->pp for the current model in its settings file; a failure
 * is toasted. */
void _fm_window_keep_input_settings (FmWindow *self);
/* The options every model of the window is loaded with (from any thread). */
void _fm_window_model_options (FmModelOptions *options);
/* Opens Input Settings, with the line @explain on top if not NULL. */
void _fm_window_open_input_settings (FmWindow  *self,
                                     const char *explain);
/* Input Settings for the model now shown: the open dialog updated in
 * place, else opened. */
void _fm_window_refresh_input_settings (FmWindow  *self,
                                        const char *explain);
/* Closes Input Settings, if open, letting go of the window first. */
void _fm_window_close_input_settings (FmWindow *self);
void _fm_window_save_last_input  (FmWindow     *self);
void _fm_window_restore_last_input (FmWindow   *self);

/* fm-window-grid.c */
void _fm_window_grid_init        (FmWindow     *self);
void _fm_window_grid_dispose     (FmWindow     *self);
/* New sections and sidebar rows for self->model, then a new pass. */
void _fm_window_rebuild_layers   (FmWindow     *self);
/* The worker derives the statistics for the layers listed and the zero
 * threshold of now. */
void _fm_window_update_worker_finish (FmWindow *self);
void _fm_window_apply_view       (FmWindow     *self);
/* Shows the selected layer's section, or all of them (but those compare
 * mode hides), from the top. */
void _fm_window_show_selected    (FmWindow     *self);
/* Where Ctrl+G goes: the section of the tile with the focus and its
 * channel; else the selected layer's section, or the first in sight on
 * All Layers, and channel 0. */
FmLayerSection *_fm_window_section_for_go_to (FmWindow *self,
                                              guint    *channel);
/* Focuses @channel of @section, showing every channel if the filter hides
 * it; FALSE past the layer's channels. */
gboolean _fm_window_go_to        (FmWindow       *self,
                                  FmLayerSection *section,
                                  guint           channel);
/* Updates the key to the marks (and the offer to scan) for the scan shown. */
void _fm_window_update_key       (FmWindow     *self);

/* fm-window-actions.c */
void _fm_window_actions_class_init (GtkWidgetClass *widget_class);
/* Opens a tile's detail, or keeps the wish until a pass has made its
 * layer (worker_result_cb opens it then). */
void _fm_window_open_tile (FmWindow *self,
                           guint     layer,
                           guint     channel);

/* fm-window-panels.c: the input pane and the layer list, and the focus */
void _fm_window_panels_class_init (GtkWidgetClass *widget_class);
void _fm_window_panels_init      (FmWindow     *self);
void _fm_window_panels_dispose   (FmWindow     *self);
/* F8, F9: opens @flap with the focus in it, or closes it (the focus goes
 * back to a visible widget). */
void _fm_window_toggle_panel     (FmWindow     *self,
                                  AdwFlap      *flap);

/* fm-window-recent.c */
/* The recent models in the main menu: those still there. */
void _fm_window_update_recent_menu (FmWindow   *self);
/* Puts @path (NULL: nothing) first in the recent models. */
void _fm_window_add_recent_model   (FmWindow   *self,
                                    const char *path);

/* fm-window-dnd.c */
void _fm_window_dnd_init         (FmWindow     *self);
/* The file chooser of Open Model (@model) or Open Image. */
void _fm_window_open_chooser     (FmWindow     *self,
                                  gboolean      model);

/* fm-window-checkpoints.c */
typedef struct _FmWindowCheckpoints FmWindowCheckpoints;
void _fm_window_checkpoints_class_init (GtkWidgetClass *widget_class);
/* After _fm_window_scan_init (): the bar goes above the scan's. */
void _fm_window_checkpoints_init     (FmWindow     *self);
void _fm_window_checkpoints_dispose  (FmWindow     *self);
void _fm_window_checkpoints_finalize (FmWindow     *self);
/* A model was set: leaves the mode if it is not the checkpoint chosen,
 * else shows that checkpoint's verdicts if its scan is in the cache. */
void _fm_window_checkpoints_model_set (FmWindow    *self);
/* After a model failed to open: the bar says when it was the slider's
 * checkpoint, and whose maps are still shown. */
void _fm_window_checkpoints_load_failed (FmWindow    *self);
/* Whether @path is the checkpoint the slider is on (in the mode). */
gboolean _fm_window_checkpoints_is_current (FmWindow   *self,
                                            const char *path);
/* Whether opening @to is a step of the slider from @from: @to is the
 * checkpoint the slider is on and @from another of the same folder. */
gboolean _fm_window_checkpoints_is_step (FmWindow   *self,
                                         const char *from,
                                         const char *to);
/* The file chooser of a model, titled @title, calling @func. */
void _fm_window_model_chooser    (FmWindow        *self,
                                  const char      *title,
                                  FmFileChosenFunc func);

/* fm-window-compare.c */
void _fm_window_compare_class_init (GtkWidgetClass *widget_class);
void _fm_window_compare_init     (FmWindow     *self);
void _fm_window_compare_shutdown (FmWindow     *self);
void _fm_window_compare_dispose  (FmWindow     *self);
void _fm_window_compare_finalize (FmWindow     *self);
/* The canvas @pixels through B's input settings to B's worker. */
void _fm_window_compare_submit   (FmWindow     *self,
                                  const float  *pixels);
/* B's statistics for the zero threshold of now. */
void _fm_window_compare_update_finish (FmWindow *self);
/* A's sections were built anew: pair them with B's layers again. */
void _fm_window_compare_layers_rebuilt (FmWindow *self);
/* TRUE when comparing and A's layer @layer has no partner in B. */
gboolean _fm_window_compare_hides (FmWindow    *self,
                                   guint        layer);

/* fm-window-scan.c: the bar's jobs (a scan, an atlas, a pruning). What
 * each has first: its progress, written by its thread and read by the bar
 * every 100 ms, and its words for it. */
typedef struct _FmBarJob FmBarJob;
struct _FmBarJob
{
  GMutex   lock;
  guint64  done;
  guint64  total;
  double   elapsed;
  char  *(*status) (FmBarJob *job, guint64 done, guint64 total, double elapsed);
};
void _fm_window_bar_job_init     (FmBarJob     *job,
                                  char       *(*status) (FmBarJob *, guint64, guint64, double));
/* From the job's thread (an FmScanProgressFunc of the FmBarJob). */
void _fm_window_bar_job_progress (guint64       done,
                                  guint64       total,
                                  double        elapsed,
                                  gpointer      user_data);
/* Runs @thread on @job (freed with @free_job) with the bar's Stop as its
 * cancellable, the bar saying @label until the first progress, then
 * @done on the main thread; a toast says @stopped if another model is
 * opened while it runs (which stops it). */
void _fm_window_run_bar_job      (FmWindow            *self,
                                  FmBarJob            *job,
                                  GDestroyNotify       free_job,
                                  gboolean             check_cancellable,
                                  const char          *label,
                                  const char          *stopped,
                                  GTaskThreadFunc      thread,
                                  GAsyncReadyCallback  done);
/* In @done: nothing runs now; the bar shows the scan again. */
void _fm_window_bar_job_done     (FmWindow            *self);

/* fm-window-bar-jobs.c: what the bar's jobs that write a file share */
/* In @done, for a job that failed with @error: a toast that says @stopped
 * when it was stopped, else @format (whose %s is @error's message). */
void _fm_window_bar_job_failed   (FmWindow            *self,
                                  const GError        *error,
                                  const char          *stopped,
                                  const char          *format,
                                  ...) G_GNUC_PRINTF (4, 5);

/* A bar job on the scan shown that writes a file (Export Atlas…, Export
 * Pruned Model…): what it works on, held while it runs. */
typedef struct
{
  FmBarJob      bar;
  FmModel      *model;
  FmScanResult *scan;
  char         *dataset_path;  /* the scan's */
  char         *path;          /* the file written */
} FmScanJob;
/* Whether @path is the open model or the scan's dataset, which a bar job
 * never writes (the file chooser only asks whether to replace a file):
 * then a toast says "@what: PATH is the model or the dataset…". */
gboolean _fm_window_bar_job_refuses (FmWindow   *self,
                                     const char *path,
                                     const char *what);
/* Takes the window's model and scan, and a copy of @path. */
void _fm_window_scan_job_init    (FmWindow     *self,
                                  FmScanJob    *job,
                                  char       *(*status) (FmBarJob *, guint64, guint64, double),
                                  const char   *path);
void _fm_window_scan_job_clear   (FmScanJob    *job);
/* A button of the scan's bar after @after, for @action, hidden at first. */
GtkWidget *_fm_window_add_bar_button (GtkWidget  *after,
                                      const char *mnemonic,
                                      const char *name,
                                      const char *tooltip,
                                      const char *action);

/* fm-window-prune.c: Export Pruned Model…, beside Export Atlas… */
void _fm_window_prune_class_init (GtkWidgetClass *widget_class);
void _fm_window_prune_init       (FmWindow     *self);

/* fm-window-scan.c */
void _fm_window_scan_class_init  (GtkWidgetClass *widget_class);
void _fm_window_scan_init        (FmWindow     *self);
/* The model changed: cancel a running scan and forget the result. */
void _fm_window_scan_reset       (FmWindow     *self);
/* Marks dead and rarely active channels in the sections and the sidebar. */
void _fm_window_scan_apply       (FmWindow     *self);
void _fm_window_scan_dispose     (FmWindow     *self);
/* @result (for the current model, made with the window's settings)
 * becomes the scan shown: marks, bar. @file: the name of the file it was
 * opened from, or NULL. */
void _fm_window_scan_show        (FmWindow     *self,
                                  FmScanResult *result,
                                  gboolean      from_cache,
                                  const char   *file);
/* fm-window-scan-result.c */
void _fm_window_scan_result_class_init (GtkWidgetClass *widget_class);
/* The zero threshold or the input settings changed: a scan made under
 * others loses its marks, or is replaced by a cached scan made under the
 * new ones. */
void _fm_window_scan_settings_changed (FmWindow *self);
/* Shows the cached scan of @dataset_path for the current model, if the
 * cache has one under the window's settings; nothing is said otherwise. */
void _fm_window_scan_look_up     (FmWindow     *self,
                                  const char   *dataset_path);

G_END_DECLS
