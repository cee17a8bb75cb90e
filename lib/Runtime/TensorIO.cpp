//===- TensorIO.cpp - Reading and writing tensor files ----------*- C++ -*-===//
//
// This file implements the .npy reader and writer and the ONNX TensorProto
// reader. The .npy header is a Python dict literal; a small parser reads the
// three keys numpy writes ('descr', 'fortran_order', 'shape') and refuses
// anything else, so a malformed file gives an error naming what is wrong.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/TensorIO.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SwapByteOrder.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace llvm;

namespace zellige {

static Error fileError(StringRef path, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), path + ": " + msg);
}

static Expected<std::unique_ptr<MemoryBuffer>> readFile(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buf = MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buf)
    return fileError(path, "cannot read: " + buf.getError().message());
  return std::move(*buf);
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

static constexpr char kNpyMagic[] = "\x93NUMPY";
static constexpr size_t kNpyMagicLen = 6;

namespace {
/// A value of the .npy header dict.
struct PyValue {
  enum Kind { String, Bool, Tuple, Other } kind = Other;
  std::string str;
  bool boolean = false;
  std::vector<int64_t> ints;
};

/// Parses the Python dict literal of a .npy header.
class HeaderParser {
public:
  HeaderParser(StringRef text) : text(text) {}

  Error parse(std::map<std::string, PyValue> &out) {
    skipSpace();
    if (!consume('{'))
      return fail("expected '{'");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (Error e = parseString(key))
        return e;
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after '" + key + "'");
      skipSpace();
      PyValue value;
      if (Error e = parseValue(value))
        return e;
      if (!out.emplace(key, std::move(value)).second)
        return fail("key '" + key + "' appears twice");
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return fail("expected ',' or '}'");
    }
    skipSpace();
    if (pos != text.size())
      return fail("unexpected text after the header dict");
    return Error::success();
  }

private:
  Error fail(const Twine &msg) {
    return createStringError(
        inconvertibleErrorCode(),
        formatv("malformed header at offset {0}: {1}", pos, msg.str()));
  }
  void skipSpace() {
    while (pos < text.size() && isSpace(text[pos]))
      ++pos;
  }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool consumeWord(StringRef w) {
    if (text.substr(pos).starts_with(w)) {
      pos += w.size();
      return true;
    }
    return false;
  }
  Error parseString(std::string &out) {
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return fail("expected a quoted string");
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == StringRef::npos)
      return fail("unterminated string");
    out = text.slice(pos, end).str();
    pos = end + 1;
    return Error::success();
  }
  Error parseValue(PyValue &v) {
    if (pos < text.size() && (text[pos] == '\'' || text[pos] == '"')) {
      v.kind = PyValue::String;
      return parseString(v.str);
    }
    if (consumeWord("True")) {
      v.kind = PyValue::Bool;
      v.boolean = true;
      return Error::success();
    }
    if (consumeWord("False")) {
      v.kind = PyValue::Bool;
      return Error::success();
    }
    if (consume('(')) {
      v.kind = PyValue::Tuple;
      while (true) {
        skipSpace();
        if (consume(')'))
          return Error::success();
        size_t start = pos;
        while (pos < text.size() && isDigit(text[pos]))
          ++pos;
        int64_t dim;
        if (start == pos || text.slice(start, pos).getAsInteger(10, dim))
          return fail("expected a dimension");
        consume('L'); // Python 2 long suffix.
        v.ints.push_back(dim);
        skipSpace();
        if (consume(','))
          continue;
        skipSpace();
        if (consume(')'))
          return Error::success();
        return fail("expected ',' or ')' in the shape");
      }
    }
    // Lists (structured dtypes) and other values: skip to the next top-level
    // separator so the caller can name the key.
    v.kind = PyValue::Other;
    int depth = 0;
    while (pos < text.size()) {
      char c = text[pos];
      if (c == '[' || c == '(' || c == '{')
        ++depth;
      else if (c == ']' || c == ')' || c == '}') {
        if (depth == 0)
          break;
        --depth;
      } else if (c == ',' && depth == 0)
        break;
      ++pos;
    }
    return Error::success();
  }

  StringRef text;
  size_t pos = 0;
};
} // namespace

namespace {
/// A numpy type string such as "<f4" or "<U5".
struct NpyType {
  DType dtype = DType::F32;
  /// String elements: 'U' (UTF-32 code units) or 'S' (bytes), else 0.
  char strKind = 0;
  /// The bytes one element takes.
  uint64_t itemSize = 0;
  /// 'U' elements: big-endian code units.
  bool bigEndian = false;
};
} // namespace

/// Parses a numpy type string, or gives an error message.
static Expected<NpyType> parseDescr(StringRef descr) {
  auto fail = [&](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(), msg);
  };
  auto unsupported = [&]() {
    return fail("unsupported dtype '" + descr +
                "' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 U<n> "
                "S<n>)");
  };
  if (descr.size() < 2)
    return unsupported();
  char order = descr[0];
  StringRef type = descr.drop_front();
  if (order != '<' && order != '>' && order != '|' && order != '=')
    return unsupported();
  bool bigEndian = order == '>' ||
                   ((order == '=' || order == '|') && !sys::IsLittleEndianHost);

  NpyType result;
  if (type[0] == 'U' || type[0] == 'S') {
    // Fixed-width strings: "U<n>" holds n UTF-32 code units, "S<n>" n bytes
    // (numpy writes n >= 1).
    uint64_t width;
    if (type.drop_front().getAsInteger(10, width) || width == 0 ||
        width > std::numeric_limits<uint32_t>::max())
      return unsupported();
    result.dtype = DType::String;
    result.strKind = type[0];
    result.itemSize = type[0] == 'U' ? width * 4 : width;
    result.bigEndian = type[0] == 'U' && bigEndian;
    return result;
  }

  static const std::pair<StringRef, DType> kTypes[] = {
      {"f2", DType::F16}, {"f4", DType::F32}, {"f8", DType::F64},
      {"i1", DType::I8},  {"i2", DType::I16}, {"i4", DType::I32},
      {"i8", DType::I64}, {"u1", DType::U8},  {"u2", DType::U16},
      {"u4", DType::U32}, {"u8", DType::U64}, {"b1", DType::Bool}};
  std::optional<DType> dtype;
  for (const auto &[name, t] : kTypes)
    if (type == name)
      dtype = t;
  if (!dtype)
    return unsupported();
  if (bigEndian && dtypeSize(*dtype) > 1)
    return fail("big-endian data ('" + descr +
                "') is not supported; convert it with "
                "arr.astype(arr.dtype.newbyteorder('<'))");
  result.dtype = *dtype;
  result.itemSize = dtypeSize(*dtype);
  return result;
}

/// Decodes the fixed-width string elements of .npy data into `out`,
/// dropping each element's trailing NUL padding.
static Error decodeNpyStrings(const NpyType &type, const uint8_t *data,
                              uint64_t count, std::vector<std::string> &out) {
  out.clear();
  out.reserve(count);
  std::vector<UTF32> units;
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t *elem = data + i * type.itemSize;
    if (type.strKind == 'S') {
      size_t len = type.itemSize;
      while (len > 0 && elem[len - 1] == 0)
        --len;
      out.emplace_back(reinterpret_cast<const char *>(elem), len);
      continue;
    }
    units.clear();
    for (uint64_t j = 0; j < type.itemSize / 4; ++j)
      units.push_back(type.bigEndian ? support::endian::read32be(elem + 4 * j)
                                     : support::endian::read32le(elem + 4 * j));
    while (!units.empty() && units.back() == 0)
      units.pop_back();
    std::string s(units.size() * UNI_MAX_UTF8_BYTES_PER_CODE_POINT, '\0');
    const UTF32 *src = units.data();
    UTF8 *dst = reinterpret_cast<UTF8 *>(s.data());
    if (ConvertUTF32toUTF8(&src, src + units.size(), &dst, dst + s.size(),
                           strictConversion) != conversionOK)
      return createStringError(
          inconvertibleErrorCode(),
          formatv("string element {0} is not valid UTF-32", i));
    s.resize(dst - reinterpret_cast<UTF8 *>(s.data()));
    out.push_back(std::move(s));
  }
  return Error::success();
}

Expected<HostTensor> parseNpy(ArrayRef<uint8_t> bytes, StringRef path) {
  if (bytes.size() < kNpyMagicLen + 2 ||
      std::memcmp(bytes.data(), kNpyMagic, kNpyMagicLen) != 0)
    return fileError(path, "not a .npy file (bad magic)");
  uint8_t major = bytes[6], minor = bytes[7];
  size_t headerStart;
  uint64_t headerLen;
  if (major == 1) {
    headerStart = 10;
    if (bytes.size() < headerStart)
      return fileError(path, "truncated .npy header");
    headerLen = support::endian::read16le(bytes.data() + 8);
  } else if (major == 2 || major == 3) {
    headerStart = 12;
    if (bytes.size() < headerStart)
      return fileError(path, "truncated .npy header");
    headerLen = support::endian::read32le(bytes.data() + 8);
  } else {
    return fileError(
        path, formatv("unsupported .npy format version {0}.{1}", major, minor));
  }
  if (headerLen > bytes.size() - headerStart)
    return fileError(path, formatv("truncated .npy header (expected {0} "
                                   "bytes, found {1})",
                                   headerLen, bytes.size() - headerStart));
  StringRef header(reinterpret_cast<const char *>(bytes.data()) + headerStart,
                   headerLen);

  std::map<std::string, PyValue> dict;
  if (Error e = HeaderParser(header).parse(dict))
    return fileError(path, toString(std::move(e)));
  for (const auto &[key, value] : dict)
    if (key != "descr" && key != "fortran_order" && key != "shape")
      return fileError(path, "unexpected key '" + key + "' in the .npy header");
  auto descrIt = dict.find("descr"), fortranIt = dict.find("fortran_order"),
       shapeIt = dict.find("shape");
  if (descrIt == dict.end() || fortranIt == dict.end() || shapeIt == dict.end())
    return fileError(path, "the .npy header lacks 'descr', 'fortran_order' "
                           "or 'shape'");
  if (descrIt->second.kind != PyValue::String)
    return fileError(path, "unsupported dtype (structured arrays are not "
                           "supported)");
  if (fortranIt->second.kind != PyValue::Bool)
    return fileError(path, "'fortran_order' is not True or False");
  if (shapeIt->second.kind != PyValue::Tuple)
    return fileError(path, "'shape' is not a tuple");

  HostTensor t;
  Expected<NpyType> type = parseDescr(descrIt->second.str);
  if (!type)
    return fileError(path, toString(type.takeError()));
  t.dtype = type->dtype;
  t.shape = shapeIt->second.ints;
  std::optional<uint64_t> n = numElements(t.shape);
  if (!n ||
      (*n != 0 && type->itemSize > std::numeric_limits<uint64_t>::max() / *n))
    return fileError(path, "shape " + formatShape(t.shape) + " is too large");
  uint64_t size = *n * type->itemSize;
  // Fortran and C order agree when at most one dimension exceeds 1.
  if (fortranIt->second.boolean &&
      count_if(t.shape, [](int64_t d) { return d > 1; }) > 1)
    return fileError(path, "Fortran-order arrays are not supported; save a "
                           "C-order array (np.ascontiguousarray)");
  uint64_t available = bytes.size() - headerStart - headerLen;
  if (available < size)
    return fileError(path, formatv("truncated data (expected {0} bytes for {1} "
                                   "{2}, found {3})",
                                   size, formatShape(t.shape),
                                   t.dtype == DType::String
                                       ? StringRef(descrIt->second.str)
                                       : dtypeName(t.dtype),
                                   available));
  if (available > size)
    return fileError(
        path, formatv("{0} unexpected bytes after the data", available - size));
  const uint8_t *data = bytes.data() + headerStart + headerLen;
  if (t.dtype == DType::String) {
    if (Error e = decodeNpyStrings(*type, data, *n, t.strings))
      return fileError(path, toString(std::move(e)));
    return t;
  }
  t.data.assign(data, data + size);
  return t;
}

Expected<HostTensor> readNpy(StringRef path) {
  Expected<std::unique_ptr<MemoryBuffer>> buf = readFile(path);
  if (!buf)
    return buf.takeError();
  return parseNpy(arrayRefFromStringRef((*buf)->getBuffer()), path);
}

/// The "<U<n>" data of string elements: each element's UTF-8 decoded to
/// UTF-32LE code units, NUL-padded to the longest element's length.
static Error encodeNpyStrings(const HostTensor &t, std::string &descr,
                              std::vector<uint8_t> &out) {
  std::vector<std::vector<UTF32>> elems(t.strings.size());
  size_t width = 1;
  for (size_t i = 0; i < t.strings.size(); ++i) {
    const std::string &s = t.strings[i];
    std::vector<UTF32> &units = elems[i];
    units.resize(s.size());
    const UTF8 *src = reinterpret_cast<const UTF8 *>(s.data());
    UTF32 *dst = units.data();
    if (ConvertUTF8toUTF32(&src, src + s.size(), &dst, dst + units.size(),
                           strictConversion) != conversionOK)
      return createStringError(
          inconvertibleErrorCode(),
          formatv("tensor '{0}' element {1} is not valid UTF-8", t.name, i));
    units.resize(dst - units.data());
    width = std::max(width, units.size());
  }
  if (width > std::numeric_limits<uint32_t>::max() ||
      elems.size() > std::numeric_limits<size_t>::max() / 4 / width)
    return createStringError(inconvertibleErrorCode(),
                             formatv("tensor '{0}' is too large", t.name));
  descr = "<U" + utostr(width);
  out.assign(elems.size() * width * 4, 0);
  uint8_t *p = out.data();
  for (const std::vector<UTF32> &units : elems) {
    for (size_t j = 0; j < units.size(); ++j)
      support::endian::write32le(p + 4 * j, units[j]);
    p += width * 4;
  }
  return Error::success();
}

Expected<std::vector<uint8_t>> serializeNpy(const HostTensor &t) {
  auto fail = [&](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(), msg);
  };
  std::string descr;
  switch (t.dtype) {
  case DType::F16:
    descr = "<f2";
    break;
  case DType::F32:
    descr = "<f4";
    break;
  case DType::F64:
    descr = "<f8";
    break;
  case DType::I8:
    descr = "|i1";
    break;
  case DType::I16:
    descr = "<i2";
    break;
  case DType::I32:
    descr = "<i4";
    break;
  case DType::I64:
    descr = "<i8";
    break;
  case DType::U8:
    descr = "|u1";
    break;
  case DType::U16:
    descr = "<u2";
    break;
  case DType::U32:
    descr = "<u4";
    break;
  case DType::U64:
    descr = "<u8";
    break;
  case DType::Bool:
    descr = "|b1";
    break;
  case DType::BF16:
    return fail("bf16 tensors have no .npy type");
  case DType::String:
    break; // Set by encodeNpyStrings.
  }
  ArrayRef<uint8_t> payload = t.data;
  std::vector<uint8_t> strData;
  if (t.dtype == DType::String) {
    std::optional<uint64_t> n = numElements(t.shape);
    if (!n)
      return fail("invalid shape " + formatShape(t.shape));
    if (*n != t.strings.size())
      return fail(formatv("tensor '{0}' has {1} strings, its shape {2} needs "
                          "{3}",
                          t.name, t.strings.size(), formatShape(t.shape), *n));
    if (Error e = encodeNpyStrings(t, descr, strData))
      return std::move(e);
    payload = strData;
  } else {
    std::optional<uint64_t> size = tensorByteSize(t.dtype, t.shape);
    if (!size)
      return fail("invalid shape " + formatShape(t.shape));
    if (*size != t.data.size())
      return fail(formatv("tensor '{0}' has {1} bytes of data, its shape {2} "
                          "{3} needs {4}",
                          t.name, t.data.size(), formatShape(t.shape),
                          dtypeName(t.dtype), *size));
  }

  std::string shape = "(";
  for (int64_t d : t.shape)
    shape += itostr(d) + (t.shape.size() == 1 ? "," : ", ");
  if (t.shape.size() > 1)
    shape.resize(shape.size() - 2);
  shape += ")";
  std::string header =
      formatv("{{'descr': '{0}', 'fortran_order': False, 'shape': {1}, }",
              descr, shape)
          .str();
  // Pad with spaces so the data starts on a 64-byte boundary; end in '\n'.
  auto build = [&](size_t prefix) {
    std::string h = header;
    size_t total = prefix + h.size() + 1;
    h.append((64 - total % 64) % 64, ' ');
    h += '\n';
    return h;
  };
  std::string h1 = build(10);
  std::vector<uint8_t> out(kNpyMagic, kNpyMagic + kNpyMagicLen);
  std::string h;
  if (h1.size() <= std::numeric_limits<uint16_t>::max()) {
    h = h1;
    out.push_back(1);
    out.push_back(0);
    uint8_t len[2];
    support::endian::write16le(len, uint16_t(h.size()));
    out.insert(out.end(), len, len + 2);
  } else {
    h = build(12);
    out.push_back(2);
    out.push_back(0);
    uint8_t len[4];
    support::endian::write32le(len, uint32_t(h.size()));
    out.insert(out.end(), len, len + 4);
  }
  out.insert(out.end(), h.begin(), h.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Error writeNpy(StringRef path, const HostTensor &tensor) {
  Expected<std::vector<uint8_t>> bytes = serializeNpy(tensor);
  if (!bytes)
    return fileError(path, toString(bytes.takeError()));
  std::error_code ec;
  raw_fd_ostream os(path, ec, sys::fs::OF_None);
  if (ec)
    return fileError(path, "cannot write: " + ec.message());
  os.write(reinterpret_cast<const char *>(bytes->data()), bytes->size());
  os.close();
  if (os.has_error()) {
    ec = os.error();
    os.clear_error();
    return fileError(path, "cannot write: " + ec.message());
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// ONNX TensorProto
//===----------------------------------------------------------------------===//

static std::optional<DType> dtypeOfProto(int type) {
  using TP = onnx::TensorProto;
  switch (type) {
  case TP::FLOAT:
    return DType::F32;
  case TP::FLOAT16:
    return DType::F16;
  case TP::BFLOAT16:
    return DType::BF16;
  case TP::DOUBLE:
    return DType::F64;
  case TP::INT8:
    return DType::I8;
  case TP::INT16:
    return DType::I16;
  case TP::INT32:
    return DType::I32;
  case TP::INT64:
    return DType::I64;
  case TP::UINT8:
    return DType::U8;
  case TP::UINT16:
    return DType::U16;
  case TP::UINT32:
    return DType::U32;
  case TP::UINT64:
    return DType::U64;
  case TP::BOOL:
    return DType::Bool;
  case TP::STRING:
    return DType::String;
  default:
    return std::nullopt;
  }
}

/// Stores each value of `values` in `out` as `size` little-endian bytes
/// (narrowing as the ONNX typed fields require).
template <typename Range>
static void packValues(const Range &values, size_t size,
                       std::vector<uint8_t> &out) {
  out.resize(size_t(values.size()) * size);
  uint8_t *p = out.data();
  for (auto v : values) {
    if constexpr (std::is_floating_point_v<decltype(v)>) {
      std::memcpy(p, &v, size);
    } else {
      uint64_t bits = uint64_t(v);
      for (size_t i = 0; i < size; ++i)
        p[i] = uint8_t(bits >> (8 * i));
    }
    p += size;
  }
}

Expected<HostTensor> readTensorProto(StringRef path) {
  Expected<std::unique_ptr<MemoryBuffer>> buf = readFile(path);
  if (!buf)
    return buf.takeError();
  StringRef bytes = (*buf)->getBuffer();
  if (bytes.size() > size_t(std::numeric_limits<int>::max()))
    return fileError(path, "TensorProto files over 2 GiB are not supported");
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), int(bytes.size())))
    return fileError(path, "not a valid ONNX TensorProto");
  if (proto.data_location() == onnx::TensorProto::EXTERNAL ||
      proto.external_data_size() > 0)
    return fileError(path, "tensors with external data are not supported");
  // SequenceProto and OptionalProto files (ONNX test data of sequence ops)
  // parse as TensorProtos with a segment or no data type.
  if (proto.has_segment())
    return fileError(path, "segmented tensors are not supported (or the file "
                           "holds a SequenceProto or OptionalProto)");
  if (proto.data_type() == onnx::TensorProto::UNDEFINED)
    return fileError(path, "the tensor has no data type (or the file holds a "
                           "SequenceProto or OptionalProto)");
  std::optional<DType> dtype = dtypeOfProto(proto.data_type());
  if (!dtype) {
    std::string name = onnx::TensorProto::DataType_IsValid(proto.data_type())
                           ? onnx::TensorProto::DataType_Name(
                                 onnx::TensorProto::DataType(proto.data_type()))
                           : "unknown";
    return fileError(path, formatv("unsupported data type {0} ({1})",
                                   proto.data_type(), name));
  }

  HostTensor t;
  t.name = proto.name();
  t.dtype = *dtype;
  for (int64_t d : proto.dims()) {
    if (d < 0)
      return fileError(path, formatv("negative dimension {0}", d));
    t.shape.push_back(d);
  }
  std::optional<uint64_t> n = numElements(t.shape);
  std::optional<uint64_t> size = tensorByteSize(t.dtype, t.shape);
  if (!n || !size)
    return fileError(path, "shape " + formatShape(t.shape) + " is too large");

  if (t.dtype == DType::String) {
    if (proto.has_raw_data())
      return fileError(path, "string tensors cannot have raw_data");
    if (uint64_t(proto.string_data_size()) != *n)
      return fileError(path,
                       formatv("string_data has {0} values, {1} {2} "
                               "needs {3}",
                               proto.string_data_size(), formatShape(t.shape),
                               dtypeName(t.dtype), *n));
    t.strings.assign(proto.string_data().begin(), proto.string_data().end());
    return t;
  }

  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (raw.size() != *size)
      return fileError(path, formatv("raw_data has {0} bytes, {1} {2} needs "
                                     "{3}",
                                     raw.size(), formatShape(t.shape),
                                     dtypeName(t.dtype), *size));
    t.data.assign(raw.begin(), raw.end());
    return t;
  }

  size_t elemSize = dtypeSize(t.dtype);
  auto take = [&](const auto &field, StringRef fieldName) -> Error {
    if (uint64_t(field.size()) != *n)
      return fileError(path,
                       formatv("{0} has {1} values, {2} {3} needs {4}",
                               fieldName, field.size(), formatShape(t.shape),
                               dtypeName(t.dtype), *n));
    packValues(field, elemSize, t.data);
    return Error::success();
  };
  auto fill = [&]() -> Error {
    switch (t.dtype) {
    case DType::F32:
      return take(proto.float_data(), "float_data");
    case DType::F64:
      return take(proto.double_data(), "double_data");
    case DType::I64:
      return take(proto.int64_data(), "int64_data");
    case DType::U32:
    case DType::U64:
      return take(proto.uint64_data(), "uint64_data");
    default: // The narrow types and f16/bf16 bit patterns are in int32_data.
      return take(proto.int32_data(), "int32_data");
    }
  };
  if (Error err = fill())
    return std::move(err);
  return t;
}

Expected<HostTensor> readTensorFile(StringRef path) {
  if (path.ends_with_insensitive(".npy"))
    return readNpy(path);
  return readTensorProto(path);
}

} // namespace zellige

std::optional<std::vector<double>> zellige::asDoubles(const HostTensor &t) {
  std::vector<double> out;
  auto half = [](uint16_t bits, const fltSemantics &sem) {
    return APFloat(sem, APInt(16, bits)).convertToDouble();
  };
  switch (t.dtype) {
  case DType::F32:
    for (float v : t.values<float>())
      out.push_back(v);
    return out;
  case DType::F64:
    for (double v : t.values<double>())
      out.push_back(v);
    return out;
  case DType::F16:
    for (uint16_t v : t.values<uint16_t>())
      out.push_back(half(v, APFloat::IEEEhalf()));
    return out;
  case DType::BF16:
    for (uint16_t v : t.values<uint16_t>())
      out.push_back(half(v, APFloat::BFloat()));
    return out;
  default:
    return std::nullopt;
  }
}

zellige::ToleranceCheck zellige::checkTolerance(ArrayRef<double> got,
                                                ArrayRef<double> want,
                                                double rtol, double atol) {
  ToleranceCheck r;
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) {
    double x = got[i], y = want[i];
    if ((std::isnan(x) && std::isnan(y)) || x == y)
      continue;
    double err = std::fabs(x - y);
    if (std::isnan(err))
      err = INFINITY;
    r.maxError = std::max(r.maxError, err);
    if (!(err <= atol + rtol * std::fabs(y)) && r.mismatches++ == 0)
      r.first = i;
  }
  return r;
}
