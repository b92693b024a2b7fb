/* coords.c — the per-axis index and weight tables of nearest and bilinear
 * resize, computed once per call and shared by every variant (so variants can
 * never disagree about geometry). The arithmetic follows PyTorch's (ATen
 * UpSample.h: float ratio; nearest coordinates in float, linear ones in double
 * with float weights), which is what the golden vectors hold; this file is
 * built with -ffp-contract=off so no FMA changes a rounding. */
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "coords.h"

/* ONNX Resize's length_resized of an axis. With a scale it is in*scale, which
 * may be fractional ("output_width ... can be a fractional number when it is
 * calculated out of a scale factor", ONNX Resize coordinate_transformation_mode;
 * the reference implementation's output_width = scale_factor * input_width):
 * here the exact product of in and the float scale, in double (exact for
 * in < 2^29). Without a scale it is the output size. Returns 1 and that length
 * when it is not exactly `out` (only then does the mapping differ from the one
 * the sizes give). */
static int fractional_length(size_t in, size_t out, float scale, double *len) {
  if (!(scale > 0.0f)) return 0;
  const double l = (double)in * (double)scale;
  if (l == (double)out) return 0;
  *len = l;
  return 1;
}

/* Input units per output unit, as PyTorch's area_pixel_compute_scale, except
 * ALIGN_CORNERS with a scale whose length in*scale is not the output size:
 * then ONNX's x*(in-1)/(in*scale-1) (PyTorch ignores the scale there; pass
 * scale 0 for its result). out == 1, or a length <= 1, maps everything to 0. */
static float axis_ratio(size_t in, size_t out, float scale, ups_coord coord) {
  double len;
  if (coord == UPS_COORD_ALIGN_CORNERS) {
    if (out <= 1) return 0.0f;
    if (fractional_length(in, out, scale, &len))
      return len > 1.0 ? (float)((double)(in - 1) / (len - 1.0)) : 0.0f;
    return (float)(in - 1) / (float)(out - 1);
  }
  if (scale > 0.0f) return (float)(1.0 / (double)scale);
  return (float)in / (float)out;
}

/* PYTORCH_HALF_PIXEL maps every output to 0 unless length_resized > 1 (ONNX:
 * x_original = length_resized > 1 ? (x_resized + 0.5) / scale - 0.5 : 0), the
 * fractional length when a scale is given: in = 3, scale 0.5 gives one output
 * pixel but length 1.5, so x_in = 0.5, not 0. */
static int maps_to_zero(size_t in, size_t out, float scale, ups_coord coord) {
  if (coord != UPS_COORD_PYTORCH_HALF_PIXEL) return 0;
  double len;
  if (fractional_length(in, out, scale, &len)) return !(len > 1.0);
  return out <= 1;
}

/* The input coordinate of output index o, given as x = (float)o (before
 * rounding or clamping); zero from maps_to_zero. */
static float source_coord(float ratio, float x, int zero, ups_coord coord) {
  switch (coord) {
    case UPS_COORD_HALF_PIXEL: return ratio * (x + 0.5f) - 0.5f;
    case UPS_COORD_PYTORCH_HALF_PIXEL: return zero ? 0.0f : ratio * (x + 0.5f) - 0.5f;
    case UPS_COORD_ALIGN_CORNERS: return ratio * x;
    case UPS_COORD_ASYMMETRIC: return ratio * x;
    case UPS_COORD_TF_HALF_PIXEL_FOR_NN: return ratio * (x + 0.5f);
  }
  return 0.0f;
}

/* floorf and ceilf by rounding at 1.5*2^23, in floats only (no integer
 * round trip, as floor_from_one below); from 2^22 on, where a float has at
 * most one fraction bit, the libm functions. */
static float nearest_integer_float(float v) {
  const float magic = 12582912.0f; /* 1.5*2^23: sums in [2^23, 2^24), spacing 1 */
  return (v + magic) - magic;
}

/* Rounding at a magic constant needs each operation rounded to its type and
 * not reassociated (a -ffast-math build could fold (v + m) - m to v). */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0 && !defined(__FAST_MATH__)
enum { UPS_MAGIC_ROUNDING = 1 };
#else
enum { UPS_MAGIC_ROUNDING = 0 };
#endif

static float floor_float(float v) {
  if (!UPS_MAGIC_ROUNDING || !(v < 4194304.0f && v > -4194304.0f)) return floorf(v);
  const float t = nearest_integer_float(v);
  return t > v ? t - 1.0f : t;
}

static float ceil_float(float v) {
  if (!UPS_MAGIC_ROUNDING || !(v < 4194304.0f && v > -4194304.0f)) return ceilf(v);
  const float t = nearest_integer_float(v);
  return t < v ? t + 1.0f : t;
}

/* A rounded, float-valued index clamped to [0, in-1] (top = (float)(in-1)). */
static size_t clamp_index(float v, size_t in, float top) {
  if (!(v > 0.0f)) return 0;
  if (v >= top) return in - 1;
  return (size_t)v;
}

void ups_nearest_axis_build(size_t in, size_t out, float scale, ups_coord coord,
                            ups_round round, size_t *idx, int32_t *idx32,
                            ups_nearest_axis *ax) {
  const float ratio = axis_ratio(in, out, scale, coord), top = (float)(in - 1);
  const int zero = maps_to_zero(in, out, scale, coord);
  float xo = 0.0f; /* (float)o, counted in floats while that is exact */
  for (size_t o = 0; o < out; o++, xo += 1.0f) {
    const float x = source_coord(ratio, o < ((size_t)1 << 24) ? xo : (float)o, zero, coord);
    float r;
    switch (round) {
      case UPS_ROUND_PREFER_FLOOR: r = ceil_float(x - 0.5f); break;
      case UPS_ROUND_PREFER_CEIL: r = floor_float(x + 0.5f); break;
      case UPS_ROUND_FLOOR: r = floor_float(x); break;
      default: r = ceil_float(x); break;
    }
    idx[o] = clamp_index(r, in, top);
  }
  ax->in = in;
  ax->out = out;
  ax->idx = idx;
  ax->idx32 = NULL;
  if (in <= (size_t)INT32_MAX) {
    for (size_t o = 0; o < out; o++) idx32[o] = (int32_t)idx[o];
    ax->idx32 = idx32;
  }
  ax->rep = 0;
  if (out % in == 0) {
    const size_t rep = out / in;
    size_t o = 0, q = 0, m = 0; /* q = o / rep, m = o % rep, counted (no divide per entry) */
    while (o < out && idx[o] == q) {
      o++;
      if (++m == rep) m = 0, q++;
    }
    if (o == out) ax->rep = rep;
  }
}

/* floor(x) for x >= 1 by rounding at 2^52, in doubles only. SSE2 has no
 * roundsd, so GCC's inline floor converts to an integer and back; this, with
 * o counted in doubles, measured 5.3 -> 4.0 ns per table entry (before, the
 * two 32-entry tables of a 16x16 -> 32x32 resize cost about as much as the
 * 1x4x16x16 AVX2 kernel itself). */
static double floor_from_one(double x) {
  const double big = 4503599627370496.0; /* 2^52: above it every double is integral */
  if (!UPS_MAGIC_ROUNDING) return floor(x);
  if (!(x < big)) return x;
  const double t = (x + big) - big; /* x rounded to the nearest integer */
  return t > x ? t - 1.0 : t;
}

void ups_linear_axis_build(size_t in, size_t out, float scale, ups_coord coord, size_t *i0,
                           size_t *i1, int32_t *i0_32, float *w0, float *w1,
                           ups_linear_axis *ax) {
  const float ratio = axis_ratio(in, out, scale, coord);
  const int zero = maps_to_zero(in, out, scale, coord);
  const int clamp_low = coord == UPS_COORD_HALF_PIXEL || coord == UPS_COORD_PYTORCH_HALF_PIXEL;
  const double r = (double)ratio, top = (double)(in - 1);
  double xo = 0.0; /* (double)o, counted in doubles (exact below 2^53) */
  for (size_t o = 0; o < out; o++, xo += 1.0) {
    /* PyTorch (1.13 CPU) forms the source coordinate from its float ratio in
     * double and rounds only the weight to float; rounding the coordinate to
     * float first moves a weight by up to ulp(x)/2, which exceeds the bilinear
     * tolerance against PyTorch from about 17 pixels on (golden case
     * bilinear_hp_20x23_31x37). r*(o+0.5) is exact in double for o < 2^28. */
    double x = coord == UPS_COORD_ALIGN_CORNERS || coord == UPS_COORD_ASYMMETRIC ? r * xo
               : zero                                                    ? 0.0
                                                                          : r * (xo + 0.5) - 0.5;
    if (clamp_low && x < 0.0) x = 0.0;
    /* lo = floor(x) clamped to [0, in-1], and lo as a double. */
    size_t lo = 0;
    double flo = 0.0;
    if (x >= top) {
      lo = in - 1;
      flo = top;
    } else if (x >= 1.0) {
      flo = floor_from_one(x);
      lo = (size_t)flo;
    }
    float l1 = (float)(x - flo);
    l1 = l1 < 0.0f ? 0.0f : l1 > 1.0f ? 1.0f : l1;
    i0[o] = lo;
    i1[o] = lo + (lo < in - 1);
    w1[o] = l1;
    w0[o] = 1.0f - l1;
  }
  ax->in = in;
  ax->out = out;
  ax->i0 = i0;
  ax->i1 = i1;
  ax->w0 = w0;
  ax->w1 = w1;
  ax->i0_32 = NULL;
  if (in <= (size_t)INT32_MAX) {
    for (size_t o = 0; o < out; o++) i0_32[o] = (int32_t)i0[o];
    ax->i0_32 = i0_32;
  }
  ax->half_pixel_2x = 0;
  if (out == 2 * in) {
    /* o = 0: the source coordinate clamps to 0, so i0 = 0, w1 = 0 and i1 is
     * the right neighbour min(1, in-1) (read with weight 0, as the reference
     * does). */
    int ok = i0[0] == 0 && i1[0] == (in > 1 ? 1u : 0u) && w1[0] == 0.0f;
    for (size_t o = 1; ok && o < out; o++) {
      const size_t k = (o - 1) / 2;
      const int odd = o % 2 == 1;
      const size_t e1 = odd ? (k + 1 < in ? k + 1 : in - 1) : k + 1;
      ok = i0[o] == k && i1[o] == e1 && w1[o] == (odd ? 0.25f : 0.75f) &&
           w0[o] == (odd ? 0.75f : 0.25f);
    }
    ax->half_pixel_2x = ok;
  }
}
