/* resize.c — the public nearest and bilinear entry points and resize plans:
 * validate, build the shared coordinate tables and the variant's per-call
 * data (once per call, or once per plan), then run the variant's kernel over
 * the work ranges, on the calling thread or a pool. One-shot calls keep
 * small tables on the stack (a plan's heap blocks would cost them a
 * malloc/free pair); both share the table builders below. */
#define _POSIX_C_SOURCE 200112L /* posix_memalign */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coords.h"
#include "internal.h"

/* Tables of small resizes live on the stack; larger ones are allocated. */
enum { STACK_AXIS = 512 };

/* Table bytes per output row and column. Nearest: idx (size_t) then idx32
 * (int32). Bilinear: i0, i1 (size_t), w0, w1 (float), i0_32 (int32). */
#define NEAREST_PER (sizeof(size_t) + sizeof(int32_t))
#define BILINEAR_PER (2 * sizeof(size_t) + 2 * sizeof(float) + sizeof(int32_t))

static size_t table_per(ups_resize_op op) {
  return op == UPS_RESIZE_NEAREST ? NEAREST_PER : BILINEAR_PER;
}

/* The bytes of both axes' tables; 0 when the count overflows. */
static size_t table_bytes(ups_resize_op op, const ups_resize_shape *s) {
  size_t total = s->out_h + s->out_w, bytes;
  if (total < s->out_h || !ups_mul_ok(total, table_per(op), &bytes)) return 0;
  return bytes;
}

/* Square resizes (the common case) have identical row and column tables:
 * built once and shared, as building one costs ~3-4 ns per entry, which is
 * most of a call on small planes. */
static int same_axes(const ups_resize_params *p, const ups_resize_shape *s) {
  return p->in_h == p->in_w && s->out_h == s->out_w && p->scale_h == p->scale_w;
}

/* A job of either operator (in and out left NULL: set per run). */
typedef struct resize_job {
  ups_resize_op op;
  union {
    ups_nearest_job nearest;
    ups_bilinear_job bilinear;
  } u;
} resize_job;

/* Fills the tables in `block` (table_bytes long, aligned for size_t) and the
 * job's axes. */
static void build_tables(const ups_resize_params *p, const ups_resize_shape *s, ups_resize_op op,
                         unsigned char *block, resize_job *j) {
  j->op = op;
  if (op == UPS_RESIZE_NEAREST) {
    size_t *idx_y = (size_t *)block, *idx_x = idx_y + s->out_h;
    int32_t *i32_y = (int32_t *)(idx_x + s->out_w), *i32_x = i32_y + s->out_h;
    ups_nearest_job *job = &j->u.nearest;
    job->n = p->n;
    job->c = p->c;
    job->in = NULL, job->out = NULL; /* set per run */
    ups_nearest_axis_build(p->in_h, s->out_h, p->scale_h, p->coord, p->round, idx_y, i32_y,
                           &job->y);
    if (same_axes(p, s))
      job->x = job->y;
    else
      ups_nearest_axis_build(p->in_w, s->out_w, p->scale_w, p->coord, p->round, idx_x, i32_x,
                             &job->x);
    return;
  }
  const size_t total = s->out_h + s->out_w;
  size_t *i0 = (size_t *)block, *i1 = i0 + total;
  float *w0 = (float *)(i1 + total), *w1 = w0 + total;
  int32_t *i32 = (int32_t *)(w1 + total);
  ups_bilinear_job *job = &j->u.bilinear;
  job->n = p->n;
  job->c = p->c;
  job->in = NULL, job->out = NULL;
  ups_linear_axis_build(p->in_h, s->out_h, p->scale_h, p->coord, i0, i1, i32, w0, w1, &job->y);
  if (same_axes(p, s))
    job->x = job->y;
  else
    ups_linear_axis_build(p->in_w, s->out_w, p->scale_w, p->coord, i0 + s->out_h,
                          i1 + s->out_h, i32 + s->out_h, w0 + s->out_h, w1 + s->out_h, &job->x);
}

/* The variant's per-call data: its size, and building it into prep. */
static size_t prep_bytes(const ups_kernel_table *t, ups_layout layout, const resize_job *j) {
  if (j->op == UPS_RESIZE_NEAREST) {
    const ups_nearest_ops *o = &t->nearest[layout];
    return o->prep_bytes ? o->prep_bytes(&j->u.nearest) : 0;
  }
  const ups_bilinear_ops *o = &t->bilinear[layout];
  return o->prep_bytes ? o->prep_bytes(&j->u.bilinear) : 0;
}

static void prepare(const ups_kernel_table *t, ups_layout layout, const resize_job *j,
                    void *prep) {
  if (j->op == UPS_RESIZE_NEAREST) {
    const ups_nearest_ops *o = &t->nearest[layout];
    if (o->prep_bytes) o->prepare(&j->u.nearest, prep);
  } else {
    const ups_bilinear_ops *o = &t->bilinear[layout];
    if (o->prep_bytes) o->prepare(&j->u.bilinear, prep);
  }
}

/* One call's run: the job with its tensors, the variant's kernel, its data. */
typedef struct resize_call {
  resize_job job;
  const ups_kernel_table *table;
  ups_layout layout;
  const void *prep;
} resize_call;

static void resize_task(const void *ctx, const ups_range *r) {
  const resize_call *c = ctx;
  if (c->job.op == UPS_RESIZE_NEAREST)
    c->table->nearest[c->layout].run(&c->job.u.nearest, c->prep, r);
  else
    c->table->bilinear[c->layout].run(&c->job.u.bilinear, c->prep, r);
}

/* Every work range of the problem, on the pool when it pays. */
static void run_job(const resize_job *j, const ups_resize_shape *s, ups_layout layout,
                    const void *prep, const float *in, float *out, const ups_pool *pool) {
  resize_call call;
  call.job.op = j->op;
  size_t n, c;
  if (j->op == UPS_RESIZE_NEAREST) {
    call.job.u.nearest = j->u.nearest;
    call.job.u.nearest.in = in;
    call.job.u.nearest.out = out;
    n = j->u.nearest.n, c = j->u.nearest.c;
  } else {
    call.job.u.bilinear = j->u.bilinear;
    call.job.u.bilinear.in = in;
    call.job.u.bilinear.out = out;
    n = j->u.bilinear.n, c = j->u.bilinear.c;
  }
  call.table = ups_kernels_for(s->isa);
  call.layout = layout;
  call.prep = prep;
  const ups_range whole = ups_resize_whole(n, c, s->out_h, layout);
  /* Cost of one unit (an output row of a channel, or of all channels): its
   * floats, each a copy or a blend. */
  const size_t unit = layout == UPS_NHWC ? s->out_w * c : s->out_w;
  ups_work_run(&whole, resize_task, &call, pool, unit);
}

static ups_status resize_one_shot(const ups_resize_params *p, ups_resize_op op, const float *in,
                                  float *out, const ups_pool *pool) {
  if (!p || !in || !out) return UPS_ERR_NULL;
  ups_resize_shape s;
  ups_status st = ups_resize_validate(p, op, &s);
  if (st != UPS_OK) return st;
  if (ups_ranges_overlap(in, s.in_elems * sizeof(float), out, s.out_elems * sizeof(float)))
    return UPS_ERR_ALIAS;
  const size_t bytes = table_bytes(op, &s);
  if (!bytes) return UPS_ERR_OVERFLOW;
  _Alignas(size_t) unsigned char stack_block[2 * STACK_AXIS * BILINEAR_PER];
  unsigned char *block = bytes <= sizeof stack_block ? stack_block : malloc(bytes);
  if (!block) return UPS_ERR_NOMEM;
  resize_job j;
  build_tables(p, &s, op, block, &j);
  const ups_kernel_table *t = ups_kernels_for(s.isa);
  _Alignas(64) unsigned char prep[UPS_PREP_BYTES];
  prepare(t, p->layout, &j, prep);
  run_job(&j, &s, p->layout, prep, in, out, pool);
  if (block != stack_block) free(block);
  return UPS_OK;
}

ups_status ups_resize_nearest_f32(const ups_resize_params *p, const float *in, float *out) {
  return resize_one_shot(p, UPS_RESIZE_NEAREST, in, out, NULL);
}

ups_status ups_resize_bilinear_f32(const ups_resize_params *p, const float *in, float *out) {
  return resize_one_shot(p, UPS_RESIZE_BILINEAR, in, out, NULL);
}

ups_status ups_resize_nearest_f32_pool(const ups_resize_params *p, const float *in, float *out,
                                       const ups_pool *pool) {
  return resize_one_shot(p, UPS_RESIZE_NEAREST, in, out, pool);
}

ups_status ups_resize_bilinear_f32_pool(const ups_resize_params *p, const float *in,
                                        float *out, const ups_pool *pool) {
  return resize_one_shot(p, UPS_RESIZE_BILINEAR, in, out, pool);
}

/* ------------------------------------------------------------------ plans */

/* One 64-byte aligned block: this header, the variant's data (prep), then
 * the tables. */
struct ups_resize_plan {
  ups_resize_shape shape;
  ups_layout layout;
  resize_job job; /* axes point into this block's tables */
  const void *prep;
};

static size_t round64(size_t n) { return (n + 63) & ~(size_t)63; }

ups_status ups_resize_plan_create(const ups_resize_params *p, ups_operator op,
                                  ups_resize_plan **plan) {
  if (!p || !plan) return UPS_ERR_NULL;
  if (op != UPS_OP_NEAREST && op != UPS_OP_BILINEAR) return UPS_ERR_PARAM;
  const ups_resize_op rop = op == UPS_OP_NEAREST ? UPS_RESIZE_NEAREST : UPS_RESIZE_BILINEAR;
  ups_resize_shape s;
  ups_status st = ups_resize_validate(p, rop, &s);
  if (st != UPS_OK) return st;
  const size_t tbytes = table_bytes(rop, &s);
  if (!tbytes || tbytes > SIZE_MAX - 2 * round64(sizeof(ups_resize_plan)) - UPS_PREP_BYTES)
    return UPS_ERR_OVERFLOW;
  /* The variant's data is at most UPS_PREP_BYTES; its exact size needs the
   * tables, so they are built first, in the block's tail. */
  const size_t head = round64(sizeof(ups_resize_plan));
  const size_t max_prep = round64(UPS_PREP_BYTES);
  void *mem = NULL;
  if (posix_memalign(&mem, 64, head + max_prep + tbytes) != 0) return UPS_ERR_NOMEM;
  unsigned char *base = mem;
  ups_resize_plan *pl = mem;
  memset(pl, 0, sizeof *pl);
  pl->shape = s;
  pl->layout = p->layout;
  build_tables(p, &s, rop, base + head + max_prep, &pl->job);
  const ups_kernel_table *t = ups_kernels_for(s.isa);
  if (prep_bytes(t, p->layout, &pl->job)) {
    prepare(t, p->layout, &pl->job, base + head);
    pl->prep = base + head;
  }
  *plan = pl;
  return UPS_OK;
}

static ups_status plan_run(const ups_resize_plan *plan, const float *in, float *out,
                           const ups_pool *pool) {
  if (!plan || !in || !out) return UPS_ERR_NULL;
  const ups_resize_shape *s = &plan->shape;
  if (ups_ranges_overlap(in, s->in_elems * sizeof(float), out, s->out_elems * sizeof(float)))
    return UPS_ERR_ALIAS;
  run_job(&plan->job, s, plan->layout, plan->prep, in, out, pool);
  return UPS_OK;
}

ups_status ups_resize_plan_run(const ups_resize_plan *plan, const float *in, float *out) {
  return plan_run(plan, in, out, NULL);
}

ups_status ups_resize_plan_run_pool(const ups_resize_plan *plan, const float *in, float *out,
                                    const ups_pool *pool) {
  return plan_run(plan, in, out, pool);
}

void ups_resize_plan_destroy(ups_resize_plan *plan) { free(plan); }

ups_isa ups_resize_plan_isa(const ups_resize_plan *plan) {
  return plan ? plan->shape.isa : UPS_ISA_AUTO;
}
