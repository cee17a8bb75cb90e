#!/usr/bin/env python3
"""Compiles a model for a GPU target with --dump-kernels and checks every
dumped kernel with the vendor's own tool: ptxas for .ptx, nvcc -c for .cu,
spirv-val for .spv. Exits 77 (skipped) when the tool is not installed."""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile


def tool(name):
    cuda_bin = os.path.join(os.environ.get("CUDA_HOME", "/usr/local/cuda"),
                            "bin")
    return shutil.which(name) or shutil.which(name, path=cuda_bin)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("model")
    p.add_argument("--zellige", required=True)
    p.add_argument("--target", required=True, choices=["cuda", "spirv"])
    p.add_argument("--arch", help="cuda: sm_XX")
    args = p.parse_args()

    checks = {"cuda": [("ptx", "ptxas"), ("cu", "nvcc")],
              "spirv": [("spv", "spirv-val")]}[args.target]
    tools = {ext: tool(name) for ext, name in checks}
    if not all(tools.values()):
        missing = [name for ext, name in checks if not tools[ext]]
        print("SKIP: %s not installed" % ", ".join(missing))
        return 77

    with tempfile.TemporaryDirectory(prefix="zellige-kernels-") as work:
        cmd = [args.zellige, "compile", args.model, "--target", args.target,
               "--compile-only", "--dump-kernels", work]
        if args.arch:
            cmd += ["--arch", args.arch]
        print("+ " + " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        failures = 0
        for ext, name in checks:
            files = sorted(glob.glob(os.path.join(work, "*." + ext)))
            if not files:
                print("FAIL: no .%s files were dumped" % ext)
                return 1
            for f in files:
                if name == "ptxas":
                    c = [tools[ext], "-arch=" + args.arch, f, "-o",
                         os.path.join(work, "k.cubin")]
                elif name == "nvcc":
                    c = [tools[ext], "-c", "-arch=" + args.arch, f, "-o",
                         os.path.join(work, "k.o")]
                else:
                    c = [tools[ext], f]
                r = subprocess.run(c, capture_output=True, text=True)
                if r.returncode:
                    failures += 1
                    print("FAIL: %s %s\n%s" % (name, os.path.basename(f),
                                               r.stderr))
            print("%s: %d .%s files checked" % (name, len(files), ext))
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
