// Reading a file whole and looking for text in it: what tests do with a
// command's output and the files it writes.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace shootout::test {

// The file's bytes; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `text` as the whole file, creating the directories above it.
inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

}  // namespace shootout::test
