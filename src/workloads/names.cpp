// Name parsing, canonical spelling and selection expansion (globs, brace
// lists, doubling grids) for the workload catalog.
#include "workloads/names.h"

#include <fnmatch.h>

#include <cctype>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include "workloads/workload.h"

namespace shootout::workloads {
namespace {

constexpr std::uint64_t kMaxCount = 1'000'000'000;
constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 30;
constexpr std::uint64_t kMaxSenders = 1024;
// A selection that expands to more names than this is a typo, not a plan.
constexpr std::size_t kMaxExpansion = 100'000;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

enum class Unit { count, size };

// Multiplier of a unit suffix, or nullopt when `suffix` is not one.
std::optional<std::uint64_t> multiplier(std::string_view suffix, Unit unit) {
  const std::string s = lower(suffix);
  if (s.empty()) return 1;
  if (unit == Unit::count) {
    if (s == "k") return 1000;
    if (s == "m") return 1'000'000;
    return std::nullopt;
  }
  if (s == "b") return 1;
  if (s == "k" || s == "kb" || s == "kib") return 1024;
  if (s == "m" || s == "mb" || s == "mib") return 1024 * 1024;
  return std::nullopt;
}

// Digits with an optional unit suffix, within [1, max].
std::optional<std::uint64_t> parse_number(std::string_view text, Unit unit, std::uint64_t max) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  const auto mult = multiplier(text.substr(digits), unit);
  if (!mult) return std::nullopt;
  const std::uint64_t value = std::stoull(std::string(text.substr(0, digits)));
  if (value == 0 || value > max / *mult) return std::nullopt;
  return value * *mult;
}

std::string format_count(std::uint64_t n, CountStyle style) {
  if (style == CountStyle::kilo && n % 1000 == 0) return std::to_string(n / 1000) + "k";
  return std::to_string(n);
}

std::string format_size(std::uint64_t n, SizeStyle style) {
  if (style == SizeStyle::bytes) return std::to_string(n);
  if (n % 1024 == 0) return std::to_string(n / 1024) + "KB";
  return std::to_string(n) + "B";
}

// Splits "AxB" at the first 'x'.
bool split_at(std::string_view text, char sep, std::string_view& left, std::string_view& right) {
  const auto pos = text.find(sep);
  if (pos == std::string_view::npos) return false;
  left = text.substr(0, pos);
  right = text.substr(pos + 1);
  return true;
}

bool parse_params(const FamilyDef& def, std::string_view params, Spec& spec) {
  std::optional<std::uint64_t> count, size, senders;
  std::string_view a, b, c;
  switch (def.shape) {
    case Shape::count:
      count = parse_number(params, Unit::count, kMaxCount);
      break;
    case Shape::size:
      size = parse_number(params, Unit::size, kMaxSize);
      count = kMpscMessages;
      senders = 1;
      break;
    case Shape::count_x_size:
      if (!split_at(params, 'x', a, b)) return false;
      count = parse_number(a, Unit::count, kMaxCount);
      size = parse_number(b, Unit::size, kMaxSize);
      break;
    case Shape::senders_x_count:
      if (!split_at(params, 'x', a, b)) return false;
      senders = parse_number(a, Unit::count, kMaxSenders);
      count = parse_number(b, Unit::count, kMaxCount);
      break;
    case Shape::senders_x_count_size:
      if (!split_at(params, 'x', a, b) || !split_at(b, '_', b, c)) return false;
      senders = parse_number(a, Unit::count, kMaxSenders);
      count = parse_number(b, Unit::count, kMaxCount);
      size = parse_number(c, Unit::size, kMaxSize);
      break;
  }
  const bool needs_size = def.shape == Shape::size || def.shape == Shape::count_x_size ||
                          def.shape == Shape::senders_x_count_size;
  const bool needs_senders =
      def.shape == Shape::senders_x_count || def.shape == Shape::senders_x_count_size;
  if (!count || (needs_size && !size) || (needs_senders && !senders)) return false;
  spec.count = *count;
  spec.size = size.value_or(0);
  spec.senders = senders.value_or(0);
  return true;
}

std::string canonical(const Spec& spec) {
  const FamilyDef& def = *spec.def;
  std::string out(def.name);
  out += '/';
  switch (def.shape) {
    case Shape::count:
      out += format_count(spec.count, def.count_style);
      break;
    case Shape::size:
      out += format_size(spec.size, def.size_style);
      break;
    case Shape::count_x_size:
      out +=
          format_count(spec.count, def.count_style) + "x" + format_size(spec.size, def.size_style);
      break;
    case Shape::senders_x_count:
      out += std::to_string(spec.senders) + "x" + format_count(spec.count, def.count_style);
      break;
    case Shape::senders_x_count_size:
      out += std::to_string(spec.senders) + "x" + format_count(spec.count, def.count_style) + "_" +
             format_size(spec.size, def.size_style);
      break;
  }
  return out;
}

// Splits at `sep` outside braces.
std::vector<std::string> split_top_level(std::string_view text, char sep) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string current;
  for (char ch : text) {
    if (ch == '{') ++depth;
    if (ch == '}') --depth;
    if (ch == sep && depth == 0) {
      parts.push_back(current);
      current.clear();
    } else {
      current += ch;
    }
  }
  parts.push_back(current);
  return parts;
}

void check_size(std::size_t n) {
  if (n > kMaxExpansion) {
    throw std::invalid_argument("workload selection expands to more than " +
                                std::to_string(kMaxExpansion) + " names");
  }
}

// "a{b,c}d{e,f}" -> abde, abdf, acde, acdf.
void expand_braces(const std::string& word, std::vector<std::string>& out) {
  const auto open = word.find('{');
  if (open == std::string::npos) {
    if (word.find('}') != std::string::npos) {
      throw std::invalid_argument("unbalanced '}' in workload selection '" + word + "'");
    }
    out.push_back(word);
    check_size(out.size());
    return;
  }
  int depth = 0;
  std::size_t close = std::string::npos;
  for (std::size_t i = open; i < word.size(); ++i) {
    if (word[i] == '{') ++depth;
    if (word[i] == '}' && --depth == 0) {
      close = i;
      break;
    }
  }
  if (close == std::string::npos) {
    throw std::invalid_argument("unbalanced '{' in workload selection '" + word + "'");
  }
  const std::string head = word.substr(0, open);
  const std::string tail = word.substr(close + 1);
  for (const std::string& alt : split_top_level(word.substr(open + 1, close - open - 1), ',')) {
    expand_braces(head + alt + tail, out);
  }
}

// Length of a unit suffix starting at `pos` (0 when none).
std::size_t suffix_length(const std::string& word, std::size_t pos) {
  std::size_t end = pos;
  while (end < word.size() && is_alpha(word[end])) ++end;
  // Longest known unit among the leading letters, so "1000x64" keeps its 'x'.
  for (std::size_t len = std::min<std::size_t>(3, end - pos); len > 0; --len) {
    if (multiplier(word.substr(pos, len), Unit::size)) return len;
  }
  return 0;
}

// "mpsc/8..32768" (or "mpsc/log:8..32768") -> 8, 16, ..., 32768: the
// first endpoint doubled while it stays <= the second, same unit suffix.
void expand_ranges(const std::string& word, std::vector<std::string>& out) {
  const auto dots = word.find("..");
  if (dots == std::string::npos) {
    out.push_back(word);
    check_size(out.size());
    return;
  }
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("bad doubling grid in workload selection '" + word + "': " + why +
                                 " (write FROM..TO, e.g. mpsc/8..32768)");
  };
  std::size_t rd = dots + 2;
  while (rd < word.size() && is_digit(word[rd])) ++rd;
  if (rd == dots + 2) throw bad("no number after '..'");
  const std::size_t rend = rd + suffix_length(word, rd);
  std::size_t ls = dots;
  while (ls > 0 && is_alpha(word[ls - 1])) --ls;
  std::size_t ld = ls;
  while (ld > 0 && is_digit(word[ld - 1])) --ld;
  if (ld == ls) throw bad("no number before '..'");
  const std::string left_unit = lower(word.substr(ls, dots - ls));
  const std::string right_unit = lower(word.substr(rd, rend - rd));
  if (left_unit != right_unit) throw bad("both ends must use the same unit");
  if (ls - ld > 12 || rd - dots - 2 > 12) throw bad("number too large");
  const std::uint64_t from = std::stoull(word.substr(ld, ls - ld));
  const std::uint64_t to = std::stoull(word.substr(dots + 2, rd - dots - 2));
  if (from == 0 || to < from) throw bad("need 1 <= FROM <= TO");
  std::string head = word.substr(0, ld);
  if (head.size() >= 4 && head.compare(head.size() - 4, 4, "log:") == 0)
    head.resize(head.size() - 4);
  const std::string unit = word.substr(ls, dots - ls);
  const std::string tail = word.substr(rend);
  for (std::uint64_t v = from; v <= to; v *= 2) {
    expand_ranges(head + std::to_string(v) + unit + tail, out);
  }
}

bool is_glob(const std::string& word) { return word.find_first_of("*?[") != std::string::npos; }

}  // namespace

std::string valid_names_help() {
  std::string help = "valid names are ";
  bool first = true;
  for (const FamilyDef& def : family_defs()) {
    if (!first) help += ", ";
    help += def.pattern;
    first = false;
  }
  help +=
      " (N, S: counts, suffix k = 1000; SIZE: bytes, suffix K/KB = 1024); a selection may also "
      "use a family name (all its study cases), globs over the study cases (mpsc/*, spawn_*), "
      "brace lists (mpsc/{8,64,24576}), doubling grids (mpsc/8..32768) and comma-separated "
      "lists";
  return help;
}

const char* selection_syntax() {
  return "NAME (e.g. mpsc/32768, mpsc/32K, spawn_many_local/10k); FAMILY (its study cases); "
         "GLOB over the study cases (*, ?, [...]: mpsc/*, spawn_*); brace lists "
         "(mpsc/{8,64,24576}, block_on_alloc/{100,1000}x{64,4096}); doubling grids FROM..TO "
         "(mpsc/8..32768 = 8, 16, ..., 32768; 1K..32K; log: prefix optional); and "
         "comma-separated lists of these";
}

Spec parse_name(std::string_view name) {
  const auto slash = name.find('/');
  const FamilyDef* def = find_family(name.substr(0, slash));
  if (def == nullptr) {
    throw std::invalid_argument("unknown workload '" + std::string(name) +
                                "': " + valid_names_help());
  }
  Spec spec;
  spec.def = def;
  if (slash == std::string_view::npos || !parse_params(*def, name.substr(slash + 1), spec)) {
    throw std::invalid_argument("invalid workload name '" + std::string(name) + "': expected " +
                                std::string(def->pattern) + " with " +
                                std::string(def->parameters) + "; study cases: " + [&] {
                                  std::string cases;
                                  for (const auto& c : def->study_cases) {
                                    cases += (cases.empty() ? "" : ", ") + c;
                                  }
                                  return cases;
                                }());
  }
  spec.name = canonical(spec);
  return spec;
}

std::vector<std::string> expand_selection(const std::string& pattern) {
  std::vector<std::string> result;
  std::set<std::string> seen;
  const auto add = [&](const std::string& name) {
    if (seen.insert(name).second) result.push_back(name);
    check_size(result.size());
  };
  for (const std::string& item : split_top_level(pattern, ',')) {
    if (item.empty()) continue;
    std::vector<std::string> braced;
    expand_braces(item, braced);
    std::vector<std::string> words;
    for (const std::string& word : braced) expand_ranges(word, words);
    for (const std::string& word : words) {
      if (const FamilyDef* def = find_family(word)) {
        for (const std::string& c : def->study_cases) add(c);
      } else if (is_glob(word)) {
        bool matched = false;
        for (const FamilyDef& def : family_defs()) {
          for (const std::string& c : def.study_cases) {
            if (fnmatch(word.c_str(), c.c_str(), 0) == 0) {
              add(c);
              matched = true;
            }
          }
        }
        if (!matched) {
          throw std::invalid_argument("no study case matches '" + word +
                                      "': " + valid_names_help());
        }
      } else {
        add(parse_name(word).name);
      }
    }
  }
  if (result.empty()) {
    throw std::invalid_argument("empty workload selection '" + pattern +
                                "': " + valid_names_help());
  }
  return result;
}

}  // namespace shootout::workloads
