/* bilinear_avx2.c — AVX2 bilinear resize, NCHW and NHWC, every mode.
 *
 * Arithmetic: exactly the reference's operations in its order,
 *   top = a*wx0 + b*wx1, bottom = c*wx0 + d*wx1, out = top*wy0 + bottom*wy1,
 * as separate IEEE multiplies and adds (this file is ISO C: -ffp-contract=off,
 * and the intrinsics are mul/add, not fma), so results are bit-identical to
 * the scalar reference, including where NaN/inf inputs make them non-finite.
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
 * NHWC with 8 or more channels, direct: for a group of output rows sharing
 * their input rows, each output pixel's channel vectors are interpolated in
 * registers (top and bottom once, one blend per row; the last channel vector
 * overlaps). Measured faster than caching horizontal passes, whose rows are
 * c times longer and fall out of L1.
 * Output: full vectors, the last one overlapping; rows shorter than 8 floats
 * use masked stores. Nothing outside the input is read, nothing outside the
 * output written. */
#include <immintrin.h>

#include "../kernels/kernel.h"

static const int32_t k_lane_tbl[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

static inline __m256i lane_mask(size_t n) {
  return _mm256_loadu_si256((const __m256i *)(k_lane_tbl + 8 - n));
}

/* 8 floats at row[idx[i]]: scalar loads + inserts (measured faster than
 * vgatherdps on Zen 4 for scattered indices). */
static inline __m256 gather8(const float *row, __m256i id) {
  _Alignas(32) int32_t t[8];
  _mm256_store_si256((__m256i *)t, id);
  return _mm256_setr_ps(row[t[0]], row[t[1]], row[t[2]], row[t[3]], row[t[4]], row[t[5]], row[t[6]],
                        row[t[7]]);
}

static inline __m256 lerp(__m256 a, __m256 b, __m256 w0, __m256 w1) {
  return _mm256_add_ps(_mm256_mul_ps(a, w0), _mm256_mul_ps(b, w1));
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
    a = gather8(row, id);
    b = gather8(row, id1);
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
    a = gather8(row, pk);
    b = gather8(row, _mm256_min_epi32(_mm256_add_epi32(pk, _mm256_set1_epi32(1)), last));
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
    _mm256_maskstore_ps(dst, lane_mask(L), lerp(_mm256_loadu_ps(t), _mm256_loadu_ps(b), w0, w1));
    return;
  }
  size_t i = 0;
  for (; i + 8 <= L; i += 8)
    _mm256_storeu_ps(dst + i, lerp(_mm256_loadu_ps(t + i), _mm256_loadu_ps(b + i), w0, w1));
  if (i < L)
    _mm256_storeu_ps(dst + L - 8,
                     lerp(_mm256_loadu_ps(t + L - 8), _mm256_loadu_ps(b + L - 8), w0, w1));
}

/* NHWC, c >= 8, direct: for a group of g output rows sharing their input
 * rows, each output pixel's channel vectors are interpolated in registers
 * (top and bottom once, then one blend per row). Measured faster than
 * caching horizontal passes for NHWC (whose rows are c times longer). */
static void bilinear_nhwc_direct(const ups_bilinear_job *job) {
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, c = job->c;
  const size_t cv = c & ~(size_t)7, stride = ow * c;
  for (size_t n = 0; n < job->n; n++) {
    const float *src = job->in + n * ih * iw * c;
    float *out = job->out + n * oh * stride;
    for (size_t y = 0, g; y < oh; y += g) {
      g = 1;
      while (y + g < oh && ay->i0[y + g] == ay->i0[y] && ay->i1[y + g] == ay->i1[y]) g++;
      const float *r0 = src + ay->i0[y] * iw * c, *r1 = src + ay->i1[y] * iw * c;
      const float *wy0 = ay->w0 + y, *wy1 = ay->w1 + y;
      /* Weights of the first two rows in registers (stores may alias the
       * tables as far as the compiler knows). */
      const __m256 y00 = _mm256_broadcast_ss(wy0), y01 = _mm256_broadcast_ss(wy1);
      const __m256 y10 = _mm256_broadcast_ss(wy0 + (g > 1)),
                   y11 = _mm256_broadcast_ss(wy1 + (g > 1));
      float *dst = out + y * stride;
      for (size_t x = 0; x < ow; x++) {
        const size_t o0 = ax->i0[x] * c, o1 = ax->i1[x] * c;
        const float *pa = r0 + o0, *pb = r0 + o1, *pc = r1 + o0, *pd = r1 + o1;
        const __m256 w0 = _mm256_broadcast_ss(ax->w0 + x), w1 = _mm256_broadcast_ss(ax->w1 + x);
        float *d = dst + x * c;
        for (size_t ch = 0; ch < c; ch += 8) {
          const size_t cc = ch < cv ? ch : c - 8; /* last vector overlaps */
          const __m256 top = lerp(_mm256_loadu_ps(pa + cc), _mm256_loadu_ps(pb + cc), w0, w1);
          const __m256 bot = lerp(_mm256_loadu_ps(pc + cc), _mm256_loadu_ps(pd + cc), w0, w1);
          if (g == 1) {
            _mm256_storeu_ps(d + cc, lerp(top, bot, y00, y01));
          } else if (g == 2) {
            _mm256_storeu_ps(d + cc, lerp(top, bot, y00, y01));
            _mm256_storeu_ps(d + stride + cc, lerp(top, bot, y10, y11));
          } else {
            for (size_t r = 0; r < g; r++)
              _mm256_storeu_ps(d + r * stride + cc, lerp(top, bot, _mm256_broadcast_ss(wy0 + r),
                                                         _mm256_broadcast_ss(wy1 + r)));
          }
        }
      }
    }
  }
}

/* NHWC, c >= 8, separable over column strips: the output is cut into strips
 * of pixels [xa, xb) (and, for c > SB, channel ranges [cs, cs+cw)); for each
 * strip, every output row of the image is produced in turn from the cached
 * horizontal passes of its two input rows (two slots of SB floats, each input
 * row's pass computed once per strip), so a pass is reused by all the output
 * rows that read that input row without caching whole rows (c times longer
 * than NCHW rows). */
enum { SB = 2048 }; /* floats per strip buffer */

/* buf[(x - xa)*cw + ch] = top pass of pixel x, channels [cs, cs+cw) (cw >= 8;
 * the last channel vector overlaps). */
static void hstrip_nhwc(const ups_linear_axis *ax, const float *row, size_t c, size_t cs,
                        size_t cw, size_t xa, size_t xb, float *buf) {
  const size_t cv = cw & ~(size_t)7;
  for (size_t x = xa; x < xb; x++) {
    const float *pa = row + ax->i0[x] * c + cs, *pb = row + ax->i1[x] * c + cs;
    const __m256 w0 = _mm256_broadcast_ss(ax->w0 + x), w1 = _mm256_broadcast_ss(ax->w1 + x);
    float *d = buf + (x - xa) * cw;
    size_t ch = 0;
    for (; ch < cv; ch += 8)
      _mm256_storeu_ps(d + ch, lerp(_mm256_loadu_ps(pa + ch), _mm256_loadu_ps(pb + ch), w0, w1));
    if (ch < cw) {
      ch = cw - 8;
      _mm256_storeu_ps(d + ch, lerp(_mm256_loadu_ps(pa + ch), _mm256_loadu_ps(pb + ch), w0, w1));
    }
  }
}

static void bilinear_nhwc_strips(const ups_bilinear_job *job) {
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, c = job->c;
  const size_t cw = c <= SB ? c : SB, np = SB / cw, stride = ow * c;
  _Alignas(32) float hbuf[2][SB];
  for (size_t n = 0; n < job->n; n++) {
    const float *src = job->in + n * ih * iw * c;
    float *out = job->out + n * oh * stride;
    for (size_t c0 = 0; c0 < c; c0 += cw) {
      const size_t cs = c0 + cw <= c ? c0 : c - cw;
      for (size_t xa = 0; xa < ow; xa += np) {
        const size_t xb = xa + np < ow ? xa + np : ow;
        size_t crow[2] = {(size_t)-1, (size_t)-1};
        for (size_t y = 0; y < oh; y++) {
          const size_t rows[2] = {ay->i0[y], ay->i1[y]};
          int slot[2];
          for (int t = 0; t < 2; t++) {
            slot[t] = crow[0] == rows[t] ? 0 : crow[1] == rows[t] ? 1 : -1;
            if (slot[t] >= 0) continue;
            const int keep = t == 1 ? slot[0] : crow[0] == rows[1] ? 0 : crow[1] == rows[1] ? 1 : -1;
            const int s = keep == 0 ? 1 : 0;
            hstrip_nhwc(ax, src + rows[t] * iw * c, c, cs, cw, xa, xb, hbuf[s]);
            crow[s] = rows[t];
            slot[t] = s;
          }
          const float *bt = hbuf[slot[0]], *bb = hbuf[slot[1]];
          float *dst = out + y * stride;
          if (cw == c) {
            blend_flat(bt, bb, ay->w0 + y, ay->w1 + y, dst + xa * c, (xb - xa) * c);
          } else {
            for (size_t x = xa; x < xb; x++)
              blend_flat(bt + (x - xa) * cw, bb + (x - xa) * cw, ay->w0 + y, ay->w1 + y,
                         dst + x * c + cs, cw);
          }
        }
      }
    }
  }
}

/* NHWC half-pixel 2x on both axes, c >= 8: the same strips, but with the
 * constant weights each product is shared. A column pass is, for input pixel
 * j and its right neighbour n, odd = p_j*0.75 + p_n*0.25, even =
 * p_j*0.25 + p_n*0.75 (p_n*0.25 and p_n*0.75 are reused by the next pair);
 * an input row's pass H is kept as Q1 = H*0.25 and Q3 = H*0.75, so output row
 * 2k+1 = Q3_k + Q1_k+1 and 2k+2 = Q1_k + Q3_k+1: one add per output vector.
 * Exactly the reference's products and sums (bit-identical). Row 0 and
 * column 0 (weights 1 and 0) use the tables. */
typedef struct q13 {
  _Alignas(32) float q1[SB];
  _Alignas(32) float q3[SB];
} q13;

static inline void put_q(float *q1, float *q3, size_t i, __m256 h, int plain) {
  if (plain) {
    _mm256_storeu_ps(q1 + i, h);
  } else {
    _mm256_storeu_ps(q1 + i, _mm256_mul_ps(h, _mm256_set1_ps(0.25f)));
    _mm256_storeu_ps(q3 + i, _mm256_mul_ps(h, _mm256_set1_ps(0.75f)));
  }
}

/* The column pass of pixels [xa, xb), channels [cs, cs+cw) of one input row:
 * plain H into q1 (plain), else Q1 and Q3. */
static inline void hstrip_hp2x(const ups_linear_axis *ax, const float *row, size_t c, size_t cs,
                               size_t cw, size_t xa, size_t xb, float *q1, float *q3,
                               int plain) {
  const __m256 k1 = _mm256_set1_ps(0.25f), k3 = _mm256_set1_ps(0.75f);
  const size_t iw = ax->in;
  const float *r = row + cs;
  for (size_t c0 = 0; c0 < cw; c0 += 8) {
    const size_t ch = c0 + 8 <= cw ? c0 : cw - 8;
    float *b1 = q1 + ch - xa * cw, *b3 = q3 + ch - xa * cw;
    size_t x = xa;
    if (x == 0) {
      const __m256 h = lerp(_mm256_loadu_ps(r + ax->i0[0] * c + ch),
                            _mm256_loadu_ps(r + ax->i1[0] * c + ch), _mm256_broadcast_ss(ax->w0),
                            _mm256_broadcast_ss(ax->w1));
      put_q(b1, b3, 0, h, plain);
      x = 1;
    }
    if (x < xb && x % 2 == 0) { /* x = 2j+2: p_j*0.25 + p_j+1*0.75 */
      const size_t j = (x - 2) / 2;
      const __m256 h = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(r + j * c + ch), k1),
                                     _mm256_mul_ps(_mm256_loadu_ps(r + (j + 1) * c + ch), k3));
      put_q(b1, b3, x * cw, h, plain);
      x++;
    }
    if (x >= xb) continue;
    /* x = 2j+1 from here on: products of p_j carried from the last pair. */
    const __m256 pj = _mm256_loadu_ps(r + (x - 1) / 2 * c + ch);
    __m256 s1 = _mm256_mul_ps(pj, k1), s3 = _mm256_mul_ps(pj, k3);
    for (; x < xb; x += 2) {
      const size_t j = (x - 1) / 2, jn = j + 1 < iw ? j + 1 : iw - 1;
      const __m256 pn = _mm256_loadu_ps(r + jn * c + ch);
      const __m256 s1n = _mm256_mul_ps(pn, k1), s3n = _mm256_mul_ps(pn, k3);
      put_q(b1, b3, x * cw, _mm256_add_ps(s3, s1n), plain);
      if (x + 1 < xb) put_q(b1, b3, (x + 1) * cw, _mm256_add_ps(s1, s3n), plain);
      s1 = s1n;
      s3 = s3n;
    }
  }
}

/* Plain H (in q1) -> Q1 in place and Q3. */
static void q_from_h(q13 *b, size_t L) {
  for (size_t i = 0; i < L; i += 8) {
    const size_t k = i + 8 <= L ? i : L - 8;
    const __m256 h = _mm256_loadu_ps(b->q1 + k);
    _mm256_storeu_ps(b->q3 + k, _mm256_mul_ps(h, _mm256_set1_ps(0.75f)));
    _mm256_storeu_ps(b->q1 + k, _mm256_mul_ps(h, _mm256_set1_ps(0.25f)));
  }
}

/* dst[0, L) = a + b, L >= 8. */
static inline void add_flat(const float *a, const float *b, float *dst, size_t L) {
  size_t i = 0;
  for (; i + 8 <= L; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  if (i < L)
    _mm256_storeu_ps(dst + L - 8,
                     _mm256_add_ps(_mm256_loadu_ps(a + L - 8), _mm256_loadu_ps(b + L - 8)));
}

static void bilinear_nhwc_hp2x(const ups_bilinear_job *job) {
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, c = job->c;
  const size_t cw = c <= SB ? c : SB, np = SB / cw, stride = ow * c;
  q13 B[2];
  for (size_t n = 0; n < job->n; n++) {
    const float *src = job->in + n * ih * iw * c;
    float *out = job->out + n * oh * stride;
    for (size_t c0 = 0; c0 < c; c0 += cw) {
      const size_t cs = c0 + cw <= c ? c0 : c - cw;
      for (size_t xa = 0; xa < ow; xa += np) {
        const size_t xb = xa + np < ow ? xa + np : ow, L = (xb - xa) * cw;
        /* Row 0 from plain passes of rows 0 and i1[0]. */
        const size_t r1 = ay->i1[0];
        hstrip_hp2x(ax, src, c, cs, cw, xa, xb, B[0].q1, B[0].q3, 1);
        if (r1 != 0) hstrip_hp2x(ax, src + r1 * iw * c, c, cs, cw, xa, xb, B[1].q1, B[1].q3, 1);
        {
          const float *bb = r1 != 0 ? B[1].q1 : B[0].q1;
          if (cw == c) {
            blend_flat(B[0].q1, bb, ay->w0, ay->w1, out + xa * c, L);
          } else {
            for (size_t x = xa; x < xb; x++)
              blend_flat(B[0].q1 + (x - xa) * cw, bb + (x - xa) * cw, ay->w0, ay->w1,
                         out + x * c + cs, cw);
          }
        }
        q_from_h(&B[0], L);
        if (r1 != 0) q_from_h(&B[1], L);
        /* B[s] holds row k, B[s^1] row k+1 (when k+1 < ih). */
        int s = 0;
        for (size_t k = 0; k < ih; k++) {
          if (k >= 1 && k + 1 < ih)
            hstrip_hp2x(ax, src + (k + 1) * iw * c, c, cs, cw, xa, xb, B[s ^ 1].q1, B[s ^ 1].q3,
                        0);
          const q13 *A = &B[s], *N = k + 1 < ih ? &B[s ^ 1] : &B[s];
          for (int e = 0; e < 2 && 2 * k + 1 + e < oh; e++) {
            const float *ta = e ? A->q1 : A->q3, *tb = e ? N->q3 : N->q1;
            float *dst = out + (2 * k + 1 + e) * stride;
            if (cw == c) {
              add_flat(ta, tb, dst + xa * c, L);
            } else {
              for (size_t x = xa; x < xb; x++)
                add_flat(ta + (x - xa) * cw, tb + (x - xa) * cw, dst + x * c + cs, cw);
            }
          }
          if (k + 1 < ih) s ^= 1;
        }
      }
    }
  }
}

/* The cached-pass driver. NCHW: planes = n*c, 1 float per column. NHWC with
 * 2..7 channels: planes = n, c floats per column. */
static void bilinear_run(const ups_bilinear_job *job, int nhwc) {
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out;
  const size_t c = nhwc ? job->c : 1, planes = nhwc ? job->n : job->n * job->c;
  const size_t cw = BUF / c; /* columns per chunk (c < 8 here) */
  const float *in_end = job->in + planes * ih * iw * c;
  const __m256i inmask = lane_mask(iw < 8 ? iw : 8);
  const int hp2x = !nhwc && ax->half_pixel_2x && iw >= 9 && ow <= BUF;
  _Alignas(32) float hbuf[2][BUF + 16];
  /* One chunk per row (no chunk shorter than 8 floats, see below). */
  const int win = !nhwc && ow >= 8 && ow < BUF + 8;
  hwin W;
  if (win) hwin_build(ax, &W);
  for (size_t p = 0; p < planes; p++) {
    const float *src = job->in + p * ih * iw * c;
    float *out = job->out + p * oh * ow * c;
    {
      const __m256i cmask = lane_mask(c < 8 ? c : 8);
      /* Cached horizontal passes: (input row, chunk start) per slot. */
      size_t crow[2] = {(size_t)-1, (size_t)-1}, cxa[2] = {0, 0};
      for (size_t y = 0, g; y < oh; y += g) {
        const size_t rows[2] = {ay->i0[y], ay->i1[y]};
        g = 1;
        while (y + g < oh && ay->i0[y + g] == rows[0] && ay->i1[y + g] == rows[1]) g++;
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
              hrow_nchw_hp2x(ax, row, &W, buf, inmask);
            else if (win)
              hrow_nchw_win(ax, row, &W, buf, inmask, 0);
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
}

void ups_bilinear_nchw_avx2(const ups_bilinear_job *job) {
  /* Rows shrunk by more than 2: the taps are scattered beyond two vectors and
   * every output row needs its own two input rows; the reference's direct
   * loop measured faster than gathered passes there. */
  if (!job->x.i0_32 || job->x.in > 2 * job->x.out) {
    ups_bilinear_nchw_scalar(job);
    return;
  }
  bilinear_run(job, 0);
}

void ups_bilinear_nhwc_avx2(const ups_bilinear_job *job) {
  if (job->c == 1) { /* one channel: the same memory as NCHW with n planes */
    ups_bilinear_nchw_avx2(job);
    return;
  }
  (void)bilinear_nhwc_direct;
  if (job->c >= 8 && job->x.half_pixel_2x && job->y.half_pixel_2x)
    bilinear_nhwc_hp2x(job);
  else if (job->c >= 8)
    bilinear_nhwc_strips(job);
  else
    bilinear_run(job, 1);
}
