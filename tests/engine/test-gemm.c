/* test-gemm.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's own SGEMM (fm-gemm.c), its thread pool and the conv paths
 * built on it, checked against naive loops in double precision on random
 * shapes (odd sizes, one row, one column, K = 1, alpha and beta), with 1
 * and 2 threads and every kernel level the CPU has (scalar, AVX2,
 * AVX-512). Plus one product worked out by hand.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fm-gemm.h"
#include "fm-test-conv.h"
#include "fm-tensor.h"
#include "fm-threads.h"

/* The levels to try: every one up to what the CPU has. */
static int
n_isas (void)
{
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);   /* capped at what the CPU has */
  return (int) fm_gemm_get_isa () + 1;
}

static void
test_hand (void)
{
  /* A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]:
   * A B = [[1*5 + 2*7, 1*6 + 2*8], [3*5 + 4*7, 3*6 + 4*8]] = [[19, 22], [43, 50]].
   * With alpha 2, beta 0.5 and C = [[1, 1], [1, 1]]:
   * [[38 + 0.5, 44 + 0.5], [86 + 0.5, 100 + 0.5]]. */
  const float a[] = { 1, 2, 3, 4 };
  const float b[] = { 5, 6, 7, 8 };
  const float expected[] = { 38.5f, 44.5f, 86.5f, 100.5f };

  for (int isa = 0; isa < n_isas (); isa++)
    for (int packed = 0; packed <= 1; packed++)
      {
        float c[] = { 1, 1, 1, 1 };
        gpointer scratch = fm_aligned_alloc0 (MAX (fm_sgemm_scratch_size (TRUE, FALSE, 2, 2, 2), 64));
        const float at[] = { 1, 3, 2, 4 };   /* A transposed */

        fm_gemm_set_isa (isa);
        /* transA goes through the packed kernel, plain A (2 rows) through
         * the one-row loops */
        fm_sgemm (packed, FALSE, 2, 2, 2, 2.0f, packed ? at : a, 2, b, 2, 0.5f, c, 2,
                  scratch, NULL);
        for (int i = 0; i < 4; i++)
          g_assert_cmpfloat_with_epsilon (c[i], expected[i], 1e-6);
        fm_aligned_free (scratch);
      }
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);
}

typedef struct
{
  gint   hits[8];
  gint   n_seen;
} Count;

static void
count_share (gpointer data,
             guint    index,
             guint    n)
{
  Count *c = data;

  g_atomic_int_inc (&c->hits[index]);
  g_atomic_int_set (&c->n_seen, (gint) n);   /* every thread writes the same value */
}

static void
test_threads (void)
{
  for (guint n = 1; n <= 3; n++)
    {
      FmThreads *pool = fm_threads_new (n);

      g_assert_cmpuint (fm_threads_get_n (pool), ==, n);
      for (int rep = 0; rep < 50; rep++)
        {
          Count c = { { 0 }, 0 };

          fm_threads_run (pool, count_share, &c);
          g_assert_cmpint (g_atomic_int_get (&c.n_seen), ==, (gint) n);
          for (guint i = 0; i < 8; i++)
            g_assert_cmpint (c.hits[i], ==, i < n ? 1 : 0);
        }
      fm_threads_free (pool);
    }
}

static const gint64 sizes[] = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 47, 48, 49, 95, 100, 130 };

static gint64
pick (void)
{
  return sizes[g_test_rand_int_range (0, G_N_ELEMENTS (sizes))];
}

static void
test_sgemm_random (void)
{
  FmThreads *pool = fm_threads_new (2);
  int n_checked = 0;

  for (int iter = 0; iter < 240; iter++)
    {
      gint64 m = pick (), n = pick (), k = iter % 10 == 0 ? 1 : pick ();
      gboolean ta = g_test_rand_bit (), tb = g_test_rand_bit ();
      float alpha = iter % 3 == 0 ? 1.0f : fm_test_rand_float ();
      float beta = (float[]) { 0.0f, 1.0f, 0.5f, -0.75f } [iter % 4];
      gint64 lda = (ta ? m : k) + iter % 3, ldb = (tb ? k : n) + iter % 2, ldc = n + iter % 5;
      g_autofree float *a = g_new (float, (ta ? k : m) * lda);
      g_autofree float *b = g_new (float, (tb ? n : k) * ldb);
      g_autofree float *c0 = g_new (float, m * ldc);
      g_autofree float *c = g_new (float, m * ldc);
      g_autofree double *ref = g_new (double, m * n);
      gpointer scratch;
      int isa = iter % n_isas ();

      if (iter < 6)
        {
          /* the extremes: one row, one column, K = 1 */
          m = iter == 0 || iter == 3 ? 1 : m;
          n = iter == 1 || iter == 3 ? 1 : n;
        }
      for (gint64 i = 0; i < (ta ? k : m) * lda; i++)
        a[i] = fm_test_rand_float ();
      for (gint64 i = 0; i < (tb ? n : k) * ldb; i++)
        b[i] = fm_test_rand_float ();
      for (gint64 i = 0; i < m * ldc; i++)
        c0[i] = fm_test_rand_float ();
      for (gint64 i = 0; i < m; i++)
        for (gint64 j = 0; j < n; j++)
          {
            double s = 0.0;

            for (gint64 kk = 0; kk < k; kk++)
              s += (double) (ta ? a[kk * lda + i] : a[i * lda + kk]) *
                   (tb ? b[j * ldb + kk] : b[kk * ldb + j]);
            ref[i * n + j] = alpha * s + (beta == 0.0f ? 0.0 : beta * (double) c0[i * ldc + j]);
          }

      scratch = fm_aligned_alloc0 (MAX (fm_sgemm_scratch_size (ta, tb, m, n, k), 64));
      fm_gemm_set_isa (isa);
      for (int threads = 1; threads <= 2; threads++)
        {
          memcpy (c, c0, m * ldc * sizeof (float));
          if (beta == 0.0f)
            for (gint64 i = 0; i < m * ldc; i++)
              c[i] = NAN;   /* beta = 0 must not read C */
          fm_sgemm (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                    scratch, threads == 2 ? pool : NULL);
          for (gint64 i = 0; i < m; i++)
            for (gint64 j = 0; j < n; j++)
              {
                double d = fabs (c[i * ldc + j] - ref[i * n + j]);

                if (!(d <= 1e-5 * (k + 1)))
                  g_error ("isa %d threads %d m %" G_GINT64_FORMAT " n %" G_GINT64_FORMAT
                           " k %" G_GINT64_FORMAT " ta %d tb %d: C[%" G_GINT64_FORMAT
                           ", %" G_GINT64_FORMAT "] = %g, expected %g",
                           isa, threads, m, n, k, ta, tb, i, j, c[i * ldc + j], ref[i * n + j]);
              }
          /* the padding between rows of C is never written */
          for (gint64 i = 0; i < m; i++)
            for (gint64 j = n; j < ldc; j++)
              if (beta != 0.0f)
                g_assert_cmpfloat (c[i * ldc + j], ==, c0[i * ldc + j]);
          n_checked++;
        }
      fm_aligned_free (scratch);
    }
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);
  fm_threads_free (pool);
  g_test_message ("%d products match the naive loops", n_checked);
  g_assert_cmpint (n_checked, ==, 480);
}

/* A bigger product, large enough to be split over two threads and to
 * take several K blocks. */
static void
test_sgemm_large (void)
{
  gint64 m = 70, n = 301, k = 1000;
  g_autofree float *a = g_new (float, m * k);
  g_autofree float *b = g_new (float, k * n);
  g_autofree float *c = g_new (float, m * n);
  gpointer scratch = fm_aligned_alloc0 (fm_sgemm_scratch_size (FALSE, FALSE, m, n, k));
  FmThreads *pool = fm_threads_new (2);

  for (gint64 i = 0; i < m * k; i++)
    a[i] = fm_test_rand_float ();
  for (gint64 i = 0; i < k * n; i++)
    b[i] = fm_test_rand_float ();
  for (int isa = 0; isa < n_isas (); isa++)
    {
      fm_gemm_set_isa (isa);
      fm_sgemm (FALSE, FALSE, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n, scratch, pool);
      for (gint64 i = 0; i < m; i++)
        for (gint64 j = 0; j < n; j++)
          {
            double s = 0.0;

            for (gint64 kk = 0; kk < k; kk++)
              s += (double) a[i * k + kk] * b[kk * n + j];
            g_assert_cmpfloat_with_epsilon (c[i * n + j], s, 1e-3);
          }
    }
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);
  fm_threads_free (pool);
  fm_aligned_free (scratch);
}

/* The conv paths (stride 1 on padded rows, im2col, grouped, dilated),
 * with weights packed ahead as at load and with two threads. */
static void
test_conv_paths (void)
{
  FmThreads *pool = fm_threads_new (2);
  int n_checked = 0, n_parity = 0, n_strided_im2col = 0;

  /* A third have stride 2: with dilation 1 on parity planes where they
   * copy less than im2col would, else (and when dilated) through im2col.
   * Iterations 200-207 are large enough for the copies around the GEMM
   * (padding, parity planes, im2col, compaction) to be split across the
   * threads too (each share at least 16k floats), and for im2col (203:
   * stride 2, dilation 2) and compaction to go in several slices; in
   * 208-210 (stride 3) the 49 im2col columns of 7x7 outputs fit one
   * slice, which is not cut to 48. */
  for (int iter = 0; iter < 211; iter++)
    {
      FmConvParams p = { 0 };
      gint64 peh, pew, cg, mg, rows;
      g_auto(FmTestConvBuffers) t = { 0 };
      g_autofree float *packed = NULL;
      gpointer scratch;
      gsize per_group;
      int isa = iter % n_isas ();

      p.n = g_test_rand_int_range (1, 3);
      p.group = iter % 5 == 0 ? 2 : 1;
      p.c = p.group * g_test_rand_int_range (1, 20);
      p.m = p.group * g_test_rand_int_range (1, 40);
      p.h = g_test_rand_int_range (1, 30);
      p.w = g_test_rand_int_range (1, 30);
      p.kh = g_test_rand_int_range (1, MIN (p.h, 5) + 1);
      p.kw = g_test_rand_int_range (1, MIN (p.w, 5) + 1);
      p.sh = p.sw = iter % 3 == 0 ? 2 : 1;
      p.dh = p.dw = iter % 7 == 0 ? 2 : 1;
      p.ph = g_test_rand_int_range (0, 3);
      p.pw = g_test_rand_int_range (0, 3);
      peh = g_test_rand_int_range (0, 3);
      pew = g_test_rand_int_range (0, 3);
      p.has_bias = g_test_rand_bit ();
      if (iter >= 200)
        {
          p.n = 1;
          p.group = 1;
          p.c = 48;
          p.m = 24;
          p.h = p.w = 40;
          p.kh = p.kw = 3;
          p.sh = p.sw = iter % 2 == 0 ? 1 : 2;
          p.ph = p.pw = iter % 4 < 2 ? 1 : 0;
          if (iter >= 206)
            {
              /* Many output channels on a padded stride-1 conv: the
               * output passes through cbuf a few rows at a time. */
              p.c = 8;
              p.m = 256;
              p.h = p.w = 64;
              p.sh = p.sw = 1;
              p.ph = p.pw = iter - 205;
            }
          if (iter >= 208)
            {
              /* stride 3 on 19x19, pads 1: 7x7 outputs; 256 x 3 x 3 rows,
               * so a slice may hold 131072 / 2304 = 56 columns */
              p.c = 256;
              p.m = 64;
              p.h = p.w = 19;
              p.sh = p.sw = 3;
              p.dh = p.dw = 1;
              p.ph = p.pw = 1;
              peh = pew = 1;
            }
        }
      if (!fm_conv_params_finish (&p, peh, pew))
        continue;
      cg = p.c / p.group;
      mg = p.m / p.group;
      rows = cg * p.kh * p.kw;
      fm_test_conv_buffers_init (&t, &p);
      per_group = fm_gemm_packed_a_size (mg, rows);
      packed = g_new (float, per_group * p.group);
      for (gint64 g = 0; g < p.group; g++)
        fm_gemm_pack_a (mg, rows, t.w + g * mg * rows, rows, FALSE, packed + g * per_group);
      scratch = fm_aligned_alloc0 (MAX (fm_conv_scratch_size (&p), 64));

      if (iter >= 208)
        g_assert_cmpint (fm_conv_im2col_columns (&p), ==, 49);   /* one slice */
      if (iter == 203)   /* several slices */
        g_assert_cmpint (fm_conv_im2col_columns (&p), <, p.oh * p.ow);
      if (iter == 201 || iter == 205)   /* parity planes */
        g_assert_cmpint (fm_conv_im2col_columns (&p), ==, 0);
      if (p.sh == 2 && p.sw == 2)
        {
          if (fm_conv_im2col_columns (&p) == 0)
            n_parity++;
          else
            n_strided_im2col++;
        }
      fm_conv_reference (&p, t.x, t.w, t.b, t.y0);
      fm_gemm_set_isa (isa);
      for (int threads = 1; threads <= 2; threads++)
        for (int pre = 0; pre <= 1; pre++)
          {
            for (gsize i = 0; i < t.ny; i++)
              t.y1[i] = NAN; /* every output must be written */
            fm_conv_fast_full (&p, t.x, t.w, pre ? packed : NULL, t.b, t.y1, scratch,
                               threads == 2 ? pool : NULL);
            for (gsize i = 0; i < t.ny; i++)
              if (!(fabsf (t.y0[i] - t.y1[i]) <= 1e-4f))
                {
                  g_autofree char *conv = fm_test_conv_describe (&p);

                  g_error ("isa %d threads %d packed %d: %s: y[%" G_GSIZE_FORMAT "] = %g,"
                           " expected %g", isa, threads, pre, conv, i, t.y1[i], t.y0[i]);
                }
            n_checked++;
          }
      fm_aligned_free (scratch);
    }
  fm_gemm_set_isa (FM_GEMM_ISA_AVX512);
  fm_threads_free (pool);
  g_test_message ("%d conv runs match the reference; stride 2: %d on parity planes, %d "
                  "through im2col", n_checked, n_parity, n_strided_im2col);
  g_assert_cmpint (n_checked, >, 400);
  g_assert_cmpint (n_parity, >, 10);
  g_assert_cmpint (n_strided_im2col, >, 10);
}

#if !defined(__SANITIZE_ADDRESS__)
/* Resident pages now, from /proc/self/statm. */
static gsize
resident_bytes (void)
{
  g_autofree char *text = NULL;
  unsigned long total = 0, resident = 0;

  g_assert_true (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL));
  g_assert_cmpint (sscanf (text, "%lu %lu", &total, &resident), ==, 2);
  return resident * (gsize) sysconf (_SC_PAGESIZE);
}
#endif

/* fm_aligned_alloc0: 64-byte aligned, zeroed, writable to the rounded-up
 * end, on both sides of the size (256 KiB) from which blocks are mapped;
 * and a freed large block leaves the resident size at once (glibc's heap
 * would keep it). */
static void
test_aligned_alloc (void)
{
  const gsize lengths[] = { 0, 1, 63, 64, 65, (256 << 10) - 1, 256 << 10, (256 << 10) + 1,
                          (1 << 20) + 3 };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      gsize rounded = MAX ((lengths[i] + 63) / 64 * 64, 64);
      guint8 *p = fm_aligned_alloc0 (lengths[i]);

      g_assert_nonnull (p);
      g_assert_cmpuint ((guintptr) p % 64, ==, 0);
      for (gsize k = 0; k < rounded; k++)
        g_assert_cmpuint (p[k], ==, 0);
      memset (p, 0xa5, rounded);
      fm_aligned_free (p);
    }
  fm_aligned_free (NULL);
  g_assert_null (fm_aligned_alloc0 (G_MAXSIZE - 10));

#if !defined(__SANITIZE_ADDRESS__)
  {
    const gsize big = (gsize) 64 << 20;
    gsize before, touched, after;
    guint8 *p;

    /* Push glibc's own mmap threshold up first, as a freed model does. */
    g_free (g_malloc (big));
    before = resident_bytes ();
    p = fm_aligned_alloc0 (big);
    g_assert_nonnull (p);
    memset (p, 1, big);
    touched = resident_bytes ();
    fm_aligned_free (p);
    after = resident_bytes ();
    g_test_message ("resident: %zu MiB, %zu MiB with 64 MiB touched, %zu MiB after free",
                    before >> 20, touched >> 20, after >> 20);
    g_assert_cmpuint (touched, >=, before + big - ((gsize) 1 << 20));
    g_assert_cmpuint (after, <=, before + ((gsize) 1 << 20));
  }
#endif
}

/* FM_ISA in the environment caps the level the kernels run at, read
 * once, before the first product (so in a fresh process). */
static void
test_isa_from_env (gconstpointer data)
{
  const char *level = data;

  if (g_test_subprocess ())
    {
      FmGemmIsa isa;

      g_setenv ("FM_ISA", level, TRUE);
      isa = fm_gemm_get_isa ();
      if (g_str_equal (level, "scalar"))
        g_assert_cmpint (isa, ==, FM_GEMM_ISA_SCALAR);
      else
        g_assert_cmpint (isa, <=, FM_GEMM_ISA_AVX2);
      /* and it stays the cap */
      fm_gemm_set_isa (FM_GEMM_ISA_AVX512);
      g_assert_cmpint (fm_gemm_get_isa (), ==, isa);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/gemm/hand", test_hand);
  g_test_add_func ("/engine/gemm/aligned-alloc", test_aligned_alloc);
  g_test_add_func ("/engine/gemm/threads", test_threads);
  g_test_add_func ("/engine/gemm/random", test_sgemm_random);
  g_test_add_func ("/engine/gemm/large", test_sgemm_large);
  g_test_add_func ("/engine/gemm/conv", test_conv_paths);
  g_test_add_data_func ("/engine/gemm/isa-env/scalar", "scalar", test_isa_from_env);
  g_test_add_data_func ("/engine/gemm/isa-env/avx2", "avx2", test_isa_from_env);
  return g_test_run ();
}
