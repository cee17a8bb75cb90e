#!/usr/bin/env python3
# ===- matmul.py - Zellige vs OpenBLAS single-thread matmul benchmark -------===#
#
# This file implements the host GEMM benchmark: for each size N (512 and 1024
# by default) it generates the matmulN model (scripts/models/make_models.py),
# compiles it with `zellige compile --target host`, checks the output against
# the onnxruntime reference, times it with `zellige run --threads 1 --repeat R`
# and times OpenBLAS's cblas_sgemm with build/bin/sgemm_openblas in the same
# run. It prints a table (or, with --markdown, one to paste into
# docs/performance.md together with the machine and the date).
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


def bench_size(args, n, work):
    name = "matmul%d" % n
    if name not in make_models.MODELS:
        raise BenchError("no model %s in make_models.py" % name)
    mdir = make_models.write_model(name, work, verbose=False)
    bundle = os.path.join(mdir, "model.zlg")
    out_dir = os.path.join(mdir, "out")
    flops = 2.0 * n * n * n
    row = {"n": n}

    run([args.zellige, "compile", os.path.join(mdir, "model.onnx"),
         "--target", "host", "-o", bundle], args.timeout)
    text = run([args.zellige, "run", bundle, "--device", "host",
                "--threads", str(args.threads), "--repeat", str(args.repeat),
                "--input", "a=" + os.path.join(mdir, "a.npy"),
                "--input", "b=" + os.path.join(mdir, "b.npy"),
                "--output-dir", out_dir], args.timeout)
    got = np.load(os.path.join(out_dir, "c.npy"))
    ref = np.load(os.path.join(mdir, "c.ref.npy"))
    if got.shape != ref.shape or not np.allclose(got, ref, rtol=1e-3,
                                                 atol=1e-5):
        raise BenchError("zellige's %s output differs from the reference "
                         "(max abs error %g); not timing a wrong kernel" %
                         (name, float(np.abs(got - ref).max())
                          if got.shape == ref.shape else float("nan")))
    row["zlg_ms"], row["zlg_min"] = parse_latency(text, "zellige run")
    row["zlg_gflops"] = flops / (row["zlg_ms"] * 1e-3) / 1e9

    if args.openblas:
        text = run([args.openblas, str(n), str(n), str(n), "--repeat",
                    str(args.repeat), "--threads", str(args.threads)],
                   args.timeout)
        row["blas_ms"], row["blas_min"] = parse_latency(text, "sgemm_openblas")
        row["blas_gflops"] = flops / (row["blas_ms"] * 1e-3) / 1e9
    return row


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


def print_table(rows, args):
    has_blas = any("blas_ms" in r for r in rows)
    header = ["size", "zellige ms", "zellige GFLOP/s", "OpenBLAS ms",
              "OpenBLAS GFLOP/s", "zellige/OpenBLAS time"]
    lines = []
    for r in rows:
        ratio = ("%.2fx" % (r["zlg_ms"] / r["blas_ms"])
                 if "blas_ms" in r else "n/a")
        lines.append(["%d^3" % r["n"], fmt(r, "zlg_ms", "%.3f"),
                      fmt(r, "zlg_gflops", "%.1f"), fmt(r, "blas_ms", "%.3f"),
                      fmt(r, "blas_gflops", "%.1f"), ratio])
    if args.markdown:
        print("Host f32 matmul, %d thread(s), median of %d runs "
              "(bench/matmul.py)\n" % (args.threads, args.repeat))
        print("- Machine: %s, %d logical CPUs, %s" %
              (cpu_name(), os.cpu_count() or 0, platform.platform()))
        print("- Date: %s" % datetime.date.today().isoformat())
        print("- Reference: OpenBLAS cblas_sgemm in the same run%s\n" %
              ("" if has_blas else " (not available: build sgemm_openblas)"))
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        for l in lines:
            print("| " + " | ".join(l) + " |")
        return
    widths = [max(len(h), *(len(l[i]) for l in lines))
              for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for l in lines:
        print("  ".join(c.rjust(w) for c, w in zip(l, widths)))


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Time zellige's host matmul against OpenBLAS sgemm.")
    p.add_argument("--zellige", default=os.path.join(ROOT, "build", "bin",
                                                     "zellige"))
    p.add_argument("--openblas", default=os.path.join(ROOT, "build", "bin",
                                                      "sgemm_openblas"),
                   help="sgemm_openblas binary ('' to skip)")
    p.add_argument("--sizes", default="512,1024",
                   help="comma-separated N for N^3 matmuls")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--markdown", action="store_true",
                   help="print a Markdown table for docs/performance.md")
    p.add_argument("--keep", metavar="DIR", help="keep models and bundles here")
    args = p.parse_args(argv)

    if args.openblas and not os.path.isfile(args.openblas):
        print("matmul.py: warning: %s not found (build the sgemm_openblas "
              "target); skipping the OpenBLAS reference" % args.openblas,
              file=sys.stderr)
        args.openblas = ""
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s]
    except ValueError:
        p.error("--sizes takes comma-separated integers")

    work = args.keep or tempfile.mkdtemp(prefix="zellige-bench-")
    os.makedirs(work, exist_ok=True)
    rows = []
    try:
        for n in sizes:
            print("matmul %d^3 ..." % n, file=sys.stderr, flush=True)
            rows.append(bench_size(args, n, work))
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
