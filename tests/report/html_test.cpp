// report.html: parsed as XML-like markup (every element closed in order,
// void elements excepted), with every expected table and chart present, and
// no markup from the data reaching the page unescaped.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/subprocess.h"
#include "report/analysis.h"
#include "report/html_report.h"
#include "test_support.h"

namespace shootout::report {
namespace {

using testing::TempDir;

struct Parsed {
  bool well_formed = true;
  std::string error;
  std::vector<std::string> elements;  // every start tag's name, in order
};

// A strict little tag matcher: enough to prove the page's structure (and
// the inline SVG's) is balanced and that no stray '<' from the data opened
// an element.
Parsed parse_markup(const std::string& html) {
  static const std::vector<std::string> void_elements = {"meta", "br",    "hr",
                                                         "img",  "input", "link"};
  Parsed p;
  std::vector<std::string> open;
  std::size_t at = 0;
  while ((at = html.find('<', at)) != std::string::npos) {
    if (html.compare(at, 4, "<!--") == 0) {
      at = html.find("-->", at);
      continue;
    }
    if (html.compare(at, 2, "<!") == 0 || html.compare(at, 2, "<?") == 0) {
      at = html.find('>', at);
      continue;
    }
    const std::size_t end = html.find('>', at);
    if (end == std::string::npos) return {false, "unterminated tag", p.elements};
    const std::string tag = html.substr(at + 1, end - at - 1);
    at = end + 1;
    const bool closing = !tag.empty() && tag[0] == '/';
    std::size_t name_end = closing ? 1 : 0;
    while (name_end < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[name_end])) ||
                                     tag[name_end] == '-' || tag[name_end] == ':'))
      ++name_end;
    const std::string name = tag.substr(closing ? 1 : 0, name_end - (closing ? 1 : 0));
    if (name.empty()) return {false, "'<' not starting a tag: <" + tag.substr(0, 20), p.elements};
    if (closing) {
      if (open.empty() || open.back() != name)
        return {false, "</" + name + "> closes <" + (open.empty() ? "" : open.back()) + ">",
                p.elements};
      open.pop_back();
      continue;
    }
    p.elements.push_back(name);
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (!self_closing &&
        std::find(void_elements.begin(), void_elements.end(), name) == void_elements.end())
      open.push_back(name);
  }
  if (!open.empty()) return {false, "<" + open.back() + "> never closed", p.elements};
  return p;
}

long count(const std::vector<std::string>& v, const std::string& s) {
  return std::count(v.begin(), v.end(), s);
}

bool gnuplot_available() {
  auto out = common::capture_stdout({"gnuplot", "--version"});
  return out && out->exit_status == 0;
}

TEST(Html, WellFormedWithEveryTableAndChart) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  TempDir dir;
  testing::write_fixture_run(dir.path());
  const std::string html = html_report(analyse(dir.path()));
  const Parsed p = parse_markup(html);
  ASSERT_TRUE(p.well_formed) << p.error;
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // Tables: run manifest, summary, 2 families, root cause, pattern dependence,
  // tuning sweep, time vs RSS, profile, noise per cell, failed cells, counter
  // sources, rules.
  EXPECT_EQ(count(p.elements, "table"), 13);
  // Charts: the headline, bars for each family, the mpsc size sweep, the
  // time/RSS scatter.
  EXPECT_EQ(count(p.elements, "svg"), 5);
  EXPECT_EQ(count(p.elements, "figure"), 5);
  // The answer first: the summary and its headline chart, then the run.
  const auto headline = html.find("Per case: the fastest variant&#39;s time ÷ std");
  ASSERT_NE(headline, std::string::npos);
  EXPECT_LT(html.find("<section id=\"summary\">"), headline);
  EXPECT_LT(headline, html.find("<section id=\"run\">"));
  EXPECT_NE(html.find("mpsc: time ÷ std by payload size"), std::string::npos);
  EXPECT_NE(html.find("Time vs peak RSS, relative to std"), std::string::npos);
  // Self-contained: nothing fetched, nothing run.
  EXPECT_EQ(count(p.elements, "script"), 0);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  // No placeholder token survived the label substitution.
  EXPECT_EQ(html.find("ZQ0Q"), std::string::npos);
}

TEST(Html, EscapesEveryStringFromTheData) {
  TempDir dir;
  testing::write_fixture_run(dir.path(), {.hostile_names = true});
  const std::string html = html_report(analyse(dir.path()));
  const Parsed p = parse_markup(html);
  ASSERT_TRUE(p.well_formed) << p.error;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(count(p.elements, "script"), 0);
  EXPECT_EQ(count(p.elements, "img"), 0);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  if (gnuplot_available()) {
    // The variant's name is a legend entry inside the SVG charts: escaped there too.
    const std::size_t svg = html.find("<svg");
    ASSERT_NE(svg, std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;", svg), std::string::npos);
  }
}

TEST(Html, SaysSoWhenGnuplotIsMissing) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  const std::string html =
      html_report(analyse(dir.path()), {.gnuplot = "/nonexistent/bin/gnuplot"});
  const Parsed p = parse_markup(html);
  ASSERT_TRUE(p.well_formed) << p.error;
  EXPECT_NE(html.find("Charts are not shown"), std::string::npos);
  EXPECT_EQ(count(p.elements, "svg"), 0);
  EXPECT_EQ(count(p.elements, "table"), 13);  // the tables are all still there
}

}  // namespace
}  // namespace shootout::report
