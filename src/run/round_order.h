// The order of a lockstep round (docs/design.md §5), shared by `run` and
// `exec`: round r starts at position r of the fixed list of participants
// and wraps around, so each one takes every place in turn and slow drift of
// the machine hits every variant alike. `run` starts process p of a group's
// cells in the same rotation, by p.
#pragma once

#include <cstddef>

namespace shootout::run {

// Index into the participants of the one at `position` in round `round`:
// (position + round) % count. `count` must be > 0.
inline std::size_t rotated_index(std::size_t position, int round, std::size_t count) {
  return (position + static_cast<std::size_t>(round)) % count;
}

}  // namespace shootout::run
