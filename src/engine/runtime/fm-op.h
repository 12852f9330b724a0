/* fm-op.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The interface every op implements (private to the engine). An op is a
 * `const FmOpInfo fm_op_<name>` in src/engine/runtime/ops/ with:
 *
 *  - attributes: the NULL-terminated list of attribute names it accepts.
 *    Any other attribute on a node is refused before prepare is called.
 *  - prepare: at load, parse and check attributes (refuse any value it
 *    does not implement), check input count, dtypes and shapes, set each
 *    output's dtype and shape, keep what run needs in node->params, and
 *    ask for scratch memory. Inputs that must be known at load (Reshape's
 *    shape, Slice's starts...) are read from value->constant. An op that
 *    keeps its own copy of a constant input (Conv packs its weights) sets
 *    bit i of ctx->own_copy: once every consumer of a constant has its own
 *    copy, the model frees the original (value->constant->data becomes
 *    NULL), so the weights are not held twice.
 *  - run: a tight loop with no error paths. It reads and writes through
 *    rc->ptrs[value id]. The same run computes folded nodes at load, so it
 *    must handle every dtype that prepare accepted.
 */
#pragma once

#include <glib.h>

#include "fm-model.h"
#include "fm-onnx-proto.h"

G_BEGIN_DECLS

typedef struct
{
  FmModel          *model;        /* being built: values and nodes valid */
  FmNode           *node;
  const FmOnnxNode *proto;
  gsize             scratch_size; /* set by prepare if run needs scratch */
  gsize             max_bytes;    /* what one new constant may take */
  guint32           own_copy;     /* bit i: prepare keeps its own copy of
                                   * constant input i (packed weights) and
                                   * run never reads the original */
} FmOpContext;

typedef struct
{
  const FmModel *model;
  gpointer      *ptrs;            /* value id -> data (const or arena) */
  gpointer       scratch;         /* 64-byte aligned, model->scratch_size */
  struct _FmThreads *threads;     /* the run's kernel threads; NULL = one */
} FmRunCtx;

typedef struct
{
  const char         *name;
  const char * const *attributes;
  gboolean          (*prepare) (FmOpContext    *ctx,
                                GError        **error);
  void              (*run)     (const FmNode   *node,
                                FmRunCtx       *rc);
} FmOpInfo;

#define FM_OP(Name, name) extern const FmOpInfo fm_op_##name;
#include "fm-ops.def"
#undef FM_OP

const FmOpInfo *fm_op_info_lookup   (const char *op_type);
const FmOpInfo *fm_op_info_get      (FmOpType    op);

/* Sets @error to "FILE: node 'NAME' (OP): <message>". Returns FALSE. */
gboolean  fm_op_fail              (FmOpContext  *ctx,
                                   GError      **error,
                                   FmError       code,
                                   const char   *format,
                                   ...) G_GNUC_PRINTF (4, 5);

/* Checks the number of present inputs: index < n_inputs and id != -1 for
 * the first @min, at most @max in all. */
gboolean  fm_op_check_n_inputs    (FmOpContext  *ctx,
                                   guint         min,
                                   guint         max,
                                   GError      **error);
/* NULL when the input is omitted or beyond n_inputs. */
FmValue  *fm_op_input             (FmOpContext  *ctx,
                                   guint         i);
FmValue  *fm_op_output            (FmOpContext  *ctx,
                                   guint         i);
/* Requires input @i to be present, known at load (constant) and of
 * @dtype; fails with a message naming @what otherwise. */
const FmConstTensor *fm_op_const_input (FmOpContext  *ctx,
                                        guint         i,
                                        FmDType       dtype,
                                        const char   *what,
                                        GError      **error);
/* Checks that input @i is present and of @dtype (and of rank @rank when
 * rank >= 0). */
gboolean  fm_op_check_input       (FmOpContext  *ctx,
                                   guint         i,
                                   FmDType       dtype,
                                   int           rank,
                                   GError      **error);
/* Sets dtype and shape of output @i (ignored if the output is omitted). */
void      fm_op_set_output        (FmOpContext   *ctx,
                                   guint          i,
                                   FmDType        dtype,
                                   const FmShape *shape);
/* Makes output @i a constant computed in prepare (Shape, Constant);
 * takes ownership of @t. */
void      fm_op_set_output_const  (FmOpContext   *ctx,
                                   guint          i,
                                   FmConstTensor *t);

/* Attribute access. Each returns TRUE and leaves @out at @def when the
 * attribute is absent; FALSE with an error when it has the wrong type. */
const FmOnnxAttribute *fm_op_attr (FmOpContext *ctx, const char *name);
/* Attribute @name into *@a, NULL when absent; fails when it has another
 * type than @type (an FM_ONNX_ATTR_*, named @expected in the error). */
gboolean  fm_op_attr_typed        (FmOpContext            *ctx,
                                   const char             *name,
                                   int                     type,
                                   const char             *expected,
                                   const FmOnnxAttribute **a,
                                   GError                **error);
gboolean  fm_op_attr_int          (FmOpContext  *ctx,
                                   const char   *name,
                                   gint64        def,
                                   gint64       *out,
                                   GError      **error);
gboolean  fm_op_attr_float        (FmOpContext  *ctx,
                                   const char   *name,
                                   float         def,
                                   float        *out,
                                   GError      **error);
/* @out points to the attribute's string or to @def; not copied. */
gboolean  fm_op_attr_string       (FmOpContext  *ctx,
                                   const char   *name,
                                   const char   *def,
                                   const char  **out,
                                   GError      **error);
/* Copies at most @max values into @out; *n_out = 0 when absent; fails
 * when there are more than @max. */
gboolean  fm_op_attr_ints         (FmOpContext  *ctx,
                                   const char   *name,
                                   gint64       *out,
                                   guint         max,
                                   guint        *n_out,
                                   GError      **error);
gboolean  fm_op_attr_floats       (FmOpContext  *ctx,
                                   const char   *name,
                                   float        *out,
                                   guint         max,
                                   guint        *n_out,
                                   GError      **error);

/* Largest |w| over the weights of output channel @m of Conv node @node,
 * worked out at load (the weights themselves are released once packed);
 * NaN if @node is not a Conv with weights known at load or @m is out of
 * range. */
float     fm_op_conv_weight_max_abs (const FmNode *node,
                                     guint         m);

/* Shorthands for run. */
#define FM_IN_F(rc, node, i)   ((const float *) (rc)->ptrs[(node)->inputs[i]])
#define FM_OUT_F(rc, node, i)  ((float *) (rc)->ptrs[(node)->outputs[i]])
#define FM_IN_I(rc, node, i)   ((const gint64 *) (rc)->ptrs[(node)->inputs[i]])
#define FM_OUT_I(rc, node, i)  ((gint64 *) (rc)->ptrs[(node)->outputs[i]])
#define FM_VALUE(rc, id)       (&(rc)->model->values[id])

G_END_DECLS
