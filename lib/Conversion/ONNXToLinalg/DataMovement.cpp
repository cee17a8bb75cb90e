//===- DataMovement.cpp - Lower onnx shape and data movement ----*- C++ -*-===//
//
// This file implements the lowering of the onnx operators that move data
// without arithmetic: Identity, Dropout (inference), Flatten, Reshape,
// Squeeze, Unsqueeze (tensor reshapes), Transpose (linalg.transpose),
// Concat (tensor.insert_slice), Slice and Split (tensor.extract_slice, with a
// reversing generic for negative steps; a Slice with run-time parameters
// becomes a generic reading start + i * step), Gather (slices for constant
// ranges, else a generic with tensor.extract), Expand (a broadcasting generic)
// and Pad (tensor.pad in constant mode, a clamping or mirroring generic in
// edge and reflect modes).
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

using namespace mlir;
using namespace zellige;
using namespace zellige::onnx_to_linalg;

namespace {

SmallVector<OpFoldResult> indexAttrs(OpBuilder &b, ArrayRef<int64_t> values) {
  SmallVector<OpFoldResult> result;
  for (int64_t v : values)
    result.push_back(b.getIndexAttr(v));
  return result;
}

struct IdentityLowering : ONNXLowering<ONNX::IdentityOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::IdentityOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct DropoutLowering : ONNXLowering<ONNX::DropoutOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::DropoutOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    if (!isNoValue(op.getTrainingMode())) {
      std::optional<SmallVector<int64_t>> mode =
          getConstantInts(adaptor.getTrainingMode());
      if (!mode || mode->size() != 1 || (*mode)[0] != 0)
        return fail(op, "unsupported training mode (training_mode must be a "
                        "constant false)");
    }
    if (!op.getMask().use_empty())
      return fail(op, "unsupported mask output");
    replaceLeadingResults(rewriter, op, adaptor.getData());
    return success();
  }
};

/// Flatten, Reshape, Squeeze and Unsqueeze: the static result type says it
/// all, so they become one reshape of the data.
template <typename OpTy> struct ReshapeLikeLowering : ONNXLowering<OpTy> {
  using ONNXLowering<OpTy>::ONNXLowering;
  using Adaptor = typename ONNXLowering<OpTy>::Adaptor;
  LogicalResult lower(OpTy op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getOperands()[0];
    auto inputType = cast<RankedTensorType>(input.getType());
    RankedTensorType resultType = this->convertType(op->getResult(0).getType());
    if (inputType.getNumElements() != resultType.getNumElements())
      return this->fail(op, "result type " +
                                this->typeString(op->getResult(0).getType()) +
                                " has a different number of elements than "
                                "the input");
    if constexpr (std::is_same_v<OpTy, ONNX::ReshapeOp>) {
      // A constant shape must agree with the result type.
      if (auto target = getConstantInts(adaptor.getShape())) {
        auto shape = computeReshapeShape(inputType.getShape(), *target,
                                         op.getAllowzero() != 0);
        if (!shape || ArrayRef(*shape) != resultType.getShape())
          return this->fail(op, "shape operand does not match the result "
                                "type " +
                                    this->typeString(op.getType()));
      }
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), input, resultType));
    return success();
  }
};

struct TransposeLowering : ONNXLowering<ONNX::TransposeOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::TransposeOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(adaptor.getData().getType());
    int64_t rank = type.getRank();
    SmallVector<int64_t> reversed;
    for (int64_t i = rank - 1; i >= 0; --i)
      reversed.push_back(i);
    SmallVector<int64_t> perm = getI64Array(op.getPerm(), reversed);
    SmallVector<bool> seen(rank, false);
    if (static_cast<int64_t>(perm.size()) != rank)
      return fail(op, "perm has " + Twine(perm.size()) + " entries for rank " +
                          Twine(rank));
    SmallVector<int64_t> shape;
    for (int64_t p : perm) {
      if (p < 0 || p >= rank || seen[p])
        return fail(op, "perm is not a permutation");
      seen[p] = true;
      shape.push_back(type.getDimSize(p));
    }
    RankedTensorType resultType = convertType(op.getType());
    if (ArrayRef(shape) != resultType.getShape())
      return fail(op, "result type " + typeString(op.getType()) +
                          " does not match the permutation");
    bool identity = llvm::all_of(llvm::enumerate(perm), [](auto it) {
      return static_cast<int64_t>(it.index()) == it.value();
    });
    rewriter.replaceOp(op, identity ? adaptor.getData()
                                    : transposeTensor(rewriter, op.getLoc(),
                                                      adaptor.getData(), perm));
    return success();
  }
};

struct ConcatLowering : ONNXLowering<ONNX::ConcatOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ConcatOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = convertType(op.getType());
    int64_t rank = resultType.getRank();
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (!axis)
      return fail(op, "axis out of range for rank " + Twine(rank));
    int64_t total = 0;
    for (Value input : adaptor.getInputs()) {
      auto type = cast<RankedTensorType>(input.getType());
      if (type.getRank() != rank)
        return fail(op, "inputs must have the result's rank");
      for (int64_t d = 0; d < rank; ++d)
        if (d != *axis && type.getDimSize(d) != resultType.getDimSize(d))
          return fail(op, "input type " + typeString(type) +
                              " does not match the result outside the axis");
      total += type.getDimSize(*axis);
    }
    if (total != resultType.getDimSize(*axis))
      return fail(op, "inputs do not add up to the result along the axis");
    if (adaptor.getInputs().size() == 1) {
      rewriter.replaceOp(op, adaptor.getInputs()[0]);
      return success();
    }
    Value result = createEmpty(rewriter, loc, resultType);
    int64_t offset = 0;
    for (Value input : adaptor.getInputs()) {
      auto type = cast<RankedTensorType>(input.getType());
      if (type.getDimSize(*axis) == 0)
        continue;
      SmallVector<int64_t> offsets(rank, 0);
      offsets[*axis] = offset;
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, indexAttrs(rewriter, offsets),
          indexAttrs(rewriter, type.getShape()),
          indexAttrs(rewriter, SmallVector<int64_t>(rank, 1)));
      offset += type.getDimSize(*axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Extracts the static slice (which may have negative steps) of `input`.
Value extractStaticSlice(OpBuilder &b, Location loc, Value input,
                         const StaticSlice &slice) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  auto resultType = RankedTensorType::get(slice.sizes, type.getElementType());
  if (resultType.getNumElements() == 0)
    return createEmpty(b, loc, resultType);
  SmallVector<int64_t> offsets, strides;
  SmallVector<int64_t> reversedDims;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t step = slice.steps[d];
    if (step > 0) {
      offsets.push_back(slice.starts[d]);
      strides.push_back(step);
    } else {
      // Read the same elements in increasing order, then reverse them.
      offsets.push_back(slice.starts[d] + (slice.sizes[d] - 1) * step);
      strides.push_back(-step);
      if (slice.sizes[d] > 1)
        reversedDims.push_back(d);
    }
  }
  bool whole = llvm::all_of(llvm::seq<int64_t>(0, rank), [&](int64_t d) {
    return offsets[d] == 0 && strides[d] == 1 &&
           slice.sizes[d] == type.getDimSize(d);
  });
  Value result = whole
                     ? input
                     : tensor::ExtractSliceOp::create(
                           b, loc, resultType, input, indexAttrs(b, offsets),
                           indexAttrs(b, slice.sizes), indexAttrs(b, strides));
  if (reversedDims.empty())
    return result;
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    AffineExpr dim = getAffineDimExpr(d, ctx);
    exprs.push_back(llvm::is_contained(reversedDims, d)
                        ? getAffineConstantExpr(slice.sizes[d] - 1, ctx) - dim
                        : dim);
  }
  return buildElementwise(
      b, loc, resultType, result,
      [](OpBuilder &, Location, ValueRange a) { return a[0]; },
      AffineMap::get(rank, 0, exprs, ctx));
}

struct SliceLowering : ONNXLowering<ONNX::SliceOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult
  lowerRuntime(ONNX::SliceOp op, Adaptor adaptor,
               ConversionPatternRewriter &rewriter,
               const std::optional<SmallVector<int64_t>> &constAxes,
               const std::optional<SmallVector<int64_t>> &constSteps) const;
  LogicalResult lower(ONNX::SliceOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(adaptor.getData().getType());
    auto starts = getConstantInts(adaptor.getStarts());
    auto ends = getConstantInts(adaptor.getEnds());
    std::optional<SmallVector<int64_t>> axes = SmallVector<int64_t>();
    std::optional<SmallVector<int64_t>> steps = SmallVector<int64_t>();
    if (!isNoValue(op.getAxes()))
      axes = getConstantInts(adaptor.getAxes());
    if (!isNoValue(op.getSteps()))
      steps = getConstantInts(adaptor.getSteps());
    if (!starts || !ends || !axes || !steps)
      return lowerRuntime(op, adaptor, rewriter, axes, steps);
    std::optional<StaticSlice> slice =
        computeStaticSlice(type.getShape(), *starts, *ends, *axes, *steps);
    if (!slice)
      return fail(op, "invalid slice (zero step, bad axis or mismatched "
                      "lengths)");
    RankedTensorType resultType = convertType(op.getType());
    if (ArrayRef(slice->sizes) != resultType.getShape())
      return fail(op, "result type " + typeString(op.getType()) +
                          " does not match the slice");
    rewriter.replaceOp(op, extractStaticSlice(rewriter, op.getLoc(),
                                              adaptor.getData(), *slice));
    return success();
  }
};

/// Slice with parameters known only at run time: the static result type
/// gives the sizes, and every output element reads start + i * step along
/// each dim, with start clamped as ONNX specifies (the ends only determine
/// the sizes).
LogicalResult SliceLowering::lowerRuntime(
    ONNX::SliceOp op, Adaptor adaptor, ConversionPatternRewriter &rewriter,
    const std::optional<SmallVector<int64_t>> &constAxes,
    const std::optional<SmallVector<int64_t>> &constSteps) const {
  Value data = adaptor.getData();
  auto type = cast<RankedTensorType>(data.getType());
  int64_t rank = type.getRank();
  RankedTensorType resultType = convertType(op.getType());
  if (resultType.getRank() != rank)
    return fail(op, "result rank differs from the input's");
  if (resultType.getNumElements() == 0)
    return fail(op, "unsupported non-constant starts, ends, axes or steps "
                    "with a zero-size result");
  Value starts = adaptor.getStarts();
  int64_t count = cast<RankedTensorType>(starts.getType()).getNumElements();
  bool hasAxes = !isNoValue(op.getAxes()), hasSteps = !isNoValue(op.getSteps());
  Value axes = hasAxes ? adaptor.getAxes() : Value();
  Value steps = hasSteps ? adaptor.getSteps() : Value();
  ScalarKind startKind = kindOf(op.getStarts().getType());
  ScalarKind axesKind = hasAxes ? kindOf(op.getAxes().getType()) : startKind;
  ScalarKind stepKind = hasSteps ? kindOf(op.getSteps().getType()) : startKind;
  Value result = buildElementwise(
      rewriter, op.getLoc(), resultType, ValueRange{},
      [&](OpBuilder &b, Location l, ValueRange) -> Value {
        Type i64 = b.getI64Type();
        auto c64 = [&](int64_t v) {
          return arith::ConstantOp::create(b, l, b.getI64IntegerAttr(v));
        };
        auto read = [&](Value t, int64_t k, ScalarKind kind) -> Value {
          Value v = tensor::ExtractOp::create(
              b, l, t, ValueRange{arith::ConstantIndexOp::create(b, l, k)});
          return convertScalar(b, l, v, kind, i64, false);
        };
        SmallVector<Value> coords;
        for (int64_t d = 0; d < rank; ++d) {
          Value start = c64(0), step = c64(1);
          for (int64_t k = 0; k < count; ++k) {
            Value hit;
            if (constAxes || !hasAxes) {
              int64_t axis = hasAxes ? (*constAxes)[k] : k;
              if (axis < 0)
                axis += rank;
              if (axis != d)
                continue;
              hit = createScalar(b, l, b.getI1Type(), 1);
            } else {
              Value axis = read(axes, k, axesKind);
              Value negative = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::slt, axis, c64(0));
              axis = arith::SelectOp::create(
                  b, l, negative, arith::AddIOp::create(b, l, axis, c64(rank)),
                  axis);
              hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, axis,
                                          c64(d));
            }
            start = arith::SelectOp::create(b, l, hit,
                                            read(starts, k, startKind), start);
            Value kStep = !hasSteps    ? c64(1)
                          : constSteps ? c64((*constSteps)[k])
                                       : read(steps, k, stepKind);
            step = arith::SelectOp::create(b, l, hit, kStep, step);
          }
          int64_t dim = type.getDimSize(d);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, start, c64(0));
          start = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, start, c64(dim)),
              start);
          Value forward = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt,
                                                step, c64(0));
          Value upper =
              arith::SelectOp::create(b, l, forward, c64(dim), c64(dim - 1));
          start = arith::MinSIOp::create(
              b, l, arith::MaxSIOp::create(b, l, start, c64(0)), upper);
          Value i = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, d));
          Value idx = arith::AddIOp::create(
              b, l, start, arith::MulIOp::create(b, l, i, step));
          idx = arith::MinSIOp::create(
              b, l, arith::MaxSIOp::create(b, l, idx, c64(0)), c64(dim - 1));
          coords.push_back(
              arith::IndexCastOp::create(b, l, b.getIndexType(), idx));
        }
        return tensor::ExtractOp::create(b, l, data, coords);
      });
  rewriter.replaceOp(op, result);
  return success();
}

struct SplitLowering : ONNXLowering<ONNX::SplitOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::SplitOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t rank = type.getRank();
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (!axis)
      return fail(op, "axis out of range for rank " + Twine(rank));
    SmallVector<int64_t> sizes;
    for (Value output : op.getOutputs()) {
      RankedTensorType outType = convertType(output.getType());
      if (!outType || outType.getRank() != rank)
        return fail(op, "outputs must be static tensors of the input's rank");
      sizes.push_back(outType.getDimSize(*axis));
    }
    if (!isNoValue(op.getSplit())) {
      // A split known only at run time must agree with the static output
      // types, which fix the sizes.
      auto split = getConstantInts(adaptor.getSplit());
      if (split && ArrayRef(*split) != ArrayRef(sizes))
        return fail(op, "split sizes do not match the output types");
    }
    if (llvm::is_contained(sizes, 0))
      return fail(op, "unsupported zero-size output");
    int64_t total = 0;
    for (int64_t s : sizes)
      total += s;
    if (total != type.getDimSize(*axis))
      return fail(op, "output sizes do not add up to the input along the axis");
    SmallVector<Value> results;
    int64_t offset = 0;
    for (int64_t size : sizes) {
      StaticSlice slice;
      slice.starts.assign(rank, 0);
      slice.starts[*axis] = offset;
      slice.sizes.assign(type.getShape().begin(), type.getShape().end());
      slice.sizes[*axis] = size;
      slice.steps.assign(rank, 1);
      results.push_back(
          extractStaticSlice(rewriter, loc, adaptor.getInput(), slice));
      offset += size;
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct GatherLowering : ONNXLowering<ONNX::GatherOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::GatherOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(adaptor.getIndices().getType());
    RankedTensorType resultType = convertType(op.getType());
    int64_t rank = dataType.getRank();
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (!axis)
      return fail(op, "axis out of range for rank " + Twine(rank));
    int64_t axisDim = dataType.getDimSize(*axis);
    int64_t q = indicesType.getRank();
    SmallVector<int64_t> shape(dataType.getShape().take_front(*axis));
    llvm::append_range(shape, indicesType.getShape());
    llvm::append_range(shape, dataType.getShape().drop_front(*axis + 1));
    if (ArrayRef(shape) != resultType.getShape())
      return fail(op, "result type " + typeString(op.getType()) +
                          " does not match data and indices");

    // Constant indices forming an increasing contiguous range: a slice.
    if (auto indices = getConstantInts(adaptor.getIndices())) {
      SmallVector<int64_t> normalized;
      for (int64_t i : *indices) {
        int64_t n = i < 0 ? i + axisDim : i;
        if (n < 0 || n >= axisDim)
          return fail(op, "constant index " + Twine(i) +
                              " out of range for dimension size " +
                              Twine(axisDim));
        normalized.push_back(n);
      }
      bool contiguous = q <= 1 && !normalized.empty();
      for (size_t i = 1; contiguous && i < normalized.size(); ++i)
        contiguous = normalized[i] == normalized[0] + static_cast<int64_t>(i);
      if (contiguous) {
        StaticSlice slice;
        slice.starts.assign(rank, 0);
        slice.starts[*axis] = normalized[0];
        slice.sizes.assign(dataType.getShape().begin(),
                           dataType.getShape().end());
        slice.sizes[*axis] = static_cast<int64_t>(normalized.size());
        slice.steps.assign(rank, 1);
        Value sliced = extractStaticSlice(rewriter, loc, data, slice);
        rewriter.replaceOp(op, reshapeTo(rewriter, loc, sliced, resultType));
        return success();
      }
    }

    // General case: out[o..., i..., n...] = data[o..., idx[i...], n...],
    // with negative indices wrapped and indices clamped into range.
    MLIRContext *ctx = rewriter.getContext();
    int64_t outRank = resultType.getRank();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < q; ++d)
      indexExprs.push_back(getAffineDimExpr(*axis + d, ctx));
    AffineMap indicesMap = AffineMap::get(outRank, 0, indexExprs, ctx);
    Value result = buildElementwise(
        rewriter, loc, resultType, adaptor.getIndices(),
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value idx = arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value dim = arith::ConstantIndexOp::create(b, l, axisDim);
          Value negative =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, idx, zero);
          Value wrapped = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, idx, dim), idx);
          Value last = arith::ConstantIndexOp::create(b, l, axisDim - 1);
          Value clamped = arith::MinSIOp::create(
              b, l, arith::MaxSIOp::create(b, l, wrapped, zero), last);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < *axis; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          coords.push_back(clamped);
          for (int64_t d = *axis + q; d < outRank; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          return tensor::ExtractOp::create(b, l, data, coords);
        },
        indicesMap);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ExpandLowering : ONNXLowering<ONNX::ExpandOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ExpandOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(adaptor.getInput().getType());
    RankedTensorType resultType = convertType(op.getType());
    auto shape = broadcastShapes(type.getShape(), resultType.getShape());
    if (!shape || ArrayRef(*shape) != resultType.getShape())
      return fail(op, "input type " + typeString(op.getInput().getType()) +
                          " does not broadcast to the result type " +
                          typeString(op.getType()));
    if (type.getShape() == resultType.getShape()) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), resultType,
                                            adaptor.getInput(),
                                            [](OpBuilder &, Location,
                                               ValueRange a) { return a[0]; }));
    return success();
  }
};

struct PadLowering : ONNXLowering<ONNX::PadOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::PadOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    StringRef mode = op.getMode();
    if (mode != "constant" && mode != "edge" && mode != "reflect")
      return fail(op, "unsupported Pad mode '" + mode + "'");
    auto type = cast<RankedTensorType>(adaptor.getData().getType());
    int64_t rank = type.getRank();
    auto pads = getConstantInts(adaptor.getPads());
    if (!pads)
      return fail(op, "unsupported non-constant pads");
    if (static_cast<int64_t>(pads->size()) != 2 * rank)
      return fail(op, "pads has " + Twine(pads->size()) + " entries for rank " +
                          Twine(rank));
    if (llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
      return fail(op, "unsupported negative pads");
    ArrayRef<int64_t> low = ArrayRef(*pads).take_front(rank);
    ArrayRef<int64_t> high = ArrayRef(*pads).drop_front(rank);
    RankedTensorType resultType = convertType(op.getType());
    for (int64_t d = 0; d < rank; ++d)
      if (type.getDimSize(d) + low[d] + high[d] != resultType.getDimSize(d))
        return fail(op, "result type " + typeString(op.getType()) +
                            " does not match the pads");
    if (mode != "constant") {
      for (int64_t d = 0; d < rank; ++d)
        if (type.getDimSize(d) == 0 && resultType.getDimSize(d) != 0)
          return fail(op,
                      "cannot pad an empty dimension in mode '" + mode + "'");
      if (mode == "reflect")
        for (int64_t d = 0; d < rank; ++d)
          if (low[d] >= std::max<int64_t>(type.getDimSize(d), 2) ||
              high[d] >= std::max<int64_t>(type.getDimSize(d), 2))
            return fail(op, "unsupported reflect pads as large as the "
                            "dimension");
      rewriter.replaceOp(op, buildIndexPad(rewriter, loc, adaptor.getData(),
                                           low, resultType, mode == "reflect"));
      return success();
    }
    Type elementType = type.getElementType();
    Value padValue;
    if (isNoValue(op.getConstantValue())) {
      padValue = createScalar(rewriter, loc, elementType, 0);
    } else if (DenseElementsAttr value =
                   getDenseConstant(adaptor.getConstantValue())) {
      if (value.getNumElements() != 1)
        return fail(op, "constant_value must have one element");
      padValue = arith::ConstantOp::create(
          rewriter, loc,
          cast<TypedAttr>(*value.getValues<Attribute>().begin()));
    } else {
      auto valueType =
          cast<RankedTensorType>(adaptor.getConstantValue().getType());
      if (valueType.getNumElements() != 1)
        return fail(op, "constant_value must have one element");
      SmallVector<Value> zeros(
          valueType.getRank(),
          arith::ConstantIndexOp::create(rewriter, loc, 0));
      padValue = tensor::ExtractOp::create(rewriter, loc,
                                           adaptor.getConstantValue(), zeros);
    }
    rewriter.replaceOp(
        op, padTensor(rewriter, loc, adaptor.getData(), low, high, padValue));
    return success();
  }
};

} // namespace

void zellige::onnx_to_linalg::populateDataMovementPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    ErrorState &errors) {
  using namespace ONNX;
  patterns.add<IdentityLowering, DropoutLowering,
               ReshapeLikeLowering<FlattenOp>, ReshapeLikeLowering<ReshapeOp>,
               ReshapeLikeLowering<SqueezeOp>, ReshapeLikeLowering<UnsqueezeOp>,
               TransposeLowering, ConcatLowering, SliceLowering, SplitLowering,
               GatherLowering, ExpandLowering, PadLowering>(
      converter, patterns.getContext(), errors);
}
