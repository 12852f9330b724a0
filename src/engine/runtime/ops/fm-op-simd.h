/* fm-op-simd.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kernels written once with GCC's vector extensions and compiled for each
 * instruction-set level (private to ops/). A kernel is an always-inline
 * NAME_body (); FM_SIMD_FUNCS() makes NAME (), which calls a copy of the
 * body compiled for AVX-512, for AVX2 + FMA or for the base instruction
 * set, the level fm_gemm_get_isa() says (so tests that lower it for the
 * GEMM test these kernels at that level too). An FmVecF is 16 floats: one
 * zmm register with AVX-512, two ymm with AVX2, four xmm (or scalar code,
 * on other processors) in the base copy. The copies may round differently
 * where FMA contracts a multiply and an add; results never depend on the
 * number of threads.
 */
#pragma once

#include <string.h>

#include <glib.h>

#include "fm-gemm.h"

G_BEGIN_DECLS

#define FM_VL 16

typedef float  FmVecF __attribute__ ((vector_size (FM_VL * sizeof (float))));
typedef gint32 FmVecI __attribute__ ((vector_size (FM_VL * sizeof (gint32))));

#define FM_SIMD_INLINE inline __attribute__ ((always_inline))

#define FM_UNPAREN(...) __VA_ARGS__

/* Lanes of @a where @mask (a comparison's result) is set, else of @b. */
#define FM_VSEL(mask, a, b) \
  ((FmVecF) (((mask) & (FmVecI) (a)) | (~(mask) & (FmVecI) (b))))

/* FM_VCMP (lanes, a, >, b): the FmVecI mask of a > b (any comparison
 * operator), compared in pieces of @lanes lanes, the width of one compare
 * instruction at the level a copy is compiled for (16 with AVX-512, 8
 * with AVX2, 4 in the base copy): GCC 12 turns a compare of vectors wider
 * than the level's registers into 16 scalar compares and branches. The
 * copies that FM_SIMD_FUNCS_LANES() makes pass @lanes to their body. (A
 * macro: an inline function returning a vector draws -Wpsabi.) */
typedef float  FmVec8F __attribute__ ((vector_size (8 * sizeof (float))));
typedef gint32 FmVec8I __attribute__ ((vector_size (8 * sizeof (gint32))));
typedef float  FmVec4F __attribute__ ((vector_size (4 * sizeof (float))));
typedef gint32 FmVec4I __attribute__ ((vector_size (4 * sizeof (gint32))));

#define FM_VCMP_PIECES(a, op, b, m, VF, VI, n)                     \
  G_STMT_START {                                                  \
    VF a_[n], b_[n];                                              \
    VI m_[n];                                                     \
                                                                  \
    memcpy (a_, &(a), sizeof a_);                                 \
    memcpy (b_, &(b), sizeof b_);                                 \
    for (int i_ = 0; i_ < (n); i_++)                              \
      m_[i_] = a_[i_] op b_[i_];                                  \
    memcpy (&(m), m_, sizeof (m));                                \
  } G_STMT_END

#define FM_VCMP(lanes, a, op, b)                                   \
  __extension__ ({                                                \
    FmVecF va_ = (a), vb_ = (b);                                  \
    FmVecI vm_;                                                   \
                                                                  \
    if ((lanes) >= FM_VL)                                         \
      vm_ = va_ op vb_;                                           \
    else if ((lanes) == 8)                                        \
      FM_VCMP_PIECES (va_, op, vb_, vm_, FmVec8F, FmVec8I, 2);    \
    else                                                          \
      FM_VCMP_PIECES (va_, op, vb_, vm_, FmVec4F, FmVec4I, 4);    \
    vm_;                                                          \
  })

/* FM_VL floats from and to memory of any alignment. */
static FM_SIMD_INLINE void
fm_vload (FmVecF      *v,
          const float *src)
{
  memcpy (v, src, sizeof *v);
}

static FM_SIMD_INLINE void
fm_vstore (float        *dst,
           const FmVecF *v)
{
  memcpy (dst, v, sizeof *v);
}

/* Lanes of @a and then @b (vectors of the type @mask_type's lanes count),
 * picked by index: clang spells GCC's shuffle its own way. */
#ifdef __clang__
#define FM_SHUFFLE(a, b, mask_type, ...) __builtin_shufflevector (a, b, __VA_ARGS__)
#else
#define FM_SHUFFLE(a, b, mask_type, ...) __builtin_shuffle (a, b, (mask_type) { __VA_ARGS__ })
#endif

/* The even lanes of @lo, then those of @hi. */
static FM_SIMD_INLINE void
fm_vshuffle_even (FmVecF       *v,
                  const FmVecF *lo,
                  const FmVecF *hi)
{
  *v = FM_SHUFFLE (*lo, *hi, FmVecI, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}

#if defined(__x86_64__) || defined(__i386__)
#define FM_SIMD_AVX2   __attribute__ ((target ("avx2,fma")))
#define FM_SIMD_AVX512 __attribute__ ((target ("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))

/* static void NAME PARAMS, running the copy NAME_avx512, NAME_avx2 or
 * NAME_base for the CPU's level. */
#define FM_SIMD_DISPATCH(name, params, args)                     \
  static void                                                   \
  name params                                                   \
  {                                                             \
    switch (fm_gemm_get_isa ())                                 \
      {                                                         \
      case FM_GEMM_ISA_AVX512: name##_avx512 args; break;       \
      case FM_GEMM_ISA_AVX2: name##_avx2 args; break;           \
      case FM_GEMM_ISA_SCALAR:                                  \
      default: name##_base args; break;                         \
      }                                                         \
  }

/* static void NAME PARAMS, running NAME_body ARGS at the CPU's level. */
#define FM_SIMD_FUNCS(name, params, args)                       \
  static void name##_base params { name##_body args; }          \
  static FM_SIMD_AVX2 void name##_avx2 params { name##_body args; } \
  static FM_SIMD_AVX512 void name##_avx512 params { name##_body args; } \
  FM_SIMD_DISPATCH (name, params, args)

/* The same for a body whose first parameter is the lanes of one compare
 * (FM_VCMP ()), which it is passed before ARGS. */
#define FM_SIMD_FUNCS_LANES(name, params, args)                 \
  static void name##_base params { name##_body (4, FM_UNPAREN args); } \
  static FM_SIMD_AVX2 void name##_avx2 params { name##_body (8, FM_UNPAREN args); } \
  static FM_SIMD_AVX512 void name##_avx512 params { name##_body (16, FM_UNPAREN args); } \
  FM_SIMD_DISPATCH (name, params, args)
#else
#define FM_SIMD_FUNCS(name, params, args) \
  static void name params { name##_body args; }
#define FM_SIMD_FUNCS_LANES(name, params, args) \
  static void name params { name##_body (4, FM_UNPAREN args); }
#endif

G_END_DECLS
