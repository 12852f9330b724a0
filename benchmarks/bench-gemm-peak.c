/* bench-gemm-peak.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The peak single-precision multiply-add rate of one core, to set what a
 * model reaches (`feature-maps bench` prints its GFLOP/s) against. Two
 * figures, on this thread only:
 *
 *   - kernel: fm_gemm_packed () (fm-gemm.c's microkernel, whichever ISA
 *     fm_gemm_get_isa () picked) on a product small enough that the packed
 *     A [32, 96], B [96, 48] and C [32, 48] stay in L1 (37 KB), called
 *     over and over: the kernel's inner loop with its loads, at the rate
 *     the core gives it;
 *   - fma: the same FMA pattern with nothing but registers, as many
 *     independent accumulators as the kernel's tile holds (24 zmm under
 *     AVX-512, 12 ymm under AVX2), no loads or stores: the core's own
 *     ceiling. It replicates the kernel's FMAs rather than calling it;
 *     x86 only.
 *
 * Each figure is the best and the median of 7 samples of about 0.2 s: the
 * best is the machine's limit when something else shares the core. It
 * prints text, or one JSON object with --json. It is built with the
 * program, never installed and not a test; build-aux/bench-peers.sh runs
 * it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BENCH_X86 1
#endif

#include <glib.h>

#include "fm-gemm.h"

#define SAMPLES    7
#define SAMPLE_S   0.2

/* The kernel's product: 4 row panels by one 48-column tile, one K block. */
#define KERNEL_M   32
#define KERNEL_N   48
#define KERNEL_K   96

typedef double (*Work) (gpointer data, gint64 reps);   /* returns flops done */

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* GFLOP/s of @work: *best and *median over SAMPLES samples, each of as many
 * repetitions as fill about SAMPLE_S seconds. */
static void
measure (Work      work,
         gpointer  data,
         double   *best,
         double   *median)
{
  double rates[SAMPLES];
  gint64 reps = 1;

  /* Grow the repetitions until one call lasts a tenth of a sample. */
  for (;;)
    {
      double t0 = now_s ();

      work (data, reps);
      if (now_s () - t0 >= SAMPLE_S / 10)
        break;
      reps *= 2;
    }
  reps *= 10;
  for (int i = 0; i < SAMPLES; i++)
    {
      double t0 = now_s ();
      double flops = work (data, reps);

      rates[i] = flops / (now_s () - t0) / 1e9;
    }
  qsort (rates, SAMPLES, sizeof (double), compare_doubles);
  *best = rates[SAMPLES - 1];
  *median = rates[SAMPLES / 2];
}

/* Kernel */

typedef struct
{
  FmGemmPacked g;
  float        sink;
} KernelData;

static double
kernel_work (gpointer data,
             gint64   reps)
{
  KernelData *d = data;

  for (gint64 r = 0; r < reps; r++)
    {
      fm_gemm_packed (&d->g, NULL);
      d->sink += d->g.c[r % (KERNEL_M * KERNEL_N)];
    }
  return 2.0 * KERNEL_M * KERNEL_N * KERNEL_K * (double) reps;
}

static void
kernel_data_init (KernelData *d)
{
  static float a[KERNEL_M * KERNEL_K];           /* [M, K] */
  static float ap[KERNEL_M * KERNEL_K] __attribute__ ((aligned (64)));
  static float b[KERNEL_K * KERNEL_N] __attribute__ ((aligned (64)));   /* [K, N] */
  static float c[KERNEL_M * KERNEL_N] __attribute__ ((aligned (64)));   /* [M, N] */
  static gint64 boff[KERNEL_K];

  g_assert (fm_gemm_packed_a_size (KERNEL_M, KERNEL_K) == G_N_ELEMENTS (ap));
  /* Small values, so sums stay far from overflow and denormals. */
  for (guint i = 0; i < G_N_ELEMENTS (a); i++)
    a[i] = (float) (i % 7) * 0.01f;
  for (guint i = 0; i < G_N_ELEMENTS (b); i++)
    b[i] = (float) (i % 5) * 0.01f;
  for (guint kk = 0; kk < KERNEL_K; kk++)
    boff[kk] = kk * KERNEL_N;
  fm_gemm_pack_a (KERNEL_M, KERNEL_K, a, KERNEL_K, FALSE, ap);
  *d = (KernelData) {
    .g = { .m = KERNEL_M, .n = KERNEL_N, .k = KERNEL_K, .ap = ap, .b = b, .boff = boff,
           .alpha = 1.0f, .accumulate = FALSE, .bias = NULL, .c = c, .ldc = KERNEL_N },
  };
}

/* FMA chain */

#ifdef BENCH_X86

/* @acc accumulators of @lanes floats, each r = r * a + b, which converges
 * to b / (1 - a) = 1; the kernel's tile: 8 x 3 zmm, or 4 x 3 ymm. */
#define CHAIN_BODY(vec, set1, fmadd, add, store, lanes, acc)             \
  vec r[acc], va = set1 (0.5f), vb = set1 (0.5f);                         \
  float out[lanes];                                                       \
                                                                          \
  _Pragma ("GCC unroll 24")                                                \
  for (int i = 0; i < (acc); i++)                                         \
    r[i] = set1 ((float) i);                                              \
  for (gint64 it = 0; it < reps; it++)                                    \
    _Pragma ("GCC unroll 24")                                             \
    for (int i = 0; i < (acc); i++)                                       \
      r[i] = fmadd (r[i], va, vb);                                        \
  for (int i = 1; i < (acc); i++)                                         \
    r[0] = add (r[0], r[i]);                                              \
  store (out, r[0]);                                                      \
  *(float *) data += out[0];                                              \
  return 2.0 * (lanes) * (acc) * (double) reps;

static __attribute__ ((target ("avx512f"))) double
chain_avx512 (gpointer data,
              gint64   reps)
{
  CHAIN_BODY (__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_storeu_ps, 16, 24)
}

static __attribute__ ((target ("avx2,fma"))) double
chain_avx2 (gpointer data,
            gint64   reps)
{
  CHAIN_BODY (__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, _mm256_storeu_ps, 8, 12)
}

#endif /* BENCH_X86 */

static const char *
isa_name (FmGemmIsa isa)
{
  switch (isa)
    {
    case FM_GEMM_ISA_AVX512:
      return "avx512";
    case FM_GEMM_ISA_AVX2:
      return "avx2";
    case FM_GEMM_ISA_SCALAR:
    default:
      return "scalar";
    }
}

int
main (int    argc,
      char **argv)
{
  gboolean json = argc > 1 && strcmp (argv[1], "--json") == 0;
  FmGemmIsa isa = fm_gemm_get_isa ();
  KernelData kd;
  Work chain = NULL;
  float chain_sink = 0.0f;
  double kernel_best, kernel_median, chain_best = 0.0, chain_median = 0.0;

  if (argc > 2 || (argc == 2 && !json))
    {
      fprintf (stderr, "usage: %s [--json]\n", argv[0]);
      return 2;
    }
  kernel_data_init (&kd);
  measure (kernel_work, &kd, &kernel_best, &kernel_median);
#ifdef BENCH_X86
  if (isa == FM_GEMM_ISA_AVX512)
    chain = chain_avx512;
  else if (isa == FM_GEMM_ISA_AVX2)
    chain = chain_avx2;
#endif
  if (chain != NULL)
    measure (chain, &chain_sink, &chain_best, &chain_median);

  if (json)
    {
      printf ("{\"isa\": \"%s\", \"kernel_gflops\": %.2f, \"kernel_median_gflops\": %.2f",
              isa_name (isa), kernel_best, kernel_median);
      if (chain != NULL)
        printf (", \"fma_gflops\": %.2f, \"fma_median_gflops\": %.2f", chain_best, chain_median);
      printf ("}\n");
    }
  else
    {
      printf ("isa     %s\n", isa_name (isa));
      printf ("kernel  %.1f GFLOP/s (median %.1f): fm_gemm_packed %dx%dx%d, in L1, one thread\n",
              kernel_best, kernel_median, KERNEL_M, KERNEL_N, KERNEL_K);
      if (chain != NULL)
        printf ("fma     %.1f GFLOP/s (median %.1f): the kernel's FMAs alone, in registers\n",
                chain_best, chain_median);
    }
  /* Keeps the results alive; never true. */
  return kd.sink + chain_sink < -1.0f ? 1 : 0;
}
