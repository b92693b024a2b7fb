/* validate.c — all parameter validation and shape math of the public API, in
 * one place: statuses, overflow checks, output sizes, overlap checks. Kernels
 * trust what passes here. */
#include <math.h>
#include <stdint.h>

#include "internal.h"

const char *ups_status_string(ups_status s) {
  switch (s) {
    case UPS_OK: return "ok";
    case UPS_ERR_NULL: return "a required pointer is NULL";
    case UPS_ERR_SHAPE: return "a size is zero or sizes disagree";
    case UPS_ERR_PARAM: return "an enum or parameter is out of range";
    case UPS_ERR_OVERFLOW: return "an element or byte count overflows size_t/ptrdiff_t";
    case UPS_ERR_ALIAS: return "the output overlaps an input";
    case UPS_ERR_ISA: return "the requested ISA is not built in or not usable on this CPU";
    case UPS_ERR_NOMEM: return "out of memory";
    case UPS_ERR_UNSUPPORTED: return "not built into this library";
  }
  return "unknown status";
}

int ups_ranges_overlap(const void *a, size_t an, const void *b, size_t bn) {
  uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
  if (an == 0 || bn == 0) return 0;
  return pa < pb + bn && pb < pa + an;
}

/* n elements of float: the element count and its byte count fit ptrdiff_t. */
static int elems_ok(size_t elems) {
  return elems <= (size_t)PTRDIFF_MAX / sizeof(float);
}

/* Product of four sizes as a float element count that fits ptrdiff_t bytes. */
static int count4(size_t a, size_t b, size_t c, size_t d, size_t *r) {
  size_t t;
  if (!ups_mul_ok(a, b, &t) || !ups_mul_ok(t, c, &t) || !ups_mul_ok(t, d, &t)) return 0;
  if (!elems_ok(t)) return 0;
  *r = t;
  return 1;
}

/* out = floor(in * scale) for a validated, positive scale; 0 on overflow of
 * what a size can hold (the caller reports it). */
static ups_status size_from_scale(size_t in, float scale, size_t *out) {
  double o = floor((double)in * (double)scale);
  if (o < 1.0) return UPS_ERR_SHAPE;
  if (o >= 9007199254740992.0 || o > (double)(PTRDIFF_MAX / (ptrdiff_t)sizeof(float)))
    return UPS_ERR_OVERFLOW;
  *out = (size_t)o;
  return UPS_OK;
}

/* The coordinate tables use the float reciprocal of a given scale: one that
 * overflows (s below ~2.9e-39) would turn x = 0 into inf * 0 = NaN weights. */
static int scale_ok(float s) {
  return isfinite(s) && s >= 0.0f && (s == 0.0f || isfinite((float)(1.0 / (double)s)));
}

ups_status ups_resize_validate(const ups_resize_params *p, ups_resize_op op, ups_resize_shape *s) {
  if (!p) return UPS_ERR_NULL;
  if ((unsigned)p->layout > (unsigned)UPS_NHWC) return UPS_ERR_PARAM;
  if ((unsigned)p->coord > (unsigned)UPS_COORD_TF_HALF_PIXEL_FOR_NN) return UPS_ERR_PARAM;
  if (op == UPS_RESIZE_BILINEAR && p->coord == UPS_COORD_TF_HALF_PIXEL_FOR_NN) return UPS_ERR_PARAM;
  if (op == UPS_RESIZE_NEAREST && (unsigned)p->round > (unsigned)UPS_ROUND_CEIL) return UPS_ERR_PARAM;
  if ((unsigned)p->isa >= (unsigned)ups_isa_count()) return UPS_ERR_PARAM;
  if (!scale_ok(p->scale_h) || !scale_ok(p->scale_w)) return UPS_ERR_PARAM;
  if (p->n == 0 || p->c == 0 || p->in_h == 0 || p->in_w == 0) return UPS_ERR_SHAPE;
  size_t oh = p->out_h, ow = p->out_w;
  ups_status st;
  if (oh == 0) {
    if (p->scale_h == 0.0f) return UPS_ERR_SHAPE;
    if ((st = size_from_scale(p->in_h, p->scale_h, &oh)) != UPS_OK) return st;
  }
  if (ow == 0) {
    if (p->scale_w == 0.0f) return UPS_ERR_SHAPE;
    if ((st = size_from_scale(p->in_w, p->scale_w, &ow)) != UPS_OK) return st;
  }
  size_t in_e, out_e;
  if (!count4(p->n, p->c, p->in_h, p->in_w, &in_e)) return UPS_ERR_OVERFLOW;
  if (!count4(p->n, p->c, oh, ow, &out_e)) return UPS_ERR_OVERFLOW;
  ups_isa isa;
  if ((st = ups_isa_resolve(p->isa, &isa)) != UPS_OK) return st;
  s->out_h = oh;
  s->out_w = ow;
  s->in_elems = in_e;
  s->out_elems = out_e;
  s->isa = isa;
  return UPS_OK;
}

ups_status ups_resize_output_size(const ups_resize_params *p, size_t *out_h, size_t *out_w) {
  if (!p || !out_h || !out_w) return UPS_ERR_NULL;
  ups_resize_shape s;
  /* The size rule is the same for both operators: check neither the
   * nearest-only round field nor the bilinear-only coord restriction. */
  ups_status st = ups_resize_validate(p, UPS_RESIZE_SIZE_ONLY, &s);
  if (st != UPS_OK) return st;
  *out_h = s.out_h;
  *out_w = s.out_w;
  return UPS_OK;
}

/* One axis of the deconv output-size formula, overflow-checked:
 * (in-1)*stride + dilation*(kernel-1) + out_pad + 1 - pad_begin - pad_end. */
static ups_status deconv_axis(size_t in, size_t k, size_t s, size_t d, size_t pb, size_t pe,
                              size_t op, size_t *out) {
  size_t full, t;
  if (!ups_mul_ok(in - 1, s, &full)) return UPS_ERR_OVERFLOW;
  if (!ups_mul_ok(d, k - 1, &t) || !ups_add_ok(full, t, &full)) return UPS_ERR_OVERFLOW;
  if (!ups_add_ok(full, op, &full) || !ups_add_ok(full, 1, &full)) return UPS_ERR_OVERFLOW;
  size_t pads;
  if (!ups_add_ok(pb, pe, &pads)) return UPS_ERR_SHAPE; /* crops more than any output */
  if (pads >= full) return UPS_ERR_SHAPE;
  *out = full - pads;
  return UPS_OK;
}

ups_status ups_deconv_validate(const ups_deconv_params *p, ups_deconv_shape *s) {
  if (!p) return UPS_ERR_NULL;
  if ((unsigned)p->layout > (unsigned)UPS_NHWC) return UPS_ERR_PARAM;
  if ((unsigned)p->weight_layout > (unsigned)UPS_W_HWOI) return UPS_ERR_PARAM;
  if ((unsigned)p->isa >= (unsigned)ups_isa_count()) return UPS_ERR_PARAM;
  size_t g = p->groups ? p->groups : 1;
  size_t sh = p->stride_h ? p->stride_h : 1, sw = p->stride_w ? p->stride_w : 1;
  size_t dh = p->dilation_h ? p->dilation_h : 1, dw = p->dilation_w ? p->dilation_w : 1;
  /* PyTorch: output padding must be smaller than either stride or dilation. */
  if (p->out_pad_h >= sh && p->out_pad_h >= dh) return UPS_ERR_PARAM;
  if (p->out_pad_w >= sw && p->out_pad_w >= dw) return UPS_ERR_PARAM;
  if (p->n == 0 || p->in_c == 0 || p->in_h == 0 || p->in_w == 0 || p->out_c == 0 ||
      p->kernel_h == 0 || p->kernel_w == 0)
    return UPS_ERR_SHAPE;
  if (p->in_c % g != 0 || p->out_c % g != 0) return UPS_ERR_SHAPE;
  size_t oh, ow;
  ups_status st;
  if ((st = deconv_axis(p->in_h, p->kernel_h, sh, dh, p->pad_top, p->pad_bottom, p->out_pad_h,
                        &oh)) != UPS_OK)
    return st;
  if ((st = deconv_axis(p->in_w, p->kernel_w, sw, dw, p->pad_left, p->pad_right, p->out_pad_w,
                        &ow)) != UPS_OK)
    return st;
  size_t in_e, out_e, w_e;
  if (!count4(p->n, p->in_c, p->in_h, p->in_w, &in_e)) return UPS_ERR_OVERFLOW;
  if (!count4(p->n, p->out_c, oh, ow, &out_e)) return UPS_ERR_OVERFLOW;
  if (!count4(p->in_c, p->out_c / g, p->kernel_h, p->kernel_w, &w_e)) return UPS_ERR_OVERFLOW;
  /* Kernels index pads and taps in ptrdiff_t: keep every geometry term small
   * enough that iy*stride + ky*dilation cannot overflow it. */
  size_t span_h, span_w, kspan_h, kspan_w;
  if (!ups_mul_ok(p->in_h, sh, &span_h) || !ups_mul_ok(p->in_w, sw, &span_w) ||
      !ups_mul_ok(p->kernel_h, dh, &kspan_h) || !ups_mul_ok(p->kernel_w, dw, &kspan_w))
    return UPS_ERR_OVERFLOW;
  const size_t lim = (size_t)PTRDIFF_MAX / 4;
  if (span_h > lim || span_w > lim || kspan_h > lim || kspan_w > lim || p->pad_top > lim ||
      p->pad_left > lim || p->pad_bottom > lim || p->pad_right > lim)
    return UPS_ERR_OVERFLOW;
  ups_isa isa;
  if ((st = ups_isa_resolve(p->isa, &isa)) != UPS_OK) return st;
  ups_deconv_geom *G = &s->geom;
  G->nhwc = p->layout == UPS_NHWC;
  G->n = p->n;
  G->groups = g;
  G->ic_g = p->in_c / g;
  G->oc_g = p->out_c / g;
  G->in_h = p->in_h;
  G->in_w = p->in_w;
  G->out_h = oh;
  G->out_w = ow;
  G->kh = p->kernel_h;
  G->kw = p->kernel_w;
  G->sh = sh;
  G->sw = sw;
  G->dh = dh;
  G->dw = dw;
  G->pad_top = p->pad_top;
  G->pad_left = p->pad_left;
  G->has_bias = 0;
  s->in_elems = in_e;
  s->out_elems = out_e;
  s->w_elems = w_e;
  s->bias_elems = p->out_c;
  s->isa = isa;
  return UPS_OK;
}

ups_status ups_deconv_output_size(const ups_deconv_params *p, size_t *out_h, size_t *out_w) {
  if (!p || !out_h || !out_w) return UPS_ERR_NULL;
  ups_deconv_shape s;
  ups_status st = ups_deconv_validate(p, &s);
  if (st != UPS_OK) return st;
  *out_h = s.geom.out_h;
  *out_w = s.geom.out_w;
  return UPS_OK;
}

/* One axis of an upconv, overflow-checked: output factor*in + pads -
 * dilation*(kernel-1), and the equivalent transposed convolution of the
 * input (nearest: box of f ones, shift 0) or of the input with its
 * one-pixel replicate ring (bilinear: tent of 2f - f%2 taps, shift
 * floor(3f/2)): u[o] = sum_j p[j] * b[o - f*j + shift]. Conv tap k lands on
 * transposed taps [crop + pad_begin - shift - k*d, ... + len). The crop at
 * either end must be >= 0: a pad beyond the kernel span becomes zero taps
 * (crop 0, longer kernel) instead of a negative crop. */
static ups_status upconv_axis(size_t in, size_t f, size_t k, size_t d, size_t pb, size_t pe,
                              int bilinear, ups_upconv_axis *a, size_t *out) {
  size_t up, span, full, kt, lead, tail;
  if (!ups_mul_ok(in, f, &up) || !ups_mul_ok(d, k - 1, &span)) return UPS_ERR_OVERFLOW;
  if (!ups_add_ok(up, pb, &full) || !ups_add_ok(full, pe, &full)) return UPS_ERR_OVERFLOW;
  if (full <= span) return UPS_ERR_SHAPE; /* no output pixel */
  if (f > (size_t)-1 / 4) return UPS_ERR_OVERFLOW; /* 3f and 2f below fit */
  a->f = f;
  a->k = k;
  a->d = d;
  a->pad_begin = pb;
  a->pad_end = pe;
  a->shift = bilinear ? 3 * f / 2 : 0;
  a->len = bilinear ? 2 * f - f % 2 : f;
  /* crop = max(0, span + shift - pb); end: (2*ring - 1)*f - shift + len + span - pe */
  if (!ups_add_ok(span, a->shift, &lead)) return UPS_ERR_OVERFLOW;
  a->crop = lead > pb ? lead - pb : 0;
  if (!ups_add_ok(span, (bilinear ? f : 0) + a->len, &tail)) return UPS_ERR_OVERFLOW;
  tail -= bilinear ? a->shift : f; /* >= 0: len >= shift - f + 1 for bilinear */
  a->crop_end = tail > pe ? tail - pe : 0;
  const size_t extra = pe > tail ? pe - tail : 0;
  /* kt = crop + pb - shift + len + extra; crop + pb >= shift + span */
  if (!ups_add_ok(a->crop, pb, &kt)) return UPS_ERR_OVERFLOW;
  kt -= a->shift;
  if (!ups_add_ok(kt, a->len, &kt) || !ups_add_ok(kt, extra, &kt)) return UPS_ERR_OVERFLOW;
  a->kt = kt;
  *out = full - span;
  return UPS_OK;
}

ups_status ups_upconv_validate(const ups_upconv_params *p, ups_upconv_shape *s) {
  if (!p) return UPS_ERR_NULL;
  if ((unsigned)p->layout > (unsigned)UPS_NHWC) return UPS_ERR_PARAM;
  if ((unsigned)p->weight_layout > (unsigned)UPS_CW_HWIO) return UPS_ERR_PARAM;
  if (p->mode != UPS_OP_NEAREST && p->mode != UPS_OP_BILINEAR) return UPS_ERR_PARAM;
  if ((unsigned)p->isa >= (unsigned)ups_isa_count()) return UPS_ERR_PARAM;
  const size_t g = p->groups ? p->groups : 1;
  const size_t fh = p->factor_h ? p->factor_h : 1, fw = p->factor_w ? p->factor_w : 1;
  const size_t dh = p->dilation_h ? p->dilation_h : 1, dw = p->dilation_w ? p->dilation_w : 1;
  if (p->n == 0 || p->in_c == 0 || p->in_h == 0 || p->in_w == 0 || p->out_c == 0 ||
      p->kernel_h == 0 || p->kernel_w == 0)
    return UPS_ERR_SHAPE;
  if (p->in_c % g != 0 || p->out_c % g != 0) return UPS_ERR_SHAPE;
  const int bil = p->mode == UPS_OP_BILINEAR;
  size_t in_e, ring_h = p->in_h, ring_w = p->in_w;
  if (!count4(p->n, p->in_c, p->in_h, p->in_w, &in_e)) return UPS_ERR_OVERFLOW;
  if (bil && (!ups_add_ok(p->in_h, 2, &ring_h) || !ups_add_ok(p->in_w, 2, &ring_w)))
    return UPS_ERR_OVERFLOW;
  ups_status st;
  size_t oh, ow;
  if ((st = upconv_axis(p->in_h, fh, p->kernel_h, dh, p->pad_top, p->pad_bottom, bil, &s->ay,
                         &oh)) !=
      UPS_OK)
    return st;
  if ((st = upconv_axis(p->in_w, fw, p->kernel_w, dw, p->pad_left, p->pad_right, bil, &s->ax,
                         &ow)) !=
      UPS_OK)
    return st;
  size_t w_e;
  if (!count4(p->out_c, p->in_c / g, p->kernel_h, p->kernel_w, &w_e)) return UPS_ERR_OVERFLOW;
  ups_deconv_params d = {0};
  d.layout = p->layout;
  d.n = p->n;
  d.in_c = p->in_c;
  d.in_h = ring_h;
  d.in_w = ring_w;
  d.out_c = p->out_c;
  d.groups = g;
  d.kernel_h = s->ay.kt;
  d.kernel_w = s->ax.kt;
  d.stride_h = fh;
  d.stride_w = fw;
  d.pad_top = s->ay.crop;
  d.pad_bottom = s->ay.crop_end;
  d.pad_left = s->ax.crop;
  d.pad_right = s->ax.crop_end;
  d.weight_layout = UPS_W_IOHW;
  d.isa = p->isa;
  /* The transposed convolution's own limits (sizes, index ranges, ISA). */
  ups_deconv_shape ds;
  if ((st = ups_deconv_validate(&d, &ds)) != UPS_OK) return st;
  if (ds.geom.out_h != oh || ds.geom.out_w != ow) return UPS_ERR_SHAPE; /* cannot happen */
  s->dp = d;
  s->groups = g;
  s->ic_g = p->in_c / g;
  s->oc_g = p->out_c / g;
  s->out_h = oh;
  s->out_w = ow;
  s->in_elems = in_e;
  s->ring_elems = bil ? ds.in_elems : 0;
  s->out_elems = ds.out_elems;
  s->w_elems = w_e;
  s->bias_elems = p->out_c;
  s->nearest = p->mode == UPS_OP_NEAREST;
  return UPS_OK;
}

ups_status ups_upconv_output_size(const ups_upconv_params *p, size_t *out_h, size_t *out_w) {
  if (!p || !out_h || !out_w) return UPS_ERR_NULL;
  ups_upconv_shape s;
  ups_status st = ups_upconv_validate(p, &s);
  if (st != UPS_OK) return st;
  *out_h = s.out_h;
  *out_w = s.out_w;
  return UPS_OK;
}
