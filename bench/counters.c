/* counters.c — work accounting of a benchmark (see counters.h). */
#include "counters.h"

#include "internal.h" /* ups_upconv_validate: the fused deconvolution */

static size_t or_one(size_t v) { return v ? v : 1; }

size_t bench_deconv_weight_elems(const ups_deconv_params *p) {
  return p->in_c * (p->out_c / or_one(p->groups)) * p->kernel_h * p->kernel_w;
}

int bench_resize_work(const ups_resize_params *p, bench_work *w) {
  size_t oh, ow;
  if (ups_resize_output_size(p, &oh, &ow) != UPS_OK) return 1;
  const double planes = (double)p->n * (double)p->c;
  w->items = planes * (double)oh * (double)ow;
  w->read_bytes = planes * (double)p->in_h * (double)p->in_w * sizeof(float);
  w->write_bytes = w->items * sizeof(float);
  w->flops = 0.0;
  return 0;
}

double bench_deconv_axis_taps(size_t in, size_t kernel, size_t stride, size_t dilation,
                              size_t pad_begin, size_t out) {
  double taps = 0.0;
  for (size_t k = 0; k < kernel; k++) {
    /* position(i) = i*stride + k*dilation - pad_begin: count i in [0, in) with
     * 0 <= position < out, by direct enumeration (clarity over speed: this
     * runs once per benchmark). */
    for (size_t i = 0; i < in; i++) {
      const double pos = (double)i * (double)stride + (double)k * (double)dilation -
                         (double)pad_begin;
      if (pos >= 0.0 && pos < (double)out) taps += 1.0;
    }
  }
  return taps;
}

double bench_deconv_useful_macs(const ups_deconv_params *p) {
  size_t oh, ow;
  if (ups_deconv_output_size(p, &oh, &ow) != UPS_OK) return 0.0;
  const size_t groups = or_one(p->groups);
  const double th = bench_deconv_axis_taps(p->in_h, p->kernel_h, or_one(p->stride_h),
                                           or_one(p->dilation_h), p->pad_top, oh);
  const double tw = bench_deconv_axis_taps(p->in_w, p->kernel_w, or_one(p->stride_w),
                                           or_one(p->dilation_w), p->pad_left, ow);
  /* Every (input channel, output channel of its group) pair, per tap pair. */
  const double channel_pairs = (double)p->in_c * (double)(p->out_c / groups);
  return (double)p->n * channel_pairs * th * tw;
}

int bench_deconv_work(const ups_deconv_params *p, int has_bias, bench_work *w) {
  size_t oh, ow;
  if (ups_deconv_output_size(p, &oh, &ow) != UPS_OK) return 1;
  const double in_elems = (double)p->n * (double)p->in_c * (double)p->in_h * (double)p->in_w;
  const double w_elems = (double)bench_deconv_weight_elems(p);
  w->items = (double)p->n * (double)p->out_c * (double)oh * (double)ow;
  w->read_bytes = (in_elems + w_elems + (has_bias ? (double)p->out_c : 0.0)) * sizeof(float);
  w->write_bytes = w->items * sizeof(float);
  w->flops = 2.0 * bench_deconv_useful_macs(p);
  return 0;
}

double bench_upconv_fused_macs(const ups_upconv_params *p) {
  ups_upconv_shape s;
  if (ups_upconv_validate(p, &s) != UPS_OK) return 0.0;
  return bench_deconv_useful_macs(&s.dp);
}

double bench_upconv_twostep_macs(const ups_upconv_params *p) {
  size_t oh, ow;
  if (ups_upconv_output_size(p, &oh, &ow) != UPS_OK) return 0.0;
  /* Conv tap k at output y reads u[y - pad + k*d]: the same count as a
   * stride-1 transposed tap of an "input" of oh rows into f*in rows. */
  const double th = bench_deconv_axis_taps(oh, p->kernel_h, 1, or_one(p->dilation_h), p->pad_top,
                                           or_one(p->factor_h) * p->in_h);
  const double tw = bench_deconv_axis_taps(ow, p->kernel_w, 1, or_one(p->dilation_w),
                                           p->pad_left, or_one(p->factor_w) * p->in_w);
  const double channel_pairs = (double)p->out_c * (double)(p->in_c / or_one(p->groups));
  return (double)p->n * channel_pairs * th * tw;
}

size_t bench_upconv_weight_elems(const ups_upconv_params *p) {
  return p->out_c * (p->in_c / or_one(p->groups)) * p->kernel_h * p->kernel_w;
}

int bench_upconv_work(const ups_upconv_params *p, int has_bias, bench_work *w) {
  size_t oh, ow;
  if (ups_upconv_output_size(p, &oh, &ow) != UPS_OK) return 1;
  const double in_elems = (double)p->n * (double)p->in_c * (double)p->in_h * (double)p->in_w;
  const double w_elems = (double)bench_upconv_weight_elems(p);
  w->items = (double)p->n * (double)p->out_c * (double)oh * (double)ow;
  w->read_bytes = (in_elems + w_elems + (has_bias ? (double)p->out_c : 0.0)) * sizeof(float);
  w->write_bytes = w->items * sizeof(float);
  w->flops = 2.0 * bench_upconv_fused_macs(p);
  return 0;
}
