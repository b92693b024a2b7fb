/* table_avx2.c — the AVX2+FMA kernel table. A NULL slot falls back to the
 * scalar reference (the dispatcher fills it). */
#include "../kernels/kernel.h"

void ups_nearest_nchw_avx2(const ups_nearest_job *job);   /* nearest_avx2.c */
void ups_nearest_nhwc_avx2(const ups_nearest_job *job);
void ups_bilinear_nchw_avx2(const ups_bilinear_job *job); /* bilinear_avx2.c */
void ups_bilinear_nhwc_avx2(const ups_bilinear_job *job);

const ups_kernel_table ups_kernel_table_avx2 = {
    .nearest_nchw = ups_nearest_nchw_avx2,
    .nearest_nhwc = ups_nearest_nhwc_avx2,
    .bilinear_nchw = ups_bilinear_nchw_avx2,
    .bilinear_nhwc = ups_bilinear_nhwc_avx2,
    .deconv = {ups_deconv_packed_bytes_avx2, ups_deconv_pack_avx2, ups_deconv_run_avx2},
};
