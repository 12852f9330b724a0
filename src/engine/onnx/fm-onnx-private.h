/* fm-onnx-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared between the files of src/engine/onnx/ only: the protobuf wire
 * reader of fm-onnx-wire.c, which fm-onnx-proto.c's field tables drive,
 * and the external data of fm-onnx-external.c.
 */
#pragma once

#include "fm-onnx-proto.h"

G_BEGIN_DECLS

/* ---- fm-onnx-wire.c ----------------------------------------------------- */

enum
{
  FM_PB_WIRE_VARINT = 0,
  FM_PB_WIRE_FIXED64 = 1,
  FM_PB_WIRE_LEN = 2,
  FM_PB_WIRE_FIXED32 = 5,
};

/* The state of one decoding: the input, the limits, the path of the
 * message being read (for errors) and its depth. */
typedef struct
{
  const guint8     *buf;       /* [len] the whole input */
  gsize             len;
  FmOnnxLimits      limits;
  GString          *path;      /* "graph.node[3].attribute[1]" */
  const char       *root;      /* used when path is empty */
  guint             depth;
  FmOnnxDecodeInfo *info;      /* what a failure says about the whole input */
  GError          **error;     /* where the first failure goes */
} FmPbDecoder;

/* A message's bytes: absolute offsets into FmPbDecoder.buf. */
typedef struct
{
  gsize pos;
  gsize end;
} FmPbSpan;

/* A field's tag: its number, wire type and where it starts. */
typedef struct
{
  guint32 number;
  int     wire;
  gsize   at;
} FmPbTag;

/* How a repeated number is written, and what the array holds. */
typedef enum
{
  FM_PB_NUM_INT64,   /* varint -> gint64 */
  FM_PB_NUM_INT32,   /* varint -> gint32 */
  FM_PB_NUM_UINT64,  /* varint -> guint64 */
  FM_PB_NUM_FLOAT,   /* fixed32 -> float */
  FM_PB_NUM_DOUBLE,  /* fixed64 -> double */
} FmPbNum;

/* Each reader returns FALSE after setting d->error, naming the field path
 * (the field @field inside d->path) and the byte offset. */

/* Sets "<path>[.<field>]: <reason> at byte <offset>"; returns FALSE. */
gboolean _fm_pb_fail         (FmPbDecoder   *d,
                              int            code,
                              const char    *field,
                              gsize          offset,
                              const char    *format,
                              ...) G_GNUC_PRINTF (5, 6);
gboolean _fm_pb_read_varint  (FmPbDecoder   *d,
                              FmPbSpan      *s,
                              const char    *field,
                              guint64       *out);
gboolean _fm_pb_read_tag     (FmPbDecoder   *d,
                              FmPbSpan      *s,
                              FmPbTag       *tag);
/* A length prefix and the bytes it covers, which must lie within @s. */
gboolean _fm_pb_read_length  (FmPbDecoder   *d,
                              FmPbSpan      *s,
                              const char    *field,
                              FmPbSpan      *out);
/* The value after a tag of wire type @wire: a number into *@v, or the
 * bytes of a length-delimited field into *@bytes. */
gboolean _fm_pb_read_value   (FmPbDecoder   *d,
                              FmPbSpan      *s,
                              int            wire,
                              const char    *field,
                              guint64       *v,
                              FmPbSpan      *bytes);
gboolean _fm_pb_expect_wire  (FmPbDecoder   *d,
                              const char    *field,
                              const FmPbTag *tag,
                              int            want);
/* A NUL-terminated copy of the UTF-8 text in @str, without NUL bytes. */
gboolean _fm_pb_string_copy  (FmPbDecoder   *d,
                              FmPbSpan       str,
                              const char    *field,
                              char         **out);
/* How many numbers of @kind a packed run holds, without allocating. */
gboolean _fm_pb_packed_count (FmPbDecoder   *d,
                              FmPbSpan       run,
                              FmPbNum        kind,
                              const char    *field,
                              gsize         *count);
/* One number, or a packed run of them, appended to *@arr (created on
 * first use). */
gboolean _fm_pb_read_numbers (FmPbDecoder   *d,
                              FmPbSpan      *s,
                              const FmPbTag *tag,
                              FmPbNum        kind,
                              const char    *field,
                              GArray       **arr);
/* Enters the length-delimited sub-message after @tag: pushes its name onto
 * the path, checks the wire type, the length and the depth. On success
 * the caller must call _fm_pb_leave (d, *mark). */
gboolean _fm_pb_enter        (FmPbDecoder   *d,
                              FmPbSpan      *s,
                              const FmPbTag *tag,
                              FmPbSpan      *sub,
                              gsize         *mark,
                              const char    *format,
                              ...) G_GNUC_PRINTF (6, 7);
void     _fm_pb_leave        (FmPbDecoder   *d,
                              gsize          mark);
/* Checks a repeated field's count against @limit before anything is
 * allocated for one more entry. */
gboolean _fm_pb_check_count  (FmPbDecoder   *d,
                              GPtrArray     *arr,
                              guint          limit,
                              const char    *field,
                              gsize          tag_at);

/* ---- fm-onnx-external.c ------------------------------------------------- */

/* Maps @want bytes of @t's external data file, which must lie inside
 * @base; *@out_data points at them in the mapping returned. @tname names
 * the tensor in errors. */
GMappedFile *_fm_onnx_map_external (const FmOnnxTensor  *t,
                                    const char          *tname,
                                    const char          *base,
                                    gsize                want,
                                    const guint8       **out_data,
                                    GError             **error);

G_END_DECLS
