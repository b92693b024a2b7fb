/* table_avx512.c — the AVX-512 kernel table (an empty slot falls back to the
 * parent, avx2). */
#include "../kernels/kernel.h"

void ups_nearest_nchw_avx512(const ups_nearest_job *job, const void *prep, const ups_range *r);
void ups_nearest_nhwc_avx512(const ups_nearest_job *job, const void *prep, const ups_range *r);
size_t ups_nearest_prep_bytes_avx512(const ups_nearest_job *job);
void ups_nearest_nchw_prepare_avx512(const ups_nearest_job *job, void *prep);
void ups_nearest_nhwc_prepare_avx512(const ups_nearest_job *job, void *prep);
void ups_bilinear_nchw_avx512(const ups_bilinear_job *job, const void *prep, const ups_range *r);
void ups_bilinear_nhwc_avx512(const ups_bilinear_job *job, const void *prep, const ups_range *r);
size_t ups_bilinear_prep_bytes_avx512(const ups_bilinear_job *job);
void ups_bilinear_nchw_prepare_avx512(const ups_bilinear_job *job, void *prep);
void ups_bilinear_nhwc_prepare_avx512(const ups_bilinear_job *job, void *prep);
void ups_deconv_run_avx512(const ups_deconv_plan_data *d, const float *in, float *out,
                         const ups_range *r);

static const ups_deconv_isa deconv_avx512 = {16};

const ups_kernel_table ups_kernel_table_avx512 = {
    .nearest = {{ups_nearest_prep_bytes_avx512, ups_nearest_nchw_prepare_avx512,
                 ups_nearest_nchw_avx512},
                {ups_nearest_prep_bytes_avx512, ups_nearest_nhwc_prepare_avx512,
                 ups_nearest_nhwc_avx512}},
    .bilinear = {{ups_bilinear_prep_bytes_avx512, ups_bilinear_nchw_prepare_avx512,
                  ups_bilinear_nchw_avx512},
                 {ups_bilinear_prep_bytes_avx512, ups_bilinear_nhwc_prepare_avx512,
                  ups_bilinear_nhwc_avx512}},
    .deconv = {{&deconv_avx512, ups_deconv_run_avx512}, {&deconv_avx512, ups_deconv_run_avx512}},
};
