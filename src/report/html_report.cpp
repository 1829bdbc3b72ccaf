#include "report/html_report.h"

#include <fmt/format.h>

#include "report/charts.h"
#include "report/document.h"
#include "report/text_format.h"

namespace shootout::report {

namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
nav ul { columns: 3; list-style: none; padding-left: 0; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; display: block; overflow-x: auto; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
figure.chart { margin: 1.5em 0; }
figure.chart svg { width: 100%; height: auto; max-width: 1100px; }
figcaption { font-size: 0.85em; color: #555; }
.warning { background: #fff4e5; border-left: 4px solid #e69f00; padding: 0.5em 1em; }
)";

std::string render_table(const Table& t) {
  std::string out = "<table>\n<thead><tr>";
  for (const auto& h : t.header) out += "<th>" + text::escape_html(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const bool numeric = i < t.numeric.size() && t.numeric[i];
      out += (numeric ? "<td class=\"num\">" : "<td>") + text::escape_html(row[i]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string render_chart(const Chart& chart, ChartRenderer& renderer) {
  const std::string title = text::escape_html(chart_title(chart));
  std::string error;
  if (auto svg = renderer.render(chart, error))
    return "<figure class=\"chart\">\n" + *svg + "\n<figcaption>" + title +
           "</figcaption>\n</figure>\n";
  return "<p class=\"warning\">Chart not drawn (" + text::escape_html(error) + "): " + title +
         "</p>\n";
}

}  // namespace

std::string html_report(const ReportModel& model, const HtmlOptions& options) {
  return html_report(build_document(model), model.run.run_dir, options);
}

std::string html_report(const Document& doc, const std::string& run_dir,
                        const HtmlOptions& options) {
  ChartRenderer renderer(options.gnuplot, run_dir);
  const std::string title = text::escape_html(doc.title);

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + title + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<h1>" + title + "</h1>\n";
  if (!renderer.available())
    out += "<p class=\"warning\">Charts are not shown: " +
           text::escape_html(renderer.unavailable_reason()) +
           ". Install gnuplot (Debian: gnuplot-nox) and run <code>alloc-shootout report DIR</code> "
           "again to draw them.</p>\n";

  out += "<nav>\n<ul>\n";
  for (const auto& section : doc.sections)
    if (section.level == 2)
      out += "<li><a href=\"#" + text::escape_html(section.id) + "\">" +
             text::escape_html(section.title) + "</a></li>\n";
  out += "</ul>\n</nav>\n";

  for (const auto& section : doc.sections) {
    const std::string h = "h" + std::to_string(section.level);
    out += "<section id=\"" + text::escape_html(section.id) + "\">\n<" + h + ">" +
           text::escape_html(section.title) + "</" + h + ">\n";
    for (const auto& block : section.blocks) {
      switch (block.kind) {
        case Block::Kind::paragraph:
          out += "<p>" + text::escape_html(block.text) + "</p>\n";
          break;
        case Block::Kind::bullets:
          out += "<ul>\n";
          for (const auto& item : block.items) out += "<li>" + text::escape_html(item) + "</li>\n";
          out += "</ul>\n";
          break;
        case Block::Kind::table:
          out += render_table(block.table);
          break;
        case Block::Kind::chart:
          if (renderer.available())
            out += render_chart(*block.chart, renderer);
          else
            out += "<p class=\"warning\">Chart not drawn (gnuplot unavailable): " +
                   text::escape_html(chart_title(*block.chart)) + "</p>\n";
          break;
      }
    }
    out += "</section>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace shootout::report
