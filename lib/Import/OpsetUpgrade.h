//===- OpsetUpgrade.h - Bring ONNX nodes to the canonical opset -*- C++ -*-===//
//
// This file declares the importer's own opset normalization: it rewrites the
// default-domain nodes of a model's main graph in memory from the opset the
// model imports to the canonical one (17) that the onnx dialect mirrors.
// Newer opsets (18 and up, which libonnx 1.12 does not know) always go through
// it; older ones go through libonnx's version converter first and use these
// rules only when the converter gives up. Rules are keyed by operator and the
// opset that changed it.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_LIB_IMPORT_OPSETUPGRADE_H
#define ZELLIGE_LIB_IMPORT_OPSETUPGRADE_H

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zellige {
namespace import_detail {

/// A failure to bring one node to the canonical opset.
struct OpsetError {
  /// Index of the node in the graph, or -1 for a model-level error.
  int64_t nodeIndex = -1;
  std::string message;
};

/// A Split from opset 18 or newer that used `num_outputs`. Opset 17 splits
/// evenly when no sizes are given; when the dimension does not divide evenly
/// the sizes must be given, which needs the input's shape.
struct PendingSplit {
  /// Name of the Split's first output (identifies the node).
  std::string output;
  int64_t axis = 0;
  int64_t numOutputs = 0;
};

/// A Pad from opset 18 or newer with an `axes` input: opset 17 needs pads for
/// every dimension, which needs the input's rank.
struct PendingPad {
  /// Name of the Pad's output (identifies the node).
  std::string output;
  std::vector<int64_t> axes;
  /// Begin pads then end pads, one per entry of `axes`.
  std::vector<int64_t> pads;
};

/// Rewrites that need shapes, which only inference at the canonical opset
/// can give.
struct PendingRewrites {
  std::vector<PendingSplit> splits;
  std::vector<PendingPad> pads;
  bool empty() const { return splits.empty() && pads.empty(); }
};

/// Whether `opType` at `opset` is an operator newer than the canonical opset
/// that the importer expands into canonical operators (Mish from 18, Gelu
/// from 20).
bool isExpandedNewOperator(const std::string &opType, int64_t opset);

/// Returns the opset `model` imports for the default ONNX domain ("" or
/// "ai.onnx"), or -1 when it imports none.
int64_t getDefaultDomainOpset(const onnx::ModelProto &model);

/// Rewrites the nodes of `model`'s main graph from `fromOpset` to
/// `canonicalOpset`, sets the default-domain opset import to it, and lowers
/// the IR version to one libonnx's checker accepts. Returns false and fills
/// `error` on the first node that cannot be expressed at the canonical opset.
bool normalizeToCanonicalOpset(onnx::ModelProto &model, int64_t fromOpset,
                               int64_t canonicalOpset, OpsetError &error,
                               PendingRewrites *pending = nullptr);

/// Only sets the default-domain opset import to `opset` and the IR version to
/// the one libonnx's checker knows (for models already in the canonical form,
/// or before libonnx's own converter runs).
void setDefaultDomainOpset(onnx::ModelProto &model, int64_t opset);

/// Completes the pending rewrites with the shapes of `inferred` (a copy of
/// `model` run through lenient shape inference): a Split whose dimension does
/// not divide evenly gets sizes ceil(d / n) (the last one smaller), as opset
/// 18 defines them; a Pad's pads are spread over every dimension. Returns
/// false (with the node's index in `model`) when a Pad's input rank is
/// unknown.
bool resolvePendingRewrites(onnx::ModelProto &model,
                            const onnx::ModelProto &inferred,
                            const PendingRewrites &pending, OpsetError &error);

} // namespace import_detail
} // namespace zellige

#endif // ZELLIGE_LIB_IMPORT_OPSETUPGRADE_H
