// The worker process: runs one workload under one allocator (injected by the
// runner through LD_PRELOAD, or linked in), proves the allocator is active,
// and answers the runner's "run k iterations" over the protocol pipes.
// One process per cell, so a crash or hang costs only that cell.
#include <dlfcn.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "alloc/conf_verify.h"
#include "alloc/verify.h"
#include "journal/records.h"
#include "probe/call_summary.h"
#include "probe/call_trace.h"
#include "probe/counters.h"
#include "worker/protocol.h"
#include "worker/reply_channel.h"
#include "workloads/workload.h"

namespace {

using nlohmann::json;
using shootout::worker::ReplyChannel;

enum ExitCode {
  kOk = 0,
  kBadArguments = 2,
  kVerificationFailed = 4,
  kSelfCheckFailed = 5,
  kProtocolError = 6,
  kProfileUnavailable = 7,
  kTuningRejected = 8,
  kOutOfMemory = 9
};

json to_json(const shootout::alloc::Verification& v) {
  json bindings = json::array();
  for (const auto& b : v.bindings) {
    json e = {{"symbol", b.symbol}, {"object", b.object}, {"as_expected", b.as_expected}};
    if (!b.note.empty()) e["note"] = b.note;
    bindings.push_back(e);
  }
  return {{"ok", v.ok},           {"message", v.message}, {"active_object", v.active_object},
          {"bindings", bindings}, {"version", v.version}, {"version_source", v.version_source}};
}

// The cell record's workload_info (journal/records.h).
shootout::journal::WorkloadInfo info_record(const shootout::workloads::WorkloadInfo& info) {
  shootout::journal::WorkloadInfo r;
  r.name = info.name;
  r.family = info.family;
  r.description = info.description;
  r.pool_threads = info.pool_threads;
  r.runtime_kind = info.runtime_kind;
  r.runtime_build = shootout::workloads::runtime_build();
  r.wait_mode = info.wait_mode;
  r.runtime_design = shootout::workloads::runtime_description();
  r.pinned = info.pinned;
  r.elements_per_iteration = info.elements_per_iteration;
  r.payload_bytes = info.payload_bytes;
  return r;
}

// The cell record's counters: each with its source, or why it is absent.
std::vector<shootout::journal::CounterStatus> status_records(
    const std::vector<shootout::probe::CounterStatus>& status) {
  std::vector<shootout::journal::CounterStatus> all;
  for (const auto& s : status)
    all.push_back({s.name,
                   s.source ? std::optional<std::string>(shootout::probe::to_string(*s.source))
                            : std::nullopt,
                   s.detail});
  return all;
}

// The malloc-counting shim's C API, present only when the runner preloaded it.
struct MallocCountShim {
  void (*enable)(int) = nullptr;
  void (*log_mark)() = nullptr;  // ends the shim's start-up log, if it keeps one
  void (*read)(std::uint64_t*, std::uint64_t*, std::uint64_t*) = nullptr;
  bool present() const { return enable && read; }
};

MallocCountShim find_malloc_count_shim() {
  MallocCountShim shim;
  shim.enable =
      reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "shootout_malloc_count_enable"));
  shim.read = reinterpret_cast<void (*)(std::uint64_t*, std::uint64_t*, std::uint64_t*)>(
      dlsym(RTLD_DEFAULT, "shootout_malloc_count_read"));
  shim.log_mark = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "shootout_malloc_log_mark"));
  return shim;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"alloc-shootout worker: one workload under one allocator (started by the runner)"};
  std::string workload_name, payload_text = "none", expect_object, dialect_text = "none", conf;
  int threads = 0;
  bool pin = false, no_tracepoints = false, hardware = false, verify_only = false,
       trace_calls = false, no_counters = false;
  long memory_limit_mib = 0;
  app.add_option("--workload", workload_name, "canonical workload name");
  app.add_flag("--verify-only", verify_only,
               "report the verification (and version) in a hello, then exit");
  app.add_option("--payload", payload_text, "payload mode");
  app.add_option("--threads", threads, "pool threads (0 = the spec's)");
  app.add_flag("--pin", pin, "pin the bench and pool threads");
  app.add_option("--expect", expect_object,
                 "canonical path of the object that must serve malloc (empty: the C library)");
  app.add_option("--dialect", dialect_text, "conf dialect of the tuning to verify");
  app.add_option("--conf", conf, "the tuning KEY:VALUE[,KEY:VALUE] the runner applied");
  app.add_flag("--no-tracepoints", no_tracepoints, "use the interposition fallback");
  app.add_flag("--hardware", hardware,
               "open the hardware counters too (per-task events: they slow the workload)");
  app.add_option("--memory-limit-mib", memory_limit_mib,
                 "address-space limit (RLIMIT_AS) for the workload, in MiB");
  app.add_flag("--no-counters", no_counters,
               "open no counters at all (the overhead benchmark's reference)");
  app.add_flag("--trace-calls", trace_calls,
               "open the raw-call tracer (for the runner's untimed `trace` pass)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kOk : kBadArguments;
  }

  ReplyChannel reply(shootout::worker::kReplyFd);
  FILE* commands = fdopen(shootout::worker::kCommandFd, "r");
  if (!reply.ok() || !commands) {
    std::fprintf(stderr,
                 "alloc-shootout-worker: fds %d and %d must be the runner's pipes; "
                 "this program is started by `alloc-shootout run`\n",
                 shootout::worker::kCommandFd, shootout::worker::kReplyFd);
    return kBadArguments;
  }

  // 1. Verification, before anything is measured.
  const auto verification = shootout::alloc::verify_active_allocator(expect_object);
  if (!verification.ok) {
    reply.send({{"type", "error"},
                {"kind", "verification"},
                {"message", verification.message},
                {"verification", to_json(verification)}});
    return kVerificationFailed;
  }
  json tuning_check = json();
  if (!conf.empty()) {
    // The runner set the allocator's own variable; read every key back.
    const auto check =
        shootout::alloc::verify_tuning(shootout::alloc::dialect_from_name(dialect_text),
                                       shootout::alloc::parse_conf(conf), expect_object);
    tuning_check = check;
    if (!check.ok) {
      reply.send({{"type", "error"},
                  {"kind", "tuning"},
                  {"message", check.message},
                  {"verification", to_json(verification)},
                  {"tuning_check", tuning_check}});
      return kTuningRejected;
    }
  }
  if (verify_only) {
    reply.send({{"type", "hello"},
                {"protocol", shootout::worker::kProtocolVersion},
                {"pid", getpid()},
                {"verification", to_json(verification)},
                {"tuning_check", tuning_check}});
    return kOk;
  }

  // 2. Counters, opened before the runtime starts any thread.
  shootout::probe::ProbeOptions probe_options;
  probe_options.allow_tracepoints = !no_tracepoints;
  probe_options.allow_hardware = hardware;
  // Per-CPU syscall and fault events filtered to the worker's threads:
  // per-task perf events would tax every context switch of the runtime's
  // threads (ProbeOptions).
  probe_options.per_cpu = true;
  probe_options.malloc_in_c_library = shootout::alloc::malloc_from_c_library(verification);
  std::optional<shootout::probe::KernelCounters> counters;
  if (!no_counters) counters.emplace(shootout::probe::KernelCounters::open(probe_options));
  // Like the counters, the tracer must exist before the runtime's threads.
  std::optional<shootout::probe::CallTracer> tracer;
  if (trace_calls) {
    shootout::probe::TraceOptions trace_options;
    trace_options.allow_tracepoints = !no_tracepoints;
    trace_options.malloc_in_c_library = probe_options.malloc_in_c_library;
    tracer.emplace(shootout::probe::CallTracer::open(trace_options));
  }

  // A memory limit turns a runaway allocator into this cell's failure
  // (malloc returns NULL) instead of the machine's OOM killer's problem.
  if (memory_limit_mib > 0) {
    const rlimit limit{static_cast<rlim_t>(memory_limit_mib) << 20,
                       static_cast<rlim_t>(memory_limit_mib) << 20};
    setrlimit(RLIMIT_AS, &limit);
  }

  // 3. The workload and its runtime threads.
  std::unique_ptr<shootout::workloads::Workload> workload;
  try {
    shootout::workloads::WorkloadParams params;
    params.name = workload_name;
    params.payload = shootout::workloads::payload_mode_from_string(payload_text);
    params.pool_threads = threads;
    params.pin_threads = pin;
    workload = shootout::workloads::make_workload(params);
  } catch (const std::exception& e) {
    reply.send({{"type", "error"}, {"kind", "bad_workload"}, {"message", e.what()}});
    return kBadArguments;
  }

  reply.send({{"type", "hello"},
              {"protocol", shootout::worker::kProtocolVersion},
              {"pid", getpid()},
              {"verification", to_json(verification)},
              {"tuning_check", tuning_check},
              {"workload", info_record(workload->info())},
              {"counters", counters ? json(status_records(counters->status())) : json::array()}});

  const MallocCountShim shim = find_malloc_count_shim();
  bool timing_started = false;
  char* line = nullptr;
  size_t capacity = 0;
  while (getline(&line, &capacity, commands) > 0) {
    shootout::worker::Command command;
    try {
      command = shootout::worker::decode_command(line);
    } catch (const std::exception& e) {
      reply.send({{"type", "error"}, {"kind", "bad_command"}, {"message", e.what()}});
      return kProtocolError;
    }
    if (command.kind == shootout::worker::CommandKind::quit) break;
    // Timing starts: everything before this point is the start-up that must
    // ask the same of every allocator (tests/integration/history_neutral_test).
    if (shim.log_mark && !timing_started) shim.log_mark();
    timing_started = true;
    try {
      if (command.kind == shootout::worker::CommandKind::profile) {
        if (!shim.present()) {
          reply.send({{"type", "error"},
                      {"kind", "profile_unavailable"},
                      {"message", "the malloc-counting shim is not preloaded"}});
          return kProfileUnavailable;
        }
        std::uint64_t c0, b0, f0, c1, b1, f1;
        shim.read(&c0, &b0, &f0);
        shim.enable(1);
        workload->run(command.iterations);
        shim.enable(0);
        shim.read(&c1, &b1, &f1);
        // The worker's part of the profile record.
        json counted =
            shootout::journal::AllocationCounts{command.iterations, c1 - c0, b1 - b0, f1 - f0};
        counted["type"] = "profile";
        reply.send(counted);
        continue;
      }
      if (command.kind == shootout::worker::CommandKind::trace) {
        if (!tracer) {
          reply.send({{"type", "error"},
                      {"kind", "bad_command"},
                      {"message", "trace needs a worker started with --trace-calls"}});
          return kProtocolError;
        }
        tracer->start();
        workload->run(command.iterations);
        const auto calls = tracer->stop();
        // The worker's part of the trace record, and the calls for its file.
        shootout::journal::TracedCalls traced;
        traced.iters = command.iterations;
        if (tracer->source()) traced.source = shootout::probe::to_string(*tracer->source());
        traced.detail = tracer->detail();
        traced.lost = tracer->lost();
        traced.summary = shootout::probe::summarize(calls);
        json message = traced;
        message["type"] = "trace";
        message["calls"] = calls;
        reply.send(message);
        continue;
      }
      const bool peak_reset = shootout::probe::reset_peak_rss();
      const auto before = counters ? counters->read() : shootout::probe::Reading{};
      const auto t0 = std::chrono::steady_clock::now();
      workload->run(command.iterations);
      const auto t1 = std::chrono::steady_clock::now();
      const auto after = counters ? counters->read() : shootout::probe::Reading{};
      const auto memory = shootout::probe::memory_usage();
      // The worker's part of the sample record; the runner adds the rest.
      shootout::journal::Measurement measured;
      measured.iters = command.iterations;
      measured.ns = static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
      for (const auto& [name, value] : shootout::probe::delta(before, after))
        measured.counters[name] = value;
      measured.rss_kib = memory.rss_kib;
      measured.hwm_kib = memory.hwm_kib;
      measured.hwm_scope = peak_reset ? "sample" : "process";
      json sample = measured;
      sample["type"] = "sample";
      reply.send(sample);
    } catch (const std::bad_alloc&) {
      reply.send({{"type", "error"},
                  {"kind", "out_of_memory"},
                  {"message", "out of memory: an allocation failed (std::bad_alloc)" +
                                  std::string(memory_limit_mib > 0
                                                  ? " under the limit of " +
                                                        std::to_string(memory_limit_mib) + " MiB"
                                                  : "")}});
      return kOutOfMemory;
    } catch (const shootout::workloads::SelfCheckError& e) {
      reply.send({{"type", "error"}, {"kind", "self_check"}, {"message", e.what()}});
      return kSelfCheckFailed;
    }
  }
  free(line);
  return kOk;
}
