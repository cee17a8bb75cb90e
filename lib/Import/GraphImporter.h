//===- GraphImporter.h - Builds MLIR from one ONNX graph --------*- C++ -*-===//
//
// Private to lib/Import. GraphImporter turns a checked, shape-inferred
// ModelProto into `func.func @main` with one `onnx.*` operation per node.
// Most nodes map one to one; two families are expanded while importing:
//
//  - sequence operators (Sequences.cpp): a sequence whose positions and
//    lengths are known when compiling is kept as a list of tensor values, and
//    each sequence node becomes tensor operations (Slice, Concat, ...);
//  - the training domain's Gradient (Gradient.cpp): reverse-mode
//    differentiation of the forward operations, built as ONNX operations.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_LIB_IMPORT_GRAPHIMPORTER_H
#define ZELLIGE_LIB_IMPORT_GRAPHIMPORTER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace onnx {
class ModelProto;
class NodeProto;
class TensorProto;
class TypeProto;
class AttributeProto;
} // namespace onnx

namespace zellige::import_detail {

/// A ranked tensor type; shorthand for the expansions.
inline mlir::RankedTensorType tensorOf(llvm::ArrayRef<int64_t> shape,
                                       mlir::Type element) {
  return mlir::RankedTensorType::get(shape, element);
}

/// Builds the module for one checked, shape-inferred model.
class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &ctx, llvm::StringRef path,
                int64_t sourceOpset, int64_t stringBytes = 64)
      : ctx(ctx), builder(&ctx), path(path.str()),
        fileLoc(mlir::FileLineColLoc::get(&ctx, path, 0, 0)),
        sourceOpset(sourceOpset), stringBytes(stringBytes) {}

  mlir::OwningOpRef<mlir::ModuleOp> importModel(const onnx::ModelProto &model);

  /// Whether `opType` (of ai.onnx.preview.training) is an optimizer the
  /// importer expands: Adagrad, Adam, Momentum.
  static bool isOptimizerOperator(llvm::StringRef opType);

private:
  /// A node's name for messages and locations: its name, or
  /// "<OpType>_<index>" when it has none.
  std::string nodeName(const onnx::NodeProto &node, int index) const;
  mlir::Location nodeLoc(llvm::StringRef name);

  mlir::Type convertElementType(int32_t onnxType);
  /// Converts a value's ONNX type; null (after an error at `loc`) when it is
  /// not a tensor type the dialect knows.
  mlir::Type convertType(const onnx::TypeProto &type, mlir::Location loc,
                         const llvm::Twine &what);
  /// Converts a tensor to an elements attribute, checking its data size.
  mlir::ElementsAttr convertTensor(const onnx::TensorProto &tensor,
                                   mlir::Location loc, const llvm::Twine &what);
  /// Converts one node attribute; null after an error.
  mlir::Attribute convertAttribute(const onnx::AttributeProto &attr,
                                   mlir::Location loc,
                                   const llvm::Twine &prefix);

  mlir::LogicalResult importNode(const onnx::NodeProto &node, int index);
  mlir::LogicalResult importConstantNode(const onnx::NodeProto &node,
                                         mlir::Location loc,
                                         const std::string &prefix);
  /// Verifies `op` and re-emits its verifier's errors prefixed with the node.
  mlir::LogicalResult verifyNodeOp(mlir::Operation *op,
                                   const std::string &prefix);
  mlir::Value getNoValue();

  //===--------------------------------------------------------------------===//
  // Building operations on behalf of a node (expansions)
  //===--------------------------------------------------------------------===//

  /// Builds and verifies `onnx.<opType>` with one result of `resultType`.
  /// Null after an error prefixed with `prefix`, or when an operand is null
  /// (an earlier step failed), so that expansions can chain calls.
  mlir::Value createOp(llvm::StringRef opType, mlir::ValueRange operands,
                       mlir::Type resultType,
                       llvm::ArrayRef<mlir::NamedAttribute> attrs,
                       mlir::Location loc, const std::string &prefix);
  /// Builds and verifies an elementwise `onnx.<opType>` of `a` and `b`, its
  /// result of their broadcast shape (and of `a`'s element type unless
  /// `elementType` is given). Null after an error, or when `a` or `b` is.
  mlir::Value createBinary(llvm::StringRef opType, mlir::Value a, mlir::Value b,
                           mlir::Location loc, const std::string &prefix,
                           mlir::Type elementType = {});
  /// Emits "<prefix><message>" at `loc`; always failure().
  mlir::LogicalResult nodeError(mlir::Location loc, const std::string &prefix,
                                const llvm::Twine &message);
  /// Input `index` of `node` as a tensor of static shape; null when the
  /// input is absent, failure after an error naming it.
  mlir::FailureOr<mlir::Value> staticInput(const onnx::NodeProto &node,
                                           int index, mlir::Location loc,
                                           const std::string &prefix);
  /// Binds output `index` of `node` (when present) to `value`; failure when
  /// `value` is null (an earlier step failed and reported why).
  mlir::LogicalResult bindOutput(const onnx::NodeProto &node, int index,
                                 mlir::Value value);
  /// `name = value` as an i64 attribute.
  mlir::NamedAttribute i64Attr(llvm::StringRef name, int64_t value);
  /// Every attribute of `node`, converted; failure after an error.
  mlir::LogicalResult
  convertAttributes(const onnx::NodeProto &node, mlir::Location loc,
                    const std::string &prefix,
                    llvm::SmallVectorImpl<mlir::NamedAttribute> &attrs);
  /// `onnx.Constant` holding `value`.
  mlir::Value createConstant(mlir::DenseElementsAttr value, mlir::Location loc);
  /// The [n, n] i1 constant that is true where column < row.
  mlir::Value createStrictlyLower(int64_t n, mlir::Location loc);
  /// Compaction of the elements `keep` ([n] i64 of 0 and 1) marks: for each
  /// output position j, the index of the (j+1)-th kept element (`source`, 0
  /// past the kept ones) and whether there is one (`filled`, 0 or 1), and the
  /// number kept (`count`, an i64 scalar). Quadratic in n
  /// (DataDependent.cpp). Null values after an error.
  struct Compaction {
    mlir::Value source, filled, count;
  };
  Compaction compactKept(mlir::Value keep, int64_t n, mlir::Location loc,
                         const std::string &prefix);
  /// An i64 constant: a 1-D tensor, or a scalar when `scalar` is set.
  mlir::Value createI64Constant(llvm::ArrayRef<int64_t> values, bool scalar,
                                mlir::Location loc);
  /// A constant of `type` whose every element is `value`.
  mlir::Value createSplat(mlir::RankedTensorType type, double value,
                          mlir::Location loc);
  /// The integers held by `value` when an `onnx.Constant` defines it.
  std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value value);
  /// The value named `name`, or null after an error naming the node.
  mlir::Value lookupValue(const std::string &name, mlir::Location loc,
                          const std::string &prefix);

  /// Sequence operators (Sequences.cpp).
  static bool isSequenceOperator(llvm::StringRef opType);
  mlir::LogicalResult importSequenceNode(const onnx::NodeProto &node,
                                         mlir::Location loc,
                                         const std::string &prefix);
  /// String tensors (Strings.cpp): the byte tensor standing for a string
  /// graph input of `type` (null when it is not a string tensor of static
  /// shape), and StringNormalizer.
  mlir::Type stringInputType(const onnx::TypeProto &type);
  mlir::LogicalResult importStringNormalizer(const onnx::NodeProto &node,
                                             mlir::Location loc,
                                             const std::string &prefix);
  /// The training domain's Gradient (Gradient.cpp).
  mlir::LogicalResult importGradientNode(const onnx::NodeProto &node,
                                         mlir::Location loc,
                                         const std::string &prefix);
  /// NonZero, Compress and TopK: outputs sized at run time
  /// (DataDependent.cpp).
  static bool isDataDependentOperator(llvm::StringRef opType);
  mlir::LogicalResult importDataDependentNode(const onnx::NodeProto &node,
                                              mlir::Location loc,
                                              const std::string &prefix);
  /// RNN, GRU and LSTM, unrolled over their static sequence length
  /// (Recurrent.cpp).
  static bool isRecurrentOperator(llvm::StringRef opType);
  mlir::LogicalResult importRecurrentNode(const onnx::NodeProto &node,
                                          mlir::Location loc,
                                          const std::string &prefix);
  /// DFT, MaxUnpool and Det (Signal.cpp).
  mlir::LogicalResult importDet(const onnx::NodeProto &node, mlir::Location loc,
                                const std::string &prefix);
  mlir::LogicalResult importDFT(const onnx::NodeProto &node, mlir::Location loc,
                                const std::string &prefix);
  mlir::LogicalResult importMaxUnpool(const onnx::NodeProto &node,
                                      mlir::Location loc,
                                      const std::string &prefix);
  /// GridSample on 4-D inputs (GridSample.cpp).
  mlir::LogicalResult importGridSample(const onnx::NodeProto &node,
                                       mlir::Location loc,
                                       const std::string &prefix);
  /// MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv (Integer.cpp).
  static bool isIntegerLinearOperator(llvm::StringRef opType);
  mlir::LogicalResult importIntegerLinearNode(const onnx::NodeProto &node,
                                              mlir::Location loc,
                                              const std::string &prefix);
  /// The training domain's optimizers, Adagrad, Adam and Momentum
  /// (Training.cpp).
  mlir::LogicalResult importOptimizerNode(const onnx::NodeProto &node,
                                          mlir::Location loc,
                                          const std::string &prefix);

  mlir::MLIRContext &ctx;
  mlir::OpBuilder builder;
  std::string path;
  mlir::Location fileLoc;
  int64_t sourceOpset;
  mlir::Block *entryBlock = nullptr;
  mlir::Value noValue;
  llvm::StringMap<mlir::Value> values;
  /// The type of each named value, from shape inference and the graph.
  llvm::StringMap<const onnx::TypeProto *> valueTypes;

  /// One element of a sequence known when compiling: its tensor, or null
  /// when only its existence is known (SplitToSequence with split sizes
  /// that arrive at run time).
  using SequenceElements = llvm::SmallVector<mlir::Value>;
  /// The sequences of the graph, by name.
  llvm::StringMap<SequenceElements> sequences;

  /// The bytes each string element takes (ImportOptions::stringBytes).
  int64_t stringBytes;
  /// String tensors, by name: each a tensor of `ui8` whose last dimension
  /// holds the `stringBytes` NUL-padded bytes of one element.
  llvm::StringMap<mlir::Value> stringValues;
  /// Values whose size along one dimension is known only at run time: the
  /// i64 scalar holding that size, and the dimension (the value itself has
  /// its bound there).
  struct RuntimeSize {
    mlir::Value count;
    int64_t dim;
  };
  llvm::StringMap<RuntimeSize> runtimeSizes;
};

} // namespace zellige::import_detail

#endif // ZELLIGE_LIB_IMPORT_GRAPHIMPORTER_H
