/* work.c — work ranges: the whole problem of each operator in range units
 * (kernel.h: ups_range), and the loop that runs an entry point's ranges: one
 * whole range on the calling thread, contiguous parts of it as the tasks of
 * a pool, or the tests' split hook's parts. By the kernels' contract every
 * partition writes the same bits. */
#include "internal.h"

ups_range ups_resize_whole(size_t n, size_t c, size_t out_h, ups_layout layout) {
  ups_range r = {0, n, 0, layout == UPS_NHWC ? 1 : c, 0, out_h};
  return r;
}

ups_range ups_deconv_whole(const ups_deconv_plan_data *d) {
  const ups_deconv_geom *g = &d->g;
  ups_range r = {0, g->n, 0, g->groups * ups_deconv_oc_units(d), 0,
                 (g->out_h + g->sh - 1) / g->sh};
  return r;
}

static ups_split_fn split_hook;
static void *split_ctx;

void ups_split_override_for_testing(ups_split_fn split, void *ctx) {
  split_hook = split;
  split_ctx = ctx;
}

/* Units [a, b) of `whole` in (image, channel unit, row unit) order, run as
 * at most 5 boxes: the rest of a first (image, channel), the rest of a first
 * image's channels, whole images, then the same pieces at the end. */
static void run_span(const ups_range *whole, size_t a, size_t b, ups_range_task task,
                     const void *ctx) {
  const size_t nc = whole->c1 - whole->c0, ny = whole->y1 - whole->y0;
  while (a < b) {
    const size_t left = b - a, y = a % ny, c = a / ny % nc, n = a / ny / nc;
    ups_range r = *whole;
    r.n0 = whole->n0 + n;
    r.n1 = r.n0 + 1;
    if (y != 0 || left < ny) { /* a part of one (image, channel) */
      const size_t k = ny - y < left ? ny - y : left;
      r.c0 = whole->c0 + c, r.c1 = r.c0 + 1;
      r.y0 = whole->y0 + y, r.y1 = r.y0 + k;
      a += k;
    } else if (c != 0 || left < nc * ny) { /* whole channels of one image */
      const size_t k = nc - c < left / ny ? nc - c : left / ny;
      r.c0 = whole->c0 + c, r.c1 = r.c0 + k;
      a += k * ny;
    } else { /* whole images */
      r.n1 = r.n0 + left / (nc * ny);
      a += (r.n1 - r.n0) * nc * ny;
    }
    task(ctx, &r);
  }
}

typedef struct pool_call {
  const ups_range *whole;
  size_t units, tasks;
  ups_range_task task;
  const void *ctx;
} pool_call;

/* Task i of n: units [i*U/n, (i+1)*U/n), without the product overflowing. */
static void pool_task(void *arg, size_t i) {
  const pool_call *pc = arg;
  const size_t q = pc->units / pc->tasks, r = pc->units % pc->tasks;
  const size_t a = i * q + (i < r ? i : r), b = a + q + (i < r);
  run_span(pc->whole, a, b, pc->task, pc->ctx);
}

/* A task's least work, in unit-cost terms (output floats; deconv: MACs):
 * about 2-10 us on one core, so that starting a task never dominates it. */
enum { MIN_TASK_COST = 1 << 15 };
static size_t min_task_cost = MIN_TASK_COST;

void ups_min_task_cost_override_for_testing(size_t cost) {
  min_task_cost = cost ? cost : MIN_TASK_COST;
}

void ups_work_run(const ups_range *whole, ups_range_task task, const void *ctx,
                  const ups_pool *pool, size_t unit_cost) {
  if (split_hook) {
    ups_range parts[UPS_SPLIT_MAX];
    const size_t n = split_hook(split_ctx, whole, parts, UPS_SPLIT_MAX);
    for (size_t i = 0; i < n && i < UPS_SPLIT_MAX; i++) task(ctx, &parts[i]);
    return;
  }
  const size_t threads = ups_pool_threads(pool);
  if (threads <= 1) {
    task(ctx, whole);
    return;
  }
  /* Units: a validated problem's unit count fits size_t (it is at most its
   * output element count). */
  const size_t units =
      (whole->n1 - whole->n0) * (whole->c1 - whole->c0) * (whole->y1 - whole->y0);
  const size_t per = unit_cost ? unit_cost : 1;
  size_t tasks = units < threads ? units : threads;
  /* Fewer tasks while each would get less than MIN_TASK_COST. */
  const size_t least = min_task_cost;
  const size_t need = per >= least ? 1 : (least + per - 1) / per;
  const size_t afford = units / need;
  if (afford < tasks) tasks = afford;
  if (tasks <= 1) {
    task(ctx, whole);
    return;
  }
  pool_call pc = {whole, units, tasks, task, ctx};
  ups_pool_parallel_for(pool, pool_task, &pc, tasks);
}
