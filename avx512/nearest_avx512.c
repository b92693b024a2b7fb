/* nearest_avx512.c — the AVX-512 nearest resize: kernels/nearest_tpl.h (the
 * drivers, windows and paths, described there) over the AVX-512 shim, with
 * what only AVX-512 does:
 * - picking 16 floats out of a row: one 16-float window (one load, an opmask
 *   load for rows narrower than 16) + vpermps; per-call windows also of 32
 *   floats (two loads, one vpermt2ps; rows of 32 or more inputs); otherwise
 *   vgatherdps;
 * - integer replication: 16 input floats spread over r output vectors by
 *   vpermps with per-call index vectors, for every r (rep 1: a copy);
 * - NHWC with 2, 4 or 8 channels and integer column replication: the NCHW
 *   replication on flat floats (16 inputs hold whole pixels), the row's tail
 *   by per-call index vectors. */
#include <immintrin.h>

#include "../kernels/kernel.h"
#include "simd_avx512.h"

/* The 16 outputs whose input columns are id (lo the smallest) from row (iw
 * wide). */
static inline __m512 pick16(const float *row, size_t iw, __m512i id, int32_t lo, vmask inmask) {
  int32_t base = 0;
  if (iw >= 16) base = lo < (int32_t)(iw - 16) ? lo : (int32_t)(iw - 16);
  const __m512i d = _mm512_sub_epi32(id, _mm512_set1_epi32(base));
  if (!_mm512_test_epi32_mask(d, _mm512_set1_epi32(~15))) {
    const __m512 v = iw >= 16 ? _mm512_loadu_ps(row + base) : _mm512_maskz_loadu_ps(inmask, row);
    return _mm512_permutexvar_ps(d, v);
  }
  return ups_gather16_avx512(row, id);
}

static inline __m512 nr_pick(const float *row, size_t iw, const int32_t *idx, vmask inmask) {
  return pick16(row, iw, _mm512_loadu_si512(idx), idx[0], inmask);
}

/* A window: the indices relative to its base (mode 0, 1) or the absolute
 * ones (mode 2). */
typedef __m512i nr_wsel;
static inline int nr_wsel_build(const int32_t *idx, size_t iw, int32_t *base, nr_wsel *d) {
  const __m512i id = _mm512_loadu_si512(idx);
  const int32_t lo = _mm512_reduce_min_epi32(id); /* flat NHWC indices are not monotone */
  int mode = 2;
  *base = 0;
  *d = id;
  for (int span = 16; span <= 32; span += 16) {
    if (span == 32 && iw < 32) break;
    int32_t b = 0;
    if (iw >= (size_t)span) b = lo < (int32_t)(iw - span) ? lo : (int32_t)(iw - span);
    const __m512i dd = _mm512_sub_epi32(id, _mm512_set1_epi32(b));
    if (!_mm512_test_epi32_mask(dd, _mm512_set1_epi32(~(span - 1)))) {
      mode = span / 16 - 1;
      *base = b;
      *d = dd;
      break;
    }
  }
  return mode;
}

static inline __m512 nr_wsel_pick(const float *row, size_t iw, int mode, int32_t base,
                                  const nr_wsel *d, vmask inmask) {
  if (mode == 0) {
    const __m512 v = iw >= 16 ? _mm512_loadu_ps(row + base) : _mm512_maskz_loadu_ps(inmask, row);
    return _mm512_permutexvar_ps(*d, v);
  }
  if (mode == 1)
    return _mm512_permutex2var_ps(_mm512_loadu_ps(row + base), *d,
                                  _mm512_loadu_ps(row + base + 16));
  return ups_gather16_avx512(row, *d);
}

/* A whole row narrower than 16 outputs. */
static void nr_row_narrow(const float *row, size_t iw, const int32_t *idx, size_t ow, float *dst,
                          vmask inmask) {
  int32_t t[16];
  for (size_t i = 0; i < 16; i++) t[i] = idx[i < ow ? i : ow - 1];
  const __m512i id = _mm512_loadu_si512(t);
  _mm512_mask_storeu_ps(dst, vm_first((ptrdiff_t)ow), pick16(row, iw, id, t[0], inmask));
}

/* Integer replication by r: the first (iw/16)*16 inputs, and with TAIL the
 * rest too (an opmask load of the last iw%16 inputs, its outputs stored
 * under masks: a 40-input row would otherwise leave 16 outputs to the
 * general row: 1.1-1.5x slower on the YOLOv5s 20 and 40 px rows); returns outputs
 * done. */
static inline size_t row_rep(const float *row, size_t iw, size_t r, const __m512i *P, float *dst,
                             int tail) {
  size_t i = 0;
  for (; i + 16 <= iw; i += 16) {
    const __m512 v = _mm512_loadu_ps(row + i);
    float *d = dst + i * r;
    for (size_t k = 0; k < r; k++) _mm512_storeu_ps(d + 16 * k, _mm512_permutexvar_ps(P[k], v));
  }
  if (tail && i < iw) {
    const size_t n = iw - i, no = n * r; /* output j reads input j / r < n */
    const __m512 v = _mm512_maskz_loadu_ps(vm_first((ptrdiff_t)n), row + i);
    float *d = dst + i * r;
    for (size_t k = 0; 16 * k < no; k++)
      _mm512_mask_storeu_ps(d + 16 * k, vm_first((ptrdiff_t)(no - 16 * k)),
                            _mm512_permutexvar_ps(P[k], v));
    i = iw;
  }
  return i * r;
}

static inline size_t row_copy(const float *row, size_t iw, float *dst) {
  size_t i = 0;
  for (; i + 16 <= iw; i += 16) _mm512_storeu_ps(dst + i, _mm512_loadu_ps(row + i));
  if (i < iw) {
    const vmask m = vm_first((ptrdiff_t)(iw - i));
    _mm512_mask_storeu_ps(dst + i, m, _mm512_maskz_loadu_ps(m, row + i));
    i = iw;
  }
  return i;
}

enum { MAX_REP = 16 };
typedef __m512i nr_rep; /* a vpermps index vector */

/* Integer column replication r of c-float pixels (c = 1: NCHW): output float
 * j of a row reads input float rep_src(j). */
static inline int32_t rep_src(size_t j, size_t c, size_t r) {
  return (int32_t)((j / (c * r)) * c + j % c);
}

/* The r vpermps index vectors that spread 16 input floats over 16r outputs
 * (c divides 16, so the 16 floats hold whole pixels). */
static void nr_rep_build(size_t c, size_t r, __m512i *P) {
  for (size_t k = 0; k < r; k++) {
    int32_t t[16];
    for (size_t j = 0; j < 16; j++) t[j] = rep_src(16 * k + j, c, r);
    P[k] = _mm512_loadu_si512(t);
  }
}

/* Replication by r in 1..MAX_REP of a whole NCHW row (c == 1, the tail
 * included): a copy, or row_rep with r a compile-time constant for the
 * common factors; returns outputs done. */
static inline size_t nr_row_rep(const float *row, size_t n, size_t c, size_t r, const __m512i *P,
                                float *dst) {
  (void)c;
  switch (r) {
    case 1: return row_copy(row, n, dst);
    case 2: return row_rep(row, n, 2, P, dst, 1);
    case 3: return row_rep(row, n, 3, P, dst, 1);
    case 4: return row_rep(row, n, 4, P, dst, 1);
    case 8: return row_rep(row, n, 8, P, dst, 1);
    default: return row_rep(row, n, r, P, dst, 1);
  }
}

/* NHWC with 2, 4 or 8 channels and integer column replication r: a row is
 * the NCHW replication of flat floats (16 inputs hold 16/c whole pixels);
 * the row's last iw*c % 16 inputs: up to r+1 output vectors with per-call
 * indices, the last one overlapping. */
typedef struct nr_rep_prep {
  __m512i P[MAX_REP];       /* replication: the vpermps index vectors */
  __m512i T[MAX_REP + 1];   /* NHWC_REP: index vectors of the row's tail */
  int32_t tlo[MAX_REP + 1]; /* their first (smallest) index */
  size_t nt, done;          /* NHWC_REP: tail vectors, outputs before them */
} nr_rep_prep;

static inline int nr_nhwc_rep_ok(size_t c, size_t r, size_t rs) {
  (void)r;
  return (c == 2 || c == 4 || c == 8) && rs >= 16 && rs <= (size_t)INT32_MAX;
}

static void nr_nhwc_rep_prepare(const ups_nearest_job *job, nr_rep_prep *pp) {
  const size_t c = job->c, r = job->x.rep, stride = job->x.out * c;
  nr_rep_build(c, r, pp->P);
  const size_t done = (job->x.in * c / 16) * 16 * r; /* outputs row_rep writes */
  size_t nt = 0;
  for (size_t x = done; x < stride; x += 16, nt++) {
    const size_t xv = x + 16 <= stride ? x : stride - 16;
    int32_t t[16];
    for (size_t j = 0; j < 16; j++) t[j] = rep_src(xv + j, c, r);
    pp->T[nt] = _mm512_loadu_si512(t);
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
  const vmask inmask = vm_first(16);
  for (size_t n = rng.n0; n < rng.n1; n++) {
    const float *src = job->in + n * ih * rs;
    float *out = job->out + n * oh * stride;
    for (size_t y = rng.y0; y < rng.y1; y++) {
      const float *row = src + iy[y] * rs;
      float *dst = out + y * stride;
      row_rep(row, rs, r, pp->P, dst, 0); /* the tail: the vectors below */
      for (size_t k = 0, x = done; k < nt; k++, x += 16) {
        const size_t xv = x + 16 <= stride ? x : stride - 16;
        _mm512_storeu_ps(dst + xv, pick16(row, rs, pp->T[k], pp->tlo[k], inmask));
      }
    }
  }
}

#define UPS_NR_COPY_WINDOWS 1
#define UPS_NR_ROWS_PAIRS 0
#include "../kernels/nearest_tpl.h"
