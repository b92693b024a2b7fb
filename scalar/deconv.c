/* deconv.c — scalar reference of strided transposed convolution, written as
 * the definition: every input pixel scatters input * weight into the output
 * pixels its taps land on (no kernel flip), after the output is set to the
 * bias. The scalar plan holds the canonical weights followed by the bias. */
#include "../kernels/kernel.h"

/* Offset of element (n, channel, y, x) in an activation tensor. */
static size_t act_offset(const ups_deconv_geom *g, size_t channels, size_t h, size_t w,
                         size_t n, size_t ch, size_t y, size_t x) {
  return g->nhwc ? ((n * h + y) * w + x) * channels + ch : ((n * channels + ch) * h + y) * w + x;
}

/* Output rows [Y0, Y1) of the range's bands; only input rows that reach them
 * are visited (the others add nothing there), so every output sums the same
 * terms in the same order whatever the range. */
void ups_deconv_reference(const ups_deconv_geom *g, const float *w, const float *bias,
                          const float *in, float *out, const ups_range *r) {
  const size_t in_c = g->groups * g->ic_g, out_c = g->groups * g->oc_g;
  const size_t Y0 = r->y0 * g->sh, Y1 = r->y1 * g->sh < g->out_h ? r->y1 * g->sh : g->out_h;
  const ptrdiff_t sh = (ptrdiff_t)g->sh, pt = (ptrdiff_t)g->pad_top;
  ptrdiff_t lo = (ptrdiff_t)Y0 + pt - (ptrdiff_t)((g->kh - 1) * g->dh);
  lo = lo <= 0 ? 0 : (lo + sh - 1) / sh;
  ptrdiff_t hi = ((ptrdiff_t)Y1 - 1 + pt) / sh + 1;
  if (hi > (ptrdiff_t)g->in_h) hi = (ptrdiff_t)g->in_h;
  for (size_t n = r->n0; n < r->n1; n++)
    for (size_t grp = r->c0; grp < r->c1; grp++) {
      for (size_t oc = grp * g->oc_g; oc < (grp + 1) * g->oc_g; oc++)
        for (size_t y = Y0; y < Y1; y++)
          for (size_t x = 0; x < g->out_w; x++)
            out[act_offset(g, out_c, g->out_h, g->out_w, n, oc, y, x)] = bias ? bias[oc] : 0.0f;
      for (size_t ic = 0; ic < g->ic_g; ic++) {
        const size_t ci = grp * g->ic_g + ic;
        for (ptrdiff_t iy = lo; iy < hi; iy++)
          for (size_t ix = 0; ix < g->in_w; ix++) {
            const float v = in[act_offset(g, in_c, g->in_h, g->in_w, n, ci, (size_t)iy, ix)];
            for (size_t oc = 0; oc < g->oc_g; oc++) {
              const size_t co = grp * g->oc_g + oc;
              const float *wk = w + (ci * g->oc_g + oc) * g->kh * g->kw;
              for (size_t ky = 0; ky < g->kh; ky++) {
                const ptrdiff_t oy = iy * sh + (ptrdiff_t)(ky * g->dh) - pt;
                if (oy < (ptrdiff_t)Y0 || oy >= (ptrdiff_t)Y1) continue;
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

void ups_deconv_run_scalar(const ups_deconv_plan_data *d, const float *in, float *out,
                           const ups_range *r) {
  ups_deconv_reference(&d->g, d->w, d->g.has_bias ? d->bias : NULL, in, out, r);
}
