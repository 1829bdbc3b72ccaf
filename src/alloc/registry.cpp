#include "alloc/registry.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "alloc/elf_info.h"
#include "common/subprocess.h"

namespace shootout::alloc {

const char* to_string(Injection injection) {
  return injection == Injection::preload ? "preload" : "link";
}

Injection injection_from_string(const std::string& text) {
  if (text == "preload") return Injection::preload;
  if (text == "link") return Injection::link;
  throw std::invalid_argument("unknown injection mode '" + text + "' (valid: preload, link)");
}

const char* to_string(ConfDialect dialect) {
  switch (dialect) {
    case ConfDialect::glibc_tunables:
      return "GLIBC_TUNABLES=glibc.malloc.*";
    case ConfDialect::jemalloc:
      return "MALLOC_CONF (or <PREFIX>MALLOC_CONF)";
    case ConfDialect::mimalloc:
      return "MIMALLOC_<OPTION>";
    case ConfDialect::tcmalloc:
      return "TCMALLOC_*";
    case ConfDialect::tbbmalloc:
      return "TBB_MALLOC_*";
    case ConfDialect::none:
      return "none";
  }
  return "none";
}

const char* dialect_name(ConfDialect dialect) {
  switch (dialect) {
    case ConfDialect::glibc_tunables:
      return "glibc";
    case ConfDialect::jemalloc:
      return "jemalloc";
    case ConfDialect::mimalloc:
      return "mimalloc";
    case ConfDialect::tcmalloc:
      return "tcmalloc";
    case ConfDialect::tbbmalloc:
      return "tbbmalloc";
    case ConfDialect::none:
      return "none";
  }
  return "none";
}

ConfDialect dialect_from_name(const std::string& name) {
  for (ConfDialect d : {ConfDialect::glibc_tunables, ConfDialect::jemalloc, ConfDialect::mimalloc,
                        ConfDialect::tcmalloc, ConfDialect::tbbmalloc, ConfDialect::none})
    if (name == dialect_name(d)) return d;
  throw std::invalid_argument("unknown conf dialect '" + name +
                              "' (valid: glibc, jemalloc, mimalloc, tcmalloc, tbbmalloc, none)");
}

const std::vector<AllocatorDescriptor>& builtin_allocators() {
  static const std::vector<AllocatorDescriptor> all = {
      {"std", {}, ConfDialect::glibc_tunables, "libc6", "gnu_get_libc_version()", ""},
      {"jemalloc",
       {"libjemalloc.so.2"},
       ConfDialect::jemalloc,
       "libjemalloc2",
       "mallctl(\"version\")",
       "apt-get install libjemalloc2"},
      {"mimalloc",
       {"libmimalloc.so.2"},
       ConfDialect::mimalloc,
       "libmimalloc2.0",
       "mi_version()",
       "apt-get install libmimalloc2.0"},
      {"tcmalloc",
       {"libtcmalloc_minimal.so.4", "libtcmalloc.so.4"},
       ConfDialect::tcmalloc,
       "libtcmalloc-minimal4",
       "tc_version()",
       "apt-get install libtcmalloc-minimal4"},
      {"tbbmalloc",
       {"libtbbmalloc_proxy.so.2"},
       ConfDialect::tbbmalloc,
       "libtbbmalloc2",
       "libtbbmalloc file version",
       "apt-get install libtbbmalloc2"},
      {"snmalloc",
       {"libsnmallocshim.so", "libsnmallocshim-checks.so"},
       ConfDialect::none,
       "",
       "symbol probing",
       "not packaged by Debian: build snmalloc's LD_PRELOAD shim and pass "
       "--allocator snmalloc=/path/to/libsnmallocshim.so"},
  };
  return all;
}

const AllocatorDescriptor* find_builtin(const std::string& name) {
  for (const auto& d : builtin_allocators())
    if (d.name == name) return &d;
  return nullptr;
}

std::vector<LoaderCacheEntry> parse_loader_cache(const std::string& output) {
  // Lines look like: "\tlibjemalloc.so.2 (libc6,x86-64) => /lib/x86_64-linux-gnu/libjemalloc.so.2"
  std::vector<LoaderCacheEntry> entries;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto open = line.find(" (");
    const auto close = line.find(") => ");
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    LoaderCacheEntry e;
    const auto first = line.find_first_not_of(" \t");
    e.soname = line.substr(first, open - first);
    e.flags = line.substr(open + 2, close - open - 2);
    e.path = line.substr(close + 5);
    if (!e.soname.empty() && !e.path.empty()) entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<LoaderCacheEntry> read_loader_cache() {
  auto out = common::capture_stdout({"ldconfig", "-p"});
  if (!out || out->exit_status != 0) return {};
  return parse_loader_cache(out->out);
}

namespace {

std::string canonical_or_empty(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::canonical(path, ec);
  return ec ? std::string() : p.string();
}

// An object the registry does not know by name is tuned in the dialect of
// the API it exports: a jemalloc build under another name (or with a symbol
// prefix) still reads <PREFIX>MALLOC_CONF.
ConfDialect dialect_by_symbols(const std::vector<std::string>& symbols) {
  auto has = [&](const std::string& suffix) {
    for (const auto& s : symbols)
      if (s.size() >= suffix.size() &&
          s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
        return true;
    return false;
  };
  if (has("mallctl")) return ConfDialect::jemalloc;
  if (has("mi_option_get")) return ConfDialect::mimalloc;
  if (has("MallocExtension_GetNumericProperty")) return ConfDialect::tcmalloc;
  if (has("scalable_allocation_mode")) return ConfDialect::tbbmalloc;
  return ConfDialect::none;
}

std::string valid_names(const std::vector<Allocator>& all) {
  std::string names;
  for (const auto& a : all) names += (names.empty() ? "" : ", ") + a.name;
  return names;
}

}  // namespace

Allocator parse_user_allocator(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw std::invalid_argument(
        "--allocator expects NAME=PATH (e.g. snmalloc=/opt/libsnmallocshim.so), got '" + spec +
        "'");
  Allocator a;
  a.name = spec.substr(0, eq);
  for (char c : a.name)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      throw std::invalid_argument("--allocator name '" + a.name +
                                  "' may hold only letters, digits, '_', '-' and '.'");
  if (a.name == "std")
    throw std::invalid_argument("--allocator: 'std' is the C library's malloc and takes no path");
  const std::string path = spec.substr(eq + 1);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0)
    throw std::invalid_argument("--allocator " + a.name + ": no such file '" + path + "'");
  if (!S_ISREG(st.st_mode))
    throw std::invalid_argument("--allocator " + a.name + ": '" + path + "' is not a regular file");
  auto id = read_elf_identity(path);
  if (!id)
    throw std::invalid_argument("--allocator " + a.name + ": '" + path +
                                "' is not an ELF shared object");
  if (!loadable_here(*id))
    throw std::invalid_argument("--allocator " + a.name + ": '" + path +
                                "' is not a shared object for this machine's architecture");
  a.path = canonical_or_empty(path);
  a.available = true;
  a.user_supplied = true;
  const auto* builtin = find_builtin(a.name);
  a.dialect = builtin ? builtin->dialect : dialect_by_symbols(exported_symbols(a.path));
  return a;
}

std::vector<Allocator> discover(const std::vector<LoaderCacheEntry>& cache,
                                const std::vector<Allocator>& user) {
  std::vector<Allocator> all;
  for (const auto& d : builtin_allocators()) {
    Allocator a;
    a.name = d.name;
    a.dialect = d.dialect;
    if (d.sonames.empty()) {
      a.available = true;  // the C library is always there
    } else {
      for (const auto& soname : d.sonames) {
        for (const auto& e : cache) {
          if (e.soname != soname) continue;
          auto id = read_elf_identity(e.path);
          if (!id || !loadable_here(*id)) continue;  // e.g. the 32-bit copy
          a.path = canonical_or_empty(e.path);
          a.available = !a.path.empty();
          break;
        }
        if (a.available) break;
      }
      if (!a.available) {
        std::string tried;
        for (const auto& s : d.sonames) tried += (tried.empty() ? "" : ", ") + s;
        a.why_unavailable = tried + " not in the loader cache; " + d.hint;
      }
    }
    all.push_back(a);
  }
  for (const auto& u : user) {
    bool replaced = false;
    for (auto& a : all)
      if (a.name == u.name) {
        a = u;
        replaced = true;
      }
    if (!replaced) all.push_back(u);
  }
  return all;
}

std::vector<std::string> names_to_run(const std::vector<std::string>& named,
                                      const std::vector<Allocator>& user) {
  std::vector<std::string> names;
  const auto add = [&names](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const auto& name : named) add(name);
  if (!names.empty())
    for (const auto& allocator : user) add(allocator.name);
  return names;
}

std::vector<Allocator> select(const std::vector<Allocator>& all,
                              const std::vector<std::string>& names) {
  std::vector<Allocator> chosen;
  for (const auto& n : names) {
    const Allocator* found = nullptr;
    for (const auto& a : all)
      if (a.name == n) found = &a;
    if (!found)
      throw std::invalid_argument("unknown allocator '" + n + "' (known: " + valid_names(all) +
                                  "; add others with --allocator NAME=PATH)");
    if (!found->available)
      throw std::invalid_argument("allocator '" + n +
                                  "' is not available here: " + found->why_unavailable);
    bool dup = false;
    for (const auto& c : chosen) dup = dup || c.name == n;
    if (!dup) chosen.push_back(*found);
  }
  return chosen;
}

}  // namespace shootout::alloc
