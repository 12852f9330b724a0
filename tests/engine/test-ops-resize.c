/* test-ops-resize.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-op tests of Resize, Upsample, DepthToSpace, SpaceToDepth, Tile,
 * Split and Pad's reflect, edge and wrap modes: tiny graphs built in
 * memory (fm-test-graph.c), loaded and run. Expected values are worked
 * out by hand in the comments; refusals check the error code and that the
 * message names the attribute or input.
 */
#include "config.h"

#include <math.h>

#include "fm-test-graph.h"

/* Value @name of @m run on @x has shape @rank / @dims and values @want. */
static void
expect_value (FmModel      *m,
              const float  *x,
              const char   *name,
              int           rank,
              const gint64 *dims,
              const float  *want,
              gsize         n_want)
{
  fm_test_assert_shape (m, name, rank, dims);
  fm_test_check_floats (m, FM_INPUTS (x), name, 1e-5f, 0, want, n_want);
}

/* Builds @g and checks its output "y" on @x. */
#define EXPECT_Y(g, x, dims, ...) \
  fm_test_graph_check_y (g, FM_INPUTS (x), dims, 1e-5f, FM_FLOATS (__VA_ARGS__))

static const float x22[] = { 1, 2, 3, 4 };         /* [1, 1, 2, 2] */
static const float x04[] = { 0, 4 };               /* [1, 1, 1, 2] */
static const float x10[] = { 10, 20, 30, 40 };     /* [1, 1, 1, 4] */
static const float x0123[] = { 0, 1, 2, 3 };       /* [1, 1, 1, 4] */

/* Resize with scales @s (4 values) as an initializer. */
static FmOnnxNode *
resize_scales (FmTestGraph  *g,
               int           rank,
               const gint64 *dims,
               const float  *s)
{
  fm_test_graph_float (g, "scales", FM_DIMS (4), s);
  return fm_test_graph_one_node (g, "Resize", "x,,scales", rank, dims);
}

static FmOnnxNode *
resize_sizes (FmTestGraph  *g,
              int           rank,
              const gint64 *dims,
              const gint64 *sizes,
              guint         n_sizes)
{
  fm_test_graph_int64 (g, "sizes", 1, (const gint64[]) { n_sizes }, sizes);
  return fm_test_graph_one_node (g, "Resize", "x,,,sizes", rank, dims);
}

static void
test_resize_nearest_pytorch (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  FmOnnxNode *n = resize_scales (g, FM_DIMS (1, 1, 2, 2), (const float[]) { 1, 1, 2, 2 });

  /* PyTorch's nearest: asymmetric + floor, x_in = floor (x_out / 2) */
  fm_test_node_string (n, "mode", "nearest");
  fm_test_node_string (n, "coordinate_transformation_mode", "asymmetric");
  fm_test_node_string (n, "nearest_mode", "floor");
  EXPECT_Y (g, x22, FM_DIMS (1, 1, 4, 4),
            1, 1, 2, 2,  1, 1, 2, 2,  3, 3, 4, 4,  3, 3, 4, 4);
}

/* [10, 20, 30, 40] to 3 (scale 0.75), half_pixel: x_in = (o + 0.5) / 0.75
 * - 0.5 = 0.1667, 1.5, 2.8333; the modes differ at the tie 1.5. */
static void
nearest_mode (const char  *mode,
              const float *want)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  FmOnnxNode *n = resize_sizes (g, FM_DIMS (1, 1, 1, 4), (const gint64[]) { 1, 1, 1, 3 }, 4);

  fm_test_node_string (n, "nearest_mode", mode);
  fm_test_graph_check_y (g, FM_INPUTS (x10), FM_DIMS (1, 1, 1, 3), 1e-5f, want, 3);
}

static void
test_resize_nearest_modes (void)
{
  nearest_mode ("round_prefer_floor", (const float[]) { 10, 20, 40 });
  nearest_mode ("round_prefer_ceil", (const float[]) { 10, 30, 40 });
  nearest_mode ("floor", (const float[]) { 10, 20, 30 });
  nearest_mode ("ceil", (const float[]) { 20, 30, 40 });
}

static void
test_resize_linear_half_pixel (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  FmOnnxNode *n = resize_scales (g, FM_DIMS (1, 1, 1, 2), (const float[]) { 1, 1, 1, 2 });

  /* x_in = (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to the
   * edge: 0, 0.25 * 4, 0.75 * 4, 4 */
  fm_test_node_string (n, "mode", "linear");
  EXPECT_Y (g, x04, FM_DIMS (1, 1, 1, 4), 0, 1, 3, 4);
}

static void
test_resize_linear_align_corners (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (11);
  FmOnnxNode *n;

  /* opset 11: roi and scales present but empty, sizes given */
  fm_test_graph_float (g, "roi", FM_DIMS (0), NULL);
  fm_test_graph_float (g, "none", FM_DIMS (0), NULL);
  fm_test_graph_int64 (g, "sizes", FM_DIMS (4), (const gint64[]) { 1, 1, 1, 3 });
  n = fm_test_graph_one_node (g, "Resize", "x,roi,none,sizes", FM_DIMS (1, 1, 1, 2));
  /* x_in = o * (2 - 1) / (3 - 1) = 0, 0.5, 1 */
  fm_test_node_string (n, "mode", "linear");
  fm_test_node_string (n, "coordinate_transformation_mode", "align_corners");
  EXPECT_Y (g, x04, FM_DIMS (1, 1, 1, 3), 0, 2, 4);
}

static void
test_resize_cubic (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  FmOnnxNode *n = resize_scales (g, FM_DIMS (1, 1, 1, 4), (const float[]) { 1, 1, 1, 2 });

  /* asymmetric: x_in = o / 2. At a half, a = -0.75, the weights of taps
   * f-1, f, f+1, f+2 are -0.09375, 0.59375, 0.59375, -0.09375.
   * o=1: taps -1, 0, 1, 2 clamped to 0, 0, 1, 2: 0.59375 - 0.1875 = 0.40625
   * o=3: taps 0..3: 0.59375 + 1.1875 - 0.28125 = 1.5
   * o=5: taps 1, 2, 3, 3: -0.09375 + 1.1875 + 1.78125 - 0.28125 = 2.59375
   * o=7: taps 2, 3, 3, 3: -0.1875 + 1.78125 + 1.78125 - 0.28125 = 3.09375 */
  fm_test_node_string (n, "mode", "cubic");
  fm_test_node_string (n, "coordinate_transformation_mode", "asymmetric");
  EXPECT_Y (g, x0123, FM_DIMS (1, 1, 1, 8),
            0, 0.40625f, 1, 1.5f, 2, 2.59375f, 3, 3.09375f);
}

static void
test_resize_cubic_exclude_outside (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  FmOnnxNode *n = resize_scales (g, FM_DIMS (1, 1, 1, 4), (const float[]) { 1, 1, 1, 2 });

  /* as above with a = -0.5: weights at a half -0.0625, 0.5625, 0.5625,
   * -0.0625. o=1: tap -1 is dropped and the rest renormalised by
   * 1.0625: (0.5625 * 1 - 0.0625 * 2) / 1.0625 = 0.4375 / 1.0625
   * o=5: tap 4 dropped: (-0.0625 * 1 + 0.5625 * 2 + 0.5625 * 3) / 1.0625
   *      = 2.75 / 1.0625
   * o=7: taps 4, 5 dropped: (-0.0625 * 2 + 0.5625 * 3) / 0.5 = 3.125 */
  fm_test_node_string (n, "mode", "cubic");
  fm_test_node_string (n, "coordinate_transformation_mode", "asymmetric");
  fm_test_node_float (n, "cubic_coeff_a", -0.5f);
  fm_test_node_int (n, "exclude_outside", 1);
  EXPECT_Y (g, x0123, FM_DIMS (1, 1, 1, 8),
            0, 0.4375f / 1.0625f, 1, 1.5f, 2, 2.75f / 1.0625f, 3, 3.125f);
}

static void
test_resize_tf_crop_and_resize (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  FmOnnxNode *n;

  fm_test_graph_float (g, "roi", FM_DIMS (8), (const float[]) { 0, 0, 0, 0.5f, 1, 1, 1, 1.5f });
  fm_test_graph_int64 (g, "sizes", FM_DIMS (4), (const gint64[]) { 1, 1, 1, 3 });
  n = fm_test_graph_one_node (g, "Resize", "x,roi,,sizes", FM_DIMS (1, 1, 1, 4));
  /* x_in = o * (1.5 - 0.5) * 3 / 2 + 0.5 * 3 = 1.5, 3, 4.5; 4.5 is past
   * the last index 3: extrapolation_value */
  fm_test_node_string (n, "mode", "linear");
  fm_test_node_string (n, "coordinate_transformation_mode", "tf_crop_and_resize");
  fm_test_node_float (n, "extrapolation_value", 9);
  EXPECT_Y (g, x0123, FM_DIMS (1, 1, 1, 3), 1.5f, 3, 9);
}

static void
test_resize_half_pixel_symmetric (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (19);
  FmOnnxNode *n = resize_scales (g, FM_DIMS (1, 1, 1, 2), (const float[]) { 1, 1, 1, 1.7f });

  /* 2 * 1.7 = 3.4 -> 3 outputs; offset = 2 / 2 * (1 - 3 / 3.4) = 0.117647;
   * x_in = offset + (o + 0.5) / 1.7 - 0.5 = -0.088, 0.5, 1.088, clamped:
   * 0, 2, 4 (half_pixel would give 1.529 in the middle) */
  fm_test_node_string (n, "mode", "linear");
  fm_test_node_string (n, "coordinate_transformation_mode", "half_pixel_symmetric");
  EXPECT_Y (g, x04, FM_DIMS (1, 1, 1, 3), 0, 2, 4);
}

static void
test_resize_axes_keep_aspect (void)
{
  const gint64 sizes[] = { 4, 4 };
  const char *policies[] = { "stretch", "not_larger", "not_smaller" };
  /* [2, 4] to [4, 4]: ratios 2 and 1; not_larger takes 1, not_smaller 2 */
  const gint64 want[][4] = { { 1, 1, 4, 4 }, { 1, 1, 2, 4 }, { 1, 1, 4, 8 } };

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (18);
      FmOnnxNode *n = resize_sizes (g, FM_DIMS (1, 1, 2, 4), sizes, 2);
      g_autoptr(FmModel) m = NULL;

      fm_test_node_ints (n, "axes", FM_DIMS (2, -1));
      fm_test_node_string (n, "keep_aspect_ratio_policy", policies[i]);
      m = fm_test_graph_build_ok (g);
      fm_test_assert_shape (m, "y", 4, want[i]);
    }
}

static void
test_resize_opset10 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (10);

  /* asymmetric, nearest rounds up when shrinking: x_in = o / 0.75 = 0,
   * 1.33, 2.67 -> 0, 2, 3 */
  fm_test_graph_float (g, "scales", FM_DIMS (4), (const float[]) { 1, 1, 1, 0.75f });
  fm_test_graph_one_node (g, "Resize", "x,scales", FM_DIMS (1, 1, 1, 4));
  EXPECT_Y (g, x10, FM_DIMS (1, 1, 1, 3), 10, 30, 40);
}

static void
test_upsample (void)
{
  g_autoptr(FmTestGraph) g7 = fm_test_graph_new (7);
  g_autoptr(FmTestGraph) g9 = fm_test_graph_new (9);
  FmOnnxNode *n;

  /* opset 7: scales attribute; nearest repeats rows and columns */
  n = fm_test_graph_one_node (g7, "Upsample", "x", FM_DIMS (1, 1, 1, 2));
  fm_test_node_floats (n, "scales", 4, (const float[]) { 1, 1, 2, 2 });
  EXPECT_Y (g7, x04, FM_DIMS (1, 1, 2, 4), 0, 0, 4, 4, 0, 0, 4, 4);

  /* opset 9: scales input; linear, asymmetric: x_in = 0, 0.5, 1, 1.5 */
  fm_test_graph_float (g9, "scales", FM_DIMS (4), (const float[]) { 1, 1, 1, 2 });
  n = fm_test_graph_one_node (g9, "Upsample", "x,scales", FM_DIMS (1, 1, 1, 2));
  fm_test_node_string (n, "mode", "linear");
  EXPECT_Y (g9, x04, FM_DIMS (1, 1, 1, 4), 0, 2, 4, 4);
}

/* Resize with scales 2 on the last axis of a [1, 1, 1, 2] X. */
static FmOnnxNode *
resize2 (FmTestGraph *g)
{
  return resize_scales (g, FM_DIMS (1, 1, 1, 2), (const float[]) { 1, 1, 1, 2 });
}

/* Refused when string attribute @attr is @value at @opset. */
static void
refused_string (gint64      opset,
                const char *attr,
                const char *value,
                const char *fragment)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (opset);

  fm_test_node_string (resize2 (g), attr, value);
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, fragment);
}

static void
test_resize_refused_attributes (void)
{
  g_autoptr(FmTestGraph) anti = fm_test_graph_new (18);
  g_autoptr(FmTestGraph) axes13 = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) mode10 = fm_test_graph_new (10);
  g_autoptr(FmTestGraph) policy = fm_test_graph_new (18);
  FmOnnxNode *n;

  refused_string (13, "mode", "area", "mode 'area'");
  refused_string (18, "coordinate_transformation_mode", "half_pixel_symmetric",
                  "half_pixel_symmetric");
  refused_string (18, "coordinate_transformation_mode", "tf_half_pixel_for_nn",
                  "tf_half_pixel_for_nn");
  refused_string (13, "nearest_mode", "simple", "nearest_mode 'simple'");
  fm_test_node_int (resize2 (anti), "antialias", 1);
  fm_test_graph_build_fails (anti, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "antialias");
  fm_test_node_ints (resize2 (axes13), "axes", FM_DIMS (3));
  fm_test_graph_build_fails (axes13, FM_ERROR_INVALID_MODEL, "'axes'");
  /* Resize-10 knows nearest and linear only */
  fm_test_graph_float (mode10, "scales", FM_DIMS (4), (const float[]) { 1, 1, 1, 2 });
  fm_test_node_string (fm_test_graph_one_node (mode10, "Resize", "x,scales", FM_DIMS (1, 1, 1, 2)),
                       "mode", "cubic");
  fm_test_graph_build_fails (mode10, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "mode 'cubic'");
  /* keep_aspect_ratio_policy is read with sizes */
  n = resize_sizes (policy, FM_DIMS (1, 1, 1, 2), (const gint64[]) { 1, 1, 1, 3 }, 4);
  fm_test_node_string (n, "keep_aspect_ratio_policy", "fit");
  fm_test_graph_build_fails (policy, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                             "keep_aspect_ratio_policy 'fit'");
}

/* Refused with scales @s on a [1, 1, 1000, 1000] X. */
static void
refused_scales (const float *s,
                FmError      code,
                const char  *fragment)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

  resize_scales (g, FM_DIMS (1, 1, 1000, 1000), s);
  fm_test_graph_build_fails (g, code, fragment);
}

static void
test_resize_refused_inputs (void)
{
  g_autoptr(FmTestGraph) both = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) none = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) live = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) count = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) up10 = fm_test_graph_new (10);

  refused_scales ((const float[]) { 1, 1, 0, 1 }, FM_ERROR_INVALID_MODEL, "scale 0");
  refused_scales ((const float[]) { 1, 1, NAN, 1 }, FM_ERROR_INVALID_MODEL, "scale nan");
  refused_scales ((const float[]) { 1, 1, 1e30f, 1 }, FM_ERROR_INVALID_MODEL, "too large");
  /* 10^6 x 10^6 x 10^6 elements */
  refused_scales ((const float[]) { 1e6f, 1, 1000, 1000 }, FM_ERROR_LIMIT, "memory budget");
  fm_test_graph_float (both, "scales", FM_DIMS (4), (const float[]) { 1, 1, 1, 2 });
  fm_test_graph_int64 (both, "sizes", FM_DIMS (4), (const gint64[]) { 1, 1, 1, 4 });
  fm_test_graph_one_node (both, "Resize", "x,,scales,sizes", FM_DIMS (1, 1, 1, 2));
  fm_test_graph_build_fails (both, FM_ERROR_INVALID_MODEL, "exactly one of scales and sizes");
  fm_test_graph_one_node (none, "Resize", "x", FM_DIMS (1, 1, 1, 2));
  fm_test_graph_build_fails (none, FM_ERROR_INVALID_MODEL, "exactly one of scales and sizes");
  /* scales computed from the input: the output shape is unknown */
  fm_test_graph_input (live, "s", FM_DIMS (4));
  fm_test_graph_one_node (live, "Resize", "x,,s", FM_DIMS (1, 1, 1, 2));
  fm_test_graph_build_fails (live, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                             "must be known when the model loads");
  fm_test_graph_float (count, "scales", FM_DIMS (2), (const float[]) { 1, 2 });
  fm_test_graph_one_node (count, "Resize", "x,,scales", FM_DIMS (1, 1, 1, 2));
  fm_test_graph_build_fails (count, FM_ERROR_SHAPE, "scales must be 1-D with 4 values");
  fm_test_graph_float (up10, "scales", FM_DIMS (4), (const float[]) { 1, 1, 1, 2 });
  fm_test_graph_one_node (up10, "Upsample", "x,scales", FM_DIMS (1, 1, 1, 2));
  fm_test_graph_build_fails (up10, FM_ERROR_UNSUPPORTED_OP, "deprecated");
}

/* DepthToSpace, SpaceToDepth */

static const float x8[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static void
depth_to_space (const char *mode,
                const float *want)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  FmOnnxNode *n = fm_test_graph_one_node (g, "DepthToSpace", "x", FM_DIMS (1, 8, 1, 1));

  fm_test_node_int (n, "blocksize", 2);
  if (mode != NULL)
    fm_test_node_string (n, "mode", mode);
  fm_test_graph_check_y (g, FM_INPUTS (x8), FM_DIMS (1, 2, 2, 2), 1e-5f, want, 8);
}

static void
test_depth_to_space (void)
{
  /* 8 channels, blocksize 2: 2 channels of 2 x 2. DCR reads channel
   * (i * 2 + j) * 2 + c for pixel (i, j) of channel c; CRD reads
   * c * 4 + i * 2 + j (PixelShuffle) */
  depth_to_space (NULL, (const float[]) { 0, 2, 4, 6, 1, 3, 5, 7 });
  depth_to_space ("DCR", (const float[]) { 0, 2, 4, 6, 1, 3, 5, 7 });
  depth_to_space ("CRD", (const float[]) { 0, 1, 2, 3, 4, 5, 6, 7 });
}

static void
test_space_to_depth (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  FmOnnxNode *n = fm_test_graph_one_node (g, "SpaceToDepth", "x", FM_DIMS (1, 2, 2, 2));

  /* output channel (i * 2 + j) * 2 + c holds pixel (i, j) of channel c,
   * x[c * 4 + i * 2 + j]: the inverse of DCR above */
  fm_test_node_int (n, "blocksize", 2);
  EXPECT_Y (g, x8, FM_DIMS (1, 8, 1, 1), 0, 4, 1, 5, 2, 6, 3, 7);
}

static void
test_block_refused (void)
{
  g_autoptr(FmTestGraph) c3 = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) mode = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) odd = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) zero = fm_test_graph_new (13);
  FmOnnxNode *n;

  fm_test_node_int (fm_test_graph_one_node (c3, "DepthToSpace", "x", FM_DIMS (1, 3, 1, 1)),
                    "blocksize", 2);
  fm_test_graph_build_fails (c3, FM_ERROR_SHAPE, "not a multiple");
  n = fm_test_graph_one_node (mode, "DepthToSpace", "x", FM_DIMS (1, 4, 1, 1));
  fm_test_node_int (n, "blocksize", 2);
  fm_test_node_string (n, "mode", "RDC");
  fm_test_graph_build_fails (mode, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "mode 'RDC'");
  fm_test_node_int (fm_test_graph_one_node (odd, "SpaceToDepth", "x", FM_DIMS (1, 1, 3, 2)),
                    "blocksize", 2);
  fm_test_graph_build_fails (odd, FM_ERROR_SHAPE, "multiples of blocksize");
  fm_test_graph_one_node (zero, "SpaceToDepth", "x", FM_DIMS (1, 1, 2, 2));
  fm_test_graph_build_fails (zero, FM_ERROR_INVALID_MODEL, "blocksize 0");
}

/* Tile */

/* A Tile of a [2, 2] X by the @n values of @repeats, at opset 13. */
static FmTestGraph *
tile_graph (const gint64 *repeats,
            gsize         n)
{
  FmTestGraph *g = fm_test_graph_new (13);

  fm_test_graph_int64 (g, "r", 1, (const gint64[]) { (gint64) n }, repeats);
  fm_test_graph_one_node (g, "Tile", "x,r", FM_DIMS (2, 2));
  return g;
}

static void
test_tile (void)
{
  g_autoptr(FmTestGraph) g = tile_graph (FM_INT64S (2, 3));
  g_autoptr(FmTestGraph) empty = tile_graph (FM_INT64S (0, 3));

  /* [[1, 2], [3, 4]] twice down, three times across */
  EXPECT_Y (g, x22, FM_DIMS (4, 6),
            1, 2, 1, 2, 1, 2,  3, 4, 3, 4, 3, 4,
            1, 2, 1, 2, 1, 2,  3, 4, 3, 4, 3, 4);
  fm_test_graph_check_y (empty, FM_INPUTS (x22), FM_DIMS (0, 6), 1e-5f, NULL, 0);
}

static void
test_tile_refused (void)
{
  g_autoptr(FmTestGraph) neg = tile_graph (FM_INT64S (1, -1));
  g_autoptr(FmTestGraph) count = tile_graph (FM_INT64S (2));
  g_autoptr(FmTestGraph) huge = tile_graph (FM_INT64S (G_MAXINT64 / 2, 2));

  fm_test_graph_build_fails (neg, FM_ERROR_INVALID_MODEL, "repeats value -1");
  fm_test_graph_build_fails (count, FM_ERROR_SHAPE, "repeats has 1 values");
  fm_test_graph_build_fails (huge, FM_ERROR_LIMIT, "too large");
}

/* Split */

static FmModel *
split_model (FmTestGraph *g,
             const char  *outputs)
{
  fm_test_graph_outputs (g, outputs);
  return fm_test_graph_build_ok (g);
}

static const float x6[] = { 1, 2, 3, 4, 5, 6 };

static void
test_split (void)
{
  g_autoptr(FmTestGraph) g11 = fm_test_graph_new (11);
  g_autoptr(FmTestGraph) g13 = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) g18 = fm_test_graph_new (18);
  g_autoptr(FmTestGraph) eq = fm_test_graph_new (13);
  g_autoptr(FmModel) m11 = NULL, m13 = NULL, m18 = NULL, meq = NULL;
  FmOnnxNode *n;

  /* opset 11, attribute split [1, 2] on axis 1 of [[1, 2, 3], [4, 5, 6]] */
  fm_test_graph_input (g11, "x", FM_DIMS (2, 3));
  n = fm_test_graph_node (g11, "Split", "x", "a,b");
  fm_test_node_int (n, "axis", 1);
  fm_test_node_ints (n, "split", FM_DIMS (1, 2));
  m11 = split_model (g11, "a,b");
  expect_value (m11, x6, "a", FM_DIMS (2, 1), (const float[]) { 1, 4 }, 2);
  expect_value (m11, x6, "b", FM_DIMS (2, 2), (const float[]) { 2, 3, 5, 6 }, 4);

  /* opset 13, split as input [4, 2] on axis -1 of [6] */
  fm_test_graph_input (g13, "x", FM_DIMS (6));
  fm_test_graph_int64 (g13, "s", FM_DIMS (2), (const gint64[]) { 4, 2 });
  fm_test_node_int (fm_test_graph_node (g13, "Split", "x,s", "a,b"), "axis", -1);
  m13 = split_model (g13, "a,b");
  expect_value (m13, x6, "a", FM_DIMS (4), (const float[]) { 1, 2, 3, 4 }, 4);
  expect_value (m13, x6, "b", FM_DIMS (2), (const float[]) { 5, 6 }, 2);

  /* opset 18, num_outputs 3 on [5]: chunks of ceil (5 / 3) = 2, the last
   * one short: [1, 2], [3, 4], [5] */
  fm_test_graph_input (g18, "x", FM_DIMS (5));
  fm_test_node_int (fm_test_graph_node (g18, "Split", "x", "a,b,c"), "num_outputs", 3);
  m18 = split_model (g18, "a,b,c");
  expect_value (m18, x6, "a", FM_DIMS (2), (const float[]) { 1, 2 }, 2);
  expect_value (m18, x6, "b", FM_DIMS (2), (const float[]) { 3, 4 }, 2);
  expect_value (m18, x6, "c", FM_DIMS (1), (const float[]) { 5 }, 1);

  /* no split: equal parts by the number of outputs */
  fm_test_graph_input (eq, "x", FM_DIMS (6));
  fm_test_graph_node (eq, "Split", "x", "a,b,c");
  meq = split_model (eq, "a,b,c");
  expect_value (meq, x6, "c", FM_DIMS (2), (const float[]) { 5, 6 }, 2);
}

/* A Split of opset @opset on [6] into @outputs, split input @split (2
 * values) if not NULL. */
static FmOnnxNode *
split_node (FmTestGraph  *g,
            const char   *outputs,
            const gint64 *split)
{
  FmOnnxNode *n;

  fm_test_graph_input (g, "x", FM_DIMS (6));
  if (split != NULL)
    fm_test_graph_int64 (g, "s", FM_DIMS (2), split);
  n = fm_test_graph_node (g, "Split", split != NULL ? "x,s" : "x", outputs);
  fm_test_graph_outputs (g, outputs);
  return n;
}

static void
test_split_refused (void)
{
  g_autoptr(FmTestGraph) sum = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) uneven = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) num13 = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) attr13 = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) num_count = fm_test_graph_new (18);
  g_autoptr(FmTestGraph) too_many = fm_test_graph_new (18);

  split_node (sum, "a,b", (const gint64[]) { 2, 3 });
  fm_test_graph_build_fails (sum, FM_ERROR_SHAPE, "add up to 5");
  split_node (uneven, "a,b,c,d", NULL);
  fm_test_graph_build_fails (uneven, FM_ERROR_SHAPE, "cannot be split into 4");
  fm_test_node_int (split_node (num13, "a,b", NULL), "num_outputs", 2);
  fm_test_graph_build_fails (num13, FM_ERROR_INVALID_MODEL, "num_outputs");
  fm_test_node_ints (split_node (attr13, "a,b", NULL), "split", FM_DIMS (3, 3));
  fm_test_graph_build_fails (attr13, FM_ERROR_INVALID_MODEL, "split is an input");
  fm_test_node_int (split_node (num_count, "a,b", NULL), "num_outputs", 3);
  fm_test_graph_build_fails (num_count, FM_ERROR_INVALID_MODEL, "num_outputs is 3");
  /* [6] in 5: chunks of 2 leave nothing for the last two */
  fm_test_node_int (split_node (too_many, "a,b,c,d,e", NULL), "num_outputs", 5);
  fm_test_graph_build_fails (too_many, FM_ERROR_SHAPE, "cannot be split into 5");
}

/* Pad reflect, edge, wrap */

/* Pad of [1, 2, 3] ([1, 3]) by 2 on both sides of the last axis. */
static void
pad_mode (gint64       opset,
          const char  *mode,
          const float *want)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (opset);
  static const float x[] = { 1, 2, 3 };
  FmOnnxNode *n;

  if (opset < 11)
    {
      n = fm_test_graph_one_node (g, "Pad", "x", FM_DIMS (1, 3));
      fm_test_node_ints (n, "pads", FM_DIMS (0, 2, 0, 2));
    }
  else
    {
      fm_test_graph_int64 (g, "pads", FM_DIMS (4), (const gint64[]) { 0, 2, 0, 2 });
      n = fm_test_graph_one_node (g, "Pad", "x,pads", FM_DIMS (1, 3));
    }
  fm_test_node_string (n, "mode", mode);
  fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (1, 7), 1e-5f, want, 7);
}

static void
test_pad_modes (void)
{
  /* reflect mirrors without the edge element, edge repeats it, wrap
   * continues from the other end */
  pad_mode (13, "reflect", (const float[]) { 3, 2, 1, 2, 3, 2, 1 });
  pad_mode (9, "reflect", (const float[]) { 3, 2, 1, 2, 3, 2, 1 });
  pad_mode (13, "edge", (const float[]) { 1, 1, 1, 2, 3, 3, 3 });
  pad_mode (7, "edge", (const float[]) { 1, 1, 1, 2, 3, 3, 3 });
  pad_mode (19, "wrap", (const float[]) { 2, 3, 1, 2, 3, 1, 2 });
}

static void
test_pad_reflect_wide_axes (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (18);
  g_autoptr(FmTestGraph) crop = fm_test_graph_new (18);

  /* axes [1] only; reflect of [1, 2] by 3 at the begin is periodic (as
   * numpy): ... 2 1 2 | 1 2 -> [2, 1, 2, 1, 2] per row */
  fm_test_graph_int64 (g, "pads", FM_DIMS (2), (const gint64[]) { 3, 0 });
  fm_test_graph_int64 (g, "axes", FM_DIMS (1), (const gint64[]) { 1 });
  fm_test_node_string (fm_test_graph_one_node (g, "Pad", "x,pads,,axes", FM_DIMS (2, 2)),
                       "mode", "reflect");
  EXPECT_Y (g, x22, FM_DIMS (2, 5), 2, 1, 2, 1, 2,  4, 3, 4, 3, 4);

  /* edge with a crop: axis 1 loses its first column, gains one at the
   * end: [[2, 2], [4, 4]] */
  fm_test_graph_int64 (crop, "pads", FM_DIMS (4), (const gint64[]) { 0, -1, 0, 1 });
  fm_test_node_string (fm_test_graph_one_node (crop, "Pad", "x,pads", FM_DIMS (2, 2)),
                       "mode", "edge");
  EXPECT_Y (crop, x22, FM_DIMS (2, 2), 2, 2, 4, 4);
}

/* A Pad of a [2, 2] X in @mode is refused at @opset, naming the mode. */
static void
pad_mode_refused (gint64      opset,
                  const char *mode)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (opset);
  g_autofree char *fragment = g_strdup_printf ("mode '%s'", mode);

  fm_test_graph_int64 (g, "pads", FM_DIMS (4), (const gint64[]) { 0, 1, 0, 1 });
  fm_test_node_string (fm_test_graph_one_node (g, "Pad", "x,pads", FM_DIMS (2, 2)),
                       "mode", mode);
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, fragment);
}

static void
test_pad_refused (void)
{
  pad_mode_refused (19, "symmetric");
  pad_mode_refused (18, "wrap");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/ops-resize/resize/nearest-pytorch", test_resize_nearest_pytorch);
  g_test_add_func ("/engine/ops-resize/resize/nearest-modes", test_resize_nearest_modes);
  g_test_add_func ("/engine/ops-resize/resize/linear-half-pixel", test_resize_linear_half_pixel);
  g_test_add_func ("/engine/ops-resize/resize/linear-align-corners",
                   test_resize_linear_align_corners);
  g_test_add_func ("/engine/ops-resize/resize/cubic", test_resize_cubic);
  g_test_add_func ("/engine/ops-resize/resize/cubic-exclude-outside",
                   test_resize_cubic_exclude_outside);
  g_test_add_func ("/engine/ops-resize/resize/tf-crop-and-resize", test_resize_tf_crop_and_resize);
  g_test_add_func ("/engine/ops-resize/resize/half-pixel-symmetric",
                   test_resize_half_pixel_symmetric);
  g_test_add_func ("/engine/ops-resize/resize/axes-keep-aspect", test_resize_axes_keep_aspect);
  g_test_add_func ("/engine/ops-resize/resize/opset10", test_resize_opset10);
  g_test_add_func ("/engine/ops-resize/resize/refused-attributes", test_resize_refused_attributes);
  g_test_add_func ("/engine/ops-resize/resize/refused-inputs", test_resize_refused_inputs);
  g_test_add_func ("/engine/ops-resize/upsample", test_upsample);
  g_test_add_func ("/engine/ops-resize/depth-to-space", test_depth_to_space);
  g_test_add_func ("/engine/ops-resize/space-to-depth", test_space_to_depth);
  g_test_add_func ("/engine/ops-resize/block-refused", test_block_refused);
  g_test_add_func ("/engine/ops-resize/tile", test_tile);
  g_test_add_func ("/engine/ops-resize/tile-refused", test_tile_refused);
  g_test_add_func ("/engine/ops-resize/split", test_split);
  g_test_add_func ("/engine/ops-resize/split-refused", test_split_refused);
  g_test_add_func ("/engine/ops-resize/pad/modes", test_pad_modes);
  g_test_add_func ("/engine/ops-resize/pad/reflect-wide-axes", test_pad_reflect_wide_axes);
  g_test_add_func ("/engine/ops-resize/pad/refused", test_pad_refused);
  return g_test_run ();
}
