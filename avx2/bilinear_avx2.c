/* bilinear_avx2.c — the AVX2 bilinear resize: kernels/bilinear_tpl.h (every
 * driver and path, described there) over the AVX2 shim, with what only AVX2
 * knows of picking taps out of a row:
 * - on the fly: the taps i0 and min(i0+1, in-1) of 8 outputs span one
 *   8-float window (one load, or vmaskmovps for rows narrower than 8) ->
 *   2 vpermps; otherwise two gathers (ups_gather8_avx2);
 * - per-call windows: both tap indices relative to a load offset, packed as
 *   d0 | d1 << 4 in one index vector (vpermps reads the low 3 bits): mode 0
 *   one 8-float window, mode 1 16 floats (two loads, vpermps each, vblendvps
 *   on bit 3 of the index; rows of 16 or more inputs: downsampling to 1/2),
 *   mode 2 the absolute left taps (gathers);
 * - the half-pixel 2x edge lanes by vpermps and vblendps. */
#include <immintrin.h>

#include "../kernels/kernel.h"
#include "simd_avx2.h"

/* The taps of 8 NCHW outputs whose left taps are i0[0..8) (i0[0] the
 * smallest), worked out on the fly. */
static inline void bl_taps(const float *row, size_t iw, const int32_t *i0, __m256i inmask,
                           __m256 *a, __m256 *b) {
  const __m256i id = _mm256_loadu_si256((const __m256i *)i0);
  const int32_t lo = i0[0];
  const __m256i last = _mm256_set1_epi32((int32_t)(iw - 1));
  const __m256i id1 = _mm256_min_epi32(_mm256_add_epi32(id, _mm256_set1_epi32(1)), last);
  int32_t base = 0;
  if (iw >= 8) base = lo < (int32_t)(iw - 8) ? lo : (int32_t)(iw - 8);
  const __m256i vb = _mm256_set1_epi32(base);
  const __m256i d0 = _mm256_sub_epi32(id, vb), d1 = _mm256_sub_epi32(id1, vb);
  if (_mm256_testz_si256(_mm256_or_si256(d0, d1), _mm256_set1_epi32(~7))) {
    const __m256 v = iw >= 8 ? _mm256_loadu_ps(row + base) : _mm256_maskload_ps(row, inmask);
    *a = _mm256_permutevar8x32_ps(v, d0);
    *b = _mm256_permutevar8x32_ps(v, d1);
  } else {
    *a = ups_gather8_avx2(row, id);
    *b = ups_gather8_avx2(row, id1);
  }
}

/* The window of the 8 outputs whose left taps are i0[0..8): returns its mode,
 * sets *base and the packed indices *pk (see the top). */
typedef __m256i bl_wsel;
static inline int bl_wsel_build(const int32_t *i0, size_t iw, int32_t *base, bl_wsel *pk) {
  const __m256i last = _mm256_set1_epi32((int32_t)(iw - 1));
  const __m256i id = _mm256_loadu_si256((const __m256i *)i0);
  const __m256i id1 = _mm256_min_epi32(_mm256_add_epi32(id, _mm256_set1_epi32(1)), last);
  const int32_t lo = i0[0];
  int mode = 2;
  *base = 0;
  *pk = id;
  for (int span = 8; span <= 16; span += 8) {
    if (span == 16 && iw < 16) break;
    int32_t b = 0;
    if (iw >= (size_t)span) b = lo < (int32_t)(iw - span) ? lo : (int32_t)(iw - span);
    const __m256i vb = _mm256_set1_epi32(b);
    const __m256i d0 = _mm256_sub_epi32(id, vb), d1 = _mm256_sub_epi32(id1, vb);
    if (_mm256_testz_si256(_mm256_or_si256(d0, d1), _mm256_set1_epi32(~(span - 1)))) {
      mode = span / 8 - 1;
      *base = b;
      *pk = _mm256_or_si256(d0, _mm256_slli_epi32(d1, 4));
      break;
    }
  }
  return mode;
}

/* The taps through a window. */
static inline void bl_wsel_taps(const float *row, size_t iw, int mode, int32_t base,
                                const bl_wsel *s, __m256i inmask, __m256 *a, __m256 *b) {
  const __m256i pk = *s;
  if (mode == 0) {
    const __m256 v = iw >= 8 ? _mm256_loadu_ps(row + base) : _mm256_maskload_ps(row, inmask);
    *a = _mm256_permutevar8x32_ps(v, pk);
    *b = _mm256_permutevar8x32_ps(v, _mm256_srli_epi32(pk, 4));
  } else if (mode == 1) {
    const __m256 vl = _mm256_loadu_ps(row + base), vh = _mm256_loadu_ps(row + base + 8);
    const __m256i pk1 = _mm256_srli_epi32(pk, 4);
    *a = _mm256_blendv_ps(_mm256_permutevar8x32_ps(vl, pk), _mm256_permutevar8x32_ps(vh, pk),
                          _mm256_castsi256_ps(_mm256_slli_epi32(pk, 28)));
    *b = _mm256_blendv_ps(_mm256_permutevar8x32_ps(vl, pk1), _mm256_permutevar8x32_ps(vh, pk1),
                          _mm256_castsi256_ps(_mm256_slli_epi32(pk, 24)));
  } else {
    const __m256i last = _mm256_set1_epi32((int32_t)(iw - 1));
    *a = ups_gather8_avx2(row, pk);
    *b = ups_gather8_avx2(row, _mm256_min_epi32(_mm256_add_epi32(pk, _mm256_set1_epi32(1)), last));
  }
}

/* The half-pixel 2x edge lanes. */
static inline __m256 bl_prev_lane(__m256 b) {
  return _mm256_permutevar8x32_ps(b, _mm256_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6));
}
static inline __m256 bl_next_lane(__m256 b) {
  return _mm256_permutevar8x32_ps(b, _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 7));
}
static inline __m256 bl_set_lane0(__m256 v, __m256 e) { return _mm256_blend_ps(v, e, 1); }

/* GCC inlines the template's helpers by itself here; forcing them changed
 * the code of the hot NHWC loops (see UPS_BL_INLINE). */
#define UPS_BL_INLINE static inline
/* Short half-pixel 2x rows: at most 3 blocks (12 live passes of 16
 * registers); 5 blocks (40 inputs) spilled and measured 1.4x slower than the
 * cached passes. */
#define UPS_BL_SHORT_NB 3
#define UPS_BL_NREG 16
/* The half-pixel 2x edge blocks for 4-float pixels (NHWC, 4 channels). */
static inline void bl_zip4(__m256 a, __m256 b, __m256 *lo, __m256 *hi) {
  *lo = _mm256_permute2f128_ps(a, b, 0x20);
  *hi = _mm256_permute2f128_ps(a, b, 0x31);
}
static inline __m256 bl_prev_px4(__m256 b) { return _mm256_permute2f128_ps(b, b, 0x00); }
static inline __m256 bl_next_px4(__m256 b) { return _mm256_permute2f128_ps(b, b, 0x11); }
static inline __m256 bl_set_px0(__m256 v, __m256 e) { return _mm256_blend_ps(v, e, 0x0f); }
#include "../kernels/bilinear_tpl.h"
