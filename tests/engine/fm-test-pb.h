/* fm-test-pb.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tiny protobuf writer for tests: appends tags, varints, fixed-width
 * values, length-delimited bytes, packed runs and nested messages to a
 * GByteArray, so tests can build ModelProto / TensorProto bytes by hand,
 * including malformed ones (fm_pb_raw writes arbitrary bytes, fm_pb_tag
 * any wire type). It does not check anything and knows no schema.
 *
 * Nested messages: build the child in its own GByteArray, then append it
 * with fm_pb_message (parent, field, child).
 *
 * fm_pb_field_end_at() reads: where the top-level field around a byte
 * ends, for the expected sizes in messages about truncated files.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

enum
{
  FM_PB_VARINT = 0,
  FM_PB_FIXED64 = 1,
  FM_PB_LEN = 2,
  FM_PB_SGROUP = 3,
  FM_PB_EGROUP = 4,
  FM_PB_FIXED32 = 5,
};

void fm_pb_raw            (GByteArray   *b,
                           const void   *data,
                           gsize         len);
void fm_pb_varint         (GByteArray   *b,
                           guint64       v);
void fm_pb_tag            (GByteArray   *b,
                           guint         field,
                           guint         wire);
/* tag + varint; negative values take 10 bytes like int64 in protobuf */
void fm_pb_int            (GByteArray   *b,
                           guint         field,
                           gint64        v);
void fm_pb_fixed32        (GByteArray   *b,
                           guint         field,
                           guint32       v);
void fm_pb_fixed64        (GByteArray   *b,
                           guint         field,
                           guint64       v);
void fm_pb_float          (GByteArray   *b,
                           guint         field,
                           float         v);
void fm_pb_double         (GByteArray   *b,
                           guint         field,
                           double        v);
void fm_pb_bytes          (GByteArray   *b,
                           guint         field,
                           const void   *data,
                           gsize         len);
void fm_pb_string         (GByteArray   *b,
                           guint         field,
                           const char   *s);
void fm_pb_message        (GByteArray   *b,
                           guint         field,
                           GByteArray   *child);
/* One length-delimited run of varints / floats / doubles. */
void fm_pb_packed_ints    (GByteArray   *b,
                           guint         field,
                           const gint64 *v,
                           gsize         n);
void fm_pb_packed_floats  (GByteArray   *b,
                           guint         field,
                           const float  *v,
                           gsize         n);
void fm_pb_packed_doubles (GByteArray   *b,
                           guint         field,
                           const double *v,
                           gsize         n);

/* Reading, for tests of cut files: walks the top-level fields of @data
 * (tag, then a varint, fixed value or length and bytes) and returns the end
 * its own lengths give the field that holds byte @offset, which may lie
 * past @len. Asserts that @data is well formed up to that field. */
guint64 fm_pb_field_end_at (const guint8 *data,
                            gsize         len,
                            gsize         offset);

G_END_DECLS
