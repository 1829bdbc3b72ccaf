// report.html: one self-contained page, readable offline — the tables of
// report.md plus charts drawn by gnuplot's SVG terminal and embedded inline
// (no scripts, no external files). Every string from the data is escaped,
// in the tables and inside the SVG. Without gnuplot the page says so where
// the charts would be.
#pragma once

#include <string>

#include "report/model.h"

namespace shootout::report {

struct HtmlOptions {
  std::string gnuplot = "gnuplot";  // path, or a name looked up in PATH
};

struct Document;

std::string html_report(const ReportModel& model, const HtmlOptions& options = {});
// The same from a document already laid out (report/document.h); charts are
// drawn in run_dir (gnuplot's scratch files).
std::string html_report(const Document& doc, const std::string& run_dir,
                        const HtmlOptions& options = {});

}  // namespace shootout::report
