// What a Criterion.rs bench binary (0.3, as `cargo bench --no-run` builds
// it) says about itself, read as text: the names `--bench --list` prints
// ("NAME: bench", one per line), and what one measured run writes for each
// benchmark under CRITERION_HOME, in <the benchmark's directory>/new/:
// benchmark.json (its id, the name the listing printed) and sample.json
// (per sample the iteration count "iters" and the wall time of those
// iterations "times", in ns; Criterion's default WallTime measurement).
// The directory's name is Criterion's file-safe form of the id ('/' and
// other characters replaced, long names cut): the id is read from
// benchmark.json, never rebuilt from the path, so names with '/' round-trip.
#pragma once

#include <string>
#include <vector>

#include "exec/harness.h"

namespace shootout::exec {

// The names of a --bench --list output, in order. Criterion's own notice
// that gnuplot is missing is skipped. Throws HarnessOutputError for any
// other line that is not "NAME: bench" (with its number).
std::vector<std::string> parse_criterion_list(const std::string& text);

// The benchmark's id in a benchmark.json ("title": the name as listed).
// Throws HarnessOutputError when it is not JSON or has no such string.
std::string parse_criterion_benchmark_id(const std::string& text);

// Every sample of a sample.json, for the benchmark `name`. Throws
// HarnessOutputError (naming the benchmark) when it is not JSON, when
// "iters" and "times" are not arrays of the same non-zero length, when an
// iteration count is not a whole number >= 1, or when a time is not a
// finite number >= 0 or exceeds 10^18 ns.
std::vector<HarnessSample> parse_criterion_samples(const std::string& text,
                                                   const std::string& name);

// Every sample of every benchmark one run wrote under `criterion_home`
// (each new/benchmark.json with the sample.json beside it), benchmarks in
// the order of their directories' paths. Throws HarnessOutputError naming
// the file that is missing or cannot be read.
std::vector<HarnessSample> read_criterion_home(const std::string& criterion_home);

}  // namespace shootout::exec
