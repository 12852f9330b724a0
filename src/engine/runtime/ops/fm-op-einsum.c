/* fm-op-einsum.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Einsum on one or two float operands, for the equations PyTorch emits:
 * batched products ("bij,bjk->bik", "bhid,bhjd->bhij"), inner products
 * ("bi,bi->b"), transposes ("ij->ji") and sums ("ij->i"); the output may
 * be implicit (no "->": the letters used once, in alphabetical order).
 * Each output element is a sum over the letters the output lacks, split
 * across the run's threads. Refused, naming the equation: ellipses ("..."),
 * a letter repeated within one operand (diagonals), more than two
 * operands, and integer operands.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

#define EINSUM_MAX_LETTERS (2 * FM_MAX_RANK)

typedef struct
{
  int    n_in;
  int    n_out, n_sum;                       /* output letters first, then summed */
  gint64 dims[EINSUM_MAX_LETTERS];
  gint64 strides[2][EINSUM_MAX_LETTERS];     /* per operand, 0 when absent */
  gint64 out_numel, sum_numel;
} FmEinsumParams;

/* The equation without spaces, split into operand terms and the output
 * term (NULL when implicit). */
typedef struct
{
  char *terms[3];
  int   n_terms;
  char *out;
} EinsumEq;

static gboolean
einsum_refuse (FmOpContext  *ctx,
               const char   *equation,
               const char   *why,
               GError      **error)
{
  return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                     /* Translators: the Einsum equation as written in the model, then the
                        reason, which is another, separately translated message. */
                     _("equation '%s' is not supported: %s"), equation, why);
}

/* Splits @s (spaces removed) into @eq; letters only. */
static gboolean
einsum_split (FmOpContext  *ctx,
              const char   *equation,
              char         *s,
              EinsumEq     *eq,
              GError      **error)
{
  char *arrow = strstr (s, "->");
  char *lhs = s;

  if (strstr (s, ".") != NULL)
    return einsum_refuse (ctx, equation, _("ellipses (...) are not supported"), error);
  if (arrow != NULL)
    {
      *arrow = '\0';
      eq->out = arrow + 2;
    }
  eq->n_terms = 0;
  for (char *t = lhs;; t++)
    {
      char *comma = strchr (t, ',');

      if (eq->n_terms == 2)
        return einsum_refuse (ctx, equation, _("only one or two operands are supported"),
                              error);
      eq->terms[eq->n_terms++] = t;
      if (comma == NULL)
        break;
      *comma = '\0';
      t = comma;
    }
  for (int i = 0; i <= eq->n_terms; i++)
    {
      const char *t = i < eq->n_terms ? eq->terms[i] : eq->out;

      for (const char *c = t; c != NULL && *c != '\0'; c++)
        {
          if (!g_ascii_isalpha (*c))
            return einsum_refuse (ctx, equation, _("it has a character that is not a letter"),
                                  error);
          if (strchr (c + 1, *c) != NULL)
            return einsum_refuse (ctx, equation,
                                  _("a letter repeats within one term (a diagonal)"), error);
        }
    }
  return TRUE;
}

/* The output term of implicit mode: letters used once, sorted. */
static void
einsum_implicit_out (const EinsumEq *eq,
                     char           *out)
{
  int count[128] = { 0 };
  int n = 0;

  for (int i = 0; i < eq->n_terms; i++)
    for (const char *c = eq->terms[i]; *c != '\0'; c++)
      count[(guchar) *c]++;
  for (int c = 0; c < 128; c++)
    if (count[c] == 1)
      out[n++] = (char) c;
  out[n] = '\0';
}

/* Adds letter @c to @p (as an output letter when @is_out) with the dims
 * and strides of the operands; FALSE when the operands disagree. */
static gboolean
einsum_add_letter (FmEinsumParams       *p,
                   const EinsumEq       *eq,
                   FmValue * const      *in,
                   char                  c,
                   int                   slot)
{
  p->dims[slot] = -1;
  for (int k = 0; k < eq->n_terms; k++)
    {
      const char *at = strchr (eq->terms[k], c);
      gint64 strides[FM_MAX_RANK];
      int d;

      p->strides[k][slot] = 0;
      if (at == NULL)
        continue;
      d = (int) (at - eq->terms[k]);
      fm_shape_strides (&in[k]->shape, strides);
      if (p->dims[slot] >= 0 && p->dims[slot] != in[k]->shape.dims[d])
        return FALSE;
      p->dims[slot] = in[k]->shape.dims[d];
      /* A dim of 1 may be read at stride 0, as broadcasting does. */
      p->strides[k][slot] = p->dims[slot] == 1 ? 0 : strides[d];
    }
  return p->dims[slot] >= 0;
}

static char *
strip_spaces (const char *equation)
{
  char *s = g_strdup (equation), *w = s;

  for (const char *r = equation; *r != '\0'; r++)
    if (*r != ' ')
      *w++ = *r;
  *w = '\0';
  return s;
}

static gboolean
einsum_prepare (FmOpContext  *ctx,
                GError      **error)
{
  const char *equation;
  g_autofree char *s = NULL;
  char implicit[EINSUM_MAX_LETTERS * 2 + 1];
  EinsumEq eq = { { NULL }, 0, NULL };
  FmValue *in[2] = { NULL, NULL };
  FmEinsumParams *p;
  FmShape out = { 0, { 0 } };
  gsize sum_numel = 1;
  int n = 0;

  if (!fm_op_attr_string (ctx, "equation", NULL, &equation, error))
    return FALSE;
  if (equation == NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("attribute 'equation' is required"));
  s = strip_spaces (equation);
  if (!einsum_split (ctx, equation, s, &eq, error))
    return FALSE;
  if (!fm_op_check_n_inputs (ctx, eq.n_terms, eq.n_terms, error))
    return FALSE;
  for (int k = 0; k < eq.n_terms; k++)
    {
      if (!fm_op_check_input (ctx, k, FM_DTYPE_FLOAT, (int) strlen (eq.terms[k]), error))
        return FALSE;
      in[k] = fm_op_input (ctx, k);
    }
  if (eq.out == NULL)
    {
      einsum_implicit_out (&eq, implicit);
      eq.out = implicit;
    }
  if (strlen (eq.out) > FM_MAX_RANK)
    return einsum_refuse (ctx, equation, _("the output has too many letters"), error);

  p = fm_op_new_params (ctx, sizeof *p);
  p->n_in = eq.n_terms;
  /* Output letters, then the letters of the operands the output lacks. */
  for (const char *c = eq.out; *c != '\0'; c++, n++)
    {
      if (!einsum_add_letter (p, &eq, in, *c, n))
        return einsum_refuse (ctx, equation,
                              _("an output letter is missing from the operands, or its "
                                "sizes differ"), error);
      out.dims[out.rank++] = p->dims[n];
    }
  p->n_out = n;
  for (int k = 0; k < eq.n_terms; k++)
    for (const char *c = eq.terms[k]; *c != '\0'; c++)
      {
        gboolean seen = strchr (eq.out, *c) != NULL;

        for (int j = 0; j < k && !seen; j++)
          seen = strchr (eq.terms[j], *c) != NULL;
        if (seen)
          continue;
        if (!einsum_add_letter (p, &eq, in, *c, n++))
          return einsum_refuse (ctx, equation, _("the sizes of a letter differ"), error);
      }
  p->n_sum = n - p->n_out;
  for (int i = p->n_out; i < n; i++)
    if (!g_size_checked_mul (&sum_numel, sum_numel, p->dims[i]) || sum_numel > G_MAXINT64 / 2)
      return fm_op_fail (ctx, error, FM_ERROR_LIMIT, _("the summed dims are too large"));
  p->sum_numel = (gint64) sum_numel;
  if (!fm_op_numel (ctx, &out, &sum_numel, error))
    return FALSE;
  p->out_numel = (gint64) sum_numel;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

typedef struct
{
  const FmEinsumParams *p;
  const float          *a, *b;
  float                *y;
} EinsumJob;

/* Advances the odometer @idx over letters @first to @last (the last
 * fastest) and the operand offsets with it; FALSE when it wraps. */
static inline gboolean
einsum_next (const FmEinsumParams *p,
             gint64               *idx,
             int                   first,
             int                   last,
             gint64               *oa,
             gint64               *ob)
{
  for (int d = last; d >= first; d--)
    {
      idx[d]++;
      *oa += p->strides[0][d];
      *ob += p->strides[1][d];
      if (idx[d] < p->dims[d])
        return TRUE;
      *oa -= p->strides[0][d] * p->dims[d];
      *ob -= p->strides[1][d] * p->dims[d];
      idx[d] = 0;
    }
  return FALSE;
}

/* The sum of one output element whose operand offsets are @oa, @ob. */
static float
einsum_sum (const EinsumJob *job,
            gint64           oa,
            gint64           ob)
{
  const FmEinsumParams *p = job->p;
  int first = p->n_out, last = p->n_out + p->n_sum - 1;
  gint64 idx[EINSUM_MAX_LETTERS] = { 0 };
  gint64 n, sa, sb;
  float acc = 0.0f;

  if (p->sum_numel == 0)
    return 0.0f;
  if (p->n_sum == 0)
    return job->b != NULL ? job->a[oa] * job->b[ob] : job->a[oa];
  n = p->dims[last];
  sa = p->strides[0][last];
  sb = p->strides[1][last];
  do
    {
      if (job->b != NULL)
        for (gint64 i = 0; i < n; i++)
          acc += job->a[oa + i * sa] * job->b[ob + i * sb];
      else
        for (gint64 i = 0; i < n; i++)
          acc += job->a[oa + i * sa];
    }
  while (einsum_next (p, idx, first, last - 1, &oa, &ob));
  return acc;
}

/* Output elements [begin, end). */
static void
einsum_range (gpointer data,
              gint64   begin,
              gint64   end)
{
  const EinsumJob *job = data;
  const FmEinsumParams *p = job->p;
  gint64 idx[EINSUM_MAX_LETTERS], oa = 0, ob = 0, rest = begin;

  for (int d = p->n_out - 1; d >= 0; d--)
    {
      idx[d] = rest % p->dims[d];
      rest /= p->dims[d];
      oa += idx[d] * p->strides[0][d];
      ob += idx[d] * p->strides[1][d];
    }
  for (gint64 i = begin; i < end; i++)
    {
      job->y[i] = einsum_sum (job, oa, ob);
      einsum_next (p, idx, 0, p->n_out - 1, &oa, &ob);
    }
}

static void
einsum_run (const FmNode *node,
            FmRunCtx     *rc)
{
  const FmEinsumParams *p = node->params;
  EinsumJob job = {
    p, FM_IN_F (rc, node, 0), p->n_in == 2 ? FM_IN_F (rc, node, 1) : NULL,
    FM_OUT_F (rc, node, 0)
  };
  /* About 32k multiply-adds per piece. */
  gint64 grain = MAX (1, 32768 / MAX (p->sum_numel, 1));

  if (p->out_numel == 0)
    return;
  fm_threads_parallel_for (rc->threads, p->out_numel, grain, einsum_range, &job);
}

static const char * const einsum_attributes[] = { "equation", NULL };

const FmOpInfo fm_op_einsum = { "Einsum", einsum_attributes, einsum_prepare, einsum_run };
