// The command a user hands to `exec`: found on PATH as execvp would, checked
// before anything runs (one clear message for a missing or non-executable
// program), and inspected for what makes LD_PRELOAD ineffective — static
// linking (no ELF interpreter) and the setuid/setgid bits — so that a
// variant the probe never reported on is explained, not just failed.
#pragma once

#include <optional>
#include <string>

namespace shootout::exec {

struct ProgramFacts {
  std::string path;                // as execve will get it
  bool elf = false;                // an ELF file (else e.g. a "#!" script)
  bool statically_linked = false;  // ELF without PT_INTERP: the dynamic loader never runs
  bool setid = false;              // setuid or setgid: the loader ignores LD_PRELOAD (secure mode)
  std::string interpreter;         // of a "#!" script, e.g. "/usr/bin/python3"
};

// `name` with a slash is taken as a path; otherwise PATH is searched
// (`path_env`; "/usr/local/bin:/usr/bin:/bin" when unset). Throws
// std::invalid_argument: "command not found: NAME (searched PATH)", "... is
// a directory", "... is not executable".
std::string resolve_command(const std::string& name, const std::optional<std::string>& path_env);

// What the file at `path` is; a script's facts are those of its interpreter
// (with `interpreter` set), since that is the program the loader starts.
ProgramFacts inspect_program(const std::string& path);

// Why the exec probe could not load into the program, in words, or "" when
// nothing about the file explains it.
std::string why_preload_cannot_apply(const ProgramFacts& facts);

}  // namespace shootout::exec
