#!/usr/bin/env python3
"""Writes small ONNX models (and broken files) for the importer's lit tests.

Usage: gen_model.py KIND OUTPUT.onnx

Every model is built with onnx.helper from fixed, seeded data, so the tests
can check exact values. Kinds that need companion files (external data)
write them next to OUTPUT.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def raw_tensor(name, data_type, dims, **fields):
    """A TensorProto built field by field (onnx.helper refuses bad sizes)."""
    t = TensorProto()
    t.name = name
    t.data_type = data_type
    t.dims.extend(dims)
    for key, value in fields.items():
        if key == "raw_data":
            t.raw_data = value
        else:
            getattr(t, key).extend(value)
    return t


def model(graph, opset, ir_version=8):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = ir_version
    return m


def save(m, path):
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


def conv_mlp(path):
    """Conv -> Relu -> MaxPool -> Flatten -> Gemm, with named nodes."""
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.standard_normal((4,)).astype(np.float32), "b")
    fc = numpy_helper.from_array(rng.standard_normal((10, 64)).astype(np.float32), "fc")
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu1"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc"], ["y"], transB=1),  # unnamed
    ]
    g = helper.make_graph(
        nodes, "conv_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        [w, b, fc])
    save(model(g, 17), path)


def symbolic(path):
    """MatMul + Add with a symbolic batch dimension and a Dropout whose mask
    output is absent, to check `?` dims and onnx.NoValue."""
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "w")
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["m"], name="mm"),
        helper.make_node("Clip", ["m", "", "hi"], ["y"], name="clip"),
    ]
    hi = numpy_helper.from_array(np.array(6.0, dtype=np.float32), "hi")
    g = helper.make_graph(
        nodes, "symbolic",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
        [w, hi])
    save(model(g, 17), path)


KINDS = {
    "conv_mlp": conv_mlp,
    "symbolic": symbolic,
}


def initializers(path):
    """Initializers of many element types, raw and typed, one that is also a
    graph input, and Constant nodes in each attribute form."""
    inits = [
        numpy_helper.from_array(np.array([1.5, -2.0], dtype=np.float32), "f32_raw"),
        helper.make_tensor("f32_typed", TensorProto.FLOAT, [2], [0.25, 4.0]),
        helper.make_tensor("i64_typed", TensorProto.INT64, [3], [1, -2, 3]),
        numpy_helper.from_array(np.array([7, -8], dtype=np.int32), "i32_raw"),
        helper.make_tensor("i8_typed", TensorProto.INT8, [2], [-3, 4]),
        numpy_helper.from_array(np.array([200, 1], dtype=np.uint8), "u8_raw"),
        helper.make_tensor("bool_typed", TensorProto.BOOL, [3], [1, 0, 1]),
        numpy_helper.from_array(np.array([True, False], dtype=np.bool_), "bool_raw"),
        numpy_helper.from_array(np.array([1.0, 0.5], dtype=np.float16), "f16_raw"),
        helper.make_tensor("f64_typed", TensorProto.DOUBLE, [1], [2.5]),
        helper.make_tensor("u64_typed", TensorProto.UINT64, [1], [12345678901]),
        helper.make_tensor("scalar", TensorProto.FLOAT, [], [3.0]),
        # Also listed as a graph input: still a constant.
        numpy_helper.from_array(np.array([1.0, 2.0], dtype=np.float32), "bias"),
    ]
    nodes = [
        helper.make_node("Constant", [], ["c_tensor"], name="c_tensor",
                         value=helper.make_tensor("t", TensorProto.FLOAT, [2], [9.0, 8.0])),
        helper.make_node("Constant", [], ["c_float"], name="c_float", value_float=0.5),
        helper.make_node("Constant", [], ["c_ints"], name="c_ints", value_ints=[4, 5, 6]),
        helper.make_node("Constant", [], ["c_int"], name="c_int", value_int=7),
        helper.make_node("Constant", [], ["c_floats"], name="c_floats", value_floats=[1.0, 2.0]),
        helper.make_node("Add", ["x", "bias"], ["a"], name="add_bias"),
        helper.make_node("Add", ["a", "c_tensor"], ["y"], name="add_const"),
    ]
    outputs = ["y", "f32_raw", "f32_typed", "i64_typed", "i32_raw", "i8_typed",
               "u8_raw", "bool_typed", "bool_raw", "f16_raw", "f64_typed",
               "u64_typed", "scalar", "c_float", "c_ints", "c_int", "c_floats"]
    g = helper.make_graph(
        nodes, "initializers",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2]),
         helper.make_tensor_value_info("bias", TensorProto.FLOAT, [2])],
        [helper.make_value_info(o, onnx.TypeProto()) for o in outputs],
        inits)
    save(model(g, 17), path)


def opset(version):
    """A model per opset, using the operators whose form changed across
    7..21 (Unsqueeze/ReduceSum/ReduceMean axes, Split, Clip, Pad, Slice,
    Softmax, Cast)."""
    def build(path):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])
        inits, nodes = [], []

        def ints(name, values):
            inits.append(numpy_helper.from_array(np.array(values, dtype=np.int64), name))
            return name

        # Unsqueeze axes: attribute before 13, input from 13.
        if version < 13:
            nodes.append(helper.make_node("Unsqueeze", ["x"], ["u"], name="unsqueeze", axes=[0]))
        else:
            nodes.append(helper.make_node("Unsqueeze", ["x", ints("u_axes", [0])], ["u"], name="unsqueeze"))
        # ReduceMean axes: attribute before 18, input from 18.
        if version < 18:
            nodes.append(helper.make_node("ReduceMean", ["u"], ["m"], name="reduce_mean", axes=[3], keepdims=1))
        else:
            nodes.append(helper.make_node("ReduceMean", ["u", ints("m_axes", [3])], ["m"], name="reduce_mean", keepdims=1))
        # Clip bounds: attributes before 11, inputs from 11.
        if version < 11:
            nodes.append(helper.make_node("Clip", ["m"], ["c"], name="clip", min=0.0, max=6.0))
        else:
            inits.append(numpy_helper.from_array(np.array(0.0, dtype=np.float32), "lo"))
            inits.append(numpy_helper.from_array(np.array(6.0, dtype=np.float32), "hi"))
            nodes.append(helper.make_node("Clip", ["m", "lo", "hi"], ["c"], name="clip"))
        # Softmax: 2-D coercion before 13.
        nodes.append(helper.make_node("Softmax", ["c"], ["s"], name="softmax", axis=-1 if version >= 13 else 3))
        # Split into two equal parts on axis 2.
        if version >= 18:
            nodes.append(helper.make_node("Split", ["s"], ["s0", "s1"], name="split", axis=2, num_outputs=2))
        elif version >= 13:
            nodes.append(helper.make_node("Split", ["s", ints("sizes", [1, 2])], ["s0", "s1"], name="split", axis=2))
        else:
            nodes.append(helper.make_node("Split", ["s"], ["s0", "s1"], name="split", axis=2, split=[1, 2]))
        # Cast, with `saturate` from 19.
        cast_attrs = {"to": TensorProto.FLOAT16}
        if version >= 19:
            cast_attrs["saturate"] = 1
        nodes.append(helper.make_node("Cast", ["s1"], ["y"], name="cast", **cast_attrs))
        g = helper.make_graph(
            nodes, "opset%d" % version, [x],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT16, None),
             helper.make_tensor_value_info("s0", TensorProto.FLOAT, None)],
            inits)
        save(model(g, version, ir_version=10 if version >= 21 else (9 if version >= 19 else (8 if version >= 15 else 7 if version >= 13 else 6 if version >= 11 else 3))), path)
    return build


def tiny(name="add"):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
    return x, y


def external(location, data=None, offset=None, length=None):
    """A model whose initializer `w` (two floats) lives in `location`;
    `data` (if given) is written to `location` relative to the model."""
    def build(path):
        folder = os.path.dirname(os.path.abspath(path))
        w = raw_tensor("w", TensorProto.FLOAT, [2])
        w.data_location = TensorProto.EXTERNAL
        entries = [("location", location)]
        if offset is not None:
            entries.append(("offset", str(offset)))
        if length is not None:
            entries.append(("length", str(length)))
        for k, v in entries:
            e = w.external_data.add()
            e.key, e.value = k, v
        if data is not None:
            target = os.path.join(folder, location)
            with open(target, "wb") as f:
                f.write(data)
        x, y = tiny()
        g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"], name="add_w")],
                              "external", [x], [y], [w])
        save(model(g, 17), path)
    return build


def external_symlink(path):
    """`w` is read through a symbolic link that points outside the folder."""
    folder = os.path.dirname(os.path.abspath(path))
    outside = os.path.join(os.path.dirname(folder), os.path.basename(path) + ".outside.bin")
    with open(outside, "wb") as f:
        f.write(np.array([1.0, 2.0], dtype=np.float32).tobytes())
    link = os.path.join(folder, os.path.basename(path) + ".link.bin")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(outside, link)
    external(os.path.basename(link))(path)


def raw_bytes(data):
    def build(path):
        with open(path, "wb") as f:
            f.write(data)
    return build


def truncated(path):
    conv_mlp(path)
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])


def unsupported_op(path):
    x, y = tiny()
    g = helper.make_graph([helper.make_node("FancyOp", ["x"], ["y"], name="fancy", domain="com.example")],
                          "unsupported", [x], [y])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17),
                                            helper.make_opsetid("com.example", 1)])
    m.ir_version = 8
    save(m, path)


def unknown_default_op(path):
    x, y = tiny()
    g = helper.make_graph([helper.make_node("NoSuchOp", ["x"], ["y"], name="mystery")],
                          "unknown", [x], [y])
    save(model(g, 17), path)


def short_initializer(path):
    w = raw_tensor("w", TensorProto.FLOAT, [2, 3], float_data=[1.0, 2.0, 3.0])
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"], name="add_w")],
                          "short", [x], [y], [w])
    save(model(g, 17), path)


def short_raw_initializer(path):
    w = raw_tensor("w", TensorProto.FLOAT, [2, 3],
                   raw_data=np.array([1.0, 2.0], dtype=np.float32).tobytes())
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"], name="add_w")],
                          "short", [x], [y], [w])
    save(model(g, 17), path)


def undefined_input(path):
    x, y = tiny()
    g = helper.make_graph([helper.make_node("Add", ["x", "ghost"], ["y"], name="add_ghost")],
                          "undefined", [x], [y])
    save(model(g, 17), path)


def bad_matmul(path):
    """A MatMul whose inner dimensions differ: the checker accepts it, shape
    inference does not."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    w = numpy_helper.from_array(np.zeros((4, 5), dtype=np.float32), "w")
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm_bad")],
                          "badmatmul", [x], [y], [w])
    save(model(g, 17), path)


def opset18_dynamic_axes(path):
    """ReduceMax-18 with axes computed at run time: not expressible at 17."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    axes = helper.make_tensor_value_info("axes", TensorProto.INT64, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    g = helper.make_graph([helper.make_node("ReduceMax", ["x", "axes"], ["y"], name="rmax")],
                          "dyn", [x, axes], [y])
    save(model(g, 18), path)


def opset9_fallback(path):
    """An opset-9 model that libonnx's version converter gives up on (its
    Softmax adapter needs the input rank, which a Reshape to a run-time shape
    hides), so the importer's own upgrade rules run: Unsqueeze/Split/Clip/
    Slice/TopK attributes become inputs and the 2-D-coercing Softmax becomes
    Flatten -> Softmax -> Reshape."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])
    s = helper.make_tensor_value_info("s", TensorProto.INT64, ["n"])
    nodes = [
        helper.make_node("Unsqueeze", ["x"], ["u"], name="unsqueeze", axes=[0]),
        helper.make_node("Clip", ["u"], ["c"], name="clip", min=-1.0, max=1.0),
        helper.make_node("Slice", ["c"], ["sl"], name="slice", starts=[0], ends=[2], axes=[3]),
        helper.make_node("Split", ["sl"], ["p0", "p1"], name="split", axis=2, split=[1, 2]),
        helper.make_node("TopK", ["p1"], ["tv", "ti"], name="topk", axis=3, k=1),
        helper.make_node("Reshape", ["x", "s"], ["r"], name="reshape"),
        helper.make_node("Softmax", ["r"], ["y"], name="softmax", axis=1),
    ]
    g = helper.make_graph(
        nodes, "fallback", [x, s],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("p0", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("tv", TensorProto.FLOAT, None)])
    save(model(g, 9), path)


def opset18_mix(path):
    """Operators whose opset 18-20 forms differ from 17 in ways the importer
    rewrites: reductions with `axes` inputs (and noop_with_empty_axes), Pad
    without `axes`, Resize with default new attributes, LpPool with
    ceil_mode=0, and (opset 20) GridSample's renamed modes."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])
    grid = helper.make_tensor_value_info("grid", TensorProto.FLOAT, [1, 3, 3, 2])
    inits = [
        numpy_helper.from_array(np.array([2, 3], dtype=np.int64), "l2_axes"),
        numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64), "pads"),
        numpy_helper.from_array(np.array([1.0, 1.0, 2.0, 2.0], dtype=np.float32), "scales"),
    ]
    nodes = [
        helper.make_node("ReduceL2", ["x", "l2_axes"], ["l2"], name="l2", keepdims=0),
        helper.make_node("ReduceMax", ["x"], ["same"], name="noop", noop_with_empty_axes=1),
        helper.make_node("ReduceMin", ["x"], ["all"], name="all", keepdims=0),
        helper.make_node("Pad", ["x", "pads"], ["padded"], name="pad", mode="reflect"),
        helper.make_node("Resize", ["x", "", "scales"], ["big"], name="resize", mode="linear",
                         antialias=0, keep_aspect_ratio_policy="stretch"),
        helper.make_node("LpPool", ["x"], ["lp"], name="lppool", kernel_shape=[2, 2], ceil_mode=0),
        helper.make_node("GridSample", ["x", "grid"], ["gs"], name="gridsample", mode="linear"),
    ]
    outs = ["l2", "same", "all", "padded", "big", "lp", "gs"]
    g = helper.make_graph(nodes, "mix", [x, grid],
                          [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outs],
                          inits)
    save(model(g, 20, ir_version=9), path)


def opset18_antialias(path):
    """Resize-18 with antialias=1 has no opset-17 form."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])
    scales = numpy_helper.from_array(np.array([1.0, 1.0, 0.5, 0.5], dtype=np.float32), "scales")
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    g = helper.make_graph([helper.make_node("Resize", ["x", "", "scales"], ["y"], name="shrink",
                                            mode="linear", antialias=1)],
                          "aa", [x], [y], [scales])
    save(model(g, 18), path)


def opset20_expansions(path):
    """Operators newer than opset 17 that the importer expands (Gelu-20 in
    both approximations, Mish-18) and a Pad-18 with `axes` on an intermediate
    value, whose pads are spread over every dimension."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    inits = [
        numpy_helper.from_array(np.array([1, 2], dtype=np.int64), "pads"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "pad_axes"),
    ]
    nodes = [
        helper.make_node("Gelu", ["x"], ["g"], name="gelu"),
        helper.make_node("Gelu", ["x"], ["gt"], name="gelu_tanh", approximate="tanh"),
        helper.make_node("Mish", ["x"], ["m"], name="mish"),
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Pad", ["r", "pads", "", "pad_axes"], ["p"], name="pad_last"),
    ]
    g = helper.make_graph(nodes, "expansions", [x],
                          [helper.make_tensor_value_info(o, TensorProto.FLOAT, None)
                           for o in ["g", "gt", "m", "p"]], inits)
    save(model(g, 20, ir_version=9), path)


def upsample(version):
    """Upsample (scales as an attribute at 7, as an input at 9)."""
    def build(path):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 3, 3])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        scales = [1.0, 1.0, 2.0, 2.0]
        if version < 9:
            node = helper.make_node("Upsample", ["x"], ["y"], name="up", mode="nearest", scales=scales)
            inits = []
        else:
            node = helper.make_node("Upsample", ["x", "s"], ["y"], name="up", mode="linear")
            inits = [numpy_helper.from_array(np.array(scales, dtype=np.float32), "s")]
        g = helper.make_graph([node], "upsample", [x], [y], inits)
        save(model(g, version, ir_version=3 if version < 9 else 4), path)
    return build


def groupnorm(version):
    """GroupNormalization: per-group scale/bias at 18, per-channel at 21."""
    def build(path):
        rng = np.random.default_rng(3)
        n = 2 if version < 21 else 4
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4, 3, 3])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        inits = [numpy_helper.from_array(rng.standard_normal(n).astype(np.float32), "scale"),
                 numpy_helper.from_array(rng.standard_normal(n).astype(np.float32), "bias")]
        node = helper.make_node("GroupNormalization", ["x", "scale", "bias"], ["y"],
                                name="gn", num_groups=2, epsilon=1e-3)
        g = helper.make_graph([node], "groupnorm", [x], [y], inits)
        save(model(g, version, ir_version=9), path)
    return build


def new_op(path):
    """BitwiseAnd only exists from opset 18, and opset 17 has no equivalent."""
    x = helper.make_tensor_value_info("x", TensorProto.INT32, [2])
    y = helper.make_tensor_value_info("y", TensorProto.INT32, [2])
    g = helper.make_graph([helper.make_node("BitwiseAnd", ["x", "x"], ["y"], name="bits")],
                          "bitwise", [x], [y])
    save(model(g, 18, ir_version=9), path)


def sequences(path):
    """Sequence operators whose positions are constants: construct, insert,
    erase, at, length, split-to-sequence and concat-from-sequence."""
    f = TensorProto.FLOAT
    a = helper.make_tensor_value_info("a", f, [2, 3])
    b = helper.make_tensor_value_info("b", f, [1, 3])
    outs = [helper.make_tensor_value_info("at", f, [1, 3]),
            helper.make_tensor_value_info("len", TensorProto.INT64, []),
            helper.make_tensor_value_info("cat", f, [5, 3]),
            helper.make_tensor_value_info("stack", f, [2, 3, 3])]
    inits = [numpy_helper.from_array(np.array(v, dtype=np.int64), n)
             for n, v in (("p0", 0), ("pm1", -1), ("p1", 1))]
    nodes = [
        helper.make_node("SequenceConstruct", ["a"], ["s1"], name="construct"),
        helper.make_node("SequenceInsert", ["s1", "b", "p0"], ["s2"],
                         name="insert_front"),
        helper.make_node("SequenceInsert", ["s2", "a"], ["s3"],
                         name="insert_back"),
        helper.make_node("SequenceErase", ["s3", "pm1"], ["s4"], name="erase"),
        helper.make_node("SequenceAt", ["s4", "p0"], ["at"], name="at"),
        helper.make_node("SequenceLength", ["s3"], ["len"], name="length"),
        helper.make_node("ConcatFromSequence", ["s3"], ["cat"], axis=0,
                         name="concat"),
        helper.make_node("SplitToSequence", ["a"], ["rows"], axis=1,
                         keepdims=0, name="split"),
        helper.make_node("SequenceErase", ["rows", "p1"], ["two"],
                         name="erase_row"),
        helper.make_node("SequenceInsert", ["two", "a", "p1"], ["mixed"],
                         name="insert_mid"),
        helper.make_node("SequenceEmpty", [], ["empty"], name="empty"),
        helper.make_node("SequenceInsert", ["empty", "a"], ["one"],
                         name="insert_one"),
        helper.make_node("SequenceInsert", ["one", "a"], ["pair"],
                         name="insert_two"),
        helper.make_node("SequenceInsert", ["pair", "a"], ["three"],
                         name="insert_three"),
        helper.make_node("ConcatFromSequence", ["three"], ["stack"], axis=-1,
                         new_axis=1, name="stack"),
    ]
    save(model(helper.make_graph(nodes, "sequences", [a, b], outs, inits),
               12), path)


def sequence_runtime_position(path):
    """SequenceAt whose position is a graph input (known only at run time)."""
    f = TensorProto.FLOAT
    a = helper.make_tensor_value_info("a", f, [2, 3])
    pos = helper.make_tensor_value_info("pos", TensorProto.INT64, [])
    out = helper.make_tensor_value_info("out", f, [2, 3])
    nodes = [helper.make_node("SequenceConstruct", ["a", "a"], ["s"]),
             helper.make_node("SequenceAt", ["s", "pos"], ["out"],
                              name="pick")]
    save(model(helper.make_graph(nodes, "g", [a, pos], [out]), 12), path)


def sequence_output(path):
    """A graph whose output is a sequence."""
    f = TensorProto.FLOAT
    a = helper.make_tensor_value_info("a", f, [2, 3])
    out = helper.make_tensor_sequence_value_info("s", f, [2, 3])
    nodes = [helper.make_node("SequenceConstruct", ["a", "a"], ["s"])]
    save(model(helper.make_graph(nodes, "g", [a], [out]), 12), path)


def sequence_bad_position(path):
    """SequenceErase at a constant position past the end."""
    f = TensorProto.FLOAT
    a = helper.make_tensor_value_info("a", f, [2, 3])
    out = helper.make_tensor_value_info("n", TensorProto.INT64, [])
    pos = numpy_helper.from_array(np.array(5, dtype=np.int64), "pos")
    nodes = [helper.make_node("SequenceConstruct", ["a", "a"], ["s"]),
             helper.make_node("SequenceErase", ["s", "pos"], ["t"],
                              name="erase_far"),
             helper.make_node("SequenceLength", ["t"], ["n"])]
    save(model(helper.make_graph(nodes, "g", [a], [out], [pos]), 12), path)


def gradient(kind):
    """Gradient (ai.onnx.preview.training) of y = sum-free expressions:
    "mlp": y = Sigmoid(x @ w + b) * x2, with b broadcast over rows;
    "softmax": y = Softmax(x), which has no derivative rule."""
    def build(path):
        f = TensorProto.FLOAT
        x = helper.make_tensor_value_info("x", f, [2, 3])
        w = helper.make_tensor_value_info("w", f, [3, 4])
        b = helper.make_tensor_value_info("b", f, [4])
        x2 = helper.make_tensor_value_info("x2", f, [2, 4])
        if kind == "mlp":
            nodes = [helper.make_node("MatMul", ["x", "w"], ["xw"]),
                     helper.make_node("Add", ["xw", "b"], ["z"]),
                     helper.make_node("Sigmoid", ["z"], ["s"]),
                     helper.make_node("Mul", ["s", "x2"], ["y"])]
            xs = ["x", "w", "b"]
            ins = [x, w, b, x2]
        else:
            nodes = [helper.make_node("Softmax", ["x"], ["y"],
                                      name="soft")]
            xs = ["x"]
            ins = [x]
        nodes.append(helper.make_node(
            "Gradient", xs, ["d_" + n for n in xs], xs=xs, y="y",
            domain="ai.onnx.preview.training", name="grad"))
        outs = [helper.make_tensor_value_info("d_" + n, f, None) for n in xs]
        m = helper.make_model(
            helper.make_graph(nodes, "g", ins, outs),
            opset_imports=[helper.make_opsetid("", 12),
                           helper.make_opsetid("ai.onnx.preview.training", 1)])
        m.ir_version = 7
        save(m, path)
    return build


def strings(kind):
    """StringNormalizer on a [1, 4] string input ("normalizer"), or a string
    input given to Identity ("identity"), which only StringNormalizer takes."""
    def build(path):
        s = TensorProto.STRING
        x = helper.make_tensor_value_info("x", s, [1, 4])
        y = helper.make_tensor_value_info("y", s, [1, None])
        if kind == "normalizer":
            node = helper.make_node(
                "StringNormalizer", ["x"], ["y"], case_change_action="UPPER",
                is_case_sensitive=0, stopwords=["the", "A"], name="norm")
        else:
            node = helper.make_node("Identity", ["x"], ["y"], name="copy")
        save(model(helper.make_graph([node], "g", [x], [y]), 10), path)
    return build


def integer_ops(path):
    """MatMulInteger with a per-row zero point of A, and QLinearConv with
    per-channel weight scales and a bias."""
    u8, f = TensorProto.UINT8, TensorProto.FLOAT
    ins = [helper.make_tensor_value_info("A", u8, [3, 4]),
           helper.make_tensor_value_info("B", u8, [4, 2]),
           helper.make_tensor_value_info("x", u8, [1, 2, 5, 5])]
    outs = [helper.make_tensor_value_info("Y", TensorProto.INT32, [3, 2]),
            helper.make_tensor_value_info("y", u8, [1, 3, 5, 5])]
    inits = [
        numpy_helper.from_array(np.array([1, 2, 3], dtype=np.uint8), "a_zp"),
        numpy_helper.from_array(np.array(0.5, dtype=np.float32), "x_scale"),
        numpy_helper.from_array(np.array(128, dtype=np.uint8), "x_zp"),
        numpy_helper.from_array(np.full((3, 2, 3, 3), 7, dtype=np.uint8), "w"),
        numpy_helper.from_array(np.array([0.1, 0.2, 0.3], dtype=np.float32),
                                "w_scale"),
        numpy_helper.from_array(np.array([0, 1, 2], dtype=np.uint8), "w_zp"),
        numpy_helper.from_array(np.array(0.25, dtype=np.float32), "y_scale"),
        numpy_helper.from_array(np.array(10, dtype=np.uint8), "y_zp"),
        numpy_helper.from_array(np.array([5, 6, 7], dtype=np.int32), "bias"),
    ]
    nodes = [
        helper.make_node("MatMulInteger", ["A", "B", "a_zp"], ["Y"],
                         name="mmi"),
        helper.make_node("QLinearConv", ["x", "x_scale", "x_zp", "w",
                                         "w_scale", "w_zp", "y_scale", "y_zp",
                                         "bias"], ["y"], pads=[1, 1, 1, 1],
                         name="qconv"),
    ]
    save(model(helper.make_graph(nodes, "g", ins, outs, inits), 13), path)


def momentum(path):
    """Nesterov Momentum (ai.onnx.preview.training) on two tensors, in a model
    that imports no default-domain opset."""
    f = TensorProto.FLOAT
    ins = [helper.make_tensor_value_info("R", f, []),
           helper.make_tensor_value_info("T", TensorProto.INT64, [])]
    outs = []
    for n, shape in (("X1", [2]), ("X2", [3, 2])):
        for p in ("", "G", "V"):
            ins.append(helper.make_tensor_value_info(p + n if p else n, f,
                                                     shape))
    names = ["R", "T", "X1", "X2", "G1", "G2", "V1", "V2"]
    ins = [next(i for i in ins if i.name == (n if n in ("R", "T") else
           {"X1": "X1", "X2": "X2", "G1": "GX1", "G2": "GX2",
            "V1": "VX1", "V2": "VX2"}[n])) for n in names]
    outs = [helper.make_tensor_value_info(n, f, None)
            for n in ("X1_new", "X2_new", "V1_new", "V2_new")]
    node = helper.make_node(
        "Momentum", [i.name for i in ins], [o.name for o in outs],
        alpha=0.9, beta=0.5, mode="nesterov", norm_coefficient=0.01,
        domain="ai.onnx.preview.training", name="opt")
    m = helper.make_model(
        helper.make_graph([node], "g", ins, outs),
        opset_imports=[helper.make_opsetid("ai.onnx.preview.training", 1)])
    m.ir_version = 7
    save(m, path)


def data_dependent(kind):
    """NonZero and TopK with a run-time K as graph outputs ("outputs"), TopK
    with a constant K ("topk_const"), or NonZero read by a Transpose
    ("nonzero_used"), which the importer refuses."""
    def build(path):
        f, i64 = TensorProto.FLOAT, TensorProto.INT64
        x = helper.make_tensor_value_info("x", f, [2, 3])
        k = helper.make_tensor_value_info("k", i64, [1])
        inits = []
        if kind == "outputs":
            ins = [x, k]
            nodes = [helper.make_node("NonZero", ["x"], ["nz"], name="nz"),
                     helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=1,
                                      name="top")]
            outs = [helper.make_tensor_value_info("nz", i64, [2, None]),
                    helper.make_tensor_value_info("v", f, [2, None]),
                    helper.make_tensor_value_info("i", i64, [2, None])]
        elif kind == "unique":
            ins = [x]
            nodes = [helper.make_node("Unique", ["x"],
                                      ["y", "idx", "inv", "cnt"], sorted=1,
                                      name="uniq")]
            outs = [helper.make_tensor_value_info("y", f, [None]),
                    helper.make_tensor_value_info("idx", i64, [None]),
                    helper.make_tensor_value_info("inv", i64, [6]),
                    helper.make_tensor_value_info("cnt", i64, [None])]
        elif kind == "topk_const":
            ins = [x]
            inits = [numpy_helper.from_array(np.array([2], dtype=np.int64),
                                             "k")]
            nodes = [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=1,
                                      largest=0, name="top")]
            outs = [helper.make_tensor_value_info("v", f, [2, 2]),
                    helper.make_tensor_value_info("i", i64, [2, 2])]
        else:
            ins = [x]
            nodes = [helper.make_node("NonZero", ["x"], ["nz"], name="nz"),
                     helper.make_node("Transpose", ["nz"], ["t"],
                                      name="flip")]
            outs = [helper.make_tensor_value_info("t", i64, [None, 2])]
        save(model(helper.make_graph(nodes, "g", ins, outs, inits), 13),
             path)
    return build


def recurrent(kind):
    """A forward RNN over 2 steps ("rnn"), or one with `clip` ("rnn_clip"),
    which the importer refuses."""
    def build(path):
        f = TensorProto.FLOAT
        x = helper.make_tensor_value_info("X", f, [2, 1, 3])
        y = helper.make_tensor_value_info("Y", f, [2, 1, 1, 4])
        yh = helper.make_tensor_value_info("Y_h", f, [1, 1, 4])
        inits = [numpy_helper.from_array(np.full((1, 4, 3), 0.1, np.float32),
                                         "W"),
                 numpy_helper.from_array(np.full((1, 4, 4), 0.2, np.float32),
                                         "R")]
        attrs = dict(hidden_size=4)
        if kind == "rnn_clip":
            attrs["clip"] = 1.0
        node = helper.make_node("RNN", ["X", "W", "R"], ["Y", "Y_h"],
                                name="rnn", **attrs)
        save(model(helper.make_graph([node], "g", [x], [y, yh], inits), 14),
             path)
    return build


def grid_sample(path):
    """GridSample, nearest with border padding, on a 1x2x3x4 input."""
    f = TensorProto.FLOAT
    x = helper.make_tensor_value_info("X", f, [1, 2, 3, 4])
    grid = helper.make_tensor_value_info("grid", f, [1, 5, 6, 2])
    y = helper.make_tensor_value_info("Y", f, [1, 2, 5, 6])
    node = helper.make_node("GridSample", ["X", "grid"], ["Y"],
                            mode="nearest", padding_mode="border",
                            align_corners=1, name="sample")
    save(model(helper.make_graph([node], "g", [x, grid], [y]), 16), path)


def signal(path):
    """A onesided DFT of a real [2, 8, 1] signal along axis 1, MaxUnpool of
    a [1, 1, 2, 2] input with a 2x2 kernel and stride, and Det of two 2x2
    matrices."""
    f = TensorProto.FLOAT
    ins = [helper.make_tensor_value_info("x", f, [2, 8, 1]),
           helper.make_tensor_value_info("v", f, [1, 1, 2, 2]),
           helper.make_tensor_value_info("i", TensorProto.INT64,
                                         [1, 1, 2, 2]),
           helper.make_tensor_value_info("m", f, [2, 2, 2])]
    outs = [helper.make_tensor_value_info("y", f, [2, 5, 2]),
            helper.make_tensor_value_info("u", f, [1, 1, 4, 4]),
            helper.make_tensor_value_info("d", f, [2])]
    nodes = [helper.make_node("DFT", ["x"], ["y"], axis=1, onesided=1,
                              name="dft"),
             helper.make_node("MaxUnpool", ["v", "i"], ["u"],
                              kernel_shape=[2, 2], strides=[2, 2],
                              name="unpool"),
             helper.make_node("Det", ["m"], ["d"], name="det")]
    save(model(helper.make_graph(nodes, "g", ins, outs), 17), path)


KINDS.update({
    "initializers": initializers,
    "signal": signal,
    "grid_sample": grid_sample,
    "rnn": recurrent("rnn"),
    "rnn_clip": recurrent("rnn_clip"),
    "data_dependent": data_dependent("outputs"),
    "topk_const": data_dependent("topk_const"),
    "unique": data_dependent("unique"),
    "nonzero_used": data_dependent("nonzero_used"),
    "integer_ops": integer_ops,
    "momentum": momentum,
    "string_normalizer": strings("normalizer"),
    "string_identity": strings("identity"),
    "sequences": sequences,
    "sequence_runtime_position": sequence_runtime_position,
    "sequence_output": sequence_output,
    "sequence_bad_position": sequence_bad_position,
    "gradient_mlp": gradient("mlp"),
    "gradient_softmax": gradient("softmax"),
    "ext_ok": external("weights.bin", np.array([1.0, 2.0], dtype=np.float32).tobytes()),
    "ext_offset": external("packed.bin", b"HEADER!!" + np.array([3.0, 4.0], dtype=np.float32).tobytes(),
                           offset=8, length=8),
    "ext_absolute": external("/etc/passwd"),
    "ext_dotdot": external("../secret.bin"),
    "ext_dotdot_inner": external("sub/../../secret.bin"),
    "ext_missing": external("missing.bin"),
    "ext_out_of_bounds": external("small.bin", b"1234", offset=0, length=8),
    "ext_symlink": external_symlink,
    "empty": raw_bytes(b""),
    "garbage": raw_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes()),
    "truncated": truncated,
    "unsupported_op": unsupported_op,
    "unknown_default_op": unknown_default_op,
    "short_initializer": short_initializer,
    "short_raw_initializer": short_raw_initializer,
    "undefined_input": undefined_input,
    "bad_matmul": bad_matmul,
    "opset18_dynamic_axes": opset18_dynamic_axes,
    "new_op": new_op,
    "opset9_fallback": opset9_fallback,
    "opset18_mix": opset18_mix,
    "opset20_expansions": opset20_expansions,
    "upsample7": upsample(7),
    "groupnorm18": groupnorm(18),
    "groupnorm21": groupnorm(21),
    "upsample9": upsample(9),
    "opset18_antialias": opset18_antialias,
})
for _v in (7, 9, 11, 13, 15, 17, 18, 19, 20, 21):
    KINDS["opset%d" % _v] = opset(_v)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in KINDS:
        sys.exit("usage: gen_model.py {%s} OUTPUT" % ",".join(sorted(KINDS)))
    KINDS[sys.argv[1]](sys.argv[2])


if __name__ == "__main__":
    main()
