/* peers_agree.c — proves every mapping a peer adapter accepts (bench/peer_*.c)
 * is exact: for each built-in peer and a set of small problems (every nearest
 * and bilinear mode, both layouts; deconv with groups, dilation, asymmetric
 * pads, output padding, bias, both weight layouts), run the peer and compare
 * with upsimd's scalar reference under the contract of kernels/check.h.
 * Problems a peer rejects are listed as "not expressible" with its reason.
 * Exit status 1 when an accepted mapping disagrees or a peer fails to run.
 *
 *   peers_agree          the agreement test (CTest: peers_agree)
 *   peers_agree --time   also a rough single-thread timing of the reference
 *                        workloads (upsimd AUTO vs each peer); not a benchmark
 *                        (use upsimd-bench), just a quick look. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "peers.h"
#include "upsimd.h"

static int g_failed = 0;

static uint32_t g_rng = 0x12345678u;
static float frand(void) { /* [-1, 1) */
  g_rng = g_rng * 1664525u + 1013904223u;
  return (float)(g_rng >> 8) / 8388608.0f - 1.0f;
}
static void fill(float *v, size_t n) {
  for (size_t i = 0; i < n; i++) v[i] = frand();
}
static void fill_nan(float *v, size_t n) {
  for (size_t i = 0; i < n; i++) v[i] = NAN;
}
/* 64-byte aligned, as the harness's buffers (oneDNN's jit resampling needs it). */
static void *xmalloc(size_t bytes) {
  void *p = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

static const char *coord_name(ups_coord c) {
  static const char *const names[] = {"half_pixel", "pytorch_half_pixel", "align_corners",
                                      "asymmetric", "tf_half_pixel_for_nn"};
  return (unsigned)c < 5 ? names[c] : "?";
}
static const char *round_name(ups_round r) {
  static const char *const names[] = {"prefer_floor", "prefer_ceil", "floor", "ceil"};
  return (unsigned)r < 4 ? names[r] : "?";
}
static const char *layout_name(ups_layout l) { return l == UPS_NHWC ? "NHWC" : "NCHW"; }

/* ------------------------------------------------------------- resize */

typedef struct rcase {
  const char *name;
  size_t n, c, in_h, in_w, out_h, out_w;
  float scale_h, scale_w;
} rcase;

static const rcase RCASES[] = {
    {"2x 5x7", 2, 3, 5, 7, 10, 14, 0, 0},
    {"2x scale=2", 1, 4, 6, 5, 12, 10, 2, 2},
    {"3x", 1, 2, 4, 3, 12, 9, 0, 0},
    {"5x7->13x9", 1, 3, 5, 7, 13, 9, 0, 0},
    {"8x8->3x5 (down)", 1, 2, 8, 8, 3, 5, 0, 0},
    {"2x c=16", 1, 16, 4, 6, 8, 12, 0, 0},
    {"1x6->3x12", 1, 2, 1, 6, 3, 12, 0, 0},
    {"5->12 scale=2.5", 1, 2, 5, 5, 12, 12, 2.5f, 2.5f},
    {"7x9->1x1", 1, 3, 7, 9, 1, 1, 0, 0},
};
#define NRCASES (sizeof RCASES / sizeof RCASES[0])

typedef struct tally {
  size_t ok, rejected, failed;
  double worst;
  char first_why[200];
  char first_fail[200];
} tally;

static void resize_one(const bench_peer *peer, const rcase *rc, ups_layout layout, int bilinear,
                       ups_coord coord, ups_round round, tally *t) {
  ups_resize_params p;
  memset(&p, 0, sizeof p);
  p.layout = layout;
  p.n = rc->n;
  p.c = rc->c;
  p.in_h = rc->in_h;
  p.in_w = rc->in_w;
  p.out_h = rc->out_h;
  p.out_w = rc->out_w;
  p.scale_h = rc->scale_h;
  p.scale_w = rc->scale_w;
  p.coord = coord;
  p.round = round;
  size_t oh = 0, ow = 0;
  if (ups_resize_output_size(&p, &oh, &ow) != UPS_OK) return; /* not a valid problem */
  const char *why = NULL;
  bench_peer_op *op = peer->resize_create(&p, bilinear, &why);
  if (!op) {
    if (t->rejected++ == 0)
      snprintf(t->first_why, sizeof t->first_why, "%s: %s", rc->name, why ? why : "(no reason)");
    return;
  }
  const size_t ni = p.n * p.c * p.in_h * p.in_w, no = p.n * p.c * oh * ow;
  float *in = xmalloc(ni * sizeof *in), *out = xmalloc(no * sizeof *out);
  fill(in, ni);
  fill_nan(out, no);
  const int rc_run = peer->run(op, in, out);
  ups_check_result r;
  memset(&r, 0, sizeof r);
  ups_status s = UPS_OK;
  if (rc_run == 0)
    s = bilinear ? ups_check_bilinear(&p, in, out, &r) : ups_check_nearest(&p, in, out, &r);
  if (rc_run != 0 || s != UPS_OK || r.failures) {
    if (t->failed++ == 0) {
      if (rc_run != 0)
        snprintf(t->first_fail, sizeof t->first_fail, "%s: run failed", rc->name);
      else
        snprintf(t->first_fail, sizeof t->first_fail,
                 "%s: %zu/%zu wrong, first at %zu got %g want %g (worst %.3g)", rc->name,
                 r.failures, r.count, r.first_bad, (double)r.first_got, (double)r.first_want,
                 r.worst);
    }
  } else {
    t->ok++;
    if (r.worst > t->worst) t->worst = r.worst;
  }
  peer->destroy(op);
  free(in);
  free(out);
}

static void print_tally(const char *what, const tally *t) {
  if (t->failed) {
    g_failed = 1;
    printf("  FAIL %-46s %zu ok, %zu FAILED (%s)\n", what, t->ok, t->failed, t->first_fail);
  } else if (t->ok) {
    printf("  ok   %-46s %zu/%zu cases exact (worst %.3g of bound)%s%s\n", what, t->ok,
           t->ok + t->rejected, t->worst, t->rejected ? "; rejected e.g. " : "",
           t->rejected ? t->first_why : "");
  } else {
    printf("  --   %-46s not expressible (%s)\n", what, t->first_why);
  }
}

static void resize_peer(const bench_peer *peer) {
  for (int bilinear = 0; bilinear <= 1; bilinear++)
    for (int l = 0; l <= 1; l++) {
      const ups_layout layout = l ? UPS_NHWC : UPS_NCHW;
      const int ncoord = bilinear ? 4 : 5, nround = bilinear ? 1 : 4;
      for (int c = 0; c < ncoord; c++)
        for (int rd = 0; rd < nround; rd++) {
          tally t;
          memset(&t, 0, sizeof t);
          for (size_t k = 0; k < NRCASES; k++)
            resize_one(peer, &RCASES[k], layout, bilinear, (ups_coord)c, (ups_round)rd, &t);
          char what[96];
          if (bilinear)
            snprintf(what, sizeof what, "bilinear %s %s", layout_name(layout),
                     coord_name((ups_coord)c));
          else
            snprintf(what, sizeof what, "nearest %s %s/%s", layout_name(layout),
                     coord_name((ups_coord)c), round_name((ups_round)rd));
          print_tally(what, &t);
        }
    }
}

/* ------------------------------------------------------------- deconv */

typedef struct dcase {
  const char *name;
  size_t n, in_c, in_h, in_w, out_c, groups, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, oph, opw;
} dcase;

static const dcase DCASES[] = {
    {"DCGAN k4s2p1", 1, 8, 5, 5, 6, 1, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0},
    {"U-Net k2s2", 2, 4, 3, 4, 5, 1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0},
    {"g2 k3s2 d2 pads(1,0,2,1) op1", 1, 4, 4, 5, 6, 2, 3, 3, 2, 2, 2, 2, 1, 0, 2, 1, 1, 1},
    {"depthwise k3s3 op2", 1, 4, 3, 3, 4, 4, 3, 3, 3, 3, 1, 1, 0, 1, 1, 0, 2, 2},
    {"s1 k2x3 d3x2 pads(1,1,0,2)", 1, 3, 4, 4, 2, 1, 2, 3, 1, 1, 3, 2, 1, 1, 0, 2, 0, 0},
    {"op1 > pad_end=0 (k3s2)", 1, 3, 4, 4, 3, 1, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1},
    {"Keras same k3s2", 1, 5, 4, 4, 7, 1, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 0, 0},
    {"op2 < dilation3 (s1)", 1, 2, 3, 3, 2, 1, 2, 2, 1, 1, 3, 3, 0, 0, 0, 0, 2, 1},
    {"g3 k5s4 p(2,1,3,0) op3", 1, 6, 3, 4, 9, 3, 5, 5, 4, 4, 1, 1, 2, 1, 3, 0, 3, 3},
};
#define NDCASES (sizeof DCASES / sizeof DCASES[0])

static void deconv_peer(const bench_peer *peer) {
  for (size_t k = 0; k < NDCASES; k++)
    for (int l = 0; l <= 1; l++) {
      const dcase *dc = &DCASES[k];
      tally t;
      memset(&t, 0, sizeof t);
      for (int wl = 0; wl <= 1; wl++)
        for (int with_bias = 0; with_bias <= 1; with_bias++) {
          ups_deconv_params p;
          memset(&p, 0, sizeof p);
          p.layout = l ? UPS_NHWC : UPS_NCHW;
          p.n = dc->n;
          p.in_c = dc->in_c;
          p.in_h = dc->in_h;
          p.in_w = dc->in_w;
          p.out_c = dc->out_c;
          p.groups = dc->groups;
          p.kernel_h = dc->kh;
          p.kernel_w = dc->kw;
          p.stride_h = dc->sh;
          p.stride_w = dc->sw;
          p.dilation_h = dc->dh;
          p.dilation_w = dc->dw;
          p.pad_top = dc->pt;
          p.pad_left = dc->pl;
          p.pad_bottom = dc->pb;
          p.pad_right = dc->pr;
          p.out_pad_h = dc->oph;
          p.out_pad_w = dc->opw;
          p.weight_layout = wl ? UPS_W_HWOI : UPS_W_IOHW;
          size_t oh = 0, ow = 0;
          if (ups_deconv_output_size(&p, &oh, &ow) != UPS_OK) {
            printf("  BAD  test case %s is invalid\n", dc->name);
            g_failed = 1;
            continue;
          }
          const size_t ni = p.n * p.in_c * p.in_h * p.in_w, no = p.n * p.out_c * oh * ow;
          const size_t nw = p.in_c * (p.out_c / (p.groups ? p.groups : 1)) * p.kernel_h *
                            p.kernel_w;
          float *in = xmalloc(ni * sizeof *in), *out = xmalloc(no * sizeof *out);
          float *w = xmalloc(nw * sizeof *w), *b = xmalloc(p.out_c * sizeof *b);
          fill(in, ni);
          fill(w, nw);
          fill(b, p.out_c);
          fill_nan(out, no);
          const char *why = NULL;
          bench_peer_op *op = peer->deconv_create(&p, w, with_bias ? b : NULL, &why);
          if (!op) {
            if (t.rejected++ == 0)
              snprintf(t.first_why, sizeof t.first_why, "%s", why ? why : "(no reason)");
          } else {
            /* The adapter must own what it needs: scribble over the caller's
             * weights and bias before running. */
            float *w2 = xmalloc(nw * sizeof *w2), *b2 = xmalloc(p.out_c * sizeof *b2);
            memcpy(w2, w, nw * sizeof *w);
            memcpy(b2, b, p.out_c * sizeof *b);
            fill(w, nw);
            fill(b, p.out_c);
            const int rc_run = peer->run(op, in, out);
            ups_check_result r;
            memset(&r, 0, sizeof r);
            ups_status s = UPS_OK;
            if (rc_run == 0) s = ups_check_deconv(&p, in, w2, with_bias ? b2 : NULL, out, &r);
            if (rc_run != 0 || s != UPS_OK || r.failures) {
              if (t.failed++ == 0)
                snprintf(t.first_fail, sizeof t.first_fail,
                         "%s%s: %s%zu/%zu wrong, first at %zu got %g want %g",
                         wl ? "HWOI" : "IOHW", with_bias ? "+bias" : "",
                         rc_run ? "run failed; " : "", r.failures, r.count, r.first_bad,
                         (double)r.first_got, (double)r.first_want);
            } else {
              t.ok++;
              if (r.worst > t.worst) t.worst = r.worst;
            }
            peer->destroy(op);
            free(w2);
            free(b2);
          }
          free(in);
          free(out);
          free(w);
          free(b);
        }
      char what[96];
      snprintf(what, sizeof what, "deconv %s %s", layout_name(l ? UPS_NHWC : UPS_NCHW),
               dc->name);
      print_tally(what, &t);
    }
}

/* ------------------------------------------------------------- timing */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef int (*timed_fn)(void *ctx);

/* Median of up to 15 repetitions (at least 0.25 s in total, after one warm-up). */
static double time_median_ms(timed_fn f, void *ctx) {
  double t[15];
  if (f(ctx) != 0) return -1.0;
  int k = 0;
  const double start = now_s();
  while (k < 15 && (k < 5 || now_s() - start < 0.25)) {
    const double t0 = now_s();
    if (f(ctx) != 0) return -1.0;
    t[k++] = (now_s() - t0) * 1e3;
  }
  qsort(t, (size_t)k, sizeof t[0], cmp_double);
  return t[k / 2];
}

typedef struct resize_ctx {
  const ups_resize_params *p;
  int bilinear;
  const float *in;
  float *out;
} resize_ctx;
static int ups_resize_call(void *v) {
  resize_ctx *c = v;
  return (c->bilinear ? ups_resize_bilinear_f32(c->p, c->in, c->out)
                      : ups_resize_nearest_f32(c->p, c->in, c->out)) != UPS_OK;
}
typedef struct peer_ctx {
  const bench_peer *peer;
  bench_peer_op *op;
  const float *in;
  float *out;
} peer_ctx;
static int peer_call(void *v) {
  peer_ctx *c = v;
  return c->peer->run(c->op, c->in, c->out);
}
typedef struct plan_ctx {
  const ups_deconv_plan *plan;
  const float *in;
  float *out;
} plan_ctx;
static int plan_call(void *v) {
  plan_ctx *c = v;
  return ups_deconv_plan_run(c->plan, c->in, c->out) != UPS_OK;
}

static void time_resize(int bilinear, ups_layout layout, ups_coord coord, ups_round round) {
  ups_resize_params p;
  memset(&p, 0, sizeof p);
  p.layout = layout;
  p.n = 1;
  p.c = 64;
  p.in_h = p.in_w = 128;
  p.out_h = p.out_w = 256;
  p.coord = coord;
  p.round = round;
  const size_t ni = 64 * 128 * 128, no = 64 * 256 * 256;
  float *in = xmalloc(ni * sizeof *in), *out = xmalloc(no * sizeof *out);
  fill(in, ni);
  fill_nan(out, no);
  const double mb = (double)(ni + no) * 4 / 1e6;
  char label[96];
  if (bilinear)
    snprintf(label, sizeof label, "bilinear %s %s", layout_name(layout), coord_name(coord));
  else
    snprintf(label, sizeof label, "nearest %s %s/%s", layout_name(layout), coord_name(coord),
             round_name(round));
  resize_ctx rc = {&p, bilinear, in, out};
  const double tu = time_median_ms(ups_resize_call, &rc);
  printf("  %-44s upsimd(%s) %8.3f ms %6.1f GB/s\n", label, ups_isa_name(ups_isa_selected()),
         tu, mb / tu);
  for (size_t i = 0; i < bench_peer_count(); i++) {
    const bench_peer *peer = bench_peer_get(i);
    const char *why = NULL;
    bench_peer_op *op = peer->resize_create(&p, bilinear, &why);
    if (!op) {
      printf("  %-44s %-8s not expressible (%s)\n", "", peer->name, why ? why : "?");
      continue;
    }
    fill_nan(out, no);
    peer_ctx pc = {peer, op, in, out};
    const double tp = time_median_ms(peer_call, &pc);
    ups_check_result r;
    memset(&r, 0, sizeof r);
    if (bilinear)
      ups_check_bilinear(&p, in, out, &r);
    else
      ups_check_nearest(&p, in, out, &r);
    printf("  %-44s %-8s %8.3f ms %6.1f GB/s  [%s]%s\n", "", peer->name, tp, mb / tp,
           peer->impl ? peer->impl(op) : "", r.failures ? "  DISAGREES" : "");
    peer->destroy(op);
  }
  free(in);
  free(out);
}

static void time_deconv(ups_layout layout) {
  ups_deconv_params p;
  memset(&p, 0, sizeof p);
  p.layout = layout;
  p.n = 1;
  p.in_c = 64;
  p.in_h = p.in_w = 64;
  p.out_c = 64;
  p.kernel_h = p.kernel_w = 4;
  p.stride_h = p.stride_w = 2;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  p.weight_layout = UPS_W_IOHW;
  size_t oh = 0, ow = 0;
  ups_deconv_output_size(&p, &oh, &ow);
  const size_t ni = 64 * 64 * 64, no = 64 * oh * ow, nw = 64 * 64 * 16;
  float *in = xmalloc(ni * sizeof *in), *out = xmalloc(no * sizeof *out);
  float *w = xmalloc(nw * sizeof *w);
  fill(in, ni);
  fill(w, nw);
  /* useful multiply-adds: every input pixel x every weight (minus the taps
   * cropped by the padding; close enough for a rough look) */
  const double gflop = 2.0 * (double)ni * (double)(64 * 16) / 1e9;
  char label[96];
  snprintf(label, sizeof label, "deconv %s DCGAN k4s2p1 64->64 64x64", layout_name(layout));
  ups_deconv_plan *plan = NULL;
  if (ups_deconv_plan_create(&p, w, NULL, &plan) == UPS_OK) {
    plan_ctx pc = {plan, in, out};
    const double tu = time_median_ms(plan_call, &pc);
    printf("  %-44s upsimd(%s) %8.3f ms %6.1f GFLOP/s\n", label,
           ups_isa_name(ups_deconv_plan_isa(plan)), tu, gflop / tu * 1e3);
    ups_deconv_plan_destroy(plan);
  } else {
    printf("  %-44s upsimd plan_create failed\n", label);
  }
  for (size_t i = 0; i < bench_peer_count(); i++) {
    const bench_peer *peer = bench_peer_get(i);
    const char *why = NULL;
    bench_peer_op *op = peer->deconv_create(&p, w, NULL, &why);
    if (!op) {
      printf("  %-44s %-8s not expressible (%s)\n", "", peer->name, why ? why : "?");
      continue;
    }
    fill_nan(out, no);
    peer_ctx pc = {peer, op, in, out};
    const double tp = time_median_ms(peer_call, &pc);
    ups_check_result r;
    memset(&r, 0, sizeof r);
    ups_check_deconv(&p, in, w, NULL, out, &r);
    printf("  %-44s %-8s %8.3f ms %6.1f GFLOP/s  [%s]%s\n", "", peer->name, tp,
           gflop / tp * 1e3, peer->impl ? peer->impl(op) : "",
           r.failures ? "  DISAGREES" : "");
    peer->destroy(op);
  }
  free(in);
  free(out);
  free(w);
}

static void timing(void) {
  printf("\nrough single-thread timing (median; a shared, noisy machine: indicative only)\n");
  for (int l = 0; l <= 1; l++) {
    const ups_layout layout = l ? UPS_NHWC : UPS_NCHW;
    time_resize(0, layout, UPS_COORD_ASYMMETRIC, UPS_ROUND_FLOOR);
    time_resize(0, layout, UPS_COORD_HALF_PIXEL, UPS_ROUND_PREFER_CEIL);
    time_resize(1, layout, UPS_COORD_HALF_PIXEL, UPS_ROUND_PREFER_FLOOR);
    time_resize(1, layout, UPS_COORD_ALIGN_CORNERS, UPS_ROUND_PREFER_FLOOR);
  }
  time_deconv(UPS_NHWC);
  time_deconv(UPS_NCHW);
}

int main(int argc, char **argv) {
  int do_time = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--time") == 0)
      do_time = 1;
    else {
      fprintf(stderr, "usage: %s [--time]\n", argv[0]);
      return 2;
    }
  }
  const size_t np = bench_peer_count();
  printf("peers built in: %zu\n", np);
  for (size_t i = 0; i < np; i++) {
    const bench_peer *peer = bench_peer_get(i);
    printf("\n%s %s\n", peer->name, peer->version);
    resize_peer(peer);
    deconv_peer(peer);
  }
  if (do_time) timing();
  printf("\n%s\n", g_failed ? "peers_agree: FAILED (an accepted mapping disagrees)"
                            : "peers_agree: every accepted mapping agrees with the reference");
  return g_failed;
}
