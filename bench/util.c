/* util.c — deterministic fills, aligned buffers, clock and median for the
 * harness (see harness.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

uint64_t bench_rng_next(bench_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

size_t bench_rng_range(bench_rng *r, size_t lo, size_t hi) {
  return lo + (size_t)(bench_rng_next(r) % (uint64_t)(hi - lo + 1));
}

float bench_rng_uniform(bench_rng *r, float lo, float hi) {
  return lo + (hi - lo) * (float)((double)(bench_rng_next(r) >> 40) * (1.0 / 16777216.0));
}

void bench_fill_uniform(uint64_t seed, float *p, size_t n, float lo, float hi) {
  bench_rng r = {seed};
  for (size_t i = 0; i < n; i++) p[i] = bench_rng_uniform(&r, lo, hi);
}

void bench_fill_nan(float *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = NAN;
}

void *bench_alloc(size_t bytes) {
  if (bytes == 0) bytes = 1;
  const size_t rounded = (bytes + 63) / 64 * 64;
  return aligned_alloc(64, rounded);
}

void bench_free(void *p) { free(p); }

double bench_clock_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double bench_median(double *v, size_t n) {
  if (n == 0) return 0.0;
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
