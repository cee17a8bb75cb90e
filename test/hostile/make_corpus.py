#!/usr/bin/env python3
# ===- make_corpus.py - Derive hostile ONNX files from third-party models ---===#
#
# This file implements the generator of the hostile-input corpus. Nothing in
# it is written by hand: every case is derived mechanically, with a fixed
# seed, from the third-party models of libonnx-testdata
# (/usr/share/libonnx-testdata/data/*/*/model.onnx):
#
#   - byte-level: the empty file, truncations at many offsets, seeded bit
#     flips, random bytes, and protobuf messages nested far too deep;
#   - structural (with the onnx package): cycles, undefined inputs, negative,
#     huge and overflowing dims (graph inputs and initializers), huge ranks,
#     opsets from the future (and negative ones), initializers shorter than
#     their shape (raw_data and typed fields), integer attributes pushed out
#     of range, and external data that is missing, absolute, escapes the
#     folder with `..` or a symbolic link, names a directory or a FIFO, or has
#     offsets and lengths beyond its file.
#
# Each case lives in its own folder, <out>/cases/<id>/model.onnx, next to
# whatever files it refers to; <out>/outside/ holds the files no case may
# read. <out>/manifest.json lists the cases: id, kind, source model, and
# `expect`: "reject" (zellige must refuse it) or "any" (a mutation that may
# still be a valid model, which only must not crash or hang).
#
# Usage:
#   make_corpus.py OUT [--seed N] [--scale S] [--testdata DIR]
#
# ===------------------------------------------------------------------------===#

import argparse
import glob
import json
import os
import random
import shutil
import sys

TESTDATA = "/usr/share/libonnx-testdata/data"
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


class Corpus:
    def __init__(self, out, seed):
        self.out = os.path.abspath(out)
        self.cases_dir = os.path.join(self.out, "cases")
        self.outside = os.path.join(self.out, "outside")
        self.rng = random.Random(seed)
        self.entries = []

    def new_case(self, kind, source, expect, **extra):
        cid = "%04d_%s" % (len(self.entries), kind)
        d = os.path.join(self.cases_dir, cid)
        os.makedirs(d)
        entry = {"id": cid, "kind": kind, "expect": expect,
                 "source": os.path.relpath(source, TESTDATA) if source else ""}
        entry.update(extra)
        self.entries.append(entry)
        return d

    def add_bytes(self, kind, source, data, expect):
        d = self.new_case(kind, source, expect)
        with open(os.path.join(d, "model.onnx"), "wb") as f:
            f.write(data)

    def add_model(self, kind, source, model, expect, **extra):
        d = self.new_case(kind, source, expect, **extra)
        with open(os.path.join(d, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        return d


def find_models(testdata):
    paths = sorted(glob.glob(os.path.join(testdata, "*", "*", "model.onnx")))
    # Keep the corpus fast: small models only.
    return [p for p in paths if os.path.getsize(p) <= 64 * 1024]


# ---------------------------------------------------------------------------
# Byte-level mutations
# ---------------------------------------------------------------------------


def byte_cases(c, models, scale):
    rng = c.rng
    c.add_bytes("empty", None, b"", "reject")
    picks = rng.sample(models, min(len(models), 6 * scale))
    for src in picks:
        data = open(src, "rb").read()
        # Truncations: the first bytes, evenly spread offsets, random ones.
        offsets = {1, 2, len(data) - 1}
        offsets.update(len(data) * k // 8 for k in range(1, 8))
        offsets.update(rng.randrange(1, len(data)) for _ in range(4))
        for off in sorted(o for o in offsets if 0 < o < len(data)):
            c.add_bytes("truncate", src, data[:off], "any")
    for src in rng.sample(models, min(len(models), 10 * scale)):
        data = bytearray(open(src, "rb").read())
        for _ in range(4):
            flipped = bytearray(data)
            for _ in range(rng.choice([1, 1, 2, 4, 16])):
                flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
            c.add_bytes("bitflip", src, bytes(flipped), "any")
        # Bytes overwritten with random values (varints, tags, lengths).
        for _ in range(2):
            smashed = bytearray(data)
            at = rng.randrange(len(smashed))
            for i in range(at, min(len(smashed), at + rng.randrange(1, 9))):
                smashed[i] = rng.randrange(256)
            c.add_bytes("smash", src, bytes(smashed), "any")
    for _ in range(4 * scale):
        n = rng.choice([1, 7, 64, 1000, 65536])
        c.add_bytes("random", None, bytes(rng.randrange(256) for _ in range(n)),
                    "any")
    # A field-1 varint of 0xff...: a huge ir_version; a length-delimited
    # graph whose length runs far past the end of the file.
    c.add_bytes("huge_length", None, b"\x3a\xff\xff\xff\xff\x0f", "reject")
    c.add_bytes("huge_length", None, b"\x3a\xff\xff\xff\xff\xff\xff\xff\xff\x01",
                "reject")


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, payload):
    return varint((num << 3) | 2) + varint(len(payload)) + payload


def nesting_cases(c):
    # ModelProto.graph(7) > GraphProto.node(1) > NodeProto.attribute(5) >
    # AttributeProto.g(6) > GraphProto.node(1) > ... thousands deep.
    for depth in (200, 5000):
        graph = b""
        for _ in range(depth):
            graph = field(1, field(5, field(1, b"a") + field(6, graph)))
        c.add_bytes("deep_nesting", None, field(7, graph), "reject")
    # TypeProto.sequence_type(4) > TypeProto.Sequence.elem_type(1) > ...
    t = b""
    for _ in range(3000):
        t = field(4, field(1, t))
    vi = field(1, b"x") + field(2, t)
    c.add_bytes("deep_nesting", None,
                field(7, field(11, vi)) + field(8, b"\x10\x11"),
                "reject")


# ---------------------------------------------------------------------------
# Structural mutations (onnx package)
# ---------------------------------------------------------------------------


_BYTES = {}


def load(src):
    """A fresh ModelProto of `src` (its bytes are read once)."""
    import onnx

    if src not in _BYTES:
        with open(src, "rb") as f:
            _BYTES[src] = f.read()
    m = onnx.ModelProto()
    m.ParseFromString(_BYTES[src])
    return m


def default_opset(model):
    for op in model.opset_import:
        if op.domain in ("", "ai.onnx"):
            return op
    return None


def node_name(model, i):
    n = model.graph.node[i]
    return n.name or "%s_%d" % (n.op_type, i)


def graph_cases(c, models, scale):
    rng = c.rng
    multi = [m for m in models if len(load(m).graph.node) >= 2]
    single = [m for m in models if len(load(m).graph.node) >= 1]
    # Cycles: a node reads the output of a later one (or its own).
    def feed(node, name):
        """Makes `name` the first input of `node`."""
        if node.input:
            node.input[0] = name
        else:
            node.input.append(name)

    for src in rng.sample(multi, min(len(multi), 3 * scale)):
        m = load(src)
        feed(m.graph.node[0], m.graph.node[-1].output[0])
        c.add_model("cycle", src, m, "reject")
    for src in rng.sample(single, min(len(single), 2 * scale)):
        m = load(src)
        feed(m.graph.node[0], m.graph.node[0].output[0])
        c.add_model("self_cycle", src, m, "reject")
    # Undefined inputs.
    for src in rng.sample(single, min(len(single), 3 * scale)):
        m = load(src)
        i = rng.randrange(len(m.graph.node))
        n = m.graph.node[i]
        if n.input:
            n.input[rng.randrange(len(n.input))] = "undefined_tensor_%d" % i
        else:
            n.input.append("undefined_tensor_%d" % i)
        c.add_model("undefined_input", src, m, "reject",
                    node=node_name(m, i))
    # Duplicate producers (not SSA) and graph outputs nobody produces.
    for src in rng.sample(multi, min(len(multi), scale)):
        m = load(src)
        m.graph.node[1].output[0] = m.graph.node[0].output[0]
        c.add_model("duplicate_output", src, m, "reject")
    for src in rng.sample(single, min(len(single), scale)):
        m = load(src)
        if m.graph.output:
            m.graph.output[0].name = "never_produced"
        c.add_model("dangling_output", src, m, "reject")


def dims_cases(c, models, scale):
    rng = c.rng
    with_inputs = []
    for src in models:
        m = load(src)
        inits = {t.name for t in m.graph.initializer}
        if any(i.name not in inits and i.type.HasField("tensor_type") and
               len(i.type.tensor_type.shape.dim) > 0 for i in m.graph.input):
            with_inputs.append(src)
    values = [-1, -7, INT64_MIN, INT64_MAX, 2**40, 2**62, 2**31]
    for src in rng.sample(with_inputs, min(len(with_inputs), 4 * scale)):
        for value in rng.sample(values, 3):
            m = load(src)
            inits = {t.name for t in m.graph.initializer}
            vi = [i for i in m.graph.input if i.name not in inits and
                  len(i.type.tensor_type.shape.dim) > 0][0]
            dims = vi.type.tensor_type.shape.dim
            dims[rng.randrange(len(dims))].dim_value = value
            # Negative dims must be refused; huge ones need terabytes.
            c.add_model("input_dim", src, m, "reject", value=value)
        # A product that overflows int64 while every dim is positive.
        m = load(src)
        inits = {t.name for t in m.graph.initializer}
        vi = [i for i in m.graph.input if i.name not in inits and
              len(i.type.tensor_type.shape.dim) > 0][0]
        for d in vi.type.tensor_type.shape.dim:
            d.dim_value = 2**21
        vi.type.tensor_type.shape.dim.add().dim_value = 2**40
        c.add_model("input_dim_overflow", src, m, "reject")
        # A huge rank.
        m = load(src)
        vi = [i for i in m.graph.input if i.name not in inits][0]
        shape = vi.type.tensor_type.shape
        for _ in range(100000):
            shape.dim.add().dim_value = 1
        c.add_model("input_huge_rank", src, m, "reject")
    # Initializers with bad dims (the data stays as it was).
    with_inits = [s for s in models if len(load(s).graph.initializer) > 0]
    for src in rng.sample(with_inits, min(len(with_inits), 3 * scale)):
        for dims in ([-1], [2**32, 2**32], [INT64_MAX, 2], [2**62, 4],
                     [1] * 5000):
            m = load(src)
            t = m.graph.initializer[rng.randrange(len(m.graph.initializer))]
            del t.dims[:]
            t.dims.extend(dims)
            c.add_model("init_dims", src, m, "reject")
    return with_inits


def opset_cases(c, models, scale):
    rng = c.rng
    for src in rng.sample(models, min(len(models), 2 * scale)):
        for version in (24, 99, 2**31, INT64_MAX, 0, -1, INT64_MIN):
            m = load(src)
            op = default_opset(m)
            if op is None:
                op = m.opset_import.add()
            op.version = version
            c.add_model("opset", src, m, "reject", opset=version)
        # Opsets newer than libonnx knows take the importer's own rewrites,
        # which run before the checker: feed them damaged graphs too.
        for version in (18, 19, 21, 23):
            m = load(src)
            op = default_opset(m)
            if op is None:
                op = m.opset_import.add()
            op.version = version
            c.add_model("new_opset", src, m, "any", opset=version)
            m = load(src)
            default_opset(m).version = version if default_opset(m) else 0
            n = m.graph.node[rng.randrange(len(m.graph.node))] \
                if m.graph.node else None
            if n is not None:
                if rng.random() < 0.5:
                    del n.input[:]
                else:
                    del n.output[:]
                n.attribute.add().name = "bogus"
                c.add_model("new_opset_damaged", src, m, "reject",
                            opset=version)
        m = load(src)
        m.ir_version = INT64_MAX
        c.add_model("ir_version", src, m, "any")
        m = load(src)
        del m.opset_import[:]
        c.add_model("no_opset", src, m, "reject")


def short_tensor(t, rng):
    """Makes `t` hold fewer elements than its shape; False if it cannot."""
    if t.raw_data:
        keep = rng.choice([0, 1, len(t.raw_data) // 2, len(t.raw_data) - 1])
        t.raw_data = t.raw_data[:max(0, min(keep, len(t.raw_data) - 1))]
        return True
    for name in ("float_data", "int32_data", "int64_data", "double_data",
                 "uint64_data", "string_data"):
        values = getattr(t, name)
        if len(values) > 0:
            del values[rng.randrange(len(values)):]
            return True
    return False


def data_cases(c, with_inits, models, scale):
    import onnx

    rng = c.rng
    for src in rng.sample(with_inits, min(len(with_inits), 4 * scale)):
        m = load(src)
        t = m.graph.initializer[rng.randrange(len(m.graph.initializer))]
        if short_tensor(t, rng):
            c.add_model("short_init", src, m, "reject")
        # The same data, typed field instead of raw_data, then short.
        m = load(src)
        t = m.graph.initializer[0]
        arr = onnx.numpy_helper.to_array(t)
        if arr.size > 0 and t.data_type == onnx.TensorProto.FLOAT:
            t.ClearField("raw_data")
            t.float_data.extend(arr.flatten()[:-1].tolist())
            c.add_model("short_init_typed", src, m, "reject")
        # Longer than the shape, and a shape larger than the data.
        m = load(src)
        t = m.graph.initializer[0]
        if t.raw_data:
            t.raw_data = t.raw_data + t.raw_data
            c.add_model("long_init", src, m, "reject")
        m = load(src)
        t = m.graph.initializer[0]
        if t.dims:
            t.dims[0] = t.dims[0] * 1000 + 1
            c.add_model("init_shape_grows", src, m, "reject")
        m = load(src)
        t = m.graph.initializer[0]
        t.data_type = rng.choice([0, 8, 99, -3, 2**31 - 1])
        c.add_model("init_bad_type", src, m, "reject")
    constants = [s for s in models
                 if any(n.op_type == "Constant" for n in load(s).graph.node)]
    for src in rng.sample(constants, min(len(constants), 2 * scale)):
        m = load(src)
        for i, n in enumerate(m.graph.node):
            if n.op_type == "Constant":
                for a in n.attribute:
                    if a.HasField("t") and short_tensor(a.t, rng):
                        c.add_model("short_constant", src, m, "reject",
                                    node=node_name(m, i))
                        break
                break


def attribute_cases(c, models, scale):
    import onnx

    rng = c.rng
    with_attrs = []
    for src in models:
        m = load(src)
        kinds = {a.type for n in m.graph.node for a in n.attribute}
        # Subgraphs are refused before any attribute is looked at.
        if kinds & {onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS}:
            continue
        if kinds & {onnx.AttributeProto.INT, onnx.AttributeProto.INTS}:
            with_attrs.append(src)
    values = [-1, -2**31, 2**31, INT64_MAX, INT64_MIN, 2**40, 0, 1000]
    for src in rng.sample(with_attrs, min(len(with_attrs), 12 * scale)):
        base = load(src)
        sites = [(i, j) for i, n in enumerate(base.graph.node)
                 for j, a in enumerate(n.attribute)
                 if a.type in (onnx.AttributeProto.INT,
                               onnx.AttributeProto.INTS)]
        for i, j in rng.sample(sites, min(len(sites), 3)):
            m = load(src)
            a = m.graph.node[i].attribute[j]
            v = rng.choice(values)
            if a.type == onnx.AttributeProto.INT:
                a.i = v
            elif len(a.ints) > 0:
                a.ints[rng.randrange(len(a.ints))] = v
            else:
                a.ints.extend([v] * rng.choice([1, 7, 100000]))
            c.add_model("attr_range", src, m, "any", attr_node=node_name(m, i),
                        attribute=a.name, value=v)
        # A wrong attribute type, and an attribute named twice.
        i, j = sites[0]
        m = load(src)
        a = m.graph.node[i].attribute[j]
        a.type = onnx.AttributeProto.STRING
        c.add_model("attr_type", src, m, "reject", node=node_name(m, i))


def external_cases(c, with_inits, scale):
    import onnx

    rng = c.rng
    secret = os.path.join(c.outside, "secret.bin")
    layouts = [
        ("missing", "no_such_file.bin", {}),
        ("absolute", secret, {}),
        ("dotdot", "../../outside/secret.bin", {}),
        ("dotdot_inner", "sub/../../../outside/secret.bin", {}),
        ("symlink", "link.bin", {"symlink": secret}),
        ("symlink_dir", "linkdir/secret.bin", {"symlink_dir": c.outside}),
        ("symlink_etc", "passwd.bin", {"symlink": "/etc/passwd"}),
        ("directory", ".", {}),
        ("subdirectory", "sub", {"mkdir": "sub"}),
        ("fifo", "fifo.bin", {"fifo": True}),
        ("empty_location", "", {}),
        ("offset_past_end", "weights.bin", {"offset": "1000000000"}),
        ("length_past_end", "weights.bin", {"length": "1000000000"}),
        ("offset_overflow", "weights.bin",
         {"offset": "18446744073709551615", "length": "16"}),
        ("offset_negative", "weights.bin", {"offset": "-1"}),
        ("length_text", "weights.bin", {"length": "12abc"}),
        ("length_short", "weights.bin", {"length": "1"}),
        ("proc", "../../../../../../../../proc/self/environ", {}),
        # A sparse 64 GiB file: the size must be checked before reading.
        ("huge_file", "huge.bin", {"sparse": 64 << 30}),
        ("huge_length", "huge.bin", {"sparse": 64 << 30,
                                     "length": str(64 << 30)}),
    ]
    for src in rng.sample(with_inits, min(len(with_inits), scale)):
        for name, location, opts in layouts:
            m = load(src)
            t = m.graph.initializer[0]
            data = t.raw_data or onnx.numpy_helper.to_array(t).tobytes()
            for f in ("raw_data", "float_data", "int32_data", "int64_data",
                      "double_data", "uint64_data"):
                t.ClearField(f)
            t.data_location = onnx.TensorProto.EXTERNAL
            entry = t.external_data.add()
            entry.key, entry.value = "location", location
            for key in ("offset", "length"):
                if key in opts:
                    e = t.external_data.add()
                    e.key, e.value = key, opts[key]
            d = c.add_model("extdata_" + name, src, m, "reject",
                            tensor=t.name)
            with open(os.path.join(d, "weights.bin"), "wb") as f:
                f.write(data)
            if "symlink" in opts:
                os.symlink(opts["symlink"], os.path.join(d, location))
            if "symlink_dir" in opts:
                os.symlink(opts["symlink_dir"], os.path.join(d, "linkdir"))
            if "mkdir" in opts:
                os.mkdir(os.path.join(d, opts["mkdir"]))
            if "sparse" in opts:
                with open(os.path.join(d, location), "wb") as f:
                    f.truncate(opts["sparse"])
            if opts.get("fifo"):
                os.mkfifo(os.path.join(d, location))
        # data_location EXTERNAL without any entry.
        m = load(src)
        m.graph.initializer[0].data_location = onnx.TensorProto.EXTERNAL
        c.add_model("extdata_no_entries", src, m, "reject")


def main(argv=None):
    p = argparse.ArgumentParser(description="Derive hostile ONNX files from libonnx-testdata models.")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--scale", type=int, default=2,
                   help="multiplies the number of cases of each kind")
    p.add_argument("--testdata", default=TESTDATA)
    args = p.parse_args(argv)

    models = find_models(args.testdata)
    if not models:
        print("make_corpus: no models under %s" % args.testdata,
              file=sys.stderr)
        return 1
    shutil.rmtree(args.out, ignore_errors=True)
    c = Corpus(args.out, args.seed)
    os.makedirs(c.cases_dir)
    os.makedirs(c.outside)
    with open(os.path.join(c.outside, "secret.bin"), "wb") as f:
        f.write(os.urandom(4096))

    byte_cases(c, models, args.scale)
    nesting_cases(c)
    graph_cases(c, models, args.scale)
    with_inits = dims_cases(c, models, args.scale)
    opset_cases(c, models, args.scale)
    data_cases(c, with_inits, models, args.scale)
    attribute_cases(c, models, args.scale)
    external_cases(c, with_inits, args.scale)

    with open(os.path.join(c.out, "manifest.json"), "w") as f:
        json.dump({"seed": args.seed, "scale": args.scale,
                   "cases": c.entries}, f, indent=1)
    kinds = {}
    for e in c.entries:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print("make_corpus: %d cases from %d models in %s (%s)" %
          (len(c.entries), len(models), c.out,
           ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
