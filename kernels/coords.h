/* coords.h — builders of the per-axis resize tables (kernels/coords.c). */
#ifndef UPSIMD_COORDS_H
#define UPSIMD_COORDS_H

#include "kernel.h"
#include "upsimd.h"

/* Storage: idx and idx32 hold `out` entries each. */
void ups_nearest_axis_build(size_t in, size_t out, float scale, ups_coord coord,
                            ups_round round, size_t *idx, int32_t *idx32,
                            ups_nearest_axis *ax);
/* Storage: i0, i1, i0_32, w0, w1 hold `out` entries each. */
void ups_linear_axis_build(size_t in, size_t out, float scale, ups_coord coord, size_t *i0,
                           size_t *i1, int32_t *i0_32, float *w0, float *w1,
                           ups_linear_axis *ax);

#endif
