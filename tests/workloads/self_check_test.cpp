// The self-checks: an iteration that did not do what its name says throws
// SelfCheckError saying what was expected and what was seen.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "workloads/payload.h"
#include "workloads/testing.h"
#include "workloads/workload.h"

namespace shootout::workloads {
namespace {

std::string self_check_error(const std::string& name, PayloadMode mode, TestFaults faults) {
  auto workload = make_workload_for_testing({name, mode}, faults);
  try {
    workload->run(2);
  } catch (const SelfCheckError& e) {
    return e.what();
  }
  return "(no SelfCheckError)";
}

constexpr const char* kSpawnWorkloads[] = {"spawn_many/100", "spawn_many_local/100",
                                           "spawn_many_remote_idle/100", "spawn_st/100"};

TestFaults drop() {
  TestFaults f;
  f.drop_one_message = true;
  return f;
}

TestFaults corrupt() {
  TestFaults f;
  f.corrupt_one_message = true;
  return f;
}

TEST(SelfCheck, DroppedChannelMessageIsCaught) {
  const std::string message = self_check_error("mpsc/64", PayloadMode::zeroed, drop());
  EXPECT_NE(message.find("mpsc/64"), std::string::npos) << message;
  EXPECT_NE(message.find("messages received: expected 1000, saw 999"), std::string::npos)
      << message;
}

TEST(SelfCheck, DroppedMessageInEveryChannelFamily) {
  EXPECT_NE(
      self_check_error("mpsc/32768", PayloadMode::floor, drop()).find("expected 1000, saw 999"),
      std::string::npos);
  EXPECT_NE(self_check_error("mpsc_large/2x50_32KB", PayloadMode::uninit, drop())
                .find("expected 100, saw 99"),
            std::string::npos);
  EXPECT_NE(self_check_error("mpsc_contention/2x100", PayloadMode::none, drop())
                .find("expected 200, saw 199"),
            std::string::npos);
}

TEST(SelfCheck, CorruptedByteZeroFailsTheChecksum) {
  for (const char* name : {"mpsc/64", "mpsc_large/2x50_32KB", "block_on_alloc/10x64",
                           "alloc_stress/50", "block_on_alloc_st/10x32KB"}) {
    for (PayloadMode mode :
         {PayloadMode::zeroed, PayloadMode::filled, PayloadMode::uninit, PayloadMode::floor}) {
      const std::string message = self_check_error(name, mode, corrupt());
      EXPECT_NE(message.find("checksum"), std::string::npos)
          << name << " " << to_string(mode) << ": " << message;
    }
  }
  EXPECT_NE(
      self_check_error("mpsc_contention/2x100", PayloadMode::none, corrupt()).find("checksum"),
      std::string::npos);
}

TEST(SelfCheck, MissingPayloadInAllocFamilies) {
  EXPECT_NE(self_check_error("block_on_alloc/10x64", PayloadMode::filled, drop())
                .find("payloads touched: expected 10, saw 9"),
            std::string::npos);
  EXPECT_NE(
      self_check_error("alloc_stress/50", PayloadMode::floor, drop()).find("expected 50, saw 49"),
      std::string::npos);
  EXPECT_NE(self_check_error("block_on_alloc_st/10x32KB", PayloadMode::zeroed, drop())
                .find("expected 10, saw 9"),
            std::string::npos);
}

TEST(SelfCheck, WithoutFaultsNothingFires) {
  EXPECT_EQ(self_check_error("mpsc/64", PayloadMode::zeroed, TestFaults{}), "(no SelfCheckError)");
  for (PayloadMode mode : payload_modes())
    for (const char* name : {"mpsc/32768", "mpsc_large/2x50_32KB"})
      EXPECT_EQ(self_check_error(name, mode, TestFaults{}), "(no SelfCheckError)")
          << name << " " << to_string(mode);
  for (const char* name : kSpawnWorkloads)
    EXPECT_EQ(self_check_error(name, PayloadMode::none, TestFaults{}), "(no SelfCheckError)")
        << name;
}

TEST(SelfCheck, TaskThatNeverRanFailsEverySpawnFamily) {
  TestFaults faults;
  faults.drop_one_task = true;
  for (const char* name : kSpawnWorkloads) {
    const std::string message = self_check_error(name, PayloadMode::none, faults);
    EXPECT_NE(message.find("tasks executed: expected 100, saw 99"), std::string::npos)
        << name << ": " << message;
  }
}

TEST(SelfCheck, TaskThatRanTwiceFailsEverySpawnFamily) {
  TestFaults faults;
  faults.run_one_task_twice = true;
  for (const char* name : kSpawnWorkloads) {
    const std::string message = self_check_error(name, PayloadMode::none, faults);
    EXPECT_NE(message.find("tasks executed: expected 100, saw 101"), std::string::npos)
        << name << ": " << message;
  }
}

// The receiver reads the last byte and one byte per page, not only byte 0.
// Modes whose sender writes every checked byte (zeroed writes byte 0 only:
// its receiver checks byte 0's page alone, see Payload::read_checked).
constexpr PayloadMode kWrittenModes[] = {PayloadMode::filled, PayloadMode::uninit,
                                         PayloadMode::floor};

TEST(SelfCheck, TruncatedPayloadFailsTheReceiversCheck) {
  TestFaults faults;
  faults.truncate_one_message = true;
  for (PayloadMode mode : payload_modes()) {  // a payload within a page: every mode
    const std::string message = self_check_error("mpsc/64", mode, faults);
    EXPECT_NE(message.find("payloads intact (first, last and one byte per page as written): "
                           "expected 0, saw 1"),
              std::string::npos)
        << to_string(mode) << ": " << message;
  }
  for (const char* name : {"mpsc/32768", "mpsc_large/2x50_32KB"})
    for (PayloadMode mode : kWrittenModes) {
      const std::string message = self_check_error(name, mode, faults);
      EXPECT_NE(message.find("payloads intact (first, last and one byte per page as written): "
                             "expected 0, saw 1"),
                std::string::npos)
          << name << " " << to_string(mode) << ": " << message;
    }
}

TEST(SelfCheck, AliasedPageOfAPayloadFailsTheReceiversCheck) {
  TestFaults faults;
  faults.alias_one_message = true;
  // The fault clobbers the payload's second page: 32 KiB payloads, or four
  // pages where 32 KiB has no second page (the 64 KiB pages of some aarch64
  // kernels).
  const std::size_t kib = std::max<std::size_t>(32, 4 * page_size() / 1024);
  for (const std::string& name :
       {"mpsc/" + std::to_string(kib * 1024), "mpsc_large/2x50_" + std::to_string(kib) + "KB"})
    for (PayloadMode mode : kWrittenModes) {
      const std::string message = self_check_error(name, mode, faults);
      EXPECT_NE(message.find("payloads intact"), std::string::npos)
          << name << " " << to_string(mode) << ": " << message;
    }
}

}  // namespace
}  // namespace shootout::workloads
