// write_file_atomically on real files: the text arrives whole with mode
// rw-r--r--, no temporary file is left behind, a file planted under the old
// predictable temporary name is neither followed nor touched, and a failure
// names the path, removes the temporary file and leaks no descriptor.
#include "common/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/scratch_dir.h"
#include "support/text.h"

namespace fs = std::filesystem;
using shootout::common::FileWriteError;
using shootout::common::write_file_atomically;

namespace {

using shootout::test::read_file;

fs::path fresh_dir(const std::string& name) {
  return shootout::test::fresh_scratch_dir("atomic_file_" + name);
}

size_t entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

size_t open_descriptors() { return entries("/proc/self/fd"); }

}  // namespace

TEST(AtomicFile, WritesTheWholeTextReadableByAllAndLeavesNoTemporaryFile) {
  const auto dir = fresh_dir("whole");
  const auto path = dir / "manifest.json";
  write_file_atomically(path, "first\n");
  write_file_atomically(path, "second, longer\n");  // replaces, never appends
  EXPECT_EQ(read_file(path), "second, longer\n");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(entries(dir), 1u);
}

TEST(AtomicFile, DoesNotFollowAFilePlantedUnderAPredictableTemporaryName) {
  const auto dir = fresh_dir("planted");
  const auto path = dir / "manifest.json";
  const auto victim = dir / "victim";
  std::ofstream(victim) << "untouched\n";
  // The old name was PATH.tmp.PID: a symlink there redirected the write.
  const auto planted = dir / ("manifest.json.tmp." + std::to_string(getpid()));
  fs::create_symlink(victim, planted);
  write_file_atomically(path, "the manifest\n");
  EXPECT_EQ(read_file(path), "the manifest\n");
  EXPECT_EQ(read_file(victim), "untouched\n");
  EXPECT_TRUE(fs::is_symlink(planted));
}

TEST(AtomicFile, AFailureNamesThePathRemovesTheTemporaryFileAndClosesItsDescriptor) {
  const auto dir = fresh_dir("failure");
  // rename() cannot replace a non-empty directory.
  const auto path = dir / "report.md";
  fs::create_directories(path / "occupied");
  const size_t before = open_descriptors();
  try {
    write_file_atomically(path, "text\n");
    FAIL() << "renaming over a non-empty directory succeeded";
  } catch (const FileWriteError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write " + path.string()), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(open_descriptors(), before);
  EXPECT_EQ(entries(dir), 1u);  // only the directory that was in the way
}

TEST(AtomicFile, AMissingDirectoryIsOneClearError) {
  const auto path = fresh_dir("missing") / "no_such_dir" / "manifest.json";
  try {
    write_file_atomically(path, "text\n");
    FAIL() << "wrote into a directory that does not exist";
  } catch (const FileWriteError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos);
  }
}
