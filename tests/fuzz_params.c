/* fuzz_params.c — libFuzzer target upsimd-fuzz-params: hostile parameters for
 * every public entry point.
 *
 * The fuzz bytes become a resize, deconvolution or upconv problem: sizes from tiny to
 * SIZE_MAX, pads, strides, dilations, scales (NaN, inf, negative, denormal,
 * raw bits), enums out of range, NULL pointers and pointers anywhere inside a
 * fixed arena (so overlapping ones too). For each problem the harness predicts
 * the status on its own:
 *
 *   NULL pointer        -> UPS_ERR_NULL
 *   invalid parameters  -> the status of ups_*_output_size (plus the
 *                          operator-specific checks), checked against an
 *                          independent computation of the output size and of
 *                          the element counts in 128-bit arithmetic
 *   overlapping output  -> UPS_ERR_ALIAS
 *   otherwise           -> UPS_OK
 *
 * A call is made with real buffers only when every buffer the library will use
 * (sizes computed here) fits in the arena; a call with declared sizes beyond
 * the arena is made only when the library must reject it before touching any
 * memory. During each call the whole arena is poisoned for ASan except the
 * buffers the call may use (none for a call that must fail), and every byte
 * outside the output is compared afterwards: a failing call writes nothing, a
 * successful one writes only its output. Every successful call is repeated for
 * every supported variant and compared with the scalar reference (ups_check_*);
 * for resize with finite inputs, every output must be finite.
 *
 * Plans and pools: every resize problem also goes through a resize plan
 * (create, run, run_pool) and every problem through the *_pool calls, on an
 * engine pool whose parallel-for runs the tasks serially in a scrambled order
 * (2..7 threads, from the byte after the arena fill) and on a real default
 * pool of 2 threads when the build has one. Each gets the one-shot call's
 * status (a plan's create its validation, its run the pointer checks), writes
 * nothing on error, and on success gives the one-shot call's output bit for
 * bit. The least task cost is overridden to 1 so that these tiny problems
 * are really cut into tasks.
 *
 * Input format (see tests/fuzz/make_corpus.py): one op byte, then the fields
 * in a fixed order, each a tagged byte (sizes, floats, enums, pointers); bytes
 * past the end read as 0. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conv_op.h"
#include "internal.h" /* UPS_ISA_MAX */
#include "upsimd.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FZ_ASAN 1
#endif
#ifdef FZ_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* The arena: every tensor pointer the harness makes points into it. */
enum { ARENA = 1 << 15 };          /* floats (128 KiB) */
enum { MAX_MACS = 1 << 18 };       /* deconv work bound per call */
enum { PLAN_MAX_AXIS = 1 << 20 };  /* resize plans: output sizes whose tables are made */
static float *arena, *snap;

/* Calls per operator and status; printed at exit when UPSIMD_FUZZ_STATS is set
 * (to see how much of the input space reaches successful, compared calls). */
enum { N_STAT_OPS = 8 };
static unsigned long long stats[N_STAT_OPS][9];
static const char *const stat_ops[N_STAT_OPS] = {"nearest",     "bilinear",    "deconv",
                                                 "deconv plan", "resize plan", "pooled",
                                                 "upconv",      "upconv plan"};
static void count(int op, ups_status st) { stats[op][(unsigned)st < 9 ? (unsigned)st : 8]++; }
static const char *const stat_names[9] = {"ok",    "null", "shape", "param",      "overflow",
                                          "alias", "isa",  "nomem", "unsupported"};
static unsigned long long split_calls; /* parallel-for calls with more than one task */
static void print_stats(void) {
  fprintf(stderr, "fuzz_params stats: engine parallel-for calls with > 1 task: %llu\n",
          split_calls);
  for (int op = 0; op < N_STAT_OPS; op++) {
    fprintf(stderr, "fuzz_params stats: %-12s", stat_ops[op]);
    for (int s = 0; s < 9; s++)
      fprintf(stderr, " %s=%llu", stat_names[s], stats[op][s]);
    fputc('\n', stderr);
  }
}

#define FZ_ASSERT(cond, ...)                                             \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "fuzz_params: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                      \
      fputc('\n', stderr);                                               \
      abort();                                                           \
    }                                                                    \
  } while (0)

/* ------------------------------------------------------------ byte reader */

typedef struct rd { const uint8_t *d; size_t n, i; } rd;

static uint8_t u8(rd *r) { return r->i < r->n ? r->d[r->i++] : 0; }
static uint64_t uN(rd *r, int bytes) {
  uint64_t v = 0;
  for (int k = 0; k < bytes; k++) v |= (uint64_t)u8(r) << (8 * k);
  return v;
}

/* Sizes: tag < 0xe0 is the value itself; the rest are the boundaries. */
static size_t rd_size(rd *r) {
  static const size_t special[] = {
      SIZE_MAX, SIZE_MAX - 1, SIZE_MAX / 2, SIZE_MAX / 2 + 1, SIZE_MAX / 4,
      SIZE_MAX / 4 + 1, (size_t)PTRDIFF_MAX / 4, (size_t)PTRDIFF_MAX / 4 + 1,
      (size_t)PTRDIFF_MAX / 16, (size_t)PTRDIFF_MAX / 16 + 1, (size_t)1 << 32,
      ((size_t)1 << 32) + 1, (size_t)INT32_MAX, (size_t)INT32_MAX + 1, (size_t)1 << 16,
      (size_t)1 << 31 | 1, (size_t)3037000499u /* ~sqrt(2^63) */, (size_t)3037000500u,
      (size_t)4294967295u, (size_t)65535, (size_t)65537, (size_t)1 << 40, (size_t)1 << 52,
      (size_t)1 << 53, ((size_t)1 << 53) + 1, (size_t)1 << 62, 256, 511, 512, 513, 1000,
  };
  const uint8_t t = u8(r);
  if (t < 0xe0) return t;
  if (t == 0xff) return (size_t)uN(r, 8);
  if (t == 0xfe) return (size_t)uN(r, 2);
  return special[(t - 0xe0) % (sizeof special / sizeof special[0])];
}

/* Sizes into the fields, in order. */
static void rd_sizes(rd *r, size_t *const *fields, size_t n) {
  for (size_t i = 0; i < n; i++) *fields[i] = rd_size(r);
}

/* Floats: tag < 0xc0 is tag/16; the rest are specials or raw bits. */
static float rd_float(rd *r) {
  static const float special[] = {
      NAN, -NAN, INFINITY, -INFINITY, -1.0f, -0.0f, 0.0f, FLT_MIN, 1e-40f, FLT_MAX,
      1e-30f, 1e30f, 2.9e-39f, 3.0e-39f, 1.0f / 3.0f, 2.0f / 3.0f, 1.0000001f, 0.9999999f,
      16777216.0f, 16777217.0f, 4294967296.0f, 9.3e18f, 1.8e19f, 0.5f, 0.25f, 1.5f,
  };
  const uint8_t t = u8(r);
  if (t < 0xc0) return (float)t / 16.0f;
  if (t == 0xff) {
    uint32_t b = (uint32_t)uN(r, 4);
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
  }
  return special[(t - 0xc0) % (sizeof special / sizeof special[0])];
}

/* Enums: small in-range values mostly; any int when asked. */
static unsigned rd_enum(rd *r) {
  const uint8_t t = u8(r);
  if (t < 0xf0) return t % 8u; /* 0..7: in range and just out of it */
  if (t == 0xff) return (unsigned)uN(r, 4);
  return 0xffffffffu - (t - 0xf0u); /* negative when read as int */
}

/* Pointers: 0 -> NULL; 1 -> packed after the previous tensor, then (tag>>1)&7
 * floats of shift; 2 -> an arena offset from 2 more bytes; 3 -> the previous
 * tensor's start plus a small offset (overlap). In floats from the arena. */
typedef struct pref { int null; size_t off; } pref;

static pref rd_ptr(rd *r, size_t *cursor, size_t prev) {
  const uint8_t t = u8(r);
  pref p = {0, 0};
  switch (t & 3) {
    case 0: p.null = t == 0; p.off = *cursor + ((t >> 2) & 7); break;
    case 1: p.off = *cursor + ((t >> 2) & 7); break;
    case 2: p.off = (size_t)uN(r, 2) % ARENA; break;
    default: p.off = prev + ((t >> 2) & 15); break;
  }
  return p;
}

/* ------------------------------------------------------------ arithmetic oracle */

typedef unsigned __int128 u128;
static const u128 ELEM_LIMIT = (u128)((size_t)PTRDIFF_MAX / sizeof(float));

static u128 mul4(size_t a, size_t b, size_t c, size_t d) {
  /* Saturating: products of 4 values < 2^64 can exceed 2^128. */
  u128 r = (u128)a * b;
  if (r != 0 && c > ((u128)-1) / r) return (u128)-1;
  r *= c;
  if (r != 0 && d > ((u128)-1) / r) return (u128)-1;
  return r * d;
}

/* ------------------------------------------------------------ arena helpers */

static void fill_arena(rd *r) {
  uint64_t s = 0x243f6a8885a308d3ull ^ u8(r);
  const float scale = u8(r) & 1 ? 1e30f : 1.0f;
  for (size_t i = 0; i < ARENA; i++) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    arena[i] = ((float)(s >> 40) / 16777216.0f * 2.0f - 1.0f) * scale;
  }
  const int specials = u8(r) % 4;
  static const float sv[] = {NAN, INFINITY, -INFINITY, -0.0f};
  for (int k = 0; k < specials; k++) {
    const size_t at = (size_t)uN(r, 2) % ARENA;
    arena[at] = sv[u8(r) % 4];
  }
}

static int all_finite(const float *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(p[i])) return 0;
  return 1;
}

static int overlap(size_t a, size_t an, size_t b, size_t bn) {
  return an && bn && a < b + bn && b < a + an;
}

/* Snapshot before a call; out_off/out_n: the range the call may write. */
static void before_call(void) { memcpy(snap, arena, ARENA * sizeof(float)); }

static void after_call(ups_status st, size_t out_off, size_t out_n, const char *what) {
  UNPOISON(arena, ARENA * sizeof(float));
  for (size_t i = 0; i < ARENA; i++) {
    if (st == UPS_OK && i >= out_off && i < out_off + out_n) continue;
    FZ_ASSERT(memcmp(&arena[i], &snap[i], sizeof(float)) == 0,
              "%s (status %d) wrote arena[%zu] outside its output [%zu, +%zu)", what, (int)st, i,
              out_off, out_n);
  }
}

/* Poisons the arena except the listed ranges (offset, count) for the call. */
static void expose(size_t n, const size_t *off, const size_t *cnt) {
  POISON(arena, ARENA * sizeof(float));
  for (size_t k = 0; k < n; k++)
    if (cnt[k]) UNPOISON(arena + off[k], cnt[k] * sizeof(float));
}

/* Every supported variant, from the registry (a new ISA needs no change). */
static int supported_isas(ups_isa out[UPS_ISA_MAX]) {
  int n = 0;
  for (int i = UPS_ISA_SCALAR; i < ups_isa_count() && n < UPS_ISA_MAX; i++)
    if (ups_isa_supported((ups_isa)i)) out[n++] = (ups_isa)i;
  return n;
}


/* ------------------------------------------------------------ pools */

/* Engine pools of 2..7 threads whose parallel-for runs the tasks on the
 * calling thread in a scrambled order (a shuffle seeded per input), and the
 * library's default pool (NULL when the build has none). */
enum { MAX_TASKS = 64 };
static size_t pool_threads[8];
static ups_pool *engine_pools[8], *default_pool;
static uint32_t scramble;

static void serial_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n) {
  const size_t threads = *(const size_t *)ctx;
  FZ_ASSERT(n >= 1 && n <= threads && n <= MAX_TASKS, "%zu tasks on %zu threads", n, threads);
  if (n > 1) split_calls++;
  size_t order[MAX_TASKS];
  for (size_t i = 0; i < n; i++) order[i] = i;
  uint32_t s = scramble;
  for (size_t i = n; i > 1; i--) {
    s = s * 1664525u + 1013904223u;
    const size_t j = (s >> 8) % i, t = order[i - 1];
    order[i - 1] = order[j];
    order[j] = t;
  }
  for (size_t k = 0; k < n; k++) task(task_ctx, order[k]);
}

static void pools_init(void) {
  /* every problem with two units is cut (the default gives a task at least
   * a few microseconds of work, more than any problem here) */
  ups_min_task_cost_override_for_testing(1);
  for (size_t t = 2; t < 8; t++) {
    pool_threads[t] = t;
    FZ_ASSERT(ups_pool_create_engine(serial_for, &pool_threads[t], t, &engine_pools[t]) == UPS_OK,
              "engine pool");
  }
  const ups_status st = ups_pool_create_default(2, &default_pool);
  FZ_ASSERT(st == UPS_OK || st == UPS_ERR_UNSUPPORTED, "default pool: %s", ups_status_string(st));
  if (st != UPS_OK) default_pool = NULL;
}

/* The pool of this input, from one byte: threads and the task order. */
static const ups_pool *pick_pool(rd *r) {
  const uint8_t b = u8(r);
  scramble = 0x9e3779b9u * (b + 1u);
  return engine_pools[2 + b % 6];
}

/* The calls a problem is repeated through; the first is the one-shot call,
 * whose output the others must reproduce. */
enum { VIA_CALL, VIA_CALL_ENGINE, VIA_CALL_DEFAULT, VIA_PLAN, VIA_PLAN_ENGINE, VIA_PLAN_DEFAULT,
       VIA_N };
static const char *const via_names[VIA_N] = {"call", "call_pool(engine)", "call_pool(default)",
                                             "plan_run", "plan_run_pool(engine)",
                                             "plan_run_pool(default)"};

/* ------------------------------------------------------------ resize */

static void fuzz_resize(rd *r, int bilinear) {
  ups_resize_params p;
  memset(&p, 0, sizeof p);
  p.layout = (ups_layout)rd_enum(r);
  p.n = rd_size(r);
  p.c = rd_size(r);
  p.in_h = rd_size(r);
  p.in_w = rd_size(r);
  p.out_h = rd_size(r);
  p.out_w = rd_size(r);
  p.scale_h = rd_float(r);
  p.scale_w = rd_float(r);
  p.coord = (ups_coord)rd_enum(r);
  p.round = (ups_round)rd_enum(r);
  p.isa = (ups_isa)rd_enum(r);
  size_t cursor = 0;
  const pref pin = rd_ptr(r, &cursor, 0);
  /* Validation is the same for every supported variant: decide the sizes
   * with the ISA forced to scalar, then the status per variant. */
  ups_resize_params ps = p;
  if ((unsigned)ps.isa < (unsigned)ups_isa_count()) ps.isa = UPS_ISA_SCALAR;
  size_t oh = 0, ow = 0;
  const ups_status sz = ups_resize_output_size(&ps, &oh, &ow);
  /* Independent size rule: floor(in*scale) when the size field is 0. */
  if (sz == UPS_OK) {
    FZ_ASSERT(p.out_h ? oh == p.out_h : oh == (size_t)floor((double)p.in_h * p.scale_h),
              "out_h %zu", oh);
    FZ_ASSERT(p.out_w ? ow == p.out_w : ow == (size_t)floor((double)p.in_w * p.scale_w),
              "out_w %zu", ow);
    FZ_ASSERT(isfinite(p.scale_h) && p.scale_h >= 0 && isfinite(p.scale_w) && p.scale_w >= 0,
              "accepted scale %g x %g", (double)p.scale_h, (double)p.scale_w);
  }
  const u128 in_e = mul4(p.n, p.c, p.in_h, p.in_w), out_e = mul4(p.n, p.c, oh, ow);
  if (sz == UPS_OK)
    FZ_ASSERT(in_e >= 1 && out_e >= 1 && in_e <= ELEM_LIMIT && out_e <= ELEM_LIMIT,
              "accepted a shape whose element count overflows");
  if (in_e > ELEM_LIMIT) FZ_ASSERT(sz != UPS_OK, "overflowing input count accepted");
  cursor = pin.off + (in_e <= ARENA ? (size_t)in_e : 0);
  const pref pout = rd_ptr(r, &cursor, pin.off);
  const int null_p = u8(r) == 0x5a; /* rarely: p itself NULL */
  fill_arena(r);
  const ups_pool *engine = pick_pool(r);

  /* The operator-specific checks come before the shape checks (all PARAM). */
  ups_status valid = sz;
  if (bilinear && p.coord == UPS_COORD_TF_HALF_PIXEL_FOR_NN) valid = UPS_ERR_PARAM;
  if (!bilinear && (unsigned)p.round > (unsigned)UPS_ROUND_CEIL) valid = UPS_ERR_PARAM;
  const int alias = valid == UPS_OK && overlap(pin.off, (size_t)in_e, pout.off, (size_t)out_e);
  const int touches = valid == UPS_OK && !null_p && !pin.null && !pout.null && !alias;
  if (touches && (pin.off + in_e > ARENA || pout.off + out_e > ARENA))
    return; /* valid but larger than the arena: a real call would need more memory */

  const float *in = pin.null ? NULL : arena + pin.off;
  float *out = pout.null ? NULL : arena + pout.off;
  const size_t ine = touches ? (size_t)in_e : 0, oute = touches ? (size_t)out_e : 0;
  const int finite_in = touches && all_finite(in, ine);

  /* the one-shot call's output of the variant, for the other calls */
  float *ref = malloc((oute ? oute : 1) * sizeof(float));
  FZ_ASSERT(ref, "malloc");

  ups_isa isas[1 + UPS_ISA_MAX];
  int ni = 0;
  isas[ni++] = p.isa;
  if (touches) ni += supported_isas(isas + ni);
  for (int k = 0; k < ni; k++) {
    int ref_ok = 0;
    ups_resize_params q = p;
    q.isa = isas[k];
    size_t qh, qw;
    const ups_status szk = ups_resize_output_size(&q, &qh, &qw);
    ups_status expect;
    if (null_p || pin.null || pout.null)
      expect = UPS_ERR_NULL;
    else if (valid != UPS_OK && (valid == UPS_ERR_PARAM || szk == UPS_ERR_PARAM))
      expect = UPS_ERR_PARAM; /* every PARAM check comes before the others */
    else if (valid != UPS_OK)
      expect = valid;
    else if (szk != UPS_OK)
      expect = szk; /* UPS_ERR_PARAM or UPS_ERR_ISA from the isa field */
    else if (alias)
      expect = UPS_ERR_ALIAS;
    else
      expect = UPS_OK;
    /* what a plan's create gives: the validation, pointers aside */
    const ups_status vexp = valid != UPS_OK && (valid == UPS_ERR_PARAM || szk == UPS_ERR_PARAM)
                                ? UPS_ERR_PARAM
                            : valid != UPS_OK ? valid
                                              : szk;
    const char *opname = bilinear ? "bilinear" : "nearest";
    ups_resize_plan *plan = NULL;
    for (int via = VIA_CALL; via < VIA_N; via++) {
      const ups_pool *pool = via % 3 == 1 ? engine : via % 3 == 2 ? default_pool : NULL;
      if (via % 3 == 2 && !default_pool) continue;
      ups_status want = expect;
      if (via == VIA_PLAN) {
        /* a valid plan builds its tables (bytes ~ out_h + out_w) even where
         * the tensors could not exist: only for sizes that can be allocated */
        if (!null_p && vexp == UPS_OK && (oh > PLAN_MAX_AXIS || ow > PLAN_MAX_AXIS)) break;
        const ups_status cexp = null_p ? UPS_ERR_NULL : vexp;
        before_call();
        expose(0, NULL, NULL);
        const ups_status cs = ups_resize_plan_create(null_p ? NULL : &q,
                                                     bilinear ? UPS_OP_BILINEAR : UPS_OP_NEAREST,
                                                     &plan);
        after_call(UPS_ERR_PARAM /* create writes no arena byte */, 0, 0, "resize plan_create");
        count(4, cs);
        FZ_ASSERT(cs == cexp, "%s plan_create isa=%u: got %d (%s), expected %d", opname,
                  (unsigned)q.isa, (int)cs, ups_status_string(cs), (int)cexp);
        FZ_ASSERT((cs == UPS_OK) == (plan != NULL), "plan_create status %d, plan %p", (int)cs,
                  (void *)plan);
        if (plan)
          FZ_ASSERT(ups_resize_plan_isa(plan) != UPS_ISA_AUTO &&
                        (q.isa == UPS_ISA_AUTO || ups_resize_plan_isa(plan) == q.isa),
                    "plan isa %d for %d", (int)ups_resize_plan_isa(plan), (int)q.isa);
      }
      if (via >= VIA_PLAN) {
        if (!plan) break;
        want = pin.null || pout.null ? UPS_ERR_NULL : alias ? UPS_ERR_ALIAS : UPS_OK;
      }
      const int call_touches = want == UPS_OK;
      const size_t offs[2] = {pin.off, pout.off};
      const size_t cnts[2] = {call_touches ? ine : 0, call_touches ? oute : 0};
      if (call_touches)
        for (size_t i = 0; i < oute; i++) out[i] = NAN; /* every element must be written */
      before_call();
      expose(2, offs, cnts);
      const ups_resize_params *qp = null_p ? NULL : &q;
      ups_status st;
      switch (via) {
        case VIA_CALL:
          st = bilinear ? ups_resize_bilinear_f32(qp, in, out) : ups_resize_nearest_f32(qp, in, out);
          break;
        case VIA_CALL_ENGINE:
        case VIA_CALL_DEFAULT:
          st = bilinear ? ups_resize_bilinear_f32_pool(qp, in, out, pool)
                        : ups_resize_nearest_f32_pool(qp, in, out, pool);
          break;
        case VIA_PLAN: st = ups_resize_plan_run(plan, in, out); break;
        default: st = ups_resize_plan_run_pool(plan, in, out, pool); break;
      }
      after_call(st, pout.off, cnts[1], opname);
      count(via == VIA_CALL ? bilinear : via < VIA_PLAN ? 5 : 4, st);
      FZ_ASSERT(st == want,
                "%s via %s isa=%u layout=%u n=%zu c=%zu in=%zux%zu out=%zux%zu scale=%g,%g "
                "coord=%u round=%u: got %d (%s), expected %d",
                opname, via_names[via], (unsigned)q.isa, (unsigned)q.layout, q.n, q.c, q.in_h,
                q.in_w, q.out_h, q.out_w, (double)q.scale_h, (double)q.scale_w, (unsigned)q.coord,
                (unsigned)q.round, (int)st, ups_status_string(st), (int)want);
      if (st != UPS_OK) continue;
      if (via != VIA_CALL) {
        FZ_ASSERT(ref_ok, "%s via %s succeeded where the one-shot call did not", opname,
                  via_names[via]);
        FZ_ASSERT(memcmp(out, ref, oute * sizeof(float)) == 0,
                  "%s via %s isa=%s: output differs from the one-shot call's", opname,
                  via_names[via], ups_isa_name(q.isa));
        continue;
      }
      ups_check_result cr;
      const ups_status cs = bilinear ? ups_check_bilinear(&q, in, out, &cr)
                                     : ups_check_nearest(&q, in, out, &cr);
      FZ_ASSERT(cs == UPS_OK && cr.failures == 0,
                "%s isa=%s: %zu of %zu elements differ from scalar; first %zu got %g want %g",
                opname, ups_isa_name(q.isa), cr.failures, cr.count, cr.first_bad,
                (double)cr.first_got, (double)cr.first_want);
      if (finite_in)
        for (size_t i = 0; i < oute; i++)
          FZ_ASSERT(isfinite(out[i]),
                    "%s isa=%s in=%zux%zu out=%zux%zu scale=%g,%g coord=%u: finite input gave "
                    "out[%zu] = %g",
                    opname, ups_isa_name(q.isa), q.in_h, q.in_w, oh, ow, (double)q.scale_h,
                    (double)q.scale_w, (unsigned)q.coord, i, (double)out[i]);
      memcpy(ref, out, oute * sizeof(float));
      ref_ok = 1;
    }
    ups_resize_plan_destroy(plan);
  }
  free(ref);
}

/* ------------------------------------------------------------ deconv and upconv */

/* One fuzzed problem of a convolution operator, as its front (fuzz_deconv,
 * fuzz_upconv) hands it to the shared harness fuzz_conv. */
typedef struct conv_case {
  const ups_conv_op *op;
  ups_conv_params p;         /* as read */
  ups_isa isa;               /* its isa, as read */
  size_t out_c;              /* bias floats */
  ups_status sz;             /* output_size, an in-range isa forced to scalar */
  u128 in_e, out_e, w_e;     /* exact element counts */
  int stat_call, stat_plan;  /* stats rows of the one-shot call and the plan run */
  int pools;                 /* also the *_pool calls (reads the pool byte) */
  int unsupported;           /* valid, but the call refuses: UPS_ERR_UNSUPPORTED */
  int create_affordable;     /* the work of a create that reads the weights fits */
  int run_affordable;        /* the work of a run fits */
  int finite_only;           /* compare with the reference only on finite inputs */
} conv_case;

/* A size whose 0 means the default 1. */
static size_t or1(size_t v) { return v ? v : 1; }

/* What both operators promise about sizes: sets c->isa, c->out_c, c->sz
 * (output_size, an in-range isa forced to scalar) and the exact counts from
 * the exact output size eoh x eow and weight count w_e; an accepted size is
 * the exact one, accepted counts fit, groups g divide, overflowing counts are
 * refused. */
static void conv_predict(conv_case *c, ups_isa isa, size_t n, size_t in_c, size_t in_h,
                         size_t in_w, size_t out_c, size_t kh, size_t kw, size_t g, u128 eoh,
                         u128 eow, u128 w_e) {
  c->isa = isa;
  c->out_c = out_c;
  const char *name = c->op->name;
  ups_conv_params ps;
  memcpy(&ps, &c->p, c->op->params_size);
  if ((unsigned)c->isa < (unsigned)ups_isa_count()) c->op->set_isa(&ps, UPS_ISA_SCALAR);
  size_t oh = 0, ow = 0;
  const ups_status sz = c->sz = c->op->output_size(&ps, &oh, &ow);
  const u128 in_e = c->in_e = mul4(n, in_c, in_h, in_w);
  const u128 out_e = c->out_e = mul4(n, c->out_c, (size_t)(eoh > SIZE_MAX ? SIZE_MAX : eoh),
                                     (size_t)(eow > SIZE_MAX ? SIZE_MAX : eow));
  c->w_e = w_e;
  if (sz == UPS_OK) {
    FZ_ASSERT(oh == eoh && ow == eow, "%s output %zux%zu, exact %llu x %llu", name, oh, ow,
              (unsigned long long)eoh, (unsigned long long)eow);
    FZ_ASSERT(in_e >= 1 && out_e >= 1 && w_e >= 1 && in_e <= ELEM_LIMIT &&
                  out_e <= ELEM_LIMIT && w_e <= ELEM_LIMIT,
              "accepted a %s whose element counts overflow", name);
    FZ_ASSERT(in_c % g == 0 && c->out_c % g == 0, "%s groups %zu do not divide", name, g);
  }
  if (n && in_c && in_h && in_w && c->out_c && kh && kw && eoh && eow &&
      (in_e > ELEM_LIMIT || out_e > ELEM_LIMIT ||
       (in_c % g == 0 && c->out_c % g == 0 && w_e > ELEM_LIMIT)))
    FZ_ASSERT(sz != UPS_OK, "overflowing %s counts accepted", name);
}

/* The pointers, the calls (one-shot and pools, or plan create, run and
 * pools) on the problem's own isa and then every supported one, their
 * statuses against the prediction, the arena outside the output, and the
 * outputs against the reference. */
static void fuzz_conv(rd *r, const conv_case *c, int use_plan) {
  const ups_conv_op *op = c->op;
  const ups_status sz = c->sz;
  const u128 in_e = c->in_e, out_e = c->out_e, w_e = c->w_e;
  size_t cursor = 0;
  const pref pin = rd_ptr(r, &cursor, 0);
  cursor = pin.off + (in_e <= ARENA ? (size_t)in_e : 0);
  const pref pw = rd_ptr(r, &cursor, pin.off);
  cursor = pw.off + (w_e <= ARENA ? (size_t)w_e : 0);
  const uint8_t bias_tag = u8(r);
  pref pb = rd_ptr(r, &cursor, pw.off);
  if (bias_tag & 1) pb.null = 1; /* bias is optional: NULL is valid */
  cursor = pb.off + (pb.null ? 0 : c->out_c <= ARENA ? c->out_c : 0);
  const pref pout = rd_ptr(r, &cursor, pb.off);
  const int null_p = u8(r) == 0x5a;
  fill_arena(r);
  const ups_pool *engine = c->pools ? pick_pool(r) : NULL;

  const size_t b_e = pb.null ? 0 : c->out_c;
  const float *in = pin.null ? NULL : arena + pin.off;
  const float *w = pw.null ? NULL : arena + pw.off;
  const float *bias = pb.null ? NULL : arena + pb.off;
  float *out = pout.null ? NULL : arena + pout.off;

  /* What the library will read and write when the parameters are valid. */
  const int alias_in = sz == UPS_OK && overlap(pin.off, (size_t)in_e, pout.off, (size_t)out_e);
  const int alias = alias_in || (sz == UPS_OK && (overlap(pw.off, (size_t)w_e, pout.off,
                                                          (size_t)out_e) ||
                                                  overlap(pb.off, b_e, pout.off, (size_t)out_e)));
  int reads_w, runs;
  if (use_plan) {
    reads_w = sz == UPS_OK && !null_p && w && !c->unsupported;
    runs = reads_w && in && out && !alias_in;
  } else {
    runs = reads_w = sz == UPS_OK && !null_p && in && w && out && !alias && !c->unsupported;
  }
  if (reads_w && (pw.off + w_e > ARENA || pb.off + b_e > ARENA || !c->create_affordable)) return;
  if (runs && (pin.off + in_e > ARENA || pout.off + out_e > ARENA || !c->run_affordable)) return;
  const size_t ine = runs ? (size_t)in_e : 0, oute = runs ? (size_t)out_e : 0;
  const size_t wne = reads_w ? (size_t)w_e : 0, bne = reads_w ? b_e : 0;

  /* Copies of the inputs: a plan must not depend on the caller's weights
   * after create, so the arena copy is scribbled over before run. */
  float *wcopy = NULL, *bcopy = NULL;
  if (runs) {
    wcopy = malloc((wne ? wne : 1) * sizeof(float));
    bcopy = malloc((bne ? bne : 1) * sizeof(float));
    FZ_ASSERT(wcopy && bcopy, "malloc");
    memcpy(wcopy, w, wne * sizeof(float));
    if (bne) memcpy(bcopy, bias, bne * sizeof(float));
  }
  float *ref = malloc((oute ? oute : 1) * sizeof(float)); /* the first call's output */
  FZ_ASSERT(ref, "malloc");
  char what_create[32], what_run[32], desc[400];
  snprintf(what_create, sizeof what_create, "%s plan_create", op->name);
  snprintf(what_run, sizeof what_run, "%s plan_run", op->name);

  ups_isa isas[1 + UPS_ISA_MAX];
  int ni = 0;
  isas[ni++] = c->isa;
  if (runs) ni += supported_isas(isas + ni);
  for (int k = 0; k < ni; k++) {
    ups_conv_params q;
    memcpy(&q, &c->p, op->params_size);
    op->set_isa(&q, isas[k]);
    size_t qh, qw;
    const ups_status szk = op->output_size(&q, &qh, &qw);
    /* The isa range check is among the PARAM checks, before the shape ones;
     * an unsupported isa is reported last. */
    const ups_status vk = sz == UPS_ERR_PARAM || szk == UPS_ERR_PARAM ? UPS_ERR_PARAM
                          : sz != UPS_OK                              ? sz
                                                                      : szk;
    ups_status expect;
    if (!use_plan) {
      if (null_p || !in || !w || !out) expect = UPS_ERR_NULL;
      else if (vk != UPS_OK) expect = vk;
      else if (alias) expect = UPS_ERR_ALIAS;
      else if (c->unsupported) expect = UPS_ERR_UNSUPPORTED;
      else expect = UPS_OK;
    } else {
      if (null_p || !w) expect = UPS_ERR_NULL;
      else if (vk != UPS_OK) expect = vk;
      else if (c->unsupported) expect = UPS_ERR_UNSUPPORTED;
      else if (!in || !out) expect = UPS_ERR_NULL;
      else if (alias_in) expect = UPS_ERR_ALIAS;
      else expect = UPS_OK;
    }
    const int touch = vk == UPS_OK && runs;
    if (touch) {
      for (size_t i = 0; i < oute; i++) out[i] = NAN; /* every element must be written */
      memcpy((float *)w, wcopy, wne * sizeof(float));
      if (bne) memcpy((float *)bias, bcopy, bne * sizeof(float));
    }
    op->describe(&q, desc, sizeof desc);
    ups_status st;
    if (!use_plan) {
      const size_t offs[4] = {pin.off, pw.off, pb.off, pout.off};
      const size_t cnts[4] = {touch ? ine : 0, touch ? wne : 0, touch ? bne : 0, touch ? oute : 0};
      before_call();
      expose(4, offs, cnts);
      st = op->run(null_p ? NULL : &q, in, w, bias, out);
      after_call(st, pout.off, cnts[3], op->name);
      count(c->stat_call, st);
      /* the same call on the pools: its status, its output */
      if (st == UPS_OK) memcpy(ref, out, oute * sizeof(float));
      for (int via = VIA_CALL_ENGINE; c->pools && via <= VIA_CALL_DEFAULT; via++) {
        const ups_pool *pool = via == VIA_CALL_ENGINE ? engine : default_pool;
        if (!pool) continue;
        if (st == UPS_OK)
          for (size_t i = 0; i < oute; i++) out[i] = NAN;
        before_call();
        expose(4, offs, cnts);
        const ups_status sp = op->run_pool(null_p ? NULL : &q, in, w, bias, out, pool);
        after_call(sp, pout.off, cnts[3], via_names[via]);
        count(5, sp);
        FZ_ASSERT(sp == st, "%s via %s isa=%u %s: got %d (%s), the call gave %d", op->name,
                  via_names[via], (unsigned)isas[k], desc, (int)sp, ups_status_string(sp), (int)st);
        if (sp == UPS_OK)
          FZ_ASSERT(memcmp(out, ref, oute * sizeof(float)) == 0,
                    "%s via %s isa=%s %s: output differs from the one-shot call's", op->name,
                    via_names[via], ups_isa_name(isas[k]), desc);
      }
    } else {
      void *plan = NULL;
      const int create_reads = reads_w && vk == UPS_OK;
      const size_t offs[2] = {pw.off, pb.off};
      const size_t cnts[2] = {create_reads ? wne : 0, create_reads ? bne : 0};
      before_call();
      expose(2, offs, cnts);
      st = op->plan_create(null_p ? NULL : &q, w, bias, &plan);
      after_call(UPS_ERR_PARAM /* create writes no arena byte */, 0, 0, what_create);
      if (st == UPS_OK) {
        FZ_ASSERT(plan && op->plan_isa(plan) != UPS_ISA_AUTO, "%s plan", op->name);
        /* The plan owns its copy of the weights: scribble over the caller's
         * (unless they share bytes with the input or output, which a plan
         * allows: weights are not read by run). */
        const int scribble = touch && !overlap(pw.off, wne, pin.off, ine) &&
                             !overlap(pb.off, bne, pin.off, ine) &&
                             !overlap(pw.off, wne, pout.off, oute) &&
                             !overlap(pb.off, bne, pout.off, oute);
        if (scribble) {
          for (size_t i = 0; i < wne; i++) ((float *)w)[i] = NAN;
          for (size_t i = 0; i < bne; i++) ((float *)bias)[i] = NAN;
        }
        const size_t roffs[2] = {pin.off, pout.off};
        const size_t rcnts[2] = {touch ? ine : 0, touch ? oute : 0};
        before_call();
        expose(2, roffs, rcnts);
        st = op->plan_run(plan, in, out);
        after_call(st, pout.off, rcnts[1], what_run);
        count(c->stat_plan, st);
        /* the same run on the pools: its status, its output */
        if (st == UPS_OK) memcpy(ref, out, oute * sizeof(float));
        for (int via = VIA_PLAN_ENGINE; c->pools && via <= VIA_PLAN_DEFAULT; via++) {
          const ups_pool *pool = via == VIA_PLAN_ENGINE ? engine : default_pool;
          if (!pool) continue;
          if (st == UPS_OK)
            for (size_t i = 0; i < oute; i++) out[i] = NAN;
          before_call();
          expose(2, roffs, rcnts);
          const ups_status sp = op->plan_run_pool(plan, in, out, pool);
          after_call(sp, pout.off, rcnts[1], via_names[via]);
          count(5, sp);
          FZ_ASSERT(sp == st, "%s plan via %s isa=%u %s: got %d (%s), run gave %d", op->name,
                    via_names[via], (unsigned)isas[k], desc, (int)sp, ups_status_string(sp),
                    (int)st);
          if (sp == UPS_OK)
            FZ_ASSERT(memcmp(out, ref, oute * sizeof(float)) == 0,
                      "%s plan via %s isa=%s %s: output differs from plan_run's", op->name,
                      via_names[via], ups_isa_name(isas[k]), desc);
        }
        op->plan_destroy(plan);
        if (scribble) {
          memcpy((float *)w, wcopy, wne * sizeof(float));
          if (bne) memcpy((float *)bias, bcopy, bne * sizeof(float));
        }
      } else {
        count(c->stat_plan, st);
        FZ_ASSERT(plan == NULL, "failed %s create left a plan", op->name);
      }
    }
    FZ_ASSERT(st == expect, "%s%s isa=%u %s: got %d (%s), expected %d", op->name,
              use_plan ? " plan" : "", (unsigned)isas[k], desc, (int)st,
              ups_status_string(st), (int)expect);
    if (st != UPS_OK || (c->finite_only && !all_finite(in, ine))) continue;
    ups_check_result cr;
    /* The original weights: with a plan, the output may overlap them. */
    const ups_status cs = op->check(&q, in, wcopy, bias ? bcopy : NULL, out, &cr);
    FZ_ASSERT(cs == UPS_OK && cr.failures == 0,
              "%s isa=%s %s: %zu of %zu elements differ from the %s reference; first %zu got "
              "%g want %g",
              op->name, ups_isa_name(isas[k]), desc, cr.failures, cr.count, op->reference,
              cr.first_bad,
              (double)cr.first_got, (double)cr.first_want);
  }
  free(wcopy);
  free(bcopy);
  free(ref);
}

/* ------------------------------------------------------------ deconv */

/* Exact output size of one axis; 0 when not positive; saturates. */
static u128 deconv_axis_exact(size_t in, size_t k, size_t s, size_t d, size_t pb, size_t pe,
                              size_t op) {
  if (in == 0 || k == 0) return 0;
  const u128 full = (u128)(in - 1) * s + (u128)d * (k - 1) + op + 1;
  const u128 pads = (u128)pb + pe;
  return pads >= full ? 0 : full - pads;
}

static void fuzz_deconv(rd *r, int use_plan) {
  ups_deconv_params p;
  memset(&p, 0, sizeof p);
  p.layout = (ups_layout)rd_enum(r);
  size_t *const sizes[] = {&p.n,         &p.in_c,      &p.in_h,       &p.in_w,
                           &p.out_c,     &p.groups,    &p.kernel_h,   &p.kernel_w,
                           &p.stride_h,  &p.stride_w,  &p.dilation_h, &p.dilation_w,
                           &p.pad_top,   &p.pad_left,  &p.pad_bottom, &p.pad_right,
                           &p.out_pad_h, &p.out_pad_w};
  rd_sizes(r, sizes, sizeof sizes / sizeof *sizes);
  p.weight_layout = (ups_weight_layout)rd_enum(r);
  p.isa = (ups_isa)rd_enum(r);
  conv_case c = {.op = &ups_conv_deconv, .p.deconv = p, .stat_call = 2, .stat_plan = 3,
                 .pools = 1, .create_affordable = 1};

  const size_t g = or1(p.groups), sh = or1(p.stride_h), sw = or1(p.stride_w);
  const size_t dh = or1(p.dilation_h), dw = or1(p.dilation_w);
  conv_predict(&c, p.isa, p.n, p.in_c, p.in_h, p.in_w, p.out_c, p.kernel_h, p.kernel_w, g,
               deconv_axis_exact(p.in_h, p.kernel_h, sh, dh, p.pad_top, p.pad_bottom,
                                 p.out_pad_h),
               deconv_axis_exact(p.in_w, p.kernel_w, sw, dw, p.pad_left, p.pad_right,
                                 p.out_pad_w),
               mul4(p.in_c, p.out_c / g, p.kernel_h, p.kernel_w));
  if (c.sz == UPS_OK)
    FZ_ASSERT((p.out_pad_h < sh || p.out_pad_h < dh) && (p.out_pad_w < sw || p.out_pad_w < dw),
              "output padding accepted");
  const u128 macs = c.in_e * (u128)(p.out_c / g ? p.out_c / g : 1) *
                    ((u128)p.kernel_h * p.kernel_w);
  c.run_affordable = macs <= MAX_MACS;
  fuzz_conv(r, &c, use_plan);
}

/* ------------------------------------------------------------ upconv */

/* Exact output size of one upconv axis; 0 when not positive. */
static u128 upconv_axis_exact(size_t in, size_t f, size_t k, size_t d, size_t pb, size_t pe) {
  if (in == 0 || k == 0) return 0;
  const u128 full = (u128)in * f + pb + pe, span = (u128)d * (k - 1);
  return full > span ? full - span : 0;
}

/* Taps of the fused kernel along one axis (kernels/internal.h, ups_upconv_axis):
 * nearest box of f taps, shift 0; bilinear tent of 2f - f%2 taps, shift
 * floor(3f/2), over the input with its one-pixel ring. */
static u128 upconv_kt(size_t f, size_t k, size_t d, size_t pb, size_t pe, int bilinear) {
  const u128 span = (u128)d * (k - 1);
  const u128 shift = bilinear ? (u128)f * 3 / 2 : 0, len = bilinear ? (u128)f * 2 - f % 2 : f;
  const u128 lead = span + shift, tail = span + (bilinear ? f : 0) + len - (bilinear ? shift : f);
  const u128 crop = lead > pb ? lead - pb : 0, extra = pe > tail ? pe - tail : 0;
  return crop + pb - shift + len + extra;
}

static void fuzz_upconv(rd *r, int use_plan) {
  ups_upconv_params p;
  memset(&p, 0, sizeof p);
  p.layout = (ups_layout)rd_enum(r);
  size_t *const sizes1[] = {&p.n,     &p.in_c,   &p.in_h,     &p.in_w,
                            &p.out_c, &p.groups, &p.factor_h, &p.factor_w};
  rd_sizes(r, sizes1, sizeof sizes1 / sizeof *sizes1);
  p.mode = (ups_operator)rd_enum(r);
  size_t *const sizes2[] = {&p.kernel_h, &p.kernel_w, &p.dilation_h, &p.dilation_w,
                            &p.pad_top,  &p.pad_left, &p.pad_bottom, &p.pad_right};
  rd_sizes(r, sizes2, sizeof sizes2 / sizeof *sizes2);
  p.weight_layout = (ups_conv_weight_layout)rd_enum(r);
  p.isa = (ups_isa)rd_enum(r);
  conv_case c = {.op = &ups_conv_upconv, .p.upconv = p, .stat_call = 6, .stat_plan = 7,
                 .run_affordable = 1};
  const int nearest = p.mode == UPS_OP_NEAREST;

  const size_t g = or1(p.groups), fh = or1(p.factor_h), fw = or1(p.factor_w);
  const size_t dh = or1(p.dilation_h), dw = or1(p.dilation_w);
  conv_predict(&c, p.isa, p.n, p.in_c, p.in_h, p.in_w, p.out_c, p.kernel_h, p.kernel_w, g,
               upconv_axis_exact(p.in_h, fh, p.kernel_h, dh, p.pad_top, p.pad_bottom),
               upconv_axis_exact(p.in_w, fw, p.kernel_w, dw, p.pad_left, p.pad_right),
               mul4(p.out_c, p.in_c / g, p.kernel_h, p.kernel_w));
  if (c.sz == UPS_OK)
    FZ_ASSERT(p.mode == UPS_OP_NEAREST || p.mode == UPS_OP_BILINEAR, "mode %u", (unsigned)p.mode);
  const u128 in_e = c.in_e, out_e = c.out_e;
  /* Work of a successful call: the fused kernel's size and MACs, the
   * reference's upsampled tensor and MACs. */
  const u128 kt = upconv_kt(fh, p.kernel_h, dh, p.pad_top, p.pad_bottom, !nearest) *
                  upconv_kt(fw, p.kernel_w, dw, p.pad_left, p.pad_right, !nearest);
  const u128 ocg = p.out_c / g ? p.out_c / g : 1;
  /* bilinear runs on the input with its ring: (h+2)*(w+2) pixels */
  const u128 fused_in = nearest ? in_e : mul4(p.n, p.in_c, p.in_h + 2, p.in_w + 2);
  const u128 fused_w = (u128)p.in_c * ocg * kt, fused_macs = fused_in * ocg * kt;
  const u128 ref_macs = out_e * (p.in_c / g) * ((u128)p.kernel_h * p.kernel_w),
             up_e = in_e * ((u128)fh * fw);
  c.create_affordable = fused_w <= MAX_MACS && fused_macs <= MAX_MACS && ref_macs <= MAX_MACS &&
                        up_e <= MAX_MACS;
  /* Nearest: non-finite inputs too (zero taps keep the two-step's semantics).
   * Bilinear: a non-finite input meets the tent's zero taps and the ring
   * (README): compare only finite inputs. */
  c.finite_only = !nearest;
  fuzz_conv(r, &c, use_plan);
}

/* ------------------------------------------------------------ misc API */

static void fuzz_misc(rd *r) {
  const unsigned v = rd_enum(r);
  FZ_ASSERT(ups_status_string((ups_status)v) != NULL, "status string");
  FZ_ASSERT(ups_isa_name((ups_isa)v) != NULL, "isa name");
  const int sup = ups_isa_supported((ups_isa)v);
  FZ_ASSERT(sup == 0 || sup == 1, "supported");
  if ((int)v < 0 || (int)v >= ups_isa_count()) FZ_ASSERT(!sup, "out-of-range isa supported");
  const ups_isa sel = ups_isa_selected();
  FZ_ASSERT(sel != UPS_ISA_AUTO && ups_isa_supported(sel), "selected %d", (int)sel);
  size_t a, b;
  FZ_ASSERT(ups_resize_output_size(NULL, &a, &b) == UPS_ERR_NULL, "null");
  ups_resize_params p = {0};
  FZ_ASSERT(ups_resize_output_size(&p, NULL, &b) == UPS_ERR_NULL, "null");
  ups_deconv_params d = {0};
  FZ_ASSERT(ups_deconv_output_size(&d, &a, NULL) == UPS_ERR_NULL, "null");
  FZ_ASSERT(ups_deconv_plan_run(NULL, arena, arena + 1) == UPS_ERR_NULL, "null plan");
  ups_deconv_plan_destroy(NULL);
  FZ_ASSERT(ups_deconv_plan_isa(NULL) == UPS_ISA_AUTO, "null plan isa");
  FZ_ASSERT(ups_resize_plan_run_pool(NULL, arena, arena + 1, default_pool) == UPS_ERR_NULL,
            "null resize plan");
  ups_resize_plan_destroy(NULL);
  FZ_ASSERT(ups_resize_plan_isa(NULL) == UPS_ISA_AUTO, "null resize plan isa");
  FZ_ASSERT(ups_pool_threads(NULL) == 0, "null pool threads");
  ups_pool *pl = NULL;
  FZ_ASSERT(ups_pool_create_engine(NULL, NULL, 2, &pl) == UPS_ERR_NULL && !pl, "null for");
  FZ_ASSERT(ups_pool_create_engine(serial_for, &pool_threads[2], 0, &pl) == UPS_ERR_PARAM && !pl,
            "zero threads");
  if (default_pool) FZ_ASSERT(ups_pool_threads(default_pool) == 2, "default pool threads");
  ups_upconv_params u = {0};
  FZ_ASSERT(ups_upconv_output_size(&u, NULL, &b) == UPS_ERR_NULL, "null");
  FZ_ASSERT(ups_upconv_plan_run(NULL, arena, arena + 1) == UPS_ERR_NULL, "null upconv plan");
  ups_upconv_plan_destroy(NULL);
  FZ_ASSERT(ups_upconv_plan_isa(NULL) == UPS_ISA_AUTO, "null upconv plan isa");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!arena) {
    arena = malloc(ARENA * sizeof(float));
    snap = malloc(ARENA * sizeof(float));
    if (!arena || !snap) abort();
    if (getenv("UPSIMD_FUZZ_STATS")) atexit(print_stats);
    pools_init();
  }
  rd r = {data, size, 0};
  switch (u8(&r) % 8) {
    case 0: fuzz_resize(&r, 0); break;
    case 1: fuzz_resize(&r, 1); break;
    case 2: fuzz_deconv(&r, 0); break;
    case 3: fuzz_deconv(&r, 1); break;
    case 4: fuzz_misc(&r); break;
    case 6: fuzz_upconv(&r, 0); break;
    case 7: fuzz_upconv(&r, 1); break;
    default: fuzz_resize(&r, (int)(size & 1)); break;
  }
  return 0;
}
