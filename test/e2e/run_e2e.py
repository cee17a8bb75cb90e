#!/usr/bin/env python3
# ===- run_e2e.py - Compile, run and check one end-to-end model --------------===#
#
# This file implements the end-to-end check for one model directory written by
# scripts/models/make_models.py: it compiles model.onnx with `zellige compile`,
# runs the bundle with `zellige run` on the model's input .npy files, and
# compares every output against its <output>.ref.npy with np.allclose
# semantics (default rtol 1e-3, atol 1e-5).
#
# Exit status: 0 when every output matches; 1 on a mismatch, a missing or
# malformed output, or a failing tool (the failing command and its stderr are
# printed); 2 on bad usage.
#
# ===------------------------------------------------------------------------===#

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import numpy as np

# Targets whose runtime device has a different name than the target.
DEVICE_FOR_TARGET = {"host": "host", "cuda": "cuda", "opencl": "opencl"}


class Failure(Exception):
    pass


def graph_io(model_path):
    """Returns (input names, output names) of the ONNX graph."""
    import onnx

    model = onnx.load(model_path, load_external_data=False)
    inits = {t.name for t in model.graph.initializer}
    ins = [i.name for i in model.graph.input if i.name not in inits]
    outs = [o.name for o in model.graph.output]
    return ins, outs


def run_tool(cmd, timeout):
    print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              errors="replace", timeout=timeout)
    except FileNotFoundError as e:
        raise Failure("cannot execute %s: %s" % (cmd[0], e.strerror))
    except subprocess.TimeoutExpired:
        raise Failure("command timed out after %ss:\n  %s" %
                      (timeout, " ".join(shlex.quote(c) for c in cmd)))
    if proc.returncode != 0:
        how = ("killed by signal %d" % -proc.returncode if proc.returncode < 0
               else "exit status %d" % proc.returncode)
        raise Failure("command failed (%s):\n  %s\n--- stderr ---\n%s"
                      "--- stdout ---\n%s" %
                      (how, " ".join(shlex.quote(c) for c in cmd),
                       proc.stderr, proc.stdout))
    return proc


def compare(name, got, ref, rtol, atol):
    """Returns None when `got` matches `ref`, else a description."""
    if got.dtype != ref.dtype:
        return "%s: dtype %s, expected %s" % (name, got.dtype, ref.dtype)
    if got.shape != ref.shape:
        return "%s: shape %s, expected %s" % (name, list(got.shape),
                                              list(ref.shape))
    g64, r64 = got.astype(np.float64), ref.astype(np.float64)
    bad = ~np.isclose(g64, r64, rtol=rtol, atol=atol)
    if not bad.any():
        return None
    abs_err = np.abs(g64 - r64)
    rel_err = abs_err / np.maximum(np.abs(r64), np.finfo(np.float32).tiny)
    worst = np.unravel_index(np.argmax(np.where(bad, abs_err, -1)), ref.shape)
    nan_note = ""
    if np.isnan(g64).any():
        nan_note = ", %d NaN" % int(np.isnan(g64).sum())
    return ("%s: %d of %d elements differ (rtol %g, atol %g%s); max abs "
            "error %.3e, max rel error %.3e; worst at %s: got %r, expected %r"
            % (name, int(bad.sum()), bad.size, rtol, atol, nan_note,
               np.nanmax(abs_err), np.nanmax(rel_err), list(map(int, worst)),
               float(g64[worst]), float(r64[worst])))


def check_model(args, model_dir, work):
    model = os.path.join(model_dir, "model.onnx")
    if not os.path.isfile(model):
        raise Failure("no model.onnx in %s (generate it with "
                      "scripts/models/make_models.py)" % model_dir)
    inputs, outputs = graph_io(model)
    for name in inputs:
        if not os.path.isfile(os.path.join(model_dir, name + ".npy")):
            raise Failure("missing input file %s.npy in %s" % (name, model_dir))
    for name in outputs:
        if not os.path.isfile(os.path.join(model_dir, name + ".ref.npy")):
            raise Failure("missing reference %s.ref.npy in %s" %
                          (name, model_dir))

    bundle = os.path.join(work, "model.zlg")
    out_dir = os.path.join(work, "outputs")
    os.makedirs(out_dir, exist_ok=True)
    run_tool([args.zellige, "compile", model, "--target", args.target,
              "-o", bundle] + args.compile_arg, args.timeout)
    if not os.path.isfile(bundle):
        raise Failure("`zellige compile` exited 0 but wrote no %s" % bundle)

    cmd = [args.zellige, "run", bundle, "--device",
           args.device or DEVICE_FOR_TARGET.get(args.target, args.target),
           "--output-dir", out_dir]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    for name in inputs:
        cmd += ["--input", "%s=%s" % (name, os.path.join(model_dir,
                                                         name + ".npy"))]
    proc = run_tool(cmd + args.run_arg, args.timeout)
    if proc.stdout.strip():
        print(proc.stdout.rstrip())
    # With --device auto, `zellige run` says on stderr which device it chose.
    for line in proc.stderr.splitlines():
        if line.startswith("zellige: running on"):
            print(line)

    problems = []
    for name in outputs:
        path = os.path.join(out_dir, name + ".npy")
        if not os.path.isfile(path):
            problems.append("%s: `zellige run` wrote no %s" % (name, path))
            continue
        try:
            got = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as e:
            problems.append("%s: cannot read %s: %s" % (name, path, e))
            continue
        ref = np.load(os.path.join(model_dir, name + ".ref.npy"))
        msg = compare(name, got, ref, args.rtol, args.atol)
        if msg:
            problems.append(msg)
        else:
            err = np.abs(got.astype(np.float64) - ref.astype(np.float64))
            print("ok %s %s: max abs error %.3e" % (name, list(ref.shape),
                                                  err.max() if err.size else 0))
    if problems:
        raise Failure("output mismatch for %s:\n  %s" %
                      (model_dir, "\n  ".join(problems)))


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Compile and run one model directory with zellige and "
        "compare its outputs with the onnxruntime references.")
    p.add_argument("model_dir", help="directory with model.onnx, <input>.npy "
                   "and <output>.ref.npy")
    p.add_argument("--zellige", default=os.environ.get("ZELLIGE", "zellige"),
                   help="path of the zellige CLI (default: $ZELLIGE or PATH)")
    p.add_argument("--target", default="host", help="compile target")
    p.add_argument("--device", help="run device (default: from the target)")
    p.add_argument("--threads", type=int, help="pass --threads N to run")
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--timeout", type=float, default=300,
                   help="seconds allowed per tool invocation")
    p.add_argument("--compile-arg", action="append", default=[],
                   help="extra argument for `zellige compile` (repeatable)")
    p.add_argument("--run-arg", action="append", default=[],
                   help="extra argument for `zellige run` (repeatable)")
    p.add_argument("--keep", metavar="DIR",
                   help="keep the bundle and outputs in DIR")
    args = p.parse_args(argv)

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        work = args.keep
    else:
        work = tempfile.mkdtemp(prefix="zellige-e2e-")
    try:
        check_model(args, os.path.abspath(args.model_dir), work)
    except Failure as e:
        print("FAIL: %s" % e, file=sys.stderr, flush=True)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("PASS: %s (target %s)" % (os.path.basename(
        os.path.abspath(args.model_dir)), args.target))
    return 0


if __name__ == "__main__":
    sys.exit(main())
