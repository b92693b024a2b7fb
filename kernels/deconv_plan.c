/* deconv_plan.c — the deconvolution strategy and the one weight packer of all
 * SIMD variants, parameterised by the variant's vector width
 * (ups_deconv_isa.lanes). Both run once, at plan creation; the drivers
 * (kernels/deconv_tpl.h) follow the decisions stored in the plan data.
 *
 * Paths (ups_deconv_path), measured on AVX2 (Zen 5):
 * - PHASES: NHWC tiles of output channels along the lanes (1-3 vectors x up
 *   to 12 pixels); NHWC dot products along the input channels when there are
 *   few output channels; NCHW tiles of pixels along the lanes x 4 output
 *   channels.
 * - GEMM (NCHW, kernel == stride, stride 2 along x, no pads or dilation along
 *   x, >= 16 input channels, e.g. U-Net k2 s2): every phase is a 1x1
 *   convolution, a GEMM over the flattened input pixels.
 * - GEMM_TAPS (NCHW, stride 2 along x with equal x tap counts, e.g. k4 s2
 *   p1, every weight finite, >= 64 input channels, and few pixels per phase
 *   for the channel count or too many channels for the PHASES row tile, e.g.
 *   the SD-VAE upconv block, 512 ch on 64x64): per y phase one GEMM with
 *   K = (tap, channel); better than the row tiles on small images with many
 *   channels, and than the direct reads of ic planes that PHASES falls back
 *   to without its tile; worse than the tile on large images with 64-128
 *   channels.
 *
 * Packed buffer: the bias [groups][ocpad] (merge: [groups][4], the bias in
 * every lane), padded to 64 bytes, then the weights
 * [groups][ry][rx][oc tile][ty][tx][ic][tile] (dot:
 * [groups][ry][rx][o][ty][tx][ic padded to lanes]; NCHW tiles are 4 wide),
 * phases without taps packing nothing, then for `merge` the merged-phase copy
 * (block of phases rx0.. at the place of phase rx0, [ty][tx][ic][4]). The
 * reference path holds the canonical weights, then the bias. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deconv_geom.h"
#include "internal.h"

/* Strategy thresholds (measured on AVX2, Zen 5). */
enum {
  DOT_MIN_IC = 8,       /* NHWC dot products: oc_g <= 4 and ic_g >= this */
  GEMM_MIN_IC = 16,     /* GEMM: enough channels to amortise the panels */
  GEMM_TAPS_MIN_IC = 64
};

static int mul_ok(size_t a, size_t b, size_t *r) {
  if (a != 0 && b > (size_t)-1 / a) return 0;
  *r = a * b;
  return 1;
}

/* No early exit: the loop vectorises (a break per element made packing a
 * 64x64x4x4 kernel ~8x slower than copying it). */
static int all_finite(const float *w, size_t n) {
  uint32_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t b;
    memcpy(&b, &w[i], sizeof b);
    bad |= (b & 0x7f800000u) == 0x7f800000u;
  }
  return !bad;
}

static int gemm_applies(const ups_deconv_geom *g) {
  return !g->nhwc && g->sw == 2 && g->kw == 2 && g->dw == 1 && g->pad_left == 0 &&
         g->out_w == 2 * g->in_w && g->kh == g->sh && (g->dh == 1 || g->kh == 1) &&
         g->pad_top == 0 && g->out_h == g->sh * g->in_h && g->sh <= UPS_GEMM_MAX_SH &&
         g->ic_g >= GEMM_MIN_IC && g->oc_g >= 2;
}

static int gemm_taps_applies(const ups_deconv_geom *g, size_t lanes, int finite) {
  if (g->nhwc || !finite || g->sw != 2 || g->out_w % 2 != 0 || g->sh > UPS_GEMM_MAX_SH ||
      g->ic_g < GEMM_TAPS_MIN_IC || g->oc_g < 2)
    return 0;
  ups_axis_phase a0, a1;
  ups_phase_x(g, 0, &a0);
  ups_phase_x(g, 1, &a1);
  if (a0.n < 1 || a0.n != a1.n) return 0;
  const size_t nph = ups_n_phases(g->sh, g->out_h);
  size_t nty = 0;
  for (size_t ry = 0; ry < nph; ry++) {
    ups_axis_phase ay;
    ups_phase_y(g, ry, &ay);
    if (ay.n < 1 || ay.n * a0.n > UPS_GEMM_TAPS_MAXT) return 0;
    if ((size_t)ay.n > nty) nty = (size_t)ay.n;
  }
  /* Few pixels per phase for the channel count: the GEMM. Otherwise only
   * when the PHASES row tile cannot hold the narrowest chunk of the tallest
   * phase (its kernels would read ic_g input planes directly, planes that
   * alias in L1: SD-VAE 512 ch on 64x64 at 0.27 of the FMA peak there, 0.75
   * here; with the tile, e.g. 64-128 channels on 64x64, PHASES is faster). */
  if ((g->out_h + g->sh - 1) / g->sh * (g->out_w / 2) <= 2 * g->ic_g) return 1;
  const size_t halo = (size_t)((a0.n - 1) * a0.dl);
  return g->ic_g * nty * (UPS_NCHW_MIN_CHUNK_V * lanes + halo) > UPS_NCHW_TILE_FLOATS;
}

int ups_deconv_plan_choose(const ups_deconv_geom *g, const ups_deconv_ops *ops,
                           ups_deconv_plan_data *d) {
  memset(d, 0, sizeof *d);
  d->g = *g;
  const size_t kk = g->kh * g->kw;
  if (!ops->isa) {
    d->path = UPS_DECONV_REFERENCE;
    d->ocpad = g->oc_g;
    d->icpad = g->ic_g;
    d->per_tap = g->ic_g * g->oc_g;
    d->group_floats = g->ic_g * g->oc_g * kk;
    return 1;
  }
  const size_t V = ops->isa->lanes;
  d->path = UPS_DECONV_PHASES; /* until the weights are seen (pack) */
  d->lanes = V;
  d->nhwc_dot = g->nhwc && g->oc_g <= 4 && g->ic_g >= DOT_MIN_IC;
  d->merge = !g->nhwc && g->oc_g == 1;
  d->ocpad = d->nhwc_dot ? g->oc_g : g->nhwc ? ups_nhwc_ocpad(g->oc_g, V) : ups_nchw_ocpad(g->oc_g);
  d->icpad = d->nhwc_dot ? (g->ic_g + V - 1) / V * V : g->ic_g;
  const size_t ty = ups_taps_all(g->kh, g->sh, g->dh, g->pad_top, g->out_h);
  const size_t tx = ups_taps_all(g->kw, g->sw, g->dw, g->pad_left, g->out_w);
  size_t t;
  return mul_ok(d->ocpad, d->icpad, &d->per_tap) && mul_ok(ty, tx, &t) &&
         mul_ok(t, d->per_tap, &d->group_floats);
}

/* Floats of the bias area, rounded up to 64 bytes (the weights start aligned). */
static size_t bias_floats(const ups_deconv_plan_data *d) {
  return (d->g.groups * d->ocpad + 15) & ~(size_t)15;
}

size_t ups_deconv_plan_bytes(const ups_deconv_plan_data *d) {
  size_t wf, all;
  if (!mul_ok(d->group_floats, d->g.groups * (d->merge ? 2 : 1), &wf)) return (size_t)-1;
  const size_t bf = d->path == UPS_DECONV_REFERENCE ? d->g.groups * d->g.oc_g : bias_floats(d);
  if (wf > (size_t)-1 - bf || !mul_ok(wf + bf, sizeof(float), &all))
    return (size_t)-1; /* the plan's allocation fails: UPS_ERR_NOMEM */
  return all;
}

/* ---------------------------------------------------------------- packing
 *
 * Every tap of the weights goes to the [ic][lanes] block of its phase. The
 * first packer moved one float at a time, reading with a stride of kh*kw
 * floats, one phase at a time (the tensor re-read once per phase): 1-3 ns
 * per float, 4-40x the scalar plan's memcpy; and NHWC plans first turned the
 * HWOI weights into the canonical order. Now the weights are read in their
 * own order (IOHW or HWOI) along their unit stride (taps, or input
 * channels), 4 rows x 4 columns are transposed in registers, and runs of such
 * blocks (along the other dimension: input channels, or columns) go to
 * places the per-axis tap tables give. GNU vector extensions keep this
 * baseline code (SSE2, AdvSIMD): no ISA flag. */

typedef float pk_v4 __attribute__((vector_size(16)));
typedef uint32_t pk_u4 __attribute__((vector_size(16)));

enum {
  PK_CHUNK = 256,     /* taps per place table (a 16x16 kernel in one) */
  PK_AXIS_STACK = 64  /* kernel sizes whose axis tables live on the stack */
};

static inline pk_v4 pk_load(const float *p) {
  pk_v4 v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline void pk_store(float *p, pk_v4 v) { memcpy(p, &v, sizeof v); }

/* Sign bit set in a lane whose exponent is all ones (inf or NaN): finiteness
 * is checked on the values being moved, not in a second pass. */
static inline pk_u4 pk_nonfinite(pk_v4 v) {
  pk_u4 b;
  memcpy(&b, &v, sizeof b);
  return (b & 0x7fffffffu) + 0x00800000u;
}

/* The run of nc 4x4 blocks: block b is 4 columns of rows r[j] + b*rs (rows
 * j >= nr are zeros), transposed: column j to d[j] + b*ds; chk: check
 * finiteness. nr and chk are constants where inlined. */
static inline __attribute__((always_inline)) pk_u4 blocks_n(size_t nr, int chk,
                                                           const float *const r[4], size_t rs,
                                                           float *const d[4], size_t ds,
                                                           size_t nc) {
  const float *r0 = r[0], *r1 = r[1], *r2 = r[2], *r3 = r[3];
  float *d0 = d[0], *d1 = d[1], *d2 = d[2], *d3 = d[3];
  const pk_v4 z = {0.0f, 0.0f, 0.0f, 0.0f};
  pk_u4 bad = {0, 0, 0, 0};
  for (size_t b = 0; b < nc; b++) {
    const size_t ir = b * rs, id = b * ds;
    const pk_v4 a = nr > 0 ? pk_load(r0 + ir) : z, e = nr > 1 ? pk_load(r1 + ir) : z;
    const pk_v4 c = nr > 2 ? pk_load(r2 + ir) : z, f = nr > 3 ? pk_load(r3 + ir) : z;
    if (chk && nr > 0) bad |= pk_nonfinite(a);
    if (chk && nr > 1) bad |= pk_nonfinite(e);
    if (chk && nr > 2) bad |= pk_nonfinite(c);
    if (chk && nr > 3) bad |= pk_nonfinite(f);
    const pk_v4 t0 = __builtin_shufflevector(a, e, 0, 4, 1, 5);
    const pk_v4 t1 = __builtin_shufflevector(a, e, 2, 6, 3, 7);
    const pk_v4 t2 = __builtin_shufflevector(c, f, 0, 4, 1, 5);
    const pk_v4 t3 = __builtin_shufflevector(c, f, 2, 6, 3, 7);
    pk_store(d0 + id, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
    pk_store(d1 + id, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
    pk_store(d2 + id, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
    pk_store(d3 + id, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
  }
  return bad;
}

/* One column: element r[j][b*rs] (zero for j >= nr) to lane j of d + b*ds. */
static inline __attribute__((always_inline)) pk_u4 column_n(size_t nr, const float *const r[4],
                                                           size_t rs, float *d, size_t ds,
                                                           size_t nc) {
  pk_u4 bad = {0, 0, 0, 0};
  for (size_t b = 0; b < nc; b++) {
    const size_t ir = b * rs;
    const pk_v4 v = {nr > 0 ? r[0][ir] : 0.0f, nr > 1 ? r[1][ir] : 0.0f, nr > 2 ? r[2][ir] : 0.0f,
                     nr > 3 ? r[3][ir] : 0.0f};
    bad |= pk_nonfinite(v);
    pk_store(d + b * ds, v);
  }
  return bad;
}

typedef struct pk_ctx {
  const ups_deconv_plan_data *d;
  const float *w;
  int hwoi;               /* weights [kh][kw][oc_g][in_c], else [in_c][oc_g][kh][kw] */
  size_t sg, sc, so, sk;  /* strides of group, input and output channel, tap */
  size_t txall;           /* taps of all x phases */
  int present;            /* every tap is in a present phase */
  int check;              /* finiteness is read by the plan's drivers */
  pk_u4 bad;              /* pk_nonfinite of the values moved, or-ed */
} pk_ctx;

static void blocks(pk_ctx *x, size_t nr, const float *const r[4], size_t rs, float *const d[4],
                   size_t ds, size_t nc) {
#define PK_BLOCKS(n, chk) x->bad |= blocks_n(n, chk, r, rs, d, ds, nc)
  if (x->check) {
    switch (nr) {
      case 0: PK_BLOCKS(0, 1); break;
      case 1: PK_BLOCKS(1, 1); break;
      case 2: PK_BLOCKS(2, 1); break;
      case 3: PK_BLOCKS(3, 1); break;
      default: PK_BLOCKS(4, 1); break;
    }
  } else {
    switch (nr) {
      case 0: PK_BLOCKS(0, 0); break;
      case 1: PK_BLOCKS(1, 0); break;
      case 2: PK_BLOCKS(2, 0); break;
      case 3: PK_BLOCKS(3, 0); break;
      default: PK_BLOCKS(4, 0); break;
    }
  }
#undef PK_BLOCKS
}

static void column(pk_ctx *x, size_t nr, const float *const r[4], size_t rs, float *d, size_t ds,
                   size_t nc) {
  switch (nr) {
    case 0: x->bad |= column_n(0, r, rs, d, ds, nc); break;
    case 1: x->bad |= column_n(1, r, rs, d, ds, nc); break;
    case 2: x->bad |= column_n(2, r, rs, d, ds, nc); break;
    case 3: x->bad |= column_n(3, r, rs, d, ds, nc); break;
    default: x->bad |= column_n(4, r, rs, d, ds, nc); break;
  }
}

/* nr rows r[j] with unit stride, n columns, column i to d + i*ds: the 4x4
 * blocks, then the last n % 4 columns one by one. */
static void rows_to_columns(pk_ctx *x, size_t nr, const float *const r[4], float *d, size_t ds,
                            size_t n) {
  if (n >= 4) {
    float *const dd[4] = {d, d + ds, d + 2 * ds, d + 3 * ds};
    blocks(x, nr, r, 4, dd, 4 * ds, n / 4);
  }
  for (size_t i = n / 4 * 4; i < n; i++) {
    const float *const ri[4] = {r[0] + i, r[1] + i, r[2] + i, r[3] + i};
    column(x, nr, ri, 0, d + i * ds, 0, 1);
  }
}

/* Per tap along one axis: its phase's tap count n (0: no phase present), the
 * taps of the phases before it (cum) and its index in its phase (t). */
typedef struct pk_axis {
  size_t cum, n, t;
} pk_axis;

/* Returns the taps of all phases (ups_taps_all). */
static size_t axis_taps(size_t k, size_t s, size_t d, size_t pad, size_t out, pk_axis *a) {
  for (size_t i = 0; i < k; i++) a[i] = (pk_axis){0, 0, 0};
  const size_t np = ups_n_phases(s, out);
  size_t cum = 0;
  for (size_t r = 0; r < np; r++) {
    ups_axis_phase ph;
    ups_phase_of(r, pad, k, s, d, &ph);
    for (ptrdiff_t t = 0; t < ph.n; t++)
      a[ph.k0 + t * ph.step] = (pk_axis){cum, (size_t)ph.n, (size_t)t};
    cum += (size_t)ph.n;
  }
  return cum;
}

/* Where taps [k0, k0+n) (k = ky*kw + kx) go in a group's packed weights, for
 * a block of T lanes at lane oc0 with ci input channels per tap:
 * at[i] + ci * (oc0 * ntaps[i] + T * t[i]) (its phase (ry, rx), then its lane
 * block, then its index in the phase); ntaps[i] == 0: a tap of no present
 * phase, packed nowhere. */
typedef struct pk_taps {
  size_t at[PK_CHUNK], ntaps[PK_CHUNK], t[PK_CHUNK];
} pk_taps;

static void tap_places(const ups_deconv_plan_data *d, const pk_axis *ys, const pk_axis *xs,
                       size_t txall, size_t k0, size_t n, pk_taps *tp) {
  const size_t kw = d->g.kw;
  size_t ky = k0 / kw, kx = k0 % kw;
  for (size_t i = 0; i < n; i++) {
    const pk_axis *y = &ys[ky], *a = &xs[kx];
    tp->at[i] = d->per_tap * (y->cum * txall + y->n * a->cum);
    tp->ntaps[i] = y->n * a->n;
    tp->t[i] = y->t * a->n + a->t;
    if (++kx == kw) kx = 0, ky++;
  }
}

static inline float *tap_dst(float *pg, const pk_taps *tp, size_t i, size_t oc0, size_t T,
                             size_t ci) {
  return pg + tp->at[i] + ci * (oc0 * tp->ntaps[i] + T * tp->t[i]);
}

/* Weight (group, input channel, output channel, tap). */
static inline const float *pk_at(const pk_ctx *x, size_t grp, size_t c, size_t o, size_t k) {
  return x->w + grp * x->sg + c * x->sc + o * x->so + k * x->sk;
}

/* Lanes l0.. of a tile at oc0 with `valid` lanes: how many of the 4 are real. */
static inline size_t lanes_in(size_t l0, size_t valid) {
  return valid <= l0 ? 0 : valid - l0 < 4 ? valid - l0 : 4;
}

/* The channel row j of 4 starting at o0 reads, nr of them real: the zero
 * rows point at a real one (never read; keeps the pointers in the tensor). */
static inline size_t row_of(size_t o0, size_t j, size_t nr) {
  return nr ? o0 + (j < nr ? j : nr - 1) : 0;
}

/* Tiles: per phase [oc tile][ty][tx][ic][T], lanes past oc_g zero. */
static void pack_tiles(pk_ctx *x, const pk_taps *tp, size_t k0, size_t n, float *pw) {
  const ups_deconv_plan_data *d = x->d;
  const ups_deconv_geom *g = &d->g;
  const size_t oc = g->oc_g, icg = g->ic_g;
  for (size_t grp = 0; grp < g->groups; grp++) {
    float *pg = pw + grp * d->group_floats;
    if (x->hwoi) { /* per tap: rows of output channels, columns of input channels */
      for (size_t oc0 = 0, T; oc0 < d->ocpad; oc0 += T) {
        T = g->nhwc ? ups_nhwc_tile_w(oc - oc0, d->lanes) : 4;
        const size_t valid = oc - oc0 < T ? oc - oc0 : T;
        for (size_t i = 0; i < n; i++) {
          if (!tp->ntaps[i]) continue;
          float *q = tap_dst(pg, tp, i, oc0, T, icg);
          for (size_t l0 = 0; l0 < T; l0 += 4) {
            const size_t nr = lanes_in(l0, valid);
            const float *r[4];
            for (size_t j = 0; j < 4; j++) r[j] = pk_at(x, grp, 0, row_of(oc0 + l0, j, nr), k0 + i);
            rows_to_columns(x, nr, r, q + l0, T, icg);
          }
        }
      }
      continue;
    }
    /* IOHW: rows of output channels, columns of taps, blocks along the input
     * channels; cb channels per pass over the tiles, so every pass reads a few
     * contiguous rows of the weights. Rows read again for the next 4 taps
     * must stay in L1, where channels a power of two apart share a set: 8
     * then; one pass of 4 taps reads them once: 32, longer runs. */
    const size_t cb = n > 4 ? 8 : 32;
    for (size_t c0 = 0; c0 < icg; c0 += cb) {
      const size_t nc = icg - c0 < cb ? icg - c0 : cb;
      for (size_t oc0 = 0, T; oc0 < d->ocpad; oc0 += T) {
        T = g->nhwc ? ups_nhwc_tile_w(oc - oc0, d->lanes) : 4;
        const size_t valid = oc - oc0 < T ? oc - oc0 : T;
        for (size_t l0 = 0; l0 < T; l0 += 4) {
          const size_t nr = lanes_in(l0, valid);
          const float *r[4];
          for (size_t j = 0; j < 4; j++) r[j] = pk_at(x, grp, c0, row_of(oc0 + l0, j, nr), k0);
          size_t i = 0;
          if (x->present)
            for (; i + 4 <= n; i += 4) {
              const float *const ri[4] = {r[0] + i, r[1] + i, r[2] + i, r[3] + i};
              float *const di[4] = {tap_dst(pg, tp, i, oc0, T, icg) + c0 * T + l0,
                                    tap_dst(pg, tp, i + 1, oc0, T, icg) + c0 * T + l0,
                                    tap_dst(pg, tp, i + 2, oc0, T, icg) + c0 * T + l0,
                                    tap_dst(pg, tp, i + 3, oc0, T, icg) + c0 * T + l0};
              blocks(x, nr, ri, x->sc, di, T, nc);
            }
          for (; i < n; i++) {
            if (!tp->ntaps[i]) continue;
            const float *const ri[4] = {r[0] + i, r[1] + i, r[2] + i, r[3] + i};
            column(x, nr, ri, x->sc, tap_dst(pg, tp, i, oc0, T, icg) + c0 * T + l0, T, nc);
          }
        }
      }
    }
  }
}

/* NHWC dot: per phase [o][ty][tx][ic padded to icpad]. */
static void pack_dot(pk_ctx *x, const pk_taps *tp, size_t k0, size_t n, float *pw) {
  const ups_deconv_plan_data *d = x->d;
  const ups_deconv_geom *g = &d->g;
  const size_t oc = g->oc_g, icg = g->ic_g, icp = d->icpad;
  const size_t full = icg / 4, part = icg % 4, zq = (icp - (icg + 3) / 4 * 4) / 4;
  for (size_t grp = 0; grp < g->groups; grp++) {
    float *pg = pw + grp * d->group_floats;
    for (size_t o = 0; o < oc; o++) {
      if (x->hwoi) { /* a tap's input channels are contiguous: copies (NHWC
                        drivers never read finiteness) */
        for (size_t i = 0; i < n; i++) {
          if (!tp->ntaps[i]) continue;
          float *q = tap_dst(pg, tp, i, o, 1, icp);
          memcpy(q, pk_at(x, grp, 0, o, k0 + i), icg * sizeof(float));
          for (size_t c = icg; c < icp; c++) q[c] = 0.0f;
        }
        continue;
      }
      /* IOHW: rows of 4 input channels, columns of taps, blocks along the
       * input channels (full quads, the last partial one, zero padding) */
      for (size_t i = 0; i < n;) {
        const size_t m = x->present && i + 4 <= n ? 4 : 1; /* taps in this step */
        if (m == 1 && !tp->ntaps[i]) {
          i++;
          continue;
        }
        float *q[4];
        for (size_t j = 0; j < m; j++) q[j] = tap_dst(pg, tp, i + j, o, 1, icp);
        for (size_t seg = 0; seg < 3; seg++) {
          const size_t nr = seg == 0 ? 4 : seg == 1 ? part : 0;
          const size_t nc = seg == 0 ? full : seg == 1 ? (part != 0) : zq;
          const size_t c0 = seg == 0 ? 0 : seg == 1 ? full * 4 : (icg + 3) / 4 * 4;
          if (!nc) continue;
          const float *rs[4];
          for (size_t j = 0; j < 4; j++) rs[j] = pk_at(x, grp, row_of(c0, j, nr), o, k0 + i);
          if (m == 4) {
            float *const qs[4] = {q[0] + c0, q[1] + c0, q[2] + c0, q[3] + c0};
            blocks(x, nr, rs, 4 * x->sc, qs, 4, nc);
          } else {
            column(x, nr, rs, 4 * x->sc, q[0] + c0, 4, nc);
          }
        }
        i += m;
      }
    }
  }
}

/* IOHW merged tap: lane l < m from column col[l] of each input channel's
 * taps, the other lanes zero (m is a constant where inlined). No finiteness
 * check: the tiles moved the same weights. */
static inline __attribute__((always_inline)) void merged_gather(const float *s, size_t sc,
                                                                size_t icg, const size_t *col,
                                                                size_t m, float *q) {
  for (size_t c = 0; c < icg; c++, s += sc, q += 4) {
    const pk_v4 v = {s[col[0]], m > 1 ? s[col[1]] : 0.0f, m > 2 ? s[col[2]] : 0.0f,
                     m > 3 ? s[col[3]] : 0.0f};
    pk_store(q, v);
  }
}

/* The merged-phase copy (d->merge, oc_g == 1): per group and y phase, blocks
 * of up to 4 x phases with the same input columns (ups_merge_len), each at
 * the place of its first phase's tiles, [ty][tx][ic][4], lane l from phase
 * rx0 + l. */
static void pack_merged(pk_ctx *x, const float *pw, float *pm) {
  const ups_deconv_plan_data *d = x->d;
  const ups_deconv_geom *g = &d->g;
  const size_t icg = g->ic_g;
  const size_t nph = ups_n_phases(g->sh, g->out_h), npw = ups_n_phases(g->sw, g->out_w);
  size_t ycum = 0;
  for (size_t ry = 0; ry < nph; ry++) {
    ups_axis_phase ay;
    ups_phase_y(g, ry, &ay);
    if (ay.n == 0) continue; /* packs nothing for any x phase */
    size_t m = 1, xcum = 0;
    for (size_t rx0 = 0; rx0 < npw; rx0 += m) {
      m = ups_merge_len(g, rx0, npw);
      ups_axis_phase ax[4];
      for (size_t l = 0; l < m; l++) ups_phase_x(g, rx0 + l, &ax[l]);
      const size_t blk = d->per_tap * (ycum * x->txall + (size_t)ay.n * xcum);
      if (m == 1) { /* a block of one phase is that phase's tile (lanes 1-3 zero) */
        for (size_t grp = 0; grp < g->groups; grp++)
          memcpy(pm + grp * d->group_floats + blk, pw + grp * d->group_floats + blk,
                 (size_t)(ay.n * ax[0].n) * d->per_tap * sizeof(float));
        xcum += (size_t)ax[0].n;
        continue;
      }
      for (ptrdiff_t ty = 0; ty < ay.n; ty++)
        for (ptrdiff_t tx = 0; tx < ax[0].n; tx++) {
          size_t col[4];
          for (size_t l = 0; l < m; l++)
            col[l] = (size_t)(ay.k0 + ty * ay.step) * g->kw + (size_t)(ax[l].k0 + tx * ax[l].step);
          const size_t at = blk + (size_t)(ty * ax[0].n + tx) * icg * 4;
          for (size_t grp = 0; grp < g->groups; grp++) {
            float *q = pm + grp * d->group_floats + at;
            if (x->hwoi) { /* rows of lanes (taps), columns of input channels */
              const float *r[4];
              for (size_t l = 0; l < 4; l++) r[l] = pk_at(x, grp, 0, 0, col[l < m ? l : 0]);
              rows_to_columns(x, m, r, q, 4, icg);
              continue;
            }
            const float *s = pk_at(x, grp, 0, 0, 0);
            switch (m) {
              case 1: merged_gather(s, x->sc, icg, col, 1, q); break;
              case 2: merged_gather(s, x->sc, icg, col, 2, q); break;
              case 3: merged_gather(s, x->sc, icg, col, 3, q); break;
              default: merged_gather(s, x->sc, icg, col, 4, q); break;
            }
          }
        }
      xcum += m * (size_t)ax[0].n; /* merged phases have equal tap counts */
    }
    ycum += (size_t)ay.n;
  }
}

int ups_deconv_plan_pack(ups_deconv_plan_data *d, const float *w, int hwoi, const float *bias,
                         void *packed) {
  const ups_deconv_geom *g = &d->g;
  float *p = packed;
  const size_t oc = g->oc_g, icg = g->ic_g, kk = g->kh * g->kw;
  const size_t we = g->groups * icg * oc * kk;
  if (d->path == UPS_DECONV_REFERENCE) { /* (never reads zeros for inputs) */
    if (hwoi) return 0;                  /* the reference reads canonical weights */
    memcpy(p, w, we * sizeof(float));
    if (bias)
      memcpy(p + we, bias, g->groups * oc * sizeof(float));
    else
      memset(p + we, 0, g->groups * oc * sizeof(float));
    d->w = p;
    d->bias = p + we;
    return 1;
  }
  /* per-axis tap tables: on the stack for kernels up to 64 wide and high */
  pk_axis stack_axes[2 * PK_AXIS_STACK];
  pk_axis *ys = stack_axes, *xs = stack_axes + PK_AXIS_STACK, *heap = NULL;
  if (g->kh > PK_AXIS_STACK || g->kw > PK_AXIS_STACK) {
    if (g->kh > (size_t)-1 / sizeof(pk_axis) - g->kw) return 0;
    heap = malloc((g->kh + g->kw) * sizeof(pk_axis));
    if (!heap) return 0;
    ys = heap;
    xs = heap + g->kh;
  }
  axis_taps(g->kh, g->sh, g->dh, g->pad_top, g->out_h, ys);
  const size_t txall = axis_taps(g->kw, g->sw, g->dw, g->pad_left, g->out_w, xs);
  /* Finiteness is read by the NCHW drivers off the GEMM path (zeros for
   * out-of-range inputs, GEMM_TAPS) only: elsewhere it is left 0 unchecked. */
  const int gemm = gemm_applies(g);
  pk_ctx x = {.d = d, .w = w, .hwoi = hwoi, .present = 1, .check = !g->nhwc && !gemm,
              .txall = txall};
  if (hwoi) { /* [kh][kw][oc_g][groups * ic_g] */
    x.sg = icg, x.sc = 1, x.so = g->groups * icg, x.sk = oc * g->groups * icg;
  } else { /* [groups * ic_g][oc_g][kh][kw] */
    x.sg = icg * oc * kk, x.sc = oc * kk, x.so = kk, x.sk = 1;
  }
  for (size_t i = 0; i < g->kh; i++) x.present &= ys[i].n != 0;
  for (size_t i = 0; i < g->kw; i++) x.present &= xs[i].n != 0;

  const size_t ocpad = d->ocpad, bf = bias_floats(d);
  float *pb = p;
  for (size_t i = 0; i < bf; i++) pb[i] = 0.0f;
  for (size_t grp = 0; grp < g->groups; grp++)
    for (size_t o = 0; o < oc; o++)
      for (size_t l = 0; l < (d->merge ? 4 : 1); l++) /* merge: the bias in every lane */
        pb[grp * ocpad + o + l] = bias ? bias[grp * oc + o] : 0.0f;
  p += bf;
  d->bias = pb;
  d->w = p;
  pk_taps tp;
  for (size_t k0 = 0; k0 < kk; k0 += PK_CHUNK) {
    const size_t n = kk - k0 < PK_CHUNK ? kk - k0 : PK_CHUNK;
    tap_places(d, ys, xs, x.txall, k0, n, &tp);
    if (d->nhwc_dot)
      pack_dot(&x, &tp, k0, n, p);
    else
      pack_tiles(&x, &tp, k0, n, p);
  }
  /* merge: the drivers choose per y phase between both copies */
  if (d->merge) pack_merged(&x, p, p + g->groups * d->group_floats);
  /* Packing read every weight unless some tap is in no present phase. */
  const pk_u4 b = x.bad;
  d->finite = !x.check   ? 0
              : x.present ? !((b[0] | b[1] | b[2] | b[3]) & 0x80000000u)
                          : all_finite(w, we);
  d->path = gemm                              ? UPS_DECONV_GEMM
            : gemm_taps_applies(g, d->lanes, d->finite) ? UPS_DECONV_GEMM_TAPS
                                              : UPS_DECONV_PHASES;
  free(heap);
  return 1;
}
