// What a raw-call trace says (call_trace.h): per kind of call, how many and
// how large ("madvise(MADV_DONTNEED): 1000 calls, each 36 KiB"), the names
// of madvise advice values and byte sizes, and the JSON of calls and
// summaries in traces/ and the journal's trace record.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "probe/call_trace.h"

namespace shootout::probe {

// "MADV_DONTNEED", "MADV_FREE", ...; the number for values <sys/mman.h> does not name.
std::string advice_name(int advice);
// 36864 -> "36 KiB", 1536 -> "1.5 KiB", 100 -> "100 B".
std::string format_bytes(std::uint64_t bytes);

// One kind of call ("madvise(MADV_DONTNEED)", "mmap", ...) in a trace.
struct CallSummary {
  std::string kind;  // RawCall::kind, with the advice for madvise
  int advice = -1;
  std::uint64_t count = 0;
  // Sizes are lengths (mremap: the new length); brk has none (all zero).
  std::uint64_t total_bytes = 0;
  std::uint64_t min_bytes = 0, median_bytes = 0, max_bytes = 0;  // median: the lower one
  // Power-of-two buckets: key b counts lengths in [b, 2b); key 0 counts zero lengths.
  std::map<std::uint64_t, std::uint64_t> histogram;
  // "madvise(MADV_DONTNEED): 1000 calls, each 36 KiB" or
  // "...: 1000 calls, sizes 4 KiB–2 MiB, median 36 KiB".
  std::string text;
};
// Kinds in a fixed order: madvise by advice value, mmap, munmap, mremap, brk.
std::vector<CallSummary> summarize(const std::vector<RawCall>& calls);

// JSON: addresses as "0x..." strings, only the fields of the call's kind.
void to_json(nlohmann::json& j, const RawCall& call);
void to_json(nlohmann::json& j, const CallSummary& summary);

}  // namespace shootout::probe
