/* upsimd.h — public API of upsimd: nearest and bilinear resize and strided
 * transposed convolution (deconvolution), f32, NCHW or NHWC, with a scalar
 * reference and SIMD variants chosen at run time.
 *
 * Conventions
 * - Every struct is zero-initialised by the caller (`ups_resize_params p = {0};`);
 *   a zero field means the documented default.
 * - Sizes are element counts, never bytes. Tensors are dense and packed:
 *   NCHW is [n][c][h][w], NHWC is [n][h][w][c].
 * - Every call validates all of its arguments first. On any error it returns a
 *   status other than UPS_OK and writes nothing at all to the output.
 * - All calls are thread-safe. A plan is read-only after creation, so one plan
 *   may be run from several threads at once (each with its own output).
 */
#ifndef UPSIMD_H
#define UPSIMD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(UPSIMD_SHARED)
#define UPS_API __declspec(dllimport)
#elif defined(__GNUC__)
#define UPS_API __attribute__((visibility("default")))
#else
#define UPS_API
#endif

#define UPSIMD_VERSION_MAJOR 0
#define UPSIMD_VERSION_MINOR 1
#define UPSIMD_VERSION_PATCH 0

/* ---------------------------------------------------------------- status */

typedef enum ups_status {
  UPS_OK = 0,
  UPS_ERR_NULL,      /* a required pointer is NULL */
  UPS_ERR_SHAPE,     /* a size is zero, sizes disagree (groups do not divide the
                        channels), or the resulting output size is not positive */
  UPS_ERR_PARAM,     /* an enum is out of range, a scale is negative/NaN/inf or
                        too small to invert (< ~2.9e-39), a
                        coordinate mode does not apply to the operator, or an
                        output padding is not smaller than stride or dilation */
  UPS_ERR_OVERFLOW,  /* an element or byte count (or an intermediate of the
                        output-size formula) does not fit size_t/ptrdiff_t */
  UPS_ERR_ALIAS,     /* the output overlaps an input (weights and bias included),
                        even by one byte */
  UPS_ERR_ISA,       /* the requested ISA is not built in or not usable on this CPU */
  UPS_ERR_NOMEM,     /* an internal allocation (tables, packed weights) failed */
  UPS_ERR_UNSUPPORTED /* a feature this build leaves out: the default thread pool
                         of a library built without pthreadpool */
  /* New statuses are appended; values never change. */
} ups_status;

/* A constant English description, e.g. "output overlaps an input". Never NULL;
 * an unknown value gives "unknown status". */
UPS_API const char *ups_status_string(ups_status s);

/* ------------------------------------------------------------------- ISA */

typedef enum ups_isa {
  UPS_ISA_AUTO = 0,  /* the dispatcher's choice (see ups_isa_selected) */
  UPS_ISA_SCALAR,    /* the reference kernels: portable C, always available */
  UPS_ISA_AVX2,      /* x86-64 AVX2 + FMA (needs OS support for YMM state) */
  UPS_ISA_NEON,      /* AArch64 AdvSIMD */
  UPS_ISA_AVX512     /* x86-64 AVX-512 F/BW/DQ/VL (OS support for ZMM and opmask
                        state); reserved: no kernels yet, so never supported */
  /* New ISAs are appended; values never change. */
} ups_isa;

/* One past the largest ups_isa value this library knows: every ISA is
 * for (int i = UPS_ISA_SCALAR; i < ups_isa_count(); i++). Programs iterate
 * this instead of keeping their own list, so a new ISA needs no change there. */
UPS_API int ups_isa_count(void);

/* 1 when the variant is built into this library AND usable on this CPU, else 0.
 * UPS_ISA_AUTO and UPS_ISA_SCALAR always give 1; out-of-range values give 0. */
UPS_API int ups_isa_supported(ups_isa isa);

/* 1 when the variant's kernels are compiled into this library (usable on this
 * CPU or not); UPS_ISA_SCALAR always, UPS_ISA_AUTO and out-of-range values never. */
UPS_API int ups_isa_built(ups_isa isa);

/* The ISA whose kernels fill this one's empty slots (avx512 -> avx2 ->
 * scalar; neon -> scalar); UPS_ISA_AUTO for scalar and out-of-range values. */
UPS_API ups_isa ups_isa_parent(ups_isa isa);

/* What UPS_ISA_AUTO resolves to: the best supported variant, or the one named by
 * the environment variable UPSIMD_ISA (a name of ups_isa_name) when that one is
 * supported (an unsupported or unknown name is ignored). Read once, on first
 * use, thread-safely. Never returns UPS_ISA_AUTO. */
UPS_API ups_isa ups_isa_selected(void);

/* "auto", "scalar", "avx2", "neon", "avx512"; "unknown" for out-of-range values. */
UPS_API const char *ups_isa_name(ups_isa isa);

/* The ISA named `name` (as ups_isa_name gives it, "auto" included): UPS_OK,
 * UPS_ERR_NULL, or UPS_ERR_PARAM for an unknown name. */
UPS_API ups_status ups_isa_from_name(const char *name, ups_isa *isa);

/* ---------------------------------------------------------------- layout */

typedef enum ups_layout {
  UPS_NCHW = 0,  /* [n][c][h][w]: PyTorch default */
  UPS_NHWC       /* [n][h][w][c]: TF/Keras default, PyTorch channels_last */
} ups_layout;

/* The operators, for questions about variants (ups_isa_kernel_variant). */
typedef enum ups_operator {
  UPS_OP_NEAREST = 0,
  UPS_OP_BILINEAR,
  UPS_OP_DECONV
} ups_operator;

/* Which variant's kernel runs when `isa` is asked for operator `op` in
 * `layout`: `isa` itself when it has that kernel, else the nearest ancestor
 * that has one (e.g. avx512 -> avx2 -> scalar). UPS_ISA_AUTO asks about
 * ups_isa_selected(). Answers for every built-in ISA, usable here or not;
 * UPS_ISA_AUTO (0) for an ISA not built in or an out-of-range argument. */
UPS_API ups_isa ups_isa_kernel_variant(ups_isa isa, ups_operator op, ups_layout layout);

/* ---------------------------------------------------------------- resize */

/* How output coordinate x (per axis, scale = out/in) maps to the input
 * coordinate x_in. Names follow ONNX Resize coordinate_transformation_mode. */
typedef enum ups_coord {
  UPS_COORD_HALF_PIXEL = 0,      /* x_in = (x+0.5)/scale - 0.5. TF2/Keras
                                    bilinear; PyTorch align_corners=False and
                                    nearest-exact; ONNX half_pixel */
  UPS_COORD_PYTORCH_HALF_PIXEL,  /* as HALF_PIXEL, but x_in = 0 unless
                                    len > 1 (ONNX pytorch_half_pixel); len =
                                    ONNX's length_resized: out, or with a scale
                                    the exact product in*scale (in = 3,
                                    scale 0.5: out 1, len 1.5, x_in 0.5) */
  UPS_COORD_ALIGN_CORNERS,       /* x_in = x*(in-1)/(len-1), 0 when out == 1
                                    or len <= 1 (ONNX align_corners; len as
                                    above, so a scale counts when in*scale is
                                    not an integer). PyTorch/TF1
                                    align_corners=True: give the sizes, scale 0
                                    (they use (in-1)/(out-1)) */
  UPS_COORD_ASYMMETRIC,          /* x_in = x/scale. PyTorch 'nearest'; TF1
                                    legacy bilinear; ONNX asymmetric */
  UPS_COORD_TF_HALF_PIXEL_FOR_NN /* x_in = (x+0.5)/scale. TF2/Keras nearest;
                                    nearest only (UPS_ERR_PARAM for bilinear) */
} ups_coord;

/* Nearest only: how x_in becomes an integer index (ONNX nearest_mode). The
 * index is then clamped to [0, in-1]. */
typedef enum ups_round {
  UPS_ROUND_PREFER_FLOOR = 0,    /* round half down (ONNX default) */
  UPS_ROUND_PREFER_CEIL,         /* round half up (PyTorch nearest-exact, TF1
                                    align_corners nearest) */
  UPS_ROUND_FLOOR,               /* PyTorch nearest, TF2/Keras nearest */
  UPS_ROUND_CEIL
} ups_round;

typedef struct ups_resize_params {
  ups_layout layout;
  size_t n, c;            /* batch and channels: both >= 1 */
  size_t in_h, in_w;      /* input size: both >= 1 */
  size_t out_h, out_w;    /* output size; 0 = floor(in * scale) (then scale must
                             be given). Up- and down-sampling are both allowed. */
  float scale_h, scale_w; /* out/in as the framework was given it (PyTorch
                             scale_factor, ONNX scales, Keras size=). 0 = derive
                             from the sizes as in/out. When given, the
                             coordinate mapping uses it even if out != in*scale
                             (PyTorch/ONNX semantics; ALIGN_CORNERS and
                             PYTORCH_HALF_PIXEL through ONNX's fractional
                             length in*scale). Must be 0 or finite,
                             positive and with a finite float reciprocal
                             (>= ~2.9e-39); else UPS_ERR_PARAM. A size derived
                             from it must be < 2^53 (else UPS_ERR_OVERFLOW). */
  ups_coord coord;        /* default HALF_PIXEL */
  ups_round round;        /* nearest only; default PREFER_FLOOR. Ignored by
                             bilinear */
  ups_isa isa;            /* AUTO = the dispatcher's choice; else force a variant
                             (UPS_ERR_ISA when it is not supported) */
} ups_resize_params;

/* out[n][c][y][x] = in[n][c][iy(y)][ix(x)], indices from coord + round. */
UPS_API ups_status ups_resize_nearest_f32(const ups_resize_params *p, const float *in,
                                          float *out);

/* out = wy0*(wx0*in[y0][x0] + wx1*in[y0][x1]) + wy1*(wx0*in[y1][x0] + wx1*in[y1][x1]),
 * x_in from coord (negative x_in is clamped to 0 for HALF_PIXEL and
 * PYTORCH_HALF_PIXEL), x0 = floor(x_in), x1 = min(x0+1, in-1), wx1 = x_in - x0. */
UPS_API ups_status ups_resize_bilinear_f32(const ups_resize_params *p, const float *in,
                                           float *out);

/* Output size of a resize after defaults are resolved (out = floor(in*scale)
 * when the size field is 0). Validates p like the resize calls do, without the
 * tensor pointers and without the operator-specific checks (round field,
 * TF_HALF_PIXEL_FOR_NN), which the operator calls add. */
UPS_API ups_status ups_resize_output_size(const ups_resize_params *p, size_t *out_h,
                                          size_t *out_w);

/* Resize plans: the coordinate tables and the variant's per-call data built
 * once, for repeated resizes of one shape (what an inference engine does).
 * op is UPS_OP_NEAREST or UPS_OP_BILINEAR (else UPS_ERR_PARAM); p is
 * validated as the one-shot call of that operator validates it. The plan
 * copies what it needs: p may be freed after create. */
typedef struct ups_resize_plan ups_resize_plan;
UPS_API ups_status ups_resize_plan_create(const ups_resize_params *p, ups_operator op,
                                          ups_resize_plan **plan);
/* The one-shot call's result, bit for bit. Checks only the pointers and
 * their overlap; no allocation; safe to call concurrently on one plan with
 * distinct outputs. */
UPS_API ups_status ups_resize_plan_run(const ups_resize_plan *plan, const float *in,
                                       float *out);
/* NULL is allowed. */
UPS_API void ups_resize_plan_destroy(ups_resize_plan *plan);
/* The variant a plan was built for (never UPS_ISA_AUTO); UPS_ISA_AUTO for NULL. */
UPS_API ups_isa ups_resize_plan_isa(const ups_resize_plan *plan);

/* ---------------------------------------------------------------- deconv */

typedef enum ups_weight_layout {
  UPS_W_IOHW = 0,  /* [in_c][out_c/groups][kh][kw]: PyTorch ConvTranspose2d.weight */
  UPS_W_HWOI       /* [kh][kw][out_c/groups][in_c]: Keras Conv2DTranspose kernel */
} ups_weight_layout;

typedef struct ups_deconv_params {
  ups_layout layout;              /* activations (input and output) */
  size_t n, in_c, in_h, in_w;     /* input: all >= 1 */
  size_t out_c;                   /* output channels: >= 1 */
  size_t groups;                  /* 0 = 1; must divide in_c and out_c */
  size_t kernel_h, kernel_w;      /* >= 1 */
  size_t stride_h, stride_w;      /* 0 = 1 */
  size_t dilation_h, dilation_w;  /* 0 = 1 */
  size_t pad_top, pad_left, pad_bottom, pad_right; /* cropped from the full
                                     output (PyTorch padding=p is p on both sides) */
  size_t out_pad_h, out_pad_w;    /* PyTorch output_padding, added at the bottom/
                                     right: must be < stride or < dilation */
  ups_weight_layout weight_layout;
  ups_isa isa;                    /* as in ups_resize_params */
} ups_deconv_params;

/* out = (in-1)*stride - pad_begin - pad_end + dilation*(kernel-1) + out_pad + 1,
 * per axis. Validates p (not the tensor pointers). */
UPS_API ups_status ups_deconv_output_size(const ups_deconv_params *p, size_t *out_h,
                                          size_t *out_w);

/* y[n, g*Cog+oc, iy*s-pt+ky*d, ix*s-pl+kx*d] += x[n, g*Cig+ic, iy, ix] * w[g*Cig+ic, oc, ky, kx]
 * (no kernel flip; taps landing outside the output are dropped), then + bias[oc].
 * weights: in_c * (out_c/groups) * kernel_h * kernel_w floats in weight_layout.
 * bias: out_c floats, or NULL for none. Equal to create + run + destroy. */
UPS_API ups_status ups_deconv_f32(const ups_deconv_params *p, const float *in,
                                  const float *weights, const float *bias, float *out);

/* Prepacked weights for repeated calls (what an inference engine does). The plan
 * copies what it needs: weights and bias may be freed after create. */
typedef struct ups_deconv_plan ups_deconv_plan;
UPS_API ups_status ups_deconv_plan_create(const ups_deconv_params *p, const float *weights,
                                          const float *bias, ups_deconv_plan **plan);
/* No allocation; safe to call concurrently on one plan with distinct outputs. */
UPS_API ups_status ups_deconv_plan_run(const ups_deconv_plan *plan, const float *in,
                                       float *out);
/* NULL is allowed. */
UPS_API void ups_deconv_plan_destroy(ups_deconv_plan *plan);
/* The variant a plan was packed for (never UPS_ISA_AUTO); UPS_ISA_AUTO for NULL. */
UPS_API ups_isa ups_deconv_plan_isa(const ups_deconv_plan *plan);

/* --------------------------------------------------------------- threads */

/* A thread pool, the engine's own or the library's default. The library cuts
 * a problem into n tasks along its work ranges (whole rows of images x
 * channels or groups; never inside a row) and asks the pool to run
 * task(task_ctx, i) once for every i in [0, n), in any order, on any threads,
 * and to return when all have finished. Every task writes its own part of the
 * output, so the result is bit-identical for any thread count, any order and
 * a pool that runs everything on the calling thread.
 * pthreadpool_parallelize_1d(pool, task, task_ctx, n, 0) is such a function. */
typedef void (*ups_task_fn)(void *task_ctx, size_t i);
typedef void (*ups_parallel_for_fn)(void *pool_ctx, ups_task_fn task, void *task_ctx,
                                    size_t n);

typedef struct ups_pool ups_pool;

/* An engine's pool: parallel_for(pool_ctx, ...) runs the tasks; threads is
 * how many it runs at once (>= 1; the library makes about that many tasks).
 * The library keeps both pointers, calls parallel_for only from inside the
 * *_pool calls and never from two of them at once unless the engine makes
 * those calls concurrently (then parallel_for must allow it). */
UPS_API ups_status ups_pool_create_engine(ups_parallel_for_fn parallel_for, void *pool_ctx,
                                          size_t threads, ups_pool **pool);
/* The library's own pool of `threads` threads (0 = one per logical CPU), on
 * pthreadpool. UPS_ERR_UNSUPPORTED when the library was built without
 * pthreadpool (engine pools still work then). */
UPS_API ups_status ups_pool_create_default(size_t threads, ups_pool **pool);
/* Threads the pool runs at once; 0 for NULL. */
UPS_API size_t ups_pool_threads(const ups_pool *pool);
/* NULL is allowed. Must not race with a call using the pool. */
UPS_API void ups_pool_destroy(ups_pool *pool);

/* The calls above on a pool: same validation, statuses and results bit for
 * bit; pool NULL runs on the calling thread. A pool may be shared by several
 * threads making these calls (the default pool then runs one call's tasks at
 * a time). Small problems run on the calling thread: a task is given at
 * least a few microseconds of work. */
UPS_API ups_status ups_resize_nearest_f32_pool(const ups_resize_params *p, const float *in,
                                               float *out, const ups_pool *pool);
UPS_API ups_status ups_resize_bilinear_f32_pool(const ups_resize_params *p, const float *in,
                                                float *out, const ups_pool *pool);
UPS_API ups_status ups_resize_plan_run_pool(const ups_resize_plan *plan, const float *in,
                                            float *out, const ups_pool *pool);
UPS_API ups_status ups_deconv_f32_pool(const ups_deconv_params *p, const float *in,
                                       const float *weights, const float *bias, float *out,
                                       const ups_pool *pool);
UPS_API ups_status ups_deconv_plan_run_pool(const ups_deconv_plan *plan, const float *in,
                                            float *out, const ups_pool *pool);

/* ---------------------------------------------------------------- upconv */

/* Fused upsample + convolution: out = conv2d(interpolate(in, scale_factor =
 * factor, mode), weights, bias, padding, dilation, groups), the decoder block
 * of PyTorch nn.Upsample + nn.Conv2d and Keras UpSampling2D + Conv2D. Both
 * modes run as one strided transposed convolution with per-phase summed
 * weights built at plan creation (README, "Fused upsample + convolution"):
 * of the original input for nearest, of the input with a one-pixel
 * replicate ring (a workspace) for bilinear, whose border outputs are then
 * recomputed directly. Nothing upsampled is ever written. */

/* Convolution (not transposed) weight layouts. */
typedef enum ups_conv_weight_layout {
  UPS_CW_OIHW = 0,  /* [out_c][in_c/groups][kh][kw]: PyTorch Conv2d.weight */
  UPS_CW_HWIO       /* [kh][kw][in_c/groups][out_c]: Keras Conv2D kernel */
} ups_conv_weight_layout;

typedef struct ups_upconv_params {
  ups_layout layout;              /* activations (input and output) */
  size_t n, in_c, in_h, in_w;     /* input: all >= 1 */
  size_t out_c;                   /* output channels: >= 1 */
  size_t factor_h, factor_w;      /* integer upsampling factors; 0 = 1 */
  ups_operator mode;              /* UPS_OP_NEAREST (default; PyTorch 'nearest',
                                     Keras UpSampling2D) or UPS_OP_BILINEAR
                                     (half-pixel, PyTorch align_corners=False,
                                     Keras 'bilinear'; needs a workspace, see
                                     ups_upconv_plan_run_ws) */
  size_t groups;                  /* 0 = 1; must divide in_c and out_c */
  size_t kernel_h, kernel_w;      /* >= 1 */
  size_t dilation_h, dilation_w;  /* 0 = 1 */
  size_t pad_top, pad_left, pad_bottom, pad_right; /* zero padding of the
                                     upsampled image (PyTorch padding=p is p on
                                     both sides) */
  ups_conv_weight_layout weight_layout;
  ups_isa isa;                    /* as in ups_resize_params */
} ups_upconv_params;

/* out = factor*in + pad_begin + pad_end - dilation*(kernel-1), per axis (the
 * convolution is stride 1). Validates p (not the tensor pointers); answers
 * for both modes. */
UPS_API ups_status ups_upconv_output_size(const ups_upconv_params *p, size_t *out_h,
                                          size_t *out_w);

/* u = interpolate(in, factor, mode); out[n, g*Cog+oc, y, x] = bias[g*Cog+oc] +
 * sum_{ic, ky, kx} u[n, g*Cig+ic, y-pt+ky*d, x-pl+kx*d] * w[g*Cog+oc, ic, ky, kx]
 * (u zero outside). weights: out_c * (in_c/groups) * kernel_h * kernel_w
 * floats in weight_layout. bias: out_c floats, or NULL for none. Equal to
 * create + run + destroy. */
UPS_API ups_status ups_upconv_f32(const ups_upconv_params *p, const float *in,
                                  const float *weights, const float *bias, float *out);

/* Transformed and prepacked weights for repeated calls. The plan copies what
 * it needs: weights and bias may be freed after create. */
typedef struct ups_upconv_plan ups_upconv_plan;
UPS_API ups_status ups_upconv_plan_create(const ups_upconv_params *p, const float *weights,
                                          const float *bias, ups_upconv_plan **plan);
/* Safe to call concurrently on one plan with distinct outputs. Nearest: no
 * allocation. Bilinear: allocates its workspace for the run
 * (UPS_ERR_NOMEM when that fails); ups_upconv_plan_run_ws does not. */
UPS_API ups_status ups_upconv_plan_run(const ups_upconv_plan *plan, const float *in,
                                       float *out);
/* NULL is allowed. */
UPS_API void ups_upconv_plan_destroy(ups_upconv_plan *plan);
/* The variant a plan was packed for (never UPS_ISA_AUTO); UPS_ISA_AUTO for NULL. */
UPS_API ups_isa ups_upconv_plan_isa(const ups_upconv_plan *plan);
/* On a pool, as the *_pool calls above: same results bit for bit. */
UPS_API ups_status ups_upconv_f32_pool(const ups_upconv_params *p, const float *in,
                                       const float *weights, const float *bias, float *out,
                                       const ups_pool *pool);
UPS_API ups_status ups_upconv_plan_run_pool(const ups_upconv_plan *plan, const float *in,
                                            float *out, const ups_pool *pool);
/* Bytes of workspace a run of the plan needs: 0 for nearest; for bilinear
 * n * in_c * (in_h+2) * (in_w+2) floats (the input with its replicate ring)
 * plus, per padded side, the band of the upsampled image its border outputs
 * read and those outputs (a few rows or columns). */
UPS_API ups_status ups_upconv_plan_workspace_size(const ups_upconv_plan *plan, size_t *bytes);
/* ups_upconv_plan_run_pool with the caller's workspace: no allocation, the
 * same bits. The workspace is float-aligned (else UPS_ERR_PARAM), at least
 * the size above (else UPS_ERR_SHAPE), overlaps neither in nor out (else
 * UPS_ERR_ALIAS), and may be NULL only when the size is 0 (else
 * UPS_ERR_NULL). Concurrent runs of one plan need distinct workspaces. */
UPS_API ups_status ups_upconv_plan_run_ws(const ups_upconv_plan *plan, const float *in,
                                          float *out, void *workspace, size_t workspace_bytes,
                                          const ups_pool *pool);

#ifdef __cplusplus
}
#endif

#endif /* UPSIMD_H */
