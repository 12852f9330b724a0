/* fm-tensor.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runtime shapes, element types and load-time constant tensors: element
 * counts that refuse overflow, numpy broadcasting, 64-byte aligned zeroed
 * allocations that return NULL instead of aborting, and half / bfloat16 to
 * float conversion. It does not know about the file format (see
 * fm-onnx-proto.c) nor about ops.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-tensor.h"

#define FM_ALIGNMENT 64

gsize
fm_dtype_size (FmDType dtype)
{
  switch (dtype)
    {
    case FM_DTYPE_FLOAT:
      return sizeof (float);
    case FM_DTYPE_INT64:
      return sizeof (gint64);
    default:
      return 0;
    }
}

const char *
fm_dtype_name (FmDType dtype)
{
  switch (dtype)
    {
    case FM_DTYPE_FLOAT:
      return "float32";
    case FM_DTYPE_INT64:
      return "int64";
    default:
      return "unknown";
    }
}

gboolean
fm_shape_numel (const FmShape *shape,
                gsize          limit,
                gsize         *out_numel)
{
  gsize numel = 1;

  if (shape->rank < 0 || shape->rank > FM_MAX_RANK)
    return FALSE;

  for (int i = 0; i < shape->rank; i++)
    {
      gint64 d = shape->dims[i];

      if (d < 0 || (guint64) d > G_MAXSIZE)
        return FALSE;
      if (!g_size_checked_mul (&numel, numel, (gsize) d))
        return FALSE;
    }

  if (numel > limit)
    return FALSE;

  if (out_numel != NULL)
    *out_numel = numel;
  return TRUE;
}

gboolean
fm_shape_equal (const FmShape *a,
                const FmShape *b)
{
  if (a->rank != b->rank)
    return FALSE;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i])
      return FALSE;
  return TRUE;
}

char *
fm_shape_to_string (const FmShape *shape)
{
  GString *s = g_string_new ("[");
  int rank = CLAMP (shape->rank, 0, FM_MAX_RANK);

  for (int i = 0; i < rank; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            shape->dims[i]);
  g_string_append_c (s, ']');

  return g_string_free (s, FALSE);
}

void
fm_shape_strides (const FmShape *shape,
                  gint64        *strides)
{
  gint64 stride = 1;

  for (int i = shape->rank - 1; i >= 0; i--)
    {
      strides[i] = stride;
      stride *= shape->dims[i];
    }
}

gboolean
fm_shape_broadcast (const FmShape *a,
                    const FmShape *b,
                    FmShape       *out)
{
  FmShape r;

  if (a->rank < 0 || a->rank > FM_MAX_RANK
      || b->rank < 0 || b->rank > FM_MAX_RANK)
    return FALSE;

  r.rank = MAX (a->rank, b->rank);
  memset (r.dims, 0, sizeof r.dims);

  /* Align the trailing dims; a missing leading dim counts as 1. */
  for (int i = 0; i < r.rank; i++)
    {
      int ia = a->rank - r.rank + i;
      int ib = b->rank - r.rank + i;
      gint64 da = ia >= 0 ? a->dims[ia] : 1;
      gint64 db = ib >= 0 ? b->dims[ib] : 1;

      if (da < 0 || db < 0)
        return FALSE;
      if (da == db)
        r.dims[i] = da;
      else if (da == 1)
        r.dims[i] = db;
      else if (db == 1)
        r.dims[i] = da;
      else
        return FALSE;
    }

  *out = r;
  return TRUE;
}

FmConstTensor *
fm_const_tensor_new (FmDType        dtype,
                     const FmShape *shape,
                     GError       **error)
{
  g_autofree char *shape_str = NULL;
  FmConstTensor *t;
  gsize elem_size = fm_dtype_size (dtype);
  gsize numel;
  gsize bytes;
  gpointer data;

  if (elem_size == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("unknown tensor element type %d"), (int) dtype);
      return NULL;
    }

  if (shape->rank < 0 || shape->rank > FM_MAX_RANK)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("tensor rank %d is outside 0..%d"), shape->rank, FM_MAX_RANK);
      return NULL;
    }

  shape_str = fm_shape_to_string (shape);
  for (int i = 0; i < shape->rank; i++)
    if (shape->dims[i] < 0)
      {
        g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                     _("tensor shape %s has a negative dimension"), shape_str);
        return NULL;
      }

  if (!fm_shape_numel (shape, G_MAXSIZE, &numel)
      || !g_size_checked_mul (&bytes, numel, elem_size))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("tensor shape %s has too many elements"), shape_str);
      return NULL;
    }

  data = fm_aligned_alloc0 (bytes);
  if (data == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("out of memory for a tensor of shape %s (%zu"
                     " bytes)"), shape_str, bytes);
      return NULL;
    }

  t = g_new0 (FmConstTensor, 1);
  t->dtype = dtype;
  t->shape = *shape;
  t->numel = numel;
  t->data = data; /* [numel] of dtype */

  return t;
}

void
fm_const_tensor_free (FmConstTensor *t)
{
  if (t == NULL)
    return;
  fm_aligned_free (t->data);
  g_free (t);
}

/* Every block starts FM_ALIGNMENT bytes after a header saying how it was
 * made. Blocks of FM_MAP_MIN bytes and more (weights, packed weights, the
 * run's arena) are mapped directly and unmapped when freed, so they go
 * back to the system at once: glibc's malloc raises its mmap threshold
 * after the first large free, and from then on freed weights (Conv
 * originals released once packed, the previous model) would stay in its
 * heap and in the process's resident size. Under AddressSanitizer every
 * block comes from malloc, which ASan guards. */
#define FM_MAP_MIN ((gsize) 256 << 10)

typedef struct
{
  gsize map_size;   /* bytes mapped from the page before the block; 0 = malloc */
} BlockHeader;

G_STATIC_ASSERT (sizeof (BlockHeader) <= FM_ALIGNMENT);

#if defined(__SANITIZE_ADDRESS__)
# define FM_USE_MMAP 0
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define FM_USE_MMAP 0
# endif
#endif
#ifndef FM_USE_MMAP
# define FM_USE_MMAP 1
#endif

/* Rounds up to a whole number of 64-byte blocks (at least one), so that
 * kernels may read a full vector past the last element and a zero-sized
 * tensor still has a unique non-NULL pointer. */
gpointer
fm_aligned_alloc0 (gsize size)
{
  gpointer mem = NULL;
  BlockHeader *h;
  gsize rounded;

  if (size > G_MAXSIZE - 2 * FM_ALIGNMENT)
    return NULL;
  rounded = (size + FM_ALIGNMENT - 1) & ~(gsize) (FM_ALIGNMENT - 1);
  if (rounded == 0)
    rounded = FM_ALIGNMENT;

  if (FM_USE_MMAP && rounded >= FM_MAP_MIN)
    {
      gsize page = (gsize) sysconf (_SC_PAGESIZE);
      gsize map_size;
      guint8 *base;

      if (rounded > G_MAXSIZE - 2 * page)
        return NULL;
      map_size = (rounded + 2 * page - 1) / page * page;   /* a header page + the block */
      base = mmap (NULL, map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (base == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
      /* Weights and arenas of many megabytes: 2 MiB pages fault in 512
       * times less often (transparent huge pages are often "madvise"). */
      if (map_size >= ((gsize) 4 << 20))
        madvise (base, map_size, MADV_HUGEPAGE);
#endif
      h = (BlockHeader *) (base + page - FM_ALIGNMENT);
      h->map_size = map_size;
      return base + page;   /* mapped pages are zero */
    }

  if (posix_memalign (&mem, FM_ALIGNMENT, rounded + FM_ALIGNMENT) != 0)
    return NULL;
  h = mem;
  h->map_size = 0;
  memset ((guint8 *) mem + FM_ALIGNMENT, 0, rounded);
  return (guint8 *) mem + FM_ALIGNMENT;
}

void
fm_aligned_free (gpointer mem)
{
  BlockHeader *h;

  if (mem == NULL)
    return;
  h = (BlockHeader *) ((guint8 *) mem - FM_ALIGNMENT);
  if (h->map_size != 0)
    {
      gsize page = (gsize) sysconf (_SC_PAGESIZE);

      munmap ((guint8 *) mem - page, h->map_size);
    }
  else
    free (h);
}

static float
float_from_bits (guint32 bits)
{
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

/* IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa
 * bits. Every half value is exactly representable as a float. */
float
fm_half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exp = (h >> 10) & 0x1f;
  guint32 mant = h & 0x3ff;

  if (exp == 0x1f)
    /* inf, or nan with its payload kept in the top mantissa bits */
    return float_from_bits (sign | 0x7f800000 | (mant << 13));
  if (exp != 0)
    /* normal: rebias 15 -> 127 */
    return float_from_bits (sign | ((exp + 127 - 15) << 23) | (mant << 13));
  if (mant == 0)
    return float_from_bits (sign);

  /* subnormal: mant * 2^-24, exact in float */
  {
    float f = ldexpf ((float) mant, -24);
    return sign ? -f : f;
  }
}

/* bfloat16 is the top half of a float32. */
float
fm_bfloat16_to_float (guint16 b)
{
  return float_from_bits ((guint32) b << 16);
}

static guint16
float_to_half_bits (float f)
{
  guint32 x, absx, sign, h, rem;

  memcpy (&x, &f, sizeof x);
  sign = (x >> 16) & 0x8000;
  absx = x & 0x7fffffff;
  if (absx > 0x7f800000)
    return sign | 0x7e00;                 /* NaN */
  if (absx >= 0x477ff000)
    return sign | 0x7c00;                 /* >= 65520 rounds to infinity */
  if (absx < 0x38800000)
    {
      /* Below 2^-14: a subnormal half counts units of 2^-24. Scaling by a
       * power of two is exact; nearbyintf rounds ties to even. */
      float a;
      memcpy (&a, &absx, sizeof a);
      return sign | (guint32) nearbyintf (a * 16777216.0f);
    }
  h = (((absx >> 23) - 112) << 10) | ((absx & 0x7fffff) >> 13);
  rem = absx & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1)))
    h++;                                  /* a carry into the exponent is right */
  return sign | h;
}

float
fm_round_to_half (float f)
{
  return fm_half_to_float (float_to_half_bits (f));
}

float
fm_round_to_bfloat16 (float f)
{
  guint32 b;

  memcpy (&b, &f, sizeof b);
  if ((b & 0x7fffffff) > 0x7f800000)
    return f;
  b += 0x7fff + ((b >> 16) & 1);
  b &= 0xffff0000;
  memcpy (&f, &b, sizeof f);
  return f;
}
