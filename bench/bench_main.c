/* bench_main.c — upsimd-bench: registers one benchmark per workload x operator
 * x layout x variant (every ISA of the library's registry in id order, then
 * auto, then every peer that can express the problem), the deconvolution
 * packing benchmarks and the probes, and runs them through the C shim over
 * Google Benchmark. The ISA list comes from the library (ups_isa_count), so a
 * new ISA needs no change here; the JSON context names the variants
 * (upsimd_isas, upsimd_variants) for tools/bench_report.py.
 *
 * A deconv run's roof takes the FMA limit from the probe of the variant's own
 * width (bench_fma_probe_for: avx512 against the AVX-512 probe, auto against
 * the ISA it resolves to, scalar against the default probe) and a peer's from
 * the widest probe this machine runs, since peers pick their own ISA; the
 * label names the probe (roof vs fma/<probe>) and the context maps each
 * variant to its probe (probe_fma_roofs).
 *
 * The instances are the built-in workloads (bench/workloads.c) or, with
 * --problem/--batch, the user's own problems (bench/problem.h), named
 * <op>/<layout>/<canonical descriptor, '-' for ' '>/<variant>; both kinds go
 * through the same registration, checks, counters and roofs.
 *
 * Start-up is lean: the probes are measured before the first benchmark but
 * only those the filter's selection needs (measure_needed_probes), and the
 * copy probes' buffers are capped (bench_copy_levels), so a one-row filter
 * costs a fraction of a second, not a 2 x 2 GiB copy.
 *
 * Resize rows time a resize plan's run (made outside the timed loop, as
 * deconv rows do with deconv plans); <op>-plan rows time plan creation and
 * <op>-oneshot rows (in-L1 workloads) the one-shot call, in the same run.
 * --threads=N runs upsimd on the library's default pool of N threads, the
 * probes on N threads (threads_setup) and every row on the wall clock.
 *
 * Every benchmark first runs its variant once on NaN-filled outputs (on the
 * path and pool it times) and checks the result against the scalar reference
 * (kernels/check.h). A wrong upsimd
 * variant is reported with gbench_fail (no time; the process exits 1); a peer
 * that disagrees is reported as "peer-mismatch" and not timed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gbench.h"
#include "harness.h"
#include "internal.h"
#include "peers.h"

/* Per-ISA arrays are indexed by ups_isa (AUTO = 0 included). */
enum { N_ISA = UPS_ISA_MAX, MSG = 384, BENCH_MAX_THREADS = 256 };

/* A workload in one layout: its work counters, the buffers (allocated while
 * its benchmarks run) and the check verdict per variant, shared by the run and
 * pack benchmarks and by every call GB makes (estimation runs, repetitions). */
typedef struct bench_instance {
  const char *name;       /* the workload part of the benchmark names */
  const char *about;      /* the label's first part */
  bench_problem prob;     /* in this instance's layout */
  ups_layout layout;
  size_t index;
  bench_work work;
  int copy_known;
  double copy_seconds;    /* the streaming copy of the same bytes */
  double twostep_macs;     /* upconv: the unfused two-step's multiply-adds */
  /* Per timed path (PATH_*) and variant: 0 not checked, 1 right, -1 wrong. */
  int verdict[3][N_ISA];
  char verdict_msg[3][N_ISA][MSG];
} bench_instance;

/* The paths a row can time: a plan's run (deconv, upconv and resize rows,
 * and the plan-making rows, whose plans are these), the one-shot resize call
 * or upsimd's own upconv two-step (a resize plan, then a factor-1 upconv). */
enum { PATH_PLAN = 0, PATH_ONESHOT = 1, PATH_TWOSTEP = 2 };

/* What a registered benchmark times. */
typedef enum bench_case_kind {
  CASE_RUN = 0, /* op/...: a plan's run (upsimd) or the peer's primitive */
  CASE_PACK,    /* deconv-pack/...: deconv plan create + destroy */
  CASE_PLAN,    /* nearest-plan/..., bilinear-plan/...: resize plan create + destroy */
  CASE_ONESHOT, /* nearest-oneshot/..., bilinear-oneshot/...: the one-shot call */
  CASE_TWOSTEP  /* upconv-twostep/.../upsimd: resize plan run, then a factor-1 upconv */
} bench_case_kind;

/* --threads=N: upsimd's runs use the library's default pool of N threads
 * (NULL for one thread: the calling thread, as before). */
static ups_pool *g_pool;
static int g_threads = 1;

/* One registered benchmark: an upsimd run or pack benchmark (isa) or a peer's
 * run benchmark (peer). */
typedef struct bench_case {
  bench_instance *inst;
  bench_case_kind kind;
  ups_isa isa;              /* run and pack benchmarks */
  const bench_peer *peer;   /* peer benchmarks */
  const bench_fma_probe *fma; /* run benchmarks: the FMA limit's probe */
  int limit_known;
  double limit_seconds;
  char limit_kind[48];      /* "copy" or "fma/<probe>", for the label */
  int peer_verdict;         /* 0 not checked, 1 right, -1 mismatch or error */
  char peer_msg[MSG + 64];
  int pack_limit_known;
  double pack_limit_seconds;
  double pack_bytes;
} bench_case;

/* ------------------------------------------------------------ tensors */

typedef struct bench_tensors {
  const bench_instance *owner;
  float *in, *weights, *bias, *out;
  float *mid; /* upconv: the upsampled image of the two-step rows */
  size_t in_elems, w_elems, out_elems, mid_elems;
} bench_tensors;

static bench_tensors g_tensors; /* of the instance whose benchmarks run now */

static void tensors_release(void) {
  bench_free(g_tensors.in);
  bench_free(g_tensors.weights);
  bench_free(g_tensors.bias);
  bench_free(g_tensors.out);
  bench_free(g_tensors.mid);
  memset(&g_tensors, 0, sizeof g_tensors);
}

static uint64_t seed_of(const bench_instance *inst, int which) {
  return 0x5eed0000ull + (uint64_t)inst->index * 16u + (uint64_t)which;
}

/* Deterministic inputs (the same for every variant and peer). Returns 0 on
 * success. Benchmarks of one instance are registered together, so buffers are
 * made once per instance (unless GB interleaves benchmarks). */
static int tensors_for(const bench_instance *inst) {
  if (g_tensors.owner == inst) return 0;
  tensors_release();
  const bench_problem *prob = &inst->prob;
  if (prob->op == BENCH_DECONV) {
    const ups_deconv_params p = prob->deconv;
    size_t oh, ow;
    if (ups_deconv_output_size(&p, &oh, &ow) != UPS_OK) return 1;
    g_tensors.in_elems = p.n * p.in_c * p.in_h * p.in_w;
    g_tensors.w_elems = bench_deconv_weight_elems(&p);
    g_tensors.out_elems = p.n * p.out_c * oh * ow;
    g_tensors.weights = bench_alloc(g_tensors.w_elems * sizeof(float));
    g_tensors.bias = prob->bias ? bench_alloc(p.out_c * sizeof(float)) : NULL;
    if (!g_tensors.weights || (prob->bias && !g_tensors.bias)) goto nomem;
    bench_fill_uniform(seed_of(inst, 1), g_tensors.weights, g_tensors.w_elems, -0.5f, 0.5f);
    if (g_tensors.bias) bench_fill_uniform(seed_of(inst, 2), g_tensors.bias, p.out_c, -1.f, 1.f);
  } else if (prob->op == BENCH_UPCONV) {
    const ups_upconv_params p = prob->upconv;
    size_t oh, ow;
    if (ups_upconv_output_size(&p, &oh, &ow) != UPS_OK) return 1;
    const size_t fh = p.factor_h ? p.factor_h : 1, fw = p.factor_w ? p.factor_w : 1;
    g_tensors.in_elems = p.n * p.in_c * p.in_h * p.in_w;
    g_tensors.w_elems = bench_upconv_weight_elems(&p);
    g_tensors.out_elems = p.n * p.out_c * oh * ow;
    g_tensors.mid_elems = p.n * p.in_c * fh * p.in_h * fw * p.in_w;
    g_tensors.weights = bench_alloc(g_tensors.w_elems * sizeof(float));
    g_tensors.bias = prob->bias ? bench_alloc(p.out_c * sizeof(float)) : NULL;
    g_tensors.mid = bench_alloc(g_tensors.mid_elems * sizeof(float));
    if (!g_tensors.weights || !g_tensors.mid || (prob->bias && !g_tensors.bias)) goto nomem;
    bench_fill_uniform(seed_of(inst, 1), g_tensors.weights, g_tensors.w_elems, -0.5f, 0.5f);
    if (g_tensors.bias) bench_fill_uniform(seed_of(inst, 2), g_tensors.bias, p.out_c, -1.f, 1.f);
  } else {
    const ups_resize_params p = prob->resize;
    size_t oh, ow;
    if (ups_resize_output_size(&p, &oh, &ow) != UPS_OK) return 1;
    g_tensors.in_elems = p.n * p.c * p.in_h * p.in_w;
    g_tensors.out_elems = p.n * p.c * oh * ow;
  }
  g_tensors.in = bench_alloc(g_tensors.in_elems * sizeof(float));
  g_tensors.out = bench_alloc(g_tensors.out_elems * sizeof(float));
  if (!g_tensors.in || !g_tensors.out) goto nomem;
  bench_fill_uniform(seed_of(inst, 0), g_tensors.in, g_tensors.in_elems, -1.f, 1.f);
  bench_fill_nan(g_tensors.out, g_tensors.out_elems);
  g_tensors.owner = inst;
  return 0;
nomem:
  tensors_release();
  return 1;
}

/* ------------------------------------------------------------ checking */

static void describe_check(char *msg, size_t cap, const char *who, const ups_check_result *r) {
  snprintf(msg, cap,
           "%s gives wrong results: %zu of %zu outputs outside the contract (worst %.3g x "
           "bound; first at [%zu]: got %.9g, reference %.9g)",
           who, r->failures, r->count, r->worst, r->first_bad, (double)r->first_got,
           (double)r->first_want);
}

/* Compares g_tensors.out (just written by `who`) with the reference.
 * Returns 1 when it meets the contract, else 0 with msg set. */
static int check_output(const bench_instance *inst, const char *who, char *msg, size_t cap) {
  const bench_problem *prob = &inst->prob;
  ups_check_result r;
  ups_status st;
  if (prob->op == BENCH_DECONV) {
    const ups_deconv_params p = prob->deconv;
    st = ups_check_deconv(&p, g_tensors.in, g_tensors.weights, g_tensors.bias, g_tensors.out, &r);
  } else if (prob->op == BENCH_UPCONV) {
    /* Against the literal two-step (resize, then a direct convolution). */
    const ups_upconv_params p = prob->upconv;
    st = ups_check_upconv(&p, g_tensors.in, g_tensors.weights, g_tensors.bias, g_tensors.out, &r);
  } else {
    const ups_resize_params p = prob->resize;
    st = prob->op == BENCH_NEAREST ? ups_check_nearest(&p, g_tensors.in, g_tensors.out, &r)
                                : ups_check_bilinear(&p, g_tensors.in, g_tensors.out, &r);
  }
  if (st != UPS_OK) {
    snprintf(msg, cap, "the reference check could not run: %s", ups_status_string(st));
    return 0;
  }
  if (r.failures) {
    describe_check(msg, cap, who, &r);
    return 0;
  }
  return 1;
}

static ups_operator resize_op(const bench_problem *prob) {
  return prob->op == BENCH_NEAREST ? UPS_OP_NEAREST : UPS_OP_BILINEAR;
}

/* upsimd's own upconv two-step: a resize plan (nearest: PyTorch's asymmetric
 * floor; bilinear: half-pixel, align_corners=False) into g_tensors.mid, then
 * the convolution as an upconv plan of factor 1 (a plain convolution on the
 * same engine). Both plans are made outside the timed loop. */
typedef struct twostep {
  ups_resize_plan *resize;
  ups_upconv_plan *conv;
} twostep;

static void twostep_destroy(twostep *t) {
  ups_resize_plan_destroy(t->resize);
  ups_upconv_plan_destroy(t->conv);
  t->resize = NULL;
  t->conv = NULL;
}

static ups_status twostep_create(const bench_problem *prob, ups_isa isa, twostep *t) {
  const ups_upconv_params u = prob->upconv;
  const size_t fh = u.factor_h ? u.factor_h : 1, fw = u.factor_w ? u.factor_w : 1;
  const int nearest = u.mode == UPS_OP_NEAREST;
  ups_resize_params r = {0};
  r.layout = u.layout;
  r.n = u.n;
  r.c = u.in_c;
  r.in_h = u.in_h;
  r.in_w = u.in_w;
  r.out_h = fh * u.in_h;
  r.out_w = fw * u.in_w;
  r.scale_h = (float)fh;
  r.scale_w = (float)fw;
  r.coord = nearest ? UPS_COORD_ASYMMETRIC : UPS_COORD_HALF_PIXEL;
  r.round = UPS_ROUND_FLOOR;
  r.isa = isa;
  ups_upconv_params c = u;
  c.in_h = r.out_h;
  c.in_w = r.out_w;
  c.factor_h = c.factor_w = 1;
  c.mode = UPS_OP_NEAREST; /* factor 1: the identity */
  c.isa = isa;
  t->resize = NULL;
  t->conv = NULL;
  ups_status st = ups_resize_plan_create(&r, nearest ? UPS_OP_NEAREST : UPS_OP_BILINEAR, &t->resize);
  if (st == UPS_OK) st = ups_upconv_plan_create(&c, g_tensors.weights, g_tensors.bias, &t->conv);
  if (st != UPS_OK) twostep_destroy(t);
  return st;
}

static ups_status twostep_run(const twostep *t, const float *in, float *mid, float *out) {
  ups_status st = ups_resize_plan_run_pool(t->resize, in, mid, g_pool);
  if (st == UPS_OK) st = ups_upconv_plan_run_pool(t->conv, mid, out, g_pool);
  return st;
}

/* The two-step reference (ups_check_upconv) is a scalar direct convolution
 * of the upsampled image, run twice (values and magnitudes): ~80 GMAC and
 * minutes for the SD-VAE block, per variant checked. Above this many
 * two-step MACs an upconv row is checked on a proxy instead: the same
 * problem (channels, kernel, factors, pads, layouts, weights, bias, path)
 * on an input of at most BENCH_UPCONV_PROXY_PX x BENCH_UPCONV_PROXY_PX; the
 * label says so. */
#define BENCH_UPCONV_CHECK_MAX_MACS 4e9
/* The scalar variant's upconv rows stop here (FLOPs per call). */
#define BENCH_SCALAR_MAX_FLOPS 1e10
enum { BENCH_UPCONV_PROXY_PX = 8 };

/* Runs the upconv variant (fused plan, or upsimd's two-step) on `prob` with
 * the instance's weights and bias and fresh inputs, and checks it. */
static ups_status upconv_check_run(const bench_instance *inst, const bench_problem *prob,
                                   ups_isa isa, int path, const float *in, float *mid, float *out,
                                   size_t out_elems, ups_check_result *r, int *checked) {
  ups_status st;
  *checked = 0;
  bench_fill_nan(out, out_elems);
  if (path == PATH_TWOSTEP) {
    twostep t;
    st = twostep_create(prob, isa, &t);
    if (st == UPS_OK) st = twostep_run(&t, in, mid, out);
    twostep_destroy(&t);
  } else {
    ups_upconv_params p = prob->upconv;
    p.isa = isa;
    ups_upconv_plan *plan = NULL;
    st = ups_upconv_plan_create(&p, g_tensors.weights, g_tensors.bias, &plan);
    if (st == UPS_OK) st = ups_upconv_plan_run_pool(plan, in, out, g_pool);
    ups_upconv_plan_destroy(plan);
  }
  (void)inst;
  if (st != UPS_OK) return st;
  const ups_upconv_params p = prob->upconv;
  *checked = 1;
  return ups_check_upconv(&p, in, g_tensors.weights, g_tensors.bias, out, r);
}

static int upconv_uses_proxy(const bench_instance *inst) {
  return inst->twostep_macs > BENCH_UPCONV_CHECK_MAX_MACS;
}

/* The verdict of an upconv row: on the instance's own tensors, or on the
 * proxy (upconv_uses_proxy). Returns 1 right, -1 wrong (msg set). */
static int upconv_verdict(const bench_instance *inst, ups_isa isa, int path, char *msg) {
  const char *who = path == PATH_TWOSTEP ? "upsimd's two-step" : ups_isa_name(isa);
  ups_check_result r;
  int checked = 0;
  ups_status st;
  if (!upconv_uses_proxy(inst)) {
    st = upconv_check_run(inst, &inst->prob, isa, path, g_tensors.in, g_tensors.mid,
                          g_tensors.out, g_tensors.out_elems, &r, &checked);
  } else {
    bench_problem proxy = inst->prob;
    ups_upconv_params *u = &proxy.upconv;
    if (u->in_h > BENCH_UPCONV_PROXY_PX) u->in_h = BENCH_UPCONV_PROXY_PX;
    if (u->in_w > BENCH_UPCONV_PROXY_PX) u->in_w = BENCH_UPCONV_PROXY_PX;
    size_t oh = 0, ow = 0;
    st = ups_upconv_output_size(u, &oh, &ow);
    const size_t fh = u->factor_h ? u->factor_h : 1, fw = u->factor_w ? u->factor_w : 1;
    const size_t in_n = u->n * u->in_c * u->in_h * u->in_w, out_n = u->n * u->out_c * oh * ow;
    const size_t mid_n = in_n * fh * fw;
    float *in = NULL, *mid = NULL, *out = NULL;
    if (st == UPS_OK) {
      in = bench_alloc(in_n * sizeof(float));
      mid = bench_alloc(mid_n * sizeof(float));
      out = bench_alloc(out_n * sizeof(float));
      if (!in || !mid || !out) st = UPS_ERR_NOMEM;
    }
    if (st == UPS_OK) {
      bench_fill_uniform(seed_of(inst, 3), in, in_n, -1.f, 1.f);
      st = upconv_check_run(inst, &proxy, isa, path, in, mid, out, out_n, &r, &checked);
    }
    bench_free(in);
    bench_free(mid);
    bench_free(out);
  }
  if (st != UPS_OK) {
    if (checked)
      snprintf(msg, MSG, "the reference check could not run: %s", ups_status_string(st));
    else
      snprintf(msg, MSG, "%s returned \"%s\" on a valid problem", who, ups_status_string(st));
    return -1;
  }
  if (r.failures) {
    describe_check(msg, MSG, who, &r);
    return -1;
  }
  return 1;
}

/* Runs an upsimd variant once on the path its rows time (a plan's run, or
 * the one-shot resize call), on the --threads pool as timed, and records the
 * verdict. */
static int verdict_for(bench_instance *inst, ups_isa isa, int path) {
  if (inst->verdict[path][isa]) return inst->verdict[path][isa];
  char *msg = inst->verdict_msg[path][isa];
  const bench_problem *prob = &inst->prob;
  ups_status st;
  if (prob->op == BENCH_UPCONV) return inst->verdict[path][isa] = upconv_verdict(inst, isa, path, msg);
  bench_fill_nan(g_tensors.out, g_tensors.out_elems);
  if (prob->op == BENCH_DECONV) {
    ups_deconv_params p = prob->deconv;
    p.isa = isa;
    ups_deconv_plan *plan = NULL;
    st = ups_deconv_plan_create(&p, g_tensors.weights, g_tensors.bias, &plan);
    if (st == UPS_OK) st = ups_deconv_plan_run_pool(plan, g_tensors.in, g_tensors.out, g_pool);
    ups_deconv_plan_destroy(plan);
  } else if (path == PATH_PLAN) {
    ups_resize_params p = prob->resize;
    p.isa = isa;
    ups_resize_plan *plan = NULL;
    st = ups_resize_plan_create(&p, resize_op(prob), &plan);
    if (st == UPS_OK) st = ups_resize_plan_run_pool(plan, g_tensors.in, g_tensors.out, g_pool);
    ups_resize_plan_destroy(plan);
  } else {
    ups_resize_params p = prob->resize;
    p.isa = isa;
    st = prob->op == BENCH_NEAREST
             ? ups_resize_nearest_f32_pool(&p, g_tensors.in, g_tensors.out, g_pool)
             : ups_resize_bilinear_f32_pool(&p, g_tensors.in, g_tensors.out, g_pool);
  }
  if (st != UPS_OK) {
    snprintf(msg, MSG, "%s returned \"%s\" on a valid problem", ups_isa_name(isa),
             ups_status_string(st));
    return inst->verdict[path][isa] = -1;
  }
  return inst->verdict[path][isa] = check_output(inst, ups_isa_name(isa), msg, MSG) ? 1 : -1;
}

/* ------------------------------------------------------------ limits */

/* The time this machine's limits need for one call's work: the streaming copy
 * of the same bytes (buffers of the same sizes, so the same cache level), and
 * for deconvolution also the time of the case's FMA probe for the useful
 * FLOPs; the larger of the two is the roofline. */
static double limit_for(bench_case *c) {
  bench_instance *inst = c->inst;
  if (!inst->copy_known) {
    inst->copy_seconds = bench_copy_seconds((size_t)inst->work.read_bytes,
                                            (size_t)inst->work.write_bytes);
    inst->copy_known = 1;
  }
  if (!c->limit_known) {
    const double gflops = c->fma ? bench_fma_gflops(c->fma) : 0.0;
    double fma = 0.0;
    if (inst->work.flops > 0 && gflops > 0) fma = inst->work.flops / (gflops * 1e9);
    c->limit_seconds = fma > inst->copy_seconds ? fma : inst->copy_seconds;
    if (fma > inst->copy_seconds)
      snprintf(c->limit_kind, sizeof c->limit_kind, "fma/%s", c->fma->name);
    else
      snprintf(c->limit_kind, sizeof c->limit_kind, "copy");
    c->limit_known = 1;
  }
  return c->limit_seconds;
}

static void set_work_counters(gbench_state *s, const bench_work *work, double limit_seconds) {
  gbench_counter(s, "items_per_second", work->items, GBENCH_COUNTER_PER_SECOND);
  gbench_counter(s, "bytes_per_second", work->read_bytes + work->write_bytes,
                 GBENCH_COUNTER_PER_SECOND);
  if (work->flops > 0) gbench_counter(s, "GFLOPS", work->flops * 1e-9, GBENCH_COUNTER_PER_SECOND);
  /* limit time per call x iterations / measured time = limit / measured. */
  if (limit_seconds > 0) gbench_counter(s, "roof", limit_seconds, GBENCH_COUNTER_PER_SECOND);
}

/* Upconv rows (fused and two-step alike): GFLOPS above counts the fused
 * multiply-adds; GFLOPS_twostep the same time on the two-step's (what a
 * framework's profiler would credit the unfused pair with), and both MAC
 * counts plainly, for the report's "MACs saved". The label's tail. */
static void set_upconv_counters(gbench_state *s, const bench_instance *inst, char *tail,
                                size_t cap) {
  const double fused = inst->work.flops / 2.0, two = inst->twostep_macs;
  gbench_counter(s, "GFLOPS_twostep", 2.0 * two * 1e-9, GBENCH_COUNTER_PER_SECOND);
  gbench_counter(s, "MACs_fused", fused, GBENCH_COUNTER_PLAIN);
  gbench_counter(s, "MACs_twostep", two, GBENCH_COUNTER_PLAIN);
  snprintf(tail, cap, "; fused %.0f MACs vs two-step %.0f MACs (%.2fx fewer)%s", fused, two,
           fused > 0 ? two / fused : 0.0,
           upconv_uses_proxy(inst) ? "; checked on an input of at most 8x8 (reference cost)" : "");
}

/* Skips the benchmark (returns 1) when this ISA's variant cannot run here. */
static int skip_unsupported(gbench_state *s, ups_isa isa) {
  if (ups_isa_supported(isa)) return 0;
  char buf[128];
  snprintf(buf, sizeof buf, "%s %s", ups_isa_name(isa),
           ups_isa_built(isa) ? "not usable on this CPU" : "not built into this library");
  gbench_skip(s, buf);
  return 1;
}

/* ------------------------------------------------------------ benchmarks */

/* Makes the instance's tensors; on failure reports the error and returns 0. */
static int tensors_ready(gbench_state *s, const bench_instance *inst) {
  if (!tensors_for(inst)) return 1;
  gbench_error(s, "out of memory for the workload's tensors");
  return 0;
}

/* tensors_ready, then the variant's check: a wrong variant is reported with
 * gbench_fail (not timed) and 0 returned. */
static int tensors_checked(gbench_state *s, bench_instance *inst, ups_isa isa, int path) {
  if (!tensors_ready(s, inst)) return 0;
  if (verdict_for(inst, isa, path) > 0) return 1;
  char buf[MSG + 16];
  snprintf(buf, sizeof buf, "%s; not timed", inst->verdict_msg[path][isa]);
  gbench_fail(s, buf);
  return 0;
}

static void run_upsimd(gbench_state *s, void *user) {
  bench_case *c = user;
  bench_instance *inst = c->inst;
  char buf[MSG + 128];
  if (skip_unsupported(s, c->isa)) return;
  const double limit = limit_for(c); /* before the check: the probe's own buffers
                                        must not be what is left in cache */
  const int path = c->kind == CASE_ONESHOT   ? PATH_ONESHOT
                   : c->kind == CASE_TWOSTEP ? PATH_TWOSTEP
                                             : PATH_PLAN;
  const bench_problem *prob = &inst->prob;
  if (prob->op == BENCH_UPCONV && c->isa == UPS_ISA_SCALAR && inst->work.flops > BENCH_SCALAR_MAX_FLOPS) {
    /* ~20 s per call (the SD-VAE block): scripts/bench's time budget. */
    gbench_skip(s, "scalar upconv above 1e10 FLOPs per call: not timed (tens of seconds a call)");
    return;
  }
  if (!tensors_checked(s, inst, c->isa, path)) return;
  ups_status bad = UPS_OK;
  char tail[160] = "";
  /* Plans are made outside the timed loop: the rows time their runs. */
  if (prob->op == BENCH_UPCONV && path == PATH_TWOSTEP) {
    twostep t;
    if (twostep_create(prob, c->isa, &t) != UPS_OK) {
      gbench_fail(s, "two-step plan creation failed after passing the check");
      return;
    }
    twostep_run(&t, g_tensors.in, g_tensors.mid, g_tensors.out); /* warm */
    while (gbench_keep_running(s)) {
      const ups_status st = twostep_run(&t, g_tensors.in, g_tensors.mid, g_tensors.out);
      if (st != UPS_OK) bad = st;
    }
    twostep_destroy(&t);
  } else if (prob->op == BENCH_UPCONV) {
    ups_upconv_params p = prob->upconv;
    p.isa = c->isa;
    ups_upconv_plan *plan = NULL;
    if (ups_upconv_plan_create(&p, g_tensors.weights, g_tensors.bias, &plan) != UPS_OK) {
      gbench_fail(s, "plan creation failed after passing the check");
      return;
    }
    /* Bilinear rows time ups_upconv_plan_run_ws with a workspace made once
     * (what an engine does): no allocation in the loop. Nearest needs none. */
    size_t wsb = 0;
    ups_upconv_plan_workspace_size(plan, &wsb);
    void *ws = wsb ? malloc(wsb) : NULL;
    if (wsb && !ws) {
      ups_upconv_plan_destroy(plan);
      gbench_fail(s, "workspace allocation failed");
      return;
    }
    ups_upconv_plan_run_ws(plan, g_tensors.in, g_tensors.out, ws, wsb, g_pool); /* warm */
    while (gbench_keep_running(s)) {
      const ups_status st =
          ups_upconv_plan_run_ws(plan, g_tensors.in, g_tensors.out, ws, wsb, g_pool);
      if (st != UPS_OK) bad = st;
    }
    free(ws);
    ups_upconv_plan_destroy(plan);
  } else if (prob->op == BENCH_DECONV) {
    ups_deconv_params p = prob->deconv;
    p.isa = c->isa;
    ups_deconv_plan *plan = NULL;
    if (ups_deconv_plan_create(&p, g_tensors.weights, g_tensors.bias, &plan) != UPS_OK) {
      gbench_fail(s, "plan creation failed after passing the check");
      return;
    }
    ups_deconv_plan_run_pool(plan, g_tensors.in, g_tensors.out, g_pool); /* warm */
    while (gbench_keep_running(s)) {
      const ups_status st = ups_deconv_plan_run_pool(plan, g_tensors.in, g_tensors.out, g_pool);
      if (st != UPS_OK) bad = st;
    }
    ups_deconv_plan_destroy(plan);
  } else if (path == PATH_PLAN) {
    ups_resize_params p = prob->resize;
    p.isa = c->isa;
    ups_resize_plan *plan = NULL;
    if (ups_resize_plan_create(&p, resize_op(prob), &plan) != UPS_OK) {
      gbench_fail(s, "plan creation failed after passing the check");
      return;
    }
    ups_resize_plan_run_pool(plan, g_tensors.in, g_tensors.out, g_pool); /* warm */
    while (gbench_keep_running(s)) {
      const ups_status st = ups_resize_plan_run_pool(plan, g_tensors.in, g_tensors.out, g_pool);
      if (st != UPS_OK) bad = st;
    }
    ups_resize_plan_destroy(plan);
  } else {
    ups_resize_params p = prob->resize;
    p.isa = c->isa;
    ups_status (*fn)(const ups_resize_params *, const float *, float *, const ups_pool *) =
        prob->op == BENCH_NEAREST ? ups_resize_nearest_f32_pool : ups_resize_bilinear_f32_pool;
    fn(&p, g_tensors.in, g_tensors.out, g_pool); /* warm */
    while (gbench_keep_running(s)) {
      const ups_status st = fn(&p, g_tensors.in, g_tensors.out, g_pool);
      if (st != UPS_OK) bad = st;
    }
  }
  if (bad != UPS_OK) {
    snprintf(buf, sizeof buf, "%s returned \"%s\" while timed", ups_isa_name(c->isa),
             ups_status_string(bad));
    gbench_fail(s, buf);
    return;
  }
  set_work_counters(s, &inst->work, limit);
  if (prob->op == BENCH_UPCONV) set_upconv_counters(s, inst, tail, sizeof tail);
  snprintf(buf, sizeof buf, "%s; roof vs %s%s%s; %d thread%s%s%s%s", inst->about, c->limit_kind,
           c->isa == UPS_ISA_AUTO ? "; auto=" : "",
           c->isa == UPS_ISA_AUTO ? ups_isa_name(ups_isa_selected()) : "", g_threads,
           g_threads > 1 ? "s" : "", path == PATH_ONESHOT ? "; one-shot call" : "",
           path == PATH_TWOSTEP ? "; upsimd resize plan then factor-1 upconv plan" : "", tail);
  gbench_label(s, buf);
}

/* Bytes a plan of this variant packs into (the library's own accounting). */
static double packed_bytes_of(const bench_instance *inst, ups_isa isa) {
  ups_deconv_params p = inst->prob.deconv;
  if (inst->prob.op == BENCH_UPCONV) {
    /* An upconv plan owns a deconvolution plan of the transformed weights
     * (ups_upconv_validate's dp): its packing is that plan's. */
    ups_upconv_shape sh;
    if (ups_upconv_validate(&inst->prob.upconv, &sh) != UPS_OK) return 0.0;
    p = sh.dp;
    float *w = bench_alloc(bench_deconv_weight_elems(&p) * sizeof(float));
    if (!w) return 0.0;
    bench_fill_uniform(1, w, bench_deconv_weight_elems(&p), -0.5f, 0.5f);
    p.isa = isa;
    ups_deconv_plan *plan = NULL;
    double bytes = 0.0;
    if (ups_deconv_plan_create(&p, w, g_tensors.bias, &plan) == UPS_OK)
      bytes = (double)ups_deconv_plan_packed_bytes(plan);
    ups_deconv_plan_destroy(plan);
    bench_free(w);
    return bytes;
  }
  p.isa = isa;
  ups_deconv_plan *plan = NULL;
  if (ups_deconv_plan_create(&p, g_tensors.weights, g_tensors.bias, &plan) != UPS_OK) return 0.0;
  const double bytes = (double)ups_deconv_plan_packed_bytes(plan);
  ups_deconv_plan_destroy(plan);
  return bytes;
}

static void run_pack(gbench_state *s, void *user) {
  bench_case *c = user;
  bench_instance *inst = c->inst;
  char buf[MSG + 128];
  if (skip_unsupported(s, c->isa)) return;
  const int is_upconv = inst->prob.op == BENCH_UPCONV;
  const ups_deconv_params base = inst->prob.deconv;
  const ups_upconv_params ubase = inst->prob.upconv;
  const double weight_bytes =
      is_upconv ? ((double)bench_upconv_weight_elems(&ubase) +
                   (inst->prob.bias ? (double)ubase.out_c : 0.0)) * sizeof(float)
                : ((double)bench_deconv_weight_elems(&base) +
                   (inst->prob.bias ? (double)base.out_c : 0.0)) * sizeof(float);
  /* The plans this benchmark makes are the ones the run benchmark checks. */
  if (!tensors_checked(s, inst, c->isa, PATH_PLAN)) return;
  if (!c->pack_limit_known) {
    c->pack_bytes = packed_bytes_of(inst, c->isa);
    c->pack_limit_seconds = bench_copy_seconds((size_t)weight_bytes, (size_t)c->pack_bytes);
    c->pack_limit_known = 1;
  }
  ups_deconv_params p = base;
  p.isa = c->isa;
  ups_upconv_params up = ubase;
  up.isa = c->isa;
  ups_status bad = UPS_OK;
  if (is_upconv) {
    /* Upconv plans transform the weights (per-phase sums), then pack. */
    while (gbench_keep_running(s)) {
      ups_upconv_plan *plan = NULL;
      const ups_status st = ups_upconv_plan_create(&up, g_tensors.weights, g_tensors.bias, &plan);
      if (st != UPS_OK) bad = st;
      ups_upconv_plan_destroy(plan);
    }
  } else {
    while (gbench_keep_running(s)) {
      ups_deconv_plan *plan = NULL;
      const ups_status st = ups_deconv_plan_create(&p, g_tensors.weights, g_tensors.bias, &plan);
      if (st != UPS_OK) bad = st;
      ups_deconv_plan_destroy(plan);
    }
  }
  if (bad != UPS_OK) {
    snprintf(buf, sizeof buf, "plan_create returned \"%s\" while timed", ups_status_string(bad));
    gbench_fail(s, buf);
    return;
  }
  gbench_counter(s, "bytes_per_second", weight_bytes + c->pack_bytes, GBENCH_COUNTER_PER_SECOND);
  if (c->pack_limit_seconds > 0)
    gbench_counter(s, "roof", c->pack_limit_seconds, GBENCH_COUNTER_PER_SECOND);
  snprintf(buf, sizeof buf, "%s; packs %.0f weight bytes into %.0f; roof vs copy%s%s",
           inst->about, weight_bytes, c->pack_bytes, c->isa == UPS_ISA_AUTO ? "; auto=" : "",
           c->isa == UPS_ISA_AUTO ? ups_isa_name(ups_isa_selected()) : "");
  gbench_label(s, buf);
}

/* nearest-plan/..., bilinear-plan/...: a resize plan's creation and
 * destruction (coordinate tables, the variant's per-call data), on the
 * calling thread (plan creation takes no pool). No roof: no copy or FMA limit
 * describes building tables. */
static void run_resize_plan(gbench_state *s, void *user) {
  bench_case *c = user;
  bench_instance *inst = c->inst;
  char buf[MSG + 128];
  if (skip_unsupported(s, c->isa)) return;
  /* The plans made here are the ones the run rows check and time. */
  if (!tensors_checked(s, inst, c->isa, PATH_PLAN)) return;
  ups_resize_params p = inst->prob.resize;
  p.isa = c->isa;
  const ups_operator op = resize_op(&inst->prob);
  ups_status bad = UPS_OK;
  while (gbench_keep_running(s)) {
    ups_resize_plan *plan = NULL;
    const ups_status st = ups_resize_plan_create(&p, op, &plan);
    if (st != UPS_OK) bad = st;
    ups_resize_plan_destroy(plan);
  }
  if (bad != UPS_OK) {
    snprintf(buf, sizeof buf, "plan_create returned \"%s\" while timed", ups_status_string(bad));
    gbench_fail(s, buf);
    return;
  }
  snprintf(buf, sizeof buf, "%s; resize plan create + destroy; no roof%s%s", inst->about,
           c->isa == UPS_ISA_AUTO ? "; auto=" : "",
           c->isa == UPS_ISA_AUTO ? ups_isa_name(ups_isa_selected()) : "");
  gbench_label(s, buf);
}

static bench_peer_op *peer_create(const bench_peer *peer, const bench_instance *inst,
                                  const char **why) {
  const bench_problem *prob = &inst->prob;
  *why = NULL;
  if (prob->op == BENCH_DECONV) {
    if (!peer->deconv_create) return NULL;
    return peer->deconv_create(&prob->deconv, g_tensors.weights, g_tensors.bias, why);
  }
  if (prob->op == BENCH_UPCONV) {
    if (!peer->upconv_create) return NULL;
    return peer->upconv_create(&prob->upconv, g_tensors.weights, g_tensors.bias, why);
  }
  if (!peer->resize_create) return NULL;
  return peer->resize_create(&prob->resize, prob->op == BENCH_BILINEAR, why);
}

/* A peer's upconv two-step on the proxy of upconv_verdict (the instance's
 * weights and bias, the input cropped): 1 right, -1 wrong or failed (msg). */
static int peer_upconv_proxy_verdict(const bench_peer *peer, const bench_instance *inst,
                                     char *msg, size_t cap) {
  bench_problem proxy = inst->prob;
  ups_upconv_params *u = &proxy.upconv;
  if (u->in_h > BENCH_UPCONV_PROXY_PX) u->in_h = BENCH_UPCONV_PROXY_PX;
  if (u->in_w > BENCH_UPCONV_PROXY_PX) u->in_w = BENCH_UPCONV_PROXY_PX;
  size_t oh = 0, ow = 0;
  if (ups_upconv_output_size(u, &oh, &ow) != UPS_OK) {
    snprintf(msg, cap, "peer-error: the proxy problem is invalid; not timed");
    return -1;
  }
  const char *why = NULL;
  bench_peer_op *op = peer->upconv_create(u, g_tensors.weights, g_tensors.bias, &why);
  if (!op) {
    snprintf(msg, cap, "peer-error: %s could not build the proxy: %s; not timed", peer->name,
             why ? why : "no reason given");
    return -1;
  }
  const size_t in_n = u->n * u->in_c * u->in_h * u->in_w, out_n = u->n * u->out_c * oh * ow;
  float *in = bench_alloc(in_n * sizeof(float)), *out = bench_alloc(out_n * sizeof(float));
  int verdict = -1;
  if (!in || !out) {
    snprintf(msg, cap, "peer-error: out of memory; not timed");
  } else {
    bench_fill_uniform(seed_of(inst, 3), in, in_n, -1.f, 1.f);
    bench_fill_nan(out, out_n);
    ups_check_result r;
    if (peer->run(op, in, out) != 0) {
      snprintf(msg, cap, "peer-error: %s failed to run; not timed", peer->name);
    } else if (ups_check_upconv(u, in, g_tensors.weights, g_tensors.bias, out, &r) != UPS_OK) {
      snprintf(msg, cap, "peer-error: the reference check could not run; not timed");
    } else if (r.failures) {
      char detail[MSG];
      describe_check(detail, sizeof detail, peer->name, &r);
      snprintf(msg, cap, "peer-mismatch: %s; not timed", detail);
    } else {
      verdict = 1;
    }
  }
  bench_free(in);
  bench_free(out);
  peer->destroy(op);
  return verdict;
}

static void run_peer(gbench_state *s, void *user) {
  bench_case *c = user;
  bench_instance *inst = c->inst;
  char buf[MSG + 512];
  const double limit = limit_for(c);
  if (!tensors_ready(s, inst)) return;
  const char *why = NULL;
  bench_peer_op *op = peer_create(c->peer, inst, &why);
  if (!op) {
    snprintf(buf, sizeof buf, "peer-error: %s could not build the primitive: %s", c->peer->name,
             why ? why : "no reason given");
    gbench_error(s, buf);
    return;
  }
  if (!c->peer_verdict && inst->prob.op == BENCH_UPCONV && upconv_uses_proxy(inst))
    c->peer_verdict = peer_upconv_proxy_verdict(c->peer, inst, c->peer_msg, sizeof c->peer_msg);
  if (!c->peer_verdict) {
    bench_fill_nan(g_tensors.out, g_tensors.out_elems);
    if (c->peer->run(op, g_tensors.in, g_tensors.out) != 0) {
      snprintf(c->peer_msg, sizeof c->peer_msg, "peer-error: %s failed to run; not timed", c->peer->name);
      c->peer_verdict = -1;
    } else {
      char detail[MSG];
      c->peer_verdict = check_output(inst, c->peer->name, detail, sizeof detail) ? 1 : -1;
      if (c->peer_verdict < 0)
        snprintf(c->peer_msg, sizeof c->peer_msg, "peer-mismatch: %s; not timed", detail);
    }
  }
  if (c->peer_verdict < 0) {
    c->peer->destroy(op);
    gbench_error(s, c->peer_msg);
    return;
  }
  int bad = 0;
  c->peer->run(op, g_tensors.in, g_tensors.out); /* warm */
  while (gbench_keep_running(s)) bad |= c->peer->run(op, g_tensors.in, g_tensors.out);
  /* The implementation (and ISA) the peer chose for this op, before destroy
   * frees it: the report shows it per row. */
  const char *impl = c->peer->impl ? c->peer->impl(op) : NULL;
  snprintf(buf, sizeof buf, "%s; roof vs %s; peer %s %s%s%s", inst->about, c->limit_kind,
           c->peer->name, c->peer->version ? c->peer->version : "", impl ? "; impl " : "",
           impl ? impl : "");
  c->peer->destroy(op);
  if (bad) {
    snprintf(buf, sizeof buf, "peer-error: %s failed while timed", c->peer->name);
    gbench_error(s, buf);
    return;
  }
  set_work_counters(s, &inst->work, limit);
  if (inst->prob.op == BENCH_UPCONV) {
    char tail[160];
    set_upconv_counters(s, inst, tail, sizeof tail);
    const size_t len = strlen(buf);
    snprintf(buf + len, sizeof buf - len, "%s", tail);
  }
  gbench_label(s, buf);
}

/* ------------------------------------------------------------ probes */

typedef struct probe_case {
  const char *level;
  size_t read_bytes, write_bytes;
  const bench_fma_probe *fma; /* FMA probes */
} probe_case;

static void run_probe_copy(gbench_state *s, void *user) {
  const probe_case *pc = user;
  bench_copy_impl best;
  const double limit = bench_copy_limit(pc->read_bytes, pc->write_bytes, &best);
  if (!best.pass) {
    gbench_error(s, "the copy probe could not run (out of memory)");
    return;
  }
  unsigned char *src = bench_alloc(pc->read_bytes), *dst = bench_alloc(pc->write_bytes);
  if (!src || !dst) {
    bench_free(src);
    bench_free(dst);
    gbench_error(s, "out of memory");
    return;
  }
  memset(src, 1, pc->read_bytes);
  memset(dst, 2, pc->write_bytes);
  bench_team *team = bench_probes_team();
  double reps = 1.0; /* passes per timed iteration */
  if (team) {
    /* N threads, each its own slice; an iteration is `reps` team passes of
     * ~1 ms, so the barriers cost little. */
    bench_copy_job job = {best.pass, src, pc->read_bytes, dst, pc->write_bytes};
    const int64_t n = bench_team_calibrate(team, bench_copy_team_body, &job, 1e-3);
    reps = (double)n;
    while (gbench_keep_running(s)) bench_team_run(team, bench_copy_team_body, &job, n);
  } else {
    best.pass(src, pc->read_bytes, dst, pc->write_bytes);
    while (gbench_keep_running(s)) best.pass(src, pc->read_bytes, dst, pc->write_bytes);
  }
  bench_free(src);
  bench_free(dst);
  gbench_counter(s, "bytes_per_second", reps * (double)(pc->read_bytes + pc->write_bytes),
                 GBENCH_COUNTER_PER_SECOND);
  gbench_counter(s, "roof", reps * limit, GBENCH_COUNTER_PER_SECOND);
  char buf[200];
  snprintf(buf, sizeof buf,
           "streaming copy probe, %zu B read + %zu B written (%s-resident), fastest "
           "implementation here: %s; %d thread%s",
           pc->read_bytes, pc->write_bytes, pc->level, best.name, g_threads,
           g_threads > 1 ? "s (each its own slice)" : "");
  gbench_label(s, buf);
}

/* Roof against its own start-up measurement, as the copy probes: ~1 says the
 * limit the roofs use held while the benchmarks ran. */
static void run_probe_fma(gbench_state *s, void *user) {
  const probe_case *pc = user;
  const bench_fma_probe *p = pc->fma;
  if (!p->usable) {
    gbench_skip(s, p->why_not ? p->why_not : "not usable here");
    return;
  }
  const int64_t rounds = BENCH_FMA_TEAM_ROUNDS;
  double flops = p->run(rounds);
  const double peak = bench_fma_gflops(p);
  bench_team *team = bench_probes_team();
  if (team) {
    /* One team pass per iteration: every thread runs the probe. */
    const int n = bench_team_size(team);
    flops *= n;
    while (gbench_keep_running(s)) bench_team_run(team, bench_fma_team_body, (void *)p, 1);
  } else {
    while (gbench_keep_running(s)) p->run(rounds);
  }
  gbench_counter(s, "GFLOPS", flops * 1e-9, GBENCH_COUNTER_PER_SECOND);
  gbench_counter(s, "roof", flops / (peak * 1e9), GBENCH_COUNTER_PER_SECOND);
  char buf[200];
  if (g_threads > 1)
    snprintf(buf, sizeof buf, "%d-core FMA throughput (sum of %d threads), %s each, %d-bit%s",
             g_threads, g_threads, p->chains, p->bits,
             p == bench_fma_probe_default() ? " (the default deconv roof)" : "");
  else
    snprintf(buf, sizeof buf, "single-core FMA throughput, %s, %d-bit%s", p->chains, p->bits,
             p == bench_fma_probe_default() ? " (the default deconv roof)" : "");
  gbench_label(s, buf);
}

/* ------------------------------------------------------------ main */

static void usage(FILE *f) {
  fprintf(f,
          "usage: upsimd-bench [--quick] [--info] [--pin=PU|--no-pin] [--threads=N] "
          "[--real-time]\n                    [--no-peers] [--peer-notes]\n"
          "                    [--problem DESC]... [--batch FILE]... [--builtin] "
          "[Google Benchmark flags]\n"
          "  --quick       the small --quick workload set, --benchmark_min_time=0.05\n"
          "  --problem DESC  benchmark this problem, e.g. \"deconv nhwc ic64 oc64 ih64 k4 s2 p1\"\n"
          "                (grammar: README.md, \"Problem descriptors\"); repeatable\n"
          "  --batch FILE  benchmark every problem of FILE (one descriptor per line, # comments)\n"
          "  --builtin     with --problem/--batch: also run the built-in workloads\n"
          "  --info        print ISAs (built, usable, AUTO's pick, parents, the kernel that\n"
          "                runs per operator and layout) and the topology, exit\n"
          "  --pin=PU      pin the timing thread to this PU (OS index; default: the last)\n"
          "  --no-pin      do not pin\n"
          "  --threads=N   upsimd runs on the library's default pool of N threads, the probes\n"
          "                on N threads (one per core when pinned); wall-clock times (default 1)\n"
          "  --real-time   wall-clock times (and probes) also for one thread\n"
          "  --no-peers    do not register peer libraries\n"
          "  --peer-notes  print why a peer is not registered for a workload\n"
          "Google Benchmark flags (1.7.1): --benchmark_filter=REGEX, "
          "--benchmark_repetitions=N,\n  --benchmark_min_time=SECONDS, "
          "--benchmark_out=FILE --benchmark_out_format=json, --benchmark_format=json, ...\n"
          "Exit status: 0 ok, 1 a variant gave wrong results, 2 nothing matched the filter, "
          "3 usage\n(a malformed descriptor or a problem the library rejects).\n");
}

static int has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Appends ",name" (or "name" to an empty list), truncating at cap. */
static void list_append(char *list, size_t cap, const char *name) {
  const size_t len = strlen(list);
  snprintf(list + len, cap - len, "%s%s", len ? "," : "", name);
}

static void context_number(const char *key, double v) {
  char buf[48];
  snprintf(buf, sizeof buf, "%.4g", v);
  gbench_add_context(key, buf);
}

/* Microseconds: readable from in-L1 kernels (0.4 us) to scalar deconv (1e5 us). */
static gbench_options g_options = {.unit = GBENCH_UNIT_US};

/* ------------------------------------------------------------ registration */

/* Start-up probes the selected benchmarks need (gbench_selected): a copy
 * level for its probe/copy benchmark, an FMA probe for its probe/fma
 * benchmark and for the roof of every selected deconv row (upsimd or peer)
 * held to it. Resize and packing roofs are copies of the row's own sizes,
 * measured when the row first runs (limit_for, run_pack), as before. */
static int g_need_copy[BENCH_COPY_LEVELS];
static int g_need_fma[8];

static void need_fma(const bench_fma_probe *p) {
  for (size_t i = 0; i < bench_fma_probe_count() && i < 8; i++)
    if (bench_fma_probe_get(i) == p) g_need_fma[i] = 1;
}

/* Registers a run benchmark (upsimd or peer) and notes the FMA probe its roof
 * needs when it is selected. */
static void register_run(const char *name, gbench_fn fn, bench_case *c) {
  gbench_register(name, fn, c, &g_options);
  if (c->fma && c->inst->work.flops > 0 && gbench_selected(name)) need_fma(c->fma);
}

/* Fills an instance of `prob` (already in its layout) and its work counters.
 * Returns non-zero, with a message, when the library rejects the problem. */
static int instance_init(bench_instance *inst, size_t index, const char *name, const char *about,
                         const bench_problem *prob) {
  inst->name = name;
  inst->about = about;
  inst->prob = *prob;
  inst->layout = bench_problem_layout(prob);
  inst->index = index;
  int bad;
  if (prob->op == BENCH_DECONV) {
    bad = bench_deconv_work(&prob->deconv, prob->bias, &inst->work);
  } else if (prob->op == BENCH_UPCONV) {
    bad = bench_upconv_work(&prob->upconv, prob->bias, &inst->work);
    inst->twostep_macs = bench_upconv_twostep_macs(&prob->upconv);
  } else {
    bad = bench_resize_work(&prob->resize, &inst->work);
  }
  if (bad) fprintf(stderr, "upsimd-bench: workload %s is invalid\n", name);
  return bad;
}

/* Registers an instance's benchmarks: every variant, then every peer that
 * can express the problem, then (deconv) the packing benchmarks. */
static int register_instance(bench_instance *inst, const ups_isa *order, int n_order,
                             size_t n_peers, int peer_notes, bench_case *cases, size_t *n_case) {
  const char *op = bench_op_name(inst->prob.op);
  const char *lay = inst->layout == UPS_NHWC ? "nhwc" : "nchw";
  char name[BENCH_PROBLEM_TEXT_MAX + 64];
  for (int k = 0; k < n_order; k++) {
    bench_case *c = &cases[(*n_case)++];
    c->inst = inst;
    c->isa = order[k];
    c->fma = bench_fma_probe_for(order[k]);
    snprintf(name, sizeof name, "%s/%s/%s/%s", op, lay, inst->name, ups_isa_name(order[k]));
    register_run(name, run_upsimd, c);
  }
  if (n_peers && inst->prob.op != BENCH_UPCONV) {
    if (tensors_for(inst)) return 1; /* weights, for the deconv adapters */
    for (size_t pi = 0; pi < n_peers; pi++) {
      const bench_peer *peer = bench_peer_get(pi);
      const char *why = NULL;
      bench_peer_op *probe_op = peer_create(peer, inst, &why);
      if (!probe_op) {
        if (peer_notes)
          fprintf(stderr, "upsimd-bench: %s/%s/%s: no %s: %s\n", op, lay, inst->name, peer->name,
                  why ? why : "cannot express it");
        continue;
      }
      peer->destroy(probe_op);
      bench_case *c = &cases[(*n_case)++];
      c->inst = inst;
      c->peer = peer;
      c->fma = bench_fma_probe_widest();
      snprintf(name, sizeof name, "%s/%s/%s/%s", op, lay, inst->name, peer->name);
      register_run(name, run_peer, c);
    }
    tensors_release();
  }
  if (inst->prob.op == BENCH_DECONV || inst->prob.op == BENCH_UPCONV)
    for (int k = 0; k < n_order; k++) {
      bench_case *c = &cases[(*n_case)++];
      c->inst = inst;
      c->kind = CASE_PACK;
      c->isa = order[k];
      snprintf(name, sizeof name, "%s-pack/%s/%s/%s", op, lay, inst->name, ups_isa_name(order[k]));
      gbench_register(name, run_pack, c, &g_options);
    }
  if (inst->prob.op == BENCH_UPCONV) {
    /* The unfused baseline on upsimd's own engine, at AUTO's pick. */
    bench_case *c = &cases[(*n_case)++];
    c->inst = inst;
    c->kind = CASE_TWOSTEP;
    c->isa = UPS_ISA_AUTO;
    c->fma = bench_fma_probe_for(UPS_ISA_AUTO);
    snprintf(name, sizeof name, "upconv-twostep/%s/%s/upsimd", lay, inst->name);
    register_run(name, run_upsimd, c);
    /* The peers' own two-steps (resampling, then convolution). */
    if (n_peers && tensors_for(inst)) return 1; /* weights, for the adapters */
    for (size_t pi = 0; pi < n_peers; pi++) {
      const bench_peer *peer = bench_peer_get(pi);
      if (!peer->upconv_create) continue;
      const char *why = NULL;
      bench_peer_op *probe_op = peer_create(peer, inst, &why);
      if (!probe_op) {
        if (peer_notes)
          fprintf(stderr, "upsimd-bench: upconv-twostep/%s/%s: no %s: %s\n", lay, inst->name,
                  peer->name, why ? why : "cannot express it");
        continue;
      }
      peer->destroy(probe_op);
      bench_case *pc = &cases[(*n_case)++];
      pc->inst = inst;
      pc->kind = CASE_TWOSTEP;
      pc->peer = peer;
      pc->fma = bench_fma_probe_widest();
      snprintf(name, sizeof name, "upconv-twostep/%s/%s/%s", lay, inst->name, peer->name);
      register_run(name, run_peer, pc);
    }
    if (n_peers) tensors_release();
  }
  if (inst->prob.op != BENCH_DECONV && inst->prob.op != BENCH_UPCONV) {
    /* Plan creation, as deconv-pack; and for the in-L1 sets, where building
     * the tables weighs most, the one-shot call in the same run. */
    for (int k = 0; k < n_order; k++) {
      bench_case *c = &cases[(*n_case)++];
      c->inst = inst;
      c->kind = CASE_PLAN;
      c->isa = order[k];
      snprintf(name, sizeof name, "%s-plan/%s/%s/%s", op, lay, inst->name, ups_isa_name(order[k]));
      gbench_register(name, run_resize_plan, c, &g_options);
    }
    if (has_prefix(inst->name, "incache-l1"))
      for (int k = 0; k < n_order; k++) {
        bench_case *c = &cases[(*n_case)++];
        c->inst = inst;
        c->kind = CASE_ONESHOT;
        c->isa = order[k];
        c->fma = bench_fma_probe_for(order[k]);
        snprintf(name, sizeof name, "%s-oneshot/%s/%s/%s", op, lay, inst->name,
                 ups_isa_name(order[k]));
        register_run(name, run_upsimd, c);
      }
  }
  return 0;
}


/* --threads=N (and --real-time): the default pool of N threads for upsimd's
 * runs, the probes on a team of N threads, the wall clock for every row
 * (process CPU time would add up the threads' time). With pinning on and N
 * > 1, the calling thread, and so the pool's workers it creates, is bound to
 * N distinct cores (one PU each; the OS places each thread on one of them)
 * and the probe team's threads are pinned one per core. Context: threads,
 * clock, pool, pinned_pus, probes_threads. Returns 0, or non-zero with a
 * message (a usage error). */
static int threads_setup(int threads, int real_time, int pin, bench_topology *topo,
                         bench_team **team) {
  char buf[BENCH_MAX_THREADS * 8] = "";
  g_threads = threads;
  bench_peers_set_threads(threads);
  int pus[BENCH_MAX_THREADS], n_pus = 0;
  if (threads > 1 && pin) {
    n_pus = bench_topology_core_pus(threads, pus);
    if (n_pus < threads) {
      fprintf(stderr, "upsimd-bench: warning: %d threads on %d cores: not pinned\n", threads,
              n_pus);
      n_pus = 0;
    } else if (bench_bind_thread_pus(pus, n_pus) != 0) {
      fprintf(stderr, "upsimd-bench: warning: could not bind to %d cores: not pinned\n", threads);
      n_pus = 0;
    }
    /* Not pinned: undo the timing thread's one-PU binding, or the pool's
     * workers would inherit it and share that PU. */
    if (!n_pus) bench_bind_thread_pus(NULL, -1);
    topo->pinned_pu = -1; /* the calling thread is on a set of cores now */
  } else if (topo->pinned_pu >= 0) {
    pus[n_pus++] = topo->pinned_pu;
  }
  if (threads > 1 || real_time) {
    *team = bench_team_create(threads, n_pus ? pus : NULL);
    if (!*team) {
      fprintf(stderr, "upsimd-bench: could not start %d probe threads\n", threads);
      return 1;
    }
    bench_probes_use_team(*team);
    g_options.real_time = 1;
  }
  if (threads > 1) {
    const ups_status st = ups_pool_create_default((size_t)threads, &g_pool);
    if (st != UPS_OK) {
      fprintf(stderr, "upsimd-bench: --threads=%d needs the library's default pool: %s (%s)\n",
              threads, ups_status_string(st), bench_status_name(st));
      return 1;
    }
  }
  snprintf(buf, sizeof buf, "%d", threads);
  gbench_add_context("threads", buf);
  gbench_add_context("clock", g_options.real_time ? "real_time" : "cpu_time");
  snprintf(buf, sizeof buf, "default (pthreadpool), %zu threads", ups_pool_threads(g_pool));
  gbench_add_context("pool", g_pool ? buf : "none (the calling thread)");
  buf[0] = 0;
  for (int i = 0; i < n_pus && threads > 1; i++) {
    char one[16];
    snprintf(one, sizeof one, "%d", pus[i]);
    list_append(buf, sizeof buf, one);
  }
  gbench_add_context("pinned_pus", buf[0] ? buf : "none");
  /* Which probes ran on the N threads: all of them, or none for one thread. */
  gbench_add_context("probes_threads", threads > 1 ? "copy,fma" : "none");
  return 0;
}

static void register_probe(const char *name, gbench_fn fn, probe_case *pc) {
  gbench_register(name, fn, pc, &g_options);
}

/* Measures the needed probes (on the pinned core, before any benchmark, as
 * every start-up measurement was) and puts them in the context; a probe that
 * no selected benchmark needs is neither measured nor in the context.
 * probes_measured lists what was. */
static void measure_needed_probes(const bench_copy_level levels[BENCH_COPY_LEVELS]) {
  char measured[256] = "";
  const bench_fma_probe *def = bench_fma_probe_default();
  for (size_t i = 0; i < bench_fma_probe_count() && i < 8; i++) {
    const bench_fma_probe *p = bench_fma_probe_get(i);
    if (!g_need_fma[i] || !p->usable) continue;
    char key[64];
    snprintf(key, sizeof key, "probe_fma_%s_gflops", p->name);
    context_number(key, bench_fma_gflops(p));
    /* The default probe also under the key older reports read. */
    if (p == def) context_number("probe_fma_gflops", bench_fma_gflops(p));
    snprintf(key, sizeof key, "fma/%s", p->name);
    list_append(measured, sizeof measured, key);
  }
  for (size_t i = 0; i < BENCH_COPY_LEVELS; i++) {
    if (!g_need_copy[i]) continue;
    const double sec = bench_copy_seconds(levels[i].each, levels[i].each);
    char key[48];
    snprintf(key, sizeof key, "probe_copy_%s_GBps", levels[i].level);
    context_number(key, sec > 0 ? 2.0 * (double)levels[i].each / sec * 1e-9 : 0.0);
    snprintf(key, sizeof key, "probe_copy_%s_bytes", levels[i].level);
    char bytes[32];
    snprintf(bytes, sizeof bytes, "%zu", levels[i].each);
    gbench_add_context(key, bytes);
    snprintf(key, sizeof key, "copy/%s", levels[i].level);
    list_append(measured, sizeof measured, key);
  }
  gbench_add_context("probes_measured", measured[0] ? measured : "none");
}

int bench_main(int argc, char **argv) {
  int quick = 0, info = 0, peers = 1, peer_notes = 0, pin_pu = -1, has_min_time = 0, builtin = 0;
  int threads = 1, real_time = 0;
  bench_team *team = NULL;
  bench_problem_list problems = {0}; /* --problem, --batch: kept until exit (insts use them) */
  char err[1024];
  /* Our own flags out, GB's through; default min time in unless given. */
  char **args = calloc((size_t)argc + 2, sizeof *args);
  int n = 0;
  int status = 3;
  bench_instance *insts = NULL;
  bench_case *cases = NULL;
  char **owned = NULL; /* the user problems' names and labels */
  size_t n_owned = 0;
  if (!args) goto done;
  args[n++] = argv[0];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const int problem_arg = bench_problem_option(&problems, argc, argv, &i, err, sizeof err);
    if (problem_arg < 0) {
      fprintf(stderr, "upsimd-bench: %s\n", err);
      goto done;
    }
    if (problem_arg) continue;
    if (strcmp(a, "--quick") == 0) quick = 1;
    else if (strcmp(a, "--builtin") == 0) builtin = 1;
    else if (strcmp(a, "--info") == 0) info = 1;
    else if (strcmp(a, "--no-peers") == 0) peers = 0;
    else if (strcmp(a, "--peer-notes") == 0) peer_notes = 1;
    else if (strcmp(a, "--no-pin") == 0) pin_pu = -2;
    else if (has_prefix(a, "--pin=")) pin_pu = atoi(a + 6);
    else if (strcmp(a, "--real-time") == 0) real_time = 1;
    else if (has_prefix(a, "--threads=")) {
      char *end;
      const long v = strtol(a + 10, &end, 10);
      if (end == a + 10 || *end || v < 1 || v > BENCH_MAX_THREADS) {
        fprintf(stderr, "upsimd-bench: --threads takes a number from 1 to %d, not '%s'\n",
                BENCH_MAX_THREADS, a + 10);
        goto done;
      }
      threads = (int)v;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      status = 0;
      goto done;
    } else {
      if (has_prefix(a, "--benchmark_min_time")) has_min_time = 1;
      args[n++] = argv[i];
    }
  }
  /* A problem the library rejects is a usage error: say why before any probe runs. */
  for (size_t i = 0; i < problems.count; i++) {
    const ups_status st = bench_problem_validate(&problems.items[i]);
    if (st == UPS_OK) continue;
    char canon[BENCH_PROBLEM_TEXT_MAX];
    bench_problem_format(&problems.items[i], canon, sizeof canon);
    fprintf(stderr, "upsimd-bench: problem \"%s\": the library rejects it: %s (%s)\n", canon,
            ups_status_string(st), bench_status_name(st));
    goto done;
  }
  const int use_builtin = builtin || problems.count == 0;
  static char min_time_quick[] = "--benchmark_min_time=0.05";
  static char min_time_default[] = "--benchmark_min_time=0.2";
  if (!has_min_time) args[n++] = quick ? min_time_quick : min_time_default;
  args[n] = NULL;

  bench_topology topo;
  if (bench_topology_init(&topo, pin_pu) != 0)
    fprintf(stderr, "upsimd-bench: warning: hwloc could not load the topology\n");
  if (info) {
    bench_print_info(stdout, &topo);
    status = 0;
    goto done;
  }
  if (gbench_initialize(&n, args) != 0) {
    usage(stderr);
    goto done;
  }
  gbench_mark_ratio_counter("roof");
  if (threads_setup(threads, real_time, pin_pu != -2, &topo, &team) != 0) goto done;

  /* Context: topology, ISAs; the limits the selected benchmarks need come
   * after registration (measured once, on the pinned core, before any run). */
  bench_topology_add_context(&topo);
  gbench_add_context("upsimd_isa_auto", ups_isa_name(ups_isa_selected()));
  /* The benchmark variants: every registry id from scalar on, then auto. */
  ups_isa order[N_ISA];
  int n_order = 0;
  for (int i = UPS_ISA_SCALAR; i < ups_isa_count() && n_order < N_ISA - 1; i++)
    order[n_order++] = (ups_isa)i;
  order[n_order++] = UPS_ISA_AUTO;
  {
    char all[512] = "", usable[512] = "", variants[512] = "";
    for (int i = UPS_ISA_AUTO; i < ups_isa_count(); i++) {
      list_append(all, sizeof all, ups_isa_name((ups_isa)i));
      if (i != UPS_ISA_AUTO && ups_isa_supported((ups_isa)i))
        list_append(usable, sizeof usable, ups_isa_name((ups_isa)i));
    }
    for (int k = 0; k < n_order; k++)
      list_append(variants, sizeof variants, ups_isa_name(order[k]));
    gbench_add_context("upsimd_isas", all);           /* the registry, in id order */
    gbench_add_context("upsimd_variants", variants);  /* the benchmark variants, in order */
    gbench_add_context("upsimd_isas_usable", usable);
  }
  /* "problems": a run of the user's own problems (--problem, --batch). */
  gbench_add_context("upsimd_mode", !use_builtin ? "problems" : quick ? "quick" : "full");
  /* FMA probes: the default one's kind under the key older reports read,
   * every usable probe's name, the probe each variant's roof uses
   * (variant:probe; variants usable here) and the peers' (the widest). Their
   * GFLOP/s come later, measured only when needed (measure_needed_probes). */
  gbench_add_context("probe_fma_kind", bench_fma_probe_name());
  {
    char usable[128] = "", roofs[512] = "";
    for (size_t i = 0; i < bench_fma_probe_count(); i++) {
      const bench_fma_probe *p = bench_fma_probe_get(i);
      if (!p->usable) continue;
      list_append(usable, sizeof usable, p->name);
    }
    for (int k = 0; k < n_order; k++) {
      if (!ups_isa_supported(order[k])) continue;
      char pair[64];
      snprintf(pair, sizeof pair, "%s:%s", ups_isa_name(order[k]),
               bench_fma_probe_for(order[k])->name);
      list_append(roofs, sizeof roofs, pair);
    }
    gbench_add_context("probe_fma_usable", usable);
    gbench_add_context("probe_fma_roofs", roofs);
    gbench_add_context("probe_fma_peers", bench_fma_probe_widest()->name);
  }

  /* The probes' benchmarks. Nothing is measured here: the start-up
   * measurements below are only those the selected benchmarks need. */
  enum { MAX_PROBES = 12 };
  static probe_case probes[MAX_PROBES];
  bench_copy_level levels[BENCH_COPY_LEVELS];
  bench_copy_levels(topo.l1d_bytes, topo.l2_bytes, topo.l3_bytes,
                    bench_mem_available("/proc/meminfo"), levels);
  for (size_t i = 0; i < BENCH_COPY_LEVELS; i++) {
    probes[i] = (probe_case){levels[i].level, levels[i].each, levels[i].each, NULL};
    char key[48];
    snprintf(key, sizeof key, "probe/copy/%s", levels[i].level);
    register_probe(key, run_probe_copy, &probes[i]);
    g_need_copy[i] = gbench_selected(key);
  }
  for (size_t i = 0, k = BENCH_COPY_LEVELS; i < bench_fma_probe_count() && k < MAX_PROBES;
       i++, k++) {
    const bench_fma_probe *p = bench_fma_probe_get(i);
    probes[k] = (probe_case){"core", 0, 0, p};
    char key[64];
    snprintf(key, sizeof key, "probe/fma/%s", p->name);
    register_probe(key, run_probe_fma, &probes[k]);
    if (gbench_selected(key)) need_fma(p);
  }
  size_t n_peers = peers ? bench_peer_count() : 0;
  for (size_t i = 0; i < n_peers; i++) {
    const bench_peer *peer = bench_peer_get(i);
    char key[64];
    snprintf(key, sizeof key, "peer_%s", peer->name);
    gbench_add_context(key, peer->version ? peer->version : "");
  }

  /* Benchmarks: instance by instance, so each instance's tensors are made
   * once. The built-in workloads (unless only user problems were asked for),
   * then the user's problems, each in its own layout. */
  const size_t n_work = use_builtin ? bench_workload_count() : 0;
  const size_t max_inst = n_work * 2 + problems.count;
  insts = calloc(max_inst ? max_inst : 1, sizeof *insts);
  owned = calloc(2 * problems.count + 1, sizeof *owned);
  /* Per instance: runs, peers, and packing or plan + one-shot rows. */
  const size_t max_case = (max_inst ? max_inst : 1) * (3 * (size_t)n_order + n_peers);
  cases = calloc(max_case, sizeof *cases);
  if (!insts || !cases || !owned) goto done;
  size_t n_inst = 0, n_case = 0;
  for (size_t wi = 0; wi < n_work; wi++) {
    const bench_workload *w = bench_workload_get(wi);
    if (quick && !w->quick) continue;
    for (int li = 0; li < 2; li++) {
      if (!(w->layouts & (li ? BENCH_LAYOUT_NHWC : BENCH_LAYOUT_NCHW))) continue;
      const bench_problem prob = bench_workload_problem(w, li ? UPS_NHWC : UPS_NCHW);
      bench_instance *inst = &insts[n_inst];
      if (instance_init(inst, n_inst, w->name, w->about, &prob) != 0) goto done;
      n_inst++;
    }
  }
  for (size_t pi = 0; pi < problems.count; pi++) {
    const bench_problem *prob = &problems.items[pi];
    char slug[BENCH_PROBLEM_TEXT_MAX], canon[BENCH_PROBLEM_TEXT_MAX + 16];
    bench_problem_slug(prob, slug, sizeof slug);
    memcpy(canon, "problem: ", 10);
    bench_problem_format(prob, canon + 9, sizeof canon - 9);
    /* Both strings live as long as the benchmarks (like insts). */
    char *name = malloc(strlen(slug) + 1), *about = malloc(strlen(canon) + 1);
    owned[n_owned++] = name;
    owned[n_owned++] = about;
    if (!name || !about) goto done;
    strcpy(name, slug);
    strcpy(about, canon);
    if (instance_init(&insts[n_inst], n_inst, name, about, prob) != 0) goto done;
    n_inst++;
  }
  for (size_t i = 0; i < n_inst; i++)
    if (register_instance(&insts[i], order, n_order, n_peers, peer_notes, cases, &n_case) != 0)
      goto done;

  /* --benchmark_list_tests runs nothing: no probe either. */
  if (!gbench_list_only()) measure_needed_probes(levels);
  status = gbench_run_count(NULL);
  if (status == 2) fprintf(stderr, "upsimd-bench: no benchmark matched the filter\n");
  if (gbench_failure_count())
    fprintf(stderr, "upsimd-bench: %zu benchmark(s) refused: a variant gave wrong results\n",
            gbench_failure_count());
  /* GB's registry still points at insts and cases, but nothing runs its
   * benchmarks after this (the records gbench_lookup reads are its own). Freed
   * here so that a run under LeakSanitizer is clean. */
done:
  tensors_release();
  /* The next bench_main of a test starts from one thread again. */
  bench_probes_use_team(NULL);
  bench_team_destroy(team);
  ups_pool_destroy(g_pool);
  g_pool = NULL;
  g_threads = 1;
  bench_peers_set_threads(1);
  g_options.real_time = 0;
  free(insts);
  free(cases);
  for (size_t i = 0; i < n_owned; i++) free(owned[i]);
  free(owned);
  bench_problem_list_free(&problems);
  free(args);
  return status;
}
