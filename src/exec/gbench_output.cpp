#include "exec/gbench_output.h"

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "exec/harness_json.h"

namespace shootout::exec {

namespace {

using nlohmann::json;

// google/benchmark's units (benchmark::TimeUnit): kNanosecond .. kSecond.
double ns_per_unit(const std::string& unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return 0;
}

double positive_time(const json& entry, const char* key, const std::string& name) {
  const auto it = entry.find(key);
  if (it == entry.end() || !it->is_number() || !std::isfinite(it->get<double>()) ||
      it->get<double>() < 0)
    throw HarnessOutputError("benchmark " + name + ": \"" + key +
                             "\" is missing or not a number >= 0 in the harness's JSON");
  return it->get<double>();
}

// One entry of "benchmarks": a repetition appended, an aggregate skipped.
void read_entry(const json& entry, const std::string& name,
                std::vector<BenchmarkRepetition>& repetitions) {
  if (entry.value("run_type", std::string("iteration")) != "iteration") return;
  if (entry.value("error_occurred", false)) {
    BenchmarkRepetition failed;
    failed.name = name;
    failed.repetition = entry.value("repetition_index", 0);
    failed.error = entry.value("error_message", std::string());
    if (failed.error.empty()) failed.error = "(no message)";
    repetitions.push_back(std::move(failed));
    return;
  }
  const auto iterations = entry.find("iterations");
  if (iterations == entry.end() || !iterations->is_number_unsigned() ||
      iterations->get<std::uint64_t>() == 0)
    throw HarnessOutputError("benchmark " + name +
                             ": \"iterations\" is missing or not a whole number >= 1");
  const std::string unit = entry.value("time_unit", std::string("ns"));
  const double scale = ns_per_unit(unit);
  if (scale == 0)
    throw HarnessOutputError("benchmark " + name + ": unknown \"time_unit\" \"" + unit +
                             "\" (valid: ns, us, ms, s)");
  BenchmarkRepetition r;
  r.name = name;
  r.repetition = entry.value("repetition_index", 0);
  r.iterations = iterations->get<std::uint64_t>();
  // google/benchmark writes times per iteration, already divided.
  r.real_ns_per_iteration = positive_time(entry, "real_time", name) * scale;
  r.cpu_ns_per_iteration = positive_time(entry, "cpu_time", name) * scale;
  // A repetition's total must fit the journal's nanosecond count (2^63 ns
  // are 292 years): beyond, the entry is not a real measurement.
  if (r.real_ns_per_iteration * static_cast<double>(r.iterations) > 1e18)
    throw HarnessOutputError("benchmark " + name +
                             ": real_time x iterations exceeds 10^18 ns, not a real measurement");
  repetitions.push_back(std::move(r));
}

}  // namespace

std::vector<std::string> parse_benchmark_list(const std::string& text) {
  std::vector<std::string> names;
  std::istringstream in(text);
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const auto last = line.find_last_not_of(" \t\r");
    const std::string name = line.substr(first, last - first + 1);
    if (name.find_first_of(" \t") != std::string::npos)
      throw HarnessOutputError("line " + std::to_string(number) +
                               " of --benchmark_list_tests is not a benchmark name: \"" + name +
                               "\"");
    names.push_back(name);
  }
  return names;
}

std::vector<BenchmarkRepetition> parse_benchmark_json(const std::string& text) {
  const json document = parse_harness_json(text, "the harness's JSON");
  const auto benchmarks = document.is_object() ? document.find("benchmarks") : document.end();
  if (!document.is_object() || benchmarks == document.end() || !benchmarks->is_array())
    throw HarnessOutputError("the harness's JSON has no \"benchmarks\" array");

  std::vector<BenchmarkRepetition> repetitions;
  for (const json& entry : *benchmarks) {
    if (!entry.is_object()) throw HarnessOutputError("an entry of \"benchmarks\" is not an object");
    // run_name is the name without the aggregate or /repeats: suffix
    // (google/benchmark >= 1.5); older versions only write name.
    const auto name_field =
        entry.contains("run_name") ? entry.find("run_name") : entry.find("name");
    if (name_field == entry.end() || !name_field->is_string() ||
        name_field->get<std::string>().empty())
      throw HarnessOutputError("an entry of \"benchmarks\" has no name");
    const std::string name = name_field->get<std::string>();
    try {
      read_entry(entry, name, repetitions);
    } catch (const json::exception& e) {
      // A field of the wrong type (value() of a string that is a number).
      throw HarnessOutputError("benchmark " + name + ": a field has the wrong type (" + e.what() +
                               ")");
    }
  }
  return repetitions;
}

}  // namespace shootout::exec
