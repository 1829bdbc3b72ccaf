// Process memory from /proc: current and peak RSS, and the peak's reset.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>

#include "probe/counters.h"

namespace shootout::probe {

MemoryUsage memory_usage() {
  MemoryUsage usage;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    // Lines look like "VmRSS:\t    1234 kB".
    if (line.starts_with("VmRSS:")) usage.rss_kib = std::stoull(line.substr(6));
    if (line.starts_with("VmHWM:")) usage.hwm_kib = std::stoull(line.substr(6));
  }
  return usage;
}

bool reset_peak_rss() {
  const int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, "5", 1) == 1;
  ::close(fd);
  return ok;
}

}  // namespace shootout::probe
