// Lenient reads of the JSON files this layer owns (manifest.json,
// machines.json): a field that is missing, or of another type, reads empty.
// One definition for every reader, so a unity batch of them holds one.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace shootout::journal::lenient {

inline std::string text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace shootout::journal::lenient
