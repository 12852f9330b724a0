/* fm-cli-scan.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `scan` shares with the commands that scan too (`timeline`,
 * `atlas`, `prune`): the scan's flags (--labels, --limit, --top-k,
 * --rare-below, --threads, --no-cache and the preprocessing flags), their
 * checks, opening the dataset, loading a model for it, and one scan
 * through the result cache with progress on a terminal and Ctrl+C
 * stopping it. Implemented in fm-cli-scan.c.
 */
#pragma once

#include <gio/gio.h>

#include "fm-cli-input.h"
#include "fm-dataset.h"
#include "fm-model.h"
#include "fm-scan.h"

G_BEGIN_DECLS

typedef struct
{
  /* options, filled by GOptionContext */
  char                *labels;
  gint64               limit;
  int                  top_k;
  double               rare_below;
  FmCliPreprocessFlags preprocess;
  int                  threads;
  gboolean             no_cache;
  /* state */
  const char          *progress_label;  /* printed before the progress, or NULL */
  gboolean             tty;
  GCancellable        *cancellable;     /* cancelled by Ctrl+C; stays cancelled */
} FmCliScanFlags;

/* The defaults: top-k 9, rare below 0.01, 2 threads. */
void          fm_cli_scan_flags_init        (FmCliScanFlags        *f);
void          fm_cli_scan_flags_clear       (FmCliScanFlags        *f);
void          fm_cli_scan_flags_add_options (FmCliScanFlags        *f,
                                             GOptionContext        *context);
/* Adds the flags' options to @context and parses the command line of a
 * command that takes MODEL DATASET (`scan`, `atlas`, `prune`); returns an
 * exit status, having printed a usage error. */
int           fm_cli_scan_parse             (FmCliScanFlags        *f,
                                             GOptionContext        *context,
                                             const char            *subcommand,
                                             int                   *argc,
                                             char                ***argv);
/* The values alone; returns an exit status, having printed a usage error
 * naming the flag. */
int           fm_cli_scan_flags_check       (const FmCliScanFlags  *f,
                                             GOptionContext        *context,
                                             const char            *subcommand);
/* DATASET (a path, or "mnist-heldout"); returns an exit status, having
 * printed the error. */
int           fm_cli_scan_open_dataset      (const FmCliScanFlags  *f,
                                             const char            *dataset_arg,
                                             FmDataset            **dataset);
/* MODEL for @dataset (whose IDX size fills in symbolic dims) and the scan
 * options from the flags. FM_CLI_EXIT_FAILURE with @error when the model
 * cannot be loaded (not printed: the caller decides); another status,
 * printed, for a usage error (flags that do not fit the model). */
int           fm_cli_scan_load_model        (const FmCliScanFlags  *f,
                                             GOptionContext        *context,
                                             const char            *subcommand,
                                             const char            *model_arg,
                                             FmDataset             *dataset,
                                             FmModel              **model,
                                             FmScanOptions         *options,
                                             GError               **error);
/* For a command of MODEL DATASET that writes @outputs (NULL entries
 * skipped): fm_cli_check_outputs () of them against MODEL, DATASET,
 * --labels and @extra_input (NULL: none), fm_cli_check_output_folders ()
 * of them, fm_cli_scan_open_dataset () of @argv[2],
 * fm_cli_scan_load_model () of @argv[1], then fm_cli_check_found_inputs ()
 * of the outputs against the files the dataset and the model read,
 * printing what goes wrong; returns an exit status. */
int           fm_cli_scan_open              (const FmCliScanFlags  *f,
                                             GOptionContext        *context,
                                             const char            *subcommand,
                                             char                 **argv,
                                             const char            *extra_input,
                                             const char * const    *outputs,
                                             guint                  n_outputs,
                                             FmDataset            **dataset,
                                             FmModel              **model,
                                             FmScanOptions         *options);
/* fm_scan_run_cached () with progress on a terminal and Ctrl+C cancelling
 * (f->cancellable stays cancelled afterwards); a cache that cannot be
 * written is a warning on stderr. */
FmScanResult *fm_cli_scan_run               (FmCliScanFlags        *f,
                                             FmModel               *model,
                                             FmDataset             *dataset,
                                             const FmScanOptions   *options,
                                             gboolean              *from_cache,
                                             GError               **error);

/* The dataset's warnings in @r (pictures skipped, values clamped), one
 * "Warning: " line each on stdout. */
void          fm_cli_scan_print_warnings    (const FmScanResult    *r);

/* --scan SCAN.json for @model (`export`, `prune`): the result, or NULL
 * with FM_ERROR_INVALID_INPUT naming the file and what differs when it is
 * of another model (by its SHA-256), was made with input settings other
 * than @pp's (NULL: not checked) or a zero threshold other than @epsilon,
 * or with fm_scan_result_load_json ()'s error when it is malformed.
 * @subcommand is named in the advice. */
FmScanResult *fm_cli_scan_load_result       (const char            *path,
                                             FmModel               *model,
                                             const FmPreprocess    *pp,
                                             float                  epsilon,
                                             const char            *subcommand,
                                             GError               **error);
/* How a scan result is reported, shared by `scan` and `merge`: text on
 * stdout (or the `scan --json` object with --json), --csv FILE and
 * -o FILE (the JSON, written atomically). */
typedef struct
{
  gboolean json;
  char    *csv;
  char    *output;
  /* How the pictures became the model's input, said in the text; NULL
   * (a merge) leaves it out. Not owned. */
  const FmPreprocess *pp;
} FmCliScanOutput;

void          fm_cli_scan_output_add_options (FmCliScanOutput     *o,
                                              GOptionContext      *context);
void          fm_cli_scan_output_clear      (FmCliScanOutput       *o);
/* Prints @result and writes the files asked for, but no CSV of a partial
 * result (it says so on stderr: the JSON is marked partial, a CSV could
 * not be); returns an exit status, having printed why a file could not be
 * written. */
int           fm_cli_scan_output_write      (const FmCliScanOutput *o,
                                             const FmScanResult    *result,
                                             gboolean               from_cache);

/* For the progress callback of what follows a scan (drawing, verifying):
 * cancels f->cancellable once Ctrl+C was pressed and, on a terminal,
 * rewrites the progress line with @format. */
void          fm_cli_scan_progress          (FmCliScanFlags        *f,
                                             const char            *format,
                                             ...) G_GNUC_PRINTF (2, 3);
/* Erases the progress line, on a terminal. */
void          fm_cli_scan_progress_clear    (const FmCliScanFlags  *f);

/* Ctrl+C sets a flag instead of ending the program, between scans too
 * (@catch TRUE), or no more (FALSE). fm_cli_scan_run () catches it during
 * its own scan anyway. */
void          fm_cli_scan_catch_interrupt   (gboolean               catch);
/* Whether Ctrl+C was pressed. */
gboolean      fm_cli_scan_interrupted       (void);

G_END_DECLS
