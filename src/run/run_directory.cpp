#include "run/run_directory.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "common/atomic_file.h"
#include "run/manifest.h"

namespace shootout::run {

namespace fs = std::filesystem;

std::string default_run_dir() {
  std::string stamp = utc_now();
  for (char& c : stamp)
    if (c == ':') c = '-';
  return "runs/" + stamp;
}

RunDirectory RunDirectory::create_new(const std::string& dir, Kind kind) {
  RunDirectory run_dir(dir.empty() ? default_run_dir() : dir, kind);
  if (fs::exists(run_dir.journal_path())) {
    const std::string& path = run_dir.path();
    throw std::invalid_argument(
        "the output directory " + path + " already holds a run; " +
        (kind == Kind::workloads ? "finish it with --resume " + path + " or choose another --out"
                                 : std::string("choose another --out")));
  }
  run_dir.prepare_for_writing();
  return run_dir;
}

RunDirectory RunDirectory::existing(const std::string& dir) {
  RunDirectory run_dir(dir, Kind::workloads);
  if (!fs::exists(run_dir.manifest_path()))
    throw std::invalid_argument("--resume " + dir +
                                ": no manifest.json there (not a run directory)");
  return run_dir;
}

void RunDirectory::prepare_for_writing() const {
  std::error_code ec;
  fs::create_directories(logs_dir(), ec);
  if (!ec && kind_ == Kind::workloads) fs::create_directories(traces_dir(), ec);
  if (ec)
    throw std::runtime_error("cannot create the output directory " + path_ + ": " + ec.message());
  if (access(path_.c_str(), W_OK) != 0)
    throw std::runtime_error("the output directory " + path_ +
                             " is not writable: " + std::strerror(errno));
}

void RunDirectory::cut_partial_last_record() const {
  std::ifstream in(journal_path(), std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  if (text.empty() || text.back() == '\n') return;
  const auto last_newline = text.rfind('\n');
  fs::resize_file(journal_path(), last_newline == std::string::npos ? 0 : last_newline + 1);
}

void RunDirectory::write_manifest(const journal::Manifest& manifest) const {
  common::write_file_atomically(manifest_path(), nlohmann::json(manifest).dump(2) + "\n");
}

void RunDirectory::begin_attempt(journal::Manifest& manifest, int attempt) {
  manifest.attempts.push_back({attempt, utc_now(), std::nullopt});
}

void RunDirectory::end_attempt(journal::Manifest& manifest) {
  if (!manifest.attempts.empty()) manifest.attempts.back().end = utc_now();
}

}  // namespace shootout::run
