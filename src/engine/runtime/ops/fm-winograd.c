/* fm-winograd.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Winograd's F(2x2, 3x3) for 3x3 stride-1 convolutions (Lavin and Gray,
 * "Fast Algorithms for Convolutional Neural Networks", 2015). Output
 * 2x2 tile (ty, tx) reads the 4x4 input block d at (2 ty - ph, 2 tx - pw)
 * of every channel; with the weights g transformed once, at load, into
 * U = G g G^T (4x4), the tile is A^T [sum over c of U (.) B^T d B] A, so
 * each of the 16 points of the transformed tile is one matrix product
 * [M, C] x [C, tiles], done by fm_gemm_packed():
 *
 *   B^T = | 1  0 -1  0 |   G = | 1    0    0   |   A^T = | 1  1  1  0 |
 *         | 0  1  1  0 |       | 1/2  1/2  1/2 |         | 0  1 -1 -1 |
 *         | 0 -1  1  0 |       | 1/2 -1/2  1/2 |
 *         | 0  1  0 -1 |       | 0    0    1   |
 *
 * The tiles of an image go in passes of whole tile rows whose transformed
 * inputs V [16][C][tiles] and products P [16][M][tiles] take about 2 MiB
 * together (smaller passes read the transformed weights, 16 [M, C], once
 * more each, which costs more than they save on deep layers). A pass is
 * shared out by tile rows when it has enough of them (each thread
 * transforms, multiplies and writes back its own tiles, so its V and P
 * stay in its core's cache), else in two steps: the input transform by
 * channels, then the products and output transform by GEMM panels of
 * output channels. The input rows a tile row reads are first copied with
 * their padding, even columns apart from odd ones, so that the transforms,
 * vector code over 16 tiles of a tile row (fm-op-simd.h), load their 4x4
 * blocks without shuffles. The bias is added by the output transform. Every
 * output is computed in the same order whatever the threads.
 *
 * It does not do F(4x4, 3x3) (its transforms have larger constants and
 * lose about a decimal digit more), strides, dilations or groups.
 */
#include "config.h"

#include <string.h>

#include "fm-gemm.h"
#include "fm-op-conv-nd.h"
#include "fm-op-simd.h"
#include "fm-winograd.h"

#define WG_VL         FM_VL
#define WG_PASS_BYTES (2 << 20)         /* V and P of one pass */
#define WG_SHARE_TILES 48               /* fewest tiles of a share of tile rows */
/* Below these, the direct path was as fast or faster (1 thread, AVX-512,
 * 2026-12-06): 32 channels in and out, and 12 million multiply-adds
 * (3x3 taps), so MNIST's 32-channel convs at 14x14 and 7x7, and 64
 * channels at 14x14, stay direct. */
#define WG_MIN_CHANNELS 32
#define WG_MIN_MACS     12e6
/* The transformed weights take 16 floats per channel pair where the
 * direct path's take 9 (the model's own are dropped either way). The 7 C
 * M more may be at most this many times the output's M oh ow floats:
 * ResNet's last stage (512 channels at 7x7, 73 times) stays direct, or
 * ResNet-18's run would take 1.48x its weights and activations instead
 * of 1.04x (issue 7 allows 1.2x), for about 2 of the 6 ms it saves. */
#define WG_MAX_WEIGHT_GROWTH 10

gboolean
fm_winograd_fits (const FmConvParams *p)
{
  return p->kh == 3 && p->kw == 3 && p->sh == 1 && p->sw == 1 && p->dh == 1 && p->dw == 1 &&
         p->group == 1 && p->oh > 0 && p->ow > 0;
}

gboolean
fm_winograd_pays (const FmConvParams *p)
{
  const char *env = g_getenv ("FM_WINOGRAD");

  if (!fm_winograd_fits (p) || g_strcmp0 (env, "0") == 0)
    return FALSE;
  if (g_strcmp0 (env, "all") == 0)
    return TRUE;
  return p->c >= WG_MIN_CHANNELS && p->m >= WG_MIN_CHANNELS &&
         9.0 * p->n * p->c * p->m * p->oh * p->ow >= WG_MIN_MACS &&
         7 * p->c <= WG_MAX_WEIGHT_GROWTH * p->oh * p->ow;
}

/* U = G g G^T of each [3, 3] of @w [M, C, 3, 3], in double, as 16
 * GEMM-packed matrices [M, C] at @u (zeroed, @per floats each). */
static void
wg_pack_weights (const FmConvParams *p,
                 const float        *w,
                 gsize               per,
                 float              *u)
{
  /* By panels of FM_GEMM_MR rows, then channel, the rows of a panel
   * side by side in lanes the compiler makes vectors of: the MR values
   * of one (c, i, j) are one store. */
  for (gint64 m0 = 0; m0 < p->m; m0 += FM_GEMM_MR)
    {
      gint64 rows = MIN (FM_GEMM_MR, p->m - m0);
      float *panel = u + m0 * p->c;   /* element (m, c): panel[c MR + m - m0] */

      for (gint64 c = 0; c < p->c; c++)
        {
          double g[9][FM_GEMM_MR] = { { 0 } };
          double t[4][3][FM_GEMM_MR];   /* G g */

          for (gint64 r = 0; r < rows; r++)
            for (int k = 0; k < 9; k++)
              g[k][r] = w[((m0 + r) * p->c + c) * 9 + k];   /* [3, 3] */
          for (int kx = 0; kx < 3; kx++)
            for (int l = 0; l < FM_GEMM_MR; l++)
              {
                double g0 = g[kx][l], g1 = g[3 + kx][l], g2 = g[6 + kx][l];

                t[0][kx][l] = g0;
                t[1][kx][l] = 0.5 * (g0 + g1 + g2);
                t[2][kx][l] = 0.5 * (g0 - g1 + g2);
                t[3][kx][l] = g2;
              }
          for (int i = 0; i < 4; i++)   /* (G g) G^T, row i */
            {
              float *dst = panel + c * FM_GEMM_MR + 4 * i * per;

              for (gint64 r = 0; r < rows; r++)
                {
                  double t0 = t[i][0][r], t1 = t[i][1][r], t2 = t[i][2][r];

                  dst[r] = (float) t0;
                  dst[per + r] = (float) (0.5 * (t0 + t1 + t2));
                  dst[2 * per + r] = (float) (0.5 * (t0 - t1 + t2));
                  dst[3 * per + r] = (float) t2;
                }
            }
        }
    }
}

/* The tiles and the passes over them, and where the padded input rows,
 * V, P and the GEMM's row offsets sit in scratch. */
typedef struct
{
  gint64 th, tw;   /* tile rows and columns */
  gint64 rows;     /* tile rows per pass */
  gint64 ld;       /* tiles of a pass: rows * tw */
  gint64 wh;       /* floats of each half of a padded input row */
  gsize  at_xpad, at_v, at_p, at_boff, size;
} WgPlan;

static void
wg_plan (const FmConvParams *p,
         WgPlan             *plan)
{
  gsize at = 0;
  gint64 row_bytes;

  plan->th = (p->oh + 1) / 2;
  plan->tw = (p->ow + 1) / 2;
  row_bytes = 16 * (gint64) sizeof (float) * (p->c + p->m) * plan->tw;
  plan->rows = CLAMP (WG_PASS_BYTES / row_bytes, 1, plan->th);
  plan->ld = plan->rows * plan->tw;
  /* what the loads of the last WG_VL tiles reach, in whole cache lines
   * (so that shares of tile rows write none in common) */
  plan->wh = (MAX (plan->tw, WG_VL) + 1 + 15) / 16 * 16;
  plan->at_xpad = at;                             /* [shares][C][xrows][2 wh] */
  at += fm_align64 ((gsize) p->c * plan->rows * 4 * 2 * plan->wh * sizeof (float));
  plan->at_v = at;                                /* [shares][16][C][pitch] */
  at += fm_align64 (16 * (gsize) p->c * plan->ld * sizeof (float));
  plan->at_p = at;                                /* [shares][16][M][pitch] */
  at += fm_align64 (16 * (gsize) p->m * plan->ld * sizeof (float));
  plan->at_boff = at;                             /* [C] */
  at += fm_align64 ((gsize) p->c * sizeof (gint64));
  plan->size = at;
}

/* One aligned block: this struct, then the weights from the next 64
 * bytes. */
struct _FmWinograd
{
  FmConvParams p;
  WgPlan       plan;
  gsize        per;   /* floats of one packed [M, C] */
  float       *u;     /* [16][per] */
};

FmWinograd *
fm_winograd_new (const FmConvParams *p,
                 const float        *w)
{
  gsize head = fm_align64 (sizeof (FmWinograd));
  gsize per = fm_gemm_packed_a_size (p->m, p->c);
  FmWinograd *wg = fm_aligned_alloc0 (head + 16 * per * sizeof (float));

  if (wg == NULL)
    return NULL;
  wg->p = *p;
  wg_plan (p, &wg->plan);
  wg->per = per;
  wg->u = (float *) ((guint8 *) wg + head);
  wg_pack_weights (p, w, per, wg->u);
  return wg;
}

void
fm_winograd_free (FmWinograd *wg)
{
  fm_aligned_free (wg);
}

gsize
fm_winograd_get_scratch_size (const FmWinograd *wg)
{
  return wg->plan.size;
}

/* One pass of one image: tile rows [ty0, ty0 + nrows), in n_shares
 * shares of tile rows (1 when shared out by channels). Share i has its
 * own V [16][C][pitch] and P [16][M][pitch] at i * 16 C pitch and i * 16
 * M pitch (pitch: tiles of the largest share), and its padded input rows
 * [C][xrows][2 wh] at i * C xrows 2 wh, so that no two threads write the same
 * cache line of them; its tile (r, tx) is column (r - r0) tw + tx. */
typedef struct
{
  const FmConvParams *p;
  const WgPlan       *plan;
  const FmWinograd   *wg;
  const float        *x;      /* [C, h, w] */
  const float        *b;      /* [M] or NULL */
  float              *y;      /* [M, oh, ow] */
  float              *xpad;   /* padded input rows of the shares */
  float              *v;      /* V of the shares */
  float              *pr;     /* P of the shares */
  gint64             *boff;   /* [C]: c * pitch */
  gint64              ty0, nrows;
  gint64              n_shares, pitch;
  gint64              xrows;   /* input rows of a share: 2 pitch / tw + 2 */
} WgJob;

/* A share of a pass: input or output channels [c0, c1), tile rows [r0,
 * r1) (relative to ty0), and its padded input rows, V and P. */
typedef struct
{
  gint64 c0, c1, r0, r1;
  float *xpad, *v, *pr;
} WgShare;

/* The first of the WG_VL tiles computed together from tile @tx of a row
 * of @tw: @tx, or for the last ones of a row at least WG_VL long, the
 * tiles that end the row, overlapping the chunk before (the same values
 * written twice), so that every store is a whole vector. */
static inline gint64
wg_chunk (gint64 tx,
          gint64 tw)
{
  return tx + WG_VL > tw && tw >= WG_VL ? tw - WG_VL : tx;
}

/* @n floats from @src to @dst: whole vectors, then pieces of 8, 4, 2
 * and 1 (no call to memcpy for a few floats). */
static FM_SIMD_INLINE void
wg_copy (float       *dst,
         const float *src,
         gint64       n)
{
  gint64 i = 0;

  for (; i + WG_VL <= n; i += WG_VL)
    {
      FmVecF v;

      fm_vload (&v, src + i);
      fm_vstore (dst + i, &v);
    }
  for (gint64 piece = 8; piece >= 1; piece /= 2)
    if ((n - i) & piece)
      {
        memcpy (dst + i, src + i, piece * sizeof (float));
        i += piece;
      }
}

/* The first @n lanes of @v to @dst. */
static FM_SIMD_INLINE void
wg_store (float        *dst,
          const FmVecF *v,
          gint64        n)
{
  if (n == WG_VL)
    fm_vstore (dst, v);
  else
    wg_copy (dst, (const float *) v, n);
}

/* The input rows the tile rows of share @sh read, into its xpad
 * [C][xrows][2 wh]: plane c's rows from 2 (ty0 + r0) - ph, shifted right
 * by pw, zeros around, each as its even columns then its odd ones (so
 * that the 4x4 blocks of a run of tiles are plain vector loads, with no
 * shuffles, which AVX2 does lane by lane on vectors of 16). */
static FM_SIMD_INLINE void
wg_pad_rows (const WgJob   *job,
             const WgShare *sh)
{
  const FmConvParams *p = job->p;
  gint64 wh = job->plan->wh, xrows = job->xrows;
  /* input column ix is padded column ix + pw: the first at an even one is
   * ix0, n0 of them are, the first at an odd one is ix1, n1 are */
  gint64 ix0 = p->pw % 2, ix1 = 1 - ix0;
  gint64 n0 = (p->w - ix0 + 1) / 2, n1 = MAX (p->w - ix1 + 1, 0) / 2;
  gint64 k0 = (ix0 + p->pw) / 2, k1 = (ix1 + p->pw) / 2;
  FmVecF zero = { 0 };

  for (gint64 c = sh->c0; c < sh->c1; c++)
    for (gint64 i = 0; i < 2 * (sh->r1 - sh->r0) + 2; i++)
      {
        gint64 iy = 2 * (job->ty0 + sh->r0) - p->ph + i;
        float *restrict dst = sh->xpad + (c * xrows + i) * 2 * wh;
        const float *restrict src;

        for (gint64 j = 0; j < 2 * wh; j += WG_VL)
          fm_vstore (dst + j, &zero);
        if (iy < 0 || iy >= p->h)
          continue;
        src = job->x + (c * p->h + iy) * p->w;
        for (gint64 j = 0; j < n0; j++)
          dst[k0 + j] = src[ix0 + 2 * j];
        for (gint64 j = 0; j < n1; j++)
          dst[wh + k1 + j] = src[ix1 + 2 * j];
      }
}

/* V of share @sh: its input rows padded into xpad first, all of them before any is read back (a vector load
 * right after the copy's narrower stores would wait for them), then d =
 * the 4x4 blocks of WG_VL tiles of a row, one vector per element, and
 * B^T d B. */
static FM_SIMD_INLINE void
wg_input_body (const WgJob   *job,
               const WgShare *sh)
{
  const FmConvParams *p = job->p;
  gint64 tw = job->plan->tw, pitch = job->pitch, wh = job->plan->wh;
  gint64 vs = p->c * pitch;   /* floats from one V matrix to the next */

  wg_pad_rows (job, sh);
  for (gint64 c = sh->c0; c < sh->c1; c++)
    for (gint64 r = sh->r0; r < sh->r1; r++)
      for (gint64 tx = 0; tx < tw; tx += WG_VL)
        {
          gint64 tx0 = wg_chunk (tx, tw);
          gint64 n = MIN (WG_VL, tw - tx0);
          const float *src = sh->xpad + (c * job->xrows + 2 * (r - sh->r0)) * 2 * wh + tx0;
          float *dst = sh->v + c * pitch + (r - sh->r0) * tw + tx0;
          FmVecF d[4][4], t[4][4], v[16];

          for (int i = 0; i < 4; i++)   /* columns 2 tx + j: even, odd, even, odd */
            {
              fm_vload (&d[i][0], src + i * 2 * wh);
              fm_vload (&d[i][1], src + i * 2 * wh + wh);
              fm_vload (&d[i][2], src + i * 2 * wh + 1);
              fm_vload (&d[i][3], src + i * 2 * wh + wh + 1);
            }
          for (int j = 0; j < 4; j++)   /* B^T d */
            {
              t[0][j] = d[0][j] - d[2][j];
              t[1][j] = d[1][j] + d[2][j];
              t[2][j] = d[2][j] - d[1][j];
              t[3][j] = d[1][j] - d[3][j];
            }
          for (int i = 0; i < 4; i++)   /* (B^T d) B */
            {
              v[4 * i + 0] = t[i][0] - t[i][2];
              v[4 * i + 1] = t[i][1] + t[i][2];
              v[4 * i + 2] = t[i][2] - t[i][1];
              v[4 * i + 3] = t[i][1] - t[i][3];
            }
          if (n == WG_VL)
            for (int k = 0; k < 16; k++)
              fm_vstore (dst + k * vs, &v[k]);
          else
            for (int k = 0; k < 16; k++)
              wg_store (dst + k * vs, &v[k], n);
        }
}

FM_SIMD_FUNCS (wg_input, (const WgJob *job, const WgShare *sh), (job, sh))

/* An output row of WG_VL tiles, their even and odd columns interleaved:
 * @n outputs at @dst. (A loop the compiler vectorises with the shuffles
 * each level has; a shuffle of 16 floats from two vectors of 16 is lane
 * by lane with AVX2.) */
static FM_SIMD_INLINE void
wg_store_row (float        *dst,
              const FmVecF *even,
              const FmVecF *odd,
              gint64        n)
{
  float row[2 * WG_VL];
  const float *e = (const float *) even, *o = (const float *) odd;

  if (n == 2 * WG_VL)
    {
      for (int i = 0; i < WG_VL; i++)
        {
          dst[2 * i] = e[i];
          dst[2 * i + 1] = o[i];
        }
      return;
    }
  for (int i = 0; i < WG_VL; i++)
    {
      row[2 * i] = e[i];
      row[2 * i + 1] = o[i];
    }
  wg_copy (dst, row, n);
}

/* The outputs of share @sh (output channels, tile rows): A^T P A +
 * bias. */
static FM_SIMD_INLINE void
wg_output_body (const WgJob   *job,
                const WgShare *sh)
{
  const FmConvParams *p = job->p;
  gint64 tw = job->plan->tw, pitch = job->pitch;
  gint64 ps = p->m * pitch;   /* floats from one P matrix to the next */

  for (gint64 m = sh->c0; m < sh->c1; m++)
    {
      float bias = job->b != NULL ? job->b[m] : 0.0f;

      for (gint64 r = sh->r0; r < sh->r1; r++)
        {
          gint64 oy = 2 * (job->ty0 + r);
          float *yr = job->y + (m * p->oh + oy) * p->ow;

          for (gint64 tx = 0; tx < tw; tx += WG_VL)
            {
              gint64 tx0 = wg_chunk (tx, tw);
              const float *src = sh->pr + m * pitch + (r - sh->r0) * tw + tx0;
              gint64 n = MIN (2 * WG_VL, p->ow - 2 * tx0);
              FmVecF e[4][4], a[2][4], y00, y01, y10, y11;

              /* fewer than WG_VL tiles in the row: only theirs (the
               * floats after them may be another thread's) */
              if (tw - tx0 >= WG_VL)
                for (int t = 0; t < 16; t++)
                  fm_vload (&e[t / 4][t % 4], src + t * ps);
              else
                for (int t = 0; t < 16; t++)
                  {
                    e[t / 4][t % 4] = (FmVecF) { 0 };
                    wg_copy ((float *) &e[t / 4][t % 4], src + t * ps, tw - tx0);
                  }
              for (int j = 0; j < 4; j++)   /* A^T P */
                {
                  a[0][j] = e[0][j] + e[1][j] + e[2][j];
                  a[1][j] = e[1][j] - e[2][j] - e[3][j];
                }
              y00 = a[0][0] + a[0][1] + a[0][2] + bias;   /* (A^T P) A */
              y01 = a[0][1] - a[0][2] - a[0][3] + bias;
              y10 = a[1][0] + a[1][1] + a[1][2] + bias;
              y11 = a[1][1] - a[1][2] - a[1][3] + bias;
              wg_store_row (yr + 2 * tx0, &y00, &y01, n);
              if (oy + 1 < p->oh)
                wg_store_row (yr + p->ow + 2 * tx0, &y10, &y11, n);
            }
        }
    }
}

FM_SIMD_FUNCS (wg_output, (const WgJob *job, const WgShare *sh), (job, sh))

/* The 16 products for share @sh (output channels, c0 a multiple of MR;
 * the columns of its tile rows), then their output transform. */
static void
wg_products (const WgJob   *job,
             const WgShare *sh)
{
  const FmConvParams *p = job->p;
  gint64 pitch = job->pitch;

  for (int t = 0; t < 16; t++)
    {
      FmGemmPacked g = {
        .m = sh->c1 - sh->c0, .n = (sh->r1 - sh->r0) * job->plan->tw, .k = p->c,
        .ap = job->wg->u + t * job->wg->per + sh->c0 * p->c,
        .b = sh->v + t * p->c * pitch, .boff = job->boff,
        .alpha = 1.0f, .accumulate = FALSE, .bias = NULL,
        .c = sh->pr + (t * p->m + sh->c0) * pitch, .ldc = pitch,
      };

      fm_gemm_packed (&g, NULL);
    }
  wg_output (job, sh);
}

/* Share @index of @n_threads (as many as the job's shares, or more that
 * get none): tile rows, all of their work, on one thread. */
static void
wg_rows_share (gpointer data,
               guint    index,
               guint    n_threads)
{
  const WgJob *job = data;
  WgShare sh = {
    .c0 = 0, .c1 = job->p->c,
    .r0 = job->nrows * index / job->n_shares, .r1 = job->nrows * (index + 1) / job->n_shares,
    .xpad = job->xpad + index * job->p->c * job->xrows * 2 * job->plan->wh,
    .v = job->v + index * 16 * job->p->c * job->pitch,
    .pr = job->pr + index * 16 * job->p->m * job->pitch,
  };

  if ((gint64) index >= job->n_shares || sh.r0 == sh.r1)
    return;
  wg_input (job, &sh);
  sh.c1 = job->p->m;
  wg_products (job, &sh);
}

/* Too few tiles to share out: the inputs by channels, */
static void
wg_channels_range (gpointer data,
                   gint64   begin,
                   gint64   end)
{
  const WgJob *job = data;

  wg_input (job, &(WgShare) { begin, end, 0, job->nrows, job->xpad, job->v, job->pr });
}

/* then the products and outputs by GEMM panels of output channels. */
static void
wg_panels_range (gpointer data,
                 gint64   begin,
                 gint64   end)
{
  const WgJob *job = data;

  wg_products (job, &(WgShare) { begin * FM_GEMM_MR, MIN (job->p->m, end * FM_GEMM_MR),
                                 0, job->nrows, job->xpad, job->v, job->pr });
}

void
fm_winograd_run (const FmWinograd *wg,
                 const float      *x,
                 const float      *b,
                 float            *y,
                 gpointer          scratch,
                 FmThreads        *pool)
{
  const FmConvParams *p = &wg->p;
  const WgPlan *plan = &wg->plan;
  /* a share of tile rows has at least WG_SHARE_TILES tiles (columns of
   * its GEMMs) */
  gint64 grain_rows = (WG_SHARE_TILES + plan->tw - 1) / plan->tw;
  gint64 n_shares = MIN ((gint64) fm_threads_get_n (pool), plan->rows);
  gint64 rows = plan->rows;
  gint64 panels = (p->m + FM_GEMM_MR - 1) / FM_GEMM_MR;
  WgJob job = {
    .p = p, .plan = plan, .wg = wg, .b = p->has_bias ? b : NULL,
    .boff = (gint64 *) ((guint8 *) scratch + plan->at_boff),
    .xpad = (float *) ((guint8 *) scratch + plan->at_xpad),
    .v = (float *) ((guint8 *) scratch + plan->at_v),
    .pr = (float *) ((guint8 *) scratch + plan->at_p),
  };

  /* Passes shared by tile rows are as few as plan->rows allows, of about
   * the same size, and take a multiple of n_shares rows, so that each
   * share gets as many (then n_shares * pitch <= plan->ld and n_shares *
   * xrows <= 4 plan->rows). One thread takes the largest passes (a
   * smaller one can end on a sliver of a GEMM tile: 128 channels at 28x28
   * in passes of 7 rows were 5 % slower than in 9 and 5). */
  if (n_shares > 1 && rows >= 2 * grain_rows)
    {
      rows = fm_ceil_div (plan->th, fm_ceil_div (plan->th, plan->rows));
      rows = fm_ceil_div (rows, n_shares) * n_shares;
      if (rows > plan->rows)
        rows -= n_shares;
    }
  for (gint64 n = 0; n < p->n; n++)
    {
      job.x = x + n * p->c * p->h * p->w;
      job.y = y + n * p->m * p->oh * p->ow;
      for (job.ty0 = 0; job.ty0 < plan->th; job.ty0 += rows)
        {
          double tiles;

          job.nrows = MIN (rows, plan->th - job.ty0);
          job.n_shares = job.nrows >= 2 * grain_rows ? n_shares : 1;
          job.pitch = (job.nrows + job.n_shares - 1) / job.n_shares * plan->tw;
          job.xrows = 2 * job.pitch / plan->tw + 2;
          for (gint64 c = 0; c < p->c; c++)
            job.boff[c] = c * job.pitch;
          if (job.n_shares > 1 || pool == NULL)
            {
              /* each thread its own tile rows: their V and P stay in its
               * cache */
              fm_threads_run (job.n_shares > 1 ? pool : NULL, wg_rows_share, &job);
              continue;
            }
          /* per channel: about 32 flops and 80 bytes a tile; per panel:
           * 16 products of MR x C x tiles */
          tiles = (double) job.nrows * plan->tw;
          fm_threads_parallel_for (pool, p->c, fm_threads_grain (32.0 * tiles, 80.0 * tiles),
                                   wg_channels_range, &job);
          fm_threads_parallel_for (pool, panels,
                                   fm_threads_grain (32.0 * FM_GEMM_MR * p->c * tiles,
                                                     64.0 * FM_GEMM_MR * (p->c + tiles)),
                                   wg_panels_range, &job);
        }
    }
}
