/* fm-cli-input.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preprocessing flags that `run`, `export` and `scan` share: --mean,
 * --std, --invert, --channels, --input-range, --resize and --background.
 * Their values are checked before any file is touched (a usage error
 * names the flag), then laid over the model's own settings
 * (fm_preprocess_init_defaults: as the window starts) once it is loaded. fm-cli.h includes
 * this; the rest of the input handling of `run`, `export` and `bench` is
 * there.
 */
#pragma once

#include <glib.h>

#include "fm-model.h"
#include "fm-preprocess.h"

G_BEGIN_DECLS

typedef struct
{
  /* filled by GOptionContext; NULL when not given */
  char *mean;
  char *std;
  char *invert;
  char *channels;
  char *range;       /* --input-range */
  char *resize;
  char *background;
} FmCliPreprocessFlags;

void  fm_cli_preprocess_flags_clear       (FmCliPreprocessFlags       *flags);
/* Adds the seven flags to @context's main group; @invert_help replaces
 * the help text of --invert when not NULL. */
void  fm_cli_preprocess_flags_add_options (FmCliPreprocessFlags       *flags,
                                           GOptionContext             *context,
                                           const char                 *invert_help);
/* Checks the values alone; returns an exit status, having printed a
 * usage error naming the flag. */
int   fm_cli_preprocess_flags_check       (const FmCliPreprocessFlags *flags,
                                           GOptionContext             *context,
                                           const char                 *subcommand);
/* @pp from @model's input and metadata with the flags over it. Returns an
 * exit status, having printed the error: the model's (FILE: REASON), or a
 * usage error when --mean, --std or --channels do not fit the model's
 * channels. */
int   fm_cli_preprocess_flags_apply       (const FmCliPreprocessFlags *flags,
                                           GOptionContext             *context,
                                           const char                 *subcommand,
                                           const FmModel              *model,
                                           FmPreprocess               *pp);

G_END_DECLS
