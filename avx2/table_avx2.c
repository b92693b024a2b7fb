/* table_avx2.c — the AVX2+FMA kernel table (an empty slot falls back to the
 * parent, scalar). */
#include "../kernels/kernel.h"

void ups_nearest_nchw_avx2(const ups_nearest_job *job, const void *prep, const ups_range *r);
void ups_nearest_nhwc_avx2(const ups_nearest_job *job, const void *prep, const ups_range *r);
size_t ups_nearest_prep_bytes_avx2(const ups_nearest_job *job);
void ups_nearest_nchw_prepare_avx2(const ups_nearest_job *job, void *prep);
void ups_nearest_nhwc_prepare_avx2(const ups_nearest_job *job, void *prep);
void ups_bilinear_nchw_avx2(const ups_bilinear_job *job, const void *prep, const ups_range *r);
void ups_bilinear_nhwc_avx2(const ups_bilinear_job *job, const void *prep, const ups_range *r);
size_t ups_bilinear_prep_bytes_avx2(const ups_bilinear_job *job);
void ups_bilinear_nchw_prepare_avx2(const ups_bilinear_job *job, void *prep);
void ups_bilinear_nhwc_prepare_avx2(const ups_bilinear_job *job, void *prep);
void ups_deconv_run_avx2(const ups_deconv_plan_data *d, const float *in, float *out,
                         const ups_range *r);

static const ups_deconv_isa deconv_avx2 = {8};

const ups_kernel_table ups_kernel_table_avx2 = {
    .nearest = {{ups_nearest_prep_bytes_avx2, ups_nearest_nchw_prepare_avx2,
                 ups_nearest_nchw_avx2},
                {ups_nearest_prep_bytes_avx2, ups_nearest_nhwc_prepare_avx2,
                 ups_nearest_nhwc_avx2}},
    .bilinear = {{ups_bilinear_prep_bytes_avx2, ups_bilinear_nchw_prepare_avx2,
                  ups_bilinear_nchw_avx2},
                 {ups_bilinear_prep_bytes_avx2, ups_bilinear_nhwc_prepare_avx2,
                  ups_bilinear_nhwc_avx2}},
    .deconv = {{&deconv_avx2, ups_deconv_run_avx2}, {&deconv_avx2, ups_deconv_run_avx2}},
};
