/* fm-application.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FM_TYPE_APPLICATION (fm_application_get_type ())

G_DECLARE_FINAL_TYPE (FmApplication, fm_application, FM, APPLICATION, AdwApplication)

FmApplication *fm_application_new                  (void);
/* Call first, before anything uses GSettings: an uninstalled binary (one
 * inside its build folder) puts that build's compiled schemas first in
 * GSETTINGS_SCHEMA_DIR. Returns whether the app's schema can be found. */
gboolean       fm_application_find_settings_schema (void);

G_END_DECLS
