/* kernel.h — the internal kernel interface: what a kernel file in scalar/ or an
 * ISA folder may include, with what builds on it (kernels/deconv_geom.h and
 * the driver templates kernels/deconv_tpl.h, kernels/deconv_ukernels_tpl.h)
 * and its ISA's intrinsics headers.
 *
 * kernels/ validates every argument, resolves defaults and builds the index and
 * weight tables once per call (or per plan); kernels get plain pointers and
 * sizes and may assume: every size >= 1, every table entry in range, buffers do
 * not overlap, element counts fit ptrdiff_t, a work range lies inside its
 * problem. Kernels never allocate (stack only, within UPS_KERNEL_STACK_BYTES)
 * and never look at the public structs or at CPU features.
 * docs/architecture.md describes the call flow and how to add an ISA.
 */
#ifndef UPSIMD_KERNEL_H
#define UPSIMD_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* The most stack a kernel entry (a resize run, a deconv run) uses, tables and
 * tiles included: a thread pool's worker with a default stack can afford it
 * (glibc: 8 MiB; musl: 128 KiB). tests/test_concurrency.c runs every variant
 * on threads whose stack is this plus the C library's needs. */
#define UPS_KERNEL_STACK_BYTES (112u << 10)

/* ------------------------------------------------------------- work ranges */

/* A part of a problem: images [n0, n1) x channel units [c0, c1) x row units
 * [y0, y1). Running any set of ranges that tiles the problem writes what one
 * whole-problem range writes, bit for bit. The units (kernels/work.c):
 * - resize NCHW: channels, output rows;
 * - resize NHWC: one channel unit ([0, 1): a pixel's channels are never
 *   split), output rows;
 * - deconv: groups, bands of stride_h output rows (band j holds output rows
 *   j*stride_h .. j*stride_h + stride_h - 1, one row of every y phase); on
 *   the GEMM path with few input pixels (ups_deconv_oc_units) a channel
 *   unit is a slice of UPS_DECONV_OC_SLICE output channels of a group
 *   (unit u: group u / S, slice u % S, S slices per group), so that threads
 *   share a layer's channels rather than its few pixel panels (a thread's
 *   rows end in a partly empty panel). */
enum {
  UPS_DECONV_OC_SLICE = 16,         /* a multiple of 4: whole packed quads */
  UPS_DECONV_SLICE_MAX_PIXELS = 1024 /* input pixels up to which GEMM slices */
};

typedef struct ups_range {
  size_t n0, n1;
  size_t c0, c1;
  size_t y0, y1;
} ups_range;

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

/* What a variant provides for one resize operator and layout. prepare (when
 * prep_bytes is not NULL) derives the kernel's own per-call data from the job
 * once, into prep_bytes(job) bytes aligned to 64 (at most UPS_PREP_BYTES);
 * run then computes one work range and only reads prep, so ranges may run in
 * any order, on any thread. A slot whose run is NULL is empty: it falls back
 * to the ISA's parent. */
#define UPS_PREP_BYTES (20u << 10)
typedef struct ups_nearest_ops {
  size_t (*prep_bytes)(const ups_nearest_job *job);
  void (*prepare)(const ups_nearest_job *job, void *prep);
  void (*run)(const ups_nearest_job *job, const void *prep, const ups_range *r);
} ups_nearest_ops;

typedef struct ups_bilinear_ops {
  size_t (*prep_bytes)(const ups_bilinear_job *job);
  void (*prepare)(const ups_bilinear_job *job, void *prep);
  void (*run)(const ups_bilinear_job *job, const void *prep, const ups_range *r);
} ups_bilinear_ops;

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

/* What a SIMD variant tells the shared strategy and packer
 * (kernels/deconv_plan.c): its vector width. NHWC tiles are 1 to 3 vectors of
 * output channels, the dot path pads input channels to whole vectors; the
 * GEMM panels' width (UPS_GEMM_NV vectors of pixels) is the driver's alone. */
typedef struct ups_deconv_isa {
  size_t lanes;
} ups_deconv_isa;

/* How a plan computes (chosen once, at create, from the geometry, the ISA's
 * lanes and the weights; packing and running both follow it). */
typedef enum ups_deconv_path {
  UPS_DECONV_REFERENCE = 0, /* scalar: the definition on canonical weights */
  UPS_DECONV_PHASES,        /* stride phases, row by row: NHWC tiles, NHWC dot
                               products, NCHW tiles (kernels/deconv_tpl.h) */
  UPS_DECONV_GEMM,          /* NCHW, kernel == stride (2 along x): one GEMM
                               per phase over the flattened input pixels */
  UPS_DECONV_GEMM_TAPS      /* NCHW, stride 2 along x, equal x tap counts, all
                               weights finite, few pixels per channel: per y
                               phase a GEMM with K = (tap, channel) */
} ups_deconv_path;

/* A plan as kernels see it: read-only after create. Packed weights (64-byte
 * aligned): canonical [groups][ic_g][oc_g][kh][kw] for the reference path;
 * else per group [ry][rx][oc tile][ty][tx][ic][tile] (dot:
 * [ry][rx][o][ty][tx][ic padded to lanes]), phases without taps packing
 * nothing, then for `merge` the merged-phase copy of every group. */
typedef struct ups_deconv_plan_data {
  ups_deconv_geom g;
  ups_deconv_path path;
  size_t lanes;         /* the ISA's vector width (0 on the reference path) */
  int nhwc_dot;         /* NHWC with oc_g <= 4, ic_g >= lanes: input channels
                           along the lanes */
  int merge;            /* NCHW, oc_g == 1: x phases with the same input
                           columns share the 4 lanes of one channel block */
  int finite;           /* every weight finite: an out-of-range input may be
                           read as 0 (0 * w == 0). Known only where drivers
                           read it (NCHW off the GEMM path), else 0 */
  size_t ocpad, icpad;  /* packed output channels per group (and bias floats
                           per group), input channels per tap */
  size_t per_tap;       /* packed floats per tap: ocpad * icpad */
  size_t group_floats;  /* packed weight floats per group (all phases) */
  const float *bias;    /* [groups][ocpad] (merge: [groups][4] bias in all
                           lanes); zeros without bias */
  const float *w;       /* packed weights */
} ups_deconv_plan_data;

/* Channel units per group (see ups_range): slices of UPS_DECONV_OC_SLICE
 * output channels on the GEMM path when an image has at most
 * UPS_DECONV_SLICE_MAX_PIXELS input pixels (about 21 AVX-512 panels: a
 * thread's partly empty last panel costs up to ~10%); else 1. Larger images
 * keep row units: a thread then reads only its rows of the input and each
 * block of output channels amortises a panel's packing over more channels
 * (measured on U-Net 64x64 128->64: row units scale better there). */
static inline size_t ups_deconv_oc_units(const ups_deconv_plan_data *d) {
  return d->path == UPS_DECONV_GEMM && d->g.in_h * d->g.in_w <= UPS_DECONV_SLICE_MAX_PIXELS
             ? (d->g.oc_g + UPS_DECONV_OC_SLICE - 1) / UPS_DECONV_OC_SLICE
             : 1;
}

/* What a variant provides for deconvolution in one layout. isa == NULL: the
 * plan holds canonical weights (the reference). */
typedef struct ups_deconv_ops {
  const ups_deconv_isa *isa;
  void (*run)(const ups_deconv_plan_data *d, const float *in, float *out, const ups_range *r);
} ups_deconv_ops;

/* ------------------------------------------------------------ kernel table */

/* One table per built-in variant, one slot per operator and layout
 * ([UPS_NCHW], [UPS_NHWC]). An empty slot (run == NULL) is filled from the
 * ISA's parent (kernels/isa_registry.c), so a port may start with any subset. */
typedef struct ups_kernel_table {
  ups_nearest_ops nearest[2];
  ups_bilinear_ops bilinear[2];
  ups_deconv_ops deconv[2];
} ups_kernel_table;

/* The scalar reference (scalar/). */
extern const ups_kernel_table ups_kernel_table_scalar;
/* The reference deconvolution on canonical weights, on one work range (what
 * the scalar plan runs). */
void ups_deconv_reference(const ups_deconv_geom *g, const float *w, const float *bias,
                          const float *in, float *out, const ups_range *r);

#endif /* UPSIMD_KERNEL_H */
