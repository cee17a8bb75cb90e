#!/usr/bin/env python3
"""Compiles a model for a graph-compiler target (ascend, cambricon) and checks
the package --dump-kernels writes: model.onnx passes the ONNX checker (the
onnx module's full check when it is installed, else Zellige's own importer,
which runs libonnx's checker and shape inference), computes what the input
model computes (onnxruntime, when installed), and the build command names
model.onnx and the profile's architecture. Also checks that the bundle
carries the graph and that `zellige run` reports the missing driver."""

import argparse
import os
import subprocess
import sys
import tempfile

SRC_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def profile_arch(profile):
    path = profile if profile.endswith(".toml") else os.path.join(
        SRC_ROOT, "targets", "profiles", profile + ".toml")
    import tomllib
    with open(path, "rb") as f:
        return tomllib.load(f)["arch"]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("model")
    p.add_argument("--zellige", required=True)
    p.add_argument("--target", required=True, choices=["ascend", "cambricon"])
    p.add_argument("--profile", required=True)
    args = p.parse_args()
    arch = profile_arch(args.profile)
    failures = []

    with tempfile.TemporaryDirectory(prefix="zellige-package-") as work:
        pkg = os.path.join(work, "pkg")
        bundle = os.path.join(work, "model.zlg")
        cmd = [args.zellige, "compile", args.model, "--target", args.target,
               "--profile", args.profile, "-o", bundle, "--dump-kernels", pkg]
        print("+ " + " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        exported = os.path.join(pkg, "model.onnx")
        script = "atc.sh" if args.target == "ascend" else "build_magicmind.py"
        for name in ["model.onnx", "README.md", script]:
            if not os.path.isfile(os.path.join(pkg, name)):
                failures.append("no %s in the package" % name)
        if failures:
            print("FAIL: " + "; ".join(failures))
            return 1

        with open(os.path.join(pkg, script)) as f:
            text = f.read()
        if args.target == "ascend":
            line = [l for l in text.splitlines() if l.startswith("atc ")]
            want = ["--model=model.onnx", "--framework=5", "--output=model",
                    "--soc_version=" + arch]
            if len(line) != 1 or not all(w in line[0].split() for w in want):
                failures.append("atc.sh: expected one `atc %s ...` line, got "
                                "%r" % (" ".join(want), line))
        else:
            want = ['ARCH = "%s"' % arch, "Parser(mm.ModelKind.kOnnx)",
                    '"model.onnx"', "mm.BuilderConfig()",
                    "config.parse_from_string('{\"archs\": [\"%s\"]}' % ARCH)",
                    "build_model(", "serialize_to_file("]
            failures += ["build_magicmind.py lacks %r" % w
                         for w in want if w not in text]
            compile(text, script, "exec")

        try:
            import onnx
            onnx.checker.check_model(onnx.load(exported), full_check=True)
            print("onnx.checker: %s passes (full check)" % exported)
        except ImportError:
            r = subprocess.run([args.zellige, "compile", exported, "--target",
                                "host", "--emit", "onnx"],
                               capture_output=True, text=True)
            if r.returncode:
                failures.append("Zellige cannot import the exported model:\n"
                                + r.stderr)
            else:
                print("zellige import (libonnx checker): %s passes" % exported)
        except Exception as e:  # onnx.checker.ValidationError and friends
            failures.append("onnx.checker: %s" % e)

        try:
            import numpy as np
            import onnxruntime as ort
            ref = ort.InferenceSession(args.model,
                                       providers=["CPUExecutionProvider"])
            out = ort.InferenceSession(exported,
                                       providers=["CPUExecutionProvider"])
            rng = np.random.default_rng(0)
            feeds = {}
            for i in ref.get_inputs():
                shape = [d if isinstance(d, int) else 1 for d in i.shape]
                feeds[i.name] = rng.standard_normal(shape).astype(np.float32)
            if all(np.allclose(a, b, rtol=1e-5, atol=1e-5) for a, b in
                   zip(ref.run(None, feeds), out.run(None, feeds))):
                print("onnxruntime: the exported model matches the input "
                      "model")
            else:
                failures.append("the exported model computes other outputs "
                                "than the input model")
        except ImportError:
            print("onnxruntime not installed: outputs not compared")

        r = subprocess.run([args.zellige, "run", bundle, "--device",
                            args.target], capture_output=True, text=True)
        name = {"ascend": "Ascend", "cambricon": "Cambricon"}[args.target]
        if r.returncode == 0 or ("no %s driver" % name) not in r.stderr:
            failures.append("zellige run: expected 'no %s driver', got:\n%s"
                            % (name, r.stderr))

    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("PASS: %s package for %s" % (args.target, args.profile))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
