/* upconv.c — fused upsample + convolution. The convolution of the upsampled
 * image is a strided transposed convolution (kernels/internal.h,
 * ups_upconv_axis): of the original input for nearest, of the input with a
 * one-pixel replicate ring for bilinear (written per run into a workspace).
 * A plan transforms the weights once and owns an ordinary deconvolution
 * plan: every ISA's deconvolution drivers and micro-kernels run it, and
 * nothing upsampled is written. Bilinear outputs whose window reaches the
 * zero padding are then recomputed by the two-step on thin bands of the
 * upsampled image (side plans of factor 1, or a direct loop), since the
 * ringed transposed convolution is not zero outside the image. README,
 * "Fused upsample + convolution".
 *
 * Nearest with non-finite inputs: a transposed tap no conv tap lands on (a
 * pad beyond the span, dilation above the factor) is a structural zero, and
 * 0 * inf is NaN where the two-step never reads that input. Plans with such
 * taps keep the conv weights and, after the fused run, recompute by the
 * two-step definition every non-finite output whose two-step receptive
 * field is all finite (a finite fused output is always right: any
 * non-finite input it reads would have made it non-finite). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One upsampled coordinate of a bilinear border output (PyTorch
 * align_corners=False: negative sources clamped to 0, the upper neighbour
 * clamped to the last pixel). */
typedef struct bil_tap {
  size_t i0, i1;
  float l0, l1;
} bil_tap;

/* One border side of a bilinear plan: the band of the upsampled image u
 * its outputs read (rows [ya0, ya1) x columns [xa0, xa1), all images and
 * channels), interpolated into the workspace, then convolved by a factor-1
 * plan (a plain convolution on the deconvolution engine) into an output
 * rectangle [oy0, oy0+oh) x [ox0, ox0+ow) that is copied into place. */
typedef struct bil_side {
  ups_upconv_plan *conv;
  size_t ya0, ya1, xa0, xa1;
  size_t oy0, oh, ox0, ow;
  size_t band_off, out_off; /* floats into the workspace */
} bil_side;

struct ups_upconv_plan {
  ups_upconv_shape shape;
  ups_deconv_plan *deconv; /* owns the transformed, packed weights */
  /* Bilinear only: the border outputs whose window leaves the upsampled
   * image (the transposed convolution of the ringed input is not zero
   * there) are recomputed by the two-step on bands of u: through up to 4
   * side plans, or (direct) output by output when a side reads no pixel. */
  bil_side side[4];
  size_t nsides;
  int direct;
  int cols_direct;         /* NCHW: column sides by the direct loop (side plans
                              one output column wide run slowly) */
  float *wb;               /* direct: conv weights [group][ky][kx][ic][oc] */
  float *bias;             /* direct: out_c floats or NULL */
  bil_tap *ty, *tx;        /* per upsampled row / column */
  size_t ws_bytes;
  /* Nearest with structural zero taps: the conv weights (OIHW) and bias for
   * recomputing the outputs the zeros made NaN. */
  float *conv_w, *conv_b;
};

/* Taps [t0, t0 + len) of the transposed kernel that conv tap k lands on: the
 * upsampled pixel o = y - pad_begin + k*d is sum_j p[j] * b[o - f*j + shift]
 * and the transposed tap of output y and input j is t = y + crop - f*j. */
static size_t first_tap(const ups_upconv_axis *a, size_t k) {
  /* >= 0: crop >= shift + d*(kernel-1) - pad_begin */
  return a->pad_begin + a->crop - a->shift - k * a->d;
}

/* Tap m of the upsampling kernel of one axis: 1 for nearest (box of f),
 * 1 - |m + 0.5 - shift + f/2| / f for bilinear (the tent at the source
 * offsets of the half-pixel rule). */
static double up_tap(const ups_upconv_axis *a, int nearest, size_t m) {
  if (nearest) return 1.0;
  const double t = ((double)m + 0.5 - (double)a->shift + 0.5 * (double)a->f) / (double)a->f;
  return 1.0 - fabs(t);
}

/* Canonical deconvolution weights [in_c][oc_g][kt_h][kt_w] from the conv
 * weights (OIHW or HWIO). Each transposed tap is the sum of the conv taps
 * landing on it times the upsampling taps, accumulated in double in
 * ascending (ky, kx, my, mx) order and rounded to float once: a fixed order,
 * so plans are reproducible. */
static void transform(const ups_upconv_shape *s, ups_conv_weight_layout wl, const float *w,
                      float *dst, double *acc) {
  const ups_upconv_axis *ay = &s->ay, *ax = &s->ax;
  const size_t kh = ay->k, kw = ax->k, kth = ay->kt, ktw = ax->kt, kk = kth * ktw;
  const size_t icg = s->ic_g, ocg = s->oc_g, out_c = s->groups * ocg;
  for (size_t grp = 0; grp < s->groups; grp++)
    for (size_t ic = 0; ic < icg; ic++)
      for (size_t oc = 0; oc < ocg; oc++) {
        const size_t o = grp * ocg + oc;
        for (size_t i = 0; i < kk; i++) acc[i] = 0.0;
        for (size_t ky = 0; ky < kh; ky++) {
          const size_t ty0 = first_tap(ay, ky);
          for (size_t kx = 0; kx < kw; kx++) {
            const size_t tx0 = first_tap(ax, kx);
            const float v = wl == UPS_CW_OIHW ? w[((o * icg + ic) * kh + ky) * kw + kx]
                                              : w[((ky * kw + kx) * icg + ic) * out_c + o];
            for (size_t my = 0; my < ay->len; my++) {
              const double vy = (double)v * up_tap(ay, s->nearest, my);
              for (size_t mx = 0; mx < ax->len; mx++)
                acc[(ty0 + my) * ktw + tx0 + mx] += vy * up_tap(ax, s->nearest, mx);
            }
          }
        }
        float *d = dst + ((grp * icg + ic) * ocg + oc) * kk;
        for (size_t i = 0; i < kk; i++) d[i] = (float)acc[i];
      }
}

/* The bilinear source taps of the n = f*in upsampled coordinates. */
static void bil_table(bil_tap *t, size_t in, size_t f) {
  for (size_t o = 0; o < in * f; o++) {
    double src = ((double)o + 0.5) / (double)f - 0.5;
    if (src < 0.0) src = 0.0;
    const size_t i0 = (size_t)src;
    t[o].i0 = i0;
    t[o].i1 = i0 + 1 < in ? i0 + 1 : i0;
    t[o].l1 = (float)(src - (double)i0);
    t[o].l0 = 1.0f - t[o].l1;
  }
}

/* One axis of a side: the u range [a0, a1) read, the pads of the factor-1
 * convolution over it, and the output range [o0, o0 + n). Which: 0 the
 * whole axis, 1 the outputs before pad_begin, 2 those after out - pad_end.
 * Returns 0 when the outputs read no pixel of u (only padding: direct). */
typedef struct side_axis {
  size_t a0, a1, pb, pe, o0, n;
} side_axis;

static int side_axis_of(const ups_upconv_axis *a, size_t up, size_t out, int which,
                        side_axis *r) {
  const size_t span = a->d * (a->k - 1), pb = a->pad_begin, pe = a->pad_end;
  if (which == 0) {
    *r = (side_axis){0, up, pb, pe, 0, out};
    return 1;
  }
  if (which == 1) {
    const size_t t = pb < out ? pb : out; /* rows [0, t) read u[y - pb + k*d] */
    if (t + span <= pb) return 0;
    const size_t b = t + span - pb < up ? t + span - pb : up;
    *r = (side_axis){0, b, pb, t + span - pb - b, 0, t};
    return 1;
  }
  const size_t e = pe < out ? pe : out, y0 = out - e;
  const size_t s0 = y0 > pb ? y0 - pb : 0; /* first u row read */
  if (s0 >= up) return 0;
  const size_t lead = y0 > pb ? 0 : pb - y0; /* pads before the band */
  /* e outputs from (up - s0) + lead + tail - span: tail >= 0 by the size rule */
  *r = (side_axis){s0, up, lead, e + span - (up - s0) - lead, y0, e};
  return 1;
}

/* Border by the direct loop (no side plans; workspace: the ring only). */
static int go_direct(ups_upconv_plan *pl) {
  for (size_t i = 0; i < pl->nsides; i++) ups_upconv_plan_destroy(pl->side[i].conv);
  pl->nsides = 0;
  pl->direct = 1;
  pl->cols_direct = 0;
  return 1;
}

/* The side plans: rows before pad_top and after out_h - pad_bottom (whole
 * width), then columns before pad_left and after out_w - pad_right (whole
 * height; they rewrite the corners). Sets direct when a side reads only
 * padding or its sizes do not fit; 0 on allocation failure. */
static int bil_sides(ups_upconv_plan *pl, const ups_upconv_params *p, const float *w,
                     const float *bias) {
  const ups_upconv_shape *s = &pl->shape;
  const size_t uh = p->in_h * s->ay.f, uw = p->in_w * s->ax.f;
  size_t total = s->ring_elems;
  pl->cols_direct = p->layout == UPS_NCHW;
  for (int k = 0; k < (pl->cols_direct ? 2 : 4); k++) {
    const int rows = k < 2, which = 1 + k % 2;
    const size_t pad = rows ? (which == 1 ? s->ay.pad_begin : s->ay.pad_end)
                            : (which == 1 ? s->ax.pad_begin : s->ax.pad_end);
    if (pad == 0) continue;
    side_axis sy, sx;
    if (!side_axis_of(&s->ay, uh, s->out_h, rows ? which : 0, &sy) ||
        !side_axis_of(&s->ax, uw, s->out_w, rows ? 0 : which, &sx))
      return go_direct(pl);
    ups_upconv_params q = *p;
    q.in_h = sy.a1 - sy.a0;
    q.in_w = sx.a1 - sx.a0;
    q.factor_h = q.factor_w = 1;
    q.mode = UPS_OP_NEAREST; /* factor 1: the identity, a plain convolution */
    q.pad_top = sy.pb;
    q.pad_bottom = sy.pe;
    q.pad_left = sx.pb;
    q.pad_right = sx.pe;
    bil_side *sd = &pl->side[pl->nsides];
    *sd = (bil_side){NULL, sy.a0, sy.a1, sx.a0, sx.a1, sy.o0, sy.n, sx.o0, sx.n, 0, 0};
    size_t band, outn;
    if (!ups_mul_ok(p->n * p->in_c, q.in_h, &band) || !ups_mul_ok(band, q.in_w, &band) ||
        !ups_mul_ok(p->n * p->out_c, sy.n, &outn) || !ups_mul_ok(outn, sx.n, &outn))
      return go_direct(pl);
    sd->band_off = total;
    if (!ups_add_ok(total, band, &total)) return go_direct(pl);
    sd->out_off = total;
    if (!ups_add_ok(total, outn, &total) || total > (size_t)-1 / sizeof(float))
      return go_direct(pl);
    const ups_status st = ups_upconv_plan_create(&q, w, bias, &sd->conv);
    if (st == UPS_ERR_NOMEM) return 0;
    if (st != UPS_OK) return go_direct(pl);
    pl->nsides++;
  }
  pl->ws_bytes = total * sizeof(float);
  return 1;
}

/* The bilinear plan's own data: conv weights repacked for the border,
 * bias, coordinate tables, workspace size. 0 on allocation failure. */
static int bil_init(ups_upconv_plan *pl, const ups_upconv_params *p, const float *w,
                    const float *bias) {
  const ups_upconv_shape *s = &pl->shape;
  const size_t kh = s->ay.k, kw = s->ax.k, icg = s->ic_g, ocg = s->oc_g, oc_all = p->out_c;
  const size_t uh = p->in_h * s->ay.f, uw = p->in_w * s->ax.f;
  pl->ws_bytes = s->ring_elems * sizeof(float); /* fits: validated by the deconv */
  pl->wb = malloc(s->w_elems * sizeof(float));
  pl->bias = bias ? malloc(oc_all * sizeof(float)) : NULL;
  pl->ty = malloc(uh * sizeof(bil_tap));
  pl->tx = malloc(uw * sizeof(bil_tap));
  if (!pl->wb || (bias && !pl->bias) || !pl->ty || !pl->tx) return 0;
  for (size_t grp = 0; grp < s->groups; grp++)
    for (size_t ky = 0; ky < kh; ky++)
      for (size_t kx = 0; kx < kw; kx++)
        for (size_t ic = 0; ic < icg; ic++)
          for (size_t oc = 0; oc < ocg; oc++) {
            const size_t o = grp * ocg + oc;
            pl->wb[(((grp * kh + ky) * kw + kx) * icg + ic) * ocg + oc] =
                p->weight_layout == UPS_CW_OIHW ? w[((o * icg + ic) * kh + ky) * kw + kx]
                                                : w[((ky * kw + kx) * icg + ic) * oc_all + o];
          }
  if (bias) memcpy(pl->bias, bias, oc_all * sizeof(float));
  bil_table(pl->ty, p->in_h, s->ay.f);
  bil_table(pl->tx, p->in_w, s->ax.f);
  return bil_sides(pl, p, w, bias);
}

/* A transposed tap of this (nearest) axis that no conv tap lands on. */
static int axis_has_zero_taps(const ups_upconv_axis *a) {
  for (size_t t = 0; t < a->kt; t++) {
    int hit = 0;
    for (size_t k = 0; k < a->k && !hit; k++) {
      const size_t t0 = first_tap(a, k);
      hit = t >= t0 && t - t0 < a->f;
    }
    if (!hit) return 1;
  }
  return 0;
}

/* The upsampled value u[n][c][uy][ux] of a nearest plan: input pixel
 * (uy/f, ux/f). */
static float upsampled(const ups_upconv_shape *s, const float *in, size_t b, size_t c, size_t uy,
                       size_t ux) {
  const size_t C = s->dp.in_c, H = s->dp.in_h, W = s->dp.in_w;
  const size_t iy = uy / s->ay.f, ix = ux / s->ax.f;
  return s->dp.layout == UPS_NHWC ? in[((b * H + iy) * W + ix) * C + c]
                                  : in[((b * C + c) * H + iy) * W + ix];
}

/* Output (b, o, y, x) by the two-step definition when every upsampled value
 * it reads is finite (*out left alone otherwise: non-finite either way). */
static void recompute_output(const ups_upconv_plan *pl, const float *in, size_t b, size_t o,
                             size_t y, size_t x, float *out) {
  const ups_upconv_shape *s = &pl->shape;
  const size_t icg = s->ic_g, grp = o / s->oc_g, kh = s->ay.k, kw = s->ax.k;
  const size_t uh = s->dp.in_h * s->ay.f, uw = s->dp.in_w * s->ax.f;
  const ptrdiff_t y0 = (ptrdiff_t)y - (ptrdiff_t)s->ay.pad_begin;
  const ptrdiff_t x0 = (ptrdiff_t)x - (ptrdiff_t)s->ax.pad_begin;
  double acc = pl->conv_b ? (double)pl->conv_b[o] : 0.0;
  for (size_t ic = 0; ic < icg; ic++)
    for (size_t ky = 0; ky < kh; ky++) {
      const ptrdiff_t uy = y0 + (ptrdiff_t)(ky * s->ay.d);
      if (uy < 0 || uy >= (ptrdiff_t)uh) continue;
      for (size_t kx = 0; kx < kw; kx++) {
        const ptrdiff_t ux = x0 + (ptrdiff_t)(kx * s->ax.d);
        if (ux < 0 || ux >= (ptrdiff_t)uw) continue;
        const float u = upsampled(s, in, b, grp * icg + ic, (size_t)uy, (size_t)ux);
        if (!isfinite(u)) return;
        acc += (double)u * (double)pl->conv_w[((o * icg + ic) * kh + ky) * kw + kx];
      }
    }
  *out = (float)acc;
}

/* After the fused run: outputs that are non-finite only through a
 * structural zero tap get the two-step's value. One pass over the output;
 * the receptive-field walk runs only for non-finite outputs. */
static void fix_structural_zeros(const ups_upconv_plan *pl, const float *in, float *out) {
  const ups_upconv_shape *s = &pl->shape;
  const size_t OC = s->dp.out_c, oh = s->out_h, ow = s->out_w;
  const int nhwc = s->dp.layout == UPS_NHWC;
  for (size_t i = 0; i < s->out_elems; i++) {
    if (isfinite(out[i])) continue;
    size_t b, o, y, x, r = i;
    if (nhwc) {
      o = r % OC, r /= OC;
      x = r % ow, r /= ow;
      y = r % oh, b = r / oh;
    } else {
      x = r % ow, r /= ow;
      y = r % oh, r /= oh;
      o = r % OC, b = r / OC;
    }
    recompute_output(pl, in, b, o, y, x, &out[i]);
  }
}

/* The conv weights in OIHW (HWIO transposed). */
static void to_oihw(const ups_upconv_shape *s, ups_conv_weight_layout wl, const float *w,
                    float *dst) {
  const size_t kh = s->ay.k, kw = s->ax.k, icg = s->ic_g, out_c = s->groups * s->oc_g;
  if (wl == UPS_CW_OIHW) {
    memcpy(dst, w, s->w_elems * sizeof(float));
    return;
  }
  for (size_t o = 0; o < out_c; o++)
    for (size_t ic = 0; ic < icg; ic++)
      for (size_t ky = 0; ky < kh; ky++)
        for (size_t kx = 0; kx < kw; kx++)
          dst[((o * icg + ic) * kh + ky) * kw + kx] = w[((ky * kw + kx) * icg + ic) * out_c + o];
}

/* Nearest plans with structural zero taps: keep the conv weights and bias.
 * 0 on allocation failure. */
static int zero_taps_init(ups_upconv_plan *pl, const ups_upconv_params *p, const float *w,
                          const float *bias) {
  const ups_upconv_shape *s = &pl->shape;
  if (!axis_has_zero_taps(&s->ay) && !axis_has_zero_taps(&s->ax)) return 1;
  pl->conv_w = malloc(s->w_elems * sizeof(float));
  pl->conv_b = bias ? malloc(s->bias_elems * sizeof(float)) : NULL;
  if (!pl->conv_w || (bias && !pl->conv_b)) return 0;
  to_oihw(s, p->weight_layout, w, pl->conv_w);
  if (bias) memcpy(pl->conv_b, bias, s->bias_elems * sizeof(float));
  return 1;
}

static void plan_free(ups_upconv_plan *pl) {
  if (!pl) return;
  free(pl->conv_w), free(pl->conv_b);
  for (size_t i = 0; i < pl->nsides; i++) ups_upconv_plan_destroy(pl->side[i].conv);
  ups_deconv_plan_destroy(pl->deconv);
  free(pl->wb), free(pl->bias), free(pl->ty), free(pl->tx);
  free(pl);
}

static ups_status plan_from_shape(const ups_upconv_shape *s, const ups_upconv_params *p,
                                  const float *weights, const float *bias,
                                  ups_upconv_plan **plan) {
  const size_t kk = s->ay.kt * s->ax.kt;
  /* Sizes fit: ups_deconv_validate counted in_c * oc_g * kt_h * kt_w floats. */
  float *tw = malloc(s->groups * s->ic_g * s->oc_g * kk * sizeof(float));
  double *acc = malloc(kk * sizeof(double));
  ups_upconv_plan *pl = calloc(1, sizeof *pl);
  if (!tw || !acc || !pl) {
    free(tw), free(acc), free(pl);
    return UPS_ERR_NOMEM;
  }
  pl->shape = *s;
  transform(s, p->weight_layout, weights, tw, acc);
  free(acc);
  if (s->nearest ? !zero_taps_init(pl, p, weights, bias) : !bil_init(pl, p, weights, bias)) {
    free(tw);
    plan_free(pl);
    return UPS_ERR_NOMEM;
  }
  const ups_status st = ups_deconv_plan_create(&s->dp, tw, bias, &pl->deconv);
  free(tw);
  if (st != UPS_OK) {
    plan_free(pl);
    return st;
  }
  *plan = pl;
  return UPS_OK;
}

/* ------------------------------------------------------- bilinear running */

typedef struct bil_run {
  const ups_upconv_plan *pl;
  const float *in;
  float *ring, *out;
  size_t parts; /* tasks of the ring fill and of the border */
} bil_run;

/* Ring fill of images/channels [a, b): p = in with one replicated pixel on
 * every side (NCHW: planes n*c; NHWC: images, c floats per pixel). */
static void ring_fill(const bil_run *r, size_t a, size_t b) {
  const ups_upconv_shape *s = &r->pl->shape;
  const size_t h = s->dp.in_h - 2, w = s->dp.in_w - 2, c = s->dp.in_c;
  const size_t pw = w + 2;
  if (s->dp.layout == UPS_NCHW) {
    for (size_t pi = a; pi < b; pi++) {
      const float *src = r->in + pi * h * w;
      float *dst = r->ring + pi * (h + 2) * pw;
      for (size_t y = 0; y < h + 2; y++) {
        const float *row = src + (y == 0 ? 0 : y > h ? h - 1 : y - 1) * w;
        float *d = dst + y * pw;
        d[0] = row[0];
        memcpy(d + 1, row, w * sizeof(float));
        d[w + 1] = row[w - 1];
      }
    }
  } else {
    for (size_t im = a; im < b; im++) {
      const float *src = r->in + im * h * w * c;
      float *dst = r->ring + im * (h + 2) * pw * c;
      for (size_t y = 0; y < h + 2; y++) {
        const float *row = src + (y == 0 ? 0 : y > h ? h - 1 : y - 1) * w * c;
        float *d = dst + y * pw * c;
        memcpy(d, row, c * sizeof(float));
        memcpy(d + c, row, w * c * sizeof(float));
        memcpy(d + (w + 1) * c, row + (w - 1) * c, c * sizeof(float));
      }
    }
  }
}

/* Output (im, y, x) for every channel by the unfused definition: the conv
 * taps inside the upsampled image, u interpolated from the input; summed
 * over (ky, kx, ic) in float, oc in chunks of a local accumulator. */
static void border_pixel(const bil_run *r, size_t im, size_t y, size_t x) {
  const ups_upconv_plan *pl = r->pl;
  const ups_upconv_shape *s = &pl->shape;
  const ups_upconv_axis *ay = &s->ay, *ax = &s->ax;
  const size_t ih = s->dp.in_h - 2, iw = s->dp.in_w - 2, C = s->dp.in_c, OC = s->dp.out_c;
  const size_t uh = ih * ay->f, uw = iw * ax->f, icg = s->ic_g, ocg = s->oc_g;
  const size_t oh = s->out_h, ow = s->out_w;
  const int nhwc = s->dp.layout == UPS_NHWC;
  enum { CHUNK = 64 };
  float acc[CHUNK];
  for (size_t grp = 0; grp < s->groups; grp++)
    for (size_t oc0 = 0; oc0 < ocg; oc0 += CHUNK) {
      const size_t nc = ocg - oc0 < CHUNK ? ocg - oc0 : CHUNK;
      for (size_t j = 0; j < nc; j++) acc[j] = pl->bias ? pl->bias[grp * ocg + oc0 + j] : 0.0f;
      for (size_t ky = 0; ky < ay->k; ky++) {
        const size_t oy = y + ky * ay->d; /* upsampled row + pad_begin */
        if (oy < ay->pad_begin || oy - ay->pad_begin >= uh) continue;
        const bil_tap *ty = &pl->ty[oy - ay->pad_begin];
        for (size_t kx = 0; kx < ax->k; kx++) {
          const size_t ox = x + kx * ax->d;
          if (ox < ax->pad_begin || ox - ax->pad_begin >= uw) continue;
          const bil_tap *tx = &pl->tx[ox - ax->pad_begin];
          const float *wk = pl->wb + ((grp * ay->k + ky) * ax->k + kx) * icg * ocg + oc0;
          for (size_t ic = 0; ic < icg; ic++) {
            const size_t c = grp * icg + ic;
            const float *pl0, *pl1;
            size_t cs; /* stride between neighbouring columns */
            if (nhwc) {
              pl0 = r->in + ((im * ih + ty->i0) * iw) * C + c;
              pl1 = r->in + ((im * ih + ty->i1) * iw) * C + c;
              cs = C;
            } else {
              pl0 = r->in + ((im * C + c) * ih + ty->i0) * iw;
              pl1 = r->in + ((im * C + c) * ih + ty->i1) * iw;
              cs = 1;
            }
            const float u = ty->l0 * (tx->l0 * pl0[tx->i0 * cs] + tx->l1 * pl0[tx->i1 * cs]) +
                            ty->l1 * (tx->l0 * pl1[tx->i0 * cs] + tx->l1 * pl1[tx->i1 * cs]);
            const float *wr = wk + ic * ocg;
            for (size_t j = 0; j < nc; j++) acc[j] += u * wr[j];
          }
        }
      }
      const size_t o0 = grp * ocg + oc0;
      if (nhwc) {
        memcpy(r->out + ((im * oh + y) * ow + x) * OC + o0, acc, nc * sizeof(float));
      } else {
        for (size_t j = 0; j < nc; j++) r->out[((im * OC + o0 + j) * oh + y) * ow + x] = acc[j];
      }
    }
}

/* Border rows/columns: rows y < pad_top or y >= out_h - pad_bottom (all
 * columns), and the columns x < pad_left or x >= out_w - pad_right of the
 * other rows, for images [a, b). */
static void border(const bil_run *r, size_t a, size_t b) {
  const ups_upconv_shape *s = &r->pl->shape;
  const size_t oh = s->out_h, ow = s->out_w;
  const size_t top = s->ay.pad_begin < oh ? s->ay.pad_begin : oh;
  const size_t bot0 = oh > s->ay.pad_end ? oh - s->ay.pad_end : 0;
  const size_t left = s->ax.pad_begin < ow ? s->ax.pad_begin : ow;
  const size_t right0 = ow > s->ax.pad_end ? ow - s->ax.pad_end : 0;
  for (size_t im = a; im < b; im++)
    for (size_t y = 0; y < oh; y++) {
      if (r->pl->cols_direct && (y < top || y >= bot0)) continue; /* rows: side plans */
      if (y < top || y >= bot0) {
        for (size_t x = 0; x < ow; x++) border_pixel(r, im, y, x);
      } else {
        for (size_t x = 0; x < left; x++) border_pixel(r, im, y, x);
        for (size_t x = right0 > left ? right0 : left; x < ow; x++) border_pixel(r, im, y, x);
      }
    }
}

/* u on a side's band (the two-step's upsampling, from the coordinate
 * tables), in the input's layout. */
static void band_fill(const ups_upconv_plan *pl, const float *in, float *band,
                      const bil_side *sd) {
  const ups_upconv_shape *s = &pl->shape;
  const size_t ih = s->dp.in_h - 2, iw = s->dp.in_w - 2, C = s->dp.in_c, n = s->dp.n;
  const size_t bh = sd->ya1 - sd->ya0, bw = sd->xa1 - sd->xa0;
  if (s->dp.layout == UPS_NCHW) {
    for (size_t pi = 0; pi < n * C; pi++)
      for (size_t y = 0; y < bh; y++) {
        const bil_tap *ty = &pl->ty[sd->ya0 + y];
        const float *r0 = in + (pi * ih + ty->i0) * iw, *r1 = in + (pi * ih + ty->i1) * iw;
        float *d = band + (pi * bh + y) * bw;
        for (size_t x = 0; x < bw; x++) {
          const bil_tap *tx = &pl->tx[sd->xa0 + x];
          d[x] = ty->l0 * (tx->l0 * r0[tx->i0] + tx->l1 * r0[tx->i1]) +
                 ty->l1 * (tx->l0 * r1[tx->i0] + tx->l1 * r1[tx->i1]);
        }
      }
  } else {
    for (size_t im = 0; im < n; im++)
      for (size_t y = 0; y < bh; y++) {
        const bil_tap *ty = &pl->ty[sd->ya0 + y];
        const float *r0 = in + (im * ih + ty->i0) * iw * C, *r1 = in + (im * ih + ty->i1) * iw * C;
        for (size_t x = 0; x < bw; x++) {
          const bil_tap *tx = &pl->tx[sd->xa0 + x];
          const float *a = r0 + tx->i0 * C, *b = r0 + tx->i1 * C;
          const float *c = r1 + tx->i0 * C, *e = r1 + tx->i1 * C;
          float *d = band + ((im * bh + y) * bw + x) * C;
          for (size_t ch = 0; ch < C; ch++)
            d[ch] = ty->l0 * (tx->l0 * a[ch] + tx->l1 * b[ch]) +
                    ty->l1 * (tx->l0 * c[ch] + tx->l1 * e[ch]);
        }
      }
  }
}

/* A side's output rectangle into its place in out. */
static void side_scatter(const ups_upconv_plan *pl, const float *src, float *out,
                         const bil_side *sd) {
  const ups_upconv_shape *s = &pl->shape;
  const size_t OC = s->dp.out_c, oh = s->out_h, ow = s->out_w, n = s->dp.n;
  if (s->dp.layout == UPS_NCHW) {
    for (size_t pi = 0; pi < n * OC; pi++)
      for (size_t y = 0; y < sd->oh; y++)
        memcpy(out + (pi * oh + sd->oy0 + y) * ow + sd->ox0, src + (pi * sd->oh + y) * sd->ow,
               sd->ow * sizeof(float));
  } else {
    for (size_t im = 0; im < n; im++)
      for (size_t y = 0; y < sd->oh; y++)
        memcpy(out + ((im * oh + sd->oy0 + y) * ow + sd->ox0) * OC,
               src + (im * sd->oh + y) * sd->ow * OC, sd->ow * OC * sizeof(float));
  }
}

/* Pool tasks: part i of the ring fill's units, or of the border's images. */
static size_t part_lo(size_t units, size_t parts, size_t i) { return units * i / parts; }

static void ring_task(void *ctx, size_t i) {
  const bil_run *r = ctx;
  const ups_upconv_shape *s = &r->pl->shape;
  const size_t units = s->dp.layout == UPS_NCHW ? s->dp.n * s->dp.in_c : s->dp.n;
  ring_fill(r, part_lo(units, r->parts, i), part_lo(units, r->parts, i + 1));
}

static void border_task(void *ctx, size_t i) {
  const bil_run *r = ctx;
  border(r, part_lo(r->pl->shape.dp.n, r->parts, i), part_lo(r->pl->shape.dp.n, r->parts, i + 1));
}

/* Below this many ring floats the fill runs on the calling thread. */
enum { RING_POOL_MIN = 1 << 16 };

/* Bilinear: ring fill into ws, the transposed convolution of the ringed
 * input, then the border outputs. Arguments checked by the caller. */
static ups_status bil_run_all(const ups_upconv_plan *pl, const float *in, float *out, float *ws,
                              const ups_pool *pool) {
  const ups_upconv_shape *s = &pl->shape;
  bil_run r = {pl, in, ws, out, 1};
  const size_t threads = pool ? ups_pool_threads(pool) : 1;
  const size_t units = s->dp.layout == UPS_NCHW ? s->dp.n * s->dp.in_c : s->dp.n;
  if (threads > 1 && units > 1 && s->ring_elems >= RING_POOL_MIN) {
    r.parts = threads < units ? threads : units;
    ups_pool_parallel_for(pool, ring_task, &r, r.parts);
  } else {
    ring_fill(&r, 0, units);
  }
  ups_status st = ups_deconv_plan_run_pool(pl->deconv, ws, out, pool);
  if (st != UPS_OK) return st;
  if (!pl->direct) {
    for (size_t i = 0; i < pl->nsides && st == UPS_OK; i++) {
      const bil_side *sd = &pl->side[i];
      band_fill(pl, in, ws + sd->band_off, sd);
      st = ups_upconv_plan_run_ws(sd->conv, ws + sd->band_off, ws + sd->out_off, NULL, 0, pool);
      if (st == UPS_OK) side_scatter(pl, ws + sd->out_off, out, sd);
    }
    if (st != UPS_OK || !pl->cols_direct) return st;
  }
  if (threads > 1 && s->dp.n > 1) {
    r.parts = threads < s->dp.n ? threads : s->dp.n;
    ups_pool_parallel_for(pool, border_task, &r, r.parts);
  } else {
    border(&r, 0, s->dp.n);
  }
  return UPS_OK;
}

/* The checks of every run: pointers and the overlap of in and out. */
static ups_status check_run(const ups_upconv_plan *plan, const float *in, const float *out) {
  if (!plan || !in || !out) return UPS_ERR_NULL;
  if (ups_ranges_overlap(in, plan->shape.in_elems * sizeof(float), out,
                         plan->shape.out_elems * sizeof(float)))
    return UPS_ERR_ALIAS;
  return UPS_OK;
}

/* A nearest run: the fused deconvolution, then the zero-tap fix. */
static ups_status nearest_run(const ups_upconv_plan *plan, const float *in, float *out,
                              const ups_pool *pool) {
  const ups_status st = ups_deconv_plan_run_pool(plan->deconv, in, out, pool);
  if (st == UPS_OK && plan->conv_w) fix_structural_zeros(plan, in, out);
  return st;
}

ups_status ups_upconv_plan_create(const ups_upconv_params *p, const float *weights,
                                  const float *bias, ups_upconv_plan **plan) {
  if (!p || !weights || !plan) return UPS_ERR_NULL;
  ups_upconv_shape s;
  ups_status st = ups_upconv_validate(p, &s);
  if (st != UPS_OK) return st;
  return plan_from_shape(&s, p, weights, bias, plan);
}

ups_status ups_upconv_plan_workspace_size(const ups_upconv_plan *plan, size_t *bytes) {
  if (!plan || !bytes) return UPS_ERR_NULL;
  *bytes = plan->ws_bytes;
  return UPS_OK;
}

ups_status ups_upconv_plan_run_ws(const ups_upconv_plan *plan, const float *in, float *out,
                                  void *workspace, size_t workspace_bytes,
                                  const ups_pool *pool) {
  ups_status st = check_run(plan, in, out);
  if (st != UPS_OK) return st;
  if (plan->shape.nearest) return nearest_run(plan, in, out, pool);
  if (!workspace) return UPS_ERR_NULL;
  if (workspace_bytes < plan->ws_bytes) return UPS_ERR_SHAPE;
  if ((uintptr_t)workspace % _Alignof(float) != 0) return UPS_ERR_PARAM;
  if (ups_ranges_overlap(workspace, plan->ws_bytes, in, plan->shape.in_elems * sizeof(float)) ||
      ups_ranges_overlap(workspace, plan->ws_bytes, out, plan->shape.out_elems * sizeof(float)))
    return UPS_ERR_ALIAS;
  return bil_run_all(plan, in, out, workspace, pool);
}

/* Bilinear without a caller's workspace: one allocated for the run. */
static ups_status run_alloc(const ups_upconv_plan *plan, const float *in, float *out,
                            const ups_pool *pool) {
  ups_status st = check_run(plan, in, out);
  if (st != UPS_OK) return st;
  if (plan->shape.nearest) return nearest_run(plan, in, out, pool);
  float *ws = malloc(plan->ws_bytes);
  if (!ws) return UPS_ERR_NOMEM;
  st = bil_run_all(plan, in, out, ws, pool);
  free(ws);
  return st;
}

ups_status ups_upconv_plan_run(const ups_upconv_plan *plan, const float *in, float *out) {
  return run_alloc(plan, in, out, NULL);
}

ups_status ups_upconv_plan_run_pool(const ups_upconv_plan *plan, const float *in, float *out,
                                    const ups_pool *pool) {
  return run_alloc(plan, in, out, pool);
}

void ups_upconv_plan_destroy(ups_upconv_plan *plan) { plan_free(plan); }

ups_isa ups_upconv_plan_isa(const ups_upconv_plan *plan) {
  return plan ? ups_deconv_plan_isa(plan->deconv) : UPS_ISA_AUTO;
}

static ups_status one_shot(const ups_upconv_params *p, const float *in, const float *weights,
                           const float *bias, float *out, const ups_pool *pool) {
  if (!p || !in || !weights || !out) return UPS_ERR_NULL;
  ups_upconv_shape s;
  ups_status st = ups_upconv_validate(p, &s);
  if (st != UPS_OK) return st;
  const size_t ob = s.out_elems * sizeof(float);
  if (ups_ranges_overlap(in, s.in_elems * sizeof(float), out, ob) ||
      ups_ranges_overlap(weights, s.w_elems * sizeof(float), out, ob) ||
      (bias && ups_ranges_overlap(bias, s.bias_elems * sizeof(float), out, ob)))
    return UPS_ERR_ALIAS;
  ups_upconv_plan *plan;
  if ((st = plan_from_shape(&s, p, weights, bias, &plan)) != UPS_OK) return st;
  st = ups_upconv_plan_run_pool(plan, in, out, pool);
  ups_upconv_plan_destroy(plan);
  return st;
}

ups_status ups_upconv_f32(const ups_upconv_params *p, const float *in, const float *weights,
                          const float *bias, float *out) {
  return one_shot(p, in, weights, bias, out, NULL);
}

ups_status ups_upconv_f32_pool(const ups_upconv_params *p, const float *in,
                               const float *weights, const float *bias, float *out,
                               const ups_pool *pool) {
  return one_shot(p, in, weights, bias, out, pool);
}
