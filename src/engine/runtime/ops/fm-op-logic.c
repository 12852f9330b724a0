/* fm-op-logic.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Comparisons, logic and selection, element-wise with numpy broadcasting:
 * Equal, Less, Greater, LessOrEqual, GreaterOrEqual (float or int64 in,
 * BOOL out), Not, And, Or, Xor (BOOL), Where (BOOL condition, float or
 * int64 values, three-way broadcasting) and Mod (fmod 0: the sign of the
 * divisor, as Python; fmod 1: the sign of the dividend, as C's fmod).
 * The engine holds BOOL as int64 0 or 1. Comparisons on float follow
 * IEEE 754: anything compared with NaN is false, so Equal (NaN, NaN) is 0.
 * An integer Mod by 0 gives 0 instead of trapping. Float Mod needs
 * fmod = 1, as the spec says; mixed input types are refused.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

/* Two inputs: comparisons, And, Or, Xor, Mod */

typedef struct
{
  FmOpType op;         /* the node's: FM_OP_Equal ... FM_OP_Mod */
  FmDType  dtype;      /* of the inputs */
  gboolean fmod;       /* Mod's attribute */
  FmWalk   walk;
} FmLogicParams;

/* The shape @a and @b broadcast to, into @out; fails naming both. */
static gboolean
broadcast_pair (FmOpContext    *ctx,
                const FmShape  *a,
                const FmShape  *b,
                FmShape        *out,
                GError        **error)
{
  if (!fm_shape_broadcast (a, b, out))
    {
      g_autofree char *as = fm_shape_to_string (a);
      g_autofree char *bs = fm_shape_to_string (b);

      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("input shapes %s and %s do not broadcast"), as, bs);
    }
  return fm_op_numel (ctx, out, &(gsize) { 0 }, error);
}

static gboolean
is_bool_op (FmOpType op)
{
  return op == FM_OP_And || op == FM_OP_Or || op == FM_OP_Xor;
}

/* Mod's fmod attribute: 0 or 1, and 1 for float inputs. */
static gboolean
mod_read_fmod (FmOpContext  *ctx,
               FmDType       dtype,
               gboolean     *out,
               GError      **error)
{
  gint64 fmod;

  if (!fm_op_attr_int (ctx, "fmod", 0, &fmod, error))
    return FALSE;
  if (fmod != 0 && fmod != 1)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("attribute 'fmod' is %" PRId64 "; only 0 and 1 are defined"),
                       fmod);
  if (fmod == 0 && dtype == FM_DTYPE_FLOAT)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("attribute 'fmod' is 0 but the inputs are float; "
                         "float inputs need fmod 1"));
  *out = fmod == 1;
  return TRUE;
}

static gboolean
logic_binary_prepare (FmOpContext  *ctx,
                      GError      **error)
{
  FmOpType op = ctx->node->op;
  FmValue *a, *b;
  FmLogicParams *p;
  FmShape out;
  gboolean fmod = FALSE;
  gint64 strides[2][FM_MAX_RANK];

  a = fm_op_numeric_x (ctx, 2, 2, error);
  if (a == NULL)
    return FALSE;
  b = fm_op_input (ctx, 1);
  if (b->dtype != a->dtype)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("inputs have different types %s and %s"),
                       fm_dtype_name (a->dtype), fm_dtype_name (b->dtype));
  if (is_bool_op (op) && a->dtype != FM_DTYPE_INT64)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("inputs have type %s; expected BOOL"),
                       fm_dtype_name (a->dtype));
  if (op == FM_OP_Mod && !mod_read_fmod (ctx, a->dtype, &fmod, error))
    return FALSE;
  if (!broadcast_pair (ctx, &a->shape, &b->shape, &out, error))
    return FALSE;

  p = fm_op_new_params (ctx, sizeof *p);
  p->op = op;
  p->dtype = a->dtype;
  p->fmod = fmod;
  fm_broadcast_strides (&a->shape, &out, strides[0]);
  fm_broadcast_strides (&b->shape, &out, strides[1]);
  fm_walk_init (&p->walk, &out, 2, strides);
  fm_op_set_output (ctx, 0, op == FM_OP_Mod ? a->dtype : FM_DTYPE_INT64, &out);
  return TRUE;
}

/* Integer remainder with the sign of the dividend (fmod 1) or of the
 * divisor (fmod 0); 0 for a zero divisor, and for G_MININT64 % -1,
 * which would trap. */
static inline gint64
mod_int64 (gint64   x,
           gint64   y,
           gboolean fmod)
{
  gint64 r;

  if (y == 0 || y == -1)
    return 0;
  r = x % y;
  if (!fmod && r != 0 && (r < 0) != (y < 0))
    r += y;
  return r;
}

/* One row of @n outputs: x = A[i * sa], z = B[i * sb], Y[i] = EXPR. */
#define ROW(TI, TO, EXPR)                                               \
  G_STMT_START                                                          \
  {                                                                     \
    const TI *A = a;                                                    \
    const TI *B = b;                                                    \
    TO *Y = y;                                                          \
    for (gint64 i = 0; i < n; i++)                                      \
      {                                                                 \
        TI x = A[i * sa], z = B[i * sb];                                \
        Y[i] = (EXPR);                                                  \
      }                                                                 \
  }                                                                     \
  G_STMT_END

/* The comparisons, for either input type. */
#define COMPARE_CASES(T)                                                \
      case FM_OP_Equal: ROW (T, gint64, x == z); break;                 \
      case FM_OP_Less: ROW (T, gint64, x < z); break;                   \
      case FM_OP_Greater: ROW (T, gint64, x > z); break;                \
      case FM_OP_LessOrEqual: ROW (T, gint64, x <= z); break;           \
      case FM_OP_GreaterOrEqual: ROW (T, gint64, x >= z); break

/* One row of @n outputs from inputs read at strides @sa and @sb. */
static void
logic_row (const FmLogicParams *p,
           gconstpointer        a,
           gint64               sa,
           gconstpointer        b,
           gint64               sb,
           gpointer             y,
           gint64               n)
{
  gboolean fmod = p->fmod;

  /* C's comparisons are IEEE's: false whenever an operand is NaN. */
  if (p->dtype == FM_DTYPE_FLOAT)
    switch (p->op)
      {
      COMPARE_CASES (float);
      case FM_OP_Mod: ROW (float, float, fmodf (x, z)); break;
      default: break;
      }
  else
    switch (p->op)
      {
      COMPARE_CASES (gint64);
      case FM_OP_And: ROW (gint64, gint64, x != 0 && z != 0); break;
      case FM_OP_Or: ROW (gint64, gint64, x != 0 || z != 0); break;
      case FM_OP_Xor: ROW (gint64, gint64, (x != 0) != (z != 0)); break;
      case FM_OP_Mod: ROW (gint64, gint64, mod_int64 (x, z, fmod)); break;
      default: break;
      }
}

static void
logic_binary_run (const FmNode *node,
                  FmRunCtx     *rc)
{
  const FmLogicParams *p = node->params;
  const FmWalk *w = &p->walk;
  gsize out_size = p->op == FM_OP_Mod ? fm_dtype_size (p->dtype) : sizeof (gint64);
  gsize in_size = fm_dtype_size (p->dtype);
  const guint8 *a = rc->ptrs[node->inputs[0]];
  const guint8 *b = rc->ptrs[node->inputs[1]];
  guint8 *y = rc->ptrs[node->outputs[0]];
  int last = w->rank - 1;
  gint64 n = w->dims[last];
  gint64 idx[FM_MAX_RANK] = { 0 };
  gint64 off[2] = { 0, 0 };

  if (w->numel == 0)
    return;
  do
    {
      logic_row (p, a + off[0] * in_size, w->strides[0][last],
                 b + off[1] * in_size, w->strides[1][last], y, n);
      y += n * out_size;
    }
  while (fm_walk_next (w, idx, off, 2));
}

static const char * const no_attributes[] = { NULL };
static const char * const mod_attributes[] = { "fmod", NULL };

/* One prepare and one run for all: the node's op says which. */
const FmOpInfo fm_op_equal = { "Equal", no_attributes, logic_binary_prepare, logic_binary_run };
const FmOpInfo fm_op_less = { "Less", no_attributes, logic_binary_prepare, logic_binary_run };
const FmOpInfo fm_op_greater = {
  "Greater", no_attributes, logic_binary_prepare, logic_binary_run
};
const FmOpInfo fm_op_less_or_equal = {
  "LessOrEqual", no_attributes, logic_binary_prepare, logic_binary_run
};
const FmOpInfo fm_op_greater_or_equal = {
  "GreaterOrEqual", no_attributes, logic_binary_prepare, logic_binary_run
};
const FmOpInfo fm_op_and = { "And", no_attributes, logic_binary_prepare, logic_binary_run };
const FmOpInfo fm_op_or = { "Or", no_attributes, logic_binary_prepare, logic_binary_run };
const FmOpInfo fm_op_xor = { "Xor", no_attributes, logic_binary_prepare, logic_binary_run };
const FmOpInfo fm_op_mod = { "Mod", mod_attributes, logic_binary_prepare, logic_binary_run };

/* Not */

static gboolean
not_prepare (FmOpContext  *ctx,
             GError      **error)
{
  FmValue *x;

  x = fm_op_numeric_x (ctx, 1, 1, error);
  if (x == NULL)
    return FALSE;
  if (x->dtype != FM_DTYPE_INT64)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("input has type %s; expected BOOL"), fm_dtype_name (x->dtype));
  if (!fm_op_set_copy_params (ctx, &x->shape, FM_DTYPE_INT64, error))
    return FALSE;
  fm_op_set_output (ctx, 0, FM_DTYPE_INT64, &x->shape);
  return TRUE;
}

static void
not_run (const FmNode *node,
         FmRunCtx     *rc)
{
  const FmCopyParams *p = node->params;
  const gint64 *x = FM_IN_I (rc, node, 0);
  gint64 *y = FM_OUT_I (rc, node, 0);
  gsize n = p->nbytes / sizeof (gint64);

  for (gsize i = 0; i < n; i++)
    y[i] = x[i] == 0;
}

const FmOpInfo fm_op_not = { "Not", no_attributes, not_prepare, not_run };

/* Where: three-way broadcasting */

typedef struct
{
  gsize  elem_size;
  int    rank;                        /* >= 1 */
  gint64 dims[FM_MAX_RANK];
  gint64 strides[3][FM_MAX_RANK];     /* condition, X, Y; 0 = broadcast */
  gint64 numel;
} FmWhereParams;

static gboolean
where_prepare (FmOpContext  *ctx,
               GError      **error)
{
  FmValue *c, *x, *y;
  FmWhereParams *p;
  FmShape cx, out;

  if (!fm_op_check_n_inputs (ctx, 3, 3, error) ||
      !fm_op_check_input (ctx, 0, FM_DTYPE_INT64, -1, error) ||
      !fm_op_check_numeric (ctx, 1, &(FmDType) { 0 }, error))
    return FALSE;
  c = fm_op_input (ctx, 0);
  x = fm_op_input (ctx, 1);
  y = fm_op_input (ctx, 2);
  if (y->dtype != x->dtype)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("inputs X and Y have different types %s and %s"),
                       fm_dtype_name (x->dtype), fm_dtype_name (y->dtype));
  if (!broadcast_pair (ctx, &c->shape, &x->shape, &cx, error) ||
      !broadcast_pair (ctx, &cx, &y->shape, &out, error))
    return FALSE;

  p = fm_op_new_params (ctx, sizeof *p);
  p->elem_size = fm_dtype_size (x->dtype);
  fm_broadcast_strides (&c->shape, &out, p->strides[0]);
  fm_broadcast_strides (&x->shape, &out, p->strides[1]);
  fm_broadcast_strides (&y->shape, &out, p->strides[2]);
  p->rank = MAX (out.rank, 1);
  p->numel = 1;
  for (int d = 0; d < p->rank; d++)
    {
      p->dims[d] = out.rank > 0 ? out.dims[d] : 1;
      p->numel *= p->dims[d];
    }
  fm_op_set_output (ctx, 0, x->dtype, &out);
  return TRUE;
}

#define WHERE_ROW(T)                                                    \
  G_STMT_START                                                          \
  {                                                                     \
    const T *X = rc->ptrs[node->inputs[1]];                             \
    const T *Y = rc->ptrs[node->inputs[2]];                             \
    T *O = (T *) out;                                                   \
    for (gint64 i = 0; i < n; i++)                                      \
      O[i] = C[off[0] + i * sc] ? X[off[1] + i * sx] : Y[off[2] + i * sy]; \
  }                                                                     \
  G_STMT_END

static void
where_run (const FmNode *node,
           FmRunCtx     *rc)
{
  const FmWhereParams *p = node->params;
  const gint64 *C = FM_IN_I (rc, node, 0);
  guint8 *out = rc->ptrs[node->outputs[0]];
  int last = p->rank - 1;
  gint64 n = p->dims[last];
  gint64 sc = p->strides[0][last], sx = p->strides[1][last], sy = p->strides[2][last];
  gint64 idx[FM_MAX_RANK] = { 0 };
  gint64 off[3] = { 0, 0, 0 };

  if (p->numel == 0)
    return;
  for (;;)
    {
      int d;

      if (p->elem_size == sizeof (gint64))
        WHERE_ROW (gint64);
      else
        WHERE_ROW (float);
      out += n * p->elem_size;
      /* The odometer over every dim but the last. */
      for (d = last - 1; d >= 0; d--)
        {
          idx[d]++;
          for (int k = 0; k < 3; k++)
            off[k] += p->strides[k][d];
          if (idx[d] < p->dims[d])
            break;
          for (int k = 0; k < 3; k++)
            off[k] -= p->strides[k][d] * p->dims[d];
          idx[d] = 0;
        }
      if (d < 0)
        break;
    }
}

const FmOpInfo fm_op_where = { "Where", no_attributes, where_prepare, where_run };
