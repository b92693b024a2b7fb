/* main.c — an outside program that uses an INSTALLED upsimd: built by the
 * install-consumer test with find_package(upsimd) (shared and static) and with
 * pkg-config. One nearest, one bilinear and one deconv call, each checked
 * against values worked out by hand; exits non-zero on any mismatch. */
#include <stdio.h>
#include <string.h>

#include <upsimd.h>

static int failures;

static void check(const char *what, ups_status st, const float *got, const float *want,
                  size_t n) {
  if (st != UPS_OK) {
    printf("%-8s FAILED: %s\n", what, ups_status_string(st));
    failures++;
    return;
  }
  if (memcmp(got, want, n * sizeof *got) != 0) {
    printf("%-8s FAILED: values differ\n", what);
    for (size_t i = 0; i < n; i++) printf("  [%zu] got %g want %g\n", i, got[i], want[i]);
    failures++;
    return;
  }
  printf("%-8s ok:", what);
  for (size_t i = 0; i < n; i++) printf(" %g", got[i]);
  printf("\n");
}

int main(void) {
  printf("upsimd %d.%d.%d, variant %s\n", UPSIMD_VERSION_MAJOR, UPSIMD_VERSION_MINOR,
         UPSIMD_VERSION_PATCH, ups_isa_name(ups_isa_selected()));
  const float in[4] = {0, 1, 2, 3}; /* 1x1x2x2 */

  /* nearest 2x, PyTorch mode='nearest' */
  {
    ups_resize_params p = {0};
    p.n = p.c = 1;
    p.in_h = p.in_w = 2;
    p.out_h = p.out_w = 4;
    p.coord = UPS_COORD_ASYMMETRIC;
    p.round = UPS_ROUND_FLOOR;
    float out[16];
    const float want[16] = {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3};
    check("nearest", ups_resize_nearest_f32(&p, in, out), out, want, 16);
  }

  /* bilinear 2x2 -> 3x3, align_corners=True: exact halves */
  {
    ups_resize_params p = {0};
    p.n = p.c = 1;
    p.in_h = p.in_w = 2;
    p.out_h = p.out_w = 3;
    p.coord = UPS_COORD_ALIGN_CORNERS;
    float out[9];
    const float want[9] = {0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3};
    check("bilinear", ups_resize_bilinear_f32(&p, in, out), out, want, 9);
  }

  /* deconv k2 s2 (U-Net up-conv): each input pixel becomes a 2x2 block in*w + bias */
  {
    ups_deconv_params d = {0};
    d.n = d.in_c = d.out_c = 1;
    d.in_h = d.in_w = 2;
    d.kernel_h = d.kernel_w = 2;
    d.stride_h = d.stride_w = 2;
    const float w[4] = {1, 10, 100, 1000};
    const float bias = 0.5f;
    size_t oh = 0, ow = 0;
    if (ups_deconv_output_size(&d, &oh, &ow) != UPS_OK || oh != 4 || ow != 4) {
      printf("deconv   FAILED: output size %zux%zu, want 4x4\n", oh, ow);
      return 1;
    }
    float out[16];
    const float want[16] = {0.5f, 0.5f,   1.5f,   10.5f,   /* row 0 */
                            0.5f, 0.5f,   100.5f, 1000.5f, /* row 1 */
                            2.5f, 20.5f,  3.5f,   30.5f,   /* row 2 */
                            200.5f, 2000.5f, 300.5f, 3000.5f};
    check("deconv", ups_deconv_f32(&d, in, w, &bias, out), out, want, 16);
  }

  printf("%s\n", failures ? "consumer: FAILED" : "consumer: all ok");
  return failures ? 1 : 0;
}
