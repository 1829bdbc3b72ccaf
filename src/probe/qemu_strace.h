// Memory system calls counted from qemu-user's syscall log (QEMU_STRACE,
// written to QEMU_LOG_FILENAME): the counter source of an emulated worker,
// where qemu-user has no perf_event_open and the interposed libc wrappers
// cannot see glibc malloc's internal calls. qemu logs every guest syscall of
// every thread as "PID name(args)" when it is made and " = result\n" when it
// returns, so entries of threads interleave but each entry is whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shootout::probe {

struct QemuStraceCounts {
  std::uint64_t madvise = 0, madvise_dontneed = 0, madvise_free = 0;
  std::uint64_t mmap = 0, munmap = 0, brk = 0, mremap = 0;
  bool operator==(const QemuStraceCounts&) const = default;
};

// Adds the complete entries of `text` to `counts`; returns how many bytes
// were consumed: all of them, or up to an entry cut off by the end of
// `text` (to be given again with what follows).
std::size_t count_qemu_strace(std::string_view text, QemuStraceCounts& counts);

// The log as it grows, read without touching the heap (the worker reads it
// at sample boundaries): cumulative counts of everything written so far.
class QemuStraceLog {
 public:
  explicit QemuStraceLog(int fd) : fd_(fd) {}
  // Reads what the log gained since the last call; false on a read error.
  bool update();
  const QemuStraceCounts& counts() const { return counts_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  QemuStraceCounts counts_;
  char buffer_[1 << 14];      // under 64 KiB, as everything of the worker's start-up
  std::size_t kept_ = 0;      // bytes of an unfinished entry at the start of buffer_
  std::uint64_t offset_ = 0;  // of the file, read so far
};

}  // namespace shootout::probe
