#include "run/cell_records.h"

#include <cctype>

namespace shootout::run {

journal::CellIdentity cell_identity(const Cell& cell) {
  journal::CellIdentity id;
  id.cell = cell.id;
  id.group = cell.group;
  id.workload = cell.workload;
  id.family = cell.family;
  id.payload = cell.payload;
  id.runtime = cell.runtime;
  id.allocator = cell.allocator.name;
  id.variant = cell.variant;
  id.tuning = cell.tuning;
  id.probes = cell.probe_mode;
  id.injection = alloc::to_string(cell.injection);
  id.baseline = cell.baseline;
  id.baseline_cell = cell.baseline_cell;
  id.object = cell.allocator.is_std() ? "" : cell.allocator.path;
  return id;
}

std::string file_stem(const std::string& text) {
  std::string name;
  for (char c : text)
    name += (isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') ? c : '_';
  return name;
}

std::string log_name(const std::string& cell_id, int process) {
  return file_stem(cell_id) + (process == 0 ? "" : ".process" + std::to_string(process)) + ".log";
}

}  // namespace shootout::run
