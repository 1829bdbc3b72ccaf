// Runs the real alloc-shootout command (or another program) for a test:
// argv in, exit status and both output streams out. No shell.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

struct CliResult {
  int exit_code = -1;  // -1: killed by a signal
  std::string out, err;
};

CliResult run_cli(const std::vector<std::string>& args);
// Any program the same way (argv[0] = `program`, in this environment).
CliResult run_program(const std::string& program, const std::vector<std::string>& args);

// A fresh empty directory in the test process's scratch directory
// (support/scratch_dir.h: removed when all its tests passed).
std::string fresh_dir(const std::string& name);

// Every record of samples.jsonl in `run_dir`, in order.
std::vector<nlohmann::json> journal_records(const std::string& run_dir);
std::vector<nlohmann::json> records_of_type(const std::vector<nlohmann::json>& all,
                                            const std::string& type);

// Tiny sampling so a test run takes seconds: N samples, ~no warm-up, one
// worker process per cell unless `processes` says otherwise (0: the default).
std::vector<std::string> tiny_profile(int samples = 3, int processes = 1);
