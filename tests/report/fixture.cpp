#include "fixture.h"

#include <sys/stat.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "journal/manifest.h"

namespace shootout::report::testing {

namespace {

using nlohmann::json;

constexpr std::uint64_t kElements = 1000;  // messages or tasks per iteration

// Per-element counter rates and CPU/memory figures of one cell.
struct Behaviour {
  double dontneed = 0, free = 0, other_madvise = 0, brk = 0, mmap = 0, munmap = 0;
  double faults = 0.0004;  // a few faults per thousand elements: a warm cell
  double sys_share = 0.03;
  double hwm_kib = 12000;
  double other_cpu = 0.02;
  bool interposed_syscalls = false;
};

struct CellSpec {
  std::string workload, family, payload, allocator, tuning;
  std::uint64_t payload_bytes = 0;
  double ns_per_iter = 0;
  Behaviour b;
  std::string variant() const {
    return tuning.empty() ? allocator : allocator + "[" + tuning + "]";
  }
};

std::string cell_id(const CellSpec& c, const std::string& variant) {
  return c.workload + "|" + c.payload + "|asio|" + variant + "|preload";
}

json counter_sources(const Behaviour& b) {
  const std::string sys = b.interposed_syscalls ? "interpose" : "perf_event";
  auto tp = [&](const char* name, const char* detail) {
    return json{{"name", name},
                {"source", sys},
                {"detail", b.interposed_syscalls ? "the worker's libc wrappers" : detail}};
  };
  return json::array({
      {{"name", "minor_faults"},
       {"source", "perf_event"},
       {"detail", "PERF_COUNT_SW_PAGE_FAULTS_MIN"}},
      {{"name", "major_faults"},
       {"source", "perf_event"},
       {"detail", "PERF_COUNT_SW_PAGE_FAULTS_MAJ"}},
      tp("madvise", "syscalls:sys_enter_madvise"),
      tp("madvise_dontneed", "syscalls:sys_enter_madvise, filter behavior == 4"),
      tp("madvise_free", "syscalls:sys_enter_madvise, filter behavior == 8"),
      tp("mmap", "syscalls:sys_enter_mmap"),
      tp("munmap", "syscalls:sys_enter_munmap"),
      tp("brk", "syscalls:sys_enter_brk"),
      tp("mremap", "syscalls:sys_enter_mremap"),
      {{"name", "user_ns"}, {"source", "rusage"}, {"detail", "getrusage(RUSAGE_SELF)"}},
      {{"name", "sys_ns"}, {"source", "rusage"}, {"detail", "getrusage(RUSAGE_SELF)"}},
      {{"name", "cycles"},
       {"source", nullptr},
       {"detail", "hardware counters not supported by this virtual machine"}},
  });
}

json workload_info(const CellSpec& c) {
  const bool mpsc = c.family == "mpsc";
  json w = {
      {"name", c.workload},
      {"family", c.family},
      {"description",
       mpsc ? "1 sender task sends 1000 payloads; the bench thread receives them (capacity 100)"
            : "the bench thread spawns N trivial tasks and waits until all finished"},
      {"pool_threads", 4},
      {"runtime_kind", "multi-thread"},
      {"runtime_build", "asio"},
      {"wait_mode", "blocks on the channel"},
      {"pinned", false},
      {"elements_per_iteration", kElements},
      {"payload_bytes", c.payload_bytes}};
  if (!mpsc) w["wait_mode"] = "blocks on a condition variable";
  return w;
}

std::vector<CellSpec> cells(const FixtureOptions& o) {
  const std::string mi = o.hostile_names ? "<script>alert(1)</script>" : "mimalloc";
  std::vector<CellSpec> out;
  auto mpsc = [&](std::uint64_t size, const char* payload, const char* allocator, double us,
                  Behaviour b = {}, const char* tuning = "") {
    out.push_back(
        {"mpsc/" + std::to_string(size), "mpsc", payload, allocator, tuning, size, us * 1000, b});
  };
  Behaviour
      jemalloc_purge;  // calloc zeroes by purging: one MADV_DONTNEED and one fault per message
  jemalloc_purge.dontneed = 1.0;
  jemalloc_purge.faults = 1.0;
  jemalloc_purge.sys_share = 0.72;
  jemalloc_purge.hwm_kib = 19000;
  Behaviour std_fresh;
  std_fresh.faults = 0.6;
  std_fresh.sys_share = 0.3;
  std_fresh.hwm_kib = 15000;
  Behaviour std_trim;
  std_trim.brk = 0.3;
  std_trim.faults = 2.4;
  std_trim.sys_share = 0.45;
  std_trim.hwm_kib = 15500;
  Behaviour lazy;
  lazy.free = 0.009;
  lazy.faults = 0.0001;
  lazy.hwm_kib = 26000;
  Behaviour lazy_interposed = lazy;
  lazy_interposed.interposed_syscalls = true;
  Behaviour big;
  big.hwm_kib = 18500;

  for (const char* payload : {"zeroed", "filled"}) {
    const bool zeroed = std::string(payload) == "zeroed";
    mpsc(8, payload, "std", zeroed ? 139.5 : 140.0);
    mpsc(8, payload, "jemalloc", zeroed ? 113.3 : 114.0);
    mpsc(8, payload, mi.c_str(), zeroed ? 112.6 : 113.0);
    mpsc(4096, payload, "std", zeroed ? 264.3 : 270.0);
    mpsc(4096, payload, "jemalloc", zeroed ? 266.0 : 380.0);
    mpsc(4096, payload, mi.c_str(), zeroed ? 212.9 : 215.0);
    mpsc(32768, payload, "std", zeroed ? 1875.3 : 2400.0, zeroed ? std_fresh : std_trim);
    mpsc(32768, payload, "jemalloc", zeroed ? 5200.0 : 1500.0, zeroed ? jemalloc_purge : big);
    mpsc(32768, payload, mi.c_str(), zeroed ? 984.4 : 990.0, zeroed ? lazy : lazy_interposed);
    mpsc(32768, payload, "jemalloc", zeroed ? 5190.0 : 900.0, zeroed ? jemalloc_purge : big,
         "tcache_max:4096");
  }
  if (o.with_floor) {
    mpsc(32768, "floor", "std", 600.0);
    mpsc(32768, "floor", "jemalloc", 500.0);
    mpsc(32768, "floor", mi.c_str(), 500.0);
    mpsc(32768, "floor", "jemalloc", 500.0, {}, "tcache_max:4096");
  }
  Behaviour busy;  // another process ran beside std's spawn_many cell
  busy.other_cpu = 0.15;
  busy.faults = 0.02;
  auto spawn = [&](const char* allocator, double us, Behaviour b = {}, const char* tuning = "") {
    b.hwm_kib = 10000;
    out.push_back({"spawn_many/1000", "spawn_many", "none", allocator, tuning, 0, us * 1000, b});
  };
  spawn("std", 748.0, busy);
  spawn("jemalloc", 630.3);
  spawn(mi.c_str(), 594.4);
  spawn("jemalloc", 660.0, {}, "tcache_max:4096");
  return out;
}

json cell_record(const CellSpec& c, int attempt) {
  const std::string variant = c.variant();
  const bool is_std = c.allocator == "std";
  const bool is_jemalloc = c.allocator == "jemalloc";
  const std::string version = is_std        ? "2.36"
                              : is_jemalloc ? "5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c"
                                            : "2.0.9";
  const std::string version_source = is_std        ? "gnu_get_libc_version()"
                                     : is_jemalloc ? "mallctl(\"version\")"
                                                   : "mi_version()";
  json verification = {
      {"ok", true},
      {"active_object", is_std ? "/lib/x86_64-linux-gnu/libc.so.6"
                               : "/usr/lib/x86_64-linux-gnu/lib" + c.allocator + ".so.2"},
      {"version", version},
      {"version_source", version_source},
      {"bindings", json::array()}};
  return {{"schema", 1},
          {"type", "cell"},
          {"attempt", attempt},
          {"cell", cell_id(c, variant)},
          {"group", c.workload},
          {"workload", c.workload},
          {"family", c.family},
          {"payload", c.payload},
          {"runtime", "asio"},
          {"allocator", c.allocator},
          {"variant", variant},
          {"tuning", c.tuning},
          {"injection", "preload"},
          {"baseline", is_std},
          {"baseline_cell", cell_id(c, "std")},
          {"object", is_std ? "" : "/usr/lib/x86_64-linux-gnu/lib" + c.allocator + ".so.2"},
          {"verification", verification},
          {"workload_info", workload_info(c)},
          {"counters", counter_sources(c.b)},
          {"warmup", {{"iters", 64}, {"ns", 300000000}}},
          {"plan", {{"mode", "linear"}, {"iterations", json::array()}}}};
}

// Iterations per sample step: about 2 ms of work per step.
std::uint64_t step(const CellSpec& c) {
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(2e6 / c.ns_per_iter));
}

json sample_record(const CellSpec& c, int attempt, int round, int position) {
  const std::uint64_t iters = step(c) * static_cast<std::uint64_t>(round + 1);
  // Machine drift shared by every cell of a round (cancels in paired ratios)
  // plus the cell's own noise.
  const double drift = 0.03 * static_cast<double>((round * 7) % 5) / 4.0;
  const double noise = fixture_noise(cell_id(c, c.variant()), round);
  const auto ns = std::llround(static_cast<double>(iters) * c.ns_per_iter * (1 + drift + noise));
  const double elements = static_cast<double>(iters * kElements);
  auto total = [&](double per_element) { return std::llround(per_element * elements); };
  const Behaviour& b = c.b;
  const double cpu = static_cast<double>(ns) * 1.6;  // sender and receiver threads both busy
  json counters = {{"minor_faults", total(b.faults)},
                   {"major_faults", 0},
                   {"madvise", total(b.dontneed + b.free + b.other_madvise)},
                   {"madvise_dontneed", total(b.dontneed)},
                   {"madvise_free", total(b.free)},
                   {"mmap", total(b.mmap)},
                   {"munmap", total(b.munmap)},
                   {"brk", total(b.brk)},
                   {"mremap", 0},
                   {"user_ns", std::llround(cpu * (1 - b.sys_share))},
                   {"sys_ns", std::llround(cpu * b.sys_share)}};
  return {{"schema", 1},
          {"type", "sample"},
          {"attempt", attempt},
          {"cell", cell_id(c, c.variant())},
          {"group", c.workload},
          {"round", round},
          {"position", position},
          {"iters", iters},
          {"ns", ns},
          {"counters", counters},
          {"rss_kib", std::llround(b.hwm_kib) - 500},
          {"hwm_kib", std::llround(b.hwm_kib) + 10 * ((round * 3) % 4)},
          {"hwm_scope", "sample"},
          {"other_cpu_share", b.other_cpu}};
}

// The group's records: cells, then `rounds` lockstep rounds in rotated order.
void write_group(std::vector<json>& out, const std::vector<CellSpec>& group, int attempt,
                 int rounds, bool done) {
  for (const auto& c : group) out.push_back(cell_record(c, attempt));
  const int n = static_cast<int>(group.size());
  for (int r = 0; r < rounds; ++r)
    for (int p = 0; p < n; ++p) out.push_back(sample_record(group[(p + r) % n], attempt, r, p));
  if (done)
    out.push_back({{"schema", 1},
                   {"type", "group_done"},
                   {"attempt", attempt},
                   {"group", group[0].workload},
                   {"rounds", rounds}});
}

json profile_record(const std::string& workload, const std::string& payload, double calls_per_iter,
                    double bytes_per_iter, int attempt) {
  const int iters = 5;
  return {{"schema", 1},
          {"type", "profile"},
          {"attempt", attempt},
          {"group", workload},
          {"workload", workload},
          {"payload", payload},
          {"runtime", "asio"},
          {"iters", iters},
          {"calls", std::llround(calls_per_iter * iters)},
          {"bytes", std::llround(bytes_per_iter * iters)},
          {"frees", std::llround(calls_per_iter * iters)}};
}

}  // namespace

// The manifest as `run` writes it (journal::Manifest, written by
// run/runner.cpp): the report reads nothing else.
std::string fixture_manifest(const FixtureOptions& o) {
  journal::Manifest m;
  journal::MachineFacts& host = m.machine;
  host.cpu_model = o.hostile_names ? "<img src=x onerror=alert(2)>" : "Synthetic CPU @ 2.00GHz";
  host.cores_online = 2;
  host.arch = "x86_64";
  host.kernel = "6.1.0-26-amd64";
  host.hostname = "fixture";
  host.page_size = 4096;
  host.thp_enabled = "madvise";
  host.thp_defrag = "madvise";
  host.glibc = "2.36";
  host.compiler = "GCC 12.2.0";
  host.build_type = "Release";
  host.cxx_flags = "-O2 -DNDEBUG";
  host.loadavg = "0.08 0.10 0.09 1/150 4000";
  host.loadavg_end = "1.95 1.20 0.60 1/160 4100";
  const std::string lib = "/usr/lib/x86_64-linux-gnu/";
  m.allocators["std"] = {"", false, "GLIBC_TUNABLES=glibc.malloc.*", {}, {}};
  m.allocators["jemalloc"] = {lib + "libjemalloc.so.2", false,
                              "MALLOC_CONF (or <PREFIX>MALLOC_CONF)", "libjemalloc2", "5.3.0-1"};
  m.allocators["mimalloc"] = {lib + "libmimalloc.so.2", false, "MIMALLOC_<OPTION>",
                              "libmimalloc2.0", "2.0.9+ds-2"};
  m.allocators["tcmalloc"] = {lib + "libtcmalloc_minimal.so.4", false, "TCMALLOC_*",
                              "libtcmalloc-minimal4", "2.10-2"};
  std::map<std::string, std::size_t> group_of;
  for (const auto& c : cells(o)) {
    if (!group_of.count(c.workload)) {
      group_of[c.workload] = m.plan.groups.size();
      m.plan.groups.push_back({c.workload, {}});
    }
    m.plan.groups[group_of[c.workload]].cells.push_back(cell_id(c, c.variant()));
    ++m.plan.cells;
  }
  // The cell that failed its verification (fixture_journal) was planned too.
  m.plan.groups[group_of["mpsc/8"]].cells.push_back("mpsc/8|zeroed|asio|tcmalloc|preload");
  ++m.plan.cells;
  m.options = {{"profile", "quick"},
               {"samples", kFixtureRounds},
               {"measurement_seconds", 0.8},
               {"warmup_seconds", 0.2},
               {"processes", 1},
               {"allocators", {"std", "jemalloc", "mimalloc", "tcmalloc"}},
               {"payloads", {"zeroed", "filled"}},
               {"runtimes", {"asio"}},
               {"injection", "preload"},
               {"baseline", "std"},
               {"bootstrap_resamples", 10000}};
  m.attempts = {{1, "2026-11-26T15:00:00Z", "2026-11-26T15:02:00Z"},
                {2, "2026-11-26T15:02:30Z", "2026-11-26T15:04:10Z"}};
  return nlohmann::json(m).dump(2) + "\n";
}

std::string fixture_journal(const FixtureOptions& o) {
  const auto all = cells(o);
  std::map<std::string, std::vector<CellSpec>> groups;  // workload -> cells, in spec order
  std::vector<std::string> order;
  for (const auto& c : all) {
    if (!groups.count(c.workload)) order.push_back(c.workload);
    groups[c.workload].push_back(c);
  }
  std::vector<json> out;
  out.push_back({{"schema", 1},
                 {"type", "run_start"},
                 {"attempt", 1},
                 {"time", "2026-11-26T15:00:00Z"},
                 {"argv", {"alloc-shootout", "run", "-w", "mpsc/{8,4096,32768},spawn_many/1000"}}});
  for (const auto& workload : order) {
    if (workload == "spawn_many/1000") {
      write_group(out, groups[workload], 1, 3, false);  // interrupted: redone in attempt 2
      continue;
    }
    write_group(out, groups[workload], 1, kFixtureRounds, true);
    if (workload == "mpsc/8") {
      out.push_back(
          {{"schema", 1},
           {"type", "cell_failed"},
           {"attempt", 1},
           {"cell", "mpsc/8|zeroed|asio|tcmalloc|preload"},
           {"group", "mpsc/8"},
           {"workload", "mpsc/8"},
           {"family", "mpsc"},
           {"payload", "zeroed"},
           {"runtime", "asio"},
           {"allocator", "tcmalloc"},
           {"variant", "tcmalloc"},
           {"tuning", ""},
           {"injection", "preload"},
           {"phase", "verification"},
           {"reason",
            "malloc is served by /lib/x86_64-linux-gnu/libc.so.6, not libtcmalloc_minimal.so.4"},
           {"exit_code", 3},
           {"signal", nullptr},
           {"stderr_tail", {"verification failed: malloc -> /lib/x86_64-linux-gnu/libc.so.6"}},
           {"verification", {{"ok", false}}}});
      out.push_back(profile_record("mpsc/8", "zeroed", 2004, 40160, 1));
    }
    if (workload == "mpsc/32768")
      out.push_back(profile_record("mpsc/32768", "zeroed", 2004, 32800160, 1));
  }
  out.push_back({{"schema", 1},
                 {"type", "run_start"},
                 {"attempt", 2},
                 {"time", "2026-11-26T15:03:00Z"},
                 {"argv", {"alloc-shootout", "run", "--resume", "runs/fixture"}}});
  write_group(out, groups["spawn_many/1000"], 2, kFixtureRounds, true);
  out.push_back(profile_record("spawn_many/1000", "none", 3001, 312096, 2));
  out.push_back({{"schema", 1},
                 {"type", "run_end"},
                 {"attempt", 2},
                 {"time", "2026-11-26T15:04:10Z"},
                 {"cells", 25},
                 {"failed", 1}});
  std::string text;
  for (const auto& r : out) text += r.dump() + "\n";
  return text;
}

void write_fixture_run(const std::string& dir, const FixtureOptions& options) {
  mkdir(dir.c_str(), 0755);
  std::ofstream(dir + "/manifest.json", std::ios::binary) << fixture_manifest(options);
  std::ofstream(dir + "/samples.jsonl", std::ios::binary) << fixture_journal(options);
  std::ifstream check(dir + "/samples.jsonl");
  if (!check) throw std::runtime_error("cannot write the fixture into " + dir);
}

double fixture_noise(const std::string& cell, int round) {
  std::uint64_t seed = 1469598103934665603ULL;  // FNV-1a of the cell's id
  for (char c : cell) seed = (seed ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  seed += static_cast<std::uint64_t>(round);
  seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  seed ^= seed >> 33;
  return static_cast<double>(static_cast<std::int64_t>(seed % 2001) - 1000) / 100000.0;
}

}  // namespace shootout::report::testing
