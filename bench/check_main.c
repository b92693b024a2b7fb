/* check_main.c — upsimd-check: a seeded randomized sweep of every operator x
 * variant against the scalar reference, with the contract of kernels/check.h.
 * Covers every coordinate mode and rounding, both layouts, up- and
 * down-sampling, explicit and derived scales, 2x/4x fast-path shapes; deconv
 * with groups, dilation, asymmetric pads, output padding, bias or none, both
 * weight layouts, odd channel counts; upconv (nearest and bilinear, through
 * a plan or the one-shot call) with factors 1-3, groups, dilation,
 * asymmetric pads, both weight layouts, against the two-step reference;
 * occasional non-finite inputs everywhere but bilinear upconv. Outputs are
 * NaN-filled and end flush against a PROT_NONE page (an overrun faults).
 * Prints a table (operator, variant, cases, worst error as a fraction of the
 * contract's bound, failures) and exits 1 on any failure.
 * With --problem/--batch (bench/problem.h) it checks exactly those problems
 * instead, with the same guarded outputs and contract, one row per problem
 * and variant.
 *
 *   upsimd-check [--cases N] [--seed S] [--quick] [--verbose]
 *   upsimd-check [--problem DESC]... [--batch FILE]... [--verbose] [--dry-run] */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "conv_op.h"
#include "harness.h"
#include "internal.h" /* UPS_ISA_MAX */

/* Tallies are indexed by ups_isa (AUTO = 0 included); the ISAs themselves
 * come from the library's registry (ups_isa_count). */
enum { N_VARIANT = UPS_ISA_MAX };

typedef struct tally {
  ups_check_result r;
  size_t cases, call_errors, failed_cases;
  int used;
} tally;

/* ------------------------------------------------------------ guarded output */

typedef struct guarded {
  void *base;
  size_t map_bytes;
  float *ptr;
} guarded;

static float *guarded_alloc(guarded *g, size_t elems) {
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  const size_t bytes = elems * sizeof(float);
  const size_t data_pages = (bytes + page - 1) / page;
  g->map_bytes = (data_pages + 1) * page;
  g->base = mmap(NULL, g->map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g->base == MAP_FAILED) return g->ptr = NULL;
  unsigned char *b = g->base;
  mprotect(b + data_pages * page, page, PROT_NONE);
  g->ptr = (float *)(b + data_pages * page - bytes);
  return g->ptr;
}

static void guarded_free(guarded *g) {
  if (g->ptr) munmap(g->base, g->map_bytes);
  g->ptr = NULL;
}

/* ------------------------------------------------------------ generators */

static size_t pick(bench_rng *r, const size_t *v, size_t n) { return v[bench_rng_range(r, 0, n - 1)]; }

static size_t channels(bench_rng *r) {
  static const size_t wide[] = {8, 16, 24, 32, 33, 64, 67};
  return bench_rng_range(r, 0, 3) == 0 ? pick(r, wide, 7) : bench_rng_range(r, 1, 19);
}

static void gen_resize(bench_rng *r, int bilinear, ups_resize_params *p) {
  for (;;) {
    memset(p, 0, sizeof *p);
    p->layout = bench_rng_range(r, 0, 1) ? UPS_NHWC : UPS_NCHW;
    p->n = bench_rng_range(r, 1, 2);
    p->c = channels(r);
    p->in_h = bench_rng_range(r, 1, 24);
    p->in_w = bench_rng_range(r, 1, 24);
    p->coord = (ups_coord)bench_rng_range(r, 0, bilinear ? 3 : 4);
    p->round = (ups_round)bench_rng_range(r, 0, 3);
    static const float scales[] = {0.5f, 0.75f, 1.5f, 2.0f, 2.5f, 3.0f, 4.0f, 8.0f, 1.0f / 3.0f};
    switch (bench_rng_range(r, 0, 3)) {
      case 0: { /* integer up-scale by sizes and scale (the fast paths) */
        static const size_t f[] = {2, 2, 3, 4, 8};
        const size_t k = pick(r, f, 5);
        p->out_h = p->in_h * k;
        p->out_w = p->in_w * k;
        if (bench_rng_range(r, 0, 1)) p->scale_h = p->scale_w = (float)k;
        break;
      }
      case 1: /* sizes only, up or down */
        p->out_h = bench_rng_range(r, 1, 60);
        p->out_w = bench_rng_range(r, 1, 60);
        break;
      case 2: /* explicit scale, output derived */
        p->scale_h = scales[bench_rng_range(r, 0, 8)];
        p->scale_w = bench_rng_range(r, 0, 1) ? p->scale_h : scales[bench_rng_range(r, 0, 8)];
        break;
      default: /* explicit random scale and an output size that disagrees with it */
        p->scale_h = bench_rng_uniform(r, 0.3f, 4.0f);
        p->scale_w = bench_rng_uniform(r, 0.3f, 4.0f);
        p->out_h = bench_rng_range(r, 1, 50);
        p->out_w = bench_rng_range(r, 1, 50);
        break;
    }
    size_t oh, ow;
    if (ups_resize_output_size(p, &oh, &ow) == UPS_OK && oh * ow <= 100000) return;
  }
}

/* Batch 1-2, groups (mostly 1, else 2-3) and channels per group: mostly
 * 1..small, one case in four a count from wide[nwide]. */
static void gen_channels(bench_rng *r, size_t small, const size_t *wide, size_t nwide, size_t *n,
                         size_t *groups, size_t *in_c, size_t *out_c) {
  *n = bench_rng_range(r, 1, 2);
  *groups = bench_rng_range(r, 0, 2) ? 1 : bench_rng_range(r, 2, 3);
  const size_t ic_g =
      bench_rng_range(r, 0, 3) ? bench_rng_range(r, 1, small) : pick(r, wide, nwide);
  const size_t oc_g =
      bench_rng_range(r, 0, 3) ? bench_rng_range(r, 1, small) : pick(r, wide, nwide);
  *in_c = ic_g * *groups;
  *out_c = oc_g * *groups;
}

/* Pads below the kernel's span d*(k-1)+1 per side, in the order top,
 * bottom, left, right. */
static void gen_pads(bench_rng *r, size_t dh, size_t kh, size_t dw, size_t kw, size_t *top,
                     size_t *bottom, size_t *left, size_t *right) {
  const size_t span_h = dh * (kh - 1) + 1, span_w = dw * (kw - 1) + 1;
  *top = bench_rng_range(r, 0, span_h - 1);
  *bottom = bench_rng_range(r, 0, span_h - 1);
  *left = bench_rng_range(r, 0, span_w - 1);
  *right = bench_rng_range(r, 0, span_w - 1);
}

static void gen_deconv(bench_rng *r, void *pv, int *bias) {
  ups_deconv_params *p = pv;
  for (;;) {
    memset(p, 0, sizeof *p);
    p->layout = bench_rng_range(r, 0, 1) ? UPS_NHWC : UPS_NCHW;
    p->weight_layout = bench_rng_range(r, 0, 1) ? UPS_W_HWOI : UPS_W_IOHW;
    static const size_t wide[] = {8, 16, 17, 32};
    gen_channels(r, 7, wide, 4, &p->n, &p->groups, &p->in_c, &p->out_c);
    p->in_h = bench_rng_range(r, 1, 12);
    p->in_w = bench_rng_range(r, 1, 12);
    p->kernel_h = bench_rng_range(r, 1, 5);
    p->kernel_w = bench_rng_range(r, 0, 2) ? p->kernel_h : bench_rng_range(r, 1, 5);
    p->stride_h = bench_rng_range(r, 1, 4);
    p->stride_w = bench_rng_range(r, 0, 2) ? p->stride_h : bench_rng_range(r, 1, 4);
    p->dilation_h = bench_rng_range(r, 0, 2) ? 1 : bench_rng_range(r, 2, 3);
    p->dilation_w = bench_rng_range(r, 0, 2) ? p->dilation_h : bench_rng_range(r, 1, 3);
    gen_pads(r, p->dilation_h, p->kernel_h, p->dilation_w, p->kernel_w, &p->pad_top,
             &p->pad_bottom, &p->pad_left, &p->pad_right);
    const size_t mh = p->stride_h > p->dilation_h ? p->stride_h : p->dilation_h;
    const size_t mw = p->stride_w > p->dilation_w ? p->stride_w : p->dilation_w;
    p->out_pad_h = bench_rng_range(r, 0, 2) ? 0 : bench_rng_range(r, 0, mh - 1);
    p->out_pad_w = bench_rng_range(r, 0, 2) ? 0 : bench_rng_range(r, 0, mw - 1);
    *bias = (int)bench_rng_range(r, 0, 1);
    size_t oh, ow;
    if (ups_deconv_output_size(p, &oh, &ow) == UPS_OK) return;
  }
}

/* Small nearest and bilinear upconv problems (the reference is a direct convolution of the
 * upsampled image: kept cheap). */
static void gen_upconv(bench_rng *r, void *pv, int *bias) {
  ups_upconv_params *p = pv;
  for (;;) {
    memset(p, 0, sizeof *p);
    p->layout = bench_rng_range(r, 0, 1) ? UPS_NHWC : UPS_NCHW;
    p->weight_layout = bench_rng_range(r, 0, 1) ? UPS_CW_HWIO : UPS_CW_OIHW;
    p->mode = bench_rng_range(r, 0, 1) ? UPS_OP_BILINEAR : UPS_OP_NEAREST;
    static const size_t wide[] = {8, 16, 17};
    gen_channels(r, 6, wide, 3, &p->n, &p->groups, &p->in_c, &p->out_c);
    p->in_h = bench_rng_range(r, 1, 9);
    p->in_w = bench_rng_range(r, 1, 9);
    p->factor_h = bench_rng_range(r, 1, 3);
    p->factor_w = bench_rng_range(r, 0, 2) ? p->factor_h : bench_rng_range(r, 1, 3);
    p->kernel_h = bench_rng_range(r, 1, 4);
    p->kernel_w = bench_rng_range(r, 0, 2) ? p->kernel_h : bench_rng_range(r, 1, 4);
    p->dilation_h = bench_rng_range(r, 0, 3) ? 1 : 2;
    p->dilation_w = bench_rng_range(r, 0, 2) ? p->dilation_h : bench_rng_range(r, 1, 2);
    gen_pads(r, p->dilation_h, p->kernel_h, p->dilation_w, p->kernel_w, &p->pad_top,
             &p->pad_bottom, &p->pad_left, &p->pad_right);
    *bias = (int)bench_rng_range(r, 0, 1);
    size_t oh, ow;
    if (ups_upconv_output_size(p, &oh, &ow) == UPS_OK) return;
  }
}

/* A few non-finite inputs in one case out of eight. */
static void maybe_poison(bench_rng *r, float *x, size_t n) {
  if (bench_rng_range(r, 0, 7) != 0) return;
  static const float bad[] = {INFINITY, -INFINITY, NAN};
  for (int k = 0; k < 2; k++) x[bench_rng_range(r, 0, n - 1)] = bad[bench_rng_range(r, 0, 2)];
}

/* ------------------------------------------------------------ sweep */

static int g_verbose;

static void note_failure(const char *op, ups_isa isa, size_t case_no, const char *what,
                         const char *problem) {
  fprintf(stderr, "\nupsimd-check: %s/%s case %zu: %s\n  problem: %s\n", op, ups_isa_name(isa),
          case_no, what, problem);
}

static void describe_resize(char *b, size_t cap, const ups_resize_params *p) {
  snprintf(b, cap, "%s n=%zu c=%zu %zux%zu -> %zux%zu scale=%gx%g coord=%d round=%d",
           p->layout == UPS_NHWC ? "nhwc" : "nchw", p->n, p->c, p->in_h, p->in_w, p->out_h,
           p->out_w, (double)p->scale_h, (double)p->scale_w, (int)p->coord, (int)p->round);
}

static void progress(const char *op, size_t i, size_t n) {
  if (isatty(2) && (i % 16 == 0 || i == n))
    fprintf(stderr, "\rupsimd-check: %-8s %zu/%zu", op, i, n);
}

static void account(tally *t, ups_status call, ups_status chk, const ups_check_result *r,
                    const char *op, ups_isa isa, size_t case_no, const char *problem) {
  t->used = 1;
  t->cases++;
  if (call != UPS_OK || chk != UPS_OK) {
    t->call_errors++;
    char what[128];
    snprintf(what, sizeof what, "call returned \"%s\" (check: \"%s\")", ups_status_string(call),
             ups_status_string(chk));
    note_failure(op, isa, case_no, what, problem);
    return;
  }
  if (r->failures) t->failed_cases++;
  if (r->failures && (t->r.failures == 0 || g_verbose)) {
    char what[256];
    snprintf(what, sizeof what, "%zu of %zu outputs outside the contract (worst %.3g x bound; "
             "first at [%zu]: got %.9g, reference %.9g)",
             r->failures, r->count, r->worst, r->first_bad, (double)r->first_got,
             (double)r->first_want);
    note_failure(op, isa, case_no, what, problem);
  }
  ups_check_merge(&t->r, r);
}

/* Every supported ISA in registry order, then AUTO. */
static int variants(ups_isa out[N_VARIANT]) {
  int n = 0;
  for (int i = UPS_ISA_SCALAR; i < ups_isa_count() && n < N_VARIANT - 1; i++)
    if (ups_isa_supported((ups_isa)i)) out[n++] = (ups_isa)i;
  out[n++] = UPS_ISA_AUTO;
  return n;
}

static void out_of_memory(void) {
  fprintf(stderr, "upsimd-check: out of memory\n");
  exit(2);
}

/* One resize problem on every variant: inputs from in_seed (plus a few
 * non-finite ones when poison is given), outputs NaN-filled against a guard
 * page, each variant compared with the reference and tallied into t. */
static void check_resize_case(const ups_resize_params *p0, int bilinear, uint64_t in_seed,
                              bench_rng *poison, size_t case_no, tally t[N_VARIANT]) {
  const char *op = bilinear ? "bilinear" : "nearest";
  ups_isa isas[N_VARIANT];
  const int nv = variants(isas);
  ups_resize_params p = *p0;
  size_t oh, ow;
  ups_resize_output_size(&p, &oh, &ow);
  const size_t in_n = p.n * p.c * p.in_h * p.in_w, out_n = p.n * p.c * oh * ow;
  float *in = malloc(in_n * sizeof *in);
  guarded g;
  float *out = guarded_alloc(&g, out_n);
  if (!in || !out) out_of_memory();
  bench_fill_uniform(in_seed, in, in_n, -4.f, 4.f);
  if (poison) maybe_poison(poison, in, in_n);
  char problem[256];
  describe_resize(problem, sizeof problem, &p);
  for (int v = 0; v < nv; v++) {
    p.isa = isas[v];
    bench_fill_nan(out, out_n);
    const ups_status call = bilinear ? ups_resize_bilinear_f32(&p, in, out)
                                     : ups_resize_nearest_f32(&p, in, out);
    ups_check_result res = {0};
    ups_status chk = UPS_OK;
    if (call == UPS_OK)
      chk = bilinear ? ups_check_bilinear(&p, in, out, &res) : ups_check_nearest(&p, in, out, &res);
    account(&t[isas[v]], call, chk, &res, op, isas[v], case_no, problem);
  }
  free(in);
  guarded_free(&g);
}

/* A convolution problem's tensors; the output ends at a guard page. */
typedef struct conv_tensors {
  float *in, *w, *bias, *out;
  size_t in_n, w_n, out_n;
  guarded g;
} conv_tensors;

static void conv_tensors_make(conv_tensors *d, const ups_conv_op *op, const void *p,
                              int has_bias, bench_rng *r) {
  size_t oh = 0, ow = 0;
  op->output_size(p, &oh, &ow);
  ups_conv_counts c;
  op->counts(p, oh, ow, &c);
  d->in_n = c.in;
  d->out_n = c.out;
  d->w_n = c.w;
  d->in = malloc(d->in_n * sizeof *d->in);
  d->w = malloc(d->w_n * sizeof *d->w);
  d->bias = has_bias ? malloc(c.b * sizeof *d->bias) : NULL;
  d->out = guarded_alloc(&d->g, d->out_n);
  if (!d->in || !d->w || (has_bias && !d->bias) || !d->out) out_of_memory();
  bench_fill_uniform(bench_rng_next(r), d->in, d->in_n, -2.f, 2.f);
  bench_fill_uniform(bench_rng_next(r), d->w, d->w_n, -1.f, 1.f);
  if (d->bias) bench_fill_uniform(bench_rng_next(r), d->bias, c.b, -1.f, 1.f);
}

static void conv_tensors_free(conv_tensors *d) {
  free(d->in);
  free(d->w);
  free(d->bias);
  guarded_free(&d->g);
}

/* One problem of op on every variant, through a plan (use_plan) or the
 * one-shot call, each compared with op's reference (the scalar deconv, the
 * upconv two-step) and tallied into t. */
static void check_conv_case(const ups_conv_op *op, const void *p0, const conv_tensors *d,
                            int use_plan, size_t case_no, tally t[N_VARIANT]) {
  ups_isa isas[N_VARIANT];
  const int nv = variants(isas);
  ups_conv_params p;
  memcpy(&p, p0, op->params_size);
  char problem[320], desc[300];
  op->describe(&p, desc, sizeof desc);
  snprintf(problem, sizeof problem, "%s bias=%d", desc, d->bias != NULL);
  for (int v = 0; v < nv; v++) {
    op->set_isa(&p, isas[v]);
    bench_fill_nan(d->out, d->out_n);
    ups_status call;
    if (use_plan) {
      void *plan = NULL;
      call = op->plan_create(&p, d->w, d->bias, &plan);
      if (call == UPS_OK) call = op->plan_run(plan, d->in, d->out);
      op->plan_destroy(plan);
    } else {
      call = op->run(&p, d->in, d->w, d->bias, d->out);
    }
    ups_check_result res = {0};
    ups_status chk = UPS_OK;
    if (call == UPS_OK) chk = op->check(&p, d->in, d->w, d->bias, d->out, &res);
    account(&t[isas[v]], call, chk, &res, op->name, isas[v], case_no, problem);
  }
}

static void sweep_resize(int bilinear, size_t cases, uint64_t seed, tally t[N_VARIANT]) {
  const char *op = bilinear ? "bilinear" : "nearest";
  bench_rng r = {seed ^ (bilinear ? 0xb11ull : 0xea5ull)};
  for (size_t i = 0; i < cases; i++) {
    ups_resize_params p;
    gen_resize(&r, bilinear, &p);
    const uint64_t in_seed = bench_rng_next(&r);
    check_resize_case(&p, bilinear, in_seed, &r, i, t);
    progress(op, i + 1, cases);
  }
}

/* `cases` problems of op from gen, each through a plan or the one-shot call
 * (both entry points); poison: occasional non-finite inputs. */
static void sweep_conv(const ups_conv_op *op, void (*gen)(bench_rng *, void *, int *),
                       uint64_t salt, int poison, size_t cases, uint64_t seed,
                       tally t[N_VARIANT]) {
  bench_rng r = {seed ^ salt};
  for (size_t i = 0; i < cases; i++) {
    ups_conv_params p;
    int has_bias;
    gen(&r, &p, &has_bias);
    conv_tensors d;
    conv_tensors_make(&d, op, &p, has_bias, &r);
    /* bilinear upconv: finite inputs only (the tent's zero taps and the ring
     * make NaN where the two-step may be finite: README) */
    const int bilinear_upconv = op == &ups_conv_upconv && p.upconv.mode == UPS_OP_BILINEAR;
    if (poison && !bilinear_upconv) maybe_poison(&r, d.in, d.in_n);
    const int use_plan = (int)bench_rng_range(&r, 0, 1);
    check_conv_case(op, &p, &d, use_plan, i, t);
    conv_tensors_free(&d);
    progress(op->name, i + 1, cases);
  }
}

/* ------------------------------------------------------------ user problems */

/* --dry-run: each problem's canonical form and output size, as a batch file
 * (the size is a comment), without running anything. */
static void print_problems(const bench_problem_list *l) {
  char canon[BENCH_PROBLEM_TEXT_MAX];
  for (size_t i = 0; i < l->count; i++) {
    const bench_problem *p = &l->items[i];
    size_t oh = 0, ow = 0;
    if (p->op == BENCH_DECONV) ups_deconv_output_size(&p->deconv, &oh, &ow);
    else if (p->op == BENCH_UPCONV) ups_upconv_output_size(&p->upconv, &oh, &ow);
    else ups_resize_output_size(&p->resize, &oh, &ow);
    bench_problem_format(p, canon, sizeof canon);
    printf("%s  # output %zux%zu\n", canon, oh, ow);
  }
}

/* Every variant on exactly these problems (--problem, --batch): the same
 * guarded, NaN-filled outputs and contract as the sweep, deterministic inputs
 * per problem, deconv through a plan (what upsimd-bench times). One row per
 * problem and variant; 0 when all pass, 1 on a failure, 2 when the library
 * rejects a problem. */
static int check_problems(const bench_problem_list *l, int dry_run) {
  char canon[BENCH_PROBLEM_TEXT_MAX];
  for (size_t i = 0; i < l->count; i++) {
    const ups_status st = bench_problem_validate(&l->items[i]);
    if (st == UPS_OK) continue;
    bench_problem_format(&l->items[i], canon, sizeof canon);
    fprintf(stderr, "upsimd-check: problem \"%s\": the library rejects it: %s (%s)\n", canon,
            ups_status_string(st), bench_status_name(st));
    return 2;
  }
  if (dry_run) {
    print_problems(l);
    return 0;
  }
  printf("upsimd-check: %zu problem(s), AUTO = %s\n", l->count, ups_isa_name(ups_isa_selected()));
  printf("\n| problem | variant | outputs | worst error / bound | result |\n");
  printf("|---|---|---:|---:|---|\n");
  fflush(stdout);
  size_t failures = 0;
  const int n_isa = ups_isa_count() < N_VARIANT ? ups_isa_count() : N_VARIANT;
  for (size_t i = 0; i < l->count; i++) {
    const bench_problem *p = &l->items[i];
    tally t[N_VARIANT];
    memset(t, 0, sizeof t);
    bench_rng r = {0x5eed0000ull + i};
    if (p->op == BENCH_DECONV || p->op == BENCH_UPCONV) {
      const ups_conv_op *op = p->op == BENCH_DECONV ? &ups_conv_deconv : &ups_conv_upconv;
      const void *cp = p->op == BENCH_DECONV ? (const void *)&p->deconv : (const void *)&p->upconv;
      conv_tensors d;
      conv_tensors_make(&d, op, cp, p->bias, &r);
      check_conv_case(op, cp, &d, 1, i, t);
      conv_tensors_free(&d);
    } else {
      check_resize_case(&p->resize, p->op == BENCH_BILINEAR, bench_rng_next(&r), NULL, i, t);
    }
    bench_problem_format(p, canon, sizeof canon);
    for (int v = UPS_ISA_SCALAR; v <= n_isa; v++) {
      const int isa = v == n_isa ? UPS_ISA_AUTO : v; /* every registry id, then auto */
      const tally *x = &t[isa];
      if (!x->used) {
        if (isa != UPS_ISA_AUTO)
          printf("| %s | %s | - | - | not usable here |\n", canon, ups_isa_name((ups_isa)isa));
        continue;
      }
      const size_t fails = x->failed_cases + x->call_errors;
      failures += fails;
      char variant[32];
      snprintf(variant, sizeof variant, "%s%s%s", ups_isa_name((ups_isa)isa),
               isa == UPS_ISA_AUTO ? "=" : "",
               isa == UPS_ISA_AUTO ? ups_isa_name(ups_isa_selected()) : "");
      printf("| %s | %s | %zu | %.3g | %s |\n", canon, variant, x->r.count, x->r.worst,
             x->call_errors ? "FAIL (call error)" : fails ? "FAIL" : "ok");
    }
    fflush(stdout);
  }
  printf("\n%s\n", failures ? "upsimd-check: FAILED"
                             : "upsimd-check: all variants within the contract");
  return failures ? 1 : 0;
}

int main(int argc, char **argv) {
  size_t cases = 400;
  uint64_t seed = 1;
  int quick = 0, cases_given = 0, dry_run = 0;
  bench_problem_list problems = {0};
  char err[1024];
  for (int i = 1; i < argc; i++) {
    const int problem_arg = bench_problem_option(&problems, argc, argv, &i, err, sizeof err);
    if (problem_arg < 0) {
      fprintf(stderr, "upsimd-check: %s\n", err);
      bench_problem_list_free(&problems);
      return 2;
    }
    if (problem_arg) continue;
    if (strcmp(argv[i], "--quick") == 0) quick = 1;
    else if (strcmp(argv[i], "--dry-run") == 0) dry_run = 1;
    else if (strcmp(argv[i], "--verbose") == 0) g_verbose = 1;
    else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc) {
      cases = (size_t)strtoull(argv[++i], NULL, 10);
      cases_given = 1;
    } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
      seed = strtoull(argv[++i], NULL, 0);
    else {
      fprintf(stderr, "usage: upsimd-check [--cases N] [--seed S] [--quick] [--verbose]\n"
                      "       upsimd-check [--problem DESC]... [--batch FILE]... [--verbose] "
                      "[--dry-run]\n"
                      "  N cases per operator (default 400; --quick: 60) of the random sweep;\n"
                      "  or every variant on exactly the problems given (descriptor grammar:\n"
                      "  README.md, \"Problem descriptors\"; FILE: one per line, # comments).\n"
                      "  Exit 1 on any failure, 2 on usage errors (a malformed descriptor,\n"
                      "  a problem the library rejects). --dry-run prints each problem's\n"
                      "  canonical form and output size, and runs nothing.\n");
      return strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
  }
  if (quick && !cases_given) cases = 60;
  if (dry_run && !problems.count) {
    fprintf(stderr, "upsimd-check: --dry-run needs --problem or --batch\n");
    return 2;
  }
  if (problems.count) {
    const int status = check_problems(&problems, dry_run);
    bench_problem_list_free(&problems);
    return status;
  }

  static tally t[4][N_VARIANT];
  const char *ops[4] = {"nearest", "bilinear", "deconv", "upconv"};
  printf("upsimd-check: seed %llu, %zu cases per operator, AUTO = %s\n",
         (unsigned long long)seed, cases, ups_isa_name(ups_isa_selected()));
  fflush(stdout);
  sweep_resize(0, cases, seed, t[0]);
  sweep_resize(1, cases, seed, t[1]);
  sweep_conv(&ups_conv_deconv, gen_deconv, 0xdec0ull, 1, cases, seed, t[2]);
  /* upconv with non-finite inputs too: the fused kernel's structural zero
   * taps (dilation above the factor, pads beyond the span) must not turn them
   * into NaN where the two-step never reads them (e.g. nhwc hwio n1 ic1 oc5
   * 5x6 f1 k3 d1x2 pads 2,3,0,2 once gave NaN vs -1.03). */
  sweep_conv(&ups_conv_upconv, gen_upconv, 0x0bc0ull, 1, cases, seed, t[3]);
  if (isatty(2)) fprintf(stderr, "\r%60s\r", "");

  printf("\n| operator | variant | cases | outputs | worst error / bound | failed cases |\n");
  printf("|---|---|---:|---:|---:|---:|\n");
  size_t total_failures = 0;
  const int n_isa = ups_isa_count() < N_VARIANT ? ups_isa_count() : N_VARIANT;
  for (int o = 0; o < 4; o++)
    for (int v = UPS_ISA_SCALAR; v <= n_isa; v++) {
      const int isa = v == n_isa ? UPS_ISA_AUTO : v; /* every registry id, then auto */
      const tally *x = &t[o][isa];
      if (!x->used) {
        if (isa != UPS_ISA_AUTO)
          printf("| %s | %s | - | - | not usable here | - |\n", ops[o], ups_isa_name((ups_isa)isa));
        continue;
      }
      const size_t fails = x->failed_cases + x->call_errors;
      total_failures += fails;
      char variant[32];
      snprintf(variant, sizeof variant, "%s%s%s", ups_isa_name((ups_isa)isa),
               isa == UPS_ISA_AUTO ? "=" : "",
               isa == UPS_ISA_AUTO ? ups_isa_name(ups_isa_selected()) : "");
      printf("| %s | %s | %zu | %zu | %.3g | %zu%s |\n", ops[o], variant, x->cases, x->r.count,
             x->r.worst, fails, fails ? " FAIL" : "");
    }
  printf("\n%s\n", total_failures ? "upsimd-check: FAILED" : "upsimd-check: all variants within "
                                                             "the contract");
  return total_failures ? 1 : 0;
}
