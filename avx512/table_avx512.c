/* table_avx512.c — the AVX-512 kernel table (an empty slot falls back to the
 * parent, avx2). */
#include "../kernels/kernel.h"

void ups_deconv_run_avx512(const ups_deconv_plan_data *d, const float *in, float *out,
                         const ups_range *r);

static const ups_deconv_isa deconv_avx512 = {16};

const ups_kernel_table ups_kernel_table_avx512 = {
    .deconv = {{&deconv_avx512, ups_deconv_run_avx512}, {&deconv_avx512, ups_deconv_run_avx512}},
};
