/* conv_op.h — the library's two convolution operators (deconv: strided
 * transposed convolution; upconv: upsample + convolution) behind one table of
 * function pointers, so that the tests, upsimd-check and the fuzzer write each
 * harness behaviour once and run both operators through it. Parameters and
 * plans travel as void pointers to the operator's own types
 * (ups_deconv_params or ups_upconv_params, and their plans). In the static
 * library only (hidden in the shared one), as check.h. */
#ifndef UPSIMD_CONV_OP_H
#define UPSIMD_CONV_OP_H

#include <stddef.h>

#include "check.h"
#include "upsimd.h"

/* Storage for either operator's parameters. */
typedef union ups_conv_params {
  ups_deconv_params deconv;
  ups_upconv_params upconv;
} ups_conv_params;

/* Floats of the input, weights, bias (out_c) and output. */
typedef struct ups_conv_counts {
  size_t in, w, b, out;
} ups_conv_counts;

typedef struct ups_conv_op {
  const char *name;      /* "deconv", "upconv" */
  const char *reference; /* what check compares with: "scalar", "two-step" */
  size_t params_size;    /* sizeof its parameters (<= sizeof(ups_conv_params)) */
  ups_status (*output_size)(const void *p, size_t *out_h, size_t *out_w);
  /* The tensors' floats for p and its output size (no validation). */
  void (*counts)(const void *p, size_t out_h, size_t out_w, ups_conv_counts *c);
  void (*set_isa)(void *p, ups_isa isa);
  /* Every field of p but isa as text, raw (0 defaults as 0, enums out of
   * range as numbers), e.g. "nchw w=iohw n=1 ic=4 oc=4 g=0 in=8x8 k=2x2 ...". */
  void (*describe)(const void *p, char *buf, size_t cap);
  ups_status (*run)(const void *p, const float *in, const float *weights, const float *bias,
                    float *out);
  ups_status (*run_pool)(const void *p, const float *in, const float *weights, const float *bias,
                         float *out, const ups_pool *pool);
  ups_status (*plan_create)(const void *p, const float *weights, const float *bias, void **plan);
  ups_status (*plan_run)(const void *plan, const float *in, float *out);
  ups_status (*plan_run_pool)(const void *plan, const float *in, float *out,
                              const ups_pool *pool);
  void (*plan_destroy)(void *plan);
  ups_isa (*plan_isa)(const void *plan);
  /* ups_check_deconv / ups_check_upconv. */
  ups_status (*check)(const void *p, const float *in, const float *weights, const float *bias,
                      const float *got, ups_check_result *r);
} ups_conv_op;

extern const ups_conv_op ups_conv_deconv, ups_conv_upconv;

#endif
