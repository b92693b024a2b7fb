/* testutil.c — shared test helpers (see testutil.h). */
#define _DEFAULT_SOURCE
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int tu_failures = 0;
int tu_checks = 0;

int tu_finish(const char *suite) {
  printf("%s: %d passed, %d failed\n", suite, tu_checks - tu_failures, tu_failures);
  return tu_failures ? 1 : 0;
}

uint64_t tu_next(tu_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

size_t tu_range(tu_rng *r, size_t lo, size_t hi) {
  return lo + (size_t)(tu_next(r) % (uint64_t)(hi - lo + 1));
}

float tu_uniform(tu_rng *r, float lo, float hi) {
  return lo + (hi - lo) * (float)((tu_next(r) >> 40) * (1.0 / 16777216.0));
}

void tu_fill(tu_rng *r, float *p, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; i++) p[i] = tu_uniform(r, lo, hi);
}

void tu_fill_nan(float *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = NAN;
}

void *tu_guarded_alloc(tu_guarded *g, size_t bytes, int guard_after) {
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  const size_t data_pages = (bytes + page - 1) / page;
  g->map_bytes = (data_pages + 2) * page;
  g->base = mmap(NULL, g->map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g->base == MAP_FAILED) {
    g->base = NULL;
    g->ptr = NULL;
    return NULL;
  }
  unsigned char *b = g->base;
  /* Guard pages at both ends; the data touches one of them. */
  mprotect(b, page, PROT_NONE);
  mprotect(b + (data_pages + 1) * page, page, PROT_NONE);
  g->ptr = guard_after ? b + (data_pages + 1) * page - bytes : b + page;
  return g->ptr;
}

void tu_guarded_free(tu_guarded *g) {
  if (g->base) munmap(g->base, g->map_bytes);
  g->base = g->ptr = NULL;
}

int tu_isas(ups_isa out[UPS_ISA_MAX]) {
  int n = 0;
  for (int i = UPS_ISA_SCALAR; i < ups_isa_count() && n < UPS_ISA_MAX; i++)
    if (ups_isa_supported((ups_isa)i)) out[n++] = (ups_isa)i;
  return n;
}

int tu_small_scale(void) {
  const char *s = getenv("UPSIMD_TEST_SCALE");
  return s && strcmp(s, "small") == 0;
}

void *tu_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *buf = malloc(n > 0 ? (size_t)n + 1 : 1);
  if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) ((char *)buf)[n > 0 ? n : 0] = 0;
  if (len) *len = n > 0 ? (size_t)n : 0;
  return buf;
}
