#!/usr/bin/env python3
# ===- make_models.py - Seeded ONNX test models with references -------------===#
#
# This file implements the generators for Zellige's end-to-end test models and
# benchmark models. Each model is built with onnx.helper from weights drawn
# from a seeded numpy generator, so every run writes the same bytes. For each
# model NAME the CLI writes into OUTDIR/NAME/:
#
#   model.onnx          the model (static shapes, opset 17 unless said)
#   <input>.npy         one file per graph input, named after the input
#   <output>.ref.npy    the reference output, from onnxruntime (CPU EP,
#                       one thread, graph optimizations off)
#
# Every reference is cross-checked against a float64 numpy interpreter of the
# ops used here (see NumpyInterpreter), so a wrong reference fails loudly at
# generation time instead of showing up as a compiler "bug".
#
# Usage:
#   make_models.py OUTDIR [--only NAME ...] [--all] [--list] [--no-ref]
#
# It is also importable: build_model(name) returns (ModelProto, inputs) and
# write_model(name, outdir) writes one model directory.
#
# ===------------------------------------------------------------------------===#

import argparse
import math
import os
import sys

import numpy as np


class ModelSpec:
    """One registered model: how to build it and how to treat it."""

    def __init__(self, name, builder, seed, opset, bench_only, doc):
        self.name = name
        self.builder = builder
        self.seed = seed
        self.opset = opset
        self.bench_only = bench_only
        self.doc = doc


MODELS = {}


def register(name, seed, opset=17, bench_only=False):
    def wrap(fn):
        MODELS[name] = ModelSpec(name, fn, seed, opset, bench_only,
                                 (fn.__doc__ or "").strip().splitlines()[0])
        return fn

    return wrap


# ---------------------------------------------------------------------------
# Graph building helpers
# ---------------------------------------------------------------------------


class GraphBuilder:
    """A thin layer over onnx.helper that names nodes and draws weights."""

    def __init__(self, name, rng):
        self.name = name
        self.rng = rng
        self.nodes = []
        self.initializers = []
        self.inputs = []
        self.outputs = []
        self.input_values = {}
        self._names = set()

    def _fresh(self, base):
        name, k = base, 1
        while name in self._names:
            k += 1
            name = "%s_%d" % (base, k)
        self._names.add(name)
        return name

    def input(self, name, shape, data=None):
        """Declares a float32 graph input and draws its N(0,1) test value."""
        from onnx import TensorProto, helper

        self.inputs.append(
            helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)))
        if data is None:
            data = self.rng.standard_normal(shape)
        self.input_values[name] = np.ascontiguousarray(data, dtype=np.float32)
        self._names.add(name)
        return name

    def output(self, value, shape):
        from onnx import TensorProto, helper

        self.outputs.append(
            helper.make_tensor_value_info(value, TensorProto.FLOAT, list(shape)))

    def const(self, name, array):
        from onnx import numpy_helper

        name = self._fresh(name)
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, name, shape, fan_in, gain=2.0):
        """A float32 weight with variance gain/fan_in (He init for gain 2)."""
        std = math.sqrt(gain / fan_in)
        return self.const(name,
                          (self.rng.standard_normal(shape) * std).astype(np.float32))

    def small(self, name, shape, scale=0.1):
        return self.const(name,
                          (self.rng.standard_normal(shape) * scale).astype(np.float32))

    def uniform(self, name, shape, low, high):
        return self.const(name,
                          self.rng.uniform(low, high, shape).astype(np.float32))

    def scalar(self, name, value):
        return self.const(name, np.array(value, dtype=np.float32))

    def node(self, op, inputs, name, domain=None, **attrs):
        """Adds one node with a single output named '<name>_out'."""
        from onnx import helper

        name = self._fresh(name)
        out = self._fresh(name + "_out")
        kwargs = {"name": name}
        if domain is not None:
            kwargs["domain"] = domain
        self.nodes.append(helper.make_node(op, list(inputs), [out], **kwargs,
                                           **attrs))
        return out

    def rename_last_output(self, new_name):
        """Gives the last node's output a public name (used for graph outputs)."""
        node = self.nodes[-1]
        self._names.add(new_name)
        node.output[0] = new_name
        return new_name

    def model(self, opset, extra_opsets=()):
        from onnx import helper

        graph = helper.make_graph(self.nodes, self.name, self.inputs,
                                  self.outputs, self.initializers)
        opsets = [helper.make_opsetid("", opset)]
        opsets += [helper.make_opsetid(d, v) for d, v in extra_opsets]
        model = helper.make_model(graph, opset_imports=opsets,
                                  producer_name="zellige-make-models")
        # Keep the IR version at one that libonnx 1.12 and onnxruntime both
        # read (IR 8 is what opset 17 shipped with).
        model.ir_version = 8
        return model

    # Layer helpers -------------------------------------------------------

    def conv(self, x, cin, cout, k, name, stride=1, pad=None, group=1,
             bias=True, gain=2.0):
        if pad is None:
            pad = k // 2
        fan_in = (cin // group) * k * k
        w = self.weight(name + "_w", (cout, cin // group, k, k), fan_in, gain)
        inputs = [x, w]
        if bias:
            inputs.append(self.small(name + "_b", (cout,)))
        return self.node("Conv", inputs, name, kernel_shape=[k, k],
                         strides=[stride, stride], pads=[pad] * 4, group=group)

    def batchnorm(self, x, c, name):
        scale = self.uniform(name + "_scale", (c,), 0.5, 1.5)
        bias = self.small(name + "_bias", (c,))
        mean = self.small(name + "_mean", (c,))
        var = self.uniform(name + "_var", (c,), 0.5, 1.5)
        return self.node("BatchNormalization", [x, scale, bias, mean, var],
                         name, epsilon=1e-5)

    def linear(self, x, din, dout, name, gain=1.0):
        """MatMul + Add, the way exporters write a Linear layer."""
        w = self.weight(name + "_w", (din, dout), din, gain)
        b = self.small(name + "_b", (dout,))
        y = self.node("MatMul", [x, w], name)
        return self.node("Add", [y, b], name + "_bias")

    def relu6(self, x, name):
        lo = self.scalar(name + "_min", 0.0)
        hi = self.scalar(name + "_max", 6.0)
        return self.node("Clip", [x, lo, hi], name)

    def layernorm(self, x, d, name):
        g = self.uniform(name + "_scale", (d,), 0.8, 1.2)
        b = self.small(name + "_bias", (d,))
        return self.node("LayerNormalization", [x, g, b], name, axis=-1,
                         epsilon=1e-5)

    def classifier(self, x, c, classes, name):
        """GlobalAveragePool, Flatten and a Gemm head."""
        gap = self.node("GlobalAveragePool", [x], name + "_gap")
        flat = self.node("Flatten", [gap], name + "_flatten", axis=1)
        w = self.weight(name + "_fc_w", (classes, c), c, 1.0)
        b = self.small(name + "_fc_b", (classes,))
        return self.node("Gemm", [flat, w, b], name + "_fc", transB=1)


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------


def _mlp(g):
    x = g.input("x", (2, 64))
    h = g.linear(x, 64, 128, "fc1", gain=2.0)
    h = g.node("Relu", [h], "relu1")
    h = g.linear(h, 128, 10, "fc2")
    g.node("Softmax", [h], "softmax", axis=-1)
    g.output(g.rename_last_output("y"), (2, 10))


@register("mlp", seed=1)
def build_mlp(g):
    """MLP 64->128->10: MatMul, Add, Relu, MatMul, Add, Softmax (batch 2)."""
    _mlp(g)


@register("mlp_opset13", seed=2, opset=13)
def build_mlp_opset13(g):
    """The MLP at opset 13."""
    _mlp(g)


def _basic_block(g, x, cin, cout, stride, name):
    h = g.conv(x, cin, cout, 3, name + "_conv1", stride=stride, bias=False)
    h = g.batchnorm(h, cout, name + "_bn1")
    h = g.node("Relu", [h], name + "_relu1")
    h = g.conv(h, cout, cout, 3, name + "_conv2", bias=False)
    h = g.batchnorm(h, cout, name + "_bn2")
    skip = x
    if stride != 1 or cin != cout:
        skip = g.conv(x, cin, cout, 1, name + "_proj", stride=stride, pad=0)
    h = g.node("Add", [h, skip], name + "_add")
    return g.node("Relu", [h], name + "_relu2")


def resnet_small(g, classes=10):
    x = g.input("input", (1, 3, 32, 32))
    h = g.conv(x, 3, 16, 3, "stem_conv", bias=False)
    h = g.batchnorm(h, 16, "stem_bn")
    h = g.node("Relu", [h], "stem_relu")
    h = g.node("MaxPool", [h], "stem_pool", kernel_shape=[3, 3],
               strides=[2, 2], pads=[1, 1, 1, 1])  # 16x16x16
    h = _basic_block(g, h, 16, 16, 1, "block1")
    h = _basic_block(g, h, 16, 32, 2, "block2")  # 32x8x8
    g.classifier(h, 32, classes, "head")
    g.output(g.rename_last_output("logits"), (1, classes))


@register("resnet_small", seed=3)
def build_resnet_small(g):
    """Small ResNet: Conv+BN+Relu stem, MaxPool, 2 residual blocks, Gemm head."""
    resnet_small(g)


@register("cnn_opset13", seed=4, opset=13)
def build_cnn_opset13(g):
    """A small CNN at opset 13: Conv, BN, Relu, MaxPool, skip Add, Gemm, Softmax."""
    x = g.input("image", (1, 3, 16, 16))
    h = g.conv(x, 3, 8, 3, "conv1")
    h = g.batchnorm(h, 8, "bn1")
    h = g.node("Relu", [h], "relu1")
    h = g.node("MaxPool", [h], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    r = g.conv(h, 8, 8, 3, "conv2")
    r = g.node("Relu", [r], "relu2")
    h = g.node("Add", [h, r], "skip_add")
    h = g.classifier(h, 8, 10, "head")
    g.node("Softmax", [h], "softmax", axis=1)
    g.output(g.rename_last_output("probs"), (1, 10))


@register("mobilenet_block", seed=5)
def build_mobilenet_block(g):
    """MobileNet-style: depthwise, pointwise, grouped Conv, Relu6, HardSwish (batch 2)."""
    x = g.input("input", (2, 3, 32, 32))
    h = g.conv(x, 3, 16, 3, "stem_conv")
    h = g.relu6(h, "stem_relu6")
    h = g.conv(h, 16, 16, 3, "dw_conv", stride=2, group=16)  # 16x16x16
    h = g.relu6(h, "dw_relu6")
    h = g.conv(h, 16, 32, 1, "pw_conv", pad=0)
    h = g.node("HardSwish", [h], "pw_hardswish")
    h = g.conv(h, 32, 32, 3, "group_conv", group=4)
    h = g.relu6(h, "group_relu6")
    g.classifier(h, 32, 10, "head")
    g.output(g.rename_last_output("logits"), (2, 10))


@register("transformer_block", seed=6)
def build_transformer_block(g):
    """Pre-LN transformer encoder block: seq 16, d 64, 4 heads, Erf GELU MLP (batch 2)."""
    batch, seq, d, heads = 2, 16, 64, 4
    dh = d // heads
    x = g.input("x", (batch, seq, d))
    h = g.layernorm(x, d, "ln1")
    q = g.linear(h, d, d, "q_proj")
    k = g.linear(h, d, d, "k_proj")
    v = g.linear(h, d, d, "v_proj")
    # Q uses Reshape's 0 (copy) and -1 (infer) entries; K and V spell it out.
    q = g.node("Reshape", [q, g.const("q_heads_shape",
                                      np.array([0, 0, heads, -1], np.int64))],
               "q_heads")
    k = g.node("Reshape", [k, g.const("k_heads_shape",
                                      np.array([batch, seq, heads, dh], np.int64))],
               "k_heads")
    v = g.node("Reshape", [v, g.const("v_heads_shape",
                                      np.array([batch, seq, heads, dh], np.int64))],
               "v_heads")
    q = g.node("Transpose", [q], "q_transpose", perm=[0, 2, 1, 3])
    kt = g.node("Transpose", [k], "k_transpose", perm=[0, 2, 3, 1])
    v = g.node("Transpose", [v], "v_transpose", perm=[0, 2, 1, 3])
    s = g.node("MatMul", [q, kt], "scores")
    s = g.node("Div", [s, g.scalar("scale", math.sqrt(dh))], "scores_scale")
    p = g.node("Softmax", [s], "attn_softmax", axis=-1)
    c = g.node("MatMul", [p, v], "context")
    c = g.node("Transpose", [c], "context_transpose", perm=[0, 2, 1, 3])
    c = g.node("Reshape", [c, g.const("merge_shape",
                                      np.array([batch, seq, d], np.int64))],
               "context_merge")
    o = g.linear(c, d, d, "out_proj")
    h1 = g.node("Add", [x, o], "residual1")
    f = g.layernorm(h1, d, "ln2")
    f = g.linear(f, d, 4 * d, "ff1")
    e = g.node("Div", [f, g.scalar("sqrt2", math.sqrt(2.0))], "gelu_div")
    e = g.node("Erf", [e], "gelu_erf")
    e = g.node("Add", [e, g.scalar("one", 1.0)], "gelu_add")
    e = g.node("Mul", [f, e], "gelu_mul")
    e = g.node("Mul", [e, g.scalar("half", 0.5)], "gelu_half")
    f = g.linear(e, 4 * d, d, "ff2")
    g.node("Add", [h1, f], "residual2")
    g.output(g.rename_last_output("y"), (batch, seq, d))


def _matmul(g, n):
    # Entries with std n^-1/4 keep the outputs at unit scale, so float32
    # rounding stays far below the harness's atol for outputs near zero.
    std = n ** -0.25
    a = g.input("a", (n, n), g.rng.standard_normal((n, n)) * std)
    b = g.input("b", (n, n), g.rng.standard_normal((n, n)) * std)
    g.node("MatMul", [a, b], "matmul")
    g.output(g.rename_last_output("c"), (n, n))


@register("matmul512", seed=7)
def build_matmul512(g):
    """Bare 512x512x512 MatMul of two graph inputs a, b."""
    _matmul(g, 512)


@register("matmul1024", seed=8, bench_only=True)
def build_matmul1024(g):
    """Bare 1024x1024x1024 MatMul of two graph inputs a, b (benchmark only)."""
    _matmul(g, 1024)


# ---------------------------------------------------------------------------
# Numpy reference interpreter (float64) for cross-checking onnxruntime
# ---------------------------------------------------------------------------


def _attrs(node):
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, strides, pads, dilations, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    ho = (h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    wo = (wd + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    xg = xp.reshape(n, group, cg, xp.shape[2], xp.shape[3])
    wg = w.reshape(group, m // group, cg, kh, kw)
    out = np.zeros((n, group, m // group, ho, wo))
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilations[0], j * dilations[1]
            patch = xg[:, :, :, r0:r0 + strides[0] * (ho - 1) + 1:strides[0],
                       c0:c0 + strides[1] * (wo - 1) + 1:strides[1]]
            out += np.einsum("ngchw,gmc->ngmhw", patch, wg[:, :, :, i, j])
    out = out.reshape(n, m, ho, wo)
    if b is not None:
        out += b.reshape(1, m, 1, 1)
    return out


def _maxpool(x, kernel, strides, pads):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])),
                constant_values=-np.inf)
    ho = (h + pads[0] + pads[2] - kernel[0]) // strides[0] + 1
    wo = (w + pads[1] + pads[3] - kernel[1]) // strides[1] + 1
    out = np.full((n, c, ho, wo), -np.inf)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            out = np.maximum(out, xp[:, :, i:i + strides[0] * (ho - 1) + 1:strides[0],
                                     j:j + strides[1] * (wo - 1) + 1:strides[1]])
    return out


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _reshape(x, shape):
    shape = [x.shape[i] if s == 0 else int(s) for i, s in enumerate(shape)]
    return x.reshape(shape)


def numpy_reference(model, inputs):
    """Evaluates the model in float64 with numpy; returns {output: array}."""
    from onnx import numpy_helper

    env = {}
    for t in model.graph.initializer:
        value = numpy_helper.to_array(t)
        env[t.name] = value.astype(np.float64) if value.dtype == np.float32 \
            else value
    env.update({k: v.astype(np.float64) for k, v in inputs.items()})
    for node in model.graph.node:
        a = _attrs(node)
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "MatMul":
            y = np.matmul(ins[0], ins[1])
        elif op in ("Add", "Sub", "Mul", "Div"):
            y = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
                 "Div": np.divide}[op](ins[0], ins[1])
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op == "Erf":
            y = _erf(ins[0])
        elif op == "Clip":
            y = np.clip(ins[0], ins[1], ins[2])
        elif op == "HardSwish":
            y = ins[0] * np.clip(ins[0] / 6 + 0.5, 0, 1)
        elif op == "Softmax":
            y = _softmax(ins[0], a.get("axis", -1))
        elif op == "Conv":
            y = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                      a.get("strides", [1, 1]), a.get("pads", [0] * 4),
                      a.get("dilations", [1, 1]), a.get("group", 1))
        elif op == "BatchNormalization":
            x, s, b, m, v = ins
            sh = (1, -1) + (1,) * (x.ndim - 2)
            y = (x - m.reshape(sh)) / np.sqrt(v.reshape(sh) + a.get(
                "epsilon", 1e-5)) * s.reshape(sh) + b.reshape(sh)
        elif op == "MaxPool":
            y = _maxpool(ins[0], a["kernel_shape"], a.get("strides", [1, 1]),
                         a.get("pads", [0] * 4))
        elif op == "GlobalAveragePool":
            y = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            A = ins[0].T if a.get("transA", 0) else ins[0]
            B = ins[1].T if a.get("transB", 0) else ins[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + a.get("beta", 1.0) * ins[2]
        elif op == "LayerNormalization":
            x = ins[0]
            mu = x.mean(axis=-1, keepdims=True)
            var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
            y = (x - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * ins[1] + ins[2]
        elif op == "Reshape":
            y = _reshape(ins[0], ins[1])
        elif op == "Transpose":
            y = np.transpose(ins[0], a.get("perm"))
        else:
            raise NotImplementedError("numpy reference lacks op " + op)
        env[node.output[0]] = y
    return {o.name: env[o.name] for o in model.graph.output}


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def build_model(name):
    """Builds a registered model; returns (ModelProto, {input: ndarray})."""
    import onnx

    spec = MODELS[name]
    g = GraphBuilder(name, np.random.default_rng(spec.seed))
    spec.builder(g)
    model = g.model(spec.opset)
    onnx.checker.check_model(model, full_check=True)
    return model, g.input_values


def onnxruntime_reference(model, inputs):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(model.SerializeToString(), opts,
                                providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, inputs)))


def write_model(name, outdir, with_reference=True, verbose=True):
    """Writes OUTDIR/NAME/{model.onnx,<in>.npy,<out>.ref.npy}; returns the dir."""
    import onnx

    model, inputs = build_model(name)
    mdir = os.path.join(outdir, name)
    os.makedirs(mdir, exist_ok=True)
    onnx.save(model, os.path.join(mdir, "model.onnx"))
    for k, v in inputs.items():
        np.save(os.path.join(mdir, k + ".npy"), v)
    if not with_reference:
        return mdir
    refs = onnxruntime_reference(model, inputs)
    check = numpy_reference(model, inputs)
    for k, v in refs.items():
        err = np.abs(v.astype(np.float64) - check[k])
        if not np.allclose(v, check[k], rtol=1e-4, atol=1e-5):
            raise RuntimeError(
                "%s: onnxruntime and numpy disagree on '%s' (max abs err %g)"
                % (name, k, err.max()))
        np.save(os.path.join(mdir, k + ".ref.npy"), v.astype(np.float32))
        if verbose:
            print("  %s: %s %s, |ort - numpy| max %.2e" %
                  (k, v.dtype, list(v.shape), err.max()))
    return mdir


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Generate Zellige's seeded ONNX test models, their "
        "inputs and onnxruntime reference outputs.")
    p.add_argument("outdir", nargs="?", help="directory to write models into")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="generate only this model (repeatable)")
    p.add_argument("--all", action="store_true",
                   help="also generate benchmark-only models")
    p.add_argument("--list", action="store_true",
                   help="print the test model names (with --all: every model)")
    p.add_argument("--no-ref", action="store_true",
                   help="skip onnxruntime references")
    args = p.parse_args(argv)

    if args.list:
        for spec in MODELS.values():
            if args.all or not spec.bench_only:
                print(spec.name)
        return 0
    if not args.outdir:
        p.error("OUTDIR is required")
    names = args.only or [s.name for s in MODELS.values()
                          if args.all or not s.bench_only]
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        p.error("unknown model(s): %s (known: %s)" %
                (", ".join(unknown), ", ".join(MODELS)))
    try:
        import onnx  # noqa: F401
        if not args.no_ref:
            import onnxruntime  # noqa: F401
    except ImportError as e:
        print("make_models.py: error: %s (run scripts/setup.sh)" % e,
              file=sys.stderr)
        return 1
    for name in names:
        spec = MODELS[name]
        print("%s (opset %d): %s" % (name, spec.opset, spec.doc))
        write_model(name, args.outdir, with_reference=not args.no_ref)
    return 0


if __name__ == "__main__":
    sys.exit(main())
