// exec's terminal table: the key drivers it names for a variant against the
// baseline come from the counters in excess of the faster side's, so
// start-up and the program's own buffers, alike under every allocator, are
// never named as a cause.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "exec/summary.h"

namespace shootout::exec {
namespace {

// `runs` rounds of one variant: wall time `ms` (±0.5 %), the given counters per run.
VariantResult variant(const std::string& label, double ms, std::map<std::string, double> counters,
                      bool baseline = false) {
  VariantResult v;
  v.label = label;
  v.baseline = baseline;
  for (int round = 0; round < 12; ++round) {
    const double wobble = 1 + 0.005 * ((round * 7) % 5 - 2) / 2.0;
    v.samples.push_back({round, ms * 1e6 * wobble, counters, 70000.0});
  }
  return v;
}

TEST(ExecSummary, SharedStartUpCountersAreNoCause) {
  // xz -9: ~3 brk and ~60500 faults per run under every allocator.
  const std::map<std::string, double> xz = {
      {"brk", 3},         {"mmap", 30}, {"munmap", 1}, {"madvise", 0}, {"minor_faults", 60516},
      {"major_faults", 0}};
  auto faster = xz;
  faster["minor_faults"] = 60100;
  const std::string table =
      summary_table("xz -9", {variant("std", 1000, xz, true), variant("mimalloc", 800, faster)});
  EXPECT_NE(table.find("mimalloc faster: faster in user space (std makes no more syscalls or "
                       "page faults that matter)"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find("heap trim"), std::string::npos) << table;
}

TEST(ExecSummary, ASlowerVariantNamesItsExcess) {
  const std::map<std::string, double> base = {{"brk", 3},
                                              {"mmap", 30},
                                              {"munmap", 1},
                                              {"madvise", 0},
                                              {"madvise_dontneed", 0},
                                              {"minor_faults", 1000}};
  auto purging = base;
  purging["madvise"] = purging["madvise_dontneed"] = 5000;
  purging["minor_faults"] = 6000;
  const std::string table =
      summary_table("prog", {variant("std", 100, base, true), variant("jemalloc", 150, purging)});
  EXPECT_NE(table.find("jemalloc slower: demand-zero faults after MADV_DONTNEED (+5000 "
                       "MADV_DONTNEED, +5000 page faults per run over std)"),
            std::string::npos)
      << table;
}

}  // namespace
}  // namespace shootout::exec
