/* test_threads.c — thread pools (ups_pool_*): every *_pool call gives the
 * bits of the call on one thread, for any thread count and any pool.
 *
 * Pools: the library's default pool (pthreadpool; skipped with a message
 * when the library was built without it), and three engine pools written
 * here: one that runs the tasks on the calling thread last first, one that
 * runs odd indices then even ones backwards, and one that starts real
 * threads (pthreads) pulling tasks from a shared counter. Each with 1, 2, 3
 * and 7 threads. Problems: nearest and bilinear (one-shot and plan) and
 * deconvolution (one-shot and plan: the PHASES path and the GEMM path) and
 * upconv (one-shot and plan), both
 * layouts, shapes whose task boundaries fall inside a channel's rows, across
 * channels and across images, every supported variant (AUTO only at
 * UPSIMD_TEST_SCALE=small). Outputs are NaN-filled first and compared with
 * memcmp; the serial output is itself checked against the scalar reference.
 * Run under the tsan preset by scripts/test: there the pthreads engine pool
 * races the tasks (the default pool is left out, see TSAN_BUILD). */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Under ThreadSanitizer the default pool is left out: Debian's pthreadpool is
 * not instrumented, so TSan does not see its hand-off (atomics and futexes)
 * and reports the tasks' reads of the caller's data as races (observed on
 * work.c's task context). The pthreads engine pool below runs the same tasks
 * on real threads, synchronised through pthread_create/join, which TSan
 * understands. */
#if defined(__SANITIZE_THREAD__)
#define TSAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TSAN_BUILD 1
#endif
#endif
#ifndef TSAN_BUILD
#define TSAN_BUILD 0
#endif

/* ------------------------------------------------------------ engine pools */

/* The most tasks any call asked for: proves the problems were split. */
static atomic_size_t most_tasks;

static void saw_tasks(size_t n) {
  size_t m = atomic_load(&most_tasks);
  while (n > m && !atomic_compare_exchange_weak(&most_tasks, &m, n)) {
  }
}

/* Tasks on the calling thread, last first. */
static void reverse_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n) {
  (void)ctx;
  saw_tasks(n);
  for (size_t i = n; i-- > 0;) task(task_ctx, i);
}

/* Odd indices ascending, then even ones descending. */
static void odd_even_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n) {
  (void)ctx;
  saw_tasks(n);
  for (size_t i = 1; i < n; i += 2) task(task_ctx, i);
  for (size_t i = (n - 1) / 2 * 2 + 2; i >= 2;) {
    i -= 2;
    task(task_ctx, i);
  }
}

/* Real threads: `threads` workers (the caller is one of them) take task
 * indices from an atomic counter until none is left. */
typedef struct thread_pool {
  size_t threads;
} thread_pool;

typedef struct thread_job {
  ups_task_fn task;
  void *task_ctx;
  size_t n;
  atomic_size_t next;
} thread_job;

static void *thread_worker(void *arg) {
  thread_job *j = arg;
  for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->n;) j->task(j->task_ctx, i);
  return NULL;
}

static void threads_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n) {
  const thread_pool *tp = ctx;
  thread_job j = {task, task_ctx, n, 0};
  pthread_t th[16];
  size_t started = 0;
  for (size_t t = 1; t < tp->threads && t < 16; t++)
    if (pthread_create(&th[started], NULL, thread_worker, &j) == 0) started++;
  thread_worker(&j);
  for (size_t t = 0; t < started; t++) pthread_join(th[t], NULL);
}

/* ------------------------------------------------------------ problems */

typedef struct resize_case {
  ups_layout layout;
  size_t n, c, in_h, in_w, out_h, out_w;
} resize_case;

/* Large enough for 7 tasks (a task gets >= 2^15 output floats); odd counts,
 * so task boundaries fall inside rows of a channel, between channels and
 * between images. */
static const resize_case resize_cases[] = {
    {UPS_NCHW, 3, 7, 19, 23, 37, 1000},
    {UPS_NHWC, 2, 9, 31, 29, 61, 250},
    {UPS_NCHW, 1, 16, 64, 64, 128, 128},
    {UPS_NHWC, 1, 16, 64, 64, 128, 128},
    /* NCHW half-pixel 2x short rows (the pair loop): 20 inputs (AVX-512 2
     * blocks, AVX2 3), 40 (AVX-512 3, AVX2 5 interleaved); odd row counts */
    {UPS_NCHW, 3, 61, 21, 20, 42, 40},
    {UPS_NCHW, 2, 29, 23, 40, 46, 80},
};

typedef struct deconv_case {
  ups_layout layout;
  size_t n, in_c, out_c, groups, in_h, in_w, k, s, pad;
} deconv_case;

static const deconv_case deconv_cases[] = {
    {UPS_NCHW, 2, 16, 16, 1, 37, 41, 4, 2, 1}, /* phases */
    {UPS_NHWC, 2, 16, 16, 1, 37, 41, 4, 2, 1},
    {UPS_NCHW, 1, 32, 16, 1, 29, 30, 2, 2, 0}, /* GEMM (k == s == 2) */
    {UPS_NHWC, 3, 12, 18, 3, 21, 17, 3, 2, 1}, /* groups */
};

typedef struct pool_kind {
  const char *name;
  ups_parallel_for_fn fn; /* NULL: the default pool */
} pool_kind;

static const pool_kind kinds[] = {
    {"default", NULL},
    {"reverse", reverse_for},
    {"odd-even", odd_even_for},
    {"pthreads", threads_for},
};
static const size_t thread_counts[] = {1, 2, 3, 7};

/* The pools of every kind and thread count; NULL where the default pool is
 * not built in. */
enum { NPOOLS = 4 * 4 };
static ups_pool *pools[NPOOLS];
static thread_pool tp_ctx[4];
static const char *pool_names[NPOOLS];
static char pool_name_buf[NPOOLS][32];

static void pools_create(void) {
  int skipped = 0;
  for (size_t k = 0; k < 4; k++)
    for (size_t t = 0; t < 4; t++) {
      const size_t i = k * 4 + t;
      snprintf(pool_name_buf[i], sizeof pool_name_buf[i], "%s/%zu", kinds[k].name,
               thread_counts[t]);
      pool_names[i] = pool_name_buf[i];
      ups_status st;
      if (kinds[k].fn) {
        tp_ctx[t].threads = thread_counts[t];
        st = ups_pool_create_engine(kinds[k].fn, &tp_ctx[t], thread_counts[t], &pools[i]);
      } else if (TSAN_BUILD) {
        pools[i] = NULL;
        continue;
      } else {
        st = ups_pool_create_default(thread_counts[t], &pools[i]);
        if (st == UPS_ERR_UNSUPPORTED) {
          skipped = 1;
          pools[i] = NULL;
          continue;
        }
        TU_EXPECT(st != UPS_OK || ups_pool_threads(pools[i]) == thread_counts[t],
                  "default pool of %zu threads has %zu", thread_counts[t],
                  ups_pool_threads(pools[i]));
      }
      TU_EXPECT(st == UPS_OK, "pool %s: %s", pool_names[i], ups_status_string(st));
    }
  if (TSAN_BUILD)
    printf("threads: ThreadSanitizer: the default pool (uninstrumented pthreadpool) is left "
           "out\n");
  if (skipped) printf("threads: the library has no default pool (built without pthreadpool)\n");
}

/* ------------------------------------------------------------ runs */

static void resize_run(const resize_case *rc, ups_isa isa) {
  ups_resize_params p = {0};
  p.layout = rc->layout;
  p.n = rc->n, p.c = rc->c, p.in_h = rc->in_h, p.in_w = rc->in_w;
  p.out_h = rc->out_h, p.out_w = rc->out_w;
  p.coord = UPS_COORD_HALF_PIXEL;
  p.isa = isa;
  const size_t in_e = p.n * p.c * p.in_h * p.in_w, out_e = p.n * p.c * p.out_h * p.out_w;
  float *in = malloc(in_e * sizeof *in), *want = malloc(out_e * sizeof *want),
        *got = malloc(out_e * sizeof *got);
  TU_EXPECT(in && want && got, "alloc");
  if (!in || !want || !got) goto done;
  tu_rng r = {in_e};
  tu_fill(&r, in, in_e, -1.0f, 1.0f);
  for (int b = 0; b <= 1; b++) {
    const ups_operator op = b ? UPS_OP_BILINEAR : UPS_OP_NEAREST;
    const char *nm = b ? "bilinear" : "nearest";
    tu_fill_nan(want, out_e);
    ups_status st = b ? ups_resize_bilinear_f32(&p, in, want) : ups_resize_nearest_f32(&p, in, want);
    ups_check_result cr;
    TU_EXPECT(st == UPS_OK &&
                  (b ? ups_check_bilinear(&p, in, want, &cr) : ups_check_nearest(&p, in, want, &cr)) ==
                      UPS_OK &&
                  cr.failures == 0,
              "%s %s serial vs reference", nm, ups_isa_name(isa));
    ups_resize_plan *plan = NULL;
    TU_EXPECT(ups_resize_plan_create(&p, op, &plan) == UPS_OK, "resize plan");
    for (int i = 0; i < NPOOLS; i++) {
      if (!pools[i]) continue;
      for (int via_plan = 0; via_plan <= 1; via_plan++) {
        tu_fill_nan(got, out_e);
        if (via_plan)
          st = ups_resize_plan_run_pool(plan, in, got, pools[i]);
        else
          st = b ? ups_resize_bilinear_f32_pool(&p, in, got, pools[i])
                 : ups_resize_nearest_f32_pool(&p, in, got, pools[i]);
        TU_EXPECT(st == UPS_OK && memcmp(got, want, out_e * sizeof *got) == 0,
                  "%s%s %s %s n%zu c%zu %zux%zu->%zux%zu on pool %s: not the serial bits (%s)",
                  nm, via_plan ? " plan" : "", ups_isa_name(isa),
                  p.layout == UPS_NHWC ? "nhwc" : "nchw", p.n, p.c, p.in_h, p.in_w, p.out_h,
                  p.out_w, pool_names[i], ups_status_string(st));
      }
    }
    ups_resize_plan_destroy(plan);
  }
done:
  free(in);
  free(want);
  free(got);
}

static void deconv_run(const deconv_case *dc, ups_isa isa) {
  ups_deconv_params d = {0};
  d.layout = dc->layout;
  d.n = dc->n, d.in_c = dc->in_c, d.out_c = dc->out_c, d.groups = dc->groups;
  d.in_h = dc->in_h, d.in_w = dc->in_w;
  d.kernel_h = d.kernel_w = dc->k;
  d.stride_h = d.stride_w = dc->s;
  d.pad_top = d.pad_left = d.pad_bottom = d.pad_right = dc->pad;
  d.isa = isa;
  size_t oh, ow;
  TU_EXPECT(ups_deconv_output_size(&d, &oh, &ow) == UPS_OK, "deconv size");
  const size_t in_e = d.n * d.in_c * d.in_h * d.in_w, out_e = d.n * d.out_c * oh * ow;
  const size_t w_e = d.in_c * (d.out_c / d.groups) * d.kernel_h * d.kernel_w;
  float *in = malloc(in_e * sizeof *in), *w = malloc(w_e * sizeof *w),
        *bias = malloc(d.out_c * sizeof *bias), *want = malloc(out_e * sizeof *want),
        *got = malloc(out_e * sizeof *got);
  TU_EXPECT(in && w && bias && want && got, "alloc");
  ups_deconv_plan *plan = NULL;
  if (!in || !w || !bias || !want || !got) goto done;
  tu_rng r = {in_e + w_e};
  tu_fill(&r, in, in_e, -1.0f, 1.0f);
  tu_fill(&r, w, w_e, -1.0f, 1.0f);
  tu_fill(&r, bias, d.out_c, -1.0f, 1.0f);
  tu_fill_nan(want, out_e);
  ups_status st = ups_deconv_f32(&d, in, w, bias, want);
  ups_check_result cr;
  TU_EXPECT(st == UPS_OK && ups_check_deconv(&d, in, w, bias, want, &cr) == UPS_OK &&
                cr.failures == 0,
            "deconv %s serial vs reference", ups_isa_name(isa));
  TU_EXPECT(ups_deconv_plan_create(&d, w, bias, &plan) == UPS_OK, "deconv plan");
  for (int i = 0; i < NPOOLS; i++) {
    if (!pools[i]) continue;
    for (int via_plan = 0; via_plan <= 1; via_plan++) {
      tu_fill_nan(got, out_e);
      st = via_plan ? ups_deconv_plan_run_pool(plan, in, got, pools[i])
                    : ups_deconv_f32_pool(&d, in, w, bias, got, pools[i]);
      TU_EXPECT(st == UPS_OK && memcmp(got, want, out_e * sizeof *got) == 0,
                "deconv%s %s %s n%zu ic%zu oc%zu g%zu %zux%zu k%zu s%zu p%zu on pool %s: not "
                "the serial bits (%s)",
                via_plan ? " plan" : "", ups_isa_name(isa), d.layout == UPS_NHWC ? "nhwc" : "nchw",
                d.n, d.in_c, d.out_c, d.groups, d.in_h, d.in_w, dc->k, dc->s, dc->pad,
                pool_names[i], ups_status_string(st));
    }
  }
done:
  ups_deconv_plan_destroy(plan);
  free(in);
  free(w);
  free(bias);
  free(want);
  free(got);
}

/* Upconv (its plan owns a deconvolution plan): one-shot and plan on every
 * pool give the serial bits. */
typedef struct upconv_case {
  ups_layout layout;
  size_t n, in_c, out_c, groups, in_h, in_w, f, k, pad;
} upconv_case;

static const upconv_case upconv_cases[] = {
    {UPS_NCHW, 2, 16, 16, 1, 19, 21, 2, 3, 1}, /* SD-VAE-like block */
    {UPS_NHWC, 2, 16, 16, 1, 19, 21, 2, 3, 1},
    {UPS_NHWC, 1, 12, 18, 3, 13, 11, 3, 5, 2}, /* groups, factor 3 */
};

static void upconv_run(const upconv_case *uc, ups_isa isa) {
  ups_upconv_params u = {0};
  u.layout = uc->layout;
  u.weight_layout = uc->layout == UPS_NHWC ? UPS_CW_HWIO : UPS_CW_OIHW;
  u.n = uc->n, u.in_c = uc->in_c, u.out_c = uc->out_c, u.groups = uc->groups;
  u.in_h = uc->in_h, u.in_w = uc->in_w;
  u.factor_h = u.factor_w = uc->f;
  u.kernel_h = u.kernel_w = uc->k;
  u.pad_top = u.pad_left = u.pad_bottom = u.pad_right = uc->pad;
  u.isa = isa;
  size_t oh, ow;
  TU_EXPECT(ups_upconv_output_size(&u, &oh, &ow) == UPS_OK, "upconv size");
  const size_t in_e = u.n * u.in_c * u.in_h * u.in_w, out_e = u.n * u.out_c * oh * ow;
  const size_t w_e = u.out_c * (u.in_c / u.groups) * u.kernel_h * u.kernel_w;
  float *in = malloc(in_e * sizeof *in), *w = malloc(w_e * sizeof *w),
        *bias = malloc(u.out_c * sizeof *bias), *want = malloc(out_e * sizeof *want),
        *got = malloc(out_e * sizeof *got);
  TU_EXPECT(in && w && bias && want && got, "alloc");
  ups_upconv_plan *plan = NULL;
  if (!in || !w || !bias || !want || !got) goto done;
  tu_rng r = {in_e + w_e + 1};
  tu_fill(&r, in, in_e, -1.0f, 1.0f);
  tu_fill(&r, w, w_e, -1.0f, 1.0f);
  tu_fill(&r, bias, u.out_c, -1.0f, 1.0f);
  tu_fill_nan(want, out_e);
  ups_status st = ups_upconv_f32(&u, in, w, bias, want);
  ups_check_result cr;
  TU_EXPECT(st == UPS_OK && ups_check_upconv(&u, in, w, bias, want, &cr) == UPS_OK &&
                cr.failures == 0,
            "upconv %s serial vs reference", ups_isa_name(isa));
  TU_EXPECT(ups_upconv_plan_create(&u, w, bias, &plan) == UPS_OK, "upconv plan");
  for (int i = 0; i < NPOOLS; i++) {
    if (!pools[i]) continue;
    for (int via_plan = 0; via_plan <= 1; via_plan++) {
      tu_fill_nan(got, out_e);
      st = via_plan ? ups_upconv_plan_run_pool(plan, in, got, pools[i])
                    : ups_upconv_f32_pool(&u, in, w, bias, got, pools[i]);
      TU_EXPECT(st == UPS_OK && memcmp(got, want, out_e * sizeof *got) == 0,
                "upconv%s %s %s n%zu ic%zu oc%zu f%zu k%zu on pool %s: not the serial bits (%s)",
                via_plan ? " plan" : "", ups_isa_name(isa), u.layout == UPS_NHWC ? "nhwc" : "nchw",
                u.n, u.in_c, u.out_c, uc->f, uc->k, pool_names[i], ups_status_string(st));
    }
  }
done:
  ups_upconv_plan_destroy(plan);
  free(in);
  free(w);
  free(bias);
  free(want);
  free(got);
}

int main(void) {
  pools_create();
  ups_isa isas[UPS_ISA_MAX];
  int ni = tu_isas(isas);
  if (tu_small_scale()) isas[0] = UPS_ISA_AUTO, ni = 1;
  for (int k = 0; k < ni; k++) {
    for (size_t c = 0; c < TU_COUNT(resize_cases); c++) resize_run(&resize_cases[c], isas[k]);
    for (size_t c = 0; c < TU_COUNT(deconv_cases); c++) deconv_run(&deconv_cases[c], isas[k]);
    for (size_t c = 0; c < TU_COUNT(upconv_cases); c++) upconv_run(&upconv_cases[c], isas[k]);
  }
  TU_EXPECT(atomic_load(&most_tasks) == 7, "the most tasks of a call: %zu, not 7 (one per thread)",
            atomic_load(&most_tasks));
  for (int i = 0; i < NPOOLS; i++) ups_pool_destroy(pools[i]);
  return tu_finish("threads");
}
