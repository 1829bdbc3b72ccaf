// Each test binary links one Asio build of the catalog; check it is the
// build it claims to be.
#include <gtest/gtest.h>

#include <string>

#include "workloads/workload.h"

namespace shootout::workloads {
namespace {

TEST(RuntimeBuild, NameAndAsioConfiguration) {
  EXPECT_STREQ(runtime_build(), EXPECTED_RUNTIME_BUILD);
  const std::string details = runtime_details();
  EXPECT_NE(details.find("asio 1."), std::string::npos) << details;
  if (std::string(EXPECTED_RUNTIME_BUILD) == "asio") {
    EXPECT_NE(details.find("recycling allocator cache 0 "), std::string::npos) << details;
    EXPECT_NE(details.find("coroutine frames from the runtime's own pool"), std::string::npos)
        << details;
  } else {
    EXPECT_EQ(details.find("recycling allocator cache 0 "), std::string::npos) << details;
    EXPECT_NE(details.find("frame recycling on"), std::string::npos) << details;
  }
}

TEST(RuntimeBuild, DescriptionSaysHowTheRuntimeWorks) {
  const std::string text = runtime_description();
  for (const char* fact :
       {"each running its own io_context", "round-robin", "function object posted",
        "permit with one compare-exchange", "lock-free queue of 32-slot blocks",
        "parks on its own futex word", "injection queue", "owned tasks", "yields after 128 sends",
        "may steal it"})
    EXPECT_NE(text.find(fact), std::string::npos) << fact << " missing from: " << text;
}

}  // namespace
}  // namespace shootout::workloads
