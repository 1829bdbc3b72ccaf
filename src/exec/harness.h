// The benchmark harnesses `bench` drives, behind one interface: how a binary
// is asked for its benchmarks, how one run of the suite is started (the
// arguments and variables added to the user's own), and how that run's
// output becomes samples. exec_runner.cpp's bench mode knows only this
// interface; each harness is one file (gbench_harness.cpp,
// criterion_harness.cpp) over its output parser (gbench_output.*,
// criterion_output.*).
//
// A sample is what the harness itself measured: a number of iterations and
// the wall time they took, as the harness reports them (and the CPU time,
// where the harness measures one). The time per iteration of a sample is
// total_ns / iterations.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shootout::exec {

struct HarnessSample {
  std::string name;              // the benchmark, exactly as the harness lists it
  std::uint64_t iterations = 0;  // >= 1 unless error is set
  double total_ns = 0;           // the harness's wall time of those iterations
  // Its CPU time of those iterations, when it measures one: google/benchmark's
  // cpu_time (the benchmark threads' CPU clocks, or the process's with
  // MeasureProcessCPUTime). Criterion.rs measures wall time only.
  std::optional<double> cpu_ns;
  // The harness's own failure of this benchmark (google/benchmark's
  // error_occurred): its message, and no figures.
  std::string error;
};

// What `bench`'s options ask of every timed run of the suite; 0 = the
// suite's own setting. A harness refuses the ones it has no equivalent of.
struct HarnessSettings {
  int repetitions = 0;  // google/benchmark: --benchmark_repetitions
  int sample_size = 0;  // Criterion.rs: --sample-size (>= 10)
  double measurement_seconds = 0;
  double warmup_seconds = 0;
};

// Added to the user's command line and environment for one run.
struct HarnessInvocation {
  std::vector<std::string> arguments;    // after the user's own
  std::vector<std::string> environment;  // "KEY=VALUE"
};

class Harness {
 public:
  virtual ~Harness() = default;

  // "google/benchmark", "Criterion.rs": said when found, named in refusals.
  virtual std::string name() const = 0;

  // Listing the benchmarks (those `filter` selects, "" = all). `scratch` is
  // an empty directory the listing run may write to (it is removed after).
  virtual HarnessInvocation list(const std::string& filter, const std::string& scratch) const = 0;
  // How the listing was asked, for messages: "--benchmark_list_tests".
  virtual std::string list_flags() const = 0;
  // The names of a listing's standard output. Throws HarnessOutputError
  // when it is no listing of this harness.
  virtual std::vector<std::string> parse_list(const std::string& text) const = 0;

  // Throws std::invalid_argument for a setting this harness has not.
  virtual void check(const HarnessSettings& settings) const = 0;

  // The un-timed verification run, which only has to make the suite
  // allocate as it does when measured. `output` as for round().
  virtual HarnessInvocation verification(const std::string& filter,
                                         const std::string& output) const = 0;

  // Where one run writes its results: a path in the run directory's logs
  // from a stem ("std-round-0"), unique per variant and round.
  virtual std::string output_path(const std::string& logs_dir, const std::string& stem) const = 0;
  // One timed (or warm-up) run of the suite.
  virtual HarnessInvocation round(const HarnessSettings& settings, const std::string& filter,
                                  const std::string& output) const = 0;
  // Every sample of that run, in the harness's order. Throws
  // HarnessOutputError (naming the file, and the benchmark or line).
  virtual std::vector<HarnessSample> read_round(const std::string& output) const = 0;

  // What a sample is, for the report's description of the suite.
  virtual std::string sample_description() const = 0;

  // A filter (as round() takes) that selects the benchmark `name`, exactly
  // as listed, and no other: the harness's regular expression anchored at
  // both ends, with every character its dialect reads as an operator
  // escaped. `bench --isolate` runs each benchmark in its own process with it.
  virtual std::string exact_filter(const std::string& name) const = 0;
};

// Output the tool cannot read: the message names the benchmark or line.
class HarnessOutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::unique_ptr<Harness> google_benchmark_harness();
std::unique_ptr<Harness> criterion_harness();

// Every harness `bench` knows, in the order a binary is asked (a
// google/benchmark binary given flags it does not know may run its suite;
// Criterion.rs's refuses them at once).
std::vector<std::unique_ptr<Harness>> known_harnesses();

// Their names, for help and refusals: "google/benchmark, Criterion.rs".
std::string known_harness_names();

// For the harnesses' flags: seconds as the shortest decimal that reads back
// as the same double ("0.5", "3", "1e-06").
std::string seconds_argument(double seconds);

// "^" + `text` + "$", with a backslash before each of its characters that
// is in `operators` (and only those: a dialect may refuse the escape of an
// ordinary character). exact_filter()'s shared part.
std::string anchored_literal(const std::string& text, std::string_view operators);

}  // namespace shootout::exec
