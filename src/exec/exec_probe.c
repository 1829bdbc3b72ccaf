/* libshootout_exec_probe.so: preloaded FIRST (before the allocator) into the
 * user's program in the un-timed verification run of `alloc-shootout exec`,
 * never in a timed run. It answers two questions about a program nobody
 * here wrote:
 *   - which object serves malloc & co in it (dladdr of what the wrappers
 *     forward to, RTLD_NEXT = the preloaded allocator, or libc for std);
 *   - whether the program's allocations actually go through that malloc:
 *     malloc/calloc/realloc/operator new are wrapped and counted, so a
 *     program with its own allocator (a Rust binary with a built-in
 *     jemalloc) shows zero calls although it ran.
 * Findings go to the slot file named by SHOOTOUT_EXEC_PROBE_FILE
 * (probe_protocol.h). A statically linked or setuid program never loads the
 * probe at all, which the runner sees as an empty file.
 * Plain C, no libstdc++: it must load into any dynamically linked program. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec/probe_protocol.h"

#define EXPORT __attribute__((visibility("default")))

typedef void* (*malloc_fn)(size_t);
typedef void* (*calloc_fn)(size_t, size_t);
typedef void* (*realloc_fn)(void*, size_t);
typedef void (*free_fn)(void*);

static malloc_fn next_malloc;
static calloc_fn next_calloc;
static realloc_fn next_realloc;
static free_fn next_free;
static malloc_fn next_new;
static malloc_fn next_new_array;

/* dlsym may allocate while the wrappers resolve their targets: those
 * requests are served from here and never freed. */
static char boot_heap[64 * 1024] __attribute__((aligned(16)));
static size_t boot_used;
static int resolving;

static struct shootout_probe_file* probe_file;
/* NULL until claimed, or when there is none. Calls before that — the
 * dynamic loader's own, the probe's (dlsym, dlopen) — are not counted: the
 * count is of what the program asks once it starts. */
static struct shootout_probe_slot* slot;

static int in_boot_heap(const void* p) {
  return (const char*)p >= boot_heap && (const char*)p < boot_heap + sizeof boot_heap;
}

static void* boot_alloc(size_t n) {
  const size_t need = (n + 16 + 15) & ~(size_t)15; /* 16-byte header holds the size */
  const size_t at = __atomic_fetch_add(&boot_used, need, __ATOMIC_RELAXED);
  if (at + need > sizeof boot_heap) return NULL;
  *(size_t*)(boot_heap + at) = n;
  return boot_heap + at + 16;
}

static void resolve(void) {
  if (__atomic_exchange_n(&resolving, 1, __ATOMIC_ACQUIRE)) return;
  next_malloc = (malloc_fn)dlsym(RTLD_NEXT, "malloc");
  next_calloc = (calloc_fn)dlsym(RTLD_NEXT, "calloc");
  next_realloc = (realloc_fn)dlsym(RTLD_NEXT, "realloc");
  next_free = (free_fn)dlsym(RTLD_NEXT, "free");
  next_new = (malloc_fn)dlsym(RTLD_NEXT, "_Znwm");
  next_new_array = (malloc_fn)dlsym(RTLD_NEXT, "_Znam");
  __atomic_store_n(&resolving, 0, __ATOMIC_RELEASE);
}

static void count_allocation(void) {
  struct shootout_probe_slot* s = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);
  if (s) __atomic_fetch_add(&s->allocation_calls, 1, __ATOMIC_RELAXED);
}

static void count_free(void) {
  struct shootout_probe_slot* s = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);
  if (s) __atomic_fetch_add(&s->free_calls, 1, __ATOMIC_RELAXED);
}

EXPORT void* malloc(size_t n) {
  if (!next_malloc) resolve();
  if (!next_malloc) return boot_alloc(n);
  count_allocation();
  return next_malloc(n);
}

EXPORT void* calloc(size_t count, size_t size) {
  if (!next_calloc) resolve();
  if (!next_calloc) {
    if (size && count > (size_t)-1 / size) return NULL;
    return boot_alloc(count * size); /* the boot heap is zero and never reused */
  }
  count_allocation();
  return next_calloc(count, size);
}

EXPORT void* realloc(void* p, size_t n) {
  if (in_boot_heap(p)) {
    void* moved = malloc(n);
    if (moved) {
      const size_t old = *(const size_t*)((const char*)p - 16);
      memcpy(moved, p, old < n ? old : n);
    }
    return moved;
  }
  if (!next_realloc) resolve();
  if (!next_realloc) return boot_alloc(n);
  count_allocation();
  return next_realloc(p, n);
}

EXPORT void free(void* p) {
  if (!p || in_boot_heap(p)) return;
  if (!next_free) resolve();
  if (!next_free) return;
  count_free();
  next_free(p);
}

/* operator new / new[]: the packaged allocators define their own, which C++
 * code calls without going through malloc; counted so a C++ program's
 * allocations are seen. Built with -fexceptions: std::bad_alloc from the
 * real operator may unwind through this frame. */
EXPORT void* _Znwm(size_t n) {
  if (!next_new) resolve();
  count_allocation();
  return next_new(n);
}

EXPORT void* _Znam(size_t n) {
  if (!next_new_array) resolve();
  count_allocation();
  return next_new_array(n);
}

/* --- findings -------------------------------------------------------------- */

static void copy_text(char* out, size_t size, const char* text) {
  if (!text) text = "";
  strncpy(out, text, size - 1);
  out[size - 1] = '\0';
}

/* The file name of the object holding `address`; the main program's shows
 * as its /proc/self/exe path. */
static void object_of(const void* address, char* out, const char* exe) {
  Dl_info info;
  out[0] = '\0';
  if (!address || !dladdr(address, &info)) return;
  const char* name = info.dli_fname;
  if (!name || !*name || !strchr(name, '/')) name = exe;
  copy_text(out, SHOOTOUT_EXEC_PROBE_PATH, name);
}

static int in_this_object(const void* address) {
  Dl_info mine, theirs;
  return address && dladdr((const void*)&resolve, &mine) && dladdr(address, &theirs) &&
         mine.dli_fbase == theirs.dli_fbase;
}

/* Which object serves `name` for the program: the first definition in the
 * global scope, except that the probe's own wrapper is looked through to
 * the object it forwards to. Returns 1 when something ahead of the probe
 * (the program itself) defines it. */
static int serving_object(const char* name, char* out, const char* exe) {
  void* first = dlsym(RTLD_DEFAULT, name);
  if (in_this_object(first)) {
    object_of(dlsym(RTLD_NEXT, name), out, exe);
    return 0;
  }
  object_of(first, out, exe);
  return first != NULL;
}

/* The version from the serving object's own API, where it has one. */
static void read_version(struct shootout_probe_slot* s) {
  const char* object = s->objects[SHOOTOUT_PROBE_MALLOC];
  if (!*object) return;
  void* handle = dlopen(object, RTLD_LAZY | RTLD_NOLOAD);
  if (!handle) return;
  const char* base = strrchr(object, '/');
  base = base ? base + 1 : object;
  void* f;
  if ((f = dlsym(handle, "tc_version"))) {
    int major = 0, minor = 0;
    const char* patch = NULL;
    const char* text = ((const char* (*)(int*, int*, const char**))f)(&major, &minor, &patch);
    if (text)
      copy_text(s->version, sizeof s->version, text);
    else
      snprintf(s->version, sizeof s->version, "%d.%d", major, minor);
    copy_text(s->version_source, sizeof s->version_source, "tc_version()");
  } else if ((f = dlsym(handle, "mi_version"))) {
    const int v = ((int (*)(void))f)();
    snprintf(s->version, sizeof s->version, "%d.%d.%d", v / 100, (v / 10) % 10, v % 10);
    copy_text(s->version_source, sizeof s->version_source, "mi_version()");
  } else if (strncmp(base, "libc.so", 7) == 0 && (f = dlsym(handle, "gnu_get_libc_version"))) {
    copy_text(s->version, sizeof s->version, ((const char* (*)(void))f)());
    copy_text(s->version_source, sizeof s->version_source, "gnu_get_libc_version()");
  } else {
    static const char* const mallctls[] = {"mallctl", "je_mallctl", "_rjem_mallctl"};
    for (size_t i = 0; i < sizeof mallctls / sizeof *mallctls; ++i) {
      f = dlsym(handle, mallctls[i]);
      if (!f) continue;
      const char* version = NULL;
      size_t length = sizeof version;
      if (((int (*)(const char*, void*, size_t*, void*, size_t))f)("version", &version, &length,
                                                                   NULL, 0) == 0 &&
          version) {
        copy_text(s->version, sizeof s->version, version);
        snprintf(s->version_source, sizeof s->version_source, "%s(\"version\")", mallctls[i]);
      }
      break;
    }
  }
  dlclose(handle);
}

static struct shootout_probe_slot* claim_slot(void) {
  if (!probe_file) return NULL;
  const uint32_t index = __atomic_fetch_add(&probe_file->claimed, 1, __ATOMIC_ACQ_REL);
  if (index >= probe_file->slot_count || index >= SHOOTOUT_EXEC_PROBE_SLOTS) return NULL;
  return &probe_file->slots[index];
}

static void after_fork_in_child(void) {
  struct shootout_probe_slot* parent = slot;
  __atomic_store_n(&slot, NULL, __ATOMIC_RELEASE);
  struct shootout_probe_slot* s = claim_slot();
  if (!s) return;
  if (parent) {
    memcpy(s->exe, parent->exe, sizeof s->exe);
    memcpy(s->objects, parent->objects, sizeof s->objects);
    memcpy(s->version, parent->version, sizeof s->version);
    memcpy(s->version_source, parent->version_source, sizeof s->version_source);
    s->program_defines_malloc = parent->program_defines_malloc;
  }
  s->kind = SHOOTOUT_PROBE_FORKED;
  s->pid = getpid();
  s->ppid = getppid();
  __atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
  __atomic_store_n(&slot, s, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void probe_start(void) {
  resolve();
  const char* path = getenv(SHOOTOUT_EXEC_PROBE_ENV);
  if (!path || !*path) return;
  const int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  void* mapped =
      mmap(NULL, sizeof(struct shootout_probe_file), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (mapped == MAP_FAILED) return;
  probe_file = (struct shootout_probe_file*)mapped;
  if (probe_file->magic != SHOOTOUT_EXEC_PROBE_MAGIC) {
    munmap(mapped, sizeof(struct shootout_probe_file));
    probe_file = NULL;
    return;
  }
  pthread_atfork(NULL, NULL, after_fork_in_child);
  struct shootout_probe_slot* s = claim_slot();
  if (s) {
    s->kind = SHOOTOUT_PROBE_IMAGE;
    s->pid = getpid();
    s->ppid = getppid();
    const ssize_t n = readlink("/proc/self/exe", s->exe, sizeof s->exe - 1);
    s->exe[n > 0 ? n : 0] = '\0';
    static const char* const symbols[SHOOTOUT_PROBE_SYMBOLS] = {
        "malloc", "free", "calloc", "realloc", "aligned_alloc", "posix_memalign", "_Znwm"};
    for (int i = 0; i < SHOOTOUT_PROBE_SYMBOLS; ++i) {
      const int ahead = serving_object(symbols[i], s->objects[i], s->exe);
      if (i == SHOOTOUT_PROBE_MALLOC) s->program_defines_malloc = (uint32_t)ahead;
    }
    read_version(s);
    __atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&slot, s, __ATOMIC_RELEASE);
  }
}
