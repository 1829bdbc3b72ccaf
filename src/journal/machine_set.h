// machines.json: the index of a cross-machine directory, which `merge`
// makes from whole runs of different machines (run/merge.h) and `report`
// reads back (report/machines.h). Such a directory holds
//
//   machines.json             this index
//   machines/<dir>/           a copy of each machine's run directory
//   report.md, results.json,  the cross-machine report, computed from the
//   report.html               copies alone (`alloc-shootout report DIR`
//                             regenerates it)
//
// Each machine is named by its manifest (journal::machine_name) and labelled
// for column headings ("x86_64, 4 KiB pages").
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "journal/manifest.h"

namespace shootout::journal {

inline constexpr const char* kMachineSetFile = "machines.json";

struct MachineEntry {
  std::string label;   // unique within the set: "aarch64, 64 KiB pages"
  std::string name;    // machine_name() of its manifest
  std::string dir;     // its copy, relative to the set: "machines/aarch64-64k"
  std::string source;  // the run directory given to merge
  bool operator==(const MachineEntry&) const = default;
};

struct MachineSet {
  std::string tool = "alloc-shootout";
  std::string tool_version;
  std::vector<MachineEntry> machines;  // in the order given to merge
  bool operator==(const MachineSet&) const = default;
};

void to_json(nlohmann::json& j, const MachineSet& set);
// Throws std::invalid_argument naming what is missing: machines.json must
// list at least one machine, each with a label and a dir.
void from_json(const nlohmann::json& j, MachineSet& set);

// Labels and directory names for runs of these machines, in order: the
// architecture and page size ("x86_64, 4 KiB pages", "machines/x86_64-4k");
// where two share them, the CPU model, then the host name, then a number is
// added until every label is unique.
std::vector<MachineEntry> name_machines(const std::vector<MachineFacts>& machines);

}  // namespace shootout::journal
