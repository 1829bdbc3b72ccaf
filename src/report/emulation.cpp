#include "report/emulation.h"

namespace shootout::report {

std::string emulation_note(const journal::MachineFacts& machine) {
  if (machine.emulator.empty()) return "";
  return "Emulated run (" + machine.emulator +
         "): its times measure the emulator, which translates every instruction and system "
         "call, not the allocators on an " +
         (machine.arch.empty() ? std::string("emulated") : machine.arch) +
         " CPU — they are not comparable with any other run's, nor between its allocators. Its "
         "counters are: where measured, the system calls each allocator made (madvise by "
         "advice, mmap, munmap, brk), and the page faults and peak RSS of the emulator process "
         "(each counter's source is under Root cause).";
}

}  // namespace shootout::report
