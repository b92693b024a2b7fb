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
 *   p1, every weight finite, >= 64 input channels, few pixels per phase for
 *   the channel count): per y phase one GEMM with K = (tap, channel); better
 *   than the row tiles on small images with many channels, worse on large ones.
 *
 * Packed buffer: the bias [groups][ocpad] (merge: [groups][4], the bias in
 * every lane), padded to 64 bytes, then the weights
 * [groups][ry][rx][oc tile][ty][tx][ic][tile] (dot:
 * [groups][ry][rx][o][ty][tx][ic padded to lanes]; NCHW tiles are 4 wide),
 * phases without taps packing nothing, then for `merge` the merged-phase copy
 * (block of phases rx0.. at the place of phase rx0, [ty][tx][ic][4]). The
 * reference path holds the canonical weights, then the bias. */
#include <stdint.h>
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

static int gemm_taps_applies(const ups_deconv_geom *g, int finite) {
  if (g->nhwc || !finite || g->sw != 2 || g->out_w % 2 != 0 || g->sh > UPS_GEMM_MAX_SH ||
      g->ic_g < GEMM_TAPS_MIN_IC || g->oc_g < 2)
    return 0;
  ups_axis_phase a0, a1;
  ups_phase_x(g, 0, &a0);
  ups_phase_x(g, 1, &a1);
  if (a0.n < 1 || a0.n != a1.n) return 0;
  if ((g->out_h + g->sh - 1) / g->sh * (g->out_w / 2) > 2 * g->ic_g) return 0;
  const size_t nph = ups_n_phases(g->sh, g->out_h);
  for (size_t ry = 0; ry < nph; ry++) {
    ups_axis_phase ay;
    ups_phase_y(g, ry, &ay);
    if (ay.n < 1 || ay.n * a0.n > UPS_GEMM_TAPS_MAXT) return 0;
  }
  return 1;
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

/* The merged-phase copy (d->merge): per group and y phase, blocks of up to 4
 * x phases with the same input columns, [ty][tx][ic][4]. */
static void pack_merged(const ups_deconv_plan_data *d, const float *w, const float *bias,
                        float *pb, float *p) {
  const ups_deconv_geom *g = &d->g;
  const size_t icg = g->ic_g, kk = g->kh * g->kw;
  const size_t nph = ups_n_phases(g->sh, g->out_h), npw = ups_n_phases(g->sw, g->out_w);
  for (size_t grp = 0; grp < g->groups; grp++)
    for (size_t l = 0; l < 4; l++) pb[grp * 4 + l] = bias ? bias[grp] : 0.0f;
  for (size_t grp = 0; grp < g->groups; grp++) {
    const float *wg = w + grp * icg * kk;
    for (size_t ry = 0; ry < nph; ry++) {
      ups_axis_phase ay;
      ups_phase_y(g, ry, &ay);
      if (ay.n == 0) continue; /* packs nothing (see below) */
      size_t m = 1;
      for (size_t rx0 = 0; rx0 < npw; rx0 += m) {
        m = ups_merge_len(g, rx0, npw);
        ups_axis_phase ax[4];
        for (size_t l = 0; l < m; l++) ups_phase_x(g, rx0 + l, &ax[l]);
        float *q = p;
        for (ptrdiff_t ty = 0; ty < ay.n; ty++)
          for (ptrdiff_t tx = 0; tx < ax[0].n; tx++) {
            const size_t ky = (size_t)(ay.k0 + ty * ay.step);
            for (size_t c = 0; c < icg; c++)
              for (size_t l = 0; l < 4; l++)
                *q++ = l < m ? wg[c * kk + ky * g->kw + (size_t)(ax[l].k0 + tx * ax[l].step)]
                             : 0.0f;
          }
        for (size_t l = 0; l < m; l++) p += (size_t)(ay.n * ax[l].n) * icg * 4;
      }
    }
  }
}

void ups_deconv_plan_pack(ups_deconv_plan_data *d, const float *w, const float *bias,
                          void *packed) {
  const ups_deconv_geom *g = &d->g;
  float *p = packed;
  const size_t oc = g->oc_g, icg = g->ic_g, kk = g->kh * g->kw;
  const size_t we = g->groups * icg * oc * kk;
  if (d->path == UPS_DECONV_REFERENCE) { /* (never reads zeros for inputs) */
    memcpy(p, w, we * sizeof(float));
    if (bias)
      memcpy(p + we, bias, g->groups * oc * sizeof(float));
    else
      memset(p + we, 0, g->groups * oc * sizeof(float));
    d->w = p;
    d->bias = p + we;
    return;
  }
  d->finite = all_finite(w, we);
  d->path = gemm_applies(g)                   ? UPS_DECONV_GEMM
            : gemm_taps_applies(g, d->finite) ? UPS_DECONV_GEMM_TAPS
                                              : UPS_DECONV_PHASES;
  const size_t V = d->lanes, ocpad = d->ocpad, bf = bias_floats(d);
  float *pb = p;
  for (size_t i = 0; i < bf; i++) pb[i] = 0.0f;
  for (size_t grp = 0; grp < g->groups; grp++)
    for (size_t o = 0; o < oc; o++) pb[grp * ocpad + o] = bias ? bias[grp * oc + o] : 0.0f;
  p += bf;
  d->bias = pb;
  d->w = p;
  const size_t nph = ups_n_phases(g->sh, g->out_h), npw = ups_n_phases(g->sw, g->out_w);
  for (size_t grp = 0; grp < g->groups; grp++) {
    const float *wg = w + grp * icg * oc * kk;
    for (size_t ry = 0; ry < nph; ry++) {
      ups_axis_phase ay;
      ups_phase_y(g, ry, &ay);
      /* A y phase without taps packs nothing for any x phase: skipping it keeps
       * packing linear in the stride (at most kh y phases have taps), where
       * visiting every (ry, rx) pair took seconds for strides ~16k. */
      if (ay.n == 0) continue;
      for (size_t rx = 0; rx < npw; rx++) {
        ups_axis_phase ax;
        ups_phase_x(g, rx, &ax);
        if (d->nhwc_dot) { /* [o][ty][tx][ic padded to lanes] */
          for (size_t o = 0; o < oc; o++)
            for (ptrdiff_t ty = 0; ty < ay.n; ty++)
              for (ptrdiff_t tx = 0; tx < ax.n; tx++) {
                const size_t ky = (size_t)(ay.k0 + ty * ay.step);
                const size_t kx = (size_t)(ax.k0 + tx * ax.step);
                for (size_t c = 0; c < d->icpad; c++)
                  *p++ = c < icg ? wg[(c * oc + o) * kk + ky * g->kw + kx] : 0.0f;
              }
          continue;
        }
        for (size_t oc0 = 0; oc0 < ocpad;) {
          const size_t T = g->nhwc ? ups_nhwc_tile_w(oc - oc0, V) : 4;
          const size_t valid = oc - oc0 < T ? oc - oc0 : T; /* lanes past oc_g: 0 */
          for (ptrdiff_t ty = 0; ty < ay.n; ty++)
            for (ptrdiff_t tx = 0; tx < ax.n; tx++) {
              const size_t ky = (size_t)(ay.k0 + ty * ay.step), kx = (size_t)(ax.k0 + tx * ax.step);
              const float *src = wg + oc0 * kk + ky * g->kw + kx; /* (c, o) at c*oc*kk + o*kk */
              for (size_t c = 0; c < icg; c++, src += oc * kk) {
                size_t l = 0;
                for (; l < valid; l++) *p++ = src[l * kk];
                for (; l < T; l++) *p++ = 0.0f;
              }
            }
          oc0 += T;
        }
      }
    }
  }
  if (d->merge) pack_merged(d, w, bias, pb, p);
}
