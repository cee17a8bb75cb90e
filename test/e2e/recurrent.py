#!/usr/bin/env python3
"""RNN, GRU and LSTM (unrolled by the importer) against onnxruntime.

Usage: recurrent.py --zellige BIN --target host|opencl --work DIR

Builds bidirectional RNN, GRU and LSTM layers with per-batch sequence
lengths, and a reverse GRU with linear_before_reset, from seeded weights;
compiles each for the target, runs it on the target's device and compares
every output with onnxruntime's (CPU) within atol 1e-5 + rtol 1e-4. (Batch-first layout is covered by the
ONNX node tests: onnxruntime does not run it.)
Exits 1 on any mismatch or error.
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper

CASES = [
    ("RNN", 1, dict(direction="bidirectional"), True),
    ("GRU", 3, dict(direction="bidirectional"), True),
    ("LSTM", 4, dict(direction="bidirectional"), True),
    ("GRU", 3, dict(direction="reverse", linear_before_reset=1), False),
]


def build(op, gates, attrs, with_lens, rng):
    seq, batch, inp, hidden = 4, 3, 5, 6
    dirs = 2 if attrs.get("direction") == "bidirectional" else 1
    x_shape = (seq, batch, inp)
    feeds = {
        "X": rng.standard_normal(x_shape).astype(np.float32),
        "W": (rng.standard_normal((dirs, gates * hidden, inp)) * 0.5).astype(
            np.float32),
        "R": (rng.standard_normal((dirs, gates * hidden, hidden)) *
              0.5).astype(np.float32),
        "B": (rng.standard_normal((dirs, 2 * gates * hidden)) * 0.1).astype(
            np.float32),
    }
    if with_lens:
        feeds["lens"] = np.array([4, 2, 3], np.int32)
    outs = ["Y", "Y_h"] + (["Y_c"] if op == "LSTM" else [])
    node = helper.make_node(op, list(feeds), outs, hidden_size=hidden,
                            **attrs)
    elem = {np.dtype(np.float32): T.FLOAT, np.dtype(np.int32): T.INT32}
    graph = helper.make_graph(
        [node], op.lower(),
        [helper.make_tensor_value_info(n, elem[v.dtype], list(v.shape))
         for n, v in feeds.items()],
        [helper.make_tensor_value_info(o, T.FLOAT, None) for o in outs])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    return model, feeds, outs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zellige", required=True)
    parser.add_argument("--target", default="host")
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    import onnxruntime as ort

    os.makedirs(args.work, exist_ok=True)
    rng = np.random.default_rng(11)
    failures = 0
    for index, (op, gates, attrs, with_lens) in enumerate(CASES):
        name = "%d_%s" % (index, op.lower())
        model, feeds, outs = build(op, gates, attrs, with_lens, rng)
        path = os.path.join(args.work, name + ".onnx")
        onnx.save(model, path)
        ref = ort.InferenceSession(
            path, providers=["CPUExecutionProvider"]).run(None, feeds)
        bundle = os.path.join(args.work, name + ".zlg")
        out_dir = os.path.join(args.work, name + "_out")
        cmd = [args.zellige, "compile", path, "--target", args.target, "-o",
               bundle]
        run = [args.zellige, "run", bundle, "--device", args.target,
               "--output-dir", out_dir]
        for n, v in feeds.items():
            np.save(os.path.join(args.work, "%s_%s.npy" % (name, n)), v)
            run += ["--input", "%s=%s" % (
                n, os.path.join(args.work, "%s_%s.npy" % (name, n)))]
        for c in (cmd, run):
            proc = subprocess.run(c, capture_output=True, text=True)
            if proc.returncode != 0:
                print("FAIL %s %s: %s" % (op, attrs, proc.stderr.strip()))
                failures += 1
                break
        else:
            errors, ok = [], True
            for o, r in zip(outs, ref):
                got = np.load(os.path.join(out_dir, o + ".npy"))
                if got.shape != r.shape:
                    errors.append("%s shape %s, expected %s" % (o, got.shape,
                                                               r.shape))
                    ok = False
                    continue
                errors.append("%s max abs error %.1e" % (
                    o, float(np.abs(got - r).max())))
                ok = ok and np.allclose(got, r, atol=1e-5, rtol=1e-4)
            failures += 0 if ok else 1
            print("%s %s %s lens=%s: %s" % ("PASS" if ok else "FAIL", op,
                                            attrs, with_lens,
                                            "; ".join(errors)))
    print("%d of %d recurrent cases passed" % (len(CASES) - failures,
                                                len(CASES)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
