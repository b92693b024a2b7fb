/* workloads.c — the benchmarked problems: real layers with their model named,
 * the exact shapes the AVX2 issues (4: resize, 5: deconv) set goals on, and a
 * small in-cache set. To add one, append an entry (see README.md, "Benchmark
 * harness"): the benchmarks of every variant and peer follow. */
#include "harness.h"

/* Resize in PyTorch terms: nearest = ASYMMETRIC + FLOOR; bilinear
 * align_corners=False = HALF_PIXEL; align_corners=True = ALIGN_CORNERS. */
#define NEAREST_2X(N, C, H, W)                                                          \
  .resize = {.n = N, .c = C, .in_h = H, .in_w = W, .out_h = 2 * (H), .out_w = 2 * (W), \
             .scale_h = 2.0f, .scale_w = 2.0f, .coord = UPS_COORD_ASYMMETRIC,          \
             .round = UPS_ROUND_FLOOR}
#define BILINEAR(N, C, H, W, OH, OW, SCALE, COORD)                                      \
  .resize = {.n = N, .c = C, .in_h = H, .in_w = W, .out_h = OH, .out_w = OW,          \
             .scale_h = SCALE, .scale_w = SCALE, .coord = COORD}
#define DECONV(IC, OC, H, W, K, S, PB, PE, OP)                                           \
  .deconv = {.n = 1, .in_c = IC, .in_h = H, .in_w = W, .out_c = OC, .kernel_h = K,      \
             .kernel_w = K, .stride_h = S, .stride_w = S, .pad_top = PB, .pad_left = PB, \
             .pad_bottom = PE, .pad_right = PE, .out_pad_h = OP, .out_pad_w = OP}

static const bench_workload g_workloads[] = {
    /* ------------------------------------------------------------ nearest */
    {"yolov5s-neck-20px-2x", "YOLOv5s neck nn.Upsample(2, nearest) 1x256x20x20->40x40 (640 input)",
     BENCH_NEAREST, BENCH_LAYOUT_BOTH, 1, NEAREST_2X(1, 256, 20, 20)},
    {"yolov5s-neck-40px-2x", "YOLOv5s neck nn.Upsample(2, nearest) 1x128x40x40->80x80 (640 input)",
     BENCH_NEAREST, BENCH_LAYOUT_BOTH, 0, NEAREST_2X(1, 128, 40, 40)},
    {"sd-vae-decoder-64px-2x", "Stable Diffusion VAE decoder Upsample2D nearest 1x512x64x64->128x128",
     BENCH_NEAREST, BENCH_LAYOUT_BOTH, 0, NEAREST_2X(1, 512, 64, 64)},
    {"esrgan-128px-2x", "ESRGAN RRDBNet upconv nearest 2x 1x64x128x128->256x256 (issue 4 shape)",
     BENCH_NEAREST, BENCH_LAYOUT_BOTH, 0, NEAREST_2X(1, 64, 128, 128)},
    {"incache-l1-16px-2x", "in-L1 set: 1x4x16x16->32x32 (20 KiB in+out)", BENCH_NEAREST,
     BENCH_LAYOUT_BOTH, 1, NEAREST_2X(1, 4, 16, 16)},
    {"incache-l2-32px-2x", "in-L2 set: 1x16x32x32->64x64 (320 KiB in+out)", BENCH_NEAREST,
     BENCH_LAYOUT_BOTH, 0, NEAREST_2X(1, 16, 32, 32)},

    /* ----------------------------------------------------------- bilinear */
    {"esrgan-128px-2x", "ESRGAN-size features bilinear 2x half-pixel (align_corners=False) "
     "1x64x128x128->256x256 (issue 4 shape)",
     BENCH_BILINEAR, BENCH_LAYOUT_BOTH, 1,
     BILINEAR(1, 64, 128, 128, 256, 256, 2.0f, UPS_COORD_HALF_PIXEL)},
    {"feat64-128px-1.5x", "non-integer scale_factor=1.5 bilinear half-pixel 1x64x128x128->192x192 "
     "(issue 4 shape)",
     BENCH_BILINEAR, BENCH_LAYOUT_BOTH, 0,
     BILINEAR(1, 64, 128, 128, 192, 192, 1.5f, UPS_COORD_HALF_PIXEL)},
    {"deeplabv3-os8-65px-8x-ac", "DeepLabv3 (TF, output stride 8, 513 input) logits "
     "resize_bilinear align_corners=True 1x21x65x65->513x513",
     BENCH_BILINEAR, BENCH_LAYOUT_NHWC, 0,
     BILINEAR(1, 21, 65, 65, 513, 513, 0.0f, UPS_COORD_ALIGN_CORNERS)},
    {"deeplabv3-os8-65px-8x", "torchvision DeepLabv3 (520 input) logits interpolate bilinear "
     "align_corners=False 1x21x65x65->520x520",
     BENCH_BILINEAR, BENCH_LAYOUT_NCHW, 0,
     BILINEAR(1, 21, 65, 65, 520, 520, 0.0f, UPS_COORD_HALF_PIXEL)},
    {"deeplabv3plus-129px-4x-ac", "DeepLabv3+ (TF, 513 input) decoder logits bilinear "
     "align_corners=True 1x21x129x129->513x513 (NCHW: issue 4 align_corners 4x shape)",
     BENCH_BILINEAR, BENCH_LAYOUT_BOTH, 0,
     BILINEAR(1, 21, 129, 129, 513, 513, 0.0f, UPS_COORD_ALIGN_CORNERS)},
    {"deeplabv3plus-128px-4x", "DeepLabv3+ (PyTorch, 512 input) decoder logits bilinear "
     "align_corners=False 1x21x128x128->512x512",
     BENCH_BILINEAR, BENCH_LAYOUT_NCHW, 0,
     BILINEAR(1, 21, 128, 128, 512, 512, 4.0f, UPS_COORD_HALF_PIXEL)},
    {"incache-l1-16px-2x", "in-L1 set: 1x4x16x16->32x32 half-pixel (20 KiB in+out)",
     BENCH_BILINEAR, BENCH_LAYOUT_BOTH, 1,
     BILINEAR(1, 4, 16, 16, 32, 32, 2.0f, UPS_COORD_HALF_PIXEL)},
    {"incache-l2-32px-2x", "in-L2 set: 1x16x32x32->64x64 half-pixel (320 KiB in+out)",
     BENCH_BILINEAR, BENCH_LAYOUT_BOTH, 0,
     BILINEAR(1, 16, 32, 32, 64, 64, 2.0f, UPS_COORD_HALF_PIXEL)},

    /* ------------------------------------------------------------- deconv */
    {"unet-28px-1024to512-k2s2", "U-Net up-conv 2x2 stride 2, 1024->512 ch on 28x28 -> 56x56, bias",
     BENCH_DECONV, BENCH_LAYOUT_BOTH, 0, DECONV(1024, 512, 28, 28, 2, 2, 0, 0, 0), 1},
    {"unet-64px-128to64-k2s2", "U-Net up-conv 2x2 stride 2, 128->64 ch on 64x64 -> 128x128, bias "
     "(issue 5 shape)",
     BENCH_DECONV, BENCH_LAYOUT_BOTH, 1, DECONV(128, 64, 64, 64, 2, 2, 0, 0, 0), 1},
    {"dcgan-8px-512to256-k4s2p1", "DCGAN generator ConvTranspose2d(512, 256, 4, 2, 1) 8x8 -> 16x16, "
     "no bias",
     BENCH_DECONV, BENCH_LAYOUT_BOTH, 0, DECONV(512, 256, 8, 8, 4, 2, 1, 1, 0), 0},
    {"dcgan-16px-256to128-k4s2p1", "DCGAN generator ConvTranspose2d(256, 128, 4, 2, 1) 16x16 -> "
     "32x32, no bias (issue 5 shape)",
     BENCH_DECONV, BENCH_LAYOUT_BOTH, 0, DECONV(256, 128, 16, 16, 4, 2, 1, 1, 0), 0},
    {"dcgan-64px-64to64-k4s2p1", "DCGAN-style ConvTranspose2d(64, 64, 4, 2, 1) 64x64 -> 128x128, "
     "no bias (issue 5 shape)",
     BENCH_DECONV, BENCH_LAYOUT_BOTH, 0, DECONV(64, 64, 64, 64, 4, 2, 1, 1, 0), 0},
    {"keras-same-64px-64to64-k3s2", "Keras Conv2DTranspose(64, 3, strides=2, padding='same') "
     "64x64 -> 128x128 (pads 0 top/left, 1 bottom/right), bias (issue 5 shape)",
     BENCH_DECONV, BENCH_LAYOUT_BOTH, 0, DECONV(64, 64, 64, 64, 3, 2, 0, 1, 0), 1},
    {"fcn8s-upscore-38px-21to21-k4s2", "FCN-8s upscore2/upscore_pool4 deconv 21->21 k4 s2 on 38x38 "
     "-> 78x78, no bias (issue 5 shape, where a 500x500 image gives 16x16 and 34x34)",
     BENCH_DECONV, BENCH_LAYOUT_BOTH, 0, DECONV(21, 21, 38, 38, 4, 2, 0, 0, 0), 0},
    {"fcn8s-upscore8-70px-21to21-k16s8", "FCN-8s upscore8 deconv 21->21 k16 s8 on 70x70 -> 568x568 "
     "(500x500 image, cropped after), no bias",
     BENCH_DECONV, BENCH_LAYOUT_NCHW, 0, DECONV(21, 21, 70, 70, 16, 8, 0, 0, 0), 0},
    {"fsrcnn-48px-56to1-k9s3", "FSRCNN x3 last layer deconv 56->1 k9 s3 pad 4 out_pad 2 on 48x48 "
     "-> 144x144, bias (issue 5 shape)",
     BENCH_DECONV, BENCH_LAYOUT_BOTH, 0, DECONV(56, 1, 48, 48, 9, 3, 4, 4, 2), 1},
    {"incache-l1-8px-16to16-k2s2", "in-L1 set: 16->16 ch k2 s2 on 8x8 -> 16x16 (24 KiB)",
     BENCH_DECONV, BENCH_LAYOUT_BOTH, 1, DECONV(16, 16, 8, 8, 2, 2, 0, 0, 0), 1},
};

size_t bench_workload_count(void) { return sizeof g_workloads / sizeof g_workloads[0]; }

const bench_workload *bench_workload_get(size_t i) {
  return i < bench_workload_count() ? &g_workloads[i] : NULL;
}

const char *bench_op_name(bench_op op) {
  switch (op) {
    case BENCH_NEAREST: return "nearest";
    case BENCH_BILINEAR: return "bilinear";
    case BENCH_DECONV: return "deconv";
  }
  return "unknown";
}

ups_resize_params bench_workload_resize(const bench_workload *w, ups_layout layout) {
  ups_resize_params p = w->resize;
  p.layout = layout;
  return p;
}

ups_deconv_params bench_workload_deconv(const bench_workload *w, ups_layout layout) {
  ups_deconv_params p = w->deconv;
  p.layout = layout;
  p.weight_layout = layout == UPS_NHWC ? UPS_W_HWOI : UPS_W_IOHW;
  return p;
}
