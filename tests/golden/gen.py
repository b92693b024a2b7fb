#!/usr/bin/python3
"""gen.py — writes the golden vectors of upsimd (tests/golden/cases.txt and
tests/golden/data/*.bin) that tests/test_golden.c checks every variant against.

Run by hand (not in CI), from anywhere:  /usr/bin/python3 tests/golden/gen.py
It needs PyTorch (Debian python3-torch; the committed vectors were made with the
version written in the manifest header) and numpy. Seeds are fixed: two runs
with the same PyTorch give byte-identical files.

Format
------
cases.txt is text. Lines starting with '#' are comments. Every other line is one
case: space-separated key=value fields (no spaces inside values).

  common   name=<unique id> op=nearest|bilinear|deconv|upconv oracle=<see below>
           layout=nchw|nhwc n=<batch> file=<path of the .bin, relative to
           tests/golden/>
  resize   c in_h in_w out_h out_w scale_h scale_w (float32 values printed with
           9 significant digits, so strtof gives back the exact float; 0 = none)
           coord=half_pixel|pytorch_half_pixel|align_corners|asymmetric|
                 tf_half_pixel_for_nn
           round=prefer_floor|prefer_ceil|floor|ceil   (nearest only)
  deconv   in_c in_h in_w out_c groups kh kw sh sw dh dw pt pl pb pr oph opw
           out_h out_w wlayout=iohw|hwoi bias=0|1
           (pt/pl/pb/pr = pad top/left/bottom/right, oph/opw = output padding,
           as in ups_deconv_params)
  upconv   in_c in_h in_w out_c groups fh fw mode=nearest|bilinear kh kw dh dw
           pt pl pb pr out_h out_w wlayout=oihw|hwio bias=0|1
           (fh/fw = integer upsampling factors, pads of the upsampled image, as
           in ups_upconv_params)

The .bin file is little-endian float32, the arrays back to back, no header:
  nearest   input, expected output
  bilinear  input, expected output, maxtap (one per output element: max|x| over
            the 4 input taps the exact-arithmetic definition reads; when the
            exact source coordinate is within 1e-4 of an integer the taps on
            both sides are included, so float rounding cannot pick a tap that
            the bound does not cover)
  deconv    input, weights (in wlayout), bias (out_c values, only when bias=1),
            expected output, absbound (one per output element: sum|w*x| over the
            output's terms + |bias|, computed in float64 with |x|, |w|, |b|)
  upconv    input, weights (in wlayout), bias (only when bias=1), expected
            output, absbound (sum|w*u| + |bias| over the convolution's terms,
            u = the upsampled |x|, in float64)
Tensors are dense in their layout: nchw [n][c][h][w], nhwc [n][h][w][c];
weights iohw [in_c][out_c/groups][kh][kw] (PyTorch), hwoi [kh][kw][out_c/groups]
[in_c] (Keras); upconv oihw [out_c][in_c/groups][kh][kw] (PyTorch Conv2d), hwio
[kh][kw][in_c/groups][out_c] (Keras Conv2D). The C test checks each file's length against these sizes.

Oracles (the `oracle` field)
----------------------------
  torch      PyTorch: F.interpolate (nearest, nearest-exact, bilinear with
             align_corners False/True), F.conv_transpose2d and, for upconv,
             F.conv2d(F.pad(F.interpolate(x, scale_factor, mode))), float32, CPU.
  tf1, tf2   an independent float32 numpy implementation of TensorFlow's
             resize_nearest_neighbor (tf1: align_corners=True -> roundf of
             x*((in-1)/(out-1)); tf2: half_pixel_centers -> floorf((x+0.5)*in/out)),
             written from TF's definition in float32 as TF computes it.
  onnx       an independent implementation of the ONNX Resize definition in
             exact rational arithmetic (fractions.Fraction); for nearest the
             result is also computed with float32 ONNX formulas (division by
             scale) and the case is only written when both agree, so no
             rounding order can change the expected indices; for bilinear the
             exact result is rounded to float32 (within the tolerance of any
             float32 implementation).

Why the resize inputs have C >= 2 and NCHW: PyTorch 1.13 sends C == 1 and
channels_last inputs to another nearest kernel whose indices differ for
non-integer scale_factor (it special-cases out == in and out == 2*in whatever
the scale_factor). So every resize case is computed by torch on a contiguous
NCHW tensor with C >= 2; NHWC cases are that result permuted, and the C == 1
cases are channel 0 of it (channels are independent).

Sanity checks done here (the script stops if one fails): every torch nearest
output is a copy of an input element; every torch bilinear output is within
2*FLT_EPSILON*maxtap (half the test's tolerance) of the exact value of
PyTorch's definition (ATen rounds the ratio in/out, or 1/scale_factor, or
(in-1)/(out-1), to float32; coordinates and weights follow exactly from that
float); every torch deconv output is within K*FLT_EPSILON*absbound of the
float64 result (half the test's tolerance).
"""
import math
import os
import shutil
import sys
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
EPS = float(np.finfo(np.float32).eps)
f32 = np.float32

lines = []
total_bytes = 0
seed_counter = [1000]


def rng():
    """A fresh generator per case, seeded by the case's position: a case added
    at the end of main() leaves every earlier case's vectors unchanged (one
    inserted before others reseeds those after it)."""
    seed_counter[0] += 1
    return np.random.default_rng(seed_counter[0])


def rand(shape, r):
    return r.uniform(-1.0, 1.0, size=shape).astype(np.float32)


def fmt_scale(s):
    return "0" if s == 0 else "%.9g" % float(f32(s))


def emit(fields, arrays):
    """Writes one case: a manifest line and its .bin."""
    global total_bytes
    name = fields["name"]
    assert all(name != l.split()[0][5:] for l in lines), "duplicate case " + name
    rel = "data/%s.bin" % name
    fields = dict(fields)
    fields["file"] = rel
    blob = np.concatenate([np.ascontiguousarray(a, dtype="<f4").ravel() for a in arrays])
    blob.tofile(os.path.join(HERE, rel))
    total_bytes += blob.nbytes
    lines.append(" ".join("%s=%s" % (k, v) for k, v in fields.items()))


def nhwc(t):
    return np.ascontiguousarray(np.transpose(t, (0, 2, 3, 1)))


# ------------------------------------------------------------------ resize helpers

def torch_ratio(inn, out, scale, coord):
    """ATen's area_pixel_compute_scale<float>: input units per output unit,
    rounded to float32 (so PyTorch's coordinates are built on this float)."""
    if coord == "align_corners":
        return Fraction(float(f32(inn - 1) / f32(out - 1))) if out > 1 else Fraction(0)
    if scale:
        return Fraction(float(f32(1.0 / float(f32(scale)))))
    return Fraction(float(f32(inn) / f32(out)))


def onnx_length(inn, out, scale):
    """ONNX Resize's length_resized: with scales, output_width = scale * in, a
    fractional number when in*scale is not an integer (the spec's
    coordinate_transformation_mode text; its reference op_resize.py computes
    output_width = scale_factor * input_width); with sizes, the size."""
    return Fraction(float(f32(scale))) * inn if scale else Fraction(out)


def exact_coord(o, inn, out, scale, coord, torch_def=False):
    """The source coordinate in exact arithmetic. scale: out/in as given (a
    float32 value) or 0 for out/in from the sizes. ONNX Resize's definition, or
    with torch_def PyTorch's: the same formulas on ATen's float32 ratio."""
    s = Fraction(float(f32(scale))) if scale else Fraction(out, inn)
    length = onnx_length(inn, out, scale)
    if torch_def:
        r = torch_ratio(inn, out, scale, coord)
        s = 1 / r if r else None
    if coord == "half_pixel":
        return (o + Fraction(1, 2)) / s - Fraction(1, 2)
    if coord == "pytorch_half_pixel":
        # ONNX: x_original = length_resized > 1 ? (x_resized + 0.5) / scale - 0.5 : 0
        return (o + Fraction(1, 2)) / s - Fraction(1, 2) if length > 1 else Fraction(0)
    if coord == "align_corners":
        if torch_def:
            return r * o
        # ONNX: x_original = x_resized * (length_original - 1) / (length_resized - 1)
        return o * (inn - 1) / (length - 1) if out > 1 and length > 1 else Fraction(0)
    if coord == "asymmetric":
        return o / s
    if coord == "tf_half_pixel_for_nn":
        return (o + Fraction(1, 2)) / s
    raise ValueError(coord)


def round_exact(x, rnd):
    """ONNX nearest_mode on an exact Fraction."""
    if rnd == "floor":
        return math.floor(x)
    if rnd == "ceil":
        return math.ceil(x)
    fl = math.floor(x)
    if x - fl == Fraction(1, 2):
        return fl if rnd == "prefer_floor" else fl + 1
    return math.floor(x + Fraction(1, 2))


def round_f32(x, rnd):
    """The same rounding on a float32 value, written the way ONNX Runtime does."""
    if rnd == "floor":
        return math.floor(x)
    if rnd == "ceil":
        return math.ceil(x)
    if rnd == "prefer_floor":
        return math.ceil(float(f32(x) - f32(0.5))) if x == math.floor(x) + 0.5 else round(x)
    return math.floor(float(f32(x) + f32(0.5)))


def onnx_f32_coord(o, inn, out, scale, coord):
    """ONNX's formulas in float32, dividing by the scale (not multiplying by its
    inverse as PyTorch and upsimd do): a second rounding order."""
    s = f32(scale) if scale else f32(out) / f32(inn)
    # length_resized rounded to float32 (another rounding of in*scale).
    length = f32(inn) * f32(scale) if scale else f32(out)
    x = f32(o)
    if coord in ("half_pixel", "pytorch_half_pixel"):
        if coord == "pytorch_half_pixel" and not length > 1:
            return f32(0)
        return (x + f32(0.5)) / s - f32(0.5)
    if coord == "align_corners":
        return x * f32(inn - 1) / (length - f32(1)) if out > 1 and length > 1 else f32(0)
    if coord == "asymmetric":
        return x / s
    if coord == "tf_half_pixel_for_nn":
        return (x + f32(0.5)) / s
    raise ValueError(coord)


def clampi(i, inn):
    return min(max(i, 0), inn - 1)


def nearest_axis(oracle, inn, out, scale, coord, rnd):
    idx = []
    for o in range(out):
        if oracle == "tf2":  # TF HalfPixelScalerForNN + floorf, scale = in/out in float
            assert coord == "tf_half_pixel_for_nn" and rnd == "floor" and scale == 0
            ratio = f32(inn) / f32(out)
            i = math.floor((f32(o) + f32(0.5)) * ratio)
        elif oracle == "tf1":  # TF LegacyScaler + roundf, align_corners=True
            assert coord == "align_corners" and rnd == "prefer_ceil"
            ratio = f32(inn - 1) / f32(out - 1) if out > 1 else f32(0)
            v = f32(o) * ratio
            i = math.floor(v + 0.5)  # roundf: half away from zero; v >= 0
        else:
            e = round_exact(exact_coord(o, inn, out, scale, coord), rnd)
            g = round_f32(float(onnx_f32_coord(o, inn, out, scale, coord)), rnd)
            assert clampi(e, inn) == clampi(g, inn), ("rounding-sensitive case", inn, out, o)
            i = e
        idx.append(clampi(i, inn))
    return idx


def linear_axis(inn, out, scale, coord, torch_def):
    """Exact source coordinates (clamped as upsimd/PyTorch do) -> (i0, i1, w1),
    plus the tap set used for the tolerance."""
    res = []
    for o in range(out):
        x = exact_coord(o, inn, out, scale, coord, torch_def)
        if coord in ("half_pixel", "pytorch_half_pixel") and x < 0:
            x = Fraction(0)
        lo = clampi(math.floor(x), inn)
        hi = min(lo + 1, inn - 1)
        w1 = min(max(x - lo, Fraction(0)), Fraction(1))
        taps = {lo, hi}
        near = round(x)
        if abs(x - near) < Fraction(1, 10000):
            taps |= {clampi(near - 1, inn), clampi(near, inn), clampi(near + 1, inn)}
        res.append((lo, hi, float(w1), sorted(taps)))
    return res


def bilinear_exact(x, oh, ow, sh, sw, coord, torch_def):
    """float64 bilinear on NCHW x with exact coordinates; returns (out, maxtap)."""
    n, c, ih, iw = x.shape
    ay = linear_axis(ih, oh, sh, coord, torch_def)
    ax = linear_axis(iw, ow, sw, coord, torch_def)
    xd = x.astype(np.float64)
    out = np.zeros((n, c, oh, ow))
    mt = np.zeros((n, c, oh, ow))
    for y, (y0, y1, wy, ty) in enumerate(ay):
        for xx, (x0, x1, wx, tx) in enumerate(ax):
            top = xd[:, :, y0, x0] * (1 - wx) + xd[:, :, y0, x1] * wx
            bot = xd[:, :, y1, x0] * (1 - wx) + xd[:, :, y1, x1] * wx
            out[:, :, y, xx] = top * (1 - wy) + bot * wy
            mt[:, :, y, xx] = np.abs(xd[:, :, ty][:, :, :, tx]).max(axis=(2, 3))
    return out, mt


def torch_resize(x, mode, oh, ow, sh, sw, align_corners=None):
    kw = {}
    if sh or sw:
        assert sh and sw
        kw["scale_factor"] = (float(f32(sh)), float(f32(sw)))
        kw["recompute_scale_factor"] = False
    else:
        kw["size"] = (oh, ow)
    if align_corners is not None:
        kw["align_corners"] = align_corners
    y = F.interpolate(torch.from_numpy(x), mode=mode, **kw).numpy()
    assert y.shape[2:] == (oh, ow), (y.shape, oh, ow)
    return y


def out_size(inn, scale):
    return int(math.floor(inn * float(f32(scale))))


def resize_case(op, oracle, tag, n, c, ih, iw, oh, ow, sh, sw, coord, rnd=None, c1=False,
                values=None, named=None):
    """Computes one resize (NCHW, C >= 2 for torch) and emits the NCHW and NHWC
    cases, and the C == 1 ones (channel 0) when c1."""
    if sh:
        assert oh == out_size(ih, sh) and ow == out_size(iw, sw)
    x = values if values is not None else rand((n, c, ih, iw), rng())
    assert oracle != "torch" or c >= 2
    maxtap = None
    if op == "nearest":
        if oracle == "torch":
            mode = {("asymmetric", "floor"): "nearest",
                    ("half_pixel", "prefer_ceil"): "nearest-exact"}[(coord, rnd)]
            y = torch_resize(x, mode, oh, ow, sh, sw)
        else:
            iy = nearest_axis(oracle, ih, oh, sh, coord, rnd)
            ix = nearest_axis(oracle, iw, ow, sw, coord, rnd)
            y = x[:, :, iy][:, :, :, ix]
        # torch's nearest is a copy: it must equal some input element exactly.
        assert np.isin(y, x).all()
    else:
        exact, maxtap = bilinear_exact(x, oh, ow, sh, sw, coord, oracle == "torch")
        if oracle == "torch":
            ac = {"half_pixel": False, "align_corners": True}[coord]
            if not ac and sh:
                # PyTorch copies an axis whose out == in whatever the scale;
                # upsimd (like ONNX) interpolates with the given scale.
                assert (oh != ih or float(f32(sh)) == 1.0) and (ow != iw or float(f32(sw)) == 1.0)
            y = torch_resize(x, "bilinear", oh, ow, sh if not ac else 0, sw if not ac else 0, ac)
            err = np.abs(y.astype(np.float64) - exact)
            assert (err <= 2 * EPS * maxtap).all(), ("torch bilinear far from exact", tag,
                                                     float((err / (maxtap + 1e-30)).max() / EPS))
        else:
            y = exact.astype(np.float32)
    y = y.astype(np.float32)
    variants = [("", c, x, y, maxtap)]
    if c1:
        variants.append(("_c1", 1, x[:, :1], y[:, :1], None if maxtap is None else maxtap[:, :1]))
    for suffix, cc, xi, yi, mi in variants:
        for lay in ("nchw", "nhwc"):
            conv = (lambda t: np.ascontiguousarray(t)) if lay == "nchw" else nhwc
            fields = {"name": "%s_%s%s_%s" % (op, tag, suffix, lay), "op": op, "oracle": oracle,
                      "layout": lay, "n": n, "c": cc, "in_h": ih, "in_w": iw, "out_h": oh,
                      "out_w": ow, "scale_h": fmt_scale(sh), "scale_w": fmt_scale(sw),
                      "coord": coord}
            if op == "nearest":
                fields["round"] = rnd
            arrays = [conv(xi), conv(yi)]
            if op == "bilinear":
                arrays.append(conv(mi))
            emit(fields, arrays)
    return x, y


# ------------------------------------------------------------------ deconv helpers

def deconv_case(tag, n, in_c, out_c, ih, iw, k, s=1, d=1, groups=1, pads=(0, 0, 0, 0), op=(0, 0),
                bias=True, x=None, w=None, b=None, layouts=("nchw", "nhwc"),
                wlayouts=("iohw", "hwoi")):
    """pads = (top, left, bottom, right), k/s/d ints or (h, w) pairs. torch runs
    with padding 0 and the result is cropped, so pads may be asymmetric."""
    kh, kw = (k, k) if isinstance(k, int) else k
    sh, sw = (s, s) if isinstance(s, int) else s
    dh, dw = (d, d) if isinstance(d, int) else d
    pt, pl, pb, pr = pads
    oph, opw = op
    r = rng()
    if x is None:
        x = rand((n, in_c, ih, iw), r)
    if w is None:
        w = rand((in_c, out_c // groups, kh, kw), r)
    if bias and b is None:
        b = rand((out_c,), r)
    if not bias:
        b = None
    tx, tw = torch.from_numpy(x), torch.from_numpy(w)
    tb = torch.from_numpy(b) if bias else None
    full = F.conv_transpose2d(tx, tw, tb, stride=(sh, sw), padding=0, output_padding=(oph, opw),
                              groups=groups, dilation=(dh, dw))
    fh, fw = full.shape[2:]
    y = full[:, :, pt:fh - pb, pl:fw - pr].numpy()
    oh, ow = y.shape[2:]
    assert oh == (ih - 1) * sh - pt - pb + dh * (kh - 1) + oph + 1 and oh >= 1
    assert ow == (iw - 1) * sw - pl - pr + dw * (kw - 1) + opw + 1 and ow >= 1
    if pt == pb and pl == pr:  # symmetric: torch's own padding must agree with the crop
        y2 = F.conv_transpose2d(tx, tw, tb, stride=(sh, sw), padding=(pt, pl),
                                output_padding=(oph, opw), groups=groups, dilation=(dh, dw))
        assert np.array_equal(y, y2.numpy())
    ab = F.conv_transpose2d(tx.double().abs(), tw.double().abs(),
                            tb.double().abs() if bias else None, stride=(sh, sw),
                            output_padding=(oph, opw), groups=groups, dilation=(dh, dw))
    ab = ab[:, :, pt:fh - pb, pl:fw - pr].numpy()
    y64 = F.conv_transpose2d(tx.double(), tw.double(), tb.double() if bias else None,
                             stride=(sh, sw), output_padding=(oph, opw), groups=groups,
                             dilation=(dh, dw))[:, :, pt:fh - pb, pl:fw - pr].numpy()
    kterms = in_c // groups * kh * kw + (1 if bias else 0)
    assert (np.abs(y - y64) <= kterms * EPS * ab).all(), "torch deconv far from float64"
    for lay in layouts:
        conv = (lambda t: np.ascontiguousarray(t)) if lay == "nchw" else nhwc
        for wl in wlayouts:
            wa = w if wl == "iohw" else np.ascontiguousarray(np.transpose(w, (2, 3, 1, 0)))
            fields = {"name": "deconv_%s_%s_%s" % (tag, lay, wl), "op": "deconv",
                      "oracle": "torch", "layout": lay, "n": n, "in_c": in_c, "in_h": ih,
                      "in_w": iw, "out_c": out_c, "groups": groups, "kh": kh, "kw": kw,
                      "sh": sh, "sw": sw, "dh": dh, "dw": dw, "pt": pt, "pl": pl, "pb": pb,
                      "pr": pr, "oph": oph, "opw": opw, "out_h": oh, "out_w": ow,
                      "wlayout": wl, "bias": 1 if bias else 0}
            arrays = [conv(x), wa] + ([b] if bias else []) + [conv(y), conv(ab.astype(np.float32))]
            emit(fields, arrays)
    return y


def upconv_case(tag, n, in_c, out_c, ih, iw, f, k, d=1, groups=1, pads=(0, 0, 0, 0),
                mode="nearest", bias=True, layouts=("nchw", "nhwc"), wlayouts=("oihw", "hwio")):
    """conv2d(interpolate(x, scale_factor=f, mode), w, b, dilation, groups) with
    pads = (top, left, bottom, right) of the upsampled image (F.pad first, so
    pads may be asymmetric); f/k/d ints or (h, w) pairs."""
    fh, fw = (f, f) if isinstance(f, int) else f
    kh, kw = (k, k) if isinstance(k, int) else k
    dh, dw = (d, d) if isinstance(d, int) else d
    pt, pl, pb, pr = pads
    r = rng()
    x = rand((n, in_c, ih, iw), r)
    w = rand((out_c, in_c // groups, kh, kw), r)
    b = rand((out_c,), r) if bias else None
    kw_up = {"mode": mode} if mode == "nearest" else {"mode": mode, "align_corners": False}

    def run(xx, ww, bb):
        u = F.interpolate(xx, scale_factor=(fh, fw), **kw_up)
        assert u.shape[2:] == (ih * fh, iw * fw)
        return F.conv2d(F.pad(u, (pl, pr, pt, pb)), ww, bb, dilation=(dh, dw), groups=groups)

    tx, tw = torch.from_numpy(x), torch.from_numpy(w)
    tb = torch.from_numpy(b) if bias else None
    y = run(tx, tw, tb).numpy()
    oh, ow = y.shape[2:]
    assert oh == ih * fh + pt + pb - dh * (kh - 1) and oh >= 1
    assert ow == iw * fw + pl + pr - dw * (kw - 1) and ow >= 1
    ab = run(tx.double().abs(), tw.double().abs(), tb.double().abs() if bias else None).numpy()
    y64 = run(tx.double(), tw.double(), tb.double() if bias else None).numpy()
    # bilinear: each upsampled value is a sum of 2x2 products (4 terms a tap)
    kterms = in_c // groups * kh * kw * (1 if mode == "nearest" else 4) + (1 if bias else 0)
    assert (np.abs(y - y64) <= kterms * EPS * ab).all(), "torch upconv far from float64"
    if mode == "bilinear":
        # PyTorch float32 computes the source coordinate (o+0.5)*(1/f)-0.5 in
        # float (not exact for f=3); the float64 run has exact coordinates up
        # to double rounding: it is the expected output, rounded once.
        y = y64.astype(np.float32)
    if mode == "nearest":  # nearest by an integer factor repeats each pixel
        u = F.interpolate(tx, scale_factor=(fh, fw), mode="nearest").numpy()
        assert np.array_equal(u, np.repeat(np.repeat(x, fh, axis=2), fw, axis=3))
    for lay in layouts:
        conv = (lambda t: np.ascontiguousarray(t)) if lay == "nchw" else nhwc
        for wl in wlayouts:
            wa = w if wl == "oihw" else np.ascontiguousarray(np.transpose(w, (2, 3, 1, 0)))
            fields = {"name": "upconv_%s_%s_%s" % (tag, lay, wl), "op": "upconv",
                      "oracle": "torch", "layout": lay, "n": n, "in_c": in_c, "in_h": ih,
                      "in_w": iw, "out_c": out_c, "groups": groups, "fh": fh, "fw": fw,
                      "mode": mode, "kh": kh, "kw": kw, "dh": dh, "dw": dw, "pt": pt,
                      "pl": pl, "pb": pb, "pr": pr, "out_h": oh, "out_w": ow, "wlayout": wl,
                      "bias": 1 if bias else 0}
            arrays = [conv(x), wa] + ([b] if bias else []) + [conv(y), conv(ab.astype(np.float32))]
            emit(fields, arrays)
    return y


def keras_same_pads(k, s, d=1):
    """upsimd's rule for Keras Conv2DTranspose(padding='same'), output = in*s:
    P = max(0, K-s), K = d*(k-1)+1, pads P//2 (begin) and P-P//2 (end), and
    output padding s-K when K < s."""
    kk = d * (k - 1) + 1
    p = max(0, kk - s)
    return p // 2, p - p // 2, max(0, s - kk)


# ------------------------------------------------------------------ the cases

def main():
    if os.path.isdir(DATA):
        shutil.rmtree(DATA)
    os.makedirs(DATA)
    torch.manual_seed(0)
    torch.set_num_threads(1)

    # Named cases (the C test also asserts their literal values).
    v = np.array([[1, 2], [3, 4]], np.float32)
    resize_case("nearest", "torch", "named_2x2_x2", 1, 2, 2, 2, 4, 4, 0, 0, "asymmetric", "floor",
                c1=True, values=np.stack([v, v * 10])[None])
    v = np.array([[0, 0.5], [1, 1.5]], np.float32)
    for coord in ("half_pixel", "align_corners"):
        resize_case("bilinear", "torch", "named_ramp_2x2_4x4_" + coord, 1, 2, 2, 2, 4, 4, 0, 0,
                    coord, c1=True, values=np.stack([v, v + 1])[None])

    # Nearest, PyTorch 'nearest' (asymmetric+floor) and 'nearest-exact'
    # (half_pixel+prefer_ceil): up, down, odd sizes, explicit scales, batch 2.
    shapes = [  # tag, ih, iw, oh, ow, sh, sw
        ("3x5_7x11", 3, 5, 7, 11, 0, 0),
        ("9x7_4x3", 9, 7, 4, 3, 0, 0),
        ("4x6_x3", 4, 6, 12, 18, 0, 0),
        ("5x5_1x1", 5, 5, 1, 1, 0, 0),
        ("1x1_3x4", 1, 1, 3, 4, 0, 0),
        ("7x3_13x2", 7, 3, 13, 2, 0, 0),
        ("4x6_s1.5x2.5", 4, 6, 6, 15, 1.5, 2.5),
        ("8x10_s0.5", 8, 10, 4, 5, 0.5, 0.5),
        ("3x5_s3", 3, 5, 9, 15, 3, 3),
        ("5x7_s1.7x0.3", 5, 7, out_size(5, 1.7), out_size(7, 0.3), 1.7, 0.3),
        ("5x6_s2.1x1.3", 5, 6, out_size(5, 2.1), out_size(6, 1.3), 2.1, 1.3),
        ("6x9_s0.75x0.4", 6, 9, out_size(6, 0.75), out_size(9, 0.4), 0.75, 0.4),
    ]
    for tag, ih, iw, oh, ow, sh, sw in shapes:
        for coord, rnd, mode in (("asymmetric", "floor", "nearest"),
                                 ("half_pixel", "prefer_ceil", "exact")):
            resize_case("nearest", "torch", "%s_%s" % (mode, tag), 2, 3, ih, iw, oh, ow, sh, sw,
                        coord, rnd, c1=tag in ("3x5_7x11", "5x6_s2.1x1.3"))

    # Nearest modes PyTorch has no switch for.
    for tag, ih, iw, oh, ow in (("3x5_7x11", 3, 5, 7, 11), ("4x4_x2", 4, 4, 8, 8),
                                ("9x7_4x3", 9, 7, 4, 3)):
        resize_case("nearest", "tf2", "tf2_" + tag, 2, 3, ih, iw, oh, ow, 0, 0,
                    "tf_half_pixel_for_nn", "floor")
    for tag, ih, iw, oh, ow in (("3x3_5x5", 3, 3, 5, 5), ("3x5_7x11", 3, 5, 7, 11),
                                ("9x7_4x3", 9, 7, 4, 3), ("4x3_1x2", 4, 3, 1, 2)):
        resize_case("nearest", "tf1", "tf1_ac_" + tag, 2, 3, ih, iw, oh, ow, 0, 0,
                    "align_corners", "prefer_ceil")
    onnx_nearest = [  # tag, ih, iw, oh, ow, sh, sw, coord, round
        ("hp_pfloor_8x6_4x3", 8, 6, 4, 3, 0, 0, "half_pixel", "prefer_floor"),  # ties
        ("hp_pfloor_3x5_7x11", 3, 5, 7, 11, 0, 0, "half_pixel", "prefer_floor"),
        ("hp_ceil_3x5_7x11", 3, 5, 7, 11, 0, 0, "half_pixel", "ceil"),
        ("hp_floor_9x7_4x3", 9, 7, 4, 3, 0, 0, "half_pixel", "floor"),
        ("asym_pfloor_3x5_7x11", 3, 5, 7, 11, 0, 0, "asymmetric", "prefer_floor"),
        ("asym_pceil_4x6_s2.5", 4, 6, 10, 15, 2.5, 2.5, "asymmetric", "prefer_ceil"),
        ("asym_ceil_3x5_7x11", 3, 5, 7, 11, 0, 0, "asymmetric", "ceil"),
        ("ac_pfloor_3x3_5x5", 3, 3, 5, 5, 0, 0, "align_corners", "prefer_floor"),  # ties
        ("ac_floor_9x7_4x3", 9, 7, 4, 3, 0, 0, "align_corners", "floor"),
        ("ac_ceil_3x5_7x11", 3, 5, 7, 11, 0, 0, "align_corners", "ceil"),
        ("tfnn_pceil_3x5_7x11", 3, 5, 7, 11, 0, 0, "tf_half_pixel_for_nn", "prefer_ceil"),
        ("tfnn_ceil_9x7_4x3", 9, 7, 4, 3, 0, 0, "tf_half_pixel_for_nn", "ceil"),
        ("php_pfloor_5x4_1x3", 5, 4, 1, 3, 0, 0, "pytorch_half_pixel", "prefer_floor"),
        ("php_pceil_6x6_1x1", 6, 6, 1, 1, 0, 0, "pytorch_half_pixel", "prefer_ceil"),
        ("php_floor_3x5_7x11", 3, 5, 7, 11, 0, 0, "pytorch_half_pixel", "floor"),
    ]
    for tag, ih, iw, oh, ow, sh, sw, coord, rnd in onnx_nearest:
        resize_case("nearest", "onnx", "onnx_" + tag, 2, 3, ih, iw, oh, ow, sh, sw, coord, rnd)

    # Bilinear, PyTorch align_corners False (half_pixel) and True (align_corners).
    for tag, ih, iw, oh, ow, sh, sw in shapes:
        resize_case("bilinear", "torch", "hp_" + tag, 2, 3, ih, iw, oh, ow, sh, sw, "half_pixel",
                    c1=tag == "3x5_7x11")
        if sh == 0 or tag == "4x6_s1.5x2.5":  # torch's align_corners ignores the
            # scale; ONNX (and upsimd) use in*scale, equal to the size only here
            resize_case("bilinear", "torch", "ac_" + tag, 2, 3, ih, iw, oh, ow, sh, sw,
                        "align_corners")
    # Larger axes (n = 1 to keep the files small): here PyTorch's source
    # coordinate, computed in double from its float ratio, differs from one
    # rounded to float by more than the tolerance allows.
    for tag, ih, iw, oh, ow, sh, sw in (("20x23_31x37", 20, 23, 31, 37, 0, 0),
                                        ("23x17_s1.9x2.3", 23, 17, out_size(23, 1.9),
                                         out_size(17, 2.3), 1.9, 2.3)):
        resize_case("bilinear", "torch", "hp_" + tag, 1, 2, ih, iw, oh, ow, sh, sw, "half_pixel")
        if sh == 0:
            resize_case("bilinear", "torch", "ac_" + tag, 1, 2, ih, iw, oh, ow, sh, sw,
                        "align_corners")
    # Bilinear modes PyTorch has no switch for: TF1 legacy (asymmetric),
    # ONNX pytorch_half_pixel (0 when out == 1).
    for tag, ih, iw, oh, ow, sh, sw in (("3x5_7x11", 3, 5, 7, 11, 0, 0),
                                        ("9x7_4x3", 9, 7, 4, 3, 0, 0),
                                        ("4x4_x2", 4, 4, 8, 8, 0, 0),
                                        ("4x6_s1.5x2.5", 4, 6, 6, 15, 1.5, 2.5)):
        resize_case("bilinear", "onnx", "onnx_asym_" + tag, 2, 3, ih, iw, oh, ow, sh, sw,
                    "asymmetric")
    for tag, ih, iw, oh, ow in (("5x4_1x3", 5, 4, 1, 3), ("6x6_1x1", 6, 6, 1, 1),
                                ("3x5_7x11", 3, 5, 7, 11), ("9x7_4x1", 9, 7, 4, 1)):
        resize_case("bilinear", "onnx", "onnx_php_" + tag, 2, 3, ih, iw, oh, ow, 0, 0,
                    "pytorch_half_pixel")

    # Deconv (F.conv_transpose2d). Named Keras cases first.
    x = np.array([[[[1, 2], [3, 4]]]], np.float32)
    pb, pe, opad = keras_same_pads(1, 2)
    assert (pb, pe, opad) == (0, 0, 1)
    deconv_case("named_keras_same_k1s2", 1, 1, 1, 2, 2, 1, s=2, pads=(pb, pb, pe, pe),
                op=(opad, opad), x=x, w=np.ones((1, 1, 1, 1), np.float32),
                b=np.zeros(1, np.float32))
    w9 = np.arange(1, 10, dtype=np.float32).reshape(1, 1, 3, 3)
    pb, pe, opad = keras_same_pads(3, 2)
    assert (pb, pe, opad) == (0, 1, 0)
    deconv_case("named_keras_same_k3s2", 1, 1, 1, 2, 2, 3, s=2, pads=(pb, pb, pe, pe),
                x=x, w=w9, bias=False)
    deconv_case("named_torch_k3s2p1op1", 1, 1, 1, 2, 2, 3, s=2, pads=(1, 1, 1, 1), op=(1, 1),
                x=x, w=w9, bias=False)

    deconv_case("unet_k2s2", 2, 5, 3, 4, 3, 2, s=2)
    deconv_case("dcgan_k4s2p1", 2, 3, 5, 3, 4, 4, s=2, pads=(1, 1, 1, 1), bias=False)
    deconv_case("k1s1", 2, 3, 5, 3, 4, 1)
    deconv_case("k3s1p1", 2, 5, 3, 4, 5, 3, pads=(1, 1, 1, 1))
    deconv_case("k5s3", 2, 3, 3, 3, 4, 5, s=3)
    deconv_case("k5s2p2op1", 2, 3, 1, 3, 3, 5, s=2, pads=(2, 2, 2, 2), op=(1, 1), bias=False)
    deconv_case("k3s3op2", 2, 1, 3, 3, 2, 3, s=3, op=(2, 2))
    deconv_case("k1s3_notaps", 2, 3, 5, 3, 3, 1, s=3)                   # stride > kernel
    deconv_case("k2s3_notaps", 2, 5, 3, 2, 3, 2, s=3, op=(1, 0))
    deconv_case("k3s2d2", 2, 3, 5, 3, 4, 3, s=2, d=2)                   # dilation 2
    deconv_case("k3s1d2op1", 2, 3, 3, 4, 3, 3, s=1, d=2, op=(1, 1))     # op < dilation
    deconv_case("k4s2g2", 2, 4, 6, 3, 4, 4, s=2, groups=2, pads=(1, 1, 1, 1))
    deconv_case("k3s2dw", 2, 4, 4, 4, 3, 3, s=2, groups=4)              # depthwise-like
    deconv_case("k2s2dw_mult2", 2, 3, 6, 3, 3, 2, s=2, groups=3, bias=False)
    deconv_case("asym_pads_k4s2", 2, 3, 5, 4, 3, 4, s=2, pads=(1, 0, 2, 1))
    deconv_case("asym_pads_k3s3op1", 2, 5, 3, 3, 4, 3, s=3, pads=(0, 2, 1, 0), op=(1, 2))
    deconv_case("rect_k3x2_s2x3", 2, 3, 3, 3, 4, (3, 2), s=(2, 3), d=(1, 2), pads=(1, 0, 0, 1))
    deconv_case("in1x1_k3s2", 2, 5, 3, 1, 1, 3, s=2)                    # 1x1 input
    deconv_case("in1x1_k4s4_c1", 2, 1, 1, 1, 1, 4, s=4, bias=False)
    deconv_case("keras_same_k3s2", 2, 3, 5, 3, 4, 3, s=2, pads=(0, 0, 1, 1))
    deconv_case("keras_same_k2s3", 2, 3, 3, 3, 3, 2, s=3, op=(1, 1))

    # Added later (at the end, so earlier cases keep their seeds). Square input
    # and output with different scales per axis: the row and column tables
    # differ although the sizes agree (kernels/ shares the tables only when the
    # scales agree too).
    tag, ih, iw, sh, sw = "4x4_s1.5x1.6", 4, 4, 1.5, 1.6
    oh, ow = out_size(ih, sh), out_size(iw, sw)
    assert (oh, ow) == (6, 6)
    for coord, rnd, mode in (("asymmetric", "floor", "nearest"),
                             ("half_pixel", "prefer_ceil", "exact")):
        resize_case("nearest", "torch", "%s_%s" % (mode, tag), 2, 3, ih, iw, oh, ow, sh, sw,
                    coord, rnd, c1=True)
    resize_case("bilinear", "torch", "hp_" + tag, 2, 3, ih, iw, oh, ow, sh, sw, "half_pixel",
                c1=True)

    # Added later: ONNX Resize with scales whose length in*scale is fractional.
    # align_corners maps with x*(in-1)/(in*scale-1), not (out-1); ONNX's own
    # example: 2x4 [[1..4],[5..8]], scales 0.6, linear -> [[1, 3.142857]].
    v = np.arange(1, 9, dtype=np.float32).reshape(2, 4)
    resize_case("bilinear", "onnx", "onnx_named_ac_2x4_s0.6", 1, 2, 2, 4, 1, 2, 0.6, 0.6,
                "align_corners", c1=True, values=np.stack([v, v * 10])[None])
    for tag, ih, iw, sh, sw in (("5x7_s1.7x0.3", 5, 7, 1.7, 0.3),
                                ("4x6_s2.3x1.45", 4, 6, 2.3, 1.45),
                                ("9x5_s0.6x2.7", 9, 5, 0.6, 2.7)):
        resize_case("bilinear", "onnx", "onnx_ac_" + tag, 2, 3, ih, iw, out_size(ih, sh),
                    out_size(iw, sw), sh, sw, "align_corners")
    for tag, ih, iw, sh, sw, rnd in (("pfloor_5x7_s1.7x0.6", 5, 7, 1.7, 0.6, "prefer_floor"),
                                     ("floor_4x6_s2.3x1.45", 4, 6, 2.3, 1.45, "floor"),
                                     ("ceil_9x5_s0.6x2.7", 9, 5, 0.6, 2.7, "ceil"),
                                     ("pceil_6x9_s2.6x0.7", 6, 9, 2.6, 0.7, "prefer_ceil")):
        resize_case("nearest", "onnx", "onnx_ac_" + tag, 2, 3, ih, iw, out_size(ih, sh),
                    out_size(iw, sw), sh, sw, "align_corners", rnd)
    # pytorch_half_pixel with one output pixel but length in*scale > 1: the
    # half-pixel formula, not 0 (in = 9, scale 0.15: x_in = 0.5/0.15 - 0.5).
    for tag, ih, iw, sh, sw in (("9x5_s0.15x0.3", 9, 5, 0.15, 0.3),
                                ("3x6_s0.5x0.25", 3, 6, 0.5, 0.25),
                                ("9x7_s0.15x1.3", 9, 7, 0.15, 1.3)):
        resize_case("bilinear", "onnx", "onnx_php_" + tag, 2, 3, ih, iw, out_size(ih, sh),
                    out_size(iw, sw), sh, sw, "pytorch_half_pixel")
    for tag, ih, iw, sh, sw, rnd in (("pfloor_9x5_s0.15x0.3", 9, 5, 0.15, 0.3, "prefer_floor"),
                                     ("floor_9x7_s0.15x1.3", 9, 7, 0.15, 1.3, "floor"),
                                     ("ceil_5x9_s0.3x0.15", 5, 9, 0.3, 0.15, "ceil")):
        resize_case("nearest", "onnx", "onnx_php_" + tag, 2, 3, ih, iw, out_size(ih, sh),
                    out_size(iw, sw), sh, sw, "pytorch_half_pixel", rnd)

    # Added later: fused upsample + convolution (PyTorch Upsample + Conv2d,
    # Keras UpSampling2D + Conv2D: 'same' = pads (d*(k-1))//2 begin and the
    # rest at the end, 'valid' = none).
    upconv_case("named_f2k3p1", 1, 4, 3, 4, 5, 2, 3, pads=(1, 1, 1, 1))   # SD-VAE block shape
    upconv_case("f2k3p1_odd", 2, 3, 5, 5, 3, 2, 3, pads=(1, 1, 1, 1), bias=False)
    upconv_case("f3k3p1", 1, 3, 4, 3, 4, 3, 3, pads=(1, 1, 1, 1))
    upconv_case("f4k3p1", 1, 2, 3, 3, 2, 4, 3, pads=(1, 1, 1, 1), bias=False)
    upconv_case("f2k5p2", 1, 3, 2, 4, 3, 2, 5, pads=(2, 2, 2, 2))
    upconv_case("f2k1", 2, 5, 3, 3, 4, 2, 1)
    upconv_case("f3k1_nobias", 1, 3, 4, 2, 3, 3, 1, bias=False)
    upconv_case("keras_same_f2k4", 1, 3, 3, 3, 4, 2, 4, pads=(1, 1, 2, 2))
    upconv_case("keras_valid_f2k3", 1, 3, 4, 4, 3, 2, 3)
    upconv_case("asym_pads_f2k3", 1, 3, 3, 4, 3, 2, 3, pads=(2, 0, 0, 1))
    upconv_case("pads_beyond_span_f2k1p1", 1, 2, 3, 3, 3, 2, 1, pads=(1, 0, 2, 1))
    upconv_case("f2k3d2p2", 1, 3, 3, 4, 4, 2, 3, d=2, pads=(2, 2, 2, 2))
    upconv_case("f2k3d3p3", 1, 2, 3, 3, 3, 2, 3, d=3, pads=(3, 3, 3, 3), bias=False)
    upconv_case("f2k3g2", 1, 4, 6, 3, 4, 2, 3, groups=2, pads=(1, 1, 1, 1))
    upconv_case("f2k3dw", 1, 3, 3, 4, 3, 2, 3, groups=3, pads=(1, 1, 1, 1), bias=False)
    upconv_case("rect_f2x3_k3x1", 1, 3, 2, 3, 3, (2, 3), (3, 1), pads=(1, 0, 1, 0))
    upconv_case("in1x1_f4k3p1", 2, 3, 2, 1, 1, 4, 3, pads=(1, 1, 1, 1))
    upconv_case("bilinear_f2k3p1", 1, 3, 4, 4, 5, 2, 3, pads=(1, 1, 1, 1), mode="bilinear")
    upconv_case("bilinear_f3k3p1", 1, 2, 3, 3, 4, 3, 3, pads=(1, 1, 1, 1), mode="bilinear",
                bias=False)
    upconv_case("bilinear_f4k1", 1, 3, 2, 3, 2, 4, 1, mode="bilinear")
    upconv_case("bilinear_f2k5g2", 1, 4, 2, 3, 4, 2, 5, groups=2, pads=(2, 1, 2, 3),
                mode="bilinear")
    # bilinear with the fused kernel: odd sizes, factors 2-4, kernels 1-5,
    # dilation, depthwise, asymmetric pads and pads beyond the kernel span
    upconv_case("bilinear_f2k3p1_odd", 2, 3, 5, 5, 7, 2, 3, pads=(1, 1, 1, 1), mode="bilinear",
                bias=False)
    upconv_case("bilinear_f3k5p2", 1, 3, 2, 5, 4, 3, 5, pads=(2, 2, 2, 2), mode="bilinear")
    upconv_case("bilinear_f4k3p1", 1, 2, 3, 3, 5, 4, 3, pads=(1, 1, 1, 1), mode="bilinear")
    upconv_case("bilinear_f3k1_9x7", 1, 2, 2, 9, 7, 3, 1, mode="bilinear")
    upconv_case("bilinear_f2k3d2p2", 1, 3, 3, 4, 5, 2, 3, d=2, pads=(2, 2, 2, 2),
                mode="bilinear")
    upconv_case("bilinear_f2k3dw", 1, 3, 3, 4, 3, 2, 3, groups=3, pads=(1, 1, 1, 1),
                mode="bilinear", bias=False)
    upconv_case("bilinear_rect_f2x3_k3x1", 1, 3, 2, 3, 3, (2, 3), (3, 1), pads=(2, 0, 0, 1),
                mode="bilinear")
    upconv_case("bilinear_pads_beyond_f2k1", 1, 2, 3, 3, 3, 2, 1, pads=(1, 0, 2, 1),
                mode="bilinear")

    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("# upsimd golden vectors, written by tests/golden/gen.py (format: see\n"
                "# its docstring or README.md). PyTorch %s, numpy %s. %d cases.\n"
                % (torch.__version__, np.__version__, len(lines)))
        for l in lines:
            f.write(l + "\n")
    print("%d cases, %d bytes of vectors" % (len(lines), total_bytes))
    assert total_bytes < 1_500_000, "keep the golden vectors well under 2 MB"


if __name__ == "__main__":
    sys.exit(main())
