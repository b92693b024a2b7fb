/* probes.c — the machine's own limits, measured in the process that runs the
 * benchmarks: a streaming copy of the same bytes a benchmark must move, and
 * single-core FMA-throughput probes, one per vector width (portable 128-bit,
 * AVX2, AVX-512). The benchmarks' `roof` counter divides the time these limits
 * need for the same work by the measured time; each variant's FMA limit is
 * the probe of its own width (bench_fma_probe_for). The copy probes' sizes
 * per cache level, capped in bytes and by MemAvailable, are here too
 * (bench_copy_levels). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "upsimd.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

enum { PROBE_RUNS = 7 };

/* Loads the rest of the input: 16-byte vectors, four independent sums so the
 * loop is load-bound, not add-latency bound. */
typedef float bench_v4 __attribute__((vector_size(16)));
static volatile float g_sink;

/* Keeps values in vector registers and a loop un-collapsible (the compiler
 * may neither fold the FMA chains nor turn a copy loop into a memcpy call). */
#if defined(__x86_64__) || defined(__i386__)
#define PROBE_OPAQUE(a, b, c, d, e, f) \
  __asm__ volatile("" : "+x"(a), "+x"(b), "+x"(c), "+x"(d), "+x"(e), "+x"(f))
#define PROBE_OPAQUE4(a, b, c, d) __asm__ volatile("" : "+x"(a), "+x"(b), "+x"(c), "+x"(d))
#define PROBE_OPAQUE1(a) __asm__ volatile("" : "+x"(a))
#elif defined(__aarch64__)
#define PROBE_OPAQUE(a, b, c, d, e, f) \
  __asm__ volatile("" : "+w"(a), "+w"(b), "+w"(c), "+w"(d), "+w"(e), "+w"(f))
#define PROBE_OPAQUE4(a, b, c, d) __asm__ volatile("" : "+w"(a), "+w"(b), "+w"(c), "+w"(d))
#define PROBE_OPAQUE1(a) __asm__ volatile("" : "+w"(a))
#else
#define PROBE_OPAQUE(a, b, c, d, e, f) ((void)0)
#define PROBE_OPAQUE4(a, b, c, d) ((void)0)
#define PROBE_OPAQUE1(a) ((void)0)
#endif


static void read_rest(const unsigned char *p, size_t bytes) {
  bench_v4 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
  size_t i = 0;
  for (; i + 64 <= bytes; i += 64) {
    bench_v4 a, b, c, d;
    memcpy(&a, p + i, 16);
    memcpy(&b, p + i + 16, 16);
    memcpy(&c, p + i + 32, 16);
    memcpy(&d, p + i + 48, 16);
    s0 += a;
    s1 += b;
    s2 += c;
    s3 += d;
  }
  float tail = 0.0f;
  for (; i + 4 <= bytes; i += 4) {
    float f;
    memcpy(&f, p + i, 4);
    tail += f;
  }
  const bench_v4 s = s0 + s1 + s2 + s3;
  g_sink = s[0] + s[1] + s[2] + s[3] + tail;
}

void bench_copy_pass_libc(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                          size_t write_bytes) {
  const size_t common = read_bytes < write_bytes ? read_bytes : write_bytes;
  memcpy(dst, src, common);
  if (write_bytes > common) memset(dst + common, 0x3f, write_bytes - common);
  if (read_bytes > common) read_rest(src + common, read_bytes - common);
}

/* Plain 16-byte vector loads and stores, 64 bytes per step. */
void bench_copy_pass_vec128(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                            size_t write_bytes) {
  const size_t common = read_bytes < write_bytes ? read_bytes : write_bytes;
  size_t i = 0;
  for (; i + 64 <= common; i += 64) {
    bench_v4 a, b, c, d;
    memcpy(&a, src + i, 16);
    memcpy(&b, src + i + 16, 16);
    memcpy(&c, src + i + 32, 16);
    memcpy(&d, src + i + 48, 16);
    PROBE_OPAQUE4(a, b, c, d);
    memcpy(dst + i, &a, 16);
    memcpy(dst + i + 16, &b, 16);
    memcpy(dst + i + 32, &c, 16);
    memcpy(dst + i + 48, &d, 16);
  }
  for (; i < common; i++) dst[i] = src[i];
  bench_v4 fill = {1.5f, 1.5f, 1.5f, 1.5f};
  for (; i + 64 <= write_bytes; i += 64) {
    PROBE_OPAQUE1(fill);
    memcpy(dst + i, &fill, 16);
    memcpy(dst + i + 16, &fill, 16);
    memcpy(dst + i + 32, &fill, 16);
    memcpy(dst + i + 48, &fill, 16);
  }
  for (; i < write_bytes; i++) dst[i] = 0x3f;
  if (read_bytes > common) read_rest(src + common, read_bytes - common);
}

size_t bench_copy_impls(bench_copy_impl out[8]) {
  size_t n = 0;
  out[n++] = (bench_copy_impl){"libc", bench_copy_pass_libc};
  out[n++] = (bench_copy_impl){"vec128", bench_copy_pass_vec128};
  if (ups_isa_supported(UPS_ISA_AVX2)) {
    out[n++] = (bench_copy_impl){"avx2", bench_copy_pass_avx2};
    out[n++] = (bench_copy_impl){"avx2-nt", bench_copy_pass_avx2_nt};
  }
  return n;
}

typedef struct copy_limit {
  size_t read_bytes, write_bytes;
  double seconds;
  bench_copy_impl winner;
} copy_limit;

static copy_limit g_copy_limits[512];
static size_t g_copy_count;

static double measure_copy(bench_copy_fn pass, unsigned char *src, size_t read_bytes,
                           unsigned char *dst, size_t write_bytes) {
  /* Warm up (page faults, caches), then size a run to >= 2 ms so the clock's
   * resolution does not matter. */
  double t0 = bench_clock_seconds();
  pass(src, read_bytes, dst, write_bytes);
  pass(src, read_bytes, dst, write_bytes);
  double one = (bench_clock_seconds() - t0) / 2.0;
  int64_t passes = one > 0.0 ? (int64_t)(2e-3 / one) + 1 : 1000;
  if (passes > 1000000) passes = 1000000;
  double runs[PROBE_RUNS];
  for (int r = 0; r < PROBE_RUNS; r++) {
    t0 = bench_clock_seconds();
    for (int64_t i = 0; i < passes; i++) pass(src, read_bytes, dst, write_bytes);
    runs[r] = (bench_clock_seconds() - t0) / (double)passes;
  }
  return bench_median(runs, PROBE_RUNS);
}

/* With a team (--threads=N, or the wall clock), every probe runs on it. */
static bench_team *g_team;
void bench_probes_use_team(bench_team *team) { g_team = team; }
bench_team *bench_probes_team(void) { return g_team; }

double bench_copy_limit(size_t read_bytes, size_t write_bytes, bench_copy_impl *winner) {
  for (size_t i = 0; i < g_copy_count; i++)
    if (g_copy_limits[i].read_bytes == read_bytes && g_copy_limits[i].write_bytes == write_bytes) {
      if (winner) *winner = g_copy_limits[i].winner;
      return g_copy_limits[i].seconds;
    }
  copy_limit lim = {read_bytes, write_bytes, 0.0, {"none", NULL}};
  unsigned char *src = bench_alloc(read_bytes), *dst = bench_alloc(write_bytes);
  if (src && dst) {
    memset(src, 0x11, read_bytes);
    memset(dst, 0x22, write_bytes);
    bench_copy_impl impls[8];
    const size_t n = bench_copy_impls(impls);
    for (size_t k = 0; k < n; k++) {
      bench_copy_job job = {impls[k].pass, src, read_bytes, dst, write_bytes};
      const double s = g_team ? bench_team_median(g_team, bench_copy_team_body, &job, 2e-3,
                                                  PROBE_RUNS)
                              : measure_copy(impls[k].pass, src, read_bytes, dst, write_bytes);
      if (s > 0.0 && (lim.seconds == 0.0 || s < lim.seconds)) {
        lim.seconds = s;
        lim.winner = impls[k];
      }
    }
  }
  bench_free(src);
  bench_free(dst);
  if (g_copy_count < sizeof g_copy_limits / sizeof g_copy_limits[0])
    g_copy_limits[g_copy_count++] = lim;
  if (winner) *winner = lim.winner;
  return lim.seconds;
}

double bench_copy_seconds(size_t read_bytes, size_t write_bytes) {
  return bench_copy_limit(read_bytes, write_bytes, NULL);
}

void bench_copy_levels(size_t l1d, size_t l2, size_t l3, size_t mem_available,
                       bench_copy_level out[BENCH_COPY_LEVELS]) {
  if (!l1d) l1d = (size_t)32 << 10;
  if (!l2) l2 = (size_t)256 << 10;
  if (!l3) l3 = (size_t)8 << 20;
  const size_t dram = l3 > BENCH_COPY_DRAM_MIN_BYTES / 4 ? 4 * l3 : BENCH_COPY_DRAM_MIN_BYTES;
  size_t cap = BENCH_COPY_CAP_BYTES;
  if (mem_available && mem_available / 8 < cap) cap = mem_available / 8;
  if (cap < 4096) cap = 4096; /* a meaningless meminfo must not give 0-byte probes */
  const bench_copy_level levels[BENCH_COPY_LEVELS] = {
      {"l1", l1d / 4}, {"l2", l2 / 4}, {"l3", l3 / 4}, {"dram", dram}};
  for (size_t i = 0; i < BENCH_COPY_LEVELS; i++) {
    out[i] = levels[i];
    if (out[i].each > cap) out[i].each = cap;
  }
}

size_t bench_mem_available(const char *meminfo_path) {
  FILE *f = fopen(meminfo_path, "r");
  if (!f) return 0;
  char line[256];
  size_t bytes = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long long kib;
    if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1) {
      bytes = (size_t)kib * 1024u;
      break;
    }
  }
  fclose(f);
  return bytes;
}

/* Portable FMA probe: 12 independent 128-bit accumulator chains (this file is
 * compiled with -ffp-contract=fast, so a*b+c becomes a fused multiply-add
 * where the baseline ISA has one, e.g. AArch64 FMLA; SSE2 gets mul+add). */
double bench_fma_probe_portable(int64_t iterations) {
  const bench_v4 a = {0.999999f, 0.999998f, 0.999997f, 0.999996f};
  const bench_v4 b = {1e-7f, 2e-7f, 3e-7f, 4e-7f};
  /* Distinct starting values: equal chains would be merged into one by the
   * compiler (c6..c11 are not behind the opaque barrier). */
  const bench_v4 one = {1, 1, 1, 1};
  bench_v4 c0 = one, c1 = one + 0.01f, c2 = one + 0.02f, c3 = one + 0.03f, c4 = one + 0.04f;
  bench_v4 c5 = one + 0.05f, c6 = one + 0.06f, c7 = one + 0.07f, c8 = one + 0.08f;
  bench_v4 c9 = one + 0.09f, c10 = one + 0.10f, c11 = one + 0.11f;
  for (int64_t i = 0; i < iterations; i++) {
    c0 = c0 * a + b;
    c1 = c1 * a + b;
    c2 = c2 * a + b;
    c3 = c3 * a + b;
    c4 = c4 * a + b;
    c5 = c5 * a + b;
    c6 = c6 * a + b;
    c7 = c7 * a + b;
    c8 = c8 * a + b;
    c9 = c9 * a + b;
    c10 = c10 * a + b;
    c11 = c11 * a + b;
    PROBE_OPAQUE(c0, c1, c2, c3, c4, c5);
    PROBE_OPAQUE(c6, c7, c8, c9, c10, c11);
  }
  const bench_v4 s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
  g_sink = s[0] + s[1] + s[2] + s[3];
  return (double)iterations * 12.0 * 4.0 * 2.0;
}

/* AVX-512F usable: CPUID says so and the OS saves the opmask and ZMM state
 * (XCR0 bits 5-7) besides XMM and YMM. Asked here rather than of the library:
 * ups_isa_supported(UPS_ISA_AVX512) is true only where avx512 kernels are
 * built in, and the probe measures the machine, not the library. This file is
 * built without ISA flags, so the check itself runs on any x86-64. */
int bench_cpu_avx512f_usable(void) {
#if defined(__x86_64__) || defined(__i386__)
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1)) return 0; /* OSXSAVE */
  unsigned int lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0)); /* no -mxsave needed */
  (void)hi;
  if ((lo & 0xe6) != 0xe6) return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (int)((b >> 16) & 1);
#else
  return 0;
#endif
}

/* GFLOP/s of one of the raw kernels (median of 7 runs of ~10 ms). */
static double fma_measure(double (*probe)(int64_t)) {
  probe(10000); /* warm up: clocks ramp, code paged in */
  int64_t iterations = 100000;
  for (;;) { /* size one run to ~10 ms */
    const double t0 = bench_clock_seconds();
    probe(iterations);
    const double dt = bench_clock_seconds() - t0;
    if (dt >= 5e-3 || iterations > ((int64_t)1 << 40)) {
      if (dt > 0) iterations = (int64_t)((double)iterations * 10e-3 / dt) + 1;
      break;
    }
    iterations *= 4;
  }
  double runs[PROBE_RUNS];
  for (int r = 0; r < PROBE_RUNS; r++) {
    const double t0 = bench_clock_seconds();
    const double flops = probe(iterations);
    runs[r] = flops / (bench_clock_seconds() - t0) * 1e-9;
  }
  return bench_median(runs, PROBE_RUNS);
}

enum { MAX_FMA_PROBES = 4 };
static bench_fma_probe g_fma_probes[MAX_FMA_PROBES];
static double g_fma_gflops[MAX_FMA_PROBES];
static size_t g_fma_count;

/* The table, filled on first use: one entry per probe built into the harness,
 * usable here or not (the benchmark of an unusable one says why it skipped).
 * A probe named like an ISA (ups_isa_name) is that ISA's width. */
static void fma_probes_init(void) {
  if (g_fma_count) return;
  size_t n = 0;
  /* Held to the library's AVX2 support, as before: the default probe (below)
   * follows the library's avx2 variant. */
  g_fma_probes[n++] = (bench_fma_probe){ups_isa_name(UPS_ISA_AVX2), "12 ymm chains", 256,
                                        bench_fma_probe_avx2, ups_isa_supported(UPS_ISA_AVX2),
                                        "AVX2+FMA not built into this library or not usable here"};
  g_fma_probes[n++] = (bench_fma_probe){ups_isa_name(UPS_ISA_AVX512), "16 zmm chains", 512,
                                        bench_fma_probe_avx512, bench_cpu_avx512f_usable(),
                                        "no AVX-512F on this CPU, or the OS does not save the "
                                        "ZMM/opmask state"};
  g_fma_probes[n++] = (bench_fma_probe){"portable", "12 portable 128-bit chains", 128,
                                        bench_fma_probe_portable, 1, NULL};
  g_fma_count = n;
}

size_t bench_fma_probe_count(void) {
  fma_probes_init();
  return g_fma_count;
}

const bench_fma_probe *bench_fma_probe_get(size_t i) {
  fma_probes_init();
  return i < g_fma_count ? &g_fma_probes[i] : NULL;
}

double bench_fma_gflops(const bench_fma_probe *p) {
  fma_probes_init();
  if (!p || !p->usable) return 0.0;
  const size_t i = (size_t)(p - g_fma_probes);
  if (i >= g_fma_count) return 0.0;
  if (g_fma_gflops[i] == 0.0 && g_team) {
    /* N threads' chains: N probes at once, GFLOP/s summed. */
    const double flops = p->run(BENCH_FMA_TEAM_ROUNDS); /* also a warm-up */
    const double sec = bench_team_median(g_team, bench_fma_team_body, (void *)p, 10e-3,
                                         PROBE_RUNS);
    g_fma_gflops[i] = sec > 0 ? (double)bench_team_size(g_team) * flops / sec * 1e-9 : 0.0;
  }
  if (g_fma_gflops[i] == 0.0) g_fma_gflops[i] = fma_measure(p->run);
  return g_fma_gflops[i];
}

static const bench_fma_probe *probe_named(const char *name) {
  fma_probes_init();
  for (size_t i = 0; i < g_fma_count; i++)
    if (g_fma_probes[i].usable && strcmp(g_fma_probes[i].name, name) == 0) return &g_fma_probes[i];
  return NULL;
}

/* What scalar's roof used before there was a probe per width, kept so its
 * roof means what it did (and probe_fma_gflops stays comparable across runs):
 * the AVX2 probe where the library's avx2 variant runs, else the portable one. */
const bench_fma_probe *bench_fma_probe_default(void) {
  const bench_fma_probe *p =
      ups_isa_supported(UPS_ISA_AVX2) ? probe_named(ups_isa_name(UPS_ISA_AVX2)) : NULL;
  return p ? p : probe_named("portable");
}

const bench_fma_probe *bench_fma_probe_for(ups_isa isa) {
  if (isa == UPS_ISA_AUTO) isa = ups_isa_selected();
  /* The ISA's own probe, else its nearest ancestor's (registry order). */
  for (; isa != UPS_ISA_AUTO; isa = ups_isa_parent(isa)) {
    const bench_fma_probe *p = probe_named(ups_isa_name(isa));
    if (p) return p;
  }
  return bench_fma_probe_default();
}

const bench_fma_probe *bench_fma_probe_widest(void) {
  fma_probes_init();
  const bench_fma_probe *best = NULL;
  for (size_t i = 0; i < g_fma_count; i++)
    if (g_fma_probes[i].usable && (!best || g_fma_probes[i].bits > best->bits))
      best = &g_fma_probes[i];
  return best;
}

double bench_fma_peak_gflops(void) { return bench_fma_gflops(bench_fma_probe_default()); }

const char *bench_fma_probe_name(void) {
  static char buf[48];
  const bench_fma_probe *p = bench_fma_probe_default();
  snprintf(buf, sizeof buf, "%s-%s", p->name, p->bits > 128 ? "fma" : "128bit");
  return buf;
}
