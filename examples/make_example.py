#!/usr/bin/env python3
# ===- make_example.py - Generate the quick-start CNN example ----------------===#
#
# This file implements the generator of examples/cnn: a small ResNet-style
# image classifier (Conv+BatchNorm+Relu stem, MaxPool, two residual blocks,
# GlobalAveragePool, Gemm to 10 classes) with seeded weights, one seeded
# 1x3x32x32 input image, and the onnxruntime reference logits. The model is the
# resnet_small builder of scripts/models/make_models.py with its own seed, so
# the example and the end-to-end tests share one definition.
#
# Writes examples/cnn/{model.onnx,input.npy,logits.ref.npy}. The outputs are
# deterministic; they are committed so the quick start needs no generation.
#
# ===------------------------------------------------------------------------===#

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts", "models"))

import make_models  # noqa: E402

SEED = 2024
CLASSES = 10


def main(argv=None):
    p = argparse.ArgumentParser(description="Generate examples/cnn.")
    p.add_argument("--out", default=os.path.join(HERE, "cnn"),
                   help="output directory (default: examples/cnn)")
    args = p.parse_args(argv)

    import onnx

    g = make_models.GraphBuilder("cnn_classifier", np.random.default_rng(SEED))
    make_models.resnet_small(g, classes=CLASSES)
    model = g.model(17)
    onnx.checker.check_model(model, full_check=True)

    os.makedirs(args.out, exist_ok=True)
    onnx.save(model, os.path.join(args.out, "model.onnx"))
    image = g.input_values["input"]
    np.save(os.path.join(args.out, "input.npy"), image)

    ref = make_models.onnxruntime_reference(model, {"input": image})["logits"]
    check = make_models.numpy_reference(model, {"input": image})["logits"]
    if not np.allclose(ref, check, rtol=1e-4, atol=1e-5):
        print("make_example.py: error: onnxruntime and numpy disagree",
              file=sys.stderr)
        return 1
    np.save(os.path.join(args.out, "logits.ref.npy"), ref.astype(np.float32))
    top = np.argsort(-ref[0])[:5]
    print("wrote %s (input 'input' 1x3x32x32, output 'logits' 1x%d); "
          "reference top-5: %s" % (args.out, CLASSES, ", ".join(
              "%d (%.3f)" % (i, ref[0, i]) for i in top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
