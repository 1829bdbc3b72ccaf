#include "journal/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace shootout::journal {

namespace {

const std::set<std::string>& known_types() {
  static const std::set<std::string> types = {"run_start",    "cell",       "sample",
                                              "profile",      "trace",      "cell_failed",
                                              "steady_state", "group_done", "run_end"};
  return types;
}

}  // namespace

JournalWriter::JournalWriter(const std::string& path) : path_(path) {
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw JournalError("cannot open " + path + " for appending: " + std::strerror(errno));
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) {
    fdatasync(fd_);
    close(fd_);
  }
}

void JournalWriter::append(nlohmann::json record) {
  record["schema"] = kSchemaVersion;
  const std::string line = record.dump() + "\n";
  // One write(2): O_APPEND makes it atomic with respect to a kill of this
  // process; a short write (disk full) is undone so no half line remains.
  const off_t before = lseek(fd_, 0, SEEK_END);
  ssize_t n;
  do {
    n = write(fd_, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(line.size())) {
    const int error = n < 0 ? errno : ENOSPC;
    if (before >= 0 && ftruncate(fd_, before) != 0) {
      // nothing more to do: readers ignore a final line without newline
    }
    throw JournalError("cannot append to " + path_ + ": " + std::strerror(error) +
                       " (every record before this one is intact)");
  }
}

void JournalWriter::sync() {
  if (fdatasync(fd_) != 0) throw JournalError("cannot sync " + path_ + ": " + std::strerror(errno));
}

JournalContents read_journal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw JournalError("cannot read " + path + ": " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  JournalContents contents;
  const std::string name = path.substr(path.find_last_of('/') + 1);
  size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    ++line_number;
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {  // a write cut short by a kill: ignored, reported
      contents.truncated_tail = true;
      break;
    }
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    const std::string where = name + " line " + std::to_string(line_number) + ": ";
    if (j.is_discarded() || !j.is_object()) throw JournalError(where + "not a JSON object");
    if (!j.contains("schema") || !j["schema"].is_number_integer())
      throw JournalError(where + "no \"schema\" version");
    // Compared as JSON numbers: get<int>() would wrap 4294967297 to 1.
    if (j["schema"] != kSchemaVersion)
      throw JournalError(where + "schema version " + j["schema"].dump() +
                         " (this alloc-shootout reads version " + std::to_string(kSchemaVersion) +
                         ")");
    if (!j.contains("type") || !j["type"].is_string() ||
        !known_types().count(j["type"].get<std::string>()))
      throw JournalError(where + "unknown record type");
    // latest_attempts reads "group" as a string wherever it is present.
    if (j.contains("group") && !j["group"].is_string())
      throw JournalError(where + "\"group\" is not a string");
    if (j["type"] != "run_start" && j["type"] != "run_end" && !j.contains("group"))
      throw JournalError(where + "record of type " + j["type"].get<std::string>() +
                         " has no \"group\"");
    if (!j.contains("attempt") || !j["attempt"].is_number_integer())
      throw JournalError(where + "no \"attempt\"");
    // Attempts count from 1; readers hold them as int.
    if (j["attempt"] < 1 || j["attempt"] > std::numeric_limits<int>::max())
      throw JournalError(where + "\"attempt\" " + j["attempt"].dump() + " is out of range");
    contents.records.push_back(std::move(j));
    contents.lines.push_back(line_number);
  }
  return contents;
}

JournalView latest_attempts(const JournalContents& contents) {
  JournalView view;
  std::map<std::string, int> group_attempt;
  for (const auto& r : contents.records) {
    const int attempt = r["attempt"].get<int>();
    view.last_attempt = std::max(view.last_attempt, attempt);
    if (r.contains("group")) {
      int& a = group_attempt[r["group"].get<std::string>()];
      a = std::max(a, attempt);
    }
  }
  for (std::size_t i = 0; i < contents.records.size(); ++i) {
    const auto& r = contents.records[i];
    // Contents put together by hand (tests) may lack line numbers: 0.
    const int line = i < contents.lines.size() ? contents.lines[i] : 0;
    if (r.contains("group")) {
      const std::string group = r["group"];
      if (r["attempt"].get<int>() != group_attempt[group]) continue;
      if (r["type"] == "group_done") view.done_groups.insert(group);
    }
    view.records.push_back(r);
    view.lines.push_back(line);
  }
  return view;
}

}  // namespace shootout::journal
