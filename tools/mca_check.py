#!/usr/bin/env python3
"""mca_check.py — static speed check of the deconvolution micro-kernels with llvm-mca.

What a porter runs before touching real hardware: compile an ISA's deconv
source to assembly with the flags of the project's Release build, find each
named micro-kernel (nhwc_w2_m8, dot_p8_o2, nchw_o4_v4, gemm_i0_s1, ...; also
its GCC clones name.constprop.N / name.isra.N / name.part.N, and a clone it
tail-calls), take its hot loop (the innermost loop with the most FMAs: the
channel loop; loops are the back edges of the function's control flow, a
branch to a label that dominates it, so cold blocks placed after the return
that jump back are not loops) and run llvm-mca-19 on it for each CPU model.
The predicted fraction of the FMA peak is

    (FMAs per iteration / FMA pipes) / (llvm-mca total cycles / iterations)

A loop whose vector loads outnumber its FMAs by more than the core's load
pipes over its FMA pipes cannot reach the FMA peak on that core (one output
channel: every input vector feeds one FMA); its roof is then the load bound,

    roof = min(1, (loads/cycle / FMA pipes) * (FMAs / vector loads))

with loads/cycle read off llvm-mca's own model (a block of independent
128-bit loads; 256-bit on x86-64), and the check compares the fraction with
threshold * roof. A loop fails when it is below that or touches the
stack (a load or store whose base register holds a stack address: sp/rsp, a
frame pointer set from it, or a register derived from them: spills, reloads,
accumulators kept in a stack array). These are static estimates of the loop
alone (no cache misses, no call, border or reduction overheads), not
measurements.

Usage:
    tools/mca_check.py                                   # neon/deconv_neon.c, steady-state kernels
    tools/mca_check.py --source avx2/deconv_avx2.c       # znver4 (+ znver5 if llvm-mca-19 knows it)
    tools/mca_check.py --kernels nhwc_w2_m8,dot_p8_o2 --cpus neoverse-v1
    tools/mca_check.py --regex '^nchw_o4_' --threshold 0.9 --json
    tools/mca_check.py --markdown > results/neon-static/README.md
    tools/mca_check.py --calibrate build/bench/upsimd-bench   # re-measure the AVX2 roofs

Kernels (default --kernels steady): the steady-state instances of each family,
read from the tables of the source: NHWC at nhwc_mmax[W] pixels per W, dot
products at dot_pmax[O] pixels per O, NCHW at nchw_nvmax[MO] vectors per MO
(unmasked), and every UPS_GEMM_FN instance. `--kernels all` takes every
instance the source defines.

Compiler flags: the source's command from a build tree's compile_commands.json
or Ninja file when one has it (--build-dir, default build/ and build-aarch64/),
else reproduced from CMakeLists.txt (Release: -O3 -DNDEBUG, -fPIC, -std=c11,
-fvisibility=hidden, -I kernels, UPSIMD_HAVE_<ISA>=1 and the ISA folder's flags
of its upsimd_isa() line). The compiler is aarch64-linux-gnu-gcc for AArch64
sources on an x86-64 host, else gcc (--cc overrides).

Exit status: 0 every loop passes; 1 a loop is below the threshold or touches
the stack, or a kernel has no loop with FMAs (not emitted, inlined away); 2
usage or tool error (wrong llvm-mca version, compile error); 77 llvm-mca-19 or
the compiler is missing (CTest's skip code).
Python 3 standard library only.
"""

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLVM_MAJOR = 19
MCA_NAME = "llvm-mca-%d" % LLVM_MAJOR
SKIP = 77
MCA_ITERATIONS = 1000

# FMA pipes per CPU model for one full-width vector FMA (128-bit FMLA on
# AArch64, 256-bit VFMADD on x86-64), and the llvm-mca target triple.
CPUS = {
    "neoverse-n1": ("aarch64", 2),
    "neoverse-n2": ("aarch64", 2),
    "neoverse-v1": ("aarch64", 4),
    "neoverse-v2": ("aarch64", 4),
    "znver4": ("x86_64", 2),
    "znver5": ("x86_64", 2),
}
DEFAULT_CPUS = {
    "aarch64": ["neoverse-n1", "neoverse-n2", "neoverse-v1", "neoverse-v2"],
    "x86_64": ["znver4", "znver5"],
}
# LLVM's scheduling models for these are not models of the real cores.
NOT_REAL_MODELS = ("cortex-a76", "cortex-a78", "apple-")
TRIPLES = {"aarch64": "aarch64-linux-gnu", "x86_64": "x86_64-linux-gnu"}

# The AVX2 calibration: bench rows dominated by one micro-kernel (the
# strategy of kernels/deconv_plan.c and the drivers of kernels/deconv_tpl.h at
# 8 lanes), compared with the measured roof (fraction of the FMA probe).
CALIBRATION_SOURCE = "avx2/deconv_avx2.c"
CALIBRATION_FILE = "results/neon-static/calibration.json"
CALIBRATION_ROWS = [
    ("deconv/nhwc/dcgan-64px-64to64-k4s2p1/avx2", "nhwc_w2_m6",
     "64 output channels: two 16-channel tiles (W = 2), phase rows of 64 pixels in blocks of 6, "
     "4 taps x 64 channels per call"),
    ("deconv/nhwc/unet-64px-128to64-k2s2/avx2", "nhwc_w2_m6",
     "64 output channels: W = 2 tiles, rows of 64 pixels in blocks of 6, 1 tap x 128 channels"),
    ("deconv/nchw/dcgan-64px-64to64-k4s2p1/avx2", "nchw_o4_v3",
     "PHASES path (too many pixels per phase for GEMM_TAPS): blocks of 4 output channels x "
     "3 vectors (nchw_nvmax[4])"),
    ("deconv/nchw/keras-same-64px-64to64-k3s2/avx2", "nchw_o4_v3",
     "PHASES path: blocks of 4 output channels x 3 vectors"),
    ("deconv/nchw/unet-64px-128to64-k2s2/avx2", "gemm_i0_s1",
     "GEMM path (kernel == stride 2): 1x1 taps, one panel for both x phases, all 128 channels "
     "in one block"),
    ("deconv/nhwc/fsrcnn-48px-56to1-k9s3/avx2", "dot_p8_o1",
     "1 output channel: dot products over 56 channels (7 vectors) x 9 taps, 8 pixels per call, "
     "then 8 horizontal sums"),
]


class ToolMissing(Exception):
    pass


class ToolError(Exception):
    pass


# ------------------------------------------------------------------ tools

def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def find_mca(path):
    exe = path or shutil.which(MCA_NAME)
    if not exe or not shutil.which(exe):
        other, hint = shutil.which("llvm-mca"), ""
        if other:
            v = re.search(r"LLVM version ([\d.]+)", run([other, "--version"]).stdout)
            hint = " (only %s, LLVM %s)" % (other, v.group(1) if v else "of unknown version")
        raise ToolMissing("%s not found%s: install Debian's llvm-%d (scripts/deps)"
                          % (MCA_NAME, hint, LLVM_MAJOR))
    out = run([exe, "--version"])
    m = re.search(r"LLVM version (\d+)\.(\d+)\.(\d+)", out.stdout + out.stderr)
    if not m:
        raise ToolError("%s --version: cannot read the LLVM version:\n%s" % (exe, out.stdout))
    if int(m.group(1)) != LLVM_MAJOR:
        raise ToolError("%s is LLVM %s, the check is pinned to LLVM %d (Debian llvm-%d): "
                        "its models differ" % (exe, m.group(0)[13:], LLVM_MAJOR, LLVM_MAJOR))
    vendor = re.search(r"^\s*(.*LLVM version [\d.]+)", out.stdout, re.M)
    return exe, vendor.group(1).strip() if vendor else m.group(0)


def mca_cpus(mca, triple):
    out = run([mca, "-mtriple=" + triple, "-mcpu=help"])
    return set(re.findall(r"^\s+([\w.-]+)\s+- Select the", out.stdout + out.stderr, re.M))


def compiler_version(cc):
    out = run([cc, "--version"])
    return out.stdout.splitlines()[0].strip() if out.returncode == 0 and out.stdout else cc


# -------------------------------------------------------- sources and flags

def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def isa_build_info(src):
    """(folder, arch, isa flags) from the folder's upsimd_isa() line of CMakeLists.txt."""
    folder = os.path.relpath(os.path.abspath(src), ROOT).split(os.sep)[0]
    cm = read(os.path.join(ROOT, "CMakeLists.txt"))
    arches = {m.group(1): m.group(2) for m in
              re.finditer(r'set\((UPSIMD_ARCH_\w+)\s+"([^"]*)"\)', cm)}
    for m in re.finditer(r"^\s*upsimd_isa\((\w+)\s+\$\{(\w+)\}\s+(\w+)([^)]*)\)", cm, re.M):
        if m.group(1) == folder:
            regex = arches.get(m.group(2), "")
            arch = "aarch64" if "aarch64" in regex else "x86_64" if "x86_64" in regex else None
            if not arch:
                raise ToolError("CMakeLists.txt: unknown architecture %s" % m.group(2))
            return folder, arch, m.group(4).split()
    raise ToolError("%s: folder %s has no upsimd_isa() line in CMakeLists.txt" % (src, folder))


def default_cc(arch):
    host = platform.machine().lower()
    host = "aarch64" if host in ("arm64", "aarch64") else "x86_64" if host in ("amd64", "x86_64") else host
    if arch == host:
        return "gcc"
    return {"aarch64": "aarch64-linux-gnu-gcc", "x86_64": "x86_64-linux-gnu-gcc"}[arch]


def build_tree_command(src, build_dirs):
    """The compile command of src from a build tree, or None."""
    src = os.path.realpath(src)
    for bd in build_dirs:
        cc_json = os.path.join(bd, "compile_commands.json")
        if os.path.isfile(cc_json):
            try:
                for e in json.loads(read(cc_json)):
                    f = os.path.realpath(os.path.join(e.get("directory", ""), e["file"]))
                    if f == src:
                        args = e.get("arguments") or shlex.split(e["command"])
                        return args, e.get("directory", bd), cc_json
            except (ValueError, KeyError):
                pass
        if os.path.isfile(os.path.join(bd, "build.ninja")) and shutil.which("ninja"):
            out = run(["ninja", "-C", bd, "-t", "commands"])
            for line in out.stdout.splitlines():
                if " -c " + src in line and " -S" not in line:
                    return shlex.split(line), bd, os.path.join(bd, "build.ninja")
    return None


def compile_args(src, args_override_cc, build_dirs):
    """(argv without output/dependency options, cwd, where the flags came from, cc)."""
    folder, arch, isa_flags = isa_build_info(src)
    found = build_tree_command(src, build_dirs)
    if found:
        argv, cwd, origin = found
        out, skip = [], False
        for a in argv:
            if skip:
                skip = False
                continue
            if a in ("-MT", "-MF", "-MQ", "-o"):
                skip = True
                continue
            if a in ("-c", "-MD", "-MMD", "-Werror") or os.path.realpath(os.path.join(cwd, a)) == \
                    os.path.realpath(src):
                continue
            out.append(a)
        if args_override_cc:
            out[0] = args_override_cc
        return out, cwd, arch, "Release command of " + os.path.relpath(origin, ROOT)
    cc = args_override_cc or default_cc(arch)
    cc_id = "Clang" if "clang" in os.path.basename(cc) else "GNU"

    def genex(flag):  # $<$<C_COMPILER_ID:ID>:FLAG> of the upsimd_isa() line
        m = re.match(r"^\$<\$<C_COMPILER_ID:(\w+)>:(.*)>$", flag)
        return flag if not m else m.group(2) if m.group(1) == cc_id else None
    isa_flags = [f for f in map(genex, isa_flags) if f]
    argv = [cc, "-DUPSIMD_HAVE_%s=1" % folder.upper(), "-I" + os.path.join(ROOT, "kernels"),
            "-O3", "-DNDEBUG", "-fPIC", "-Wall", "-Wextra", "-fvisibility=hidden", "-std=c11"]
    return argv + isa_flags, ROOT, arch, "reproduced from CMakeLists.txt (Release)"


def compile_to_asm(src, argv, cwd, tmpdir):
    cc = argv[0]
    if not shutil.which(cc):
        raise ToolMissing("compiler %s not found (scripts/deps installs the cross compiler "
                          "gcc-aarch64-linux-gnu)" % cc)
    out_s = os.path.join(tmpdir, os.path.basename(src) + ".s")
    cmd = argv + ["-S", "-o", out_s, os.path.abspath(src)]
    r = run(cmd, cwd=cwd)
    if r.returncode != 0:
        raise ToolError("compile failed: %s\n%s" % (" ".join(cmd), r.stderr[-4000:]))
    return read(out_s), cmd


# ------------------------------------------------------------ kernel names

def ints_table(text, name):
    m = re.search(r"\b%s\s*\[[^\]]*\]\s*=\s*\{([^}]*)\}" % name, text)
    if not m:
        return None
    return [int(v) for v in re.findall(r"-?\d+", m.group(1))]


def source_kernels(src):
    """(every instance defined, the steady-state instances) from the source's macros and tables."""
    text = re.sub(r"/\*.*?\*/", " ", read(src), flags=re.S)
    every = []
    for w, m in re.findall(r"UPS_NHWC_FN\(\s*(\d+)\s*,\s*(\d+)\s*\)", text):
        every.append("nhwc_w%s_m%s" % (w, m))
    for p, o in re.findall(r"UPS_DOT_FN\(\s*(\d+)\s*,\s*(\d+)\s*,\s*\d+\s*\)", text):
        every.append("dot_p%s_o%s" % (p, o))
    for mo, nv in re.findall(r"UPS_NCHW_FN\(\s*(\d+)\s*,\s*(\d+)\s*\)", text):
        every += ["nchw_o%s_v%s" % (mo, nv), "nchw_o%s_v%s_m" % (mo, nv)]
    gemm = ["gemm_i%s_s%s" % g for g in
            re.findall(r"UPS_GEMM_FN\(\s*(\d+)\s*,\s*(\d+)\s*\)", text)]
    every += gemm
    steady = []
    for table, fmt in (("nhwc_mmax", "nhwc_w{i}_m{n}"), ("dot_pmax", "dot_p{n}_o{i}"),
                       ("nchw_nvmax", "nchw_o{i}_v{n}")):
        vals = ints_table(text, table)
        if vals is None:
            continue
        for i, n in enumerate(vals):
            if n > 0:
                steady.append(fmt.format(i=i, n=n))
    steady += gemm
    return every, steady


# ------------------------------------------------------------- assembly

LABEL = re.compile(r"^([A-Za-z_.$][\w.$]*):")


def asm_lines(text, arch):
    """[(kind, text)] with kind 'label', 'dir' or 'insn'; comments removed."""
    out = []
    for raw in text.splitlines():
        line = raw.split("//")[0] if arch == "aarch64" else raw.split("#")[0]
        line = line.strip()
        while line:
            m = LABEL.match(line)
            if not m:
                break
            out.append(("label", m.group(1)))
            line = line[m.end():].strip()
        if not line:
            continue
        out.append(("dir" if line.startswith(".") else "insn", line))
    return out


def functions(lines, name):
    """{label: [lines]} of the function `name` and its clones name.<suffix>."""
    pat = re.compile(r"^%s(\.[\w.]+)?$" % re.escape(name))
    funcs = {}
    for i, (k, t) in enumerate(lines):
        if k == "label" and pat.match(t):
            body = []
            for k2, t2 in lines[i:]:
                body.append((k2, t2))
                if k2 == "dir" and re.match(r"\.size\s+%s\s*," % re.escape(t), t2):
                    break
            funcs[t] = body
    return funcs


def split_insn(t):
    parts = t.split(None, 1)
    ops = []
    if len(parts) > 1:
        depth, cur = 0, ""
        for ch in parts[1]:
            if ch in "[({":
                depth += 1
            elif ch in "])}":
                depth -= 1
            if ch == "," and depth == 0:
                ops.append(cur.strip())
                cur = ""
            else:
                cur += ch
        if cur.strip():
            ops.append(cur.strip())
    return parts[0].lower(), ops


A64_COND = "(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al|nv)"
A64_BRANCH = re.compile(r"^(b|b\.?%s|cbn?z|tbn?z)$" % A64_COND)


def branch_target(mn, ops, arch):
    if arch == "aarch64":
        if A64_BRANCH.match(mn) and ops:
            return ops[-1]
    elif mn.startswith("j") and ops and not ops[-1].startswith("*"):
        return ops[-1]
    return None


A64_UNCOND = re.compile(r"^(b|br|ret|retaa|retab)$")


def loops_of(body, arch):
    """Natural loops of a function: [(header label, [body indexes in text order])], innermost
    only. Basic blocks from labels and branches, dominators, back edges u -> h (h dominates u);
    blocks placed after the return that jump back into the body are not loops."""
    starts, i = [0], 0
    for i, (k, t) in enumerate(body):
        if k == "label" and i not in starts:
            starts.append(i)
        if k == "insn":
            mn, ops = split_insn(t)
            if branch_target(mn, ops, arch) or A64_UNCOND.match(mn) or mn.startswith(("ret", "jmp")):
                starts.append(i + 1)
    starts = sorted(set(s for s in starts if s < len(body)))
    blocks = [(s, (starts[j + 1] if j + 1 < len(starts) else len(body))) for j, s in enumerate(starts)]
    label_block = {}
    for b, (s, e) in enumerate(blocks):
        for k, t in body[s:e]:
            if k == "label":
                label_block[t] = b
    succ = [set() for _ in blocks]
    for b, (s, e) in enumerate(blocks):
        last = next((t for k, t in reversed(body[s:e]) if k == "insn"), None)
        falls = True
        if last is not None:
            mn, ops = split_insn(last)
            tgt = branch_target(mn, ops, arch)
            if tgt in label_block:
                succ[b].add(label_block[tgt])
            if mn in ("b", "br", "jmp") or mn.startswith("ret"):
                falls = False
        if falls and b + 1 < len(blocks):
            succ[b].add(b + 1)
    reach, todo = {0}, [0]
    while todo:
        for n in succ[todo.pop()]:
            if n not in reach:
                reach.add(n)
                todo.append(n)
    pred = {b: {p for p in reach if b in succ[p]} for b in reach}
    dom = {b: set(reach) for b in reach}
    dom[0] = {0}
    changed = True
    while changed:
        changed = False
        for b in sorted(reach - {0}):
            new = set.intersection(*[dom[p] for p in pred[b]]) if pred[b] else set()
            new = new | {b}
            if new != dom[b]:
                dom[b], changed = new, True
    loops = {}
    for u in reach:
        for h in succ[u]:
            if h in dom[u]:
                body_b, todo = {h, u}, [u]
                while todo:
                    n = todo.pop()
                    if n == h:
                        continue
                    for p in pred[n]:
                        if p not in body_b:
                            body_b.add(p)
                            todo.append(p)
                loops.setdefault(h, set()).update(body_b)
    inner = [h for h, bs in loops.items() if not any(h2 != h and h2 in bs for h2 in loops)]
    out = []
    for h in sorted(inner):
        idx = [i for b in sorted(loops[h]) for i in range(*blocks[b])]
        label = next((t for k, t in body[blocks[h][0]:blocks[h][1]] if k == "label"), "?")
        out.append((label, idx))
    return out


def fma_units(t, arch):
    """Full-width vector FMAs of one instruction (1 for a 128-bit FMLA / 256-bit VFMADD)."""
    mn, ops = split_insn(t)
    if arch == "aarch64":
        if mn in ("fmla", "fmls") and ops:
            m = re.match(r"v\d+\.(\d+)([sdh])", ops[0])
            if m:
                bits = int(m.group(1)) * {"s": 32, "d": 64, "h": 16}[m.group(2)]
                return bits / 128.0
        return 0.0
    if re.match(r"^vf(n?m(add|sub)(sub|add)?)\d{3}p[sd]$", mn) and ops:
        dst = ops[-1]
        return 2.0 if "zmm" in dst else 1.0 if "ymm" in dst else 0.5 if "xmm" in dst else 0.0
    return 0.0


def vector_loads(t, arch):
    """Full-width vector loads of one instruction (ldp q = 2, ld1 {a, b} = 2)."""
    mn, ops = split_insn(t)
    if arch == "aarch64":
        if mn in ("ldr", "ldur") and ops and re.match(r"^q\d+$", ops[0]):
            return 1
        if mn in ("ldp", "ldnp") and ops and re.match(r"^q\d+$", ops[0]):
            return 2
        if mn in ("ldr", "ldur") and ops and re.match(r"^[ds]\d+$", ops[0]):
            return 1
        if re.match(r"^ld[1-4]r?$", mn):
            return max(1, len(re.findall(r"v\d+\.", t.split("}")[0])))
        return 0
    # AT&T: a memory operand before the destination is a load
    if ops and any("(" in o for o in ops[:-1]) and re.search(r"%[xyz]mm", t):
        return 1
    return 0


LOAD_PROBE = {
    "aarch64": "".join("ldr q%d, [x0, #%d]\n" % (i, 16 * i) for i in range(12)),
    "x86_64": "".join("vmovups %d(%%rdi), %%ymm%d\n" % (32 * i, i) for i in range(12)),
}
_load_rate = {}


def load_rate(mca, arch, cpu):
    """Vector loads per cycle of llvm-mca's model of the CPU (independent loads)."""
    if cpu not in _load_rate:
        m = mca_run(mca, arch, cpu, LOAD_PROBE[arch])
        _load_rate[cpu] = round(12.0 / (m["cycles"] / m["iterations"]), 1)
    return _load_rate[cpu]


# Stack addresses: which general registers hold one (sp, a frame pointer set
# from it, pointers derived from them), tracked in text order.
def gpr(op, arch):
    op = op.strip()
    if arch == "aarch64":
        if op in ("sp", "wsp"):
            return "sp"
        m = re.match(r"^[xw](\d+)$", op)
        return "x" + m.group(1) if m else None
    m = re.match(r"^%([a-z0-9]+)$", op)
    if not m:
        return None
    r = m.group(1)
    m2 = re.match(r"^r(\d+)[dwb]?$", r)
    if m2:
        return "r" + m2.group(1)
    for fam in ("ax", "bx", "cx", "dx", "si", "di", "bp", "sp"):
        if r in ("r" + fam, "e" + fam, fam) or (fam[1] == "x" and r == fam[0] + "l") or \
                (fam[1] != "x" and r == fam + "l"):
            return "r" + fam
    return None


def mem_base(op, arch):
    if arch == "aarch64":
        m = re.match(r"^\[\s*(\w+)", op)
        return gpr(m.group(1), arch) if m else None
    m = re.search(r"\(\s*(%\w+)", op)
    return gpr(m.group(1), arch) if m else None


A64_NO_DEST = re.compile(r"^(st\w*|cmp|cmn|tst|fcmp\w*|ccmp|ccmn|b|b\.?%s|bl|blr|br|ret|cbn?z|tbn?z|"
                         r"prfm|prfum|nop)$" % A64_COND)


def stack_update(S, t, arch):
    """Applies one instruction to the set S of registers holding stack addresses."""
    mn, ops = split_insn(t)
    if not ops:
        return
    if arch == "aarch64":
        if A64_NO_DEST.match(mn):
            return
        dests = [gpr(o, arch) for o in (ops[:2] if mn in ("ldp", "ldpsw", "ldnp") else ops[:1])]
        srcs = [gpr(o, arch) for o in ops[1:]]
        derived = mn in ("mov", "add", "sub", "adds", "subs") and any(s in S for s in srcs if s)
        for d in dests:
            if d and d != "sp":
                (S.add if derived else S.discard)(d)
        return
    dest = gpr(ops[-1], arch)
    if dest is None or dest == "rsp" or mn.startswith(("cmp", "test", "push", "j", "call")):
        return
    base = mn.rstrip("lqwb") if mn not in ("sub", "add", "lea") else mn
    srcs = [gpr(o, arch) or (mem_base(o, arch) if base == "lea" else None) for o in ops[:-1]]
    if base in ("mov", "lea") and any(s in S for s in srcs if s):
        S.add(dest)
    elif base in ("add", "sub", "and", "inc", "dec") and (dest in S or any(s in S for s in srcs if s)):
        S.add(dest)
    else:
        S.discard(dest)


def stack_accesses(body, idx, arch):
    """Instructions of the loop (body indexes idx) with a memory operand on the stack."""
    S = {"sp"} if arch == "aarch64" else {"rsp"}
    for k, t in body[:min(idx)]:
        if k == "insn":
            stack_update(S, t, arch)
    loop = [body[i][1] for i in idx if body[i][0] == "insn"]
    S_back = set(S)
    for t in loop:
        stack_update(S_back, t, arch)
    S |= S_back
    hits = []
    for t in loop:
        _, ops = split_insn(t)
        if any(mem_base(o, arch) in S for o in ops if ("[" in o or "(" in o)):
            hits.append(t)
        stack_update(S, t, arch)
    return hits


# ------------------------------------------------------------- llvm-mca

def mca_run(mca, arch, cpu, loop_text):
    cmd = [mca, "-mtriple=" + TRIPLES[arch], "-mcpu=" + cpu, "-iterations=%d" % MCA_ITERATIONS]
    r = run(cmd, input=loop_text)
    if r.returncode != 0:
        raise ToolError("%s failed:\n%s\n--- input ---\n%s" % (" ".join(cmd), r.stderr, loop_text))
    def num(key):
        m = re.search(r"^%s:\s*([\d.]+)" % key, r.stdout, re.M)
        if not m:
            raise ToolError("%s: no '%s' in its output" % (" ".join(cmd), key))
        return float(m.group(1))
    return {"iterations": num("Iterations"), "cycles": num("Total Cycles"),
            "rthroughput": num("Block RThroughput")}


def analyse_kernel(name, lines, arch, mca, cpus, threshold):
    funcs = functions(lines, name)
    res = {"kernel": name, "cpus": {}}
    if not funcs:
        res["error"] = "not emitted as a function (inlined or absent)"
        return res
    # a thin wrapper that tail-calls a shared clone (b/jmp to another function): follow it
    for body in list(funcs.values()):
        for k, t in body:
            mn, ops = split_insn(t) if k == "insn" else ("", [])
            if mn in ("b", "jmp") and ops and not ops[0].startswith((".L", "*")) and \
                    ops[0] not in funcs:
                funcs.update({lab: b for lab, b in functions(lines, ops[0]).items()
                              if lab == ops[0]})
    best = None
    for label, body in funcs.items():
        for head, idx in loops_of(body, arch):
            insns = [body[i][1] for i in idx if body[i][0] == "insn"]
            fmas = sum(fma_units(t, arch) for t in insns)
            if fmas and (best is None or fmas > best[0]):
                best = (fmas, label, body, head, idx, insns)
    if best is None:
        res["error"] = "no loop with FMAs in %s" % ", ".join(sorted(funcs))
        return res
    fmas, label, body, head, idx, insns = best
    loads = sum(vector_loads(t, arch) for t in insns)
    stack = stack_accesses(body, idx, arch)
    res.update({"function": label, "loop": head, "fmas": fmas, "loads": loads,
                "instructions": len(insns), "stack": stack})
    text = "\n".join(body[i][1] + ":" if body[i][0] == "label" else body[i][1]
                     for i in idx if body[i][0] != "dir") + "\n"
    res["asm"] = text
    for cpu in cpus:
        pipes = CPUS[cpu][1]
        m = mca_run(mca, arch, cpu, text)
        cyc = m["cycles"] / m["iterations"]
        frac = (fmas / pipes) / cyc
        rate = load_rate(mca, arch, cpu)
        roof = round(min(1.0, (rate / pipes) * (fmas / loads)), 3) if loads else 1.0
        res["cpus"][cpu] = {"cycles_per_iter": round(cyc, 3), "rthroughput": m["rthroughput"],
                            "fraction": round(frac, 3), "pipes": pipes, "load_rate": rate,
                            "roof": round(roof, 3),
                            "bound": "throughput" if cyc <= 1.05 * m["rthroughput"] else "latency",
                            "pass": frac >= threshold * roof - 1e-9 and not stack}
    return res


def analyse_source(src, kernels_opt, regex, cpus_opt, threshold, mca, cc, build_dirs):
    src = os.path.abspath(src)
    if not os.path.isfile(src):
        raise ToolError("no source %s" % src)
    argv, cwd, arch, origin = compile_args(src, cc, build_dirs)
    every, steady = source_kernels(src)
    if regex:
        kernels = [k for k in every if re.search(regex, k)]
    elif kernels_opt in (None, "steady"):
        kernels = steady
    elif kernels_opt == "all":
        kernels = every
    else:
        kernels = [k.strip() for k in kernels_opt.split(",") if k.strip()]
    if not kernels:
        raise ToolError("no kernels selected from %s" % src)
    known = mca_cpus(mca, TRIPLES[arch])
    if cpus_opt:
        cpus = [c.strip() for c in cpus_opt.split(",") if c.strip()]
    else:
        cpus = [c for c in DEFAULT_CPUS[arch] if c in known]
    for c in cpus:
        if c.startswith(NOT_REAL_MODELS):
            raise ToolError("%s: LLVM's model of it is not a model of the real core; use the "
                            "Neoverse models" % c)
        if c not in CPUS:
            raise ToolError("%s: FMA pipes unknown (known: %s)" % (c, ", ".join(CPUS)))
        if CPUS[c][0] != arch:
            raise ToolError("%s models %s, the source %s is %s"
                            % (c, CPUS[c][0], os.path.relpath(src, ROOT), arch))
        if c not in known:
            raise ToolError("%s does not know -mcpu=%s" % (mca, c))
    with tempfile.TemporaryDirectory(prefix="mca_check.") as tmp:
        asm, cmd = compile_to_asm(src, argv, cwd, tmp)
    lines = asm_lines(asm, arch)
    results = [analyse_kernel(k, lines, arch, mca, cpus, threshold) for k in kernels]
    flags = [a.replace(ROOT + os.sep, "") for a in cmd[1:-4] if not a.startswith("-W")]
    return {"source": os.path.relpath(src, ROOT), "arch": arch, "compiler": compiler_version(cmd[0]),
            "compiler_cmd": cmd[0], "flags": " ".join(flags), "flags_origin": origin,
            "cpus": cpus, "threshold": threshold, "kernels": results}


def failures(rep):
    bad = []
    for r in rep["kernels"]:
        if "error" in r:
            bad.append("%s: %s" % (r["kernel"], r["error"]))
            continue
        if r["stack"]:
            bad.append("%s: the loop touches the stack (%d accesses)" % (r["kernel"], len(r["stack"])))
        for c, v in r["cpus"].items():
            if not v["pass"] and v["fraction"] < rep["threshold"] * v["roof"] - 1e-9:
                bad.append("%s on %s: %.2f of the FMA peak < %.2f x its roof %.2f"
                           % (r["kernel"], c, v["fraction"], rep["threshold"], v["roof"]))
    return bad


# ------------------------------------------------------------- reports

def short(cpu):
    return cpu.replace("neoverse-", "").upper() if cpu.startswith("neoverse-") else cpu


def text_table(rep):
    cpus = rep["cpus"]
    out = ["%s (%s; %s: %s)" % (rep["source"], rep["compiler"], rep["flags_origin"], rep["flags"]),
           "fraction of the FMA peak per loop iteration (llvm-mca cycles; * below %.2f x the "
           "roof, /r = load-bound roof r < 1), stack = loads/stores to the stack in the loop"
           % rep["threshold"], ""]
    head = "%-16s %-22s %5s %5s %5s %5s" % ("kernel", "function:loop", "FMAs", "loads", "insns",
                                            "stack")
    head += "".join(" %19s" % ("%s (%dp)" % (short(c), CPUS[c][1])) for c in cpus)
    out += [head, "-" * len(head)]
    for r in rep["kernels"]:
        if "error" in r:
            out.append("%-16s %s" % (r["kernel"], r["error"]))
            continue
        row = "%-16s %-22s %5g %5d %5d %5d" % (r["kernel"], "%s:%s" % (r["function"].replace(
            r["kernel"], "~"), r["loop"]), r["fmas"], r["loads"], r["instructions"],
            len(r["stack"]))
        for c in cpus:
            v = r["cpus"][c]
            row += " %19s" % ("%.2f%s%s (%.1fc)" % (
                v["fraction"], "/%.2f" % v["roof"] if v["roof"] < 1 else "",
                "*" if v["fraction"] < rep["threshold"] * v["roof"] - 1e-9 else " ",
                v["cycles_per_iter"]))
        out.append(row)
    return "\n".join(out)


def md_table(rep, with_stack=True):
    cpus = rep["cpus"]
    head = "| kernel | FMAs/iter | vector loads/iter | " + \
        ("stack accesses | " if with_stack else "") + \
        " | ".join("%s (%d pipes)" % (short(c), CPUS[c][1]) for c in cpus) + " |"
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rep["kernels"]:
        if "error" in r:
            out.append("| `%s` | %s |" % (r["kernel"], r["error"]))
            continue
        cells = ["%.2f%s (%.1f cyc)" % (
            r["cpus"][c]["fraction"],
            " of roof %.2f" % r["cpus"][c]["roof"] if r["cpus"][c]["roof"] < 1 else "",
            r["cpus"][c]["cycles_per_iter"]) for c in cpus]
        cells = ["**%s**" % x if r["cpus"][c]["fraction"] <
                 rep["threshold"] * r["cpus"][c]["roof"] - 1e-9 else x
                 for x, c in zip(cells, cpus)]
        out.append("| `%s` | %g | %d | " % (r["kernel"], r["fmas"], r.get("loads", 0)) +
                   ("%d | " % len(r["stack"]) if with_stack else "") + " | ".join(cells) + " |")
    return "\n".join(out)


def markdown(rep, cal, cal_rep, mca_version):
    cpus = rep["cpus"]
    pipes = ", ".join("%s %d" % (short(c), CPUS[c][1]) for c in cpus)
    L = ["# NEON deconvolution micro-kernels: static estimates (llvm-mca)", "",
         "**Static estimates, not measurements.** No Arm hardware was used: the hot loop of "
         "each micro-kernel (its innermost loop with the most FMAs: the channel loop) went "
         "through LLVM's scheduling models of the cores. The numbers leave out caches, calls, "
         "borders, reductions and everything outside that loop. The AVX2 calibration below "
         "shows how far the same method gets on a machine where the real number is known.", "",
         "Generated by `tools/mca_check.py --markdown > results/neon-static/README.md`: "
         "regenerate after changing the kernels. `tools/mca_check.py --calibrate "
         "build/bench/upsimd-bench` measures the AVX2 rows again (into `%s`)."
         % CALIBRATION_FILE, "",
         "- llvm-mca: `%s`, %s, `-iterations=%d`" % (MCA_NAME, mca_version, MCA_ITERATIONS),
         "- compiler: %s" % rep["compiler"],
         "- flags: `%s` (%s)" % (rep["flags"], rep["flags_origin"]),
         "- kernels: the steady-state instances of `%s`, read from its tables: NHWC at "
         "`nhwc_mmax`, dot products at `dot_pmax`, NCHW at `nchw_nvmax` (unmasked), and every "
         "`UPS_GEMM_FN`" % rep["source"],
         "- fraction of the FMA peak = (FMAs per iteration / FMA pipes) / (llvm-mca total "
         "cycles / iterations). FMAs are counted as 128-bit FMLA. FMA pipes: %s" % pipes,
         "- roof: 1, or the load bound (loads/cycle / FMA pipes) x (FMAs / vector loads) "
         "where the loop needs more loads per FMA than the core can issue (one output "
         "channel: each input vector feeds a single FMA). Loads/cycle come from llvm-mca's "
         "model (independent 128-bit loads): %s" % ", ".join(
             "%s %g" % (short(c), _load_rate.get(c, 0)) for c in cpus), "",
         "## Neoverse %s" % ", ".join(short(c) for c in cpus), "",
         "Each cell gives the predicted fraction of the FMA peak and the cycles per loop "
         "iteration (and the roof where it is below 1). **Bold** cells are below the threshold "
         "times the roof, %.2f x roof. Stack accesses are loads "
         "and stores in the loop whose address is on the stack: spills, reloads, or "
         "accumulators kept in a stack array. Any stack access fails the check."
         % rep["threshold"], "", md_table(rep), ""]
    ok = [r for r in rep["kernels"] if "error" not in r]
    L += ["| kernel | function | loop | instructions/iter | bound (%s) |"
          % ", ".join(short(c) for c in cpus), "|---|---|---|---|---|"]
    for r in ok:
        L.append("| `%s` | `%s` | `%s` | %d | %s |" % (
            r["kernel"], r["function"], r["loop"], r["instructions"],
            ", ".join(r["cpus"][c]["bound"] for c in cpus)))
    L += ["", "In the bound column, `throughput` means the cycles per iteration are within 5% "
          "of llvm-mca's block reciprocal throughput (the busiest resource). `latency` means "
          "the loop is slower than that: dependency chains, or loads that wait on stores "
          "through memory.", ""]
    fails = failures(rep)
    L += ["The check (`ctest -R mca_neon`, threshold %.2f) %s." % (
        rep["threshold"], "passes" if not fails else "fails with %d findings" % len(fails)), ""]
    spills = [r for r in ok if r["stack"]]
    if spills:
        L += ["Stack accesses in the hot loops (the first 3 of each loop):", ""]
        for r in spills:
            L.append("- `%s` (%d): %s" % (r["kernel"], len(r["stack"]), "; ".join(
                "`%s`" % re.sub(r"\s+", " ", t) for t in r["stack"][:3])))
        L.append("")
    L += ["## AVX2 calibration against the measured roof", ""]
    if not cal or not cal_rep:
        L += ["There is no calibration data (`%s`). Run `tools/mca_check.py --calibrate "
              "build/bench/upsimd-bench` to measure it." % CALIBRATION_FILE]
        return "\n".join(L) + "\n"
    pred = {r["kernel"]: r for r in cal_rep["kernels"]}
    ccpus = cal_rep["cpus"]
    L += ["The same check was run on `%s`, compiled with %s and `%s`. Its predictions are "
          "compared with the measured roof of bench rows that one micro-kernel dominates. "
          "The measured roof is the row's GFLOP/s over the in-process FMA probe "
          "`probe/fma/avx2`, which reaches the FMA peak. The rows were measured on %s, "
          "`%s`, on %s; each number is the median of %d repetitions."
          % (cal_rep["source"], cal_rep["compiler"], cal_rep["flags"], cal.get("cpu", "?"),
             cal.get("command", "upsimd-bench"), cal.get("date", "?"), cal.get("repetitions", 0)),
          ""]
    same = "znver5" in ccpus and "znver4" in ccpus and all(
        r["cpus"]["znver5"] == r["cpus"]["znver4"] for r in cal_rep["kernels"] if "error" not in r)
    if same:
        L += ["LLVM 19 models `znver5` with its Zen 4 scheduling model (the resources are "
              "named `Zn4*`), so the `znver5` predictions equal the `znver4` ones.", ""]
    pubs = sorted({k for row in cal["rows"] for k in row.get("published", {})})
    head = "| bench row | micro-kernel | " + " | ".join("predicted %s" % c for c in ccpus) + \
        " | measured roof, median (runs) | measured / predicted | " + \
        "".join("published roof, %s | " % k for k in pubs)
    head = head.rstrip(" ")
    L += [head, "|" + "---|" * (head.count("|") - 1)]
    ratios = []
    for row in cal["rows"]:
        k = pred.get(row["kernel"])
        if not k or "error" in k:
            L.append("| `%s` | `%s` | %s |" % (row["row"], row["kernel"],
                                               k["error"] if k else "not analysed"))
            continue
        p = k["cpus"][ccpus[0]]["fraction"]
        ratios.append((row["roof_median"] / p, row))
        L.append("| `%s` | `%s` | %s | **%.3f** (%s) | %.2f | %s" % (
            row["row"], row["kernel"],
            " | ".join("%.2f" % k["cpus"][c]["fraction"] for c in ccpus),
            row["roof_median"], ", ".join("%.3f" % x for x in row["roof"]), ratios[-1][0],
            "".join("%s | " % ("%.3f" % row["published"][q] if q in row.get("published", {})
                               else "-") for q in pubs)))
    L += ["", "Conditions: the load average was %s just before the run, and the in-process FMA "
          "probe gave %s GFLOP/s. Other jobs (niced builds and qemu tests) shared this 2-core "
          "VM. The published columns come from the full runs under `results/` (`scripts/bench`, "
          "3 repetitions; that code may be older). Compare the two to see how much the "
          "concurrent load lowered this run." % (cal.get("loadavg_before", "?"),
                                                 cal.get("probe_fma_gflops", "?"))]
    L += ["", "Why each row is dominated by its micro-kernel:", ""]
    for row in cal["rows"]:
        L.append("- `%s`: %s" % (row["row"], row["why"]))
    if ratios:
        rs = sorted(r for r, _ in ratios)
        pr = sorted(row["published"][q] / pred[row["kernel"]]["cpus"][ccpus[0]]["fraction"]
                    for _, row in ratios for q in row.get("published", {}))
        L += ["", "Reading: in this run, measured/predicted ranges from %.2f to %.2f (median "
              "%.2f)%s. The prediction covers only the hot loop, so for a whole row it is an "
              "upper bound. The gap is the time the row spends outside that loop: borders, "
              "bias and stores, calls, reductions, cache misses, and here also other jobs. A "
              "loop predicted well below 1 really is slow. A loop predicted at 1 can still "
              "lose time elsewhere, as the dot-product row shows." % (
                  rs[0], rs[-1], statistics.median(rs),
                  "; against the published runs it ranges from %.2f to %.2f (median %.2f)"
                  % (pr[0], pr[-1], statistics.median(pr)) if pr else "")]
    return "\n".join(L).rstrip() + "\n"


# ------------------------------------------------------------ calibration

def calibrate(bench, reps, out_path):
    if shutil.which("pgrep"):
        r = run(["pgrep", "-x", "upsimd-bench"])
        others = [p for p in r.stdout.split() if p.strip() and int(p) != os.getpid()]
        if others:
            raise ToolError("another upsimd-bench is running (pids %s): measure on a quiet machine"
                            % " ".join(others))
    esc = lambda n: re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", n)  # std::regex rejects \-
    cmd = [bench, "--no-peers",
           "--benchmark_filter=^(%s)$" % "|".join(esc(n) for n, _, _ in CALIBRATION_ROWS),
           "--benchmark_repetitions=%d" % reps, "--benchmark_format=json"]
    load = os.getloadavg()[0]
    r = run(cmd)  # not niced: a measurement (the bench pins itself to one core)
    if r.returncode != 0:
        raise ToolError("%s failed (%d):\n%s" % (" ".join(cmd), r.returncode, r.stderr[-2000:]))
    data = json.loads(r.stdout)
    cpu = data.get("context", {}).get("cpu_model", "")
    host = re.search(r"Host CPU:\s*(\S+)", run([MCA_NAME, "--version"]).stdout
                     if shutil.which(MCA_NAME) else "")
    if host:
        cpu += " (LLVM host CPU: %s)" % host.group(1)
    rows = []
    for name, kernel, why in CALIBRATION_ROWS:
        roofs = [b["roof"] for b in data["benchmarks"] if b.get("run_name", b["name"]) == name
                 and b.get("run_type") == "iteration" and "roof" in b]
        if not roofs:
            raise ToolError("%s: no roof counter in the output" % name)
        rows.append({"row": name, "kernel": kernel, "why": why, "roof": roofs,
                     "roof_median": statistics.median(roofs)})
        print("%-48s %-12s roof median %.3f (%s)" % (name, kernel, rows[-1]["roof_median"],
                                                    ", ".join("%.3f" % x for x in roofs)),
              file=sys.stderr)
    # the same rows in the published runs (results/<cpu>/bench.json), for comparison
    for d in sorted(os.listdir(os.path.join(ROOT, "results"))):
        f = os.path.join(ROOT, "results", d, "bench.json")
        if not os.path.isfile(f):
            continue
        try:
            pub = json.loads(read(f))
        except ValueError:
            continue
        for row in rows:
            med = [b["roof"] for b in pub.get("benchmarks", []) if b.get("run_name") == row["row"]
                   and b.get("aggregate_name") == "median" and "roof" in b]
            if med:
                row.setdefault("published", {})["results/%s (%s)" % (
                    d, pub.get("context", {}).get("date", "?")[:10])] = med[0]
    date = run(["date", "-u", "+%Y-%m-%d"]).stdout.strip()
    ctx = data.get("context", {})
    doc = {"cpu": cpu, "date": date, "repetitions": reps, "loadavg_before": round(load, 2),
           "probe_fma_gflops": ctx.get("probe_fma_gflops"),
           "command": "upsimd-bench --no-peers --benchmark_repetitions=%d" % reps,
           "rows": rows}
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return doc


# ------------------------------------------------------------------ main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="See the module docstring (head -60 tools/mca_check.py).")
    ap.add_argument("--source", default="neon/deconv_neon.c",
                    help="ISA deconv source, relative to the repository (default %(default)s)")
    ap.add_argument("--kernels", default=None,
                    help="comma-separated names, 'steady' (default) or 'all'")
    ap.add_argument("--regex", default=None, help="kernels whose name matches (any instance)")
    ap.add_argument("--cpus", default=None,
                    help="comma-separated llvm-mca CPUs (default: Neoverse N1,N2,V1,V2 for "
                         "AArch64; znver4, znver5 for x86-64)")
    ap.add_argument("--threshold", type=float, default=0.85,
                    help="minimum fraction of the FMA peak (default %(default)s)")
    ap.add_argument("--json", action="store_true", help="JSON output")
    ap.add_argument("--markdown", action="store_true",
                    help="the results page (this source + the AVX2 calibration)")
    ap.add_argument("--asm", action="store_true", help="print each hot loop's assembly too")
    ap.add_argument("--calibrate", metavar="UPSIMD_BENCH",
                    help="measure the AVX2 calibration rows with this benchmark binary and "
                         "write --calibration-file")
    ap.add_argument("--repetitions", type=int, default=5, help="for --calibrate (default 5)")
    ap.add_argument("--calibration-file", default=CALIBRATION_FILE,
                    help="measured roofs (default %(default)s)")
    ap.add_argument("--build-dir", action="append", default=None,
                    help="build tree(s) whose compile command to use (default build, build-aarch64)")
    ap.add_argument("--cc", default=None, help="compiler (default: from the build tree, or "
                    "aarch64-linux-gnu-gcc / gcc)")
    ap.add_argument("--mca", default=None, help="llvm-mca binary (must be LLVM %d)" % LLVM_MAJOR)
    ap.add_argument("--no-fail", action="store_true", help="report only: exit 0 despite findings")
    a = ap.parse_args(argv)

    def path(p):  # from the caller's directory when it exists there, else the repository's
        return os.path.abspath(p) if os.path.exists(p) else os.path.join(ROOT, p)
    a.source = path(a.source)
    build_dirs = [path(b) for b in (a.build_dir or ["build", "build-aarch64"])]
    cal_path = os.path.abspath(a.calibration_file) if a.calibration_file != CALIBRATION_FILE \
        else os.path.join(ROOT, CALIBRATION_FILE)
    if a.calibrate:
        a.calibrate = path(a.calibrate)
    os.chdir(ROOT)
    try:
        if a.calibrate:
            calibrate(a.calibrate, a.repetitions, cal_path)
            print("wrote %s" % os.path.relpath(cal_path, ROOT), file=sys.stderr)
            return 0
        mca, mca_version = find_mca(a.mca)
        rep = analyse_source(a.source, a.kernels, a.regex, a.cpus, a.threshold, mca, a.cc,
                             build_dirs)
        rep["llvm_mca"] = mca_version
        if a.markdown:
            cal = json.loads(read(cal_path)) if os.path.isfile(cal_path) else None
            cal_rep = None
            if cal:
                names = ",".join(sorted({r["kernel"] for r in cal["rows"]}))
                cal_rep = analyse_source(CALIBRATION_SOURCE, names, None, None, a.threshold, mca,
                                         None, build_dirs)
            sys.stdout.write(markdown(rep, cal, cal_rep, mca_version))
            return 0
    except ToolMissing as e:
        print("mca_check: SKIPPED: %s" % e, file=sys.stderr)
        return SKIP
    except ToolError as e:
        print("mca_check: error: %s" % e, file=sys.stderr)
        return 2

    fails = failures(rep)
    if a.json:
        for r in rep["kernels"]:
            if not a.asm:
                r.pop("asm", None)
        rep["failures"] = fails
        print(json.dumps(rep, indent=1))
    else:
        print("llvm-mca: %s" % mca_version)
        print(text_table(rep))
        if a.asm:
            for r in rep["kernels"]:
                if "asm" in r:
                    print("\n%s (%s):\n%s" % (r["kernel"], r["function"], r["asm"]))
        for r in rep["kernels"]:
            for s in r.get("stack", [])[:4]:
                print("  %s: stack access in the loop: %s" % (r["kernel"], s))
        print("\n%s" % ("PASS" if not fails else "FAIL: %d findings\n  " % len(fails) +
                         "\n  ".join(fails)))
    return 1 if fails and not a.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
