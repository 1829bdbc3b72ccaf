#include "report/key_drivers.h"

#include <fmt/format.h>

#include "report/text_format.h"

namespace shootout::report {

namespace {

using namespace thresholds;

bool at_least(const std::optional<double>& v, double threshold) { return v && *v >= threshold; }
bool below(const std::optional<double>& v, double threshold) { return v && *v < threshold; }

// "+1.0 page fault" / "+0.30 page faults"
std::string count(double v, const char* singular, const char* plural) {
  const std::string n = text::number(v, 2);
  return "+" + n + " " + (text::reads_as_one(n) ? singular : plural);
}

std::string faults_part(const CounterRates& r) {
  if (!r.page_faults) return "page faults not measured";
  if (*r.page_faults < kNegligiblePerElement) return "no more page faults";
  return count(*r.page_faults, "page fault", "page faults");
}

std::optional<double> mmap_and_munmap(const CounterRates& r) {
  if (!r.mmap && !r.munmap) return std::nullopt;
  return r.mmap.value_or(0) + r.munmap.value_or(0);
}

// Every counter the "user space" rule needs, measured, with no excess.
bool no_kernel_excess(const CounterRates& r) {
  return below(r.madvise, kNegligiblePerElement) && below(r.brk, kNegligiblePerElement) &&
         below(r.mmap, kNegligiblePerElement) && below(r.munmap, kNegligiblePerElement) &&
         below(r.page_faults, kNegligiblePerElement);
}

bool all_measured(const CounterRates& r) {
  return r.madvise && r.brk && r.mmap && r.munmap && r.page_faults;
}

bool any_measured(const CounterRates& r) {
  return r.madvise || r.madvise_dontneed || r.madvise_free || r.brk || r.mmap || r.munmap ||
         r.page_faults;
}

// Excess syscalls and faults per element, together.
double excess_events(const CounterRates& r) {
  return r.madvise.value_or(0) + r.brk.value_or(0) + r.mmap.value_or(0) + r.munmap.value_or(0) +
         r.page_faults.value_or(0);
}

// The excess could not cost a tenth of the gap even at the slowest event cost measured.
bool too_few_to_explain(const Gap& g) {
  return g.time_ns && *g.time_ns > 0 &&
         excess_events(g.excess) * kMaxEventNs < kExplainedShare * *g.time_ns;
}

// "+0.05 brk, +2.0 page faults" (the excess counters above the negligible rate)
std::string excess_parts(const CounterRates& r) {
  std::string parts;
  auto add = [&](const std::optional<double>& v, const char* name) {
    if (!v || *v < kNegligiblePerElement) return;
    if (!parts.empty()) parts += ", ";
    parts += "+" + text::number(*v, 2) + " " + name;
  };
  add(r.madvise, "madvise");
  add(r.brk, "brk");
  add(mmap_and_munmap(r), "mmap+munmap");
  add(r.page_faults, "page faults");
  return parts;
}

// slow − fast, or 0 when the difference is within the work both sides do.
std::optional<double> excess(const std::optional<double>& slow, const std::optional<double>& fast) {
  if (!slow || !fast) return std::nullopt;
  const double d = *slow - *fast;
  return d > 0 && d >= kCommonShare * *fast ? d : 0.0;
}

std::vector<KeyDriverRule> make_rules() {
  return {
      {"user_space",
       "excess madvise, brk, mmap, munmap and page faults each < 0.01 per element, or together "
       "too few to cost a tenth of the time gap at 100 µs each",
       "the difference is in user space: no more syscalls or page faults than the faster side, "
       "or too few more to matter",
       "the difference is in user space",
       [](const Gap& g) {
         return all_measured(g.excess) && (no_kernel_excess(g.excess) || too_few_to_explain(g));
       },
       [](const Gap& g) {
         if (no_kernel_excess(g.excess)) return std::string();
         return excess_parts(g.excess);
       }},
      {"madvise_dontneed_refault",
       "excess MADV_DONTNEED ≥ 0.5 and excess page faults ≥ 0.5 per element",
       "demand-zero faults after MADV_DONTNEED: freed pages are dropped at once and fault in "
       "zeroed on the next write",
       "demand-zero faults after MADV_DONTNEED",
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return at_least(r.madvise_dontneed, kPerElementEvent) &&
                at_least(r.page_faults, kPerElementEvent);
       },
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return count(*r.madvise_dontneed, "MADV_DONTNEED", "MADV_DONTNEED") + ", " +
                faults_part(r);
       }},
      {"brk_heap_trim", "excess brk ≥ 0.1 per element",
       "heap trim via brk: the heap top is given back and its pages fault in again (glibc trims "
       "once the free top exceeds its trim threshold, 128 KiB until the process frees an mmapped "
       "chunk; GLIBC_TUNABLES=glibc.malloc.trim_threshold=N stops it)",
       "heap trim via brk",
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return at_least(r.brk, kBrkPerElement);
       },
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return count(*r.brk, "brk", "brk") + ", " + faults_part(r);
       },
       // glibc malloc.c: free() trims the main heap (systrim) when the top
       // chunk reaches trim_threshold; freeing an mmapped chunk larger than
       // mmap_threshold (and at most DEFAULT_MMAP_THRESHOLD_MAX) sets
       // mmap_threshold to its size and trim_threshold to twice that, unless
       // a threshold was set (no_dyn_threshold).
       "glibc's free() gives the top of the heap back with brk once the free space there exceeds "
       "the trim threshold: 128 KiB until the process frees an mmapped chunk; that free raises "
       "the mmap threshold to the chunk's size (the dynamic threshold, at most 32 MiB on 64-bit) "
       "and the trim threshold to twice the mmap threshold, after which the heap is trimmed far "
       "less often — so whether a process has ever freed a large block decides whether it trims. "
       "A fixed setting stops it and turns the dynamic threshold off: "
       "GLIBC_TUNABLES=glibc.malloc.trim_threshold=N with N above the heap's swing stops the "
       "trims (--tune std:trim_threshold:N); glibc.malloc.top_pad=N keeps N bytes at the top on "
       "each trim (std:top_pad:N); glibc.malloc.mmap_threshold=N fixes which sizes are mmapped "
       "(std:mmap_threshold:N)."},
      {"mmap_per_allocation", "excess mmap + munmap ≥ 0.5 per element",
       "mmap/munmap per allocation: each buffer is a fresh mapping", "mmap/munmap per allocation",
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return at_least(mmap_and_munmap(r), kPerElementEvent);
       },
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return count(*mmap_and_munmap(r), "mmap+munmap", "mmap+munmap") + ", " + faults_part(r);
       }},
      {"madvise_dontneed_purge",
       "excess MADV_DONTNEED ≥ 0.5 and excess page faults < 0.5 per element",
       "eager purge via MADV_DONTNEED (syscall cost, pages not reused)",
       "eager purge via MADV_DONTNEED",
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return at_least(r.madvise_dontneed, kPerElementEvent);
       },
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return count(*r.madvise_dontneed, "MADV_DONTNEED", "MADV_DONTNEED") + ", " +
                faults_part(r);
       }},
      {"fresh_page_faults",
       "excess page faults ≥ 0.5 per element (no rule above: no purge, trim or mapping)",
       "page faults without madvise (fresh pages): memory is touched for the first time",
       "page faults without madvise (fresh pages)",
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return at_least(r.page_faults, kPerElementEvent);
       },
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return faults_part(r);
       }},
      {"lazy_purge", "excess MADV_FREE ≥ 0.1 and excess page faults < 0.5 per element",
       "lazy purge (MADV_FREE): a syscall per purge, no forced re-faults", "lazy purge (MADV_FREE)",
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return at_least(r.madvise_free, kLazyPurgePerElement);
       },
       [](const Gap& g) {
         const CounterRates& r = g.excess;
         return count(*r.madvise_free, "MADV_FREE", "MADV_FREE") + ", " + faults_part(r);
       }},
      {"some_kernel_work",
       "excess madvise, brk, mmap + munmap or page faults ≥ 0.01 per element, no rule above "
       "applies",
       "some more kernel work, below the per-element thresholds", "some more kernel work",
       [](const Gap& g) { return !excess_parts(g.excess).empty(); },
       [](const Gap& g) { return excess_parts(g.excess); }},
      {"not_measured", "otherwise: a counter the rules need is not measured on both sides",
       "cause not attributable: counters missing", "cause not attributable",
       [](const Gap&) { return true; },
       [](const Gap& g) {
         return std::string(any_measured(g.excess) ? "counters incomplete on one side or both"
                                                   : "no counters measured on both sides");
       }},
  };
}

}  // namespace

CounterRates excess_over(const CounterRates& slow, const CounterRates& fast) {
  CounterRates d;
  d.madvise = excess(slow.madvise, fast.madvise);
  d.madvise_dontneed = excess(slow.madvise_dontneed, fast.madvise_dontneed);
  d.madvise_free = excess(slow.madvise_free, fast.madvise_free);
  d.brk = excess(slow.brk, fast.brk);
  d.mmap = excess(slow.mmap, fast.mmap);
  d.munmap = excess(slow.munmap, fast.munmap);
  d.page_faults = excess(slow.page_faults, fast.page_faults);
  d.unit = slow.unit;
  return d;
}

const std::vector<KeyDriverRule>& key_driver_rules() {
  static const std::vector<KeyDriverRule> rules = make_rules();
  return rules;
}

KeyDriver gap_driver(const CounterRates& slow, const CounterRates& fast,
                     const std::string& fast_name, std::optional<double> slow_ns,
                     std::optional<double> fast_ns) {
  Gap gap{excess_over(slow, fast), std::nullopt};
  if (slow_ns && fast_ns && *slow_ns > *fast_ns) gap.time_ns = *slow_ns - *fast_ns;
  const std::string& unit = gap.excess.unit;
  for (const auto& rule : key_driver_rules()) {
    if (!rule.applies(gap)) continue;
    KeyDriver k{rule.id, "", rule.cause, rule.figures(gap), unit};
    const std::string id = rule.id;
    if (id == "user_space" && k.figures.empty())
      k.text = fmt::format("{} (no more syscalls or page faults per {} than {})", k.cause, unit,
                           fast_name);
    else if (id == "user_space")
      k.text = fmt::format("{} ({} per {} over {}: at most {} of the {} gap)", k.cause, k.figures,
                           unit, fast_name, text::duration(excess_events(gap.excess) * kMaxEventNs),
                           text::duration(*gap.time_ns));
    else if (id == "not_measured")
      k.text = fmt::format("{} ({})", k.cause, k.figures);
    else
      k.text = fmt::format("{} ({} per {} over {})", k.cause, k.figures, unit, fast_name);
    return k;
  }
  return {};  // unreachable: the last rule always applies
}

std::string avoided_text(const KeyDriver& slow_side, const std::string& slow_name) {
  if (slow_side.rule == "user_space")
    return fmt::format(
        "faster in user space ({} makes no more syscalls or page faults that "
        "matter)",
        slow_name);
  if (slow_side.rule == "not_measured") return slow_side.text;
  return fmt::format("avoids {}'s {} ({}: {} per {})", slow_name, slow_side.cause, slow_name,
                     slow_side.figures, slow_side.unit);
}

std::string element_unit(const std::string& family) {
  if (family.rfind("mpsc", 0) == 0) return "message";
  if (family.rfind("spawn", 0) == 0) return "task";
  if (family.rfind("block_on_alloc", 0) == 0 || family.rfind("alloc_stress", 0) == 0)
    return "payload";
  if (family == "exec") return "run";  // exec: one run of the user's command per iteration
  return "element";
}

}  // namespace shootout::report
