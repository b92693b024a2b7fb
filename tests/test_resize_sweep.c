/* test_resize_sweep.c — every SIMD variant of nearest and bilinear resize
 * against the scalar reference over a seeded random sweep:
 * n 1-3, c 1-70, sizes 1-67 up and down (plus integer factors 2, 3, 4, 8 and
 * the half-pixel 2x pattern the fast paths take), every coordinate mode and
 * rounding, explicit scales, both layouts, input and output pointers offset by
 * every multiple of 4 bytes within 32, outputs pre-filled with NaN, a few
 * NaN/inf inputs. Buffers end flush against a guard page (a read or write past
 * the end faults) and the floats before the output must stay untouched.
 * Every case also runs through a resize plan (ups_resize_plan_create, two
 * runs), whose output must be the one-shot call's, bit for bit.
 * Usage: test_resize_sweep [cases-per-operator [seed]]. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct sweep_stats {
  size_t cases, elems;
  double worst;
} sweep_stats;

static size_t pick_out(tu_rng *r, size_t in, int *factor) {
  *factor = 0;
  switch (tu_range(r, 0, 3)) {
    case 0: { /* an integer factor */
      static const size_t f[4] = {2, 3, 4, 8};
      const size_t k = TU_PICK(r, f);
      *factor = (int)k;
      return in * k;
    }
    default:
      return tu_range(r, 1, 67);
  }
}

static size_t pick_in(tu_rng *r) {
  switch (tu_range(r, 0, 3)) {
    case 0:
      return tu_range(r, 1, 8);
    case 1:
      return tu_range(r, 9, 20);
    default:
      return tu_range(r, 1, 67);
  }
}

static size_t pick_c(tu_rng *r) {
  switch (tu_range(r, 0, 5)) {
    case 0:
      return 1;
    case 1:
      return tu_range(r, 2, 7);
    case 2:
      return 8 * tu_range(r, 1, 8);
    default:
      return tu_range(r, 1, 70);
  }
}

/* The same case through a plan (create, then two runs: a plan is reusable):
 * bit-identical to the one-shot call's output in `out` (already checked
 * against the reference), the floats before it untouched, every element
 * written (the buffer is NaN-filled again first). Leaves `out` as it was. */
static void plan_case(const ups_resize_params *p, int bilinear, const float *in, float *outb,
                      size_t out_off, size_t out_e, float *once) {
  float *out = outb + out_off;
  memcpy(once, out, out_e * sizeof *out);
  ups_resize_plan *plan = NULL;
  const ups_status cs =
      ups_resize_plan_create(p, bilinear ? UPS_OP_BILINEAR : UPS_OP_NEAREST, &plan);
  TU_EXPECT(cs == UPS_OK && ups_resize_plan_isa(plan) == p->isa, "plan create %s: %s",
            ups_isa_name(p->isa), ups_status_string(cs));
  if (cs != UPS_OK) return;
  for (int run = 0; run < 2; run++) {
    tu_fill_nan(outb, out_e + out_off);
    const ups_status rs = ups_resize_plan_run(plan, in, out);
    int before_ok = 1;
    for (size_t i = 0; i < out_off; i++) before_ok &= isnan(outb[i]) != 0;
    TU_EXPECT(rs == UPS_OK && before_ok && memcmp(out, once, out_e * sizeof *out) == 0,
              "plan run %d %s %s %s n%zu c%zu %zux%zu->%zux%zu scale %g,%g coord %d round %d: "
              "status %d, differs from the one-shot call (before_ok %d)",
              run, bilinear ? "bilinear" : "nearest", ups_isa_name(p->isa),
              p->layout == UPS_NHWC ? "nhwc" : "nchw", p->n, p->c, p->in_h, p->in_w, p->out_h,
              p->out_w, (double)p->scale_h, (double)p->scale_w, (int)p->coord, (int)p->round,
              (int)rs, before_ok);
  }
  ups_resize_plan_destroy(plan);
  memcpy(out, once, out_e * sizeof *out);
}

/* Runs one case on every variant, through the one-shot call and a plan; returns 0 when the parameters were invalid
 * (not counted). */
static int run_case(tu_rng *r, int bilinear, const ups_resize_params *base, int special,
                    sweep_stats *st) {
  ups_resize_params p = *base;
  size_t oh, ow;
  if (ups_resize_output_size(&p, &oh, &ow) != UPS_OK) return 0;
  const size_t in_e = p.n * p.c * p.in_h * p.in_w, out_e = p.n * p.c * oh * ow;
  const size_t in_off = tu_range(r, 0, 7), out_off = tu_range(r, 0, 7);

  tu_guarded gin, gout;
  float *inb = tu_guarded_alloc(&gin, (in_e + in_off) * sizeof(float), 1);
  float *outb = tu_guarded_alloc(&gout, (out_e + out_off) * sizeof(float), 1);
  TU_EXPECT(inb && outb, "guarded alloc");
  if (!inb || !outb) {
    tu_guarded_free(&gin), tu_guarded_free(&gout);
    return 0;
  }
  float *in = inb + in_off, *out = outb + out_off;
  /* Mostly [-1, 1]; sometimes huge, sometimes subnormal magnitudes. */
  const size_t mag = tu_range(r, 0, 19);
  const float hi = mag == 0 ? 1e30f : mag == 1 ? 1e-39f : 1.0f;
  tu_fill(r, inb, in_e + in_off, -hi, hi);
  if (special) {
    const size_t k = tu_range(r, 1, 4);
    for (size_t i = 0; i < k; i++) {
      const float v[3] = {NAN, INFINITY, -INFINITY};
      in[tu_range(r, 0, in_e - 1)] = v[tu_range(r, 0, 2)];
    }
  }

  float *once = malloc(out_e * sizeof *once); /* the one-shot call's output */
  TU_EXPECT(once != NULL, "alloc");
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int k = 0; once && k < ni; k++) {
    p.isa = isas[k];
    tu_fill_nan(outb, out_e + out_off);
    const ups_status s =
        bilinear ? ups_resize_bilinear_f32(&p, in, out) : ups_resize_nearest_f32(&p, in, out);
    TU_EXPECT(s == UPS_OK, "%s status %d", ups_isa_name(isas[k]), (int)s);
    if (s != UPS_OK) continue;
    int before_ok = 1;
    for (size_t i = 0; i < out_off; i++) before_ok &= isnan(outb[i]) != 0;
    ups_check_result cr;
    const ups_status cs =
        bilinear ? ups_check_bilinear(&p, in, out, &cr) : ups_check_nearest(&p, in, out, &cr);
    TU_EXPECT(cs == UPS_OK && cr.failures == 0 && before_ok,
              "%s %s %s n%zu c%zu %zux%zu->%zux%zu scale %g,%g coord %d round %d offs %zu/%zu: "
              "%zu failures, first at %zu got %g want %g, worst %g, before_ok %d",
              bilinear ? "bilinear" : "nearest", ups_isa_name(isas[k]),
              p.layout == UPS_NHWC ? "nhwc" : "nchw", p.n, p.c, p.in_h, p.in_w, oh, ow,
              (double)p.scale_h, (double)p.scale_w, (int)p.coord, (int)p.round, in_off, out_off,
              cr.failures, cr.first_bad, (double)cr.first_got, (double)cr.first_want, cr.worst,
              before_ok);
    if (cs == UPS_OK && cr.worst > st->worst && isfinite(cr.worst)) st->worst = cr.worst;
    st->elems += out_e;
    plan_case(&p, bilinear, in, outb, out_off, out_e, once);
  }
  st->cases++;
  free(once);
  tu_guarded_free(&gin);
  tu_guarded_free(&gout);
  return 1;
}

static void sweep(tu_rng *r, int bilinear, size_t cases) {
  sweep_stats st = {0, 0, 0.0};
  size_t done = 0, tries = 0;
  while (done < cases && tries < 4 * cases) {
    tries++;
    ups_resize_params p = {0};
    p.layout = tu_range(r, 0, 1) ? UPS_NHWC : UPS_NCHW;
    p.n = tu_range(r, 1, 3);
    p.c = pick_c(r);
    p.in_h = pick_in(r);
    p.in_w = pick_in(r);
    int fh, fw;
    p.out_h = pick_out(r, p.in_h, &fh);
    p.out_w = pick_out(r, p.in_w, &fw);
    p.coord = (ups_coord)tu_range(r, 0, bilinear ? 3 : 4);
    p.round = bilinear ? UPS_ROUND_PREFER_FLOOR : (ups_round)tu_range(r, 0, 3);
    if (tu_range(r, 0, 4) == 0) { /* explicit scales */
      p.scale_h = fh ? (float)fh : tu_uniform(r, 0.3f, 5.0f);
      p.scale_w = fw ? (float)fw : tu_uniform(r, 0.3f, 5.0f);
      if (tu_range(r, 0, 1)) p.out_h = 0; /* derived: floor(in*scale) */
      if (tu_range(r, 0, 1)) p.out_w = 0;
    }
    /* Keep the sweep inside its time budget: large planes with many channels
     * are rare. */
    size_t oh, ow;
    if (ups_resize_output_size(&p, &oh, &ow) != UPS_OK) continue;
    if (p.n * p.c * oh * ow > 600000) p.c = 1 + p.c % 8;
    done += (size_t)run_case(r, bilinear, &p, tu_range(r, 0, 29) == 0, &st);
  }
  TU_EXPECT(done == cases, "only %zu of %zu cases ran", done, cases);

  /* The benchmark's shapes (scaled down) and each fast path, both layouts. */
  static const size_t shapes[][5] = {
      /* c, in_h, in_w, out_h, out_w */
      {64, 32, 32, 64, 64},
      {16, 17, 33, 34, 66},
      {3, 9, 9, 18, 18},
      {8, 16, 16, 48, 48},
      {5, 10, 12, 40, 48},
      {2, 8, 8, 64, 64},
      {64, 32, 32, 48, 48},
      {7, 31, 29, 62, 58},
      {24, 16, 16, 61, 61},
      {1, 40, 40, 80, 80},
      {9, 20, 20, 13, 11},
      {12, 1, 1, 5, 9},
      /* rows around and beyond the kernels' 2048-float chunks and window
       * tables; many channels */
      {1, 2, 1100, 3, 2200},
      {1, 3, 1030, 5, 2060},
      {2100, 3, 4, 7, 9},
      {2049, 2, 2, 3, 3},
      {3, 2, 700, 3, 1400},
      {2, 3, 1500, 4, 2300},
      {2, 2, 2100, 3, 1300},
      {1, 2, 1025, 3, 2050},
      {2, 2, 1365, 3, 2049},
  };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int layout = 0; layout < 2; layout++)
      for (int coord = 0; coord < (bilinear ? 4 : 5); coord++) {
        ups_resize_params p = {0};
        p.layout = layout ? UPS_NHWC : UPS_NCHW;
        p.n = 1 + s % 2;
        p.c = shapes[s][0];
        p.in_h = shapes[s][1];
        p.in_w = shapes[s][2];
        p.out_h = shapes[s][3];
        p.out_w = shapes[s][4];
        p.coord = (ups_coord)coord;
        p.round = bilinear ? UPS_ROUND_PREFER_FLOOR : (ups_round)(s % 4);
        run_case(r, bilinear, &p, s == 3, &st);
      }
  /* The 2x fast paths (half-pixel bilinear: constant weights, rows and
   * columns in pairs, NHWC and NCHW register blocks; nearest: duplicated
   * pixels and rows) on small random shapes: odd and tiny sizes, channel
   * counts around the vector width. */
  for (size_t i = 0; i < 320; i++) {
    static const size_t cs[] = {8, 9, 12, 15, 16, 17, 23, 24, 31, 32, 33, 40, 64, 70};
    ups_resize_params p = {0};
    p.layout = i % 4 == 3 ? UPS_NCHW : UPS_NHWC;
    p.n = tu_range(r, 1, 2);
    p.c = TU_PICK(r, cs);
    p.in_h = tu_range(r, 1, 9);
    p.in_w = tu_range(r, 1, p.layout == UPS_NCHW ? 40 : 13);
    p.out_h = 2 * p.in_h;
    p.out_w = 2 * p.in_w;
    p.coord = bilinear ? (ups_coord)tu_range(r, 0, 1) : (ups_coord)tu_range(r, 0, 4);
    p.round = bilinear ? UPS_ROUND_PREFER_FLOOR : (ups_round)tu_range(r, 0, 3);
    if (tu_range(r, 0, 3) == 0) p.scale_h = p.scale_w = 2.0f;
    run_case(r, bilinear, &p, i % 3 == 0, &st);
  }
  /* Short NCHW rows, every input width 1..100 at 2x (nearest: the short-row
   * loop of 1..8 output vectors, one window each, the last overlapping;
   * bilinear: half-pixel 2x columns of 1..6 blocks, the last overlapping),
   * rows at 2x, 3x or shrunk (the bilinear passes kept across rows or made
   * anew), 1-3 channels. */
  for (size_t iw = 1; iw <= 100; iw++) {
    ups_resize_params p = {0};
    p.layout = UPS_NCHW;
    p.n = 1 + iw % 2;
    p.c = 1 + iw % 3;
    p.in_h = 1 + iw % 7;
    p.in_w = iw;
    p.out_h = iw % 3 == 0 ? 2 * p.in_h : iw % 3 == 1 ? 3 * p.in_h : 1 + p.in_h / 2;
    p.out_w = 2 * iw;
    p.coord = bilinear ? UPS_COORD_HALF_PIXEL : UPS_COORD_ASYMMETRIC;
    p.round = bilinear ? UPS_ROUND_PREFER_FLOOR : UPS_ROUND_FLOOR;
    run_case(r, bilinear, &p, iw % 4 == 0, &st);
  }
  /* NHWC with 4 channels, half-pixel 2x on both axes: the pair loop on rows
   * of 4-float pixels, every row width 1..30 (1..6 blocks of every vector
   * width, the last overlapping or half-used, and past them), 1..7 rows. */
  for (size_t iw = 1; bilinear && iw <= 30; iw++) {
    ups_resize_params p = {0};
    p.layout = UPS_NHWC;
    p.n = 1 + iw % 2;
    p.c = 4;
    p.in_h = 1 + iw % 7;
    p.in_w = iw;
    p.out_h = 2 * p.in_h;
    p.out_w = 2 * iw;
    p.coord = iw % 2 ? UPS_COORD_PYTORCH_HALF_PIXEL : UPS_COORD_HALF_PIXEL;
    run_case(r, bilinear, &p, iw % 4 == 1, &st);
  }
  /* NCHW half-pixel 2x above 2^20 outputs with rows wider than 64: the AVX2
   * path with rotating row buffers (bilinear_nchw_hp2x_rows), which the
   * random shapes above never reach (they stay under 600k outputs). Widths
   * 33 and 1024 are its narrowest and widest rows (2048 = one chunk). */
  static const size_t big[][4] = {/* n, c, in_h, in_w */
                                  {1, 5, 257, 203}, {2, 3, 161, 347}, {1, 60, 47, 33},
                                  {1, 2, 131, 1024}, {1, 9, 64, 129}};
  for (size_t i = 0; bilinear && i < sizeof big / sizeof big[0]; i++) {
    ups_resize_params p = {0};
    p.layout = UPS_NCHW;
    p.n = big[i][0];
    p.c = big[i][1];
    p.in_h = big[i][2];
    p.in_w = big[i][3];
    p.out_h = 2 * p.in_h;
    p.out_w = 2 * p.in_w;
    p.coord = i % 2 ? UPS_COORD_PYTORCH_HALF_PIXEL : UPS_COORD_HALF_PIXEL;
    run_case(r, bilinear, &p, i == 2, &st);
  }
  /* The 4-lane (NEON) variant's own paths and thresholds, which the cases
   * above reach rarely or never: nearest NHWC with 2 channels and column
   * factors outside 2, 3, 4, 8 (TBL replication of pixel pairs, odd last
   * pixel), NCHW factor 6 on rows of 4 or more, 3 and 4 channels replicated;
   * NHWC with 4 to 7 channels (one overlapping channel vector; bilinear's
   * direct and 2x register paths); NCHW half-pixel 2x rows of 5 to 8 inputs
   * and 9, 12, 13 (the 8-output pass blocks' edges); x-only 2x; and rows past
   * the 512 windows of 4 outputs that shrink (windows worked out on the fly,
   * lane loads); NHWC rows of 2 and 3 channels at the flat path's 2048 floats
   * (all 512 windows) and just past it. Every coordinate mode and rounding,
   * both layouts; a rng of their own, so the cases above stay what they were. */
  static const size_t lanes4[][5] = {
      /* c, in_h, in_w, out_h, out_w */
      {2, 3, 5, 6, 25},  {2, 2, 6, 4, 96}, {2, 2, 7, 3, 49},  {1, 3, 9, 5, 54},
      {3, 2, 5, 4, 80},  {4, 3, 6, 6, 24}, {4, 3, 5, 6, 10},  {5, 4, 7, 8, 14},
      {6, 5, 9, 10, 18}, {7, 2, 3, 4, 6},  {3, 4, 5, 8, 10},  {2, 3, 8, 6, 16},
      {2, 5, 9, 10, 18}, {1, 3, 12, 6, 24}, {1, 3, 13, 6, 26}, {2, 3, 6, 5, 12},
      {1, 2, 3000, 3, 2100}, {2, 2, 700, 3, 1024}, {3, 2, 500, 3, 682}, {3, 2, 500, 3, 683},
  };
  tu_rng r4 = {0x4a4e5e0du};
  for (size_t s = 0; s < sizeof lanes4 / sizeof lanes4[0]; s++)
    for (int layout = 0; layout < 2; layout++)
      for (int coord = 0; coord < (bilinear ? 4 : 5); coord++)
        for (int round = 0; round < (bilinear ? 1 : 4); round++) {
          ups_resize_params p = {0};
          p.layout = layout ? UPS_NHWC : UPS_NCHW;
          p.n = 1 + s % 2;
          p.c = lanes4[s][0];
          p.in_h = lanes4[s][1];
          p.in_w = lanes4[s][2];
          p.out_h = lanes4[s][3];
          p.out_w = lanes4[s][4];
          p.coord = (ups_coord)coord;
          p.round = (ups_round)round;
          run_case(&r4, bilinear, &p, (s + (size_t)coord) % 5 == 0, &st);
        }
  /* The 16-lane (AVX-512) variant's own thresholds: NHWC 8 channels with
   * column factors outside 2, 3, 4, 8 (flat replication of 16 floats, row
   * tails), NCHW rows of 15-17 and 31-33 inputs (narrow rows, one window,
   * the half-pixel 2x register path of 17-32 inputs), downsampling to about
   * 1/2 on rows of 32 or more (32-float windows). */
  static const size_t lanes16[][5] = {
      /* c, in_h, in_w, out_h, out_w */
      {8, 3, 5, 6, 35},  {8, 2, 3, 4, 15},  {8, 2, 7, 3, 42},   {1, 3, 15, 6, 30},
      {1, 3, 17, 6, 34}, {1, 3, 32, 6, 64}, {1, 3, 33, 6, 66},  {1, 2, 64, 3, 33},
      {1, 2, 67, 3, 34}, {3, 2, 40, 3, 21}, {8, 2, 6, 4, 12},   {16, 3, 5, 6, 10},
  };
  tu_rng r16 = {0x16161616u};
  for (size_t s = 0; s < sizeof lanes16 / sizeof lanes16[0]; s++)
    for (int layout = 0; layout < 2; layout++)
      for (int coord = 0; coord < (bilinear ? 4 : 5); coord++) {
        ups_resize_params p = {0};
        p.layout = layout ? UPS_NHWC : UPS_NCHW;
        p.n = 1 + s % 2;
        p.c = lanes16[s][0];
        p.in_h = lanes16[s][1];
        p.in_w = lanes16[s][2];
        p.out_h = lanes16[s][3];
        p.out_w = lanes16[s][4];
        p.coord = (ups_coord)coord;
        p.round = bilinear ? UPS_ROUND_PREFER_FLOOR : (ups_round)(s % 4);
        run_case(&r16, bilinear, &p, s % 4 == 1, &st);
      }
  printf("%s: %zu cases, %zu output elements checked, worst error/bound %g\n",
         bilinear ? "bilinear" : "nearest", st.cases, st.elems, st.worst);
}

int main(int argc, char **argv) {
  const size_t cases = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 2000;
  tu_rng r = {argc > 2 ? (uint64_t)strtoull(argv[2], NULL, 10) : 0x5eed2026u};
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  printf("variants:");
  for (int k = 0; k < ni; k++) printf(" %s", ups_isa_name(isas[k]));
  printf("\n");
  sweep(&r, 0, cases);
  sweep(&r, 1, cases);
  return tu_finish("resize_sweep");
}
