// samples.jsonl reader: read_journal must accept a file or throw
// JournalError naming the line; latest_attempts documents no errors, so it
// must take whatever read_journal accepted.
#include <cstdint>
#include <set>
#include <string>

#include "fuzz_support.h"
#include "journal/journal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shootout;
  static fuzz::InputFile file("samples.jsonl");
  file.write(data, size);

  journal::JournalContents contents;
  try {
    contents = journal::read_journal(file.path());
  } catch (const journal::JournalError&) {
    return 0;
  }
  // A last line without its newline is a killed writer's: ignored, flagged.
  FUZZ_CHECK(contents.truncated_tail == (size > 0 && data[size - 1] != '\n'));

  const journal::JournalView view = journal::latest_attempts(contents);
  FUZZ_CHECK(view.records.size() <= contents.records.size());
  std::set<std::string> groups;
  for (const auto& r : view.records) {
    FUZZ_CHECK(r.is_object() && r.contains("type") && r.contains("attempt"));
    FUZZ_CHECK(r["attempt"].get<int>() <= view.last_attempt);
    if (r.contains("group")) groups.insert(r["group"].get<std::string>());
  }
  for (const auto& g : view.done_groups) FUZZ_CHECK(groups.count(g) == 1);
  return 0;
}
