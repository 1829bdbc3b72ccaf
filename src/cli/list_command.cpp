#include <cstdio>

#include <fmt/core.h>

#include "alloc/conf.h"
#include "alloc/registry.h"
#include "cli/commands.h"
#include "run/allocator_probe.h"
#include "workloads/workload.h"

namespace shootout::cli {

namespace {

int list_allocators(const ListArgs& args) {
  std::vector<alloc::Allocator> user;
  for (const auto& spec : args.user_allocators) user.push_back(alloc::parse_user_allocator(spec));
  const auto all = alloc::discover(alloc::read_loader_cache(), user);
  const auto paths = run::WorkerPaths::beside_this_executable();
  fmt::print("{:<12} {:<10} {:<22} {:<16} {}\n", "allocator", "available", "version", "injection",
             "object");
  for (const auto& a : all) {
    if (!a.available) {
      fmt::print("{:<12} {:<10} {:<22} {:<16} {}\n", a.name, "no", "-", "-", a.why_unavailable);
      continue;
    }
    // The version comes from the allocator itself, in a worker that has it
    // injected — the same check every cell makes before timing.
    const auto probe = run::probe_allocator(a, alloc::Injection::preload, paths);
    std::string injection = "preload";
    if (a.is_std() || access(paths.worker("asio", a.name).c_str(), X_OK) == 0) injection += ",link";
    std::string version = !probe.ok               ? "?"
                          : probe.version.empty() ? "(no version API)"
                                                  : probe.version;
    if (version.size() > 22) version = version.substr(0, 21) + "…";
    fmt::print("{:<12} {:<10} {:<22} {:<16} {}\n", a.name, probe.ok ? "yes" : "NO", version,
               injection, a.is_std() ? "(the C library)" : a.path);
    if (!probe.ok) fmt::print("{:<12}   not usable: {}\n", "", probe.message);
  }
  return kSuccess;
}

int list_workloads() {
  for (const auto& e : workloads::catalog()) {
    fmt::print("{}\n  {}\n  parameters: {}\n  payload modes: {}\n  study cases: ", e.pattern,
               e.description, e.parameters,
               e.takes_payload ? "zeroed, filled, uninit, floor" : "none (moves no payload)");
    std::string cases;
    for (const auto& c : e.study_cases) cases += (cases.empty() ? "" : ", ") + c;
    fmt::print("{}\n\n", cases);
  }
  fmt::print("{}\n\n", workloads::runtime_description());
  fmt::print(
      "Selections (-w): exact names, globs ('mpsc/*'), lists ('mpsc/{{8,64}}'), "
      "power-of-two grids ('mpsc/8..32768').\n");
  return kSuccess;
}

int list_tunings() {
  fmt::print(
      "Tunings are written ALLOC:KEY:VALUE[,KEY:VALUE] (--tune), and each is read back\n"
      "from the allocator before timing. Dialects:\n");
  for (const auto& d : alloc::builtin_allocators())
    fmt::print("  {:<10} {}\n", d.name, alloc::to_string(d.dialect));
  fmt::print("\nBuilt-in sweeps (--sweep NAME; or --sweep FILE, see docs/sweeps.md):\n");
  for (const auto& s : alloc::builtin_sweeps()) {
    fmt::print("\n{}: {}\n", s.name, s.description);
    for (const auto& t : s.tunings) fmt::print("  --tune {}\n", t);
    std::string w;
    for (const auto& x : s.workloads) w += (w.empty() ? "" : ", ") + x;
    std::string p;
    for (const auto& x : s.payloads) p += (p.empty() ? "" : ", ") + x;
    fmt::print("  across: {}\n  payloads: {}\n", w, p);
  }
  return kSuccess;
}

}  // namespace

int list_command(const ListArgs& args) {
  try {
    if (args.what == "allocators") return list_allocators(args);
    if (args.what == "workloads") return list_workloads();
    return list_tunings();
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "alloc-shootout: %s\n", e.what());
    return kBadInput;
  }
}

}  // namespace shootout::cli
