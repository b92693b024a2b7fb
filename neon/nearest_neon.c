/* nearest_neon.c — the AdvSIMD nearest resize: kernels/nearest_tpl.h (the
 * drivers, windows and paths, described there) over the NEON shim, with
 * what only AdvSIMD does (no permute by lane index, no gather, no masked
 * load; simd_neon.h has the window helpers nearest and bilinear share):
 * - picking 4 floats out of a row: a 4-float window (partial for rows
 *   narrower than 4) + TBL, per-call windows also of 8 floats (TBL of two
 *   registers), otherwise 4 lane loads; rows narrower than 4 outputs are
 *   scalar copies;
 * - integer replication (x.rep in 2..16): rep 2, 3 by one ST2/ST3 of the
 *   vector with itself (the interleaving stores do the spreading), rep 4
 *   and 8 by lane broadcasts, the rest by TBL with per-call selectors; rep 1
 *   a whole-row copy. The row's last iw % 4 inputs go through the windows;
 * - NHWC with 2 channels and integer column replication: a pixel is a
 *   64-bit lane, so 4 input floats (2 pixels) give rep output vectors, each
 *   a pixel broadcast or the input vector itself (TBL for the uncommon
 *   factors); an odd last pixel is its pair repeated (AVX2 does this for 2
 *   and 4 channels; here 4 channels are one vector, the pixel path).
 * These are per ISA because the instructions differ, not only the lanes.
 * The windows are read from the prep block (AVX2 copies them, a measured
 * Zen effect; not measured here); NHWC pixels copy 8 channels per step
 * (UPS_NR_ROWS_PAIRS, below). */
#include <arm_neon.h>

#include "../kernels/kernel.h"
#include "simd_neon.h"

/* The 4 outputs whose input indices are idx[0..3], worked out on the fly: one
 * 4-float window + TBL when they fit one, else lane loads (inmask unused:
 * ups_window4_load_neon loads a narrow row partially). */
static inline float32x4_t nr_pick(const float *row, size_t iw, const int32_t *idx, vmask inmask) {
  (void)inmask;
  const int32x4_t id = vld1q_s32(idx);
  const int32_t base = ups_window4_base_neon(vminvq_s32(id), iw);
  const uint32x4_t d = vreinterpretq_u32_s32(vsubq_s32(id, vdupq_n_s32(base)));
  if (vmaxvq_u32(d) < 4)
    return ups_tbl1_neon(ups_window4_load_neon(row, iw, base), ups_tbl_sel_neon(d));
  return ups_gather4_neon(row, idx);
}

/* A window: its TBL selector (mode 0, 1) or the absolute indices (mode 2). */
typedef ups_sel_neon nr_wsel;
static inline int nr_wsel_build(const int32_t *idx, size_t iw, int32_t *base, nr_wsel *s) {
  const int mode = ups_window_neon(idx, 4, iw, base);
  *s = ups_window_sel_neon(idx, *base, mode);
  return mode;
}

UPS_AI float32x4_t nr_wsel_pick(const float *row, size_t iw, int mode, int32_t base,
                                const nr_wsel *s, vmask inmask) {
  (void)inmask;
  return ups_window_pick_neon(row, iw, mode, base, s);
}

/* A whole row narrower than 4 outputs. */
static void nr_row_narrow(const float *row, size_t iw, const int32_t *idx, size_t ow, float *dst,
                          vmask inmask) {
  (void)iw, (void)inmask;
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
typedef uint8x16_t nr_rep; /* a TBL selector */

/* Integer column replication r of c-float pixels (c = 1: NCHW): output float
 * j of a row reads input float rep_src(j). */
static inline int32_t rep_src(size_t j, size_t c, size_t r) {
  return (int32_t)((j / (c * r)) * c + j % c);
}

/* The r TBL selectors that spread 4 input floats over 4r outputs (c divides
 * 4, so the 4 floats hold whole pixels). */
static void nr_rep_build(size_t c, size_t r, uint8x16_t *P) {
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

/* Replication by r in 1..MAX_REP: a copy (r = 1: ow == iw >= 4, the whole
 * row, the last vector overlapping), row_rep with r a compile-time constant
 * for the common factors, the others through the selectors; returns the
 * output floats done. */
UPS_AI size_t nr_row_rep(const float *row, size_t n, size_t c, size_t r, const uint8x16_t *P,
                         float *dst) {
  switch (r) {
    case 1: row_copy(row, n, dst); return n;
    case 2: return row_rep(row, n, c, 2, dst);
    case 3: return row_rep(row, n, c, 3, dst);
    case 4: return row_rep(row, n, c, 4, dst);
    case 8: return row_rep(row, n, c, 8, dst);
    default: return row_rep_tbl(row, n, r, P, dst);
  }
}

/* NHWC with 2 channels and integer column replication r (2..MAX_REP): each
 * 4 input floats (2 pixels) give r output vectors (row_rep with c = 2); when
 * iw is odd, the last pixel's 2r outputs are its pair repeated, the last
 * vector overlapping (at an even offset, so in phase). */
typedef struct nr_rep_prep {
  uint8x16_t P[MAX_REP]; /* replication: the TBL selectors */
} nr_rep_prep;

static inline int nr_nhwc_rep_ok(size_t c, size_t r, size_t rs) {
  (void)r, (void)rs;
  return c == 2;
}

static void nr_nhwc_rep_prepare(const ups_nearest_job *job, nr_rep_prep *pp) {
  nr_rep_build(2, job->x.rep, pp->P);
}

static void nr_nhwc_rep_run(const ups_nearest_job *job, const nr_rep_prep *pp,
                            const ups_range *rg) {
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
      const size_t done = nr_row_rep(row, rs, 2, r, P, dst);
      if (done < stride) {
        const float32x2_t px = vld1_f32(row + rs - 2);
        const float32x4_t v = vcombine_f32(px, px);
        for (size_t x = done; x < stride; x += 4)
          vst1q_f32(dst + (x + 4 <= stride ? x : stride - 4), v);
      }
    }
  }
}

/* Runs read the windows from the prep block. NHWC pixels with 4 or more
 * channels go 8 channels (two vectors, the bytes AVX2 moves per iteration) at
 * a time: llvm-mca-19 predicts 18 -> 32 bytes stored per cycle for a row pair
 * on Neoverse V1 (N1: 12 -> 13) against one vector at a time, the loop
 * overhead amortised (a static model, not a measurement). */
#define UPS_NR_COPY_WINDOWS 0
#define UPS_NR_ROWS_PAIRS 1
#include "../kernels/nearest_tpl.h"
