/* fm-json-text.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A text value in JSON, valid UTF-8 whatever it holds: a file name in
 * another encoding gets U+FFFD where it is not UTF-8 (json-glib would
 * write its bytes as they are, which no JSON reader takes). Shared by the
 * scan's and prune's JSON and the command line's; so is an array of
 * counts or channel indexes.
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

/* Member @member: an array of @n counts (@counts) or, with @counts NULL,
 * channel indexes (@indexes). */
static inline void
fm_json_add_ints (JsonBuilder   *b,
                  const char    *member,
                  const guint64 *counts,
                  const guint   *indexes,
                  guint          n)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (b, counts != NULL ? (gint64) counts[i] : indexes[i]);
  json_builder_end_array (b);
}

G_END_DECLS
