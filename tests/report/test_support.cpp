#include "test_support.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace shootout::report::testing {

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/report-test-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string data_dir() { return REPORT_TEST_DATA_DIR; }

bool updating_golden() {
  const char* v = std::getenv("UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

std::string committed_fixture() {
  const std::string dir = data_dir() + "/fixture_run";
  if (updating_golden()) write_fixture_run(dir);
  return dir;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

void rewrite_journal(const std::string& dir,
                     const std::function<void(std::vector<nlohmann::json>&)>& edit) {
  std::vector<nlohmann::json> records;
  std::istringstream in(read_text(dir + "/samples.jsonl"));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) records.push_back(nlohmann::json::parse(line));
  edit(records);
  std::string text;
  for (const auto& r : records) text += r.dump() + "\n";
  write_text(dir + "/samples.jsonl", text);
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = data_dir() + "/" + name;
  if (updating_golden()) {
    write_text(path, actual);
    return;
  }
  const std::string expected = read_text(path);
  if (expected == actual) return;
  std::istringstream e(expected), a(actual);
  std::string le, la;
  int line = 0;
  while (true) {
    ++line;
    const bool more_e = static_cast<bool>(std::getline(e, le));
    const bool more_a = static_cast<bool>(std::getline(a, la));
    if (!more_e && !more_a) break;
    if (le != la || more_e != more_a) {
      ADD_FAILURE() << name << " differs from the golden file at line " << line
                    << "\n  expected: " << le << "\n  actual:   " << la
                    << "\n(if the change is intended, run the test with UPDATE_GOLDEN=1)";
      return;
    }
  }
  ADD_FAILURE() << name << " differs from the golden file (line endings?)";
}

}  // namespace shootout::report::testing
