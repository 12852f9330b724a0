/* test-kernels.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The vector kernels of the depthwise-separable networks and of ResNet's
 * 3x3 convs, and how the run's threads share them out: the direct
 * depthwise convolution (3x3 and 5x5 at stride 1 and 2 with their own
 * code, every other geometry through the general one or the plain loops),
 * Winograd's F(2x2, 3x3) (ops/fm-winograd.c: odd sizes, 1xN inputs,
 * pads that differ per side, channel counts that are not a multiple of
 * the vector or GEMM width, batches, ResNet-sized layers that take
 * several passes and both ways of sharing out; each output within 1e-5
 * of its tile's magnitude (the 4x4 input block it is computed from, see
 * winograd_magnitude ()), from
 * the naive fm_conv_reference (); and the Conv op's choice of path through
 * FM_WINOGRAD), the activations with vector code
 * (Relu, LeakyRelu, Sigmoid, Clip, HardSigmoid, HardSwish), Mul with a
 * per-channel broadcast, GlobalAveragePool, MaxPool and AveragePool in 2-D,
 * and BatchNormalization. Expected values come from
 * naive loops written here (in double where the kernels round
 * differently), and from hand computation for one convolution. Every
 * kernel level the CPU has (scalar, AVX2, AVX-512) is tried, and more
 * threads must give bit for bit what one thread gives.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-gemm.h"
#include "fm-tensor.h"
#include "fm-test-conv.h"
#include "fm-test-graph.h"
#include "fm-threads.h"
#include "ops/fm-winograd.h"

/* The levels to try: every one up to what the CPU has. */
static int
n_isas (void)
{
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);   /* capped at what the CPU has */
  return (int) fm_gemm_get_isa () + 1;
}

/* Depthwise convolution */

/* y [n, c, oh, ow] of a depthwise conv (group = c = m): in double, taps
 * in the padding skipped. */
static void
naive_depthwise (const FmConvParams *p,
                 const float        *x,
                 const float        *w,
                 const float        *b,
                 float              *y)
{
  for (gint64 n = 0; n < p->n; n++)
    for (gint64 c = 0; c < p->c; c++)
      for (gint64 oy = 0; oy < p->oh; oy++)
        for (gint64 ox = 0; ox < p->ow; ox++)
          {
            double acc = p->has_bias ? b[c] : 0.0;

            for (gint64 ky = 0; ky < p->kh; ky++)
              for (gint64 kx = 0; kx < p->kw; kx++)
                {
                  gint64 iy = oy * p->sh - p->ph + ky * p->dh;
                  gint64 ix = ox * p->sw - p->pw + kx * p->dw;

                  if (iy >= 0 && iy < p->h && ix >= 0 && ix < p->w)
                    acc += (double) x[((n * p->c + c) * p->h + iy) * p->w + ix] *
                           w[(c * p->kh + ky) * p->kw + kx];
                }
            y[((n * p->c + c) * p->oh + oy) * p->ow + ox] = (float) acc;
          }
}

/* A conv kernel under test: y of @p on the x, w and b of @t, over
 * @pool. */
typedef void (*ConvKernel) (const FmConvParams      *p,
                            const FmTestConvBuffers *t,
                            float                   *y,
                            FmThreads               *pool);

/* The direct paths, weights packed at each call. */
static void
kernel_direct (const FmConvParams      *p,
               const FmTestConvBuffers *t,
               float                   *y,
               FmThreads               *pool)
{
  gpointer scratch = fm_aligned_alloc0 (MAX (fm_conv_scratch_size (p), 64));

  fm_conv_fast_full (p, t->x, t->w, NULL, t->b, y, scratch, pool);
  fm_aligned_free (scratch);
}

/* Winograd, weights transformed at each call. */
static void
kernel_winograd (const FmConvParams      *p,
                 const FmTestConvBuffers *t,
                 float                   *y,
                 FmThreads               *pool)
{
  g_autoptr(FmWinograd) wg = fm_winograd_new (p, t->w);
  gpointer scratch = fm_aligned_alloc0 (fm_winograd_get_scratch_size (wg));

  fm_winograd_run (wg, t->x, t->b, y, scratch, pool);
  fm_aligned_free (scratch);
}

/* Runs @kernel on @t's buffers for @p (finished) at every level with 1,
 * 2 and 3 threads: each output within @bound of @want, every output
 * written, and the same bits whatever the threads. */
static void
check_kernel (const FmConvParams *p,
              ConvKernel          kernel,
              FmTestConvBuffers  *t,
              const float        *want,
              const float        *bound,
              FmThreads          *pools[4])
{
  g_autofree float *one = g_new (float, t->ny);

  for (int isa = 0; isa < n_isas (); isa++)
    {
      fm_gemm_set_isa (isa);
      for (int threads = 1; threads <= 3; threads++)
        {
          for (gsize i = 0; i < t->ny; i++)
            t->y1[i] = NAN;
          kernel (p, t, t->y1, pools[threads]);
          for (gsize i = 0; i < t->ny; i++)
            if (!(fabsf (want[i] - t->y1[i]) <= bound[i]))
              {
                g_autofree char *conv = fm_test_conv_describe (p);

                g_error ("isa %d threads %d: %s: y[%" G_GSIZE_FORMAT "] = %.9g, expected %.9g",
                         isa, threads, conv, i, t->y1[i], want[i]);
              }
          if (threads == 1)
            memcpy (one, t->y1, t->ny * sizeof (float));
          else if (memcmp (one, t->y1, t->ny * sizeof (float)) != 0)
            {
              g_autofree char *conv = fm_test_conv_describe (p);

              g_error ("isa %d: %s: %d threads differ from one", isa, conv, threads);
            }
        }
    }
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);
}

/* The depthwise conv of @p: within 1e-4 of the naive loops. */
static void
check_depthwise (const FmConvParams *p,
                 FmThreads          *pools[4])
{
  g_auto(FmTestConvBuffers) t = { 0 };
  g_autofree float *bound = NULL;

  fm_test_conv_buffers_init (&t, p);
  bound = g_new (float, t.ny);
  for (gsize i = 0; i < t.ny; i++)
    bound[i] = 1e-4f;
  naive_depthwise (p, t.x, t.w, t.b, t.y0);
  check_kernel (p, kernel_direct, &t, t.y0, bound, pools);
}

/* Error allowed per unit of magnitude: the transforms add a few roundings
 * to the sum's; this is about 100 float epsilons. */
#define WINOGRAD_REL_BOUND 1e-5f

/* The magnitude Winograd's rounding scales with at each output: its 2x2
 * tile is computed from the 4x4 input block at (2 ty - ph, 2 tx - pw) of
 * every channel, all 16 values mixed by the input transform and all 9
 * weights by the weight transform, so it is the sum over channels of
 * (sum of |x| over that block) x (sum of |w| of the kernel), plus |b|.
 * It is at least the output's own sum of |x * w| over its taps. */
static void
winograd_magnitude (const FmConvParams      *p,
                    const FmTestConvBuffers *t,
                    float                   *mag)
{
  for (gint64 n = 0; n < p->n; n++)
    for (gint64 m = 0; m < p->m; m++)
      for (gint64 oy = 0; oy < p->oh; oy++)
        for (gint64 ox = 0; ox < p->ow; ox++)
          {
            double sum = fabsf (t->b[m]);

            for (gint64 c = 0; c < p->c; c++)
              {
                double xs = 0.0, ws = 0.0;

                for (gint64 dy = 0; dy < 4; dy++)
                  for (gint64 dx = 0; dx < 4; dx++)
                    {
                      gint64 iy = oy / 2 * 2 - p->ph + dy, ix = ox / 2 * 2 - p->pw + dx;

                      if (iy >= 0 && iy < p->h && ix >= 0 && ix < p->w)
                        xs += fabsf (t->x[((n * p->c + c) * p->h + iy) * p->w + ix]);
                    }
                for (gint64 k = 0; k < 9; k++)
                  ws += fabsf (t->w[(m * p->c + c) * 9 + k]);
                sum += xs * ws;
              }
            mag[((n * p->m + m) * p->oh + oy) * p->ow + ox] = (float) sum;
          }
}

/* The Winograd conv of @p (finished): each output within
 * WINOGRAD_REL_BOUND of its tile's magnitude (winograd_magnitude ()) from
 * fm_conv_reference (). */
static void
check_winograd (const FmConvParams *p,
                FmThreads          *pools[4])
{
  g_auto(FmTestConvBuffers) t = { 0 };
  g_autofree float *bound = NULL;

  g_assert_true (fm_winograd_fits (p));
  fm_test_conv_buffers_init (&t, p);
  bound = g_new (float, t.ny);
  winograd_magnitude (p, &t, bound);
  for (gsize i = 0; i < t.ny; i++)
    bound[i] *= WINOGRAD_REL_BOUND;
  fm_conv_reference (p, t.x, t.w, t.b, t.y0);
  check_kernel (p, kernel_winograd, &t, t.y0, bound, pools);
}

static void
pools_new (FmThreads *pools[4])
{
  for (guint n = 0; n < 4; n++)
    pools[n] = fm_threads_new (n);
}

static void
pools_free (FmThreads *pools[4])
{
  for (guint n = 0; n < 4; n++)
    fm_threads_free (pools[n]);
}

/* Runs @kernel on @p (finished) and the x, w and b of @t at every level,
 * one thread: y must be @want to the bit. */
static void
check_hand (const FmConvParams      *p,
            ConvKernel               kernel,
            const FmTestConvBuffers *t,
            const float             *want,
            gsize                    n_want)
{
  g_autofree float *y = g_new (float, n_want);

  g_assert_cmpint (p->n * p->m * p->oh * p->ow, ==, n_want);
  for (int isa = 0; isa < n_isas (); isa++)
    {
      fm_gemm_set_isa (isa);
      kernel (p, t, y, NULL);
      g_assert_cmpmem (y, n_want * sizeof (float), want, n_want * sizeof (float));
    }
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);
}

/* A 3x3 kernel of ones with bias 0.5 over two channels of a 4x3 input
 * of ones, pads 1 at every side: each output counts the input pixels
 * under the kernel, so the corners see 2 x 2 = 4, the other border
 * pixels 2 x 3 = 6 and the inner ones 9. At stride 2 the outputs are
 * rows 0 and 2, columns 0 and 2 of those. */
static void
test_depthwise_hand (void)
{
  static const float want1[] = {
    4.5f, 6.5f, 4.5f,
    6.5f, 9.5f, 6.5f,
    6.5f, 9.5f, 6.5f,
    4.5f, 6.5f, 4.5f,
    4.5f, 6.5f, 4.5f,
    6.5f, 9.5f, 6.5f,
    6.5f, 9.5f, 6.5f,
    4.5f, 6.5f, 4.5f,
  };
  static const float want2[] = {
    4.5f, 4.5f,
    6.5f, 6.5f,
    4.5f, 4.5f,
    6.5f, 6.5f,
  };
  float x[24], w[18], b[2] = { 0.5f, 0.5f };
  FmTestConvBuffers t = { .x = x, .w = w, .b = b };   /* not owned */

  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = 1.0f;
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    w[i] = 1.0f;
  for (int stride = 1; stride <= 2; stride++)
    {
      FmConvParams p = { .n = 1, .c = 2, .h = 4, .w = 3, .m = 2, .group = 2, .kh = 3, .kw = 3,
                         .sh = stride, .sw = stride, .dh = 1, .dw = 1, .ph = 1, .pw = 1,
                         .has_bias = TRUE };

      g_assert_true (fm_conv_params_finish (&p, 1, 1));
      if (stride == 1)
        check_hand (&p, kernel_direct, &t, want1, G_N_ELEMENTS (want1));
      else
        check_hand (&p, kernel_direct, &t, want2, G_N_ELEMENTS (want2));
    }
}

/* The random geometries of the tests. */
typedef enum
{
  RANDOM_DEPTHWISE_SPECIALISED,
  RANDOM_DEPTHWISE_GENERAL,
  RANDOM_WINOGRAD,
} RandomKind;

/* A random geometry of @kind. Depthwise, specialised: one of the four
 * with their own code (3x3 and 5x5, stride 1 and 2, by @iter), pads 0 to
 * 3 at either end, on odd and even sizes from 1 to 37, which makes rows
 * of less than one vector, of whole vectors and of a few vectors and a
 * tail, and bands of fewer rows than computed together. Depthwise,
 * general: any other, kernels from 1x1 to 7x4, strides 1 to 3 and
 * dilations 1 and 2, apart in height and width. Winograd: 3x3 at stride
 * 1 on sizes 1 to 40 (so rows of less than one vector of tiles, of one,
 * and of one and a bit, which overlaps the last chunk), every sixth one
 * column wide, pads 0 to 2 at each of the four sides, 1 to 40 channels
 * in and out. Batches of 1 or 2, with and without bias. FALSE if the
 * output would be empty. */
static gboolean
random_conv (RandomKind    kind,
             int           iter,
             FmConvParams *p)
{
  gboolean depthwise = kind != RANDOM_WINOGRAD;
  gint64 pads = depthwise ? 4 : 3, sizes = depthwise ? 38 : 41;
  gint64 peh = g_test_rand_int_range (0, pads), pew = g_test_rand_int_range (0, pads);

  memset (p, 0, sizeof *p);
  p->n = g_test_rand_int_range (1, 3);
  if (depthwise)
    p->c = p->m = p->group = g_test_rand_int_range (2, 9);
  else
    {
      p->c = g_test_rand_int_range (1, 41);
      p->m = g_test_rand_int_range (1, 41);
      p->group = 1;
    }
  if (kind == RANDOM_DEPTHWISE_SPECIALISED)
    {
      p->kh = p->kw = iter % 2 == 0 ? 3 : 5;
      p->sh = p->sw = iter % 4 < 2 ? 1 : 2;
      p->dh = p->dw = 1;
    }
  else if (kind == RANDOM_DEPTHWISE_GENERAL)
    {
      p->kh = g_test_rand_int_range (1, 8);
      p->kw = g_test_rand_int_range (1, 5);
      p->sh = g_test_rand_int_range (1, 4);
      p->sw = g_test_rand_int_range (1, 4);
      p->dh = g_test_rand_int_range (1, 3);
      p->dw = g_test_rand_int_range (1, 3);
    }
  else
    {
      p->kh = p->kw = 3;
      p->sh = p->sw = p->dh = p->dw = 1;
    }
  p->h = g_test_rand_int_range (1, sizes);
  p->w = !depthwise && iter % 6 == 0 ? 1 : g_test_rand_int_range (1, sizes);
  p->ph = g_test_rand_int_range (0, pads);
  p->pw = g_test_rand_int_range (0, pads);
  p->has_bias = g_test_rand_bit ();
  return fm_conv_params_finish (p, peh, pew);
}

/* Random geometries of the kind @data (a RandomKind), each checked by
 * its kernel's check; enough of them must have an output. */
static void
test_random (gconstpointer data)
{
  RandomKind kind = GPOINTER_TO_INT (data);
  int n_iter = kind == RANDOM_WINOGRAD ? 60 : 160;
  FmThreads *pools[4];
  int n_checked = 0;

  pools_new (pools);
  for (int iter = 0; iter < n_iter; iter++)
    {
      FmConvParams p;

      if (!random_conv (kind, iter, &p))
        continue;
      if (kind == RANDOM_WINOGRAD)
        check_winograd (&p, pools);
      else
        check_depthwise (&p, pools);
      n_checked++;
    }
  pools_free (pools);
  g_test_message ("%d convs checked", n_checked);
  g_assert_cmpint (n_checked, >, n_iter * 3 / 8);
}

/* Planes large enough to be split across the threads and to take
 * several bands of rows (a 3x3 at stride 1 on 250 columns holds 31 rows
 * in the band buffer); one too wide for the band buffer (plain loops);
 * and a kernel of more taps than the vector path takes. */
static void
test_depthwise_large (void)
{
  static const gint64 geometry[][5] = {
    /* c, h, w, k, s */
    { 64, 56, 56, 3, 1 },
    { 48, 57, 57, 3, 2 },
    { 40, 29, 29, 5, 1 },
    { 40, 29, 29, 5, 2 },
    { 6, 120, 250, 3, 1 },
    { 6, 100, 250, 5, 2 },
    { 3, 4, 3000, 3, 1 },
    { 4, 20, 20, 9, 1 },
  };
  FmThreads *pools[4];

  pools_new (pools);
  for (guint i = 0; i < G_N_ELEMENTS (geometry); i++)
    {
      const gint64 *g = geometry[i];
      FmConvParams p = { .n = 1, .c = g[0], .m = g[0], .group = g[0], .h = g[1], .w = g[2],
                         .kh = g[3], .kw = g[3], .sh = g[4], .sw = g[4], .dh = 1, .dw = 1,
                         .ph = g[3] / 2, .pw = g[3] / 2, .has_bias = TRUE };

      g_assert_true (fm_conv_params_finish (&p, g[3] / 2, g[3] / 2));
      check_depthwise (&p, pools);
    }
  pools_free (pools);
}

/* Winograd's F(2x2, 3x3) */

/* One channel x[i][j] = 4 i + j + 1 of a 4x4 input, no pads, so a 2x2
 * output, one tile. Output channel 0 has the kernel [1 0 0; 0 1 0;
 * 0 0 -1] and bias 0.5: x[oy][ox] + x[oy+1][ox+1] - x[oy+2][ox+2] =
 * (4 oy + ox + 1) + (4 oy + ox + 6) - (4 oy + ox + 11) = 4 oy + ox - 4,
 * plus 0.5. Output channel 1 has a kernel of ones and bias -1: nine times
 * the centre, 9 (4 oy + ox + 6), minus 1. Then two channels of a 4x3
 * input of ones, a kernel of ones and pads 1: twice the count of the
 * depthwise case, plus 0.5; the odd width leaves the last tile of each
 * row half outside. All of it is exact in floats (the transforms only
 * halve and quarter small integers). */
static void
test_winograd_hand (void)
{
  static const float want1[] = {
    -3.5f, -2.5f,
    0.5f, 1.5f,
    53.0f, 62.0f,
    89.0f, 98.0f,
  };
  static const float want2[] = {
    8.5f, 12.5f, 8.5f,
    12.5f, 18.5f, 12.5f,
    12.5f, 18.5f, 12.5f,
    8.5f, 12.5f, 8.5f,
  };
  float x1[16], w1[18] = { 1, 0, 0, 0, 1, 0, 0, 0, -1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  float x2[24], w2[18], b1[2] = { 0.5f, -1.0f }, b2[1] = { 0.5f };
  FmTestConvBuffers t1 = { .x = x1, .w = w1, .b = b1 };   /* not owned */
  FmTestConvBuffers t2 = { .x = x2, .w = w2, .b = b2 };
  FmConvParams p1 = { .n = 1, .c = 1, .h = 4, .w = 4, .m = 2, .group = 1, .kh = 3, .kw = 3,
                      .sh = 1, .sw = 1, .dh = 1, .dw = 1, .has_bias = TRUE };
  FmConvParams p2 = p1;

  for (guint i = 0; i < G_N_ELEMENTS (x1); i++)
    x1[i] = (float) (i + 1);
  for (guint i = 0; i < G_N_ELEMENTS (x2); i++)
    x2[i] = 1.0f;
  for (guint i = 0; i < G_N_ELEMENTS (w2); i++)
    w2[i] = 1.0f;
  g_assert_true (fm_conv_params_finish (&p1, 0, 0));
  check_hand (&p1, kernel_winograd, &t1, want1, G_N_ELEMENTS (want1));
  p2.c = 2;
  p2.w = 3;
  p2.m = 1;
  p2.ph = p2.pw = 1;
  g_assert_true (fm_conv_params_finish (&p2, 1, 1));
  check_hand (&p2, kernel_winograd, &t2, want2, G_N_ELEMENTS (want2));
}

/* Layers of ResNet's size: several passes of tile rows, shares of tile
 * rows (wide images) and shares of channels (small ones), more channels
 * than the GEMM's K block; one with pads 0. */
static void
test_winograd_large (void)
{
  static const gint64 geometry[][4] = {
    /* c, m, h = w, pad */
    { 64, 64, 56, 1 },
    { 40, 72, 57, 1 },
    { 256, 24, 14, 1 },
    { 520, 16, 7, 1 },
    { 33, 35, 30, 0 },
  };
  FmThreads *pools[4];

  pools_new (pools);
  for (guint i = 0; i < G_N_ELEMENTS (geometry); i++)
    {
      const gint64 *g = geometry[i];
      FmConvParams p = { .n = 1, .c = g[0], .m = g[1], .h = g[2], .w = g[2], .group = 1,
                         .kh = 3, .kw = 3, .sh = 1, .sw = 1, .dh = 1, .dw = 1,
                         .ph = g[3], .pw = g[3], .has_bias = TRUE };

      g_assert_true (fm_conv_params_finish (&p, g[3], g[3]));
      check_winograd (&p, pools);
    }
  pools_free (pools);
}

/* Which convs take the path, and FM_WINOGRAD's say. */
static void
test_winograd_choice (void)
{
  FmConvParams p = { .n = 1, .c = 64, .m = 64, .h = 56, .w = 56, .group = 1, .kh = 3, .kw = 3,
                     .sh = 1, .sw = 1, .dh = 1, .dw = 1, .ph = 1, .pw = 1 };
  FmConvParams q, out[4];

  g_assert_true (fm_conv_params_finish (&p, 1, 1));
  g_unsetenv ("FM_WINOGRAD");
  g_assert_true (fm_winograd_pays (&p));
  /* each of these alone takes p out of the path's reach */
  for (guint i = 0; i < G_N_ELEMENTS (out); i++)
    out[i] = p;
  out[0].sh = 2;
  out[1].dw = 2;
  out[2].kw = 5;
  out[3].group = 2;
  for (guint i = 0; i < G_N_ELEMENTS (out); i++)
    g_assert_false (fm_winograd_fits (&out[i]));
  /* too few channels to pay; MNIST's 32 channels at 14x14, too little
   * work; at 56x56, enough */
  q = p;
  q.c = 3;
  g_assert_true (fm_winograd_fits (&q));
  g_assert_false (fm_winograd_pays (&q));
  out[0] = p;
  out[0].c = out[0].m = 32;
  g_assert_true (fm_winograd_pays (&out[0]));
  out[0].h = out[0].w = 14;
  g_assert_true (fm_conv_params_finish (&out[0], 1, 1));
  g_assert_false (fm_winograd_pays (&out[0]));
  /* ResNet's 256 channels at 14x14 pay; 512 at 7x7 would grow the
   * weights by 73 times the output */
  out[0].c = out[0].m = 256;
  g_assert_true (fm_winograd_pays (&out[0]));
  out[0].c = out[0].m = 512;
  out[0].h = out[0].w = 7;
  g_assert_true (fm_conv_params_finish (&out[0], 1, 1));
  g_assert_false (fm_winograd_pays (&out[0]));

  g_setenv ("FM_WINOGRAD", "all", TRUE);
  g_assert_true (fm_winograd_pays (&q));
  q.group = 3;
  g_assert_false (fm_winograd_pays (&q));
  g_setenv ("FM_WINOGRAD", "0", TRUE);
  g_assert_false (fm_winograd_pays (&p));
  g_unsetenv ("FM_WINOGRAD");
}

/* A Conv node with constant weights runs through either path, as
 * FM_WINOGRAD says when the model loads, with 1 and 2 threads, within
 * 1e-5 of the reference (outputs of at most 45 taps of [-1, 1]). */
static void
test_winograd_graph (void)
{
  FmConvParams p = { .n = 1, .c = 5, .h = 9, .w = 11, .m = 6, .group = 1, .kh = 3, .kw = 3,
                     .sh = 1, .sw = 1, .dh = 1, .dw = 1, .ph = 1, .pw = 1, .has_bias = TRUE };
  const char *modes[] = { "0", "all" };
  g_auto(FmTestConvBuffers) t = { 0 };

  g_assert_true (fm_conv_params_finish (&p, 1, 1));
  fm_test_conv_buffers_init (&t, &p);
  fm_conv_reference (&p, t.x, t.w, t.b, t.y0);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
      g_autoptr(FmModel) model = NULL;
      FmOnnxNode *node;

      fm_test_graph_float (g, "w", FM_DIMS (6, 5, 3, 3), t.w);
      fm_test_graph_float (g, "b", FM_DIMS (6), t.b);
      node = fm_test_graph_one_node (g, "Conv", "x,w,b", FM_DIMS (1, 5, 9, 11));
      fm_test_node_ints (node, "pads", 4, (const gint64[]) { 1, 1, 1, 1 });
      g_setenv ("FM_WINOGRAD", modes[i], TRUE);
      model = fm_test_graph_build_ok (g);
      g_unsetenv ("FM_WINOGRAD");
      for (guint threads = 1; threads <= 2; threads++)
        {
          gsize n_out = 0;
          g_autofree float *y = fm_test_run_threads (model, FM_INPUTS (t.x), "y", threads,
                                                     &n_out, NULL);

          g_assert_nonnull (y);
          g_assert_cmpuint (n_out, ==, t.ny);
          for (gsize j = 0; j < t.ny; j++)
            g_assert_cmpfloat_with_epsilon (y[j], t.y0[j], 1e-5);
        }
    }
}

/* Activations */

typedef struct
{
  const char *op;
  float       alpha, beta;   /* LeakyRelu's alpha; Clip's min and max; HardSigmoid's */
} Activation;

/* What @a computes for @x, in double where the kernel's FMA may round
 * differently (HardSigmoid) or e^x is approximated (Sigmoid); the others
 * are the same float operations as the ONNX spec's formula. */
static double
activation_want (const Activation *a,
                 float             x)
{
  float t;

  if (g_str_equal (a->op, "Relu"))   /* NaN kept: np.clip (x, 0, inf) */
    return isnan (x) ? x : x > 0.0f ? x : 0.0f;
  if (g_str_equal (a->op, "LeakyRelu"))
    return x >= 0.0f ? x : a->alpha * x;
  if (g_str_equal (a->op, "Sigmoid"))
    return 1.0 / (1.0 + exp (-(double) x));
  if (g_str_equal (a->op, "Clip"))
    return isnan (x) ? x : x < a->alpha ? a->alpha : x > a->beta ? a->beta : x;
  if (g_str_equal (a->op, "HardSigmoid"))
    {
      double d = (double) a->alpha * x + a->beta;

      return isnan (d) ? d : d < 0.0 ? 0.0 : d > 1.0 ? 1.0 : d;
    }
  /* HardSwish */
  t = x / 6.0f + 0.5f;
  return x * (isnan (t) ? t : t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t);
}

/* Each activation with a vector kernel on 100,003 values (whole vectors
 * and a tail) from -100 to 100, with NaN, the infinities and signed
 * zeros among them, at every level and 1 to 3 threads: NaN where the
 * formula gives NaN, within 1e-6 relative of the formula (and 1e-30
 * absolute, for Sigmoid's tiny values at -inf; 1e-7 for HardSigmoid),
 * and the same bits whatever the threads. */
static void
test_activations (void)
{
  static const Activation acts[] = {
    { "Relu", 0, 0 },
    { "LeakyRelu", 0.1f, 0 },
    { "Sigmoid", 0, 0 },
    { "Clip", -0.5f, 6.0f },
    { "HardSigmoid", 0.2f, 0.5f },
    { "HardSwish", 0, 0 },
  };
  const gsize n = 100003;
  g_autofree float *x = g_new (float, n);
  const float *inputs[1] = { x };

  for (gsize i = 0; i < n; i++)
    x[i] = (float) (-100.0 + 200.0 * i / (n - 1));
  x[5] = NAN;
  x[17] = INFINITY;
  x[18] = -INFINITY;
  x[40] = 0.0f;
  x[41] = -0.0f;
  x[n - 2] = NAN;     /* in the tail */
  for (guint a = 0; a < G_N_ELEMENTS (acts); a++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
      g_autoptr(FmModel) m = NULL;
      FmOnnxNode *node;
      /* HardSigmoid's a x + b cancels near 0: rounded once (FMA) or twice */
      double atol = g_str_equal (acts[a].op, "HardSigmoid") ? 1e-7 : 1e-30;

      fm_test_graph_input (g, "x", FM_DIMS (1, (gint64) n));
      if (g_str_equal (acts[a].op, "Clip"))
        {
          fm_test_graph_float (g, "lo", FM_DIMS (1), &acts[a].alpha);
          fm_test_graph_float (g, "hi", FM_DIMS (1), &acts[a].beta);
          fm_test_graph_node (g, "Clip", "x,lo,hi", "y");
        }
      else
        {
          node = fm_test_graph_node (g, acts[a].op, "x", "y");
          if (g_str_equal (acts[a].op, "LeakyRelu"))
            fm_test_node_float (node, "alpha", acts[a].alpha);
          if (g_str_equal (acts[a].op, "HardSigmoid"))
            {
              fm_test_node_float (node, "alpha", acts[a].alpha);
              fm_test_node_float (node, "beta", acts[a].beta);
            }
        }
      fm_test_graph_output (g, "y");
      m = fm_test_graph_build_ok (g);
      for (int isa = 0; isa < n_isas (); isa++)
        {
          g_autofree float *one = NULL;

          fm_gemm_set_isa (isa);
          for (guint threads = 1; threads <= 3; threads++)
            {
              GError *error = NULL;
              gsize n_y;
              g_autofree float *y = fm_test_run_threads (m, inputs, "y", threads, &n_y, &error);

              g_assert_no_error (error);
              g_assert_cmpuint (n_y, ==, n);
              for (gsize i = 0; i < n; i++)
                {
                  double want = activation_want (&acts[a], x[i]);

                  if (isnan (want) ? isnan (y[i])
                                   : (y[i] == want ||
                                      fabs (y[i] - want) <= atol + 1e-6 * fabs (want)))
                    continue;
                  g_error ("%s, isa %d, threads %u: x = %.9g gives %.9g, want %.9g",
                           acts[a].op, isa, threads, x[i], y[i], want);
                }
              if (threads == 1)
                one = g_steal_pointer (&y);
              else
                g_assert_cmpmem (y, n * sizeof (float), one, n * sizeof (float));
            }
        }
    }
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);
}

/* Mul of x [1, C, H, W] by a per-channel s [1, C, 1, 1] (a
 * squeeze-and-excitation block's scale) and GlobalAveragePool of x, large
 * enough for the threads to share them: the product bit for bit as one
 * float multiplication, the mean as the naive sum in double, in order,
 * divided by H W, and the same with 1 to 3 threads. */
static void
test_mul_broadcast_and_global_pool (void)
{
  enum { C = 96, HW = 56 * 56 };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  g_autofree float *x = g_new (float, C * HW);
  g_autofree float *s = g_new (float, C);
  const float *inputs[2] = { x, s };

  for (gsize i = 0; i < C * HW; i++)
    x[i] = fm_test_rand_float ();
  for (gsize c = 0; c < C; c++)
    s[c] = fm_test_rand_float ();
  fm_test_graph_input (g, "x", FM_DIMS (1, C, 56, 56));
  fm_test_graph_input (g, "s", FM_DIMS (1, C, 1, 1));
  fm_test_graph_node (g, "Mul", "x,s", "y");
  fm_test_graph_node (g, "GlobalAveragePool", "x", "mean");
  fm_test_graph_output (g, "y");
  fm_test_graph_output (g, "mean");
  m = fm_test_graph_build_ok (g);
  for (guint threads = 1; threads <= 3; threads++)
    {
      GError *error = NULL;
      gsize n_y, n_mean;
      g_autofree float *y = fm_test_run_threads (m, inputs, "y", threads, &n_y, &error);
      g_autofree float *mean = NULL;

      g_assert_no_error (error);
      mean = fm_test_run_threads (m, inputs, "mean", threads, &n_mean, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n_y, ==, C * HW);
      g_assert_cmpuint (n_mean, ==, C);
      for (gsize c = 0; c < C; c++)
        {
          double acc = 0.0;

          for (gsize i = 0; i < HW; i++)
            {
              float want = x[c * HW + i] * s[c];

              g_assert_cmpmem (&y[c * HW + i], sizeof (float), &want, sizeof want);
              acc += x[c * HW + i];
            }
          g_assert_cmpfloat (mean[c], ==, (float) (acc / HW));
        }
    }
}

/* BatchNormalization of [2, 64, 40, 40], shared out by channel: within
 * 1e-5 of the formula in double (x - mean) / sqrt (var + epsilon) * scale
 * + B, and the same bits with 1 to 3 threads. */
static void
test_batch_norm_threads (void)
{
  enum { N = 2, C = 64, HW = 40 * 40 };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (15);
  g_autoptr(FmModel) m = NULL;
  g_autofree float *x = g_new (float, N * C * HW);
  g_autofree float *one = NULL;
  float scale[C], shift[C], mean[C], var[C];
  const float *inputs[1] = { x };

  for (gsize i = 0; i < N * C * HW; i++)
    x[i] = fm_test_rand_float ();
  for (gsize c = 0; c < C; c++)
    {
      scale[c] = fm_test_rand_float ();
      shift[c] = fm_test_rand_float ();
      mean[c] = fm_test_rand_float ();
      var[c] = fm_test_rand_float () + 1.5f;
    }
  fm_test_graph_batch_norm_params (g, FM_DIMS (C), scale, shift, mean, var);
  fm_test_graph_one_node (g, "BatchNormalization", "x,scale,shift,mean,var",
                          FM_DIMS (N, C, 40, 40));
  m = fm_test_graph_build_ok (g);
  for (guint threads = 1; threads <= 3; threads++)
    {
      GError *error = NULL;
      gsize n_y;
      g_autofree float *y = fm_test_run_threads (m, inputs, "y", threads, &n_y, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (n_y, ==, N * C * HW);
      for (gsize i = 0; i < n_y; i++)
        {
          gsize c = i / HW % C;
          double want = (x[i] - (double) mean[c]) / sqrt (var[c] + 1e-5) * scale[c] + shift[c];

          g_assert_cmpfloat_with_epsilon (y[i], want, 1e-5);
        }
      if (threads == 1)
        one = g_steal_pointer (&y);
      else
        g_assert_cmpmem (y, n_y * sizeof (float), one, n_y * sizeof (float));
    }
}

/* The grain: one item when an item is work enough, more the less each
 * is worth, never fewer than one. */
static void
test_grain (void)
{
  g_assert_cmpint (fm_threads_grain (1e9, 0.0), ==, 1);
  g_assert_cmpint (fm_threads_grain (0.0, 1e9), ==, 1);
  g_assert_cmpint (fm_threads_grain (1.0, 8.0), >, fm_threads_grain (100.0, 8.0));
  g_assert_cmpint (fm_threads_grain (100.0, 8.0), >, 1);
  g_assert_cmpint (fm_threads_grain (0.0, 0.0), >=, 1);
}

/* MaxPool and AveragePool: rows of outputs whose windows all land on the
 * input go FM_VL at a time with strides 1 and 2 (the last vector of a row
 * overlapping the one before), the others one by one. Each geometry
 * against the definition, computed here in the window's row-major order:
 * the max as numpy's (a NaN wins and stays; of equal values, +0 and -0,
 * the later), to the bit, so that the two paths cannot differ even in a
 * zero's sign; the mean of the taps on the input (with count_include_pad,
 * over those inside the padded extent) in double, within 1e-6. Every
 * kernel level and 1 to 3 threads. */
typedef struct
{
  gint64 h, w, k, s, dh, dw;
  gint64 pad_top, pad_left, pad_bottom, pad_right;
  gboolean ceil_mode, include_pad, one_d;
} PoolCase;

static void
naive_pool (const PoolCase *pc,
            gboolean        is_max,
            gint64          planes,
            gint64          oh,
            gint64          ow,
            const float    *x,
            float          *y)
{
  gint64 kh = pc->one_d ? 1 : pc->k;

  for (gint64 pl = 0; pl < planes; pl++)
    for (gint64 oy = 0; oy < oh; oy++)
      for (gint64 ox = 0; ox < ow; ox++)
        {
          float max = -INFINITY;
          double sum = 0.0;
          gint64 count = 0, padded = 0;

          for (gint64 ky = 0; ky < kh; ky++)
            for (gint64 kx = 0; kx < pc->k; kx++)
              {
                gint64 iy = oy * pc->s - pc->pad_top + ky * pc->dh;
                gint64 ix = ox * pc->s - pc->pad_left + kx * pc->dw;
                float v;

                if (iy < pc->h + pc->pad_bottom && ix < pc->w + pc->pad_right)
                  padded++;
                if (iy < 0 || iy >= pc->h || ix < 0 || ix >= pc->w)
                  continue;
                v = x[(pl * pc->h + iy) * pc->w + ix];
                max = max > v || isnan (max) ? max : v;
                sum += v;
                count++;
              }
          if (count == 0)
            y[(pl * oh + oy) * ow + ox] = 0.0f;
          else if (is_max)
            y[(pl * oh + oy) * ow + ox] = max;
          else
            y[(pl * oh + oy) * ow + ox] =
              (float) (sum / (double) (pc->include_pad ? padded : count));
        }
}

/* Outputs along one axis of @in values, window @k dilated @d, stride @s,
 * pads @begin and @end. */
static gint64
pool_out (gint64   in,
          gint64   k,
          gint64   d,
          gint64   s,
          gint64   begin,
          gint64   end,
          gboolean ceil_mode)
{
  gint64 span = in + begin + end - (k - 1) * d - 1;
  gint64 out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;

  if (ceil_mode && (out - 1) * s >= in + begin)
    out--;   /* ONNX drops a last window that starts in the end padding */
  return out;
}

static void
check_pool (const PoolCase *pc,
            gboolean        is_max,
            const float    *x)
{
  enum { PLANES = 3 };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  FmOnnxNode *node;
  gint64 oh = pc->one_d ? 1 : pool_out (pc->h, pc->k, pc->dh, pc->s, pc->pad_top,
                                        pc->pad_bottom, pc->ceil_mode);
  gint64 ow = pool_out (pc->w, pc->k, pc->dw, pc->s, pc->pad_left, pc->pad_right,
                        pc->ceil_mode);
  gint64 n = PLANES * oh * ow;
  g_autofree float *want = g_new (float, n);

  naive_pool (pc, is_max, PLANES, oh, ow, x, want);
  if (pc->one_d)
    {
      node = fm_test_graph_one_node (g, is_max ? "MaxPool" : "AveragePool", "x",
                                     FM_DIMS (1, PLANES, pc->w));
      fm_test_node_ints (node, "kernel_shape", 1, (gint64[]) { pc->k });
      fm_test_node_ints (node, "strides", 1, (gint64[]) { pc->s });
      fm_test_node_ints (node, "pads", 2, (gint64[]) { pc->pad_left, pc->pad_right });
    }
  else
    {
      node = fm_test_graph_one_node (g, is_max ? "MaxPool" : "AveragePool", "x",
                                     FM_DIMS (1, PLANES, pc->h, pc->w));
      fm_test_node_ints (node, "kernel_shape", 2, (gint64[]) { pc->k, pc->k });
      fm_test_node_ints (node, "strides", 2, (gint64[]) { pc->s, pc->s });
      fm_test_node_ints (node, "pads", 4, (gint64[]) { pc->pad_top, pc->pad_left,
                                                       pc->pad_bottom, pc->pad_right });
      if (pc->dh != 1 || pc->dw != 1)
        fm_test_node_ints (node, "dilations", 2, (gint64[]) { pc->dh, pc->dw });
    }
  fm_test_node_int (node, "ceil_mode", pc->ceil_mode);
  if (!is_max)
    fm_test_node_int (node, "count_include_pad", pc->include_pad);
  m = fm_test_graph_build_ok (g);
  for (int isa = 0; isa < n_isas (); isa++)
    for (guint threads = 1; threads <= 3; threads++)
      {
        GError *error = NULL;
        gsize n_y;
        g_autofree float *y = NULL;

        fm_gemm_set_isa ((FmGemmIsa) isa);
        y = fm_test_run_threads (m, FM_INPUTS (x), "y", threads, &n_y, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (n_y, ==, n);
        for (gint64 i = 0; i < n; i++)
          if (is_max)
            g_assert_cmpmem (&y[i], sizeof (float), &want[i], sizeof (float));
          else if (isnan (want[i]))
            g_assert_true (isnan (y[i]));
          else
            g_assert_cmpfloat_with_epsilon (y[i], want[i], 1e-6 * (1.0 + fabsf (want[i])));
      }
}

static void
test_pools (void)
{
  static const PoolCase cases[] = {
    /* h, w, k, s, dh, dw, pads top left bottom right, ceil, include_pad, 1-D */
    { 112, 112, 3, 2, 1, 1, 1, 1, 1, 1, FALSE, FALSE, FALSE },   /* ResNet's stem */
    { 40, 70, 3, 2, 1, 1, 1, 1, 1, 1, FALSE, FALSE, FALSE },     /* two vectors, an overlap */
    { 9, 37, 3, 1, 1, 1, 1, 1, 1, 1, FALSE, TRUE, FALSE },
    { 8, 33, 2, 2, 1, 1, 0, 0, 0, 0, FALSE, FALSE, FALSE },      /* 2x2 stride 2 */
    { 11, 50, 5, 2, 1, 1, 2, 2, 2, 2, TRUE, TRUE, FALSE },
    { 6, 16, 3, 1, 1, 1, 0, 0, 0, 0, FALSE, FALSE, FALSE },      /* interior 14: no vector */
    { 7, 48, 4, 1, 1, 1, 3, 3, 3, 3, TRUE, FALSE, FALSE },       /* windows wider than the pads */
    { 12, 45, 3, 1, 2, 1, 2, 1, 2, 1, FALSE, FALSE, FALSE },     /* rows dilated */
    { 10, 41, 3, 2, 1, 2, 1, 1, 1, 1, FALSE, FALSE, FALSE },     /* columns dilated: no vector */
    { 9, 40, 4, 2, 1, 1, 1, 1, 2, 2, FALSE, TRUE, FALSE },       /* as SAME_UPPER pads */
    { 1, 75, 3, 2, 1, 1, 0, 1, 0, 1, FALSE, FALSE, TRUE },       /* 1-D */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const PoolCase *pc = &cases[i];
      gint64 n = 3 * pc->h * pc->w;
      g_autofree float *x = fm_test_rand_floats (n);

      /* ties of +0 and -0, and a NaN in each plane */
      for (gint64 j = 0; j < n; j += 7)
        x[j] = j % 2 ? -0.0f : 0.0f;
      for (gint64 j = 3; j < n; j += 11)
        x[j] = -fabsf (x[j]);   /* windows whose max is a zero */
      for (gint64 pl = 0; pl < 3; pl++)
        x[pl * pc->h * pc->w + (pl * 13 + 5) % (pc->h * pc->w)] = NAN;
      check_pool (pc, TRUE, x);
      check_pool (pc, FALSE, x);
    }
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/kernels/depthwise/hand", test_depthwise_hand);
  g_test_add_data_func ("/engine/kernels/depthwise/specialised",
                        GINT_TO_POINTER (RANDOM_DEPTHWISE_SPECIALISED), test_random);
  g_test_add_data_func ("/engine/kernels/depthwise/general",
                        GINT_TO_POINTER (RANDOM_DEPTHWISE_GENERAL), test_random);
  g_test_add_func ("/engine/kernels/depthwise/large", test_depthwise_large);
  g_test_add_func ("/engine/kernels/activations", test_activations);
  g_test_add_func ("/engine/kernels/mul-broadcast-global-pool",
                   test_mul_broadcast_and_global_pool);
  g_test_add_func ("/engine/kernels/batch-norm-threads", test_batch_norm_threads);
  g_test_add_func ("/engine/kernels/pools", test_pools);
  g_test_add_func ("/engine/kernels/grain", test_grain);
  g_test_add_func ("/engine/kernels/winograd/hand", test_winograd_hand);
  g_test_add_data_func ("/engine/kernels/winograd/random", GINT_TO_POINTER (RANDOM_WINOGRAD),
                        test_random);
  g_test_add_func ("/engine/kernels/winograd/large", test_winograd_large);
  g_test_add_func ("/engine/kernels/winograd/choice", test_winograd_choice);
  g_test_add_func ("/engine/kernels/winograd/graph", test_winograd_graph);
  return g_test_run ();
}
