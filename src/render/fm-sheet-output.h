/* fm-sheet-output.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sheet (fm-sheet.h) as a file: one PNG, a PDF of pages, an SVG, or a
 * folder of PNGs, one per layer, with an index. PDF and SVG are cairo's
 * own surfaces drawn by the same fm_sheet_draw () as the PNG, so text
 * stays vector and each map is one image painted with nearest-neighbour
 * filtering, pixel-exact at any zoom. Every file is written atomically
 * (fm_file_write_atomic*). It does not choose layers or file names
 * beyond the folder's.
 */
#pragma once

#include <glib.h>

#include "fm-sheet.h"

G_BEGIN_DECLS

/* The tallest single PNG the command line and the dialog write; a taller
 * sheet goes to a PDF or a folder. */
#define FM_SHEET_MAX_PNG_HEIGHT 16384

typedef enum
{
  FM_SHEET_FORMAT_PNG,
  FM_SHEET_FORMAT_PDF,
  FM_SHEET_FORMAT_SVG,
} FmSheetFormat;

/* "png", "pdf" or "svg"; FALSE for anything else. */
gboolean  fm_sheet_format_parse     (const char        *name,
                                     FmSheetFormat     *format);
/* By @path's extension (".png", ".pdf", ".svg", any case); FALSE for
 * another or none. */
gboolean  fm_sheet_format_from_path (const char        *path,
                                     FmSheetFormat     *format);

/* How a PDF pages @spec's layers: consecutive layers share a page while it
 * stays no taller than √2 times its width (A4 upright); a layer taller
 * than that has a page of its own. Returns the first layer of each page
 * and, last, n_layers (so page p holds layers [a[p], a[p + 1]) ). */
GArray   *fm_sheet_pages            (const FmSheetSpec *spec);
/* @spec limited to @n layers from @first, the header and key repeated. */
void      fm_sheet_spec_page        (const FmSheetSpec *spec,
                                     guint              first,
                                     guint              n,
                                     FmSheetSpec       *page);

/* FALSE with FM_ERROR_LIMIT when the sheet is taller than
 * FM_SHEET_MAX_PNG_HEIGHT, the message ending with @hint (what to do
 * instead, in the caller's words); or fm_sheet_get_size ()'s error. */
gboolean  fm_sheet_check_png_height (const FmSheetSpec *spec,
                                     const char        *hint,
                                     GError           **error);

/* One line of what the sheet shows, for the PDF's subject and the SVG's
 * description: "mnist-cnn.onnx on digit-7.png: /relu1/Relu_output_0, …;
 * colormap viridis, normalisation layer; zero channels …". */
char     *fm_sheet_description      (const FmSheetSpec *spec);

/* A PDF, a page per fm_sheet_pages () entry, with an outline entry per
 * layer and the metadata title, subject (fm_sheet_description ()),
 * keywords (the layer names) and creator "Feature Maps". */
gboolean  fm_sheet_write_pdf        (const FmSheetSpec *spec,
                                     const char        *path,
                                     GError           **error);
/* One SVG of the whole sheet, with <title> and <desc>. Cairo 1.16 writes
 * text as glyph outlines, so it scales sharply but is not searchable. */
gboolean  fm_sheet_write_svg        (const FmSheetSpec *spec,
                                     const char        *path,
                                     GError           **error);
/* fm_sheet_write_png (), _pdf () or _svg () by @format. */
gboolean  fm_sheet_write            (const FmSheetSpec *spec,
                                     const char        *path,
                                     FmSheetFormat      format,
                                     GError           **error);

/* Creates the folder @dir and writes one PNG per layer into it,
 * "01-NAME.png" (NAME the tensor name made a file name as `run --dump`
 * does), each with the header and key, then "index.md" listing them in
 * order with their layer names and sizes. Returns the index's path, or
 * NULL with the first error (files written before it stay). */
char     *fm_sheet_write_png_folder (const FmSheetSpec *spec,
                                     const char        *dir,
                                     GError           **error);

G_END_DECLS
