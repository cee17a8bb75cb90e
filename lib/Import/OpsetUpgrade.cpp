//===- OpsetUpgrade.cpp - Bring ONNX nodes to the canonical opset ---------===//
//
// This file implements the importer's opset normalization. The onnx dialect
// has one operation per operator, mirroring the newest schema libonnx knows
// (opset 17). A model importing another opset is rewritten here, node by
// node, into that form:
//   - older nodes: attributes that later became inputs (Reshape, Squeeze,
//     Unsqueeze, ReduceSum, Split, Pad, Clip, Slice, TopK, Dropout) become
//     constant inputs, Softmax/LogSoftmax/Hardmax before 13 (which coerce
//     their input to 2-D) become Shape + Flatten + op + Reshape, Upsample and
//     Resize-10 become Resize-13, legacy broadcasting is checked and dropped;
//     a version whose schema only widened types or added attributes whose
//     defaults keep the old meaning is kept as is (checked against libonnx's
//     schema history);
//   - newer nodes (opsets 18..23, which libonnx does not know): constant
//     `axes` inputs of the reductions become attributes, Split's num_outputs
//     becomes split sizes, Pad's axes are expanded, new attributes are
//     dropped when they hold their neutral value, Gelu and Mish are expanded
//     into primitive operators. A newer form that opset 17 cannot express is
//     an error naming the node.
// Rules are keyed by operator and since-version, in one table below.
//
//===----------------------------------------------------------------------===//

#include "OpsetUpgrade.h"

#include "zellige/Import/ONNXImporter.h"

#include "onnx/defs/schema.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

using namespace zellige;
using namespace zellige::import_detail;

namespace {

//===----------------------------------------------------------------------===//
// Versions past libonnx's opset 17
//===----------------------------------------------------------------------===//

/// One since-version past opset 17 (from the ONNX operator changelog).
/// `typesOnly` marks versions whose schema differs from the previous one
/// only by the element types it accepts; the others have a rule below.
struct VersionBump {
  const char *op;
  int version;
  bool typesOnly;
};

// clang-format off
const VersionBump kPost17Bumps[] = {
    {"Acos", 22, true}, {"Acosh", 22, true}, {"Asin", 22, true},
    {"Asinh", 22, true}, {"Atan", 22, true}, {"Atanh", 22, true},
    {"AveragePool", 19, false}, {"AveragePool", 22, false},
    {"Bernoulli", 22, true},
    {"Cast", 19, false}, {"Cast", 21, false}, {"Cast", 23, false},
    {"CastLike", 19, false}, {"CastLike", 21, false}, {"CastLike", 23, false},
    {"Constant", 19, true}, {"Constant", 21, true}, {"Constant", 23, true},
    {"ConstantOfShape", 20, true}, {"ConstantOfShape", 21, true},
    {"ConstantOfShape", 23, true},
    {"Conv", 22, true}, {"ConvTranspose", 22, true}, {"Cos", 22, true},
    {"Cosh", 22, true}, {"DFT", 20, false},
    {"DequantizeLinear", 19, false}, {"DequantizeLinear", 21, false},
    {"DequantizeLinear", 23, false},
    {"Det", 22, true}, {"Dropout", 22, true}, {"Elu", 22, true},
    {"Equal", 19, true}, {"EyeLike", 22, true},
    {"Flatten", 21, true}, {"Flatten", 23, true},
    {"GRU", 22, true}, {"Gelu", 20, false},
    {"GlobalAveragePool", 22, true}, {"GlobalLpPool", 22, true},
    {"GlobalMaxPool", 22, true},
    {"GridSample", 20, false}, {"GridSample", 22, false},
    {"HardSigmoid", 22, true}, {"HardSwish", 22, true},
    {"Identity", 19, true}, {"Identity", 21, true}, {"Identity", 23, true},
    {"If", 19, true}, {"If", 21, true}, {"If", 23, true},
    {"InstanceNormalization", 22, true}, {"IsInf", 20, true},
    {"IsNaN", 20, true}, {"LSTM", 22, true},
    {"Loop", 19, true}, {"Loop", 21, true}, {"Loop", 23, true},
    {"LpNormalization", 22, true},
    {"LpPool", 18, false}, {"LpPool", 22, false},
    {"MaxPool", 22, true}, {"MaxRoiPool", 22, true}, {"MaxUnpool", 22, true},
    {"Mish", 18, false}, {"Mish", 22, false},
    {"Multinomial", 22, true}, {"NegativeLogLikelihoodLoss", 22, true},
    {"OptionalGetElement", 18, true}, {"OptionalHasElement", 18, true},
    {"Pad", 18, false}, {"Pad", 19, false}, {"Pad", 21, false},
    {"Pad", 23, false},
    {"QLinearMatMul", 21, true},
    {"QuantizeLinear", 19, false}, {"QuantizeLinear", 21, false},
    {"QuantizeLinear", 23, false},
    {"RNN", 22, true}, {"RandomNormal", 22, true},
    {"RandomNormalLike", 22, true}, {"RandomUniform", 22, true},
    {"RandomUniformLike", 22, true},
    {"ReduceL1", 18, false}, {"ReduceL2", 18, false},
    {"ReduceLogSum", 18, false}, {"ReduceLogSumExp", 18, false},
    {"ReduceMax", 18, false}, {"ReduceMax", 20, false},
    {"ReduceMean", 18, false},
    {"ReduceMin", 18, false}, {"ReduceMin", 20, false},
    {"ReduceProd", 18, false}, {"ReduceSumSquare", 18, false},
    {"Reshape", 19, true}, {"Reshape", 21, true}, {"Reshape", 23, true},
    {"Resize", 18, false}, {"Resize", 19, false},
    {"RoiAlign", 22, true}, {"Round", 22, true},
    {"Scan", 19, true}, {"Scan", 21, true}, {"Scan", 23, true},
    {"ScatterElements", 18, false}, {"ScatterND", 18, false},
    {"Selu", 22, true},
    {"Shape", 19, true}, {"Shape", 21, true}, {"Shape", 23, true},
    {"Sin", 22, true}, {"Sinh", 22, true},
    {"Size", 19, true}, {"Size", 21, true}, {"Size", 23, true},
    {"Softplus", 22, true}, {"Softsign", 22, true}, {"Split", 18, false},
    {"Squeeze", 21, true}, {"Squeeze", 23, true},
    {"Tan", 22, true}, {"ThresholdedRelu", 22, true},
    {"Transpose", 21, true}, {"Transpose", 23, true},
    {"Unsqueeze", 21, true}, {"Unsqueeze", 23, true},
};
// clang-format on

const VersionBump *findBump(const std::string &op, int64_t version) {
  for (const VersionBump &b : kPost17Bumps)
    if (op == b.op && b.version == version)
      return &b;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Graph rewriting helpers
//===----------------------------------------------------------------------===//

class Rewriter {
public:
  explicit Rewriter(onnx::GraphProto &graph) : graph(graph) {
    for (const auto &in : graph.input())
      noteValueInfo(in);
    for (const auto &vi : graph.value_info())
      noteValueInfo(vi);
    for (const auto &out : graph.output())
      noteValueInfo(out);
    for (const auto &init : graph.initializer()) {
      names.insert(init.name());
      constants[init.name()] = &init;
      elemTypes[init.name()] = init.data_type();
      ranks[init.name()] = init.dims_size();
      shapes[init.name()] =
          std::vector<int64_t>(init.dims().begin(), init.dims().end());
    }
    for (const auto &node : graph.node()) {
      for (const auto &o : node.output())
        names.insert(o);
      if (node.op_type() == "Constant" &&
          (node.domain().empty() || node.domain() == "ai.onnx") &&
          node.output_size() == 1)
        noteConstantNode(node);
    }
  }

  /// A name no value of the graph uses yet.
  std::string freshName(const std::string &base) {
    std::string name = base;
    for (int i = 1; names.count(name); ++i)
      name = base + "_" + std::to_string(i);
    names.insert(name);
    return name;
  }

  /// The constant tensor named `name` (an initializer or a Constant node
  /// output), or null.
  const onnx::TensorProto *findConstant(const std::string &name) const {
    auto it = constants.find(name);
    return it == constants.end() ? nullptr : it->second;
  }

  /// Reads an integer constant; false when `name` is no constant of an
  /// integer type with inline data.
  bool readInts(const std::string &name, std::vector<int64_t> &out) const {
    const onnx::TensorProto *t = findConstant(name);
    if (!t || t->data_location() == onnx::TensorProto::EXTERNAL)
      return false;
    int64_t n = 1;
    for (int64_t d : t->dims())
      n *= d;
    out.clear();
    if (t->data_type() == onnx::TensorProto::INT64) {
      if (t->has_raw_data()) {
        const std::string &raw = t->raw_data();
        if (raw.size() != static_cast<size_t>(n) * 8)
          return false;
        out.resize(n);
        std::memcpy(out.data(), raw.data(), raw.size());
        return true;
      }
      if (t->int64_data_size() != n)
        return false;
      out.assign(t->int64_data().begin(), t->int64_data().end());
      return true;
    }
    if (t->data_type() == onnx::TensorProto::INT32) {
      if (t->has_raw_data()) {
        const std::string &raw = t->raw_data();
        if (raw.size() != static_cast<size_t>(n) * 4)
          return false;
        std::vector<int32_t> tmp(n);
        std::memcpy(tmp.data(), raw.data(), raw.size());
        out.assign(tmp.begin(), tmp.end());
        return true;
      }
      if (t->int32_data_size() != n)
        return false;
      out.assign(t->int32_data().begin(), t->int32_data().end());
      return true;
    }
    return false;
  }

  /// The statically known rank of value `name`, or -1.
  int64_t staticRank(const std::string &name) const {
    auto it = ranks.find(name);
    return it == ranks.end() ? -1 : it->second;
  }

  /// The statically known dims of `name` (-1 for unknown ones), if ranked.
  const std::vector<int64_t> *staticShape(const std::string &name) const {
    auto it = shapes.find(name);
    return it == shapes.end() ? nullptr : &it->second;
  }

  /// The element type of `name` (TensorProto::DataType), or 0.
  int32_t elemType(const std::string &name) const {
    auto it = elemTypes.find(name);
    return it == elemTypes.end() ? 0 : it->second;
  }

  std::string addInt64s(const std::string &base,
                        const std::vector<int64_t> &values, bool scalar) {
    onnx::TensorProto *t = graph.add_initializer();
    t->set_name(freshName(base));
    t->set_data_type(onnx::TensorProto::INT64);
    if (!scalar)
      t->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values)
      t->add_int64_data(v);
    return t->name();
  }

  /// A scalar of `value` with the element type of `like`: a float initializer
  /// when `like` is known to be f32, else a CastLike of one.
  std::string addScalarLike(const std::string &base, float value,
                            const std::string &like,
                            const std::string &nodeName) {
    onnx::TensorProto *t = graph.add_initializer();
    t->set_name(freshName(base));
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(value);
    if (elemType(like) == onnx::TensorProto::FLOAT)
      return t->name();
    onnx::NodeProto &cast = emit("CastLike", nodeName + "/" + base);
    cast.add_input(t->name());
    cast.add_input(like);
    std::string out = freshName(base + "_cast");
    cast.add_output(out);
    return out;
  }

  /// Appends a new default-domain node to the rewritten node list.
  onnx::NodeProto &emit(const std::string &opType, const std::string &name) {
    out.emplace_back();
    onnx::NodeProto &n = out.back();
    n.set_op_type(opType);
    n.set_name(name);
    return n;
  }

  /// Emits `opType(inputs...) -> one fresh output` and returns the output.
  std::string emitValue(const std::string &opType, const std::string &name,
                        std::initializer_list<std::string> inputs) {
    onnx::NodeProto &n = emit(opType, name);
    for (const std::string &i : inputs)
      n.add_input(i);
    std::string o = freshName(name);
    n.add_output(o);
    return o;
  }

  onnx::GraphProto &graph;
  std::deque<onnx::NodeProto> out;
  /// Set by a rule that emitted the node's full replacement.
  bool replaced = false;

private:
  void noteValueInfo(const onnx::ValueInfoProto &vi) {
    names.insert(vi.name());
    if (!vi.type().has_tensor_type())
      return;
    const auto &tt = vi.type().tensor_type();
    if (tt.elem_type())
      elemTypes[vi.name()] = tt.elem_type();
    if (tt.has_shape()) {
      ranks[vi.name()] = tt.shape().dim_size();
      std::vector<int64_t> dims;
      for (const auto &d : tt.shape().dim())
        dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
      shapes[vi.name()] = dims;
    }
  }

  void noteConstantNode(const onnx::NodeProto &node) {
    const std::string &name = node.output(0);
    for (const auto &a : node.attribute()) {
      if (a.name() == "value" && a.has_t()) {
        constants[name] = &a.t();
        return;
      }
      if (a.name() == "value_ints" || a.name() == "value_int") {
        onnx::TensorProto &t = synthesized.emplace_back();
        t.set_data_type(onnx::TensorProto::INT64);
        if (a.name() == "value_ints") {
          t.add_dims(a.ints_size());
          for (int64_t v : a.ints())
            t.add_int64_data(v);
        } else {
          t.add_int64_data(a.i());
        }
        constants[name] = &t;
        return;
      }
    }
  }

  std::unordered_set<std::string> names;
  std::unordered_map<std::string, const onnx::TensorProto *> constants;
  std::unordered_map<std::string, int32_t> elemTypes;
  std::unordered_map<std::string, int64_t> ranks;
  std::unordered_map<std::string, std::vector<int64_t>> shapes;
  std::deque<onnx::TensorProto> synthesized;
};

onnx::AttributeProto *findAttr(onnx::NodeProto &node, const char *name) {
  for (auto &a : *node.mutable_attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

void removeAttr(onnx::NodeProto &node, const char *name) {
  auto *attrs = node.mutable_attribute();
  for (int i = 0; i < attrs->size(); ++i)
    if (attrs->Get(i).name() == name) {
      attrs->DeleteSubrange(i, 1);
      return;
    }
}

void setIntAttr(onnx::NodeProto &node, const char *name, int64_t v) {
  removeAttr(node, name);
  onnx::AttributeProto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void setStringAttr(onnx::NodeProto &node, const char *name,
                   const std::string &v) {
  removeAttr(node, name);
  onnx::AttributeProto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

int64_t intAttr(onnx::NodeProto &node, const char *name, int64_t dflt) {
  onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->i() : dflt;
}

std::string stringAttr(onnx::NodeProto &node, const char *name,
                       const std::string &dflt) {
  onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->s() : dflt;
}

std::string input(const onnx::NodeProto &node, int i) {
  return i < node.input_size() ? node.input(i) : std::string();
}

void setInput(onnx::NodeProto &node, int i, const std::string &name) {
  while (node.input_size() <= i)
    node.add_input("");
  node.set_input(i, name);
}

/// Drops trailing empty input names.
void trimInputs(onnx::NodeProto &node) {
  while (node.input_size() && node.input(node.input_size() - 1).empty())
    node.mutable_input()->RemoveLast();
}

std::string nodeLabel(const onnx::NodeProto &node) {
  return node.name().empty() ? node.op_type() : node.name();
}

using RuleFn = bool (*)(Rewriter &, onnx::NodeProto &, std::string &);

//===----------------------------------------------------------------------===//
// Rules for versions older than the canonical one
//===----------------------------------------------------------------------===//

/// Moves INTS attribute `attr` to input `index` as a 1-D int64 constant.
bool intsAttrToInput(Rewriter &rw, onnx::NodeProto &node, const char *attr,
                     int index) {
  onnx::AttributeProto *a = findAttr(node, attr);
  if (!a)
    return true;
  std::vector<int64_t> v(a->ints().begin(), a->ints().end());
  removeAttr(node, attr);
  setInput(node, index, rw.addInt64s(nodeLabel(node) + "_" + attr, v, false));
  return true;
}

bool axesAttrToInput(Rewriter &rw, onnx::NodeProto &node, std::string &) {
  return intsAttrToInput(rw, node, "axes", 1);
}

bool reshapeShapeAttr(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  if (!findAttr(node, "shape") && node.input_size() < 2) {
    err = "Reshape has neither a 'shape' attribute nor a shape input";
    return false;
  }
  return intsAttrToInput(rw, node, "shape", 1);
}

bool splitAttrToInput(Rewriter &rw, onnx::NodeProto &node, std::string &) {
  return intsAttrToInput(rw, node, "split", 1);
}

bool sliceAttrsToInputs(Rewriter &rw, onnx::NodeProto &node,
                        std::string &err) {
  if (!findAttr(node, "starts") || !findAttr(node, "ends")) {
    err = "Slice before opset 10 needs 'starts' and 'ends' attributes";
    return false;
  }
  intsAttrToInput(rw, node, "starts", 1);
  intsAttrToInput(rw, node, "ends", 2);
  intsAttrToInput(rw, node, "axes", 3);
  return true;
}

bool padAttrsToInputs(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  const char *padsName = findAttr(node, "pads") ? "pads" : "paddings";
  if (!findAttr(node, padsName)) {
    err = "Pad before opset 11 needs a 'pads' attribute";
    return false;
  }
  intsAttrToInput(rw, node, padsName, 1);
  if (onnx::AttributeProto *v = findAttr(node, "value")) {
    float value = v->f();
    removeAttr(node, "value");
    if (value != 0.0f)
      setInput(node, 2,
               rw.addScalarLike(nodeLabel(node) + "_value", value,
                                node.input(0), nodeLabel(node)));
  }
  return true;
}

bool clipAttrsToInputs(Rewriter &rw, onnx::NodeProto &node, std::string &) {
  const char *names[] = {"min", "max"};
  for (int i = 0; i < 2; ++i) {
    onnx::AttributeProto *a = findAttr(node, names[i]);
    if (!a)
      continue;
    float v = a->f();
    removeAttr(node, names[i]);
    setInput(node, i + 1,
             rw.addScalarLike(nodeLabel(node) + "_" + names[i], v,
                              node.input(0), nodeLabel(node)));
  }
  return true;
}

bool dropoutAttrsToInputs(Rewriter &rw, onnx::NodeProto &node,
                          std::string &err) {
  if (intAttr(node, "is_test", 1) == 0 && node.output_size() > 1 &&
      !node.output(1).empty()) {
    err = "Dropout in training mode (is_test = 0) is not supported";
    return false;
  }
  removeAttr(node, "is_test");
  if (onnx::AttributeProto *r = findAttr(node, "ratio")) {
    float ratio = r->f();
    removeAttr(node, "ratio");
    onnx::TensorProto *t = rw.graph.add_initializer();
    t->set_name(rw.freshName(nodeLabel(node) + "_ratio"));
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(ratio);
    setInput(node, 1, t->name());
  }
  return true;
}

bool topkAttrToInput(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  onnx::AttributeProto *k = findAttr(node, "k");
  if (!k) {
    err = "TopK before opset 10 needs a 'k' attribute";
    return false;
  }
  int64_t kv = k->i();
  removeAttr(node, "k");
  setInput(node, 1, rw.addInt64s(nodeLabel(node) + "_k", {kv}, false));
  return true;
}

/// Softmax, LogSoftmax and Hardmax before 13 coerce their input to 2-D at
/// `axis`; from 13 on they work along one axis. Keep the old meaning.
bool coercedSoftmax(Rewriter &rw, onnx::NodeProto &node, std::string &) {
  int64_t axis = intAttr(node, "axis", 1);
  int64_t rank = rw.staticRank(node.input(0));
  if (axis < 0 && rank >= 0)
    axis += rank;
  if (rank >= 0 && axis == rank - 1) {
    setIntAttr(node, "axis", -1);
    return true;
  }
  std::string label = nodeLabel(node);
  std::string x = node.input(0);
  std::string shape = rw.emitValue("Shape", label + "/shape", {x});
  onnx::NodeProto &flat = rw.emit("Flatten", label + "/flatten");
  flat.add_input(x);
  std::string flatOut = rw.freshName(label + "/flatten");
  flat.add_output(flatOut);
  onnx::AttributeProto *fa = flat.add_attribute();
  fa->set_name("axis");
  fa->set_type(onnx::AttributeProto::INT);
  fa->set_i(axis);
  onnx::NodeProto &op = rw.emit(node.op_type(), label);
  op.add_input(flatOut);
  std::string opOut = rw.freshName(label + "/2d");
  op.add_output(opOut);
  onnx::AttributeProto *oa = op.add_attribute();
  oa->set_name("axis");
  oa->set_type(onnx::AttributeProto::INT);
  oa->set_i(-1);
  onnx::NodeProto &reshape = rw.emit("Reshape", label + "/reshape");
  reshape.add_input(opOut);
  reshape.add_input(shape);
  reshape.add_output(node.output(0));
  rw.replaced = true;
  return true;
}

/// Turns Upsample (7..10) or Resize-10 into Resize-13 with the asymmetric
/// coordinate mapping they used.
bool upsampleToResize(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  std::string mode = stringAttr(node, "mode", "nearest");
  if (mode != "nearest" && mode != "linear" && mode != "bilinear") {
    err = "mode '" + mode + "' is not supported";
    return false;
  }
  std::string scales = input(node, 1);
  if (onnx::AttributeProto *s = findAttr(node, "scales")) {
    onnx::TensorProto *t = rw.graph.add_initializer();
    t->set_name(rw.freshName(nodeLabel(node) + "_scales"));
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(s->floats_size());
    for (float f : s->floats())
      t->add_float_data(f);
    scales = t->name();
    removeAttr(node, "scales");
  } else if (findAttr(node, "height_scale")) {
    err = "Upsample-1 ('height_scale'/'width_scale') is not supported";
    return false;
  }
  if (scales.empty()) {
    err = "no scales given";
    return false;
  }
  std::string x = node.input(0);
  node.set_op_type("Resize");
  node.clear_input();
  node.add_input(x);
  node.add_input("");
  node.add_input(scales);
  setStringAttr(node, "mode", mode == "nearest" ? "nearest" : "linear");
  setStringAttr(node, "coordinate_transformation_mode", "asymmetric");
  if (mode == "nearest")
    setStringAttr(node, "nearest_mode", "floor");
  return true;
}

bool resize11(Rewriter &, onnx::NodeProto &node, std::string &err) {
  if (stringAttr(node, "coordinate_transformation_mode", "") ==
      "tf_half_pixel_for_nn") {
    err = "coordinate_transformation_mode 'tf_half_pixel_for_nn' was removed "
          "in opset 13 and is not supported";
    return false;
  }
  return true;
}

/// Add, Mul, ... before 7 broadcast only with `broadcast = 1`, aligning B to
/// the trailing dims of A unless `axis` says otherwise. Trailing alignment is
/// what numpy broadcasting does, so only an explicit `axis` is refused.
bool legacyBroadcast(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  if (findAttr(node, "axis") && intAttr(node, "broadcast", 0) != 0) {
    int64_t axis = intAttr(node, "axis", 0);
    int64_t ra = rw.staticRank(node.input(0));
    int64_t rb = node.input_size() > 1 ? rw.staticRank(node.input(1)) : -1;
    if (ra < 0 || rb < 0 || (axis >= 0 ? axis : axis + ra) != ra - rb) {
      err = "legacy broadcasting along an explicit 'axis' is not supported";
      return false;
    }
  }
  removeAttr(node, "axis");
  removeAttr(node, "broadcast");
  return true;
}

bool batchNormLegacy(Rewriter &, onnx::NodeProto &node, std::string &err) {
  if (intAttr(node, "spatial", 1) != 1) {
    err = "BatchNormalization with spatial = 0 is not supported";
    return false;
  }
  if (intAttr(node, "is_test", 1) == 0) {
    err = "BatchNormalization in training mode (is_test = 0) is not supported";
    return false;
  }
  for (int i = 1; i < node.output_size(); ++i)
    if (!node.output(i).empty()) {
      err = "BatchNormalization training outputs (mean, var, saved_mean, "
            "saved_var) are not supported";
      return false;
    }
  while (node.output_size() > 1)
    node.mutable_output()->RemoveLast();
  removeAttr(node, "spatial");
  removeAttr(node, "is_test");
  return true;
}

bool concatDefaultAxis(Rewriter &, onnx::NodeProto &node, std::string &) {
  if (!findAttr(node, "axis"))
    setIntAttr(node, "axis", 1);
  return true;
}

bool gemmDropBroadcast(Rewriter &, onnx::NodeProto &node, std::string &) {
  removeAttr(node, "broadcast");
  return true;
}

bool castStringTo(Rewriter &, onnx::NodeProto &node, std::string &err) {
  onnx::AttributeProto *to = findAttr(node, "to");
  if (!to || to->type() != onnx::AttributeProto::STRING)
    return true;
  std::string name = to->s();
  std::transform(name.begin(), name.end(), name.begin(), ::toupper);
  onnx::TensorProto_DataType dt;
  if (!onnx::TensorProto_DataType_Parse(name, &dt)) {
    err = "unknown Cast target type '" + to->s() + "'";
    return false;
  }
  setIntAttr(node, "to", dt);
  return true;
}

bool roiAlignLegacy(Rewriter &, onnx::NodeProto &node, std::string &) {
  if (!findAttr(node, "coordinate_transformation_mode"))
    setStringAttr(node, "coordinate_transformation_mode", "output_half_pixel");
  return true;
}

//===----------------------------------------------------------------------===//
// Rules for versions newer than the canonical one
//===----------------------------------------------------------------------===//

/// ReduceX-18 takes `axes` as an input; at 17 it is an attribute.
bool reduceAxesToAttr(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  bool noop = intAttr(node, "noop_with_empty_axes", 0) != 0;
  removeAttr(node, "noop_with_empty_axes");
  std::string axesName = input(node, 1);
  std::vector<int64_t> axes;
  if (!axesName.empty() && !rw.readInts(axesName, axes)) {
    err = "'axes' must be a constant integer tensor to be expressed at "
          "opset 17";
    return false;
  }
  if (axes.empty() && noop) {
    node.set_op_type("Identity");
    node.clear_attribute();
    node.mutable_input()->Truncate(1);
    return true;
  }
  node.mutable_input()->Truncate(1);
  if (!axes.empty()) {
    onnx::AttributeProto *a = node.add_attribute();
    a->set_name("axes");
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : axes)
      a->add_ints(v);
  }
  return true;
}

/// Split-18's `num_outputs` splits unevenly (last chunk smaller) when the
/// dim does not divide; Split-13 splits evenly into its outputs.
bool splitNumOutputs(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  onnx::AttributeProto *n = findAttr(node, "num_outputs");
  if (!n)
    return true;
  int64_t parts = n->i();
  removeAttr(node, "num_outputs");
  if (parts != node.output_size()) {
    err = "num_outputs (" + std::to_string(parts) +
          ") differs from the number of outputs (" +
          std::to_string(node.output_size()) + ")";
    return false;
  }
  if (!input(node, 1).empty() || parts <= 0)
    return true;
  const std::vector<int64_t> *shape = rw.staticShape(node.input(0));
  if (!shape)
    return true;
  int64_t rank = static_cast<int64_t>(shape->size());
  int64_t axis = intAttr(node, "axis", 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank || (*shape)[axis] < 0 ||
      (*shape)[axis] % parts == 0)
    return true;
  int64_t dim = (*shape)[axis];
  int64_t chunk = (dim + parts - 1) / parts;
  std::vector<int64_t> sizes(parts - 1, chunk);
  sizes.push_back(dim - chunk * (parts - 1));
  if (sizes.back() < 0) {
    err = "cannot split a dim of " + std::to_string(dim) + " into " +
          std::to_string(parts) + " parts";
    return false;
  }
  setInput(node, 1, rw.addInt64s(nodeLabel(node) + "_split", sizes, false));
  return true;
}

/// Pad-18 adds an `axes` input; Pad-19 adds the `wrap` mode.
bool padAxes(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  if (stringAttr(node, "mode", "constant") == "wrap") {
    err = "mode 'wrap' (opset 19) cannot be expressed at opset 17";
    return false;
  }
  std::string axesName = input(node, 3);
  if (axesName.empty()) {
    trimInputs(node);
    return true;
  }
  std::vector<int64_t> axes, pads;
  int64_t rank = rw.staticRank(node.input(0));
  if (!rw.readInts(axesName, axes) || !rw.readInts(input(node, 1), pads) ||
      rank < 0) {
    err = "an 'axes' input needs constant axes and pads and an input of "
          "known rank to be expressed at opset 17";
    return false;
  }
  if (pads.size() != 2 * axes.size()) {
    err = "'pads' must hold two values per axis";
    return false;
  }
  std::vector<int64_t> full(2 * rank, 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (a < 0 || a >= rank) {
      err = "axis " + std::to_string(axes[i]) + " is out of range";
      return false;
    }
    full[a] = pads[i];
    full[a + rank] = pads[i + axes.size()];
  }
  setInput(node, 1, rw.addInt64s(nodeLabel(node) + "_pads", full, false));
  node.mutable_input()->Truncate(3);
  trimInputs(node);
  return true;
}

/// Removes attribute `name` if it holds `neutral`; else fails.
bool dropIntIfNeutral(onnx::NodeProto &node, const char *name,
                      int64_t neutral, std::string &err) {
  onnx::AttributeProto *a = findAttr(node, name);
  if (!a)
    return true;
  if (a->i() != neutral) {
    err = std::string("attribute '") + name + "' = " + std::to_string(a->i()) +
          " cannot be expressed at opset 17";
    return false;
  }
  removeAttr(node, name);
  return true;
}

bool dropIntsIfOnes(onnx::NodeProto &node, const char *name,
                    std::string &err) {
  onnx::AttributeProto *a = findAttr(node, name);
  if (!a)
    return true;
  for (int64_t v : a->ints())
    if (v != 1) {
      err = std::string("attribute '") + name +
            "' other than 1 cannot be expressed at opset 17";
      return false;
    }
  removeAttr(node, name);
  return true;
}

/// Cast/CastLike-19's `saturate` only affects float8 targets, which opset
/// 17 has no types for.
bool dropSaturate(Rewriter &, onnx::NodeProto &node, std::string &) {
  removeAttr(node, "saturate");
  return true;
}

bool resizeNewAttrs(Rewriter &, onnx::NodeProto &node, std::string &err) {
  if (!dropIntIfNeutral(node, "antialias", 0, err))
    return false;
  if (findAttr(node, "axes")) {
    err = "attribute 'axes' cannot be expressed at opset 17";
    return false;
  }
  if (stringAttr(node, "keep_aspect_ratio_policy", "stretch") != "stretch") {
    err = "keep_aspect_ratio_policy other than 'stretch' cannot be expressed "
          "at opset 17";
    return false;
  }
  removeAttr(node, "keep_aspect_ratio_policy");
  if (stringAttr(node, "coordinate_transformation_mode", "") ==
      "half_pixel_symmetric") {
    err = "coordinate_transformation_mode 'half_pixel_symmetric' cannot be "
          "expressed at opset 17";
    return false;
  }
  return true;
}

bool scatterReduction(Rewriter &, onnx::NodeProto &node, std::string &err) {
  std::string r = stringAttr(node, "reduction", "none");
  if (r != "none" && r != "add" && r != "mul") {
    err = "reduction '" + r + "' cannot be expressed at opset 17";
    return false;
  }
  return true;
}

bool averagePoolDilations(Rewriter &, onnx::NodeProto &node,
                          std::string &err) {
  return dropIntsIfOnes(node, "dilations", err);
}

bool lpPoolNewAttrs(Rewriter &, onnx::NodeProto &node, std::string &err) {
  return dropIntIfNeutral(node, "ceil_mode", 0, err) &&
         dropIntsIfOnes(node, "dilations", err);
}

bool gridSampleMode(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  std::string mode = stringAttr(node, "mode", "linear");
  int64_t rank = rw.staticRank(node.input(0));
  if (rank >= 0 && rank != 4) {
    err = "GridSample on a rank-" + std::to_string(rank) +
          " input cannot be expressed at opset 17 (4-D only)";
    return false;
  }
  if (mode == "linear")
    setStringAttr(node, "mode", "bilinear");
  else if (mode == "cubic")
    setStringAttr(node, "mode", "bicubic");
  else if (mode != "nearest") {
    err = "mode '" + mode + "' is not supported";
    return false;
  }
  return true;
}

bool dequantizeNewAttrs(Rewriter &, onnx::NodeProto &node, std::string &err) {
  return dropIntIfNeutral(node, "block_size", 0, err) &&
         dropIntIfNeutral(node, "output_dtype", 0, err);
}

bool quantizeNewAttrs(Rewriter &, onnx::NodeProto &node, std::string &err) {
  removeAttr(node, "saturate");
  return dropIntIfNeutral(node, "block_size", 0, err) &&
         dropIntIfNeutral(node, "output_dtype", 0, err) &&
         dropIntIfNeutral(node, "precision", 0, err);
}

bool dftAxisInput(Rewriter &, onnx::NodeProto &, std::string &err) {
  err = "DFT-20 (axis as an input, default -2) cannot be expressed at "
        "opset 17";
  return false;
}

/// Gelu-20: 0.5 * x * (1 + erf(x / sqrt(2))), or its tanh approximation.
bool expandGelu(Rewriter &rw, onnx::NodeProto &node, std::string &err) {
  std::string approx = stringAttr(node, "approximate", "none");
  if (approx != "none" && approx != "tanh") {
    err = "approximate '" + approx + "' is not supported";
    return false;
  }
  std::string l = nodeLabel(node);
  std::string x = node.input(0);
  std::string one = rw.addScalarLike(l + "_one", 1.0f, x, l);
  std::string half = rw.addScalarLike(l + "_half", 0.5f, x, l);
  std::string inner;
  if (approx == "none") {
    std::string k = rw.addScalarLike(l + "_rsqrt2", 0.70710678118f, x, l);
    std::string t = rw.emitValue("Mul", l + "/scale", {x, k});
    inner = rw.emitValue("Erf", l + "/erf", {t});
  } else {
    std::string c = rw.addScalarLike(l + "_c", 0.044715f, x, l);
    std::string k = rw.addScalarLike(l + "_sqrt2pi", 0.7978845608f, x, l);
    std::string x2 = rw.emitValue("Mul", l + "/x2", {x, x});
    std::string x3 = rw.emitValue("Mul", l + "/x3", {x2, x});
    std::string cx3 = rw.emitValue("Mul", l + "/cx3", {x3, c});
    std::string s = rw.emitValue("Add", l + "/sum", {x, cx3});
    std::string u = rw.emitValue("Mul", l + "/scale", {s, k});
    inner = rw.emitValue("Tanh", l + "/tanh", {u});
  }
  std::string a = rw.emitValue("Add", l + "/one_plus", {inner, one});
  std::string hx = rw.emitValue("Mul", l + "/half_x", {x, half});
  onnx::NodeProto &y = rw.emit("Mul", l);
  y.add_input(hx);
  y.add_input(a);
  y.add_output(node.output(0));
  rw.replaced = true;
  return true;
}

/// Mish-18: x * tanh(softplus(x)).
bool expandMish(Rewriter &rw, onnx::NodeProto &node, std::string &) {
  std::string l = nodeLabel(node);
  std::string x = node.input(0);
  std::string sp = rw.emitValue("Softplus", l + "/softplus", {x});
  std::string th = rw.emitValue("Tanh", l + "/tanh", {sp});
  onnx::NodeProto &y = rw.emit("Mul", l);
  y.add_input(x);
  y.add_input(th);
  y.add_output(node.output(0));
  rw.replaced = true;
  return true;
}

//===----------------------------------------------------------------------===//
// The rule table
//===----------------------------------------------------------------------===//

/// A rule applies to nodes of `op` whose since-version is in [minVersion,
/// maxVersion]. A null `fn` means the version is compatible as is.
struct Rule {
  const char *op;
  int minVersion;
  int maxVersion;
  RuleFn fn;
};

// clang-format off
const Rule kRules[] = {
    // Older than canonical.
    {"Add", 1, 6, legacyBroadcast}, {"Sub", 1, 6, legacyBroadcast},
    {"Mul", 1, 6, legacyBroadcast}, {"Div", 1, 6, legacyBroadcast},
    {"Pow", 1, 6, legacyBroadcast}, {"And", 1, 6, legacyBroadcast},
    {"Or", 1, 6, legacyBroadcast}, {"Xor", 1, 6, legacyBroadcast},
    {"Equal", 1, 6, legacyBroadcast}, {"Greater", 1, 6, legacyBroadcast},
    {"Less", 1, 6, legacyBroadcast},
    {"BatchNormalization", 1, 13, batchNormLegacy},
    {"Cast", 1, 5, castStringTo},
    {"Clip", 1, 10, clipAttrsToInputs},
    {"Concat", 1, 3, concatDefaultAxis},
    {"Constant", 1, 12, nullptr},
    {"Dropout", 1, 11, dropoutAttrsToInputs},
    {"Gemm", 1, 6, gemmDropBroadcast},
    {"Hardmax", 1, 12, coercedSoftmax},
    {"LogSoftmax", 1, 12, coercedSoftmax},
    {"Softmax", 1, 12, coercedSoftmax},
    {"Pad", 1, 10, padAttrsToInputs},
    {"ReduceSum", 1, 12, axesAttrToInput},
    {"Reshape", 1, 4, reshapeShapeAttr},
    {"Resize", 10, 10, upsampleToResize},
    {"Resize", 11, 12, resize11},
    {"RoiAlign", 10, 15, roiAlignLegacy},
    {"Slice", 1, 9, sliceAttrsToInputs},
    {"Split", 1, 12, splitAttrToInput},
    {"Squeeze", 1, 12, axesAttrToInput},
    {"TopK", 1, 9, topkAttrToInput},
    {"Unsqueeze", 1, 12, axesAttrToInput},
    {"Upsample", 7, 10, upsampleToResize},
    // Newer than canonical.
    {"AveragePool", 19, 23, averagePoolDilations},
    {"Cast", 19, 23, dropSaturate}, {"CastLike", 19, 23, dropSaturate},
    {"DFT", 20, 23, dftAxisInput},
    {"DequantizeLinear", 19, 23, dequantizeNewAttrs},
    {"Gelu", 20, 23, expandGelu},
    {"GridSample", 20, 23, gridSampleMode},
    {"LpPool", 18, 23, lpPoolNewAttrs},
    {"Mish", 18, 23, expandMish},
    {"Pad", 18, 23, padAxes},
    {"QuantizeLinear", 19, 23, quantizeNewAttrs},
    {"ReduceL1", 18, 23, reduceAxesToAttr},
    {"ReduceL2", 18, 23, reduceAxesToAttr},
    {"ReduceLogSum", 18, 23, reduceAxesToAttr},
    {"ReduceLogSumExp", 18, 23, reduceAxesToAttr},
    {"ReduceMax", 18, 23, reduceAxesToAttr},
    {"ReduceMean", 18, 23, reduceAxesToAttr},
    {"ReduceMin", 18, 23, reduceAxesToAttr},
    {"ReduceProd", 18, 23, reduceAxesToAttr},
    {"ReduceSumSquare", 18, 23, reduceAxesToAttr},
    {"Resize", 18, 23, resizeNewAttrs},
    {"ScatterElements", 18, 23, scatterReduction},
    {"ScatterND", 18, 23, scatterReduction},
    {"Split", 18, 23, splitNumOutputs},
};
// clang-format on

const Rule *findRule(const std::string &op, int64_t version) {
  for (const Rule &r : kRules)
    if (op == r.op && version >= r.minVersion && version <= r.maxVersion)
      return &r;
  return nullptr;
}

/// True when a node written against schema `older` means the same under
/// `canonical`: same inputs and outputs (a required formal may have become
/// optional, outputs may have been added as optional), and every attribute
/// the node sets still exists with the same type. Attributes added later are
/// fine: their defaults keep the old meaning (the versions where they do not
/// have rules above).
bool structurallyCompatible(const onnx::NodeProto &node,
                            const onnx::OpSchema &older,
                            const onnx::OpSchema &canonical,
                            std::string &why) {
  const auto &oi = older.inputs(), &ci = canonical.inputs();
  if (oi.size() != ci.size()) {
    why = "its inputs changed";
    return false;
  }
  for (size_t i = 0; i < oi.size(); ++i)
    if (oi[i].GetOption() != ci[i].GetOption() &&
        !(oi[i].GetOption() == onnx::OpSchema::Single &&
          ci[i].GetOption() == onnx::OpSchema::Optional)) {
      why = "input '" + oi[i].GetName() + "' changed";
      return false;
    }
  const auto &oo = older.outputs(), &co = canonical.outputs();
  if (oo.size() > co.size()) {
    why = "its outputs changed";
    return false;
  }
  for (size_t i = 0; i < co.size(); ++i) {
    if (i >= oo.size()) {
      if (co[i].GetOption() != onnx::OpSchema::Optional) {
        why = "it gained a required output";
        return false;
      }
      continue;
    }
    if (oo[i].GetOption() != co[i].GetOption() &&
        !(oo[i].GetOption() == onnx::OpSchema::Single &&
          co[i].GetOption() == onnx::OpSchema::Optional)) {
      why = "output '" + oo[i].GetName() + "' changed";
      return false;
    }
  }
  for (const auto &a : node.attribute()) {
    auto it = canonical.attributes().find(a.name());
    auto old = older.attributes().find(a.name());
    if (it == canonical.attributes().end() ||
        (old != older.attributes().end() && old->second.type != it->second.type)) {
      why = "attribute '" + a.name() + "' changed";
      return false;
    }
  }
  return true;
}

const onnx::OpSchema *latestSchema(const std::string &op, int64_t opset) {
  return onnx::OpSchemaRegistry::Schema(
      op, static_cast<int>(std::min<int64_t>(opset, kCanonicalONNXOpset)), "");
}

bool isDefaultDomain(const std::string &d) {
  return d.empty() || d == "ai.onnx";
}

} // namespace

int64_t zellige::import_detail::effectiveSinceVersion(const std::string &op,
                                                       int64_t opset) {
  int64_t best = 0;
  if (opset > kCanonicalONNXOpset)
    for (const VersionBump &b : kPost17Bumps)
      if (op == b.op && b.version <= opset && b.version > best)
        best = b.version;
  if (best)
    return best;
  const onnx::OpSchema *s = latestSchema(op, opset);
  return s ? s->since_version() : 0;
}

int64_t zellige::import_detail::canonicalSinceVersion(const std::string &op) {
  const onnx::OpSchema *s = latestSchema(op, kCanonicalONNXOpset);
  return s && !s->deprecated() ? s->since_version() : 0;
}

bool zellige::import_detail::normalizeToCanonicalOpset(
    onnx::ModelProto &model, int64_t fromOpset, OpsetError &error) {
  onnx::GraphProto &graph = *model.mutable_graph();
  Rewriter rw(graph);
  std::vector<onnx::NodeProto> rewritten;
  rewritten.reserve(graph.node_size());
  for (int64_t idx = 0; idx < graph.node_size(); ++idx) {
    onnx::NodeProto node = graph.node(idx);
    auto fail = [&](const std::string &msg) {
      error.nodeIndex = idx;
      error.message = msg;
      return false;
    };
    if (!isDefaultDomain(node.domain())) {
      rewritten.push_back(std::move(node));
      continue;
    }
    const std::string &op = node.op_type();
    int64_t version = effectiveSinceVersion(op, fromOpset);
    int64_t canonical = canonicalSinceVersion(op);
    const Rule *rule = version ? findRule(op, version) : nullptr;
    if (version == 0 || (canonical == 0 && !rule))
      return fail("unsupported operator '" + op + "' (domain '" +
                  node.domain() + "', opset " + std::to_string(fromOpset) +
                  ")");
    if (version != canonical) {
      if (version < canonical)
        removeAttr(node, "consumed_inputs");
      std::string why;
      if (rule) {
        rw.replaced = false;
        rw.out.clear();
        if (rule->fn && !rule->fn(rw, node, why))
          return fail(op + "-" + std::to_string(version) + ": " + why);
        for (onnx::NodeProto &n : rw.out)
          rewritten.push_back(std::move(n));
        rw.out.clear();
        if (rw.replaced)
          continue;
      } else if (version > kCanonicalONNXOpset) {
        const VersionBump *bump = findBump(op, version);
        if (!bump || !bump->typesOnly)
          return fail(op + "-" + std::to_string(version) +
                      " cannot be expressed at opset " +
                      std::to_string(kCanonicalONNXOpset));
      } else {
        const onnx::OpSchema *older = latestSchema(op, version);
        const onnx::OpSchema *canon = latestSchema(op, kCanonicalONNXOpset);
        if (!older || !canon ||
            !structurallyCompatible(node, *older, *canon, why))
          return fail(op + "-" + std::to_string(version) +
                      " cannot be upgraded to " + op + "-" +
                      std::to_string(canonical) + ": " + why);
      }
    }
    rewritten.push_back(std::move(node));
  }
  graph.clear_node();
  for (onnx::NodeProto &n : rewritten)
    *graph.add_node() = std::move(n);
  bool found = false;
  for (auto &imp : *model.mutable_opset_import())
    if (isDefaultDomain(imp.domain())) {
      imp.set_version(kCanonicalONNXOpset);
      found = true;
    }
  if (!found) {
    auto *imp = model.add_opset_import();
    imp->set_domain("");
    imp->set_version(kCanonicalONNXOpset);
  }
  return true;
}
