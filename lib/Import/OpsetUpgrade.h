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

namespace zellige {
namespace import_detail {

/// A failure to bring one node to the canonical opset.
struct OpsetError {
  /// Index of the node in the graph, or -1 for a model-level error.
  int64_t nodeIndex = -1;
  std::string message;
};

/// Returns the opset `model` imports for the default ONNX domain ("" or
/// "ai.onnx"), or -1 when it imports none.
int64_t getDefaultDomainOpset(const onnx::ModelProto &model);

/// Rewrites the nodes of `model`'s main graph from `fromOpset` to
/// `canonicalOpset`, sets the default-domain opset import to it, and lowers
/// the IR version to one libonnx's checker accepts. Returns false and fills
/// `error` on the first node that cannot be expressed at the canonical opset.
bool normalizeToCanonicalOpset(onnx::ModelProto &model, int64_t fromOpset,
                               int64_t canonicalOpset, OpsetError &error);

/// Only sets the default-domain opset import to `opset` and lowers the IR
/// version to one libonnx's checker accepts (for models already in the
/// canonical form).
void setDefaultDomainOpset(onnx::ModelProto &model, int64_t opset);

} // namespace import_detail
} // namespace zellige

#endif // ZELLIGE_LIB_IMPORT_OPSETUPGRADE_H
