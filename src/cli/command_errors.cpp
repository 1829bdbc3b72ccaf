#include <cstdio>
#include <exception>
#include <stdexcept>

#include "cli/commands.h"
#include "exec/exec_runner.h"

namespace shootout::cli {

int exit_status_of_current_exception(const char* command) {
  auto say = [&](const std::exception& e) {
    std::fprintf(stderr, "alloc-shootout %s: %s\n", command, e.what());
  };
  try {
    throw;
  } catch (const std::invalid_argument& e) {
    say(e);
    return kBadInput;
  } catch (const exec::PrepareFailed& e) {
    say(e);
    return kCellsFailed;
  } catch (const std::exception& e) {
    say(e);
    return kIoFailure;
  }
}

}  // namespace shootout::cli
