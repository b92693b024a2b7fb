/* deconv_tpl.h — the deconvolution drivers, written once for every vector
 * ISA: phase rows, borders, input tiles, GEMM panels and the loop over a work
 * range. An ISA's deconv source includes its shim (UPS_V lanes, vf_*), then
 * kernels/deconv_ukernels_tpl.h, defines its micro-kernel instances and these
 * tables, then includes this file, which defines UPS_ISA_FN(ups_deconv_run):
 *
 *   nhwc_tab[W][M]   (W = 1..3 vectors of output channels, M pixels) and
 *                    nhwc_mmax[W] (the widest M; M in 1..nhwc_mmax[W] exist);
 *   dot_tab[O][P]    (O = 1..4 output channels, P pixels), dot_pmax[O];
 *   nchw_tab[masked][MO][NV] (MO = 1..4 output channels, NV vectors),
 *                    nchw_nvmax[MO];
 *   gemm_tab[INIT][SHARED] (UPS_GEMM_FN instances).
 *
 * What the paths do is described in kernels/deconv_plan.c (which chose the
 * path stored in the plan) and at each driver below. The geometry is
 * kernels/deconv_geom.h. Zeros for out-of-range inputs are used only when
 * every weight is finite (0 * inf would be NaN where the reference has no
 * term); otherwise, and in NHWC, pixels whose taps partly fall outside the
 * input (the borders of each phase row) run the kernels with the tap range
 * clipped per pixel, so no out-of-range tap is ever multiplied.
 *
 * Work ranges: images, groups and bands of sh output rows (phase row j of
 * every y phase); the GEMM paths' panels of flattened pixels start where the
 * range starts. Every output element is computed by the same kernel in the
 * same order whatever the range: every choice that shapes a computation
 * (path, tiles, blocks of pixels along a row) depends on the geometry alone,
 * a row is never split, and the lanes of a GEMM panel are independent.
 * Stack: at most ~103 KiB per frame (GCC -fstack-usage: the NCHW tile, 64 KiB,
 * or the GEMM_TAPS panels and accumulators, 80 KiB at 8 lanes x 3 vectors,
 * 83 KiB at 4 lanes x 4, 103 KiB with AVX-512's 64 KiB of accumulators),
 * within UPS_KERNEL_STACK_BYTES. */
#ifndef UPSIMD_DECONV_TPL_H
#define UPSIMD_DECONV_TPL_H

#include "deconv_geom.h"

/* ----------------------------------------------------------------- rows */

/* Everything about one phase row of one group and image. */
typedef struct row_ctx {
  const ups_deconv_plan_data *d;
  const ups_deconv_geom *g;
  const float *x_row; /* input at (n, iy of tap t0y, ix 0, group's channel 0) */
  ptrdiff_t x_ty;
  const float *wph;   /* packed weights of the phase (group's) */
  const float *bias;  /* group's padded bias */
  float *y_row;       /* output at (n, oy, ox = rx, group's channel 0) */
  ups_axis_phase ax;
  ptrdiff_t t0y, nty, ntaps_x, ntaps; /* ntaps = ay.n * ax.n (packed tap count) */
  ptrdiff_t noc;      /* NCHW kernels: output channels (or merged phases) to run */
  ptrdiff_t oc_lo, oc_hi; /* NHWC: the output channels (whole tiles) to compute */
} row_ctx;

#ifndef NHWC_CHUNK
#define NHWC_CHUNK 24 /* pixels per pass over the output-channel tiles */
#endif

/* Block sizes of at most mmax pixels, avoiding a short last block. */
static inline ptrdiff_t block_of(ptrdiff_t rem, ptrdiff_t mmax) {
  if (rem > mmax && rem < mmax + mmax / 2 + 1) return rem / 2;
  return rem < mmax ? rem : mmax;
}

/* NHWC: pixels [i, i+m) of the phase row, taps [tx0, tx1) along x, every oc
 * tile (the tiles [oc_lo, oc_hi) of r). Chunks of pixels: their inputs stay
 * in L1 over the tiles, each tile's weights over the chunk's blocks. */
static void nhwc_pixels(const row_ctx *r, ptrdiff_t i, ptrdiff_t m, ptrdiff_t tx0, ptrdiff_t tx1) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, oc = (ptrdiff_t)g->oc_g;
  nhwc_args a;
  const ptrdiff_t ix0 = i + r->ax.off0 - tx0 * r->ax.dl;
  a.x_ty = r->x_ty;
  a.x_tx = -r->ax.dl * cin;
  a.x_p = cin;
  a.nty = r->nty;
  a.ntx = tx1 - tx0;
  a.ic = icg;
  a.y_p = (ptrdiff_t)g->sw * cout;
  float *y = r->y_row + i * a.y_p;
  for (ptrdiff_t c0 = 0; c0 < m;) {
    ptrdiff_t c1 = m - c0 <= NHWC_CHUNK + NHWC_CHUNK / 2 ? m : c0 + NHWC_CHUNK;
    for (ptrdiff_t oc0 = r->oc_lo; oc0 < r->oc_hi;) {
      const ptrdiff_t T = (ptrdiff_t)ups_nhwc_tile_w((size_t)(oc - oc0), UPS_V);
      a.w = r->wph + r->ntaps * icg * oc0 + (r->t0y * r->ntaps_x + tx0) * icg * T;
      a.w_ty = r->ntaps_x * icg * T;
      a.w_tx = icg * T;
      a.bias = r->bias + oc0;
      a.nvalid = oc - oc0;
      const nhwc_fn *tab = nhwc_tab[T / UPS_V];
      const ptrdiff_t mmax = nhwc_mmax[T / UPS_V];
      for (ptrdiff_t p = c0; p < c1;) {
        const ptrdiff_t mm = block_of(c1 - p, mmax);
        a.x = r->x_row + (ix0 + p) * cin;
        a.y = y + p * a.y_p + oc0;
        tab[mm](&a);
        p += mm;
      }
      oc0 += T;
    }
    c0 = c1;
  }
}

/* NHWC dot: pixels [i, i+m) of the phase row, taps [tx0, tx1) along x, all
 * channels. */
static void dot_pixels(const row_ctx *r, ptrdiff_t i, ptrdiff_t m, ptrdiff_t tx0, ptrdiff_t tx1) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t icp = (ptrdiff_t)r->d->icpad, oc = (ptrdiff_t)g->oc_g;
  dot_args a;
  const ptrdiff_t ix0 = i + r->ax.off0 - tx0 * r->ax.dl;
  a.x_ty = r->x_ty;
  a.x_tx = -r->ax.dl * cin;
  a.x_p = cin;
  a.nty = r->nty;
  a.ntx = tx1 - tx0;
  a.ic = (ptrdiff_t)g->ic_g;
  a.w = r->wph + (r->t0y * r->ntaps_x + tx0) * icp;
  a.w_o = r->ntaps * icp;
  a.w_ty = r->ntaps_x * icp;
  a.w_tx = icp;
  a.bias = r->bias;
  a.y_p = (ptrdiff_t)g->sw * cout;
  const ptrdiff_t pm = dot_pmax[oc];
  for (ptrdiff_t p = 0; p < m;) {
    const ptrdiff_t mm = m - p >= pm ? pm : m - p;
    a.x = r->x_row + (ix0 + p) * cin;
    a.y = r->y_row + (i + p) * a.y_p;
    dot_tab[oc][mm](&a);
    p += mm;
  }
}

/* NCHW: one output pixel i of the phase row, taps [tx0, tx1), every channel
 * (4-float vectors over blocks of 4 output channels). Border pixels only. */
static void nchw_pixel(const row_ctx *r, ptrdiff_t i, ptrdiff_t tx0, ptrdiff_t tx1) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, oc = (ptrdiff_t)g->oc_g;
  const ptrdiff_t xc = (ptrdiff_t)(g->in_h * g->in_w), yc = (ptrdiff_t)(g->out_h * g->out_w);
  const ptrdiff_t ix0 = i + r->ax.off0;
  float *y = r->y_row + i * (ptrdiff_t)g->sw;
  for (ptrdiff_t ob = 0; ob < oc; ob += 4) {
    vf4 acc = vf4_loadu(r->bias + ob);
    const float *wb = r->wph + r->ntaps * icg * ob + r->t0y * r->ntaps_x * icg * 4;
    for (ptrdiff_t ty = 0; ty < r->nty; ty++)
      for (ptrdiff_t tx = tx0; tx < tx1; tx++) {
        const float *x = r->x_row + ty * r->x_ty + ix0 - tx * r->ax.dl;
        const float *w = wb + (ty * r->ntaps_x + tx) * icg * 4;
        for (ptrdiff_t c = 0; c < icg; c++)
          acc = vf4_fma(vf4_bcast(x + c * xc), vf4_loadu(w + 4 * c), acc);
      }
    float t[4];
    vf4_storeu(t, acc);
    const ptrdiff_t mo = oc - ob < 4 ? oc - ob : 4;
    for (ptrdiff_t o = 0; o < mo; o++) y[(ob + o) * yc] = t[o];
  }
}

/* Stack tile of input rows for the NCHW kernels: [ic][ty][column]; keeps the
 * kernels' reads in a few contiguous lines instead of ic planes that alias in
 * L1 (planes are often a multiple of 4 KiB apart). */
#define NCHW_TILE_FLOATS UPS_NCHW_TILE_FLOATS /* 64 KiB of stack */
#ifndef UPS_NCHW_CHUNK_V
#define UPS_NCHW_CHUNK_V 6 /* vectors of pixels per tile (an ISA may set more) */
#endif
#define NCHW_CHUNK (UPS_NCHW_CHUNK_V * UPS_V) /* pixels per tile */
#define NCHW_MIN_CHUNK (UPS_NCHW_MIN_CHUNK_V * UPS_V) /* narrower tiles starve the kernels */

/* Output pixels [i0, i0+cnt) x all channels through the kernels; a->x etc.
 * describe where the input of pixel i0 (tap 0, 0) is. */
static void nchw_run_chunk(const row_ctx *r, nchw_args *a, ptrdiff_t i0, ptrdiff_t cnt,
                           int masked) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, oc = r->noc;
  const float *x0 = a->x;
  for (ptrdiff_t ob = 0; ob < oc; ob += 4) {
    const ptrdiff_t mo = oc - ob < 4 ? oc - ob : 4;
    const ptrdiff_t nvm = nchw_nvmax[mo];
    a->w = r->wph + r->ntaps * icg * ob + r->t0y * r->ntaps_x * icg * 4;
    a->bias = r->bias + ob;
    for (ptrdiff_t q = 0; q < cnt;) {
      const ptrdiff_t rem = cnt - q;
      const ptrdiff_t nv = rem >= nvm * UPS_V ? nvm : (rem + UPS_V - 1) / UPS_V;
      const ptrdiff_t take = rem >= nvm * UPS_V ? nvm * UPS_V : rem;
      a->last = take - (nv - 1) * UPS_V;
      a->x = x0 + q;
      a->y = r->y_row + ob * a->y_c + (i0 + q) * a->sw;
      nchw_tab[masked && a->last < UPS_V][mo][nv](a);
      q += take;
    }
  }
  a->x = x0;
}

/* The widest chunk (multiple of UPS_V, <= NCHW_CHUNK) whose stack tile fits;
 * 0 when not even one vector fits (then the kernels read the input directly). */
static ptrdiff_t nchw_chunk(const row_ctx *r) {
  const ptrdiff_t icg = (ptrdiff_t)r->g->ic_g, halo = (r->ax.n - 1) * r->ax.dl;
  ptrdiff_t chunk = NCHW_CHUNK;
  while (chunk > UPS_V && icg * r->nty * (chunk + halo) > NCHW_TILE_FLOATS) chunk -= UPS_V;
  return icg * r->nty * (chunk + halo) > NCHW_TILE_FLOATS ? 0 : chunk;
}

/* NCHW: pixels [i, i+m) of the phase row. Without zpad every x tap of these
 * pixels must be inside the input; with zpad (all weights finite) taps
 * outside it read zeros from the tile. */
static void nchw_pixels(const row_ctx *r, ptrdiff_t i, ptrdiff_t m, int zpad) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, in_w = (ptrdiff_t)g->in_w;
  const ptrdiff_t ntx = r->ax.n, dl = r->ax.dl, nty = r->nty;
  const ptrdiff_t halo = (ntx - 1) * dl;
  nchw_args a;
  a.nty = nty;
  a.ntx = ntx;
  a.ic = icg;
  a.w_ty = r->ntaps_x * icg * 4;
  a.w_tx = icg * 4;
  a.y_c = (ptrdiff_t)(g->out_h * g->out_w);
  a.sw = (ptrdiff_t)g->sw;
  const ptrdiff_t ix0 = i + r->ax.off0; /* input column of pixel i, tap 0 */
  ptrdiff_t chunk = nchw_chunk(r);
  if (!zpad && chunk < NCHW_MIN_CHUNK && chunk < m) chunk = 0; /* too narrow: read directly */
  if (chunk == 0) {
    /* no tile (too many channels, or too narrow above): read the input
     * directly; never with zpad (the caller checks nchw_chunk first) */
    a.x_c = (ptrdiff_t)(g->in_h * g->in_w);
    a.x_ty = r->x_ty;
    a.x_tx = -dl;
    for (ptrdiff_t p = 0; p < m; p += NCHW_MIN_CHUNK) {
      const ptrdiff_t cnt = m - p < NCHW_MIN_CHUNK ? m - p : NCHW_MIN_CHUNK;
      a.x = r->x_row + ix0 + p;
      nchw_run_chunk(r, &a, i + p, cnt, 1);
    }
    return;
  }
  float tile[NCHW_TILE_FLOATS] __attribute__((aligned(64)));
  const ptrdiff_t xc = (ptrdiff_t)(g->in_h * g->in_w);
  for (ptrdiff_t p = 0; p < m; p += chunk) {
    const ptrdiff_t cnt = m - p < chunk ? m - p : chunk;
    const ptrdiff_t cntv = (cnt + UPS_V - 1) / UPS_V * UPS_V;
    const ptrdiff_t wt = cntv + halo; /* tile row length */
    /* tile column u = input column col0 + u; columns [ua, ub) exist */
    const ptrdiff_t col0 = ix0 + p - halo;
    ptrdiff_t ua = 0, ub = cnt + halo;
    if (zpad) {
      if (col0 < 0) ua = -col0 < ub ? -col0 : ub;
      if (col0 + ub > in_w) ub = in_w - col0 > ua ? in_w - col0 : ua;
    }
    const float *src = r->x_row + col0; /* only offset by u in [ua, ub) */
    float *dt = tile;
    for (ptrdiff_t c = 0; c < icg; c++)
      for (ptrdiff_t ty = 0; ty < nty; ty++) {
        const float *s = src + c * xc + ty * r->x_ty;
        ptrdiff_t u = 0;
        for (; u < ua; u++) dt[u] = 0.0f;
        for (; u + UPS_V <= ub; u += UPS_V) vf_storeu(dt + u, vf_loadu(s + u));
        for (; u < ub; u++) dt[u] = s[u];
        for (; u < wt; u++) dt[u] = 0.0f;
        dt += wt;
      }
    a.x_c = nty * wt;
    a.x_ty = wt;
    a.x_tx = -dl;
    a.x = tile + halo;
    nchw_run_chunk(r, &a, i + p, cnt, 0);
  }
}

static void fill_bias_row(const row_ctx *r, ptrdiff_t i0, ptrdiff_t i1) {
  const ups_deconv_geom *g = r->g;
  const ptrdiff_t oc = (ptrdiff_t)g->oc_g, sw = (ptrdiff_t)g->sw;
  if (g->nhwc) {
    const ptrdiff_t cout = (ptrdiff_t)(g->groups * g->oc_g);
    for (ptrdiff_t i = i0; i < i1; i++)
      for (ptrdiff_t o = r->oc_lo; o < r->oc_hi; o++) r->y_row[i * sw * cout + o] = r->bias[o];
  } else {
    const ptrdiff_t yc = (ptrdiff_t)(g->out_h * g->out_w);
    for (ptrdiff_t o = 0; o < oc; o++)
      for (ptrdiff_t i = i0; i < i1; i++) r->y_row[o * yc + i * sw] = r->bias[o];
  }
}

/* Copies columns [col0, col0 + wt) of one input row to dt, zeros outside
 * [0, in_w); wt is a multiple of UPS_V and dt has UPS_V floats of slack. The
 * empty asm statements keep these short loops from being turned into
 * memcpy/memset calls (one call per row costs more than the copy). */
UPS_AI void tile_row(float *dt, const float *row, ptrdiff_t col0, ptrdiff_t wt, ptrdiff_t in_w) {
  ptrdiff_t ua = col0 < 0 ? -col0 : 0, ub = in_w - col0;
  if (ua > wt) ua = wt;
  if (ub > wt) ub = wt;
  if (ub < ua) ub = ua;
  const vf z = vf_zero();
  ptrdiff_t u = 0;
  for (; u < ua; u += UPS_V) { /* may run past ua: rewritten below */
    __asm__("" : : "r"(u));
    vf_storeu(dt + u, z);
  }
  u = ua;
  const float *s = row + col0;
  for (; u + UPS_V <= ub; u += UPS_V) {
    vf v = vf_loadu(s + u);
    VF_KEEP(v);
    vf_storeu(dt + u, v);
  }
  if (u < ub) {
    vf_storeu(dt + u, vf_maskload(s + u, vm_first(ub - u)));
    u += UPS_V;
  }
  for (; u < wt; u += UPS_V) {
    __asm__("" : : "r"(u));
    vf_storeu(dt + u, z);
  }
}

/* Both x phases (stride 2) of pixels [p, p+cnt) of one phase row: each oc
 * block of both phases goes to a stack buffer, then is interleaved into the
 * output row. xt: the tile at the row of tap t0y, column 0 of the chunk. */
static void nchw_pair2(row_ctx R[2], nchw_args *a, const float *xt, float *y_row, ptrdiff_t p,
                       ptrdiff_t cnt, ptrdiff_t t0y) {
  const ups_deconv_geom *g = R[0].g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, oc = (ptrdiff_t)g->oc_g;
  const ptrdiff_t plane = (ptrdiff_t)(g->out_h * g->out_w);
  float buf[2][4 * NCHW_CHUNK] __attribute__((aligned(64)));
  nchw_args b = *a;
  b.y_c = NCHW_CHUNK;
  b.sw = 1;
  for (ptrdiff_t ob = 0; ob < oc; ob += 4) {
    const ptrdiff_t mo = oc - ob < 4 ? oc - ob : 4;
    const ptrdiff_t nvm = nchw_nvmax[mo];
    for (int u = 0; u < 2; u++) {
      const row_ctx *r = &R[u];
      b.ntx = r->ax.n;
      b.w_ty = r->ntaps_x * icg * 4;
      b.w_tx = icg * 4;
      b.w = r->wph + r->ntaps * icg * ob + t0y * r->ntaps_x * icg * 4;
      b.bias = r->bias + ob;
      for (ptrdiff_t q = 0; q < cnt;) {
        const ptrdiff_t rem = cnt - q;
        const ptrdiff_t nv = rem >= nvm * UPS_V ? nvm : (rem + UPS_V - 1) / UPS_V;
        const ptrdiff_t take = rem >= nvm * UPS_V ? nvm * UPS_V : rem;
        b.last = take - (nv - 1) * UPS_V;
        b.x = xt + r->ax.off0 + q;
        b.y = buf[u] + q;
        nchw_tab[0][mo][nv](&b);
        q += take;
      }
    }
    for (ptrdiff_t o = 0; o < mo; o++) {
      float *y = y_row + (ob + o) * plane + 2 * p;
      const float *b0 = buf[0] + o * NCHW_CHUNK, *b1 = buf[1] + o * NCHW_CHUNK;
      ptrdiff_t k = 0;
      for (; k + UPS_V <= cnt; k += UPS_V) {
        vf lo, hi;
        vf_zip(vf_load(b0 + k), vf_load(b1 + k), &lo, &hi);
        vf_storeu(y + 2 * k, lo);
        vf_storeu(y + 2 * k + UPS_V, hi);
      }
      for (; k < cnt; k++) {
        y[2 * k] = b0[k];
        y[2 * k + 1] = b1[k];
      }
    }
  }
}

/* NCHW, all weights finite: every phase rx of the phase rows [j0, j1) of
 * `ry` from one stack tile per (row, chunk of pixels), with zeros for
 * columns outside the input, so borders need no special path and the tile is
 * shared by the sw phases. Returns 0 (nothing done) when it does not apply. */
#define NCHW_MAX_RX 8
static int nchw_rows_combined(const ups_deconv_plan_data *d, const float *in, float *out,
                              size_t n, size_t grp, size_t ry, const ups_axis_phase *ay,
                              const float *wph_ry, const float *bias, ptrdiff_t j0_,
                              ptrdiff_t j1_) {
  const ups_deconv_geom *g = &d->g;
  const size_t npw = ups_n_phases(g->sw, g->out_w);
  if (npw > NCHW_MAX_RX || ay->n == 0) return 0;
  const ptrdiff_t per_tap = (ptrdiff_t)d->per_tap;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, ocg = (ptrdiff_t)g->oc_g;
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t in_h = (ptrdiff_t)g->in_h, in_w = (ptrdiff_t)g->in_w;
  const ptrdiff_t out_h = (ptrdiff_t)g->out_h, out_w = (ptrdiff_t)g->out_w;
  const ptrdiff_t sh = (ptrdiff_t)g->sh, sw = (ptrdiff_t)g->sw;
  /* units: the x phases, or groups of merged phases (d->merge) */
  row_ctx R[NCHW_MAX_RX];
  ptrdiff_t nw[NCHW_MAX_RX], rxu[NCHW_MAX_RX];
  ptrdiff_t lo = 0, hi = 0, maxnw = 0;
  int any = 0;
  const int merged = d->merge;
  const float *w = wph_ry;
  if (merged) w += (ptrdiff_t)g->groups * (ptrdiff_t)d->group_floats; /* the merged copy */
  size_t nu = 0, m = 1;
  for (size_t rx = 0; rx < npw; rx += m, nu++) {
    m = merged ? ups_merge_len(g, rx, npw) : 1;
    ups_phase_x(g, rx, &R[nu].ax);
    const ups_axis_phase *ax = &R[nu].ax;
    R[nu].d = d;
    R[nu].g = g;
    R[nu].wph = w;
    R[nu].bias = bias;
    R[nu].ntaps_x = ax->n;
    R[nu].ntaps = ay->n * ax->n;
    R[nu].noc = merged ? (ptrdiff_t)m : ocg;
    w += R[nu].ntaps * per_tap * (ptrdiff_t)m;
    rxu[nu] = (ptrdiff_t)rx;
    nw[nu] = ups_phase_len(rx, g->sw, g->out_w);
    if (nw[nu] > maxnw) maxnw = nw[nu];
    if (ax->n) {
      const ptrdiff_t l = ax->off0 - (ax->n - 1) * ax->dl, h = ax->off0;
      if (!any || l < lo) lo = l;
      if (!any || h > hi) hi = h;
      any = 1;
    }
  }
  if (!any) return 0;
  /* stride 2 along x, both phases with taps and equal widths: computed into a
   * stack buffer and interleaved with vector shuffles (strided stores of one
   * phase at a time cost more) */
  const int pair2 = !merged && npw == 2 && sw == 2 && nw[0] == nw[1] && R[0].ax.n && R[1].ax.n;
  const ptrdiff_t spread = hi - lo;
  ptrdiff_t chunk = NCHW_CHUNK;
#define ROUND_V(x) (((x) + UPS_V - 1) / UPS_V * UPS_V)
  while (chunk > UPS_V && icg * ay->n * ROUND_V(chunk + spread) + UPS_V > NCHW_TILE_FLOATS)
    chunk -= UPS_V;
  const ptrdiff_t wt = ROUND_V(chunk + spread);
#undef ROUND_V
  if (icg * ay->n * wt + UPS_V > NCHW_TILE_FLOATS) return 0;
  /* a tile narrower than 3 vectors starves the kernels: the per-phase path
   * reads the input directly. (Splitting the channels into blocks that add
   * to the output was tried and measured no faster.) */
  if (chunk < NCHW_MIN_CHUNK && chunk < maxnw) return 0;

  float tile[NCHW_TILE_FLOATS] __attribute__((aligned(64)));
  const ptrdiff_t xc = in_h * in_w, dl = R[0].ax.dl, dly = ay->dl;
  const ptrdiff_t rows = j1_;
  const float *x_img = in + ((ptrdiff_t)n * cin + (ptrdiff_t)grp * icg) * xc;
  /* Bands of J phase rows share one tile of consecutive input rows (dly = 1:
   * consecutive phase rows read overlapping input rows). Tile rows go up with
   * the input row; tap ty reads row iy0 - ty*dly: x_ty = -dly*wt. */
  ptrdiff_t J = 1;
  if (dly == 1)
    while (J < 8 && icg * (J + ay->n) * wt + UPS_V <= NCHW_TILE_FLOATS) J++;
  nchw_args a;
  a.ic = icg;
  a.y_c = merged ? 1 : out_h * out_w; /* merged: lane k -> output column rx0 + k */
  a.sw = sw;
  a.x_tx = -dl;
  for (ptrdiff_t j0 = j0_; j0 < rows; j0 += J) {
    const ptrdiff_t j1 = j0 + J < rows ? j0 + J : rows;
    /* input rows of the band */
    ptrdiff_t rlo = 0, rhi = -1;
    for (ptrdiff_t j = j0; j < j1; j++) {
      ptrdiff_t t0y, t1y;
      ups_tap_range(ay, j, in_h, &t0y, &t1y);
      if (t1y <= t0y) {
        float *y_row = out + (((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * out_h +
                              (ptrdiff_t)ry + j * sh) * out_w;
        for (size_t u = 0; u < nu; u++) {
          R[u].y_row = y_row + rxu[u];
          for (ptrdiff_t k = 0; k < (merged ? R[u].noc : 1); k++) {
            row_ctx t = R[u];
            t.y_row += k;
            fill_bias_row(&t, 0, nw[u]);
          }
        }
        continue;
      }
      const ptrdiff_t top = j + ay->off0 - t0y * dly, bot = top - (t1y - 1 - t0y) * dly;
      if (rhi < rlo) {
        rlo = bot;
        rhi = top;
      } else {
        if (bot < rlo) rlo = bot;
        if (top > rhi) rhi = top;
      }
    }
    if (rhi < rlo) continue; /* bias-only band */
    /* dly > 1 (J = 1): only the tap rows, stored at (iy - rlo) / dly */
    const ptrdiff_t rstep = dly, nrows = (rhi - rlo) / rstep + 1;
    a.x_c = nrows * wt;
    a.x_ty = -wt;
    for (ptrdiff_t p = 0; p < maxnw; p += chunk) {
      const ptrdiff_t col0 = p + lo;
      float *dt = tile;
      for (ptrdiff_t c = 0; c < icg; c++)
        for (ptrdiff_t k = 0; k < nrows; k++) {
          tile_row(dt, x_img + c * xc + (rlo + k * rstep) * in_w, col0, wt, in_w);
          dt += wt;
        }
      for (ptrdiff_t j = j0; j < j1; j++) {
        ptrdiff_t t0y, t1y;
        ups_tap_range(ay, j, in_h, &t0y, &t1y);
        if (t1y <= t0y) continue;
        const ptrdiff_t top = j + ay->off0 - t0y * dly; /* input row of tap t0y */
        float *y_row = out + (((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * out_h +
                              (ptrdiff_t)ry + j * sh) * out_w;
        a.nty = t1y - t0y;
        if (pair2) {
          nchw_pair2(R, &a, tile + ((top - rlo) / rstep) * wt - lo, y_row, p,
                     nw[0] - p < chunk ? nw[0] - p : chunk, t0y);
          continue;
        }
        for (size_t u = 0; u < nu; u++) {
          row_ctx *r = &R[u];
          const ptrdiff_t cnt = nw[u] - p < chunk ? nw[u] - p : chunk;
          if (cnt <= 0) continue;
          r->y_row = y_row + rxu[u];
          r->t0y = t0y;
          r->nty = a.nty;
          if (r->ax.n == 0) {
            for (ptrdiff_t k = 0; k < (merged ? r->noc : 1); k++) {
              row_ctx t = *r;
              t.y_row += k;
              fill_bias_row(&t, p, p + cnt);
            }
            continue;
          }
          a.ntx = r->ax.n;
          a.w_ty = r->ntaps_x * icg * 4;
          a.w_tx = icg * 4;
          a.x = tile + ((top - rlo) / rstep) * wt + (r->ax.off0 - lo);
          nchw_run_chunk(r, &a, p, cnt, 0);
        }
      }
    }
  }
  return 1;
}

/* ------------------------------------------------------------ GEMM paths */

/* Where the UPS_V pixels of one panel vector go: output offset of its first
 * pixel (x phase 0) and how many of them lie in its first row. */
typedef struct gemm_vec {
  ptrdiff_t off, run; /* run: pixels of the vector in the first row */
  ptrdiff_t j, i;
} gemm_vec;

/* Writes a finished micro-tile cb (no <= 2 valid channels, cnt pixels) to
 * the output, x phases interleaved. y: output plane of channel 0 at row ry. */
static void gemm_store(const float *cb, float *y, ptrdiff_t plane, ptrdiff_t no,
                       const gemm_vec *vec, ptrdiff_t cnt, ptrdiff_t in_w, ptrdiff_t row_step) {
  for (ptrdiff_t o = 0; o < no; o++) {
    float *yo = y + o * plane;
    for (int v = 0; v < UPS_GEMM_NV; v++) {
      const ptrdiff_t nv = cnt - UPS_V * v;
      if (nv <= 0) break;
      vf e0, e1;
      vf_zip(vf_load(cb + ((o * 2 + 0) * UPS_GEMM_NV + v) * UPS_V),
             vf_load(cb + ((o * 2 + 1) * UPS_GEMM_NV + v) * UPS_V), &e0, &e1);
      const gemm_vec *gv = &vec[v];
      float *p = yo + gv->off;
      if (nv >= UPS_V && gv->run >= UPS_V) {
        vf_storeu(p, e0);
        vf_storeu(p + UPS_V, e1);
        continue;
      }
      float t[2 * UPS_V];
      vf_storeu(t, e0);
      vf_storeu(t + UPS_V, e1);
      const ptrdiff_t m = nv < UPS_V ? nv : UPS_V;
      ptrdiff_t i = gv->i;
      for (ptrdiff_t l = 0; l < m; l++) {
        if (i == in_w) { /* next input row: sh output rows further down */
          i = 0;
          p += row_step - 2 * in_w;
        }
        p[0] = t[2 * l];
        p[1] = t[2 * l + 1];
        p += 2;
        i++;
      }
    }
  }
}

/* The panel vectors of pixels [q0, q0 + UPS_GEMM_NR) of rows nw wide. */
static void gemm_vecs(ptrdiff_t q0, ptrdiff_t nw, ptrdiff_t row_step,
                      gemm_vec vec[UPS_GEMM_NV]) {
  for (int v = 0; v < UPS_GEMM_NV; v++) {
    const ptrdiff_t q = q0 + UPS_V * v;
    vec[v].j = q / nw;
    vec[v].i = q % nw;
    vec[v].run = nw - vec[v].i;
    vec[v].off = vec[v].j * row_step + 2 * vec[v].i;
  }
}

/* GEMM (kernel == stride along y, kernel == stride == 2 along x, no
 * dilation, pads or output padding, many input channels): every phase
 * (ry, rx) is a 1x1 convolution of the whole input image, i.e. a GEMM
 * [oc x ic] x [ic x pixels] over the flattened input pixels (no borders, so
 * no zero padding: any weights are fine); band j is input row j. Blocked like
 * a BLIS GEMM: blocks of output channels whose weights (all channels, all
 * phases, <= GEMM_WBYTES) stay in L2; for each panel of UPS_GEMM_NR pixels, chunks of
 * <= GEMM_KC input channels packed on the stack (L1), the block's
 * accumulators kept in a stack buffer across the chunks (accumulating into
 * the output, which lives in L3, measured up to 25% slower with chunks of
 * 128-256 channels and ~3% slower with one chunk of 1024, whose panel misses
 * L1). The x phases are interleaved with shuffles into contiguous output.
 * Measured on U-Net 28px 1024->512 (AVX2): the kernel alone runs at the FMA
 * peak; the whole at ~90% of it. */
#ifndef GEMM_KC
#define GEMM_KC 128
#endif
#ifndef GEMM_WBYTES
#define GEMM_WBYTES (768u << 10)
#endif
#ifndef GEMM_PF
#define GEMM_PF 1
#endif
#define GEMM_CBUF (768 * UPS_V) /* floats of stack accumulators: mc/2 pairs x sh tiles */

/* Prefetches the next panel's input into L2 (hundreds of streams are too
 * many for the hardware prefetchers). */
UPS_AI void gemm_prefetch_next(const float *xs) {
  const char *nx = (const char *)(xs + UPS_GEMM_NR);
  /* every line of the panel's floats: offsets 0, 48, ..., and the last float */
  for (size_t b = 0; b < UPS_GEMM_NR * sizeof(float) - 4; b += 48) __builtin_prefetch(nx + b, 0, 2);
  __builtin_prefetch(nx + UPS_GEMM_NR * sizeof(float) - 4, 0, 2);
}

static void nchw_gemm(const ups_deconv_plan_data *d, const float *in, float *out,
                      const ups_range *rg) {
  const ups_deconv_geom *g = &d->g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, ocg = (ptrdiff_t)g->oc_g;
  const ptrdiff_t ocpad = (ptrdiff_t)d->ocpad, per_tap = (ptrdiff_t)d->per_tap;
  const ptrdiff_t gf = (ptrdiff_t)d->group_floats;
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t in_w = (ptrdiff_t)g->in_w, P = (ptrdiff_t)(g->in_h * g->in_w);
  const ptrdiff_t out_w = (ptrdiff_t)g->out_w, sh = (ptrdiff_t)g->sh;
  const ptrdiff_t plane = (ptrdiff_t)(g->out_h * g->out_w), row_step = sh * out_w;
  const ptrdiff_t q_lo = (ptrdiff_t)rg->y0 * in_w, q_hi = (ptrdiff_t)rg->y1 * in_w;
  /* even chunks of at most GEMM_KC channels */
  const ptrdiff_t nk = (icg + GEMM_KC - 1) / GEMM_KC;
  const ptrdiff_t kcs = (icg + nk - 1) / nk;
  /* output channel blocks: their weights (all phases, all channels) stay in
   * L2 over the pixel panels; their accumulators fit the stack buffer */
  ptrdiff_t mc = (ptrdiff_t)(GEMM_WBYTES / (sizeof(float) * 2 * (size_t)sh * (size_t)icg));
  if (mc > GEMM_CBUF / (UPS_GEMM_TILE / 2 * sh)) mc = GEMM_CBUF / (UPS_GEMM_TILE / 2 * sh);
  mc &= ~(ptrdiff_t)3;
  if (mc < 4) mc = 4;
  float B[GEMM_KC * UPS_GEMM_NR] __attribute__((aligned(64)));
  float C[GEMM_CBUF] __attribute__((aligned(64)));
  /* channel units: S slices of UPS_DECONV_OC_SLICE output channels per group
   * (S = 1: the whole group; kernel.h);
   * a range's slices of one group run as one channel span [oc_lo, oc_hi),
   * blocked as the whole group would be: every pair of output channels is
   * computed the same way wherever its block starts */
  const size_t S = ups_deconv_oc_units(d);
  for (size_t n = rg->n0; n < rg->n1; n++)
    for (size_t cu = rg->c0; cu < rg->c1;) {
      const size_t grp = cu / S, s_end = (grp + 1) * S < rg->c1 ? (grp + 1) * S : rg->c1;
      const ptrdiff_t oc_lo = (ptrdiff_t)(cu - grp * S) * UPS_DECONV_OC_SLICE;
      ptrdiff_t oc_hi = (ptrdiff_t)(s_end - grp * S) * UPS_DECONV_OC_SLICE;
      if (s_end == (grp + 1) * S || oc_hi > ocg) oc_hi = ocg; /* to the group's end */
      cu = s_end;
      const float *wg = d->w + (ptrdiff_t)grp * gf;
      const float *bias = d->bias + (ptrdiff_t)grp * ocpad;
      const float *x = in + ((ptrdiff_t)n * cin + (ptrdiff_t)grp * icg) * P;
      float *y = out + ((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * plane;
      for (ptrdiff_t ob0 = oc_lo; ob0 < oc_hi; ob0 += mc) {
        const ptrdiff_t ob1 = ob0 + mc < oc_hi ? ob0 + mc : oc_hi;
        for (ptrdiff_t q0 = q_lo; q0 < q_hi; q0 += UPS_GEMM_NR) {
          const ptrdiff_t cnt = q_hi - q0 < UPS_GEMM_NR ? q_hi - q0 : UPS_GEMM_NR;
          for (ptrdiff_t c0 = 0; c0 < icg; c0 += kcs) {
            const ptrdiff_t kc = icg - c0 < kcs ? icg - c0 : kcs;
            /* pack the panel [kc][UPS_GEMM_NR] */
            const float *xs = x + c0 * P + q0;
            if (cnt == UPS_GEMM_NR) {
              const int pf = GEMM_PF && q0 + 2 * UPS_GEMM_NR <= q_hi;
              for (ptrdiff_t c = 0; c < kc; c++) {
                if (pf) gemm_prefetch_next(xs + c * P);
                vf a[UPS_GEMM_NV];
                _Pragma("GCC unroll 4")
                for (int v = 0; v < UPS_GEMM_NV; v++) a[v] = vf_loadu(xs + c * P + UPS_V * v);
                _Pragma("GCC unroll 4")
                for (int v = 0; v < UPS_GEMM_NV; v++) vf_store(B + c * UPS_GEMM_NR + UPS_V * v, a[v]);
              }
            } else {
              for (ptrdiff_t c = 0; c < kc; c++) {
                ptrdiff_t u = 0;
                for (; u < cnt; u++) B[c * UPS_GEMM_NR + u] = xs[c * P + u];
                for (; u < UPS_GEMM_NR; u++) B[c * UPS_GEMM_NR + u] = 0.0f;
              }
            }
            for (ptrdiff_t ob = ob0; ob < ob1; ob += 2) {
              const ptrdiff_t wo = icg * (ob & ~(ptrdiff_t)3) + c0 * 4 + (ob & 3);
              float *cb = C + (ob - ob0) / 2 * sh * UPS_GEMM_TILE;
              for (ptrdiff_t ry = 0; ry < sh; ry++) {
                const float *w0 = wg + (2 * ry) * per_tap + wo;
                gemm_tab[c0 > 0][1](B, kc, 1, 1, w0, w0 + per_tap, 0, bias + ob,
                                    cb + ry * UPS_GEMM_TILE);
              }
            }
          }
          gemm_vec vec[UPS_GEMM_NV];
          gemm_vecs(q0, in_w, row_step, vec);
          for (ptrdiff_t ob = ob0; ob < ob1; ob += 2) {
            const ptrdiff_t no = ocg - ob < 2 ? ocg - ob : 2;
            const float *cb = C + (ob - ob0) / 2 * sh * UPS_GEMM_TILE;
            for (ptrdiff_t ry = 0; ry < sh; ry++)
              gemm_store(cb + ry * UPS_GEMM_TILE, y + ob * plane + ry * out_w, plane, no, vec, cnt,
                         in_w, row_step);
          }
        }
      }
    }
}

/* GEMM_TAPS (stride 2 along x with the same tap count in both x phases, e.g.
 * k4 s2 p1, every weight finite): per y phase ry, a GEMM over the flattened
 * phase pixels with K = (tap, input channel). Each tap (ty, tx) of x phase u
 * reads the input shifted by (sy, sx): its panel [kc][UPS_GEMM_NR] is packed with
 * zeros outside the input (0 * w == 0 as every w is finite). The micro-kernel
 * is the GEMM one with one panel per x phase. */
#ifndef G2_PANEL_FLOATS
#define G2_PANEL_FLOATS 8192 /* 32 KiB of stack panels */
#endif
#ifndef G2_CBUF
#define G2_CBUF 12288 /* 48 KiB of stack accumulators */
#endif

/* How one vector of a panel is filled: kind 0 zeros, 1 a masked load at off
 * (lanes in mask), 2 per lane (src[l] < 0: zero), 3 (shims with
 * vf_maskload_into) up to G2_RUNS masked loads, run r's lanes from
 * roff[r] + lane: a vector that spans several short rows (16 lanes over
 * rows of 8 pixels) costs a few loads instead of UPS_V scalar copies. */
enum { G2_RUNS = 4 };
typedef struct g2_src {
  int kind, nrun;
  vmask mask;
  ptrdiff_t off;
  ptrdiff_t src[UPS_V];
  vmask rmask[G2_RUNS];
  ptrdiff_t roff[G2_RUNS];
} g2_src;

/* Kind 3 for s (src[] filled) when its valid lanes form at most G2_RUNS runs
 * of consecutive sources. */
static void g2_runs(g2_src *s) {
#ifdef UPS_HAVE_MASKLOAD_INTO
  int nr = 0;
  for (ptrdiff_t l = 0; l < UPS_V;) {
    if (s->src[l] < 0) {
      l++;
      continue;
    }
    ptrdiff_t e = l + 1;
    while (e < UPS_V && s->src[e] >= 0 && s->src[e] == s->src[l] + (e - l)) e++;
    if (nr == G2_RUNS) return;
    s->rmask[nr] = vm_range(l, e);
    s->roff[nr] = s->src[l] - l;
    nr++;
    l = e;
  }
  s->kind = nr ? 3 : 0; /* no valid lane: zeros */
  s->nrun = nr;
#else
  (void)s;
#endif
}

static void nchw_gemm2(const ups_deconv_plan_data *d, const float *in, float *out,
                       const ups_range *rg) {
  const ups_deconv_geom *g = &d->g;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, ocg = (ptrdiff_t)g->oc_g;
  const ptrdiff_t ocpad = (ptrdiff_t)d->ocpad, per_tap = (ptrdiff_t)d->per_tap;
  const ptrdiff_t gf = (ptrdiff_t)d->group_floats;
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t in_h = (ptrdiff_t)g->in_h, in_w = (ptrdiff_t)g->in_w, xc = in_h * in_w;
  const ptrdiff_t out_h = (ptrdiff_t)g->out_h, out_w = (ptrdiff_t)g->out_w;
  const ptrdiff_t sh = (ptrdiff_t)g->sh, nw = out_w / 2;
  const ptrdiff_t plane = out_h * out_w, row_step = sh * out_w;
  ups_axis_phase ax[2];
  ups_phase_x(g, 0, &ax[0]);
  ups_phase_x(g, 1, &ax[1]);
  const ptrdiff_t ntx = ax[0].n;
  const size_t nph = ups_n_phases(g->sh, g->out_h);
  ptrdiff_t wofs[UPS_GEMM_MAX_SH], taps_all_ph = 0;
  for (size_t ry = 0; ry < nph; ry++) {
    ups_axis_phase ay;
    ups_phase_y(g, ry, &ay);
    wofs[ry] = taps_all_ph * per_tap;
    taps_all_ph += 2 * ay.n * ntx;
  }
  float Bp[G2_PANEL_FLOATS] __attribute__((aligned(64)));
  float C[G2_CBUF] __attribute__((aligned(64)));
  for (size_t n = rg->n0; n < rg->n1; n++)
    for (size_t grp = rg->c0; grp < rg->c1; grp++) {
      const float *wg = d->w + (ptrdiff_t)grp * gf;
      const float *bias = d->bias + (ptrdiff_t)grp * ocpad;
      const float *x = in + ((ptrdiff_t)n * cin + (ptrdiff_t)grp * icg) * xc;
      float *y = out + ((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * plane;
      for (size_t ry = 0; ry < nph; ry++) {
        ups_axis_phase ay;
        ups_phase_y(g, ry, &ay);
        const ptrdiff_t nty = ay.n, ntaps = nty * ntx, npan = 2 * ntaps;
        const ptrdiff_t rows = ups_phase_len(ry, g->sh, g->out_h);
        const ptrdiff_t jlo = (ptrdiff_t)rg->y0, jhi = (ptrdiff_t)rg->y1 < rows ? (ptrdiff_t)rg->y1 : rows;
        if (jlo >= jhi) continue;
        const ptrdiff_t q_lo = jlo * nw, q_hi = jhi * nw;
        const ptrdiff_t kmax = G2_PANEL_FLOATS / (npan * UPS_GEMM_NR);
        const ptrdiff_t nk = (icg + kmax - 1) / kmax, kcs = (icg + nk - 1) / nk;
        /* all output channels the accumulators hold: the panels are packed
         * once per block (the weights stream from L2/L3) */
        ptrdiff_t mc = G2_CBUF / (UPS_GEMM_TILE / 2);
        mc &= ~(ptrdiff_t)3;
        if (mc < 4) mc = 4;
        const float *wr0 = wg + wofs[ry], *wr1 = wr0 + ntaps * per_tap;
        for (ptrdiff_t ob0 = 0; ob0 < ocg; ob0 += mc) {
          const ptrdiff_t ob1 = ob0 + mc < ocg ? ob0 + mc : ocg;
          for (ptrdiff_t q0 = q_lo; q0 < q_hi; q0 += UPS_GEMM_NR) {
            const ptrdiff_t cnt = q_hi - q0 < UPS_GEMM_NR ? q_hi - q0 : UPS_GEMM_NR;
            gemm_vec vec[UPS_GEMM_NV];
            gemm_vecs(q0, nw, row_step, vec);
            /* panel sources: panel (ty, u, tx) */
            g2_src src[2 * UPS_GEMM_TAPS_MAXT][UPS_GEMM_NV];
            for (ptrdiff_t ty = 0; ty < nty; ty++)
              for (int u = 0; u < 2; u++)
                for (ptrdiff_t tx = 0; tx < ntx; tx++) {
                  const ptrdiff_t sy = ay.off0 - ty * ay.dl, sx = ax[u].off0 - tx * ax[u].dl;
                  for (int v = 0; v < UPS_GEMM_NV; v++) {
                    g2_src *s = &src[(ty * 2 + u) * ntx + tx][v];
                    const ptrdiff_t nv = cnt - UPS_V * v;
                    const gemm_vec *gv = &vec[v];
                    s->kind = 0;
                    if (nv <= 0) continue;
                    const ptrdiff_t m = nv < UPS_V ? nv : UPS_V;
                    if (gv->run >= m) { /* one row */
                      const ptrdiff_t iy = gv->j + sy;
                      if (iy < 0 || iy >= in_h) continue;
                      const ptrdiff_t ix = gv->i + sx;
                      ptrdiff_t lo = -ix, hi = in_w - ix; /* valid lanes [lo, hi) */
                      if (lo < 0) lo = 0;
                      if (hi > m) hi = m;
                      if (hi <= lo) continue;
                      s->kind = 1;
                      s->off = iy * in_w + ix;
                      s->mask = vm_range(lo, hi);
                    } else {
                      s->kind = 2;
                      ptrdiff_t j = gv->j, i = gv->i;
                      for (ptrdiff_t l = 0; l < UPS_V; l++) {
                        s->src[l] = -1;
                        if (l < m) {
                          const ptrdiff_t iy = j + sy, ix = i + sx;
                          if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
                            s->src[l] = iy * in_w + ix;
                        }
                        if (++i == nw) i = 0, j++;
                      }
                      g2_runs(s);
                    }
                  }
                }
            for (ptrdiff_t c0 = 0; c0 < icg; c0 += kcs) {
              const ptrdiff_t kc = icg - c0 < kcs ? icg - c0 : kcs;
              for (ptrdiff_t pi = 0; pi < npan; pi++) {
                float *bp = Bp + pi * kc * UPS_GEMM_NR;
                for (int v = 0; v < UPS_GEMM_NV; v++) {
                  const g2_src *s = &src[pi][v];
                  float *dv = bp + UPS_V * v;
                  const float *xs = x + c0 * xc;
                  if (s->kind == 0) {
                    for (ptrdiff_t c = 0; c < kc; c++) vf_store(dv + c * UPS_GEMM_NR, vf_zero());
                  } else if (s->kind == 1) {
                    /* the pointer is only dereferenced in the mask's lanes */
                    for (ptrdiff_t c = 0; c < kc; c++)
                      vf_store(dv + c * UPS_GEMM_NR, vf_maskload(xs + c * xc + s->off, s->mask));
#ifdef UPS_HAVE_MASKLOAD_INTO
                  } else if (s->kind == 3) {
                    /* each load is only dereferenced in its run's lanes */
                    for (ptrdiff_t c = 0; c < kc; c++) {
                      const float *xc_ = xs + c * xc;
                      vf t = vf_maskload(xc_ + s->roff[0], s->rmask[0]);
                      for (int r = 1; r < s->nrun; r++)
                        t = vf_maskload_into(t, xc_ + s->roff[r], s->rmask[r]);
                      vf_store(dv + c * UPS_GEMM_NR, t);
                    }
#endif
                  } else {
                    for (ptrdiff_t c = 0; c < kc; c++)
                      for (int l = 0; l < UPS_V; l++)
                        dv[c * UPS_GEMM_NR + l] = s->src[l] >= 0 ? xs[c * xc + s->src[l]] : 0.0f;
                  }
                }
              }
              for (ptrdiff_t ob = ob0; ob < ob1; ob += 2) {
                const ptrdiff_t wo = ntaps * icg * (ob & ~(ptrdiff_t)3) + c0 * 4 + (ob & 3);
                gemm_tab[c0 > 0][0](Bp, kc, nty, ntx, wr0 + wo, wr1 + wo, icg * 4, bias + ob,
                                    C + (ob - ob0) / 2 * UPS_GEMM_TILE);
              }
            }
            for (ptrdiff_t ob = ob0; ob < ob1; ob += 2) {
              const ptrdiff_t no = ocg - ob < 2 ? ocg - ob : 2;
              gemm_store(C + (ob - ob0) / 2 * UPS_GEMM_TILE, y + ob * plane + (ptrdiff_t)ry * out_w,
                         plane, no, vec, cnt, nw, row_step);
            }
          }
        }
      }
    }
}

/* ------------------------------------------------------------ PHASES path */

/* One phase (ry, rx) of one image and group: phase rows [jlo, jhi). */
static void phase_rows(const ups_deconv_plan_data *d, const float *in, float *out, size_t n,
                       size_t grp, size_t rx, const ups_axis_phase *ay, const float *wph,
                       ptrdiff_t ry, ptrdiff_t jlo, ptrdiff_t jhi) {
  const ups_deconv_geom *g = &d->g;
  const ptrdiff_t cin = (ptrdiff_t)(g->groups * g->ic_g), cout = (ptrdiff_t)(g->groups * g->oc_g);
  const ptrdiff_t in_h = (ptrdiff_t)g->in_h, in_w = (ptrdiff_t)g->in_w;
  const ptrdiff_t out_h = (ptrdiff_t)g->out_h, out_w = (ptrdiff_t)g->out_w;
  const ptrdiff_t icg = (ptrdiff_t)g->ic_g, ocg = (ptrdiff_t)g->oc_g;
  const ptrdiff_t sh = (ptrdiff_t)g->sh, per_tap = (ptrdiff_t)d->per_tap;
  const int dot = d->nhwc_dot;
  ups_axis_phase ax;
  ups_phase_x(g, rx, &ax);
  const ptrdiff_t nw = ups_phase_len(rx, g->sw, g->out_w);
  row_ctx r;
  r.d = d;
  r.g = g;
  r.wph = wph;
  r.bias = d->bias + grp * d->ocpad;
  r.ax = ax;
  r.ntaps_x = ax.n;
  r.ntaps = ay->n * ax.n;
  r.noc = ocg;
  r.oc_lo = 0;
  r.oc_hi = ocg;
  /* NHWC with a phase's weights too big for L2: one output-channel tile at a
   * time over all rows (weights read once per tile, the smaller input once
   * per tile) instead of all tiles per row */
  const int tile_outer = g->nhwc && !dot && ocg > 24 &&
                         r.ntaps * per_tap * (ptrdiff_t)sizeof(float) > (256 << 10);
  /* pixels with every x tap inside the input */
  ptrdiff_t ilo = ax.n ? (ax.n - 1) * ax.dl - ax.off0 : nw;
  ptrdiff_t ihi = ax.n ? in_w - ax.off0 : nw;
  if (ilo < 0) ilo = 0;
  if (ihi > nw) ihi = nw;
  if (ilo > nw) ilo = nw;
  if (ihi < ilo) ihi = ilo;
  for (ptrdiff_t pass_lo = 0; pass_lo < ocg;) {
    if (tile_outer) {
      r.oc_lo = pass_lo;
      r.oc_hi = pass_lo + (ptrdiff_t)ups_nhwc_tile_w((size_t)(ocg - pass_lo), UPS_V);
      if (r.oc_hi > ocg) r.oc_hi = ocg;
    }
    pass_lo = r.oc_hi;
    for (ptrdiff_t j = jlo; j < jhi; j++) {
      const ptrdiff_t oy = ry + j * sh;
      ptrdiff_t t0y, t1y;
      ups_tap_range(ay, j, in_h, &t0y, &t1y);
      r.t0y = t0y;
      r.nty = t1y - t0y;
      const ptrdiff_t iy = j + ay->off0 - t0y * ay->dl;
      if (g->nhwc) {
        r.x_row = in + ((ptrdiff_t)n * in_h + iy) * in_w * cin + (ptrdiff_t)grp * icg;
        r.x_ty = -ay->dl * in_w * cin;
        r.y_row = out + (((ptrdiff_t)n * out_h + oy) * out_w + (ptrdiff_t)rx) * cout +
                  (ptrdiff_t)grp * ocg;
      } else {
        r.x_row = in + (((ptrdiff_t)n * cin + (ptrdiff_t)grp * icg) * in_h + iy) * in_w;
        r.x_ty = -ay->dl * in_w;
        r.y_row = out + (((ptrdiff_t)n * cout + (ptrdiff_t)grp * ocg) * out_h + oy) * out_w +
                  (ptrdiff_t)rx;
      }
      if (r.nty <= 0 || ax.n == 0) {
        fill_bias_row(&r, 0, nw);
        continue;
      }
      if (!g->nhwc && d->finite && nchw_chunk(&r) >= (nw < NCHW_MIN_CHUNK ? nw : NCHW_MIN_CHUNK)) {
        /* whole row through the kernels, out-of-range columns read as 0 */
        nchw_pixels(&r, 0, nw, 1);
        continue;
      }
      /* borders: per pixel, x taps clipped */
      for (ptrdiff_t i = 0; i < nw; i++) {
        if (i == ilo && ihi > ilo) i = ihi;
        if (i >= nw) break;
        ptrdiff_t t0x, t1x;
        ups_tap_range(&ax, i, in_w, &t0x, &t1x);
        if (t1x <= t0x) {
          fill_bias_row(&r, i, i + 1);
        } else if (dot) {
          dot_pixels(&r, i, 1, t0x, t1x);
        } else if (g->nhwc) {
          nhwc_pixels(&r, i, 1, t0x, t1x);
        } else {
          nchw_pixel(&r, i, t0x, t1x);
        }
      }
      if (ihi > ilo) {
        if (dot)
          dot_pixels(&r, ilo, ihi - ilo, 0, ax.n);
        else if (g->nhwc)
          nhwc_pixels(&r, ilo, ihi - ilo, 0, ax.n);
        else
          nchw_pixels(&r, ilo, ihi - ilo, 0);
      }
    }
  }
}

static void phases(const ups_deconv_plan_data *d, const float *in, float *out,
                   const ups_range *rg) {
  const ups_deconv_geom *g = &d->g;
  const size_t nph = ups_n_phases(g->sh, g->out_h), npw = ups_n_phases(g->sw, g->out_w);
  const ptrdiff_t per_tap = (ptrdiff_t)d->per_tap;
  for (size_t n = rg->n0; n < rg->n1; n++)
    for (size_t grp = rg->c0; grp < rg->c1; grp++) {
      const float *wph = d->w + grp * d->group_floats;
      for (size_t ry = 0; ry < nph; ry++) {
        ups_axis_phase ay;
        ups_phase_y(g, ry, &ay);
        const ptrdiff_t rows = ups_phase_len(ry, g->sh, g->out_h);
        const ptrdiff_t jlo = (ptrdiff_t)rg->y0, jhi = (ptrdiff_t)rg->y1 < rows ? (ptrdiff_t)rg->y1 : rows;
        if (jlo < jhi && !g->nhwc && d->finite &&
            nchw_rows_combined(d, in, out, n, grp, ry, &ay, wph, d->bias + grp * d->ocpad, jlo,
                               jhi)) {
          for (size_t rx = 0; rx < npw; rx++) {
            ups_axis_phase ax;
            ups_phase_x(g, rx, &ax);
            wph += ay.n * ax.n * per_tap;
          }
          continue;
        }
        for (size_t rx = 0; rx < npw; rx++) {
          if (jlo < jhi) phase_rows(d, in, out, n, grp, rx, &ay, wph, (ptrdiff_t)ry, jlo, jhi);
          ups_axis_phase ax;
          ups_phase_x(g, rx, &ax);
          wph += ay.n * ax.n * per_tap;
        }
      }
    }
}

void UPS_ISA_FN(ups_deconv_run)(const ups_deconv_plan_data *d, const float *in, float *out,
                                const ups_range *r) {
  switch (d->path) {
    case UPS_DECONV_GEMM: nchw_gemm(d, in, out, r); return;
    case UPS_DECONV_GEMM_TAPS: nchw_gemm2(d, in, out, r); return;
    default: phases(d, in, out, r); return;
  }
}

#endif /* UPSIMD_DECONV_TPL_H */
