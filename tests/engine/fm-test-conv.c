/* fm-test-conv.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fm-test-conv.h"

float
fm_test_rand_float (void)
{
  return (float) g_test_rand_double_range (-1.0, 1.0);
}

float *
fm_test_rand_floats (gsize n)
{
  float *v = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    v[i] = fm_test_rand_float ();
  return v;
}

void
fm_test_conv_buffers_init (FmTestConvBuffers  *t,
                           const FmConvParams *p)
{
  t->nx = p->n * p->c * p->h * p->w;
  t->nw = p->m * (p->c / p->group) * p->kh * p->kw;
  t->ny = p->n * p->m * p->oh * p->ow;
  t->x = fm_test_rand_floats (t->nx);
  t->w = fm_test_rand_floats (t->nw);
  t->b = fm_test_rand_floats (p->m);
  t->y0 = g_new (float, t->ny);
  t->y1 = g_new (float, t->ny);
}

void
fm_test_conv_buffers_clear (FmTestConvBuffers *t)
{
  g_clear_pointer (&t->x, g_free);
  g_clear_pointer (&t->w, g_free);
  g_clear_pointer (&t->b, g_free);
  g_clear_pointer (&t->y0, g_free);
  g_clear_pointer (&t->y1, g_free);
}

char *
fm_test_conv_describe (const FmConvParams *p)
{
  return g_strdup_printf ("n %" G_GINT64_FORMAT " c %" G_GINT64_FORMAT " m %" G_GINT64_FORMAT
                          " group %" G_GINT64_FORMAT " in %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                          " k %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " s %" G_GINT64_FORMAT
                          ",%" G_GINT64_FORMAT " d %" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                          " p %" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                          p->n, p->c, p->m, p->group, p->h, p->w, p->kh, p->kw, p->sh, p->sw,
                          p->dh, p->dw, p->ph, p->pw);
}
