// Tunings through the real command with the real allocators: a setting that
// takes effect is read back and labels its variant; an unknown key and a
// rejected value fail their cells naming the key; a key with no read-back
// API is marked unverified; a prefixed jemalloc gets its conf through its
// own variable; glibc's trim settings are read back and change the brk count;
// an unverified tbbmalloc key is marked in every output.
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

// glibc's heap-trim settings: each key of the glibc-trim sweep, and top_pad
// and arena_max beside them, is read back from the loader's own parse of
// GLIBC_TUNABLES (which prints values in hex).
TEST(Tuning, GlibcTrimSweepAndTopPadAreReadBack) {
  auto run = run_tunings(
      {"-a", "std", "--sweep", "glibc-trim", "--tune", "std:top_pad:67108864,arena_max:1"});
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.err;
  const std::map<std::string, std::map<std::string, std::string>> expected = {
      {"std[trim_threshold:131072]", {{"trim_threshold", "0x20000"}}},
      {"std[mmap_threshold:2097152,trim_threshold:4194304]",
       {{"mmap_threshold", "0x200000"}, {"trim_threshold", "0x400000"}}},
      {"std[trim_threshold:268435456]", {{"trim_threshold", "0x10000000"}}},
      {"std[top_pad:67108864,arena_max:1]", {{"top_pad", "0x4000000"}, {"arena_max", "0x1"}}}};
  for (const auto& [variant, keys] : expected) {
    ASSERT_TRUE(run.cells.count(variant)) << variant << "\n" << run.cli.err;
    const auto& check = run.cells.at(variant)["tuning_check"];
    EXPECT_TRUE(check["ok"].get<bool>()) << check.dump();
    ASSERT_EQ(check["keys"].size(), keys.size()) << check.dump();
    for (const auto& key : check["keys"]) {
      EXPECT_EQ(key["status"], "verified") << key.dump();
      EXPECT_EQ(key["effective"], keys.at(key["key"])) << key.dump();
      EXPECT_EQ(key["how"], "ld.so --list-tunables: glibc.malloc." + key["key"].get<std::string>());
    }
  }
}

// The effect, by counts: under std, block_on_alloc/100x4096 trims the heap
// with brk in every iteration (the trim threshold is 128 KiB and the worker
// never freed an mmapped chunk); with the trim threshold pinned at 128 KiB it
// still does; in the state after freeing a 2 MiB mmapped block (4 MiB
// threshold), or with a threshold nothing reaches, it never does.
TEST(Tuning, GlibcTrimThresholdDecidesWhetherTheHeapIsTrimmed) {
  const std::string dir = fresh_dir("glibc-trim") + "/run";
  std::vector<std::string> args = {"run",
                                   "-a",
                                   "std",
                                   "--sweep",
                                   "glibc-trim",
                                   "-w",
                                   "block_on_alloc/100x4096",
                                   "--payload",
                                   "filled",
                                   "--out",
                                   dir,
                                   "--no-allocation-profile"};
  for (const auto& a : tiny_profile(3)) args.push_back(a);
  const auto cli = run_cli(args);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const auto records = journal_records(dir);
  std::map<std::string, std::string> variant_of;  // cell -> variant
  for (const auto& c : records_of_type(records, "cell")) {
    variant_of[c["cell"]] = c["variant"];
    for (const auto& counter : c["counters"])
      if (counter["name"] == "brk" && counter["source"] != "perf_event")
        GTEST_SKIP() << "glibc's internal brk calls need the perf tracepoints: " << counter.dump();
  }
  std::map<std::string, double> brk, iters;
  for (const auto& s : records_of_type(records, "sample")) {
    const std::string variant = variant_of[s["cell"]];
    brk[variant] += s["counters"].value("brk", 0.0);
    iters[variant] += s["iters"].get<double>();
  }
  ASSERT_EQ(iters.size(), 4u);
  auto per_iteration = [&](const std::string& v) { return brk.at(v) / iters.at(v); };
  // Trimming shrinks the heap once per iteration and grows it again: at
  // least one brk each; never trimming leaves at most the first growth.
  EXPECT_GE(per_iteration("std"), 1.0);
  EXPECT_GE(per_iteration("std[trim_threshold:131072]"), 1.0);
  EXPECT_LT(per_iteration("std[mmap_threshold:2097152,trim_threshold:4194304]"), 0.1);
  EXPECT_LT(per_iteration("std[trim_threshold:268435456]"), 0.1);
}
