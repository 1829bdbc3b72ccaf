// Writing a whole buffer to a descriptor: write(2) may write less than asked
// (pipes, signals), so every writer of a protocol line or a file loops the
// same way.
#pragma once

#include <string_view>

namespace shootout::common {

// Writes every byte of `text` to `fd`, retrying on EINTR and short writes.
// Returns 0, or the errno of the failure (ENOSPC when write(2) returned 0).
int write_all(int fd, std::string_view text);

}  // namespace shootout::common
