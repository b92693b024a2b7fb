#!/usr/bin/env python3
"""test_results_name.py — ctest results_name: tools/results_name.py (which
results/<folder> a scripts/bench run writes) on fake upsimd-info outputs in a
temporary results directory: the padded CPU model is trimmed, a --quick run
goes to <base>-quick and is refused where a full run is, the same machine
replaces its folder, another machine (other L3, cores, ISAs, model) gets
<base>-2 with a note and keeps getting it, older folders are read from their
info.txt, --name forces a folder. Also the command line scripts/bench uses.

    python3 tools/test_results_name.py      (standard library only)
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("results_name", os.path.join(HERE, "results_name.py"))
rn = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rn)

# upsimd-info's output as the harness printed it before the trim (CPUID pads
# the brand string with blanks).
INFO = """upsimd 0.1.0
ISAs built in:    scalar avx2 avx512
ISAs usable here: scalar avx2 avx512
AUTO selects:     avx512 (UPSIMD_ISA=unset)
CPU:              Oxide Virtual Turin-like Processor             
architecture:     x86_64
topology:         1 package(s), 2 core(s), 2 PU(s) (hwloc 2.8.0)
caches (first of each level):
  L1d    48 KiB
  L2     1 MiB
  L3     {l3}
timing thread:    not pinned
"""
BASE = "oxide-virtual-turin-like-processor-x86-64"


def info(l3="32 MiB", cores="2", isas="scalar avx2 avx512", model=None):
    text = INFO.format(l3=l3).replace("2 core(s)", f"{cores} core(s)")
    text = text.replace("ISAs usable here: scalar avx2 avx512", f"ISAs usable here: {isas}")
    if model is not None:
        text = text.replace("Oxide Virtual Turin-like Processor             ", model)
    return text


class ResultsNameTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.results = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write_run(self, folder, info_text, quick=False, legacy=False):
        """What scripts/bench leaves in a folder (legacy: no machine.txt)."""
        d = os.path.join(self.results, folder)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "info.txt"), "w", encoding="utf-8") as f:
            f.write(info_text)
        with open(os.path.join(d, "bench.json"), "w", encoding="utf-8") as f:
            json.dump({"context": {"upsimd_mode": "quick" if quick else "full"}}, f)
        if not legacy:
            with open(os.path.join(d, "machine.txt"), "w", encoding="utf-8") as f:
                f.write(rn.fingerprint_text(rn.parse_info(info_text), quick))

    def choose(self, info_text, **kw):
        return rn.choose(info_text, self.results, **kw)

    def test_trimmed_model_and_slug(self):
        fp = rn.parse_info(info())
        self.assertEqual(fp["model"], "Oxide Virtual Turin-like Processor")
        self.assertEqual(fp, {"model": "Oxide Virtual Turin-like Processor", "arch": "x86_64",
                              "cores": "2", "l1d": "48 KiB", "l2": "1 MiB", "l3": "32 MiB",
                              "isas": "scalar avx2 avx512"})
        self.assertEqual(self.choose(info()), (BASE, []))
        self.assertEqual(rn.slug("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz-x86_64"),
                         "intel-core-i7-8700-cpu-3.20ghz-x86-64")
        text = rn.fingerprint_text(fp, quick=False)
        self.assertIn("model: Oxide Virtual Turin-like Processor\n", text)
        self.assertIn("run: full\n", text)

    def test_unknown_model_uses_the_fallback(self):
        self.assertEqual(self.choose(info(model="unknown"), fallback_model="AMD EPYC  ")[0],
                         "amd-epyc-x86-64")

    def test_quick_never_overwrites_a_full_run(self):
        self.write_run(BASE, info())
        self.assertEqual(self.choose(info(), quick=True), (BASE + "-quick", []))
        self.write_run(BASE + "-quick", info(), quick=True)
        self.assertEqual(self.choose(info(), quick=True)[0], BASE + "-quick")  # replaces itself
        # --name: the quick suffix too, and a full run's folder is refused.
        self.assertEqual(self.choose(info(), quick=True, name="mine")[0], "mine-quick")
        self.write_run("mine-quick", info(), quick=False)
        with self.assertRaises(rn.Refused):
            self.choose(info(), quick=True, name="mine-quick")
        # A full run in the folder a quick run would take (written there with
        # --name): skipped, not replaced.
        self.write_run(BASE + "-quick", info(), quick=False)
        folder, notes = self.choose(info(), quick=True)
        self.assertEqual(folder, BASE + "-quick-2")
        self.assertIn("(a full run)", notes[0])

    def test_same_machine_replaces_its_folder(self):
        self.write_run(BASE, info())
        self.assertEqual(self.choose(info()), (BASE, []))

    def test_other_machine_gets_a_new_folder(self):
        self.write_run(BASE, info())
        for other, field in ((info(l3="508 MiB"), "l3"), (info(cores="4"), "cores"),
                             (info(isas="scalar avx2"), "isas")):
            folder, notes = self.choose(other)
            self.assertEqual(folder, BASE + "-2", field)
            self.assertEqual(len(notes), 1)
            self.assertIn(f"holds a run from another machine (differs in {field})", notes[0])
        # Once written, that machine's folder is its own: replaced, no note.
        self.write_run(BASE + "-2", info(l3="508 MiB"))
        self.assertEqual(self.choose(info(l3="508 MiB")), (BASE + "-2", []))
        self.assertEqual(self.choose(info())[0], BASE)
        self.assertEqual(self.choose(info(cores="4"))[0], BASE + "-3")

    def test_older_folder_read_from_info_txt(self):
        self.write_run(BASE, info(), legacy=True)  # padded model, no machine.txt
        self.assertEqual(self.choose(info()), (BASE, []))
        self.assertEqual(self.choose(info(l3="64 MiB"))[0], BASE + "-2")

    def test_name_forces(self):
        self.write_run("shared", info())
        folder, notes = self.choose(info(l3="508 MiB"), name="shared")
        self.assertEqual(folder, "shared")
        self.assertIn("another machine (differs in l3)", notes[0])

    def test_command_line(self):
        self.write_run(BASE, info())
        path = os.path.join(self.results, "info-new.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(info(l3="508 MiB"))
        tool = os.path.join(HERE, "results_name.py")
        out = subprocess.run([sys.executable, tool, "choose", "--info", path, "--results",
                              self.results], capture_output=True, text=True, check=True).stdout
        self.assertEqual(out.splitlines()[0], BASE + "-2")
        self.assertIn("writing " + BASE + "-2/ instead", out)
        self.write_run("full-one", info())
        r = subprocess.run([sys.executable, tool, "choose", "--info", path, "--results",
                            self.results, "--quick", "--name", "full-one-quick"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)  # no such folder yet
        self.write_run("full-one-quick", info())
        r = subprocess.run([sys.executable, tool, "choose", "--info", path, "--results",
                            self.results, "--quick", "--name", "full-one"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 3)
        self.assertIn("never overwrites", r.stderr)
        fp = subprocess.run([sys.executable, tool, "fingerprint", "--info", path, "--quick"],
                            capture_output=True, text=True, check=True).stdout
        self.assertIn("l3: 508 MiB\n", fp)
        self.assertIn("run: quick\n", fp)


if __name__ == "__main__":
    unittest.main()
