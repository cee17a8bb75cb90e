//===- CSourceEmitter.cpp - OpenCL C / CUDA C++ kernel emitter -*- C++ -*-===//
//
// This file implements the C-family kernel source emitter
// (zellige/Codegen/CSourceEmitter.h). It walks the kernels of a gpu.module in
// the GPU kernel form (docs/gpu-kernel-form.md) and prints each op as one C
// statement, in OpenCL C or CUDA C++:
//  - every SSA value becomes a variable `vN` (kernel arguments `argN`,
//    workgroup attributions `wgN`); scalar constants are inlined as literals
//    that round-trip exactly;
//  - memrefs are global pointers, `__local`/`__shared__` arrays or private
//    arrays, indexed with the linearized identity-layout offset;
//  - scf.for / scf.if results are variables declared before the statement
//    and assigned at scf.yield;
//  - 1-D vectors are OpenCL vector types (vloadN/vstoreN, overloaded
//    built-ins, lane-by-lane code where OpenCL's semantics differ) or, in
//    CUDA, small structs processed lane by lane;
//  - f16 needs no extension in OpenCL (cl_khr_fp16 is optional): halves live
//    in memory only (vload_half/vstore_half on `half *`; `ushort` arrays for
//    local and private memory), every f16 register value is a float holding
//    a half, and each f16 result that may not be one is rounded through half
//    precision. CUDA stores `__half` and computes in float;
//  - CUDA C++ may be written in a CUDA-like vendor's dialect (VendorDialect:
//    MUSA, MACA, HIP): the vendor's headers, each kernel followed by a host
//    launcher in the vendor's runtime API, and the device profile's warp
//    size as ZLG_WARP_SIZE with a static_assert per kernel.
// Integer ops keep MLIR's two's-complement semantics (wrapping i32/i64
// arithmetic goes through unsigned types; index arithmetic is address
// arithmetic and is assumed not to overflow), and floating-point ops keep
// their NaN and signed-zero semantics.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/CSourceEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Support/IndentedOstream.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Error.h"

#include <map>

using namespace mlir;
using namespace zellige::csource;

namespace {

/// What the kernels of one translation unit need ahead of them: extension
/// pragmas / includes, CUDA vector structs and helper functions. Gathered
/// while the kernels are written; the maps keep the output deterministic.
struct PreludeNeeds {
  /// CUDA: cuda_fp16.h (OpenCL uses no extension for f16).
  bool f16 = false;
  bool f64 = false;
  /// CUDA vector structs, by name.
  std::map<std::string, std::string> structs;
  /// Helper functions, by name.
  std::map<std::string, std::string> helpers;
};

/// The OpenCL C name of the float built-in implementing a float op with the
/// same semantics (the CUDA name adds an `f` for float), or "".
StringRef floatFunctionName(StringRef opName) {
  return llvm::StringSwitch<StringRef>(opName)
      .Case("math.exp", "exp")
      .Case("math.exp2", "exp2")
      .Case("math.expm1", "expm1")
      .Case("math.log", "log")
      .Case("math.log2", "log2")
      .Case("math.log10", "log10")
      .Case("math.log1p", "log1p")
      .Case("math.sqrt", "sqrt")
      .Case("math.rsqrt", "rsqrt")
      .Case("math.cbrt", "cbrt")
      .Case("math.tanh", "tanh")
      .Case("math.erf", "erf")
      .Case("math.erfc", "erfc")
      .Case("math.absf", "fabs")
      .Case("math.floor", "floor")
      .Case("math.ceil", "ceil")
      .Case("math.round", "round")
      .Case("math.roundeven", "rint")
      .Case("math.trunc", "trunc")
      .Case("math.sin", "sin")
      .Case("math.cos", "cos")
      .Case("math.tan", "tan")
      .Case("math.asin", "asin")
      .Case("math.acos", "acos")
      .Case("math.atan", "atan")
      .Case("math.sinh", "sinh")
      .Case("math.cosh", "cosh")
      .Case("math.asinh", "asinh")
      .Case("math.acosh", "acosh")
      .Case("math.atanh", "atanh")
      .Case("math.powf", "pow")
      .Case("math.atan2", "atan2")
      .Case("math.copysign", "copysign")
      .Case("math.fma", "fma")
      .Case("vector.fma", "fma")
      .Case("arith.remf", "fmod")
      .Case("arith.minnumf", "fmin")
      .Case("arith.maxnumf", "fmax")
      .Default("");
}

/// The lane selector of lane `i` of an OpenCL vector (`.s0` ... `.sf`).
std::string openCLLane(int64_t i) {
  return std::string(".s") + llvm::hexdigit(static_cast<unsigned>(i), true);
}

/// Builds the C expression of one element of an op's result from the C
/// expressions of the corresponding elements of its operands.
using LaneFn = llvm::function_ref<std::string(ArrayRef<std::string>)>;

/// Writes the body of one kernel (and records what the prelude must hold).
class KernelEmitter {
public:
  KernelEmitter(Flavor flavor, PreludeNeeds &needs, llvm::raw_ostream &out)
      : flavor(flavor), needs(needs), os(out) {}

  /// Writes `kernel`'s comment line, signature and body.
  LogicalResult emitKernel(gpu::GPUFuncOp kernel);

  /// The parameter declarations of the last kernel written, in order.
  ArrayRef<std::string> getParameters() const { return params; }

private:
  bool isCL() const { return flavor == Flavor::OpenCL; }
  StringRef flavorName() const { return isCL() ? "OpenCL C" : "CUDA C++"; }

  //===--------------------------------------------------------------------===//
  // Types and literals
  //===--------------------------------------------------------------------===//

  /// The C type of scalar `t` in registers or, with `inMemory`, as a memory
  /// element (i1 is one byte in memory; an OpenCL f16 is a float in
  /// registers and a `half` behind a pointer); "" if unsupported.
  std::string scalarTypeName(Type t, bool inMemory = false);
  /// The unsigned C type of integer or index type `t`.
  std::string unsignedTypeName(Type t);
  /// The C type of a register value of type `t` (scalar or 1-D vector); ""
  /// if unsupported.
  std::string typeName(Type t);
  /// The C literal of `value` (an integer or float attribute) of type `t`.
  std::string literal(Attribute value, Type t);
  /// The C literal of integer `value` of integer or index type `t`.
  std::string intLiteral(const APInt &value, Type t);
  /// The C literal of float `value` of float type `t`, exact on read-back.
  std::string floatLiteral(APFloat value, Type t);

  //===--------------------------------------------------------------------===//
  // Expression helpers
  //===--------------------------------------------------------------------===//

  /// `e` (of float type `t`) as an expression of a type C can compute with:
  /// CUDA computes __half values in float.
  std::string toFloat(const std::string &e, Type t);
  /// The inverse of toFloat: a computed float expression as a value of `t`.
  std::string fromFloat(const std::string &e, Type t);
  /// The name of the math built-in `clName` for element type `t`.
  std::string mathFunction(StringRef clName, Type t);
  /// `e` (of integer type `t`) read as a signed number (i1 true is -1).
  std::string asSigned(const std::string &e, Type t);
  /// `e` (of integer type `t`) read as an unsigned number.
  std::string asUnsigned(const std::string &e, Type t);
  /// `e`, an integer expression, converted to the register type of `t`.
  std::string castTo(const std::string &e, Type t);
  /// `e`, an integer expression computed on operands of type `t` read as
  /// signed, as a value of `t` (C promotes i1, i8 and i16 to int).
  std::string signedResult(const std::string &e, Type t);
  /// The helper implementing arith.minimumf/maximumf on `t` (`max` picks
  /// which), added to the prelude on first use.
  std::string minMaxHelper(bool max, Type t);
  /// OpenCL: the helper rounding a float (or, with `fromDouble`, a double)
  /// scalar or `lanes`-lane vector to the nearest half (ties to even),
  /// returned as float(s); added to the prelude on first use.
  std::string halfRounding(int64_t lanes = 1, bool fromDouble = false);
  /// OpenCL: the helper bitcasting between f16 (a float holding a half) and
  /// i16, `toHalf` picking the direction; added to the prelude on first use.
  std::string halfBitcast(bool toHalf);
  /// OpenCL: whether `memref` holds f16 (read and written with
  /// vload_half/vstore_half).
  bool isHalfMemRef(Value memref);
  /// OpenCL: the `half *` through which f16 memref `memref` is accessed.
  std::string halfPointer(Value memref);

  //===--------------------------------------------------------------------===//
  // Statements
  //===--------------------------------------------------------------------===//

  /// A fresh variable name `vN`, bound to `v`.
  std::string bind(Value v);
  /// Writes `T vN = expr;` for `v`.
  void declare(Value v, const std::string &expr);
  /// Writes the elementwise op `op` from `fn`: once on scalars, once on whole
  /// OpenCL vectors when `clNative` (the OpenCL expression is overloaded for
  /// vectors with the same semantics), otherwise lane by lane. In OpenCL, an
  /// f16 result is rounded through half precision unless `exactOnHalf` (`fn`
  /// yields a half already).
  LogicalResult emitElementwise(Operation *op, LaneFn fn, bool clNative = false,
                                bool exactOnHalf = false);
  /// The linearized offset of `indices` into memref `memref`.
  std::string linearIndex(Value memref, ValueRange indices);
  /// The address of element `index` of the array or pointer `base`.
  std::string pointerTo(const std::string &base, const std::string &index);
  /// `element` read from memory as a register value of type `t`.
  std::string fromMemory(const std::string &element, Type t);
  /// `value` (a register value of type `t`) converted for a store.
  std::string toMemory(const std::string &value, Type t);
  /// Checks `t` is a static, identity-layout memref of a supported element
  /// type in memory space `space` (global and private memory may also be the
  /// default space).
  bool isSupportedMemRef(Type t, gpu::AddressSpace space);
  /// The C array declaration of a workgroup, private or alloca memref.
  std::string arrayDeclaration(StringRef qualifier, StringRef name,
                               MemRefType type);

  /// Writes the ops of `block`, one statement (or a few) each.
  LogicalResult emitBlock(Block &block);
  /// Writes `op`, or reports why it cannot be written.
  LogicalResult emitOp(Operation &op);
  /// Inlines a scalar constant; declares a vector one.
  LogicalResult emitConstant(arith::ConstantOp op);
  /// Writes an arith op other than a constant or a conversion.
  LogicalResult emitArith(Operation &op);
  /// Writes an arith conversion (extf, sitofp, index_cast, bitcast, ...).
  LogicalResult emitCast(Operation &op);
  /// Writes a float op implemented by the C built-in `clName`.
  LogicalResult emitFloatCall(Operation &op, StringRef clName);
  /// Writes a C for loop; iter_args live in variables declared before it.
  LogicalResult emitFor(scf::ForOp op);
  /// Writes a C if; results live in variables declared before it.
  LogicalResult emitIf(scf::IfOp op);
  /// Assigns the yielded values to the parent's result variables.
  LogicalResult emitYield(scf::YieldOp op);
  /// Writes vector.load (vloadN in OpenCL, lane by lane otherwise).
  LogicalResult emitVectorLoad(vector::LoadOp op);
  /// Writes vector.store (vstoreN in OpenCL, lane by lane otherwise).
  LogicalResult emitVectorStore(vector::StoreOp op);
  /// Writes a gpu.thread_id / block_id / block_dim / grid_dim / global_id.
  LogicalResult emitGPUIndex(Operation &op, gpu::Dimension dim);

  /// Reports `op` as one the emitter cannot write.
  LogicalResult unsupported(Operation *op, StringRef why = "") {
    InFlightDiagnostic diag = op->emitError()
                              << "cannot emit '" << op->getName() << "' as "
                              << flavorName();
    if (!why.empty())
      diag << ": " << why;
    return diag;
  }

  Flavor flavor;
  PreludeNeeds &needs;
  raw_indented_ostream os;
  /// The C expression of each value (a variable or an inlined literal).
  DenseMap<Value, std::string> names;
  /// CUDA: the float literal of each inlined __half constant expression.
  llvm::StringMap<std::string> halfLiteralAsFloat;
  /// OpenCL: the `half *` of each f16 `ushort` array (workgroup and private
  /// attributions, allocas).
  DenseMap<Value, std::string> halfArrayPointers;
  /// The kernel's body block (where a trailing gpu.return needs no
  /// statement).
  Block *kernelBody = nullptr;
  unsigned nextValueId = 0;
  /// The kernel's parameter declarations.
  SmallVector<std::string> params;
};

} // namespace

//===----------------------------------------------------------------------===//
// Types and literals
//===----------------------------------------------------------------------===//

std::string KernelEmitter::scalarTypeName(Type t, bool inMemory) {
  if (isa<IndexType>(t))
    return isCL() ? "long" : "long long";
  if (auto intType = dyn_cast<IntegerType>(t)) {
    if (!intType.isSignless())
      return "";
    switch (intType.getWidth()) {
    case 1:
      if (inMemory)
        return isCL() ? "uchar" : "unsigned char";
      return "bool";
    case 8:
      return isCL() ? "char" : "signed char";
    case 16:
      return "short";
    case 32:
      return "int";
    case 64:
      return isCL() ? "long" : "long long";
    default:
      return "";
    }
  }
  if (t.isF16()) {
    if (isCL())
      return inMemory ? "half" : "float";
    needs.f16 = true;
    return "__half";
  }
  if (t.isF32())
    return "float";
  if (t.isF64()) {
    needs.f64 = true;
    return "double";
  }
  return "";
}

std::string KernelEmitter::unsignedTypeName(Type t) {
  unsigned width = isa<IndexType>(t) ? 64 : t.getIntOrFloatBitWidth();
  switch (width) {
  case 1:
  case 8:
    return isCL() ? "uchar" : "unsigned char";
  case 16:
    return isCL() ? "ushort" : "unsigned short";
  case 32:
    return isCL() ? "uint" : "unsigned int";
  default:
    return isCL() ? "ulong" : "unsigned long long";
  }
}

std::string KernelEmitter::typeName(Type t) {
  auto vectorType = dyn_cast<VectorType>(t);
  if (!vectorType)
    return scalarTypeName(t);
  int64_t n = vectorType.getRank() == 1 ? vectorType.getNumElements() : 0;
  if (vectorType.isScalable() ||
      (n != 2 && n != 3 && n != 4 && n != 8 && n != 16))
    return "";
  Type elementType = vectorType.getElementType();
  std::string scalar = scalarTypeName(elementType);
  if (scalar.empty())
    return "";
  if (isCL()) {
    // OpenCL has no bool vectors: i1 lanes are chars holding 0 or 1.
    if (elementType.isInteger(1))
      scalar = "char";
    return scalar + std::to_string(n);
  }
  std::string elementName =
      isa<IndexType>(elementType)
          ? std::string("idx")
          : (elementType.isInteger() ? "i" : "f") +
                std::to_string(elementType.getIntOrFloatBitWidth());
  std::string name = "zlg_v" + std::to_string(n) + elementName;
  needs.structs.try_emplace(name, "struct " + name + " {\n  " + scalar + " v[" +
                                      std::to_string(n) + "];\n};\n");
  return name;
}

std::string KernelEmitter::intLiteral(const APInt &value, Type t) {
  if (t.isInteger(1))
    return value.isZero() ? "false" : "true";
  unsigned width = isa<IndexType>(t) ? 64 : t.getIntOrFloatBitWidth();
  int64_t v = value.getSExtValue();
  std::string suffix = width == 64 ? (isCL() ? "L" : "LL") : "";
  std::string text;
  if (width == 64 && v == std::numeric_limits<int64_t>::min())
    text = "(-9223372036854775807" + suffix + " - 1)";
  else if (width == 32 && v == std::numeric_limits<int32_t>::min())
    text = "(-2147483647 - 1)";
  else if (v < 0)
    text = "(" + std::to_string(v) + suffix + ")";
  else
    text = std::to_string(v) + suffix;
  if (width == 8 || width == 16)
    return "((" + scalarTypeName(t) + ")" + text + ")";
  return text;
}

std::string KernelEmitter::floatLiteral(APFloat value, Type t) {
  // f16 values are written as float literals (every half is a float); an
  // OpenCL f16 register value is that float.
  bool isHalf = t.isF16();
  if (isHalf) {
    bool losesInfo = false;
    value.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
  }
  bool isDouble = t.isF64();
  std::string text;
  if (value.isInfinity() || value.isNaN()) {
    if (isCL()) {
      text = value.isNaN()        ? "NAN"
             : value.isNegative() ? "(-INFINITY)"
                                  : "INFINITY";
      if (isDouble)
        text = "((double)" + text + ")";
    } else {
      SmallString<20> bits;
      value.bitcastToAPInt().toStringUnsigned(bits, 16);
      text = isDouble ? "__longlong_as_double((long long)0x" +
                            std::string(bits) + "ULL)"
                      : "__int_as_float((int)0x" + std::string(bits) + "u)";
    }
  } else {
    // The shortest decimal form that reads back exactly, else hex.
    for (unsigned digits = 1; digits <= 17 && text.empty(); ++digits) {
      SmallString<32> decimal;
      value.toString(decimal, digits);
      APFloat parsed(value.getSemantics());
      auto status =
          parsed.convertFromString(decimal, APFloat::rmNearestTiesToEven);
      if (!status) {
        llvm::consumeError(status.takeError());
        continue;
      }
      if (parsed.bitwiseIsEqual(value))
        text = std::string(decimal);
    }
    if (text.empty()) {
      char hex[64];
      value.convertToHexString(hex, 0, /*UpperCase=*/false,
                               APFloat::rmNearestTiesToEven);
      text = hex;
    } else if (text.find_first_of(".eE") == std::string::npos) {
      text += ".0";
    }
    if (!isDouble)
      text += "f";
    if (value.isNegative())
      text = "(" + text + ")";
  }
  if (!isHalf || isCL())
    return text;
  std::string expr = "__float2half(" + text + ")";
  halfLiteralAsFloat[expr] = text;
  return expr;
}

std::string KernelEmitter::literal(Attribute value, Type t) {
  if (auto intAttr = dyn_cast<IntegerAttr>(value))
    return intLiteral(intAttr.getValue(), t);
  if (auto floatAttr = dyn_cast<FloatAttr>(value))
    return floatLiteral(floatAttr.getValue(), t);
  return "";
}

//===----------------------------------------------------------------------===//
// Expression helpers
//===----------------------------------------------------------------------===//

std::string KernelEmitter::toFloat(const std::string &e, Type t) {
  if (isCL() || !t.isF16())
    return e;
  auto it = halfLiteralAsFloat.find(e);
  if (it != halfLiteralAsFloat.end())
    return it->second;
  return "__half2float(" + e + ")";
}

std::string KernelEmitter::fromFloat(const std::string &e, Type t) {
  if (isCL() || !t.isF16())
    return e;
  return "__float2half(" + e + ")";
}

std::string KernelEmitter::mathFunction(StringRef clName, Type t) {
  if (isCL() || t.isF64())
    return clName.str();
  return clName.str() + "f";
}

std::string KernelEmitter::asSigned(const std::string &e, Type t) {
  if (t.isInteger(1))
    return "(" + e + " ? -1 : 0)";
  return e;
}

std::string KernelEmitter::asUnsigned(const std::string &e, Type t) {
  if (t.isInteger(1))
    return e;
  return "(" + unsignedTypeName(t) + ")" + e;
}

std::string KernelEmitter::castTo(const std::string &e, Type t) {
  if (t.isInteger(1))
    return "((" + e + ") != 0)";
  return "(" + scalarTypeName(t) + ")(" + e + ")";
}

std::string KernelEmitter::signedResult(const std::string &e, Type t) {
  if (t.isInteger(1) || t.isInteger(8) || t.isInteger(16))
    return castTo(e, t);
  return e;
}

std::string KernelEmitter::minMaxHelper(bool max, Type t) {
  // f16 is computed in float; the float helper is exact for halves.
  Type computeType = t.isF16() ? Float32Type::get(t.getContext()) : t;
  std::string type = scalarTypeName(computeType);
  std::string name = std::string("zlg_") + (max ? "maximumf" : "minimumf") +
                     "_f" + std::to_string(computeType.getIntOrFloatBitWidth());
  if (needs.helpers.count(name))
    return name;
  std::string text;
  llvm::raw_string_ostream s(text);
  s << "// arith." << (max ? "maximumf" : "minimumf")
    << ": NaN if either operand is NaN, and -0 < +0.\n"
    << (isCL() ? "static inline " : "static __device__ __forceinline__ ")
    << type << " " << name << "(" << type << " a, " << type << " b) {\n"
    << "  if (isnan(a) || isnan(b))\n"
    << "    return a + b;\n"
    << "  if (a == b)\n"
    << "    return signbit(a) ? " << (max ? "b : a" : "a : b") << ";\n"
    << "  return a " << (max ? ">" : "<") << " b ? a : b;\n"
    << "}\n";
  needs.helpers[name] = text;
  return name;
}

std::string KernelEmitter::halfRounding(int64_t lanes, bool fromDouble) {
  std::string n = lanes == 1 ? "" : std::to_string(lanes);
  std::string name = "zlg_round_half" + n + (fromDouble ? "_f64" : "");
  if (needs.helpers.count(name))
    return name;
  std::string text;
  llvm::raw_string_ostream s(text);
  // The halves go through private memory: vstore_half rounds, vload_half
  // widens exactly.
  std::string buffer = lanes == 1 ? "&b" : "b";
  s << "// The " << (fromDouble ? "double" : "float") << n
    << " rounded to the nearest half (ties to even), as float" << n << ".\n"
    << "static inline float" << n << " " << name << "("
    << (fromDouble ? "double" : "float") << n << " x) {\n"
    << "  ushort b" << (lanes == 1 ? "" : "[" + n + "]") << ";\n"
    << "  vstore_half" << n << "_rte(x, 0, (half *)" << buffer << ");\n"
    << "  return vload_half" << n << "(0, (const half *)" << buffer << ");\n"
    << "}\n";
  needs.helpers[name] = text;
  return name;
}

std::string KernelEmitter::halfBitcast(bool toHalf) {
  std::string name = toHalf ? "zlg_short_as_half" : "zlg_half_as_short";
  if (needs.helpers.count(name))
    return name;
  std::string text;
  llvm::raw_string_ostream s(text);
  if (toHalf)
    s << "// arith.bitcast i16 to f16.\n"
      << "static inline float " << name << "(short x) {\n"
      << "  return vload_half(0, (const half *)&x);\n"
      << "}\n";
  else
    s << "// arith.bitcast f16 to i16.\n"
      << "static inline short " << name << "(float x) {\n"
      << "  short b;\n"
      << "  vstore_half_rte(x, 0, (half *)&b);\n"
      << "  return b;\n"
      << "}\n";
  needs.helpers[name] = text;
  return name;
}

bool KernelEmitter::isHalfMemRef(Value memref) {
  return isCL() && cast<MemRefType>(memref.getType()).getElementType().isF16();
}

std::string KernelEmitter::halfPointer(Value memref) {
  auto it = halfArrayPointers.find(memref);
  return it != halfArrayPointers.end() ? it->second : names[memref];
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

std::string KernelEmitter::bind(Value v) {
  std::string name = "v" + std::to_string(nextValueId++);
  names[v] = name;
  return name;
}

void KernelEmitter::declare(Value v, const std::string &expr) {
  std::string type = typeName(v.getType());
  std::string name = bind(v);
  os << type << " " << name << " = " << expr << ";\n";
}

LogicalResult KernelEmitter::emitElementwise(Operation *op, LaneFn fn,
                                             bool clNative, bool exactOnHalf) {
  Value result = op->getResult(0);
  auto vectorType = dyn_cast<VectorType>(result.getType());
  // OpenCL computes f16 in float: round each result that may not be a half.
  LaneFn laneFn = fn;
  auto roundedLanes = [&](ArrayRef<std::string> operands) {
    return halfRounding() + "(" + fn(operands) + ")";
  };
  bool roundsToHalf =
      isCL() && !exactOnHalf && getElementTypeOrSelf(result.getType()).isF16();
  if (roundsToHalf)
    laneFn = roundedLanes;
  auto operandsAt = [&](StringRef lane) {
    SmallVector<std::string> exprs;
    for (Value operand : op->getOperands())
      exprs.push_back(isa<VectorType>(operand.getType())
                          ? names[operand] + lane.str()
                          : names[operand]);
    return exprs;
  };
  if (!vectorType || (isCL() && clNative)) {
    std::string expr = fn(operandsAt(""));
    if (roundsToHalf)
      expr = halfRounding(vectorType ? vectorType.getNumElements() : 1) + "(" +
             expr + ")";
    declare(result, expr);
    return success();
  }
  std::string type = typeName(vectorType);
  std::string name = bind(result);
  int64_t n = vectorType.getNumElements();
  os << type << " " << name << ";\n";
  if (isCL()) {
    for (int64_t i = 0; i < n; ++i)
      os << name << openCLLane(i) << " = " << laneFn(operandsAt(openCLLane(i)))
         << ";\n";
    return success();
  }
  os << "for (int i = 0; i < " << n << "; ++i)\n";
  os.indent();
  os << name << ".v[i] = " << fn(operandsAt(".v[i]")) << ";\n";
  os.unindent();
  return success();
}

std::string KernelEmitter::linearIndex(Value memref, ValueRange indices) {
  auto type = cast<MemRefType>(memref.getType());
  auto [strides, offset] = type.getStridesAndOffset();
  int64_t constant = offset;
  SmallVector<std::string> terms;
  for (auto [index, stride] : llvm::zip(indices, strides)) {
    APInt value;
    if (matchPattern(index, m_ConstantInt(&value))) {
      constant += value.getSExtValue() * stride;
      continue;
    }
    terms.push_back(stride == 1
                        ? names[index]
                        : names[index] + " * " + std::to_string(stride));
  }
  if (constant != 0 || terms.empty())
    terms.push_back(constant < 0 ? "(" + std::to_string(constant) + ")"
                                 : std::to_string(constant));
  return llvm::join(terms, " + ");
}

std::string KernelEmitter::pointerTo(const std::string &base,
                                     const std::string &index) {
  if (index == "0")
    return base;
  if (StringRef(index).contains(' '))
    return base + " + (" + index + ")";
  return base + " + " + index;
}

std::string KernelEmitter::fromMemory(const std::string &element, Type t) {
  if (t.isInteger(1))
    return "(" + element + " != 0)";
  return element;
}

std::string KernelEmitter::toMemory(const std::string &value, Type t) {
  if (t.isInteger(1))
    return "(" + scalarTypeName(t, /*inMemory=*/true) + ")" + value;
  return value;
}

bool KernelEmitter::isSupportedMemRef(Type t, gpu::AddressSpace space) {
  auto type = dyn_cast<MemRefType>(t);
  if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity() ||
      scalarTypeName(type.getElementType(), /*inMemory=*/true).empty())
    return false;
  // Workgroup and private memrefs become C arrays, which cannot be empty.
  if (space != gpu::AddressSpace::Global && type.getNumElements() == 0)
    return false;
  Attribute memorySpace = type.getMemorySpace();
  if (!memorySpace)
    return space != gpu::AddressSpace::Workgroup;
  auto gpuSpace = dyn_cast<gpu::AddressSpaceAttr>(memorySpace);
  return gpuSpace && gpuSpace.getValue() == space;
}

std::string KernelEmitter::arrayDeclaration(StringRef qualifier, StringRef name,
                                            MemRefType type) {
  std::string declaration;
  if (!qualifier.empty())
    declaration = qualifier.str() + " ";
  // OpenCL declares no `half` arrays without cl_khr_fp16: f16 arrays are
  // ushort arrays accessed through `half *` (see halfPointer).
  std::string element =
      isCL() && type.getElementType().isF16()
          ? std::string("ushort")
          : scalarTypeName(type.getElementType(), /*inMemory=*/true);
  return declaration + element + " " + name.str() + "[" +
         std::to_string(type.getNumElements()) + "];";
}

LogicalResult KernelEmitter::emitKernel(gpu::GPUFuncOp kernel) {
  if (!kernel.isKernel())
    return kernel.emitError()
           << "cannot emit a non-kernel gpu.func as " << flavorName();
  StringRef kernelName = kernel.getName();
  if (kernelName.empty() || llvm::isDigit(kernelName.front()) ||
      !llvm::all_of(kernelName,
                    [](char c) { return llvm::isAlnum(c) || c == '_'; }))
    return kernel.emitError() << "cannot emit kernel name '" << kernelName
                              << "' as a C identifier";
  if (!kernel.getBody().hasOneBlock())
    return kernel.emitError() << "cannot emit a kernel body with several "
                                 "blocks as "
                              << flavorName();
  kernelBody = &kernel.getBody().front();

  // The comment line with the launch configuration.
  std::optional<ArrayRef<int32_t>> blockSize = kernel.getKnownBlockSize();
  auto count =
      kernel->getAttrOfType<DenseI64ArrayAttr>("zellige.workgroup_count");
  os << "// " << kernelName;
  if (count)
    os << ": workgroup count "
       << llvm::join(
              llvm::map_range(count.asArrayRef(),
                              [](int64_t c) { return std::to_string(c); }),
              " x ");
  if (blockSize)
    os << (count ? ", " : ": ") << "workgroup size "
       << llvm::join(
              llvm::map_range(*blockSize,
                              [](int32_t c) { return std::to_string(c); }),
              " x ");
  os << "\n";

  // The signature: one restrict pointer per binding, const when the kernel
  // never stores through it.
  params.clear();
  for (unsigned i = 0, e = kernel.getNumArguments(); i < e; ++i) {
    BlockArgument arg = kernel.getArgument(i);
    if (!isSupportedMemRef(arg.getType(), gpu::AddressSpace::Global))
      return kernel.emitError()
             << "cannot emit argument #" << i << " of type " << arg.getType()
             << " as " << flavorName()
             << " (expected a static identity-layout memref in global memory)";
    bool stored = llvm::any_of(arg.getUsers(), [&](Operation *user) {
      if (auto store = dyn_cast<memref::StoreOp>(user))
        return store.getMemRef() == arg;
      if (auto store = dyn_cast<vector::StoreOp>(user))
        return store.getBase() == arg;
      return false;
    });
    std::string name = "arg" + std::to_string(i);
    names[arg] = name;
    std::string element = scalarTypeName(
        cast<MemRefType>(arg.getType()).getElementType(), /*inMemory=*/true);
    std::string constness = stored ? "" : "const ";
    params.push_back(isCL() ? "__global " + constness + element +
                                  " *restrict " + name
                            : constness + element + " *__restrict__ " + name);
  }
  if (isCL()) {
    os << "__kernel void ";
    if (blockSize)
      os << "__attribute__((reqd_work_group_size("
         << llvm::join(
                llvm::map_range(*blockSize,
                                [](int32_t c) { return std::to_string(c); }),
                ", ")
         << "))) ";
  } else {
    os << "extern \"C\" __global__ void ";
    if (blockSize) {
      int64_t threads = 1;
      for (int32_t size : *blockSize)
        threads *= size;
      os << "__launch_bounds__(" << threads << ") ";
    }
  }
  os << kernelName << "(" << llvm::join(params, ", ") << ") {\n";
  os.indent();

  for (auto [i, attribution] :
       llvm::enumerate(kernel.getWorkgroupAttributions())) {
    if (!isSupportedMemRef(attribution.getType(), gpu::AddressSpace::Workgroup))
      return kernel.emitError()
             << "cannot emit workgroup attribution of type "
             << attribution.getType() << " as " << flavorName();
    std::string name = "wg" + std::to_string(i);
    names[attribution] = name;
    if (isHalfMemRef(attribution))
      halfArrayPointers[attribution] = "(__local half *)" + name;
    os << arrayDeclaration(isCL() ? "__local" : "__shared__", name,
                           cast<MemRefType>(attribution.getType()))
       << "\n";
  }
  for (auto [i, attribution] :
       llvm::enumerate(kernel.getPrivateAttributions())) {
    if (!isSupportedMemRef(attribution.getType(), gpu::AddressSpace::Private))
      return kernel.emitError()
             << "cannot emit private attribution of type "
             << attribution.getType() << " as " << flavorName();
    std::string name = "priv" + std::to_string(i);
    names[attribution] = name;
    if (isHalfMemRef(attribution))
      halfArrayPointers[attribution] = "(half *)" + name;
    os << arrayDeclaration("", name, cast<MemRefType>(attribution.getType()))
       << "\n";
  }

  if (failed(emitBlock(*kernelBody)))
    return failure();
  os.unindent();
  os << "}\n";
  return success();
}

LogicalResult KernelEmitter::emitBlock(Block &block) {
  for (Operation &op : block)
    if (failed(emitOp(op)))
      return failure();
  return success();
}

LogicalResult KernelEmitter::emitOp(Operation &op) {
  // Every value type must have a C type, and every operand a definition.
  for (Type t :
       llvm::concat<const Type>(op.getOperandTypes(), op.getResultTypes()))
    if (!isa<MemRefType>(t) && typeName(t).empty())
      return op.emitError()
             << "cannot emit '" << op.getName() << "' with a value of type "
             << t << " as " << flavorName();
  for (Value operand : op.getOperands())
    if (!names.count(operand))
      return op.emitError()
             << "cannot emit '" << op.getName() << "' as " << flavorName()
             << ": an operand is not defined by an op the "
                "emitter wrote";

  StringRef opName = op.getName().getStringRef();
  if (StringRef clName = floatFunctionName(opName); !clName.empty())
    return emitFloatCall(op, clName);
  if (opName.starts_with("arith.") && !isa<arith::ConstantOp>(op)) {
    if (isa<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::UIToFPOp,
            arith::FPToSIOp, arith::FPToUIOp, arith::ExtSIOp, arith::ExtUIOp,
            arith::TruncIOp, arith::IndexCastOp, arith::IndexCastUIOp,
            arith::BitcastOp>(op))
      return emitCast(op);
    return emitArith(op);
  }

  return llvm::TypeSwitch<Operation *, LogicalResult>(&op)
      .Case([&](arith::ConstantOp c) { return emitConstant(c); })
      .Case([&](math::AbsIOp absOp) -> LogicalResult {
        Type t = getElementTypeOrSelf(absOp.getType());
        if (t.isInteger(1))
          return emitElementwise(&op,
                                 [&](ArrayRef<std::string> o) { return o[0]; });
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          std::string u = unsignedTypeName(t);
          return castTo(
              o[0] + " < 0 ? -(" + u + ")" + o[0] + " : (" + u + ")" + o[0], t);
        });
      })
      .Case<math::IsNaNOp, math::IsInfOp, math::IsFiniteOp>(
          [&](auto predicateOp) {
            Type t = getElementTypeOrSelf(predicateOp.getOperand().getType());
            StringRef fn = isa<math::IsNaNOp>(op)   ? "isnan"
                           : isa<math::IsInfOp>(op) ? "isinf"
                                                    : "isfinite";
            // OpenCL's vector forms return -1 for true: write lanes.
            return emitElementwise(&op, [&](ArrayRef<std::string> o) {
              return fn.str() + "(" + toFloat(o[0], t) + ")";
            });
          })
      .Case([&](memref::LoadOp load) {
        std::string index = linearIndex(load.getMemRef(), load.getIndices());
        if (isHalfMemRef(load.getMemRef())) {
          declare(load.getResult(), "vload_half(" + index + ", " +
                                        halfPointer(load.getMemRef()) + ")");
          return success();
        }
        std::string element = names[load.getMemRef()] + "[" + index + "]";
        declare(load.getResult(), fromMemory(element, load.getType()));
        return success();
      })
      .Case([&](memref::StoreOp store) {
        std::string index = linearIndex(store.getMemRef(), store.getIndices());
        if (isHalfMemRef(store.getMemRef())) {
          os << "vstore_half_rte(" << names[store.getValueToStore()] << ", "
             << index << ", " << halfPointer(store.getMemRef()) << ");\n";
          return success();
        }
        os << names[store.getMemRef()] << "[" << index << "] = "
           << toMemory(names[store.getValueToStore()],
                       store.getValueToStore().getType())
           << ";\n";
        return success();
      })
      .Case([&](memref::AllocaOp alloca) -> LogicalResult {
        if (!isSupportedMemRef(alloca.getType(), gpu::AddressSpace::Private))
          return unsupported(&op, "expected a static identity-layout memref "
                                  "in private memory");
        std::string name = bind(alloca.getResult());
        if (isHalfMemRef(alloca.getResult()))
          halfArrayPointers[alloca.getResult()] = "(half *)" + name;
        os << arrayDeclaration("", name, alloca.getType()) << "\n";
        return success();
      })
      .Case([&](vector::LoadOp load) { return emitVectorLoad(load); })
      .Case([&](vector::StoreOp store) { return emitVectorStore(store); })
      .Case([&](vector::BroadcastOp broadcast) -> LogicalResult {
        Value source = broadcast.getSource();
        if (isa<VectorType>(source.getType())) {
          if (source.getType() != broadcast.getType())
            return unsupported(&op, "only scalar sources are supported");
          names[broadcast.getResult()] = names[source];
          return success();
        }
        std::string type = typeName(broadcast.getType());
        if (isCL())
          return emitElementwise(
              &op,
              [&](ArrayRef<std::string> o) {
                return "(" + type + ")(" + o[0] + ")";
              },
              /*clNative=*/true, /*exactOnHalf=*/true);
        return emitElementwise(&op,
                               [&](ArrayRef<std::string> o) { return o[0]; });
      })
      .Case([&](scf::ForOp forOp) { return emitFor(forOp); })
      .Case([&](scf::IfOp ifOp) { return emitIf(ifOp); })
      .Case([&](scf::YieldOp yield) { return emitYield(yield); })
      .Case(
          [&](gpu::ThreadIdOp o) { return emitGPUIndex(op, o.getDimension()); })
      .Case(
          [&](gpu::BlockIdOp o) { return emitGPUIndex(op, o.getDimension()); })
      .Case(
          [&](gpu::BlockDimOp o) { return emitGPUIndex(op, o.getDimension()); })
      .Case(
          [&](gpu::GridDimOp o) { return emitGPUIndex(op, o.getDimension()); })
      .Case(
          [&](gpu::GlobalIdOp o) { return emitGPUIndex(op, o.getDimension()); })
      .Case([&](gpu::BarrierOp) {
        // gpu.barrier makes every earlier memory access of the workgroup
        // visible, global ones included.
        os << (isCL() ? "barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);"
                      : "__syncthreads();")
           << "\n";
        return success();
      })
      .Case([&](gpu::ReturnOp) {
        if (op.getBlock() != kernelBody || &op != &kernelBody->back())
          os << "return;\n";
        return success();
      })
      .Default([&](Operation *other) { return unsupported(other); });
}

LogicalResult KernelEmitter::emitConstant(arith::ConstantOp op) {
  Type type = op.getType();
  auto vectorType = dyn_cast<VectorType>(type);
  if (!vectorType) {
    std::string text = literal(op.getValue(), type);
    if (text.empty())
      return unsupported(op, "unsupported constant attribute");
    names[op.getResult()] = text;
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
  if (!dense)
    return unsupported(op, "unsupported constant attribute");
  Type elementType = vectorType.getElementType();
  SmallVector<std::string> elements;
  if (isa<FloatType>(elementType)) {
    for (const APFloat &value : dense.getValues<APFloat>())
      elements.push_back(floatLiteral(value, elementType));
  } else {
    for (const APInt &value : dense.getValues<APInt>())
      elements.push_back(intLiteral(value, elementType));
  }
  std::string cType = typeName(vectorType);
  if (isCL()) {
    if (dense.isSplat())
      elements.resize(1);
    declare(op.getResult(),
            "(" + cType + ")(" + llvm::join(elements, ", ") + ")");
  } else {
    declare(op.getResult(), "{{" + llvm::join(elements, ", ") + "}}");
  }
  return success();
}

LogicalResult KernelEmitter::emitFloatCall(Operation &op, StringRef clName) {
  Type t = getElementTypeOrSelf(op.getResult(0).getType());
  if (!isa<FloatType>(t))
    return unsupported(&op);
  std::string fn = mathFunction(clName, t);
  // Functions whose result on halves is a half need no rounding to f16.
  bool exactOnHalf = llvm::StringSwitch<bool>(clName)
                         .Cases({"fabs", "floor", "ceil", "round", "rint",
                                 "trunc", "copysign", "fmod", "fmin", "fmax"},
                                true)
                         .Default(false);
  return emitElementwise(
      &op,
      [&](ArrayRef<std::string> o) {
        SmallVector<std::string> args;
        for (const std::string &operand : o)
          args.push_back(toFloat(operand, t));
        return fromFloat(fn + "(" + llvm::join(args, ", ") + ")", t);
      },
      /*clNative=*/true, exactOnHalf);
}

LogicalResult KernelEmitter::emitArith(Operation &op) {
  if (op.getNumResults() != 1)
    return unsupported(&op);
  Type t = getElementTypeOrSelf(op.getResult(0).getType());
  Type operandType = op.getNumOperands()
                         ? getElementTypeOrSelf(op.getOperand(0).getType())
                         : t;
  bool isI1 = t.isInteger(1);
  bool isIndex = isa<IndexType>(t);
  bool isNarrow = t.isInteger(8) || t.isInteger(16);

  // Float arithmetic: C operators keep IEEE semantics.
  auto floatBinary = [&](StringRef cOp) {
    return emitElementwise(
        &op,
        [&](ArrayRef<std::string> o) {
          return fromFloat(
              toFloat(o[0], t) + " " + cOp.str() + " " + toFloat(o[1], t), t);
        },
        /*clNative=*/true);
  };
  // Wrapping integer arithmetic: i1 is arithmetic modulo 2, i8/i16 compute
  // in int, i32/i64 in their unsigned type unless marked nsw; index
  // arithmetic does not overflow.
  auto wrapping = [&](StringRef cOp, StringRef i1Op, bool nsw) {
    return emitElementwise(&op, [&](ArrayRef<std::string> o) {
      if (isI1)
        return o[0] + " " + i1Op.str() + " " + o[1];
      if (isIndex || (nsw && !isNarrow))
        return o[0] + " " + cOp.str() + " " + o[1];
      if (isNarrow)
        return castTo(o[0] + " " + cOp.str() + " " + o[1], t);
      return castTo(
          asUnsigned(o[0], t) + " " + cOp.str() + " " + asUnsigned(o[1], t), t);
    });
  };
  // Integer ops on the signed or unsigned reading of their operands.
  auto intBinary = [&](StringRef cOp, bool isUnsigned) {
    return emitElementwise(&op, [&](ArrayRef<std::string> o) {
      auto read = [&](const std::string &e) {
        return isUnsigned ? asUnsigned(e, t) : asSigned(e, t);
      };
      std::string e = read(o[0]) + " " + cOp.str() + " " + read(o[1]);
      return isUnsigned ? castTo(e, t) : signedResult(e, t);
    });
  };
  auto minMax = [&](StringRef cmp, bool isUnsigned) {
    return emitElementwise(&op, [&](ArrayRef<std::string> o) {
      auto read = [&](const std::string &e) {
        return isUnsigned ? asUnsigned(e, t) : asSigned(e, t);
      };
      return "(" + read(o[0]) + " " + cmp.str() + " " + read(o[1]) + " ? " +
             o[0] + " : " + o[1] + ")";
    });
  };

  return llvm::TypeSwitch<Operation *, LogicalResult>(&op)
      .Case([&](arith::AddFOp) { return floatBinary("+"); })
      .Case([&](arith::SubFOp) { return floatBinary("-"); })
      .Case([&](arith::MulFOp) { return floatBinary("*"); })
      .Case([&](arith::DivFOp) { return floatBinary("/"); })
      .Case([&](arith::NegFOp) {
        return emitElementwise(
            &op,
            [&](ArrayRef<std::string> o) {
              return fromFloat("-" + toFloat(o[0], t), t);
            },
            /*clNative=*/true, /*exactOnHalf=*/true);
      })
      .Case<arith::MinimumFOp, arith::MaximumFOp>([&](auto) {
        std::string helper = minMaxHelper(isa<arith::MaximumFOp>(op), t);
        return emitElementwise(
            &op,
            [&](ArrayRef<std::string> o) {
              return fromFloat(helper + "(" + toFloat(o[0], t) + ", " +
                                   toFloat(o[1], t) + ")",
                               t);
            },
            /*clNative=*/false, /*exactOnHalf=*/true);
      })
      .Case([&](arith::AddIOp add) {
        return wrapping("+", "^", add.hasNoSignedWrap());
      })
      .Case([&](arith::SubIOp sub) {
        return wrapping("-", "^", sub.hasNoSignedWrap());
      })
      .Case([&](arith::MulIOp mul) {
        return wrapping("*", "&", mul.hasNoSignedWrap());
      })
      .Case([&](arith::DivSIOp) { return intBinary("/", false); })
      .Case([&](arith::DivUIOp) { return intBinary("/", true); })
      .Case([&](arith::RemSIOp) { return intBinary("%", false); })
      .Case([&](arith::RemUIOp) { return intBinary("%", true); })
      .Case([&](arith::AndIOp) {
        return emitElementwise(
            &op,
            [&](ArrayRef<std::string> o) {
              return isNarrow ? castTo(o[0] + " & " + o[1], t)
                              : o[0] + " & " + o[1];
            },
            /*clNative=*/true);
      })
      .Case([&](arith::OrIOp) {
        return emitElementwise(
            &op,
            [&](ArrayRef<std::string> o) {
              return isNarrow ? castTo(o[0] + " | " + o[1], t)
                              : o[0] + " | " + o[1];
            },
            /*clNative=*/true);
      })
      .Case([&](arith::XOrIOp) {
        return emitElementwise(
            &op,
            [&](ArrayRef<std::string> o) {
              return isNarrow ? castTo(o[0] + " ^ " + o[1], t)
                              : o[0] + " ^ " + o[1];
            },
            /*clNative=*/true);
      })
      .Case([&](arith::CeilDivSIOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          std::string a = asSigned(o[0], t), b = asSigned(o[1], t);
          return signedResult(a + " / " + b + " + (" + a + " % " + b +
                                  " != 0 && (" + a + " < 0) == (" + b +
                                  " < 0) ? 1 : 0)",
                              t);
        });
      })
      .Case([&](arith::FloorDivSIOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          std::string a = asSigned(o[0], t), b = asSigned(o[1], t);
          return signedResult(a + " / " + b + " - (" + a + " % " + b +
                                  " != 0 && (" + a + " < 0) != (" + b +
                                  " < 0) ? 1 : 0)",
                              t);
        });
      })
      .Case([&](arith::CeilDivUIOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          std::string a = asUnsigned(o[0], t), b = asUnsigned(o[1], t);
          return castTo(
              a + " / " + b + " + (" + a + " % " + b + " != 0 ? 1 : 0)", t);
        });
      })
      .Case([&](arith::ShLIOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          if (isI1)
            return o[0];
          // Shift the bits unsigned, at least int wide.
          std::string wide =
              isIndex || t.isInteger(64)
                  ? unsignedTypeName(t)
                  : unsignedTypeName(IntegerType::get(t.getContext(), 32));
          return castTo("(" + wide + ")" + o[0] + " << (" + wide + ")" + o[1],
                        t);
        });
      })
      .Case([&](arith::ShRSIOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          if (isI1)
            return o[0];
          return signedResult(o[0] + " >> " + o[1], t);
        });
      })
      .Case([&](arith::ShRUIOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          if (isI1)
            return o[0];
          return castTo(asUnsigned(o[0], t) + " >> " + asUnsigned(o[1], t), t);
        });
      })
      .Case([&](arith::MaxSIOp) { return minMax(">", false); })
      .Case([&](arith::MinSIOp) { return minMax("<", false); })
      .Case([&](arith::MaxUIOp) { return minMax(">", true); })
      .Case([&](arith::MinUIOp) { return minMax("<", true); })
      .Case([&](arith::CmpIOp cmp) {
        using P = arith::CmpIPredicate;
        P predicate = cmp.getPredicate();
        bool isUnsigned = predicate == P::ult || predicate == P::ule ||
                          predicate == P::ugt || predicate == P::uge;
        StringRef cOp;
        switch (predicate) {
        case P::eq:
          cOp = "==";
          break;
        case P::ne:
          cOp = "!=";
          break;
        case P::slt:
        case P::ult:
          cOp = "<";
          break;
        case P::sle:
        case P::ule:
          cOp = "<=";
          break;
        case P::sgt:
        case P::ugt:
          cOp = ">";
          break;
        case P::sge:
        case P::uge:
          cOp = ">=";
          break;
        }
        bool isEquality = predicate == P::eq || predicate == P::ne;
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          auto read = [&](const std::string &e) {
            if (isEquality)
              return e;
            return isUnsigned ? asUnsigned(e, operandType)
                              : asSigned(e, operandType);
          };
          return read(o[0]) + " " + cOp.str() + " " + read(o[1]);
        });
      })
      .Case([&](arith::CmpFOp cmp) {
        using P = arith::CmpFPredicate;
        P predicate = cmp.getPredicate();
        std::string isnanFn = "isnan";
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          std::string a = toFloat(o[0], operandType);
          std::string b = toFloat(o[1], operandType);
          switch (predicate) {
          case P::AlwaysFalse:
            return std::string("false");
          case P::AlwaysTrue:
            return std::string("true");
          case P::OEQ:
            return a + " == " + b;
          case P::OGT:
            return a + " > " + b;
          case P::OGE:
            return a + " >= " + b;
          case P::OLT:
            return a + " < " + b;
          case P::OLE:
            return a + " <= " + b;
          case P::ONE:
            return "(" + a + " < " + b + " || " + a + " > " + b + ")";
          case P::ORD:
            return "(!" + isnanFn + "(" + a + ") && !" + isnanFn + "(" + b +
                   "))";
          case P::UEQ:
            return "!(" + a + " < " + b + " || " + a + " > " + b + ")";
          case P::UGT:
            return "!(" + a + " <= " + b + ")";
          case P::UGE:
            return "!(" + a + " < " + b + ")";
          case P::ULT:
            return "!(" + a + " >= " + b + ")";
          case P::ULE:
            return "!(" + a + " > " + b + ")";
          case P::UNE:
            return a + " != " + b;
          case P::UNO:
            return "(" + isnanFn + "(" + a + ") || " + isnanFn + "(" + b + "))";
          }
          llvm_unreachable("unknown cmpf predicate");
        });
      })
      .Case([&](arith::SelectOp select) {
        // A scalar condition selects whole OpenCL vectors.
        bool scalarCondition =
            !isa<VectorType>(select.getCondition().getType());
        return emitElementwise(
            &op,
            [&](ArrayRef<std::string> o) {
              return o[0] + " ? " + o[1] + " : " + o[2];
            },
            /*clNative=*/scalarCondition, /*exactOnHalf=*/true);
      })
      .Default([&](Operation *other) { return unsupported(other); });
}

LogicalResult KernelEmitter::emitCast(Operation &op) {
  Type from = getElementTypeOrSelf(op.getOperand(0).getType());
  Type to = getElementTypeOrSelf(op.getResult(0).getType());
  std::string toType = scalarTypeName(to);
  // An integer (or index) conversion that keeps the low bits.
  auto truncate = [&](const std::string &e) {
    return to.isInteger(1) ? "((" + e + " & 1) != 0)" : "(" + toType + ")" + e;
  };
  auto extendSigned = [&](const std::string &e) {
    return "(" + toType + ")" + asSigned(e, from);
  };
  auto extendUnsigned = [&](const std::string &e) {
    return "(" + toType + ")" + asUnsigned(e, from);
  };
  auto bitWidth = [](Type t) {
    return isa<IndexType>(t) ? 64u : t.getIntOrFloatBitWidth();
  };

  // OpenCL's convert_<type>N rounds to nearest even into floats and toward
  // zero into integers, as sitofp, fptosi, extf and truncf do.
  if (auto vectorType = dyn_cast<VectorType>(op.getResult(0).getType());
      vectorType && isCL() && !from.isInteger(1) && !to.isInteger(1) &&
      (isa<arith::SIToFPOp, arith::FPToSIOp, arith::ExtFOp>(op) ||
       (isa<arith::TruncFOp>(op) &&
        !cast<arith::TruncFOp>(op).getRoundingmode()))) {
    std::string operand = names[op.getOperand(0)];
    std::string converted =
        "convert_" + typeName(vectorType) + "(" + operand + ")";
    // f16 lanes are floats rounded through half precision.
    int64_t n = vectorType.getNumElements();
    if (to.isF16() && from.isF64())
      converted = halfRounding(n, /*fromDouble=*/true) + "(" + operand + ")";
    else if (to.isF16())
      converted =
          halfRounding(n) + "(" + (from.isF32() ? operand : converted) + ")";
    declare(op.getResult(0), converted);
    return success();
  }

  return llvm::TypeSwitch<Operation *, LogicalResult>(&op)
      .Case<arith::ExtFOp, arith::TruncFOp>([&](auto) -> LogicalResult {
        if (auto trunc = dyn_cast<arith::TruncFOp>(op);
            trunc && trunc.getRoundingmode() &&
            *trunc.getRoundingmode() != arith::RoundingMode::to_nearest_even)
          return unsupported(&op, "only the default rounding mode is "
                                  "supported");
        // OpenCL: a float to f16 is rounded by emitElementwise, a double
        // directly to half precision (through float it might round twice).
        bool doubleToHalf = isCL() && from.isF64() && to.isF16();
        return emitElementwise(
            &op,
            [&](ArrayRef<std::string> o) {
              if (doubleToHalf)
                return halfRounding(1, /*fromDouble=*/true) + "(" + o[0] + ")";
              if (isCL() && from.isF32() && to.isF16())
                return o[0];
              if (isCL())
                return "(" + toType + ")" + o[0];
              if (from.isF64() && to.isF16())
                return "__double2half(" + o[0] + ")";
              std::string value = toFloat(o[0], from);
              if (to.isF16())
                return fromFloat(value, to);
              return value == o[0] || !to.isF32() ? "(" + toType + ")" + value
                                                  : value;
            },
            /*clNative=*/false, /*exactOnHalf=*/doubleToHalf);
      })
      .Case([&](arith::SIToFPOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          // CUDA: every integer below 2^24 is exact in float, larger ones
          // overflow half anyway, so going through float rounds once.
          if (!isCL() && to.isF16())
            return fromFloat("(float)" + asSigned(o[0], from), to);
          return "(" + toType + ")" + asSigned(o[0], from);
        });
      })
      .Case([&](arith::UIToFPOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          if (!isCL() && to.isF16())
            return fromFloat("(float)" + asUnsigned(o[0], from), to);
          return "(" + toType + ")" + asUnsigned(o[0], from);
        });
      })
      .Case([&](arith::FPToSIOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          std::string value = toFloat(o[0], from);
          if (to.isInteger(1))
            return "((int)" + value + " != 0)";
          return "(" + toType + ")" + value;
        });
      })
      .Case([&](arith::FPToUIOp) {
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          std::string value = toFloat(o[0], from);
          if (to.isInteger(1))
            return "((" + unsignedTypeName(to) + ")" + value + " != 0)";
          return "(" + toType + ")(" + unsignedTypeName(to) + ")" + value;
        });
      })
      .Case([&](arith::ExtSIOp) {
        return emitElementwise(
            &op, [&](ArrayRef<std::string> o) { return extendSigned(o[0]); });
      })
      .Case([&](arith::ExtUIOp) {
        return emitElementwise(
            &op, [&](ArrayRef<std::string> o) { return extendUnsigned(o[0]); });
      })
      .Case([&](arith::TruncIOp) {
        return emitElementwise(
            &op, [&](ArrayRef<std::string> o) { return truncate(o[0]); });
      })
      .Case<arith::IndexCastOp, arith::IndexCastUIOp>([&](auto) {
        bool zeroExtend = isa<arith::IndexCastUIOp>(op);
        return emitElementwise(&op, [&](ArrayRef<std::string> o) {
          if (bitWidth(to) <= bitWidth(from))
            return truncate(o[0]);
          return zeroExtend ? extendUnsigned(o[0]) : extendSigned(o[0]);
        });
      })
      .Case([&](arith::BitcastOp) -> LogicalResult {
        if (from == to)
          return emitElementwise(&op,
                                 [&](ArrayRef<std::string> o) { return o[0]; });
        std::string fn;
        if (isCL() && from.isF16()) {
          fn = halfBitcast(/*toHalf=*/false);
        } else if (isCL() && to.isF16()) {
          fn = halfBitcast(/*toHalf=*/true);
        } else if (isCL()) {
          fn = "as_" + toType;
        } else if (from.isF32()) {
          fn = "__float_as_int";
        } else if (to.isF32()) {
          fn = "__int_as_float";
        } else if (from.isF64()) {
          fn = "__double_as_longlong";
        } else if (to.isF64()) {
          fn = "__longlong_as_double";
        } else if (from.isF16()) {
          fn = "__half_as_short";
        } else if (to.isF16()) {
          fn = "__short_as_half";
        }
        if (fn.empty() || to.isInteger(1))
          return unsupported(&op);
        // The bits of an i16 are a half: no rounding.
        return emitElementwise(
            &op, [&](ArrayRef<std::string> o) { return fn + "(" + o[0] + ")"; },
            /*clNative=*/false, /*exactOnHalf=*/true);
      })
      .Default([&](Operation *other) { return unsupported(other); });
}

LogicalResult KernelEmitter::emitFor(scf::ForOp op) {
  // The iter_args and the results share one variable, declared before the
  // loop and assigned at scf.yield.
  for (auto [init, iterArg, result] :
       llvm::zip(op.getInitArgs(), op.getRegionIterArgs(), op.getResults())) {
    std::string type = typeName(result.getType());
    std::string name = bind(result);
    names[iterArg] = name;
    os << type << " " << name << " = " << names[init] << ";\n";
  }
  Value iv = op.getInductionVar();
  std::string ivType = typeName(iv.getType());
  if (ivType.empty() || iv.getType().isInteger(1))
    return unsupported(op, "unsupported induction variable type");
  std::string ivName = bind(iv);
  std::string condition =
      op.getUnsignedCmp()
          ? asUnsigned(ivName, iv.getType()) + " < " +
                asUnsigned(names[op.getUpperBound()], iv.getType())
          : ivName + " < " + names[op.getUpperBound()];
  os << "for (" << ivType << " " << ivName << " = " << names[op.getLowerBound()]
     << "; " << condition << "; " << ivName << " += " << names[op.getStep()]
     << ") {\n";
  os.indent();
  if (failed(emitBlock(*op.getBody())))
    return failure();
  os.unindent();
  os << "}\n";
  return success();
}

LogicalResult KernelEmitter::emitIf(scf::IfOp op) {
  for (Value result : op.getResults()) {
    std::string type = typeName(result.getType());
    os << type << " " << bind(result) << ";\n";
  }
  os << "if (" << names[op.getCondition()] << ") {\n";
  os.indent();
  if (failed(emitBlock(op.getThenRegion().front())))
    return failure();
  os.unindent();
  bool hasElse = op.getNumResults() ||
                 (!op.getElseRegion().empty() &&
                  !op.getElseRegion().front().without_terminator().empty());
  if (hasElse) {
    os << "} else {\n";
    os.indent();
    if (failed(emitBlock(op.getElseRegion().front())))
      return failure();
    os.unindent();
  }
  os << "}\n";
  return success();
}

LogicalResult KernelEmitter::emitYield(scf::YieldOp op) {
  Operation *parent = op->getParentOp();
  if (!isa<scf::ForOp, scf::IfOp>(parent))
    return unsupported(op, "scf.yield outside scf.for / scf.if");
  ValueRange targets = parent->getResults();
  // An iter_arg yielded to another position is read after the variable it
  // lives in may have been assigned: copy the yielded values first.
  bool needsCopies = false;
  if (auto forOp = dyn_cast<scf::ForOp>(parent)) {
    for (auto [k, yielded] : llvm::enumerate(op.getOperands()))
      for (auto [j, iterArg] : llvm::enumerate(forOp.getRegionIterArgs()))
        needsCopies |= yielded == iterArg && j != k;
  }
  SmallVector<std::string> sources;
  for (Value yielded : op.getOperands()) {
    if (!needsCopies) {
      sources.push_back(names[yielded]);
      continue;
    }
    std::string copy = "v" + std::to_string(nextValueId++);
    os << typeName(yielded.getType()) << " " << copy << " = " << names[yielded]
       << ";\n";
    sources.push_back(copy);
  }
  for (auto [target, source] : llvm::zip(targets, sources))
    if (names[target] != source)
      os << names[target] << " = " << source << ";\n";
  return success();
}

LogicalResult KernelEmitter::emitVectorLoad(vector::LoadOp op) {
  VectorType vectorType = op.getVectorType();
  Type elementType = vectorType.getElementType();
  if (vectorType.getRank() != 1 ||
      elementType != op.getMemRefType().getElementType())
    return unsupported(op, "only 1-D vectors of the memref's element type "
                           "are supported");
  std::string base = names[op.getBase()];
  std::string index = linearIndex(op.getBase(), op.getIndices());
  int64_t n = vectorType.getNumElements();
  if (isHalfMemRef(op.getBase())) {
    declare(op.getResult(), "vload_half" + std::to_string(n) + "(0, " +
                                pointerTo(halfPointer(op.getBase()), index) +
                                ")");
    return success();
  }
  if (isCL() && !elementType.isInteger(1)) {
    declare(op.getResult(), "vload" + std::to_string(n) + "(0, " +
                                pointerTo(base, index) + ")");
    return success();
  }
  std::string type = typeName(vectorType);
  std::string name = bind(op.getResult());
  os << type << " " << name << ";\n";
  std::string first = index == "0" ? "" : index + " + ";
  if (isCL()) {
    for (int64_t i = 0; i < n; ++i)
      os << name << openCLLane(i) << " = "
         << fromMemory(base + "[" + first + std::to_string(i) + "]",
                       elementType)
         << ";\n";
    return success();
  }
  os << "for (int i = 0; i < " << n << "; ++i)\n";
  os.indent();
  os << name << ".v[i] = " << fromMemory(base + "[" + first + "i]", elementType)
     << ";\n";
  os.unindent();
  return success();
}

LogicalResult KernelEmitter::emitVectorStore(vector::StoreOp op) {
  VectorType vectorType = op.getVectorType();
  Type elementType = vectorType.getElementType();
  if (vectorType.getRank() != 1 ||
      elementType != op.getMemRefType().getElementType())
    return unsupported(op, "only 1-D vectors of the memref's element type "
                           "are supported");
  std::string base = names[op.getBase()];
  std::string value = names[op.getValueToStore()];
  std::string index = linearIndex(op.getBase(), op.getIndices());
  int64_t n = vectorType.getNumElements();
  if (isHalfMemRef(op.getBase())) {
    os << "vstore_half" << n << "_rte(" << value << ", 0, "
       << pointerTo(halfPointer(op.getBase()), index) << ");\n";
    return success();
  }
  if (isCL() && !elementType.isInteger(1)) {
    os << "vstore" << n << "(" << value << ", 0, " << pointerTo(base, index)
       << ");\n";
    return success();
  }
  std::string first = index == "0" ? "" : index + " + ";
  if (isCL()) {
    for (int64_t i = 0; i < n; ++i)
      os << base << "[" << first << i
         << "] = " << toMemory(value + openCLLane(i), elementType) << ";\n";
    return success();
  }
  os << "for (int i = 0; i < " << n << "; ++i)\n";
  os.indent();
  os << base << "[" << first
     << "i] = " << toMemory(value + ".v[i]", elementType) << ";\n";
  os.unindent();
  return success();
}

LogicalResult KernelEmitter::emitGPUIndex(Operation &op, gpu::Dimension dim) {
  unsigned d = static_cast<unsigned>(dim);
  std::string clDim = "(" + std::to_string(d) + ")";
  std::string cudaDim = std::string(".") + "xyz"[d];
  std::string expr;
  if (isCL()) {
    StringRef fn = llvm::TypeSwitch<Operation *, StringRef>(&op)
                       .Case([](gpu::ThreadIdOp) { return "get_local_id"; })
                       .Case([](gpu::BlockIdOp) { return "get_group_id"; })
                       .Case([](gpu::BlockDimOp) { return "get_local_size"; })
                       .Case([](gpu::GridDimOp) { return "get_num_groups"; })
                       .Default([](Operation *) { return "get_global_id"; });
    expr = "(long)" + fn.str() + clDim;
  } else {
    expr = llvm::TypeSwitch<Operation *, std::string>(&op)
               .Case([&](gpu::ThreadIdOp) {
                 return "(long long)threadIdx" + cudaDim;
               })
               .Case([&](gpu::BlockIdOp) {
                 return "(long long)blockIdx" + cudaDim;
               })
               .Case([&](gpu::BlockDimOp) {
                 return "(long long)blockDim" + cudaDim;
               })
               .Case([&](gpu::GridDimOp) {
                 return "(long long)gridDim" + cudaDim;
               })
               .Default([&](Operation *) {
                 return "(long long)blockIdx" + cudaDim + " * blockDim" +
                        cudaDim + " + threadIdx" + cudaDim;
               });
  }
  declare(op.getResult(0), expr);
  return success();
}

//===----------------------------------------------------------------------===//
// Translation units
//===----------------------------------------------------------------------===//

const VendorDialect *zellige::csource::lookupVendorDialect(StringRef target) {
  // Sources: docs/vendor-targets.md lists where each name was checked.
  static const VendorDialect cuda{"CUDA", "cuda", "cuda_runtime.h",
                                  "cuda_fp16.h"};
  static const VendorDialect musa{"MUSA", "musa", "musa_runtime.h",
                                  "musa_fp16.h"};
  static const VendorDialect maca{"MACA", "mc", "mc_runtime.h", "maca_fp16.h"};
  static const VendorDialect hip{"HIP", "hip", "hip/hip_runtime.h",
                                 "hip/hip_fp16.h"};
  return llvm::StringSwitch<const VendorDialect *>(target)
      .Case("cuda", &cuda)
      .Case("musa", &musa)
      .Case("maca", &maca)
      .Case("hip", &hip)
      .Default(nullptr);
}

/// `dims` as "x, y, z".
static std::string launchDims(ArrayRef<int64_t> dims) {
  return llvm::join(
      llvm::map_range(dims, [](int64_t d) { return std::to_string(d); }), ", ");
}

/// Writes the host launcher of `kernel` (parameters `params`) in `vendor`'s
/// runtime API: it launches the kernel on `stream` with the workgroup count
/// and size the GPU kernel form fixed (taking them as `grid` and `block`
/// when the kernel does not fix them), and returns the launch error.
static void emitLauncher(gpu::GPUFuncOp kernel, ArrayRef<std::string> params,
                         const VendorDialect &vendor, llvm::raw_ostream &os) {
  std::optional<ArrayRef<int32_t>> block = kernel.getKnownBlockSize();
  auto count =
      kernel->getAttrOfType<DenseI64ArrayAttr>("zellige.workgroup_count");
  bool fixed = block && block->size() == 3 && count && count.size() == 3;
  SmallVector<std::string> args;
  for (unsigned i = 0, e = params.size(); i < e; ++i)
    args.push_back("arg" + std::to_string(i));
  std::string prefix = vendor.apiPrefix.str();
  std::string name = kernel.getName().str();
  os << "\n// Launches " << name << " on `stream`.\n"
     << "extern \"C\" " << prefix << "Error_t zlg_launch_" << name << "("
     << prefix << "Stream_t stream";
  if (!fixed)
    os << ", dim3 grid, dim3 block";
  for (const std::string &param : params)
    os << ", " << param;
  os << ") {\n  " << name << "<<<";
  if (fixed)
    os << "dim3(" << launchDims(count.asArrayRef()) << "), dim3("
       << launchDims(SmallVector<int64_t>(block->begin(), block->end())) << ")";
  else
    os << "grid, block";
  os << ", 0, stream>>>(" << llvm::join(args, ", ") << ");\n"
     << "  return " << prefix << "GetLastError();\n"
     << "}\n";
}

/// Writes the prelude and `kernels` as one translation unit; writes nothing
/// if a kernel cannot be emitted.
static LogicalResult emitUnit(ArrayRef<gpu::GPUFuncOp> kernels,
                              const EmitterOptions &options,
                              llvm::raw_ostream &out) {
  bool isCL = options.flavor == Flavor::OpenCL;
  const VendorDialect *vendor = isCL ? nullptr : options.vendor;
  PreludeNeeds needs;
  std::string body;
  llvm::raw_string_ostream bodyStream(body);
  for (gpu::GPUFuncOp kernel : kernels) {
    bodyStream << "\n";
    KernelEmitter emitter(options.flavor, needs, bodyStream);
    if (failed(emitter.emitKernel(kernel)))
      return failure();
    std::optional<ArrayRef<int32_t>> block = kernel.getKnownBlockSize();
    if (options.warpSize > 0 && block) {
      int64_t threads = 1;
      for (int32_t size : *block)
        threads *= size;
      bodyStream << "static_assert(" << threads << " % ZLG_WARP_SIZE == 0 || "
                 << "ZLG_WARP_SIZE % " << threads << " == 0, \""
                 << kernel.getName() << ": workgroup of partial warps\");\n";
    }
    if (vendor)
      emitLauncher(kernel, emitter.getParameters(), *vendor, bodyStream);
  }

  if (isCL)
    out << "// OpenCL C kernels generated by Zellige.\n";
  else
    out << "// " << (vendor ? vendor->name : StringRef("CUDA"))
        << " C++ kernels generated by Zellige.\n";
  if (!options.headerComment.empty()) {
    SmallVector<StringRef> lines;
    StringRef(options.headerComment).rtrim('\n').split(lines, '\n');
    for (StringRef line : lines)
      out << "//" << (line.empty() ? "" : " ") << line << "\n";
  }
  if (isCL) {
    if (needs.f64)
      out << "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n";
  } else if (vendor) {
    out << "#include <" << vendor->runtimeHeader << ">\n";
    if (needs.f16)
      out << "#include <" << vendor->fp16Header << ">\n";
  } else if (needs.f16) {
    out << "#include <cuda_fp16.h>\n";
  }
  if (options.warpSize > 0)
    out << "\n// Threads per warp (wavefront) of the device profile; the "
           "workgroup shapes\n// below are chosen for it.\n"
        << "#define ZLG_WARP_SIZE " << options.warpSize << "\n";
  if (!options.extraPrelude.empty()) {
    out << options.extraPrelude;
    if (options.extraPrelude.back() != '\n')
      out << "\n";
  }
  for (const auto &entry : needs.structs)
    out << "\n" << entry.second;
  for (const auto &entry : needs.helpers)
    out << "\n" << entry.second;
  out << body;
  return success();
}

LogicalResult zellige::csource::emitKernelSource(gpu::GPUModuleOp module,
                                                 const EmitterOptions &options,
                                                 llvm::raw_ostream &os) {
  SmallVector<gpu::GPUFuncOp> kernels;
  for (Operation &op : *module.getBody()) {
    auto kernel = dyn_cast<gpu::GPUFuncOp>(op);
    if (!kernel)
      return op.emitError()
             << "cannot emit '" << op.getName() << "' as "
             << (options.flavor == Flavor::OpenCL ? "OpenCL C" : "CUDA C++")
             << ": a gpu.module holds only kernel gpu.funcs";
    kernels.push_back(kernel);
  }
  return emitUnit(kernels, options, os);
}

LogicalResult zellige::csource::emitKernelSource(gpu::GPUFuncOp kernel,
                                                 const EmitterOptions &options,
                                                 llvm::raw_ostream &os) {
  return emitUnit({kernel}, options, os);
}
