// Every family at tiny sizes, with every payload mode it accepts, over
// several run(k) calls on one instance; plus what info() records and when
// the runtime's threads exist.
#include <gtest/gtest.h>
#include <sched.h>

#include <dirent.h>

#include <chrono>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "workloads/workload.h"

namespace shootout::workloads {
namespace {

struct Case {
  std::string name;
  PayloadMode mode;
  std::uint64_t elements;
  int pool_threads;  // expected W
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (PayloadMode mode :
       {PayloadMode::zeroed, PayloadMode::filled, PayloadMode::uninit, PayloadMode::floor}) {
    out.push_back({"mpsc/64", mode, 1000, 4});
    out.push_back({"mpsc/32768", mode, 1000, 4});
    out.push_back({"block_on_alloc/10x4096", mode, 10, 4});
    out.push_back({"alloc_stress/50", mode, 50, 4});
    out.push_back({"mpsc_large/2x50_32KB", mode, 100, 4});
    out.push_back({"block_on_alloc_st/10x32KB", mode, 10, 0});
  }
  out.push_back({"spawn_many/100", PayloadMode::none, 100, 4});
  out.push_back({"spawn_many_local/100", PayloadMode::none, 100, 4});
  out.push_back({"spawn_many_remote_idle/100", PayloadMode::none, 100, 4});
  out.push_back({"mpsc_contention/2x100", PayloadMode::none, 200, 6});
  out.push_back({"spawn_st/100", PayloadMode::none, 100, 0});
  return out;
}

// Readable ctest names instead of the bytes of the struct.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name << " " << to_string(c.mode); }

class EveryFamily : public testing::TestWithParam<Case> {};

TEST_P(EveryFamily, RunsRepeatedlyAndChecksItself) {
  const Case& c = GetParam();
  WorkloadParams params;
  params.name = c.name;
  params.payload = c.mode;
  auto workload = make_workload(params);
  for (std::uint64_t k : {1, 3, 2}) EXPECT_NO_THROW(workload->run(k)) << c.name;
  workload->run(0);

  const WorkloadInfo& info = workload->info();
  EXPECT_EQ(info.name, c.name);
  EXPECT_EQ(info.family, c.name.substr(0, c.name.find('/')));
  EXPECT_EQ(info.elements_per_iteration, c.elements);
  EXPECT_EQ(info.pool_threads, c.pool_threads);
  EXPECT_EQ(info.runtime_kind, c.pool_threads == 0 ? "current-thread" : "multi-thread");
  EXPECT_FALSE(info.wait_mode.empty());
  EXPECT_FALSE(info.description.empty());
  EXPECT_FALSE(info.pinned);
  EXPECT_EQ(info.payload, c.mode);
  EXPECT_EQ(info.runtime_build, runtime_build());
  if (c.mode == PayloadMode::none) {
    EXPECT_EQ(info.payload_modes, std::vector<PayloadMode>{PayloadMode::none});
    EXPECT_EQ(info.payload_bytes, 0u);
  } else {
    EXPECT_EQ(info.payload_modes.size(), 4u);
    EXPECT_GT(info.payload_bytes, 0u);
    EXPECT_GE(info.bytes_per_iteration, info.payload_bytes);
  }
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  std::string name = info.param.name + "_" + to_string(info.param.mode);
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Tiny, EveryFamily, testing::ValuesIn(cases()), case_name);

// The study's own sizes, once each (a few tens of ms; seconds under TSan).
TEST(StudyCases, EachRunsOnce) {
  for (const CatalogEntry& entry : catalog()) {
    for (const std::string& name : entry.study_cases) {
      auto workload =
          make_workload({name, entry.takes_payload ? PayloadMode::zeroed : PayloadMode::none});
      EXPECT_NO_THROW(workload->run(1)) << name;
    }
  }
}

TEST(Info, ChannelShapeAndPayloadSizes) {
  WorkloadParams params{"mpsc_large/2x50_32KB", PayloadMode::filled};
  auto large = make_workload(params);
  EXPECT_EQ(large->info().senders, 2u);
  EXPECT_EQ(large->info().channel_capacity, 100u);
  EXPECT_EQ(large->info().payload_bytes, 32768u);
  EXPECT_EQ(large->info().bytes_per_iteration, 100u * 32768u);

  auto contention = make_workload({"mpsc_contention/2x100", PayloadMode::none});
  EXPECT_EQ(contention->info().senders, 2u);
  EXPECT_EQ(contention->info().channel_capacity, 1'000'000u);

  // alloc_stress: random sizes within 16..32768, the same for every instance.
  auto stress = make_workload({"alloc_stress/1000", PayloadMode::zeroed});
  const auto mean = stress->info().payload_bytes;
  EXPECT_GT(mean, 16u);
  EXPECT_LT(mean, 32768u);
  EXPECT_EQ(make_workload({"alloc_stress/1000", PayloadMode::floor})->info().bytes_per_iteration,
            stress->info().bytes_per_iteration);
}

TEST(Runtime, PoolThreadsOverride) {
  WorkloadParams params{"mpsc/64", PayloadMode::zeroed};
  params.pool_threads = 2;
  auto workload = make_workload(params);
  EXPECT_EQ(workload->info().pool_threads, 2);
  workload->run(2);
  // A current-thread runtime has no pool to size.
  params = {"spawn_st/100", PayloadMode::none};
  params.pool_threads = 3;
  EXPECT_EQ(make_workload(params)->info().pool_threads, 0);
}

int thread_count() {
  int n = 0;
  if (DIR* dir = opendir("/proc/self/task")) {
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] != '.') ++n;
    }
    closedir(dir);
  }
  return n;
}

// A joined thread can still be listed for a moment: the kernel wakes the
// joiner when it clears the thread's tid (on releasing its memory), before
// the task is reaped. Under TSan that window was long enough to fail CI
// once; so wait, up to 5 s, for the count to fall to `expected`.
int thread_count_after_joins(int expected) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int n = thread_count();
  while (n != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    n = thread_count();
  }
  return n;
}

TEST(Runtime, ThreadsStartInMakeWorkloadAndStopWithIt) {
  // Sanitizers start a helper thread at the first thread creation; get it
  // out of the way so only the workload's threads are counted.
  std::thread([] {}).join();
  // The joined thread may still be listed (see above): count once the list
  // has stood still for 20 ms.
  int before = thread_count();
  for (int settled = -1; settled != before;) {
    settled = before;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    before = thread_count();
  }
  {
    auto workload = make_workload({"mpsc_contention/2x100", PayloadMode::none});
    EXPECT_EQ(thread_count(), before + 6);
    workload->run(1);
    EXPECT_EQ(thread_count(), before + 6);  // reused, not respawned
  }
  EXPECT_EQ(thread_count_after_joins(before), before);
  {
    auto workload = make_workload({"spawn_st/100", PayloadMode::none});
    EXPECT_EQ(thread_count(), before);  // current-thread: the caller is the runtime
    workload->run(1);
  }
}

TEST(Runtime, PinningRecordsAndRuns) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  {
    WorkloadParams params{"spawn_many/100", PayloadMode::none};
    params.pin_threads = true;
    auto workload = make_workload(params);
    EXPECT_TRUE(workload->info().pinned);
    cpu_set_t now;
    ASSERT_EQ(sched_getaffinity(0, sizeof(now), &now), 0);
    EXPECT_EQ(CPU_COUNT(&now), 1);  // the bench thread sits on one CPU
    workload->run(2);
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);  // later tests run unpinned
}

}  // namespace
}  // namespace shootout::workloads
