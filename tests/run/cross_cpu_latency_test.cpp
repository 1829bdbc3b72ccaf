// The cross-CPU round trip on the real machine: a plausible figure from two
// distinct CPUs, and the caller's CPU affinity as it was.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include "run/cross_cpu_latency.h"

namespace {

cpu_set_t current_affinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  pthread_getaffinity_np(pthread_self(), sizeof(set), &set);
  return set;
}

TEST(CrossCpuLatency, MeasuresTwoDistinctCpusAndRestoresAffinity) {
  const cpu_set_t before = current_affinity();
  if (CPU_COUNT(&before) < 2) {
    std::string why;
    EXPECT_FALSE(shootout::run::measure_cross_cpu_latency(&why));
    EXPECT_EQ(why, "one usable CPU: no cross-CPU round trip");
    return;
  }
  std::string why;
  const auto m = shootout::run::measure_cross_cpu_latency(&why);
  // A busy CI machine may keep the second CPU from the probe for a second.
  if (!m && why.find("did not finish") != std::string::npos) GTEST_SKIP() << why;
  ASSERT_TRUE(m) << why;
  EXPECT_NE(m->cpu_a, m->cpu_b);
  EXPECT_TRUE(CPU_ISSET(m->cpu_a, &before));
  EXPECT_TRUE(CPU_ISSET(m->cpu_b, &before));
  EXPECT_EQ(m->batches, 5);
  EXPECT_LE(m->min_ns, m->round_trip_ns);
  EXPECT_LE(m->round_trip_ns, m->max_ns);
  // A cache line's round trip between cores: tens of ns on bare metal,
  // hundreds in a VM; never below a few ns, never a millisecond.
  EXPECT_GT(m->min_ns, 5.0);
  EXPECT_LT(m->round_trip_ns, 1e6);
  const cpu_set_t after = current_affinity();
  EXPECT_TRUE(CPU_EQUAL(&before, &after));
}

// Restricted to one CPU, there is no second CPU to measure against.
TEST(CrossCpuLatency, OneAllowedCpuSaysWhy) {
  const cpu_set_t before = current_affinity();
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &before)) {
      CPU_SET(cpu, &one);
      break;
    }
  ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof(one), &one), 0);
  std::string why;
  const auto m = shootout::run::measure_cross_cpu_latency(&why);
  pthread_setaffinity_np(pthread_self(), sizeof(before), &before);
  EXPECT_FALSE(m);
  EXPECT_EQ(why, "one usable CPU: no cross-CPU round trip");
}

}  // namespace
