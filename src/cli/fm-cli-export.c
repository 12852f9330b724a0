/* fm-cli-export.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps export MODEL INPUT -o OUT.png`: one forward pass (shared
 * with `run`, fm-cli-input.c), then the feature maps as a sheet drawn by
 * fm-sheet.c with the window's tile renderer (a PNG, a PDF of pages, an
 * SVG, or a folder of PNGs with an index: fm-sheet-output.c), the
 * per-channel statistics as CSV (--csv) and the layers' activations as
 * .npy (--npy). Layers: --layer NAME (repeatable, any feature-map value,
 * by its tensor's or the window's name),
 * --all-layers (the window's list, with the prediction in the header), or
 * by default the first layer of the window's list; channels: --select
 * and --only; the dead and rare marks of --scan SCAN.json, refused when
 * it is another model's or made with other settings. Every file is
 * written atomically. It does not open a window and does not batch.
 */
#include "config.h"

#include "fm-cli.h"
#include "fm-cli-scan.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "fm-card.h"
#include "fm-colormap.h"
#include "fm-export.h"
#include "fm-file.h"
#include "fm-layers.h"
#include "fm-layout.h"
#include "fm-predict.h"
#include "fm-scan.h"
#include "fm-sheet-output.h"
#include "fm-sheet-select.h"
#include "fm-sheet.h"
#include "fm-stats.h"

#define DEFAULT_SCALE 72  /* the window's default tile size */
#define NO_COLUMNS    -1  /* --columns not given: fm_sheet_auto_columns () */

typedef struct
{
  /* options */
  char       *output;
  char      **layer_names;
  gboolean    all_layers;
  char       *colormap;
  char       *normalize;
  char       *range;
  int         scale;
  char       *csv;
  char       *npy_dir;
  char       *theme;
  double      zero_threshold;
  int         columns;
  char       *scan_path;
  char       *select;
  char       *only_name;
  char       *format_name;
  gboolean    split;
  FmCliInput  in;
  FmCliCard   card;         /* --card, fm-cli-card.c */
  /* state */
  FmSheetFormat format;
  gboolean    folder;       /* -o DIR/ or --split: one PNG per layer */
  GArray     *ranges;       /* FmChannelRange of --select, or NULL */
  FmSheetOnly only;
  FmScanResult *scan;
  FmNormalize norm;
  float       fixed_min;
  float       fixed_max;
  const FmColormap *cm;
  GArray     *layers;       /* FmLayer, the exported layers in order */
  float     **copies;       /* [n]: item 0's planes when not the run's own data */
  const float **planes;     /* [n]: item 0's [C, H, W] */
  FmChannelStats **stats;   /* [n][C] */
} ExportState;

static void
export_state_clear (ExportState *s)
{
  for (guint i = 0; s->layers != NULL && i < s->layers->len; i++)
    {
      g_free (s->stats[i]);
      g_free (s->copies[i]);
    }
  g_free (s->stats);
  g_free (s->copies);
  g_free (s->planes);
  g_free (s->output);
  g_strfreev (s->layer_names);
  g_free (s->colormap);
  g_free (s->normalize);
  g_free (s->range);
  g_free (s->csv);
  g_free (s->npy_dir);
  g_free (s->theme);
  g_free (s->scan_path);
  g_free (s->select);
  g_free (s->only_name);
  g_free (s->format_name);
  g_clear_pointer (&s->ranges, g_array_unref);
  g_clear_pointer (&s->scan, fm_scan_result_unref);
  g_clear_pointer (&s->layers, g_array_unref);
  fm_cli_input_clear (&s->in);
  fm_cli_card_clear (&s->card);
}

/* "MIN:MAX" -> two finite floats, MIN < MAX (C locale). */
static gboolean
parse_range (const char *text,
             float      *lo,
             float      *hi)
{
  const char *colon = strchr (text, ':');
  g_autofree char *a = NULL;
  char *end;
  double x, y;

  if (colon == NULL || colon == text || colon[1] == '\0')
    return FALSE;
  a = g_strndup (text, colon - text);
  x = g_ascii_strtod (a, &end);
  if (*end != '\0' || end == a)
    return FALSE;
  y = g_ascii_strtod (colon + 1, &end);
  if (*end != '\0' || end == colon + 1)
    return FALSE;
  if (!(x < y) || !isfinite ((float) x) || !isfinite ((float) y))
    return FALSE;
  *lo = (float) x;
  *hi = (float) y;
  return TRUE;
}

/* The output's format (--format, else the name's extension; a folder
 * holds PNGs) and whether it is a folder. */
static int
check_format (ExportState    *s,
              GOptionContext *context)
{
  FmSheetFormat by_name = FM_SHEET_FORMAT_PNG;
  gboolean named = s->output != NULL && fm_sheet_format_from_path (s->output, &by_name);

  s->folder = s->split || (s->output != NULL && g_str_has_suffix (s->output, G_DIR_SEPARATOR_S));
  s->format = by_name;
  if (s->format_name != NULL)
    {
      if (!fm_sheet_format_parse (s->format_name, &s->format))
        return fm_cli_usage_error (context, "export",
                                   _("--format must be png, pdf or svg, not “%s”"),
                                   s->format_name);
      if (named && by_name != s->format)
        return fm_cli_usage_error (context, "export",
                                   _("“%s” names another format than --format %s"),
                                   s->output, s->format_name);
    }
  if (s->folder && s->format != FM_SHEET_FORMAT_PNG)
    return fm_cli_usage_error (context, "export", "%s",
                               _("a folder (-o DIR/ or --split) holds PNG pictures; a PDF "
                                 "has a page per layer already"));
  if ((s->split || s->format_name != NULL) && s->output == NULL)
    return fm_cli_usage_error (context, "export", "%s",
                               _("--split and --format need -o"));
  /* "out.jpg" or "figure" would get PNG bytes under a name that says
   * otherwise, or nothing. */
  if (s->output != NULL && !named && !s->folder && s->format_name == NULL
      && s->card.spec == NULL)   /* a card says so itself */
    return fm_cli_usage_error (context, "export",
                               _("“%s”: the name must end in .png, .pdf or .svg, or give "
                                 "--format (a name ending in / is a folder of PNGs)"),
                               s->output);
  return FM_CLI_EXIT_OK;
}

/* --columns, --select, --only and --scan. */
static int
check_sheet_options (ExportState    *s,
                     GOptionContext *context)
{
  g_autoptr(GError) error = NULL;

  if (s->columns != NO_COLUMNS && (s->columns < 1 || s->columns > FM_SHEET_MAX_COLUMNS_GIVEN))
    return fm_cli_usage_error (context, "export", _("--columns must be 1 to %d, not %d"),
                               FM_SHEET_MAX_COLUMNS_GIVEN, s->columns);
  if (s->select != NULL && (s->ranges = fm_channel_list_parse (s->select, "--select",
                                                               &error)) == NULL)
    return fm_cli_usage_error (context, "export", "%s", error->message);
  if (s->only_name != NULL && !fm_sheet_only_parse (s->only_name, &s->only))
    return fm_cli_usage_error (context, "export",
                               _("--only must be zero, dead or rare, not “%s”"), s->only_name);
  if ((s->only == FM_SHEET_ONLY_DEAD || s->only == FM_SHEET_ONLY_RARE) && s->scan_path == NULL)
    return fm_cli_usage_error (context, "export",
                               _("--only %s needs the dataset scan: --scan SCAN.json (from "
                                 "“feature-maps scan MODEL DATASET --json”)"), s->only_name);
  return check_format (s, context);
}

static int
check_options (ExportState    *s,
               GOptionContext *context)
{
  if (s->output == NULL && s->csv == NULL && s->npy_dir == NULL)
    return fm_cli_usage_error (context, "export", "%s",
                               _("nothing to write: give -o OUT.png, --csv OUT.csv or "
                                 "--npy DIR"));
  if (s->all_layers && s->layer_names != NULL)
    return fm_cli_usage_error (context, "export", "%s",
                               _("--layer and --all-layers exclude each other"));
  if (s->scale < FM_SHEET_MIN_TILE_SIDE || s->scale > FM_SHEET_MAX_TILE_SIDE)
    return fm_cli_usage_error (context, "export", _("--scale must be %d to %d pixels, not %d"),
                               FM_SHEET_MIN_TILE_SIDE, FM_SHEET_MAX_TILE_SIDE, s->scale);
  s->cm = fm_colormap_get_default ();
  if (s->colormap != NULL)
    {
      s->cm = fm_colormap_lookup (s->colormap);
      if (s->cm == NULL)
        {
          guint n = 0;
          const FmColormap * const *all = fm_colormap_list (&n);
          g_autoptr(GString) names = g_string_new (NULL);

          for (guint i = 0; i < n; i++)
            g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                                    fm_colormap_get_name (all[i]));
          return fm_cli_usage_error (context, "export",
                                     _("unknown colormap “%s” (one of: %s)"),
                                     s->colormap, names->str);
        }
    }
  s->norm = FM_NORMALIZE_LAYER;
  if (s->normalize != NULL)
    {
      if (strcmp (s->normalize, "layer") == 0)
        s->norm = FM_NORMALIZE_LAYER;
      else if (strcmp (s->normalize, "tile") == 0)
        s->norm = FM_NORMALIZE_TILE;
      else if (strcmp (s->normalize, "fixed") == 0)
        s->norm = FM_NORMALIZE_FIXED;
      else
        return fm_cli_usage_error (context, "export",
                                   _("--normalize must be layer, tile or fixed, not “%s”"),
                                   s->normalize);
    }
  if (s->range != NULL)
    {
      if (!parse_range (s->range, &s->fixed_min, &s->fixed_max))
        return fm_cli_usage_error (context, "export",
                                   _("--range must be MIN:MAX with MIN < MAX, not “%s”"),
                                   s->range);
      if (s->normalize == NULL)
        s->norm = FM_NORMALIZE_FIXED;
      else if (s->norm != FM_NORMALIZE_FIXED)
        return fm_cli_usage_error (context, "export", "%s",
                                   _("--range goes with --normalize fixed"));
    }
  else if (s->norm == FM_NORMALIZE_FIXED)
    return fm_cli_usage_error (context, "export", "%s",
                               _("--normalize fixed needs --range MIN:MAX"));
  if (s->theme != NULL && strcmp (s->theme, "light") != 0 && strcmp (s->theme, "dark") != 0)
    return fm_cli_usage_error (context, "export", _("--theme must be light or dark, not “%s”"),
                               s->theme);
  if (!(s->zero_threshold >= 0.0) || s->zero_threshold > 1000.0)
    return fm_cli_usage_error (context, "export", "%s",
                               _("--zero-threshold must be 0 to 1000"));
  if (s->card.spec != NULL)
    {
      int status = fm_cli_card_check (&s->card, context, s->output,
                                      s->layer_names != NULL || s->all_layers || s->csv != NULL
                                      || s->npy_dir != NULL);

      if (status != FM_CLI_EXIT_OK)
        return status;
    }
  return check_sheet_options (s, context);
}

/* The entry of value @id: from the merged list (so a Relu after a Conv
 * says "Conv + Relu"), else from the whole list. */
static const FmLayer *
entry_for (GArray *merged,
           GArray *every,
           int     id)
{
  for (guint i = 0; i < merged->len; i++)
    if (g_array_index (merged, FmLayer, i).value_id == id)
      return &g_array_index (merged, FmLayer, i);
  for (guint i = 0; i < every->len; i++)
    if (g_array_index (every, FmLayer, i).value_id == id)
      return &g_array_index (every, FmLayer, i);
  return NULL;
}

/* Item 0's planes of every chosen layer and their statistics, as the
 * window computes them. */
static gboolean
take_planes (ExportState  *s,
             GError      **error)
{
  guint n = s->layers->len;

  s->stats = g_new0 (FmChannelStats *, n);
  s->copies = g_new0 (float *, n);
  s->planes = g_new0 (const float *, n);
  for (guint i = 0; i < n; i++)
    {
      const FmLayer *l = &g_array_index (s->layers, FmLayer, i);

      s->copies[i] = g_try_new (float, fm_layer_copy_size (l));
      s->planes[i] = fm_layer_planes (s->in.model, l, s->in.run, 0, s->copies[i]);
      if (s->planes[i] == NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_LIMIT, _("%s: not enough memory for “%s”"),
                       s->in.model->path, s->in.model->values[l->value_id].name);
          return FALSE;
        }
      s->stats[i] = g_new0 (FmChannelStats, MAX (l->channels, 1));
      fm_channel_stats_compute (s->planes[i], l->channels, (gsize) l->height * l->width,
                                (float) s->zero_threshold, s->stats[i]);
    }
  return TRUE;
}

static gboolean
choose_layers (ExportState  *s,
               GError      **error)
{
  const FmModel *model = s->in.model;
  g_autoptr(GArray) merged = fm_layers_list (model, TRUE);
  g_autoptr(GArray) every = fm_layers_list (model, FALSE);

  s->layers = g_array_new (FALSE, FALSE, sizeof (FmLayer));
  if (s->layer_names != NULL)
    {
      for (char **name = s->layer_names; *name != NULL; name++)
        {
          const FmLayer *entry;
          gboolean again = FALSE;
          guint index;

          /* a tensor name, or the window's ("layer4.0.relu") */
          if (!fm_card_find_layer (model, *name, &index, error))
            return FALSE;
          entry = entry_for (merged, every, g_array_index (every, FmLayer, index).value_id);
          /* A layer named twice (by either name) is drawn once. */
          for (guint k = 0; k < s->layers->len && !again; k++)
            again = g_array_index (s->layers, FmLayer, k).value_id == entry->value_id;
          if (!again)
            g_array_append_val (s->layers, *entry);
        }
    }
  else
    {
      if (merged->len == 0)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: the model has no feature-map layers to export"), model->path);
          return FALSE;
        }
      g_array_append_vals (s->layers, merged->data, s->all_layers ? merged->len : 1);
    }
  return take_planes (s, error);
}

/* --scan: the result, if it is of this model, with the same input
 * settings and zero threshold as this export. */
static gboolean
load_scan (ExportState  *s,
           GError      **error)
{
  s->scan = fm_cli_scan_load_result (s->scan_path, s->in.model,
                                     s->in.input_is_npy ? NULL : &s->in.pp,
                                     (float) s->zero_threshold, "export", error);
  return s->scan != NULL;
}

/* Writes the sheet as the format and -o say. */
static gboolean
write_spec (ExportState  *s,
            FmSheetSpec  *spec,
            GError      **error)
{
  int width = 0, height = 0;

  if (s->folder)
    {
      g_autofree char *index = fm_sheet_write_png_folder (spec, s->output, error);

      if (index == NULL)
        return FALSE;
      g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %s and %u picture\n",
                            "Wrote %s and %u pictures\n", spec->n_layers),
               index, spec->n_layers);
      return TRUE;
    }
  if (s->format == FM_SHEET_FORMAT_PNG
      && !fm_sheet_check_png_height (spec, _("write a PDF instead (-o NAME.pdf: a page per "
                                             "layer) or one PNG per layer into a folder "
                                             "(-o DIR/)"), error))
    {
      g_prefix_error (error, "%s: ", s->output);
      return FALSE;
    }
  if (!fm_sheet_write (spec, s->output, s->format, error))
    return FALSE;
  fm_sheet_get_size (spec, &width, &height, NULL);
  if (s->format == FM_SHEET_FORMAT_PDF)
    {
      g_autoptr(GArray) pages = fm_sheet_pages (spec);
      guint n = MAX (pages->len, 2) - 1;

      g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %s (%u page)\n", "Wrote %s (%u pages)\n", n),
               s->output, n);
    }
  else
    g_print (_("Wrote %s (%d × %d pixels)\n"), s->output, width, height);
  return TRUE;
}

static gboolean
write_sheet (ExportState  *s,
             GError      **error)
{
  const FmModel *model = s->in.model;
  const FmValue *input = &model->values[model->inputs[0]];
  g_autofree FmSheetLayer *layers = g_new0 (FmSheetLayer, s->layers->len);
  g_autofree char *input_name = g_filename_display_basename (s->in.input_path);
  g_autofree float *planes = NULL;
  g_auto(GStrv) labels = fm_model_dup_labels (model);
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree char *preprocess = NULL;
  FmSheetClass top[FM_PREDICT_MAX_TOP];
  FmPrediction prediction = { 0 };
  FmSheetSpec spec;

  for (guint i = 0; i < s->layers->len; i++)
    fm_sheet_layer_init (&layers[i], model, &g_array_index (s->layers, FmLayer, i),
                         s->planes[i], s->stats[i]);

  fm_sheet_spec_init (&spec, model, layers, s->layers->len);
  spec.input_name = input_name;
  spec.inverted = s->in.inverted;
  if (input->dtype == FM_DTYPE_FLOAT && input->shape.rank == 4)
    {
      /* The thumbnail wants [C, H, W]: a channels-last input is reordered. */
      gboolean last = fm_layout_is_channels_last (model, model->inputs[0]);
      const gint64 *d = input->shape.dims;
      FmPreprocess order;

      fm_preprocess_init (&order, (int) d[last ? 3 : 1], (int) d[last ? 1 : 2],
                          (int) d[last ? 2 : 3]);
      order.channels_last = last;
      spec.input = fm_run_input_data (s->in.run, 0);
      if (last)
        {
          planes = g_new (float, (gsize) order.channels * order.height * order.width);
          fm_preprocess_tensor_planes (&order, spec.input, planes);
          spec.input = planes;
        }
      spec.input_channels = order.channels;
      spec.input_height = order.height;
      spec.input_width = order.width;
    }
  spec.colormap = s->cm;
  spec.normalize = s->norm;
  spec.fixed_min = s->fixed_min;
  spec.fixed_max = s->fixed_max;
  spec.tile_side = s->scale;
  spec.columns = s->columns != NO_COLUMNS ? s->columns : 0;
  spec.dark = g_strcmp0 (s->theme, "dark") == 0;
  if (!s->in.input_is_npy)
    {
      /* The settings in the window's words, with the inversion as done. */
      FmPreprocess done = s->in.pp;

      done.invert = s->in.inverted ? FM_INVERT_YES : FM_INVERT_NO;
      preprocess = fm_preprocess_describe (&done);
      spec.preprocess = preprocess;
    }

  if (s->all_layers)
    {
      fm_predict (model, s->in.run, FM_PREDICT_TOP_K, &prediction);
      fm_sheet_spec_set_prediction (&spec, top, model, &prediction, labels);
    }
  if (s->scan != NULL)
    fm_sheet_spec_set_scan (&spec, layers, s->scan, s->scan->rare_below);

  return fm_sheet_spec_select (&spec, layers, s->ranges, s->only, shown, error)
         && write_spec (s, &spec, error);
}

static gboolean
write_csv (ExportState  *s,
           GError      **error)
{
  const FmModel *model = s->in.model;
  g_autofree FmExportStats *layers = g_new0 (FmExportStats, s->layers->len);

  for (guint i = 0; i < s->layers->len; i++)
    {
      const FmLayer *l = &g_array_index (s->layers, FmLayer, i);

      layers[i].name = model->values[l->value_id].name;
      layers[i].channels = l->channels;
      layers[i].stats = s->stats[i];
    }
  if (!fm_export_write_stats_csv (s->csv, layers, s->layers->len, error))
    return FALSE;
  g_print (_("Wrote %s\n"), s->csv);
  return TRUE;
}

static gboolean
write_npy (ExportState  *s,
           GError      **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!fm_file_make_folder (s->npy_dir, 0755, error))
    return FALSE;
  for (guint i = 0; i < s->layers->len; i++)
    {
      const FmLayer *l = &g_array_index (s->layers, FmLayer, i);
      g_autofree float *copy = NULL;
      g_autofree char *path = NULL;
      FmShape shape;
      const float *maps = fm_layer_all_planes (s->in.model, l, s->in.run, &shape, &copy);

      if (maps == NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_LIMIT, _("%s: not enough memory for “%s”"),
                       s->in.model->path, s->in.model->values[l->value_id].name);
          return FALSE;
        }
      path = fm_export_write_npy (s->npy_dir, used, s->in.model->values[l->value_id].name,
                                  &shape, maps, error);
      if (path == NULL)
        return FALSE;
      g_print (_("Wrote %s\n"), path);
    }
  return TRUE;
}

/* export's options, the card's among them, in a new context. */
static GOptionContext *
export_context_new (ExportState *s)
{
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &s->output,
      N_("Write the feature maps to FILE (.png, .pdf or .svg), or one PNG per layer into "
         "DIR/"), N_("FILE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &s->format_name,
      N_("The picture's format, when the name does not say it"), N_("png|pdf|svg") },
    { "split", 0, 0, G_OPTION_ARG_NONE, &s->split,
      N_("Write one PNG per layer into the folder -o names, with an index.md"), NULL },
    { "layer", 0, 0, G_OPTION_ARG_STRING_ARRAY, &s->layer_names,
      N_("Export this feature-map layer (repeatable; a tensor or the window's name; default: "
         "the first layer)"), N_("NAME") },
    { "all-layers", 0, 0, G_OPTION_ARG_NONE, &s->all_layers,
      N_("Export every layer the window lists, with the prediction"), NULL },
    { "colormap", 0, 0, G_OPTION_ARG_STRING, &s->colormap,
      N_("Colormap (default viridis)"), N_("NAME") },
    { "normalize", 0, 0, G_OPTION_ARG_STRING, &s->normalize,
      N_("Colour range per layer (default), per tile, or fixed (--range)"),
      N_("layer|tile|fixed") },
    { "range", 0, 0, G_OPTION_ARG_STRING, &s->range,
      N_("The fixed colour range"), N_("MIN:MAX") },
    { "scale", 0, 0, G_OPTION_ARG_INT, &s->scale,
      N_("Tile side in pixels (default 72, as in the window)"), N_("N") },
    { "columns", 0, 0, G_OPTION_ARG_INT, &s->columns,
      N_("Tiles per row (default: the grid closest to 4:3)"), N_("N") },
    { "select", 0, 0, G_OPTION_ARG_STRING, &s->select,
      N_("Show only these channels, such as 0-7,12"), N_("LIST") },
    { "only", 0, 0, G_OPTION_ARG_STRING, &s->only_name,
      N_("Show only the channels that are zero for this input, or dead or rare in the "
         "--scan"), N_("zero|dead|rare") },
    { "scan", 0, 0, G_OPTION_ARG_FILENAME, &s->scan_path,
      N_("Mark the dead and rarely active channels of this scan of the model "
         "(feature-maps scan --json)"), N_("SCAN.json") },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &s->theme,
      N_("Light (default) or dark background"), N_("light|dark") },
    { "zero-threshold", 0, 0, G_OPTION_ARG_DOUBLE, &s->zero_threshold,
      N_("Values with |x| up to E count as zero (default 0)"), N_("E") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &s->csv,
      N_("Write per-channel statistics of the exported layers as CSV to FILE"), N_("FILE") },
    { "npy", 0, 0, G_OPTION_ARG_FILENAME, &s->npy_dir,
      N_("Write each exported layer's activations as .npy into DIR"), N_("DIR") },
    { NULL }
  };
  GOptionContext *context;

  context = fm_cli_option_context_new ("export", _("MODEL INPUT"),
                                       _("Run MODEL on INPUT (as “run” does) and write the "
                                         "feature maps with the window's drawing as a PNG, a "
                                         "PDF (a page per layer) or an SVG, the per-channel "
                                         "statistics as CSV, and the activations as .npy. "
                                         "Every file is replaced atomically."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  fm_cli_card_add_options (&s->card, context);
  return context;
}

int
fm_cli_export (int    argc,
               char **argv)
{
  ExportState s = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  fm_cli_input_init (&s.in);
  s.scale = DEFAULT_SCALE;
  s.columns = NO_COLUMNS;
  context = export_context_new (&s);
  status = fm_cli_input_parse (&s.in, context, "export", &argc, &argv);
  if (status != FM_CLI_EXIT_OK)
    goto out;
  status = check_options (&s, context);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_check_outputs (context, "export",
                                   (const char *[]) { argv[1], argv[2], s.scan_path }, 3,
                                   (const char *[]) { s.output, s.csv }, 2);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_check_output_folders ((const char *[]) { s.folder ? NULL : s.output,
                                                             s.csv }, 2);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_input_run (&s.in, context, "export", argv[1], argv[2]);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_check_found_inputs (context, "export", NULL, s.in.model,
                                        (const char *[]) { s.folder ? NULL : s.output, s.csv },
                                        NULL, 2);
  if (status != FM_CLI_EXIT_OK)
    goto out;
  if (s.card.spec != NULL)
    {
      FmTileStyle colours = { s.cm, s.fixed_min, s.fixed_max, FALSE,
                              g_strcmp0 (s.theme, "dark") == 0 };

      s.card.scan = g_strdup (s.scan_path);
      status = fm_cli_card_export (&s.card, &s.in, context, s.output, &colours, s.norm,
                                   (float) s.zero_threshold);
      goto out;
    }

  if (!choose_layers (&s, &error)
      || (s.scan_path != NULL && !load_scan (&s, &error))
      || (s.output != NULL && !write_sheet (&s, &error))
      || (s.csv != NULL && !write_csv (&s, &error))
      || (s.npy_dir != NULL && !write_npy (&s, &error)))
    status = fm_cli_fail (error);

out:
  export_state_clear (&s);
  return status;
}
