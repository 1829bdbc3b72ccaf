// Names: parsing, canonical spelling, selection syntax, the catalog, and
// the errors bad names and modes give.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace shootout::workloads {
namespace {

using Names = std::vector<std::string>;

std::string error_of(const std::string& selection) {
  try {
    expand_selection(selection);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Names, StudyCasesAreTheIssuesCanonicalNames) {
  const Names expected = {"spawn_many/1000",
                          "spawn_many/5000",
                          "spawn_many/10000",
                          "mpsc/8",
                          "mpsc/64",
                          "mpsc/256",
                          "mpsc/512",
                          "mpsc/1024",
                          "mpsc/4096",
                          "mpsc/16384",
                          "mpsc/32768",
                          "block_on_alloc/100x64",
                          "block_on_alloc/100x4096",
                          "block_on_alloc/1000x64",
                          "block_on_alloc/1000x4096",
                          "alloc_stress/100",
                          "alloc_stress/1000",
                          "spawn_many_local/10k",
                          "spawn_many_remote_idle/10k",
                          "mpsc_contention/5x1000",
                          "mpsc_large/5x1000_32KB",
                          "block_on_alloc_st/1000x32KB",
                          "spawn_st/1k"};
  EXPECT_EQ(expand_selection("*"), expected);
  for (const std::string& name : expected) EXPECT_EQ(expand_selection(name), Names{name});
}

TEST(Names, OtherSpellingsCanonicalise) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"spawn_many/10k", "spawn_many/10000"},
      {"spawn_many/2000", "spawn_many/2000"},
      {"spawn_many_local/10000", "spawn_many_local/10k"},
      {"spawn_many_local/1500", "spawn_many_local/1500"},
      {"spawn_many_remote_idle/10K", "spawn_many_remote_idle/10k"},
      {"spawn_st/1000", "spawn_st/1k"},
      {"mpsc/32K", "mpsc/32768"},
      {"mpsc/32KB", "mpsc/32768"},
      {"mpsc/1KiB", "mpsc/1024"},
      {"mpsc/8B", "mpsc/8"},
      {"mpsc/24576", "mpsc/24576"},
      {"block_on_alloc/1000x4K", "block_on_alloc/1000x4096"},
      {"block_on_alloc/1kx64", "block_on_alloc/1000x64"},
      {"alloc_stress/1k", "alloc_stress/1000"},
      {"mpsc_contention/5x1k", "mpsc_contention/5x1000"},
      {"mpsc_large/5x1000_32768", "mpsc_large/5x1000_32KB"},
      {"mpsc_large/3x500_16KB", "mpsc_large/3x500_16KB"},
      {"mpsc_large/2x10_100", "mpsc_large/2x10_100B"},
      {"block_on_alloc_st/1000x32768", "block_on_alloc_st/1000x32KB"},
      {"block_on_alloc_st/1kx1M", "block_on_alloc_st/1000x1024KB"},
  };
  for (const auto& [input, canonical] : cases) {
    EXPECT_EQ(expand_selection(input), Names{canonical}) << input;
  }
}

TEST(Names, MakeWorkloadRecordsTheCanonicalName) {
  WorkloadParams params;
  params.name = "spawn_st/1000";
  EXPECT_EQ(make_workload(params)->info().name, "spawn_st/1k");
  params.name = "mpsc/4K";
  params.payload = PayloadMode::filled;
  EXPECT_EQ(make_workload(params)->info().name, "mpsc/4096");
}

TEST(Selection, GlobsMatchStudyCases) {
  EXPECT_EQ(expand_selection("mpsc/*").size(), 8u);
  EXPECT_EQ(expand_selection("spawn_*"),
            (Names{"spawn_many/1000", "spawn_many/5000", "spawn_many/10000", "spawn_many_local/10k",
                   "spawn_many_remote_idle/10k", "spawn_st/1k"}));
  EXPECT_EQ(expand_selection("*_st/*"), (Names{"block_on_alloc_st/1000x32KB", "spawn_st/1k"}));
  EXPECT_EQ(expand_selection("mpsc_large"), Names{"mpsc_large/5x1000_32KB"});
}

TEST(Selection, BraceListsAndGrids) {
  EXPECT_EQ(expand_selection("mpsc/{8,64,24576}"), (Names{"mpsc/8", "mpsc/64", "mpsc/24576"}));
  EXPECT_EQ(expand_selection("block_on_alloc/{100,1000}x{64,4K}"),
            (Names{"block_on_alloc/100x64", "block_on_alloc/100x4096", "block_on_alloc/1000x64",
                   "block_on_alloc/1000x4096"}));
  const Names grid = expand_selection("mpsc/8..32768");
  ASSERT_EQ(grid.size(), 13u);
  EXPECT_EQ(grid.front(), "mpsc/8");
  EXPECT_EQ(grid[1], "mpsc/16");
  EXPECT_EQ(grid.back(), "mpsc/32768");
  EXPECT_EQ(expand_selection("mpsc/log:8..32768"), grid);
  EXPECT_EQ(expand_selection("mpsc/1K..4K"), (Names{"mpsc/1024", "mpsc/2048", "mpsc/4096"}));
  EXPECT_EQ(expand_selection("block_on_alloc/100x64..256"),
            (Names{"block_on_alloc/100x64", "block_on_alloc/100x128", "block_on_alloc/100x256"}));
  EXPECT_EQ(expand_selection("mpsc/{8..16,24576}"), (Names{"mpsc/8", "mpsc/16", "mpsc/24576"}));
}

TEST(Selection, CommaListsDeduplicateInOrder) {
  EXPECT_EQ(expand_selection("mpsc/64,spawn_st/1k,mpsc/64,mpsc/{64,8}"),
            (Names{"mpsc/64", "spawn_st/1k", "mpsc/8"}));
}

TEST(Selection, UnknownNamesListFamiliesAndPatterns) {
  // Unknown families (and empty selections) list every family's pattern.
  for (const std::string bad : {"nosuch/1", "nosuch", "nosuch*", "", ",", "Mpsc/8"}) {
    const std::string message = error_of(bad);
    for (const char* pattern : {"spawn_many/N", "mpsc/SIZE", "block_on_alloc/NxSIZE",
                                "mpsc_large/SxN_SIZE", "spawn_st/N", "mpsc/8..32768"}) {
      EXPECT_NE(message.find(pattern), std::string::npos) << bad << ": " << message;
    }
  }
  // Bad parameters of a known family name that family's pattern.
  const std::vector<std::pair<std::string, std::string>> bad_params = {
      {"mpsc/0", "mpsc/SIZE"},
      {"mpsc/abc", "mpsc/SIZE"},
      {"mpsc/", "mpsc/SIZE"},
      {"mpsc/8x", "mpsc/SIZE"},
      {"block_on_alloc/100", "block_on_alloc/NxSIZE"},
      {"mpsc_large/5x1000", "mpsc_large/SxN_SIZE"},
      {"spawn_many/-3", "spawn_many/N"},
      {"spawn_many/99999999999999", "spawn_many/N"},
      {"mpsc/2G", "mpsc/SIZE"},
  };
  for (const auto& [bad, pattern] : bad_params) {
    const std::string message = error_of(bad);
    EXPECT_NE(message.find(pattern), std::string::npos) << bad << ": " << message;
  }
  // Malformed selection syntax says what is wrong.
  for (const std::string bad : {"mpsc/{8,64", "mpsc/8}", "mpsc/64..8", "mpsc/8..32K"}) {
    EXPECT_NE(error_of(bad), "(no error)") << bad;
  }
  WorkloadParams params;
  params.name = "mpsc/lots";
  params.payload = PayloadMode::zeroed;
  try {
    make_workload(params);
    FAIL() << "no error for " << params.name;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("mpsc/SIZE"), std::string::npos) << e.what();
  }
}

TEST(PayloadModes, NamesRoundTrip) {
  for (PayloadMode mode : {PayloadMode::zeroed, PayloadMode::filled, PayloadMode::uninit,
                           PayloadMode::floor, PayloadMode::none}) {
    EXPECT_EQ(payload_mode_from_string(to_string(mode)), mode);
  }
  try {
    payload_mode_from_string("calloc");
    FAIL();
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    for (const char* valid : {"zeroed", "filled", "uninit", "floor", "none"}) {
      EXPECT_NE(message.find(valid), std::string::npos) << message;
    }
  }
}

TEST(PayloadModes, InvalidModeForTheWorkloadNamesTheValidOnes) {
  WorkloadParams params;
  params.name = "mpsc/64";
  params.payload = PayloadMode::none;
  try {
    make_workload(params);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("zeroed, filled, uninit, floor"), std::string::npos)
        << e.what();
  }
  params.name = "spawn_many/100";
  params.payload = PayloadMode::zeroed;
  try {
    make_workload(params);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("none"), std::string::npos) << e.what();
  }
  params.name = "mpsc_contention/2x10";
  params.payload = PayloadMode::filled;
  EXPECT_THROW(make_workload(params), std::invalid_argument);
  params.payload = PayloadMode::none;
  params.pool_threads = -1;
  EXPECT_THROW(make_workload(params), std::invalid_argument);
}

TEST(Catalog, OneEntryPerFamilyWithParsableStudyCases) {
  const auto& entries = catalog();
  ASSERT_EQ(entries.size(), 10u);
  std::size_t cases = 0;
  for (const CatalogEntry& entry : entries) {
    EXPECT_FALSE(entry.description.empty()) << entry.family;
    EXPECT_FALSE(entry.parameters.empty()) << entry.family;
    EXPECT_EQ(entry.pattern.rfind(entry.family + "/", 0), 0u) << entry.pattern;
    EXPECT_FALSE(entry.study_cases.empty()) << entry.family;
    for (const std::string& name : entry.study_cases) {
      EXPECT_EQ(name.rfind(entry.family + "/", 0), 0u) << name;
      EXPECT_EQ(expand_selection(name), Names{name});
    }
    cases += entry.study_cases.size();
    const bool payload_family = entry.family == "mpsc" || entry.family == "mpsc_large" ||
                                entry.family == "block_on_alloc" ||
                                entry.family == "alloc_stress" ||
                                entry.family == "block_on_alloc_st";
    EXPECT_EQ(entry.takes_payload, payload_family) << entry.family;
  }
  EXPECT_EQ(cases, 23u);
  EXPECT_NE(entries[1].parameters.find("8..32768"), std::string::npos);
  EXPECT_NE(std::string(selection_syntax()).find("{8,64,24576}"), std::string::npos);
}

}  // namespace
}  // namespace shootout::workloads
