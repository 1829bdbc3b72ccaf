// Writing a report file so that a reader never sees half of it: the text
// goes to a temporary file in the same directory, is flushed, and is renamed
// over the destination.
#pragma once

#include <string>

namespace shootout::report {

// Throws ReportError naming the path and the system error.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace shootout::report
