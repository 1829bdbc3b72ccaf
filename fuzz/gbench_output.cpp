// google/benchmark's output as `bench` reads it (exec/gbench_output.h): the
// parsers must accept or throw HarnessOutputError, nothing else; what they
// accept must be usable (a name; unless the harness failed it, iterations
// >= 1 and finite times >= 0).
#include <cmath>
#include <cstdint>
#include <string>

#include "exec/gbench_output.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shootout::exec;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& r : parse_benchmark_json(text)) {
      FUZZ_CHECK(!r.name.empty());
      if (!r.error.empty()) continue;  // a benchmark the harness failed: no figures
      FUZZ_CHECK(r.iterations >= 1);
      FUZZ_CHECK(std::isfinite(r.real_ns_per_iteration) && r.real_ns_per_iteration >= 0);
      FUZZ_CHECK(std::isfinite(r.cpu_ns_per_iteration) && r.cpu_ns_per_iteration >= 0);
      FUZZ_CHECK(r.real_ns_per_iteration * static_cast<double>(r.iterations) <= 1e18);
    }
  } catch (const HarnessOutputError&) {
  }
  try {
    for (const auto& name : parse_benchmark_list(text)) {
      FUZZ_CHECK(!name.empty());
      FUZZ_CHECK(name.find_first_of(" \t\n") == std::string::npos);
    }
  } catch (const HarnessOutputError&) {
  }
  return 0;
}
