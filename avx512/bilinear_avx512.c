/* bilinear_avx512.c — the AVX-512 bilinear resize: kernels/bilinear_tpl.h
 * (every driver and path, described there) over the AVX-512 shim, with what
 * only AVX-512 knows of picking taps out of a row:
 * - on the fly: the taps i0 and min(i0+1, in-1) of 16 outputs span one
 *   16-float window (one load, an opmask load for rows narrower than 16) ->
 *   2 vpermps; otherwise two vgatherdps;
 * - per-call windows: both tap indices relative to a load offset, packed as
 *   d0 | d1 << 8 in one index vector: mode 0 one 16-float window (vpermps
 *   reads the low 4 bits), mode 1 32 floats (two loads, vpermt2ps reads the
 *   low 5 bits; rows of 32 or more inputs: downsampling to 1/2), mode 2 the
 *   absolute left taps (gathers);
 * - the half-pixel 2x edge lanes by vpermps and a masked move;
 * - blends a*w0 + b*w1 as one multiply and one FMA (not bit-identical to the
 *   reference; within its bound). */
#include <immintrin.h>

#include "../kernels/kernel.h"
#include "simd_avx512.h"

/* The taps of 16 NCHW outputs whose left taps are i0[0..16) (i0[0] the
 * smallest), worked out on the fly. */
UPS_AI void bl_taps(const float *row, size_t iw, const int32_t *i0, vmask inmask, __m512 *a,
                    __m512 *b) {
  const __m512i id = _mm512_loadu_si512(i0);
  const int32_t lo = i0[0];
  const __m512i last = _mm512_set1_epi32((int32_t)(iw - 1));
  const __m512i id1 = _mm512_min_epi32(_mm512_add_epi32(id, _mm512_set1_epi32(1)), last);
  int32_t base = 0;
  if (iw >= 16) base = lo < (int32_t)(iw - 16) ? lo : (int32_t)(iw - 16);
  const __m512i vb = _mm512_set1_epi32(base);
  const __m512i d0 = _mm512_sub_epi32(id, vb), d1 = _mm512_sub_epi32(id1, vb);
  if (!_mm512_test_epi32_mask(_mm512_or_si512(d0, d1), _mm512_set1_epi32(~15))) {
    const __m512 v = iw >= 16 ? _mm512_loadu_ps(row + base) : _mm512_maskz_loadu_ps(inmask, row);
    *a = _mm512_permutexvar_ps(d0, v);
    *b = _mm512_permutexvar_ps(d1, v);
  } else {
    *a = ups_gather16_avx512(row, id);
    *b = ups_gather16_avx512(row, id1);
  }
}

/* The window of the 16 outputs whose left taps are i0[0..16): returns its
 * mode, sets *base and the packed indices *pk (see the top). */
typedef __m512i bl_wsel;
UPS_AI int bl_wsel_build(const int32_t *i0, size_t iw, int32_t *base, bl_wsel *pk) {
  const __m512i last = _mm512_set1_epi32((int32_t)(iw - 1));
  const __m512i id = _mm512_loadu_si512(i0);
  const __m512i id1 = _mm512_min_epi32(_mm512_add_epi32(id, _mm512_set1_epi32(1)), last);
  const int32_t lo = i0[0];
  int mode = 2;
  *base = 0;
  *pk = id;
  for (int span = 16; span <= 32; span += 16) {
    if (span == 32 && iw < 32) break;
    int32_t b = 0;
    if (iw >= (size_t)span) b = lo < (int32_t)(iw - span) ? lo : (int32_t)(iw - span);
    const __m512i vb = _mm512_set1_epi32(b);
    const __m512i d0 = _mm512_sub_epi32(id, vb), d1 = _mm512_sub_epi32(id1, vb);
    if (!_mm512_test_epi32_mask(_mm512_or_si512(d0, d1), _mm512_set1_epi32(~(span - 1)))) {
      mode = span / 16 - 1;
      *base = b;
      *pk = _mm512_or_si512(d0, _mm512_slli_epi32(d1, 8));
      break;
    }
  }
  return mode;
}

/* The taps through a window (vpermps/vpermt2ps ignore the index bits above
 * 4/5, so d0 needs no masking out of the packed vector). */
UPS_AI void bl_wsel_taps(const float *row, size_t iw, int mode, int32_t base, const bl_wsel *s,
                         vmask inmask, __m512 *a, __m512 *b) {
  const __m512i pk = *s;
  if (mode == 0) {
    const __m512 v = iw >= 16 ? _mm512_loadu_ps(row + base) : _mm512_maskz_loadu_ps(inmask, row);
    *a = _mm512_permutexvar_ps(pk, v);
    *b = _mm512_permutexvar_ps(_mm512_srli_epi32(pk, 8), v);
  } else if (mode == 1) {
    const __m512 vl = _mm512_loadu_ps(row + base), vh = _mm512_loadu_ps(row + base + 16);
    *a = _mm512_permutex2var_ps(vl, pk, vh);
    *b = _mm512_permutex2var_ps(vl, _mm512_srli_epi32(pk, 8), vh);
  } else {
    const __m512i last = _mm512_set1_epi32((int32_t)(iw - 1));
    *a = ups_gather16_avx512(row, pk);
    *b = ups_gather16_avx512(row,
                             _mm512_min_epi32(_mm512_add_epi32(pk, _mm512_set1_epi32(1)), last));
  }
}

/* The half-pixel 2x edge lanes. */
UPS_AI __m512 bl_prev_lane(__m512 b) {
  return _mm512_permutexvar_ps(
      _mm512_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14), b);
}
UPS_AI __m512 bl_next_lane(__m512 b) {
  return _mm512_permutexvar_ps(
      _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15), b);
}
UPS_AI __m512 bl_set_lane0(__m512 v, __m512 e) { return _mm512_mask_mov_ps(v, 1, e); }

/* The blends fuse one product (the contract's bound allows it): one
 * operation of three fewer per output. */
#define UPS_BL_FMA 1
/* The half-pixel 2x edge blocks for 4-float pixels (NHWC, 4 channels). */
UPS_AI void bl_zip4(__m512 a, __m512 b, __m512 *lo, __m512 *hi) {
  *lo = _mm512_permutex2var_ps(
      a, _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23), b);
  *hi = _mm512_permutex2var_ps(
      a, _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31), b);
}
UPS_AI __m512 bl_prev_px4(__m512 b) { /* block 0 is never used */
  return _mm512_permutexvar_ps(
      _mm512_setr_epi32(0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), b);
}
UPS_AI __m512 bl_next_px4(__m512 b) {
  return _mm512_permutexvar_ps(
      _mm512_setr_epi32(4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 12, 13, 14, 15), b);
}
UPS_AI __m512 bl_set_px0(__m512 v, __m512 e) { return _mm512_mask_mov_ps(v, 0xf, e); }
#include "../kernels/bilinear_tpl.h"
