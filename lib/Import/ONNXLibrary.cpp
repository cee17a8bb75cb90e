//===- ONNXLibrary.cpp - Calls into libonnx behind a no-throw wall --------===//
//
// This file implements the importer's calls into libonnx. libonnx reports
// errors by throwing; this file is compiled with exceptions (and RTTI) on and
// catches everything, so no exception crosses into code built like LLVM.
//
//===----------------------------------------------------------------------===//

#include "ONNXLibrary.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <exception>

using namespace zellige::import_detail;

bool zellige::import_detail::lookupSchema(const std::string &opType,
                                          int64_t opset, SchemaArity *arity,
                                          int64_t *sinceVersion) {
  try {
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
        opType, static_cast<int>(opset), onnx::ONNX_DOMAIN);
    if (!schema || schema->Deprecated())
      return false;
    if (sinceVersion)
      *sinceVersion = schema->SinceVersion();
    if (arity) {
      const auto &inputs = schema->inputs();
      const auto &outputs = schema->outputs();
      arity->numInputs = inputs.size();
      arity->numOutputs = outputs.size();
      arity->variadicInput =
          !inputs.empty() &&
          inputs.back().GetOption() ==
              onnx::OpSchema::FormalParameterOption::Variadic;
      arity->variadicOutput =
          !outputs.empty() &&
          outputs.back().GetOption() ==
              onnx::OpSchema::FormalParameterOption::Variadic;
    }
    return true;
  } catch (...) {
    return false;
  }
}

bool zellige::import_detail::runChecker(onnx::ModelProto &model,
                                        std::string &error) {
  // libonnx 1.12 insists that every main-graph output declares a full
  // tensor type with a shape, which newer ONNX (and shape inference) does
  // not need. Outputs declared without one are hidden from the checker; the
  // graph keeps them and shape inference fills their types in.
  auto *outputs = model.mutable_graph()->mutable_output();
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> all;
  all.Swap(outputs);
  for (const onnx::ValueInfoProto &vi : all)
    if (vi.type().has_tensor_type() && vi.type().tensor_type().has_shape())
      *outputs->Add() = vi;
  bool ok = false;
  try {
    onnx::checker::check_model(model);
    ok = true;
  } catch (const std::exception &e) {
    error = e.what();
  } catch (...) {
    error = "unknown checker failure";
  }
  outputs->Swap(&all);
  return ok;
}

bool zellige::import_detail::runShapeInference(onnx::ModelProto &model,
                                               std::string &error,
                                               bool strict) {
  try {
    onnx::ShapeInferenceOptions options(/*check_type_val=*/false,
                                        /*strict_mode_val=*/strict ? 1 : 0,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
    return true;
  } catch (const std::exception &e) {
    error = e.what();
  } catch (...) {
    error = "unknown shape inference failure";
  }
  return false;
}

bool zellige::import_detail::runVersionConverter(onnx::ModelProto &model,
                                                 int64_t targetOpset,
                                                 std::string &error) {
  try {
    onnx::ModelProto converted = onnx::version_conversion::ConvertVersion(
        model, static_cast<int>(targetOpset));
    model = std::move(converted);
    return true;
  } catch (const std::exception &e) {
    error = e.what();
  } catch (...) {
    error = "unknown version converter failure";
  }
  return false;
}
