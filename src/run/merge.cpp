#include "run/merge.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/atomic_file.h"
#include "journal/journal.h"
#include "run/manifest.h"
#include "run/run_directory.h"

namespace shootout::run {

namespace fs = std::filesystem;

namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "0.1.0 (a, b), 0.2.0 (c)": which inputs have which value, in input order.
std::string who_has_what(const std::vector<std::pair<std::string, std::string>>& value_dir) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> dirs;
  for (const auto& [value, dir] : value_dir) {
    if (!dirs.count(value)) order.push_back(value);
    dirs[value].push_back(dir);
  }
  std::vector<std::string> parts;
  for (const auto& v : order)
    parts.push_back((v.empty() ? "none" : v) + " (" + join(dirs[v]) + ")");
  return join(parts);
}

std::string shard_text(int index, int count) {
  return std::to_string(index) + "/" + std::to_string(count);
}

// Every regular file under dir/sub, as paths relative to dir.
std::vector<std::string> files_under(const std::string& dir, const std::string& sub) {
  std::vector<std::string> out;
  const fs::path root = fs::path(dir) / sub;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_regular_file()) out.push_back(fs::relative(it->path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

void refuse_existing_output(const std::string& out) {
  for (const char* file : {"samples.jsonl", "manifest.json", journal::kMachineSetFile})
    if (fs::exists(fs::path(out) / file))
      throw std::invalid_argument("the output directory " + out +
                                  " already holds a run or a merge (" + file +
                                  "); choose another --out");
}

// One shard's journal: its records' raw lines, so the merged file holds them
// byte for byte.
struct ShardJournal {
  journal::JournalContents contents;
  std::vector<std::string> lines;  // the file's lines, [line number - 1]
};

ShardJournal read_shard_journal(const MergeInput& shard) {
  const std::string path = shard.dir + "/samples.jsonl";
  ShardJournal j;
  try {
    j.contents = journal::read_journal(path);
  } catch (const journal::JournalError& e) {
    throw std::invalid_argument(shard.dir + ": " + e.what());
  }
  std::istringstream text(read_text(path));
  for (std::string line; std::getline(text, line);) j.lines.push_back(line);
  return j;
}

}  // namespace

std::vector<MergeInput> read_merge_inputs(const std::vector<std::string>& dirs) {
  std::vector<MergeInput> inputs;
  std::set<std::string> seen;
  for (const auto& dir : dirs) {
    std::error_code ec;
    const std::string canonical = fs::weakly_canonical(dir, ec).string();
    if (!seen.insert(ec ? dir : canonical).second)
      throw std::invalid_argument(dir + " is given twice");
    if (fs::exists(fs::path(dir) / journal::kMachineSetFile))
      throw std::invalid_argument(dir +
                                  " is a cross-machine directory (made by merge); merge the runs "
                                  "in its machines/ instead");
    for (const char* file : {"manifest.json", "samples.jsonl"})
      if (!fs::is_regular_file(fs::path(dir) / file))
        throw std::invalid_argument(dir + " is not a run directory (no " + file + ")");
    const json j = json::parse(read_text(dir + "/manifest.json"), nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw std::invalid_argument(dir + "/manifest.json is not a JSON object");
    inputs.push_back({dir, j.get<journal::Manifest>()});
  }
  return inputs;
}

MergeKind merge_kind(const std::vector<MergeInput>& inputs) {
  std::vector<std::string> shards, whole;
  for (const auto& in : inputs) (in.manifest.shard ? shards : whole).push_back(in.dir);
  if (!shards.empty() && !whole.empty())
    throw std::invalid_argument("cannot merge shards with whole runs: " + join(shards) +
                                (shards.size() == 1 ? " is a shard" : " are shards") +
                                " (run --shard), " + join(whole) +
                                (whole.size() == 1 ? " is not" : " are not") +
                                "; merge the shards of each plan first, then merge the results");
  if (!shards.empty()) return MergeKind::shards;
  if (whole.size() < 2)
    throw std::invalid_argument(
        "nothing to merge: give the shards of one plan (run --shard K/N), or the runs of two or "
        "more machines");
  return MergeKind::machines;
}

ShardMerge merge_shards(const std::vector<MergeInput>& given, const std::string& out) {
  // One plan, one version, one split, each part once.
  std::vector<std::pair<std::string, std::string>> versions, digests;
  for (const auto& s : given) {
    versions.emplace_back(s.manifest.tool_version, s.dir);
    digests.emplace_back(s.manifest.plan.digest, s.dir);
  }
  auto distinct = [](const std::vector<std::pair<std::string, std::string>>& v) {
    std::set<std::string> values;
    for (const auto& [value, dir] : v) values.insert(value);
    return values.size();
  };
  if (distinct(versions) > 1)
    throw std::invalid_argument("the shards were written by different alloc-shootout versions: " +
                                who_has_what(versions) + "; merge shards of one version");
  if (distinct(digests) > 1)
    throw std::invalid_argument(
        "the shards are parts of different plans: plan digest " + who_has_what(digests) +
        "; shards of one plan come from one command line with only --shard and --out changed, "
        "on machines whose allocators expand it to the same cells");
  std::vector<const MergeInput*> shards;
  for (const auto& s : given) shards.push_back(&s);
  std::stable_sort(shards.begin(), shards.end(), [](const auto* a, const auto* b) {
    return a->manifest.shard->index < b->manifest.shard->index;
  });
  const int count = shards.front()->manifest.shard->count;
  for (const auto* s : shards)
    if (s->manifest.shard->count != count)
      throw std::invalid_argument(
          "the shards split the plan into different numbers of parts: " + shards.front()->dir +
          " is shard " + shard_text(shards.front()->manifest.shard->index, count) + ", " + s->dir +
          " is shard " + shard_text(s->manifest.shard->index, s->manifest.shard->count));
  for (std::size_t i = 1; i < shards.size(); ++i)
    if (shards[i]->manifest.shard->index == shards[i - 1]->manifest.shard->index)
      throw std::invalid_argument("shard " + shard_text(shards[i]->manifest.shard->index, count) +
                                  " is given twice: " + shards[i - 1]->dir + " and " +
                                  shards[i]->dir);

  const journal::ManifestPlan& plan = shards.front()->manifest.plan;
  ShardMerge result;
  result.out = out;
  result.count = count;
  std::set<std::string> merged_groups;
  std::vector<ShardJournal> journals;
  for (const auto* s : shards) {
    journals.push_back(read_shard_journal(*s));
    const auto& own = s->manifest.shard->groups;
    for (const auto& r : journals.back().contents.records) {
      if (!r.contains("group")) continue;
      const std::string group = r["group"].get<std::string>();
      if (std::find(own.begin(), own.end(), group) == own.end())
        throw std::invalid_argument(
            s->dir + " (shard " + shard_text(s->manifest.shard->index, count) +
            ") holds records of group " + group + ", which is not one of its groups");
    }
    merged_groups.insert(own.begin(), own.end());
    if (journals.back().contents.truncated_tail)
      result.notes.push_back(s->dir +
                             "/samples.jsonl ended in a partial line (a killed runner); it was "
                             "left out");
  }
  std::set<int> present;
  for (const auto* s : shards) present.insert(s->manifest.shard->index);
  for (int k = 1; k <= count; ++k)
    if (!present.count(k)) result.missing.push_back(k);
  for (const auto& g : plan.groups)
    if (!merged_groups.count(g.group)) result.missing_groups.push_back(g.group);

  // Files of logs/ and traces/: one name, one shard.
  std::map<std::string, std::string> file_owner;
  for (const auto* s : shards)
    for (const char* sub : {"logs", "traces"})
      for (const auto& file : files_under(s->dir, sub)) {
        auto [it, inserted] = file_owner.emplace(file, s->dir);
        if (!inserted)
          throw std::invalid_argument(file + " is in both " + it->second + " and " + s->dir);
      }

  // The shards' machines, for the manifest and a note when they differ.
  std::vector<std::pair<std::string, std::string>> machines;
  journal::MergeFacts facts{count, {}, result.missing};
  for (const auto* s : shards) {
    const std::string name = journal::machine_name(s->manifest.machine);
    facts.shards.push_back({s->manifest.shard->index, s->dir, name, s->manifest.attempts});
    machines.emplace_back(name, "shard " + shard_text(s->manifest.shard->index, count));
  }
  if (distinct(machines) > 1)
    result.notes.push_back(
        "the shards ran on different machines: " + who_has_what(machines) +
        "; each workload's cells were measured together on one machine, but comparisons across "
        "workloads (size sweeps, cliffs) mix machines");

  refuse_existing_output(out);
  const RunDirectory dir = RunDirectory::create_new(out, RunDirectory::Kind::workloads);

  // samples.jsonl: as one run writes it — the start of each attempt, the
  // groups in plan order, the ends.
  std::string text;
  auto append_where = [&](auto&& wanted) {
    for (const auto& j : journals)
      for (std::size_t i = 0; i < j.contents.records.size(); ++i)
        if (wanted(j.contents.records[i]))
          text += j.lines[static_cast<std::size_t>(j.contents.lines[i] - 1)] + "\n";
  };
  append_where([](const json& r) { return r["type"] == "run_start"; });
  for (const auto& g : plan.groups)
    append_where([&](const json& r) { return r.contains("group") && r["group"] == g.group; });
  append_where([](const json& r) { return r["type"] == "run_end"; });
  try {
    common::write_file_atomically(dir.journal_path(), text);
  } catch (const common::FileWriteError& e) {
    throw std::runtime_error(e.what());
  }
  for (const auto& [file, source] : file_owner) {
    const fs::path to = fs::path(out) / file;
    std::error_code ec;
    fs::create_directories(to.parent_path(), ec);
    if (!ec) fs::copy_file(fs::path(source) / file, to, ec);
    if (ec) throw std::runtime_error("cannot copy " + source + "/" + file + ": " + ec.message());
  }

  journal::Manifest manifest = shards.front()->manifest;
  for (const auto* s : shards)
    for (const auto& [name, facts_of] : s->manifest.allocators)
      manifest.allocators.emplace(name, facts_of);
  manifest.shard.reset();
  manifest.attempts.clear();  // each shard's are in merged.shards
  manifest.options.erase("shard");
  manifest.options["out_dir"] = dir.path();
  manifest.merged = std::move(facts);
  dir.write_manifest(manifest);
  return result;
}

journal::MachineSet machine_set_of(const std::vector<MergeInput>& runs) {
  std::vector<journal::MachineFacts> machines;
  for (const auto& r : runs) machines.push_back(r.manifest.machine);
  journal::MachineSet set;
  set.machines = journal::name_machines(machines);
  for (std::size_t i = 0; i < runs.size(); ++i) set.machines[i].source = runs[i].dir;
  set.tool_version = tool_version();
  return set;
}

void write_machine_set(const std::vector<MergeInput>& runs, const journal::MachineSet& set,
                       const std::string& out) {
  refuse_existing_output(out);
  std::error_code ec;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const fs::path to = fs::path(out) / set.machines[i].dir;
    if (fs::exists(to))
      throw std::invalid_argument("the output directory " + out + " already holds " +
                                  set.machines[i].dir + "; choose another --out");
    fs::create_directories(to, ec);
    if (!ec) fs::copy(runs[i].dir, to, fs::copy_options::recursive, ec);
    if (ec)
      throw std::runtime_error("cannot copy " + runs[i].dir + " to " + to.string() + ": " +
                               ec.message());
  }
  try {
    common::write_file_atomically(out + "/" + journal::kMachineSetFile, json(set).dump(2) + "\n");
  } catch (const common::FileWriteError& e) {
    throw std::runtime_error(e.what());
  }
}

}  // namespace shootout::run
