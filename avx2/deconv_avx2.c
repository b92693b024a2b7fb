/* deconv_avx2.c — the AVX2+FMA deconvolution: the shared drivers
 * (kernels/deconv_tpl.h) and micro-kernels (kernels/deconv_ukernels_tpl.h)
 * over the AVX2 shim, with this ISA's block shapes: 12 accumulators of the 16
 * ymm registers (NHWC 2 vectors x 6 pixels, 3 x 4, 1 x 12; NCHW 1 channel x 8
 * vectors, 2 x 6, 3 x 4, 4 x 3; dot products P pixels x O channels). */
#include "simd_avx2.h"

#include "../kernels/deconv_ukernels_tpl.h"

UPS_NHWC_FN(1, 1) UPS_NHWC_FN(1, 2) UPS_NHWC_FN(1, 3) UPS_NHWC_FN(1, 4) UPS_NHWC_FN(1, 5)
UPS_NHWC_FN(1, 6) UPS_NHWC_FN(1, 7) UPS_NHWC_FN(1, 8) UPS_NHWC_FN(1, 9) UPS_NHWC_FN(1, 10)
UPS_NHWC_FN(1, 11) UPS_NHWC_FN(1, 12)
UPS_NHWC_FN(2, 1) UPS_NHWC_FN(2, 2) UPS_NHWC_FN(2, 3) UPS_NHWC_FN(2, 4) UPS_NHWC_FN(2, 5)
UPS_NHWC_FN(2, 6)
UPS_NHWC_FN(3, 1) UPS_NHWC_FN(3, 2) UPS_NHWC_FN(3, 3) UPS_NHWC_FN(3, 4)
static const int nhwc_mmax[4] = {0, 12, 6, 4};
static const nhwc_fn nhwc_tab[4][UPS_NHWC_MAXM + 1] = {
    {NULL},
    {NULL, nhwc_w1_m1, nhwc_w1_m2, nhwc_w1_m3, nhwc_w1_m4, nhwc_w1_m5, nhwc_w1_m6, nhwc_w1_m7,
     nhwc_w1_m8, nhwc_w1_m9, nhwc_w1_m10, nhwc_w1_m11, nhwc_w1_m12},
    {NULL, nhwc_w2_m1, nhwc_w2_m2, nhwc_w2_m3, nhwc_w2_m4, nhwc_w2_m5, nhwc_w2_m6},
    {NULL, nhwc_w3_m1, nhwc_w3_m2, nhwc_w3_m3, nhwc_w3_m4}};

UPS_DOT_FN(1, 1, 2) UPS_DOT_FN(2, 1, 2) UPS_DOT_FN(3, 1, 2) UPS_DOT_FN(4, 1, 2)
UPS_DOT_FN(5, 1, 2) UPS_DOT_FN(6, 1, 2) UPS_DOT_FN(7, 1, 2) UPS_DOT_FN(8, 1, 1)
UPS_DOT_FN(1, 2, 2) UPS_DOT_FN(2, 2, 2) UPS_DOT_FN(3, 2, 2) UPS_DOT_FN(4, 2, 1)
UPS_DOT_FN(5, 2, 1) UPS_DOT_FN(6, 2, 1)
UPS_DOT_FN(1, 3, 2) UPS_DOT_FN(2, 3, 2) UPS_DOT_FN(3, 3, 1) UPS_DOT_FN(4, 3, 1)
UPS_DOT_FN(1, 4, 2) UPS_DOT_FN(2, 4, 1) UPS_DOT_FN(3, 4, 1)
static const int dot_pmax[5] = {0, 8, 6, 4, 3};
static const dot_fn dot_tab[5][UPS_DOT_MAXP + 1] = {
    {NULL},
    {NULL, dot_p1_o1, dot_p2_o1, dot_p3_o1, dot_p4_o1, dot_p5_o1, dot_p6_o1, dot_p7_o1,
     dot_p8_o1},
    {NULL, dot_p1_o2, dot_p2_o2, dot_p3_o2, dot_p4_o2, dot_p5_o2, dot_p6_o2},
    {NULL, dot_p1_o3, dot_p2_o3, dot_p3_o3, dot_p4_o3},
    {NULL, dot_p1_o4, dot_p2_o4, dot_p3_o4}};

UPS_NCHW_FN(1, 1) UPS_NCHW_FN(1, 2) UPS_NCHW_FN(1, 3) UPS_NCHW_FN(1, 4)
UPS_NCHW_FN(1, 5) UPS_NCHW_FN(1, 6) UPS_NCHW_FN(1, 7) UPS_NCHW_FN(1, 8)
UPS_NCHW_FN(2, 1) UPS_NCHW_FN(2, 2) UPS_NCHW_FN(2, 3) UPS_NCHW_FN(2, 4) UPS_NCHW_FN(2, 5)
UPS_NCHW_FN(2, 6)
UPS_NCHW_FN(3, 1) UPS_NCHW_FN(3, 2) UPS_NCHW_FN(3, 3) UPS_NCHW_FN(3, 4)
UPS_NCHW_FN(4, 1) UPS_NCHW_FN(4, 2) UPS_NCHW_FN(4, 3)
static const int nchw_nvmax[5] = {0, 8, 6, 4, 3};
static const nchw_fn nchw_tab[2][5][UPS_NCHW_MAXNV + 1] = {
    {{NULL},
     {NULL, nchw_o1_v1, nchw_o1_v2, nchw_o1_v3, nchw_o1_v4, nchw_o1_v5, nchw_o1_v6, nchw_o1_v7,
      nchw_o1_v8},
     {NULL, nchw_o2_v1, nchw_o2_v2, nchw_o2_v3, nchw_o2_v4, nchw_o2_v5, nchw_o2_v6},
     {NULL, nchw_o3_v1, nchw_o3_v2, nchw_o3_v3, nchw_o3_v4},
     {NULL, nchw_o4_v1, nchw_o4_v2, nchw_o4_v3}},
    {{NULL},
     {NULL, nchw_o1_v1_m, nchw_o1_v2_m, nchw_o1_v3_m, nchw_o1_v4_m, nchw_o1_v5_m, nchw_o1_v6_m,
      nchw_o1_v7_m, nchw_o1_v8_m},
     {NULL, nchw_o2_v1_m, nchw_o2_v2_m, nchw_o2_v3_m, nchw_o2_v4_m, nchw_o2_v5_m, nchw_o2_v6_m},
     {NULL, nchw_o3_v1_m, nchw_o3_v2_m, nchw_o3_v3_m, nchw_o3_v4_m},
     {NULL, nchw_o4_v1_m, nchw_o4_v2_m, nchw_o4_v3_m}}};

UPS_GEMM_FN(0, 0) UPS_GEMM_FN(0, 1) UPS_GEMM_FN(1, 0) UPS_GEMM_FN(1, 1)
static const gemm_fn gemm_tab[2][2] = {{gemm_i0_s0, gemm_i0_s1}, {gemm_i1_s0, gemm_i1_s1}};

#include "../kernels/deconv_tpl.h"
