// The variants `exec` compares — each allocator untuned, then each
// `--tune ALLOC:KEY:VALUE` as its own variant — and the environment the
// command gets under one of them: this process's environment without any
// variable through which an allocator could be tuned behind the tool's back
// (alloc::foreign_allocator_settings), plus LD_PRELOAD of the allocator and
// the tuning's own variables (alloc::conf_environment).
#pragma once

#include <string>
#include <vector>

#include "alloc/registry.h"

namespace shootout::exec {

struct Variant {
  alloc::Allocator allocator;
  std::string tuning;  // "" or "tcache_max:4096,narenas:1"
  std::string label;   // "jemalloc" or "jemalloc[tcache_max:4096]"
};

// `names` empty: every available allocator. Throws std::invalid_argument for
// an unknown or unavailable allocator, a tuning of an allocator not in the
// list or without a conf dialect, or a baseline not among the allocators.
std::vector<Variant> expand_variants(const std::vector<alloc::Allocator>& available,
                                     const std::vector<std::string>& names,
                                     const std::vector<std::string>& tunings,
                                     const std::string& baseline);

// The command's complete environment ("KEY=VALUE") under `variant`.
// `preload_first`: objects to preload ahead of the allocator (the exec probe
// in the verification run); `extra`: further variables (the probe's file).
std::vector<std::string> variant_environment(const std::vector<std::string>& own_environment,
                                             const Variant& variant,
                                             const std::vector<std::string>& preload_first = {},
                                             const std::vector<std::string>& extra = {});

// The environment of --prepare: ours without allocator settings, nothing
// preloaded; `extra` variables ("KEY=VALUE") replace ours of the same name.
std::vector<std::string> clean_environment(const std::vector<std::string>& own_environment,
                                           const std::vector<std::string>& extra = {});

}  // namespace shootout::exec
