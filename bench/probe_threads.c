/* probe_threads.c — the probes on N threads (upsimd-bench --threads=N): a
 * team of N plain pthreads, each pinned to its own core when pinning is on,
 * released together by a barrier and timed on the wall clock from the start
 * barrier to the end barrier. The N-thread copy gives each thread its own
 * slice of the buffers (aggregate bandwidth); the N-thread FMA probe runs one
 * probe per thread (sum of N threads' chains). The team is persistent, so a
 * probe benchmark can run one team pass per timed iteration. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

enum { TEAM_MAX = 256 };

typedef struct team_arg {
  struct bench_team *team;
  int tid;
} team_arg;

struct bench_team {
  int n;
  team_arg args[TEAM_MAX];
  int pus[TEAM_MAX]; /* OS index per thread; -1: not pinned */
  pthread_t threads[TEAM_MAX];
  pthread_barrier_t start, end;
  /* The current job, written by the caller before the start barrier. */
  bench_team_fn body;
  void *ctx;
  int64_t reps;
  int quit;
};

double bench_wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void pin_to(int pu) {
  if (pu < 0 || pu >= CPU_SETSIZE) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(pu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *team_worker(void *p) {
  const team_arg *a = p;
  bench_team *t = a->team;
  pin_to(t->pus[a->tid]);
  for (;;) {
    pthread_barrier_wait(&t->start);
    if (t->quit) break;
    t->body(t->ctx, a->tid, t->n, t->reps);
    pthread_barrier_wait(&t->end);
  }
  return NULL;
}

bench_team *bench_team_create(int n, const int *pus) {
  if (n < 1 || n > TEAM_MAX) return NULL;
  bench_team *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->n = n;
  for (int i = 0; i < n; i++) t->pus[i] = pus ? pus[i] : -1;
  if (pthread_barrier_init(&t->start, NULL, (unsigned)n) != 0) goto fail_start;
  if (pthread_barrier_init(&t->end, NULL, (unsigned)n) != 0) goto fail_end;
  for (int i = 1; i < n; i++) {
    t->args[i] = (team_arg){t, i};
    if (pthread_create(&t->threads[i], NULL, team_worker, &t->args[i]) != 0) {
      /* The started ones wait at the start barrier of n: too few to pass it,
       * so there is no clean way back; say so and give up the process. */
      abort();
    }
  }
  return t;
fail_end:
  pthread_barrier_destroy(&t->start);
fail_start:
  free(t);
  return NULL;
}

int bench_team_size(const bench_team *t) { return t ? t->n : 0; }

double bench_team_run(bench_team *t, bench_team_fn body, void *ctx, int64_t reps) {
  /* The caller is thread 0: on its core while it runs, then back to its own
   * affinity (the pool's set of cores). */
  cpu_set_t saved;
  const int restore = t->pus[0] >= 0 &&
                      pthread_getaffinity_np(pthread_self(), sizeof saved, &saved) == 0;
  pin_to(t->pus[0]);
  t->body = body;
  t->ctx = ctx;
  t->reps = reps;
  pthread_barrier_wait(&t->start);
  const double t0 = bench_wall_seconds();
  body(ctx, 0, t->n, reps);
  pthread_barrier_wait(&t->end);
  const double dt = bench_wall_seconds() - t0;
  if (restore) pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
  return dt;
}

void bench_team_destroy(bench_team *t) {
  if (!t) return;
  t->quit = 1;
  if (t->n > 1) pthread_barrier_wait(&t->start);
  for (int i = 1; i < t->n; i++) pthread_join(t->threads[i], NULL);
  pthread_barrier_destroy(&t->start);
  pthread_barrier_destroy(&t->end);
  free(t);
}

/* ------------------------------------------------------------ the probes */

void bench_slice(size_t total, int n, int i, size_t *off, size_t *len) {
  /* 64-byte boundaries: no two threads write one cache line. */
  const size_t lines = (total + 63) / 64;
  size_t lo = lines * (size_t)i / (size_t)n * 64, hi = lines * (size_t)(i + 1) / (size_t)n * 64;
  if (lo > total) lo = total;
  if (hi > total) hi = total;
  *off = lo;
  *len = hi - lo;
}

void bench_copy_team_body(void *p, int tid, int n, int64_t reps) {
  const bench_copy_job *j = p;
  size_t ro, rl, wo, wl;
  bench_slice(j->read_bytes, n, tid, &ro, &rl);
  bench_slice(j->write_bytes, n, tid, &wo, &wl);
  for (int64_t r = 0; r < reps; r++) j->pass(j->src + ro, rl, j->dst + wo, wl);
}

void bench_fma_team_body(void *p, int tid, int n, int64_t reps) {
  const bench_fma_probe *probe = p;
  (void)tid;
  (void)n;
  for (int64_t r = 0; r < reps; r++) probe->run(BENCH_FMA_TEAM_ROUNDS);
}

/* Repetitions of body that take ~target seconds on the team (after a warm-up
 * pass: page faults, clocks). */
int64_t bench_team_calibrate(bench_team *t, bench_team_fn body, void *ctx, double target) {
  bench_team_run(t, body, ctx, 1);
  int64_t reps = 1;
  for (;;) {
    const double dt = bench_team_run(t, body, ctx, reps);
    if (dt >= target / 4 || reps > ((int64_t)1 << 40)) {
      const int64_t want = dt > 0 ? (int64_t)((double)reps * target / dt) + 1 : reps;
      return want < 1 ? 1 : want;
    }
    reps *= 4;
  }
}

/* Median seconds of one team pass of body over `runs` timed runs. */
double bench_team_median(bench_team *t, bench_team_fn body, void *ctx, double target, int runs) {
  const int64_t reps = bench_team_calibrate(t, body, ctx, target);
  double v[16];
  if (runs > 16) runs = 16;
  for (int r = 0; r < runs; r++) v[r] = bench_team_run(t, body, ctx, reps) / (double)reps;
  return bench_median(v, (size_t)runs);
}
