//===- CostModel.h - Roofline cost model of dispatches ----------*- C++ -*-===//
//
// This file declares a roofline cost model: it counts the floating-point (or
// integer) operations and the bytes each kernel.dispatch moves, and turns
// them into a time on a device profile, time = max(flops / peak, bytes /
// bandwidth) + launch overhead. It ranks devices and schedules; it is not a
// simulator, and every number it gives is an estimate.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_ANALYSIS_COSTMODEL_H
#define ZELLIGE_ANALYSIS_COSTMODEL_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace zellige {

struct DeviceProfile;
namespace kernel {
class DispatchOp;
} // namespace kernel

/// What limits a dispatch on a device.
enum class Bound { Compute, Memory, Unknown };
llvm::StringRef stringifyBound(Bound bound);

struct CostModelOptions {
  /// Added to every dispatch (kernel launch and synchronisation); 0 keeps the
  /// pure roofline.
  double launchOverheadSeconds = 0;
};

/// The work of one dispatch, independent of any device.
struct DispatchWork {
  std::string name;
  /// Operations per element type key ("f32", "f16", "bf16", "i8", ...): for
  /// each linalg op, its iteration domain times the arithmetic ops in its
  /// body (a multiply-add counts two, an exp one).
  std::map<std::string, double> flops;
  /// Bytes of the dispatch's operands and results (each read or written
  /// once; intermediates inside the dispatch stay on chip).
  double bytes = 0;
  /// A dynamic size was met: the counts leave it out.
  bool dynamicShapes = false;

  double totalFlops() const;
};

/// One dispatch's work timed on a profile.
struct DispatchCost {
  DispatchWork work;
  double computeSeconds = 0; ///< Sum over element types of flops / peak.
  double memorySeconds = 0;  ///< bytes / bandwidth.
  double seconds = 0;        ///< max of the two, plus the launch overhead.
  Bound bound = Bound::Unknown;
  /// Why the estimate is unknown or approximate, e.g. "no i8 peak; used f32".
  std::vector<std::string> notes;
};

/// The key the profile's peaks use for an element type: "f32", "bf16", "i8".
std::string getElementTypeKey(mlir::Type type);

/// Counts the work of one dispatch.
DispatchWork countDispatchWork(kernel::DispatchOp dispatch);

/// Times `work` on `profile`. The peak for an element type falls back to
/// its 16-bit sibling (f16 <-> bf16) and then to f32, with a note; without
/// a usable peak or a bandwidth the bound is Unknown.
DispatchCost estimateDispatch(const DispatchWork &work,
                              const DeviceProfile &profile,
                              const CostModelOptions &options = {});

/// Counts and times every dispatch of `module`, in program order.
std::vector<DispatchCost> estimateModule(mlir::ModuleOp module,
                                         const DeviceProfile &profile,
                                         const CostModelOptions &options = {});

} // namespace zellige

#endif // ZELLIGE_ANALYSIS_COSTMODEL_H
