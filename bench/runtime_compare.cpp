// Asio against Tokio under the same allocators, for `bench/run.sh runtime`
// (README "Benchmarks"): per case and payload, the Asio worker (probes off)
// and bench/tokio-reference (--serve) are started once per allocator, each
// warmed up, then driven in interleaved rounds — every process once per
// round, the order rotated by one each round — so drift of the machine hits
// both runtimes alike and the per-round ratios pair up. Before any sample
// counts, each process proves its allocator (the worker verifies itself;
// the reference names the object serving malloc) and both runtimes must
// report the same elements per iteration and the checksum the Asio
// workload checks every iteration against (tokio-reference reports what it
// read; a mismatch stops the run).
//
// Statistics are the project's (src/stats): medians, and the ratios'
// geometric means with t intervals over the rounds (stats::paired_ratio).
// The kernel side of each process is read from outside it, the same way for
// both runtimes (neither process does anything for it): its minor page
// faults and user/system CPU time from /proc/<pid>/stat, before and after
// every sample.
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "alloc/conf.h"
#include "alloc/registry.h"
#include "alloc/verify.h"
#include "run/cell_launch.h"
#include "run/worker_process.h"
#include "stats/estimate.h"
#include "workloads/names.h"
#include "workloads/payload.h"
#include "workloads/workload.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using shootout::run::WorkerLaunch;
using shootout::run::WorkerProcess;

struct Options {
  std::string tokio;
  std::vector<std::string> allocators = {"std", "jemalloc", "mimalloc", "tcmalloc"};
  std::string cases;
  std::vector<std::string> payloads = {"zeroed", "filled"};
  int rounds = 30;
  double sample_ms = 50;
  double warm_up_ms = 300;
  bool check_only = false;
  std::string out;
};

// A failure of the comparison itself: the run stops, saying why.
struct Fatal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What the Asio workload checks its receiver's tally against every
// iteration (src/workloads/*_workloads.cpp): the bytes 0 of every payload,
// the values sent, or the task bodies executed. A worker whose iteration
// read anything else fails its self-check, so its samples prove this value.
std::uint64_t asio_checksum(const shootout::workloads::Spec& spec) {
  using shootout::workloads::Family;
  using shootout::workloads::payload_value;
  std::uint64_t sum = 0;
  switch (spec.def->family) {
    case Family::spawn_many:
    case Family::spawn_many_local:
    case Family::spawn_many_remote_idle:
    case Family::spawn_st:
      return spec.count;
    case Family::mpsc_contention:
      return spec.senders * (spec.count * (spec.count - 1) / 2);
    case Family::mpsc:
    case Family::mpsc_large:
      for (std::uint64_t i = 0; i < spec.senders * spec.count; ++i) sum += payload_value(i);
      return sum;
    case Family::block_on_alloc:
    case Family::alloc_stress:
    case Family::block_on_alloc_st:
      for (std::uint64_t i = 0; i < spec.count; ++i) sum += payload_value(i);
      return sum;
  }
  throw std::logic_error("asio_checksum: unknown family");
}

// A process's counts since it started (/proc/<pid>/stat: every thread's,
// those that exited included).
struct ProcessUsage {
  std::uint64_t minor_faults = 0;
  std::uint64_t user_ticks = 0, system_ticks = 0;  // USER_HZ
  ProcessUsage operator-(const ProcessUsage& earlier) const {
    return {minor_faults - earlier.minor_faults, user_ticks - earlier.user_ticks,
            system_ticks - earlier.system_ticks};
  }
};

ProcessUsage read_usage(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and ')': fields 3.. follow
  // its last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) throw Fatal(fmt::format("cannot read /proc/{}/stat", pid));
  std::istringstream fields(text.substr(close + 1));
  std::string skip;
  ProcessUsage u;
  // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
  for (int i = 0; i < 7; ++i) fields >> skip;
  fields >> u.minor_faults;
  for (int i = 0; i < 3; ++i) fields >> skip;
  fields >> u.user_ticks >> u.system_ticks;
  if (!fields) throw Fatal(fmt::format("cannot read /proc/{}/stat", pid));
  return u;
}

// One process of the comparison: a runtime under an allocator.
struct Variant {
  std::string runtime;  // "asio" or "tokio"
  shootout::alloc::Allocator allocator;
  std::unique_ptr<WorkerProcess> process;
  std::string log;
  json hello;
  std::uint64_t elements = 0;
  std::uint64_t iterations = 1;    // per sample, from the warm-up
  std::vector<double> ns_element;  // one per round
  // Summed over the rounds' samples.
  std::uint64_t sampled_elements = 0, minor_faults = 0, user_ticks = 0, system_ticks = 0;
  std::string name() const { return runtime + "/" + allocator.name; }
  double faults_per_element() const {
    return sampled_elements ? static_cast<double>(minor_faults) / sampled_elements : 0;
  }
  // System time's share of the process's CPU time while sampled.
  std::string system_share() const {
    const auto cpu = user_ticks + system_ticks;
    return cpu ? fmt::format("{:.0f}%", 100.0 * system_ticks / cpu) : "—";
  }
};

constexpr auto kReplyTimeout = std::chrono::seconds(120);

json receive(Variant& v, const char* expected_type) {
  const auto reply = v.process->receive(kReplyTimeout);
  if (reply.status == WorkerProcess::ReadStatus::message) {
    if (reply.message.value("type", "") == expected_type) return reply.message;
    throw Fatal(
        fmt::format("{}: {}", v.name(), reply.message.value("message", reply.message.dump())));
  }
  const auto exit = v.process->kill_and_reap();
  std::string tail;
  for (const auto& line : v.process->log_tail(5)) tail += "\n    " + line;
  throw Fatal(fmt::format("{}: no {} reply ({}); {}; log {}:{}", v.name(), expected_type,
                          reply.status == WorkerProcess::ReadStatus::timeout ? "timeout" : "closed",
                          exit.description, v.log, tail));
}

// Runs `iterations`, returns ns; a Tokio sample's checksum must be Asio's.
double run_sample(Variant& v, std::uint64_t iterations, std::uint64_t checksum) {
  v.process->send({{"cmd", "run"}, {"iters", iterations}});
  const json sample = receive(v, "sample");
  if (v.runtime == "tokio" && sample.at("checksum").get<std::uint64_t>() != checksum)
    throw Fatal(
        fmt::format("{}: checksum {} differs from the {} the Asio workload checks: the two "
                    "runtimes did not do the same work",
                    v.name(), sample.at("checksum").get<std::uint64_t>(), checksum));
  return sample.at("ns").get<double>();
}

std::string safe(std::string text) {
  for (char& c : text)
    if (c == '/' || c == ' ') c = '_';
  return text;
}

std::string canonical(const std::string& path) {
  std::error_code ec;
  const auto c = fs::canonical(path, ec);
  return ec ? path : c.string();
}

// Starts Asio's worker and then the reference with Asio's pool size, both
// with the environment the runner gives a cell (the user's allocator
// settings removed, the allocator preloaded unless std).
void start(Variant& v, const std::string& workload, const std::string& payload,
           const Options& options, int pool_threads) {
  v.log = options.out + "/logs/" + safe(workload + "." + payload + "." + v.name()) + ".log";
  WorkerLaunch launch;
  if (v.runtime == "asio") {
    shootout::run::Cell cell;
    cell.workload = workload;
    cell.payload = payload;
    cell.runtime = "asio";
    cell.allocator = v.allocator;
    cell.variant = v.allocator.name;
    cell.probe_mode = "off";  // no counters: the reference has none either
    launch =
        shootout::run::launch_for_cell(cell, shootout::run::RunOptions{},
                                       shootout::run::WorkerPaths::beside_this_executable(), v.log);
  } else {
    launch.argv = {options.tokio,
                   "--case",
                   workload,
                   "--payload",
                   payload,
                   "--threads",
                   std::to_string(pool_threads),
                   "--serve"};
    launch.env_removed = shootout::alloc::foreign_allocator_settings();
    if (!v.allocator.is_std()) launch.env_overrides["LD_PRELOAD"] = v.allocator.path;
    launch.log_path = v.log;
  }
  v.process = std::make_unique<WorkerProcess>(launch);
  v.hello = receive(v, "hello");
  if (v.runtime == "asio") {
    v.elements = v.hello.at("workload").at("elements_per_iteration").get<std::uint64_t>();
    return;
  }
  v.elements = v.hello.at("elements").get<std::uint64_t>();
  const std::string expected =
      canonical(v.allocator.is_std() ? shootout::alloc::default_malloc_object() : v.allocator.path);
  const std::string serving = v.hello.value("malloc_object", "");
  if (canonical(serving) != expected)
    throw Fatal(fmt::format("{}: malloc is served by '{}', not by {} ('{}'): not measured",
                            v.name(), serving, v.allocator.name, expected));
}

// Doubling iteration counts until the warm-up time is spent (as Criterion
// and the runner warm up), then the iterations that make one sample.
void warm_up(Variant& v, const Options& options, std::uint64_t checksum) {
  double spent_ns = 0, last_ns = 0;
  std::uint64_t k = 1, last_k = 1;
  while (spent_ns < options.warm_up_ms * 1e6 || last_ns <= 0) {
    last_ns = run_sample(v, k, checksum);
    last_k = k;
    spent_ns += last_ns;
    k *= 2;
  }
  const double per_iteration = std::max(last_ns / static_cast<double>(last_k), 1.0);
  v.iterations = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::llround(options.sample_ms * 1e6 / per_iteration)));
}

std::string interval(const shootout::stats::Interval& i) {
  return fmt::format("{:.3f} ({:.3f}–{:.3f})", i.point, i.lower, i.upper);
}

double cv(const std::vector<double>& xs) {
  return shootout::stats::std_dev(xs) / shootout::stats::mean(xs);
}

// candidate[r] / baseline[r] for every round r.
std::vector<double> per_round(const std::vector<double>& candidate,
                              const std::vector<double>& baseline) {
  std::vector<double> ratios;
  for (std::size_t r = 0; r < candidate.size() && r < baseline.size(); ++r)
    ratios.push_back(candidate[r] / baseline[r]);
  return ratios;
}

std::string ratio(const std::vector<double>& per_round_ratios) {
  return interval(shootout::stats::paired_ratio(per_round_ratios, {}).ratio);
}

// 812 ns, 3.67 µs, 44.9 µs: three significant digits, as the table.
std::string duration(double ns) {
  if (ns < 1000) return fmt::format("{:.0f} ns", ns);
  if (ns < 1e6) return fmt::format("{:.3g} µs", ns / 1e3);
  return fmt::format("{:.3g} ms", ns / 1e6);
}

// Prints the case's table; appends its one-line form to `markdown` (the
// README's table: std's times, Asio ÷ Tokio, each allocator's ratio to std
// in Asio / in Tokio, the worst CV of each runtime).
void print_case(const std::string& title, const std::string& label,
                const std::vector<Variant>& variants, std::size_t allocators, int rounds,
                std::vector<std::string>& markdown) {
  fmt::print("\n== {} ({} rounds)\n", title, rounds);
  fmt::print("{:<10} {:>12} {:>6} {:>12} {:>6} {:>24} {:>24} {:>24} {:>24} {:>15} {:>9}\n",
             "allocator", "asio ns/el", "CV", "tokio ns/el", "CV", "asio ÷ tokio", "÷ std, asio",
             "÷ std, tokio", "asio ÷ tokio of ÷ std", "faults/el a / t", "sys a / t");
  // variants: asio/a at 2a, tokio/a at 2a + 1; std is allocator 0.
  const auto& asio_std = variants[0].ns_element;
  const auto& tokio_std = variants[1].ns_element;
  std::string row =
      fmt::format("| {} | {} | {} | {:.3g} |", label, duration(shootout::stats::median(asio_std)),
                  duration(shootout::stats::median(tokio_std)),
                  shootout::stats::paired_ratio(per_round(asio_std, tokio_std), {}).ratio.point);
  double worst_asio_cv = 0, worst_tokio_cv = 0;
  for (std::size_t a = 0; a < allocators; ++a) {
    const auto& asio = variants[2 * a].ns_element;
    const auto& tokio = variants[2 * a + 1].ns_element;
    std::string asio_to_std = "—", tokio_to_std = "—", of_ratios = "—";
    if (a > 0) {
      const auto asio_ratios = per_round(asio, asio_std);
      const auto tokio_ratios = per_round(tokio, tokio_std);
      asio_to_std = ratio(asio_ratios);
      tokio_to_std = ratio(tokio_ratios);
      // The allocator's effect under Asio relative to under Tokio (the
      // issue's target: within 25 %, i.e. 0.75–1.25).
      of_ratios = ratio(per_round(asio_ratios, tokio_ratios));
      row += fmt::format(" {:.3g} / {:.3g} |",
                         shootout::stats::paired_ratio(asio_ratios, {}).ratio.point,
                         shootout::stats::paired_ratio(tokio_ratios, {}).ratio.point);
    }
    worst_asio_cv = std::max(worst_asio_cv, cv(asio));
    worst_tokio_cv = std::max(worst_tokio_cv, cv(tokio));
    fmt::print(
        "{:<10} {:>12.1f} {:>5.1f}% {:>12.1f} {:>5.1f}% {:>24} {:>24} {:>24} {:>24} {:>15} {:>9}\n",
        variants[2 * a].allocator.name, shootout::stats::median(asio), 100 * cv(asio),
        shootout::stats::median(tokio), 100 * cv(tokio), ratio(per_round(asio, tokio)), asio_to_std,
        tokio_to_std, of_ratios,
        fmt::format("{:.3g} / {:.3g}", variants[2 * a].faults_per_element(),
                    variants[2 * a + 1].faults_per_element()),
        fmt::format("{} / {}", variants[2 * a].system_share(), variants[2 * a + 1].system_share()));
  }
  markdown.push_back(row + fmt::format(" {:.3g} / {:.3g} | {:.0f} % / {:.0f} % |",
                                       variants[0].faults_per_element(),
                                       variants[1].faults_per_element(), 100 * worst_asio_cv,
                                       100 * worst_tokio_cv));
  std::fflush(stdout);
}

std::string threads_text(int pool_threads, const std::string& tokio_runtime) {
  if (pool_threads == 0) return "current-thread runtime in both; " + tokio_runtime;
  return fmt::format("{} pool threads + the block_on thread in both; {}", pool_threads,
                     tokio_runtime);
}

// One case in one payload mode: start, check, warm up, rounds, summary.
void compare_case(const std::string& workload, const std::string& payload,
                  const std::vector<shootout::alloc::Allocator>& allocators, const Options& options,
                  std::ofstream& samples, std::vector<std::string>& markdown) {
  const auto spec = shootout::workloads::parse_name(workload);
  const std::uint64_t checksum = asio_checksum(spec);
  std::vector<Variant> variants;
  for (const auto& a : allocators)
    for (const char* runtime : {"asio", "tokio"}) {
      Variant v;
      v.runtime = runtime;
      v.allocator = a;
      variants.push_back(std::move(v));
    }
  int pool_threads = -1;
  for (auto& v : variants) {
    start(v, workload, payload, options, pool_threads);
    if (v.runtime == "asio") pool_threads = v.hello.at("workload").at("pool_threads").get<int>();
  }
  for (auto& v : variants) {
    if (v.elements != variants[0].elements)
      throw Fatal(fmt::format("{} {}: {} does {} elements per iteration, {} does {}", workload,
                              payload, variants[0].name(), variants[0].elements, v.name(),
                              v.elements));
  }
  const int tokio_threads = variants[1].hello.at("threads").get<int>();
  if (tokio_threads != pool_threads)
    throw Fatal(fmt::format("{} {}: Tokio runs {} worker threads, the Asio pool {}", workload,
                            payload, tokio_threads, pool_threads));
  const std::string tokio_runtime = variants[1].hello.value("runtime", "tokio");
  if (payload != "none") {
    // alloc_stress: the mean of the random sizes, so both drew the same ones.
    const auto asio_bytes =
        variants[0].hello.at("workload").at("payload_bytes").get<std::uint64_t>();
    const auto tokio_bytes = variants[1].hello.at("payload_bytes").get<std::uint64_t>();
    if (asio_bytes != tokio_bytes)
      throw Fatal(fmt::format("{} {}: payload bytes differ: asio {}, tokio {}", workload, payload,
                              asio_bytes, tokio_bytes));
  }
  if (options.check_only) {
    // One iteration each: Asio's self-check and Tokio's checksum.
    for (auto& v : variants) run_sample(v, 1, checksum);
    fmt::print("{:<34} {:<7} same work: {} elements per iteration, checksum {}, {}\n", workload,
               payload, variants[0].elements, checksum, threads_text(pool_threads, tokio_runtime));
  } else {
    for (auto& v : variants) warm_up(v, options, checksum);
    const std::size_t n = variants.size();
    for (int r = 0; r < options.rounds; ++r) {
      for (std::size_t j = 0; j < n; ++j) {
        Variant& v = variants[(j + static_cast<std::size_t>(r)) % n];
        const ProcessUsage before = read_usage(v.process->pid());
        const double ns = run_sample(v, v.iterations, checksum);
        const ProcessUsage used = read_usage(v.process->pid()) - before;
        v.ns_element.push_back(ns / static_cast<double>(v.iterations * v.elements));
        v.sampled_elements += v.iterations * v.elements;
        v.minor_faults += used.minor_faults;
        v.user_ticks += used.user_ticks;
        v.system_ticks += used.system_ticks;
        samples << json{{"case", workload},
                        {"payload", payload},
                        {"runtime", v.runtime},
                        {"allocator", v.allocator.name},
                        {"round", r},
                        {"iters", v.iterations},
                        {"elements", v.elements},
                        {"ns", ns},
                        {"minor_faults", used.minor_faults},
                        {"user_ticks", used.user_ticks},
                        {"system_ticks", used.system_ticks}}
                       .dump()
                << '\n';
      }
    }
    print_case(fmt::format("{} {}: {} elements per iteration, {}", workload, payload,
                           variants[0].elements, threads_text(pool_threads, tokio_runtime)),
               fmt::format("`{}`{}", workload, payload == "none" ? "" : " " + payload), variants,
               allocators.size(), options.rounds, markdown);
  }
  for (auto& v : variants) {
    v.process->send({{"cmd", "quit"}});
    v.process->wait_or_kill(std::chrono::seconds(10));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Asio workloads against bench/tokio-reference under the same allocators"};
  Options options;
  app.add_option("--tokio", options.tokio, "the built tokio-reference")->required();
  app.add_option("--cases", options.cases, "workload selection, as `run -w`")->required();
  app.add_option("--allocators", options.allocators, "the first is the baseline (std)")
      ->delimiter(',');
  app.add_option("--payloads", options.payloads, "payload modes of payload workloads")
      ->delimiter(',');
  app.add_option("--rounds", options.rounds, "interleaved rounds")->check(CLI::Range(2, 100000));
  app.add_option("--sample-ms", options.sample_ms, "target time of one sample")
      ->check(CLI::PositiveNumber);
  app.add_option("--warm-up-ms", options.warm_up_ms, "warm-up per process")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--check-only", options.check_only,
               "start every process, run one iteration each, compare elements and checksums");
  app.add_option("--out", options.out, "directory for samples.jsonl and the logs")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    if (access(options.tokio.c_str(), X_OK) != 0)
      throw std::invalid_argument("--tokio: not an executable: " + options.tokio);
    if (options.allocators.empty() || options.allocators.front() != "std")
      throw std::invalid_argument("--allocators must start with std (the baseline of every ratio)");
    const auto allocators = shootout::alloc::select(
        shootout::alloc::discover(shootout::alloc::read_loader_cache(), {}), options.allocators);
    const auto workloads = shootout::workloads::expand_selection(options.cases);
    for (const auto& p : options.payloads) shootout::workloads::payload_mode_from_string(p);
    fs::create_directories(options.out + "/logs");
    if (!options.check_only)
      fmt::print(
          "Asio (alloc-shootout-worker-asio, probes off) and Tokio 1.24 (bench/tokio-reference), "
          "each under every allocator (LD_PRELOAD),\n{} interleaved rounds of ~{} ms samples, the "
          "order rotated each round.\nns/el: median time per element (task, message or payload) "
          "over the rounds; CV: its coefficient of variation over the rounds.\nRatios: geometric "
          "mean of the per-round ratios (95 % t interval). \"asio ÷ tokio of ÷ std\": the "
          "allocator's effect on Asio\nrelative to its effect on Tokio (1 = the same; the issue's "
          "target is 0.75–1.25).\nfaults/el, sys: minor page faults per element and system "
          "time's share of CPU time while sampled, Asio / Tokio\n(/proc/<pid>/stat of each "
          "process before and after each sample: read from outside, alike for both).\n",
          options.rounds, options.sample_ms);
    std::ofstream samples(options.out + "/samples.jsonl", std::ios::app);
    std::vector<std::string> markdown;
    for (const auto& workload : workloads) {
      const bool takes_payload = shootout::workloads::parse_name(workload).def->takes_payload;
      for (const auto& payload :
           takes_payload ? options.payloads : std::vector<std::string>{"none"})
        compare_case(workload, payload, allocators, options, samples, markdown);
    }
    if (!markdown.empty()) {
      fmt::print(
          "\nThe same as a Markdown table (time per element under std; each allocator's "
          "ratio to std, Asio / Tokio):\n\n| case | Asio | Tokio | Asio ÷ Tokio |");
      for (std::size_t a = 1; a < allocators.size(); ++a)
        fmt::print(" {} ÷ std |", allocators[a].name);
      fmt::print(" std faults/el | worst CV |\n| --- | ---: | ---: | ---: |");
      for (std::size_t a = 1; a < allocators.size(); ++a) fmt::print(" ---: |");
      fmt::print(" ---: | ---: |\n");
      for (const auto& row : markdown) fmt::print("{}\n", row);
    }
  } catch (const Fatal& e) {
    std::fprintf(stderr, "bench-runtime-compare: FAILED: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-runtime-compare: %s\n", e.what());
    return 2;
  }
  return 0;
}
