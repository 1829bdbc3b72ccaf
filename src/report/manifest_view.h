// Reading manifest.json without depending on its exact layout (the results
// schema lists what it holds, not how it nests): its scalar leaves flattened
// to dotted paths, for the report's run table and for `compare`'s
// differences, and lookup of the few values the reports quote.
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

// The first of `paths` (dotted, as flatten_manifest names them) present in
// the manifest, as text.
std::optional<std::string> manifest_value(const nlohmann::json& manifest,
                                          std::initializer_list<std::string_view> paths);

// True for fields expected to differ between any two runs (times, load,
// output directory): compare lists them after the differences that matter.
bool is_volatile_manifest_field(const std::string& path);

}  // namespace shootout::report
