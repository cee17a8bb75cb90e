#!/usr/bin/env python3
# ===- tuned_vs_untuned.py - A tuned build against the untuned one ---------===#
#
# This file implements the benchmark behind the autotuner's figures in
# docs/performance.md. For one model folder (model.onnx, inputs NAME.npy and
# onnxruntime references NAME.ref.npy, as scripts/models/make_models.py
# writes them) it compiles the model twice for a target, without and with
# `--tuning-db`, checks both builds' outputs against the references, then
# runs `zellige run --repeat R` on the two bundles alternately, N times each,
# in the same session, and reports the median of the per-run medians and
# their ratio.
#
# Not part of ctest: timings are reported, never asserted.
#
# ===------------------------------------------------------------------------===#

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

LATENCY_RE = re.compile(r"latency: median ([0-9.eE+-]+) ms")


def sh(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("failed (%d): %s\n%s%s" % (r.returncode, " ".join(cmd),
                                            r.stdout, r.stderr))
    return r.stdout + r.stderr


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("model_dir")
    p.add_argument("--db", required=True, help="the tuning database")
    p.add_argument("--zellige", default="build/bin/zellige")
    p.add_argument("--target", default="opencl")
    p.add_argument("--device", default="opencl")
    p.add_argument("--runs", type=int, default=20,
                   help="invocations of each build, alternating")
    p.add_argument("--repeat", type=int, default=5,
                   help="timed runs per invocation (its median counts)")
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("--atol", type=float, default=1e-5)
    args = p.parse_args()

    model = os.path.join(args.model_dir, "model.onnx")
    files = sorted(os.listdir(args.model_dir))
    inputs = [f for f in files if f.endswith(".npy") and
              not f.endswith(".ref.npy")]
    refs = [f for f in files if f.endswith(".ref.npy")]
    input_args = []
    for f in inputs:
        input_args += ["--input", "%s=%s" % (f[:-4],
                                             os.path.join(args.model_dir, f))]

    with tempfile.TemporaryDirectory(prefix="zellige-tuned-bench") as work:
        builds = {}
        for name, extra in (("untuned", []),
                            ("tuned", ["--tuning-db", args.db, "--device",
                                       args.device])):
            bundle = os.path.join(work, name + ".zlg")
            sh([args.zellige, "compile", model, "--target", args.target,
                "-o", bundle, *extra])
            builds[name] = bundle
            out_dir = os.path.join(work, name + "-out")
            sh([args.zellige, "run", bundle, "--device", args.device,
                "--output-dir", out_dir, *input_args])
            worst = 0.0
            for ref in refs:
                want = np.load(os.path.join(args.model_dir, ref))
                got = np.load(os.path.join(out_dir, ref[:-len(".ref.npy")] +
                                           ".npy"))
                if got.shape != want.shape or not np.allclose(
                        got, want, rtol=args.rtol, atol=args.atol):
                    sys.exit("%s: %s differs from the reference (max abs "
                             "error %g)" % (name, ref, np.max(np.abs(
                                 got.astype(np.float64) - want))))
                worst = max(worst, float(np.max(np.abs(
                    got.astype(np.float64) - want))))
            print("%s build matches the reference (max abs error %.3g)" %
                  (name, worst))

        times = {"untuned": [], "tuned": []}
        for i in range(args.runs):
            order = ("untuned", "tuned") if i % 2 == 0 else ("tuned",
                                                             "untuned")
            for name in order:
                out = sh([args.zellige, "run", builds[name], "--device",
                          args.device, "--repeat", str(args.repeat),
                          "--warmup", "1", *input_args])
                m = LATENCY_RE.search(out)
                if not m:
                    sys.exit("no latency in:\n" + out)
                times[name].append(float(m.group(1)))
            print("run %2d: untuned %.3f ms, tuned %.3f ms" %
                  (i + 1, times["untuned"][-1], times["tuned"][-1]),
                  flush=True)
        u = statistics.median(times["untuned"])
        t = statistics.median(times["tuned"])
        print("\nmedian of %d runs: untuned %.3f ms, tuned %.3f ms, "
              "speed-up %.2fx" % (args.runs, u, t, u / t))
        print("| %s | %s | %.3f | %.3f | %.2fx |" %
              (os.path.basename(os.path.normpath(args.model_dir)),
               args.device, u, t, u / t))


if __name__ == "__main__":
    main()
