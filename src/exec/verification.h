// Verification of an allocator in a program nobody here wrote. The
// verification run (the first, un-timed run of each variant) preloads the
// exec probe ahead of the allocator; afterwards its slot file says, per
// program image, which object served malloc & co and how many allocations
// went through it. The verdict "in effect" needs:
//   - every program the command ran (counted by the sched_process_exec
//     tracepoint where perf allows) to have loaded the probe — a statically
//     linked or setuid program never does;
//   - malloc, free, calloc, realloc, aligned_alloc, posix_memalign of the
//     command's program to be served by the allocator's object (libc for
//     std), operator new by it or by libstdc++ (which calls malloc), and the
//     malloc of every other program it started too;
//   - at least one allocation through that malloc in the command's program
//     (with --shell: in every program the shell started) — zero means it
//     allocates through an allocator of its own (a Rust binary with a
//     built-in jemalloc), or not at all.
// Under std a program the probe cannot enter still runs the C library's
// malloc (its own copy, if static): noted, not failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/program.h"
#include "exec/variants.h"

namespace shootout::exec {

// Creates (truncating) the slot file the probe writes to. Throws
// std::runtime_error when it cannot.
void create_probe_file(const std::string& path);

struct ProbeImage {
  int pid = 0, ppid = 0;
  bool forked = false;  // a fork() child before any execve, not a program image
  std::string exe;
  std::vector<std::pair<std::string, std::string>> objects;  // symbol -> object file
  bool program_defines_malloc = false;
  std::uint64_t allocation_calls = 0, free_calls = 0;
  std::string version, version_source;
};

struct ProbeFindings {
  std::vector<ProbeImage> images;  // in the order they loaded the probe
  int unrecorded = 0;              // images beyond the file's slots
};

// Throws std::runtime_error when the file is missing or not a probe file.
ProbeFindings read_probe_file(const std::string& path);

struct VerificationInput {
  const Variant* variant = nullptr;
  ProgramFacts program;
  ProbeFindings findings;
  int top_pid = 0;                          // the command's own process
  std::optional<std::uint64_t> top_execs;   // programs it exec'd (perf), if counted
  std::optional<std::uint64_t> tree_execs;  // programs the whole tree exec'd, if counted
  std::string shell_exe;  // canonical path of /bin/sh when run with --shell, else ""
};

struct ExecVerification {
  bool ok = false;
  std::string message;  // why not in effect ("" when ok)
  nlohmann::json json;  // the cell record's "verification"
};

ExecVerification verify_variant(const VerificationInput& input);

}  // namespace shootout::exec
