// peer_onednn.cc — oneDNN (DNNL 2.x C++ API) as a benchmark peer: resampling
// forward (nearest, linear) and deconvolution forward (direct), f32, with the
// user's nchw/nhwc activations used in place and the weights reordered once at
// create time into the layout oneDNN picks (format_tag::any): the prepacked
// comparison. Threads: Debian's libdnnl uses OpenMP, so every create and run
// sets the calling thread's OpenMP team size to upsimd-bench's --threads
// (bench_peers_threads; omp_set_num_threads of the runtime libdnnl itself
// loaded, found with dlsym). Another runtime ignores it: the version then says
// its runtime and "threads not set".)
//
// Exact mappings (oneDNN's src/cpu/resampling_utils.hpp):
// - linear: x_in = (x+0.5)*in/out - 0.5, taps clamped at both edges =
//   UPS_COORD_HALF_PIXEL (and PYTORCH_HALF_PIXEL when both outputs are > 1),
//   sizes only (a given scale must equal out/in); accepted when its weights
//   are bit-identical to upsimd's for these sizes (peer_bilinear_probe).
// - nearest: roundf((x+0.5)*in/out - 0.5) (half away from zero) = HALF_PIXEL +
//   PREFER_CEIL; accepted for any upsimd mode whose index map is the same for
//   the problem's sizes (peer_nearest_probe), e.g. PyTorch 'nearest' at
//   integer factors.
// - deconvolution: dst[oh = ih*S - PL + kh*(D+1)] += src*w (no flip, as
//   upsimd), dilation D = d-1, padding_r = pad_end - output_padding (may be
//   negative), weights {G, OC/G, IC/G, KH, KW} described with the user's strides.
// - upconv two-step: resampling (nearest or linear, the mappings above: at
//   integer factors oneDNN's nearest picks PyTorch's floor(x/f)) into an
//   intermediate the op owns, then convolution_forward (direct, format_tag::any
//   weights reordered once) with the upsampled image's zero padding.
//
// Caveat: oneDNN 2.6's jit resampling needs a 64-byte aligned dst (large
// outputs are written with non-temporal zmm stores); run() returns -1 for a
// misaligned dst rather than crash. The harness allocates aligned buffers.
#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <unordered_map>

#include "oneapi/dnnl/dnnl.hpp"
#include "peer_internal.h"

namespace {

// The adapter's op; handed out as the opaque bench_peer_op (each C++ adapter
// has its own type in an anonymous namespace: one shared struct name with
// different definitions would break the one-definition rule).
struct onednn_op {
  bool needs_aligned_dst;
  bool two_step = false;             // upconv: prim (resampling), then prim2 (convolution)
  dnnl::primitive prim2;
  dnnl::memory mid;                  // the upsampled image
  std::unordered_map<int, dnnl::memory> args2;
  dnnl::primitive prim;
  dnnl::memory src, dst, wei, bias;
  std::unordered_map<int, dnnl::memory> args;
  std::string impl;
};

onednn_op *self(bench_peer_op *op) { return reinterpret_cast<onednn_op *>(op); }
bench_peer_op *handle(onednn_op *op) { return reinterpret_cast<bench_peer_op *>(op); }

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

void single_thread() {
  using set_fn = void (*)(int);
  static const set_fn set =
      reinterpret_cast<set_fn>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  if (set) set(bench_peers_threads());
}

dnnl::engine &cpu_engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream &cpu_stream() {
  static dnnl::stream s(cpu_engine());
  return s;
}

const char *isa_name(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

const char *dnnl_why(const char *what, const std::exception &e) {
  return peer_whyf("oneDNN %s: %s", what, e.what());
}

bench_peer_op *resize_build(const ups_resize_params *p, int bilinear, const char **why) {
  try {
    single_thread();
    const tag t = p->layout == UPS_NHWC ? tag::nhwc : tag::nchw;
    const memory::dim n = (memory::dim)p->n, c = (memory::dim)p->c;
    memory::desc smd({n, c, (memory::dim)p->in_h, (memory::dim)p->in_w}, dt::f32, t);
    memory::desc dmd({n, c, (memory::dim)p->out_h, (memory::dim)p->out_w}, dt::f32, t);
    dnnl::resampling_forward::desc d(
        dnnl::prop_kind::forward_inference,
        bilinear ? dnnl::algorithm::resampling_linear : dnnl::algorithm::resampling_nearest,
        smd, dmd);
    dnnl::resampling_forward::primitive_desc pd(d, cpu_engine());
    onednn_op *op = new onednn_op();
    op->prim = dnnl::resampling_forward(pd);
    op->src = memory(smd, cpu_engine(), nullptr);
    op->dst = memory(dmd, cpu_engine(), nullptr);
    op->args = {{DNNL_ARG_SRC, op->src}, {DNNL_ARG_DST, op->dst}};
    op->impl = pd.impl_info_str();
    op->needs_aligned_dst = op->impl.compare(0, 4, "jit:") == 0;
    return handle(op);
  } catch (const std::bad_alloc &) {
    *why = "out of memory";
  } catch (const std::exception &e) {
    *why = dnnl_why("resampling", e);
  }
  return nullptr;
}

int run(bench_peer_op *handle_, const float *in, float *out) {
  onednn_op *op = self(handle_);
  // oneDNN 2.6's jit resampling writes large outputs with 64-byte
  // non-temporal stores (vmovntps zmm) without checking the user pointer's
  // alignment: a dst that is not 64-byte aligned crashes. Refuse instead.
  if (op->needs_aligned_dst && (reinterpret_cast<uintptr_t>(out) & 63u) != 0) return -1;
  try {
    single_thread();
    op->src.set_data_handle(const_cast<float *>(in));
    op->dst.set_data_handle(out);
    if (op->two_step) {
      op->src.set_data_handle(const_cast<float *>(in));
      op->prim.execute(cpu_stream(), op->args);  // in -> mid
      op->dst.set_data_handle(out);
      op->prim2.execute(cpu_stream(), op->args2);  // mid -> out
      cpu_stream().wait();
      return 0;
    }
    op->prim.execute(cpu_stream(), op->args);
    cpu_stream().wait();
    return 0;
  } catch (const std::exception &) {
    return -1;
  }
}

void destroy(bench_peer_op *op) { delete self(op); }

const char *impl(const bench_peer_op *op) {
  return reinterpret_cast<const onednn_op *>(op)->impl.c_str();
}

bench_peer_op *resize_create(const ups_resize_params *p, int bilinear, const char **why) {
  ups_resize_params q;
  if (peer_resize_resolve(p, &q, why) != 0) return nullptr;
  if (bilinear) {
    const int out1 = q.out_h == 1 || q.out_w == 1;
    if (q.coord == UPS_COORD_PYTORCH_HALF_PIXEL && out1) {
      *why = "pytorch_half_pixel with an output of size 1 (oneDNN linear is half_pixel)";
      return nullptr;
    }
    if (q.coord != UPS_COORD_HALF_PIXEL && q.coord != UPS_COORD_PYTORCH_HALF_PIXEL) {
      *why = "oneDNN linear is half_pixel only (no align_corners/asymmetric)";
      return nullptr;
    }
    if (!peer_scale_is_size_ratio(&q)) {
      *why = "scale differs from out/in (oneDNN maps with the sizes)";
      return nullptr;
    }
    const char *probe_why = nullptr;
    if (!peer_bilinear_probe(&q, 1, resize_build, run, destroy, &probe_why)) {
      const std::string r = probe_why ? probe_why : "";
      *why = peer_whyf("oneDNN linear: %s", r.c_str());
      return nullptr;
    }
    return resize_build(&q, 1, why);
  }
  const char *probe_why = nullptr;
  if (!peer_nearest_probe(&q, 0, resize_build, run, destroy, &probe_why)) {
    const std::string r = probe_why ? probe_why : "";
    *why = peer_whyf("oneDNN nearest is half_pixel+round_prefer_ceil: %s", r.c_str());
    return nullptr;
  }
  return resize_build(&q, 0, why);
}

// The geometry both convolution ops share (ups_deconv_params and
// ups_upconv_params name these fields alike), defaults resolved.
struct conv_geom {
  memory::dim G, N, IC, OC, Cig, Cog, KH, KW, DH, DW, IH, IW;
  tag t;
};

template <class P>
conv_geom geom_of(const P *p) {
  conv_geom c;
  c.G = (memory::dim)(p->groups ? p->groups : 1);
  c.N = (memory::dim)p->n;
  c.IC = (memory::dim)p->in_c;
  c.OC = (memory::dim)p->out_c;
  c.Cig = c.IC / c.G;
  c.Cog = c.OC / c.G;
  c.KH = (memory::dim)p->kernel_h;
  c.KW = (memory::dim)p->kernel_w;
  c.DH = (memory::dim)(p->dilation_h ? p->dilation_h : 1);
  c.DW = (memory::dim)(p->dilation_w ? p->dilation_w : 1);
  c.IH = (memory::dim)p->in_h;
  c.IW = (memory::dim)p->in_w;
  c.t = p->layout == UPS_NHWC ? tag::nhwc : tag::nchw;
  return c;
}

// The user's weights described with strides: logical dims {G, OC/G, IC/G,
// KH, KW} (or {OC, IC, KH, KW} when G == 1). Every upsimd weight layout keeps
// one channel axis "a" next to the group (in for deconv, out for conv) and
// the other, "b", per group: [G*Ca][Cb][KH][KW] when spatial_last (IOHW,
// OIHW), else [KH][KW][Cb][G*Ca] (HWOI, HWIO).
memory::desc user_weights(const conv_geom &c, bool a_is_in, bool spatial_last) {
  const memory::dim Ca = a_is_in ? c.Cig : c.Cog, Cb = a_is_in ? c.Cog : c.Cig;
  memory::dim sg, sa, sb, sy, sx;
  if (spatial_last) {
    sx = 1;
    sy = c.KW;
    sb = c.KH * c.KW;
    sa = Cb * sb;
    sg = Ca * sa;
  } else {
    sa = 1;
    sg = Ca;
    sb = c.G * Ca;
    sx = Cb * sb;
    sy = c.KW * sx;
  }
  const memory::dim si = a_is_in ? sa : sb, so = a_is_in ? sb : sa;
  if (c.G > 1) return memory::desc({c.G, c.Cog, c.Cig, c.KH, c.KW}, dt::f32, {sg, so, si, sy, sx});
  return memory::desc({c.OC, c.IC, c.KH, c.KW}, dt::f32, {so, si, sy, sx});
}

// A (de)convolution forward primitive descriptor, direct algorithm, with the
// weights in the layout oneDNN picks; with a bias when has_bias.
template <class Prim>
typename Prim::primitive_desc conv_pd(dnnl::algorithm alg, const conv_geom &c,
                                      const memory::desc &src, const memory::desc &dst,
                                      const memory::dims &strides, const memory::dims &pad_l,
                                      const memory::dims &pad_r, bool has_bias) {
  const memory::desc any_wmd = c.G > 1 ? memory::desc({c.G, c.Cog, c.Cig, c.KH, c.KW}, dt::f32,
                                                      tag::any)
                                       : memory::desc({c.OC, c.IC, c.KH, c.KW}, dt::f32, tag::any);
  const memory::desc bmd({c.OC}, dt::f32, tag::a);
  const memory::dims dil = {c.DH - 1, c.DW - 1};
  const auto prop = dnnl::prop_kind::forward_inference;
  const typename Prim::desc d =
      has_bias ? typename Prim::desc(prop, alg, src, any_wmd, bmd, dst, strides, dil, pad_l, pad_r)
               : typename Prim::desc(prop, alg, src, any_wmd, dst, strides, dil, pad_l, pad_r);
  return typename Prim::primitive_desc(d, cpu_engine());
}

// The op's packed weights (the user's reordered into wei_md, once) and bias
// (copied), added to args.
void pack_weights(onednn_op *op, std::unordered_map<int, memory> &args,
                  const memory::desc &user_wmd, const float *weights, const memory::desc &wei_md,
                  const float *bias, const memory::desc &bias_md, memory::dim OC) {
  op->wei = memory(wei_md, cpu_engine());
  memory user_w(user_wmd, cpu_engine(), const_cast<float *>(weights));
  dnnl::reorder(user_w, op->wei).execute(cpu_stream(), user_w, op->wei);
  cpu_stream().wait();
  args.insert({DNNL_ARG_WEIGHTS, op->wei});
  if (bias) {
    op->bias = memory(bias_md, cpu_engine());
    std::memcpy(op->bias.get_data_handle(), bias, (size_t)OC * sizeof(float));
    args.insert({DNNL_ARG_BIAS, op->bias});
  }
}

bench_peer_op *deconv_create(const ups_deconv_params *p, const float *weights,
                             const float *bias, const char **why) {
  size_t oh = 0, ow = 0;
  if (peer_deconv_resolve(p, &oh, &ow, why) != 0) return nullptr;
  try {
    single_thread();
    const conv_geom c = geom_of(p);
    const memory::dim SH = (memory::dim)(p->stride_h ? p->stride_h : 1),
                      SW = (memory::dim)(p->stride_w ? p->stride_w : 1);
    memory::desc smd({c.N, c.IC, c.IH, c.IW}, dt::f32, c.t);
    memory::desc dmd({c.N, c.OC, (memory::dim)oh, (memory::dim)ow}, dt::f32, c.t);
    const memory::dims pad_l = {(memory::dim)p->pad_top, (memory::dim)p->pad_left};
    const memory::dims pad_r = {(memory::dim)p->pad_bottom - (memory::dim)p->out_pad_h,
                                (memory::dim)p->pad_right - (memory::dim)p->out_pad_w};
    const auto pd = conv_pd<dnnl::deconvolution_forward>(
        dnnl::algorithm::deconvolution_direct, c, smd, dmd, {SH, SW}, pad_l, pad_r, bias);

    onednn_op *op = new onednn_op();
    op->needs_aligned_dst = false;
    op->prim = dnnl::deconvolution_forward(pd);
    op->src = memory(smd, cpu_engine(), nullptr);
    op->dst = memory(dmd, cpu_engine(), nullptr);
    op->args = {{DNNL_ARG_SRC, op->src}, {DNNL_ARG_DST, op->dst}};
    // IOHW [G*Cig][Cog][KH][KW], HWOI [KH][KW][Cog][G*Cig]
    pack_weights(op, op->args, user_weights(c, true, p->weight_layout == UPS_W_IOHW), weights,
                 pd.weights_desc(), bias, pd.bias_desc(), c.OC);
    op->impl = pd.impl_info_str();
    return handle(op);
  } catch (const std::bad_alloc &) {
    *why = "out of memory";
  } catch (const std::exception &e) {
    *why = dnnl_why("deconvolution", e);
  }
  return nullptr;
}

bench_peer_op *upconv_create(const ups_upconv_params *p, const float *weights, const float *bias,
                             const char **why) {
  size_t oh = 0, ow = 0;
  if (ups_upconv_output_size(p, &oh, &ow) != UPS_OK) {
    *why = "invalid upconv";
    return nullptr;
  }
  const memory::dim FH = (memory::dim)(p->factor_h ? p->factor_h : 1),
                    FW = (memory::dim)(p->factor_w ? p->factor_w : 1);
  try {
    single_thread();
    const conv_geom c = geom_of(p);
    memory::desc smd({c.N, c.IC, c.IH, c.IW}, dt::f32, c.t);
    memory::desc mmd({c.N, c.IC, c.IH * FH, c.IW * FW}, dt::f32, c.t);
    memory::desc dmd({c.N, c.OC, (memory::dim)oh, (memory::dim)ow}, dt::f32, c.t);
    const bool nearest = p->mode == UPS_OP_NEAREST;
    dnnl::resampling_forward::desc rd(
        dnnl::prop_kind::forward_inference,
        nearest ? dnnl::algorithm::resampling_nearest : dnnl::algorithm::resampling_linear, smd,
        mmd);
    dnnl::resampling_forward::primitive_desc rpd(rd, cpu_engine());
    const memory::dims pad_l = {(memory::dim)p->pad_top, (memory::dim)p->pad_left};
    const memory::dims pad_r = {(memory::dim)p->pad_bottom, (memory::dim)p->pad_right};
    const auto cpd = conv_pd<dnnl::convolution_forward>(dnnl::algorithm::convolution_direct, c,
                                                        mmd, dmd, {1, 1}, pad_l, pad_r, bias);

    onednn_op *op = new onednn_op();
    op->two_step = true;
    op->needs_aligned_dst = false;  // the resampling writes the op's own (aligned) buffer
    op->prim = dnnl::resampling_forward(rpd);
    op->prim2 = dnnl::convolution_forward(cpd);
    op->src = memory(smd, cpu_engine(), nullptr);
    op->mid = memory(mmd, cpu_engine());  // oneDNN allocates it (aligned)
    op->dst = memory(dmd, cpu_engine(), nullptr);
    op->args = {{DNNL_ARG_SRC, op->src}, {DNNL_ARG_DST, op->mid}};
    op->args2 = {{DNNL_ARG_SRC, op->mid}, {DNNL_ARG_DST, op->dst}};
    // OIHW [G*Cog][Cig][KH][KW], HWIO [KH][KW][Cig][G*Cog]
    pack_weights(op, op->args2, user_weights(c, false, p->weight_layout == UPS_CW_OIHW), weights,
                 cpd.weights_desc(), bias, cpd.bias_desc(), c.OC);
    op->impl = std::string(rpd.impl_info_str()) + " + " + cpd.impl_info_str();
    return handle(op);
  } catch (const std::bad_alloc &) {
    *why = "out of memory";
  } catch (const std::exception &e) {
    *why = dnnl_why("resampling + convolution", e);
  }
  return nullptr;
}

char version_buf[128];

const bench_peer onednn_peer = {"onednn", version_buf, resize_create, deconv_create,
                                run, destroy, impl, upconv_create};

}  // namespace

extern "C" const bench_peer *bench_peer_onednn(void) {
  // Formatted on every call: the thread count may change between runs.
  [] {
    const dnnl_version_t *v = dnnl_version();
    // No ISA cap: oneDNN runs its own choice (its best on this CPU, e.g.
    // avx512_core), like XNNPACK and OpenCV, and the roofs of peer rows are
    // taken against the widest FMA probe. oneDNN itself still honours
    // ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA (e.g. AVX2 for an ISA-matched
    // run); the effective ISA below and each row's impl say what ran.
    const char *isa = "?";
    try {
      isa = isa_name(dnnl::get_effective_cpu_isa());
    } catch (const std::exception &) {
    }
    const char *rt = v->cpu_runtime == DNNL_RUNTIME_OMP   ? "omp"
                     : v->cpu_runtime == DNNL_RUNTIME_TBB ? "tbb"
                     : v->cpu_runtime == DNNL_RUNTIME_SEQ ? "seq"
                                                          : "other";
    const char *cap_var = "ONEDNN_MAX_CPU_ISA", *cap = std::getenv(cap_var);
    if (!cap) cap = std::getenv(cap_var = "DNNL_MAX_CPU_ISA");
    const int n = bench_peers_threads();
    const bool omp = v->cpu_runtime == DNNL_RUNTIME_OMP;
    char threads[48];
    std::snprintf(threads, sizeof threads, "%d thread%s%s", omp ? n : 1, omp && n > 1 ? "s" : "",
                  !omp && n > 1 ? " (threads not set: not OpenMP)" : "");
    std::snprintf(version_buf, sizeof version_buf, "%d.%d.%d (%s runtime, %s, isa %s%s%s%s%s)",
                  v->major, v->minor, v->patch, rt, threads, isa, cap ? ", capped by " : "",
                  cap ? cap_var : "", cap ? "=" : "", cap ? cap : "");
  }();
  return &onednn_peer;
}
