// The report as structured content — sections of paragraphs, bullet lists,
// tables and charts — laid out from the report model (report/model.h), so report.md and
// report.html show the same tables with the same figures. Cell text is plain
// (unescaped); each renderer escapes it for its format.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/charts.h"
#include "report/model.h"

namespace shootout::report {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;  // per column: right-aligned
};

struct Block {
  enum class Kind { paragraph, bullets, table, chart };
  Kind kind = Kind::paragraph;
  std::string text;                // paragraph
  std::vector<std::string> items;  // bullets
  Table table;
  std::optional<Chart> chart;  // drawn in HTML only
};

struct Section {
  std::string id;  // HTML anchor
  std::string title;
  int level = 2;  // 2 = ##, 3 = ###
  std::vector<Block> blocks;
};

struct Document {
  std::string title;
  std::vector<Section> sections;
};

Document build_document(const ReportModel& model);

// Blocks, for every document builder (this report's and the cross-machine
// report's, report/machines_report.h).
Block paragraph(std::string text);
Block bullets(std::vector<std::string> items);
Block table_block(Table t);  // pads `numeric` to the header's width
Block chart_block(Chart c);
// The i-th colour of the charts' palette (Okabe–Ito, repeating).
const char* series_color(std::size_t i);

}  // namespace shootout::report
