/* workloads.c — the benchmarked problems: real layers with their model named,
 * the exact shapes the AVX2 issues (4: resize, 5: deconv) set goals on, and a
 * small in-cache set. To add one, append an entry (see README.md, "Benchmark
 * harness"): the benchmarks of every variant and peer follow. Each shape is a
 * problem descriptor (bench/problem.h) without its layout, the same text a
 * user gives upsimd-bench --problem, so there is one grammar for both.
 * Resize in PyTorch terms: nearest = asymmetric floor; bilinear
 * align_corners=False = half_pixel; align_corners=True = align_corners. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static const bench_workload g_workloads[] = {
    /* ------------------------------------------------------------ nearest */
    {"yolov5s-neck-20px-2x", "YOLOv5s neck nn.Upsample(2, nearest) 1x256x20x20->40x40 (640 input)",
     BENCH_LAYOUT_BOTH, 1, "nearest n1 c256 ih20 iw20 oh40 ow40 s2 asymmetric floor"},
    {"yolov5s-neck-40px-2x", "YOLOv5s neck nn.Upsample(2, nearest) 1x128x40x40->80x80 (640 input)",
     BENCH_LAYOUT_BOTH, 0, "nearest n1 c128 ih40 iw40 oh80 ow80 s2 asymmetric floor"},
    {"sd-vae-decoder-64px-2x", "Stable Diffusion VAE decoder Upsample2D nearest 1x512x64x64->128x128",
     BENCH_LAYOUT_BOTH, 0, "nearest n1 c512 ih64 iw64 oh128 ow128 s2 asymmetric floor"},
    {"esrgan-128px-2x", "ESRGAN RRDBNet upconv nearest 2x 1x64x128x128->256x256 (issue 4 shape)",
     BENCH_LAYOUT_BOTH, 0, "nearest n1 c64 ih128 iw128 oh256 ow256 s2 asymmetric floor"},
    {"incache-l1-16px-2x", "in-L1 set: 1x4x16x16->32x32 (20 KiB in+out)", BENCH_LAYOUT_BOTH, 1,
     "nearest n1 c4 ih16 iw16 oh32 ow32 s2 asymmetric floor"},
    {"incache-l2-32px-2x", "in-L2 set: 1x16x32x32->64x64 (320 KiB in+out)", BENCH_LAYOUT_BOTH, 0,
     "nearest n1 c16 ih32 iw32 oh64 ow64 s2 asymmetric floor"},

    /* ----------------------------------------------------------- bilinear */
    {"esrgan-128px-2x", "ESRGAN-size features bilinear 2x half-pixel (align_corners=False) "
     "1x64x128x128->256x256 (issue 4 shape)",
     BENCH_LAYOUT_BOTH, 1,
     "bilinear n1 c64 ih128 iw128 oh256 ow256 s2 half_pixel"},
    {"feat64-128px-1.5x", "non-integer scale_factor=1.5 bilinear half-pixel 1x64x128x128->192x192 "
     "(issue 4 shape)",
     BENCH_LAYOUT_BOTH, 0,
     "bilinear n1 c64 ih128 iw128 oh192 ow192 s1.5 half_pixel"},
    {"deeplabv3-os8-65px-8x-ac", "DeepLabv3 (TF, output stride 8, 513 input) logits "
     "resize_bilinear align_corners=True 1x21x65x65->513x513",
     BENCH_LAYOUT_NHWC, 0,
     "bilinear n1 c21 ih65 iw65 oh513 ow513 align_corners"},
    {"deeplabv3-os8-65px-8x", "torchvision DeepLabv3 (520 input) logits interpolate bilinear "
     "align_corners=False 1x21x65x65->520x520",
     BENCH_LAYOUT_NCHW, 0,
     "bilinear n1 c21 ih65 iw65 oh520 ow520 half_pixel"},
    {"deeplabv3plus-129px-4x-ac", "DeepLabv3+ (TF, 513 input) decoder logits bilinear "
     "align_corners=True 1x21x129x129->513x513 (NCHW: issue 4 align_corners 4x shape)",
     BENCH_LAYOUT_BOTH, 0,
     "bilinear n1 c21 ih129 iw129 oh513 ow513 align_corners"},
    {"deeplabv3plus-128px-4x", "DeepLabv3+ (PyTorch, 512 input) decoder logits bilinear "
     "align_corners=False 1x21x128x128->512x512",
     BENCH_LAYOUT_NCHW, 0,
     "bilinear n1 c21 ih128 iw128 oh512 ow512 s4 half_pixel"},
    {"yolov5s-neck-20px-2x", "YOLOv5s-size neck features bilinear 2x half-pixel "
     "(align_corners=False) 1x256x20x20->40x40",
     BENCH_LAYOUT_BOTH, 1, "bilinear n1 c256 ih20 iw20 oh40 ow40 s2 half_pixel"},
    {"yolov5s-neck-40px-2x", "YOLOv5s-size neck features bilinear 2x half-pixel "
     "(align_corners=False) 1x128x40x40->80x80",
     BENCH_LAYOUT_BOTH, 0, "bilinear n1 c128 ih40 iw40 oh80 ow80 s2 half_pixel"},
    {"incache-l1-16px-2x", "in-L1 set: 1x4x16x16->32x32 half-pixel (20 KiB in+out)",
     BENCH_LAYOUT_BOTH, 1,
     "bilinear n1 c4 ih16 iw16 oh32 ow32 s2 half_pixel"},
    {"incache-l2-32px-2x", "in-L2 set: 1x16x32x32->64x64 half-pixel (320 KiB in+out)",
     BENCH_LAYOUT_BOTH, 0,
     "bilinear n1 c16 ih32 iw32 oh64 ow64 s2 half_pixel"},

    /* ------------------------------------------------------------- deconv */
    {"unet-28px-1024to512-k2s2", "U-Net up-conv 2x2 stride 2, 1024->512 ch on 28x28 -> 56x56, bias",
     BENCH_LAYOUT_BOTH, 0, "deconv n1 ic1024 oc512 ih28 iw28 k2 s2 bias"},
    {"unet-64px-128to64-k2s2", "U-Net up-conv 2x2 stride 2, 128->64 ch on 64x64 -> 128x128, bias "
     "(issue 5 shape)",
     BENCH_LAYOUT_BOTH, 1, "deconv n1 ic128 oc64 ih64 iw64 k2 s2 bias"},
    {"dcgan-8px-512to256-k4s2p1", "DCGAN generator ConvTranspose2d(512, 256, 4, 2, 1) 8x8 -> 16x16, "
     "no bias",
     BENCH_LAYOUT_BOTH, 0, "deconv n1 ic512 oc256 ih8 iw8 k4 s2 p1 nobias"},
    {"dcgan-16px-256to128-k4s2p1", "DCGAN generator ConvTranspose2d(256, 128, 4, 2, 1) 16x16 -> "
     "32x32, no bias (issue 5 shape)",
     BENCH_LAYOUT_BOTH, 0, "deconv n1 ic256 oc128 ih16 iw16 k4 s2 p1 nobias"},
    {"dcgan-64px-64to64-k4s2p1", "DCGAN-style ConvTranspose2d(64, 64, 4, 2, 1) 64x64 -> 128x128, "
     "no bias (issue 5 shape)",
     BENCH_LAYOUT_BOTH, 0, "deconv n1 ic64 oc64 ih64 iw64 k4 s2 p1 nobias"},
    {"keras-same-64px-64to64-k3s2", "Keras Conv2DTranspose(64, 3, strides=2, padding='same') "
     "64x64 -> 128x128 (pads 0 top/left, 1 bottom/right), bias (issue 5 shape)",
     BENCH_LAYOUT_BOTH, 0, "deconv n1 ic64 oc64 ih64 iw64 k3 s2 pt0 pl0 pb1 pr1 bias"},
    {"fcn8s-upscore-38px-21to21-k4s2", "FCN-8s upscore2/upscore_pool4 deconv 21->21 k4 s2 on 38x38 "
     "-> 78x78, no bias (issue 5 shape, where a 500x500 image gives 16x16 and 34x34)",
     BENCH_LAYOUT_BOTH, 0, "deconv n1 ic21 oc21 ih38 iw38 k4 s2 nobias"},
    {"fcn8s-upscore8-70px-21to21-k16s8", "FCN-8s upscore8 deconv 21->21 k16 s8 on 70x70 -> 568x568 "
     "(500x500 image, cropped after), no bias",
     BENCH_LAYOUT_NCHW, 0, "deconv n1 ic21 oc21 ih70 iw70 k16 s8 nobias"},
    {"fsrcnn-48px-56to1-k9s3", "FSRCNN x3 last layer deconv 56->1 k9 s3 pad 4 out_pad 2 on 48x48 "
     "-> 144x144, bias (issue 5 shape)",
     BENCH_LAYOUT_BOTH, 0, "deconv n1 ic56 oc1 ih48 iw48 k9 s3 p4 op2 bias"},
    {"incache-l1-8px-16to16-k2s2", "in-L1 set: 16->16 ch k2 s2 on 8x8 -> 16x16 (24 KiB)",
     BENCH_LAYOUT_BOTH, 1, "deconv n1 ic16 oc16 ih8 iw8 k2 s2 bias"},

    /* ------------------------------------------------------------- upconv */
    /* Fused upsample + convolution (nn.Upsample + nn.Conv2d). The
     * SD-VAE block is ~17 GMAC fused: out of --quick (scripts/bench's total). */
    {"sd-vae-decoder-64px-2x-k3", "Stable Diffusion VAE decoder Upsample block: nearest 2x then "
     "Conv2d(512, 512, 3, padding=1) 1x512x64x64 -> 128x128, bias",
     BENCH_LAYOUT_BOTH, 0, "upconv n1 ic512 oc512 ih64 iw64 f2 k3 p1 nearest bias"},
    {"unet-64px-128to64-2x-k3", "U-Net decoder up block: nearest 2x then Conv2d(128, 64, 3, "
     "padding=1) 64x64 -> 128x128, bias",
     BENCH_LAYOUT_BOTH, 0, "upconv n1 ic128 oc64 ih64 iw64 f2 k3 p1 nearest bias"},
    {"incache-l1-16px-16to16-2x-k3", "in-L1 set: nearest 2x then 3x3 pad 1, 16->16 ch 16x16 -> "
     "32x32, bias",
     BENCH_LAYOUT_BOTH, 1, "upconv n1 ic16 oc16 ih16 iw16 f2 k3 p1 nearest bias"},
    /* Bilinear (align_corners=False): the input with its replicate ring, one
     * transposed convolution with tent x conv weights (3x3 taps a phase for
     * f2 k3: the conv's own MACs, no upsampled tensor), the border redone. */
    {"unet-bilinear-64px-128to64-2x-k3", "U-Net / segmentation decoder up block: bilinear 2x "
     "(align_corners=False) then Conv2d(128, 64, 3, padding=1) 64x64 -> 128x128, bias",
     BENCH_LAYOUT_BOTH, 0, "upconv n1 ic128 oc64 ih64 iw64 f2 k3 p1 bilinear bias"},
    {"incache-l1-16px-16to16-bilinear-2x-k3", "in-L1 set: bilinear 2x then 3x3 pad 1, 16->16 ch "
     "16x16 -> 32x32, bias",
     BENCH_LAYOUT_BOTH, 1, "upconv n1 ic16 oc16 ih16 iw16 f2 k3 p1 bilinear bias"},
};

size_t bench_workload_count(void) { return sizeof g_workloads / sizeof g_workloads[0]; }

/* Parses every descriptor once, on first use (the harness is single-threaded
 * until the benchmarks run). A built-in that does not parse is a bug in this
 * file: stop with the parser's message (the tests call this for every entry). */
static bench_problem g_problems[sizeof g_workloads / sizeof g_workloads[0]];

static void parse_all(void) {
  static int parsed;
  if (parsed) return;
  for (size_t i = 0; i < bench_workload_count(); i++) {
    const bench_workload *w = &g_workloads[i];
    char err[768];
    if (bench_problem_parse(w->desc, &g_problems[i], err, sizeof err) != 0) {
      fprintf(stderr, "upsimd bench/workloads.c: workload %s: %s\n", w->name, err);
      abort();
    }
  }
  parsed = 1;
}

const bench_workload *bench_workload_get(size_t i) {
  parse_all();
  return i < bench_workload_count() ? &g_workloads[i] : NULL;
}

bench_problem bench_workload_problem(const bench_workload *w, ups_layout layout) {
  parse_all();
  bench_problem p = g_problems[w - g_workloads]; /* w is an entry of the table */
  bench_problem_set_layout(&p, layout);
  return p;
}
