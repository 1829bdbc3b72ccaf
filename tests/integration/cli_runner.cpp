#include "cli_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "journal/journal.h"
#include "support/scratch_dir.h"
#include "support/text.h"

extern char** environ;

CliResult run_cli(const std::vector<std::string>& args) { return run_program(SHOOTOUT_CLI, args); }

CliResult run_program(const std::string& program, const std::vector<std::string>& args) {
  const std::string dir = fresh_dir("cli-output");
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_storage = {program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  CliResult result;
  if (posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ) != 0)
    return result;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = shootout::test::read_file(out);
  result.err = shootout::test::read_file(err);
  return result;
}

std::string fresh_dir(const std::string& name) {
  static int counter = 0;
  return shootout::test::fresh_scratch_dir(name + "-" + std::to_string(++counter)).string();
}

std::vector<nlohmann::json> journal_records(const std::string& run_dir) {
  return shootout::journal::read_journal(run_dir + "/samples.jsonl").records;
}

std::vector<nlohmann::json> records_of_type(const std::vector<nlohmann::json>& all,
                                            const std::string& type) {
  std::vector<nlohmann::json> out;
  for (const auto& r : all)
    if (r["type"] == type) out.push_back(r);
  return out;
}

std::vector<std::string> tiny_profile(int samples, int processes) {
  std::vector<std::string> args = {"--samples", std::to_string(samples), "--measurement-time",
                                   "0.05",      "--warm-up-time",        "0.01"};
  if (processes > 0) args.insert(args.end(), {"--processes", std::to_string(processes)});
  return args;
}
