// The family table behind catalog(), name parsing and make_workload: one
// row per workload family of docs/design.md §4, with its name grammar, runtime
// shape and the study's instances.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shootout::workloads {

enum class Family {
  spawn_many,
  mpsc,
  block_on_alloc,
  alloc_stress,
  spawn_many_local,
  spawn_many_remote_idle,
  mpsc_contention,
  mpsc_large,
  block_on_alloc_st,
  spawn_st,
};

// The parameter part of a name, after "family/".
enum class Shape {
  count,                 // N
  size,                  // SIZE
  count_x_size,          // NxSIZE
  senders_x_count,       // SxN
  senders_x_count_size,  // SxN_SIZE
};

// How canonical names spell numbers, following the study's own spelling:
// "spawn_many/10000" but "spawn_many_local/10k", "mpsc/32768" but
// "mpsc_large/5x1000_32KB".
enum class CountStyle { decimal, kilo };  // kilo: 10000 -> "10k"
enum class SizeStyle { bytes, kib };      // kib: 32768 -> "32KB", 100 -> "100B"

struct FamilyDef {
  Family family;
  std::string_view name;
  std::string_view pattern;
  std::string_view description;
  std::string_view parameters;
  Shape shape;
  CountStyle count_style;
  SizeStyle size_style;
  bool takes_payload;
  int default_pool_threads;  // 0: current-thread runtime (no pool)
  std::vector<std::string> study_cases;
};

const std::vector<FamilyDef>& family_defs();
const FamilyDef& family_def(Family family);
// nullptr when no family has that name.
const FamilyDef* find_family(std::string_view name);

// Fixed shapes of the study's channel cases (docs/design.md §4).
inline constexpr std::uint64_t kMpscMessages = 1000;
inline constexpr std::uint64_t kMpscCapacity = 100;
inline constexpr std::uint64_t kContentionCapacity = 1'000'000;
inline constexpr std::uint64_t kLargeCapacity = 100;

}  // namespace shootout::workloads
