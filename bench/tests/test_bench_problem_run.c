/* test_bench_problem_run.c — upsimd-bench's own main on user problems:
 * --problem (twice) and --batch FILE (argv[1], bench/problems/smoke.txt)
 * register benchmarks named <op>/<layout>/<canonical slug>/<variant> that
 * are checked and timed like the built-in ones, the built-in workloads are
 * not registered, and the JSON file has those names and mode "problems". */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gbench.h"
#include "harness.h"

#include "bench_test.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_bench_problem_run BATCH_FILE\n");
    return 2;
  }
  char out_arg[300], json_path[256], batch[1024];
  snprintf(json_path, sizeof json_path, "test_bench_problem_run.%d.json", (int)getpid());
  snprintf(out_arg, sizeof out_arg, "--benchmark_out=%s", json_path);
  snprintf(batch, sizeof batch, "--batch=%s", argv[1]);
  static char arg0[] = "upsimd-bench", min_time[] = "--benchmark_min_time=0.01";
  static char no_peers[] = "--no-peers", no_pin[] = "--no-pin";
  static char fmt[] = "--benchmark_out_format=json";
  /* scalar and auto only: every operator and layout, in seconds. */
  static char filter[] =
      "--benchmark_filter=^(nearest|bilinear|deconv|deconv-pack|upconv|upconv-pack)/.*/"
      "(scalar|auto)$|^upconv-twostep/";
  static char problem[] = "--problem", deconv[] = "deconv nhwc ic16 oc8 ih8 k4 s2 p1";
  static char bilinear[] = "--problem=bilinear c3 ih10 oh17 ow9 align_corners";
  char *args[] = {arg0,    problem, deconv, bilinear, batch, filter, min_time, no_peers,
                  no_pin,  out_arg, fmt,    NULL};
  const int status = bench_main(11, args);
  EXPECT(status == 0);
  EXPECT(gbench_failure_count() == 0);

  static const char *const names[] = {
      "deconv/nhwc/n1-ic16-oc8-ih8-iw8-k4-s2-p1-bias/scalar",
      "deconv/nhwc/n1-ic16-oc8-ih8-iw8-k4-s2-p1-bias/auto",
      "deconv-pack/nhwc/n1-ic16-oc8-ih8-iw8-k4-s2-p1-bias/auto",
      "bilinear/nchw/n1-c3-ih10-iw10-oh17-ow9-align_corners/scalar",
      "bilinear/nchw/n1-c3-ih10-iw10-oh17-ow9-align_corners/auto",
      /* from the batch file */
      "nearest/nchw/n2-c5-ih7-iw9-s2-asymmetric-floor/auto",
      "nearest/nhwc/n1-c8-ih5-iw7-oh12-ow17-tf_half_pixel_for_nn-floor/auto",
      "bilinear/nchw/n1-c2-ih8-iw8-sh1.75-sw0.5-pytorch_half_pixel/auto",
      "deconv/nhwc/n1-ic6-oc9-ih7-iw5-k3-s2-pt0-pl0-pb1-pr1-g3-bias/auto",
      "deconv/nchw/n2-ic5-oc3-ih4-iw6-kh3-kw2-sh3-sw2-d2-p1-op1-hwoi-bias/auto",
      "upconv/nchw/n1-ic6-oc4-ih5-iw7-f2-k3-p1-nearest-bias/scalar",
      "upconv/nchw/n1-ic6-oc4-ih5-iw7-f2-k3-p1-nearest-bias/auto",
      "upconv-pack/nchw/n1-ic6-oc4-ih5-iw7-f2-k3-p1-nearest-bias/auto",
      "upconv-twostep/nchw/n1-ic6-oc4-ih5-iw7-f2-k3-p1-nearest-bias/upsimd",
      "upconv/nhwc/n1-ic4-oc6-ih6-iw5-fh2-fw3-kh3-kw2-d2-pt1-pl0-pb2-pr1-g2-oihw-nearest-nobias/auto",
      "upconv-twostep/nhwc/n1-ic4-oc6-ih6-iw5-fh2-fw3-kh3-kw2-d2-pt1-pl0-pb2-pr1-g2-oihw-nearest-nobias/upsimd",
  };
  const char *json = slurp(json_path);
  EXPECT(json != NULL);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    gbench_record r;
    const int found = gbench_lookup(names[i], &r);
    if (!found || r.failed || r.iterations < 1) {
      fprintf(stderr, "FAILED: %s: %s\n", names[i],
              !found ? "not registered" : r.failed ? "refused" : "not timed");
      g_failed_checks++;
    }
    char quoted[300];
    snprintf(quoted, sizeof quoted, "\"name\": \"%s\"", names[i]);
    if (json && !strstr(json, quoted)) {
      fprintf(stderr, "FAILED: %s is not in the JSON output\n", names[i]);
      g_failed_checks++;
    }
  }
  if (json) {
    EXPECT(strstr(json, "\"upsimd_mode\": \"problems\"") != NULL);
    EXPECT(strstr(json, "problem: deconv nhwc n1 ic16 oc8 ih8 iw8 k4 s2 p1 bias; roof vs") != NULL);
    EXPECT(strstr(json, " MACs vs two-step ") != NULL);
    EXPECT(strstr(json, "\"MACs_twostep\"") != NULL);
    EXPECT(strstr(json, "yolov5s") == NULL);   /* no built-in workloads */
    EXPECT(strstr(json, "incache-l1") == NULL);
  }
  remove(json_path);
  if (g_failed_checks) {
    fprintf(stderr, "test_bench_problem_run: %d check(s) failed\n", g_failed_checks);
    return 1;
  }
  printf("test_bench_problem_run: ok\n");
  return 0;
}
