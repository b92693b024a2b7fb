/* README example: a decoder step, nearest 2x then a 2x2/s2 transposed conv. */
#include <stdio.h>
#include <stdlib.h>
#include <upsimd.h>

int main(void) {
  /* x: N=1, C=2, 2x2, NCHW.  PyTorch: F.interpolate(x, scale_factor=2) */
  const float x[8] = {1, 2, 3, 4, /* channel 0 */ 5, 6, 7, 8 /* channel 1 */};
  ups_resize_params rp = {0}; /* zero = defaults; out_h = out_w = 0: from scale */
  rp.n = 1, rp.c = 2, rp.in_h = 2, rp.in_w = 2;
  rp.scale_h = rp.scale_w = 2.0f;
  rp.coord = UPS_COORD_ASYMMETRIC; /* PyTorch mode='nearest' */
  rp.round = UPS_ROUND_FLOOR;
  size_t uh, uw;
  ups_status st = ups_resize_output_size(&rp, &uh, &uw); /* 4x4 */
  float *up = st == UPS_OK ? malloc(2 * uh * uw * sizeof *up) : NULL;
  if (st == UPS_OK) st = up ? ups_resize_nearest_f32(&rp, x, up) : UPS_ERR_NOMEM;
  if (st != UPS_OK) {
    fprintf(stderr, "resize: %s\n", ups_status_string(st));
    return 1;
  }

  /* PyTorch: nn.ConvTranspose2d(2, 1, kernel_size=2, stride=2), weight IOHW */
  const float w[8] = {1, 1, 1, 1, /* in 0 */ 0.5f, 0.5f, 0.5f, 0.5f /* in 1 */};
  const float bias[1] = {0.25f};
  ups_deconv_params dp = {0};
  dp.n = 1, dp.in_c = 2, dp.in_h = uh, dp.in_w = uw, dp.out_c = 1;
  dp.kernel_h = dp.kernel_w = 2;
  dp.stride_h = dp.stride_w = 2;
  size_t oh, ow;
  st = ups_deconv_output_size(&dp, &oh, &ow); /* 8x8 */
  float *y = st == UPS_OK ? malloc(oh * ow * sizeof *y) : NULL;
  if (st == UPS_OK) st = y ? ups_deconv_f32(&dp, up, w, bias, y) : UPS_ERR_NOMEM;
  if (st != UPS_OK) {
    fprintf(stderr, "deconv: %s\n", ups_status_string(st));
    return 1;
  }

  /* y[0][0] = 1*1 + 5*0.5 + 0.25; y[7][7] = 4*1 + 8*0.5 + 0.25 */
  printf("variant %s: %zux%zu -> %zux%zu, y[0][0] = %g, y[7][7] = %g\n",
         ups_isa_name(ups_isa_selected()), uh, uw, oh, ow, y[0], y[oh * ow - 1]);
  const int ok = oh == 8 && ow == 8 && y[0] == 3.75f && y[oh * ow - 1] == 8.25f;
  free(up);
  free(y);
  return ok ? 0 : 1;
}
