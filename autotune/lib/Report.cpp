//===- Report.cpp - Tuning reports and strategy replay ----------*- C++ -*-===//
//
// This file implements the tuning report (Markdown, CSV and SVG writers) and
// the offline replay of search strategies against a measured space. The SVG
// writer is a small one of our own: two charts per kernel, drawn with plain
// <rect>, <polyline> and <text> elements, readable in any browser.
//
//===----------------------------------------------------------------------===//

#include "zellige/Autotune/Report.h"

#include "zellige/Autotune/SearchSpace.h"
#include "zellige/Autotune/Strategy.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <set>

using namespace llvm;
using namespace zellige::autotune;

namespace {

Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

constexpr StringLiteral kDefault = "default";

std::string strategyOf(const Measurement &m) {
  return m.strategy.empty() ? std::string("(unrecorded)") : m.strategy;
}

/// The rows of each (device, signature), in id order, groups in the order
/// of their first row.
std::vector<std::vector<Measurement>> groupRows(ArrayRef<Measurement> rows) {
  std::vector<Measurement> sorted(rows.begin(), rows.end());
  llvm::stable_sort(sorted, [](const Measurement &a, const Measurement &b) {
    return a.id < b.id;
  });
  std::vector<std::vector<Measurement>> groups;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (Measurement &m : sorted) {
    auto [it, inserted] =
        index.try_emplace({m.device, m.signature}, groups.size());
    if (inserted)
      groups.emplace_back();
    groups[it->second].push_back(std::move(m));
  }
  return groups;
}

std::optional<HeatMap> buildHeatMap(ArrayRef<Measurement> rows,
                                    ArrayRef<std::string> heatKnobs) {
  // Distinct values of each knob among ok rows.
  std::map<std::string, std::set<int64_t>> values;
  std::vector<std::pair<std::map<std::string, int64_t>, double>> points;
  for (const Measurement &m : rows) {
    if (m.status != "ok")
      continue;
    auto knobs = parseKnobString(m.knobs);
    if (!knobs)
      continue;
    std::map<std::string, int64_t> named(knobs->begin(), knobs->end());
    for (auto &[name, value] : named)
      values[name].insert(value);
    points.push_back({std::move(named), m.medianMs});
  }
  std::string x, y;
  if (heatKnobs.size() == 2) {
    x = heatKnobs[0];
    y = heatKnobs[1];
    if (!values.count(x) || !values.count(y))
      return std::nullopt;
  } else {
    std::vector<std::pair<size_t, std::string>> byCount;
    for (auto &[name, set] : values)
      if (set.size() > 1)
        byCount.push_back({set.size(), name});
    if (byCount.size() < 2)
      return std::nullopt;
    llvm::stable_sort(byCount, [](const auto &a, const auto &b) {
      return a.first > b.first;
    });
    x = byCount[0].second;
    y = byCount[1].second;
    if (y < x)
      std::swap(x, y);
  }
  HeatMap map;
  map.xKnob = x;
  map.yKnob = y;
  map.xs.assign(values[x].begin(), values[x].end());
  map.ys.assign(values[y].begin(), values[y].end());
  map.ms.assign(map.ys.size(), std::vector<double>(map.xs.size(), -1.0));
  for (auto &[named, ms] : points) {
    auto xi = llvm::find(map.xs, named[x]) - map.xs.begin();
    auto yi = llvm::find(map.ys, named[y]) - map.ys.begin();
    double &cell = map.ms[yi][xi];
    if (cell < 0 || ms < cell)
      cell = ms;
  }
  return map;
}

std::string csvField(StringRef s) {
  if (s.find_first_of(",\"\n\r") == StringRef::npos)
    return s.str();
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

/// Splits one CSV record starting at `pos`; advances `pos` past it.
std::vector<std::string> csvRecord(StringRef text, size_t &pos) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  while (pos < text.size()) {
    char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          fields.back() += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

std::string fmtMs(double ms) {
  if (ms <= 0)
    return "-";
  return formatv(ms < 1 ? "{0:f4}" : (ms < 100 ? "{0:f3}" : "{0:f1}"), ms)
      .str();
}

std::string xmlEscape(StringRef s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// Colours for strategies, distinguishable in print and for most readers
/// with colour-vision deficiencies (Okabe and Ito's palette).
constexpr const char *kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                    "#CC79A7", "#56B4E9", "#F0E442", "#000000"};

/// A sequential colour for t in [0, 1]: light yellow (fast) to dark blue
/// (slow), interpolated between five stops.
std::string heatColour(double t) {
  static const double stops[5][3] = {{255, 255, 204},
                                     {161, 218, 180},
                                     {65, 182, 196},
                                     {44, 127, 184},
                                     {37, 52, 148}};
  t = std::clamp(t, 0.0, 1.0) * 4;
  int i = std::min(3, int(t));
  double f = t - i;
  int rgb[3];
  for (int c = 0; c < 3; ++c)
    rgb[c] =
        int(std::lround(stops[i][c] + f * (stops[i + 1][c] - stops[i][c])));
  return formatv("#{0:x-2}{1:x-2}{2:x-2}", rgb[0], rgb[1], rgb[2]).str();
}

/// Tick values for [lo, hi]: about `n` round numbers.
std::vector<double> ticks(double lo, double hi, int n) {
  std::vector<double> out;
  if (!(hi > lo))
    return {lo};
  double raw = (hi - lo) / n;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push_back(v);
  return out;
}

std::string fmtTick(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9)
    return std::to_string(int64_t(std::llround(v)));
  return formatv("{0:g}", v).str();
}

void svgConvergence(const KernelReport &r, double x0, double y0, double w,
                    double h, raw_ostream &os) {
  double left = x0 + 60, right = x0 + w - 10, top = y0 + 30,
         bottom = y0 + h - 45;
  os << formatv("<text x=\"{0}\" y=\"{1}\" class=\"h\">Convergence: best "
                "time so far</text>\n",
                x0 + 10, y0 + 16);
  size_t maxN = 1;
  double lo = 0, hi = 0;
  for (auto &[name, curve] : r.convergence) {
    maxN = std::max(maxN, curve.size() - 1);
    for (double v : curve)
      if (v > 0) {
        lo = lo == 0 ? v : std::min(lo, v);
        hi = std::max(hi, v);
      }
  }
  if (hi <= 0) {
    os << formatv("<text x=\"{0}\" y=\"{1}\">no ok measurement</text>\n", left,
                  top + 20);
    return;
  }
  if (hi - lo < 1e-9 * hi) {
    lo *= 0.9;
    hi *= 1.1;
  }
  double pad = (hi - lo) * 0.05;
  lo = std::max(0.0, lo - pad);
  hi += pad;
  auto px = [&](double n) { return left + (right - left) * n / maxN; };
  auto py = [&](double v) {
    return bottom - (bottom - top) * (v - lo) / (hi - lo);
  };
  os << formatv("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" "
                "fill=\"none\" stroke=\"#888\"/>\n",
                left, top, right - left, bottom - top);
  for (double t : ticks(lo, hi, 5)) {
    os << formatv("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:f1}\" y2=\"{2:f1}\" "
                  "stroke=\"#ddd\"/><text x=\"{3}\" y=\"{4:f1}\" "
                  "class=\"r\">{5}</text>\n",
                  left, right, py(t), left - 4, py(t) + 4, fmtTick(t));
  }
  for (double t : ticks(0, double(maxN), 6))
    os << formatv("<text x=\"{0:f1}\" y=\"{1}\" class=\"c\">{2}</text>\n",
                  px(t), bottom + 16, fmtTick(t));
  os << formatv("<text x=\"{0}\" y=\"{1}\" class=\"c\">evaluations (0: the "
                "default schedule)</text>\n",
                (left + right) / 2, bottom + 34);
  os << formatv("<text x=\"{0}\" y=\"{1}\" class=\"c\" transform=\"rotate(-90 "
                "{0} {1})\">ms</text>\n",
                x0 + 14, (top + bottom) / 2);
  unsigned i = 0;
  for (auto &[name, curve] : r.convergence) {
    const char *colour = kPalette[i % std::size(kPalette)];
    std::string pts;
    for (auto [n, v] : llvm::enumerate(curve))
      if (v > 0)
        pts += formatv("{0:f1},{1:f1} ", px(double(n)), py(v)).str();
    os << formatv("<polyline points=\"{0}\" fill=\"none\" stroke=\"{1}\" "
                  "stroke-width=\"2\"/>\n",
                  pts, colour);
    double ly = top + 14 + 16 * i;
    os << formatv("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" "
                  "stroke=\"{3}\" stroke-width=\"3\"/><text x=\"{4}\" "
                  "y=\"{5}\">{6} ({7})</text>\n",
                  right - 150, right - 130, ly - 4, colour, right - 125, ly,
                  xmlEscape(name), curve.size() - 1);
    ++i;
  }
}

void svgHeatMap(const KernelReport &r, double x0, double y0, double w, double h,
                raw_ostream &os) {
  if (!r.heatMap) {
    os << formatv("<text x=\"{0}\" y=\"{1}\" class=\"h\">Heat-map: fewer than "
                  "two knobs vary</text>\n",
                  x0 + 10, y0 + 16);
    return;
  }
  const HeatMap &m = *r.heatMap;
  os << formatv("<text x=\"{0}\" y=\"{1}\" class=\"h\">Best ms by {2} "
                "(columns) and {3} (rows)</text>\n",
                x0 + 10, y0 + 16, xmlEscape(m.xKnob), xmlEscape(m.yKnob));
  double left = x0 + 60, top = y0 + 30, right = x0 + w - 10,
         bottom = y0 + h - 45;
  double cw = (right - left) / m.xs.size(), ch = (bottom - top) / m.ys.size();
  double lo = 0, hi = 0;
  for (auto &row : m.ms)
    for (double v : row)
      if (v > 0) {
        lo = lo == 0 ? v : std::min(lo, v);
        hi = std::max(hi, v);
      }
  bool labels = cw >= 34 && ch >= 14;
  for (auto [yi, row] : llvm::enumerate(m.ms))
    for (auto [xi, v] : llvm::enumerate(row)) {
      // Rows go up with the knob's value, like a chart's y axis.
      double cx = left + xi * cw, cy = bottom - (yi + 1) * ch;
      double t = hi > lo && v > 0 ? std::log(v / lo) / std::log(hi / lo) : 0;
      os << formatv("<rect x=\"{0:f1}\" y=\"{1:f1}\" width=\"{2:f1}\" "
                    "height=\"{3:f1}\" fill=\"{4}\" stroke=\"#fff\"><title>{5}"
                    "={6}, {7}={8}: {9} ms</title></rect>\n",
                    cx, cy, cw, ch, v > 0 ? heatColour(t) : "#eeeeee",
                    xmlEscape(m.xKnob), m.xs[xi], xmlEscape(m.yKnob), m.ys[yi],
                    v > 0 ? fmtMs(v) : "not measured");
      if (labels && v > 0)
        os << formatv("<text x=\"{0:f1}\" y=\"{1:f1}\" class=\"c s\" "
                      "fill=\"{2}\">{3}</text>\n",
                      cx + cw / 2, cy + ch / 2 + 4, t > 0.55 ? "#fff" : "#000",
                      v < 10 ? formatv("{0:f2}", v).str()
                             : formatv("{0:f1}", v).str());
    }
  for (auto [xi, x] : llvm::enumerate(m.xs))
    os << formatv("<text x=\"{0:f1}\" y=\"{1}\" class=\"c\">{2}</text>\n",
                  left + (xi + 0.5) * cw, bottom + 16, x);
  for (auto [yi, y] : llvm::enumerate(m.ys))
    os << formatv("<text x=\"{0}\" y=\"{1:f1}\" class=\"r\">{2}</text>\n",
                  left - 4, bottom - (yi + 0.5) * ch + 4, y);
  os << formatv("<text x=\"{0}\" y=\"{1}\" class=\"c\">{2}</text>\n",
                (left + right) / 2, bottom + 34, xmlEscape(m.xKnob));
  os << formatv("<text x=\"{0}\" y=\"{1}\" class=\"c\" transform=\"rotate(-90 "
                "{0} {1})\">{2}</text>\n",
                x0 + 14, (top + bottom) / 2, xmlEscape(m.yKnob));
}

double medianOf(std::vector<double> v) {
  if (v.empty())
    return 0;
  llvm::sort(v);
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

} // namespace

double KernelReport::speedup() const {
  if (!defaultRow || !best || defaultRow->status != "ok" || best->medianMs <= 0)
    return 0;
  return defaultRow->medianMs / best->medianMs;
}

std::vector<KernelReport>
zellige::autotune::buildReports(ArrayRef<Measurement> rows,
                                ArrayRef<std::string> heatKnobs) {
  std::vector<KernelReport> reports;
  for (std::vector<Measurement> &group : groupRows(rows)) {
    KernelReport r;
    r.device = group.front().device;
    r.signature = group.front().signature;
    for (const Measurement &m : group) {
      ++r.statusCounts[m.status];
      if (!m.kernel.empty())
        r.kernel = m.kernel;
      if (m.strategy == kDefault)
        r.defaultRow = m;
      if (m.status == "ok" && m.medianMs > 0 &&
          (!r.best || m.medianMs < r.best->medianMs))
        r.best = m;
    }
    double start = r.defaultRow && r.defaultRow->status == "ok"
                       ? r.defaultRow->medianMs
                       : 0;
    for (const Measurement &m : group) {
      if (m.strategy == kDefault)
        continue;
      std::vector<double> &curve = r.convergence[strategyOf(m)];
      if (curve.empty())
        curve.push_back(start);
      double best = curve.back();
      if (m.status == "ok" && m.medianMs > 0 &&
          (best <= 0 || m.medianMs < best))
        best = m.medianMs;
      curve.push_back(best);
    }
    r.heatMap = buildHeatMap(group, heatKnobs);
    reports.push_back(std::move(r));
  }
  return reports;
}

std::optional<unsigned>
zellige::autotune::evaluationsToReach(ArrayRef<double> bestSoFar,
                                      double optimum, double fraction) {
  for (auto [i, v] : llvm::enumerate(bestSoFar))
    if (v > 0 && optimum / v >= fraction - 1e-12)
      return unsigned(i);
  return std::nullopt;
}

void zellige::autotune::writeMarkdownReport(ArrayRef<KernelReport> reports,
                                            raw_ostream &os) {
  os << "# Tuning report\n\n";
  size_t rows = 0;
  for (const KernelReport &r : reports)
    for (auto &[status, n] : r.statusCounts)
      rows += n;
  os << formatv("{0} measurements of {1} kernels.\n", rows, reports.size());
  for (const KernelReport &r : reports) {
    os << formatv("\n## {0}\n\n",
                  r.kernel.empty() ? "signature " + r.signature : r.kernel);
    os << "| | |\n| --- | --- |\n";
    os << formatv("| device | `{0}` |\n| signature | `{1}` |\n", r.device,
                  r.signature);
    std::string counts;
    for (auto &[status, n] : r.statusCounts)
      counts += formatv("{0}{1} {2}", counts.empty() ? "" : ", ", n, status);
    os << "| measurements | " << counts << " |\n";
    if (r.defaultRow)
      os << formatv("| default | {0} ms `{1}` |\n",
                    fmtMs(r.defaultRow->medianMs), r.defaultRow->knobs);
    if (r.best)
      os << formatv("| best | {0} ms `{1}` ({2}) |\n", fmtMs(r.best->medianMs),
                    r.best->knobs, strategyOf(*r.best));
    if (double s = r.speedup())
      os << formatv("| speed-up over the default | {0:f2}x |\n", s);
    if (!r.convergence.empty()) {
      double optimum = r.best ? r.best->medianMs : 0;
      os << "\n### Convergence per strategy\n\nBest time so far (ms) after "
            "n evaluations (0 is the default schedule); the last columns "
            "count evaluations until the best time is within 90% and 95% of "
            "the best this kernel has on this device.\n\n";
      os << "| strategy | evaluations | n=10 | n=25 | n=50 | n=100 | final "
            "| to 90% | to 95% |\n| --- | ---: | ---: | ---: | ---: | ---: | "
            "---: | ---: | ---: |\n";
      for (auto &[name, curve] : r.convergence) {
        auto at = [&](size_t n) {
          return n < curve.size() ? fmtMs(curve[n]) : std::string("");
        };
        auto reach = [&](double f) {
          std::optional<unsigned> n = evaluationsToReach(curve, optimum, f);
          return n ? std::to_string(*n) : std::string("not reached");
        };
        os << formatv("| {0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} | {8} "
                      "|\n",
                      name, curve.size() - 1, at(10), at(25), at(50), at(100),
                      fmtMs(curve.back()), reach(0.9), reach(0.95));
      }
    }
    if (r.heatMap) {
      const HeatMap &m = *r.heatMap;
      os << formatv("\n### Best ms by `{0}` (columns) and `{1}` (rows)\n\n",
                    m.xKnob, m.yKnob);
      os << "| " << m.yKnob << " \\ " << m.xKnob << " |";
      for (int64_t x : m.xs)
        os << " " << x << " |";
      os << "\n| ---: |";
      for (size_t i = 0; i < m.xs.size(); ++i)
        os << " ---: |";
      os << "\n";
      for (auto [yi, row] : llvm::enumerate(m.ms)) {
        os << "| " << m.ys[yi] << " |";
        for (double v : row)
          os << " " << (v > 0 ? fmtMs(v) : std::string()) << " |";
        os << "\n";
      }
    }
  }
}

void zellige::autotune::writeCSVReport(ArrayRef<Measurement> rows,
                                       raw_ostream &os) {
  std::vector<Measurement> sorted(rows.begin(), rows.end());
  llvm::stable_sort(sorted, [](const Measurement &a, const Measurement &b) {
    return a.id < b.id;
  });
  os << "id,device,signature,kernel,strategy,knobs,status,median_ms,spread,"
        "runs,compiler,created\n";
  for (const Measurement &m : sorted)
    os << formatv("{0},{1},{2},{3},{4},{5},{6},{7},{8},{9},{10},{11}\n", m.id,
                  csvField(m.device), csvField(m.signature), csvField(m.kernel),
                  csvField(m.strategy), csvField(m.knobs), csvField(m.status),
                  formatv("{0:g}", m.medianMs).str(),
                  formatv("{0:g}", m.spread).str(), m.runs,
                  csvField(m.compiler), csvField(m.created));
}

Expected<std::vector<Measurement>>
zellige::autotune::readRowsCSV(StringRef text, StringRef origin) {
  size_t pos = 0;
  std::vector<std::string> header = csvRecord(text, pos);
  static const char *expected[] = {
      "id",     "device",    "signature", "kernel", "strategy", "knobs",
      "status", "median_ms", "spread",    "runs",   "compiler", "created"};
  if (header.size() != std::size(expected) ||
      !std::equal(header.begin(), header.end(), std::begin(expected)))
    return makeError(origin + ": not a tuning CSV (expected the header that "
                              "zellige report --format csv writes)");
  std::vector<Measurement> rows;
  unsigned line = 1;
  while (pos < text.size()) {
    ++line;
    std::vector<std::string> f = csvRecord(text, pos);
    if (f.size() == 1 && f[0].empty())
      continue;
    if (f.size() != std::size(expected))
      return makeError(formatv("{0}:{1}: expected {2} fields, found {3}",
                               origin, line, std::size(expected), f.size()));
    Measurement m;
    double median = 0, spread = 0;
    if (!to_integer(f[0], m.id) || !to_float(f[7], median) ||
        !to_float(f[8], spread) || !to_integer(f[9], m.runs))
      return makeError(formatv("{0}:{1}: malformed number", origin, line));
    m.device = f[1];
    m.signature = f[2];
    m.kernel = f[3];
    m.strategy = f[4];
    m.knobs = f[5];
    m.status = f[6];
    m.medianMs = median;
    m.spread = spread;
    m.compiler = f[10];
    m.created = f[11];
    if (!isValidStatus(m.status))
      return makeError(
          formatv("{0}:{1}: unknown status '{2}'", origin, line, m.status));
    rows.push_back(std::move(m));
  }
  return rows;
}

void zellige::autotune::writeSVGReport(ArrayRef<KernelReport> reports,
                                       raw_ostream &os) {
  const double width = 1000, panel = 360, header = 60;
  double height = 20 + reports.size() * (panel + header);
  os << formatv("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
                "height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
                "font-family=\"sans-serif\" font-size=\"12\">\n",
                width, height);
  os << "<style>.h{font-weight:bold;font-size:13px} "
        ".t{font-weight:bold;font-size:15px} .c{text-anchor:middle} "
        ".r{text-anchor:end} .s{font-size:10px}</style>\n";
  os << formatv("<rect width=\"{0}\" height=\"{1}\" fill=\"#fff\"/>\n", width,
                height);
  double y = 10;
  for (const KernelReport &r : reports) {
    std::string title =
        r.kernel.empty() ? "signature " + r.signature : r.kernel;
    os << formatv("<text x=\"10\" y=\"{0}\" class=\"t\">{1}</text>\n", y + 18,
                  xmlEscape(title));
    std::string sub = "device " + r.device + ", signature " + r.signature;
    if (r.defaultRow && r.best)
      sub += formatv("; default {0} ms, best {1} ms ({2:f2}x)",
                     fmtMs(r.defaultRow->medianMs), fmtMs(r.best->medianMs),
                     r.speedup())
                 .str();
    os << formatv("<text x=\"10\" y=\"{0}\">{1}</text>\n", y + 36,
                  xmlEscape(sub));
    svgConvergence(r, 0, y + header - 10, width / 2, panel, os);
    svgHeatMap(r, width / 2, y + header - 10, width / 2, panel, os);
    y += panel + header;
  }
  os << "</svg>\n";
}

Expected<std::vector<ReplayRun>>
zellige::autotune::replayStrategies(ArrayRef<Measurement> rows,
                                    ArrayRef<std::string> strategies,
                                    unsigned seeds, unsigned budget) {
  if (rows.empty())
    return makeError("replay: no measurements");
  // The knobs, from the first row; every row must name the same ones.
  auto first = parseKnobString(rows.front().knobs);
  if (!first)
    return makeError("replay: malformed knobs '" + rows.front().knobs + "'");
  std::vector<std::string> names;
  for (auto &[name, value] : *first)
    names.push_back(name);
  std::vector<std::set<int64_t>> values(names.size());
  std::map<Point, const Measurement *> measured;
  const Measurement *defaultRow = nullptr;
  for (const Measurement &m : rows) {
    auto knobs = parseKnobString(m.knobs);
    if (!knobs || knobs->size() != names.size())
      return makeError("replay: row " + std::to_string(m.id) +
                       " names other knobs than the first row");
    Point p;
    for (auto [i, kv] : llvm::enumerate(*knobs)) {
      if (kv.first != names[i])
        return makeError("replay: row " + std::to_string(m.id) +
                         " names other knobs than the first row");
      values[i].insert(kv.second);
      p.push_back(kv.second);
    }
    measured[p] = &m;
    if (m.strategy == kDefault)
      defaultRow = &m;
  }
  std::vector<Knob> knobs;
  for (auto [i, name] : llvm::enumerate(names)) {
    Knob k{name, std::vector<int64_t>(values[i].begin(), values[i].end()), 0};
    k.initial = k.values.front();
    knobs.push_back(std::move(k));
  }
  std::optional<Point> start;
  if (defaultRow) {
    start = Point();
    // Named, so that it outlives the loop (a temporary would not).
    auto defaultKnobs = parseKnobString(defaultRow->knobs);
    for (auto &[name, value] : *defaultKnobs)
      start->push_back(value);
    for (auto [i, v] : llvm::enumerate(*start))
      knobs[i].initial = v;
  }
  size_t n = names.size();
  // Only measured points are legal; a partial point always may be.
  SearchSpace space(
      knobs, [&measured, n](ArrayRef<Knob>, ArrayRef<int64_t> assigned) {
        if (assigned.size() < n)
          return true;
        return measured.count(Point(assigned.begin(), assigned.end())) > 0;
      });
  std::vector<ReplayRun> runs;
  for (const std::string &name : strategies) {
    for (unsigned seed = 0; seed < seeds; ++seed) {
      std::unique_ptr<Strategy> strategy = createStrategy(name, seed);
      if (!strategy)
        return makeError("replay: unknown strategy '" + name + "'");
      ReplayRun run;
      run.strategy = name;
      run.seed = seed;
      std::vector<Trial> history;
      double best = 0;
      if (start) {
        const Measurement &m = *measured[*start];
        bool ok = m.status == "ok" && m.medianMs > 0;
        history.push_back({*start, m.medianMs, ok});
        if (ok)
          best = m.medianMs;
      }
      run.bestSoFar.push_back(best);
      while (run.bestSoFar.size() <= budget) {
        std::vector<Point> next = strategy->propose(space, history, 1);
        if (next.empty())
          break;
        auto it = measured.find(next.front());
        if (it == measured.end())
          return makeError("replay: strategy '" + name +
                           "' proposed a point outside the space");
        const Measurement &m = *it->second;
        bool ok = m.status == "ok" && m.medianMs > 0;
        history.push_back({next.front(), m.medianMs, ok});
        if (ok && (best <= 0 || m.medianMs < best))
          best = m.medianMs;
        run.bestSoFar.push_back(best);
      }
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

void zellige::autotune::writeReplayTable(ArrayRef<ReplayRun> runs,
                                         double optimum, unsigned spaceSize,
                                         raw_ostream &os) {
  std::vector<std::string> order;
  for (const ReplayRun &r : runs)
    if (!llvm::is_contained(order, r.strategy))
      order.push_back(r.strategy);
  os << "| strategy | runs | to 90%: median | mean | reached | to 95%: "
        "median | mean | reached | best after 25 | best after 50 |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
        "---: |\n";
  for (const std::string &name : order) {
    std::vector<double> to90, to95, at25, at50;
    unsigned count = 0;
    for (const ReplayRun &r : runs) {
      if (r.strategy != name)
        continue;
      ++count;
      if (auto n = evaluationsToReach(r.bestSoFar, optimum, 0.9))
        to90.push_back(*n);
      if (auto n = evaluationsToReach(r.bestSoFar, optimum, 0.95))
        to95.push_back(*n);
      auto at = [&](size_t n) {
        double v = r.bestSoFar[std::min(n, r.bestSoFar.size() - 1)];
        return v > 0 ? optimum / v : 0.0;
      };
      at25.push_back(at(25));
      at50.push_back(at(50));
    }
    auto mean = [](const std::vector<double> &v) {
      double s = 0;
      for (double x : v)
        s += x;
      return v.empty() ? 0 : s / v.size();
    };
    auto cell = [](const std::vector<double> &v, double x) {
      return v.empty() ? std::string("-") : formatv("{0:f1}", x).str();
    };
    os << formatv("| {0} | {1} | {2} | {3} | {4}/{1} | {5} | {6} | {7}/{1} | "
                  "{8:f1}% | {9:f1}% |\n",
                  name, count, cell(to90, medianOf(to90)),
                  cell(to90, mean(to90)), to90.size(),
                  cell(to95, medianOf(to95)), cell(to95, mean(to95)),
                  to95.size(), 100 * mean(at25), 100 * mean(at50));
  }
  os << formatv("\nThe space has {0} measured points; evaluations are counted "
                "after the default schedule (0: the default is already "
                "there). \"best after n\" is the optimum over the best time "
                "found, averaged over the runs.\n",
                spaceSize);
}
