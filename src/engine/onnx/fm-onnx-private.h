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
/* The value after a tag of wire type @wire: a number into *@v, or the
 * bytes of a length-delimited field, which must lie within @s, into
 * *@bytes. */
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
/* The length-delimited run of packed numbers of @kind after a tag, and how
 * many it holds, without allocating. */
gboolean _fm_pb_read_packed  (FmPbDecoder   *d,
                              FmPbSpan      *s,
                              FmPbNum        kind,
                              const char    *field,
                              FmPbSpan      *run,
                              gsize         *count);
/* One number, or a packed run of them, appended to *@arr (created on
 * first use). */
gboolean _fm_pb_read_numbers (FmPbDecoder   *d,
                              FmPbSpan      *s,
                              const FmPbTag *tag,
                              FmPbNum        kind,
                              const char    *field,
                              GArray       **arr);

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
