/* simd_neon.h — the AArch64 AdvSIMD vector shim: what the shared driver and
 * micro-kernel templates (kernels/deconv_tpl.h, kernels/deconv_ukernels_tpl.h)
 * need of a vector ISA, and the lane helpers the NEON resize kernels share.
 * 4 lanes of f32, 32 registers, FMA by lane (fmla v.4s, v.4s, v.s[k]). */
#ifndef UPSIMD_SIMD_NEON_H
#define UPSIMD_SIMD_NEON_H

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#define UPS_V 4                    /* lanes */
#define UPS_ISA_FN(name) name##_neon /* names of the exported entries */

#define UPS_AI static inline __attribute__((always_inline))

typedef float32x4_t vf; /* UPS_V floats */
typedef float32x4_t vf4; /* 4 floats (blocks of 4 output channels) */
/* Lanes [lo, hi) of a masked load or store. AdvSIMD has no masked memory
 * access: the shim loads and stores only the lanes in range, so a tail never
 * touches memory past its last valid float. */
typedef struct vmask {
  int lo, hi;
} vmask;

/* Keeps a loaded vector in a register (the AVX2 shim needs this against
 * folded loads; on AArch64 FMLA has no memory operand, so it only pins the
 * order of loads). */
#define VF_KEEP(v) __asm__("" : "+w"(v))

UPS_AI vf vf_loadu(const float *p) { return vld1q_f32(p); }
UPS_AI vf vf_load(const float *p) { return vld1q_f32(p); }
UPS_AI void vf_storeu(float *p, vf v) { vst1q_f32(p, v); }
UPS_AI void vf_store(float *p, vf v) { vst1q_f32(p, v); }
UPS_AI vf vf_bcast(const float *p) { return vld1q_dup_f32(p); }
UPS_AI vf vf_set1(float x) { return vdupq_n_f32(x); }
UPS_AI vf vf_zero(void) { return vdupq_n_f32(0.0f); }
UPS_AI vf vf_add(vf a, vf b) { return vaddq_f32(a, b); }
UPS_AI vf vf_mul(vf a, vf b) { return vmulq_f32(a, b); }
UPS_AI vf vf_fma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); } /* a*b + c */

/* c + a * q[lane] (lane a constant once inlined). The micro-kernels use it
 * where 4 consecutive broadcast operands sit in memory: one 16-byte load
 * serves 4 FMAs instead of 4 broadcast loads. */
#define UPS_HAVE_FMA_LANE 1
UPS_AI vf vf_fma_lane(vf a, vf q, const int lane, vf c) {
  switch (lane) {
    case 0: return vfmaq_laneq_f32(c, a, q, 0);
    case 1: return vfmaq_laneq_f32(c, a, q, 1);
    case 2: return vfmaq_laneq_f32(c, a, q, 2);
    default: return vfmaq_laneq_f32(c, a, q, 3);
  }
}

/* The same with q of 2 floats (a 64-bit load: the GEMM weight pairs). */
typedef float32x2_t vf2;
UPS_AI vf2 vf2_loadu(const float *p) { return vld1_f32(p); }
UPS_AI vf vf_fma_lane2(vf a, vf2 q, const int lane, vf c) {
  return lane == 0 ? vfmaq_lane_f32(c, a, q, 0) : vfmaq_lane_f32(c, a, q, 1);
}

/* Lanes [0, n) (n <= 0: none, n >= 4: all). */
UPS_AI vmask vm_first(ptrdiff_t n) {
  const vmask m = {0, n < 0 ? 0 : n > UPS_V ? UPS_V : (int)n};
  return m;
}
/* Lanes [lo, hi). */
UPS_AI vmask vm_range(ptrdiff_t lo, ptrdiff_t hi) {
  vmask m = vm_first(hi);
  m.lo = lo < 0 ? 0 : lo > m.hi ? m.hi : (int)lo;
  return m;
}
/* Lanes outside the mask read as 0 and are never touched in memory. */
UPS_AI vf vf_maskload(const float *p, vmask m) {
  if (m.lo == 0) {
    switch (m.hi) {
      case 0: return vf_zero();
      case 1: return vld1q_lane_f32(p, vf_zero(), 0);
      case 2: return vcombine_f32(vld1_f32(p), vdup_n_f32(0.0f));
      case 3: return vcombine_f32(vld1_f32(p), vld1_lane_f32(p + 2, vdup_n_f32(0.0f), 0));
      default: return vld1q_f32(p);
    }
  }
  float t[UPS_V] = {0};
  for (int l = m.lo; l < m.hi; l++) t[l] = p[l];
  return vld1q_f32(t);
}
UPS_AI void vf_maskstore(float *p, vmask m, vf v) {
  if (m.lo == 0) {
    switch (m.hi) {
      case 0: return;
      case 1: vst1q_lane_f32(p, v, 0); return;
      case 2: vst1_f32(p, vget_low_f32(v)); return;
      case 3: vst1_f32(p, vget_low_f32(v)); vst1q_lane_f32(p + 2, v, 2); return;
      default: vst1q_f32(p, v); return;
    }
  }
  float t[UPS_V];
  vst1q_f32(t, v);
  for (int l = m.lo; l < m.hi; l++) p[l] = t[l];
}

/* Interleaves a and b: lo = a0 b0 a1 b1, hi = a2 b2 a3 b3. */
UPS_AI void vf_zip(vf a, vf b, vf *lo, vf *hi) {
  *lo = vzip1q_f32(a, b);
  *hi = vzip2q_f32(a, b);
}

UPS_AI float vf_hsum(vf v) { return vaddvq_f32(v); }

UPS_AI vf4 vf4_loadu(const float *p) { return vld1q_f32(p); }
UPS_AI void vf4_storeu(float *p, vf4 v) { vst1q_f32(p, v); }
UPS_AI vf4 vf4_bcast(const float *p) { return vld1q_dup_f32(p); }
UPS_AI vf4 vf4_fma(vf4 a, vf4 b, vf4 c) { return vfmaq_f32(c, a, b); }

/* ------------------------------------------------ resize lane helpers */

/* a + b with a as the first source operand, whatever the compiler would
 * pick. When both are NaN, FADD returns the first operand's NaN (FPCR.DN is
 * off), and GCC treats float addition as commutative, so with plain adds each
 * inlined copy of a loop may order them its own way: an output's NaN bits
 * would depend on which loop (row grouping) made it, and a work range cut
 * inside a grouping would differ from a whole run (avx2/simd_avx2.h has the
 * same for vaddps). */
UPS_AI float32x4_t vf_add_ordered(float32x4_t a, float32x4_t b) {
  float32x4_t r;
  __asm__("fadd %0.4s, %1.4s, %2.4s" : "=w"(r) : "w"(a), "w"(b));
  return r;
}

/* A TBL selector (byte indices) or, for a gather, the 4 absolute indices. */
typedef union ups_sel_neon {
  uint8x16_t b;
  int32_t i[4];
} ups_sel_neon;

/* The TBL byte indices that move float d[l] (d[l] < 8: one or two table
 * registers) to lane l: bytes 4d .. 4d+3 (no carries for d < 8). */
UPS_AI uint8x16_t ups_tbl_sel_neon(uint32x4_t d) {
  return vreinterpretq_u8_u32(vmlaq_n_u32(vdupq_n_u32(0x03020100u), d, 0x04040404u));
}
UPS_AI float32x4_t ups_tbl1_neon(float32x4_t v, uint8x16_t sel) {
  return vreinterpretq_f32_u8(vqtbl1q_u8(vreinterpretq_u8_f32(v), sel));
}
UPS_AI float32x4_t ups_tbl2_neon(float32x4_t lo, float32x4_t hi, uint8x16_t sel) {
  uint8x16x2_t t;
  t.val[0] = vreinterpretq_u8_f32(lo);
  t.val[1] = vreinterpretq_u8_f32(hi);
  return vreinterpretq_f32_u8(vqtbl2q_u8(t, sel));
}

/* 4 floats row[t[l]]: lane loads (AdvSIMD has no gather). */
UPS_AI float32x4_t ups_gather4_neon(const float *row, const int32_t *t) {
  float32x4_t v = vld1q_dup_f32(row + t[0]);
  v = vld1q_lane_f32(row + t[1], v, 1);
  v = vld1q_lane_f32(row + t[2], v, 2);
  return vld1q_lane_f32(row + t[3], v, 3);
}

/* The start of the 4-float window whose smallest index is lo, clamped inside
 * a row of iw floats (0 for rows narrower than 4). */
UPS_AI int32_t ups_window4_base_neon(int32_t lo, size_t iw) {
  if (iw < 4) return 0;
  return lo < (int32_t)(iw - 4) ? lo : (int32_t)(iw - 4);
}

/* The 4-float window at base (ups_window4_base_neon) of a row of iw floats:
 * a full load, or for rows narrower than 4 (base 0) the row's iw floats with
 * the other lanes 0, reading nothing past the row. Tested on iw, not on
 * iw - base, so the choice is the same for every window of a row and a loop
 * over them can be unswitched. */
UPS_AI float32x4_t ups_window4_load_neon(const float *row, size_t iw, int32_t base) {
  return iw >= 4 ? vld1q_f32(row + base) : vf_maskload(row, vm_first((ptrdiff_t)iw));
}

/* The window of a row of iw floats that holds the n indices t[] (all in
 * [0, iw)), starting at their smallest one, clamped inside the row: returns
 * 0 for 4 floats at *base (rows narrower than 4: base 0, a partial load),
 * 1 for 8 floats (iw >= 8; TBL of two registers), 2 for none (gather). */
static inline int ups_window_neon(const int32_t *t, int n, size_t iw, int32_t *base) {
  int32_t lo = t[0], hi = t[0];
  for (int i = 1; i < n; i++) {
    lo = t[i] < lo ? t[i] : lo;
    hi = t[i] > hi ? t[i] : hi;
  }
  int32_t b = ups_window4_base_neon(lo, iw);
  if (hi - b < 4) {
    *base = b;
    return 0;
  }
  if (iw >= 8) {
    b = lo < (int32_t)(iw - 8) ? lo : (int32_t)(iw - 8);
    if (hi - b < 8) {
      *base = b;
      return 1;
    }
  }
  *base = 0;
  return 2;
}

/* The selector of indices t[0..3] in a window at base (mode 0 or 1), or the
 * indices themselves (mode 2). */
static inline ups_sel_neon ups_window_sel_neon(const int32_t *t, int32_t base, int mode) {
  ups_sel_neon s;
  for (int l = 0; l < 4; l++) s.i[l] = mode == 2 ? t[l] : t[l] - base;
  if (mode != 2) s.b = ups_tbl_sel_neon(vreinterpretq_u32_s32(vld1q_s32(s.i)));
  return s;
}

/* The 4 floats a window (mode, base, selector) picks from a row of iw. */
UPS_AI float32x4_t ups_window_pick_neon(const float *row, size_t iw, int mode, int32_t base,
                                        const ups_sel_neon *s) {
  if (mode == 0) return ups_tbl1_neon(ups_window4_load_neon(row, iw, base), s->b);
  if (mode == 1) return ups_tbl2_neon(vld1q_f32(row + base), vld1q_f32(row + base + 4), s->b);
  return ups_gather4_neon(row, s->i);
}

#endif /* UPSIMD_SIMD_NEON_H */
