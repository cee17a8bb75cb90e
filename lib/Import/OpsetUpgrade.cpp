//===- OpsetUpgrade.cpp - Bring ONNX nodes to the canonical opset ---------===//
//
// This file implements the importer's per-operator opset rules.
//   - Downgrades (opsets 18..23, which libonnx 1.12 does not know, to 17):
//     constant `axes` inputs of the reductions become attributes (an empty
//     reduction with noop_with_empty_axes becomes Identity); Split's
//     num_outputs and Pad's `axes` are completed once shapes are known (see
//     resolvePendingRewrites); new attributes holding the old behaviour are
//     dropped; GridSample's renamed modes get their old names; Gelu, Mish and
//     GroupNormalization expand into opset-17 operators. Any other new form is
//     an error naming the node.
//   - Upgrades (older opsets to 17, used when libonnx's version converter
//     fails or would change results): attributes that became inputs (Squeeze,
//     Unsqueeze, ReduceSum, Split, Clip, Pad, Slice, TopK) become
//     initializers; Upsample and Resize-10 become Resize with asymmetric
//     coordinates; the pre-13 Softmax family, which flattened its input to
//     2-D at `axis`, becomes Flatten -> op(axis = -1) -> Reshape to the
//     input's shape.
// Ops whose versions differ only in the types they accept pass unchanged.
//
//===----------------------------------------------------------------------===//

#include "OpsetUpgrade.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"

#include <map>
#include <vector>

using namespace zellige::import_detail;

namespace {

bool isDefaultDomain(const std::string &domain) {
  return domain.empty() || domain == "ai.onnx";
}

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     llvm::StringRef name) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

void removeAttr(onnx::NodeProto &node, llvm::StringRef name) {
  auto *attrs = node.mutable_attribute();
  for (int i = attrs->size() - 1; i >= 0; --i)
    if (attrs->Get(i).name() == name)
      attrs->DeleteSubrange(i, 1);
}

onnx::AttributeProto &setAttr(onnx::NodeProto &node, llvm::StringRef name,
                              onnx::AttributeProto::AttributeType type) {
  removeAttr(node, name);
  onnx::AttributeProto *attr = node.add_attribute();
  attr->set_name(name.str());
  attr->set_type(type);
  return *attr;
}

void setIntsAttr(onnx::NodeProto &node, llvm::StringRef name,
                 const std::vector<int64_t> &values) {
  onnx::AttributeProto &attr = setAttr(node, name, onnx::AttributeProto::INTS);
  for (int64_t v : values)
    attr.add_ints(v);
}

void setIntAttr(onnx::NodeProto &node, llvm::StringRef name, int64_t value) {
  setAttr(node, name, onnx::AttributeProto::INT).set_i(value);
}

void setStringAttr(onnx::NodeProto &node, llvm::StringRef name,
                   llvm::StringRef value) {
  setAttr(node, name, onnx::AttributeProto::STRING).set_s(value.str());
}

int64_t getIntAttr(const onnx::NodeProto &node, llvm::StringRef name,
                   int64_t dflt) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->i() : dflt;
}

std::string getStringAttr(const onnx::NodeProto &node, llvm::StringRef name,
                          llvm::StringRef dflt) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->s() : dflt.str();
}

std::string input(const onnx::NodeProto &node, int index) {
  return index < node.input_size() ? node.input(index) : std::string();
}

void setInput(onnx::NodeProto &node, int index, const std::string &name) {
  while (node.input_size() <= index)
    node.add_input("");
  node.set_input(index, name);
}

/// Keeps only the first `count` inputs.
void truncateInputs(onnx::NodeProto &node, int count) {
  if (node.input_size() > count)
    node.mutable_input()->DeleteSubrange(count, node.input_size() - count);
}

/// Drops trailing empty inputs, which ONNX treats as absent.
void trimInputs(onnx::NodeProto &node) {
  while (node.input_size() > 0 && node.input(node.input_size() - 1).empty())
    node.mutable_input()->RemoveLast();
}

/// Reads the values of an integer tensor held inline.
bool readInts(const onnx::TensorProto &tensor, std::vector<int64_t> &out) {
  out.clear();
  if (tensor.data_type() == onnx::TensorProto::INT64) {
    if (tensor.has_raw_data()) {
      const std::string &raw = tensor.raw_data();
      if (raw.size() % 8)
        return false;
      for (size_t i = 0; i < raw.size(); i += 8)
        out.push_back(static_cast<int64_t>(
            llvm::support::endian::read64le(raw.data() + i)));
      return true;
    }
    out.assign(tensor.int64_data().begin(), tensor.int64_data().end());
    return true;
  }
  if (tensor.data_type() == onnx::TensorProto::INT32) {
    if (tensor.has_raw_data()) {
      const std::string &raw = tensor.raw_data();
      if (raw.size() % 4)
        return false;
      for (size_t i = 0; i < raw.size(); i += 4)
        out.push_back(static_cast<int32_t>(
            llvm::support::endian::read32le(raw.data() + i)));
      return true;
    }
    out.assign(tensor.int32_data().begin(), tensor.int32_data().end());
    return true;
  }
  return false;
}

/// Rewrites one graph, node by node.
class GraphRewriter {
public:
  GraphRewriter(onnx::GraphProto &graph, int64_t fromOpset,
                PendingRewrites *pending)
      : graph(graph), fromOpset(fromOpset), pending(pending) {
    for (const onnx::TensorProto &t : graph.initializer()) {
      names.insert(t.name());
      constants[t.name()] = &t;
      elemTypes[t.name()] = t.data_type();
    }
    auto noteValueInfo = [&](const onnx::ValueInfoProto &vi) {
      names.insert(vi.name());
      if (vi.type().has_tensor_type())
        elemTypes[vi.name()] = vi.type().tensor_type().elem_type();
    };
    for (const onnx::ValueInfoProto &vi : graph.input())
      noteValueInfo(vi);
    for (const onnx::ValueInfoProto &vi : graph.output())
      noteValueInfo(vi);
    for (const onnx::ValueInfoProto &vi : graph.value_info())
      noteValueInfo(vi);
    for (const onnx::NodeProto &node : graph.node()) {
      names.insert(node.name());
      for (const std::string &out : node.output())
        names.insert(out);
      if (node.op_type() == "Constant" && isDefaultDomain(node.domain()) &&
          node.output_size() == 1)
        if (const onnx::AttributeProto *value = findAttr(node, "value"))
          constants[node.output(0)] = &value->t();
    }
  }

  bool run(OpsetError &error);

private:
  /// Rewrites `node` (a copy) and appends it, and any nodes it needs, to
  /// `out`. Returns false with a message on failure.
  bool rewrite(onnx::NodeProto node, std::vector<onnx::NodeProto> &out,
               std::string &error);
  bool downgrade(onnx::NodeProto &node, std::vector<onnx::NodeProto> &out,
                 std::string &error);
  bool upgrade(onnx::NodeProto &node, std::vector<onnx::NodeProto> &out,
               std::string &error);
  /// Expands Gelu/Mish into opset-17 operators; `node` becomes the last one.
  bool expand(onnx::NodeProto &node, std::vector<onnx::NodeProto> &out,
              std::string &error);

  bool expandGroupNormalization(onnx::NodeProto &node,
                                std::vector<onnx::NodeProto> &out,
                                std::string &error);

  /// Appends a node `opType(inputs) -> fresh output` to `out` and returns its
  /// output's name.
  std::string emit(std::vector<onnx::NodeProto> &out, const std::string &base,
                   const std::string &opType,
                   const std::vector<std::string> &inputs) {
    onnx::NodeProto node;
    node.set_op_type(opType);
    node.set_name(freshName(base + "_" + opType));
    for (const std::string &in : inputs)
      node.add_input(in);
    std::string output = freshName(base + "_" + opType + "_out");
    node.add_output(output);
    out.push_back(std::move(node));
    return output;
  }

  /// A float scalar of `value`, cast like `like` (so it matches any float
  /// element type), and returns the cast value's name.
  std::string scalarLike(std::vector<onnx::NodeProto> &out,
                         const std::string &base, float value,
                         const std::string &like) {
    std::string constant =
        addScalar(base + "_const", onnx::TensorProto::FLOAT, value);
    return emit(out, base, "CastLike", {constant, like});
  }

  /// Reads the integer constant named `name`.
  bool constantInts(const std::string &name, std::vector<int64_t> &values) {
    auto it = constants.find(name);
    return it != constants.end() && readInts(*it->second, values);
  }

  std::string freshName(const std::string &base) {
    std::string name = base;
    for (unsigned i = 1; names.contains(name); ++i)
      name = base + "_" + std::to_string(i);
    names.insert(name);
    return name;
  }

  /// Adds a 1-D int64 initializer and returns its name.
  std::string addInts(const std::string &base,
                      const std::vector<int64_t> &values) {
    onnx::TensorProto *t = graph.add_initializer();
    t->set_name(freshName(base));
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values)
      t->add_int64_data(v);
    return t->name();
  }

  /// Adds a scalar initializer of element type `elemType` (a float type)
  /// holding `value`, and returns its name.
  std::string addScalar(const std::string &base, int32_t elemType,
                        float value) {
    onnx::TensorProto *t = graph.add_initializer();
    t->set_name(freshName(base));
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(value);
    if (elemType == onnx::TensorProto::DOUBLE) {
      t->clear_float_data();
      t->set_data_type(onnx::TensorProto::DOUBLE);
      t->add_double_data(value);
    }
    return t->name();
  }

  int32_t elemTypeOf(const std::string &name) {
    auto it = elemTypes.find(name);
    return it == elemTypes.end() ? onnx::TensorProto::FLOAT : it->second;
  }

  std::string baseName(const onnx::NodeProto &node) {
    return node.name().empty() ? node.op_type() : node.name();
  }

  onnx::GraphProto &graph;
  int64_t fromOpset;
  PendingRewrites *pending;
  llvm::StringSet<> names;
  std::map<std::string, const onnx::TensorProto *> constants;
  std::map<std::string, int32_t> elemTypes;
};

bool GraphRewriter::run(OpsetError &error) {
  std::vector<onnx::NodeProto> rewritten;
  rewritten.reserve(graph.node_size());
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    std::string message;
    if (!rewrite(graph.node(i), rewritten, message)) {
      error.nodeIndex = i;
      error.message = message;
      return false;
    }
  }
  graph.clear_node();
  for (onnx::NodeProto &node : rewritten)
    *graph.add_node() = std::move(node);
  return true;
}

bool GraphRewriter::rewrite(onnx::NodeProto node,
                            std::vector<onnx::NodeProto> &out,
                            std::string &error) {
  if (!isDefaultDomain(node.domain())) {
    out.push_back(std::move(node));
    return true;
  }
  node.set_domain("");
  bool ok =
      fromOpset > 17 ? downgrade(node, out, error) : upgrade(node, out, error);
  if (!ok)
    return false;
  out.push_back(std::move(node));
  return true;
}

bool GraphRewriter::downgrade(onnx::NodeProto &node,
                              std::vector<onnx::NodeProto> &out,
                              std::string &error) {
  const std::string &op = node.op_type();
  auto cannot = [&](const llvm::Twine &why) {
    error = ("opset " + llvm::Twine(fromOpset) + " form of " + op +
             " cannot be expressed at opset 17: " + why)
                .str();
    return false;
  };

  if (isExpandedNewOperator(op, fromOpset))
    return expand(node, out, error);

  // Reductions: `axes` became an input at 18 (ReduceSum already at 13).
  static const llvm::StringSet<> reductions = {
      "ReduceMax",    "ReduceMin",       "ReduceMean",
      "ReduceProd",   "ReduceL1",        "ReduceL2",
      "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"};
  if (fromOpset >= 18 && reductions.contains(op)) {
    std::string axesName = input(node, 1);
    std::vector<int64_t> axes;
    if (!axesName.empty() && !constantInts(axesName, axes))
      return cannot("its 'axes' input is not a constant");
    bool noop = getIntAttr(node, "noop_with_empty_axes", 0) != 0;
    removeAttr(node, "noop_with_empty_axes");
    truncateInputs(node, 1);
    if (axes.empty() && noop) {
      // Reducing over no axis is the identity.
      node.set_op_type("Identity");
      node.clear_attribute();
      return true;
    }
    if (!axes.empty())
      setIntsAttr(node, "axes", axes);
    return true;
  }
  if (fromOpset >= 18 && op == "Split") {
    // Without sizes, opset 17 splits evenly into as many parts as there are
    // outputs; uneven splits get their sizes once the shape is known.
    const onnx::AttributeProto *numOutputs = findAttr(node, "num_outputs");
    if (numOutputs && input(node, 1).empty() && pending &&
        node.output_size() > 0)
      pending->splits.push_back(PendingSplit{
          node.output(0), getIntAttr(node, "axis", 0), numOutputs->i()});
    removeAttr(node, "num_outputs");
    return true;
  }
  if (fromOpset >= 18 && op == "Pad") {
    if (getStringAttr(node, "mode", "constant") == "wrap")
      return cannot("mode 'wrap' does not exist");
    if (!input(node, 3).empty()) {
      // Pads for some axes only: spread them over every dimension once the
      // input's rank is known.
      PendingPad pad;
      if (!constantInts(input(node, 3), pad.axes))
        return cannot("its 'axes' input is not a constant");
      if (!constantInts(input(node, 1), pad.pads))
        return cannot("its 'pads' input is not a constant, which spreading "
                      "'axes' over every dimension needs");
      if (pad.pads.size() != 2 * pad.axes.size())
        return cannot("'pads' must hold two values per entry of 'axes'");
      if (!pending || node.output_size() != 1)
        return cannot("its 'axes' input is not supported here");
      pad.output = node.output(0);
      pending->pads.push_back(std::move(pad));
      truncateInputs(node, 3);
    }
    trimInputs(node);
    return true;
  }
  if (fromOpset >= 18 && op == "Resize") {
    if (getIntAttr(node, "antialias", 0) != 0)
      return cannot("antialias=1");
    if (const onnx::AttributeProto *axes = findAttr(node, "axes"))
      if (axes->ints_size() > 0)
        return cannot("attribute 'axes'");
    if (getStringAttr(node, "keep_aspect_ratio_policy", "stretch") != "stretch")
      return cannot("keep_aspect_ratio_policy other than 'stretch'");
    if (getStringAttr(node, "coordinate_transformation_mode", "half_pixel") ==
        "half_pixel_symmetric")
      return cannot("coordinate_transformation_mode 'half_pixel_symmetric'");
    removeAttr(node, "antialias");
    removeAttr(node, "axes");
    removeAttr(node, "keep_aspect_ratio_policy");
    return true;
  }
  if (fromOpset >= 18 && op == "LpPool") {
    if (getIntAttr(node, "ceil_mode", 0) != 0)
      return cannot("ceil_mode=1");
    if (const onnx::AttributeProto *d = findAttr(node, "dilations"))
      if (llvm::any_of(d->ints(), [](int64_t v) { return v != 1; }))
        return cannot("dilations other than 1");
    removeAttr(node, "ceil_mode");
    removeAttr(node, "dilations");
    return true;
  }
  if (fromOpset >= 18 && (op == "ScatterElements" || op == "ScatterND")) {
    std::string reduction = getStringAttr(node, "reduction", "none");
    if (reduction == "max" || reduction == "min")
      return cannot("reduction '" + reduction + "'");
    return true;
  }
  if (fromOpset >= 19 && op == "AveragePool") {
    if (const onnx::AttributeProto *d = findAttr(node, "dilations"))
      if (llvm::any_of(d->ints(), [](int64_t v) { return v != 1; }))
        return cannot("dilations other than 1");
    removeAttr(node, "dilations");
    return true;
  }
  if (fromOpset >= 19 && (op == "Cast" || op == "CastLike")) {
    // `saturate` only matters for float8 targets, which opset 17 lacks.
    removeAttr(node, "saturate");
    return true;
  }
  if (fromOpset >= 19 && (op == "QuantizeLinear" || op == "DequantizeLinear")) {
    removeAttr(node, "saturate");
    if (getIntAttr(node, "block_size", 0) != 0)
      return cannot("blocked quantization (block_size)");
    if (getIntAttr(node, "output_dtype", 0) != 0)
      return cannot("attribute 'output_dtype'");
    if (getIntAttr(node, "precision", 0) != 0)
      return cannot("attribute 'precision'");
    removeAttr(node, "block_size");
    removeAttr(node, "output_dtype");
    removeAttr(node, "precision");
    return true;
  }
  if (fromOpset >= 20 && op == "GridSample") {
    std::string mode = getStringAttr(node, "mode", "linear");
    if (mode == "linear")
      setStringAttr(node, "mode", "bilinear");
    else if (mode == "cubic")
      setStringAttr(node, "mode", "bicubic");
    return true;
  }
  if (fromOpset >= 20 && op == "DFT")
    return cannot("'axis' became an input with a new meaning");
  return true;
}

bool GraphRewriter::expand(onnx::NodeProto &node,
                           std::vector<onnx::NodeProto> &out,
                           std::string &error) {
  const std::string op = node.op_type();
  std::string base = baseName(node);
  if (op != "GroupNormalization" &&
      (node.input_size() != 1 || node.output_size() != 1 ||
       node.input(0).empty())) {
    error = op + " needs one input and one output";
    return false;
  }
  std::string x = node.input(0);
  std::string y = node.output(0);
  auto finish = [&](const std::string &opType,
                    const std::vector<std::string> &inputs) {
    node.clear_attribute();
    node.set_op_type(opType);
    node.clear_input();
    for (const std::string &in : inputs)
      node.add_input(in);
    node.clear_output();
    node.add_output(y);
    return true;
  };
  if (op == "GroupNormalization")
    return expandGroupNormalization(node, out, error);
  if (op == "Mish") {
    // mish(x) = x * tanh(softplus(x))
    std::string softplus = emit(out, base, "Softplus", {x});
    std::string tanh = emit(out, base, "Tanh", {softplus});
    return finish("Mul", {x, tanh});
  }
  // Gelu (opset 20).
  std::string approximate = getStringAttr(node, "approximate", "none");
  std::string one = scalarLike(out, base, 1.0f, x);
  std::string half = scalarLike(out, base, 0.5f, x);
  std::string inner;
  if (approximate == "none") {
    // gelu(x) = 0.5 * x * (1 + erf(x / sqrt(2)))
    std::string sqrt2 = scalarLike(out, base, 1.41421356237f, x);
    std::string scaled = emit(out, base, "Div", {x, sqrt2});
    inner = emit(out, base, "Erf", {scaled});
  } else if (approximate == "tanh") {
    // gelu(x) = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))
    std::string k = scalarLike(out, base, 0.7978845608f, x);
    std::string c = scalarLike(out, base, 0.044715f, x);
    std::string x2 = emit(out, base, "Mul", {x, x});
    std::string x3 = emit(out, base, "Mul", {x2, x});
    std::string cx3 = emit(out, base, "Mul", {x3, c});
    std::string sum = emit(out, base, "Add", {x, cx3});
    std::string arg = emit(out, base, "Mul", {sum, k});
    inner = emit(out, base, "Tanh", {arg});
  } else {
    error = "Gelu approximation '" + approximate + "' is unknown";
    return false;
  }
  std::string onePlus = emit(out, base, "Add", {inner, one});
  std::string halfX = emit(out, base, "Mul", {x, half});
  return finish("Mul", {halfX, onePlus});
}

/// GroupNormalization (18, per-group scale and bias; 21, per-channel) on
/// X of shape [N, C, D...]:
///   Xg = Reshape(X, [0, G, -1]); mean and variance over the last axis;
///   Yg = (Xg - mean) / sqrt(var + epsilon);
///   18: Y = Reshape(Yg * scale[G, 1] + bias[G, 1], Shape(X));
///   21: Y = Reshape(Reshape(Yg, [0, C, -1]) * scale[C, 1] + bias[C, 1],
///                   Shape(X)).
/// The computation stays in X's element type (stash_type is ignored).
bool GraphRewriter::expandGroupNormalization(onnx::NodeProto &node,
                                             std::vector<onnx::NodeProto> &out,
                                             std::string &error) {
  std::string base = baseName(node);
  if (node.input_size() != 3 || node.output_size() != 1 ||
      llvm::any_of(node.input(),
                   [](const std::string &in) { return in.empty(); })) {
    error = "GroupNormalization needs inputs X, scale and bias and one output";
    return false;
  }
  const onnx::AttributeProto *groupsAttr = findAttr(node, "num_groups");
  if (!groupsAttr || groupsAttr->i() <= 0) {
    error = "GroupNormalization needs a positive 'num_groups'";
    return false;
  }
  float epsilon = 1e-5f;
  if (const onnx::AttributeProto *eps = findAttr(node, "epsilon"))
    epsilon = eps->f();
  std::string x = node.input(0), scale = node.input(1), bias = node.input(2);
  std::string y = node.output(0);
  bool perChannel = fromOpset >= 21;

  std::string groupShape =
      addInts(base + "_group_shape", {0, groupsAttr->i(), -1});
  std::string xg = emit(out, base, "Reshape", {x, groupShape});
  auto reduceMean = [&](const std::string &value) {
    std::string mean = emit(out, base, "ReduceMean", {value});
    setIntsAttr(out.back(), "axes", {-1});
    setIntAttr(out.back(), "keepdims", 1);
    return mean;
  };
  std::string mean = reduceMean(xg);
  std::string centered = emit(out, base, "Sub", {xg, mean});
  std::string squared = emit(out, base, "Mul", {centered, centered});
  std::string var = reduceMean(squared);
  std::string eps = scalarLike(out, base, epsilon, x);
  std::string varEps = emit(out, base, "Add", {var, eps});
  std::string stddev = emit(out, base, "Sqrt", {varEps});
  std::string normalized = emit(out, base, "Div", {centered, stddev});
  std::string affineIn = normalized;
  if (perChannel) {
    // [N, G, K] -> [N, C, D] with C taken from X's shape.
    std::string shape = emit(out, base, "Shape", {x});
    std::string firstTwo = emit(
        out, base, "Slice",
        {shape, addInts(base + "_start", {0}), addInts(base + "_end", {2})});
    std::string nc =
        emit(out, base, "Concat", {firstTwo, addInts(base + "_rest", {-1})});
    setIntAttr(out.back(), "axis", 0);
    affineIn = emit(out, base, "Reshape", {normalized, nc});
  }
  std::string one = addInts(base + "_axis1", {1});
  std::string scale2 = emit(out, base, "Unsqueeze", {scale, one});
  std::string bias2 = emit(out, base, "Unsqueeze", {bias, one});
  std::string scaled = emit(out, base, "Mul", {affineIn, scale2});
  std::string shifted = emit(out, base, "Add", {scaled, bias2});
  std::string shape = emit(out, base, "Shape", {x});
  node.clear_attribute();
  node.set_op_type("Reshape");
  node.clear_input();
  node.add_input(shifted);
  node.add_input(shape);
  node.clear_output();
  node.add_output(y);
  return true;
}

bool GraphRewriter::upgrade(onnx::NodeProto &node,
                            std::vector<onnx::NodeProto> &out,
                            std::string &error) {
  const std::string &op = node.op_type();
  std::string base = baseName(node);
  auto cannot = [&](const llvm::Twine &why) {
    error = ("opset " + llvm::Twine(fromOpset) + " form of " + op +
             " cannot be brought to opset 17: " + why)
                .str();
    return false;
  };
  auto intsAttr = [&](llvm::StringRef name, std::vector<int64_t> &values) {
    const onnx::AttributeProto *attr = findAttr(node, name);
    if (!attr)
      return false;
    values.assign(attr->ints().begin(), attr->ints().end());
    return true;
  };

  // Attributes that became int64 inputs at 13: Squeeze/Unsqueeze/ReduceSum
  // `axes`, Split `split`.
  if (fromOpset < 13 &&
      (op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum")) {
    std::vector<int64_t> axes;
    if (intsAttr("axes", axes)) {
      removeAttr(node, "axes");
      setInput(node, 1, addInts(base + "_axes", axes));
    }
    return true;
  }
  if (fromOpset < 13 && op == "Split") {
    std::vector<int64_t> split;
    if (intsAttr("split", split)) {
      removeAttr(node, "split");
      setInput(node, 1, addInts(base + "_split", split));
    }
    return true;
  }
  // Clip-11 takes min/max as inputs.
  if (fromOpset < 11 && op == "Clip") {
    int32_t type = elemTypeOf(input(node, 0));
    if (const onnx::AttributeProto *min = findAttr(node, "min"))
      setInput(node, 1, addScalar(base + "_min", type, min->f()));
    if (const onnx::AttributeProto *max = findAttr(node, "max"))
      setInput(node, 2, addScalar(base + "_max", type, max->f()));
    removeAttr(node, "min");
    removeAttr(node, "max");
    return true;
  }
  // Pad-11 takes pads and the constant value as inputs.
  if (fromOpset < 11 && op == "Pad") {
    std::vector<int64_t> pads;
    if (!intsAttr("pads", pads))
      return cannot("attribute 'pads' is missing");
    setInput(node, 1, addInts(base + "_pads", pads));
    if (const onnx::AttributeProto *value = findAttr(node, "value"))
      if (value->f() != 0.0f)
        setInput(
            node, 2,
            addScalar(base + "_value", elemTypeOf(input(node, 0)), value->f()));
    removeAttr(node, "pads");
    removeAttr(node, "value");
    return true;
  }
  // Slice-10 takes starts/ends/axes as inputs.
  if (fromOpset < 10 && op == "Slice") {
    std::vector<int64_t> starts, ends, axes;
    if (!intsAttr("starts", starts) || !intsAttr("ends", ends))
      return cannot("attributes 'starts' and 'ends' are required");
    setInput(node, 1, addInts(base + "_starts", starts));
    setInput(node, 2, addInts(base + "_ends", ends));
    if (intsAttr("axes", axes))
      setInput(node, 3, addInts(base + "_axes", axes));
    removeAttr(node, "starts");
    removeAttr(node, "ends");
    removeAttr(node, "axes");
    return true;
  }
  // TopK-10 takes k as an input.
  if (fromOpset < 10 && op == "TopK") {
    const onnx::AttributeProto *k = findAttr(node, "k");
    if (!k)
      return cannot("attribute 'k' is missing");
    setInput(node, 1, addInts(base + "_k", {k->i()}));
    removeAttr(node, "k");
    return true;
  }
  // Dropout-12 takes the ratio as an input; inference ignores it.
  if (fromOpset < 12 && op == "Dropout") {
    removeAttr(node, "ratio");
    removeAttr(node, "is_test");
    return true;
  }
  if (fromOpset < 9 && op == "BatchNormalization") {
    if (getIntAttr(node, "spatial", 1) != 1)
      return cannot("spatial=0");
    removeAttr(node, "spatial");
    return true;
  }
  // Upsample (7-9, scales as an attribute before 9) is Resize with
  // asymmetric coordinates and flooring nearest neighbours.
  if (fromOpset < 10 && op == "Upsample") {
    std::string scales = input(node, 1);
    if (scales.empty()) {
      const onnx::AttributeProto *attr = findAttr(node, "scales");
      if (!attr)
        return cannot("attribute 'scales' is missing");
      onnx::TensorProto *t = graph.add_initializer();
      t->set_name(freshName(base + "_scales"));
      t->set_data_type(onnx::TensorProto::FLOAT);
      t->add_dims(attr->floats_size());
      for (float f : attr->floats())
        t->add_float_data(f);
      scales = t->name();
    }
    std::string mode = getStringAttr(node, "mode", "nearest");
    if (mode == "bilinear")
      mode = "linear";
    if (mode != "nearest" && mode != "linear")
      return cannot("mode '" + mode + "'");
    node.set_op_type("Resize");
    node.clear_attribute();
    truncateInputs(node, 1);
    setInput(node, 1, "");
    setInput(node, 2, scales);
    setStringAttr(node, "mode", mode);
    setStringAttr(node, "coordinate_transformation_mode", "asymmetric");
    if (mode == "nearest")
      setStringAttr(node, "nearest_mode", "floor");
    return true;
  }
  // Resize-10 had (X, scales) and asymmetric coordinates.
  if (fromOpset < 11 && op == "Resize") {
    std::string scales = input(node, 1);
    truncateInputs(node, 1);
    setInput(node, 1, "");
    setInput(node, 2, scales);
    setStringAttr(node, "coordinate_transformation_mode", "asymmetric");
    if (getStringAttr(node, "mode", "nearest") == "nearest")
      setStringAttr(node, "nearest_mode", "floor");
    return true;
  }
  // Before 13, Softmax/LogSoftmax/Hardmax flattened the input to 2-D at
  // `axis` (default 1) and normalized the second dimension.
  if (fromOpset < 13 &&
      (op == "Softmax" || op == "LogSoftmax" || op == "Hardmax")) {
    int64_t axis = getIntAttr(node, "axis", 1);
    std::string x = input(node, 0);
    if (node.output_size() != 1 || x.empty())
      return cannot("it needs one input and one output");
    std::string y = node.output(0);

    onnx::NodeProto flatten;
    flatten.set_op_type("Flatten");
    flatten.set_name(freshName(base + "_flatten"));
    flatten.add_input(x);
    std::string flat = freshName(base + "_2d");
    flatten.add_output(flat);
    setIntAttr(flatten, "axis", axis);
    out.push_back(std::move(flatten));

    onnx::NodeProto shape;
    shape.set_op_type("Shape");
    shape.set_name(freshName(base + "_shape"));
    shape.add_input(x);
    std::string shapeOut = freshName(base + "_shape");
    shape.add_output(shapeOut);
    out.push_back(std::move(shape));

    std::string normalized = freshName(base + "_2d_out");
    onnx::NodeProto reshape;
    reshape.set_op_type("Reshape");
    reshape.set_name(freshName(base + "_reshape"));
    reshape.add_input(normalized);
    reshape.add_input(shapeOut);
    reshape.add_output(y);

    node.set_input(0, flat);
    node.set_output(0, normalized);
    setIntAttr(node, "axis", -1);
    // The Reshape goes after the normalization itself, which rewrite()
    // appends last; so append the normalization here and hand back the
    // Reshape in its place.
    out.push_back(node);
    node = std::move(reshape);
    return true;
  }
  return true;
}

} // namespace

int64_t
zellige::import_detail::getDefaultDomainOpset(const onnx::ModelProto &model) {
  int64_t opset = -1;
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (isDefaultDomain(id.domain()))
      opset = std::max(opset, id.version());
  return opset;
}

void zellige::import_detail::setDefaultDomainOpset(onnx::ModelProto &model,
                                                   int64_t opset) {
  auto *imports = model.mutable_opset_import();
  for (int i = imports->size() - 1; i >= 0; --i)
    if (isDefaultDomain(imports->Get(i).domain()))
      imports->DeleteSubrange(i, 1);
  onnx::OperatorSetIdProto *id = model.add_opset_import();
  id->set_domain("");
  id->set_version(opset);
  // libonnx 1.12 knows IR versions up to 8 (the one of opset 17); newer IR
  // versions only add features the importer refuses anyway.
  // Opset 17 goes with IR version 8, the newest libonnx 1.12 knows. Newer IR
  // versions only add features the importer refuses anyway; older ones
  // (before 4) would require every initializer to be a graph input.
  model.set_ir_version(onnx::IR_VERSION);
}

bool zellige::import_detail::isExpandedNewOperator(const std::string &opType,
                                                   int64_t opset) {
  return (opType == "Mish" && opset >= 18) ||
         (opType == "GroupNormalization" && opset >= 18) ||
         (opType == "Gelu" && opset >= 20);
}

namespace {
/// The dimensions of `name` in `inferred` (-1 for unknown ones); false when
/// even the rank is unknown.
bool inferredDims(const onnx::GraphProto &inferred, const std::string &name,
                  std::vector<int64_t> &dims) {
  dims.clear();
  for (const onnx::TensorProto &t : inferred.initializer())
    if (t.name() == name) {
      dims.assign(t.dims().begin(), t.dims().end());
      return true;
    }
  auto fromValueInfo = [&](const onnx::ValueInfoProto &vi) {
    if (vi.name() != name || !vi.type().has_tensor_type() ||
        !vi.type().tensor_type().has_shape())
      return false;
    for (const auto &dim : vi.type().tensor_type().shape().dim())
      dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
    return true;
  };
  for (const onnx::ValueInfoProto &vi : inferred.input())
    if (fromValueInfo(vi))
      return true;
  for (const onnx::ValueInfoProto &vi : inferred.value_info())
    if (fromValueInfo(vi))
      return true;
  for (const onnx::ValueInfoProto &vi : inferred.output())
    if (fromValueInfo(vi))
      return true;
  return false;
}
} // namespace

bool zellige::import_detail::resolvePendingRewrites(
    onnx::ModelProto &model, const onnx::ModelProto &inferred,
    const PendingRewrites &pending, OpsetError &error) {
  const std::vector<PendingSplit> &pendingSplits = pending.splits;
  llvm::StringSet<> names;
  for (const onnx::TensorProto &t : model.graph().initializer())
    names.insert(t.name());
  for (const onnx::NodeProto &node : model.graph().node())
    for (const std::string &out : node.output())
      names.insert(out);

  for (const PendingSplit &split : pendingSplits) {
    onnx::NodeProto *node = nullptr;
    for (onnx::NodeProto &n : *model.mutable_graph()->mutable_node())
      if (n.op_type() == "Split" && n.output_size() > 0 &&
          n.output(0) == split.output)
        node = &n;
    if (!node || node->input_size() == 0 || split.numOutputs <= 0)
      continue;
    std::vector<int64_t> dims;
    if (!inferredDims(inferred.graph(), node->input(0), dims))
      continue;
    int64_t rank = static_cast<int64_t>(dims.size());
    int64_t axis = split.axis < 0 ? split.axis + rank : split.axis;
    if (axis < 0 || axis >= rank || dims[axis] < 0 ||
        dims[axis] % split.numOutputs == 0)
      continue;
    int64_t chunk = (dims[axis] + split.numOutputs - 1) / split.numOutputs;
    std::vector<int64_t> sizes;
    int64_t left = dims[axis];
    for (int64_t i = 0; i < split.numOutputs; ++i) {
      sizes.push_back(std::min(chunk, left));
      left -= sizes.back();
    }
    std::string name = split.output + "_split_sizes";
    for (unsigned i = 1; names.contains(name); ++i)
      name = split.output + "_split_sizes_" + std::to_string(i);
    names.insert(name);
    onnx::TensorProto *t = model.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(sizes.size()));
    for (int64_t v : sizes)
      t->add_int64_data(v);
    setInput(*node, 1, name);
  }

  for (const PendingPad &pad : pending.pads) {
    auto *nodes = model.mutable_graph()->mutable_node();
    int index = -1;
    for (int i = 0, e = nodes->size(); i < e; ++i)
      if (nodes->Get(i).op_type() == "Pad" &&
          nodes->Get(i).output_size() == 1 &&
          nodes->Get(i).output(0) == pad.output)
        index = i;
    if (index < 0)
      continue;
    onnx::NodeProto &node = *nodes->Mutable(index);
    std::vector<int64_t> dims;
    if (node.input_size() == 0 ||
        !inferredDims(inferred.graph(), node.input(0), dims)) {
      error.nodeIndex = index;
      error.message = "opset 18 Pad with 'axes' needs its input's rank to be "
                      "expressed at opset 17, and the rank is unknown";
      return false;
    }
    int64_t rank = static_cast<int64_t>(dims.size());
    std::vector<int64_t> full(2 * rank, 0);
    size_t n = pad.axes.size();
    for (size_t i = 0; i < n; ++i) {
      int64_t axis = pad.axes[i] < 0 ? pad.axes[i] + rank : pad.axes[i];
      if (axis < 0 || axis >= rank) {
        error.nodeIndex = index;
        error.message = "Pad axis " + std::to_string(pad.axes[i]) +
                        " is out of range for rank " + std::to_string(rank);
        return false;
      }
      full[axis] = pad.pads[i];
      full[axis + rank] = pad.pads[i + n];
    }
    std::string name = pad.output + "_full_pads";
    for (unsigned i = 1; names.contains(name); ++i)
      name = pad.output + "_full_pads_" + std::to_string(i);
    names.insert(name);
    onnx::TensorProto *t = model.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(full.size()));
    for (int64_t v : full)
      t->add_int64_data(v);
    setInput(node, 1, name);
  }
  return true;
}

bool zellige::import_detail::normalizeToCanonicalOpset(
    onnx::ModelProto &model, int64_t fromOpset, int64_t canonicalOpset,
    OpsetError &error, PendingRewrites *pending) {
  if (fromOpset != canonicalOpset) {
    GraphRewriter rewriter(*model.mutable_graph(), fromOpset, pending);
    if (!rewriter.run(error))
      return false;
  }
  setDefaultDomainOpset(model, canonicalOpset);
  return true;
}
