// Is a cell's kernel work per iteration the same at the end of its rounds as
// at the start? The counters per iteration of the first and the last third
// of its rounds, compared counter by counter: an allocator whose purging or
// heap growth was still settling when timing began (too short a warm-up)
// shows up here instead of as a silent bias of its timings.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "journal/records.h"

namespace shootout::run {

// One sample's totals (all of a cell's processes contribute theirs).
struct CounterSample {
  int round = 0;
  double iterations = 0;
  std::map<std::string, double> counts;  // the sample's "counters"
};

// The counters compared: kernel events whose count per iteration is the
// allocator's behaviour (times and hardware counters are not: they vary
// with the machine's load).
const std::vector<std::string>& steady_state_counters();

// Whether first-third and last-third counts per iteration agree. Counts are
// totals over the rounds of each third (every process); "agree" is defined
// in steady_state.cpp.
struct CounterDrift {
  std::string counter;
  double first_count = 0, first_iterations = 0;
  double last_count = 0, last_iterations = 0;
  bool meaningful = false;  // enough events to judge
  bool agree = true;
};
CounterDrift compare_thirds(const std::string& counter, double first_count, double first_iterations,
                            double last_count, double last_iterations);

// The journal's "steady_state" record body for a cell run over `rounds`
// rounds (docs/results-schema.md): {"rounds", "first_third", "last_third",
// "counters": {name: {...}}, "steady": true|false|null, "why"}.
// The record without its cell and group (the caller's).
journal::SteadyStateRecord steady_state_record(const std::vector<CounterSample>& samples,
                                               int rounds);

}  // namespace shootout::run
