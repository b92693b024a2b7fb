// peer_opencv.cc — OpenCV cv::resize (core + imgproc) as a benchmark peer,
// on upsimd-bench's --threads (cv::setNumThreads(bench_peers_threads())): No deconvolution (cv::dnn is not a
// kernel library peer and is not used).
//
// Layouts, as a user would call it: NCHW = one single-channel CV_32F plane per
// (n, c); NHWC = one CV_32FC(c) image per batch item (c <= CV_CN_MAX).
//
// Exact mappings (OpenCV imgproc/src/resize.cpp, float data):
// - INTER_LINEAR: x_in = (x+0.5)*in/out - 0.5, clamped to [0, in-1], float
//   weights = UPS_COORD_HALF_PIXEL (PYTORCH_HALF_PIXEL too when both outputs
//   are > 1); sizes only (a given scale must equal out/in); accepted when its
//   weights are bit-identical to upsimd's for these sizes (peer_bilinear_probe).
// - INTER_NEAREST: floor(x*in/out) (double); INTER_NEAREST_EXACT:
//   floor((x+0.5)*in/out) in 16.16 fixed point. Each is accepted for any
//   upsimd nearest mode whose index map is identical for the problem's sizes
//   (peer_nearest_probe): typically ASYMMETRIC+FLOOR and
//   TF_HALF_PIXEL_FOR_NN+FLOOR / HALF_PIXEL+PREFER_CEIL.
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/core/version.hpp>
#include <opencv2/imgproc.hpp>

#include "peer_internal.h"

namespace {

// The adapter's op, handed out as the opaque bench_peer_op (its own type in an
// anonymous namespace: see peer_onednn.cc).
struct opencv_op {
  ups_resize_params p;  // resolved sizes
  int interp;
  std::string impl;
};

opencv_op *self(bench_peer_op *op) { return reinterpret_cast<opencv_op *>(op); }

enum { V_NEAREST = 0, V_NEAREST_EXACT = 1, V_LINEAR = 2 };

void single_thread() {
  const int n = bench_peers_threads();
  if (cv::getNumThreads() != n) cv::setNumThreads(n);
}

int interp_of(int variant) {
  switch (variant) {
    case V_NEAREST: return cv::INTER_NEAREST;
    case V_NEAREST_EXACT: return cv::INTER_NEAREST_EXACT;
    default: return cv::INTER_LINEAR;
  }
}

const char *interp_name(int variant) {
  switch (variant) {
    case V_NEAREST: return "INTER_NEAREST";
    case V_NEAREST_EXACT: return "INTER_NEAREST_EXACT";
    default: return "INTER_LINEAR";
  }
}

bench_peer_op *build(const ups_resize_params *p, int variant, const char **why) {
  if (p->in_h > (size_t)INT32_MAX || p->in_w > (size_t)INT32_MAX ||
      p->out_h > (size_t)INT32_MAX || p->out_w > (size_t)INT32_MAX) {
    *why = "sizes do not fit OpenCV's int";
    return nullptr;
  }
  if (p->layout == UPS_NHWC && p->c > (size_t)CV_CN_MAX) {
    *why = "NHWC needs c <= CV_CN_MAX (512) channels per cv::Mat";
    return nullptr;
  }
  try {
    single_thread();
    opencv_op *op = new opencv_op;
    op->p = *p;
    op->interp = interp_of(variant);
    op->impl = std::string("cv::resize ") + interp_name(variant) +
               (p->layout == UPS_NHWC ? " (HWC image per n)" : " (per plane)");
    return reinterpret_cast<bench_peer_op *>(op);
  } catch (const std::exception &) {
    *why = "out of memory";
  }
  return nullptr;
}

int run(bench_peer_op *handle, const float *in, float *out) {
  const opencv_op *op = self(handle);
  try {
    single_thread();
    const ups_resize_params &p = op->p;
    const int ih = (int)p.in_h, iw = (int)p.in_w, oh = (int)p.out_h, ow = (int)p.out_w;
    const cv::Size dsize(ow, oh);
    if (p.layout == UPS_NCHW) {
      const size_t planes = p.n * p.c, isz = p.in_h * p.in_w, osz = p.out_h * p.out_w;
      for (size_t i = 0; i < planes; i++) {
        const cv::Mat src(ih, iw, CV_32FC1, const_cast<float *>(in + i * isz));
        cv::Mat dst(oh, ow, CV_32FC1, out + i * osz);
        cv::resize(src, dst, dsize, 0, 0, op->interp);
        if (dst.data != (uchar *)(out + i * osz)) return -1;  // reallocated: wrong
      }
    } else {
      const int type = CV_MAKETYPE(CV_32F, (int)p.c);
      const size_t isz = p.in_h * p.in_w * p.c, osz = p.out_h * p.out_w * p.c;
      for (size_t b = 0; b < p.n; b++) {
        const cv::Mat src(ih, iw, type, const_cast<float *>(in + b * isz));
        cv::Mat dst(oh, ow, type, out + b * osz);
        cv::resize(src, dst, dsize, 0, 0, op->interp);
        if (dst.data != (uchar *)(out + b * osz)) return -1;
      }
    }
    return 0;
  } catch (const std::exception &) {
    return -1;
  }
}

void destroy(bench_peer_op *op) { delete self(op); }

const char *impl(const bench_peer_op *op) {
  return reinterpret_cast<const opencv_op *>(op)->impl.c_str();
}

bench_peer_op *resize_create(const ups_resize_params *p, int bilinear, const char **why) {
  ups_resize_params q;
  if (peer_resize_resolve(p, &q, why) != 0) return nullptr;
  if (bilinear) {
    if (q.coord == UPS_COORD_PYTORCH_HALF_PIXEL && (q.out_h == 1 || q.out_w == 1)) {
      *why = "pytorch_half_pixel with an output of size 1 (INTER_LINEAR is half_pixel)";
      return nullptr;
    }
    if (q.coord != UPS_COORD_HALF_PIXEL && q.coord != UPS_COORD_PYTORCH_HALF_PIXEL) {
      *why = "INTER_LINEAR is half_pixel only (no align_corners/asymmetric)";
      return nullptr;
    }
    if (!peer_scale_is_size_ratio(&q)) {
      *why = "scale differs from out/in (cv::resize with dsize maps with the sizes)";
      return nullptr;
    }
    const char *probe_why = nullptr;
    if (!peer_bilinear_probe(&q, V_LINEAR, build, run, destroy, &probe_why)) {
      const std::string r = probe_why ? probe_why : "";
      *why = peer_whyf("INTER_LINEAR: %s", r.c_str());
      return nullptr;
    }
    return build(&q, V_LINEAR, why);
  }
  // Try the interpolation closest to the requested mode first.
  const int order[2] = {q.coord == UPS_COORD_ASYMMETRIC ? V_NEAREST : V_NEAREST_EXACT,
                        q.coord == UPS_COORD_ASYMMETRIC ? V_NEAREST_EXACT : V_NEAREST};
  const char *w0 = nullptr, *w1 = nullptr;
  if (peer_nearest_probe(&q, order[0], build, run, destroy, &w0)) return build(&q, order[0], why);
  std::string first = w0 ? w0 : "";
  if (peer_nearest_probe(&q, order[1], build, run, destroy, &w1)) return build(&q, order[1], why);
  *why = peer_whyf("neither INTER_NEAREST nor INTER_NEAREST_EXACT equals this mode: %s",
                   first.c_str());
  return nullptr;
}

bench_peer_op *deconv_create(const ups_deconv_params *, const float *, const float *,
                             const char **why) {
  *why = "OpenCV core/imgproc has no deconvolution";
  return nullptr;
}

char version_buf[192];

const bench_peer opencv_peer = {"opencv", version_buf, resize_create, deconv_create,
                                run, destroy, impl, nullptr};

}  // namespace

extern "C" const bench_peer *bench_peer_opencv(void) {
  // Formatted on every call: the thread count may change between runs.
  [] {
    // OpenCV dispatches by CPU at run time (no cap here, as for every peer):
    // its feature line lists the baseline and, starred, the dispatched ISAs
    // this CPU has (which of them a resize path uses is OpenCV's choice).
    std::string features;
    try {
      features = cv::getCPUFeaturesLine();
    } catch (const std::exception &) {
    }
    const int n = bench_peers_threads();
    std::snprintf(version_buf, sizeof version_buf, "%s (%d thread%s, own ISA choice%s%s)",
                  CV_VERSION, n, n > 1 ? "s" : "", features.empty() ? "" : ": CPU features ",
                  features.c_str());
  }();
  return &opencv_peer;
}
