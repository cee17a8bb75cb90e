//===- TensorIOTest.cpp - Tests of .npy and TensorProto files -------------===//
//
// This file tests the tensor file readers and writers: .npy round trips for
// every supported dtype, files exactly as numpy writes them, string arrays,
// each malformed .npy case, and ONNX TensorProto files with raw_data, typed
// fields and string_data.
//
//===----------------------------------------------------------------------===//

#include "TestObjects.h"

#include "zellige/Runtime/TensorIO.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"

#include "gtest/gtest.h"

#include <cmath>

#include <cstring>
#include <fstream>

using namespace zellige;
using namespace llvm;

namespace {

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

/// A .npy file with `header` (padded and '\n'-terminated here) and `data`.
std::string npyBytes(const std::string &header, const std::string &data,
                     int major = 1) {
  std::string h = header;
  size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + h.size() + 1) % 64)
    h += ' ';
  h += '\n';
  std::string out = "\x93NUMPY";
  out += char(major);
  out += char(0);
  if (major == 1) {
    out += char(h.size() & 0xff);
    out += char(h.size() >> 8);
  } else {
    for (int i = 0; i < 4; ++i)
      out += char((h.size() >> (8 * i)) & 0xff);
  }
  return out + h + data;
}

std::string parseError(const std::string &bytes) {
  Expected<HostTensor> t = parseNpy(arrayRefFromStringRef(bytes), "in.npy");
  if (t)
    return "parsed";
  return toString(t.takeError());
}

TEST(NpyTest, RoundTripEveryDType) {
  test::TempDir dir;
  for (DType dtype : {DType::F32, DType::F64, DType::F16, DType::I8, DType::I16,
                      DType::I32, DType::I64, DType::U8, DType::U16, DType::U32,
                      DType::U64, DType::Bool}) {
    for (std::vector<int64_t> shape :
         {std::vector<int64_t>{2, 3, 4}, std::vector<int64_t>{5},
          std::vector<int64_t>{}, std::vector<int64_t>{0, 7}}) {
      HostTensor t;
      t.dtype = dtype;
      t.shape = shape;
      t.data.resize(*tensorByteSize(dtype, shape));
      for (size_t i = 0; i < t.data.size(); ++i)
        t.data[i] = dtype == DType::Bool ? uint8_t(i % 2) : uint8_t(i * 37 + 1);
      std::string path = dir.path(std::string(dtypeName(dtype)) + ".npy");
      ASSERT_FALSE(errorToBool(writeNpy(path, t)));
      Expected<HostTensor> back = readNpy(path);
      ASSERT_TRUE(bool(back)) << toString(back.takeError());
      EXPECT_EQ(back->dtype, dtype);
      EXPECT_EQ(back->shape, shape);
      EXPECT_EQ(back->data, t.data);
      // The data starts on a 64-byte boundary, as numpy does it.
      Expected<std::vector<uint8_t>> bytes = serializeNpy(t);
      ASSERT_TRUE(bool(bytes));
      EXPECT_EQ((bytes->size() - t.data.size()) % 64, 0u);
    }
  }
}

TEST(NpyTest, ReadsWhatNumpyWrites) {
  // np.save(f, np.arange(6, dtype='<i4').reshape(2, 3)), byte for byte.
  std::string header = "{'descr': '<i4', 'fortran_order': False, 'shape': "
                       "(2, 3), }";
  std::string data;
  for (int32_t i = 0; i < 6; ++i)
    data.append(reinterpret_cast<const char *>(&i), 4);
  std::string bytes = npyBytes(header, data);
  ASSERT_EQ(bytes.size(), 152u);
  ASSERT_EQ(bytes[8], 'v'); // header length 118, as numpy 1.2x writes it.
  Expected<HostTensor> t = parseNpy(arrayRefFromStringRef(bytes), "arange.npy");
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_EQ(t->dtype, DType::I32);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t->values<int32_t>()[5], 5);

  // np.save(f, np.float64(3.25)): a 0-d array.
  double v = 3.25;
  t = parseNpy(arrayRefFromStringRef(npyBytes(
                   "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                   std::string(reinterpret_cast<const char *>(&v), 8))),
               "scalar.npy");
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_TRUE(t->shape.empty());
  EXPECT_EQ(t->values<double>()[0], 3.25);

  // Version 2.0 headers, double quotes, no trailing comma, '|b1'.
  t = parseNpy(arrayRefFromStringRef(npyBytes(
                   "{\"descr\": \"|b1\", \"shape\": (3,), \"fortran_order\": "
                   "False}",
                   std::string("\x01\x00\x01", 3), 2)),
               "v2.npy");
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_EQ(t->dtype, DType::Bool);
  EXPECT_EQ(t->shape, std::vector<int64_t>{3});

  // Fortran order is the same as C order for one dimension.
  t = parseNpy(arrayRefFromStringRef(npyBytes(
                   "{'descr': '<u2', 'fortran_order': True, 'shape': (2,), }",
                   std::string(4, '\0'))),
               "f1d.npy");
  EXPECT_TRUE(bool(t)) << toString(t.takeError());
}

TEST(NpyTest, Malformed) {
  std::string f4 = std::string(8, '\0');
  EXPECT_EQ(parseError("hello world"), "in.npy: not a .npy file (bad magic)");
  EXPECT_EQ(parseError("\x93NUM"), "in.npy: not a .npy file (bad magic)");
  EXPECT_EQ(parseError(std::string("\x93NUMPY\x01\x00\xff\x00{'descr'", 17)),
            "in.npy: truncated .npy header (expected 255 bytes, found 7)");
  std::string v9 = npyBytes("{}", "");
  v9[6] = 9;
  EXPECT_EQ(parseError(v9), "in.npy: unsupported .npy format version 9.0");
  EXPECT_EQ(parseError(npyBytes("{'descr': '<f4', 'fortran_order': False, "
                                "'shape': (2,), }",
                                f4.substr(0, 5))),
            "in.npy: truncated data (expected 8 bytes for [2] f32, found 5)");
  EXPECT_EQ(parseError(npyBytes("{'descr': '<f4', 'fortran_order': False, "
                                "'shape': (2,), }",
                                f4 + "xx")),
            "in.npy: 2 unexpected bytes after the data");
  EXPECT_EQ(parseError(npyBytes("{'descr': '<f4', 'fortran_order': True, "
                                "'shape': (2, 2), }",
                                f4 + f4)),
            "in.npy: Fortran-order arrays are not supported; save a C-order "
            "array (np.ascontiguousarray)");
  EXPECT_EQ(parseError(npyBytes("{'descr': '>f4', 'fortran_order': False, "
                                "'shape': (2,), }",
                                f4)),
            "in.npy: big-endian data ('>f4') is not supported; convert it "
            "with arr.astype(arr.dtype.newbyteorder('<'))");
  EXPECT_EQ(parseError(npyBytes("{'descr': '<c8', 'fortran_order': False, "
                                "'shape': (1,), }",
                                f4)),
            "in.npy: unsupported dtype '<c8' (supported: f2 f4 f8 i1 i2 i4 "
            "i8 u1 u2 u4 u8 b1 U<n> S<n>)");
  EXPECT_EQ(parseError(npyBytes("{'descr': '<U0', 'fortran_order': False, "
                                "'shape': (1,), }",
                                "")),
            "in.npy: unsupported dtype '<U0' (supported: f2 f4 f8 i1 i2 i4 "
            "i8 u1 u2 u4 u8 b1 U<n> S<n>)");
  EXPECT_EQ(parseError(npyBytes("{'descr': [('a', '<f4')], 'fortran_order': "
                                "False, 'shape': (1,), }",
                                "xxxx")),
            "in.npy: unsupported dtype (structured arrays are not supported)");
  EXPECT_EQ(parseError(npyBytes("{'descr': '<f4', 'shape': (1,), }", "xxxx")),
            "in.npy: the .npy header lacks 'descr', 'fortran_order' or "
            "'shape'");
  EXPECT_EQ(parseError(npyBytes("{'descr': '<f4', 'fortran_order': False, "
                                "'shape': (1,), 'extra': 1, }",
                                "xxxx")),
            "in.npy: unexpected key 'extra' in the .npy header");
  EXPECT_EQ(parseError(npyBytes("{'descr': '<f4', 'fortran_order': False, "
                                "'shape': (-1,), }",
                                "")),
            "in.npy: malformed header at offset 51: expected a dimension");
  EXPECT_EQ(parseError(npyBytes("{'descr' '<f4'}", "")),
            "in.npy: malformed header at offset 9: expected ':' after "
            "'descr'");
  EXPECT_EQ(parseError(npyBytes("{'descr': '<f4', 'fortran_order': False, "
                                "'shape': 3, }",
                                "")),
            "in.npy: 'shape' is not a tuple");
}

/// `s` as UTF-32LE code units, NUL-padded to `width`.
std::string utf32le(const std::u32string &s, size_t width) {
  std::string out;
  for (size_t i = 0; i < width; ++i) {
    char32_t c = i < s.size() ? s[i] : 0;
    for (int b = 0; b < 4; ++b)
      out += char((c >> (8 * b)) & 0xff);
  }
  return out;
}

TEST(NpyTest, StringRoundTrip) {
  test::TempDir dir;
  HostTensor t;
  t.name = "s";
  t.dtype = DType::String;
  t.shape = {2, 2};
  // "caf\u00e9" is 5 UTF-8 bytes and 4 code points; "\u65e5\u672c" 6 and 2.
  t.strings = {"hello", "caf\xc3\xa9", "", "\xe6\x97\xa5\xe6\x9c\xac"};
  std::string path = dir.path("s.npy");
  ASSERT_FALSE(errorToBool(writeNpy(path, t)));
  Expected<HostTensor> back = readNpy(path);
  ASSERT_TRUE(bool(back)) << toString(back.takeError());
  EXPECT_EQ(back->dtype, DType::String);
  EXPECT_EQ(back->shape, t.shape);
  EXPECT_EQ(back->strings, t.strings);
  EXPECT_TRUE(back->data.empty());

  // Byte for byte what np.save(f, np.array([['hello', 'caf\u00e9'],
  // ['', '\u65e5\u672c']])) writes: '<U5', UTF-32LE, NUL-padded.
  Expected<std::vector<uint8_t>> bytes = serializeNpy(t);
  ASSERT_TRUE(bool(bytes)) << toString(bytes.takeError());
  std::string want =
      npyBytes("{'descr': '<U5', 'fortran_order': False, 'shape': (2, 2), }",
               utf32le(U"hello", 5) + utf32le(U"caf\u00e9", 5) +
                   utf32le(U"", 5) + utf32le(U"\u65e5\u672c", 5));
  EXPECT_EQ(std::string(bytes->begin(), bytes->end()), want);

  // All-empty and zero-element tensors take '<U1', as numpy's do.
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{}, std::vector<int64_t>{0, 3}}) {
    HostTensor e;
    e.dtype = DType::String;
    e.shape = shape;
    e.strings.resize(shape.empty() ? 1 : 0);
    bytes = serializeNpy(e);
    ASSERT_TRUE(bool(bytes)) << toString(bytes.takeError());
    std::string text(bytes->begin(), bytes->end());
    EXPECT_NE(text.find("'descr': '<U1'"), std::string::npos) << text;
    Expected<HostTensor> r = parseNpy(*bytes, "e.npy");
    ASSERT_TRUE(bool(r)) << toString(r.takeError());
    EXPECT_EQ(r->shape, shape);
    EXPECT_EQ(r->strings, e.strings);
  }
}

TEST(NpyTest, ReadsNumpyStrings) {
  // np.array([b'ab', b'xyz', b'']): '|S3', NUL-padded bytes.
  Expected<HostTensor> t =
      parseNpy(arrayRefFromStringRef(npyBytes(
                   "{'descr': '|S3', 'fortran_order': False, 'shape': (3,), }",
                   std::string("ab\0xyz\0\0\0", 9))),
               "bytes.npy");
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_EQ(t->dtype, DType::String);
  EXPECT_EQ(t->shape, std::vector<int64_t>{3});
  EXPECT_EQ(t->strings, (std::vector<std::string>{"ab", "xyz", ""}));
  EXPECT_TRUE(t->data.empty());

  // '<U3' with a code point outside the BMP; a 0-d array.
  t = parseNpy(arrayRefFromStringRef(npyBytes(
                   "{'descr': '<U3', 'fortran_order': False, 'shape': (), }",
                   utf32le(U"a\U0001F600", 3))),
               "u.npy");
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_TRUE(t->shape.empty());
  EXPECT_EQ(t->strings, std::vector<std::string>{"a\xf0\x9f\x98\x80"});

  // '>U2': big-endian code units.
  t = parseNpy(arrayRefFromStringRef(npyBytes(
                   "{'descr': '>U2', 'fortran_order': False, 'shape': (1,), }",
                   std::string("\0\0\0h\0\0\0\xe9", 8))),
               "be.npy");
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_EQ(t->strings, std::vector<std::string>{"h\xc3\xa9"});

  EXPECT_EQ(parseError(npyBytes("{'descr': '<U2', 'fortran_order': False, "
                                "'shape': (2,), }",
                                utf32le(U"ab", 2))),
            "in.npy: truncated data (expected 16 bytes for [2] <U2, found 8)");
  std::string surrogate = utf32le(U"a", 2);
  surrogate[4] = '\x00';
  surrogate[5] = '\xd8'; // U+D800
  EXPECT_EQ(parseError(npyBytes("{'descr': '<U2', 'fortran_order': False, "
                                "'shape': (1,), }",
                                surrogate)),
            "in.npy: string element 0 is not valid UTF-32");
}

TEST(NpyTest, WriteErrors) {
  test::TempDir dir;
  HostTensor t;
  t.name = "w";
  t.dtype = DType::BF16;
  t.shape = {1};
  t.data = {0, 0};
  std::string p = dir.path("w.npy");
  EXPECT_EQ(toString(writeNpy(p, t)), p + ": bf16 tensors have no .npy type");
  t.dtype = DType::F32;
  EXPECT_EQ(toString(writeNpy(p, t)),
            p + ": tensor 'w' has 2 bytes of data, its shape [1] f32 needs 4");
  std::string missing = dir.path("no/such/dir/w.npy");
  t.data.resize(4);
  std::string err = toString(writeNpy(missing, t));
  EXPECT_EQ(err.rfind(missing + ": cannot write: ", 0), 0u) << err;
  err = toString(readNpy(missing).takeError());
  EXPECT_EQ(err.rfind(missing + ": cannot read: ", 0), 0u) << err;

  HostTensor s;
  s.name = "s";
  s.dtype = DType::String;
  s.shape = {2};
  s.strings = {"ok", "bad \xff"};
  EXPECT_EQ(toString(writeNpy(p, s)),
            p + ": tensor 's' element 1 is not valid UTF-8");
  s.strings = {"ok", "\xed\xa0\x80"}; // An encoded surrogate.
  EXPECT_EQ(toString(writeNpy(p, s)),
            p + ": tensor 's' element 1 is not valid UTF-8");
  s.strings = {"ok"};
  EXPECT_EQ(toString(writeNpy(p, s)),
            p + ": tensor 's' has 1 strings, its shape [2] needs 2");
}

//===----------------------------------------------------------------------===//
// TensorProto
//===----------------------------------------------------------------------===//

std::string writeProto(const test::TempDir &dir, const onnx::TensorProto &p,
                       const std::string &name = "t.pb") {
  std::string path = dir.path(name);
  writeBytes(path, p.SerializeAsString());
  return path;
}

TEST(TensorProtoTest, RawData) {
  test::TempDir dir;
  onnx::TensorProto p;
  p.set_name("input_0");
  p.set_data_type(onnx::TensorProto::FLOAT);
  p.add_dims(2);
  p.add_dims(2);
  float v[4] = {1.f, -2.f, 3.5f, 0.25f};
  p.set_raw_data(std::string(reinterpret_cast<const char *>(v), sizeof v));
  Expected<HostTensor> t = readTensorFile(writeProto(dir, p));
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_EQ(t->name, "input_0");
  EXPECT_EQ(t->dtype, DType::F32);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(t->values<float>()[2], 3.5f);
}

TEST(TensorProtoTest, TypedFields) {
  test::TempDir dir;
  {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::FLOAT);
    p.add_dims(3);
    for (float f : {1.f, 2.f, 3.f})
      p.add_float_data(f);
    Expected<HostTensor> t = readTensorProto(writeProto(dir, p));
    ASSERT_TRUE(bool(t)) << toString(t.takeError());
    EXPECT_EQ(t->values<float>().vec(), (std::vector<float>{1, 2, 3}));
  }
  {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::INT8);
    p.add_dims(3);
    for (int v : {-1, 5, -128})
      p.add_int32_data(v);
    Expected<HostTensor> t = readTensorProto(writeProto(dir, p));
    ASSERT_TRUE(bool(t)) << toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::I8);
    EXPECT_EQ(t->values<int8_t>().vec(), (std::vector<int8_t>{-1, 5, -128}));
  }
  {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::FLOAT16);
    p.add_dims(2);
    p.add_int32_data(0x3c00); // 1.0
    p.add_int32_data(0xc000); // -2.0
    Expected<HostTensor> t = readTensorProto(writeProto(dir, p));
    ASSERT_TRUE(bool(t)) << toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::F16);
    EXPECT_EQ(t->values<uint16_t>().vec(),
              (std::vector<uint16_t>{0x3c00, 0xc000}));
  }
  {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::INT64);
    p.add_int64_data(-7); // A scalar: no dims.
    Expected<HostTensor> t = readTensorProto(writeProto(dir, p));
    ASSERT_TRUE(bool(t)) << toString(t.takeError());
    EXPECT_TRUE(t->shape.empty());
    EXPECT_EQ(t->values<int64_t>()[0], -7);
  }
  {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::UINT32);
    p.add_dims(1);
    p.add_uint64_data(4000000000u);
    Expected<HostTensor> t = readTensorProto(writeProto(dir, p));
    ASSERT_TRUE(bool(t)) << toString(t.takeError());
    EXPECT_EQ(t->values<uint32_t>()[0], 4000000000u);
  }
  {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::DOUBLE);
    p.add_dims(1);
    p.add_double_data(0.125);
    Expected<HostTensor> t = readTensorProto(writeProto(dir, p));
    ASSERT_TRUE(bool(t)) << toString(t.takeError());
    EXPECT_EQ(t->values<double>()[0], 0.125);
  }
  {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::BOOL);
    p.add_dims(2);
    p.add_int32_data(1);
    p.add_int32_data(0);
    Expected<HostTensor> t = readTensorProto(writeProto(dir, p));
    ASSERT_TRUE(bool(t)) << toString(t.takeError());
    EXPECT_EQ(t->data, (std::vector<uint8_t>{1, 0}));
  }
}

TEST(TensorProtoTest, StringData) {
  test::TempDir dir;
  onnx::TensorProto p;
  p.set_name("words");
  p.set_data_type(onnx::TensorProto::STRING);
  p.add_dims(3);
  p.add_dims(1);
  for (const char *s : {"hello", "caf\xc3\xa9", ""})
    p.add_string_data(s);
  Expected<HostTensor> t = readTensorFile(writeProto(dir, p));
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_EQ(t->name, "words");
  EXPECT_EQ(t->dtype, DType::String);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(t->strings, (std::vector<std::string>{"hello", "caf\xc3\xa9", ""}));
  EXPECT_TRUE(t->data.empty());

  onnx::TensorProto scalar;
  scalar.set_data_type(onnx::TensorProto::STRING);
  scalar.add_string_data(std::string("a\0b", 3));
  t = readTensorProto(writeProto(dir, scalar));
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_TRUE(t->shape.empty());
  EXPECT_EQ(t->strings, std::vector<std::string>{std::string("a\0b", 3)});
}

TEST(TensorProtoTest, Errors) {
  test::TempDir dir;
  auto error = [&](const onnx::TensorProto &p) {
    std::string path = writeProto(dir, p);
    Expected<HostTensor> t = readTensorProto(path);
    if (t)
      return std::string("read");
    std::string err = toString(t.takeError());
    EXPECT_EQ(err.rfind(path + ": ", 0), 0u) << err;
    return err.substr(path.size() + 2);
  };
  onnx::TensorProto p;
  p.set_data_type(onnx::TensorProto::FLOAT);
  p.add_dims(4);
  p.add_float_data(1.f);
  EXPECT_EQ(error(p), "float_data has 1 values, [4] f32 needs 4");
  p.clear_float_data();
  p.set_raw_data("abc");
  EXPECT_EQ(error(p), "raw_data has 3 bytes, [4] f32 needs 16");
  p.clear_raw_data();
  p.set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_EQ(error(p), "tensors with external data are not supported");

  onnx::TensorProto c;
  c.set_data_type(onnx::TensorProto::COMPLEX64);
  c.add_float_data(1.f);
  c.add_float_data(2.f);
  EXPECT_EQ(error(c), "unsupported data type 14 (COMPLEX64)");

  onnx::TensorProto s;
  s.set_data_type(onnx::TensorProto::STRING);
  s.add_dims(3);
  s.add_string_data("hi");
  s.add_string_data("there");
  EXPECT_EQ(error(s), "string_data has 2 values, [3] string needs 3");
  s.add_string_data("!");
  s.set_raw_data("hithere!");
  EXPECT_EQ(error(s), "string tensors cannot have raw_data");

  onnx::TensorProto n;
  n.set_data_type(onnx::TensorProto::FLOAT);
  n.add_dims(-2);
  EXPECT_EQ(error(n), "negative dimension -2");

  std::string garbage = dir.path("garbage.pb");
  writeBytes(garbage, "\xff\xff\xff\xff not a protobuf");
  EXPECT_EQ(toString(readTensorProto(garbage).takeError()),
            garbage + ": not a valid ONNX TensorProto");
}

TEST(ToleranceTest, CountsElementsOutOfTolerance) {
  double nan = std::nan(""), inf = INFINITY;
  std::vector<double> want = {1.0, 2.0, nan, inf, 100.0, 0.0};
  std::vector<double> got = {1.0005, 2.1, nan, inf, 100.05, nan};
  ToleranceCheck c = checkTolerance(got, want, 1e-3, 1e-5);
  // 2.1 against 2.0 and NaN against 0 are out; the rest are within.
  EXPECT_EQ(c.mismatches, 2u);
  EXPECT_EQ(c.first, 1u);
  EXPECT_TRUE(std::isinf(c.maxError));
  EXPECT_EQ(checkTolerance(want, want, 1e-3, 0).mismatches, 0u);
  std::vector<double> off = {1.0, 2.0};
  EXPECT_EQ(checkTolerance(off, {1.0, 2.00001}, 0, 1e-7).mismatches, 1u);
}

} // namespace
