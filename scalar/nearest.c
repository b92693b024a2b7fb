/* nearest.c — scalar reference of nearest resize: every output element copies
 * the input element that the row and column tables name. */
#include "../kernels/kernel.h"

void ups_nearest_nchw_scalar(const ups_nearest_job *job) {
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  const size_t planes = job->n * job->c;
  for (size_t p = 0; p < planes; p++) {
    const float *src = job->in + p * ih * iw;
    float *dst = job->out + p * oh * ow;
    for (size_t y = 0; y < oh; y++) {
      const float *row = src + job->y.idx[y] * iw;
      for (size_t x = 0; x < ow; x++) dst[y * ow + x] = row[job->x.idx[x]];
    }
  }
}

void ups_nearest_nhwc_scalar(const ups_nearest_job *job) {
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out, c = job->c;
  for (size_t n = 0; n < job->n; n++) {
    const float *src = job->in + n * ih * iw * c;
    float *dst = job->out + n * oh * ow * c;
    for (size_t y = 0; y < oh; y++)
      for (size_t x = 0; x < ow; x++) {
        const float *pix = src + (job->y.idx[y] * iw + job->x.idx[x]) * c;
        float *o = dst + (y * ow + x) * c;
        for (size_t ch = 0; ch < c; ch++) o[ch] = pix[ch];
      }
  }
}
