#!/usr/bin/env python3
"""Writes the seed corpus of upsimd-fuzz-params (tests/fuzz_params.c) into
tests/fuzz/corpus/: a handful of well-formed problems, one per operator and
path, that the fuzzer mutates. Byte format (see fuzz_params.c):
  op: 0 nearest, 1 bilinear, 2 deconv, 3 deconv plan, 4 misc, 6 upconv, 7 upconv plan
  size tag: < 0xe0 the value; 0xe0.. boundaries (SIZE_MAX, PTRDIFF_MAX/4, ...);
            0xfe u16 follows; 0xff u64 follows
  float tag: < 0xc0 tag/16; 0xc0.. specials (NaN, inf, -1, denormal, ...); 0xff raw
  enum byte: < 0xf0 value % 8; 0xf0.. negative; 0xff raw u32
  pointer tag: 0 NULL; &3 == 1 packed after the previous tensor (+ (tag>>2)&7);
               &3 == 2 u16 arena offset follows; &3 == 3 overlap the previous one
  pool byte (after the arena fill; 0 when absent): the engine pool's threads
               2 + b % 6 and its task order (resize plans and the *_pool calls)
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

def f16(x):  # float tag for multiples of 1/16
    t = int(round(x * 16))
    assert 0 <= t < 0xc0
    return t

def resize(op, layout, n, c, ih, iw, oh, ow, sh, sw, coord, rnd, isa, pin=1, pout=1,
           null_p=0, seed=7, big=0, specials=(), pool=None):
    b = [op, layout, n, c, ih, iw, oh, ow, sh, sw, coord, rnd, isa, pin, pout, null_p, seed, big,
         len(specials)]
    for pos, kind in specials:
        b += [pos & 0xff, pos >> 8, kind]
    if pool is not None:
        b.append(pool)
    return bytes(b)

def deconv(op, layout, n, ic, ih, iw, oc, g, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, oph, opw,
           wl, isa, bias=True, seed=3, pool=None):
    b = [op, layout, n, ic, ih, iw, oc, g, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, oph, opw, wl,
         isa, 1, 1, 0 if bias else 1, 1, 1, 0, seed, 0, 0]
    if pool is not None:
        b.append(pool)
    return bytes(b)

def upconv(op, layout, n, ic, ih, iw, oc, g, fh, fw, mode, kh, kw, dh, dw, pt, pl, pb, pr, wl, isa,
           bias=True, seed=5):
    b = [op, layout, n, ic, ih, iw, oc, g, fh, fw, mode, kh, kw, dh, dw, pt, pl, pb, pr, wl, isa,
         1, 1, 0 if bias else 1, 1, 1, 0, seed, 0, 0]
    return bytes(b)

SEEDS = {
    # YOLO-neck style nearest 2x, NCHW, scale given (out = 0), asymmetric floor
    "nearest_2x_nchw": resize(0, 0, 1, 3, 5, 7, 0, 0, f16(2), f16(2), 3, 2, 0),
    # nearest-exact 1.5x NHWC, explicit out, odd channels
    "nearest_1p5_nhwc": resize(0, 1, 2, 5, 4, 6, 6, 9, 0, 0, 0, 1, 0),
    # bilinear half-pixel 2x NHWC, 17 channels (tails)
    "bilinear_2x_nhwc": resize(1, 1, 1, 17, 3, 4, 6, 8, 0, 0, 0, 0, 0),
    # bilinear align-corners down-sampling NCHW with a NaN in the input
    "bilinear_down_nan": resize(1, 0, 1, 2, 9, 11, 4, 5, 0, 0, 2, 0, 1,
                                specials=[(5, 0)]),
    # bilinear asymmetric, explicit out and a denormal scale (0xc0 + 8 -> 1e-40)
    "bilinear_tiny_scale": resize(1, 0, 1, 1, 2, 3, 2, 6, f16(1), 0xc8, 3, 0, 0),
    # U-Net up-conv k2 s2, NCHW, bias, IOHW
    "deconv_k2s2": deconv(2, 0, 1, 4, 3, 5, 3, 0, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    # DCGAN k4 s2 p1 groups 2, NHWC, HWOI, no bias, via a plan
    "deconv_plan_dcgan": deconv(3, 1, 2, 4, 3, 3, 6, 2, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0,
                                bias=False),
    # stride > kernel, dilation 2, output padding, asymmetric pads
    "deconv_stride3_dil2": deconv(2, 0, 1, 3, 2, 4, 5, 1, 2, 3, 3, 4, 2, 1, 1, 0, 0, 2, 2, 1, 0, 1),
    # boundary sizes: SIZE_MAX channels (expect UPS_ERR_OVERFLOW)
    "resize_overflow": resize(0, 0, 1, 0xe0, 0xe6, 0xe6, 0, 0, f16(2), f16(2), 0, 0, 0),
    "misc": bytes([4, 2]),
    # pools and plans: nearest 2x NHWC over 2 images on an engine pool of 5 threads
    "nearest_2x_nhwc_pool5": resize(0, 1, 2, 3, 6, 5, 0, 0, f16(2), f16(2), 3, 2, 0, pool=3),
    # bilinear half-pixel NCHW, 2 x 3 channels, on 7 threads (more threads than rows of a channel)
    "bilinear_nchw_pool7": resize(1, 0, 2, 3, 5, 7, 10, 14, 0, 0, 0, 0, 0, pool=5),
    # the GEMM path with two slices of output channels (20 > 16), one-shot, 3 threads
    "deconv_gemm_pool3": deconv(2, 0, 1, 16, 3, 5, 20, 0, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                pool=1),
    # the same through a plan, 4 threads
    "deconv_plan_gemm_pool4": deconv(3, 0, 1, 16, 3, 5, 20, 0, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0,
                                     0, 0, pool=2),
    # SD-VAE decoder block shape: nearest 2x + 3x3 pad 1, NCHW, OIHW, bias
    "upconv_f2k3p1": upconv(6, 0, 1, 4, 3, 5, 3, 0, 2, 2, 0, 3, 3, 0, 0, 1, 1, 1, 1, 0, 0),
    # via a plan: factor 3x2, groups 2, Keras same 5x3 (pads 2/2, 1/1), NHWC, HWIO, no bias
    "upconv_plan_f3x2_g2": upconv(7, 1, 2, 4, 3, 3, 6, 2, 3, 2, 0, 5, 3, 1, 1, 2, 1, 2, 1, 1, 0,
                                  bias=False),
    # bilinear: validated, then UPS_ERR_UNSUPPORTED
    "upconv_bilinear": upconv(6, 0, 1, 2, 3, 3, 2, 0, 2, 2, 1, 3, 3, 0, 0, 1, 1, 1, 1, 0, 0),
}

def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"{len(SEEDS)} seeds in {OUT}")

if __name__ == "__main__":
    main()
