/* probe_fma_avx2.c — the single-core FMA-throughput probe for AVX2+FMA CPUs:
 * 12 independent ymm accumulator chains, enough to cover FMA latency (4-5
 * cycles) times the FMA ports (2) of current cores. Compiled with -mavx2
 * -mfma (this file only); called only when ups_isa_supported(UPS_ISA_AVX2). */
#include "harness.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

static volatile float g_avx2_sink;

double bench_fma_probe_avx2(int64_t iterations) {
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  /* Distinct starting values and an empty asm barrier per iteration: chains
   * that start equal are one chain to the compiler (it merged all 12 into a
   * single latency-bound one and the probe reported ~1.5x the real peak). */
  __m256 c0 = _mm256_set1_ps(1.00f), c1 = _mm256_set1_ps(1.01f), c2 = _mm256_set1_ps(1.02f);
  __m256 c3 = _mm256_set1_ps(1.03f), c4 = _mm256_set1_ps(1.04f), c5 = _mm256_set1_ps(1.05f);
  __m256 c6 = _mm256_set1_ps(1.06f), c7 = _mm256_set1_ps(1.07f), c8 = _mm256_set1_ps(1.08f);
  __m256 c9 = _mm256_set1_ps(1.09f), c10 = _mm256_set1_ps(1.10f), c11 = _mm256_set1_ps(1.11f);
  for (int64_t i = 0; i < iterations; i++) {
    c0 = _mm256_fmadd_ps(c0, a, b);
    c1 = _mm256_fmadd_ps(c1, a, b);
    c2 = _mm256_fmadd_ps(c2, a, b);
    c3 = _mm256_fmadd_ps(c3, a, b);
    c4 = _mm256_fmadd_ps(c4, a, b);
    c5 = _mm256_fmadd_ps(c5, a, b);
    c6 = _mm256_fmadd_ps(c6, a, b);
    c7 = _mm256_fmadd_ps(c7, a, b);
    c8 = _mm256_fmadd_ps(c8, a, b);
    c9 = _mm256_fmadd_ps(c9, a, b);
    c10 = _mm256_fmadd_ps(c10, a, b);
    c11 = _mm256_fmadd_ps(c11, a, b);
    __asm__ volatile("" : "+x"(c0), "+x"(c1), "+x"(c2), "+x"(c3), "+x"(c4), "+x"(c5),
                     "+x"(c6), "+x"(c7), "+x"(c8), "+x"(c9), "+x"(c10), "+x"(c11));
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                           _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  g_avx2_sink = lanes[0] + lanes[7];
  return (double)iterations * 12.0 * 8.0 * 2.0;
}
#else
/* Built without AVX2 (non-x86 target): never called. */
double bench_fma_probe_avx2(int64_t iterations) {
  (void)iterations;
  return 0.0;
}
#endif
