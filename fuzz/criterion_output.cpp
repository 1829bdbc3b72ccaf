// Criterion.rs's output as `bench` reads it (exec/criterion_output.h): the
// parsers must accept or throw HarnessOutputError, nothing else; what they
// accept must be usable (names not empty; samples with iterations >= 1 and
// a finite time of at most 10^18 ns).
#include <cmath>
#include <cstdint>
#include <string>

#include "exec/criterion_output.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shootout::exec;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& s : parse_criterion_samples(text, "fuzzed")) {
      FUZZ_CHECK(s.name == "fuzzed");
      FUZZ_CHECK(s.iterations >= 1);
      FUZZ_CHECK(std::isfinite(s.total_ns) && s.total_ns >= 0 && s.total_ns <= 1e18);
    }
  } catch (const HarnessOutputError&) {
  }
  try {
    FUZZ_CHECK(!parse_criterion_benchmark_id(text).empty());
  } catch (const HarnessOutputError&) {
  }
  try {
    for (const auto& name : parse_criterion_list(text)) {
      FUZZ_CHECK(!name.empty());
      FUZZ_CHECK(name.find('\n') == std::string::npos);
    }
  } catch (const HarnessOutputError&) {
  }
  return 0;
}
