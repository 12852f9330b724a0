/* fm-sheet-output.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes sheets as PNG, PDF, SVG or a folder of PNGs (see
 * fm-sheet-output.h; fm_sheet_write_png () is declared in fm-sheet.h).
 * The vector files are made in memory by cairo's PDF and SVG surfaces,
 * then written by the one atomic writer; the drawing is fm_sheet_draw
 * ()'s, so they show what the PNG shows.
 */
#include "config.h"

#include "fm-sheet-output.h"

#include "fm-figure.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-export.h"
#include "fm-file.h"
#include "fm-png-writer.h"

/* The largest page side PDF readers take, in units (Acrobat's limit). */
#define PDF_MAX_SIDE 14400.0

gboolean
fm_sheet_format_parse (const char    *name,
                       FmSheetFormat *format)
{
  static const char * const names[] = { "png", "pdf", "svg" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (name != NULL && g_ascii_strcasecmp (name, names[i]) == 0)
      {
        *format = (FmSheetFormat) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
fm_sheet_format_from_path (const char    *path,
                           FmSheetFormat *format)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');

  return dot != NULL && dot != base && fm_sheet_format_parse (dot + 1, format);
}

void
fm_sheet_spec_page (const FmSheetSpec *spec,
                    guint              first,
                    guint              n,
                    FmSheetSpec       *page)
{
  *page = *spec;
  page->layers = spec->layers + first;
  page->n_layers = n;
}

GArray *
fm_sheet_pages (const FmSheetSpec *spec)
{
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (guint));
  guint first = 0;

  while (first < spec->n_layers)
    {
      guint n = 1;

      while (first + n < spec->n_layers)
        {
          FmSheetSpec page;
          int w, h;

          fm_sheet_spec_page (spec, first, n + 1, &page);
          if (!fm_sheet_get_size (&page, &w, &h, NULL) || h > w * G_SQRT2)
            break;
          n++;
        }
      g_array_append_val (starts, first);
      first += n;
    }
  g_array_append_val (starts, first);
  return starts;
}

gboolean
fm_sheet_check_png_height (const FmSheetSpec *spec,
                           const char        *hint,
                           GError           **error)
{
  gint64 w, h;

  if (!fm_sheet_measure (spec, &w, &h, error))
    return FALSE;
  if (h > FM_SHEET_MAX_PNG_HEIGHT)
    {
      /* Translators: the end is what to do instead ("write a PDF instead …") */
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("the picture would be %" PRId64 " × %" PRId64
                     " pixels, taller than the %d a single PNG may be; %s"),
                   w, h, FM_SHEET_MAX_PNG_HEIGHT, hint);
      return FALSE;
    }
  return TRUE;
}

static char *
layer_names (const FmSheetSpec *spec,
             const char        *separator)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < spec->n_layers; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? separator : "", spec->layers[i].name);
  return g_string_free (s, FALSE);
}

char *
fm_sheet_description (const FmSheetSpec *spec)
{
  g_auto(GStrv) text = fm_sheet_png_text (spec);
  g_autofree char *layers = layer_names (spec, ", ");
  GString *s = g_string_new (NULL);

  /* Translators: the description of an exported sheet: "mnist-cnn.onnx on
   * digit-7.png: LAYERS" */
  g_string_append_printf (s, _("%s on %s: %s"), spec->model_name != NULL ? spec->model_name : "",
                          spec->input_name != NULL ? spec->input_name : "", layers);
  /* The PNG's chunks after Layer and Input, as "key: value". */
  for (guint i = 0; text[i] != NULL && text[i + 1] != NULL; i += 2)
    if (strcmp (text[i], "Software") != 0 && strcmp (text[i], "Source") != 0
        && strcmp (text[i], "Layer") != 0 && strcmp (text[i], "Input") != 0)
      g_string_append_printf (s, "; %s: %s", text[i], text[i + 1]);
  return g_string_free (s, FALSE);
}

/* ---- single files --------------------------------------------------------- */

/* The message of a file that could not be made: "Could not write “PATH”:
 * REASON", as the atomic writer says it. */
static gboolean
fail_for_path (GError     **error,
               const char  *path,
               int          code,
               const char  *reason)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, FM_ERROR, code, _("Could not write “%s”: %s"), display, reason);
  return FALSE;
}

static gboolean
size_of (const FmSheetSpec *spec,
         const char        *path,
         int               *w,
         int               *h,
         GError           **error)
{
  g_autoptr(GError) local_error = NULL;

  if (fm_sheet_get_size (spec, w, h, &local_error))
    return TRUE;
  return fail_for_path (error, path, local_error->code, local_error->message);
}

gboolean
fm_sheet_write_png (const FmSheetSpec *spec,
                    const char        *path,
                    GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) text = NULL;
  cairo_surface_t *surface;
  gboolean ok;

  g_return_val_if_fail (spec != NULL && path != NULL, FALSE);

  surface = fm_sheet_render (spec, &local_error);
  if (surface == NULL)
    return fail_for_path (error, path, local_error->code, local_error->message);
  text = fm_sheet_png_text (spec);
  ok = fm_png_write_surface (path, surface, (const char * const *) text, error);
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
fm_sheet_write_pdf (const FmSheetSpec *spec,
                    const char        *path,
                    GError           **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GArray) pages = NULL;
  g_autofree char *description = NULL;
  g_autofree char *keywords = NULL;
  g_autofree char *title = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double scale;
  int w, h;

  g_return_val_if_fail (spec != NULL && path != NULL, FALSE);

  /* Every page's size first: a page over the limits fails before drawing. */
  pages = fm_sheet_pages (spec);
  for (guint p = 0; p + 1 < pages->len; p++)
    {
      FmSheetSpec page;
      guint first = g_array_index (pages, guint, p);

      fm_sheet_spec_page (spec, first, g_array_index (pages, guint, p + 1) - first, &page);
      if (!size_of (&page, path, &w, &h, error))
        return FALSE;
    }
  if (spec->n_layers == 0 && !size_of (spec, path, &w, &h, error))
    return FALSE;

  surface = fm_figure_pdf_new (bytes, w, h);
  description = fm_sheet_description (spec);
  keywords = layer_names (spec, ", ");
  /* Translators: the PDF's title: "Feature maps of mnist-cnn.onnx on digit-7.png" */
  title = g_strdup_printf (_("Feature maps of %s on %s"),
                           spec->model_name != NULL ? spec->model_name : "",
                           spec->input_name != NULL ? spec->input_name : "");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, description);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_KEYWORDS, keywords);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_NAME);
  cr = cairo_create (surface);
  for (guint p = 0; p + 1 < MAX (pages->len, 2); p++)
    {
      FmSheetSpec page;
      guint first = pages->len > 1 ? g_array_index (pages, guint, p) : 0;
      guint n = pages->len > 1 ? g_array_index (pages, guint, p + 1) - first : 0;

      fm_sheet_spec_page (spec, first, n, &page);
      fm_sheet_get_size (&page, &w, &h, NULL);
      /* PDF readers refuse pages over 14,400 units a side (200 inches):
       * a page that would be larger (256 columns, say) is scaled down
       * to that, its pictures and text with it. */
      scale = MIN (1.0, PDF_MAX_SIDE / MAX (w, h));
      cairo_pdf_surface_set_size (surface, w * scale, h * scale);
      cairo_save (cr);
      cairo_scale (cr, scale, scale);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *link = g_strdup_printf ("page=%u", p + 1);

          cairo_pdf_surface_add_outline (surface, CAIRO_PDF_OUTLINE_ROOT,
                                         spec->layers[first + i].name, link, 0);
        }
      fm_sheet_draw (&page, cr, w);
      cairo_restore (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  return fm_figure_finish (surface, path, error)
         && fm_file_write_atomic (path, bytes->data, bytes->len, error);
}

/* @svg (what cairo wrote) with <title> and <desc> first inside its <svg>
 * element. */
static void
add_svg_description (GString           *svg,
                     const FmSheetSpec *spec)
{
  g_autofree char *description = fm_sheet_description (spec);
  g_autofree char *head = g_markup_printf_escaped ("\n<title>%s</title>\n<desc>%s</desc>",
                                                   spec->model_name != NULL
                                                     ? spec->model_name : "",
                                                   description);
  const char *start = strstr (svg->str, "<svg");
  const char *end = start != NULL ? strchr (start, '>') : NULL;

  if (end != NULL)
    g_string_insert (svg, end + 1 - svg->str, head);
}

gboolean
fm_sheet_write_svg (const FmSheetSpec *spec,
                    const char        *path,
                    GError           **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GString) svg = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  int w, h;

  g_return_val_if_fail (spec != NULL && path != NULL, FALSE);

  if (!size_of (spec, path, &w, &h, error))
    return FALSE;
  surface = fm_figure_svg_new (bytes, w, h);
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
  cr = cairo_create (surface);
  fm_sheet_draw (spec, cr, w);
  cairo_destroy (cr);
  if (!fm_figure_finish (surface, path, error))
    return FALSE;
  svg = g_string_new_len ((const char *) bytes->data, (gssize) bytes->len);
  add_svg_description (svg, spec);
  fm_figure_svg_pixelated (svg);
  return fm_file_write_atomic (path, svg->str, svg->len, error);
}

gboolean
fm_sheet_write (const FmSheetSpec *spec,
                const char        *path,
                FmSheetFormat      format,
                GError           **error)
{
  switch (format)
    {
    case FM_SHEET_FORMAT_PDF:
      return fm_sheet_write_pdf (spec, path, error);
    case FM_SHEET_FORMAT_SVG:
      return fm_sheet_write_svg (spec, path, error);
    case FM_SHEET_FORMAT_PNG:
    default:
      return fm_sheet_write_png (spec, path, error);
    }
}

/* ---- a folder of PNGs ---------------------------------------------------- */

/* A Markdown table cell: no line breaks, "|" escaped. */
static void
append_cell (GString    *s,
             const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '|' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p == '\n' ? ' ' : *p);
    }
}

char *
fm_sheet_write_png_folder (const FmSheetSpec *spec,
                           const char        *dir,
                           GError           **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) index = g_string_new (NULL);
  g_autofree char *index_path = g_build_filename (dir, "index.md", NULL);

  g_return_val_if_fail (spec != NULL && dir != NULL, NULL);

  if (!fm_file_make_folder (dir, 0755, error))
    return NULL;
  /* Translators: the heading of a folder's index.md: "Feature maps of
   * mnist-cnn.onnx on digit-7.png" */
  g_string_append_printf (index, "# %s\n\n", _("Feature maps"));
  /* Translators: under the index's heading: "mnist-cnn.onnx on digit-7.png" */
  g_string_append_printf (index, _("%s on %s"), spec->model_name != NULL ? spec->model_name : "",
                          spec->input_name != NULL ? spec->input_name : "");
  if (spec->preprocess != NULL)
    g_string_append_printf (index, " (%s)", spec->preprocess);
  g_string_append (index, "\n\n");
  g_string_append_printf (index, "| %s | %s | %s |\n|---|---|---|\n",
                          _("Layer"), _("File"), _("Size (pixels)"));
  for (guint i = 0; i < spec->n_layers; i++)
    {
      g_autofree char *stem = fm_export_file_name (spec->layers[i].name, ".png", used);
      g_autofree char *file = g_strdup_printf ("%02u-%s", i + 1, stem);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      FmSheetSpec page;
      int w = 0, h = 0;

      fm_sheet_spec_page (spec, i, 1, &page);
      if (!fm_sheet_write_png (&page, path, error))
        return NULL;
      fm_sheet_get_size (&page, &w, &h, NULL);
      g_string_append (index, "| ");
      append_cell (index, spec->layers[i].name);
      g_string_append_printf (index, " | [%s](%s) | %d × %d |\n", file, file, w, h);
    }
  if (!fm_file_write_atomic (index_path, index->str, index->len, error))
    return NULL;
  return g_steal_pointer (&index_path);
}
