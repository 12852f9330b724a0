/* fm-json-text.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A text value in JSON, valid UTF-8 whatever it holds: a file name in
 * another encoding gets U+FFFD where it is not UTF-8 (json-glib would
 * write its bytes as they are, which no JSON reader takes). Shared by the
 * scan's and prune's JSON and the command line's.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

static inline void
fm_json_add_text (JsonBuilder *b,
                  const char  *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  json_builder_add_string_value (b, valid);
}

G_END_DECLS
