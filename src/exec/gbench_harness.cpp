// google/benchmark behind the Harness interface (harness.h): listed with
// --benchmark_list_tests, selected with --benchmark_filter, every run
// writing its JSON with --benchmark_out; every repetition of a benchmark
// is one sample (gbench_output.h). Flags as in google/benchmark 1.7.
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "exec/gbench_output.h"
#include "exec/harness.h"

namespace shootout::exec {

namespace {

class GoogleBenchmark final : public Harness {
 public:
  std::string name() const override { return "google/benchmark"; }

  HarnessInvocation list(const std::string& filter, const std::string&) const override {
    HarnessInvocation invocation;
    invocation.arguments.push_back("--benchmark_list_tests=true");
    if (!filter.empty()) invocation.arguments.push_back("--benchmark_filter=" + filter);
    return invocation;
  }

  std::string list_flags() const override { return "--benchmark_list_tests"; }

  std::vector<std::string> parse_list(const std::string& text) const override {
    return parse_benchmark_list(text);
  }

  void check(const HarnessSettings& settings) const override {
    if (settings.sample_size != 0)
      throw std::invalid_argument(
          "--sample-size is a Criterion.rs setting; a google/benchmark suite's samples per run "
          "are its repetitions (--repetitions N)");
  }

  HarnessInvocation verification(const std::string& filter, const std::string&) const override {
    HarnessInvocation invocation;
    if (!filter.empty()) invocation.arguments.push_back("--benchmark_filter=" + filter);
    return invocation;
  }

  std::string output_path(const std::string& logs_dir, const std::string& stem) const override {
    return logs_dir + "/" + stem + ".json";
  }

  HarnessInvocation round(const HarnessSettings& settings, const std::string& filter,
                          const std::string& output) const override {
    HarnessInvocation invocation = verification(filter, output);
    auto& args = invocation.arguments;
    args.push_back("--benchmark_out=" + output);
    args.push_back("--benchmark_out_format=json");
    if (settings.repetitions > 0)
      args.push_back("--benchmark_repetitions=" + std::to_string(settings.repetitions));
    // A benchmark's own MinTime() / MinWarmUpTime() take precedence over
    // these flags (google/benchmark's rule).
    if (settings.measurement_seconds > 0)
      args.push_back("--benchmark_min_time=" + seconds_argument(settings.measurement_seconds));
    if (settings.warmup_seconds > 0)
      args.push_back("--benchmark_min_warmup_time=" + seconds_argument(settings.warmup_seconds));
    return invocation;
  }

  std::vector<HarnessSample> read_round(const std::string& output) const override {
    std::ifstream in(output);
    if (!in) throw HarnessOutputError("the harness wrote no JSON to " + output);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<BenchmarkRepetition> repetitions;
    try {
      repetitions = parse_benchmark_json(text);
    } catch (const HarnessOutputError& e) {
      throw HarnessOutputError(std::string(e.what()) + " (" + output + ")");
    }
    std::vector<HarnessSample> samples;
    samples.reserve(repetitions.size());
    // The JSON has times per iteration, already divided.
    for (const auto& r : repetitions) {
      const auto iterations = static_cast<double>(r.iterations);
      HarnessSample sample{r.name, r.iterations, r.real_ns_per_iteration * iterations, {}, r.error};
      if (r.error.empty()) sample.cpu_ns = r.cpu_ns_per_iteration * iterations;
      samples.push_back(std::move(sample));
    }
    return samples;
  }

  std::string sample_description() const override {
    return "real_time of every repetition (--benchmark_repetitions) a sample, its cpu_time "
           "beside it";
  }

  // google/benchmark 1.7 matches --benchmark_filter with std::regex's
  // extended (POSIX ERE) grammar, searching the whole name ("BM_x/64"):
  // ^...$ anchors it. These are the characters libstdc++'s ERE scanner
  // reads as operators; ']' and '}' are ordinary outside a bracket or an
  // interval, and a strict-ANSI libstdc++ refuses their escape (as any
  // ordinary character's: "Invalid escape in regular expression").
  std::string exact_filter(const std::string& name) const override {
    return anchored_literal(name, R"(^$\.*+?()[{|)");
  }
};

}  // namespace

std::unique_ptr<Harness> google_benchmark_harness() { return std::make_unique<GoogleBenchmark>(); }

}  // namespace shootout::exec
