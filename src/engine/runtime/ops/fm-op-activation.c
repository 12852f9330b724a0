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
 * (approximate "none", through erff, or "tanh"). Relu, LeakyRelu, Sigmoid,
 * Clip, HardSigmoid and HardSwish have vector kernels (fm-op-simd.h;
 * Sigmoid's e^x within 1 ulp of expf's). Large tensors are split across the
 * run's threads. Integer
 * inputs are refused; Clip's bounds must be known at load. Attribute-free
 * math (Exp, Erf, Sqrt...) lives in fm-op-unary.c.
 */
#include "config.h"

#include <float.h>
#include <math.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"
#include "fm-op-simd.h"

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

/* The activations without a vector kernel: Tanh and those added with
 * the transformer ops, Elu ... Gelu. */
static void
act_range_scalar (const FmActParams *p,
                  const float       *x,
                  float             *y,
                  gsize              n)
{
  float a = p->a, b = p->b;

  switch (p->op)
    {
    case FM_OP_Tanh:
      for (gsize i = 0; i < n; i++)
        y[i] = tanhf (x[i]);
      break;
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

/* e^x for FM_VL lanes, as Cephes' expf: x = n ln 2 + r with |r| <= ln 2 /
 * 2, e^r by a degree-6 polynomial, 2^n put into the exponent. Within 1 ulp
 * of e^x rounded to float (measured on a million x in the range). x is
 * clamped to [-87.34, 88.72] first, so lower x give 1.2e-38 and higher
 * ones about 3.4e38 or inf; NaN gives 1, and the caller handles it. */
static FM_SIMD_INLINE void
vexp (int     lanes,
      FmVecF *v)
{
  const FmVecF zero = { 0 }, hi = zero + 88.7228391f, lo = zero - 87.3365448f;
  FmVecF x = *v, fx, r, p;
  FmVecI n;

  x = FM_VSEL (FM_VCMP (lanes, x, ==, x), x, zero);   /* no NaN into the int conversion */
  x = FM_VSEL (FM_VCMP (lanes, x, >, hi), hi, x);
  x = FM_VSEL (FM_VCMP (lanes, x, <, lo), lo, x);
  /* n = floor (x / ln 2 + 0.5) */
  fx = x * 1.44269504088896341f + 0.5f;
  n = __builtin_convertvector (fx, FmVecI);
  n += FM_VCMP (lanes, __builtin_convertvector (n, FmVecF), >, fx);   /* truncation to floor */
  fx = __builtin_convertvector (n, FmVecF);
  r = x - fx * 0.693359375f;
  r = r - fx * -2.12194440e-4f;
  p = 1.9875691500e-4f * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  /* times 2^n, in two steps so n = 128 does not overflow the exponent */
  *v = p * (FmVecF) (((n >> 1) + 127) << 23) * (FmVecF) (((n - (n >> 1)) + 127) << 23);
}

/* One vector of an activation with a vector kernel (act_has_vector ()),
 * whose attributes a and b are @a and @b in every lane. Each lane
 * computes what the scalar loops did before (NaN handling included),
 * except Sigmoid's e^x (vexp ()). */
static FM_SIMD_INLINE void
act_vector (int           lanes,
            const FmVecF *a,
            const FmVecF *b,
            FmOpType      op,
            FmVecF       *v)
{
  const FmVecF zero = { 0 }, one = zero + 1.0f;
  FmVecF x = *v, t;

  switch (op)
    {
    case FM_OP_Relu:        /* x <= 0 ? 0 : x: NaN kept (as ONNX's and PyTorch's), -0 gives 0;
                             * one compare and an and-not */
      *v = (FmVecF) (~FM_VCMP (lanes, x, <=, zero) & (FmVecI) x);
      break;
    case FM_OP_LeakyRelu:   /* x >= 0 ? x : a x */
      *v = FM_VSEL (FM_VCMP (lanes, x, >=, zero), x, *a * x);
      break;
    case FM_OP_Sigmoid:     /* 1 / (1 + e^-x), NaN kept */
      t = -x;
      vexp (lanes, &t);
      *v = FM_VSEL (FM_VCMP (lanes, x, ==, x), 1.0f / (1.0f + t), x);
      break;
    case FM_OP_Clip:        /* MIN (b, MAX (a, x)) as GLib's macros say */
      t = FM_VSEL (FM_VCMP (lanes, *a, >, x), *a, x);
      *v = FM_VSEL (FM_VCMP (lanes, *b, <, t), *b, t);
      break;
    case FM_OP_HardSigmoid: /* MAX (0, MIN (1, a x + b)) */
      t = *a * x + *b;
      t = FM_VSEL (FM_VCMP (lanes, one, <, t), one, t);
      *v = FM_VSEL (FM_VCMP (lanes, zero, >, t), zero, t);
      break;
    case FM_OP_HardSwish:   /* x MAX (0, MIN (1, x / 6 + 1 / 2)) */
    default:
      t = x / 6.0f + 0.5f;
      t = FM_VSEL (FM_VCMP (lanes, one, <, t), one, t);
      *v = x * FM_VSEL (FM_VCMP (lanes, zero, >, t), zero, t);
      break;
    }
}

/* [0, @n) of @x into @y, whole vectors and then the last few through a
 * vector too, so that every element is computed alike wherever the
 * threads' shares begin. @op is p->op, a constant in each copy. The
 * attributes are spread over a vector once (with AVX2, a scalar times a
 * vector of 16 is 16 scalar products). */
static FM_SIMD_INLINE void
act_vector_loop (int                lanes,
                 const FmActParams *p,
                 FmOpType           op,
                 const float       *x,
                 float             *y,
                 gsize              n)
{
  const FmVecF a = (FmVecF) { 0 } + p->a, b = (FmVecF) { 0 } + p->b;
  FmVecF v = { 0 };
  gsize i = 0;

  for (; i + FM_VL <= n; i += FM_VL)
    {
      fm_vload (&v, x + i);
      act_vector (lanes, &a, &b, op, &v);
      fm_vstore (y + i, &v);
    }
  if (i == n)
    return;
  for (gsize k = 0; k < FM_VL; k++)
    v[k] = i + k < n ? x[i + k] : 0.0f;
  act_vector (lanes, &a, &b, op, &v);
  for (gsize k = 0; i + k < n; k++)
    y[i + k] = v[k];
}

static FM_SIMD_INLINE void
act_vector_range_body (int                lanes,
                       const FmActParams *p,
                       const float       *x,
                       float             *y,
                       gsize              n)
{
  switch (p->op)
    {
    case FM_OP_Relu: act_vector_loop (lanes, p, FM_OP_Relu, x, y, n); break;
    case FM_OP_LeakyRelu: act_vector_loop (lanes, p, FM_OP_LeakyRelu, x, y, n); break;
    case FM_OP_Sigmoid: act_vector_loop (lanes, p, FM_OP_Sigmoid, x, y, n); break;
    case FM_OP_Clip: act_vector_loop (lanes, p, FM_OP_Clip, x, y, n); break;
    case FM_OP_HardSigmoid: act_vector_loop (lanes, p, FM_OP_HardSigmoid, x, y, n); break;
    case FM_OP_HardSwish:
    default: act_vector_loop (lanes, p, FM_OP_HardSwish, x, y, n); break;
    }
}

FM_SIMD_FUNCS_LANES (act_vector_range,
                     (const FmActParams *p, const float *x, float *y, gsize n),
                     (p, x, y, n))

static gboolean
act_has_vector (FmOpType op)
{
  return op == FM_OP_Relu || op == FM_OP_LeakyRelu || op == FM_OP_Sigmoid ||
         op == FM_OP_Clip || op == FM_OP_HardSigmoid || op == FM_OP_HardSwish;
}

/* Elements [begin, end) of one activation. */
static void
act_range (gpointer data,
           gint64   begin,
           gint64   end)
{
  const ActJob *job = data;

  if (act_has_vector (job->p->op))
    act_vector_range (job->p, job->x + begin, job->y + begin, (gsize) (end - begin));
  else
    act_range_scalar (job->p, job->x + begin, job->y + begin, (gsize) (end - begin));
}

/* Split across the run's threads when each share gets enough work
 * (fm_threads_grain ()): memory-bound, except for e^x and the functions
 * of libm. */
static void
act_run (const FmNode *node,
         FmRunCtx     *rc)
{
  const FmActParams *p = node->params;
  ActJob job = { p, FM_IN_F (rc, node, 0), FM_OUT_F (rc, node, 0) };
  double flops = act_has_vector (p->op) ? (p->op == FM_OP_Sigmoid ? 20.0 : 2.0) : 40.0;

  fm_threads_parallel_for (rc->threads, (gint64) p->numel, fm_threads_grain (flops, 8.0),
                           act_range, &job);
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
