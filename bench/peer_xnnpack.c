/* peer_xnnpack.c — XNNPACK (C operator API, 2022 snapshot as packaged by
 * Debian) as a benchmark peer, on a pthreadpool of upsimd-bench's --threads
 * (NULL, the calling thread, for one).
 *
 * Exact mappings (XNNPACK src/indirection.c, resize-bilinear-*.c,
 * deconvolution-nhwc.c):
 * - resize bilinear 2D, NHWC and NCHW, sizes only (a given scale must equal
 *   out/in):
 *     flags 0                      -> UPS_COORD_HALF_PIXEL (source clamped to
 *                                     [0, in-1]; PYTORCH_HALF_PIXEL too when
 *                                     both outputs are > 1)
 *     XNN_FLAG_ALIGN_CORNERS       -> UPS_COORD_ALIGN_CORNERS
 *     XNN_FLAG_TENSORFLOW_LEGACY   -> UPS_COORD_ASYMMETRIC
 *   The NCHW operator needs input height and width > 1. Accepted when the
 *   weights are bit-identical to upsimd's for these sizes (peer_bilinear_probe).
 * - no nearest resize operator in this snapshot.
 * - deconvolution 2D NHWC only: paddings = upsimd's pads, adjustment = output
 *   padding (< stride), dilation as is, groups; weights repacked at create to
 *   XNNPACK's [G][OC/G][KH][KW][IC/G] and then packed by XNNPACK itself.
 *
 * ISA: XNNPACK picks its micro-kernels by CPUID at xnn_initialize and has no
 * switch to cap them. Its public API does not say which it picked, so the
 * impl of each op names the family its init (src/init.c) picks on this CPU:
 * f32 GEMM/IGEMM (deconvolution) AVX-512F, else FMA3, else AVX, else SSE;
 * f32 bilinear resize has SSE micro-kernels only on x86 (the Debian library
 * holds no other f32 ibilinear kernel). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthreadpool.h>
#include <xnnpack.h>

#include "peer_internal.h"

#ifndef UPSIMD_XNNPACK_VERSION
#define UPSIMD_XNNPACK_VERSION "unknown"
#endif

enum { OP_RESIZE_NHWC, OP_RESIZE_NCHW, OP_DECONV };

struct bench_peer_op {
  xnn_operator_t op;
  int kind;
  size_t n, in_h, in_w, out_h, out_w;
  uint32_t adj_h, adj_w;
  const float *last_in;
  float *last_out;
  char impl[48];
};

static int xnn_ready(const char **why) {
  /* Idempotent and thread-safe (pthread_once inside XNNPACK). */
  const enum xnn_status st = xnn_initialize(NULL);
  if (st != xnn_status_success) {
    *why = peer_whyf("xnn_initialize failed (status %d)", (int)st);
    return 0;
  }
  return 1;
}

static const char *status_name(enum xnn_status s) {
  switch (s) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "uninitialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
  }
  return "unknown status";
}

static int fits_u32(size_t v) { return v <= UINT32_MAX; }

/* The micro-kernel families XNNPACK's init picks on this CPU (see the top);
 * NULL where not known (non-x86). */
static const char *gemm_isa(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  /* libgcc's checks include the OS's saving of the wider registers. */
  if (__builtin_cpu_supports("avx512f")) return "avx512f";
  if (__builtin_cpu_supports("fma")) return "fma3";
  if (__builtin_cpu_supports("avx")) return "avx";
  return "sse";
#else
  return NULL;
#endif
}

static const char *resize_isa(void) {
#if defined(__x86_64__)
  return "sse";
#else
  return NULL;
#endif
}

/* "<what>, <isa> <family>", or just <what> when the ISA is not known. */
static void set_impl(bench_peer_op *op, const char *what, const char *isa, const char *family) {
  if (isa)
    snprintf(op->impl, sizeof op->impl, "%s, %s %s", what, isa, family);
  else
    snprintf(op->impl, sizeof op->impl, "%s", what);
}

static int run(bench_peer_op *op, const float *in, float *out);
static void destroy(bench_peer_op *op);

/* variant = the XNNPACK flags. p has resolved sizes. */
static bench_peer_op *resize_build(const ups_resize_params *p, int variant, const char **why) {
  const size_t lim = (size_t)1 << 24;
  if (p->in_h >= lim || p->in_w >= lim || p->out_h >= lim || p->out_w >= lim) {
    *why = "XNNPACK resize sizes must be below 2^24";
    return NULL;
  }
  if (p->layout == UPS_NCHW && (p->in_h < 2 || p->in_w < 2)) {
    *why = "XNNPACK NCHW bilinear needs input height and width > 1";
    return NULL;
  }
  if (!xnn_ready(why)) return NULL;
  bench_peer_op *op = calloc(1, sizeof *op);
  if (!op) {
    *why = "out of memory";
    return NULL;
  }
  enum xnn_status st;
  if (p->layout == UPS_NHWC) {
    op->kind = OP_RESIZE_NHWC;
    set_impl(op, "ibilinear nhwc", resize_isa(), "micro-kernel");
    st = xnn_create_resize_bilinear2d_nhwc_f32(p->c, p->c, p->c, (uint32_t)variant, &op->op);
  } else {
    op->kind = OP_RESIZE_NCHW;
    set_impl(op, "ibilinear chw", resize_isa(), "micro-kernel");
    st = xnn_create_resize_bilinear2d_nchw_f32(p->c, p->c, p->c, (uint32_t)variant, &op->op);
  }
  if (st != xnn_status_success) {
    *why = peer_whyf("xnn_create_resize_bilinear2d: %s", status_name(st));
    free(op);
    return NULL;
  }
  op->n = p->n;
  op->in_h = p->in_h;
  op->in_w = p->in_w;
  op->out_h = p->out_h;
  op->out_w = p->out_w;
  return op;
}

static bench_peer_op *resize_create(const ups_resize_params *p, int bilinear,
                                    const char **why) {
  ups_resize_params q;
  if (peer_resize_resolve(p, &q, why) != 0) return NULL;
  if (!bilinear) {
    *why = "XNNPACK (2022 snapshot) has no nearest resize operator";
    return NULL;
  }
  uint32_t flags = 0;
  switch (q.coord) {
    case UPS_COORD_HALF_PIXEL: break;
    case UPS_COORD_PYTORCH_HALF_PIXEL:
      if (q.out_h == 1 || q.out_w == 1) {
        *why = "pytorch_half_pixel with an output of size 1 (XNNPACK has half_pixel)";
        return NULL;
      }
      break;
    case UPS_COORD_ALIGN_CORNERS: flags = XNN_FLAG_ALIGN_CORNERS; break;
    case UPS_COORD_ASYMMETRIC: flags = XNN_FLAG_TENSORFLOW_LEGACY_MODE; break;
    default: *why = "coordinate mode not available in XNNPACK"; return NULL;
  }
  if (!peer_scale_is_size_ratio(&q)) {
    *why = "scale differs from out/in (XNNPACK maps with the sizes)";
    return NULL;
  }
  /* The CHW operator needs two pixels per axis; check before probing. */
  if (q.layout == UPS_NCHW && (q.in_h < 2 || q.in_w < 2)) {
    *why = "XNNPACK NCHW bilinear needs input height and width > 1";
    return NULL;
  }
  const char *probe_why = NULL;
  if (!peer_bilinear_probe(&q, (int)flags, resize_build, run, destroy, &probe_why)) {
    char r[200];
    snprintf(r, sizeof r, "%s", probe_why ? probe_why : "");
    *why = peer_whyf("XNNPACK bilinear: %s", r);
    return NULL;
  }
  return resize_build(&q, (int)flags, why);
}

static bench_peer_op *deconv_create(const ups_deconv_params *p, const float *weights,
                                    const float *bias, const char **why) {
  size_t oh = 0, ow = 0;
  if (peer_deconv_resolve(p, &oh, &ow, why) != 0) return NULL;
  if (p->layout != UPS_NHWC) {
    *why = "XNNPACK deconvolution is NHWC-only";
    return NULL;
  }
  const size_t G = p->groups ? p->groups : 1;
  const size_t sh = p->stride_h ? p->stride_h : 1, sw = p->stride_w ? p->stride_w : 1;
  const size_t dh = p->dilation_h ? p->dilation_h : 1, dw = p->dilation_w ? p->dilation_w : 1;
  if (p->out_pad_h >= sh || p->out_pad_w >= sw) {
    *why = "XNNPACK adjustment (output padding) must be < stride";
    return NULL;
  }
  if (!fits_u32(p->pad_top) || !fits_u32(p->pad_left) || !fits_u32(p->pad_bottom) ||
      !fits_u32(p->pad_right) || !fits_u32(p->kernel_h) || !fits_u32(p->kernel_w) ||
      !fits_u32(sh) || !fits_u32(sw) || !fits_u32(dh) || !fits_u32(dw) || !fits_u32(G)) {
    *why = "a parameter does not fit XNNPACK's uint32_t";
    return NULL;
  }
  if (!xnn_ready(why)) return NULL;
  const size_t Cig = p->in_c / G, Cog = p->out_c / G, KH = p->kernel_h, KW = p->kernel_w;
  const size_t nw = p->in_c * Cog * KH * KW;
  float *w = malloc(nw * sizeof *w);
  bench_peer_op *op = calloc(1, sizeof *op);
  if (!w || !op) {
    free(w);
    free(op);
    *why = "out of memory";
    return NULL;
  }
  /* XNNPACK: [g][oc][ky][kx][ic] */
  for (size_t g = 0; g < G; g++)
    for (size_t oc = 0; oc < Cog; oc++)
      for (size_t ky = 0; ky < KH; ky++)
        for (size_t kx = 0; kx < KW; kx++)
          for (size_t ic = 0; ic < Cig; ic++) {
            const size_t ci = g * Cig + ic;
            const size_t src = p->weight_layout == UPS_W_IOHW
                                   ? ((ci * Cog + oc) * KH + ky) * KW + kx
                                   : ((ky * KW + kx) * Cog + oc) * p->in_c + ci;
            w[(((g * Cog + oc) * KH + ky) * KW + kx) * Cig + ic] = weights[src];
          }
  const enum xnn_status st = xnn_create_deconvolution2d_nhwc_f32(
      (uint32_t)p->pad_top, (uint32_t)p->pad_right, (uint32_t)p->pad_bottom,
      (uint32_t)p->pad_left, (uint32_t)KH, (uint32_t)KW, (uint32_t)sh, (uint32_t)sw,
      (uint32_t)dh, (uint32_t)dw, (uint32_t)G, Cig, Cog, p->in_c, p->out_c, w, bias,
      -INFINITY, INFINITY, 0, &op->op);
  free(w); /* XNNPACK packed its own copy */
  if (st != xnn_status_success) {
    *why = peer_whyf("xnn_create_deconvolution2d_nhwc_f32: %s", status_name(st));
    free(op);
    return NULL;
  }
  op->kind = OP_DECONV;
  /* XNNPACK's own choice (deconvolution-nhwc.c): one sub-convolution per
   * stride phase when strided, undilated and stride <= kernel; else igemm. */
  set_impl(op,
           ((sh > 1 || sw > 1) && dh == 1 && dw == 1 && sh <= KH && sw <= KW) ? "subconv2d"
                                                                            : "igemm",
           gemm_isa(), "gemm");
  op->n = p->n;
  op->in_h = p->in_h;
  op->in_w = p->in_w;
  op->out_h = oh;
  op->out_w = ow;
  op->adj_h = (uint32_t)p->out_pad_h;
  op->adj_w = (uint32_t)p->out_pad_w;
  return op;
}

/* The pool of bench_peers_threads() threads (NULL for one), remade when the
 * count changes, which happens only between runs (an op lives within one
 * benchmark, so it never sees two pools). */
static pthreadpool_t xnn_pool(void) {
  static pthreadpool_t pool;
  static int pool_threads = 1;
  const int n = bench_peers_threads();
  if (n != pool_threads) {
    if (pool) pthreadpool_destroy(pool);
    pool = n > 1 ? pthreadpool_create((size_t)n) : NULL;
    pool_threads = pool || n <= 1 ? n : 1;
  }
  return pool;
}

static int run(bench_peer_op *op, const float *in, float *out) {
  pthreadpool_t pool = xnn_pool();
  /* Setup (indirection buffers) only when the pointers change, as an
   * inference engine does; the benchmark loop reuses its buffers. */
  if (in != op->last_in || out != op->last_out) {
    enum xnn_status st;
    switch (op->kind) {
      case OP_RESIZE_NHWC:
        st = xnn_setup_resize_bilinear2d_nhwc_f32(op->op, op->n, op->in_h, op->in_w,
                                                  op->out_h, op->out_w, in, out, pool);
        break;
      case OP_RESIZE_NCHW:
        st = xnn_setup_resize_bilinear2d_nchw_f32(op->op, op->n, op->in_h, op->in_w,
                                                  op->out_h, op->out_w, in, out, pool);
        break;
      default:
        st = xnn_setup_deconvolution2d_nhwc_f32(op->op, op->n, op->in_h, op->in_w, op->adj_h,
                                                op->adj_w, in, out, pool);
        break;
    }
    if (st != xnn_status_success) return -1;
    op->last_in = in;
    op->last_out = out;
  }
  return xnn_run_operator(op->op, pool) == xnn_status_success ? 0 : -1;
}

static void destroy(bench_peer_op *op) {
  if (!op) return;
  xnn_delete_operator(op->op);
  free(op);
}

static const char *impl(const bench_peer_op *op) { return op->impl; }

static bench_peer xnnpack_peer = {
    "xnnpack", UPSIMD_XNNPACK_VERSION " (1 thread)", resize_create, deconv_create, run,
    destroy, impl, NULL};

/* Every peer runs at its own ISA choice (oneDNN included); the version says
 * XNNPACK's, so the tables name it per peer as well as per row (impl). */
const bench_peer *bench_peer_xnnpack(void) {
  static char version[160];
  /* Formatted on every call: the thread count may change between runs. */
  const char *g = gemm_isa(), *r = resize_isa();
  const int n = bench_peers_threads();
  if (g && r)
    snprintf(version, sizeof version,
             "%s (%d thread%s, own ISA choice: %s gemm/deconvolution, %s resize)",
             UPSIMD_XNNPACK_VERSION, n, n > 1 ? "s" : "", g, r);
  else
    snprintf(version, sizeof version, "%s (%d thread%s, own ISA choice)", UPSIMD_XNNPACK_VERSION,
             n, n > 1 ? "s" : "");
  xnnpack_peer.version = version;
  return &xnnpack_peer;
}
