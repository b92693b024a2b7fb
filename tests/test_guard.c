/* test_guard.c — guard-page tests of every operator x variant.
 *
 * Every buffer a call touches (input, weights, bias, output) lives in its own
 * mapping between two PROT_NONE pages. Each case runs once per placement:
 *
 *   guard after,  start at 32k+off (off = 0,4,...,28): the buffer ends `gap`
 *                 bytes before the guard page, gap in [0,28] chosen so that the
 *                 start has the wanted misalignment; the gap == 0 run is the
 *                 one where the buffer is flush against the guard page;
 *   guard before, start at 32k+off: the buffer starts `off` bytes after the
 *                 guard page (off == 0: flush against it).
 *
 * So every buffer is flush against a PROT_NONE page on each side in turn, and
 * starts at every 4-byte misalignment within 32 bytes on each side. Bytes of the
 * mapping outside a buffer hold a canary; inputs are made read-only during the
 * call. A read or write past either edge faults; a write into the slack is
 * caught by the canary; a write to an input faults. Outputs are pre-filled with
 * NaN and every result is checked against the scalar reference with
 * ups_check_* (so an element never written is a failure too).
 *
 * Shapes exercise every tail: channel counts 1..17, widths 1..19, factors 1, 2,
 * 3, 4, 8 and non-integer ones (up and down), every coordinate and rounding
 * mode, both layouts; deconvolution with groups, stride > kernel, dilation,
 * pads, output padding, bias / no bias, both weight layouts; upconv with
 * factors 1-4, kernels 1-5, dilation, pads within and beyond the span, groups,
 * both weight layouts, nearest and bilinear (plan runs of bilinear through
 * ups_upconv_plan_run_ws with the workspace against a guard page too). Every
 * operator one-shot (guard after) and through a plan (guard before).
 *
 * UPSIMD_TEST_SCALE=small (sanitizer and qemu runs) keeps every case and both
 * flush placements but rotates the misaligned ones over the cases. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "testutil.h"

/* ------------------------------------------------------------ guarded regions */

static const uint32_t CANARY = 0x7fa5a5a5u; /* a signalling-NaN bit pattern */

typedef struct region {
  unsigned char *map;  /* whole mapping: guard page, data pages, guard page */
  size_t map_bytes;
  unsigned char *lo, *hi; /* the accessible data pages */
  size_t bytes;           /* the buffer's size */
  float *ptr;             /* where the buffer is placed for the current run */
} region;

static size_t page_size;

static int region_alloc(region *r, size_t bytes) {
  const size_t data = (bytes + 32 + page_size - 1) / page_size * page_size;
  r->map_bytes = data + 2 * page_size;
  void *m = mmap(NULL, r->map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    r->map = NULL;
    return 0;
  }
  r->map = m;
  r->lo = r->map + page_size;
  r->hi = r->lo + data;
  r->bytes = bytes;
  r->ptr = NULL;
  if (mprotect(r->map, page_size, PROT_NONE) != 0 || mprotect(r->hi, page_size, PROT_NONE) != 0)
    return 0;
  return 1;
}

static void region_free(region *r) {
  if (r->map) munmap(r->map, r->map_bytes);
  r->map = NULL;
}

/* Places the buffer: after = 1 puts the guard page after it, else before it;
 * the start is off (mod 32) bytes past a 32-byte boundary. Returns the gap to
 * the guard page (0 = flush). */
static size_t region_place(region *r, int after, size_t off) {
  size_t gap;
  if (after) {
    gap = (size_t)(0u - (unsigned)r->bytes - (unsigned)off) & 31u;
    r->ptr = (float *)(r->hi - gap - r->bytes);
  } else {
    gap = off;
    r->ptr = (float *)(r->lo + off);
  }
  /* Canary everywhere, then the buffer itself is filled by the caller. */
  for (uint32_t *q = (uint32_t *)r->lo; q < (uint32_t *)r->hi; q++) *q = CANARY;
  return gap;
}

static void region_protect(region *r, int prot) { mprotect(r->lo, (size_t)(r->hi - r->lo), prot); }

/* 1 when every byte of the data pages outside the buffer still holds the canary. */
static int region_slack_intact(const region *r) {
  const uint32_t *q = (const uint32_t *)r->lo, *b = (const uint32_t *)r->ptr,
                 *e = (const uint32_t *)((const unsigned char *)r->ptr + r->bytes),
                 *end = (const uint32_t *)r->hi;
  for (; q < b; q++)
    if (*q != CANARY) return 0;
  for (q = e; q < end; q++)
    if (*q != CANARY) return 0;
  return 1;
}

/* ------------------------------------------------------------ case reporting */

static char current[512];

static void on_fault(int sig) {
  static const char msg[] = "\ntest_guard: fault in case: ";
  ssize_t w = write(2, msg, sizeof msg - 1);
  w = write(2, current, strlen(current));
  w = write(2, "\n", 1);
  (void)w;
  signal(sig, SIG_DFL);
  raise(sig);
}

/* The placements of case number `k`: (after, off) pairs. Full scale: all 16.
 * Small: both flush runs plus one misaligned run per side, rotating. */
typedef struct placement { int after; size_t off; } placement;

static int placements(size_t k, size_t out_bytes, placement pl[16]) {
  int n = 0;
  if (!tu_small_scale()) {
    for (int after = 1; after >= 0; after--)
      for (size_t off = 0; off < 32; off += 4) pl[n++] = (placement){after, off};
    return n;
  }
  const size_t flush_after = (size_t)(0u - (unsigned)out_bytes) & 31u;
  pl[n++] = (placement){1, flush_after};
  pl[n++] = (placement){0, 0};
  size_t m = 4 + 4 * (k % 7); /* 4..28 */
  pl[n++] = (placement){1, m == flush_after ? (m + 4) & 31u : m};
  pl[n++] = (placement){0, 4 + 4 * ((k / 7) % 7)};
  return n;
}

/* Fills `n` input values: uniform in [-1, 1], with an occasional non-finite
 * value (the contract: non-finite exactly where the reference is). */
static void fill_input(tu_rng *rng, float *p, size_t n, int specials) {
  tu_fill(rng, p, n, -1.0f, 1.0f);
  if (specials && n > 0) {
    p[tu_range(rng, 0, n - 1)] = NAN;
    p[tu_range(rng, 0, n - 1)] = INFINITY;
  }
}

static int check_ok(ups_status st, const ups_check_result *r) {
  return st == UPS_OK && r->failures == 0;
}

/* ------------------------------------------------------------ resize */

static size_t resize_cases, deconv_cases, runs;

static void run_resize(const ups_resize_params *p0, int bilinear, ups_isa isa, tu_rng *rng) {
  ups_resize_params p = *p0;
  p.isa = isa;
  size_t oh, ow;
  ups_status st = ups_resize_output_size(&p, &oh, &ow);
  TU_EXPECT(st == UPS_OK, "output size: %s", ups_status_string(st));
  if (st != UPS_OK) return;
  const size_t in_e = p.n * p.c * p.in_h * p.in_w, out_e = p.n * p.c * oh * ow;
  float *src = malloc(in_e * sizeof(float));
  region rin, rout;
  if (!src || !region_alloc(&rin, in_e * sizeof(float)) ||
      !region_alloc(&rout, out_e * sizeof(float))) {
    TU_EXPECT(0, "allocation");
    free(src);
    return;
  }
  fill_input(rng, src, in_e, resize_cases % 8 == 5);
  placement pl[16];
  const int np = placements(resize_cases, out_e * sizeof(float), pl);
  for (int i = 0; i < np; i++) {
    region_place(&rin, pl[i].after, pl[i].off);
    region_place(&rout, pl[i].after, pl[i].off);
    memcpy(rin.ptr, src, in_e * sizeof(float));
    tu_fill_nan(rout.ptr, out_e);
    region_protect(&rin, PROT_READ);
    snprintf(current, sizeof current,
             "%s %s %s n=%zu c=%zu in=%zux%zu out=%zux%zu (given %zux%zu) scale=%gx%g coord=%d "
             "round=%d guard %s off %zu",
             bilinear ? "bilinear" : "nearest", ups_isa_name(isa),
             p.layout == UPS_NHWC ? "nhwc" : "nchw", p.n, p.c, p.in_h, p.in_w, oh, ow, p.out_h,
             p.out_w, (double)p.scale_h, (double)p.scale_w, (int)p.coord, (int)p.round,
             pl[i].after ? "after" : "before", pl[i].off);
    /* As for deconv: one-shot calls on the guard-after runs, create + run of
     * a resize plan on the guard-before ones. */
    if (pl[i].after) {
      st = bilinear ? ups_resize_bilinear_f32(&p, rin.ptr, rout.ptr)
                    : ups_resize_nearest_f32(&p, rin.ptr, rout.ptr);
    } else {
      ups_resize_plan *plan = NULL;
      st = ups_resize_plan_create(&p, bilinear ? UPS_OP_BILINEAR : UPS_OP_NEAREST, &plan);
      if (st == UPS_OK) st = ups_resize_plan_run(plan, rin.ptr, rout.ptr);
      ups_resize_plan_destroy(plan);
    }
    region_protect(&rin, PROT_READ | PROT_WRITE);
    runs++;
    TU_EXPECT(st == UPS_OK, "%s: %s", current, ups_status_string(st));
    if (st != UPS_OK) continue;
    ups_check_result r;
    ups_status cs = bilinear ? ups_check_bilinear(&p, rin.ptr, rout.ptr, &r)
                             : ups_check_nearest(&p, rin.ptr, rout.ptr, &r);
    TU_EXPECT(check_ok(cs, &r), "%s: %zu/%zu elements wrong, first at %zu: got %g want %g",
              current, r.failures, r.count, r.first_bad, (double)r.first_got,
              (double)r.first_want);
    TU_EXPECT(region_slack_intact(&rout), "%s: wrote outside the output", current);
    TU_EXPECT(region_slack_intact(&rin) && memcmp(rin.ptr, src, in_e * sizeof(float)) == 0,
              "%s: input changed", current);
  }
  region_free(&rin);
  region_free(&rout);
  free(src);
}

static const float factors[] = {1.0f, 2.0f, 3.0f, 4.0f, 8.0f, 1.5f, 0.75f, 2.6f, 0.5f, 1.0f / 3.0f};
enum { NFACTORS = sizeof factors / sizeof factors[0] };

/* One resize case: factor per axis, how the size is given (0: explicit out,
 * no scale; 1: explicit out and the scale; 2: scale only). */
static void resize_case(int bilinear, ups_layout layout, size_t n, size_t c, size_t ih,
                        size_t iw, float fh, float fw, int given, ups_coord coord,
                        ups_round round, tu_rng *rng, const ups_isa *isas, int ni) {
  ups_resize_params p = {0};
  p.layout = layout;
  p.n = n;
  p.c = c;
  p.in_h = ih;
  p.in_w = iw;
  p.coord = coord;
  p.round = round;
  const double oh = floor((double)ih * fh), ow = floor((double)iw * fw);
  if (given == 2 && (oh < 1.0 || ow < 1.0)) given = 1;
  if (given != 2) {
    p.out_h = oh < 1.0 ? 1 : (size_t)oh;
    p.out_w = ow < 1.0 ? 1 : (size_t)ow;
  }
  if (given != 0) {
    p.scale_h = fh;
    p.scale_w = fw;
  }
  for (int k = 0; k < ni; k++) run_resize(&p, bilinear, isas[k], rng);
  resize_cases++;
}

static void resize_sweeps(const ups_isa *isas, int ni) {
  tu_rng rng = {0x6a09e667f3bcc908ull};
  for (int bilinear = 0; bilinear <= 1; bilinear++) {
    const int ncoord = bilinear ? 4 : 5;
    size_t k = 0;
    /* Tails: every channel count x every input width, both layouts. */
    for (int l = 0; l <= 1; l++)
      for (size_t c = 1; c <= 17; c++)
        for (size_t iw = 1; iw <= 19; iw++, k++) {
          const float fw = factors[k % NFACTORS], fh = factors[(k / 3) % 5];
          resize_case(bilinear, (ups_layout)l, 1 + k % 2, c, 1 + k % 3, iw, fh, fw,
                      (int)(k % 3), (ups_coord)(k % ncoord), (ups_round)((k / 5) % 4), &rng,
                      isas, ni);
        }
    /* Modes: every factor x coordinate mode x rounding x layout. */
    for (int l = 0; l <= 1; l++)
      for (int f = 0; f < NFACTORS; f++)
        for (int co = 0; co < ncoord; co++)
          for (int ro = 0; ro < (bilinear ? 1 : 4); ro++, k++)
            resize_case(bilinear, (ups_layout)l, 1, 1 + k % 17, 1 + k % 5, 1 + k % 19,
                        factors[f], factors[(f + 3) % NFACTORS], (int)(k % 3), (ups_coord)co,
                        (ups_round)ro, &rng, isas, ni);
    /* The half-pixel 2x fast paths (both axes 2x, which the shapes above
     * never give): rows of 9 to 26 inputs (every 16-output tail), 1 to 4
     * input rows (first, interior and last row pairs), channels that take
     * the NCHW-like (1, 3), 4-float pixel (4) and NHWC register (8, 13)
     * paths. */
    if (bilinear)
      for (int l = 0; l <= 1; l++)
        for (size_t iw = 9; iw <= 26; iw++)
          for (size_t ih = 1; ih <= 4; ih++, k++) {
            static const size_t cs[5] = {1, 3, 4, 8, 13};
            /* channels and n vary with iw too, so every row count meets each */
            resize_case(bilinear, (ups_layout)l, 1 + iw % 2, cs[(ih + iw) % 5], ih, iw, 2.0f, 2.0f,
                        (int)(k % 3), UPS_COORD_HALF_PIXEL, UPS_ROUND_FLOOR, &rng, isas, ni);
          }
  }
}

/* ------------------------------------------------------------ deconv and upconv */

/* One case of a convolution operator (op, parameters p0) on one variant,
 * once per placement: the one-shot call on the guard-after runs, create + run
 * of a plan on the guard-before runs (both reach the same kernels by
 * different paths). case_no picks the placements; specials puts a NaN and an
 * inf into the input. */
static void run_conv(const ups_conv_op *op, const void *p0, int with_bias, ups_isa isa,
                     size_t case_no, int specials, tu_rng *rng) {
  ups_conv_params p;
  memcpy(&p, p0, op->params_size);
  op->set_isa(&p, isa);
  size_t oh, ow;
  ups_status st = op->output_size(&p, &oh, &ow);
  TU_EXPECT(st == UPS_OK, "%s output size: %s", op->name, ups_status_string(st));
  if (st != UPS_OK) return;
  ups_conv_counts c;
  op->counts(&p, oh, ow, &c);
  const size_t in_e = c.in, out_e = c.out, w_e = c.w, b_e = c.b;
  float *src = malloc((in_e + w_e + b_e) * sizeof(float));
  region rin, rw, rb, rout;
  rb.map = NULL;
  if (!src || !region_alloc(&rin, in_e * sizeof(float)) ||
      !region_alloc(&rw, w_e * sizeof(float)) || !region_alloc(&rb, b_e * sizeof(float)) ||
      !region_alloc(&rout, out_e * sizeof(float))) {
    TU_EXPECT(0, "allocation");
    free(src);
    return;
  }
  float *sw = src + in_e, *sb = sw + w_e;
  char what[320];
  op->describe(&p, what, sizeof what);
  fill_input(rng, src, in_e, specials);
  tu_fill(rng, sw, w_e, -1.0f, 1.0f);
  tu_fill(rng, sb, b_e, -1.0f, 1.0f);
  placement pl[16];
  const int np = placements(case_no, out_e * sizeof(float), pl);
  for (int i = 0; i < np; i++) {
    region *all[4] = {&rin, &rw, &rb, &rout};
    for (int j = 0; j < 4; j++) region_place(all[j], pl[i].after, pl[i].off);
    memcpy(rin.ptr, src, in_e * sizeof(float));
    memcpy(rw.ptr, sw, w_e * sizeof(float));
    memcpy(rb.ptr, sb, b_e * sizeof(float));
    tu_fill_nan(rout.ptr, out_e);
    for (int j = 0; j < 3; j++) region_protect(all[j], PROT_READ);
    const float *bias = with_bias ? rb.ptr : NULL;
    const int use_plan = !pl[i].after;
    snprintf(current, sizeof current, "%s %s %s %s out=%zux%zu bias=%d guard %s off %zu",
             op->name, ups_isa_name(isa), use_plan ? "plan" : "one-shot", what, oh, ow,
             with_bias, pl[i].after ? "after" : "before", pl[i].off);
    if (use_plan) {
      void *plan = NULL;
      st = op->plan_create(&p, rw.ptr, bias, &plan);
      if (st == UPS_OK) {
        TU_EXPECT(op->plan_isa(plan) == isa, "%s: plan isa %s", current,
                  ups_isa_name(op->plan_isa(plan)));
        st = op->plan_run(plan, rin.ptr, rout.ptr);
      }
      op->plan_destroy(plan);
    } else {
      st = op->run(&p, rin.ptr, rw.ptr, bias, rout.ptr);
    }
    for (int j = 0; j < 3; j++) region_protect(all[j], PROT_READ | PROT_WRITE);
    runs++;
    TU_EXPECT(st == UPS_OK, "%s: %s", current, ups_status_string(st));
    if (st != UPS_OK) continue;
    ups_check_result r;
    ups_status cs = op->check(&p, rin.ptr, rw.ptr, bias, rout.ptr, &r);
    TU_EXPECT(check_ok(cs, &r), "%s: %zu/%zu elements wrong, first at %zu: got %g want %g",
              current, r.failures, r.count, r.first_bad, (double)r.first_got,
              (double)r.first_want);
    TU_EXPECT(region_slack_intact(&rout), "%s: wrote outside the output", current);
    TU_EXPECT(region_slack_intact(&rin) && region_slack_intact(&rw) && region_slack_intact(&rb) &&
                  memcmp(rin.ptr, src, in_e * sizeof(float)) == 0 &&
                  memcmp(rw.ptr, sw, w_e * sizeof(float)) == 0 &&
                  memcmp(rb.ptr, sb, b_e * sizeof(float)) == 0,
              "%s: an input changed", current);
  }
  region_free(&rin);
  region_free(&rw);
  region_free(&rb);
  region_free(&rout);
  free(src);
}

/* ------------------------------------------------------------ deconv */

/* Pads for one axis that keep the output >= 1: begin + end < full size. */
static void axis_pads(tu_rng *rng, size_t in, size_t k, size_t s, size_t d, size_t op,
                      size_t *pb, size_t *pe) {
  const size_t full = (in - 1) * s + d * (k - 1) + op + 1;
  const size_t maxp = full - 1 < 3 ? full - 1 : 3;
  *pb = tu_range(rng, 0, maxp);
  *pe = tu_range(rng, 0, maxp - *pb);
}

static void deconv_case(ups_layout layout, size_t ic_g, size_t oc, size_t iw, size_t k,
                        tu_rng *rng, const ups_isa *isas, int ni) {
  /* Groups: a divisor of oc (cycled), input channels a multiple of it. */
  size_t divs[17], nd = 0;
  for (size_t d = 1; d <= oc; d++)
    if (oc % d == 0) divs[nd++] = d;
  const size_t g = divs[deconv_cases % nd];
  ups_deconv_params p = {0};
  p.layout = layout;
  p.n = 1 + deconv_cases % 2;
  p.groups = deconv_cases % 3 == 0 && g == 1 ? 0 : g; /* 0 = default 1 */
  p.in_c = g * ic_g;
  p.out_c = oc;
  p.in_h = 1 + deconv_cases % 3;
  p.in_w = iw;
  p.kernel_h = 1 + (k + deconv_cases) % 4;
  p.kernel_w = k;
  const size_t s_w = 1 + (deconv_cases / 2) % 4, s_h = 1 + (deconv_cases / 3) % 3;
  const size_t d_w = 1 + (deconv_cases / 5) % 2, d_h = 1 + (deconv_cases / 7) % 3;
  /* 0 means the default (1): use it on some cases. */
  p.stride_w = s_w == 1 && deconv_cases % 4 == 0 ? 0 : s_w;
  p.stride_h = s_h;
  p.dilation_w = d_w == 1 && deconv_cases % 4 == 1 ? 0 : d_w;
  p.dilation_h = d_h;
  const size_t opmax_w = (s_w > d_w ? s_w : d_w) - 1, opmax_h = (s_h > d_h ? s_h : d_h) - 1;
  p.out_pad_w = tu_range(rng, 0, opmax_w);
  p.out_pad_h = tu_range(rng, 0, opmax_h);
  axis_pads(rng, p.in_h, p.kernel_h, s_h, d_h, p.out_pad_h, &p.pad_top, &p.pad_bottom);
  axis_pads(rng, p.in_w, p.kernel_w, s_w, d_w, p.out_pad_w, &p.pad_left, &p.pad_right);
  p.weight_layout = (ups_weight_layout)((deconv_cases / 2) % 2);
  const int with_bias = deconv_cases % 2 == 0;
  for (int j = 0; j < ni; j++)
    run_conv(&ups_conv_deconv, &p, with_bias, isas[j], deconv_cases, deconv_cases % 8 == 5, rng);
  deconv_cases++;
}

static void deconv_sweeps(const ups_isa *isas, int ni) {
  tu_rng rng = {0xbb67ae8584caa73bull};
  /* Output channels 1..17 x input widths 1..19, both layouts. */
  for (int l = 0; l <= 1; l++)
    for (size_t oc = 1; oc <= 17; oc++)
      for (size_t iw = 1; iw <= 19; iw++)
        deconv_case((ups_layout)l, 1 + (oc + iw) % 5, oc, iw, 1 + (oc * 19 + iw) % 5, &rng, isas,
                    ni);
  /* Input channels per group 1..17 x kernel widths 1..5, both layouts. */
  for (int l = 0; l <= 1; l++)
    for (size_t icg = 1; icg <= 17; icg++)
      for (size_t k = 1; k <= 5; k++)
        deconv_case((ups_layout)l, icg, 1 + (icg * 5 + k) % 8, 1 + (icg + k) % 19, k, &rng, isas,
                    ni);
}

/* ------------------------------------------------------------ upconv */

static size_t upconv_cases;

/* Pads of one upconv axis (upsampled size up, span d*(k-1)) that keep the
 * output >= 1, up to 2 beyond the span. */
static void upconv_pads(tu_rng *rng, size_t up, size_t span, size_t *pb, size_t *pe) {
  for (;;) {
    *pb = tu_range(rng, 0, span + 2);
    *pe = tu_range(rng, 0, span + 2);
    if (up + *pb + *pe > span) return;
  }
}

static void upconv_case(ups_layout layout, size_t oc, size_t iw, tu_rng *rng, const ups_isa *isas,
                        int ni) {
  size_t divs[17], nd = 0;
  for (size_t d = 1; d <= oc; d++)
    if (oc % d == 0) divs[nd++] = d;
  const size_t c = upconv_cases, g = divs[c % nd];
  ups_upconv_params p = {0};
  p.layout = layout;
  p.n = 1 + c % 2;
  p.groups = c % 3 == 0 && g == 1 ? 0 : g;
  p.in_c = g * (1 + (c / 2) % 4);
  p.out_c = oc;
  p.in_h = 1 + c % 3;
  p.in_w = iw;
  p.factor_h = c % 5 == 0 ? 0 : 1 + c % 3; /* 0 = default 1 */
  p.factor_w = 1 + (c / 3) % 4;
  p.kernel_h = 1 + (c / 2) % 4;
  p.kernel_w = 1 + (iw + c) % 5;
  p.dilation_h = 1 + (c / 7) % 2;
  p.dilation_w = c % 4 == 1 ? 0 : 1 + (c / 5) % 2;
  const size_t fh = p.factor_h ? p.factor_h : 1, dw = p.dilation_w ? p.dilation_w : 1;
  upconv_pads(rng, p.in_h * fh, p.dilation_h * (p.kernel_h - 1), &p.pad_top, &p.pad_bottom);
  upconv_pads(rng, p.in_w * p.factor_w, dw * (p.kernel_w - 1), &p.pad_left, &p.pad_right);
  p.weight_layout = (ups_conv_weight_layout)((c / 2) % 2);
  p.mode = (c / 4) % 2 ? UPS_OP_BILINEAR : UPS_OP_NEAREST;
  for (int j = 0; j < ni; j++) run_conv(&ups_conv_upconv, &p, c % 2 == 0, isas[j], c, 0, rng);
  upconv_cases++;
}

/* Output channels 1..17 x input widths 1..19 (odd ones and 2), both layouts. */
static void upconv_sweeps(const ups_isa *isas, int ni) {
  tu_rng rng = {0x3c6ef372fe94f82bull};
  static const size_t widths[] = {1, 2, 3, 5, 7, 9, 11, 13, 17, 19};
  for (int l = 0; l <= 1; l++)
    for (size_t oc = 1; oc <= 17; oc++)
      for (size_t i = 0; i < TU_COUNT(widths); i++)
        upconv_case((ups_layout)l, oc, widths[i], &rng, isas, ni);
}

/* ------------------------------------------------------------ self-test */

/* Proof that the harness itself detects what it claims to: deliberately wrong
 * kernels, installed with the test hook in a child process, must fault on a
 * guard page or be caught by the canary. */
typedef void (*nearest_run_fn)(const ups_nearest_job *j, const void *prep, const ups_range *r);

static void good_nearest(const ups_nearest_job *j, const void *prep, const ups_range *r) {
  ups_kernel_table_scalar.nearest[UPS_NCHW].run(j, prep, r);
}

static void bad_read_past_input(const ups_nearest_job *j, const void *prep, const ups_range *r) {
  good_nearest(j, prep, r);
  volatile float x = j->in[j->n * j->c * j->y.in * j->x.in]; /* one past the end */
  (void)x;
}

static void bad_write_before_output(const ups_nearest_job *j, const void *prep,
                                    const ups_range *r) {
  good_nearest(j, prep, r);
  j->out[-1] = 0.0f;
}

/* Runs a 3x5 -> 6x10 nearest resize with `kernel` in a child; the buffers are
 * placed (after, off). Returns the child's wait status. Exit code 3: the
 * canary caught a stray write. */
static int child_run(nearest_run_fn kernel, int after, size_t off) {
  fflush(NULL);
  const pid_t pid = fork();
  if (pid == 0) {
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    ups_kernel_table t = {0};
    t.nearest[UPS_NCHW].run = kernel;
    ups_kernels_override_for_testing(UPS_ISA_SCALAR, &t);
    ups_resize_params p = {0};
    p.n = p.c = 1;
    p.in_h = 3;
    p.in_w = 5;
    p.out_h = 6;
    p.out_w = 10;
    p.isa = UPS_ISA_SCALAR;
    region rin, rout;
    if (!region_alloc(&rin, 15 * sizeof(float)) || !region_alloc(&rout, 60 * sizeof(float)))
      _exit(2);
    region_place(&rin, after, off);
    region_place(&rout, after, off);
    for (int i = 0; i < 15; i++) rin.ptr[i] = (float)i;
    if (ups_resize_nearest_f32(&p, rin.ptr, rout.ptr) != UPS_OK) _exit(2);
    _exit(region_slack_intact(&rout) ? 0 : 3);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
  return status;
}

static void harness_self_test(void) {
  printf("self-test: two child processes are meant to die of SIGSEGV now (a fault report "
         "from qemu or a sanitizer below is expected)\n");
  int st = child_run(bad_read_past_input, 1, (size_t)(0u - 15u * 4u) & 31u);
  TU_EXPECT(WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGBUS),
            "a read one past the input end must fault on the guard page (status %#x)", st);
  st = child_run(bad_write_before_output, 0, 0);
  TU_EXPECT(WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGBUS),
            "a write before the output start must fault on the guard page (status %#x)", st);
  st = child_run(bad_write_before_output, 0, 8);
  TU_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 3,
            "a write into the slack before a misaligned output must hit the canary (status %#x)",
            st);
  st = child_run(good_nearest, 0, 8);
  TU_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the correct kernel passes (status %#x)", st);
}

int main(void) {
  page_size = (size_t)sysconf(_SC_PAGESIZE);
  signal(SIGSEGV, on_fault);
  signal(SIGBUS, on_fault);
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  printf("variants:");
  for (int i = 0; i < ni; i++) printf(" %s", ups_isa_name(isas[i]));
  printf("%s\n", tu_small_scale() ? " (small scale)" : "");
  harness_self_test();
  resize_sweeps(isas, ni);
  deconv_sweeps(isas, ni);
  upconv_sweeps(isas, ni);
  printf("%zu resize cases, %zu deconv cases, %zu upconv cases, %zu guarded runs\n",
         resize_cases, deconv_cases, upconv_cases, runs);
  return tu_finish("guard");
}
