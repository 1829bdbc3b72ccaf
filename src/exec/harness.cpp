#include "exec/harness.h"

#include <charconv>

namespace shootout::exec {

std::vector<std::unique_ptr<Harness>> known_harnesses() {
  std::vector<std::unique_ptr<Harness>> harnesses;
  harnesses.push_back(google_benchmark_harness());
  harnesses.push_back(criterion_harness());
  return harnesses;
}

std::string known_harness_names() {
  std::string names;
  for (const auto& harness : known_harnesses())
    names += (names.empty() ? "" : ", ") + harness->name();
  return names;
}

std::string seconds_argument(double seconds) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, seconds).ptr;
  return std::string(text, end);
}

std::string anchored_literal(const std::string& text, std::string_view operators) {
  std::string pattern = "^";
  for (char c : text) {
    if (operators.find(c) != std::string_view::npos) pattern += '\\';
    pattern += c;
  }
  return pattern + "$";
}

}  // namespace shootout::exec
