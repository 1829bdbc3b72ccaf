// The self-checks: an iteration that did not do what its name says throws
// SelfCheckError saying what was expected and what was seen.
#include <gtest/gtest.h>

#include <string>

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
}

}  // namespace
}  // namespace shootout::workloads
