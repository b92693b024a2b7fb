/* upconv.c — fused upsample + convolution. Nearest: the convolution of the
 * upsampled image is a strided transposed convolution of the original input
 * (kernels/internal.h, ups_upconv_axis), so a plan transforms the weights
 * once and owns an ordinary deconvolution plan: every ISA's deconvolution
 * drivers and micro-kernels run it, and nothing upsampled is written.
 * Bilinear is validated and then refused (UPS_ERR_UNSUPPORTED): see README,
 * "Fused upsample + convolution".
 *
 * Non-finite inputs: a transposed tap no conv tap lands on (a pad beyond the
 * span, dilation above the factor) is a structural zero, and 0 * inf is NaN
 * where the two-step never reads that input. Plans with such taps keep the
 * conv weights and, after the fused run, recompute by the two-step
 * definition every non-finite output whose two-step receptive field is all
 * finite (a finite fused output is always right: any non-finite input it
 * reads would have made it non-finite). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct ups_upconv_plan {
  ups_upconv_shape shape;
  ups_deconv_plan *deconv; /* owns the transformed, packed weights */
  /* Set when the fused kernel has structural zero taps: the conv weights
   * (OIHW) and bias for recomputing outputs the zeros made NaN. */
  float *conv_w, *conv_b;
  ups_layout layout;
};

/* Taps [t0, t0 + f) of the transposed kernel that conv tap k lands on: the
 * upsampled pixel f*i + r (r < f) read by tap k at output o is input pixel i,
 * and t = o + crop - f*i = r + pad_begin + crop - k*d. */
static size_t first_tap(const ups_upconv_axis *a, size_t k) {
  return a->pad_begin + a->crop - k * a->d; /* >= 0: crop >= d*(kernel-1) - pad_begin */
}

/* Canonical deconvolution weights [in_c][oc_g][kt_h][kt_w] from the conv
 * weights (OIHW or HWIO). Each transposed tap is the sum of the conv taps
 * landing on it, accumulated in double in ascending (ky, kx) order and
 * rounded to float once: a fixed order, so plans are reproducible. */
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
            for (size_t ty = ty0; ty < ty0 + ay->f; ty++)
              for (size_t tx = tx0; tx < tx0 + ax->f; tx++) acc[ty * ktw + tx] += (double)v;
          }
        }
        float *d = dst + ((grp * icg + ic) * ocg + oc) * kk;
        for (size_t i = 0; i < kk; i++) d[i] = (float)acc[i];
      }
}

/* A transposed tap of this axis that no conv tap lands on. */
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

/* The upsampled value u[n][c][uy][ux] (nearest: input pixel (uy/f, ux/f)). */
static float upsampled(const ups_upconv_plan *pl, const float *in, size_t b, size_t c, size_t uy,
                       size_t ux) {
  const ups_upconv_shape *s = &pl->shape;
  const size_t C = s->dp.in_c, H = s->dp.in_h, W = s->dp.in_w;
  const size_t iy = uy / s->ay.f, ix = ux / s->ax.f;
  return pl->layout == UPS_NHWC ? in[((b * H + iy) * W + ix) * C + c]
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
        const float u = upsampled(pl, in, b, grp * icg + ic, (size_t)uy, (size_t)ux);
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
  const size_t N = s->dp.n, OC = s->dp.out_c, oh = s->out_h, ow = s->out_w;
  const int nhwc = pl->layout == UPS_NHWC;
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
    if (b < N) recompute_output(pl, in, b, o, y, x, &out[i]);
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

static ups_status plan_from_shape(const ups_upconv_shape *s, ups_conv_weight_layout wl,
                                  const float *weights, const float *bias,
                                  ups_upconv_plan **plan) {
  if (!s->nearest) return UPS_ERR_UNSUPPORTED;
  const size_t kk = s->ay.kt * s->ax.kt;
  /* Sizes fit: ups_deconv_validate counted in_c * oc_g * kt_h * kt_w floats. */
  float *tw = malloc(s->groups * s->ic_g * s->oc_g * kk * sizeof(float));
  double *acc = malloc(kk * sizeof(double));
  ups_upconv_plan *pl = calloc(1, sizeof *pl);
  if (!tw || !acc || !pl) {
    free(tw), free(acc), free(pl);
    return UPS_ERR_NOMEM;
  }
  transform(s, wl, weights, tw, acc);
  free(acc);
  pl->shape = *s;
  pl->layout = s->dp.layout;
  if (axis_has_zero_taps(&s->ay) || axis_has_zero_taps(&s->ax)) {
    pl->conv_w = malloc(s->w_elems * sizeof(float));
    pl->conv_b = bias ? malloc(s->bias_elems * sizeof(float)) : NULL;
    if (!pl->conv_w || (bias && !pl->conv_b)) {
      free(tw);
      ups_upconv_plan_destroy(pl);
      return UPS_ERR_NOMEM;
    }
    to_oihw(s, wl, weights, pl->conv_w);
    if (bias) memcpy(pl->conv_b, bias, s->bias_elems * sizeof(float));
  }
  const ups_status st = ups_deconv_plan_create(&s->dp, tw, bias, &pl->deconv);
  free(tw);
  if (st != UPS_OK) {
    ups_upconv_plan_destroy(pl);
    return st;
  }
  *plan = pl;
  return UPS_OK;
}

ups_status ups_upconv_plan_create(const ups_upconv_params *p, const float *weights,
                                  const float *bias, ups_upconv_plan **plan) {
  if (!p || !weights || !plan) return UPS_ERR_NULL;
  ups_upconv_shape s;
  ups_status st = ups_upconv_validate(p, &s);
  if (st != UPS_OK) return st;
  return plan_from_shape(&s, p->weight_layout, weights, bias, plan);
}

ups_status ups_upconv_plan_run_pool(const ups_upconv_plan *plan, const float *in, float *out,
                                    const ups_pool *pool) {
  if (!plan) return UPS_ERR_NULL;
  const ups_status st = ups_deconv_plan_run_pool(plan->deconv, in, out, pool);
  if (st == UPS_OK && plan->conv_w) fix_structural_zeros(plan, in, out);
  return st;
}

ups_status ups_upconv_plan_run(const ups_upconv_plan *plan, const float *in, float *out) {
  return ups_upconv_plan_run_pool(plan, in, out, NULL);
}

void ups_upconv_plan_destroy(ups_upconv_plan *plan) {
  if (!plan) return;
  ups_deconv_plan_destroy(plan->deconv);
  free(plan->conv_w);
  free(plan->conv_b);
  free(plan);
}

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
  if ((st = plan_from_shape(&s, p->weight_layout, weights, bias, &plan)) != UPS_OK) return st;
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
