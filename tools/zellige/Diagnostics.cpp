//===- Diagnostics.cpp - One-line diagnostics for the CLI -------*- C++ -*-===//
//
// This file implements the CLI's diagnostic handler and location formatting.
//
//===----------------------------------------------------------------------===//

#include "Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <vector>

using namespace mlir;

namespace {
/// Strings in first-seen order, without repeats.
struct UniqueList : std::vector<std::string> {
  void insert(const std::string &s) {
    if (std::find(begin(), end(), s) == end())
      push_back(s);
  }
};

void collect(Location loc, UniqueList &files, UniqueList &nodes) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    nodes.insert(name.getName().str());
    collect(name.getChildLoc(), files, nodes);
  } else if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    if (!file.getFilename().getValue().empty())
      files.insert(file.getFilename().str());
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      collect(inner, files, nodes);
  } else if (auto callSite = dyn_cast<CallSiteLoc>(loc)) {
    collect(callSite.getCallee(), files, nodes);
  }
}
} // namespace

std::string zellige::describeLocation(Location loc) {
  UniqueList files, nodes;
  collect(loc, files, nodes);
  std::string text;
  llvm::raw_string_ostream os(text);
  if (!files.empty())
    os << files.front();
  if (!nodes.empty()) {
    os << (files.empty() ? "" : ": ")
       << (nodes.size() == 1 ? "node " : "nodes ");
    unsigned shown = 0;
    for (const std::string &node : nodes) {
      if (shown == 3) {
        os << " and " << (nodes.size() - 3) << " more";
        break;
      }
      os << (shown++ ? ", '" : "'") << node << "'";
    }
  }
  return text;
}

zellige::OneLineDiagnosticHandler::OneLineDiagnosticHandler(
    MLIRContext &context, std::string fallbackFile, bool verbose)
    : context(context), fallbackFile(std::move(fallbackFile)),
      verbose(verbose) {
  id = context.getDiagEngine().registerHandler([this](Diagnostic &diag) {
    bool isError = diag.getSeverity() == DiagnosticSeverity::Error;
    if (isError)
      ++errors;
    if (!isError && !this->verbose)
      return success();
    std::string where = describeLocation(diag.getLocation());
    if (where.empty())
      where = this->fallbackFile;
    std::string message = diag.str();
    // One line: fold any newline the message carries.
    for (char &c : message)
      if (c == '\n')
        c = ' ';
    llvm::errs() << "zellige: "
                 << (isError ? "error"
                     : diag.getSeverity() == DiagnosticSeverity::Warning
                         ? "warning"
                         : "note")
                 << ": " << (where.empty() ? "" : where + ": ") << message
                 << "\n";
    if (this->verbose)
      for (Diagnostic &note : diag.getNotes())
        llvm::errs() << "zellige: note: "
                     << describeLocation(note.getLocation()) << ": "
                     << note.str() << "\n";
    return success();
  });
}

zellige::OneLineDiagnosticHandler::~OneLineDiagnosticHandler() {
  context.getDiagEngine().eraseHandler(id);
}
