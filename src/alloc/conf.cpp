#include "alloc/conf.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "alloc/elf_info.h"

namespace shootout::alloc {

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

bool valid_key(const std::string& key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.';
  });
}

}  // namespace

std::string Tuning::conf_text() const {
  std::string text;
  for (const auto& p : pairs) text += (text.empty() ? "" : ",") + p.key + ":" + p.value;
  return text;
}

std::string Tuning::label() const { return allocator + "[" + conf_text() + "]"; }

std::vector<ConfPair> parse_conf(const std::string& conf) {
  std::vector<ConfPair> pairs;
  size_t start = 0;
  while (start <= conf.size()) {
    size_t end = conf.find(',', start);
    if (end == std::string::npos) end = conf.size();
    const std::string item = conf.substr(start, end - start);
    const auto colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
      throw std::invalid_argument("tuning '" + conf + "': '" + item +
                                  "' is not KEY:VALUE (e.g. tcache_max:4096)");
    ConfPair p{item.substr(0, colon), item.substr(colon + 1)};
    if (!valid_key(p.key))
      throw std::invalid_argument("tuning key '" + p.key +
                                  "' may hold only letters, digits, '_' and '.'");
    if (p.value.find_first_of(",: \t\n=") != std::string::npos)
      throw std::invalid_argument("tuning value '" + p.value + "' of key '" + p.key +
                                  "' may not hold ',', ':', '=' or spaces");
    pairs.push_back(p);
    start = end + 1;
  }
  return pairs;
}

Tuning parse_tuning(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0)
    throw std::invalid_argument(
        "--tune expects ALLOC:KEY:VALUE[,KEY:VALUE] "
        "(e.g. jemalloc:tcache_max:4096), got '" +
        text + "'");
  return {text.substr(0, colon), parse_conf(text.substr(colon + 1))};
}

std::optional<std::string> jemalloc_prefix(const std::string& object_path) {
  std::optional<std::string> found;
  for (const auto& name : exported_symbols(object_path)) {
    static const std::string suffix = "mallctl";
    if (name.size() < suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    std::string prefix = name.substr(0, name.size() - suffix.size());
    // mallctlbymib and friends do not end in "mallctl"; a plain "mallctl"
    // wins over a prefixed one when both exist.
    if (!found || prefix.size() < found->size()) found = prefix;
  }
  return found;
}

std::string jemalloc_conf_variable(const std::string& prefix) {
  return upper(prefix) + "MALLOC_CONF";
}

const std::vector<std::string>& foreign_allocator_settings() {
  static const std::vector<std::string> keys = {"LD_PRELOAD",
                                                "MALLOC_CONF",
                                                "_RJEM_MALLOC_CONF",
                                                "JE_MALLOC_CONF",
                                                "GLIBC_TUNABLES",
                                                "MALLOC_ARENA_MAX",
                                                "MALLOC_TRIM_THRESHOLD_",
                                                "MALLOC_MMAP_THRESHOLD_",
                                                "MALLOC_TOP_PAD_",
                                                "MALLOC_MMAP_MAX_",
                                                "MIMALLOC_*",
                                                "TCMALLOC_*",
                                                "TBB_MALLOC_*",
                                                "SNMALLOC_*"};
  return keys;
}

std::map<std::string, std::string> conf_environment(const Allocator& allocator,
                                                    const std::vector<ConfPair>& pairs) {
  std::map<std::string, std::string> env;
  switch (allocator.dialect) {
    case ConfDialect::jemalloc: {
      const auto prefix = jemalloc_prefix(allocator.path);
      if (!prefix)
        throw std::invalid_argument("cannot tune " + allocator.name + ": " + allocator.path +
                                    " exports no *mallctl, so it is not a jemalloc build");
      std::string conf;
      for (const auto& p : pairs) conf += (conf.empty() ? "" : ",") + p.key + ":" + p.value;
      env[jemalloc_conf_variable(*prefix)] = conf;
      break;
    }
    case ConfDialect::glibc_tunables: {
      std::string tunables;
      for (const auto& p : pairs)
        tunables +=
            (tunables.empty() ? "" : ":") + std::string("glibc.malloc.") + p.key + "=" + p.value;
      env["GLIBC_TUNABLES"] = tunables;
      break;
    }
    case ConfDialect::mimalloc:
      for (const auto& p : pairs) env["MIMALLOC_" + upper(p.key)] = p.value;
      break;
    case ConfDialect::tcmalloc:
      for (const auto& p : pairs) env["TCMALLOC_" + upper(p.key)] = p.value;
      break;
    case ConfDialect::tbbmalloc:
      for (const auto& p : pairs) env["TBB_MALLOC_" + upper(p.key)] = p.value;
      break;
    case ConfDialect::none:
      throw std::invalid_argument("cannot tune " + allocator.name +
                                  ": the tool knows no conf dialect for it (tunable: std, "
                                  "jemalloc, mimalloc, tcmalloc, tbbmalloc)");
  }
  return env;
}

const std::vector<Sweep>& builtin_sweeps() {
  // The study's pattern table: single-sender mpsc at 8 B, 1 KB, 16 KB and
  // 32 KB, the multi-sender large case, single-thread large allocs, spawning.
  static const std::vector<std::string> study_patterns = {"mpsc/8",
                                                          "mpsc/1024",
                                                          "mpsc/16384",
                                                          "mpsc/32768",
                                                          "mpsc_large/5x1000_32KB",
                                                          "block_on_alloc_st/1000x32KB",
                                                          "spawn_many/10000"};
  static const std::vector<Sweep> sweeps = {
      {"study",
       "the study's jemalloc settings plus thp:always, across its pattern table",
       {"jemalloc:retain:false", "jemalloc:dirty_decay_ms:0,muzzy_decay_ms:0", "jemalloc:narenas:1",
        "jemalloc:tcache:false", "jemalloc:tcache_max:4096", "jemalloc:tcache_max:16384",
        "jemalloc:thp:always"},
       study_patterns,
       {"zeroed", "filled"}},
      {"glibc",
       "glibc malloc's trim and mmap thresholds and arena count (GLIBC_TUNABLES)",
       {"std:trim_threshold:268435456", "std:mmap_threshold:4194304", "std:arena_max:1",
        "std:top_pad:67108864"},
       study_patterns,
       {"zeroed", "filled"}},
      // glibc's heap trim: free() gives the top of the heap back with brk
      // once it exceeds the trim threshold — 128 KiB until the process frees
      // an mmapped chunk, after which glibc raises the mmap threshold to that
      // chunk's size and the trim threshold to twice it, for good. On this
      // VM that alone made block_on_alloc/100x4096 ~130x faster (4 brk and
      // 69 faults per iteration against 0). Setting any of trim_threshold,
      // mmap_threshold or top_pad turns that adjustment off, so each variant
      // here has the same thresholds whatever the worker did before timing:
      // 128 KiB pinned (always trims), the state after freeing a 2 MiB
      // mmapped block (what reading a 2 MB file into the heap leaves), and a
      // threshold nothing reaches (never trims).
      {"glibc-trim",
       "glibc's heap trim rule, history-proof: trim threshold pinned at 128 KiB, as after "
       "freeing a 2 MiB mmapped block, and never (GLIBC_TUNABLES)",
       {"std:trim_threshold:131072", "std:mmap_threshold:2097152,trim_threshold:4194304",
        "std:trim_threshold:268435456"},
       {"block_on_alloc/100x4096", "block_on_alloc/1000x4096", "mpsc/32768",
        "mpsc_large/5x1000_32KB"},
       {"zeroed", "filled"}},
      {"mimalloc",
       "mimalloc 2.0's decommit delay, eager commit and page reset (MIMALLOC_*)",
       {"mimalloc:decommit_delay:0", "mimalloc:decommit_delay:1000", "mimalloc:eager_commit:0",
        "mimalloc:page_reset:1"},
       study_patterns,
       {"zeroed", "filled"}},
      {"tcmalloc",
       "gperftools tcmalloc's release rate and thread-cache budget (TCMALLOC_*)",
       {"tcmalloc:release_rate:0", "tcmalloc:release_rate:10",
        "tcmalloc:max_total_thread_cache_bytes:268435456", "tcmalloc:aggressive_decommit:1"},
       study_patterns,
       {"zeroed", "filled"}},
  };
  return sweeps;
}

Sweep load_sweep(const std::string& name_or_path) {
  for (const auto& s : builtin_sweeps())
    if (s.name == name_or_path) return s;
  std::ifstream in(name_or_path);
  if (!in) {
    std::string names;
    for (const auto& s : builtin_sweeps()) names += (names.empty() ? "" : ", ") + s.name;
    throw std::invalid_argument("unknown sweep '" + name_or_path + "' (built-in: " + names +
                                "; or the path of a sweep file, see docs/sweeps.md)");
  }
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  const std::string where = "sweep file " + name_or_path + ": ";
  if (j.is_discarded() || !j.is_object()) throw std::invalid_argument(where + "not a JSON object");
  if (!j.contains("sweep_format") || j["sweep_format"] != 1)
    throw std::invalid_argument(where + "needs \"sweep_format\": 1");
  auto strings = [&](const char* field, bool required) {
    std::vector<std::string> out;
    if (!j.contains(field)) {
      if (required) throw std::invalid_argument(where + "needs \"" + field + "\": [strings]");
      return out;
    }
    if (!j[field].is_array())
      throw std::invalid_argument(where + "\"" + field + "\" must be a list of strings");
    for (const auto& v : j[field]) {
      if (!v.is_string())
        throw std::invalid_argument(where + "\"" + field + "\" must be a list of strings");
      out.push_back(v.get<std::string>());
    }
    return out;
  };
  // j.value() would throw json::type_error for a non-string: name the field.
  auto optional_string = [&](const char* field, const std::string& fallback) {
    if (!j.contains(field)) return fallback;
    if (!j[field].is_string())
      throw std::invalid_argument(where + "\"" + field + "\" must be a string");
    return j[field].get<std::string>();
  };
  Sweep s;
  s.name = optional_string("name", name_or_path);
  s.description = optional_string("description", "");
  s.tunings = strings("tunings", true);
  for (const auto& t : s.tunings) parse_tuning(t);  // validates, naming the bad one
  s.workloads = strings("workloads", false);
  s.payloads = strings("payloads", false);
  return s;
}

}  // namespace shootout::alloc
