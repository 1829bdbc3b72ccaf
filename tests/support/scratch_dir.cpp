#include "support/scratch_dir.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <system_error>

#include <gtest/gtest.h>

namespace shootout::test {
namespace {

namespace fs = std::filesystem;

// Empty until a test asks for the directory.
fs::path& root_path() {
  static fs::path path;
  return path;
}

// Runs after the last test of the process: GoogleTest tears the global
// environments down once every test has its result.
class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    const fs::path& root = root_path();
    if (root.empty()) return;
    if (::testing::UnitTest::GetInstance()->Passed()) {
      std::error_code ignored;
      fs::remove_all(root, ignored);
    } else {
      std::fprintf(stderr, "scratch directory kept for debugging: %s\n", root.c_str());
    }
  }
};

// Registered while the program starts, before main() runs the tests; the
// object is linked wherever scratch_root() is, so every user has it.
[[maybe_unused]] ::testing::Environment* const kScratchCleanup =
    ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

}  // namespace

const fs::path& scratch_root() {
  fs::path& root = root_path();
  if (root.empty()) {
    const char* base = std::getenv("TMPDIR");
    root = fs::path(base && *base ? base : "/tmp") /
           ("alloc-shootout-test-" + std::to_string(getpid()));
    fs::create_directories(root);
  }
  return root;
}

fs::path fresh_scratch_dir(const std::string& name) {
  const fs::path dir = scratch_root() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace shootout::test
