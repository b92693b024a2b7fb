/* test_bench_counters.c — the work accounting behind the benchmarks' counters
 * (bench/counters.c), against numbers computed by hand. */
#include <math.h>
#include <stdio.h>

#include <string.h>

#include "counters.h"
#include "harness.h"

static int g_failed_checks;
#define EXPECT_EQ(got, want)                                                              \
  do {                                                                                    \
    const double g_ = (got), w_ = (want);                                                 \
    if (fabs(g_ - w_) > 1e-9 * fabs(w_)) {                                                \
      fprintf(stderr, "%s:%d: FAILED: %s = %.17g, want %.17g\n", __FILE__, __LINE__, #got, \
              g_, w_);                                                                    \
      g_failed_checks++;                                                                  \
    }                                                                                     \
  } while (0)

int main(void) {
  /* Nearest 2x, 1x256x20x20 -> 40x40: 409600 outputs; bytes 4*(102400+409600). */
  {
    ups_resize_params p = {0};
    p.n = 1, p.c = 256, p.in_h = 20, p.in_w = 20, p.out_h = 40, p.out_w = 40;
    bench_work w;
    EXPECT_EQ(bench_resize_work(&p, &w), 0);
    EXPECT_EQ(w.items, 409600);
    EXPECT_EQ(w.read_bytes, 409600);
    EXPECT_EQ(w.write_bytes, 1638400);
    EXPECT_EQ(w.flops, 0);
  }
  /* Derived output: 2x3x10x7 at scale 1.5 -> floor(15) x floor(10.5) = 15x10. */
  {
    ups_resize_params p = {0};
    p.n = 2, p.c = 3, p.in_h = 10, p.in_w = 7, p.scale_h = 1.5f, p.scale_w = 1.5f;
    bench_work w;
    EXPECT_EQ(bench_resize_work(&p, &w), 0);
    EXPECT_EQ(w.items, 2 * 3 * 15 * 10);
    EXPECT_EQ(w.read_bytes, 4.0 * 2 * 3 * 10 * 7);
  }
  /* Axis taps with stride > kernel and pads: in 4, k 2, s 3, pad_begin 1,
   * out = (4-1)*3 - 1 - 1 + 2 = 9 (pad_end 1). Positions i*3 + k - 1:
   * k=0: -1 (out), 2, 5, 8 -> 3;  k=1: 0, 3, 6, 9 (out: 9 >= 9) -> 3. Total 6. */
  EXPECT_EQ(bench_deconv_axis_taps(4, 2, 3, 1, 1, 9), 6);
  /* Dilation 2, k 3, s 1, in 3, pad_begin 2, out = 2 - 2 - 2 + 4 + 1 = 3:
   * positions i + 2k - 2: k=0: -2,-1,0 -> 1; k=1: 0,1,2 -> 3; k=2: 2,3,4 -> 1. */
  EXPECT_EQ(bench_deconv_axis_taps(3, 3, 1, 2, 2, 3), 5);
  /* Every tap inside: U-Net k2 s2 on 28 -> 56: 2*28 taps per axis. */
  EXPECT_EQ(bench_deconv_axis_taps(28, 2, 2, 1, 0, 56), 56);

  /* A deconvolution with pads and stride > kernel, groups and bias:
   * n 2, in_c 4, out_c 6, groups 2 (ic_g 2, oc_g 3), 4x5 input, k 2x2, s 3x3,
   * pads t1 l0 b1 r2, out_pad 0 -> out_h = 3*3 - 2 + 2 = 9, out_w = 12 - 2 + 2 = 12.
   * Taps h: as above, 6. Taps w (in 5, pad_begin 0, out 12): k=0: 0,3,6,9,12(out)
   * -> 4; k=1: 1,4,7,10,13(out) -> 4: 8.
   * MACs = n * in_c * oc_g * taps_h * taps_w = 2*4*3*6*8 = 1152; FLOPs 2304.
   * Bytes: in 2*4*4*5 = 160, weights 4*3*2*2 = 48, bias 6 -> read 214 floats;
   * out 2*6*9*12 = 1296 floats. */
  {
    ups_deconv_params p = {0};
    p.n = 2, p.in_c = 4, p.out_c = 6, p.groups = 2, p.in_h = 4, p.in_w = 5;
    p.kernel_h = 2, p.kernel_w = 2, p.stride_h = 3, p.stride_w = 3;
    p.pad_top = 1, p.pad_bottom = 1, p.pad_left = 0, p.pad_right = 2;
    size_t oh = 0, ow = 0;
    EXPECT_EQ(ups_deconv_output_size(&p, &oh, &ow), UPS_OK);
    EXPECT_EQ(oh, 9);
    EXPECT_EQ(ow, 12);
    EXPECT_EQ(bench_deconv_useful_macs(&p), 1152);
    bench_work w;
    EXPECT_EQ(bench_deconv_work(&p, 1, &w), 0);
    EXPECT_EQ(w.flops, 2304);
    EXPECT_EQ(w.items, 1296);
    EXPECT_EQ(w.read_bytes, 4.0 * 214);
    EXPECT_EQ(w.write_bytes, 4.0 * 1296);
    EXPECT_EQ(bench_deconv_work(&p, 0, &w), 0);
    EXPECT_EQ(w.read_bytes, 4.0 * 208);
  }
  /* DCGAN k4 s2 p1 on 8x8, 512 -> 256: out 16x16. Per axis, k=0: 2i-1 in
   * [0,16) for i=1..7 -> 7; k=1: 2i -> 8; k=2: 2i+1 -> 8; k=3: 2i+2 -> 7
   * (i=7 gives 16): 30 taps. MACs = 512*256*30*30. */
  {
    ups_deconv_params p = {0};
    p.n = 1, p.in_c = 512, p.out_c = 256, p.in_h = 8, p.in_w = 8, p.kernel_h = 4;
    p.kernel_w = 4, p.stride_h = 2, p.stride_w = 2;
    p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
    EXPECT_EQ(bench_deconv_useful_macs(&p), 512.0 * 256 * 30 * 30);
  }
  /* Invalid problems are refused. */
  {
    ups_deconv_params p = {0};
    bench_work w;
    EXPECT_EQ(bench_deconv_work(&p, 0, &w) != 0, 1);
    ups_resize_params r = {0};
    EXPECT_EQ(bench_resize_work(&r, &w) != 0, 1);
  }
  /* The workload table: every entry valid in each of its layouts, names unique
   * per operator, labels free of ';' (the report splits labels there). */
  /* Upconv, nearest 2x then 3x3 pad 1, 2->3 ch on 4x5 -> 8x10 (groups 1):
   * two-step taps per axis: outputs y in [0, 8), tap k reads u[y - 1 + k],
   * inside [0, 8): k=0 misses y=0, k=2 misses y=7 -> 3*8 - 2 = 22; w: 3*10 - 2
   * = 28. Two-step MACs = 3*2*22*28 = 3696. Fused: each output phase sums the
   * taps onto 2 distinct input rows per axis (a 2-tap transposed kernel at
   * stride 2), minus those outside the input at the borders: per axis
   * 2*out - 2 (the first and last row lose one) = 14 (h), 18 (w):
   * 3*2*14*18 = 1512. Bytes: in 40, weights 54, bias 3; out 240 floats. */
  {
    ups_upconv_params p = {0};
    p.n = 1, p.in_c = 2, p.out_c = 3, p.in_h = 4, p.in_w = 5, p.factor_h = p.factor_w = 2;
    p.kernel_h = p.kernel_w = 3, p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
    bench_work w;
    EXPECT_EQ(bench_upconv_work(&p, 1, &w), 0);
    EXPECT_EQ(bench_upconv_twostep_macs(&p), 3696);
    EXPECT_EQ(bench_upconv_fused_macs(&p), 1512);
    EXPECT_EQ(w.flops, 2 * 1512);
    EXPECT_EQ(w.items, 240);
    EXPECT_EQ(w.read_bytes, 4.0 * (40 + 54 + 3));
    EXPECT_EQ(w.write_bytes, 4.0 * 240);
    EXPECT_EQ(bench_upconv_weight_elems(&p), 54);
    p.in_c = 0;
    EXPECT_EQ(bench_upconv_work(&p, 1, &w) != 0, 1);
  }
  for (size_t i = 0; i < bench_workload_count(); i++) {
    const bench_workload *w = bench_workload_get(i);
    const bench_problem wp = bench_workload_problem(w, UPS_NCHW);
    EXPECT_EQ(strchr(w->about, ';') == NULL, 1);
    for (size_t j = 0; j < i; j++) {
      const bench_workload *o = bench_workload_get(j);
      EXPECT_EQ(bench_workload_problem(o, UPS_NCHW).op == wp.op && strcmp(o->name, w->name) == 0,
                0);
    }
    for (int l = 0; l < 2; l++) {
      if (!(w->layouts & (l ? BENCH_LAYOUT_NHWC : BENCH_LAYOUT_NCHW))) continue;
      bench_work work;
      const bench_problem p = bench_workload_problem(w, l ? UPS_NHWC : UPS_NCHW);
      if (p.op == BENCH_DECONV) EXPECT_EQ(bench_deconv_work(&p.deconv, p.bias, &work), 0);
      else if (p.op == BENCH_UPCONV) EXPECT_EQ(bench_upconv_work(&p.upconv, p.bias, &work), 0);
      else EXPECT_EQ(bench_resize_work(&p.resize, &work), 0);
    }
    /* The issue-5 shapes produce the sizes their frameworks do. */
    size_t oh = 0, ow = 0;
    if (strcmp(w->name, "keras-same-64px-64to64-k3s2") == 0) {
      EXPECT_EQ(ups_deconv_output_size(&wp.deconv, &oh, &ow), UPS_OK);
      EXPECT_EQ(oh, 128);
      EXPECT_EQ(ow, 128);
    }
    if (strcmp(w->name, "fsrcnn-48px-56to1-k9s3") == 0) {
      EXPECT_EQ(ups_deconv_output_size(&wp.deconv, &oh, &ow), UPS_OK);
      EXPECT_EQ(oh, 144);
    }
    if (strcmp(w->name, "fcn8s-upscore8-70px-21to21-k16s8") == 0) {
      EXPECT_EQ(ups_deconv_output_size(&wp.deconv, &oh, &ow), UPS_OK);
      EXPECT_EQ(oh, 568);
    }
  }
  if (g_failed_checks) {
    fprintf(stderr, "test_bench_counters: %d check(s) failed\n", g_failed_checks);
    return 1;
  }
  printf("test_bench_counters: ok\n");
  return 0;
}
