// tracefs.h on real files: a format file's fields (the kernel's own
// sys_enter_madvise format, and a made-up one with odd lines), field values
// read from a raw record with and without sign, event ids and the error of a
// missing event or of a kernel without syscall tracepoints (in a directory
// laid out like tracefs), and the CPU lists sysfs writes.
#include "probe/tracefs.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/scratch_dir.h"
#include "support/text.h"

namespace shootout::probe::tracefs {
namespace {

namespace fs = std::filesystem;

fs::path fake_tracefs(const std::string& name) {
  const fs::path dir = shootout::test::fresh_scratch_dir("tracefs_" + name);
  fs::create_directories(dir / "events");
  return dir;
}

using shootout::test::write_file;

TEST(TracefsFormat, ReadsEveryFieldAndSkipsOtherLines) {
  std::istringstream format(
      "name: sys_enter_mremap\n"
      "ID: 123\n"
      "format:\n"
      "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
      "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
      "\tfield:unsigned long addr;\toffset:16;\tsize:8;\tsigned:0;\n"
      "\tfield:char comm[16];\toffset:24;\tsize:16;\tsigned:1;\n"
      "\tfield:const char * name;\toffset:40;\tsize:8;\tsigned:0;\n"
      "\tfield:int broken;\toffset:48;\n"
      "\n"
      "print fmt: \"addr: 0x%08lx\", ((unsigned long)(REC->addr))\n");
  const Format fields = parse_format(format);
  ASSERT_EQ(fields.size(), 5u);  // "broken" lacks size and signed
  EXPECT_EQ(fields.at("common_type").offset, 0u);
  EXPECT_EQ(fields.at("common_type").size, 2u);
  EXPECT_FALSE(fields.at("common_type").is_signed);
  EXPECT_TRUE(fields.at("__syscall_nr").is_signed);
  EXPECT_EQ(fields.at("addr").offset, 16u);
  EXPECT_EQ(fields.at("comm").size, 16u);    // the array's name, without [16]
  EXPECT_EQ(fields.at("name").offset, 40u);  // after the '*'
  EXPECT_EQ(fields.count("broken"), 0u);
}

TEST(TracefsFormat, ReadFieldSignExtendsAndRefusesFieldsOutsideTheRecord) {
  std::uint8_t raw[16] = {};
  const std::int32_t minus_two = -2;
  std::memcpy(raw + 4, &minus_two, sizeof minus_two);
  const std::uint64_t big = 0x1122334455667788ull;
  std::memcpy(raw + 8, &big, sizeof big);
  EXPECT_EQ(read_field(raw, sizeof raw, {4, 4, true}), static_cast<std::uint64_t>(-2));
  EXPECT_EQ(read_field(raw, sizeof raw, {4, 4, false}), 0xfffffffeu);
  EXPECT_EQ(read_field(raw, sizeof raw, {8, 8, false}), big);
  EXPECT_EQ(read_field(raw, sizeof raw, {8, 2, false}), 0x7788u);
  EXPECT_EQ(read_field(raw, sizeof raw, {12, 8, false}), 0u);  // runs past the end
  EXPECT_EQ(read_field(raw, sizeof raw, {0, 3, false}), 0u);   // no such width
}

TEST(TracefsEvents, IdOfAnEventAndWhyAnotherIsMissing) {
  const fs::path dir = fake_tracefs("ids");
  write_file(dir / "events/syscalls/sys_enter_madvise/id", "561\n");
  write_file(dir / "events/sched/sched_process_exec/id", "302\n");

  const EventId madvise = event_id(dir.string(), "syscalls/sys_enter_madvise");
  EXPECT_EQ(madvise.id, 561u);
  EXPECT_EQ(madvise.error, "");
  EXPECT_EQ(event_id(dir.string(), "sched/sched_process_exec").id, 302u);

  const EventId missing = event_id(dir.string(), "syscalls/sys_enter_mremap");
  EXPECT_EQ(missing.id, 0u);
  EXPECT_NE(missing.error.find((dir / "events/syscalls/sys_enter_mremap/id").string()),
            std::string::npos)
      << missing.error;
  EXPECT_NE(missing.error.find("no such tracepoint"), std::string::npos) << missing.error;
}

TEST(TracefsEvents, AKernelWithoutSyscallTracepointsIsNamed) {
  const fs::path dir = fake_tracefs("no_syscalls");
  write_file(dir / "events/sched/sched_process_exec/id", "302\n");
  const EventId missing = event_id(dir.string(), "syscalls/sys_enter_mmap");
  EXPECT_EQ(missing.error, "kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)");
  // Another subsystem's missing event is not blamed on the syscalls.
  EXPECT_EQ(event_id(dir.string(), "exceptions/page_fault_user").error.find("CONFIG"),
            std::string::npos);
}

TEST(TracefsEvents, ReadFormatReadsTheEventsFormatFile) {
  const fs::path dir = fake_tracefs("format");
  write_file(dir / "events/syscalls/sys_enter_brk/format",
             "\tfield:unsigned long brk;\toffset:16;\tsize:8;\tsigned:0;\n");
  const Format fields = read_format(dir.string(), "syscalls/sys_enter_brk");
  ASSERT_EQ(fields.count("brk"), 1u);
  EXPECT_EQ(fields.at("brk").offset, 16u);
  EXPECT_TRUE(read_format(dir.string(), "syscalls/sys_enter_nothing").empty());
}

TEST(TracefsEvents, TheKernelsOwnMadviseFormatHasTheFieldsTheTracerDecodes) {
  const Location location = find();
  if (location.dir.empty()) GTEST_SKIP() << location.error;
  const Format fields = read_format(location.dir, "syscalls/sys_enter_madvise");
  if (fields.empty()) GTEST_SKIP() << "no readable sys_enter_madvise format under " << location.dir;
  EXPECT_EQ(fields.count("common_type"), 1u);
  EXPECT_EQ(fields.count("start"), 1u);
  EXPECT_EQ(fields.count("behavior"), 1u);
  const EventId id = event_id(location.dir, "syscalls/sys_enter_madvise");
  EXPECT_EQ(id.error, "");
  EXPECT_GT(id.id, 0u);
}

TEST(TracefsCpus, ParsesKernelCpuLists) {
  EXPECT_EQ(parse_cpu_list("0"), std::vector<int>({0}));
  EXPECT_EQ(parse_cpu_list("0-3\n"), std::vector<int>({0, 1, 2, 3}));
  // CPU 1 offline: a count of 3 would have named 0, 1, 2.
  EXPECT_EQ(parse_cpu_list("0,2-3"), std::vector<int>({0, 2, 3}));
  EXPECT_EQ(parse_cpu_list("0-1,4,6-7"), std::vector<int>({0, 1, 4, 6, 7}));
  for (const char* bad : {"", "x", "3-1", "0-", "0,", "1 2", "-1"})
    EXPECT_TRUE(parse_cpu_list(bad).empty()) << '"' << bad << '"';
}

TEST(TracefsCpus, OnlineCpusAreThoseSysfsListsAndAsManyAsTheSystemCounts) {
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string list;
  if (!std::getline(in, list)) GTEST_SKIP() << "no /sys/devices/system/cpu/online";
  const std::vector<int> cpus = online_cpus();
  EXPECT_EQ(cpus, parse_cpu_list(list));
  EXPECT_EQ(static_cast<long>(cpus.size()), sysconf(_SC_NPROCESSORS_ONLN));
}

}  // namespace
}  // namespace shootout::probe::tracefs
