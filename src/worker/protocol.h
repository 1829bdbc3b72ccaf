// The runner <-> worker protocol (docs/protocol.md): JSON objects, one per
// line. The runner writes commands to the worker's fd 3; the worker writes
// replies to its fd 4 (stdout and stderr stay free for the allocator's and
// the program's own chatter, which go to the cell's log).
//
//   worker -> runner  {"type":"hello", "protocol":1, "pid":..., "verification":{...},
//                      "workload":{...}, "counters":[{name, source|null, detail}]}
//   runner -> worker  {"cmd":"run", "iters":K}
//   worker -> runner  {"type":"sample", "iters":K, "ns":..., "counters":{...},
//                      "rss_kib":..., "hwm_kib":...}
//   runner -> worker  {"cmd":"profile", "iters":K}   (malloc-counting pass)
//   worker -> runner  {"type":"profile", "iters":K, "calls":..., "bytes":..., "frees":...}
//   runner -> worker  {"cmd":"trace", "iters":K}     (raw-call pass; worker started with
//   --trace-calls) worker -> runner  {"type":"trace", "iters":K, "source":..., "detail":...,
//   "lost":...,
//                      "calls":[{kind, addr, length, advice, ...}], "summary":[...]}
//   runner -> worker  {"cmd":"quit"}
//   worker -> runner  {"type":"error", "kind":"verification|self_check|bad_command|...",
//                      "message":"..."}   (then the worker exits non-zero)
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace shootout::worker {

inline constexpr int kProtocolVersion = 1;
inline constexpr int kCommandFd = 3;
inline constexpr int kReplyFd = 4;

enum class CommandKind { run, profile, trace, quit };

struct Command {
  CommandKind kind = CommandKind::quit;
  std::uint64_t iterations = 0;
};

nlohmann::json encode(const Command& command);
// Throws std::invalid_argument naming what is wrong with the line.
Command decode_command(const std::string& line);

// Parses one reply line; throws std::invalid_argument when it is not a JSON
// object with a known "type" (a garbled or half-written line).
nlohmann::json decode_reply(const std::string& line);

}  // namespace shootout::worker
