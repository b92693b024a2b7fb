/* test_bench_startup.c — upsimd-bench's lean start-up: the copy probes' sizes
 * (bench_copy_levels: a quarter of each cache, DRAM 4 x L3 but at least
 * 64 MiB, every level capped at 256 MiB and at an eighth of MemAvailable)
 * for fake caches and fake /proc/meminfo files, and one in-process run whose
 * filter selects an in-L1 nearest row, the l1 copy probe and one deconv row:
 * the JSON context must hold exactly the probes those need (copy/l1 and the
 * deconv row's FMA probe), the unselected probe benchmarks must not have run,
 * and gbench_selected must agree with what Google Benchmark ran. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gbench.h"
#include "harness.h"

#include "bench_test.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)
#define GiB ((size_t)1 << 30)

static size_t dram_of(size_t l3, size_t mem) {
  bench_copy_level lv[BENCH_COPY_LEVELS];
  bench_copy_levels(48 * KiB, 1 * MiB, l3, mem, lv);
  EXPECT(strcmp(lv[3].level, "dram") == 0);
  return lv[3].each;
}

static void check_sizes(void) {
  bench_copy_level lv[BENCH_COPY_LEVELS];
  bench_copy_levels(48 * KiB, 1 * MiB, 32 * MiB, 16 * GiB, lv);
  EXPECT(strcmp(lv[0].level, "l1") == 0 && lv[0].each == 12 * KiB);
  EXPECT(strcmp(lv[1].level, "l2") == 0 && lv[1].each == 256 * KiB);
  EXPECT(strcmp(lv[2].level, "l3") == 0 && lv[2].each == 8 * MiB);
  EXPECT(lv[3].each == 128 * MiB);              /* 4 x 32 MiB */
  EXPECT(dram_of(4 * MiB, 16 * GiB) == 64 * MiB); /* the 64 MiB floor */
  /* The VM that reported a 508 MiB L3: 4 x L3 would be 2032 MiB per buffer. */
  EXPECT(dram_of(508 * MiB, 16 * GiB) == 256 * MiB);
  bench_copy_levels(48 * KiB, 1 * MiB, 2 * GiB, 64 * GiB, lv);
  EXPECT(lv[2].each == 256 * MiB); /* the cap holds for every level */
  /* A 4 GB Arm board with 3 GiB available: 64 MiB; with 256 MiB available
   * (a loaded board): an eighth, 32 MiB per buffer. */
  EXPECT(dram_of(2 * MiB, 3 * GiB) == 64 * MiB);
  EXPECT(dram_of(2 * MiB, 256 * MiB) == 32 * MiB);
  EXPECT(dram_of(508 * MiB, 1 * GiB) == 128 * MiB);
  /* Unknown sizes: the defaults (32 KiB, 256 KiB, 8 MiB) and no memory cap. */
  bench_copy_levels(0, 0, 0, 0, lv);
  EXPECT(lv[0].each == 8 * KiB && lv[1].each == 64 * KiB && lv[2].each == 2 * MiB);
  EXPECT(lv[3].each == 64 * MiB);
  EXPECT(dram_of(0, 0) == 64 * MiB);
}

static size_t mem_of(const char *text) {
  char path[64];
  snprintf(path, sizeof path, "test_bench_startup.%d.meminfo", (int)getpid());
  FILE *f = fopen(path, "w");
  EXPECT(f != NULL);
  if (!f) return 0;
  fputs(text, f);
  fclose(f);
  const size_t v = bench_mem_available(path);
  remove(path);
  return v;
}

static void check_meminfo(void) {
  EXPECT(mem_of("MemTotal:        4008636 kB\nMemFree:          123456 kB\n"
                "MemAvailable:    3145728 kB\nBuffers:            1024 kB\n") == 3 * GiB);
  EXPECT(mem_of("MemTotal:        4008636 kB\nMemFree:          123456 kB\n") == 0);
  EXPECT(bench_mem_available("/nonexistent/meminfo") == 0);
}

static int has_key(const char *json, const char *key) {
  char q[96];
  snprintf(q, sizeof q, "\"%s\": ", key);
  return strstr(json, q) != NULL;
}

static int ran(const char *name) {
  gbench_record r;
  return gbench_lookup(name, &r) && r.calls > 0;
}

int main(void) {
  check_sizes();
  check_meminfo();

  const char *nearest = "nearest/nhwc/incache-l1-16px-2x/avx2";
  const char *deconv = "deconv/nhwc/incache-l1-8px-16to16-k2s2/scalar";
  const int avx2 = ups_isa_supported(UPS_ISA_AVX2);
  char filter[256], out_arg[300], json_path[256];
  snprintf(filter, sizeof filter, "--benchmark_filter=^(%s|probe/copy/l1|%s)$", nearest, deconv);
  snprintf(json_path, sizeof json_path, "test_bench_startup.%d.json", (int)getpid());
  snprintf(out_arg, sizeof out_arg, "--benchmark_out=%s", json_path);
  static char arg0[] = "upsimd-bench", min_time[] = "--benchmark_min_time=0.01";
  static char no_pin[] = "--no-pin", no_peers[] = "--no-peers";
  static char fmt[] = "--benchmark_out_format=json";
  char *argv[] = {arg0, filter, min_time, no_pin, no_peers, out_arg, fmt, NULL};
  EXPECT(bench_main(7, argv) == 0);

  /* What GB ran is what gbench_selected predicted. */
  static const char *const names[] = {
      "probe/copy/l1", "probe/copy/l2", "probe/copy/l3", "probe/copy/dram", "probe/fma/portable",
      "nearest/nhwc/incache-l1-16px-2x/scalar", "deconv/nhwc/incache-l1-8px-16to16-k2s2/avx2"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    EXPECT(gbench_selected(names[i]) == (i == 0));
    EXPECT(ran(names[i]) == (i == 0));
  }
  EXPECT(gbench_selected(deconv) && ran(deconv));
  EXPECT(gbench_selected(nearest) && (ran(nearest) || !avx2));

  const char *json = slurp(json_path);
  EXPECT(json != NULL);
  if (json) {
    /* Only the l1 copy level: l2, l3 and DRAM were neither measured nor recorded. */
    EXPECT(has_key(json, "probe_copy_l1_GBps") && has_key(json, "probe_copy_l1_bytes"));
    EXPECT(!has_key(json, "probe_copy_l2_GBps") && !has_key(json, "probe_copy_l3_GBps"));
    EXPECT(!has_key(json, "probe_copy_dram_GBps"));
    /* The deconv row (scalar) is held to the default FMA probe: that one
     * only, also under the key of older runs. */
    char key[64], measured[96];
    const bench_fma_probe *def = bench_fma_probe_default();
    for (size_t i = 0; i < bench_fma_probe_count(); i++) {
      const bench_fma_probe *p = bench_fma_probe_get(i);
      snprintf(key, sizeof key, "probe_fma_%s_gflops", p->name);
      EXPECT(has_key(json, key) == (p == def));
    }
    EXPECT(has_key(json, "probe_fma_gflops"));
    snprintf(measured, sizeof measured, "\"probes_measured\": \"fma/%s,copy/l1\"", def->name);
    EXPECT(strstr(json, measured) != NULL);
    /* The mapping (no measurement) is always there. */
    EXPECT(has_key(json, "probe_fma_roofs") && has_key(json, "probe_fma_usable"));
  }
  remove(json_path);
  if (g_failed_checks) {
    fprintf(stderr, "test_bench_startup: %d check(s) failed\n", g_failed_checks);
    return 1;
  }
  printf("test_bench_startup: ok\n");
  return 0;
}
