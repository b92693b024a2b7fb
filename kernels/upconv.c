/* upconv.c — fused upsample + convolution. Nearest: the convolution of the
 * upsampled image is a strided transposed convolution of the original input
 * (kernels/internal.h, ups_upconv_axis), so a plan transforms the weights
 * once and owns an ordinary deconvolution plan: every ISA's deconvolution
 * drivers and micro-kernels run it, and nothing upsampled is written.
 * Bilinear is validated and then refused (UPS_ERR_UNSUPPORTED): see README,
 * "Fused upsample + convolution". */
#include <stdlib.h>

#include "internal.h"

struct ups_upconv_plan {
  ups_upconv_shape shape;
  ups_deconv_plan *deconv; /* owns the transformed, packed weights */
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
  const ups_status st = ups_deconv_plan_create(&s->dp, tw, bias, &pl->deconv);
  free(tw);
  if (st != UPS_OK) {
    free(pl);
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

ups_status ups_upconv_plan_run(const ups_upconv_plan *plan, const float *in, float *out) {
  if (!plan) return UPS_ERR_NULL;
  return ups_deconv_plan_run_pool(plan->deconv, in, out, NULL);
}

ups_status ups_upconv_plan_run_pool(const ups_upconv_plan *plan, const float *in, float *out,
                                    const ups_pool *pool) {
  if (!plan) return UPS_ERR_NULL;
  return ups_deconv_plan_run_pool(plan->deconv, in, out, pool);
}

void ups_upconv_plan_destroy(ups_upconv_plan *plan) {
  if (!plan) return;
  ups_deconv_plan_destroy(plan->deconv);
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
