/* alloc-shootout-exec-launcher PATH ARGV0 [ARG...]
 *
 * The first process of every run of `alloc-shootout exec`. The runner
 * starts it with posix_spawn (its own process group, the command's
 * environment), opens perf counters on it with enable_on_exec while it waits
 * here, then releases it: it execve()s the command, which keeps its pid, so
 * the counters count exactly the command and its descendants (the classic
 * `perf stat` start, without forking the runner's own large address space,
 * whose peak RSS would otherwise show in the command's ru_maxrss).
 *
 *   fd 3: the runner writes one byte when the counters are open; end of file
 *         means it gave up, and the launcher exits 125 without running
 *         anything.
 *   fd 4: close-on-exec; receives errno (an int) if execve fails.
 *
 * Linked statically, so the allocator and probe named in LD_PRELOAD (meant
 * for the command) never load into it, and it costs ~100 KiB of RSS.
 *
 * Under a user-mode emulator without binfmt_misc (ALLOC_SHOOTOUT_EMULATOR,
 * src/common/emulation.h) the kernel refuses a command of the emulated
 * architecture with ENOEXEC; it is then executed through the emulator as
 * `EMULATOR -0 ARGV0 PATH ARGS...`, keeping the pid. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 3) return 125;
  fcntl(4, F_SETFD, FD_CLOEXEC);
  char go = 0;
  ssize_t n;
  do {
    n = read(3, &go, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) _exit(125);
  close(3);
  execve(argv[1], argv + 2, environ);
  int error = errno;
  const char* emulator = getenv("ALLOC_SHOOTOUT_EMULATOR");
  if (error == ENOEXEC && emulator && *emulator) {
    /* emulator, -0, argv0, path, the arguments after argv0, NULL */
    char** emulated = calloc((size_t)argc + 3, sizeof *emulated);
    if (emulated) {
      emulated[0] = (char*)emulator;
      emulated[1] = "-0";
      emulated[2] = argv[2];
      emulated[3] = argv[1];
      for (int i = 3; i < argc; ++i) emulated[i + 1] = argv[i];
      execve(emulator, emulated, environ);
      error = errno;
    }
  }
  (void)!write(4, &error, sizeof error);
  _exit(127);
}
