/* fm-data.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the bundled data lives (models, digits): $FEATURE_MAPS_DATADIR,
 * then the installed PKGDATADIR, then the source tree's data/ (so an
 * uninstalled build works). Shared by the command line and the window.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The bundled model names ("mnist-cnn", "mnist-cnn-dying"), NULL-terminated. */
const char * const *fm_data_bundled_models   (void);
gboolean            fm_data_is_bundled_model (const char  *name);
/* The first existing DIR/@relative, or NULL with FM_ERROR_IO listing the
 * places looked at. */
char               *fm_data_find             (const char  *relative,
                                              GError     **error);
/* A bundled model name becomes its file; anything else is returned as is. */
char               *fm_data_resolve_model    (const char  *arg,
                                              GError     **error);
/* TRUE when the running executable lies inside the build folder it was
 * configured in (build-aux/dev.sh, the tests, _build/src/feature-maps). */
gboolean            fm_data_running_uninstalled (void);
/* Where the build compiles the GSettings schema (FM_BUILD_ROOT/data); of
 * use only to an uninstalled binary. */
const char         *fm_data_build_schema_dir    (void);

G_END_DECLS
