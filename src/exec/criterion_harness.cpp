// Criterion.rs (0.3) behind the Harness interface (harness.h), driven as
// `cargo bench` drives a bench binary: --bench (without it Criterion runs
// each benchmark once, as a test), the filter as its positional regular
// expression. Every run gets its own CRITERION_HOME in the run directory,
// so no run ever finds another's results: Criterion's comparison with a
// previous run ("change") has nothing to compare with, and --noplot turns
// off its plots and HTML report. Every sample of a benchmark's sample.json
// is one sample (criterion_output.h).
#include <cmath>
#include <stdexcept>

#include "exec/criterion_output.h"
#include "exec/harness.h"

namespace shootout::exec {

namespace {

// Criterion 0.3 refuses (panics on) a sample size below 10.
constexpr int kMinSampleSize = 10;

// Criterion 0.3 reads --measurement-time and --warm-up-time as whole
// seconds (u64) and panics on 0.
void check_whole_seconds(const char* option, double seconds) {
  if (seconds != 0 && (seconds < 1 || seconds != std::floor(seconds)))
    throw std::invalid_argument(std::string(option) + " " + seconds_argument(seconds) +
                                ": Criterion.rs 0.3 takes whole seconds (1 or more)");
}

// The variables of every run: its own CRITERION_HOME, and no connection to
// cargo-criterion (with CARGO_CRITERION_PORT set, Criterion sends its
// measurements there and writes no sample.json; empty, it cannot connect).
std::vector<std::string> environment(const std::string& criterion_home) {
  return {"CRITERION_HOME=" + criterion_home, "CARGO_CRITERION_PORT="};
}

class Criterion final : public Harness {
 public:
  std::string name() const override { return "Criterion.rs"; }

  HarnessInvocation list(const std::string& filter, const std::string& scratch) const override {
    // CRITERION_HOME even here: without it Criterion looks for a target
    // directory, by running `cargo metadata` when started by cargo.
    HarnessInvocation invocation{{"--bench", "--list"}, environment(scratch)};
    if (!filter.empty()) invocation.arguments.push_back(filter);
    return invocation;
  }

  std::string list_flags() const override { return "--bench --list"; }

  std::vector<std::string> parse_list(const std::string& text) const override {
    return parse_criterion_list(text);
  }

  void check(const HarnessSettings& settings) const override {
    if (settings.repetitions != 0)
      throw std::invalid_argument(
          "--repetitions is a google/benchmark setting; a Criterion.rs suite's samples per run "
          "are its sample size (--sample-size N, at least 10)");
    if (settings.sample_size != 0 && settings.sample_size < kMinSampleSize)
      throw std::invalid_argument("--sample-size must be at least 10 for Criterion.rs (got " +
                                  std::to_string(settings.sample_size) + ")");
    check_whole_seconds("--measurement-time", settings.measurement_seconds);
    check_whole_seconds("--warm-up-time", settings.warmup_seconds);
  }

  HarnessInvocation verification(const std::string& filter,
                                 const std::string& output) const override {
    // --bench --test runs each benchmark once: enough to see which malloc
    // serves the suite, in a fraction of a measured run's time.
    HarnessInvocation invocation{{"--bench", "--test"}, environment(output)};
    if (!filter.empty()) invocation.arguments.push_back(filter);
    return invocation;
  }

  std::string output_path(const std::string& logs_dir, const std::string& stem) const override {
    return logs_dir + "/" + stem + ".criterion";
  }

  HarnessInvocation round(const HarnessSettings& settings, const std::string& filter,
                          const std::string& output) const override {
    HarnessInvocation invocation{{"--bench", "--noplot"}, environment(output)};
    auto& args = invocation.arguments;
    // A group's own sample_size() / measurement_time() / warm_up_time() in
    // the suite's code take precedence over these (Criterion's rule).
    if (settings.sample_size > 0) {
      args.push_back("--sample-size");
      args.push_back(std::to_string(settings.sample_size));
    }
    if (settings.measurement_seconds > 0) {
      args.push_back("--measurement-time");
      args.push_back(seconds_argument(settings.measurement_seconds));
    }
    if (settings.warmup_seconds > 0) {
      args.push_back("--warm-up-time");
      args.push_back(seconds_argument(settings.warmup_seconds));
    }
    if (!filter.empty()) args.push_back(filter);
    return invocation;
  }

  std::vector<HarnessSample> read_round(const std::string& output) const override {
    return read_criterion_home(output);
  }

  std::string sample_description() const override {
    return "every sample of the benchmark's sample.json: the wall time of a batch of "
           "iterations (times[i] / iters[i] per iteration)";
  }

  // Criterion 0.3 has no --exact: its FILTER is a regular expression of
  // the regex crate (1.7, regex-syntax 0.6) searched in the whole id
  // ("group/function/value"). These are the characters regex::escape()
  // escapes; they are the only ones that crate lets be escaped (a space or
  // '/' after a backslash is an error).
  std::string exact_filter(const std::string& name) const override {
    return anchored_literal(name, R"(\.+*?()|[]{}^$#&-~)");
  }
};

}  // namespace

std::unique_ptr<Harness> criterion_harness() { return std::make_unique<Criterion>(); }

}  // namespace shootout::exec
