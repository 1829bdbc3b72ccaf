#include "report/charts.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "common/fd_io.h"
#include "common/subprocess.h"
#include "report/text_format.h"

namespace shootout::report {

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A token standing for `text` in the script: letters and digits only (no
// gnuplot quoting or enhanced-text meaning), padded to the text's width so
// gnuplot lays out legends and margins as if the real text were there.
std::string token(Labels& labels, const std::string& text) {
  std::string t = fmt::format("ZQ{}Q", labels.size());
  const std::size_t width = text::display_width(text);
  if (t.size() < width) t.append(width - t.size(), 'x');
  labels.emplace_back(t, text);
  return t;
}

// Six significant digits: finer than a chart can show.
std::string plot_number(double v) { return fmt::format("{:.6g}", v); }

std::string header(Labels& labels, const std::string& title, int width, int height) {
  return fmt::format(
      "set terminal svg size {},{} dynamic noenhanced font \"sans,11\" background \"#ffffff\"\n"
      "set encoding utf8\n"
      "set datafile missing \"?\"\n"
      "set title \"{}\"\n"
      "set key outside right top vertical Left reverse noenhanced\n"
      "set border 3\n"
      "set tics nomirror\n"
      "set grid ytics lc rgb \"#dddddd\"\n",
      width, height, token(labels, title));
}

// y range (and log scale when the values span more than 4x) for ratios.
std::string ratio_axis(double lo, double hi, double reference) {
  lo = std::min(lo, reference);
  hi = std::max(hi, reference);
  if (lo > 0 && hi / lo > 4)
    return fmt::format("set logscale y 2\nset yrange [{}:{}]\n", plot_number(lo / 1.3),
                       plot_number(hi * 1.3));
  return fmt::format("set yrange [0:{}]\n", plot_number(hi * 1.15));
}

std::string bar_script(const BarChart& c, Labels& labels) {
  const int width =
      std::clamp(260 + static_cast<int>(c.groups.size() * c.series.size()) * 22, 640, 1400);
  std::string s = header(labels, c.title, width, 420);
  s += fmt::format("set ylabel \"{}\"\n", token(labels, c.y_label));
  s += "set style data histograms\nset style histogram errorbars gap 2 lw 1\n"
       "set style fill solid 0.85 border -1\nset xtics rotate by -30 scale 0\n"
       "set bmargin 8\n";
  double lo = INFINITY, hi = -INFINITY;
  std::vector<const BarChart::Series*> drawn;
  for (const auto& series : c.series) {
    bool any = false;
    for (const auto& v : series.values)
      if (v) {
        lo = std::min(lo, v->lower);
        hi = std::max(hi, v->upper);
        any = true;
      }
    if (any) drawn.push_back(&series);
  }
  if (drawn.empty()) return "";
  s += ratio_axis(lo, hi, c.reference);
  s += fmt::format(
      "set arrow from graph 0, first {0} to graph 1, first {0} nohead dt 2 lc rgb \"#555555\"\n",
      plot_number(c.reference));
  s += "$data << EOD\n";
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    s += "\"" + token(labels, c.groups[g]) + "\"";
    for (const auto* series : drawn) {
      const auto& v = g < series->values.size() ? series->values[g] : std::nullopt;
      s += v ? fmt::format(" {} {} {}", plot_number(v->point), plot_number(v->lower),
                           plot_number(v->upper))
             : " ? ? ?";
    }
    s += "\n";
  }
  s += "EOD\nplot ";
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const int col = 2 + static_cast<int>(i) * 3;
    s += i == 0 ? fmt::format("$data using {}:{}:{}:xtic(1)", col, col + 1, col + 2)
                : fmt::format(", '' using {}:{}:{}", col, col + 1, col + 2);
    s += fmt::format(" title \"{}\" lc rgb \"{}\"", token(labels, drawn[i]->name), drawn[i]->color);
  }
  return s + "\n";
}

std::string line_script(const LineChart& c, Labels& labels) {
  std::string s = header(labels, c.title, 900, 440);
  s += fmt::format("set xlabel \"{}\"\nset ylabel \"{}\"\nset logscale x 2\n",
                   token(labels, c.x_label), token(labels, c.y_label));
  double lo = INFINITY, hi = -INFINITY, xmin = INFINITY, xmax = -INFINITY;
  for (const auto& series : c.series)
    for (const auto& p : series.points) {
      lo = std::min(lo, p.y.lower);
      hi = std::max(hi, p.y.upper);
      xmin = std::min(xmin, p.x);
      xmax = std::max(xmax, p.x);
    }
  if (!(xmin <= xmax)) return "";
  s += ratio_axis(lo, hi, c.reference);
  s += fmt::format("set xrange [{}:{}]\n", plot_number(xmin / 1.5), plot_number(xmax * 1.5));
  if (!c.x_tics.empty()) {
    s += "set xtics (";
    for (std::size_t i = 0; i < c.x_tics.size(); ++i)
      s += fmt::format("{}\"{}\" {}", i ? ", " : "", token(labels, c.x_tics[i].second),
                       plot_number(c.x_tics[i].first));
    s += ")\n";
  }
  s += fmt::format(
      "set arrow from graph 0, first {0} to graph 1, first {0} nohead dt 2 lc rgb \"#555555\"\n",
      plot_number(c.reference));
  std::string plot = "plot ";
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    s += fmt::format("$s{} << EOD\n", i);
    for (const auto& p : c.series[i].points)
      s += fmt::format("{} {} {} {}\n", plot_number(p.x), plot_number(p.y.point),
                       plot_number(p.y.lower), plot_number(p.y.upper));
    s += "EOD\n";
    plot += fmt::format(
        "{}$s{} using 1:2:3:4 title \"{}\" with yerrorlines lc rgb \"{}\" dt {} lw 2 pt 7 ps 0.6",
        i ? ", " : "", i, token(labels, c.series[i].name), c.series[i].color, c.series[i].dash);
  }
  return s + plot + "\n";
}

std::string scatter_script(const ScatterChart& c, Labels& labels) {
  std::string s = header(labels, c.title, 900, 460);
  s += fmt::format("set xlabel \"{}\"\nset ylabel \"{}\"\nset logscale xy 2\n",
                   token(labels, c.x_label), token(labels, c.y_label));
  double xmin = c.reference, xmax = c.reference, ymin = c.reference, ymax = c.reference;
  bool any = false;
  for (const auto& series : c.series)
    for (const auto& [x, y] : series.points) {
      xmin = std::min(xmin, x);
      xmax = std::max(xmax, x);
      ymin = std::min(ymin, y);
      ymax = std::max(ymax, y);
      any = true;
    }
  if (!any || !(xmin > 0) || !(ymin > 0)) return "";
  s += fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", plot_number(xmin / 1.3),
                   plot_number(xmax * 1.3), plot_number(ymin / 1.3), plot_number(ymax * 1.3));
  s += fmt::format(
      "set arrow from first {0}, graph 0 to first {0}, graph 1 nohead dt 2 lc rgb \"#555555\"\n"
      "set arrow from graph 0, first {0} to graph 1, first {0} nohead dt 2 lc rgb \"#555555\"\n",
      plot_number(c.reference));
  std::string plot = "plot ";
  std::size_t drawn = 0;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    if (c.series[i].points.empty()) continue;
    s += fmt::format("$s{} << EOD\n", i);
    for (const auto& [x, y] : c.series[i].points)
      s += fmt::format("{} {}\n", plot_number(x), plot_number(y));
    s += "EOD\n";
    plot += fmt::format("{}$s{} using 1:2 title \"{}\" with points lc rgb \"{}\" pt 7 ps 1",
                        drawn++ ? ", " : "", i, token(labels, c.series[i].name), c.series[i].color);
  }
  return s + plot + "\n";
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// Runs gnuplot on a script file and returns what it printed.
std::optional<std::string> run_gnuplot(const std::string& gnuplot, const std::string& temp_dir,
                                       const std::string& script, std::string& error) {
  std::string path = temp_dir + "/.report-chart-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) {
    error = "cannot create a temporary file in " + temp_dir + ": " + std::strerror(errno);
    return std::nullopt;
  }
  const bool written = common::write_all(fd, script) == 0;
  close(fd);
  std::optional<common::CapturedOutput> out;
  if (written) out = common::capture_stdout({gnuplot, path});
  unlink(path.c_str());
  if (!written) {
    error = "cannot write a temporary file in " + temp_dir;
    return std::nullopt;
  }
  if (!out) {
    error = "cannot run " + gnuplot;
    return std::nullopt;
  }
  if (out->exit_status != 0) {
    error = gnuplot + " exited with status " + std::to_string(out->exit_status);
    return std::nullopt;
  }
  return std::move(out->out);
}

}  // namespace

const std::string& chart_title(const Chart& chart) {
  return std::visit([](const auto& c) -> const std::string& { return c.title; }, chart);
}

ChartRenderer::ChartRenderer(std::string gnuplot, std::string temp_dir)
    : gnuplot_(std::move(gnuplot)), temp_dir_(std::move(temp_dir)) {}

bool ChartRenderer::available() {
  if (!available_) {
    auto out = common::capture_stdout({gnuplot_, "--version"});
    available_ = out && out->exit_status == 0 && out->out.find("gnuplot") != std::string::npos;
    if (!*available_) reason_ = gnuplot_ + " could not be run (is gnuplot installed?)";
  }
  return *available_;
}

std::string ChartRenderer::script(const Chart& chart, Labels& labels) {
  return std::visit(
      [&](const auto& c) -> std::string {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, BarChart>) return bar_script(c, labels);
        if constexpr (std::is_same_v<T, LineChart>) return line_script(c, labels);
        if constexpr (std::is_same_v<T, ScatterChart>) return scatter_script(c, labels);
      },
      chart);
}

std::optional<std::string> ChartRenderer::render(const Chart& chart, std::string& error) {
  if (!available()) {
    error = reason_;
    return std::nullopt;
  }
  Labels labels;
  const std::string s = script(chart, labels);
  if (s.empty()) {
    error = "nothing to draw";
    return std::nullopt;
  }
  auto out = run_gnuplot(gnuplot_, temp_dir_, s, error);
  if (!out) return std::nullopt;
  const std::size_t begin = out->find("<svg");
  const std::size_t end = out->rfind("</svg>");
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    error = gnuplot_ + " printed no SVG";
    return std::nullopt;
  }
  std::string svg = out->substr(begin, end + 6 - begin);
  replace_all(svg, "<title>Gnuplot</title>",
              "<title>" + text::escape_html(chart_title(chart)) + "</title>");
  // Longest tokens first is unnecessary: "ZQ<n>Q" cannot be a prefix of another token.
  for (const auto& [t, label] : labels) replace_all(svg, t, text::escape_html(label));
  return svg;
}

}  // namespace shootout::report
