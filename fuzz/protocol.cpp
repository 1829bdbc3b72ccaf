// The worker protocol (docs/protocol.md): each input is one line, given to
// both decoders. Each must accept it or throw std::invalid_argument; an
// accepted command must encode back to a line that decodes to itself (the
// round trip is outside the catch: its throwing is a finding).
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "fuzz_support.h"
#include "worker/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shootout::worker;
  const std::string line(reinterpret_cast<const char*>(data), size);
  std::optional<Command> command;
  try {
    command = decode_command(line);
  } catch (const std::invalid_argument&) {
  }
  if (command) {
    const Command again = decode_command(encode(*command).dump());
    FUZZ_CHECK(again.kind == command->kind && again.iterations == command->iterations);
    FUZZ_CHECK(command->kind == CommandKind::quit || command->iterations >= 1);
  }
  try {
    const nlohmann::json reply = decode_reply(line);
    FUZZ_CHECK(reply.is_object() && reply["type"].is_string());
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
