/* probe_copy_avx2.c — streaming-copy probe implementations with 32-byte AVX
 * loads and stores: cached stores, and non-temporal stores (which skip the
 * read-for-ownership of the destination on large buffers). Compiled with
 * -mavx2 -mfma (this file only); used only when ups_isa_supported(UPS_ISA_AVX2). */
#include <stdint.h>
#include <string.h>

#include "harness.h"

#if defined(__AVX2__)
#include <immintrin.h>

static volatile float g_copy_sink;

static void read_rest_avx2(const unsigned char *p, size_t bytes) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  size_t i = 0;
  for (; i + 64 <= bytes; i += 64) {
    s0 = _mm256_add_ps(s0, _mm256_loadu_ps((const float *)(p + i)));
    s1 = _mm256_add_ps(s1, _mm256_loadu_ps((const float *)(p + i + 32)));
  }
  float tail = 0.0f;
  for (; i + 4 <= bytes; i += 4) {
    float f;
    memcpy(&f, p + i, 4);
    tail += f;
  }
  float lanes[8];
  _mm256_storeu_ps(lanes, _mm256_add_ps(s0, s1));
  g_copy_sink = lanes[0] + lanes[7] + tail;
}

static void copy_avx2(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                      size_t write_bytes, int nt) {
  const size_t common = read_bytes < write_bytes ? read_bytes : write_bytes;
  size_t i = 0;
  /* Non-temporal stores need 32-byte aligned destinations: plain stores up to
   * the first aligned address. */
  while (nt && i < common && ((uintptr_t)(dst + i) & 31)) {
    dst[i] = src[i];
    i++;
  }
  for (; i + 64 <= common; i += 64) {
    const __m256 a = _mm256_loadu_ps((const float *)(src + i));
    const __m256 b = _mm256_loadu_ps((const float *)(src + i + 32));
    if (nt) {
      _mm256_stream_ps((float *)(dst + i), a);
      _mm256_stream_ps((float *)(dst + i + 32), b);
    } else {
      _mm256_storeu_ps((float *)(dst + i), a);
      _mm256_storeu_ps((float *)(dst + i + 32), b);
    }
  }
  for (; i < common; i++) dst[i] = src[i];
  while (nt && i < write_bytes && ((uintptr_t)(dst + i) & 31)) dst[i++] = 0x3f;
  const __m256 fill = _mm256_set1_ps(1.5f);
  for (; i + 64 <= write_bytes; i += 64) {
    if (nt) {
      _mm256_stream_ps((float *)(dst + i), fill);
      _mm256_stream_ps((float *)(dst + i + 32), fill);
    } else {
      _mm256_storeu_ps((float *)(dst + i), fill);
      _mm256_storeu_ps((float *)(dst + i + 32), fill);
    }
  }
  for (; i < write_bytes; i++) dst[i] = 0x3f;
  if (nt) _mm_sfence();
  if (read_bytes > common) read_rest_avx2(src + common, read_bytes - common);
}

void bench_copy_pass_avx2(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                          size_t write_bytes) {
  copy_avx2(src, read_bytes, dst, write_bytes, 0);
}

void bench_copy_pass_avx2_nt(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                             size_t write_bytes) {
  copy_avx2(src, read_bytes, dst, write_bytes, 1);
}
#else
/* Built without AVX2 (non-x86 target): never called. */
void bench_copy_pass_avx2(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                          size_t write_bytes) {
  bench_copy_pass_libc(src, read_bytes, dst, write_bytes);
}
void bench_copy_pass_avx2_nt(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                             size_t write_bytes) {
  bench_copy_pass_libc(src, read_bytes, dst, write_bytes);
}
#endif
