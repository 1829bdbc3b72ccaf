#include "exec/verification.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "alloc/verify.h"
#include "common/fd_io.h"
#include "exec/probe_protocol.h"

namespace shootout::exec {

namespace {

using nlohmann::json;

constexpr const char* kSymbolNames[SHOOTOUT_PROBE_SYMBOLS] = {
    "malloc", "free", "calloc", "realloc", "aligned_alloc", "posix_memalign", "operator new"};

// At most this many processes are listed in the cell record (a build
// command may start hundreds); the count is always given.
constexpr size_t kListedProcesses = 16;

std::string canonical(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  auto p = std::filesystem::canonical(path, ec);
  return ec ? path : p.string();
}

std::string file_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

bool is_c_library(const std::string& object) {
  const std::string name = file_name(object);
  return name.rfind("libc.so", 0) == 0 || name.rfind("libc-", 0) == 0;
}

bool is_libstdcxx(const std::string& object) {
  return file_name(object).rfind("libstdc++", 0) == 0;
}

std::string object_of(const ProbeImage& image, const std::string& symbol) {
  for (const auto& [s, object] : image.objects)
    if (s == symbol) return object;
  return {};
}

struct Expectation {
  std::string object;  // canonical; "" for std (any C library)
  std::string label;
  bool matches(const std::string& candidate) const {
    return object.empty() ? is_c_library(candidate) : candidate == object;
  }
};

json process_json(const ProbeImage& image, int top_pid) {
  return {{"pid", image.pid},
          {"ppid", image.ppid},
          {"kind", image.forked ? "fork" : "image"},
          {"command_process", image.pid == top_pid},
          {"exe", image.exe},
          {"malloc", object_of(image, "malloc")},
          {"allocation_calls", image.allocation_calls},
          {"free_calls", image.free_calls}};
}

}  // namespace

void create_probe_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  shootout_probe_file header{};
  header.magic = SHOOTOUT_EXEC_PROBE_MAGIC;
  header.slot_count = SHOOTOUT_EXEC_PROBE_SLOTS;
  // The whole file at once, zeroed: the probe maps it and never grows it.
  const int error = common::write_all(
      fd, std::string_view(reinterpret_cast<const char*>(&header), sizeof header));
  close(fd);
  if (error != 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(error));
}

ProbeFindings read_probe_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  void* mapped = mmap(nullptr, sizeof(shootout_probe_file), PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (mapped == MAP_FAILED)
    throw std::runtime_error("cannot map " + path + ": " + std::strerror(errno));
  const auto* file = static_cast<const shootout_probe_file*>(mapped);
  ProbeFindings findings;
  if (file->magic != SHOOTOUT_EXEC_PROBE_MAGIC) {
    munmap(mapped, sizeof(shootout_probe_file));
    throw std::runtime_error(path + " is not an exec probe file");
  }
  const uint32_t claimed = __atomic_load_n(&file->claimed, __ATOMIC_ACQUIRE);
  const uint32_t slots = std::min<uint32_t>(claimed, SHOOTOUT_EXEC_PROBE_SLOTS);
  findings.unrecorded = static_cast<int>(claimed - slots);
  for (uint32_t i = 0; i < slots; ++i) {
    const shootout_probe_slot& s = file->slots[i];
    if (__atomic_load_n(&s.ready, __ATOMIC_ACQUIRE) != 1) continue;  // died mid-report
    ProbeImage image;
    image.pid = s.pid;
    image.ppid = s.ppid;
    image.forked = s.kind == SHOOTOUT_PROBE_FORKED;
    image.exe = std::string(s.exe, strnlen(s.exe, sizeof s.exe));
    for (int k = 0; k < SHOOTOUT_PROBE_SYMBOLS; ++k)
      image.objects.emplace_back(
          kSymbolNames[k],
          canonical(std::string(s.objects[k], strnlen(s.objects[k], sizeof s.objects[k]))));
    image.program_defines_malloc = s.program_defines_malloc != 0;
    image.allocation_calls = s.allocation_calls;
    image.free_calls = s.free_calls;
    image.version = std::string(s.version, strnlen(s.version, sizeof s.version));
    image.version_source =
        std::string(s.version_source, strnlen(s.version_source, sizeof s.version_source));
    findings.images.push_back(std::move(image));
  }
  munmap(mapped, sizeof(shootout_probe_file));
  return findings;
}

ExecVerification verify_variant(const VerificationInput& in) {
  const Variant& variant = *in.variant;
  const bool is_std = variant.allocator.is_std();
  const Expectation expected{is_std ? "" : canonical(variant.allocator.path),
                             is_std ? "the C library" : canonical(variant.allocator.path)};
  ExecVerification v;
  json& j = v.json;
  json notes = json::array();
  j["method"] =
      "exec probe: libshootout_exec_probe.so preloaded ahead of the allocator in one un-timed "
      "verification run (timed runs do not carry it)";
  j["expected_object"] = expected.label;
  j["program"] = {{"path", in.program.path},
                  {"elf", in.program.elf},
                  {"statically_linked", in.program.statically_linked},
                  {"setid", in.program.setid},
                  {"interpreter", in.program.interpreter}};

  std::vector<const ProbeImage*> images, top;
  for (const auto& image : in.findings.images) {
    if (image.forked) continue;
    images.push_back(&image);
    if (image.pid == in.top_pid) top.push_back(&image);
  }
  json processes = json::array();
  for (const auto& image : in.findings.images)
    if (processes.size() < kListedProcesses) processes.push_back(process_json(image, in.top_pid));
  j["processes"] = processes;
  j["processes_reported"] = in.findings.images.size() + static_cast<size_t>(in.findings.unrecorded);
  j["images_with_probe"] = images.size();
  j["execs"] = in.tree_execs ? json(*in.tree_execs) : json();
  j["command_execs"] = in.top_execs ? json(*in.top_execs) : json();

  auto finish = [&](bool ok, const std::string& reason) {
    v.ok = ok;
    if (!ok) v.message = "allocator not in effect: " + reason;
    j["ok"] = ok;
    j["message"] = v.message;
    j["notes"] = notes;
    return v;
  };
  // std preloads nothing: a program the probe cannot enter still runs the C
  // library's malloc (a static one its own copy), which is what std means.
  auto unverifiable = [&](const std::string& reason) {
    if (!is_std) return finish(false, reason);
    notes.push_back("not verified in the program: " + reason +
                    "; std preloads nothing, so the program's own C library malloc ran");
    j["active_object"] = "";
    return finish(true, "");
  };

  const std::string file_reason = why_preload_cannot_apply(in.program);
  if (top.empty()) {
    if (!images.empty())
      notes.push_back(std::to_string(images.size()) +
                      " program(s) started by the command loaded the probe; the command's own "
                      "process did not");
    return unverifiable(
        !file_reason.empty()
            ? file_reason
            : "the probe library never loaded into the command's process (statically linked, "
              "setuid, or LD_PRELOAD removed before it ran)");
  }
  if (in.top_execs && top.size() < *in.top_execs) {
    return unverifiable("the command's process ran " + std::to_string(*in.top_execs) +
                        " programs (execve) but only " + std::to_string(top.size()) +
                        " loaded the probe: a later one is statically linked, setuid, or was "
                        "started without LD_PRELOAD");
  }

  const ProbeImage& last = *top.back();
  json bindings = json::array();
  std::string first_wrong;
  for (const auto& [symbol, object] : last.objects) {
    json b = {{"symbol", symbol}, {"object", object}, {"as_expected", expected.matches(object)}};
    if (symbol == "operator new" && !b["as_expected"].get<bool>()) {
      if (is_libstdcxx(object)) {
        b["as_expected"] = true;
        b["note"] = "libstdc++'s operator new, which calls malloc";
      } else if (object.empty()) {
        b["as_expected"] = true;
        b["note"] = "no C++ runtime in the program";
      }
    }
    if (!b["as_expected"].get<bool>() && first_wrong.empty())
      first_wrong = symbol + " is served by " + (object.empty() ? "nothing" : object) + ", not " +
                    expected.label;
    bindings.push_back(b);
  }
  j["bindings"] = bindings;
  j["active_object"] = object_of(last, "malloc");
  j["exe"] = last.exe;
  j["allocation_calls"] = last.allocation_calls;
  j["free_calls"] = last.free_calls;
  alloc::Verification version;
  version.version = last.version;
  version.version_source = last.version_source;
  if (version.version.empty()) alloc::read_version(is_std ? "" : expected.object, version);
  j["version"] = version.version;
  j["version_source"] = version.version_source;

  if (in.findings.unrecorded > 0)
    notes.push_back(std::to_string(in.findings.unrecorded) +
                    " processes beyond the probe file's slots were not recorded");
  if (!in.top_execs)
    notes.push_back(
        "execve count unavailable (perf tracepoint refused): a program the command "
        "exec'd without loading the probe would go unnoticed");

  // Every program the command ran counts: one the probe could not enter, or
  // whose malloc is another object, ran without the allocator, and its time
  // would be mixed into the variant's.
  if (in.tree_execs && in.findings.unrecorded == 0 && images.size() < *in.tree_execs) {
    const std::string reason =
        std::to_string(*in.tree_execs - images.size()) + " of " + std::to_string(*in.tree_execs) +
        " programs the command ran did not load the probe (statically linked, setuid, or started "
        "without LD_PRELOAD): the allocator did not apply to them";
    if (!is_std) return finish(false, reason);
    notes.push_back(reason + "; under std they ran their own C library malloc");
  }
  if (last.program_defines_malloc)
    return finish(false, last.exe +
                             " defines malloc itself, ahead of every preloaded object: "
                             "its calls never reach " +
                             expected.label);
  if (!first_wrong.empty()) return finish(false, first_wrong + " (in " + last.exe + ")");
  for (const auto* image : images) {
    const std::string malloc_object = object_of(*image, "malloc");
    if (image->program_defines_malloc)
      return finish(false, image->exe + ", started by the command, defines malloc itself");
    if (!expected.matches(malloc_object))
      return finish(false, "malloc of " + image->exe + ", started by the command, is served by " +
                               (malloc_object.empty() ? "nothing" : malloc_object) + ", not " +
                               expected.label);
  }

  // Zero allocations through malloc: the program has an allocator of its
  // own. Checked where the work is: the command's program — or, through
  // --shell, every program the shell started.
  std::vector<const ProbeImage*> workers;
  if (!in.shell_exe.empty())
    for (const auto* image : images)
      if (canonical(image->exe) != in.shell_exe) workers.push_back(image);
  if (workers.empty()) workers.push_back(&last);
  for (const auto* image : workers)
    if (image->allocation_calls == 0)
      return finish(false, "no malloc, calloc, realloc or operator new call of " + image->exe +
                               " reached " + expected.label +
                               " although it ran: it allocates with an allocator of its own "
                               "(e.g. a Rust or Go binary with a built-in one), or not at all");
  return finish(true, "");
}

}  // namespace shootout::exec
