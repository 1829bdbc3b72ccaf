// A fixed, synthetic run directory for the report tests: manifest.json and
// samples.jsonl of std / jemalloc / mimalloc on mpsc/{8,4096,32768} (zeroed
// and filled) and spawn_many/1000, a tuned jemalloc[tcache_max:4096], a
// tcmalloc cell that failed verification, allocation profiles, and a
// spawn_many group interrupted in attempt 1 and redone in attempt 2. Every
// value comes from integer arithmetic, so the files are identical on every
// machine. The committed copy lives in tests/report/data/fixture_run.
#pragma once

#include <string>

namespace shootout::report::testing {

// Rounds, so samples per cell, of both fixture runs (this one and
// machines_fixture.h's).
inline constexpr int kFixtureRounds = 10;

struct FixtureOptions {
  // Names the mimalloc variant "<script>alert(1)</script>" and puts markup in
  // the manifest, for the escaping tests.
  bool hostile_names = false;
  // Adds `floor` cells of mpsc/32768 (std 600 µs, the others 500 µs per
  // iteration), for the allocator-share tests; the committed fixture has none.
  bool with_floor = false;
};

// Writes manifest.json and samples.jsonl into `dir` (created if needed).
void write_fixture_run(const std::string& dir, const FixtureOptions& options = {});

// The two files' text.
std::string fixture_manifest(const FixtureOptions& options = {});
std::string fixture_journal(const FixtureOptions& options = {});

// Deterministic noise in [-1 %, +1 %] for one cell's sample of one round,
// from integers only (so fixtures are identical on every machine).
double fixture_noise(const std::string& cell, int round);

}  // namespace shootout::report::testing
