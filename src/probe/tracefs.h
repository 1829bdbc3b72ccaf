// The kernel's tracing file system as both tracepoint users read it — the
// counters (counters.cpp) and the raw-call tracer (call_trace.cpp): where
// tracefs is mounted, a tracepoint's id for perf_event_open, the field
// layout of its records (events/<subsystem>/<event>/format) and the CPUs a
// per-CPU event must be opened on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <vector>

namespace shootout::probe::tracefs {

struct Location {
  std::string dir;    // e.g. "/sys/kernel/tracing"; empty: unavailable
  std::string error;  // why, when dir is empty
};

// The mounted tracefs (/sys/kernel/tracing, else the older
// /sys/kernel/debug/tracing). A fresh machine may not have it mounted; as
// root it is mounted at /sys/kernel/tracing, which is what `perf` itself
// would need.
Location find();

struct EventId {
  std::uint64_t id = 0;
  std::string error;  // empty: `id` is valid
};

// The perf_event_open config of tracepoint `event` ("syscalls/sys_enter_mmap",
// "sched/sched_process_exec"). For a syscall event the error says when the
// kernel has no syscall tracepoints at all (CONFIG_FTRACE_SYSCALLS).
EventId event_id(const std::string& tracefs_dir, const std::string& event);

// Where one field sits in a tracepoint's raw record.
struct Field {
  std::size_t offset = 0;
  std::size_t size = 0;
  bool is_signed = false;
};
using Format = std::map<std::string, Field>;  // by field name

// The fields of a format file: lines such as
// "field:unsigned long len;	offset:24;	size:8;	signed:0;". Lines that are
// not fields, or lack offset/size/signed, are skipped.
Format parse_format(std::istream& in);
// events/<event>/format under `tracefs_dir`; empty when it cannot be read.
Format read_format(const std::string& tracefs_dir, const std::string& event);

// The field's value in `raw` (sign-extended when signed); 0 when the field
// lies outside the record or has a size other than 1, 2, 4 or 8.
std::uint64_t read_field(const std::uint8_t* raw, std::size_t raw_size, const Field& field);

// The CPUs in a kernel CPU list such as "0-3,6,8-9" (sysfs' online, possible,
// ...); empty for text that is not one.
std::vector<int> parse_cpu_list(const std::string& list);

// The online CPUs (/sys/devices/system/cpu/online), where a per-CPU event is
// opened once each. Not 0..sysconf(_SC_NPROCESSORS_ONLN)-1: with a CPU
// offline, that count names an offline CPU (perf_event_open refuses it with
// ENODEV) and misses the highest online one (whose events would go
// uncounted). Falls back to that count only where sysfs cannot be read.
std::vector<int> online_cpus();

}  // namespace shootout::probe::tracefs
