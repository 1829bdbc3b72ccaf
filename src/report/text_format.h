// How numbers, durations, ratios and sizes are written in every report, and
// how text is escaped for each output format. One place, so the markdown,
// HTML and terminal renderings of a figure are always the same string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stats/estimate.h"

namespace shootout::report::text {

// Nanoseconds in an adaptive unit with 4 significant digits: "139.5 µs".
std::string duration(double ns);
// A median and its CI as "139.5 ± 1.2 µs"; ± is the larger half-width of the
// (possibly asymmetric) interval, so the printed band contains the CI.
std::string duration_with_ci(const stats::Interval& ns);

// A ratio with 2 decimals: "1.93×".
std::string ratio(double r);
// "1.93× (1.90–1.96)"; the CI part is omitted when the interval is a point.
std::string ratio_with_ci(const stats::Interval& r);
// A change in percent with sign and CI: "−62.1 % (−63.0 to −61.2)".
std::string change_percent_with_ci(const stats::Interval& ratio);

// `significant` significant digits, fixed notation, no exponent: 1.0, 0.30,
// 1140. Values below 10^-(significant+1) print as "<0.001"-style bounds.
std::string number(double v, int significant = 3);
// A fraction as a percentage with one decimal: "73.2 %".
std::string percent(double fraction);
// Bytes as the workload names them: "8 B", "4 KiB", "32 KiB", "1.5 MiB".
std::string size_bytes(std::uint64_t bytes);
// KiB as "11.7 MiB" (or "900 KiB").
std::string memory_kib(double kib);

// True when `formatted` reads as exactly one ("1", "1.0", "1.00"), for
// choosing "fault" or "faults".
bool reads_as_one(std::string_view formatted);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string escape_html(std::string_view s);
// Escapes what would break a GitHub-flavoured markdown table cell or be
// taken as markup: \ | `, newlines, < where it could open a tag, > at the start.
std::string escape_markdown(std::string_view s);
// RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view s);

// Columns a UTF-8 string occupies in a terminal (one per code point; the
// reports use no wide characters). ANSI escape sequences count zero.
std::size_t display_width(std::string_view utf8);

}  // namespace shootout::report::text
