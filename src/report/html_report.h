// report.html: one self-contained page, readable offline — the tables of
// report.md plus charts drawn by gnuplot's SVG terminal and embedded inline
// (no scripts, no external files). Every string from the data is escaped,
// in the tables and inside the SVG. Without gnuplot the page says so where
// the charts would be.
#pragma once

#include <string>

#include "report/analysis.h"

namespace shootout::report {

struct HtmlOptions {
  std::string gnuplot = "gnuplot";  // path, or a name looked up in PATH
};

std::string html_report(const RunModel& model, const HtmlOptions& options = {});

}  // namespace shootout::report
