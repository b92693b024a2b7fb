/* test_deconv_pack.c — the deconvolution weight packer (kernels/deconv_plan.c)
 * against a plain reference packer written from the layout's definition (one
 * element at a time, phase by phase), for vector widths 4, 8 and 16 (NEON,
 * AVX2, AVX-512: a width needs no kernels to be packed for) over a seeded
 * random sweep of shapes, from IOHW and from HWOI weights: NCHW tiles,
 * merged phases, NHWC tiles and dot products, groups, strides above the kernel, outputs smaller than the
 * stride (taps in no phase), kernels larger than the packer's stack tables
 * and chunks, non-finite weights. Both buffers start as the same sentinel
 * bytes, so the packed layout (holes included), the bias and the plan fields
 * the packer sets must all agree. */
#define _POSIX_C_SOURCE 200112L /* posix_memalign */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "deconv_geom.h"
#include "testutil.h"

static int g_cases = 0;

/* The reference: the layout of kernel.h, ups_deconv_plan_data, written out. */
static void ref_pack(const ups_deconv_plan_data *d, const float *w, const float *bias, float *p,
                     int *finite) {
  const ups_deconv_geom *g = &d->g;
  const size_t oc = g->oc_g, icg = g->ic_g, kk = g->kh * g->kw, V = d->lanes;
  const size_t we = g->groups * icg * oc * kk;
  *finite = 1;
  for (size_t i = 0; i < we; i++) *finite &= isfinite(w[i]) != 0;
  const size_t bf = (g->groups * d->ocpad + 15) & ~(size_t)15;
  for (size_t i = 0; i < bf; i++) p[i] = 0.0f;
  for (size_t grp = 0; grp < g->groups; grp++)
    for (size_t o = 0; o < oc; o++)
      for (size_t l = 0; l < (d->merge ? 4 : 1); l++)
        p[grp * d->ocpad + o + l] = bias ? bias[grp * oc + o] : 0.0f;
  float *q = p + bf;
  const size_t nph = ups_n_phases(g->sh, g->out_h), npw = ups_n_phases(g->sw, g->out_w);
  for (size_t grp = 0; grp < g->groups; grp++) {
    const float *wg = w + grp * icg * oc * kk;
    for (size_t ry = 0; ry < nph; ry++) {
      ups_axis_phase ay;
      ups_phase_y(g, ry, &ay);
      for (size_t rx = 0; rx < npw; rx++) {
        ups_axis_phase ax;
        ups_phase_x(g, rx, &ax);
        if (d->nhwc_dot) {
          for (size_t o = 0; o < oc; o++)
            for (ptrdiff_t ty = 0; ty < ay.n; ty++)
              for (ptrdiff_t tx = 0; tx < ax.n; tx++)
                for (size_t c = 0; c < d->icpad; c++) {
                  const size_t ky = (size_t)(ay.k0 + ty * ay.step);
                  const size_t kx = (size_t)(ax.k0 + tx * ax.step);
                  *q++ = c < icg ? wg[(c * oc + o) * kk + ky * g->kw + kx] : 0.0f;
                }
          continue;
        }
        for (size_t oc0 = 0; oc0 < d->ocpad;) {
          const size_t T = g->nhwc ? ups_nhwc_tile_w(oc - oc0, V) : 4;
          for (ptrdiff_t ty = 0; ty < ay.n; ty++)
            for (ptrdiff_t tx = 0; tx < ax.n; tx++)
              for (size_t c = 0; c < icg; c++)
                for (size_t l = 0; l < T; l++) {
                  const size_t ky = (size_t)(ay.k0 + ty * ay.step);
                  const size_t kx = (size_t)(ax.k0 + tx * ax.step);
                  *q++ = oc0 + l < oc ? wg[(c * oc + oc0 + l) * kk + ky * g->kw + kx] : 0.0f;
                }
          oc0 += T;
        }
      }
    }
  }
  if (!d->merge) return;
  for (size_t grp = 0; grp < g->groups; grp++) {
    const float *wg = w + grp * icg * kk;
    for (size_t ry = 0; ry < nph; ry++) {
      ups_axis_phase ay;
      ups_phase_y(g, ry, &ay);
      size_t m = 1;
      for (size_t rx0 = 0; rx0 < npw; rx0 += m) {
        m = ups_merge_len(g, rx0, npw);
        ups_axis_phase ax[4];
        for (size_t l = 0; l < m; l++) ups_phase_x(g, rx0 + l, &ax[l]);
        float *blk = q;
        for (ptrdiff_t ty = 0; ty < ay.n; ty++)
          for (ptrdiff_t tx = 0; tx < ax[0].n; tx++)
            for (size_t c = 0; c < icg; c++)
              for (size_t l = 0; l < 4; l++) {
                const size_t ky = (size_t)(ay.k0 + ty * ay.step);
                *blk++ = l < m ? wg[c * kk + ky * g->kw + (size_t)(ax[l].k0 + tx * ax[l].step)]
                               : 0.0f;
              }
        for (size_t l = 0; l < m; l++) q += (size_t)(ay.n * ax[l].n) * icg * 4;
      }
    }
  }
}

static const char *desc(const ups_deconv_params *p, size_t lanes, int hwoi) {
  static char buf[256];
  snprintf(buf, sizeof buf,
           "lanes %zu %s %s ic%zu oc%zu g%zu %zux%zu k%zux%zu s%zux%zu d%zux%zu p%zu,%zu,%zu,%zu "
           "op%zu,%zu",
           lanes, p->layout == UPS_NHWC ? "NHWC" : "NCHW", hwoi ? "HWOI" : "IOHW", p->in_c, p->out_c, p->groups, p->in_h,
           p->in_w, p->kernel_h, p->kernel_w, p->stride_h, p->stride_w, p->dilation_h,
           p->dilation_w, p->pad_top, p->pad_left, p->pad_bottom, p->pad_right, p->out_pad_h,
           p->out_pad_w);
  return buf;
}

/* Packs p's geometry at every width both ways and compares. 0: invalid. */
static int run_case(tu_rng *r, const ups_deconv_params *p) {
  ups_deconv_shape s;
  if (ups_deconv_validate(p, &s) != UPS_OK || s.w_elems > (1u << 22)) return 0;
  float *w = malloc(s.w_elems * sizeof *w), *b = malloc(s.bias_elems * sizeof *b);
  TU_EXPECT(w && b, "alloc");
  if (!w || !b) {
    free(w);
    free(b);
    return 0;
  }
  tu_fill(r, w, s.w_elems, -1.0f, 1.0f);
  tu_fill(r, b, s.bias_elems, -1.0f, 1.0f);
  const size_t nonfinite = tu_range(r, 0, 5);
  const float bad_vals[3] = {INFINITY, -INFINITY, NAN};
  if (nonfinite < 2) w[tu_range(r, 0, s.w_elems - 1)] = bad_vals[tu_range(r, 0, 2)];
  const float *bias = tu_range(r, 0, 1) ? b : NULL;
  /* the same weights in HWOI: [kh][kw][oc_g][in_c] from [in_c][oc_g][kh][kw] */
  const ups_deconv_geom *g = &s.geom;
  const size_t in_c = g->groups * g->ic_g, kk = g->kh * g->kw;
  float *wh = malloc(s.w_elems * sizeof *wh);
  TU_EXPECT(wh != NULL, "alloc");
  if (!wh) {
    free(w);
    free(b);
    return 0;
  }
  for (size_t i = 0; i < in_c; i++)
    for (size_t o = 0; o < g->oc_g; o++)
      for (size_t k = 0; k < kk; k++) wh[(k * g->oc_g + o) * in_c + i] = w[(i * g->oc_g + o) * kk + k];
  static const size_t widths[] = {4, 8, 16};
  for (size_t i = 0; i < TU_COUNT(widths); i++) {
    const ups_deconv_isa isa = {widths[i]};
    const ups_deconv_ops ops = {&isa, NULL};
    ups_deconv_plan_data d, e;
    if (!ups_deconv_plan_choose(&s.geom, &ops, &d)) continue;
    const size_t bytes = ups_deconv_plan_bytes(&d);
    if (bytes > ((size_t)64 << 20)) continue;
    e = d;
    float *got = NULL, *want = NULL;
    if (posix_memalign((void **)&got, 64, bytes + 64) || posix_memalign((void **)&want, 64, bytes + 64)) {
      TU_EXPECT(0, "alloc %zu", bytes);
      free(got);
      free(want);
      continue;
    }
    memset(want, 0xa5, bytes + 64);
    int finite;
    ref_pack(&e, w, bias, want, &finite);
    for (int hwoi = 0; hwoi < 2; hwoi++) {
      d = e;
      memset(got, 0xa5, bytes + 64);
      TU_EXPECT(ups_deconv_plan_pack(&d, hwoi ? wh : w, hwoi, bias, got), "%s: pack failed",
                desc(p, widths[i], hwoi));
      size_t first = bytes + 64;
      for (size_t k = 0; k < bytes + 64 && first == bytes + 64; k++)
        if (((unsigned char *)got)[k] != ((unsigned char *)want)[k]) first = k;
      TU_EXPECT(first == bytes + 64, "%s: packed bytes differ first at float %zu of %zu (got %g want %g)",
                desc(p, widths[i], hwoi), first / 4, bytes / 4,
                first < bytes ? (double)got[first / 4] : 0.0,
                first < bytes ? (double)want[first / 4] : 0.0);
      /* finiteness is known where drivers read it: NCHW off the GEMM path */
      const int want_finite = !s.geom.nhwc && d.path != UPS_DECONV_GEMM && finite;
      TU_EXPECT(d.finite == want_finite, "%s: finite %d, want %d", desc(p, widths[i], hwoi),
                d.finite, want_finite);
      TU_EXPECT(d.bias == got && (size_t)(d.w - got) ==
                                     ((e.ocpad * s.geom.groups + 15) & ~(size_t)15),
                "%s: bias/weights pointers", desc(p, widths[i], hwoi));
    }
    free(got);
    free(want);
  }
  free(w);
  free(wh);
  free(b);
  g_cases++;
  return 1;
}

static size_t pick_ch(tu_rng *r) {
  static const size_t common[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 21, 24, 31, 32, 33, 48, 49, 64, 65};
  return tu_range(r, 0, 3) == 0 ? tu_range(r, 1, 70) : TU_PICK(r, common);
}

static void random_case(tu_rng *r) {
  for (;;) {
    ups_deconv_params p = {0};
    p.layout = tu_range(r, 0, 1) ? UPS_NHWC : UPS_NCHW;
    p.n = 1;
    const size_t mode = tu_range(r, 0, 7);
    if (mode < 4) { /* dense */
      p.in_c = pick_ch(r);
      p.out_c = pick_ch(r);
    } else if (mode < 6) { /* one output channel (merged phases, NHWC dot) */
      p.groups = tu_range(r, 1, 3);
      p.in_c = p.groups * pick_ch(r);
      p.out_c = p.groups * tu_range(r, 1, 4);
      if (mode == 4) p.out_c = p.groups;
    } else { /* grouped, depthwise */
      p.groups = tu_range(r, 1, 6);
      p.in_c = p.groups * tu_range(r, 1, 9);
      p.out_c = p.groups * tu_range(r, 1, 9);
    }
    const size_t big = tu_range(r, 0, 15);
    if (big == 0) { /* past the stack tables (64 taps per axis) and chunks (256) */
      p.kernel_h = tu_range(r, 1, 3);
      p.kernel_w = tu_range(r, 60, 140);
    } else if (big == 1) {
      p.kernel_h = p.kernel_w = tu_range(r, 15, 19);
    } else {
      p.kernel_h = tu_range(r, 1, 9);
      p.kernel_w = tu_range(r, 0, 2) ? p.kernel_h : tu_range(r, 1, 9);
    }
    p.stride_h = tu_range(r, 1, 9);
    p.stride_w = tu_range(r, 0, 2) ? p.stride_h : tu_range(r, 1, 9);
    p.dilation_h = tu_range(r, 0, 4) ? 1 : tu_range(r, 2, 3);
    p.dilation_w = tu_range(r, 0, 4) ? p.dilation_h : tu_range(r, 1, 3);
    p.in_h = tu_range(r, 1, 6);
    p.in_w = tu_range(r, 1, 6);
    p.pad_top = tu_range(r, 0, 4);
    p.pad_left = tu_range(r, 0, 4);
    p.pad_bottom = tu_range(r, 0, 4);
    p.pad_right = tu_range(r, 0, 4);
    if (tu_range(r, 0, 3) == 0) { /* output smaller than the stride: taps in no phase */
      p.in_h = p.in_w = 1;
      p.kernel_h = tu_range(r, 2, 6);
      p.kernel_w = tu_range(r, 2, 6);
      p.stride_h = tu_range(r, 4, 12);
      p.stride_w = tu_range(r, 4, 12);
      p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 0;
      p.pad_bottom = tu_range(r, 0, 1);
    }
    p.out_pad_h = tu_range(r, 0, 2) ? 0 : tu_range(r, 0, p.stride_h - 1);
    p.out_pad_w = tu_range(r, 0, 2) ? 0 : tu_range(r, 0, p.stride_w - 1);
    if (run_case(r, &p)) return;
  }
}

int main(int argc, char **argv) {
  const size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : tu_small_scale() ? 300 : 1500;
  tu_rng r = {0x9ac4ed2026ull};
  for (size_t i = 0; i < n; i++) random_case(&r);
  printf("deconv pack: %d cases x 3 widths\n", g_cases);
  return tu_finish("deconv_pack");
}
