/* fm-op-activation.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Element-wise activations on float tensors: Relu, LeakyRelu (alpha 0.01),
 * Sigmoid, Tanh, Clip (min/max as attributes before opset 11, as optional
 * constant inputs from 11), HardSigmoid (alpha 0.2, beta 0.5) and
 * HardSwish; Relu uses AVX2 when the CPU has it. Large tensors are split
 * across the run's threads. Integer inputs are
 * refused; Clip's bounds must be known at load.
 */
#include "config.h"

#include <float.h>
#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define FM_ACT_X86 1
#endif

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

typedef struct
{
  FmOpType op;         /* the node's: FM_OP_Relu ... FM_OP_HardSwish */
  gsize    numel;
  float    a, b;       /* alpha/beta, or Clip's min/max */
} FmActParams;

static gboolean
clip_bound (FmOpContext  *ctx,
            guint         i,
            const char   *what,
            float        *out,
            GError      **error)
{
  const FmConstTensor *t;

  if (fm_op_input (ctx, i) == NULL)
    return TRUE;
  t = fm_op_const_input (ctx, i, FM_DTYPE_FLOAT, what, error);
  if (t == NULL)
    return FALSE;
  if (t->numel != 1)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       /* Translators: an input name (“min” or “max”, not translated) and its
                          element count. */
                       _("%s must be a scalar, it has %zu elements"),
                       what, t->numel);
  *out = ((const float *) t->data)[0];
  return TRUE;
}

static gboolean
act_prepare (FmOpContext  *ctx,
             GError      **error)
{
  FmOpType op = ctx->node->op;
  FmValue *x;
  FmActParams *p;
  float a = 0.0f, b = 0.0f;

  x = fm_op_float_x (ctx, 1, op == FM_OP_Clip ? 3 : 1, -1, error);
  if (x == NULL)
    return FALSE;
  switch (op)
    {
    case FM_OP_LeakyRelu:
      if (!fm_op_attr_float (ctx, "alpha", 0.01f, &a, error))
        return FALSE;
      break;
    case FM_OP_HardSigmoid:
      if (!fm_op_attr_float (ctx, "alpha", 0.2f, &a, error) ||
          !fm_op_attr_float (ctx, "beta", 0.5f, &b, error))
        return FALSE;
      break;
    case FM_OP_Clip:
      a = -FLT_MAX;
      b = FLT_MAX;
      if (ctx->node->opset < 11)
        {
          if (!fm_op_attr_float (ctx, "min", -FLT_MAX, &a, error) ||
              !fm_op_attr_float (ctx, "max", FLT_MAX, &b, error))
            return FALSE;
        }
      else
        {
          if (fm_op_attr (ctx, "min") != NULL || fm_op_attr (ctx, "max") != NULL)
            return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                               _("min and max are inputs from opset 11, not attributes"));
          if (!clip_bound (ctx, 1, "min", &a, error) ||
              !clip_bound (ctx, 2, "max", &b, error))
            return FALSE;
        }
      break;
    default: /* Relu, Sigmoid, Tanh, HardSwish */
      break;
    }
  if (op != FM_OP_Clip && ctx->node->n_inputs > 1)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("expected one input"));

  p = fm_op_new_params (ctx, sizeof *p);
  if (!fm_op_numel (ctx, &x->shape, &p->numel, error))
    return FALSE;
  p->op = op;
  p->a = a;
  p->b = b;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &x->shape);
  return TRUE;
}

#ifdef FM_ACT_X86
/* x > 0 ? x : 0, like the scalar loop (NaN gives 0): max_ps (x, 0)
 * returns its second operand when either is NaN. */
__attribute__ ((target ("avx2")))
static void
relu_avx2 (const float *x,
           float       *y,
           gsize        n)
{
  __m256 z = _mm256_setzero_ps ();
  gsize i = 0;

  for (; i + 32 <= n; i += 32)
    {
      _mm256_storeu_ps (y + i, _mm256_max_ps (_mm256_loadu_ps (x + i), z));
      _mm256_storeu_ps (y + i + 8, _mm256_max_ps (_mm256_loadu_ps (x + i + 8), z));
      _mm256_storeu_ps (y + i + 16, _mm256_max_ps (_mm256_loadu_ps (x + i + 16), z));
      _mm256_storeu_ps (y + i + 24, _mm256_max_ps (_mm256_loadu_ps (x + i + 24), z));
    }
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps (y + i, _mm256_max_ps (_mm256_loadu_ps (x + i), z));
  for (; i < n; i++)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
#endif

typedef struct
{
  const FmActParams *p;
  const float       *x;
  float             *y;
} ActJob;

/* Elements [begin, end) of one activation. */
static void
act_range (gpointer data,
           gint64   begin,
           gint64   end)
{
  const ActJob *job = data;
  const FmActParams *p = job->p;
  const float *x = job->x + begin;
  float *y = job->y + begin;
  gsize n = (gsize) (end - begin);
  float a = p->a, b = p->b;

  switch (p->op)
    {
    case FM_OP_Relu:
#ifdef FM_ACT_X86
      if (__builtin_cpu_supports ("avx2"))
        {
          relu_avx2 (x, y, n);
          break;
        }
#endif
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
    case FM_OP_LeakyRelu:
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] >= 0.0f ? x[i] : a * x[i];
      break;
    case FM_OP_Sigmoid:
      for (gsize i = 0; i < n; i++)
        y[i] = 1.0f / (1.0f + expf (-x[i]));
      break;
    case FM_OP_Tanh:
      for (gsize i = 0; i < n; i++)
        y[i] = tanhf (x[i]);
      break;
    case FM_OP_Clip:
      /* max wins when min > max, as the spec and numpy.clip say */
      for (gsize i = 0; i < n; i++)
        y[i] = MIN (b, MAX (a, x[i]));
      break;
    case FM_OP_HardSigmoid:
      for (gsize i = 0; i < n; i++)
        y[i] = MAX (0.0f, MIN (1.0f, a * x[i] + b));
      break;
    case FM_OP_HardSwish:
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] * MAX (0.0f, MIN (1.0f, x[i] / 6.0f + 0.5f));
      break;
    default:
      break;
    }
}

/* Split across the run's threads above 64k elements (a Relu of 64k floats
 * takes about as long as waking a thread). */
static void
act_run (const FmNode *node,
         FmRunCtx     *rc)
{
  const FmActParams *p = node->params;
  ActJob job = { p, FM_IN_F (rc, node, 0), FM_OUT_F (rc, node, 0) };

  fm_threads_parallel_for (rc->threads, (gint64) p->numel, 32768, act_range, &job);
}

static const char * const no_attributes[] = { NULL };
static const char * const alpha_attributes[] = { "alpha", NULL };
static const char * const alpha_beta_attributes[] = { "alpha", "beta", NULL };
static const char * const clip_attributes[] = { "min", "max", NULL };

/* One prepare and one run for all: the node's op says which. */
const FmOpInfo fm_op_relu = { "Relu", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_leaky_relu = { "LeakyRelu", alpha_attributes, act_prepare, act_run };
const FmOpInfo fm_op_sigmoid = { "Sigmoid", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_tanh = { "Tanh", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_clip = { "Clip", clip_attributes, act_prepare, act_run };
const FmOpInfo fm_op_hard_sigmoid = { "HardSigmoid", alpha_beta_attributes, act_prepare, act_run };
const FmOpInfo fm_op_hard_swish = { "HardSwish", no_attributes, act_prepare, act_run };
