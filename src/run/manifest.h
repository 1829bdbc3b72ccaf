// manifest.json: what a reader needs to trust or compare a run — machine,
// kernel, page size, THP mode, C library, compiler, allocators (paths,
// versions, Debian packages), the options, start and end, load.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alloc/registry.h"

namespace shootout::run {

nlohmann::json describe_machine();
// For each allocator: path, and the Debian package and version that own it.
nlohmann::json describe_allocators(const std::vector<alloc::Allocator>& allocators);
std::string utc_now();  // ISO 8601, seconds

}  // namespace shootout::run
