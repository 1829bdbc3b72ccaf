// summary_table() of report.h: the compact table printed at the end of run,
// exec and report — formatted from the report model, never computed here.
#include <algorithm>

#include <fmt/format.h>

#include "report/findings.h"
#include "report/report.h"
#include "report/text_format.h"

namespace shootout::report {

namespace {

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kReset = "\x1b[0m";

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = text::display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

// Rows as aligned columns, two spaces apart, trailing blanks trimmed.
std::string columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], text::display_width(row[i]));
    }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) line += pad(row[i], width[i]) + "  ";
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// The one case of a run in detail, one row per variant: what `exec` has
// always shown of the user's command, now for any run of a single case.
std::string variant_details(const ReportModel& model, const FamilyTable& table,
                            const CaseRow& row) {
  // An exec iteration is one run of the user's command.
  const bool exec = row.family == "exec";
  const std::string per = exec ? "/run" : "/iter";
  const std::string& base = model.baseline;
  std::vector<std::vector<std::string>> rows = {
      {"variant", exec ? "runs" : "samples", "median [95 % CI]", "vs " + base + " [95 % CI]",
       "verdict", "faults" + per, "MADV_DONTNEED" + per, "peak RSS"}};
  std::vector<std::string> drivers, failures;
  std::string too_few;
  auto figure = [](const std::optional<double>& v) { return v ? text::number(*v) : "n/a"; };
  for (const auto& variant : table.variants) {
    const auto it = row.by_variant.find(variant);
    if (it == row.by_variant.end()) continue;
    const CellAnalysis& c = *it->second;
    // A --probes off/strace variant measures the tool: in the report's
    // tables, never in the terminal summary (as it is never a winner).
    if (c.measures_tool()) continue;
    const std::string label = variant_label(c);
    if (c.failure) failures.push_back(label + ": " + c.failure->reason);
    if (!c.usable()) {
      rows.push_back({label, std::to_string(c.samples.size()), "failed (below)"});
      continue;
    }
    std::vector<std::string> cells = {label, std::to_string(c.samples.size()),
                                      text::duration_with_ci(c.time->median)};
    if (c.baseline) {
      cells.insert(cells.end(), {"1 (baseline)", ""});
    } else if (c.ratio) {
      cells.push_back(text::ratio_with_ci(c.ratio->ratio));
      if (c.ratio->verdict == stats::Verdict::too_few_rounds) {
        cells.push_back("too few rounds");
        too_few = stats::verdict_text(*c.ratio);  // the same count for every variant
      } else {
        cells.push_back(stats::verdict_text(*c.ratio));
      }
      // The cell's key driver against the baseline (analysis.h): its excess
      // when slower, what it avoids of the baseline's when faster.
      if (c.ratio->verdict == stats::Verdict::slower)
        drivers.push_back(label + " slower: " + c.driver.text);
      if (c.ratio->verdict == stats::Verdict::faster)
        drivers.push_back(label + " faster: " + c.driver.text);
    } else {
      cells.insert(cells.end(), {"-", ""});
    }
    cells.push_back(figure(c.page_faults_per_iteration()));
    cells.push_back(figure(c.per_iteration("madvise_dontneed")));
    cells.push_back(c.peak_rss_kib ? text::memory_kib(*c.peak_rss_kib) : "n/a");
    rows.push_back(std::move(cells));
  }
  std::string out = "\n" + columns(rows);
  if (!drivers.empty()) {
    out += "\nkey drivers (the slower side's counters in excess of the faster side's):\n";
    for (const auto& d : drivers) out += "  " + d + "\n";
  }
  if (!failures.empty()) {
    out += "\nnot measured or incomplete:\n";
    for (const auto& f : failures) out += "  " + f + "\n";
  }
  const stats::RatioOptions& r = model.run.options.ratio;
  out += fmt::format(
      "\nratio = geometric mean of per-round time ratios (paired rounds) with a 95 % t "
      "interval; verdict: faster / slower when a Wilcoxon signed-rank test gives p < {} and the "
      "CI excludes ±{}\n",
      r.significance, text::percent(r.noise));
  if (!too_few.empty()) out += too_few + (exec ? " (-n)" : " (--samples)") + "\n";
  return out;
}

std::string case_summary(const ReportModel& model, bool color) {
  const std::string& base = model.baseline;
  const RunDimensions& dims = model.dims;
  struct Row {
    std::string cells[4];
    const char* tone = nullptr;  // colour of the winner column
  };
  std::vector<Row> rows;
  const FamilyTable* only_table = nullptr;  // the run's one case, if it has one
  const CaseRow* only_case = nullptr;
  std::size_t cases = 0;
  for (const auto& table : model.tables)
    for (const auto& row : table.rows) {
      if (++cases == 1) {
        only_table = &table;
        only_case = &row;
      }
      const BestVsBaseline& b = row.best;
      if (b.outcome == BestVsBaseline::Outcome::no_data) continue;
      Row r;
      r.cells[0] = case_label(row.key, dims);
      r.cells[1] = winner_text(b);
      r.cells[2] = best_ratio_text(b);
      r.cells[3] = row.driver;
      if (b.outcome == BestVsBaseline::Outcome::faster) r.tone = kGreen;
      if (b.outcome == BestVsBaseline::Outcome::baseline_best) r.tone = kRed;
      if (b.outcome == BestVsBaseline::Outcome::no_difference ||
          b.outcome == BestVsBaseline::Outcome::too_few)
        r.tone = kDim;
      rows.push_back(r);
    }
  // A tuning nothing proved took effect is named under the table, with why.
  std::string unverified;
  for (const auto& [variant, reason] : model.unverified)
    unverified += variant + " " + kUnverifiedMark + ": " + reason + "\n";
  const std::string details =
      cases == 1 ? variant_details(model, *only_table, *only_case) : std::string();
  if (rows.empty()) return "No case has a ratio to " + base + ".\n" + unverified + details;

  const std::string header[4] = {"case", "winner", base + " vs best", "key driver"};
  std::size_t width[4];
  for (int i = 0; i < 4; ++i) {
    width[i] = text::display_width(header[i]);
    for (const auto& r : rows) width[i] = std::max(width[i], text::display_width(r.cells[i]));
  }
  auto line = [&](const std::string(&cells)[4], const char* tone, bool heading) {
    std::string out;
    for (int i = 0; i < 4; ++i) {
      std::string cell = i == 3 ? cells[i] : pad(cells[i], width[i]);
      if (color && heading) cell = kBold + cell + kReset;
      if (color && !heading && i == 1 && tone) cell = tone + cell + kReset;
      out += cell + (i == 3 ? "" : "  ");
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header, nullptr, true);
  for (const auto& r : rows) out += line(r.cells, r.tone, false);
  for (const auto& sentence : model.allocation_shares) out += sentence + "\n";
  return out + unverified + details;
}

}  // namespace

std::string summary_table(const ReportModel& model, bool color) {
  // An emulated run's times are the emulator's: said before any of them.
  const std::string summary = case_summary(model, color);
  return model.emulation.empty() ? summary : model.emulation + "\n\n" + summary;
}

}  // namespace shootout::report
