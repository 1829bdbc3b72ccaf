#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/fd_io.h"

namespace shootout::common {

namespace {

// The rename is durable only once the directory entry is: best effort, a
// directory that cannot be opened for reading still got the file.
void sync_directory_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& text) {
  std::string temp = path + ".tmp-XXXXXX";
  // mkstemp: O_CREAT | O_EXCL under a random suffix.
  const int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0)
    throw FileWriteError("cannot create a temporary file beside " + path + ": " +
                         std::strerror(errno));
  int error = write_all(fd, text);
  // Results are read by people and tools, not executed: rw-r--r--.
  if (error == 0 && fchmod(fd, 0644) != 0) error = errno;
  if (error == 0 && fsync(fd) != 0) error = errno;
  if (close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    unlink(temp.c_str());
    throw FileWriteError("cannot write " + path + ": " + std::strerror(error));
  }
  sync_directory_of(path);
}

}  // namespace shootout::common
