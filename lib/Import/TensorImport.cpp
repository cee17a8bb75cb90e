//===- TensorImport.cpp - ONNX tensors and types to MLIR ------------------===//
//
// This file implements the importer's conversions of ONNX element types,
// value types and tensors to MLIR. Tensor data comes from `raw_data`, from
// the typed `*_data` fields, or from an external data file, which must lie
// inside the model's folder (no absolute path, no `..`, no symlink leading
// out). The amount of data must match the tensor's shape exactly.
//
//===----------------------------------------------------------------------===//

#include "TensorImport.h"

#include "dialects/onnx/ONNXDialect.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <limits>

using namespace mlir;
using namespace zellige;
using namespace zellige::import_detail;

using onnx::TensorProto;

Type zellige::import_detail::convertElementType(MLIRContext &ctx,
                                                int32_t dataType) {
  auto sint = [&](unsigned w) { return IntegerType::get(&ctx, w); };
  auto uint = [&](unsigned w) {
    return IntegerType::get(&ctx, w, IntegerType::Unsigned);
  };
  switch (dataType) {
  case TensorProto::FLOAT:
    return Float32Type::get(&ctx);
  case TensorProto::DOUBLE:
    return Float64Type::get(&ctx);
  case TensorProto::FLOAT16:
    return Float16Type::get(&ctx);
  case TensorProto::BFLOAT16:
    return BFloat16Type::get(&ctx);
  case TensorProto::INT8:
    return sint(8);
  case TensorProto::INT16:
    return sint(16);
  case TensorProto::INT32:
    return sint(32);
  case TensorProto::INT64:
    return sint(64);
  case TensorProto::UINT8:
    return uint(8);
  case TensorProto::UINT16:
    return uint(16);
  case TensorProto::UINT32:
    return uint(32);
  case TensorProto::UINT64:
    return uint(64);
  case TensorProto::BOOL:
    return sint(1);
  case TensorProto::STRING:
    return ONNX::StringType::get(&ctx);
  case TensorProto::COMPLEX64:
    return ComplexType::get(Float32Type::get(&ctx));
  case TensorProto::COMPLEX128:
    return ComplexType::get(Float64Type::get(&ctx));
  default:
    return Type();
  }
}

std::string zellige::import_detail::dataTypeName(int32_t dataType) {
  if (TensorProto::DataType_IsValid(dataType) && dataType != 0) {
    std::string name =
        TensorProto::DataType_Name(static_cast<TensorProto::DataType>(dataType));
    for (char &c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
  }
  return "data type " + std::to_string(dataType);
}

Type zellige::import_detail::convertValueType(MLIRContext &ctx,
                                              const onnx::TypeProto &type,
                                              std::string &error) {
  if (!type.has_tensor_type()) {
    switch (type.value_case()) {
    case onnx::TypeProto::kSequenceType:
      error = "sequence types are not supported";
      break;
    case onnx::TypeProto::kMapType:
      error = "map types are not supported";
      break;
    case onnx::TypeProto::kOptionalType:
      error = "optional types are not supported";
      break;
    case onnx::TypeProto::kSparseTensorType:
      error = "sparse tensors are not supported";
      break;
    default:
      error = "no type is given";
      break;
    }
    return Type();
  }
  const auto &tt = type.tensor_type();
  Type elem = convertElementType(ctx, tt.elem_type());
  if (!elem) {
    error = tt.elem_type() ? "element type " + dataTypeName(tt.elem_type()) +
                                 " is not supported"
                           : "no element type is given";
    return Type();
  }
  if (!tt.has_shape())
    return UnrankedTensorType::get(elem);
  SmallVector<int64_t> dims;
  for (const auto &d : tt.shape().dim())
    dims.push_back(d.has_dim_value() && d.dim_value() >= 0
                       ? d.dim_value()
                       : ShapedType::kDynamic);
  return RankedTensorType::get(dims, elem);
}

//===----------------------------------------------------------------------===//
// External data
//===----------------------------------------------------------------------===//

ExternalDataReader::ExternalDataReader(StringRef modelPath)
    : allowed(!modelPath.empty() && modelPath != "-" &&
              modelPath != "<stdin>") {
  SmallString<256> dir = llvm::sys::path::parent_path(modelPath);
  if (dir.empty())
    dir = ".";
  baseDir = std::string(dir);
}

bool ExternalDataReader::read(const TensorProto &tensor, StringRef &bytes,
                              std::string &error) {
  std::string what = "tensor '" + tensor.name() + "'";
  std::string location, offsetText, lengthText;
  for (const auto &kv : tensor.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset")
      offsetText = kv.value();
    else if (kv.key() == "length")
      lengthText = kv.value();
  }
  if (location.empty()) {
    error = "external data of " + what + " has no 'location'";
    return false;
  }
  if (!allowed) {
    error = "external data of " + what + " ('" + location +
            "') needs the model's path; it cannot be read from stdin";
    return false;
  }
  StringRef loc(location);
  if (llvm::sys::path::is_absolute(loc) || loc.starts_with("/") ||
      loc.starts_with("\\") || llvm::sys::path::has_root_name(loc)) {
    error = "external data file '" + location + "' of " + what +
            " is an absolute path; only files inside the model's folder "
            "are read";
    return false;
  }
  for (auto it = llvm::sys::path::begin(loc), e = llvm::sys::path::end(loc);
       it != e; ++it)
    if (*it == "..") {
      error = "external data file '" + location + "' of " + what +
              " leaves the model's folder ('..')";
      return false;
    }

  SmallString<256> realBase, joined(baseDir), realFile;
  llvm::sys::path::append(joined, loc);
  if (llvm::sys::fs::real_path(baseDir, realBase)) {
    error = "cannot resolve the model's folder '" + baseDir + "'";
    return false;
  }
  if (llvm::sys::fs::real_path(joined, realFile) ||
      !llvm::sys::fs::exists(realFile)) {
    error = "external data file '" + location + "' of " + what +
            " does not exist in '" + baseDir + "'";
    return false;
  }
  SmallString<256> prefix(realBase);
  llvm::sys::path::append(prefix, "");
  if (!StringRef(realFile).starts_with(prefix)) {
    error = "external data file '" + location + "' of " + what +
            " resolves to '" + std::string(realFile) +
            "', outside the model's folder";
    return false;
  }
  if (!llvm::sys::fs::is_regular_file(realFile)) {
    error = "external data file '" + location + "' of " + what +
            " is not a regular file";
    return false;
  }

  auto found = files.find(realFile);
  if (found == files.end()) {
    auto buf = llvm::MemoryBuffer::getFile(realFile, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
    if (!buf) {
      error = "cannot read external data file '" + location + "' of " +
              what + ": " + buf.getError().message();
      return false;
    }
    found = files.try_emplace(realFile, std::move(*buf)).first;
  }
  StringRef data = found->second->getBuffer();

  uint64_t offset = 0, length = 0;
  if (!offsetText.empty() && StringRef(offsetText).getAsInteger(10, offset)) {
    error = "external data of " + what + " has a malformed offset '" +
            offsetText + "'";
    return false;
  }
  if (offset > data.size()) {
    error = "external data of " + what + " starts at offset " + offsetText +
            ", past the end of '" + location + "' (" +
            std::to_string(data.size()) + " bytes)";
    return false;
  }
  length = data.size() - offset;
  if (!lengthText.empty()) {
    if (StringRef(lengthText).getAsInteger(10, length)) {
      error = "external data of " + what + " has a malformed length '" +
              lengthText + "'";
      return false;
    }
    if (length > data.size() - offset) {
      error = "external data of " + what + " (offset " +
              std::to_string(offset) + ", length " + lengthText +
              ") runs past the end of '" + location + "' (" +
              std::to_string(data.size()) + " bytes)";
      return false;
    }
  }
  bytes = data.substr(offset, length);
  return true;
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

namespace {

std::string shapeText(const TensorProto &t) {
  std::string s = "[";
  for (int i = 0; i < t.dims_size(); ++i)
    s += (i ? ", " : "") + std::to_string(t.dims(i));
  return s + "]";
}

/// Appends the low `width` bytes of each value (little-endian host).
template <typename T>
void appendNarrowed(std::vector<char> &buf, const T &values, unsigned width) {
  for (auto v : values) {
    uint64_t bits = 0;
    if constexpr (std::is_floating_point_v<std::decay_t<decltype(v)>>) {
      static_assert(sizeof(v) <= sizeof(bits));
      std::memcpy(&bits, &v, sizeof(v));
    } else {
      bits = static_cast<uint64_t>(v);
    }
    const char *p = reinterpret_cast<const char *>(&bits);
    buf.insert(buf.end(), p, p + width);
  }
}

} // namespace

DenseElementsAttr zellige::import_detail::convertTensor(
    MLIRContext &ctx, const TensorProto &t, ExternalDataReader &external,
    const std::string &what, std::string &error) {
  Type elem = convertElementType(ctx, t.data_type());
  if (!elem) {
    error = what + " has unsupported element type " +
            dataTypeName(t.data_type());
    return {};
  }
  if (t.has_segment()) {
    error = what + " is segmented, which is not supported";
    return {};
  }
  SmallVector<int64_t> dims;
  uint64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0) {
      error = what + " has a negative dim in its shape " + shapeText(t);
      return {};
    }
    if (d && count > std::numeric_limits<int64_t>::max() / d) {
      error = what + " has a shape " + shapeText(t) + " that is too large";
      return {};
    }
    count *= d;
    dims.push_back(d);
  }
  auto type = RankedTensorType::get(dims, elem);
  auto mismatch = [&](uint64_t have) {
    error = what + " holds " + std::to_string(have) +
            " values but its shape " + shapeText(t) + " needs " +
            std::to_string(count);
    return DenseElementsAttr();
  };

  if (t.data_type() == TensorProto::STRING) {
    if (static_cast<uint64_t>(t.string_data_size()) != count)
      return mismatch(t.string_data_size());
    SmallVector<StringRef> strs;
    for (const std::string &s : t.string_data())
      strs.push_back(s);
    return DenseStringElementsAttr::get(type, strs);
  }

  // Raw little-endian bytes: raw_data or external data.
  bool isExternal = t.data_location() == TensorProto::EXTERNAL;
  if (isExternal || t.has_raw_data()) {
    StringRef bytes;
    if (isExternal) {
      if (!external.read(t, bytes, error))
        return {};
    } else {
      bytes = t.raw_data();
    }
    uint64_t width =
        t.data_type() == TensorProto::BOOL
            ? 1
            : (isa<ComplexType>(elem)
                   ? 2 * cast<ComplexType>(elem).getElementType()
                             .getIntOrFloatBitWidth() / 8
                   : elem.getIntOrFloatBitWidth() / 8);
    if (bytes.size() != count * width) {
      error = what + " holds " + std::to_string(bytes.size()) +
              " bytes of data but its shape " + shapeText(t) + " of " +
              dataTypeName(t.data_type()) + " needs " +
              std::to_string(count * width) + " bytes";
      return {};
    }
    if (t.data_type() == TensorProto::BOOL) {
      SmallVector<bool> values;
      values.reserve(count);
      for (char c : bytes)
        values.push_back(c != 0);
      return DenseElementsAttr::get(type, values);
    }
    if (count == 0)
      return DenseElementsAttr::get(type, ArrayRef<Attribute>());
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(bytes.data(), bytes.size()));
  }

  // Typed fields.
  std::vector<char> buf;
  auto check = [&](int64_t have, uint64_t per = 1) {
    if (static_cast<uint64_t>(have) != count * per) {
      mismatch(static_cast<uint64_t>(have) / per);
      return false;
    }
    return true;
  };
  switch (t.data_type()) {
  case TensorProto::FLOAT:
    if (!check(t.float_data_size()))
      return {};
    appendNarrowed(buf, t.float_data(), 4);
    break;
  case TensorProto::COMPLEX64:
    if (!check(t.float_data_size(), 2))
      return {};
    appendNarrowed(buf, t.float_data(), 4);
    break;
  case TensorProto::DOUBLE:
    if (!check(t.double_data_size()))
      return {};
    appendNarrowed(buf, t.double_data(), 8);
    break;
  case TensorProto::COMPLEX128:
    if (!check(t.double_data_size(), 2))
      return {};
    appendNarrowed(buf, t.double_data(), 8);
    break;
  case TensorProto::INT64:
    if (!check(t.int64_data_size()))
      return {};
    appendNarrowed(buf, t.int64_data(), 8);
    break;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    if (!check(t.uint64_data_size()))
      return {};
    appendNarrowed(buf, t.uint64_data(),
                   t.data_type() == TensorProto::UINT32 ? 4 : 8);
    break;
  case TensorProto::BOOL: {
    if (!check(t.int32_data_size()))
      return {};
    SmallVector<bool> values;
    for (int32_t v : t.int32_data())
      values.push_back(v != 0);
    return DenseElementsAttr::get(type, values);
  }
  default: // int8/16/32, uint8/16, float16, bfloat16 live in int32_data.
    if (!check(t.int32_data_size()))
      return {};
    appendNarrowed(buf, t.int32_data(), elem.getIntOrFloatBitWidth() / 8);
    break;
  }
  if (count == 0)
    return DenseElementsAttr::get(type, ArrayRef<Attribute>());
  return DenseElementsAttr::getFromRawBuffer(type, buf);
}
