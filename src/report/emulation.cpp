#include "report/emulation.h"

namespace shootout::report {

std::string emulation_note(const journal::MachineFacts& machine) {
  if (machine.emulator.empty()) return "";
  return "Emulated run (" + machine.emulator +
         "): its times measure the emulator, which translates every instruction and system "
         "call, not the allocators on a " +
         (machine.arch.empty() ? std::string("native") : machine.arch) +
         " CPU — they are not comparable with any other run's, nor between its allocators. Its "
         "counters are: madvise by advice, mmap, munmap and brk are the calls each allocator "
         "made; page faults and peak RSS are the emulator process's (each counter's source is "
         "under Root cause).";
}

}  // namespace shootout::report
