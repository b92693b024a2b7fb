/* pool.c — thread pools: an engine's parallel-for callback, or the library's
 * default pool on pthreadpool (when the build found it: UPSIMD_HAVE_PTHREADPOOL).
 * The library only ever asks a pool to run n independent tasks and wait for
 * them (kernels/work.c cuts the work ranges into those tasks). */
#include <stdlib.h>

#include "internal.h"

#ifdef UPSIMD_HAVE_PTHREADPOOL
#include <pthreadpool.h>
#endif

struct ups_pool {
  ups_parallel_for_fn parallel_for;
  void *ctx;
  size_t threads;
  int owns_ctx; /* the default pool: ctx is our pthreadpool_t */
};

ups_status ups_pool_create_engine(ups_parallel_for_fn parallel_for, void *pool_ctx,
                                  size_t threads, ups_pool **pool) {
  if (!parallel_for || !pool) return UPS_ERR_NULL;
  if (threads == 0) return UPS_ERR_PARAM;
  ups_pool *p = calloc(1, sizeof *p);
  if (!p) return UPS_ERR_NOMEM;
  p->parallel_for = parallel_for;
  p->ctx = pool_ctx;
  p->threads = threads;
  *pool = p;
  return UPS_OK;
}

#ifdef UPSIMD_HAVE_PTHREADPOOL
/* pthreadpool's 1-D loop is the parallel-for itself (same task signature). */
static void pthreadpool_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n) {
  pthreadpool_parallelize_1d((pthreadpool_t)ctx, task, task_ctx, n, 0);
}
#endif

ups_status ups_pool_create_default(size_t threads, ups_pool **pool) {
  if (!pool) return UPS_ERR_NULL;
#ifdef UPSIMD_HAVE_PTHREADPOOL
  ups_pool *p = calloc(1, sizeof *p);
  if (!p) return UPS_ERR_NOMEM;
  pthreadpool_t tp = pthreadpool_create(threads);
  if (!tp) {
    free(p);
    return UPS_ERR_NOMEM;
  }
  p->parallel_for = pthreadpool_for;
  p->ctx = tp;
  p->threads = pthreadpool_get_threads_count(tp);
  p->owns_ctx = 1;
  *pool = p;
  return UPS_OK;
#else
  (void)threads;
  return UPS_ERR_UNSUPPORTED;
#endif
}

size_t ups_pool_threads(const ups_pool *pool) { return pool ? pool->threads : 0; }

void ups_pool_destroy(ups_pool *pool) {
  if (!pool) return;
#ifdef UPSIMD_HAVE_PTHREADPOOL
  if (pool->owns_ctx) pthreadpool_destroy((pthreadpool_t)pool->ctx);
#endif
  free(pool);
}

void ups_pool_parallel_for(const ups_pool *pool, ups_task_fn task, void *task_ctx, size_t n) {
  pool->parallel_for(pool->ctx, task, task_ctx, n);
}
