// results.json: the analysed run as one JSON document, versioned
// ({"schema": 1, ...}): the manifest as recorded, every cell with its
// estimates and CIs, ratio, counters (per iteration and per element, with
// sources), key driver and failure; the tuning effects, cliffs and
// allocation profiles. Field meanings: src/report/README.md.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "report/model.h"

namespace shootout::report {

inline constexpr int kResultsSchemaVersion = 1;

nlohmann::ordered_json results_json(const ReportModel& model);
std::string json_report(const ReportModel& model);  // results_json, indented, newline-terminated

}  // namespace shootout::report
