// The qemu-user syscall log as a counter source: lines as qemu-aarch64 7.2
// wrote them for a jemalloc process (QEMU_STRACE=1), entries of two threads
// interleaved; every split of the log counts the same; a real file read as
// it grows.
#include "probe/qemu_strace.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "support/scratch_dir.h"

namespace shootout::probe {
namespace {

// Two threads: 28751's futex returns after 28750's madvise was logged.
constexpr std::string_view kLog =
    "28750 brk(NULL) = 0x0000005500030000\n"
    "28750 mmap(NULL,1226464,PROT_EXEC|PROT_READ,MAP_PRIVATE|MAP_DENYWRITE,3,0) = "
    "0x00000055028a0000\n"
    "28750 readlinkat(AT_FDCWD,\"/etc/malloc.conf\",0x000000550282f410,4096) = -1 errno=2 (No "
    "such file or directory)\n"
    "28750 madvise(0x0000005502ea0000,65536,MADV_DONTNEED) = 0\n"
    "28750 munmap(0x0000005502ea0000,65536) = 0\n"
    "28751 futex(0x0000005502f00000,FUTEX_PRIVATE_FLAG|FUTEX_WAIT,2,NULL,NULL,0)"
    "28750 madvise(0x0000005502eb0000,65536,MADV_FREE) = 0\n"
    " = 0\n"
    "28750 clock_gettime(CLOCK_MONOTONIC_COARSE,0x000000550282d7e8) = 0 ({tv_sec = "
    "23558,tv_nsec = 603188819})\n"
    "28750 mremap(0x0000005503000000,8192,16384,1,0) = 0x0000005503100000\n"
    "28750 madvise(0x0000005503000000,4096,14) = 0\n"
    "--- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=0x0000005502885400} ---\n"
    "28750 mmap(NULL,2097152,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE,-1,0) "
    "= 0x00000055034b0000\n";

QemuStraceCounts expected() {
  QemuStraceCounts c;
  c.madvise = 3;
  c.madvise_dontneed = 1;
  c.madvise_free = 1;
  c.mmap = 2;
  c.munmap = 1;
  c.brk = 1;
  c.mremap = 1;
  return c;
}

TEST(QemuStrace, CountsEachMemoryCallByNameAndMadviseByAdvice) {
  QemuStraceCounts counts;
  EXPECT_EQ(count_qemu_strace(kLog, counts), kLog.size());
  EXPECT_EQ(counts, expected());
}

TEST(QemuStrace, AnEntryCutOffByTheEndIsLeftForTheNextBytes) {
  const std::string_view cut = "28750 munmap(0x1,4096) = 0\n28750 madvise(0x0000005502ea0000,65";
  QemuStraceCounts counts;
  const std::size_t used = count_qemu_strace(cut, counts);
  EXPECT_EQ(cut.substr(used), "28750 madvise(0x0000005502ea0000,65");
  EXPECT_EQ(counts.munmap, 1u);
  EXPECT_EQ(counts.madvise, 0u);
}

TEST(QemuStrace, EverySplitOfTheLogCountsTheSame) {
  for (std::size_t split = 0; split <= kLog.size(); ++split) {
    QemuStraceCounts counts;
    const std::string_view first = kLog.substr(0, split);
    const std::size_t used = count_qemu_strace(first, counts);
    const std::string rest = std::string(first.substr(used)) + std::string(kLog.substr(split));
    EXPECT_EQ(count_qemu_strace(rest, counts), rest.size()) << "split at " << split;
    EXPECT_EQ(counts, expected()) << "split at " << split;
  }
}

TEST(QemuStrace, TheLogIsReadAsItGrows) {
  const std::filesystem::path path = shootout::test::scratch_root() / "qemu_strace_test.log";
  std::ofstream writer(path, std::ios::trunc);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  QemuStraceLog log(fd);
  const std::size_t half = kLog.find("madvise(0x0000005502eb") + 10;
  writer << kLog.substr(0, half) << std::flush;
  ASSERT_TRUE(log.update());
  EXPECT_EQ(log.counts().madvise, 1u) << "the cut-off second madvise is not counted yet";
  writer << kLog.substr(half) << std::flush;
  ASSERT_TRUE(log.update());
  EXPECT_EQ(log.counts(), expected());
  close(fd);
}

}  // namespace
}  // namespace shootout::probe
