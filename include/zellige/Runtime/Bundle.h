//===- Bundle.h - The .zlg bundle format ------------------------*- C++ -*-===//
//
// This file declares the in-memory form of a .zlg bundle (its manifest) and
// the reader and writer of the file format. A bundle is one file:
//
//   header   magic "ZLGBNDL\0", format version, file size, section table
//            offset and count, and an xxh3-64 checksum of every byte after
//            the header;
//   sections each aligned to 64 bytes so weights can be memory-mapped:
//            "manifest" (JSON), "weights" (constant buffers), and one
//            "exe.<target>" per target executable.
//
// The compiler fills a BundleManifest and hands it, with the section
// payloads, to writeBundle(). The runtime opens a file with Bundle::open(),
// which refuses a truncated or corrupted file with an error naming it.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_RUNTIME_BUNDLE_H
#define ZELLIGE_RUNTIME_BUNDLE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zellige {

/// Element types a bundle's tensors may have. The names are the manifest's
/// spelling ("f32", "i64", ...), which match numpy's kinds and sizes.
enum class DType : uint8_t {
  F32,
  F16,
  BF16,
  F64,
  I8,
  I16,
  I32,
  I64,
  U8,
  U16,
  U32,
  U64,
  Bool,
  /// UTF-8 strings. In a bundle's buffers each element takes a fixed number
  /// of bytes (TensorDesc::stringBytes), NUL-padded; in a HostTensor the
  /// elements are HostTensor::strings. dtypeSize() is 0.
  String
};
llvm::StringRef dtypeName(DType t);
std::optional<DType> parseDType(llvm::StringRef name);
size_t dtypeSize(DType t);

/// The format version this build writes and the newest it reads.
constexpr uint32_t kBundleFormatVersion = 1;

/// A buffer the schedule uses. Every tensor value of the model's main
/// function maps to one buffer (views such as reshapes alias their source).
struct BufferDesc {
  enum class Kind : uint8_t { Input, Output, Constant, Transient };
  Kind kind = Kind::Transient;
  uint64_t size = 0; ///< Bytes.
  /// Constant: byte offset into the "weights" section.
  /// Transient: byte offset into the arena (buffers with disjoint lifetimes
  /// share bytes; the compiler computes the offsets from liveness).
  /// Input/Output: unused (0).
  uint64_t offset = 0;
  /// Input/Output: index into BundleManifest::inputs / outputs. Unused (0)
  /// for the other kinds.
  uint32_t index = 0;
};
llvm::StringRef bufferKindName(BufferDesc::Kind kind);

/// A named model input or output.
struct TensorDesc {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint32_t buffer = 0; ///< Index into BundleManifest::buffers.
  /// DType::String: the bytes each element takes in the buffer (UTF-8,
  /// NUL-padded). The buffer holds `shape` times stringBytes bytes.
  uint32_t stringBytes = 0;
  /// Outputs whose size along one dimension is known only at run time
  /// (bounded by `shape`): the dimension, and the output (hidden, an i64
  /// scalar) holding its size after each run. -1: every dimension is static.
  int32_t countDim = -1;
  uint32_t countOutput = 0;
  /// Outputs the runtime uses itself (sizes of other outputs) rather than
  /// returning them.
  bool hidden = false;
};

/// One kernel launch: a symbol in each executable, the buffers it binds
/// (inputs first, then outputs) and how many workgroups it has.
struct DispatchDesc {
  std::string name;   ///< Dispatch name, e.g. "dispatch_3_matmul".
  std::string symbol; ///< Entry point symbol in the executables.
  std::vector<uint32_t> bindings;
  /// The dispatch's logical iteration space (informational, for reports);
  /// the workgroup counts each target launches are in
  /// ExecutableDesc::workgroupCounts.
  std::vector<int64_t> workgroups;
  std::string location; ///< The ONNX node(s) it came from, for errors.
};

/// A step of the schedule: a dispatch, or a copy between buffers (used when
/// an output is a model input or a constant).
struct StepDesc {
  enum class Kind : uint8_t { Dispatch, Copy };
  Kind kind = Kind::Dispatch;
  uint32_t dispatch = 0;     ///< Kind::Dispatch: index into dispatches.
  uint32_t src = 0, dst = 0; ///< Kind::Copy: buffer indices.
};

/// One compiled executable: the section holding it and its format.
struct ExecutableDesc {
  std::string target;  ///< "host", "opencl", "cuda", ...
  std::string format;  ///< "elf-relocatable", "opencl-c", "ptx", ...
  std::string section; ///< Section name, "exe.<target>".
  /// Workgroup count per dispatch for this target's schedule (each target
  /// tiles differently), indexed like BundleManifest::dispatches. Each entry
  /// is {x, y, z}.
  std::vector<std::array<int64_t, 3>> workgroupCounts;
  /// Threads per workgroup {x, y, z} per dispatch, indexed like
  /// workgroupCounts; empty for targets whose executables fix it themselves
  /// (the host runs one workgroup per task).
  std::vector<std::array<int64_t, 3>> workgroupSizes;
  std::map<std::string, std::string> properties; ///< e.g. triple, cpu.
};

struct BundleManifest {
  uint32_t formatVersion = 1;
  std::string producer;  ///< "zellige 0.1.0".
  std::string modelName; ///< File name of the source model.
  std::vector<TensorDesc> inputs, outputs;
  std::vector<BufferDesc> buffers;
  uint64_t arenaSize = 0; ///< Bytes for all transient buffers.
  std::vector<DispatchDesc> dispatches;
  std::vector<StepDesc> steps;
  std::vector<ExecutableDesc> executables;

  std::string toJSON() const;
  /// Parses and verify()s a manifest.
  static llvm::Expected<BundleManifest> fromJSON(llvm::StringRef text);

  /// Checks that the manifest is self-consistent: buffer, dispatch and
  /// buffer-of-tensor indices in range, input/output buffer sizes equal to
  /// dtype size times element count, transient buffers inside the arena,
  /// copies between buffers of equal size, one workgroup count per dispatch
  /// in every executable. The error is one line saying what is wrong.
  llvm::Error verify() const;
};

/// Writes a bundle: the manifest, the weights and each executable's bytes
/// (keyed by ExecutableDesc::section). The file is written to "<path>.tmp"
/// and renamed, so a reader never sees half a bundle. Section names are at
/// most 47 bytes; "manifest" and "weights" are reserved.
llvm::Error
writeBundle(llvm::StringRef path, const BundleManifest &manifest,
            llvm::ArrayRef<uint8_t> weights,
            const std::map<std::string, std::vector<uint8_t>> &executables);

/// A bundle opened for reading. The file is memory-mapped; section views
/// stay valid while the Bundle lives.
class Bundle {
public:
  /// Opens and checks `path`: magic, version, sizes, section bounds and the
  /// checksum, then parses and verifies the manifest, checks constant
  /// buffers against the weights section and that every executable's section
  /// exists. Errors are one line, "<path>: <what is wrong>".
  static llvm::Expected<std::unique_ptr<Bundle>> open(llvm::StringRef path);

  const BundleManifest &manifest() const { return manifest_; }
  /// The bytes of section `name`, or an empty view when it is absent.
  llvm::ArrayRef<uint8_t> section(llvm::StringRef name) const;
  llvm::ArrayRef<uint8_t> weights() const { return section("weights"); }
  llvm::StringRef path() const { return path_; }

private:
  Bundle() = default;
  std::string path_;
  std::unique_ptr<llvm::MemoryBuffer> file_;
  std::map<std::string, llvm::ArrayRef<uint8_t>, std::less<>> sections_;
  BundleManifest manifest_;
};

} // namespace zellige

#endif // ZELLIGE_RUNTIME_BUNDLE_H
