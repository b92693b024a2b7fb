/* test_upconv.c — fused upsample + convolution: every variant of the
 * registry (scalar included: the fused transposed convolution is not the
 * literal two-step) against the two-step reference (ups_check_upconv) over a
 * seeded random sweep (factors 1-4 per axis, kernels 1-5, dilation, pads
 * incl. asymmetric and larger than the kernel span, groups, both layouts,
 * both weight layouts, bias or none, tiny and odd sizes, non-finite values),
 * with NaN-filled outputs against guard pages; decoder blocks at reduced
 * size; nearest and bilinear; plans: one-shot == plan run == pool run ==
 * workspace run bit for bit, a plan independent of the caller's weights
 * after create; workspace sizes and refused workspaces. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static int g_cases = 0;

static const char *desc(const ups_upconv_params *p, int has_bias) {
  static char buf[256];
  snprintf(buf, sizeof buf,
           "%s %s n%zu ic%zu oc%zu g%zu %zux%zu f%zux%zu k%zux%zu d%zux%zu p%zu,%zu,%zu,%zu %s "
           "bias%d",
           p->mode == UPS_OP_BILINEAR ? "bilinear" : "nearest",
           p->layout == UPS_NHWC ? "NHWC" : "NCHW", p->n, p->in_c, p->out_c, p->groups, p->in_h,
           p->in_w, p->factor_h, p->factor_w, p->kernel_h, p->kernel_w, p->dilation_h,
           p->dilation_w, p->pad_top, p->pad_left, p->pad_bottom, p->pad_right,
           p->weight_layout == UPS_CW_HWIO ? "HWIO" : "OIHW", has_bias);
  return buf;
}

typedef struct bufs {
  tu_guarded gi, go, gw, gb;
  float *in, *out, *w, *b;
  size_t in_e, out_e, w_e;
} bufs;

static void bufs_free(bufs *B) {
  tu_guarded_free(&B->gi);
  tu_guarded_free(&B->go);
  tu_guarded_free(&B->gw);
  tu_guarded_free(&B->gb);
}

static int bufs_alloc(bufs *B, const ups_upconv_params *p, size_t oh, size_t ow, int after) {
  const size_t g = p->groups ? p->groups : 1;
  B->in_e = p->n * p->in_c * p->in_h * p->in_w;
  B->out_e = p->n * p->out_c * oh * ow;
  B->w_e = p->out_c * (p->in_c / g) * p->kernel_h * p->kernel_w;
  B->in = tu_guarded_alloc(&B->gi, B->in_e * sizeof(float), after);
  B->out = tu_guarded_alloc(&B->go, B->out_e * sizeof(float), after);
  B->w = tu_guarded_alloc(&B->gw, B->w_e * sizeof(float), after);
  B->b = tu_guarded_alloc(&B->gb, p->out_c * sizeof(float), after);
  return B->in && B->out && B->w && B->b;
}

static void check_one(const char *what, ups_isa isa, const ups_upconv_params *p, const bufs *B,
                      int has_bias) {
  ups_check_result r;
  const ups_status cs = ups_check_upconv(p, B->in, B->w, has_bias ? B->b : NULL, B->out, &r);
  TU_EXPECT(cs == UPS_OK && r.failures == 0,
            "%s %s %s: %zu/%zu bad, worst %g, first [%zu] got %g want %g", what,
            ups_isa_name(isa), desc(p, has_bias), r.failures, r.count, r.worst, r.first_bad,
            r.first_got, r.first_want);
}

/* Every variant, one-shot on guard-after buffers and a plan on guard-before
 * ones; the plan's output equals the one-shot's bit for bit. */
static int run_case(tu_rng *rng, ups_upconv_params *p, int has_bias, int nonfinite) {
  size_t oh, ow;
  if (ups_upconv_output_size(p, &oh, &ow) != UPS_OK) return 0;
  bufs A, P;
  memset(&A, 0, sizeof A);
  memset(&P, 0, sizeof P);
  if (!bufs_alloc(&A, p, oh, ow, 1) || !bufs_alloc(&P, p, oh, ow, 0)) {
    TU_EXPECT(0, "alloc");
    bufs_free(&A), bufs_free(&P);
    return 0;
  }
  tu_fill(rng, A.in, A.in_e, -1.0f, 1.0f);
  tu_fill(rng, A.w, A.w_e, -1.0f, 1.0f);
  tu_fill(rng, A.b, p->out_c, -1.0f, 1.0f);
  if (nonfinite) {
    const float vals[3] = {INFINITY, -INFINITY, NAN};
    const int k = (int)tu_range(rng, 0, 2);
    if (tu_range(rng, 0, 1) && p->mode == UPS_OP_NEAREST) /* bilinear: README */
      A.in[tu_range(rng, 0, A.in_e - 1)] = vals[k];
    else
      A.w[tu_range(rng, 0, A.w_e - 1)] = vals[k];
  }
  memcpy(P.in, A.in, A.in_e * sizeof(float));
  memcpy(P.w, A.w, A.w_e * sizeof(float));
  memcpy(P.b, A.b, p->out_c * sizeof(float));
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int k = 0; k < ni; k++) {
    p->isa = isas[k];
    tu_fill_nan(A.out, A.out_e);
    ups_status st = ups_upconv_f32(p, A.in, A.w, has_bias ? A.b : NULL, A.out);
    TU_EXPECT(st == UPS_OK, "%s %s: status %s", ups_isa_name(isas[k]), desc(p, has_bias),
              ups_status_string(st));
    if (st != UPS_OK) continue;
    check_one("one-shot", isas[k], p, &A, has_bias);
    ups_upconv_plan *plan = NULL;
    st = ups_upconv_plan_create(p, P.w, has_bias ? P.b : NULL, &plan);
    TU_EXPECT(st == UPS_OK && ups_upconv_plan_isa(plan) == isas[k], "plan %s: %s",
              ups_isa_name(isas[k]), ups_status_string(st));
    if (st != UPS_OK) continue;
    tu_fill_nan(P.out, P.out_e);
    st = ups_upconv_plan_run(plan, P.in, P.out);
    TU_EXPECT(st == UPS_OK && memcmp(P.out, A.out, A.out_e * sizeof(float)) == 0,
              "plan run %s %s: not the one-shot's bits", ups_isa_name(isas[k]),
              desc(p, has_bias));
    ups_upconv_plan_destroy(plan);
  }
  p->isa = UPS_ISA_AUTO;
  bufs_free(&A), bufs_free(&P);
  g_cases++;
  return 1;
}

static size_t pick_ch(tu_rng *r) {
  static const size_t common[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 33};
  return tu_range(r, 0, 3) == 0 ? tu_range(r, 1, 34) : TU_PICK(r, common);
}

static void random_case(tu_rng *r) {
  for (;;) {
    ups_upconv_params p = {0};
    p.layout = tu_range(r, 0, 1) ? UPS_NHWC : UPS_NCHW;
    p.weight_layout = tu_range(r, 0, 1) ? UPS_CW_HWIO : UPS_CW_OIHW;
    p.n = tu_range(r, 1, 2);
    p.mode = tu_range(r, 0, 1) ? UPS_OP_BILINEAR : UPS_OP_NEAREST;
    const size_t mode = tu_range(r, 0, 7);
    if (mode < 5) {
      p.groups = tu_range(r, 0, 1); /* 0 = default 1 */
      p.in_c = pick_ch(r);
      p.out_c = pick_ch(r);
    } else if (mode < 7) {
      p.groups = tu_range(r, 2, 4);
      p.in_c = p.groups * tu_range(r, 1, 8);
      p.out_c = p.groups * tu_range(r, 1, 8);
    } else { /* depthwise */
      p.groups = tu_range(r, 1, 16);
      p.in_c = p.groups;
      p.out_c = p.groups * tu_range(r, 1, 2);
    }
    p.factor_h = tu_range(r, 0, 4); /* 0 = default 1 */
    p.factor_w = tu_range(r, 0, 2) ? p.factor_h : tu_range(r, 1, 4);
    p.kernel_h = tu_range(r, 1, 5);
    p.kernel_w = tu_range(r, 0, 3) ? p.kernel_h : tu_range(r, 1, 5);
    if (tu_range(r, 0, 3) == 0) {
      p.dilation_h = tu_range(r, 1, 3);
      p.dilation_w = tu_range(r, 1, 3);
    }
    const size_t tiny = tu_range(r, 0, 9) == 0;
    p.in_h = tiny ? tu_range(r, 1, 2) : tu_range(r, 1, 11);
    p.in_w = tiny ? tu_range(r, 1, 2) : tu_range(r, 1, 23);
    const size_t pm = tu_range(r, 0, 3);
    const size_t dh = p.dilation_h ? p.dilation_h : 1, dw = p.dilation_w ? p.dilation_w : 1;
    if (pm == 1) { /* PyTorch symmetric 'same'-like: (k-1)/2 * d */
      p.pad_top = p.pad_bottom = (p.kernel_h - 1) / 2 * dh;
      p.pad_left = p.pad_right = (p.kernel_w - 1) / 2 * dw;
    } else if (pm == 2) { /* Keras 'same': floor at the start, the rest at the end */
      p.pad_top = (p.kernel_h - 1) * dh / 2;
      p.pad_bottom = (p.kernel_h - 1) * dh - p.pad_top;
      p.pad_left = (p.kernel_w - 1) * dw / 2;
      p.pad_right = (p.kernel_w - 1) * dw - p.pad_left;
    } else if (pm == 3) { /* anything, beyond the span too */
      p.pad_top = tu_range(r, 0, p.kernel_h + 2);
      p.pad_bottom = tu_range(r, 0, p.kernel_h + 2);
      p.pad_left = tu_range(r, 0, p.kernel_w + 2);
      p.pad_right = tu_range(r, 0, p.kernel_w + 2);
    } /* else Keras 'valid' */
    const size_t g = p.groups ? p.groups : 1;
    const size_t fh = p.factor_h ? p.factor_h : 1, fw = p.factor_w ? p.factor_w : 1;
    const double macs = (double)p.n * p.in_c * (p.out_c / g) * p.kernel_h * p.kernel_w *
                        p.in_h * fh * p.in_w * fw;
    if (macs > 1.5e6) continue;
    if (run_case(r, &p, (int)tu_range(r, 0, 1), tu_range(r, 0, 11) == 0)) return;
  }
}

/* Decoder blocks at reduced spatial size: SD-VAE (nearest 2x + 3x3 p1, many
 * channels), U-Net, Keras 'same' 3x3 and 5x5 on factor 2 and 3, 1x1. */
static void named_cases(tu_rng *r) {
  struct {
    size_t ic, oc, hw, f, k, pt, pb, d;
  } L[] = {
      {128, 128, 5, 2, 3, 1, 1, 1}, {96, 48, 7, 2, 3, 1, 1, 1}, {64, 64, 9, 2, 3, 1, 1, 1},
      {32, 16, 6, 3, 5, 2, 2, 1},   {40, 40, 5, 4, 3, 1, 1, 1}, {70, 3, 8, 2, 1, 0, 0, 1},
      {16, 24, 7, 2, 3, 0, 0, 1},   {9, 5, 6, 2, 3, 2, 2, 2},   {300, 2, 4, 2, 3, 1, 1, 1},
  };
  for (size_t i = 0; i < sizeof L / sizeof *L; i++)
    for (int lay = 0; lay < 4; lay++)
      for (int bias = 0; bias < 2; bias++) {
        ups_upconv_params p = {0};
        p.mode = lay / 2 ? UPS_OP_BILINEAR : UPS_OP_NEAREST;
        p.layout = lay % 2 ? UPS_NHWC : UPS_NCHW;
        p.weight_layout = bias ? UPS_CW_HWIO : UPS_CW_OIHW;
        p.n = 1;
        p.in_c = L[i].ic;
        p.out_c = L[i].oc;
        p.in_h = L[i].hw;
        p.in_w = L[i].hw + 2;
        p.factor_h = p.factor_w = L[i].f;
        p.kernel_h = p.kernel_w = L[i].k;
        p.dilation_h = p.dilation_w = L[i].d;
        p.pad_top = p.pad_left = L[i].pt;
        p.pad_bottom = p.pad_right = L[i].pb;
        TU_EXPECT(run_case(r, &p, bias, 0), "named case %zu invalid", i);
      }
}

/* Runs tasks in reverse order on the calling thread. */
static void reverse_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n) {
  (void)ctx;
  for (size_t i = n; i-- > 0;) task(task_ctx, i);
}

/* A plan is independent of the caller's weights and bias once created, and
 * its pool runs (any partition) give the plan run's bits. */
static void test_plan_independence_and_pool(void) {
  ups_upconv_params p = {0};
  p.layout = UPS_NCHW;
  p.n = 2;
  p.in_c = 12;
  p.out_c = 10;
  p.in_h = 7;
  p.in_w = 9;
  p.factor_h = p.factor_w = 2;
  p.kernel_h = p.kernel_w = 3;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  ups_pool *pool = NULL;
  TU_EXPECT(ups_pool_create_engine(reverse_for, NULL, 3, &pool) == UPS_OK, "engine pool");
  tu_rng r = {77};
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int lay = 0; lay < 4; lay++)
    for (int k = 0; k < ni; k++) {
      p.mode = lay / 2 ? UPS_OP_BILINEAR : UPS_OP_NEAREST;
      p.layout = lay % 2 ? UPS_NHWC : UPS_NCHW;
      p.weight_layout = lay % 2 ? UPS_CW_HWIO : UPS_CW_OIHW;
      p.isa = isas[k];
      size_t oh, ow;
      TU_EXPECT(ups_upconv_output_size(&p, &oh, &ow) == UPS_OK && oh == 14 && ow == 18,
                "size %zux%zu", oh, ow);
      const size_t in_e = 2 * 12 * 7 * 9, out_e = 2 * 10 * oh * ow, w_e = 10 * 12 * 9;
      float *in = malloc(in_e * sizeof(float)), *w = malloc(w_e * sizeof(float));
      float *b = malloc(10 * sizeof(float));
      float *o1 = malloc(out_e * sizeof(float)), *o2 = malloc(out_e * sizeof(float));
      float *o3 = malloc(out_e * sizeof(float));
      if (!in || !w || !b || !o1 || !o2 || !o3) {
        TU_EXPECT(0, "alloc");
        free(in), free(w), free(b), free(o1), free(o2), free(o3);
        continue;
      }
      tu_fill(&r, in, in_e, -2.0f, 2.0f);
      tu_fill(&r, w, w_e, -1.0f, 1.0f);
      tu_fill(&r, b, 10, -1.0f, 1.0f);
      ups_upconv_plan *plan = NULL;
      TU_EXPECT(ups_upconv_f32(&p, in, w, b, o1) == UPS_OK, "one-shot");
      TU_EXPECT(ups_upconv_plan_create(&p, w, b, &plan) == UPS_OK, "create");
      /* overwrite, then free the caller's weights: the plan must not care */
      tu_fill(&r, w, w_e, -100.0f, 100.0f);
      tu_fill(&r, b, 10, -100.0f, 100.0f);
      free(w), free(b);
      tu_fill_nan(o2, out_e);
      tu_fill_nan(o3, out_e);
      TU_EXPECT(ups_upconv_plan_run(plan, in, o2) == UPS_OK, "run");
      TU_EXPECT(ups_upconv_plan_run_pool(plan, in, o3, pool) == UPS_OK, "run pool");
      TU_EXPECT(memcmp(o1, o2, out_e * sizeof(float)) == 0, "%s: plan differs after the "
                "caller's weights changed", ups_isa_name(isas[k]));
      TU_EXPECT(memcmp(o2, o3, out_e * sizeof(float)) == 0, "%s: pool run differs",
                ups_isa_name(isas[k]));
      ups_upconv_plan_destroy(plan);
      free(in), free(o1), free(o2), free(o3);
    }
  ups_pool_destroy(pool);
}

/* Workspace runs: size 0 for nearest (NULL allowed), the ringed input's
 * size for bilinear; run_ws gives plan_run's bits on every variant, with a
 * workspace of exactly that size against a guard page; a NULL, short,
 * misaligned or overlapping workspace is refused before anything is
 * written. */
static void test_workspace(void) {
  ups_upconv_params p = {0};
  p.n = 2;
  p.in_c = 3;
  p.out_c = 5;
  p.in_h = 4;
  p.in_w = 6;
  p.factor_h = p.factor_w = 2;
  p.kernel_h = p.kernel_w = 3;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  enum { IN_E = 2 * 3 * 4 * 6, OUT_E = 2 * 5 * 8 * 12, W_E = 5 * 3 * 9 };
  const size_t ring = 2 * 3 * 6 * 8 * sizeof(float);
  tu_rng r = {91};
  float in[IN_E], w[W_E], b[5], o1[OUT_E], o2[OUT_E];
  tu_fill(&r, in, IN_E, -1.0f, 1.0f);
  tu_fill(&r, w, W_E, -1.0f, 1.0f);
  tu_fill(&r, b, 5, -1.0f, 1.0f);
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  size_t bytes = 1;
  TU_EXPECT(ups_upconv_plan_workspace_size(NULL, &bytes) == UPS_ERR_NULL, "size NULL plan");
  for (int mode = 0; mode < 2; mode++)
    for (int k = 0; k < ni; k++) {
      p.mode = mode ? UPS_OP_BILINEAR : UPS_OP_NEAREST;
      p.layout = k % 2 ? UPS_NHWC : UPS_NCHW;
      p.isa = isas[k];
      ups_upconv_plan *plan = NULL;
      if (ups_upconv_plan_create(&p, w, b, &plan) != UPS_OK) {
        TU_EXPECT(0, "create %s mode %d", ups_isa_name(isas[k]), mode);
        continue;
      }
      TU_EXPECT(ups_upconv_plan_workspace_size(plan, NULL) == UPS_ERR_NULL, "size NULL");
      /* bilinear: the ringed input, then the border bands and outputs */
      TU_EXPECT(ups_upconv_plan_workspace_size(plan, &bytes) == UPS_OK &&
                    (mode ? bytes >= ring : bytes == 0),
                "%s mode %d: workspace %zu bytes", ups_isa_name(isas[k]), mode, bytes);
      tu_fill_nan(o1, OUT_E);
      tu_fill_nan(o2, OUT_E);
      TU_EXPECT(ups_upconv_plan_run(plan, in, o1) == UPS_OK, "run");
      tu_guarded gw;
      void *ws = mode ? tu_guarded_alloc(&gw, bytes, 1) : NULL;
      TU_EXPECT(!mode || ws, "alloc");
      TU_EXPECT(ups_upconv_plan_run_ws(plan, in, o2, ws, bytes, NULL) == UPS_OK &&
                    memcmp(o1, o2, sizeof o1) == 0,
                "%s mode %d: run_ws differs from run", ups_isa_name(isas[k]), mode);
      if (mode && ws) {
        tu_fill_nan(o2, OUT_E);
        const ups_status bad[5] = {
            ups_upconv_plan_run_ws(plan, in, o2, NULL, bytes, NULL),
            ups_upconv_plan_run_ws(plan, in, o2, ws, bytes - 1, NULL),
            ups_upconv_plan_run_ws(plan, in, o2, (char *)ws + 1, bytes, NULL),
            ups_upconv_plan_run_ws(plan, in, o2, (void *)(in + IN_E - 1), bytes, NULL),
            ups_upconv_plan_run_ws(plan, in, o2, (void *)(o2 + 3), bytes, NULL)};
        const ups_status want[5] = {UPS_ERR_NULL, UPS_ERR_SHAPE, UPS_ERR_PARAM, UPS_ERR_ALIAS,
                                    UPS_ERR_ALIAS};
        for (int i = 0; i < 5; i++)
          TU_EXPECT(bad[i] == want[i], "%s bad workspace %d: %s", ups_isa_name(isas[k]), i,
                    ups_status_string(bad[i]));
        int untouched = 1;
        for (size_t i = 0; i < OUT_E; i++) untouched &= isnan(o2[i]) != 0;
        TU_EXPECT(untouched, "a refused run_ws wrote its output");
        tu_guarded_free(&gw);
      }
      ups_upconv_plan_destroy(plan);
    }
}

int main(int argc, char **argv) {
  const size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : (tu_small_scale() ? 150 : 800);
  tu_rng r = {0x75707c0eull};
  named_cases(&r);
  test_plan_independence_and_pool();
  test_workspace();
  for (size_t i = 0; i < n; i++) random_case(&r);
  printf("upconv sweep: %d cases\n", g_cases);
  return tu_finish("upconv");
}
