#!/usr/bin/env python3
"""results_name.py — which results/<folder> a scripts/bench run writes, so
that runs do not clobber each other. Python 3 standard library only.

    tools/results_name.py choose --info INFO --results DIR [--quick] [--name S]
                                 [--fallback-model MODEL]
        prints the folder name (first line of stdout), then one line per note
        (scripts/bench prints them); exit 3 when the run must not be written.
    tools/results_name.py fingerprint --info INFO [--quick]
        prints machine.txt: the machine fingerprint of a run, and its mode.

INFO is upsimd-info's output (the run's info.txt). The rules:

- The base name is the CPU model the harness reports (hwloc's, trimmed; on
  AArch64 the MIDR's name; else --fallback-model, e.g. lscpu's) and the
  architecture, as a slug: "Oxide Virtual Turin-like Processor" on x86_64 is
  oxide-virtual-turin-like-processor-x86-64.
- A --quick run goes to <base>-quick (also with --name), and never into a
  folder that holds a full run: it is refused (exit 3) rather than written.
- The fingerprint is model, architecture, cores, L1d/L2/L3 sizes and the ISAs
  usable (upsimd-info's "ISAs usable here": a build without a variant gives
  other tables). A run replaces the folder whose fingerprint is its own (the
  update path); a folder of another machine is kept, and the run goes to
  <base>-2, <base>-3, ... (the first that is its own or free), with a note.
  A folder without machine.txt (older runs) is read from its info.txt.
- --name S forces the folder S (S-quick for --quick), whatever machine it
  holds (a note says when it is another one); only the quick-over-full
  refusal still applies.
"""

import json
import os
import re
import sys

FIELDS = ("model", "arch", "cores", "l1d", "l2", "l3", "isas")


def slug(text):
    """scripts/bench's folder slug: lower case, no (R)/(TM)-style parts, runs
    of anything but [a-z0-9.] as one '-', none at either end."""
    s = re.sub(r"\([^)]*\)", "", text.lower())
    s = re.sub(r"[^a-z0-9.]+", "-", s)
    return s.strip("-")


def parse_info(text):
    """The fingerprint fields of upsimd-info's output (missing ones absent)."""
    fp = {}
    in_caches = False
    for raw in text.splitlines():
        line = raw.rstrip()
        m = re.match(r"^CPU:\s*(.*)$", line)
        if m:
            fp["model"] = m.group(1).strip()
        m = re.match(r"^architecture:\s*(.*)$", line)
        if m:
            fp["arch"] = m.group(1).strip()
        m = re.match(r"^topology:.*?(\d+) core\(s\)", line)
        if m:
            fp["cores"] = m.group(1)
        m = re.match(r"^ISAs usable here:\s*(.*)$", line)
        if m:
            fp["isas"] = " ".join(m.group(1).split())
        if line.startswith("caches"):
            in_caches = True
            continue
        if in_caches:
            m = re.match(r"^\s+(L1d|L2|L3)\s+(.*)$", line)
            if m:
                fp[m.group(1).lower()] = m.group(2).strip()
                continue
            in_caches = False
    return fp


def fingerprint_text(fp, quick):
    lines = ["# The machine of this folder's run (tools/results_name.py fingerprint): "
             "scripts/bench replaces the folder only with a run whose fields match."]
    lines += [f"{k}: {fp.get(k, '?')}" for k in FIELDS]
    lines.append(f"run: {'quick' if quick else 'full'}")
    return "\n".join(lines) + "\n"


def read_folder(path):
    """(fingerprint, run mode) of an existing results folder, or None when it
    holds no run. Mode "full" when unknown (the safe reading)."""
    machine = os.path.join(path, "machine.txt")
    info = os.path.join(path, "info.txt")
    bench = os.path.join(path, "bench.json")
    if not any(os.path.isfile(p) for p in (machine, info, bench)):
        return None
    fp, mode = {}, None
    if os.path.isfile(machine):
        with open(machine, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or ":" not in line:
                    continue
                k, v = line.split(":", 1)
                if k.strip() == "run":
                    mode = v.strip()
                else:
                    fp[k.strip()] = v.strip()
    elif os.path.isfile(info):
        with open(info, encoding="utf-8") as f:
            fp = parse_info(f.read())
    if mode is None and os.path.isfile(bench):
        try:
            with open(bench, encoding="utf-8") as f:
                mode = json.load(f).get("context", {}).get("upsimd_mode")
        except (OSError, ValueError):
            pass
    return fp, mode or "full"


def differences(a, b):
    return [k for k in FIELDS if a.get(k, "?") != b.get(k, "?")]


class Refused(Exception):
    pass


def choose(info_text, results, quick=False, name=None, fallback_model=None):
    """(folder name, [notes]); raises Refused when nothing may be written."""
    fp = parse_info(info_text)
    model = fp.get("model", "")
    if not model or model == "unknown":
        model = (fallback_model or "").strip() or "unknown-cpu"
        fp["model"] = model
    arch = fp.get("arch") or "unknown"
    notes = []
    base = name if name else slug(f"{model}-{arch}")
    if quick and not base.endswith("-quick"):
        base += "-quick"
    if name:
        held = read_folder(os.path.join(results, base))
        if held and quick and held[1] == "full":
            raise Refused(f"{base}/ holds a full run; a --quick run never overwrites one "
                          f"(choose another --name)")
        if held and differences(held[0], fp):
            notes.append(f"--name {name}: replacing {base}/, a run from another machine "
                         f"(differs in {', '.join(differences(held[0], fp))})")
        return base, notes
    candidates = [base] + [f"{base}-{i}" for i in range(2, 100)]
    held = {c: read_folder(os.path.join(results, c)) for c in candidates}
    for c in candidates:  # this machine's own folder: the update path
        h = held[c]
        if h and not differences(h[0], fp) and not (quick and h[1] == "full"):
            return c, notes
    for c in candidates:  # else the first free one
        if held[c] is None:
            if c != base:
                h = held[base]
                why = (f"differs in {', '.join(differences(h[0], fp))}"
                       if differences(h[0], fp) else "a full run")
                notes.append(f"results folder {base}/ holds a run from another machine "
                             f"({why}); writing {c}/ instead (--name forces a folder)")
            return c, notes
    raise Refused(f"{base}/ and {base}-2 ... {base}-99 all hold runs of other machines")


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("choose", "fingerprint"))
    ap.add_argument("--info", required=True, help="upsimd-info's output (file)")
    ap.add_argument("--results", default="results")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--name")
    ap.add_argument("--fallback-model")
    a = ap.parse_args(argv[1:])
    with open(a.info, encoding="utf-8") as f:
        info = f.read()
    if a.command == "fingerprint":
        fp = parse_info(info)
        if (not fp.get("model") or fp["model"] == "unknown") and a.fallback_model:
            fp["model"] = a.fallback_model.strip()
        sys.stdout.write(fingerprint_text(fp, a.quick))
        return 0
    try:
        folder, notes = choose(info, a.results, a.quick, a.name, a.fallback_model)
    except Refused as e:
        print(f"results_name.py: refused: {e}", file=sys.stderr)
        return 3
    print(folder)
    for n in notes:
        print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
