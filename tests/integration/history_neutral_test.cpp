// The worker is history-neutral: before its first sample it asks the same
// of every allocator, so the same allocator under two names gives the same
// answer. Real workers, started the way the runner starts them
// (launch_for_cell), with the malloc-counting shim's start-up log.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "alloc/elf_info.h"
#include "alloc/registry.h"
#include "cli_runner.h"
#include "probe/malloc_count.h"
#include "run/cell_launch.h"
#include "run/plan.h"
#include "worker/protocol.h"

namespace {

using shootout::alloc::Allocator;

// The C library's malloc object, from the loader cache (never a fixed path).
std::string c_library_path() {
  for (const auto& e : shootout::alloc::read_loader_cache()) {
    const auto identity = shootout::alloc::read_elf_identity(e.path);
    if (e.soname == "libc.so.6" && identity && shootout::alloc::loadable_here(*identity))
      return e.path;  // not the 32-bit copy
  }
  return {};
}

Allocator std_allocator() {
  Allocator a;
  a.name = "std";
  a.available = true;
  return a;
}

std::string bin_directory() { return std::filesystem::path(SHOOTOUT_CLI).parent_path().string(); }

shootout::run::Cell cell_for(const Allocator& allocator, const std::string& workload) {
  shootout::run::Cell cell;
  cell.workload = workload;
  cell.payload = "zeroed";
  cell.runtime = "asio";
  cell.allocator = allocator;
  cell.variant = allocator.name;
  cell.id = workload + "|zeroed|asio|" + allocator.name + "|preload";
  return cell;
}

struct StartUpLog {
  // Per thread, in the order the threads first called: each call as
  // "malloc 24". Threads run concurrently, so only each one's own order is
  // deterministic.
  std::vector<std::vector<std::string>> threads;
  std::uint64_t largest_request = 0;
  std::string largest_call;
  std::uint64_t dropped = 0;
  bool ended = false;
};

StartUpLog read_log(const std::string& path) {
  StartUpLog log;
  std::map<std::string, size_t> thread_index;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string tid, call;
    std::uint64_t bytes = 0;
    fields >> tid >> call >> bytes;
    if (tid == "end") {
      fields.clear();
      fields.str(line);
      std::uint64_t recorded = 0;
      fields >> tid >> recorded >> log.dropped;
      log.ended = true;
      continue;
    }
    auto [at, fresh] = thread_index.try_emplace(tid, log.threads.size());
    if (fresh) log.threads.emplace_back();
    log.threads[at->second].push_back(call + " " + std::to_string(bytes));
    if (bytes > log.largest_request) {
      log.largest_request = bytes;
      log.largest_call = line;
    }
  }
  return log;
}

std::string type_of(const shootout::run::WorkerProcess::Reply& reply) {
  return reply.message.is_object() ? reply.message.value("type", "") : "(no reply)";
}

// Starts the cell's worker as the runner would, with the counting shim
// ahead of its allocator, and runs one iteration: the log then holds every
// call from the shim's load up to the first sample.
StartUpLog start_up_of(const Allocator& allocator, const std::string& workload) {
  const std::string dir = fresh_dir("start-up-" + allocator.name);
  shootout::run::RunOptions options;
  shootout::run::WorkerPaths paths{bin_directory()};
  auto launch = shootout::run::launch_for_cell(cell_for(allocator, workload), options, paths,
                                               dir + "/worker.log");
  auto preload = launch.env_overrides.find("LD_PRELOAD");
  const std::string allocator_preload =
      preload == launch.env_overrides.end() ? "" : ":" + preload->second;
  launch.env_overrides["LD_PRELOAD"] = paths.malloc_count_shim() + allocator_preload;
  launch.env_overrides[shootout::probe::kMallocLogVariable] = dir + "/start-up.log";
  {
    shootout::run::WorkerProcess worker(launch);
    auto hello = worker.receive(std::chrono::seconds(30));
    EXPECT_EQ(type_of(hello), "hello") << hello.message.dump();
    worker.send(shootout::worker::encode({shootout::worker::CommandKind::run, 1}));
    auto sample = worker.receive(std::chrono::seconds(30));
    EXPECT_EQ(type_of(sample), "sample") << sample.message.dump();
    worker.send(shootout::worker::encode({shootout::worker::CommandKind::quit, 0}));
    worker.wait_or_kill(std::chrono::seconds(5));
  }
  return read_log(dir + "/start-up.log");
}

// Where two call sequences part, with a few calls around it (empty: equal).
std::string first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  if (i == a.size() && i == b.size()) return {};
  auto around = [&](const std::vector<std::string>& calls) {
    std::string text;
    for (std::size_t k = i >= 3 ? i - 3 : 0; k < std::min(calls.size(), i + 4); ++k)
      text += (k == i ? "[" + calls[k] + "] " : calls[k] + " ");
    return text;
  };
  return "call " + std::to_string(i) + " of " + std::to_string(a.size()) + " / " +
         std::to_string(b.size()) + ": std " + around(a) + "| glibc2 " + around(b);
}

void expect_same_start_up(const std::string& workload) {
  const std::string libc = c_library_path();
  ASSERT_FALSE(libc.empty()) << "libc.so.6 not in the loader cache";
  Allocator glibc2 = shootout::alloc::parse_user_allocator("glibc2=" + libc);
  StartUpLog std_log = start_up_of(std_allocator(), workload);
  StartUpLog glibc2_log = start_up_of(glibc2, workload);
  for (const StartUpLog* log : {&std_log, &glibc2_log}) {
    ASSERT_TRUE(log->ended) << "the worker never marked the start of timing";
    EXPECT_EQ(log->dropped, 0u);
    ASSERT_FALSE(log->threads.empty());
    // Below glibc's 128 KiB initial mmap threshold with room to spare: no
    // request of the start-up can be mmapped, so no free can move the
    // threshold (the A/A run's 97x came from one 2 MiB copy of an ELF file).
    EXPECT_LT(log->largest_request, 64u * 1024) << log->largest_call;
  }
  // The main thread first; the runtime's threads, whose start order may
  // vary, compared as a set of sequences.
  EXPECT_EQ(first_difference(std_log.threads.front(), glibc2_log.threads.front()), "");
  auto others = [](StartUpLog log) {
    std::vector<std::vector<std::string>> rest(log.threads.begin() + 1, log.threads.end());
    std::sort(rest.begin(), rest.end());
    return rest;
  };
  EXPECT_EQ(others(std_log), others(glibc2_log));
}

}  // namespace

TEST(HistoryNeutralWorker, StartUpAsksTheSameOfStdAndOfTheCLibraryUnderAnotherName) {
  expect_same_start_up("block_on_alloc/100x4096");
}

TEST(HistoryNeutralWorker, StartUpOfAThreadedWorkloadIsTheSameToo) {
  expect_same_start_up("mpsc/32768");
}

// The original symptom, without timing: the same allocator must show the
// same kernel behaviour. Under glibc, block_on_alloc/100x4096 trims its heap
// through brk every iteration — unless something freed an mmapped chunk
// before, which raises the trim threshold for good and leaves 0 brk.
TEST(HistoryNeutralWorker, SameAllocatorUnderTwoNamesMakesTheSameBrkCallsPerIteration) {
  const std::string libc = c_library_path();
  ASSERT_FALSE(libc.empty());
  const std::string dir = fresh_dir("aa-brk") + "/run";
  std::vector<std::string> args = {"run",
                                   "-a",
                                   "std,glibc2",
                                   "--allocator",
                                   "glibc2=" + libc,
                                   "-w",
                                   "block_on_alloc/100x4096",
                                   "--payload",
                                   "zeroed",
                                   "--out",
                                   dir,
                                   "--no-allocation-profile"};
  for (const auto& a : tiny_profile(3)) args.push_back(a);
  auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::pair<double, double>> brk_and_iterations;  // by variant
  for (const auto& s : records_of_type(journal_records(dir), "sample")) {
    if (!s["counters"].contains("brk")) GTEST_SKIP() << "no brk counter on this machine";
    const std::string cell = s["cell"];
    const std::string variant = cell.find("|glibc2|") != std::string::npos ? "glibc2" : "std";
    brk_and_iterations[variant].first += s["counters"]["brk"].get<double>();
    brk_and_iterations[variant].second += s["iters"].get<double>();
  }
  ASSERT_EQ(brk_and_iterations.size(), 2u);
  const double std_brk = brk_and_iterations["std"].first / brk_and_iterations["std"].second;
  const double glibc2_brk =
      brk_and_iterations["glibc2"].first / brk_and_iterations["glibc2"].second;
  // Whole calls per iteration: the pattern is the same every iteration.
  EXPECT_EQ(std::lround(std_brk), std::lround(glibc2_brk))
      << "std " << std_brk << " brk/iteration, glibc2 " << glibc2_brk;
  // And glibc still trims: 100 x 4 KiB freed per iteration is 400 KiB on top
  // of the heap, over the 128 KiB trim threshold of a process that never
  // freed an mmapped chunk. 0 here means the worker's start-up raised the
  // threshold for both names alike.
  EXPECT_GE(std_brk, 1.0) << "std " << std_brk << " brk/iteration";
}
