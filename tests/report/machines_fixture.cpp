#include "machines_fixture.h"

#include <sys/stat.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "fixture.h"
#include "journal/manifest.h"
#include "journal/records.h"

namespace shootout::report::testing {

namespace {

using nlohmann::json;

constexpr std::uint64_t kIters = 100;

struct Spec {
  std::string workload, family, allocator, tuning;
  std::uint64_t elements = 0, payload_bytes = 0;
  double us_per_iter = 0;
  double dontneed = 0, faults = 0, brk = 0, mmap = 0;  // per element
  double sys_share = 0.05, hwm_kib = 20000;
  std::string variant() const {
    return tuning.empty() ? allocator : allocator + "[" + tuning + "]";
  }
  std::string cell(const std::string& v) const {
    return journal::cell_id(workload, "zeroed", "asio", v, "preload");
  }
};

std::vector<Spec> specs(FixtureMachine machine) {
  const bool x86 = machine == FixtureMachine::x86_64;
  std::vector<Spec> out;
  auto mpsc = [&](const char* allocator, double us, double dontneed, double faults, double hwm,
                  const char* tuning = "") {
    out.push_back({"mpsc/32768", "mpsc", allocator, tuning, 1000, 32768, us, dontneed, faults, 0, 0,
                   dontneed > 0 ? 0.7 : 0.2, hwm});
  };
  auto block = [&](const char* allocator, double us, double faults, double brk, double hwm,
                   const char* tuning = "") {
    out.push_back({"block_on_alloc/100x4096", "block_on_alloc", allocator, tuning, 100, 4096, us, 0,
                   faults, brk, 0, brk > 0 ? 0.6 : 0.05, hwm});
  };
  // mpsc/32768 zeroed: jemalloc purges on x86-64 (4 KiB pages), not on aarch64.
  mpsc("std", x86 ? 1900 : 2400, 0, 0.6, 15000);
  mpsc("jemalloc", x86 ? 5200 : 2400, x86 ? 1.0 : 0, x86 ? 1.0 : 0.05, 19000);
  mpsc("mimalloc", x86 ? 980 : 1300, 0, 0.001, 26000);
  mpsc("jemalloc", x86 ? 2600 : 2400, x86 ? 0.5 : 0, x86 ? 0.5 : 0.05, 19500, "tcache_max:4096");
  // block_on_alloc/100x4096 zeroed: std trims its heap with brk on both.
  block("std", x86 ? 520 : 610, 1.0, 0.3, 9000);
  block("jemalloc", x86 ? 13 : 15, 0.001, 0, 11000);
  block("mimalloc", x86 ? 4.8 : 5.9, 0.001, 0, 12000);
  block("jemalloc", x86 ? 13 : 15, 0.001, 0, 11000, "tcache_max:4096");
  return out;
}

journal::CellRecord cell_record(const Spec& s, FixtureMachine machine) {
  const bool x86 = machine == FixtureMachine::x86_64;
  const std::string lib = x86 ? "/usr/lib/x86_64-linux-gnu/" : "/usr/lib/aarch64-linux-gnu/";
  journal::CellRecord r;
  journal::CellIdentity& id = r.identity;
  id.cell = s.cell(s.variant());
  id.group = id.workload = s.workload;
  id.family = s.family;
  id.payload = "zeroed";
  id.runtime = "asio";
  id.allocator = s.allocator;
  id.variant = s.variant();
  id.tuning = s.tuning;
  id.injection = "preload";
  id.baseline = s.allocator == "std";
  id.baseline_cell = s.cell("std");
  id.object = s.allocator == "std" ? "" : lib + "lib" + s.allocator + ".so.2";
  const std::string version = s.allocator == "std" ? "2.36"
                              : s.allocator == "jemalloc"
                                  ? "5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c"
                                  : "2.0.9";
  r.verification = {{"ok", true}, {"version", version}, {"bindings", json::array()}};
  if (!s.tuning.empty())
    r.tuning_check =
        alloc::TuningCheck{true,
                           "",
                           {{"tcache_max", "4096", "4096", alloc::KeyCheck::Status::verified,
                             "mallctl(\"opt.tcache_max\")"}},
                           ""};
  r.workload_info = {
      s.workload, s.family, "fixture workload", "multi-thread",  "asio", "blocks on the channel",
      4,          false,    s.elements,         s.payload_bytes, ""};
  for (const char* name : {"minor_faults", "madvise_dontneed", "brk", "mmap", "munmap"})
    r.counters.push_back({name, std::string("perf_event"), "tracepoint"});
  r.counters.push_back({"sys_ns", std::string("rusage"), "getrusage(RUSAGE_SELF)"});
  r.counters.push_back({"user_ns", std::string("rusage"), "getrusage(RUSAGE_SELF)"});
  r.warmup_iters = 64;
  r.warmup_ns = 1e8;
  r.plan_mode = "flat";
  r.processes = 1;
  return r;
}

journal::SampleRecord sample_record(const Spec& s, int round, int position) {
  journal::SampleRecord r;
  r.cell = s.cell(s.variant());
  r.group = s.workload;
  r.round = round;
  r.position = position;
  r.process = 0;
  // Drift shared by every cell of a round (cancels in paired ratios) plus
  // the cell's own noise.
  const double drift = 0.02 * static_cast<double>((round * 7) % 5) / 4.0;
  const double noise = fixture_noise(r.cell, round);
  const double ns = static_cast<double>(kIters) * s.us_per_iter * 1000 * (1 + drift + noise);
  r.measured.iters = kIters;
  r.measured.ns = static_cast<std::uint64_t>(std::llround(ns));
  const double elements = static_cast<double>(kIters * s.elements);
  auto total = [&](double per_element) {
    return static_cast<std::uint64_t>(std::llround(per_element * elements));
  };
  r.measured.counters = {
      {"minor_faults", total(s.faults)},
      {"madvise_dontneed", total(s.dontneed)},
      {"brk", total(s.brk)},
      {"mmap", total(s.mmap)},
      {"munmap", total(s.mmap)},
      {"sys_ns", static_cast<std::uint64_t>(std::llround(ns * s.sys_share))},
      {"user_ns", static_cast<std::uint64_t>(std::llround(ns * (1 - s.sys_share)))}};
  r.measured.rss_kib = static_cast<std::uint64_t>(s.hwm_kib) - 500;
  r.measured.hwm_kib = static_cast<std::uint64_t>(s.hwm_kib) + 10 * ((round * 3) % 4);
  r.measured.hwm_scope = "sample";
  return r;
}

json with_attempt(json j) {
  j["schema"] = 1;
  j["attempt"] = 1;
  return j;
}

}  // namespace

std::string machine_dir_name(FixtureMachine machine) {
  return machine == FixtureMachine::x86_64 ? "x86_64" : "aarch64";
}

std::string machine_manifest(FixtureMachine machine) {
  const bool x86 = machine == FixtureMachine::x86_64;
  journal::Manifest m;
  m.tool_version = "0.1.0";
  journal::MachineFacts& host = m.machine;
  host.cpu_model = x86 ? "AMD EPYC 7763 64-Core Processor" : "Neoverse-N1";
  host.cores_online = x86 ? 4 : 4;
  host.arch = x86 ? "x86_64" : "aarch64";
  host.kernel = x86 ? "Linux 6.8.0-1017-azure" : "Linux 6.8.0-1017-azure-arm64";
  host.hostname = x86 ? "runner-x86" : "runner-arm";
  host.page_size = x86 ? 4096 : 65536;
  host.thp_enabled = "madvise";
  host.glibc = "2.36";
  host.compiler = "GCC 12.2.0";
  const std::string lib = x86 ? "/usr/lib/x86_64-linux-gnu/" : "/usr/lib/aarch64-linux-gnu/";
  m.allocators["std"] = {"", false, "GLIBC_TUNABLES=glibc.malloc.*", {}, {}};
  m.allocators["jemalloc"] = {lib + "libjemalloc.so.2", false, "MALLOC_CONF", "libjemalloc2",
                              "5.3.0-1"};
  m.allocators["mimalloc"] = {lib + "libmimalloc.so.2", false, "MIMALLOC_<OPTION>",
                              "libmimalloc2.0", "2.0.9+ds-2"};
  for (const auto& s : specs(machine)) {
    if (m.plan.groups.empty() || m.plan.groups.back().group != s.workload)
      m.plan.groups.push_back({s.workload, {}});
    m.plan.groups.back().cells.push_back(s.cell(s.variant()));
    ++m.plan.cells;
  }
  m.options = {{"profile", "quick"},
               {"samples", kFixtureRounds},
               {"processes", 1},
               {"allocators", {"std", "jemalloc", "mimalloc"}},
               {"tunings", {"jemalloc:tcache_max:4096"}},
               {"payloads", {"zeroed"}},
               {"baseline", "std"},
               {"bootstrap_resamples", 1000}};
  m.plan.digest = journal::plan_digest(m.plan, m.options);
  m.attempts = {{1, "2026-12-01T10:00:00Z", "2026-12-01T10:05:00Z"}};
  return json(m).dump(2) + "\n";
}

std::string machine_journal(FixtureMachine machine) {
  const auto all = specs(machine);
  std::vector<json> out;
  out.push_back(with_attempt(
      journal::RunStartRecord{1, "2026-12-01T10:00:00Z", {"alloc-shootout", "run", "--fixture"}}));
  for (const char* workload : {"mpsc/32768", "block_on_alloc/100x4096"}) {
    std::vector<Spec> group;
    for (const auto& s : all)
      if (s.workload == workload) group.push_back(s);
    for (const auto& s : group) out.push_back(with_attempt(cell_record(s, machine)));
    const int n = static_cast<int>(group.size());
    for (int round = 0; round < kFixtureRounds; ++round)
      for (int p = 0; p < n; ++p)
        out.push_back(with_attempt(
            sample_record(group[static_cast<std::size_t>((p + round) % n)], round, p)));
    out.push_back(with_attempt(
        journal::GroupDoneRecord{workload, kFixtureRounds, std::nullopt, std::nullopt}));
  }
  out.push_back(with_attempt(journal::RunEndRecord{"2026-12-01T10:05:00Z", 8, 0}));
  std::string text;
  for (const auto& r : out) text += r.dump() + "\n";
  return text;
}

void write_machine_run(const std::string& dir, FixtureMachine machine) {
  mkdir(dir.c_str(), 0755);
  std::ofstream(dir + "/manifest.json", std::ios::binary) << machine_manifest(machine);
  std::ofstream(dir + "/samples.jsonl", std::ios::binary) << machine_journal(machine);
  std::ifstream check(dir + "/samples.jsonl");
  if (!check) throw std::runtime_error("cannot write the machine fixture into " + dir);
}

}  // namespace shootout::report::testing
