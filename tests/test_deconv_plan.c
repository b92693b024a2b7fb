/* test_deconv_plan.c — prepacked deconvolution plans of every SIMD variant:
 * one plan reused over several inputs (each checked against the reference),
 * the same plan run from two threads at once (results must equal the
 * single-thread run bit for bit: run never writes to the plan), and plans
 * whose packed weights hold non-finite values. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct job {
  const ups_deconv_plan *plan;
  const float *in;
  float *out;
  int reps;
  ups_status st;
} job;

static void *worker(void *arg) {
  job *j = arg;
  j->st = UPS_OK;
  for (int r = 0; r < j->reps && j->st == UPS_OK; r++) j->st = ups_deconv_plan_run(j->plan, j->in, j->out);
  return NULL;
}

typedef struct shape {
  ups_layout layout;
  ups_weight_layout wl;
  size_t n, ic, oc, g, h, w, k, s, d, pt, pl, pb, pr, op;
  int bias;
} shape;

static void one(tu_rng *rng, const shape *sh, ups_isa isa, int nonfinite_w) {
  ups_deconv_params p = {0};
  p.layout = sh->layout;
  p.weight_layout = sh->wl;
  p.n = sh->n;
  p.in_c = sh->ic;
  p.out_c = sh->oc;
  p.groups = sh->g;
  p.in_h = sh->h;
  p.in_w = sh->w;
  p.kernel_h = p.kernel_w = sh->k;
  p.stride_h = p.stride_w = sh->s;
  p.dilation_h = p.dilation_w = sh->d;
  p.pad_top = sh->pt;
  p.pad_left = sh->pl;
  p.pad_bottom = sh->pb;
  p.pad_right = sh->pr;
  p.out_pad_h = p.out_pad_w = sh->op;
  p.isa = isa;
  size_t oh, ow;
  TU_EXPECT(ups_deconv_output_size(&p, &oh, &ow) == UPS_OK, "shape");
  const size_t g = sh->g ? sh->g : 1;
  const size_t in_e = p.n * p.in_c * p.in_h * p.in_w, out_e = p.n * p.out_c * oh * ow;
  const size_t w_e = p.in_c * (p.out_c / g) * sh->k * sh->k;
  float *w = malloc(w_e * sizeof *w), *b = malloc(p.out_c * sizeof *b);
  float *in = malloc(in_e * sizeof *in);
  float *o1 = malloc(out_e * sizeof *o1), *o2 = malloc(out_e * sizeof *o2);
  float *o3 = malloc(out_e * sizeof *o3);
  tu_fill(rng, w, w_e, -1.0f, 1.0f);
  tu_fill(rng, b, p.out_c, -1.0f, 1.0f);
  if (nonfinite_w) {
    w[tu_range(rng, 0, w_e - 1)] = INFINITY;
    w[tu_range(rng, 0, w_e - 1)] = NAN;
  }
  ups_deconv_plan *plan = NULL;
  const ups_status cs = ups_deconv_plan_create(&p, w, sh->bias ? b : NULL, &plan);
  TU_EXPECT(cs == UPS_OK, "plan_create: %s", ups_status_string(cs));
  if (cs != UPS_OK) goto done;
  /* the caller's weights may change after create: the plan owns a copy */
  float *w_orig = malloc(w_e * sizeof *w);
  memcpy(w_orig, w, w_e * sizeof *w);
  tu_fill(rng, w, w_e, -5.0f, 5.0f);
  for (int rep = 0; rep < 4; rep++) {
    tu_fill(rng, in, in_e, -1.0f, 1.0f);
    if (rep == 3) in[tu_range(rng, 0, in_e - 1)] = -INFINITY;
    tu_fill_nan(o1, out_e);
    TU_EXPECT(ups_deconv_plan_run(plan, in, o1) == UPS_OK, "run");
    ups_check_result r;
    p.isa = isa;
    TU_EXPECT(ups_check_deconv(&p, in, w_orig, sh->bias ? b : NULL, o1, &r) == UPS_OK &&
                  r.failures == 0,
              "%s %s ic%zu oc%zu g%zu k%zu s%zu rep %d: %zu bad, worst %g (got %g want %g)",
              ups_isa_name(isa), p.layout == UPS_NHWC ? "NHWC" : "NCHW", p.in_c, p.out_c, g,
              sh->k, sh->s, rep, r.failures, r.worst, r.first_got, r.first_want);
  }
  /* two threads on one plan, same input: bitwise equal to the serial run */
  tu_fill_nan(o2, out_e);
  tu_fill_nan(o3, out_e);
  job j1 = {plan, in, o2, 3, UPS_OK}, j2 = {plan, in, o3, 3, UPS_OK};
  pthread_t t1, t2;
  const int e1 = pthread_create(&t1, NULL, worker, &j1);
  const int e2 = pthread_create(&t2, NULL, worker, &j2);
  if (e1 == 0) pthread_join(t1, NULL);
  if (e2 == 0) pthread_join(t2, NULL);
  TU_EXPECT(e1 == 0 && e2 == 0 && j1.st == UPS_OK && j2.st == UPS_OK, "threads");
  TU_EXPECT(memcmp(o1, o2, out_e * sizeof *o1) == 0 && memcmp(o1, o3, out_e * sizeof *o1) == 0,
            "%s: concurrent runs differ from the serial run", ups_isa_name(isa));
  free(w_orig);
  ups_deconv_plan_destroy(plan);
done:
  free(w);
  free(b);
  free(in);
  free(o1);
  free(o2);
  free(o3);
}

/* A huge stride with a 1x1 kernel: almost every phase is empty. Packing used
 * to visit every (ry, rx) phase pair, so this plan took hours to create; it
 * must now be created at once (the ctest timeout catches a regression) and
 * its one-row output, with a 1-pixel-high input, must be right. */
static void huge_stride_plan(ups_isa isa) {
  ups_deconv_params d = {0};
  d.n = d.in_c = d.out_c = 1;
  d.in_h = 1;
  d.in_w = 3;
  d.kernel_h = d.kernel_w = 1;
  d.stride_h = d.stride_w = (size_t)1 << 20;
  d.isa = isa;
  size_t oh = 0, ow = 0;
  TU_EXPECT(ups_deconv_output_size(&d, &oh, &ow) == UPS_OK && oh == 1 &&
                ow == 2 * ((size_t)1 << 20) + 1,
            "huge stride output size %zux%zu", oh, ow);
  const float w = 2.0f, bias = 0.5f, in[3] = {1, 2, 3};
  ups_deconv_plan *plan = NULL;
  TU_EXPECT(ups_deconv_plan_create(&d, &w, &bias, &plan) == UPS_OK, "huge stride plan (%s)",
            ups_isa_name(isa));
  if (!plan) return;
  float *out = malloc(ow * sizeof *out);
  if (out) {
    tu_fill_nan(out, ow);
    TU_EXPECT(ups_deconv_plan_run(plan, in, out) == UPS_OK, "huge stride run");
    size_t bad = 0;
    for (size_t x = 0; x < ow; x++) {
      const float want = x % d.stride_w == 0 ? 2.0f * in[x / d.stride_w] + 0.5f : 0.5f;
      bad += out[x] != want;
    }
    TU_EXPECT(bad == 0, "huge stride output: %zu wrong of %zu (%s)", bad, ow, ups_isa_name(isa));
    free(out);
  }
  ups_deconv_plan_destroy(plan);
  /* 2x2 input: 2^20 x 2^20 phases, of which 1 has taps. Created only (the
   * output would be 2^40 floats). */
  d.in_h = 2;
  d.in_w = 2;
  plan = NULL;
  TU_EXPECT(ups_deconv_plan_create(&d, &w, &bias, &plan) == UPS_OK,
            "huge stride 2x2 plan (%s)", ups_isa_name(isa));
  ups_deconv_plan_destroy(plan);
}

int main(void) {
  tu_rng rng = {0x91a7c0de5eedull};
  static const shape shapes[] = {
      /* layout, wl, n, ic, oc, g, h, w, k, s, d, pt, pl, pb, pr, op, bias */
      {UPS_NHWC, UPS_W_IOHW, 1, 64, 64, 1, 10, 13, 4, 2, 1, 1, 1, 1, 1, 0, 1}, /* DCGAN */
      {UPS_NCHW, UPS_W_IOHW, 1, 64, 64, 1, 10, 13, 4, 2, 1, 1, 1, 1, 1, 0, 1},
      {UPS_NHWC, UPS_W_HWOI, 2, 24, 20, 1, 7, 9, 3, 2, 1, 0, 0, 1, 1, 1, 0},   /* Keras same */
      {UPS_NCHW, UPS_W_HWOI, 2, 24, 20, 1, 7, 9, 3, 2, 1, 0, 0, 1, 1, 1, 0},
      {UPS_NHWC, UPS_W_IOHW, 1, 56, 1, 1, 9, 8, 9, 3, 1, 4, 4, 4, 4, 2, 1},    /* FSRCNN */
      {UPS_NCHW, UPS_W_IOHW, 1, 56, 1, 1, 9, 8, 9, 3, 1, 4, 4, 4, 4, 2, 1},
      {UPS_NHWC, UPS_W_IOHW, 2, 12, 18, 3, 6, 5, 3, 2, 2, 1, 0, 2, 1, 1, 1},   /* grouped, dilated */
      {UPS_NCHW, UPS_W_IOHW, 2, 12, 18, 3, 6, 5, 3, 2, 2, 1, 0, 2, 1, 1, 1},
      {UPS_NHWC, UPS_W_HWOI, 1, 16, 16, 16, 6, 7, 4, 2, 1, 1, 1, 1, 1, 0, 1},  /* depthwise */
      {UPS_NCHW, UPS_W_HWOI, 1, 16, 16, 16, 6, 7, 4, 2, 1, 1, 1, 1, 1, 0, 1},
      {UPS_NCHW, UPS_W_IOHW, 1, 5, 7, 1, 4, 11, 2, 9, 1, 0, 0, 0, 0, 8, 1},    /* 9 x phases */
  };
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int k = 0; k < ni; k++) {
    huge_stride_plan(isas[k]);
    if (isas[k] == UPS_ISA_SCALAR) continue;
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
      one(&rng, &shapes[s], isas[k], 0);
      one(&rng, &shapes[s], isas[k], 1);
    }
  }
  return tu_finish("deconv_plan");
}
