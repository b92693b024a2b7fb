/* nearest_neon.c — AdvSIMD nearest resize, NCHW and NHWC, every mode: the
 * paths of avx2/nearest_avx2.c on 4 lanes.
 *
 * NCHW (and NHWC with one channel): output rows are written one at a time,
 * each from its input row (which stays in L1).
 * - integer replication (x.rep in 2..16): 4 input floats are loaded once and
 *   spread over rep output vectors: rep 2, 3 by one ST2/ST3 of the vector
 *   with itself (the interleaving stores do the spreading), rep 4 and 8 by
 *   lane broadcasts, the rest by TBL with per-call selectors (AVX2: vpermps
 *   for all); rep 1 is a copy. The row's last iw % 4 inputs
 *   go through the general path.
 * - anything else, through per-call windows (the first NWIN output vectors;
 *   further ones are worked out on the fly): the input indices of each 4
 *   outputs span one 4-float window (upsampling, mild downsampling: one load
 *   + TBL) or 8 floats (down to 1/2: two loads + TBL of two registers);
 *   otherwise 4 lane loads. Windows are clamped inside the row; rows
 *   narrower than 4 are loaded partially (nothing past the row is read).
 * - the last partial vector overlaps the previous one; rows narrower than 4
 *   outputs are scalar copies.
 * NHWC:
 * - 4 or more channels: pixels are copied 8 channels (two vectors) at a
 *   time, then a vector, the last one overlapping; two output rows that
 *   repeat an input row are written together (each vector loaded once,
 *   stored to both);
 * - 2 channels with integer column replication: a pixel is a 64-bit lane, so
 *   4 input floats (2 pixels) give rep output vectors, each a pixel broadcast
 *   or the input vector itself (TBL for the uncommon factors); an odd last
 *   pixel is its pair repeated (AVX2 does this for 2 and 4 channels; here 4
 *   channels are one vector, the pixel path);
 * - otherwise 2 or 3 channels, rows of at most NWIN*4 floats: a flat
 *   NCHW-like row with per-call indices ix[j/c]*c + j%c through the windows;
 *   longer rows: a full vector per pixel while the next pixel overwrites the
 *   spill, partial ones at the row's and the input's end.
 *
 * Per-call data (windows, replication selectors, flat indices, the path) is
 * built once by the prepare functions into a nearest_prep; a run computes one
 * work range (kernel.h) and only reads it. Every output element is a copy,
 * so however rows are grouped the bits are those of one whole run.
 *
 * Bit-identical to the reference (a copy). Reads only inside the input,
 * writes only the output (inside the range). */
#include <arm_neon.h>

#include "../kernels/kernel.h"
#include "simd_neon.h"

/* The reference, for indices beyond int32 (scalar/nearest.c). */
void ups_nearest_nchw_scalar(const ups_nearest_job *job, const void *prep, const ups_range *r);

/* The 4 outputs whose input indices are idx[0..3], worked out on the fly: one
 * 4-float window + TBL when they fit one, else lane loads. */
static inline float32x4_t pick4(const float *row, size_t iw, const int32_t *idx) {
  const int32x4_t id = vld1q_s32(idx);
  const int32_t base = ups_window4_base_neon(vminvq_s32(id), iw);
  const uint32x4_t d = vreinterpretq_u32_s32(vsubq_s32(id, vdupq_n_s32(base)));
  if (vmaxvq_u32(d) < 4)
    return ups_tbl1_neon(ups_window4_load_neon(row, iw, base), ups_tbl_sel_neon(d));
  return ups_gather4_neon(row, idx);
}

/* Per-call windows of the first NWIN output vectors (vector k starts at
 * min(4k, ow-4)): a mode (0: 4 floats, 1: 8 floats, 2: gather), the window's
 * start and the selector (simd_neon.h). 512 windows: rows of 2048 outputs,
 * as AVX2's 256 windows of 8. */
enum { NWIN = 512 };
typedef struct nwin {
  ups_sel_neon s[NWIN];
  int32_t base[NWIN];
  unsigned char mode[NWIN];
  size_t n;
} nwin;

static void nwin_build(const int32_t *idx, size_t iw, size_t ow, nwin *W) {
  W->n = 0;
  for (size_t x = 0; x < ow && W->n < NWIN; x += 4, W->n++) {
    const size_t k = W->n, xv = x + 4 <= ow ? x : ow - 4;
    int32_t base;
    const int mode = ups_window_neon(idx + xv, 4, iw, &base);
    W->mode[k] = (unsigned char)mode;
    W->base[k] = base;
    W->s[k] = ups_window_sel_neon(idx + xv, base, mode);
  }
}

/* Outputs [xa, ow) of a row by the general path (ow >= 4, xa % 4 == 0). */
static void row_general(const float *row, size_t iw, const int32_t *idx, size_t ow, size_t xa,
                        float *dst, const nwin *W) {
  const size_t nw = W->n; /* a local: the stores might alias *W */
  size_t x = xa;
  for (size_t k = xa / 4; x < ow && k < nw; x += 4, k++) {
    const size_t xv = x + 4 <= ow ? x : ow - 4;
    vst1q_f32(dst + xv, ups_window_pick_neon(row, iw, W->mode[k], W->base[k], &W->s[k]));
  }
  for (; x < ow; x += 4) {
    const size_t xv = x + 4 <= ow ? x : ow - 4;
    vst1q_f32(dst + xv, pick4(row, iw, idx + xv));
  }
}

/* A whole row narrower than 4 outputs. */
static void row_narrow(const float *row, const int32_t *idx, size_t ow, float *dst) {
  for (size_t x = 0; x < ow; x++) dst[x] = row[idx[x]];
}

/* A whole row that is a copy (rep 1: ow == iw >= 4), the last vector
 * overlapping. */
static void row_copy(const float *row, size_t iw, float *dst) {
  size_t i = 0;
  for (; i + 4 <= iw; i += 4) vst1q_f32(dst + i, vld1q_f32(row + i));
  if (i < iw) vst1q_f32(dst + iw - 4, vld1q_f32(row + iw - 4));
}

enum { MAX_REP = 16 };

/* Integer column replication r of c-float pixels (c = 1: NCHW): output float
 * j of a row reads input float rep_src(j). */
static inline int32_t rep_src(size_t j, size_t c, size_t r) {
  return (int32_t)((j / (c * r)) * c + j % c);
}

/* The r TBL selectors that spread 4 input floats over 4r outputs (c divides
 * 4, so the 4 floats hold whole pixels). */
static void rep_sels(size_t c, size_t r, uint8x16_t *P) {
  for (size_t k = 0; k < r; k++) {
    uint32_t t[4];
    for (size_t j = 0; j < 4; j++) t[j] = (uint32_t)rep_src(4 * k + j, c, r);
    P[k] = ups_tbl_sel_neon(vld1q_u32(t));
  }
}

/* Output vector k of the replication by r of the 2 two-float pixels of v:
 * output pixels 2k and 2k+1 read input pixels 2k/r and (2k+1)/r, so the
 * vector is a pixel broadcast or v itself. */
UPS_AI float32x4_t rep2_vec(float32x4_t v, size_t k, size_t r) {
  const size_t a = 2 * k / r, b = (2 * k + 1) / r;
  if (a != b) return v;
  const float64x2_t p = vreinterpretq_f64_f32(v);
  return vreinterpretq_f32_f64(a == 0 ? vdupq_laneq_f64(p, 0) : vdupq_laneq_f64(p, 1));
}

/* Replication by r (2, 3, 4, 8: a constant after inlining) of c-float
 * pixels (c = 1, 2, a constant too): the first (n/4)*4 input floats; returns
 * the output floats done. */
UPS_AI size_t row_rep(const float *row, size_t n, size_t c, size_t r, float *dst) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t v = vld1q_f32(row + i);
    float *d = dst + i * r;
    if (c == 1 && r == 2) {
      const float32x4x2_t t = {{v, v}};
      vst2q_f32(d, t);
    } else if (c == 1 && r == 3) {
      const float32x4x3_t t = {{v, v, v}};
      vst3q_f32(d, t);
    } else if (c == 1 && r == 4) {
      /* Lane broadcasts stored by one ST1 of 4 registers, not ST4 {v, v, v, v}:
       * llvm-mca-19 models ST4 .4s at 5 (Neoverse N1) and 3 (V1) cycles per
       * 64 bytes against 4 and 2 for this, the store rate it gives ST2 and
       * ST3 above (a static model, not a measurement). */
      const float32x4x4_t t = {{vdupq_laneq_f32(v, 0), vdupq_laneq_f32(v, 1),
                                vdupq_laneq_f32(v, 2), vdupq_laneq_f32(v, 3)}};
      vst1q_f32_x4(d, t);
    } else if (c == 1 && r == 8) {
      const float32x4_t l0 = vdupq_laneq_f32(v, 0), l1 = vdupq_laneq_f32(v, 1);
      const float32x4_t l2 = vdupq_laneq_f32(v, 2), l3 = vdupq_laneq_f32(v, 3);
      vst1q_f32(d, l0), vst1q_f32(d + 4, l0), vst1q_f32(d + 8, l1), vst1q_f32(d + 12, l1);
      vst1q_f32(d + 16, l2), vst1q_f32(d + 20, l2), vst1q_f32(d + 24, l3), vst1q_f32(d + 28, l3);
    } else { /* c == 2 */
      for (size_t k = 0; k < r; k++) vst1q_f32(d + 4 * k, rep2_vec(v, k, r));
    }
  }
  return i * r;
}

/* Replication by any r through the selectors. */
static size_t row_rep_tbl(const float *row, size_t n, size_t r, const uint8x16_t *P, float *dst) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t v = vld1q_f32(row + i);
    float *d = dst + i * r;
    for (size_t k = 0; k < r; k++) vst1q_f32(d + 4 * k, ups_tbl1_neon(v, P[k]));
  }
  return i * r;
}

/* row_rep with r a compile-time constant for the common factors (the
 * others through the selectors). */
UPS_AI size_t row_rep_any(const float *row, size_t n, size_t c, size_t r, const uint8x16_t *P,
                          float *dst) {
  switch (r) {
    case 2: return row_rep(row, n, c, 2, dst);
    case 3: return row_rep(row, n, c, 3, dst);
    case 4: return row_rep(row, n, c, 4, dst);
    case 8: return row_rep(row, n, c, 8, dst);
    default: return row_rep_tbl(row, n, r, P, dst);
  }
}

/* Which loop a run takes (chosen once, by prepare). */
typedef enum nearest_path {
  NEAREST_SCALAR,     /* NCHW with indices beyond int32: the reference */
  NEAREST_NCHW,       /* NCHW (and NHWC with one channel) */
  NEAREST_NHWC_REP,   /* NHWC, 2 channels, integer column replication */
  NEAREST_NHWC_FLAT,  /* NHWC, 2 or 3 channels, rows of <= NWIN*4 floats */
  NEAREST_NHWC_PIXELS /* NHWC, anything else: pixel by pixel */
} nearest_path;

/* The per-call data, built by prepare (a run only reads it). */
typedef struct nearest_prep {
  nwin W;                 /* NCHW general columns; NHWC flat rows */
  uint8x16_t P[MAX_REP];  /* replication: the TBL selectors */
  nearest_path path;
  int32_t flat[NWIN * 4]; /* NHWC_FLAT: ix[j/c]*c + j%c */
} nearest_prep;
_Static_assert(sizeof(nearest_prep) <= UPS_PREP_BYTES, "nearest_prep exceeds UPS_PREP_BYTES");

size_t ups_nearest_prep_bytes_neon(const ups_nearest_job *job) {
  (void)job;
  return sizeof(nearest_prep);
}

void ups_nearest_nchw_prepare_neon(const ups_nearest_job *job, void *prep) {
  nearest_prep *pp = prep;
  pp->W.n = 0;
  if (!job->x.idx32) {
    pp->path = NEAREST_SCALAR;
    return;
  }
  pp->path = NEAREST_NCHW;
  const size_t rep = job->x.rep;
  if (rep >= 2 && rep <= MAX_REP) rep_sels(1, rep, pp->P);
  if (job->x.out >= 4 && !(rep >= 1 && rep <= MAX_REP))
    nwin_build(job->x.idx32, job->x.in, job->x.out, &pp->W);
}

void ups_nearest_nchw_neon(const ups_nearest_job *job, const void *prep, const ups_range *rg) {
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
  const int reps = rep >= 2 && rep <= MAX_REP;
  /* A local copy, so the selectors stay in registers across the row's
   * stores (output stores might alias prep). */
  uint8x16_t P[MAX_REP];
  if (reps)
    for (size_t k = 0; k < rep; k++) P[k] = pp->P[k];
  for (size_t n = rng.n0; n < rng.n1; n++)
    for (size_t ch = rng.c0; ch < rng.c1; ch++) {
      const size_t p = n * job->c + ch;
      const float *src = job->in + p * ih * iw;
      float *out = job->out + p * oh * ow;
      for (size_t y = rng.y0; y < rng.y1; y++) {
        const float *row = src + iy[y] * iw;
        float *dst = out + y * ow;
        if (ow < 4) {
          row_narrow(row, ix, ow, dst);
        } else if (rep == 1) {
          row_copy(row, iw, dst);
        } else {
          const size_t done = reps ? row_rep_any(row, iw, 1, rep, P, dst) : 0;
          if (done < ow) row_general(row, iw, ix, ow, done, dst, &pp->W);
        }
      }
    }
}

/* NHWC, c >= 4: g (1 or 2) output rows at dst, dst + stride from one input
 * row; the last channel vector of a pixel overlaps. Channels go 8 at a time
 * (two vectors, the bytes AVX2 moves per iteration): llvm-mca-19 predicts 18
 * -> 32 bytes stored per cycle for a row pair on Neoverse V1 (N1: 12 -> 13)
 * against one vector at a time, the loop overhead amortised (a static model,
 * not a measurement). */
static inline void nhwc_rows_c4(const float *row, const size_t *ix, size_t ow, size_t c,
                                float *dst, size_t stride, int g) {
  const size_t c8 = c & ~(size_t)7, cv = c & ~(size_t)3;
  for (size_t x = 0; x < ow; x++) {
    const float *s = row + ix[x] * c;
    float *d = dst + x * c;
    size_t ch = 0;
    for (; ch < c8; ch += 8) {
      const float32x4_t v0 = vld1q_f32(s + ch), v1 = vld1q_f32(s + ch + 4);
      vst1q_f32(d + ch, v0);
      vst1q_f32(d + ch + 4, v1);
      if (g == 2) {
        vst1q_f32(d + stride + ch, v0);
        vst1q_f32(d + stride + ch + 4, v1);
      }
    }
    if (ch < cv) {
      const float32x4_t v = vld1q_f32(s + ch);
      vst1q_f32(d + ch, v);
      if (g == 2) vst1q_f32(d + stride + ch, v);
    }
    if (cv < c) {
      const float32x4_t v = vld1q_f32(s + c - 4);
      vst1q_f32(d + c - 4, v);
      if (g == 2) vst1q_f32(d + stride + c - 4, v);
    }
  }
}

/* NHWC with 2 channels and integer column replication r (2..MAX_REP): each
 * 4 input floats (2 pixels) give r output vectors (row_rep with c = 2); when
 * iw is odd, the last pixel's 2r outputs are its pair repeated, the last
 * vector overlapping (at an even offset, so in phase). */
static void nhwc_rep_c2(const ups_nearest_job *job, const nearest_prep *pp, const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, r = job->x.rep;
  const size_t rs = iw * 2, stride = job->x.out * 2;
  const size_t *iy = job->y.idx;
  uint8x16_t P[MAX_REP]; /* a local copy (see the NCHW run) */
  for (size_t k = 0; k < r; k++) P[k] = pp->P[k];
  for (size_t n = rng.n0; n < rng.n1; n++) {
    const float *src = job->in + n * ih * rs;
    float *out = job->out + n * oh * stride;
    for (size_t y = rng.y0; y < rng.y1; y++) {
      const float *row = src + iy[y] * rs;
      float *dst = out + y * stride;
      const size_t done = row_rep_any(row, rs, 2, r, P, dst);
      if (done < stride) {
        const float32x2_t px = vld1_f32(row + rs - 2);
        const float32x4_t v = vcombine_f32(px, px);
        for (size_t x = done; x < stride; x += 4)
          vst1q_f32(dst + (x + 4 <= stride ? x : stride - 4), v);
      }
    }
  }
}

void ups_nearest_nhwc_prepare_neon(const ups_nearest_job *job, void *prep) {
  const size_t c = job->c;
  if (c == 1) { /* one channel: the same memory as NCHW with n planes */
    ups_nearest_nchw_prepare_neon(job, prep);
    return;
  }
  nearest_prep *pp = prep;
  const size_t ow = job->x.out, stride = ow * c, rep = job->x.rep, rs = job->x.in * c;
  if (c == 2 && rep >= 2 && rep <= MAX_REP) {
    pp->path = NEAREST_NHWC_REP;
    rep_sels(2, rep, pp->P);
  } else if (c < 4 && stride >= 4 && stride <= (size_t)NWIN * 4 && rs <= (size_t)INT32_MAX) {
    /* Few channels, a row of at most NWIN*4 floats: the row is a flat
     * gather with per-call indices flat[j] = ix[j/c]*c + j%c, through the
     * same windows as NCHW. */
    pp->path = NEAREST_NHWC_FLAT;
    const size_t *ix = job->x.idx;
    for (size_t x = 0, j = 0; x < ow; x++)
      for (size_t ch = 0; ch < c; ch++, j++) pp->flat[j] = (int32_t)(ix[x] * c + ch);
    nwin_build(pp->flat, rs, stride, &pp->W);
  } else {
    pp->path = NEAREST_NHWC_PIXELS;
  }
}

void ups_nearest_nhwc_neon(const ups_nearest_job *job, const void *prep, const ups_range *rg) {
  const size_t c = job->c;
  if (c == 1) { /* one channel: NCHW with n planes (the range's c unit is [0, 1)) */
    ups_nearest_nchw_neon(job, prep, rg);
    return;
  }
  const nearest_prep *pp = prep;
  if (pp->path == NEAREST_NHWC_REP) {
    nhwc_rep_c2(job, pp, rg);
    return;
  }
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  const size_t *iy = job->y.idx, *ix = job->x.idx;
  const size_t stride = ow * c, rs = iw * c;
  if (pp->path == NEAREST_NHWC_FLAT) {
    for (size_t n = rng.n0; n < rng.n1; n++) {
      const float *src = job->in + n * ih * rs;
      float *out = job->out + n * oh * stride;
      for (size_t y = rng.y0; y < rng.y1; y++)
        row_general(src + iy[y] * rs, rs, pp->flat, stride, 0, out + y * stride, &pp->W);
    }
    return;
  }
  /* Loads near the end of the whole input (not the range's) are partial. */
  const float *in_end = job->in + job->n * ih * rs;
  const vmask cmask = vm_first(c < 4 ? (ptrdiff_t)c : 4);
  for (size_t n = rng.n0; n < rng.n1; n++) {
    const float *src = job->in + n * ih * rs;
    float *out = job->out + n * oh * stride;
    for (size_t y = rng.y0, g = 1; y < rng.y1; y += g) {
      const float *row = src + iy[y] * rs;
      float *dst = out + y * stride;
      g = 1;
      if (c >= 4) {
        /* Output rows reading the same input row are written together; a
         * pair is cut at the range's end (both rows are copies, so the bits
         * do not change). */
        if (y + 1 < rng.y1 && iy[y + 1] == iy[y]) {
          g = 2;
          nhwc_rows_c4(row, ix, ow, c, dst, stride, 2);
        } else {
          nhwc_rows_c4(row, ix, ow, c, dst, stride, 1);
        }
      } else {
        /* Full vectors while the spill stays inside this row (the next pixel
         * overwrites it) and the load inside the input; partial after. */
        size_t x = 0;
        for (; x < ow && x * c + 4 <= stride; x++) {
          const float *s = row + ix[x] * c;
          vst1q_f32(dst + x * c, s + 4 <= in_end ? vld1q_f32(s) : vf_maskload(s, cmask));
        }
        for (; x < ow; x++) vf_maskstore(dst + x * c, cmask, vf_maskload(row + ix[x] * c, cmask));
      }
    }
  }
}
