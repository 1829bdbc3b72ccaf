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
 * for the command) never load into it, and it costs ~100 KiB of RSS. */
#include <errno.h>
#include <fcntl.h>
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
  const int error = errno;
  (void)!write(4, &error, sizeof error);
  _exit(127);
}
