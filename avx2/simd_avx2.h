/* simd_avx2.h — the AVX2+FMA vector shim: what the shared driver templates
 * (kernels/deconv_tpl.h) need of a vector ISA, and the lane and gather helpers
 * the AVX2 resize kernels share. 8 lanes of f32, 16 registers. */
#ifndef UPSIMD_SIMD_AVX2_H
#define UPSIMD_SIMD_AVX2_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define UPS_V 8                    /* lanes */
#define UPS_ISA_FN(name) name##_avx2 /* names of the exported entries */

#define UPS_AI static inline __attribute__((always_inline))

typedef __m256 vf;     /* UPS_V floats */
typedef __m256i vmask; /* a lane mask for masked loads and stores */
typedef __m128 vf4;    /* 4 floats (blocks of 4 output channels) */

/* Keeps a loaded vector in a register: without it GCC may fold the load into
 * each FMA that uses it (one load per FMA instead of one per vector). */
#define VF_KEEP(v) __asm__("" : "+x"(v))

UPS_AI vf vf_loadu(const float *p) { return _mm256_loadu_ps(p); }
UPS_AI vf vf_load(const float *p) { return _mm256_load_ps(p); } /* 32-byte aligned */
UPS_AI void vf_storeu(float *p, vf v) { _mm256_storeu_ps(p, v); }
UPS_AI void vf_store(float *p, vf v) { _mm256_store_ps(p, v); }
UPS_AI vf vf_bcast(const float *p) { return _mm256_broadcast_ss(p); }
UPS_AI vf vf_set1(float x) { return _mm256_set1_ps(x); }
UPS_AI vf vf_zero(void) { return _mm256_setzero_ps(); }
UPS_AI vf vf_add(vf a, vf b) { return _mm256_add_ps(a, b); }
UPS_AI vf vf_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
UPS_AI vf vf_fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); } /* a*b + c */

/* Lanes [0, n) set (n <= 0: none, n >= 8: all; |n| < 2^31). */
UPS_AI vmask vm_first(ptrdiff_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
/* Lanes [lo, hi). */
UPS_AI vmask vm_range(ptrdiff_t lo, ptrdiff_t hi) {
  return _mm256_andnot_si256(vm_first(lo), vm_first(hi));
}
/* Masked lanes never fault; the others read as 0 and are not written. */
UPS_AI vf vf_maskload(const float *p, vmask m) { return _mm256_maskload_ps(p, m); }
UPS_AI void vf_maskstore(float *p, vmask m, vf v) { _mm256_maskstore_ps(p, m, v); }

/* Interleaves a and b: lo = a0 b0 a1 b1 a2 b2 a3 b3, hi = a4 b4 .. a7 b7. */
UPS_AI void vf_zip(vf a, vf b, vf *lo, vf *hi) {
  const __m256 l = _mm256_unpacklo_ps(a, b), h = _mm256_unpackhi_ps(a, b);
  *lo = _mm256_permute2f128_ps(l, h, 0x20);
  *hi = _mm256_permute2f128_ps(l, h, 0x31);
}

UPS_AI float vf_hsum(vf v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

UPS_AI vf4 vf4_loadu(const float *p) { return _mm_loadu_ps(p); }
UPS_AI void vf4_storeu(float *p, vf4 v) { _mm_storeu_ps(p, v); }
UPS_AI vf4 vf4_bcast(const float *p) { return _mm_broadcast_ss(p); }
UPS_AI vf4 vf4_fma(vf4 a, vf4 b, vf4 c) { return _mm_fmadd_ps(a, b, c); }

/* ------------------------------------------------ resize lane helpers */

/* 8 floats at row[idx[i]]: scalar loads + inserts (measured faster than
 * vgatherdps on Zen 4 for scattered indices). */
static inline __m256 ups_gather8_avx2(const float *row, __m256i id) {
  _Alignas(32) int32_t t[8];
  _mm256_store_si256((__m256i *)t, id);
  return _mm256_setr_ps(row[t[0]], row[t[1]], row[t[2]], row[t[3]], row[t[4]], row[t[5]],
                        row[t[6]], row[t[7]]);
}

/* a + b with a as the first source operand, whatever the compiler would
 * pick. When both are NaN, x86 returns the first source's NaN, and GCC treats
 * float addition as commutative, so with plain adds each inlined copy of a
 * loop may order them its own way: an output's NaN bits would depend on which
 * loop (row grouping) made it, and a work range cut inside a grouping would
 * differ from a whole run. The asm costs nothing measurable (b may still be a
 * memory operand). */
UPS_AI __m256 vf_add_ordered(__m256 a, __m256 b) {
  __m256 r;
  __asm__("vaddps %2, %1, %0" : "=x"(r) : "x"(a), "xm"(b));
  return r;
}

/* The same on 4 floats (NHWC pixels of 4 channels), and their product. */
#define UPS_HAVE_VF4_ARITH 1
UPS_AI vf4 vf4_mul(vf4 a, vf4 b) { return _mm_mul_ps(a, b); }
UPS_AI vf4 vf4_add_ordered(vf4 a, vf4 b) {
  vf4 r;
  __asm__("vaddps %2, %1, %0" : "=x"(r) : "x"(a), "xm"(b));
  return r;
}

#endif /* UPSIMD_SIMD_AVX2_H */
