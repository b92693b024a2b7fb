/* work.c — work ranges: the whole problem of each operator in range units
 * (kernel.h: ups_range), and the loop that runs an entry point's ranges. Today
 * a call runs one whole range; a thread pool (or the tests' split hook) runs
 * parts of it, which by the kernels' contract write the same bits. */
#include "internal.h"

ups_range ups_resize_whole(size_t n, size_t c, size_t out_h, ups_layout layout) {
  ups_range r = {0, n, 0, layout == UPS_NHWC ? 1 : c, 0, out_h};
  return r;
}

ups_range ups_deconv_whole(const ups_deconv_geom *g) {
  ups_range r = {0, g->n, 0, g->groups, 0, (g->out_h + g->sh - 1) / g->sh};
  return r;
}

static ups_split_fn split_hook;
static void *split_ctx;

void ups_split_override_for_testing(ups_split_fn split, void *ctx) {
  split_hook = split;
  split_ctx = ctx;
}

void ups_work_run(const ups_range *whole, ups_range_task task, const void *ctx) {
  if (!split_hook) {
    task(ctx, whole);
    return;
  }
  ups_range parts[UPS_SPLIT_MAX];
  const size_t n = split_hook(split_ctx, whole, parts, UPS_SPLIT_MAX);
  for (size_t i = 0; i < n && i < UPS_SPLIT_MAX; i++) task(ctx, &parts[i]);
}
