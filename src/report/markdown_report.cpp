#include "report/markdown_report.h"

#include "report/document.h"
#include "report/text_format.h"

namespace shootout::report {

namespace {

void render_table(const Table& t, std::string& out) {
  out += "|";
  for (const auto& h : t.header) out += " " + text::escape_markdown(h) + " |";
  out += "\n|";
  for (std::size_t i = 0; i < t.header.size(); ++i)
    out += (i < t.numeric.size() && t.numeric[i]) ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const auto& cell : row) out += " " + text::escape_markdown(cell) + " |";
    out += "\n";
  }
  out += "\n";
}

}  // namespace

std::string markdown_report(const ReportModel& model) {
  return markdown_report(build_document(model));
}

std::string markdown_report(const Document& doc) {
  std::string out = "# " + text::escape_markdown(doc.title) + "\n\n";
  out += "Charts of these tables are in report.html.\n\n";
  for (const auto& section : doc.sections) {
    out += std::string(static_cast<std::size_t>(section.level), '#') + " " +
           text::escape_markdown(section.title) + "\n\n";
    for (const auto& block : section.blocks) {
      switch (block.kind) {
        case Block::Kind::paragraph:
          out += text::escape_markdown(block.text) + "\n\n";
          break;
        case Block::Kind::bullets:
          for (const auto& item : block.items) out += "- " + text::escape_markdown(item) + "\n";
          out += "\n";
          break;
        case Block::Kind::table:
          render_table(block.table, out);
          break;
        case Block::Kind::chart:
          break;  // drawn in report.html
      }
    }
  }
  while (out.size() >= 2 && out.compare(out.size() - 2, 2, "\n\n") == 0) out.pop_back();
  return out;
}

}  // namespace shootout::report
