#!/usr/bin/env python3
"""test_bench_report.py — ctest bench_report: tools/bench_report.py on
synthetic upsimd-bench runs: a one-thread run with resize plan, plan-making and
one-shot rows beside a threads.json of T = 1 and 2 (wall-clock rows, the Thread
scaling and Engine goals sections: pass, miss, not in this run; the same with
one core: 1 core: not measured), and four more: one with the per-width FMA
probes (every usable probe's GFLOP/s, the probe each variant's deconv roof
uses, the peers' probe, peers' implementations in their labels) and one from
before them (a single probe_fma_kind/probe_fma_gflops, which must still
read; it also has upconv rows: fused, packing and two-step, for the upconv
table and the Upconv goals), a run of user problems (upsimd-bench --problem: mode "problems") and a
filtered run whose start-up measured only the probes its benchmarks need (no FMA probe,
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
    rows += upconv_rows()
    return {"context": ctx, "benchmarks": rows}


def upconv_rows():
    """SD-VAE NCHW: fused 0.5 s at 68 GFLOP/s (0.32 of the 210 avx512 probe),
    two-step 1.6 s (upsimd) and 1.2 s (onednn): 2.40x, pass and miss. U-Net
    NHWC: fused 10 ms at 180 GFLOP/s (0.86), two-step 15 ms: 1.50x, miss and
    pass. U-Net NCHW has no two-step row."""
    def up(name, seconds, gflops, fused, two, roof):
        b = bench(name, seconds, "upconv; roof vs fma/avx512", roof, gflops)
        b.update(MACs_fused=fused, MACs_twostep=two, GFLOPS_twostep=gflops * two / fused)
        return b
    sd, un = "sd-vae-decoder-64px-2x-k3", "unet-64px-128to64-2x-k3"
    return [up(f"upconv/nchw/{sd}/avx512", 0.5, 68.0, 16.9e9, 38.25e9, 0.32),
            up(f"upconv/nchw/{sd}/auto", 0.5, 68.0, 16.9e9, 38.25e9, 0.32),
            bench(f"upconv-pack/nchw/{sd}/auto", 0.02, "upconv; packs", 0.4),
            up(f"upconv-twostep/nchw/{sd}/upsimd", 1.6, 21.0, 16.9e9, 38.25e9, 0.1),
            up(f"upconv-twostep/nchw/{sd}/onednn", 1.2, 28.0, 16.9e9, 38.25e9, 0.13),
            up(f"upconv/nhwc/{un}/auto", 0.01, 180.0, 0.9e9, 2.0e9, 0.86),
            up(f"upconv-twostep/nhwc/{un}/upsimd", 0.015, 120.0, 0.9e9, 2.0e9, 0.57),
            up(f"upconv/nchw/{un}/auto", 0.02, 90.0, 0.9e9, 2.0e9, 0.43)]


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


def wall(name, seconds, label, roof, reps=None):
    """A wall-clock row (--threads, --real-time): GB appends /real_time and
    the report must read real_time (cpu_time here is deliberately wrong).
    reps: the repetitions' times, with a median aggregate."""
    full = name + "/real_time"
    if reps is None:
        return [dict(bench(full, seconds, label, roof), cpu_time=1.0)]
    out = [dict(bench(full, t, label, roof), cpu_time=1.0) for t in reps]
    out.append(dict(bench(full, seconds, label, roof), cpu_time=1.0, run_type="aggregate",
                    aggregate_name="median"))
    return out


def threads_main_run():
    """A one-thread main run with resize plan rows, plan-making rows and the
    in-L1 one-shot rows, and some of the YOLOv5s rows the goals read."""
    ctx = dict(filtered_run()["context"], cpu_model="Threads CPU", threads="1",
               clock="cpu_time", pool="none (the calling thread)", pinned_pus="none",
               probes_threads="none")
    l1 = "in-L1 set; roof vs copy"
    rows = [bench("nearest/nhwc/incache-l1-16px-2x/auto", 2e-7, l1, 0.5),
            bench("nearest-plan/nhwc/incache-l1-16px-2x/auto", 3e-7, "in-L1 set; resize plan "
                  "create + destroy; no roof", 0.0),
            bench("nearest-oneshot/nhwc/incache-l1-16px-2x/auto", 5e-7, l1, 0.2),
            bench("bilinear/nchw/incache-l1-16px-2x/auto", 4e-7, l1, 0.4),
            bench("bilinear-oneshot/nchw/incache-l1-16px-2x/auto", 6e-7, l1, 0.27),
            bench("nearest/nchw/yolov5s-neck-20px-2x/auto", 1e-5, "YOLO; roof vs copy", 0.85),
            bench("nearest/nhwc/yolov5s-neck-20px-2x/auto", 1e-5, "YOLO; roof vs copy", 0.5)]
    del rows[1]["roof"]
    return {"context": ctx, "benchmarks": rows}


def scaling_run(threads, rows):
    ctx = {"cpu_model": "Threads CPU", "cpu_cores": "2", "threads": str(threads),
           "clock": "real_time", "probe_fma_avx512_gflops": str(100 * threads),
           "probe_fma_usable": "avx512", "pinned_pus": "1,0" if threads == 2 else "1"}
    return {"context": ctx, "benchmarks": [b for r in rows for b in r]}


def threads_doc(cores=2):
    """threads.json: T = 1 and 2 (cores 2), or T = 1 only (cores 1)."""
    unet = "deconv/nhwc/unet-28px-1024to512-k2s2/auto"
    dcgan = "deconv/nchw/dcgan-64px-64to64-k4s2p1/auto"
    sdvae = "nearest/nchw/sd-vae-decoder-64px-2x/auto"
    esr = "bilinear/nchw/esrgan-128px-2x/auto"
    one = scaling_run(1, [wall(unet, 0.010, "U-Net; roof vs fma/avx512", 0.5,
                               reps=[0.0095, 0.010, 0.0115]),
                          wall(dcgan, 0.004, "DCGAN", 0.4), wall(sdvae, 0.002, "VAE", 0.6),
                          wall(esr, 0.001, "ESRGAN", 0.5),
                          wall("probe/copy/dram", 0.01, "copy", 1.0)])
    one["benchmarks"][-1]["bytes_per_second"] = 40e9
    two = scaling_run(2, [wall(unet, 0.0052, "U-Net; roof vs fma/avx512", 0.48),
                          wall(dcgan, 0.0025, "DCGAN", 0.32), wall(sdvae, 0.0019, "VAE", 0.82),
                          wall(esr, 0.0008, "ESRGAN", 0.31),
                          wall("probe/copy/dram", 0.008, "copy", 1.0)])
    two["benchmarks"][-1]["bytes_per_second"] = 50e9
    if cores == 1:
        return {"cores": 1, "runs": [one], "notes": []}
    return {"cores": 2, "runs": [one, two], "notes": ["3 threads: example note"]}


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
                          ("filtered-cpu", filtered_run()),
                          ("threads-cpu", threads_main_run()),
                          ("onecore-cpu", threads_main_run())):
            os.makedirs(os.path.join(root, name))
            with open(os.path.join(root, name, "bench.json"), "w", encoding="utf-8") as f:
                json.dump(run, f)
            if name in ("threads-cpu", "onecore-cpu"):
                with open(os.path.join(root, name, "threads.json"), "w", encoding="utf-8") as f:
                    json.dump(threads_doc(2 if name == "threads-cpu" else 1), f)
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
        cls.threads_md = read("threads-cpu", "README.md")
        cls.onecore_md = read("onecore-cpu", "README.md")
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


    def test_row_kinds(self):
        self.assertEqual(report.split_name("nearest-plan/nhwc/w/auto")["kind"], "plan")
        self.assertEqual(report.split_name("bilinear-oneshot/nchw/w/avx2")["kind"], "oneshot")
        wall_row = report.split_name("deconv/nhwc/w/auto/real_time")
        self.assertEqual((wall_row["kind"], wall_row["variant"]), ("run", "auto"))
        recs = report.collect({"benchmarks": wall("nearest/nhwc/w/auto", 2e-3, "x", 0.5)})
        self.assertEqual(recs[0]["name"], "nearest/nhwc/w/auto")
        self.assertAlmostEqual(recs[0]["seconds"], 2e-3)  # real_time, not cpu_time

    def test_plan_tables(self):
        md = self.threads_md
        self.assertIn("## nearest plan creation", md)
        self.assertIn("| incache-l1-16px-2x | nhwc | auto | 300 ns |",
                      line_of(md, "| incache-l1-16px-2x | nhwc | auto | 300 ns"))
        row = line_of(md, "| nearest | incache-l1-16px-2x | nhwc | auto |")
        self.assertEqual(row, "| nearest | incache-l1-16px-2x | nhwc | auto | 200 ns | 500 ns | "
                         "2.50× |")

    def test_thread_scaling(self):
        md = self.threads_md
        self.assertIn("## Thread scaling", md)
        one = line_of(md, "| deconv/nhwc/unet-28px-1024to512-k2s2/auto | 1 |")
        self.assertEqual(one, "| deconv/nhwc/unet-28px-1024to512-k2s2/auto | 1 | 10 ms | 20% | "
                         "1.00× | 0.5 |")
        two = line_of(md, "| deconv/nhwc/unet-28px-1024to512-k2s2/auto | 2 |")
        self.assertEqual(two, "| deconv/nhwc/unet-28px-1024to512-k2s2/auto | 2 | 5.2 ms | - | "
                         "1.92× | 0.48 |")
        self.assertIn("| avx512 200 | dram 50 GB/s | 1,0 |", line_of(md, "| 2 | avx512 200"))
        self.assertIn("- 3 threads: example note", md)
        self.assertIn("1 core: not measured", self.onecore_md)
        self.assertNotIn("| deconv/nhwc/unet-28px-1024to512-k2s2/auto | 2 |", self.onecore_md)

    def test_engine_goals(self):
        md = self.threads_md
        self.assertIn("## Engine goals", md)
        rows = {line.split(" | ")[1]: line for line in md.splitlines()
                if line.startswith("| ") and " | ≥ " in line or "| roof ≥ 0.8 |" in line}
        self.assertIn("| 1.92× | ≥ 1.85× | pass |",
                      rows["deconv/nhwc/unet-28px-1024to512-k2s2/auto"])
        self.assertIn("| 1.60× | ≥ 1.85× | **miss** |",
                      rows["deconv/nchw/dcgan-64px-64to64-k4s2p1/auto"])
        self.assertIn("| not in this run |", rows["deconv/nhwc/unet-64px-128to64-k2s2/auto"])
        # 1.05x but roof 0.82 at 2 threads: pass; 1.25x and roof 0.31: miss.
        self.assertIn("| 1.05× (roof 0.82 at 2 threads) | ≥ 1.5× or roof ≥ 0.8 | pass |",
                      rows["nearest/nchw/sd-vae-decoder-64px-2x/auto"])
        self.assertIn("| **miss** |", rows["bilinear/nchw/esrgan-128px-2x/auto"])
        self.assertIn("| 0.85 | roof ≥ 0.8 | pass |", rows["nearest/nchw/yolov5s-neck-20px-2x/auto"])
        self.assertIn("| 0.5 | roof ≥ 0.8 | **miss** |",
                      rows["nearest/nhwc/yolov5s-neck-20px-2x/auto"])
        self.assertIn("| not in this run |", rows["bilinear/nhwc/yolov5s-neck-40px-2x/auto"])
        in_l1 = [line for line in md.splitlines() if line.startswith("| in-L1 resize")]
        self.assertEqual(len(in_l1), 2)
        self.assertTrue(in_l1[0].endswith("| 2.50× (200 ns vs 500 ns) | ≥ 2× faster | pass |"),
                        in_l1[0])
        self.assertTrue(in_l1[1].endswith("| 1.50× (400 ns vs 600 ns) | ≥ 2× faster | **miss** |"),
                        in_l1[1])
        one = [line for line in self.onecore_md.splitlines() if "1 core: not measured |" in line]
        self.assertEqual(len(one), 5)  # every thread goal

    def test_upconv_table(self):
        md = self.new_md
        self.assertIn("## upconv: fused against the two-step", md)
        self.assertIn("## upconv weight packing", md)
        self.assertEqual(report.split_name("upconv-twostep/nchw/w/onednn")["kind"], "twostep")
        self.assertEqual(report.split_name("upconv-pack/nchw/w/auto")["kind"], "pack")
        row = line_of(md, "| sd-vae-decoder-64px-2x-k3 | nchw | 500 ms")
        self.assertEqual(row, "| sd-vae-decoder-64px-2x-k3 | nchw | 500 ms | 68 | 0.32 | "
                         "1.2 s (onednn) | 2.40× | 21.4 G (2.26× fewer) |")
        row = line_of(md, "| unet-64px-128to64-2x-k3 | nchw | 20 ms")
        self.assertIn("| not in this run | - |", row)

    def test_upconv_goals(self):
        md = self.new_md
        self.assertIn("## Upconv goals", md)
        section = md.split("## Upconv goals")[1]
        rows = [line for line in section.splitlines() if line.startswith("| upconv ")]
        self.assertEqual(len(rows), 8)  # 2 workloads x 2 layouts x 2 goals
        by = {(line.split(" | ")[0], line.split(" | ")[1]): line for line in rows}
        sd = "upconv/nchw/sd-vae-decoder-64px-2x-k3/auto"
        self.assertTrue(by[("| upconv fused vs best two-step", sd)].endswith(
            "| 2.40× (500 ms vs 1.2 s onednn) | ≥ 2× faster | pass |"))
        self.assertTrue(by[("| upconv fused MACs vs widest FMA probe", sd)].endswith(
            "| 0.32 (68 of 210 GFLOP/s avx512) | ≥ 0.8 | **miss** |"))
        un = "upconv/nhwc/unet-64px-128to64-2x-k3/auto"
        self.assertIn("| 1.50× (10 ms vs 15 ms upsimd) | ≥ 2× faster | **miss** |",
                      by[("| upconv fused vs best two-step", un)])
        self.assertIn("| 0.86 (180 of 210 GFLOP/s avx512) | ≥ 0.8 | pass |",
                      by[("| upconv fused MACs vs widest FMA probe", un)])
        self.assertIn("| no two-step row in this run |",
                      by[("| upconv fused vs best two-step",
                          "upconv/nchw/unet-64px-128to64-2x-k3/auto")])
        self.assertIn("| not in this run |", by[("| upconv fused vs best two-step",
                                                 "upconv/nhwc/sd-vae-decoder-64px-2x-k3/auto")])


if __name__ == "__main__":
    unittest.main()
