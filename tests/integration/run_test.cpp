// The real command on tiny plans with real allocators: what lands in the run
// directory. No timing assertions: counts, fields, verification.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "journal/journal.h"
#include "journal/records.h"

extern char** environ;

namespace {

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string path_of(const std::string& list_output, const std::string& allocator) {
  const auto at = list_output.find("\n" + allocator + " ");
  const auto end = list_output.find('\n', at + 1);
  const std::string line = list_output.substr(at + 1, end - at - 1);
  return line.substr(line.rfind(' ') + 1);
}

}  // namespace

TEST(Run, TinyPlanWritesVerifiedCellsAndSamples) {
  const std::string dir = fresh_dir("tiny") + "/run";
  auto r = run_cli(with({"run", "-a", "std,jemalloc,mimalloc", "-w", "mpsc/64,spawn_many/100",
                         "--payload", "filled", "--out", dir, "--bootstrap-resamples", "2000"},
                        tiny_profile(3, /*processes=*/0)));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find(dir), std::string::npos) << r.out;
  // The last line names the report; the report uses the recorded resamples.
  EXPECT_NE(r.out.find("report: " + dir + "/report.md\n"), std::string::npos) << r.out;
  std::ifstream report(dir + "/report.md");
  const std::string md((std::istreambuf_iterator<char>(report)), {});
  EXPECT_NE(md.find("2000 resamples"), std::string::npos);

  const auto records = journal_records(dir);
  const auto cells = records_of_type(records, "cell");
  ASSERT_EQ(cells.size(), 6u);  // 2 workloads x 3 allocators
  std::set<std::string> variants;
  for (const auto& c : cells) {
    variants.insert(c["variant"]);
    EXPECT_TRUE(c["verification"]["ok"].get<bool>()) << c.dump();
    EXPECT_FALSE(c["verification"]["version"].get<std::string>().empty()) << c.dump();
    if (c["allocator"] == "jemalloc") {
      EXPECT_NE(c["verification"]["active_object"].get<std::string>().find("libjemalloc"),
                std::string::npos);
    }
    EXPECT_EQ(c["injection"], "preload");
    EXPECT_EQ(c["runtime"], "asio");
    EXPECT_EQ(c["plan"]["iterations"].size(), 3u);
    EXPECT_EQ(c["processes"], 6);  // the default: each cell in 6 worker processes
    if (c["family"] == "mpsc") {
      EXPECT_EQ(c["payload"], "filled");
    }
    if (c["family"] == "spawn_many") {
      EXPECT_EQ(c["payload"], "none");
    }
  }
  EXPECT_EQ(variants, (std::set<std::string>{"std", "jemalloc", "mimalloc"}));

  const auto samples = records_of_type(records, "sample");
  EXPECT_EQ(samples.size(), 108u);  // 6 cells x 3 rounds x 6 processes
  std::map<std::string, std::set<int>> rounds;
  std::map<std::string, std::map<int, int>> per_process;
  for (const auto& s : samples) {
    rounds[s["cell"]].insert(s["round"].get<int>());
    ++per_process[s["cell"]][s["process"].get<int>()];
    EXPECT_GT(s["ns"].get<double>(), 0);
    EXPECT_GE(s["iters"].get<int>(), 1);
    EXPECT_TRUE(s["counters"].contains("user_ns"));
    EXPECT_GT(s["rss_kib"].get<int>(), 0);
  }
  for (const auto& [cell, r] : rounds) EXPECT_EQ(r, (std::set<int>{0, 1, 2})) << cell;
  // Every process of every cell sampled once per round, and logged on its own.
  for (const auto& [cell, counts] : per_process)
    EXPECT_EQ(counts, (std::map<int, int>{{0, 3}, {1, 3}, {2, 3}, {3, 3}, {4, 3}, {5, 3}})) << cell;
  EXPECT_TRUE(std::filesystem::exists(dir + "/logs/mpsc_64_filled_asio_jemalloc_preload.log"));
  EXPECT_TRUE(
      std::filesystem::exists(dir + "/logs/mpsc_64_filled_asio_jemalloc_preload.process5.log"));
  EXPECT_NE(md.find("6 worker processes of its own"), std::string::npos);
  EXPECT_EQ(records_of_type(records, "group_done").size(), 2u);
  EXPECT_EQ(records_of_type(records, "profile").size(), 2u);  // one per workload (one payload)
  // Every cell's steady-state check over its 3 rounds: round 0 against round 2.
  const auto steady = records_of_type(records, "steady_state");
  std::set<std::string> judged;
  for (const auto& st : steady) {
    judged.insert(st["cell"].get<std::string>());
    EXPECT_EQ(st["rounds"], 3) << st.dump();
    EXPECT_EQ(st["first_third"], nlohmann::json({0, 1})) << st.dump();
    EXPECT_EQ(st["last_third"], nlohmann::json({2, 3})) << st.dump();
    EXPECT_TRUE(st["steady"].is_boolean() || st.contains("why")) << st.dump();
  }
  EXPECT_EQ(judged.size(), 6u);

  std::ifstream manifest(dir + "/manifest.json");
  auto m = nlohmann::json::parse(manifest);
  EXPECT_GT(m["machine"]["page_size"].get<int>(), 0);
  EXPECT_FALSE(m["machine"]["kernel"].get<std::string>().empty());
  EXPECT_FALSE(m["machine"]["glibc"].get<std::string>().empty());
  EXPECT_TRUE(m["allocators"].contains("jemalloc"));
  EXPECT_EQ(m["allocators"]["jemalloc"]["package"], "libjemalloc2");
  EXPECT_EQ(m["plan"]["cells"], 6);
  EXPECT_TRUE(m["attempts"][0].contains("end"));
}

TEST(Run, UserSuppliedAllocatorIsVerifiedAndMeasured) {
  // An allocator object the registry does not know by that name: tcmalloc's
  // object, under the name "mytc".
  auto list = run_cli({"list", "allocators"});
  const std::string tcmalloc = path_of(list.out, "tcmalloc");
  ASSERT_EQ(tcmalloc.front(), '/') << list.out;
  const std::string dir = fresh_dir("user") + "/run";
  auto r = run_cli(with(
      {"run", "-a", "std", "--allocator", "mytc=" + tcmalloc, "-w", "spawn_st/50", "--out", dir},
      tiny_profile(2)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto cells = records_of_type(journal_records(dir), "cell");
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[1]["variant"], "mytc");
  EXPECT_TRUE(cells[1]["verification"]["ok"].get<bool>());
  EXPECT_EQ(cells[1]["verification"]["active_object"], tcmalloc);
  EXPECT_EQ(cells[1]["verification"]["version_source"], "tc_version()");
}

TEST(Run, LinkModeUsesTheLinkedWorkers) {
  const std::string dir = fresh_dir("link") + "/run";
  auto r = run_cli(with({"run", "-a", "std,jemalloc,mimalloc", "--injection", "link", "-w",
                         "block_on_alloc/10x64", "--payload", "filled", "--out", dir},
                        tiny_profile(2)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto cells = records_of_type(journal_records(dir), "cell");
  ASSERT_EQ(cells.size(), 3u);
  for (const auto& c : cells) {
    EXPECT_EQ(c["injection"], "link");
    EXPECT_TRUE(c["verification"]["ok"].get<bool>()) << c.dump();
  }
}

// What the allocation profile (the malloc-counting shim) sees of a spawn:
// one allocation per task, in the size class of Tokio 1.24's 120-byte task
// cell — 113 to 120 bytes is the one class holding 120 in glibc (128-byte
// chunk), jemalloc, mimalloc and tcmalloc (workloads/task_cell.h).
TEST(Run, EverySpawnedTaskIsOneAllocationOfTokiosTaskCellClass) {
  const std::string dir = fresh_dir("task-cell") + "/run";
  auto r = run_cli(with({"run", "-a", "std", "-w",
                         "spawn_many/100,spawn_many_remote_idle/100,spawn_st/100", "--out", dir},
                        tiny_profile(2)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto profiles = records_of_type(journal_records(dir), "profile");
  ASSERT_EQ(profiles.size(), 3u);
  for (const auto& json : profiles) {
    const auto p = json.get<shootout::journal::ProfileRecord>();
    const auto& counted = p.counted;
    ASSERT_GT(counted.iters, 0u) << json.dump();
    if (p.workload == "spawn_st/100") {
      // 100 tasks per iteration, and block_on's coroutine (a few calls).
      EXPECT_GE(counted.calls, 100 * counted.iters) << json.dump();
      EXPECT_LE(counted.calls, 106 * counted.iters) << json.dump();
      EXPECT_GE(counted.bytes, 113 * 100 * counted.iters) << json.dump();
      continue;
    }
    EXPECT_EQ(counted.calls, 100 * counted.iters) << json.dump();
    const double bytes_per_call =
        static_cast<double>(counted.bytes) / static_cast<double>(counted.calls);
    EXPECT_GE(bytes_per_call, 113.0) << json.dump();
    EXPECT_LE(bytes_per_call, 120.0) << json.dump();
  }
}

TEST(Run, KilledRunResumesAndMeasuresEveryCellOnce) {
  const std::string dir = fresh_dir("resume") + "/run";
  std::vector<std::string> args = {SHOOTOUT_CLI,   "run", "-a",
                                   "std,jemalloc", "-w",  "spawn_st/{100,200,300,400,500,600}",
                                   "--out",        dir,   "--no-allocation-profile"};
  for (const auto& a : tiny_profile(4)) args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, SHOOTOUT_CLI, &actions, nullptr, argv.data(), environ), 0);
  // Kill it once the first group is done and before the last one is.
  bool killed = false;
  for (int i = 0; i < 3000 && !killed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::ifstream in(dir + "/samples.jsonl");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (text.find("\"group_done\"") != std::string::npos) {
      kill(pid, SIGKILL);
      killed = true;
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(killed);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";

  const size_t done_before =
      shootout::journal::latest_attempts(shootout::journal::read_journal(dir + "/samples.jsonl"))
          .done_groups.size();
  auto r = run_cli({"run", "--resume", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // The progress lines count down what is left ("[1/4] spawn_st/300 ... (~2 s
  // left)"), never a plan of 0 cells whose time left wraps around.
  const std::string of_left = "/" + std::to_string(6 - done_before) + "] ";
  std::istringstream progress(r.err);
  int progress_lines = 0;
  for (std::string line; std::getline(progress, line);) {
    const auto tilde = line.find("(~");
    if (line.rfind("[", 0) != 0 || tilde == std::string::npos) continue;
    ++progress_lines;
    EXPECT_NE(line.find(of_left), std::string::npos) << line;
    EXPECT_LT(std::stod(line.substr(tilde + 2)), 3600.0) << line;
  }
  EXPECT_EQ(progress_lines, static_cast<int>(6 - done_before)) << r.err;

  // Each attempt's run_start holds the exact command line that started it.
  const auto starts = records_of_type(journal_records(dir), "run_start");
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0]["argv"].get<std::vector<std::string>>(), args);
  EXPECT_EQ(starts[1]["argv"].get<std::vector<std::string>>(),
            (std::vector<std::string>{SHOOTOUT_CLI, "run", "--resume", dir}));

  auto view =
      shootout::journal::latest_attempts(shootout::journal::read_journal(dir + "/samples.jsonl"));
  EXPECT_EQ(view.done_groups.size(), 6u);
  EXPECT_EQ(view.last_attempt, 2);
  std::map<std::string, int> cell_records, samples;
  for (const auto& rec : view.records) {
    if (rec["type"] == "cell") ++cell_records[rec["cell"]];
    if (rec["type"] == "sample") ++samples[rec["cell"]];
  }
  EXPECT_EQ(cell_records.size(), 12u);  // 6 groups x 2 allocators
  for (const auto& [cell, n] : cell_records) EXPECT_EQ(n, 1) << cell;
  for (const auto& [cell, n] : samples) EXPECT_EQ(n, 4) << cell;
  EXPECT_EQ(samples.size(), 12u);
}
