// manifest.json as a list of fields, for the report's manifest table and
// `compare`'s differences: the scalar leaves of the manifest's JSON
// (journal/manifest.h) flattened to dotted paths. The values the reports
// quote are read from the typed journal::Manifest, never looked up here.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace shootout::report {

// One scalar leaf: "kernel" -> "6.1.0-26-amd64",
// "allocators[jemalloc].version" -> "5.3.0" (array elements are named by
// their "name", "variant", "id" or "group" field when they have one, else by
// index).
// Arrays of scalars become one comma-separated value. In document order.
using ManifestEntry = std::pair<std::string, std::string>;
std::vector<ManifestEntry> flatten_manifest(const nlohmann::json& manifest);

// True for fields expected to differ between any two runs (times, load,
// output directory): compare lists them after the differences that matter.
bool is_volatile_manifest_field(const std::string& path);

}  // namespace shootout::report
