// The Criterion.rs output readers (exec/criterion_output.h) on the shapes
// Criterion 0.3.6 writes, each kind of bad input refused with the
// benchmark, line or file; and the command lines both harnesses add
// (exec/harness.h).
#include "exec/criterion_output.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "exec/harness.h"

namespace {

namespace fs = std::filesystem;
using shootout::exec::HarnessOutputError;
using shootout::exec::HarnessSettings;
using shootout::exec::parse_criterion_benchmark_id;
using shootout::exec::parse_criterion_list;
using shootout::exec::parse_criterion_samples;
using shootout::exec::read_criterion_home;

// What a message of `call` says, or "" when it throws nothing.
template <typename Call>
std::string error_of(Call call) {
  try {
    call();
  } catch (const HarnessOutputError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// As Criterion 0.3.6 writes them (a linear sampling of 3 samples; the
// benchmark.json of a group's benchmark with a parameter).
constexpr const char* kSamples =
    R"({"sampling_mode":"Linear","iters":[12.0,24.0,36.0],"times":[1500.0,2900.0,4400.0]})";
constexpr const char* kBenchmarkId =
    R"({"group_id":"small_objects","function_id":"boxes","value_str":"64","throughput":null,)"
    R"("full_id":"small_objects/boxes/64","directory_name":"small_objects/boxes/64",)"
    R"("title":"small_objects/boxes/64"})";

TEST(CriterionOutputTest, ListIsNameColonBenchPerLine) {
  const auto names = parse_criterion_list(
      "Gnuplot not found, using plotters backend\n"
      "zeroed 32 KiB: bench\n\nsmall_objects/boxes/64: bench\r\nodd: name: bench\n");
  EXPECT_EQ(names,
            (std::vector<std::string>{"zeroed 32 KiB", "small_objects/boxes/64", "odd: name"}));
  EXPECT_TRUE(parse_criterion_list("\n").empty());
  // gnuplot present but failing: its error follows the notice.
  EXPECT_EQ(parse_criterion_list("Gnuplot not found or not usable, using plotters backend\n"
                                 "`gnuplot --version` failed with error message:\n"
                                 "no display\n"
                                 "a: bench\n"),
            (std::vector<std::string>{"a"}));
  // What criterion_main! prints first when the suite has no `html_reports`
  // feature (Criterion 0.3.6's default), verbatim, then its list.
  EXPECT_EQ(parse_criterion_list(
                "WARNING: HTML report generation will become a non-default optional feature in "
                "Criterion.rs 0.4.0.\n"
                "This feature is being moved to cargo-criterion "
                "(https://github.com/bheisler/cargo-criterion) and will be optional in a future "
                "version of Criterion.rs. To silence this warning, either switch to "
                "cargo-criterion or enable the 'html_reports' feature in your Cargo.toml.\n"
                "\nmpsc/64: bench\n\nmpsc/32768: bench\n\n"),
            (std::vector<std::string>{"mpsc/64", "mpsc/32768"}));
  // A warning after the list is no notice.
  EXPECT_FALSE(error_of([] { parse_criterion_list("a: bench\nWARNING: x\n"); }).empty());
  const std::string error =
      error_of([] { parse_criterion_list("a: bench\nhello, I am no suite\n"); });
  EXPECT_TRUE(has(error, "line 2 of --bench --list is not \"NAME: bench\"")) << error;
  EXPECT_FALSE(error_of([] { parse_criterion_list(": bench\n"); }).empty()) << "no name";
  EXPECT_FALSE(error_of([] { parse_criterion_list("BM_x\n"); }).empty())
      << "google/benchmark's listing is not Criterion's";
  // A libtest bench (harness = true) lists "NAME: bench" too, then a count:
  // it writes no sample.json, so it must not pass for Criterion.
  EXPECT_TRUE(
      has(error_of([] { parse_criterion_list("bench_add: bench\n\n0 tests, 1 benchmarks\n"); }),
          "line 3 of --bench --list"));
}

TEST(CriterionOutputTest, EverySampleIsItsItersAndTimes) {
  const auto samples = parse_criterion_samples(kSamples, "zeroed 32 KiB");
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0].name, "zeroed 32 KiB");
  EXPECT_EQ(samples[0].iterations, 12u);
  EXPECT_DOUBLE_EQ(samples[0].total_ns, 1500.0);
  EXPECT_EQ(samples[2].iterations, 36u);
  EXPECT_DOUBLE_EQ(samples[2].total_ns, 4400.0);
  EXPECT_TRUE(samples[1].error.empty());
}

TEST(CriterionOutputTest, BadSamplesNameTheBenchmark) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"iters":[1.0,2.0],"times":[1.0})", "cannot be parsed at line 1"},
      {R"({"times":[1.0]})", "\"iters\" is missing or not an array"},
      {R"({"iters":[1.0],"times":"x"})", "\"times\" is missing or not an array"},
      {R"({"iters":[1.0,2.0],"times":[1.0]})", "2 \"iters\" and 1 \"times\""},
      {R"({"iters":[],"times":[]})", "at least one"},
      {R"({"iters":[1.5],"times":[1.0]})", "is not a whole number >= 1"},
      {R"({"iters":[0],"times":[1.0]})", "is not a whole number >= 1"},
      {R"({"iters":[1],"times":[-1.0]})", "is not a number of ns >= 0"},
      {R"({"iters":[1],"times":[2e18]})", "at most 10^18"},
      {R"({"iters":["1"],"times":[1.0]})", "must be numbers"},
      {R"([1,2])", "\"iters\" is missing or not an array"},
  };
  for (const auto& [text, expected] : cases) {
    SCOPED_TRACE(text);
    const std::string error = error_of([&] { parse_criterion_samples(text, "grp/fn/7"); });
    EXPECT_TRUE(has(error, "sample.json of benchmark grp/fn/7")) << error;
    EXPECT_TRUE(has(error, expected)) << error;
  }
}

TEST(CriterionOutputTest, BenchmarkIdIsItsTitle) {
  EXPECT_EQ(parse_criterion_benchmark_id(kBenchmarkId), "small_objects/boxes/64");
  EXPECT_TRUE(has(error_of([] { parse_criterion_benchmark_id(R"({"full_id":"x"})"); }),
                  "benchmark.json has no \"title\""));
  EXPECT_TRUE(has(error_of([] { parse_criterion_benchmark_id("{"); }),
                  "benchmark.json cannot be parsed at line 1"));
}

class CriterionHomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::path(::testing::TempDir()) /
            ("criterion_home_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(home_);
  }
  void TearDown() override { fs::remove_all(home_); }

  // A benchmark's new/ directory as Criterion writes it, under `directory`.
  fs::path write_benchmark(const std::string& directory, const std::string& id_json,
                           const std::string& samples_json) {
    const fs::path dir = home_ / directory / "new";
    fs::create_directories(dir);
    std::ofstream(dir / "benchmark.json") << id_json;
    if (!samples_json.empty()) std::ofstream(dir / "sample.json") << samples_json;
    return dir;
  }

  fs::path home_;
};

// The directory's name is not the benchmark's: the name comes from
// benchmark.json, so '/' (nested directories) and characters Criterion
// replaces in directory names round-trip.
TEST_F(CriterionHomeTest, ReadsEveryBenchmarkByTheNameInItsBenchmarkJson) {
  write_benchmark("small_objects/boxes/64", kBenchmarkId, kSamples);
  write_benchmark("a_b", R"({"title":"a:b"})", R"({"iters":[5.0],"times":[50.0]})");
  // Criterion's report/ and base/ directories are not results of this run.
  fs::create_directories(home_ / "report");
  std::ofstream(home_ / "report" / "index.html") << "<html>";
  const auto samples = read_criterion_home(home_.string());
  ASSERT_EQ(samples.size(), 4u);
  EXPECT_EQ(samples[0].name, "a:b");  // paths in order: a_b before small_objects
  EXPECT_EQ(samples[0].iterations, 5u);
  for (size_t i = 1; i < 4; ++i) EXPECT_EQ(samples[i].name, "small_objects/boxes/64");
}

TEST_F(CriterionHomeTest, AMissingOrBadFileIsNamed) {
  EXPECT_TRUE(has(error_of([&] { read_criterion_home(home_.string()); }),
                  "the harness wrote nothing to CRITERION_HOME " + home_.string()));

  const fs::path dir = write_benchmark("x", R"({"title":"x"})", "");
  std::string error = error_of([&] { read_criterion_home(home_.string()); });
  EXPECT_TRUE(has(error, "did not write sample.json")) << error;
  EXPECT_TRUE(has(error, (dir / "sample.json").string())) << error;

  std::ofstream(dir / "sample.json") << R"({"iters":[1.0],"times":)";
  error = error_of([&] { read_criterion_home(home_.string()); });
  EXPECT_TRUE(has(error, "sample.json of benchmark x cannot be parsed at line 1")) << error;
  EXPECT_TRUE(has(error, (dir / "sample.json").string())) << error;

  std::ofstream(dir / "benchmark.json") << "[]";
  error = error_of([&] { read_criterion_home(home_.string()); });
  EXPECT_TRUE(has(error, "benchmark.json has no \"title\"")) << error;
  EXPECT_TRUE(has(error, (dir / "benchmark.json").string())) << error;
}

std::vector<std::string> arguments_of(const shootout::exec::HarnessInvocation& invocation) {
  return invocation.arguments;
}

// What each harness adds to the user's command line and environment.
TEST(HarnessInvocationTest, CriterionIsDrivenAsCargoBenchWithItsOwnHome) {
  const auto criterion = shootout::exec::criterion_harness();
  EXPECT_EQ(criterion->name(), "Criterion.rs");
  HarnessSettings settings;
  settings.sample_size = 10;
  settings.measurement_seconds = 2;
  settings.warmup_seconds = 1;
  const auto round = criterion->round(settings, "boxes/64", "/run/logs/std-round-0.criterion");
  EXPECT_EQ(round.arguments, (std::vector<std::string>{"--bench", "--noplot", "--sample-size", "10",
                                                       "--measurement-time", "2", "--warm-up-time",
                                                       "1", "boxes/64"}));
  // Its own CRITERION_HOME, and never cargo-criterion's connection.
  EXPECT_EQ(round.environment,
            (std::vector<std::string>{"CRITERION_HOME=/run/logs/std-round-0.criterion",
                                      "CARGO_CRITERION_PORT="}));
  EXPECT_EQ(arguments_of(criterion->round({}, "", "/h")),
            (std::vector<std::string>{"--bench", "--noplot"}));
  EXPECT_EQ(arguments_of(criterion->list("", "/tmp/x")),
            (std::vector<std::string>{"--bench", "--list"}));
  EXPECT_EQ(criterion->list("", "/tmp/x").environment,
            (std::vector<std::string>{"CRITERION_HOME=/tmp/x", "CARGO_CRITERION_PORT="}));
  EXPECT_EQ(arguments_of(criterion->verification("z", "/v")),
            (std::vector<std::string>{"--bench", "--test", "z"}));
  EXPECT_EQ(criterion->output_path("/run/logs", "jemalloc-round-3"),
            "/run/logs/jemalloc-round-3.criterion");

  HarnessSettings repetitions;
  repetitions.repetitions = 3;
  EXPECT_THROW(criterion->check(repetitions), std::invalid_argument);
  HarnessSettings too_few;
  too_few.sample_size = 9;  // Criterion 0.3 panics below 10
  EXPECT_THROW(criterion->check(too_few), std::invalid_argument);
  // Criterion 0.3 reads both times as whole seconds.
  HarnessSettings fractional;
  fractional.measurement_seconds = 0.5;
  EXPECT_THROW(criterion->check(fractional), std::invalid_argument);
  fractional = {};
  fractional.warmup_seconds = 1.5;
  EXPECT_THROW(criterion->check(fractional), std::invalid_argument);
  EXPECT_NO_THROW(criterion->check(settings));
}

TEST(HarnessInvocationTest, GoogleBenchmarkWritesItsJsonWhereAsked) {
  const auto gbench = shootout::exec::google_benchmark_harness();
  EXPECT_EQ(gbench->name(), "google/benchmark");
  HarnessSettings settings;
  settings.repetitions = 3;
  settings.measurement_seconds = 0.5;
  settings.warmup_seconds = 0.25;
  EXPECT_EQ(arguments_of(gbench->round(settings, "zeroed", "/run/logs/std-round-0.json")),
            (std::vector<std::string>{
                "--benchmark_filter=zeroed", "--benchmark_out=/run/logs/std-round-0.json",
                "--benchmark_out_format=json", "--benchmark_repetitions=3",
                "--benchmark_min_time=0.5", "--benchmark_min_warmup_time=0.25"}));
  EXPECT_TRUE(gbench->round(settings, "", "/x").environment.empty());
  EXPECT_EQ(arguments_of(gbench->list("f", "/tmp/x")),
            (std::vector<std::string>{"--benchmark_list_tests=true", "--benchmark_filter=f"}));
  HarnessSettings sample_size;
  sample_size.sample_size = 10;
  EXPECT_THROW(gbench->check(sample_size), std::invalid_argument);
  EXPECT_NO_THROW(gbench->check(settings));
  EXPECT_EQ(shootout::exec::known_harness_names(), "google/benchmark, Criterion.rs");
}

// bench --isolate's filters: anchored at both ends, with exactly the
// characters each harness's dialect reads as operators escaped.
TEST(HarnessExactFilterTest, NamesAreLiteralsInEachHarnesssDialect) {
  const auto gbench = shootout::exec::google_benchmark_harness();
  const auto criterion = shootout::exec::criterion_harness();
  // '/', spaces, '+', '(', '[', '.', '$': '+', '(', '[', '.', '$' escaped
  // in both; '/' and spaces, operators in neither, stay as they are (both
  // engines refuse their escape). ']' and '}' are ordinary in ERE outside a
  // bracket or an interval, and libstdc++ refuses their escape.
  const std::string odd = "BM_odd/8 threads+1 (x) [y].z$";
  EXPECT_EQ(gbench->exact_filter(odd), R"(^BM_odd/8 threads\+1 \(x\) \[y]\.z\$$)");
  EXPECT_EQ(criterion->exact_filter(odd), R"(^BM_odd/8 threads\+1 \(x\) \[y\]\.z\$$)");
  const std::string operators = R"(a\b|c*d?e{2}^f)";
  EXPECT_EQ(gbench->exact_filter(operators), R"(^a\\b\|c\*d\?e\{2}\^f$)");
  EXPECT_EQ(criterion->exact_filter(operators), R"(^a\\b\|c\*d\?e\{2\}\^f$)");
  // regex::escape() also escapes these (operators in its classes and
  // verbose mode); ERE's are ordinary characters.
  EXPECT_EQ(gbench->exact_filter("a-b#c&d~e"), "^a-b#c&d~e$");
  EXPECT_EQ(criterion->exact_filter("a-b#c&d~e"), R"(^a\-b\#c\&d\~e$)");
  EXPECT_EQ(gbench->exact_filter("zeroed 32 KiB"), "^zeroed 32 KiB$");
  EXPECT_EQ(criterion->exact_filter("small_objects/boxes/64"), "^small_objects/boxes/64$");

  // The engine google/benchmark matches with: std::regex, POSIX extended,
  // searching (this test is built as strict ANSI C++, -std=c++20: an
  // escaped ordinary character throws here). Each filter matches its own
  // name and none that differs by a character an unescaped operator would
  // let through.
  for (const std::string& name :
       {odd, operators, std::string("a-b#c&d~e"), std::string("BM_zeroed32k/min_time:0.002")}) {
    SCOPED_TRACE(name);
    const std::regex filter(gbench->exact_filter(name), std::regex::extended);
    EXPECT_TRUE(std::regex_search(name, filter));
    EXPECT_FALSE(std::regex_search(name + "x", filter));
    EXPECT_FALSE(std::regex_search("x" + name, filter));
  }
  // Names an unescaped filter would also match.
  for (const auto& [name, other] :
       {std::pair<std::string, std::string>{"BM_zeroed32k/min_time:0.002",
                                            "BM_zeroed32k/min_time:0x002"},
        {"BM_a+b", "BM_aab"},
        {"BM_x[y]", "BM_xy"},
        {"BM_f(1)", "BM_f1"},
        {"BM_a|b", "b"}}) {
    SCOPED_TRACE(name);
    const std::regex filter(gbench->exact_filter(name), std::regex::extended);
    EXPECT_TRUE(std::regex_search(name, filter));
    EXPECT_FALSE(std::regex_search(other, filter));
  }
}

}  // namespace
