/* deconv.c — the public deconvolution entry points: validation, conversion of
 * HWOI weights to the canonical [groups][ic_g][oc_g][kh][kw] order for the
 * reference (the SIMD packer reads either order), plans (strategy and packing
 * by kernels/deconv_plan.c for the chosen variant), the run over work ranges
 * and the one-shot call, on the calling thread or a pool. */
#define _POSIX_C_SOURCE 200112L /* posix_memalign */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct ups_deconv_plan {
  ups_deconv_shape shape;
  ups_deconv_ops ops;
  ups_deconv_plan_data data; /* strategy; points into packed */
  void *packed;              /* 64-byte aligned, packed_bytes long */
  size_t packed_bytes;
};

/* Canonical c[i][q] (q = o*kh*kw + y*kw + x, i over all in_c) from HWOI
 * w[y][x][o][i]: a transpose of i against q, done in 16x16 tiles through a
 * local buffer so both sides move in 64-byte runs (the naive loop read with a
 * stride of in_c floats: ~12 ms for a 1024x512x2x2 kernel). */
static void hwoi_to_canonical(const ups_deconv_geom *g, const float *w, float *c) {
  enum { B = 16 };
  const size_t in_c = g->groups * g->ic_g, oc = g->oc_g, kk = g->kh * g->kw, nq = oc * kk;
  float tile[B][B];
  for (size_t i0 = 0; i0 < in_c; i0 += B) {
    const size_t ib = in_c - i0 < B ? in_c - i0 : B;
    for (size_t q0 = 0; q0 < nq; q0 += B) {
      const size_t qb = nq - q0 < B ? nq - q0 : B;
      for (size_t q = 0; q < qb; q++) {
        const size_t o = (q0 + q) / kk, t = (q0 + q) % kk;
        const float *src = w + (t * oc + o) * in_c + i0;
        for (size_t i = 0; i < ib; i++) tile[i][q] = src[i];
      }
      for (size_t i = 0; i < ib; i++) {
        float *dst = c + (i0 + i) * nq + q0;
        for (size_t q = 0; q < qb; q++) dst[q] = tile[i][q];
      }
    }
  }
}

static void *aligned_bytes(size_t n) {
  void *p = NULL;
  if (n == 0) n = 64;
  if (n > SIZE_MAX - 63) return NULL;
  if (posix_memalign(&p, 64, (n + 63) & ~(size_t)63) != 0) return NULL;
  return p;
}

/* A plan for an already validated shape: shared by the plan API and the
 * one-shot call, so neither validates twice. */
static ups_status plan_from_shape(ups_deconv_shape s, ups_weight_layout wl, const float *weights,
                                  const float *bias, ups_deconv_plan **plan) {
  s.geom.has_bias = bias != NULL;
  ups_deconv_plan *pl = calloc(1, sizeof *pl);
  if (!pl) return UPS_ERR_NOMEM;
  pl->shape = s;
  pl->ops = ups_kernels_for(s.isa)->deconv[s.geom.nhwc];
  if (ups_deconv_plan_choose(&s.geom, &pl->ops, &pl->data)) {
    pl->packed_bytes = ups_deconv_plan_bytes(&pl->data);
    pl->packed = aligned_bytes(pl->packed_bytes);
  }
  /* The SIMD packer reads HWOI weights as they are; the reference keeps the
   * canonical order. */
  const int convert = wl == UPS_W_HWOI && pl->data.path == UPS_DECONV_REFERENCE;
  float *converted = pl->packed && convert ? malloc(s.w_elems * sizeof(float)) : NULL;
  if (!pl->packed || (convert && !converted)) {
    free(pl->packed);
    free(pl);
    return UPS_ERR_NOMEM;
  }
  if (converted) hwoi_to_canonical(&s.geom, weights, converted);
  const int packed = ups_deconv_plan_pack(&pl->data, converted ? converted : weights,
                                          wl == UPS_W_HWOI && !converted, bias, pl->packed);
  free(converted);
  if (!packed) {
    free(pl->packed);
    free(pl);
    return UPS_ERR_NOMEM;
  }
  *plan = pl;
  return UPS_OK;
}

typedef struct plan_call {
  const ups_deconv_plan *plan;
  const float *in;
  float *out;
} plan_call;

static void plan_task(const void *ctx, const ups_range *r) {
  const plan_call *c = ctx;
  c->plan->ops.run(&c->plan->data, c->in, c->out, r);
}

/* Every work range of the plan's problem: one on the calling thread, parts
 * on a pool, or the test hook's parts. A unit (a band of sh output rows of a
 * group, or of a slice of its channels) costs about
 * sh * out_w * oc_g * ic_g * kh * kw / (sh * sw * slices) MACs, saturated
 * (only its order of magnitude matters). */
static void plan_run_ranges(const ups_deconv_plan *pl, const float *in, float *out,
                            const ups_pool *pool) {
  const plan_call call = {pl, in, out};
  const ups_deconv_geom *g = &pl->data.g;
  const ups_range whole = ups_deconv_whole(&pl->data);
  size_t cost = g->out_w;
  const size_t f[4] = {g->oc_g, g->ic_g, g->kh, g->kw};
  for (int i = 0; i < 4; i++)
    if (!ups_mul_ok(cost, f[i], &cost)) cost = (size_t)1 << 40;
  cost = cost / g->sw / ups_deconv_oc_units(&pl->data) + 1;
  ups_work_run(&whole, plan_task, &call, pool, cost);
}

ups_status ups_deconv_plan_create(const ups_deconv_params *p, const float *weights,
                                  const float *bias, ups_deconv_plan **plan) {
  if (!p || !weights || !plan) return UPS_ERR_NULL;
  ups_deconv_shape s;
  ups_status st = ups_deconv_validate(p, &s);
  if (st != UPS_OK) return st;
  return plan_from_shape(s, p->weight_layout, weights, bias, plan);
}

static ups_status plan_run(const ups_deconv_plan *plan, const float *in, float *out,
                           const ups_pool *pool) {
  if (!plan || !in || !out) return UPS_ERR_NULL;
  const ups_deconv_shape *s = &plan->shape;
  if (ups_ranges_overlap(in, s->in_elems * sizeof(float), out, s->out_elems * sizeof(float)))
    return UPS_ERR_ALIAS;
  plan_run_ranges(plan, in, out, pool);
  return UPS_OK;
}

ups_status ups_deconv_plan_run(const ups_deconv_plan *plan, const float *in, float *out) {
  return plan_run(plan, in, out, NULL);
}

ups_status ups_deconv_plan_run_pool(const ups_deconv_plan *plan, const float *in, float *out,
                                    const ups_pool *pool) {
  return plan_run(plan, in, out, pool);
}

void ups_deconv_plan_destroy(ups_deconv_plan *plan) {
  if (!plan) return;
  free(plan->packed);
  free(plan);
}

ups_isa ups_deconv_plan_isa(const ups_deconv_plan *plan) {
  return plan ? plan->shape.isa : UPS_ISA_AUTO;
}

size_t ups_deconv_plan_packed_bytes(const ups_deconv_plan *plan) {
  return plan ? plan->packed_bytes : 0;
}

static ups_status one_shot(const ups_deconv_params *p, const float *in, const float *weights,
                           const float *bias, float *out, const ups_pool *pool) {
  if (!p || !in || !weights || !out) return UPS_ERR_NULL;
  ups_deconv_shape s;
  ups_status st = ups_deconv_validate(p, &s);
  if (st != UPS_OK) return st;
  const size_t ob = s.out_elems * sizeof(float);
  if (ups_ranges_overlap(in, s.in_elems * sizeof(float), out, ob) ||
      ups_ranges_overlap(weights, s.w_elems * sizeof(float), out, ob) ||
      (bias && ups_ranges_overlap(bias, s.bias_elems * sizeof(float), out, ob)))
    return UPS_ERR_ALIAS;
  ups_deconv_plan *plan;
  if ((st = plan_from_shape(s, p->weight_layout, weights, bias, &plan)) != UPS_OK) return st;
  plan_run_ranges(plan, in, out, pool);
  ups_deconv_plan_destroy(plan);
  return UPS_OK;
}

ups_status ups_deconv_f32(const ups_deconv_params *p, const float *in, const float *weights,
                          const float *bias, float *out) {
  return one_shot(p, in, weights, bias, out, NULL);
}

ups_status ups_deconv_f32_pool(const ups_deconv_params *p, const float *in,
                               const float *weights, const float *bias, float *out,
                               const ups_pool *pool) {
  return one_shot(p, in, weights, bias, out, pool);
}
