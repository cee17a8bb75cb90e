//===- BundleTest.cpp - Tests of the .zlg bundle format -------------------===//
//
// This file tests writing and reading bundles: a full round trip, section
// alignment, and the refusal (with the right one-line message) of truncated,
// corrupted, foreign, newer and inconsistent files. Some bundles are built
// byte by byte from the documented layout, independently of the writer.
//
//===----------------------------------------------------------------------===//

#include "TestObjects.h"

#include "zellige/Runtime/Bundle.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/xxhash.h"

#include "gtest/gtest.h"

#include <cstring>
#include <fstream>

using namespace zellige;
using namespace zellige::test;
using namespace llvm;

namespace {

std::vector<uint8_t> readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string &path, ArrayRef<uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
}

/// Recomputes the header checksum after a test edits the body.
void fixChecksum(std::vector<uint8_t> &bytes) {
  uint64_t sum = xxh3_64bits(ArrayRef<uint8_t>(bytes).drop_front(64));
  support::endian::write64le(bytes.data() + 40, sum);
}

/// A bundle written by hand following the layout in Bundle.cpp's header.
std::vector<uint8_t>
rawBundle(const std::vector<std::pair<std::string, std::string>> &sections,
          uint32_t version = 1) {
  std::vector<uint8_t> out(64, 0);
  std::memcpy(out.data(), "ZLGBNDL", 8);
  support::endian::write32le(out.data() + 8, version);
  support::endian::write32le(out.data() + 12, 64);
  support::endian::write64le(out.data() + 24, 64);
  support::endian::write32le(out.data() + 32, sections.size());
  out.resize(64 + 64 * sections.size(), 0);
  for (size_t i = 0; i < sections.size(); ++i) {
    size_t offset = (out.size() + 63) / 64 * 64;
    uint8_t *entry = out.data() + 64 + 64 * i;
    std::memcpy(entry, sections[i].first.data(), sections[i].first.size());
    support::endian::write64le(entry + 48, offset);
    support::endian::write64le(entry + 56, sections[i].second.size());
    out.resize(offset, 0);
    out.insert(out.end(), sections[i].second.begin(), sections[i].second.end());
  }
  out.resize((out.size() + 63) / 64 * 64, 0);
  support::endian::write64le(out.data() + 16, out.size());
  fixChecksum(out);
  return out;
}

std::string openError(const std::string &path) {
  Expected<std::unique_ptr<Bundle>> b = Bundle::open(path);
  if (b)
    return "opened";
  return toString(b.takeError());
}

class BundleTest : public ::testing::Test {
protected:
  void SetUp() override {
    path = dir.path("model.zlg");
    exe = {'E', 'L', 'F', '!', 1, 2, 3};
    ASSERT_FALSE(errorToBool(
        writeBundle(path, testManifest(), testWeights(), {{"exe.host", exe}})));
  }
  TempDir dir;
  std::string path;
  std::vector<uint8_t> exe;
};

TEST_F(BundleTest, RoundTrip) {
  Expected<std::unique_ptr<Bundle>> b = Bundle::open(path);
  ASSERT_TRUE(bool(b)) << toString(b.takeError());
  const BundleManifest &m = (*b)->manifest();
  BundleManifest expected = testManifest();
  EXPECT_EQ(m.toJSON(), expected.toJSON());
  EXPECT_EQ(m.producer, "zellige-unittest");
  EXPECT_EQ(m.modelName, "exp_add_scale.onnx");
  ASSERT_EQ(m.inputs.size(), 1u);
  EXPECT_EQ(m.inputs[0].name, "x");
  EXPECT_EQ(m.inputs[0].shape, std::vector<int64_t>{kElems});
  ASSERT_EQ(m.outputs.size(), 2u);
  EXPECT_EQ(m.outputs[1].buffer, 4u);
  ASSERT_EQ(m.buffers.size(), 5u);
  EXPECT_EQ(m.buffers[1].kind, BufferDesc::Kind::Constant);
  EXPECT_EQ(m.buffers[1].offset, 64u);
  EXPECT_EQ(m.buffers[4].index, 1u);
  EXPECT_EQ(m.arenaSize, expected.arenaSize);
  ASSERT_EQ(m.dispatches.size(), 2u);
  EXPECT_EQ(m.dispatches[1].symbol, "zlg_scale");
  EXPECT_EQ(m.dispatches[0].bindings, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(m.dispatches[0].location, "node_exp_add");
  ASSERT_EQ(m.steps.size(), 3u);
  EXPECT_EQ(m.steps[2].kind, StepDesc::Kind::Copy);
  EXPECT_EQ(m.steps[2].dst, 4u);
  ASSERT_EQ(m.executables.size(), 1u);
  EXPECT_EQ(m.executables[0].workgroupCounts[1],
            (std::array<int64_t, 3>{4, 2, 2}));
  EXPECT_EQ(m.executables[0].properties.at("triple"), "host");

  std::vector<uint8_t> weights = testWeights();
  EXPECT_EQ((*b)->weights().vec(), weights);
  EXPECT_EQ((*b)->section("exe.host").vec(), exe);
  EXPECT_TRUE((*b)->section("exe.cuda").empty());
  // Sections are 64-byte aligned in memory, so weights can be used in place.
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*b)->weights().data()) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*b)->section("exe.host").data()) % 64,
            0u);
  EXPECT_EQ((*b)->path(), path);
}

TEST_F(BundleTest, WriterLeavesNoTemporary) {
  EXPECT_FALSE(sys::fs::exists(path + ".tmp"));
  std::vector<uint8_t> bytes = readBytes(path);
  EXPECT_EQ(bytes.size() % 64, 0u);
  EXPECT_EQ(std::memcmp(bytes.data(), "ZLGBNDL\0", 8), 0);
}

TEST_F(BundleTest, Truncated) {
  std::vector<uint8_t> bytes = readBytes(path);
  size_t full = bytes.size();
  bytes.resize(full - 100);
  writeBytes(path, bytes);
  EXPECT_EQ(openError(path), path + ": truncated bundle (expected " +
                                 std::to_string(full) + " bytes, found " +
                                 std::to_string(full - 100) + ")");
  bytes.resize(20);
  writeBytes(path, bytes);
  EXPECT_EQ(openError(path), path + ": truncated bundle (expected at least "
                                    "64 bytes, found 20)");
}

TEST_F(BundleTest, BitFlipIsCaughtByChecksum) {
  std::vector<uint8_t> bytes = readBytes(path);
  // Flip one bit in the weights and, separately, in the section table.
  for (size_t offset : {bytes.size() - 200, size_t(64 + 50)}) {
    std::vector<uint8_t> copy = bytes;
    copy[offset] ^= 0x10;
    writeBytes(path, copy);
    std::string err = openError(path);
    EXPECT_EQ(err.rfind(path + ": corrupted bundle (checksum mismatch", 0), 0u)
        << err;
  }
}

TEST_F(BundleTest, WrongMagic) {
  std::vector<uint8_t> bytes = readBytes(path);
  bytes[0] = 'X';
  writeBytes(path, bytes);
  EXPECT_EQ(openError(path), path + ": not a Zellige bundle (bad magic)");
  writeBytes(path, ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>("\x7f"
                                                                       "ELF"),
                                     4));
  EXPECT_EQ(openError(path), path + ": not a Zellige bundle (bad magic)");
}

TEST_F(BundleTest, NewerVersion) {
  std::vector<uint8_t> bytes = readBytes(path);
  support::endian::write32le(bytes.data() + 8, kBundleFormatVersion + 1);
  writeBytes(path, bytes);
  EXPECT_EQ(openError(path),
            path + ": bundle format version 2 was made by a newer Zellige "
                   "(this one reads up to version 1)");
}

TEST_F(BundleTest, TrailingBytes) {
  std::vector<uint8_t> bytes = readBytes(path);
  size_t size = bytes.size();
  bytes.resize(size + 64, 0);
  writeBytes(path, bytes);
  EXPECT_EQ(openError(path), path + ": corrupted bundle (header says " +
                                 std::to_string(size) + " bytes, file has " +
                                 std::to_string(size + 64) + ")");
}

TEST_F(BundleTest, MissingFile) {
  std::string missing = dir.path("absent.zlg");
  std::string err = openError(missing);
  EXPECT_EQ(err.rfind(missing + ": cannot open bundle: ", 0), 0u) << err;
}

TEST_F(BundleTest, HandWrittenBundleOpens) {
  // The layout documented in Bundle.cpp, written independently.
  std::string p = dir.path("raw.zlg");
  std::vector<uint8_t> weights = testWeights();
  writeBytes(
      p, rawBundle({{"manifest", testManifest().toJSON()},
                    {"weights", std::string(weights.begin(), weights.end())},
                    {"exe.host", "obj"}}));
  Expected<std::unique_ptr<Bundle>> b = Bundle::open(p);
  ASSERT_TRUE(bool(b)) << toString(b.takeError());
  EXPECT_EQ(toStringRef((*b)->section("exe.host")), "obj");
}

TEST_F(BundleTest, SectionOutOfBounds) {
  std::string p = dir.path("raw.zlg");
  std::vector<uint8_t> bytes =
      rawBundle({{"manifest", testManifest().toJSON()}});
  support::endian::write64le(bytes.data() + 64 + 56, 1 << 20);
  fixChecksum(bytes);
  writeBytes(p, bytes);
  EXPECT_EQ(openError(p), p + ": corrupted bundle (section 'manifest' at "
                              "offset 128, 1048576 bytes, lies outside the "
                              "file or is not 64-byte aligned)");
}

/// Opens a hand-written bundle whose manifest is `json`.
std::string manifestError(const TempDir &dir, const std::string &json,
                          const std::string &weights = std::string(4096, 0)) {
  std::string p = dir.path("bad.zlg");
  writeBytes(
      p, rawBundle(
             {{"manifest", json}, {"weights", weights}, {"exe.host", "obj"}}));
  std::string err = openError(p);
  std::string prefix = p + ": ";
  if (err.rfind(prefix, 0) != 0)
    return "missing path prefix: " + err;
  return err.substr(prefix.size());
}

/// testManifest()'s JSON with `from` replaced by `to` (which must occur).
std::string editedManifest(const std::string &from, const std::string &to) {
  std::string json = testManifest().toJSON();
  size_t pos = json.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos)
    json.replace(pos, from.size(), to);
  return json;
}

TEST_F(BundleTest, BadManifests) {
  EXPECT_EQ(manifestError(dir, "{"), "invalid manifest: manifest is not valid "
                                     "JSON: [1:1, byte=1]: Expected object "
                                     "key");
  EXPECT_EQ(manifestError(dir, "[]"), "invalid manifest: manifest: expected "
                                      "an object");
  EXPECT_EQ(manifestError(dir, editedManifest("\"arena_size\"", "\"arena\"")),
            "invalid manifest: manifest.arena_size: missing");
  // A dispatch binding past the end of the buffers.
  EXPECT_EQ(manifestError(dir, editedManifest("\"bindings\": [\n        2,",
                                              "\"bindings\": [\n        9,")),
            "invalid manifest: dispatch 1 ('dispatch_1_scale') binding 0 "
            "uses buffer 9, but there are 5");
  // An input whose buffer does not match its dtype and shape.
  EXPECT_EQ(manifestError(dir, editedManifest("\"dtype\": \"f32\"",
                                              "\"dtype\": \"f64\"")),
            "invalid manifest: input 'x' is [1000] f64 (8000 bytes) but its "
            "buffer 0 has 4000 bytes");
  EXPECT_EQ(manifestError(dir, editedManifest("\"dtype\": \"f32\"",
                                              "\"dtype\": \"c64\"")),
            "invalid manifest: inputs[0].dtype: unknown dtype 'c64'");
  // A transient buffer past the arena.
  EXPECT_EQ(manifestError(dir, editedManifest("\"arena_size\": 4128",
                                              "\"arena_size\": 4000")),
            "invalid manifest: transient buffer 2 (offset 128, 4000 bytes) "
            "does not fit in the 4000-byte arena");
  // A constant past the weights section.
  EXPECT_EQ(manifestError(dir, testManifest().toJSON(), std::string(100, 0)),
            "invalid manifest: constant buffer 1 (offset 64, 4000 bytes) lies "
            "outside the 100-byte weights section");
  // Workgroup counts that do not cover every dispatch.
  BundleManifest m = testManifest();
  m.executables[0].workgroupCounts.pop_back();
  EXPECT_EQ(manifestError(dir, m.toJSON()),
            "invalid manifest: executable for target 'host' has 1 workgroup "
            "counts for 2 dispatches");
  // An executable whose section is absent.
  m = testManifest();
  m.executables[0].section = "exe.cuda";
  EXPECT_EQ(manifestError(dir, m.toJSON()),
            "invalid manifest: executable for target 'host' names missing "
            "section 'exe.cuda'");
  // A step naming a dispatch that does not exist.
  m = testManifest();
  m.steps[0].dispatch = 7;
  EXPECT_EQ(manifestError(dir, m.toJSON()),
            "invalid manifest: step 0 runs dispatch 7, but there are 2");
  // A negative dimension.
  EXPECT_EQ(manifestError(dir, editedManifest("\"shape\": [\n        1000",
                                              "\"shape\": [\n        -1")),
            "invalid manifest: inputs[0].shape[0]: -1 is out of range [0, "
            "9223372036854775807]");
}

TEST_F(BundleTest, StringTensorsAndRunTimeSizes) {
  // x as 100 strings of 40 bytes fills the same 4000-byte buffer.
  BundleManifest m = testManifest();
  m.inputs[0].dtype = DType::String;
  m.inputs[0].shape = {100};
  m.inputs[0].stringBytes = 40;
  Expected<BundleManifest> parsed = BundleManifest::fromJSON(m.toJSON());
  ASSERT_TRUE(bool(parsed)) << toString(parsed.takeError());
  EXPECT_EQ(parsed->inputs[0].dtype, DType::String);
  EXPECT_EQ(parsed->inputs[0].stringBytes, 40u);
  EXPECT_EQ(parsed->toJSON(), m.toJSON());

  m.inputs[0].stringBytes = 20;
  EXPECT_EQ(manifestError(dir, m.toJSON()),
            "invalid manifest: input 'x' is [100] string (2000 bytes) but its "
            "buffer 0 has 4000 bytes");
  m = testManifest();
  m.inputs[0].stringBytes = 4;
  EXPECT_EQ(manifestError(dir, m.toJSON()),
            "invalid manifest: input 'x' is f32 with 4 bytes per string");
  // A run-time size must come from a hidden i64 scalar output.
  m = testManifest();
  m.outputs[0].countDim = 0;
  m.outputs[0].countOutput = 1;
  EXPECT_EQ(manifestError(dir, m.toJSON()),
            "invalid manifest: output '" + m.outputs[0].name +
                "' takes its size from output 1, which is not a hidden i64 "
                "scalar");
  m.outputs[0].countDim = 3;
  EXPECT_EQ(manifestError(dir, m.toJSON()),
            "invalid manifest: output '" + m.outputs[0].name +
                "' has a run-time size along dimension 3, which it does not "
                "have");
}

TEST_F(BundleTest, WriterRefusesInvalidManifest) {
  BundleManifest m = testManifest();
  m.dispatches[0].bindings.push_back(42);
  std::string p = dir.path("invalid.zlg");
  Error e = writeBundle(p, m, testWeights(), {{"exe.host", exe}});
  EXPECT_EQ(toString(std::move(e)),
            p + ": cannot write an invalid manifest: dispatch 0 "
                "('dispatch_0_exp_add') binding 3 uses buffer 42, but there "
                "are 5");
  EXPECT_FALSE(sys::fs::exists(p));
  e = writeBundle(p, testManifest(), testWeights(), {});
  EXPECT_EQ(toString(std::move(e)),
            p + ": no bytes given for executable section 'exe.host'");
}

TEST(DTypeTest, NamesAndSizes) {
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I8,
                  DType::I16, DType::I32, DType::I64, DType::U8, DType::U16,
                  DType::U32, DType::U64, DType::Bool, DType::String})
    EXPECT_EQ(parseDType(dtypeName(t)), t);
  EXPECT_EQ(dtypeSize(DType::String), 0u);
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::Bool), 1u);
  EXPECT_EQ(dtypeSize(DType::U64), 8u);
  EXPECT_FALSE(parseDType("float32").has_value());
}

} // namespace
