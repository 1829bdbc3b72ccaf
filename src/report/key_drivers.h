// Key drivers: the kernel-side (or user-space) cause of a cell's time, chosen
// by stated rules over its counters per element (per message, task or
// payload). The rules live in one ordered table, `key_driver_rules()`; the
// first rule whose condition holds names the driver. The same table is
// printed in report.md and documented in the README.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace shootout::report {

// Thresholds, per element. Named so the README and report can quote them.
namespace thresholds {
// At least one event every second element: the behaviour happens per
// message (each free purges, each allocation faults), not as an occasional
// background purge, so it is on the hot path of every element.
inline constexpr double kPerElementEvent = 0.5;
// A heap trim (brk) is rarer than a purge per free but each one gives back
// the heap top, whose pages then fault in again; one per ten elements
// already costs more than the allocation itself.
inline constexpr double kBrkPerElement = 0.1;
// MADV_FREE is batched (snmalloc: ~9 per 1000 messages in the study); any
// visible rate shows the allocator returns memory lazily.
inline constexpr double kLazyPurgePerElement = 0.001;
// Below one event per hundred elements a syscall or fault (~1 µs) is a small
// share of even a cheap element: the kernel is not what the time is spent on.
inline constexpr double kNegligiblePerElement = 0.01;
}  // namespace thresholds

// Counter rates a cell's driver is chosen from: per element when the
// workload says how many elements an iteration has, else per iteration.
// Absent = not measured (never taken as zero).
struct CounterRates {
  std::optional<double> madvise;  // every advice
  std::optional<double> madvise_dontneed;
  std::optional<double> madvise_free;
  std::optional<double> brk;
  std::optional<double> mmap;
  std::optional<double> munmap;
  std::optional<double> page_faults;  // minor + major
  std::string unit = "element";       // "message", "task", "payload" or "iteration"
};

// How the cell's time compares with its baseline's (from the paired ratio).
enum class Speed { faster, same, slower, unknown };

struct KeyDriver {
  std::string rule;  // the rule's id, e.g. "madvise_dontneed_refault"
  std::string text;  // e.g. "demand-zero faults after MADV_DONTNEED: 1.0 MADV_DONTNEED and 1.0
                     // page fault per message"
};

struct KeyDriverRule {
  const char* id;
  const char* condition;  // the rule in words, with its thresholds
  const char* driver;     // the driver it names
  bool (*applies)(const CounterRates&, Speed);
  std::string (*describe)(const CounterRates&);  // the driver with the cell's figures
};

// The rules in the order they are tried; the last always applies.
const std::vector<KeyDriverRule>& key_driver_rules();

KeyDriver key_driver(const CounterRates& rates, Speed speed);

// The noun an element of a workload family is counted in ("message" for
// mpsc*, "task" for spawn*, "payload" for the allocation families).
std::string element_unit(const std::string& family);

}  // namespace shootout::report
