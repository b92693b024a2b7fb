/* testutil.h — what every test program shares: a tiny assertion framework,
 * seeded random fills, NaN sentinels and guard-page buffers. */
#ifndef UPSIMD_TESTUTIL_H
#define UPSIMD_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "conv_op.h"
#include "internal.h" /* UPS_ISA_MAX, the test hooks */
#include "upsimd.h"

/* For a test whose deliberate huge allocations must come back NULL, not abort
 * the process (ASan's default reports them as errors): put
 * TU_ASAN_ALLOW_NULL_ALLOCATIONS() once at file scope. It sets the option in
 * the program itself, so a hand-made -fsanitize=address build passes without
 * ASAN_OPTIONS (the asan preset sets it too; the environment still wins);
 * without ASan it expands to nothing. */
#if defined(__SANITIZE_ADDRESS__)
#define TU_HAS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_HAS_ASAN 1
#endif
#endif
#ifdef TU_HAS_ASAN
#define TU_ASAN_ALLOW_NULL_ALLOCATIONS()                                                   \
  const char *__asan_default_options(void);                                                \
  __attribute__((used, visibility("default"))) const char *__asan_default_options(void) { \
    return "allocator_may_return_null=1";                                                  \
  }
#else
#define TU_ASAN_ALLOW_NULL_ALLOCATIONS()
#endif

extern int tu_failures;
extern int tu_checks;

/* Records a failed expectation (with file:line) and continues. */
#define TU_EXPECT(cond, ...)                                              \
  do {                                                                    \
    tu_checks++;                                                          \
    if (!(cond)) {                                                        \
      tu_failures++;                                                      \
      fprintf(stderr, "%s:%d: FAILED: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                       \
      fputc('\n', stderr);                                                \
    }                                                                     \
  } while (0)

/* Prints "N passed, M failed" and returns the process exit code. */
int tu_finish(const char *suite);

/* splitmix64-based generator: deterministic across platforms. */
typedef struct tu_rng { uint64_t s; } tu_rng;
uint64_t tu_next(tu_rng *r);
size_t tu_range(tu_rng *r, size_t lo, size_t hi); /* uniform in [lo, hi] */
float tu_uniform(tu_rng *r, float lo, float hi);
void tu_fill(tu_rng *r, float *p, size_t n, float lo, float hi);
/* The element count of array a, and one of its elements chosen by r. */
#define TU_COUNT(a) (sizeof(a) / sizeof *(a))
#define TU_PICK(r, a) ((a)[tu_range((r), 0, TU_COUNT(a) - 1)])
void tu_fill_nan(float *p, size_t n); /* the output sentinel */

/* A buffer of `bytes` placed flush against a PROT_NONE page: after it
 * (guard_after = 1) or before it (0). Any access past that edge faults. */
typedef struct tu_guarded {
  void *base;
  size_t map_bytes;
  void *ptr;
} tu_guarded;
void *tu_guarded_alloc(tu_guarded *g, size_t bytes, int guard_after);
void tu_guarded_free(tu_guarded *g);

/* The ISAs to run: every supported variant in registry (id) order, scalar
 * first. Returns the count. The list comes from the library
 * (ups_isa_count), so a new ISA needs no change in the tests. */
int tu_isas(ups_isa out[UPS_ISA_MAX]);

/* 1 when UPSIMD_TEST_SCALE=small (sanitizer and qemu runs: fewer rounds). */
int tu_small_scale(void);

/* Reads a whole file; NULL on failure. *len gets the byte count. */
void *tu_read_file(const char *path, size_t *len);

#endif
