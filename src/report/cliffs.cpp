#include "report/cliffs.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "report/findings.h"
#include "report/key_drivers.h"
#include "report/model.h"
#include "report/text_format.h"

namespace shootout::report {

namespace {

// The workload name with its size token replaced by SIZE, or "" when the
// name does not contain the size as a whole number.
std::string size_pattern(const std::string& name, std::uint64_t size) {
  if (size == 0) return "";
  const std::string token = std::to_string(size);
  for (std::size_t at = name.find(token); at != std::string::npos; at = name.find(token, at + 1)) {
    const bool digit_before = at > 0 && std::isdigit(static_cast<unsigned char>(name[at - 1]));
    const std::size_t end = at + token.size();
    const bool digit_after =
        end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]));
    if (!digit_before && !digit_after) return name.substr(0, at) + "SIZE" + name.substr(end);
  }
  return "";
}

std::string where(const SizeSweep& s) {
  std::string w = s.pattern;
  if (!s.payload.empty() && s.payload != "none") w += ", " + s.payload;
  return w;
}

}  // namespace

std::vector<SizeSweep> size_sweeps(const RunModel& model) {
  count_computation();
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  std::map<Key, std::map<std::string, std::vector<const CellAnalysis*>>>
      groups;  // key -> variant -> cells
  for (const auto& c : model.cells) {
    if (!c.usable()) continue;
    const std::string pattern = size_pattern(c.workload, c.workload_info.payload_bytes);
    if (pattern.empty()) continue;
    groups[{c.family, pattern, c.payload, c.runtime, c.injection}][c.variant].push_back(&c);
  }
  const std::string base = baseline_variant(model);
  std::vector<SizeSweep> out;
  for (const auto& [key, by_variant] : groups) {
    std::vector<const CellAnalysis*> all;
    for (const auto& [v, cells] : by_variant) all.insert(all.end(), cells.begin(), cells.end());
    for (const auto& variant : ordered_variants(model, all)) {
      const auto& cells = by_variant.at(variant);
      SizeSweep s;
      std::tie(s.family, s.pattern, s.payload, s.runtime, s.injection) = key;
      s.variant = variant;
      s.is_baseline = cells.front()->baseline;
      s.baseline_variant = base;
      s.unit = element_unit(s.family);
      for (const auto* c : cells)
        s.points.push_back(
            {c->workload_info.payload_bytes, c->ratio, c->page_faults_per_element()});
      std::sort(s.points.begin(), s.points.end(),
                [](const SweepPoint& a, const SweepPoint& b) { return a.size < b.size; });
      if (s.points.size() >= 2) out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<Cliff> detect_cliffs(const SizeSweep& sweep) {
  count_computation();
  std::vector<Cliff> out;
  const auto& p = sweep.points;

  if (!sweep.is_baseline) {
    // The first size at which the variant is significantly slower, after a
    // size at which it was not (faster, equal or within noise).
    std::optional<std::size_t> last_not_slower;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p[i].ratio || p[i].ratio->rounds < 2) continue;
      if (p[i].ratio->verdict != stats::Verdict::slower) {
        last_not_slower = i;
        continue;
      }
      if (!last_not_slower) continue;
      const SweepPoint& before = p[*last_not_slower];
      Cliff c;
      c.kind = Cliff::Kind::slower_than_baseline;
      c.variant = sweep.variant;
      c.size = p[i].size;
      c.previous_size = before.size;
      c.sentence = fmt::format(
          "{}: {} turns significantly slower than {} at {}: {} {}'s time (95 % CI {}–{}), "
          "after {} at {}.",
          where(sweep), sweep.variant, sweep.baseline_variant, text::size_bytes(p[i].size),
          text::ratio(p[i].ratio->ratio.point), sweep.baseline_variant,
          text::number(p[i].ratio->ratio.lower, 3), text::number(p[i].ratio->ratio.upper, 3),
          text::ratio(before.ratio->ratio.point), text::size_bytes(before.size));
      out.push_back(std::move(c));
      break;
    }
  }

  for (std::size_t i = 1; i < p.size(); ++i) {
    if (!p[i].faults_per_element || !p[i - 1].faults_per_element) continue;
    const double now = *p[i].faults_per_element, before = *p[i - 1].faults_per_element;
    if (now < thresholds::kFaultJumpMinimum) continue;
    if (before > 0 && now / before < thresholds::kFaultJumpFactor) continue;
    Cliff c;
    c.kind = Cliff::Kind::fault_jump;
    c.variant = sweep.variant;
    c.size = p[i].size;
    c.previous_size = p[i - 1].size;
    c.sentence =
        fmt::format("{}: {}'s page faults per {} jump at {}: {}, from {} at {}.", where(sweep),
                    sweep.variant, sweep.unit, text::size_bytes(p[i].size), text::number(now, 2),
                    text::number(before, 2), text::size_bytes(p[i - 1].size));
    out.push_back(std::move(c));
    break;
  }
  return out;
}

}  // namespace shootout::report
