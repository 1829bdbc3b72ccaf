// Runs a program from an argv (never through a shell) and captures what it
// prints: for reading `ldconfig -p`, `dpkg-query` and the like.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace shootout::common {

struct CapturedOutput {
  std::string out;
  int exit_status = -1;  // -1 when killed by a signal
};

// Searches PATH (and /sbin, /usr/sbin) for argv[0] when it has no slash.
// Empty when the program could not be started.
std::optional<CapturedOutput> capture_stdout(const std::vector<std::string>& argv);

}  // namespace shootout::common
