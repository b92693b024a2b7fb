/* bilinear_neon.c — AdvSIMD bilinear resize, NCHW and NHWC, every mode: the
 * paths of avx2/bilinear_avx2.c on 4 lanes.
 *
 * Arithmetic: exactly the reference's operations in its order,
 *   top = a*wx0 + b*wx1, bottom = c*wx0 + d*wx1, out = top*wy0 + bottom*wy1,
 * as separate IEEE multiplies and adds (FMUL, FADD; no FMLA: this file is
 * ISO C, -ffp-contract=off), so results are bit-identical to the scalar
 * reference, including where NaN/inf inputs make them non-finite. Every add
 * is ups_add_ordered_neon (simd_neon.h): the operand order, and so which NaN
 * an output carries, is the source's in every loop.
 *
 * NCHW (and NHWC with 2 or 3 channels): the horizontal pass of an input row
 * (top or bottom for every output column of a chunk of up to BUF floats) goes
 * to one of two cached buffers on the stack; each output row is then a flat
 * blend of the buffers of its two input rows, written sequentially. An input
 * row's pass is computed once per chunk however many output rows use it.
 * - half-pixel 2x along x (x.half_pixel_2x, rows of 5 or more inputs): 4
 *   inputs v and their right neighbours v1 give 8 outputs, odd = v*0.75 +
 *   v1*0.25, even = v*0.25 + v1*0.75, interleaved by ZIP1/ZIP2; edge columns
 *   by the windows below;
 * - anything else: per-call windows: for each 4 outputs the taps i0 and
 *   min(i0+1, in-1) span a window of 4 floats (upsampling, mild
 *   downsampling: one load + 2 TBL with selectors computed once per call) or
 *   8 floats (down to 1/2: two loads + 2 TBL of two registers); otherwise
 *   lane loads. Windows are clamped inside the row; rows narrower than 4 are
 *   loaded partially. Rows wider than a chunk work the windows out on the fly.
 * NCHW half-pixel 2x on both axes (rows of 5 to BUF/2 inputs):
 *   bilinear_nchw_hp2x_rows, the cached passes with a plain driver (three
 *   rotating buffers) and a pass of 3 multiplies per 8 outputs, made inside
 *   the blends; rows of 5 to 8 inputs (two vector blocks cover a row, as 9 to
 *   16 do for AVX2): bilinear_nchw_hp2x_narrow, two output rows at a time
 *   from passes made in registers (no cache).
 * NHWC with 4 or more channels, direct, in registers (the last channel vector
 * of a pixel overlaps; pixels written in order with all their channels):
 * - blocks of two runs of output rows that share an input row (rows reading
 *   (a0, a1), then rows reading (a1, b1)): the column passes of the three
 *   input rows are made once per pixel and channel vector, then each row of
 *   the block is one blend (3 column passes per 3 output rows at 1.5x instead
 *   of 4; the common block shapes are specialised so the row weights stay in
 *   registers: up to 16 of the 32);
 * - half-pixel 2x on both axes: constant weights, so products are shared:
 *   rows 2k+1 .. 2k+4 at once (row k+1's products serve both pairs) and
 *   columns in pairs (2j, 2j+1) sharing p_j*0.75.
 * Output: full vectors, the last one overlapping; rows shorter than 4 floats
 * use partial stores. Nothing outside the input is read, nothing outside the
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
#include <arm_neon.h>

#include "../kernels/kernel.h"
#include "simd_neon.h"

/* The reference, for the paths it is faster on (scalar/bilinear.c). */
void ups_bilinear_nchw_scalar(const ups_bilinear_job *job, const void *prep, const ups_range *r);

UPS_AI float32x4_t lerp(float32x4_t a, float32x4_t b, float32x4_t w0, float32x4_t w1) {
  return ups_add_ordered_neon(vmulq_f32(a, w0), vmulq_f32(b, w1));
}

enum { BUF = 2048 }; /* floats of one cached horizontal chunk */

/* Horizontal pass of 4 NCHW outputs whose left taps are i0[0..3], worked out
 * on the fly: one 4-float window + 2 TBL when the taps fit one, else lane
 * loads. */
static inline float32x4_t hpass4(const float *row, size_t iw, const int32_t *i0, float32x4_t w0,
                                 float32x4_t w1) {
  const int32x4_t id = vld1q_s32(i0);
  const int32x4_t id1 = vminq_s32(vaddq_s32(id, vdupq_n_s32(1)), vdupq_n_s32((int32_t)(iw - 1)));
  const int32_t base = ups_window4_base_neon(vminvq_s32(id), iw);
  const int32x4_t vb = vdupq_n_s32(base);
  const uint32x4_t d0 = vreinterpretq_u32_s32(vsubq_s32(id, vb));
  const uint32x4_t d1 = vreinterpretq_u32_s32(vsubq_s32(id1, vb));
  float32x4_t a, b;
  if (vmaxvq_u32(vorrq_u32(d0, d1)) < 4) {
    const float32x4_t v = ups_window4_load_neon(row, iw, base);
    a = ups_tbl1_neon(v, ups_tbl_sel_neon(d0));
    b = ups_tbl1_neon(v, ups_tbl_sel_neon(d1));
  } else {
    int32_t t1[4];
    vst1q_s32(t1, id1);
    a = ups_gather4_neon(row, i0);
    b = ups_gather4_neon(row, t1);
  }
  return lerp(a, b, w0, w1);
}

/* NCHW: buf[x - xa] for x in [xa, xb), xb - xa >= 4 (vectors end at xb). */
static void hrow_nchw_general(const ups_linear_axis *ax, const float *row, size_t xa, size_t xb,
                              float *buf) {
  const int32_t *i0 = ax->i0_32;
  for (size_t x = xa; x < xb; x += 4) {
    const size_t xv = x + 4 <= xb ? x : xb - 4;
    vst1q_f32(buf + (xv - xa),
              hpass4(row, ax->in, i0 + xv, vld1q_f32(ax->w0 + xv), vld1q_f32(ax->w1 + xv)));
  }
}

/* Per-call column windows of the NCHW horizontal pass (a row of at most one
 * chunk). For each output vector k (starting at min(4k, ow-4)) a mode (0: 4
 * floats at base, 1: 8 floats, 2: gather), base, and the selectors of the
 * left taps (s0) and right taps (s1) (simd_neon.h). */
enum { WIN_MAX = BUF / 4 + 1 };
typedef struct hwin {
  ups_sel_neon s0[WIN_MAX], s1[WIN_MAX];
  int32_t base[WIN_MAX];
  unsigned char mode[WIN_MAX];
} hwin;

static void hwin_build(const ups_linear_axis *ax, hwin *W) {
  const size_t iw = ax->in, ow = ax->out;
  const int32_t *i0 = ax->i0_32;
  for (size_t x = 0, k = 0; x < ow; x += 4, k++) {
    const size_t xv = x + 4 <= ow ? x : ow - 4;
    int32_t t[8];
    for (int l = 0; l < 4; l++) {
      t[l] = i0[xv + l];
      t[4 + l] = t[l] + 1 < (int32_t)iw ? t[l] + 1 : (int32_t)iw - 1;
    }
    int32_t base;
    const int mode = ups_window_neon(t, 8, iw, &base);
    W->mode[k] = (unsigned char)mode;
    W->base[k] = base;
    W->s0[k] = ups_window_sel_neon(t, base, mode);
    W->s1[k] = ups_window_sel_neon(t + 4, base, mode);
  }
}

/* The horizontal pass of output vector k through the windows. */
UPS_AI float32x4_t win_hpass(const float *row, size_t iw, const hwin *W, size_t k, float32x4_t w0,
                             float32x4_t w1) {
  const int32_t base = W->base[k];
  float32x4_t a, b;
  if (W->mode[k] == 0) {
    const float32x4_t v = ups_window4_load_neon(row, iw, base);
    a = ups_tbl1_neon(v, W->s0[k].b);
    b = ups_tbl1_neon(v, W->s1[k].b);
  } else if (W->mode[k] == 1) {
    const float32x4_t vl = vld1q_f32(row + base), vh = vld1q_f32(row + base + 4);
    a = ups_tbl2_neon(vl, vh, W->s0[k].b);
    b = ups_tbl2_neon(vl, vh, W->s1[k].b);
  } else {
    a = ups_gather4_neon(row, W->s0[k].i);
    b = ups_gather4_neon(row, W->s1[k].i);
  }
  return lerp(a, b, w0, w1);
}

/* NCHW, a whole row (ow >= 4, one chunk) through the windows, from column xa. */
static void hrow_nchw_win(const ups_linear_axis *ax, const float *row, const hwin *W, float *buf,
                          size_t xa) {
  const size_t iw = ax->in, ow = ax->out;
  for (size_t x = xa & ~(size_t)3, k = xa / 4; x < ow; x += 4, k++) {
    const size_t xv = x + 4 <= ow ? x : ow - 4;
    vst1q_f32(buf + xv,
              win_hpass(row, iw, W, k, vld1q_f32(ax->w0 + xv), vld1q_f32(ax->w1 + xv)));
  }
}

/* NCHW, whole row narrower than 4 outputs: buf[0, 4) (lanes >= out unused). */
static void hrow_nchw_narrow(const ups_linear_axis *ax, const float *row, float *buf) {
  const size_t ow = ax->out;
  int32_t t[4];
  float w0[4], w1[4];
  for (size_t i = 0; i < 4; i++) {
    const size_t j = i < ow ? i : ow - 1;
    t[i] = ax->i0_32[j];
    w0[i] = ax->w0[j];
    w1[i] = ax->w1[j];
  }
  vst1q_f32(buf, hpass4(row, ax->in, t, vld1q_f32(w0), vld1q_f32(w1)));
}

/* NCHW half-pixel 2x along x, whole row (iw >= 5, ow <= BUF). */
static void hrow_nchw_hp2x(const ups_linear_axis *ax, const float *row, const hwin *W,
                           float *buf) {
  const size_t iw = ax->in, ow = ax->out;
  const float32x4_t q1 = vdupq_n_f32(0.25f), q3 = vdupq_n_f32(0.75f);
  size_t k = 0;
  for (; k + 4 < iw; k += 4) {
    const float32x4_t a = vld1q_f32(row + k), b = vld1q_f32(row + k + 1);
    const float32x4_t od = lerp(a, b, q3, q1), ev = lerp(a, b, q1, q3);
    vst1q_f32(buf + 2 * k + 1, vzip1q_f32(od, ev));
    vst1q_f32(buf + 2 * k + 5, vzip2q_f32(od, ev));
  }
  /* Column 0 and the columns from 2k+1 on: the general windows (column 0's
   * vector rewrites columns 1..3 with the same bits). */
  const size_t kl = 2 * k + 1 < ow - 4 ? 2 * k + 1 : ow - 4;
  hrow_nchw_win(ax, row, W, buf, kl);
  vst1q_f32(buf, win_hpass(row, iw, W, 0, vld1q_f32(ax->w0), vld1q_f32(ax->w1)));
}

/* NHWC with 2 or 3 channels: pixels [xa, xb) of an input row into buf (c
 * floats per pixel). Full vectors where the load stays inside the input
 * (partial otherwise); the spill of each store lands on the next pixel
 * (written after it) or in the buffer's slack. */
static void hrow_nhwc(const ups_linear_axis *ax, const float *row, size_t c, size_t xa, size_t xb,
                      float *buf, const float *in_end, vmask cmask) {
  for (size_t x = xa; x < xb; x++) {
    const float *pa = row + ax->i0[x] * c, *pb = row + ax->i1[x] * c;
    const float32x4_t w0 = vld1q_dup_f32(ax->w0 + x), w1 = vld1q_dup_f32(ax->w1 + x);
    const float32x4_t va = pa + 4 <= in_end ? vld1q_f32(pa) : vf_maskload(pa, cmask);
    const float32x4_t vb = pb + 4 <= in_end ? vld1q_f32(pb) : vf_maskload(pb, cmask);
    vst1q_f32(buf + (x - xa) * c, lerp(va, vb, w0, w1));
  }
}

/* dst[0, L) = t*wy0 + b*wy1 (t and b hold at least 4 floats). */
static inline void blend_flat(const float *t, const float *b, const float *wy0, const float *wy1,
                              float *dst, size_t L) {
  const float32x4_t w0 = vld1q_dup_f32(wy0), w1 = vld1q_dup_f32(wy1);
  if (L < 4) {
    vf_maskstore(dst, vm_first((ptrdiff_t)L), lerp(vld1q_f32(t), vld1q_f32(b), w0, w1));
    return;
  }
  size_t i = 0;
  for (; i + 4 <= L; i += 4)
    vst1q_f32(dst + i, lerp(vld1q_f32(t + i), vld1q_f32(b + i), w0, w1));
  if (i < L) vst1q_f32(dst + L - 4, lerp(vld1q_f32(t + L - 4), vld1q_f32(b + L - 4), w0, w1));
}

/* NHWC, c >= 4, direct: output rows are taken in blocks of two runs, run A
 * reading input rows (a0, a1) and run B reading (a1, b1) (upsampling: the
 * next run shares a row), up to GMAX rows each. For each output pixel and
 * channel vector the column passes of the (up to) three input rows are made
 * once in registers, then every row of the block is one blend. Pixels are
 * written in order with all their channels (sequential store streams). */
enum { GMAX = 4 };

/* One block: ga rows at da from input rows r0, r1 and gb rows at db from r1,
 * r2, with row weights wa, wb. Inlined with constant ga, gb for the common
 * shapes (weights then stay in registers). */
UPS_AI void nhwc_block(const ups_linear_axis *ax, size_t c, size_t stride, const float *r0,
                       const float *r1, const float *r2, float *da, float *db,
                       const float (*wa)[2], const float (*wb)[2], size_t ga, size_t gb) {
  const size_t ow = ax->out;
  float32x4_t ya[GMAX][2], yb[GMAX][2];
  for (size_t r = 0; r < ga; r++) {
    ya[r][0] = vdupq_n_f32(wa[r][0]);
    ya[r][1] = vdupq_n_f32(wa[r][1]);
  }
  for (size_t r = 0; r < gb; r++) {
    yb[r][0] = vdupq_n_f32(wb[r][0]);
    yb[r][1] = vdupq_n_f32(wb[r][1]);
  }
  for (size_t x = 0; x < ow; x++) {
    const size_t o0 = ax->i0[x] * c, o1 = ax->i1[x] * c;
    const float32x4_t w0 = vld1q_dup_f32(ax->w0 + x), w1 = vld1q_dup_f32(ax->w1 + x);
    const size_t xo = x * c;
    for (size_t c0 = 0; c0 < c; c0 += 4) {
      const size_t ch = c0 + 4 <= c ? c0 : c - 4; /* last vector overlaps */
      const float32x4_t h0 = lerp(vld1q_f32(r0 + o0 + ch), vld1q_f32(r0 + o1 + ch), w0, w1);
      const float32x4_t h1 = lerp(vld1q_f32(r1 + o0 + ch), vld1q_f32(r1 + o1 + ch), w0, w1);
      for (size_t r = 0; r < ga; r++)
        vst1q_f32(da + r * stride + xo + ch, lerp(h0, h1, ya[r][0], ya[r][1]));
      if (gb) {
        const float32x4_t h2 = lerp(vld1q_f32(r2 + o0 + ch), vld1q_f32(r2 + o1 + ch), w0, w1);
        for (size_t r = 0; r < gb; r++)
          vst1q_f32(db + r * stride + xo + ch, lerp(h1, h2, yb[r][0], yb[r][1]));
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

/* NHWC half-pixel 2x on both axes, c >= 4: output rows 2k+1 and 2k+2 read
 * input rows k and k+1 (clamped) with weights 0.75/0.25 and 0.25/0.75 on both
 * axes, and so do columns. Two pairs of output rows (2k+1 .. 2k+4, input rows
 * k, k+1, k+2) are made at once, so the products of row k+1's column pass
 * serve both pairs; and columns go in pairs (2j, 2j+1), which share the
 * product p_j*0.75 (2j = p_j-1*0.25 + p_j*0.75, 2j+1 = p_j*0.75 + p_j+1*0.25).
 * Exactly the reference's products and sums (bit-identical). Row 0 and
 * column 0 (weights 1 and 0) use the tables. */

/* One output column of one or two row pairs (np = 1, 2): d[0..3] + off (d[1],
 * d[3] NULL: not written) from the column passes h0, h1 (and h2) of input
 * rows k, k+1 (and k+2); np = 0: only row 2k+2 (d[1]; a range starting
 * there). Row 2k+3 = h1*0.75 + h2*0.25 and 2k+4 = h1*0.25 + h2*0.75 are the
 * operations (and operand order) of rows 2k'+1, 2k'+2 of pair k' = k+1, so
 * the pairing does not change bits. */
UPS_AI void hp2x_vert(float32x4_t h0, float32x4_t h1, float32x4_t h2, int np, float *const *d,
                      size_t off) {
  const float32x4_t k1 = vdupq_n_f32(0.25f), k3 = vdupq_n_f32(0.75f);
  const float32x4_t b1 = vmulq_f32(h1, k1), b3 = vmulq_f32(h1, k3);
  if (np != 0) vst1q_f32(d[0] + off, ups_add_ordered_neon(vmulq_f32(h0, k3), b1));
  if (d[1]) vst1q_f32(d[1] + off, ups_add_ordered_neon(vmulq_f32(h0, k1), b3));
  if (np == 2) {
    vst1q_f32(d[2] + off, ups_add_ordered_neon(b3, vmulq_f32(h2, k1)));
    if (d[3]) vst1q_f32(d[3] + off, ups_add_ordered_neon(b1, vmulq_f32(h2, k3)));
  }
}

/* The column passes at output columns 2j and 2j+1 (j >= 1) of input row r,
 * channels at ch. */
UPS_AI void hp2x_hpair(const float *r, size_t c, size_t j, size_t jn, size_t ch, float32x4_t *h) {
  const float32x4_t k1 = vdupq_n_f32(0.25f), k3 = vdupq_n_f32(0.75f);
  const float32x4_t a = vmulq_f32(vld1q_f32(r + (j - 1) * c + ch), k1);
  const float32x4_t m = vmulq_f32(vld1q_f32(r + j * c + ch), k3);
  const float32x4_t e = vmulq_f32(vld1q_f32(r + jn * c + ch), k1);
  h[0] = ups_add_ordered_neon(a, m);
  h[1] = ups_add_ordered_neon(m, e);
}

/* The four outputs at offset o of full output rows d0..d3 (2k+1 .. 2k+4)
 * from the column passes h0, h1, h2 of input rows k .. k+2: hp2x_vert
 * without its per-vector row checks. */
UPS_AI void hp2x_quad_col(float32x4_t h0, float32x4_t h1, float32x4_t h2, float *d0, float *d1,
                          float *d2, float *d3, size_t o) {
  const float32x4_t k1 = vdupq_n_f32(0.25f), k3 = vdupq_n_f32(0.75f);
  const float32x4_t b1 = vmulq_f32(h1, k1), b3 = vmulq_f32(h1, k3);
  vst1q_f32(d0 + o, ups_add_ordered_neon(vmulq_f32(h0, k3), b1));
  vst1q_f32(d1 + o, ups_add_ordered_neon(vmulq_f32(h0, k1), b3));
  vst1q_f32(d2 + o, ups_add_ordered_neon(b3, vmulq_f32(h2, k1)));
  vst1q_f32(d3 + o, ups_add_ordered_neon(b1, vmulq_f32(h2, k3)));
}

/* Columns 2 .. 2*iw-3 of four full output rows (iw >= 3), the pointers in
 * locals and the passes in named registers (AVX2 measured this 10-14%
 * faster than the general loop when the tensors fit in L2). */
static void hp2x_quad_interior(const float *const *r, size_t c, size_t iw, float *const *d) {
  const float *r0 = r[0], *r1 = r[1], *r2 = r[2];
  float *d0 = d[0], *d1 = d[1], *d2 = d[2], *d3 = d[3];
  for (size_t j = 1; j + 1 < iw; j++) {
    for (size_t c0 = 0; c0 < c; c0 += 4) {
      const size_t ch = c0 + 4 <= c ? c0 : c - 4, o = 2 * j * c + ch;
      float32x4_t h0[2], h1[2], h2[2];
      hp2x_hpair(r0, c, j, j + 1, ch, h0);
      hp2x_hpair(r1, c, j, j + 1, ch, h1);
      hp2x_hpair(r2, c, j, j + 1, ch, h2);
      hp2x_quad_col(h0[0], h1[0], h2[0], d0, d1, d2, d3, o);
      hp2x_quad_col(h0[1], h1[1], h2[1], d0, d1, d2, d3, o + c);
    }
  }
}

UPS_AI void hp2x_rows(const ups_linear_axis *ax, const float *const *r, size_t c,
                      float *const *d, int np) {
  const size_t iw = ax->in;
  { /* Columns 0 (tables' weights) and 1 (p_0*0.75 + p_min(1,iw-1)*0.25). */
    const float32x4_t w0 = vld1q_dup_f32(ax->w0), w1 = vld1q_dup_f32(ax->w1);
    const float32x4_t v0 = vld1q_dup_f32(ax->w0 + 1), v1 = vld1q_dup_f32(ax->w1 + 1);
    const size_t o0 = ax->i0[0] * c, o1 = ax->i1[0] * c, p0 = ax->i0[1] * c, p1 = ax->i1[1] * c;
    for (size_t c0 = 0; c0 < c; c0 += 4) {
      const size_t ch = c0 + 4 <= c ? c0 : c - 4;
      float32x4_t h[3] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
      for (int i = 0; i < 2 + (np == 2); i++)
        h[i] = lerp(vld1q_f32(r[i] + o0 + ch), vld1q_f32(r[i] + o1 + ch), w0, w1);
      hp2x_vert(h[0], h[1], h[2], np, d, ch);
      for (int i = 0; i < 2 + (np == 2); i++)
        h[i] = lerp(vld1q_f32(r[i] + p0 + ch), vld1q_f32(r[i] + p1 + ch), v0, v1);
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
    for (size_t c0 = 0; c0 < c; c0 += 4) {
      const size_t ch = c0 + 4 <= c ? c0 : c - 4;
      float32x4_t h[3][2];
      hp2x_hpair(r[0], c, j, jn, ch, h[0]);
      hp2x_hpair(r[1], c, j, jn, ch, h[1]);
      if (np == 2)
        hp2x_hpair(r[2], c, j, jn, ch, h[2]);
      else
        h[2][0] = h[2][1] = vdupq_n_f32(0.0f);
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
  const float32x4_t y0 = vld1q_dup_f32(ay->w0), y1 = vld1q_dup_f32(ay->w1);
  for (size_t x = 0; x < ow; x++) {
    const size_t o0 = ax->i0[x] * c, o1 = ax->i1[x] * c;
    const float32x4_t w0 = vld1q_dup_f32(ax->w0 + x), w1 = vld1q_dup_f32(ax->w1 + x);
    for (size_t c0 = 0; c0 < c; c0 += 4) {
      const size_t ch = c0 + 4 <= c ? c0 : c - 4;
      const float32x4_t top = lerp(vld1q_f32(r0 + o0 + ch), vld1q_f32(r0 + o1 + ch), w0, w1);
      const float32x4_t bot = lerp(vld1q_f32(r1 + o0 + ch), vld1q_f32(r1 + o1 + ch), w0, w1);
      vst1q_f32(dst + x * c + ch, lerp(top, bot, y0, y1));
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

/* 8 half-pixel 2x passes from 4 inputs: a = p[m-1], b = p[m], c =
 * p[min(m+1, iw-1)] give h[2m] = a*0.25 + b*0.75, h[2m+1] = b*0.75 + c*0.25
 * (b*0.75 shared), interleaved to h[2m0 .. 2m0+8). */
UPS_AI void hp2x_8(float32x4_t a, float32x4_t b, float32x4_t c, float32x4_t *lo8,
                   float32x4_t *hi8) {
  const float32x4_t q1 = vdupq_n_f32(0.25f), q3 = vdupq_n_f32(0.75f);
  const float32x4_t m = vmulq_f32(b, q3);
  const float32x4_t ev = ups_add_ordered_neon(vmulq_f32(a, q1), m);
  const float32x4_t od = ups_add_ordered_neon(m, vmulq_f32(c, q1));
  *lo8 = vzip1q_f32(ev, od);
  *hi8 = vzip2q_f32(ev, od);
}

/* The 8 passes h[2j .. 2j+8) of a half-pixel 2x row (iw >= 5) at an edge
 * block, j == 0 or j == iw-4: the first block takes h[0] = p[0]*w0[0] +
 * p[1]*w1[0] from the tables (its left tap, lane 0 of a rotated load, is
 * never used), the last one its clamped right tap p[iw-1] by EXT. */
UPS_AI void hp2x_8_at(const ups_linear_axis *ax, const float *row, size_t j, float32x4_t *lo8,
                      float32x4_t *hi8) {
  if (j == 0) {
    const float32x4_t b = vld1q_f32(row), c = vld1q_f32(row + 1);
    hp2x_8(vextq_f32(b, b, 3), b, c, lo8, hi8);
    const float32x4_t e0 = ups_add_ordered_neon(vmulq_f32(b, vld1q_dup_f32(ax->w0)),
                                                vmulq_f32(c, vld1q_dup_f32(ax->w1)));
    *lo8 = vcopyq_laneq_f32(*lo8, 0, e0, 0);
  } else {
    const float32x4_t a = vld1q_f32(row + j - 1), b = vld1q_f32(row + j);
    hp2x_8(a, b, vextq_f32(b, vdupq_laneq_f32(b, 3), 1), lo8, hi8);
  }
}

/* The edge blocks of a half-pixel 2x row pass: outputs [0, 8) and
 * [ow-8, ow). */
UPS_AI void hp2x_edges(const ups_linear_axis *ax, const float *row, float *hn) {
  const size_t j = ax->in - 4;
  float32x4_t lo, hi;
  hp2x_8_at(ax, row, 0, &lo, &hi);
  vst1q_f32(hn, lo);
  vst1q_f32(hn + 4, hi);
  hp2x_8_at(ax, row, j, &lo, &hi);
  vst1q_f32(hn + 2 * j, lo);
  vst1q_f32(hn + 2 * j + 4, hi);
}

/* The interior 8-output blocks of a half-pixel 2x row pass: h[2j, 2j+8) for
 * j = 4, 8, .. while j+4 < iw (the loads stay inside the row); with
 * hp2x_edges they cover the row: jend >= iw-4. */
static inline size_t hp2x_jend(size_t iw) { return iw >= 9 ? 8 + 4 * ((iw - 9) / 4) : 4; }

UPS_AI void hp2x_block(const float *row, size_t j, float *hn) {
  float32x4_t lo, hi;
  hp2x_8(vld1q_f32(row + j - 1), vld1q_f32(row + j), vld1q_f32(row + j + 1), &lo, &hi);
  vst1q_f32(hn + 2 * j, lo);
  vst1q_f32(hn + 2 * j + 4, hi);
}

/* dst[0, ow) = t*wy0 + b*wy1 (ow = 2*iw >= 10) and, interleaved with it,
 * the interior blocks j in [ja, jb) of the pass of input row `row` into hn
 * (plus its edges when `edges`): the pass's work rides along the blend's
 * store stream instead of running between rows. */
static void blend_hp2x_part(const ups_linear_axis *ax, const float *t, const float *b,
                            const float *wy0, const float *wy1, float *dst, const float *row,
                            float *hn, size_t ja, size_t jb, int edges) {
  const size_t ow = ax->out;
  const float32x4_t w0 = vld1q_dup_f32(wy0), w1 = vld1q_dup_f32(wy1);
  size_t x = 0, j = ja;
  for (; x + 8 <= ow && j < jb; x += 8, j += 4) {
    vst1q_f32(dst + x, lerp(vld1q_f32(t + x), vld1q_f32(b + x), w0, w1));
    vst1q_f32(dst + x + 4, lerp(vld1q_f32(t + x + 4), vld1q_f32(b + x + 4), w0, w1));
    hp2x_block(row, j, hn);
  }
  for (; x + 4 <= ow; x += 4)
    vst1q_f32(dst + x, lerp(vld1q_f32(t + x), vld1q_f32(b + x), w0, w1));
  if (x < ow)
    vst1q_f32(dst + ow - 4, lerp(vld1q_f32(t + ow - 4), vld1q_f32(b + ow - 4), w0, w1));
  for (; j < jb; j += 4) hp2x_block(row, j, hn);
  if (edges) hp2x_edges(ax, row, hn);
}

/* A whole half-pixel 2x row pass (iw >= 5) into hn. */
static void hrow_hp2x_full(const ups_linear_axis *ax, const float *row, float *hn) {
  const size_t jend = hp2x_jend(ax->in);
  for (size_t j = 4; j < jend; j += 4) hp2x_block(row, j, hn);
  hp2x_edges(ax, row, hn);
}

/* NCHW half-pixel 2x on both axes (9 <= iw, ow <= BUF): cached passes like
 * bilinear_run, but with the row pattern known (row 0 from input rows
 * i0[0] = 0 and i1[0] = min(1, ih-1); rows 2k+1, 2k+2 from k and
 * min(k+1, ih-1)) the driver is a plain loop over three rotating buffers
 * (passes of rows k, k+1 and k+2): each input row's pass is made once, half
 * of it inside the blend of row 2k+1 and half inside that of row 2k+2, and
 * output rows are written one at a time, in order. The pass itself: 3 loads
 * (p[m-1], p[m], p[m+1]), 3 multiplies (p[m]*0.75 shared by outputs 2m and
 * 2m+1), 2 adds, 2 zips and 2 stores per 8 outputs, edges by rotated loads
 * (hp2x_edges).
 * A range starting at row 2k+1 or 2k+2 starts from the passes of rows k and
 * min(k+1, ih-1) (the buffers a whole run holds there); the next pass is
 * made inside the blends only while the next pair is in the range. */
static void bilinear_nchw_hp2x_rows(const ups_bilinear_job *job, const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, y1 = rng.y1;
  const size_t jend = hp2x_jend(iw), jmid = 4 + 4 * ((jend - 4) / 8);
  _Alignas(16) float hb[3][BUF + 16];
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
        blend_hp2x_part(ax, bk, bn, ay->w0 + ya, ay->w1 + ya, d0, nr, bs, 4, jmid, 0);
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
 * row dropped). Two blocks of 8 outputs (iw <= 8), the second one
 * overlapping. */
UPS_AI void hp2x_narrow_pair(const ups_linear_axis *ax, size_t iw, const float *rk, float *d1,
                             float *d2, int which) {
  const float32x4_t q1 = vdupq_n_f32(0.25f), q3 = vdupq_n_f32(0.75f);
  for (size_t j = 0;; j = iw - 4) {
    float32x4_t kl, kh, nl, nh;
    hp2x_8_at(ax, rk, j, &kl, &kh);
    hp2x_8_at(ax, rk + iw, j, &nl, &nh);
    if (which & 1) { /* h[k]*0.75 + h[k+1]*0.25 */
      vst1q_f32(d1 + 2 * j, lerp(kl, nl, q3, q1));
      vst1q_f32(d1 + 2 * j + 4, lerp(kh, nh, q3, q1));
    }
    if (which & 2) { /* h[k]*0.25 + h[k+1]*0.75 */
      vst1q_f32(d2 + 2 * j, lerp(kl, nl, q1, q3));
      vst1q_f32(d2 + 2 * j + 4, lerp(kh, nh, q1, q3));
    }
    if (j == iw - 4) break;
  }
}

/* NCHW half-pixel 2x on both axes with short rows (5 to 8 inputs): rows
 * 2k+1 and 2k+2 (k+1 < ih) from the passes of input rows k and k+1, made in
 * registers for each 8 outputs (none cached: two blocks cover a row, the
 * last one overlapping), row 2k+1 = h[k]*0.75 + h[k+1]*0.25 and row 2k+2 =
 * h[k]*0.25 + h[k+1]*0.75; rows 0 and oh-1 (table weights) by blend_flat of
 * cached passes. On such short rows the row driver is dominated by its
 * per-row setup (AVX2 measured the same structure 1.1-1.6x faster on rows of
 * two vector blocks). A range has rows 0 and oh-1 when it holds them, and
 * the pairs that meet it (a cut pair's row alone, by hp2x_narrow_pair). */
static void bilinear_nchw_hp2x_narrow(const ups_bilinear_job *job, const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out;
  const size_t y0 = rng.y0, y1 = rng.y1;
  _Alignas(16) float hb[2][2 * 8 + 4];
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
 * column. NHWC with 2 or 3 channels: planes n, c floats per column. Rows of
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
  const size_t cw = BUF / c; /* columns per chunk (c < 4 here) */
  const float *in_end = job->in + job->n * cpl * ih * iw * c;
  const vmask cmask = vm_first(c < 4 ? (ptrdiff_t)c : 4);
  const int hp2x = !nhwc && ax->half_pixel_2x && iw >= 5 && ow <= BUF;
  _Alignas(16) float hbuf[2][BUF + 16];
  /* W: the windows (NCHW rows of one chunk: no chunk shorter than 4 floats,
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
          if (xb >= ow || (ow - xb) * c < 4) xb = ow; /* no chunk shorter than 4 floats */
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
            else if (ow < 4)
              hrow_nchw_narrow(ax, row, buf);
            else if (hp2x)
              hrow_nchw_hp2x(ax, row, W, buf);
            else if (win)
              hrow_nchw_win(ax, row, W, buf, 0);
            else
              hrow_nchw_general(ax, row, xa, xb, buf);
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
  BILINEAR_HP2X_NARROW, /* half-pixel 2x both axes, rows of 5..8 inputs */
  BILINEAR_HP2X_ROWS,   /* half-pixel 2x both axes, rows of 9..BUF/2 inputs */
  BILINEAR_RUN,         /* the cached-pass driver, through the windows */
  BILINEAR_RUN_NOWIN    /* the cached-pass driver, windows on the fly */
} bilinear_path;

/* The per-call data of NCHW (and NHWC with one channel). */
typedef struct bilinear_prep {
  hwin W; /* BILINEAR_RUN only */
  bilinear_path path;
} bilinear_prep;
_Static_assert(sizeof(bilinear_prep) <= UPS_PREP_BYTES, "bilinear_prep exceeds UPS_PREP_BYTES");

size_t ups_bilinear_prep_bytes_neon(const ups_bilinear_job *job) {
  (void)job;
  return sizeof(bilinear_prep);
}

void ups_bilinear_nchw_prepare_neon(const ups_bilinear_job *job, void *prep) {
  bilinear_prep *pp = prep;
  const ups_linear_axis *ax = &job->x;
  /* Rows shrunk by more than 2: the taps are scattered beyond two vectors and
   * every output row needs its own two input rows; AVX2 measured the
   * reference's direct loop faster than gathered passes there. */
  if (!ax->i0_32 || ax->in > 2 * ax->out) {
    pp->path = BILINEAR_SCALAR;
  } else if (ax->half_pixel_2x && job->y.half_pixel_2x && ax->in >= 5 && ax->out <= BUF) {
    /* Half-pixel 2x on both axes: the cached passes with a driver specialised
     * for the 2x row pattern, one output row at a time; rows of two vector
     * blocks: two rows at a time from passes in registers. */
    pp->path = ax->in <= 8 ? BILINEAR_HP2X_NARROW : BILINEAR_HP2X_ROWS;
  } else if (ax->out >= 4 && ax->out < BUF + 4) {
    pp->path = BILINEAR_RUN;
    hwin_build(ax, &pp->W);
  } else {
    pp->path = BILINEAR_RUN_NOWIN;
  }
}

void ups_bilinear_nchw_neon(const ups_bilinear_job *job, const void *prep, const ups_range *rg) {
  const bilinear_prep *pp = prep;
  switch (pp->path) {
    case BILINEAR_SCALAR: ups_bilinear_nchw_scalar(job, NULL, rg); break;
    case BILINEAR_HP2X_NARROW: bilinear_nchw_hp2x_narrow(job, rg); break;
    case BILINEAR_HP2X_ROWS: bilinear_nchw_hp2x_rows(job, rg); break;
    /* One call site per layout, so GCC may clone bilinear_run for each. */
    case BILINEAR_RUN:
    case BILINEAR_RUN_NOWIN:
      bilinear_run(job, pp->path == BILINEAR_RUN ? &pp->W : NULL, rg, 0);
      break;
  }
}

void ups_bilinear_nhwc_prepare_neon(const ups_bilinear_job *job, void *prep) {
  if (job->c == 1) ups_bilinear_nchw_prepare_neon(job, prep); /* the other paths need none */
}

void ups_bilinear_nhwc_neon(const ups_bilinear_job *job, const void *prep, const ups_range *rg) {
  if (job->c == 1) { /* one channel: NCHW with n planes (the range's c unit is [0, 1)) */
    ups_bilinear_nchw_neon(job, prep, rg);
    return;
  }
  if (job->c >= 4 && job->x.half_pixel_2x && job->y.half_pixel_2x)
    bilinear_nhwc_hp2x(job, rg);
  else if (job->c >= 4)
    bilinear_nhwc_direct(job, rg);
  else
    bilinear_run(job, NULL, rg, 1);
}
