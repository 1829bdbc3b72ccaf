// The sentence every output of an emulated run leads with (md, html, json,
// the terminal summary): under a user-mode emulator the times measure the
// emulator, the counters still measure what each allocator asked of the
// kernel (docs/design.md §8).
#pragma once

#include <string>

#include "journal/manifest.h"

namespace shootout::report {

// "" for a native run (the manifest names no emulator).
std::string emulation_note(const journal::MachineFacts& machine);

}  // namespace shootout::report
