// KernelCounters: perf_event counters with per-counter fallbacks
// (tracepoint -> interposition for syscalls, perf event -> getrusage for
// faults), each counter's source and reason kept in status().
#include "probe/counters.h"

#include "common/emulation.h"
#include "probe/interpose.h"
#include "probe/own_threads.h"
#include "probe/qemu_strace.h"
#include "probe/tracefs.h"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

namespace shootout::probe {

const char* to_string(Source source) {
  switch (source) {
    case Source::perf_event:
      return "perf_event";
    case Source::interpose:
      return "interpose";
    case Source::rusage:
      return "rusage";
    case Source::qemu_strace:
      return "qemu_strace";
  }
  return "unknown";
}

namespace {

static_assert(MADV_DONTNEED == 4 && MADV_FREE == 8, "filters below use the Linux advice values");

using interpose::Call;

struct SyscallSpec {
  const char* name;
  const char* tracepoint;  // under events/syscalls/
  const char* filter;      // nullptr: every call
  Call call;
  int advice;  // interposition: -1 = every call, else this madvise advice only
};

constexpr SyscallSpec kSyscalls[] = {
    {names::kMadviseAll, "sys_enter_madvise", nullptr, Call::madvise, -1},
    {names::kMadviseDontneed, "sys_enter_madvise", "behavior == 4", Call::madvise, MADV_DONTNEED},
    {names::kMadviseFree, "sys_enter_madvise", "behavior == 8", Call::madvise, MADV_FREE},
    {names::kMmap, "sys_enter_mmap", nullptr, Call::mmap, -1},
    {names::kMunmap, "sys_enter_munmap", nullptr, Call::munmap, -1},
    {names::kBrk, "sys_enter_brk", nullptr, Call::brk, -1},
    {names::kMremap, "sys_enter_mremap", nullptr, Call::mremap, -1},
};

struct EventSpec {
  const char* name;
  std::uint64_t config;
  const char* label;
};

constexpr EventSpec kFaults[] = {
    {names::kMinorFaults, PERF_COUNT_SW_PAGE_FAULTS_MIN, "PERF_COUNT_SW_PAGE_FAULTS_MIN"},
    {names::kMajorFaults, PERF_COUNT_SW_PAGE_FAULTS_MAJ, "PERF_COUNT_SW_PAGE_FAULTS_MAJ"},
};

// Per-CPU mode's page faults: every fault enters the x86 fault handler
// through one of these two tracepoints (user mode, or kernel mode touching
// user memory, e.g. read() into a fresh buffer) — the faults getrusage
// counts, and no context-switch cost.
constexpr const char* kFaultTracepoints[] = {"exceptions/page_fault_user",
                                             "exceptions/page_fault_kernel"};

constexpr EventSpec kHardware[] = {
    {names::kCycles, PERF_COUNT_HW_CPU_CYCLES, "PERF_COUNT_HW_CPU_CYCLES"},
    {names::kInstructions, PERF_COUNT_HW_INSTRUCTIONS, "PERF_COUNT_HW_INSTRUCTIONS"},
    {names::kCacheReferences, PERF_COUNT_HW_CACHE_REFERENCES, "PERF_COUNT_HW_CACHE_REFERENCES"},
    {names::kCacheMisses, PERF_COUNT_HW_CACHE_MISSES, "PERF_COUNT_HW_CACHE_MISSES"},
};

constexpr const char* kInterposeLimit =
    "; undercounts under the std allocator: glibc malloc's internal "
    "__mmap/__munmap/__madvise/__brk/__mremap calls bypass the wrappers";

constexpr const char* kInterposeBlind =
    "; the interposition fallback cannot see the std allocator's calls: glibc malloc's internal "
    "__mmap/__munmap/__madvise/__brk/__mremap bypass the wrappers, so a count would be a false "
    "zero";

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : std::to_string(err);
}

std::string perf_error(int err) { return std::string("perf_event_open: ") + std::strerror(err); }

std::string syscall_event(const SyscallSpec& spec) {
  return std::string("syscalls/") + spec.tracepoint;
}

tracefs::Location tracepoints_location(const ProbeOptions& options) {
  if (!options.allow_tracepoints) return {{}, "tracepoints disabled by options"};
  return tracefs::find();
}

// pid 0: this process; another pid: that process (open_for_child, with
// attr.enable_on_exec set by the caller).
int perf_open(perf_event_attr attr, pid_t pid = 0) {
  attr.size = sizeof(attr);
  attr.disabled = 1;  // enabled together once every counter is set up
  attr.inherit = 1;   // threads (and children) created after open are counted
  attr.read_format = 0;
  return static_cast<int>(
      syscall(SYS_perf_event_open, &attr, pid, -1 /* any cpu */, -1, PERF_FLAG_FD_CLOEXEC));
}

// Kernel-side counting first; where paranoia forbids it (non-root,
// perf_event_paranoid >= 2) count user-mode events only.
struct Opened {
  int fd = -1;
  int err = 0;
  bool user_only = false;
};
Opened perf_open_with_fallback(perf_event_attr attr, pid_t pid = 0) {
  attr.exclude_hv = 1;
  int fd = perf_open(attr, pid);
  if (fd >= 0) return {fd, 0, false};
  int err = errno;
  if (err == EACCES || err == EPERM) {
    attr.exclude_kernel = 1;
    fd = perf_open(attr, pid);
    if (fd >= 0) return {fd, 0, true};
    err = errno;
  }
  return {-1, err, false};
}

std::uint64_t qemu_logged_value(const QemuStraceCounts& counts, const SyscallSpec& spec) {
  if (spec.call == Call::madvise)
    return spec.advice == MADV_DONTNEED ? counts.madvise_dontneed
           : spec.advice == MADV_FREE   ? counts.madvise_free
                                        : counts.madvise;
  if (spec.call == Call::mmap) return counts.mmap;
  if (spec.call == Call::munmap) return counts.munmap;
  if (spec.call == Call::brk) return counts.brk;
  return counts.mremap;
}

// The log qemu-user writes of this process's system calls, when this
// process is emulated and was started with it (run/cell_launch.cpp); empty
// otherwise, or with why it cannot be read in `error`.
std::unique_ptr<QemuStraceLog> open_qemu_log(std::string& error) {
  const char* log = std::getenv(common::kQemuLogVariable);
  if (common::emulator().empty() || !std::getenv(common::kQemuStraceVariable) || !log) return {};
  const int fd = ::open(log, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::string("qemu's syscall log ") + log + ": " + std::strerror(errno);
    return {};
  }
  return std::make_unique<QemuStraceLog>(fd);
}

std::uint64_t interposed_value(const interpose::Counts& counts, const SyscallSpec& spec) {
  return spec.advice < 0 ? counts.of(spec.call) : counts.advice(spec.advice);
}

std::uint64_t to_ns(const timeval& tv) {
  return static_cast<std::uint64_t>(tv.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(tv.tv_usec) * 1'000ull;
}

rusage self_rusage() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage;
}

// This process's thread ids as a tracepoint filter clause.
std::string own_threads_filter() {
  std::string clause;
  for (const auto& id : detail::own_thread_ids())
    clause += (clause.empty() ? "" : " || ") + std::string("common_pid == ") + id;
  return clause;
}

std::string combined_filter(const char* filter, const std::string& threads) {
  return filter ? "(" + std::string(filter) + ") && (" + threads + ")" : threads;
}

// A disabled per-CPU tracepoint event counting only what `filter` admits;
// -1 when refused. (A filter cannot be replaced once set — EEXIST — so a new
// thread set means new events.)
int open_per_cpu(std::uint64_t tracepoint, int cpu, const std::string& filter) {
  perf_event_attr attr{};
  attr.size = sizeof(attr);
  attr.type = PERF_TYPE_TRACEPOINT;
  attr.config = tracepoint;
  attr.disabled = 1;
  const int fd =
      static_cast<int>(syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return -1;
  if (ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter.c_str()) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

struct KernelCounters::Impl {
  struct Perf {
    std::string name;
    int fd;
  };
  std::vector<Perf> perf;
  // Per-CPU mode: the tracepoint events of every CPU, each with its own
  // filter, re-filtered to the process's threads when they change. Events
  // with the same name add up (the two fault tracepoints).
  struct PerCpu {
    const char* name;
    const char* filter;  // nullptr: every event of the process's threads
    std::uint64_t tracepoint;
    int cpu;
    int fd;
    std::uint64_t carried = 0;  // counted by the events this one replaced
  };
  std::vector<PerCpu> per_cpu;
  std::string filtered_tids;  // the thread list the filters were last set for
  std::vector<const SyscallSpec*> interposed;
  std::unique_ptr<QemuStraceLog> qemu_log;  // under qemu-user with QEMU_STRACE
  std::vector<const SyscallSpec*> from_qemu_log;
  interpose::Counts interpose_base;
  bool holds_interpose = false;
  bool faults_from_rusage = false;
  bool minor_faults_per_cpu = false;  // fault tracepoints less ru_majflt
  bool child = false;                 // open_for_child: perf events of another process only
  rusage base{};
  std::vector<CounterStatus> status;

  ~Impl() {
    if (qemu_log) close(qemu_log->fd());
    for (const auto& p : perf) close(p.fd);
    for (const auto& p : per_cpu)
      if (p.fd >= 0) close(p.fd);
    if (holds_interpose) interpose::release_counting();
  }
};

namespace {

// The hardware counters (cycles, instructions, cache references and misses),
// each opened with `open` (this process, or a child); refused ones are listed
// with why. `note` is appended to each opened counter's detail.
template <typename Open, typename Keep>
void open_hardware(const ProbeOptions& options, std::vector<CounterStatus>& status,
                   const std::string& note, Open open, Keep keep) {
  for (const auto& spec : kHardware) {
    if (!options.allow_hardware) {
      status.push_back({spec.name, std::nullopt,
                        "not opened: hardware events are per-task events, which slow a "
                        "wake-up-heavy workload 2.1-2.5x; --hardware-counters opens them"});
      continue;
    }
    perf_event_attr attr{};
    attr.type = PERF_TYPE_HARDWARE;
    attr.config = spec.config;
    const Opened opened = open(attr);
    if (opened.fd >= 0) {
      keep(spec.name, opened.fd);
      status.push_back(
          {spec.name, Source::perf_event,
           std::string(spec.label) + (opened.user_only ? " (user mode only)" : "") + note});
      continue;
    }
    const int err = opened.err;
    const bool unsupported = err == ENOENT || err == EOPNOTSUPP || err == ENODEV;
    status.push_back(
        {spec.name, std::nullopt,
         unsupported ? "hardware events not supported on this machine (" + errno_name(err) + ")"
                     : perf_error(err)});
  }
}

}  // namespace

KernelCounters KernelCounters::open(const ProbeOptions& options) {
  auto* impl = new Impl;
  auto& status = impl->status;
  // Threads that exist before perf_event_open(inherit) are never counted.
  const int threads = detail::own_thread_count();
  const std::string thread_note =
      threads > 1 ? " (opened with " + std::to_string(threads) +
                        " threads running: threads that existed before open are not counted)"
                  : "";

  const tracefs::Location tracing = tracepoints_location(options);
  // The online CPUs, as the call tracer opens its rings: tracefs.h says why
  // not 0..nproc-1.
  const std::vector<int> cpus = tracefs::online_cpus();
  const std::string own_threads = own_threads_filter();
  // One tracepoint on every CPU under `name`, filtered to this process's
  // threads; false (nothing kept) where any CPU refuses it.
  auto open_on_every_cpu = [&](const char* name, std::uint64_t id, const char* filter) {
    std::vector<int> fds;
    for (const int cpu : cpus) {
      const int fd = open_per_cpu(id, cpu, combined_filter(filter, own_threads));
      if (fd < 0) {
        for (int f : fds) close(f);
        return false;
      }
      fds.push_back(fd);
    }
    for (std::size_t i = 0; i < cpus.size(); ++i)
      impl->per_cpu.push_back({name, filter, id, cpus[i], fds[i]});
    return true;
  };

  // Page faults: per-CPU fault tracepoints (minor = all less major), else
  // perf software events (per-task mode), else getrusage.
  std::string per_cpu_fault_reason = "perf events disabled by options";
  if (options.per_cpu && options.allow_software) {
    per_cpu_fault_reason = tracing.error;
    std::vector<std::uint64_t> ids;
    for (const char* event : kFaultTracepoints) {
      if (tracing.dir.empty()) break;
      const auto [id, id_error] = tracefs::event_id(tracing.dir, event);
      if (!id_error.empty()) {
        per_cpu_fault_reason = id_error;
        ids.clear();
        break;
      }
      ids.push_back(id);
    }
    const std::size_t kept = impl->per_cpu.size();
    bool opened = !ids.empty();
    for (std::size_t i = 0; opened && i < ids.size(); ++i)
      opened = open_on_every_cpu(names::kMinorFaults, ids[i], nullptr);
    if (opened) {
      impl->minor_faults_per_cpu = true;
    } else {
      for (std::size_t i = kept; i < impl->per_cpu.size(); ++i) close(impl->per_cpu[i].fd);
      impl->per_cpu.resize(kept);
      if (!ids.empty()) per_cpu_fault_reason = "per-CPU fault tracepoint events refused";
    }
  }
  for (const auto& spec : kFaults) {
    const bool minor = std::strcmp(spec.name, names::kMinorFaults) == 0;
    if (minor && impl->minor_faults_per_cpu) {
      status.push_back({spec.name, Source::perf_event,
                        "exceptions:page_fault_user + exceptions:page_fault_kernel on every CPU, "
                        "filter this process's threads (per-CPU events: no cost on context "
                        "switches), less major faults (getrusage ru_majflt)"});
      continue;
    }
    std::string reason =
        options.per_cpu ? per_cpu_fault_reason : "perf software events disabled by options";
    if (!minor && impl->minor_faults_per_cpu)
      reason = "no per-CPU event counts only major faults; getrusage is exact for the process";
    if (options.allow_software && !options.per_cpu) {
      perf_event_attr attr{};
      attr.type = PERF_TYPE_SOFTWARE;
      attr.config = spec.config;
      const Opened opened = perf_open_with_fallback(attr);
      if (opened.fd >= 0) {
        impl->perf.push_back({spec.name, opened.fd});
        status.push_back({spec.name, Source::perf_event,
                          std::string(spec.label) + (opened.user_only ? " (user mode only)" : "") +
                              thread_note});
        continue;
      }
      reason = perf_error(opened.err);
    }
    impl->faults_from_rusage = true;
    // qemu-user answers getrusage for its own process: the emulated
    // program's faults and the emulator's, in the build machine's pages.
    const char* emulated = common::emulator().empty()
                               ? ""
                               : "; under an emulator: the emulator process's faults, its own "
                                 "included, in the build machine's pages";
    status.push_back({spec.name, Source::rusage,
                      std::string("getrusage(RUSAGE_SELF) ") + (minor ? "ru_minflt" : "ru_majflt") +
                          " (" + reason + emulated + ")"});
  }

  // Syscalls: tracepoints (+ filter), else qemu-user's syscall log (which
  // sees glibc's internal calls too), else the executable's libc wrappers.
  std::string qemu_log_error;
  impl->qemu_log = open_qemu_log(qemu_log_error);
  for (const auto& spec : kSyscalls) {
    std::string reason = tracing.error;
    if (!tracing.dir.empty() && options.per_cpu) {
      const auto [id, id_error] = tracefs::event_id(tracing.dir, syscall_event(spec));
      if (id_error.empty() && open_on_every_cpu(spec.name, id, spec.filter)) {
        std::string detail = std::string("syscalls:") + spec.tracepoint + " on every CPU, filter ";
        detail += spec.filter ? std::string(spec.filter) + " && " : "";
        detail += "this process's threads (per-CPU events: no cost on context switches)";
        status.push_back({spec.name, Source::perf_event, detail});
        continue;
      }
    }
    if (!tracing.dir.empty()) {
      const auto [id, id_error] = tracefs::event_id(tracing.dir, syscall_event(spec));
      reason = id_error;
      if (id_error.empty()) {
        perf_event_attr attr{};
        attr.type = PERF_TYPE_TRACEPOINT;
        attr.config = id;
        const int fd = perf_open(attr);
        if (fd < 0) {
          reason = perf_error(errno);
        } else if (spec.filter && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, spec.filter) != 0) {
          reason = std::string("setting filter \"") + spec.filter + "\": " + std::strerror(errno);
          close(fd);
        } else {
          impl->perf.push_back({spec.name, fd});
          std::string detail = std::string("syscalls:") + spec.tracepoint;
          detail += spec.filter ? std::string(" filter ") + spec.filter : " (all calls)";
          status.push_back({spec.name, Source::perf_event, detail + thread_note});
          continue;
        }
      }
    }
    if (impl->qemu_log) {
      impl->from_qemu_log.push_back(&spec);
      std::string detail = std::string("qemu-user's log of every guest system call (") +
                           common::kQemuStraceVariable + "): " + interpose::symbol(spec.call) +
                           " entries of every thread";
      if (spec.advice >= 0) detail += ", advice == " + std::to_string(spec.advice);
      status.push_back({spec.name, Source::qemu_strace, detail + " (" + reason + ")"});
      continue;
    }
    if (!qemu_log_error.empty()) reason += "; " + qemu_log_error;
    const char* symbol = interpose::symbol(spec.call);
    if (options.malloc_in_c_library) {
      status.push_back({spec.name, std::nullopt, "not measured: " + reason + kInterposeBlind});
      continue;
    }
    if (!interpose::exported(spec.call)) {
      status.push_back({spec.name, std::nullopt,
                        reason + "; interposition unavailable: " + symbol +
                            " is not exported by this executable (link it with "
                            "shootout_export_interposers)"});
      continue;
    }
    impl->interposed.push_back(&spec);
    std::string detail = std::string("libc wrapper ") + symbol + "() in this executable";
    if (spec.advice >= 0) detail += ", advice == " + std::to_string(spec.advice);
    status.push_back(
        {spec.name, Source::interpose, detail + " (" + reason + ")" + kInterposeLimit});
  }

  // Hardware: usually refused inside VMs.
  open_hardware(
      options, status, thread_note,
      [](perf_event_attr attr) { return perf_open_with_fallback(attr); },
      [&](const char* name, int fd) {
        impl->perf.push_back({name, fd});
      });

  status.push_back({names::kUserNs, Source::rusage, "getrusage(RUSAGE_SELF) ru_utime"});
  status.push_back({names::kSysNs, Source::rusage, "getrusage(RUSAGE_SELF) ru_stime"});

  // Start everything at (nearly) the same instant.
  if (!impl->interposed.empty()) {
    interpose::acquire_counting();
    impl->holds_interpose = true;
    impl->interpose_base = interpose::snapshot();
  }
  if (impl->from_qemu_log.empty()) impl->qemu_log.reset();
  if (impl->qemu_log) impl->qemu_log->update();
  impl->base = self_rusage();
  impl->filtered_tids = own_threads;
  for (const auto& p : impl->perf) ioctl(p.fd, PERF_EVENT_IOC_ENABLE, 0);
  for (const auto& p : impl->per_cpu) ioctl(p.fd, PERF_EVENT_IOC_ENABLE, 0);
  return KernelCounters(impl);
}

KernelCounters KernelCounters::open_for_child(pid_t pid, const ProbeOptions& options,
                                              const std::vector<ExtraTracepoint>& extra) {
  auto* impl = new Impl;
  impl->child = true;
  auto& status = impl->status;
  const std::string scope = "; counts that process and its descendants from its next execve";
  auto open_on_child = [&](perf_event_attr attr) {
    attr.enable_on_exec = 1;
    return perf_open_with_fallback(attr, pid);
  };

  for (const auto& spec : kFaults) {
    if (!options.allow_software) {
      status.push_back({spec.name, std::nullopt, "perf software events disabled by options"});
      continue;
    }
    perf_event_attr attr{};
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = spec.config;
    const Opened opened = open_on_child(attr);
    if (opened.fd < 0) {
      status.push_back({spec.name, std::nullopt, perf_error(opened.err)});
      continue;
    }
    impl->perf.push_back({spec.name, opened.fd});
    status.push_back(
        {spec.name, Source::perf_event,
         std::string(spec.label) + (opened.user_only ? " (user mode only)" : "") + scope});
  }

  const tracefs::Location tracing = tracepoints_location(options);
  // One tracepoint counter; false with `reason` set when it cannot be opened.
  auto open_tracepoint = [&](const std::string& name, const std::string& event,
                             const std::string& filter, std::string& reason) {
    if (tracing.dir.empty()) {
      reason = tracing.error;
      return false;
    }
    const auto [id, id_error] = tracefs::event_id(tracing.dir, event);
    if (!id_error.empty()) {
      reason = id_error;
      return false;
    }
    perf_event_attr attr{};
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.config = id;
    attr.enable_on_exec = 1;
    const int fd = perf_open(attr, pid);
    if (fd < 0) {
      reason = perf_error(errno);
      return false;
    }
    if (!filter.empty() && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter.c_str()) != 0) {
      reason = "setting filter \"" + filter + "\": " + std::strerror(errno);
      close(fd);
      return false;
    }
    impl->perf.push_back({name, fd});
    return true;
  };
  for (const auto& spec : kSyscalls) {
    std::string reason;
    if (open_tracepoint(spec.name, syscall_event(spec), spec.filter ? spec.filter : "", reason)) {
      std::string detail = std::string("syscalls:") + spec.tracepoint;
      detail += spec.filter ? std::string(" filter ") + spec.filter : " (all calls)";
      status.push_back({spec.name, Source::perf_event, detail + scope});
    } else {
      status.push_back({spec.name, std::nullopt,
                        reason + "; no interposition fallback in "
                                 "another process's program"});
    }
  }
  for (const auto& spec : extra) {
    std::string reason;
    std::string label = spec.event;
    if (const auto slash = label.find('/'); slash != std::string::npos) label[slash] = ':';
    if (open_tracepoint(spec.name, spec.event, spec.filter, reason)) {
      status.push_back(
          {spec.name, Source::perf_event,
           label + (spec.filter.empty() ? " (all events)" : " filter " + spec.filter) + scope});
    } else {
      status.push_back({spec.name, std::nullopt, reason});
    }
  }

  open_hardware(options, impl->status, scope, open_on_child, [&](const char* name, int fd) {
    impl->perf.push_back({name, fd});
  });
  return KernelCounters(impl);
}

KernelCounters::KernelCounters(Impl* impl) : impl_(impl) {}
KernelCounters::KernelCounters(KernelCounters&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)) {}
KernelCounters& KernelCounters::operator=(KernelCounters&& other) noexcept {
  if (this != &other) {
    delete impl_;
    impl_ = std::exchange(other.impl_, nullptr);
  }
  return *this;
}
KernelCounters::~KernelCounters() { delete impl_; }

Reading KernelCounters::read() const {
  Reading reading;
  if (!impl_) return reading;
  if (!impl_->per_cpu.empty()) {
    // Threads started since the last read (the runtime's pool) join the
    // filter; calls of a thread that lived and died between reads are missed.
    const std::string threads = own_threads_filter();
    if (threads != impl_->filtered_tids) {
      for (auto& p : impl_->per_cpu) {
        if (p.fd < 0) continue;
        std::uint64_t value = 0;
        if (::read(p.fd, &value, sizeof(value)) == static_cast<ssize_t>(sizeof(value)))
          p.carried += value;
        close(p.fd);
        p.fd = open_per_cpu(p.tracepoint, p.cpu, combined_filter(p.filter, threads));
        if (p.fd >= 0) ioctl(p.fd, PERF_EVENT_IOC_ENABLE, 0);
      }
      impl_->filtered_tids = threads;
    }
    std::map<std::string, bool> complete;
    for (const auto& p : impl_->per_cpu) {
      std::uint64_t value = 0;
      const bool ok =
          p.fd >= 0 && ::read(p.fd, &value, sizeof(value)) == static_cast<ssize_t>(sizeof(value));
      auto [it, fresh] = complete.emplace(p.name, ok);
      it->second = it->second && ok;
      reading[p.name] += p.carried + value;
    }
    // A counter one of whose CPUs could not be read is left out, never partial.
    for (const auto& [name, ok] : complete)
      if (!ok) reading.erase(name);
  }
  for (const auto& p : impl_->perf) {
    std::uint64_t value = 0;
    // A failed read leaves the counter out of the reading, never as zero.
    if (::read(p.fd, &value, sizeof(value)) == static_cast<ssize_t>(sizeof(value))) {
      reading[p.name] = value;
    }
  }
  if (!impl_->interposed.empty()) {
    const auto now = interpose::snapshot();
    for (const auto* spec : impl_->interposed) {
      reading[spec->name] =
          interposed_value(now, *spec) - interposed_value(impl_->interpose_base, *spec);
    }
  }
  if (impl_->qemu_log && impl_->qemu_log->update()) {
    for (const auto* spec : impl_->from_qemu_log)
      reading[spec->name] = qemu_logged_value(impl_->qemu_log->counts(), *spec);
  }
  if (impl_->child) return reading;  // our own rusage says nothing about that process
  const rusage now = self_rusage();
  const rusage& base = impl_->base;
  reading[names::kUserNs] = to_ns(now.ru_utime) - to_ns(base.ru_utime);
  reading[names::kSysNs] = to_ns(now.ru_stime) - to_ns(base.ru_stime);
  if (impl_->minor_faults_per_cpu) {
    // The fault tracepoints see major faults too; take them out. Readings are
    // cumulative, so the subtraction carries over into every delta.
    if (const auto it = reading.find(names::kMinorFaults); it != reading.end()) {
      const auto major = static_cast<std::uint64_t>(now.ru_majflt - base.ru_majflt);
      it->second = it->second > major ? it->second - major : 0;
    }
  }
  if (impl_->faults_from_rusage) {
    for (const auto& status : impl_->status) {
      if (status.source != Source::rusage) continue;
      if (status.name == names::kMinorFaults) {
        reading[status.name] = static_cast<std::uint64_t>(now.ru_minflt - base.ru_minflt);
      } else if (status.name == names::kMajorFaults) {
        reading[status.name] = static_cast<std::uint64_t>(now.ru_majflt - base.ru_majflt);
      }
    }
  }
  return reading;
}

const std::vector<CounterStatus>& KernelCounters::status() const {
  static const std::vector<CounterStatus> kNone;
  return impl_ ? impl_->status : kNone;
}

Reading delta(const Reading& before, const Reading& after) {
  Reading result;
  for (const auto& [name, value] : after) {
    const auto it = before.find(name);
    if (it == before.end()) continue;
    result[name] = value >= it->second ? value - it->second : 0;
  }
  return result;
}

}  // namespace shootout::probe
