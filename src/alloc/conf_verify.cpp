#include "alloc/conf_verify.h"

#include <dlfcn.h>
#include <sys/auxv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>

#include "common/subprocess.h"

namespace shootout::alloc {

namespace {

using Status = KeyCheck::Status;

std::optional<long double> as_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "true") return 1;
  if (text == "false") return 0;
  errno = 0;
  char* end = nullptr;
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const bool negative = text[0] == '-';
  long double value = 0;
  if (hex) {
    value = static_cast<long double>(std::strtoull(text.c_str(), &end, 16));
  } else if (negative) {
    value = static_cast<long double>(std::strtoll(text.c_str(), &end, 10));
  } else {
    value = static_cast<long double>(std::strtoull(text.c_str(), &end, 10));
  }
  if (errno != 0 || !end || *end != '\0') return std::nullopt;
  return value;
}

void* symbol_in(const std::string& object, const char* name) {
  void* handle = object.empty() ? RTLD_DEFAULT : dlopen(object.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  return handle ? dlsym(handle, name) : nullptr;
}

// ---- jemalloc: mallctl("opt.KEY") ------------------------------------------

// jemalloc's string-valued options; every other option is a bool, unsigned,
// size_t or ssize_t, told apart by the size mallctl accepts.
bool jemalloc_string_option(const std::string& key) {
  static const char* names[] = {
      "thp",        "metadata_thp", "percpu_arena",        "dss",
      "junk",       "zero_realloc", "stats_print_opts",    "prof_prefix",
      "bin_shards", "slab_sizes",   "stats_interval_opts", "hpa_slab_max_alloc"};
  for (const char* n : names)
    if (key == n) return true;
  return false;
}

KeyCheck check_jemalloc(const ConfPair& pair, const std::string& object) {
  KeyCheck k{pair.key, pair.value, "", Status::unverified, ""};
  using Mallctl = int (*)(const char*, void*, size_t*, void*, size_t);
  // The build's own prefix, read from the object's symbol table: the same
  // rule that chose the variable the conf was written to.
  const std::string used = jemalloc_prefix(object).value_or("") + "mallctl";
  Mallctl mallctl = reinterpret_cast<Mallctl>(symbol_in(object, used.c_str()));
  if (!mallctl) {
    k.how = "the object exports no mallctl";
    return k;
  }
  const std::string name = "opt." + pair.key;
  k.how = used + "(\"" + name + "\")";
  if (jemalloc_string_option(pair.key)) {
    const char* value = nullptr;
    size_t length = sizeof value;
    const int rc = mallctl(name.c_str(), &value, &length, nullptr, 0);
    if (rc == ENOENT) return k.status = Status::unknown_key, k;
    if (rc == 0 && value) k.effective = value;
  } else {
    // bool (1 byte), unsigned (4), size_t/ssize_t (8): mallctl answers EINVAL
    // for a wrong size, so the accepted size reveals the type.
    unsigned char b = 0;
    size_t length = sizeof b;
    int rc = mallctl(name.c_str(), &b, &length, nullptr, 0);
    if (rc == ENOENT) return k.status = Status::unknown_key, k;
    if (rc == 0) {
      k.effective = b ? "true" : "false";
    } else {
      unsigned u = 0;
      length = sizeof u;
      if (mallctl(name.c_str(), &u, &length, nullptr, 0) == 0) {
        k.effective = std::to_string(u);
      } else {
        std::int64_t s = 0;
        length = sizeof s;
        if (mallctl(name.c_str(), &s, &length, nullptr, 0) == 0) {
          // ssize_t options (decay times) use -1; size_t ones never come near 2^63.
          k.effective = std::to_string(s);
        } else {
          k.how += ": value of an unknown type";
          return k;
        }
      }
    }
  }
  k.status = same_setting(pair.value, k.effective) ? Status::verified : Status::mismatch;
  return k;
}

// ---- mimalloc: mi_option_get(index) -------------------------------------------

// Option order of mimalloc 2.0.x's mi_option_t (mimalloc.h); the index is
// what mi_option_get takes. Other versions number them differently, so their
// keys are left unverified rather than read from the wrong slot.
const std::vector<std::string>& mimalloc_20_options() {
  static const std::vector<std::string> names = {"show_errors",
                                                 "show_stats",
                                                 "verbose",
                                                 "eager_commit",
                                                 "eager_region_commit",
                                                 "reset_decommits",
                                                 "large_os_pages",
                                                 "reserve_huge_os_pages",
                                                 "reserve_huge_os_pages_at",
                                                 "reserve_os_memory",
                                                 "segment_cache",
                                                 "page_reset",
                                                 "abandoned_page_decommit",
                                                 "segment_reset",
                                                 "eager_commit_delay",
                                                 "decommit_delay",
                                                 "use_numa_nodes",
                                                 "limit_os_alloc",
                                                 "os_tag",
                                                 "max_errors",
                                                 "max_warnings",
                                                 "max_segment_reclaim",
                                                 "allow_decommit",
                                                 "segment_decommit_delay",
                                                 "decommit_extend_delay",
                                                 "destroy_on_exit"};
  return names;
}

KeyCheck check_mimalloc(const ConfPair& pair, const std::string& object) {
  KeyCheck k{pair.key, pair.value, "", Status::unverified, ""};
  auto version = reinterpret_cast<int (*)()>(symbol_in(object, "mi_version"));
  auto get = reinterpret_cast<long (*)(int)>(symbol_in(object, "mi_option_get"));
  if (!version || !get) {
    k.how = "the object exports no mi_version/mi_option_get";
    return k;
  }
  const int v = version();
  if (v / 10 != 20) {
    k.how = "mimalloc " + std::to_string(v) + ": option numbering known only for 2.0.x";
    return k;
  }
  const auto& names = mimalloc_20_options();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != pair.key) continue;
    k.effective = std::to_string(get(static_cast<int>(i)));
    k.how = "mi_option_get(mi_option_" + names[i] + ")";
    k.status = same_setting(pair.value, k.effective) ? Status::verified : Status::mismatch;
    return k;
  }
  k.status = Status::unknown_key;
  k.how = "not an option of mimalloc 2.0 (MIMALLOC_" + pair.key + " is ignored by it)";
  return k;
}

// ---- tcmalloc: MallocExtension numeric properties ------------------------------

KeyCheck check_tcmalloc(const ConfPair& pair, const std::string& object) {
  KeyCheck k{pair.key, pair.value, "", Status::unverified, ""};
  // The environment variables gperftools reads and the property that shows
  // the value it took; the others have no read-back in its C interface.
  static const std::map<std::string, std::string> properties = {
      {"max_total_thread_cache_bytes", "tcmalloc.max_total_thread_cache_bytes"},
      {"aggressive_decommit", "tcmalloc.aggressive_memory_decommit"},
      {"heap_limit_mb", "tcmalloc.heap_limit_mb"}};
  static const char* known[] = {
      "release_rate", "large_alloc_report_threshold", "transfer_num_obj", "skip_sbrk",
      "skip_mmap",    "disable_memory_release",       "sample_parameter"};
  auto it = properties.find(pair.key);
  if (it == properties.end()) {
    for (const char* n : known)
      if (pair.key == n) {
        k.how = "TCMALLOC_" + pair.key + " has no read-back in gperftools' C interface";
        return k;
      }
    k.status = Status::unknown_key;
    k.how = "not an environment setting gperftools tcmalloc reads";
    return k;
  }
  auto get = reinterpret_cast<int (*)(const char*, size_t*)>(
      symbol_in(object, "MallocExtension_GetNumericProperty"));
  if (!get) {
    k.how = "the object exports no MallocExtension_GetNumericProperty";
    return k;
  }
  size_t value = 0;
  k.how = "MallocExtension_GetNumericProperty(\"" + it->second + "\")";
  if (!get(it->second.c_str(), &value)) return k;
  k.effective = std::to_string(value);
  k.status = same_setting(pair.value, k.effective) ? Status::verified : Status::mismatch;
  return k;
}

// ---- glibc: the dynamic loader's own view of GLIBC_TUNABLES ---------------------

// `ld.so --list-tunables` (glibc >= 2.33) parses GLIBC_TUNABLES exactly as
// this process's loader did, and prints every tunable with its value.
std::map<std::string, std::string> glibc_tunables() {
  std::map<std::string, std::string> values;
  Dl_info info{};
  const auto base = getauxval(AT_BASE);
  if (!base || !dladdr(reinterpret_cast<void*>(base), &info) || !info.dli_fname) return values;
  auto out = common::capture_stdout({info.dli_fname, "--list-tunables"});
  if (!out) return values;
  std::istringstream lines(out->out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    const auto space = line.find(' ', colon + 2);
    values[line.substr(0, colon)] = line.substr(colon + 2, space - colon - 2);
  }
  return values;
}

KeyCheck check_glibc(const ConfPair& pair, const std::map<std::string, std::string>& tunables) {
  KeyCheck k{pair.key, pair.value, "", Status::unverified, ""};
  if (tunables.empty()) {
    k.how = "ld.so --list-tunables unavailable (glibc < 2.33?)";
    return k;
  }
  const std::string name = "glibc.malloc." + pair.key;
  k.how = "ld.so --list-tunables: " + name;
  auto it = tunables.find(name);
  if (it == tunables.end()) return k.status = Status::unknown_key, k;
  k.effective = it->second;
  k.status = same_setting(pair.value, k.effective) ? Status::verified : Status::mismatch;
  return k;
}

}  // namespace

const char* to_string(KeyCheck::Status status) {
  switch (status) {
    case Status::verified:
      return "verified";
    case Status::mismatch:
      return "not taken";
    case Status::unknown_key:
      return "unknown key";
    case Status::unverified:
      return "unverified";
  }
  return "unverified";
}

bool same_setting(const std::string& asked, const std::string& effective) {
  const auto a = as_number(asked), e = as_number(effective);
  if (a && e) return *a == *e;
  return asked == effective;
}

void to_json(nlohmann::json& j, const TuningCheck& check) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& k : check.keys)
    keys.push_back({{"key", k.key},
                    {"asked", k.asked},
                    {"effective", k.effective},
                    {"status", to_string(k.status)},
                    {"how", k.how}});
  j = {{"ok", check.ok}, {"message", check.message}, {"keys", keys}};
  if (!check.read_back.empty()) j["read_back"] = check.read_back;
}

void from_json(const nlohmann::json& j, TuningCheck& check) {
  if (!j.is_object()) throw std::invalid_argument("\"tuning_check\" is not an object");
  auto text = [](const nlohmann::json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  check = TuningCheck{};
  if (auto ok = j.find("ok"); ok != j.end() && ok->is_boolean()) check.ok = ok->get<bool>();
  check.message = text(j, "message");
  check.read_back = text(j, "read_back");
  auto keys = j.find("keys");
  if (keys == j.end() || !keys->is_array()) return;
  for (const auto& k : *keys) {
    if (!k.is_object()) continue;
    KeyCheck key{text(k, "key"), text(k, "asked"), text(k, "effective"), Status::unverified,
                 text(k, "how")};
    const std::string status = text(k, "status");
    for (Status s : {Status::verified, Status::mismatch, Status::unknown_key})
      if (status == to_string(s)) key.status = s;
    check.keys.push_back(std::move(key));
  }
}

TuningCheck unverified_tuning(const std::vector<ConfPair>& pairs, const std::string& why) {
  TuningCheck check;
  for (const auto& pair : pairs)
    check.keys.push_back({pair.key, pair.value, "", Status::unverified, why});
  return check;
}

TuningCheck verify_tuning(ConfDialect dialect, const std::vector<ConfPair>& pairs,
                          const std::string& object) {
  TuningCheck check;
  std::map<std::string, std::string> tunables;
  if (dialect == ConfDialect::glibc_tunables) tunables = glibc_tunables();
  for (const auto& pair : pairs) {
    KeyCheck k;
    switch (dialect) {
      case ConfDialect::jemalloc:
        k = check_jemalloc(pair, object);
        break;
      case ConfDialect::mimalloc:
        k = check_mimalloc(pair, object);
        break;
      case ConfDialect::tcmalloc:
        k = check_tcmalloc(pair, object);
        break;
      case ConfDialect::glibc_tunables:
        k = check_glibc(pair, tunables);
        break;
      case ConfDialect::tbbmalloc:
        k = {pair.key, pair.value, "", Status::unverified,
             "tbbmalloc has no read-back of TBB_MALLOC_* settings"};
        break;
      case ConfDialect::none:
        k = {pair.key, pair.value, "", Status::unverified, "no conf dialect"};
        break;
    }
    if (check.ok && (k.status == Status::mismatch || k.status == Status::unknown_key)) {
      check.ok = false;
      check.message = k.status == Status::unknown_key
                          ? "tuning key '" + k.key + "' is unknown to the allocator (" + k.how + ")"
                          : "tuning " + k.key + ":" + k.asked + " was not taken: " + k.how +
                                " reads '" + k.effective + "'";
    }
    check.keys.push_back(k);
  }
  return check;
}

}  // namespace shootout::alloc
