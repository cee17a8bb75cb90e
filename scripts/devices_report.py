#!/usr/bin/env python3
# ===- devices_report.py - docs/devices.md from zellige estimate -----------===#
#
# This file generates docs/devices.md: the device profiles with their figures
# and sources (`zellige targets --format json`), the roofline estimate of
# every e2e test model on every profile (`zellige estimate --all --format
# json`), the few measured figures that exist (quoted from
# docs/performance.md, and only if the quoted row is still there), and the
# profile TOML format.
#
# Usage:
#   scripts/devices_report.py [--zellige build/bin/zellige]
#                             [--models build/e2e-models] [-o docs/devices.md]
#
# The e2e models are written by the e2e.generate_models ctest fixture
# (scripts/models/make_models.py build/e2e-models). With --bench it also
# generates the bench-only matmul1024 model into a temporary folder, to set
# the roofline beside the PoCL measurement of docs/performance.md.
#
# ===-----------------------------------------------------------------------===#

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Measured figures, quoted from docs/performance.md. Each entry names the
# model, what ran it, the median time and the table row it comes from; an
# entry whose row is no longer in docs/performance.md is dropped with a
# warning rather than kept stale.
MEASURED = [
    {"model": "matmul512", "profile": None,
     "device": "host target, 1 thread, AMD EPYC (AVX2+FMA)",
     "ms": 4.593, "row": "| 512³ | 4.593 |"},
    {"model": "matmul1024", "profile": None,
     "device": "host target, 1 thread, AMD EPYC (AVX2+FMA)",
     "ms": 58.088, "row": "| 1024³ | 58.088 |"},
    {"model": "matmul1024", "profile": "pocl-cpu",
     "device": "OpenCL target on PoCL's CPU device (2 cores)",
     "ms": 278.0, "row": "| 1024³ | default | 278.0 |"},
]

FORMAT_DOC = """\
## Profile format

A profile is one TOML file in `targets/profiles/` (compiled into the binary;
`zellige targets` lists them) or any `.toml` file given by path. Keys:

| key | type | required | meaning |
|---|---|---|---|
| `name` | string | yes | the profile's name, as `--profile` and `--target` take it |
| `target` | string | yes | the target kind that compiles for the chip (`cuda`, `opencl`, `musa`, `maca`, `hip`, `ascend`, `cambricon`, ...); not checked when the file is read, so a profile may exist before its target does |
| `arch` | string | yes | the architecture the target takes (`sm_90`, `gfx928`, `mp_22`, `Ascend910B2C`, `mtp_592`) |
| `vendor`, `product` | string | no | for reports |
| `warp_size` | integer | no | threads per warp or wavefront |
| `max_workgroup_size` | integer | no | threads per workgroup |
| `max_workgroup_dims` | 3 integers | no | threads per workgroup along x, y, z |
| `shared_memory_bytes` | integer | no | shared or local memory per workgroup |
| `compute_units` | integer | no | SMs, CUs, AI cores |
| `memory_bytes` | number | no | device memory |
| `tdp_watts` | number | no | board power |
| `[peak] <type>_flops` | number | no | peak FLOP/s (OP/s for integers) for an element type: `f32`, `f16`, `bf16`, `i8`, ... |
| `[peak] bandwidth_bytes` | number | no | device memory bandwidth, bytes per second |

Every figure carries its source in a string next to it: `<key>_source`
(`warp_size_source`, `[peak] f32_flops_source`), or the key without its unit
(`memory_source`, `tdp_source`, `[peak] bandwidth_source`). A peak, the
bandwidth, the memory size or the TDP without a source is an error; the
source of a hardware limit is optional for files outside the repository, but
every built-in profile gives one (a unit test checks it).

The start of the source string says how far to trust the figure:

| prefix | kind |
|---|---|
| (none) | documented: a vendor datasheet, manual or SDK file |
| `vendor claim:` | a vendor's launch or marketing figure, usually as the press reported it |
| `press report:` | a third party's figure |
| `public code:` / `public tool output:` | read from public source code or tool output |
| `derived:` | computed from other figures (the computation is in the string) |
| `assumption:` / `estimate` | not checked |
| `measured:` | measured on the device |

A figure that could not be checked is left out, never guessed. A hardware
limit that is left out keeps a conservative default for schedules (warp 32,
256 threads, 32 KiB) and shows as `-`; a peak or bandwidth that is left out
makes the estimate of the dispatches that need it unknown, not zero.

```toml
name = "mtt-s4000"
vendor = "Moore Threads"
product = "MTT S4000"
target = "musa"
arch = "mp_22"
arch_source = "assumption: ..."
warp_size = 128
warp_size_source = "assumption: ..."
memory_bytes = 51539607552
memory_source = "vendor claim: 48 GB GDDR6 (...)"

[peak]
f32_flops = 25.0e12
f32_flops_source = "vendor claim: FP32 25 TFLOPS (...)"
bandwidth_bytes = 768.0e9
bandwidth_source = "vendor claim: 768 GB/s GDDR6 (...)"
```

`zellige compile --target <profile>` compiles for the profile's target kind
with its `arch` and the profile itself, e.g. `--target h20` is
`--target cuda --arch sm_90 --profile h20`; a profile whose target kind the
build does not have is a one-line error.
"""


NOTES = """\
Notes on particular profiles:

- **Tensor Core peaks** of NVIDIA parts are the dense figures; NVIDIA's datasheets headline the 2:4
  sparse ones, twice as high, so `h100`'s f16 and i8 peaks are marked as derived (halved).
  `nvidia-sm80`/`nvidia-sm90` are the original A100 40 GB / H100 profiles the GPU tests use; `a100`
  and `h100` carry every datasheet figure.
- **Ascend** (`ascend-910b`, `ascend-310p`) and **Cambricon** (`mlu370`, `mlu590`) take neither CUDA
  nor OpenCL (see `targets/ascend` and `targets/cambricon` for how Zellige reaches them). Huawei publishes no per-chip
  peak table for the 910B, so its peaks are third-party figures (reports range from 256 to 320
  TFLOP/s FP16); no f32 peak is published, so f32 models are unknown on it. The 310P figures are an
  Atlas 300I Duo card's totals, halved. No MLU590 figure could be checked, so all are left out.
- **Hygon K100**: `gfx928` and its 64-lane wavefronts come from public DTK build scripts; Hygon
  publishes no peak or bandwidth that could be checked, so they are left out.
- **Iluvatar CoreX** is TianShu ZhiXin (天数智芯) under its English name; "TianShu" is the company, not
  a product line, so there is no separate `tianshu` profile: `iluvatar-bi-v150` is the TianShu BI-V150
  (Tiangai 150). CoreX compiles CUDA C++ with its own clang (`--cuda-gpu-arch=ivcore10/11`), not PTX,
  so these profiles do not claim target `cuda` (whose bundles carry PTX): they name a `corex` target
  kind, which would be one more CUDA-C++-family target beside `musa`, `maca` and `hip`. No BI-V150
  figure could be checked; `iluvatar-bi-v100` carries the BI-V100 launch figures.
- **Biren BR100** is programmed through Biren's SUPA stack, named `supa` here for the same reason.
  Its bandwidth is reported as 1.64 TB/s (4096-bit HBM2e) by Tom's Hardware and as 2.3 TB/s by
  golem.de; TechPowerUp attributes 2.3 TB/s to the B-Link interconnect, so the profile uses 1.64.
- **Moore Threads**: the MUSA architecture names (`mp_21`, `mp_22`) and the 128-lane warps before
  MP31 are marked as assumptions: no public Moore Threads document confirming them was found.
"""


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def fmt_seconds(s):
    if s is None:
        return "unknown"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def fmt_prefix(v, unit):
    if v is None:
        return "-"
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6),
                          ("K", 1e3)):
        if v >= scale:
            return f"{v / scale:.3g} {prefix}{unit}"
    return f"{v:.3g} {unit}"


def fmt_memory(v):
    if v is None:
        return "-"
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20),
                        ("KiB", 2**10)):
        if v >= scale:
            return f"{v / scale:.3g} {unit}"
    return f"{v:.0f} B"


def fmt_figure(key, v):
    """A figure for the sources list, in the unit its key implies."""
    if isinstance(v, list):
        return " x ".join(str(x) for x in v)
    if key == "memory_bytes" or key == "shared_memory_bytes":
        return fmt_memory(v)
    if key == "peak.bandwidth_bytes":
        return fmt_prefix(v, "B/s")
    if key.startswith("peak.i"):
        return fmt_prefix(v, "OP/s")
    if key.startswith("peak."):
        return fmt_prefix(v, "FLOP/s")
    if key == "tdp_watts":
        return f"{v:g} W"
    return f"{v:.0f}"


def cell(figure, text):
    """A table cell: the value, marked * unless documented or measured."""
    if figure["value"] is None:
        return "-"
    kind = figure.get("source_kind", "")
    return text + ("" if kind in ("documented", "measured") else "*")


def profile_table(profiles):
    lines = [
        "| profile | device | target | arch | warp | CUs | f32 | f16 | bf16 "
        "| i8 | bandwidth | memory | TDP |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in profiles:
        f = p["figures"]

        def peak(t, unit):
            fig = f.get(f"peak.{t}_flops", {"value": None})
            return cell(fig, fmt_prefix(fig["value"], unit))

        def limit(key):
            fig = f[key]
            return cell(fig, "-" if fig["value"] is None
                        else f"{fig['value']:.0f}")

        device = " ".join(x for x in (p["vendor"], p["product"]) if x)
        target = p["target"] + ("" if p["target_built_in"] else " (none)")
        lines.append(
            f"| {p['name']} | {device} | {target} | `{p['arch']}` "
            f"| {limit('warp_size')} | {limit('compute_units')} "
            f"| {peak('f32', 'FLOP/s')} | {peak('f16', 'FLOP/s')} "
            f"| {peak('bf16', 'FLOP/s')} | {peak('i8', 'OP/s')} "
            f"| {cell(f['peak.bandwidth_bytes'], fmt_prefix(f['peak.bandwidth_bytes']['value'], 'B/s'))} "
            f"| {cell(f['memory_bytes'], fmt_memory(f['memory_bytes']['value']))} "
            f"| {cell(f['tdp_watts'], '-' if f['tdp_watts']['value'] is None else '%g W' % f['tdp_watts']['value'])} |")
    return "\n".join(lines)


def sources_section(profiles):
    out = []
    for p in profiles:
        device = " ".join(x for x in (p["vendor"], p["product"]) if x)
        out.append(f"#### {p['name']}" + (f" ({device})" if device else ""))
        out.append("")
        if p.get("arch_source"):
            out.append(f"- `arch` = `{p['arch']}`: {p['arch_source']}")
        for key, fig in p["figures"].items():
            if fig["value"] is None:
                continue
            src = fig.get("source", "")
            kind = fig.get("source_kind", "no source")
            # The kind is spelled out only where the source does not start
            # with it ("press report: ..." says so itself).
            label = "" if src.lower().startswith(kind) else f" ({kind})"
            out.append(f"- `{key}` = {fmt_figure(key, fig['value'])}{label}"
                       + (f": {src}" if src else ""))
        unknown = [k for k, fig in p["figures"].items() if fig["value"] is None]
        if unknown:
            out.append("- unknown (left out): " + ", ".join(f"`{k}`" for k in unknown))
        out.append("")
    return "\n".join(out)


def model_summary(name, est):
    first = est["estimates"][0]
    flops = sum(sum(d["flops"].values()) for d in first["dispatches"])
    nbytes = sum(d["bytes"] for d in first["dispatches"])
    types = sorted({t for d in first["dispatches"] for t in d["flops"]})
    return (f"| {name} | {len(first['dispatches'])} | {fmt_prefix(flops, 'FLOP')} "
            f"| {fmt_prefix(nbytes, 'B')} | {', '.join(types) or '-'} |")


def estimate_matrix(models, estimates, profiles):
    header = "| profile | " + " | ".join(models) + " |"
    lines = [header, "|---|" + "---:|" * len(models)]
    for p in profiles:
        row = [p["name"]]
        for m in models:
            e = next(x for x in estimates[m]["estimates"]
                     if x["profile"] == p["name"])
            if e["total_seconds"] is None:
                n = len(e["dispatches"])
                row.append(f"unknown ({e['unknown_dispatches']}/{n})")
            else:
                row.append(f"{fmt_seconds(e['total_seconds'])} "
                           f"{e['bound'][0].upper()}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def measured_section(zellige, models_dir, estimates, bench_dir):
    perf = open(os.path.join(ROOT, "docs", "performance.md"),
                encoding="utf-8").read()
    rows = ["| model | device | measured | source | roofline on the matching profile |",
            "|---|---|---:|---|---:|"]
    for m in MEASURED:
        if m["row"] not in perf:
            print(f"warning: docs/performance.md no longer has {m['row']!r}; "
                  "dropping that measurement", file=sys.stderr)
            continue
        est = estimates.get(m["model"])
        if est is None and bench_dir:
            path = os.path.join(bench_dir, m["model"], "model.onnx")
            if os.path.exists(path):
                est = run_json([zellige, "estimate", path, "--all",
                                "--format", "json"])
                estimates[m["model"]] = est
        roof = "no profile for this device"
        if m["profile"] and est:
            e = next(x for x in est["estimates"] if x["profile"] == m["profile"])
            roof = f"{fmt_seconds(e['total_seconds'])} on `{m['profile']}`"
        rows.append(f"| {m['model']} | {m['device']} | {m['ms']:g} ms "
                    f"| docs/performance.md | {roof} |")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--zellige", default=os.path.join(ROOT, "build/bin/zellige"))
    ap.add_argument("--models", default=os.path.join(ROOT, "build/e2e-models"))
    ap.add_argument("-o", "--output", default=os.path.join(ROOT, "docs/devices.md"))
    ap.add_argument("--bench", action="store_true",
                    help="also generate matmul1024 to compare with its PoCL measurement")
    args = ap.parse_args()

    targets = run_json([args.zellige, "targets", "--format", "json"])
    profiles = targets["profiles"]
    models = sorted(d for d in os.listdir(args.models)
                    if os.path.exists(os.path.join(args.models, d, "model.onnx")))
    if not models:
        sys.exit(f"no models under {args.models}: run the e2e.generate_models "
                 "ctest fixture or scripts/models/make_models.py first")
    estimates = {m: run_json([args.zellige, "estimate",
                              os.path.join(args.models, m, "model.onnx"),
                              "--all", "--format", "json"]) for m in models}

    bench_dir = None
    tmp = None
    if args.bench:
        tmp = tempfile.TemporaryDirectory()
        bench_dir = tmp.name
        subprocess.run([sys.executable,
                        os.path.join(ROOT, "scripts/models/make_models.py"),
                        bench_dir, "--only", "matmul1024", "--no-ref"],
                       check=True, capture_output=True)
    measured = measured_section(args.zellige, args.models, estimates, bench_dir)

    totals = [sum(sum(d["flops"].values())
                  for d in estimates[m]["estimates"][0]["dispatches"])
              for m in models]
    smallest, largest = min(totals), max(totals)
    built_in = ", ".join(f"`{t['name']}`" for t in targets["targets"])
    doc = f"""\
# Devices

<!-- Generated by scripts/devices_report.py{' --bench' if args.bench else ''}; do not edit by hand. -->

This page lists the device profiles Zellige knows (`targets/profiles/*.toml`), what each figure rests
on, and a roofline estimate of every end-to-end test model on every profile. Regenerate it with
`scripts/devices_report.py --bench` after building and generating the e2e models
(`ctest -R e2e.generate_models`).

## Measured or estimated?

**Every time on this page is an estimate unless the table just below says otherwise.** No model has
been run on any vendor device listed here: there is no NVIDIA, Moore Threads, MetaX, Hygon, Huawei,
Cambricon, Iluvatar or Biren hardware behind these numbers. The only measurements are the host and
PoCL runs of `docs/performance.md`, on a 2-core AMD EPYC machine:

{measured}

The roofline sets a floor, not a forecast: it assumes every dispatch reaches the profile's peak or its
memory bandwidth, whichever binds, with no launch overhead (`zellige estimate --launch-overhead-us N`
adds one). The gap between the PoCL measurement and its roofline above shows how far real kernels sit
from that floor. The e2e models are small ({fmt_prefix(smallest, 'FLOP')} to {fmt_prefix(largest, 'FLOP')}), so on real devices kernel launch
overhead, which the roofline leaves out, would likely dominate their time; use the figures to compare devices
and to see which dispatches are compute- or memory-bound, not as expected latencies.

How well the estimates **rank** is measured: the Spearman rank correlation between the estimate and the
measured time per dispatch on PoCL is 0.77 to 0.83 over the 46 dispatches of the e2e models (three
measuring runs; 0.85 to 0.89 with the schedule term over the 21 dispatches estimated above 1 µs), 0.56 to
0.83 on the host, and 0.59 across the 688 measured schedules of the 512³ GEMM. Method and caveats:
[tuning.md, Cost model](tuning.md#cost-model) (`scripts/cost_model_correlation.py`).

## Device profiles

Built-in targets of this build: {built_in}.
A profile whose target kind is not among them is marked "(none)": it serves estimates only.

A value marked `*` is not from a vendor datasheet: a vendor claim, a press report, public code, a
derived figure or an assumption (the sources below say which). `-` is unknown: left out rather than
guessed. Peaks are dense (no structured sparsity).

{profile_table(profiles)}

{NOTES}
## Roofline estimates of the e2e models

Time per model on each profile: the sum over its dispatches of max(FLOPs / peak for the dispatch's
element type, bytes / bandwidth), from `zellige estimate MODEL --all --format json`. `C` or `M` says
whether compute- or memory-bound dispatches take most of the time. "unknown (k/n)": the profile lacks
the peak or bandwidth that k of the n dispatches need (for example, no f32 peak for an NPU whose
vendor publishes only FP16 and INT8 figures); the estimate is not shown rather than understated.

| model | dispatches | FLOP | bytes moved | element types |
|---|---:|---:|---:|---|
{chr(10).join(model_summary(m, estimates[m]) for m in models)}

{estimate_matrix(models, estimates, profiles)}

How the counts are made (`lib/Analysis/CostModel.cpp`): FLOPs are, for each linalg op inside a
`kernel.dispatch`, its iteration domain times the arithmetic ops in its body (a multiply-add counts
two, an `exp` one, casts none); bytes are the dispatch's operands and results, each read or written
once. The dispatches are the same for every target (they are formed before any target-specific
configuration), so one compile serves all profiles. A peak missing for an element type falls back to
the 16-bit sibling (f16/bf16) and then to f32, with a note in the JSON output.

{FORMAT_DOC}
## Sources

{sources_section(profiles)}"""
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(doc.rstrip() + "\n")
    if tmp:
        tmp.cleanup()
    print(f"wrote {args.output}: {len(profiles)} profiles, {len(models)} models")


if __name__ == "__main__":
    main()
