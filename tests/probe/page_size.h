// The page size the probe tests size their mappings by (4 KiB on x86-64,
// 4 or 64 KiB on aarch64), shared so a unity batch of them holds one.
#pragma once

#include <unistd.h>

#include <cstddef>

namespace shootout::probe {

inline const std::size_t kPage = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));

}  // namespace shootout::probe
