//===- Bundle.cpp - Reading and writing .zlg bundles ------------*- C++ -*-===//
//
// This file implements the .zlg container: a 64-byte header, a section table
// and 64-byte aligned sections. All integers are little-endian.
//
//   offset  size  field
//        0     8  magic "ZLGBNDL\0"
//        8     4  format version
//       12     4  header size (64)
//       16     8  file size
//       24     8  section table offset
//       32     4  section count
//       36     4  reserved (0)
//       40     8  xxh3-64 of every byte after the header
//       48    16  reserved (0)
//
// A section table entry is 64 bytes: a NUL-padded name of up to 47 bytes
// (48-byte field), then its u64 offset and u64 size. The writer places the
// table right after the header, then "manifest", "weights" and the
// executables.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/Bundle.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cstring>

using namespace llvm;
using namespace llvm::support;

namespace zellige {

namespace {
constexpr char kMagic[8] = {'Z', 'L', 'G', 'B', 'N', 'D', 'L', '\0'};
constexpr uint32_t kHeaderSize = 64;
constexpr uint64_t kEntrySize = 64;
constexpr size_t kNameField = 48;
constexpr uint64_t kAlign = 64;
constexpr uint64_t kChecksumOffset = 40;

uint64_t alignUp(uint64_t v) { return (v + kAlign - 1) & ~(kAlign - 1); }

/// An error whose message starts with the bundle's path.
Error bundleError(StringRef path, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), path + ": " + msg);
}
} // namespace

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

Error writeBundle(
    StringRef path, const BundleManifest &manifest, ArrayRef<uint8_t> weights,
    const std::map<std::string, std::vector<uint8_t>> &executables) {
  if (Error e = manifest.verify())
    return bundleError(path, "cannot write an invalid manifest: " +
                                 toString(std::move(e)));
  for (const BufferDesc &b : manifest.buffers)
    if (b.kind == BufferDesc::Kind::Constant &&
        (b.offset > weights.size() || b.size > weights.size() - b.offset))
      return bundleError(path, formatv("constant buffer at offset {0} ({1} "
                                       "bytes) lies outside the {2}-byte "
                                       "weights",
                                       b.offset, b.size, weights.size()));
  for (const ExecutableDesc &e : manifest.executables)
    if (!executables.count(e.section))
      return bundleError(path, "no bytes given for executable section '" +
                                   e.section + "'");

  std::string json = manifest.toJSON();
  struct Section {
    std::string name;
    ArrayRef<uint8_t> bytes;
    uint64_t offset = 0;
  };
  std::vector<Section> sections;
  sections.push_back({"manifest", arrayRefFromStringRef(json)});
  sections.push_back({"weights", weights});
  for (const auto &[name, bytes] : executables) {
    if (name == "manifest" || name == "weights" || name.empty() ||
        name.size() >= kNameField)
      return bundleError(path, "invalid section name '" + name + "'");
    sections.push_back({name, bytes});
  }

  uint64_t tableOffset = kHeaderSize;
  uint64_t cursor = alignUp(tableOffset + kEntrySize * sections.size());
  for (Section &s : sections) {
    s.offset = cursor;
    cursor = alignUp(cursor + s.bytes.size());
  }
  uint64_t fileSize = cursor;

  std::string tmpPath = (path + ".tmp").str();
  auto removeTmp = [&] { sys::fs::remove(tmpPath); };
  std::error_code ec;
  {
    raw_fd_ostream os(tmpPath, ec, sys::fs::OF_None);
    if (ec)
      return bundleError(path,
                         "cannot create '" + tmpPath + "': " + ec.message());
    auto writePadding = [&](uint64_t upTo) {
      while (os.tell() < upTo)
        os << '\0';
    };

    // Header, checksum filled in below once the rest is on disk.
    os.write(kMagic, sizeof(kMagic));
    endian::write<uint32_t>(os, kBundleFormatVersion, endianness::little);
    endian::write<uint32_t>(os, kHeaderSize, endianness::little);
    endian::write<uint64_t>(os, fileSize, endianness::little);
    endian::write<uint64_t>(os, tableOffset, endianness::little);
    endian::write<uint32_t>(os, sections.size(), endianness::little);
    endian::write<uint32_t>(os, 0, endianness::little);
    endian::write<uint64_t>(os, 0, endianness::little);
    writePadding(kHeaderSize);

    for (const Section &s : sections) {
      char name[kNameField] = {};
      std::memcpy(name, s.name.data(), s.name.size());
      os.write(name, kNameField);
      endian::write<uint64_t>(os, s.offset, endianness::little);
      endian::write<uint64_t>(os, s.bytes.size(), endianness::little);
    }
    for (const Section &s : sections) {
      writePadding(s.offset);
      os.write(reinterpret_cast<const char *>(s.bytes.data()), s.bytes.size());
    }
    writePadding(fileSize);
    os.flush();
    if (os.has_error()) {
      ec = os.error();
      os.clear_error();
      removeTmp();
      return bundleError(path,
                         "cannot write '" + tmpPath + "': " + ec.message());
    }

    // Hash what is now on disk (mapped, so the payload is not held twice).
    uint64_t checksum;
    {
      ErrorOr<std::unique_ptr<MemoryBuffer>> written = MemoryBuffer::getFile(
          tmpPath, /*IsText=*/false, /*RequiresNullTerminator=*/false,
          /*IsVolatile=*/false);
      if (!written || (*written)->getBufferSize() != fileSize) {
        removeTmp();
        return bundleError(path, "cannot read back '" + tmpPath + "'");
      }
      checksum = xxh3_64bits(arrayRefFromStringRef(
          (*written)->getBuffer().drop_front(kHeaderSize)));
    }
    os.seek(kChecksumOffset);
    endian::write<uint64_t>(os, checksum, endianness::little);
    os.close();
    if (os.has_error()) {
      ec = os.error();
      os.clear_error();
      removeTmp();
      return bundleError(path,
                         "cannot write '" + tmpPath + "': " + ec.message());
    }
  }
  if ((ec = sys::fs::rename(tmpPath, path))) {
    removeTmp();
    return bundleError(path,
                       "cannot rename '" + tmpPath + "': " + ec.message());
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

ArrayRef<uint8_t> Bundle::section(StringRef name) const {
  auto it = sections_.find(name);
  if (it == sections_.end())
    return {};
  return it->second;
}

Expected<std::unique_ptr<Bundle>> Bundle::open(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> fileOrErr = MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false,
      /*IsVolatile=*/false, Align(kAlign));
  if (!fileOrErr)
    return bundleError(path,
                       "cannot open bundle: " + fileOrErr.getError().message());
  std::unique_ptr<MemoryBuffer> file = std::move(*fileOrErr);
  const auto *data = reinterpret_cast<const uint8_t *>(file->getBufferStart());
  uint64_t actual = file->getBufferSize();

  size_t magicLen = std::min<uint64_t>(actual, sizeof(kMagic));
  if (std::memcmp(data, kMagic, magicLen) != 0)
    return bundleError(path, "not a Zellige bundle (bad magic)");
  if (actual < kHeaderSize)
    return bundleError(path, formatv("truncated bundle (expected at least {0} "
                                     "bytes, found {1})",
                                     kHeaderSize, actual));

  uint32_t version = endian::read32le(data + 8);
  uint32_t headerSize = endian::read32le(data + 12);
  uint64_t fileSize = endian::read64le(data + 16);
  uint64_t tableOffset = endian::read64le(data + 24);
  uint32_t count = endian::read32le(data + 32);
  uint64_t checksum = endian::read64le(data + kChecksumOffset);

  if (version == 0)
    return bundleError(path, "invalid bundle format version 0");
  if (version > kBundleFormatVersion)
    return bundleError(path, formatv("bundle format version {0} was made by a "
                                     "newer Zellige (this one reads up to "
                                     "version {1})",
                                     version, kBundleFormatVersion));
  if (headerSize != kHeaderSize)
    return bundleError(path, formatv("corrupted bundle (header size {0}, "
                                     "expected {1})",
                                     headerSize, kHeaderSize));
  if (actual < fileSize)
    return bundleError(path, formatv("truncated bundle (expected {0} bytes, "
                                     "found {1})",
                                     fileSize, actual));
  if (actual > fileSize)
    return bundleError(path, formatv("corrupted bundle (header says {0} bytes, "
                                     "file has {1})",
                                     fileSize, actual));
  uint64_t computed =
      xxh3_64bits(ArrayRef<uint8_t>(data + kHeaderSize, actual - kHeaderSize));
  if (computed != checksum)
    return bundleError(path, formatv("corrupted bundle (checksum mismatch: "
                                     "header has {0:x16}, contents hash to "
                                     "{1:x16})",
                                     checksum, computed));

  auto bundle = std::unique_ptr<Bundle>(new Bundle());
  bundle->path_ = path.str();
  if (tableOffset < kHeaderSize || tableOffset > actual ||
      count > (actual - tableOffset) / kEntrySize)
    return bundleError(path, formatv("corrupted bundle (section table of {0} "
                                     "entries at offset {1} lies outside the "
                                     "file)",
                                     count, tableOffset));
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t *entry = data + tableOffset + i * kEntrySize;
    const char *nameField = reinterpret_cast<const char *>(entry);
    size_t nameLen = strnlen(nameField, kNameField);
    if (nameLen == 0 || nameLen == kNameField)
      return bundleError(path, formatv("corrupted bundle (section {0} has an "
                                       "invalid name)",
                                       i));
    StringRef name(nameField, nameLen);
    uint64_t offset = endian::read64le(entry + kNameField);
    uint64_t size = endian::read64le(entry + kNameField + 8);
    if (offset % kAlign != 0 || offset < kHeaderSize || offset > actual ||
        size > actual - offset)
      return bundleError(path, formatv("corrupted bundle (section '{0}' at "
                                       "offset {1}, {2} bytes, lies outside "
                                       "the file or is not 64-byte aligned)",
                                       name, offset, size));
    if (!bundle->sections_
             .emplace(name.str(), ArrayRef<uint8_t>(data + offset, size))
             .second)
      return bundleError(path, formatv("corrupted bundle (section '{0}' "
                                       "appears twice)",
                                       name));
  }

  auto manifestIt = bundle->sections_.find("manifest");
  if (manifestIt == bundle->sections_.end())
    return bundleError(path, "invalid bundle (no manifest section)");
  Expected<BundleManifest> manifest =
      BundleManifest::fromJSON(toStringRef(manifestIt->second));
  if (!manifest)
    return bundleError(path,
                       "invalid manifest: " + toString(manifest.takeError()));
  bundle->manifest_ = std::move(*manifest);

  uint64_t weightsSize = bundle->weights().size();
  for (auto [i, b] : llvm::enumerate(bundle->manifest_.buffers))
    if (b.kind == BufferDesc::Kind::Constant &&
        (b.offset > weightsSize || b.size > weightsSize - b.offset))
      return bundleError(path, formatv("invalid manifest: constant buffer {0} "
                                       "(offset {1}, {2} bytes) lies outside "
                                       "the {3}-byte weights section",
                                       i, b.offset, b.size, weightsSize));
  for (const ExecutableDesc &e : bundle->manifest_.executables)
    if (!bundle->sections_.count(e.section))
      return bundleError(path, "invalid manifest: executable for target '" +
                                   e.target + "' names missing section '" +
                                   e.section + "'");

  bundle->file_ = std::move(file);
  return std::move(bundle);
}

} // namespace zellige
