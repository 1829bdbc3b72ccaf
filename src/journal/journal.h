// samples.jsonl: one JSON record per line (docs/results-schema.md). Written
// with one write(2) per record so a killed runner leaves whole lines; read
// back with every malformed line named by its number.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shootout::journal {

inline constexpr int kSchemaVersion = 1;

class JournalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class JournalWriter {
 public:
  // Opens for append (creating it). Throws JournalError naming the path and errno text.
  explicit JournalWriter(const std::string& path);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Adds "schema" and writes the record as one line. Throws JournalError
  // (e.g. "disk full") — the caller stops the run; what was written stays.
  void append(nlohmann::json record);
  void sync();  // fdatasync: at group boundaries

 private:
  std::string path_;
  int fd_ = -1;
};

struct JournalContents {
  std::vector<nlohmann::json> records;  // in file order
  std::vector<int> lines;               // the line number of each record (from 1)
  bool truncated_tail = false;          // last line had no newline and was ignored
};

// Throws JournalError "samples.jsonl line N: ..." for a line that is not a
// schema-1 record with a known type.
JournalContents read_journal(const std::string& path);

// The records that count: per group, those of its latest attempt; plus the
// run-level records. Groups with a `group_done` in that attempt are `done`.
struct JournalView {
  std::vector<nlohmann::json> records;
  std::vector<int> lines;  // the line number of each record in samples.jsonl
  std::set<std::string> done_groups;
  int last_attempt = 0;
};
JournalView latest_attempts(const JournalContents& contents);

}  // namespace shootout::journal
