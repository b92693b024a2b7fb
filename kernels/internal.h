/* internal.h — what the library's own front end (the .c files in kernels/) shares: the
 * dispatcher and the validated-parameter helpers. Not installed; tests and the
 * harness may use it through the static library. */
#ifndef UPSIMD_INTERNAL_H
#define UPSIMD_INTERNAL_H

#include "kernel.h"
#include "upsimd.h"

/* Resolves AUTO and checks a forced ISA: UPS_OK with *resolved set, or
 * UPS_ERR_PARAM (out of range) / UPS_ERR_ISA (not supported). */
ups_status ups_isa_resolve(ups_isa requested, ups_isa *resolved);

/* The complete kernel table of a supported, resolved ISA (NULL slots already
 * filled from scalar). */
const ups_kernel_table *ups_kernels_for(ups_isa resolved);

/* Test and harness hook: replace the table used for `isa` (NULL restores the
 * built-in one). Not thread-safe; call it before any concurrent use. Used to
 * prove that the checker refuses a wrong kernel. */
void ups_kernels_override_for_testing(ups_isa isa, const ups_kernel_table *table);

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

#endif /* UPSIMD_INTERNAL_H */
