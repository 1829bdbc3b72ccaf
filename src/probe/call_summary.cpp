#include "probe/call_summary.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>
#include <utility>

namespace shootout::probe {

std::string advice_name(int advice) {
  struct Name {
    int value;
    const char* name;
  };
#define SHOOTOUT_ADVICE(name) \
  Name { name, #name }
  static constexpr Name kNames[] = {
      SHOOTOUT_ADVICE(MADV_NORMAL),
      SHOOTOUT_ADVICE(MADV_RANDOM),
      SHOOTOUT_ADVICE(MADV_SEQUENTIAL),
      SHOOTOUT_ADVICE(MADV_WILLNEED),
      SHOOTOUT_ADVICE(MADV_DONTNEED),
      SHOOTOUT_ADVICE(MADV_FREE),
      SHOOTOUT_ADVICE(MADV_REMOVE),
      SHOOTOUT_ADVICE(MADV_DONTFORK),
      SHOOTOUT_ADVICE(MADV_DOFORK),
      SHOOTOUT_ADVICE(MADV_MERGEABLE),
      SHOOTOUT_ADVICE(MADV_UNMERGEABLE),
      SHOOTOUT_ADVICE(MADV_HUGEPAGE),
      SHOOTOUT_ADVICE(MADV_NOHUGEPAGE),
      SHOOTOUT_ADVICE(MADV_DONTDUMP),
      SHOOTOUT_ADVICE(MADV_DODUMP),
      SHOOTOUT_ADVICE(MADV_HWPOISON),
#ifdef MADV_WIPEONFORK
      SHOOTOUT_ADVICE(MADV_WIPEONFORK),
      SHOOTOUT_ADVICE(MADV_KEEPONFORK),
#endif
#ifdef MADV_COLD
      SHOOTOUT_ADVICE(MADV_COLD),
      SHOOTOUT_ADVICE(MADV_PAGEOUT),
#endif
#ifdef MADV_POPULATE_READ
      SHOOTOUT_ADVICE(MADV_POPULATE_READ),
      SHOOTOUT_ADVICE(MADV_POPULATE_WRITE),
#endif
#ifdef MADV_DONTNEED_LOCKED
      SHOOTOUT_ADVICE(MADV_DONTNEED_LOCKED),
#endif
#ifdef MADV_COLLAPSE
      SHOOTOUT_ADVICE(MADV_COLLAPSE),
#endif
  };
#undef SHOOTOUT_ADVICE
  for (const auto& entry : kNames) {
    if (entry.value == advice) return entry.name;
  }
  return std::to_string(advice);
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  std::uint64_t scale = 1;
  while (unit + 1 < std::size(kUnits) && bytes >= scale * 1024) {
    scale *= 1024;
    ++unit;
  }
  if (bytes % scale == 0) return std::to_string(bytes / scale) + " " + kUnits[unit];
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", static_cast<double>(bytes) / scale, kUnits[unit]);
  return text;
}

std::vector<CallSummary> summarize(const std::vector<RawCall>& calls) {
  // Group by (kind order, advice); lengths kept to find the median.
  static constexpr const char* kOrder[] = {"madvise", "mmap", "munmap", "mremap", "brk"};
  std::map<std::pair<int, int>, std::vector<std::uint64_t>> groups;
  for (const auto& call : calls) {
    const auto at = std::find(std::begin(kOrder), std::end(kOrder), call.kind);
    if (at == std::end(kOrder)) continue;
    const int order = static_cast<int>(at - std::begin(kOrder));
    const bool is_madvise = order == 0;
    const std::uint64_t bytes = call.kind == "mremap" ? call.new_length
                                : call.kind == "brk"  ? 0
                                                      : call.length;
    groups[{order, is_madvise ? call.advice : -1}].push_back(bytes);
  }

  std::vector<CallSummary> summaries;
  for (auto& [key, lengths] : groups) {
    CallSummary s;
    const std::string kind = kOrder[key.first];
    s.advice = key.second;
    s.kind = kind == "madvise" ? kind + "(" + advice_name(s.advice) + ")" : kind;
    s.count = lengths.size();
    std::sort(lengths.begin(), lengths.end());
    for (const std::uint64_t length : lengths) {
      s.total_bytes += length;
      ++s.histogram[length == 0 ? 0 : std::bit_floor(length)];
    }
    s.min_bytes = lengths.front();
    s.max_bytes = lengths.back();
    s.median_bytes = lengths[(lengths.size() - 1) / 2];
    s.text = s.kind + ": " + std::to_string(s.count) + (s.count == 1 ? " call" : " calls");
    if (kind != "brk") {
      if (s.min_bytes == s.max_bytes) {
        s.text += (s.count == 1 ? ", " : ", each ") + format_bytes(s.min_bytes);
      } else {
        s.text += ", sizes " + format_bytes(s.min_bytes) + "\u2013" + format_bytes(s.max_bytes) +
                  ", median " + format_bytes(s.median_bytes);
      }
    }
    summaries.push_back(std::move(s));
  }
  return summaries;
}

namespace {
std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(value));
  return text;
}
}  // namespace

void to_json(nlohmann::json& j, const RawCall& call) {
  j = nlohmann::json{{"kind", call.kind}, {"tid", call.tid}, {"time_ns", call.time_ns}};
  j["addr"] = hex(call.addr);
  if (call.kind == "madvise") {
    j["length"] = call.length;
    j["advice"] = call.advice;
    j["advice_name"] = advice_name(call.advice);
  } else if (call.kind == "mmap") {
    j["length"] = call.length;
    j["prot"] = call.prot;
    j["flags"] = call.flags;
    j["fd"] = call.fd;
    j["offset"] = call.offset;
  } else if (call.kind == "munmap") {
    j["length"] = call.length;
  } else if (call.kind == "mremap") {
    j["length"] = call.length;
    j["new_length"] = call.new_length;
    j["flags"] = call.flags;
    j["new_addr"] = hex(call.new_addr);
  }
}

void to_json(nlohmann::json& j, const CallSummary& summary) {
  nlohmann::json histogram = nlohmann::json::array();
  for (const auto& [from, count] : summary.histogram) {
    histogram.push_back({{"from_bytes", from}, {"count", count}});
  }
  j = nlohmann::json{{"kind", summary.kind},
                     {"count", summary.count},
                     {"total_bytes", summary.total_bytes},
                     {"min_bytes", summary.min_bytes},
                     {"median_bytes", summary.median_bytes},
                     {"max_bytes", summary.max_bytes},
                     {"histogram", std::move(histogram)},
                     {"text", summary.text}};
  if (summary.advice >= 0) j["advice"] = summary.advice;
}

}  // namespace shootout::probe
