#include "journal/records.h"
#include "journal/manifest.h"

#include <gtest/gtest.h>

#include <string>

namespace shootout::journal {
namespace {

using nlohmann::json;

// to_json then from_json gives the record back, and its JSON once more is
// the same text (what a resumed run or a report rewrite would write).
template <class Record>
void expect_round_trip(const Record& record) {
  const json written = record;
  const Record back = written.get<Record>();
  EXPECT_TRUE(back == record) << written.dump();
  EXPECT_EQ(json(back).dump(), written.dump());
}

CellIdentity identity() {
  CellIdentity id;
  id.cell = "mpsc/32768|zeroed|asio|jemalloc[tcache_max:4096]|preload";
  id.group = id.workload = "mpsc/32768";
  id.family = "mpsc";
  id.payload = "zeroed";
  id.runtime = "asio";
  id.allocator = "jemalloc";
  id.variant = "jemalloc[tcache_max:4096]";
  id.tuning = "tcache_max:4096";
  id.probes = "off";
  id.injection = "preload";
  id.baseline = false;
  id.baseline_cell = "mpsc/32768|zeroed|asio|std|preload";
  id.object = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
  return id;
}

alloc::TuningCheck tuning_check() {
  alloc::TuningCheck check;
  check.ok = false;
  check.message = "narenas: not taken";
  check.keys = {{"tcache_max", "4096", "4096", alloc::KeyCheck::Status::verified, "mallctl"},
                {"narenas", "1", "2", alloc::KeyCheck::Status::mismatch, "mallctl"},
                {"x", "1", "", alloc::KeyCheck::Status::unknown_key, ""},
                {"y", "2", "", alloc::KeyCheck::Status::unverified, "no read-back"}};
  check.read_back = "in a worker before any run";
  return check;
}

TEST(Records, CellRoundTrip) {
  CellRecord r;
  r.identity = identity();
  r.verification = {{"ok", true}, {"version", "5.3.0"}};
  r.tuning_check = tuning_check();
  r.workload_info = {"mpsc/32768", "mpsc", "one line", "multi-thread", "asio",
                     "blocking",   4,      true,       1000,           32768};
  r.counters = {{"madvise", "perf_event", "syscalls:sys_enter_madvise"},
                {"cycles", std::nullopt, "not supported"}};
  r.warmup_iters = 127;
  r.warmup_ns = 312000000.5;
  r.plan_mode = "linear";
  r.plan_iterations = {3, 6, 9};
  r.processes = 3;
  expect_round_trip(r);
  r.tuning_check.reset();
  r.processes.reset();
  r.verification = nullptr;
  expect_round_trip(r);
}

TEST(Records, SampleRoundTrip) {
  SampleRecord r;
  r.cell = identity().cell;
  r.group = "mpsc/32768";
  r.round = 4;
  r.position = 2;
  r.process = 1;
  r.measured = {3,     7512345, {{"madvise", 3000}, {"minor_faults", 18446744073709551615ull}},
                10240, 11000,   "sample"};
  r.load = SampleLoad{28100000, 2, 40000000, 0, 31500000};
  expect_round_trip(r);
  expect_round_trip(r.measured);  // the worker's reply
  // exec's sample: no process, no rss, how the command ended.
  r.process.reset();
  r.measured.rss_kib.reset();
  r.load.reset();
  r.command = CommandExit{std::nullopt, 9, true};
  expect_round_trip(r);
  r.command = CommandExit{0, std::nullopt, false};
  r.other_cpu_share = 0.25;
  expect_round_trip(r);
  // bench: the counters are a process's that ran one benchmark.
  r.counted_process = CountedProcess{123456, 830000000, 1000000000};
  expect_round_trip(r);
  // bench: the harness's own CPU time of the sample's iterations.
  r.harness_cpu_ns = 18446744073709551615ull;
  expect_round_trip(r);
  EXPECT_DOUBLE_EQ(r.counted_process->measured_share(), 0.83);
}

TEST(Records, CellFailedRoundTrip) {
  CellFailedRecord r;
  r.identity = identity();
  r.phase = "sample";
  r.reason = "killed by signal 11 (Segmentation fault)";
  r.signal = 11;
  r.stderr_tail = {"line one", "line two"};
  r.process = 1;
  expect_round_trip(r);
  r.exit_code = 4;
  r.signal.reset();
  r.timed_out = false;
  r.verification = {{"ok", false}, {"message", "malloc is glibc's"}};
  r.tuning_check = tuning_check();
  expect_round_trip(r);
}

TEST(Records, GroupDoneRoundTrip) {
  GroupDoneRecord r;
  r.group = "mpsc/8";
  r.rounds = 10;
  expect_round_trip(r);  // exec's: no cross-CPU readings
  CrossCpuValue measured;
  measured.round_trip_ns = 201.3;
  measured.min_ns = 195;
  measured.max_ns = 240.2;
  measured.batches = 5;
  measured.cpus = {0, 1};
  CrossCpuValue unmeasured;
  unmeasured.why = "one CPU";
  r.cross_cpu_before = measured;
  r.cross_cpu_after = unmeasured;
  expect_round_trip(r);
}

TEST(Records, TraceRoundTrip) {
  TraceRecord r;
  r.cell = identity().cell;
  r.group = "mpsc/32768";
  r.traced.iters = 2;
  r.traced.source = "perf_event";
  r.traced.detail = "tracepoints";
  r.traced.lost = 0;
  r.calls = 1997;
  r.file = "traces/x.jsonl";
  probe::CallSummary madvise;
  madvise.kind = "madvise(MADV_DONTNEED)";
  madvise.advice = 4;
  madvise.count = 1997;
  madvise.total_bytes = 1997ull * 36864;
  madvise.min_bytes = madvise.median_bytes = madvise.max_bytes = 36864;
  madvise.histogram = {{32768, 1997}};
  madvise.text = "madvise(MADV_DONTNEED): 1997 calls, each 36 KiB";
  probe::CallSummary brk;
  brk.kind = "brk";
  brk.count = 3;
  brk.histogram = {{0, 3}};
  r.traced.summary = {madvise, brk};
  expect_round_trip(r);
  expect_round_trip(r.traced);  // the worker's reply
  r.traced.source.reset();
  r.traced.summary.clear();
  expect_round_trip(r);
}

TEST(Records, ProfileSteadyStateRunStartRunEndRoundTrip) {
  ProfileRecord p{"mpsc/8", "mpsc/8", "zeroed", "asio", {5, 15020, 163900000, 15020}, {}};
  expect_round_trip(p);
  expect_round_trip(p.counted);  // the worker's reply
  p.workload_info =
      WorkloadInfo{"mpsc/8", "mpsc", "d", "multi-thread", "asio", "", 2, false, 1000, 8};
  expect_round_trip(p);
  p.workload_info->runtime_design = "W pool threads, one queue each";  // written only when set
  expect_round_trip(p);

  SteadyStateRecord s;
  s.cell = identity().cell;
  s.group = "mpsc/32768";
  s.rounds = 10;
  s.first_third = std::array<int, 2>{0, 3};
  s.last_third = std::array<int, 2>{7, 10};
  s.counters["madvise_dontneed"] = {1210.0, 1001.3, 36300, 30039, false};
  s.steady = false;
  expect_round_trip(s);
  SteadyStateRecord unjudged;
  unjudged.cell = s.cell;
  unjudged.group = s.group;
  unjudged.rounds = 2;
  unjudged.why = "fewer than 3 rounds";
  expect_round_trip(unjudged);

  expect_round_trip(RunStartRecord{2, "2026-11-26T15:00:00Z", {"alloc-shootout", "run"}});
  expect_round_trip(RunEndRecord{"2026-11-26T15:04:00Z", 195, 2});
}

TEST(Records, IdentityOfAnOlderRunIsDerivedFromTheCellId) {
  const auto id = json({{"type", "cell"}, {"cell", "mpsc/8|filled|asio|jemalloc(probes off)|link"}})
                      .get<CellIdentity>();
  EXPECT_EQ(id.workload, "mpsc/8");
  EXPECT_EQ(id.family, "mpsc");
  EXPECT_EQ(id.payload, "filled");
  EXPECT_EQ(id.runtime, "asio");
  EXPECT_EQ(id.variant, "jemalloc(probes off)");
  EXPECT_EQ(id.probes, "off");
  EXPECT_EQ(id.injection, "link");
  EXPECT_EQ(cell_id("mpsc/8", "filled", "asio", "jemalloc(probes off)", "link"), id.cell);
}

TEST(Records, AnUnknownTuningStatusIsNeverVerified) {
  const auto check =
      json({{"keys", {{{"key", "k"}, {"status", "fine"}}, {{"key", "v"}, {"status", "verified"}}}}})
          .get<alloc::TuningCheck>();
  ASSERT_EQ(check.keys.size(), 2u);
  EXPECT_EQ(check.keys[0].status, alloc::KeyCheck::Status::unverified);
  EXPECT_EQ(check.keys[1].status, alloc::KeyCheck::Status::verified);
}

// ---- malformed records -----------------------------------------------------

template <class Record>
std::string error_of(const std::string& text) {
  try {
    json::parse(text).get<Record>();
  } catch (const RecordError& e) {
    return e.what();
  }
  return "(accepted)";
}

constexpr const char* kCell = R"("cell":"mpsc/8|zeroed|asio|std|preload")";

std::string sample(const std::string& fields) {
  return std::string(R"({"type":"sample",)") + kCell + R"(,"group":"mpsc/8",)" + fields + "}";
}

TEST(Records, MalformedSamplesAreNamed) {
  const std::string who = "sample of cell 'mpsc/8|zeroed|asio|std|preload'";
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":3)")),
            who + " (round 0): \"ns\" is missing or not a number");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":-1,"iters":3,"ns":5)")),
            who + " (round -1): \"round\" must be a round number >= 0");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":0,"ns":5)")),
            who + " (round 0): \"iters\" must be >= 1");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":1.5,"ns":5)")),
            who + " (round 0): \"iters\" must be a whole number from 0 to below 2^64");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":1,"ns":1e30)")),
            who + " (round 0): \"ns\" must be >= 0 and below 2^64");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":1,"ns":5,"process":-2)")),
            who + " (round 0): \"process\" must be >= 0");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":1,"ns":5,"counters":[1])")),
            who + " (round 0): \"counters\" is not an object");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":1,"ns":5,"counters":{"mmap":"x"})")),
            who + " (round 0): counter \"mmap\" is not a number below 2^64");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":1,"ns":5,"counters":{"mmap":-1})")),
            who + " (round 0): counter \"mmap\" must be a whole number from 0 to below 2^64");
  EXPECT_EQ(
      error_of<SampleRecord>(sample(
          R"("round":0,"iters":1,"ns":5,"load":{"window_ns":1,"cpus":2,"busy_ns":-1,"steal_ns":0,"run_ns":0})")),
      who + " (round 0): \"load\".busy_ns must be a number >= 0");
  EXPECT_EQ(error_of<SampleRecord>(R"({"type":"sample","round":0,"iters":1,"ns":5})"),
            "sample (round 0): \"cell\" is missing or not a string");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":1,"ns":5,"harness_cpu_ns":-2)")),
            who + " (round 0): \"harness_cpu_ns\" must be a whole number from 0 to below 2^64");
  EXPECT_EQ(error_of<SampleRecord>(sample(R"("round":0,"iters":1,"ns":5,"counted_process":3)")),
            who + " (round 0): \"counted_process\" is not an object");
  EXPECT_EQ(error_of<SampleRecord>(
                sample(R"("round":0,"iters":1,"ns":5,"counted_process":{"iters":2,"wall_ns":9})")),
            who + " (round 0): \"counted_process\".measured_ns is missing or not a number");
  EXPECT_EQ(
      error_of<SampleRecord>(sample(
          R"("round":0,"iters":1,"ns":5,"counted_process":{"iters":2.5,"measured_ns":1,"wall_ns":9})")),
      who + " (round 0): \"counted_process\".iters must be a whole number from 0 to below 2^64");
  // Counters are divided by its iters, its share by wall_ns.
  EXPECT_EQ(
      error_of<SampleRecord>(sample(
          R"("round":0,"iters":1,"ns":5,"counted_process":{"iters":0,"measured_ns":1,"wall_ns":9})")),
      who + " (round 0): \"counted_process\".iters must be >= 1");
  EXPECT_EQ(
      error_of<SampleRecord>(sample(
          R"("round":0,"iters":1,"ns":5,"counted_process":{"iters":2,"measured_ns":1,"wall_ns":0})")),
      who + " (round 0): \"counted_process\".wall_ns must be >= 1");
}

TEST(Records, MalformedOtherRecordsAreNamed) {
  EXPECT_EQ(error_of<CellRecord>(R"({"type":"cell","cell":3})"),
            "cell: \"cell\" is missing or not a string");
  EXPECT_EQ(error_of<GroupDoneRecord>(
                R"({"type":"group_done","group":"g","cross_cpu":{"before":{"round_trip_ns":-4}}})"),
            "group_done: \"round_trip_ns\" must be a positive number");
  EXPECT_EQ(error_of<TraceRecord>(std::string(R"({"type":"trace",)") + kCell + R"(,"iters":0})"),
            "trace of cell 'mpsc/8|zeroed|asio|std|preload': \"iters\" must be > 0");
  EXPECT_EQ(error_of<TraceRecord>(std::string(R"({"type":"trace",)") + kCell +
                                  R"(,"iters":2,"summary":[1]})"),
            "trace of cell 'mpsc/8|zeroed|asio|std|preload': \"summary\" entries must be objects");
  EXPECT_EQ(
      error_of<ProfileRecord>(R"({"type":"profile","group":"g","iters":0,"calls":1,"bytes":1})"),
      "profile: \"iters\" must be > 0");
  EXPECT_EQ(error_of<ProfileRecord>(R"({"type":"profile","group":"g","iters":1,"calls":1})"),
            "profile: \"bytes\" is missing or not a number");
  EXPECT_EQ(error_of<SteadyStateRecord>(std::string(R"({"type":"steady_state",)") + kCell +
                                        R"(,"counters":{"mmap":{"agree":false}}})"),
            "steady_state of cell 'mpsc/8|zeroed|asio|std|preload': \"first_per_iteration\" is "
            "missing or not a number");
  EXPECT_EQ(error_of<SteadyStateRecord>(std::string(R"({"type":"steady_state",)") + kCell +
                                        R"(,"counters":{"mmap":3}})"),
            "steady_state of cell 'mpsc/8|zeroed|asio|std|preload': \"counters\" entries must be "
            "objects");
  EXPECT_EQ(error_of<CellFailedRecord>(R"(["not", "an object"])"), "a record is not a JSON object");
}

}  // namespace
}  // namespace shootout::journal

// ---- manifest.json --------------------------------------------------------------

namespace shootout::journal {
namespace {

TEST(Manifest, RoundTripOfRunAndExecManifests) {
  Manifest m;
  m.machine.cpu_model = "Synthetic CPU";
  m.machine.cores_online = 2;
  m.machine.arch = "x86_64";
  m.machine.kernel = "Linux 6.1.0";
  m.machine.page_size = 4096;
  m.machine.thp_enabled = "madvise";
  m.machine.loadavg = "0.1 0.2 0.3 1/100 1000";
  m.allocators["std"] = {"", false, "GLIBC_TUNABLES=glibc.malloc.*", {}, {}};
  m.allocators["jemalloc"] = {"/usr/lib/libjemalloc.so.2", false, "MALLOC_CONF", "libjemalloc2",
                              "5.3.0-1"};
  m.plan.groups = {{"mpsc/8", {"mpsc/8|zeroed|asio|std|preload"}}};
  m.plan.cells = 1;
  m.options = {{"profile", "study"}, {"bootstrap_resamples", 2000}, {"pin", true}};
  m.attempts = {{1, "2026-11-26T15:00:00Z", "2026-11-26T15:01:00Z"},
                {2, "2026-11-26T15:02:00Z", std::nullopt}};
  expect_round_trip(m);
  EXPECT_EQ(m.profile(), "study");
  EXPECT_EQ(m.bootstrap_resamples(), 2000);
  EXPECT_TRUE(m.pinned());

  m.mode = "exec";
  m.command = ExecCommand{{"gzip", "-c"},  "gzip -c", false, {"gzip", "-c"},
                          "/usr/bin/gzip", false,     false, ""};
  m.plan.runs = 10;
  m.plan.warmup_runs = 1;
  m.plan.verification_runs = 1;
  m.options = {{"runs", 10}};
  m.machine.loadavg_end = "1.0 0.5 0.3 1/100 1001";
  expect_round_trip(m);
  EXPECT_FALSE(json(m)["machine"].contains("emulator")) << "a native run's has no such key";
  m.machine.emulator = "qemu-aarch64 version 7.2.18, page size 65536";
  expect_round_trip(m);
  EXPECT_FALSE(m.profile());
  EXPECT_FALSE(m.bootstrap_resamples());
  EXPECT_FALSE(m.pinned());
}

TEST(Manifest, RoundTripOfShardAndMergedManifests) {
  Manifest m;
  m.tool_version = "0.1.0";
  m.machine.cpu_model = "Neoverse-N1";
  m.machine.arch = "aarch64";
  m.machine.page_size = 65536;
  m.machine.kernel = "Linux 6.1.0-26-arm64";
  m.plan.groups = {{"mpsc/8", {"mpsc/8|zeroed|asio|std|preload"}}, {"mpsc/64", {}}};
  m.plan.cells = 1;
  m.plan.digest = plan_digest(m.plan, m.options);
  m.shard = ShardFacts{2, 3, {"mpsc/64"}};
  expect_round_trip(m);
  EXPECT_EQ(json(m).at("shard").at("groups"), json::array({"mpsc/64"}));

  m.shard.reset();
  m.merged = MergeFacts{3,
                        {{1,
                          "runs/part-1",
                          machine_name(m.machine),
                          {{1, "2026-12-01T10:00:00Z", "2026-12-01T10:05:00Z"}}},
                         {3, "runs/part-3", machine_name(m.machine), {}}},
                        {2}};
  expect_round_trip(m);
  EXPECT_EQ(machine_name(m.machine), "Neoverse-N1, aarch64, 64 KiB pages, Linux 6.1.0-26-arm64");
  // Fields older runs lack stay empty, never guessed.
  const auto old = json::parse(R"({"plan":{"groups":[],"cells":0}})").get<Manifest>();
  EXPECT_TRUE(old.tool_version.empty());
  EXPECT_TRUE(old.plan.digest.empty());
  EXPECT_FALSE(old.shard);
  EXPECT_FALSE(old.merged);
  EXPECT_EQ(machine_name(old.machine), "unknown CPU, unknown architecture, ? B pages");
}

TEST(Manifest, ValuesOfAnotherTypeAreAbsentNotGuessed) {
  const auto m = json::parse(R"({"options":{"bootstrap_resamples":"5000","profile":3},
                                 "machine":{"cores_online":"2"}})")
                     .get<Manifest>();
  EXPECT_FALSE(m.bootstrap_resamples());
  EXPECT_FALSE(m.profile());
  EXPECT_EQ(m.machine.cores_online, 0);
  EXPECT_THROW(json::array().get<Manifest>(), std::invalid_argument);
}

}  // namespace
}  // namespace shootout::journal
