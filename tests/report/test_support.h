// Helpers shared by the report tests: temporary run directories, the
// committed fixture and golden files.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fixture.h"

namespace shootout::report::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// tests/report/data
std::string data_dir();
// data/fixture_run, rewritten from the generator first when UPDATE_GOLDEN=1.
std::string committed_fixture();
bool updating_golden();

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

// Reads dir/samples.jsonl, lets `edit` change its records, writes it back.
void rewrite_journal(const std::string& dir,
                     const std::function<void(std::vector<nlohmann::json>&)>& edit);

// Compares `actual` with data/<name>, or rewrites data/<name> when
// UPDATE_GOLDEN=1. Reports the first differing line on mismatch.
void expect_golden(const std::string& name, const std::string& actual);

}  // namespace shootout::report::testing
