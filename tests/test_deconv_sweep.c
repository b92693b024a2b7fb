/* test_deconv_sweep.c — every SIMD deconvolution variant against the scalar
 * reference (ups_check_deconv) over a seeded random sweep of geometries that
 * covers every feature: batch, odd channel counts, groups and depthwise,
 * kernel 1-5 and 9, stride 1-4 (incl. stride > kernel), dilation 1-3,
 * asymmetric pads (incl. pads >= kernel), output padding, bias or none, both
 * weight layouts, both activation layouts, tiny inputs, non-finite values.
 * Outputs are pre-filled with NaN; input and output sit against guard pages.
 * Also: named layers of the benchmark (small spatial sizes), and one plan
 * reused over several inputs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static int g_cases = 0;

static const char *desc(const ups_deconv_params *p, int has_bias) {
  static char buf[256];
  snprintf(buf, sizeof buf,
           "%s n%zu ic%zu oc%zu g%zu %zux%zu k%zux%zu s%zux%zu d%zux%zu p%zu,%zu,%zu,%zu "
           "op%zu,%zu %s bias%d",
           p->layout == UPS_NHWC ? "NHWC" : "NCHW", p->n, p->in_c, p->out_c, p->groups,
           p->in_h, p->in_w, p->kernel_h, p->kernel_w, p->stride_h, p->stride_w,
           p->dilation_h, p->dilation_w, p->pad_top, p->pad_left, p->pad_bottom, p->pad_right,
           p->out_pad_h, p->out_pad_w, p->weight_layout == UPS_W_HWOI ? "HWOI" : "IOHW",
           has_bias);
  return buf;
}

static void free_all(tu_guarded *a, tu_guarded *b, tu_guarded *c, tu_guarded *d) {
  tu_guarded_free(a);
  tu_guarded_free(b);
  tu_guarded_free(c);
  tu_guarded_free(d);
}

/* Runs every SIMD variant on p (random data) and checks it. nonfinite: put
 * an inf/nan into the input or weights. Returns 0 when p is invalid. */
static int run_case(tu_rng *rng, ups_deconv_params *p, int has_bias, int nonfinite) {
  size_t oh, ow;
  if (ups_deconv_output_size(p, &oh, &ow) != UPS_OK) return 0;
  const size_t g = p->groups ? p->groups : 1;
  const size_t in_e = p->n * p->in_c * p->in_h * p->in_w;
  const size_t out_e = p->n * p->out_c * oh * ow;
  const size_t w_e = p->in_c * (p->out_c / g) * p->kernel_h * p->kernel_w;
  tu_guarded gi, go, gw, gb;
  float *in = tu_guarded_alloc(&gi, in_e * sizeof(float), 1);
  float *out = tu_guarded_alloc(&go, out_e * sizeof(float), 1);
  float *w = tu_guarded_alloc(&gw, w_e * sizeof(float), 1);
  float *b = tu_guarded_alloc(&gb, p->out_c * sizeof(float), 1);
  if (!in || !out || !w || !b) {
    TU_EXPECT(0, "alloc");
    free_all(&gi, &go, &gw, &gb);
    return 0;
  }
  tu_fill(rng, in, in_e, -1.0f, 1.0f);
  tu_fill(rng, w, w_e, -1.0f, 1.0f);
  tu_fill(rng, b, p->out_c, -1.0f, 1.0f);
  if (nonfinite) {
    const float vals[3] = {INFINITY, -INFINITY, NAN};
    const int k = (int)tu_range(rng, 0, 2);
    if (tu_range(rng, 0, 1))
      in[tu_range(rng, 0, in_e - 1)] = vals[k];
    else
      w[tu_range(rng, 0, w_e - 1)] = vals[k];
  }
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int k = 0; k < ni; k++) {
    if (isas[k] == UPS_ISA_SCALAR) continue;
    p->isa = isas[k];
    tu_fill_nan(out, out_e);
    const ups_status st = ups_deconv_f32(p, in, w, has_bias ? b : NULL, out);
    TU_EXPECT(st == UPS_OK, "%s %s: status %s", ups_isa_name(isas[k]), desc(p, has_bias),
              ups_status_string(st));
    if (st != UPS_OK) continue;
    ups_check_result r;
    const ups_status cs = ups_check_deconv(p, in, w, has_bias ? b : NULL, out, &r);
    TU_EXPECT(cs == UPS_OK && r.failures == 0,
              "%s %s: %zu/%zu bad, worst %g, first [%zu] got %g want %g", ups_isa_name(isas[k]),
              desc(p, has_bias), r.failures, r.count, r.worst, r.first_bad, r.first_got,
              r.first_want);
  }
  p->isa = UPS_ISA_AUTO;
  free_all(&gi, &go, &gw, &gb);
  g_cases++;
  return 1;
}

static size_t pick_ch(tu_rng *r) {
  static const size_t common[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 40};
  return tu_range(r, 0, 3) == 0 ? tu_range(r, 1, 40) : TU_PICK(r, common);
}

static void random_case(tu_rng *r) {
  for (;;) {
    ups_deconv_params p = {0};
    p.layout = tu_range(r, 0, 1) ? UPS_NHWC : UPS_NCHW;
    p.weight_layout = tu_range(r, 0, 1) ? UPS_W_HWOI : UPS_W_IOHW;
    p.n = tu_range(r, 1, 2);
    const size_t mode = tu_range(r, 0, 7);
    if (mode < 5) { /* dense */
      p.groups = tu_range(r, 0, 1);  /* 0 = default 1 */
      p.in_c = pick_ch(r);
      p.out_c = pick_ch(r);
    } else if (mode < 7) { /* grouped */
      p.groups = tu_range(r, 2, 4);
      p.in_c = p.groups * tu_range(r, 1, 12);
      p.out_c = p.groups * tu_range(r, 1, 12);
    } else { /* depthwise (channel multiplier 1 or 2) */
      p.groups = tu_range(r, 1, 24);
      p.in_c = p.groups;
      p.out_c = p.groups * tu_range(r, 1, 2);
    }
    const size_t k9 = tu_range(r, 0, 12) == 0;
    p.kernel_h = k9 ? 9 : tu_range(r, 1, 5);
    p.kernel_w = k9 ? 9 : (tu_range(r, 0, 3) ? p.kernel_h : tu_range(r, 1, 5));
    p.stride_h = tu_range(r, 0, 4); /* 0 = default 1 */
    p.stride_w = tu_range(r, 0, 2) ? p.stride_h : tu_range(r, 1, 4);
    if (tu_range(r, 0, 3) == 0) {
      p.dilation_h = tu_range(r, 1, 3);
      p.dilation_w = tu_range(r, 1, 3);
    }
    const size_t tiny = tu_range(r, 0, 9) == 0;
    p.in_h = tiny ? tu_range(r, 1, 2) : tu_range(r, 1, 13);
    p.in_w = tiny ? tu_range(r, 1, 2) : tu_range(r, 1, 40);
    const size_t pm = tu_range(r, 0, 2);
    if (pm) {
      const size_t hi = pm == 1 ? p.kernel_h : p.kernel_h + 3;
      p.pad_top = tu_range(r, 0, hi);
      p.pad_bottom = tu_range(r, 0, 2) ? p.pad_top : tu_range(r, 0, hi);
      p.pad_left = tu_range(r, 0, hi);
      p.pad_right = tu_range(r, 0, 2) ? p.pad_left : tu_range(r, 0, hi);
    }
    const size_t sh = p.stride_h ? p.stride_h : 1, sw = p.stride_w ? p.stride_w : 1;
    const size_t dh = p.dilation_h ? p.dilation_h : 1, dw = p.dilation_w ? p.dilation_w : 1;
    if (tu_range(r, 0, 2) == 0) {
      const size_t mh = (sh > dh ? sh : dh) - 1, mw = (sw > dw ? sw : dw) - 1;
      p.out_pad_h = tu_range(r, 0, mh);
      p.out_pad_w = tu_range(r, 0, mw);
    }
    /* keep the work bounded (the scalar reference runs too) */
    const size_t gg = p.groups ? p.groups : 1;
    const double macs = (double)p.n * p.in_c * (p.out_c / gg) * p.kernel_h * p.kernel_w *
                        p.in_h * p.in_w;
    if (macs > 1.5e6) continue;
    const int nonfinite = tu_range(r, 0, 19) == 0;
    if (run_case(r, &p, (int)tu_range(r, 0, 1), nonfinite)) return;
  }
}

/* Named layers at reduced spatial size, both layouts, with and without bias. */
static void named_cases(tu_rng *r) {
  struct {
    size_t ic, oc, hw, k, s, pt, pl, pb, pr, op, d;
  } L[] = {
      {64, 64, 9, 4, 2, 1, 1, 1, 1, 0, 1},   /* DCGAN k4 s2 p1 */
      {128, 64, 9, 2, 2, 0, 0, 0, 0, 0, 1},  /* U-Net up-conv */
      {64, 64, 9, 3, 2, 0, 0, 1, 1, 1, 1},   /* Keras 'same' k3 s2 */
      {21, 21, 11, 4, 2, 0, 0, 0, 0, 0, 1},  /* FCN-8s style */
      {56, 1, 10, 9, 3, 4, 4, 4, 4, 2, 1},   /* FSRCNN x3 */
      {3, 5, 7, 1, 4, 0, 0, 0, 0, 3, 1},     /* stride > kernel: bias-only phases */
      {6, 10, 5, 3, 2, 2, 1, 0, 3, 1, 3},    /* dilation, asymmetric pads */
      {17, 33, 1, 5, 3, 0, 0, 0, 0, 0, 1},   /* 1x1 input */
      {1100, 6, 5, 4, 1, 1, 2, 0, 1, 0, 1}, /* NCHW: too wide for a stack tile */
      {700, 9, 4, 3, 2, 0, 1, 1, 0, 1, 2},   /* idem, dilated */
      {2100, 1, 11, 1, 1, 0, 0, 0, 0, 0, 1}, /* idem, 1-3 output channels */
      {2100, 2, 11, 2, 1, 0, 1, 1, 0, 0, 1},
      {2100, 3, 11, 1, 1, 0, 0, 0, 0, 0, 1},
      {512, 40, 3, 4, 2, 1, 1, 1, 1, 0, 1},  /* NHWC: a phase's weights > 256 KiB */
      {600, 27, 4, 3, 1, 1, 0, 2, 1, 0, 1},
  };
  for (size_t i = 0; i < sizeof L / sizeof *L; i++)
    for (int lay = 0; lay < 2; lay++)
      for (int bias = 0; bias < 2; bias++) {
        ups_deconv_params p = {0};
        p.layout = lay ? UPS_NHWC : UPS_NCHW;
        p.weight_layout = bias ? UPS_W_HWOI : UPS_W_IOHW;
        p.n = 1 + (size_t)bias;
        p.in_c = L[i].ic;
        p.out_c = L[i].oc;
        p.in_h = p.in_w = L[i].hw;
        p.kernel_h = p.kernel_w = L[i].k;
        p.stride_h = p.stride_w = L[i].s;
        p.dilation_h = p.dilation_w = L[i].d;
        p.pad_top = L[i].pt;
        p.pad_left = L[i].pl;
        p.pad_bottom = L[i].pb;
        p.pad_right = L[i].pr;
        p.out_pad_h = p.out_pad_w = L[i].op;
        TU_EXPECT(run_case(r, &p, bias, 0), "named case %zu invalid", i);
      }
}

/* NCHW kernel == stride (2 along x) without pads: the AVX2 GEMM path
 * (flattened pixels, channel chunks, output-channel pairs); odd channel
 * counts, groups, batch, rows that end inside a vector, 1x1 inputs,
 * non-finite values, and near misses (pads, output padding, dilation) that
 * must take the other paths. */
static void gemm_cases(tu_rng *r) {
  static const size_t ics[] = {16, 17, 31, 64, 257, 300, 530};
  static const size_t ocs[] = {2, 3, 5, 8, 33};
  static const size_t hws[][2] = {{1, 1}, {3, 5}, {7, 9}, {4, 6}, {5, 28}, {2, 13}};
  for (int i = 0; i < 72; i++) {
    ups_deconv_params p = {0};
    p.layout = i % 6 == 5 ? UPS_NHWC : UPS_NCHW;
    p.weight_layout = tu_range(r, 0, 1) ? UPS_W_HWOI : UPS_W_IOHW;
    p.n = tu_range(r, 1, 2);
    p.groups = tu_range(r, 0, 3) == 0 ? 2 : 1;
    p.in_c = p.groups * TU_PICK(r, ics);
    p.out_c = p.groups * TU_PICK(r, ocs);
    const size_t hw = tu_range(r, 0, TU_COUNT(hws) - 1);
    p.in_h = hws[hw][0];
    p.in_w = hws[hw][1];
    p.kernel_h = p.stride_h = tu_range(r, 1, 3);
    p.kernel_w = p.stride_w = 2;
    switch (i % 8) { /* near misses */
      case 1: p.kernel_h = p.stride_h = 2; p.pad_top = 1; break;
      case 3: p.out_pad_w = 1; break;
      case 5: p.pad_left = 1; break;
      case 7: p.dilation_h = 2; p.kernel_h = 2; p.stride_h = 2; break;
      default: break;
    }
    const double macs = (double)p.n * p.in_c * (p.out_c / p.groups) * p.kernel_h *
                        p.kernel_w * p.in_h * p.in_w;
    if (macs > 2e6) p.in_h = 1;
    TU_EXPECT(run_case(r, &p, i % 3 != 0, i % 4 == 2), "gemm case %d invalid", i);
  }
  /* NCHW stride 2 with taps (k4 s2 p1 and kin), small images, many channels:
   * the AVX2 shifted-panel GEMM (zero padding, finite weights only) */
  static const size_t ic2[] = {64, 65, 100, 130};
  static const size_t oc2[] = {2, 3, 7, 16};
  static const size_t hw2[][2] = {{1, 1}, {2, 3}, {4, 4}, {5, 7}, {3, 9}};
  static const size_t kp[][4] = {{4, 4, 1, 1}, {2, 2, 1, 1}, {4, 4, 0, 0}, {6, 6, 2, 2},
                                 {3, 4, 1, 1}, {4, 2, 2, 0}};
  for (int i = 0; i < 48; i++) {
    ups_deconv_params p = {0};
    p.layout = i % 8 == 7 ? UPS_NHWC : UPS_NCHW;
    p.weight_layout = tu_range(r, 0, 1) ? UPS_W_HWOI : UPS_W_IOHW;
    p.n = tu_range(r, 1, 2);
    p.groups = tu_range(r, 0, 3) == 0 ? 2 : 1;
    p.in_c = p.groups * TU_PICK(r, ic2);
    p.out_c = p.groups * TU_PICK(r, oc2);
    const size_t hw = tu_range(r, 0, TU_COUNT(hw2) - 1);
    p.in_h = hw2[hw][0];
    p.in_w = hw2[hw][1];
    const size_t k = tu_range(r, 0, TU_COUNT(kp) - 1);
    p.kernel_h = kp[k][0];
    p.kernel_w = kp[k][1];
    p.pad_top = p.pad_bottom = kp[k][2];
    p.pad_left = p.pad_right = kp[k][3];
    p.stride_h = p.stride_w = 2;
    if (i % 6 == 4) p.out_pad_h = 1;
    if (!run_case(r, &p, i % 3 != 0, i % 4 == 1)) {
      p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 0; /* too small for the pads */
      TU_EXPECT(run_case(r, &p, i % 3 != 0, i % 4 == 1), "gemm2 case %d invalid", i);
    }
  }
}

/* NCHW stride 2 with taps on images too large for the rule above, with too
 * many channels for the PHASES row tile (ic_g * taps_y * (3 vectors + halo)
 * past UPS_NCHW_TILE_FLOATS: > 167 channels at 16 lanes, > 327 at 8, > 630
 * at 4): the GEMM with taps as well, panels over many rows, the last one
 * partial; both weight layouts, groups, batch, output padding, and a
 * non-finite case (back to PHASES). */
static void large_image_taps_cases(tu_rng *r) {
  static const size_t shp[][4] = {/* ic_g, oc_g, in_h, in_w */
                                  {200, 3, 21, 21}, {180, 2, 19, 23}, {340, 5, 26, 27},
                                  {650, 2, 37, 37}, {400, 4, 29, 31}};
  static const size_t kp[][4] = {{4, 4, 1, 1}, {3, 4, 1, 1}, {2, 4, 0, 1}};
  for (int i = 0; i < 10; i++) {
    ups_deconv_params p = {0};
    const size_t s = (size_t)i % TU_COUNT(shp), k = (size_t)i % TU_COUNT(kp);
    p.layout = UPS_NCHW;
    p.weight_layout = i % 2 ? UPS_W_HWOI : UPS_W_IOHW;
    p.n = i == 3 ? 2 : 1;
    p.groups = i == 7 ? 2 : 1;
    p.in_c = p.groups * shp[s][0];
    p.out_c = p.groups * shp[s][1];
    p.in_h = shp[s][2];
    p.in_w = shp[s][3];
    p.kernel_h = kp[k][0];
    p.kernel_w = 4;
    p.pad_top = p.pad_bottom = kp[k][2];
    p.pad_left = p.pad_right = kp[k][3];
    p.stride_h = p.stride_w = 2;
    if (i == 5) p.out_pad_h = 1;
    TU_EXPECT(run_case(r, &p, i % 3 != 0, i == 9), "large taps case %d invalid", i);
  }
}

/* NCHW rows wide enough for every pixel block of the widest vectors: the
 * random cases stay under 41 inputs per row (3 vectors of 16), the NCHW
 * kernels go up to 8 vectors (128 pixels with 16 lanes); output-channel
 * counts of every channel block and the merged one-channel phases. */
static void wide_row_cases(tu_rng *r) {
  static const size_t ws[] = {60, 100, 129, 135, 161};
  static const size_t ocs[] = {1, 2, 3, 4, 5, 8};
  for (int i = 0; i < 40; i++) {
    ups_deconv_params p = {0};
    p.layout = i % 5 == 4 ? UPS_NHWC : UPS_NCHW;
    p.weight_layout = tu_range(r, 0, 1) ? UPS_W_HWOI : UPS_W_IOHW;
    p.n = 1;
    p.in_c = tu_range(r, 1, 20);
    p.out_c = TU_PICK(r, ocs);
    p.in_h = tu_range(r, 1, 3);
    p.in_w = TU_PICK(r, ws);
    p.kernel_h = p.kernel_w = tu_range(r, 1, 4);
    p.stride_h = p.stride_w = tu_range(r, 1, 3);
    if (p.kernel_w > 2 && i % 3 == 0) p.pad_left = p.pad_right = p.pad_top = p.pad_bottom = 1;
    TU_EXPECT(run_case(r, &p, i % 2, i % 7 == 3), "wide row case %d invalid", i);
  }
}

int main(int argc, char **argv) {
  const size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 2500;
  tu_rng r = {0x5eedc0de2026ull};
  named_cases(&r);
  gemm_cases(&r);
  tu_rng rw = {0x77696465u}; /* its own rng: the cases above stay what they were */
  wide_row_cases(&rw);
  tu_rng rl = {0x6c617267u};
  large_image_taps_cases(&rl);
  for (size_t i = 0; i < n; i++) random_case(&r);
  printf("deconv sweep: %d cases\n", g_cases);
  TU_EXPECT(g_cases >= 500 || n < 500, "only %d cases", g_cases);
  return tu_finish("deconv_sweep");
}
