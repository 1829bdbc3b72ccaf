#include "report/text_format.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace shootout::report::text {

namespace {

struct Unit {
  double scale;
  const char* name;
};

// The unit a value is shown in: the largest one in which it is >= 1.
Unit unit_for(double ns) {
  // 999.96 ns prints as 1000.0 at 4 significant digits: show it as 1.000 µs.
  const double a = std::abs(ns) / 0.99995;
  if (a >= 1e9) return {1e9, "s"};
  if (a >= 1e6) return {1e6, "ms"};
  if (a >= 1e3) return {1e3, "µs"};
  return {1, "ns"};
}

// Decimals that give `significant` significant digits for v, after
// rounding: 0.995 at 2 digits is "1.0", not "1.00".
int decimals_for(double v, int significant) {
  if (v == 0) return significant - 1;
  const double a = std::abs(v);
  const int magnitude = static_cast<int>(std::floor(std::log10(a)));
  const int decimals = significant - 1 - magnitude;
  const double scale = std::pow(10.0, decimals);
  if (std::round(a * scale) / scale >= std::pow(10.0, magnitude + 1))
    return std::max(0, decimals - 1);
  return std::max(0, decimals);
}

std::string fixed(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }

// fmt prints a negative zero as "-0.0"; reports never mean that.
std::string no_negative_zero(std::string s) {
  if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

}  // namespace

std::string duration(double ns) {
  const Unit u = unit_for(ns);
  const double v = ns / u.scale;
  return fixed(v, decimals_for(v, 4)) + " " + u.name;
}

std::string duration_with_ci(const stats::Interval& ns) {
  const Unit u = unit_for(ns.point);
  const double v = ns.point / u.scale;
  const double half = std::max(ns.point - ns.lower, ns.upper - ns.point) / u.scale;
  const int d = decimals_for(v, 4);
  return fixed(v, d) + " ± " + fixed(std::max(0.0, half), d) + " " + u.name;
}

std::string ratio(double r) { return fixed(r, 2) + "×"; }

std::string ratio_with_ci(const stats::Interval& r) {
  if (r.lower == r.upper) return ratio(r.point);
  return ratio(r.point) + " (" + fixed(r.lower, 2) + "–" + fixed(r.upper, 2) + ")";
}

std::string change_percent_with_ci(const stats::Interval& ratio) {
  auto pct = [](double r) {
    const double p = (r - 1) * 100;
    std::string s = no_negative_zero(fixed(p, 1));
    if (s[0] == '-') return "−" + s.substr(1);  // a real minus sign reads better in tables
    return "+" + s;
  };
  if (ratio.lower == ratio.upper) return pct(ratio.point) + " %";
  return pct(ratio.point) + " % (" + pct(ratio.lower) + " to " + pct(ratio.upper) + ")";
}

std::string number(double v, int significant) {
  if (!std::isfinite(v)) return "n/a";
  if (v == 0) return "0";
  const double floor_value = std::pow(10.0, -(significant + 1));
  if (std::abs(v) < floor_value) return (v < 0 ? ">-" : "<") + fixed(floor_value, significant + 1);
  return no_negative_zero(fixed(v, decimals_for(v, significant)));
}

std::string percent(double fraction) { return no_negative_zero(fixed(fraction * 100, 1)) + " %"; }

std::string size_bytes(std::uint64_t bytes) {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return std::to_string(bytes / (1024 * 1024)) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " B";
}

std::string memory_kib(double kib) {
  if (kib >= 1024 * 1024) return fixed(kib / (1024 * 1024), 2) + " GiB";
  if (kib >= 1024) return fixed(kib / 1024, 1) + " MiB";
  return fixed(kib, 0) + " KiB";
}

bool reads_as_one(std::string_view formatted) {
  return formatted == "1" || formatted == "1.0" || formatted == "1.00";
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escape_markdown(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '\\':
      case '|':
      case '`':
        out += '\\';
        out += c;
        break;
      case '<':  // only where it could open a tag: "p < 0.05" stays readable
        if (i + 1 < s.size() && (std::isalpha(static_cast<unsigned char>(s[i + 1])) ||
                                 s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?'))
          out += "&lt;";
        else
          out += c;
        break;
      case '>':  // only at the start, where it would open a block quote
        out += i == 0 ? "&gt;" : ">";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::size_t display_width(std::string_view utf8) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c == 0x1b) {  // CSI sequence: ESC [ ... final byte in @..~
      ++i;
      if (i < utf8.size() && utf8[i] == '[') {
        ++i;
        while (i < utf8.size() && !(utf8[i] >= '@' && utf8[i] <= '~')) ++i;
      }
      continue;
    }
    if ((c & 0xC0) != 0x80) ++width;  // count lead bytes only
  }
  return width;
}

}  // namespace shootout::report::text
