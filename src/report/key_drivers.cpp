#include "report/key_drivers.h"

#include <fmt/format.h>

#include "report/text_format.h"

namespace shootout::report {

namespace {

using namespace thresholds;

bool at_least(const std::optional<double>& v, double threshold) { return v && *v >= threshold; }
bool below(const std::optional<double>& v, double threshold) { return v && *v < threshold; }

// "1.0 page fault" / "0.30 page faults"
std::string count(double v, const char* singular, const char* plural) {
  const std::string n = text::number(v, 2);
  return n + " " + (text::reads_as_one(n) ? singular : plural);
}

std::string faults_part(const CounterRates& r) {
  if (!r.page_faults) return "page faults not measured";
  return count(*r.page_faults, "page fault", "page faults");
}

std::optional<double> mmap_and_munmap(const CounterRates& r) {
  if (!r.mmap && !r.munmap) return std::nullopt;
  return r.mmap.value_or(0) + r.munmap.value_or(0);
}

// Every counter the "no kernel work" rules need, measured and negligible.
bool no_kernel_work(const CounterRates& r) {
  return below(r.madvise, kNegligiblePerElement) && below(r.brk, kNegligiblePerElement) &&
         below(r.mmap, kNegligiblePerElement) && below(r.munmap, kNegligiblePerElement) &&
         below(r.page_faults, kNegligiblePerElement);
}

bool any_measured(const CounterRates& r) {
  return r.madvise || r.madvise_dontneed || r.madvise_free || r.brk || r.mmap || r.munmap ||
         r.page_faults;
}

std::vector<KeyDriverRule> make_rules() {
  return {
      {"madvise_dontneed_refault", "MADV_DONTNEED ≥ 0.5 and page faults ≥ 0.5 per element",
       "demand-zero faults after MADV_DONTNEED: freed pages are dropped at once and fault in "
       "zeroed on the next write",
       [](const CounterRates& r, Speed) {
         return at_least(r.madvise_dontneed, kPerElementEvent) &&
                at_least(r.page_faults, kPerElementEvent);
       },
       [](const CounterRates& r) {
         return fmt::format("demand-zero faults after MADV_DONTNEED: {} and {} per {}",
                            count(*r.madvise_dontneed, "MADV_DONTNEED", "MADV_DONTNEED"),
                            faults_part(r), r.unit);
       }},
      {"brk_heap_trim", "brk ≥ 0.1 per element",
       "heap trim via brk: the heap top is given back and its pages fault in again",
       [](const CounterRates& r, Speed) { return at_least(r.brk, kBrkPerElement); },
       [](const CounterRates& r) {
         return fmt::format("heap trim via brk: {} and {} per {}", count(*r.brk, "brk", "brk"),
                            faults_part(r), r.unit);
       }},
      {"mmap_per_allocation", "mmap + munmap ≥ 0.5 per element",
       "mmap/munmap per allocation: each buffer is a fresh mapping",
       [](const CounterRates& r, Speed) { return at_least(mmap_and_munmap(r), kPerElementEvent); },
       [](const CounterRates& r) {
         return fmt::format("mmap/munmap per allocation: {} mmap+munmap and {} per {}",
                            text::number(*mmap_and_munmap(r), 2), faults_part(r), r.unit);
       }},
      {"madvise_dontneed_purge", "MADV_DONTNEED ≥ 0.5 and page faults < 0.5 per element",
       "eager purge via MADV_DONTNEED (syscall cost, pages not reused)",
       [](const CounterRates& r, Speed) { return at_least(r.madvise_dontneed, kPerElementEvent); },
       [](const CounterRates& r) {
         return fmt::format("eager purge via MADV_DONTNEED: {} and {} per {}",
                            count(*r.madvise_dontneed, "MADV_DONTNEED", "MADV_DONTNEED"),
                            faults_part(r), r.unit);
       }},
      {"fresh_page_faults",
       "page faults ≥ 0.5 per element (no rule above: no purge, trim or mapping)",
       "page faults without madvise (fresh pages): memory is touched for the first time",
       [](const CounterRates& r, Speed) { return at_least(r.page_faults, kPerElementEvent); },
       [](const CounterRates& r) {
         return fmt::format("page faults without madvise (fresh pages): {} per {}", faults_part(r),
                            r.unit);
       }},
      {"lazy_purge", "MADV_FREE ≥ 0.001 and page faults < 0.5 per element",
       "lazy purge (MADV_FREE): memory is returned lazily, no forced re-faults",
       [](const CounterRates& r, Speed) {
         return at_least(r.madvise_free, kLazyPurgePerElement) &&
                below(r.page_faults, kPerElementEvent);
       },
       [](const CounterRates& r) {
         return fmt::format("lazy purge (MADV_FREE): {} and {} per {}",
                            count(*r.madvise_free, "MADV_FREE", "MADV_FREE"), faults_part(r),
                            r.unit);
       }},
      {"user_space_fast_path",
       "madvise, brk, mmap, munmap and page faults each < 0.01 per element; not slower than the "
       "baseline",
       "user-space fast path: no syscalls, no faults",
       [](const CounterRates& r, Speed speed) {
         return no_kernel_work(r) && speed != Speed::slower;
       },
       [](const CounterRates&) {
         return std::string("user-space fast path: no syscalls, no faults");
       }},
      {"user_space_cost",
       "madvise, brk, mmap, munmap and page faults each < 0.01 per element; slower than the "
       "baseline",
       "user-space allocator cost: slower with no syscalls and no faults",
       [](const CounterRates& r, Speed speed) {
         return no_kernel_work(r) && speed == Speed::slower;
       },
       [](const CounterRates&) {
         return std::string("user-space allocator cost: slower with no syscalls and no faults");
       }},
      {"some_kernel_work", "any counter measured, no rule above applies",
       "some kernel work, below the per-element thresholds",
       [](const CounterRates& r, Speed) { return any_measured(r); },
       [](const CounterRates& r) {
         std::string parts;
         auto add = [&](const std::optional<double>& v, const char* name) {
           if (!v || *v < kNegligiblePerElement) return;
           if (!parts.empty()) parts += ", ";
           parts += text::number(*v, 2) + " " + name;
         };
         add(r.madvise, "madvise");
         add(r.brk, "brk");
         add(mmap_and_munmap(r), "mmap+munmap");
         add(r.page_faults, "page faults");
         if (parts.empty()) parts = "counters incomplete";
         return fmt::format("some kernel work: {} per {}", parts, r.unit);
       }},
      {"not_measured", "no counter measured", "cause not attributable: no counters",
       [](const CounterRates&, Speed) { return true; },
       [](const CounterRates&) {
         return std::string("cause not attributable: no counters measured");
       }},
  };
}

}  // namespace

const std::vector<KeyDriverRule>& key_driver_rules() {
  static const std::vector<KeyDriverRule> rules = make_rules();
  return rules;
}

KeyDriver key_driver(const CounterRates& rates, Speed speed) {
  for (const auto& rule : key_driver_rules())
    if (rule.applies(rates, speed)) return {rule.id, rule.describe(rates)};
  return {"not_measured", "cause not attributable: no counters measured"};  // unreachable
}

std::string element_unit(const std::string& family) {
  if (family.rfind("mpsc", 0) == 0) return "message";
  if (family.rfind("spawn", 0) == 0) return "task";
  if (family.rfind("block_on_alloc", 0) == 0 || family.rfind("alloc_stress", 0) == 0)
    return "payload";
  return "element";
}

}  // namespace shootout::report
