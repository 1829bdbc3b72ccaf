// The run layer's plan expansion without starting a worker: which groups and
// cells a set of options makes, which cell each ratio is taken against, the
// variants tunings and --probes add, the profiles, and the options a resumed
// run reads back from its manifest.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "run/plan.h"

namespace {

using shootout::alloc::Allocator;
using shootout::alloc::ConfDialect;
using shootout::run::Cell;
using shootout::run::Plan;
using shootout::run::RunOptions;

// Two allocators as discovery would resolve them on a machine, without
// touching the loader cache (expand_plan does not open the objects).
std::vector<Allocator> available() {
  Allocator std_alloc{"std", "", true, "", ConfDialect::glibc_tunables, false};
  Allocator jemalloc{
      "jemalloc", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", true, "", ConfDialect::jemalloc,
      false};
  Allocator missing{"tcmalloc", "", false, "not installed", ConfDialect::tcmalloc, false};
  return {std_alloc, jemalloc, missing};
}

RunOptions two_workloads() {
  RunOptions o;
  o.allocators = {"std", "jemalloc"};
  o.workloads = {"mpsc/4096", "spawn_many/1000"};
  return o;
}

std::map<std::string, const Cell*> by_id(const Plan& plan) {
  std::map<std::string, const Cell*> cells;
  for (const auto& g : plan.groups)
    for (const auto& c : g.cells) cells[c.id] = &c;
  return cells;
}

std::string error_of(const RunOptions& o) {
  try {
    shootout::run::expand_plan(o, available());
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Plan, OneGroupPerWorkloadWithEveryVariantAndPayload) {
  const Plan plan = shootout::run::expand_plan(two_workloads(), available());
  ASSERT_EQ(plan.groups.size(), 2u);
  EXPECT_EQ(plan.groups[0].name, "mpsc/4096");
  EXPECT_EQ(plan.groups[1].name, "spawn_many/1000");
  // mpsc takes a payload: 2 payloads x 2 allocators; spawn_many none: 2 cells.
  EXPECT_EQ(plan.groups[0].cells.size(), 4u);
  EXPECT_EQ(plan.groups[1].cells.size(), 2u);
  EXPECT_EQ(plan.cell_count(), 6u);
  const auto cells = by_id(plan);
  ASSERT_TRUE(cells.count("mpsc/4096|zeroed|asio|jemalloc|preload"));
  ASSERT_TRUE(cells.count("spawn_many/1000|none|asio|std|preload"));
  const Cell& je = *cells.at("mpsc/4096|filled|asio|jemalloc|preload");
  EXPECT_FALSE(je.baseline);
  EXPECT_EQ(je.baseline_cell, "mpsc/4096|filled|asio|std|preload");
  EXPECT_EQ(je.group, "mpsc/4096");
  EXPECT_EQ(je.family, "mpsc");
  const Cell& base = *cells.at("mpsc/4096|filled|asio|std|preload");
  EXPECT_TRUE(base.baseline);
  EXPECT_EQ(base.baseline_cell, base.id);
  // Every baseline cell named is a cell of the same group.
  for (const auto& g : plan.groups)
    for (const auto& c : g.cells) {
      ASSERT_TRUE(cells.count(c.baseline_cell)) << c.id;
      EXPECT_EQ(cells.at(c.baseline_cell)->group, c.group) << c.id;
    }
}

TEST(Plan, DefaultAllocatorsAreTheAvailableOnes) {
  RunOptions o = two_workloads();
  o.allocators.clear();
  const Plan plan = shootout::run::expand_plan(o, available());
  for (const auto& g : plan.groups)
    for (const auto& c : g.cells) EXPECT_NE(c.allocator.name, "tcmalloc") << c.id;
  EXPECT_EQ(plan.cell_count(), 6u);
}

TEST(Plan, TuningsAndProbeModesAreVariantsOfTheirOwnNeverTheBaseline) {
  RunOptions o = two_workloads();
  o.workloads = {"mpsc/4096"};
  o.payloads = {"zeroed"};
  o.tunings = {{"jemalloc", "tcache_max:4096"}};
  o.probe_modes = {"counters", "off"};
  const Plan plan = shootout::run::expand_plan(o, available());
  const auto cells = by_id(plan);
  // (std, jemalloc, jemalloc[tcache_max:4096]) x (counters, off)
  EXPECT_EQ(plan.cell_count(), 6u);
  const Cell& tuned = *cells.at("mpsc/4096|zeroed|asio|jemalloc[tcache_max:4096]|preload");
  EXPECT_EQ(tuned.tuning, "tcache_max:4096");
  EXPECT_EQ(tuned.allocator.name, "jemalloc");
  EXPECT_FALSE(tuned.baseline);
  const Cell& off = *cells.at("mpsc/4096|zeroed|asio|std(probes off)|preload");
  EXPECT_EQ(off.probe_mode, "off");
  EXPECT_FALSE(off.baseline);
  EXPECT_EQ(off.baseline_cell, "mpsc/4096|zeroed|asio|std|preload");
  int baselines = 0;
  for (const auto& [id, c] : cells) baselines += c->baseline;
  EXPECT_EQ(baselines, 1);
}

TEST(Plan, BadOptionsNameWhatWasWrongAndWhatIsValid) {
  RunOptions o = two_workloads();
  o.baseline = "mimalloc";
  EXPECT_NE(error_of(o).find("the baseline allocator 'mimalloc' is not among"), std::string::npos);
  o = two_workloads();
  o.runtimes = {"tokio"};
  EXPECT_NE(error_of(o).find("unknown runtime 'tokio' (valid: asio, asio-shipped)"),
            std::string::npos);
  o = two_workloads();
  o.probe_modes = {"off"};
  EXPECT_NE(error_of(o).find("--probes must include 'counters'"), std::string::npos);
  o = two_workloads();
  o.probe_modes = {"counters", "perf"};
  EXPECT_NE(error_of(o).find("unknown probe mode 'perf'"), std::string::npos);
  o = two_workloads();
  o.tunings = {{"mimalloc", "eager_commit:1"}};
  EXPECT_NE(error_of(o).find("allocator 'mimalloc' is not among the allocators of this run"),
            std::string::npos);
  o = two_workloads();
  o.payloads = {"random"};
  EXPECT_FALSE(error_of(o).empty());
  o = two_workloads();
  o.workloads = {"no_such_family/8"};
  EXPECT_FALSE(error_of(o).empty());
}

TEST(Plan, ProfilesRunSixProcessesPerCellAndUnknownOnesAreRefused) {
  for (const char* name : {"quick", "standard", "study"})
    EXPECT_EQ(shootout::run::profile_from_name(name).processes, 6) << name;
  EXPECT_EQ(shootout::run::profile_from_name("study").sampling.samples, 50);
  try {
    shootout::run::profile_from_name("fast");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("valid: quick, standard, study"), std::string::npos);
  }
}

// --resume reads the options back from the manifest: the same plan again.
TEST(Plan, OptionsSurviveTheManifestRoundTrip) {
  RunOptions o = two_workloads();
  o.tunings = {{"jemalloc", "tcache_max:4096,narenas:1"}};
  o.profile.processes = 4;
  o.profile.sampling.samples = 7;
  o.probe_modes = {"counters", "strace"};
  o.bootstrap_resamples = 2000;
  o.out_dir = "runs/x";
  const RunOptions back = RunOptions::from_json(o.to_json());
  EXPECT_EQ(back.to_json(), o.to_json());
  EXPECT_EQ(back.tunings.at(0).allocator, "jemalloc");
  EXPECT_EQ(back.tunings.at(0).conf, "tcache_max:4096,narenas:1");
  const Plan a = shootout::run::expand_plan(o, available());
  const Plan b = shootout::run::expand_plan(back, available());
  ASSERT_EQ(a.cell_count(), b.cell_count());
  for (size_t g = 0; g < a.groups.size(); ++g)
    for (size_t c = 0; c < a.groups[g].cells.size(); ++c)
      EXPECT_EQ(a.groups[g].cells[c].id, b.groups[g].cells[c].id);
}

}  // namespace
