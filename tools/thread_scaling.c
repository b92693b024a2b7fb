/* thread_scaling.c — 1-thread vs 2-thread timing of the deconv GEMM layers and
 * the big resizes through plans and the default pool (ups_pool_create_default),
 * alternated in one process so a noisy machine hurts both sides alike; prints
 * per workload the medians, the spread (min..max of the per-round speedups)
 * and, for resizes, a 2-thread streaming copy of the output's bytes (the
 * bandwidth ceiling), plus the same runs timed in thread CPU time on an
 * engine pool (see cpu_for). Not a test: timings are reported, never asserted.
 *
 * Build (from the repository root, after building build/):
 *   cc -O2 -std=c11 -Ikernels tools/thread_scaling.c build/libupsimd.a \
 *      -lpthreadpool -lpthread -lm -o /tmp/thread_scaling
 * Run: thread_scaling [rounds] [isa-name] [filter-substring] */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <pthreadpool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "upsimd.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_d(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_d);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static float *rnd(size_t n, unsigned seed) {
  float *p = malloc(n * sizeof *p);
  if (!p) exit(1);
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    p[i] = (float)(seed >> 8) / 16777216.0f - 0.5f;
  }
  return p;
}

/* The streaming copy the resizes are compared with: each of 2 threads copies
 * half the bytes. */
typedef struct copy_job {
  char *dst;
  const char *src;
  size_t bytes;
} copy_job;
static void copy_task(void *ctx, size_t i) {
  const copy_job *j = ctx;
  const size_t h = j->bytes / 2, a = i ? h : 0, b = i ? j->bytes : h;
  memcpy(j->dst + a, j->src + a, b - a);
}

/* A 2-thread engine pool that times each task in thread CPU time: on a
 * shared, loaded machine a task waiting for a core does not count, so
 * 1T CPU time / the slower task's CPU time shows the partition's balance
 * and per-core efficiency even when the wall clock cannot. */
typedef struct cpu_task {
  ups_task_fn task;
  void *ctx;
  size_t i;
  double cpu;
} cpu_task;
static double thread_cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static void *cpu_run(void *arg) {
  cpu_task *t = arg;
  const double c0 = thread_cpu();
  t->task(t->ctx, t->i);
  t->cpu = thread_cpu() - c0;
  return NULL;
}
static double slowest_task; /* of the last parallel-for */
static void cpu_for(void *pool_ctx, ups_task_fn task, void *task_ctx, size_t n) {
  (void)pool_ctx;
  cpu_task t[2] = {{task, task_ctx, 0, 0}, {task, task_ctx, 1, 0}};
  pthread_t th;
  const int two = n > 1 && pthread_create(&th, NULL, cpu_run, &t[1]) == 0;
  cpu_run(&t[0]);
  if (two) pthread_join(th, NULL);
  else if (n > 1) cpu_run(&t[1]);
  slowest_task = t[0].cpu > t[1].cpu ? t[0].cpu : t[1].cpu;
}

typedef struct work {
  const char *name;
  int is_deconv;
  ups_deconv_params dp;
  ups_resize_params rp;
  ups_operator op;
} work;

enum { MAXR = 400 };

static void run(const work *w, ups_isa isa, int rounds, ups_pool *pool2, pthreadpool_t copy2,
                ups_pool *cpu2) {
  ups_deconv_plan *dplan = NULL;
  ups_resize_plan *rplan = NULL;
  size_t in_n, out_n;
  if (w->is_deconv) {
    ups_deconv_params p = w->dp;
    p.isa = isa;
    size_t oh, ow;
    if (ups_deconv_output_size(&p, &oh, &ow) != UPS_OK) exit(1);
    in_n = p.n * p.in_c * p.in_h * p.in_w;
    out_n = p.n * p.out_c * oh * ow;
    const size_t wn = p.in_c * (p.out_c / (p.groups ? p.groups : 1)) * p.kernel_h * p.kernel_w;
    float *wt = rnd(wn, 7), *b = rnd(p.out_c, 9);
    if (ups_deconv_plan_create(&p, wt, b, &dplan) != UPS_OK) exit(1);
    free(wt);
    free(b);
  } else {
    ups_resize_params p = w->rp;
    p.isa = isa;
    in_n = p.n * p.c * p.in_h * p.in_w;
    out_n = p.n * p.c * p.out_h * p.out_w;
    if (ups_resize_plan_create(&p, w->op, &rplan) != UPS_OK) exit(1);
  }
  float *in = rnd(in_n, 3), *o1 = malloc(out_n * 4), *o2 = malloc(out_n * 4);
  float *cp = malloc(out_n * 4);
  if (!o1 || !o2 || !cp) exit(1);
  memset(o1, 0, out_n * 4);
  memset(o2, 0, out_n * 4);
  memset(cp, 0, out_n * 4);
  /* repeats per sample so that a sample lasts >= ~5 ms */
  int reps = 1;
  for (;;) {
    const double t0 = now();
    for (int r = 0; r < reps; r++)
      w->is_deconv ? ups_deconv_plan_run(dplan, in, o1) : ups_resize_plan_run(rplan, in, o1);
    if (now() - t0 > 5e-3 || reps > 1000) break;
    reps *= 2;
  }
  static double t1[MAXR], t2[MAXR], tc[MAXR], sp[MAXR], c1[MAXR], c2[MAXR], cs[MAXR];
  const copy_job cj = {(char *)cp, (const char *)o1, out_n * 4};
  for (int k = 0; k < rounds; k++) {
    double t = now();
    for (int r = 0; r < reps; r++)
      w->is_deconv ? ups_deconv_plan_run(dplan, in, o1) : ups_resize_plan_run(rplan, in, o1);
    t1[k] = (now() - t) / reps;
    t = now();
    for (int r = 0; r < reps; r++)
      w->is_deconv ? ups_deconv_plan_run_pool(dplan, in, o2, pool2)
                   : ups_resize_plan_run_pool(rplan, in, o2, pool2);
    t2[k] = (now() - t) / reps;
    sp[k] = t1[k] / t2[k];
    /* CPU time: one run on this thread, one on the timing engine pool */
    double c = thread_cpu();
    w->is_deconv ? ups_deconv_plan_run(dplan, in, o1) : ups_resize_plan_run(rplan, in, o1);
    c1[k] = thread_cpu() - c;
    slowest_task = 0;
    w->is_deconv ? ups_deconv_plan_run_pool(dplan, in, o2, cpu2)
                 : ups_resize_plan_run_pool(rplan, in, o2, cpu2);
    c2[k] = slowest_task;
    cs[k] = c2[k] > 0 ? c1[k] / c2[k] : 0;
    tc[k] = 0;
    if (!w->is_deconv) {
      t = now();
      for (int r = 0; r < reps; r++) pthreadpool_parallelize_1d(copy2, copy_task, (void *)&cj, 2, 0);
      tc[k] = (now() - t) / reps;
    }
  }
  if (memcmp(o1, o2, out_n * 4) != 0) {
    printf("%s: 2-thread result differs from 1-thread\n", w->name);
    exit(1);
  }
  const double m1 = median(t1, rounds), m2 = median(t2, rounds), mc = median(tc, rounds);
  const double lo1 = t1[0], hi1 = t1[rounds - 1], lo2 = t2[0], hi2 = t2[rounds - 1];
  const double ms = median(sp, rounds), slo = sp[0], shi = sp[rounds - 1];
  printf("%-30s %-6s 1T %7.3f ms [%7.3f..%7.3f]  2T %7.3f ms [%7.3f..%7.3f]  "
         "speedup med %.3f [%.3f..%.3f] q1..q3 [%.3f..%.3f] min/min %.3f",
         w->name, ups_isa_name(isa == UPS_ISA_AUTO ? ups_isa_selected() : isa), m1 * 1e3,
         lo1 * 1e3, hi1 * 1e3, m2 * 1e3, lo2 * 1e3, hi2 * 1e3, ms, slo, shi, sp[rounds / 4],
         sp[3 * rounds / 4], lo1 / lo2);
  const double mc1 = median(c1, rounds), mc2 = median(c2, rounds), mcs = median(cs, rounds);
  printf("  | cpu 1T %.3f ms, slower task %.3f ms, ratio med %.3f q1..q3 [%.3f..%.3f]", mc1 * 1e3,
         mc2 * 1e3, mcs, cs[rounds / 4], cs[3 * rounds / 4]);
  if (!w->is_deconv) printf("  copy2T %.3f ms (2T/copy %.2f)", mc * 1e3, m2 / mc);
  printf("  reps %d\n", reps);
  fflush(stdout);
  ups_deconv_plan_destroy(dplan);
  ups_resize_plan_destroy(rplan);
  free(in);
  free(o1);
  free(o2);
  free(cp);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 21;
  if (rounds < 1) rounds = 1;
  if (rounds > MAXR) rounds = MAXR;
  ups_isa isa = UPS_ISA_AUTO;
  if (argc > 2 && ups_isa_from_name(argv[2], &isa) != UPS_OK) return 2;
  const char *filter = argc > 3 ? argv[3] : "";
  ups_pool *pool2;
  if (ups_pool_create_default(2, &pool2) != UPS_OK) return 1;
  pthreadpool_t copy2 = pthreadpool_create(2);
  if (!copy2) return 1;
  ups_pool *cpu2;
  if (ups_pool_create_engine(cpu_for, NULL, 2, &cpu2) != UPS_OK) return 1;
  const ups_deconv_params unet = {.n = 1, .in_c = 1024, .out_c = 512, .in_h = 28, .in_w = 28,
                                  .kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2};
  ups_deconv_params unet_nhwc = unet;
  unet_nhwc.layout = UPS_NHWC;
  const ups_deconv_params unet64 = {.n = 1, .in_c = 128, .out_c = 64, .in_h = 64, .in_w = 64,
                                    .kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2};
  ups_deconv_params unet64_nhwc = unet64;
  unet64_nhwc.layout = UPS_NHWC;
  const ups_deconv_params dcgan = {.n = 1, .in_c = 64, .out_c = 64, .in_h = 64, .in_w = 64,
                                   .kernel_h = 4, .kernel_w = 4, .stride_h = 2, .stride_w = 2,
                                   .pad_top = 1, .pad_left = 1, .pad_bottom = 1, .pad_right = 1};
  ups_deconv_params dcgan_nhwc = dcgan;
  dcgan_nhwc.layout = UPS_NHWC;
  const ups_resize_params nn = {.n = 1, .c = 512, .in_h = 64, .in_w = 64, .out_h = 128,
                                .out_w = 128, .coord = UPS_COORD_ASYMMETRIC,
                                .round = UPS_ROUND_FLOOR};
  ups_resize_params nn_nhwc = nn;
  nn_nhwc.layout = UPS_NHWC;
  const ups_resize_params bl = {.n = 1, .c = 64, .in_h = 128, .in_w = 128, .out_h = 256,
                                .out_w = 256, .coord = UPS_COORD_HALF_PIXEL};
  ups_resize_params bl_nhwc = bl;
  bl_nhwc.layout = UPS_NHWC;
  const work ws[] = {
      {"deconv unet28 1024->512 nchw", 1, unet, {0}, 0},
      {"deconv unet28 1024->512 nhwc", 1, unet_nhwc, {0}, 0},
      {"deconv unet64 128->64 nchw", 1, unet64, {0}, 0},
      {"deconv unet64 128->64 nhwc", 1, unet64_nhwc, {0}, 0},
      {"deconv dcgan64 k4s2p1 nchw", 1, dcgan, {0}, 0},
      {"deconv dcgan64 k4s2p1 nhwc", 1, dcgan_nhwc, {0}, 0},
      {"nearest 512x64x64->128 nchw", 0, {0}, nn, UPS_OP_NEAREST},
      {"nearest 512x64x64->128 nhwc", 0, {0}, nn_nhwc, UPS_OP_NEAREST},
      {"bilinear 64x128x128->256 nchw", 0, {0}, bl, UPS_OP_BILINEAR},
      {"bilinear 64x128x128->256 nhwc", 0, {0}, bl_nhwc, UPS_OP_BILINEAR},
  };
  for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++)
    if (strstr(ws[i].name, filter)) run(&ws[i], isa, rounds, pool2, copy2, cpu2);
  pthreadpool_destroy(copy2);
  ups_pool_destroy(pool2);
  ups_pool_destroy(cpu2);
  return 0;
}
