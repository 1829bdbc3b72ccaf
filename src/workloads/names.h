// Workload names: parsing a name into its family and parameters, and the
// canonical spelling every result records (docs/design.md §4 table).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "workloads/catalog.h"

namespace shootout::workloads {

// One parsed instance. Fields a family does not use stay at their fixed
// value (mpsc: count = 1000 messages, senders = 1).
struct Spec {
  const FamilyDef* def = nullptr;
  std::string name;           // canonical
  std::uint64_t count = 0;    // tasks, payloads, or messages per sender
  std::uint64_t size = 0;     // payload bytes (0 when the family has none)
  std::uint64_t senders = 0;  // sender tasks (channel families)
};

// Throws std::invalid_argument naming the families and their patterns.
Spec parse_name(std::string_view name);

// "unknown workload ...: valid names are ..." text shared by every error.
std::string valid_names_help();

}  // namespace shootout::workloads
