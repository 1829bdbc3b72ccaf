#include "report/report.h"

#include <algorithm>
#include <optional>

#include "common/atomic_file.h"
#include "report/csv_report.h"
#include "report/document.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/markdown_report.h"

namespace shootout::report {

const char* file_name(Format format) {
  switch (format) {
    case Format::markdown:
      return "report.md";
    case Format::csv:
      return "bench_results.csv";
    case Format::json:
      return "results.json";
    case Format::html:
      return "report.html";
  }
  return "report";
}

const std::vector<Format>& all_formats() {
  static const std::vector<Format> formats = {Format::markdown, Format::csv, Format::json,
                                              Format::html};
  return formats;
}

Format parse_format(std::string_view name) {
  if (name == "md" || name == "markdown") return Format::markdown;
  if (name == "csv") return Format::csv;
  if (name == "json") return Format::json;
  if (name == "html") return Format::html;
  throw ReportError("unknown report format '" + std::string(name) +
                    "' (valid: md, csv, json, html)");
}

std::vector<std::string> write_formats(const std::string& dir, const std::vector<Format>& formats,
                                       const std::function<std::string(Format)>& render) {
  std::vector<std::string> written;
  std::vector<Format> done;
  for (Format f : formats) {
    if (std::find(done.begin(), done.end(), f) != done.end()) continue;
    done.push_back(f);
    const std::string text = render(f);
    const std::string path = dir + "/" + file_name(f);
    try {
      common::write_file_atomically(path, text);
    } catch (const common::FileWriteError& e) {
      throw ReportError(e.what());
    }
    written.push_back(path);
  }
  return written;
}

std::vector<std::string> write_reports(const ReportModel& model,
                                       const std::vector<Format>& formats) {
  const std::string& run_dir = model.run.run_dir;
  // report.md and report.html lay out the same document.
  std::optional<Document> document;
  auto laid_out = [&]() -> const Document& {
    if (!document) document = build_document(model);
    return *document;
  };
  return write_formats(run_dir, formats, [&](Format f) {
    switch (f) {
      case Format::markdown:
        return markdown_report(laid_out());
      case Format::csv:
        return csv_report(model);
      case Format::json:
        return json_report(model);
      case Format::html:
        return html_report(laid_out(), run_dir);
    }
    return std::string();
  });
}

}  // namespace shootout::report
