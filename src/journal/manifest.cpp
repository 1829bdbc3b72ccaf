#include "journal/manifest.h"

#include <cstdint>
#include <limits>
#include <stdexcept>

#include "journal/lenient_json.h"

namespace shootout::journal {

namespace {

using nlohmann::json;

// Lenient reads: a missing field, or one of another type, is empty.
using lenient::text;

std::optional<std::string> optional_text(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool flag(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::optional<long> integer(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  if (*it < std::numeric_limits<int>::min() || *it > std::numeric_limits<int>::max())
    return std::nullopt;
  return it->get<long>();
}

std::vector<std::string> words(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& w : *it)
    if (w.is_string()) out.push_back(w.get<std::string>());
  return out;
}

const json& object_at(const json& j, const char* key) {
  static const json empty = json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty;
}

json attempts_json(const std::vector<Attempt>& attempts) {
  json out = json::array();
  for (const auto& a : attempts) {
    json entry = {{"attempt", a.attempt}, {"start", a.start}};
    if (a.end) entry["end"] = *a.end;
    out.push_back(entry);
  }
  return out;
}

std::vector<Attempt> attempts_from(const json& j, const char* key) {
  std::vector<Attempt> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& a : *it) {
    if (!a.is_object()) continue;
    out.push_back({static_cast<int>(integer(a, "attempt").value_or(1)), text(a, "start"),
                   optional_text(a, "end")});
  }
  return out;
}

std::vector<int> small_integers(const json& j, const char* key) {
  std::vector<int> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_number_integer() && v >= 0 && v <= std::numeric_limits<int>::max())
      out.push_back(v.get<int>());
  return out;
}

}  // namespace

std::string page_size_text(long bytes) {
  if (bytes <= 0) return "? B";
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " B";
}

std::string machine_name(const MachineFacts& m) {
  std::string out = m.cpu_model.empty() ? "unknown CPU" : m.cpu_model;
  out += ", " + (m.arch.empty() ? std::string("unknown architecture") : m.arch);
  out += ", " + page_size_text(m.page_size) + " pages";
  if (!m.kernel.empty()) out += ", " + m.kernel;
  if (!m.emulator.empty()) out += ", emulated by " + m.emulator;
  return out;
}

std::string plan_digest(const ManifestPlan& plan, const json& options) {
  json groups = json::array();
  for (const auto& g : plan.groups) groups.push_back({{"group", g.group}, {"cells", g.cells}});
  json kept = options.is_object() ? options : json::object();
  kept.erase("out_dir");
  kept.erase("shard");
  const std::string text = json{{"groups", groups}, {"options", kept}}.dump();
  // FNV-1a, 64 bit: a fingerprint for telling plans apart, not a guard.
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
  static const char* kHex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = kHex[hash & 0xf];
  return out;
}

std::optional<std::string> Manifest::profile() const {
  if (!options.is_object()) return std::nullopt;
  return optional_text(options, "profile");
}

std::optional<int> Manifest::bootstrap_resamples() const {
  if (!options.is_object()) return std::nullopt;
  const auto n = integer(options, "bootstrap_resamples");
  if (!n || *n <= 0) return std::nullopt;
  return static_cast<int>(*n);
}

bool Manifest::pinned() const { return options.is_object() && flag(options, "pin"); }

void to_json(json& j, const MachineFacts& m) {
  j = {{"cpu_model", m.cpu_model},     {"cores_online", m.cores_online}, {"arch", m.arch},
       {"kernel", m.kernel},           {"hostname", m.hostname},         {"page_size", m.page_size},
       {"thp_enabled", m.thp_enabled}, {"thp_defrag", m.thp_defrag},     {"glibc", m.glibc},
       {"compiler", m.compiler},       {"build_type", m.build_type},     {"cxx_flags", m.cxx_flags},
       {"loadavg", m.loadavg}};
  if (!m.loadavg_end.empty()) j["loadavg_end"] = m.loadavg_end;
  if (!m.emulator.empty()) j["emulator"] = m.emulator;
}

void from_json(const json& j, MachineFacts& m) {
  m = MachineFacts{};
  if (!j.is_object()) return;
  m.cpu_model = text(j, "cpu_model");
  m.cores_online = integer(j, "cores_online").value_or(0);
  m.arch = text(j, "arch");
  m.kernel = text(j, "kernel");
  m.hostname = text(j, "hostname");
  m.page_size = integer(j, "page_size").value_or(0);
  m.thp_enabled = text(j, "thp_enabled");
  m.thp_defrag = text(j, "thp_defrag");
  m.glibc = text(j, "glibc");
  m.compiler = text(j, "compiler");
  m.build_type = text(j, "build_type");
  m.cxx_flags = text(j, "cxx_flags");
  m.loadavg = text(j, "loadavg");
  m.loadavg_end = text(j, "loadavg_end");
  m.emulator = text(j, "emulator");
}

void to_json(json& j, const AllocatorFacts& a) {
  j = {{"path", a.path}, {"user_supplied", a.user_supplied}, {"dialect", a.dialect}};
  if (a.package) j["package"] = *a.package;
  if (a.package_version) j["package_version"] = *a.package_version;
}

void from_json(const json& j, AllocatorFacts& a) {
  a = AllocatorFacts{};
  if (!j.is_object()) return;
  a.path = text(j, "path");
  a.user_supplied = flag(j, "user_supplied");
  a.dialect = text(j, "dialect");
  a.package = optional_text(j, "package");
  a.package_version = optional_text(j, "package_version");
}

void to_json(json& j, const Manifest& m) {
  json groups = json::array();
  for (const auto& g : m.plan.groups) groups.push_back({{"group", g.group}, {"cells", g.cells}});
  json plan = {{"groups", groups}, {"cells", m.plan.cells}};
  if (!m.plan.digest.empty()) plan["digest"] = m.plan.digest;
  if (m.plan.runs) plan["runs"] = *m.plan.runs;
  if (m.plan.warmup_runs) plan["warmup_runs"] = *m.plan.warmup_runs;
  if (m.plan.verification_runs) plan["verification_runs"] = *m.plan.verification_runs;
  j = {{"tool", m.tool}, {"machine", m.machine}, {"allocators", m.allocators},
       {"plan", plan},   {"options", m.options}, {"attempts", attempts_json(m.attempts)}};
  if (!m.tool_version.empty()) j["tool_version"] = m.tool_version;
  if (m.mode) j["mode"] = *m.mode;
  if (m.shard)
    j["shard"] = {
        {"index", m.shard->index}, {"count", m.shard->count}, {"groups", m.shard->groups}};
  if (m.merged) {
    json shards = json::array();
    for (const auto& s : m.merged->shards)
      shards.push_back({{"index", s.index},
                        {"source", s.source},
                        {"machine", s.machine},
                        {"attempts", attempts_json(s.attempts)}});
    j["merged"] = {{"count", m.merged->count}, {"shards", shards}, {"missing", m.merged->missing}};
  }
  if (m.command) {
    const ExecCommand& c = *m.command;
    j["command"] = {{"argv", c.argv},       {"text", c.text},
                    {"shell", c.shell},     {"executed", c.executed},
                    {"program", c.program}, {"statically_linked", c.statically_linked},
                    {"setid", c.setid},     {"interpreter", c.interpreter}};
  }
}

void from_json(const json& j, Manifest& m) {
  if (!j.is_object()) throw std::invalid_argument("manifest.json is not a JSON object");
  m = Manifest{};
  m.tool = text(j, "tool");
  m.tool_version = text(j, "tool_version");
  m.mode = optional_text(j, "mode");
  m.machine = object_at(j, "machine").get<MachineFacts>();
  for (const auto& [name, facts] : object_at(j, "allocators").items())
    m.allocators[name] = facts.get<AllocatorFacts>();
  if (auto c = j.find("command"); c != j.end() && c->is_object()) {
    ExecCommand command;
    command.argv = words(*c, "argv");
    command.text = text(*c, "text");
    command.shell = flag(*c, "shell");
    command.executed = words(*c, "executed");
    command.program = text(*c, "program");
    command.statically_linked = flag(*c, "statically_linked");
    command.setid = flag(*c, "setid");
    command.interpreter = text(*c, "interpreter");
    m.command = command;
  }
  const json& plan = object_at(j, "plan");
  if (auto groups = plan.find("groups"); groups != plan.end() && groups->is_array())
    for (const auto& g : *groups)
      if (g.is_object()) m.plan.groups.push_back({text(g, "group"), words(g, "cells")});
  if (auto cells = plan.find("cells"); cells != plan.end() && cells->is_number_unsigned())
    m.plan.cells = cells->get<std::size_t>();
  m.plan.digest = text(plan, "digest");
  auto small = [](const std::optional<long>& v) {
    return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  };
  m.plan.runs = small(integer(plan, "runs"));
  m.plan.warmup_runs = small(integer(plan, "warmup_runs"));
  m.plan.verification_runs = small(integer(plan, "verification_runs"));
  m.options = object_at(j, "options");
  m.attempts = attempts_from(j, "attempts");
  if (auto s = j.find("shard"); s != j.end() && s->is_object())
    m.shard = ShardFacts{static_cast<int>(integer(*s, "index").value_or(0)),
                         static_cast<int>(integer(*s, "count").value_or(0)), words(*s, "groups")};
  if (auto merged = j.find("merged"); merged != j.end() && merged->is_object()) {
    MergeFacts facts;
    facts.count = static_cast<int>(integer(*merged, "count").value_or(0));
    if (auto shards = merged->find("shards"); shards != merged->end() && shards->is_array())
      for (const auto& s : *shards)
        if (s.is_object())
          facts.shards.push_back({static_cast<int>(integer(s, "index").value_or(0)),
                                  text(s, "source"), text(s, "machine"),
                                  attempts_from(s, "attempts")});
    facts.missing = small_integers(*merged, "missing");
    m.merged = facts;
  }
}

}  // namespace shootout::journal
