/* fm-op-activation.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Element-wise activations on float tensors: Relu, LeakyRelu (alpha 0.01),
 * Sigmoid, Tanh, Clip (min/max as attributes before opset 11, as optional
 * constant inputs from 11), HardSigmoid (alpha 0.2, beta 0.5), HardSwish,
 * Elu (alpha 1), Selu (alpha 1.6732632, gamma 1.0507010), Celu (alpha 1,
 * not 0), ThresholdedRelu (alpha 1), Softplus, Softsign, Mish and Gelu
 * (approximate "none", through erff, or "tanh"); Relu uses AVX2 when the
 * CPU has it. Large tensors are split across the run's threads. Integer
 * inputs are refused; Clip's bounds must be known at load. Attribute-free
 * math (Exp, Erf, Sqrt...) lives in fm-op-unary.c.
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
  FmOpType op;         /* the node's: FM_OP_Relu ... FM_OP_Gelu */
  gsize    numel;
  float    a, b;       /* alpha/beta (Selu: alpha/gamma), or Clip's min/max */
  gboolean tanh;       /* Gelu: approximate = "tanh" */
} FmActParams;

/* Selu's defaults, as the ONNX spec writes them (float32 values of
 * 1.6732632423543772 and 1.0507009873554805). */
#define SELU_ALPHA 1.67326319217681884765625f
#define SELU_GAMMA 1.05070102214813232421875f

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

/* Clip's bounds: attributes before opset 11, optional constant inputs
 * from 11; absent ones leave the float range. */
static gboolean
clip_bounds (FmOpContext  *ctx,
             float        *lo,
             float        *hi,
             GError      **error)
{
  *lo = -FLT_MAX;
  *hi = FLT_MAX;
  if (ctx->node->opset < 11)
    return fm_op_attr_float (ctx, "min", -FLT_MAX, lo, error) &&
           fm_op_attr_float (ctx, "max", FLT_MAX, hi, error);
  if (fm_op_attr (ctx, "min") != NULL || fm_op_attr (ctx, "max") != NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("min and max are inputs from opset 11, not attributes"));
  return clip_bound (ctx, 1, "min", lo, error) &&
         clip_bound (ctx, 2, "max", hi, error);
}

/* Gelu's approximate: "none" (the default) or "tanh". */
static gboolean
gelu_approximate (FmOpContext  *ctx,
                  gboolean     *tanh_out,
                  GError      **error)
{
  const char *approximate;

  if (!fm_op_attr_string (ctx, "approximate", "none", &approximate, error))
    return FALSE;
  if (g_strcmp0 (approximate, "none") != 0 && g_strcmp0 (approximate, "tanh") != 0)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       /* Translators: approximate is an ONNX attribute name, none and
                          tanh its values; not translated. */
                       _("approximate '%s' is not one of none, tanh"), approximate);
  *tanh_out = g_strcmp0 (approximate, "tanh") == 0;
  return TRUE;
}

/* The attributes of the activations that have some (Clip's bounds
 * included): into @a and @b, or @tanh_out for Gelu. */
static gboolean
act_attributes (FmOpContext  *ctx,
                float        *a,
                float        *b,
                gboolean     *tanh_out,
                GError      **error)
{
  switch (ctx->node->op)
    {
    case FM_OP_LeakyRelu:
      return fm_op_attr_float (ctx, "alpha", 0.01f, a, error);
    case FM_OP_HardSigmoid:
      return fm_op_attr_float (ctx, "alpha", 0.2f, a, error) &&
             fm_op_attr_float (ctx, "beta", 0.5f, b, error);
    case FM_OP_Elu:
    case FM_OP_ThresholdedRelu:
      return fm_op_attr_float (ctx, "alpha", 1.0f, a, error);
    case FM_OP_Selu:
      return fm_op_attr_float (ctx, "alpha", SELU_ALPHA, a, error) &&
             fm_op_attr_float (ctx, "gamma", SELU_GAMMA, b, error);
    case FM_OP_Celu:
      if (!fm_op_attr_float (ctx, "alpha", 1.0f, a, error))
        return FALSE;
      if (*a == 0.0f)
        return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                           _("alpha 0 is not supported (Celu divides by it)"));
      return TRUE;
    case FM_OP_Gelu:
      return gelu_approximate (ctx, tanh_out, error);
    case FM_OP_Clip:
      return clip_bounds (ctx, a, b, error);
    default: /* Relu, Sigmoid, Tanh, HardSwish, Softplus, Softsign, Mish */
      return TRUE;
    }
}

static gboolean
act_prepare (FmOpContext  *ctx,
             GError      **error)
{
  FmOpType op = ctx->node->op;
  FmValue *x;
  FmActParams *p;
  float a = 0.0f, b = 0.0f;
  gboolean tanh_approx = FALSE;

  x = fm_op_float_x (ctx, 1, op == FM_OP_Clip ? 3 : 1, -1, error);
  if (x == NULL)
    return FALSE;
  if (!act_attributes (ctx, &a, &b, &tanh_approx, error))
    return FALSE;
  if (op != FM_OP_Clip && ctx->node->n_inputs > 1)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("expected one input"));

  p = fm_op_new_params (ctx, sizeof *p);
  if (!fm_op_numel (ctx, &x->shape, &p->numel, error))
    return FALSE;
  p->op = op;
  p->a = a;
  p->b = b;
  p->tanh = tanh_approx;
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

/* ln (1 + e^x) without overflow for large x. */
static inline float
softplus (float x)
{
  return x > 0.0f ? x + log1pf (expf (-x)) : log1pf (expf (x));
}

/* The activations added with the transformer ops: Elu ... Gelu. */
static void
act_range_more (const FmActParams *p,
                const float       *x,
                float             *y,
                gsize              n)
{
  float a = p->a, b = p->b;

  switch (p->op)
    {
    case FM_OP_Elu:
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] < 0.0f ? a * expm1f (x[i]) : x[i];
      break;
    case FM_OP_Selu: /* b is gamma */
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? b * x[i] : b * (a * expm1f (x[i]));
      break;
    case FM_OP_Celu:
      for (gsize i = 0; i < n; i++)
        y[i] = MAX (0.0f, x[i]) + MIN (0.0f, a * expm1f (x[i] / a));
      break;
    case FM_OP_ThresholdedRelu:
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] > a ? x[i] : 0.0f;
      break;
    case FM_OP_Softplus:
      for (gsize i = 0; i < n; i++)
        y[i] = softplus (x[i]);
      break;
    case FM_OP_Softsign:
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] / (1.0f + fabsf (x[i]));
      break;
    case FM_OP_Mish:
      for (gsize i = 0; i < n; i++)
        y[i] = x[i] * tanhf (softplus (x[i]));
      break;
    case FM_OP_Gelu:
      /* 0.5 x (1 + erf (x / sqrt 2)), or with tanh: 0.5 x (1 + tanh (sqrt
       * (2 / pi) (x + 0.044715 x^3))) */
      if (p->tanh)
        for (gsize i = 0; i < n; i++)
          {
            float u = (float) sqrt (2.0 / G_PI) * (x[i] + 0.044715f * x[i] * x[i] * x[i]);
            y[i] = 0.5f * x[i] * (1.0f + tanhf (u));
          }
      else
        for (gsize i = 0; i < n; i++)
          y[i] = 0.5f * x[i] * (1.0f + erff (x[i] * (float) G_SQRT2 / 2.0f));
      break;
    default:
      break;
    }
}

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
      act_range_more (p, x, y, n);
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
static const char * const selu_attributes[] = { "alpha", "gamma", NULL };
static const char * const gelu_attributes[] = { "approximate", NULL };

/* One prepare and one run for all: the node's op says which. */
const FmOpInfo fm_op_relu = { "Relu", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_leaky_relu = { "LeakyRelu", alpha_attributes, act_prepare, act_run };
const FmOpInfo fm_op_sigmoid = { "Sigmoid", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_tanh = { "Tanh", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_clip = { "Clip", clip_attributes, act_prepare, act_run };
const FmOpInfo fm_op_hard_sigmoid = { "HardSigmoid", alpha_beta_attributes, act_prepare, act_run };
const FmOpInfo fm_op_hard_swish = { "HardSwish", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_elu = { "Elu", alpha_attributes, act_prepare, act_run };
const FmOpInfo fm_op_selu = { "Selu", selu_attributes, act_prepare, act_run };
const FmOpInfo fm_op_celu = { "Celu", alpha_attributes, act_prepare, act_run };
const FmOpInfo fm_op_thresholded_relu = { "ThresholdedRelu", alpha_attributes, act_prepare, act_run };
const FmOpInfo fm_op_softplus = { "Softplus", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_softsign = { "Softsign", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_mish = { "Mish", no_attributes, act_prepare, act_run };
const FmOpInfo fm_op_gelu = { "Gelu", gelu_attributes, act_prepare, act_run };
