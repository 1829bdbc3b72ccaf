// report.md: the study's tables as GitHub-flavoured markdown (charts are in
// report.html only).
#pragma once

#include <string>

#include "report/model.h"

namespace shootout::report {

struct Document;

std::string markdown_report(const ReportModel& model);
// The same from a document already laid out (report/document.h).
std::string markdown_report(const Document& doc);

}  // namespace shootout::report
