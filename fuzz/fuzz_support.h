// Shared by the fuzz targets: the parsers under test read files by path, so
// each input is written to a file first; FUZZ_CHECK turns a broken
// invariant into a crash libFuzzer records as a finding.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace shootout::fuzz {

// Writes all of [data, data + size) to fd at offset 0 and truncates there.
inline void rewrite(int fd, const std::uint8_t* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    FUZZ_CHECK(n > 0);
    done += static_cast<std::size_t>(n);
  }
  FUZZ_CHECK(ftruncate(fd, static_cast<off_t>(size)) == 0);
}

// An in-memory file (memfd) rewritten with each input and opened by the
// parser as /proc/self/fd/N: no disk traffic, nothing left behind.
class InputFile {
 public:
  explicit InputFile(const char* name) : fd_(memfd_create(name, MFD_CLOEXEC)) {
    FUZZ_CHECK(fd_ >= 0);
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  void write(const std::uint8_t* data, std::size_t size) { rewrite(fd_, data, size); }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

// A fresh directory under $TMPDIR (or /tmp), for APIs that take a directory.
inline std::string make_temp_dir(const char* tag) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/shootout-fuzz-" + tag + "-XXXXXX";
  FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

inline void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  FUZZ_CHECK(fd >= 0);
  rewrite(fd, data, size);
  close(fd);
}

}  // namespace shootout::fuzz
