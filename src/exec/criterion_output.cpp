#include "exec/criterion_output.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "exec/harness_json.h"

namespace shootout::exec {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kListSuffix = ": bench";
// Criterion 0.3 prints this on stdout, before anything else, when it cannot
// run `gnuplot --version` (it then plots with its own backend); when
// gnuplot ran but failed, the notice says "or not usable" and gnuplot's
// error follows on lines of its own.
constexpr const char* kGnuplotNotice = "Gnuplot not found";
// criterion_main! prints these first, on stdout, in every run (--list
// included) of a suite built without the `html_reports` feature (not a
// default feature of 0.3.6): "WARNING: HTML report generation will become a
// non-default optional feature in Criterion.rs 0.4.0.", a paragraph, a blank
// line; the same for `cargo_bench_support` when that is off.
constexpr const char* kFeatureWarning = "WARNING: ";
// A sample's total must fit the journal's nanosecond count (2^63 ns are
// 292 years): beyond, it is not a real measurement.
constexpr double kMaxSampleNs = 1e18;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HarnessOutputError("the harness did not write " + path.filename().string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const json& array_field(const json& document, const char* key, const std::string& name) {
  const auto it = document.is_object() ? document.find(key) : document.end();
  if (it == document.end() || !it->is_array())
    throw HarnessOutputError("sample.json of benchmark " + name + ": \"" + key +
                             "\" is missing or not an array");
  return *it;
}

}  // namespace

std::vector<std::string> parse_criterion_list(const std::string& text) {
  std::vector<std::string> names;
  std::istringstream in(text);
  std::string line;
  const std::string suffix = kListSuffix;
  bool in_notice = false;  // between a notice and the next name
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (names.empty() &&
        (line.rfind(kGnuplotNotice, 0) == 0 || line.rfind(kFeatureWarning, 0) == 0)) {
      in_notice = true;
      continue;
    }
    const bool listed = line.size() > suffix.size() &&
                        line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (!listed && in_notice) continue;
    in_notice = false;
    if (!listed)
      throw HarnessOutputError("line " + std::to_string(number) +
                               " of --bench --list is not \"NAME: bench\": \"" + line + "\"");
    names.push_back(line.substr(0, line.size() - suffix.size()));
  }
  return names;
}

std::string parse_criterion_benchmark_id(const std::string& text) {
  const json document = parse_harness_json(text, "benchmark.json");
  const auto title = document.is_object() ? document.find("title") : document.end();
  if (title == document.end() || !title->is_string() || title->get<std::string>().empty())
    throw HarnessOutputError("benchmark.json has no \"title\" (the benchmark's name)");
  return title->get<std::string>();
}

std::vector<HarnessSample> parse_criterion_samples(const std::string& text,
                                                   const std::string& name) {
  const json document = parse_harness_json(text, "sample.json of benchmark " + name);
  const json& iters = array_field(document, "iters", name);
  const json& times = array_field(document, "times", name);
  if (iters.empty() || iters.size() != times.size())
    throw HarnessOutputError("sample.json of benchmark " + name + ": " +
                             std::to_string(iters.size()) + " \"iters\" and " +
                             std::to_string(times.size()) +
                             " \"times\" (one of each per sample, at least one)");
  std::vector<HarnessSample> samples;
  samples.reserve(iters.size());
  for (std::size_t i = 0; i < iters.size(); ++i) {
    const std::string where =
        "sample.json of benchmark " + name + ", sample " + std::to_string(i) + ": ";
    // Criterion writes both as floating-point numbers ("iters": [10.0, 20.0]).
    if (!iters[i].is_number() || !times[i].is_number())
      throw HarnessOutputError(where + "\"iters\" and \"times\" must be numbers");
    const double count = iters[i].get<double>();
    const double ns = times[i].get<double>();
    if (!(count >= 1) || count > kMaxSampleNs || std::floor(count) != count)
      throw HarnessOutputError(where + "\"iters\" " + iters[i].dump() +
                               " is not a whole number >= 1");
    if (!std::isfinite(ns) || ns < 0 || ns > kMaxSampleNs)
      throw HarnessOutputError(where + "\"times\" " + times[i].dump() +
                               " is not a number of ns >= 0 (at most 10^18)");
    HarnessSample sample;
    sample.name = name;
    sample.iterations = static_cast<std::uint64_t>(count);
    sample.total_ns = ns;
    samples.push_back(std::move(sample));
  }
  return samples;
}

std::vector<HarnessSample> read_criterion_home(const std::string& criterion_home) {
  std::error_code ec;
  if (!fs::is_directory(criterion_home, ec))
    throw HarnessOutputError("the harness wrote nothing to CRITERION_HOME " + criterion_home);
  std::vector<fs::path> benchmarks;  // each benchmark's new/ directory
  for (fs::recursive_directory_iterator it(criterion_home, ec), end; !ec && it != end;
       it.increment(ec))
    if (it->path().filename() == "benchmark.json" && it->path().parent_path().filename() == "new")
      benchmarks.push_back(it->path().parent_path());
  if (ec)
    throw HarnessOutputError("CRITERION_HOME " + criterion_home +
                             " cannot be read: " + ec.message());
  std::sort(benchmarks.begin(), benchmarks.end());
  std::vector<HarnessSample> samples;
  for (const auto& directory : benchmarks) {
    const fs::path id_file = directory / "benchmark.json";
    const fs::path sample_file = directory / "sample.json";
    std::string name;
    try {
      name = parse_criterion_benchmark_id(read_file(id_file));
    } catch (const HarnessOutputError& e) {
      throw HarnessOutputError(std::string(e.what()) + " (" + id_file.string() + ")");
    }
    try {
      for (auto& sample : parse_criterion_samples(read_file(sample_file), name))
        samples.push_back(std::move(sample));
    } catch (const HarnessOutputError& e) {
      throw HarnessOutputError(std::string(e.what()) + " (" + sample_file.string() + ")");
    }
  }
  return samples;
}

}  // namespace shootout::exec
