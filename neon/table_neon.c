/* table_neon.c — the AArch64 AdvSIMD kernel table. A NULL slot falls back to
 * the scalar reference (the dispatcher fills it). */
#include "../kernels/kernel.h"

const ups_kernel_table ups_kernel_table_neon = {
    .nearest_nchw = NULL,
    .nearest_nhwc = NULL,
    .bilinear_nchw = NULL,
    .bilinear_nhwc = NULL,
    .deconv = {NULL, NULL, NULL},
};
