/* fm-error.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The FM_ERROR quark. Nothing else lives here: the codes are in
 * fm-error.h, and each engine file writes its own messages.
 */
#include "config.h"

#include "fm-error.h"

G_DEFINE_QUARK (fm-error-quark, fm_error)
