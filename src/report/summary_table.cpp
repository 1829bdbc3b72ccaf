// summary_table() of report.h: the compact table printed at the end of a run.
#include <algorithm>

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

}  // namespace

std::string summary_table(const RunModel& model, bool color) {
  const std::string base = baseline_variant(model);
  const RunDimensions dims = run_dimensions(model);
  struct Row {
    std::string cells[4];
    const char* tone = nullptr;  // colour of the winner column
  };
  std::vector<Row> rows;
  for (const auto& table : family_tables(model))
    for (const auto& row : table.rows) {
      const BestVsBaseline b = best_vs_baseline(row);
      if (b.outcome == BestVsBaseline::Outcome::no_data) continue;
      Row r;
      r.cells[0] = case_label(row.key, dims);
      r.cells[1] = winner_text(b);
      r.cells[2] = best_ratio_text(b);
      r.cells[3] = summary_driver(row, b);
      if (b.outcome == BestVsBaseline::Outcome::faster) r.tone = kGreen;
      if (b.outcome == BestVsBaseline::Outcome::baseline_best) r.tone = kRed;
      if (b.outcome == BestVsBaseline::Outcome::no_difference ||
          b.outcome == BestVsBaseline::Outcome::too_few)
        r.tone = kDim;
      rows.push_back(r);
    }
  // A tuning nothing proved took effect is named under the table, with why.
  std::string unverified;
  for (const auto& [variant, reason] : unverified_variants(model))
    unverified += variant + " " + kUnverifiedMark + ": " + reason + "\n";
  if (rows.empty()) return "No case has a ratio to " + base + ".\n" + unverified;

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
  for (const auto& sentence : allocation_share_sentences(model)) out += sentence + "\n";
  return out + unverified;
}

}  // namespace shootout::report
