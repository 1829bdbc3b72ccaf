// manifest.json: what a reader needs to trust or compare a run — machine,
// kernel, page size, THP mode, C library, compiler, allocators (paths,
// versions, Debian packages), the options, start and end, load.
#pragma once

#include <string>
#include <vector>

#include <map>

#include "journal/manifest.h"

#include "alloc/registry.h"

namespace shootout::run {

// The manifest's parts this layer knows how to measure (journal/manifest.h
// is the file's type; runner.cpp and exec write it).
journal::MachineFacts describe_machine();
// For each allocator: path, and the Debian package and version that own it.
std::map<std::string, journal::AllocatorFacts> describe_allocators(
    const std::vector<alloc::Allocator>& allocators);
std::string utc_now();  // ISO 8601, seconds
// This build's version ("0.1.0", CMake's PROJECT_VERSION): `--version`, and
// every manifest, so `merge` can refuse shards of different versions.
std::string tool_version();

}  // namespace shootout::run
