/* nearest_avx2.c — AVX2 nearest resize, NCHW and NHWC, every mode.
 *
 * NCHW (and NHWC with fewer than 8 channels): output rows are written one at
 * a time, sequentially, each recomputed from its input row (which stays in
 * L1): storing each vector to all the rows that repeat an input row measured
 * slower (interleaved store streams within a page). NHWC with 8 or more
 * channels: two output rows that repeat an input row are written together
 * (their rows are c times longer, so the two store streams are in different
 * pages; measured 1.1-1.6x faster than one row at a time on Zen 5).
 *
 * NCHW columns:
 * - integer replication (x.rep in 2..16): 8 input floats are loaded once and
 *   spread over rep output vectors by vpermps with per-call index vectors;
 *   rep 1 is a copy;
 * - anything else, through per-call windows (the first NWIN output vectors;
 *   further ones are worked out on the fly): for each 8 outputs, the input
 *   indices span one 8-float window (upsampling, mild downsampling: one load
 *   + vpermps) or 16 floats (down to 1/2: two loads, two vpermps, a blend);
 *   otherwise 8 scalar loads (measured faster than vgatherdps on Zen 4).
 *   Windows are clamped inside the row, so no load passes the row end; rows
 *   narrower than 8 use vmaskmovps loads (masked lanes never fault).
 * - the last partial vector overlaps the previous one (same values written
 *   twice); rows narrower than 8 use masked stores.
 * NHWC: pixels are copied channel-vector by channel-vector (last vector
 * overlapping; with 8 or more channels each vector is loaded once for both
 * rows). 2 or 4 channels with integer column replication: the NCHW
 * replication on flat floats (8 inputs hold whole pixels). Otherwise fewer
 * than 8 channels: a row of up to NWIN*8 floats is a flat
 * NCHW-like row with per-call flat indices ix[j/c]*c + j%c through the same
 * windows; longer rows use full vectors per pixel while the next pixel
 * overwrites the spill, masked ones at the row/buffer ends. One channel is the
 * NCHW case.
 *
 * Bit-identical to the reference (a copy). Reads only inside the input,
 * writes only the output. */
#include <immintrin.h>

#include "../kernels/kernel.h"

static const int32_t k_lane_tbl[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

/* Lanes [0, n) set, n in [0, 8]. */
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

/* The 8 outputs whose input columns are id (idx[0] == lo) from row (iw wide). */
static inline __m256 pick8(const float *row, size_t iw, __m256i id, int32_t lo, __m256i inmask) {
  int32_t base = 0;
  if (iw >= 8) base = lo < (int32_t)(iw - 8) ? lo : (int32_t)(iw - 8);
  const __m256i d = _mm256_sub_epi32(id, _mm256_set1_epi32(base));
  if (_mm256_testz_si256(d, _mm256_set1_epi32(~7))) {
    const __m256 v = iw >= 8 ? _mm256_loadu_ps(row + base) : _mm256_maskload_ps(row, inmask);
    return _mm256_permutevar8x32_ps(v, d);
  }
  return gather8(row, id);
}

/* Per-call column windows of the first NWIN output vectors (vector k starts
 * at min(8k, ow-8)): indices relative to a load offset base[k] and a mode:
 * 0: one 8-float window (one load + vpermps); 1: 16 floats (two loads,
 * vpermps each, vblendvps on bit 3; rows of 16 or more inputs); 2: gather
 * (d = the absolute indices). */
enum { NWIN = 256 };
typedef struct nwin {
  __m256i d[NWIN];
  int32_t base[NWIN];
  unsigned char mode[NWIN];
  size_t n;
} nwin;

static void nwin_build(const int32_t *idx, size_t iw, size_t ow, nwin *W) {
  W->n = 0;
  for (size_t x = 0; x < ow && W->n < NWIN; x += 8, W->n++) {
    const size_t k = W->n, xv = x + 8 <= ow ? x : ow - 8;
    const __m256i id = _mm256_loadu_si256((const __m256i *)(idx + xv));
    int32_t lo = idx[xv]; /* the smallest index (flat NHWC indices are not monotone) */
    for (size_t i = 1; i < 8; i++) lo = idx[xv + i] < lo ? idx[xv + i] : lo;
    W->mode[k] = 2;
    W->base[k] = 0;
    W->d[k] = id;
    for (int span = 8; span <= 16; span += 8) {
      if (span == 16 && iw < 16) break;
      int32_t base = 0;
      if (iw >= (size_t)span) base = lo < (int32_t)(iw - span) ? lo : (int32_t)(iw - span);
      const __m256i d = _mm256_sub_epi32(id, _mm256_set1_epi32(base));
      if (_mm256_testz_si256(d, _mm256_set1_epi32(~(span - 1)))) {
        W->mode[k] = (unsigned char)(span / 8 - 1);
        W->base[k] = base;
        W->d[k] = d;
        break;
      }
    }
  }
}

/* Outputs [xa, ow) of a row by the general path (ow >= 8, xa % 8 == 0). */
static void row_general(const float *row, size_t iw, const int32_t *idx, size_t ow, size_t xa,
                        float *dst, __m256i inmask, const nwin *W) {
  size_t x = xa;
  for (size_t k = xa / 8; x < ow && k < W->n; x += 8, k++) {
    const size_t xv = x + 8 <= ow ? x : ow - 8;
    __m256 v;
    if (W->mode[k] == 0) {
      v = iw >= 8 ? _mm256_loadu_ps(row + W->base[k]) : _mm256_maskload_ps(row, inmask);
      v = _mm256_permutevar8x32_ps(v, W->d[k]);
    } else if (W->mode[k] == 1) {
      const __m256 vl = _mm256_loadu_ps(row + W->base[k]);
      const __m256 vh = _mm256_loadu_ps(row + W->base[k] + 8);
      v = _mm256_blendv_ps(_mm256_permutevar8x32_ps(vl, W->d[k]),
                           _mm256_permutevar8x32_ps(vh, W->d[k]),
                           _mm256_castsi256_ps(_mm256_slli_epi32(W->d[k], 28)));
    } else {
      v = gather8(row, W->d[k]);
    }
    _mm256_storeu_ps(dst + xv, v);
  }
  for (; x < ow; x += 8) {
    const size_t xv = x + 8 <= ow ? x : ow - 8;
    const __m256i id = _mm256_loadu_si256((const __m256i *)(idx + xv));
    _mm256_storeu_ps(dst + xv, pick8(row, iw, id, idx[xv], inmask));
  }
}

/* A whole row narrower than 8 outputs. */
static void row_narrow(const float *row, size_t iw, const int32_t *idx, size_t ow, float *dst,
                       __m256i inmask) {
  int32_t t[8];
  for (size_t i = 0; i < 8; i++) t[i] = idx[i < ow ? i : ow - 1];
  const __m256i id = _mm256_loadu_si256((const __m256i *)t);
  _mm256_maskstore_ps(dst, lane_mask(ow), pick8(row, iw, id, t[0], inmask));
}

/* Integer replication by r: the first (iw/8)*8 inputs; returns outputs done. */
static inline size_t row_rep(const float *row, size_t iw, size_t r, const __m256i *P, float *dst) {
  size_t i = 0;
  for (; i + 8 <= iw; i += 8) {
    const __m256 v = _mm256_loadu_ps(row + i);
    float *d = dst + i * r;
    for (size_t k = 0; k < r; k++) _mm256_storeu_ps(d + 8 * k, _mm256_permutevar8x32_ps(v, P[k]));
  }
  return i * r;
}

static inline size_t row_copy(const float *row, size_t iw, float *dst) {
  size_t i = 0;
  for (; i + 8 <= iw; i += 8) _mm256_storeu_ps(dst + i, _mm256_loadu_ps(row + i));
  return i;
}

enum { MAX_REP = 16 };

/* Integer column replication r of c-float pixels (c = 1: NCHW): output float
 * j of a row reads input float rep_src(j). */
static inline int32_t rep_src(size_t j, size_t c, size_t r) {
  return (int32_t)((j / (c * r)) * c + j % c);
}

/* The r vpermps index vectors that spread 8 input floats over 8r outputs
 * (c divides 8, so the 8 floats hold whole pixels). */
static void rep_perms(size_t c, size_t r, __m256i *P) {
  for (size_t k = 0; k < r; k++) {
    int32_t t[8];
    for (size_t j = 0; j < 8; j++) t[j] = rep_src(8 * k + j, c, r);
    P[k] = _mm256_loadu_si256((const __m256i *)t);
  }
}

/* Replication by r in 1..MAX_REP: a copy, or row_rep with r a compile-time
 * constant for the common factors; returns outputs done. */
static inline size_t row_rep_any(const float *row, size_t n, size_t r, const __m256i *P,
                                 float *dst) {
  switch (r) {
    case 1: return row_copy(row, n, dst);
    case 2: return row_rep(row, n, 2, P, dst);
    case 3: return row_rep(row, n, 3, P, dst);
    case 4: return row_rep(row, n, 4, P, dst);
    case 8: return row_rep(row, n, 8, P, dst);
    default: return row_rep(row, n, r, P, dst);
  }
}

void ups_nearest_nchw_avx2(const ups_nearest_job *job) {
  if (!job->x.idx32) {
    ups_nearest_nchw_scalar(job);
    return;
  }
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  const size_t planes = job->n * job->c;
  const size_t *iy = job->y.idx;
  const int32_t *ix = job->x.idx32;
  const size_t rep = job->x.rep;
  __m256i P[MAX_REP];
  if (rep >= 2 && rep <= MAX_REP) rep_perms(1, rep, P);
  const __m256i inmask = lane_mask(iw < 8 ? iw : 8);
  nwin W;
  W.n = 0;
  if (ow >= 8 && !(rep >= 1 && rep <= MAX_REP)) nwin_build(ix, iw, ow, &W);
  for (size_t p = 0; p < planes; p++) {
    const float *src = job->in + p * ih * iw;
    float *out = job->out + p * oh * ow;
    for (size_t y = 0; y < oh; y++) {
      const float *row = src + iy[y] * iw;
      float *dst = out + y * ow;
      if (ow < 8) {
        row_narrow(row, iw, ix, ow, dst, inmask);
        continue;
      }
      const size_t done = rep >= 1 && rep <= MAX_REP ? row_rep_any(row, iw, rep, P, dst) : 0;
      if (done < ow) row_general(row, iw, ix, ow, done, dst, inmask, &W);
    }
  }
}

/* NHWC, c >= 8: g (1 or 2) output rows at dst, dst + stride from one input
 * row; the last channel vector of a pixel overlaps. */
static inline void nhwc_rows_c8(const float *row, const size_t *ix, size_t ow, size_t c,
                                float *dst, size_t stride, int g) {
  const size_t cv = c & ~(size_t)7;
  for (size_t x = 0; x < ow; x++) {
    const float *s = row + ix[x] * c;
    float *d = dst + x * c;
    for (size_t ch = 0; ch < cv; ch += 8) {
      const __m256 v = _mm256_loadu_ps(s + ch);
      _mm256_storeu_ps(d + ch, v);
      if (g == 2) _mm256_storeu_ps(d + stride + ch, v);
    }
    if (cv < c) {
      const __m256 v = _mm256_loadu_ps(s + c - 8);
      _mm256_storeu_ps(d + c - 8, v);
      if (g == 2) _mm256_storeu_ps(d + stride + c - 8, v);
    }
  }
}

/* NHWC with 2 or 4 channels and integer column replication r (2..MAX_REP):
 * a row is the NCHW replication of flat floats, output float j reading
 * input float (j/(c*r))*c + j%c, so 8 input floats (8/c whole pixels) give r
 * output vectors by vpermps (row_rep with flat index vectors). The row's
 * last iw*c % 8 inputs: up to r+1 output vectors with per-call indices, the
 * last one overlapping. Measured 2.3x faster than the flat windows at
 * 1x4x16x16 -> 32x32. */
static void nhwc_rep_small_c(const ups_nearest_job *job, size_t r) {
  const size_t c = job->c, ih = job->y.in, iw = job->x.in, oh = job->y.out;
  const size_t rs = iw * c, stride = job->x.out * c;
  const size_t *iy = job->y.idx;
  __m256i P[MAX_REP], T[MAX_REP + 1];
  int32_t tlo[MAX_REP + 1];
  rep_perms(c, r, P);
  const size_t done = (rs / 8) * 8 * r; /* outputs row_rep writes */
  size_t nt = 0;
  for (size_t x = done; x < stride; x += 8, nt++) {
    const size_t xv = x + 8 <= stride ? x : stride - 8;
    int32_t t[8];
    for (size_t j = 0; j < 8; j++) t[j] = rep_src(xv + j, c, r);
    T[nt] = _mm256_loadu_si256((const __m256i *)t);
    tlo[nt] = t[0];
  }
  const __m256i inmask = lane_mask(8);
  for (size_t n = 0; n < job->n; n++) {
    const float *src = job->in + n * ih * rs;
    float *out = job->out + n * oh * stride;
    for (size_t y = 0; y < oh; y++) {
      const float *row = src + iy[y] * rs;
      float *dst = out + y * stride;
      row_rep_any(row, rs, r, P, dst);
      for (size_t k = 0, x = done; k < nt; k++, x += 8) {
        const size_t xv = x + 8 <= stride ? x : stride - 8;
        _mm256_storeu_ps(dst + xv, pick8(row, rs, T[k], tlo[k], inmask));
      }
    }
  }
}

void ups_nearest_nhwc_avx2(const ups_nearest_job *job) {
  const size_t c = job->c;
  if (c == 1) { /* one channel: the same memory as NCHW with n planes */
    ups_nearest_nchw_avx2(job);
    return;
  }
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  const size_t *iy = job->y.idx, *ix = job->x.idx;
  const size_t stride = ow * c;
  const float *in_end = job->in + job->n * ih * iw * c;
  const size_t rep = job->x.rep, rs = iw * c;
  if ((c == 2 || c == 4) && rep >= 2 && rep <= MAX_REP && rs >= 8 && rs <= (size_t)INT32_MAX) {
    nhwc_rep_small_c(job, rep);
    return;
  }
  if (c < 8 && stride >= 8 && stride <= (size_t)NWIN * 8 && iw * c <= (size_t)INT32_MAX) {
    /* Few channels, a row of at most NWIN*8 floats: the row is a flat
     * gather with per-call indices flat[j] = ix[j/c]*c + j%c, through the
     * same windows as NCHW (8 outputs per vpermps, 16-float windows, gathers). */
    int32_t flat[NWIN * 8];
    for (size_t x = 0, j = 0; x < ow; x++)
      for (size_t ch = 0; ch < c; ch++, j++) flat[j] = (int32_t)(ix[x] * c + ch);
    nwin W;
    nwin_build(flat, iw * c, stride, &W);
    const __m256i inmask = lane_mask(iw * c < 8 ? iw * c : 8);
    for (size_t n = 0; n < job->n; n++) {
      const float *src = job->in + n * ih * iw * c;
      float *out = job->out + n * oh * stride;
      for (size_t y = 0; y < oh; y++)
        row_general(src + iy[y] * iw * c, iw * c, flat, stride, 0, out + y * stride, inmask, &W);
    }
    return;
  }
  const __m256i cmask = lane_mask(c < 8 ? c : 8);
  for (size_t n = 0; n < job->n; n++) {
    const float *src = job->in + n * ih * iw * c;
    float *out = job->out + n * oh * ow * c;
    for (size_t y = 0, g = 1; y < oh; y += g) {
      const float *row = src + iy[y] * iw * c;
      float *dst = out + y * stride;
      g = 1;
      if (c >= 8) {
        /* Output rows reading the same input row are written together (each
         * vector loaded once, stored to both rows). */
        if (y + 1 < oh && iy[y + 1] == iy[y]) {
          g = 2;
          nhwc_rows_c8(row, ix, ow, c, dst, stride, 2);
        } else {
          nhwc_rows_c8(row, ix, ow, c, dst, stride, 1);
        }
      } else {
        /* Full vectors while the spill stays inside this row (the next pixel
         * overwrites it) and the load inside the input; masked after. */
        size_t x = 0;
        for (; x < ow && x * c + 8 <= stride; x++) {
          const float *s = row + ix[x] * c;
          const __m256 v = s + 8 <= in_end ? _mm256_loadu_ps(s) : _mm256_maskload_ps(s, cmask);
          _mm256_storeu_ps(dst + x * c, v);
        }
        for (; x < ow; x++)
          _mm256_maskstore_ps(dst + x * c, cmask, _mm256_maskload_ps(row + ix[x] * c, cmask));
      }
    }
  }
}
