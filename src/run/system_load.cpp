#include "run/system_load.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace shootout::run {

std::optional<CpuTimes> read_cpu_times() {
  std::ifstream in("/proc/stat");
  std::string label;
  in >> label;
  if (label != "cpu") return std::nullopt;
  // user nice system idle iowait irq softirq steal (in USER_HZ ticks)
  std::uint64_t v[8] = {};
  for (auto& x : v) in >> x;
  if (!in) return std::nullopt;
  const std::uint64_t busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  static const long hz = sysconf(_SC_CLK_TCK);
  return CpuTimes{busy * (1000000000ull / static_cast<std::uint64_t>(hz))};
}

double other_cpu_share(const CpuTimes& before, const CpuTimes& after, std::uint64_t own_cpu_ns,
                       std::uint64_t wall_ns, long cores) {
  if (wall_ns == 0 || cores <= 0 || after.busy_ns < before.busy_ns) return 0;
  const double busy = static_cast<double>(after.busy_ns - before.busy_ns);
  const double other = std::max(0.0, busy - static_cast<double>(own_cpu_ns));
  return std::clamp(other / (static_cast<double>(wall_ns) * static_cast<double>(cores)), 0.0, 1.0);
}

}  // namespace shootout::run
