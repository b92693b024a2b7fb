/* resize.c — the public nearest and bilinear entry points: validate, build
 * the shared coordinate tables, call the chosen variant's kernel. */
#include <stdint.h>
#include <stdlib.h>

#include "coords.h"
#include "internal.h"

/* Tables of small resizes live on the stack; larger ones are allocated. */
enum { STACK_AXIS = 512 };

static ups_status check_tensors(const ups_resize_shape *s, const float *in, const float *out) {
  if (ups_ranges_overlap(in, s->in_elems * sizeof(float), out, s->out_elems * sizeof(float)))
    return UPS_ERR_ALIAS;
  return UPS_OK;
}

ups_status ups_resize_nearest_f32(const ups_resize_params *p, const float *in, float *out) {
  if (!p || !in || !out) return UPS_ERR_NULL;
  ups_resize_shape s;
  ups_status st = ups_resize_validate(p, 0, &s);
  if (st != UPS_OK) return st;
  if ((st = check_tensors(&s, in, out)) != UPS_OK) return st;

  /* One block: idx (size_t) then idx32 (int32), rows then columns. */
  const size_t per = sizeof(size_t) + sizeof(int32_t);
  size_t total = s.out_h + s.out_w, bytes;
  if (total < s.out_h || !ups_mul_ok(total, per, &bytes)) return UPS_ERR_OVERFLOW;
  unsigned char stack_block[2 * STACK_AXIS * (sizeof(size_t) + sizeof(int32_t))];
  unsigned char *block = stack_block;
  if (total > 2 * STACK_AXIS) {
    block = malloc(bytes);
    if (!block) return UPS_ERR_NOMEM;
  }
  size_t *idx_y = (size_t *)block, *idx_x = idx_y + s.out_h;
  int32_t *i32_y = (int32_t *)(idx_x + s.out_w), *i32_x = i32_y + s.out_h;

  ups_nearest_job job;
  job.n = p->n;
  job.c = p->c;
  ups_nearest_axis_build(p->in_h, s.out_h, p->scale_h, p->coord, p->round, idx_y, i32_y, &job.y);
  ups_nearest_axis_build(p->in_w, s.out_w, p->scale_w, p->coord, p->round, idx_x, i32_x, &job.x);
  job.in = in;
  job.out = out;
  const ups_kernel_table *k = ups_kernels_for(s.isa);
  (p->layout == UPS_NHWC ? k->nearest_nhwc : k->nearest_nchw)(&job);
  if (block != stack_block) free(block);
  return UPS_OK;
}

ups_status ups_resize_bilinear_f32(const ups_resize_params *p, const float *in, float *out) {
  if (!p || !in || !out) return UPS_ERR_NULL;
  ups_resize_shape s;
  ups_status st = ups_resize_validate(p, 1, &s);
  if (st != UPS_OK) return st;
  if ((st = check_tensors(&s, in, out)) != UPS_OK) return st;

  /* One block: i0, i1 (size_t), w0, w1 (float), i0_32 (int32) per axis. */
  const size_t per = 2 * sizeof(size_t) + 2 * sizeof(float) + sizeof(int32_t);
  size_t total = s.out_h + s.out_w, bytes;
  if (total < s.out_h || !ups_mul_ok(total, per, &bytes)) return UPS_ERR_OVERFLOW;
  unsigned char stack_block[2 * STACK_AXIS * (2 * sizeof(size_t) + 2 * sizeof(float) +
                                              sizeof(int32_t))];
  unsigned char *block = stack_block;
  if (total > 2 * STACK_AXIS) {
    block = malloc(bytes);
    if (!block) return UPS_ERR_NOMEM;
  }
  size_t *i0 = (size_t *)block, *i1 = i0 + total;
  float *w0 = (float *)(i1 + total), *w1 = w0 + total;
  int32_t *i32 = (int32_t *)(w1 + total);

  ups_bilinear_job job;
  job.n = p->n;
  job.c = p->c;
  ups_linear_axis_build(p->in_h, s.out_h, p->scale_h, p->coord, i0, i1, i32, w0, w1, &job.y);
  ups_linear_axis_build(p->in_w, s.out_w, p->scale_w, p->coord, i0 + s.out_h, i1 + s.out_h,
                        i32 + s.out_h, w0 + s.out_h, w1 + s.out_h, &job.x);
  job.in = in;
  job.out = out;
  const ups_kernel_table *k = ups_kernels_for(s.isa);
  (p->layout == UPS_NHWC ? k->bilinear_nhwc : k->bilinear_nchw)(&job);
  if (block != stack_block) free(block);
  return UPS_OK;
}
