// What a google/benchmark binary says about itself, read as text: the
// names --benchmark_list_tests prints, and every repetition of every
// benchmark in the file --benchmark_format=json --benchmark_out writes
// (entries with "run_type": "iteration"; the aggregates — mean, median,
// stddev — are left out, since they are computed from those). Times are
// converted from the entry's "time_unit" to nanoseconds per iteration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "exec/harness.h"  // HarnessOutputError

namespace shootout::exec {

struct BenchmarkRepetition {
  std::string name;  // "BM_zeroed32k" or "BM_small/64" (run_name: without /repeats:N)
  int repetition = 0;
  std::uint64_t iterations = 0;
  double real_ns_per_iteration = 0;  // the harness's wall time per iteration
  double cpu_ns_per_iteration = 0;   // its CPU time per iteration (of the benchmark thread)
  // The harness's own failure of this benchmark ("error_occurred", e.g.
  // State::SkipWithError): its message, and no iterations or times.
  std::string error;
};

// The benchmark names of --benchmark_list_tests output: one per non-empty
// line, surrounding blanks removed. Throws HarnessOutputError when a line
// cannot be a benchmark name (blanks inside it).
std::vector<std::string> parse_benchmark_list(const std::string& text);

// Every repetition in a --benchmark_format=json file, in file order.
// Throws HarnessOutputError for text that is not JSON (with the line), no
// "benchmarks" array, an entry without a name, or an entry whose
// iterations, times or unit are missing or invalid (naming the benchmark).
// A benchmark the harness reports as failed ("error_occurred") is returned
// with `error` set, so that only its cell fails.
std::vector<BenchmarkRepetition> parse_benchmark_json(const std::string& text);

}  // namespace shootout::exec
