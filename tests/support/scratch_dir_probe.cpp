// The test program scratch_dir_test.sh runs: writes a file into its scratch
// directory, and fails when SCRATCH_PROBE_FAIL is set.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/scratch_dir.h"

TEST(ScratchDirProbe, WritesAFile) {
  const std::filesystem::path dir = shootout::test::fresh_scratch_dir("written");
  std::ofstream(dir / "file") << "kept only when a test failed\n";
  ASSERT_TRUE(std::filesystem::exists(dir / "file"));
  EXPECT_EQ(std::getenv("SCRATCH_PROBE_FAIL"), nullptr) << "failing, as asked";
}
