#include "exec/program.h"

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace shootout::exec {

namespace {

bool executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

template <typename Ehdr, typename Phdr>
bool has_interpreter(std::ifstream& in) {
  Ehdr header{};
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header)) return false;
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Phdr ph{};
    in.seekg(static_cast<std::streamoff>(header.e_phoff + i * header.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) return false;
    if (ph.p_type == PT_INTERP) return true;
  }
  return false;
}

ProgramFacts inspect_file(const std::string& path) {
  ProgramFacts facts;
  facts.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) facts.setid = (st.st_mode & (S_ISUID | S_ISGID)) != 0;
  std::ifstream in(path, std::ios::binary);
  unsigned char ident[EI_NIDENT] = {};
  if (!in.read(reinterpret_cast<char*>(ident), sizeof ident)) return facts;
  if (std::memcmp(ident, ELFMAG, SELFMAG) == 0) {
    facts.elf = true;
    const bool interp = ident[EI_CLASS] == ELFCLASS64 ? has_interpreter<Elf64_Ehdr, Elf64_Phdr>(in)
                                                      : has_interpreter<Elf32_Ehdr, Elf32_Phdr>(in);
    facts.statically_linked = !interp;
  }
  return facts;
}

// The interpreter of a "#!" script, or "".
std::string script_interpreter(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!std::getline(in, line) || line.rfind("#!", 0) != 0) return {};
  std::istringstream words(line.substr(2));
  std::string interpreter;
  words >> interpreter;
  return interpreter;
}

}  // namespace

std::string resolve_command(const std::string& name, const std::optional<std::string>& path_env) {
  if (name.empty()) throw std::invalid_argument("no command given after --");
  if (name.find('/') != std::string::npos) {
    struct stat st {};
    if (::stat(name.c_str(), &st) != 0)
      throw std::invalid_argument("command not found: " + name + " (" + std::strerror(errno) + ")");
    if (S_ISDIR(st.st_mode)) throw std::invalid_argument("command " + name + " is a directory");
    if (!executable_file(name))
      throw std::invalid_argument("command " + name + " is not executable");
    return name;
  }
  const std::string search = path_env.value_or("/usr/local/bin:/usr/bin:/bin");
  bool found_unexecutable = false;
  std::string candidate_dir;
  std::stringstream dirs(search);
  while (std::getline(dirs, candidate_dir, ':')) {
    const std::string candidate = (candidate_dir.empty() ? "." : candidate_dir) + "/" + name;
    if (executable_file(candidate)) return candidate;
    found_unexecutable = found_unexecutable || access(candidate.c_str(), F_OK) == 0;
  }
  if (found_unexecutable)
    throw std::invalid_argument("command " + name + " was found on PATH but is not executable");
  throw std::invalid_argument("command not found: " + name + " (searched PATH=" + search + ")");
}

ProgramFacts inspect_program(const std::string& path) {
  ProgramFacts facts = inspect_file(path);
  if (facts.elf) return facts;
  const std::string interpreter = script_interpreter(path);
  if (interpreter.empty()) return facts;
  // Linux ignores set-id bits on scripts: the interpreter's own count.
  facts = inspect_file(interpreter);
  facts.path = path;
  facts.interpreter = interpreter;
  return facts;
}

std::string why_preload_cannot_apply(const ProgramFacts& facts) {
  const std::string what = facts.interpreter.empty()
                               ? facts.path
                               : facts.interpreter + " (the interpreter of " + facts.path + ")";
  if (facts.statically_linked)
    return what +
           " is statically linked: the dynamic loader never runs, so LD_PRELOAD cannot replace "
           "its malloc";
  if (facts.setid)
    return what + " is setuid/setgid: the loader ignores LD_PRELOAD in secure-execution mode";
  return {};
}

}  // namespace shootout::exec
