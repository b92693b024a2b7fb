/* deconv_avx2.c — AVX2+FMA strided transposed convolution with prepacked weights.
 *
 * The output is split into stride_h x stride_w phases. Output row oy = ry + j*sh
 * (phase ry) only receives the taps ky = ky0 + t*step (step = sh/gcd(sh,dh)) with
 * (ry + pad_top - ky*dh) divisible by sh, and tap t reads input row
 * iy = j + off0 - t*dl (dl = dh/gcd(sh,dh)). The same holds along x. So every
 * phase is a dense (gather-form) convolution of the input with a sub-kernel
 * (phases without taps get the bias), computed by register-blocked
 * micro-kernels on weights packed once per phase:
 *
 * - NHWC: output channels along the lanes: a tile of 16 (2 ymm) output
 *   channels x M <= 6 pixels of one phase row (12 accumulators), 24 x 4 for
 *   the last 17..24 channels, or 8 x 12 for the last <= 8 channels (see
 *   nhwc_tile_w); inputs broadcast, weights [tap][ic][16|24|8] zero padded
 *   past oc_g; masked stores for channel tails.
 * - NHWC "dot" (oc_g <= 4, ic_g >= 8): input channels along the lanes, P
 *   pixels x O output channels of dot products, weights [o][tap][ic pad 8],
 *   masked loads for the channel tail, horizontal sums at the end.
 * - NCHW: pixels of one phase row along the lanes: MO <= 4 output channels x
 *   NV vectors of 8 pixels (12 accumulators; 8 for MO = 1), weights broadcast
 *   from [tap][ic][4]. Input rows are first copied to a stack tile (<= 64 KiB,
 *   [ic][row][column], shared by all x phases and by a band of up to 8 phase
 *   rows) with zeros outside the input, so the borders need no special path.
 *   Stride 2: both x phases go through a small stack buffer and are
 *   interleaved with shuffles. oc_g == 1: x phases with the same input columns
 *   are merged into the lanes of one channel block (shared input loads).
 *
 * - NCHW GEMM (kernel == stride, stride 2 along x, no pads, >= 16 input
 *   channels, e.g. U-Net k2 s2): every phase is a 1x1 convolution, i.e. a
 *   GEMM over the flattened input pixels; panels of 24 pixels x <= 128
 *   channels packed on the stack, output-channel blocks whose weights stay in
 *   L2, accumulators of the block in a stack buffer across the channel
 *   chunks; micro-kernel 2 oc x both x phases x 3 vectors, x phases
 *   interleaved with shuffles on the way out (nchw_gemm).
 * - NCHW shifted GEMM (stride 2 along x with equal x tap counts, e.g. k4 s2
 *   p1, all weights finite, few pixels per phase for the channel count): per
 *   y phase, K = (tap, channel); one zero-padded panel per tap and x phase
 *   (nchw_gemm2).
 *
 * Zeros for out-of-range inputs are used only when every weight is finite
 * (0 * inf would be NaN where the reference has no term); otherwise, and in
 * NHWC, pixels whose taps partly fall outside the input (the borders of each
 * phase row) run the kernels with the tap range clipped per pixel, so no
 * out-of-range tap is ever multiplied. Kernels with fewer than 8 accumulators
 * alternate two accumulator sets over the channels (FMA latency).
 *
 * Packed buffer: a 64-byte header (int32 all-weights-finite flag), the bias
 * [groups][ocpad], the weights [groups][ry][rx][oc tile][ty][tx][ic][tile]
 * (dot: [groups][ry][rx][o][ty][tx][ic pad 8]) and, for NCHW with oc_g == 1,
 * the merged-phase copy. run never allocates (stack only, <= ~90 KiB) and
 * never writes to the packed buffer, so one plan may run on several threads.
 */
#include <immintrin.h>

#include "../kernels/kernel.h"

#define AI static inline __attribute__((always_inline))

/* Keeps a loaded vector in a register: without it GCC may fold the load into
 * each FMA that uses it (one load per FMA instead of one per vector). */
#define KEEP(v) __asm__("" : "+x"(v))

/* ----------------------------------------------------------------- phases */

/* Taps of one phase along one axis: k = k0 + t*step for t < n, reading input
 * coordinate j + off0 - t*dl for phase-output index j. */
typedef struct axis_phase {
  ptrdiff_t n, off0, dl, k0, step;
} axis_phase;

static size_t gcd_sz(size_t a, size_t b) {
  while (b) {
    size_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static void phase_of(size_t r, size_t pad, size_t k, size_t s, size_t d, axis_phase *a) {
  const size_t gc = gcd_sz(s, d);
  const size_t step = s / gc;
  a->n = 0;
  a->off0 = 0;
  a->dl = (ptrdiff_t)(d / gc);
  a->k0 = 0;
  a->step = (ptrdiff_t)step;
  for (size_t kk = 0; kk < step && kk < k; kk++) {
    const ptrdiff_t num = (ptrdiff_t)r + (ptrdiff_t)pad - (ptrdiff_t)(kk * d);
    if (num % (ptrdiff_t)s == 0) {
      a->k0 = (ptrdiff_t)kk;
      a->n = (ptrdiff_t)((k - 1 - kk) / step + 1);
      a->off0 = num / (ptrdiff_t)s;
      return;
    }
  }
}

/* Taps [*t0, *t1) of `a` valid at phase index j for an input of `in`. */
static inline void tap_range(const axis_phase *a, ptrdiff_t j, ptrdiff_t in, ptrdiff_t *t0,
                             ptrdiff_t *t1) {
  const ptrdiff_t v = j + a->off0; /* input coordinate of tap 0 */
  ptrdiff_t hi = v < 0 ? 0 : v / a->dl + 1;
  if (hi > a->n) hi = a->n;
  ptrdiff_t lo = v - (in - 1) <= 0 ? 0 : (v - (in - 1) + a->dl - 1) / a->dl;
  if (lo > hi) lo = hi;
  *t0 = lo;
  *t1 = hi;
}

/* Number of phases actually present along an axis (phases >= out are empty). */
static inline size_t n_phases(size_t s, size_t out) { return s < out ? s : out; }

/* Sum over the present phases of the tap counts along one axis. */
static size_t taps_all(size_t k, size_t s, size_t d, size_t pad, size_t out) {
  size_t t = 0;
  const size_t np = n_phases(s, out);
  for (size_t r = 0; r < np; r++) {
    axis_phase a;
    phase_of(r, pad, k, s, d, &a);
    t += (size_t)a.n;
  }
  return t;
}

/* NHWC output-channel tiles, from oc0 with rem = oc_g - oc0 channels left:
 * 16 while more than 24 remain, then one tile of 24 (17..24 left), 16 (9..16)
 * or 8 (1..8). Padded lanes hold zero weights and are never stored. */
static inline size_t nhwc_tile_w(size_t rem) {
  return rem > 24 ? 16 : rem > 16 ? 24 : rem > 8 ? 16 : 8;
}
static inline size_t nhwc_ocpad(size_t oc) {
  const size_t r = oc % 16;
  return oc - r + (r == 0 ? 0 : r > 8 ? 16 : 8);
}
static inline size_t nchw_ocpad(size_t oc) { return (oc + 3) & ~(size_t)3; }
/* NHWC with few output channels and enough input channels: vectorise over
 * the input channels (dot products) instead of the output channels. */
static inline int dot_mode(const ups_deconv_geom *g) {
  return g->nhwc && g->oc_g <= 4 && g->ic_g >= 8;
}
static inline size_t icpad8(size_t ic) { return (ic + 7) & ~(size_t)7; }
/* Bias floats per group (also the packed output-channel count). */
static inline size_t ocpad_of(const ups_deconv_geom *g) {
  return dot_mode(g) ? g->oc_g : g->nhwc ? nhwc_ocpad(g->oc_g) : nchw_ocpad(g->oc_g);
}
/* Packed input channels per tap (and output channel / lane). */
static inline size_t icpad_of(const ups_deconv_geom *g) {
  return dot_mode(g) ? icpad8(g->ic_g) : g->ic_g;
}
/* The packed buffer starts with a 64-byte header: int32 [0] = 1 when every
 * weight is finite (then an out-of-range input may be read as 0: 0*w == 0). */
#define HEADER_FLOATS 16

/* NCHW with one output channel per group: consecutive x phases with the same
 * input columns (tap count, offset and width) are merged into the 4 lanes of
 * one kernel "channel block" (they then share every input load). The packed
 * buffer holds these merged weights after the per-phase ones, at the same
 * offsets: block of phases rx0.. at phase rx0's place, [ty][tx][ic][4]. */
static inline int merge_mode(const ups_deconv_geom *g) { return !g->nhwc && g->oc_g == 1; }

/* Number of phases merged with rx0 (1..4). */
static size_t merge_len(const ups_deconv_geom *g, size_t rx0, size_t npw) {
  axis_phase a0, a;
  phase_of(rx0, g->pad_left, g->kw, g->sw, g->dw, &a0);
  const size_t nw0 = (g->out_w - rx0 + g->sw - 1) / g->sw;
  size_t m = 1;
  while (m < 4 && rx0 + m < npw) {
    phase_of(rx0 + m, g->pad_left, g->kw, g->sw, g->dw, &a);
    if (a.n != a0.n || a.off0 != a0.off0 || (g->out_w - (rx0 + m) + g->sw - 1) / g->sw != nw0)
      break;
    m++;
  }
  return m;
}

static int mul_ok(size_t a, size_t b, size_t *r) {
  if (a != 0 && b > (size_t)-1 / a) return 0;
  *r = a * b;
  return 1;
}

/* Floats of packed weights of one group (all phases). */
static int group_floats(const ups_deconv_geom *g, size_t *r) {
  const size_t ky = taps_all(g->kh, g->sh, g->dh, g->pad_top, g->out_h);
  const size_t kx = taps_all(g->kw, g->sw, g->dw, g->pad_left, g->out_w);
  size_t t;
  return mul_ok(ky, kx, &t) && mul_ok(t, icpad_of(g), &t) && mul_ok(t, ocpad_of(g), r);
}

size_t ups_deconv_packed_bytes_avx2(const ups_deconv_geom *g) {
  size_t gf, all, bias;
  if (!group_floats(g, &gf) || !mul_ok(gf, g->groups * (merge_mode(g) ? 2 : 1), &all) ||
      !mul_ok(g->groups, ocpad_of(g), &bias) || bias > (size_t)-1 - HEADER_FLOATS ||
      (bias += HEADER_FLOATS, all > (size_t)-1 - bias) ||
      !mul_ok(all + bias, sizeof(float), &all))
    return (size_t)-1; /* the plan's allocation fails: UPS_ERR_NOMEM */
  return all;
}

void ups_deconv_pack_avx2(const ups_deconv_geom *g, const float *w, const float *bias,
                          void *packed) {
  float *p = packed;
  const size_t ocpad = ocpad_of(g), oc = g->oc_g, icg = g->ic_g, kk = g->kh * g->kw;
  int32_t finite = 1;
  const size_t we = g->groups * icg * oc * kk;
  for (size_t i = 0; i < we; i++) {
    union {
      float f;
      uint32_t u;
    } b = {w[i]};
    if ((b.u & 0x7f800000u) == 0x7f800000u) finite = 0;
  }
  for (size_t i = 0; i < HEADER_FLOATS; i++) p[i] = 0.0f;
  ((int32_t *)packed)[0] = finite;
  p += HEADER_FLOATS;
  for (size_t grp = 0; grp < g->groups; grp++)
    for (size_t o = 0; o < ocpad; o++)
      *p++ = (bias && o < oc) ? bias[grp * oc + o] : 0.0f;
  const size_t nph = n_phases(g->sh, g->out_h), npw = n_phases(g->sw, g->out_w);
  for (size_t grp = 0; grp < g->groups; grp++) {
    const float *wg = w + grp * icg * oc * kk;
    for (size_t ry = 0; ry < nph; ry++) {
      axis_phase ay;
      phase_of(ry, g->pad_top, g->kh, g->sh, g->dh, &ay);
      /* A y phase without taps packs nothing for any x phase: skipping it keeps
       * packing linear in the stride (at most kh y phases have taps), where
       * visiting every (ry, rx) pair took seconds for strides ~16k. */
      if (ay.n == 0) continue;
      for (size_t rx = 0; rx < npw; rx++) {
        axis_phase ax;
        phase_of(rx, g->pad_left, g->kw, g->sw, g->dw, &ax);
        if (dot_mode(g)) { /* [o][ty][tx][ic padded to 8] */
          const size_t icp = icpad8(icg);
          for (size_t o = 0; o < oc; o++)
            for (ptrdiff_t ty = 0; ty < ay.n; ty++)
              for (ptrdiff_t tx = 0; tx < ax.n; tx++) {
                const size_t ky = (size_t)(ay.k0 + ty * ay.step);
                const size_t kx = (size_t)(ax.k0 + tx * ax.step);
                for (size_t c = 0; c < icp; c++)
                  *p++ = c < icg ? wg[(c * oc + o) * kk + ky * g->kw + kx] : 0.0f;
              }
          continue;
        }
        for (size_t oc0 = 0; oc0 < ocpad;) {
          const size_t T = g->nhwc ? nhwc_tile_w(oc - oc0) : 4;
          for (ptrdiff_t ty = 0; ty < ay.n; ty++)
            for (ptrdiff_t tx = 0; tx < ax.n; tx++) {
              const size_t ky = (size_t)(ay.k0 + ty * ay.step), kx = (size_t)(ax.k0 + tx * ax.step);
              for (size_t c = 0; c < icg; c++)
                for (size_t l = 0; l < T; l++) {
                  const size_t o = oc0 + l;
                  *p++ = o < oc ? wg[(c * oc + o) * kk + ky * g->kw + kx] : 0.0f;
                }
            }
          oc0 += T;
        }
      }
    }
  }
  if (!merge_mode(g)) return;
  /* merged phases (oc_g == 1, NCHW): the bias in all 4 lanes, then the
   * weights, block of rx0.. at the place of phase rx0 */
  float *pb = (float *)packed + HEADER_FLOATS;
  for (size_t grp = 0; grp < g->groups; grp++)
    for (size_t l = 0; l < 4; l++) pb[grp * 4 + l] = bias ? bias[grp] : 0.0f;
  for (size_t grp = 0; grp < g->groups; grp++) {
    const float *wg = w + grp * icg * kk;
    for (size_t ry = 0; ry < nph; ry++) {
      axis_phase ay;
      phase_of(ry, g->pad_top, g->kh, g->sh, g->dh, &ay);
      if (ay.n == 0) continue; /* packs nothing (see above) */
      size_t m = 1;
      for (size_t rx0 = 0; rx0 < npw; rx0 += m) {
        m = merge_len(g, rx0, npw);
        axis_phase ax[4];
        for (size_t l = 0; l < m; l++) phase_of(rx0 + l, g->pad_left, g->kw, g->sw, g->dw, &ax[l]);
        float *q = p;
        for (ptrdiff_t ty = 0; ty < ay.n; ty++)
          for (ptrdiff_t tx = 0; tx < ax[0].n; tx++) {
            const size_t ky = (size_t)(ay.k0 + ty * ay.step);
            for (size_t c = 0; c < icg; c++)
              for (size_t l = 0; l < 4; l++)
                *q++ = l < m ? wg[c * kk + ky * g->kw + (size_t)(ax[l].k0 + tx * ax[l].step)]
                             : 0.0f;
          }
        for (size_t l = 0; l < m; l++) p += (size_t)(ay.n * ax[l].n) * icg * 4;
      }
    }
  }
}

static inline __m256i lane_mask(ptrdiff_t cnt) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)cnt), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* ------------------------------------------------------------------- NHWC */

typedef struct nhwc_args {
  const float *x;   /* input at pixel 0, tap (t0y, t0x), channel 0 of the group */
  ptrdiff_t x_ty, x_tx, x_p; /* input steps per ty, tx, pixel (floats) */
  ptrdiff_t nty, ntx;        /* taps to run */
  const float *w;   /* weights of the tile at tap (t0y, t0x) */
  ptrdiff_t w_ty, w_tx;      /* weight steps per ty, tx */
  ptrdiff_t ic;
  const float *bias; /* tile's bias (padded) */
  float *y;          /* output at pixel 0, first channel of the tile */
  ptrdiff_t y_p;     /* output step per pixel */
  ptrdiff_t nvalid;  /* valid output channels in the tile */
} nhwc_args;

/* One channel step: acc[p][v] += x[p][0] * w[v]. */
AI void nhwc_step(const int W, const int M, __m256 acc[12][3], const float *x, ptrdiff_t xp,
                  const float *w) {
  __m256 wv[3];
  _Pragma("GCC unroll 12")
  for (int v = 0; v < W; v++) wv[v] = _mm256_loadu_ps(w + 8 * v);
  _Pragma("GCC unroll 12")
  for (int p = 0; p < M; p++) {
    const __m256 b = _mm256_broadcast_ss(x + p * xp);
    _Pragma("GCC unroll 12")
    for (int v = 0; v < W; v++) acc[p][v] = _mm256_fmadd_ps(b, wv[v], acc[p][v]);
  }
}

/* M pixels x W vectors of 8 output channels. Fewer than 8 accumulators (border
 * pixels, short rows) split the channel loop over two accumulator sets to
 * cover the FMA latency. */
AI void nhwc_body(const int W, const int M, const nhwc_args *a) {
  __m256 acc[12][3]; /* fixed size: scalarised once M, W are constants */
  __m256 acc2[12][3];
  _Pragma("GCC unroll 12")
  for (int v = 0; v < W; v++) {
    const __m256 b = _mm256_loadu_ps(a->bias + 8 * v);
    _Pragma("GCC unroll 12")
    for (int p = 0; p < M; p++) acc[p][v] = b, acc2[p][v] = _mm256_setzero_ps();
  }
  const ptrdiff_t ic = a->ic, xp = a->x_p;
  for (ptrdiff_t ty = 0; ty < a->nty; ty++)
    for (ptrdiff_t tx = 0; tx < a->ntx; tx++) {
      const float *x = a->x + ty * a->x_ty + tx * a->x_tx;
      const float *w = a->w + ty * a->w_ty + tx * a->w_tx;
      ptrdiff_t c = 0;
      if (W * M < 8)
        for (; c + 2 <= ic; c += 2) {
          nhwc_step(W, M, acc, x, xp, w);
          nhwc_step(W, M, acc2, x + 1, xp, w + 8 * W);
          x += 2;
          w += 16 * W;
        }
      for (; c < ic; c++) {
        nhwc_step(W, M, acc, x, xp, w);
        x++;
        w += 8 * W;
      }
    }
  if (W * M < 8)
    _Pragma("GCC unroll 12")
    for (int p = 0; p < M; p++)
      _Pragma("GCC unroll 12")
      for (int v = 0; v < W; v++) acc[p][v] = _mm256_add_ps(acc[p][v], acc2[p][v]);
  float *y = a->y;
  if (a->nvalid >= 8 * W) {
    _Pragma("GCC unroll 12")
    for (int p = 0; p < M; p++)
      _Pragma("GCC unroll 12")
      for (int v = 0; v < W; v++) _mm256_storeu_ps(y + p * a->y_p + 8 * v, acc[p][v]);
  } else {
    _Pragma("GCC unroll 12")
    for (int v = 0; v < W; v++) {
      const ptrdiff_t cnt = a->nvalid - 8 * v;
      if (cnt <= 0) break;
      if (cnt >= 8) {
        _Pragma("GCC unroll 12")
        for (int p = 0; p < M; p++) _mm256_storeu_ps(y + p * a->y_p + 8 * v, acc[p][v]);
      } else {
        const __m256i m = lane_mask(cnt);
        _Pragma("GCC unroll 12")
        for (int p = 0; p < M; p++) _mm256_maskstore_ps(y + p * a->y_p + 8 * v, m, acc[p][v]);
      }
    }
  }
}

typedef void (*nhwc_fn)(const nhwc_args *a);
#define NHWC_FN(W, M) \
  static void nhwc_w##W##_m##M(const nhwc_args *a) { nhwc_body(W, M, a); }
NHWC_FN(2, 1) NHWC_FN(2, 2) NHWC_FN(2, 3) NHWC_FN(2, 4) NHWC_FN(2, 5) NHWC_FN(2, 6)
NHWC_FN(1, 1) NHWC_FN(1, 2) NHWC_FN(1, 3) NHWC_FN(1, 4) NHWC_FN(1, 5) NHWC_FN(1, 6)
NHWC_FN(1, 7) NHWC_FN(1, 8) NHWC_FN(1, 9) NHWC_FN(1, 10) NHWC_FN(1, 11) NHWC_FN(1, 12)
NHWC_FN(3, 1) NHWC_FN(3, 2) NHWC_FN(3, 3) NHWC_FN(3, 4)
static const nhwc_fn nhwc_w3[5] = {NULL, nhwc_w3_m1, nhwc_w3_m2, nhwc_w3_m3, nhwc_w3_m4};
static const nhwc_fn nhwc_w2[7] = {NULL, nhwc_w2_m1, nhwc_w2_m2, nhwc_w2_m3,
                                   nhwc_w2_m4, nhwc_w2_m5, nhwc_w2_m6};
static const nhwc_fn nhwc_w1[13] = {NULL, nhwc_w1_m1, nhwc_w1_m2, nhwc_w1_m3, nhwc_w1_m4,
                                    nhwc_w1_m5, nhwc_w1_m6, nhwc_w1_m7, nhwc_w1_m8,
                                    nhwc_w1_m9, nhwc_w1_m10, nhwc_w1_m11, nhwc_w1_m12};

/* Everything about one phase row of one group and image. */
typedef struct row_ctx {
  const ups_deconv_geom *g;
  const float *x_row; /* input at (n, iy of tap t0y, ix 0, group's channel 0) */
  ptrdiff_t x_ty;
  const float *wph;   /* packed weights of the phase (group's) */
  const float *bias;  /* group's padded bias */
  float *y_row;       /* output at (n, oy, ox = rx, group's channel 0) */
  axis_phase ax;
  ptrdiff_t t0y, nty, ntaps_x, ntaps; /* ntaps = ay.n * ax.n (packed tap count) */
  ptrdiff_t noc;      /* NCHW kernels: output channels (or merged phases) to run */
  ptrdiff_t oc_lo, oc_hi; /* NHWC: the output channels (whole tiles) to compute */
} row_ctx;

#ifndef NHWC_CHUNK
#define NHWC_CHUNK 24 /* pixels per pass over the output-channel tiles */
#endif

/* Block sizes of at most mmax pixels, avoiding a short last block. */
static inline ptrdiff_t block_of(ptrdiff_t rem, ptrdiff_t mmax) {
  if (rem > mmax && rem < mmax + mmax / 2 + 1) return rem / 2;
  return rem < mmax ? rem : mmax;
}

/* Pixels [i, i+m) of the phase row, taps [tx0, tx1) along x, every oc tile
 * (the tiles [oc_lo, oc_hi) of r). */
static void nhwc_pixels(const row_ctx *r, ptrdiff_t i, ptrdiff_t m, ptrdiff_t tx0, ptrdiff_t tx1) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, oc = (ptrdiff_t)g->oc_g;
  nhwc_args a;
  const ptrdiff_t ix0 = i + r->ax.off0 - tx0 * r->ax.dl;
  a.x_ty = r->x_ty;
  a.x_tx = -r->ax.dl * cin;
  a.x_p = cin;
  a.nty = r->nty;
  a.ntx = tx1 - tx0;
  a.ic = icg;
  a.y_p = (ptrdiff_t)g->sw * cout;
  float *y = r->y_row + i * a.y_p;
  /* chunks of pixels: their inputs stay in L1 over the tiles, each tile's
   * weights over the chunk's blocks */
  for (ptrdiff_t c0 = 0; c0 < m;) {
    ptrdiff_t c1 = m - c0 <= NHWC_CHUNK + NHWC_CHUNK / 2 ? m : c0 + NHWC_CHUNK;
    for (ptrdiff_t oc0 = r->oc_lo; oc0 < r->oc_hi;) {
      const ptrdiff_t T = (ptrdiff_t)nhwc_tile_w((size_t)(oc - oc0));
      a.w = r->wph + r->ntaps * icg * oc0 + (r->t0y * r->ntaps_x + tx0) * icg * T;
      a.w_ty = r->ntaps_x * icg * T;
      a.w_tx = icg * T;
      a.bias = r->bias + oc0;
      a.nvalid = oc - oc0;
      const ptrdiff_t mmax = T == 24 ? 4 : T == 16 ? 6 : 12;
      for (ptrdiff_t p = c0; p < c1;) {
        const ptrdiff_t mm = block_of(c1 - p, mmax);
        a.x = r->x_row + (ix0 + p) * cin;
        a.y = y + p * a.y_p + oc0;
        (T == 24 ? nhwc_w3 : T == 16 ? nhwc_w2 : nhwc_w1)[mm](&a);
        p += mm;
      }
      oc0 += T;
    }
    c0 = c1;
  }
}

/* -------------------------------------------------------------- NHWC dot */

/* P pixels x O output channels, vectorised over the input channels:
 * acc[p][o] += x[p][c..c+8) * w[o][c..c+8); then horizontal sums. KS = 2
 * splits the channel loop over two accumulator sets (latency of few chains). */
typedef struct dot_args {
  const float *x;   /* pixel 0, tap (t0y, t0x), channel 0 of the group */
  ptrdiff_t x_ty, x_tx, x_p;
  ptrdiff_t nty, ntx, ic;
  const float *w;   /* o = 0, tap (t0y, t0x) */
  ptrdiff_t w_o, w_ty, w_tx;
  const float *bias;
  float *y;
  ptrdiff_t y_p;
} dot_args;

static inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

AI void dot_step(const int P, const int O, __m256 acc[12][4], const float *x, ptrdiff_t xp,
                 const float *w, ptrdiff_t wo, int masked, __m256i m) {
  if (O <= P) {
    __m256 wv[4];
    _Pragma("GCC unroll 12")
    for (int o = 0; o < O; o++) wv[o] = _mm256_loadu_ps(w + o * wo);
    _Pragma("GCC unroll 12")
    for (int p = 0; p < P; p++) {
      __m256 xv = masked ? _mm256_maskload_ps(x + p * xp, m) : _mm256_loadu_ps(x + p * xp);
      if (O > 1) KEEP(xv);
      _Pragma("GCC unroll 12")
      for (int o = 0; o < O; o++) acc[p][o] = _mm256_fmadd_ps(xv, wv[o], acc[p][o]);
    }
  } else {
    __m256 xv[12];
    _Pragma("GCC unroll 12")
    for (int p = 0; p < P; p++) {
      xv[p] = masked ? _mm256_maskload_ps(x + p * xp, m) : _mm256_loadu_ps(x + p * xp);
      if (O > 1) KEEP(xv[p]);
    }
    _Pragma("GCC unroll 12")
    for (int o = 0; o < O; o++) {
      const __m256 wv = _mm256_loadu_ps(w + o * wo);
      _Pragma("GCC unroll 12")
      for (int p = 0; p < P; p++) acc[p][o] = _mm256_fmadd_ps(xv[p], wv, acc[p][o]);
    }
  }
}

AI void dot_body(const int P, const int O, const int KS, const dot_args *a) {
  __m256 acc[12][4], acc2[12][4];
  _Pragma("GCC unroll 12")
  for (int p = 0; p < P; p++)
    _Pragma("GCC unroll 12")
    for (int o = 0; o < O; o++) acc[p][o] = acc2[p][o] = _mm256_setzero_ps();
  const ptrdiff_t ic = a->ic, full = ic & ~(ptrdiff_t)7, xp = a->x_p, wo = a->w_o;
  const __m256i m = lane_mask(ic - full);
  for (ptrdiff_t ty = 0; ty < a->nty; ty++)
    for (ptrdiff_t tx = 0; tx < a->ntx; tx++) {
      const float *x = a->x + ty * a->x_ty + tx * a->x_tx;
      const float *w = a->w + ty * a->w_ty + tx * a->w_tx;
      ptrdiff_t c = 0;
      if (KS == 2)
        for (; c + 16 <= full; c += 16) {
          dot_step(P, O, acc, x + c, xp, w + c, wo, 0, m);
          dot_step(P, O, acc2, x + c + 8, xp, w + c + 8, wo, 0, m);
        }
      for (; c < full; c += 8) dot_step(P, O, acc, x + c, xp, w + c, wo, 0, m);
      if (c < ic) dot_step(P, O, acc, x + c, xp, w + c, wo, 1, m);
    }
  _Pragma("GCC unroll 12")
  for (int p = 0; p < P; p++)
    _Pragma("GCC unroll 12")
    for (int o = 0; o < O; o++) {
      const __m256 t = KS == 2 ? _mm256_add_ps(acc[p][o], acc2[p][o]) : acc[p][o];
      a->y[p * a->y_p + o] = a->bias[o] + hsum8(t);
    }
}

typedef void (*dot_fn)(const dot_args *a);
#define DOT_FN(P, O, KS) \
  static void dot_p##P##_o##O(const dot_args *a) { dot_body(P, O, KS, a); }
DOT_FN(1, 1, 2) DOT_FN(2, 1, 2) DOT_FN(3, 1, 2) DOT_FN(4, 1, 2) DOT_FN(5, 1, 2)
DOT_FN(6, 1, 2) DOT_FN(7, 1, 2) DOT_FN(8, 1, 1)
DOT_FN(1, 2, 2) DOT_FN(2, 2, 2) DOT_FN(3, 2, 2) DOT_FN(4, 2, 1) DOT_FN(5, 2, 1)
DOT_FN(6, 2, 1)
DOT_FN(1, 3, 2) DOT_FN(2, 3, 2) DOT_FN(3, 3, 1) DOT_FN(4, 3, 1)
DOT_FN(1, 4, 2) DOT_FN(2, 4, 1) DOT_FN(3, 4, 1)
static const int dot_pmax[5] = {0, 8, 6, 4, 3};
static const dot_fn dot_tab[5][9] = {
    {NULL},
    {NULL, dot_p1_o1, dot_p2_o1, dot_p3_o1, dot_p4_o1, dot_p5_o1, dot_p6_o1, dot_p7_o1,
     dot_p8_o1},
    {NULL, dot_p1_o2, dot_p2_o2, dot_p3_o2, dot_p4_o2, dot_p5_o2, dot_p6_o2},
    {NULL, dot_p1_o3, dot_p2_o3, dot_p3_o3, dot_p4_o3},
    {NULL, dot_p1_o4, dot_p2_o4, dot_p3_o4}};

/* Pixels [i, i+m) of the phase row, taps [tx0, tx1) along x, all channels. */
static void dot_pixels(const row_ctx *r, ptrdiff_t i, ptrdiff_t m, ptrdiff_t tx0, ptrdiff_t tx1) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t icp = (ptrdiff_t)icpad8(g->ic_g), oc = (ptrdiff_t)g->oc_g;
  dot_args a;
  const ptrdiff_t ix0 = i + r->ax.off0 - tx0 * r->ax.dl;
  a.x_ty = r->x_ty;
  a.x_tx = -r->ax.dl * cin;
  a.x_p = cin;
  a.nty = r->nty;
  a.ntx = tx1 - tx0;
  a.ic = (ptrdiff_t)g->ic_g;
  a.w = r->wph + (r->t0y * r->ntaps_x + tx0) * icp;
  a.w_o = r->ntaps * icp;
  a.w_ty = r->ntaps_x * icp;
  a.w_tx = icp;
  a.bias = r->bias;
  a.y_p = (ptrdiff_t)g->sw * cout;
  const ptrdiff_t pm = dot_pmax[oc];
  for (ptrdiff_t p = 0; p < m;) {
    const ptrdiff_t mm = m - p >= pm ? pm : m - p;
    a.x = r->x_row + (ix0 + p) * cin;
    a.y = r->y_row + (i + p) * a.y_p;
    dot_tab[oc][mm](&a);
    p += mm;
  }
}

/* ------------------------------------------------------------------- NCHW */

typedef struct nchw_args {
  const float *x;    /* input at plane of ic 0, tap (t0y, t0x), pixel 0 */
  ptrdiff_t x_c, x_ty, x_tx;
  ptrdiff_t nty, ntx, ic;
  const float *w;    /* [tap][ic][4] of the oc block at tap (t0y, t0x) */
  ptrdiff_t w_ty, w_tx;
  const float *bias; /* 4 padded */
  float *y;          /* output at channel oc0, pixel 0 */
  ptrdiff_t y_c;     /* output plane */
  ptrdiff_t sw;      /* output step per pixel */
  ptrdiff_t last;    /* valid lanes of the last vector (1..8) */
} nchw_args;

/* Stores the 8 pixels of v (cnt valid) at y, y+sw, ... (strided stores: an
 * interleave of the 16 floats by read-modify-write was measured slower). */
AI void nchw_store(const nchw_args *a, float *y, __m256 v, ptrdiff_t cnt) {
  if (a->sw == 1) {
    if (cnt >= 8)
      _mm256_storeu_ps(y, v);
    else
      _mm256_maskstore_ps(y, lane_mask(cnt), v);
  } else {
    float t[8];
    _mm256_storeu_ps(t, v);
    const ptrdiff_t s = a->sw;
    for (ptrdiff_t l = 0; l < cnt; l++) y[l * s] = t[l];
  }
}

/* One channel step of the NCHW kernel. */
AI void nchw_step(const int MO, const int NV, const int MASKED, __m256 acc[4][8],
                  const float *x, const float *w, __m256i m) {
  if (MO < NV) { /* weights in registers, one input vector at a time */
    __m256 wb[4];
    _Pragma("GCC unroll 12")
    for (int o = 0; o < MO; o++) wb[o] = _mm256_broadcast_ss(w + o);
    _Pragma("GCC unroll 12")
    for (int v = 0; v < NV; v++) {
      __m256 xv = (MASKED && v == NV - 1) ? _mm256_maskload_ps(x + 8 * v, m)
                                          : _mm256_loadu_ps(x + 8 * v);
      if (MO > 1) KEEP(xv);
      _Pragma("GCC unroll 12")
      for (int o = 0; o < MO; o++) acc[o][v] = _mm256_fmadd_ps(xv, wb[o], acc[o][v]);
    }
  } else { /* input vectors in registers, one weight at a time */
    __m256 xv[8];
    _Pragma("GCC unroll 12")
    for (int v = 0; v < NV; v++) {
      xv[v] = (MASKED && v == NV - 1) ? _mm256_maskload_ps(x + 8 * v, m)
                                      : _mm256_loadu_ps(x + 8 * v);
      if (MO > 1) KEEP(xv[v]);
    }
    _Pragma("GCC unroll 12")
    for (int o = 0; o < MO; o++) {
      const __m256 b = _mm256_broadcast_ss(w + o);
      _Pragma("GCC unroll 12")
      for (int v = 0; v < NV; v++) acc[o][v] = _mm256_fmadd_ps(xv[v], b, acc[o][v]);
    }
  }
}

/* NV vectors of 8 pixels x MO output channels. MASKED: the last vector's
 * loads are masked to a->last lanes (direct reads from the input); stores of
 * the last vector always keep to a->last lanes. Fewer than 8 accumulators
 * cannot cover the FMA latency: then the channel loop alternates between two
 * accumulator sets. */
AI void nchw_body(const int MO, const int NV, const int MASKED, const nchw_args *a) {
  const int KS = MO * NV < 8 ? 2 : 1;
  __m256 acc[4][8], acc2[4][8]; /* fixed size: scalarised once MO, NV are constants */
  _Pragma("GCC unroll 12")
  for (int o = 0; o < MO; o++) {
    const __m256 b = _mm256_broadcast_ss(a->bias + o);
    _Pragma("GCC unroll 12")
    for (int v = 0; v < NV; v++) acc[o][v] = b, acc2[o][v] = _mm256_setzero_ps();
  }
  const __m256i m = lane_mask(MASKED ? a->last : 8);
  const ptrdiff_t ic = a->ic, xc = a->x_c;
  for (ptrdiff_t ty = 0; ty < a->nty; ty++)
    for (ptrdiff_t tx = 0; tx < a->ntx; tx++) {
      const float *x = a->x + ty * a->x_ty + tx * a->x_tx;
      const float *w = a->w + ty * a->w_ty + tx * a->w_tx;
      ptrdiff_t c = 0;
      if (KS == 2)
        for (; c + 2 <= ic; c += 2) {
          nchw_step(MO, NV, MASKED, acc, x, w, m);
          nchw_step(MO, NV, MASKED, acc2, x + xc, w + 4, m);
          x += 2 * xc;
          w += 8;
        }
      for (; c < ic; c++) {
        nchw_step(MO, NV, MASKED, acc, x, w, m);
        x += xc;
        w += 4;
      }
    }
  if (KS == 2)
    _Pragma("GCC unroll 12")
    for (int o = 0; o < MO; o++)
      _Pragma("GCC unroll 12")
      for (int v = 0; v < NV; v++) acc[o][v] = _mm256_add_ps(acc[o][v], acc2[o][v]);
  _Pragma("GCC unroll 12")
  for (int o = 0; o < MO; o++)
    _Pragma("GCC unroll 12")
    for (int v = 0; v < NV; v++)
      nchw_store(a, a->y + o * a->y_c + 8 * v * a->sw, acc[o][v], v == NV - 1 ? a->last : 8);
}

typedef void (*nchw_fn)(const nchw_args *a);
#define NCHW_FN(MO, NV)                                                                  \
  static void nchw_o##MO##_v##NV(const nchw_args *a) { nchw_body(MO, NV, 0, a); }       \
  static void nchw_o##MO##_v##NV##_m(const nchw_args *a) { nchw_body(MO, NV, 1, a); }
NCHW_FN(1, 1) NCHW_FN(1, 2) NCHW_FN(1, 3) NCHW_FN(1, 4)
NCHW_FN(1, 5) NCHW_FN(1, 6) NCHW_FN(1, 7) NCHW_FN(1, 8)
NCHW_FN(2, 1) NCHW_FN(2, 2) NCHW_FN(2, 3) NCHW_FN(2, 4) NCHW_FN(2, 5) NCHW_FN(2, 6)
NCHW_FN(3, 1) NCHW_FN(3, 2) NCHW_FN(3, 3) NCHW_FN(3, 4)
NCHW_FN(4, 1) NCHW_FN(4, 2) NCHW_FN(4, 3)
#define NCHW_ROW(MO, S)                                                                  \
  {NULL, nchw_o##MO##_v1##S, nchw_o##MO##_v2##S, nchw_o##MO##_v3##S, nchw_o##MO##_v4##S, \
   nchw_o##MO##_v5##S, nchw_o##MO##_v6##S, nchw_o##MO##_v7##S, nchw_o##MO##_v8##S}
/* Vectors per call for MO output channels (12 accumulators, 8 for MO = 1). */
static const int nchw_nvmax[5] = {0, 8, 6, 4, 3};
#define nchw_o2_v7 NULL
#define nchw_o2_v8 NULL
#define nchw_o3_v5 NULL
#define nchw_o3_v6 NULL
#define nchw_o3_v7 NULL
#define nchw_o3_v8 NULL
#define nchw_o4_v4 NULL
#define nchw_o4_v5 NULL
#define nchw_o4_v6 NULL
#define nchw_o4_v7 NULL
#define nchw_o4_v8 NULL
#define nchw_o2_v7_m NULL
#define nchw_o2_v8_m NULL
#define nchw_o3_v5_m NULL
#define nchw_o3_v6_m NULL
#define nchw_o3_v7_m NULL
#define nchw_o3_v8_m NULL
#define nchw_o4_v4_m NULL
#define nchw_o4_v5_m NULL
#define nchw_o4_v6_m NULL
#define nchw_o4_v7_m NULL
#define nchw_o4_v8_m NULL
static const nchw_fn nchw_tab[2][5][9] = {
    {{NULL}, NCHW_ROW(1, ), NCHW_ROW(2, ), NCHW_ROW(3, ), NCHW_ROW(4, )},
    {{NULL}, NCHW_ROW(1, _m), NCHW_ROW(2, _m), NCHW_ROW(3, _m), NCHW_ROW(4, _m)}};

/* One output pixel i of the phase row, taps [tx0, tx1), every channel (128-bit
 * over blocks of 4 output channels). Border pixels only. */
static void nchw_pixel(const row_ctx *r, ptrdiff_t i, ptrdiff_t tx0, ptrdiff_t tx1) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, oc = (ptrdiff_t)g->oc_g;
  const ptrdiff_t xc = (ptrdiff_t)(g->in_h * g->in_w), yc = (ptrdiff_t)(g->out_h * g->out_w);
  const ptrdiff_t ix0 = i + r->ax.off0;
  float *y = r->y_row + i * (ptrdiff_t)g->sw;
  for (ptrdiff_t ob = 0; ob < oc; ob += 4) {
    __m128 acc = _mm_loadu_ps(r->bias + ob);
    const float *wb = r->wph + r->ntaps * icg * ob + r->t0y * r->ntaps_x * icg * 4;
    for (ptrdiff_t ty = 0; ty < r->nty; ty++)
      for (ptrdiff_t tx = tx0; tx < tx1; tx++) {
        const float *x = r->x_row + ty * r->x_ty + ix0 - tx * r->ax.dl;
        const float *w = wb + (ty * r->ntaps_x + tx) * icg * 4;
        for (ptrdiff_t c = 0; c < icg; c++)
          acc = _mm_fmadd_ps(_mm_broadcast_ss(x + c * xc), _mm_loadu_ps(w + 4 * c), acc);
      }
    float t[4];
    _mm_storeu_ps(t, acc);
    const ptrdiff_t mo = oc - ob < 4 ? oc - ob : 4;
    for (ptrdiff_t o = 0; o < mo; o++) y[(ob + o) * yc] = t[o];
  }
}

/* Stack tile of input rows for the NCHW kernels: [ic][ty][column]; keeps the
 * kernels' reads in a few contiguous lines instead of ic planes that alias in
 * L1 (planes are often a multiple of 4 KiB apart). */
#define NCHW_TILE_FLOATS 16384 /* 64 KiB of stack */
#define NCHW_CHUNK 48          /* pixels per tile */

/* Output pixels [i0, i0+cnt) x all channels through the kernels; a.x etc.
 * describe where the input of pixel i0 (tap 0, 0) is. */
static void nchw_run_chunk(const row_ctx *r, nchw_args *a, ptrdiff_t i0, ptrdiff_t cnt,
                           int masked) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, oc = r->noc;
  const float *x0 = a->x;
  for (ptrdiff_t ob = 0; ob < oc; ob += 4) {
    const ptrdiff_t mo = oc - ob < 4 ? oc - ob : 4;
    const ptrdiff_t nvm = nchw_nvmax[mo];
    a->w = r->wph + r->ntaps * icg * ob + r->t0y * r->ntaps_x * icg * 4;
    a->bias = r->bias + ob;
    for (ptrdiff_t q = 0; q < cnt;) {
      const ptrdiff_t rem = cnt - q;
      const ptrdiff_t nv = rem >= nvm * 8 ? nvm : (rem + 7) / 8;
      const ptrdiff_t take = rem >= nvm * 8 ? nvm * 8 : rem;
      a->last = take - (nv - 1) * 8;
      a->x = x0 + q;
      a->y = r->y_row + ob * a->y_c + (i0 + q) * a->sw;
      nchw_tab[masked && a->last < 8][mo][nv](a);
      q += take;
    }
  }
  a->x = x0;
}

/* The widest chunk (multiple of 8, <= NCHW_CHUNK) whose stack tile fits; 0 when
 * not even 8 pixels fit (then the kernels read the input directly). */
static ptrdiff_t nchw_chunk(const row_ctx *r) {
  const ptrdiff_t icg = (ptrdiff_t)r->g->ic_g, halo = (r->ax.n - 1) * r->ax.dl;
  ptrdiff_t chunk = NCHW_CHUNK;
  while (chunk > 8 && icg * r->nty * (chunk + halo) > NCHW_TILE_FLOATS) chunk -= 8;
  return icg * r->nty * (chunk + halo) > NCHW_TILE_FLOATS ? 0 : chunk;
}

/* Pixels [i, i+m) of the phase row. Without zpad every x tap of these pixels
 * must be inside the input; with zpad (all weights finite) taps outside it
 * read zeros from the tile. */
static void nchw_pixels(const row_ctx *r, ptrdiff_t i, ptrdiff_t m, int zpad) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, in_w = (ptrdiff_t)g->in_w;
  const ptrdiff_t ntx = r->ax.n, dl = r->ax.dl, nty = r->nty;
  const ptrdiff_t halo = (ntx - 1) * dl;
  nchw_args a;
  a.nty = nty;
  a.ntx = ntx;
  a.ic = icg;
  a.w_ty = r->ntaps_x * icg * 4;
  a.w_tx = icg * 4;
  a.y_c = (ptrdiff_t)(g->out_h * g->out_w);
  a.sw = (ptrdiff_t)g->sw;
  const ptrdiff_t ix0 = i + r->ax.off0; /* input column of pixel i, tap 0 */
  ptrdiff_t chunk = nchw_chunk(r);
  if (!zpad && chunk < 24 && chunk < m) chunk = 0; /* too narrow: read directly */
  if (chunk == 0) {
    /* no tile (too many channels, or too narrow above): read the input
     * directly; never with zpad (the caller checks nchw_chunk first) */
    a.x_c = (ptrdiff_t)(g->in_h * g->in_w);
    a.x_ty = r->x_ty;
    a.x_tx = -dl;
    for (ptrdiff_t p = 0; p < m; p += 24) {
      const ptrdiff_t cnt = m - p < 24 ? m - p : 24;
      a.x = r->x_row + ix0 + p;
      nchw_run_chunk(r, &a, i + p, cnt, 1);
    }
    return;
  }
  float tile[NCHW_TILE_FLOATS] __attribute__((aligned(32)));
  const ptrdiff_t xc = (ptrdiff_t)(g->in_h * g->in_w);
  for (ptrdiff_t p = 0; p < m; p += chunk) {
    const ptrdiff_t cnt = m - p < chunk ? m - p : chunk;
    const ptrdiff_t cnt8 = (cnt + 7) & ~(ptrdiff_t)7;
    const ptrdiff_t wt = cnt8 + halo; /* tile row length */
    /* tile column u = input column col0 + u; columns [ua, ub) exist */
    const ptrdiff_t col0 = ix0 + p - halo;
    ptrdiff_t ua = 0, ub = cnt + halo;
    if (zpad) {
      if (col0 < 0) ua = -col0 < ub ? -col0 : ub;
      if (col0 + ub > in_w) ub = in_w - col0 > ua ? in_w - col0 : ua;
    }
    const float *src = r->x_row + col0; /* only offset by u in [ua, ub) */
    float *d = tile;
    for (ptrdiff_t c = 0; c < icg; c++)
      for (ptrdiff_t ty = 0; ty < nty; ty++) {
        const float *s = src + c * xc + ty * r->x_ty;
        ptrdiff_t u = 0;
        for (; u < ua; u++) d[u] = 0.0f;
        for (; u + 8 <= ub; u += 8) _mm256_storeu_ps(d + u, _mm256_loadu_ps(s + u));
        for (; u < ub; u++) d[u] = s[u];
        for (; u < wt; u++) d[u] = 0.0f;
        d += wt;
      }
    a.x_c = nty * wt;
    a.x_ty = wt;
    a.x_tx = -dl;
    a.x = tile + halo;
    nchw_run_chunk(r, &a, i + p, cnt, 0);
  }
}

/* ------------------------------------------------------------------- run */

static void fill_bias_row(const row_ctx *r, ptrdiff_t i0, ptrdiff_t i1) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t oc = (ptrdiff_t)g->oc_g, sw = (ptrdiff_t)g->sw;
  if (g->nhwc) {
    const ptrdiff_t cout = (ptrdiff_t)(g->groups * g->oc_g);
    for (ptrdiff_t i = i0; i < i1; i++)
      for (ptrdiff_t o = r->oc_lo; o < r->oc_hi; o++) r->y_row[i * sw * cout + o] = r->bias[o];
  } else {
    const ptrdiff_t yc = (ptrdiff_t)(g->out_h * g->out_w);
    for (ptrdiff_t o = 0; o < oc; o++)
      for (ptrdiff_t i = i0; i < i1; i++) r->y_row[o * yc + i * sw] = r->bias[o];
  }
}

/* Copies columns [col0, col0 + wt) of one input row to d, zeros outside
 * [0, in_w); wt is a multiple of 8 and d has 8 floats of slack. The empty asm
 * statements keep these short loops from being turned into memcpy/memset
 * calls (one call per row costs more than the copy). */
AI void tile_row(float *d, const float *row, ptrdiff_t col0, ptrdiff_t wt, ptrdiff_t in_w) {
  ptrdiff_t ua = col0 < 0 ? -col0 : 0, ub = in_w - col0;
  if (ua > wt) ua = wt;
  if (ub > wt) ub = wt;
  if (ub < ua) ub = ua;
  const __m256 z = _mm256_setzero_ps();
  ptrdiff_t u = 0;
  for (; u < ua; u += 8) { /* may run past ua: rewritten below */
    __asm__("" : : "r"(u));
    _mm256_storeu_ps(d + u, z);
  }
  u = ua;
  const float *s = row + col0;
  for (; u + 8 <= ub; u += 8) {
    __m256 v = _mm256_loadu_ps(s + u);
    __asm__("" : "+x"(v));
    _mm256_storeu_ps(d + u, v);
  }
  if (u < ub) {
    _mm256_storeu_ps(d + u, _mm256_maskload_ps(s + u, lane_mask(ub - u)));
    u += 8;
  }
  for (; u < wt; u += 8) {
    __asm__("" : : "r"(u));
    _mm256_storeu_ps(d + u, z);
  }
}

/* Both x phases (stride 2) of pixels [p, p+cnt) of one phase row: each oc
 * block of both phases goes to a stack buffer, then is interleaved into the
 * output row. xt: the tile at the row of tap t0y, column 0 of the chunk. */
static void nchw_pair2(row_ctx R[2], nchw_args *a, const float *xt, float *y_row, ptrdiff_t p,
                       ptrdiff_t cnt, ptrdiff_t t0y) {
  const ups_deconv_geom *g = R[0].g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, oc = (ptrdiff_t)g->oc_g;
  const ptrdiff_t plane = (ptrdiff_t)(g->out_h * g->out_w);
  float buf[2][4 * NCHW_CHUNK] __attribute__((aligned(32)));
  nchw_args b = *a;
  b.y_c = NCHW_CHUNK;
  b.sw = 1;
  for (ptrdiff_t ob = 0; ob < oc; ob += 4) {
    const ptrdiff_t mo = oc - ob < 4 ? oc - ob : 4;
    const ptrdiff_t nvm = nchw_nvmax[mo];
    for (int u = 0; u < 2; u++) {
      const row_ctx *r = &R[u];
      b.ntx = r->ax.n;
      b.w_ty = r->ntaps_x * icg * 4;
      b.w_tx = icg * 4;
      b.w = r->wph + r->ntaps * icg * ob + t0y * r->ntaps_x * icg * 4;
      b.bias = r->bias + ob;
      for (ptrdiff_t q = 0; q < cnt;) {
        const ptrdiff_t rem = cnt - q;
        const ptrdiff_t nv = rem >= nvm * 8 ? nvm : (rem + 7) / 8;
        const ptrdiff_t take = rem >= nvm * 8 ? nvm * 8 : rem;
        b.last = take - (nv - 1) * 8;
        b.x = xt + r->ax.off0 + q;
        b.y = buf[u] + q;
        nchw_tab[0][mo][nv](&b);
        q += take;
      }
    }
    for (ptrdiff_t o = 0; o < mo; o++) {
      float *y = y_row + (ob + o) * plane + 2 * p;
      const float *b0 = buf[0] + o * NCHW_CHUNK, *b1 = buf[1] + o * NCHW_CHUNK;
      ptrdiff_t k = 0;
      for (; k + 8 <= cnt; k += 8) {
        const __m256 v0 = _mm256_load_ps(b0 + k), v1 = _mm256_load_ps(b1 + k);
        const __m256 lo = _mm256_unpacklo_ps(v0, v1), hi = _mm256_unpackhi_ps(v0, v1);
        _mm256_storeu_ps(y + 2 * k, _mm256_permute2f128_ps(lo, hi, 0x20));
        _mm256_storeu_ps(y + 2 * k + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
      }
      for (; k < cnt; k++) {
        y[2 * k] = b0[k];
        y[2 * k + 1] = b1[k];
      }
    }
  }
}

/* NCHW, all weights finite: every phase rx of the phase rows of `ry` from one
 * stack tile per (row, chunk of pixels), with zeros for columns outside the
 * input, so borders need no special path and the tile is shared by the
 * sw phases. Returns 0 (nothing done) when it does not apply. */
#define NCHW_MAX_RX 8
static int nchw_rows_combined(const ups_deconv_geom *g, const float *in, float *out,
                              size_t n, size_t grp, size_t ry, const axis_phase *ay,
                              const float *wph_ry, const float *bias, ptrdiff_t per_tap,
                              ptrdiff_t gf) {
  const size_t npw = n_phases(g->sw, g->out_w);
  if (npw > NCHW_MAX_RX || ay->n == 0) return 0;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, ocg = (ptrdiff_t)g->oc_g;
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t in_h = (ptrdiff_t)g->in_h, in_w = (ptrdiff_t)g->in_w;
  const ptrdiff_t out_h = (ptrdiff_t)g->out_h, out_w = (ptrdiff_t)g->out_w;
  const ptrdiff_t sh = (ptrdiff_t)g->sh, sw = (ptrdiff_t)g->sw;
  /* units: the x phases, or groups of merged phases (merge_mode) */
  row_ctx R[NCHW_MAX_RX];
  ptrdiff_t nw[NCHW_MAX_RX], rxu[NCHW_MAX_RX];
  ptrdiff_t lo = 0, hi = 0, maxnw = 0;
  int any = 0;
  const int merged = merge_mode(g);
  const float *w = wph_ry;
  if (merged) w += (ptrdiff_t)g->groups * gf; /* the merged copy */
  size_t nu = 0, m = 1;
  for (size_t rx = 0; rx < npw; rx += m, nu++) {
    m = merged ? merge_len(g, rx, npw) : 1;
    phase_of(rx, g->pad_left, g->kw, g->sw, g->dw, &R[nu].ax);
    const axis_phase *ax = &R[nu].ax;
    R[nu].g = g;
    R[nu].wph = w;
    R[nu].bias = bias;
    R[nu].ntaps_x = ax->n;
    R[nu].ntaps = ay->n * ax->n;
    R[nu].noc = merged ? (ptrdiff_t)m : ocg;
    w += R[nu].ntaps * per_tap * (ptrdiff_t)m;
    rxu[nu] = (ptrdiff_t)rx;
    nw[nu] = (out_w - (ptrdiff_t)rx + sw - 1) / sw;
    if (nw[nu] > maxnw) maxnw = nw[nu];
    if (ax->n) {
      const ptrdiff_t l = ax->off0 - (ax->n - 1) * ax->dl, h = ax->off0;
      if (!any || l < lo) lo = l;
      if (!any || h > hi) hi = h;
      any = 1;
    }
  }
  if (!any) return 0;
  /* stride 2 along x, both phases with taps and equal widths: computed into a
   * stack buffer and interleaved with vector shuffles (strided stores of one
   * phase at a time cost more) */
  const int pair2 = !merged && npw == 2 && sw == 2 && nw[0] == nw[1] && R[0].ax.n && R[1].ax.n;
  const ptrdiff_t spread = hi - lo;
  ptrdiff_t chunk = NCHW_CHUNK;
  while (chunk > 8 && icg * ay->n * ((chunk + spread + 7) & ~(ptrdiff_t)7) + 8 > NCHW_TILE_FLOATS)
    chunk -= 8;
  const ptrdiff_t wt = (chunk + spread + 7) & ~(ptrdiff_t)7;
  if (icg * ay->n * wt + 8 > NCHW_TILE_FLOATS) return 0;
  /* a tile narrower than 3 vectors starves the kernels: the per-phase path
   * reads the input directly. (Splitting the channels into blocks that add
   * to the output was tried and measured no faster.) */
  if (chunk < 24 && chunk < maxnw) return 0;

  float tile[NCHW_TILE_FLOATS] __attribute__((aligned(32)));
  const ptrdiff_t xc = in_h * in_w, dl = R[0].ax.dl, dly = ay->dl;
  const ptrdiff_t rows = (out_h - (ptrdiff_t)ry + sh - 1) / sh;
  const float *x_img = in + ((ptrdiff_t)n * cin + (ptrdiff_t)grp * icg) * xc;
  /* Bands of J phase rows share one tile of consecutive input rows (dly = 1:
   * consecutive phase rows read overlapping input rows). Tile rows go up with
   * the input row; tap ty reads row iy0 - ty*dly: x_ty = -dly*wt. */
  ptrdiff_t J = 1;
  if (dly == 1)
    while (J < 8 && icg * (J + ay->n) * wt + 8 <= NCHW_TILE_FLOATS) J++;
  nchw_args a;
  a.ic = icg;
  a.y_c = merged ? 1 : out_h * out_w; /* merged: lane k -> output column rx0 + k */
  a.sw = sw;
  a.x_tx = -dl;
  for (ptrdiff_t j0 = 0; j0 < rows; j0 += J) {
    const ptrdiff_t j1 = j0 + J < rows ? j0 + J : rows;
    /* input rows of the band */
    ptrdiff_t rlo = 0, rhi = -1;
    for (ptrdiff_t j = j0; j < j1; j++) {
      ptrdiff_t t0y, t1y;
      tap_range(ay, j, in_h, &t0y, &t1y);
      if (t1y <= t0y) {
        float *y_row = out + (((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * out_h +
                              (ptrdiff_t)ry + j * sh) * out_w;
        for (size_t u = 0; u < nu; u++) {
          R[u].y_row = y_row + rxu[u];
          for (ptrdiff_t k = 0; k < (merged ? R[u].noc : 1); k++) {
            row_ctx t = R[u];
            t.y_row += k;
            fill_bias_row(&t, 0, nw[u]);
          }
        }
        continue;
      }
      const ptrdiff_t top = j + ay->off0 - t0y * dly, bot = top - (t1y - 1 - t0y) * dly;
      if (rhi < rlo) {
        rlo = bot;
        rhi = top;
      } else {
        if (bot < rlo) rlo = bot;
        if (top > rhi) rhi = top;
      }
    }
    if (rhi < rlo) continue; /* bias-only band */
    /* dly > 1 (J = 1): only the tap rows, stored at (iy - rlo) / dly */
    const ptrdiff_t rstep = dly, nrows = (rhi - rlo) / rstep + 1;
    a.x_c = nrows * wt;
    a.x_ty = -wt;
    for (ptrdiff_t p = 0; p < maxnw; p += chunk) {
      const ptrdiff_t col0 = p + lo;
      float *d = tile;
      for (ptrdiff_t c = 0; c < icg; c++)
        for (ptrdiff_t k = 0; k < nrows; k++) {
          tile_row(d, x_img + c * xc + (rlo + k * rstep) * in_w, col0, wt, in_w);
          d += wt;
        }
      for (ptrdiff_t j = j0; j < j1; j++) {
        ptrdiff_t t0y, t1y;
        tap_range(ay, j, in_h, &t0y, &t1y);
        if (t1y <= t0y) continue;
        const ptrdiff_t top = j + ay->off0 - t0y * dly; /* input row of tap t0y */
        float *y_row = out + (((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * out_h +
                              (ptrdiff_t)ry + j * sh) * out_w;
        a.nty = t1y - t0y;
        if (pair2) {
          nchw_pair2(R, &a, tile + ((top - rlo) / rstep) * wt - lo, y_row, p,
                     nw[0] - p < chunk ? nw[0] - p : chunk, t0y);
          continue;
        }
        for (size_t u = 0; u < nu; u++) {
          row_ctx *r = &R[u];
          const ptrdiff_t cnt = nw[u] - p < chunk ? nw[u] - p : chunk;
          if (cnt <= 0) continue;
          r->y_row = y_row + rxu[u];
          r->t0y = t0y;
          r->nty = a.nty;
          if (r->ax.n == 0) {
            for (ptrdiff_t k = 0; k < (merged ? r->noc : 1); k++) {
              row_ctx t = *r;
              t.y_row += k;
              fill_bias_row(&t, p, p + cnt);
            }
            continue;
          }
          a.ntx = r->ax.n;
          a.w_ty = r->ntaps_x * icg * 4;
          a.w_tx = icg * 4;
          a.x = tile + ((top - rlo) / rstep) * wt + (r->ax.off0 - lo);
          nchw_run_chunk(r, &a, p, cnt, 0);
        }
      }
    }
  }
  return 1;
}

/* ------------------------------------------------------- NCHW GEMM (k = s) */

/* NCHW with kernel == stride along y, kernel == stride == 2 along x, no
 * dilation, pads or output padding, and many input channels: every phase
 * (ry, rx) is a 1x1 convolution of the whole input image, i.e. a GEMM
 * [oc x ic] x [ic x pixels] over the flattened input pixels (no borders, so
 * no zero padding: any weights are fine). Blocked like a BLIS GEMM: blocks
 * of output channels whose weights (all channels, all phases, <= GEMM_WBYTES)
 * stay in L2; for each panel of 24 pixels, chunks of <= GEMM_KC input
 * channels packed on the stack (L1), the block's accumulators kept in a
 * stack buffer across the chunks (accumulating into the output, which
 * lives in L3, measured up to 25% slower with chunks of 128-256 channels and
 * ~3% slower with one chunk of 1024, whose panel misses L1). The micro-kernel: 2 output channels
 * x both x phases x 3 vectors of 8 pixels (12 accumulators); the two x
 * phases are interleaved with shuffles into contiguous output. Measured on
 * U-Net 28px 1024->512: the kernel alone runs at the FMA peak; the whole at
 * ~90% of it. */
#ifndef GEMM_KC
#define GEMM_KC 128
#endif
#ifndef GEMM_WBYTES
#define GEMM_WBYTES (768u << 10)
#endif
#define GEMM_NR 24
#ifndef GEMM_PF
#define GEMM_PF 1
#endif
#ifndef GEMM_MIN_IC
#define GEMM_MIN_IC 16
#endif

static int gemm_mode(const ups_deconv_geom *g) {
  return !g->nhwc && g->sw == 2 && g->kw == 2 && g->dw == 1 && g->pad_left == 0 &&
         g->out_w == 2 * g->in_w && g->kh == g->sh && (g->dh == 1 || g->kh == 1) &&
         g->pad_top == 0 && g->out_h == g->sh * g->in_h && g->sh <= 8 &&
         g->ic_g >= GEMM_MIN_IC && g->oc_g >= 2;
}

/* Where the 8 pixels of one vector go: output offset of its first pixel (x
 * phase 0) and whether all 8 lie in one input row. */
typedef struct gemm_vec {
  ptrdiff_t off, run; /* run: pixels of the vector in the first row */
  ptrdiff_t j, i;
} gemm_vec;

/* One micro-tile: 2 output channels o x both x phases u x 3 vectors v of 8
 * pixels over kc input channels: accumulators (12 named locals: an array
 * would end up in memory) start at the bias (INIT == 0) or at cb, and go to
 * cb ([o][u][v][8]). */
AI void gemm_body(const int INIT, const float *B, ptrdiff_t kc, const float *w0,
                  const float *w1, const float *bias, float *cb) {
#define GL(o, u, v) (INIT ? _mm256_load_ps(cb + (((o) * 2 + (u)) * 3 + (v)) * 8) : bias##o)
  const __m256 bias0 = _mm256_broadcast_ss(bias), bias1 = _mm256_broadcast_ss(bias + 1);
  __m256 a000 = GL(0, 0, 0), a001 = GL(0, 0, 1), a002 = GL(0, 0, 2);
  __m256 a010 = GL(0, 1, 0), a011 = GL(0, 1, 1), a012 = GL(0, 1, 2);
  __m256 a100 = GL(1, 0, 0), a101 = GL(1, 0, 1), a102 = GL(1, 0, 2);
  __m256 a110 = GL(1, 1, 0), a111 = GL(1, 1, 1), a112 = GL(1, 1, 2);
#undef GL
  for (ptrdiff_t c = 0; c < kc; c++) {
    __m256 x0 = _mm256_load_ps(B), x1 = _mm256_load_ps(B + 8), x2 = _mm256_load_ps(B + 16);
    KEEP(x0);
    KEEP(x1);
    KEEP(x2);
    __m256 b;
    b = _mm256_broadcast_ss(w0);
    a000 = _mm256_fmadd_ps(x0, b, a000);
    a001 = _mm256_fmadd_ps(x1, b, a001);
    a002 = _mm256_fmadd_ps(x2, b, a002);
    b = _mm256_broadcast_ss(w1);
    a010 = _mm256_fmadd_ps(x0, b, a010);
    a011 = _mm256_fmadd_ps(x1, b, a011);
    a012 = _mm256_fmadd_ps(x2, b, a012);
    b = _mm256_broadcast_ss(w0 + 1);
    a100 = _mm256_fmadd_ps(x0, b, a100);
    a101 = _mm256_fmadd_ps(x1, b, a101);
    a102 = _mm256_fmadd_ps(x2, b, a102);
    b = _mm256_broadcast_ss(w1 + 1);
    a110 = _mm256_fmadd_ps(x0, b, a110);
    a111 = _mm256_fmadd_ps(x1, b, a111);
    a112 = _mm256_fmadd_ps(x2, b, a112);
    B += GEMM_NR;
    w0 += 4;
    w1 += 4;
  }
#define GS(o, u, v) _mm256_store_ps(cb + (((o) * 2 + (u)) * 3 + (v)) * 8, a##o##u##v)
  GS(0, 0, 0), GS(0, 0, 1), GS(0, 0, 2), GS(0, 1, 0), GS(0, 1, 1), GS(0, 1, 2);
  GS(1, 0, 0), GS(1, 0, 1), GS(1, 0, 2), GS(1, 1, 0), GS(1, 1, 1), GS(1, 1, 2);
#undef GS
}
static void gemm_tile0(const float *B, ptrdiff_t kc, const float *w0, const float *w1,
                       const float *bias, float *cb) {
  gemm_body(0, B, kc, w0, w1, bias, cb);
}
static void gemm_tile1(const float *B, ptrdiff_t kc, const float *w0, const float *w1,
                       const float *bias, float *cb) {
  gemm_body(1, B, kc, w0, w1, bias, cb);
}

/* Writes a finished micro-tile cb (no <= 2 valid channels, cnt pixels) to
 * the output, x phases interleaved. y: output plane of channel 0 at row ry. */
static void gemm_store(const float *cb, float *y, ptrdiff_t plane, ptrdiff_t no,
                       const gemm_vec *vec, ptrdiff_t cnt, ptrdiff_t in_w, ptrdiff_t row_step) {
  for (ptrdiff_t o = 0; o < no; o++) {
    float *yo = y + o * plane;
    for (int v = 0; v < 3; v++) {
      const ptrdiff_t nv = cnt - 8 * v;
      if (nv <= 0) break;
      const __m256 a0 = _mm256_load_ps(cb + ((o * 2 + 0) * 3 + v) * 8);
      const __m256 a1 = _mm256_load_ps(cb + ((o * 2 + 1) * 3 + v) * 8);
      const __m256 lo = _mm256_unpacklo_ps(a0, a1), hi = _mm256_unpackhi_ps(a0, a1);
      const __m256 e0 = _mm256_permute2f128_ps(lo, hi, 0x20);
      const __m256 e1 = _mm256_permute2f128_ps(lo, hi, 0x31);
      const gemm_vec *gv = &vec[v];
      float *p = yo + gv->off;
      if (nv >= 8 && gv->run >= 8) {
        _mm256_storeu_ps(p, e0);
        _mm256_storeu_ps(p + 8, e1);
        continue;
      }
      float t[16];
      _mm256_storeu_ps(t, e0);
      _mm256_storeu_ps(t + 8, e1);
      const ptrdiff_t m = nv < 8 ? nv : 8;
      ptrdiff_t i = gv->i;
      for (ptrdiff_t l = 0; l < m; l++) {
        if (i == in_w) { /* next input row: sh output rows further down */
          i = 0;
          p += row_step - 2 * in_w;
        }
        p[0] = t[2 * l];
        p[1] = t[2 * l + 1];
        p += 2;
        i++;
      }
    }
  }
}

#define GEMM_CBUF 6144 /* floats of stack accumulators: mc/2 pairs x sh x 96 */

static void nchw_gemm(const ups_deconv_geom *g, const float *pk, const float *wall,
                      ptrdiff_t gf, ptrdiff_t per_tap, const float *in, float *out) {
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, ocg = (ptrdiff_t)g->oc_g;
  const ptrdiff_t ocpad = (ptrdiff_t)ocpad_of(g);
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t in_w = (ptrdiff_t)g->in_w, P = (ptrdiff_t)(g->in_h * g->in_w);
  const ptrdiff_t out_w = (ptrdiff_t)g->out_w, sh = (ptrdiff_t)g->sh;
  const ptrdiff_t plane = (ptrdiff_t)(g->out_h * g->out_w), row_step = sh * out_w;
  /* even chunks of at most GEMM_KC channels */
  const ptrdiff_t nk = (icg + GEMM_KC - 1) / GEMM_KC;
  const ptrdiff_t kcs = (icg + nk - 1) / nk;
  /* output channel blocks: their weights (all phases, all channels) stay in
   * L2 over the pixel panels; their accumulators fit the stack buffer */
  ptrdiff_t mc = (ptrdiff_t)(GEMM_WBYTES / (sizeof(float) * 2 * (size_t)sh * (size_t)icg));
  if (mc > GEMM_CBUF / (48 * sh)) mc = GEMM_CBUF / (48 * sh);
  mc &= ~(ptrdiff_t)3;
  if (mc < 4) mc = 4;
  float B[GEMM_KC * GEMM_NR] __attribute__((aligned(32)));
  float C[GEMM_CBUF] __attribute__((aligned(32)));
  for (size_t n = 0; n < g->n; n++)
    for (size_t grp = 0; grp < g->groups; grp++) {
      const float *wg = wall + (ptrdiff_t)grp * gf;
      const float *bias = pk + (ptrdiff_t)grp * ocpad;
      const float *x = in + ((ptrdiff_t)n * cin + (ptrdiff_t)grp * icg) * P;
      float *y = out + ((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * plane;
      for (ptrdiff_t ob0 = 0; ob0 < ocg; ob0 += mc) {
        const ptrdiff_t ob1 = ob0 + mc < ocg ? ob0 + mc : ocg;
        for (ptrdiff_t q0 = 0; q0 < P; q0 += GEMM_NR) {
          const ptrdiff_t cnt = P - q0 < GEMM_NR ? P - q0 : GEMM_NR;
          for (ptrdiff_t c0 = 0; c0 < icg; c0 += kcs) {
            const ptrdiff_t kc = icg - c0 < kcs ? icg - c0 : kcs;
            /* pack the panel [kc][24] */
            const float *xs = x + c0 * P + q0;
            if (cnt == GEMM_NR) {
              /* the next panel's input into L2 meanwhile (hundreds of
               * streams are too many for the hardware prefetchers) */
              const int pf = GEMM_PF && q0 + 2 * GEMM_NR <= P;
              for (ptrdiff_t c = 0; c < kc; c++) {
                if (pf) {
                  const char *nx = (const char *)(xs + c * P + GEMM_NR);
                  _mm_prefetch(nx, _MM_HINT_T1);
                  _mm_prefetch(nx + 48, _MM_HINT_T1);
                  _mm_prefetch(nx + 92, _MM_HINT_T1);
                }
                __m256 a0 = _mm256_loadu_ps(xs + c * P), a1 = _mm256_loadu_ps(xs + c * P + 8),
                       a2 = _mm256_loadu_ps(xs + c * P + 16);
                _mm256_store_ps(B + c * GEMM_NR, a0);
                _mm256_store_ps(B + c * GEMM_NR + 8, a1);
                _mm256_store_ps(B + c * GEMM_NR + 16, a2);
              }
            } else {
              for (ptrdiff_t c = 0; c < kc; c++) {
                ptrdiff_t u = 0;
                for (; u < cnt; u++) B[c * GEMM_NR + u] = xs[c * P + u];
                for (; u < GEMM_NR; u++) B[c * GEMM_NR + u] = 0.0f;
              }
            }
            for (ptrdiff_t ob = ob0; ob < ob1; ob += 2) {
              const ptrdiff_t wo = icg * (ob & ~(ptrdiff_t)3) + c0 * 4 + (ob & 3);
              float *cb = C + (ob - ob0) / 2 * sh * 96;
              for (ptrdiff_t ry = 0; ry < sh; ry++) {
                const float *w0 = wg + (2 * ry) * per_tap + wo;
                (c0 > 0 ? gemm_tile1 : gemm_tile0)(B, kc, w0, w0 + per_tap, bias + ob, cb + ry * 96);
              }
            }
          }
          gemm_vec vec[3];
          for (int v = 0; v < 3; v++) {
            const ptrdiff_t q = q0 + 8 * v;
            vec[v].j = q / in_w;
            vec[v].i = q % in_w;
            vec[v].run = in_w - vec[v].i;
            vec[v].off = vec[v].j * row_step + 2 * vec[v].i;
          }
          for (ptrdiff_t ob = ob0; ob < ob1; ob += 2) {
            const ptrdiff_t no = ocg - ob < 2 ? ocg - ob : 2;
            const float *cb = C + (ob - ob0) / 2 * sh * 96;
            for (ptrdiff_t ry = 0; ry < sh; ry++)
              gemm_store(cb + ry * 96, y + ob * plane + ry * out_w, plane, no, vec, cnt, in_w,
                         row_step);
          }
        }
      }
    }
}

/* ------------------------------------------- NCHW GEMM with taps (finite) */

/* NCHW, stride 2 along x with the same tap count in both x phases (e.g.
 * k4 s2 p1), every weight finite: per y phase ry, a GEMM over the flattened
 * phase pixels with K = (tap, input channel). Each tap (ty, tx) of x phase u
 * reads the input shifted by (sy, sx): its panel [kc][24] is packed with
 * zeros outside the input (0 * w == 0 as every w is finite). The
 * micro-kernel is the one above but with one panel per x phase. */
#define G2_MAXT 4 /* taps per phase */
#ifndef G2_PANEL_FLOATS
#define G2_PANEL_FLOATS 8192 /* 32 KiB of stack panels */
#endif
#ifndef G2_CBUF
#define G2_CBUF 12288 /* 48 KiB of stack accumulators: 256 output channels */
#endif
#ifndef GEMM2_MIN_IC
#define GEMM2_MIN_IC 64
#endif

static int gemm2_mode(const ups_deconv_geom *g, int finite) {
  if (g->nhwc || !finite || g->sw != 2 || g->out_w % 2 != 0 || g->sh > 8 ||
      g->ic_g < GEMM2_MIN_IC || g->oc_g < 2 || gemm_mode(g))
    return 0;
  axis_phase a0, a1;
  phase_of(0, g->pad_left, g->kw, g->sw, g->dw, &a0);
  phase_of(1, g->pad_left, g->kw, g->sw, g->dw, &a1);
  if (a0.n < 1 || a0.n != a1.n) return 0;
  /* measured: better than the row tiles when a phase has few pixels for its
   * channel count (small images, many channels); worse on large images */
  if ((g->out_h + g->sh - 1) / g->sh * (g->out_w / 2) > 2 * g->ic_g) return 0;
  const size_t nph = n_phases(g->sh, g->out_h);
  for (size_t ry = 0; ry < nph; ry++) {
    axis_phase ay;
    phase_of(ry, g->pad_top, g->kh, g->sh, g->dh, &ay);
    if (ay.n < 1 || ay.n * a0.n > G2_MAXT) return 0;
  }
  return 1;
}

AI void gemm2_body(const int INIT, const float *Bp, ptrdiff_t kc, ptrdiff_t nty,
                   ptrdiff_t ntx, const float *w0, const float *w1, ptrdiff_t wtap,
                   const float *bias, float *cb) {
#define GL(o, u, v) (INIT ? _mm256_load_ps(cb + (((o) * 2 + (u)) * 3 + (v)) * 8) : bias##o)
  const __m256 bias0 = _mm256_broadcast_ss(bias), bias1 = _mm256_broadcast_ss(bias + 1);
  __m256 a000 = GL(0, 0, 0), a001 = GL(0, 0, 1), a002 = GL(0, 0, 2);
  __m256 a010 = GL(0, 1, 0), a011 = GL(0, 1, 1), a012 = GL(0, 1, 2);
  __m256 a100 = GL(1, 0, 0), a101 = GL(1, 0, 1), a102 = GL(1, 0, 2);
  __m256 a110 = GL(1, 1, 0), a111 = GL(1, 1, 1), a112 = GL(1, 1, 2);
#undef GL
  const ptrdiff_t psz = kc * GEMM_NR;
  for (ptrdiff_t ty = 0; ty < nty; ty++)
    for (ptrdiff_t tx = 0; tx < ntx; tx++) {
      const float *B0 = Bp + ((ty * 2) * ntx + tx) * psz;
      const float *B1 = Bp + ((ty * 2 + 1) * ntx + tx) * psz;
      const float *wa = w0 + (ty * ntx + tx) * wtap, *wb = w1 + (ty * ntx + tx) * wtap;
      for (ptrdiff_t c = 0; c < kc; c++) {
        __m256 x0 = _mm256_load_ps(B0), x1 = _mm256_load_ps(B0 + 8), x2 = _mm256_load_ps(B0 + 16);
        KEEP(x0);
        KEEP(x1);
        KEEP(x2);
        __m256 b;
        b = _mm256_broadcast_ss(wa);
        a000 = _mm256_fmadd_ps(x0, b, a000);
        a001 = _mm256_fmadd_ps(x1, b, a001);
        a002 = _mm256_fmadd_ps(x2, b, a002);
        b = _mm256_broadcast_ss(wa + 1);
        a100 = _mm256_fmadd_ps(x0, b, a100);
        a101 = _mm256_fmadd_ps(x1, b, a101);
        a102 = _mm256_fmadd_ps(x2, b, a102);
        x0 = _mm256_load_ps(B1), x1 = _mm256_load_ps(B1 + 8), x2 = _mm256_load_ps(B1 + 16);
        KEEP(x0);
        KEEP(x1);
        KEEP(x2);
        b = _mm256_broadcast_ss(wb);
        a010 = _mm256_fmadd_ps(x0, b, a010);
        a011 = _mm256_fmadd_ps(x1, b, a011);
        a012 = _mm256_fmadd_ps(x2, b, a012);
        b = _mm256_broadcast_ss(wb + 1);
        a110 = _mm256_fmadd_ps(x0, b, a110);
        a111 = _mm256_fmadd_ps(x1, b, a111);
        a112 = _mm256_fmadd_ps(x2, b, a112);
        B0 += GEMM_NR;
        B1 += GEMM_NR;
        wa += 4;
        wb += 4;
      }
    }
#define GS(o, u, v) _mm256_store_ps(cb + (((o) * 2 + (u)) * 3 + (v)) * 8, a##o##u##v)
  GS(0, 0, 0), GS(0, 0, 1), GS(0, 0, 2), GS(0, 1, 0), GS(0, 1, 1), GS(0, 1, 2);
  GS(1, 0, 0), GS(1, 0, 1), GS(1, 0, 2), GS(1, 1, 0), GS(1, 1, 1), GS(1, 1, 2);
#undef GS
}
static void gemm2_tile0(const float *Bp, ptrdiff_t kc, ptrdiff_t nty, ptrdiff_t ntx,
                        const float *w0, const float *w1, ptrdiff_t wtap, const float *bias,
                        float *cb) {
  gemm2_body(0, Bp, kc, nty, ntx, w0, w1, wtap, bias, cb);
}
static void gemm2_tile1(const float *Bp, ptrdiff_t kc, ptrdiff_t nty, ptrdiff_t ntx,
                        const float *w0, const float *w1, ptrdiff_t wtap, const float *bias,
                        float *cb) {
  gemm2_body(1, Bp, kc, nty, ntx, w0, w1, wtap, bias, cb);
}

/* How one vector (8 lanes) of a panel is filled: kind 0 zeros, 1 a masked
 * load at off (lanes in mask), 2 per lane (src[l] < 0: zero). */
typedef struct g2_src {
  int kind;
  __m256i mask;
  ptrdiff_t off;
  ptrdiff_t src[8];
} g2_src;

static void nchw_gemm2(const ups_deconv_geom *g, const float *pk, const float *wall,
                       ptrdiff_t gf, ptrdiff_t per_tap, const float *in, float *out) {
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, ocg = (ptrdiff_t)g->oc_g;
  const ptrdiff_t ocpad = (ptrdiff_t)ocpad_of(g);
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t in_h = (ptrdiff_t)g->in_h, in_w = (ptrdiff_t)g->in_w, xc = in_h * in_w;
  const ptrdiff_t out_h = (ptrdiff_t)g->out_h, out_w = (ptrdiff_t)g->out_w;
  const ptrdiff_t sh = (ptrdiff_t)g->sh, nw = out_w / 2;
  const ptrdiff_t plane = out_h * out_w, row_step = sh * out_w;
  axis_phase ax[2];
  phase_of(0, g->pad_left, g->kw, g->sw, g->dw, &ax[0]);
  phase_of(1, g->pad_left, g->kw, g->sw, g->dw, &ax[1]);
  const ptrdiff_t ntx = ax[0].n;
  const size_t nph = n_phases(g->sh, g->out_h);
  ptrdiff_t wofs[8], taps_all_ph = 0;
  for (size_t ry = 0; ry < nph; ry++) {
    axis_phase ay;
    phase_of(ry, g->pad_top, g->kh, g->sh, g->dh, &ay);
    wofs[ry] = taps_all_ph * per_tap;
    taps_all_ph += 2 * ay.n * ntx;
  }
  float Bp[G2_PANEL_FLOATS] __attribute__((aligned(32)));
  float C[G2_CBUF] __attribute__((aligned(32)));
  for (size_t n = 0; n < g->n; n++)
    for (size_t grp = 0; grp < g->groups; grp++) {
      const float *wg = wall + (ptrdiff_t)grp * gf;
      const float *bias = pk + (ptrdiff_t)grp * ocpad;
      const float *x = in + ((ptrdiff_t)n * cin + (ptrdiff_t)grp * icg) * xc;
      float *y = out + ((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * plane;
      for (size_t ry = 0; ry < nph; ry++) {
        axis_phase ay;
        phase_of(ry, g->pad_top, g->kh, g->sh, g->dh, &ay);
        const ptrdiff_t nty = ay.n, ntaps = nty * ntx, npan = 2 * ntaps;
        const ptrdiff_t rows = (out_h - (ptrdiff_t)ry + sh - 1) / sh, P = rows * nw;
        const ptrdiff_t kmax = G2_PANEL_FLOATS / (npan * GEMM_NR);
        const ptrdiff_t nk = (icg + kmax - 1) / kmax, kcs = (icg + nk - 1) / nk;
        /* all output channels the accumulators hold: the panels are packed
         * once per block (the weights stream from L2/L3) */
        ptrdiff_t mc = G2_CBUF / 48;
        mc &= ~(ptrdiff_t)3;
        if (mc < 4) mc = 4;
        const float *wr0 = wg + wofs[ry], *wr1 = wr0 + ntaps * per_tap;
        for (ptrdiff_t ob0 = 0; ob0 < ocg; ob0 += mc) {
          const ptrdiff_t ob1 = ob0 + mc < ocg ? ob0 + mc : ocg;
          for (ptrdiff_t q0 = 0; q0 < P; q0 += GEMM_NR) {
            const ptrdiff_t cnt = P - q0 < GEMM_NR ? P - q0 : GEMM_NR;
            gemm_vec vec[3];
            for (int v = 0; v < 3; v++) {
              const ptrdiff_t q = q0 + 8 * v;
              vec[v].j = q / nw;
              vec[v].i = q % nw;
              vec[v].run = nw - vec[v].i;
              vec[v].off = vec[v].j * row_step + 2 * vec[v].i;
            }
            /* panel sources: panel (ty, u, tx) */
            g2_src src[2 * G2_MAXT][3];
            for (ptrdiff_t ty = 0; ty < nty; ty++)
              for (int u = 0; u < 2; u++)
                for (ptrdiff_t tx = 0; tx < ntx; tx++) {
                  const ptrdiff_t sy = ay.off0 - ty * ay.dl, sx = ax[u].off0 - tx * ax[u].dl;
                  for (int v = 0; v < 3; v++) {
                    g2_src *s = &src[(ty * 2 + u) * ntx + tx][v];
                    const ptrdiff_t nv = cnt - 8 * v;
                    const gemm_vec *gv = &vec[v];
                    s->kind = 0;
                    if (nv <= 0) continue;
                    const ptrdiff_t m = nv < 8 ? nv : 8;
                    if (gv->run >= m) { /* one row */
                      const ptrdiff_t iy = gv->j + sy;
                      if (iy < 0 || iy >= in_h) continue;
                      const ptrdiff_t ix = gv->i + sx;
                      ptrdiff_t lo = -ix, hi = in_w - ix; /* valid lanes [lo, hi) */
                      if (lo < 0) lo = 0;
                      if (hi > m) hi = m;
                      if (hi <= lo) continue;
                      s->kind = 1;
                      s->off = iy * in_w + ix;
                      s->mask = _mm256_andnot_si256(lane_mask(lo), lane_mask(hi));
                    } else {
                      s->kind = 2;
                      ptrdiff_t j = gv->j, i = gv->i;
                      for (ptrdiff_t l = 0; l < 8; l++) {
                        s->src[l] = -1;
                        if (l < m) {
                          const ptrdiff_t iy = j + sy, ix = i + sx;
                          if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
                            s->src[l] = iy * in_w + ix;
                        }
                        if (++i == nw) i = 0, j++;
                      }
                    }
                  }
                }
            for (ptrdiff_t c0 = 0; c0 < icg; c0 += kcs) {
              const ptrdiff_t kc = icg - c0 < kcs ? icg - c0 : kcs;
              for (ptrdiff_t pi = 0; pi < npan; pi++) {
                float *bp = Bp + pi * kc * GEMM_NR;
                for (int v = 0; v < 3; v++) {
                  const g2_src *s = &src[pi][v];
                  float *d = bp + 8 * v;
                  const float *xs = x + c0 * xc;
                  if (s->kind == 0) {
                    for (ptrdiff_t c = 0; c < kc; c++)
                      _mm256_store_ps(d + c * GEMM_NR, _mm256_setzero_ps());
                  } else if (s->kind == 1) {
                    /* the pointer is only dereferenced in the mask's lanes */
                    for (ptrdiff_t c = 0; c < kc; c++)
                      _mm256_store_ps(d + c * GEMM_NR,
                                      _mm256_maskload_ps(xs + c * xc + s->off, s->mask));
                  } else {
                    for (ptrdiff_t c = 0; c < kc; c++)
                      for (int l = 0; l < 8; l++)
                        d[c * GEMM_NR + l] = s->src[l] >= 0 ? xs[c * xc + s->src[l]] : 0.0f;
                  }
                }
              }
              for (ptrdiff_t ob = ob0; ob < ob1; ob += 2) {
                const ptrdiff_t wo = ntaps * icg * (ob & ~(ptrdiff_t)3) + c0 * 4 + (ob & 3);
                (c0 > 0 ? gemm2_tile1 : gemm2_tile0)(Bp, kc, nty, ntx, wr0 + wo, wr1 + wo,
                                                     icg * 4, bias + ob, C + (ob - ob0) / 2 * 96);
              }
            }
            for (ptrdiff_t ob = ob0; ob < ob1; ob += 2) {
              const ptrdiff_t no = ocg - ob < 2 ? ocg - ob : 2;
              gemm_store(C + (ob - ob0) / 2 * 96, y + ob * plane + (ptrdiff_t)ry * out_w, plane,
                         no, vec, cnt, nw, row_step);
            }
          }
        }
      }
    }
}

void ups_deconv_run_avx2(const ups_deconv_geom *g, const void *packed, const float *in, float *out) {
  const int finite = ((const int32_t *)packed)[0];
  const float *pk = (const float *)packed + HEADER_FLOATS;
  const size_t ocpad = ocpad_of(g);
  const ptrdiff_t per_tap = (ptrdiff_t)(ocpad * icpad_of(g)); /* packed floats per tap */
  const int dot = dot_mode(g);
  const float *wall = pk + g->groups * ocpad;
  size_t gf;
  group_floats(g, &gf);
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t in_h = (ptrdiff_t)g->in_h, in_w = (ptrdiff_t)g->in_w;
  const ptrdiff_t out_h = (ptrdiff_t)g->out_h, out_w = (ptrdiff_t)g->out_w;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, ocg = (ptrdiff_t)g->oc_g;
  const size_t nph = n_phases(g->sh, g->out_h), npw = n_phases(g->sw, g->out_w);
  const ptrdiff_t sh = (ptrdiff_t)g->sh, sw = (ptrdiff_t)g->sw;

  if (gemm_mode(g)) {
    nchw_gemm(g, pk, wall, (ptrdiff_t)gf, per_tap, in, out);
    return;
  }
  if (gemm2_mode(g, finite)) {
    nchw_gemm2(g, pk, wall, (ptrdiff_t)gf, per_tap, in, out);
    return;
  }
  for (size_t n = 0; n < g->n; n++)
    for (size_t grp = 0; grp < g->groups; grp++) {
      const float *wph = wall + grp * gf;
      for (size_t ry = 0; ry < nph; ry++) {
        axis_phase ay;
        phase_of(ry, g->pad_top, g->kh, g->sh, g->dh, &ay);
        const ptrdiff_t rows = (out_h - (ptrdiff_t)ry + sh - 1) / sh;
        if (!g->nhwc && finite &&
            nchw_rows_combined(g, in, out, n, grp, ry, &ay, wph, pk + grp * ocpad, per_tap,
                               (ptrdiff_t)gf)) {
          for (size_t rx = 0; rx < npw; rx++) {
            axis_phase ax;
            phase_of(rx, g->pad_left, g->kw, g->sw, g->dw, &ax);
            wph += ay.n * ax.n * per_tap;
          }
          continue;
        }
        for (size_t rx = 0; rx < npw; rx++) {
          axis_phase ax;
          phase_of(rx, g->pad_left, g->kw, g->sw, g->dw, &ax);
          const ptrdiff_t nw = (out_w - (ptrdiff_t)rx + sw - 1) / sw;
          row_ctx r;
          r.g = g;
          r.wph = wph;
          r.bias = pk + grp * ocpad;
          r.ax = ax;
          r.ntaps_x = ax.n;
          r.ntaps = ay.n * ax.n;
          r.noc = ocg;
          r.oc_lo = 0;
          r.oc_hi = ocg;
          /* NHWC with a phase's weights too big for L2: one output-channel
           * tile at a time over all rows (weights read once per tile, the
           * smaller input once per tile) instead of all tiles per row */
          const int tile_outer = g->nhwc && !dot && ocg > 24 &&
                                 r.ntaps * per_tap * (ptrdiff_t)sizeof(float) > (256 << 10);
          /* pixels with every x tap inside the input */
          ptrdiff_t ilo = ax.n ? (ax.n - 1) * ax.dl - ax.off0 : nw;
          ptrdiff_t ihi = ax.n ? in_w - ax.off0 : nw;
          if (ilo < 0) ilo = 0;
          if (ihi > nw) ihi = nw;
          if (ilo > nw) ilo = nw;
          if (ihi < ilo) ihi = ilo;
          for (ptrdiff_t pass_lo = 0; pass_lo < ocg;) {
          if (tile_outer) {
            r.oc_lo = pass_lo;
            r.oc_hi = pass_lo + (ptrdiff_t)nhwc_tile_w((size_t)(ocg - pass_lo));
            if (r.oc_hi > ocg) r.oc_hi = ocg;
          }
          pass_lo = r.oc_hi;
          for (ptrdiff_t j = 0; j < rows; j++) {
            const ptrdiff_t oy = (ptrdiff_t)ry + j * sh;
            ptrdiff_t t0y, t1y;
            tap_range(&ay, j, in_h, &t0y, &t1y);
            r.t0y = t0y;
            r.nty = t1y - t0y;
            const ptrdiff_t iy = j + ay.off0 - t0y * ay.dl;
            if (g->nhwc) {
              r.x_row = in + ((ptrdiff_t)n * in_h + iy) * in_w * cin + (ptrdiff_t)grp * icg;
              r.x_ty = -ay.dl * in_w * cin;
              r.y_row = out + (((ptrdiff_t)n * out_h + oy) * out_w + (ptrdiff_t)rx) * cout +
                        (ptrdiff_t)grp * ocg;
            } else {
              r.x_row = in + (((ptrdiff_t)n * cin + (ptrdiff_t)grp * icg) * in_h + iy) * in_w;
              r.x_ty = -ay.dl * in_w;
              r.y_row = out + (((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * out_h + oy) * out_w +
                        (ptrdiff_t)rx;
            }
            if (r.nty <= 0 || ax.n == 0) {
              fill_bias_row(&r, 0, nw);
              continue;
            }
            if (!g->nhwc && finite && nchw_chunk(&r) >= (nw < 24 ? nw : 24)) {
              /* whole row through the kernels, out-of-range columns read as 0 */
              nchw_pixels(&r, 0, nw, 1);
              continue;
            }
            /* borders: per pixel, x taps clipped */
            for (ptrdiff_t i = 0; i < nw; i++) {
              if (i == ilo && ihi > ilo) i = ihi;
              if (i >= nw) break;
              ptrdiff_t t0x, t1x;
              tap_range(&ax, i, in_w, &t0x, &t1x);
              if (t1x <= t0x) {
                fill_bias_row(&r, i, i + 1);
              } else if (dot) {
                dot_pixels(&r, i, 1, t0x, t1x);
              } else if (g->nhwc) {
                nhwc_pixels(&r, i, 1, t0x, t1x);
              } else {
                nchw_pixel(&r, i, t0x, t1x);
              }
            }
            if (ihi > ilo) {
              if (dot)
                dot_pixels(&r, ilo, ihi - ilo, 0, ax.n);
              else if (g->nhwc)
                nhwc_pixels(&r, ilo, ihi - ilo, 0, ax.n);
              else
                nchw_pixels(&r, ilo, ihi - ilo, 0);
            }
          }
          } /* passes */
          wph += r.ntaps * per_tap;
        }
      }
    }
}

