#!/usr/bin/env python3
"""test_bench_compare.py — ctest bench_compare: scripts/compare
(tools/bench_compare.py) on synthetic upsimd-bench JSON runs whose verdicts
are known: clearly faster, clearly slower, identical noise, too few
repetitions, the 3-repetition range rule, rows missing or failed on one side,
aggregate-only files, mixed time units, a counter; and the --ab mode against a
fake upsimd-bench that logs its calls (alternation, pinning, flags, merging).

Skipped (exit 77) only when Google Benchmark's compare.py library
(libbenchmark-tools) or SciPy is not installed.

    python3 tools/test_bench_compare.py
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
spec = importlib.util.spec_from_file_location("bench_compare",
                                              os.path.join(HERE, "bench_compare.py"))
bc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bc)

REPORT, WHY = bc.load_gbench()
if REPORT is None:
    bc.reexec_with_debian_python()  # Debian's python3 may have SciPy where this one has not
    print(f"SKIP: {WHY}")
    sys.exit(77)

# A fixed, made-up noise pattern (+-3 %) so the verdicts are reproducible.
NOISE = [0.00, 0.021, -0.017, 0.008, -0.029, 0.013, -0.006, 0.027, -0.022, 0.004, 0.016]


def reps(name, base, n, shift=0, unit="us", roof=None):
    """n repetition entries of one benchmark, as upsimd-bench writes them
    (CPU time base*(1+noise) in `unit`; the noise pattern starts at `shift`)."""
    out = []
    for i in range(n):
        t = base * (1 + NOISE[(i + shift) % len(NOISE)])
        b = {"name": name, "run_name": name, "run_type": "iteration", "repetitions": n,
             "repetition_index": i, "threads": 1, "iterations": 1000, "real_time": t * 1.01,
             "cpu_time": t, "time_unit": unit, "items_per_second": 1e9 / t,
             "label": f"{name} label"}
        if roof is not None:
            b["roof"] = roof
        out.append(b)
    return out


def aggregates(name, entries):
    """The aggregates GB appends after a benchmark's repetitions."""
    ts = sorted(e["cpu_time"] for e in entries)
    med = ts[len(ts) // 2]
    return [{"name": f"{name}_{agg}", "run_name": name, "run_type": "aggregate",
             "aggregate_name": agg, "repetitions": len(ts), "threads": 1, "iterations": len(ts),
             "real_time": v, "cpu_time": v, "time_unit": entries[0]["time_unit"]}
            for agg, v in (("mean", sum(ts) / len(ts)), ("median", med), ("stddev", 1.0))]


def error(name, msg, n=1):
    return [{"name": name, "run_name": name, "run_type": "iteration", "repetitions": n,
             "repetition_index": i, "error_occurred": True, "error_message": msg,
             "iterations": 0, "real_time": 0.0, "cpu_time": 0.0, "time_unit": "us"}
            for i in range(n)]


def run_json(benchmarks, model="Test CPU"):
    return {"context": {"cpu_model": model, "upsimd_mode": "full",
                        "date": "2026-12-05T00:00:00+00:00"}, "benchmarks": benchmarks}


def with_aggregates(entries_by_name):
    """Repetitions then aggregates per benchmark, as scripts/bench's full run
    (--benchmark_display_aggregates_only) writes its JSON file."""
    out = []
    for name, es in entries_by_name:
        # GB writes no aggregates for a benchmark that reported an error.
        out += es + ([] if es[0].get("error_occurred") else aggregates(name, es))
    return out


class Verdicts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        N = 9
        a, b = [], []
        a.append(("deconv/nhwc/w/avx2", reps("deconv/nhwc/w/avx2", 100.0, N, roof=0.5)))
        b.append(("deconv/nhwc/w/avx2", reps("deconv/nhwc/w/avx2", 80.0, N, shift=3, roof=0.6)))
        a.append(("deconv/nhwc/w/avx512", reps("deconv/nhwc/w/avx512", 50.0, N)))
        b.append(("deconv/nhwc/w/avx512", reps("deconv/nhwc/w/avx512", 60.0, N, shift=5)))
        # Same distribution, different draws (and B in ns: units must not matter).
        a.append(("nearest/nchw/w/avx2", reps("nearest/nchw/w/avx2", 10.0, N)))
        b.append(("nearest/nchw/w/avx2", reps("nearest/nchw/w/avx2", 10000.0, N, shift=2,
                                              unit="ns")))
        # A real 1 % change drowned in +-3 % noise at 4 vs 4: the U test keeps it "same".
        a.append(("nearest/nhwc/w/avx2", reps("nearest/nhwc/w/avx2", 10.0, 4)))
        b.append(("nearest/nhwc/w/avx2", reps("nearest/nhwc/w/avx2", 10.1, 4, shift=4)))
        # One repetition a side (a --quick run): no verdict.
        a.append(("bilinear/nchw/w/avx2", reps("bilinear/nchw/w/avx2", 30.0, 1)))
        b.append(("bilinear/nchw/w/avx2", reps("bilinear/nchw/w/avx2", 15.0, 1)))
        # 3 vs 3 (scripts/bench's default): the U test cannot reach 0.05 there, so
        # the range rule: far apart -> faster; overlapping -> same; apart by
        # less than the spread -> not enough repetitions.
        a.append(("bilinear/nhwc/far/avx2", reps("bilinear/nhwc/far/avx2", 30.0, 3)))
        b.append(("bilinear/nhwc/far/avx2", reps("bilinear/nhwc/far/avx2", 20.0, 3)))
        a.append(("bilinear/nhwc/overlap/avx2", reps("bilinear/nhwc/overlap/avx2", 30.0, 3)))
        b.append(("bilinear/nhwc/overlap/avx2", reps("bilinear/nhwc/overlap/avx2", 30.3, 3)))
        a.append(("bilinear/nhwc/near/avx2", reps("bilinear/nhwc/near/avx2", 30.0, 3)))
        b.append(("bilinear/nhwc/near/avx2", reps("bilinear/nhwc/near/avx2", 28.0, 3)))
        # Missing or failed on one side, skipped on both.
        a.append(("deconv-pack/nhwc/w/avx2", reps("deconv-pack/nhwc/w/avx2", 5.0, N)))
        b.append(("deconv-pack/nhwc/new/avx2", reps("deconv-pack/nhwc/new/avx2", 5.0, N)))
        a.append(("deconv/nchw/w/avx512", error("deconv/nchw/w/avx512", "skipped: no AVX-512", N)))
        b.append(("deconv/nchw/w/avx512", reps("deconv/nchw/w/avx512", 7.0, N)))
        b.append(("deconv/nchw/w/avx2", error("deconv/nchw/w/avx2",
                                              "FAILED: avx2 gives wrong results; not timed", N)))
        a.append(("deconv/nchw/w/avx2", reps("deconv/nchw/w/avx2", 7.0, N)))
        for side in (a, b):
            side.append(("nearest/nchw/w/neon", error("nearest/nchw/w/neon",
                                                      "skipped: neon not built", N)))
        cls.tmp = tempfile.TemporaryDirectory()
        cls.a_path = os.path.join(cls.tmp.name, "a.json")
        # B as a results/<cpu>/ folder.
        os.makedirs(os.path.join(cls.tmp.name, "b-cpu"))
        cls.b_path = os.path.join(cls.tmp.name, "b-cpu")
        with open(cls.a_path, "w") as f:
            json.dump(run_json(with_aggregates(a)), f)
        with open(os.path.join(cls.b_path, "bench.json"), "w") as f:
            json.dump(run_json(with_aggregates(b)), f)
        cls.out_json = os.path.join(cls.tmp.name, "out.json")
        p = subprocess.run([os.path.join(ROOT, "scripts", "compare"), cls.a_path, cls.b_path,
                            "--counter", "roof", "--json", cls.out_json],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        cls.rc, cls.text, cls.err = p.returncode, p.stdout, p.stderr
        if p.returncode != 0:
            raise AssertionError(f"scripts/compare exited {p.returncode}:\n{p.stderr}")
        with open(cls.out_json) as f:
            cls.result = json.load(f)
        cls.rows = {r["name"]: r for r in cls.result["rows"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def verdict(self, name):
        return self.rows[name]["verdict"]

    def test_exit_status(self):
        self.assertEqual(self.rc, 0, self.err)

    def test_clearly_faster_and_slower(self):
        r = self.rows["deconv/nhwc/w/avx2"]
        self.assertEqual(r["verdict"], "faster")
        self.assertEqual(r["test"], "U")
        self.assertLess(r["p"], 0.01)
        self.assertTrue(r["optimal"])  # 9 vs 9: compare.py's recommended count
        self.assertAlmostEqual(r["ratio"], 0.8, delta=0.03)
        self.assertEqual(self.verdict("deconv/nhwc/w/avx512"), "slower")

    def test_identical_noise_is_same(self):
        r = self.rows["nearest/nchw/w/avx2"]
        self.assertEqual(r["verdict"], "same")
        self.assertGreater(r["p"], 0.05)
        self.assertAlmostEqual(r["ratio"], 1.0, delta=0.03)  # us vs ns normalised
        self.assertEqual((r["n_a"], r["n_b"]), (9, 9))  # the aggregates are not repetitions
        self.assertGreater(r["spread_a"], 0.04)

    def test_small_change_in_noise_is_same_with_few_reps(self):
        r = self.rows["nearest/nhwc/w/avx2"]
        self.assertEqual((r["test"], r["verdict"], r["optimal"]), ("U", "same", False))

    def test_too_few_repetitions(self):
        r = self.rows["bilinear/nchw/w/avx2"]
        self.assertEqual(r["verdict"], "not enough repetitions")
        self.assertAlmostEqual(r["ratio"], 0.5)  # still shown

    def test_range_rule_for_three_repetitions(self):
        self.assertEqual(self.rows["bilinear/nhwc/far/avx2"]["test"], "range")
        self.assertEqual(self.verdict("bilinear/nhwc/far/avx2"), "faster")
        self.assertEqual(self.verdict("bilinear/nhwc/overlap/avx2"), "same")
        self.assertEqual(self.verdict("bilinear/nhwc/near/avx2"), "not enough repetitions")

    def test_missing_and_failed_rows(self):
        self.assertEqual(self.verdict("deconv-pack/nhwc/w/avx2"), "only in A")
        self.assertEqual(self.verdict("deconv-pack/nhwc/new/avx2"), "only in B")
        self.assertEqual(self.verdict("deconv/nchw/w/avx512"), "only in B")
        self.assertIn("skipped: no AVX-512", self.rows["deconv/nchw/w/avx512"]["note"])
        self.assertEqual(self.verdict("deconv/nchw/w/avx2"), "only in A")
        self.assertIn("FAILED", self.rows["deconv/nchw/w/avx2"]["note"])
        self.assertEqual(self.verdict("nearest/nchw/w/neon"), "timed in neither")
        self.assertNotIn("nearest/nchw/w/neon ", self.text)  # counted, not listed
        self.assertIn("1 rows timed on neither side", self.text)

    def test_summary(self):
        s = self.result["summary"]
        self.assertEqual(s["deconv"]["faster"], 1)
        self.assertEqual(s["deconv"]["slower"], 1)
        self.assertEqual(s["deconv"]["only in A"], 1)
        self.assertEqual(s["deconv"]["only in B"], 1)
        self.assertEqual(s["bilinear"]["not enough repetitions"], 2)
        self.assertEqual(s["deconv-pack"]["rows"], 0)
        # deconv: 0.8 and 1.2 -> geomean ~0.98
        self.assertAlmostEqual(s["deconv"]["geomean"], (0.8 * 1.2) ** 0.5, delta=0.03)
        self.assertIn("geomean B/A", self.text)

    def test_text_and_counter(self):
        line = next(l for l in self.text.splitlines() if l.startswith("deconv/nhwc/w/avx2 "))
        self.assertIn("faster", line)
        self.assertIn("0.5", line)   # roof A
        self.assertIn("0.6", line)   # roof B
        self.assertIn("9/9", line)
        self.assertIn("compare.py's minimum is 2", self.text)


class AggregateOnly(unittest.TestCase):
    """A file with aggregates only (--benchmark_report_aggregates_only): a
    median to show, but no repetitions to test."""

    def test_aggregate_only(self):
        es = reps("nearest/nchw/w/avx2", 10.0, 9)
        a = {"nearest/nchw/w/avx2": None}
        rows_a = bc.rows_of(run_json(aggregates("nearest/nchw/w/avx2", es)))
        rows_b = bc.rows_of(run_json(es))
        res = bc.compare_rows(REPORT, rows_a, rows_b)
        self.assertEqual(len(res), len(a))
        self.assertEqual(res[0]["verdict"], "not enough repetitions")
        self.assertIn("aggregates only", res[0]["note"])
        self.assertAlmostEqual(res[0]["ratio"], 1.0, delta=0.03)


FAKE_BENCH = r'''#!/usr/bin/env python3
# A stand-in for upsimd-bench: logs its side and flags, writes one repetition.
import json, os, sys
side = os.path.basename(sys.argv[0])
args = dict(a.split("=", 1) if "=" in a else (a, "") for a in sys.argv[1:])
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write(json.dumps({"side": side, "argv": sys.argv[1:],
                        "affinity": sorted(os.sched_getaffinity(0))}) + "\n")
n = sum(1 for _ in open(os.environ["FAKE_LOG"]))
t = (10.0 if side == "bench-a" else 20.0) * (1 + 0.01 * (n % 3))
out = {"context": {"cpu_model": "Fake"}, "benchmarks": [
    {"name": "nearest/nchw/w/avx2", "run_name": "nearest/nchw/w/avx2", "run_type": "iteration",
     "repetitions": 1, "repetition_index": 0, "iterations": 10, "real_time": t, "cpu_time": t,
     "time_unit": "us", "roof": 0.5}]}
json.dump(out, open(args["--benchmark_out"], "w"))
'''


class AbMode(unittest.TestCase):
    def test_alternation_and_verdict(self):
        with tempfile.TemporaryDirectory() as d:
            for side in ("bench-a", "bench-b"):
                p = os.path.join(d, side)
                with open(p, "w") as f:
                    f.write(FAKE_BENCH.replace("/usr/bin/env python3", sys.executable))
                os.chmod(p, 0o755)
            log = os.path.join(d, "log")
            pu = max(os.sched_getaffinity(0))
            env = dict(os.environ, FAKE_LOG=log)
            p = subprocess.run([os.path.join(ROOT, "scripts", "compare"), "--ab",
                                os.path.join(d, "bench-a"), os.path.join(d, "bench-b"),
                                "--filter", "nearest", "--rounds", "4", "--keep",
                                os.path.join(d, "keep"), "--json", os.path.join(d, "o.json"),
                                "--", "--benchmark_min_time=0.01"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(log) as f:
                calls = [json.loads(line) for line in f]
            self.assertEqual([c["side"] for c in calls],
                             ["bench-a", "bench-b", "bench-b", "bench-a"] * 2)  # ABBA ABBA
            for c in calls:
                self.assertIn("--no-peers", c["argv"])
                self.assertIn(f"--pin={pu}", c["argv"])
                self.assertIn("--benchmark_filter=nearest", c["argv"])
                self.assertIn("--benchmark_min_time=0.01", c["argv"])
                if subprocess.run(["sh", "-c", "command -v taskset"],
                                  stdout=subprocess.DEVNULL).returncode == 0:
                    self.assertEqual(c["affinity"], [pu])
            with open(os.path.join(d, "o.json")) as f:
                row = json.load(f)["rows"][0]
            self.assertEqual((row["n_a"], row["n_b"]), (4, 4))
            self.assertEqual(row["verdict"], "slower")  # B (20 us) vs A (10 us)
            with open(os.path.join(d, "keep", "b.json")) as f:
                self.assertEqual(len(json.load(f)["benchmarks"]), 4)

    def test_needs_filter(self):
        p = subprocess.run([os.path.join(ROOT, "scripts", "compare"), "--ab", "x", "y"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
