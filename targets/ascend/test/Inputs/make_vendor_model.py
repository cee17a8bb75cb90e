# ===- make_vendor_model.py - A small ONNX model for the vendor targets ----===#
#
# Writes y = ReduceSum(Dropout(Relu(Identity(x @ w) + b)), axis 1) with x an
# 128x256 f32 input, w 256x256 and b 256 f32 initializers, plus an unused
# initializer and a node nothing reads: a matmul, an elementwise and a
# reduction dispatch for the CUDA-family targets, and an Identity, an
# inference Dropout, a dead node and a dead initializer for the graph export
# of the ascend and cambricon targets to remove.
#
#   make_vendor_model.py OUT.onnx
#
# ===-----------------------------------------------------------------------===#
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
w = numpy_helper.from_array(rng.standard_normal((256, 256), np.float32), "w")
b = numpy_helper.from_array(rng.standard_normal(256).astype(np.float32), "b")
unused = numpy_helper.from_array(np.ones(4, np.float32), "unused")
axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
nodes = [
    helper.make_node("MatMul", ["x", "w"], ["xw"], name="matmul"),
    helper.make_node("Identity", ["xw"], ["xw_id"], name="identity"),
    helper.make_node("Add", ["xw_id", "b"], ["xwb"], name="add"),
    helper.make_node("Relu", ["xwb"], ["h"], name="relu"),
    helper.make_node("Dropout", ["h"], ["h_drop"], name="dropout"),
    helper.make_node("Neg", ["h"], ["dead"], name="dead_neg"),
    helper.make_node("ReduceSum", ["h_drop", "axes"], ["y"], name="sum"),
]
graph = helper.make_graph(
    nodes, "vendor",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [128, 256])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [128, 1])],
    [w, b, unused, axes])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
