/* deconv_ukernels_tpl.h — the register-blocked deconvolution micro-kernels,
 * written once over a vector shim (vf, vmask, vf_* of an ISA's simd_<isa>.h,
 * UPS_V lanes) and instantiated per ISA: the ISA's deconv source includes its
 * shim, then this file, then defines its instances with the UPS_*_FN macros
 * below and their tables, then includes kernels/deconv_tpl.h (the drivers).
 * Every body takes its block shape as compile-time constants (the accumulator
 * arrays are scalarised into registers once they are constants).
 *
 * Optional shim feature: UPS_HAVE_FMA_LANE (vf_fma_lane(a, q, k, c) = c +
 * a * q[k] with q's first 4 lanes loaded from memory, vf_fma_lane2 on 2
 * floats): operands that sit 4 (2) in a row in memory are then loaded once
 * instead of broadcast one by one (NHWC inputs over 4 channels, NCHW weights
 * of 4 output channels, GEMM weight pairs). */
#ifndef UPSIMD_DECONV_UKERNELS_TPL_H
#define UPSIMD_DECONV_UKERNELS_TPL_H

#include "kernel.h"

#ifndef UPS_NHWC_MAXM
#define UPS_NHWC_MAXM 12 /* pixels of the widest NHWC block */
#endif
#ifndef UPS_DOT_MAXP
#define UPS_DOT_MAXP 8
#endif
#ifndef UPS_NCHW_MAXNV
#define UPS_NCHW_MAXNV 8
#endif
/* Independent accumulators that cover the FMA latency x pipes; a block with
 * fewer splits its channel loop over two accumulator sets. */
#ifndef UPS_MIN_ACC
#define UPS_MIN_ACC 8
#endif
/* Most accumulators a split block may hold (two sets): past it the second
 * set spills, which costs more than the latency it hides. */
#ifndef UPS_MAX_ACC
#define UPS_MAX_ACC (2 * UPS_MIN_ACC)
#endif
#define UPS_SPLIT_ACC(n) ((n) < UPS_MIN_ACC && 2 * (n) <= UPS_MAX_ACC)

/* ------------------------------------------------------------------- NHWC */

/* NHWC: W vectors of output channels x M pixels of one phase row; inputs
 * broadcast, weights [tap][ic][W*UPS_V] zero padded past oc_g. */
typedef struct nhwc_args {
  const float *x;   /* input at pixel 0, tap (t0y, t0x), channel 0 of the group */
  ptrdiff_t x_ty, x_tx, x_p; /* input steps per ty, tx, pixel (floats) */
  ptrdiff_t nty, ntx;        /* taps to run */
  const float *w;   /* weights of the tile at tap (t0y, t0x) */
  ptrdiff_t w_ty, w_tx;      /* weight steps per ty, tx */
  ptrdiff_t ic;
  const float *bias; /* tile's bias (padded) */
  float *y;          /* output at pixel 0, first channel of the tile */
  ptrdiff_t y_p;     /* output step per pixel */
  ptrdiff_t nvalid;  /* valid output channels in the tile */
} nhwc_args;

/* One channel step: acc[p][v] += x[p][0] * w[v]. */
UPS_AI void nhwc_step(const int W, const int M, vf acc[UPS_NHWC_MAXM][3], const float *x,
                      ptrdiff_t xp, const float *w) {
  vf wv[3];
  _Pragma("GCC unroll 16")
  for (int v = 0; v < W; v++) wv[v] = vf_loadu(w + UPS_V * v);
  _Pragma("GCC unroll 16")
  for (int p = 0; p < M; p++) {
    const vf b = vf_bcast(x + p * xp);
    _Pragma("GCC unroll 16")
    for (int v = 0; v < W; v++) acc[p][v] = vf_fma(b, wv[v], acc[p][v]);
  }
}

#ifdef UPS_HAVE_FMA_LANE
/* Four channel steps: one load of each pixel's 4 channels feeds 4*W FMAs.
 * Pixel-outer keeps 4*W weight vectors live, channel-outer M input vectors
 * and W weights: the order with fewer live registers is taken (wide tiles
 * spilled accumulators otherwise). */
UPS_AI void nhwc_step4(const int W, const int M, vf acc[UPS_NHWC_MAXM][3], const float *x,
                       ptrdiff_t xp, const float *w) {
  if (M + W < 4 * W + 1) {
    vf q[UPS_NHWC_MAXM];
    _Pragma("GCC unroll 16")
    for (int p = 0; p < M; p++) q[p] = vf_loadu(x + p * xp);
    _Pragma("GCC unroll 16")
    for (int k = 0; k < 4; k++) {
      vf wk[3];
      _Pragma("GCC unroll 16")
      for (int v = 0; v < W; v++) wk[v] = vf_loadu(w + UPS_V * (k * W + v));
      _Pragma("GCC unroll 16")
      for (int p = 0; p < M; p++)
        _Pragma("GCC unroll 16")
        for (int v = 0; v < W; v++) acc[p][v] = vf_fma_lane(wk[v], q[p], k, acc[p][v]);
    }
    return;
  }
  vf wv[4][3];
  _Pragma("GCC unroll 16")
  for (int k = 0; k < 4; k++)
    _Pragma("GCC unroll 16")
    for (int v = 0; v < W; v++) wv[k][v] = vf_loadu(w + UPS_V * (k * W + v));
  _Pragma("GCC unroll 16")
  for (int p = 0; p < M; p++) {
    const vf q = vf_loadu(x + p * xp);
    _Pragma("GCC unroll 16")
    for (int k = 0; k < 4; k++)
      _Pragma("GCC unroll 16")
      for (int v = 0; v < W; v++) acc[p][v] = vf_fma_lane(wv[k][v], q, k, acc[p][v]);
  }
}
#endif

/* Fewer than UPS_MIN_ACC accumulators (border pixels, short rows) split the
 * channel loop over two accumulator sets to cover the FMA latency. */
UPS_AI void nhwc_body(const int W, const int M, const nhwc_args *a) {
  vf acc[UPS_NHWC_MAXM][3]; /* fixed size: scalarised once M, W are constants */
  vf acc2[UPS_NHWC_MAXM][3];
  _Pragma("GCC unroll 16")
  for (int v = 0; v < W; v++) {
    const vf b = vf_loadu(a->bias + UPS_V * v);
    _Pragma("GCC unroll 16")
    for (int p = 0; p < M; p++) acc[p][v] = b, acc2[p][v] = vf_zero();
  }
  const ptrdiff_t ic = a->ic, xp = a->x_p;
  for (ptrdiff_t ty = 0; ty < a->nty; ty++)
    for (ptrdiff_t tx = 0; tx < a->ntx; tx++) {
      const float *x = a->x + ty * a->x_ty + tx * a->x_tx;
      const float *w = a->w + ty * a->w_ty + tx * a->w_tx;
      ptrdiff_t c = 0;
#ifdef UPS_HAVE_FMA_LANE
      if (UPS_SPLIT_ACC(W * M))
        for (; c + 8 <= ic; c += 8) {
          nhwc_step4(W, M, acc, x, xp, w);
          nhwc_step4(W, M, acc2, x + 4, xp, w + 4 * UPS_V * W);
          x += 8;
          w += 8 * UPS_V * W;
        }
      for (; c + 4 <= ic; c += 4) {
        nhwc_step4(W, M, acc, x, xp, w);
        x += 4;
        w += 4 * UPS_V * W;
      }
#endif
      if (UPS_SPLIT_ACC(W * M))
        for (; c + 2 <= ic; c += 2) {
          nhwc_step(W, M, acc, x, xp, w);
          nhwc_step(W, M, acc2, x + 1, xp, w + UPS_V * W);
          x += 2;
          w += 2 * UPS_V * W;
        }
      for (; c < ic; c++) {
        nhwc_step(W, M, acc, x, xp, w);
        x++;
        w += UPS_V * W;
      }
    }
  if (UPS_SPLIT_ACC(W * M))
    _Pragma("GCC unroll 16")
    for (int p = 0; p < M; p++)
      _Pragma("GCC unroll 16")
      for (int v = 0; v < W; v++) acc[p][v] = vf_add(acc[p][v], acc2[p][v]);
  float *y = a->y;
  if (a->nvalid >= UPS_V * W) {
    _Pragma("GCC unroll 16")
    for (int p = 0; p < M; p++)
      _Pragma("GCC unroll 16")
      for (int v = 0; v < W; v++) vf_storeu(y + p * a->y_p + UPS_V * v, acc[p][v]);
  } else {
    _Pragma("GCC unroll 16")
    for (int v = 0; v < W; v++) {
      const ptrdiff_t cnt = a->nvalid - UPS_V * v;
      if (cnt <= 0) break;
      if (cnt >= UPS_V) {
        _Pragma("GCC unroll 16")
        for (int p = 0; p < M; p++) vf_storeu(y + p * a->y_p + UPS_V * v, acc[p][v]);
      } else {
        const vmask m = vm_first(cnt);
        _Pragma("GCC unroll 16")
        for (int p = 0; p < M; p++) vf_maskstore(y + p * a->y_p + UPS_V * v, m, acc[p][v]);
      }
    }
  }
}

typedef void (*nhwc_fn)(const nhwc_args *a);
#define UPS_NHWC_FN(W, M) \
  static void nhwc_w##W##_m##M(const nhwc_args *a) { nhwc_body(W, M, a); }

/* -------------------------------------------------------------- NHWC dot */

/* NHWC with few output channels: P pixels x O output channels, vectorised
 * over the input channels: acc[p][o] += x[p][c..c+V) * w[o][c..c+V), then
 * horizontal sums; weights [o][tap][ic padded to V]. KS = 2 splits the
 * channel loop over two accumulator sets (latency of few chains). */
typedef struct dot_args {
  const float *x;   /* pixel 0, tap (t0y, t0x), channel 0 of the group */
  ptrdiff_t x_ty, x_tx, x_p;
  ptrdiff_t nty, ntx, ic;
  const float *w;   /* o = 0, tap (t0y, t0x) */
  ptrdiff_t w_o, w_ty, w_tx;
  const float *bias;
  float *y;
  ptrdiff_t y_p;
} dot_args;

UPS_AI void dot_step(const int P, const int O, vf acc[UPS_DOT_MAXP][4], const float *x,
                     ptrdiff_t xp, const float *w, ptrdiff_t wo, int masked, vmask m) {
  if (O <= P) {
    vf wv[4];
    _Pragma("GCC unroll 16")
    for (int o = 0; o < O; o++) wv[o] = vf_loadu(w + o * wo);
    _Pragma("GCC unroll 16")
    for (int p = 0; p < P; p++) {
      vf xv = masked ? vf_maskload(x + p * xp, m) : vf_loadu(x + p * xp);
      if (O > 1) VF_KEEP(xv);
      _Pragma("GCC unroll 16")
      for (int o = 0; o < O; o++) acc[p][o] = vf_fma(xv, wv[o], acc[p][o]);
    }
  } else {
    vf xv[UPS_DOT_MAXP];
    _Pragma("GCC unroll 16")
    for (int p = 0; p < P; p++) {
      xv[p] = masked ? vf_maskload(x + p * xp, m) : vf_loadu(x + p * xp);
      if (O > 1) VF_KEEP(xv[p]);
    }
    _Pragma("GCC unroll 16")
    for (int o = 0; o < O; o++) {
      const vf wv = vf_loadu(w + o * wo);
      _Pragma("GCC unroll 16")
      for (int p = 0; p < P; p++) acc[p][o] = vf_fma(xv[p], wv, acc[p][o]);
    }
  }
}

UPS_AI void dot_body(const int P, const int O, const int KS, const dot_args *a) {
  vf acc[UPS_DOT_MAXP][4], acc2[UPS_DOT_MAXP][4];
  _Pragma("GCC unroll 16")
  for (int p = 0; p < P; p++)
    _Pragma("GCC unroll 16")
    for (int o = 0; o < O; o++) acc[p][o] = acc2[p][o] = vf_zero();
  const ptrdiff_t ic = a->ic, full = ic & ~(ptrdiff_t)(UPS_V - 1), xp = a->x_p, wo = a->w_o;
  const vmask m = vm_first(ic - full);
  for (ptrdiff_t ty = 0; ty < a->nty; ty++)
    for (ptrdiff_t tx = 0; tx < a->ntx; tx++) {
      const float *x = a->x + ty * a->x_ty + tx * a->x_tx;
      const float *w = a->w + ty * a->w_ty + tx * a->w_tx;
      ptrdiff_t c = 0;
      if (KS == 2)
        for (; c + 2 * UPS_V <= full; c += 2 * UPS_V) {
          dot_step(P, O, acc, x + c, xp, w + c, wo, 0, m);
          dot_step(P, O, acc2, x + c + UPS_V, xp, w + c + UPS_V, wo, 0, m);
        }
      for (; c < full; c += UPS_V) dot_step(P, O, acc, x + c, xp, w + c, wo, 0, m);
      if (c < ic) dot_step(P, O, acc, x + c, xp, w + c, wo, 1, m);
    }
  _Pragma("GCC unroll 16")
  for (int p = 0; p < P; p++)
    _Pragma("GCC unroll 16")
    for (int o = 0; o < O; o++) {
      const vf t = KS == 2 ? vf_add(acc[p][o], acc2[p][o]) : acc[p][o];
      a->y[p * a->y_p + o] = a->bias[o] + vf_hsum(t);
    }
}

typedef void (*dot_fn)(const dot_args *a);
#define UPS_DOT_FN(P, O, KS) \
  static void dot_p##P##_o##O(const dot_args *a) { dot_body(P, O, KS, a); }

/* ------------------------------------------------------------------- NCHW */

/* NCHW: NV vectors of UPS_V pixels of one phase row x MO <= 4 output
 * channels, weights broadcast from [tap][ic][4]. */
typedef struct nchw_args {
  const float *x;    /* input at plane of ic 0, tap (t0y, t0x), pixel 0 */
  ptrdiff_t x_c, x_ty, x_tx;
  ptrdiff_t nty, ntx, ic;
  const float *w;    /* [tap][ic][4] of the oc block at tap (t0y, t0x) */
  ptrdiff_t w_ty, w_tx;
  const float *bias; /* 4 padded */
  float *y;          /* output at channel oc0, pixel 0 */
  ptrdiff_t y_c;     /* output plane */
  ptrdiff_t sw;      /* output step per pixel */
  ptrdiff_t last;    /* valid lanes of the last vector (1..UPS_V) */
} nchw_args;

/* Stores the pixels of v (cnt valid) at y, y+sw, ... (strided stores: an
 * interleave of the 2V floats by read-modify-write was measured slower). */
UPS_AI void nchw_store(const nchw_args *a, float *y, vf v, ptrdiff_t cnt) {
  if (a->sw == 1) {
    if (cnt >= UPS_V)
      vf_storeu(y, v);
    else
      vf_maskstore(y, vm_first(cnt), v);
  } else {
    float t[UPS_V];
    vf_storeu(t, v);
    const ptrdiff_t s = a->sw;
    for (ptrdiff_t l = 0; l < cnt; l++) y[l * s] = t[l];
  }
}

/* One channel step of the NCHW kernel. */
UPS_AI void nchw_step(const int MO, const int NV, const int MASKED, vf acc[4][UPS_NCHW_MAXNV],
                      const float *x, const float *w, vmask m) {
#ifdef UPS_HAVE_FMA_LANE
  const vf wq = vf_loadu(w); /* the block's 4 output channels */
  if (MO < NV) {
    _Pragma("GCC unroll 16")
    for (int v = 0; v < NV; v++) {
      vf xv = (MASKED && v == NV - 1) ? vf_maskload(x + UPS_V * v, m) : vf_loadu(x + UPS_V * v);
      _Pragma("GCC unroll 16")
      for (int o = 0; o < MO; o++) acc[o][v] = vf_fma_lane(xv, wq, o, acc[o][v]);
    }
  } else {
    vf xv[UPS_NCHW_MAXNV];
    _Pragma("GCC unroll 16")
    for (int v = 0; v < NV; v++)
      xv[v] = (MASKED && v == NV - 1) ? vf_maskload(x + UPS_V * v, m) : vf_loadu(x + UPS_V * v);
    _Pragma("GCC unroll 16")
    for (int o = 0; o < MO; o++)
      _Pragma("GCC unroll 16")
      for (int v = 0; v < NV; v++) acc[o][v] = vf_fma_lane(xv[v], wq, o, acc[o][v]);
  }
#else
  if (MO < NV) { /* weights in registers, one input vector at a time */
    vf wb[4];
    _Pragma("GCC unroll 16")
    for (int o = 0; o < MO; o++) wb[o] = vf_bcast(w + o);
    _Pragma("GCC unroll 16")
    for (int v = 0; v < NV; v++) {
      vf xv = (MASKED && v == NV - 1) ? vf_maskload(x + UPS_V * v, m) : vf_loadu(x + UPS_V * v);
      if (MO > 1) VF_KEEP(xv);
      _Pragma("GCC unroll 16")
      for (int o = 0; o < MO; o++) acc[o][v] = vf_fma(xv, wb[o], acc[o][v]);
    }
  } else { /* input vectors in registers, one weight at a time */
    vf xv[UPS_NCHW_MAXNV];
    _Pragma("GCC unroll 16")
    for (int v = 0; v < NV; v++) {
      xv[v] = (MASKED && v == NV - 1) ? vf_maskload(x + UPS_V * v, m) : vf_loadu(x + UPS_V * v);
      if (MO > 1) VF_KEEP(xv[v]);
    }
    _Pragma("GCC unroll 16")
    for (int o = 0; o < MO; o++) {
      const vf b = vf_bcast(w + o);
      _Pragma("GCC unroll 16")
      for (int v = 0; v < NV; v++) acc[o][v] = vf_fma(xv[v], b, acc[o][v]);
    }
  }
#endif
}

/* MASKED: the last vector's loads are masked to a->last lanes (direct reads
 * from the input); stores of the last vector always keep to a->last lanes.
 * Fewer than UPS_MIN_ACC accumulators cannot cover the FMA latency: then the
 * channel loop alternates between two accumulator sets. */
UPS_AI void nchw_body(const int MO, const int NV, const int MASKED, const nchw_args *a) {
  const int KS = UPS_SPLIT_ACC(MO * NV) ? 2 : 1;
  vf acc[4][UPS_NCHW_MAXNV], acc2[4][UPS_NCHW_MAXNV]; /* scalarised once MO, NV are constants */
  _Pragma("GCC unroll 16")
  for (int o = 0; o < MO; o++) {
    const vf b = vf_bcast(a->bias + o);
    _Pragma("GCC unroll 16")
    for (int v = 0; v < NV; v++) acc[o][v] = b, acc2[o][v] = vf_zero();
  }
  const vmask m = vm_first(MASKED ? a->last : UPS_V);
  const ptrdiff_t ic = a->ic, xc = a->x_c;
  for (ptrdiff_t ty = 0; ty < a->nty; ty++)
    for (ptrdiff_t tx = 0; tx < a->ntx; tx++) {
      const float *x = a->x + ty * a->x_ty + tx * a->x_tx;
      const float *w = a->w + ty * a->w_ty + tx * a->w_tx;
      ptrdiff_t c = 0;
      if (KS == 2)
        for (; c + 2 <= ic; c += 2) {
          nchw_step(MO, NV, MASKED, acc, x, w, m);
          nchw_step(MO, NV, MASKED, acc2, x + xc, w + 4, m);
          x += 2 * xc;
          w += 8;
        }
      for (; c < ic; c++) {
        nchw_step(MO, NV, MASKED, acc, x, w, m);
        x += xc;
        w += 4;
      }
    }
  if (KS == 2)
    _Pragma("GCC unroll 16")
    for (int o = 0; o < MO; o++)
      _Pragma("GCC unroll 16")
      for (int v = 0; v < NV; v++) acc[o][v] = vf_add(acc[o][v], acc2[o][v]);
  _Pragma("GCC unroll 16")
  for (int o = 0; o < MO; o++)
    _Pragma("GCC unroll 16")
    for (int v = 0; v < NV; v++)
      nchw_store(a, a->y + o * a->y_c + UPS_V * v * a->sw, acc[o][v],
                 v == NV - 1 ? a->last : UPS_V);
}

typedef void (*nchw_fn)(const nchw_args *a);
#define UPS_NCHW_FN(MO, NV)                                                          \
  static void nchw_o##MO##_v##NV(const nchw_args *a) { nchw_body(MO, NV, 0, a); }   \
  static void nchw_o##MO##_v##NV##_m(const nchw_args *a) { nchw_body(MO, NV, 1, a); }

/* ------------------------------------------------------------------- GEMM */

/* The GEMM paths' micro-tile: 2 output channels o x both x phases u x
 * UPS_GEMM_NV (3 or 4) vectors v of UPS_V pixels (4 * UPS_GEMM_NV
 * accumulators: named locals, an array would end up in memory) over kc input
 * channels of nty x ntx taps. Panels are [kc][UPS_GEMM_NR] floats, one per
 * (ty, u, tx) (SHARED: one panel for both x phases, the GEMM path's 1x1
 * taps); the weights of channels o, o+1 are a pair at w0 (phase 0) and w1
 * (phase 1), 4 floats per input channel, wtap floats per tap. Accumulators
 * start at the bias (INIT == 0) or at cb, and go to cb
 * ([o][u][v][UPS_V], UPS_GEMM_TILE floats). */
#ifndef UPS_GEMM_NV
#define UPS_GEMM_NV 3
#endif
#define UPS_GEMM_NR (UPS_GEMM_NV * UPS_V)   /* pixels per panel */
#define UPS_GEMM_TILE (4 * UPS_GEMM_NR)     /* floats of one micro-tile */
UPS_AI void gemm_body(const int INIT, const int SHARED, const float *Bp, ptrdiff_t kc,
                      ptrdiff_t nty, ptrdiff_t ntx, const float *w0, const float *w1,
                      ptrdiff_t wtap, const float *bias, float *cb) {
  enum { NV = UPS_GEMM_NV };
#define GL(o, u, v)                                                                  \
  ((v) >= NV ? vf_zero()                                                             \
   : INIT    ? vf_load(cb + (((o) * 2 + (u)) * NV + ((v) < NV ? (v) : 0)) * UPS_V) \
             : bias##o)
  const vf bias0 = vf_bcast(bias), bias1 = vf_bcast(bias + 1);
  vf a000 = GL(0, 0, 0), a001 = GL(0, 0, 1), a002 = GL(0, 0, 2), a003 = GL(0, 0, 3);
  vf a010 = GL(0, 1, 0), a011 = GL(0, 1, 1), a012 = GL(0, 1, 2), a013 = GL(0, 1, 3);
  vf a100 = GL(1, 0, 0), a101 = GL(1, 0, 1), a102 = GL(1, 0, 2), a103 = GL(1, 0, 3);
  vf a110 = GL(1, 1, 0), a111 = GL(1, 1, 1), a112 = GL(1, 1, 2), a113 = GL(1, 1, 3);
#undef GL
/* x0..x3 times weight k of the pair at w (q: the pair loaded once) into
 * a<o><u>0..3 */
#ifdef UPS_HAVE_FMA_LANE
#define GEMM_ROW(o, u, q, w, k)                                        \
  do {                                                                 \
    a##o##u##0 = vf_fma_lane2(x0, q, k, a##o##u##0);                   \
    a##o##u##1 = vf_fma_lane2(x1, q, k, a##o##u##1);                   \
    a##o##u##2 = vf_fma_lane2(x2, q, k, a##o##u##2);                   \
    if (NV > 3) a##o##u##3 = vf_fma_lane2(x3, q, k, a##o##u##3);       \
  } while (0)
#else
#define GEMM_ROW(o, u, q, w, k)                                        \
  do {                                                                 \
    const vf b = vf_bcast((w) + (k));                                  \
    a##o##u##0 = vf_fma(x0, b, a##o##u##0);                            \
    a##o##u##1 = vf_fma(x1, b, a##o##u##1);                            \
    a##o##u##2 = vf_fma(x2, b, a##o##u##2);                            \
    if (NV > 3) a##o##u##3 = vf_fma(x3, b, a##o##u##3);                \
  } while (0)
#endif
#define GEMM_LOADX(B)                                                  \
  do {                                                                 \
    x0 = vf_load(B), x1 = vf_load((B) + UPS_V), x2 = vf_load((B) + 2 * UPS_V); \
    VF_KEEP(x0);                                                       \
    VF_KEEP(x1);                                                       \
    VF_KEEP(x2);                                                       \
    if (NV > 3) {                                                      \
      x3 = vf_load((B) + 3 * UPS_V);                                   \
      VF_KEEP(x3);                                                     \
    }                                                                  \
  } while (0)
  const ptrdiff_t psz = kc * UPS_GEMM_NR;
  for (ptrdiff_t ty = 0; ty < nty; ty++)
    for (ptrdiff_t tx = 0; tx < ntx; tx++) {
      const float *B0 = SHARED ? Bp : Bp + ((ty * 2) * ntx + tx) * psz;
      const float *B1 = SHARED ? Bp : Bp + ((ty * 2 + 1) * ntx + tx) * psz;
      const float *wa = w0 + (ty * ntx + tx) * wtap, *wb = w1 + (ty * ntx + tx) * wtap;
      for (ptrdiff_t c = 0; c < kc; c++) {
        vf x0, x1, x2, x3 = vf_zero();
#ifdef UPS_HAVE_FMA_LANE
        const vf2 qa = vf2_loadu(wa), qb = vf2_loadu(wb);
#endif
        GEMM_LOADX(B0);
        GEMM_ROW(0, 0, qa, wa, 0);
        if (SHARED) GEMM_ROW(0, 1, qb, wb, 0);
        GEMM_ROW(1, 0, qa, wa, 1);
        if (!SHARED) {
          GEMM_LOADX(B1);
          GEMM_ROW(0, 1, qb, wb, 0);
        }
        GEMM_ROW(1, 1, qb, wb, 1);
        B0 += UPS_GEMM_NR;
        B1 += UPS_GEMM_NR;
        wa += 4;
        wb += 4;
      }
    }
#undef GEMM_ROW
#undef GEMM_LOADX
#define GS(o, u, v)                                                  \
  do {                                                               \
    if ((v) < NV)                                                    \
      vf_store(cb + (((o) * 2 + (u)) * NV + ((v) < NV ? (v) : 0)) * UPS_V, a##o##u##v); \
  } while (0)
  GS(0, 0, 0); GS(0, 0, 1); GS(0, 0, 2); GS(0, 0, 3);
  GS(0, 1, 0); GS(0, 1, 1); GS(0, 1, 2); GS(0, 1, 3);
  GS(1, 0, 0); GS(1, 0, 1); GS(1, 0, 2); GS(1, 0, 3);
  GS(1, 1, 0); GS(1, 1, 1); GS(1, 1, 2); GS(1, 1, 3);
#undef GS
}

/* The four instances: INIT (accumulate onto cb) x SHARED (GEMM) or not
 * (GEMM_TAPS). */
typedef void (*gemm_fn)(const float *Bp, ptrdiff_t kc, ptrdiff_t nty, ptrdiff_t ntx,
                        const float *w0, const float *w1, ptrdiff_t wtap, const float *bias,
                        float *cb);
#define UPS_GEMM_FN(INIT, SHARED)                                                           \
  static void gemm_i##INIT##_s##SHARED(const float *Bp, ptrdiff_t kc, ptrdiff_t nty,        \
                                       ptrdiff_t ntx, const float *w0, const float *w1,     \
                                       ptrdiff_t wtap, const float *bias, float *cb) {      \
    gemm_body(INIT, SHARED, Bp, kc, SHARED ? 1 : nty, SHARED ? 1 : ntx, w0, w1, wtap, bias, \
              cb);                                                                          \
  }

#endif /* UPSIMD_DECONV_UKERNELS_TPL_H */
