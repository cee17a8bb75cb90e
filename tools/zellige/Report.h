//===- Report.h - zellige report --------------------------------*- C++ -*-===//
//
// This file declares the `zellige report` subcommand, which summarizes a
// tuning database and replays search strategies against it. Its options
// are in the tune category.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TOOLS_ZELLIGE_REPORT_H
#define ZELLIGE_TOOLS_ZELLIGE_REPORT_H

#include <optional>

namespace zellige {

/// Runs `zellige report` when it was given on the command line and returns
/// its exit status.
std::optional<int> runReportSubcommand();

} // namespace zellige

#endif // ZELLIGE_TOOLS_ZELLIGE_REPORT_H
