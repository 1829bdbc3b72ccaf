// The family table (docs/design.md §4) and the public catalog() built from it.
#include "workloads/catalog.h"

#include <stdexcept>

#include "workloads/workload.h"

namespace shootout::workloads {
namespace {

std::vector<FamilyDef> build_table() {
  std::vector<FamilyDef> t;
  t.push_back({Family::spawn_many,
               "spawn_many",
               "spawn_many/N",
               "bench thread spawns N tasks onto the pool (body: count itself, decrement a "
               "countdown), then waits until all have finished; executed bodies must equal N",
               "N: tasks per iteration (>= 1; suffix k = 1000)",
               Shape::count,
               CountStyle::decimal,
               SizeStyle::bytes,
               false,
               4,
               {"spawn_many/1000", "spawn_many/5000", "spawn_many/10000"}});
  t.push_back({Family::mpsc,
               "mpsc",
               "mpsc/SIZE",
               "1 sender task on the pool sends 1000 payloads of SIZE bytes through a bounded "
               "channel (capacity 100); the bench thread receives them inside block_on and "
               "checks byte 0, the last byte and one byte per page of each (SIZE/4096 + 2 "
               "reads, the same under every allocator; zeroed: byte 0 and its page's "
               "last byte only, as reading a page nobody wrote would fault)",
               "SIZE: payload bytes >= 1 (suffix K/KB/KiB = 1024, M/MB/MiB = 1048576). Sweeps: "
               "a list mpsc/{8,64,24576}, or a doubling grid mpsc/8..32768 (8, 16, 32, ..., "
               "32768; also 1K..32K)",
               Shape::size,
               CountStyle::decimal,
               SizeStyle::bytes,
               true,
               4,
               {"mpsc/8", "mpsc/64", "mpsc/256", "mpsc/512", "mpsc/1024", "mpsc/4096", "mpsc/16384",
                "mpsc/32768"}});
  t.push_back({Family::block_on_alloc,
               "block_on_alloc",
               "block_on_alloc/NxSIZE",
               "inside block_on on the bench thread: N payloads of SIZE bytes kept in a vector, "
               "each touched, all freed at the end (the pool stays idle)",
               "N: payloads per iteration (suffix k = 1000); SIZE: payload bytes (suffix K/KB "
               "= 1024). Sweeps: block_on_alloc/{100,1000}x64..32768",
               Shape::count_x_size,
               CountStyle::decimal,
               SizeStyle::bytes,
               true,
               4,
               {"block_on_alloc/100x64", "block_on_alloc/100x4096", "block_on_alloc/1000x64",
                "block_on_alloc/1000x4096"}});
  t.push_back({Family::alloc_stress,
               "alloc_stress",
               "alloc_stress/N",
               "inside block_on on the bench thread: N payloads of log-uniform random size "
               "16 B..32 KiB (fixed seed, drawn outside timing), each touched, freed in a "
               "precomputed shuffled order",
               "N: payloads per iteration (>= 1; suffix k = 1000)",
               Shape::count,
               CountStyle::decimal,
               SizeStyle::bytes,
               true,
               4,
               {"alloc_stress/100", "alloc_stress/1000"}});
  t.push_back({Family::spawn_many_local,
               "spawn_many_local",
               "spawn_many_local/N",
               "tokio's spawn_many_local: inside block_on the bench thread spawns N tasks onto "
               "the pool; the last task to finish signals a channel that block_on awaits",
               "N: tasks per iteration (>= 1; suffix k = 1000)",
               Shape::count,
               CountStyle::kilo,
               SizeStyle::bytes,
               false,
               4,
               {"spawn_many_local/10k"}});
  t.push_back({Family::spawn_many_remote_idle,
               "spawn_many_remote_idle",
               "spawn_many_remote_idle/N",
               "tokio's spawn_many_remote_idle: the bench thread spawns N empty tasks onto the "
               "pool, each completing a slot of a preallocated array, then waits for each slot "
               "in spawn order",
               "N: tasks per iteration (>= 1; suffix k = 1000)",
               Shape::count,
               CountStyle::kilo,
               SizeStyle::bytes,
               false,
               4,
               {"spawn_many_remote_idle/10k"}});
  t.push_back({Family::mpsc_contention,
               "mpsc_contention",
               "mpsc_contention/SxN",
               "tokio's sync_mpsc contention: S sender tasks each send N size_t values through a "
               "channel of capacity 1000000; the bench thread receives S*N inside block_on",
               "S: sender tasks >= 1; N: values per sender (suffix k = 1000)",
               Shape::senders_x_count,
               CountStyle::decimal,
               SizeStyle::bytes,
               false,
               6,
               {"mpsc_contention/5x1000"}});
  t.push_back({Family::mpsc_large,
               "mpsc_large",
               "mpsc_large/SxN_SIZE",
               "S sender tasks each send N payloads of SIZE bytes through a channel of capacity "
               "100; the bench thread receives S*N inside block_on and checks byte 0, the last "
               "byte and one byte per page of each (SIZE/4096 + 2 reads, the same under every "
               "allocator; zeroed: byte 0 and its page's last byte only, as reading a page nobody "
               "wrote would fault)",
               "S: sender tasks >= 1; N: payloads per sender (suffix k = 1000); SIZE: payload "
               "bytes (suffix K/KB = 1024; canonical 32KB, or 100B when not a multiple of 1024)",
               Shape::senders_x_count_size,
               CountStyle::decimal,
               SizeStyle::kib,
               true,
               4,
               {"mpsc_large/5x1000_32KB"}});
  t.push_back({Family::block_on_alloc_st,
               "block_on_alloc_st",
               "block_on_alloc_st/NxSIZE",
               "current-thread runtime: N payloads of SIZE bytes, each created, touched and "
               "freed in turn on the one thread",
               "N: payloads per iteration (suffix k = 1000); SIZE: payload bytes (suffix K/KB "
               "= 1024; canonical 32KB, or 100B when not a multiple of 1024)",
               Shape::count_x_size,
               CountStyle::decimal,
               SizeStyle::kib,
               true,
               0,
               {"block_on_alloc_st/1000x32KB"}});
  t.push_back({Family::spawn_st,
               "spawn_st",
               "spawn_st/N",
               "current-thread runtime: inside block_on spawn N tasks and run them to completion "
               "on the one thread",
               "N: tasks per iteration (>= 1; suffix k = 1000)",
               Shape::count,
               CountStyle::kilo,
               SizeStyle::bytes,
               false,
               0,
               {"spawn_st/1k"}});
  return t;
}

}  // namespace

const std::vector<FamilyDef>& family_defs() {
  static const std::vector<FamilyDef> table = build_table();
  return table;
}

const FamilyDef& family_def(Family family) {
  for (const FamilyDef& def : family_defs()) {
    if (def.family == family) return def;
  }
  throw std::logic_error("family missing from the workload table");
}

const FamilyDef* find_family(std::string_view name) {
  for (const FamilyDef& def : family_defs()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

const std::vector<CatalogEntry>& catalog() {
  static const std::vector<CatalogEntry> entries = [] {
    std::vector<CatalogEntry> out;
    for (const FamilyDef& def : family_defs()) {
      out.push_back({std::string(def.name), std::string(def.pattern), std::string(def.description),
                     std::string(def.parameters), def.study_cases, def.takes_payload});
    }
    return out;
  }();
  return entries;
}

}  // namespace shootout::workloads
