#include "exec/harness_json.h"

namespace shootout::exec {

namespace {

std::size_t line_of(const std::string& text, std::size_t byte) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

}  // namespace

nlohmann::json parse_harness_json(const std::string& text, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw HarnessOutputError(what + " cannot be parsed at line " +
                             std::to_string(line_of(text, e.byte == 0 ? 0 : e.byte - 1)) + ": " +
                             e.what());
  } catch (const nlohmann::json::exception& e) {
    // A number beyond a double (out_of_range 406, "2e308"): the parser
    // gives no position, its message names the number.
    throw HarnessOutputError(what + " cannot be parsed: " + e.what());
  }
}

}  // namespace shootout::exec
