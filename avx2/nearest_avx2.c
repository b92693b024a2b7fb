/* nearest_avx2.c — the AVX2 nearest resize: kernels/nearest_tpl.h (the
 * drivers, windows and paths, described there) over the AVX2 shim, with
 * what only AVX2 does:
 * - picking 8 floats out of a row: one 8-float window (one load, vmaskmovps
 *   for rows narrower than 8) + vpermps; per-call windows also of 16 floats
 *   (two loads, vpermps each, vblendvps on bit 3; rows of 16 or more
 *   inputs); otherwise 8 scalar loads (measured faster than vgatherdps on
 *   Zen 4);
 * - integer replication: 8 input floats spread over r output vectors by
 *   vpermps with per-call index vectors, for every r (rep 1: a copy);
 * - NHWC with 2 or 4 channels and integer column replication: the NCHW
 *   replication on flat floats (8 inputs hold whole pixels), the row's tail
 *   by per-call index vectors (NEON does 2 channels only, as 64-bit lanes).
 * These are per ISA because the instructions differ, not only the lanes. */
#include <immintrin.h>

#include "../kernels/kernel.h"
#include "simd_avx2.h"

/* The 8 outputs whose input columns are id (idx[0] == lo) from row (iw wide). */
static inline __m256 pick8(const float *row, size_t iw, __m256i id, int32_t lo, __m256i inmask) {
  int32_t base = 0;
  if (iw >= 8) base = lo < (int32_t)(iw - 8) ? lo : (int32_t)(iw - 8);
  const __m256i d = _mm256_sub_epi32(id, _mm256_set1_epi32(base));
  if (_mm256_testz_si256(d, _mm256_set1_epi32(~7))) {
    const __m256 v = iw >= 8 ? _mm256_loadu_ps(row + base) : _mm256_maskload_ps(row, inmask);
    return _mm256_permutevar8x32_ps(v, d);
  }
  return ups_gather8_avx2(row, id);
}

static inline __m256 nr_pick(const float *row, size_t iw, const int32_t *idx, __m256i inmask) {
  return pick8(row, iw, _mm256_loadu_si256((const __m256i *)idx), idx[0], inmask);
}

/* A window: the indices relative to its base (mode 0, 1) or the absolute
 * ones (mode 2). */
typedef __m256i nr_wsel;
static inline int nr_wsel_build(const int32_t *idx, size_t iw, int32_t *base, nr_wsel *d) {
  const __m256i id = _mm256_loadu_si256((const __m256i *)idx);
  int32_t lo = idx[0]; /* the smallest index (flat NHWC indices are not monotone) */
  for (size_t i = 1; i < 8; i++) lo = idx[i] < lo ? idx[i] : lo;
  int mode = 2;
  *base = 0;
  *d = id;
  for (int span = 8; span <= 16; span += 8) {
    if (span == 16 && iw < 16) break;
    int32_t b = 0;
    if (iw >= (size_t)span) b = lo < (int32_t)(iw - span) ? lo : (int32_t)(iw - span);
    const __m256i dd = _mm256_sub_epi32(id, _mm256_set1_epi32(b));
    if (_mm256_testz_si256(dd, _mm256_set1_epi32(~(span - 1)))) {
      mode = span / 8 - 1;
      *base = b;
      *d = dd;
      break;
    }
  }
  return mode;
}

static inline __m256 nr_wsel_pick(const float *row, size_t iw, int mode, int32_t base,
                                  const nr_wsel *d, __m256i inmask) {
  if (mode == 0) {
    const __m256 v = iw >= 8 ? _mm256_loadu_ps(row + base) : _mm256_maskload_ps(row, inmask);
    return _mm256_permutevar8x32_ps(v, *d);
  }
  if (mode == 1) {
    const __m256 vl = _mm256_loadu_ps(row + base);
    const __m256 vh = _mm256_loadu_ps(row + base + 8);
    return _mm256_blendv_ps(_mm256_permutevar8x32_ps(vl, *d), _mm256_permutevar8x32_ps(vh, *d),
                            _mm256_castsi256_ps(_mm256_slli_epi32(*d, 28)));
  }
  return ups_gather8_avx2(row, *d);
}

/* A whole row narrower than 8 outputs. */
static void nr_row_narrow(const float *row, size_t iw, const int32_t *idx, size_t ow, float *dst,
                          __m256i inmask) {
  int32_t t[8];
  for (size_t i = 0; i < 8; i++) t[i] = idx[i < ow ? i : ow - 1];
  const __m256i id = _mm256_loadu_si256((const __m256i *)t);
  _mm256_maskstore_ps(dst, vm_first((ptrdiff_t)ow), pick8(row, iw, id, t[0], inmask));
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
typedef __m256i nr_rep; /* a vpermps index vector */

/* Integer column replication r of c-float pixels (c = 1: NCHW): output float
 * j of a row reads input float rep_src(j). */
static inline int32_t rep_src(size_t j, size_t c, size_t r) {
  return (int32_t)((j / (c * r)) * c + j % c);
}

/* The r vpermps index vectors that spread 8 input floats over 8r outputs
 * (c divides 8, so the 8 floats hold whole pixels). */
static void nr_rep_build(size_t c, size_t r, __m256i *P) {
  for (size_t k = 0; k < r; k++) {
    int32_t t[8];
    for (size_t j = 0; j < 8; j++) t[j] = rep_src(8 * k + j, c, r);
    P[k] = _mm256_loadu_si256((const __m256i *)t);
  }
}

/* Replication by r in 1..MAX_REP (c: any, the index vectors hold it): a
 * copy, or row_rep with r a compile-time constant for the common factors;
 * returns outputs done. */
static inline size_t nr_row_rep(const float *row, size_t n, size_t c, size_t r, const __m256i *P,
                                float *dst) {
  (void)c;
  switch (r) {
    case 1: return row_copy(row, n, dst);
    case 2: return row_rep(row, n, 2, P, dst);
    case 3: return row_rep(row, n, 3, P, dst);
    case 4: return row_rep(row, n, 4, P, dst);
    case 8: return row_rep(row, n, 8, P, dst);
    default: return row_rep(row, n, r, P, dst);
  }
}

/* NHWC with 2 or 4 channels and integer column replication r (2..MAX_REP):
 * a row is the NCHW replication of flat floats, output float j reading
 * input float (j/(c*r))*c + j%c, so 8 input floats (8/c whole pixels) give r
 * output vectors by vpermps (row_rep with flat index vectors). The row's
 * last iw*c % 8 inputs: up to r+1 output vectors with per-call indices, the
 * last one overlapping. Measured 2.3x faster than the flat windows at
 * 1x4x16x16 -> 32x32. */
typedef struct nr_rep_prep {
  __m256i P[MAX_REP];       /* replication: the vpermps index vectors */
  __m256i T[MAX_REP + 1];   /* NHWC_REP: index vectors of the row's tail */
  int32_t tlo[MAX_REP + 1]; /* their first (smallest) index */
  size_t nt, done;          /* NHWC_REP: tail vectors, outputs before them */
} nr_rep_prep;

static inline int nr_nhwc_rep_ok(size_t c, size_t r, size_t rs) {
  (void)r;
  return (c == 2 || c == 4) && rs >= 8 && rs <= (size_t)INT32_MAX;
}

static void nr_nhwc_rep_prepare(const ups_nearest_job *job, nr_rep_prep *pp) {
  const size_t c = job->c, r = job->x.rep, stride = job->x.out * c;
  nr_rep_build(c, r, pp->P);
  const size_t done = (job->x.in * c / 8) * 8 * r; /* outputs row_rep writes */
  size_t nt = 0;
  for (size_t x = done; x < stride; x += 8, nt++) {
    const size_t xv = x + 8 <= stride ? x : stride - 8;
    int32_t t[8];
    for (size_t j = 0; j < 8; j++) t[j] = rep_src(xv + j, c, r);
    pp->T[nt] = _mm256_loadu_si256((const __m256i *)t);
    pp->tlo[nt] = t[0];
  }
  pp->nt = nt;
  pp->done = done;
}

static void nr_nhwc_rep_run(const ups_nearest_job *job, const nr_rep_prep *pp,
                            const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const size_t c = job->c, ih = job->y.in, iw = job->x.in, oh = job->y.out, r = job->x.rep;
  const size_t rs = iw * c, stride = job->x.out * c;
  const size_t *iy = job->y.idx;
  const size_t done = pp->done, nt = pp->nt;
  /* Local copies: kept in registers across the stores (see the NCHW run). */
  __m256i P[MAX_REP], T[MAX_REP + 1];
  int32_t tlo[MAX_REP + 1];
  for (size_t k = 0; k < r; k++) P[k] = pp->P[k];
  for (size_t k = 0; k < nt; k++) T[k] = pp->T[k], tlo[k] = pp->tlo[k];
  const __m256i inmask = vm_first(8);
  for (size_t n = rng.n0; n < rng.n1; n++) {
    const float *src = job->in + n * ih * rs;
    float *out = job->out + n * oh * stride;
    for (size_t y = rng.y0; y < rng.y1; y++) {
      const float *row = src + iy[y] * rs;
      float *dst = out + y * stride;
      nr_row_rep(row, rs, c, r, P, dst);
      for (size_t k = 0, x = done; k < nt; k++, x += 8) {
        const size_t xv = x + 8 <= stride ? x : stride - 8;
        _mm256_storeu_ps(dst + xv, pick8(row, rs, T[k], tlo[k], inmask));
      }
    }
  }
}

/* Runs copy the windows to their stack (measured, see nearest_tpl.h); NHWC
 * pixels go one vector at a time. */
#define UPS_NR_COPY_WINDOWS 1
#define UPS_NR_ROWS_PAIRS 0
#include "../kernels/nearest_tpl.h"
