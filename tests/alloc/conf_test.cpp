#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "alloc/conf.h"
#include "alloc/conf_verify.h"
#include "alloc/registry.h"
#include "support/scratch_dir.h"

using namespace shootout::alloc;

namespace {
std::string path_of(const std::string& name) {
  for (const auto& a : discover(read_loader_cache(), {}))
    if (a.name == name) return a.path;
  return {};
}
Allocator builtin(const std::string& name) {
  for (const auto& a : discover(read_loader_cache(), {}))
    if (a.name == name) return a;
  return {};
}
}  // namespace

TEST(Tuning, ParsesAllocatorAndPairs) {
  const Tuning t = parse_tuning("jemalloc:tcache_max:4096,narenas:1");
  EXPECT_EQ(t.allocator, "jemalloc");
  ASSERT_EQ(t.pairs.size(), 2u);
  EXPECT_EQ(t.pairs[0].key, "tcache_max");
  EXPECT_EQ(t.pairs[0].value, "4096");
  EXPECT_EQ(t.conf_text(), "tcache_max:4096,narenas:1");
  EXPECT_EQ(t.label(), "jemalloc[tcache_max:4096,narenas:1]");
}

TEST(Tuning, RefusesMalformedText) {
  for (const char* bad :
       {"jemalloc", ":tcache_max:1", "jemalloc:tcache_max", "jemalloc:tcache max:1",
        "jemalloc:tcache_max:1=2", "jemalloc:a:1,", "jemalloc:,a:1"}) {
    EXPECT_THROW(parse_tuning(bad), std::invalid_argument) << bad;
  }
  try {
    parse_tuning("jemalloc");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ALLOC:KEY:VALUE"), std::string::npos);
  }
}

TEST(Dialects, EncodeEachAllocatorsOwnVariables) {
  EXPECT_EQ(conf_environment(builtin("std"), parse_conf("arena_max:2,trim_threshold:0")),
            (std::map<std::string, std::string>{
                {"GLIBC_TUNABLES", "glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=0"}}));
  EXPECT_EQ(conf_environment(builtin("jemalloc"), parse_conf("tcache_max:4096,narenas:1")),
            (std::map<std::string, std::string>{{"MALLOC_CONF", "tcache_max:4096,narenas:1"}}));
  EXPECT_EQ(conf_environment(builtin("mimalloc"), parse_conf("decommit_delay:0")),
            (std::map<std::string, std::string>{{"MIMALLOC_DECOMMIT_DELAY", "0"}}));
  EXPECT_EQ(conf_environment(builtin("tcmalloc"), parse_conf("release_rate:10")),
            (std::map<std::string, std::string>{{"TCMALLOC_RELEASE_RATE", "10"}}));
  EXPECT_EQ(conf_environment(builtin("tbbmalloc"), parse_conf("use_huge_pages:1")),
            (std::map<std::string, std::string>{{"TBB_MALLOC_USE_HUGE_PAGES", "1"}}));
  Allocator none;
  none.name = "mystery";
  EXPECT_THROW(conf_environment(none, parse_conf("a:1")), std::invalid_argument);
}

TEST(JemallocPrefix, DetectedFromTheExportedMallctl) {
  EXPECT_EQ(jemalloc_prefix(path_of("jemalloc")), std::optional<std::string>(""));
  EXPECT_EQ(jemalloc_prefix(FIXTURE_PREFIXED_JEMALLOC), std::optional<std::string>("_rjem_"));
  EXPECT_EQ(jemalloc_prefix(path_of("mimalloc")), std::nullopt);
  EXPECT_EQ(jemalloc_conf_variable(""), "MALLOC_CONF");
  EXPECT_EQ(jemalloc_conf_variable("_rjem_"), "_RJEM_MALLOC_CONF");
  EXPECT_EQ(jemalloc_conf_variable("je_"), "JE_MALLOC_CONF");
}

TEST(JemallocPrefix, AUserObjectGetsItsConfThroughThePrefixedVariable) {
  const Allocator user = parse_user_allocator(std::string("rjem=") + FIXTURE_PREFIXED_JEMALLOC);
  EXPECT_EQ(user.dialect, ConfDialect::jemalloc);  // found by its exported *mallctl
  EXPECT_EQ(conf_environment(user, parse_conf("tcache_max:4096")),
            (std::map<std::string, std::string>{{"_RJEM_MALLOC_CONF", "tcache_max:4096"}}));
}

TEST(Sweeps, BuiltInStudySweep) {
  const Sweep s = load_sweep("study");
  EXPECT_EQ(s.tunings.size(), 7u);
  EXPECT_EQ(s.tunings.front(), "jemalloc:retain:false");
  EXPECT_EQ(s.tunings.back(), "jemalloc:thp:always");
  EXPECT_EQ(s.payloads, (std::vector<std::string>{"zeroed", "filled"}));
  EXPECT_EQ(s.workloads.size(), 7u);
}

TEST(Sweeps, FileFormatAndItsErrors) {
  const std::string path = (shootout::test::scratch_root() / "sweep.json").string();
  auto write = [&](const std::string& text) { std::ofstream(path) << text; };
  write(
      R"({"sweep_format":1,"name":"mine","tunings":["jemalloc:dirty_decay_ms:0"],"workloads":["mpsc/8..64"]})");
  const Sweep s = load_sweep(path);
  EXPECT_EQ(s.name, "mine");
  EXPECT_EQ(s.tunings, (std::vector<std::string>{"jemalloc:dirty_decay_ms:0"}));
  EXPECT_TRUE(s.payloads.empty());
  write(R"({"sweep_format":2,"tunings":[]})");
  EXPECT_THROW(load_sweep(path), std::invalid_argument);
  write(R"({"sweep_format":1})");
  EXPECT_THROW(load_sweep(path), std::invalid_argument);
  write(R"({"sweep_format":1,"tunings":["jemalloc"]})");
  EXPECT_THROW(load_sweep(path), std::invalid_argument);
  write("not json");
  EXPECT_THROW(load_sweep(path), std::invalid_argument);
  try {
    load_sweep("no-such-sweep");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("built-in: study, glibc, glibc-trim, mimalloc, tcmalloc"),
              std::string::npos)
        << e.what();
  }
}

TEST(ReadBack, ValuesCompareNumericallyOrAsText) {
  EXPECT_TRUE(same_setting("4096", "4096"));
  EXPECT_TRUE(same_setting("2", "0x2"));  // ld.so --list-tunables prints hex
  EXPECT_TRUE(same_setting("false", "0"));
  EXPECT_TRUE(same_setting("-1", "-1"));
  EXPECT_TRUE(same_setting("always", "always"));
  EXPECT_FALSE(same_setting("banana", "32768"));
  EXPECT_FALSE(same_setting("4096", "32768"));
}

TEST(ReadBack, UnknownDialectKeysAreMarkedUnverified) {
  const TuningCheck check =
      verify_tuning(ConfDialect::tbbmalloc, parse_conf("use_huge_pages:1"), "");
  EXPECT_TRUE(check.ok);
  ASSERT_EQ(check.keys.size(), 1u);
  EXPECT_EQ(check.keys[0].status, KeyCheck::Status::unverified);
  EXPECT_NE(check.keys[0].how.find("no read-back"), std::string::npos);
}

// The record shape `run` and `exec` both write (docs/results-schema.md).
TEST(ReadBack, TuningCheckRecordShape) {
  const auto check = unverified_tuning(parse_conf("use_huge_pages:1"), "no read-back API");
  EXPECT_EQ(nlohmann::json(check), nlohmann::json::parse(R"({"ok":true,"message":"","keys":[
      {"key":"use_huge_pages","asked":"1","effective":"","status":"unverified",
       "how":"no read-back API"}]})"));
}
