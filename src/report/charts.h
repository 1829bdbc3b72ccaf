// Charts for report.html, drawn by gnuplot's SVG terminal (as Criterion
// does) and embedded inline. Every label reaches gnuplot as a placeholder
// token and is replaced in the SVG by its HTML-escaped text, so no string
// from the data is ever interpreted by gnuplot or by the browser.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "stats/estimate.h"

namespace shootout::report {

// Grouped bars with CI whiskers: groups on x, one bar per series in a group.
struct BarChart {
  std::string title, y_label;
  std::vector<std::string> groups;
  struct Series {
    std::string name, color;
    std::vector<std::optional<stats::Interval>> values;  // one per group; empty = no bar
  };
  std::vector<Series> series;
  double reference = 1.0;  // dashed horizontal line (ratio 1 = as fast as the baseline)
};

// Lines with error bars over a numeric x (log2 axis), e.g. ratio vs size.
struct LineChart {
  std::string title, x_label, y_label;
  struct Point {
    double x;
    stats::Interval y;
  };
  struct Series {
    std::string name, color;
    int dash = 1;  // gnuplot dash type: 1 solid, 2 dashed, ...
    std::vector<Point> points;
  };
  std::vector<Series> series;
  std::vector<std::pair<double, std::string>> x_tics;  // position, label
  double reference = 1.0;
};

// Points on log-log axes, one series per variant.
struct ScatterChart {
  std::string title, x_label, y_label;
  struct Series {
    std::string name, color;
    std::vector<std::pair<double, double>> points;
  };
  std::vector<Series> series;
  double reference = 1.0;  // dashed lines at x = 1 and y = 1
};

using Chart = std::variant<BarChart, LineChart, ScatterChart>;

// The chart's title, for captions and alt text.
const std::string& chart_title(const Chart& chart);

class ChartRenderer {
 public:
  // `gnuplot`: a path or a name looked up in PATH. Scripts are written to
  // `temp_dir` (the run directory) and removed after use.
  ChartRenderer(std::string gnuplot, std::string temp_dir);

  // False (with the reason) when gnuplot cannot be run.
  bool available();
  const std::string& unavailable_reason() const { return reason_; }

  // The chart as inline SVG markup ("<svg ...>...</svg>"), or empty with
  // `error` set when gnuplot failed.
  std::optional<std::string> render(const Chart& chart, std::string& error);

  // The gnuplot script for a chart, with placeholder tokens for labels
  // (exposed for tests). `labels` receives token -> text.
  static std::string script(const Chart& chart,
                            std::vector<std::pair<std::string, std::string>>& labels);

 private:
  std::string gnuplot_, temp_dir_, reason_;
  std::optional<bool> available_;
};

}  // namespace shootout::report
