/* fm-test-conv.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test helper: the random buffers of a conv checked against the naive
 * reference (fm_conv_reference()), shared by the op and GEMM tests.
 */
#pragma once

#include <glib.h>

#include "ops/fm-op-conv-private.h"

G_BEGIN_DECLS

typedef struct
{
  gsize  nx, nw, ny;   /* element counts of x, w, y */
  float *x, *w, *b;    /* random in [-1, 1), drawn in this order; b has p->m */
  float *y0, *y1;      /* ny each, not filled */
} FmTestConvBuffers;

/* A float from g_test_rand_double_range (-1, 1). */
float  fm_test_rand_float         (void);
/* @n of them in a new array; free with g_free(). */
float *fm_test_rand_floats        (gsize               n);

/* Sizes and fills @t for the finished params @p. */
void   fm_test_conv_buffers_init  (FmTestConvBuffers  *t,
                                   const FmConvParams *p);
void   fm_test_conv_buffers_clear (FmTestConvBuffers  *t);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FmTestConvBuffers, fm_test_conv_buffers_clear)

/* Every field of @p on one line, for failure messages. */
char  *fm_test_conv_describe      (const FmConvParams *p);

G_END_DECLS
