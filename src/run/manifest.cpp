#include "run/manifest.h"

#include <gnu/libc-version.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "common/emulation.h"
#include "common/subprocess.h"

#ifndef SHOOTOUT_CXX_FLAGS
#define SHOOTOUT_CXX_FLAGS ""
#endif
#ifndef SHOOTOUT_VERSION
#define SHOOTOUT_VERSION ""
#endif
#ifndef SHOOTOUT_BUILD_TYPE
#define SHOOTOUT_BUILD_TYPE ""
#endif

namespace shootout::run {

namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    // x86: "model name"; ARM64 kernels often give only "CPU part" codes.
    if (line.rfind("model name", 0) == 0 || line.rfind("Model", 0) == 0)
      return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

// The CPU family /proc/cpuinfo describes — the kernel's, which qemu-user
// 7.2 passes through to an aarch64 program unchanged — and the family of the
// machine uname() names, which it reports as the emulated one.
std::string cpuinfo_family() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("vendor_id", 0) == 0) return "x86";
    if (line.rfind("CPU implementer", 0) == 0) return "arm";
  }
  return "";
}
std::string machine_family(const std::string& machine) {
  if (machine == "x86_64" ||
      (machine.size() == 4 && machine[0] == 'i' && machine.substr(2) == "86"))
    return "x86";
  if (machine == "aarch64" || machine.rfind("arm", 0) == 0) return "arm";
  return "";
}

// "" natively. The emulator is told (ALLOC_SHOOTOUT_EMULATOR, which also
// starts the workers, common/emulation.h) and named by its own --version;
// an emulator nobody named (binfmt_misc) is still detected where the
// kernel's CPU is of another family than the program's.
std::string describe_emulator(const std::string& machine, long page_size) {
  std::string what;
  if (const std::string told = common::emulator(); !told.empty()) {
    what = told;
    const auto version = common::capture_stdout({told, "--version"});
    if (version && version->exit_status == 0 && !version->out.empty())
      what = version->out.substr(0, version->out.find('\n'));
  } else if (const std::string cpu = cpuinfo_family(), own = machine_family(machine);
             !cpu.empty() && !own.empty() && cpu != own) {
    what = "an emulator not named (this " + machine + " program sees an " + cpu +
           " CPU in /proc/cpuinfo; set " + common::kEmulatorVariable + ")";
  }
  return what.empty() ? what : what + ", page size " + std::to_string(page_size);
}

// "always [madvise] never" -> "madvise"
std::string bracketed(const std::string& text) {
  const auto open = text.find('['), close = text.find(']');
  if (open == std::string::npos || close == std::string::npos) return text;
  return text.substr(open + 1, close - open - 1);
}

}  // namespace

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string tool_version() { return SHOOTOUT_VERSION; }

journal::MachineFacts describe_machine() {
  utsname u{};
  uname(&u);
  journal::MachineFacts m;
  m.cpu_model = cpu_model();
  m.cores_online = sysconf(_SC_NPROCESSORS_ONLN);
  m.arch = u.machine;
  m.kernel = std::string(u.sysname) + " " + u.release;
  m.hostname = u.nodename;
  m.page_size = sysconf(_SC_PAGESIZE);
  m.thp_enabled = bracketed(first_line("/sys/kernel/mm/transparent_hugepage/enabled"));
  m.thp_defrag = bracketed(first_line("/sys/kernel/mm/transparent_hugepage/defrag"));
  m.glibc = gnu_get_libc_version();
  m.compiler = std::string("GCC ") + __VERSION__;
  m.build_type = SHOOTOUT_BUILD_TYPE;
  m.cxx_flags = SHOOTOUT_CXX_FLAGS;
  m.loadavg = first_line("/proc/loadavg");
  m.emulator = describe_emulator(m.arch, m.page_size);
  return m;
}

std::map<std::string, journal::AllocatorFacts> describe_allocators(
    const std::vector<alloc::Allocator>& allocators) {
  std::map<std::string, journal::AllocatorFacts> all;
  for (const auto& a : allocators) {
    const std::string path = a.is_std() ? "" : a.path;
    journal::AllocatorFacts entry{path, a.user_supplied, alloc::to_string(a.dialect), {}, {}};
    // Which Debian package owns the object, and its version (absent for a
    // user's own build).
    if (!a.is_std() && !path.empty()) {
      auto who = common::capture_stdout({"dpkg-query", "-S", path});
      if (who && who->exit_status == 0) {
        std::string package = who->out.substr(0, who->out.find(':'));
        entry.package = package;
        auto version = common::capture_stdout({"dpkg-query", "-W", "-f=${Version}", package});
        if (version && version->exit_status == 0) entry.package_version = version->out;
      }
    }
    all[a.name] = entry;
  }
  return all;
}

}  // namespace shootout::run
