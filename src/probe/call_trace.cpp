// CallTracer: sys_enter_* tracepoint samples through perf ring buffers, or
// the interposer's recording buffer. Tracepoint ids and record layouts come
// from tracefs.h; the summary of a trace is call_summary.cpp's.
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
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <utility>

#include "probe/call_summary.h"
#include "probe/interpose.h"
#include "probe/own_threads.h"
#include "probe/tracefs.h"

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

// ---- perf -------------------------------------------------------------

using tracefs::Field;

struct Decoder {
  const KindSpec* spec;
  std::vector<std::pair<Role, Field>> fields;
};

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
  const tracefs::Location location = tracefs::find();
  if (location.dir.empty()) return location.error;

  std::vector<std::uint64_t> ids;
  for (const auto& spec : kinds()) {
    const std::string event = std::string("syscalls/") + spec.tracepoint;
    const tracefs::EventId id = tracefs::event_id(location.dir, event);
    if (!id.error.empty()) return id.error;
    const tracefs::Format fields = tracefs::read_format(location.dir, event);
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
        return location.dir + "/events/" + event + "/format has no field " + wanted.names.front();
      }
    }
    if (const auto it = fields.find("common_type"); it != fields.end()) common_type = it->second;
    decoders[id.id] = std::move(decoder);
    ids.push_back(id.id);
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
  for (const int cpu : tracefs::online_cpus()) {
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
  const auto it = decoders.find(tracefs::read_field(raw, head.raw_size, common_type));
  if (it == decoders.end()) return;
  RawCall call;
  call.kind = it->second.spec->kind;
  call.tid = head.tid;
  call.time_ns = head.time;
  for (const auto& [role, field] : it->second.fields) {
    assign(call, role, tracefs::read_field(raw, head.raw_size, field));
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

}  // namespace shootout::probe
