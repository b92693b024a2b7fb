#!/usr/bin/env python3
"""bench_compare.py — compare two upsimd-bench runs row by row, with a verdict
that knows the noise (scripts/compare is the command; this is its engine).

    bench_compare.py A B                        two bench.json files or results/<cpu>/ folders
    bench_compare.py --ab BIN_A BIN_B --filter REGEX [--rounds N] [--cpu PU]
                                                run two upsimd-bench binaries alternately

Per benchmark row: the median CPU time of A and of B, B/A, the spread of each
side's repetitions ((max - min) / median), and a verdict:

  faster / slower  B is faster / slower than A, beyond the noise
  same             no change beyond the noise
  not enough repetitions
                   too few repetitions to tell either way

The statistics are Google Benchmark's own: its compare.py library
(/usr/share/benchmark/gbench/report.py, Debian libbenchmark-tools; needs
SciPy) pairs the rows and runs the two-sided Mann-Whitney U test on the
repetitions' CPU times (calc_utest). Verdict rule, per row:

1. Either side has fewer repetitions than compare.py's minimum
   (UTEST_MIN_REPETITIONS, 2): "not enough repetitions" (one time says
   nothing about its noise).
2. The U test can reach alpha (0.05, compare.py's default) at these sample
   sizes (the exact test's smallest p-value, perfectly separated samples, is
   below alpha: 4 vs 4, 3 vs 5, ... and up): p < alpha gives faster or
   slower (the side of the median), else same. compare.py calls fewer than
   UTEST_OPTIMAL_REPETITIONS (9) unreliable; such rows are marked.
3. Otherwise (3 vs 3 -- scripts/bench's default 3 repetitions --, 3 vs 4,
   2 vs 2 to 7) a conservative rule that never claims a change inside the observed spread:
   the two sides' [min, max] ranges overlap: same; they are apart by more
   than the wider of the two ranges: faster / slower; apart by less: not
   enough repetitions.

UPSIMD_GBENCH_TOOLS names another folder holding compare.py's gbench/
(default /usr/share/benchmark). Rows present on one side only (or an error there: skipped, FAILED, peer
mismatch) are listed as "only in A" / "only in B". Python 3 standard library
plus what compare.py needs (SciPy, NumPy: Debian's python3-scipy).
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

# Where Debian's libbenchmark-tools puts compare.py and its gbench package.
GBENCH_DIR = os.environ.get("UPSIMD_GBENCH_TOOLS", "/usr/share/benchmark")
# compare.py's default significance level (its --alpha, print_difference_report).
ALPHA = 0.05
TIME_SCALE_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# Exit status when compare.py (or SciPy) is missing: CTest's skip code.
EXIT_NO_GBENCH = 77


def load_gbench():
    """compare.py's report module, or None with the reason."""
    if not os.path.isfile(os.path.join(GBENCH_DIR, "gbench", "report.py")):
        return None, (f"Google Benchmark's compare.py library is not installed "
                      f"({GBENCH_DIR}/gbench/report.py): apt-get install libbenchmark-tools "
                      f"python3-scipy (scripts/deps does)")
    if GBENCH_DIR not in sys.path:
        sys.path.insert(0, GBENCH_DIR)
    try:
        from gbench import report  # noqa: E402 (needs scipy, numpy)
    except ImportError as e:
        return None, (f"compare.py's library needs SciPy and NumPy ({e}) for {sys.executable}: "
                      f"apt-get install python3-scipy (scripts/deps does)")
    return report, None


def reexec_with_debian_python():
    """Debian's python3-scipy lives in Debian's /usr/bin/python3; a python3
    earlier in PATH (pyenv, a venv) does not see it. Run again under Debian's
    interpreter when it has what this one lacks (once: an env guard)."""
    deb = "/usr/bin/python3"
    if (os.environ.get("UPSIMD_COMPARE_REEXEC") or not os.path.exists(deb)
            or not os.path.isfile(os.path.join(GBENCH_DIR, "gbench", "report.py"))
            or os.path.realpath(sys.executable) == os.path.realpath(deb)):
        return
    ok = subprocess.run([deb, "-c", "import scipy.stats, numpy"], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL).returncode == 0
    if ok:
        os.environ["UPSIMD_COMPARE_REEXEC"] = "1"
        os.execv(deb, [deb] + sys.argv)


# ---------------------------------------------------------------- input

def load_run(path):
    """A Google Benchmark JSON file, or a results/<cpu>/ folder's bench.json."""
    f = os.path.join(path, "bench.json") if os.path.isdir(path) else path
    with open(f) as fh:
        run = json.load(fh)
    run.setdefault("context", {})
    run["_path"] = f
    return run


def rows_of(run, name_re=None):
    """name -> {"times": [ns per repetition], "counters": [{...}], "error": msg,
    "aggregate_median": ns or None}. Per-repetition entries are the
    "iteration" ones: scripts/bench's --benchmark_display_aggregates_only
    trims the console only, the JSON file keeps every repetition. Aggregates
    (name_mean, _median, _stddev, _cv) are kept aside for files that have
    nothing else (--benchmark_report_aggregates_only)."""
    rows = {}
    for b in run.get("benchmarks", []):
        name = b.get("run_name") or b.get("name", "")
        if "run_name" not in b and b.get("run_type") == "aggregate":
            # (older GB JSON: no run_name; the aggregate's name has a suffix)
            name = re.sub(r"_" + re.escape(b.get("aggregate_name", "")) + "$", "", name)
        if name_re and not name_re.search(name):
            continue
        rec = rows.setdefault(name, {"times": [], "counters": [], "error": None,
                                     "aggregate_median": None, "label": b.get("label", "")})
        if b.get("error_occurred"):
            rec["error"] = b.get("error_message", "error")
            continue
        scale = TIME_SCALE_NS.get(b.get("time_unit", "ns"), 1.0)
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median" and "cpu_time" in b:
                rec["aggregate_median"] = b["cpu_time"] * scale
            continue
        if "cpu_time" not in b:
            continue
        rec["times"].append(b["cpu_time"] * scale)
        rec["counters"].append({k: v for k, v in b.items() if isinstance(v, (int, float))})
        if b.get("label"):
            rec["label"] = b["label"]
    return rows


def as_gbench_json(rows):
    """Only the timed repetitions, in ns, as compare.py's functions take them
    (they would pair the 0-time entries of skipped rows otherwise)."""
    out = []
    for name, rec in rows.items():
        for t in rec["times"]:
            out.append({"name": name, "run_type": "iteration", "time_unit": "ns",
                        "real_time": t, "cpu_time": t})
    return {"benchmarks": out}


# ---------------------------------------------------------------- verdict

def spread(ts):
    """(max - min) / median of the repetitions; None for fewer than two."""
    return (max(ts) - min(ts)) / statistics.median(ts) if len(ts) >= 2 else None


def smallest_p(report, na, nb):
    """The smallest p-value the U test can give at these sizes (perfectly
    separated samples), through compare.py's own calc_utest."""
    a = [float(i) for i in range(na)]
    b = [float(na + i) for i in range(nb)]
    _, p, _ = report.calc_utest([a, b], [a, b])
    return p


def range_rule(a, b):
    """The conservative rule for 2-3 repetitions: a change only when the
    ranges are apart by more than the wider one."""
    if max(b) < min(a):
        gap, direction = min(a) - max(b), "faster"
    elif max(a) < min(b):
        gap, direction = min(b) - max(a), "slower"
    else:
        return "same"
    wider = max(max(a) - min(a), max(b) - min(b))
    return direction if gap > wider else "not enough repetitions"


def compare_rows(report, rows_a, rows_b, alpha=ALPHA):
    """One dict per row name (A's order, then B's extra names)."""
    names = list(rows_a) + [n for n in rows_b if n not in rows_a]
    ga, gb = as_gbench_json(rows_a), as_gbench_json(rows_b)
    # compare.py pairs the rows of the two runs by name (partition_benchmarks).
    parts = {p[0][0]["name"]: p for p in report.partition_benchmarks(ga, gb)}
    pmin_cache = {}
    out = []
    for name in names:
        ra, rb = rows_a.get(name), rows_b.get(name)
        r = {"name": name, "label": (ra or rb)["label"], "n_a": 0, "n_b": 0,
             "time_a": None, "time_b": None, "ratio": None, "spread_a": None,
             "spread_b": None, "p": None, "test": "", "optimal": False, "verdict": "",
             "note": ""}
        ta = ra["times"] if ra else []
        tb = rb["times"] if rb else []
        r["n_a"], r["n_b"] = len(ta), len(tb)
        r["time_a"] = statistics.median(ta) if ta else (ra or {}).get("aggregate_median")
        r["time_b"] = statistics.median(tb) if tb else (rb or {}).get("aggregate_median")
        r["spread_a"], r["spread_b"] = (spread(ta) if ta else None), (spread(tb) if tb else None)
        # (a zero time is no time: an aggregate of error rows, should one appear)
        r["time_a"], r["time_b"] = r["time_a"] or None, r["time_b"] or None
        if r["time_a"] is None and r["time_b"] is None:
            # Timed on neither side (a variant skipped on both CPUs, say):
            # nothing to compare; print_report counts these.
            r["verdict"] = "timed in neither"
            r["note"] = (ra or rb)["error"] or ""
            out.append(r)
            continue
        if r["time_a"] is None or r["time_b"] is None:
            side = "A" if r["time_a"] is not None else "B"
            other = rb if side == "A" else ra
            r["verdict"] = f"only in {side}"
            other_tag = "B" if side == "A" else "A"
            r["note"] = f"{other_tag}: " + (other["error"] if other and other["error"] else
                                           "no such benchmark" if other is None else "no time")
            out.append(r)
            continue
        r["ratio"] = r["time_b"] / r["time_a"]
        n = min(len(ta), len(tb))
        if n < report.UTEST_MIN_REPETITIONS:
            r["verdict"] = "not enough repetitions"
            r["note"] = ("aggregates only in the JSON" if not ta or not tb else
                         f"< {report.UTEST_MIN_REPETITIONS} repetitions")
            out.append(r)
            continue
        key = (len(ta), len(tb))
        if key not in pmin_cache:
            pmin_cache[key] = smallest_p(report, *key)
        if pmin_cache[key] < alpha:
            part = parts[name]
            optimal, p_cpu, _ = report.calc_utest(report.extract_field(part, "cpu_time"),
                                                  report.extract_field(part, "real_time"))
            r["p"], r["test"], r["optimal"] = p_cpu, "U", optimal
            # (p is NaN when every time on both sides is the same number)
            if p_cpu == p_cpu and p_cpu < alpha and r["ratio"] != 1.0:
                r["verdict"] = "faster" if r["ratio"] < 1.0 else "slower"
            else:
                r["verdict"] = "same"
        else:
            r["test"] = "range"
            r["verdict"] = range_rule(ta, tb)
        out.append(r)
    return out


def summary(results):
    """Per operator (the first name component): rows with a time on both
    sides, geometric mean of B/A, verdict counts."""
    ops = {}
    for r in results:
        op = r["name"].split("/")[0]
        s = ops.setdefault(op, {"rows": 0, "logsum": 0.0, "faster": 0, "slower": 0, "same": 0,
                                "not enough repetitions": 0, "only in A": 0, "only in B": 0})
        if r["ratio"] is not None:
            s["rows"] += 1
            s["logsum"] += math.log(r["ratio"])
        if r["verdict"] in s:
            s[r["verdict"]] += 1
    for s in ops.values():
        s["geomean"] = math.exp(s["logsum"] / s["rows"]) if s["rows"] else None
        del s["logsum"]
    return ops


# ---------------------------------------------------------------- output

def fmt_time(ns):
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.4g} {unit}"
    return f"{ns:.4g} ns"


def fmt_pct(x):
    return "-" if x is None else f"{100 * x:.1f}%"


def print_report(results, run_a, run_b, report, alpha, counter=None, out=sys.stdout):
    ca, cb = run_a.get("context", {}), run_b.get("context", {})
    for tag, run, c in (("A", run_a, ca), ("B", run_b, cb)):
        print(f"{tag}: {run['_path']}  ({c.get('cpu_model', '?').strip()}, {c.get('upsimd_mode', '?')} "
              f"run, {c.get('date', '?')})", file=out)
    if ca.get("cpu_model") and cb.get("cpu_model") and ca["cpu_model"] != cb["cpu_model"]:
        print("note: different CPUs: the ratio compares the machines", file=out)
    print("time: median CPU time per call; B/A < 1: B is faster; spread: (max - min) / median "
          "of the repetitions", file=out)
    hdr = ["benchmark", "A", "B", "B/A", "spread A", "spread B", "reps", "test", "verdict"]
    if counter:
        hdr[7:7] = [f"{counter} A", f"{counter} B"]
    table = [hdr]
    neither = [r for r in results if r["verdict"] == "timed in neither"]
    for r in results:
        if r in neither:
            continue
        test = "-"
        if r["test"] == "U":
            test = f"U p={r['p']:.3f}" + ("" if r["optimal"] else "*")
        elif r["test"] == "range":
            test = "range"
        row = [r["name"], fmt_time(r["time_a"]), fmt_time(r["time_b"]),
               "-" if r["ratio"] is None else f"{r['ratio']:.3f}", fmt_pct(r["spread_a"]),
               fmt_pct(r["spread_b"]), f"{r['n_a']}/{r['n_b']}", test,
               r["verdict"] + (f" ({r['note']})" if r["note"] else "")]
        if counter:
            row[7:7] = [r.get("counter_a", "-"), r.get("counter_b", "-")]
        table.append(row)
    widths = [max(len(str(t[i])) for t in table) for i in range(len(hdr) - 1)]
    for i, t in enumerate(table):
        cells = [str(c).ljust(w) if j == 0 else str(c).rjust(w)
                 for j, (c, w) in enumerate(zip(t, widths))]
        print("  ".join(cells + [str(t[-1])]), file=out)
        if i == 0:
            print("-" * (sum(widths) + 2 * len(widths) + len("verdict")), file=out)
    if neither:
        print(f"({len(neither)} rows timed on neither side, e.g. {neither[0]['name']}: "
              f"{neither[0]['note'] or 'no time'}; not shown)", file=out)
    ops = summary(results)
    print("\nsummary (geomean of B/A over the rows timed on both sides; < 1: B is faster)",
          file=out)
    keys = ["faster", "slower", "same", "not enough repetitions", "only in A", "only in B"]
    sh = ["operator", "rows", "geomean B/A"] + keys
    st = [sh] + [[op, s["rows"], "-" if s["geomean"] is None else f"{s['geomean']:.3f}"]
                 + [s[k] for k in keys] for op, s in ops.items()]
    tot = {k: sum(s[k] for s in ops.values()) for k in keys}
    ratios = [r["ratio"] for r in results if r["ratio"] is not None]
    gm = math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else None
    st.append(["all", len(ratios), "-" if gm is None else f"{gm:.3f}"] + [tot[k] for k in keys])
    sw = [max(len(str(t[i])) for t in st) for i in range(len(sh))]
    for t in st:
        print("  ".join(str(c).ljust(w) if j == 0 else str(c).rjust(w)
                        for j, (c, w) in enumerate(zip(t, sw))), file=out)
    tested = sum(1 for r in results if r["test"] == "U")
    print(f"\nverdict: U test (Google Benchmark compare.py, two-sided Mann-Whitney, CPU time, "
          f"alpha {alpha}) where both sides have enough repetitions for it to reach alpha "
          f"(compare.py's minimum is {report.UTEST_MIN_REPETITIONS}, it recommends "
          f"{report.UTEST_OPTIMAL_REPETITIONS}+: * marks fewer); where it cannot (e.g. 3 vs 3, "
          f"scripts/bench's default) 'range' claims a change only when the ranges are apart by "
          f"more than the wider range. {tested} rows U-tested: about {alpha * tested:.1f} of them may be flagged "
          f"faster/slower by chance alone.", file=out)


def attach_counter(results, rows_a, rows_b, counter):
    for r in results:
        for side, rows in (("a", rows_a), ("b", rows_b)):
            rec = rows.get(r["name"])
            vals = [c[counter] for c in rec["counters"] if counter in c] if rec else []
            r[f"counter_{side}"] = f"{statistics.median(vals):.4g}" if vals else "-"


# ---------------------------------------------------------------- A/B runs

def find_bench(path):
    """An upsimd-bench binary, or a build tree holding one."""
    for p in (path, os.path.join(path, "upsimd-bench"), os.path.join(path, "bench", "upsimd-bench")):
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return os.path.abspath(p)
    sys.exit(f"bench_compare: no upsimd-bench at {path} (a binary or a build tree)")


def run_ab(args, workdir):
    """Rounds of A then B, the order flipped each round (ABBA...), so slow
    drifts of the machine (other jobs, frequency) fall on both sides alike;
    one repetition per run, every run pinned to the same PU."""
    bins = {"A": find_bench(args.ab[0]), "B": find_bench(args.ab[1])}
    pu = args.cpu if args.cpu is not None else max(os.sched_getaffinity(0))
    prefix = ["taskset", "-c", str(pu)] if shutil.which("taskset") else []
    if not prefix:
        print("bench_compare: no taskset: only upsimd-bench's --pin pins the timing thread",
              file=sys.stderr)
    merged = {"A": None, "B": None}
    for rnd in range(args.rounds):
        order = ("A", "B") if rnd % 2 == 0 else ("B", "A")
        print(f"round {rnd + 1}/{args.rounds}: {' '.join(order)}", file=sys.stderr, flush=True)
        for side in order:
            out = os.path.join(workdir, f"{side}-{rnd}.json")
            cmd = prefix + [bins[side], f"--benchmark_filter={args.filter}", "--no-peers",
                            f"--pin={pu}", f"--benchmark_out={out}",
                            "--benchmark_out_format=json"] + args.bench_args
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            # Exit 1: a variant gave wrong results (its rows are errors, kept
            # as such); anything else, e.g. 2 (the filter matched nothing), stops.
            if p.returncode not in (0, 1) or not os.path.exists(out):
                sys.stderr.write(p.stdout)
                sys.exit(f"bench_compare: {' '.join(cmd)} exited {p.returncode}")
            run = load_run(out)
            if merged[side] is None:
                merged[side] = {"context": run["context"], "benchmarks": []}
            for b in run["benchmarks"]:
                b["repetition_index"] = rnd
                merged[side]["benchmarks"].append(b)
    for side in ("A", "B"):
        path = os.path.join(workdir, f"{side.lower()}.json")
        merged[side]["context"]["upsimd_compare_binary"] = bins[side]
        with open(path, "w") as fh:
            json.dump(merged[side], fh, indent=1)
        merged[side]["_path"] = f"{bins[side]} ({args.rounds} alternated runs, PU {pu})"
    return merged["A"], merged["B"]


# ---------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compare two upsimd-bench runs (bench.json files or results/<cpu>/ "
                    "folders), or run two upsimd-bench binaries alternately (--ab).",
        epilog="Extra upsimd-bench flags for --ab go after '--' (e.g. -- "
               "--benchmark_min_time=0.1).")
    ap.add_argument("runs", nargs="*", help="A B: bench.json files or results/<cpu>/ folders")
    ap.add_argument("--ab", nargs=2, metavar=("BIN_A", "BIN_B"),
                    help="run these two upsimd-bench binaries (or build trees) alternately")
    ap.add_argument("--filter", help="regex on benchmark names (required with --ab)")
    ap.add_argument("--rounds", type=int, default=9,
                    help="--ab: runs per side, alternated (default 9, compare.py's recommended "
                         "repetitions)")
    ap.add_argument("--cpu", type=int, help="--ab: the PU to pin to (default: the last allowed)")
    ap.add_argument("--keep", metavar="DIR", help="--ab: keep the merged a.json, b.json here")
    ap.add_argument("--alpha", type=float, default=ALPHA, help="U test significance (0.05)")
    ap.add_argument("--counter", help="also show the median of this counter (e.g. roof, GFLOPS)")
    ap.add_argument("--json", metavar="FILE", help="also write the rows and verdicts as JSON")
    argv = list(sys.argv[1:] if argv is None else argv)
    bench_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, bench_args = argv[:i], argv[i + 1:]
    args = ap.parse_args(argv)
    args.bench_args = bench_args

    report, why = load_gbench()
    if report is None:
        reexec_with_debian_python()
        print(f"bench_compare: {why}", file=sys.stderr)
        return EXIT_NO_GBENCH

    name_re = re.compile(args.filter) if args.filter else None
    if args.ab:
        if args.runs or not args.filter:
            ap.error("--ab BIN_A BIN_B takes --filter REGEX and no run files")
        if args.rounds < 1:
            ap.error("--rounds must be at least 1")
        workdir = args.keep or tempfile.mkdtemp(prefix="upsimd-compare-")
        os.makedirs(workdir, exist_ok=True)
        try:
            run_a, run_b = run_ab(args, workdir)
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        name_re = None  # upsimd-bench applied the filter
    else:
        if len(args.runs) != 2:
            ap.error("give two runs (A B), or --ab BIN_A BIN_B --filter REGEX")
        run_a, run_b = load_run(args.runs[0]), load_run(args.runs[1])

    rows_a, rows_b = rows_of(run_a, name_re), rows_of(run_b, name_re)
    results = compare_rows(report, rows_a, rows_b, args.alpha)
    if args.counter:
        attach_counter(results, rows_a, rows_b, args.counter)
    print_report(results, run_a, run_b, report, args.alpha, args.counter)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rows": results, "summary": summary(results)}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
