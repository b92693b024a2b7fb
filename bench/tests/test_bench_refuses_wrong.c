/* test_bench_refuses_wrong.c — check-before-time: a deliberately wrong,
 * test-only kernel table installed for a SIMD variant (the deepest supported
 * one of the library's registry; one output element off by one ulp in nearest
 * NCHW, by 1.0 in deconv) is refused by upsimd-bench's own main (resize plan
 * run, plan-making and one-shot rows, deconv run and packing rows): the benchmark
 * reports "FAILED: ..." with no timed iteration, the right variants are timed,
 * and the run's exit status is non-zero. Skipped (77) on a CPU without a SIMD
 * variant to replace. */
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

static void off_by_one_ulp(float *x) { *x = nextafterf(*x, INFINITY); }

/* The scalar kernels, each spoiling the last (nearest) or first (deconv)
 * element it writes. */
static void wrong_nearest_nchw(const ups_nearest_job *job, const void *prep, const ups_range *r) {
  ups_kernel_table_scalar.nearest[UPS_NCHW].run(job, prep, r);
  if (r->n1 == job->n && r->c1 == job->c && r->y1 == job->y.out)
    off_by_one_ulp(&job->out[job->n * job->c * job->y.out * job->x.out - 1]);
}

static void wrong_deconv_run(const ups_deconv_plan_data *d, const float *in, float *out,
                             const ups_range *r) {
  ups_kernel_table_scalar.deconv[UPS_NCHW].run(d, in, out, r);
  if (r->n0 == 0 && r->c0 == 0 && r->y0 == 0)
    out[0] += 1.0f; /* far outside the deconv contract (one ulp may be inside) */
}

static const ups_kernel_table g_wrong_table = {
    .nearest = {{NULL, NULL, wrong_nearest_nchw}},
    .deconv = {{NULL, wrong_deconv_run}},
};

/* Depth of an ISA in the registry tree (scalar 1). */
static int depth(int i) {
  int d = 0;
  for (; i > UPS_ISA_AUTO; i = (int)ups_isa_parent((ups_isa)i)) d++;
  return d;
}

int main(void) {
  /* The victim: the deepest supported ISA other than scalar (what AUTO would
   * pick without UPSIMD_ISA), found through the registry. */
  ups_isa victim = UPS_ISA_AUTO;
  for (int i = UPS_ISA_SCALAR + 1; i < ups_isa_count(); i++)
    if (ups_isa_supported((ups_isa)i) && (victim == UPS_ISA_AUTO || depth(i) >= depth(victim)))
      victim = (ups_isa)i;
  if (victim == UPS_ISA_AUTO) {
    printf("test_bench_refuses_wrong: skipped (no SIMD variant on this CPU)\n");
    return 77;
  }
  ups_kernels_override_for_testing(victim, &g_wrong_table);

  const char *v = ups_isa_name(victim);
  char filter[256], out_arg[300], json_path[256];
  snprintf(filter, sizeof filter,
           "--benchmark_filter=^(nearest/nchw/incache-l1-16px-2x|"
           "nearest-plan/nchw/incache-l1-16px-2x|nearest-oneshot/nchw/incache-l1-16px-2x|"
           "deconv/nchw/incache-l1-8px-16to16-k2s2|deconv-pack/nchw/incache-l1-8px-16to16-k2s2)/"
           "(scalar|%s)$",
           v);
  snprintf(json_path, sizeof json_path, "test_bench_refuses_wrong.%d.json", (int)getpid());
  snprintf(out_arg, sizeof out_arg, "--benchmark_out=%s", json_path);
  static char arg0[] = "upsimd-bench", min_time[] = "--benchmark_min_time=0.01";
  static char no_peers[] = "--no-peers", no_pin[] = "--no-pin", fmt[] = "--benchmark_out_format=json";
  char *argv[] = {arg0, filter, min_time, no_peers, no_pin, out_arg, fmt, NULL};
  const int status = bench_main(7, argv);

  EXPECT(status == 1);
  EXPECT(gbench_failure_count() == 5);
  char name[160];
  gbench_record r;
  const char *wrong[] = {"nearest/nchw/incache-l1-16px-2x", "nearest-plan/nchw/incache-l1-16px-2x",
                         "nearest-oneshot/nchw/incache-l1-16px-2x",
                         "deconv/nchw/incache-l1-8px-16to16-k2s2",
                         "deconv-pack/nchw/incache-l1-8px-16to16-k2s2"};
  for (int i = 0; i < 5; i++) {
    snprintf(name, sizeof name, "%s/%s", wrong[i], v);
    EXPECT(gbench_lookup(name, &r) && r.calls >= 1 && r.failed && r.iterations == 0);
    snprintf(name, sizeof name, "%s/scalar", wrong[i]);
    EXPECT(gbench_lookup(name, &r) && !r.failed && r.iterations >= 1);
  }
  const char *json = slurp(json_path);
  EXPECT(json != NULL);
  if (json) {
    EXPECT(strstr(json, "\"error_occurred\": true") != NULL);
    EXPECT(strstr(json, "FAILED: ") != NULL);
    EXPECT(strstr(json, "gives wrong results") != NULL);
    EXPECT(strstr(json, "not timed") != NULL);
    EXPECT(strstr(json, "\"cpu_model\"") != NULL); /* hwloc context */
  }
  remove(json_path);
  ups_kernels_override_for_testing(victim, NULL);
  if (g_failed_checks) {
    fprintf(stderr, "test_bench_refuses_wrong: %d check(s) failed\n", g_failed_checks);
    return 1;
  }
  printf("test_bench_refuses_wrong: ok (wrong %s kernels refused, exit status %d)\n", v, status);
  return 0;
}
