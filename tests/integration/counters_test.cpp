// Kernel counters in samples.jsonl: present with their source, per sample,
// and exact for an induced madvise burst — through perf tracepoints and
// through the interposition fallback.
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace {

// The worker mounts tracefs as root if needed; after a run, its event files
// tell whether this kernel has the syscall and x86 fault tracepoints.
bool tracepoints_here() {
  const std::string events = "/sys/kernel/tracing/events/";
  return std::filesystem::exists(events + "syscalls/sys_enter_madvise/id") &&
         std::filesystem::exists(events + "exceptions/page_fault_user/id");
}

std::vector<nlohmann::json> burst_samples(const std::vector<std::string>& extra) {
  const std::string dir = fresh_dir("burst") + "/run";
  std::vector<std::string> args = {"run",
                                   "-a",
                                   "std",
                                   "--allocator",
                                   std::string("burst=") + FIXTURE_MADVISE_BURST,
                                   "-w",
                                   "block_on_alloc/10x12345",
                                   "--payload",
                                   "zeroed",
                                   "--out",
                                   dir,
                                   "--no-allocation-profile"};
  for (const auto& a : tiny_profile(3)) args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto records = journal_records(dir);
  for (const auto& c : records_of_type(records, "cell"))
    if (c["variant"] == "burst") {
      for (const auto& counter : c["counters"]) {
        if (counter["name"] == "madvise_free") {
          EXPECT_EQ(counter["source"], extra.empty() ? "perf_event" : "interpose")
              << counter.dump();
        }
      }
    }
  std::vector<nlohmann::json> burst;
  for (const auto& s : records_of_type(records, "sample"))
    if (s["cell"].get<std::string>().find("|burst|") != std::string::npos) burst.push_back(s);
  return burst;
}

}  // namespace

TEST(Counters, InducedMadviseBurstIsCountedExactlyByTracepoints) {
  auto samples = burst_samples({});
  ASSERT_EQ(samples.size(), 3u);
  for (const auto& s : samples) {
    const auto iters = s["iters"].get<std::uint64_t>();
    // 10 callocs of 12345 bytes per iteration, 3 MADV_FREE each.
    EXPECT_EQ(s["counters"]["madvise_free"].get<std::uint64_t>(), 30 * iters) << s.dump();
    EXPECT_GE(s["counters"]["madvise"].get<std::uint64_t>(), 30 * iters);
  }
}

TEST(Counters, InterpositionFallbackCountsTheSameBurst) {
  auto samples = burst_samples({"--no-tracepoints"});
  ASSERT_EQ(samples.size(), 3u);
  for (const auto& s : samples)
    EXPECT_EQ(s["counters"]["madvise_free"].get<std::uint64_t>(),
              30 * s["iters"].get<std::uint64_t>())
        << s.dump();
}

TEST(Counters, EveryCounterRecordsItsSourceAndUnavailableOnesAreAbsent) {
  const std::string dir = fresh_dir("sources") + "/run";
  std::vector<std::string> args = {"run", "-a", "std,jemalloc", "-w", "mpsc/32768", "--payload",
                                   "zeroed", "--out", dir, "--no-allocation-profile",
                                   // Past jemalloc's first iterations, whose purging is not yet
                                   // steady: every process gets the whole warm-up (the default
                                   // number of processes).
                                   "--samples", "3", "--measurement-time", "0.1", "--warm-up-time",
                                   "0.1"};
  auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto records = journal_records(dir);
  std::set<std::string> unavailable;
  for (const auto& c : records_of_type(records, "cell")) {
    ASSERT_TRUE(c["counters"].is_array());
    for (const auto& counter : c["counters"]) {
      ASSERT_TRUE(counter.contains("source"));
      if (counter["source"].is_null()) {
        unavailable.insert(counter["name"]);
      } else {
        EXPECT_FALSE(counter["detail"].get<std::string>().empty()) << counter.dump();
      }
      // Where the kernel has the tracepoints (x86 with tracefs), both of the
      // study's counters come from perf_event in the worker.
      if (tracepoints_here() &&
          (counter["name"] == "madvise_dontneed" || counter["name"] == "minor_faults")) {
        EXPECT_EQ(counter["source"], "perf_event") << counter.dump();
      }
    }
  }
  for (const auto& s : records_of_type(records, "sample")) {
    for (const auto& name : unavailable) EXPECT_FALSE(s["counters"].contains(name)) << name;
    for (const char* name : {"minor_faults", "madvise_dontneed", "madvise_free", "mmap", "munmap",
                             "brk", "mremap", "user_ns", "sys_ns"})
      if (!unavailable.count(name)) {
        EXPECT_TRUE(s["counters"].contains(name)) << name;
      }
    // jemalloc's zeroed 32 KiB payloads: one MADV_DONTNEED and one
    // demand-zero fault per message (DESIGN.md §4).
    if (s["cell"].get<std::string>().find("|jemalloc|") == std::string::npos) continue;
    for (const char* name : {"madvise_dontneed", "minor_faults"}) {
      if (!s["counters"].contains(name)) continue;
      const double per_message =
          s["counters"][name].get<double>() / (s["iters"].get<double>() * 1000.0);
      EXPECT_GT(per_message, 0.9) << name << " " << s.dump();
      EXPECT_LT(per_message, 1.1) << name << " " << s.dump();
    }
  }
}

// Hardware events can only be per-task (inherit) events, which slow the
// workload: off by default, opened only with --hardware-counters, and then
// recorded as unavailable on a machine without a PMU — absent, never zero.
TEST(Counters, HardwareCountersAreOffUnlessAsked) {
  auto hardware_statuses = [](const std::vector<std::string>& extra) {
    const std::string dir = fresh_dir("hardware") + "/run";
    std::vector<std::string> args = {
        "run",       "-a",     "std",   "-w", "block_on_alloc/10x4096",
        "--payload", "zeroed", "--out", dir,  "--no-allocation-profile"};
    for (const auto& a : tiny_profile(2)) args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto records = journal_records(dir);
    std::map<std::string, nlohmann::json> statuses;
    for (const auto& c : records_of_type(records, "cell"))
      for (const auto& counter : c["counters"])
        if (counter["name"] == "cycles" || counter["name"] == "instructions" ||
            counter["name"] == "cache_references" || counter["name"] == "cache_misses")
          statuses[counter["name"]] = counter;
    std::set<std::string> sampled;
    for (const auto& s : records_of_type(records, "sample"))
      for (const auto& [name, value] : s["counters"].items())
        if (statuses.count(name)) sampled.insert(name);
    return std::make_pair(statuses, sampled);
  };

  const auto [off, off_sampled] = hardware_statuses({});
  ASSERT_EQ(off.size(), 4u);
  for (const auto& [name, status] : off) {
    EXPECT_TRUE(status["source"].is_null()) << status.dump();
    EXPECT_NE(status["detail"].get<std::string>().find("not opened"), std::string::npos)
        << status.dump();
  }
  EXPECT_TRUE(off_sampled.empty());

  const auto [asked, asked_sampled] = hardware_statuses({"--hardware-counters"});
  ASSERT_EQ(asked.size(), 4u);
  for (const auto& [name, status] : asked) {
    const std::string detail = status["detail"].get<std::string>();
    EXPECT_EQ(detail.find("not opened"), std::string::npos) << status.dump();
    if (status["source"].is_null()) {
      // No PMU (these VMs): the kernel's refusal is the reason.
      EXPECT_EQ(asked_sampled.count(name), 0u) << name;
    } else {
      EXPECT_EQ(status["source"], "perf_event");
      EXPECT_EQ(asked_sampled.count(name), 1u) << name;
    }
  }
}
