//===- onnx-ods-gen.cpp - Generate the onnx dialect's ODS from libonnx ----===//
//
// This file implements a small generator that walks libonnx's
// OpSchemaRegistry and prints one ODS operation definition per operator of
// the default (ai.onnx) domain, at the newest version the library knows.
// Operands, results and attributes follow the schema: optional operands become
// `AnyTypeOf<[..., NoneType]>` so operand positions stay fixed, variadic
// formals become `Variadic<>`, and attributes with defaults become
// `DefaultValuedAttr`. Its output is committed as dialects/onnx/ONNXOps.td and
// a test fails when the committed file drifts from what this tool prints.
//
//===----------------------------------------------------------------------===//

#include "onnx/defs/schema.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using ONNX_NAMESPACE::AttributeProto;
using ONNX_NAMESPACE::OpSchema;
using ONNX_NAMESPACE::OpSchemaRegistry;

namespace {

/// Maps one ONNX tensor element type name to an ODS type constraint.
std::string elementTypeToODS(const std::string &t) {
  static const std::map<std::string, std::string> table = {
      {"float", "F32"},     {"float16", "F16"},   {"bfloat16", "BF16"},
      {"double", "F64"},    {"int8", "I8"},       {"int16", "I16"},
      {"int32", "I32"},     {"int64", "I64"},     {"uint8", "UI8"},
      {"uint16", "UI16"},   {"uint32", "UI32"},   {"uint64", "UI64"},
      {"bool", "I1"},       {"string", "ONNX_String"},
      {"complex64", "Complex<F32>"}, {"complex128", "Complex<F64>"}};
  auto it = table.find(t);
  return it == table.end() ? std::string() : it->second;
}

/// Builds the ODS constraint for a formal parameter from its allowed types.
/// Tensors of known element types give `TensorOf<[...]>`; sequences, optionals
/// and anything unusual fall back to `AnyType`.
std::string typeConstraint(const OpSchema::FormalParameter &p) {
  std::set<std::string> elems;
  bool onlyTensors = true;
  for (const std::string *t : p.GetTypes()) {
    const std::string &s = *t;
    if (s.rfind("tensor(", 0) != 0) {
      onlyTensors = false;
      break;
    }
    std::string e = elementTypeToODS(s.substr(7, s.size() - 8));
    if (e.empty()) {
      onlyTensors = false;
      break;
    }
    elems.insert(e);
  }
  if (!onlyTensors || elems.empty())
    return "AnyType";
  // Keep a stable, readable order.
  static const std::vector<std::string> order = {
      "F32",  "F16",  "BF16", "F64",  "I8",          "I16",
      "I32",  "I64",  "UI8",  "UI16", "UI32",        "UI64",
      "I1",   "ONNX_String", "Complex<F32>", "Complex<F64>"};
  std::string out = "TensorOf<[";
  bool first = true;
  for (const std::string &o : order) {
    if (!elems.count(o))
      continue;
    out += first ? "" : ", ";
    out += o;
    first = false;
  }
  return out + "]>";
}

std::string escapeString(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

std::string formatFloat(float f) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.9g", f);
  std::string s(buf);
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

/// Returns the ODS attribute type for an ONNX attribute, or an empty string
/// for graph attributes (which become regions).
std::string attrType(AttributeProto::AttributeType t) {
  switch (t) {
  case AttributeProto::FLOAT:
    return "F32Attr";
  case AttributeProto::INT:
    return "I64Attr";
  case AttributeProto::STRING:
    return "StrAttr";
  case AttributeProto::TENSOR:
  case AttributeProto::SPARSE_TENSOR:
    return "ElementsAttr";
  case AttributeProto::FLOATS:
    return "F32ArrayAttr";
  case AttributeProto::INTS:
    return "I64ArrayAttr";
  case AttributeProto::STRINGS:
    return "StrArrayAttr";
  case AttributeProto::TYPE_PROTO:
    return "TypeAttr";
  case AttributeProto::GRAPH:
  case AttributeProto::GRAPHS:
    return "";
  default:
    return "AnyAttr";
  }
}

/// Renders a schema default as the literal DefaultValuedAttr expects, or an
/// empty string when the default cannot be expressed (the attribute is then
/// simply optional and the lowering applies the schema default).
std::string defaultLiteral(const AttributeProto &d) {
  switch (d.type()) {
  case AttributeProto::FLOAT:
    return formatFloat(d.f());
  case AttributeProto::INT:
    return std::to_string(d.i());
  case AttributeProto::STRING:
    return "\"" + escapeString(d.s()) + "\"";
  case AttributeProto::INTS: {
    std::string s = "{";
    for (int i = 0; i < d.ints_size(); ++i)
      s += (i ? ", " : "") + std::to_string(d.ints(i));
    return s + "}";
  }
  case AttributeProto::FLOATS: {
    std::string s = "{";
    for (int i = 0; i < d.floats_size(); ++i)
      s += (i ? ", " : "") + formatFloat(d.floats(i));
    return s + "}";
  }
  default:
    return "";
  }
}

/// The first paragraph of the schema doc, flattened to one line and cut to a
/// readable length, safe inside a TableGen code block.
std::string firstParagraph(const char *doc) {
  std::string s = doc ? doc : "";
  std::string out;
  bool sawText = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\n') {
      if (sawText && i + 1 < s.size() && s[i + 1] == '\n')
        break;
      c = ' ';
    }
    if (c == ' ' && (out.empty() || out.back() == ' '))
      continue;
    sawText = true;
    out += c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  if (out.size() > 600) {
    out.resize(600);
    size_t sp = out.rfind(' ');
    if (sp != std::string::npos)
      out.resize(sp);
    out += " ...";
  }
  // Keep TableGen code blocks and ODS markdown intact.
  size_t pos;
  while ((pos = out.find("}]")) != std::string::npos)
    out.replace(pos, 2, "} ]");
  return out;
}

std::string valueName(std::string n) {
  std::transform(n.begin(), n.end(), n.begin(), ::tolower);
  for (char &c : n)
    if (!isalnum(static_cast<unsigned char>(c)))
      c = '_';
  return n;
}

void emitOp(const OpSchema &s, std::ostream &os) {
  const std::string &name = s.Name();
  int numVariadicIn = 0, numVariadicOut = 0;
  for (const auto &p : s.inputs())
    numVariadicIn += p.GetOption() == OpSchema::Variadic;
  for (const auto &p : s.outputs())
    numVariadicOut += p.GetOption() == OpSchema::Variadic;

  std::vector<std::string> traits;
  if (numVariadicIn > 1)
    traits.push_back("AttrSizedOperandSegments");
  if (numVariadicOut > 1)
    traits.push_back("AttrSizedResultSegments");

  os << "def ONNX_" << name << "Op : ONNX_Op<\"" << name << "\", "
     << s.since_version() << ", [";
  for (size_t i = 0; i < traits.size(); ++i)
    os << (i ? ", " : "") << traits[i];
  os << "]> {\n";
  os << "  let summary = \"ONNX " << name << " operator (opset "
     << s.since_version() << ")\";\n";

  // Example in generic form, built from the formal names.
  std::ostringstream ex;
  ex << "%" << (s.outputs().empty() ? "r" : valueName(s.outputs()[0].GetName()))
     << " = \"onnx." << name << "\"(";
  for (size_t i = 0; i < s.inputs().size(); ++i)
    ex << (i ? ", " : "") << "%" << valueName(s.inputs()[i].GetName());
  ex << ") : (";
  for (size_t i = 0; i < s.inputs().size(); ++i)
    ex << (i ? ", " : "") << "tensor<*xf32>";
  ex << ") -> ";
  ex << (s.outputs().size() == 1 ? "tensor<*xf32>" : "(...)");
  os << "  let description = [{\n    " << firstParagraph(s.doc())
     << "\n\n    Example:\n\n    ```mlir\n    " << ex.str()
     << "\n    ```\n  }];\n";

  // Operands and attributes.
  std::vector<std::string> args;
  for (const auto &p : s.inputs()) {
    std::string c = typeConstraint(p);
    switch (p.GetOption()) {
    case OpSchema::Single:
      break;
    case OpSchema::Optional:
      c = c == "AnyType" ? c : "AnyTypeOf<[" + c + ", NoneType]>";
      break;
    case OpSchema::Variadic:
      c = "Variadic<" + c + ">";
      break;
    }
    args.push_back(c + ":$" + p.GetName());
  }
  std::vector<std::string> regions;
  for (const auto &kv : s.attributes()) {
    const OpSchema::Attribute &a = kv.second;
    std::string t = attrType(a.type);
    if (t.empty()) {
      regions.push_back("AnyRegion:$" + a.name);
      continue;
    }
    if (!a.required) {
      std::string d = a.default_value.has_type() ||
                              a.default_value.ints_size() ||
                              a.default_value.floats_size()
                          ? defaultLiteral(a.default_value)
                          : "";
      if (!d.empty())
        t = "DefaultValuedAttr<" + t + ", \"" + escapeString(d) + "\">";
      else
        t = "OptionalAttr<" + t + ">";
    }
    args.push_back(t + ":$" + a.name);
  }
  os << "  let arguments = (ins ";
  for (size_t i = 0; i < args.size(); ++i)
    os << (i ? ",\n                       " : "") << args[i];
  os << ");\n";

  std::vector<std::string> results;
  for (const auto &p : s.outputs()) {
    std::string c = typeConstraint(p);
    switch (p.GetOption()) {
    case OpSchema::Single:
      break;
    case OpSchema::Optional:
      c = c == "AnyType" ? c : "AnyTypeOf<[" + c + ", NoneType]>";
      break;
    case OpSchema::Variadic:
      c = "Variadic<" + c + ">";
      break;
    }
    results.push_back(c + ":$" + p.GetName());
  }
  os << "  let results = (outs ";
  for (size_t i = 0; i < results.size(); ++i)
    os << (i ? ",\n                     " : "") << results[i];
  os << ");\n";
  if (!regions.empty()) {
    os << "  let regions = (region ";
    for (size_t i = 0; i < regions.size(); ++i)
      os << (i ? ", " : "") << regions[i];
    os << ");\n";
  }
  os << "}\n\n";
}

} // namespace

int main(int argc, char **argv) {
  if (argc > 1 && (std::string(argv[1]) == "--help" ||
                   std::string(argv[1]) == "-h")) {
    std::cout << "usage: onnx-ods-gen [OUT.td]\n"
                 "Prints the ODS definitions of the onnx dialect's operations, "
                 "one per operator of libonnx's default domain.\n";
    return 0;
  }
  std::vector<OpSchema> schemas;
  for (const OpSchema &s : OpSchemaRegistry::get_all_schemas())
    if (s.domain().empty() && !s.deprecated())
      schemas.push_back(s);
  std::sort(schemas.begin(), schemas.end(),
            [](const OpSchema &a, const OpSchema &b) {
              return a.Name() < b.Name();
            });

  std::ostringstream os;
  os << "//===- ONNXOps.td - ONNX operations (generated) -----------*- "
        "tablegen -*-===//\n"
        "//\n"
        "// This file is generated by tools/onnx-ods-gen from libonnx's "
        "schema registry.\n"
        "// Do not edit it by hand: run\n"
        "//   build/bin/onnx-ods-gen dialects/onnx/ONNXOps.td\n"
        "// and commit the result. test/Dialect/ONNX/ods-drift.test checks "
        "it.\n"
        "//\n"
        "//===------------------------------------------------------------"
        "----------===//\n\n"
        "#ifndef ZELLIGE_DIALECT_ONNX_ONNXOPS_TD\n"
        "#define ZELLIGE_DIALECT_ONNX_ONNXOPS_TD\n\n"
        "include \"dialects/onnx/ONNXBase.td\"\n\n";
  os << "// " << schemas.size() << " operators.\n\n";
  for (const OpSchema &s : schemas)
    emitOp(s, os);
  os << "#endif // ZELLIGE_DIALECT_ONNX_ONNXOPS_TD\n";

  if (argc > 1) {
    FILE *f = std::fopen(argv[1], "w");
    if (!f) {
      std::cerr << "onnx-ods-gen: cannot write " << argv[1] << "\n";
      return 1;
    }
    std::string text = os.str();
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return 0;
  }
  std::cout << os.str();
  return 0;
}
