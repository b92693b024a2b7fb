/* test_bench_threads.c — upsimd-bench --threads=N, in-process (one
 * bench_main per process: Google Benchmark's registry outlives it, so each
 * mode is its own ctest):
 *   rows     --threads=2 on in-L1 problems: the JSON context says threads 2,
 *            the wall clock, the default pool and N-thread probes; the plan
 *            run, plan-making and one-shot rows and the probes ran, are named
 *            .../real_time and their labels say 2 threads (and the FMA probe
 *            sums 2 threads).
 *   wrong2   a test-only nearest NCHW kernel that is wrong only on part of a
 *            problem (a range that is not the whole output: only a pool
 *            splits the work) is refused under --threads=2 on a problem big
 *            enough to be split, in the plan-run row: the check before the
 *            time ran the threaded path.
 *   wrong1   the same kernel and row under --threads=1 are timed (the whole
 *            range on one thread is right), so wrong2's refusal comes from
 *            the threads.
 * Exits 77 (skipped) where the library has no default pool (built without
 * pthreadpool) or, for the wrong modes, no SIMD variant to replace. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gbench.h"
#include "harness.h"
#include "internal.h"

#include "bench_test.h"

/* The scalar kernel, then one ulp off at the first element of a range that
 * is not the whole problem (an element this range owns: no race with other
 * tasks). */
static void partly_wrong_nearest_nchw(const ups_nearest_job *job, const void *prep,
                                      const ups_range *r) {
  ups_kernel_table_scalar.nearest[UPS_NCHW].run(job, prep, r);
  const int whole = r->n0 == 0 && r->n1 == job->n && r->c0 == 0 && r->c1 == job->c &&
                    r->y0 == 0 && r->y1 == job->y.out;
  if (!whole) {
    float *x = &job->out[((r->n0 * job->c + r->c0) * job->y.out + r->y0) * job->x.out];
    *x = nextafterf(*x, INFINITY);
  }
}

static const ups_kernel_table g_partly_wrong = {
    .nearest = {{NULL, NULL, partly_wrong_nearest_nchw}},
};

static int has(const char *json, const char *text) { return strstr(json, text) != NULL; }

static int run(const char *filter_regex, const char *threads, const char *json_path) {
  char filter[512], out_arg[300];
  snprintf(filter, sizeof filter, "--benchmark_filter=%s", filter_regex);
  snprintf(out_arg, sizeof out_arg, "--benchmark_out=%s", json_path);
  static char arg0[] = "upsimd-bench", min_time[] = "--benchmark_min_time=0.01";
  static char no_peers[] = "--no-peers", fmt[] = "--benchmark_out_format=json";
  char threads_arg[32];
  snprintf(threads_arg, sizeof threads_arg, "--threads=%s", threads);
  char *argv[] = {arg0, filter, min_time, no_peers, threads_arg, out_arg, fmt, NULL};
  return bench_main(7, argv);
}

static int ran_ok(const char *name) {
  gbench_record r;
  return gbench_lookup(name, &r) && r.calls > 0 && r.iterations > 0 && !r.failed && !r.errored;
}

static int mode_rows(const char *json_path) {
  const bench_fma_probe *def = bench_fma_probe_default();
  char filter[512];
  snprintf(filter, sizeof filter,
           "^(nearest|nearest-plan|nearest-oneshot)/nhwc/incache-l1-16px-2x/auto/|"
           "^deconv/nhwc/incache-l1-8px-16to16-k2s2/auto/|^probe/copy/l1/|^probe/fma/%s/",
           def->name);
  const int status = run(filter, "2", json_path);
  if (status == 3) return 77; /* no default pool in this build: said on stderr */
  EXPECT(status == 0);
  static const char *const rows[] = {
      "nearest/nhwc/incache-l1-16px-2x/auto", "nearest-plan/nhwc/incache-l1-16px-2x/auto",
      "nearest-oneshot/nhwc/incache-l1-16px-2x/auto",
      "deconv/nhwc/incache-l1-8px-16to16-k2s2/auto", "probe/copy/l1"};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    EXPECT(ran_ok(rows[i]));
    EXPECT(gbench_selected(rows[i]));
  }
  /* Registered but not selected: the one-shot rows exist only for in-L1 sets. */
  gbench_record r;
  EXPECT(gbench_lookup("nearest-oneshot/nhwc/incache-l1-16px-2x/scalar", &r) && r.calls == 0);
  EXPECT(!gbench_lookup("nearest-oneshot/nhwc/incache-l2-32px-2x/auto", &r));
  EXPECT(gbench_lookup("bilinear-plan/nchw/incache-l2-32px-2x/avx2", &r));
  const char *json = slurp(json_path);
  EXPECT(json != NULL);
  if (!json) return 1;
  EXPECT(has(json, "\"threads\": \"2\""));
  EXPECT(has(json, "\"clock\": \"real_time\""));
  EXPECT(has(json, "\"probes_threads\": \"copy,fma\""));
  EXPECT(has(json, "\"pool\": \"default (pthreadpool), 2 threads\""));
  EXPECT(has(json, "\"probe_copy_l1_GBps\": "));
  EXPECT(has(json, "\"name\": \"nearest/nhwc/incache-l1-16px-2x/auto/real_time\""));
  EXPECT(has(json, "\"name\": \"nearest-plan/nhwc/incache-l1-16px-2x/auto/real_time\""));
  EXPECT(has(json, "\"name\": \"nearest-oneshot/nhwc/incache-l1-16px-2x/auto/real_time\""));
  EXPECT(has(json, "roof vs copy; auto="));
  EXPECT(has(json, "; 2 threads; one-shot call"));
  EXPECT(has(json, "resize plan create + destroy"));
  EXPECT(has(json, "2-core FMA throughput (sum of 2 threads)"));
  EXPECT(has(json, "threads (each its own slice)"));
  EXPECT(!has(json, "\"error_occurred\": true"));
  /* Two cores or more: pinned to two distinct PUs; else not pinned. */
  bench_topology t;
  bench_topology_init(&t, -2);
  if (t.cores >= 2) {
    const char *p = strstr(json, "\"pinned_pus\": \"");
    int a = -1, b = -1;
    EXPECT(p && sscanf(p + 15, "%d,%d", &a, &b) == 2 && a >= 0 && b >= 0 && a != b);
  } else {
    EXPECT(has(json, "\"pinned_pus\": \"none\""));
  }
  return 0;
}

/* The deepest supported SIMD variant (what AUTO picks), or AUTO for none. */
static ups_isa victim_isa(void) {
  ups_isa victim = UPS_ISA_AUTO;
  int best = 0;
  for (int i = UPS_ISA_SCALAR + 1; i < ups_isa_count(); i++) {
    int d = 0;
    for (int k = i; k > UPS_ISA_AUTO; k = (int)ups_isa_parent((ups_isa)k)) d++;
    if (ups_isa_supported((ups_isa)i) && d >= best) victim = (ups_isa)i, best = d;
  }
  return victim;
}

static int mode_wrong(const char *json_path, int threads) {
  const ups_isa victim = victim_isa();
  if (victim == UPS_ISA_AUTO) return 77;
  ups_kernels_override_for_testing(victim, &g_partly_wrong);
  /* 1x16x32x32 -> 64x64: 65536 outputs, enough for two tasks of a pool. */
  char filter[256], name[160];
  snprintf(name, sizeof name, "nearest/nchw/incache-l2-32px-2x/%s", ups_isa_name(victim));
  snprintf(filter, sizeof filter, "^%s(/real_time)?$", name);
  const int status = run(filter, threads == 2 ? "2" : "1", json_path);
  ups_kernels_override_for_testing(victim, NULL);
  if (status == 3 && threads == 2) return 77;
  gbench_record r;
  EXPECT(gbench_lookup(name, &r) && r.calls >= 1);
  if (threads == 2) {
    EXPECT(status == 1);
    EXPECT(r.failed && r.iterations == 0);
    const char *json = slurp(json_path);
    EXPECT(json && has(json, "gives wrong results") && has(json, "not timed"));
  } else {
    EXPECT(status == 0);
    EXPECT(!r.failed && r.iterations > 0);
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "rows";
  char json_path[256];
  snprintf(json_path, sizeof json_path, "test_bench_threads.%s.%d.json", mode, (int)getpid());
  int rc;
  if (strcmp(mode, "rows") == 0) rc = mode_rows(json_path);
  else if (strcmp(mode, "wrong2") == 0) rc = mode_wrong(json_path, 2);
  else if (strcmp(mode, "wrong1") == 0) rc = mode_wrong(json_path, 1);
  else {
    fprintf(stderr, "usage: test_bench_threads rows|wrong2|wrong1\n");
    return 2;
  }
  remove(json_path);
  if (rc == 77) {
    printf("test_bench_threads %s: skipped\n", mode);
    return 77;
  }
  if (g_failed_checks || rc) {
    fprintf(stderr, "test_bench_threads %s: %d check(s) failed\n", mode, g_failed_checks);
    return 1;
  }
  printf("test_bench_threads %s: ok\n", mode);
  return 0;
}
