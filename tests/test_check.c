/* test_check.c — tests of the checker itself (kernels/check.c), which every
 * other test, upsimd-check and the benchmark trust to catch a wrong variant:
 *
 * - the bilinear and deconv bounds, with an output just inside and just
 *   outside each (a bound widened or narrowed by any factor fails here, and
 *   the reported worst ratio must be err/bound exactly);
 * - nearest compares bits: -0.0 against +0.0 and a NaN with another payload
 *   are failures (a value comparison would let a kernel that loses the sign
 *   of zero or a payload pass), and every variant's nearest keeps both;
 * - non-finite outputs: failures unless the reference is non-finite there. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static float from_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

static uint32_t bits_of(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

/* f moved by `steps` ulps (negative: down). */
static float ulps(float f, int steps) {
  for (; steps > 0; steps--) f = nextafterf(f, INFINITY);
  for (; steps < 0; steps++) f = nextafterf(f, -INFINITY);
  return f;
}

/* The reference output of a bilinear problem (scalar variant). */
static float *bilinear_ref(const ups_resize_params *p, const float *in, size_t *count) {
  ups_resize_params q = *p;
  q.isa = UPS_ISA_SCALAR;
  size_t oh, ow;
  if (ups_resize_output_size(&q, &oh, &ow) != UPS_OK) return NULL;
  *count = q.n * q.c * oh * ow;
  float *ref = malloc(*count * sizeof *ref);
  if (ref && ups_resize_bilinear_f32(&q, in, ref) != UPS_OK) {
    free(ref);
    return NULL;
  }
  return ref;
}

/* Checks `got` = the reference with element i replaced by v: expects a failure
 * exactly when `fail`, at i, and worst == want_worst (err/bound). */
static void expect_bilinear(const ups_resize_params *p, const float *in, size_t i, float v,
                            int fail, double want_worst, const char *what) {
  size_t n = 0;
  float *got = bilinear_ref(p, in, &n);
  TU_EXPECT(got && i < n, "%s: reference", what);
  if (!got || i >= n) {
    free(got);
    return;
  }
  got[i] = v;
  ups_check_result r;
  const ups_status st = ups_check_bilinear(p, in, got, &r);
  TU_EXPECT(st == UPS_OK && r.count == n, "%s: check ran (%s)", what, ups_status_string(st));
  TU_EXPECT(r.failures == (size_t)(fail ? 1 : 0), "%s: %zu failures, want %d", what, r.failures,
            fail);
  TU_EXPECT(!fail || (r.first_bad == i && bits_of(r.first_got) == bits_of(v)),
            "%s: first bad #%zu", what, r.first_bad);
  TU_EXPECT(fabs(r.worst - want_worst) <= 1e-9 * want_worst, "%s: worst %.12g want %.12g",
            what, r.worst, want_worst);
  free(got);
}

static void bilinear_bounds(void) {
  /* 2x2 -> 4x4 half-pixel: output (0,0) is input (0,0) with weight 1 (the
   * coordinate clamps to 0) but its 4 taps are the whole 2x2 input, so
   * maxtap = 8 there although the value is 1; the bound is
   * 4*FLT_EPSILON*maxtap + 4*FLT_TRUE_MIN. */
  ups_resize_params p = {0};
  p.n = p.c = 1;
  p.in_h = p.in_w = 2;
  p.out_h = p.out_w = 4;
  p.coord = UPS_COORD_HALF_PIXEL;
  const float in[4] = {1.0f, 8.0f, 1.0f, 1.0f};
  const double b8 = 4.0 * FLT_EPSILON * 8.0 + 4.0 * FLT_TRUE_MIN;
  /* err = 32*eps = 256 ulps of 1 (above 1, ulp = eps): just inside... */
  const float in_v = (float)(1.0 + 32.0 * FLT_EPSILON) /* exact */;
  expect_bilinear(&p, in, 0, in_v, 0, 32.0 * FLT_EPSILON / b8, "bilinear maxtap 8, err 32 eps");
  /* ...one ulp more is outside; so is the same error below the value. */
  expect_bilinear(&p, in, 0, ulps(in_v, 1), 1, 33.0 * FLT_EPSILON / b8,
                  "bilinear maxtap 8, err 33 eps");
  expect_bilinear(&p, in, 0, (float)(1.0 - 33.0 * FLT_EPSILON), 1, 33.0 * FLT_EPSILON / b8,
                  "bilinear maxtap 8, err -33 eps");
  expect_bilinear(&p, in, 0, (float)(1.0 - 32.0 * FLT_EPSILON), 0, 32.0 * FLT_EPSILON / b8,
                  "bilinear maxtap 8, err -32 eps");

  /* All taps 1 (value 1, maxtap 1): bound 4*eps + 4*FLT_TRUE_MIN. */
  const float ones[4] = {1.0f, 1.0f, 1.0f, 1.0f};
  const double b1 = 4.0 * FLT_EPSILON + 4.0 * FLT_TRUE_MIN;
  expect_bilinear(&p, ones, 5, ulps(1.0f, 4), 0, 4.0 * FLT_EPSILON / b1, "bilinear 1 + 4 ulps");
  expect_bilinear(&p, ones, 5, ulps(1.0f, 5), 1, 5.0 * FLT_EPSILON / b1, "bilinear 1 + 5 ulps");
  expect_bilinear(&p, ones, 5, ulps(1.0f, -8), 0, 4.0 * FLT_EPSILON / b1, "bilinear 1 - 8 ulps");
  expect_bilinear(&p, ones, 5, ulps(1.0f, -9), 1, 4.5 * FLT_EPSILON / b1, "bilinear 1 - 9 ulps");

  /* All taps 0: only the absolute floor 4*FLT_TRUE_MIN remains. */
  const float zeros[4] = {0};
  const double b0 = 4.0 * FLT_TRUE_MIN;
  expect_bilinear(&p, zeros, 7, 4.0f * FLT_TRUE_MIN, 0, 1.0, "bilinear 0 + 4 denormal ulps");
  expect_bilinear(&p, zeros, 7, 5.0f * FLT_TRUE_MIN, 1, 5.0 * FLT_TRUE_MIN / b0,
                  "bilinear 0 + 5 denormal ulps");

  /* Non-finite: a NaN or inf where the reference is finite fails. */
  size_t n = 0;
  float *got = bilinear_ref(&p, ones, &n);
  ups_check_result r;
  if (got) {
    got[3] = INFINITY;
    TU_EXPECT(ups_check_bilinear(&p, ones, got, &r) == UPS_OK && r.failures == 1 &&
                  r.first_bad == 3 && isinf(r.worst),
              "bilinear inf where the reference is finite");
    got[3] = NAN;
    TU_EXPECT(ups_check_bilinear(&p, ones, got, &r) == UPS_OK && r.failures == 1,
              "bilinear NaN where the reference is finite");
  }
  free(got);
}

/* Deconv: 3 input channels on a 1x1 input, 2x2 kernel, bias: every output
 * has 3 terms x*w plus the bias, K = 3*2*2 + 1 = 13 as check.h defines it, and
 * sum|w*x| + |b| = 3*0.5 + 0.25 = 1.75 = the value. Bound 2*K*eps*1.75 =
 * 45.5 eps = 45.5 ulps of 1.75. */
static void deconv_bounds(void) {
  ups_deconv_params p = {0};
  p.n = 1;
  p.in_c = 3;
  p.in_h = p.in_w = 1;
  p.out_c = 1;
  p.kernel_h = p.kernel_w = 2;
  const float x[3] = {1.0f, 1.0f, 1.0f};
  float w[12];
  for (int i = 0; i < 12; i++) w[i] = 0.5f;
  const float b[1] = {0.25f};
  const double bound = 2.0 * 13.0 * FLT_EPSILON * 1.75;
  static const struct {
    int steps, fail;
  } cases[] = {{45, 0}, {46, 1}, {-45, 0}, {-46, 1}, {0, 0}};
  for (size_t c = 0; c < TU_COUNT(cases); c++) {
    float got[4];
    TU_EXPECT(ups_deconv_f32(&p, x, w, b, got) == UPS_OK && got[2] == 1.75f, "deconv reference");
    const float v = ulps(1.75f, cases[c].steps);
    got[2] = v;
    ups_check_result r;
    const ups_status st = ups_check_deconv(&p, x, w, b, got, &r);
    const double want = fabs((double)v - 1.75) / bound;
    TU_EXPECT(st == UPS_OK && r.count == 4 && r.failures == (size_t)cases[c].fail &&
                  fabs(r.worst - want) <= 1e-9 * (want + 1e-300),
              "deconv 1.75 %+d ulps: %zu failures (want %d), worst %.12g (want %.12g)",
              cases[c].steps, r.failures, cases[c].fail, r.worst, want);
  }
  /* Without the bias: K = 12 and sum|w*x| = 1.5, bound 36 eps = 36 ulps of 1.5. */
  static const struct {
    int steps, fail;
  } nb[] = {{36, 0}, {37, 1}};
  for (size_t c = 0; c < TU_COUNT(nb); c++) {
    float got[4];
    TU_EXPECT(ups_deconv_f32(&p, x, w, NULL, got) == UPS_OK && got[1] == 1.5f,
              "deconv reference without bias");
    got[1] = ulps(1.5f, nb[c].steps);
    ups_check_result r;
    TU_EXPECT(ups_check_deconv(&p, x, w, NULL, got, &r) == UPS_OK &&
                  r.failures == (size_t)nb[c].fail && r.first_bad == (nb[c].fail ? 1u : (size_t)-1),
              "deconv 1.5 no bias %+d ulps: %zu failures", nb[c].steps, r.failures);
  }
}

/* Nearest 1x1 -> 1x1 copies: the checker must compare bits. */
static void nearest_bits(void) {
  ups_resize_params p = {0};
  p.n = 1;
  p.c = 4;
  p.in_h = p.in_w = 1;
  p.out_h = p.out_w = 1;
  p.layout = UPS_NHWC;
  const float in[4] = {-0.0f, from_bits(0x7fc00123u), from_bits(0xffa00001u), 1.0f};
  struct {
    const char *what;
    size_t i;
    float v;
    int fail;
  } cases[] = {
      {"-0.0 as +0.0", 0, 0.0f, 1},
      {"-0.0 as -0.0", 0, -0.0f, 0},
      {"quiet NaN, other payload", 1, from_bits(0x7fc00456u), 1},
      {"quiet NaN, other sign", 1, from_bits(0xffc00123u), 1},
      {"quiet NaN, same payload", 1, from_bits(0x7fc00123u), 0},
      {"signalling NaN quieted", 2, from_bits(0xffe00001u), 1},
      {"NaN where the reference is 1", 3, from_bits(0x7fc00000u), 1},
      {"1 + 1 ulp", 3, ulps(1.0f, 1), 1},
  };
  for (size_t c = 0; c < TU_COUNT(cases); c++) {
    float got[4];
    memcpy(got, in, sizeof got);
    got[cases[c].i] = cases[c].v;
    ups_check_result r;
    TU_EXPECT(ups_check_nearest(&p, in, got, &r) == UPS_OK &&
                  r.failures == (size_t)cases[c].fail &&
                  (!cases[c].fail || (r.first_bad == cases[c].i && isinf(r.worst))),
              "nearest check, %s: %zu failures (want %d)", cases[c].what, r.failures,
              cases[c].fail);
  }

  /* Every variant's nearest keeps the bits: -0.0 and NaN payloads (quiet and
   * signalling, both signs) replicated 3x3, both layouts, through the fast
   * paths (integer factor) and the general one (factor 2.5). */
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  const uint32_t pat[6] = {0x80000000u, 0x7fc00123u, 0xffc00321u,
                           0x7fa00001u, 0xff800001u, 0x3f800000u};
  enum { C = 6, H = 2, W = 3 };
  float src[C * H * W];
  for (size_t i = 0; i < C * H * W; i++) src[i] = from_bits(pat[(i + i / 7) % 6]);
  for (int k = 0; k < ni; k++)
    for (int lay = 0; lay < 2; lay++)
      for (int f = 0; f < 2; f++) {
        ups_resize_params q = {0};
        q.n = 1;
        q.c = C;
        q.in_h = H;
        q.in_w = W;
        q.out_h = f ? 5 : 3 * H;
        q.out_w = f ? 7 : 3 * W;
        q.layout = lay ? UPS_NHWC : UPS_NCHW;
        q.coord = UPS_COORD_ASYMMETRIC;
        q.round = UPS_ROUND_FLOOR;
        q.isa = isas[k];
        float out[C * 6 * 9];
        tu_fill_nan(out, TU_COUNT(out));
        TU_EXPECT(ups_resize_nearest_f32(&q, src, out) == UPS_OK, "nearest bits run");
        size_t bad = 0;
        for (size_t y = 0; y < q.out_h; y++)
          for (size_t xx = 0; xx < q.out_w; xx++)
            for (size_t ch = 0; ch < C; ch++) {
              const size_t iy = y * H / q.out_h, ix = xx * W / q.out_w;
              const size_t o = lay ? (y * q.out_w + xx) * C + ch : (ch * q.out_h + y) * q.out_w + xx;
              const size_t i = lay ? (iy * W + ix) * C + ch : (ch * H + iy) * W + ix;
              bad += bits_of(out[o]) != bits_of(src[i]);
            }
        TU_EXPECT(bad == 0, "nearest [%s] %s %s changes the bits of %zu outputs",
                  ups_isa_name(isas[k]), lay ? "nhwc" : "nchw", f ? "x2.5" : "x3", bad);
      }
}

int main(void) {
  bilinear_bounds();
  deconv_bounds();
  nearest_bits();
  return tu_finish("check");
}
