// The workload layer's public interface: the catalog of the study's async
// patterns (docs/design.md §4) and the one operation the worker needs from a
// workload, "run k iterations". Workloads know nothing of allocators,
// counters or statistics; they only do their work and check it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace shootout::workloads {

// How a payload buffer is obtained and initialised (a matrix dimension).
enum class PayloadMode {
  zeroed,  // calloc: what Rust's vec![0u8; n] does (the study's case)
  filled,  // malloc, then every byte written: what std::vector<uint8_t>(n) does
  uninit,  // malloc, then one byte written per page
  floor,   // same bytes written and read, buffer from a preallocated pool:
           // the cost of the work without the allocator
  none,    // the workload moves no payload (spawn_*); the only valid mode there
};
const char* to_string(PayloadMode mode);
// Throws std::invalid_argument naming the valid modes.
PayloadMode payload_mode_from_string(const std::string& text);

// Which Asio build the workload library was compiled as (CMake compiles
// the catalog twice). "asio": recycling caches off, every task, operation
// and message allocation reaches the allocator, coroutine frames come from
// the runtime's own pool (frame_pool.h); "asio-shipped": Asio's defaults.
const char* runtime_build();
// The effective Asio configuration of this build, for the manifest, e.g.
// "asio 1.22.1; recycling allocator cache 0 per purpose; coroutine frames
// from the runtime's own pool".
std::string runtime_details();
// How the runtime works (threads, queues, wake-up path, spawns, channels),
// in a few sentences, for `alloc-shootout list workloads`.
const char* runtime_description();

// What one instance is, as listed and recorded in every result.
struct WorkloadParams {
  // e.g. "mpsc/32768", "block_on_alloc/1000x4096"; any accepted spelling
  // ("mpsc/32K"), info().name is the canonical one.
  std::string name;
  PayloadMode payload = PayloadMode::none;
  int pool_threads = 0;  // W; 0 = the spec's default; ignored by current-thread runtimes
  // Pin the bench thread to CPU 0, pool thread i to CPU (i+1) % ncpu, where
  // CPU k is the k-th CPU of the process's affinity mask.
  bool pin_threads = false;
};

struct WorkloadInfo {
  std::string name;          // canonical name
  std::string family;        // "mpsc", "spawn_many", ...
  std::string description;   // one line
  int pool_threads = 0;      // W actually used (0 for current-thread runtimes)
  std::string runtime_kind;  // "multi-thread" or "current-thread"
  std::string wait_mode;     // how the bench thread waits, in words
  bool pinned = false;
  std::uint64_t elements_per_iteration = 0;  // messages, tasks or payloads per iteration
  std::uint64_t payload_bytes = 0;           // size of one payload (0 when none;
                                             // alloc_stress: the mean of its random sizes)
  std::uint64_t bytes_per_iteration = 0;     // payload bytes allocated per iteration
  std::uint64_t senders = 0;                 // sender tasks (channel families, else 0)
  std::uint64_t channel_capacity = 0;        // bounded channel capacity (0 when no channel)
  std::string runtime_build;                 // runtime_build() of the library that made it
  std::vector<PayloadMode> payload_modes;    // modes this workload accepts
  PayloadMode payload = PayloadMode::none;   // the mode this instance uses
};

// A self-check failed: the iteration did not do exactly what the name says.
class SelfCheckError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Workload {
 public:
  virtual ~Workload() = default;
  // Runs `iterations` iterations on the calling thread (the bench thread),
  // verifying each one; throws SelfCheckError on any mismatch.
  virtual void run(std::uint64_t iterations) = 0;
  virtual const WorkloadInfo& info() const = 0;
};

// Builds the runtime (threads started here) and the workload. Throws
// std::invalid_argument with a message naming the valid names/parameters
// when the name or payload mode is not valid.
std::unique_ptr<Workload> make_workload(const WorkloadParams& params);

// One catalog entry per family, for `alloc-shootout list workloads`.
struct CatalogEntry {
  std::string family;
  std::string pattern;                   // e.g. "mpsc/SIZE"
  std::string description;               // one line
  std::string parameters;                // e.g. "SIZE: payload bytes (any >= 1)"
  std::vector<std::string> study_cases;  // the study's instances, canonical names
  bool takes_payload = false;
};
const std::vector<CatalogEntry>& catalog();

// Expands a selection into canonical names, in order, without duplicates:
// exact names in any accepted spelling ("mpsc/32K" -> "mpsc/32768"), a bare
// family ("mpsc": its study cases), globs over the study cases ("mpsc/*",
// "spawn_*"), brace lists ("mpsc/{8,64,24576}"), doubling grids
// ("mpsc/8..32768" = 8, 16, ..., 32768; "log:" prefix optional) and
// comma-separated lists of these. Throws std::invalid_argument naming the
// families and patterns when a part matches nothing.
std::vector<std::string> expand_selection(const std::string& pattern);
// The syntax above in one line, for --help texts.
const char* selection_syntax();

}  // namespace shootout::workloads
