// Two fixed, synthetic run directories of one plan on two machines, for the
// cross-machine report: std / jemalloc / mimalloc / jemalloc[tcache_max:4096]
// on mpsc/32768 and block_on_alloc/100x4096 (zeroed), 10 rounds, on an
// x86-64 machine with 4 KiB pages and an aarch64 machine with 64 KiB pages.
// On x86-64 jemalloc purges every freed 32 KiB buffer (one MADV_DONTNEED and
// one fault per message) and is slower than std; on aarch64 it is not, so
// that finding differs while mimalloc's holds. Written with the journal's
// typed records and integer arithmetic only: identical on every machine.
// The committed copies are tests/report/data/machines/{x86_64,aarch64}.
#pragma once

#include <string>

namespace shootout::report::testing {

enum class FixtureMachine { x86_64, aarch64 };

// "x86_64" / "aarch64": the committed copy's directory name.
std::string machine_dir_name(FixtureMachine machine);
std::string machine_manifest(FixtureMachine machine);
std::string machine_journal(FixtureMachine machine);
// Writes manifest.json and samples.jsonl into `dir` (created if needed).
void write_machine_run(const std::string& dir, FixtureMachine machine);

}  // namespace shootout::report::testing
