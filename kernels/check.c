/* check.c — the numerical contract (see check.h): reference run, per-element
 * bounds and the comparison. */
#include "check.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coords.h"
#include "internal.h"

static void result_init(ups_check_result *r, size_t count) {
  memset(r, 0, sizeof *r);
  r->count = count;
  r->first_bad = (size_t)-1;
}

/* Compares one element against a bound; records failures. */
static void compare(ups_check_result *r, size_t i, float got, float want, double bound,
                    int bitwise) {
  double ratio;
  if (bitwise) {
    ratio = memcmp(&got, &want, sizeof got) == 0 ? 0.0 : INFINITY;
  } else if (!isfinite(want) || !isfinite(got)) {
    /* Non-finite exactly where the reference is (NaN and inf not told apart:
     * the order of a sum decides which one an overflow gives). */
    ratio = (!isfinite(want) && !isfinite(got)) ? 0.0 : INFINITY;
  } else {
    const double err = fabs((double)got - (double)want);
    ratio = err == 0.0 ? 0.0 : bound > 0.0 ? err / bound : INFINITY;
  }
  if (ratio > r->worst) r->worst = ratio;
  if (ratio > 1.0) {
    if (r->failures == 0) {
      r->first_bad = i;
      r->first_got = got;
      r->first_want = want;
    }
    r->failures++;
  }
}

void ups_check_merge(ups_check_result *a, const ups_check_result *b) {
  if (b->failures && !a->failures) {
    a->first_bad = a->count + b->first_bad;
    a->first_got = b->first_got;
    a->first_want = b->first_want;
  }
  a->count += b->count;
  a->failures += b->failures;
  if (b->worst > a->worst) a->worst = b->worst;
}

ups_status ups_check_nearest(const ups_resize_params *p, const float *in, const float *got,
                             ups_check_result *r) {
  ups_resize_params q = *p;
  q.isa = UPS_ISA_SCALAR;
  size_t oh, ow;
  ups_status st = ups_resize_output_size(&q, &oh, &ow);
  if (st != UPS_OK) return st;
  const size_t n = p->n * p->c * oh * ow;
  float *ref = malloc(n * sizeof(float));
  if (!ref) return UPS_ERR_NOMEM;
  st = ups_resize_nearest_f32(&q, in, ref);
  if (st == UPS_OK) {
    result_init(r, n);
    for (size_t i = 0; i < n; i++) compare(r, i, got[i], ref[i], 0.0, 1);
  }
  free(ref);
  return st;
}

ups_status ups_check_bilinear(const ups_resize_params *p, const float *in, const float *got,
                              ups_check_result *r) {
  ups_resize_params q = *p;
  q.isa = UPS_ISA_SCALAR;
  ups_resize_shape s;
  ups_status st = ups_resize_validate(&q, UPS_RESIZE_BILINEAR, &s);
  if (st != UPS_OK) return st;
  const size_t oh = s.out_h, ow = s.out_w, ih = p->in_h, iw = p->in_w, c = p->c;
  float *ref = malloc(s.out_elems * sizeof(float));
  size_t *i0 = malloc((oh + ow) * 2 * sizeof(size_t));
  float *w = malloc((oh + ow) * 2 * sizeof(float));
  int32_t *i32 = malloc((oh + ow) * sizeof(int32_t));
  if (!ref || !i0 || !w || !i32) {
    free(ref), free(i0), free(w), free(i32);
    return UPS_ERR_NOMEM;
  }
  st = ups_resize_bilinear_f32(&q, in, ref);
  if (st == UPS_OK) {
    ups_linear_axis ay, ax;
    size_t *i1 = i0 + oh + ow;
    float *w1 = w + oh + ow;
    ups_linear_axis_build(ih, oh, p->scale_h, p->coord, i0, i1, i32, w, w1, &ay);
    ups_linear_axis_build(iw, ow, p->scale_w, p->coord, i0 + oh, i1 + oh, i32 + oh, w + oh,
                          w1 + oh, &ax);
    result_init(r, s.out_elems);
    const int nhwc = p->layout == UPS_NHWC;
    size_t i = 0;
    for (size_t b = 0; b < p->n; b++)
      for (size_t outer = 0; outer < (nhwc ? oh : c); outer++)
        for (size_t mid = 0; mid < (nhwc ? ow : oh); mid++)
          for (size_t inner = 0; inner < (nhwc ? c : ow); inner++, i++) {
            const size_t ch = nhwc ? inner : outer, y = nhwc ? outer : mid,
                         x = nhwc ? mid : inner;
            const size_t ys[2] = {ay.i0[y], ay.i1[y]}, xs[2] = {ax.i0[x], ax.i1[x]};
            double maxtap = 0.0;
            for (int a = 0; a < 2; a++)
              for (int bb = 0; bb < 2; bb++) {
                const size_t off = nhwc ? ((b * ih + ys[a]) * iw + xs[bb]) * c + ch
                                        : ((b * c + ch) * ih + ys[a]) * iw + xs[bb];
                const double t = fabs((double)in[off]);
                if (t > maxtap) maxtap = t;
              }
            compare(r, i, got[i], ref[i], 4.0 * FLT_EPSILON * maxtap + 4.0 * FLT_TRUE_MIN, 0);
          }
  }
  free(ref), free(i0), free(w), free(i32);
  return st;
}

/* The buffers of a multiply-add check (deconv, upconv): the reference output,
 * the same computation on |in|, |w|, |bias| (absref: the bound's magnitude),
 * and those absolute copies. */
typedef struct mac_check {
  float *ref, *absref, *ain, *aw, *ab;
} mac_check;

static void mac_check_free(mac_check *b) {
  free(b->ref), free(b->absref), free(b->ain), free(b->aw), free(b->ab);
}

/* 0 when an allocation fails (nothing left allocated). */
static int mac_check_init(mac_check *b, size_t out_elems, const float *in, size_t in_elems,
                          const float *w, size_t w_elems, const float *bias, size_t bias_elems) {
  b->ref = malloc(out_elems * sizeof(float));
  b->absref = malloc(out_elems * sizeof(float));
  b->ain = malloc(in_elems * sizeof(float));
  b->aw = malloc(w_elems * sizeof(float));
  b->ab = bias ? malloc(bias_elems * sizeof(float)) : NULL;
  if (!b->ref || !b->absref || !b->ain || !b->aw || (bias && !b->ab)) {
    mac_check_free(b);
    return 0;
  }
  for (size_t i = 0; i < in_elems; i++) b->ain[i] = fabsf(in[i]);
  for (size_t i = 0; i < w_elems; i++) b->aw[i] = fabsf(w[i]);
  for (size_t i = 0; bias && i < bias_elems; i++) b->ab[i] = fabsf(bias[i]);
  return 1;
}

/* The deconv contract: |got - ref| <= 2 k eps absref, k the terms per output. */
static void mac_check_compare(const mac_check *b, double k, const float *got, size_t out_elems,
                              ups_check_result *r) {
  result_init(r, out_elems);
  for (size_t i = 0; i < out_elems; i++)
    compare(r, i, got[i], b->ref[i], 2.0 * k * FLT_EPSILON * (double)b->absref[i], 0);
}

ups_status ups_check_deconv(const ups_deconv_params *p, const float *in, const float *weights,
                            const float *bias, const float *got, ups_check_result *r) {
  ups_deconv_params q = *p;
  q.isa = UPS_ISA_SCALAR;
  ups_deconv_shape s;
  ups_status st = ups_deconv_validate(&q, &s);
  if (st != UPS_OK) return st;
  mac_check b;
  if (!mac_check_init(&b, s.out_elems, in, s.in_elems, weights, s.w_elems, bias, s.bias_elems))
    return UPS_ERR_NOMEM;
  st = ups_deconv_f32(&q, in, weights, bias, b.ref);
  if (st == UPS_OK) st = ups_deconv_f32(&q, b.ain, b.aw, b.ab, b.absref);
  if (st == UPS_OK) {
    const ups_deconv_geom *g = &s.geom;
    const double k = (double)(g->ic_g * g->kh * g->kw) + (bias ? 1.0 : 0.0);
    mac_check_compare(&b, k, got, s.out_elems, r);
  }
  mac_check_free(&b);
  return st;
}

/* The literal two-step upconv: u = the upsampled input (PyTorch
 * F.interpolate(scale_factor=f)), then a direct stride-1 convolution of u,
 * in (ic, ky, kx) order, then + bias. Nearest: the library's scalar resize
 * (ASYMMETRIC + FLOOR) and float sums. Bilinear (half-pixel, negative
 * sources clamped to 0, the upper neighbour to the last pixel): u and the
 * sums in double with exact coordinates, so the reference carries no float
 * coordinate error of its own (PyTorch computes (o+0.5)/3 in float). */
static ups_status upconv_reference(const ups_upconv_params *p, const ups_upconv_shape *s,
                                   const float *in, const float *w, const float *bias,
                                   float *out) {
  const size_t fh = s->ay.f, fw = s->ax.f, uh = p->in_h * fh, uw = p->in_w * fw;
  size_t ue;
  if (!ups_mul_ok(s->in_elems, fh * fw, &ue) || !ups_mul_ok(ue, sizeof(double), &ue))
    return UPS_ERR_NOMEM;
  float *u = NULL;
  double *ud = NULL;
  const int nhwc = p->layout == UPS_NHWC;
  const size_t C = p->in_c, OC = p->out_c, icg = s->ic_g, ocg = s->oc_g;
  if (s->nearest) {
    ups_resize_params rp = {0};
    rp.layout = p->layout;
    rp.n = p->n;
    rp.c = p->in_c;
    rp.in_h = p->in_h;
    rp.in_w = p->in_w;
    rp.out_h = uh;
    rp.out_w = uw;
    rp.scale_h = (float)fh;
    rp.scale_w = (float)fw;
    rp.coord = UPS_COORD_ASYMMETRIC;
    rp.round = UPS_ROUND_FLOOR;
    rp.isa = UPS_ISA_SCALAR;
    u = malloc(ue);
    if (!u) return UPS_ERR_NOMEM;
    const ups_status st = ups_resize_nearest_f32(&rp, in, u);
    if (st != UPS_OK) {
      free(u);
      return st;
    }
  } else {
    ud = malloc(ue);
    if (!ud) return UPS_ERR_NOMEM;
    const size_t ih = p->in_h, iw = p->in_w;
    for (size_t b = 0; b < p->n; b++)
      for (size_t c = 0; c < C; c++)
        for (size_t y = 0; y < uh; y++) {
          double sy = ((double)y + 0.5) / (double)fh - 0.5;
          if (sy < 0.0) sy = 0.0;
          const size_t y0 = (size_t)sy, y1 = y0 + 1 < ih ? y0 + 1 : y0;
          const double ly = sy - (double)y0;
          for (size_t x = 0; x < uw; x++) {
            double sx = ((double)x + 0.5) / (double)fw - 0.5;
            if (sx < 0.0) sx = 0.0;
            const size_t x0 = (size_t)sx, x1 = x0 + 1 < iw ? x0 + 1 : x0;
            const double lx = sx - (double)x0;
#define AT(yy, xx) \
  (double)in[nhwc ? ((b * ih + (yy)) * iw + (xx)) * C + c : ((b * C + c) * ih + (yy)) * iw + (xx)]
            const double v = (1.0 - ly) * ((1.0 - lx) * AT(y0, x0) + lx * AT(y0, x1)) +
                             ly * ((1.0 - lx) * AT(y1, x0) + lx * AT(y1, x1));
#undef AT
            ud[nhwc ? ((b * uh + y) * uw + x) * C + c : ((b * C + c) * uh + y) * uw + x] = v;
          }
        }
  }
  const size_t kh = s->ay.k, kw = s->ax.k, dh = s->ay.d, dw = s->ax.d;
  const size_t oh = s->out_h, ow = s->out_w;
  for (size_t b = 0; b < p->n; b++)
    for (size_t o = 0; o < OC; o++) {
      const size_t grp = o / ocg;
      for (size_t y = 0; y < oh; y++)
        for (size_t x = 0; x < ow; x++) {
          float acc = 0.0f;
          double accd = 0.0;
          for (size_t ic = 0; ic < icg; ic++) {
            const size_t c = grp * icg + ic;
            for (size_t ky = 0; ky < kh; ky++) {
              const ptrdiff_t uy = (ptrdiff_t)(y + ky * dh) - (ptrdiff_t)p->pad_top;
              if (uy < 0 || uy >= (ptrdiff_t)uh) continue;
              for (size_t kx = 0; kx < kw; kx++) {
                const ptrdiff_t ux = (ptrdiff_t)(x + kx * dw) - (ptrdiff_t)p->pad_left;
                if (ux < 0 || ux >= (ptrdiff_t)uw) continue;
                const size_t ui = nhwc ? ((b * uh + (size_t)uy) * uw + (size_t)ux) * C + c
                                       : ((b * C + c) * uh + (size_t)uy) * uw + (size_t)ux;
                const size_t wi = p->weight_layout == UPS_CW_OIHW
                                      ? ((o * icg + ic) * kh + ky) * kw + kx
                                      : ((ky * kw + kx) * icg + ic) * OC + o;
                if (u)
                  acc += u[ui] * w[wi];
                else
                  accd += ud[ui] * (double)w[wi];
              }
            }
          }
          if (!u) acc = (float)(accd + (bias ? (double)bias[o] : 0.0));
          else if (bias) acc += bias[o];
          const size_t oi = nhwc ? ((b * oh + y) * ow + x) * OC + o : ((b * OC + o) * oh + y) * ow + x;
          out[oi] = acc;
        }
    }
  free(u), free(ud);
  return UPS_OK;
}

ups_status ups_check_upconv(const ups_upconv_params *p, const float *in, const float *weights,
                            const float *bias, const float *got, ups_check_result *r) {
  ups_upconv_params q = *p;
  q.isa = UPS_ISA_SCALAR;
  ups_upconv_shape s;
  ups_status st = ups_upconv_validate(&q, &s);
  if (st != UPS_OK) return st;
  mac_check b;
  if (!mac_check_init(&b, s.out_elems, in, s.in_elems, weights, s.w_elems, bias, s.bias_elems))
    return UPS_ERR_NOMEM;
  st = upconv_reference(&q, &s, in, weights, bias, b.ref);
  /* Bilinear weights are >= 0, so the resize of |x| bounds |resize of x|. */
  if (st == UPS_OK) st = upconv_reference(&q, &s, b.ain, b.aw, b.ab, b.absref);
  if (st == UPS_OK) {
    /* The terms of the unfused definition: bilinear u are sums of 2x2
     * products, so each conv tap counts 4 (the fused kernel's nonzero taps
     * per output are at most that many). */
    const double k = (double)(s.ic_g * s.ay.k * s.ax.k) * (s.nearest ? 1.0 : 4.0) +
                     (bias ? 1.0 : 0.0);
    mac_check_compare(&b, k, got, s.out_elems, r);
  }
  mac_check_free(&b);
  return st;
}
