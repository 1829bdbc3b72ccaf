#include "common/emulation.h"

#include <unistd.h>

#include <cstdlib>

#include "common/elf_identity.h"

namespace shootout::common {

std::string emulator() {
  const char* value = std::getenv(kEmulatorVariable);
  return value ? value : "";
}

std::string emulator_problem() {
  const std::string path = emulator();
  if (path.empty() || (path.front() == '/' && access(path.c_str(), X_OK) == 0)) return "";
  return std::string(kEmulatorVariable) + "=\"" + path +
         "\" is not an executable file given by its absolute path: name a statically linked "
         "qemu-user emulator (e.g. /usr/bin/qemu-aarch64-static), or unset it on a native machine";
}

bool is_own_machine_elf(const std::string& path) {
  const ElfIdentity& own = own_elf_identity();
  const auto identity = read_elf_identity(path);
  return own.machine != 0 && identity && identity->machine == own.machine;
}

std::vector<std::string> emulated_argv(const std::string& emulator, const std::string& program,
                                       const std::vector<std::string>& argv) {
  std::vector<std::string> wrapped = {emulator, "-0", argv.empty() ? program : argv.front(),
                                      program};
  if (!argv.empty()) wrapped.insert(wrapped.end(), argv.begin() + 1, argv.end());
  return wrapped;
}

}  // namespace shootout::common
