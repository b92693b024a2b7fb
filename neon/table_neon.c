/* table_neon.c — the AArch64 AdvSIMD kernel table (an empty slot falls back
 * to the parent, scalar). */
#include "../kernels/kernel.h"

void ups_nearest_nchw_neon(const ups_nearest_job *job, const void *prep, const ups_range *r);
void ups_nearest_nhwc_neon(const ups_nearest_job *job, const void *prep, const ups_range *r);
size_t ups_nearest_prep_bytes_neon(const ups_nearest_job *job);
void ups_nearest_nchw_prepare_neon(const ups_nearest_job *job, void *prep);
void ups_nearest_nhwc_prepare_neon(const ups_nearest_job *job, void *prep);
void ups_bilinear_nchw_neon(const ups_bilinear_job *job, const void *prep, const ups_range *r);
void ups_bilinear_nhwc_neon(const ups_bilinear_job *job, const void *prep, const ups_range *r);
size_t ups_bilinear_prep_bytes_neon(const ups_bilinear_job *job);
void ups_bilinear_nchw_prepare_neon(const ups_bilinear_job *job, void *prep);
void ups_bilinear_nhwc_prepare_neon(const ups_bilinear_job *job, void *prep);
void ups_deconv_run_neon(const ups_deconv_plan_data *d, const float *in, float *out,
                         const ups_range *r);

static const ups_deconv_isa deconv_neon = {4};

const ups_kernel_table ups_kernel_table_neon = {
    .nearest = {{ups_nearest_prep_bytes_neon, ups_nearest_nchw_prepare_neon,
                 ups_nearest_nchw_neon},
                {ups_nearest_prep_bytes_neon, ups_nearest_nhwc_prepare_neon,
                 ups_nearest_nhwc_neon}},
    .bilinear = {{ups_bilinear_prep_bytes_neon, ups_bilinear_nchw_prepare_neon,
                  ups_bilinear_nchw_neon},
                 {ups_bilinear_prep_bytes_neon, ups_bilinear_nhwc_prepare_neon,
                  ups_bilinear_nhwc_neon}},
    .deconv = {{&deconv_neon, ups_deconv_run_neon}, {&deconv_neon, ups_deconv_run_neon}},
};
