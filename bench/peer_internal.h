/* peer_internal.h — helpers shared by the peer adapters (bench/peer_*.c/.cc).
 * Not part of the harness interface (that is peers.h). */
#ifndef UPSIMD_BENCH_PEER_INTERNAL_H
#define UPSIMD_BENCH_PEER_INTERNAL_H

#include <stddef.h>

#include "peers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The adapters' tables; each exists only when its library was found. */
const bench_peer *bench_peer_onednn(void);
const bench_peer *bench_peer_xnnpack(void);
const bench_peer *bench_peer_opencv(void);

/* Validates p with upsimd's own rules and resolves the output size into a copy
 * (out_h/out_w filled in). Returns 0 on success, else sets *why. */
int peer_resize_resolve(const ups_resize_params *p, ups_resize_params *q, const char **why);

/* Validates a deconv problem with upsimd's rules and gives its output size. */
int peer_deconv_resolve(const ups_deconv_params *p, size_t *out_h, size_t *out_w,
                        const char **why);

/* 1 when the coordinate mapping of p equals the one a peer computes from the
 * sizes alone (ratio in/out): the scale fields are 0, or 1/scale rounds to the
 * same float ratio as in/out on both axes (upsimd's axis_ratio); for
 * ALIGN_CORNERS, the float length in*scale equals out on both axes. */
int peer_scale_is_size_ratio(const ups_resize_params *p);

/* Nearest resize is a copy, so a peer "expresses" a nearest problem exactly
 * when its source-index map equals upsimd's for these sizes and this
 * (coord, round). The peers' nearest modes are fixed formulas that coincide
 * with several upsimd modes at some sizes (e.g. half-pixel round-half-up equals
 * PyTorch 'nearest' at integer factors), so this probes each axis (the other
 * one 2 -> 2) on an image whose pixels hold their own index, with the peer's
 * real primitive built by build(variant). Returns 1 when both maps are
 * equal, 0 when they differ (or the probe could not run; *why says which). */
typedef bench_peer_op *(*peer_resize_build_fn)(const ups_resize_params *p, int variant,
                                               const char **why);
int peer_nearest_probe(const ups_resize_params *p, int variant, peer_resize_build_fn build,
                       int (*run)(bench_peer_op *op, const float *in, float *out),
                       void (*destroy)(bench_peer_op *op), const char **why);

/* Bilinear: accepted when the peer's per-axis weights are bit-identical to
 * upsimd's and its taps are the same pixels (probed the same way with a
 * parity and a ramp image), so the outputs can differ only by the order of the
 * arithmetic. Peers compute the source coordinate in another float order
 * (e.g. (x+0.5)*in/out-0.5 vs upsimd's ratio*(x+0.5)-0.5), which moves a
 * weight by an ulp of the coordinate at some non-power-of-two ratios: far
 * outside the contract on large images, so such problems are rejected. */
int peer_bilinear_probe(const ups_resize_params *p, int variant, peer_resize_build_fn build,
                        int (*run)(bench_peer_op *op, const float *in, float *out),
                        void (*destroy)(bench_peer_op *op), const char **why);

/* A per-thread buffer for a formatted reason (valid until the next call on the
 * same thread). */
const char *peer_whyf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#ifdef __cplusplus
}
#endif

#endif
