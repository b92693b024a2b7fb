/* test_ranges.c — the work-range contract of kernels/kernel.h: running any set
 * of ranges that tiles a problem writes what one whole-problem range writes,
 * bit for bit, for every variant (tu_isas) and operator.
 *
 * Each random problem runs once as a whole call, then under the split hook
 * (ups_split_override_for_testing), which cuts it into: a random partition
 * (random cuts along images, channel units and row units, parts in random
 * order; twice), every row unit its own part (reverse order), every
 * (image, channel unit, row unit) its own part (random order), and one part.
 * Outputs are NaN-prefilled and compared with memcmp; the whole call's result
 * is also checked against the scalar reference (kernels/check.h), so an
 * output that no range writes cannot pass as "equal NaNs". The hook counts
 * its calls and parts, and checks the whole range it is given, so the test
 * cannot pass without splitting.
 *
 * Problems: nearest and bilinear in both layouts with odd sizes (1..40),
 * n 1..3, c 1..20 (1, 2, 4, >= 8 included), every coordinate and rounding
 * mode, integer factors 2, 3, 4, the half-pixel 2x pattern (widths 9..16 and
 * 17..100), downscaling; deconvolution as a one-shot call and as a plan run,
 * with groups, stride > kernel, dilation, pads, output padding, both layouts
 * and weight layouts, and shapes for each path of kernels/deconv_plan.c
 * (GEMM, GEMM_TAPS, PHASES: NHWC tiles, NHWC dot products, NCHW tiles, NCHW
 * merged phases; GEMM with one and several slices of output channels); the path a plan takes is read back through the strategy
 * (ups_deconv_plan_choose/pack) and every path must be reached by every SIMD
 * variant. UPSIMD_TEST_SCALE=small runs fewer cases. */
#define _POSIX_C_SOURCE 200112L /* posix_memalign */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ------------------------------------------------------------ split hook */

typedef enum split_mode {
  SPLIT_RANDOM,
  SPLIT_ROWS,  /* every row unit its own part */
  SPLIT_UNITS, /* every (n, c unit, row unit) its own part */
  SPLIT_ONE,
  SPLIT_MODES
} split_mode;

static const split_mode g_modes[] = {SPLIT_RANDOM, SPLIT_RANDOM, SPLIT_ROWS, SPLIT_UNITS,
                                     SPLIT_ONE};

typedef struct split_ctx {
  tu_rng rng;
  split_mode mode;
  ups_range want;          /* the whole range the entry point must hand over */
  size_t calls, parts;     /* hook calls, parts returned */
  size_t whole_mismatch;   /* calls whose whole range was not `want` */
  size_t multi;            /* calls that returned more than one part */
  size_t exact[SPLIT_MODES]; /* calls that did what the mode says (not a fallback) */
} split_ctx;

static split_ctx g_split;

/* k pieces of [lo, hi): boundaries b[0] = lo < b[1] < ... < b[k] = hi, with
 * 1 <= k <= min(hi - lo, max_k) random cuts. */
static size_t cut_axis(tu_rng *r, size_t lo, size_t hi, size_t max_k, size_t *b) {
  const size_t len = hi - lo, kmax = len < max_k ? len : max_k;
  const size_t k = tu_range(r, 1, kmax);
  size_t nb = 0;
  while (nb < k - 1) { /* k - 1 distinct cuts in (lo, hi), kept sorted */
    const size_t c = tu_range(r, lo + 1, hi - 1);
    size_t i = 0;
    while (i < nb && b[1 + i] < c) i++;
    if (i < nb && b[1 + i] == c) continue;
    memmove(&b[2 + i], &b[1 + i], (nb - i) * sizeof *b);
    b[1 + i] = c;
    nb++;
  }
  b[0] = lo;
  b[k] = hi;
  return k;
}

static void shuffle(tu_rng *r, ups_range *p, size_t n) {
  for (size_t i = n; i > 1; i--) {
    const size_t j = tu_range(r, 0, i - 1);
    const ups_range t = p[i - 1];
    p[i - 1] = p[j];
    p[j] = t;
  }
}

/* A random partition: at most `max` parts from cuts along the three axes (the
 * budget goes to the axes in random order), in random order. */
static size_t split_random(tu_rng *r, const ups_range *w, ups_range *parts, size_t max) {
  size_t bn[UPS_SPLIT_MAX + 1], bc[UPS_SPLIT_MAX + 1], by[UPS_SPLIT_MAX + 1];
  size_t kn = 1, kc = 1, ky = 1, budget = max;
  const int first = (int)tu_range(r, 0, 2);
  for (int a = 0; a < 3; a++) {
    const int axis = (first + a) % 3;
    const size_t cap = budget < 16 ? budget : 16;
    if (axis == 0) budget /= (kn = cut_axis(r, w->n0, w->n1, cap, bn));
    if (axis == 1) budget /= (kc = cut_axis(r, w->c0, w->c1, cap, bc));
    if (axis == 2) budget /= (ky = cut_axis(r, w->y0, w->y1, cap, by));
  }
  size_t np = 0;
  for (size_t i = 0; i < kn; i++)
    for (size_t j = 0; j < kc; j++)
      for (size_t k = 0; k < ky; k++) {
        const ups_range p = {bn[i], bn[i + 1], bc[j], bc[j + 1], by[k], by[k + 1]};
        parts[np++] = p;
      }
  shuffle(r, parts, np);
  return np;
}

static size_t split_hook(void *vctx, const ups_range *whole, ups_range *parts, size_t max) {
  split_ctx *c = vctx;
  c->calls++;
  if (memcmp(whole, &c->want, sizeof *whole) != 0) c->whole_mismatch++;
  const size_t rows = whole->y1 - whole->y0;
  const size_t units = (whole->n1 - whole->n0) * (whole->c1 - whole->c0) * rows;
  size_t np = 0;
  switch (c->mode) {
    case SPLIT_ONE:
      parts[np++] = *whole;
      c->exact[SPLIT_ONE]++;
      break;
    case SPLIT_ROWS:
      if (rows <= max) { /* reverse order: the last rows first */
        for (size_t y = whole->y1; y > whole->y0; y--) {
          ups_range p = *whole;
          p.y0 = y - 1;
          p.y1 = y;
          parts[np++] = p;
        }
        c->exact[SPLIT_ROWS]++;
      } else {
        np = split_random(&c->rng, whole, parts, max);
      }
      break;
    case SPLIT_UNITS:
      if (units <= max) {
        for (size_t n = whole->n0; n < whole->n1; n++)
          for (size_t ch = whole->c0; ch < whole->c1; ch++)
            for (size_t y = whole->y0; y < whole->y1; y++) {
              const ups_range p = {n, n + 1, ch, ch + 1, y, y + 1};
              parts[np++] = p;
            }
        shuffle(&c->rng, parts, np);
        c->exact[SPLIT_UNITS]++;
      } else {
        np = split_random(&c->rng, whole, parts, max);
      }
      break;
    default:
      np = split_random(&c->rng, whole, parts, max);
      c->exact[SPLIT_RANDOM]++;
      break;
  }
  c->parts += np;
  if (np > 1) c->multi++;
  return np;
}

/* Installs the hook for one call with this mode and expected whole range. */
static void hook_on(split_mode mode, const ups_range *want) {
  g_split.mode = mode;
  g_split.want = *want;
  ups_split_override_for_testing(split_hook, &g_split);
}
static void hook_off(void) { ups_split_override_for_testing(NULL, NULL); }

/* ------------------------------------------------------------ counters */

static ups_isa g_isas[UPS_ISA_MAX];
static int g_ni;

enum { OP_NEAREST, OP_BILINEAR, OP_DECONV, N_OPS };
static const char *const op_names[N_OPS] = {"nearest", "bilinear", "deconv"};
static size_t g_cases[UPS_ISA_MAX][N_OPS][2]; /* [variant][op][layout] */

/* Deconvolution strategies, as the plan takes them. */
enum {
  P_REFERENCE,
  P_GEMM,
  P_GEMM_TAPS,
  P_NHWC_TILES,
  P_NHWC_DOT,
  P_NCHW_TILES,
  P_NCHW_MERGED,
  N_PATHS
};
static const char *const path_names[N_PATHS] = {"reference", "gemm",     "gemm-taps",
                                                "nhwc-tiles", "nhwc-dot", "nchw-tiles",
                                                "nchw-merged"};
static size_t g_paths[UPS_ISA_MAX][N_PATHS];

/* ------------------------------------------------------------ helpers */

static float *alloc_floats(size_t n) {
  float *p = malloc((n ? n : 1) * sizeof(float));
  if (!p) {
    fprintf(stderr, "test_ranges: out of memory\n");
    exit(1);
  }
  return p;
}

/* n of the listed kinds of channel counts: 1, 2, 4, 8..20, any of 1..20. */
static size_t pick_channels(tu_rng *r) {
  switch (tu_range(r, 0, 4)) {
    case 0: return 1;
    case 1: return 2;
    case 2: return 4;
    case 3: return tu_range(r, 8, 20);
    default: return tu_range(r, 1, 20);
  }
}

/* ------------------------------------------------------------ resize */

/* A random resize; kind picks the family. Returns 0 when too large. */
static int gen_resize(tu_rng *r, int bilinear, int kind, ups_layout layout,
                      ups_resize_params *p) {
  memset(p, 0, sizeof *p);
  p->layout = layout;
  p->n = tu_range(r, 1, 3);
  p->c = pick_channels(r);
  p->coord = (ups_coord)tu_range(r, 0, bilinear ? 3 : 4);
  p->round = (ups_round)tu_range(r, 0, 3);
  switch (kind) {
    case 0: /* any sizes, up or down, odd ones included */
      p->in_h = tu_range(r, 1, 40);
      p->in_w = tu_range(r, 1, 40);
      p->out_h = tu_range(r, 1, 40);
      p->out_w = tu_range(r, 1, 40);
      if (tu_range(r, 0, 3) == 0) { /* a given scale that disagrees with the sizes */
        p->scale_h = tu_uniform(r, 0.3f, 4.0f);
        p->scale_w = tu_uniform(r, 0.3f, 4.0f);
      }
      break;
    case 1: { /* integer factors */
      static const size_t f[] = {2, 3, 4};
      const size_t k = TU_PICK(r, f);
      p->in_h = tu_range(r, 1, 40);
      p->in_w = tu_range(r, 1, 40);
      p->out_h = p->in_h * k;
      p->out_w = p->in_w * k;
      if (tu_range(r, 0, 1)) p->scale_h = p->scale_w = (float)k;
      break;
    }
    case 2: /* the half-pixel 2x pattern: widths 9..16 and 17..100 (every
               short-row block count of AVX2 and AVX-512, and past them) */
      p->coord = UPS_COORD_HALF_PIXEL;
      p->in_h = tu_range(r, 1, 24);
      p->in_w = tu_range(r, 0, 1) ? tu_range(r, 9, 16) : tu_range(r, 17, 100);
      p->out_h = 2 * p->in_h;
      p->out_w = 2 * p->in_w;
      if (tu_range(r, 0, 1)) p->scale_h = p->scale_w = 2.0f;
      break;
    default: /* downscaling */
      p->in_h = tu_range(r, 2, 40);
      p->in_w = tu_range(r, 2, 40);
      p->out_h = tu_range(r, 1, p->in_h - 1);
      p->out_w = tu_range(r, 1, p->in_w - 1);
      break;
  }
  return p->n * p->c * p->out_h * p->out_w <= 200000;
}

static ups_status resize_call(int bilinear, const ups_resize_params *p, const float *in,
                              float *out) {
  return bilinear ? ups_resize_bilinear_f32(p, in, out) : ups_resize_nearest_f32(p, in, out);
}

static void describe_resize(char *b, size_t cap, const ups_resize_params *p) {
  snprintf(b, cap, "%s n%zu c%zu %zux%zu->%zux%zu scale %gx%g coord %d round %d",
           p->layout == UPS_NHWC ? "nhwc" : "nchw", p->n, p->c, p->in_h, p->in_w, p->out_h,
           p->out_w, (double)p->scale_h, (double)p->scale_w, (int)p->coord, (int)p->round);
}

static void resize_case(tu_rng *r, int bilinear, int kind, ups_layout layout) {
  ups_resize_params p;
  while (!gen_resize(r, bilinear, kind, layout, &p)) {
  }
  size_t oh, ow;
  TU_EXPECT(ups_resize_output_size(&p, &oh, &ow) == UPS_OK, "resize size");
  const size_t in_e = p.n * p.c * p.in_h * p.in_w, out_e = p.n * p.c * oh * ow;
  float *in = alloc_floats(in_e), *whole = alloc_floats(out_e), *part = alloc_floats(out_e);
  tu_fill(r, in, in_e, -4.0f, 4.0f);
  char what[160];
  describe_resize(what, sizeof what, &p);
  /* units (kernel.h): NCHW channels, NHWC one unit; output rows */
  const ups_range want = {0, p.n, 0, p.layout == UPS_NHWC ? 1 : p.c, 0, oh};
  for (int k = 0; k < g_ni; k++) {
    p.isa = g_isas[k];
    const char *nm = ups_isa_name(p.isa);
    tu_fill_nan(whole, out_e);
    ups_status st = resize_call(bilinear, &p, in, whole);
    TU_EXPECT(st == UPS_OK, "%s %s %s: %s", op_names[bilinear], nm, what, ups_status_string(st));
    if (st != UPS_OK) continue;
    ups_check_result cr;
    const ups_status cs = bilinear ? ups_check_bilinear(&p, in, whole, &cr)
                                   : ups_check_nearest(&p, in, whole, &cr);
    TU_EXPECT(cs == UPS_OK && cr.failures == 0,
              "%s %s %s: the whole call is outside the contract (%zu of %zu)", op_names[bilinear],
              nm, what, cr.failures, cr.count);
    for (size_t m = 0; m < TU_COUNT(g_modes); m++) {
      tu_fill_nan(part, out_e);
      const size_t calls = g_split.calls;
      hook_on(g_modes[m], &want);
      st = resize_call(bilinear, &p, in, part);
      hook_off();
      TU_EXPECT(st == UPS_OK && g_split.calls == calls + 1, "%s %s %s: split call (%s)",
                op_names[bilinear], nm, what, ups_status_string(st));
      TU_EXPECT(memcmp(whole, part, out_e * sizeof(float)) == 0,
                "%s %s %s: split mode %d differs from the whole call", op_names[bilinear], nm,
                what, (int)g_modes[m]);
    }
    g_cases[k][bilinear][p.layout]++;
  }
  free(in);
  free(whole);
  free(part);
}

/* ------------------------------------------------------------ deconv */

/* The strategy a plan of p takes (kernels/deconv_plan.c), -1 on failure. */
static int deconv_path(const ups_deconv_params *p, const float *w) {
  ups_deconv_shape s;
  if (ups_deconv_validate(p, &s) != UPS_OK) return -1;
  const ups_deconv_ops *ops = &ups_kernels_for(s.isa)->deconv[s.geom.nhwc];
  ups_deconv_plan_data d;
  if (!ups_deconv_plan_choose(&s.geom, ops, &d)) return -1;
  const size_t bytes = ups_deconv_plan_bytes(&d);
  void *packed = NULL;
  if (posix_memalign(&packed, 64, (bytes + 63) & ~(size_t)63) != 0) return -1;
  const int ok = ups_deconv_plan_pack(&d, w, p->weight_layout == UPS_W_HWOI && d.lanes, NULL,
                                      packed); /* only the weights' finiteness matters */
  free(packed);
  if (!ok) return -1;
  switch (d.path) {
    case UPS_DECONV_REFERENCE: return P_REFERENCE;
    case UPS_DECONV_GEMM: return P_GEMM;
    case UPS_DECONV_GEMM_TAPS: return P_GEMM_TAPS;
    default:
      if (d.g.nhwc) return d.nhwc_dot ? P_NHWC_DOT : P_NHWC_TILES;
      return d.merge ? P_NCHW_MERGED : P_NCHW_TILES;
  }
}

enum { DK_ANY, DK_GEMM, DK_GEMM_TAPS, DK_NHWC_TILES, DK_NHWC_DOT, DK_NCHW_MERGED, DK_KINDS };

/* A random deconvolution of one family. Returns 0 when invalid or too large. */
static int gen_deconv(tu_rng *r, int kind, ups_deconv_params *p, int *bias) {
  memset(p, 0, sizeof *p);
  p->n = tu_range(r, 1, 3);
  p->weight_layout = tu_range(r, 0, 1) ? UPS_W_HWOI : UPS_W_IOHW;
  *bias = (int)tu_range(r, 0, 1);
  size_t g = tu_range(r, 0, 2) ? 1 : tu_range(r, 2, 3), icg, ocg;
  /* geometry: random, then each family's constraints */
  p->in_h = tu_range(r, 1, 12);
  p->in_w = tu_range(r, 1, 12);
  p->kernel_h = tu_range(r, 1, 5);
  p->kernel_w = tu_range(r, 0, 2) ? p->kernel_h : tu_range(r, 1, 5);
  p->stride_h = tu_range(r, 1, 4);
  p->stride_w = tu_range(r, 0, 2) ? p->stride_h : tu_range(r, 1, 6); /* also > kernel */
  p->dilation_h = tu_range(r, 0, 2) ? 1 : tu_range(r, 2, 3);
  p->dilation_w = tu_range(r, 0, 2) ? p->dilation_h : tu_range(r, 1, 3);
  const size_t span_h = p->dilation_h * (p->kernel_h - 1) + 1;
  const size_t span_w = p->dilation_w * (p->kernel_w - 1) + 1;
  p->pad_top = tu_range(r, 0, span_h - 1);
  p->pad_bottom = tu_range(r, 0, span_h - 1);
  p->pad_left = tu_range(r, 0, span_w - 1);
  p->pad_right = tu_range(r, 0, span_w - 1);
  const size_t mh = p->stride_h > p->dilation_h ? p->stride_h : p->dilation_h;
  const size_t mw = p->stride_w > p->dilation_w ? p->stride_w : p->dilation_w;
  p->out_pad_h = tu_range(r, 0, 2) ? 0 : tu_range(r, 0, mh - 1);
  p->out_pad_w = tu_range(r, 0, 2) ? 0 : tu_range(r, 0, mw - 1);
  p->layout = tu_range(r, 0, 1) ? UPS_NHWC : UPS_NCHW;
  icg = tu_range(r, 0, 3) ? tu_range(r, 1, 8) : tu_range(r, 9, 24);
  ocg = tu_range(r, 0, 3) ? tu_range(r, 1, 8) : tu_range(r, 9, 24);
  switch (kind) {
    case DK_GEMM: /* NCHW, kernel == stride along y, k2 s2 along x, no pads */
      p->layout = UPS_NCHW;
      p->stride_h = p->kernel_h = tu_range(r, 1, 4);
      p->kernel_w = p->stride_w = 2;
      p->dilation_h = tu_range(r, 0, 1) && p->kernel_h == 1 ? 2 : 1;
      p->dilation_w = 1;
      p->pad_top = p->pad_left = p->pad_bottom = p->pad_right = 0;
      p->out_pad_h = p->out_pad_w = 0;
      icg = tu_range(r, 16, 40);
      /* also several channel units (slices of UPS_DECONV_OC_SLICE), the last
       * partial; or as many channels on an image too large for slices (one
       * channel unit per group: row units only) */
      ocg = tu_range(r, 0, 1) ? tu_range(r, 2, 9) : tu_range(r, 17, 40);
      if (ocg > 16 && tu_range(r, 0, 2) == 0) {
        g = p->n = 1;
        icg = tu_range(r, 16, 20);
        ocg = tu_range(r, 17, 24);
        p->kernel_h = p->stride_h = tu_range(r, 1, 2);
        p->dilation_h = 1;
        p->in_h = tu_range(r, 33, 40);
        p->in_w = tu_range(r, 33, 40);
      }
      break;
    case DK_GEMM_TAPS: /* NCHW k4 s2 p1, many channels, few pixels */
      p->layout = UPS_NCHW;
      p->kernel_h = p->kernel_w = 4;
      p->stride_h = p->stride_w = 2;
      p->dilation_h = p->dilation_w = 1;
      p->pad_top = p->pad_left = p->pad_bottom = p->pad_right = 1;
      p->out_pad_h = p->out_pad_w = 0;
      g = 1;
      icg = tu_range(r, 64, 80);
      ocg = tu_range(r, 2, 6);
      p->in_h = tu_range(r, 1, 10);
      p->in_w = tu_range(r, 1, 2 * icg / p->in_h < 10 ? 2 * icg / p->in_h : 10);
      p->n = tu_range(r, 1, 2);
      break;
    case DK_NHWC_TILES: /* NHWC, more than 4 output channels (or few inputs) */
      p->layout = UPS_NHWC;
      ocg = tu_range(r, 0, 3) ? tu_range(r, 5, 40) : tu_range(r, 1, 4);
      if (ocg <= 4) icg = tu_range(r, 1, 7);
      break;
    case DK_NHWC_DOT: /* NHWC, <= 4 output channels, >= 8 input channels */
      p->layout = UPS_NHWC;
      ocg = tu_range(r, 1, 4);
      icg = tu_range(r, 8, 40);
      break;
    case DK_NCHW_MERGED: /* NCHW, one output channel per group */
      p->layout = UPS_NCHW;
      ocg = 1;
      break;
    default:
      break;
  }
  p->groups = g;
  p->in_c = g * icg;
  p->out_c = g * ocg;
  size_t oh, ow;
  if (ups_deconv_output_size(p, &oh, &ow) != UPS_OK) return 0;
  const double macs = (double)p->n * (double)p->in_c * (double)ocg * (double)p->in_h *
                      (double)p->in_w * (double)(p->kernel_h * p->kernel_w);
  return p->n * p->out_c * oh * ow <= 200000 && macs <= 4e6;
}

static void describe_deconv(char *b, size_t cap, const ups_deconv_params *p, int bias) {
  snprintf(b, cap,
           "%s w=%s n%zu ic%zu oc%zu g%zu %zux%zu k%zux%zu s%zux%zu d%zux%zu "
           "pads %zu,%zu,%zu,%zu opad %zux%zu bias %d",
           p->layout == UPS_NHWC ? "nhwc" : "nchw",
           p->weight_layout == UPS_W_HWOI ? "hwoi" : "iohw",
           p->n, p->in_c, p->out_c, p->groups, p->in_h, p->in_w, p->kernel_h, p->kernel_w,
           p->stride_h, p->stride_w, p->dilation_h, p->dilation_w, p->pad_top, p->pad_left,
           p->pad_bottom, p->pad_right, p->out_pad_h, p->out_pad_w, bias);
}

static void deconv_case(tu_rng *r, int kind) {
  ups_deconv_params p;
  int has_bias;
  while (!gen_deconv(r, kind, &p, &has_bias)) {
  }
  size_t oh, ow;
  TU_EXPECT(ups_deconv_output_size(&p, &oh, &ow) == UPS_OK, "deconv size");
  const size_t g = p.groups, ocg = p.out_c / g;
  const size_t in_e = p.n * p.in_c * p.in_h * p.in_w, out_e = p.n * p.out_c * oh * ow;
  const size_t w_e = p.in_c * ocg * p.kernel_h * p.kernel_w;
  float *in = alloc_floats(in_e), *w = alloc_floats(w_e), *b = alloc_floats(p.out_c);
  float *whole = alloc_floats(out_e), *part = alloc_floats(out_e);
  tu_fill(r, in, in_e, -2.0f, 2.0f);
  tu_fill(r, w, w_e, -1.0f, 1.0f);
  tu_fill(r, b, p.out_c, -1.0f, 1.0f);
  const float *bias = has_bias ? b : NULL;
  char what[256];
  describe_deconv(what, sizeof what, &p, has_bias);
  for (int k = 0; k < g_ni; k++) {
    p.isa = g_isas[k];
    const char *nm = ups_isa_name(p.isa);
    const int path = deconv_path(&p, w);
    TU_EXPECT(path >= 0, "deconv %s %s: strategy", nm, what);
    /* bands of stride_h output rows per group, or on the GEMM path per slice
     * of UPS_DECONV_OC_SLICE output channels of a group (kernel.h) */
    const size_t slices = path == P_GEMM && p.in_h * p.in_w <= UPS_DECONV_SLICE_MAX_PIXELS
                              ? (ocg + UPS_DECONV_OC_SLICE - 1) / UPS_DECONV_OC_SLICE
                              : 1;
    const ups_range want = {0, p.n, 0, g * slices, 0, (oh + p.stride_h - 1) / p.stride_h};
    if (path >= 0) g_paths[k][path]++;
    tu_fill_nan(whole, out_e);
    ups_status st = ups_deconv_f32(&p, in, w, bias, whole);
    TU_EXPECT(st == UPS_OK, "deconv %s %s: %s", nm, what, ups_status_string(st));
    if (st != UPS_OK) continue;
    ups_check_result cr;
    const ups_status cs = ups_check_deconv(&p, in, w, bias, whole, &cr);
    TU_EXPECT(cs == UPS_OK && cr.failures == 0,
              "deconv %s %s: the whole call is outside the contract (%zu of %zu)", nm, what,
              cr.failures, cr.count);
    ups_deconv_plan *plan = NULL;
    st = ups_deconv_plan_create(&p, w, bias, &plan);
    TU_EXPECT(st == UPS_OK, "deconv %s %s: plan_create %s", nm, what, ups_status_string(st));
    if (st == UPS_OK) { /* a plan's whole run equals the one-shot call */
      tu_fill_nan(part, out_e);
      TU_EXPECT(ups_deconv_plan_run(plan, in, part) == UPS_OK &&
                    memcmp(whole, part, out_e * sizeof(float)) == 0,
                "deconv %s %s: plan run differs from the one-shot call", nm, what);
    }
    for (size_t m = 0; m < TU_COUNT(g_modes); m++)
      for (int use_plan = 0; use_plan <= (plan != NULL); use_plan++) {
        tu_fill_nan(part, out_e);
        const size_t calls = g_split.calls;
        hook_on(g_modes[m], &want);
        st = use_plan ? ups_deconv_plan_run(plan, in, part) : ups_deconv_f32(&p, in, w, bias, part);
        hook_off();
        TU_EXPECT(st == UPS_OK && g_split.calls == calls + 1, "deconv %s %s: split %s (%s)", nm,
                  what, use_plan ? "plan run" : "call", ups_status_string(st));
        TU_EXPECT(memcmp(whole, part, out_e * sizeof(float)) == 0,
                  "deconv %s %s (%s path): split mode %d of the %s differs from the whole call",
                  nm, what, path >= 0 ? path_names[path] : "?", (int)g_modes[m],
                  use_plan ? "plan run" : "one-shot call");
      }
    ups_deconv_plan_destroy(plan);
    g_cases[k][OP_DECONV][p.layout]++;
  }
  free(in);
  free(w);
  free(b);
  free(whole);
  free(part);
}

/* ------------------------------------------------------------ self-check */

/* A kernel that assumes its range starts at row 0 (a plausible bug): right
 * on a whole range, wrong on most parts. */
static void rows_from_zero(const ups_nearest_job *j, const void *prep, const ups_range *r) {
  ups_range z = *r;
  z.y0 = 0;
  z.y1 = r->y1 - r->y0;
  ups_kernel_table_scalar.nearest[UPS_NCHW].run(j, prep, &z);
}

/* The comparison catches such a kernel (installed for scalar, then removed). */
static void self_check(void) {
  ups_kernel_table t;
  memset(&t, 0, sizeof t);
  t.nearest[UPS_NCHW].run = rows_from_zero;
  ups_kernels_override_for_testing(UPS_ISA_SCALAR, &t);
  ups_resize_params p = {0};
  p.n = 2;
  p.c = 3;
  p.in_h = 5;
  p.in_w = 7;
  p.out_h = 15;
  p.out_w = 14;
  p.isa = UPS_ISA_SCALAR;
  enum { IN = 2 * 3 * 5 * 7, OUT = 2 * 3 * 15 * 14 };
  static float in[IN], whole[OUT], part[OUT];
  tu_rng r = {7};
  tu_fill(&r, in, IN, -1.0f, 1.0f);
  tu_fill_nan(whole, OUT);
  tu_fill_nan(part, OUT);
  const ups_range want = ups_resize_whole(p.n, p.c, p.out_h, p.layout);
  TU_EXPECT(ups_resize_nearest_f32(&p, in, whole) == UPS_OK, "self-check whole call");
  hook_on(SPLIT_ROWS, &want);
  TU_EXPECT(ups_resize_nearest_f32(&p, in, part) == UPS_OK, "self-check split call");
  hook_off();
  ups_kernels_override_for_testing(UPS_ISA_SCALAR, NULL);
  TU_EXPECT(memcmp(whole, part, sizeof whole) != 0,
            "self-check: a kernel that ignores its range's first row went unnoticed");
}

/* ------------------------------------------------------------ main */

int main(void) {
  g_ni = tu_isas(g_isas);
  g_split.rng.s = 0x7a9e5ull;
  tu_rng rng = {0x5eed2a9e5ull};
  const int small = tu_small_scale();
  const int resize_cases = small ? 96 : 480, deconv_cases = small ? 72 : 360;
  printf("test_ranges: variants:");
  for (int k = 0; k < g_ni; k++) printf(" %s", ups_isa_name(g_isas[k]));
  printf("%s\n", small ? " (small scale)" : "");

  self_check();
  for (int bilinear = 0; bilinear <= 1; bilinear++)
    for (int i = 0; i < resize_cases; i++)
      resize_case(&rng, bilinear, i % 4, (ups_layout)(i / 4 % 2));
  for (int i = 0; i < deconv_cases; i++) deconv_case(&rng, i % DK_KINDS);

  /* Not vacuous: the hook ran, split, saw the right whole ranges and did each
   * mode for real at least once. */
  TU_EXPECT(g_split.calls > 0 && g_split.parts > g_split.calls && g_split.multi > 0,
            "split hook: %zu calls, %zu parts, %zu split", g_split.calls, g_split.parts,
            g_split.multi);
  TU_EXPECT(g_split.whole_mismatch == 0, "split hook: %zu calls got an unexpected whole range",
            g_split.whole_mismatch);
  for (int m = 0; m < SPLIT_MODES; m++)
    TU_EXPECT(g_split.exact[m] > 0, "split mode %d never applied", m);

  for (int k = 0; k < g_ni; k++) {
    printf("test_ranges: %-8s", ups_isa_name(g_isas[k]));
    for (int op = 0; op < N_OPS; op++) {
      printf(" %s %zu+%zu", op_names[op], g_cases[k][op][0], g_cases[k][op][1]);
      for (int l = 0; l < 2; l++)
        TU_EXPECT(g_cases[k][op][l] > 0, "%s %s %s: no case ran", ups_isa_name(g_isas[k]),
                  op_names[op], l ? "nhwc" : "nchw");
    }
    printf(" (nchw+nhwc); deconv paths:");
    for (int pth = 0; pth < N_PATHS; pth++)
      if (g_paths[k][pth]) printf(" %s %zu", path_names[pth], g_paths[k][pth]);
    printf("\n");
    /* Every path of the variant's strategy was reached: a SIMD deconvolution
     * (ops with a vector width) in each layout it has, the reference else. */
    for (int l = 0; l < 2; l++) {
      const ups_deconv_ops *ops = &ups_kernels_for(g_isas[k])->deconv[l];
      static const int nchw_paths[] = {P_GEMM, P_GEMM_TAPS, P_NCHW_TILES, P_NCHW_MERGED};
      static const int nhwc_paths[] = {P_NHWC_TILES, P_NHWC_DOT};
      if (!ops->isa) {
        TU_EXPECT(g_paths[k][P_REFERENCE] > 0, "%s: reference path not reached",
                  ups_isa_name(g_isas[k]));
        continue;
      }
      const int *want = l ? nhwc_paths : nchw_paths;
      const size_t nw = l ? TU_COUNT(nhwc_paths) : TU_COUNT(nchw_paths);
      for (size_t i = 0; i < nw; i++)
        TU_EXPECT(g_paths[k][want[i]] > 0, "%s: deconv path %s never reached",
                  ups_isa_name(g_isas[k]), path_names[want[i]]);
    }
  }
  printf("test_ranges: split hook: %zu calls, %zu parts (modes: random %zu, rows %zu, units %zu, "
         "one %zu)\n",
         g_split.calls, g_split.parts, g_split.exact[SPLIT_RANDOM], g_split.exact[SPLIT_ROWS],
         g_split.exact[SPLIT_UNITS], g_split.exact[SPLIT_ONE]);
  return tu_finish("ranges");
}
