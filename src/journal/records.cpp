#include "journal/records.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace shootout::journal {

namespace {

using nlohmann::json;

// Counts and nanoseconds are uint64 where they are measured: beyond that a
// value is garbage, and sums of such values would overflow to infinity.
constexpr double kUint64Limit = 18446744073709551616.0;  // 2^64

// Reads the fields of one record, naming the record in every error:
// "sample of cell 'mpsc/8|zeroed|asio|std|preload' (round 0)".
class Fields {
 public:
  explicit Fields(const json& record) : r_(record) {
    if (!r_.is_object()) throw RecordError("a record is not a JSON object");
    name_ = text("type", "record");
    if (auto c = r_.find("cell"); c != r_.end() && c->is_string())
      name_ += " of cell '" + c->get<std::string>() + "'";
    if (auto round = r_.find("round"); round != r_.end() && round->is_number())
      name_ += " (round " + round->dump() + ")";
  }

  // A value inside a record (its "load", a summary entry): errors name the record.
  Fields(const json& value, const Fields& record) : r_(value), name_(record.name_) {}

  [[noreturn]] void fail(const std::string& what) const { throw RecordError(name_ + ": " + what); }

  const json* find(const char* key) const {
    auto it = r_.find(key);
    return it == r_.end() ? nullptr : &*it;
  }

  // Lenient reads: a field of another type counts as absent.
  std::string text(const char* key, const std::string& fallback = "") const {
    const json* v = find(key);
    return v && v->is_string() ? v->get<std::string>() : fallback;
  }
  bool flag(const char* key, bool fallback) const {
    const json* v = find(key);
    return v && v->is_boolean() ? v->get<bool>() : fallback;
  }
  std::optional<double> number(const char* key) const {
    const json* v = find(key);
    if (!v || !v->is_number()) return std::nullopt;
    return v->get<double>();
  }
  std::optional<int> integer(const char* key) const {
    const json* v = find(key);
    if (!v || !v->is_number_integer()) return std::nullopt;
    // Compared as JSON numbers: get<int>() would wrap an out-of-range value.
    if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max())
      return std::nullopt;
    return v->get<int>();
  }

  // Strict reads.
  std::string required_text(const char* key) const {
    const json* v = find(key);
    if (!v || !v->is_string()) fail("\"" + std::string(key) + "\" is missing or not a string");
    return v->get<std::string>();
  }
  double required_number(const char* key) const {
    const auto v = number(key);
    if (!v) fail("\"" + std::string(key) + "\" is missing or not a number");
    return *v;
  }
  // A measured count: a whole number in [0, 2^64).
  std::uint64_t count(const std::string& field, double value) const {
    if (!(value >= 0 && value < kUint64Limit) || value != std::floor(value))
      fail(field + " must be a whole number from 0 to below 2^64");
    return static_cast<std::uint64_t>(value);
  }
  std::uint64_t count(const char* key, double value) const {
    return count("\"" + std::string(key) + "\"", value);
  }
  std::optional<std::uint64_t> optional_count(const char* key) const {
    const json* v = find(key);
    if (!v || !v->is_number()) return std::nullopt;
    return v->is_number_unsigned() ? v->get<std::uint64_t>() : count(key, v->get<double>());
  }

 private:
  const json& r_;
  std::string name_;
};

// A count read exactly when the JSON holds an unsigned integer (a double
// would round values above 2^53).
std::uint64_t exact_count(const Fields& f, const char* key, double value) {
  const json* v = f.find(key);
  if (v && v->is_number_unsigned()) return v->get<std::uint64_t>();
  return f.count(key, value);
}

json optional_json(const std::optional<int>& v) { return v ? json(*v) : json(); }

std::optional<alloc::TuningCheck> read_tuning_check(const Fields& f) {
  const json* check = f.find("tuning_check");
  if (!check || !check->is_object()) return std::nullopt;
  return check->get<alloc::TuningCheck>();
}

json read_verification(const Fields& f) {
  const json* v = f.find("verification");
  return v ? *v : json();
}

std::vector<std::string> split_id(const std::string& id) {
  std::vector<std::string> parts;
  std::stringstream in(id);
  for (std::string part; std::getline(in, part, '|');) parts.push_back(part);
  return parts;
}

}  // namespace

std::string cell_id(const std::string& workload, const std::string& payload,
                    const std::string& runtime, const std::string& variant,
                    const std::string& injection) {
  return workload + "|" + payload + "|" + runtime + "|" + variant + "|" + injection;
}

// ---- identity ------------------------------------------------------------------

void to_json(json& j, const CellIdentity& r) {
  j = {{"cell", r.cell},
       {"group", r.group},
       {"workload", r.workload},
       {"family", r.family},
       {"payload", r.payload},
       {"runtime", r.runtime},
       {"allocator", r.allocator},
       {"variant", r.variant},
       {"tuning", r.tuning},
       {"probes", r.probes},
       {"injection", r.injection},
       {"baseline", r.baseline},
       {"baseline_cell", r.baseline_cell},
       {"object", r.object}};
}

void from_json(const json& j, CellIdentity& r) {
  const Fields f(j);
  r = CellIdentity{};
  r.cell = f.required_text("cell");
  const auto parts = split_id(r.cell);
  auto part = [&](std::size_t i) { return i < parts.size() ? parts[i] : std::string(); };
  r.group = f.text("group");
  r.workload = f.text("workload", part(0));
  r.payload = f.text("payload", part(1));
  r.runtime = f.text("runtime", part(2));
  r.variant = f.text("variant", part(3));
  r.injection = f.text("injection", part(4));
  r.allocator = f.text("allocator", r.variant.substr(0, r.variant.find('[')));
  r.tuning = f.text("tuning");
  // Runs before the "probes" field name the mode in the variant only:
  // "jemalloc(probes off)".
  const std::string::size_type probes_at = r.variant.rfind("(probes ");
  r.probes =
      f.text("probes", probes_at != std::string::npos && r.variant.back() == ')'
                           ? r.variant.substr(probes_at + 8, r.variant.size() - probes_at - 9)
                           : std::string("counters"));
  r.family = f.text("family", r.workload.substr(0, r.workload.find('/')));
  r.baseline = f.flag("baseline", false);
  r.baseline_cell = f.text("baseline_cell");
  r.object = f.text("object");
}

// ---- cell ----------------------------------------------------------------------

void to_json(json& j, const WorkloadInfo& r) {
  j = {{"name", r.name},
       {"family", r.family},
       {"description", r.description},
       {"pool_threads", r.pool_threads},
       {"runtime_kind", r.runtime_kind},
       {"runtime_build", r.runtime_build},
       {"wait_mode", r.wait_mode},
       {"pinned", r.pinned},
       {"elements_per_iteration", r.elements_per_iteration},
       {"payload_bytes", r.payload_bytes}};
  if (!r.runtime_design.empty()) j["runtime_design"] = r.runtime_design;
}

void from_json(const json& j, WorkloadInfo& r) {
  r = WorkloadInfo{};
  if (!j.is_object()) return;
  const Fields f(j);
  r.name = f.text("name");
  r.family = f.text("family");
  r.description = f.text("description");
  r.runtime_kind = f.text("runtime_kind");
  r.runtime_build = f.text("runtime_build");
  r.wait_mode = f.text("wait_mode");
  r.runtime_design = f.text("runtime_design");
  r.pool_threads = f.integer("pool_threads").value_or(0);
  r.pinned = f.flag("pinned", false);
  // Out of uint64 range stays unknown (0): the cast would be undefined.
  if (auto e = f.number("elements_per_iteration"); e && *e > 0 && *e < kUint64Limit)
    r.elements_per_iteration = static_cast<std::uint64_t>(*e);
  if (auto b = f.number("payload_bytes"); b && *b > 0 && *b < kUint64Limit)
    r.payload_bytes = static_cast<std::uint64_t>(*b);
}

void to_json(json& j, const CounterStatus& r) {
  j = {{"name", r.name}, {"source", r.source ? json(*r.source) : json()}, {"detail", r.detail}};
}

void from_json(const json& j, CounterStatus& r) {
  const Fields f(j);
  r.name = f.text("name");
  r.source.reset();
  if (const json* s = f.find("source"); s && s->is_string()) r.source = s->get<std::string>();
  r.detail = f.text("detail");
}

void to_json(json& j, const CellRecord& r) {
  j = r.identity;
  j["type"] = "cell";
  j["verification"] = r.verification;
  j["tuning_check"] = r.tuning_check ? json(*r.tuning_check) : json();
  j["workload_info"] = r.workload_info;
  j["counters"] = r.counters;
  j["warmup"] = {{"iters", r.warmup_iters}, {"ns", r.warmup_ns}};
  j["plan"] = {{"mode", r.plan_mode}, {"iterations", r.plan_iterations}};
  if (r.processes) j["processes"] = *r.processes;
}

void from_json(const json& j, CellRecord& r) {
  const Fields f(j);
  r = CellRecord{};
  r.identity = j.get<CellIdentity>();
  r.verification = read_verification(f);
  r.tuning_check = read_tuning_check(f);
  if (const json* w = f.find("workload_info")) r.workload_info = w->get<WorkloadInfo>();
  if (const json* counters = f.find("counters"); counters && counters->is_array())
    for (const auto& s : *counters)
      if (s.is_object()) r.counters.push_back(s.get<CounterStatus>());
  if (const json* w = f.find("warmup"); w && w->is_object()) {
    const Fields warmup(*w, f);
    if (auto iters = warmup.optional_count("iters")) r.warmup_iters = *iters;
    r.warmup_ns = warmup.number("ns").value_or(0);
  }
  if (const json* p = f.find("plan"); p && p->is_object()) {
    const Fields plan(*p, f);
    r.plan_mode = plan.text("mode");
    if (const json* its = plan.find("iterations"); its && its->is_array())
      for (const auto& k : *its)
        if (k.is_number_unsigned()) r.plan_iterations.push_back(k.get<std::uint64_t>());
  }
  r.processes = f.integer("processes");
}

// ---- sample --------------------------------------------------------------------

void to_json(json& j, const Measurement& r) {
  j = {{"iters", r.iters}, {"ns", r.ns}, {"counters", r.counters}, {"hwm_scope", r.hwm_scope}};
  if (r.rss_kib) j["rss_kib"] = *r.rss_kib;
  if (r.hwm_kib) j["hwm_kib"] = *r.hwm_kib;
}

void from_json(const json& j, Measurement& r) {
  const Fields f(j);
  r = Measurement{};
  const double iters = f.required_number("iters");
  const double ns = f.required_number("ns");
  // iters is a count of iterations; with iters >= 1 and every total below
  // 2^64, per-iteration values and their sums stay finite.
  if (!(iters >= 1 && iters < kUint64Limit)) f.fail("\"iters\" must be >= 1");
  if (!(ns >= 0 && ns < kUint64Limit)) f.fail("\"ns\" must be >= 0 and below 2^64");
  r.iters = exact_count(f, "iters", iters);
  r.ns = exact_count(f, "ns", ns);
  if (const json* counters = f.find("counters")) {
    if (!counters->is_object()) f.fail("\"counters\" is not an object");
    for (auto it = counters->begin(); it != counters->end(); ++it) {
      const std::string field = "counter \"" + it.key() + "\"";
      if (it->is_number_unsigned()) {
        r.counters[it.key()] = it->get<std::uint64_t>();
        continue;
      }
      if (!it->is_number()) f.fail(field + " is not a number below 2^64");
      r.counters[it.key()] = f.count(field, it->get<double>());
    }
  }
  r.rss_kib = f.optional_count("rss_kib");
  r.hwm_kib = f.optional_count("hwm_kib");
  r.hwm_scope = f.text("hwm_scope");
}

void to_json(json& j, const SampleLoad& r) {
  j = {{"window_ns", r.window_ns},
       {"cpus", r.cpus},
       {"busy_ns", r.busy_ns},
       {"steal_ns", r.steal_ns},
       {"run_ns", r.run_ns}};
}

void to_json(json& j, const SampleRecord& r) {
  j = r.measured;
  j["type"] = "sample";
  j["cell"] = r.cell;
  j["group"] = r.group;
  j["round"] = r.round;
  j["position"] = r.position;
  if (r.process) j["process"] = *r.process;
  if (r.load) j["load"] = *r.load;
  if (r.other_cpu_share) j["other_cpu_share"] = *r.other_cpu_share;
  if (r.command) {
    j["exit_code"] = optional_json(r.command->exit_code);
    if (r.command->signal) j["signal"] = *r.command->signal;
    if (r.command->killed_leftover_processes) j["killed_leftover_processes"] = true;
  }
  if (r.counted_process)
    j["counted_process"] = {{"iters", r.counted_process->iters},
                            {"measured_ns", r.counted_process->measured_ns},
                            {"wall_ns", r.counted_process->wall_ns}};
  if (r.harness_cpu_ns) j["harness_cpu_ns"] = *r.harness_cpu_ns;
}

void from_json(const json& j, SampleRecord& r) {
  const Fields f(j);
  r = SampleRecord{};
  r.cell = f.required_text("cell");
  r.group = f.text("group");
  const double round = f.required_number("round");
  // Checked before the cast: an out-of-range double to int is undefined.
  if (!(round >= 0 && round <= std::numeric_limits<int>::max()))
    f.fail("\"round\" must be a round number >= 0");
  r.round = static_cast<int>(round);
  r.position = f.integer("position").value_or(0);
  r.process = f.integer("process");
  if (r.process && *r.process < 0) f.fail("\"process\" must be >= 0");
  r.measured = j.get<Measurement>();
  r.other_cpu_share = f.number("other_cpu_share");
  if (const json* load = f.find("load"); load && load->is_object()) {
    const Fields l(*load, f);
    SampleLoad values;
    const std::pair<const char*, std::uint64_t*> fields[] = {{"window_ns", &values.window_ns},
                                                             {"cpus", &values.cpus},
                                                             {"busy_ns", &values.busy_ns},
                                                             {"steal_ns", &values.steal_ns},
                                                             {"run_ns", &values.run_ns}};
    for (const auto& [field, into] : fields) {
      const auto v = l.number(field);
      if (!v || !(*v >= 0 && *v < kUint64Limit))
        f.fail("\"load\"." + std::string(field) + " must be a number >= 0");
      *into = exact_count(l, field, *v);
    }
    r.load = values;
  }
  if (f.find("exit_code")) {
    CommandExit exit;
    exit.exit_code = f.integer("exit_code");
    exit.signal = f.integer("signal");
    exit.killed_leftover_processes = f.flag("killed_leftover_processes", false);
    r.command = exit;
  }
  if (const json* counted = f.find("counted_process")) {
    if (!counted->is_object()) f.fail("\"counted_process\" is not an object");
    const Fields c(*counted, f);
    CountedProcess process;
    const std::pair<const char*, std::uint64_t*> fields[] = {{"iters", &process.iters},
                                                             {"measured_ns", &process.measured_ns},
                                                             {"wall_ns", &process.wall_ns}};
    for (const auto& [key, into] : fields) {
      const std::string field = "\"counted_process\"." + std::string(key);
      const json* v = c.find(key);
      if (!v || !v->is_number()) f.fail(field + " is missing or not a number");
      *into = v->is_number_unsigned() ? v->get<std::uint64_t>() : c.count(field, v->get<double>());
    }
    // Counters are divided by iters, shares by wall_ns.
    if (process.iters == 0) f.fail("\"counted_process\".iters must be >= 1");
    if (process.wall_ns == 0) f.fail("\"counted_process\".wall_ns must be >= 1");
    r.counted_process = process;
  }
  r.harness_cpu_ns = f.optional_count("harness_cpu_ns");
}

// ---- cell_failed ---------------------------------------------------------------

void to_json(json& j, const CellFailedRecord& r) {
  j = r.identity;
  j["type"] = "cell_failed";
  j["phase"] = r.phase;
  j["reason"] = r.reason;
  j["exit_code"] = optional_json(r.exit_code);
  j["signal"] = optional_json(r.signal);
  j["stderr_tail"] = r.stderr_tail;
  if (r.process) j["process"] = *r.process;
  if (r.timed_out) j["timed_out"] = *r.timed_out;
  if (!r.verification.is_null()) j["verification"] = r.verification;
  if (r.tuning_check) j["tuning_check"] = *r.tuning_check;
}

void from_json(const json& j, CellFailedRecord& r) {
  const Fields f(j);
  r = CellFailedRecord{};
  r.identity = j.get<CellIdentity>();
  r.phase = f.text("phase");
  r.reason = f.text("reason", "no reason recorded");
  r.exit_code = f.integer("exit_code");
  r.signal = f.integer("signal");
  if (const json* tail = f.find("stderr_tail"); tail && tail->is_array())
    for (const auto& line : *tail)
      if (line.is_string()) r.stderr_tail.push_back(line.get<std::string>());
  r.process = f.integer("process");
  if (const json* t = f.find("timed_out"); t && t->is_boolean()) r.timed_out = t->get<bool>();
  r.verification = read_verification(f);
  r.tuning_check = read_tuning_check(f);
}

// ---- group_done ----------------------------------------------------------------

namespace {

json cross_cpu_json(const CrossCpuValue& v) {
  if (!v.round_trip_ns) return {{"round_trip_ns", nullptr}, {"why", v.why}};
  return {{"round_trip_ns", *v.round_trip_ns},
          {"min_ns", v.min_ns},
          {"max_ns", v.max_ns},
          {"batches", v.batches},
          {"cpus", v.cpus}};
}

std::optional<CrossCpuValue> read_cross_cpu(const Fields& record, const json& cross_cpu,
                                            const char* when) {
  auto it = cross_cpu.find(when);
  if (it == cross_cpu.end() || !it->is_object()) return std::nullopt;
  const Fields f(*it, record);
  CrossCpuValue v;
  v.round_trip_ns = f.number("round_trip_ns");
  if (v.round_trip_ns && !(*v.round_trip_ns > 0 && std::isfinite(*v.round_trip_ns)))
    record.fail("\"round_trip_ns\" must be a positive number");
  v.min_ns = f.number("min_ns").value_or(0);
  v.max_ns = f.number("max_ns").value_or(0);
  v.batches = f.integer("batches").value_or(0);
  if (const json* cpus = f.find("cpus"); cpus && cpus->is_array() && cpus->size() == 2)
    for (std::size_t i = 0; i < 2; ++i)
      if ((*cpus)[i].is_number_integer()) v.cpus[i] = (*cpus)[i].get<int>();
  v.why = f.text("why");
  return v;
}

}  // namespace

void to_json(json& j, const GroupDoneRecord& r) {
  j = {{"type", "group_done"}, {"group", r.group}, {"rounds", r.rounds}};
  if (r.cross_cpu_before || r.cross_cpu_after) {
    json cc = json::object();
    if (r.cross_cpu_before) cc["before"] = cross_cpu_json(*r.cross_cpu_before);
    if (r.cross_cpu_after) cc["after"] = cross_cpu_json(*r.cross_cpu_after);
    j["cross_cpu"] = cc;
  }
}

void from_json(const json& j, GroupDoneRecord& r) {
  const Fields f(j);
  r = GroupDoneRecord{};
  r.group = f.required_text("group");
  r.rounds = f.integer("rounds").value_or(0);
  if (const json* cc = f.find("cross_cpu"); cc && cc->is_object()) {
    r.cross_cpu_before = read_cross_cpu(f, *cc, "before");
    r.cross_cpu_after = read_cross_cpu(f, *cc, "after");
  }
}

// ---- trace ---------------------------------------------------------------------

bool TracedCalls::operator==(const TracedCalls& o) const {
  auto same = [](const probe::CallSummary& a, const probe::CallSummary& b) {
    return a.kind == b.kind && a.advice == b.advice && a.count == b.count &&
           a.total_bytes == b.total_bytes && a.min_bytes == b.min_bytes &&
           a.median_bytes == b.median_bytes && a.max_bytes == b.max_bytes &&
           a.histogram == b.histogram && a.text == b.text;
  };
  if (summary.size() != o.summary.size()) return false;
  for (std::size_t i = 0; i < summary.size(); ++i)
    if (!same(summary[i], o.summary[i])) return false;
  return iters == o.iters && source == o.source && detail == o.detail && lost == o.lost;
}

void to_json(json& j, const TracedCalls& r) {
  j = {{"iters", r.iters},
       {"source", r.source ? json(*r.source) : json()},
       {"detail", r.detail},
       {"lost", r.lost},
       {"summary", r.summary}};
}

void from_json(const json& j, TracedCalls& r) {
  const Fields f(j);
  r = TracedCalls{};
  const double iters = f.required_number("iters");
  if (!(iters > 0)) f.fail("\"iters\" must be > 0");
  r.iters = exact_count(f, "iters", iters);
  if (const json* s = f.find("source"); s && s->is_string()) r.source = s->get<std::string>();
  r.detail = f.text("detail");
  r.lost = f.optional_count("lost").value_or(0);
  if (const json* summary = f.find("summary"); summary && summary->is_array())
    for (const auto& k : *summary) {
      if (!k.is_object()) f.fail("\"summary\" entries must be objects");
      const Fields kind(k, f);
      probe::CallSummary s;
      s.kind = kind.text("kind");
      s.advice = kind.integer("advice").value_or(-1);
      s.count = kind.optional_count("count").value_or(0);
      s.total_bytes = kind.optional_count("total_bytes").value_or(0);
      s.min_bytes = kind.optional_count("min_bytes").value_or(0);
      s.median_bytes = kind.optional_count("median_bytes").value_or(0);
      s.max_bytes = kind.optional_count("max_bytes").value_or(0);
      if (const json* h = kind.find("histogram"); h && h->is_array())
        for (const auto& bucket : *h)
          if (bucket.is_object()) {
            const Fields b(bucket, f);
            s.histogram[b.optional_count("from_bytes").value_or(0)] =
                b.optional_count("count").value_or(0);
          }
      s.text = kind.text("text");
      r.summary.push_back(std::move(s));
    }
}

void to_json(json& j, const TraceRecord& r) {
  j = r.traced;
  j["type"] = "trace";
  j["cell"] = r.cell;
  j["group"] = r.group;
  j["calls"] = r.calls;
  j["file"] = r.file;
}

void from_json(const json& j, TraceRecord& r) {
  const Fields f(j);
  r = TraceRecord{};
  r.cell = f.required_text("cell");
  r.group = f.text("group");
  r.traced = j.get<TracedCalls>();
  r.file = f.text("file");
  r.calls = f.optional_count("calls").value_or(0);
}

// ---- profile -------------------------------------------------------------------

void to_json(json& j, const AllocationCounts& r) {
  j = {{"iters", r.iters}, {"calls", r.calls}, {"bytes", r.bytes}, {"frees", r.frees}};
}

void from_json(const json& j, AllocationCounts& r) {
  const Fields f(j);
  r = AllocationCounts{};
  const double iters = f.required_number("iters");
  const double calls = f.required_number("calls");
  const double bytes = f.required_number("bytes");
  if (!(iters > 0)) f.fail("\"iters\" must be > 0");
  r.iters = exact_count(f, "iters", iters);
  r.calls = exact_count(f, "calls", calls);
  r.bytes = exact_count(f, "bytes", bytes);
  r.frees = f.optional_count("frees").value_or(0);
}

void to_json(json& j, const ProfileRecord& r) {
  j = r.counted;
  j["type"] = "profile";
  j["group"] = r.group;
  j["workload"] = r.workload;
  j["payload"] = r.payload;
  j["runtime"] = r.runtime;
  if (r.workload_info) j["workload_info"] = *r.workload_info;
}

void from_json(const json& j, ProfileRecord& r) {
  const Fields f(j);
  r = ProfileRecord{};
  r.group = f.required_text("group");
  r.workload = f.text("workload", r.group);
  r.payload = f.text("payload");
  r.runtime = f.text("runtime");
  r.counted = j.get<AllocationCounts>();
  if (const json* w = f.find("workload_info"); w && w->is_object())
    r.workload_info = w->get<WorkloadInfo>();
}

// ---- steady_state --------------------------------------------------------------

void to_json(json& j, const SteadyStateRecord& r) {
  j = {{"type", "steady_state"},
       {"cell", r.cell},
       {"group", r.group},
       {"rounds", r.rounds},
       {"steady", r.steady ? json(*r.steady) : json()}};
  if (!r.why.empty()) j["why"] = r.why;
  if (r.first_third) j["first_third"] = *r.first_third;
  if (r.last_third) j["last_third"] = *r.last_third;
  // Not judged for lack of rounds: no counters were compared at all.
  if (r.first_third) {
    json counters = json::object();
    for (const auto& [name, c] : r.counters)
      counters[name] = {{"first_per_iteration", c.first_per_iteration},
                        {"last_per_iteration", c.last_per_iteration},
                        {"first_count", c.first_count},
                        {"last_count", c.last_count},
                        {"agree", c.agree}};
    j["counters"] = counters;
  }
}

void from_json(const json& j, SteadyStateRecord& r) {
  const Fields f(j);
  r = SteadyStateRecord{};
  r.cell = f.required_text("cell");
  r.group = f.text("group");
  r.rounds = f.integer("rounds").value_or(0);
  if (const json* s = f.find("steady"); s && s->is_boolean()) r.steady = s->get<bool>();
  r.why = f.text("why");
  auto third = [&](const char* key) -> std::optional<std::array<int, 2>> {
    const json* t = f.find(key);
    if (!t || !t->is_array() || t->size() != 2 || !(*t)[0].is_number_integer() ||
        !(*t)[1].is_number_integer())
      return std::nullopt;
    return std::array<int, 2>{(*t)[0].get<int>(), (*t)[1].get<int>()};
  };
  r.first_third = third("first_third");
  r.last_third = third("last_third");
  const json* counters = f.find("counters");
  if (!counters || !counters->is_object()) return;
  for (const auto& [name, c] : counters->items()) {
    if (!c.is_object()) f.fail("\"counters\" entries must be objects");
    const Fields counter(c, f);
    SteadyStateRecord::Counter value;
    value.agree = counter.flag("agree", true);
    // A drifting counter is what the report quotes: its rates must be there.
    if (value.agree) {
      value.first_per_iteration = counter.number("first_per_iteration").value_or(0);
      value.last_per_iteration = counter.number("last_per_iteration").value_or(0);
    } else {
      value.first_per_iteration = counter.required_number("first_per_iteration");
      value.last_per_iteration = counter.required_number("last_per_iteration");
    }
    value.first_count = counter.number("first_count").value_or(0);
    value.last_count = counter.number("last_count").value_or(0);
    r.counters[name] = value;
  }
}

// ---- run_start, run_end --------------------------------------------------------

void to_json(json& j, const RunStartRecord& r) {
  j = {{"type", "run_start"}, {"attempt", r.attempt}, {"time", r.time}, {"argv", r.argv}};
}

void from_json(const json& j, RunStartRecord& r) {
  const Fields f(j);
  r = RunStartRecord{};
  r.attempt = f.integer("attempt").value_or(1);
  r.time = f.text("time");
  if (const json* argv = f.find("argv"); argv && argv->is_array())
    for (const auto& word : *argv)
      if (word.is_string()) r.argv.push_back(word.get<std::string>());
}

void to_json(json& j, const RunEndRecord& r) {
  j = {{"type", "run_end"}, {"time", r.time}, {"cells", r.cells}, {"failed", r.failed}};
}

void from_json(const json& j, RunEndRecord& r) {
  const Fields f(j);
  r = RunEndRecord{};
  r.time = f.text("time");
  r.cells = f.optional_count("cells").value_or(0);
  r.failed = f.optional_count("failed").value_or(0);
}

}  // namespace shootout::journal
