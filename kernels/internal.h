/* internal.h — what the library's own front end (the .c files in kernels/) shares: the
 * dispatcher and the validated-parameter helpers. Not installed; tests and the
 * harness may use it through the static library. */
#ifndef UPSIMD_INTERNAL_H
#define UPSIMD_INTERNAL_H

#include "kernel.h"
#include "upsimd.h"

/* ---------------------------------------------------------- ISA registry */

/* One ISA (kernels/isa_registry.c). */
typedef struct ups_isa_desc {
  ups_isa id;
  const char *name;
  ups_isa parent;                 /* fills this ISA's empty slots; AUTO: none */
  int (*detect)(void);            /* usable on this CPU (NULL: not built in) */
  const ups_kernel_table *table;  /* its own kernels (NULL: not built in) */
} ups_isa_desc;

enum { UPS_ISA_MAX = 16 }; /* room for ups_isa values, for fixed-size arrays */

/* The descriptor of a SIMD or scalar ISA; NULL for AUTO and out-of-range. */
const ups_isa_desc *ups_isa_desc_of(ups_isa isa);

/* Resolves AUTO and checks a forced ISA: UPS_OK with *resolved set, or
 * UPS_ERR_PARAM (out of range) / UPS_ERR_ISA (not supported). */
ups_status ups_isa_resolve(ups_isa requested, ups_isa *resolved);

/* The complete kernel table of a built-in ISA (empty slots filled from its
 * parents). */
const ups_kernel_table *ups_kernels_for(ups_isa resolved);

/* Test and harness hook: replace the table used for `isa` (NULL restores the
 * built-in one; the replacement's empty slots are filled from the parents).
 * Not thread-safe; call it before any concurrent use. Used to prove that the
 * checker refuses a wrong kernel. */
void ups_kernels_override_for_testing(ups_isa isa, const ups_kernel_table *table);

/* ------------------------------------------------------------ work ranges */

/* The whole problem of each operator as one range (kernels/work.c). */
ups_range ups_resize_whole(size_t n, size_t c, size_t out_h, ups_layout layout);
ups_range ups_deconv_whole(const ups_deconv_plan_data *d);

/* Runs `task` over the whole range: as one range on the calling thread, as
 * contiguous parts on a pool (NULL: none; about one part per thread, fewer
 * when a part would cost less than a few microseconds: unit_cost is the
 * work of one unit, in output floats, or MACs for deconv), or as the parts
 * the test hook below gives (in its order; the pool is then not used). */
typedef void (*ups_range_task)(const void *ctx, const ups_range *r);
void ups_work_run(const ups_range *whole, ups_range_task task, const void *ctx,
                  const ups_pool *pool, size_t unit_cost);

/* Runs task(task_ctx, i) for i in [0, n) on the pool (kernels/pool.c). */
void ups_pool_parallel_for(const ups_pool *pool, ups_task_fn task, void *task_ctx, size_t n);

/* Test hook: while set, every entry point cuts its problem into the parts
 * `split` writes (at most `max`; they must tile `whole` exactly) and runs them
 * one by one. NULL restores one whole range. Not thread-safe. */
typedef size_t (*ups_split_fn)(void *ctx, const ups_range *whole, ups_range *parts, size_t max);
enum { UPS_SPLIT_MAX = 64 };
void ups_split_override_for_testing(ups_split_fn split, void *ctx);

/* Test hook: the least work of a pool task in unit-cost terms (0 restores
 * the default), so that tests with small problems still reach the pool's
 * split. Not thread-safe. */
void ups_min_task_cost_override_for_testing(size_t cost);

/* Overflow-checked size arithmetic: 1 when the result fits, 0 on overflow. */
static inline int ups_mul_ok(size_t a, size_t b, size_t *r) {
  if (a != 0 && b > (size_t)-1 / a) return 0;
  *r = a * b;
  return 1;
}
static inline int ups_add_ok(size_t a, size_t b, size_t *r) {
  if (b > (size_t)-1 - a) return 0;
  *r = a + b;
  return 1;
}

/* Byte ranges [a, a+an) and [b, b+bn) share at least one byte. */
int ups_ranges_overlap(const void *a, size_t an, const void *b, size_t bn);

/* Validated resize: defaults resolved, ISA resolved. */
typedef struct ups_resize_shape {
  size_t out_h, out_w;
  size_t in_elems, out_elems; /* each * sizeof(float) fits ptrdiff_t */
  ups_isa isa;
} ups_resize_shape;

/* Which operator-specific checks ups_resize_validate adds. */
typedef enum ups_resize_op {
  UPS_RESIZE_NEAREST,  /* the round field must be in range */
  UPS_RESIZE_BILINEAR, /* TF_HALF_PIXEL_FOR_NN is rejected */
  UPS_RESIZE_SIZE_ONLY /* neither: the output-size rule is common to both */
} ups_resize_op;

/* Everything but the tensor pointers. */
ups_status ups_resize_validate(const ups_resize_params *p, ups_resize_op op, ups_resize_shape *s);

/* Validated deconvolution. */
typedef struct ups_deconv_shape {
  ups_deconv_geom geom;
  size_t in_elems, w_elems, out_elems, bias_elems;
  ups_isa isa;
} ups_deconv_shape;

ups_status ups_deconv_validate(const ups_deconv_params *p, ups_deconv_shape *s);

/* Validated upsample + convolution (kernels/upconv.c runs it). One axis:
 * upsampling by f (u[o] = sum_j p[j] * b[o - f*j + shift], b the box of f
 * ones for nearest with p the input, the tent of len taps for bilinear with
 * p the input with its replicate ring), then taps k*d (k < kernel) from
 * pad_begin before the upsampled image, equals a transposed convolution of
 * p with stride f, kernel kt (conv tap k lands on taps
 * [crop + pad_begin - shift - k*d, + len)), crop `crop` at the start and
 * crop_end at the end. For bilinear this holds where the window stays inside
 * the upsampled image: the pad_begin/pad_end border outputs are recomputed
 * (kernels/upconv.c). */
typedef struct ups_upconv_axis {
  size_t f, k, d, pad_begin, crop, crop_end, kt;
  size_t pad_end, shift, len;
} ups_upconv_axis;

typedef struct ups_upconv_shape {
  ups_deconv_params dp;        /* the transposed convolution (canonical IOHW weights) */
  ups_upconv_axis ay, ax;
  size_t groups, ic_g, oc_g;
  size_t out_h, out_w;
  size_t in_elems, out_elems, w_elems, bias_elems; /* w_elems: the conv weights */
  size_t ring_elems;           /* bilinear: the ringed input p (dp's input); 0 nearest */
  int nearest;                 /* mode UPS_OP_NEAREST */
} ups_upconv_shape;

/* Everything but the tensor pointers. */
ups_status ups_upconv_validate(const ups_upconv_params *p, ups_upconv_shape *s);

/* The shared deconvolution strategy and packer (kernels/deconv_plan.c).
 * ups_deconv_plan_choose fills the layout of the packed weights in d from the
 * geometry and the variant's ops (returns 0 when its size overflows);
 * ups_deconv_plan_bytes gives that size; ups_deconv_plan_pack reads the
 * weights (canonical, or HWOI when hwoi is set: SIMD paths only), completes
 * the strategy (the path, which depends on whether every weight is finite),
 * writes the packed bias and weights into `packed` (64-byte aligned) and sets
 * d->bias and d->w. Returns 0 when its scratch (kernels wider or higher than
 * 64 taps) cannot be allocated, or for HWOI weights on the reference path. */
int ups_deconv_plan_choose(const ups_deconv_geom *g, const ups_deconv_ops *ops,
                           ups_deconv_plan_data *d);
size_t ups_deconv_plan_bytes(const ups_deconv_plan_data *d);
int ups_deconv_plan_pack(ups_deconv_plan_data *d, const float *w, int hwoi, const float *bias,
                         void *packed);

/* Harness: the packed bytes of a plan (what deconv-pack writes). */
size_t ups_deconv_plan_packed_bytes(const ups_deconv_plan *plan);

#endif /* UPSIMD_INTERNAL_H */
