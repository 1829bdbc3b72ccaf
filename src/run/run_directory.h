// The run directory (docs/design.md §6), as `run` and `exec` both make it:
// where a run goes, creating it (or refusing one that already holds a run),
// reopening an interrupted run for --resume, the paths of its files, and the
// time stamps of each attempt in its manifest. What the manifest and the
// journal say is theirs (manifest.h, journal/); this unit knows only where
// they are and when each attempt began and ended.
#pragma once

#include <string>

#include "journal/manifest.h"

namespace shootout::run {

// runs/<UTC time>, e.g. runs/2026-11-26T15-00-00Z (no ':' — it is a path
// separator to some tools and file systems).
std::string default_run_dir();

class RunDirectory {
 public:
  enum class Kind {
    workloads,  // `run`: logs/ and traces/; an interrupted run is finished with --resume
    exec,       // `exec`: logs/ only; no resume
  };

  // A new run in `dir` (empty: default_run_dir()), with its subdirectories.
  // Throws std::invalid_argument — before anything is written — when `dir`
  // already holds a run (a samples.jsonl), saying what to do instead;
  // std::runtime_error when it cannot be created or is not writable.
  static RunDirectory create_new(const std::string& dir, Kind kind);

  // An interrupted run of `run`, to be finished (--resume): throws
  // std::invalid_argument when `dir` has no manifest.json.
  static RunDirectory existing(const std::string& dir);
  // Makes sure the subdirectories exist and the directory is writable before
  // a resumed attempt writes; throws std::runtime_error otherwise.
  void prepare_for_writing() const;
  // A killed runner may have left a partial last record: cuts the journal
  // back to its last newline so it is whole lines again.
  void cut_partial_last_record() const;

  const std::string& path() const { return path_; }
  std::string manifest_path() const { return path_ + "/manifest.json"; }
  std::string journal_path() const { return path_ + "/samples.jsonl"; }
  std::string logs_dir() const { return path_ + "/logs"; }
  std::string traces_dir() const { return path_ + "/traces"; }

  // Writes manifest.json atomically (common/atomic_file.h): at the start of
  // each attempt and again at its end.
  void write_manifest(const journal::Manifest& manifest) const;

  // The manifest's "attempts": one {"attempt", "start"} entry per attempt,
  // its "end" added when the attempt finishes; times in UTC, ISO 8601.
  static void begin_attempt(journal::Manifest& manifest, int attempt);
  static void end_attempt(journal::Manifest& manifest);

 private:
  RunDirectory(std::string path, Kind kind) : path_(std::move(path)), kind_(kind) {}
  std::string path_;
  Kind kind_;
};

}  // namespace shootout::run
