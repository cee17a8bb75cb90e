#!/usr/bin/env python3
# ===- bad_input.py - The zellige CLI must refuse bad input cleanly ---------===#
#
# This file implements the bad-input tests of the `zellige` CLI. Each case
# feeds `zellige compile` or `zellige run` one kind of broken input (truncated
# or bit-flipped .onnx, an op no compiler knows, a dangling tensor, a wrong
# input name, shape or dtype, a corrupted or truncated .zlg, ...) and checks
# that the tool:
#
#   - exits with a status in 1..127 (not 0, not killed by a signal, no hang);
#   - prints exactly one non-empty line in total (stdout + stderr), and that
#     line says "error";
#   - names the offending file (or input), and for model errors the node;
#   - shows no crash report (LLVM stack dump, "PLEASE submit a bug report").
#
# Usage:
#   bad_input.py --zellige PATH [--case NAME ...] [--work DIR] [--list]
#
# Without --case every case runs; each prints PASS or FAIL with the reason,
# and the exit status is 1 when any case failed.
#
# ===------------------------------------------------------------------------===#

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "models"))

import make_models  # noqa: E402

CRASH_MARKERS = ("Stack dump", "PLEASE submit a bug report", "Segmentation fault",
                 "Aborted", "terminate called", "core dumped",
                 "Assertion", "UNREACHABLE")

# The model the run-time cases use, and its single input.
GOOD_MODEL = "mlp"
GOOD_INPUT = "x"


class CaseError(Exception):
    pass


class Context:
    def __init__(self, zellige, work, timeout):
        self.zellige = zellige
        self.work = work
        self.timeout = timeout
        self._good = None
        self._bundle = None

    def path(self, name):
        return os.path.join(self.work, name)

    def good_model(self):
        """Writes the good model and input once; returns (onnx path, x.npy)."""
        if self._good is None:
            mdir = make_models.write_model(GOOD_MODEL, self.work,
                                           with_reference=False, verbose=False)
            self._good = (os.path.join(mdir, "model.onnx"),
                          os.path.join(mdir, GOOD_INPUT + ".npy"))
        return self._good

    def good_bundle(self):
        """Compiles the good model; a failure here fails the case explicitly."""
        model, x = self.good_model()
        bundle = self.path("good.zlg")
        if self._bundle is None:
            if os.path.exists(bundle):
                os.remove(bundle)  # never test a stale bundle from a past run
            proc = invoke(self, ["compile", model, "--target", "host", "-o",
                                 bundle])
            if proc.returncode != 0 or not os.path.isfile(bundle):
                raise CaseError(
                    "precondition: compiling the good model %s failed (exit "
                    "%d), so the run-time case cannot be checked:\n%s" %
                    (model, proc.returncode, proc.stderr.rstrip()))
            self._bundle = bundle
        return bundle, x


def invoke(ctx, args):
    cmd = [ctx.zellige] + args
    print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              errors="replace", timeout=ctx.timeout)
    except FileNotFoundError as e:
        raise CaseError("cannot execute %s: %s" % (ctx.zellige, e.strerror))
    except subprocess.TimeoutExpired:
        raise CaseError("hung: no exit within %ss" % ctx.timeout)


def expect_error(ctx, args, mentions):
    """Runs zellige and checks the one-line-error contract.

    `mentions` is a list of (what, regex) that the error line must match.
    """
    proc = invoke(ctx, args)
    out = proc.stdout + proc.stderr
    lines = [l for l in out.splitlines() if l.strip()]
    shown = "\n".join("    | " + l for l in lines[:20]) or "    | (no output)"
    problems = []
    if proc.returncode == 0:
        problems.append("exit status 0: the bad input was accepted")
    elif proc.returncode < 0:
        problems.append("killed by signal %d (crash)" % -proc.returncode)
    elif proc.returncode > 127:
        problems.append("exit status %d looks like a signal" % proc.returncode)
    for marker in CRASH_MARKERS:
        if marker in out:
            problems.append("output contains crash marker %r" % marker)
    if proc.returncode != 0:
        if len(lines) != 1:
            problems.append("expected exactly one output line, got %d" %
                            len(lines))
        if lines and not re.search(r"error", " ".join(lines), re.IGNORECASE):
            problems.append("the message does not say 'error'")
        text = " ".join(lines)
        for what, pattern in mentions:
            if not re.search(pattern, text):
                problems.append("the message does not name %s" % what)
    if problems:
        raise CaseError("%s\n  output (exit %d):\n%s" %
                        ("; ".join(problems), proc.returncode, shown))
    print("  exit %d: %s" % (proc.returncode, lines[0]))


def names_file(path):
    """A regex matching the file's path or its base name."""
    return ("file %s" % os.path.basename(path),
            re.escape(os.path.basename(path)))


def names_token(what, token):
    return (what, r"(?<![\w.-])%s(?![\w.-])" % re.escape(token))


def _reject_parse(data):
    """True when protobuf cannot parse `data` as a ModelProto."""
    import onnx
    from google.protobuf.message import DecodeError

    try:
        onnx.ModelProto().ParseFromString(data)
    except DecodeError:
        return True
    return False


def _model_with(ctx, name, build):
    """Saves a one-off model built by `build(helper, TensorProto)`."""
    import onnx
    from onnx import TensorProto, helper

    model = build(helper, TensorProto)
    path = ctx.path(name)
    onnx.save(model, path)
    return path


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = {}


def case(name):
    def wrap(fn):
        CASES[name] = fn
        return fn

    return wrap


@case("compile.missing_file")
def missing_file(ctx):
    path = ctx.path("does_not_exist.onnx")
    expect_error(ctx, ["compile", path, "--target", "host", "-o",
                       ctx.path("out.zlg")], [names_file(path)])


@case("compile.not_onnx")
def not_onnx(ctx):
    path = ctx.path("text_file.onnx")
    with open(path, "w") as f:
        f.write("this is not an ONNX model\n" * 4)
    expect_error(ctx, ["compile", path, "-o", ctx.path("out.zlg")],
                 [names_file(path)])


@case("compile.truncated_onnx")
def truncated_onnx(ctx):
    model, _ = ctx.good_model()
    data = open(model, "rb").read()
    # Cut in the middle; move the cut until protobuf itself rejects the
    # prefix, so the case cannot pass by accident of a field boundary.
    cut = len(data) // 2
    while cut > 1 and not _reject_parse(data[:cut]):
        cut -= 1
    path = ctx.path("truncated.onnx")
    with open(path, "wb") as f:
        f.write(data[:cut])
    expect_error(ctx, ["compile", path, "-o", ctx.path("out.zlg")],
                 [names_file(path)])


@case("compile.bitflip_onnx")
def bitflip_onnx(ctx):
    model, _ = ctx.good_model()
    data = bytearray(open(model, "rb").read())
    # Flip the top bit of the first byte at or after the middle whose flip
    # protobuf rejects (a tag, wire type or length, not a weight's bytes).
    for off in list(range(len(data) // 2, len(data))) + list(
            range(len(data) // 2)):
        flipped = bytearray(data)
        flipped[off] ^= 0x80
        if _reject_parse(bytes(flipped)):
            break
    else:
        raise CaseError("found no single-bit flip that protobuf rejects")
    path = ctx.path("bitflip.onnx")
    with open(path, "wb") as f:
        f.write(flipped)
    print("  flipped bit 7 of byte %d of %d" % (off, len(data)))
    expect_error(ctx, ["compile", path, "-o", ctx.path("out.zlg")],
                 [names_file(path)])


@case("compile.unsupported_op")
def unsupported_op(ctx):
    def build(helper, T):
        x = helper.make_tensor_value_info("x", T.FLOAT, [2, 8])
        y = helper.make_tensor_value_info("y", T.FLOAT, [2, 8])
        nodes = [
            helper.make_node("Relu", ["x"], ["r"], name="relu_before"),
            helper.make_node("FrobnicateTensor", ["r"], ["y"],
                             name="mystery_node", domain="com.example.custom"),
        ]
        graph = helper.make_graph(nodes, "custom_op", [x], [y])
        model = helper.make_model(graph, opset_imports=[
            helper.make_opsetid("", 17),
            helper.make_opsetid("com.example.custom", 1)])
        model.ir_version = 8
        return model

    path = _model_with(ctx, "custom_op.onnx", build)
    expect_error(ctx, ["compile", path, "-o", ctx.path("out.zlg")],
                 [names_file(path), names_token("node mystery_node",
                                                "mystery_node")])


@case("compile.undefined_tensor")
def undefined_tensor(ctx):
    def build(helper, T):
        x = helper.make_tensor_value_info("x", T.FLOAT, [2, 8])
        y = helper.make_tensor_value_info("y", T.FLOAT, [2, 8])
        nodes = [helper.make_node("Add", ["x", "nowhere"], ["y"],
                                  name="dangling_add")]
        graph = helper.make_graph(nodes, "dangling", [x], [y])
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        return model

    path = _model_with(ctx, "dangling.onnx", build)
    expect_error(ctx, ["compile", path, "-o", ctx.path("out.zlg")],
                 [names_file(path), names_token("node dangling_add",
                                                "dangling_add")])


def _mlp_like(helper, T, nodes=None, x_dims=(2, 8), opset=17, inits=()):
    """A small Relu/Add model; `nodes` replaces its nodes."""
    x = helper.make_tensor_value_info("x", T.FLOAT, list(x_dims))
    y = helper.make_tensor_value_info("y", T.FLOAT, None)
    if nodes is None:
        nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu_node"),
                 helper.make_node("Add", ["r", "x"], ["y"], name="add_node")]
    graph = helper.make_graph(nodes, "hostile", [x], [y],
                              initializer=list(inits))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def _compile_error(ctx, name, build, mentions=(), setup=None):
    path = _model_with(ctx, name, build)
    if setup:
        setup(os.path.dirname(path))
    expect_error(ctx, ["compile", path, "--target", "host", "-o",
                       ctx.path("out.zlg")],
                 [names_file(path)] + list(mentions))


@case("compile.empty_onnx")
def empty_onnx(ctx):
    path = ctx.path("empty.onnx")
    open(path, "wb").close()
    expect_error(ctx, ["compile", path, "-o", ctx.path("out.zlg")],
                 [names_file(path)])


@case("compile.cycle")
def cycle(ctx):
    def build(helper, T):
        return _mlp_like(helper, T, nodes=[
            helper.make_node("Relu", ["y"], ["r"], name="cycle_relu"),
            helper.make_node("Add", ["r", "x"], ["y"], name="cycle_add")])

    _compile_error(ctx, "cycle.onnx", build,
                   [names_token("node cycle_relu", "cycle_relu")])


@case("compile.negative_dim")
def negative_dim(ctx):
    _compile_error(ctx, "negative_dim.onnx",
                   lambda h, T: _mlp_like(h, T, x_dims=(2, -8)))


@case("compile.overflowing_dims")
def overflowing_dims(ctx):
    # Each dim is valid; their product overflows int64.
    _compile_error(ctx, "overflow_dims.onnx",
                   lambda h, T: _mlp_like(h, T, x_dims=(2**31, 2**31, 2**31)))


@case("compile.terabyte_dims")
def terabyte_dims(ctx):
    _compile_error(ctx, "terabyte_dims.onnx",
                   lambda h, T: _mlp_like(h, T, x_dims=(2**20, 2**20, 2**4)))


@case("compile.future_opset")
def future_opset(ctx):
    _compile_error(ctx, "future_opset.onnx",
                   lambda h, T: _mlp_like(h, T, opset=999),
                   [("the opset", r"999")])


@case("compile.attribute_out_of_range")
def attribute_out_of_range(ctx):
    def build(helper, T):
        return _mlp_like(helper, T, nodes=[
            helper.make_node("Softmax", ["x"], ["y"], name="far_softmax",
                             axis=2**40)])

    _compile_error(ctx, "attr_range.onnx", build,
                   [names_token("node far_softmax", "far_softmax")])


@case("compile.convolution_rank_mismatch")
def convolution_rank_mismatch(ctx):
    # Found by the fuzzer: libonnx's ConvTranspose shape inference reads the
    # weight's dims by the input's rank, past a rank-2 weight.
    def build(helper, T):
        w = helper.make_tensor("w", T.FLOAT, [1, 2], [0.5, 0.25])
        return _mlp_like(helper, T, x_dims=(1, 1, 3, 4, 5), inits=[w], nodes=[
            helper.make_node("ConvTranspose", ["x", "w"], ["y"],
                             name="short_weight_convt")])

    _compile_error(ctx, "conv_rank.onnx", build,
                   [names_token("node short_weight_convt",
                                "short_weight_convt"),
                    ("the ranks", r"rank 2")])


def _weight_model(helper, T, weight):
    return _mlp_like(helper, T, nodes=[
        helper.make_node("Add", ["x", "w"], ["y"], name="weight_add")],
        inits=[weight])


@case("compile.short_initializer_raw")
def short_initializer_raw(ctx):
    def build(helper, T):
        w = helper.make_tensor("w", T.FLOAT, [2, 8], b"\0" * 64, raw=True)
        w.raw_data = w.raw_data[:60]
        return _weight_model(helper, T, w)

    _compile_error(ctx, "short_raw.onnx", build, [("tensor w", r"'w'")])


@case("compile.short_initializer_typed")
def short_initializer_typed(ctx):
    def build(helper, T):
        w = helper.make_tensor("w", T.FLOAT, [2, 8], [1.0] * 16)
        del w.float_data[15:]
        return _weight_model(helper, T, w)

    _compile_error(ctx, "short_typed.onnx", build, [("tensor w", r"'w'")])


def _external_case(ctx, name, location, extra=(), setup=None):
    def build(helper, T):
        w = helper.make_tensor("w", T.FLOAT, [2, 8], b"\0" * 64, raw=True)
        w.ClearField("raw_data")
        w.data_location = T.EXTERNAL
        for key, value in (("location", location),) + tuple(extra):
            entry = w.external_data.add()
            entry.key, entry.value = key, value
        return _weight_model(helper, T, w)

    # Each external-data case gets its own folder, with a secret next to it.
    folder = ctx.path(name)
    os.makedirs(folder, exist_ok=True)
    secret = ctx.path("secret.bin")
    with open(secret, "wb") as f:
        f.write(b"\1" * 64)
    with open(os.path.join(folder, "w.bin"), "wb") as f:
        f.write(b"\0" * 64)
    _compile_error(ctx, os.path.join(name, "model.onnx"), build,
                   [("tensor w", r"'w'")], setup)


@case("compile.external_data_missing")
def external_data_missing(ctx):
    _external_case(ctx, "ext_missing", "nowhere.bin")


@case("compile.external_data_absolute")
def external_data_absolute(ctx):
    _external_case(ctx, "ext_absolute", ctx.path("secret.bin"))


@case("compile.external_data_dotdot")
def external_data_dotdot(ctx):
    _external_case(ctx, "ext_dotdot", "../secret.bin")


@case("compile.external_data_symlink")
def external_data_symlink(ctx):
    _external_case(ctx, "ext_symlink", "link.bin",
                   setup=lambda d: os.path.lexists(os.path.join(
                       d, "link.bin")) or os.symlink(
                           ctx.path("secret.bin"), os.path.join(d, "link.bin")))


@case("compile.external_data_past_end")
def external_data_past_end(ctx):
    _external_case(ctx, "ext_past_end", "w.bin",
                   (("offset", "32"), ("length", "64")))


@case("run.wrong_input_name")
def wrong_input_name(ctx):
    bundle, x = ctx.good_bundle()
    expect_error(ctx, ["run", bundle, "--input", "no_such_input=" + x,
                       "--output-dir", ctx.path("out")],
                 [names_token("input no_such_input", "no_such_input")])


@case("run.missing_input")
def missing_input(ctx):
    bundle, _ = ctx.good_bundle()
    expect_error(ctx, ["run", bundle, "--output-dir", ctx.path("out")],
                 [names_token("input " + GOOD_INPUT, GOOD_INPUT)])


def _input_case(ctx, file_name, array):
    bundle, _ = ctx.good_bundle()
    path = ctx.path(file_name)
    np.save(path, array)
    # Either the .npy file or the input's name identifies the culprit.
    expect_error(ctx, ["run", bundle, "--input", "%s=%s" % (GOOD_INPUT, path),
                       "--output-dir", ctx.path("out")],
                 [("file %s or input %s" % (file_name, GOOD_INPUT),
                   "%s|%s" % (re.escape(file_name),
                              names_token("", GOOD_INPUT)[1]))])


@case("run.wrong_shape")
def wrong_shape(ctx):
    _input_case(ctx, "x_wrong_shape.npy",
                np.ones((3, 64), dtype=np.float32))


@case("run.wrong_rank")
def wrong_rank(ctx):
    _input_case(ctx, "x_wrong_rank.npy",
                np.ones((2, 8, 8), dtype=np.float32))


@case("run.wrong_dtype")
def wrong_dtype(ctx):
    _input_case(ctx, "x_wrong_dtype.npy",
                np.ones((2, 64), dtype=np.float64))


@case("run.corrupt_npy")
def corrupt_npy(ctx):
    bundle, _ = ctx.good_bundle()
    path = ctx.path("x_garbage.npy")
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00garbage header that is not a dict")
    expect_error(ctx, ["run", bundle, "--input", "%s=%s" % (GOOD_INPUT, path),
                       "--output-dir", ctx.path("out")],
                 [names_file(path)])


@case("run.string_too_long")
def string_too_long(ctx):
    """A string input longer than the bundle's --string-bytes."""
    def build(helper, T):
        x = helper.make_tensor_value_info("words", T.STRING, [3])
        y = helper.make_tensor_value_info("kept", T.STRING, [None])
        node = helper.make_node("StringNormalizer", ["words"], ["kept"],
                                stopwords=["a"], name="norm")
        return helper.make_model(
            helper.make_graph([node], "g", [x], [y]),
            opset_imports=[helper.make_opsetid("", 10)])
    model = _model_with(ctx, "strings.onnx", build)
    bundle = ctx.path("strings.zlg")
    invoke(ctx, ["compile", model, "--target", "host", "--string-bytes", "4",
                 "-o", bundle])
    path = ctx.path("words.npy")
    np.save(path, np.array(["a", "much too long", "b"]))
    expect_error(ctx, ["run", bundle, "--input", "words=%s" % path,
                       "--output-dir", ctx.path("out")],
                 [names_token("input words", "words"),
                  ("the limit", r"at most 4 bytes")])


def _bad_bundle(ctx, name, mutate):
    bundle, x = ctx.good_bundle()
    data = bytearray(open(bundle, "rb").read())
    data = mutate(data)
    path = ctx.path(name)
    with open(path, "wb") as f:
        f.write(data)
    expect_error(ctx, ["run", path, "--input", "%s=%s" % (GOOD_INPUT, x),
                       "--output-dir", ctx.path("out")],
                 [names_file(path)])


@case("run.corrupted_zlg")
def corrupted_zlg(ctx):
    def flip(data):
        data[len(data) // 2] ^= 0xFF
        return data

    _bad_bundle(ctx, "corrupted.zlg", flip)


@case("run.truncated_zlg")
def truncated_zlg(ctx):
    _bad_bundle(ctx, "truncated.zlg", lambda data: data[:len(data) // 2])


@case("run.missing_zlg")
def missing_zlg(ctx):
    _, x = ctx.good_model()
    path = ctx.path("no_such_bundle.zlg")
    expect_error(ctx, ["run", path, "--input", "%s=%s" % (GOOD_INPUT, x),
                       "--output-dir", ctx.path("out")],
                 [names_file(path)])


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Check that the zellige CLI refuses bad input with one "
        "clear error line and a non-zero exit status.")
    p.add_argument("--zellige", default=os.environ.get("ZELLIGE", "zellige"))
    p.add_argument("--case", action="append", metavar="NAME",
                   help="run only this case (repeatable)")
    p.add_argument("--list", action="store_true", help="print the case names")
    p.add_argument("--work", help="work directory (default: a temporary one)")
    p.add_argument("--timeout", type=float, default=120,
                   help="seconds allowed per zellige invocation")
    args = p.parse_args(argv)

    if args.list:
        print("\n".join(CASES))
        return 0
    names = args.case or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        p.error("unknown case(s): %s" % ", ".join(unknown))

    work = args.work or tempfile.mkdtemp(prefix="zellige-bad-input-")
    os.makedirs(work, exist_ok=True)
    ctx = Context(os.path.abspath(args.zellige) if os.sep in args.zellige
                  else args.zellige, os.path.abspath(work), args.timeout)
    failed = []
    try:
        for name in names:
            print("=== %s" % name, flush=True)
            try:
                CASES[name](ctx)
                print("PASS: %s" % name, flush=True)
            except CaseError as e:
                failed.append(name)
                print("FAIL: %s: %s" % (name, e), flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print("%d of %d bad-input cases passed%s" %
          (len(names) - len(failed), len(names),
           "; failed: " + ", ".join(failed) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
