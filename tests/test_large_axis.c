/* test_large_axis.c — align_corners on an axis longer than 2^24 elements,
 * every supported variant, nearest (every rounding) and bilinear, both
 * layouts. From 2^24 on, (float)(in-1) can round up to in (in = 2^24+4:
 * 2^24+3 is a tie that rounds to the even 2^24+4), so the last output's
 * source coordinate x*(in-1)/(out-1) comes out as `in`, one past the last
 * input; only the tables' clamp to in-1 keeps the kernels inside the input.
 * The input (64 MiB) ends flush against a PROT_NONE page, so a read one
 * element past it faults; the output is small. */
#include <math.h>
#include <string.h>

#include "testutil.h"

int main(void) {
  const size_t in_w = ((size_t)1 << 24) + 4;
  TU_EXPECT((float)(in_w - 1) == (float)in_w, "(float)(in-1) rounds up to in");
  tu_guarded g;
  float *in = tu_guarded_alloc(&g, in_w * sizeof(float), 1);
  TU_EXPECT(in != NULL, "64 MiB guarded input");
  if (!in) return tu_finish("large_axis");
  /* The mapping is zero-filled: only the ends matter. */
  in[0] = 1.0f;
  in[1] = 5.0f;
  in[in_w - 2] = 3.0f;
  in[in_w - 1] = 2.0f;

  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int k = 0; k < ni; k++) {
    const char *isa = ups_isa_name(isas[k]);
    for (int lay = 0; lay < 2; lay++) {
      ups_resize_params p = {0};
      p.n = p.c = p.in_h = p.out_h = 1;
      p.in_w = in_w;
      p.layout = lay ? UPS_NHWC : UPS_NCHW; /* c = 1: the same memory */
      p.coord = UPS_COORD_ALIGN_CORNERS;
      p.isa = isas[k];
      for (size_t ow = 2; ow <= 3; ow++) {
        p.out_w = ow;
        float out[4];
        tu_fill_nan(out, 4);
        ups_status st = ups_resize_bilinear_f32(&p, in, out);
        TU_EXPECT(st == UPS_OK && out[0] == 1.0f && out[ow - 1] == 2.0f && isnan(out[ow]),
                  "bilinear align_corners 1x%zu -> 1x%zu [%s %s]: %s, %g .. %g", in_w, ow, isa,
                  lay ? "nhwc" : "nchw", ups_status_string(st), out[0], out[ow - 1]);
        ups_check_result r;
        TU_EXPECT(st == UPS_OK && ups_check_bilinear(&p, in, out, &r) == UPS_OK && r.failures == 0,
                  "bilinear align_corners against the reference [%s]", isa);
        for (int rnd = UPS_ROUND_PREFER_FLOOR; rnd <= UPS_ROUND_CEIL; rnd++) {
          p.round = (ups_round)rnd;
          tu_fill_nan(out, 4);
          st = ups_resize_nearest_f32(&p, in, out);
          TU_EXPECT(st == UPS_OK && out[0] == 1.0f && out[ow - 1] == 2.0f && isnan(out[ow]),
                    "nearest align_corners round %d 1x%zu -> 1x%zu [%s %s]: %s, %g .. %g", rnd,
                    in_w, ow, isa, lay ? "nhwc" : "nchw", ups_status_string(st), out[0],
                    out[ow - 1]);
        }
        p.round = UPS_ROUND_PREFER_FLOOR;
      }
    }
  }
  tu_guarded_free(&g);
  return tu_finish("large_axis");
}
