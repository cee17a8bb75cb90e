//===- ModelLoader.cpp - Read ONNX protobufs and their external data ------===//
//
// This file implements the importer's reading of ONNX protobufs from
// untrusted bytes and its loading of external tensor data. External data may
// only come from files inside the model's folder: every location is checked
// lexically (no absolute path, no `..`) and again after resolving symbolic
// links, before a single byte is read.
//
//===----------------------------------------------------------------------===//

#include "ModelLoader.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <google/protobuf/io/coded_stream.h>

#include <climits>
#include <cstdint>
#include <map>

using namespace zellige::import_detail;

bool zellige::import_detail::parseModelProto(llvm::StringRef bytes,
                                             onnx::ModelProto &model,
                                             std::string &reason) {
  if (bytes.empty()) {
    reason = "the file is empty";
    return false;
  }
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    reason = "the protobuf is larger than 2 GiB (keep large weights in "
             "external data files)";
    return false;
  }
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()),
      static_cast<int>(bytes.size()));
  stream.SetTotalBytesLimit(INT_MAX);
  stream.SetRecursionLimit(64);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    reason = "the protobuf is malformed or truncated";
    return false;
  }
  if (!model.has_graph()) {
    reason = "the model has no graph";
    return false;
  }
  return true;
}

namespace {

/// The largest number of elements a tensor may have.
constexpr uint64_t kMaxElements = uint64_t(1) << 40;

std::string dimsText(const onnx::TensorProto &tensor) {
  std::string text = "[";
  for (int i = 0; i < tensor.dims_size(); ++i)
    text += (i ? ", " : "") + std::to_string(tensor.dims(i));
  return text + "]";
}

/// The number of elements of `tensor`'s shape; false when a dim is negative
/// or the count is past kMaxElements.
bool elementCount(const onnx::TensorProto &tensor, uint64_t &count) {
  count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || (d != 0 && count > kMaxElements / uint64_t(d)))
      return false;
    count *= uint64_t(d);
  }
  return true;
}

/// The bytes of raw data `tensor`'s shape and element type need.
bool expectedRawBytes(const onnx::TensorProto &tensor, uint64_t &bytes) {
  uint64_t count;
  size_t width = rawElementWidth(tensor.data_type());
  if (!elementCount(tensor, count) || width == 0)
    return false;
  bytes = count * width;
  return true;
}

/// Where a tensor's external data lives, as its `external_data` entries say.
struct ExternalRef {
  std::string location;
  uint64_t offset = 0;
  uint64_t length = 0;
  bool hasLength = false;
};

bool parseUnsigned(const std::string &text, uint64_t &value) {
  return !llvm::StringRef(text).getAsInteger(10, value);
}

/// Is `path` (already made real) inside `dir` (also real)?
bool isInside(llvm::StringRef path, llvm::StringRef dir) {
  if (!path.starts_with(dir))
    return false;
  if (path.size() == dir.size())
    return false;
  return llvm::sys::path::is_separator(path[dir.size()]) ||
         (!dir.empty() && llvm::sys::path::is_separator(dir.back()));
}

class ExternalDataLoader {
public:
  explicit ExternalDataLoader(llvm::StringRef baseDir) : baseDir(baseDir) {}

  bool load(onnx::TensorProto &tensor, std::string &error);

private:
  bool fail(const onnx::TensorProto &tensor, llvm::StringRef location,
            const llvm::Twine &why, std::string &error) {
    error = ("tensor '" + tensor.name() + "': external data file '" + location +
             "': " + why)
                .str();
    return false;
  }

  std::string baseDir;
  std::string realBaseDir;
};

bool ExternalDataLoader::load(onnx::TensorProto &tensor, std::string &error) {
  ExternalRef ref;
  bool hasLocation = false;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location") {
      ref.location = entry.value();
      hasLocation = true;
    } else if (entry.key() == "offset") {
      if (!parseUnsigned(entry.value(), ref.offset))
        return fail(tensor, entry.value(), "offset is not a number", error);
    } else if (entry.key() == "length") {
      if (!parseUnsigned(entry.value(), ref.length))
        return fail(tensor, entry.value(), "length is not a number", error);
      ref.hasLength = true;
    }
  }
  if (!hasLocation || ref.location.empty())
    return fail(tensor, "", "no location is given", error);
  llvm::StringRef location = ref.location;

  // Lexical checks first: nothing absolute, nothing that climbs out.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::sys::path::is_absolute(location, llvm::sys::path::Style::windows) ||
      llvm::sys::path::is_separator(location.front()))
    return fail(tensor, location,
                "absolute locations are refused; external data must lie in "
                "the model's folder '" +
                    baseDir + "'",
                error);
  if (location.contains('\0'))
    return fail(tensor, location, "the location contains a NUL byte", error);
  for (llvm::StringRef component : llvm::make_range(
           llvm::sys::path::begin(location, llvm::sys::path::Style::posix),
           llvm::sys::path::end(location)))
    if (component == "..")
      return fail(tensor, location,
                  "'..' is refused; external data must lie in the model's "
                  "folder '" +
                      baseDir + "'",
                  error);
  if (location.contains('\\'))
    return fail(tensor, location, "backslashes are refused in locations",
                error);

  // Then the real path: symbolic links must not lead outside the folder.
  if (realBaseDir.empty()) {
    llvm::SmallString<256> real;
    if (std::error_code ec = llvm::sys::fs::real_path(baseDir, real))
      return fail(tensor, location,
                  "cannot resolve the model's folder '" + baseDir +
                      "': " + ec.message(),
                  error);
    realBaseDir = std::string(real);
  }
  llvm::SmallString<256> joined(baseDir);
  llvm::sys::path::append(joined, location);
  llvm::SmallString<256> realFile;
  if (std::error_code ec = llvm::sys::fs::real_path(joined, realFile))
    return fail(tensor, location, "cannot open it: " + ec.message(), error);
  if (!isInside(realFile, realBaseDir))
    return fail(tensor, location,
                "it resolves to '" + realFile +
                    "', outside the model's folder '" + realBaseDir + "'",
                error);
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(realFile, status))
    return fail(tensor, location, "cannot open it: " + ec.message(), error);
  if (!llvm::sys::fs::is_regular_file(status))
    return fail(tensor, location, "it is not a regular file", error);

  // Know how many bytes the tensor needs before reading any: a location
  // may name a huge (or sparse) file.
  uint64_t needed = 0;
  if (!expectedRawBytes(tensor, needed))
    return fail(tensor, location,
                "the tensor's shape " + dimsText(tensor) +
                    " or element type is invalid",
                error);

  uint64_t fileSize = status.getSize();
  if (ref.offset > fileSize)
    return fail(tensor, location,
                "offset " + llvm::Twine(ref.offset) + " is past its end (" +
                    llvm::Twine(fileSize) + " bytes)",
                error);
  uint64_t length = ref.hasLength ? ref.length : fileSize - ref.offset;
  if (length > fileSize - ref.offset)
    return fail(tensor, location,
                "offset " + llvm::Twine(ref.offset) + " + length " +
                    llvm::Twine(length) + " is past its end (" +
                    llvm::Twine(fileSize) + " bytes)",
                error);
  if (length != needed)
    return fail(tensor, location,
                "it holds " + llvm::Twine(length) +
                    " bytes for the tensor, but its shape " + dimsText(tensor) +
                    " needs " + llvm::Twine(needed),
                error);

  auto buffer =
      llvm::MemoryBuffer::getFileSlice(realFile, static_cast<uint64_t>(length),
                                       static_cast<uint64_t>(ref.offset),
                                       /*IsVolatile=*/false);
  if (!buffer)
    return fail(tensor, location,
                "cannot read it: " + buffer.getError().message(), error);
  tensor.set_raw_data((*buffer)->getBufferStart(), (*buffer)->getBufferSize());
  tensor.clear_external_data();
  tensor.set_data_location(onnx::TensorProto::DEFAULT);
  return true;
}

} // namespace

bool zellige::import_detail::inlineExternalData(onnx::ModelProto &model,
                                                llvm::StringRef baseDir,
                                                std::string &error) {
  ExternalDataLoader loader(baseDir.empty() ? llvm::StringRef(".") : baseDir);
  auto isExternal = [](const onnx::TensorProto &tensor) {
    return tensor.data_location() == onnx::TensorProto::EXTERNAL ||
           tensor.external_data_size() > 0;
  };
  onnx::GraphProto *graph = model.mutable_graph();
  for (onnx::TensorProto &tensor : *graph->mutable_initializer())
    if (isExternal(tensor) && !loader.load(tensor, error))
      return false;
  for (onnx::NodeProto &node : *graph->mutable_node())
    for (onnx::AttributeProto &attr : *node.mutable_attribute())
      if (attr.has_t() && isExternal(attr.t()) &&
          !loader.load(*attr.mutable_t(), error))
        return false;
  return true;
}

size_t zellige::import_detail::rawElementWidth(int32_t type) {
  switch (type) {
  case onnx::TensorProto::BOOL:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return 1;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::FLOAT:
    return 4;
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::COMPLEX64:
    return 8;
  case onnx::TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

bool zellige::import_detail::validateTensorData(const onnx::TensorProto &tensor,
                                                const std::string &what,
                                                std::string &error) {
  if (tensor.dims_size() > 64) {
    error = what + " has rank " + std::to_string(tensor.dims_size()) +
            ", more than the importer's limit of 64";
    return false;
  }
  uint64_t numElements = 1;
  if (!elementCount(tensor, numElements)) {
    bool negative =
        llvm::any_of(tensor.dims(), [](int64_t d) { return d < 0; });
    error = what +
            (negative ? " has a negative dimension in its shape "
                      : " has a shape that is too large: ") +
            dimsText(tensor);
    return false;
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = what + " keeps its data in an external file that was not loaded";
    return false;
  }
  int32_t type = tensor.data_type();
  size_t width = rawElementWidth(type);
  if (type != onnx::TensorProto::STRING && width == 0) {
    error = what + " has unsupported element type " +
            (onnx::TensorProto::DataType_IsValid(type)
                 ? onnx::TensorProto::DataType_Name(
                       static_cast<onnx::TensorProto::DataType>(type))
                 : std::string("?")) +
            " (" + std::to_string(type) + ")";
    return false;
  }
  uint64_t have = 0;
  if (tensor.has_raw_data()) {
    if (type == onnx::TensorProto::STRING) {
      error = what + " is a string tensor with raw_data";
      return false;
    }
    if (tensor.raw_data().size() % width != 0) {
      error = what + " has " + std::to_string(tensor.raw_data().size()) +
              " bytes of raw data, not a multiple of its element size (" +
              std::to_string(width) + " bytes)";
      return false;
    }
    have = tensor.raw_data().size() / width;
  } else {
    switch (type) {
    case onnx::TensorProto::STRING:
      have = tensor.string_data_size();
      break;
    case onnx::TensorProto::FLOAT:
      have = tensor.float_data_size();
      break;
    case onnx::TensorProto::COMPLEX64:
      have = tensor.float_data_size() / 2;
      break;
    case onnx::TensorProto::DOUBLE:
      have = tensor.double_data_size();
      break;
    case onnx::TensorProto::COMPLEX128:
      have = tensor.double_data_size() / 2;
      break;
    case onnx::TensorProto::INT64:
      have = tensor.int64_data_size();
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      have = tensor.uint64_data_size();
      break;
    default:
      have = tensor.int32_data_size();
      break;
    }
  }
  if (have != numElements) {
    error = what + " is " + (have < numElements ? "shorter" : "longer") +
            " than its shape: it holds " + std::to_string(have) +
            " elements of data, but shape " + dimsText(tensor) + " needs " +
            std::to_string(numElements);
    return false;
  }
  return true;
}

namespace {
/// Refuses integer attributes whose values no valid model has and that
/// libonnx's shape inference does not check before using (it divides by a
/// zero stride and indexes with an unchecked axis): axes beyond the largest
/// rank, and non-positive strides, dilations, kernel sizes and groups or
/// negative pads of the convolutions and pools.
bool validateAttributeRange(const onnx::NodeProto &node,
                            const onnx::AttributeProto &attr,
                            std::string &error) {
  constexpr int64_t kMaxRank = 64;
  constexpr int64_t kMaxExtent = int64_t(1) << 31;
  const std::string &name = attr.name();
  llvm::StringRef op = node.op_type();
  bool convOrPool = op.contains("Conv") || op.contains("Pool") ||
                    op == "Col2Im" || op == "Im2Col";
  int64_t lo = 0, hi = 0;
  if (name == "axis" || name == "axes") {
    lo = -kMaxRank;
    hi = kMaxRank;
  } else if (name == "perm") {
    lo = 0;
    hi = kMaxRank - 1;
  } else if (convOrPool && (name == "strides" || name == "dilations" ||
                            name == "kernel_shape" || name == "group")) {
    lo = 1;
    hi = kMaxExtent;
  } else if (convOrPool && (name == "pads" || name == "output_padding" ||
                            name == "output_shape")) {
    lo = 0;
    hi = kMaxExtent;
  } else {
    return true;
  }
  auto check = [&](int64_t v) {
    if (v >= lo && v <= hi)
      return true;
    error = "attribute '" + name + "' has value " + std::to_string(v) +
            ", out of range [" + std::to_string(lo) + ", " +
            std::to_string(hi) + "]";
    return false;
  };
  if (attr.type() == onnx::AttributeProto::INT)
    return check(attr.i());
  if (attr.type() == onnx::AttributeProto::INTS) {
    if (attr.ints_size() > kMaxRank * 2) {
      error = "attribute '" + name + "' has " +
              std::to_string(attr.ints_size()) + " values, more than any " +
              "tensor of rank " + std::to_string(kMaxRank) + " needs";
      return false;
    }
    for (int64_t v : attr.ints())
      if (!check(v))
        return false;
  }
  return true;
}
/// The ranks the graph declares for its values: inputs, value_info, outputs
/// (where they have a shape) and initializers.
std::map<std::string, int> declaredRanks(const onnx::GraphProto &graph) {
  std::map<std::string, int> ranks;
  auto add = [&](const onnx::ValueInfoProto &v) {
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
      ranks[v.name()] = v.type().tensor_type().shape().dim_size();
  };
  for (const onnx::ValueInfoProto &v : graph.input())
    add(v);
  for (const onnx::ValueInfoProto &v : graph.value_info())
    add(v);
  for (const onnx::ValueInfoProto &v : graph.output())
    add(v);
  for (const onnx::TensorProto &t : graph.initializer())
    ranks[t.name()] = t.dims_size();
  return ranks;
}

/// Refuses a convolution whose data and weight ranks differ or are below 3:
/// libonnx's shape inference indexes the weight's dims by the data's rank
/// without checking (a SEGV in convTransposeShapeInference).
bool validateConvolutionRanks(const onnx::NodeProto &node,
                              const std::map<std::string, int> &ranks,
                              std::string &error) {
  llvm::StringRef op = node.op_type();
  if ((op != "Conv" && op != "ConvTranspose" && op != "ConvInteger" &&
       op != "QLinearConv" && op != "DeformConv") ||
      node.input_size() < 2)
    return true;
  // QLinearConv takes (x, x_scale, x_zero_point, w, ...).
  int wIndex = op == "QLinearConv" ? 3 : 1;
  if (node.input_size() <= wIndex)
    return true;
  auto x = ranks.find(node.input(0)), w = ranks.find(node.input(wIndex));
  if (x == ranks.end() || w == ranks.end())
    return true;
  if (x->second == w->second && x->second >= 3)
    return true;
  error = "weight '" + node.input(wIndex) + "' has rank " +
          std::to_string(w->second) + " and input '" + node.input(0) +
          "' rank " + std::to_string(x->second) +
          "; a convolution needs both of one rank, at least 3";
  return false;
}
} // namespace

bool zellige::import_detail::validateGraphData(const onnx::ModelProto &model,
                                               std::string &error,
                                               int64_t &nodeIndex) {
  nodeIndex = -1;
  const onnx::GraphProto &graph = model.graph();
  if (graph.sparse_initializer_size() > 0) {
    error = "sparse initializer '" +
            graph.sparse_initializer(0).values().name() + "' is not supported";
    return false;
  }
  for (const onnx::TensorProto &tensor : graph.initializer())
    if (!validateTensorData(tensor, "initializer '" + tensor.name() + "'",
                            error))
      return false;
  std::map<std::string, int> ranks = declaredRanks(graph);
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    nodeIndex = i;
    if (!validateConvolutionRanks(graph.node(i), ranks, error))
      return false;
    for (const onnx::AttributeProto &attr : graph.node(i).attribute()) {
      if (attr.has_g() || attr.graphs_size() > 0 ||
          attr.type() == onnx::AttributeProto::GRAPH ||
          attr.type() == onnx::AttributeProto::GRAPHS) {
        error = "attribute '" + attr.name() +
                "' is a subgraph; subgraphs (If/Loop/Scan bodies) are not "
                "supported yet";
        return false;
      }
      if (attr.has_sparse_tensor() || attr.sparse_tensors_size() > 0) {
        error = "attribute '" + attr.name() +
                "' is a sparse tensor, which is not supported";
        return false;
      }
      if (!validateAttributeRange(graph.node(i), attr, error))
        return false;
      if (attr.has_t() &&
          !validateTensorData(
              attr.t(), "tensor of attribute '" + attr.name() + "'", error))
        return false;
      for (const onnx::TensorProto &t : attr.tensors())
        if (!validateTensorData(t, "tensor of attribute '" + attr.name() + "'",
                                error))
          return false;
    }
  }
  nodeIndex = -1;
  return true;
}

bool zellige::import_detail::validateGraphTopology(
    const onnx::ModelProto &model, std::string &error, int64_t &nodeIndex) {
  nodeIndex = -1;
  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> defined;
  for (const onnx::ValueInfoProto &vi : graph.input())
    defined.insert(vi.name());
  for (const onnx::TensorProto &t : graph.initializer())
    defined.insert(t.name());
  // Which node produces each value, to tell a cycle from a missing value.
  llvm::StringMap<int> producer;
  for (int i = 0, e = graph.node_size(); i < e; ++i)
    for (const std::string &output : graph.node(i).output())
      if (!output.empty())
        producer.try_emplace(output, i);
  auto nameOf = [&](int i) {
    const onnx::NodeProto &node = graph.node(i);
    return node.name().empty() ? node.op_type() + "_" + std::to_string(i)
                               : node.name();
  };
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    for (const std::string &input : node.input()) {
      if (input.empty() || defined.contains(input))
        continue;
      nodeIndex = i;
      std::string where = "input '" + input + "' of node '" + nameOf(i) +
                          "' (" + node.op_type() + ")";
      auto it = producer.find(input);
      if (it == producer.end())
        error = where + " is not defined";
      else
        error =
            where + " is the output of " +
            (it->second == i ? std::string("the same node")
                             : "a later node '" + nameOf(it->second) + "'") +
            " (the graph has a cycle or is not topologically sorted)";
      return false;
    }
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      if (!defined.insert(output).second) {
        nodeIndex = i;
        error = "output '" + output + "' of node '" + nameOf(i) +
                "' is already defined (by a graph input, an initializer or "
                "an earlier node)";
        return false;
      }
    }
  }
  return true;
}

std::string
zellige::import_detail::escapeControlCharacters(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size());
  llvm::raw_string_ostream os(out);
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // U+0085 (NEL), U+2028 and U+2029 end lines in some readers too.
    size_t separator = 0;
    if (c == 0xC2 && text.substr(i).starts_with("\xC2\x85"))
      separator = 2;
    else if (c == 0xE2 && (text.substr(i).starts_with("\xE2\x80\xA8") ||
                           text.substr(i).starts_with("\xE2\x80\xA9")))
      separator = 3;
    if (c < 0x20 || c == 0x7F || separator) {
      size_t n = separator ? separator : 1;
      for (size_t k = 0; k < n; ++k)
        os << "\\x"
           << llvm::format_hex_no_prefix(
                  static_cast<unsigned char>(text[i + k]), 2);
      i += n - 1;
      continue;
    }
    os << text[i];
  }
  return out;
}
