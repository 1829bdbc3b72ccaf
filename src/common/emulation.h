// Running under a user-mode emulator (qemu-aarch64 on an x86-64 machine,
// scripts/cross-test-arm64.sh). Without binfmt_misc the kernel cannot start
// a program of the emulated architecture, so every process the tool starts
// — workers, the exec launcher, helpers — would fail with ENOEXEC. The
// emulator to start them through is told, never guessed:
// ALLOC_SHOOTOUT_EMULATOR names it (a qemu-user binary: `-0 ARGV0 PROGRAM
// ARGS...`). It must be statically linked (qemu-aarch64-static): the
// environment it is given is the program's, and a dynamically linked
// emulator would itself load the LD_PRELOAD meant for the program.
#pragma once

#include <string>
#include <vector>

namespace shootout::common {

inline constexpr const char* kEmulatorVariable = "ALLOC_SHOOTOUT_EMULATOR";
// qemu-user's own variables: log every guest system call (QEMU_STRACE) into
// a file (QEMU_LOG_FILENAME). An emulated worker is started with both and
// counts its memory system calls from that file (probe/qemu_strace.h).
inline constexpr const char* kQemuStraceVariable = "QEMU_STRACE";
inline constexpr const char* kQemuLogVariable = "QEMU_LOG_FILENAME";

// The emulator's path from ALLOC_SHOOTOUT_EMULATOR; "" when unset (native).
std::string emulator();

// What is wrong with ALLOC_SHOOTOUT_EMULATOR (not an absolute path to an
// executable file: posix_spawn searches no PATH), naming what is valid;
// "" when it is unset or usable.
std::string emulator_problem();

// Whether `path` is an ELF file for the machine this program was built for
// (its e_machine is that of /proc/self/exe, which qemu-user shows as the
// emulated program). Scripts and the build machine's own programs (dpkg-query,
// gnuplot, strace) run natively and are never wrapped.
bool is_own_machine_elf(const std::string& path);

// The argv that starts `program` as `argv` under `emulator`: qemu-user's
// `EMULATOR -0 ARGV0 PROGRAM ARGS...` (-0 keeps the program's argv[0]).
std::vector<std::string> emulated_argv(const std::string& emulator, const std::string& program,
                                       const std::vector<std::string>& argv);

}  // namespace shootout::common
