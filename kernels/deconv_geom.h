/* deconv_geom.h — the geometry of strided transposed convolution by stride
 * phases, shared by the strategy and packer (kernels/deconv_plan.c) and the
 * drivers (kernels/deconv_tpl.h, compiled per ISA): static inline only.
 *
 * The output is split into stride_h x stride_w phases. Output row
 * oy = ry + j*sh (phase ry, phase row j) only receives the taps
 * ky = k0 + t*step (step = sh/gcd(sh,dh)) with (ry + pad_top - ky*dh)
 * divisible by sh, and tap t reads input row iy = j + off0 - t*dl
 * (dl = dh/gcd(sh,dh)). The same holds along x. So every phase is a dense
 * (gather-form) convolution of the input with a sub-kernel; phases without
 * taps get the bias. */
#ifndef UPSIMD_DECONV_GEOM_H
#define UPSIMD_DECONV_GEOM_H

#include "kernel.h"

/* Taps of one phase along one axis: k = k0 + t*step for t < n, reading input
 * coordinate j + off0 - t*dl for phase-output index j. */
typedef struct ups_axis_phase {
  ptrdiff_t n, off0, dl, k0, step;
} ups_axis_phase;

static inline size_t ups_gcd(size_t a, size_t b) {
  while (b) {
    const size_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Phase r of an axis with kernel k, stride s, dilation d and begin pad. */
static inline void ups_phase_of(size_t r, size_t pad, size_t k, size_t s, size_t d,
                                ups_axis_phase *a) {
  const size_t gc = ups_gcd(s, d), step = s / gc;
  a->n = 0;
  a->off0 = 0;
  a->dl = (ptrdiff_t)(d / gc);
  a->k0 = 0;
  a->step = (ptrdiff_t)step;
  for (size_t kk = 0; kk < step && kk < k; kk++) {
    const ptrdiff_t num = (ptrdiff_t)r + (ptrdiff_t)pad - (ptrdiff_t)(kk * d);
    if (num % (ptrdiff_t)s == 0) {
      a->k0 = (ptrdiff_t)kk;
      a->n = (ptrdiff_t)((k - 1 - kk) / step + 1);
      a->off0 = num / (ptrdiff_t)s;
      return;
    }
  }
}

static inline void ups_phase_y(const ups_deconv_geom *g, size_t ry, ups_axis_phase *a) {
  ups_phase_of(ry, g->pad_top, g->kh, g->sh, g->dh, a);
}
static inline void ups_phase_x(const ups_deconv_geom *g, size_t rx, ups_axis_phase *a) {
  ups_phase_of(rx, g->pad_left, g->kw, g->sw, g->dw, a);
}

/* Taps [*t0, *t1) of `a` valid at phase index j for an input of `in`. */
static inline void ups_tap_range(const ups_axis_phase *a, ptrdiff_t j, ptrdiff_t in,
                                 ptrdiff_t *t0, ptrdiff_t *t1) {
  const ptrdiff_t v = j + a->off0; /* input coordinate of tap 0 */
  ptrdiff_t hi = v < 0 ? 0 : v / a->dl + 1;
  if (hi > a->n) hi = a->n;
  ptrdiff_t lo = v - (in - 1) <= 0 ? 0 : (v - (in - 1) + a->dl - 1) / a->dl;
  if (lo > hi) lo = hi;
  *t0 = lo;
  *t1 = hi;
}

/* Number of phases actually present along an axis (phases >= out are empty). */
static inline size_t ups_n_phases(size_t s, size_t out) { return s < out ? s : out; }

/* Output rows (or columns) of phase r: r, r+s, ... < out. */
static inline ptrdiff_t ups_phase_len(size_t r, size_t s, size_t out) {
  return (ptrdiff_t)((out - r + s - 1) / s);
}

/* Sum over the present phases of the tap counts along one axis. */
static inline size_t ups_taps_all(size_t k, size_t s, size_t d, size_t pad, size_t out) {
  size_t t = 0;
  const size_t np = ups_n_phases(s, out);
  for (size_t r = 0; r < np; r++) {
    ups_axis_phase a;
    ups_phase_of(r, pad, k, s, d, &a);
    t += (size_t)a.n;
  }
  return t;
}

/* NHWC output-channel tiles of a V-lane ISA, from oc0 with rem = oc_g - oc0
 * channels left: 2V while more than 3V remain, then one tile of 3V
 * (2V+1..3V left), 2V (V+1..2V) or V (1..V). Padded lanes hold zero weights
 * and are never stored. */
static inline size_t ups_nhwc_tile_w(size_t rem, size_t V) {
  return rem > 3 * V ? 2 * V : rem > 2 * V ? 3 * V : rem > V ? 2 * V : V;
}
static inline size_t ups_nhwc_ocpad(size_t oc, size_t V) {
  const size_t r = oc % (2 * V);
  return oc - r + (r == 0 ? 0 : r > V ? 2 * V : V);
}
/* NCHW: output channels in blocks of 4 (weights broadcast from [ic][4]). */
static inline size_t ups_nchw_ocpad(size_t oc) { return (oc + 3) & ~(size_t)3; }

/* NCHW with one output channel per group (d->merge): consecutive x phases
 * with the same input columns (tap count, offset and width) share the 4
 * lanes of one channel block. Number of phases merged with rx0 (1..4). */
static inline size_t ups_merge_len(const ups_deconv_geom *g, size_t rx0, size_t npw) {
  ups_axis_phase a0, a;
  ups_phase_x(g, rx0, &a0);
  const ptrdiff_t nw0 = ups_phase_len(rx0, g->sw, g->out_w);
  size_t m = 1;
  while (m < 4 && rx0 + m < npw) {
    ups_phase_x(g, rx0 + m, &a);
    if (a.n != a0.n || a.off0 != a0.off0 || ups_phase_len(rx0 + m, g->sw, g->out_w) != nw0)
      break;
    m++;
  }
  return m;
}

/* Limits the GEMM drivers are built for (their stack buffers). */
enum {
  UPS_GEMM_MAX_SH = 8,  /* y phases of the GEMM paths */
  UPS_GEMM_TAPS_MAXT = 4 /* taps per phase of the GEMM_TAPS path */
};

/* The NCHW PHASES drivers' stack tile of input rows (floats) and the
 * narrowest chunk of pixels worth tiling (vectors); the plan reads them to
 * see when that path would read the input planes directly. */
enum { UPS_NCHW_TILE_FLOATS = 16384, UPS_NCHW_MIN_CHUNK_V = 3 };

#endif /* UPSIMD_DECONV_GEOM_H */
