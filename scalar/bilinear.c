/* bilinear.c — scalar reference of bilinear resize. Each output is
 * wy0*(wx0*a + wx1*b) + wy1*(wx0*c + wx1*d), evaluated in that order (PyTorch's
 * separable order), with the taps and weights from the shared axis tables. */
#include "../kernels/kernel.h"

static float lerp2d(const ups_linear_axis *ay, const ups_linear_axis *ax, size_t y, size_t x,
                    float a, float b, float c, float d) {
  const float top = a * ax->w0[x] + b * ax->w1[x];
  const float bottom = c * ax->w0[x] + d * ax->w1[x];
  return top * ay->w0[y] + bottom * ay->w1[y];
}

void ups_bilinear_nchw_scalar(const ups_bilinear_job *job, const void *prep, const ups_range *r) {
  (void)prep;
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out;
  for (size_t n = r->n0; n < r->n1; n++)
    for (size_t ch = r->c0; ch < r->c1; ch++) {
      const size_t p = n * job->c + ch;
      const float *src = job->in + p * ih * iw;
      float *dst = job->out + p * oh * ow;
      for (size_t y = r->y0; y < r->y1; y++) {
        const float *r0 = src + ay->i0[y] * iw, *r1 = src + ay->i1[y] * iw;
        for (size_t x = 0; x < ow; x++) {
          const size_t x0 = ax->i0[x], x1 = ax->i1[x];
          dst[y * ow + x] = lerp2d(ay, ax, y, x, r0[x0], r0[x1], r1[x0], r1[x1]);
        }
      }
    }
}

void ups_bilinear_nhwc_scalar(const ups_bilinear_job *job, const void *prep, const ups_range *r) {
  (void)prep;
  const ups_linear_axis *ay = &job->y, *ax = &job->x;
  const size_t ih = ay->in, iw = ax->in, oh = ay->out, ow = ax->out, c = job->c;
  for (size_t n = r->n0; n < r->n1; n++) {
    const float *src = job->in + n * ih * iw * c;
    float *dst = job->out + n * oh * ow * c;
    for (size_t y = r->y0; y < r->y1; y++) {
      const float *r0 = src + ay->i0[y] * iw * c, *r1 = src + ay->i1[y] * iw * c;
      for (size_t x = 0; x < ow; x++) {
        const size_t x0 = ax->i0[x] * c, x1 = ax->i1[x] * c;
        float *o = dst + (y * ow + x) * c;
        for (size_t ch = 0; ch < c; ch++)
          o[ch] = lerp2d(ay, ax, y, x, r0[x0 + ch], r0[x1 + ch], r1[x0 + ch], r1[x1 + ch]);
      }
    }
  }
}
