/* fm-gemm.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The matrix product of fm-gemm.h. C is cut into tiles of FM_GEMM_MR rows
 * by up to NR = 48 columns; a microkernel keeps one tile in registers
 * while it walks a block of at most KC rows of B. A block of B's columns
 * stays in L2 while every A panel passes over it, each panel in L1. The
 * AVX-512 kernel holds 8 x 3 zmm accumulators, masks the last columns and
 * asks for the packed A panel ahead of its reads; the AVX2 kernel
 * does the same tile as four 4 x 24 pieces; the scalar kernel is plain C.
 * Threads split the column tiles (or the row panels when there are more of
 * them). One-row products (a fully connected layer on one image) go to
 * dot-product and axpy loops instead. It never allocates.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define FM_GEMM_X86 1
#endif

#include "fm-gemm.h"

#define MR FM_GEMM_MR
#define NR 48
#define KC 384

/* The parameters of every microkernel: C [mr, nr] (row pitch @ldc) gets
 * @alpha times the packed A panel @ap [kc][MR] by B's rows (row kk at
 * @b + @off[kk]), plus C's own values when @acc, else plus @bias [mr]
 * when not NULL; mr in 1..MR, nr in 1..NR. */
#define KERNEL_PARAMS                                                       \
  gint64 kc, const float *ap, const float *b, const gint64 *off, float *c, \
  gint64 ldc, int mr, int nr, float alpha, const float *bias, gboolean acc

typedef void (*KernelFunc) (KERNEL_PARAMS);

static void
kernel_scalar (KERNEL_PARAMS)
{
  float t[MR][NR];

  memset (t, 0, sizeof t);
  for (gint64 kk = 0; kk < kc; kk++)
    {
      const float *bk = b + off[kk];

      for (int i = 0; i < mr; i++)
        {
          float a = ap[kk * MR + i];

          for (int j = 0; j < nr; j++)
            t[i][j] += a * bk[j];
        }
    }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++)
      {
        float v = t[i][j] * alpha;

        if (acc)
          v += c[i * ldc + j];
        else if (bias != NULL)
          v += bias[i];
        c[i * ldc + j] = v;
      }
}

#ifdef FM_GEMM_X86

#define T_AVX2 __attribute__ ((target ("avx2,fma")))
#define T_AVX512 __attribute__ ((target ("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
#define INLINE inline __attribute__ ((always_inline))

/* One 4 x (8 * nv) piece, nv in 1..3; the last vector has @cnt columns. */
static INLINE T_AVX2 void
avx2_piece (int           nv,
            gint64        kc,
            const float  *ap,
            const float  *b,
            const gint64 *off,
            float        *c,
            gint64        ldc,
            int           mr,
            int           cnt,
            float         alpha,
            const float  *bias,
            gboolean      acc)
{
  __m256i mask = _mm256_cmpgt_epi32 (_mm256_set1_epi32 (cnt),
                                     _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7));
  __m256 r[4][3];

#pragma GCC unroll 4
  for (int i = 0; i < 4; i++)
#pragma GCC unroll 3
    for (int v = 0; v < 3; v++)
      r[i][v] = _mm256_setzero_ps ();
  for (gint64 kk = 0; kk < kc; kk++)
    {
      const float *bk = b + off[kk];
      __m256 b0, b1 = _mm256_setzero_ps (), b2 = _mm256_setzero_ps ();

      b0 = nv == 1 ? _mm256_maskload_ps (bk, mask) : _mm256_loadu_ps (bk);
      if (nv > 1)
        b1 = nv == 2 ? _mm256_maskload_ps (bk + 8, mask) : _mm256_loadu_ps (bk + 8);
      if (nv > 2)
        b2 = _mm256_maskload_ps (bk + 16, mask);
#pragma GCC unroll 4
      for (int i = 0; i < 4; i++)
        {
          __m256 a = _mm256_broadcast_ss (ap + kk * MR + i);

          r[i][0] = _mm256_fmadd_ps (a, b0, r[i][0]);
          if (nv > 1)
            r[i][1] = _mm256_fmadd_ps (a, b1, r[i][1]);
          if (nv > 2)
            r[i][2] = _mm256_fmadd_ps (a, b2, r[i][2]);
        }
    }
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++)
    {
      if (i >= mr)
        break;
#pragma GCC unroll 3
      for (int v = 0; v < 3; v++)
        {
          float *cp = c + i * ldc + 8 * v;
          __m256 x;

          if (v >= nv)
            break;
          x = _mm256_mul_ps (r[i][v], _mm256_set1_ps (alpha));
          if (v == nv - 1)
            {
              if (acc)
                x = _mm256_add_ps (x, _mm256_maskload_ps (cp, mask));
              else if (bias != NULL)
                x = _mm256_add_ps (x, _mm256_set1_ps (bias[i]));
              _mm256_maskstore_ps (cp, mask, x);
            }
          else
            {
              if (acc)
                x = _mm256_add_ps (x, _mm256_loadu_ps (cp));
              else if (bias != NULL)
                x = _mm256_add_ps (x, _mm256_set1_ps (bias[i]));
              _mm256_storeu_ps (cp, x);
            }
        }
    }
}

static T_AVX2 void
kernel_avx2 (KERNEL_PARAMS)
{
  for (int i0 = 0; i0 < mr; i0 += 4)
    for (int j0 = 0; j0 < nr; j0 += 24)
      {
        int cols = MIN (24, nr - j0);
        int nv = (cols + 7) / 8;
        int cnt = cols - 8 * (nv - 1);
        const float *bi = bias != NULL ? bias + i0 : NULL;
        float *ci = c + i0 * ldc + j0;
        int rows = MIN (4, mr - i0);

        if (nv == 3)
          avx2_piece (3, kc, ap + i0, b + j0, off, ci, ldc, rows, cnt, alpha, bi, acc);
        else if (nv == 2)
          avx2_piece (2, kc, ap + i0, b + j0, off, ci, ldc, rows, cnt, alpha, bi, acc);
        else
          avx2_piece (1, kc, ap + i0, b + j0, off, ci, ldc, rows, cnt, alpha, bi, acc);
      }
}

/* One MR x (16 * nv) tile, nv in 1..3; @last masks the last vector. */
static INLINE T_AVX512 void
avx512_tile (int           nv,
             gint64        kc,
             const float  *ap,
             const float  *b,
             const gint64 *off,
             float        *c,
             gint64        ldc,
             int           mr,
             __mmask16     last,
             float         alpha,
             const float  *bias,
             gboolean      acc)
{
  __m512 r[MR][3];
  __mmask16 m0 = nv == 1 ? last : 0xffff;
  __mmask16 m1 = nv == 2 ? last : 0xffff;

#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 3
    for (int v = 0; v < 3; v++)
      r[i][v] = _mm512_setzero_ps ();
  for (gint64 kk = 0; kk < kc; kk++)
    {
      const float *bk = b + off[kk];
      __m512 b0, b1 = _mm512_setzero_ps (), b2 = _mm512_setzero_ps ();

      /* The A panel 4 KiB ahead, at every k step of a full tile (so each
       * line is asked for twice, which costs little). Where the weights
       * are not in the caches (ResNet's 512-channel layers: 9 MB, each
       * weight used for 49 columns) the kernel would otherwise wait on
       * every line: 3.4 ms instead of 2.0 for one such product. */
      if (nv == 3)
        _mm_prefetch ((const char *) (ap + 1024), _MM_HINT_T0);
      b0 = _mm512_maskz_loadu_ps (m0, bk);
      if (nv > 1)
        b1 = _mm512_maskz_loadu_ps (m1, bk + 16);
      if (nv > 2)
        b2 = _mm512_maskz_loadu_ps (last, bk + 32);
#pragma GCC unroll 8
      for (int i = 0; i < MR; i++)
        {
          __m512 a = _mm512_set1_ps (ap[i]);

          r[i][0] = _mm512_fmadd_ps (a, b0, r[i][0]);
          if (nv > 1)
            r[i][1] = _mm512_fmadd_ps (a, b1, r[i][1]);
          if (nv > 2)
            r[i][2] = _mm512_fmadd_ps (a, b2, r[i][2]);
        }
      ap += MR;
    }
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
    {
      if (i >= mr)
        break;
#pragma GCC unroll 3
      for (int v = 0; v < 3; v++)
        {
          float *cp = c + i * ldc + 16 * v;
          __mmask16 mk = v == nv - 1 ? last : 0xffff;
          __m512 x;

          if (v >= nv)
            break;
          x = _mm512_mul_ps (r[i][v], _mm512_set1_ps (alpha));
          if (acc)
            x = _mm512_add_ps (x, _mm512_maskz_loadu_ps (mk, cp));
          else if (bias != NULL)
            x = _mm512_add_ps (x, _mm512_set1_ps (bias[i]));
          _mm512_mask_storeu_ps (cp, mk, x);
        }
    }
}

static T_AVX512 void
kernel_avx512 (KERNEL_PARAMS)
{
  int nv = (nr + 15) / 16;
  __mmask16 last = (__mmask16) ((1u << (nr - 16 * (nv - 1))) - 1);

  if (nv == 3)
    avx512_tile (3, kc, ap, b, off, c, ldc, mr, last, alpha, bias, acc);
  else if (nv == 2)
    avx512_tile (2, kc, ap, b, off, c, ldc, mr, last, alpha, bias, acc);
  else
    avx512_tile (1, kc, ap, b, off, c, ldc, mr, last, alpha, bias, acc);
}

static T_AVX2 float
dot_avx2 (const float *a,
          const float *b,
          gint64       k)
{
  __m256 s0 = _mm256_setzero_ps (), s1 = _mm256_setzero_ps ();
  __m256 s2 = _mm256_setzero_ps (), s3 = _mm256_setzero_ps ();
  __m128 h;
  gint64 i = 0;
  float s;

  for (; i + 32 <= k; i += 32)
    {
      s0 = _mm256_fmadd_ps (_mm256_loadu_ps (a + i), _mm256_loadu_ps (b + i), s0);
      s1 = _mm256_fmadd_ps (_mm256_loadu_ps (a + i + 8), _mm256_loadu_ps (b + i + 8), s1);
      s2 = _mm256_fmadd_ps (_mm256_loadu_ps (a + i + 16), _mm256_loadu_ps (b + i + 16), s2);
      s3 = _mm256_fmadd_ps (_mm256_loadu_ps (a + i + 24), _mm256_loadu_ps (b + i + 24), s3);
    }
  for (; i + 8 <= k; i += 8)
    s0 = _mm256_fmadd_ps (_mm256_loadu_ps (a + i), _mm256_loadu_ps (b + i), s0);
  s0 = _mm256_add_ps (_mm256_add_ps (s0, s1), _mm256_add_ps (s2, s3));
  h = _mm_add_ps (_mm256_castps256_ps128 (s0), _mm256_extractf128_ps (s0, 1));
  h = _mm_add_ps (h, _mm_movehl_ps (h, h));
  h = _mm_add_ss (h, _mm_shuffle_ps (h, h, 1));
  s = _mm_cvtss_f32 (h);
  for (; i < k; i++)
    s += a[i] * b[i];
  return s;
}

static T_AVX2 void
axpy_avx2 (float        s,
           const float *x,
           float       *y,
           gint64       n)
{
  for (gint64 j = 0; j < n; j++)
    y[j] += s * x[j];
}

#endif /* FM_GEMM_X86 */

static float
dot_scalar (const float *a,
            const float *b,
            gint64       k)
{
  float s = 0.0f;

  for (gint64 i = 0; i < k; i++)
    s += a[i] * b[i];
  return s;
}

static void
axpy_scalar (float        s,
             const float *x,
             float       *y,
             gint64       n)
{
  for (gint64 j = 0; j < n; j++)
    y[j] += s * x[j];
}

typedef struct
{
  FmGemmIsa  isa;
  KernelFunc kernel;
  float    (*dot)  (const float *, const float *, gint64);
  void     (*axpy) (float, const float *, float *, gint64);
} Impl;

static Impl impl;
static FmGemmIsa cpu_isa;
/* An eighth of the core's L2 (256 KiB of 2 MiB), 32 to 256 KiB */
static gint64 b_block_bytes = 32768;

static void
impl_set (FmGemmIsa isa)
{
  impl.isa = FM_GEMM_ISA_SCALAR;
  impl.kernel = kernel_scalar;
  impl.dot = dot_scalar;
  impl.axpy = axpy_scalar;
#ifdef FM_GEMM_X86
  if (isa >= FM_GEMM_ISA_AVX2)
    {
      impl.isa = FM_GEMM_ISA_AVX2;
      impl.kernel = kernel_avx2;
      impl.dot = dot_avx2;
      impl.axpy = axpy_avx2;
    }
  if (isa >= FM_GEMM_ISA_AVX512)
    {
      impl.isa = FM_GEMM_ISA_AVX512;
      impl.kernel = kernel_avx512;
    }
#endif
}

/* FM_ISA=avx2 or FM_ISA=scalar in the environment caps the level, so
 * that the kernels a CPU without AVX-512 runs can be measured on one
 * that has it (another value is a typo, said once). */
static FmGemmIsa
isa_from_env (void)
{
  const char *env = g_getenv ("FM_ISA");

  if (g_strcmp0 (env, "scalar") == 0)
    return FM_GEMM_ISA_SCALAR;
  if (g_strcmp0 (env, "avx2") == 0)
    return FM_GEMM_ISA_AVX2;
  if (env != NULL && g_strcmp0 (env, "avx512") != 0)
    g_warning ("FM_ISA=%s is not scalar, avx2 or avx512: ignored", env);
  return FM_GEMM_ISA_AVX512;
}

static const Impl *
impl_get (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      cpu_isa = FM_GEMM_ISA_SCALAR;
#ifdef FM_GEMM_X86
      __builtin_cpu_init ();
      if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
        cpu_isa = FM_GEMM_ISA_AVX2;
      if (cpu_isa == FM_GEMM_ISA_AVX2 &&
          __builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512vl") &&
          __builtin_cpu_supports ("avx512dq") && __builtin_cpu_supports ("avx512bw"))
        cpu_isa = FM_GEMM_ISA_AVX512;
#endif
      cpu_isa = MIN (cpu_isa, isa_from_env ());
      impl_set (cpu_isa);
#ifdef _SC_LEVEL2_CACHE_SIZE
      {
        long l2 = sysconf (_SC_LEVEL2_CACHE_SIZE);

        if (l2 > 0)
          b_block_bytes = CLAMP (l2 / 8, 32768, 262144);
      }
#endif
      g_once_init_leave (&once, 1);
    }
  return &impl;
}

FmGemmIsa
fm_gemm_get_isa (void)
{
  return impl_get ()->isa;
}

FmGemmIsa
fm_gemm_set_isa (FmGemmIsa isa)
{
  FmGemmIsa old = impl_get ()->isa;

  impl_set (MIN (isa, cpu_isa));
  return old;
}

gsize
fm_gemm_packed_a_size (gint64 m,
                       gint64 k)
{
  return (gsize) ((m + MR - 1) / MR) * MR * k;
}

void
fm_gemm_pack_a (gint64       m,
                gint64       k,
                const float *a,
                gint64       lda,
                gboolean     trans,
                float       *packed)
{
  for (gint64 i0 = 0; i0 < m; i0 += MR)
    {
      float *pp = packed + i0 * k;   /* [k][MR] */

      for (gint64 kk = 0; kk < k; kk++)
        for (gint64 i = 0; i < MR; i++)
          {
            gint64 row = i0 + i;

            if (row >= m)
              pp[kk * MR + i] = 0.0f;
            else
              pp[kk * MR + i] = trans ? a[kk * lda + row] : a[row * lda + kk];
          }
    }
}

static void
gemm_share (gpointer data,
            guint    index,
            guint    n_threads)
{
  const FmGemmPacked *g = data;
  KernelFunc kernel = impl.kernel;
  gint64 mp = (g->m + MR - 1) / MR;          /* row panels */
  gint64 nt = (g->n + NR - 1) / NR;          /* column tiles */
  gint64 m0 = 0, m1 = mp, n0 = 0, n1 = nt;

  if (n_threads > 1)
    {
      if (nt >= mp)
        {
          n0 = nt * index / n_threads;
          n1 = nt * (index + 1) / n_threads;
        }
      else
        {
          m0 = mp * index / n_threads;
          m1 = mp * (index + 1) / n_threads;
        }
    }
  /* K in equal blocks of at most KC rows (288 is one block of 288, not
   * 256 + 32). */
  gint64 n_blocks = (g->k + KC - 1) / KC;
  gint64 kb = (g->k + n_blocks - 1) / n_blocks;

  for (gint64 pc = 0; pc < g->k; pc += kb)
    {
      gint64 kc = MIN (kb, g->k - pc);
      gboolean acc = g->accumulate || pc > 0;

      /* jb column tiles at a time, whose B block (kc rows) stays in the
       * core's L2 (b_block_bytes), pass under every A panel, which stays in
       * L1 meanwhile: a single tile when K is large, several when K is
       * small, so that C is written in runs of jb * NR columns per row
       * rather than NR. (A block of 32 KiB, for L1, made ResNet-50's 1x1
       * convolutions, K = 64 to 1024, 10 % slower.) The order of the sums
       * does not depend on it. */
      gint64 jb = MAX (b_block_bytes / (kc * NR * (gint64) sizeof (float)), 1);

      for (gint64 jt0 = n0; jt0 < n1; jt0 += jb)
        for (gint64 ip = m0; ip < m1; ip++)
          {
            gint64 i = ip * MR;
            int mr = (int) MIN (MR, g->m - i);

            for (gint64 jt = jt0; jt < MIN (jt0 + jb, n1); jt++)
              {
                gint64 j = jt * NR;
                int nr = (int) MIN (NR, g->n - j);

                kernel (kc, g->ap + i * g->k + pc * MR, g->b + j, g->boff + pc,
                        g->c + i * g->ldc + j, g->ldc, mr, nr, g->alpha,
                        g->bias != NULL && !acc ? g->bias + i : NULL, acc);
              }
          }
    }
}

void
fm_gemm_packed (const FmGemmPacked *g,
                FmThreads          *pool)
{
  impl_get ();
  if (g->m <= 0 || g->n <= 0)
    return;
  if (g->k <= 0)
    {
      for (gint64 i = 0; i < g->m; i++)
        for (gint64 j = 0; j < g->n; j++)
          if (!g->accumulate)
            g->c[i * g->ldc + j] = g->bias != NULL ? g->bias[i] : 0.0f;
      return;
    }
  /* Below ~100k multiply-adds a second thread costs more than it saves. */
  if (g->m * g->n * g->k < 100000)
    pool = NULL;
  fm_threads_run (pool, gemm_share, (gpointer) g);
}

/* One-row products: y [n] = alpha * a [k] * op (B) + beta * y. */
typedef struct
{
  gint64       n, k;
  float        alpha, beta;
  gboolean     trans_b;
  const float *a;      /* [k] */
  const float *b;      /* [k, ldb] or, transposed, [n, ldb] */
  gint64       ldb;
  float       *y;      /* [n] */
} Gemv;

/* Columns [j0, j1) of y. */
static void
gemv_range (gpointer data,
            gint64   j0,
            gint64   j1)
{
  const Gemv *g = data;

  if (g->trans_b)
    {
      for (gint64 j = j0; j < j1; j++)
        {
          float s = g->alpha * impl.dot (g->a, g->b + j * g->ldb, g->k);

          g->y[j] = g->beta == 0.0f ? s : s + g->beta * g->y[j];
        }
      return;
    }
  /* y = beta * y, then rows of B added in; blocks of 1024 columns keep y
   * in L1. */
  for (gint64 jb = j0; jb < j1; jb += 1024)
    {
      gint64 nb = MIN (1024, j1 - jb);
      float *y = g->y + jb;

      for (gint64 j = 0; j < nb; j++)
        y[j] = g->beta == 0.0f ? 0.0f : g->beta * y[j];
      for (gint64 kk = 0; kk < g->k; kk++)
        impl.axpy (g->alpha * g->a[kk], g->b + kk * g->ldb + jb, y, nb);
    }
}

gsize
fm_sgemm_scratch_size (gboolean trans_a,
                       gboolean trans_b,
                       gint64   m,
                       gint64   n,
                       gint64   k)
{
  if (m <= 2 && !trans_a)
    return 0;
  return fm_align64 (fm_gemm_packed_a_size (m, k) * sizeof (float)) +
         fm_align64 ((gsize) k * sizeof (gint64)) +
         (trans_b ? fm_align64 ((gsize) k * n * sizeof (float)) : 0);
}

void
fm_sgemm (gboolean     trans_a,
          gboolean     trans_b,
          gint64       m,
          gint64       n,
          gint64       k,
          float        alpha,
          const float *a,
          gint64       lda,
          const float *b,
          gint64       ldb,
          float        beta,
          float       *c,
          gint64       ldc,
          gpointer     scratch,
          FmThreads   *pool)
{
  guint8 *s = scratch;
  float *ap;
  gint64 *boff;
  FmGemmPacked g;

  impl_get ();
  if (m <= 0 || n <= 0)
    return;
  if (k <= 0 || alpha == 0.0f)
    {
      for (gint64 i = 0; i < m; i++)
        for (gint64 j = 0; j < n; j++)
          c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
      return;
    }
  if (m <= 2 && !trans_a)
    {
      for (gint64 i = 0; i < m; i++)
        {
          Gemv v = { n, k, alpha, beta, trans_b, a + i * lda, b, ldb, c + i * ldc };

          fm_threads_parallel_for (n * k >= 100000 ? pool : NULL, n, 1, gemv_range, &v);
        }
      return;
    }

  ap = (float *) s;
  s += fm_align64 (fm_gemm_packed_a_size (m, k) * sizeof (float));
  boff = (gint64 *) s;
  s += fm_align64 ((gsize) k * sizeof (gint64));
  fm_gemm_pack_a (m, k, a, lda, trans_a, ap);
  if (trans_b)
    {
      float *bt = (float *) s;   /* [k, n] */

      for (gint64 j = 0; j < n; j++)
        for (gint64 kk = 0; kk < k; kk++)
          bt[kk * n + j] = b[j * ldb + kk];
      b = bt;
      ldb = n;
    }
  for (gint64 kk = 0; kk < k; kk++)
    boff[kk] = kk * ldb;
  if (beta != 0.0f && beta != 1.0f)
    for (gint64 i = 0; i < m; i++)
      for (gint64 j = 0; j < n; j++)
        c[i * ldc + j] *= beta;

  g = (FmGemmPacked) {
    .m = m, .n = n, .k = k, .ap = ap, .b = b, .boff = boff,
    .alpha = alpha, .accumulate = beta != 0.0f, .bias = NULL,
    .c = c, .ldc = ldc,
  };
  fm_gemm_packed (&g, pool);
}
