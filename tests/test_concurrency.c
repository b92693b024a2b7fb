/* test_concurrency.c — the thread-safety promises of upsimd.h, run under the
 * tsan preset as well as in every other build.
 *
 * 1. First call: 8 threads make their very first library call at the same time
 *    (released together by a barrier) in a fresh process, so CPU detection, the
 *    UPSIMD_ISA lookup and the kernel tables are initialised by racing threads.
 *    Each child process of this test does that once (fork before the parent
 *    touches the library: nothing in a child has called upsimd before the
 *    race), then compares every thread's result with a serial run in the same
 *    process; the parent repeats this over several children.
 * 2. One plan, many threads: a plan of every supported variant is run from 8
 *    threads at once, on shared and on distinct inputs, each with its own
 *    output; every output is bit-identical to the serial run.
 * 2b. The same for an upconv plan (nearest and bilinear 2x + 3x3; bilinear
 *     runs allocate their workspace) of every variant, its serial output
 *     checked against the two-step reference.
 * 3. Resize from many threads: nearest and bilinear calls of every variant
 *    from 8 threads at once agree bit for bit with serial calls.
 * 3b. One resize plan, many threads: a nearest and a bilinear plan of every
 *    variant, each run from 4 threads at once, agree bit for bit with the
 *    one-shot calls.
 * 4. Stack bound: representative problems of every variant and operator (the
 *    deconv GEMM_TAPS path, the largest stack user; GEMM; NCHW tiles and
 *    merged phases; NHWC tiles and dot products; large and stack-table
 *    resizes) run on a thread whose stack is UPS_KERNEL_STACK_BYTES plus an
 *    allowance for the C library and this test's frames (measured: the same
 *    thread doing only malloc/free and the harness), with a PROT_NONE guard
 *    below it, in a child process: exceeding the bound faults. The stack is
 *    painted first, so each problem's depth is measured and must itself stay
 *    within the bound. Sanitizers inflate frames: there the stack is 8x the
 *    bound and nothing is measured; unoptimised builds get 4x and report
 *    their depth (the bound is for optimised builds). Each problem runs as
 *    a one-shot call, through a plan (resize plans too) and on pools: an
 *    engine pool of 3 threads that runs the tasks on the small stack itself
 *    (last task first), and the default pool of 2 threads (whose caller runs
 *    tasks too; not under TSan, see test_threads.c); every such output must
 *    equal the one-shot call's bit for bit.
 *
 * UPSIMD_TEST_SCALE=small runs fewer children and rounds (sanitizers, qemu). */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

enum { NTHREADS = 8 };

/* ------------------------------------------------------------ problems */

/* A resize problem: 2 x 5 channels, 13 x 11 -> 26 x 29 (a non-integer width
 * factor, so no fast path hides the general one). */
static void resize_problem(ups_resize_params *p, int bilinear, ups_layout layout, ups_isa isa) {
  memset(p, 0, sizeof *p);
  p->layout = layout;
  p->n = 2;
  p->c = 5;
  p->in_h = 13;
  p->in_w = 11;
  p->out_h = 26;
  p->out_w = 29;
  p->coord = bilinear ? UPS_COORD_HALF_PIXEL : UPS_COORD_ASYMMETRIC;
  p->round = UPS_ROUND_FLOOR;
  p->isa = isa;
}
enum { RS_IN = 2 * 5 * 13 * 11, RS_OUT = 2 * 5 * 26 * 29 };

/* A DCGAN-style deconvolution: 12 -> 6 channels, k4 s2 p1, 7 x 9 input. */
static void deconv_problem(void *pv, ups_layout layout, ups_isa isa) {
  ups_deconv_params *p = pv;
  memset(p, 0, sizeof *p);
  p->layout = layout;
  p->n = 1;
  p->in_c = 12;
  p->in_h = 7;
  p->in_w = 9;
  p->out_c = 6;
  p->groups = 2;
  p->kernel_h = p->kernel_w = 4;
  p->stride_h = p->stride_w = 2;
  p->pad_top = p->pad_left = p->pad_bottom = p->pad_right = 1;
  p->isa = isa;
}
enum { DC_IN = 12 * 7 * 9, DC_W = 12 * 3 * 16, DC_OUT = 6 * 14 * 18 };

static float rs_in[RS_IN], dc_in[NTHREADS][DC_IN], dc_w[DC_W], dc_b[6];

static void fill_inputs(void) {
  tu_rng rng = {0x510e527fade682d1ull};
  tu_fill(&rng, rs_in, RS_IN, -1.0f, 1.0f);
  for (int t = 0; t < NTHREADS; t++) tu_fill(&rng, dc_in[t], DC_IN, -1.0f, 1.0f);
  tu_fill(&rng, dc_w, DC_W, -1.0f, 1.0f);
  tu_fill(&rng, dc_b, 6, -1.0f, 1.0f);
}

/* ------------------------------------------------------------ 1. first call */

typedef struct first_result {
  ups_status st[3];
  ups_isa selected, plan_isa;
  float nearest[RS_OUT], bilinear[RS_OUT], deconv[DC_OUT];
} first_result;

static pthread_barrier_t barrier;
static first_result first[NTHREADS + 1];

/* Every thread calls a different entry point first (the barrier releases them
 * together); then the rest, so each result is comparable. */
static void *first_call(void *arg) {
  const int t = (int)(intptr_t)arg;
  first_result *r = &first[t];
  ups_resize_params rp;
  ups_deconv_params dp;
  if (t < NTHREADS) pthread_barrier_wait(&barrier);
  const int order = t % 4;
  for (int k = 0; k < 4; k++) {
    switch ((order + k) % 4) {
      case 0:
        resize_problem(&rp, 0, UPS_NCHW, UPS_ISA_AUTO);
        r->st[0] = ups_resize_nearest_f32(&rp, rs_in, r->nearest);
        break;
      case 1:
        resize_problem(&rp, 1, UPS_NHWC, UPS_ISA_AUTO);
        r->st[1] = ups_resize_bilinear_f32(&rp, rs_in, r->bilinear);
        break;
      case 2: {
        deconv_problem(&dp, UPS_NCHW, UPS_ISA_AUTO);
        ups_deconv_plan *plan = NULL;
        r->st[2] = ups_deconv_plan_create(&dp, dc_w, dc_b, &plan);
        if (r->st[2] == UPS_OK) r->st[2] = ups_deconv_plan_run(plan, dc_in[0], r->deconv);
        r->plan_isa = ups_deconv_plan_isa(plan);
        ups_deconv_plan_destroy(plan);
        break;
      }
      default:
        r->selected = ups_isa_selected();
        break;
    }
  }
  return NULL;
}

/* In a fresh child: the race, then the serial run, then the comparison. The
 * exit code is the number of mismatches (capped). */
static int first_call_child(void) {
  pthread_t th[NTHREADS];
  pthread_barrier_init(&barrier, NULL, NTHREADS);
  for (int t = 0; t < NTHREADS; t++)
    if (pthread_create(&th[t], NULL, first_call, (void *)(intptr_t)t) != 0) return 100;
  for (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
  pthread_barrier_destroy(&barrier);
  first_call((void *)(intptr_t)NTHREADS); /* serial, after initialisation */
  const first_result *s = &first[NTHREADS];
  int bad = 0;
  for (int k = 0; k < 3; k++)
    if (s->st[k] != UPS_OK) bad++;
  for (int t = 0; t < NTHREADS; t++) {
    const first_result *r = &first[t];
    bad += memcmp(r->st, s->st, sizeof s->st) != 0;
    bad += r->selected != s->selected || r->plan_isa != s->plan_isa;
    bad += memcmp(r->nearest, s->nearest, sizeof s->nearest) != 0;
    bad += memcmp(r->bilinear, s->bilinear, sizeof s->bilinear) != 0;
    bad += memcmp(r->deconv, s->deconv, sizeof s->deconv) != 0;
  }
  if (s->selected == UPS_ISA_AUTO || !ups_isa_supported(s->selected)) bad++;
  if (bad) fprintf(stderr, "first-call race: %d mismatches (selected %s)\n", bad,
                   ups_isa_name(s->selected));
  return bad > 99 ? 99 : bad;
}

static void test_first_call(void) {
  const int children = tu_small_scale() ? 3 : 12;
  for (int i = 0; i < children; i++) {
    fflush(NULL);
    const pid_t pid = fork();
    if (pid == 0) _exit(first_call_child());
    int status = 0;
    TU_EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid, "fork/wait");
    TU_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "first-call race in child %d: status %#x (exit code = mismatches)", i, status);
  }
}

/* ------------------------------------------------------------ 2. one plan */

typedef struct plan_job {
  const ups_conv_op *op;
  const void *plan;
  const float *in;
  float out[DC_OUT];
  ups_status st;
  int rounds;
} plan_job;

static void *plan_worker(void *arg) {
  plan_job *j = arg;
  pthread_barrier_wait(&barrier);
  for (int r = 0; r < j->rounds; r++) {
    tu_fill_nan(j->out, DC_OUT);
    j->st = j->op->plan_run(j->plan, j->in, j->out);
    if (j->st != UPS_OK) break;
  }
  return NULL;
}

/* A problem of op (DC_IN inputs, dc_w and dc_b, DC_OUT outputs) in a layout,
 * for a variant. */
typedef void (*problem_fn)(void *p, ups_layout layout, ups_isa isa);

/* A plan of op per variant and layout, run from NTHREADS threads at once,
 * each on its own input and, up to shared_max, all on the same one. */
static void test_shared_plan(const ups_conv_op *op, problem_fn problem, int shared_max,
                             const ups_isa *isas, int ni) {
  static plan_job jobs[NTHREADS];
  static float serial[NTHREADS][DC_OUT];
  const int rounds = tu_small_scale() ? 3 : 20;
  for (int k = 0; k < ni; k++)
    for (int l = 0; l <= 1; l++)
      for (int shared_in = 0; shared_in <= shared_max; shared_in++) {
        ups_conv_params p;
        problem(&p, (ups_layout)l, isas[k]);
        void *plan = NULL;
        ups_status st = op->plan_create(&p, dc_w, dc_b, &plan);
        TU_EXPECT(st == UPS_OK, "%s plan create %s: %s", op->name, ups_isa_name(isas[k]),
                  ups_status_string(st));
        if (st != UPS_OK) continue;
        for (int t = 0; t < NTHREADS; t++) {
          const float *in = dc_in[shared_in ? 0 : t];
          TU_EXPECT(op->plan_run(plan, in, serial[t]) == UPS_OK, "serial run");
          jobs[t].op = op;
          jobs[t].plan = plan;
          jobs[t].in = in;
          jobs[t].rounds = rounds;
        }
        pthread_t th[NTHREADS];
        pthread_barrier_init(&barrier, NULL, NTHREADS);
        for (int t = 0; t < NTHREADS; t++) pthread_create(&th[t], NULL, plan_worker, &jobs[t]);
        for (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
        pthread_barrier_destroy(&barrier);
        for (int t = 0; t < NTHREADS; t++) {
          TU_EXPECT(jobs[t].st == UPS_OK, "concurrent %s plan run %s", op->name,
                    ups_isa_name(isas[k]));
          TU_EXPECT(memcmp(jobs[t].out, serial[t], sizeof serial[t]) == 0,
                    "%s plan %s %s %s input: thread %d differs from the serial run", op->name,
                    ups_isa_name(isas[k]), l ? "nhwc" : "nchw", shared_in ? "shared" : "own", t);
        }
        /* The serial result is itself right (not just self-consistent). */
        ups_check_result cr;
        TU_EXPECT(op->check(&p, dc_in[0], dc_w, dc_b, jobs[0].out, &cr) == UPS_OK &&
                      cr.failures == 0,
                  "%s plan %s result vs %s: %zu failures", op->name, ups_isa_name(isas[k]),
                  op->reference, cr.failures);
        op->plan_destroy(plan);
      }
}

/* ------------------------------------------------------------ 2b. upconv plan */

/* Nearest 2x + 3x3 p1 on the deconv problem's input: 12 -> 6 channels,
 * groups 2, 14 x 18 output (DC_OUT floats), 6 * 6 * 9 conv weights. */
static void upconv_problem(void *pv, ups_layout layout, ups_isa isa) {
  ups_upconv_params *p = pv;
  memset(p, 0, sizeof *p);
  p->layout = layout;
  p->weight_layout = layout == UPS_NHWC ? UPS_CW_HWIO : UPS_CW_OIHW;
  p->n = 1;
  p->in_c = 12;
  p->in_h = 7;
  p->in_w = 9;
  p->out_c = 6;
  p->groups = 2;
  p->factor_h = p->factor_w = 2;
  p->kernel_h = p->kernel_w = 3;
  p->pad_top = p->pad_left = p->pad_bottom = p->pad_right = 1;
  p->isa = isa;
}

static void upconv_problem_bilinear(void *pv, ups_layout layout, ups_isa isa) {
  upconv_problem(pv, layout, isa);
  ((ups_upconv_params *)pv)->mode = UPS_OP_BILINEAR;
}

/* ------------------------------------------------------------ 3. resize */

typedef struct resize_job {
  ups_resize_params p;
  int bilinear, rounds;
  float out[RS_OUT];
  ups_status st;
} resize_job;

static void *resize_worker(void *arg) {
  resize_job *j = arg;
  pthread_barrier_wait(&barrier);
  for (int r = 0; r < j->rounds; r++) {
    tu_fill_nan(j->out, RS_OUT);
    j->st = j->bilinear ? ups_resize_bilinear_f32(&j->p, rs_in, j->out)
                        : ups_resize_nearest_f32(&j->p, rs_in, j->out);
    if (j->st != UPS_OK) break;
  }
  return NULL;
}

static void test_resize_threads(const ups_isa *isas, int ni) {
  static resize_job jobs[NTHREADS];
  static float serial[NTHREADS][RS_OUT];
  const int rounds = tu_small_scale() ? 3 : 20;
  for (int k = 0; k < ni; k++)
    for (int l = 0; l <= 1; l++) {
      /* Threads mix both operators: half nearest, half bilinear. */
      for (int t = 0; t < NTHREADS; t++) {
        jobs[t].bilinear = t % 2;
        jobs[t].rounds = rounds;
        resize_problem(&jobs[t].p, t % 2, (ups_layout)l, isas[k]);
        const ups_status st = t % 2 ? ups_resize_bilinear_f32(&jobs[t].p, rs_in, serial[t])
                                    : ups_resize_nearest_f32(&jobs[t].p, rs_in, serial[t]);
        TU_EXPECT(st == UPS_OK, "serial resize %s", ups_isa_name(isas[k]));
      }
      pthread_t th[NTHREADS];
      pthread_barrier_init(&barrier, NULL, NTHREADS);
      for (int t = 0; t < NTHREADS; t++) pthread_create(&th[t], NULL, resize_worker, &jobs[t]);
      for (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
      pthread_barrier_destroy(&barrier);
      for (int t = 0; t < NTHREADS; t++) {
        TU_EXPECT(jobs[t].st == UPS_OK, "concurrent resize %s", ups_isa_name(isas[k]));
        TU_EXPECT(memcmp(jobs[t].out, serial[t], sizeof serial[t]) == 0,
                  "%s %s %s: thread %d differs from the serial run", t % 2 ? "bilinear" : "nearest",
                  ups_isa_name(isas[k]), l % 2 ? "nhwc" : "nchw", t);
      }
      ups_check_result cn, cb;
      TU_EXPECT(ups_check_nearest(&jobs[0].p, rs_in, jobs[0].out, &cn) == UPS_OK &&
                    cn.failures == 0 &&
                    ups_check_bilinear(&jobs[1].p, rs_in, jobs[1].out, &cb) == UPS_OK &&
                    cb.failures == 0,
                "resize %s results vs scalar", ups_isa_name(isas[k]));
    }
}

/* ------------------------------------------------------------ 3b. one resize plan */

typedef struct resize_plan_job {
  const ups_resize_plan *plan;
  int rounds;
  float out[RS_OUT];
  ups_status st;
} resize_plan_job;

static void *resize_plan_worker(void *arg) {
  resize_plan_job *j = arg;
  pthread_barrier_wait(&barrier);
  for (int r = 0; r < j->rounds; r++) {
    tu_fill_nan(j->out, RS_OUT);
    j->st = ups_resize_plan_run(j->plan, rs_in, j->out);
    if (j->st != UPS_OK) break;
  }
  return NULL;
}

/* One nearest and one bilinear plan of every variant and layout, each run
 * from 4 threads at once (8 in all): every output is the one-shot call's. */
static void test_shared_resize_plan(const ups_isa *isas, int ni) {
  static resize_plan_job jobs[NTHREADS];
  static float once[2][RS_OUT];
  const int rounds = tu_small_scale() ? 3 : 20;
  for (int k = 0; k < ni; k++)
    for (int l = 0; l <= 1; l++) {
      ups_resize_plan *plans[2] = {NULL, NULL};
      for (int b = 0; b <= 1; b++) {
        ups_resize_params p;
        resize_problem(&p, b, (ups_layout)l, isas[k]);
        const ups_status st =
            ups_resize_plan_create(&p, b ? UPS_OP_BILINEAR : UPS_OP_NEAREST, &plans[b]);
        TU_EXPECT(st == UPS_OK, "resize plan create %s", ups_isa_name(isas[k]));
        TU_EXPECT((b ? ups_resize_bilinear_f32(&p, rs_in, once[b])
                     : ups_resize_nearest_f32(&p, rs_in, once[b])) == UPS_OK,
                  "one-shot resize");
      }
      if (!plans[0] || !plans[1]) {
        ups_resize_plan_destroy(plans[0]);
        ups_resize_plan_destroy(plans[1]);
        continue;
      }
      for (int t = 0; t < NTHREADS; t++) {
        jobs[t].plan = plans[t % 2];
        jobs[t].rounds = rounds;
      }
      pthread_t th[NTHREADS];
      pthread_barrier_init(&barrier, NULL, NTHREADS);
      for (int t = 0; t < NTHREADS; t++)
        pthread_create(&th[t], NULL, resize_plan_worker, &jobs[t]);
      for (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
      pthread_barrier_destroy(&barrier);
      for (int t = 0; t < NTHREADS; t++)
        TU_EXPECT(jobs[t].st == UPS_OK &&
                      memcmp(jobs[t].out, once[t % 2], sizeof once[t % 2]) == 0,
                  "shared %s plan %s %s: thread %d differs from the one-shot call",
                  t % 2 ? "bilinear" : "nearest", ups_isa_name(isas[k]), l ? "nhwc" : "nchw",
                  t);
      ups_resize_plan_destroy(plans[0]);
      ups_resize_plan_destroy(plans[1]);
    }
}

/* ------------------------------------------------------------ 4. stack bound */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define STACK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define STACK_SANITIZED 1
#endif
#endif
#ifndef STACK_SANITIZED
#define STACK_SANITIZED 0
#endif

enum {
  STACK_ALLOWANCE = 16 << 10, /* the C library and this test's frames (measured below) */
  STACK_GUARD = 256 << 10,    /* PROT_NONE below the stack: wide, so that no frame
                                 can step over it */
  STACK_PAINT = 0xA5
};

/* One problem of the stack test: a resize or a deconvolution (one-shot call
 * and plan create + run), or (op < 0) the baseline: malloc/free only. */
typedef struct stack_problem {
  int op; /* -1 baseline, 0 nearest, 1 bilinear, 2 deconv */
  const char *what;
  ups_layout layout;
  size_t n, c, in_h, in_w, out_h, out_w; /* resize; deconv: c = in_c */
  size_t out_c, groups, k, s, pad;       /* deconv */
} stack_problem;

static const stack_problem stack_problems[] = {
    {-1, "baseline (malloc, free, the harness)", UPS_NCHW, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {0, "nearest 2x, tables on the stack", UPS_NCHW, 1, 8, 250, 250, 500, 500, 0, 0, 0, 0, 0},
    {0, "nearest 2x, tables on the stack", UPS_NHWC, 1, 8, 250, 250, 500, 500, 0, 0, 0, 0, 0},
    {0, "nearest large, general", UPS_NCHW, 1, 3, 333, 517, 700, 1100, 0, 0, 0, 0, 0},
    {0, "nearest large, general", UPS_NHWC, 1, 67, 37, 41, 600, 123, 0, 0, 0, 0, 0},
    {1, "bilinear 2x, tables on the stack", UPS_NCHW, 1, 8, 250, 250, 500, 500, 0, 0, 0, 0, 0},
    {1, "bilinear 2x, tables on the stack", UPS_NHWC, 1, 8, 250, 250, 500, 500, 0, 0, 0, 0, 0},
    {1, "bilinear large, general", UPS_NCHW, 1, 3, 333, 517, 700, 1100, 0, 0, 0, 0, 0},
    {1, "bilinear large, general", UPS_NHWC, 1, 67, 37, 41, 600, 123, 0, 0, 0, 0, 0},
    {1, "bilinear half-pixel 2x, 13 wide", UPS_NCHW, 2, 64, 13, 13, 26, 26, 0, 0, 0, 0, 0},
    {2, "deconv gemm-taps k4 s2 p1, 256 -> 64", UPS_NCHW, 1, 256, 8, 8, 0, 0, 64, 1, 4, 2, 1},
    {2, "deconv gemm-taps k4 s2 p1, 64 -> 2", UPS_NCHW, 1, 64, 11, 11, 0, 0, 2, 1, 4, 2, 1},
    {2, "deconv gemm k2 s2, 64 -> 32", UPS_NCHW, 1, 64, 16, 16, 0, 0, 32, 1, 2, 2, 0},
    {2, "deconv nchw tiles k3 s1 p1, 64 -> 16", UPS_NCHW, 1, 64, 24, 24, 0, 0, 16, 1, 3, 1, 1},
    {2, "deconv nchw tiles k4 s2 p1, 32 -> 8", UPS_NCHW, 1, 32, 40, 40, 0, 0, 8, 1, 4, 2, 1},
    {2, "deconv nchw merged k5 s3 p2, 24 -> 2 (g2)", UPS_NCHW, 1, 24, 19, 23, 0, 0, 2, 2, 5, 3, 2},
    {2, "deconv nhwc tiles k4 s2 p1, 32 -> 64", UPS_NHWC, 1, 32, 16, 16, 0, 0, 64, 1, 4, 2, 1},
    {2, "deconv nhwc dot k3 s2 p1, 64 -> 3", UPS_NHWC, 1, 64, 16, 16, 0, 0, 3, 1, 3, 2, 1},
    {2, "deconv stride > kernel k2 s5, 16 -> 16", UPS_NHWC, 1, 16, 9, 9, 0, 0, 16, 1, 2, 5, 0},
};

typedef struct stack_job {
  const stack_problem *pr;
  ups_isa isa;
  float *in, *w, *b, *out, *out2;
  size_t out_e;
  const ups_pool *pools[2]; /* engine (on this thread), default (or NULL) */
  ups_status st;
  const char *mismatch; /* the first call whose output differs, or NULL */
} stack_job;

/* Under ThreadSanitizer the default pool is left out (test_threads.c: the
 * Debian pthreadpool is not instrumented). */
#if defined(__SANITIZE_THREAD__)
#define STACK_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STACK_TSAN 1
#endif
#endif
#ifndef STACK_TSAN
#define STACK_TSAN 0
#endif

/* The engine pool of the stack test: every task on the calling thread (the
 * small stack), last first. */
static void stack_serial_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n) {
  (void)ctx;
  for (size_t i = n; i-- > 0;) task(task_ctx, i);
}

/* After a call that wrote out2: it must equal the one-shot output. */
static void stack_same(stack_job *j, const char *what) {
  if (j->st == UPS_OK && !j->mismatch && memcmp(j->out, j->out2, j->out_e * sizeof(float)) != 0)
    j->mismatch = what;
}

static void stack_deconv_params(const stack_problem *pr, ups_isa isa, ups_deconv_params *d) {
  memset(d, 0, sizeof *d);
  d->layout = pr->layout;
  d->n = pr->n;
  d->in_c = pr->c;
  d->in_h = pr->in_h;
  d->in_w = pr->in_w;
  d->out_c = pr->out_c;
  d->groups = pr->groups;
  d->kernel_h = d->kernel_w = pr->k;
  d->stride_h = d->stride_w = pr->s;
  d->pad_top = d->pad_left = d->pad_bottom = d->pad_right = pr->pad;
  d->isa = isa;
}

static void stack_resize_params(const stack_problem *pr, ups_isa isa, ups_resize_params *p) {
  memset(p, 0, sizeof *p);
  p->layout = pr->layout;
  p->n = pr->n;
  p->c = pr->c;
  p->in_h = pr->in_h;
  p->in_w = pr->in_w;
  p->out_h = pr->out_h;
  p->out_w = pr->out_w;
  p->isa = isa;
}

/* The thread: one problem's calls, nothing else. */
static void *stack_worker(void *arg) {
  stack_job *j = arg;
  const stack_problem *pr = j->pr;
  if (pr->op < 0) { /* what the C library needs besides the library's own frames */
    void *volatile m = malloc(1 << 20);
    if (m) memset(m, 1, 64);
    free(m);
    j->st = UPS_OK;
  } else if (pr->op < 2) {
    ups_resize_params p;
    stack_resize_params(pr, j->isa, &p);
    j->st = pr->op ? ups_resize_bilinear_f32(&p, j->in, j->out)
                   : ups_resize_nearest_f32(&p, j->in, j->out);
    for (int k = 0; k < 2 && j->pools[k]; k++) {
      if (j->st == UPS_OK)
        j->st = pr->op ? ups_resize_bilinear_f32_pool(&p, j->in, j->out2, j->pools[k])
                       : ups_resize_nearest_f32_pool(&p, j->in, j->out2, j->pools[k]);
      stack_same(j, k ? "one-shot on the default pool" : "one-shot on the engine pool");
    }
    ups_resize_plan *rplan = NULL;
    if (j->st == UPS_OK)
      j->st = ups_resize_plan_create(&p, pr->op ? UPS_OP_BILINEAR : UPS_OP_NEAREST, &rplan);
    if (j->st == UPS_OK) j->st = ups_resize_plan_run(rplan, j->in, j->out2);
    stack_same(j, "plan run");
    for (int k = 0; k < 2 && j->pools[k]; k++) {
      if (j->st == UPS_OK) j->st = ups_resize_plan_run_pool(rplan, j->in, j->out2, j->pools[k]);
      stack_same(j, k ? "plan on the default pool" : "plan on the engine pool");
    }
    ups_resize_plan_destroy(rplan);
  } else {
    ups_deconv_params d;
    stack_deconv_params(pr, j->isa, &d);
    j->st = ups_deconv_f32(&d, j->in, j->w, j->b, j->out);
    for (int k = 0; k < 2 && j->pools[k]; k++) {
      if (j->st == UPS_OK) j->st = ups_deconv_f32_pool(&d, j->in, j->w, j->b, j->out2, j->pools[k]);
      stack_same(j, k ? "one-shot on the default pool" : "one-shot on the engine pool");
    }
    ups_deconv_plan *plan = NULL;
    if (j->st == UPS_OK) j->st = ups_deconv_plan_create(&d, j->w, j->b, &plan);
    if (j->st == UPS_OK) j->st = ups_deconv_plan_run(plan, j->in, j->out2);
    stack_same(j, "plan run");
    for (int k = 0; k < 2 && j->pools[k]; k++) {
      if (j->st == UPS_OK) j->st = ups_deconv_plan_run_pool(plan, j->in, j->out2, j->pools[k]);
      stack_same(j, k ? "plan on the default pool" : "plan on the engine pool");
    }
    ups_deconv_plan_destroy(plan);
  }
  return NULL;
}

typedef struct stack_report {
  int ran;        /* the thread ran and returned */
  ups_status st;
  size_t depth;   /* bytes of stack touched (0: not measured) */
  int pools;      /* pools the calls ran on (1: engine only, 2: also the default) */
  char mismatch[64]; /* the first call whose output differs; "" for none */
} stack_report;

/* In a child: the problem on a thread with a guarded stack of `bytes` (or,
 * sanitized, a system stack of that size), reported through shared memory. */
static void stack_child(const stack_problem *pr, ups_isa isa, size_t bytes, int measure,
                        stack_report *rep) {
  stack_job j = {pr, isa, NULL, NULL, NULL, NULL, NULL, 0, {NULL, NULL}, UPS_ERR_NOMEM, NULL};
  size_t in_e = 1, w_e = 1, out_e = 1;
  if (pr->op >= 0 && pr->op < 2) {
    in_e = pr->n * pr->c * pr->in_h * pr->in_w;
    out_e = pr->n * pr->c * pr->out_h * pr->out_w;
  } else if (pr->op == 2) {
    ups_deconv_params d;
    stack_deconv_params(pr, isa, &d);
    size_t oh, ow;
    if (ups_deconv_output_size(&d, &oh, &ow) != UPS_OK) _exit(3);
    in_e = pr->n * pr->c * pr->in_h * pr->in_w;
    w_e = pr->c * (pr->out_c / pr->groups) * pr->k * pr->k;
    out_e = pr->n * pr->out_c * oh * ow;
  }
  j.in = malloc(in_e * sizeof(float));
  j.w = malloc(w_e * sizeof(float));
  j.b = malloc((pr->out_c ? pr->out_c : 1) * sizeof(float));
  j.out = malloc(out_e * sizeof(float));
  j.out2 = malloc(out_e * sizeof(float));
  j.out_e = out_e;
  if (!j.in || !j.w || !j.b || !j.out || !j.out2) _exit(4);
  ups_pool *engine = NULL, *dflt = NULL;
  if (ups_pool_create_engine(stack_serial_for, NULL, 3, &engine) != UPS_OK) _exit(8);
  j.pools[0] = engine;
  if (!STACK_TSAN && ups_pool_create_default(2, &dflt) == UPS_OK) j.pools[1] = dflt;
  rep->pools = j.pools[1] ? 2 : 1;
  tu_rng rng = {0x57ac4ull};
  tu_fill(&rng, j.in, in_e, -1.0f, 1.0f);
  tu_fill(&rng, j.w, w_e, -1.0f, 1.0f); /* finite: GEMM_TAPS applies */
  tu_fill(&rng, j.b, pr->out_c ? pr->out_c : 1, -1.0f, 1.0f);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  unsigned char *map = NULL, *stack = NULL;
  size_t map_bytes = 0;
  if (measure) {
    /* [guard][stack]: the stack grows down towards the guard */
    map_bytes = STACK_GUARD + bytes;
    map = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED || mprotect(map, STACK_GUARD, PROT_NONE) != 0) _exit(5);
    stack = map + STACK_GUARD;
    memset(stack, STACK_PAINT, bytes);
    if (pthread_attr_setstack(&attr, stack, bytes) != 0) _exit(6);
  } else if (pthread_attr_setstacksize(&attr, bytes) != 0) {
    _exit(6);
  }
  pthread_t th;
  if (pthread_create(&th, &attr, stack_worker, &j) != 0) _exit(7);
  pthread_join(th, NULL);
  pthread_attr_destroy(&attr);
  rep->ran = 1;
  rep->st = j.st;
  if (j.mismatch) snprintf(rep->mismatch, sizeof rep->mismatch, "%s", j.mismatch);
  if (measure) { /* the lowest byte that is no longer paint */
    size_t low = 0;
    while (low < bytes && stack[low] == STACK_PAINT) low++;
    rep->depth = bytes - low;
  }
  _exit(0);
}

static size_t page_round(size_t n) {
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  return (n + page - 1) / page * page;
}

static void test_stack_bound(const ups_isa *isas, int ni) {
#ifdef __OPTIMIZE__
  const int optimized = 1;
#else
  const int optimized = 0;
#endif
  const int measure = !STACK_SANITIZED;
  const int strict = measure && optimized; /* the bound is asserted */
  const size_t bound = UPS_KERNEL_STACK_BYTES;
  const size_t bytes = page_round(STACK_SANITIZED ? 8 * bound
                                  : optimized     ? bound + STACK_ALLOWANCE
                                                  : 4 * bound);
  printf("concurrency: stack bound %zu KiB; thread stacks of %zu KiB (%s)\n", bound >> 10,
         bytes >> 10,
         STACK_SANITIZED ? "sanitizer build: frames are inflated, 8x the bound, depth not measured"
         : optimized     ? "the bound + 16 KiB for the C library and the test"
                         : "unoptimised build: 4x the bound, depth reported, not asserted");
  stack_report *rep = mmap(NULL, sizeof *rep, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                           -1, 0);
  TU_EXPECT(rep != MAP_FAILED, "mmap");
  if (rep == MAP_FAILED) return;
  size_t own = 0;
  for (int k = 0; k < ni; k++) {
    size_t worst = 0;
    const char *worst_what = "";
    for (size_t i = 0; i < TU_COUNT(stack_problems); i++) {
      const stack_problem *pr = &stack_problems[i];
      if (pr->op < 0 && k > 0) continue; /* the baseline once */
      memset(rep, 0, sizeof *rep);
      fflush(NULL);
      const pid_t pid = fork();
      if (pid == 0) stack_child(pr, isas[k], bytes, measure, rep);
      int status = 0;
      TU_EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid, "fork/wait");
      const char *lay = pr->layout == UPS_NHWC ? "nhwc" : "nchw";
      TU_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0 && rep->ran,
                "%s %s (%s): %s (status %#x): a stack of %zu KiB is not enough",
                ups_isa_name(isas[k]), pr->what, lay,
                WIFSIGNALED(status) ? "killed by a signal (the guard page?)" : "did not finish",
                status, bytes >> 10);
      if (!rep->ran) continue;
      TU_EXPECT(rep->st == UPS_OK, "%s %s (%s): %s", ups_isa_name(isas[k]), pr->what, lay,
                ups_status_string(rep->st));
      TU_EXPECT(rep->mismatch[0] == 0, "%s %s (%s): %s differs from the one-shot call",
                ups_isa_name(isas[k]), pr->what, lay, rep->mismatch);
      if (pr->op >= 0 && k == 0 && i == 1)
        printf("concurrency: every problem also as a plan and on %s\n",
               rep->pools == 2 ? "an engine pool and the default pool" : "an engine pool");
      if (pr->op < 0) {
        own = rep->depth;
        if (measure)
          printf("concurrency: the C library and the harness alone: %.1f KiB (allowance %d KiB)\n",
                 (double)own / 1024, STACK_ALLOWANCE >> 10);
        if (strict)
          TU_EXPECT(own < STACK_ALLOWANCE, "the harness needs %zu bytes: raise the allowance", own);
        continue;
      }
      const size_t used = rep->depth > own ? rep->depth - own : 0;
      if (used >= worst) worst = used, worst_what = pr->what;
      if (strict)
        TU_EXPECT(used <= bound, "%s %s (%s): %zu bytes of stack beyond the harness's, bound %zu",
                  ups_isa_name(isas[k]), pr->what, lay, used, bound);
    }
    if (measure)
      printf("concurrency: %-8s deepest stack %.1f KiB of %zu KiB: %s\n", ups_isa_name(isas[k]),
             (double)worst / 1024, bound >> 10, worst_what);
  }
  munmap(rep, sizeof *rep);
}

int main(void) {
  /* Nothing may call the library before the first-call children are forked. */
  fill_inputs();
  test_first_call();
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  test_shared_plan(&ups_conv_deconv, deconv_problem, 1, isas, ni);
  test_shared_plan(&ups_conv_upconv, upconv_problem, 0, isas, ni); /* own inputs */
  test_shared_plan(&ups_conv_upconv, upconv_problem_bilinear, 0, isas, ni);
  test_resize_threads(isas, ni);
  test_shared_resize_plan(isas, ni);
  test_stack_bound(isas, ni);
  return tu_finish("concurrency");
}
