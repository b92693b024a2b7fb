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
 * Per-call data (windows, replication and tail index vectors, flat indices,
 * the path) is built once by the prepare functions into a nearest_prep; a run
 * computes one work range (kernel.h) and only reads it. Every output element
 * is a copy, so however rows are grouped the bits are those of one whole run.
 *
 * Bit-identical to the reference (a copy). Reads only inside the input,
 * writes only the output (inside the range). */
#include <immintrin.h>

#include "../kernels/kernel.h"
#include "simd_avx2.h"

/* The reference, for indices beyond int32 (scalar/nearest.c). */
void ups_nearest_nchw_scalar(const ups_nearest_job *job, const void *prep, const ups_range *r);

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

/* A run's own copy of the windows in use (the first W->n). Reading them from
 * the caller's prep block measured 4-5% slower on EPYC (1x16x32x32 ->
 * 48x48: the same instructions, the windows at another stack address; no
 * offset of them inside the block helped); the copy costs ~37 bytes per
 * output vector, once per run. */
static void nwin_copy(const nwin *from, nwin *to) {
  const size_t n = from->n;
  for (size_t k = 0; k < n; k++) {
    to->d[k] = from->d[k];
    to->base[k] = from->base[k];
    to->mode[k] = from->mode[k];
  }
  to->n = n;
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
      v = ups_gather8_avx2(row, W->d[k]);
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

/* Which loop a run takes (chosen once, by prepare). */
typedef enum nearest_path {
  NEAREST_SCALAR,     /* NCHW with indices beyond int32: the reference */
  NEAREST_NCHW,       /* NCHW (and NHWC with one channel) */
  NEAREST_NHWC_REP,   /* NHWC, 2 or 4 channels, integer column replication */
  NEAREST_NHWC_FLAT,  /* NHWC, fewer than 8 channels, rows of <= NWIN*8 floats */
  NEAREST_NHWC_PIXELS /* NHWC, anything else: pixel by pixel */
} nearest_path;

/* The per-call data, built by prepare (a run only reads it). */
typedef struct nearest_prep {
  nwin W;                   /* NCHW general columns; NHWC flat rows */
  __m256i P[MAX_REP];       /* replication: the vpermps index vectors */
  __m256i T[MAX_REP + 1];   /* NHWC_REP: index vectors of the row's tail */
  int32_t tlo[MAX_REP + 1]; /* their first (smallest) index */
  size_t nt, done;          /* NHWC_REP: tail vectors, outputs before them */
  nearest_path path;
  int32_t flat[NWIN * 8];   /* NHWC_FLAT: ix[j/c]*c + j%c */
} nearest_prep;
_Static_assert(sizeof(nearest_prep) <= UPS_PREP_BYTES, "nearest_prep exceeds UPS_PREP_BYTES");

size_t ups_nearest_prep_bytes_avx2(const ups_nearest_job *job) {
  (void)job;
  return sizeof(nearest_prep);
}

void ups_nearest_nchw_prepare_avx2(const ups_nearest_job *job, void *prep) {
  nearest_prep *pp = prep;
  pp->W.n = 0;
  if (!job->x.idx32) {
    pp->path = NEAREST_SCALAR;
    return;
  }
  pp->path = NEAREST_NCHW;
  const size_t rep = job->x.rep;
  if (rep >= 2 && rep <= MAX_REP) rep_perms(1, rep, pp->P);
  if (job->x.out >= 8 && !(rep >= 1 && rep <= MAX_REP))
    nwin_build(job->x.idx32, job->x.in, job->x.out, &pp->W);
}

void ups_nearest_nchw_avx2(const ups_nearest_job *job, const void *prep, const ups_range *rg) {
  const nearest_prep *pp = prep;
  if (pp->path == NEAREST_SCALAR) {
    ups_nearest_nchw_scalar(job, NULL, rg);
    return;
  }
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  const size_t *iy = job->y.idx;
  const int32_t *ix = job->x.idx32;
  const size_t rep = job->x.rep;
  /* A local copy, so the index vectors stay in registers across the row's
   * stores (output stores might alias prep). */
  __m256i P[MAX_REP];
  if (rep >= 2 && rep <= MAX_REP)
    for (size_t k = 0; k < rep; k++) P[k] = pp->P[k];
  nwin W;
  nwin_copy(&pp->W, &W);
  const __m256i inmask = vm_first(iw < 8 ? (ptrdiff_t)iw : 8);
  for (size_t n = rng.n0; n < rng.n1; n++)
    for (size_t ch = rng.c0; ch < rng.c1; ch++) {
      const size_t p = n * job->c + ch;
      const float *src = job->in + p * ih * iw;
      float *out = job->out + p * oh * ow;
      for (size_t y = rng.y0; y < rng.y1; y++) {
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
static void nhwc_rep_prepare(const ups_nearest_job *job, nearest_prep *pp) {
  const size_t c = job->c, r = job->x.rep, stride = job->x.out * c;
  rep_perms(c, r, pp->P);
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

static void nhwc_rep_small_c(const ups_nearest_job *job, const nearest_prep *pp,
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
      row_rep_any(row, rs, r, P, dst);
      for (size_t k = 0, x = done; k < nt; k++, x += 8) {
        const size_t xv = x + 8 <= stride ? x : stride - 8;
        _mm256_storeu_ps(dst + xv, pick8(row, rs, T[k], tlo[k], inmask));
      }
    }
  }
}

void ups_nearest_nhwc_prepare_avx2(const ups_nearest_job *job, void *prep) {
  const size_t c = job->c;
  if (c == 1) { /* one channel: the same memory as NCHW with n planes */
    ups_nearest_nchw_prepare_avx2(job, prep);
    return;
  }
  nearest_prep *pp = prep;
  const size_t ow = job->x.out, stride = ow * c, rep = job->x.rep, rs = job->x.in * c;
  if ((c == 2 || c == 4) && rep >= 2 && rep <= MAX_REP && rs >= 8 && rs <= (size_t)INT32_MAX) {
    pp->path = NEAREST_NHWC_REP;
    nhwc_rep_prepare(job, pp);
  } else if (c < 8 && stride >= 8 && stride <= (size_t)NWIN * 8 && rs <= (size_t)INT32_MAX) {
    /* Few channels, a row of at most NWIN*8 floats: the row is a flat
     * gather with per-call indices flat[j] = ix[j/c]*c + j%c, through the
     * same windows as NCHW (8 outputs per vpermps, 16-float windows, gathers). */
    pp->path = NEAREST_NHWC_FLAT;
    const size_t *ix = job->x.idx;
    for (size_t x = 0, j = 0; x < ow; x++)
      for (size_t ch = 0; ch < c; ch++, j++) pp->flat[j] = (int32_t)(ix[x] * c + ch);
    nwin_build(pp->flat, rs, stride, &pp->W);
  } else {
    pp->path = NEAREST_NHWC_PIXELS;
  }
}

void ups_nearest_nhwc_avx2(const ups_nearest_job *job, const void *prep, const ups_range *rg) {
  const size_t c = job->c;
  if (c == 1) { /* one channel: NCHW with n planes (the range's c unit is [0, 1)) */
    ups_nearest_nchw_avx2(job, prep, rg);
    return;
  }
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const nearest_prep *pp = prep;
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  const size_t *iy = job->y.idx, *ix = job->x.idx;
  const size_t stride = ow * c, rs = iw * c;
  if (pp->path == NEAREST_NHWC_REP) {
    nhwc_rep_small_c(job, pp, rg);
    return;
  }
  if (pp->path == NEAREST_NHWC_FLAT) {
    nwin W;
    nwin_copy(&pp->W, &W);
    const __m256i inmask = vm_first(rs < 8 ? (ptrdiff_t)rs : 8);
    for (size_t n = rng.n0; n < rng.n1; n++) {
      const float *src = job->in + n * ih * rs;
      float *out = job->out + n * oh * stride;
      for (size_t y = rng.y0; y < rng.y1; y++)
        row_general(src + iy[y] * rs, rs, pp->flat, stride, 0, out + y * stride, inmask, &W);
    }
    return;
  }
  /* Loads near the end of the whole input (not the range's) are masked. */
  const float *in_end = job->in + job->n * ih * rs;
  const __m256i cmask = vm_first(c < 8 ? (ptrdiff_t)c : 8);
  for (size_t n = rng.n0; n < rng.n1; n++) {
    const float *src = job->in + n * ih * rs;
    float *out = job->out + n * oh * stride;
    for (size_t y = rng.y0, g = 1; y < rng.y1; y += g) {
      const float *row = src + iy[y] * rs;
      float *dst = out + y * stride;
      g = 1;
      if (c >= 8) {
        /* Output rows reading the same input row are written together (each
         * vector loaded once, stored to both rows); a pair is cut at the
         * range's end (both rows are copies, so the bits do not change). */
        if (y + 1 < rng.y1 && iy[y + 1] == iy[y]) {
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
