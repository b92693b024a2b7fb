/* peers.h — the plain C interface between the harness and the peer-library
 * adapters (oneDNN, XNNPACK, OpenCV). Each adapter is built only when its
 * library is found at configure time (bench/peers.cmake); the harness sees
 * only this table. A peer runs on as many threads as upsimd's variants
 * (bench_peers_set_threads). */
#ifndef UPSIMD_BENCH_PEERS_H
#define UPSIMD_BENCH_PEERS_H

#include <stddef.h>

#include "upsimd.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bench_peer_op bench_peer_op; /* an adapter's ready-to-run primitive */

typedef struct bench_peer {
  const char *name;     /* "onednn", "xnnpack", "opencv" */
  const char *version;  /* library version string, for the benchmark context */
  /* Build a primitive for this exact problem (sizes, layout, coordinate mode,
   * weights in p->weight_layout). NULL when the peer cannot express it, with a
   * short reason in *why (e.g. "no NCHW bilinear", "align_corners unsupported"). */
  bench_peer_op *(*resize_create)(const ups_resize_params *p, int bilinear, const char **why);
  bench_peer_op *(*deconv_create)(const ups_deconv_params *p, const float *weights,
                                  const float *bias, const char **why);
  /* out gets the full output in p->layout; returns 0 on success. */
  int (*run)(bench_peer_op *op, const float *in, float *out);
  void (*destroy)(bench_peer_op *op);
  /* Optional (NULL when the adapter has none): the implementation the peer
   * chose for this op, e.g. "jit:avx512_core" (oneDNN's impl_info_str), for
   * the benchmark label. Owned by op; valid until destroy. */
  const char *(*impl)(const bench_peer_op *op);
  /* Optional (NULL: none): the unfused upconv, the peer's own resampling then
   * its own convolution (weights in p->weight_layout, prepacked at create;
   * the intermediate owned by the op), for the upconv-twostep rows. run()
   * then takes the original input and writes the convolution's output. */
  bench_peer_op *(*upconv_create)(const ups_upconv_params *p, const float *weights,
                                  const float *bias, const char **why);
} bench_peer;

/* upsimd-bench --threads=N: the thread count the adapters give their
 * library (oneDNN's OpenMP team, XNNPACK's pthreadpool, OpenCV's
 * setNumThreads), set before any op is created; 1 by default. The version
 * strings say it. */
void bench_peers_set_threads(int n);
int bench_peers_threads(void);

/* The peers built into this harness. */
size_t bench_peer_count(void);
const bench_peer *bench_peer_get(size_t i);

#ifdef __cplusplus
}
#endif

#endif
