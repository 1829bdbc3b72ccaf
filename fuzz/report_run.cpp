// Report analysis of a run directory: a fixed, valid manifest.json and a
// fuzzed samples.jsonl. analyse (report/model.h) must build a model or throw its
// documented errors (ReportError, or journal::JournalError from the reader);
// the in-memory renderers must then render that model. HTML is left out: it
// starts gnuplot for its charts.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_support.h"
#include "journal/journal.h"
#include "report/analysis.h"
#include "report/csv_report.h"
#include "report/json_report.h"
#include "report/markdown_report.h"
#include "report/report.h"

namespace {

// Few bootstrap resamples: the statistics are not under test, throughput is.
constexpr char kManifest[] = R"({
  "tool": "alloc-shootout",
  "machine": {"arch": "x86_64", "cores_online": 2, "page_size": 4096, "kernel": "Linux 6.1.0"},
  "allocators": {"std": {"path": "", "user_supplied": false, "dialect": "none"}},
  "plan": {"groups": [], "cells": 0},
  "options": {"profile": "quick", "baseline": "std", "bootstrap_resamples": 20},
  "attempts": [{"attempt": 1, "start": "2026-11-26T15:00:00Z"}]
}
)";

std::string run_dir;

void remove_run_dir() {
  unlink((run_dir + "/manifest.json").c_str());
  unlink((run_dir + "/samples.jsonl").c_str());
  rmdir(run_dir.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shootout;
  // samples.jsonl is a link to an in-memory file: rewriting a truncated file
  // on disk makes ext4 flush it at close, and the fuzzer would wait on I/O.
  static fuzz::InputFile samples("samples.jsonl");
  if (run_dir.empty()) {
    run_dir = fuzz::make_temp_dir("report");
    fuzz::write_file(run_dir + "/manifest.json", reinterpret_cast<const std::uint8_t*>(kManifest),
                     sizeof kManifest - 1);
    FUZZ_CHECK(symlink(samples.path().c_str(), (run_dir + "/samples.jsonl").c_str()) == 0);
    std::atexit(remove_run_dir);
  }
  samples.write(data, size);

  report::ReportModel model;
  try {
    model = report::analyse(run_dir);
  } catch (const report::ReportError&) {
    return 0;
  } catch (const journal::JournalError&) {
    return 0;
  }
  for (const auto& c : model.run.cells) {
    FUZZ_CHECK(!c.id.empty());
    FUZZ_CHECK((c.status == report::CellStatus::failed) == c.failure.has_value());
  }
  (void)report::markdown_report(model);
  (void)report::csv_report(model);
  (void)report::json_report(model);
  (void)report::summary_table(model, /*color=*/true);
  return 0;
}
