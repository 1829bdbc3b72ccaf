// Writing a file so that a reader never sees half of it — the manifest, the
// reports, the call traces: the text goes to a new temporary file beside the
// destination, is flushed to disk and renamed over it.
#pragma once

#include <stdexcept>
#include <string>

namespace shootout::common {

class FileWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The temporary file is created with O_EXCL under a unique random name
// (mkstemp), so it never follows or reuses a file someone else placed there;
// its descriptor is closed on every path, and it is removed when anything
// fails. The result is rw-r--r--. Throws FileWriteError naming the path and
// the system error.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace shootout::common
