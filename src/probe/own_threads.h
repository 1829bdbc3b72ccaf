// Internal to the probe layer: this process's threads, from /proc/self/task
// (counters opened with `inherit` never see threads that existed before;
// per-CPU events are filtered to the current list).
#pragma once

#include <string>
#include <vector>

namespace shootout::probe::detail {

// The thread ids of this process, as /proc/self/task lists them.
std::vector<std::string> own_thread_ids();

inline int own_thread_count() { return static_cast<int>(own_thread_ids().size()); }

}  // namespace shootout::probe::detail
