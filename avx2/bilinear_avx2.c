/* bilinear_avx2.c — AVX2 bilinear resize, NCHW and NHWC, every mode.
 *
 * Arithmetic: exactly the reference's operations in its order,
 *   top = a*wx0 + b*wx1, bottom = c*wx0 + d*wx1, out = top*wy0 + bottom*wy1,
 * as separate IEEE multiplies and adds (this file is ISO C: -ffp-contract=off,
 * and the intrinsics are mul/add, not fma), so results are bit-identical to
 * the scalar reference, including where NaN/inf inputs make them non-finite.
 * Every add is ups_add_ordered_avx2 (simd_avx2.h): the operand order, and so
 * which NaN an output carries, is the source's in every loop.
 *
 * NCHW (and NHWC with fewer than 8 channels): the horizontal pass of an
 * input row (top or bottom for every output column of a chunk of up to BUF
 * floats) goes to one of two cached buffers on the stack; each output row is
 * then a flat blend of the buffers of its two input rows, written
 * sequentially. An input row's pass is computed once per chunk however many
 * output rows use it (4 times in 2x). Rows are written one at a time:
 * interleaving the stores of two rows measured up to 3x slower here.
 * - half-pixel 2x (x.half_pixel_2x): 8 inputs v and their right neighbours v1
 *   give 16 outputs, odd = v*0.75 + v1*0.25, even = v*0.25 + v1*0.75,
 *   interleaved by unpack + vperm2f128; edge columns by the windows below;
 * - anything else: per-call windows: for each 8 outputs the taps i0 and
 *   min(i0+1, in-1) span a window of 8 floats (upsampling, mild
 *   downsampling) -> one load + 2 vpermps with indices computed once per
 *   call; otherwise two gathers. Windows are clamped inside the row; rows
 *   narrower than 8 are loaded with vmaskmovps (masked lanes never fault).
 *   Rows wider than a chunk compute the windows on the fly.
 * NCHW half-pixel 2x on both axes (rows of 9 to BUF/2 inputs):
 *   bilinear_nchw_hp2x_rows, the cached passes with a plain driver (three
 *   rotating buffers) and a pass of 3 multiplies per 16 outputs, made inside
 *   the blends; rows of 9 to 16 inputs: bilinear_nchw_hp2x_narrow, two
 *   output rows at a time from passes made in registers (no cache).
 * NHWC with 8 or more channels, direct, in registers (the last channel vector
 * of a pixel overlaps; pixels written in order with all their channels):
 * - blocks of two runs of output rows that share an input row (rows reading
 *   (a0, a1), then rows reading (a1, b1)): the column passes of the three
 *   input rows are made once per pixel and channel vector, then each row of
 *   the block is one blend (1.5x: 3 column passes per 3 output rows instead
 *   of 4; the common block shapes are specialised so the row weights stay in
 *   registers);
 * - half-pixel 2x on both axes: constant weights, so products are shared:
 *   rows 2k+1 .. 2k+4 at once (row k+1's products serve both pairs) and
 *   columns in pairs (2j, 2j+1) sharing p_j*0.75.
 * Caching column passes (as NCHW does) measured slower for NHWC: a pass row
 * is c times longer than an NCHW one, and column strips that would fit the
 * stack break the sequential store streams (up to 2x slower at 1x64x128x128).
 * Output: full vectors, the last one overlapping; rows shorter than 8 floats
 * use masked stores. Nothing outside the input is read, nothing outside the
 * output (and the run's range) written.
 *
 * Work ranges (kernel.h): the NCHW windows are built once per call by
 * prepare (a bilinear_prep); a run computes one range and only reads it.
 * Every output value is a fixed function of its two input rows' column
 * passes and its row weights, whichever rows a loop groups: a pass is
 * recomputed where a range starts (never taken from another range), and the
 * row groupings (cached-pass runs, 2x row pairs, NHWC blocks) are cut at the
 * range's ends, a cut pair's row computed alone by the same operations in the
 * same order. So any tiling writes the bits of one whole run. */
#include <immintrin.h>

#include "../kernels/kernel.h"
#include "simd_avx2.h"

/* The reference, for the paths it is faster on (scalar/bilinear.c). */
void ups_bilinear_nchw_scalar(const ups_bilinear_job *job, const void *prep, const ups_range *r);

static inline __m256 lerp(__m256 a, __m256 b, __m256 w0, __m256 w1) {
  return ups_add_ordered_avx2(_mm256_mul_ps(a, w0), _mm256_mul_ps(b, w1));
}

enum { BUF = 2048 }; /* floats of one cached horizontal chunk */

/* Horizontal pass of 8 NCHW outputs whose left taps are id (id[0] == lo). */
static inline __m256 hpass8(const float *row, size_t iw, __m256i id, int32_t lo, __m256 w0,
                            __m256 w1, __m256i inmask) {
  const __m256i last = _mm256_set1_epi32((int32_t)(iw - 1));
  const __m256i id1 = _mm256_min_epi32(_mm256_add_epi32(id, _mm256_set1_epi32(1)), last);
  int32_t base = 0;
  if (iw >= 8) base = lo < (int32_t)(iw - 8) ? lo : (int32_t)(iw - 8);
  const __m256i vb = _mm256_set1_epi32(base);
  const __m256i d0 = _mm256_sub_epi32(id, vb), d1 = _mm256_sub_epi32(id1, vb);
  __m256 a, b;
  if (_mm256_testz_si256(_mm256_or_si256(d0, d1), _mm256_set1_epi32(~7))) {
    const __m256 v = iw >= 8 ? _mm256_loadu_ps(row + base) : _mm256_maskload_ps(row, inmask);
    a = _mm256_permutevar8x32_ps(v, d0);
    b = _mm256_permutevar8x32_ps(v, d1);
  } else {
    a = ups_gather8_avx2(row, id);
    b = ups_gather8_avx2(row, id1);
  }
  return lerp(a, b, w0, w1);
}

/* NCHW: buf[x - xa] for x in [xa, xb), xb - xa >= 8 (vectors end at xb). */
static void hrow_nchw_general(const ups_linear_axis *ax, const float *row, size_t xa, size_t xb,
                              float *buf, __m256i inmask) {
  const int32_t *i0 = ax->i0_32;
  for (size_t x = xa; x < xb; x += 8) {
    const size_t xv = x + 8 <= xb ? x : xb - 8;
    _mm256_storeu_ps(buf + (xv - xa),
                     hpass8(row, ax->in, _mm256_loadu_si256((const __m256i *)(i0 + xv)), i0[xv],
                            _mm256_loadu_ps(ax->w0 + xv), _mm256_loadu_ps(ax->w1 + xv), inmask));
  }
}

/* Per-call column windows of the NCHW horizontal pass (a row of at most one
 * chunk). For each output vector k, both tap indices relative to a load
 * offset base[k], packed as d0 | d1 << 4, and a mode:
 *   0: all taps in one 8-float window at base (one load, vpermps reads the
 *      low 3 bits);
 *   1: all taps in 16 floats at base (two loads, vpermps each, vblendvps on
 *      bit 3 of the index; rows of 16 or more inputs: downsampling to 1/2);
 *   2: anything else: base unused, pk = the absolute left taps (gathers). */
enum { WIN_MAX = BUF / 8 + 2 };
typedef struct hwin {
  __m256i pk[WIN_MAX];
  int32_t base[WIN_MAX];
  unsigned char mode[WIN_MAX];
} hwin;

static void hwin_build(const ups_linear_axis *ax, hwin *W) {
  const size_t iw = ax->in, ow = ax->out;
  const int32_t *i0 = ax->i0_32;
  const __m256i last = _mm256_set1_epi32((int32_t)(iw - 1));
  for (size_t x = 0, k = 0; x < ow; x += 8, k++) {
    const size_t xv = x + 8 <= ow ? x : ow - 8;
    const __m256i id = _mm256_loadu_si256((const __m256i *)(i0 + xv));
    const __m256i id1 = _mm256_min_epi32(_mm256_add_epi32(id, _mm256_set1_epi32(1)), last);
    const int32_t lo = i0[xv];
    W->mode[k] = 2;
    W->base[k] = 0;
    W->pk[k] = id;
    for (int span = 8; span <= 16; span += 8) {
      if (span == 16 && iw < 16) break;
      int32_t base = 0;
      if (iw >= (size_t)span) base = lo < (int32_t)(iw - span) ? lo : (int32_t)(iw - span);
      const __m256i vb = _mm256_set1_epi32(base);
      const __m256i d0 = _mm256_sub_epi32(id, vb), d1 = _mm256_sub_epi32(id1, vb);
      if (_mm256_testz_si256(_mm256_or_si256(d0, d1), _mm256_set1_epi32(~(span - 1)))) {
        W->mode[k] = (unsigned char)(span / 8 - 1);
        W->base[k] = base;
        W->pk[k] = _mm256_or_si256(d0, _mm256_slli_epi32(d1, 4));
        break;
      }
    }
  }
}

/* The horizontal pass of output vector k through the windows. */
static inline __m256 win_hpass(const float *row, size_t iw, const hwin *W, size_t k, __m256 w0,
                               __m256 w1, __m256i inmask) {
  const __m256i pk = W->pk[k];
  __m256 a, b;
  if (W->mode[k] == 0) {
    const __m256 v = iw >= 8 ? _mm256_loadu_ps(row + W->base[k]) : _mm256_maskload_ps(row, inmask);
    a = _mm256_permutevar8x32_ps(v, pk);
    b = _mm256_permutevar8x32_ps(v, _mm256_srli_epi32(pk, 4));
  } else if (W->mode[k] == 1) {
    const __m256 vl = _mm256_loadu_ps(row + W->base[k]), vh = _mm256_loadu_ps(row + W->base[k] + 8);
    const __m256i pk1 = _mm256_srli_epi32(pk, 4);
    a = _mm256_blendv_ps(_mm256_permutevar8x32_ps(vl, pk), _mm256_permutevar8x32_ps(vh, pk),
                         _mm256_castsi256_ps(_mm256_slli_epi32(pk, 28)));
    b = _mm256_blendv_ps(_mm256_permutevar8x32_ps(vl, pk1), _mm256_permutevar8x32_ps(vh, pk1),
                         _mm256_castsi256_ps(_mm256_slli_epi32(pk, 24)));
  } else {
    const __m256i last = _mm256_set1_epi32((int32_t)(iw - 1));
    a = ups_gather8_avx2(row, pk);
    b = ups_gather8_avx2(row, _mm256_min_epi32(_mm256_add_epi32(pk, _mm256_set1_epi32(1)), last));
  }
  return lerp(a, b, w0, w1);
}

/* NCHW, a whole row (ow >= 8, one chunk) through the windows, from column xa. */
static void hrow_nchw_win(const ups_linear_axis *ax, const float *row, const hwin *W, float *buf,
                          __m256i inmask, size_t xa) {
  const size_t iw = ax->in, ow = ax->out;
  for (size_t x = xa & ~(size_t)7, k = xa / 8; x < ow; x += 8, k++) {
    const size_t xv = x + 8 <= ow ? x : ow - 8;
    _mm256_storeu_ps(buf + xv, win_hpass(row, iw, W, k, _mm256_loadu_ps(ax->w0 + xv),
                                         _mm256_loadu_ps(ax->w1 + xv), inmask));
  }
}

/* NCHW, whole row narrower than 8 outputs: buf[0, 8) (lanes >= out unused). */
static void hrow_nchw_narrow(const ups_linear_axis *ax, const float *row, float *buf,
                             __m256i inmask) {
  const size_t ow = ax->out;
  int32_t t[8];
  float w0[8], w1[8];
  for (size_t i = 0; i < 8; i++) {
    const size_t j = i < ow ? i : ow - 1;
    t[i] = ax->i0_32[j];
    w0[i] = ax->w0[j];
    w1[i] = ax->w1[j];
  }
  _mm256_storeu_ps(buf, hpass8(row, ax->in, _mm256_loadu_si256((const __m256i *)t), t[0],
                               _mm256_loadu_ps(w0), _mm256_loadu_ps(w1), inmask));
}

/* NCHW through the windows: only the first output vector. */
static void hrow_nchw_win1(const ups_linear_axis *ax, const float *row, const hwin *W, float *buf,
                           __m256i inmask) {
  _mm256_storeu_ps(
      buf, win_hpass(row, ax->in, W, 0, _mm256_loadu_ps(ax->w0), _mm256_loadu_ps(ax->w1), inmask));
}

/* NCHW half-pixel 2x, whole row (iw >= 9). */
static void hrow_nchw_hp2x(const ups_linear_axis *ax, const float *row, const hwin *W, float *buf,
                           __m256i inmask) {
  const size_t iw = ax->in, ow = ax->out;
  const __m256 q1 = _mm256_set1_ps(0.25f), q3 = _mm256_set1_ps(0.75f);
  size_t k = 0;
  for (; k + 8 < iw; k += 8) {
    const __m256 a = _mm256_loadu_ps(row + k), b = _mm256_loadu_ps(row + k + 1);
    const __m256 od = lerp(a, b, q3, q1), ev = lerp(a, b, q1, q3);
    const __m256 lo = _mm256_unpacklo_ps(od, ev), hi = _mm256_unpackhi_ps(od, ev);
    _mm256_storeu_ps(buf + 2 * k + 1, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(buf + 2 * k + 9, _mm256_permute2f128_ps(lo, hi, 0x31));
  }
  /* Column 0 and the columns from 2k+1 on: the general windows. */
  const size_t kl = 2 * k + 1 < ow - 8 ? 2 * k + 1 : ow - 8;
  hrow_nchw_win(ax, row, W, buf, inmask, kl);
  hrow_nchw_win1(ax, row, W, buf, inmask);
}

/* NHWC with 2..7 channels: pixels [xa, xb) of an input row into buf (c
 * floats per pixel). Full vectors where the load stays inside the input
 * (masked otherwise); the spill of each store lands on the next pixel (written
 * after it) or in the buffer's slack. */
static void hrow_nhwc(const ups_linear_axis *ax, const float *row, size_t c, size_t xa, size_t xb,
                      float *buf, const float *in_end, __m256i cmask) {
  for (size_t x = xa; x < xb; x++) {
    const float *pa = row + ax->i0[x] * c, *pb = row + ax->i1[x] * c;
    const __m256 w0 = _mm256_broadcast_ss(ax->w0 + x), w1 = _mm256_broadcast_ss(ax->w1 + x);
    const __m256 va = pa + 8 <= in_end ? _mm256_loadu_ps(pa) : _mm256_maskload_ps(pa, cmask);
    const __m256 vb = pb + 8 <= in_end ? _mm256_loadu_ps(pb) : _mm256_maskload_ps(pb, cmask);
    _mm256_storeu_ps(buf + (x - xa) * c, lerp(va, vb, w0, w1));
  }
}

/* dst[0, L) = t*wy0 + b*wy1. */
static inline void blend_flat(const float *t, const float *b, const float *wy0, const float *wy1,
                              float *dst, size_t L) {
  const __m256 w0 = _mm256_broadcast_ss(wy0), w1 = _mm256_broadcast_ss(wy1);
  if (L < 8) {
    _mm256_maskstore_ps(dst, vm_first((ptrdiff_t)L),
                        lerp(_mm256_loadu_ps(t), _mm256_loadu_ps(b), w0, w1));
    return;
  }
  size_t i = 0;
  for (; i + 8 <= L; i += 8)
    _mm256_storeu_ps(dst + i, lerp(_mm256_loadu_ps(t + i), _mm256_loadu_ps(b + i), w0, w1));
  if (i < L)
    _mm256_storeu_ps(dst + L - 8,
                     lerp(_mm256_loadu_ps(t + L - 8), _mm256_loadu_ps(b + L - 8), w0, w1));
}

/* NHWC, c >= 8, direct: output rows are taken in blocks of two runs, run A
 * reading input rows (a0, a1) and run B reading (a1, b1) (upsampling: the
 * next run shares a row), up to GMAX rows each. For each output pixel and
 * channel vector the column passes of the (up to) three input rows are made
 * once in registers, then every row of the block is one blend: 3 column
 * passes per 3 output rows at 1.5x instead of 4. Pixels are written in order
 * with all their channels (sequential store streams). Measured faster than
 * caching column passes, whose NHWC rows are c times longer than NCHW ones. */
enum { GMAX = 4 };

/* One block: ga rows at da from input rows r0, r1 and gb rows at db from r1,
 * r2, with row weights wa, wb. Inlined with constant ga, gb for the common
 * shapes (weights then stay in registers). */
static inline void nhwc_block(const ups_linear_axis *ax, size_t c, size_t stride, const float *r0,
                              const float *r1, const float *r2, float *da, float *db,
                              const float (*wa)[2], const float (*wb)[2], size_t ga, size_t gb) {
  const size_t ow = ax->out;
  __m256 ya[GMAX][2], yb[GMAX][2];
  for (size_t r = 0; r < ga; r++) {
    ya[r][0] = _mm256_set1_ps(wa[r][0]);
    ya[r][1] = _mm256_set1_ps(wa[r][1]);
  }
  for (size_t r = 0; r < gb; r++) {
    yb[r][0] = _mm256_set1_ps(wb[r][0]);
    yb[r][1] = _mm256_set1_ps(wb[r][1]);
  }
  for (size_t x = 0; x < ow; x++) {
    const size_t o0 = ax->i0[x] * c, o1 = ax->i1[x] * c;
    const __m256 w0 = _mm256_broadcast_ss(ax->w0 + x), w1 = _mm256_broadcast_ss(ax->w1 + x);
    const size_t xo = x * c;
    for (size_t c0 = 0; c0 < c; c0 += 8) {
      const size_t ch = c0 + 8 <= c ? c0 : c - 8; /* last vector overlaps */
      const __m256 h0 = lerp(_mm256_loadu_ps(r0 + o0 + ch), _mm256_loadu_ps(r0 + o1 + ch), w0, w1);
      const __m256 h1 = lerp(_mm256_loadu_ps(r1 + o0 + ch), _mm256_loadu_ps(r1 + o1 + ch), w0, w1);
      for (size_t r = 0; r < ga; r++)
        _mm256_storeu_ps(da + r * stride + xo + ch, lerp(h0, h1, ya[r][0], ya[r][1]));
      if (gb) {
        const __m256 h2 =
            lerp(_mm256_loadu_ps(r2 + o0 + ch), _mm256_loadu_ps(r2 + o1 + ch), w0, w1);
        for (size_t r = 0; r < gb; r++)
          _mm256_storeu_ps(db + r * stride + xo + ch, lerp(h1, h2, yb[r][0], yb[r][1]));
      }
    }
  }
}

/* Rows [y0, y1) of the range: blocks start at y0 and end by y1. Each output
 * is pass(i0[y])*wy0 + pass(i1[y])*wy1 from passes in registers, so the
 * block boundaries do not change its bits. */
static void bilinear_nhwc_direct(const ups_bilinear_job *job, const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, c = job->c;
  const size_t stride = ow * c, rs = iw * c, y1 = rng.y1;
  for (size_t n = rng.n0; n < rng.n1; n++) {
    const float *src = job->in + n * ih * rs;
    float *out = job->out + n * oh * stride;
    for (size_t y = rng.y0; y < y1;) {
      const size_t a0 = ay->i0[y], a1 = ay->i1[y];
      size_t ga = 1, gb = 0;
      while (ga < GMAX && y + ga < y1 && ay->i0[y + ga] == a0 && ay->i1[y + ga] == a1) ga++;
      const size_t yb = y + ga;
      size_t b1 = a1;
      if (yb < y1 && ay->i0[yb] == a1 && a1 != a0) {
        b1 = ay->i1[yb];
        gb = 1;
        while (gb < GMAX && yb + gb < y1 && ay->i0[yb + gb] == a1 && ay->i1[yb + gb] == b1) gb++;
      }
      float wa[GMAX][2], wb[GMAX][2];
      for (size_t r = 0; r < ga; r++) wa[r][0] = ay->w0[y + r], wa[r][1] = ay->w1[y + r];
      for (size_t r = 0; r < gb; r++) wb[r][0] = ay->w0[yb + r], wb[r][1] = ay->w1[yb + r];
      const float *r0 = src + a0 * rs, *r1 = src + a1 * rs, *r2 = src + b1 * rs;
      float *da = out + y * stride, *db = out + yb * stride;
      const float(*ca)[2] = (const float(*)[2])wa, (*cb)[2] = (const float(*)[2])wb;
      if (ga == 2 && gb == 1)
        nhwc_block(ax, c, stride, r0, r1, r2, da, db, ca, cb, 2, 1);
      else if (ga == 1 && gb == 2)
        nhwc_block(ax, c, stride, r0, r1, r2, da, db, ca, cb, 1, 2);
      else if (ga == 2 && gb == 2)
        nhwc_block(ax, c, stride, r0, r1, r2, da, db, ca, cb, 2, 2);
      else if (ga == 1 && gb == 1)
        nhwc_block(ax, c, stride, r0, r1, r2, da, db, ca, cb, 1, 1);
      else if (ga == 1 && gb == 0)
        nhwc_block(ax, c, stride, r0, r1, r2, da, db, ca, cb, 1, 0);
      else if (ga == 4 && gb == 4)
        nhwc_block(ax, c, stride, r0, r1, r2, da, db, ca, cb, 4, 4);
      else if (ga == 4 && gb == 0)
        nhwc_block(ax, c, stride, r0, r1, r2, da, db, ca, cb, 4, 0);
      else
        nhwc_block(ax, c, stride, r0, r1, r2, da, db, ca, cb, ga, gb);
      y = yb + gb;
    }
  }
}

/* NHWC half-pixel 2x on both axes, c >= 8: output rows 2k+1 and 2k+2 read
 * input rows k and k+1 (clamped) with weights 0.75/0.25 and 0.25/0.75 on both
 * axes, and so do columns. Two pairs of output rows (2k+1 .. 2k+4, input rows
 * k, k+1, k+2) are made at once, so the products of row k+1's column pass
 * serve both pairs; and columns go in pairs (2j, 2j+1), which share the
 * product p_j*0.75 (2j = p_j-1*0.25 + p_j*0.75, 2j+1 = p_j*0.75 + p_j+1*0.25).
 * Per 4 output vectors 10.5 multiplies instead of 16. Pixels are written in
 * order with all their channels (sequential store streams measured faster
 * than channel-blocked ones). Exactly the reference's products and sums
 * (bit-identical). Row 0 and column 0 (weights 1 and 0) use the tables. */

/* One output column of one or two row pairs (np = 1, 2): d[0..3] + off (d[1],
 * d[3] NULL: not written) from the column passes h0, h1 (and h2) of input
 * rows k, k+1 (and k+2); np = 0: only row 2k+2 (d[1]; a range starting
 * there). Row 2k+3 = h1*0.75 + h2*0.25 and 2k+4 = h1*0.25 + h2*0.75 are the
 * operations (and operand order) of rows 2k'+1, 2k'+2 of pair k' = k+1, so
 * the pairing does not change bits. */
static inline void hp2x_vert(__m256 h0, __m256 h1, __m256 h2, int np, float *const *d,
                             size_t off) {
  const __m256 k1 = _mm256_set1_ps(0.25f), k3 = _mm256_set1_ps(0.75f);
  const __m256 b1 = _mm256_mul_ps(h1, k1), b3 = _mm256_mul_ps(h1, k3);
  if (np != 0) _mm256_storeu_ps(d[0] + off, ups_add_ordered_avx2(_mm256_mul_ps(h0, k3), b1));
  if (d[1]) _mm256_storeu_ps(d[1] + off, ups_add_ordered_avx2(_mm256_mul_ps(h0, k1), b3));
  if (np == 2) {
    _mm256_storeu_ps(d[2] + off, ups_add_ordered_avx2(b3, _mm256_mul_ps(h2, k1)));
    if (d[3]) _mm256_storeu_ps(d[3] + off, ups_add_ordered_avx2(b1, _mm256_mul_ps(h2, k3)));
  }
}

/* The column passes at output columns 2j and 2j+1 (j >= 1) of input row r,
 * channels at ch. */
static inline void hp2x_hpair(const float *r, size_t c, size_t j, size_t jn, size_t ch,
                              __m256 *h) {
  const __m256 k1 = _mm256_set1_ps(0.25f), k3 = _mm256_set1_ps(0.75f);
  const __m256 a = _mm256_mul_ps(_mm256_loadu_ps(r + (j - 1) * c + ch), k1);
  const __m256 m = _mm256_mul_ps(_mm256_loadu_ps(r + j * c + ch), k3);
  const __m256 e = _mm256_mul_ps(_mm256_loadu_ps(r + jn * c + ch), k1);
  h[0] = ups_add_ordered_avx2(a, m);
  h[1] = ups_add_ordered_avx2(m, e);
}

/* The four outputs at offset o of full output rows d0..d3 (2k+1 .. 2k+4)
 * from the column passes h0, h1, h2 of input rows k .. k+2: hp2x_vert
 * without its per-vector row checks. */
static inline void hp2x_quad_col(__m256 h0, __m256 h1, __m256 h2, float *d0, float *d1, float *d2,
                                 float *d3, size_t o) {
  const __m256 k1 = _mm256_set1_ps(0.25f), k3 = _mm256_set1_ps(0.75f);
  const __m256 b1 = _mm256_mul_ps(h1, k1), b3 = _mm256_mul_ps(h1, k3);
  _mm256_storeu_ps(d0 + o, ups_add_ordered_avx2(_mm256_mul_ps(h0, k3), b1));
  _mm256_storeu_ps(d1 + o, ups_add_ordered_avx2(_mm256_mul_ps(h0, k1), b3));
  _mm256_storeu_ps(d2 + o, ups_add_ordered_avx2(b3, _mm256_mul_ps(h2, k1)));
  _mm256_storeu_ps(d3 + o, ups_add_ordered_avx2(b1, _mm256_mul_ps(h2, k3)));
}

/* Columns 2 .. 2*iw-3 of four full output rows (iw >= 3), the pointers in
 * locals and the passes in named registers: measured 10-14% faster than
 * the general loop when the tensors fit in L2 (1x64x32x32 -> 64x64: 15.3 ->
 * 13.8 us; 1x12x32x32: 4.3 -> 3.7 us) and the same at 1x64x128x128 ->
 * 256x256, which the memory system bounds. */
static void hp2x_quad_interior(const float *const *r, size_t c, size_t iw, float *const *d) {
  const float *r0 = r[0], *r1 = r[1], *r2 = r[2];
  float *d0 = d[0], *d1 = d[1], *d2 = d[2], *d3 = d[3];
  for (size_t j = 1; j + 1 < iw; j++) {
    for (size_t c0 = 0; c0 < c; c0 += 8) {
      const size_t ch = c0 + 8 <= c ? c0 : c - 8, o = 2 * j * c + ch;
      __m256 h0[2], h1[2], h2[2];
      hp2x_hpair(r0, c, j, j + 1, ch, h0);
      hp2x_hpair(r1, c, j, j + 1, ch, h1);
      hp2x_hpair(r2, c, j, j + 1, ch, h2);
      hp2x_quad_col(h0[0], h1[0], h2[0], d0, d1, d2, d3, o);
      hp2x_quad_col(h0[1], h1[1], h2[1], d0, d1, d2, d3, o + c);
    }
  }
}

static inline void hp2x_rows(const ups_linear_axis *ax, const float *const *r, size_t c,
                             float *const *d, int np) {
  const size_t iw = ax->in;
  { /* Columns 0 (tables' weights) and 1 (p_0*0.75 + p_min(1,iw-1)*0.25). */
    const __m256 w0 = _mm256_broadcast_ss(ax->w0), w1 = _mm256_broadcast_ss(ax->w1);
    const __m256 v0 = _mm256_broadcast_ss(ax->w0 + 1), v1 = _mm256_broadcast_ss(ax->w1 + 1);
    const size_t o0 = ax->i0[0] * c, o1 = ax->i1[0] * c, p0 = ax->i0[1] * c, p1 = ax->i1[1] * c;
    for (size_t c0 = 0; c0 < c; c0 += 8) {
      const size_t ch = c0 + 8 <= c ? c0 : c - 8;
      __m256 h[3] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
      for (int i = 0; i < 2 + (np == 2); i++)
        h[i] = lerp(_mm256_loadu_ps(r[i] + o0 + ch), _mm256_loadu_ps(r[i] + o1 + ch), w0, w1);
      hp2x_vert(h[0], h[1], h[2], np, d, ch);
      for (int i = 0; i < 2 + (np == 2); i++)
        h[i] = lerp(_mm256_loadu_ps(r[i] + p0 + ch), _mm256_loadu_ps(r[i] + p1 + ch), v0, v1);
      hp2x_vert(h[0], h[1], h[2], np, d, c + ch);
    }
  }
  size_t j0 = 1;
  if (np == 2 && d[1] && d[3] && iw >= 3) {
    hp2x_quad_interior(r, c, iw, d);
    j0 = iw - 1;
  }
  for (size_t j = j0; j < iw; j++) {
    const size_t jn = j + 1 < iw ? j + 1 : iw - 1, x = 2 * j;
    for (size_t c0 = 0; c0 < c; c0 += 8) {
      const size_t ch = c0 + 8 <= c ? c0 : c - 8;
      __m256 h[3][2];
      hp2x_hpair(r[0], c, j, jn, ch, h[0]);
      hp2x_hpair(r[1], c, j, jn, ch, h[1]);
      if (np == 2)
        hp2x_hpair(r[2], c, j, jn, ch, h[2]);
      else
        h[2][0] = h[2][1] = _mm256_setzero_ps();
      hp2x_vert(h[0][0], h[1][0], h[2][0], np, d, x * c + ch);
      hp2x_vert(h[0][1], h[1][1], h[2][1], np, d, (x + 1) * c + ch);
    }
  }
}

/* Row 0 (weights wy = 1, 0 from the tables): the direct path, one row. */
static void hp2x_row0(const ups_bilinear_job *job, const float *src, float *dst) {
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t iw = ax->in, ow = ax->out, c = job->c;
  const float *r0 = src + ay->i0[0] * iw * c, *r1 = src + ay->i1[0] * iw * c;
  const __m256 y0 = _mm256_broadcast_ss(ay->w0), y1 = _mm256_broadcast_ss(ay->w1);
  for (size_t x = 0; x < ow; x++) {
    const size_t o0 = ax->i0[x] * c, o1 = ax->i1[x] * c;
    const __m256 w0 = _mm256_broadcast_ss(ax->w0 + x), w1 = _mm256_broadcast_ss(ax->w1 + x);
    for (size_t c0 = 0; c0 < c; c0 += 8) {
      const size_t ch = c0 + 8 <= c ? c0 : c - 8;
      const __m256 top = lerp(_mm256_loadu_ps(r0 + o0 + ch), _mm256_loadu_ps(r0 + o1 + ch), w0, w1);
      const __m256 bot = lerp(_mm256_loadu_ps(r1 + o0 + ch), _mm256_loadu_ps(r1 + o1 + ch), w0, w1);
      _mm256_storeu_ps(dst + x * c + ch, lerp(top, bot, y0, y1));
    }
  }
}

/* Rows [y0, y1): row 0 alone, a first row 2k+2 alone, then groups of two
 * pairs (rows 2k+1 .. 2k+4, those before y1). */
static void bilinear_nhwc_hp2x(const ups_bilinear_job *job, const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, c = job->c;
  const size_t stride = ow * c, rs = iw * c, y1 = rng.y1;
  for (size_t n = rng.n0; n < rng.n1; n++) {
    const float *src = job->in + n * ih * rs;
    float *out = job->out + n * oh * stride;
    size_t y = rng.y0;
    if (y == 0) {
      hp2x_row0(job, src, out);
      y = 1;
    } else if (y % 2 == 0) { /* row 2k+2 of pair k = y/2 - 1 */
      const float *r[3] = {src + ay->i0[y] * rs, src + ay->i1[y] * rs, NULL};
      float *d[4] = {NULL, out + y * stride, NULL, NULL};
      hp2x_rows(ax, r, c, d, 0);
      y++;
    }
    for (size_t k = (y - 1) / 2; y < y1; k += 2, y += 4) { /* y = 2k+1 */
      const float *r[3] = {src + ay->i0[y] * rs, src + ay->i1[y] * rs, NULL};
      float *d[4] = {out + y * stride, y + 1 < y1 ? out + (y + 1) * stride : NULL, NULL, NULL};
      if (k + 1 < ih && y + 2 < y1) {
        r[2] = src + ay->i1[y + 2] * rs;
        d[2] = out + (y + 2) * stride;
        d[3] = y + 3 < y1 ? out + (y + 3) * stride : NULL;
        hp2x_rows(ax, r, c, d, 2);
      } else {
        hp2x_rows(ax, r, c, d, 1);
      }
    }
  }
}

/* 16 half-pixel 2x passes from 8 inputs: a = p[m-1], b = p[m], c =
 * p[min(m+1, iw-1)] give h[2m] = a*0.25 + b*0.75, h[2m+1] = b*0.75 + c*0.25
 * (b*0.75 shared), interleaved to h[2m0 .. 2m0+16). */
static inline void hp2x_16(__m256 a, __m256 b, __m256 c, __m256 *lo16, __m256 *hi16) {
  const __m256 q1 = _mm256_set1_ps(0.25f), q3 = _mm256_set1_ps(0.75f);
  const __m256 m = _mm256_mul_ps(b, q3);
  const __m256 ev = ups_add_ordered_avx2(_mm256_mul_ps(a, q1), m);
  const __m256 od = ups_add_ordered_avx2(m, _mm256_mul_ps(c, q1));
  const __m256 lo = _mm256_unpacklo_ps(ev, od), hi = _mm256_unpackhi_ps(ev, od);
  *lo16 = _mm256_permute2f128_ps(lo, hi, 0x20);
  *hi16 = _mm256_permute2f128_ps(lo, hi, 0x31);
}

/* The 16 passes h[2j .. 2j+16) of a half-pixel 2x row (iw >= 9) at an input
 * block j with j == 0, j+8 < iw, or j == iw-8: the first block takes h[0] =
 * p[0]*w0[0] + p[1]*w1[0] from the tables and its left tap by a permuted
 * load, the last one its clamped right tap p[iw-1] the same way. */
static inline void hp2x_16_at(const ups_linear_axis *ax, const float *row, size_t j, __m256 *lo16,
                              __m256 *hi16) {
  if (j == 0) {
    const __m256 b = _mm256_loadu_ps(row), c = _mm256_loadu_ps(row + 1);
    const __m256 a = _mm256_permutevar8x32_ps(b, _mm256_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6));
    hp2x_16(a, b, c, lo16, hi16);
    const __m256 e0 = ups_add_ordered_avx2(_mm256_mul_ps(b, _mm256_broadcast_ss(ax->w0)),
                                           _mm256_mul_ps(c, _mm256_broadcast_ss(ax->w1)));
    *lo16 = _mm256_blend_ps(*lo16, e0, 1);
  } else if (j + 8 >= ax->in) {
    const __m256 a = _mm256_loadu_ps(row + j - 1), b = _mm256_loadu_ps(row + j);
    const __m256 c = _mm256_permutevar8x32_ps(b, _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 7));
    hp2x_16(a, b, c, lo16, hi16);
  } else {
    hp2x_16(_mm256_loadu_ps(row + j - 1), _mm256_loadu_ps(row + j), _mm256_loadu_ps(row + j + 1),
            lo16, hi16);
  }
}

/* The edge blocks of a half-pixel 2x row pass: outputs [0, 16) and
 * [ow-16, ow). */
static inline void hp2x_edges(const ups_linear_axis *ax, const float *row, float *hn) {
  const size_t j = ax->in - 8;
  __m256 lo, hi;
  hp2x_16_at(ax, row, 0, &lo, &hi);
  _mm256_storeu_ps(hn, lo);
  _mm256_storeu_ps(hn + 8, hi);
  hp2x_16_at(ax, row, j, &lo, &hi);
  _mm256_storeu_ps(hn + 2 * j, lo);
  _mm256_storeu_ps(hn + 2 * j + 8, hi);
}

/* The interior 16-output blocks of a half-pixel 2x row pass: h[2j, 2j+16)
 * for j = 8, 16, .. while j+8 < iw (the loads stay inside the row); with
 * hp2x_edges they cover the row: jend >= iw-8. */
static inline size_t hp2x_jend(size_t iw) { return iw >= 17 ? 16 + 8 * ((iw - 17) / 8) : 8; }

static inline void hp2x_block(const float *row, size_t j, float *hn) {
  __m256 lo, hi;
  hp2x_16(_mm256_loadu_ps(row + j - 1), _mm256_loadu_ps(row + j), _mm256_loadu_ps(row + j + 1),
          &lo, &hi);
  _mm256_store_ps(hn + 2 * j, lo);
  _mm256_store_ps(hn + 2 * j + 8, hi);
}

/* dst[0, ow) = t*wy0 + b*wy1 (ow = 2*iw >= 18, t and b 32-byte aligned)
 * and, interleaved with it, the interior blocks j in [ja, jb) of the pass of
 * input row `row` into hn (plus its edges when `edges`): the pass's work
 * rides along the blend's store stream instead of running between rows. */
static void blend_hp2x_part(const ups_linear_axis *ax, const float *t, const float *b,
                            const float *wy0, const float *wy1, float *dst, const float *row,
                            float *hn, size_t ja, size_t jb, int edges) {
  const size_t ow = ax->out;
  const __m256 w0 = _mm256_broadcast_ss(wy0), w1 = _mm256_broadcast_ss(wy1);
  size_t x = 0, j = ja;
  for (; x + 16 <= ow && j < jb; x += 16, j += 8) {
    _mm256_storeu_ps(dst + x, lerp(_mm256_load_ps(t + x), _mm256_load_ps(b + x), w0, w1));
    _mm256_storeu_ps(dst + x + 8,
                     lerp(_mm256_load_ps(t + x + 8), _mm256_load_ps(b + x + 8), w0, w1));
    hp2x_block(row, j, hn);
  }
  for (; x + 8 <= ow; x += 8)
    _mm256_storeu_ps(dst + x, lerp(_mm256_loadu_ps(t + x), _mm256_loadu_ps(b + x), w0, w1));
  if (x < ow)
    _mm256_storeu_ps(dst + ow - 8,
                     lerp(_mm256_loadu_ps(t + ow - 8), _mm256_loadu_ps(b + ow - 8), w0, w1));
  for (; j < jb; j += 8) hp2x_block(row, j, hn);
  if (edges) hp2x_edges(ax, row, hn);
}

/* A whole half-pixel 2x row pass (iw >= 9) into hn (32-byte aligned). */
static void hrow_hp2x_full(const ups_linear_axis *ax, const float *row, float *hn) {
  const size_t jend = hp2x_jend(ax->in);
  for (size_t j = 8; j < jend; j += 8) hp2x_block(row, j, hn);
  hp2x_edges(ax, row, hn);
}

/* NCHW half-pixel 2x on both axes, large outputs (iw >= 9, ow <= BUF):
 * cached passes like bilinear_run, but with the row pattern known (row 0
 * from input rows i0[0] = 0 and i1[0] = min(1, ih-1); rows 2k+1, 2k+2 from
 * k and min(k+1, ih-1)) the driver is a plain loop over three rotating
 * buffers (passes of rows k, k+1 and k+2): each input row's pass is made
 * once, half of it inside the blend of row 2k+1 and half inside that of row
 * 2k+2, and output rows are written one at a time, in order. The pass
 * itself: 3 loads (p[m-1], p[m], p[m+1]), 3 multiplies (p[m]*0.75 shared by
 * outputs 2m and 2m+1), 2 adds, 4 shuffles and 2 aligned stores per 16
 * outputs, edges by permuted loads (hp2x_edges). Measured at 1x64x128x128 ->
 * 256x256: the generic driver's per-row bookkeeping cost ~50 of ~400 us and
 * the windowed pass (split stores, table-driven edges) ~130 us.
 * A range starting at row 2k+1 or 2k+2 starts from the passes of rows k and
 * min(k+1, ih-1) (the buffers a whole run holds there); the next pass is
 * made inside the blends only while the next pair is in the range. */
static void bilinear_nchw_hp2x_rows(const ups_bilinear_job *job, const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, y1 = rng.y1;
  const size_t jend = hp2x_jend(iw), jmid = 8 + 8 * ((jend - 8) / 16);
  _Alignas(32) float hb[3][BUF + 16];
  for (size_t n = rng.n0; n < rng.n1; n++)
    for (size_t ch = rng.c0; ch < rng.c1; ch++) {
      const size_t p = n * job->c + ch;
      const float *src = job->in + p * ih * iw;
      float *out = job->out + p * oh * ow;
      float *bk = hb[0], *bn = hb[1], *bs = hb[2];
      size_t y = rng.y0, k = y == 0 ? 0 : (y - 1) / 2;
      hrow_hp2x_full(ax, src + k * iw, bk);
      if (k + 1 < ih)
        hrow_hp2x_full(ax, src + (k + 1) * iw, bn);
      else
        bn = bk;
      if (y == 0) {
        blend_flat(bk, bn, ay->w0, ay->w1, out, ow); /* row 0 */
        y = 1;
      } else if (y % 2 == 0) {
        /* The range starts at row 2k+2: that row alone, then the pass of
         * row k+2 (the same blocks as inside the blends) when the range goes
         * on. The loop below then runs whole pairs, as a whole run does. */
        blend_flat(bk, bn, ay->w0 + y, ay->w1 + y, out + y * ow, ow);
        if (++y >= y1) continue;
        if (k + 2 < ih) {
          hrow_hp2x_full(ax, src + (k + 2) * iw, bs);
          float *tmp = bk;
          bk = bn;
          bn = bs;
          bs = tmp;
        } else {
          bk = bn;
        }
        k++;
      }
      /* Pairs k < kn (k+2 < ih, next pair in the range): rows 2k+1, 2k+2
       * from passes k, k+1, the pass of row k+2 made inside their blends. */
      size_t kn = ih > 2 ? ih - 2 : 0;            /* k+2 < ih */
      const size_t kr = y1 >= 2 ? y1 / 2 - 1 : 0; /* 2k+3 < y1 */
      if (kr < kn) kn = kr;
      for (; k < kn; k++) {
        const size_t ya = 2 * k + 1;
        float *d0 = out + ya * ow;
        const float *nr = src + (k + 2) * iw;
        blend_hp2x_part(ax, bk, bn, ay->w0 + ya, ay->w1 + ya, d0, nr, bs, 8, jmid, 0);
        blend_hp2x_part(ax, bk, bn, ay->w0 + ya + 1, ay->w1 + ya + 1, d0 + ow, nr, bs, jmid,
                        jend, 1);
        float *tmp = bk;
        bk = bn;
        bn = bs;
        bs = tmp;
      }
      /* The rest: no next pass needed (the range ends) or none to make. */
      for (y = 2 * k + 1; y < y1; k++, y += 2) {
        float *d0 = out + y * ow;
        blend_flat(bk, bn, ay->w0 + y, ay->w1 + y, d0, ow);
        if (y + 1 < y1) blend_flat(bk, bn, ay->w0 + y + 1, ay->w1 + y + 1, d0 + ow, ow);
        bk = bn; /* k+2 >= ih: the next pair reads rows ih-1, ih-1 */
      }
    }
}

/* Output rows 2k+1 (d1) and 2k+2 (d2) from input rows rk and rk + iw (iw =
 * ax->in, passed so it stays in a register across the stores),
 * which = 1: d1 only, 2: d2 only, 3: both (a constant after inlining): a
 * row alone is made by the operations of the pair (the stores of the other
 * row dropped). */
UPS_AI void hp2x_narrow_pair(const ups_linear_axis *ax, size_t iw, const float *rk, float *d1,
                             float *d2, int which) {
  const __m256 q1 = _mm256_set1_ps(0.25f), q3 = _mm256_set1_ps(0.75f);
  for (size_t j = 0;; j = iw - 8) {
    __m256 kl, kh, nl, nh;
    hp2x_16_at(ax, rk, j, &kl, &kh);
    hp2x_16_at(ax, rk + iw, j, &nl, &nh);
    if (which & 1) { /* h[k]*0.75 + h[k+1]*0.25 */
      _mm256_storeu_ps(d1 + 2 * j, lerp(kl, nl, q3, q1));
      _mm256_storeu_ps(d1 + 2 * j + 8, lerp(kh, nh, q3, q1));
    }
    if (which & 2) { /* h[k]*0.25 + h[k+1]*0.75 */
      _mm256_storeu_ps(d2 + 2 * j, lerp(kl, nl, q1, q3));
      _mm256_storeu_ps(d2 + 2 * j + 8, lerp(kh, nh, q1, q3));
    }
    if (j == iw - 8) break;
  }
}

/* NCHW half-pixel 2x on both axes with short rows (9 to 16 inputs): rows
 * 2k+1 and 2k+2 (k+1 < ih) from the passes of input rows k and k+1, made in
 * registers for each 16 outputs (none cached: two blocks cover a row, the
 * last one overlapping), row 2k+1 = h[k]*0.75 + h[k+1]*0.25 and row 2k+2 =
 * h[k]*0.25 + h[k+1]*0.75; rows 0 and oh-1 (table weights) by blend_flat of
 * cached passes. On such short rows the row driver below is dominated by its
 * per-row setup; in-process A/Bs at -O3 measured this 1.1-1.6x faster
 * (1x64x16x16 -> 32x32: 7.2 -> 6.6 and 11.8 -> 7.7 us, 1x256x13x13 -> 26x26:
 * 32-38 -> 23-28 us, 1x64x12x12: 4.8 -> 4.8 and 7.9 -> 6.2 us), not faster
 * from 20 inputs on, and 1.3x slower at 128 (two store streams into L3).
 * A range has rows 0 and oh-1 when it holds them, and the pairs that meet
 * it (a cut pair's row alone, by hp2x_narrow_pair). */
static void bilinear_nchw_hp2x_narrow(const ups_bilinear_job *job, const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out;
  const size_t y0 = rng.y0, y1 = rng.y1;
  _Alignas(32) float hb[2][32];
  for (size_t n = rng.n0; n < rng.n1; n++)
    for (size_t ch = rng.c0; ch < rng.c1; ch++) {
      const size_t p = n * job->c + ch;
      const float *src = job->in + p * ih * iw;
      float *out = job->out + p * oh * ow;
      if (y0 == 0) {
        hrow_hp2x_full(ax, src, hb[0]);
        hrow_hp2x_full(ax, src + ay->i1[0] * iw, hb[1]);
        blend_flat(hb[0], hb[1], ay->w0, ay->w1, out, ow); /* row 0 */
      }
      /* Pairs k in [ka, kb) whole; a range starting at row 2k+2 or ending
       * after row 2k+1 has that row alone (peeled: the loop stays the plain
       * loop of a whole run). */
      size_t ka = 0;
      if (y0 >= 2) {
        ka = (y0 - 1) / 2;
        if (y0 % 2 == 0) {
          float *d1 = out + (2 * ka + 1) * ow;
          hp2x_narrow_pair(ax, iw, src + ka * iw, d1, d1 + ow, 2);
          ka++;
        }
      }
      const size_t kb = (y1 - 1) / 2 < ih - 1 ? (y1 - 1) / 2 : ih - 1;
      for (size_t k = ka; k < kb; k++) {
        float *d1 = out + (2 * k + 1) * ow;
        hp2x_narrow_pair(ax, iw, src + k * iw, d1, d1 + ow, 3);
      }
      if (kb < ih - 1 && 2 * kb + 1 < y1) {
        float *d1 = out + (2 * kb + 1) * ow;
        hp2x_narrow_pair(ax, iw, src + kb * iw, d1, d1 + ow, 1);
      }
      if (y1 == oh) { /* row oh-1 = 2(ih-1)+1: input row ih-1 twice */
        const float *last;
        if (y0 == 0 && ih <= 2) {
          last = ih > 1 ? hb[1] : hb[0]; /* pass(min(1, ih-1)) == pass(ih-1) */
        } else {
          hrow_hp2x_full(ax, src + (ih - 1) * iw, hb[1]);
          last = hb[1];
        }
        blend_flat(last, last, ay->w0 + oh - 1, ay->w1 + oh - 1, out + (oh - 1) * ow, ow);
      }
    }
}

/* The cached-pass driver. NCHW: planes n*c (the range's n x c), 1 float per
 * column. NHWC with 2..7 channels: planes n, c floats per column. Rows of
 * one input-row pair form a group; groups and the pass cache start at the
 * range's first row and stop at its end (a pass is a function of its input
 * row and chunk only, so recomputing it at a range start changes no bit). */
static void bilinear_run(const ups_bilinear_job *job, const hwin *W, const ups_range *rg,
                         int nhwc) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, y1 = rng.y1;
  const size_t c = nhwc ? job->c : 1;
  const size_t cpl = nhwc ? 1 : job->c; /* planes per image */
  const size_t cp0 = nhwc ? 0 : rng.c0, cp1 = nhwc ? 1 : rng.c1;
  const size_t cw = BUF / c; /* columns per chunk (c < 8 here) */
  const float *in_end = job->in + job->n * cpl * ih * iw * c;
  const __m256i inmask = vm_first(iw < 8 ? (ptrdiff_t)iw : 8);
  const __m256i cmask = vm_first(c < 8 ? (ptrdiff_t)c : 8);
  const int hp2x = !nhwc && ax->half_pixel_2x && iw >= 9 && ow <= BUF;
  _Alignas(32) float hbuf[2][BUF + 16];
  /* W: the windows (NCHW rows of one chunk: no chunk shorter than 8 floats,
   * see below), or NULL. */
  const int win = W != NULL;
  for (size_t n = rng.n0; n < rng.n1; n++)
    for (size_t cp = cp0; cp < cp1; cp++) {
      const size_t p = n * cpl + cp;
      const float *src = job->in + p * ih * iw * c;
      float *out = job->out + p * oh * ow * c;
      /* Cached horizontal passes: (input row, chunk start) per slot. */
      size_t crow[2] = {(size_t)-1, (size_t)-1}, cxa[2] = {0, 0};
      for (size_t y = rng.y0, g; y < y1; y += g) {
        const size_t rows[2] = {ay->i0[y], ay->i1[y]};
        g = 1;
        while (y + g < y1 && ay->i0[y + g] == rows[0] && ay->i1[y + g] == rows[1]) g++;
        for (size_t xa = 0, xb; xa < ow; xa = xb) {
          xb = xa + cw;
          if (xb >= ow || (ow - xb) * c < 8) xb = ow; /* no chunk shorter than 8 floats */
          int slot[2];
          for (int t = 0; t < 2; t++) {
            slot[t] = crow[0] == rows[t] && cxa[0] == xa   ? 0
                      : crow[1] == rows[t] && cxa[1] == xa ? 1
                                                           : -1;
            if (slot[t] >= 0) continue;
            /* Evict the slot the other row of this pair does not need. */
            const int keep = t == 1                               ? slot[0]
                             : crow[0] == rows[1] && cxa[0] == xa ? 0
                             : crow[1] == rows[1] && cxa[1] == xa ? 1
                                                                  : -1;
            const int s = keep == 0 ? 1 : 0;
            const float *row = src + rows[t] * iw * c;
            float *buf = hbuf[s];
            if (nhwc)
              hrow_nhwc(ax, row, c, xa, xb, buf, in_end, cmask);
            else if (ow < 8)
              hrow_nchw_narrow(ax, row, buf, inmask);
            else if (hp2x)
              hrow_nchw_hp2x(ax, row, W, buf, inmask);
            else if (win)
              hrow_nchw_win(ax, row, W, buf, inmask, 0);
            else
              hrow_nchw_general(ax, row, xa, xb, buf, inmask);
            crow[s] = rows[t];
            cxa[s] = xa;
            slot[t] = s;
          }
          const float *bt = hbuf[slot[0]], *bb = hbuf[slot[1]];
          for (size_t r = 0; r < g; r++) {
            blend_flat(bt, bb, ay->w0 + y + r, ay->w1 + y + r, out + (y + r) * ow * c + xa * c,
                       (xb - xa) * c);
          }
        }
      }
    }
}

/* Which NCHW loop a run takes (chosen once, by prepare). */
typedef enum bilinear_path {
  BILINEAR_SCALAR,      /* the reference */
  BILINEAR_HP2X_NARROW, /* half-pixel 2x both axes, rows of 9..16 inputs */
  BILINEAR_HP2X_ROWS,   /* half-pixel 2x both axes, rows of 17..BUF/2 inputs */
  BILINEAR_RUN,         /* the cached-pass driver, through the windows */
  BILINEAR_RUN_NOWIN    /* the cached-pass driver, windows on the fly */
} bilinear_path;

/* The per-call data of NCHW (and NHWC with one channel). */
typedef struct bilinear_prep {
  hwin W; /* BILINEAR_RUN only */
  bilinear_path path;
} bilinear_prep;
_Static_assert(sizeof(bilinear_prep) <= UPS_PREP_BYTES, "bilinear_prep exceeds UPS_PREP_BYTES");

size_t ups_bilinear_prep_bytes_avx2(const ups_bilinear_job *job) {
  (void)job;
  return sizeof(bilinear_prep);
}

void ups_bilinear_nchw_prepare_avx2(const ups_bilinear_job *job, void *prep) {
  bilinear_prep *pp = prep;
  const ups_linear_axis *ax = &job->x;
  /* Rows shrunk by more than 2: the taps are scattered beyond two vectors and
   * every output row needs its own two input rows; the reference's direct
   * loop measured faster than gathered passes there. */
  if (!ax->i0_32 || ax->in > 2 * ax->out) {
    pp->path = BILINEAR_SCALAR;
  } else if (ax->half_pixel_2x && job->y.half_pixel_2x && ax->in >= 9 && ax->out <= BUF) {
    /* Half-pixel 2x on both axes: the cached passes with a driver specialised
     * for the 2x row pattern, one output row at a time. Register blocks of 4
     * output rows (fewer multiplies, one store per output vector, 4
     * interleaved store streams) measured 1.2-1.5x slower at every size tried,
     * from 64x9x9 to 1x512x512 (64x64x64 -> 128x128: 131 vs 86 us), and the
     * generic driver ~1.4x slower at 1x64x128x128 -> 256x256. Rows of 9 to 16
     * inputs: two rows at a time from passes in registers (see
     * bilinear_nchw_hp2x_narrow). */
    pp->path = ax->in <= 16 ? BILINEAR_HP2X_NARROW : BILINEAR_HP2X_ROWS;
  } else if (ax->out >= 8 && ax->out < BUF + 8) {
    pp->path = BILINEAR_RUN;
    hwin_build(ax, &pp->W);
  } else {
    pp->path = BILINEAR_RUN_NOWIN;
  }
}

void ups_bilinear_nchw_avx2(const ups_bilinear_job *job, const void *prep, const ups_range *rg) {
  const bilinear_prep *pp = prep;
  switch (pp->path) {
    case BILINEAR_SCALAR: ups_bilinear_nchw_scalar(job, NULL, rg); break;
    case BILINEAR_HP2X_NARROW: bilinear_nchw_hp2x_narrow(job, rg); break;
    case BILINEAR_HP2X_ROWS: bilinear_nchw_hp2x_rows(job, rg); break;
    /* One call site per layout, so GCC clones bilinear_run for each (a
     * third call made it clone on W instead: NHWC then ran unspecialised,
     * 5-10% slower). */
    case BILINEAR_RUN:
    case BILINEAR_RUN_NOWIN:
      bilinear_run(job, pp->path == BILINEAR_RUN ? &pp->W : NULL, rg, 0);
      break;
  }
}

void ups_bilinear_nhwc_prepare_avx2(const ups_bilinear_job *job, void *prep) {
  if (job->c == 1) ups_bilinear_nchw_prepare_avx2(job, prep); /* the other paths need none */
}

void ups_bilinear_nhwc_avx2(const ups_bilinear_job *job, const void *prep, const ups_range *rg) {
  if (job->c == 1) { /* one channel: NCHW with n planes (the range's c unit is [0, 1)) */
    ups_bilinear_nchw_avx2(job, prep, rg);
    return;
  }
  if (job->c >= 8 && job->x.half_pixel_2x && job->y.half_pixel_2x)
    bilinear_nhwc_hp2x(job, rg);
  else if (job->c >= 8)
    bilinear_nhwc_direct(job, rg);
  else
    bilinear_run(job, NULL, rg, 1);
}
