/* bench_test.h — what the harness's own test programs share: an EXPECT that
 * counts failures and goes on, and reading a whole (JSON) file into memory. */
#ifndef UPSIMD_BENCH_TEST_H
#define UPSIMD_BENCH_TEST_H

#include <stdio.h>

static int g_failed_checks;
#define EXPECT(cond)                                                     \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
      g_failed_checks++;                                                 \
    }                                                                    \
  } while (0)

/* The file's bytes, NUL-terminated, in a static buffer (the next call
 * overwrites it); NULL when it cannot be opened. */
static inline char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static char buf[1 << 21];
  const size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  return buf;
}

#endif
