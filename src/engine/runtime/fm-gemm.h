/* fm-gemm.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's own single-precision matrix product (private to the engine
 * and its tests), row-major throughout. The core multiplies a packed A
 * (panels of FM_GEMM_MR rows, packed once, e.g. conv weights at load) by
 * a B whose row kk starts at b + boff[kk] and whose columns are
 * contiguous: a plain matrix (boff[kk] = kk * ldb), an im2col buffer, or
 * rows of a padded input image (implicit convolution, no im2col). The
 * microkernel is AVX-512 or AVX2+FMA, picked at run time, with a portable
 * scalar fallback. It splits the output tiles over a FmThreads pool.
 * fm_sgemm() is a BLAS-like wrapper on top. No transposed B in the core,
 * no complex or double types.
 */
#pragma once

#include <glib.h>

#include "fm-threads.h"

G_BEGIN_DECLS

#define FM_GEMM_MR 8   /* rows of a packed A panel */

/* @bytes rounded up to a multiple of 64, for buffers carved from scratch. */
static inline gsize
fm_align64 (gsize bytes)
{
  return (bytes + 63) & ~(gsize) 63;
}

typedef enum
{
  FM_GEMM_ISA_SCALAR,
  FM_GEMM_ISA_AVX2,
  FM_GEMM_ISA_AVX512,
} FmGemmIsa;

/* Floats of a packed A of [m, k] (whole panels, zero padded). */
gsize     fm_gemm_packed_a_size (gint64        m,
                                 gint64        k);
/* Packs A [m, k] (or its transpose when @trans: a is [k, m]) with leading
 * dimension @lda into @packed [ceil (m / MR)][k][MR]. */
void      fm_gemm_pack_a        (gint64        m,
                                 gint64        k,
                                 const float  *a,
                                 gint64        lda,
                                 gboolean      trans,
                                 float        *packed);

typedef struct
{
  gint64        m, n, k;
  const float  *ap;          /* packed A, fm_gemm_pack_a() */
  const float  *b;           /* row kk of B at b + boff[kk], n contiguous floats */
  const gint64 *boff;        /* [k] */
  float         alpha;
  gboolean      accumulate;  /* C += alpha * A * B; else C = alpha * A * B (+ bias) */
  const float  *bias;        /* [m] or NULL, added per row when !accumulate */
  float        *c;           /* [m, ldc] */
  gint64        ldc;
} FmGemmPacked;

/* Computes @g, splitting the output over @pool (NULL: this thread). */
void      fm_gemm_packed        (const FmGemmPacked *g,
                                 FmThreads          *pool);

/* C [m, n] = alpha * op (A) * op (B) + beta * C, BLAS semantics (C is not
 * read when beta = 0). @scratch must hold fm_sgemm_scratch_size() bytes,
 * 64-byte aligned. */
gsize     fm_sgemm_scratch_size (gboolean      trans_a,
                                 gboolean      trans_b,
                                 gint64        m,
                                 gint64        n,
                                 gint64        k);
void      fm_sgemm              (gboolean      trans_a,
                                 gboolean      trans_b,
                                 gint64        m,
                                 gint64        n,
                                 gint64        k,
                                 float         alpha,
                                 const float  *a,
                                 gint64        lda,
                                 const float  *b,
                                 gint64        ldb,
                                 float         beta,
                                 float        *c,
                                 gint64        ldc,
                                 gpointer      scratch,
                                 FmThreads    *pool);

/* The kernels in use, for the GEMM and for the ops' vector kernels
 * (ops/fm-op-simd.h): the CPU's best, or lower with FM_ISA=avx2 or
 * FM_ISA=scalar in the environment. Tests may force a lower one (not
 * thread-safe: call before any run). Returns the previous value; a level
 * the CPU lacks, or above FM_ISA's, is ignored. */
FmGemmIsa fm_gemm_get_isa       (void);
FmGemmIsa fm_gemm_set_isa       (FmGemmIsa     isa);

G_END_DECLS
