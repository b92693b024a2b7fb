/* probes.c — the machine's own limits, measured in the process that runs the
 * benchmarks: a streaming copy of the same bytes a benchmark must move, and a
 * single-core FMA-throughput probe. The benchmarks' `roof` counter divides the
 * time these limits need for the same work by the measured time. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "upsimd.h"

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
      const double s = measure_copy(impls[k].pass, src, read_bytes, dst, write_bytes);
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

static double g_fma_gflops;

double bench_fma_peak_gflops(void) {
  if (g_fma_gflops == 0.0)
    g_fma_gflops = fma_measure(ups_isa_supported(UPS_ISA_AVX2) ? bench_fma_probe_avx2
                                                                : bench_fma_probe_portable);
  return g_fma_gflops;
}

const char *bench_fma_probe_name(void) {
  return ups_isa_supported(UPS_ISA_AVX2) ? "avx2-fma" : "portable-128bit";
}
