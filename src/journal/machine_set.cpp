#include "journal/machine_set.h"

#include <cctype>
#include <map>
#include <stdexcept>

#include "journal/lenient_json.h"

namespace shootout::journal {

namespace {

using nlohmann::json;

using lenient::text;

// "x86_64-4k": what a directory name can hold of a label.
std::string directory_name(const MachineFacts& m) {
  std::string arch;
  for (char c : m.arch.empty() ? std::string("unknown") : m.arch)
    arch += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '-';
  const std::string page = m.page_size > 0 && m.page_size % 1024 == 0
                               ? std::to_string(m.page_size / 1024) + "k"
                               : std::to_string(m.page_size) + "b";
  return arch + "-" + page;
}

}  // namespace

void to_json(json& j, const MachineSet& set) {
  json machines = json::array();
  for (const auto& m : set.machines)
    machines.push_back(
        {{"label", m.label}, {"name", m.name}, {"dir", m.dir}, {"source", m.source}});
  j = {{"tool", set.tool}, {"tool_version", set.tool_version}, {"machines", machines}};
}

void from_json(const json& j, MachineSet& set) {
  if (!j.is_object()) throw std::invalid_argument("machines.json is not a JSON object");
  set = MachineSet{};
  set.tool = text(j, "tool");
  set.tool_version = text(j, "tool_version");
  auto machines = j.find("machines");
  if (machines == j.end() || !machines->is_array() || machines->empty())
    throw std::invalid_argument("machines.json lists no machines");
  for (const auto& m : *machines) {
    MachineEntry entry{text(m, "label"), text(m, "name"), text(m, "dir"), text(m, "source")};
    if (entry.label.empty() || entry.dir.empty())
      throw std::invalid_argument("machines.json: a machine without \"label\" or \"dir\"");
    set.machines.push_back(std::move(entry));
  }
}

std::vector<MachineEntry> name_machines(const std::vector<MachineFacts>& machines) {
  std::vector<MachineEntry> out;
  std::vector<std::string> labels, dirs;
  for (const auto& m : machines) {
    labels.push_back((m.arch.empty() ? std::string("unknown architecture") : m.arch) + ", " +
                     page_size_text(m.page_size) + " pages" +
                     (m.emulator.empty() ? "" : ", emulated"));
    dirs.push_back(directory_name(m));
  }
  // A detail is added only to labels that still collide, and only where it
  // tells them apart (two hosts of one CPU model gain the host name, not the
  // model).
  auto refine = [&](auto&& detail) {
    std::map<std::string, std::vector<std::size_t>> by_label;
    for (std::size_t i = 0; i < labels.size(); ++i) by_label[labels[i]].push_back(i);
    for (const auto& [label, members] : by_label) {
      if (members.size() < 2) continue;
      std::map<std::string, int> values;
      for (std::size_t i : members) ++values[detail(i)];
      if (values.size() < 2) continue;
      for (std::size_t i : members)
        if (const std::string extra = detail(i); !extra.empty()) labels[i] += ", " + extra;
    }
  };
  refine([&](std::size_t i) { return machines[i].cpu_model; });
  refine([&](std::size_t i) { return machines[i].hostname; });
  refine([&](std::size_t i) { return "#" + std::to_string(i + 1); });
  // Directory names: the short form, numbered where it repeats.
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < machines.size(); ++i) {
    const int n = ++seen[dirs[i]];
    const std::string dir = "machines/" + dirs[i] + (n > 1 ? "-" + std::to_string(n) : "");
    out.push_back({labels[i], machine_name(machines[i]), dir, ""});
  }
  return out;
}

}  // namespace shootout::journal
