/* test_smoke.c — the README's examples through the public API, every variant. */
#include <string.h>

#include "testutil.h"

int main(void) {
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int k = 0; k < ni; k++) {
    const float in[4] = {1, 2, 3, 4};
    float out[16];
    ups_resize_params p = {0};
    p.n = p.c = 1;
    p.in_h = p.in_w = 2;
    p.out_h = p.out_w = 4;
    p.coord = UPS_COORD_ASYMMETRIC;
    p.round = UPS_ROUND_FLOOR;
    p.isa = isas[k];
    TU_EXPECT(ups_resize_nearest_f32(&p, in, out) == UPS_OK, "nearest %s", ups_isa_name(isas[k]));
    const float want[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
    TU_EXPECT(memcmp(out, want, sizeof want) == 0, "nearest 2x values (%s)", ups_isa_name(isas[k]));

    ups_deconv_params d = {0};
    d.n = d.in_c = d.out_c = 1;
    d.in_h = d.in_w = 2;
    d.kernel_h = d.kernel_w = 1;
    d.stride_h = d.stride_w = 2;
    d.out_pad_h = d.out_pad_w = 1;
    d.isa = isas[k];
    const float w = 1.0f;
    TU_EXPECT(ups_deconv_f32(&d, in, &w, NULL, out) == UPS_OK, "deconv");
    const float dwant[16] = {1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0};
    TU_EXPECT(memcmp(out, dwant, sizeof dwant) == 0, "deconv 1x1 s2 values (%s)",
              ups_isa_name(isas[k]));
  }
  return tu_finish("smoke");
}
