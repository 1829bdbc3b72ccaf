#include "report/manifest_view.h"

namespace shootout::report {

namespace {

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "null";
  return v.dump();
}

// How an array element is named in a path: by an identifying field if any.
std::string element_label(const nlohmann::json& element, std::size_t index) {
  if (element.is_object()) {
    for (const char* key : {"name", "variant", "id", "group"}) {
      auto it = element.find(key);
      if (it != element.end() && it->is_string()) return it->get<std::string>();
    }
  }
  return std::to_string(index);
}

void flatten(const nlohmann::json& v, const std::string& path, std::vector<ManifestEntry>& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it)
      flatten(it.value(), path.empty() ? it.key() : path + "." + it.key(), out);
    return;
  }
  if (v.is_array()) {
    bool all_scalar = true;
    for (const auto& e : v) all_scalar = all_scalar && !e.is_structured();
    if (all_scalar) {
      std::string joined;
      for (const auto& e : v) joined += (joined.empty() ? "" : ", ") + scalar_text(e);
      out.emplace_back(path, joined);
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i)
      flatten(v[i], path + "[" + element_label(v[i], i) + "]", out);
    return;
  }
  out.emplace_back(path, scalar_text(v));
}

}  // namespace

std::vector<ManifestEntry> flatten_manifest(const nlohmann::json& manifest) {
  std::vector<ManifestEntry> out;
  if (manifest.is_object() || manifest.is_array()) flatten(manifest, "", out);
  return out;
}

bool is_volatile_manifest_field(const std::string& path) {
  const std::size_t dot = path.find_last_of('.');
  const std::string last = dot == std::string::npos ? path : path.substr(dot + 1);
  for (const char* v :
       {"start", "end", "started", "finished", "time", "loadavg", "loadavg_end", "out_dir"})
    if (last == v) return true;
  return false;
}

}  // namespace shootout::report
