/* deconv.c — scalar reference of strided transposed convolution, written as
 * the definition: every input pixel scatters input * weight into the output
 * pixels its taps land on (no kernel flip), after the output is set to the
 * bias. The scalar "plan" is the canonical weights followed by the bias. */
#include <string.h>

#include "../kernels/kernel.h"

/* Offset of element (n, channel, y, x) in an activation tensor. */
static size_t act_offset(const ups_deconv_geom *g, size_t channels, size_t h, size_t w,
                         size_t n, size_t ch, size_t y, size_t x) {
  return g->nhwc ? ((n * h + y) * w + x) * channels + ch : ((n * channels + ch) * h + y) * w + x;
}

void ups_deconv_reference(const ups_deconv_geom *g, const float *w, const float *bias,
                          const float *in, float *out) {
  const size_t in_c = g->groups * g->ic_g, out_c = g->groups * g->oc_g;
  for (size_t n = 0; n < g->n; n++) {
    for (size_t oc = 0; oc < out_c; oc++)
      for (size_t y = 0; y < g->out_h; y++)
        for (size_t x = 0; x < g->out_w; x++)
          out[act_offset(g, out_c, g->out_h, g->out_w, n, oc, y, x)] = bias ? bias[oc] : 0.0f;

    for (size_t grp = 0; grp < g->groups; grp++)
      for (size_t ic = 0; ic < g->ic_g; ic++) {
        const size_t ci = grp * g->ic_g + ic;
        for (size_t iy = 0; iy < g->in_h; iy++)
          for (size_t ix = 0; ix < g->in_w; ix++) {
            const float v = in[act_offset(g, in_c, g->in_h, g->in_w, n, ci, iy, ix)];
            for (size_t oc = 0; oc < g->oc_g; oc++) {
              const size_t co = grp * g->oc_g + oc;
              const float *wk = w + (ci * g->oc_g + oc) * g->kh * g->kw;
              for (size_t ky = 0; ky < g->kh; ky++) {
                const ptrdiff_t oy = (ptrdiff_t)(iy * g->sh + ky * g->dh) - (ptrdiff_t)g->pad_top;
                if (oy < 0 || oy >= (ptrdiff_t)g->out_h) continue;
                for (size_t kx = 0; kx < g->kw; kx++) {
                  const ptrdiff_t ox =
                      (ptrdiff_t)(ix * g->sw + kx * g->dw) - (ptrdiff_t)g->pad_left;
                  if (ox < 0 || ox >= (ptrdiff_t)g->out_w) continue;
                  out[act_offset(g, out_c, g->out_h, g->out_w, n, co, (size_t)oy, (size_t)ox)] +=
                      v * wk[ky * g->kw + kx];
                }
              }
            }
          }
      }
  }
}

static size_t weight_elems(const ups_deconv_geom *g) {
  return g->groups * g->ic_g * g->oc_g * g->kh * g->kw;
}

size_t ups_deconv_packed_bytes_scalar(const ups_deconv_geom *g) {
  return (weight_elems(g) + g->groups * g->oc_g) * sizeof(float);
}

void ups_deconv_pack_scalar(const ups_deconv_geom *g, const float *w, const float *bias,
                            void *packed) {
  float *p = packed;
  const size_t we = weight_elems(g), out_c = g->groups * g->oc_g;
  memcpy(p, w, we * sizeof(float));
  if (bias)
    memcpy(p + we, bias, out_c * sizeof(float));
  else
    memset(p + we, 0, out_c * sizeof(float));
}

void ups_deconv_run_scalar(const ups_deconv_geom *g, const void *packed, const float *in,
                           float *out) {
  const float *p = packed;
  ups_deconv_reference(g, p, g->has_bias ? p + weight_elems(g) : NULL, in, out);
}
