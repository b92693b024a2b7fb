/* test_golden.c — every variant (and for deconv and upconv both the one-shot
 * call and a plan) against the golden vectors of tests/golden/ (PyTorch, TensorFlow and
 * ONNX definitions; format and oracles in tests/golden/gen.py and README.md),
 * plus the named cases of the design (docs/architecture.md) asserted from literal values.
 *
 * Tolerances are the numerical contract, against the oracle instead of the
 * scalar reference: nearest bit-identical; bilinear within
 * 4*FLT_EPSILON*max|the 4 taps| + 4*FLT_TRUE_MIN; deconv within 2*K*FLT_EPSILON*sum|w*x|
 * (K = ic/groups*kh*kw, +1 with a bias; upconv: the same with the unfused
 * kernel, times 4 for bilinear (2x2 products per upsampled value), and its
 * two-step reference (ups_check_upconv) against the oracle too). maxtap and sum|w*x| come from the
 * files (computed by gen.py in exact/float64 arithmetic). Outputs start as NaN
 * and sit against a guard page. */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define GOLDEN_DIR UPSIMD_SOURCE_DIR "/tests/golden/"

enum { OP_NEAREST = 1, OP_BILINEAR = 2, OP_DECONV = 4, OP_UPCONV = 8, OP_RESIZE = 3, OP_CONV = 12,
       OP_ALL = 15 };

typedef struct gcase {
  char name[128], op[16], oracle[16], layout[8], coord[32], round[16], wlayout[8], mode[16],
      file[160];
  size_t n, c, in_h, in_w, out_h, out_w, fh, fw;
  size_t in_c, out_c, groups, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, oph, opw, bias;
  float scale_h, scale_w;
  int opbit;
  float *data; /* the .bin */
  size_t nfloats;
  /* Views into data. */
  const float *in, *w, *b, *want, *bound_src;
  size_t in_elems, w_elems, out_elems;
} gcase;

enum { K_STR, K_SIZE, K_FLOAT };
typedef struct gkey {
  const char *key;
  int type;
  size_t off, len;
  int ops; /* the ops that require it */
} gkey;

#define KS(f, ops) {#f, K_STR, offsetof(gcase, f), sizeof(((gcase *)0)->f), ops}
#define KZ(f, ops) {#f, K_SIZE, offsetof(gcase, f), 0, ops}
#define KF(f, ops) {#f, K_FLOAT, offsetof(gcase, f), 0, ops}
static const gkey keys[] = {
    KS(name, OP_ALL),     KS(op, OP_ALL),         KS(oracle, OP_ALL),  KS(layout, OP_ALL),
    KS(file, OP_ALL),     KZ(n, OP_ALL),          KZ(c, OP_RESIZE),    KZ(in_h, OP_ALL),
    KZ(in_w, OP_ALL),     KZ(out_h, OP_ALL),      KZ(out_w, OP_ALL),   KF(scale_h, OP_RESIZE),
    KF(scale_w, OP_RESIZE), KS(coord, OP_RESIZE), KS(round, OP_NEAREST), KZ(in_c, OP_CONV),
    KZ(out_c, OP_CONV),   KZ(groups, OP_CONV),    KZ(kh, OP_CONV),     KZ(kw, OP_CONV),
    KZ(sh, OP_DECONV),    KZ(sw, OP_DECONV),      KZ(dh, OP_CONV),     KZ(dw, OP_CONV),
    KZ(pt, OP_CONV),      KZ(pl, OP_CONV),        KZ(pb, OP_CONV),     KZ(pr, OP_CONV),
    KZ(oph, OP_DECONV),   KZ(opw, OP_DECONV),     KS(wlayout, OP_CONV), KZ(bias, OP_CONV),
    KZ(fh, OP_UPCONV),    KZ(fw, OP_UPCONV),      KS(mode, OP_UPCONV),
};
enum { NKEYS = sizeof keys / sizeof keys[0] };

/* Parses one manifest line (modified in place); 0 on any error. */
static int parse_line(char *line, gcase *g) {
  memset(g, 0, sizeof *g);
  int seen[NKEYS] = {0};
  for (char *tok = strtok(line, " \t\r"); tok; tok = strtok(NULL, " \t\r")) {
    char *eq = strchr(tok, '=');
    if (!eq) return 0;
    *eq = 0;
    const char *val = eq + 1;
    int k = 0;
    while (k < NKEYS && strcmp(keys[k].key, tok) != 0) k++;
    if (k == NKEYS || seen[k]) {
      fprintf(stderr, "manifest: unknown or repeated key '%s'\n", tok);
      return 0;
    }
    seen[k] = 1;
    char *end;
    void *dst = (char *)g + keys[k].off;
    if (keys[k].type == K_STR) {
      if (strlen(val) >= keys[k].len) return 0;
      strcpy(dst, val);
    } else if (keys[k].type == K_SIZE) {
      const unsigned long long v = strtoull(val, &end, 10);
      if (*end || end == val) return 0;
      *(size_t *)dst = (size_t)v;
    } else {
      const float v = strtof(val, &end);
      if (*end || end == val) return 0;
      *(float *)dst = v;
    }
  }
  g->opbit = !strcmp(g->op, "nearest")    ? OP_NEAREST
             : !strcmp(g->op, "bilinear") ? OP_BILINEAR
             : !strcmp(g->op, "deconv")   ? OP_DECONV
             : !strcmp(g->op, "upconv")   ? OP_UPCONV
                                          : 0;
  if (!g->opbit) return 0;
  for (int k = 0; k < NKEYS; k++)
    if ((keys[k].ops & g->opbit) && !seen[k]) {
      fprintf(stderr, "manifest: case %s lacks '%s'\n", g->name, keys[k].key);
      return 0;
    }
  return 1;
}

static int coord_of(const char *s, ups_coord *c) {
  static const char *names[] = {"half_pixel", "pytorch_half_pixel", "align_corners",
                                "asymmetric", "tf_half_pixel_for_nn"};
  static const ups_coord vals[] = {UPS_COORD_HALF_PIXEL, UPS_COORD_PYTORCH_HALF_PIXEL,
                                   UPS_COORD_ALIGN_CORNERS, UPS_COORD_ASYMMETRIC,
                                   UPS_COORD_TF_HALF_PIXEL_FOR_NN};
  for (int i = 0; i < 5; i++)
    if (!strcmp(s, names[i])) return *c = vals[i], 1;
  return 0;
}

static int round_of(const char *s, ups_round *r) {
  static const char *names[] = {"prefer_floor", "prefer_ceil", "floor", "ceil"};
  static const ups_round vals[] = {UPS_ROUND_PREFER_FLOOR, UPS_ROUND_PREFER_CEIL,
                                   UPS_ROUND_FLOOR, UPS_ROUND_CEIL};
  for (int i = 0; i < 4; i++)
    if (!strcmp(s, names[i])) return *r = vals[i], 1;
  return 0;
}

static int layout_of(const char *s, ups_layout *l) {
  if (!strcmp(s, "nchw")) return *l = UPS_NCHW, 1;
  if (!strcmp(s, "nhwc")) return *l = UPS_NHWC, 1;
  return 0;
}

/* Loads the .bin and sets the views; 0 when the length disagrees. */
static int load_case(gcase *g) {
  char path[512];
  snprintf(path, sizeof path, "%s%s", GOLDEN_DIR, g->file);
  size_t bytes;
  g->data = tu_read_file(path, &bytes);
  if (!g->data || bytes % sizeof(float)) return 0;
  g->nfloats = bytes / sizeof(float);
  size_t need;
  if (g->opbit & OP_RESIZE) {
    g->in_elems = g->n * g->c * g->in_h * g->in_w;
    g->out_elems = g->n * g->c * g->out_h * g->out_w;
    need = g->in_elems + g->out_elems * (g->opbit == OP_BILINEAR ? 2 : 1);
    g->in = g->data;
    g->want = g->in + g->in_elems;
    g->bound_src = g->opbit == OP_BILINEAR ? g->want + g->out_elems : NULL;
  } else {
    if (!g->groups) return 0;
    g->in_elems = g->n * g->in_c * g->in_h * g->in_w;
    g->w_elems = g->opbit == OP_UPCONV ? g->out_c * (g->in_c / g->groups) * g->kh * g->kw
                                       : g->in_c * (g->out_c / g->groups) * g->kh * g->kw;
    g->out_elems = g->n * g->out_c * g->out_h * g->out_w;
    const size_t nb = g->bias ? g->out_c : 0;
    need = g->in_elems + g->w_elems + nb + 2 * g->out_elems;
    g->in = g->data;
    g->w = g->in + g->in_elems;
    g->b = g->bias ? g->w + g->w_elems : NULL;
    g->want = g->w + g->w_elems + nb;
    g->bound_src = g->want + g->out_elems;
  }
  if (need != g->nfloats) {
    fprintf(stderr, "%s: %zu floats in %s, expected %zu\n", g->name, g->nfloats, g->file, need);
    return 0;
  }
  return 1;
}

/* Compares one run with the oracle; prints a line naming the case when wrong. */
static void compare(const gcase *g, const char *what, ups_isa isa, const float *got) {
  double kterms = 0.0;
  if (g->opbit & OP_CONV)
    kterms = (double)(g->in_c / g->groups * g->kh * g->kw) *
                 (g->opbit == OP_UPCONV && !strcmp(g->mode, "bilinear") ? 4.0 : 1.0) +
             (g->bias ? 1.0 : 0.0);
  size_t bad = 0, first = 0;
  double first_bound = 0.0;
  for (size_t i = 0; i < g->out_elems; i++) {
    int ok;
    double bound = 0.0;
    if (g->opbit == OP_NEAREST) {
      ok = memcmp(&got[i], &g->want[i], sizeof(float)) == 0;
    } else {
      bound = g->opbit == OP_BILINEAR ? 4.0 * FLT_EPSILON * (double)g->bound_src[i] + 4.0 * FLT_TRUE_MIN
                                      : 2.0 * kterms * FLT_EPSILON * (double)g->bound_src[i];
      ok = isfinite(got[i]) && fabs((double)got[i] - (double)g->want[i]) <= bound;
    }
    if (!ok && bad++ == 0) first = i, first_bound = bound;
  }
  TU_EXPECT(bad == 0, "golden case %s [%s %s]: %zu of %zu elements wrong, first #%zu got %.9g "
            "want %.9g bound %.3g", g->name, ups_isa_name(isa), what, bad, g->out_elems, first,
            bad ? got[first] : 0.0, bad ? g->want[first] : 0.0, first_bound);
  if (bad) printf("FAIL %s [%s %s]\n", g->name, ups_isa_name(isa), what);
}

/* A copy of src against a guard page (kernels must not read past inputs). */
static float *guarded_copy(tu_guarded *gd, const float *src, size_t n) {
  float *p = tu_guarded_alloc(gd, n * sizeof(float), 1);
  if (p) memcpy(p, src, n * sizeof(float));
  return p;
}

static void run_resize(const gcase *g, const ups_isa *isas, int ni) {
  ups_resize_params p = {0};
  p.n = g->n;
  p.c = g->c;
  p.in_h = g->in_h;
  p.in_w = g->in_w;
  p.out_h = g->out_h;
  p.out_w = g->out_w;
  p.scale_h = g->scale_h;
  p.scale_w = g->scale_w;
  int ok = layout_of(g->layout, &p.layout) && coord_of(g->coord, &p.coord) &&
           (g->opbit == OP_BILINEAR || round_of(g->round, &p.round));
  TU_EXPECT(ok, "case %s: bad layout/coord/round", g->name);
  if (!ok) return;

  /* The size the framework produced from its scale must be ours too. */
  if (p.scale_h > 0.0f && p.scale_w > 0.0f) {
    ups_resize_params q = p;
    q.out_h = q.out_w = 0;
    size_t oh = 0, ow = 0;
    TU_EXPECT(ups_resize_output_size(&q, &oh, &ow) == UPS_OK && oh == g->out_h &&
              ow == g->out_w, "case %s: size from scale %zux%zu, oracle %zux%zu", g->name, oh,
              ow, g->out_h, g->out_w);
  }
  tu_guarded gin, gout;
  const float *in = guarded_copy(&gin, g->in, g->in_elems);
  for (int k = 0; in && k < ni; k++) {
    p.isa = isas[k];
    float *out = tu_guarded_alloc(&gout, g->out_elems * sizeof(float), 1);
    if (!out) break;
    tu_fill_nan(out, g->out_elems);
    const ups_status st = g->opbit == OP_NEAREST ? ups_resize_nearest_f32(&p, in, out)
                                                 : ups_resize_bilinear_f32(&p, in, out);
    TU_EXPECT(st == UPS_OK, "case %s [%s]: %s", g->name, ups_isa_name(isas[k]),
              ups_status_string(st));
    if (st == UPS_OK) compare(g, "call", isas[k], out);
    tu_guarded_free(&gout);
  }
  tu_guarded_free(&gin);
}

/* The fields ups_deconv_params and ups_upconv_params share, from case g. */
#define CONV_FIELDS_FROM_CASE(p, g)                                                  \
  do {                                                                               \
    (p).n = (g)->n, (p).in_c = (g)->in_c, (p).in_h = (g)->in_h, (p).in_w = (g)->in_w; \
    (p).out_c = (g)->out_c, (p).groups = (g)->groups;                                \
    (p).kernel_h = (g)->kh, (p).kernel_w = (g)->kw;                                  \
    (p).dilation_h = (g)->dh, (p).dilation_w = (g)->dw;                              \
    (p).pad_top = (g)->pt, (p).pad_left = (g)->pl;                                   \
    (p).pad_bottom = (g)->pb, (p).pad_right = (g)->pr;                               \
  } while (0)

/* The oracle's output size must be op's for p. */
static int conv_size_matches(const gcase *g, const ups_conv_op *op, const void *p) {
  size_t oh = 0, ow = 0;
  TU_EXPECT(op->output_size(p, &oh, &ow) == UPS_OK && oh == g->out_h && ow == g->out_w,
            "case %s: output size %zux%zu, oracle %zux%zu", g->name, oh, ow, g->out_h, g->out_w);
  return oh == g->out_h && ow == g->out_w;
}

/* Every variant of op on p (a case of its own): the one-shot call, output
 * flush against the guard page after it; then a plan created once and run
 * twice (it must not depend on the output's previous contents), output
 * against the guard page before it. unsupported: the call must refuse with
 * UPS_ERR_UNSUPPORTED and write nothing (then no plan). */
static void run_conv(const gcase *g, const ups_conv_op *op, void *p, int unsupported,
                     const ups_isa *isas, int ni) {
  char call[32];
  snprintf(call, sizeof call, "ups_%s_f32", op->name);
  tu_guarded gin, gw, gout;
  const float *in = guarded_copy(&gin, g->in, g->in_elems);
  const float *w = guarded_copy(&gw, g->w, g->w_elems);
  for (int k = 0; in && w && k < ni; k++) {
    op->set_isa(p, isas[k]);
    float *out = tu_guarded_alloc(&gout, g->out_elems * sizeof(float), 1);
    if (!out) break;
    tu_fill_nan(out, g->out_elems);
    ups_status st = op->run(p, in, w, g->b, out);
    if (unsupported) {
      TU_EXPECT(st == UPS_ERR_UNSUPPORTED && isnan(out[0]), "case %s [%s]: %s gives %s", g->name,
                ups_isa_name(isas[k]), g->mode, ups_status_string(st));
      tu_guarded_free(&gout);
      continue;
    }
    TU_EXPECT(st == UPS_OK, "case %s [%s]: %s", g->name, ups_isa_name(isas[k]),
              ups_status_string(st));
    if (st == UPS_OK) compare(g, call, isas[k], out);
    tu_guarded_free(&gout);

    void *plan = NULL;
    st = op->plan_create(p, w, g->b, &plan);
    TU_EXPECT(st == UPS_OK, "case %s [%s] plan_create: %s", g->name, ups_isa_name(isas[k]),
              ups_status_string(st));
    if (st != UPS_OK) continue;
    TU_EXPECT(op->plan_isa(plan) == isas[k], "case %s: plan isa %s", g->name,
              ups_isa_name(op->plan_isa(plan)));
    out = tu_guarded_alloc(&gout, g->out_elems * sizeof(float), 0);
    for (int rep = 0; out && rep < 2; rep++) {
      tu_fill_nan(out, g->out_elems);
      st = op->plan_run(plan, in, out);
      TU_EXPECT(st == UPS_OK, "case %s [%s] plan_run: %s", g->name, ups_isa_name(isas[k]),
                ups_status_string(st));
      if (st == UPS_OK) compare(g, rep ? "plan run 2" : "plan run 1", isas[k], out);
    }
    tu_guarded_free(&gout);
    op->plan_destroy(plan);
  }
  tu_guarded_free(&gin);
  tu_guarded_free(&gw);
}

static void run_deconv(const gcase *g, const ups_isa *isas, int ni) {
  ups_deconv_params p = {0};
  CONV_FIELDS_FROM_CASE(p, g);
  p.stride_h = g->sh;
  p.stride_w = g->sw;
  p.out_pad_h = g->oph;
  p.out_pad_w = g->opw;
  const int wl_ok = !strcmp(g->wlayout, "iohw") || !strcmp(g->wlayout, "hwoi");
  p.weight_layout = !strcmp(g->wlayout, "hwoi") ? UPS_W_HWOI : UPS_W_IOHW;
  TU_EXPECT(layout_of(g->layout, &p.layout) && wl_ok, "case %s: bad layout", g->name);

  if (!conv_size_matches(g, &ups_conv_deconv, &p)) return;
  run_conv(g, &ups_conv_deconv, &p, 0, isas, ni);
}

static void run_upconv(const gcase *g, const ups_isa *isas, int ni) {
  ups_upconv_params p = {0};
  CONV_FIELDS_FROM_CASE(p, g);
  p.factor_h = g->fh;
  p.factor_w = g->fw;
  const int wl_ok = !strcmp(g->wlayout, "oihw") || !strcmp(g->wlayout, "hwio");
  p.weight_layout = !strcmp(g->wlayout, "hwio") ? UPS_CW_HWIO : UPS_CW_OIHW;
  const int nearest = !strcmp(g->mode, "nearest");
  p.mode = nearest ? UPS_OP_NEAREST : UPS_OP_BILINEAR;
  TU_EXPECT(layout_of(g->layout, &p.layout) && wl_ok && (nearest || !strcmp(g->mode, "bilinear")),
            "case %s: bad layout or mode", g->name);

  if (!conv_size_matches(g, &ups_conv_upconv, &p)) return;

  /* The two-step reference the variants are checked against agrees with the
   * oracle (its own contract: K terms of the unfused convolution). */
  ups_check_result r;
  const ups_status cs = ups_check_upconv(&p, g->in, g->w, g->b, g->want, &r);
  TU_EXPECT(cs == UPS_OK && r.failures == 0, "case %s: reference vs oracle: %zu bad, worst %g",
            g->name, r.failures, r.worst);

  run_conv(g, &ups_conv_upconv, &p, 0, isas, ni);
}

/* ------------------------------------------------------------ named cases */

static const gcase *find_case(const gcase *cs, size_t nc, const char *name) {
  for (size_t i = 0; i < nc; i++)
    if (!strcmp(cs[i].name, name)) return &cs[i];
  fprintf(stderr, "named golden case %s missing\n", name);
  return NULL;
}

/* The golden file's expected output must equal the literal (exactly, or within
 * tol when tol > 0). */
static void expect_file_literal(const gcase *cs, size_t nc, const char *name, const float *lit,
                                size_t count, double tol) {
  const gcase *g = find_case(cs, nc, name);
  TU_EXPECT(g && g->out_elems == count, "named case %s present with %zu outputs", name, count);
  if (!g || g->out_elems != count) return;
  size_t bad = 0;
  for (size_t i = 0; i < count; i++)
    bad += tol > 0 ? !(fabs((double)g->want[i] - (double)lit[i]) <= tol) : g->want[i] != lit[i];
  TU_EXPECT(bad == 0, "golden file of %s disagrees with the literal in %zu places", name, bad);
}

/* upsimd's rule for Keras padding='same' (README): P = max(0, K-s),
 * K = d*(k-1)+1, pads P/2 and P-P/2, output padding s-K when K < s. */
static void keras_same(size_t k, size_t s, size_t d, size_t *begin, size_t *end, size_t *opad) {
  const size_t kk = d * (k - 1) + 1, p = kk > s ? kk - s : 0;
  *begin = p / 2;
  *end = p - p / 2;
  *opad = kk < s ? s - kk : 0;
}

/* upsimd's rule for ONNX ConvTranspose with output_shape o (README): total
 * padding P = (in-1)*s + output_padding + K - o; SAME_UPPER puts the smaller
 * half first, NOTSET and SAME_LOWER the larger (the spec: pads[start] =
 * total_padding - total_padding/2 unless auto_pad is SAME_UPPER); P < 0 is
 * output padding instead. */
static void onnx_output_shape(size_t in, size_t k, size_t s, size_t d, size_t opad_in,
                              size_t o, int same_upper, size_t *begin, size_t *end,
                              size_t *opad) {
  const ptrdiff_t p = (ptrdiff_t)((in - 1) * s + opad_in + d * (k - 1) + 1) - (ptrdiff_t)o;
  const size_t up = p > 0 ? (size_t)p : 0;
  *begin = same_upper ? up / 2 : up - up / 2;
  *end = same_upper ? up - up / 2 : up / 2;
  *opad = p < 0 ? opad_in + (size_t)-p : opad_in;
}

static void named_cases(const gcase *cs, size_t nc, const ups_isa *isas, int ni) {
  /* [[1,2],[3,4]] nearest x2 (PyTorch 'nearest'). */
  static const float x[4] = {1, 2, 3, 4};
  static const float near_want[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
  /* [[0,0.5],[1,1.5]] bilinear to 4x4: the value is y_in + 0.5*x_in. align_corners=False:
   * source coordinates 0 (clamped from -0.25), 0.25, 0.75, 1 (edge); True: k/3. */
  static const float ramp[4] = {0.0f, 0.5f, 1.0f, 1.5f};
  static const float hp_want[16] = {0.0f,  0.125f, 0.375f, 0.5f,  0.25f, 0.375f, 0.625f, 0.75f,
                                    0.75f, 0.875f, 1.125f, 1.25f, 1.0f,  1.125f, 1.375f, 1.5f};
  float ac_want[16];
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++) ac_want[r * 4 + c] = (float)(r / 3.0 + 0.5 * (c / 3.0));
  const double ramp_tol = 4.0 * FLT_EPSILON * 1.5;
  /* Keras Conv2DTranspose(1, (1,1), strides=2, padding='same'), w = 1, b = 0. */
  static const float k1_want[16] = {1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0};
  /* 3x3 kernel 1..9 (row-major), stride 2, no bias: Keras 'same' (pads 0/1) and
   * PyTorch padding=1, output_padding=1 — the same 5x5 full output cropped at
   * rows/cols 0..3 and 1..4. */
  static const float w9[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  static const float keras3_want[16] = {1, 2, 5, 4, 4, 5, 14, 10, 10, 14, 36, 24, 12, 15, 34, 20};
  static const float torch3_want[16] = {5,  14, 10, 12, 14, 36, 24, 30,
                                        15, 34, 20, 24, 24, 55, 32, 36};

  expect_file_literal(cs, nc, "nearest_named_2x2_x2_c1_nchw", near_want, 16, 0);
  expect_file_literal(cs, nc, "bilinear_named_ramp_2x2_4x4_half_pixel_c1_nchw", hp_want, 16, 0);
  expect_file_literal(cs, nc, "bilinear_named_ramp_2x2_4x4_align_corners_c1_nchw", ac_want, 16,
                      ramp_tol);
  /* ONNX Resize, linear align_corners, scales 0.6 on [[1,2,3,4],[5,6,7,8]]: the
   * output is 1x2 and x_in = x*(4-1)/(4*0.6-1) (the fractional length), so
   * [1, 1 + 3/1.4] = [1, 3.142857] (not [1, 4], which (in-1)/(out-1) gives). */
  const float onnx_ac_x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const float onnx_ac_want[2] = {1.0f, (float)(1.0 + 3.0 / (4.0 * (double)0.6f - 1.0))};
  const double onnx_ac_tol = 4.0 * FLT_EPSILON * 4.0 + 4.0 * FLT_TRUE_MIN;
  expect_file_literal(cs, nc, "bilinear_onnx_named_ac_2x4_s0.6_c1_nchw", onnx_ac_want, 2,
                      onnx_ac_tol);
  expect_file_literal(cs, nc, "deconv_named_keras_same_k1s2_nchw_iohw", k1_want, 16, 0);
  expect_file_literal(cs, nc, "deconv_named_keras_same_k3s2_nchw_iohw", keras3_want, 16, 0);
  expect_file_literal(cs, nc, "deconv_named_torch_k3s2p1op1_nchw_iohw", torch3_want, 16, 0);
  /* The one-pixel shift between the two conventions. */
  for (int y = 0; y < 3; y++)
    for (int xx = 0; xx < 3; xx++)
      TU_EXPECT(keras3_want[(y + 1) * 4 + xx + 1] == torch3_want[y * 4 + xx],
                "keras[%d][%d] == torch[%d][%d]", y + 1, xx + 1, y, xx);

  for (int k = 0; k < ni; k++) {
    const char *isa = ups_isa_name(isas[k]);
    float out[16], out2[16];
    ups_resize_params p = {0};
    p.n = p.c = 1;
    p.in_h = p.in_w = 2;
    p.out_h = p.out_w = 4;
    p.isa = isas[k];
    p.coord = UPS_COORD_ASYMMETRIC;
    p.round = UPS_ROUND_FLOOR;
    tu_fill_nan(out, 16);
    TU_EXPECT(ups_resize_nearest_f32(&p, x, out) == UPS_OK &&
              memcmp(out, near_want, sizeof out) == 0, "named nearest x2 [%s]", isa);

    p.coord = UPS_COORD_HALF_PIXEL;
    tu_fill_nan(out, 16);
    TU_EXPECT(ups_resize_bilinear_f32(&p, ramp, out) == UPS_OK, "bilinear hp [%s]", isa);
    for (int i = 0; i < 16; i++)
      TU_EXPECT(fabs((double)out[i] - (double)hp_want[i]) <= ramp_tol,
                "named bilinear align_corners=False [%s] #%d: %.9g want %.9g", isa, i, out[i],
                hp_want[i]);
    p.coord = UPS_COORD_ALIGN_CORNERS;
    tu_fill_nan(out, 16);
    TU_EXPECT(ups_resize_bilinear_f32(&p, ramp, out) == UPS_OK, "bilinear ac [%s]", isa);
    for (int i = 0; i < 16; i++)
      TU_EXPECT(fabs((double)out[i] - (double)ac_want[i]) <= ramp_tol,
                "named bilinear align_corners=True [%s] #%d: %.9g want %.9g", isa, i, out[i],
                ac_want[i]);

    /* The ONNX align_corners example above, from the scales (out 0). */
    p.in_w = 4;
    p.out_h = p.out_w = 0;
    p.scale_h = p.scale_w = 0.6f;
    size_t rh = 0, rw = 0;
    TU_EXPECT(ups_resize_output_size(&p, &rh, &rw) == UPS_OK && rh == 1 && rw == 2,
              "onnx ac 2x4 scales 0.6: %zux%zu", rh, rw);
    tu_fill_nan(out, 16);
    TU_EXPECT(ups_resize_bilinear_f32(&p, onnx_ac_x, out) == UPS_OK, "onnx ac [%s]", isa);
    for (int i = 0; i < 2; i++)
      TU_EXPECT(fabs((double)out[i] - (double)onnx_ac_want[i]) <= onnx_ac_tol,
                "ONNX align_corners scales 0.6 [%s] #%d: %.9g want %.9g", isa, i, out[i],
                onnx_ac_want[i]);
    /* ONNX pytorch_half_pixel, 3x3 1..9, scales 0.5: one output pixel but
     * length 1.5 > 1, so x_in = y_in = 0.5/0.5 - 0.5 = 0.5 and bilinear gives
     * (1+2+4+5)/4 = 3 (1 when x_in = 0); nearest round_prefer_ceil reads
     * [1][1] = 5, round_prefer_floor [0][0] = 1. */
    p.in_h = p.in_w = 3;
    p.scale_h = p.scale_w = 0.5f;
    p.coord = UPS_COORD_PYTORCH_HALF_PIXEL;
    const float nine[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    tu_fill_nan(out, 16);
    TU_EXPECT(ups_resize_bilinear_f32(&p, nine, out) == UPS_OK && out[0] == 3.0f && isnan(out[1]),
              "ONNX pytorch_half_pixel length 1.5 bilinear [%s]: %.9g want 3", isa, out[0]);
    p.round = UPS_ROUND_PREFER_CEIL;
    tu_fill_nan(out, 16);
    TU_EXPECT(ups_resize_nearest_f32(&p, nine, out) == UPS_OK && out[0] == 5.0f,
              "ONNX pytorch_half_pixel length 1.5 nearest [%s]: %.9g want 5", isa, out[0]);
    p.round = UPS_ROUND_PREFER_FLOOR;
    tu_fill_nan(out, 16);
    TU_EXPECT(ups_resize_nearest_f32(&p, nine, out) == UPS_OK && out[0] == 1.0f,
              "ONNX pytorch_half_pixel length 1.5 nearest prefer_floor [%s]: %.9g", isa, out[0]);

    ups_deconv_params d = {0};
    d.n = d.in_c = d.out_c = 1;
    d.in_h = d.in_w = 2;
    d.kernel_h = d.kernel_w = 1;
    d.stride_h = d.stride_w = 2;
    d.isa = isas[k];
    keras_same(1, 2, 1, &d.pad_top, &d.pad_bottom, &d.out_pad_h);
    keras_same(1, 2, 1, &d.pad_left, &d.pad_right, &d.out_pad_w);
    TU_EXPECT(d.pad_top == 0 && d.pad_bottom == 0 && d.out_pad_h == 1, "keras k1s2 pads");
    const float one = 1.0f, zero = 0.0f;
    size_t oh = 0, ow = 0;
    TU_EXPECT(ups_deconv_output_size(&d, &oh, &ow) == UPS_OK && oh == 4 && ow == 4,
              "keras same k1s2 output in*s");
    tu_fill_nan(out, 16);
    TU_EXPECT(ups_deconv_f32(&d, x, &one, &zero, out) == UPS_OK &&
              memcmp(out, k1_want, sizeof out) == 0, "named keras same k1s2 [%s]", isa);

    d.kernel_h = d.kernel_w = 3;
    keras_same(3, 2, 1, &d.pad_top, &d.pad_bottom, &d.out_pad_h);
    keras_same(3, 2, 1, &d.pad_left, &d.pad_right, &d.out_pad_w);
    TU_EXPECT(d.pad_top == 0 && d.pad_bottom == 1 && d.out_pad_h == 0, "keras k3s2 pads");
    TU_EXPECT(ups_deconv_output_size(&d, &oh, &ow) == UPS_OK && oh == 4 && ow == 4,
              "keras same k3s2 output in*s");
    tu_fill_nan(out, 16);
    TU_EXPECT(ups_deconv_f32(&d, x, w9, NULL, out) == UPS_OK &&
              memcmp(out, keras3_want, sizeof out) == 0, "named keras same k3s2 [%s]", isa);
    /* ONNX ConvTranspose, same kernel and stride, output_shape 4x4: P = 1 (odd).
     * auto_pad=SAME_UPPER crops it at the end (Keras' result), NOTSET at the
     * start: rows and columns 1..4 of the full 5x5, PyTorch's padding=1,
     * output_padding=1 result below. */
    onnx_output_shape(2, 3, 2, 1, 0, 4, 1, &d.pad_top, &d.pad_bottom, &d.out_pad_h);
    onnx_output_shape(2, 3, 2, 1, 0, 4, 1, &d.pad_left, &d.pad_right, &d.out_pad_w);
    tu_fill_nan(out2, 16);
    TU_EXPECT(ups_deconv_f32(&d, x, w9, NULL, out2) == UPS_OK &&
                  memcmp(out2, keras3_want, sizeof out2) == 0,
              "ONNX output_shape SAME_UPPER [%s]", isa);
    onnx_output_shape(2, 3, 2, 1, 0, 4, 0, &d.pad_top, &d.pad_bottom, &d.out_pad_h);
    onnx_output_shape(2, 3, 2, 1, 0, 4, 0, &d.pad_left, &d.pad_right, &d.out_pad_w);
    TU_EXPECT(d.pad_top == 1 && d.pad_bottom == 0 && d.out_pad_h == 0, "onnx NOTSET pads");
    tu_fill_nan(out2, 16);
    TU_EXPECT(ups_deconv_f32(&d, x, w9, NULL, out2) == UPS_OK &&
                  memcmp(out2, torch3_want, sizeof out2) == 0,
              "ONNX output_shape NOTSET [%s]", isa);
    d.pad_top = d.pad_left = d.pad_bottom = d.pad_right = 1;
    d.out_pad_h = d.out_pad_w = 1;
    tu_fill_nan(out2, 16);
    TU_EXPECT(ups_deconv_f32(&d, x, w9, NULL, out2) == UPS_OK &&
              memcmp(out2, torch3_want, sizeof out2) == 0, "named torch p1 op1 [%s]", isa);
    for (int y = 0; y < 3; y++)
      for (int xx = 0; xx < 3; xx++)
        TU_EXPECT(out[(y + 1) * 4 + xx + 1] == out2[y * 4 + xx],
                  "one-pixel shift keras vs torch [%s] at %d,%d", isa, y, xx);
  }
}

int main(void) {
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  size_t len;
  char *text = tu_read_file(GOLDEN_DIR "cases.txt", &len);
  TU_EXPECT(text != NULL, "cannot read %s", GOLDEN_DIR "cases.txt");
  if (!text) return tu_finish("golden");

  /* Parse every line first (strtok is not reentrant, so lines are split by hand). */
  size_t cap = 512, nc = 0;
  gcase *cs = calloc(cap, sizeof *cs);
  int ops_seen = 0, nhwc_seen = 0, non_torch = 0;
  for (char *line = text; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    if (*line && *line != '#') {
      if (nc == cap) cs = realloc(cs, (cap *= 2) * sizeof *cs);
      const int ok = parse_line(line, &cs[nc]) && load_case(&cs[nc]);
      TU_EXPECT(ok, "manifest line %zu (%s) unusable", nc + 1, cs[nc].name);
      if (ok) {
        ops_seen |= cs[nc].opbit;
        nhwc_seen += !strcmp(cs[nc].layout, "nhwc");
        non_torch += strcmp(cs[nc].oracle, "torch") != 0;
        nc++;
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  /* A truncated or emptied manifest must not pass quietly. */
  TU_EXPECT(nc >= 390 && ops_seen == OP_ALL && nhwc_seen >= 150 && non_torch >= 80,
            "only %zu golden cases (ops %d, %d nhwc, %d non-torch)", nc, ops_seen, nhwc_seen,
            non_torch);

  for (size_t i = 0; i < nc; i++) {
    if (cs[i].opbit == OP_DECONV)
      run_deconv(&cs[i], isas, ni);
    else if (cs[i].opbit == OP_UPCONV)
      run_upconv(&cs[i], isas, ni);
    else
      run_resize(&cs[i], isas, ni);
  }
  named_cases(cs, nc, isas, ni);

  printf("golden: %zu cases x %d variants (", nc, ni);
  for (int k = 0; k < ni; k++) printf("%s%s", k ? " " : "", ups_isa_name(isas[k]));
  printf(")\n");
  for (size_t i = 0; i < nc; i++) free(cs[i].data);
  free(cs);
  free(text);
  return tu_finish("golden");
}
