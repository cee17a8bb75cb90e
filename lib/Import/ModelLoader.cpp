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
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <google/protobuf/io/coded_stream.h>

#include <climits>
#include <cstdint>

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
  if (length > static_cast<uint64_t>(INT64_MAX))
    return fail(tensor, location, "length is too large", error);

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

namespace {
std::string dimsText(const onnx::TensorProto &tensor) {
  std::string text = "[";
  for (int i = 0; i < tensor.dims_size(); ++i)
    text += (i ? ", " : "") + std::to_string(tensor.dims(i));
  return text + "]";
}
} // namespace

bool zellige::import_detail::validateTensorData(const onnx::TensorProto &tensor,
                                                const std::string &what,
                                                std::string &error) {
  uint64_t numElements = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0) {
      error =
          what + " has a negative dimension in its shape " + dimsText(tensor);
      return false;
    }
    if (d != 0 && numElements > (uint64_t(1) << 40) / uint64_t(d)) {
      error = what + " has a shape " + dimsText(tensor) + " that is too large";
      return false;
    }
    numElements *= uint64_t(d);
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
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    nodeIndex = i;
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
