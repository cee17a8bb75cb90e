# ===- make_matmul.py - A one-MatMul ONNX model for the target tests -------===#
#
# Writes Y = X @ W with X a 64x128 f32 input and W a 128x32 f32 initializer:
# one matmul dispatch of 2*64*32*128 = 524288 FLOP that moves
# (64*128 + 128*32 + 64*32) * 4 = 57344 bytes.
#
#   make_matmul.py OUT.onnx
#
# ===-----------------------------------------------------------------------===#
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

w = numpy_helper.from_array(
    np.arange(128 * 32, dtype=np.float32).reshape(128, 32) / 4096.0, name="w")
graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")],
    "matmul",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 128])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 32])],
    [w])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
