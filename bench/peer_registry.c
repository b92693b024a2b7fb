/* peer_registry.c — the table of peers built into this harness (peers.h),
 * plus the helpers the adapters share (peer_internal.h). Which peers exist is
 * decided at configure time (bench/peers.cmake defines UPSIMD_PEER_<NAME>). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "peer_internal.h"

typedef const bench_peer *(*peer_getter)(void);

static const peer_getter peer_getters[] = {
#ifdef UPSIMD_PEER_ONEDNN
    bench_peer_onednn,
#endif
#ifdef UPSIMD_PEER_XNNPACK
    bench_peer_xnnpack,
#endif
#ifdef UPSIMD_PEER_OPENCV
    bench_peer_opencv,
#endif
    NULL};

static int g_peer_threads = 1;
void bench_peers_set_threads(int n) { g_peer_threads = n > 0 ? n : 1; }
int bench_peers_threads(void) { return g_peer_threads; }

size_t bench_peer_count(void) { return sizeof peer_getters / sizeof peer_getters[0] - 1; }

const bench_peer *bench_peer_get(size_t i) {
  return i < bench_peer_count() ? peer_getters[i]() : NULL;
}

/* ------------------------------------------------------------- helpers */

#if defined(__GNUC__)
#define PEER_TLS __thread
#else
#define PEER_TLS _Thread_local
#endif

const char *peer_whyf(const char *fmt, ...) {
  static PEER_TLS char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

int peer_resize_resolve(const ups_resize_params *p, ups_resize_params *q, const char **why) {
  size_t oh = 0, ow = 0;
  const ups_status s = ups_resize_output_size(p, &oh, &ow);
  if (s != UPS_OK) {
    *why = peer_whyf("invalid problem: %s", ups_status_string(s));
    return -1;
  }
  *q = *p;
  q->out_h = oh;
  q->out_w = ow;
  return 0;
}

int peer_deconv_resolve(const ups_deconv_params *p, size_t *out_h, size_t *out_w,
                        const char **why) {
  const ups_status s = ups_deconv_output_size(p, out_h, out_w);
  if (s != UPS_OK) {
    *why = peer_whyf("invalid problem: %s", ups_status_string(s));
    return -1;
  }
  return 0;
}

/* As upsimd's coords.c: the ratio it uses is 1/scale when a scale is given,
 * else in/out (both rounded to float). */
static int axis_ratio_is_size_ratio(float scale, size_t in, size_t out) {
  if (!(scale > 0.0f)) return 1;
  return (float)(1.0 / (double)scale) == (float)in / (float)out;
}

/* As coords.c for ALIGN_CORNERS: a scale counts only when its length
 * in*scale (exact, in double) is not the output size. */
static int length_is_size(float scale, size_t in, size_t out) {
  return !(scale > 0.0f) || (double)in * (double)scale == (double)out;
}

int peer_scale_is_size_ratio(const ups_resize_params *p) {
  if (p->coord == UPS_COORD_ALIGN_CORNERS)
    return length_is_size(p->scale_h, p->in_h, p->out_h) &&
           length_is_size(p->scale_w, p->in_w, p->out_w);
  return axis_ratio_is_size_ratio(p->scale_h, p->in_h, p->out_h) &&
         axis_ratio_is_size_ratio(p->scale_w, p->in_w, p->out_w);
}

/* One axis of a probe: the other axis is 2 -> 2 (identity in every mode, and
 * enough for peers that need two pixels, e.g. XNNPACK's CHW bilinear) with
 * both lines equal; n = c = 1, so NCHW and NHWC are the same memory.
 * pattern RAMP: pixel = its index; PARITY: index & 1; BIG_EVEN/BIG_ODD: 1e6
 * on even/odd indices and 0.1 elsewhere (a tap read with weight 0, or a lerp
 * a + (b-a)*w at an edge, shows up as an error of ~ulp(1e6) on a pixel of 0.1),
 * these two compared with the contract of check.h (*worst = its ratio). */
enum { PROBE_RAMP = 0, PROBE_PARITY = 1, PROBE_BIG_EVEN = 2, PROBE_BIG_ODD = 3 };

static int probe_run(const ups_resize_params *p, int axis_w, int bilinear, int pattern,
                     int variant, peer_resize_build_fn build,
                     int (*run)(bench_peer_op *op, const float *in, float *out),
                     void (*destroy)(bench_peer_op *op), float *worst, size_t *where,
                     const char **why) {
  ups_resize_params q = *p;
  q.n = 1;
  q.c = 1;
  q.isa = UPS_ISA_SCALAR;
  if (axis_w) {
    q.in_h = q.out_h = 2;
    q.scale_h = 0.0f;
  } else {
    q.in_w = q.out_w = 2;
    q.scale_w = 0.0f;
  }
  const size_t in = axis_w ? q.in_w : q.in_h;
  const size_t ni = q.in_h * q.in_w, no = q.out_h * q.out_w;
  if (in > ((size_t)1 << 24)) {
    *why = "too large to probe the coordinate map";
    return 0;
  }
  /* 64-byte aligned, like the harness's buffers (oneDNN's jit resampling
   * needs an aligned dst). */
  float *src = aligned_alloc(64, (ni * sizeof *src + 63) / 64 * 64);
  float *want = aligned_alloc(64, (no * sizeof *want + 63) / 64 * 64);
  float *got = aligned_alloc(64, (no * sizeof *got + 63) / 64 * 64);
  int ok = 0;
  if (!src || !want || !got) {
    *why = "out of memory";
    goto done;
  }
  for (size_t y = 0; y < q.in_h; y++)
    for (size_t x = 0; x < q.in_w; x++) {
      const size_t i = axis_w ? x : y;
      float v = (float)i;
      if (pattern == PROBE_PARITY) v = (float)(i & 1);
      if (pattern == PROBE_BIG_EVEN) v = (i & 1) ? 0.1f : 1.0e6f;
      if (pattern == PROBE_BIG_ODD) v = (i & 1) ? 1.0e6f : 0.1f;
      src[y * q.in_w + x] = v;
    }
  for (size_t i = 0; i < no; i++) got[i] = -1.0f;
  const ups_status s = bilinear ? ups_resize_bilinear_f32(&q, src, want)
                                : ups_resize_nearest_f32(&q, src, want);
  if (s != UPS_OK) {
    *why = "reference failed on the probe";
    goto done;
  }
  bench_peer_op *op = build(&q, variant, why);
  if (!op) goto done;
  const int rc = run(op, src, got);
  destroy(op);
  if (rc != 0) {
    *why = "peer failed on the probe";
    goto done;
  }
  *worst = 0.0f;
  *where = 0;
  if (pattern == PROBE_BIG_EVEN || pattern == PROBE_BIG_ODD) {
    ups_check_result r;
    if (ups_check_bilinear(&q, src, got, &r) != UPS_OK) {
      *why = "reference failed on the probe";
      ok = 0;
      goto done;
    }
    *worst = (float)r.worst;
    *where = r.failures ? r.first_bad : 0;
    ok = 1;
    goto done;
  }
  for (size_t i = 0; i < no; i++) {
    const float d = got[i] > want[i] ? got[i] - want[i] : want[i] - got[i];
    if (!(d <= *worst)) { /* also catches NaN */
      *worst = d == d ? d : INFINITY;
      *where = i;
    }
  }
  ok = 1;
done:
  free(src);
  free(want);
  free(got);
  return ok;
}

int peer_nearest_probe(const ups_resize_params *p, int variant, peer_resize_build_fn build,
                       int (*run)(bench_peer_op *op, const float *in, float *out),
                       void (*destroy)(bench_peer_op *op), const char **why) {
  for (int axis_w = 1; axis_w >= 0; axis_w--) {
    float worst;
    size_t at;
    if (!probe_run(p, axis_w, 0, PROBE_RAMP, variant, build, run, destroy, &worst, &at, why))
      return 0;
    if (worst != 0.0f) {
      *why = peer_whyf("index map differs on %s near output %zu", axis_w ? "x" : "y",
                       axis_w ? at % p->out_w : at / 2);
      return 0;
    }
  }
  return 1;
}

int peer_bilinear_probe(const ups_resize_params *p, int variant, peer_resize_build_fn build,
                        int (*run)(bench_peer_op *op, const float *in, float *out),
                        void (*destroy)(bench_peer_op *op), const char **why) {
  for (int axis_w = 1; axis_w >= 0; axis_w--) {
    if ((axis_w ? p->in_w : p->in_h) < 2) continue; /* one pixel: no weights */
    float worst;
    size_t at;
    /* Parity: each output is exactly one of the two weights, so the weights
     * must be bit-identical. */
    if (!probe_run(p, axis_w, 1, PROBE_PARITY, variant, build, run, destroy, &worst, &at, why))
      return 0;
    if (worst != 0.0f) {
      *why = peer_whyf("coordinate rounding differs on %s near output %zu (weight off by %.3g)",
                       axis_w ? "x" : "y", axis_w ? at % p->out_w : at / 2, (double)worst);
      return 0;
    }
    /* Ramp: with equal weights, equal taps give the same value up to the
     * arithmetic; another tap index would be off by at least ~1. */
    if (!probe_run(p, axis_w, 1, PROBE_RAMP, variant, build, run, destroy, &worst, &at, why))
      return 0;
    if (!(worst <= 0.25f)) {
      *why = peer_whyf("tap indices differ on %s near output %zu", axis_w ? "x" : "y",
                       axis_w ? at % p->out_w : at / 2);
      return 0;
    }
    /* Large and small neighbours: the contract must hold where the
     * reference reads only the small one. */
    for (int pat = PROBE_BIG_EVEN; pat <= PROBE_BIG_ODD; pat++) {
      if (!probe_run(p, axis_w, 1, pat, variant, build, run, destroy, &worst, &at, why))
        return 0;
      if (!(worst <= 1.0f)) {
        *why = peer_whyf("outside the bilinear contract on %s near output %zu (%.3g x the "
                         "bound: a weight-0 tap or an edge lerp)",
                         axis_w ? "x" : "y", axis_w ? at % p->out_w : at / 2, (double)worst);
        return 0;
      }
    }
  }
  return 1;
}
