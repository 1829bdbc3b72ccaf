// Test helpers over KernelCounters::status().
#pragma once

#include <string_view>

#include "probe/counters.h"

namespace shootout::probe::testing {

inline const CounterStatus* find_status(const KernelCounters& counters, std::string_view name) {
  for (const auto& status : counters.status()) {
    if (status.name == name) return &status;
  }
  return nullptr;
}

inline bool has_source(const KernelCounters& counters, std::string_view name, Source source) {
  const auto* status = find_status(counters, name);
  return status && status->source == source;
}

inline std::string why(const KernelCounters& counters, std::string_view name) {
  const auto* status = find_status(counters, name);
  return status ? status->detail : "no status";
}

}  // namespace shootout::probe::testing
