// CallTracer: sys_enter_* tracepoint samples through perf ring buffers, or
// the interposer's recording buffer; plus the per-kind size summary.
//
// perf refuses to mmap an inherited per-task event (cpu == -1), so there is
// one ring per online CPU: on each CPU the five tracepoint events are opened
// for this thread with `inherit` (children write to their parent's ring) and
// funnelled into one buffer with PERF_EVENT_IOC_SET_OUTPUT; the rings are
// merged by time.
#include "probe/call_trace.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "probe/interpose.h"
#include "probe/own_threads.h"

namespace shootout::probe {
namespace {

using interpose::Call;

// Which RawCall member a tracepoint field fills.
enum class Role { addr, length, new_length, new_addr, advice, prot, flags, fd, offset };

struct FieldSpec {
  Role role;
  std::vector<const char*> names;  // the kernel's field name, with known aliases
  bool required;
};

struct KindSpec {
  const char* kind;
  const char* tracepoint;
  Call call;
  std::vector<FieldSpec> fields;
};

const std::vector<KindSpec>& kinds() {
  static const std::vector<KindSpec> specs = {
      {"madvise",
       "sys_enter_madvise",
       Call::madvise,
       {{Role::addr, {"start"}, true},
        {Role::length, {"len_in", "len"}, true},
        {Role::advice, {"behavior"}, true}}},
      {"mmap",
       "sys_enter_mmap",
       Call::mmap,
       {{Role::addr, {"addr"}, true},
        {Role::length, {"len"}, true},
        {Role::prot, {"prot"}, false},
        {Role::flags, {"flags"}, false},
        {Role::fd, {"fd"}, false},
        {Role::offset, {"off", "offset", "pgoff"}, false}}},
      {"munmap",
       "sys_enter_munmap",
       Call::munmap,
       {{Role::addr, {"addr"}, true}, {Role::length, {"len"}, true}}},
      {"brk", "sys_enter_brk", Call::brk, {{Role::addr, {"brk"}, true}}},
      {"mremap",
       "sys_enter_mremap",
       Call::mremap,
       {{Role::addr, {"addr"}, true},
        {Role::length, {"old_len"}, true},
        {Role::new_length, {"new_len"}, true},
        {Role::flags, {"flags"}, false},
        {Role::new_addr, {"new_addr"}, false}}},
  };
  return specs;
}

void assign(RawCall& call, Role role, std::uint64_t value) {
  switch (role) {
    case Role::addr:
      call.addr = value;
      break;
    case Role::length:
      call.length = value;
      break;
    case Role::new_length:
      call.new_length = value;
      break;
    case Role::new_addr:
      call.new_addr = value;
      break;
    case Role::advice:
      call.advice = static_cast<int>(value);
      break;
    case Role::prot:
      call.prot = static_cast<int>(value);
      break;
    case Role::flags:
      call.flags = static_cast<int>(value);
      break;
    case Role::fd:
      call.fd = static_cast<int>(value);
      break;
    case Role::offset:
      call.offset = value;
      break;
  }
}

// ---- tracefs ----------------------------------------------------------

struct Field {
  std::size_t offset = 0;
  std::size_t size = 0;
  bool is_signed = false;
};

std::uint64_t read_field(const std::uint8_t* raw, std::size_t raw_size, const Field& field) {
  if (field.offset + field.size > raw_size) return 0;
  const std::uint8_t* p = raw + field.offset;
  switch (field.size) {
    case 1: {
      std::uint8_t v;
      std::memcpy(&v, p, 1);
      return field.is_signed ? static_cast<std::uint64_t>(static_cast<std::int8_t>(v)) : v;
    }
    case 2: {
      std::uint16_t v;
      std::memcpy(&v, p, 2);
      return field.is_signed ? static_cast<std::uint64_t>(static_cast<std::int16_t>(v)) : v;
    }
    case 4: {
      std::uint32_t v;
      std::memcpy(&v, p, 4);
      return field.is_signed ? static_cast<std::uint64_t>(static_cast<std::int32_t>(v)) : v;
    }
    case 8: {
      std::uint64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
  return 0;
}

std::size_t number_after(const std::string& line, const char* key, bool& ok) {
  const auto at = line.find(key);
  if (at == std::string::npos) {
    ok = false;
    return 0;
  }
  return std::strtoull(line.c_str() + at + std::strlen(key), nullptr, 10);
}

// Fields of events/syscalls/<name>/format, by name: lines such as
// "field:unsigned long len;	offset:24;	size:8;	signed:0;".
std::map<std::string, Field> parse_format(std::istream& in) {
  std::map<std::string, Field> fields;
  std::string line;
  while (std::getline(in, line)) {
    const auto start = line.find("field:");
    if (start == std::string::npos) continue;
    const auto end = line.find(';', start);
    if (end == std::string::npos) continue;
    std::string declaration = line.substr(start + 6, end - start - 6);
    if (const auto bracket = declaration.find('['); bracket != std::string::npos) {
      declaration.resize(bracket);
    }
    const auto name_at = declaration.find_last_of(" \t*");
    const std::string name =
        name_at == std::string::npos ? declaration : declaration.substr(name_at + 1);
    bool ok = true;
    Field field;
    field.offset = number_after(line, "offset:", ok);
    field.size = number_after(line, "size:", ok);
    field.is_signed = number_after(line, "signed:", ok) != 0;
    if (ok && !name.empty()) fields[name] = field;
  }
  return fields;
}

bool has_events(const std::string& dir) {
  struct stat st {};
  return ::stat((dir + "/events").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// As KernelCounters does: as root, mount tracefs where the kernel expects it.
std::string find_tracefs(std::string& error) {
  for (const char* dir : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    if (has_events(dir)) return dir;
  }
  if (geteuid() != 0) {
    error = "tracefs not mounted (not root, cannot mount it)";
    return {};
  }
  if (::mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0) {
    error = std::string("tracefs not mounted (mount failed: ") + std::strerror(errno) + ")";
    return {};
  }
  if (has_events("/sys/kernel/tracing")) return "/sys/kernel/tracing";
  error = "tracefs not mounted";
  return {};
}

// ---- perf -------------------------------------------------------------

struct Decoder {
  const KindSpec* spec;
  std::vector<std::pair<Role, Field>> fields;
};

std::vector<int> online_cpus() {
  std::vector<int> cpus;
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string list;
  if (in >> list) {
    std::stringstream ranges(list);
    std::string range;
    while (std::getline(ranges, range, ',')) {
      int first = 0, last = 0;
      const int n = std::sscanf(range.c_str(), "%d-%d", &first, &last);
      if (n == 1) last = first;
      if (n >= 1) {
        for (int cpu = first; cpu <= last; ++cpu) cpus.push_back(cpu);
      }
    }
  }
  if (cpus.empty()) {
    for (long cpu = 0; cpu < sysconf(_SC_NPROCESSORS_ONLN); ++cpu) {
      cpus.push_back(static_cast<int>(cpu));
    }
  }
  return cpus;
}

// Ring-buffer sample layout for PERF_SAMPLE_TID | TIME | RAW.
struct SampleHead {
  perf_event_header header;
  std::uint32_t pid, tid;
  std::uint64_t time;
  std::uint32_t raw_size;
};
constexpr std::size_t kRawAt = offsetof(SampleHead, raw_size) + sizeof(std::uint32_t);

struct Ring {
  int cpu = -1;
  std::uint8_t* map = nullptr;
  std::size_t map_bytes = 0;
  std::vector<int> fds;  // fds[0] owns the buffer
};

// interpose::RecordedCall -> RawCall, in the libc prototype's argument order.
RawCall from_interposed(const interpose::RecordedCall& recorded) {
  const auto& a = recorded.record.args;
  RawCall call;
  call.tid = recorded.tid;
  call.time_ns = recorded.time_ns;
  switch (recorded.record.call) {
    case Call::madvise:
      call.kind = "madvise";
      call.addr = a[0];
      call.length = a[1];
      call.advice = static_cast<int>(a[2]);
      break;
    case Call::mmap:
      call.kind = "mmap";
      call.addr = a[0];
      call.length = a[1];
      call.prot = static_cast<int>(a[2]);
      call.flags = static_cast<int>(a[3]);
      call.fd = static_cast<int>(a[4]);
      call.offset = a[5];
      break;
    case Call::munmap:
      call.kind = "munmap";
      call.addr = a[0];
      call.length = a[1];
      break;
    case Call::brk:
      call.kind = "brk";
      call.addr = a[0];
      break;
    case Call::mremap:
      call.kind = "mremap";
      call.addr = a[0];
      call.length = a[1];
      call.new_length = a[2];
      call.flags = static_cast<int>(a[3]);
      call.new_addr = a[4];
      break;
  }
  return call;
}

void sort_by_time(std::vector<RawCall>& calls) {
  std::stable_sort(calls.begin(), calls.end(),
                   [](const RawCall& a, const RawCall& b) { return a.time_ns < b.time_ns; });
}

}  // namespace

struct CallTracer::Impl {
  std::optional<Source> source;
  std::string detail;
  std::uint64_t lost = 0;
  bool running = false;

  // perf_event (tracepoint samples)
  std::vector<Ring> rings;
  std::map<std::uint64_t, Decoder> decoders;  // by tracepoint id (common_type)
  Field common_type{0, 2, false};
  bool format_lost = false;  // PERF_FORMAT_LOST: exact per-event loss counts (Linux 6.0)
  std::uint64_t lost_base = 0;
  std::uint64_t record_lost = 0;  // from PERF_RECORD_LOST, without format_lost
  std::vector<std::uint8_t> scratch;

  // interpose
  interpose::RecordedCall* records = nullptr;
  std::size_t capacity = 0;
  std::size_t records_bytes = 0;

  ~Impl() {
    if (running && source == Source::interpose) {
      std::uint64_t overflow = 0;
      interpose::stop_recording(overflow);
    }
    close_perf();
    if (records) munmap(records, records_bytes);
  }

  void close_perf() {
    for (auto& ring : rings) {
      for (const int fd : ring.fds) close(fd);
      if (ring.map) munmap(ring.map, ring.map_bytes);
    }
    rings.clear();
  }

  std::string open_perf(const TraceOptions& options);
  bool open_interpose(const TraceOptions& options, std::string& error);

  void set_enabled(bool on) {
    for (const auto& ring : rings) {
      for (const int fd : ring.fds)
        ioctl(fd, on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
    }
  }

  // Samples that found the ring full, with PERF_FORMAT_LOST. The kernel
  // charges an inherited child's loss to its parent event (tested), so this
  // covers every thread, unlike PERF_RECORD_LOST, which is only written with
  // the ring's next sample, i.e. possibly in a later pass.
  std::uint64_t lost_total() const {
    std::uint64_t total = 0;
    for (const auto& ring : rings) {
      for (const int fd : ring.fds) {
        std::uint64_t values[2] = {0, 0};  // value, lost
        if (::read(fd, values, sizeof(values)) == static_cast<ssize_t>(sizeof(values))) {
          total += values[1];
        }
      }
    }
    return total;
  }

  void drain(Ring& ring, std::vector<RawCall>* out);
  void decode_sample(const std::uint8_t* record, std::size_t size, std::vector<RawCall>& out) const;
};

std::string CallTracer::Impl::open_perf(const TraceOptions& options) {
  std::string error;
  const std::string tracefs = find_tracefs(error);
  if (tracefs.empty()) return error;

  std::vector<std::uint64_t> ids;
  for (const auto& spec : kinds()) {
    const std::string dir = tracefs + "/events/syscalls/" + spec.tracepoint;
    std::ifstream id_in(dir + "/id");
    std::uint64_t id = 0;
    if (!(id_in >> id)) {
      struct stat st {};
      if (::stat((tracefs + "/events/syscalls").c_str(), &st) != 0) {
        return "kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)";
      }
      return "cannot read " + dir + "/id";
    }
    std::ifstream format_in(dir + "/format");
    const auto fields = parse_format(format_in);
    Decoder decoder{&spec, {}};
    for (const auto& wanted : spec.fields) {
      const Field* found = nullptr;
      for (const char* name : wanted.names) {
        if (const auto it = fields.find(name); it != fields.end()) {
          found = &it->second;
          break;
        }
      }
      if (found) {
        decoder.fields.emplace_back(wanted.role, *found);
      } else if (wanted.required) {
        return dir + "/format has no field " + wanted.names.front();
      }
    }
    if (const auto it = fields.find("common_type"); it != fields.end()) common_type = it->second;
    decoders[id] = std::move(decoder);
    ids.push_back(id);
  }

  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t wanted_pages = std::bit_ceil(
      std::max<std::size_t>(1, (std::max<std::size_t>(options.ring_bytes, 1) + page - 1) / page));

  perf_event_attr attr{};
  attr.size = sizeof(attr);
  attr.type = PERF_TYPE_TRACEPOINT;
  attr.sample_period = 1;
  attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
  attr.read_format = PERF_FORMAT_LOST;
  attr.disabled = 1;
  attr.inherit = 1;  // threads created after open write to this ring
  attr.use_clockid = 1;
  attr.clockid = CLOCK_MONOTONIC;  // comparable with the interposer's times
  attr.watermark = 1;              // nobody polls: wake as rarely as possible
  attr.wakeup_watermark = static_cast<std::uint32_t>(wanted_pages * page / 2);
  format_lost = true;

  const auto perf_open = [&](std::uint64_t id, int cpu) {
    attr.config = id;
    int fd =
        static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, cpu, -1, PERF_FLAG_FD_CLOEXEC));
    if (fd < 0 && errno == EINVAL && format_lost) {  // before Linux 6.0
      attr.read_format = 0;
      format_lost = false;
      fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, cpu, -1, PERF_FLAG_FD_CLOEXEC));
    }
    return fd;
  };

  std::size_t pages = wanted_pages;
  for (const int cpu : online_cpus()) {
    Ring& ring = rings.emplace_back();
    ring.cpu = cpu;
    for (const std::uint64_t id : ids) {
      const int fd = perf_open(id, cpu);
      if (fd < 0) {
        error = std::string("perf_event_open on cpu ") + std::to_string(cpu) + ": " +
                std::strerror(errno);
        close_perf();
        return error;
      }
      ring.fds.push_back(fd);
      if (ring.fds.size() > 1) {
        if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, ring.fds.front()) != 0) {
          error = std::string("PERF_EVENT_IOC_SET_OUTPUT: ") + std::strerror(errno);
          close_perf();
          return error;
        }
        continue;
      }
      // Locked memory may be limited (perf_event_mlock_kb): halve down to 16 pages.
      for (;;) {
        const std::size_t bytes = (pages + 1) * page;
        void* map = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map != MAP_FAILED) {
          ring.map = static_cast<std::uint8_t*>(map);
          ring.map_bytes = bytes;
          break;
        }
        if (pages <= 16 || (errno != EPERM && errno != ENOMEM)) {
          error = std::string("mmap of the perf ring buffer: ") + std::strerror(errno);
          close_perf();
          return error;
        }
        pages /= 2;
      }
    }
  }

  detail = "syscalls:sys_enter_{madvise,mmap,munmap,brk,mremap} samples with inherit, one " +
           format_bytes(pages * page) + " ring per CPU (" + std::to_string(rings.size()) + " CPUs)";
  if (!format_lost) detail += "; losses counted from PERF_RECORD_LOST only";
  return {};
}

bool CallTracer::Impl::open_interpose(const TraceOptions& options, std::string& error) {
  for (const auto& spec : kinds()) {
    if (!interpose::exported(spec.call)) {
      error = std::string("interposition unavailable: ") + interpose::symbol(spec.call) +
              " is not exported by this executable (link it with shootout_export_interposers)";
      return false;
    }
  }
  // mmap, not the allocator under test; pages are touched only as calls arrive.
  capacity = std::max<std::size_t>(options.max_records, 1);
  records_bytes = capacity * sizeof(interpose::RecordedCall);
  void* map = mmap(nullptr, records_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (map == MAP_FAILED) {
    error = std::string("cannot map the interpose record buffer: ") + std::strerror(errno);
    records_bytes = 0;
    return false;
  }
  records = static_cast<interpose::RecordedCall*>(map);
  return true;
}

void CallTracer::Impl::decode_sample(const std::uint8_t* record, std::size_t size,
                                     std::vector<RawCall>& out) const {
  if (size < sizeof(SampleHead)) return;
  SampleHead head;
  std::memcpy(&head, record, sizeof(head));
  if (kRawAt + head.raw_size > size) return;
  const std::uint8_t* raw = record + kRawAt;
  const auto it = decoders.find(read_field(raw, head.raw_size, common_type));
  if (it == decoders.end()) return;
  RawCall call;
  call.kind = it->second.spec->kind;
  call.tid = head.tid;
  call.time_ns = head.time;
  for (const auto& [role, field] : it->second.fields) {
    assign(call, role, read_field(raw, head.raw_size, field));
  }
  out.push_back(std::move(call));
}

// Consumes everything between data_tail and data_head; records may wrap
// around the end of the data area. out == nullptr discards.
void CallTracer::Impl::drain(Ring& ring, std::vector<RawCall>* out) {
  auto* meta = reinterpret_cast<perf_event_mmap_page*>(ring.map);
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::uint8_t* data = ring.map + (meta->data_offset ? meta->data_offset : page);
  const std::uint64_t size = meta->data_size ? meta->data_size : ring.map_bytes - page;
  const std::uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
  std::uint64_t tail = meta->data_tail;

  const auto copy = [&](std::uint64_t at, void* to, std::size_t n) {
    const std::size_t offset = at & (size - 1);
    const std::size_t first = std::min<std::size_t>(n, size - offset);
    std::memcpy(to, data + offset, first);
    std::memcpy(static_cast<std::uint8_t*>(to) + first, data, n - first);
  };

  while (head - tail >= sizeof(perf_event_header)) {
    perf_event_header header;
    copy(tail, &header, sizeof(header));
    if (header.size < sizeof(header) || header.size > head - tail) break;  // never torn
    if (out) {
      scratch.resize(header.size);
      copy(tail, scratch.data(), header.size);
      if (header.type == PERF_RECORD_SAMPLE) {
        decode_sample(scratch.data(), header.size, *out);
      } else if (header.type == PERF_RECORD_LOST && header.size >= 24) {
        std::uint64_t lost_now = 0;
        std::memcpy(&lost_now, scratch.data() + 16, sizeof(lost_now));  // after id
        record_lost += lost_now;
      }
    }
    tail += header.size;
  }
  __atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

CallTracer CallTracer::open(const TraceOptions& options) {
  auto* impl = new Impl;
  std::string reason = "tracepoints disabled by options";
  if (options.allow_tracepoints) {
    reason = impl->open_perf(options);
    if (reason.empty()) {
      impl->source = Source::perf_event;
      if (const int threads = detail::own_thread_count(); threads > 1) {
        impl->detail += " (opened with " + std::to_string(threads) +
                        " threads running: threads that existed before open are not traced)";
      }
      return CallTracer(impl);
    }
  }
  std::string error;
  if (options.malloc_in_c_library) {
    impl->detail = "not measured: " + reason +
                   "; the interposition fallback cannot see the std allocator's calls: glibc "
                   "malloc's internal __mmap/__munmap/__madvise/__brk/__mremap bypass the wrappers";
  } else if (impl->open_interpose(options, error)) {
    impl->source = Source::interpose;
    impl->detail = "libc wrappers in this executable, up to " + std::to_string(impl->capacity) +
                   " calls per pass (" + reason +
                   "); misses glibc malloc's internal __mmap/__munmap/__madvise/__brk/__mremap "
                   "calls";
  } else {
    impl->detail = reason + "; " + error;
  }
  return CallTracer(impl);
}

CallTracer::CallTracer(Impl* impl) : impl_(impl) {}
CallTracer::CallTracer(CallTracer&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}
CallTracer& CallTracer::operator=(CallTracer&& other) noexcept {
  if (this != &other) {
    delete impl_;
    impl_ = std::exchange(other.impl_, nullptr);
  }
  return *this;
}
CallTracer::~CallTracer() { delete impl_; }

void CallTracer::start() {
  if (!impl_) return;
  Impl& impl = *impl_;
  if (impl.running) stop();
  impl.lost = 0;
  if (impl.source == Source::perf_event) {
    for (auto& ring : impl.rings) impl.drain(ring, nullptr);  // late writes of a past pass
    impl.record_lost = 0;
    if (impl.format_lost) impl.lost_base = impl.lost_total();
    impl.set_enabled(true);
  } else if (impl.source == Source::interpose) {
    if (!interpose::start_recording(impl.records, impl.capacity)) {
      throw std::runtime_error("CallTracer: another tracer is recording through the interposer");
    }
  }
  impl.running = true;
}

std::vector<RawCall> CallTracer::stop() {
  std::vector<RawCall> calls;
  if (!impl_ || !impl_->running) return calls;
  Impl& impl = *impl_;
  impl.running = false;
  if (impl.source == Source::perf_event) {
    impl.set_enabled(false);
    for (auto& ring : impl.rings) impl.drain(ring, &calls);
    impl.lost = impl.format_lost ? impl.lost_total() - impl.lost_base : impl.record_lost;
  } else if (impl.source == Source::interpose) {
    std::uint64_t overflow = 0;
    const std::size_t count = interpose::stop_recording(overflow);
    calls.reserve(count);
    for (std::size_t i = 0; i < count; ++i) calls.push_back(from_interposed(impl.records[i]));
    impl.lost = overflow;
  }
  sort_by_time(calls);
  return calls;
}

std::optional<Source> CallTracer::source() const { return impl_ ? impl_->source : std::nullopt; }

const std::string& CallTracer::detail() const {
  static const std::string kNone;
  return impl_ ? impl_->detail : kNone;
}

std::uint64_t CallTracer::lost() const { return impl_ ? impl_->lost : 0; }

// ---- names, summary, JSON ----------------------------------------------

std::string advice_name(int advice) {
  struct Name {
    int value;
    const char* name;
  };
#define SHOOTOUT_ADVICE(name) \
  Name { name, #name }
  static constexpr Name kNames[] = {
      SHOOTOUT_ADVICE(MADV_NORMAL),
      SHOOTOUT_ADVICE(MADV_RANDOM),
      SHOOTOUT_ADVICE(MADV_SEQUENTIAL),
      SHOOTOUT_ADVICE(MADV_WILLNEED),
      SHOOTOUT_ADVICE(MADV_DONTNEED),
      SHOOTOUT_ADVICE(MADV_FREE),
      SHOOTOUT_ADVICE(MADV_REMOVE),
      SHOOTOUT_ADVICE(MADV_DONTFORK),
      SHOOTOUT_ADVICE(MADV_DOFORK),
      SHOOTOUT_ADVICE(MADV_MERGEABLE),
      SHOOTOUT_ADVICE(MADV_UNMERGEABLE),
      SHOOTOUT_ADVICE(MADV_HUGEPAGE),
      SHOOTOUT_ADVICE(MADV_NOHUGEPAGE),
      SHOOTOUT_ADVICE(MADV_DONTDUMP),
      SHOOTOUT_ADVICE(MADV_DODUMP),
      SHOOTOUT_ADVICE(MADV_HWPOISON),
#ifdef MADV_WIPEONFORK
      SHOOTOUT_ADVICE(MADV_WIPEONFORK),
      SHOOTOUT_ADVICE(MADV_KEEPONFORK),
#endif
#ifdef MADV_COLD
      SHOOTOUT_ADVICE(MADV_COLD),
      SHOOTOUT_ADVICE(MADV_PAGEOUT),
#endif
#ifdef MADV_POPULATE_READ
      SHOOTOUT_ADVICE(MADV_POPULATE_READ),
      SHOOTOUT_ADVICE(MADV_POPULATE_WRITE),
#endif
#ifdef MADV_DONTNEED_LOCKED
      SHOOTOUT_ADVICE(MADV_DONTNEED_LOCKED),
#endif
#ifdef MADV_COLLAPSE
      SHOOTOUT_ADVICE(MADV_COLLAPSE),
#endif
  };
#undef SHOOTOUT_ADVICE
  for (const auto& entry : kNames) {
    if (entry.value == advice) return entry.name;
  }
  return std::to_string(advice);
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  std::uint64_t scale = 1;
  while (unit + 1 < std::size(kUnits) && bytes >= scale * 1024) {
    scale *= 1024;
    ++unit;
  }
  if (bytes % scale == 0) return std::to_string(bytes / scale) + " " + kUnits[unit];
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", static_cast<double>(bytes) / scale, kUnits[unit]);
  return text;
}

std::vector<CallSummary> summarize(const std::vector<RawCall>& calls) {
  // Group by (kind order, advice); lengths kept to find the median.
  static constexpr const char* kOrder[] = {"madvise", "mmap", "munmap", "mremap", "brk"};
  std::map<std::pair<int, int>, std::vector<std::uint64_t>> groups;
  for (const auto& call : calls) {
    const auto at = std::find(std::begin(kOrder), std::end(kOrder), call.kind);
    if (at == std::end(kOrder)) continue;
    const int order = static_cast<int>(at - std::begin(kOrder));
    const bool is_madvise = order == 0;
    const std::uint64_t bytes = call.kind == "mremap" ? call.new_length
                                : call.kind == "brk"  ? 0
                                                      : call.length;
    groups[{order, is_madvise ? call.advice : -1}].push_back(bytes);
  }

  std::vector<CallSummary> summaries;
  for (auto& [key, lengths] : groups) {
    CallSummary s;
    const std::string kind = kOrder[key.first];
    s.advice = key.second;
    s.kind = kind == "madvise" ? kind + "(" + advice_name(s.advice) + ")" : kind;
    s.count = lengths.size();
    std::sort(lengths.begin(), lengths.end());
    for (const std::uint64_t length : lengths) {
      s.total_bytes += length;
      ++s.histogram[length == 0 ? 0 : std::bit_floor(length)];
    }
    s.min_bytes = lengths.front();
    s.max_bytes = lengths.back();
    s.median_bytes = lengths[(lengths.size() - 1) / 2];
    s.text = s.kind + ": " + std::to_string(s.count) + (s.count == 1 ? " call" : " calls");
    if (kind != "brk") {
      if (s.min_bytes == s.max_bytes) {
        s.text += (s.count == 1 ? ", " : ", each ") + format_bytes(s.min_bytes);
      } else {
        s.text += ", sizes " + format_bytes(s.min_bytes) + "\u2013" + format_bytes(s.max_bytes) +
                  ", median " + format_bytes(s.median_bytes);
      }
    }
    summaries.push_back(std::move(s));
  }
  return summaries;
}

namespace {
std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(value));
  return text;
}
}  // namespace

void to_json(nlohmann::json& j, const RawCall& call) {
  j = nlohmann::json{{"kind", call.kind}, {"tid", call.tid}, {"time_ns", call.time_ns}};
  j["addr"] = hex(call.addr);
  if (call.kind == "madvise") {
    j["length"] = call.length;
    j["advice"] = call.advice;
    j["advice_name"] = advice_name(call.advice);
  } else if (call.kind == "mmap") {
    j["length"] = call.length;
    j["prot"] = call.prot;
    j["flags"] = call.flags;
    j["fd"] = call.fd;
    j["offset"] = call.offset;
  } else if (call.kind == "munmap") {
    j["length"] = call.length;
  } else if (call.kind == "mremap") {
    j["length"] = call.length;
    j["new_length"] = call.new_length;
    j["flags"] = call.flags;
    j["new_addr"] = hex(call.new_addr);
  }
}

void to_json(nlohmann::json& j, const CallSummary& summary) {
  nlohmann::json histogram = nlohmann::json::array();
  for (const auto& [from, count] : summary.histogram) {
    histogram.push_back({{"from_bytes", from}, {"count", count}});
  }
  j = nlohmann::json{{"kind", summary.kind},
                     {"count", summary.count},
                     {"total_bytes", summary.total_bytes},
                     {"min_bytes", summary.min_bytes},
                     {"median_bytes", summary.median_bytes},
                     {"max_bytes", summary.max_bytes},
                     {"histogram", std::move(histogram)},
                     {"text", summary.text}};
  if (summary.advice >= 0) j["advice"] = summary.advice;
}

}  // namespace shootout::probe
