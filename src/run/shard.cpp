#include "run/shard.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

namespace shootout::run {

namespace {

bool whole_number(const std::string& text, int& value) {
  if (text.empty() || text.size() > 9) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

ShardSpec parse_shard(const std::string& text) {
  const std::string prefix = "--shard " + text + ": ";
  const auto slash = text.find('/');
  ShardSpec shard;
  if (slash == std::string::npos || !whole_number(text.substr(0, slash), shard.index) ||
      !whole_number(text.substr(slash + 1), shard.count))
    throw std::invalid_argument(prefix +
                                "expected K/N, two whole numbers: part K of N, K from 1 to N "
                                "(e.g. --shard 2/3)");
  if (shard.count < 1) throw std::invalid_argument(prefix + "N must be at least 1");
  if (shard.index < 1 || shard.index > shard.count)
    throw std::invalid_argument(prefix + "K must be 1.." + std::to_string(shard.count));
  return shard;
}

std::vector<std::string> shard_groups(const Plan& plan, const ShardSpec& shard) {
  const std::size_t parts = static_cast<std::size_t>(shard.count);
  if (plan.groups.size() < parts)
    throw std::invalid_argument(
        "--shard " + shard.text() + ": the plan has " + std::to_string(plan.groups.size()) +
        " workload group" + (plan.groups.size() == 1 ? "" : "s") + ", so it splits into at most " +
        std::to_string(plan.groups.size()) +
        " shards (a group's cells run in lockstep rounds on one machine)");
  std::vector<std::size_t> order(plan.groups.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return plan.groups[a].cells.size() > plan.groups[b].cells.size();
  });
  std::vector<std::size_t> cells(parts, 0);
  std::set<std::size_t> mine;  // plan indices of part K's groups
  for (std::size_t g : order) {
    const std::size_t part =
        static_cast<std::size_t>(std::min_element(cells.begin(), cells.end()) - cells.begin());
    cells[part] += plan.groups[g].cells.size();
    if (part + 1 == static_cast<std::size_t>(shard.index)) mine.insert(g);
  }
  std::vector<std::string> names;
  for (std::size_t g : mine) names.push_back(plan.groups[g].name);
  return names;
}

Plan shard_of(const Plan& plan, const ShardSpec& shard) {
  const auto names = shard_groups(plan, shard);
  Plan part;
  for (const auto& g : plan.groups)
    if (std::find(names.begin(), names.end(), g.name) != names.end()) part.groups.push_back(g);
  return part;
}

Plan part_to_run(const Plan& plan, const std::optional<ShardSpec>& shard) {
  return shard ? shard_of(plan, *shard) : plan;
}

}  // namespace shootout::run
