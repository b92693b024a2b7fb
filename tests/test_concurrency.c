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
 * 3. Resize from many threads: nearest and bilinear calls of every variant
 *    from 8 threads at once agree bit for bit with serial calls.
 *
 * UPSIMD_TEST_SCALE=small runs fewer children and rounds (sanitizers, qemu). */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
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
static void deconv_problem(ups_deconv_params *p, ups_layout layout, ups_isa isa) {
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
  const ups_deconv_plan *plan;
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
    j->st = ups_deconv_plan_run(j->plan, j->in, j->out);
    if (j->st != UPS_OK) break;
  }
  return NULL;
}

static void test_shared_plan(const ups_isa *isas, int ni) {
  static plan_job jobs[NTHREADS];
  static float serial[NTHREADS][DC_OUT];
  const int rounds = tu_small_scale() ? 3 : 20;
  for (int k = 0; k < ni; k++)
    for (int l = 0; l <= 1; l++)
      for (int shared_in = 0; shared_in <= 1; shared_in++) {
        ups_deconv_params p;
        deconv_problem(&p, (ups_layout)l, isas[k]);
        ups_deconv_plan *plan = NULL;
        ups_status st = ups_deconv_plan_create(&p, dc_w, dc_b, &plan);
        TU_EXPECT(st == UPS_OK, "plan create %s: %s", ups_isa_name(isas[k]),
                  ups_status_string(st));
        if (st != UPS_OK) continue;
        for (int t = 0; t < NTHREADS; t++) {
          const float *in = dc_in[shared_in ? 0 : t];
          TU_EXPECT(ups_deconv_plan_run(plan, in, serial[t]) == UPS_OK, "serial run");
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
          TU_EXPECT(jobs[t].st == UPS_OK, "concurrent plan run %s", ups_isa_name(isas[k]));
          TU_EXPECT(memcmp(jobs[t].out, serial[t], sizeof serial[t]) == 0,
                    "plan %s %s %s input: thread %d differs from the serial run",
                    ups_isa_name(isas[k]), l ? "nhwc" : "nchw", shared_in ? "shared" : "own", t);
        }
        /* The serial result is itself right (not just self-consistent). */
        ups_check_result cr;
        TU_EXPECT(ups_check_deconv(&p, dc_in[0], dc_w, dc_b, jobs[0].out, &cr) == UPS_OK &&
                      cr.failures == 0,
                  "plan %s result vs scalar: %zu failures", ups_isa_name(isas[k]), cr.failures);
        ups_deconv_plan_destroy(plan);
      }
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
                  ups_isa_name(isas[k]), l ? "nhwc" : "nchw", t);
      }
      ups_check_result cn, cb;
      TU_EXPECT(ups_check_nearest(&jobs[0].p, rs_in, jobs[0].out, &cn) == UPS_OK &&
                    cn.failures == 0 &&
                    ups_check_bilinear(&jobs[1].p, rs_in, jobs[1].out, &cb) == UPS_OK &&
                    cb.failures == 0,
                "resize %s results vs scalar", ups_isa_name(isas[k]));
    }
}

int main(void) {
  /* Nothing may call the library before the first-call children are forked. */
  fill_inputs();
  test_first_call();
  ups_isa isas[4];
  const int ni = tu_isas(isas);
  test_shared_plan(isas, ni);
  test_resize_threads(isas, ni);
  return tu_finish("concurrency");
}
