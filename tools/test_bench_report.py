#!/usr/bin/env python3
"""test_bench_report.py — ctest bench_report: tools/bench_report.py on three
synthetic upsimd-bench runs, one with the per-width FMA probes (every usable
probe's GFLOP/s, the probe each variant's deconv roof uses, the peers' probe,
peers' implementations in their labels) and one from before them (a single
probe_fma_kind/probe_fma_gflops, which must still read), a run of user
problems (upsimd-bench --problem: mode "problems") and a filtered run
whose start-up measured only the probes its benchmarks need (no FMA probe,
copy/l1 only; a CPU model padded with blanks, as older harnesses wrote it).
Checks the helpers and the generated results/<cpu>/README.md and
results/README.md index.

    python3 tools/test_bench_report.py      (standard library only)
"""

import importlib.util
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_report", os.path.join(HERE, "bench_report.py"))
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)

ABOUT = "DCGAN-style ConvTranspose2d(64, 64, 4, 2, 1) 64x64 -> 128x128, no bias"


def bench(name, seconds, label, roof, gflops=None):
    """One Google Benchmark JSON entry (CPU time in us, as upsimd-bench writes)."""
    b = {"name": name, "run_name": name, "run_type": "iteration", "iterations": 10,
         "real_time": seconds * 1e6, "cpu_time": seconds * 1e6, "time_unit": "us",
         "label": label, "roof": roof}
    if gflops is not None:
        b["GFLOPS"] = gflops  # a GB rate counter: already per second
    return b


def skipped(name, why):
    return {"name": name, "run_name": name, "run_type": "iteration", "error_occurred": True,
            "error_message": "skipped: " + why}


def deconv_rows(variants, probe_of, peer_label):
    """deconv rows: each upsimd variant with 'roof vs <probe_of(v)>', then onednn."""
    rows = []
    for i, v in enumerate(variants):
        rows.append(bench(f"deconv/nhwc/dcgan-64px/{v}", 0.005 / (1 + i), f"{ABOUT}; roof vs "
                          f"{probe_of(v)}", 0.9 - 0.1 * i, 100.0 * (1 + i)))
    rows.append(bench("deconv/nhwc/dcgan-64px/onednn", 0.003, f"{ABOUT}; roof vs "
                      f"{probe_of('peers')}; peer onednn {peer_label}", 0.77, 161.0))
    return rows


def new_run():
    """A run with the per-width probes: scalar and avx2 against the AVX2 probe,
    avx512 and auto against the AVX-512 one, the peers against the widest."""
    ctx = {"cpu_model": "Test CPU", "cpu_cores": "2", "cpu_pus": "2",
           "upsimd_isas_usable": "scalar,avx2,avx512", "upsimd_mode": "full",
           "upsimd_variants": "scalar,avx2,avx512,auto", "date": "2026-12-05T00:00:00+00:00",
           "probe_fma_kind": "avx2-fma", "probe_fma_gflops": "105",
           "probe_fma_avx2_gflops": "105", "probe_fma_avx512_gflops": "210",
           "probe_fma_portable_gflops": "50", "probe_fma_usable": "avx2,avx512,portable",
           "probe_fma_roofs": "scalar:avx2,avx2:avx2,avx512:avx512,auto:avx512",
           "probe_copy_dram_GBps": "30",
           "peer_onednn": "2.6.3 (omp runtime, 1 thread, isa avx512_core)"}
    ctx["probe_fma_peers"] = "avx512"  # its own statement: one ISA name per statement
    widths = {"scalar": "avx2", "avx2": "avx2"}

    def probe_of(v):
        return "fma/" + widths.get(v, "avx512")

    rows = [bench("probe/fma/avx2", 1e-4, "single-core FMA throughput", 1.0, 104.0),
            bench("probe/fma/avx512", 1e-4, "single-core FMA throughput", 0.98, 206.0),
            bench("probe/fma/portable", 1e-4, "single-core FMA throughput", 1.0, 50.0)]
    rows += deconv_rows(ctx["upsimd_variants"].split(","), probe_of,
                        "2.6.3 (omp runtime, 1 thread, isa avx512_core); impl jit:avx512_core")
    return {"context": ctx, "benchmarks": rows}


def old_run():
    """A run from before the per-width probes: one probe for every roof."""
    ctx = {"cpu_model": "Old CPU", "cpu_cores": "2", "cpu_pus": "2",
           "upsimd_isas_usable": "scalar,avx2", "upsimd_mode": "full",
           "upsimd_variants": "scalar,avx2,neon,avx512,auto", "date": "2026-11-22T00:00:00+00:00",
           "probe_fma_kind": "avx2-fma", "probe_fma_gflops": "118",
           "probe_copy_dram_GBps": "38", "peer_onednn": "2.6.3 (omp runtime, 1 thread, isa avx2)"}
    rows = [bench("probe/fma/avx2", 1e-4, "single-core FMA throughput", 1.01, 119.0),
            bench("probe/fma/portable", 1e-4, "single-core FMA throughput", 0.45, 53.6),
            skipped("deconv/nhwc/dcgan-64px/neon", "neon not built into this library")]
    rows += deconv_rows("scalar,avx2,auto".split(","), lambda v: "fma",
                        "2.6.3 (omp runtime, 1 thread, isa avx2)")
    return {"context": ctx, "benchmarks": rows}


PROBLEM = "deconv/nhwc/n1-ic64-oc64-ih64-iw64-k4-s2-p1-bias"


def problems_run():
    """A run of user problems (upsimd-bench --problem): names from the
    descriptor's canonical form, mode "problems"."""
    ctx = dict(new_run()["context"], cpu_model="Problem CPU", upsimd_mode="problems")
    label = "problem: deconv nhwc n1 ic64 oc64 ih64 iw64 k4 s2 p1 bias; roof vs fma/avx2"
    rows = [bench(f"{PROBLEM}/scalar", 0.01, label, 0.05, 20.0),
            bench(f"{PROBLEM}/avx2", 0.001, label, 0.5, 200.0)]
    return {"context": ctx, "benchmarks": rows}


def filtered_run():
    """--benchmark_filter='nearest/nhwc/incache-l1-16px-2x/avx2$|probe/copy/l1$':
    the start-up measured the l1 copy level only, no FMA probe."""
    ctx = {"cpu_model": "Padded CPU                 ", "cpu_cores": "2", "cpu_pus": "2",
           "upsimd_isas_usable": "scalar,avx2", "upsimd_mode": "full",
           "upsimd_variants": "scalar,avx2,auto", "date": "2026-12-05T17:00:00+00:00",
           "probe_fma_kind": "avx2-fma", "probe_fma_usable": "avx2,portable",
           "probe_fma_roofs": "scalar:avx2,avx2:avx2,auto:avx2", "probe_fma_peers": "avx2",
           "probe_copy_l1_GBps": "212", "probe_copy_l1_bytes": "12288",
           "probes_measured": "copy/l1"}
    rows = [bench("probe/copy/l1", 1e-7, "streaming copy probe", 0.97),
            bench("nearest/nhwc/incache-l1-16px-2x/avx2", 4e-7, "in-L1 set; roof vs copy", 0.3)]
    return {"context": ctx, "benchmarks": rows}


def line_of(text, start):
    """The first line of text that starts with start (fails the test if none)."""
    for line in text.splitlines():
        if line.startswith(start):
            return line
    raise AssertionError(f"no line starting with {start!r} in:\n{text}")


class BenchReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = cls.tmp.name
        for name, run in (("new-cpu", new_run()), ("old-cpu", old_run()),
                          ("problems-cpu", problems_run()),
                          ("filtered-cpu", filtered_run())):
            os.makedirs(os.path.join(root, name))
            with open(os.path.join(root, name, "bench.json"), "w", encoding="utf-8") as f:
                json.dump(run, f)
            with open(os.devnull, "w", encoding="utf-8") as devnull:
                stdout, sys.stdout = sys.stdout, devnull
                try:
                    status = report.main(["bench_report.py", os.path.join(root, name)])
                finally:
                    sys.stdout = stdout
            assert status == 0, (name, status)

        def read(*parts):
            with open(os.path.join(root, *parts), encoding="utf-8") as f:
                return f.read()
        cls.new_md = read("new-cpu", "README.md")
        cls.old_md = read("old-cpu", "README.md")
        cls.problems_md = read("problems-cpu", "README.md")
        cls.filtered_md = read("filtered-cpu", "README.md")
        cls.index = read("README.md")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_probes_of_a_new_run(self):
        ctx = new_run()["context"]
        probes = report.fma_probes(ctx)
        self.assertEqual(",".join(probes), "avx2,avx512,portable")  # the run's order
        self.assertEqual(",".join(probes.values()), "105,210,50")
        users = {p: ",".join(v) for p, v in report.fma_roof_users(ctx).items()}
        self.assertEqual(";".join(f"{p}={v}" for p, v in users.items()),
                         "avx2=scalar,avx2;avx512=avx512,auto,peers")

    def test_probes_of_an_old_run(self):
        ctx = old_run()["context"]
        self.assertEqual(";".join(f"{p}={v}" for p, v in report.fma_probes(ctx).items()),
                         "avx2=118")
        self.assertEqual(report.fma_summary(ctx, used_only=True), "avx2 118")
        users = report.fma_roof_users(ctx)
        self.assertEqual(";".join(f"{p}={','.join(v)}" for p, v in users.items()),
                         "avx2=every variant and peer")

    def test_machine_table(self):
        self.assertIn("| avx2 105, avx512 210, portable 50 |",
                      line_of(self.new_md, "| FMA probes, GFLOP/s"))
        self.assertEqual(line_of(self.new_md, "| deconv roofs against"),
                         "| deconv roofs against | avx2: scalar, avx2; avx512: avx512, auto, "
                         "peers |")
        self.assertIn("| avx2 118 |", line_of(self.old_md, "| FMA probes, GFLOP/s"))
        self.assertFalse(any(line.startswith("| deconv roofs against")
                             for line in self.old_md.splitlines()))

    def test_probes_table(self):
        row = line_of(self.new_md, "| probe/fma/avx512 |")
        self.assertTrue(row.startswith("| probe/fma/avx512 | 210 GFLOP/s | 206 GFLOP/s |"), row)
        self.assertTrue(row.endswith("| avx512, auto, peers |"), row)
        self.assertTrue(line_of(self.new_md, "| probe/fma/avx2 |")
                        .endswith("| scalar, avx2 |"))
        self.assertTrue(line_of(self.new_md, "| probe/fma/portable | 50 GFLOP/s |")
                        .endswith("|  |"))
        old = line_of(self.old_md, "| probe/fma/avx2 |")
        self.assertTrue(old.startswith("| probe/fma/avx2 | 118 GFLOP/s |"), old)
        self.assertTrue(old.endswith("| every variant and peer |"), old)
        self.assertTrue(line_of(self.old_md, "| probe/fma/portable |  |"))

    def test_deconv_rows_name_their_probe_and_the_peer_impl(self):
        self.assertIn("| roof vs |", line_of(self.new_md, "| workload | layout | variant |"))
        avx512 = line_of(self.new_md, "| dcgan-64px | nhwc | avx512 |")
        self.assertIn("| fma avx512 |", avx512)
        self.assertIn("| fma avx2 |", line_of(self.new_md, "| dcgan-64px | nhwc | scalar |"))
        peer = line_of(self.new_md, "| dcgan-64px | nhwc | onednn (jit:avx512_core) |")
        self.assertIn("| fma avx512 |", peer)
        self.assertIn("peers against the widest probe", self.new_md)
        # An old run: the roof basis without a probe name, no impl, the old legend.
        self.assertIn("| fma |", line_of(self.old_md, "| dcgan-64px | nhwc | avx2 |"))
        self.assertIn("| dcgan-64px | nhwc | onednn |", self.old_md)
        self.assertIn("this run had one FMA probe", self.old_md)

    def test_user_problems_run(self):
        self.assertIn("This run benchmarks user problems", self.problems_md)
        self.assertNotIn("--quick` run", self.problems_md)
        self.assertNotIn("--quick` run", self.new_md)
        row = line_of(self.problems_md, "| n1-ic64-oc64-ih64-iw64-k4-s2-p1-bias | nhwc | avx2 |")
        self.assertIn("10.00×", row)  # × scalar

    def test_index(self):
        self.assertIn("FMA probes GFLOP/s (1 core)", self.index)
        # Only the probes some roof uses (portable is used by none here).
        self.assertIn("| avx2 105, avx512 210 |", line_of(self.index, "| [new-cpu]"))
        self.assertIn("| avx2 118 |", line_of(self.index, "| [old-cpu]"))


    def test_filtered_run(self):
        md = self.filtered_md
        self.assertIn("# upsimd results: Padded CPU\n", md)  # trimmed
        self.assertIn("| CPU | Padded CPU |", md)
        self.assertIn("| not measured |", line_of(md, "| FMA probes, GFLOP/s"))
        self.assertIn("| copy/l1 |", line_of(md, "| start-up probes measured"))
        self.assertTrue(line_of(md, "| probe/copy/l1 |").startswith("| probe/copy/l1 | 212 GB/s |"))
        self.assertIn("| incache-l1-16px-2x | nhwc | avx2 |", md)
        # Runs from before the lazy probes have no probes_measured line.
        self.assertNotIn("start-up probes measured", self.new_md)
        row = line_of(self.index, "| [filtered-cpu]")
        self.assertIn("| Padded CPU | 2 |", row)
        self.assertIn("| not measured | - |", row)  # no FMA probe, no DRAM copy


if __name__ == "__main__":
    unittest.main()
