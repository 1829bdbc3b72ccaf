// report.md: the study's tables as GitHub-flavoured markdown (charts are in
// report.html only).
#pragma once

#include <string>

#include "report/analysis.h"

namespace shootout::report {

std::string markdown_report(const RunModel& model);

}  // namespace shootout::report
