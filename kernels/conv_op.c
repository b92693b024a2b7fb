/* conv_op.c — the deconv and upconv entries of the harness's operator table
 * (conv_op.h). The adapters are written once, as a macro over the two
 * operators' symmetric names; only the descriptions differ. */
#include "conv_op.h"

#include <stdio.h>

/* names[v], or v as a number when out of range (fuzzed enums). */
static const char *enum_name(unsigned v, const char *const names[2], char num[16]) {
  if (v < 2) return names[v];
  snprintf(num, 16, "%u", v);
  return num;
}

static const char *const layout_names[2] = {"nchw", "nhwc"};

static void deconv_describe(const void *pv, char *buf, size_t cap) {
  static const char *const wl[2] = {"iohw", "hwoi"};
  const ups_deconv_params *p = pv;
  char n0[16], n1[16];
  snprintf(buf, cap,
           "%s w=%s n=%zu ic=%zu oc=%zu g=%zu in=%zux%zu k=%zux%zu s=%zux%zu d=%zux%zu "
           "pad=%zu,%zu,%zu,%zu opad=%zu,%zu",
           enum_name((unsigned)p->layout, layout_names, n0),
           enum_name((unsigned)p->weight_layout, wl, n1), p->n, p->in_c, p->out_c, p->groups,
           p->in_h, p->in_w, p->kernel_h, p->kernel_w, p->stride_h, p->stride_w, p->dilation_h,
           p->dilation_w, p->pad_top, p->pad_left, p->pad_bottom, p->pad_right, p->out_pad_h,
           p->out_pad_w);
}

static void upconv_describe(const void *pv, char *buf, size_t cap) {
  static const char *const wl[2] = {"oihw", "hwio"}, *const modes[2] = {"nearest", "bilinear"};
  const ups_upconv_params *p = pv;
  char n0[16], n1[16], n2[16];
  snprintf(buf, cap,
           "%s w=%s %s n=%zu ic=%zu oc=%zu g=%zu in=%zux%zu f=%zux%zu k=%zux%zu d=%zux%zu "
           "pad=%zu,%zu,%zu,%zu",
           enum_name((unsigned)p->layout, layout_names, n0),
           enum_name((unsigned)p->weight_layout, wl, n1),
           enum_name((unsigned)p->mode, modes, n2), p->n, p->in_c, p->out_c,
           p->groups, p->in_h, p->in_w, p->factor_h, p->factor_w, p->kernel_h, p->kernel_w,
           p->dilation_h, p->dilation_w, p->pad_top, p->pad_left, p->pad_bottom, p->pad_right);
}

/* The adapters of operator OP (deconv or upconv): void pointers to its own
 * parameter and plan types. Its weights are [WA][WB/groups][kh][kw]. */
#define UPS_CONV_ADAPTERS(OP, WA, WB)                                                          \
  static void OP##_counts(const void *pv, size_t out_h, size_t out_w, ups_conv_counts *c) {   \
    const ups_##OP##_params *p = pv;                                                           \
    const size_t g = p->groups ? p->groups : 1;                                                \
    c->in = p->n * p->in_c * p->in_h * p->in_w;                                                \
    c->w = p->WA * (p->WB / g) * p->kernel_h * p->kernel_w;                                    \
    c->b = p->out_c;                                                                           \
    c->out = p->n * p->out_c * out_h * out_w;                                                  \
  }                                                                                            \
  static ups_status OP##_size(const void *p, size_t *h, size_t *w) {                          \
    return ups_##OP##_output_size(p, h, w);                                                    \
  }                                                                                            \
  static void OP##_set_isa(void *p, ups_isa isa) { ((ups_##OP##_params *)p)->isa = isa; }     \
  static ups_status OP##_run(const void *p, const float *in, const float *w, const float *b,  \
                             float *out) {                                                     \
    return ups_##OP##_f32(p, in, w, b, out);                                                   \
  }                                                                                            \
  static ups_status OP##_run_pool(const void *p, const float *in, const float *w,             \
                                  const float *b, float *out, const ups_pool *pool) {          \
    return ups_##OP##_f32_pool(p, in, w, b, out, pool);                                        \
  }                                                                                            \
  static ups_status OP##_plan_create(const void *p, const float *w, const float *b,           \
                                     void **plan) {                                            \
    ups_##OP##_plan *pl = NULL;                                                                \
    const ups_status st = ups_##OP##_plan_create(p, w, b, &pl);                                \
    *plan = pl;                                                                                \
    return st;                                                                                 \
  }                                                                                            \
  static ups_status OP##_plan_run(const void *plan, const float *in, float *out) {            \
    return ups_##OP##_plan_run(plan, in, out);                                                 \
  }                                                                                            \
  static ups_status OP##_plan_run_pool(const void *plan, const float *in, float *out,         \
                                       const ups_pool *pool) {                                 \
    return ups_##OP##_plan_run_pool(plan, in, out, pool);                                      \
  }                                                                                            \
  static void OP##_plan_destroy(void *plan) { ups_##OP##_plan_destroy(plan); }                \
  static ups_isa OP##_plan_isa(const void *plan) { return ups_##OP##_plan_isa(plan); }        \
  static ups_status OP##_check(const void *p, const float *in, const float *w, const float *b, \
                               const float *got, ups_check_result *r) {                        \
    return ups_check_##OP(p, in, w, b, got, r);                                                \
  }

#define UPS_CONV_ENTRY(OP, REFERENCE)                                                 \
  {#OP,           REFERENCE,          sizeof(ups_##OP##_params), OP##_size,          \
   OP##_counts,   OP##_set_isa,       OP##_describe,             OP##_run,           \
   OP##_run_pool, OP##_plan_create,   OP##_plan_run,             OP##_plan_run_pool, \
   OP##_plan_destroy, OP##_plan_isa,  OP##_check}

UPS_CONV_ADAPTERS(deconv, in_c, out_c)
UPS_CONV_ADAPTERS(upconv, out_c, in_c)

const ups_conv_op ups_conv_deconv = UPS_CONV_ENTRY(deconv, "scalar");
const ups_conv_op ups_conv_upconv = UPS_CONV_ENTRY(upconv, "two-step");
