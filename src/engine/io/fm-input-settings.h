/* fm-input-settings.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input preprocessing a person set by hand for one model, kept per
 * model file: $XDG_DATA_HOME/feature-maps/input-settings/SHA256.ini, where
 * SHA256 is that of the model file's bytes (so a renamed or moved copy
 * keeps its settings, a retrained one starts afresh). A GKeyFile:
 *
 *   [Input]
 *   preset=imagenet       informational: the preset the values matched
 *   channels=rgb          gray | rgb | bgr
 *   range=0-1             0-1 | 0-255 | -1-1
 *   resize=fit            fit | stretch | crop
 *   background=auto       auto | white | black | #rrggbb | R,G,B
 *   mean=0.485,0.456,0.406
 *   std=0.229,0.224,0.225
 *   invert=auto           auto | yes | no
 *
 * Loading overlays these on an FmPreprocess already set up for the model
 * (fm_preprocess_init_from_model): a key that is missing keeps the
 * model's value, unknown keys and groups are ignored. The file is not
 * trusted: it is read only up to FM_INPUT_SETTINGS_MAX_BYTES and every
 * value is checked. Nothing here knows about the window or GSettings.
 */
#pragma once

#include <glib.h>

#include "fm-error.h"
#include "fm-model.h"
#include "fm-preprocess.h"

G_BEGIN_DECLS

#define FM_INPUT_SETTINGS_MAX_BYTES (64 * 1024)

/* The settings file for @model, named by its file's fm_sha256_file ()
 * (read to hash it unless an unchanged file's digest is remembered). NULL
 * with FM_ERROR_IO naming the model file if it cannot be read. */
char     *fm_input_settings_path      (const FmModel       *model,
                                       GError             **error);
/* The same for the model file at @path, before or while it is loaded (the
 * window hashes it beside the load). */
char     *fm_input_settings_path_for_file (const char      *path,
                                           GError         **error);

/* Overlays the settings file at @path on @pp (set up for the model: its
 * channel count is what the values must fit). Three outcomes:
 *  - TRUE: loaded, @pp updated;
 *  - FALSE with no error: there is no file (nothing was set by hand);
 *  - FALSE with @error: FM_ERROR_IO when it cannot be read,
 *    FM_ERROR_LIMIT when it is larger than FM_INPUT_SETTINGS_MAX_BYTES,
 *    FM_ERROR_INVALID_INPUT "PATH: key KEY: REASON" when it is not a key
 *    file or a value is wrong (an unknown name, not a number, NaN, a std
 *    of 0, more values than the model has channels, an order that does
 *    not fit the channels).
 * On any FALSE @pp is unchanged. */
gboolean  fm_input_settings_load      (const char          *path,
                                       FmPreprocess        *pp,
                                       GError             **error);
/* The same from @len bytes in memory; @name stands for the file in
 * messages. Returns TRUE, or FALSE with @error. */
gboolean  fm_input_settings_load_data (const char          *data,
                                       gsize                len,
                                       const char          *name,
                                       FmPreprocess        *pp,
                                       GError             **error);
/* The text fm_input_settings_save() writes. Free with g_free(). */
char     *fm_input_settings_to_data   (const FmPreprocess  *pp);
/* Writes @pp's settings to @path atomically, creating its folder.
 * FM_ERROR_IO "PATH: cannot write: REASON" (or the folder's). @pp must
 * pass fm_preprocess_check. */
gboolean  fm_input_settings_save      (const char          *path,
                                       const FmPreprocess  *pp,
                                       GError             **error);

G_END_DECLS
