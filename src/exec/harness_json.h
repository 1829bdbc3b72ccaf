// JSON a harness wrote, parsed for `bench`'s readers (gbench_output.cpp,
// criterion_output.cpp) with one kind of error: HarnessOutputError naming
// what was read and the line where it breaks.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "exec/harness.h"

namespace shootout::exec {

// `what` starts the message: "the harness's JSON cannot be parsed at line 3: ...".
nlohmann::json parse_harness_json(const std::string& text, const std::string& what);

}  // namespace shootout::exec
