// Key drivers: why one variant of a case is slower than another, named from
// the slow side's counters per element (per message, task or payload) in
// EXCESS of the fast side's, never from its counters alone: start-up, the
// workload's own buffers and the runtime do the same kernel work under every
// allocator, and only what one side does beyond the other can explain the
// gap between them. The rules live in one ordered table,
// `key_driver_rules()`; the first rule whose condition holds over the excess
// names the driver. The same table is printed in report.md and documented in
// the README.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace shootout::report {

// Thresholds, on the slow side's excess per element over the fast side's.
// Measured on the project's 2-vCPU VM (a loaded one: load average ~12): a
// first-touch page fault took 113-136 µs in a tight loop, a brk grow+shrink
// pair 40 µs, an mmap+munmap pair 40-46 µs, getppid 9-11 µs; on the idle VM
// std's block_on_alloc/100x4096 spent ~750 µs on 4 brk and 69 faults per
// iteration, ~10 µs an event. A message of mpsc/32768 took 3.5-7 µs in the
// `floor` mode (no allocator) and 18-143 µs with one.
namespace thresholds {
// At least one event every second element: at ~10 µs an event that is ~5 µs
// per element, as much as a whole element of the floor, so the behaviour is
// on the hot path of every element. Measured gaps it must catch: std over
// mimalloc on mpsc/32768 zeroed, +2.8 faults per message (62 µs slower per
// message); jemalloc over std, +0.93 MADV_DONTNEED per message.
inline constexpr double kPerElementEvent = 0.5;
// A heap trim (brk) gives back the heap top, whose pages then fault in again
// on the next growth (std's block_on_alloc/100x4096: 0.04 brk and 0.7 faults
// per payload); a trim every tenth element brings several faults per element
// with it, so its threshold is a fifth of the other events'.
inline constexpr double kBrkPerElement = 0.1;
// MADV_FREE itself is cheap and batched (snmalloc: ~9 per 1000 messages in
// the study); as a cause of a gap it needs the rate of any other syscall
// that costs a noticeable share of an element (0.1 × ~10 µs = 1 µs).
inline constexpr double kLazyPurgePerElement = 0.1;
// Below one event per hundred elements a syscall or fault (~10 µs) is at
// most ~0.1 µs per element, 2-3 % of a floor-mode mpsc/32768 message: the
// kernel is not where the gap is.
inline constexpr double kNegligiblePerElement = 0.01;
// A difference smaller than a quarter of the fast side's own rate is work
// both sides do, not a cause: `exec` of xz -9 made 16990-18320 page faults
// and 1-7.5 brk per run under std, jemalloc, mimalloc and tcmalloc (the
// program's own buffers and start-up; the run: 60516 faults and 3.0
// brk under every allocator); and the two halves of one cell's samples
// differed by up to 14 % in faults or MADV_DONTNEED per message
// (mpsc/32768: std 3.33 vs 2.89, jemalloc 0.97 vs 0.88). 25 % stays above
// that noise.
inline constexpr double kCommonShare = 0.25;
// About the most one fault or syscall has cost here: first-touch faults at
// 113-136 µs each in a tight loop on the loaded VM (usual costs are
// 0.5-10 µs).
inline constexpr double kMaxEventNs = 100e3;
// Excess events that could not cost a tenth of the time gap even at
// kMaxEventNs each are not why one side is slower: `exec` of xz -9 made 2
// brk per run more under std than under mimalloc (at most 0.2 ms) in a
// 1.07 s gap of a 4-5 s run.
inline constexpr double kExplainedShare = 0.1;
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
  std::string unit = "element";       // "message", "task", "payload", "run" or "iteration"
};

// The slow side's work beyond the fast side's, per counter: slow − fast when
// that is at least thresholds::kCommonShare of fast's rate, else 0 (work both
// sides do); absent when either side did not measure the counter.
CounterRates excess_over(const CounterRates& slow, const CounterRates& fast);

// What the rules judge: the slow side's excess and, when known, how much
// longer it takes per element (ns).
struct Gap {
  CounterRates excess;
  std::optional<double> time_ns;
};

struct KeyDriver {
  std::string rule;  // the rule's id, e.g. "brk_heap_trim"
  // The slow side's view, e.g. "heap trim via brk (+0.98 brk, +8.1 page faults per message over
  // mimalloc)".
  std::string text;
  std::string cause;    // e.g. "heap trim via brk"
  std::string figures;  // e.g. "+0.98 brk, +8.1 page faults"
  std::string unit;     // e.g. "message"
};

struct KeyDriverRule {
  const char* id;
  const char* condition;  // the rule in words, with its thresholds
  const char* driver;     // the driver it names
  const char* cause;      // the driver's short name, used in sentences
  bool (*applies)(const Gap& gap);
  std::string (*figures)(const Gap& gap);  // "+0.98 brk, +8.1 page faults"
  // Why an allocator does this and which setting stops it; null when the
  // driver says enough.
  const char* note = nullptr;
};

// The rules in the order they are tried over the slow side's excess; the
// last always applies.
const std::vector<KeyDriverRule>& key_driver_rules();

// Why `slow` takes longer than `fast` (two variants of one case):
// "heap trim via brk (+0.98 brk, +8.1 page faults per message over mimalloc)".
// slow_ns / fast_ns: time per element of each side, when known.
KeyDriver gap_driver(const CounterRates& slow, const CounterRates& fast,
                     const std::string& fast_name, std::optional<double> slow_ns = std::nullopt,
                     std::optional<double> fast_ns = std::nullopt);
// The same gap seen from the fast side: "avoids std's heap trim via brk
// (std: +0.98 brk, +8.1 page faults per message)".
std::string avoided_text(const KeyDriver& slow_side, const std::string& slow_name);

// The noun an element of a workload family is counted in ("message" for
// mpsc*, "task" for spawn*, "payload" for the allocation families, "run"
// for exec).
std::string element_unit(const std::string& family);

}  // namespace shootout::report
