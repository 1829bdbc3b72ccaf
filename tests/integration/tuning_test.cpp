// Tunings through the real command with the real allocators: a setting that
// takes effect is read back and labels its variant; an unknown key and a
// rejected value fail their cells naming the key; a key with no read-back
// API is marked unverified; a prefixed jemalloc gets its conf through its
// own variable.
#include <fstream>
#include <iterator>
#include <map>

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace {

struct TuningRun {
  CliResult cli;
  std::map<std::string, nlohmann::json> cells;   // variant -> cell record
  std::map<std::string, nlohmann::json> failed;  // variant -> cell_failed record
};

TuningRun run_tunings(const std::vector<std::string>& extra) {
  const std::string dir = fresh_dir("tuning") + "/run";
  std::vector<std::string> args = {"run",   "-w", "spawn_st/50",
                                   "--out", dir,  "--no-allocation-profile"};
  for (const auto& a : tiny_profile(2)) args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  TuningRun run;
  run.cli = run_cli(args);
  const auto records = journal_records(dir);
  for (const auto& c : records_of_type(records, "cell")) run.cells[c["variant"]] = c;
  for (const auto& f : records_of_type(records, "cell_failed")) run.failed[f["variant"]] = f;
  return run;
}

const nlohmann::json& only_key(const nlohmann::json& cell) {
  EXPECT_EQ(cell["tuning_check"]["keys"].size(), 1u) << cell.dump();
  return cell["tuning_check"]["keys"][0];
}

}  // namespace

TEST(Tuning, SettingsThatTakeEffectAreReadBackAndLabelled) {
  auto run = run_tunings({"-a", "std,jemalloc,mimalloc", "--tune", "jemalloc:tcache_max:4096",
                          "--tune", "mimalloc:decommit_delay:0", "--tune", "std:arena_max:2"});
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.err;
  const auto& je = only_key(run.cells.at("jemalloc[tcache_max:4096]"));
  EXPECT_EQ(je["status"], "verified");
  EXPECT_EQ(je["effective"], "4096");
  EXPECT_EQ(je["how"], "mallctl(\"opt.tcache_max\")");
  const auto& mi = only_key(run.cells.at("mimalloc[decommit_delay:0]"));
  EXPECT_EQ(mi["status"], "verified");
  EXPECT_EQ(mi["effective"], "0");
  const auto& glibc = only_key(run.cells.at("std[arena_max:2]"));
  EXPECT_EQ(glibc["status"], "verified");
  EXPECT_EQ(glibc["effective"], "0x2");
  // The untuned variants ran beside them, untouched.
  EXPECT_TRUE(run.cells.at("jemalloc")["tuning_check"].is_null());
}

TEST(Tuning, UnknownKeysAndRejectedValuesFailTheirCellsNamingTheKey) {
  auto run = run_tunings({"-a", "std,jemalloc,mimalloc", "--tune", "jemalloc:no_such_key:1",
                          "--tune", "jemalloc:tcache_max:banana", "--tune", "std:bogus:1", "--tune",
                          "mimalloc:no_such_option:3"});
  EXPECT_EQ(run.cli.exit_code, 1) << run.cli.err;
  ASSERT_EQ(run.failed.size(), 4u);
  auto reason = [&](const std::string& v) { return run.failed.at(v)["reason"].get<std::string>(); };
  EXPECT_NE(reason("jemalloc[no_such_key:1]").find("tuning key 'no_such_key' is unknown"),
            std::string::npos);
  EXPECT_NE(reason("jemalloc[tcache_max:banana]").find("tuning tcache_max:banana was not taken"),
            std::string::npos);
  EXPECT_NE(reason("std[bogus:1]").find("'bogus'"), std::string::npos);
  EXPECT_NE(reason("mimalloc[no_such_option:3]").find("'no_such_option'"), std::string::npos);
  for (const auto& [variant, f] : run.failed) EXPECT_EQ(f["phase"], "tuning") << variant;
  EXPECT_EQ(run.cells.size(), 3u);  // the untuned std, jemalloc, mimalloc were measured
}

TEST(Tuning, KeysWithoutReadBackAreMarkedUnverified) {
  auto run = run_tunings({"-a", "std,tcmalloc", "--tune", "tcmalloc:release_rate:10"});
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.err;
  const auto& key = only_key(run.cells.at("tcmalloc[release_rate:10]"));
  EXPECT_EQ(key["status"], "unverified");
  EXPECT_NE(key["how"].get<std::string>().find("no read-back"), std::string::npos);
}

TEST(Tuning, PrefixedJemallocGetsItsConfThroughThePrefixedVariable) {
  auto run =
      run_tunings({"-a", "std", "--allocator", std::string("rjem=") + FIXTURE_PREFIXED_JEMALLOC,
                   "--tune", "rjem:tcache_max:4096"});
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.err;
  const auto& cell = run.cells.at("rjem[tcache_max:4096]");
  EXPECT_EQ(cell["verification"]["version_source"], "_rjem_mallctl(\"version\")");
  const auto& key = only_key(cell);
  EXPECT_EQ(key["status"], "verified");
  EXPECT_EQ(key["effective"], "4096");
  EXPECT_EQ(key["how"], "_rjem_mallctl(\"opt.tcache_max\")");
}

// tbbmalloc has no read-back API: its key is unverified, and every output
// says so with the reason — report.md, report.html, bench_results.csv,
// results.json, the terminal summary and compare.
TEST(Tuning, UnverifiedTbbmallocKeyIsMarkedInEveryOutput) {
  const std::string dir = fresh_dir("tuning-tbb") + "/run";
  std::vector<std::string> args = {
      "run", "-a",          "std,tbbmalloc", "--tune", "tbbmalloc:use_huge_pages:0",
      "-w",  "spawn_st/50", "--out",         dir,      "--no-allocation-profile"};
  for (const auto& a : tiny_profile(2)) args.push_back(a);
  const auto cli = run_cli(args);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const std::string variant = "tbbmalloc[use_huge_pages:0]";
  const std::string mark = variant + " (unverified tuning)";
  const std::string why = "tbbmalloc has no read-back of TBB_MALLOC_* settings";

  nlohmann::json cell;
  for (const auto& c : records_of_type(journal_records(dir), "cell"))
    if (c["variant"] == variant) cell = c;
  ASSERT_FALSE(cell.is_null());
  const auto& key = only_key(cell);
  EXPECT_EQ(key["status"], "unverified");
  EXPECT_EQ(key["how"], why);

  auto read = [&](const std::string& name) {
    std::ifstream in(dir + "/" + name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto has = [](const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
  };
  const std::string md = read("report.md");
  EXPECT_TRUE(has(md, mark)) << md;
  EXPECT_TRUE(has(md, variant + ": use_huge_pages:0: " + why)) << md;
  EXPECT_TRUE(has(md, "Unverified tunings: 1 tuned variant")) << md;
  const std::string html = read("report.html");
  EXPECT_TRUE(has(html, mark));
  EXPECT_TRUE(has(html, "use_huge_pages:0: " + why));
  const std::string csv = read("bench_results.csv");
  // probes, tuning_verified, tuning_unverified
  EXPECT_TRUE(has(csv, ",counters,false,use_huge_pages:0: " + why + ",")) << csv;
  EXPECT_TRUE(has(csv, ",counters,,,")) << "std: untuned " << csv;
  const auto results = nlohmann::json::parse(read("results.json"));
  int tuned = 0;
  for (const auto& c : results["cells"]) {
    if (c["variant"] != variant) {
      EXPECT_TRUE(c["tuning_verified"].is_null()) << c["cell"];
      continue;
    }
    ++tuned;
    EXPECT_EQ(c["tuning_verified"], false);
    ASSERT_EQ(c["tuning_unverified"].size(), 1u);
    EXPECT_EQ(c["tuning_unverified"][0]["why"], why);
  }
  EXPECT_EQ(tuned, 1);
  EXPECT_TRUE(has(cli.out, mark + ": use_huge_pages:0: " + why + "\n")) << cli.out;

  const auto cmp = run_cli({"compare", dir, dir});
  ASSERT_EQ(cmp.exit_code, 0) << cmp.err;
  EXPECT_TRUE(has(cmp.out, "| " + mark + " |")) << cmp.out;
  EXPECT_TRUE(has(cmp.out, "- A: " + variant + ": use_huge_pages:0: " + why)) << cmp.out;
}
