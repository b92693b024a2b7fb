/* probe_fma_avx512.c — the single-core FMA-throughput probe for AVX-512F CPUs:
 * 16 independent zmm accumulator chains, twice what 2 FMA pipes x 4 cycles of
 * latency need, so a core with 5-6 cycles or a third pipe is still covered
 * (12 to 24 chains measured the same on a Zen 5 VM, 8 a little lower).
 * Compiled with -mavx512f (this file only); called only where
 * bench_cpu_avx512f_usable() (probes.c) says the CPU and OS support it. */
#include "harness.h"

#if defined(__AVX512F__)
#include <immintrin.h>

static volatile float g_avx512_sink;

double bench_fma_probe_avx512(int64_t iterations) {
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  /* Distinct starting values and an empty asm barrier per iteration, as in
   * the AVX2 probe: equal chains would be merged into one by the compiler.
   * "v" (not "x"): zmm16-31 are EVEX-only registers. */
  __m512 c0 = _mm512_set1_ps(1.00f), c1 = _mm512_set1_ps(1.01f), c2 = _mm512_set1_ps(1.02f);
  __m512 c3 = _mm512_set1_ps(1.03f), c4 = _mm512_set1_ps(1.04f), c5 = _mm512_set1_ps(1.05f);
  __m512 c6 = _mm512_set1_ps(1.06f), c7 = _mm512_set1_ps(1.07f), c8 = _mm512_set1_ps(1.08f);
  __m512 c9 = _mm512_set1_ps(1.09f), c10 = _mm512_set1_ps(1.10f), c11 = _mm512_set1_ps(1.11f);
  __m512 c12 = _mm512_set1_ps(1.12f), c13 = _mm512_set1_ps(1.13f), c14 = _mm512_set1_ps(1.14f);
  __m512 c15 = _mm512_set1_ps(1.15f);
  for (int64_t i = 0; i < iterations; i++) {
    c0 = _mm512_fmadd_ps(c0, a, b);
    c1 = _mm512_fmadd_ps(c1, a, b);
    c2 = _mm512_fmadd_ps(c2, a, b);
    c3 = _mm512_fmadd_ps(c3, a, b);
    c4 = _mm512_fmadd_ps(c4, a, b);
    c5 = _mm512_fmadd_ps(c5, a, b);
    c6 = _mm512_fmadd_ps(c6, a, b);
    c7 = _mm512_fmadd_ps(c7, a, b);
    c8 = _mm512_fmadd_ps(c8, a, b);
    c9 = _mm512_fmadd_ps(c9, a, b);
    c10 = _mm512_fmadd_ps(c10, a, b);
    c11 = _mm512_fmadd_ps(c11, a, b);
    c12 = _mm512_fmadd_ps(c12, a, b);
    c13 = _mm512_fmadd_ps(c13, a, b);
    c14 = _mm512_fmadd_ps(c14, a, b);
    c15 = _mm512_fmadd_ps(c15, a, b);
    /* Two statements: a "+" operand counts twice against GCC's 30. */
    __asm__ volatile("" : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), "+v"(c6),
                     "+v"(c7));
    __asm__ volatile("" : "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11), "+v"(c12), "+v"(c13),
                     "+v"(c14), "+v"(c15));
  }
  const __m512 s0 = _mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3));
  const __m512 s1 = _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7));
  const __m512 s2 = _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11));
  const __m512 s3 = _mm512_add_ps(_mm512_add_ps(c12, c13), _mm512_add_ps(c14, c15));
  float lanes[16];
  _mm512_storeu_ps(lanes, _mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
  g_avx512_sink = lanes[0] + lanes[15];
  return (double)iterations * 16.0 * 16.0 * 2.0;
}
#else
/* Built without AVX-512 (non-x86 target): never called. */
double bench_fma_probe_avx512(int64_t iterations) {
  (void)iterations;
  return 0.0;
}
#endif
