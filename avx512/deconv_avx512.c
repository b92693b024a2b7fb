/* deconv_avx512.c — the AVX-512 deconvolution: the shared drivers
 * (kernels/deconv_tpl.h) and micro-kernels (kernels/deconv_ukernels_tpl.h)
 * over the AVX-512 shim, with this ISA's block shapes: 32 zmm registers and
 * two 512-bit FMA pipes of 4-cycle latency (Zen 5) want >= 8 independent
 * accumulators and leave room for 24: NHWC 1 vector x 16 pixels, 2 x 12,
 * 3 x 8 (inputs broadcast into the FMAs from memory); NCHW 1-2 channels x 8
 * vectors, 3 x 6, 4 x 5; dot products P pixels x O channels; GEMM 2 channels
 * x 2 phases x 4 vectors. Tails are opmask loads and stores. */
#include "simd_avx512.h"

/* GEMM_TAPS accumulators: 64 KiB, blocks of 128 output channels (SD-VAE 512
 * channels: 4 blocks, each repacking the input panels, instead of 6 at 96;
 * ~3% faster; the frame stays within UPS_KERNEL_STACK_BYTES: ~103 KiB). */
#define G2_CBUF 16384

#define UPS_NHWC_MAXM 16
#define UPS_NCHW_MAXNV 8
#define UPS_MIN_ACC 8      /* 2 pipes x 4 cycles */
#define UPS_MAX_ACC 24
#define UPS_NCHW_CHUNK_V 8 /* NCHW tiles of 8 vectors of pixels */
#define UPS_GEMM_NV 4      /* GEMM micro-tile 2 x 2 x 4 vectors: 16 accumulators */
#include "../kernels/deconv_ukernels_tpl.h"

UPS_NHWC_FN(1, 1) UPS_NHWC_FN(1, 2) UPS_NHWC_FN(1, 3) UPS_NHWC_FN(1, 4) UPS_NHWC_FN(1, 5)
UPS_NHWC_FN(1, 6) UPS_NHWC_FN(1, 7) UPS_NHWC_FN(1, 8) UPS_NHWC_FN(1, 9) UPS_NHWC_FN(1, 10)
UPS_NHWC_FN(1, 11) UPS_NHWC_FN(1, 12) UPS_NHWC_FN(1, 13) UPS_NHWC_FN(1, 14) UPS_NHWC_FN(1, 15)
UPS_NHWC_FN(1, 16) UPS_NHWC_FN(2, 1) UPS_NHWC_FN(2, 2) UPS_NHWC_FN(2, 3) UPS_NHWC_FN(2, 4)
UPS_NHWC_FN(2, 5) UPS_NHWC_FN(2, 6) UPS_NHWC_FN(2, 7) UPS_NHWC_FN(2, 8) UPS_NHWC_FN(2, 9)
UPS_NHWC_FN(2, 10) UPS_NHWC_FN(2, 11) UPS_NHWC_FN(2, 12) UPS_NHWC_FN(3, 1) UPS_NHWC_FN(3, 2)
UPS_NHWC_FN(3, 3) UPS_NHWC_FN(3, 4) UPS_NHWC_FN(3, 5) UPS_NHWC_FN(3, 6) UPS_NHWC_FN(3, 7)
UPS_NHWC_FN(3, 8)
static const int nhwc_mmax[4] = {0, 16, 12, 8};
static const nhwc_fn nhwc_tab[4][UPS_NHWC_MAXM + 1] = {
    {NULL},
    {NULL, nhwc_w1_m1, nhwc_w1_m2, nhwc_w1_m3, nhwc_w1_m4, nhwc_w1_m5, nhwc_w1_m6, nhwc_w1_m7, nhwc_w1_m8, nhwc_w1_m9, nhwc_w1_m10, nhwc_w1_m11, nhwc_w1_m12, nhwc_w1_m13, nhwc_w1_m14, nhwc_w1_m15, nhwc_w1_m16},
    {NULL, nhwc_w2_m1, nhwc_w2_m2, nhwc_w2_m3, nhwc_w2_m4, nhwc_w2_m5, nhwc_w2_m6, nhwc_w2_m7, nhwc_w2_m8, nhwc_w2_m9, nhwc_w2_m10, nhwc_w2_m11, nhwc_w2_m12},
    {NULL, nhwc_w3_m1, nhwc_w3_m2, nhwc_w3_m3, nhwc_w3_m4, nhwc_w3_m5, nhwc_w3_m6, nhwc_w3_m7, nhwc_w3_m8}};

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

UPS_NCHW_FN(1, 1) UPS_NCHW_FN(1, 2) UPS_NCHW_FN(1, 3) UPS_NCHW_FN(1, 4) UPS_NCHW_FN(1, 5)
UPS_NCHW_FN(1, 6) UPS_NCHW_FN(1, 7) UPS_NCHW_FN(1, 8) UPS_NCHW_FN(2, 1) UPS_NCHW_FN(2, 2)
UPS_NCHW_FN(2, 3) UPS_NCHW_FN(2, 4) UPS_NCHW_FN(2, 5) UPS_NCHW_FN(2, 6) UPS_NCHW_FN(2, 7)
UPS_NCHW_FN(2, 8) UPS_NCHW_FN(3, 1) UPS_NCHW_FN(3, 2) UPS_NCHW_FN(3, 3) UPS_NCHW_FN(3, 4)
UPS_NCHW_FN(3, 5) UPS_NCHW_FN(3, 6) UPS_NCHW_FN(4, 1) UPS_NCHW_FN(4, 2) UPS_NCHW_FN(4, 3)
UPS_NCHW_FN(4, 4) UPS_NCHW_FN(4, 5)
static const int nchw_nvmax[5] = {0, 8, 8, 6, 5};
static const nchw_fn nchw_tab[2][5][UPS_NCHW_MAXNV + 1] = {
    {{NULL},
     {NULL, nchw_o1_v1, nchw_o1_v2, nchw_o1_v3, nchw_o1_v4, nchw_o1_v5, nchw_o1_v6, nchw_o1_v7, nchw_o1_v8},
     {NULL, nchw_o2_v1, nchw_o2_v2, nchw_o2_v3, nchw_o2_v4, nchw_o2_v5, nchw_o2_v6, nchw_o2_v7, nchw_o2_v8},
     {NULL, nchw_o3_v1, nchw_o3_v2, nchw_o3_v3, nchw_o3_v4, nchw_o3_v5, nchw_o3_v6},
     {NULL, nchw_o4_v1, nchw_o4_v2, nchw_o4_v3, nchw_o4_v4, nchw_o4_v5}},
    {{NULL},
     {NULL, nchw_o1_v1_m, nchw_o1_v2_m, nchw_o1_v3_m, nchw_o1_v4_m, nchw_o1_v5_m, nchw_o1_v6_m, nchw_o1_v7_m, nchw_o1_v8_m},
     {NULL, nchw_o2_v1_m, nchw_o2_v2_m, nchw_o2_v3_m, nchw_o2_v4_m, nchw_o2_v5_m, nchw_o2_v6_m, nchw_o2_v7_m, nchw_o2_v8_m},
     {NULL, nchw_o3_v1_m, nchw_o3_v2_m, nchw_o3_v3_m, nchw_o3_v4_m, nchw_o3_v5_m, nchw_o3_v6_m},
     {NULL, nchw_o4_v1_m, nchw_o4_v2_m, nchw_o4_v3_m, nchw_o4_v4_m, nchw_o4_v5_m}}};

UPS_GEMM_FN(0, 0) UPS_GEMM_FN(0, 1) UPS_GEMM_FN(1, 0) UPS_GEMM_FN(1, 1)
static const gemm_fn gemm_tab[2][2] = {{gemm_i0_s0, gemm_i0_s1}, {gemm_i1_s0, gemm_i1_s1}};

#include "../kernels/deconv_tpl.h"
