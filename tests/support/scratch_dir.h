// Each test process's own scratch directory, $TMPDIR (or /tmp)/
// alloc-shootout-test-<pid>: ctest runs every test in a process of its own,
// so a name in it collides neither with another test's nor with the same
// test of another build running at the same time. Removed with everything in
// it after the last test when every test passed; kept, and its path printed,
// when one failed, for debugging.
#pragma once

#include <filesystem>
#include <string>

namespace shootout::test {

// The directory, created on first use.
const std::filesystem::path& scratch_root();

// scratch_root()/name, emptied and created.
std::filesystem::path fresh_scratch_dir(const std::string& name);

}  // namespace shootout::test
