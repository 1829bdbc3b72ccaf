#include "bench_support.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/text.h"

namespace bench_support {

using nlohmann::json;

std::string context(const CliResult& r) { return "stdout:\n" + r.out + "\nstderr:\n" + r.err; }

bool stderr_tail_contains(const json& failed, const std::string& text) {
  for (const auto& line : failed["stderr_tail"])
    if (line.get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

std::map<std::string, int> samples_per_cell(const std::vector<json>& all) {
  std::map<std::string, int> per_cell;
  for (const auto& s : records_of_type(all, "sample")) ++per_cell[s["cell"]];
  return per_cell;
}

std::map<std::string, json> cells_by_id(const std::vector<json>& all, const std::string& type) {
  std::map<std::string, json> out;
  for (const auto& r : records_of_type(all, type)) out[r["cell"]] = r;
  return out;
}

std::map<std::string, LoggedProcesses> logged_processes(const std::string& run_dir) {
  std::map<std::string, LoggedProcesses> out;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir + "/logs")) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("exec-", 0) != 0 || entry.path().extension() != ".log") continue;
    LoggedProcesses& logged = out[file];
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.size() < 8 || line.rfind("=== ", 0) != 0 ||
          line.compare(line.size() - 4, 4, " ===") != 0)
        continue;
      const std::string header = line.substr(4, line.size() - 8);
      const auto at = header.find(", benchmark ");
      const std::string benchmark = at == std::string::npos ? "" : header.substr(at + 12);
      if (header.rfind("verification run", 0) == 0)
        ++logged.verification;
      else if (header.rfind("warm-up round ", 0) == 0)
        ++logged.warmup[benchmark];
      else if (header.rfind("round ", 0) == 0)
        ++logged.timed[benchmark];
      else
        ADD_FAILURE() << file << ": a header of no known run: " << line;
    }
  }
  return out;
}

double CountedTotals::per_iteration(const std::string& counter) const {
  auto it = counters.find(counter);
  return it == counters.end() || iters == 0 ? 0 : it->second / iters;
}

std::map<std::string, CountedTotals> counted_totals(const std::vector<json>& samples) {
  std::map<std::string, CountedTotals> out;
  for (const auto& s : samples) {
    if (!s.contains("counted_process")) continue;
    CountedTotals& totals = out[s["cell"]];
    totals.iters += s["counted_process"]["iters"].get<double>();
    ++totals.processes;
    for (const auto& [name, value] : s["counters"].items())
      totals.counters[name] += value.get<double>();
  }
  return out;
}

void expect_isolated_run(const std::string& run_dir, const std::string& zeroed,
                         const std::string& small, int rounds, int warmup, int samples_per_run) {
  const std::string tuned = "jemalloc[tcache_max:4096]";
  const auto all = journal_records(run_dir);
  EXPECT_TRUE(records_of_type(all, "cell_failed").empty());
  const auto cells = cells_by_id(all, "cell");
  ASSERT_EQ(cells.size(), 6u);                                         // 2 benchmarks x 3 variants
  std::map<std::pair<std::string, std::string>, std::string> cell_of;  // (benchmark, variant)
  for (const auto& [id, cell] : cells) {
    cell_of[{cell["workload"], cell["variant"]}] = id;
    EXPECT_TRUE(cell["verification"]["ok"].get<bool>()) << cell["verification"].dump(2);
    EXPECT_NE(cell["workload_info"]["description"].get<std::string>().find(
                  "isolated: one process per benchmark"),
              std::string::npos)
        << cell["workload_info"].dump();
    for (const auto& counter : cell["counters"]) {
      if (counter["name"] != "madvise_dontneed") continue;
      // Kept, so that the report judges each benchmark's counters.
      EXPECT_FALSE(counter["source"].is_null()) << counter.dump();
      EXPECT_NE(counter["detail"].get<std::string>().find("per process running only this "
                                                          "benchmark (--isolate)"),
                std::string::npos)
          << counter.dump();
    }
  }
  for (const std::string& benchmark : {zeroed, small})
    for (const std::string& variant : {std::string("std"), std::string("jemalloc"), tuned})
      EXPECT_TRUE(cell_of.count({benchmark, variant})) << benchmark << " under " << variant;

  // Every process ran one benchmark: per (cell, round) the harness's
  // samples of one run, the first with the process's counters and how many
  // iterations they cover (all of the process's).
  const auto samples = records_of_type(all, "sample");
  EXPECT_EQ(samples.size(), static_cast<size_t>(rounds * samples_per_run) * cells.size());
  std::map<std::pair<std::string, int>, int> per_cell_round, counted_per_cell_round;
  std::map<std::pair<std::string, int>, std::uint64_t> iters_per_cell_round, counted_iters;
  for (const auto& s : samples) {
    const std::pair<std::string, int> key = {s["cell"], s["round"]};
    ++per_cell_round[key];
    iters_per_cell_round[key] += s["iters"].get<std::uint64_t>();
    if (!s.contains("counted_process")) {
      EXPECT_TRUE(!s.contains("counters") || s["counters"].empty()) << s.dump();
      continue;
    }
    ++counted_per_cell_round[key];
    const json& counted = s["counted_process"];
    counted_iters[key] = counted["iters"].get<std::uint64_t>();
    EXPECT_GT(counted["wall_ns"].get<std::uint64_t>(), counted["measured_ns"].get<std::uint64_t>())
        << "the process did more than its measured iterations: " << s.dump();
    EXPECT_TRUE(s["counters"].contains("user_ns")) << s.dump();
  }
  EXPECT_EQ(per_cell_round.size(), cells.size() * rounds);
  for (const auto& [key, n] : per_cell_round) {
    EXPECT_EQ(n, samples_per_run) << key.first << " round " << key.second;
    EXPECT_EQ(counted_per_cell_round[key], 1) << key.first << " round " << key.second;
    EXPECT_EQ(counted_iters[key], iters_per_cell_round[key]) << key.first;
  }

  // One process per benchmark per round and warm-up round, besides the
  // variant's one verification run of the suite.
  const auto logged = logged_processes(run_dir);
  EXPECT_EQ(logged.size(), 3u);  // one log per variant
  for (const auto& [file, processes] : logged) {
    SCOPED_TRACE(file);
    EXPECT_EQ(processes.verification, 1);
    const std::map<std::string, int> timed = {{zeroed, rounds}, {small, rounds}};
    EXPECT_EQ(processes.timed, timed);
    if (warmup > 0) {
      const std::map<std::string, int> warmed = {{zeroed, warmup}, {small, warmup}};
      EXPECT_EQ(processes.warmup, warmed);
    } else {
      EXPECT_TRUE(processes.warmup.empty());
    }
  }

  // The counter proves the difference per benchmark: the 32 KiB buffers are
  // purged once each under tuned jemalloc (about one MADV_DONTNEED per
  // iteration, and the measured iterations are the fewest the process
  // ran), never under glibc, which keeps them on its free lists; the small
  // objects of the other benchmark stay in jemalloc's thread cache.
  const auto totals = counted_totals(samples);
  for (const auto& [id, t] : totals) EXPECT_EQ(t.processes, rounds) << id;
  const CountedTotals& zeroed_tuned = totals.at(cell_of.at({zeroed, tuned}));
  if (!zeroed_tuned.counters.count("madvise_dontneed")) {
    std::printf("syscall tracepoints refused on this machine: madvise counts not checked\n");
  } else {
    const double tuned_rate = zeroed_tuned.per_iteration("madvise_dontneed");
    EXPECT_GE(tuned_rate, 0.5);
    EXPECT_LT(totals.at(cell_of.at({zeroed, "std"})).per_iteration("madvise_dontneed"), 0.01);
    EXPECT_LT(totals.at(cell_of.at({small, tuned})).per_iteration("madvise_dontneed"),
              tuned_rate / 10);
  }

  // The report: each cell's measured share stated; the zeroed benchmark's
  // key driver against std named from its own counters.
  const json results = json::parse(shootout::test::read_file(run_dir + "/results.json"));
  for (const auto& cell : results["cells"]) {
    SCOPED_TRACE(cell["cell"].get<std::string>());
    ASSERT_TRUE(cell["measured_share"].is_number()) << cell["measured_share"];
    const double share = cell["measured_share"].get<double>();
    EXPECT_GT(share, 0);
    EXPECT_LE(share, 1);
    if (cell["cell"] == cell_of.at({zeroed, tuned}) &&
        zeroed_tuned.counters.count("madvise_dontneed")) {
      ASSERT_TRUE(cell["key_driver"].is_object()) << cell.dump();
      EXPECT_EQ(cell["key_driver"]["rule"].get<std::string>().rfind("madvise_dontneed", 0), 0u)
          << cell["key_driver"].dump();
    }
  }
  const std::string md = shootout::test::read_file(run_dir + "/report.md");
  EXPECT_NE(md.find("isolated: one process per benchmark"), std::string::npos);
  EXPECT_NE(md.find("the harness's measured iterations took this share"), std::string::npos);
  if (zeroed_tuned.counters.count("madvise_dontneed")) {
    // The root-cause table's row of the benchmark under tuned jemalloc.
    bool named = false;
    std::istringstream lines(md);
    for (std::string line; std::getline(lines, line);)
      named = named ||
              (line.find(zeroed) != std::string::npos && line.find(tuned) != std::string::npos &&
               line.find("MADV_DONTNEED") != std::string::npos);
    EXPECT_TRUE(named) << md;
  }
}

}  // namespace bench_support
