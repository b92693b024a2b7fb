/* resize.c — the public nearest and bilinear entry points: validate, build
 * the shared coordinate tables and the variant's per-call data (once per
 * call), then run the variant's kernel over the work ranges. */
#include <stdint.h>
#include <stdlib.h>

#include "coords.h"
#include "internal.h"

/* Tables of small resizes live on the stack; larger ones are allocated. */
enum { STACK_AXIS = 512 };

/* Validates p and the tensors, then gives the block that holds the tables:
 * `per` bytes per output row and column, in `stack` (aligned for size_t) when
 * it fits, else allocated (the caller frees it when it is not `stack`). */
static ups_status resize_prepare(const ups_resize_params *p, ups_resize_op op, const float *in,
                                 const float *out, size_t per, unsigned char *stack,
                                 size_t stack_bytes, ups_resize_shape *s,
                                 unsigned char **block) {
  if (!p || !in || !out) return UPS_ERR_NULL;
  ups_status st = ups_resize_validate(p, op, s);
  if (st != UPS_OK) return st;
  if (ups_ranges_overlap(in, s->in_elems * sizeof(float), out, s->out_elems * sizeof(float)))
    return UPS_ERR_ALIAS;
  size_t total = s->out_h + s->out_w, bytes;
  if (total < s->out_h || !ups_mul_ok(total, per, &bytes)) return UPS_ERR_OVERFLOW;
  *block = bytes <= stack_bytes ? stack : malloc(bytes);
  return *block ? UPS_OK : UPS_ERR_NOMEM;
}

/* Square resizes (the common case) have identical row and column tables:
 * built once and shared, as building one costs ~3-4 ns per entry, which is
 * most of a call on small planes. */
static int same_axes(const ups_resize_params *p, const ups_resize_shape *s) {
  return p->in_h == p->in_w && s->out_h == s->out_w && p->scale_h == p->scale_w;
}

typedef struct nearest_call {
  const ups_nearest_ops *ops;
  const ups_nearest_job *job;
  const void *prep;
} nearest_call;

static void nearest_task(const void *ctx, const ups_range *r) {
  const nearest_call *c = ctx;
  c->ops->run(c->job, c->prep, r);
}

typedef struct bilinear_call {
  const ups_bilinear_ops *ops;
  const ups_bilinear_job *job;
  const void *prep;
} bilinear_call;

static void bilinear_task(const void *ctx, const ups_range *r) {
  const bilinear_call *c = ctx;
  c->ops->run(c->job, c->prep, r);
}

ups_status ups_resize_nearest_f32(const ups_resize_params *p, const float *in, float *out) {
  /* One block: idx (size_t) then idx32 (int32), rows then columns. */
  const size_t per = sizeof(size_t) + sizeof(int32_t);
  _Alignas(size_t) unsigned char stack_block[2 * STACK_AXIS * (sizeof(size_t) + sizeof(int32_t))];
  ups_resize_shape s;
  unsigned char *block;
  ups_status st = resize_prepare(p, UPS_RESIZE_NEAREST, in, out, per, stack_block,
                                 sizeof stack_block, &s, &block);
  if (st != UPS_OK) return st;
  size_t *idx_y = (size_t *)block, *idx_x = idx_y + s.out_h;
  int32_t *i32_y = (int32_t *)(idx_x + s.out_w), *i32_x = i32_y + s.out_h;

  ups_nearest_job job;
  job.n = p->n;
  job.c = p->c;
  ups_nearest_axis_build(p->in_h, s.out_h, p->scale_h, p->coord, p->round, idx_y, i32_y, &job.y);
  if (same_axes(p, &s))
    job.x = job.y;
  else
    ups_nearest_axis_build(p->in_w, s.out_w, p->scale_w, p->coord, p->round, idx_x, i32_x,
                           &job.x);
  job.in = in;
  job.out = out;
  const ups_nearest_ops *ops = &ups_kernels_for(s.isa)->nearest[p->layout];
  _Alignas(64) unsigned char prep[UPS_PREP_BYTES];
  if (ops->prep_bytes) ops->prepare(&job, prep);
  const nearest_call call = {ops, &job, prep};
  const ups_range whole = ups_resize_whole(p->n, p->c, s.out_h, p->layout);
  ups_work_run(&whole, nearest_task, &call);
  if (block != stack_block) free(block);
  return UPS_OK;
}

ups_status ups_resize_bilinear_f32(const ups_resize_params *p, const float *in, float *out) {
  /* One block: i0, i1 (size_t), w0, w1 (float), i0_32 (int32) per axis. */
  const size_t per = 2 * sizeof(size_t) + 2 * sizeof(float) + sizeof(int32_t);
  _Alignas(size_t) unsigned char
      stack_block[2 * STACK_AXIS * (2 * sizeof(size_t) + 2 * sizeof(float) + sizeof(int32_t))];
  ups_resize_shape s;
  unsigned char *block;
  ups_status st = resize_prepare(p, UPS_RESIZE_BILINEAR, in, out, per, stack_block,
                                 sizeof stack_block, &s, &block);
  if (st != UPS_OK) return st;
  const size_t total = s.out_h + s.out_w;
  size_t *i0 = (size_t *)block, *i1 = i0 + total;
  float *w0 = (float *)(i1 + total), *w1 = w0 + total;
  int32_t *i32 = (int32_t *)(w1 + total);

  ups_bilinear_job job;
  job.n = p->n;
  job.c = p->c;
  ups_linear_axis_build(p->in_h, s.out_h, p->scale_h, p->coord, i0, i1, i32, w0, w1, &job.y);
  if (same_axes(p, &s))
    job.x = job.y;
  else
    ups_linear_axis_build(p->in_w, s.out_w, p->scale_w, p->coord, i0 + s.out_h, i1 + s.out_h,
                          i32 + s.out_h, w0 + s.out_h, w1 + s.out_h, &job.x);
  job.in = in;
  job.out = out;
  const ups_bilinear_ops *ops = &ups_kernels_for(s.isa)->bilinear[p->layout];
  _Alignas(64) unsigned char prep[UPS_PREP_BYTES];
  if (ops->prep_bytes) ops->prepare(&job, prep);
  const bilinear_call call = {ops, &job, prep};
  const ups_range whole = ups_resize_whole(p->n, p->c, s.out_h, p->layout);
  ups_work_run(&whole, bilinear_task, &call);
  if (block != stack_block) free(block);
  return UPS_OK;
}
