#include "alloc/verify.h"

#include "alloc/conf.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace shootout::alloc {

namespace {

// realpath into a buffer on the stack, not std::filesystem::canonical: the
// loader may name one object differently (/lib/... for std's libc, /usr/lib/...
// when preloaded), and the heap requests of a path walk follow the name's
// length — the allocator under test must see the same for both (docs/protocol.md).
std::string canonical(const char* path) {
  if (!path || !*path) return {};
  char resolved[PATH_MAX];
  return realpath(path, resolved) ? std::string(resolved) : std::string(path);
}

// The object that defines `symbol` in the global lookup scope — the same
// scope the program's own calls bind through, so LD_PRELOAD and link order
// are both honoured.
std::string defining_object(const char* symbol) {
  void* address = dlsym(RTLD_DEFAULT, symbol);
  if (!address) return {};
  Dl_info info{};
  if (dladdr(address, &info) == 0) return {};
  return canonical(info.dli_fname);
}

// The object that serves malloc when no allocator is injected: the C
// library — or, in a sanitizer build of the tool itself, the sanitizer's
// runtime, which replaces malloc for the whole process.
std::string c_library_object() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  const std::string runtime = defining_object("malloc");
  const std::string name = std::filesystem::path(runtime).filename().string();
  if (name.rfind("libasan", 0) == 0 || name.rfind("libtsan", 0) == 0) return runtime;
#endif
  return defining_object("gnu_get_libc_version");
}

bool is_libstdcxx(const std::string& object) {
  return std::filesystem::path(object).filename().string().rfind("libstdc++", 0) == 0;
}

// Version suffix of a shared object's real file name: libtbbmalloc.so.2.8 -> "2.8".
std::string file_version(const std::string& object) {
  const std::string name = std::filesystem::path(object).filename().string();
  const auto so = name.find(".so.");
  return so == std::string::npos ? std::string() : name.substr(so + 4);
}

// The tool's malloc-counting shim, preloaded ahead of an allocator by a
// test (tests/integration/history_neutral_test.cpp), forwards every call to
// the next definition: the binding is then that object's, noted as such.
void look_through_counting_shim(SymbolBinding& binding) {
  using NextObjectFn = const char* (*)(const char*);
  auto next_object =
      reinterpret_cast<NextObjectFn>(dlsym(RTLD_DEFAULT, "shootout_malloc_count_next_object"));
  if (!next_object) return;
  void* own = dlsym(RTLD_DEFAULT, "shootout_malloc_count_next_object");
  Dl_info info{};
  if (dladdr(own, &info) == 0 || canonical(info.dli_fname) != binding.object) return;
  const char* next = next_object(binding.symbol.c_str());
  if (!next) return;
  binding.object = canonical(next);
  binding.note = "through the malloc-counting shim";
}

}  // namespace

std::string default_malloc_object() { return c_library_object(); }

void read_version(const std::string& requested_object, Verification& into) {
  // std and the C library preloaded under another name take one path: the
  // same lookups, so the allocator sees the same requests before timing.
  const std::string object = requested_object.empty() ? c_library_object() : requested_object;
  if (object == c_library_object()) {
    into.version = gnu_get_libc_version();
    into.version_source = "gnu_get_libc_version()";
    return;
  }
  // RTLD_NOLOAD: only a handle to what is already loaded; dlsym through it
  // also searches the object's dependencies (tbbmalloc_proxy -> tbbmalloc).
  void* handle = dlopen(object.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  auto lookup = [&](const char* sym) -> void* { return handle ? dlsym(handle, sym) : nullptr; };
  if (void* f = lookup("tc_version")) {
    int major = 0, minor = 0;
    const char* patch = nullptr;
    auto tc_version = reinterpret_cast<const char* (*)(int*, int*, const char**)>(f);
    const char* text = tc_version(&major, &minor, &patch);
    into.version = text ? text : std::to_string(major) + "." + std::to_string(minor);
    into.version_source = "tc_version()";
  } else if (void* f = lookup("mi_version")) {
    const int v = reinterpret_cast<int (*)()>(f)();  // e.g. 209 for 2.0.9
    into.version = std::to_string(v / 100) + "." + std::to_string((v / 10) % 10) + "." +
                   std::to_string(v % 10);
    into.version_source = "mi_version()";
  } else {
    // jemalloc, plain or built with a symbol prefix: tikv-jemallocator's
    // _rjem_ build names it _rjem_mallctl.
    const std::string name = jemalloc_prefix(object).value_or("") + "mallctl";
    if (void* f = lookup(name.c_str())) {
      const char* version = nullptr;
      size_t length = sizeof version;
      auto mallctl = reinterpret_cast<int (*)(const char*, void*, size_t*, void*, size_t)>(f);
      if (mallctl("version", &version, &length, nullptr, 0) == 0 && version) {
        into.version = version;
        into.version_source = name + "(\"version\")";
      }
    }
  }
  if (into.version.empty()) {
    std::string real = object;
    if (void* f = lookup("scalable_allocation_mode")) {  // tbbmalloc: the version is its file's
      Dl_info info{};
      if (dladdr(f, &info)) real = canonical(info.dli_fname);
    }
    into.version = file_version(real);
    into.version_source = into.version.empty()
                              ? "none: exports no version API and its file name has no version"
                              : "file name of " + real;
  }
  if (handle) dlclose(handle);
}

Verification verify_active_allocator(const std::string& expected_object) {
  Verification v;
  const std::string expected = expected_object.empty() ? c_library_object() : expected_object;
  const std::string expected_label =
      expected == c_library_object() ? "the C library (" + expected + ")" : expected;

  // The C family must all come from the intended object: a mix (e.g. malloc
  // from the allocator, aligned_alloc from libc) corrupts the heap or measures
  // two allocators at once.
  bool all_ok = true;
  std::string first_wrong;
  for (const char* symbol :
       {"malloc", "free", "calloc", "realloc", "aligned_alloc", "posix_memalign"}) {
    SymbolBinding b{symbol, defining_object(symbol), false, ""};
    if (b.object != expected) look_through_counting_shim(b);
    b.as_expected = !b.object.empty() && b.object == expected;
    if (!b.as_expected && first_wrong.empty())
      first_wrong = std::string(symbol) + " is served by " +
                    (b.object.empty() ? std::string("nothing") : b.object);
    all_ok = all_ok && b.as_expected;
    v.bindings.push_back(b);
  }
  // operator new: either the allocator's own, or libstdc++'s, which calls malloc.
  SymbolBinding op_new{"operator new", defining_object("_Znwm"), false, ""};
  if (op_new.object == expected) {
    op_new.as_expected = true;
  } else if (is_libstdcxx(op_new.object)) {
    op_new.as_expected = true;
    op_new.note = "libstdc++'s operator new, which calls malloc";
  } else if (first_wrong.empty()) {
    first_wrong = "operator new is served by " + op_new.object;
    all_ok = false;
  } else {
    all_ok = false;
  }
  v.bindings.push_back(op_new);

  v.active_object = v.bindings.front().object;
  v.ok = all_ok;
  if (!all_ok)
    v.message =
        "intended allocator is not active: expected " + expected_label + ", but " + first_wrong;
  read_version(expected, v);
  return v;
}

bool malloc_from_c_library(const Verification& verification) {
  return !verification.active_object.empty() && verification.active_object == c_library_object();
}

}  // namespace shootout::alloc
