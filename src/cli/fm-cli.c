/* fm-cli.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Subcommand dispatch and what the subcommands share (see fm-cli.h): the
 * table of subcommands, error and usage printing with the exit statuses
 * 1 and 2, bundled model names and JSON printing. Each subcommand lives
 * in its own fm-cli-NAME.c.
 */
#include "config.h"

#include "fm-cli.h"
#include "fm-data.h"
#include "fm-file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

typedef struct
{
  const char *name;
  int       (*func) (int argc, char **argv);
  const char *summary;
} FmCliCommand;

static const FmCliCommand commands[] = {
  { "inspect", fm_cli_inspect, N_("Show a model's inputs, outputs, nodes and feature-map layers") },
  { "run",     fm_cli_run,     N_("Run a model on a picture or .npy tensor and print the prediction") },
  { "export",  fm_cli_export,  N_("Write a layer's feature maps as PNG, statistics as CSV, activations as .npy") },
  { "compare", fm_cli_compare, N_("Run two models on the same input and compare their feature maps layer by layer") },
  { "scan",    fm_cli_scan,    N_("Scan a dataset and report, per channel, how often it fires and which channels are dead") },
  { "merge",   fm_cli_merge,   N_("Combine the JSON results of a sharded scan (scan --shard K/N) into one") },
  { "timeline", fm_cli_timeline, N_("Scan a dataset with every checkpoint of a training and show when channels died") },
  { "prune",   fm_cli_prune,   N_("Remove the dead channels of a model where that changes no output, and write the smaller model") },
  { "atlas",   fm_cli_atlas,   N_("Scan a dataset and write a PDF of every channel's most exciting images and its maps on them") },
  { "bench",   fm_cli_bench,   N_("Measure a model's load time, forward-pass latency and peak memory") },
};

/* Names that resolve to data/models/NAME.onnx. */
gboolean
fm_cli_is_subcommand (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (name, commands[i].name) == 0)
      return TRUE;
  return FALSE;
}

void
fm_cli_print_usage (FILE *out)
{
  fprintf (out, _("Usage: %s COMMAND [OPTION…] ARGUMENTS…\n"), "feature-maps");
  fprintf (out, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Bundled models (usable as MODEL): mnist-cnn, mnist-cnn-dying"));
  fprintf (out, _("Run “%s COMMAND --help” for the options of a command.\n"),
           "feature-maps");
}

/* ---- a write's temporary file, removed on SIGINT and SIGTERM ----------- */

/* The temporary file being written (fm_file_set_temp_hook ()), in one of
 * two buffers so that the handler never reads the one being filled:
 * temp_current is 0 for none, else the buffer's number. The command line
 * writes one file at a time, so one slot is enough (a second writer at
 * once would take it over); the lock keeps the buffers whole, the handler
 * takes none. */
static char temp_paths[2][PATH_MAX];
static atomic_int temp_current;
static GMutex temp_lock;

static void
note_temp (const char *tmp_path)
{
  g_mutex_lock (&temp_lock);
  if (tmp_path == NULL || strlen (tmp_path) >= PATH_MAX)
    atomic_store (&temp_current, 0);
  else
    {
      int next = atomic_load (&temp_current) == 1 ? 2 : 1;

      strcpy (temp_paths[next - 1], tmp_path);
      atomic_store (&temp_current, next);
    }
  g_mutex_unlock (&temp_lock);
}

/* Ends the program as @sig would (SA_RESETHAND made the default action
 * the next), without the temporary file of a write in progress:
 * async-signal-safe calls only. */
static void
on_fatal_signal (int sig)
{
  int current = atomic_load (&temp_current);
  int saved = errno;

  if (current > 0)
    unlink (temp_paths[current - 1]);
  errno = saved;
  raise (sig);
}

/* A write cut short by Ctrl+C or SIGTERM would leave ".NAME.XXXXXX"
 * beside its output: the handler removes it, then the signal ends the
 * program as it would have. A signal ignored by who started us stays
 * ignored; the scan's own Ctrl+C handling (fm-cli-scan.c) comes on top
 * and gives this one back. */
static void
remove_temp_on_signal (void)
{
  const int signals[] = { SIGINT, SIGTERM };

  fm_file_set_temp_hook (note_temp);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      struct sigaction sa = { 0 }, old;

      if (sigaction (signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
        continue;
      sa.sa_handler = on_fatal_signal;
      sa.sa_flags = SA_RESETHAND;
      sigemptyset (&sa.sa_mask);
      sigaction (signals[i], &sa, NULL);
    }
}

int
fm_cli_main (int    argc,
             char **argv)
{
  g_return_val_if_fail (argc >= 2, FM_CLI_EXIT_USAGE);

  remove_temp_on_signal ();

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].func (argc - 1, argv + 1);

  fprintf (stderr, _("feature-maps: unknown command “%s”\n"), argv[1]);
  fm_cli_print_usage (stderr);
  return FM_CLI_EXIT_USAGE;
}

int
fm_cli_fail (const GError *error)
{
  g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);

  /* The engine's first line makes sense alone; the rest is detail. */
  fprintf (stderr, "feature-maps: %s\n", lines[0] != NULL ? lines[0] : "");
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      /* Translators: a line under an error message, with its technical detail. */
      fprintf (stderr, _("  detail: %s\n"), lines[i]);
  return FM_CLI_EXIT_FAILURE;
}

GOptionContext *
fm_cli_option_context_new (const char *subcommand,
                           const char *parameters,
                           const char *summary)
{
  GOptionContext *context;
  g_autofree char *prgname = g_strdup_printf ("feature-maps %s", subcommand);

  /* The usage line that --help prints starts with the program name. */
  g_set_prgname (prgname);
  context = g_option_context_new (parameters);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  return context;
}

int
fm_cli_usage_error (GOptionContext *context,
                    const char     *subcommand,
                    const char     *format,
                    ...)
{
  g_autofree char *message = NULL;
  g_autofree char *help = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "feature-maps %s: %s\n", subcommand, message);
  if (context != NULL)
    {
      /* The first line of the help is "Usage:\n  feature-maps SUB ...". */
      g_auto(GStrv) lines = NULL;

      help = g_option_context_get_help (context, TRUE, NULL);
      lines = g_strsplit (help, "\n", 3);
      if (lines[0] != NULL && lines[1] != NULL)
        fprintf (stderr, "%s\n%s\n", lines[0], lines[1]);
    }
  fprintf (stderr, _("Run “feature-maps %s --help” for more information.\n"),
           subcommand);
  return FM_CLI_EXIT_USAGE;
}

int
fm_cli_parse_arguments (GOptionContext     *context,
                        const char         *subcommand,
                        int                *argc,
                        char             ***argv,
                        const char *const  *missing,
                        int                 n_max)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    return fm_cli_usage_error (context, subcommand, "%s", error->message);
  /* (*argv)[0] is the subcommand; missing[i] says argument i + 1 is not there. */
  for (int i = 0; missing[i] != NULL; i++)
    if (*argc - 1 == i)
      return fm_cli_usage_error (context, subcommand, "%s", _(missing[i]));
  if (*argc - 1 > n_max)
    return fm_cli_usage_error (context, subcommand, _("unexpected argument “%s”"),
                               (*argv)[n_max + 1]);
  return FM_CLI_EXIT_OK;
}

char *
fm_cli_resolve_model (const char  *arg,
                      GError     **error)
{
  return fm_data_resolve_model (arg, error);
}

FmModel *
fm_cli_load_model (const char           *arg,
                   const FmModelOptions *options,
                   GError              **error)
{
  g_autofree char *path = fm_cli_resolve_model (arg, error);

  if (path == NULL)
    return NULL;
  return fm_model_load_file (path, options, error);
}

gboolean
fm_cli_threads_valid (int n)
{
  return n >= 1 && n <= 256;
}

char *
fm_cli_json_to_text (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

void
fm_cli_print_json (JsonNode *root)
{
  g_autofree char *text = fm_cli_json_to_text (root);

  fputs (text, stdout);
  fflush (stdout);
}

JsonBuilder *
fm_cli_json_begin (const FmModel *model)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  fm_cli_json_add_string (b, "model", model->path);
  return b;
}

void
fm_cli_json_print (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (b);
  root = json_builder_get_root (b);
  fm_cli_print_json (root);
}

JsonNode *
fm_cli_shape_to_json (const FmShape *shape)
{
  JsonArray *array = json_array_sized_new (shape->rank);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (int i = 0; i < shape->rank; i++)
    json_array_add_int_element (array, shape->dims[i]);
  json_node_take_array (node, array);
  return node;
}

int
fm_cli_check_outputs (GOptionContext     *context,
                      const char         *subcommand,
                      const char * const *inputs,
                      guint               n_inputs,
                      const char * const *outputs,
                      guint               n_outputs)
{
  for (guint o = 0; o < n_outputs; o++)
    {
      if (outputs[o] == NULL)
        continue;
      for (guint i = 0; i < n_inputs; i++)
        {
          g_autofree char *input = inputs[i] != NULL ? fm_cli_resolve_model (inputs[i], NULL)
                                                     : NULL;

          if (input != NULL && g_file_test (input, G_FILE_TEST_EXISTS)
              && fm_file_same (outputs[o], input))
            return fm_cli_usage_error (context, subcommand,
                                       _("%s is also an input: writing it would destroy it; "
                                         "choose another file"), outputs[o]);
        }
      for (guint k = o + 1; k < n_outputs; k++)
        if (outputs[k] != NULL && fm_file_same (outputs[o], outputs[k]))
          return fm_cli_usage_error (context, subcommand,
                                     _("%s is given for two outputs; each needs a file of its "
                                       "own"), outputs[o]);
    }
  return FM_CLI_EXIT_OK;
}

/* What @output is among the files @dataset and @model read, in words
 * for "FILE is also an input (…)", or NULL. */
static const char *
found_input (FmDataset     *dataset,
             const FmModel *model,
             const char    *output)
{
  switch (dataset != NULL ? fm_dataset_find_file (dataset, output) : FM_DATASET_FILE_NONE)
    {
    case FM_DATASET_FILE_IMAGES:
      return _("the dataset's images");
    case FM_DATASET_FILE_LABELS:
      return _("the dataset's labels");
    case FM_DATASET_FILE_PICTURE:
      return _("a picture of the dataset");
    case FM_DATASET_FILE_SHARD:
      return _("a shard of the dataset");
    case FM_DATASET_FILE_NONE:
    default:
      break;
    }
  for (guint i = 0; model != NULL && model->external_files != NULL
                    && i < model->external_files->len; i++)
    if (fm_file_same (output, g_ptr_array_index (model->external_files, i)))
      return _("the model's external data");
  return NULL;
}

int
fm_cli_check_found_inputs (GOptionContext     *context,
                           const char         *subcommand,
                           FmDataset          *dataset,
                           const FmModel      *model,
                           const char * const *outputs,
                           const gboolean     *pictures,
                           guint               n_outputs)
{
  for (guint o = 0; o < n_outputs; o++)
    {
      const char *what;

      if (outputs[o] == NULL)
        continue;
      what = found_input (dataset, model, outputs[o]);
      if (what != NULL)
        /* Translators: "labels-idx1-ubyte is also an input (the dataset's labels): …" */
        return fm_cli_usage_error (context, subcommand,
                                   _("%s is also an input (%s): writing it would destroy it; "
                                     "choose another file"), outputs[o], what);
      if (pictures != NULL && pictures[o] && dataset != NULL
          && fm_dataset_would_list (dataset, outputs[o]))
        return fm_cli_usage_error (context, subcommand,
                                   _("%s is in the dataset's folder: the next scan of it would "
                                     "read the picture as one of its own; choose another "
                                     "folder"), outputs[o]);
    }
  return FM_CLI_EXIT_OK;
}

int
fm_cli_check_output_folders (const char * const *files,
                             guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dir = NULL;
      g_autoptr(GError) error = NULL;
      GStatBuf st;
      int saved;

      if (files[i] == NULL || g_str_has_suffix (files[i], G_DIR_SEPARATOR_S))
        continue;
      dir = g_path_get_dirname (files[i]);
      if (g_stat (dir, &st) != 0)
        saved = errno;
      else if (!S_ISDIR (st.st_mode))
        saved = ENOTDIR;
      else if (g_access (dir, W_OK) != 0)
        saved = errno;
      else
        continue;
      g_set_error (&error, FM_ERROR, FM_ERROR_IO, _("Could not write “%s”: %s"), files[i],
                   g_strerror (saved));
      return fm_cli_fail (error);
    }
  return FM_CLI_EXIT_OK;
}

char *
fm_cli_escape_controls (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0';)
    {
      guchar c = (guchar) *p;
      gunichar u = g_utf8_get_char_validated (p, -1);

      if (c < 0x20 || c == 0x7f)
        {
          g_string_append_printf (out, "\\x%02x", c);
          p++;
        }
      else if (u >= 0x80 && u <= 0x9f)   /* C1 controls (U+009B is a CSI) */
        {
          g_string_append_printf (out, "\\u%04x", u);
          p = g_utf8_next_char (p);
        }
      else
        {
          gsize n = u == (gunichar) -1 || u == (gunichar) -2 ? 1
                    : (gsize) (g_utf8_next_char (p) - p);

          g_string_append_len (out, p, (gssize) n);
          p += n;
        }
    }
  return g_string_free (out, FALSE);
}

glong
fm_cli_display_width (const char *text)
{
  glong width = 0;

  for (const char *p = text; *p != '\0';)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          width++;   /* a byte of a file name in another encoding */
          p++;
          continue;
        }
      if (!g_unichar_iszerowidth (c))
        width += g_unichar_iswide (c) ? 2 : 1;
      p = g_utf8_next_char (p);
    }
  return width;
}

/* Appends @text padded with spaces to @width columns (not bytes). */
static void
append_cell (GString    *line,
             const char *text,
             glong       width,
             gboolean    align_right)
{
  glong pad = MAX (width - fm_cli_display_width (text), 0);

  if (!align_right)
    g_string_append (line, text);
  for (glong i = 0; i < pad; i++)
    g_string_append_c (line, ' ');
  if (align_right)
    g_string_append (line, text);
}

void
fm_cli_print_table (GPtrArray      *cells,
                    guint           n_columns,
                    const gboolean *align_right,
                    guint           gap)
{
  g_autofree glong *width = g_new0 (glong, n_columns);
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (n_columns > 0 && cells->len % n_columns == 0);

  /* A model's names may hold control characters: shown escaped, never
   * sent to the terminal (an ESC sequence would set its title or
   * colours, a newline break the table). */
  for (guint i = 0; i < cells->len; i++)
    g_ptr_array_add (shown, fm_cli_escape_controls (g_ptr_array_index (cells, i)));
  cells = shown;
  for (guint i = 0; i < cells->len; i++)
    width[i % n_columns] = MAX (width[i % n_columns],
                                fm_cli_display_width (g_ptr_array_index (cells, i)));
  for (guint row = 0; row < cells->len / n_columns; row++)
    {
      g_autoptr(GString) line = g_string_new ("  ");

      for (guint c = 0; c < n_columns; c++)
        {
          const char *text = g_ptr_array_index (cells, row * n_columns + c);
          /* No spaces after a left-aligned last column. */
          glong w = c + 1 == n_columns && !align_right[c] ? 0 : width[c];

          if (c > 0)
            append_cell (line, "", gap, FALSE);
          append_cell (line, text, w, align_right[c]);
        }
      /* no spaces after an empty last cell */
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_print ("%s\n", line->str);
    }
}

void
fm_cli_print_fields (const char *label,
                     const char *value,
                     ...)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  glong width = 0;
  va_list args;

  va_start (args, value);
  for (const char *l = label, *v = value; l != NULL;
       l = va_arg (args, const char *), v = l != NULL ? va_arg (args, const char *) : NULL)
    {
      g_ptr_array_add (pairs, (gpointer) l);
      g_ptr_array_add (pairs, (gpointer) v);
      if (v != NULL)
        width = MAX (width, fm_cli_display_width (l));
    }
  va_end (args);
  for (guint i = 0; i < pairs->len; i += 2)
    if (pairs->pdata[i + 1] != NULL)
      {
        g_autoptr(GString) line = g_string_new (NULL);
        g_autofree char *text = fm_cli_escape_controls (pairs->pdata[i + 1]);

        append_cell (line, pairs->pdata[i], width, FALSE);
        g_print ("%s %s\n", line->str, text);
      }
}
