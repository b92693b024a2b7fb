/* nearest.c — scalar reference of nearest resize: every output element copies
 * the input element that the row and column tables name. */
#include "../kernels/kernel.h"

void ups_nearest_nchw_scalar(const ups_nearest_job *job, const void *prep, const ups_range *r) {
  (void)prep;
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  for (size_t n = r->n0; n < r->n1; n++)
    for (size_t ch = r->c0; ch < r->c1; ch++) {
      const size_t p = n * job->c + ch;
      const float *src = job->in + p * ih * iw;
      float *dst = job->out + p * oh * ow;
      for (size_t y = r->y0; y < r->y1; y++) {
        const float *row = src + job->y.idx[y] * iw;
        for (size_t x = 0; x < ow; x++) dst[y * ow + x] = row[job->x.idx[x]];
      }
    }
}

void ups_nearest_nhwc_scalar(const ups_nearest_job *job, const void *prep, const ups_range *r) {
  (void)prep;
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out, c = job->c;
  for (size_t n = r->n0; n < r->n1; n++) {
    const float *src = job->in + n * ih * iw * c;
    float *dst = job->out + n * oh * ow * c;
    for (size_t y = r->y0; y < r->y1; y++)
      for (size_t x = 0; x < ow; x++) {
        const float *pix = src + (job->y.idx[y] * iw + job->x.idx[x]) * c;
        float *o = dst + (y * ow + x) * c;
        for (size_t ch = 0; ch < c; ch++) o[ch] = pix[ch];
      }
  }
}
