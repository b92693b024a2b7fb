/* test_bench_probes.c — the FMA probes per vector width and the probe each
 * roof is taken against: the probe table (portable always usable; on x86 the
 * AVX-512 probe usable exactly where libgcc's own check finds AVX-512F), the
 * variant -> probe mapping (scalar: the default probe; an ISA: its own probe
 * where one is usable; auto: what it resolves to; peers: the widest), and one
 * in-process upsimd-bench run whose JSON must carry every usable probe's
 * GFLOP/s, the mapping, and deconv labels naming the right probe (peer rows
 * also their implementation). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gbench.h"
#include "harness.h"
#include "peers.h"

#include "bench_test.h"

/* The label of benchmark `name` in a Google Benchmark JSON file (copied into
 * out), or 0 when the benchmark has none. */
static int label_of(const char *json, const char *name, char *out, size_t cap) {
  char key[256];
  snprintf(key, sizeof key, "\"name\": \"%s\"", name);
  const char *at = strstr(json, key);
  if (!at) return 0;
  const char *end = strchr(at, '}'); /* the entry's own fields only */
  const char *label = strstr(at, "\"label\": \"");
  if (!label || (end && label > end)) return 0;
  label += strlen("\"label\": \"");
  const char *q = strchr(label, '"');
  if (!q) return 0;
  snprintf(out, cap, "%.*s", (int)(q - label), label);
  return 1;
}

static const bench_fma_probe *probe_named(const char *name) {
  for (size_t i = 0; i < bench_fma_probe_count(); i++)
    if (strcmp(bench_fma_probe_get(i)->name, name) == 0) return bench_fma_probe_get(i);
  return NULL;
}

static void check_table(void) {
  const bench_fma_probe *portable = probe_named("portable");
  EXPECT(portable && portable->usable && portable->bits == 128);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  const bench_fma_probe *wide = probe_named(ups_isa_name(UPS_ISA_AVX512));
  EXPECT(wide && wide->bits == 512);
  /* libgcc's check also asks the OS (XCR0), as the harness's cpuid+xgetbv. */
  EXPECT(bench_cpu_avx512f_usable() == (__builtin_cpu_supports("avx512f") != 0));
  if (wide) EXPECT(wide->usable == bench_cpu_avx512f_usable());
#endif
  const bench_fma_probe *widest = bench_fma_probe_widest();
  EXPECT(widest && widest->usable);
  for (size_t i = 0; i < bench_fma_probe_count(); i++) {
    const bench_fma_probe *p = bench_fma_probe_get(i);
    EXPECT(p->name && p->chains && p->run && (p->usable || p->why_not));
    if (!p->usable) continue;
    EXPECT(widest && p->bits <= widest->bits);
    const double g = bench_fma_gflops(p);
    EXPECT(g > 0.0);
    printf("test_bench_probes: probe/fma/%s: %.1f GFLOP/s\n", p->name, g);
  }
}

static void check_mapping(void) {
  const bench_fma_probe *def = bench_fma_probe_default();
  EXPECT(def && def->usable);
  EXPECT(bench_fma_probe_for(UPS_ISA_SCALAR) == def); /* scalar keeps the default */
  EXPECT(bench_fma_probe_for(UPS_ISA_AUTO) == bench_fma_probe_for(ups_isa_selected()));
  for (int i = UPS_ISA_SCALAR; i < ups_isa_count(); i++) {
    const bench_fma_probe *p = bench_fma_probe_for((ups_isa)i);
    EXPECT(p && p->usable);
    const bench_fma_probe *own = probe_named(ups_isa_name((ups_isa)i));
    if (own && own->usable) EXPECT(p == own);
    /* No probe of its own: its parent's (scalar: the default). */
    if (!own && p) EXPECT(p == bench_fma_probe_for(ups_isa_parent((ups_isa)i)) || p == def);
  }
}

/* 1 when label has the segment seg ("; "-separated, the label's own format). */
static int has_segment(const char *label, const char *seg) {
  const size_t n = strlen(seg);
  for (const char *at = strstr(label, seg); at; at = strstr(at + 1, seg))
    if ((at == label || at[-1] == ' ') && (at[n] == ';' || at[n] == '\0')) return 1;
  return 0;
}

/* The deconv rows of one workload: each variant's label names its probe
 * (or the copy limit), each peer's the widest and its implementation. */
static void check_run(const char *json, const char *workload) {
  char name[256], label[1024], want[64];
  int seen = 0;
  for (int i = UPS_ISA_AUTO; i < ups_isa_count(); i++) {
    if (!ups_isa_supported((ups_isa)i)) continue;
    snprintf(name, sizeof name, "%s/%s", workload, ups_isa_name((ups_isa)i));
    EXPECT(label_of(json, name, label, sizeof label));
    snprintf(want, sizeof want, "roof vs fma/%s", bench_fma_probe_for((ups_isa)i)->name);
    if (!has_segment(label, want) && !has_segment(label, "roof vs copy")) {
      fprintf(stderr, "test_bench_probes: %s: label \"%s\" lacks \"%s\"\n", name, label, want);
      g_failed_checks++;
    }
    seen++;
  }
  EXPECT(seen >= 2); /* scalar and auto at least */
  for (size_t i = 0; i < bench_peer_count(); i++) {
    const bench_peer *peer = bench_peer_get(i);
    snprintf(name, sizeof name, "%s/%s", workload, peer->name);
    if (!label_of(json, name, label, sizeof label)) continue; /* not registered here */
    snprintf(want, sizeof want, "roof vs fma/%s", bench_fma_probe_widest()->name);
    EXPECT(has_segment(label, want) || has_segment(label, "roof vs copy"));
    if (peer->impl) EXPECT(strstr(label, "; impl ") != NULL);
  }
}

int main(void) {
  check_table();
  check_mapping();

  /* One run: every FMA probe and an in-L1 FMA-bound deconvolution (every
   * variant and peer), short. */
  const char *workload = "deconv/nhwc/incache-l1-8px-16to16-k2s2";
  char filter[256], out_arg[300], json_path[256];
  snprintf(filter, sizeof filter, "--benchmark_filter=^(probe/fma/.*|%s/.*)$", workload);
  snprintf(json_path, sizeof json_path, "test_bench_probes.%d.json", (int)getpid());
  snprintf(out_arg, sizeof out_arg, "--benchmark_out=%s", json_path);
  static char arg0[] = "upsimd-bench", min_time[] = "--benchmark_min_time=0.01";
  static char no_pin[] = "--no-pin", fmt[] = "--benchmark_out_format=json";
  char *argv[] = {arg0, filter, min_time, no_pin, out_arg, fmt, NULL};
  EXPECT(bench_main(6, argv) == 0);

  const char *json = slurp(json_path);
  EXPECT(json != NULL);
  if (json) {
    char key[96];
    for (size_t i = 0; i < bench_fma_probe_count(); i++) {
      const bench_fma_probe *p = bench_fma_probe_get(i);
      snprintf(key, sizeof key, "\"probe_fma_%s_gflops\": ", p->name);
      EXPECT((strstr(json, key) != NULL) == (p->usable != 0));
      snprintf(key, sizeof key, "probe/fma/%s", p->name);
      gbench_record r;
      EXPECT(gbench_lookup(key, &r) && (p->usable ? r.iterations > 0 : r.skipped));
    }
    snprintf(key, sizeof key, "\"probe_fma_peers\": \"%s\"", bench_fma_probe_widest()->name);
    EXPECT(strstr(json, key) != NULL);
    snprintf(key, sizeof key, "scalar:%s", bench_fma_probe_default()->name);
    EXPECT(strstr(json, "\"probe_fma_roofs\": \"") && strstr(json, key));
    EXPECT(strstr(json, "\"probe_fma_gflops\": ") && strstr(json, "\"probe_fma_kind\": "));
    /* No probe/copy benchmark selected: no copy level measured at start-up. */
    EXPECT(!strstr(json, "\"probe_copy_l1_GBps\"") && !strstr(json, "\"probe_copy_dram_GBps\""));
    check_run(json, workload);
  }
  remove(json_path);
  if (g_failed_checks) {
    fprintf(stderr, "test_bench_probes: %d check(s) failed\n", g_failed_checks);
    return 1;
  }
  printf("test_bench_probes: ok (default probe %s, widest %s)\n", bench_fma_probe_default()->name,
         bench_fma_probe_widest()->name);
  return 0;
}
