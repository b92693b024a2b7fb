/* check.h — the numerical contract (docs/architecture.md) as code: compares a variant's
 * output with the scalar reference on the same inputs. Shared by the tests,
 * upsimd-check and the benchmark's check-before-time. In the static library
 * only (hidden in the shared one). */
#ifndef UPSIMD_CHECK_H
#define UPSIMD_CHECK_H

#include <stddef.h>

#include "upsimd.h"

typedef struct ups_check_result {
  size_t count;      /* output elements compared */
  size_t failures;   /* elements outside the contract */
  double worst;      /* max over elements of |got-ref| / bound (0 = exact;
                        > 1 = failure; inf when the bound is 0 and they differ
                        or finiteness differs) */
  size_t first_bad;  /* index of the first failure; (size_t)-1 when none */
  float first_got, first_want;
} ups_check_result;

/* Each runs the scalar reference on (p, inputs) with isa forced to scalar and
 * compares `got` element by element:
 * - nearest: bit-identical;
 * - bilinear: |got-ref| <= 4*FLT_EPSILON*max|the 4 taps| + 4*FLT_TRUE_MIN
 *   (the absolute floor lets a fused multiply-add differ where the products
 *   are subnormal);
 * - deconv: |got-ref| <= 2*K*FLT_EPSILON*sum|w*x| (+|bias|), K = terms;
 * - upconv: as deconv, against the literal two-step (the library's scalar
 *   nearest or bilinear resize by the factors, then a direct convolution
 *   summed in (ic, ky, kx) order, then + bias), sum|w*u| over the upsampled
 *   u and K the terms of the unfused definition (in_c/groups*kh*kw, times 4
 *   for bilinear: each u is a sum of 2x2 products; +1 with bias), not of the
 *   fused kernel;
 * - non-finite exactly where the reference is non-finite.
 * Returns the status of the reference call (UPS_OK when the comparison ran) or
 * UPS_ERR_NOMEM. */
ups_status ups_check_nearest(const ups_resize_params *p, const float *in, const float *got,
                             ups_check_result *r);
ups_status ups_check_bilinear(const ups_resize_params *p, const float *in, const float *got,
                              ups_check_result *r);
ups_status ups_check_deconv(const ups_deconv_params *p, const float *in, const float *weights,
                            const float *bias, const float *got, ups_check_result *r);

ups_status ups_check_upconv(const ups_upconv_params *p, const float *in, const float *weights,
                            const float *bias, const float *got, ups_check_result *r);

/* Folds b into a (counts add, worst is the max, first failure kept). */
void ups_check_merge(ups_check_result *a, const ups_check_result *b);

#endif
