#include "probe/qemu_strace.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace shootout::probe {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name(char c) { return is_digit(c) || c == '_' || (c >= 'a' && c <= 'z'); }

// The n-th (0-based) comma-separated argument of "a,b,c".
std::string_view argument(std::string_view args, int n) {
  for (; n > 0; --n) {
    const auto comma = args.find(',');
    if (comma == std::string_view::npos) return {};
    args.remove_prefix(comma + 1);
  }
  return args.substr(0, args.find(','));
}

void count(std::string_view name, std::string_view args, QemuStraceCounts& counts) {
  if (name == "madvise") {
    ++counts.madvise;
    // qemu prints the advice by name; a number where it has none.
    const std::string_view advice = argument(args, 2);
    if (advice == "MADV_DONTNEED" || advice == "4") ++counts.madvise_dontneed;
    if (advice == "MADV_FREE" || advice == "8") ++counts.madvise_free;
  } else if (name == "mmap") {
    ++counts.mmap;
  } else if (name == "munmap") {
    ++counts.munmap;
  } else if (name == "brk") {
    ++counts.brk;
  } else if (name == "mremap") {
    ++counts.mremap;
  }
}

}  // namespace

std::size_t count_qemu_strace(std::string_view text, QemuStraceCounts& counts) {
  std::size_t i = 0;
  while (i < text.size()) {
    // An entry starts with the pid, where no other digit or name precedes it.
    if (!is_digit(text[i]) || (i > 0 && is_name(text[i - 1]))) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    std::size_t j = i;
    while (j < text.size() && is_digit(text[j])) ++j;
    if (j == text.size()) return start;  // cut off: "123"
    if (text[j] != ' ') {
      i = j;
      continue;
    }
    std::size_t k = j + 1;
    while (k < text.size() && is_name(text[k])) ++k;
    if (k == text.size()) return start;  // cut off: "123 madv"
    if (text[k] != '(' || k == j + 1) {
      i = k;
      continue;
    }
    const std::size_t close = text.find(')', k + 1);
    if (close == std::string_view::npos) return start;  // cut off: "123 madvise(0x1,40"
    count(text.substr(j + 1, k - j - 1), text.substr(k + 1, close - k - 1), counts);
    i = close + 1;
  }
  return text.size();
}

bool QemuStraceLog::update() {
  // Up to the size the log has now: each read() below is itself logged, so
  // reading to the end of file would never end.
  struct stat file {};
  if (fstat(fd_, &file) != 0) return false;
  const auto end = static_cast<std::uint64_t>(file.st_size);
  while (offset_ < end) {
    const std::size_t room = sizeof buffer_ - kept_;
    const ssize_t n = read(fd_, buffer_ + kept_, std::min<std::uint64_t>(room, end - offset_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n == 0;
    offset_ += static_cast<std::uint64_t>(n);
    const std::size_t size = kept_ + static_cast<std::size_t>(n);
    std::size_t used = count_qemu_strace(std::string_view(buffer_, size), counts_);
    // An "entry" longer than the buffer is not one of qemu's: drop it.
    if (used == 0 && size == sizeof buffer_) used = size;
    kept_ = size - used;
    std::memmove(buffer_, buffer_ + used, kept_);
  }
  return true;
}

}  // namespace shootout::probe
