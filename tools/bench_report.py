#!/usr/bin/env python3
"""bench_report.py — turn one upsimd-bench run into results/<cpu>/README.md.

Reads results/<cpu>/bench.json (Google Benchmark JSON from upsimd-bench) and
results/<cpu>/check.txt (upsimd-check's table), writes results/<cpu>/README.md
with tables (time, GB/s or GFLOP/s, roof, speed-up over scalar, ratio to the
best peer) and SVG bar charts of roof, rewrites results/README.md (the index of
every CPU) and prints a summary table. Python 3 standard library only.

    tools/bench_report.py results/<cpu> [--summary-only]

Which number is used: the median aggregate when the run had repetitions, else
the single run (the median of several if GB ran the benchmark more than once).
Times are CPU time (what the counters and the roof probes use), or the wall
clock for rows named .../real_time (upsimd-bench --threads=N, --real-time:
there the probes ran on the same clock and threads).

New row kinds: <op>-plan (resize plan creation), <op>-oneshot (the one-shot
resize call, in-L1 sets) next to the plan-run rows; threads.json beside
bench.json (scripts/bench's thread-scaling runs) gives the "Thread scaling"
table, and "Engine goals" checks this run against the engine's targets;
"upconv: fused against the two-step" and "Upconv goals" compare the fused
upsample + convolution rows with the run's fastest two-step row.

Which variants are upsimd's (and their order) comes from the run itself: the
JSON context key upsimd_variants (the library's ISA registry in id order, then
auto), so a new ISA needs no change here. Runs from before that key: every
variant that is not a peer (context keys peer_<name>). Chart colours are a
fixed palette cycled over the variants in that order.

FMA probes: one per vector width (probe_fma_<name>_gflops), and which one each
variant's deconv roof is taken against (probe_fma_roofs "variant:probe,...",
probe_fma_peers for the peers) come from the context too. Runs from before
them recorded one probe (probe_fma_kind, probe_fma_gflops) that every roof
used; they are read as such. Peer rows name the implementation the peer chose
(label segment "impl ...") where the run recorded it.

Start-up probes: upsimd-bench measures only the probes its selected
benchmarks need (context probes_measured), so a filtered run may lack some
probe_copy_<level>_GBps and probe_fma_<name>_gflops keys, or all of them:
those read as "not measured". Context strings are read trimmed (older
harnesses kept the blanks CPUID pads the model string with).
"""

import html
import json
import os
import statistics
import sys

OPS = ("nearest", "bilinear", "deconv", "upconv")
# Operators whose rows count FLOPs (GFLOP/s, roof against an FMA probe).
FLOP_OPS = ("deconv", "upconv")
# Upconv goals: the fused nearest 2x + 3x3 blocks (both layouts).
UPCONV_GOAL_WORKLOADS = ("sd-vae-decoder-64px-2x-k3", "unet-64px-128to64-2x-k3")
# Bar colours, cycled over the variants (upsimd's in registry order, then peers).
PALETTE = ("#9e9e9e", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
           "#17becf", "#ff7f0e", "#d62728", "#7f7f7f", "#aec7e8")
TIME_SCALE = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def context_of(bench):
    """The run's context, string values trimmed."""
    return {k: v.strip() if isinstance(v, str) else v
            for k, v in bench.get("context", {}).items()}


def split_name(name):
    """op/layout/workload/variant -> dict; probes, packing, resize plan making
    (<op>-plan) and one-shot resize rows (<op>-oneshot) keep their kind. The
    "/real_time" Google Benchmark appends to wall-clock rows (upsimd-bench
    --threads=N, --real-time) is not part of the name."""
    if name.endswith("/real_time"):
        name = name[:-len("/real_time")]
    parts = name.split("/")
    if parts[0] == "probe":
        return {"kind": "probe", "op": "probe", "layout": parts[1], "workload": "/".join(parts[2:]),
                "variant": parts[1]}
    if len(parts) < 4:
        return None
    kind = "run"
    if parts[0].endswith("-pack"):
        kind = "pack"
    elif parts[0].endswith("-twostep"):
        kind = "twostep"
    elif parts[0].endswith("-plan"):
        kind = "plan"
    elif parts[0].endswith("-oneshot"):
        kind = "oneshot"
    return {"kind": kind, "op": parts[0], "layout": parts[1], "workload": parts[2],
            "variant": parts[3]}


def base_op(r):
    """The operator of a row of any kind: nearest-plan -> nearest."""
    return r["op"].split("-")[0]


def upsimd_variants(ctx, records):
    """upsimd's own variant names in benchmark order, from the run's context."""
    listed = ctx.get("upsimd_variants")
    if listed:
        return [v for v in listed.split(",") if v]
    peers = {k[len("peer_"):] for k in ctx if k.startswith("peer_")}
    seen = []
    for r in records:
        if r["kind"] != "probe" and r["variant"] not in peers and r["variant"] not in seen:
            seen.append(r["variant"])
    return seen


def variant_colors(variants, records):
    """A colour per variant: upsimd's first (in order), then peers as they appear."""
    order = list(variants)
    for r in records:
        if r["kind"] != "probe" and r["variant"] not in order:
            order.append(r["variant"])
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(order)}


def seconds_of(b):
    """Time per call of one GB JSON entry, in seconds: CPU time, or the wall
    clock for the rows timed on it (named .../real_time)."""
    key = "real_time" if b.get("name", "").endswith("/real_time") else "cpu_time"
    return b[key] * TIME_SCALE.get(b.get("time_unit", "ns"), 1e-9)


def collect(bench):
    """One record per benchmark name: status, seconds per call, counters, label."""
    by_name = {}
    order = []
    for b in bench.get("benchmarks", []):
        name = b.get("run_name") or b["name"]
        if name not in by_name:
            by_name[name] = {"runs": [], "median": None, "error": None}
            order.append(name)
        rec = by_name[name]
        if b.get("error_occurred"):
            rec["error"] = b.get("error_message", "error")
            continue
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                rec["median"] = b
        else:
            rec["runs"].append(b)
    out = []
    for name in order:
        rec = by_name[name]
        parsed = split_name(name)
        if parsed is None:
            continue
        r = dict(parsed, name=parsed_name(name), status="ok", seconds=None, counters={},
                 label="", message="", spread=None)
        if rec["error"] is not None:
            msg = rec["error"]
            r["message"] = msg
            if msg.startswith("skipped:"):
                r["status"] = "skipped"
            elif msg.startswith("FAILED:"):
                r["status"] = "WRONG"
            else:
                r["status"] = "peer-excluded" if msg.startswith("peer-") else "error"
            out.append(r)
            continue
        src = rec["median"]
        runs = rec["runs"]
        if src is None and not runs:
            continue
        if src is None:
            # No aggregates: the median of the runs GB reported (usually one).
            runs = sorted(runs, key=seconds_of)
            src = runs[len(runs) // 2]
        r["seconds"] = seconds_of(src)
        if len(runs) >= 2 and r["seconds"]:
            # Spread of the repetitions: (max - min) / median.
            times = [seconds_of(x) for x in runs]
            r["spread"] = (max(times) - min(times)) / r["seconds"]
        for key in ("items_per_second", "bytes_per_second", "GFLOPS", "roof", "GFLOPS_twostep",
                    "MACs_fused", "MACs_twostep"):
            if key in src:
                r["counters"][key] = src[key]
        r["label"] = src.get("label", "")
        out.append(r)
    return out


def parsed_name(name):
    """The row's name without GB's "/real_time"."""
    return name[:-len("/real_time")] if name.endswith("/real_time") else name


def fmt_time(s):
    if s is None:
        return "-"
    if s >= 1:
        return f"{s:.3g} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    if s >= 1e-6:
        return f"{s * 1e6:.3g} µs"
    return f"{s * 1e9:.3g} ns"


def fmt_ratio(x, digits=3):
    return "-" if x is None else f"{x:.{digits}g}"


def label_part(r, prefix):
    """The label segment that starts with prefix (without it), or None."""
    for part in r.get("label", "").split("; "):
        if part.startswith(prefix):
            return part[len(prefix):]
    return None


def fma_probes(ctx):
    """{probe name: GFLOP/s measured at start-up}, in the run's order. Runs
    from before the per-width probes have the default probe only, named by the
    first word of probe_fma_kind ("avx2-fma", "portable-128bit")."""
    order = [p for p in ctx.get("probe_fma_usable", "").split(",") if p]
    found = {k[len("probe_fma_"):-len("_gflops")]: v for k, v in ctx.items()
             if k.startswith("probe_fma_") and k.endswith("_gflops") and k != "probe_fma_gflops"}
    if not found and "probe_fma_gflops" in ctx:
        return {ctx.get("probe_fma_kind", "fma").split("-")[0]: ctx["probe_fma_gflops"]}
    names = [p for p in order if p in found] + sorted(p for p in found if p not in order)
    return {p: found[p] for p in names}


def fma_roof_users(ctx):
    """{probe name: [variants whose deconv roof it is]}, "peers" for the peers.
    Older runs: the one probe, for every variant and peer."""
    if "probe_fma_roofs" not in ctx:
        probes = fma_probes(ctx)
        return {p: ["every variant and peer"] for p in probes}
    users = {}
    for pair in ctx["probe_fma_roofs"].split(","):
        if ":" in pair:
            variant, probe = pair.split(":", 1)
            users.setdefault(probe, []).append(variant)
    if ctx.get("probe_fma_peers"):
        users.setdefault(ctx["probe_fma_peers"], []).append("peers")
    return users


def fma_summary(ctx, used_only=False):
    """"avx2 105, avx512 210 GFLOP/s"-style text of the FMA probes ("?" when
    none); used_only: only the probes some roof is taken against."""
    probes = fma_probes(ctx)
    if used_only:
        users = fma_roof_users(ctx)
        probes = {p: v for p, v in probes.items() if p in users} or probes
    if not probes and "probes_measured" in ctx:
        return "not measured"  # a filtered run whose benchmarks need none
    return ", ".join(f"{p} {v}" for p, v in probes.items()) or "?"


def rate_of(r):
    c = r["counters"]
    if r["op"] in FLOP_OPS and r["kind"] == "run" and "GFLOPS" in c:
        return f"{c['GFLOPS']:.3g} GFLOP/s"
    if "bytes_per_second" in c:
        return f"{c['bytes_per_second'] / 1e9:.3g} GB/s"
    if "GFLOPS" in c:
        return f"{c['GFLOPS']:.3g} GFLOP/s"
    return "-"


def enrich(records, variants):
    """Speed-up over scalar and ratio to the best (fastest correct) peer."""
    ours = set(variants)
    groups = {}
    for r in records:
        if r["kind"] != "probe":
            groups.setdefault((r["kind"], r["op"], r["layout"], r["workload"]), []).append(r)
    for rows in groups.values():
        scalar = next((x for x in rows if x["variant"] == "scalar" and x["seconds"]), None)
        peers = [x for x in rows if x["variant"] not in ours and x["seconds"]]
        best = min(peers, key=lambda x: x["seconds"]) if peers else None
        for x in rows:
            x["speedup"] = scalar["seconds"] / x["seconds"] if scalar and x["seconds"] else None
            x["best_peer"] = best["variant"] if best else None
            x["vs_peer"] = (best["seconds"] / x["seconds"]
                            if best and x["seconds"] and x["variant"] in ours else None)
    return groups


def cell_status(r):
    if r["status"] == "ok":
        return None
    if r["status"] == "skipped":
        return "skipped"
    if r["status"] == "WRONG":
        return "**WRONG — refused, not timed**"
    return "excluded (" + r["message"].split(":")[0] + ")"


def table_rows(records, kind, op):
    rows = [r for r in records if r["kind"] == kind and r["op"] == op]
    lines = []
    if not rows:
        return lines
    # Deconv roofs are against copy or one of several FMA probes: say which.
    basis = kind == "run" and op in FLOP_OPS
    lines.append("| workload | layout | variant | time | throughput | roof |"
                 + (" roof vs |" if basis else "") + " × scalar | vs best peer |")
    lines.append("|---|---|---|---:|---:|---:|" + ("---|" if basis else "") + "---:|---:|")
    for r in rows:
        st = cell_status(r)
        if st == "skipped":
            continue  # listed once below the table
        if st:
            lines.append(f"| {r['workload']} | {r['layout']} | {r['variant']} | {st} | | |"
                         + (" |" if basis else "") + " | |")
            continue
        roof = r["counters"].get("roof")
        vs = ""
        if r.get("vs_peer") is not None:
            vs = f"{r['vs_peer']:.2f}× ({r['best_peer']})"
        # A peer's own choice of implementation (and ISA), where recorded.
        impl = label_part(r, "impl ")
        variant = f"{r['variant']} ({impl.replace('|', '/')})" if impl else r["variant"]
        roof_vs = (label_part(r, "roof vs ") or "").replace("/", " ")
        lines.append(
            f"| {r['workload']} | {r['layout']} | {variant} | {fmt_time(r['seconds'])} | "
            f"{rate_of(r)} | {fmt_ratio(roof, 2)} |" + (f" {roof_vs} |" if basis else "")
            + f" {'' if r.get('speedup') is None else format(r['speedup'], '.2f') + '×'} | {vs} |")
    return lines


def svg_chart(records, op, colors, kind="run"):
    """Horizontal bars of roof, one group per workload/layout, one bar per variant."""
    rows = [r for r in records if r["kind"] == kind and r["op"] == op and r["status"] == "ok"
            and "roof" in r["counters"]]
    if not rows:
        return None
    groups = []
    for r in rows:
        key = f"{r['workload']} ({r['layout']})"
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(r)
    bar_h, gap, left, width = 12, 10, 300, 420
    height = 40 + sum(len(g[1]) * bar_h + gap for g in groups) + 30
    top_roof = max(1.0, max(r["counters"]["roof"] for r in rows))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" '
           f'font-family="sans-serif" font-size="10">',
           f'<text x="10" y="16" font-size="13">{html.escape(op)}: roof (fraction of this '
           f'machine\'s limit; 1 = at the limit)</text>']
    y = 32
    for key, rs in groups:
        out.append(f'<text x="10" y="{y + bar_h}" >{html.escape(key)}</text>')
        for r in rs:
            w = r["counters"]["roof"] / top_roof * width
            color = colors.get(r["variant"], PALETTE[-1])
            out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                       f'fill="{color}"/>')
            out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 3}">'
                       f'{html.escape(r["variant"])} {r["counters"]["roof"]:.2f}</text>')
            y += bar_h
        y += gap
    x1 = left + width / top_roof
    out.append(f'<line x1="{x1:.1f}" y1="28" x2="{x1:.1f}" y2="{y}" stroke="#000" '
               f'stroke-dasharray="3,3"/>')
    out.append(f'<text x="{x1 - 8:.1f}" y="{y + 12}">1.0</text>')
    out.append("</svg>")
    return "\n".join(out)


def context_lines(ctx):
    keys = [("CPU", "cpu_model"), ("architecture", "cpu_arch"), ("MIDR_EL1 (AArch64)", "cpu_midr"),
            ("cores / PUs", None), ("L1d / L2 / L3", None),
            ("timing thread pinned to PU", "pinned_pu"), ("threads", "threads"),
            ("clock", "clock"), ("pool", "pool"), ("threads pinned to PUs", "pinned_pus"),
            ("probes on N threads", "probes_threads"), ("ISAs usable", "upsimd_isas_usable"),
            ("AUTO picks", "upsimd_isa_auto"), ("run mode", "upsimd_mode"), ("date", "date"),
            ("host", "host_name"), ("Google Benchmark build", "library_build_type")]
    lines = ["| | |", "|---|---|"]
    for title, key in keys:
        if key is None and title.startswith("cores"):
            v = f"{ctx.get('cpu_cores', '?')} / {ctx.get('cpu_pus', '?')}"
        elif key is None:
            def kib(k):
                try:
                    return f"{int(ctx.get(k, 0)) // 1024} KiB"
                except ValueError:
                    return "?"
            v = f"{kib('cache_l1d_bytes')} / {kib('cache_l2_bytes')} / {kib('cache_l3_bytes')}"
        elif key in ("cpu_midr", "threads", "clock", "pool", "pinned_pus",
                     "probes_threads") and key not in ctx:
            continue  # runs from before these keys
        else:
            v = ctx.get(key, "?")
        lines.append(f"| {title} | {v} |")
    lines.append(f"| FMA probes, GFLOP/s (1 core, at start-up) | {fma_summary(ctx)} |")
    if "probes_measured" in ctx:
        lines.append(f"| start-up probes measured (those the selected benchmarks need) | "
                     f"{ctx['probes_measured'].replace(',', ', ')} |")
    if "probe_fma_roofs" in ctx:
        users = fma_roof_users(ctx)
        lines.append("| deconv roofs against | " + "; ".join(
            f"{p}: {', '.join(v)}" for p, v in users.items()) + " |")
    for k in sorted(ctx):
        if k.startswith("peer_"):
            lines.append(f"| peer {k[5:]} | {ctx[k]} |")
    return lines


def probe_lines(records, ctx):
    lines = ["| probe | measured at start-up | as a benchmark | roof of the probe | "
             "deconv roofs against it |",
             "|---|---:|---:|---:|---|"]
    probes = fma_probes(ctx)
    users = fma_roof_users(ctx)
    for r in records:
        if r["kind"] != "probe":
            continue
        if r["status"] != "ok":
            lines.append(f"| {r['name']} | | {r['status']} | | |")
            continue
        used = ""
        if r["layout"] == "copy":
            start = ctx.get(f"probe_copy_{r['workload']}_GBps")
            start = f"{start} GB/s" if start is not None else "not measured"
        else:
            # The benchmark probe/fma/<name> is the probe measured at start-up
            # under that name (older runs: the default probe only).
            start = f"{probes[r['workload']]} GFLOP/s" if r["workload"] in probes else ""
            used = ", ".join(users.get(r["workload"], []))
        lines.append(f"| {r['name']} | {start} | {rate_of(r)} | "
                     f"{fmt_ratio(r['counters'].get('roof'), 3)} | {used} |")
    return lines


# ------------------------------------------------------------ thread scaling

# The thread-scaling set (scripts/bench): a representative workload per
# operator, (op, layout, workload), AUTO and the peers that ran.
SCALING_ROWS = (("nearest", "nchw", "sd-vae-decoder-64px-2x"),
                ("bilinear", "nchw", "esrgan-128px-2x"),
                ("deconv", "nhwc", "unet-28px-1024to512-k2s2"),
                ("deconv", "nhwc", "unet-64px-128to64-k2s2"),
                ("deconv", "nchw", "dcgan-64px-64to64-k4s2p1"))


def scaling_runs(doc):
    """{threads: (context, {row name: record})} of threads.json ({"cores": N,
    "runs": [Google Benchmark JSON of one --threads=T run, ...], "notes": [...]})."""
    out = {}
    for run in (doc or {}).get("runs", []):
        ctx = context_of(run)
        try:
            t = int(ctx.get("threads", "1"))
        except ValueError:
            continue
        out[t] = (ctx, {r["name"]: r for r in collect(run)})
    return out


def scaling_lines(doc):
    """The "Thread scaling" section's body: per row and thread count, time
    (median, spread of the repetitions), speed-up over one thread and roof
    against the probes of as many threads; then the probes per thread count."""
    runs = scaling_runs(doc)
    cores = (doc or {}).get("cores")
    lines = []
    if cores == 1:
        lines.append("1 core: not measured (this machine has one core; only 1 thread runs).")
        lines.append("")
    if not runs:
        lines.append("No thread-scaling run (threads.json absent or empty).")
        return lines
    ts = sorted(runs)
    names = []
    for t in ts:
        for name, r in runs[t][1].items():
            if r["kind"] == "run" and name not in names:
                names.append(name)
    lines.append("| row | threads | time | spread | × 1 thread | roof |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for name in names:
        one = runs.get(1, ({}, {}))[1].get(name)
        for t in ts:
            r = runs[t][1].get(name)
            if r is None:
                continue
            if r["status"] != "ok":
                lines.append(f"| {name} | {t} | {r['status']} | | | |")
                continue
            sp = (one["seconds"] / r["seconds"]
                  if one and one["status"] == "ok" and one["seconds"] and r["seconds"] else None)
            spread = "-" if r.get("spread") is None else f"{r['spread'] * 100:.0f}%"
            lines.append(f"| {name} | {t} | {fmt_time(r['seconds'])} | {spread} | "
                         f"{'-' if sp is None else format(sp, '.2f') + '×'} | "
                         f"{fmt_ratio(r['counters'].get('roof'), 2)} |")
    lines.append("")
    lines.append("Probes per thread count (each thread its own slice of the copy; the FMA "
                 "probes sum the threads' chains):")
    lines.append("")
    lines.append("| threads | FMA probes, GFLOP/s | copy probes (as benchmarks) | pinned to PUs |")
    lines.append("|---:|---|---|---|")
    for t in ts:
        ctx, recs = runs[t]
        copies = ", ".join(f"{r['workload']} {rate_of(r)}" for r in recs.values()
                           if r["kind"] == "probe" and r["layout"] == "copy" and r["status"] == "ok")
        lines.append(f"| {t} | {fma_summary(ctx)} | {copies or '-'} | "
                     f"{ctx.get('pinned_pus', ctx.get('pinned_pu', '?'))} |")
    for note in (doc or {}).get("notes", []):
        lines.append("")
        lines.append(f"- {note}")
    return lines


def find_row(records, kind, op, layout, workload, variant="auto"):
    for r in records:
        if (r["kind"], r["op"], r["layout"], r["workload"], r["variant"]) == (
                kind, op, layout, workload, variant):
            return r
    return None


def engine_goals(records, ctx, doc):
    """[(goal, row, measured, target, result)] of the engine goals, from this
    run (records, one thread unless its context says otherwise) and the
    thread-scaling runs (doc). result: "pass", "miss", or why not measured."""
    goals = []
    runs = scaling_runs(doc)
    cores = (doc or {}).get("cores")
    one_core = cores == 1

    def scaled(op, layout, workload, t):
        rec = runs.get(t, ({}, {}))[1].get(f"{op}/{layout}/{workload}/auto")
        return rec if rec and rec["status"] == "ok" and rec["seconds"] else None

    for op, layout, workload in SCALING_ROWS:
        row = f"{op}/{layout}/{workload}/auto"
        deconv = op == "deconv"
        goal = ("deconv wide layer: 2 threads vs 1" if deconv
                else "resize, output >= 4 MiB: 2 threads vs 1, or roof at 2 threads")
        target = "≥ 1.85×" if deconv else "≥ 1.5× or roof ≥ 0.8"
        if one_core:
            goals.append((goal, row, "-", target, "1 core: not measured"))
            continue
        r1, r2 = scaled(op, layout, workload, 1), scaled(op, layout, workload, 2)
        if not r1 or not r2:
            goals.append((goal, row, "-", target, "not in this run"))
            continue
        sp = r1["seconds"] / r2["seconds"]
        roof2 = r2["counters"].get("roof")
        if deconv:
            goals.append((goal, row, f"{sp:.2f}×", target, "pass" if sp >= 1.85 else "miss"))
        else:
            ok = sp >= 1.5 or (roof2 is not None and roof2 >= 0.8)
            goals.append((goal, row, f"{sp:.2f}× (roof {fmt_ratio(roof2, 2)} at 2 threads)",
                          target, "pass" if ok else "miss"))
    one_thread = ctx.get("threads", "1") == "1"
    for op in ("nearest", "bilinear"):
        for workload in ("yolov5s-neck-20px-2x", "yolov5s-neck-40px-2x"):
            for layout in ("nchw", "nhwc"):
                row = f"{op}/{layout}/{workload}/auto"
                goal = "YOLOv5s neck resize: roof at 1 thread"
                r = find_row(records, "run", op, layout, workload)
                if r is None or r["status"] != "ok" or not one_thread:
                    why = "not in this run" if one_thread else "this run is not 1 thread"
                    goals.append((goal, row, "-", "roof ≥ 0.8", why))
                    continue
                roof = r["counters"].get("roof")
                goals.append((goal, row, fmt_ratio(roof, 2), "roof ≥ 0.8",
                              "pass" if roof is not None and roof >= 0.8 else "miss"))
    for r in records:
        if r["kind"] != "oneshot" or r["variant"] != "auto":
            continue
        op = base_op(r)
        plan = find_row(records, "run", op, r["layout"], r["workload"])
        row = f"{op}/{r['layout']}/{r['workload']}/auto"
        goal = "in-L1 resize: plan run vs one-shot call"
        if (plan is None or plan["status"] != "ok" or r["status"] != "ok"
                or not plan["seconds"] or not r["seconds"]):
            goals.append((goal, row, "-", "≥ 2× faster", "not in this run"))
            continue
        x = r["seconds"] / plan["seconds"]
        goals.append((goal, row, f"{x:.2f}× ({fmt_time(plan['seconds'])} vs "
                      f"{fmt_time(r['seconds'])})", "≥ 2× faster", "pass" if x >= 2 else "miss"))
    return goals


def upconv_rows(records):
    """[(layout, workload, fused auto row, best two-step row or None)] of the
    upconv workloads of this run, in order."""
    out = []
    for r in records:
        if r["kind"] != "run" or r["op"] != "upconv" or r["variant"] != "auto":
            continue
        two = [x for x in records if x["kind"] == "twostep" and x["layout"] == r["layout"]
               and x["workload"] == r["workload"] and x["status"] == "ok" and x["seconds"]]
        out.append((r["layout"], r["workload"], r,
                    min(two, key=lambda x: x["seconds"]) if two else None))
    return out


def widest_fma(ctx):
    """(probe, GFLOP/s) of the fastest FMA probe of the run, or (None, None)."""
    probes = fma_probes(ctx)
    vals = {}
    for p, v in probes.items():
        try:
            vals[p] = float(v)
        except (TypeError, ValueError):
            pass  # "?" or empty: not measured
    if not vals:
        return None, None
    p = max(vals, key=vals.get)
    return p, vals[p]


def upconv_lines(records):
    """The upconv table: fused (AUTO) against the best two-step of the run."""
    rows = upconv_rows(records)
    if not rows:
        return []
    lines = ["| workload | layout | fused time (auto) | GFLOP/s (fused MACs) | roof | "
             "best two-step | fused speed-up | MACs saved |",
             "|---|---|---:|---:|---:|---|---:|---:|"]
    for layout, workload, r, best in rows:
        if r["status"] != "ok":
            lines.append(f"| {workload} | {layout} | {cell_status(r)} | | | | | |")
            continue
        c = r["counters"]
        gf = c.get("GFLOPS")
        fused, two = c.get("MACs_fused"), c.get("MACs_twostep")
        saved = (f"{(two - fused) / 1e9:.3g} G ({two / fused:.2f}× fewer)"
                 if fused and two else "-")
        if best:
            bt = f"{fmt_time(best['seconds'])} ({best['variant']})"
            sp = f"{best['seconds'] / r['seconds']:.2f}×"
        else:
            bt, sp = "not in this run", "-"
        lines.append(f"| {workload} | {layout} | {fmt_time(r['seconds'])} | "
                     f"{'-' if gf is None else format(gf, '.3g')} | "
                     f"{fmt_ratio(c.get('roof'), 2)} | {bt} | {sp} | {saved} |")
    return lines


def upconv_goals(records, ctx):
    """[(goal, row, measured, target, result)]: fused nearest 2x + 3x3 on the
    SD-VAE and U-Net blocks >= 2x faster than the best two-step, and >= 0.8 of
    the widest FMA probe on the fused MACs (AUTO, one thread)."""
    goals = []
    probe, peak = widest_fma(ctx)
    one_thread = ctx.get("threads", "1") == "1"
    found = {(lay, wl): (r, best) for lay, wl, r, best in upconv_rows(records)}
    for workload in UPCONV_GOAL_WORKLOADS:
        for layout in ("nchw", "nhwc"):
            row = f"upconv/{layout}/{workload}/auto"
            r, best = found.get((layout, workload), (None, None))
            ok = r is not None and r["status"] == "ok" and r["seconds"] and one_thread
            why = "not in this run" if one_thread else "this run is not 1 thread"
            goal = "upconv fused vs best two-step"
            if not ok or best is None:
                goals.append((goal, row, "-", "≥ 2× faster", why if not ok else
                              "no two-step row in this run"))
            else:
                x = best["seconds"] / r["seconds"]
                goals.append((goal, row, f"{x:.2f}× ({fmt_time(r['seconds'])} vs "
                              f"{fmt_time(best['seconds'])} {best['variant']})", "≥ 2× faster",
                              "pass" if x >= 2 else "miss"))
            goal = "upconv fused MACs vs widest FMA probe"
            gf = r["counters"].get("GFLOPS") if ok else None
            if gf is None or not peak:
                goals.append((goal, row, "-", "≥ 0.8", why if not ok else "no FMA probe"))
            else:
                goals.append((goal, row, f"{gf / peak:.2f} ({gf:.3g} of {peak:.3g} GFLOP/s "
                              f"{probe})", "≥ 0.8", "pass" if gf / peak >= 0.8 else "miss"))
    return goals


def goal_lines(goals):
    lines = ["| goal | row | measured | target | result |", "|---|---|---:|---|---|"]
    for goal, row, measured, target, result in goals:
        res = f"**{result}**" if result == "miss" else result
        lines.append(f"| {goal} | {row} | {measured} | {target} | {res} |")
    return lines


def plan_vs_oneshot_lines(records):
    """In-L1 resize rows: the plan's run and the one-shot call, same run."""
    lines = []
    for r in records:
        if r["kind"] != "oneshot" or r["status"] != "ok":
            continue
        plan = find_row(records, "run", base_op(r), r["layout"], r["workload"], r["variant"])
        if plan is None or plan["status"] != "ok" or not plan["seconds"]:
            continue
        if not lines:
            lines = ["| operator | workload | layout | variant | plan run | one-shot call | "
                     "one-shot / plan |", "|---|---|---|---|---:|---:|---:|"]
        lines.append(f"| {base_op(r)} | {r['workload']} | {r['layout']} | {r['variant']} | "
                     f"{fmt_time(plan['seconds'])} | {fmt_time(r['seconds'])} | "
                     f"{r['seconds'] / plan['seconds']:.2f}× |")
    return lines


def write_readme(outdir, bench, records, check_text, variants, threads_doc=None):
    ctx = context_of(bench)
    colors = variant_colors(variants, records)
    md = []
    mode = ctx.get("upsimd_mode", "full")
    md.append(f"# upsimd results: {ctx.get('cpu_model', 'unknown CPU')}")
    md.append("")
    md.append("Generated by `tools/bench_report.py` from `bench.json` (upsimd-bench) and "
              "`check.txt` (upsimd-check) of one `scripts/bench` run. Do not edit by hand.")
    if mode == "problems":
        md.append("")
        md.append("> **This run benchmarks user problems** (`upsimd-bench --problem/--batch`), "
                  "not the built-in workloads: the tables are for those layers only.")
    elif mode != "full":
        md.append("")
        md.append("> **This is a `--quick` run** (few workloads, short timings, no repetitions): "
                  "a smoke test, not for publication. Run `scripts/bench` for the full tables.")
    if ctx.get("cpu_model", "").startswith("QEMU"):
        md.append("")
        md.append("> **Run under an emulator (qemu)**: it proves the harness works on this "
                  "architecture; its times and roofs say nothing about any real CPU.")
    if ctx.get("library_build_type") == "debug":
        md.append("")
        md.append("> Google Benchmark's own library reports a debug build (Debian's "
                  "libbenchmark); it affects only GB's bookkeeping between timed loops, not the "
                  "code under test, which is a Release build.")
    md.append("")
    md.append("## Machine")
    md.append("")
    md.extend(context_lines(ctx))
    md.append("")
    md.append("## How to read")
    md.append("")
    if ctx.get("clock") == "real_time":
        md.append(f"- **time**: wall-clock time per call (median of the repetitions when there "
                  f"were any), on {ctx.get('threads', '1')} thread(s) (`--threads`; the default "
                  f"pool, see Machine); the probes ran on as many threads.")
    else:
        md.append("- **time**: CPU time per call (median of the repetitions when there were "
                  "any), one thread pinned to one core.")
    md.append("- **throughput**: GB/s of compulsory traffic (input read once, output written "
              "once, weights once) for resize and packing; GFLOP/s of useful work (2 × the "
              "multiply-adds that land inside the output) for deconv.")
    if "probe_fma_roofs" in ctx:
        md.append("- **roof**: the time this machine's own limit needs for the same work divided "
                  "by the measured time (1 = at the limit). The limit is a streaming copy of the "
                  "same bytes on buffers of the same sizes (so the same cache level) for resize "
                  "and packing, and for deconv the larger of that and the time of the FMA probe "
                  "of the variant's own vector width for the useful FLOPs (column **roof vs**): "
                  "each ISA against its own probe (or its parent's), scalar against the default "
                  "probe, auto against the ISA it resolves to, and **peers against the widest "
                  "probe this machine runs, because peers pick their own ISA** (the "
                  "implementation each chose is next to its name; its ISA is in Machine). "
                  "All limits are measured in the same process (probes below).")
    else:
        md.append("- **roof**: the time this machine's own limit needs for the same work divided "
                  "by the measured time (1 = at the limit). The limit is a streaming copy of the "
                  "same bytes on buffers of the same sizes (so the same cache level) for resize "
                  "and packing, and for deconv the larger of that and the FMA probe's time for "
                  "the useful FLOPs (this run had one FMA probe, for every variant and peer). "
                  "All limits are measured in the same process (probes below).")
    md.append("- **× scalar**: speed-up over the scalar reference of the same row group. "
              "**vs best peer**: the fastest correct peer's time divided by this time "
              "(> 1: upsimd is faster).")
    md.append("- Every variant and peer is checked against the scalar reference before it is "
              "timed: **WRONG** rows were refused (no time); peers that disagree are excluded.")
    md.append("")
    md.append("## Limits (probes)")
    md.append("")
    md.extend(probe_lines(records, ctx))
    md.append("")
    md.append("## Correctness sweep (upsimd-check)")
    md.append("")
    md.append(check_text.strip() if check_text else "(no check.txt)")
    md.append("")
    for op in OPS:
        lines = table_rows(records, "run", op)
        if not lines:
            continue
        md.append(f"## {op}")
        md.append("")
        md.extend(lines)
        md.append("")
        svg = svg_chart(records, op, colors)
        if svg:
            fname = f"roof-{op}.svg"
            with open(os.path.join(outdir, fname), "w", encoding="utf-8") as f:
                f.write(svg + "\n")
            md.append(f"![roof of every {op} variant]({fname})")
            md.append("")
    lines = upconv_lines(records)
    if lines:
        md.append("## upconv: fused against the two-step")
        md.append("")
        md.append("Fused nearest upsample + convolution (AUTO) against the fastest two-step "
                  "row of the run (`upconv-twostep/...`: upsimd's resize plan then a factor-1 "
                  "upconv plan, and oneDNN's resampling then convolution where built). "
                  "GFLOP/s counts the fused multiply-adds; **MACs saved** is the two-step's "
                  "minus the fused count.")
        md.append("")
        md.extend(lines)
        md.append("")
    for op in ("deconv", "upconv"):
        lines = table_rows(records, "pack", f"{op}-pack")
        if lines:
            md.append(f"## {op} weight packing (plan creation)")
            md.append("")
            md.extend(lines)
            md.append("")
    for op in ("nearest", "bilinear"):
        lines = table_rows(records, "plan", f"{op}-plan")
        if lines:
            md.append(f"## {op} plan creation (coordinate tables; no roof)")
            md.append("")
            md.extend(lines)
            md.append("")
    lines = plan_vs_oneshot_lines(records)
    if lines:
        md.append("## Plan run vs one-shot call (in-L1 sets)")
        md.append("")
        md.append("The resize rows above time a plan's run (the plan made outside the timed "
                  "loop); the one-shot call builds its tables on every call.")
        md.append("")
        md.extend(lines)
        md.append("")
    md.append("## Thread scaling")
    md.append("")
    md.append("`threads.json`: upsimd-bench `--threads=T --real-time` for T = 1 .. the "
              "machine's cores on one workload per operator (wall-clock times, AUTO and the "
              "peers; roof against the probes measured on T threads).")
    md.append("")
    md.extend(scaling_lines(threads_doc))
    md.append("")
    md.append("## Engine goals")
    md.append("")
    md.extend(goal_lines(engine_goals(records, ctx, threads_doc)))
    md.append("")
    md.append("## Upconv goals")
    md.append("")
    md.extend(goal_lines(upconv_goals(records, ctx)))
    md.append("")
    abouts = {}
    for r in records:
        if r["kind"] == "run" and r["label"]:
            abouts.setdefault(r["workload"], r["label"].split(";")[0])
    if abouts:
        md.append("## Workloads")
        md.append("")
        md.append("| workload | model, layer, shape |")
        md.append("|---|---|")
        for k, v in abouts.items():
            md.append(f"| {k} | {v} |")
        md.append("")
    skipped = sorted({r["message"] for r in records if r["status"] == "skipped"})
    excluded = [r for r in records if r["status"] in ("peer-excluded", "error")]
    if skipped or excluded:
        md.append("## Not timed")
        md.append("")
        for m in skipped:
            n = sum(1 for r in records if r["message"] == m)
            md.append(f"- {n} benchmark(s) {m}")
        for r in excluded:
            md.append(f"- `{r['name']}`: {r['message']}")
        md.append("")
    with open(os.path.join(outdir, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md))


def write_index(results_dir):
    rows = []
    for d in sorted(os.listdir(results_dir)):
        path = os.path.join(results_dir, d, "bench.json")
        if not os.path.isfile(path):
            continue
        try:
            bench = load(path)
        except (OSError, ValueError):
            continue
        ctx = context_of(bench)
        recs = collect(bench)
        auto = [r["counters"]["roof"] for r in recs
                if r["kind"] == "run" and r["variant"] == "auto" and r["status"] == "ok"
                and "roof" in r["counters"]]
        wrong = sum(1 for r in recs if r["status"] == "WRONG")
        rows.append(f"| [{d}]({d}/README.md) | {ctx.get('cpu_model', '?')} | "
                    f"{ctx.get('cpu_cores', '?')} | {ctx.get('upsimd_isas_usable', '?')} | "
                    f"{fma_summary(ctx, used_only=True)} | {ctx.get('probe_copy_dram_GBps', '-')} | "
                    f"{statistics.median(auto) if auto else 0:.2f} | {wrong} | "
                    f"{ctx.get('upsimd_mode', '?')} | {ctx.get('date', '?')[:10]} |")
    md = ["# upsimd results", "",
          "One folder per machine, each written by `scripts/bench` (see the top-level README, "
          "\"Benchmark harness\"): named from the CPU model and architecture, `-quick` for "
          "a quick run (a smoke test, mode quick), `-2`, `-3`, ... for another machine whose "
          "name is taken (its `machine.txt` says which). Roof: fraction of that machine's own "
          "limit (1 = at the limit). "
          "FMA probes: single-core GFLOP/s of each vector width that some roof is taken against "
          "(each variant against its own width's, peers against the widest).",
          "",
          "| CPU folder | CPU model | cores | ISAs usable | FMA probes GFLOP/s (1 core) | "
          "copy GB/s (DRAM) | median roof of auto | wrong variants | mode | date |",
          "|---|---|---:|---|---|---:|---:|---:|---|---|"]
    md.extend(rows)
    with open(os.path.join(results_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")


def print_summary(records):
    name_w = max([len(r["name"]) for r in records if r["kind"] != "probe"] + [20])
    print(f"{'benchmark':<{name_w}}  {'time':>10}  {'throughput':>16}  {'roof':>6}  "
          f"{'x scalar':>8}  {'vs best peer':>18}")
    for r in records:
        if r["kind"] == "probe":
            continue
        if r["status"] == "skipped":
            continue
        if r["status"] != "ok":
            print(f"{r['name']:<{name_w}}  {r['status']}: {r['message'][:100]}")
            continue
        roof = r["counters"].get("roof")
        vs = f"{r['vs_peer']:.2f}x {r['best_peer']}" if r.get("vs_peer") is not None else ""
        sp = f"{r['speedup']:.2f}x" if r.get("speedup") is not None else ""
        print(f"{r['name']:<{name_w}}  {fmt_time(r['seconds']):>10}  {rate_of(r):>16}  "
              f"{fmt_ratio(roof, 2):>6}  {sp:>8}  {vs:>18}")
    skipped = sum(1 for r in records if r["status"] == "skipped")
    wrong = sum(1 for r in records if r["status"] == "WRONG")
    excluded = sum(1 for r in records if r["status"] in ("peer-excluded", "error"))
    print(f"\n{skipped} skipped (variant not built in or not usable on this CPU), "
          f"{excluded} peer run(s) excluded, {wrong} WRONG variant(s) refused")


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    outdir = argv[1]
    bench = load(os.path.join(outdir, "bench.json"))
    check_path = os.path.join(outdir, "check.txt")
    check_text = open(check_path, encoding="utf-8").read() if os.path.exists(check_path) else ""
    records = collect(bench)
    variants = upsimd_variants(context_of(bench), records)
    enrich(records, variants)
    threads_path = os.path.join(outdir, "threads.json")
    threads_doc = load(threads_path) if os.path.exists(threads_path) else None
    if "--summary-only" not in argv:
        write_readme(outdir, bench, records, check_text, variants, threads_doc)
        write_index(os.path.dirname(os.path.abspath(outdir)))
    print_summary(records)
    return 1 if any(r["status"] == "WRONG" for r in records) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
