#include "worker/protocol.h"

#include <stdexcept>

namespace shootout::worker {

nlohmann::json encode(const Command& command) {
  switch (command.kind) {
    case CommandKind::run:
      return {{"cmd", "run"}, {"iters", command.iterations}};
    case CommandKind::profile:
      return {{"cmd", "profile"}, {"iters", command.iterations}};
    case CommandKind::trace:
      return {{"cmd", "trace"}, {"iters", command.iterations}};
    case CommandKind::quit:
      return {{"cmd", "quit"}};
  }
  return {};
}

Command decode_command(const std::string& line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("cmd") || !j["cmd"].is_string())
    throw std::invalid_argument("command is not a JSON object with a string \"cmd\": " + line);
  const std::string cmd = j["cmd"];
  if (cmd == "quit") return {CommandKind::quit, 0};
  if (cmd != "run" && cmd != "profile" && cmd != "trace")
    throw std::invalid_argument("unknown command '" + cmd + "' (valid: run, profile, trace, quit)");
  if (!j.contains("iters") || !j["iters"].is_number_unsigned() || j["iters"].get<uint64_t>() == 0)
    throw std::invalid_argument("command '" + cmd + "' needs \"iters\" >= 1");
  const CommandKind kind = cmd == "run"       ? CommandKind::run
                           : cmd == "profile" ? CommandKind::profile
                                              : CommandKind::trace;
  return {kind, j["iters"].get<uint64_t>()};
}

nlohmann::json decode_reply(const std::string& line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    throw std::invalid_argument("worker sent a line that is not a protocol message: '" +
                                line.substr(0, 200) + "'");
  const std::string type = j["type"];
  if (type != "hello" && type != "sample" && type != "profile" && type != "trace" &&
      type != "error")
    throw std::invalid_argument("worker sent an unknown message type '" + type + "'");
  return j;
}

}  // namespace shootout::worker
