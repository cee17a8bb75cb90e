//===- CostModel.h - Roofline cost model of dispatches ----------*- C++ -*-===//
//
// This file declares a roofline cost model: it counts the floating-point (or
// integer) operations and the bytes each kernel.dispatch moves, and turns
// them into a time on a device profile, time = max(flops / peak, bytes /
// bandwidth) + launch overhead. It ranks devices and schedules; it is not a
// simulator, and every number it gives is an estimate.
//
// The roofline is the same for every schedule of a dispatch. The schedule
// term (estimateSchedule) scales it by what a candidate's knobs do on the
// profile: workgroups against compute units (wave quantization), threads
// per workgroup against the warp size (idle lanes), the accumulators and
// operand loads of each thread's tile (contractions), and the operand bytes
// each workgroup tile reads from memory.
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

/// The root operation of a dispatch as the schedule term needs it: the
/// operation the knobs' loop numbers refer to (the linalg op with the most
/// iterations, a contraction first).
struct DispatchShape {
  /// Static range of each loop of the root op (0 when dynamic).
  std::vector<int64_t> loopRanges;
  /// Whether each loop is a reduction.
  std::vector<bool> reduction;
  /// For each input of the root op, for each of its dimensions, the loops
  /// it is indexed by with their coefficients (d0 + 2*d5: {{0,1},{5,2}});
  /// an empty list marks an index the term cannot follow (taken whole).
  std::vector<std::vector<std::vector<std::pair<unsigned, int64_t>>>>
      inputIndexing;
  /// Each input's static shape (0 for dynamic sizes) and element bytes.
  std::vector<std::vector<int64_t>> inputShapes;
  std::vector<double> inputElementBytes;
  /// Bytes of the dispatch's results (written once).
  double resultBytes = 0;
  /// No root op, or a dynamic loop range: the term does not apply.
  bool valid = false;

  bool isContraction() const;
};

/// The root op of `dispatch` (see DispatchShape).
DispatchShape getDispatchShape(kernel::DispatchOp dispatch);

/// What a schedule does to a dispatch's roofline on a profile. Knob names
/// are those of #kernel.config: `wg.<loop>` (workgroup tile), `thread.<loop>`
/// (GPU: each thread's tile; threads per workgroup = prod wg / thread) or
/// `tile.<loop>` on a parallel loop (host: the register tile; one thread per
/// workgroup). Loops without a `wg` knob are whole in a workgroup.
struct ScheduleCost {
  int64_t workgroups = 1;
  int64_t threadsPerWorkgroup = 1;
  /// workgroups / (waves * compute units), waves = ceil(workgroups / CUs).
  double occupancy = 1;
  /// threads / (threads rounded up to a multiple of the warp size); 1 where
  /// there are no thread knobs.
  double laneUtilization = 1;
  /// Contractions: min(1, a / kLatencyAccumulators) * a / (a + l), with a
  /// accumulators (outputs) per thread and l operand elements it loads per
  /// reduction step; 1 for other dispatches.
  double threadEfficiency = 1;
  /// Operand bytes the workgroups read (each workgroup reads its tiles'
  /// footprint of every input) plus the results; at least the roofline's.
  double trafficBytes = 0;
  double computeSeconds = 0; ///< Roofline compute / the three factors.
  double memorySeconds = 0;  ///< trafficBytes / bandwidth.
  /// max(computeSeconds, memorySeconds) + launch overhead; 0 when the
  /// roofline is unknown or the shape has no root op.
  double seconds = 0;
};

/// Independent accumulators one thread needs to keep its FMA units busy
/// (FMA latency 4 cycles x 2 FMA pipes on current x86 cores); an assumption
/// of the model, not a profile figure.
constexpr double kLatencyAccumulators = 8;

/// Scales `cost` (estimateDispatch of the same dispatch) by the schedule
/// `knobs` (name -> value) on `profile`.
ScheduleCost estimateSchedule(const DispatchCost &cost,
                              const DispatchShape &shape,
                              const std::map<std::string, int64_t> &knobs,
                              const DeviceProfile &profile,
                              const CostModelOptions &options = {});

} // namespace zellige

#endif // ZELLIGE_ANALYSIS_COSTMODEL_H
