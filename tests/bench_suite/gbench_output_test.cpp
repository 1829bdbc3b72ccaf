// The google/benchmark output parser (exec/gbench_output.h) on the
// harness's own JSON shape: every repetition read, aggregates left out,
// units converted, and each kind of bad input refused with its name or line.
#include "exec/gbench_output.h"

#include <gtest/gtest.h>

namespace {

using shootout::exec::HarnessOutputError;
using shootout::exec::parse_benchmark_json;
using shootout::exec::parse_benchmark_list;

// As google/benchmark 1.7 writes it with --benchmark_repetitions=2 (context
// shortened): two iteration entries and their aggregates.
constexpr const char* kTwoRepetitions = R"({
  "context": {"date": "2026-12-02T03:00:00+00:00", "library_build_type": "release"},
  "benchmarks": [
    {"name": "BM_zeroed32k", "family_index": 0, "per_family_instance_index": 0,
     "run_name": "BM_zeroed32k", "run_type": "iteration", "repetitions": 2,
     "repetition_index": 0, "threads": 1, "iterations": 1000,
     "real_time": 1.5, "cpu_time": 1.25, "time_unit": "us"},
    {"name": "BM_zeroed32k", "family_index": 0, "per_family_instance_index": 0,
     "run_name": "BM_zeroed32k", "run_type": "iteration", "repetitions": 2,
     "repetition_index": 1, "threads": 1, "iterations": 2000,
     "real_time": 2.0, "cpu_time": 1.0, "time_unit": "ms"},
    {"name": "BM_zeroed32k_mean", "family_index": 0, "per_family_instance_index": 0,
     "run_name": "BM_zeroed32k", "run_type": "aggregate", "repetitions": 2,
     "threads": 1, "aggregate_name": "mean", "aggregate_unit": "time",
     "iterations": 2, "real_time": 1.75, "cpu_time": 1.1, "time_unit": "us"},
    {"name": "BM_small/64", "run_name": "BM_small/64", "run_type": "iteration",
     "repetition_index": 0, "iterations": 7, "real_time": 30, "cpu_time": 29,
     "time_unit": "ns"}
  ]
})";

TEST(GbenchOutputTest, ReadsEveryRepetitionAndLeavesOutAggregates) {
  const auto reps = parse_benchmark_json(kTwoRepetitions);
  ASSERT_EQ(reps.size(), 3u);
  EXPECT_EQ(reps[0].name, "BM_zeroed32k");
  EXPECT_EQ(reps[0].repetition, 0);
  EXPECT_EQ(reps[0].iterations, 1000u);
  EXPECT_DOUBLE_EQ(reps[0].real_ns_per_iteration, 1500);  // us
  EXPECT_DOUBLE_EQ(reps[0].cpu_ns_per_iteration, 1250);
  EXPECT_EQ(reps[1].repetition, 1);
  EXPECT_EQ(reps[1].iterations, 2000u);
  EXPECT_DOUBLE_EQ(reps[1].real_ns_per_iteration, 2e6);  // ms
  EXPECT_EQ(reps[2].name, "BM_small/64");
  EXPECT_DOUBLE_EQ(reps[2].real_ns_per_iteration, 30);
}

std::string error_of(const std::string& text) {
  try {
    parse_benchmark_json(text);
  } catch (const HarnessOutputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(GbenchOutputTest, BadJsonNamesTheLine) {
  EXPECT_NE(error_of("{\n  \"benchmarks\": [\n    {\"name\": oops}\n  ]\n}").find("at line 3"),
            std::string::npos)
      << error_of("{\n  \"benchmarks\": [\n    {\"name\": oops}\n  ]\n}");
  EXPECT_NE(error_of("{\"context\": {}}").find("no \"benchmarks\" array"), std::string::npos);
  // Found by fuzz_gbench_output: nlohmann throws out_of_range, not parse_error.
  EXPECT_NE(error_of("{\"benchmarks\": [2e308]}").find("cannot be parsed: "), std::string::npos)
      << error_of("{\"benchmarks\": [2e308]}");
  EXPECT_NE(error_of("[1, 2]").find("no \"benchmarks\" array"), std::string::npos);
}

TEST(GbenchOutputTest, BadEntriesNameTheBenchmark) {
  const std::string no_iterations =
      R"({"benchmarks": [{"name": "BM_a", "run_type": "iteration", "real_time": 1,
          "cpu_time": 1, "time_unit": "ns"}]})";
  EXPECT_NE(error_of(no_iterations).find("benchmark BM_a: \"iterations\""), std::string::npos)
      << error_of(no_iterations);
  const std::string bad_unit =
      R"({"benchmarks": [{"name": "BM_b", "iterations": 3, "real_time": 1, "cpu_time": 1,
          "time_unit": "fortnights"}]})";
  EXPECT_NE(error_of(bad_unit).find("benchmark BM_b: unknown \"time_unit\" \"fortnights\""),
            std::string::npos)
      << error_of(bad_unit);
  const std::string negative =
      R"({"benchmarks": [{"name": "BM_c", "iterations": 3, "real_time": -1, "cpu_time": 1}]})";
  EXPECT_NE(error_of(negative).find("benchmark BM_c: \"real_time\""), std::string::npos);
  const std::string failed =
      R"({"benchmarks": [{"name": "BM_d", "run_type": "iteration", "error_occurred": true,
          "error_message": "out of buffers", "iterations": 0, "real_time": 0, "cpu_time": 0}]})";
  // The harness's own failure of one benchmark is no parse error: it is
  // returned, so that only that benchmark's cell fails.
  const auto reps = parse_benchmark_json(failed);
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(reps[0].name, "BM_d");
  EXPECT_EQ(reps[0].error, "out of buffers");
  const std::string wrong_type =
      R"({"benchmarks": [{"name": "BM_e", "run_type": 7, "iterations": 3, "real_time": 1,
          "cpu_time": 1}]})";
  EXPECT_NE(error_of(wrong_type).find("benchmark BM_e: a field has the wrong type"),
            std::string::npos)
      << error_of(wrong_type);
  const std::string absurd =
      R"({"benchmarks": [{"name": "BM_f", "iterations": 1000000, "real_time": 1e300,
          "cpu_time": 1}]})";
  EXPECT_NE(error_of(absurd).find("benchmark BM_f: real_time x iterations exceeds"),
            std::string::npos)
      << error_of(absurd);
  EXPECT_NE(error_of(R"({"benchmarks": [{"iterations": 1}]})").find("has no name"),
            std::string::npos);
}

TEST(GbenchOutputTest, ListIsOneNamePerLine) {
  EXPECT_EQ(parse_benchmark_list("BM_zeroed32k\n  BM_small/64\r\n\n"),
            (std::vector<std::string>{"BM_zeroed32k", "BM_small/64"}));
  EXPECT_TRUE(parse_benchmark_list("").empty());
  try {
    parse_benchmark_list("BM_a\nhello, I am not a suite\n");
    FAIL() << "a line with blanks was taken for a name";
  } catch (const HarnessOutputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

}  // namespace
