/* kernel.h — the internal kernel interface: the only thing a kernel file in
 * scalar/, avx2/ or neon/ may include (besides its ISA's intrinsics headers).
 *
 * kernels/ validates every argument, resolves defaults and builds the index and
 * weight tables once per call; kernels get plain pointers and sizes and may
 * assume: every size >= 1, every table entry in range, buffers do not overlap,
 * element counts fit ptrdiff_t. Kernels never allocate (stack only) and never
 * look at the public structs or at CPU features.
 */
#ifndef UPSIMD_KERNEL_H
#define UPSIMD_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ resize tables */

/* One axis of a nearest resize: output index o reads input index idx[o]. */
typedef struct ups_nearest_axis {
  size_t in, out;
  const size_t *idx;    /* [out], each in [0, in) */
  const int32_t *idx32; /* the same values as int32 (for gathers); NULL when in > INT32_MAX */
  size_t rep;           /* > 0 when this axis is a pure integer replication:
                           out == in*rep and idx[o] == o/rep for every o; else 0 */
} ups_nearest_axis;

/* One axis of a linear resize: output o = w0[o]*in[i0[o]] + w1[o]*in[i1[o]]. */
typedef struct ups_linear_axis {
  size_t in, out;
  const size_t *i0, *i1;    /* [out]; i0 <= i1 <= i0+1, both in [0, in) */
  const int32_t *i0_32;     /* i0 as int32 (for gathers); NULL when in > INT32_MAX */
  const float *w0, *w1;     /* [out]; w0 = 1 - w1, w1 in [0, 1] */
  int half_pixel_2x;        /* 1 when out == 2*in and the tables are exactly the
                               half-pixel 2x pattern: o = 0 has i0 = 0,
                               i1 = min(1, in-1), w1 = 0; o = 2k+1 has
                               i0 = k, i1 = min(k+1, in-1),
                               w1 = 0.25; o = 2k+2 has i0 = k, i1 = k+1,
                               w1 = 0.75 (w0 = 1 - w1). Else 0. */
} ups_linear_axis;

/* A resize job: n images of c channels; the tables map output rows (y) and
 * columns (x) to input rows and columns. Layout is implied by the kernel slot. */
typedef struct ups_nearest_job {
  size_t n, c;
  ups_nearest_axis y, x;
  const float *in;
  float *out;
} ups_nearest_job;

typedef struct ups_bilinear_job {
  size_t n, c;
  ups_linear_axis y, x;
  const float *in;
  float *out;
} ups_bilinear_job;

typedef void (*ups_nearest_fn)(const ups_nearest_job *job);
typedef void (*ups_bilinear_fn)(const ups_bilinear_job *job);

/* ------------------------------------------------------------------ deconv */

/* A validated deconvolution with defaults resolved (groups, stride, dilation
 * >= 1). Channel counts are per group. */
typedef struct ups_deconv_geom {
  int nhwc;               /* 0: activations NCHW, 1: NHWC */
  size_t n, groups;
  size_t ic_g, oc_g;      /* input / output channels per group */
  size_t in_h, in_w, out_h, out_w;
  size_t kh, kw, sh, sw, dh, dw;
  size_t pad_top, pad_left; /* the bottom/right pads and output padding only
                               shape out_h/out_w */
  int has_bias;
} ups_deconv_geom;

/* What a variant provides for deconvolution. The canonical weights handed to
 * pack are [groups][ic_g][oc_g][kh][kw] (PyTorch IOHW; kernels/ converts other
 * layouts), bias is [groups*oc_g] or NULL. pack writes packed_bytes(g) bytes
 * to a 64-byte aligned buffer; run must not allocate and must not write to the
 * packed buffer (a plan may run on several threads at once). */
typedef struct ups_deconv_ops {
  size_t (*packed_bytes)(const ups_deconv_geom *g);
  void (*pack)(const ups_deconv_geom *g, const float *w, const float *bias, void *packed);
  void (*run)(const ups_deconv_geom *g, const void *packed, const float *in, float *out);
} ups_deconv_ops;

/* ------------------------------------------------------------ kernel table */

/* One table per built-in variant. A NULL slot means "not specialised": the
 * dispatcher fills it from the scalar table. */
typedef struct ups_kernel_table {
  ups_nearest_fn nearest_nchw, nearest_nhwc;
  ups_bilinear_fn bilinear_nchw, bilinear_nhwc;
  ups_deconv_ops deconv;
} ups_kernel_table;

/* The scalar reference (scalar/). */
void ups_nearest_nchw_scalar(const ups_nearest_job *job);
void ups_nearest_nhwc_scalar(const ups_nearest_job *job);
void ups_bilinear_nchw_scalar(const ups_bilinear_job *job);
void ups_bilinear_nhwc_scalar(const ups_bilinear_job *job);
size_t ups_deconv_packed_bytes_scalar(const ups_deconv_geom *g);
void ups_deconv_pack_scalar(const ups_deconv_geom *g, const float *w, const float *bias,
                            void *packed);
void ups_deconv_run_scalar(const ups_deconv_geom *g, const void *packed, const float *in,
                           float *out);
/* The reference deconvolution on canonical weights (what the scalar plan runs). */
void ups_deconv_reference(const ups_deconv_geom *g, const float *w, const float *bias,
                          const float *in, float *out);

/* The AVX2+FMA deconvolution (avx2/deconv_avx2.c): stride phases, weights
 * packed per phase and output-channel tile. */
size_t ups_deconv_packed_bytes_avx2(const ups_deconv_geom *g);
void ups_deconv_pack_avx2(const ups_deconv_geom *g, const float *w, const float *bias,
                          void *packed);
void ups_deconv_run_avx2(const ups_deconv_geom *g, const void *packed, const float *in,
                         float *out);

/* Tables of the SIMD variants; each ISA folder defines its own, and only the
 * ones built in are referenced by the dispatcher. */
extern const ups_kernel_table ups_kernel_table_avx2;
extern const ups_kernel_table ups_kernel_table_neon;

#endif /* UPSIMD_KERNEL_H */
