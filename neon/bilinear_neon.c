/* bilinear_neon.c — the AdvSIMD bilinear resize: kernels/bilinear_tpl.h
 * (every driver and path, described there) over the NEON shim, with what
 * only AdvSIMD knows of picking taps out of a row (no permute by lane index,
 * no gather, no masked load: TBL byte selectors, lane loads and partial
 * loads, simd_neon.h):
 * - on the fly: the taps i0 and min(i0+1, in-1) of 4 outputs span one
 *   4-float window (one load, partial for rows narrower than 4) -> 2 TBL;
 *   otherwise lane loads;
 * - per-call windows: the TBL selectors of the left and right taps in a
 *   window of 4 floats (mode 0, TBL of one register) or 8 (mode 1, two loads
 *   and TBL of two registers: down to 1/2), or the absolute indices (mode 2,
 *   lane loads);
 * - the half-pixel 2x edge lanes by EXT and INS. */
#include <arm_neon.h>

#include "../kernels/kernel.h"
#include "simd_neon.h"

/* The taps of 4 NCHW outputs whose left taps are i0[0..4), worked out on the
 * fly (inmask unused: ups_window4_load_neon loads a narrow row partially). */
UPS_AI void bl_taps(const float *row, size_t iw, const int32_t *i0, vmask inmask, float32x4_t *a,
                    float32x4_t *b) {
  (void)inmask;
  const int32x4_t id = vld1q_s32(i0);
  const int32x4_t id1 = vminq_s32(vaddq_s32(id, vdupq_n_s32(1)), vdupq_n_s32((int32_t)(iw - 1)));
  const int32_t base = ups_window4_base_neon(vminvq_s32(id), iw);
  const int32x4_t vb = vdupq_n_s32(base);
  const uint32x4_t d0 = vreinterpretq_u32_s32(vsubq_s32(id, vb));
  const uint32x4_t d1 = vreinterpretq_u32_s32(vsubq_s32(id1, vb));
  if (vmaxvq_u32(vorrq_u32(d0, d1)) < 4) {
    const float32x4_t v = ups_window4_load_neon(row, iw, base);
    *a = ups_tbl1_neon(v, ups_tbl_sel_neon(d0));
    *b = ups_tbl1_neon(v, ups_tbl_sel_neon(d1));
  } else {
    int32_t t1[4];
    vst1q_s32(t1, id1);
    *a = ups_gather4_neon(row, i0);
    *b = ups_gather4_neon(row, t1);
  }
}

/* The window of the 4 outputs whose left taps are i0[0..4): returns its mode
 * (ups_window_neon), sets *base and the selectors of the left (s0) and right
 * (s1) taps. */
typedef struct bl_wsel {
  ups_sel_neon s0, s1;
} bl_wsel;
static inline int bl_wsel_build(const int32_t *i0, size_t iw, int32_t *base, bl_wsel *s) {
  int32_t t[8];
  for (int l = 0; l < 4; l++) {
    t[l] = i0[l];
    t[4 + l] = t[l] + 1 < (int32_t)iw ? t[l] + 1 : (int32_t)iw - 1;
  }
  const int mode = ups_window_neon(t, 8, iw, base);
  s->s0 = ups_window_sel_neon(t, *base, mode);
  s->s1 = ups_window_sel_neon(t + 4, *base, mode);
  return mode;
}

/* The taps through a window. */
UPS_AI void bl_wsel_taps(const float *row, size_t iw, int mode, int32_t base, const bl_wsel *s,
                         vmask inmask, float32x4_t *a, float32x4_t *b) {
  (void)inmask;
  if (mode == 0) {
    const float32x4_t v = ups_window4_load_neon(row, iw, base);
    *a = ups_tbl1_neon(v, s->s0.b);
    *b = ups_tbl1_neon(v, s->s1.b);
  } else if (mode == 1) {
    const float32x4_t vl = vld1q_f32(row + base), vh = vld1q_f32(row + base + 4);
    *a = ups_tbl2_neon(vl, vh, s->s0.b);
    *b = ups_tbl2_neon(vl, vh, s->s1.b);
  } else {
    *a = ups_gather4_neon(row, s->s0.i);
    *b = ups_gather4_neon(row, s->s1.i);
  }
}

/* The half-pixel 2x edge lanes (bl_prev_lane's lane 0 is never used: a
 * rotation, one EXT). */
UPS_AI float32x4_t bl_prev_lane(float32x4_t b) { return vextq_f32(b, b, 3); }
UPS_AI float32x4_t bl_next_lane(float32x4_t b) {
  return vextq_f32(b, vdupq_laneq_f32(b, 3), 1);
}
UPS_AI float32x4_t bl_set_lane0(float32x4_t v, float32x4_t e) {
  return vcopyq_laneq_f32(v, 0, e, 0);
}

/* The half-pixel 2x edge blocks for 4-float pixels (NHWC, 4 channels): a
 * vector is one pixel. */
UPS_AI void bl_zip4(float32x4_t a, float32x4_t b, float32x4_t *lo, float32x4_t *hi) {
  *lo = a;
  *hi = b;
}
UPS_AI float32x4_t bl_prev_px4(float32x4_t b) { return b; } /* never used */
UPS_AI float32x4_t bl_next_px4(float32x4_t b) { return b; } /* the last pixel, clamped */
UPS_AI float32x4_t bl_set_px0(float32x4_t v, float32x4_t e) {
  (void)v;
  return e;
}
#include "../kernels/bilinear_tpl.h"
