/* table_scalar.c — the scalar reference's kernel table: every slot filled (it
 * is the root of every ISA's fallback chain). */
#include "../kernels/kernel.h"

void ups_nearest_nchw_scalar(const ups_nearest_job *job, const void *prep, const ups_range *r);
void ups_nearest_nhwc_scalar(const ups_nearest_job *job, const void *prep, const ups_range *r);
void ups_bilinear_nchw_scalar(const ups_bilinear_job *job, const void *prep, const ups_range *r);
void ups_bilinear_nhwc_scalar(const ups_bilinear_job *job, const void *prep, const ups_range *r);
void ups_deconv_run_scalar(const ups_deconv_plan_data *d, const float *in, float *out,
                           const ups_range *r);

const ups_kernel_table ups_kernel_table_scalar = {
    .nearest = {{NULL, NULL, ups_nearest_nchw_scalar}, {NULL, NULL, ups_nearest_nhwc_scalar}},
    .bilinear = {{NULL, NULL, ups_bilinear_nchw_scalar}, {NULL, NULL, ups_bilinear_nhwc_scalar}},
    .deconv = {{NULL, ups_deconv_run_scalar}, {NULL, ups_deconv_run_scalar}},
};
