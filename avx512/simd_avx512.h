/* simd_avx512.h — the AVX-512 (F/BW/DQ/VL) vector shim: what the shared
 * templates (kernels/deconv_tpl.h, nearest_tpl.h, bilinear_tpl.h) need of a
 * vector ISA, and the lane helpers the AVX-512 resize kernels share. 16 lanes
 * of f32, 32 registers, opmask registers for every tail (masked loads never
 * fault on the lanes they leave out). */
#ifndef UPSIMD_SIMD_AVX512_H
#define UPSIMD_SIMD_AVX512_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define UPS_V 16                     /* lanes */
#define UPS_ISA_FN(name) name##_avx512 /* names of the exported entries */

#define UPS_AI static inline __attribute__((always_inline))

typedef __m512 vf;      /* UPS_V floats */
typedef __mmask16 vmask; /* a lane mask for masked loads and stores */
typedef __m128 vf4;     /* 4 floats (blocks of 4 output channels) */

/* Keeps a loaded vector in a register: without it GCC may fold the load into
 * each FMA that uses it (one load per FMA instead of one per vector). */
#define VF_KEEP(v) __asm__("" : "+v"(v))

UPS_AI vf vf_loadu(const float *p) { return _mm512_loadu_ps(p); }
UPS_AI vf vf_load(const float *p) { return _mm512_load_ps(p); } /* 64-byte aligned */
UPS_AI void vf_storeu(float *p, vf v) { _mm512_storeu_ps(p, v); }
UPS_AI void vf_store(float *p, vf v) { _mm512_store_ps(p, v); }
UPS_AI vf vf_bcast(const float *p) { return _mm512_set1_ps(*p); }
UPS_AI vf vf_set1(float x) { return _mm512_set1_ps(x); }
UPS_AI vf vf_zero(void) { return _mm512_setzero_ps(); }
UPS_AI vf vf_add(vf a, vf b) { return _mm512_add_ps(a, b); }
UPS_AI vf vf_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
UPS_AI vf vf_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); } /* a*b + c */

/* Lanes [0, n) set (n <= 0: none, n >= 16: all). */
UPS_AI vmask vm_first(ptrdiff_t n) {
  return (vmask)(n <= 0 ? 0u : n >= UPS_V ? 0xffffu : (1u << n) - 1u);
}
/* Lanes [lo, hi). */
UPS_AI vmask vm_range(ptrdiff_t lo, ptrdiff_t hi) {
  return (vmask)(vm_first(hi) & (vmask)~vm_first(lo));
}
UPS_AI vf vf_maskload(const float *p, vmask m) { return _mm512_maskz_loadu_ps(m, p); }
UPS_AI void vf_maskstore(float *p, vmask m, vf v) { _mm512_mask_storeu_ps(p, m, v); }
/* v with the lanes in m loaded from p (the others kept; never faults
 * outside m). */
#define UPS_HAVE_MASKLOAD_INTO 1
UPS_AI vf vf_maskload_into(vf v, const float *p, vmask m) { return _mm512_mask_loadu_ps(v, m, p); }

/* Interleaves a and b: lo = a0 b0 .. a7 b7, hi = a8 b8 .. a15 b15. */
UPS_AI void vf_zip(vf a, vf b, vf *lo, vf *hi) {
  const __m512i il = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i ih =
      _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  *lo = _mm512_permutex2var_ps(a, il, b);
  *hi = _mm512_permutex2var_ps(a, ih, b);
}

UPS_AI float vf_hsum(vf v) {
  const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

UPS_AI vf4 vf4_loadu(const float *p) { return _mm_loadu_ps(p); }
UPS_AI void vf4_storeu(float *p, vf4 v) { _mm_storeu_ps(p, v); }
UPS_AI vf4 vf4_bcast(const float *p) { return _mm_broadcast_ss(p); }
UPS_AI vf4 vf4_fma(vf4 a, vf4 b, vf4 c) { return _mm_fmadd_ps(a, b, c); }

/* ------------------------------------------------ resize lane helpers */

/* 16 floats at row[idx[i]] (int32 indices, all inside the row). */
UPS_AI __m512 ups_gather16_avx512(const float *row, __m512i id) {
  return _mm512_i32gather_ps(id, row, 4);
}

/* a + b with a as the first source operand, whatever the compiler would
 * pick: when both are NaN, x86 returns the first source's NaN, and GCC treats
 * float addition as commutative, so each inlined copy of a loop could order
 * them its own way and an output's NaN bits would depend on the loop (row
 * grouping) that made it. */
UPS_AI __m512 vf_add_ordered(__m512 a, __m512 b) {
  __m512 r;
  __asm__("vaddps %2, %1, %0" : "=v"(r) : "v"(a), "vm"(b));
  return r;
}

/* a*w + c in one rounding, the operand order fixed the same way (which NaN
 * an output carries must not depend on the loop that made it). */
UPS_AI __m512 vf_fma_ordered(__m512 a, __m512 w, __m512 c) {
  __asm__("vfmadd231ps %2, %1, %0" : "+v"(c) : "v"(a), "vm"(w));
  return c;
}

/* The same on 4 floats (NHWC pixels of 4 channels), and their product. */
#define UPS_HAVE_VF4_ARITH 1
UPS_AI vf4 vf4_mul(vf4 a, vf4 b) { return _mm_mul_ps(a, b); }
UPS_AI vf4 vf4_add_ordered(vf4 a, vf4 b) {
  vf4 r;
  __asm__("vaddps %2, %1, %0" : "=v"(r) : "v"(a), "vm"(b));
  return r;
}
UPS_AI vf4 vf4_fma_ordered(vf4 a, vf4 w, vf4 c) {
  __asm__("vfmadd231ps %2, %1, %0" : "+v"(c) : "v"(a), "vm"(w));
  return c;
}

#endif /* UPSIMD_SIMD_AVX512_H */
