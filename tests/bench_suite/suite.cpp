// A small google/benchmark suite for `bench`'s tests, built from Debian's
// libbenchmark-dev. BM_zeroed32k is where allocators differ by a counter:
// jemalloc purges a freed 32 KiB calloc'd run with MADV_DONTNEED (about one
// per buffer), glibc keeps it on its free list and calls madvise never.
// SHOOTOUT_SUITE_CRASH_UNDER=TEXT makes the suite abort when LD_PRELOAD
// contains TEXT: a harness that crashes under one allocator only.
// SHOOTOUT_SUITE_SKIP_UNDER=TEXT: BM_small_objects fails in the harness
// (State::SkipWithError) when LD_PRELOAD contains TEXT: one benchmark's cell.
// SHOOTOUT_SUITE_BREAK_JSON=TEXT cuts the --benchmark_out file in half
// after the run when LD_PRELOAD contains TEXT: output nobody can parse.
// SHOOTOUT_SUITE_CRASH_MEASURING=TEXT: BM_zeroed32k aborts when LD_PRELOAD
// contains TEXT in a run that writes --benchmark_out (a measured or warm-up
// run, not the verification run): one benchmark's process crashes.
#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace {

// Short runs: the tests count samples and counters, never times.
constexpr double kMinSeconds = 0.002;

bool crash_zeroed = false;  // set by main from the environment

void BM_zeroed32k(benchmark::State& state) {
  if (crash_zeroed) {
    const char message[] = "suite: BM_zeroed32k crashing on purpose under this allocator\n";
    (void)!write(2, message, sizeof message - 1);
    std::abort();
  }
  for (auto _ : state) {
    void* buffer = std::calloc(1, 32 * 1024);
    benchmark::DoNotOptimize(buffer);
    std::free(buffer);
  }
}
BENCHMARK(BM_zeroed32k)->MinTime(kMinSeconds);

bool skip_small_objects = false;  // set by main from the environment

void BM_small_objects(benchmark::State& state) {
  if (skip_small_objects) {
    state.SkipWithError("skipped on purpose under this allocator");
    return;
  }
  std::vector<void*> objects(64);
  for (auto _ : state) {
    for (auto& object : objects) object = std::malloc(48);
    benchmark::DoNotOptimize(objects.data());
    for (auto* object : objects) std::free(object);
  }
}
BENCHMARK(BM_small_objects)->MinTime(kMinSeconds);

}  // namespace

int main(int argc, char** argv) {
  const char* crash_under = std::getenv("SHOOTOUT_SUITE_CRASH_UNDER");
  const char* preload = std::getenv("LD_PRELOAD");
  if (crash_under && *crash_under && preload && std::strstr(preload, crash_under)) {
    const char message[] = "suite: crashing on purpose under this allocator\n";
    (void)!write(2, message, sizeof message - 1);
    std::abort();
  }
  const char* skip_under = std::getenv("SHOOTOUT_SUITE_SKIP_UNDER");
  skip_small_objects = skip_under && *skip_under && preload && std::strstr(preload, skip_under);
  const char* break_under = std::getenv("SHOOTOUT_SUITE_BREAK_JSON");
  const bool break_json =
      break_under && *break_under && preload && std::strstr(preload, break_under);
  std::string out_file;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--benchmark_out=", 16) == 0) out_file = argv[i] + 16;
  const char* crash_measuring = std::getenv("SHOOTOUT_SUITE_CRASH_MEASURING");
  crash_zeroed = !out_file.empty() && crash_measuring && *crash_measuring && preload &&
                 std::strstr(preload, crash_measuring);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (break_json && !out_file.empty()) {
    std::ifstream in(out_file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(out_file, std::ios::trunc) << text.substr(0, text.size() / 2);
  }
  return 0;
}
