#include "probe/tracefs.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace shootout::probe::tracefs {

namespace {

bool has_events(const std::string& dir) {
  struct stat st {};
  return ::stat((dir + "/events").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::size_t number_after(const std::string& line, const char* key, bool& ok) {
  const auto at = line.find(key);
  if (at == std::string::npos) {
    ok = false;
    return 0;
  }
  return std::strtoull(line.c_str() + at + std::strlen(key), nullptr, 10);
}

template <typename Unsigned, typename Signed>
std::uint64_t load(const std::uint8_t* at, bool is_signed) {
  Unsigned value;
  std::memcpy(&value, at, sizeof value);
  return is_signed ? static_cast<std::uint64_t>(static_cast<Signed>(value)) : value;
}

// A non-negative decimal number at `text`; false when there is none.
bool parse_cpu(const char*& text, int& cpu) {
  if (*text < '0' || *text > '9') return false;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (value > 1 << 20) return false;  // far beyond any CPU count: not a CPU list
  cpu = static_cast<int>(value);
  text = end;
  return true;
}

}  // namespace

Location find() {
  for (const char* dir : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    if (has_events(dir)) return {dir, {}};
  }
  if (geteuid() != 0) return {{}, "tracefs not mounted (not root, cannot mount it)"};
  if (::mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0) {
    return {{}, std::string("tracefs not mounted (mount failed: ") + std::strerror(errno) + ")"};
  }
  if (has_events("/sys/kernel/tracing")) return {"/sys/kernel/tracing", {}};
  return {{}, "tracefs not mounted"};
}

EventId event_id(const std::string& tracefs_dir, const std::string& event) {
  const std::string path = tracefs_dir + "/events/" + event + "/id";
  std::ifstream in(path);
  std::uint64_t id = 0;
  if (in >> id) return {id, {}};
  const int err = errno;
  const std::string subsystem = event.substr(0, event.find('/'));
  if (subsystem == "syscalls" && !is_directory(tracefs_dir + "/events/syscalls"))
    return {0, "kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)"};
  if (!is_directory(tracefs_dir + "/events/" + event))
    return {0, "cannot read " + path + " (no such tracepoint in this kernel)"};
  return {0, "cannot read " + path + (err ? std::string(": ") + std::strerror(err) : "")};
}

Format parse_format(std::istream& in) {
  Format fields;
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

Format read_format(const std::string& tracefs_dir, const std::string& event) {
  std::ifstream in(tracefs_dir + "/events/" + event + "/format");
  return parse_format(in);
}

std::uint64_t read_field(const std::uint8_t* raw, std::size_t raw_size, const Field& field) {
  if (field.offset + field.size > raw_size) return 0;
  const std::uint8_t* at = raw + field.offset;
  switch (field.size) {
    case 1:
      return load<std::uint8_t, std::int8_t>(at, field.is_signed);
    case 2:
      return load<std::uint16_t, std::int16_t>(at, field.is_signed);
    case 4:
      return load<std::uint32_t, std::int32_t>(at, field.is_signed);
    case 8:
      return load<std::uint64_t, std::int64_t>(at, false);
  }
  return 0;
}

std::vector<int> parse_cpu_list(const std::string& list) {
  std::vector<int> cpus;
  const char* text = list.c_str();
  while (*text && *text != '\n') {
    int first = 0, last = 0;
    if (!parse_cpu(text, first)) return {};
    last = first;
    if (*text == '-') {
      ++text;
      if (!parse_cpu(text, last) || last < first) return {};
    }
    for (int cpu = first; cpu <= last; ++cpu) cpus.push_back(cpu);
    if (*text == ',') {
      ++text;
      if (!*text || *text == '\n') return {};  // a trailing comma: not a list
    } else if (*text && *text != '\n') {
      return {};
    }
  }
  return cpus;
}

std::vector<int> online_cpus() {
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string list;
  std::getline(in, list);
  std::vector<int> cpus = parse_cpu_list(list);
  if (cpus.empty()) {
    for (long cpu = 0; cpu < sysconf(_SC_NPROCESSORS_ONLN); ++cpu) {
      cpus.push_back(static_cast<int>(cpu));
    }
  }
  return cpus;
}

}  // namespace shootout::probe::tracefs
