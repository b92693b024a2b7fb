/* counters.h — the work a benchmark reports, as pure functions of the problem:
 * output elements, compulsory bytes and useful FLOPs. Kept apart from the
 * benchmarks so the arithmetic is unit-tested (bench/tests/test_bench_counters.c). */
#ifndef UPSIMD_BENCH_COUNTERS_H
#define UPSIMD_BENCH_COUNTERS_H

#include <stddef.h>

#include "upsimd.h"

/* Compulsory traffic of one call: every input byte read once, every output
 * byte written once, weights (and bias) read once. */
typedef struct bench_work {
  double items;        /* output elements */
  double read_bytes;   /* input (+ weights + bias) */
  double write_bytes;  /* output */
  double flops;        /* 2 * useful multiply-adds; 0 for resize */
} bench_work;

/* Elements of the deconvolution's weight tensor: in_c x out_c/groups x kernel. */
size_t bench_deconv_weight_elems(const ups_deconv_params *p);

/* 0 on success; non-zero when the parameters are invalid. */
int bench_resize_work(const ups_resize_params *p, bench_work *w);
int bench_deconv_work(const ups_deconv_params *p, int has_bias, bench_work *w);

/* Taps (input index, kernel index) of one axis that land inside [0, out):
 * 0 <= i*stride - pad_begin + k*dilation < out. What the reference computes. */
double bench_deconv_axis_taps(size_t in, size_t kernel, size_t stride, size_t dilation,
                              size_t pad_begin, size_t out);

/* Multiply-adds the reference performs (taps inside the output only). */
double bench_deconv_useful_macs(const ups_deconv_params *p);

/* Upconv (fused nearest upsample + convolution): the multiply-adds of the
 * fused transposed convolution the library runs (its useful taps, as
 * bench_deconv_useful_macs counts them on the plan's deconvolution), and of
 * the two-step it replaces (the convolution's taps that land inside the
 * upsampled image; the upsample itself does no arithmetic). 0 when invalid. */
double bench_upconv_fused_macs(const ups_upconv_params *p);
double bench_upconv_twostep_macs(const ups_upconv_params *p);
size_t bench_upconv_weight_elems(const ups_upconv_params *p); /* out_c x in_c/groups x kernel */
/* flops = 2 x fused MACs; bytes: input, conv weights (+ bias), output. */
int bench_upconv_work(const ups_upconv_params *p, int has_bias, bench_work *w);

#endif
