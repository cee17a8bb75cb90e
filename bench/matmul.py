#!/usr/bin/env python3
# ===- matmul.py - Zellige vs OpenBLAS / CLBlast matmul benchmark ----------===#
#
# This file implements the GEMM benchmark: for each size N (512 and 1024 by
# default) it generates the matmulN model (scripts/models/make_models.py),
# compiles it with `zellige compile`, checks the output against the
# onnxruntime reference, times it with `zellige run --repeat R` and times a
# vendor SGEMM on the same device in the same run:
#
# - `--target host` (the default): `zellige run --device host --threads T`
#   against OpenBLAS's cblas_sgemm (build/bin/sgemm_openblas);
# - `--target opencl`: `zellige run --device opencl:D` against CLBlast's SGEMM
#   on the same OpenCL device (build/bin/sgemm_clblast --device D).
#
# With --profiles and --kernel-config it times several compilations of the
# same model (device profiles, hand-set knobs), one table row each, every row
# with its own reference run next to it. It prints a table (or, with
# --markdown, one to paste into docs/performance.md together with the machine
# and the date).
#
# Not part of ctest: timings are reported, never asserted.
#
# ===------------------------------------------------------------------------===#

import argparse
import datetime
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "models"))

import make_models  # noqa: E402

LATENCY_RE = re.compile(
    r"latency: median ([0-9.eE+-]+) ms, p90 ([0-9.eE+-]+) ms, "
    r"min ([0-9.eE+-]+) ms over (\d+) runs")


class BenchError(Exception):
    pass


def run(cmd, timeout):
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              errors="replace", timeout=timeout)
    except FileNotFoundError as e:
        raise BenchError("cannot execute %s: %s" % (cmd[0], e.strerror))
    except subprocess.TimeoutExpired:
        raise BenchError("timed out after %ss: %s" %
                         (timeout, " ".join(map(shlex.quote, cmd))))
    if proc.returncode != 0:
        raise BenchError("command failed (exit %d): %s\n%s" %
                         (proc.returncode, " ".join(map(shlex.quote, cmd)),
                          proc.stderr.rstrip()))
    return proc.stdout


def parse_latency(text, what):
    m = LATENCY_RE.search(text)
    if not m:
        raise BenchError("%s printed no 'latency: median ...' line:\n%s" %
                         (what, text.rstrip()))
    return float(m.group(1)), float(m.group(3))


LATENCY_COPIES_RE = re.compile(
    r"latency with copies: median ([0-9.eE+-]+) ms")


def gflops(n, ms):
    return 2.0 * n * n * n / (ms * 1e-3) / 1e9


def variants(args):
    """(label, extra `zellige compile` arguments) for each row of a size."""
    out = []
    for profile in args.profiles.split(","):
        if profile in ("", "default"):
            out.append(("default", []))
        else:
            out.append(("profile " + profile, ["--profile", profile]))
    if args.kernel_config:
        label = "knobs " + os.path.basename(args.kernel_config)
        out.append((label, ["--kernel-config", args.kernel_config]))
    return out


def zellige_row(args, n, mdir, label, extra):
    name = "matmul%d" % n
    tag = re.sub(r"[^A-Za-z0-9_.-]", "_", label)
    bundle = os.path.join(mdir, "model-%s.zlg" % tag)
    out_dir = os.path.join(mdir, "out-" + tag)
    run([args.zellige, "compile", os.path.join(mdir, "model.onnx"),
         "--target", args.target, "-o", bundle] + extra, args.timeout)
    device = ["--device", "host", "--threads", str(args.threads)]
    if args.target == "opencl":
        device = ["--device", "opencl:%d" % args.device]
    text = run([args.zellige, "run", bundle] + device +
               ["--repeat", str(args.repeat),
                "--input", "a=" + os.path.join(mdir, "a.npy"),
                "--input", "b=" + os.path.join(mdir, "b.npy"),
                "--output-dir", out_dir], args.timeout)
    got = np.load(os.path.join(out_dir, "c.npy"))
    ref = np.load(os.path.join(mdir, "c.ref.npy"))
    if got.shape != ref.shape or not np.allclose(got, ref, rtol=1e-3,
                                                 atol=1e-5):
        raise BenchError("zellige's %s (%s) output differs from the reference "
                         "(max abs error %g); not timing a wrong kernel" %
                         (name, label, float(np.abs(got - ref).max())
                          if got.shape == ref.shape else float("nan")))
    row = {"n": n, "variant": label}
    row["zlg_ms"], row["zlg_min"] = parse_latency(text, "zellige run")
    row["zlg_gflops"] = gflops(n, row["zlg_ms"])
    return row


def reference_timing(args, n, row):
    """Times the vendor SGEMM for row's size right after zellige's run."""
    if not args.reference:
        return
    what = os.path.basename(args.reference)
    cmd = [args.reference, str(n), str(n), str(n), "--repeat",
           str(args.repeat)]
    if args.target == "opencl":
        cmd += ["--device", str(args.device)]
    else:
        cmd += ["--threads", str(args.threads)]
    text = run(cmd, args.timeout)
    row["ref_ms"], row["ref_min"] = parse_latency(text, what)
    row["ref_gflops"] = gflops(n, row["ref_ms"])
    m = LATENCY_COPIES_RE.search(text)
    if m:
        row["ref_copies_ms"] = float(m.group(1))


def bench_size(args, n, work):
    name = "matmul%d" % n
    if name not in make_models.MODELS:
        raise BenchError("no model %s in make_models.py" % name)
    mdir = make_models.write_model(name, work, verbose=False)
    rows = []
    for label, extra in variants(args):
        print("  %s ..." % label, file=sys.stderr, flush=True)
        row = zellige_row(args, n, mdir, label, extra)
        reference_timing(args, n, row)
        rows.append(row)
    return rows


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def fmt(row, key, spec):
    return spec % row[key] if key in row else "n/a"


def ref_name(args):
    return "CLBlast" if args.target == "opencl" else "OpenBLAS"


def print_table(rows, args):
    ref = ref_name(args)
    has_ref = any("ref_ms" in r for r in rows)
    has_copies = any("ref_copies_ms" in r for r in rows)
    header = ["size", "variant", "zellige ms", "zellige GFLOP/s", ref + " ms",
              ref + " GFLOP/s"]
    if has_copies:
        header.append(ref + " + copies ms")
    header.append("zellige / %s throughput" % ref)
    lines = []
    for r in rows:
        ratio = ("%.3fx" % (r["ref_ms"] / r["zlg_ms"])
                 if "ref_ms" in r else "n/a")
        line = ["%d^3" % r["n"], r["variant"], fmt(r, "zlg_ms", "%.3f"),
                fmt(r, "zlg_gflops", "%.2f"), fmt(r, "ref_ms", "%.3f"),
                fmt(r, "ref_gflops", "%.2f")]
        if has_copies:
            line.append(fmt(r, "ref_copies_ms", "%.3f"))
        lines.append(line + [ratio])
    if args.markdown:
        if args.target == "opencl":
            print("OpenCL f32 matmul on opencl:%d, median of %d runs "
                  "(bench/matmul.py --target opencl)\n" %
                  (args.device, args.repeat))
        else:
            print("Host f32 matmul, %d thread(s), median of %d runs "
                  "(bench/matmul.py)\n" % (args.threads, args.repeat))
        print("- Machine: %s, %d logical CPUs, %s" %
              (cpu_name(), os.cpu_count() or 0, platform.platform()))
        print("- Date: %s" % datetime.date.today().isoformat())
        print("- Reference: %s in the same run%s\n" %
              ("CLBlast CLBlastSgemm on the same device"
               if args.target == "opencl" else "OpenBLAS cblas_sgemm",
               "" if has_ref else " (not available: build %s)" %
               os.path.basename(args.reference or ref_binary(args))))
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(["---", "---"] + ["---:"] * (len(header) - 2)) +
              "|")
        for l in lines:
            print("| " + " | ".join(l).replace("^3", "³") + " |")
        return
    widths = [max(len(h), *(len(l[i]) for l in lines))
              for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for l in lines:
        print("  ".join(c.rjust(w) for c, w in zip(l, widths)))


def ref_binary(args):
    return os.path.join(ROOT, "build", "bin",
                        "sgemm_clblast" if args.target == "opencl"
                        else "sgemm_openblas")


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Time zellige's matmul against OpenBLAS sgemm (host) or "
        "CLBlast sgemm (OpenCL) on the same device.")
    p.add_argument("--zellige", default=os.path.join(ROOT, "build", "bin",
                                                     "zellige"))
    p.add_argument("--target", choices=["host", "opencl"], default="host",
                   help="host: against OpenBLAS; opencl: against CLBlast on "
                   "the same OpenCL device")
    p.add_argument("--reference", metavar="BIN",
                   help="the vendor SGEMM binary (default build/bin/"
                   "sgemm_openblas or build/bin/sgemm_clblast; '' to skip)")
    p.add_argument("--openblas", dest="reference", metavar="BIN",
                   help=argparse.SUPPRESS)
    p.add_argument("--device", type=int, default=0,
                   help="OpenCL device number, as `zellige devices` lists "
                   "them (--target opencl)")
    p.add_argument("--profiles", default="default",
                   help="comma-separated device profiles to compile with, "
                   "one row each ('default': no --profile)")
    p.add_argument("--kernel-config", metavar="FILE",
                   help="also time a compilation with these hand-set knobs")
    p.add_argument("--sizes", default="512,1024",
                   help="comma-separated N for N^3 matmuls")
    p.add_argument("--threads", type=int, default=1,
                   help="host thread count (--target host)")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--markdown", action="store_true",
                   help="print a Markdown table for docs/performance.md")
    p.add_argument("--keep", metavar="DIR", help="keep models and bundles here")
    args = p.parse_args(argv)

    if args.reference is None:
        args.reference = ref_binary(args)
    if args.reference and not os.path.isfile(args.reference):
        print("matmul.py: warning: %s not found (build the %s target); "
              "skipping the %s reference" %
              (args.reference, os.path.basename(args.reference),
               ref_name(args)), file=sys.stderr)
        args.reference = ""
    if args.kernel_config:
        args.kernel_config = os.path.abspath(args.kernel_config)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s]
    except ValueError:
        p.error("--sizes takes comma-separated integers")

    work = args.keep or tempfile.mkdtemp(prefix="zellige-bench-")
    os.makedirs(work, exist_ok=True)
    rows = []
    try:
        for n in sizes:
            print("matmul %d^3 on %s ..." % (n, args.target), file=sys.stderr,
                  flush=True)
            rows.extend(bench_size(args, n, work))
    except BenchError as e:
        print("matmul.py: error: %s" % e, file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print_table(rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
