/* The file through which the exec probe library (exec_probe.c), preloaded
 * into the program in the verification run, tells the runner what it found.
 * The runner creates it at its full size and names it in an environment
 * variable; every program image that loads the probe claims one slot by an
 * atomic increment and writes its findings there, and counts its malloc
 * calls into the slot while it runs. The file is mapped MAP_SHARED, so the
 * counts survive however the process ends (_exit, a signal, a timeout):
 * nothing depends on a destructor running. Plain C: the probe is a C object
 * that must not pull libstdc++ into the program. */
#ifndef SHOOTOUT_EXEC_PROBE_PROTOCOL_H
#define SHOOTOUT_EXEC_PROBE_PROTOCOL_H

#include <stdint.h>

#define SHOOTOUT_EXEC_PROBE_ENV "SHOOTOUT_EXEC_PROBE_FILE"
#define SHOOTOUT_EXEC_PROBE_MAGIC 0x31424f5250435845ULL /* "EXCPROB1" */
#define SHOOTOUT_EXEC_PROBE_SLOTS 128
#define SHOOTOUT_EXEC_PROBE_PATH 256

/* The symbols whose serving object a slot records, in this order. */
enum shootout_probe_symbol {
  SHOOTOUT_PROBE_MALLOC,
  SHOOTOUT_PROBE_FREE,
  SHOOTOUT_PROBE_CALLOC,
  SHOOTOUT_PROBE_REALLOC,
  SHOOTOUT_PROBE_ALIGNED_ALLOC,
  SHOOTOUT_PROBE_POSIX_MEMALIGN,
  SHOOTOUT_PROBE_OPERATOR_NEW,
  SHOOTOUT_PROBE_SYMBOLS
};

/* kind */
#define SHOOTOUT_PROBE_IMAGE 1  /* a program image: the probe's constructor ran after execve */
#define SHOOTOUT_PROBE_FORKED 2 /* a fork() child of an image, before any execve */

struct shootout_probe_slot {
  uint32_t ready; /* set to 1 (release) once the fields below are written */
  uint32_t kind;
  int32_t pid;
  int32_t ppid;
  /* Calls of malloc/calloc/realloc (allocations) and free that reached the
   * allocator through the probe's wrappers, i.e. through the dynamic symbol
   * the program and its libraries bind to. Relaxed atomic increments. */
  uint64_t allocation_calls;
  uint64_t free_calls;
  /* 1 when the program defines malloc itself (it precedes every preloaded
   * object in the lookup scope), so its calls never reach the wrappers. */
  uint32_t program_defines_malloc;
  uint32_t reserved;
  char exe[SHOOTOUT_EXEC_PROBE_PATH];
  /* The file name (dladdr) of the object serving each symbol: for the
   * wrapped ones the object the wrapper forwards to (RTLD_NEXT), unless
   * something earlier in the scope defines the symbol; "" if unresolved. */
  char objects[SHOOTOUT_PROBE_SYMBOLS][SHOOTOUT_EXEC_PROBE_PATH];
  char version[128];       /* from the serving object's own API, "" if none */
  char version_source[64]; /* e.g. mallctl("version") */
};

struct shootout_probe_file {
  uint64_t magic;
  uint32_t slot_count;
  uint32_t claimed; /* atomic: slots handed out (may exceed slot_count) */
  struct shootout_probe_slot slots[SHOOTOUT_EXEC_PROBE_SLOTS];
};

#endif
