/* test_bench_gbench_shim.c — the C shim over Google Benchmark: a C benchmark
 * registered with user data and run through a filter really runs (and the
 * filtered-out one does not); counters, labels, pause/resume, skip and error
 * do not count as failures; gbench_fail makes the run's status 1. */
#include <stdio.h>
#include <string.h>

#include "gbench.h"

#include "bench_test.h"

typedef struct counter_user { long long sum; int paused_once; } counter_user;

static void bm_sum(gbench_state *s, void *user) {
  counter_user *u = user;
  volatile long long acc = 0;
  while (gbench_keep_running(s)) {
    if (!u->paused_once) { /* exercise pause/resume inside the loop */
      gbench_pause_timing(s);
      u->paused_once = 1;
      gbench_resume_timing(s);
    }
    for (int i = 0; i < 100; i++) acc += i;
  }
  u->sum += acc;
  gbench_counter(s, "items_per_second", 100, GBENCH_COUNTER_PER_SECOND);
  gbench_counter(s, "plain", 42, GBENCH_COUNTER_PLAIN);
  gbench_label(s, "a C benchmark");
}

static int64_t g_seen_arg = -1;
static void bm_args(gbench_state *s, void *user) {
  (void)user;
  g_seen_arg = gbench_arg(s, 0);
  while (gbench_keep_running(s)) {
  }
}

static void bm_never(gbench_state *s, void *user) {
  (void)user;
  while (gbench_keep_running(s)) {
  }
}

static void bm_skip(gbench_state *s, void *user) {
  (void)user;
  gbench_skip(s, "not on this CPU");
}

static void bm_error(gbench_state *s, void *user) {
  (void)user;
  gbench_error(s, "peer-mismatch: test");
}

static void bm_fail(gbench_state *s, void *user) {
  (void)user;
  gbench_fail(s, "deliberately wrong");
}

int main(void) {
  static char arg0[] = "test_bench_gbench_shim";
  static char filter[] = "--benchmark_filter=^shim/(sum|skip|error)$";
  static char min_time[] = "--benchmark_min_time=0.01";
  char *argv[] = {arg0, filter, min_time, NULL};
  int argc = 3;
  EXPECT(gbench_initialize(&argc, argv) == 0);
  EXPECT(argc == 1); /* GB consumed its flags */

  counter_user u = {0, 0};
  EXPECT(gbench_register("shim/sum", bm_sum, &u, NULL) == 0);
  EXPECT(gbench_register("shim/never", bm_never, NULL, NULL) == 0);
  EXPECT(gbench_register("shim/skip", bm_skip, NULL, NULL) == 0);
  EXPECT(gbench_register("shim/error", bm_error, NULL, NULL) == 0);
  gbench_add_context("shim_test", "yes");

  size_t n_run = 0;
  EXPECT(gbench_run_count(&n_run) == 0); /* skip and error are not failures */
  EXPECT(n_run == 3);
  gbench_record r;
  EXPECT(gbench_lookup("shim/sum", &r) && r.calls >= 1 && r.iterations >= 1 && !r.failed);
  EXPECT(u.sum > 0 && u.paused_once);
  EXPECT(gbench_lookup("shim/never", &r) && r.calls == 0);
  EXPECT(gbench_lookup("shim/skip", &r) && r.skipped && !r.failed && r.iterations == 0);
  EXPECT(gbench_lookup("shim/error", &r) && r.errored && !r.failed && r.iterations == 0);
  EXPECT(!gbench_lookup("shim/absent", &r));

  /* Options: an argument and a fixed iteration count (GB appends both to the
   * name: "shim/args/7/iterations:5"). */
  const int64_t args[] = {7};
  const gbench_options opts = {.iterations = 5, .args = args, .n_args = 1, .unit = GBENCH_UNIT_US};
  EXPECT(gbench_register("shim/args", bm_args, NULL, &opts) == 0);
  gbench_set_filter("^shim/args/");
  EXPECT(gbench_run_count(&n_run) == 0);
  EXPECT(n_run == 1);
  EXPECT(g_seen_arg == 7);
  EXPECT(gbench_lookup("shim/args", &r) && r.calls == 1 && r.iterations == 5);

  /* A failing benchmark: no time, and the run's status is 1. */
  EXPECT(gbench_register("shim/fail", bm_fail, NULL, NULL) == 0);
  EXPECT(gbench_failure_count() == 0);
  gbench_set_filter("^shim/fail$");
  EXPECT(gbench_run_count(&n_run) == 1);
  EXPECT(n_run == 1);
  EXPECT(gbench_failure_count() == 1);
  EXPECT(gbench_lookup("shim/fail", &r) && r.failed && r.iterations == 0);

  /* A filter that selects nothing is status 2. */
  gbench_set_filter("^nothing-matches$");
  EXPECT(gbench_run_count(&n_run) == 1); /* the earlier failure still counts */
  EXPECT(n_run == 0);

  if (g_failed_checks) {
    fprintf(stderr, "test_bench_gbench_shim: %d check(s) failed\n", g_failed_checks);
    return 1;
  }
  printf("test_bench_gbench_shim: ok\n");
  return 0;
}
