#include "report/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "report/analysis.h"

namespace shootout::report {

void write_file_atomically(const std::string& path, const std::string& contents) {
  std::string temp = path + ".tmp-XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0)
    throw ReportError("cannot create a temporary file beside " + path + ": " +
                      std::strerror(errno));
  std::size_t written = 0;
  int error = 0;
  while (written < contents.size()) {
    const ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : ENOSPC;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  // Reports are read by people and tools, not executed: rw-r--r--.
  if (error == 0 && fchmod(fd, 0644) != 0) error = errno;
  if (error == 0 && fsync(fd) != 0) error = errno;
  if (close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    unlink(temp.c_str());
    throw ReportError("cannot write " + path + ": " + std::strerror(error));
  }
}

}  // namespace shootout::report
