#include "exec/exec_runner.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>

#include "alloc/conf.h"
#include "alloc/conf_verify.h"
#include "alloc/registry.h"
#include "common/spawn.h"
#include "exec/child_run.h"
#include "exec/harness.h"
#include "exec/probe_protocol.h"
#include "exec/program.h"
#include "exec/variants.h"
#include "exec/verification.h"
#include "journal/journal.h"
#include "journal/manifest.h"
#include "journal/records.h"
#include "run/allocator_probe.h"
#include "run/cell_launch.h"
#include "run/cell_records.h"
#include "run/manifest.h"
#include "run/plan.h"
#include "run/round_order.h"
#include "run/run_directory.h"
#include "run/system_load.h"

namespace shootout::exec {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kLauncher = "alloc-shootout-exec-launcher";
constexpr const char* kProbe = "libshootout_exec_probe.so";
// Counted in every run: how many programs the process tree exec'd.
constexpr const char* kExecs = "execs";
// Verification run only: programs exec'd by the command's own process.
constexpr const char* kCommandExecs = "command_execs";
// bench: listing runs no benchmark, so a minute is ample; a binary still
// running then is no harness that lists.
constexpr std::chrono::milliseconds kListTimeout{60'000};

// One group per exec run, so the variant names a cell's files.
std::string log_stem(const std::string& variant) { return "exec-" + run::file_stem(variant); }

bool shell_safe(const std::string& word) {
  if (word.empty()) return false;
  for (char c : word)
    if (!isalnum(static_cast<unsigned char>(c)) && !std::strchr("_./:=@%+,-", c)) return false;
  return true;
}

void append_line(const std::string& path, const std::string& line) {
  std::ofstream out(path, std::ios::app);
  out << line << "\n";
}

// A program's output may be any bytes; the journal holds UTF-8 text.
std::string valid_utf8(const std::string& text) {
  return json::parse(json(text).dump(-1, ' ', false, json::error_handler_t::replace))
      .get<std::string>();
}

// The output of the last run in a log: the lines after its last "===" header.
std::vector<std::string> last_run_tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("=== ", 0) == 0) {
      tail.clear();
      continue;
    }
    tail.push_back(valid_utf8(line));
    if (tail.size() > lines) tail.pop_front();
  }
  return {tail.begin(), tail.end()};
}

struct Helpers {
  std::string launcher, probe;
  static Helpers beside_this_executable() {
    const std::string dir = run::WorkerPaths::beside_this_executable().directory;
    Helpers h{dir + "/" + kLauncher, dir + "/" + kProbe};
    if (access(h.launcher.c_str(), X_OK) != 0)
      throw std::runtime_error("exec helper missing: " + h.launcher +
                               " (it is built with alloc-shootout)");
    if (access(h.probe.c_str(), R_OK) != 0)
      throw std::runtime_error("exec probe library missing: " + h.probe +
                               " (it is built with alloc-shootout)");
    std::error_code ec;
    h.probe = fs::canonical(h.probe, ec).string();
    return h;
  }
};

struct LiveVariant {
  Variant variant;
  // The variant's cells in the journal: exec one (workload "exec:<command>"),
  // bench one per benchmark, in the order of ExecDriver::benchmarks_.
  std::vector<run::Cell> cells;
  // bench: why a cell failed on its own ("" = it did not), parallel to cells.
  std::vector<std::string> cell_failures;
  std::string log_path;
  bool failed = false;
  std::string failure;
  json verification;
  std::optional<alloc::TuningCheck> tuning_check;  // none for an untuned variant
  // Warm-up runs per cell, parallel to cells: a suite's run warms up each
  // of its benchmarks; with --isolate each benchmark has its own.
  std::vector<double> warmup_ns;
  std::vector<int> warmup_runs;
};

class ExecDriver {
 public:
  ExecDriver(const ExecOptions& options, const ProgressSink& progress)
      : options_(options), progress_(progress), cores_(sysconf(_SC_NPROCESSORS_ONLN)) {}

  ExecSummary run() {
    prepare_plan();  // validates everything before anything is written
    start_directory();
    try {
      for (auto& live : variants_)
        if (!live.variant.tuning.empty()) read_back_tuning(live);
      for (auto& live : variants_)
        if (!live.failed) verification_run(live);
      for (int round = 0; round < options_.warmup; ++round) run_round(round, /*timed=*/false);
      for (auto& live : variants_)
        if (!live.failed) append_cell(live);
      for (int round = 0; round < options_.runs; ++round) {
        run_round(round, /*timed=*/true);
        say("round " + std::to_string(round + 1) + "/" + std::to_string(options_.runs) + " done");
      }
    } catch (const PrepareFailed&) {
      finish(/*complete=*/false);
      throw;
    }
    finish(/*complete=*/true);
    ExecSummary summary;
    summary.run_dir = directory_->path();
    summary.variants = static_cast<int>(variants_.size());
    for (const auto& live : variants_) summary.failed += live.failed ? 1 : 0;
    summary.failed_cells = failed_cells_;
    return summary;
  }

 private:
  void say(const std::string& line) {
    if (progress_) progress_(line);
  }

  std::chrono::milliseconds timeout() const {
    return std::chrono::milliseconds(
        static_cast<long long>(std::llround(options_.timeout_seconds * 1000)));
  }

  void prepare_plan() {
    if (options_.command.empty())
      throw std::invalid_argument(
          "no command given: alloc-shootout exec [OPTIONS] -- CMD [ARGS...]");
    if (options_.runs < 1) throw std::invalid_argument("-n/--runs must be at least 1");
    if (options_.warmup < 0) throw std::invalid_argument("--warmup must not be negative");
    if (!(options_.timeout_seconds >= 0) || !std::isfinite(options_.timeout_seconds))
      throw std::invalid_argument("--timeout must be a number of seconds >= 0 (0 = none)");
    const char* path_env = getenv("PATH");
    if (options_.bench && options_.shell)
      throw std::invalid_argument("bench runs the suite's binary itself: --shell does not apply");
    const HarnessSettings& settings = options_.bench_settings;
    if (settings.repetitions < 0)
      throw std::invalid_argument("--repetitions must be at least 1 (0 = the harness's default)");
    if (settings.sample_size < 0)
      throw std::invalid_argument("--sample-size must be at least 10 (0 = the suite's own)");
    for (const auto& [option, seconds] :
         {std::pair{"--measurement-time", settings.measurement_seconds},
          std::pair{"--warm-up-time", settings.warmup_seconds}})
      if (!(seconds >= 0) || !std::isfinite(seconds))
        throw std::invalid_argument(std::string(option) +
                                    " must be a number of seconds > 0 (0 = the suite's own)");
    if (options_.shell) {
      std::string script;
      for (const auto& word : options_.command) script += (script.empty() ? "" : " ") + word;
      program_ = "/bin/sh";
      argv_ = {"sh", "-c", script};
      command_text_ = script;
      facts_ = inspect_program(program_);
    } else {
      program_ = resolve_command(options_.command.front(),
                                 path_env ? std::optional<std::string>(path_env) : std::nullopt);
      argv_ = options_.command;
      command_text_ = exec::command_text(options_.command);
      facts_ = inspect_program(program_);
    }
    if (!options_.prepare.empty() && access("/bin/sh", X_OK) != 0)
      throw std::invalid_argument("--prepare needs /bin/sh, which is missing");
    helpers_ = Helpers::beside_this_executable();
    if (options_.bench) list_benchmarks();

    allocators_ = alloc::discover(alloc::read_loader_cache(), options_.user_allocators);
    const auto names = alloc::names_to_run(options_.allocators, options_.user_allocators);
    const auto variants = expand_variants(allocators_, names, options_.tunings, options_.baseline);

    // exec: one case, the command; bench: one case per benchmark of the suite.
    std::vector<std::string> workloads = {"exec:" + command_text_};
    std::string family = "exec";
    workload_ = workloads.front();
    if (options_.bench) {
      family = fs::path(program_).filename().string();
      workload_ = "bench:" + family;
      workloads = benchmarks_;
    }
    for (const auto& v : variants) {
      LiveVariant live;
      live.variant = v;
      for (const auto& workload : workloads) {
        run::Cell cell;
        cell.id = run::cell_id(workload, "none", "process", v.label, alloc::Injection::preload);
        cell.group = workload_;
        cell.workload = workload;
        cell.family = family;
        cell.payload = "none";
        cell.runtime = "process";
        cell.allocator = v.allocator;
        cell.tuning = v.tuning;
        cell.variant = v.label;
        cell.injection = alloc::Injection::preload;
        cell.baseline = v.tuning.empty() && v.allocator.name == options_.baseline;
        cell.baseline_cell =
            run::cell_id(workload, "none", "process", options_.baseline, alloc::Injection::preload);
        live.cells.push_back(std::move(cell));
      }
      live.cell_failures.assign(live.cells.size(), "");
      live.warmup_ns.assign(live.cells.size(), 0);
      live.warmup_runs.assign(live.cells.size(), 0);
      variants_.push_back(std::move(live));
    }
  }

  // The suite's benchmarks, as its harness lists them (under no allocator
  // of ours: listing runs no benchmark). Each harness bench knows is asked
  // in turn (known_harnesses() says in which order); the first whose
  // listing the binary answers with names is the suite's.
  void list_benchmarks() {
    char scratch_template[] = "/tmp/alloc-shootout-bench-list-XXXXXX";
    if (!mkdtemp(scratch_template))
      throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    // Removed however the listing ends, a refusal included.
    struct Scratch {
      fs::path path;
      ~Scratch() {
        std::error_code ec;
        fs::remove_all(path, ec);
      }
    } scratch{scratch_template};
    const std::string listing = (scratch.path / "list.out").string();
    auto list = [&](const Harness& harness, const std::string& filter) {
      const fs::path home = scratch.path / "home";
      std::error_code ec;
      fs::remove_all(home, ec);
      fs::create_directory(home, ec);
      const HarnessInvocation invocation = harness.list(filter, home.string());
      RunSpec spec;
      spec.launcher = helpers_.launcher;
      spec.program = program_;
      spec.argv = options_.command;
      spec.argv.insert(spec.argv.end(), invocation.arguments.begin(), invocation.arguments.end());
      spec.env = clean_environment(common::current_environment(), invocation.environment);
      spec.stdout_path = listing;
      spec.stderr_path = "";
      spec.timeout = kListTimeout;
      spec.counters = false;
      std::ofstream(listing, std::ios::trunc).close();
      const RunOutcome outcome = run_once(spec);
      std::ifstream in(listing);
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      return std::make_pair(outcome, text);
    };
    std::string answers;  // what each harness's listing got, for the refusal
    std::vector<std::string> names;
    for (auto& harness : known_harnesses()) {
      auto [outcome, text] = list(*harness, "");
      std::string why;
      if (!outcome.succeeded()) {
        why = outcome.description(kListTimeout);
      } else {
        try {
          names = harness->parse_list(text);
          if (names.empty()) why = "listed nothing";
        } catch (const HarnessOutputError& e) {
          why = std::string("printed no list (") + e.what() + ")";
        }
      }
      if (why.empty()) {
        harness_ = std::move(harness);
        break;
      }
      answers += (answers.empty() ? ": asked for " : "; asked for ") + harness->list_flags() +
                 " it " + why;
    }
    if (!harness_)
      throw std::invalid_argument(command_text_ + " is not a benchmark suite bench knows (known: " +
                                  known_harness_names() + ")" + answers);
    harness_->check(options_.bench_settings);
    if (!options_.bench_filter.empty()) {
      auto [outcome, text] = list(*harness_, options_.bench_filter);
      // google/benchmark exits non-zero and lists nothing when the filter
      // matches no benchmark (or is no valid regex); Criterion.rs lists
      // nothing, or exits non-zero for an invalid regex.
      try {
        names = outcome.succeeded() ? harness_->parse_list(text) : std::vector<std::string>{};
      } catch (const HarnessOutputError&) {
        names.clear();
      }
      if (names.empty())
        throw std::invalid_argument("--filter '" + options_.bench_filter +
                                    "' selects no benchmark of " + command_text_ + " (its " +
                                    harness_->name() + " benchmarks: " + harness_->list_flags() +
                                    " lists them)");
    }
    benchmarks_ = names;
    say(harness_->name() + " suite: " + std::to_string(benchmarks_.size()) + " benchmarks");
    if (!options_.bench_isolate) return;
    // --isolate selects each benchmark by its exact filter: before anything
    // runs, each filter must list its benchmark and no other.
    for (const auto& name : benchmarks_) {
      const std::string filter = harness_->exact_filter(name);
      auto [outcome, text] = list(*harness_, filter);
      std::vector<std::string> selected;
      std::string why;
      if (!outcome.succeeded()) {
        why = outcome.description(kListTimeout);
      } else {
        try {
          selected = harness_->parse_list(text);
        } catch (const HarnessOutputError& e) {
          why = std::string("printed no list (") + e.what() + ")";
        }
      }
      if (selected == std::vector<std::string>{name}) continue;
      if (why.empty()) {
        why = "lists ";
        if (selected.empty()) why += "nothing";
        for (size_t i = 0; i < selected.size(); ++i)
          why += (i == 0 ? "'" : ", '") + selected[i] + "'";
      }
      throw std::invalid_argument(
          "--isolate: benchmark '" + name + "' cannot be run alone: its exact filter '" + filter +
          "' " + why + " (" + harness_->list_flags() +
          "; a name the harness lists otherwise than it matches it, as Criterion.rs shortens "
          "names past 100 characters, cannot be selected exactly: select the others with "
          "--filter)");
    }
  }

  void start_directory() {
    directory_.emplace(
        run::RunDirectory::create_new(options_.out_dir, run::RunDirectory::Kind::exec));
    for (auto& live : variants_)
      live.log_path = directory_->logs_dir() + "/" + log_stem(live.variant.label) + ".log";
    std::vector<alloc::Allocator> used;
    for (const auto& live : variants_) {
      bool seen = false;
      for (const auto& a : used) seen = seen || a.name == live.variant.allocator.name;
      if (!seen) used.push_back(live.variant.allocator);
    }
    journal::PlanGroup group{workload_, {}};
    for (const auto& live : variants_)
      for (const auto& cell : live.cells) group.cells.push_back(cell.id);
    manifest_.mode = options_.bench ? "bench" : "exec";
    manifest_.machine = run::describe_machine();
    manifest_.tool_version = run::tool_version();
    manifest_.allocators = run::describe_allocators(used);
    manifest_.command = journal::ExecCommand{
        options_.command,         command_text_, options_.shell,    argv_, program_,
        facts_.statically_linked, facts_.setid,  facts_.interpreter};
    manifest_.plan = {{group}, group.cells.size(), options_.runs, options_.warmup, 1};
    manifest_.options = {{"allocators", options_.allocators},
                         {"user_allocators", user_allocator_specs()},
                         {"tunings", options_.tunings},
                         {"runs", options_.runs},
                         {"warmup", options_.warmup},
                         {"prepare", options_.prepare},
                         {"timeout_seconds", options_.timeout_seconds},
                         {"ignore_failure", options_.ignore_failure},
                         {"shell", options_.shell},
                         {"baseline", options_.baseline},
                         {"tracepoints", options_.tracepoints},
                         {"hardware_counters", options_.hardware_counters},
                         {"out_dir", directory_->path()}};
    if (options_.bench) {
      manifest_.options["harness"] = harness_->name();
      manifest_.options["filter"] = options_.bench_filter;
      manifest_.options["repetitions"] = options_.bench_settings.repetitions;
      manifest_.options["sample_size"] = options_.bench_settings.sample_size;
      manifest_.options["measurement_seconds"] = options_.bench_settings.measurement_seconds;
      manifest_.options["warmup_seconds"] = options_.bench_settings.warmup_seconds;
      manifest_.options["benchmarks"] = benchmarks_;
      manifest_.options["isolate"] = options_.bench_isolate;
    }
    run::RunDirectory::begin_attempt(manifest_, 1);
    directory_->write_manifest(manifest_);
    journal_.emplace(directory_->journal_path());
    append(journal::RunStartRecord{1, run::utc_now(), options_.tool_argv});
  }

  json user_allocator_specs() const {
    json specs = json::array();
    for (const auto& a : options_.user_allocators) specs.push_back(a.name + "=" + a.path);
    return specs;
  }

  void append(const json& typed) {
    json record = typed;
    record["attempt"] = 1;
    journal_->append(std::move(record));
  }

  // bench: the harness's arguments after the user's, its variables into
  // the environment the run gets.
  static void add_invocation(RunSpec& spec, std::vector<std::string>& variables,
                             const HarnessInvocation& invocation) {
    spec.argv.insert(spec.argv.end(), invocation.arguments.begin(), invocation.arguments.end());
    variables.insert(variables.end(), invocation.environment.begin(), invocation.environment.end());
  }

  RunSpec spec_for(const LiveVariant& live) const {
    RunSpec spec;
    spec.launcher = helpers_.launcher;
    spec.program = program_;
    spec.argv = argv_;
    spec.timeout = timeout();
    spec.probe_options.allow_tracepoints = options_.tracepoints;
    spec.probe_options.allow_hardware = options_.hardware_counters;
    spec.extra_tracepoints = {{kExecs, "sched/sched_process_exec", ""}};
    // stdout may be the command's bulk output (gzip -c): discarded, as
    // hyperfine does; stderr explains failures.
    spec.stdout_path = "";
    spec.stderr_path = live.log_path;
    return spec;
  }

  void run_prepare(const std::string& label) {
    if (options_.prepare.empty()) return;
    const std::string log = directory_->logs_dir() + "/prepare.log";
    append_line(log, "=== before " + label + " ===");
    RunSpec spec;
    spec.launcher = helpers_.launcher;
    spec.program = "/bin/sh";
    spec.argv = {"sh", "-c", options_.prepare};
    spec.env = clean_environment(common::current_environment());
    spec.stdout_path = log;
    spec.stderr_path = log;
    spec.timeout = timeout();
    spec.counters = false;
    const RunOutcome outcome = run_once(spec);
    if (!outcome.succeeded())
      throw PrepareFailed("--prepare command " + outcome.description(timeout()) + " before " +
                          label + " (its output is in " + log + ")");
  }

  // Fails a variant: one cell_failed record per cell (not failed before);
  // it takes no further part.
  void fail(LiveVariant& live, const std::string& phase, const std::string& reason,
            const std::optional<RunOutcome>& outcome, const json& verification = json(),
            const std::optional<alloc::TuningCheck>& tuning_check = std::nullopt) {
    journal::CellFailedRecord record = failed_record(live, phase, reason, outcome);
    record.verification = verification;
    record.tuning_check = tuning_check;
    for (size_t i = 0; i < live.cells.size(); ++i) {
      if (!live.cell_failures[i].empty()) continue;
      record.identity = run::cell_identity(live.cells[i]);
      append(record);
    }
    live.failed = true;
    live.failure = reason;
    say(live.variant.label + ": " + reason);
  }

  // bench: fails one benchmark's cell of a variant; the variant goes on
  // with its other benchmarks (and fails when none is left).
  void fail_cell(LiveVariant& live, size_t index, const std::string& phase,
                 const std::string& reason, const RunOutcome& outcome) {
    journal::CellFailedRecord record = failed_record(live, phase, reason, outcome);
    record.identity = run::cell_identity(live.cells[index]);
    append(record);
    live.cell_failures[index] = reason;
    ++failed_cells_;
    say(live.variant.label + ": " + reason);
    for (const auto& failure : live.cell_failures)
      if (failure.empty()) return;
    live.failed = true;
    live.failure = reason;
  }

  journal::CellFailedRecord failed_record(const LiveVariant& live, const std::string& phase,
                                          const std::string& reason,
                                          const std::optional<RunOutcome>& outcome) {
    journal::CellFailedRecord record;
    record.phase = phase;
    record.reason = reason;
    if (outcome) {
      record.exit_code = outcome->exit_code;
      record.signal = outcome->signal;
    }
    record.timed_out = outcome && outcome->timed_out;
    record.stderr_tail = last_run_tail(live.log_path, 10);
    return record;
  }

  // Every key of the tuning read back before any run of the command, by
  // the code a workload cell's worker uses: a worker started under the same
  // allocator and the same variables (conf_environment) reports what the
  // allocator took. Not in the program itself: glibc's tunables can only be
  // read back by running ld.so, which no probe may do inside a program
  // nobody here wrote. A key the allocator does not know or did not take
  // fails the variant, naming the key; one with no read-back API is
  // recorded unverified with the reason, never trusted.
  void read_back_tuning(LiveVariant& live) {
    const auto pairs = alloc::parse_conf(live.variant.tuning);
    run::AllocatorProbe probe;
    try {
      probe = run::probe_allocator(live.variant.allocator, alloc::Injection::preload,
                                   run::WorkerPaths::beside_this_executable(), live.variant.tuning);
    } catch (const std::exception& e) {
      probe.message = e.what();
    }
    live.tuning_check = probe.tuning_check;
    if (!live.tuning_check)
      live.tuning_check = alloc::unverified_tuning(
          pairs, "not read back: the read-back worker failed (" + probe.message + ")");
    live.tuning_check->read_back =
        "in a worker process started under the same allocator and variables, before any run "
        "of the command";
    if (probe.failed_kind == "tuning") {
      fail(live, "tuning", "tuning: " + probe.message, std::nullopt, json(), live.tuning_check);
      return;
    }
    for (const auto& key : live.tuning_check->keys)
      if (key.status != alloc::KeyCheck::Status::verified)
        say(live.variant.label + ": " + key.key + " " + alloc::to_string(key.status) + " (" +
            key.how + ")");
  }

  void verification_run(LiveVariant& live) {
    run_prepare("the verification run of " + live.variant.label);
    const std::string probe_file =
        directory_->logs_dir() + "/" + log_stem(live.variant.label) + ".probe";
    create_probe_file(probe_file);
    RunSpec spec = spec_for(live);
    // Programs exec'd by the command's own process (not its descendants):
    // one more than the probe saw there means a program it did not enter.
    spec.extra_tracepoints.push_back({kCommandExecs, "sched/sched_process_exec", "pid == {pid}"});
    std::vector<std::string> variables = {std::string(SHOOTOUT_EXEC_PROBE_ENV) + "=" + probe_file};
    if (options_.bench) {
      const HarnessInvocation invocation = harness_->verification(
          options_.bench_filter,
          harness_->output_path(directory_->logs_dir(),
                                run::file_stem(live.variant.label) + "-verification"));
      add_invocation(spec, variables, invocation);
    }
    spec.env = variant_environment(common::current_environment(), live.variant, {helpers_.probe},
                                   variables);
    append_line(live.log_path, "=== verification run (exec probe preloaded) ===");
    RunOutcome outcome;
    try {
      outcome = run_once(spec);
    } catch (const std::exception& e) {
      fail(live, "start", e.what(), std::nullopt);
      return;
    }
    ProbeFindings findings;
    try {
      findings = read_probe_file(probe_file);
    } catch (const std::exception& e) {
      fail(live, "verification", e.what(), outcome);
      return;
    }
    fs::remove(probe_file);
    remember_counter_status(outcome);

    VerificationInput input;
    input.variant = &live.variant;
    input.program = facts_;
    input.findings = findings;
    input.top_pid = outcome.pid;
    if (options_.shell) {
      std::error_code ec;
      input.shell_exe = fs::canonical(program_, ec).string();
    }
    if (auto it = outcome.counters.find(kExecs); it != outcome.counters.end())
      input.tree_execs = it->second;
    if (auto it = outcome.counters.find(kCommandExecs); it != outcome.counters.end())
      input.top_execs = it->second;
    const ExecVerification verdict = verify_variant(input);
    live.verification = verdict.json;
    live.verification["run"] = outcome.description(timeout());
    live.verification["exit_code"] = outcome.exit_code ? json(*outcome.exit_code) : json();

    if (outcome.exec_error || outcome.timed_out) {
      fail(live, "verification", "verification run " + outcome.description(timeout()), outcome,
           live.verification);
    } else if (!verdict.ok) {
      std::string reason = verdict.message;
      if (!outcome.succeeded())
        reason += " (the command also " + outcome.description(timeout()) + ")";
      fail(live, "verification", reason, outcome, live.verification);
    } else if (!outcome.succeeded() && !options_.ignore_failure) {
      fail(live, "verification",
           "the command " + outcome.description(timeout()) + " in the verification run" +
               // A suite that fails has no times to read: bench has no --ignore-failure.
               (options_.bench ? "" : " (use --ignore-failure to measure it anyway)"),
           outcome, live.verification);
    } else if (live.verification.value("active_object", std::string()).empty()) {
      // std where the probe could not look: the verification's note says why.
      say(live.variant.label + ": " + live.verification["notes"].front().get<std::string>());
    } else {
      say(live.variant.label + ": in effect (" +
          live.verification.value("active_object", std::string("?")) + ", " +
          std::to_string(live.verification.value("allocation_calls", 0ull)) +
          " allocations through it)");
    }
  }

  void remember_counter_status(const RunOutcome& outcome) {
    if (!counter_status_.empty() || outcome.counter_status.empty()) return;
    for (const auto& s : outcome.counter_status) {
      if (s.name == kCommandExecs) continue;
      const bool fault =
          s.name == probe::names::kMinorFaults || s.name == probe::names::kMajorFaults;
      if (fault && !s.source) {
        faults_from_rusage_ = true;
        counter_status_.push_back(
            {s.name, "rusage",
             std::string("wait4() rusage ") +
                 (s.name == probe::names::kMinorFaults ? "ru_minflt" : "ru_majflt") +
                 " of the command and the descendants it waited for (perf: " + s.detail + ")"});
        continue;
      }
      counter_status_.push_back(
          {s.name,
           s.source ? std::optional<std::string>(probe::to_string(*s.source)) : std::nullopt,
           s.detail});
    }
    counter_status_.push_back(
        {probe::names::kUserNs, "rusage",
         "wait4() rusage ru_utime of the command and the descendants it waited for"});
    counter_status_.push_back(
        {probe::names::kSysNs, "rusage",
         "wait4() rusage ru_stime of the command and the descendants it waited for"});
  }

  std::map<std::string, std::uint64_t> counters_of(const RunOutcome& outcome) const {
    std::map<std::string, std::uint64_t> c;
    for (const auto& [name, value] : outcome.counters)
      if (name != kCommandExecs) c[name] = value;
    if (faults_from_rusage_) {
      c.emplace(probe::names::kMinorFaults, outcome.minor_faults);
      c.emplace(probe::names::kMajorFaults, outcome.major_faults);
    }
    c[probe::names::kUserNs] = outcome.user_ns;
    c[probe::names::kSysNs] = outcome.sys_ns;
    return c;
  }

  void append_cell(const LiveVariant& live) {
    for (size_t index = 0; index < live.cells.size(); ++index) {
      // A benchmark whose own warm-up process failed has its cell_failed.
      if (!live.cell_failures[index].empty()) continue;
      const run::Cell& cell = live.cells[index];
      journal::CellRecord record;
      record.identity = run::cell_identity(cell);
      record.verification = live.verification;
      record.tuning_check = live.tuning_check;
      journal::WorkloadInfo& info = record.workload_info;
      info.name = cell.workload;
      info.family = cell.family;
      info.description = "the command `" + command_text_ +
                         "` run as a process tree, one run per iteration, allocator "
                         "injected by LD_PRELOAD";
      info.runtime_kind = "process";
      info.runtime_build = "exec";
      info.elements_per_iteration = 1;
      record.counters = counter_status_;
      record.warmup_iters = static_cast<std::uint64_t>(live.warmup_runs[index]);
      record.warmup_ns = live.warmup_ns[index];
      record.plan_mode = "flat";
      record.plan_iterations.assign(static_cast<size_t>(options_.runs), 1);
      if (options_.bench) {
        // One text for the suite: the report shows one per family.
        info.description =
            "the benchmarks of the " + harness_->name() + " suite `" + command_text_ +
            "`: time per iteration as the harness reports it (" + harness_->sample_description() +
            (options_.bench_isolate
                 ? "); isolated: one process per benchmark (selected by its exact filter) per "
                   "round, with the allocator injected by LD_PRELOAD; counters per benchmark "
                   "process"
                 : "), the suite run once per round with the allocator injected by LD_PRELOAD; "
                   "counters per run of the suite");
        info.runtime_build = "bench";
        // The harness chooses its iteration counts.
        record.plan_iterations.clear();
        for (auto& status : record.counters) {
          if (one_benchmark_per_process()) {
            status.detail =
                (options_.bench_isolate ? "per process running only this benchmark (--isolate), "
                                        : "per process (the suite run with this one benchmark "
                                          "selected), ") +
                std::string(
                    "divided by the iterations the harness reported for it; the "
                    "process's start-up and the harness's warm-up are counted too "
                    "(how much: the measured share of each benchmark): ") +
                status.detail;
          } else {
            // A process's counters cover every benchmark it ran: divided by
            // one benchmark's iterations they would be wrong (a sys share
            // above 100 % was seen).
            status.source.reset();
            status.detail = "not per benchmark: a suite process's counters cover all " +
                            std::to_string(benchmarks_.size()) +
                            " benchmarks it ran; --isolate runs each benchmark in a process of "
                            "its own and credits it with that process's counters";
          }
        }
      }
      append(record);
    }
  }

  // Whether every process of a timed round ran one benchmark, whose cell
  // its counters then are.
  bool one_benchmark_per_process() const {
    return options_.bench_isolate || benchmarks_.size() == 1;
  }

  void run_round(int round, bool timed) {
    const size_t n = variants_.size();
    for (size_t position = 0; position < n; ++position) {
      LiveVariant& live = variants_[run::rotated_index(position, round, n)];
      if (!options_.bench_isolate) {
        if (!live.failed) run_process(live, round, timed, static_cast<int>(position), std::nullopt);
        continue;
      }
      // --isolate: the variant's benchmarks one after the other, each in its
      // own process; a failed one leaves the others running.
      for (size_t index = 0; index < benchmarks_.size() && !live.failed; ++index)
        if (live.cell_failures[index].empty())
          run_process(live, round, timed, static_cast<int>(position * benchmarks_.size() + index),
                      index);
    }
  }

  // One run of the command (exec), of the suite (bench), or with `alone` of
  // that one benchmark of the suite (bench --isolate). `position`: its place
  // in the round.
  void run_process(LiveVariant& live, int round, bool timed, int position,
                   std::optional<size_t> alone) {
    std::string what = std::string(timed ? "round " : "warm-up round ") + std::to_string(round) +
                       " of " + live.variant.label;
    if (alone) what += ", benchmark " + benchmarks_[*alone];
    const std::string phase = timed ? "sample" : "warmup";
    run_prepare(what);
    RunSpec spec = spec_for(live);
    std::vector<std::string> variables;
    std::string harness_output;
    if (options_.bench) {
      std::string stem = run::file_stem(live.variant.label) + "-" + (timed ? "round-" : "warmup-") +
                         std::to_string(round);
      if (alone) stem += "-benchmark-" + std::to_string(*alone);
      harness_output = harness_->output_path(directory_->logs_dir(), stem);
      const std::string filter =
          alone ? harness_->exact_filter(benchmarks_[*alone]) : options_.bench_filter;
      add_invocation(spec, variables,
                     harness_->round(options_.bench_settings, filter, harness_output));
    }
    spec.env = variant_environment(common::current_environment(), live.variant, {}, variables);
    append_line(live.log_path, "=== " + what + " ===");
    run::LoadMeter load(cores_);
    load.start({});
    RunOutcome outcome;
    try {
      outcome = run_once(spec);
    } catch (const std::exception& e) {
      fail(live, phase, e.what(), std::nullopt);
      return;
    }
    auto load_window = load.stop({});
    remember_counter_status(outcome);
    const bool counts = outcome.succeeded() ||
                        (options_.ignore_failure && !outcome.timed_out && !outcome.exec_error);
    if (!counts) {
      const std::string reason = "the command " + outcome.description(timeout()) + " (" + what +
                                 ")" +
                                 (outcome.timed_out || options_.ignore_failure || options_.bench
                                      ? ""
                                      : "; use --ignore-failure to measure failing runs");
      if (alone)
        fail_cell(live, *alone, phase, reason, outcome);
      else
        fail(live, phase, reason, outcome);
      return;
    }
    if (!timed) {
      for (size_t i = 0; i < live.cells.size(); ++i)
        if (!alone || i == *alone) {
          live.warmup_ns[i] += static_cast<double>(outcome.wall_ns);
          ++live.warmup_runs[i];
        }
      return;
    }
    if (options_.bench) {
      append_bench_samples(live, outcome, load_window, harness_output, round, position, what,
                           alone);
      return;
    }
    journal::SampleRecord record;
    record.cell = live.cells.front().id;
    record.group = workload_;
    record.round = round;
    record.position = position;
    record.measured.iters = 1;
    record.measured.ns = outcome.wall_ns;
    record.measured.counters = counters_of(outcome);
    record.measured.hwm_kib = outcome.max_rss_kib;
    record.measured.hwm_scope = "process";
    record.command =
        journal::CommandExit{outcome.exit_code, outcome.signal, outcome.killed_leftovers};
    if (load_window) {
      // The command's tree is reaped by now: its CPU time is wait4's.
      load_window->run_ns += outcome.user_ns + outcome.sys_ns;
      record.load = load_window->to_record();
    }
    append(record);
  }

  // One journal sample per sample the harness took of every benchmark the
  // process ran (`alone`: the one benchmark of a --isolate process, whose
  // failures are that benchmark's cell's only).
  void append_bench_samples(LiveVariant& live, const RunOutcome& outcome,
                            std::optional<run::LoadWindow>& load_window, const std::string& path,
                            int round, int position, const std::string& what,
                            std::optional<size_t> alone) {
    // Fails what the process ran: its benchmark's cell, or the variant.
    auto fail_run = [&](const std::string& reason) {
      if (alone)
        fail_cell(live, *alone, "sample", reason, outcome);
      else
        fail(live, "sample", reason, outcome);
    };
    // The suite is reaped by now: its CPU time is wait4's.
    if (load_window) load_window->run_ns += outcome.user_ns + outcome.sys_ns;
    std::vector<HarnessSample> samples;
    try {
      samples = harness_->read_round(path);
    } catch (const HarnessOutputError& e) {
      fail_run(std::string(e.what()) + " (" + what + ")");
      return;
    }
    std::vector<int> seen(benchmarks_.size(), 0);
    std::vector<journal::SampleRecord> records;
    for (const auto& r : samples) {
      const auto at = std::find(benchmarks_.begin(), benchmarks_.end(), r.name);
      if (at == benchmarks_.end() || (alone && at - benchmarks_.begin() != *alone)) {
        fail_run("benchmark " + r.name + " is in the harness's output but was not " +
                 (alone ? "selected" : "listed") + " (" + what + ", " + path + ")");
        return;
      }
      const auto index = static_cast<size_t>(at - benchmarks_.begin());
      if (!live.cell_failures[index].empty()) continue;
      ++seen[index];
      if (!r.error.empty()) {
        fail_cell(live, index, "sample",
                  "benchmark " + r.name + ": the harness reported an error: " + r.error + " (" +
                      what + ")",
                  outcome);
        continue;
      }
      journal::SampleRecord record;
      record.cell = live.cells[index].id;
      record.group = workload_;
      record.round = round;
      record.position = position;
      record.measured.iters = r.iterations;
      record.measured.ns = static_cast<std::uint64_t>(std::llround(r.total_ns));
      if (r.cpu_ns) record.harness_cpu_ns = static_cast<std::uint64_t>(std::llround(*r.cpu_ns));
      record.command =
          journal::CommandExit{outcome.exit_code, outcome.signal, outcome.killed_leftovers};
      records.push_back(std::move(record));
    }
    for (size_t i = 0; i < benchmarks_.size(); ++i)
      if ((!alone || i == *alone) && seen[i] == 0 && live.cell_failures[i].empty()) {
        fail_run("benchmark " + benchmarks_[i] + " has no sample in the harness's output (" + what +
                 ", " + path + ")");
        return;
      }
    // A cell failed by a later sample of this run keeps none of it.
    std::erase_if(records, [&](const journal::SampleRecord& record) {
      const auto cell = std::find_if(live.cells.begin(), live.cells.end(),
                                     [&](const run::Cell& c) { return c.id == record.cell; });
      return !live.cell_failures[static_cast<size_t>(cell - live.cells.begin())].empty();
    });
    if (one_benchmark_per_process() && !records.empty())
      credit_process(records, outcome, load_window);
    for (const auto& record : records) append(record);
  }

  // The process ran one benchmark: its counters, peak RSS and load are that
  // benchmark's, once per process (on its first sample, so that a report's
  // sums over the samples count the process once), divided by every
  // iteration the harness reported for it. Those do not include the
  // process's start-up nor the harness's warm-up and estimation runs, which
  // the counters count too: no part of a process's counts can be told to
  // belong to one phase, so none is taken out, and the share of its wall
  // time the measured iterations took is recorded with them
  // (journal::CountedProcess) for the report to state.
  void credit_process(std::vector<journal::SampleRecord>& records, const RunOutcome& outcome,
                      const std::optional<run::LoadWindow>& load_window) const {
    journal::CountedProcess counted;
    counted.wall_ns = std::max<std::uint64_t>(outcome.wall_ns, 1);
    for (const auto& record : records) {
      counted.iters += record.measured.iters;
      counted.measured_ns += record.measured.ns;
    }
    journal::SampleRecord& first = records.front();
    first.measured.counters = counters_of(outcome);
    first.measured.hwm_kib = outcome.max_rss_kib;
    first.measured.hwm_scope = "process";
    if (load_window) first.load = load_window->to_record();
    first.counted_process = counted;
  }

  void finish(bool complete) {
    int failed = 0;
    for (const auto& live : variants_) failed += live.failed ? 1 : 0;
    if (complete) append(journal::GroupDoneRecord{workload_, options_.runs, {}, {}});
    append(journal::RunEndRecord{run::utc_now(), variants_.size(),
                                 static_cast<std::uint64_t>(failed)});
    journal_->sync();
    run::RunDirectory::end_attempt(manifest_);
    manifest_.machine.loadavg_end = run::describe_machine().loadavg;
    directory_->write_manifest(manifest_);
  }

  const ExecOptions& options_;
  const ProgressSink& progress_;
  const long cores_;
  std::string program_;
  std::vector<std::string> argv_;
  std::string command_text_;
  ProgramFacts facts_;
  Helpers helpers_;
  std::vector<alloc::Allocator> allocators_;
  std::string workload_;
  std::vector<LiveVariant> variants_;
  std::unique_ptr<Harness> harness_;            // bench: the suite's, once recognised
  std::vector<std::string> benchmarks_;         // bench: the suite's, as listed (filtered)
  int failed_cells_ = 0;                        // bench: cells failed alone (fail_cell)
  std::optional<run::RunDirectory> directory_;  // from start_directory() on
  journal::Manifest manifest_;
  std::optional<journal::JournalWriter> journal_;
  std::vector<journal::CounterStatus> counter_status_;
  bool faults_from_rusage_ = false;
};

}  // namespace

std::string command_text(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    if (!text.empty()) text += ' ';
    if (shell_safe(word)) {
      text += word;
      continue;
    }
    text += '\'';
    for (char c : word) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
    text += '\'';
  }
  return text;
}

ExecSummary execute(const ExecOptions& options, const ProgressSink& progress) {
  ExecDriver driver(options, progress);
  return driver.run();
}

}  // namespace shootout::exec
