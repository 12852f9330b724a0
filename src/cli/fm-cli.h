/* fm-cli.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The headless command line: `feature-maps SUBCOMMAND ...`. main.c hands
 * over here before any GTK exists. This file declares the dispatcher, the
 * subcommands and what they share: exit codes, error and usage printing,
 * bundled model names, thread count and JSON output. Unlike the engine,
 * this code prints and returns exit statuses; it never calls exit()
 * itself (GOptionContext does, for --help).
 */
#pragma once

#include <stdio.h>

#include <glib.h>
#include <math.h>
#include <json-glib/json-glib.h>

#include "fm-cli-input.h"
#include "fm-dataset.h"
#include "fm-image.h"
#include "fm-json-text.h"
#include "fm-model.h"
#include "fm-preprocess.h"
#include "fm-run.h"
#include "fm-tile-render.h"

G_BEGIN_DECLS

typedef enum
{
  FM_CLI_EXIT_OK = 0,
  FM_CLI_EXIT_FAILURE = 1,  /* bad input: "feature-maps: FILE: REASON" (fm_cli_fail) */
  FM_CLI_EXIT_USAGE = 2,    /* bad command line: message and a usage line */
} FmCliExit;

/* TRUE if @name is a subcommand (inspect, run, export). */
gboolean  fm_cli_is_subcommand   (const char     *name);
/* Runs argv[1] as a subcommand; returns the exit status. */
int       fm_cli_main            (int             argc,
                                  char          **argv);
/* The general usage text, to @out (stdout for --help, stderr otherwise). */
void      fm_cli_print_usage     (FILE           *out);

int       fm_cli_inspect         (int             argc,
                                  char          **argv);
int       fm_cli_run             (int             argc,
                                  char          **argv);
int       fm_cli_export          (int             argc,
                                  char          **argv);
int       fm_cli_compare         (int             argc,
                                  char          **argv);
int       fm_cli_scan            (int             argc,
                                  char          **argv);
int       fm_cli_merge           (int             argc,
                                  char          **argv);
int       fm_cli_timeline        (int             argc,
                                  char          **argv);
int       fm_cli_bench           (int             argc,
                                  char          **argv);
int       fm_cli_prune           (int             argc,
                                  char          **argv);
int       fm_cli_atlas           (int             argc,
                                  char          **argv);

/* ---- shared by the subcommands ---------------------------------------- */

/* "feature-maps: MESSAGE" on stderr (the message names the file); a
 * message of several lines prints its first line so, and each following
 * one as "  detail: LINE". Returns FM_CLI_EXIT_FAILURE. */
int       fm_cli_fail            (const GError   *error);
/* "feature-maps SUB: MESSAGE", the usage line of @context and a hint to
 * --help on stderr; returns FM_CLI_EXIT_USAGE. */
int       fm_cli_usage_error     (GOptionContext *context,
                                  const char     *subcommand,
                                  const char     *format,
                                  ...) G_GNUC_PRINTF (3, 4);
/* A GOptionContext for `feature-maps SUB` with translation set up. */
GOptionContext *fm_cli_option_context_new (const char *subcommand,
                                           const char *parameters,
                                           const char *summary);
/* Parses the command line with @context, then checks the arguments after
 * the subcommand: @missing (NULL-terminated, marked with N_()) holds one
 * usage error for each argument required, said when the arguments stop
 * before it; more than @n_max arguments is a usage error too. Returns an
 * exit status, having printed a usage error. */
int       fm_cli_parse_arguments (GOptionContext    *context,
                                  const char        *subcommand,
                                  int               *argc,
                                  char            ***argv,
                                  const char *const *missing,
                                  int                n_max);

/* A bundled model name (mnist-cnn, mnist-cnn-dying) becomes
 * DATADIR/models/NAME.onnx, looked up in $FEATURE_MAPS_DATADIR, then the
 * installed PKGDATADIR, then the source tree; anything else is a path and
 * is returned as is. NULL with FM_ERROR_IO if a bundled model is found
 * nowhere. Use ./NAME for a file that happens to have a bundled name. */
char     *fm_cli_resolve_model   (const char     *arg,
                                  GError        **error);
FmModel  *fm_cli_load_model      (const char     *arg,
                                  const FmModelOptions *options,
                                  GError        **error);

/* Refuses, before any work, an output file (@files, NULL entries and
 * folders ending in "/" skipped) whose folder does not exist, is not a
 * folder or cannot be written: "Could not write “FILE”: REASON", as the
 * write would say after the scan. Returns an exit status. */
int       fm_cli_check_output_folders (const char * const *files,
                                       guint               n);
/* Refuses an output file (@outputs, NULL entries skipped) that is one of
 * @inputs (bundled model names resolved; NULL entries and files that do
 * not exist skipped) or another output: a usage error naming it, before
 * any work is done. Returns an exit status. */
int       fm_cli_check_outputs   (GOptionContext     *context,
                                  const char         *subcommand,
                                  const char * const *inputs,
                                  guint               n_inputs,
                                  const char * const *outputs,
                                  guint               n_outputs);

/* After the inputs were opened: refuses an output (@outputs, NULL
 * entries skipped) that would be written over a file the command reads
 * without its being named: one of @dataset's (a labels file found next to
 * the images, a folder's picture, a shard: fm_dataset_find_file ()) or
 * one of @model's external data files (either may be NULL); and, where
 * @pictures (NULL: none) says an output is written as a PNG, one that the
 * next scan of @dataset, a folder, would take for one of its pictures
 * (fm_dataset_would_list ()). A usage error naming the file and what it
 * is; returns an exit status. */
int       fm_cli_check_found_inputs (GOptionContext     *context,
                                     const char         *subcommand,
                                     FmDataset          *dataset,
                                     const FmModel      *model,
                                     const char * const *outputs,
                                     const gboolean     *pictures,
                                     guint               n_outputs);

/* @text with its control characters (C0, DEL, C1) written as \\xNN or
 * \\uNNNN, so that a model's names cannot drive the terminal. */
char     *fm_cli_escape_controls (const char     *text);

/* The columns @text takes on a terminal: two for a wide (CJK) character,
 * none for a combining mark, one for any other character and for each
 * byte that is not UTF-8 (a file name in another encoding). */
glong     fm_cli_display_width   (const char     *text);

/* Prints @cells (strings, row by row, @n_columns a row, a header first if
 * any) as a table indented by two spaces, @gap spaces between columns:
 * each column as wide as its widest cell in terminal columns
 * (fm_cli_display_width ()), so that any name lines up; a column is
 * right-aligned where @align_right says so; no spaces end a line. */
void      fm_cli_print_table     (GPtrArray      *cells,
                                  guint           n_columns,
                                  const gboolean *align_right,
                                  guint           gap);

/* Prints "LABEL VALUE" lines, the values in one column after the longest
 * label (in terminal columns, so a translation's lines up): pairs of
 * strings, NULL-terminated; a NULL value skips its line. */
void      fm_cli_print_fields    (const char     *label,
                                  const char     *value,
                                  ...) G_GNUC_NULL_TERMINATED;

/* Whether @n is a thread count the subcommands take (1..256). */
gboolean  fm_cli_threads_valid   (int             n);

/* @root pretty printed, with a final newline. */
char     *fm_cli_json_to_text    (JsonNode       *root);
/* Writes @root to stdout, pretty printed, with a final newline. */
void      fm_cli_print_json      (JsonNode       *root);
/* The object a subcommand's --json prints about @model, begun with its
 * first member, "model" (the path); fm_cli_json_print() ends and prints
 * it. Free with g_object_unref(). */
JsonBuilder *fm_cli_json_begin   (const FmModel  *model);
void      fm_cli_json_print      (JsonBuilder    *b);
/* [d0, d1, ...] */
JsonNode *fm_cli_shape_to_json   (const FmShape  *shape);
/* One member of the object @b is building: its name, then its value
 * (fm_cli_json_add_string: as fm_json_add_text () writes it;
 * fm_cli_json_add_shape: @shape as fm_cli_shape_to_json() writes it). */
static inline void
fm_cli_json_add_string (JsonBuilder *b,
                        const char  *member,
                        const char  *value)
{
  json_builder_set_member_name (b, member);
  fm_json_add_text (b, value);
}

static inline void
fm_cli_json_add_int (JsonBuilder *b,
                     const char  *member,
                     gint64       value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

/* A NaN or an infinity is null: JSON has no spelling for them (json-glib
 * would write "-nan.0", which no parser reads). */
static inline void
fm_cli_json_add_double (JsonBuilder *b,
                        const char  *member,
                        double       value)
{
  json_builder_set_member_name (b, member);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static inline void
fm_cli_json_add_boolean (JsonBuilder *b,
                         const char  *member,
                         gboolean     value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, value);
}

static inline void
fm_cli_json_add_shape (JsonBuilder   *b,
                       const char    *member,
                       const FmShape *shape)
{
  json_builder_set_member_name (b, member);
  json_builder_add_value (b, fm_cli_shape_to_json (shape));
}

/* @ints, a GArray of int (channel indexes), as an array of numbers. */
static inline void
fm_cli_json_add_ints (JsonBuilder *b,
                      const char  *member,
                      GArray      *ints)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint k = 0; k < ints->len; k++)
    json_builder_add_int_value (b, g_array_index (ints, int, k));
  json_builder_end_array (b);
}

/* ---- INPUT, shared by run, export and bench ---------------------------- */

/* INPUT told by its magic bytes: a PNG/JPEG picture into *@image or a
 * float32 .npy into *@npy and @npy_shape. Errors name the file. */
gboolean  fm_cli_read_input          (const char     *path,
                                      FmImage       **image,
                                      float         **npy,
                                      FmShape        *npy_shape,
                                      GError        **error);
/* The input's size fills in symbolic spatial dims: the picture's, or a
 * 4-D .npy's H and W. */
void      fm_cli_input_size_options  (const FmImage  *image,
                                      const FmShape  *npy_shape,
                                      FmModelOptions *options);
/* Copies the .npy read from @path into @dest, model input @input's data,
 * if it is a float input of the same shape; else FM_ERROR_SHAPE. */
gboolean  fm_cli_feed_npy            (const FmValue  *input,
                                      gpointer        dest,
                                      const char     *path,
                                      const float    *npy,
                                      const FmShape  *npy_shape,
                                      GError        **error);
/* fm_preprocess_image() with the error prefixed by @path. */
gboolean  fm_cli_feed_image          (const FmPreprocess *pp,
                                      const FmImage  *image,
                                      float          *dest,
                                      const char     *path,
                                      GError        **error);

/* ---- MODEL INPUT to an executed run, shared by run and export --------- */

typedef struct
{
  /* options, filled by GOptionContext */
  FmCliPreprocessFlags preprocess;
  int         threads;
  /* state, after fm_cli_input_run () */
  const char *model_arg;
  const char *input_path;
  gboolean    input_is_npy;
  FmImage    *image;
  float      *npy;          /* as read, numel (npy_shape) */
  FmShape     npy_shape;
  FmModel    *model;
  FmRun      *run;          /* executed */
  FmPreprocess pp;          /* for a picture: what it went through */
  gboolean    inverted;     /* the picture was inverted */
} FmCliInput;

void      fm_cli_input_init          (FmCliInput     *in);
void      fm_cli_input_clear         (FmCliInput     *in);
/* Adds the preprocessing flags (fm-cli-input.h) and --threads to
 * @context's main group. */
void      fm_cli_input_add_options   (FmCliInput     *in,
                                      GOptionContext *context);
/* Adds those options, parses `feature-maps SUBCOMMAND MODEL INPUT` and
 * checks it names MODEL and INPUT and nothing more; returns an exit
 * status, having printed a usage error. */
int       fm_cli_input_parse         (FmCliInput     *in,
                                      GOptionContext *context,
                                      const char     *subcommand,
                                      int            *argc,
                                      char         ***argv);
/* Checks those options' values before any file is touched (a usage
 * error names the flag), then reads INPUT, loads MODEL, feeds and
 * executes one run with the thread count; returns an exit status, having
 * printed the error (FILE: REASON, or a usage error when
 * --mean/--std/--channels do not fit the model's channels). */
int       fm_cli_input_run           (FmCliInput     *in,
                                      GOptionContext *context,
                                      const char     *subcommand,
                                      const char     *model_arg,
                                      const char     *input_path);

/* ---- export --card (fm-cli-card.c) ------------------------------------- */

typedef struct
{
  char *spec;   /* --card LAYER:CHANNEL */
  char *scan;   /* export's --scan SCAN.json, or NULL */
} FmCliCard;

/* Adds --card to @context's main group; the card reads the scan named by
 * card->scan (export's --scan, set by the caller). */
void      fm_cli_card_add_options    (FmCliCard      *card,
                                      GOptionContext *context);
void      fm_cli_card_clear          (FmCliCard      *card);
/* Before any file is read, when --card was given: a usage error when it
 * is not LAYER:CHANNEL (fm_card_parse ()), when there is no -o @output or
 * when the export was also asked for what a card does not write
 * (@others: layers, CSV or .npy). Returns an exit status. */
int       fm_cli_card_check          (const FmCliCard *card,
                                      GOptionContext *context,
                                      const char     *output,
                                      gboolean        others);
/* After `export` ran MODEL on INPUT (@in): writes the channel card to
 * @output with the export's colours. Returns an exit status, having
 * printed what went wrong. */
int       fm_cli_card_export         (FmCliCard      *card,
                                      FmCliInput     *in,
                                      GOptionContext *context,
                                      const char     *output,
                                      const FmTileStyle *colours,
                                      FmNormalize     normalize,
                                      float           epsilon);

G_END_DECLS
