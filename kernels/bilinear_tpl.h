/* bilinear_tpl.h — the bilinear resize, NCHW and NHWC, every mode, written
 * once for every vector ISA: the drivers, the range loops, the pass cache and
 * its buffer rotation, the half-pixel 2x paths, the NHWC blocks and the path
 * choice. An ISA's bilinear source includes its shim (UPS_V lanes, vf_*,
 * vf_add_ordered), defines what only it knows of picking taps out of a row,
 * then includes this file, which defines UPS_ISA_FN(ups_bilinear_prep_bytes),
 * UPS_ISA_FN(ups_bilinear_nchw_prepare), UPS_ISA_FN(ups_bilinear_nchw),
 * UPS_ISA_FN(ups_bilinear_nhwc_prepare) and UPS_ISA_FN(ups_bilinear_nhwc):
 *
 *   bl_taps(row, iw, i0, inmask, &a, &b)  the taps row[i0[l]] and
 *       row[min(i0[l]+1, iw-1)] of UPS_V outputs, worked out on the fly;
 *   bl_wsel, bl_wsel_build(i0, iw, &base, &s) -> mode  the per-call window of
 *       UPS_V outputs: 0 one UPS_V-float window at base, 1 two (2*UPS_V
 *       floats), 2 none (gather); s what bl_wsel_taps needs to pick the taps;
 *   bl_wsel_taps(row, iw, mode, base, &s, inmask, &a, &b)  the taps through it;
 *   bl_prev_lane(b)   (?, b0, .., b[V-2]) (lane 0 is never used);
 *   bl_next_lane(b)   (b1, .., b[V-1], b[V-1]);
 *   bl_set_lane0(v, e)  v with lane 0 of e.
 * inmask (vm_first(min(iw, UPS_V))) is for rows narrower than UPS_V.
 *
 * Arithmetic (UPS_BL_FMA aside, see lerp): exactly the reference's operations in its order,
 *   top = a*wx0 + b*wx1, bottom = c*wx0 + d*wx1, out = top*wy0 + bottom*wy1,
 * as separate IEEE multiplies and adds (the ISA sources are ISO C:
 * -ffp-contract=off, and vf_mul/vf_add_ordered are not fused), so results are
 * bit-identical to the scalar reference, including where NaN/inf inputs make
 * them non-finite. Every add is vf_add_ordered (the shim): the operand order,
 * and so which NaN an output carries, is the source's in every loop.
 *
 * NCHW (and NHWC with fewer than UPS_V channels): the horizontal pass of an
 * input row (top or bottom for every output column of a chunk of up to BUF
 * floats) goes to one of two cached buffers on the stack; each output row is
 * then a flat blend of the buffers of its two input rows, written
 * sequentially. An input row's pass is computed once per chunk however many
 * output rows use it (4 times in 2x). Rows are written one at a time:
 * interleaving the stores of two rows measured up to 3x slower (AVX2).
 * - half-pixel 2x (x.half_pixel_2x): V inputs v and their right neighbours v1
 *   give 2V outputs, odd = v*0.75 + v1*0.25, even = v*0.25 + v1*0.75,
 *   interleaved by vf_zip; edge columns by the windows below;
 * - anything else: per-call windows: for each V outputs the taps i0 and
 *   min(i0+1, in-1) span a window of V floats (upsampling, mild
 *   downsampling: one load + 2 permutes with indices computed once per call)
 *   or 2V (down to 1/2); otherwise gathers. Windows are clamped inside the
 *   row; rows narrower than V are loaded masked (nothing past the row is
 *   read). Rows wider than a chunk work the windows out on the fly.
 * NCHW half-pixel 2x on both axes (rows of V+1 to BUF/2 inputs):
 *   bilinear_nchw_hp2x_rows, the cached passes with a plain driver (three
 *   rotating buffers) and a pass of 3 multiplies per 2V outputs, made inside
 *   the blends; rows of V to 2V inputs: bilinear_nchw_hp2x_narrow, two
 *   output rows at a time from passes made in registers (no cache). Rows of
 *   V to PAIRS_NB*V inputs take hp2x_short_pairs before either (prepare):
 *   each input row's pass made once into registers and carried to the next
 *   row pair (with its products by 0.25 and 0.75 where no FMA fuses them);
 *   NHWC with 4 channels runs the same loop on rows of 4-float pixels.
 * NHWC with V or more channels, direct, in registers (the last channel vector
 * of a pixel overlaps; pixels written in order with all their channels):
 * - blocks of two runs of output rows that share an input row (rows reading
 *   (a0, a1), then rows reading (a1, b1)): the column passes of the three
 *   input rows are made once per pixel and channel vector, then each row of
 *   the block is one blend (1.5x: 3 column passes per 3 output rows instead
 *   of 4; the common block shapes are specialised so the row weights stay in
 *   registers);
 * - half-pixel 2x on both axes: constant weights, so products are shared:
 *   rows 2k+1 .. 2k+4 at once (row k+1's products serve both pairs) and
 *   columns in pairs (2j, 2j+1) sharing p_j*0.75.
 * Caching column passes (as NCHW does) measured slower for NHWC (AVX2): a
 * pass row is c times longer than an NCHW one, and column strips that would
 * fit the stack break the sequential store streams (up to 2x slower at
 * 1x64x128x128). Output: full vectors, the last one overlapping; rows
 * shorter than V floats use masked stores. Nothing outside the input is
 * read, nothing outside the output (and the run's range) written.
 * The measurements quoted in this file were taken on AVX2 (Zen 4/5).
 *
 * Work ranges (kernel.h): the NCHW windows are built once per call by
 * prepare (a bilinear_prep); a run computes one range and only reads it.
 * Every output value is a fixed function of its two input rows' column
 * passes and its row weights, whichever rows a loop groups: a pass is
 * recomputed where a range starts (never taken from another range), and the
 * row groupings (cached-pass runs, 2x row pairs, NHWC blocks) are cut at the
 * range's ends, a cut pair's row computed alone by the same operations in the
 * same order. So any tiling writes the bits of one whole run. */
#ifndef UPSIMD_BILINEAR_TPL_H
#define UPSIMD_BILINEAR_TPL_H

/* The reference, for the paths it is faster on (scalar/bilinear.c). */
void ups_bilinear_nchw_scalar(const ups_bilinear_job *job, const void *prep, const ups_range *r);

/* The small helpers below: inlined always (UPS_AI) unless the ISA says
 * otherwise. AVX2 leaves them to GCC (static inline), which inlines them all
 * anyway: forcing them reshuffled its hot NHWC loops (its measured code is
 * kept as it was); the NEON helpers were written forced. */
#ifndef UPS_BL_INLINE
#define UPS_BL_INLINE UPS_AI
#endif

/* a*w0 + b*w1: two rounded products and a sum, or with UPS_BL_FMA (the shim
 * has vf_fma_ordered(a, w, c) = a*w + c, operand order fixed like
 * vf_add_ordered) one product fused into the sum: one operation fewer, within
 * the contract's bound, no longer bit-identical to the reference. */
UPS_BL_INLINE vf lerp(vf a, vf b, vf w0, vf w1) {
#ifdef UPS_BL_FMA
  return vf_fma_ordered(a, w0, vf_mul(b, w1));
#else
  return vf_add_ordered(vf_mul(a, w0), vf_mul(b, w1));
#endif
}

enum { BUF = 2048 }; /* floats of one cached horizontal chunk */

/* Horizontal pass of UPS_V NCHW outputs whose left taps are i0[0..V). */
static inline vf hpass(const float *row, size_t iw, const int32_t *i0, vf w0, vf w1, vmask inmask) {
  vf a, b;
  bl_taps(row, iw, i0, inmask, &a, &b);
  return lerp(a, b, w0, w1);
}

/* NCHW: buf[x - xa] for x in [xa, xb), xb - xa >= V (vectors end at xb). */
static void hrow_nchw_general(const ups_linear_axis *ax, const float *row, size_t xa, size_t xb,
                              float *buf, vmask inmask) {
  const int32_t *i0 = ax->i0_32;
  for (size_t x = xa; x < xb; x += UPS_V) {
    const size_t xv = x + UPS_V <= xb ? x : xb - UPS_V;
    vf_storeu(buf + (xv - xa),
              hpass(row, ax->in, i0 + xv, vf_loadu(ax->w0 + xv), vf_loadu(ax->w1 + xv), inmask));
  }
}

/* Per-call column windows of the NCHW horizontal pass (a row of at most one
 * chunk): for each output vector k (starting at min(Vk, ow-V)) a mode, a
 * load offset and the ISA's selection (bl_wsel_build). */
enum { WIN_MAX = BUF / UPS_V + 2 };
typedef struct hwin {
  bl_wsel s[WIN_MAX];
  int32_t base[WIN_MAX];
  unsigned char mode[WIN_MAX];
} hwin;

static void hwin_build(const ups_linear_axis *ax, hwin *W) {
  const size_t iw = ax->in, ow = ax->out;
  const int32_t *i0 = ax->i0_32;
  for (size_t x = 0, k = 0; x < ow; x += UPS_V, k++) {
    const size_t xv = x + UPS_V <= ow ? x : ow - UPS_V;
    W->mode[k] = (unsigned char)bl_wsel_build(i0 + xv, iw, &W->base[k], &W->s[k]);
  }
}

/* The horizontal pass of output vector k through the windows. */
UPS_BL_INLINE vf win_hpass(const float *row, size_t iw, const hwin *W, size_t k, vf w0, vf w1,
                           vmask inmask) {
  vf a, b;
  bl_wsel_taps(row, iw, W->mode[k], W->base[k], &W->s[k], inmask, &a, &b);
  return lerp(a, b, w0, w1);
}

/* NCHW, a whole row (ow >= V, one chunk) through the windows, from column xa. */
static void hrow_nchw_win(const ups_linear_axis *ax, const float *row, const hwin *W, float *buf,
                          vmask inmask, size_t xa) {
  const size_t iw = ax->in, ow = ax->out;
  for (size_t x = xa & ~(size_t)(UPS_V - 1), k = xa / UPS_V; x < ow; x += UPS_V, k++) {
    const size_t xv = x + UPS_V <= ow ? x : ow - UPS_V;
    vf_storeu(buf + xv,
              win_hpass(row, iw, W, k, vf_loadu(ax->w0 + xv), vf_loadu(ax->w1 + xv), inmask));
  }
}

/* NCHW, whole row narrower than V outputs: buf[0, V) (lanes >= out unused). */
static void hrow_nchw_narrow(const ups_linear_axis *ax, const float *row, float *buf,
                             vmask inmask) {
  const size_t ow = ax->out;
  int32_t t[UPS_V];
  float w0[UPS_V], w1[UPS_V];
  for (size_t i = 0; i < UPS_V; i++) {
    const size_t j = i < ow ? i : ow - 1;
    t[i] = ax->i0_32[j];
    w0[i] = ax->w0[j];
    w1[i] = ax->w1[j];
  }
  vf_storeu(buf, hpass(row, ax->in, t, vf_loadu(w0), vf_loadu(w1), inmask));
}

/* NCHW through the windows: only the first output vector. */
static void hrow_nchw_win1(const ups_linear_axis *ax, const float *row, const hwin *W, float *buf,
                           vmask inmask) {
  vf_storeu(buf, win_hpass(row, ax->in, W, 0, vf_loadu(ax->w0), vf_loadu(ax->w1), inmask));
}

/* NCHW half-pixel 2x along x, whole row (iw >= V+1, ow <= BUF). */
static void hrow_nchw_hp2x(const ups_linear_axis *ax, const float *row, const hwin *W, float *buf,
                           vmask inmask) {
  const size_t iw = ax->in, ow = ax->out;
  const vf q1 = vf_set1(0.25f), q3 = vf_set1(0.75f);
  size_t k = 0;
  for (; k + UPS_V < iw; k += UPS_V) {
    const vf a = vf_loadu(row + k), b = vf_loadu(row + k + 1);
    const vf od = lerp(a, b, q3, q1), ev = lerp(a, b, q1, q3);
    vf lo, hi;
    vf_zip(od, ev, &lo, &hi);
    vf_storeu(buf + 2 * k + 1, lo);
    vf_storeu(buf + 2 * k + 1 + UPS_V, hi);
  }
  /* Column 0 and the columns from 2k+1 on: the general windows (column 0's
   * vector rewrites columns 1..V-1 with the same bits). */
  const size_t kl = 2 * k + 1 < ow - UPS_V ? 2 * k + 1 : ow - UPS_V;
  hrow_nchw_win(ax, row, W, buf, inmask, kl);
  hrow_nchw_win1(ax, row, W, buf, inmask);
}

#if UPS_HAVE_VF4_ARITH
/* lerp on 4 floats: the same operations lane by lane, so the same bits. */
UPS_BL_INLINE vf4 lerp4(vf4 a, vf4 b, vf4 w0, vf4 w1) {
#ifdef UPS_BL_FMA
  return vf4_fma_ordered(a, w0, vf4_mul(b, w1));
#else
  return vf4_add_ordered(vf4_mul(a, w0), vf4_mul(b, w1));
#endif
}
#endif

/* NHWC with 2..V-1 channels: pixels [xa, xb) of an input row into buf (c
 * floats per pixel). Full vectors where the load stays inside the input
 * (masked otherwise); the spill of each store lands on the next pixel (written
 * after it) or in the buffer's slack. */
static void hrow_nhwc(const ups_linear_axis *ax, const float *row, size_t c, size_t xa, size_t xb,
                      float *buf, const float *in_end, vmask cmask) {
#if UPS_HAVE_VF4_ARITH
  if (c == 4) { /* 4-float pixels: exact loads and stores (a full vector per
                   pixel measured 1.2-1.35x slower at 1x4x16x16 -> 32x32: 4
                   useful lanes, most stores across a cache line) */
    for (size_t x = xa; x < xb; x++) {
      const vf4 va = vf4_loadu(row + ax->i0[x] * 4), vb = vf4_loadu(row + ax->i1[x] * 4);
      vf4_storeu(buf + (x - xa) * 4, lerp4(va, vb, vf4_bcast(ax->w0 + x), vf4_bcast(ax->w1 + x)));
    }
    return;
  }
#endif
  for (size_t x = xa; x < xb; x++) {
    const float *pa = row + ax->i0[x] * c, *pb = row + ax->i1[x] * c;
    const vf w0 = vf_bcast(ax->w0 + x), w1 = vf_bcast(ax->w1 + x);
    const vf va = pa + UPS_V <= in_end ? vf_loadu(pa) : vf_maskload(pa, cmask);
    const vf vb = pb + UPS_V <= in_end ? vf_loadu(pb) : vf_maskload(pb, cmask);
    vf_storeu(buf + (x - xa) * c, lerp(va, vb, w0, w1));
  }
}

/* dst[0, L) = t*wy0 + b*wy1 (t and b hold at least V floats). */
static inline void blend_flat(const float *t, const float *b, const float *wy0, const float *wy1,
                              float *dst, size_t L) {
  const vf w0 = vf_bcast(wy0), w1 = vf_bcast(wy1);
  if (L < UPS_V) {
    vf_maskstore(dst, vm_first((ptrdiff_t)L), lerp(vf_loadu(t), vf_loadu(b), w0, w1));
    return;
  }
  size_t i = 0;
  for (; i + UPS_V <= L; i += UPS_V)
    vf_storeu(dst + i, lerp(vf_loadu(t + i), vf_loadu(b + i), w0, w1));
  if (i < L)
    vf_storeu(dst + L - UPS_V, lerp(vf_loadu(t + L - UPS_V), vf_loadu(b + L - UPS_V), w0, w1));
}

/* NHWC, c >= V, direct: output rows are taken in blocks of two runs, run A
 * reading input rows (a0, a1) and run B reading (a1, b1) (upsampling: the
 * next run shares a row), up to GMAX rows each. For each output pixel and
 * channel vector the column passes of the (up to) three input rows are made
 * once in registers, then every row of the block is one blend: 3 column
 * passes per 3 output rows at 1.5x instead of 4. Pixels are written in order
 * with all their channels (sequential store streams). Measured faster than
 * caching column passes, whose NHWC rows are c times longer than NCHW ones. */
enum { GMAX = 4 };

/* One block: ga rows at da from input rows r0, r1 and gb rows at db from r1,
 * r2, with row weights wa, wb. Inlined with constant ga, gb for the common
 * shapes (weights then stay in registers). */
UPS_BL_INLINE void nhwc_block(const ups_linear_axis *ax, size_t c, size_t stride, const float *r0,
                              const float *r1, const float *r2, float *da, float *db,
                              const float (*wa)[2], const float (*wb)[2], size_t ga, size_t gb) {
  const size_t ow = ax->out;
  vf ya[GMAX][2], yb[GMAX][2];
  for (size_t r = 0; r < ga; r++) {
    ya[r][0] = vf_set1(wa[r][0]);
    ya[r][1] = vf_set1(wa[r][1]);
  }
  for (size_t r = 0; r < gb; r++) {
    yb[r][0] = vf_set1(wb[r][0]);
    yb[r][1] = vf_set1(wb[r][1]);
  }
  for (size_t x = 0; x < ow; x++) {
    const size_t o0 = ax->i0[x] * c, o1 = ax->i1[x] * c;
    const vf w0 = vf_bcast(ax->w0 + x), w1 = vf_bcast(ax->w1 + x);
    const size_t xo = x * c;
    for (size_t c0 = 0; c0 < c; c0 += UPS_V) {
      const size_t ch = c0 + UPS_V <= c ? c0 : c - UPS_V; /* last vector overlaps */
      const vf h0 = lerp(vf_loadu(r0 + o0 + ch), vf_loadu(r0 + o1 + ch), w0, w1);
      const vf h1 = lerp(vf_loadu(r1 + o0 + ch), vf_loadu(r1 + o1 + ch), w0, w1);
      for (size_t r = 0; r < ga; r++)
        vf_storeu(da + r * stride + xo + ch, lerp(h0, h1, ya[r][0], ya[r][1]));
      if (gb) {
        const vf h2 = lerp(vf_loadu(r2 + o0 + ch), vf_loadu(r2 + o1 + ch), w0, w1);
        for (size_t r = 0; r < gb; r++)
          vf_storeu(db + r * stride + xo + ch, lerp(h1, h2, yb[r][0], yb[r][1]));
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

/* NHWC half-pixel 2x on both axes, c >= V: output rows 2k+1 and 2k+2 read
 * input rows k and k+1 (clamped) with weights 0.75/0.25 and 0.25/0.75 on both
 * axes, and so do columns. Two pairs of output rows (2k+1 .. 2k+4, input rows
 * k, k+1, k+2) are made at once, so the products of row k+1's column pass
 * serve both pairs; and columns go in pairs (2j, 2j+1), which share the
 * product p_j*0.75 (2j = p_j-1*0.25 + p_j*0.75, 2j+1 = p_j*0.75 + p_j+1*0.25).
 * Per 4 output vectors 10.5 multiplies instead of 16. Pixels are written in
 * order with all their channels (sequential store streams measured faster
 * than channel-blocked ones). Exactly the reference's products and sums
 * (bit-identical). Row 0 and column 0 (weights 1 and 0) use the tables. */

/* One output column of one or two row pairs (np = 1, 2): d[0..3] + off (d[1],
 * d[3] NULL: not written) from the column passes h0, h1 (and h2) of input
 * rows k, k+1 (and k+2); np = 0: only row 2k+2 (d[1]; a range starting
 * there). Row 2k+3 = h1*0.75 + h2*0.25 and 2k+4 = h1*0.25 + h2*0.75 are the
 * operations (and operand order) of rows 2k'+1, 2k'+2 of pair k' = k+1, so
 * the pairing does not change bits. */
UPS_BL_INLINE void hp2x_vert(vf h0, vf h1, vf h2, int np, float *const *d, size_t off) {
  const vf k1 = vf_set1(0.25f), k3 = vf_set1(0.75f);
  const vf b1 = vf_mul(h1, k1), b3 = vf_mul(h1, k3);
  if (np != 0) vf_storeu(d[0] + off, vf_add_ordered(vf_mul(h0, k3), b1));
  if (d[1]) vf_storeu(d[1] + off, vf_add_ordered(vf_mul(h0, k1), b3));
  if (np == 2) {
    vf_storeu(d[2] + off, vf_add_ordered(b3, vf_mul(h2, k1)));
    if (d[3]) vf_storeu(d[3] + off, vf_add_ordered(b1, vf_mul(h2, k3)));
  }
}

/* The column passes at output columns 2j and 2j+1 (j >= 1) of input row r,
 * channels at ch. */
UPS_BL_INLINE void hp2x_hpair(const float *r, size_t c, size_t j, size_t jn, size_t ch, vf *h) {
  const vf k1 = vf_set1(0.25f), k3 = vf_set1(0.75f);
  const vf a = vf_mul(vf_loadu(r + (j - 1) * c + ch), k1);
  const vf m = vf_mul(vf_loadu(r + j * c + ch), k3);
  const vf e = vf_mul(vf_loadu(r + jn * c + ch), k1);
  h[0] = vf_add_ordered(a, m);
  h[1] = vf_add_ordered(m, e);
}

/* The four outputs at offset o of full output rows d0..d3 (2k+1 .. 2k+4)
 * from the column passes h0, h1, h2 of input rows k .. k+2: hp2x_vert
 * without its per-vector row checks. */
UPS_BL_INLINE void hp2x_quad_col(vf h0, vf h1, vf h2, float *d0, float *d1, float *d2, float *d3,
                                 size_t o) {
  const vf k1 = vf_set1(0.25f), k3 = vf_set1(0.75f);
  const vf b1 = vf_mul(h1, k1), b3 = vf_mul(h1, k3);
  vf_storeu(d0 + o, vf_add_ordered(vf_mul(h0, k3), b1));
  vf_storeu(d1 + o, vf_add_ordered(vf_mul(h0, k1), b3));
  vf_storeu(d2 + o, vf_add_ordered(b3, vf_mul(h2, k1)));
  vf_storeu(d3 + o, vf_add_ordered(b1, vf_mul(h2, k3)));
}

/* Columns 2 .. 2*iw-3 of four full output rows (iw >= 3), the pointers in
 * locals and the passes in named registers: measured 10-14% faster than
 * the general loop when the tensors fit in L2 (1x64x32x32 -> 64x64: 15.3 ->
 * 13.8 us; 1x12x32x32: 4.3 -> 3.7 us) and the same at 1x64x128x128 ->
 * 256x256, which the memory system bounds. */
static void hp2x_quad_interior(const float *const *r, size_t c, size_t iw, float *const *d) {
  const float *r0 = r[0], *r1 = r[1], *r2 = r[2];
  float *d0 = d[0], *d1 = d[1], *d2 = d[2], *d3 = d[3];
  for (size_t j = 1; j + 1 < iw; j++) {
    for (size_t c0 = 0; c0 < c; c0 += UPS_V) {
      const size_t ch = c0 + UPS_V <= c ? c0 : c - UPS_V, o = 2 * j * c + ch;
      vf h0[2], h1[2], h2[2];
      hp2x_hpair(r0, c, j, j + 1, ch, h0);
      hp2x_hpair(r1, c, j, j + 1, ch, h1);
      hp2x_hpair(r2, c, j, j + 1, ch, h2);
      hp2x_quad_col(h0[0], h1[0], h2[0], d0, d1, d2, d3, o);
      hp2x_quad_col(h0[1], h1[1], h2[1], d0, d1, d2, d3, o + c);
    }
  }
}

UPS_BL_INLINE void hp2x_rows(const ups_linear_axis *ax, const float *const *r, size_t c,
                             float *const *d, int np) {
  const size_t iw = ax->in;
  { /* Columns 0 (tables' weights) and 1 (p_0*0.75 + p_min(1,iw-1)*0.25). */
    const vf w0 = vf_bcast(ax->w0), w1 = vf_bcast(ax->w1);
    const vf v0 = vf_bcast(ax->w0 + 1), v1 = vf_bcast(ax->w1 + 1);
    const size_t o0 = ax->i0[0] * c, o1 = ax->i1[0] * c, p0 = ax->i0[1] * c, p1 = ax->i1[1] * c;
    for (size_t c0 = 0; c0 < c; c0 += UPS_V) {
      const size_t ch = c0 + UPS_V <= c ? c0 : c - UPS_V;
      vf h[3] = {vf_zero(), vf_zero(), vf_zero()};
      for (int i = 0; i < 2 + (np == 2); i++)
        h[i] = lerp(vf_loadu(r[i] + o0 + ch), vf_loadu(r[i] + o1 + ch), w0, w1);
      hp2x_vert(h[0], h[1], h[2], np, d, ch);
      for (int i = 0; i < 2 + (np == 2); i++)
        h[i] = lerp(vf_loadu(r[i] + p0 + ch), vf_loadu(r[i] + p1 + ch), v0, v1);
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
    for (size_t c0 = 0; c0 < c; c0 += UPS_V) {
      const size_t ch = c0 + UPS_V <= c ? c0 : c - UPS_V;
      vf h[3][2];
      hp2x_hpair(r[0], c, j, jn, ch, h[0]);
      hp2x_hpair(r[1], c, j, jn, ch, h[1]);
      if (np == 2)
        hp2x_hpair(r[2], c, j, jn, ch, h[2]);
      else
        h[2][0] = h[2][1] = vf_zero();
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
  const vf y0 = vf_bcast(ay->w0), y1 = vf_bcast(ay->w1);
  for (size_t x = 0; x < ow; x++) {
    const size_t o0 = ax->i0[x] * c, o1 = ax->i1[x] * c;
    const vf w0 = vf_bcast(ax->w0 + x), w1 = vf_bcast(ax->w1 + x);
    for (size_t c0 = 0; c0 < c; c0 += UPS_V) {
      const size_t ch = c0 + UPS_V <= c ? c0 : c - UPS_V;
      const vf top = lerp(vf_loadu(r0 + o0 + ch), vf_loadu(r0 + o1 + ch), w0, w1);
      const vf bot = lerp(vf_loadu(r1 + o0 + ch), vf_loadu(r1 + o1 + ch), w0, w1);
      vf_storeu(dst + x * c + ch, lerp(top, bot, y0, y1));
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

/* 2V half-pixel 2x passes from V inputs: a = p[m-1], b = p[m], c =
 * p[min(m+1, iw-1)] give h[2m] = a*0.25 + b*0.75, h[2m+1] = b*0.75 + c*0.25
 * (b*0.75 shared), interleaved to h[2m0 .. 2m0+2V). */
UPS_BL_INLINE void hp2x_2v(vf a, vf b, vf c, vf *lo, vf *hi) {
  const vf q1 = vf_set1(0.25f), q3 = vf_set1(0.75f);
  const vf m = vf_mul(b, q3);
  const vf ev = vf_add_ordered(vf_mul(a, q1), m);
  const vf od = vf_add_ordered(m, vf_mul(c, q1));
  vf_zip(ev, od, lo, hi);
}

/* The 2V passes h[2j .. 2j+2V) of a half-pixel 2x row (iw >= V; iw == V: one block) at an
 * input block j with j == 0, j+V < iw, or j == iw-V: the first block takes
 * h[0] = p[0]*w0[0] + p[1]*w1[0] from the tables (its left tap, lane 0 of
 * bl_prev_lane, is never used), the last one its clamped right tap p[iw-1]
 * by bl_next_lane. */
UPS_BL_INLINE void hp2x_2v_at(const ups_linear_axis *ax, const float *row, size_t j, vf *lo,
                              vf *hi) {
  if (j == 0) {
    const vf b = vf_loadu(row);
    const vf c = ax->in > UPS_V ? vf_loadu(row + 1) : bl_next_lane(b); /* iw == V: b is all */
    hp2x_2v(bl_prev_lane(b), b, c, lo, hi);
    const vf e0 = vf_add_ordered(vf_mul(b, vf_bcast(ax->w0)), vf_mul(c, vf_bcast(ax->w1)));
    *lo = bl_set_lane0(*lo, e0);
  } else if (j + UPS_V >= ax->in) {
    const vf a = vf_loadu(row + j - 1), b = vf_loadu(row + j);
    hp2x_2v(a, b, bl_next_lane(b), lo, hi);
  } else {
    hp2x_2v(vf_loadu(row + j - 1), vf_loadu(row + j), vf_loadu(row + j + 1), lo, hi);
  }
}

/* hp2x_2v_at for rows of 4-float pixels (NHWC with 4 channels; rw = 4*iw
 * >= V floats, j a float offset as there): the same operations per lane, the
 * vectors interleaved by 4-float blocks (bl_zip4) and the neighbours one
 * pixel away (bl_prev_px4, bl_next_px4, bl_set_px0). */
UPS_BL_INLINE void hp2x_2v_at4(const ups_linear_axis *ax, const float *row, size_t rw, size_t j,
                               vf *lo, vf *hi) {
  const vf q1 = vf_set1(0.25f), q3 = vf_set1(0.75f);
  vf a, b, c;
  if (j == 0) {
    b = vf_loadu(row);
    c = rw > UPS_V ? vf_loadu(row + 4) : bl_next_px4(b);
    a = bl_prev_px4(b);
  } else {
    a = vf_loadu(row + j - 4);
    b = vf_loadu(row + j);
    c = j + UPS_V >= rw ? bl_next_px4(b) : vf_loadu(row + j + 4);
  }
  const vf m = vf_mul(b, q3);
  const vf ev = vf_add_ordered(vf_mul(a, q1), m);
  const vf od = vf_add_ordered(m, vf_mul(c, q1));
  bl_zip4(ev, od, lo, hi);
  if (j == 0) {
    const vf e0 = vf_add_ordered(vf_mul(b, vf_bcast(ax->w0)), vf_mul(c, vf_bcast(ax->w1)));
    *lo = bl_set_px0(*lo, e0);
  }
}

/* The edge blocks of a half-pixel 2x row pass: outputs [0, 2V) and
 * [ow-2V, ow). */
UPS_BL_INLINE void hp2x_edges(const ups_linear_axis *ax, const float *row, float *hn) {
  const size_t j = ax->in - UPS_V;
  vf lo, hi;
  hp2x_2v_at(ax, row, 0, &lo, &hi);
  vf_storeu(hn, lo);
  vf_storeu(hn + UPS_V, hi);
  hp2x_2v_at(ax, row, j, &lo, &hi);
  vf_storeu(hn + 2 * j, lo);
  vf_storeu(hn + 2 * j + UPS_V, hi);
}

/* The interior 2V-output blocks of a half-pixel 2x row pass: h[2j, 2j+2V)
 * for j = V, 2V, .. while j+V < iw (the loads stay inside the row); with
 * hp2x_edges they cover the row: jend >= iw-V. */
static inline size_t hp2x_jend(size_t iw) {
  return iw >= 2 * UPS_V + 1 ? 2 * UPS_V + UPS_V * ((iw - 2 * UPS_V - 1) / UPS_V) : UPS_V;
}

UPS_BL_INLINE void hp2x_block(const float *row, size_t j, float *hn) {
  vf lo, hi;
  hp2x_2v(vf_loadu(row + j - 1), vf_loadu(row + j), vf_loadu(row + j + 1), &lo, &hi);
  vf_store(hn + 2 * j, lo);
  vf_store(hn + 2 * j + UPS_V, hi);
}

/* dst[0, ow) = t*wy0 + b*wy1 (ow = 2*iw >= 2V+2, t and b aligned to a
 * vector) and, interleaved with it, the interior blocks j in [ja, jb) of the
 * pass of input row `row` into hn (plus its edges when `edges`): the pass's
 * work rides along the blend's store stream instead of running between rows. */
static void blend_hp2x_part(const ups_linear_axis *ax, const float *t, const float *b,
                            const float *wy0, const float *wy1, float *dst, const float *row,
                            float *hn, size_t ja, size_t jb, int edges) {
  const size_t ow = ax->out;
  const vf w0 = vf_bcast(wy0), w1 = vf_bcast(wy1);
  size_t x = 0, j = ja;
  for (; x + 2 * UPS_V <= ow && j < jb; x += 2 * UPS_V, j += UPS_V) {
    vf_storeu(dst + x, lerp(vf_load(t + x), vf_load(b + x), w0, w1));
    vf_storeu(dst + x + UPS_V, lerp(vf_load(t + x + UPS_V), vf_load(b + x + UPS_V), w0, w1));
    hp2x_block(row, j, hn);
  }
  for (; x + UPS_V <= ow; x += UPS_V)
    vf_storeu(dst + x, lerp(vf_loadu(t + x), vf_loadu(b + x), w0, w1));
  if (x < ow)
    vf_storeu(dst + ow - UPS_V,
              lerp(vf_loadu(t + ow - UPS_V), vf_loadu(b + ow - UPS_V), w0, w1));
  for (; j < jb; j += UPS_V) hp2x_block(row, j, hn);
  if (edges) hp2x_edges(ax, row, hn);
}

/* A whole half-pixel 2x row pass (iw >= V+1) into hn (aligned to a vector). */
static void hrow_hp2x_full(const ups_linear_axis *ax, const float *row, float *hn) {
  const size_t jend = hp2x_jend(ax->in);
  for (size_t j = UPS_V; j < jend; j += UPS_V) hp2x_block(row, j, hn);
  hp2x_edges(ax, row, hn);
}

/* NCHW half-pixel 2x on both axes, large outputs (iw >= V+1, ow <= BUF):
 * cached passes like bilinear_run, but with the row pattern known (row 0
 * from input rows i0[0] = 0 and i1[0] = min(1, ih-1); rows 2k+1, 2k+2 from
 * k and min(k+1, ih-1)) the driver is a plain loop over three rotating
 * buffers (passes of rows k, k+1 and k+2): each input row's pass is made
 * once, half of it inside the blend of row 2k+1 and half inside that of row
 * 2k+2, and output rows are written one at a time, in order. The pass
 * itself: 3 loads (p[m-1], p[m], p[m+1]), 3 multiplies (p[m]*0.75 shared by
 * outputs 2m and 2m+1), 2 adds, a vf_zip and 2 aligned stores per 2V
 * outputs, edges by lane-shifted loads (hp2x_edges). Measured (AVX2) at
 * 1x64x128x128 -> 256x256: the generic driver's per-row bookkeeping cost ~50
 * of ~400 us and the windowed pass (split stores, table-driven edges) ~130 us.
 * A range starting at row 2k+1 or 2k+2 starts from the passes of rows k and
 * min(k+1, ih-1) (the buffers a whole run holds there); the next pass is
 * made inside the blends only while the next pair is in the range. */
static void bilinear_nchw_hp2x_rows(const ups_bilinear_job *job, const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, y1 = rng.y1;
  const size_t jend = hp2x_jend(iw), jmid = UPS_V + UPS_V * ((jend - UPS_V) / (2 * UPS_V));
  _Alignas(4 * UPS_V) float hb[3][BUF + 16];
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
        blend_hp2x_part(ax, bk, bn, ay->w0 + ya, ay->w1 + ya, d0, nr, bs, UPS_V, jmid, 0);
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
 * row dropped). Two blocks of 2V outputs (iw <= 2V), the second one
 * overlapping. */
UPS_AI void hp2x_narrow_pair(const ups_linear_axis *ax, size_t iw, const float *rk, float *d1,
                             float *d2, int which) {
  const vf q1 = vf_set1(0.25f), q3 = vf_set1(0.75f);
  for (size_t j = 0;; j = iw - UPS_V) {
    vf kl, kh, nl, nh;
    hp2x_2v_at(ax, rk, j, &kl, &kh);
    hp2x_2v_at(ax, rk + iw, j, &nl, &nh);
    if (which & 1) { /* h[k]*0.75 + h[k+1]*0.25 */
      vf_storeu(d1 + 2 * j, lerp(kl, nl, q3, q1));
      vf_storeu(d1 + 2 * j + UPS_V, lerp(kh, nh, q3, q1));
    }
    if (which & 2) { /* h[k]*0.25 + h[k+1]*0.75 */
      vf_storeu(d2 + 2 * j, lerp(kl, nl, q1, q3));
      vf_storeu(d2 + 2 * j + UPS_V, lerp(kh, nh, q1, q3));
    }
    if (j == iw - UPS_V) break;
  }
}

/* NCHW half-pixel 2x on both axes with short rows (V to 2V inputs): rows
 * 2k+1 and 2k+2 (k+1 < ih) from the passes of input rows k and k+1, made in
 * registers for each 2V outputs (none cached: two blocks cover a row, the
 * last one overlapping), row 2k+1 = h[k]*0.75 + h[k+1]*0.25 and row 2k+2 =
 * h[k]*0.25 + h[k+1]*0.75; rows 0 and oh-1 (table weights) by blend_flat of
 * cached passes. On such short rows the row driver above is dominated by its
 * per-row setup; in-process A/Bs (AVX2, -O3) measured this 1.1-1.6x faster
 * (1x64x16x16 -> 32x32: 7.2 -> 6.6 and 11.8 -> 7.7 us, 1x256x13x13 -> 26x26:
 * 32-38 -> 23-28 us, 1x64x12x12: 4.8 -> 4.8 and 7.9 -> 6.2 us), not faster
 * from 20 inputs on, and 1.3x slower at 128 (two store streams into L3).
 * A range has rows 0 and oh-1 when it holds them, and the pairs that meet
 * it (a cut pair's row alone, by hp2x_narrow_pair). */
static void bilinear_nchw_hp2x_narrow(const ups_bilinear_job *job, const ups_range *rg) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out;
  const size_t y0 = rng.y0, y1 = rng.y1;
  _Alignas(4 * UPS_V) float hb[2][4 * UPS_V]; /* a pass of at most 2V inputs */
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

/* NCHW with half-pixel 2x columns and short rows (V to SHORT_NB*V inputs),
 * any rows: the pass of an input row (hp2x_2v_at blocks, the last one
 * overlapping) is made once into registers, nb (a constant after inlining)
 * blocks of 2V outputs, and the passes of the two input rows in use are
 * kept there; each output row is then one blend per vector, out =
 * h[i0[y]]*w0[y] + h[i1[y]]*w1[y] with the table weights (the operations of
 * the other hp2x paths, so the same bits). On such rows the cached-pass
 * drivers spent most of their time on per-row setup and pass buffers (the
 * narrow one also makes each pass twice). */
#ifndef UPS_BL_SHORT_NB
#define UPS_BL_SHORT_NB 6 /* 24 live vectors: fits 32 registers */
#endif
#define SHORT_NB UPS_BL_SHORT_NB

UPS_AI void hp2x_pass_regs(const ups_linear_axis *ax, const float *row, const size_t *jb,
                           size_t nb, vf *h) {
  for (size_t b = 0; b < nb; b++) hp2x_2v_at(ax, row, jb[b], &h[2 * b], &h[2 * b + 1]);
}

/* hp2x_pass_regs for pixels of px floats (1 or 4; rw floats a row). */
UPS_AI void hp2x_pass_regs_px(const ups_linear_axis *ax, const float *row, size_t rw,
                              const size_t *jb, size_t nb, size_t px, vf *h) {
  for (size_t b = 0; b < nb; b++) {
    if (px == 1)
      hp2x_2v_at(ax, row, jb[b], &h[2 * b], &h[2 * b + 1]);
    else
      hp2x_2v_at4(ax, row, rw, jb[b], &h[2 * b], &h[2 * b + 1]);
  }
}

UPS_AI void hp2x_short_rows(const ups_bilinear_job *job, const ups_range *rg, const size_t nb) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out;
  size_t jb[SHORT_NB]; /* block b's first input: min(bV, iw-V) */
  for (size_t b = 0; b < nb; b++) jb[b] = b * UPS_V + UPS_V <= iw ? b * UPS_V : iw - UPS_V;
  for (size_t n = rng.n0; n < rng.n1; n++)
    for (size_t ch = rng.c0; ch < rng.c1; ch++) {
      const size_t p = n * job->c + ch;
      const float *src = job->in + p * ih * iw;
      float *out = job->out + p * oh * ow;
      vf ha[2 * SHORT_NB], hb[2 * SHORT_NB]; /* the passes of input rows ra, rb */
      size_t ra = (size_t)-1, rb = (size_t)-1; /* none yet: the first row makes both */
      for (size_t k = 0; k < 2 * nb; k++) ha[k] = hb[k] = vf_zero(); /* (for the compiler) */
      for (size_t y = rng.y0; y < rng.y1; y++) {
        const size_t a = ay->i0[y], b = ay->i1[y];
        if (a != ra) {
          if (a == rb)
            for (size_t k = 0; k < 2 * nb; k++) ha[k] = hb[k];
          else
            hp2x_pass_regs(ax, src + a * iw, jb, nb, ha);
          ra = a;
        }
        if (b != rb) {
          if (b == ra)
            for (size_t k = 0; k < 2 * nb; k++) hb[k] = ha[k];
          else
            hp2x_pass_regs(ax, src + b * iw, jb, nb, hb);
          rb = b;
        }
        const vf w0 = vf_bcast(ay->w0 + y), w1 = vf_bcast(ay->w1 + y);
        float *dst = out + y * ow;
        for (size_t k = 0; k < nb; k++) {
          vf_storeu(dst + 2 * jb[k], lerp(ha[2 * k], hb[2 * k], w0, w1));
          vf_storeu(dst + 2 * jb[k] + UPS_V, lerp(ha[2 * k + 1], hb[2 * k + 1], w0, w1));
        }
      }
    }
}

/* The same rows when the rows are half-pixel 2x too: rows 2k+1 and 2k+2
 * (k+1 < ih) are h[k]*0.75 + h[k+1]*0.25 and h[k]*0.25 + h[k+1]*0.75 (the
 * tables' weights, see ups_linear_axis), so an input row's products are
 * shared by the pairs on both sides of it: each pass is made once, its two
 * products h*0.25 and h*0.75 once, then every output vector is one add (2
 * multiplies + 2 adds per pair and vector instead of 4 + 2). With
 * UPS_BL_FMA the blend is h[k]*w0 fused into the product h[k+1]*w1, already
 * one multiply and one fused add per output vector: the loop keeps the pass
 * h[k] instead of its products. Rows 0 and oh-1 (weights 1/0 and the last
 * row read twice) by the table weights, as hp2x_short_rows; the same
 * operations in the same order as it, so the same bits. A range cuts a pair
 * by dropping one row's stores (which, a constant after inlining). */
#ifndef UPS_BL_NREG
#define UPS_BL_NREG 32 /* vector registers */
#endif
enum { PAIRS_NB = 6 }; /* blocks of 2V outputs: rows of up to 6V inputs */
typedef struct hp2x_carry {
  vf p[2 * PAIRS_NB];                    /* the pass of input row k */
  vf m1[2 * PAIRS_NB], m3[2 * PAIRS_NB]; /* or its products by 0.25 and 0.75 */
} hp2x_carry;

/* Whether the products are carried (not with UPS_BL_FMA, whose blend
 * multiplies the pass of row k itself): 4nb carried vectors and the 2nb of
 * the next pass must fit the registers, else (AVX2 from 3 blocks) the pass
 * is carried and the products made per pair, as hp2x_short_rows does. */
#ifdef UPS_BL_FMA
#define HP2X_SHARE(nb) 0
#else
#define HP2X_SHARE(nb) (6 * (nb) <= UPS_BL_NREG)
#endif

UPS_AI void hp2x_carry_set(hp2x_carry *cr, const vf *h, size_t nb) {
  const vf q1 = vf_set1(0.25f), q3 = vf_set1(0.75f);
  for (size_t k = 0; k < 2 * nb; k++) {
    if (HP2X_SHARE(nb)) {
      cr->m1[k] = vf_mul(h[k], q1);
      cr->m3[k] = vf_mul(h[k], q3);
    } else {
      cr->p[k] = h[k];
    }
  }
}

/* Pair k: rows 2k+1 (d1, which & 1) and 2k+2 (d1 + ow, which & 2) from the
 * carry of row k and the pass of row rn = k+1 (rows written one at a time,
 * in order); the carry becomes row k+1's. Output vector vd (< 2nb) is not
 * made: see hp2x_short_pairs. */
UPS_AI void hp2x_pair_step(const ups_linear_axis *ax, const float *rn, size_t rw,
                           const size_t *jb, size_t nb, size_t px, size_t vd, hp2x_carry *cr,
                           float *d1, size_t ow, int which) {
  const vf q1 = vf_set1(0.25f), q3 = vf_set1(0.75f);
  float *d2 = d1 + ow;
  if (HP2X_SHARE(nb)) {
    vf h[2 * PAIRS_NB];
    hp2x_pass_regs_px(ax, rn, rw, jb, nb, px, h);
    vf n1[2 * PAIRS_NB], n3[2 * PAIRS_NB];
    for (size_t v = 0; v < 2 * nb; v++) n1[v] = vf_mul(h[v], q1), n3[v] = vf_mul(h[v], q3);
    for (size_t v = 0; v < 2 * nb && (which & 1); v++)
      if (v != vd)
        vf_storeu(d1 + 2 * jb[v / 2] + (v % 2) * UPS_V, vf_add_ordered(cr->m3[v], n1[v]));
    for (size_t v = 0; v < 2 * nb && (which & 2); v++)
      if (v != vd)
        vf_storeu(d2 + 2 * jb[v / 2] + (v % 2) * UPS_V, vf_add_ordered(cr->m1[v], n3[v]));
    for (size_t v = 0; v < 2 * nb; v++) cr->m1[v] = n1[v], cr->m3[v] = n3[v];
  } else if (4 * nb + 4 > UPS_BL_NREG) {
    /* The carried pass and the next one do not both fit (AVX2 from 4
     * blocks): block by block, the two rows' stores interleaved. */
    for (size_t b = 0; b < nb; b++) {
      vf g[2];
      if (px == 1)
        hp2x_2v_at(ax, rn, jb[b], &g[0], &g[1]);
      else
        hp2x_2v_at4(ax, rn, rw, jb[b], &g[0], &g[1]);
      for (size_t i = 0; i < 2; i++) {
        const size_t v = 2 * b + i, o = 2 * jb[b] + i * UPS_V;
        if ((which & 1) && v != vd) vf_storeu(d1 + o, lerp(cr->p[v], g[i], q3, q1));
        if ((which & 2) && v != vd) vf_storeu(d2 + o, lerp(cr->p[v], g[i], q1, q3));
        cr->p[v] = g[i];
      }
    }
  } else {
    vf h[2 * PAIRS_NB];
    hp2x_pass_regs_px(ax, rn, rw, jb, nb, px, h);
    for (size_t v = 0; v < 2 * nb && (which & 1); v++)
      if (v != vd) vf_storeu(d1 + 2 * jb[v / 2] + (v % 2) * UPS_V, lerp(cr->p[v], h[v], q3, q1));
    for (size_t v = 0; v < 2 * nb && (which & 2); v++)
      if (v != vd) vf_storeu(d2 + 2 * jb[v / 2] + (v % 2) * UPS_V, lerp(cr->p[v], h[v], q1, q3));
    for (size_t v = 0; v < 2 * nb; v++) cr->p[v] = h[v];
  }
}

/* Output row dst = h*w0 + g*w1 (the table weights of one row). */
UPS_AI void hp2x_short_row(const vf *h, const vf *g, const size_t *jb, size_t nb,
                           const float *wy0, const float *wy1, float *dst) {
  const vf w0 = vf_bcast(wy0), w1 = vf_bcast(wy1);
  for (size_t k = 0; k < nb; k++) {
    vf_storeu(dst + 2 * jb[k], lerp(h[2 * k], g[2 * k], w0, w1));
    vf_storeu(dst + 2 * jb[k] + UPS_V, lerp(h[2 * k + 1], g[2 * k + 1], w0, w1));
  }
}

UPS_AI void hp2x_short_pairs(const ups_bilinear_job *job, const ups_range *rg, const size_t nb,
                             const size_t px) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, oh = ay->out;
  const size_t iw = ax->in * px, ow = ax->out * px; /* floats a row */
  const size_t cpl = px == 1 ? job->c : 1;           /* planes an image */
  const size_t y0 = rng.y0, y1 = rng.y1;
  size_t jb[PAIRS_NB]; /* block b's first input float: min(bV, iw-V) */
  for (size_t b = 0; b < nb; b++) jb[b] = b * UPS_V + UPS_V <= iw ? b * UPS_V : iw - UPS_V;
  /* A last block at most half past the one before it (iw <= (nb-1/2)V, as 20
   * inputs for V = 16 and 8, 40 for 16): its first vector repeats outputs
   * the block before made (the same taps, operations and bits), so the
   * pairs do not make it: a quarter of the blends and stores at 20 inputs
   * (AVX-512). 2nb: none dropped. */
  const size_t vd = nb >= 2 && 2 * iw <= (2 * nb - 1) * UPS_V ? 2 * nb - 2 : 2 * nb;
  /* Pairs k in [ka, kb): ka the first pair with a row in the range, kb past
   * the last; ka's row 2k+1 is out of it when y0 = 2ka+2, kb-1's row 2k+2
   * when y1 = 2kb. */
  const size_t ka = y0 == 0 ? 0 : (y0 - 1) / 2;
  size_t kb = y1 / 2; /* pairs with 2k+1 < y1 */
  if (kb > ih - 1) kb = ih - 1;
  for (size_t n = rng.n0; n < rng.n1; n++)
    for (size_t ch = rng.c0; ch < rng.c1; ch++) {
      const size_t p = n * cpl + ch;
      const float *src = job->in + p * ih * iw;
      float *out = job->out + p * oh * ow;
      vf h[2 * PAIRS_NB], g[2 * PAIRS_NB];
      hp2x_carry cr;
      for (size_t k = 0; k < 2 * nb; k++) h[k] = g[k] = vf_zero(); /* (for the compiler) */
      size_t hr = (size_t)-1; /* the input row whose pass h holds */
      if (y0 == 0) {
        hp2x_pass_regs_px(ax, src, iw, jb, nb, px, h);
        hp2x_pass_regs_px(ax, src + ay->i1[0] * iw, iw, jb, nb, px, g);
        hp2x_short_row(h, g, jb, nb, ay->w0, ay->w1, out);
        hr = 0;
      }
      if (ka < kb) {
        if (hr != ka) hp2x_pass_regs_px(ax, src + ka * iw, iw, jb, nb, px, h);
        hr = ka;
        hp2x_carry_set(&cr, h, nb);
        size_t k = ka;
        if (y0 == 2 * k + 2) { /* the range starts inside pair k: row 2k+2 alone */
          hp2x_pair_step(ax, src + (k + 1) * iw, iw, jb, nb, px, vd, &cr, out + (2 * k + 1) * ow, ow, 2);
          k++;
        }
        const size_t kf = 2 * kb < y1 ? kb : kb - 1; /* whole pairs end */
        for (; k < kf; k++)
          hp2x_pair_step(ax, src + (k + 1) * iw, iw, jb, nb, px, vd, &cr, out + (2 * k + 1) * ow, ow, 3);
        if (k < kb) /* the range ends inside pair k: row 2k+1 alone */
          hp2x_pair_step(ax, src + (k + 1) * iw, iw, jb, nb, px, vd, &cr, out + (2 * k + 1) * ow, ow, 1);
      }
      if (y1 == oh) { /* row oh-1 = 2(ih-1)+1 reads input row ih-1 twice */
        if (hr != ih - 1) hp2x_pass_regs_px(ax, src + (ih - 1) * iw, iw, jb, nb, px, h);
        hp2x_short_row(h, h, jb, nb, ay->w0 + oh - 1, ay->w1 + oh - 1, out + (oh - 1) * ow);
      }
    }
}

static void bilinear_nchw_hp2x_short(const ups_bilinear_job *job, const ups_range *rg) {
  if (job->y.half_pixel_2x) {
    switch ((job->x.in + UPS_V - 1) / UPS_V) {
      case 1: hp2x_short_pairs(job, rg, 1, 1); return;
      case 2: hp2x_short_pairs(job, rg, 2, 1); return;
      case 3: hp2x_short_pairs(job, rg, 3, 1); return;
      case 4: hp2x_short_pairs(job, rg, 4, 1); return;
      case 5: hp2x_short_pairs(job, rg, 5, 1); return;
      case 6: hp2x_short_pairs(job, rg, 6, 1); return;
      default: return; /* prepare chose this path for at most PAIRS_NB blocks */
    }
  }
  switch ((job->x.in + UPS_V - 1) / UPS_V) {
    case 1: hp2x_short_rows(job, rg, 1); break;
    case 2: hp2x_short_rows(job, rg, 2); break;
    case 3: hp2x_short_rows(job, rg, 3); break;
#if SHORT_NB > 3
    case 4: hp2x_short_rows(job, rg, 4); break;
    case 5: hp2x_short_rows(job, rg, 5); break;
    case 6: hp2x_short_rows(job, rg, 6); break;
#endif
    default: break; /* prepare chose this path for at most SHORT_NB blocks */
  }
}

/* The cached-pass driver. NCHW: planes n*c (the range's n x c), 1 float per
 * column. NHWC with 2..V-1 channels: planes n, c floats per column. Rows of
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
  const size_t cw = BUF / c; /* columns per chunk (c < V here) */
  const float *in_end = job->in + job->n * cpl * ih * iw * c;
  const vmask inmask = vm_first(iw < UPS_V ? (ptrdiff_t)iw : UPS_V);
  const vmask cmask = vm_first(c < UPS_V ? (ptrdiff_t)c : UPS_V);
  const int hp2x = !nhwc && ax->half_pixel_2x && iw >= UPS_V + 1 && ow <= BUF;
  _Alignas(4 * UPS_V) float hbuf[2][BUF + 16];
  /* W: the windows (NCHW rows of one chunk: no chunk shorter than V floats,
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
          if (xb >= ow || (ow - xb) * c < UPS_V) xb = ow; /* no chunk shorter than V floats */
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
            else if (ow < UPS_V)
              hrow_nchw_narrow(ax, row, buf, inmask);
            else if (hp2x)
              hrow_nchw_hp2x(ax, row, W, buf, inmask);
            else if (win)
              hrow_nchw_win(ax, row, W, buf, inmask, 0);
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

/* Which NCHW loop a run takes (chosen once, by prepare). */
typedef enum bilinear_path {
  BILINEAR_SCALAR,      /* the reference */
  BILINEAR_HP2X_SHORT,  /* half-pixel 2x columns, rows of V..SHORT_NB*V inputs */
  BILINEAR_HP2X_NARROW, /* half-pixel 2x both axes, rows of V+1..2V inputs */
  BILINEAR_HP2X_ROWS,   /* half-pixel 2x both axes, rows of 2V+1..BUF/2 inputs */
  BILINEAR_RUN,         /* the cached-pass driver, through the windows */
  BILINEAR_RUN_NOWIN    /* the cached-pass driver, windows on the fly */
} bilinear_path;

/* The per-call data of NCHW (and NHWC with one channel). */
typedef struct bilinear_prep {
  hwin W; /* BILINEAR_RUN only */
  bilinear_path path;
} bilinear_prep;
_Static_assert(sizeof(bilinear_prep) <= UPS_PREP_BYTES, "bilinear_prep exceeds UPS_PREP_BYTES");

size_t UPS_ISA_FN(ups_bilinear_prep_bytes)(const ups_bilinear_job *job) {
  (void)job;
  return sizeof(bilinear_prep);
}

void UPS_ISA_FN(ups_bilinear_nchw_prepare)(const ups_bilinear_job *job, void *prep) {
  bilinear_prep *pp = prep;
  const ups_linear_axis *ax = &job->x;
  /* Rows shrunk by more than 2: the taps are scattered beyond two vectors and
   * every output row needs its own two input rows; the reference's direct
   * loop measured faster than gathered passes there. */
  if (!ax->i0_32 || ax->in > 2 * ax->out) {
    pp->path = BILINEAR_SCALAR;
  } else if (ax->half_pixel_2x && ax->in >= UPS_V &&
             (ax->in <= (size_t)SHORT_NB * UPS_V ||
              (job->y.half_pixel_2x && ax->in <= (size_t)PAIRS_NB * UPS_V))) {
    pp->path = BILINEAR_HP2X_SHORT; /* see bilinear_nchw_hp2x_short */
  } else if (ax->half_pixel_2x && job->y.half_pixel_2x && ax->in >= UPS_V &&
             ax->out <= BUF) {
    /* Half-pixel 2x on both axes: the cached passes with a driver specialised
     * for the 2x row pattern, one output row at a time. Register blocks of 4
     * output rows (fewer multiplies, one store per output vector, 4
     * interleaved store streams) measured 1.2-1.5x slower at every size tried,
     * from 64x9x9 to 1x512x512 (64x64x64 -> 128x128: 131 vs 86 us), and the
     * generic driver ~1.4x slower at 1x64x128x128 -> 256x256 (AVX2). Rows of
     * V to 2V inputs: two rows at a time from passes in registers (see
     * bilinear_nchw_hp2x_narrow). */
    pp->path = ax->in <= 2 * UPS_V ? BILINEAR_HP2X_NARROW : BILINEAR_HP2X_ROWS;
  } else if (ax->out >= UPS_V && ax->out < BUF + UPS_V) {
    pp->path = BILINEAR_RUN;
    hwin_build(ax, &pp->W);
  } else {
    pp->path = BILINEAR_RUN_NOWIN;
  }
}

void UPS_ISA_FN(ups_bilinear_nchw)(const ups_bilinear_job *job, const void *prep,
                                   const ups_range *rg) {
  const bilinear_prep *pp = prep;
  switch (pp->path) {
    case BILINEAR_SCALAR: ups_bilinear_nchw_scalar(job, NULL, rg); break;
    case BILINEAR_HP2X_SHORT: bilinear_nchw_hp2x_short(job, rg); break;
    case BILINEAR_HP2X_NARROW: bilinear_nchw_hp2x_narrow(job, rg); break;
    case BILINEAR_HP2X_ROWS: bilinear_nchw_hp2x_rows(job, rg); break;
    /* One call site per layout, so GCC clones bilinear_run for each (a
     * third call made it clone on W instead: NHWC then ran unspecialised,
     * 5-10% slower on AVX2). */
    case BILINEAR_RUN:
    case BILINEAR_RUN_NOWIN:
      bilinear_run(job, pp->path == BILINEAR_RUN ? &pp->W : NULL, rg, 0);
      break;
  }
}

/* NHWC with 4 channels, half-pixel 2x on both axes, rows of V to PAIRS_NB*V
 * floats: the pair loop of NCHW on rows of 4-float pixels (one plane an
 * image). Returns 0 (nothing done) for other jobs. */
static int bilinear_nhwc4_hp2x(const ups_bilinear_job *job, const ups_range *rg) {
  const size_t rw = job->x.in * 4;
  if (job->c != 4 || !job->x.half_pixel_2x || !job->y.half_pixel_2x || rw < UPS_V ||
      rw > (size_t)PAIRS_NB * UPS_V)
    return 0;
  switch ((rw + UPS_V - 1) / UPS_V) {
    case 1: hp2x_short_pairs(job, rg, 1, 4); break;
    case 2: hp2x_short_pairs(job, rg, 2, 4); break;
    case 3: hp2x_short_pairs(job, rg, 3, 4); break;
    case 4: hp2x_short_pairs(job, rg, 4, 4); break;
    case 5: hp2x_short_pairs(job, rg, 5, 4); break;
    default: hp2x_short_pairs(job, rg, 6, 4); break;
  }
  return 1;
}

void UPS_ISA_FN(ups_bilinear_nhwc_prepare)(const ups_bilinear_job *job, void *prep) {
  if (job->c == 1) UPS_ISA_FN(ups_bilinear_nchw_prepare)(job, prep); /* the others need none */
}

void UPS_ISA_FN(ups_bilinear_nhwc)(const ups_bilinear_job *job, const void *prep,
                                   const ups_range *rg) {
  if (job->c == 1) { /* one channel: NCHW with n planes (the range's c unit is [0, 1)) */
    UPS_ISA_FN(ups_bilinear_nchw)(job, prep, rg);
    return;
  }
  if (job->c >= UPS_V && job->x.half_pixel_2x && job->y.half_pixel_2x)
    bilinear_nhwc_hp2x(job, rg);
  else if (bilinear_nhwc4_hp2x(job, rg))
    return;
  else if (job->c >= UPS_V)
    bilinear_nhwc_direct(job, rg);
  else
    bilinear_run(job, NULL, rg, 1);
}

#endif /* UPSIMD_BILINEAR_TPL_H */
